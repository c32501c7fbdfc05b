/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nspid - translate PIDs between pid namespaces.
 *
 *   nspid PID...                 every level of each PID (caller's pids)
 *   nspid -N REF PID...          PIDs as seen inside pid namespace REF
 *   nspid ... --to REF           only the level of REF
 *   nspid -N REF -a              every member of REF (like docker top)
 *
 * Rows are (task, level). The level columns (LEVEL, PIDNS, NSID) ask for
 * one row per level; without them a task has one row, at the caller's
 * level or at --to's, so "-o PID" prints exactly one pid per argument.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ctcols.h"
#include "exitcodes.h"
#include "options.h"
#include "nsinfo.h"


enum { COL_LEVEL, COL_PIDNS, COL_NSID, COL_PID, COL_TGID, COL_NSPID, COL_REFPID,
       COL_COMMAND, COL_STATE, COL_HOSTNAME, COL_CONTAINER, COL_RUNTIME, COL_CID, COL_IMAGE,
       COL_POD, COL_K8SNS,
       COL_PPID, COL_UID, COL_USER, COL_STIME, COL_TIME, NCOLS };

static const struct nst_col columns[NCOLS] = {
	[COL_LEVEL]   = { "LEVEL",   0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "pid namespace level of the row (0 = the caller's)" },
	[COL_PIDNS]   = { "PIDNS",   10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "inode of the row's pid namespace" },
	[COL_NSID]    = { "NSID",    0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "64-bit id of the row's pid namespace" },
	[COL_PID]     = { "PID",     5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "pid (thread id with --threads) at the row's level" },
	[COL_TGID]    = { "TGID",    5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "process (thread group) id at the row's level" },
	[COL_NSPID]   = { "NSPID",   5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "pid in the innermost pid namespace of the task" },
	[COL_REFPID]  = { "REFPID",  5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "pid as seen in the --pidns namespace" },
	[COL_COMMAND] = { "COMMAND", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "command name" },
	[COL_STATE]   = { "STATE",   1, 0, SCOLS_JSON_STRING,
			  "process state (R, S, D, Z, ...)" },
	[COL_HOSTNAME] = { "HOSTNAME", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "hostname of the task's uts namespace (innermost row)" },
	[COL_CONTAINER] = { "CONTAINER", 0.1, 0, SCOLS_JSON_STRING,
			  "container or pod of the task's pid namespace, else of the task (innermost row): "
			  "name, else short id; OWNER/ a user's, ? unverified" },
	NST_CT_COLS(COL_RUNTIME, COL_CID, COL_IMAGE, COL_POD, COL_K8SNS),
	[COL_PPID]    = { "PPID",    5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "parent's pid in our pid namespace (0 when outside it), as ps -f" },
	[COL_UID]     = { "UID",     5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "effective uid (as our user namespace sees it)" },
	[COL_USER]    = { "USER",    0.1, 0, SCOLS_JSON_STRING,
			  "name of the effective uid here, else the number" },
	[COL_STIME]   = { "STIME",   5, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			  "start time as ps -f: HH:MM today, MonDD this year, else the year" },
	[COL_TIME]    = { "TIME",    8, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			  "CPU time used, user + system, as ps: [DD-]HH:MM:SS" },
};

#define DEFAULT_COLS     "LEVEL,PIDNS,NSID,PID,COMMAND,CONTAINER,HOSTNAME"
#define DEFAULT_COLS_T   "LEVEL,PIDNS,NSID,PID,TGID,COMMAND,CONTAINER,HOSTNAME"
/* -a: what docker top shows (ps -ef), and the pid inside */
#define DEFAULT_COLS_ALL "USER,PID,PPID,REFPID,STIME,TIME,COMMAND"
#define DEFAULT_COLS_ALL_T "USER,PID,TGID,PPID,REFPID,STIME,TIME,COMMAND"

enum { OPT_TO = NST_OPT_FIRST_TOOL };

struct ctl {
	struct nst_out out;
	bool threads, all, outcols_given;
	const char *from_ref, *to_ref;
	struct nsinfo_nsref from, to;
	struct nsinfo_resolver *refs; /* resolves -N and --to */
	struct nsinfo_pidmap *map;
	int rc;
};

static void __attribute__((noreturn)) usage(void)
{
	FILE *f = stdout;

	fprintf(f, "\nUsage:\n"
		   " %1$s [options] <pid>...\n"
		   " %1$s [options] --pidns <ref> <pid>...\n"
		   " %1$s [options] --pidns <ref> --all\n", program_invocation_short_name);
	fputs("\nTranslate process ids between pid namespaces: a pid at every level of\n"
	      "pid namespace nesting, or as seen in another pid namespace.\n", f);
	fputs("\nOptions:\n"
	      " -N, --pidns <ref>      the pids are as seen inside this pid namespace\n"
	      "     --to <ref>         print the pids as seen in this pid namespace only\n"
	      " -a, --all              with --pidns: every process visible in it\n"
	      " -T, --threads          accept and print thread ids\n", f);
	nst_help_options(f, NST_HELP_COLUMNS);
	fputs(" -H, --list-columns     list the available columns\n" NST_COLOR_HELP, f);
	nst_help_options(f, NST_HELP_FORMAT | NST_HELP_STD);
	fputs("\n<ref> is a pid namespace: an inode number, id:NSID, pid:N (the pid\n"
	      "namespace of process N as the caller sees it), a namespace file\n"
	      "(/proc/N/ns/pid, a bind mount) or a container name or id prefix.\n", f);
	nst_help_columns(f, columns, NCOLS);
	fputs("\nExit status: 0 every pid translated, 1 some not (or <ref> not found),\n"
	      "2 bad usage, 3 trouble (/proc cannot be read).\n"
	      "For more details see nspid(1).\n", f);
	exit(NST_EXIT_OK);
}

/* Resolve a pid namespace REF through the library's resolver (a snapshot
 * only for refs that need one); its message is every tool's. */
static void resolve_ref(struct ctl *ctl, const char *ref, struct nsinfo_nsref *out)
{
	int r;

	if (!ctl->refs && (r = nsinfo_resolver_new(NULL, NULL, &ctl->refs)) < 0)
		nst_die(NST_EXIT_TROUBLE, "%s", strerror(-r));
	r = nsinfo_resolver_resolve(ctl->refs, ref, NSINFO_PID, out);
	if (r == 0 && out->fd < 0)
		r = -ENOLINK;
	if (r < 0)
		nst_ref_die(ctl->refs, ref, r);
}

static void parse_args(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pidns",        required_argument, NULL, 'N' },
		{ "to",           required_argument, NULL, OPT_TO },
		{ "all",          no_argument,       NULL, 'a' },
		{ "threads",      no_argument,       NULL, 'T' },
		{ "list-columns", no_argument,       NULL, 'H' },
		NST_OUT_COLUMN_LONGOPTS,
		NST_OUT_FORMAT_LONGOPTS,
		NST_COLOR_LONGOPT,
		NST_STD_LONGOPTS,
	};
	bool list_cols = false;
	int c;

	opterr = 0; /* messages in the "nspid: ..." form below */
	while ((c = getopt_long(argc, argv, ":N:aTH" NST_OUT_COLUMN_SHORTOPTS
				  NST_OUT_FORMAT_SHORTOPTS NST_STD_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'N':
			ctl->from_ref = optarg;
			break;
		case OPT_TO:
			ctl->to_ref = optarg;
			break;
		case 'a':
			ctl->all = true;
			break;
		case 'T':
			ctl->threads = true;
			break;
		case 'H':
			list_cols = true;
			break;
		default:
			if (!nst_out_option(&ctl->out, c, optarg, NST_EXIT_USAGE) &&
			    !nst_std_option(c, argv, usage, NST_EXIT_USAGE))
				nst_usage_error(NST_EXIT_USAGE, NULL);
		}
	}
	if (list_cols)
		exit(nst_list_columns(columns, NCOLS, ctl->out.json, ctl->out.raw,
				      ctl->out.noheadings) ? NST_EXIT_TROUBLE : NST_EXIT_OK);

	/* -o replaces (or with '+' extends) the mode's defaults; else
	 * NSPID_COLUMNS does */
	nst_out_env_columns(&ctl->out, "NSPID_COLUMNS");
	ctl->out.usage_code = NST_EXIT_USAGE;
	nst_out_columns(&ctl->out, columns, NCOLS,
			ctl->all ? (ctl->threads ? DEFAULT_COLS_ALL_T : DEFAULT_COLS_ALL)
				 : (ctl->threads ? DEFAULT_COLS_T : DEFAULT_COLS));

	if (ctl->all && !ctl->from_ref)
		nst_usage_error(NST_EXIT_USAGE, "--all needs --pidns");
	if (ctl->all && optind < argc)
		nst_usage_error(NST_EXIT_USAGE, "--all takes no pids");
	if (!ctl->all && optind >= argc)
		nst_usage_error(NST_EXIT_USAGE, "no pid specified");
	/* every argument is checked before any is looked up */
	for (int i = optind; i < argc; i++) {
		int r = nsinfo_parse_pid(argv[i], NULL);

		if (r < 0)
			nst_usage_error(NST_EXIT_USAGE, "%s: %s", argv[i],
					r == -ERANGE ? "pid out of range" : "invalid pid");
	}
}

/* "7" or "7 in pid:6157": how the user named the pid, for messages. */
static void warn_pid(const struct ctl *ctl, const char *arg, const char *why)
{
	if (ctl->from_ref)
		nst_warn("%s (in %s): %s", arg, ctl->from_ref, why);
	else
		nst_warn("%s: %s", arg, why);
}

static void warn_lookup(const struct ctl *ctl, const char *arg, int err)
{
	char why[200];

	if (err == -ECHILD)
		snprintf(why, sizeof(why), "%s (use --threads)", nsinfo_pid_strerror(err));
	else if (err == -EXDEV)
		/* lookups from a REF fail so when REF is above or beside us */
		snprintf(why, sizeof(why), "%s is not below the caller's pid namespace: "
			 "its processes are not visible here", ctl->from_ref);
	else
		snprintf(why, sizeof(why), "%s", nsinfo_pid_strerror(err));
	warn_pid(ctl, arg, why);
}

static bool level_rows(const struct ctl *ctl)
{
	const struct nst_out *o = &ctl->out;

	return !ctl->to_ref && (nst_out_has(o, COL_LEVEL) || nst_out_has(o, COL_PIDNS) ||
				nst_out_has(o, COL_NSID));
}

/* The hostname goes on the innermost row, or on the task's only row. */
static void set_hostname(struct ctl *ctl, struct libscols_line *ln,
			 const struct nsinfo_pidchain *c)
{
	char name[65];

	if (nst_out_has(&ctl->out, COL_HOSTNAME) &&
	    nsinfo_pidmap_hostname(ctl->map, c, name, sizeof(name)) == 0)
		nst_out_set(&ctl->out, ln, COL_HOSTNAME, name);
}

static bool want_containers(const struct ctl *ctl)
{
	for (int k = 0; k < NST_CT_N; k++)
		if (nst_out_has(&ctl->out, COL_CONTAINER + k))
			return true;
	return false;
}

/* The container of a task as nstree labels its pid namespace: that of the
 * namespace's init (its oldest member, whose container owns it), else the
 * task's own (a --pid=host container's process). 0 or -ENOENT. */
static int container_of(struct ctl *ctl, const struct nsinfo_pidchain *c,
			struct nsinfo_container_info *ci)
{
	struct nsinfo_pidchain init;
	char path[64];
	int fd, r = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)c->levels[0].tgid);
	fd = c->nlevels > 1 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0 && nsinfo_pidmap_lookup_in(ctl->map, fd, 1, &init) == 0) {
		r = nsinfo_container_lookup(NULL, init.levels[0].pid, ci);
		if (r == 0 && nsinfo_pidchain_check(&init) < 0)
			r = -ENOENT;
		nsinfo_pidchain_release(&init);
	}
	if (fd >= 0)
		close(fd);
	return r == 0 ? 0 : nsinfo_container_lookup(NULL, c->levels[0].pid, ci);
}

/* The container goes where the hostname does; not printed once the task
 * has gone (its pid may name another process by now). */
static void set_container(struct ctl *ctl, struct libscols_line *ln,
			  const struct nsinfo_pidchain *c)
{
	struct nsinfo_container_info ci;
	const char *v[NST_CT_N];

	if (!want_containers(ctl) || container_of(ctl, c, &ci) < 0 || nsinfo_pidchain_check(c) < 0)
		return;
	v[NST_CT_CONTAINER] = ci.label;
	v[NST_CT_RUNTIME] = ci.runtime;
	v[NST_CT_CID] = ci.id;
	v[NST_CT_IMAGE] = ci.image[0] ? ci.image : NULL;
	v[NST_CT_POD] = ci.pod_name[0] ? ci.pod_name : NULL;
	v[NST_CT_K8SNS] = ci.pod_namespace[0] ? ci.pod_namespace : NULL;
	for (int k = 0; k < NST_CT_N; k++)
		nst_out_set(&ctl->out, ln, COL_CONTAINER + k, v[k]);
}

/* ------------------------------------------------------ ps-like columns */

static bool ps_wanted(const struct ctl *ctl)
{
	const struct nst_out *o = &ctl->out;

	return nst_out_has(o, COL_PPID) || nst_out_has(o, COL_UID) || nst_out_has(o, COL_USER) ||
	       nst_out_has(o, COL_STIME) || nst_out_has(o, COL_TIME);
}

/* procps's pr_stime: HH:MM, else MonDD on another day, else the year. */
static void fmt_stime(time_t t, char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tn, tp;
	const char *fmt = "%H:%M";

	localtime_r(&now, &tn);
	localtime_r(&t, &tp);
	if (tn.tm_yday != tp.tm_yday)
		fmt = "%b%d";
	if (tn.tm_year != tp.tm_year)
		fmt = "%Y";
	if (!strftime(buf, len, fmt, &tp))
		snprintf(buf, len, "?");
}

/* procps's pr_time: [DD-]HH:MM:SS of user + system time. */
static void fmt_time(uint64_t ns, char *buf, size_t len)
{
	unsigned long long t = ns / 1000000000ull;
	unsigned long long dd = t / 86400, hh = t / 3600 % 24, mm = t / 60 % 60, ss = t % 60;

	if (dd)
		snprintf(buf, len, "%llu-%02llu:%02llu:%02llu", dd, hh, mm, ss);
	else
		snprintf(buf, len, "%02llu:%02llu:%02llu", hh, mm, ss);
}

static const char *user_name(uid_t uid, char *buf, size_t len)
{
	static uid_t last = (uid_t)-1;
	static char name[64];
	struct passwd pw, *res = NULL;
	char pwbuf[1024];

	if (uid != last) {
		if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res)
			snprintf(name, sizeof(name), "%s", pw.pw_name);
		else
			snprintf(name, sizeof(name), "%u", (unsigned)uid);
		last = uid;
	}
	snprintf(buf, len, "%s", name);
	return buf;
}

static void set_ps(struct ctl *ctl, struct libscols_line *ln, const struct nsinfo_pidchain *c)
{
	struct nst_out *o = &ctl->out;
	struct nsinfo_psinfo ps;
	char buf[64];

	/* from the library, believed only while the chain's task lives */
	if (!ps_wanted(ctl) || nsinfo_pidmap_ps(ctl->map, c, &ps) < 0)
		return;
	nst_out_setf(o, ln, COL_PPID, "%d", (int)ps.ppid);
	nst_out_setf(o, ln, COL_UID, "%u", (unsigned)ps.uid);
	if (nst_out_has(o, COL_USER))
		nst_out_set(o, ln, COL_USER, user_name(ps.uid, buf, sizeof(buf)));
	fmt_stime((time_t)ps.started, buf, sizeof(buf));
	nst_out_set(o, ln, COL_STIME, buf);
	fmt_time(ps.cpu_ns, buf, sizeof(buf));
	nst_out_set(o, ln, COL_TIME, buf);
}

static void add_row(struct ctl *ctl, const struct nsinfo_pidchain *c, int l, int reflevel,
		    bool innermost)
{
	struct nst_out *o = &ctl->out;
	const struct nsinfo_pidlevel *lv = &c->levels[l];
	struct libscols_line *ln = nst_out_line(o, NULL);

	nst_out_setf(o, ln, COL_LEVEL, "%d", l);
	if (lv->ino)
		nst_out_setf(o, ln, COL_PIDNS, "%llu", (unsigned long long)lv->ino);
	if (lv->nsid)
		nst_out_setf(o, ln, COL_NSID, "%llu", (unsigned long long)lv->nsid);
	nst_out_setf(o, ln, COL_PID, "%d", (int)lv->pid);
	nst_out_setf(o, ln, COL_TGID, "%d", (int)lv->tgid);
	nst_out_setf(o, ln, COL_NSPID, "%d", (int)c->levels[c->nlevels - 1].pid);
	if (reflevel >= 0)
		nst_out_setf(o, ln, COL_REFPID, "%d", (int)c->levels[reflevel].pid);
	nst_out_set(o, ln, COL_COMMAND, c->comm);
	nst_out_setf(o, ln, COL_STATE, "%c", c->state ? c->state : '?');
	if (innermost) {
		set_hostname(ctl, ln, c);
		set_container(ctl, ln, c);
		set_ps(ctl, ln, c);
	}
}

/* Rows of one chain; false (with a message) if --to cannot see it. */
static bool add_chain(struct ctl *ctl, const struct nsinfo_pidchain *c, const char *arg)
{
	int reflevel = -1, lo = 0, hi = 0;

	if (ctl->from_ref)
		reflevel = nsinfo_pidchain_level(c, ctl->from.ino, ctl->from.nsid);
	if (ctl->to_ref) {
		lo = nsinfo_pidchain_level(c, ctl->to.ino, ctl->to.nsid);
		if (lo < 0) {
			char why[200];

			if (lo == -EXDEV)
				snprintf(why, sizeof(why), "not visible in %s (neither its own pid "
					 "namespace nor an ancestor of it)", ctl->to_ref);
			else
				snprintf(why, sizeof(why), "level in %s: %s", ctl->to_ref,
					 nsinfo_pid_strerror(lo));
			if (arg)
				warn_pid(ctl, arg, why);
			return false;
		}
		hi = lo;
	} else if (level_rows(ctl)) {
		hi = c->nlevels - 1;
	}
	for (int l = lo; l <= hi; l++)
		add_row(ctl, c, l, reflevel, l == c->nlevels - 1 || lo == hi);
	return true;
}

static void translate_args(struct ctl *ctl, int argc, char **argv)
{
	struct nsinfo_pidchain *chains = calloc((size_t)argc, sizeof(*chains));
	bool *done = calloc((size_t)argc, sizeof(*done));

	if (!chains || !done)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	for (int i = 0; i < argc; i++) {
		pid_t pid;
		int r;

		nsinfo_parse_pid(argv[i], &pid);
		r = ctl->from_ref ? nsinfo_pidmap_lookup_in(ctl->map, ctl->from.fd, pid, &chains[i])
				  : nsinfo_pidmap_lookup(ctl->map, pid, &chains[i]);
		if (r < 0)
			warn_lookup(ctl, argv[i], r);
		done[i] = r == 0;
		if (r < 0)
			ctl->rc = NST_EXIT_NO;
	}
	/* what is printed must still be true: a pinned task that exited since
	 * its lookup may have passed its pid on */
	for (int i = 0; i < argc; i++) {
		if (!done[i])
			continue;
		if (nsinfo_pidchain_check(&chains[i]) < 0) {
			warn_pid(ctl, argv[i], "process exited");
			ctl->rc = NST_EXIT_NO;
		} else if (!add_chain(ctl, &chains[i], argv[i])) {
			ctl->rc = NST_EXIT_NO;
		}
		nsinfo_pidchain_release(&chains[i]);
	}
	free(chains);
	free(done);
}

static void list_members(struct ctl *ctl)
{
	struct nsinfo_pidchain *v;
	size_t n;
	int r = nsinfo_pidmap_members(ctl->map, ctl->from.fd, &v, &n);

	if (r < 0)
		nst_die(nst_exit_for_lookup(r), "%s: %s", ctl->from_ref, nsinfo_pid_strerror(r));
	for (size_t i = 0; i < n; i++)
		add_chain(ctl, &v[i], NULL);
	free(v);
}

int main(int argc, char **argv)
{
	struct ctl ctl = { .from = { .fd = -1 }, .to = { .fd = -1 } };
	int r;

	nst_close_stdout_at_exit(NST_EXIT_TROUBLE);
	parse_args(&ctl, argc, argv);

	r = nsinfo_pidmap_new(NULL, ctl.threads ? NSINFO_PIDMAP_THREADS : 0, &ctl.map);
	if (r < 0)
		nst_die(NST_EXIT_TROUBLE, "/proc: %s", nsinfo_pid_strerror(r));
	if (ctl.from_ref)
		resolve_ref(&ctl, ctl.from_ref, &ctl.from);
	if (ctl.to_ref)
		resolve_ref(&ctl, ctl.to_ref, &ctl.to);
	nsinfo_resolver_unref(ctl.refs);

	if (!nst_out_table(&ctl.out, "pids"))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	if (ctl.all)
		list_members(&ctl);
	else
		translate_args(&ctl, argc - optind, argv + optind);
	if (nst_out_print(&ctl.out) < 0)
		ctl.rc = NST_EXIT_TROUBLE;

	if (ctl.from.fd >= 0)
		close(ctl.from.fd);
	if (ctl.to.fd >= 0)
		close(ctl.to.fd);
	nsinfo_pidmap_unref(ctl.map);
	return ctl.rc;
}

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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ctcols.h"
#include "nsinfo.h"

enum { EXIT_OK = 0, EXIT_UNTRANSLATED = 1, EXIT_USAGE = 2 };

enum { COL_LEVEL, COL_PIDNS, COL_NSID, COL_PID, COL_TGID, COL_NSPID, COL_REFPID,
       COL_COMMAND, COL_STATE, COL_HOSTNAME, COL_CONTAINER, COL_RUNTIME, COL_CID, COL_IMAGE,
       COL_POD, COL_K8SNS, NCOLS };

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
};

#define DEFAULT_COLS     "LEVEL,PIDNS,NSID,PID,COMMAND,CONTAINER,HOSTNAME"
#define DEFAULT_COLS_T   "LEVEL,PIDNS,NSID,PID,TGID,COMMAND,CONTAINER,HOSTNAME"
#define DEFAULT_COLS_ALL "PID,REFPID,NSPID,COMMAND"
#define DEFAULT_COLS_ALL_T "PID,TGID,REFPID,NSPID,COMMAND"

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
	      " -T, --threads          accept and print thread ids\n"
	      " -o, --output <list>    output columns (see below; +LIST appends)\n"
	      "     --output-all       output all columns\n"
	      " -H, --list-columns     list the available columns\n"
	      " -n, --noheadings       don't print headings\n"
	      " -r, --raw              use the raw output format\n"
	      " -J, --json             use the JSON output format\n"
	      " -h, --help             display this help\n"
	      " -V, --version          display version\n", f);
	fputs("\n<ref> is a pid namespace: an inode number, id:NSID, pid:N (the pid\n"
	      "namespace of process N as the caller sees it), a namespace file\n"
	      "(/proc/N/ns/pid, a bind mount) or a container name or id prefix.\n", f);
	nst_help_columns(f, columns, NCOLS);
	fputs("\nExit status: 0 every pid translated, 1 some not, 2 bad usage.\n"
	      "For more details see nspid(1).\n", f);
	exit(EXIT_OK);
}

/* Resolve a pid namespace REF through the library's resolver (a snapshot
 * only for refs that need one); its message is every tool's. */
static void resolve_ref(struct ctl *ctl, const char *ref, struct nsinfo_nsref *out)
{
	char msg[1024];
	int r;

	if (!ctl->refs && (r = nsinfo_resolver_new(NULL, NULL, &ctl->refs)) < 0)
		nst_die(EXIT_UNTRANSLATED, "%s", strerror(-r));
	r = nsinfo_resolver_resolve(ctl->refs, ref, NSINFO_PID, out);
	if (r == 0 && out->fd < 0)
		r = -ENOLINK;
	if (r == -EINVAL)
		nst_usage_error(EXIT_USAGE, "%s",
				nsinfo_resolver_message(ctl->refs, ref, r, msg, sizeof(msg)));
	if (r < 0)
		nst_die(EXIT_UNTRANSLATED, "%s",
			nsinfo_resolver_message(ctl->refs, ref, r, msg, sizeof(msg)));
}

static void parse_args(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pidns",        required_argument, NULL, 'N' },
		{ "to",           required_argument, NULL, OPT_TO },
		{ "all",          no_argument,       NULL, 'a' },
		{ "threads",      no_argument,       NULL, 'T' },
		{ "output",       required_argument, NULL, 'o' },
		{ "output-all",   no_argument,       NULL, NST_OPT_OUTPUT_ALL },
		{ "list-columns", no_argument,       NULL, 'H' },
		{ "noheadings",   no_argument,       NULL, 'n' },
		{ "raw",          no_argument,       NULL, 'r' },
		{ "json",         no_argument,       NULL, 'J' },
		{ "help",         no_argument,       NULL, 'h' },
		{ "version",      no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool list_cols = false;
	int c;

	opterr = 0; /* messages in the "nspid: ..." form below */
	while ((c = getopt_long(argc, argv, ":N:aTo:HnrJhV", longopts, NULL)) != -1) {
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
		case 'h':
			usage();
		case 'V':
			nst_print_version();
		case ':':
			nst_usage_error(EXIT_USAGE, "option '%s' requires an argument",
					argv[optind - 1]);
		case '?':
			if (optopt)
				nst_usage_error(EXIT_USAGE, "invalid option -- '%c'", optopt);
			nst_usage_error(EXIT_USAGE, "unrecognized option '%s'", argv[optind - 1]);
		default:
			if (!nst_out_option(&ctl->out, c, optarg, EXIT_USAGE))
				nst_usage_error(EXIT_USAGE, NULL);
		}
	}
	if (list_cols)
		exit(nst_list_columns(columns, NCOLS, ctl->out.json, ctl->out.raw,
				      ctl->out.noheadings) ? EXIT_UNTRANSLATED : EXIT_OK);

	/* -o replaces (or with '+' extends) the mode's defaults */
	nst_out_columns(&ctl->out, columns, NCOLS,
			ctl->all ? (ctl->threads ? DEFAULT_COLS_ALL_T : DEFAULT_COLS_ALL)
				 : (ctl->threads ? DEFAULT_COLS_T : DEFAULT_COLS));

	if (ctl->all && !ctl->from_ref)
		nst_usage_error(EXIT_USAGE, "--all needs --pidns");
	if (ctl->all && optind < argc)
		nst_usage_error(EXIT_USAGE, "--all takes no pids");
	if (!ctl->all && optind >= argc)
		nst_usage_error(EXIT_USAGE, "no pid specified");
	/* every argument is checked before any is looked up */
	for (int i = optind; i < argc; i++) {
		int r = nsinfo_parse_pid(argv[i], NULL);

		if (r < 0)
			nst_usage_error(EXIT_USAGE, "%s: %s", argv[i],
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
		nst_die(EXIT_UNTRANSLATED, "out of memory");
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
			ctl->rc = EXIT_UNTRANSLATED;
	}
	/* what is printed must still be true: a pinned task that exited since
	 * its lookup may have passed its pid on */
	for (int i = 0; i < argc; i++) {
		if (!done[i])
			continue;
		if (nsinfo_pidchain_check(&chains[i]) < 0) {
			warn_pid(ctl, argv[i], "process exited");
			ctl->rc = EXIT_UNTRANSLATED;
		} else if (!add_chain(ctl, &chains[i], argv[i])) {
			ctl->rc = EXIT_UNTRANSLATED;
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
		nst_die(EXIT_UNTRANSLATED, "%s: %s", ctl->from_ref, nsinfo_pid_strerror(r));
	for (size_t i = 0; i < n; i++)
		add_chain(ctl, &v[i], NULL);
	free(v);
}

int main(int argc, char **argv)
{
	struct ctl ctl = { .from = { .fd = -1 }, .to = { .fd = -1 } };
	int r;

	nst_close_stdout_at_exit(EXIT_UNTRANSLATED);
	parse_args(&ctl, argc, argv);

	r = nsinfo_pidmap_new(NULL, ctl.threads ? NSINFO_PIDMAP_THREADS : 0, &ctl.map);
	if (r < 0)
		nst_die(EXIT_UNTRANSLATED, "/proc: %s", nsinfo_pid_strerror(r));
	if (ctl.from_ref)
		resolve_ref(&ctl, ctl.from_ref, &ctl.from);
	if (ctl.to_ref)
		resolve_ref(&ctl, ctl.to_ref, &ctl.to);
	nsinfo_resolver_unref(ctl.refs);

	if (!nst_out_table(&ctl.out, "pids"))
		nst_die(EXIT_UNTRANSLATED, "out of memory");
	if (ctl.all)
		list_members(&ctl);
	else
		translate_args(&ctl, argc - optind, argv + optind);
	if (nst_out_print(&ctl.out) < 0)
		ctl.rc = EXIT_UNTRANSLATED;

	if (ctl.from.fd >= 0)
		close(ctl.from.fd);
	if (ctl.to.fd >= 0)
		close(ctl.to.fd);
	nsinfo_pidmap_unref(ctl.map);
	return ctl.rc;
}

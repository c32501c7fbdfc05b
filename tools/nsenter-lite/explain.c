/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite --explain: the plan, and the failures to expect. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsenter-lite.h"

enum { COL_TYPE, COL_TARGET, COL_CURRENT, COL_ACTION, COL_WHY, NCOLS };

/* The columns of --explain; --help and the man page list the same. */
static const struct nst_col cols[NCOLS] = {
	[COL_TYPE]    = { "TYPE",    6,   0,              SCOLS_JSON_STRING, "namespace type" },
	[COL_TARGET]  = { "TARGET",  10,  SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			  "inode of the namespace to join, - where it cannot be read" },
	[COL_CURRENT] = { "CURRENT", 10,  SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			  "inode of our own namespace of that type" },
	[COL_ACTION]  = { "ACTION",  5,   0,              SCOLS_JSON_STRING, "join, skip or FAIL" },
	[COL_WHY]     = { "WHY",     0.5, SCOLS_FL_WRAP,  SCOLS_JSON_STRING,
			  "the reason, and where the namespace comes from" },
};

void explain_help_columns(FILE *f)
{
	nst_help_columns(f, cols, NCOLS);
}

struct row {
	const char *action;
	char why[PATH_MAX + 128];
};

static void set_ino(struct nst_out *o, struct libscols_line *ln, int col, uint64_t ino)
{
	if (ino)
		nst_out_setf(o, ln, col, "%llu", (unsigned long long)ino);
	else
		nst_out_set(o, ln, col, "-");
}

/* What the trial run (enter_and_run() with o.dry, in a child) did. */
struct trial {
	int code;             /* its exit status: the run's, 0 for running the command */
	bool joined_report;   /* it said which namespaces failed */
	unsigned failed;      /* those */
	int err;
	char exec[PATH_MAX];  /* what it would exec, "" if it got no further */
	char root[16], wd[PATH_MAX];
	long uid, gid;
	bool ambient_known;
	unsigned long long ambient;
	char msgs[4096];      /* its messages, as the run would print them */
};

/* Decide the row of one type; returns 1 if the real run would fail on it. */
static int plan_row(const struct enter *e, const struct trial *tr, int t, struct row *r)
{
	const struct ns_slot *s = &e->ns[t];
	char from[PATH_MAX + 64];
	int fails = 0;

	r->action = "skip";
	if (s->want == WANT_FILE)
		snprintf(from, sizeof(from), "from %s", s->file);
	else if (s->want == WANT_SOCKET)
		snprintf(from, sizeof(from), "from socket %d of %s", e->o.net_socket, e->label);
	else
		snprintf(from, sizeof(from), "from %s", e->label);

	switch (s->action) {
	case ACT_NONE:
		snprintf(r->why, sizeof(r->why), "not requested: stays ours%s",
			 s->ino && s->ino != s->cur_ino ? " (the target's differs)" : "");
		break;
	case ACT_SAME:
		snprintf(r->why, sizeof(r->why), "already in it (%s)", from);
		break;
	case ACT_ABSENT:
		snprintf(r->why, sizeof(r->why), "this kernel has no %s namespaces",
			 nsinfo_type_name(t));
		break;
	default:
		/* the trial decides; the prediction only words the reason */
		if (s->action == ACT_FAIL || (tr->joined_report && (tr->failed & (1u << t)))) {
			size_t n;

			if (predict_join(e, t, r->why, sizeof(r->why)) == 0)
				snprintf(r->why, sizeof(r->why), "%s", tr->err == -ESRCH && e->pid ?
					 "target exited" : errno_reason(tr->err));
			n = strlen(r->why);
			snprintf(r->why + n, sizeof(r->why) - n, " (%s)", from);
			r->action = "FAIL";
			fails = 1;
		} else {
			r->action = "join";
			snprintf(r->why, sizeof(r->why), "%s", from);
		}
	}
	return fails;
}

static void print_table(const struct enter *e, const struct trial *tr)
{
	struct nst_out o;

	nst_out_init(&o, cols, NCOLS, "TYPE,TARGET,CURRENT,ACTION,WHY");
	if (!nst_out_table(&o, "namespaces"))
		nst_die(EXIT_OWN, "cannot create a table: %s", strerror(ENOMEM));
	for (int i = 0; i < NSINFO_NTYPES; i++) {
		int t = join_order[i];
		struct libscols_line *ln = nst_out_line(&o, NULL);
		struct row r;

		plan_row(e, tr, t, &r);
		nst_out_set(&o, ln, COL_TYPE, nsinfo_type_name(t));
		set_ino(&o, ln, COL_TARGET, e->ns[t].ino);
		set_ino(&o, ln, COL_CURRENT, e->ns[t].cur_ino);
		nst_out_set(&o, ln, COL_ACTION, r.action);
		nst_out_set(&o, ln, COL_WHY, r.why);
	}
	nst_out_print(&o);
}

/* Read both pipes to their end without one filling while we wait on the other. */
static void drain(int out, int err, char *obuf, size_t olen, char *ebuf, size_t elen)
{
	struct pollfd p[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
	size_t on = 0, en = 0;
	char junk[512];

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char *buf = i ? ebuf : obuf;
			size_t *n = i ? &en : &on, len = i ? elen : olen;
			ssize_t got;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			got = *n + 1 < len ? read(p[i].fd, buf + *n, len - 1 - *n) :
					     read(p[i].fd, junk, sizeof(junk));
			if (got <= 0)
				p[i].fd = -1;
			else if (*n + 1 < len)
				*n += (size_t)got;
		}
	}
	obuf[on] = ebuf[en] = '\0';
}

static void parse_report(struct trial *tr, char *buf)
{
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		if (sscanf(l, "failed %u %d", &tr->failed, &tr->err) == 2)
			tr->joined_report = true;
		else if (!strncmp(l, "exec ", 5))
			snprintf(tr->exec, sizeof(tr->exec), "%s", l + 5);
		else if (!strncmp(l, "root ", 5))
			snprintf(tr->root, sizeof(tr->root), "%s", l + 5);
		else if (!strncmp(l, "wd ", 3))
			snprintf(tr->wd, sizeof(tr->wd), "%s", l + 3);
		else if (sscanf(l, "ambient %llx", &tr->ambient) == 1)
			tr->ambient_known = true;
		else
			(void)sscanf(l, "cred %ld %ld", &tr->uid, &tr->gid);
	}
}

/*
 * Run everything the real run does, exec excepted, in a throw-away child:
 * the verdict is the outcome of the same code, not a second model of it.
 */
static void run_trial(struct enter *e, struct trial *tr)
{
	static char obuf[PATH_MAX * 2 + 512];
	int out[2], err[2], st;
	struct stat rst;
	pid_t pid;

	memset(tr, 0, sizeof(*tr));
	tr->uid = tr->gid = -1;
	if (e->procfd >= 0 && fstatat(e->procfd, "root", &rst, 0) == 0) {
		e->troot_known = true;
		e->troot_dev = rst.st_dev;
		e->troot_ino = rst.st_ino;
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		nst_die(EXIT_OWN, "cannot create a pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		nst_die(EXIT_OWN, "cannot fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0)
			_exit(EXIT_OWN);
		e->o.dry = true;
		enter_and_run(e);
	}
	close(out[1]);
	close(err[1]);
	drain(out[0], err[0], obuf, sizeof(obuf), tr->msgs, sizeof(tr->msgs));
	close(out[0]);
	close(err[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			nst_die(EXIT_OWN, "cannot wait for the trial run: %s", strerror(errno));
	tr->code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	parse_report(tr, obuf);
}

/* Which container the target is in: the operator checks it is the one meant. */
static void print_container(const struct enter *e)
{
	struct nsinfo_container_info ci;

	if (e->pid && nsinfo_container_lookup(NULL, e->pid, &ci) == 0)
		/* the label carries the trust marks (alice/web?, web?) */
		printf("container: %s %s%s%s\n", nst_esc(ci.runtime), nst_esc(ci.id),
		       *ci.name ? " named " : "", *ci.name ? nst_esc(ci.label) : "");
}

static const char *command_path_var(const struct enter *e)
{
	if (e->env) {
		for (char **v = e->env; *v; v++)
			if (!strncmp(*v, "PATH=", 5))
				return *v + 5;
		return NULL;
	}
	return getenv("PATH");
}

/* The root the command sees: the operator must know whose files those are. */
static void print_root(const struct enter *e, const struct trial *tr)
{
	const struct ns_slot *m = &e->ns[NSINFO_MNT];
	bool joined = m->action == ACT_JOIN, other = !strcmp(tr->root, "other");

	if (e->o.root)
		printf("root: the target's root directory (/proc/%d/root)\n", (int)e->pid);
	else if (!strcmp(tr->root, "target"))
		printf("root: %s, the same as the target's\n",
		       joined ? "the root of the mount namespace joined" : "ours");
	else if (joined)
		printf("root: the root of the mount namespace of %s%s\n",
		       nst_esc(m->want == WANT_FILE ? m->file : e->label),
		       other ? "; the target's own root differs (chroot): add -r for it" : "");
	else
		printf("root: ours: the command sees this host's files%s\n",
		       !other ? "" : m->action == ACT_SAME ? ", not the target's (add -r)" :
		       ", not the target's (add -m, or -r)");
	if (*tr->wd)
		printf("working directory: %s\n", nst_esc(tr->wd));
}

static void print_summary(const struct enter *e, const struct trial *tr)
{
	const char *shell = getenv("SHELL"), *path = command_path_var(e);

	if (e->o.pidns)
		printf("target: pid %s in pid namespace %s is pid %d here\n", nst_esc(e->o.target),
		       nst_esc(e->o.pidns), (int)e->pid);
	print_container(e);
	printf("command: ");
	if (e->o.argv[0])
		for (char **a = e->o.argv; *a; a++)
			printf("%s%s", nst_esc(*a), a[1] ? " " : "");
	else
		printf("%s", shell && *shell ? nst_esc(shell) : "/bin/sh");
	printf(forks_child(e) ? " (in a child: %s)\n" : " (replaces " PROG ")\n",
	       e->o.mount_proc ? "pid namespace, private /proc" :
	       e->ns[NSINFO_PID].action == ACT_JOIN ? "pid namespace" : "time namespace");
	printf("looked up with PATH=%s%s\n", path ? nst_esc(path) : "(unset: /bin:/usr/bin)",
	       e->env ? " (the target's environment)" : " (ours)");
	if (*tr->exec)
		printf("runs: %s\n", nst_esc(tr->exec));
	print_root(e, tr);
	if (tr->uid >= 0)
		printf("credentials: uid %ld, gid %ld%s\n", tr->uid, tr->gid,
		       e->ns[NSINFO_USER].action == ACT_JOIN ? " in the user namespace joined" : "");
	if (tr->ambient_known && (e->o.keep_caps || tr->ambient))
		printf("ambient capabilities: %016llx%s\n", tr->ambient,
		       e->o.keep_caps && e->ns[NSINFO_USER].action != ACT_JOIN ?
		       " (--keep-caps: no user namespace joined, nothing kept)" : "");
	if (e->o.join_cgroup) {
		char cg[sizeof(e->cgroup_line)];

		snprintf(cg, sizeof(cg), "%s", e->cgroup_line + 3);
		printf("cgroup: moves into the target's cgroup2 cgroup %s (under %s)\n", nst_esc(cg),
		       e->cgroup_mount);
	}
	if (e->env) {
		size_t n = 0;

		while (e->env[n])
			n++;
		printf("environment: the target's, %zu variables\n", n);
	}
	for (char *l = strtok((char *)tr->msgs, "\n"); l; l = strtok(NULL, "\n")) {
		if (!strncmp(l, PROG ": ", strlen(PROG ": ")))
			l += strlen(PROG ": ");
		printf("FAIL: %s\n", nst_esc(l));
	}
}

int explain(struct enter *e)
{
	static struct trial tr;

	run_trial(e, &tr);
	print_table(e, &tr);
	print_summary(e, &tr);
	if (tr.code == 0)
		printf("result: the run would succeed\n");
	else
		printf("result: the run would fail (exit %d)\n", tr.code);
	return tr.code ? EXIT_EXPLAIN_FAIL : EXIT_SUCCESS;
}

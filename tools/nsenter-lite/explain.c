/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite --explain: the plan, and the failures to expect. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Decide the row of one type; returns 1 if the real run would fail on it. */
static int plan_row(const struct enter *e, int t, struct row *r)
{
	const struct ns_slot *s = &e->ns[t];
	char from[PATH_MAX + 64];
	int fails = 0;

	r->action = "skip";
	if (s->want == WANT_FILE)
		snprintf(from, sizeof(from), "from %s", s->file);
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
		if (predict_join(e, t, r->why, sizeof(r->why)) < 0) {
			size_t n = strlen(r->why);

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

static int print_table(const struct enter *e)
{
	struct nst_out o;
	int fails = 0;

	nst_out_init(&o, cols, NCOLS, "TYPE,TARGET,CURRENT,ACTION,WHY");
	if (!nst_out_table(&o, "namespaces"))
		nst_die(EXIT_OWN, "cannot create a table: %s", strerror(ENOMEM));
	for (int i = 0; i < NSINFO_NTYPES; i++) {
		int t = join_order[i];
		struct libscols_line *ln = nst_out_line(&o, NULL);
		struct row r;

		fails += plan_row(e, t, &r);
		nst_out_set(&o, ln, COL_TYPE, nsinfo_type_name(t));
		set_ino(&o, ln, COL_TARGET, e->ns[t].ino);
		set_ino(&o, ln, COL_CURRENT, e->ns[t].cur_ino);
		nst_out_set(&o, ln, COL_ACTION, r.action);
		nst_out_set(&o, ln, COL_WHY, r.why);
	}
	nst_out_print(&o);
	return fails;
}

/* Whether uid 0 inside the target's user namespace maps to anything. */
static bool root_mapped(const struct enter *e)
{
	char buf[4096];
	ssize_t n;
	int fd = openat(e->procfd, "uid_map", O_RDONLY | O_CLOEXEC);
	bool mapped = false;

	if (fd < 0)
		return true; /* cannot tell: do not cry wolf */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0;
	buf[n] = '\0';
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		unsigned long first, lower, count;

		if (sscanf(l, "%lu %lu %lu", &first, &lower, &count) == 3 && first == 0 && count)
			mapped = true;
	}
	return mapped;
}

/* Which container the target is in: the operator checks it is the one meant. */
static void print_container(const struct enter *e)
{
	struct nsinfo_container_info ci;

	if (e->pid && nsinfo_container_lookup(NULL, e->pid, &ci) == 0)
		printf("container: %s %s%s%s\n", nst_esc(ci.runtime), nst_esc(ci.id),
		       *ci.name ? " named " : "", nst_esc(ci.name));
}

static int print_summary(const struct enter *e)
{
	const struct ns_slot *u = &e->ns[NSINFO_USER];
	const char *shell = getenv("SHELL");
	bool default_root = u->action == ACT_JOIN && !e->o.preserve_cred && !e->o.set_uid;
	int fails = 0;

	if (e->o.pidns)
		printf("target: pid %s in pid namespace %s is pid %d here\n", nst_esc(e->o.target),
		       nst_esc(e->o.pidns), (int)e->pid);
	print_container(e);
	if (e->pid && target_exited(e)) {
		printf("FAIL: target %s has exited\n", nst_esc(e->label));
		fails++;
	}
	printf("command: ");
	if (e->o.argv[0])
		for (char **a = e->o.argv; *a; a++)
			printf("%s%s", nst_esc(*a), a[1] ? " " : "");
	else
		printf("%s", shell && *shell ? nst_esc(shell) : "/bin/sh");
	printf(forks_child(e) ? " (in a child: %s)\n" : " (replaces " PROG ")\n",
	       e->o.mount_proc ? "pid namespace, private /proc" :
	       e->ns[NSINFO_PID].action == ACT_JOIN ? "pid namespace" : "time namespace");
	printf("looked up with PATH=%s%s\n", getenv("PATH") ? nst_esc(getenv("PATH")) : "(unset)",
	       e->ns[NSINFO_MNT].action == ACT_JOIN || e->o.root ? " in the target's files" : "");
	if (default_root && !root_mapped(e)) {
		printf("FAIL: uid 0 is not mapped in the user namespace of %s: use -S or "
		       "--preserve-credentials\n", nst_esc(e->label));
		fails++;
	} else if (default_root) {
		printf("credentials: uid 0, gid 0 in the user namespace of %s\n", nst_esc(e->label));
	}
	return fails;
}

int explain(struct enter *e)
{
	int fails = print_table(e);

	fails += print_summary(e);
	printf("%s\n", fails ? "result: the run would fail" : "result: the run would succeed");
	return fails ? EXIT_EXPLAIN_FAIL : EXIT_SUCCESS;
}

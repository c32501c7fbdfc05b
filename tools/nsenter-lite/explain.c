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
#include <libsmartcols.h>

#include "nsenter-lite.h"

struct row {
	const struct enter *e;
	int type;
	const char *action;
	char why[PATH_MAX + 128];
};

struct col {
	const char *name;
	double whint;
	int flags;
	void (*fill)(const struct row *r, char *buf, size_t len);
};

static void fill_type(const struct row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", nsinfo_type_name(r->type));
}

static void fill_ns(uint64_t ino, char *buf, size_t len)
{
	if (ino)
		snprintf(buf, len, "%llu", (unsigned long long)ino);
	else
		snprintf(buf, len, "-");
}

static void fill_target(const struct row *r, char *buf, size_t len)
{
	fill_ns(r->e->ns[r->type].ino, buf, len);
}

static void fill_current(const struct row *r, char *buf, size_t len)
{
	fill_ns(r->e->ns[r->type].cur_ino, buf, len);
}

static void fill_action(const struct row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->action);
}

static void fill_why(const struct row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->why);
}

/* The columns of --explain; the man page lists the same. */
static const struct col cols[] = {
	{ "TYPE",    6,   0,               fill_type },    /* namespace type */
	{ "TARGET",  10,  SCOLS_FL_RIGHT,  fill_target },  /* inode of the namespace to join */
	{ "CURRENT", 10,  SCOLS_FL_RIGHT,  fill_current }, /* inode of nsenter-lite's own */
	{ "ACTION",  5,   0,               fill_action },  /* join, skip or FAIL */
	{ "WHY",     0.5, SCOLS_FL_WRAP,   fill_why },     /* the reason, and where from */
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* Decide the row of one type; returns 1 if the real run would fail on it. */
static int plan_row(const struct enter *e, int t, struct row *r)
{
	const struct ns_slot *s = &e->ns[t];
	char from[PATH_MAX + 64];
	int fails = 0;

	r->e = e;
	r->type = t;
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
	struct libscols_table *tb = scols_new_table();
	char buf[PATH_MAX + 128];
	int fails = 0;

	if (!tb)
		die(EXIT_OWN, "cannot create a table: %s", strerror(ENOMEM));
	for (size_t c = 0; c < NCOLS; c++)
		if (!scols_table_new_column(tb, cols[c].name, cols[c].whint, cols[c].flags))
			die(EXIT_OWN, "cannot create a table: %s", strerror(ENOMEM));
	for (int i = 0; i < NSINFO_NTYPES; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		struct row r;

		if (!ln)
			die(EXIT_OWN, "cannot create a table: %s", strerror(ENOMEM));
		fails += plan_row(e, join_order[i], &r);
		for (size_t c = 0; c < NCOLS; c++) {
			cols[c].fill(&r, buf, sizeof(buf));
			if (scols_line_set_data(ln, c, buf) < 0)
				die(EXIT_OWN, "cannot create a table: %s", strerror(ENOMEM));
		}
	}
	scols_print_table(tb);
	scols_unref_table(tb);
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

static int print_summary(const struct enter *e)
{
	const struct ns_slot *u = &e->ns[NSINFO_USER];
	const char *shell = getenv("SHELL");
	bool default_root = u->action == ACT_JOIN && !e->o.preserve_cred && !e->o.set_uid;
	int fails = 0;

	if (e->o.pidns)
		printf("target: pid %s in pid namespace %s is pid %d here\n", e->o.target,
		       e->o.pidns, (int)e->pid);
	if (e->pid && target_exited(e)) {
		printf("FAIL: target %s has exited\n", e->label);
		fails++;
	}
	printf("command: ");
	if (e->o.argv[0])
		for (char **a = e->o.argv; *a; a++)
			printf("%s%s", *a, a[1] ? " " : "");
	else
		printf("%s", shell && *shell ? shell : "/bin/sh");
	printf(forks_child(e) ? " (in a child: %s)\n" : " (replaces " PROG ")\n",
	       e->o.mount_proc ? "pid namespace, private /proc" :
	       e->ns[NSINFO_PID].action == ACT_JOIN ? "pid namespace" : "time namespace");
	printf("looked up with PATH=%s%s\n", getenv("PATH") ? getenv("PATH") : "(unset)",
	       e->ns[NSINFO_MNT].action == ACT_JOIN || e->o.root ? " in the target's files" : "");
	if (default_root && !root_mapped(e)) {
		printf("FAIL: uid 0 is not mapped in the user namespace of %s: use -S or "
		       "--preserve-credentials\n", e->label);
		fails++;
	} else if (default_root) {
		printf("credentials: uid 0, gid 0 in the user namespace of %s\n", e->label);
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

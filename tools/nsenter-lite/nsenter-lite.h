/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsenter-lite: run a command inside another process's namespaces.
 *
 * The run is split so that nothing is executed half-inside: every input is
 * resolved and every namespace opened first (target.c), then joined in one
 * step where the kernel allows it (join.c), then the command is run, in a
 * child when pid or time namespaces were joined (run.c). --explain stops
 * after the first step and prints the plan (explain.c).
 */
#ifndef NSENTER_LITE_H
#define NSENTER_LITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"
#include "exitcodes.h"
#include "nsinfo.h"

#define PROG "nsenter-lite"

/* Exit codes, as a shell uses them (see the man page and exitcodes.h);
 * bad usage is NST_EXIT_USAGE (2), as for every tool */
#define EXIT_OWN       NST_EXIT_WRAPPER  /* 125: nsenter-lite itself failed */
#define EXIT_NOEXEC    NST_EXIT_NOEXEC   /* 126: the command cannot be run */
#define EXIT_NOTFOUND  NST_EXIT_NOTFOUND /* 127: the command was not found */
#define EXIT_EXPLAIN_FAIL NST_EXIT_NO    /* 1: --explain predicts a failure */

/* Where a namespace comes from */
enum want {
	WANT_NO = 0,          /* not requested */
	WANT_TARGET,          /* the target process's (-n, -a) */
	WANT_FILE,            /* a namespace file or REF (--net=FILE) */
	WANT_SOCKET,          /* net: that of a socket of the target (--net-socket) */
};

/* What will be done with it */
enum action {
	ACT_NONE = 0,         /* not requested */
	ACT_JOIN,
	ACT_SAME,             /* already there: joining would be a no-op */
	ACT_ABSENT,           /* -a: the kernel has no such namespace type */
	ACT_FAIL,             /* requested but cannot be joined (err says why) */
};

struct ns_slot {
	int want;             /* enum want */
	bool by_all;          /* asked for through -a, not by name */
	const char *file;     /* WANT_FILE: as typed */
	int fd;               /* the namespace to join, -1 */
	uint64_t ino, nsid;   /* of the namespace to join */
	uint64_t cur_ino, cur_nsid; /* of nsenter-lite's own */
	int action;           /* enum action */
	int err;              /* ACT_FAIL: -errno */
	bool joined;
	uint64_t got_ino;      /* what we were in after joining, for messages */
	char why[256];        /* why the join would be refused, worded before joining */
};

struct opts {
	const char *target;   /* -t as typed */
	const char *pidns;    /* -N REF */
	bool all, root, wd, env, mount_proc, preserve_cred, explain;
	bool dry;             /* --explain's trial: do everything but exec */
	bool set_uid, set_gid;
	bool join_cgroup;     /* -c: move into the target's cgroup (v2) */
	bool keep_caps;       /* --keep-caps: permitted capabilities made ambient */
	int net_socket;       /* --net-socket FD of the target, -1 */
	uid_t uid;
	gid_t gid;
	char **argv;          /* the command, NULL-terminated */
};

struct enter {
	struct opts o;
	pid_t pid;            /* target, in our pid namespace; 0 without -t */
	char label[80];       /* the target as named in messages (a full container id fits) */
	int pidfd;            /* pins the target; -1 without -t or pidfd_open */
	int procfd;           /* /proc/PID directory */
	int root_fd, wd_fd;   /* -r, -w: the target's, opened before joining */
	char **env;           /* -e: the target's environment */
	char *env_buf;
	int cgroup_fd;        /* -c: cgroup.procs of the target's cgroup, -1 */
	char cgroup_line[4096]; /* -c: the target's "0::/PATH" line, as read */
	char cgroup_mount[32];  /* -c: where the cgroup2 hierarchy is mounted */
	struct nsinfo_resolver *refs; /* every REF; scans only when one needs it */
	struct nsinfo_pidmap *pidmap; /* looks the target up and pins it */
	struct ns_slot ns[NSINFO_NTYPES];
	bool troot_known;     /* --explain: the target's root directory */
	dev_t troot_dev;
	ino_t troot_ino;
};

/*
 * The files call one way: main.c (options) -> explain.c -> run.c ->
 * join.c -> target.c -> reason.c; messages go through cli.h (nst_warn,
 * nst_die).
 */

/* reason.c: what err means for a join, in words */
const char *errno_reason(int err);

/* target.c */
void enter_init(struct enter *e);
void enter_cleanup(struct enter *e);
/* Resolve -t/-N, open every requested namespace and decide what to do with
 * each. Bad input dies with EXIT_OWN; conditions that would make the join
 * fail are recorded in the slots (ACT_FAIL) for --explain or the caller. */
void enter_prepare(struct enter *e);
bool target_exited(const struct enter *e);
/* "net namespace of 6157" or "net namespace /run/netns/blue" */
void slot_describe(const struct enter *e, int type, char *buf, size_t len);
/* Order in which namespaces are joined one by one (user first in pass 1). */
extern const int join_order[NSINFO_NTYPES];

/* join.c */
/* Join every ACT_JOIN slot. 0, or -errno with *failed the mask of types
 * (1 << type) that could not be joined. */
int enter_join(struct enter *e, unsigned *failed);
/* Why joining this slot would fail, predicted from capabilities and the
 * user namespaces that own the namespaces; 0 if it should succeed. */
int predict_join(const struct enter *e, int type, char *why, size_t len);
bool forks_child(const struct enter *e);

/* run.c */
/* Join every namespace or die with one line, then run the command: exec
 * it, or fork, wait and leave with its status. With o.dry (--explain's
 * trial, in a child) everything but the exec is done, and the outcome
 * reported on stdout. */
void enter_and_run(struct enter *e) __attribute__((noreturn));

/* explain.c */
int explain(struct enter *e);
/* The --explain columns, for --help. */
void explain_help_columns(FILE *f);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to pid translation: the pid map (pidmap.c) and what ps shows of
 * a task it pinned (ps.c). */
#ifndef NSINFO_PIDMAP_H
#define NSINFO_PIDMAP_H

#include <stdbool.h>
#include <stdint.h>

/* a status file read whole (NSpid, NStgid of 32 levels and more) */
#define PIDMAP_STATUS_BUF 8192

struct nsinfo_pidmap {
	int refcnt;
	unsigned flags;           /* NSINFO_PIDMAP_* */
	int procfd;               /* the proc root */
	char *proc_root;
	int proc_err;             /* 0, or -ENOLINK: /proc is another pid namespace's */
	uint64_t self_ino;        /* the caller's pid namespace */
	uint64_t self_nsid;
	bool no_ioctl;            /* the translation ioctls are missing (or refused) */
	int64_t btime;            /* boot time (nsinfo_pidmap_ps): 0 not read yet, -1 unknown */
};

#endif

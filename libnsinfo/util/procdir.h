/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one walker of numbered directories (internal): /proc, /proc/PID/task,
 * /proc/PID/fd. getdents64 straight into a buffer, no DIR stream, entries
 * named by a decimal number only ("self", "thread-self" and the like are
 * skipped).
 *
 *	struct nsinfo__dir d;
 *	const char *name;
 *	long num;
 *	int r;
 *
 *	if (nsinfo__dir_begin(&d, fd, NULL, 0, 0) == 0) {
 *		while ((r = nsinfo__dir_next(&d, &name, &num)) > 0)
 *			...;
 *		nsinfo__dir_end(&d);
 *	}
 */
#ifndef NSINFO_UTIL_PROCDIR_H
#define NSINFO_UTIL_PROCDIR_H

#include <stdbool.h>
#include <stddef.h>

/* A getdents64 answer this much short of the buffer was the whole
 * directory: proc fills the buffer while entries remain, so the usual last
 * call that returns 0 can be skipped (one syscall per directory). Only for
 * proc's own directories; another file system may answer short. */
#define NSINFO__DIR_SHORT_END (1u << 0)

#define NSINFO__DIR_BUF (32 * 1024)

struct nsinfo__dir {
	int fd;
	unsigned flags;
	char *buf;
	size_t size;
	long len, off;            /* the last answer, and where in it */
	bool done, own;
};

/* Walk directory fd (from its current position; not closed by the walker)
 * through buf of size bytes, or one allocated here when buf is NULL (size
 * bytes, 0: NSINFO__DIR_BUF). 0 or -ENOMEM. */
int nsinfo__dir_begin(struct nsinfo__dir *d, int fd, char *buf, size_t size, unsigned flags);
/* The next entry whose name is all decimal digits and at most INT_MAX
 * ("0" included): 1 with *name (valid until the next call) and *num, 0 at
 * the end, -errno if the directory cannot be read. */
int nsinfo__dir_next(struct nsinfo__dir *d, const char **name, long *num);
void nsinfo__dir_end(struct nsinfo__dir *d);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A short-lived child that answers through a pipe (internal): the
 * hostname pass (setns into each uts namespace) and the tracefs mount of
 * the event probes do their work in one, so that the caller's process
 * never changes namespace.
 *
 *	int rd, wr;
 *	pid_t pid = nsinfo__fork_piped(&rd, &wr);
 *
 *	if (pid == 0)
 *		... write to wr, _exit();
 *	if (pid > 0) {
 *		... read rd; close(rd);
 *		nsinfo__reap(pid, 0);
 *	}
 */
#ifndef NSINFO_UTIL_CHILD_H
#define NSINFO_UTIL_CHILD_H

#include <sys/types.h>

/* pipe2(O_CLOEXEC) and fork: 0 in the child (*wr the pipe's write end,
 * the read end closed), the child's pid in the parent (*rd the read end,
 * the write end closed), or -errno with nothing left open. */
pid_t nsinfo__fork_piped(int *rd, int *wr);
/* waitpid(pid) with options, again after EINTR; the wait status, 0 when
 * the wait failed. */
int nsinfo__reap(pid_t pid, int options);

#endif

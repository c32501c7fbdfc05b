/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A short-lived child that answers through a pipe (see util/child.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/child.h"

pid_t nsinfo__fork_piped(int *rd, int *wr)
{
	int p[2], r;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	close(pid == 0 ? p[0] : p[1]);
	*rd = pid == 0 ? -1 : p[0];
	*wr = pid == 0 ? p[1] : -1;
	return pid;
}

int nsinfo__reap(pid_t pid, int options)
{
	int status = 0;

	while (waitpid(pid, &status, options) < 0 && errno == EINTR)
		;
	return status;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command line of a process a snapshot saw: as saved for a loaded
 * snapshot, else read live through that process's own /proc directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

NSINFO_EXPORT int nsinfo_proc_cmdline(const struct nsinfo_snapshot *s, pid_t pid,
				      char *buf, size_t len)
{
	ssize_t n = 0;
	int procfd, pidfd;

	if (!s || !buf || len < 2 || pid <= 0)
		return -EINVAL;
	if (s->loaded) { /* as saved: this host's /proc is another one */
		int i = nsinfo_snapshot_find_proc(s, pid);

		if (i < 0 || !s->cmdlines || !s->cmdlines[i])
			return -ENOENT;
		snprintf(buf, len, "%s", s->cmdlines[i]);
		return 0;
	}
	/* only through the directory of the process the snapshot saw: a pid
	 * reused since names another process, whose command it would show */
	procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	pidfd = nsinfo__proc_open(s, procfd, pid);
	close(procfd);
	if (pidfd < 0)
		return pidfd;
	n = nsinfo__read_at(pidfd, "cmdline", buf, len);
	close(pidfd);
	if (n < 0)
		return (int)n;
	while (n > 0 && buf[n - 1] == 0)
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 0)
			buf[i] = ' ';
	buf[n] = 0;
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hostnames of UTS namespaces. The kernel only tells a process its own
 * hostname, so one short-lived child visits every UTS namespace in turn
 * (setns + uname) and sends the answers back through a pipe; the calling
 * process never changes namespace. setns needs CAP_SYS_ADMIN over the
 * target's user namespace: where it is refused the hostname stays unknown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enrich/holders.h"

struct uts_answer {
	int32_t idx;
	char name[sizeof(((struct utsname *)0)->nodename)];
};

struct uts_visit {
	int32_t idx;
};

/* Child side: system calls and the snapshot's memory only, the caller may
 * have threads. nsinfo__ns_open() checks the inode (a recycled pid or fd
 * would show another namespace's name) and opens a bind mount in another
 * mount namespace without following what its owner controls. */
static void __attribute__((noreturn))
visit_all(const struct nsinfo_snapshot *s, int procfd, const struct uts_visit *v, size_t n,
	  int out)
{
	for (size_t i = 0; i < n; i++) {
		struct uts_answer a = { .idx = v[i].idx };
		struct utsname u;
		int fd = nsinfo__ns_open(s, procfd, v[i].idx);

		if (fd < 0)
			continue;
		if (setns(fd, CLONE_NEWUTS) < 0 || uname(&u) < 0) {
			close(fd);
			continue;
		}
		close(fd);
		memcpy(a.name, u.nodename, sizeof(a.name));
		a.name[sizeof(a.name) - 1] = 0;
		if (write(out, &a, sizeof(a)) != (ssize_t)sizeof(a))
			_exit(1);
	}
	_exit(0);
}

static int collect(struct nsinfo_snapshot *s, int in)
{
	struct uts_answer a;
	size_t got = 0;
	int r = 0;

	for (;;) {
		ssize_t n = read(in, (char *)&a + got, sizeof(a) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got < sizeof(a))
			continue;
		got = 0;
		if (a.idx < 0 || (size_t)a.idx >= s->nns)
			continue;
		s->ns[a.idx].hostname = nsinfo__strdup(s, a.name);
		if (!s->ns[a.idx].hostname)
			r = -ENOMEM;
	}
	return r;
}

static int run_child(struct nsinfo_snapshot *s, int procfd, const struct uts_visit *v, size_t n)
{
	int rd, wr, r;
	pid_t pid = nsinfo__fork_piped(&rd, &wr);

	if (pid < 0)
		return (int)pid;
	if (pid == 0)
		visit_all(s, procfd, v, n, wr);
	r = collect(s, rd);
	close(rd);
	nsinfo__reap(pid, __WALL);
	return r;
}

int nsinfo__hostnames_scan(struct nsinfo_snapshot *s)
{
	struct uts_visit *v;
	size_t n = 0, nuts = 0;
	int procfd, r;

	if (!(s->flags & NSINFO_SCAN_HOSTNAMES))
		return 0;
	for (size_t i = 0; i < s->nns; i++)
		nuts += s->ns[i].type == NSINFO_UTS;
	v = malloc((nuts ? nuts : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->nns; i++) {
		struct utsname u;

		if (s->ns[i].type != NSINFO_UTS)
			continue;
		/* our own needs no child */
		if ((int)i == s->self_ns[NSINFO_UTS] && uname(&u) == 0) {
			if (!(s->ns[i].hostname = nsinfo__strdup(s, u.nodename))) {
				free(v);
				return -ENOMEM;
			}
			continue;
		}
		v[n++].idx = (int32_t)i;
	}
	procfd = n ? open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	r = procfd >= 0 ? run_child(s, procfd, v, n) : 0;
	if (procfd >= 0)
		close(procfd);
	free(v);
	/* unknown hostnames are not an error: the snapshot stays usable */
	return r == -ENOMEM ? r : 0;
}

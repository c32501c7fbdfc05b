/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floor - the least work any namespace lister must do, for the benchmark:
 * getdents64 on /proc, openat of each pid dir, one read of its status,
 * openat of its ns/ dir, readlinkat of each link, and the nsfs ioctls once
 * per distinct namespace (id, owner, parent). Nothing is kept or printed
 * beyond two counts.
 *
 *   floor [PROC_ROOT]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat.h"

struct dent {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static const char *const links[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts",
	"pid_for_children", "time_for_children",
};
#define NLINKS (sizeof(links) / sizeof(links[0]))

/* The one set of seen inodes: open addressing, grown at half full. */
static uint64_t *seen;
static size_t seen_cap, seen_n;

static int seen_add(uint64_t ino)
{
	size_t i;

	if ((seen_n + 1) * 2 > seen_cap) {
		uint64_t *old = seen;
		size_t ocap = seen_cap;

		seen_cap = seen_cap ? seen_cap * 2 : 1024;
		seen = calloc(seen_cap, sizeof(*seen));
		if (!seen)
			exit(1);
		seen_n = 0;
		for (size_t k = 0; k < ocap; k++)
			if (old[k])
				seen_add(old[k]);
		free(old);
	}
	for (i = (ino * 0x9e3779b97f4a7c15ULL) & (seen_cap - 1); seen[i];
	     i = (i + 1) & (seen_cap - 1))
		if (seen[i] == ino)
			return 0;
	seen[i] = ino;
	seen_n++;
	return 1;
}

static void probe(int nsdir, const char *name, int is_user, int has_parent)
{
	int fd = openat(nsdir, name, O_RDONLY | O_CLOEXEC), r;
	__u64 id;
	uid_t uid;

	if (fd < 0)
		return;
	(void)!ioctl(fd, NS_GET_NSTYPE);
	(void)!ioctl(fd, NS_GET_ID, &id);
	if (is_user)
		(void)!ioctl(fd, NS_GET_OWNER_UID, &uid);
	else if ((r = ioctl(fd, NS_GET_USERNS)) >= 0)
		close(r);
	if (has_parent && (r = ioctl(fd, NS_GET_PARENT)) >= 0)
		close(r);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : "/proc";
	static char dents[64 * 1024], status[8192];
	int procfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned long nprocs = 0;
	long n;

	if (procfd < 0) {
		perror(root);
		return 1;
	}
	while ((n = syscall(SYS_getdents64, procfd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n;) {
			struct dent *d = (struct dent *)(dents + off);
			int pidfd, fd, nsdir;
			char buf[64];

			off += d->d_reclen;
			if (d->d_name[0] < '1' || d->d_name[0] > '9')
				continue;
			pidfd = openat(procfd, d->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (pidfd < 0)
				continue;
			fd = openat(pidfd, "status", O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				(void)!read(fd, status, sizeof(status));
				close(fd);
			}
			nsdir = openat(pidfd, "ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
			for (size_t l = 0; nsdir >= 0 && l < NLINKS; l++) {
				ssize_t k = readlinkat(nsdir, links[l], buf, sizeof(buf) - 1);
				char *b;

				if (k <= 0)
					continue;
				buf[k] = 0;
				b = strchr(buf, '[');
				if (b && seen_add(strtoull(b + 1, NULL, 10)))
					probe(nsdir, links[l], l == 6, l == 4 || l == 6 || l == 8);
			}
			if (nsdir >= 0)
				close(nsdir);
			close(pidfd);
			nprocs++;
		}
	}
	printf("%lu processes, %zu namespaces\n", nprocs, seen_n);
	close(procfd);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsfs ioctls: identity, ids, owners and parents of namespaces. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Deepest user/pid namespace nesting the kernel allows is 32; the bound
 * only guards against a kernel answering in a loop. */
#define MAX_DEPTH 64

NSINFO_EXPORT int nsinfo_fd_identify(int fd, int *type, uint64_t *ino)
{
	struct stat st;
	int flag, t;

	if (fstat(fd, &st) < 0)
		return -errno;
	flag = ioctl(fd, NS_GET_NSTYPE);
	if (flag < 0)
		return errno == EINVAL ? -ENOTTY : -errno;
	t = nsinfo_type_from_clone_flag((unsigned long)flag);
	if (t < 0)
		return -ENOTTY;
	if (type)
		*type = t;
	if (ino)
		*ino = st.st_ino;
	return 0;
}

NSINFO_EXPORT int nsinfo_fd_nsid(int fd, uint64_t *nsid)
{
	__u64 id = 0;

	if (ioctl(fd, NS_GET_ID, &id) == 0 && id) {
		*nsid = id;
		return 0;
	}
	/* Linux 6.9..6.17 have ids for mount namespaces only */
	if (ioctl(fd, NS_GET_MNTNS_ID, &id) == 0 && id) {
		*nsid = id;
		return 0;
	}
	return -ENOTTY;
}

/* A namespace reached through an ioctl fd: find or add it, probe if new. */
static int attach_fd(struct nsinfo_snapshot *s, int fd, int type, int depth)
{
	struct stat st;
	int isnew, idx;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!s->nsfs_dev)
		s->nsfs_dev = st.st_dev;
	idx = nsinfo__ns_insert(s, type, st.st_ino, &isnew);
	if (idx < 0)
		return -1;
	if (isnew) {
		s->ns[idx].flags |= NSINFO_NS_ANCESTOR;
		if (depth < MAX_DEPTH)
			nsinfo__probe_ns(s, idx, fd, depth + 1);
	}
	return idx;
}

void nsinfo__probe_ns(struct nsinfo_snapshot *s, int idx, int fd, int depth)
{
	int type = s->ns[idx].type;
	uint64_t id;
	int rfd;

	if (nsinfo_fd_nsid(fd, &id) == 0)
		s->ns[idx].nsid = id;

	if (type == NSINFO_USER) {
		uid_t uid;

		if (ioctl(fd, NS_GET_OWNER_UID, &uid) == 0)
			s->ns[idx].owner_uid = uid;
	} else {
		rfd = ioctl(fd, NS_GET_USERNS);
		if (rfd >= 0) {
			int o = attach_fd(s, rfd, NSINFO_USER, depth);

			s->ns[idx].owner = o;
			close(rfd);
		}
	}

	if (type == NSINFO_USER || type == NSINFO_PID) {
		/* EPERM at the top of what the caller may see: no parent */
		rfd = ioctl(fd, NS_GET_PARENT);
		if (rfd >= 0) {
			int p = attach_fd(s, rfd, type, depth);

			s->ns[idx].parent = p;
			if (type == NSINFO_USER)
				s->ns[idx].owner = p;
			close(rfd);
		}
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Open a namespace of a snapshot, whatever keeps it alive: one of its
 * processes, its nsfs file handle (Linux 6.18), a thread, a parent's
 * pid_for_children, an fd another process holds, a bind mount in any mount
 * namespace. Whatever is opened is checked to be that namespace (type,
 * inode, id) before it is handed over: pids, fds and paths all change under
 * us. Paths inside another mount namespace are resolved without following
 * symlinks, opened O_PATH and checked to be nsfs before they are opened for
 * real, so nothing a container controls can make us block or open a device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "compat.h"
#include "internal.h"
#include "nsinfo.h"

/* Takes fd (or -1 with errno set): kept in out if it is ns. */
static int take_if_same(int fd, const struct nsinfo_ns *ns, pid_t pid, struct nsinfo_nsref *out)
{
	uint64_t ino, id = 0;
	int t;

	if (fd < 0)
		return -errno;
	if (nsinfo_fd_identify(fd, &t, &ino) < 0 || t != ns->type || ino != ns->ino ||
	    (nsinfo_fd_nsid(fd, &id) == 0 && ns->nsid && id != ns->nsid)) {
		close(fd);
		return -ESTALE; /* another namespace took its place */
	}
	out->fd = fd;
	out->type = t;
	out->ino = ino;
	out->nsid = id ? id : ns->nsid;
	out->pid = pid;
	return 0;
}

/* An O_PATH fd to something that must be an nsfs file: reopened for
 * reading only once it is one. Takes pathfd. */
static int reopen_nsfs(int pathfd)
{
	char self[40];
	struct statfs sf;
	int fd, err;

	if (pathfd < 0)
		return -1;
	if (fstatfs(pathfd, &sf) < 0 || sf.f_type != NSFS_MAGIC) {
		close(pathfd);
		errno = ENOTTY;
		return -1;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pathfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	err = errno;
	close(pathfd);
	errno = err;
	return fd;
}

static int open_proc_ns(const struct nsinfo_snapshot *s, pid_t pid, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%d/ns/%s", s->proc_root, (int)pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* By id, type and inode: no process, fd or path involved. -EOPNOTSUPP
 * where the kernel has no nsfs file handles. */
static int by_handle(const struct nsinfo_ns *ns, struct nsinfo_nsref *out)
{
	struct {
		struct file_handle fh;
		uint64_t id;
		uint32_t type, ino;
	} h;
	int mnt, fd, err;

	if (!ns->nsid || ns->ino > UINT32_MAX)
		return -EOPNOTSUPP;
	/* any nsfs file names the nsfs mount */
	mnt = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (mnt < 0)
		return -errno;
	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(h.id) + sizeof(h.type) + sizeof(h.ino);
	h.fh.handle_type = FILEID_NSFS;
	h.id = ns->nsid;
	h.type = (uint32_t)nsinfo_type_clone_flag(ns->type);
	h.ino = (uint32_t)ns->ino;
	fd = open_by_handle_at(mnt, &h.fh, O_RDONLY | O_CLOEXEC);
	err = errno;
	close(mnt);
	if (fd < 0 && (err == EINVAL || err == EOPNOTSUPP || err == ENOSYS || err == EBADF))
		return -EOPNOTSUPP;
	errno = err;
	return take_if_same(fd, ns, 0, out);
}

/* An fd another process holds: pidfd_getfd, else its /proc fd link. */
static int by_fd(const struct nsinfo_snapshot *s, const struct nsinfo_holder *h,
		 const struct nsinfo_ns *ns, struct nsinfo_nsref *out)
{
	char path[PATH_MAX];
	int pidfd = -1, fd = -1;

	if (!strcmp(s->proc_root, "/proc"))
		pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	if (pidfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, h->fd, 0);
		close(pidfd);
		if (fd >= 0) {
			/* an fd we got is open already: fcntl it to close-on-exec */
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
			return take_if_same(fd, ns, h->pid, out);
		}
	}
	snprintf(path, sizeof(path), "%s/%d/fd/%d", s->proc_root, (int)h->pid, h->fd);
	fd = reopen_nsfs(open(path, O_PATH | O_CLOEXEC));
	return take_if_same(fd, ns, h->pid, out);
}

/* A bind mount: its path inside the root of a process of that mount
 * namespace, with no symlink followed on the way. */
static int by_mount(const struct nsinfo_snapshot *s, const struct nsinfo_holder *h,
		    const struct nsinfo_ns *ns, struct nsinfo_nsref *out)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char path[PATH_MAX];
	int err = -ENOENT;

	if (!h->path)
		return -ENOENT;
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];
		int root, fd, r;

		if ((p->flags & NSINFO_PROC_THREAD) || p->ns[NSINFO_MNT] < 0 ||
		    s->ns[p->ns[NSINFO_MNT]].ino != h->mntns)
			continue;
		snprintf(path, sizeof(path), "%s/%d/root", s->proc_root, (int)p->pid);
		root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0) {
			err = -errno;
			continue;
		}
		fd = (int)syscall(SYS_openat2, root, h->path, &how, sizeof(how));
		close(root);
		if (fd < 0 && errno == ENOSYS)
			return -EOPNOTSUPP; /* no safe way to walk it */
		r = take_if_same(reopen_nsfs(fd), ns, 0, out);
		if (r == 0)
			return 0;
		err = r;
	}
	return err;
}

static int by_holder(const struct nsinfo_snapshot *s, const struct nsinfo_holder *h,
		     const struct nsinfo_ns *ns, struct nsinfo_nsref *out)
{
	const char *name = nsinfo__ns_file[ns->type];

	switch (h->kind) {
	case NSINFO_HOLD_PROC:
	case NSINFO_HOLD_THREAD:
		return take_if_same(open_proc_ns(s, h->pid, name), ns, h->pid, out);
	case NSINFO_HOLD_CHILDREN:
		name = ns->type == NSINFO_PID ? "pid_for_children" : "time_for_children";
		return take_if_same(open_proc_ns(s, h->pid, name), ns, 0, out);
	case NSINFO_HOLD_FD:
		return by_fd(s, h, ns, out);
	case NSINFO_HOLD_MOUNT:
		return by_mount(s, h, ns, out);
	default:
		return -ENOENT; /* kept alive by another namespace: nothing to open */
	}
}

int nsinfo__ns_open_holder(const struct nsinfo_snapshot *s, const struct nsinfo_ns *ns,
			   const struct nsinfo_holder *h, struct nsinfo_nsref *out)
{
	return by_holder(s, h, ns, out);
}

int nsinfo__ns_open_handle(const struct nsinfo_ns *ns, struct nsinfo_nsref *out)
{
	return by_handle(ns, out);
}

/* The error to report when nothing worked: a refusal says more than
 * "gone", and "gone" more than a type mismatch. */
static int worse(int a, int b)
{
	static const int rank[] = { EACCES, EPERM, ENOENT, ESTALE };

	for (size_t i = 0; i < sizeof(rank) / sizeof(rank[0]); i++)
		if (a == -rank[i] || b == -rank[i])
			return -rank[i];
	return a ? a : b;
}

NSINFO_EXPORT
int nsinfo_ns_open(const struct nsinfo_snapshot *s, const struct nsinfo_ns *ns,
		   struct nsinfo_nsref *out)
{
	struct nsinfo_nsref tmp;
	int err = 0, r;

	if (!s || !ns || !out || ns->type < 0 || ns->type >= NSINFO_NTYPES)
		return -EINVAL;
	if (s->loaded)
		return -EOPNOTSUPP; /* a saved snapshot names another moment, maybe another host */
	for (uint32_t i = 0; i < ns->nprocs; i++) {
		pid_t pid = s->procs[ns->procs[i]].pid;

		r = take_if_same(open_proc_ns(s, pid, nsinfo__ns_file[ns->type]), ns, pid, &tmp);
		if (r == 0)
			goto found;
		err = worse(err, r);
	}
	r = by_handle(ns, &tmp);
	if (r == 0)
		goto found;
	if (r != -EOPNOTSUPP)
		err = worse(err, r);
	for (uint32_t i = 0; i < ns->nholders; i++) {
		r = by_holder(s, &ns->holders[i], ns, &tmp);
		if (r == 0)
			goto found;
		err = worse(err, r);
	}
	return err ? err : -ENOENT;
found:
	*out = tmp;
	return 0;
}

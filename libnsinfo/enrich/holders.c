/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Namespaces pinned by something other than a process: open nsfs file
 * descriptors, nsfs bind mounts (in every mount namespace), plus the holders
 * the process scan already implies (threads, *_for_children, child and owned
 * namespaces). The fd and mount passes are optional (NSINFO_SCAN_FDS,
 * NSINFO_SCAN_MOUNTS): they cost one directory read per process and one
 * mountinfo read per mount namespace. Where the snapshot came from the BPF
 * task iterator, its task_file iterator has already listed the nsfs fds
 * (iter.c), and the fd pass only reads /proc for namespaces new to the
 * snapshot. The /proc walk reads each fd table while it holds the process's
 * directory (nsinfo__walk_fds, called from scan.c); the fd pass then takes
 * its records (fds_from_walk).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "enrich/holders.h"
#include "parsers.h"
#include "util/procdir.h"


#define DENTS_BUF NSINFO__DIR_BUF

static const char *const kind_names[] = {
	[NSINFO_HOLD_PROC]     = "proc",
	[NSINFO_HOLD_THREAD]   = "thread",
	[NSINFO_HOLD_CHILDREN] = "children",
	[NSINFO_HOLD_FD]       = "fd",
	[NSINFO_HOLD_MOUNT]    = "mount",
	[NSINFO_HOLD_CHILD_NS] = "child-ns",
	[NSINFO_HOLD_OWNED_NS] = "owned-ns",
};

NSINFO_EXPORT const char *nsinfo_holder_kind_name(int kind)
{
	if (kind < 0 || (size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return NULL;
	return kind_names[kind];
}

static int add(struct nsinfo_snapshot *s, int32_t ns, int kind, pid_t pid, int fd,
	       uint64_t mntns, const char *path, int32_t other)
{
	struct nsinfo_holder h = {
		.kind = kind, .pid = pid, .fd = fd, .mntns = mntns, .path = path, .ns = other,
	};

	return nsinfo__add_holder(s, ns, &h);
}

struct pid_slot {
	pid_t pid;
	uint32_t idx;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct pid_slot *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The thread-group leaders (rows that are not threads), sorted by pid */
struct leaders {
	struct pid_slot *v;
	size_t n;
};

static int leaders_index(const struct nsinfo_snapshot *s, struct leaders *l)
{
	l->n = 0;
	l->v = malloc((s->nprocs ? s->nprocs : 1) * sizeof(*l->v));
	if (!l->v)
		return -ENOMEM;
	for (size_t i = 0; i < s->nprocs; i++)
		if (!(s->procs[i].flags & NSINFO_PROC_THREAD))
			l->v[l->n++] = (struct pid_slot){ s->procs[i].pid, (uint32_t)i };
	qsort(l->v, l->n, sizeof(*l->v), cmp_slot);
	return 0;
}

static const struct pid_slot *leader_of(const struct leaders *l, pid_t pid)
{
	struct pid_slot key = { .pid = pid };

	return bsearch(&key, l->v, l->n, sizeof(key), cmp_slot);
}

/* Type of an nsfs link text ("net:[4026531840]"), -1 for anything else
 * (sockets, pipes, anon inodes and paths never look like this). */
static int nsfs_link_type(const char *link, uint64_t *ino)
{
	const char *colon = strchr(link, ':');

	if (!colon || colon[1] != '[' || nsinfo__parse_ns_link(link, NULL, ino))
		return -1;
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if ((size_t)(colon - link) == strlen(nsinfo__ns_file[t]) &&
		    !strncmp(link, nsinfo__ns_file[t], (size_t)(colon - link)))
			return t;
	return -1;
}

/* ------------------------------------- opening what a container controls */

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#define RESOLVE_IN_ROOT       0x10
#endif

struct open_how_v0 {
	uint64_t flags, mode, resolve;
};

/*
 * O_PATH open of path inside the root rootfd without following anything
 * its owner controls: no symlink, no magic link, ".." stops at the root.
 * An O_PATH open never blocks (a FIFO) and opens no device. Kernels before
 * openat2 (5.6) get an O_PATH|O_NOFOLLOW openat: a symlink inside the path
 * may be followed there, but what is opened is checked all the same.
 */
static int open_path_in_root(int rootfd, const char *path)
{
	struct open_how_v0 how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS) {
		while (*path == '/')
			path++;
		fd = openat(rootfd, *path ? path : ".", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd < 0 ? -errno : (int)fd;
}

/* The O_PATH fd pfd (closed here) as an O_RDONLY fd, if it is the nsfs
 * file ino: -EMEDIUMTYPE not nsfs, -ESTALE another namespace. */
static int reopen_nsfs(int pfd, uint64_t ino)
{
	struct statfs sf;
	struct stat st;
	char self[40];
	int fd;

	if (pfd < 0)
		return pfd;
	/* what was opened is checked before anything else is done with it */
	if (fstatfs(pfd, &sf) < 0 || sf.f_type != NSFS_MAGIC || fstat(pfd, &st) < 0) {
		close(pfd);
		return -EMEDIUMTYPE;
	}
	if (st.st_ino != ino) {
		close(pfd);
		return -ESTALE;
	}
	/* nsfs ioctls and setns need a real open: the same file, reopened
	 * through our own fd (an nsfs file is never a FIFO or a device) */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	fd = fd < 0 ? -errno : fd;
	close(pfd);
	return fd;
}

int nsinfo__open_nsfs_in_root(int rootfd, const char *path, uint64_t ino)
{
	return reopen_nsfs(open_path_in_root(rootfd, path), ino);
}

/* A proc link (ns/TYPE, fd/N) relative to dirfd: the kernel's magic link,
 * but an fd number may have been reused for anything since it was read */
static int open_proc_nsfs(int dirfd, const char *rel, uint64_t ino)
{
	int pfd = openat(dirfd, rel, O_PATH | O_CLOEXEC);

	return reopen_nsfs(pfd < 0 ? -errno : pfd, ino);
}

/* The caller's pid as procfd shows it, 0 if it is not there (a foreign
 * proc root). With NSINFO_SCAN_NOT_SELF its fds are not holders: what it
 * inherited (a shell's "3</run/netns/NAME") is held by the process it came
 * from, and what a tool opened itself is its own business. */
pid_t nsinfo__caller_pid(int procfd)
{
	char buf[32];
	ssize_t n = readlinkat(procfd, "self", buf, sizeof(buf) - 1);
	pid_t pid = 0;

	if (n <= 0)
		return 0;
	buf[n] = 0;
	return nsinfo_parse_pid(buf, &pid) == 0 ? pid : 0;
}

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* A pidfd of process p as procfd shows it, if the pid still names the
 * process the scan saw (checked after the pidfd is held): the pidfd or
 * -errno. Only where procfd is the caller's own pid namespace. */
static int pidfd_of(int procfd, pid_t pid, uint64_t start_time)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), dir;

	if (pfd < 0)
		return -errno;
	dir = nsinfo__pid_open(procfd, pid, start_time);
	if (dir < 0) {
		close(pfd);
		return dir;
	}
	close(dir);
	return pfd;
}

/* The net namespace of socket fd of the process behind pidfd (a copy of
 * the socket is taken and dropped; SIOCGSKNS): an O_RDONLY nsfs fd of it
 * checked to be ino (0: any), or -errno. */
static int sock_netns_open(int pidfd, int fd, uint64_t ino)
{
	int sk = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0), ns;
	struct stat st;

	if (sk < 0)
		return -errno;
	ns = ioctl(sk, SIOCGSKNS);
	ns = ns < 0 ? -errno : ns;
	close(sk);
	if (ns >= 0 && ino && (fstat(ns, &st) < 0 || st.st_ino != ino)) {
		close(ns);
		return -ESTALE;
	}
	return ns;
}

/* Find or add namespace (type, ino), probed through fd if it is new. */
static int note_ns_fd(struct nsinfo_snapshot *s, int type, uint64_t ino, int fd)
{
	struct stat st;
	int isnew, idx;

	idx = nsinfo__ns_insert(s, type, ino, &isnew);
	if (idx < 0 || !isnew)
		return idx;
	if ((s->flags & NSINFO_SCAN_NO_IOCTL) || fstat(fd, &st) < 0) {
		s->ns[idx].flags |= NSINFO_NS_DETACHED;
		return idx;
	}
	if (!s->nsfs_dev)
		s->nsfs_dev = st.st_dev;
	s->ns[idx].dev = st.st_dev;
	nsinfo__probe_ns(s, idx, fd, 0);
	return idx;
}

/*
 * A socket of process p whose net namespace is not the process's own keeps
 * that namespace alive (a socket made in a namespace since left, or handed
 * over): an fd holder. *pidfd is opened on the first socket (-1: not yet,
 * -2: cannot). 0, or -ENOMEM.
 */
static int note_socket(struct nsinfo_snapshot *s, int procfd, const struct nsinfo_proc *p,
		       int fd, int *pidfd)
{
	int32_t own = p->ns[NSINFO_NET];
	struct stat st;
	int nsfd, idx, r = 0;

	if (own < 0 || (size_t)own >= s->nns || *pidfd == -2)
		return 0;
	if (*pidfd == -1 && (*pidfd = pidfd_of(procfd, p->pid, p->start_time)) < 0) {
		*pidfd = -2;
		return 0;
	}
	nsfd = sock_netns_open(*pidfd, fd, 0);
	if (nsfd == -EPERM || nsfd == -EACCES) {
		/* not ours to copy fds from (ptrace rules): none of them */
		close(*pidfd);
		*pidfd = -2;
	}
	if (nsfd < 0)
		return 0;
	if (fstat(nsfd, &st) == 0 && (uint64_t)st.st_ino != s->ns[own].ino) {
		idx = note_ns_fd(s, NSINFO_NET, st.st_ino, nsfd);
		if (idx < 0 || add(s, idx, NSINFO_HOLD_FD, p->pid, fd, 0, NULL, -1))
			r = -ENOMEM;
	}
	close(nsfd);
	return r;
}

/*
 * Find or add the namespace (type, ino); a new one is opened through
 * rel (relative to dirfd) and probed like any namespace the process scan
 * finds, so that it gets its id, owner and ancestors.
 */
static int note_ns(struct nsinfo_snapshot *s, int type, uint64_t ino, int dirfd, const char *rel)
{
	struct stat st;
	int isnew, idx, fd;

	idx = nsinfo__ns_insert(s, type, ino, &isnew);
	if (idx < 0 || !isnew)
		return idx;
	if (s->flags & NSINFO_SCAN_NO_IOCTL) {
		s->ns[idx].flags |= NSINFO_NS_DETACHED;
		return idx;
	}
	/* the fd may have been closed (and its number reused) since readlink */
	fd = open_proc_nsfs(dirfd, rel, ino);
	if (fd < 0 || fstat(fd, &st) < 0) {
		s->ns[idx].flags |= NSINFO_NS_DETACHED;
		if (fd >= 0)
			close(fd);
		return idx;
	}
	if (!s->nsfs_dev)
		s->nsfs_dev = st.st_dev;
	s->ns[idx].dev = st.st_dev;
	nsinfo__probe_ns(s, idx, fd, 0);
	close(fd);
	return idx;
}

/*
 * An fd opened through a bind mount ("exec 3</run/netns/NAME") reads as
 * that path, or "/" once it is unmounted: a file on the nsfs device all the
 * same. Its type and inode (stat follows the magic link without opening
 * anything), or -1. Only paths are looked at: sockets, pipes and anon
 * inodes read otherwise.
 */
static int nsfs_path_fd_type(struct nsinfo_snapshot *s, int dfd, const char *name,
			     const char *link, uint64_t *ino)
{
	struct stat st;
	int idx, fd, type;

	if (link[0] != '/' || !s->nsfs_dev || fstatat(dfd, name, &st, 0) < 0 ||
	    (uint64_t)st.st_dev != s->nsfs_dev)
		return -1;
	*ino = st.st_ino;
	idx = nsinfo__ns_lookup(s, st.st_ino);
	if (idx >= 0)
		return s->ns[idx].type;
	fd = open_proc_nsfs(dfd, name, st.st_ino);
	if (fd < 0)
		return -1;
	if (nsinfo_fd_identify(fd, &type, NULL) < 0)
		type = -1;
	close(fd);
	return type;
}

/* The namespace type of fd link rel under procfd, read from /proc (its
 * link text, else the nsfs file a path names), and its inode; -1 none */
static int fd_link_type(struct nsinfo_snapshot *s, int procfd, const char *rel, uint64_t *ino)
{
	char link[64];
	ssize_t len = readlinkat(procfd, rel, link, sizeof(link) - 1);
	int type;

	if (len <= 0)
		return -1;
	link[len] = 0;
	if ((type = nsfs_link_type(link, ino)) < 0)
		type = nsfs_path_fd_type(s, procfd, rel, link, ino);
	return type;
}

/* The nsfs fds of one process; -ENOMEM is the only error that matters.
 * Only while the pid is the process the scan saw: a reused pid's fds would
 * be credited to it. */
static int scan_fds(struct nsinfo_snapshot *s, int procfd, const struct nsinfo_proc *p,
		    char *dents, bool socks)
{
	struct nsinfo__dir dir;
	const char *name;
	char link[64];
	long fd;
	pid_t pid = p->pid;
	int dfd, pidfd = nsinfo__pid_open(procfd, pid, p->start_time), sockpid = socks ? -1 : -2;
	int r = 0;

	if (pidfd < 0)
		return 0; /* gone, or not ours to look at: the scan counted it */
	dfd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(pidfd);
	if (dfd < 0)
		return 0;
	nsinfo__dir_begin(&dir, dfd, dents, DENTS_BUF, NSINFO__DIR_SHORT_END);
	while (!r && nsinfo__dir_next(&dir, &name, &fd) > 0) {
		ssize_t len;
		uint64_t ino;
		int type, idx;

		len = readlinkat(dfd, name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (!strncmp(link, "socket:[", 8)) {
			r = note_socket(s, procfd, p, (int)fd, &sockpid);
			continue;
		}
		type = nsfs_link_type(link, &ino);
		if (type < 0)
			type = nsfs_path_fd_type(s, dfd, name, link, &ino);
		if (type < 0)
			continue;
		idx = note_ns(s, type, ino, dfd, name);
		if (idx < 0 || add(s, idx, NSINFO_HOLD_FD, pid, (int)fd, 0, NULL, -1))
			r = -ENOMEM;
	}
	nsinfo__dir_end(&dir);
	close(dfd);
	if (sockpid >= 0)
		close(sockpid);
	return r ? -ENOMEM : 0;
}

/* The records of the task_file iterator (iter.c), holder by holder as the
 * /proc pass would find them; a new namespace is probed through
 * /proc/PID/fd/N all the same. */
static int fds_from_iter(struct nsinfo_snapshot *s, const struct leaders *l, int procfd,
			 char *dents, pid_t me)
{
	bool saw_init = false;
	char rel[48];

	for (size_t i = 0; i < s->src.fds.n; i++) {
		const struct nsinfo__fdrec *f = &s->src.fds.v[i];
		int type = f->type, idx;
		uint64_t ino = f->ino;

		saw_init |= f->pid == 1;
		/* a process born since the task pass is not in the snapshot */
		if (!leader_of(l, f->pid) || (me && f->pid == me))
			continue;
		snprintf(rel, sizeof(rel), "%d/fd/%d", (int)f->pid, f->fd);
		/* a kernel without the type where we look: ask /proc */
		if (type < 0 && (type = fd_link_type(s, procfd, rel, &ino)) < 0)
			continue;
		idx = nsinfo__ns_lookup(s, ino);
		if (idx < 0 && type == NSINFO_NET) {
			/* a socket's net namespace: probed through the socket */
			const struct pid_slot *ld = leader_of(l, f->pid);
			int pfd = pidfd_of(procfd, f->pid, s->procs[ld->idx].start_time);
			int nsfd = pfd >= 0 ? sock_netns_open(pfd, f->fd, ino) : -1;

			if (pfd >= 0)
				close(pfd);
			if (nsfd >= 0) {
				idx = note_ns_fd(s, type, ino, nsfd);
				close(nsfd);
				if (idx < 0)
					return -ENOMEM;
			}
		}
		if (idx < 0)
			idx = note_ns(s, type, ino, procfd, rel);
		if (idx < 0 || add(s, idx, NSINFO_HOLD_FD, f->pid, f->fd, 0, NULL, -1))
			return -ENOMEM;
	}
	/* the iterator may not list pid 1 (iter.c): its fds the /proc way */
	if (!saw_init && leader_of(l, 1))
		return scan_fds(s, procfd, &s->procs[leader_of(l, 1)->idx], dents, me != 0 || nsinfo__caller_pid(procfd));
	return 0;
}

static int fd_record(struct nsinfo_snapshot *s, pid_t pid, long fd, int type, uint64_t ino)
{
	struct nsinfo__fd_records *f = &s->src.fds;

	if (nsinfo__grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v)))
		return -ENOMEM;
	f->v[f->n++] = (struct nsinfo__fdrec){ .pid = pid, .fd = (int)fd, .type = type, .ino = ino };
	return 0;
}

/*
 * One fd the procfs way, by what it is rather than what it reads as: a
 * stat through the magic link (which opens nothing: the file's own
 * attributes) says nsfs (its device) and which namespace (its inode),
 * whether it reads as "net:[N]" or as the path of a bind mount, or a
 * socket. One syscall per fd where the link text needs a second one for
 * every path. The type of a namespace the snapshot does not have yet is
 * left to the holders pass (NSINFO__FD_NSFS). -1: not a holder.
 */
static int stat_fd_type(const struct nsinfo_snapshot *s, int dfd, const char *name,
			uint64_t *ino)
{
	struct stat st;
	int idx;

	if (fstatat(dfd, name, &st, 0) < 0)
		return -1;
	if (S_ISSOCK(st.st_mode))
		return NSINFO__FD_SOCKET;
	if ((uint64_t)st.st_dev != s->nsfs_dev)
		return -1;
	*ino = st.st_ino;
	idx = nsinfo__ns_lookup(s, st.st_ino);
	return idx >= 0 ? s->ns[idx].type : NSINFO__FD_NSFS;
}

/*
 * What scan_fds reads, read by the /proc walk through the pid directory
 * it holds (a reused pid cannot slip in: no start time check needed), and
 * kept as records for fds_from_walk: nsfs files, opened through a
 * /proc/PID/ns link or a bind mount, with their inode (and their type where
 * known), sockets as they are (their net namespace is asked in the holders
 * pass). On procfs with the nsfs device known an fd costs one stat (a
 * namespace new then is identified by the holders pass: not without
 * NSINFO_SCAN_NO_IOCTL); else (a fixture tree, nothing probed yet, no
 * ioctls) its link is read as scan_fds does,
 * and a path fd seen before the device is known is kept with type -1 for
 * the holders pass to look at again.
 */
int nsinfo__walk_fds(struct nsinfo_snapshot *s, int pidfd, pid_t pid, char *dents,
		     bool procfs)
{
	struct nsinfo__dir dir;
	const char *name;
	char link[64];
	long fd;
	int dfd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (dfd < 0)
		return 0;
	nsinfo__dir_begin(&dir, dfd, dents, DENTS_BUF, NSINFO__DIR_SHORT_END);
	while (!r && nsinfo__dir_next(&dir, &name, &fd) > 0) {
		ssize_t len;
		uint64_t ino = 0;
		int type;

		if (procfs && s->nsfs_dev && !(s->flags & NSINFO_SCAN_NO_IOCTL)) {
			type = stat_fd_type(s, dfd, name, &ino);
			if (type != -1)
				r = fd_record(s, pid, fd, type, ino);
			continue;
		}
		len = readlinkat(dfd, name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (!strncmp(link, "socket:[", 8)) {
			type = NSINFO__FD_SOCKET;
		} else if ((type = nsfs_link_type(link, &ino)) < 0) {
			if (link[0] != '/' || ((s->flags & NSINFO_SCAN_NO_IOCTL) && !s->nsfs_dev))
				continue;
			/* without the device yet, the holders pass asks */
			if (s->nsfs_dev &&
			    (type = nsfs_path_fd_type(s, dfd, name, link, &ino)) < 0)
				continue;
		}
		r = fd_record(s, pid, fd, type, ino);
	}
	nsinfo__dir_end(&dir);
	close(dfd);
	return r;
}

/* The records of the /proc walk (nsinfo__walk_fds), holder by holder in
 * the order scan_fds would add them. A namespace new to the snapshot is
 * probed through /proc/PID/fd/N (checked to be that nsfs file), a socket's
 * net namespace asked through a copy of it (pidfd_of checks the start
 * time), as scan_fds does. */
static int fds_from_walk(struct nsinfo_snapshot *s, const struct leaders *l, int procfd,
			 bool socks)
{
	const struct nsinfo_proc *p = NULL;
	char rel[48];
	int sockpid = -2, r = 0;

	for (size_t i = 0; i < s->src.fds.n && !r; i++) {
		const struct nsinfo__fdrec *f = &s->src.fds.v[i];
		int type = f->type, idx;
		uint64_t ino = f->ino;

		if (!p || p->pid != f->pid) {
			const struct pid_slot *ld = leader_of(l, f->pid);

			if (sockpid >= 0)
				close(sockpid);
			sockpid = socks ? -1 : -2;
			p = ld ? &s->procs[ld->idx] : NULL;
			if (!p)
				continue;
		}
		if (type == NSINFO__FD_SOCKET) {
			r = note_socket(s, procfd, p, f->fd, &sockpid);
			continue;
		}
		snprintf(rel, sizeof(rel), "%d/fd/%d", (int)f->pid, f->fd);
		if (type == NSINFO__FD_NSFS) {
			/* known by now (a process's link), else asked through
			 * the fd, checked to be that nsfs file */
			idx = nsinfo__ns_lookup(s, ino);
			if (idx < 0) {
				int nsfd = open_proc_nsfs(procfd, rel, ino);

				if (nsfd < 0)
					continue;
				if (nsinfo_fd_identify(nsfd, &type, NULL) == 0)
					idx = note_ns_fd(s, type, ino, nsfd);
				close(nsfd);
				if (type < 0)
					continue;
			}
			if (idx < 0 || add(s, idx, NSINFO_HOLD_FD, f->pid, f->fd, 0, NULL, -1))
				r = -ENOMEM;
			continue;
		}
		if (type < 0 && (type = fd_link_type(s, procfd, rel, &ino)) < 0)
			continue;
		idx = note_ns(s, type, ino, procfd, rel);
		if (idx < 0 || add(s, idx, NSINFO_HOLD_FD, f->pid, f->fd, 0, NULL, -1))
			r = -ENOMEM;
	}
	if (sockpid >= 0)
		close(sockpid);
	return r;
}

static int fds_pass(struct nsinfo_snapshot *s, const struct leaders *l, int procfd)
{
	char *dents = malloc(DENTS_BUF);
	size_t nprocs = s->nprocs;
	pid_t me = s->flags & NSINFO_SCAN_NOT_SELF ? nsinfo__caller_pid(procfd) : 0;
	/* sockets are asked through pidfds: our own pid namespace only */
	bool socks = nsinfo__caller_pid(procfd) != 0;
	int r = 0;

	if (!dents)
		return -ENOMEM;
	if (s->src.fds.complete && s->src.fds.walked) {
		free(dents);
		return fds_from_walk(s, l, procfd, socks);
	}
	if (s->src.fds.complete) {
		r = fds_from_iter(s, l, procfd, dents, me);
		free(dents);
		return r;
	}
	/* fd tables are per process: threads share their leader's */
	for (size_t i = 0; i < nprocs && !r; i++) {
		const struct nsinfo_proc *p = &s->procs[i];

		if (p->flags & (NSINFO_PROC_THREAD | NSINFO_PROC_ZOMBIE | NSINFO_PROC_KTHREAD) ||
		    (me && p->pid == me))
			continue;
		r = scan_fds(s, procfd, p, dents, socks);
	}
	free(dents);
	return r;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = 0;
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] -
 * FSTYPE SOURCE SUPEROPTS". For nsfs the root is the namespace ("net:[N]").
 * Fields are split in place; 0 if it is an nsfs mount.
 */
static int parse_nsfs_mount(char *line, char **root, char **mountpoint)
{
	char *sep = strstr(line, " - ");
	char *f[5], *save = NULL, *tok;
	int n = 0;

	if (!sep || strncmp(sep + 3, "nsfs ", 5))
		return -1;
	*sep = 0;
	for (tok = strtok_r(line, " ", &save); tok && n < 5; tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	if (n < 5)
		return -1;
	*root = f[3];
	*mountpoint = f[4];
	unescape_octal(*mountpoint);
	return 0;
}

/*
 * A namespace bind-mounted at mp in the mount namespace whose root is
 * rootfd. mountinfo is the kernel's word for the namespace (its root field);
 * the path belongs to whoever owns that mount namespace, so it is opened
 * only the way nsinfo__open_nsfs_in_root() allows, and a refusal (a
 * symlink, a FIFO or anything not that nsfs file at the path) is counted
 * in the coverage: the holder stays, the namespace is not asked anything.
 */
static int note_mount_ns(struct nsinfo_snapshot *s, int type, uint64_t ino, int rootfd,
			 const char *mp)
{
	int isnew, idx, fd;

	idx = nsinfo__ns_insert(s, type, ino, &isnew);
	if (idx < 0 || !isnew)
		return idx;
	s->ns[idx].flags |= NSINFO_NS_DETACHED;
	if (s->flags & NSINFO_SCAN_NO_IOCTL)
		return idx;
	fd = rootfd < 0 ? -EBADF : nsinfo__open_nsfs_in_root(rootfd, mp, ino);
	if (fd < 0) {
		/* only what the path itself was refused for: a permission
		 * error on the way is the caller's view, not the path's doing */
		if (fd == -ELOOP || fd == -EXDEV || fd == -EMEDIUMTYPE)
			s->cov.refused++;
		return idx;
	}
	s->ns[idx].flags &= ~NSINFO_NS_DETACHED;
	if (nsinfo__probe_fd(s, idx, fd, 0) < 0)
		s->ns[idx].flags |= NSINFO_NS_DETACHED;
	close(fd);
	return idx;
}

/* The nsfs mounts of mount namespace mntns, read through member p (only
 * while its pid still is that process: another's would be another mount
 * namespace's). 1: p is gone or unreadable, ask another member. */
static int scan_mountinfo(struct nsinfo_snapshot *s, int procfd, const struct nsinfo_proc *p,
			  uint64_t mntns)
{
	char *text, *line, *save = NULL;
	int r = 0, rootfd, pidfd = nsinfo__pid_open(procfd, p->pid, p->start_time);

	if (pidfd < 0)
		return 1;
	/* mountinfo can be megabytes; no cap but memory */
	r = nsinfo__read_file_at(pidfd, "mountinfo", SIZE_MAX, &text, NULL);
	/* the mount points as that mount namespace sees them */
	rootfd = text ? openat(pidfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	close(pidfd);
	if (!text)
		return r == -ENOMEM ? r : 1;
	r = 0;
	for (line = strtok_r(text, "\n", &save); line && !r; line = strtok_r(NULL, "\n", &save)) {
		char *root, *mp;
		const char *path;
		uint64_t ino;
		int type, idx;

		if (parse_nsfs_mount(line, &root, &mp))
			continue;
		type = nsfs_link_type(root, &ino);
		if (type < 0)
			continue;
		idx = note_mount_ns(s, type, ino, rootfd, mp);
		path = nsinfo__strdup(s, mp);
		if (idx < 0 || !path || add(s, idx, NSINFO_HOLD_MOUNT, 0, -1, mntns, path, -1))
			r = -ENOMEM;
	}
	if (rootfd >= 0)
		close(rootfd);
	free(text);
	return r;
}

static int mounts_pass(struct nsinfo_snapshot *s, int procfd)
{
	size_t nns = s->nns;
	char *done = calloc(nns ? nns : 1, 1);
	int r = 0;

	if (!done)
		return -ENOMEM;
	/* one live member per mount namespace is enough to read its mounts;
	 * where it exited since the scan (a busy host), the next one */
	for (size_t i = 0; i < s->nprocs && r >= 0; i++) {
		const struct nsinfo_proc *p = &s->procs[i];
		int32_t m = p->ns[NSINFO_MNT];

		if (m < 0 || (size_t)m >= nns || done[m] ||
		    (p->flags & (NSINFO_PROC_ZOMBIE | NSINFO_PROC_DENIED | NSINFO_PROC_KTHREAD)))
			continue;
		r = scan_mountinfo(s, procfd, p, s->ns[m].ino);
		if (r == 0)
			done[m] = 1;
	}
	free(done);
	return r < 0 ? r : 0;
}

/* A thread row pins each namespace in which it differs from its leader. */
static int thread_holders(struct nsinfo_snapshot *s, const struct leaders *l,
			  const struct nsinfo_proc *p)
{
	const struct pid_slot *lp = leader_of(l, p->tgid);

	for (int t = 0; t < NSINFO_NTYPES; t++) {
		if (p->ns[t] < 0 || (lp && s->procs[lp->idx].ns[t] == p->ns[t]))
			continue;
		if (add(s, p->ns[t], NSINFO_HOLD_THREAD, p->pid, -1, 0, NULL, -1))
			return -ENOMEM;
	}
	return 0;
}

static int proc_holders(struct nsinfo_snapshot *s, const struct leaders *l)
{
	int r = 0;

	for (size_t i = 0; i < s->nprocs && !r; i++) {
		const struct nsinfo_proc *p = &s->procs[i];

		if (p->flags & NSINFO_PROC_THREAD)
			r = thread_holders(s, l, p);
		if (!r && p->pid_for_children >= 0)
			r = add(s, p->pid_for_children, NSINFO_HOLD_CHILDREN, p->pid, -1, 0, NULL, -1);
		if (!r && p->time_for_children >= 0)
			r = add(s, p->time_for_children, NSINFO_HOLD_CHILDREN, p->pid, -1, 0, NULL, -1);
	}
	return r;
}

/* A child pid/user namespace pins its parent; any namespace pins its owner
 * (for a user namespace the owner is the parent: recorded once). */
static int ns_holders(struct nsinfo_snapshot *s)
{
	for (size_t i = 0; i < s->nns; i++) {
		const struct nsinfo_ns *n = &s->ns[i];

		if (n->parent >= 0 &&
		    add(s, n->parent, NSINFO_HOLD_CHILD_NS, 0, -1, 0, NULL, (int32_t)i))
			return -ENOMEM;
		if (n->owner >= 0 && n->owner != n->parent &&
		    add(s, n->owner, NSINFO_HOLD_OWNED_NS, 0, -1, 0, NULL, (int32_t)i))
			return -ENOMEM;
	}
	return 0;
}

int nsinfo__holders_scan(struct nsinfo_snapshot *s)
{
	struct leaders l;
	int r = leaders_index(s, &l);

	if (!r && (s->flags & (NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS))) {
		int procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (procfd < 0)
			r = -errno;
		if (!r && (s->flags & NSINFO_SCAN_FDS))
			r = fds_pass(s, &l, procfd);
		if (!r && (s->flags & NSINFO_SCAN_MOUNTS))
			r = mounts_pass(s, procfd);
		if (procfd >= 0)
			close(procfd);
	}
	if (!r)
		r = proc_holders(s, &l);
	if (!r)
		r = ns_holders(s);
	free(l.v);
	/* what the iterator listed is in the holders now */
	free(s->src.fds.v);
	s->src.fds.v = NULL;
	s->src.fds.n = s->src.fds.cap = 0;
	return r;
}

/* ------------------------------------------------ reopening a namespace */

static int mount_path(const struct nsinfo_snapshot *s, const struct nsinfo_holder *h,
		      char *buf, size_t len)
{
	int m = nsinfo_snapshot_find_ns(s, NSINFO_MNT, h->mntns);
	const struct nsinfo_proc *p = m >= 0 ? nsinfo_ns_lowest_proc(s, &s->ns[m]) : NULL;

	if (!p)
		return -ENOENT;
	return snprintf(buf, len, "%d/root%s", (int)p->pid, h->path) < (int)len ? 0 : -ENOENT;
}

static int open_mount(const struct nsinfo_snapshot *s, int procfd, const struct nsinfo_holder *h,
		      uint64_t ino)
{
	int m = nsinfo_snapshot_find_ns(s, NSINFO_MNT, h->mntns);
	const struct nsinfo_proc *p = m >= 0 ? nsinfo_ns_lowest_proc(s, &s->ns[m]) : NULL;
	char rel[32];
	int rootfd, fd;

	if (!p)
		return -ENOENT;
	snprintf(rel, sizeof(rel), "%d/root", (int)p->pid);
	rootfd = openat(procfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	fd = nsinfo__open_nsfs_in_root(rootfd, h->path, ino);
	close(rootfd);
	return fd;
}

/* A net namespace held by a socket fd: through the socket (SIOCGSKNS) */
static int open_socket_holder(const struct nsinfo_snapshot *s, int procfd,
			      const struct nsinfo_holder *h, uint64_t ino)
{
	int pi = nsinfo_snapshot_find_proc(s, h->pid), pfd, fd;

	if (pi < 0)
		return -ENOENT;
	pfd = pidfd_of(procfd, h->pid, s->procs[pi].start_time);
	if (pfd < 0)
		return pfd;
	fd = sock_netns_open(pfd, h->fd, ino);
	close(pfd);
	return fd;
}

int nsinfo__ns_open(const struct nsinfo_snapshot *s, int procfd, int idx)
{
	const struct nsinfo_ns *n = &s->ns[idx];
	const struct nsinfo_proc *p = nsinfo_ns_lowest_proc(s, n);
	const char *file = nsinfo__ns_file[n->type];
	char rel[64];
	int fd = -ENOENT;

	if (p) {
		snprintf(rel, sizeof(rel), "%d/ns/%s", (int)p->pid, file);
		return open_proc_nsfs(procfd, rel, n->ino);
	}
	for (uint32_t i = 0; i < n->nholders && fd < 0; i++) {
		const struct nsinfo_holder *h = &n->holders[i];

		switch (h->kind) {
		case NSINFO_HOLD_THREAD:
			snprintf(rel, sizeof(rel), "%d/ns/%s", (int)h->pid, file);
			break;
		case NSINFO_HOLD_CHILDREN:
			snprintf(rel, sizeof(rel), "%d/ns/%s_for_children", (int)h->pid, file);
			break;
		case NSINFO_HOLD_FD:
			snprintf(rel, sizeof(rel), "%d/fd/%d", (int)h->pid, h->fd);
			fd = open_proc_nsfs(procfd, rel, n->ino);
			if (fd == -EMEDIUMTYPE && n->type == NSINFO_NET)
				fd = open_socket_holder(s, procfd, h, n->ino);
			continue;
		case NSINFO_HOLD_MOUNT:
			fd = open_mount(s, procfd, h, n->ino);
			continue;
		default:
			continue;
		}
		fd = open_proc_nsfs(procfd, rel, n->ino);
	}
	return fd;
}

int nsinfo__ns_path(const struct nsinfo_snapshot *s, int idx, char *buf, size_t len)
{
	const struct nsinfo_ns *n = &s->ns[idx];
	const struct nsinfo_proc *p = nsinfo_ns_lowest_proc(s, n);
	const char *file = nsinfo__ns_file[n->type];

	if (p) {
		snprintf(buf, len, "%d/ns/%s", (int)p->pid, file);
		return 0;
	}
	for (uint32_t i = 0; i < n->nholders; i++) {
		const struct nsinfo_holder *h = &n->holders[i];

		switch (h->kind) {
		case NSINFO_HOLD_THREAD:
			snprintf(buf, len, "%d/ns/%s", (int)h->pid, file);
			return 0;
		case NSINFO_HOLD_CHILDREN:
			snprintf(buf, len, "%d/ns/%s_for_children", (int)h->pid, file);
			return 0;
		case NSINFO_HOLD_FD:
			snprintf(buf, len, "%d/fd/%d", (int)h->pid, h->fd);
			return 0;
		case NSINFO_HOLD_MOUNT:
			if (mount_path(s, h, buf, len) == 0)
				return 0;
			break;
		}
	}
	return -ENOENT;
}

int nsinfo__mountinfo_nsfs(char *line, char **mountpoint, uint64_t *ino)
{
	char *root;

	if (parse_nsfs_mount(line, &root, mountpoint))
		return -1;
	return nsfs_link_type(root, ino);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The /proc walk. Cost per process is what the floor benchmark does too:
 * one getdents64 share, openat of the pid dir (O_PATH), one read of status,
 * openat of ns/ and one readlinkat per link, and a read of stat (the start
 * time later per-pid reads check). Namespace fds are opened once per
 * distinct namespace, never per process. With NSINFO_SCAN_FDS the fd
 * table is read here too, through the same pid directory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"
#include "source/source.h"
#include "util/procdir.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

#define DENTS_BUF (64 * 1024)
#define STATUS_BUF 8192

#define LINK_PID_CHILDREN NSINFO__LINK_PID_CHILDREN
#define LINK_TIME_CHILDREN NSINFO__LINK_TIME_CHILDREN
#define NLINKS NSINFO__NLINKS
static const char *const extra_links[] = { "pid_for_children", "time_for_children" };

int nsinfo__parse_ns_link(const char *link, const char *name, uint64_t *ino)
{
	const char *b = strchr(link, '[');
	char *end;
	unsigned long long v;

	if (!b)
		return -EINVAL;
	/* "TYPE:[INODE]": the type part must be the link's own name */
	if (name && ((size_t)(b - link) != strlen(name) + 1 ||
		     strncmp(link, name, strlen(name)) || b[-1] != ':'))
		return -EINVAL;
	if (b[1] < '0' || b[1] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(b + 1, &end, 10);
	if (errno || v == 0 || *end != ']' || end[1])
		return -EINVAL;
	*ino = v;
	return 0;
}

/* Decimal field of a status line. Saturates instead of overflowing so that
 * a malformed or hostile file cannot produce undefined behaviour. */
static long parse_long(const char *p, const char **end)
{
	unsigned long v = 0;
	bool neg = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-') {
		neg = true;
		p++;
	}
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p++ - '0');

		v = v > (INT_MAX - d) / 10 ? (unsigned long)INT_MAX : v * 10 + d;
	}
	if (end)
		*end = p;
	return neg ? -(long)v : (long)v;
}

/* The second of a "Uid:" or "Gid:" line's ids (real, effective, ...) */
static long effective_id(const char *p)
{
	const char *e;

	parse_long(p, &e);
	return parse_long(e, NULL);
}

/* Parse /proc/PID/status contents; fields not found stay as they are. */
int nsinfo__parse_status(const char *buf, struct nsinfo__status *st)
{
	const char *p = buf;
	int seen = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		const char *v;

		switch (*p) {
		case 'N':
			if (!strncmp(p, "Name:", 5)) {
				size_t n = 0;

				v = p + 5;
				while (*v == '\t' || *v == ' ')
					v++;
				while (v[n] && v[n] != '\n' && n < sizeof(st->comm) - 1)
					n++;
				memcpy(st->comm, v, n);
				st->comm[n] = 0;
				seen |= 1;
			} else if (!strncmp(p, "NSpid:", 6)) {
				v = p + 6;
				st->nspid_len = 0;
				while (st->nspid_len < NSINFO__MAX_LEVELS) {
					const char *e;
					long x;

					while (*v == '\t' || *v == ' ')
						v++;
					if (*v < '0' || *v > '9')
						break;
					x = parse_long(v, &e);
					st->nspid[st->nspid_len++] = (pid_t)x;
					v = e;
				}
				seen |= 2;
			}
			break;
		case 'S':
			if (!strncmp(p, "State:", 6)) {
				v = p + 6;
				while (*v == '\t' || *v == ' ')
					v++;
				st->state = *v ? *v : '?';
			}
			break;
		case 'T':
			if (!strncmp(p, "Tgid:", 5))
				st->tgid = (pid_t)parse_long(p + 5, NULL);
			else if (!strncmp(p, "Threads:", 8))
				st->threads = (int)parse_long(p + 8, NULL);
			break;
		case 'P':
			if (!strncmp(p, "PPid:", 5))
				st->ppid = (pid_t)parse_long(p + 5, NULL);
			else if (!strncmp(p, "Pid:", 4))
				st->pid = (pid_t)parse_long(p + 4, NULL);
			break;
		case 'U':
			if (!strncmp(p, "Uid:", 4)) {
				st->uid = (uid_t)effective_id(p + 4);
				seen |= 4;
			}
			break;
		case 'G':
			if (!strncmp(p, "Gid:", 4)) {
				st->gid = (gid_t)effective_id(p + 4);
				st->has_gid = true;
			}
			break;
		}
		p = nl ? nl + 1 : NULL;
	}
	/* A status without Name: is not a status file */
	return (seen & 1) ? 0 : -EINVAL;
}

/* Where fields 3..want of a stat text start (f[n] for field n): comm
 * (field 2) may hold anything, ')' and spaces included, so the fields start
 * after the last ')'. 0 or -EINVAL if there are fewer. */
static int stat_fields(const char *buf, const char **f, int want)
{
	const char *p = strrchr(buf, ')');
	int field = 2;

	if (!p)
		return -EINVAL;
	for (p++; *p && field < want; p++)
		if (*p == ' ' && p[1] && p[1] != ' ')
			f[++field] = p + 1;
	return field == want ? 0 : -EINVAL;
}

/* An unsigned decimal stat field, nothing but a space or the end after it */
static int stat_num(const char *p, uint64_t *out)
{
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p && *p != ' ' && *p != '\n')
		return -EINVAL;
	*out = v;
	return 0;
}

int nsinfo__parse_stat_start(const char *buf, uint64_t *start)
{
	const char *f[23];

	if (stat_fields(buf, f, 22) < 0)
		return -EINVAL;
	return stat_num(f[22], start);
}

int nsinfo__parse_stat(const char *buf, struct nsinfo__stat *st)
{
	const char *f[25], *open = strchr(buf, '(');
	uint64_t utime, stime, start, rss;
	size_t n;

	if (!open || stat_fields(buf, f, 24) < 0 || stat_num(f[14], &utime) < 0 ||
	    stat_num(f[15], &stime) < 0 || stat_num(f[22], &start) < 0 ||
	    stat_num(f[24], &rss) < 0 || utime > UINT64_MAX - stime)
		return -EINVAL;
	/* f[3] - 2 is the last ')' */
	n = (size_t)(f[3] - 2 - (open + 1));
	n = n < sizeof(st->comm) - 1 ? n : sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, n);
	st->comm[n] = 0;
	st->ticks = utime + stime;
	st->start_time = start;
	st->rss_pages = rss;
	return 0;
}

uint64_t nsinfo__tick_ns(void)
{
	long tck = sysconf(_SC_CLK_TCK);

	return tck > 0 && tck <= 1000000000L ? 1000000000ULL / (uint64_t)tck : 10000000ULL;
}

/*
 * The stat file (name, relative to dirfd) of a task about to be row st:
 * its start time, and with NSINFO_SCAN_USAGE its CPU time and RSS into *u,
 * and where a refresh copied status from the previous snapshot (reused)
 * its comm, which an exec may have changed since. Nothing is written
 * where stat cannot be read.
 */
static void read_stat(const struct nsinfo_snapshot *s, int dirfd, const char *name,
		      bool reused, struct nsinfo__status *st, struct nsinfo__usage *u)
{
	char buf[1024];
	struct nsinfo__stat ps;

	u->known = false;
	if (nsinfo__read_at(dirfd, name, buf, sizeof(buf)) < 0)
		return;
	if (!(s->flags & NSINFO_SCAN_USAGE)) {
		nsinfo__parse_stat_start(buf, &st->start_time);
		return;
	}
	if (nsinfo__parse_stat(buf, &ps) < 0)
		return;
	st->start_time = ps.start_time;
	if (reused)
		memcpy(st->comm, ps.comm, sizeof(st->comm));
	*u = (struct nsinfo__usage){
		.cpu_ns = ps.ticks * nsinfo__tick_ns(),
		.rss = ps.rss_pages * (uint64_t)sysconf(_SC_PAGESIZE),
		.known = true,
	};
}

uint64_t nsinfo__read_start_time(int pidfd)
{
	char buf[1024];
	uint64_t start;

	if (nsinfo__read_at(pidfd, "stat", buf, sizeof(buf)) < 0 ||
	    nsinfo__parse_stat_start(buf, &start) < 0)
		return 0;
	return start;
}

int nsinfo__pid_open(int procfd, pid_t pid, uint64_t start_time)
{
	char name[16];
	int fd;

	if (!start_time)
		return -ESRCH;
	snprintf(name, sizeof(name), "%d", (int)pid);
	fd = openat(procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (nsinfo__read_start_time(fd) != start_time) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int nsinfo__proc_open(const struct nsinfo_snapshot *s, int procfd, pid_t pid)
{
	int i = nsinfo_snapshot_find_proc(s, pid);

	return i < 0 ? -ESRCH : nsinfo__pid_open(procfd, pid, s->procs[i].start_time);
}

int nsinfo__add_proc(struct nsinfo_snapshot *s, const struct nsinfo__status *st,
		     pid_t pid, uint32_t flags)
{
	struct nsinfo_proc *p;

	if (nsinfo__grow((void **)&s->procs, &s->procs_cap, s->nprocs + 1, sizeof(*s->procs)) ||
	    nsinfo__grow((void **)&s->pids, &s->pids_cap, s->npids + (size_t)st->nspid_len + 1,
			 sizeof(*s->pids)))
		return -ENOMEM;
	if (s->flags & NSINFO_SCAN_USAGE) {
		if (nsinfo__grow((void **)&s->usage, &s->usage_cap, s->nprocs + 1, sizeof(*s->usage)))
			return -ENOMEM;
		s->usage[s->nprocs].known = false;
	}
	p = &s->procs[s->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->tgid = st->tgid ? st->tgid : pid;
	p->ppid = st->ppid;
	p->uid = st->uid;
	p->gid = st->has_gid ? st->gid : (gid_t)-1;
	p->flags = flags;
	p->state = st->state;
	p->start_time = st->start_time;
	memcpy(p->comm, st->comm, sizeof(p->comm));
	p->nspid_len = st->nspid_len;
	/* offset now, pointer once the pool has stopped moving */
	p->nspid = (const pid_t *)(uintptr_t)s->npids;
	memcpy(s->pids + s->npids, st->nspid, sizeof(pid_t) * (size_t)st->nspid_len);
	s->npids += (size_t)st->nspid_len;
	for (int t = 0; t < NSINFO_NTYPES; t++)
		p->ns[t] = -1;
	p->pid_for_children = -1;
	p->time_for_children = -1;
	p->container = -1;
	return (int)s->nprocs++;
}

/*
 * A namespace new to the snapshot, open on fd (the ns/ link of a task known
 * to be alive): ask the kernel about it. Anything that is not the nsfs file
 * the link named (a fixture tree, a task that moved to another namespace in
 * between, an inode number reused since) is refused with -ESTALE and leaves
 * the namespace as it was, for the caller to mark DETACHED.
 */
int nsinfo__probe_fd(struct nsinfo_snapshot *s, int idx, int fd, uint64_t nsid)
{
	struct stat sb;
	uint64_t id;

	if (fstat(fd, &sb) < 0 || sb.st_ino != s->ns[idx].ino || ioctl(fd, NS_GET_NSTYPE) < 0)
		return -ESTALE;
	if (nsid && nsinfo_fd_nsid(fd, &id) == 0 && id != nsid)
		return -ESTALE;
	if (!s->nsfs_dev)
		s->nsfs_dev = sb.st_dev;
	s->ns[idx].dev = sb.st_dev;
	nsinfo__probe_ns(s, idx, fd, 0);
	return 0;
}

static void probe_new(struct nsinfo_snapshot *s, int nsdir, const char *name, int idx)
{
	int fd = -1;

	if (!(s->flags & NSINFO_SCAN_NO_IOCTL))
		fd = openat(nsdir, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || nsinfo__probe_fd(s, idx, fd, 0) < 0)
		s->ns[idx].flags |= NSINFO_NS_DETACHED;
	if (fd >= 0)
		close(fd);
}

int nsinfo__link_type(int l, const char **name)
{
	if (l < NSINFO_NTYPES) {
		*name = nsinfo__ns_file[l];
		return l;
	}
	*name = extra_links[l - NSINFO_NTYPES];
	return l == LINK_PID_CHILDREN ? NSINFO_PID : NSINFO_TIME;
}

/*
 * Read the ns links of one task through its ns/ dir fd. inos[] receives
 * inode numbers (0 = unknown), idx[] namespace indices (-1). Returns the
 * number of links read, or -errno of the first refusal if none could be.
 */
static int read_links(struct nsinfo_snapshot *s, int nsdir, uint64_t inos[NLINKS],
		      int idx[NLINKS])
{
	char buf[64];
	int nread = 0, err = 0;
	int nlinks = (s->flags & NSINFO_SCAN_NO_CHILDREN_LINKS) ? NSINFO_NTYPES : NLINKS;

	for (int l = nlinks; l < NLINKS; l++) {
		inos[l] = 0;
		idx[l] = -1;
	}
	for (int l = 0; l < nlinks; l++) {
		const char *name;
		int type = nsinfo__link_type(l, &name);
		ssize_t n = readlinkat(nsdir, name, buf, sizeof(buf) - 1);
		int isnew;

		inos[l] = 0;
		idx[l] = -1;
		if (n < 0) {
			/* ENOENT: type absent in this kernel, or the task is going */
			if ((errno == EACCES || errno == EPERM) && !err)
				err = -errno;
			continue;
		}
		buf[n] = 0;
		/* the type part of pid_for_children is "pid" */
		if (nsinfo__parse_ns_link(buf, nsinfo__ns_file[type], &inos[l]))
			continue;
		nread++;
		isnew = nsinfo__link_insert(s, l, inos, &idx[l]);
		if (isnew < 0)
			return isnew;
		if (isnew)
			probe_new(s, nsdir, name, idx[l]);
	}
	if (nread == 0 && err)
		return err;
	return nread;
}

int nsinfo__link_insert(struct nsinfo_snapshot *s, int l, const uint64_t inos[NLINKS],
			int *idx)
{
	const char *name;
	int type = nsinfo__link_type(l, &name);
	int isnew, i;

	*idx = -1;
	/* pid_for_children equal to its own ns is the common case */
	if (!inos[l] || (l >= NSINFO_NTYPES && inos[l] == inos[type]))
		return 0;
	i = nsinfo__ns_insert(s, type, inos[l], &isnew);
	if (i < 0)
		return -ENOMEM;
	*idx = i;
	return isnew;
}

/* Thread and *_for_children holders are derived from these rows after the
 * scan (holders.c), whatever source filled them. */
void nsinfo__apply_links(struct nsinfo_snapshot *s, int pi, const int idx[NLINKS])
{
	struct nsinfo_proc *p = &s->procs[pi];

	for (int l = 0; l < NLINKS; l++)
		if (idx[l] >= 0)
			s->ns[idx[l]].flags &= ~NSINFO_NS_ANCESTOR;
	for (int t = 0; t < NSINFO_NTYPES; t++)
		p->ns[t] = idx[t];
	/* read_links leaves these at -1 when they equal the task's own */
	p->pid_for_children = idx[LINK_PID_CHILDREN];
	p->time_for_children = idx[LINK_TIME_CHILDREN];
}

/* Thread tid of pid (a name in taskfd) gets its own row if its namespaces
 * differ from its leader's. */
static void scan_thread(struct nsinfo_snapshot *s, int taskfd, const char *name, pid_t pid,
			pid_t tid, const uint64_t leader[NLINKS])
{
	char path[64], buf[STATUS_BUF];
	struct nsinfo__status st = { .tgid = pid };
	struct nsinfo__usage u;
	uint64_t inos[NLINKS];
	int idx[NLINKS], nsdir, ti, differs = 0;

	snprintf(path, sizeof(path), "%s/ns", name);
	nsdir = openat(taskfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nsdir < 0)
		return;
	if (read_links(s, nsdir, inos, idx) > 0) {
		for (int l = 0; l < NSINFO_NTYPES; l++)
			if (inos[l] && inos[l] != leader[l])
				differs = 1;
	}
	close(nsdir);
	if (!differs)
		return;
	snprintf(path, sizeof(path), "%s/status", name);
	if (nsinfo__read_at(taskfd, path, buf, sizeof(buf)) < 0 ||
	    nsinfo__parse_status(buf, &st) < 0)
		return;
	snprintf(path, sizeof(path), "%s/stat", name);
	read_stat(s, taskfd, path, false, &st, &u);
	ti = nsinfo__add_proc(s, &st, tid, NSINFO_PROC_THREAD);
	if (ti < 0)
		return;
	nsinfo__apply_links(s, ti, idx);
	if (s->usage)
		s->usage[ti] = u;
}

/* Threads whose namespaces differ from their leader's get their own row. */
static void scan_threads(struct nsinfo_snapshot *s, int pidfd, pid_t pid,
			 const uint64_t leader[NLINKS])
{
	struct nsinfo__dir dir;
	const char *name;
	long tid;
	int taskfd;

	taskfd = openat(pidfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return;
	if (nsinfo__dir_begin(&dir, taskfd, NULL, DENTS_BUF, 0)) {
		close(taskfd);
		return;
	}
	while (nsinfo__dir_next(&dir, &name, &tid) > 0) {
		if (tid == pid)
			continue;
		s->cov.tasks_scanned++;
		scan_thread(s, taskfd, name, pid, (pid_t)tid, leader);
	}
	nsinfo__dir_end(&dir);
	close(taskfd);
}

/*
 * A process /proc lists but will not let us read (hidepid=noaccess, or a
 * process protected otherwise): a row with what is known, flagged DENIED,
 * so that asking for it gives "permission denied", as a pid lookup does,
 * rather than "no such process". It is in no namespace.
 */
static void add_denied(struct nsinfo_snapshot *s, int pidfd, pid_t pid)
{
	struct nsinfo__status st = { .state = '?', .pid = pid, .tgid = pid, .uid = (uid_t)-1,
				     .threads = 1, .nspid_len = 1, .nspid = { pid } };
	struct stat sb;

	/* the directory's owner is the process's effective uid */
	if (fstat(pidfd, &sb) == 0) {
		st.uid = sb.st_uid;
		st.gid = sb.st_gid;
		st.has_gid = true;
	}
	nsinfo__add_proc(s, &st, pid, NSINFO_PROC_DENIED);
}

/* The fd pass done by the walk (NSINFO_SCAN_FDS): its buffer, and the
 * caller's pid to leave out (NSINFO_SCAN_NOT_SELF) */
struct fd_walk {
	char *dents;
	pid_t me;
	bool procfs;              /* a real procfs (not a fixture tree) */
};

/* Row pi's fd table through the pid directory the walk holds, for the
 * processes the holders' fd pass reads: leaders with a start time, not
 * zombies, kernel threads or the caller (NSINFO_SCAN_NOT_SELF). A failure
 * (memory) leaves the fd pass to the holders pass. */
static void walk_fds(struct nsinfo_snapshot *s, struct fd_walk *w, int pidfd, int pi)
{
	const struct nsinfo_proc *p = &s->procs[pi];

	if (!w || !w->dents || !p->start_time || (w->me && p->pid == w->me) ||
	    (p->flags & (NSINFO_PROC_ZOMBIE | NSINFO_PROC_KTHREAD)))
		return;
	if (nsinfo__walk_fds(s, pidfd, p->pid, w->dents, w->procfs) < 0) {
		free(w->dents);
		w->dents = NULL;
	}
}

/* /proc/PID as an O_PATH directory, else -1 with the coverage counted */
static int open_pid(struct nsinfo_snapshot *s, int procfd, const char *name)
{
	int pidfd = openat(procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (pidfd < 0) {
		if (errno == EACCES || errno == EPERM)
			s->cov.denied++;
		else
			s->cov.vanished++;
	}
	return pidfd;
}

/* The status (or what refresh.c lends of it: *reused) and stat of the
 * process at pidfd into st and u; -1 (counted, a denied one added as a
 * row) when status cannot be read. */
static int read_task(struct nsinfo_snapshot *s, int pidfd, pid_t pid, struct nsinfo__status *st,
		     struct nsinfo__usage *u, bool *reused)
{
	char buf[STATUS_BUF];
	int r;

	/* refresh.c: a process the previous snapshot read keeps its status */
	*reused = nsinfo__reuse_status(s, pidfd, pid, st) == 0;
	r = *reused ? 0 : (int)nsinfo__read_at(pidfd, "status", buf, sizeof(buf));
	if (r < 0 || (!*reused && nsinfo__parse_status(buf, st) < 0)) {
		if (r == -EACCES || r == -EPERM) {
			s->cov.denied++;
			add_denied(s, pidfd, pid);
		} else {
			s->cov.vanished++;
		}
		return -1;
	}
	/* the identity later per-pid reads check (refresh.c lends it); CPU
	 * time and RSS change every time */
	if (!*reused || (s->flags & NSINFO_SCAN_USAGE))
		read_stat(s, pidfd, "stat", *reused, st, u);
	if (st->nspid_len == 0) {
		/* kernels without NSpid: the pid itself is the only level we know */
		st->nspid[0] = pid;
		st->nspid_len = 1;
	}
	return 0;
}

/* The process row of st, with its flags (*flags); its index or -errno */
static int add_task(struct nsinfo_snapshot *s, const struct nsinfo__status *st, pid_t pid,
		    const struct nsinfo__usage *u, uint32_t *flags)
{
	int pi;

	*flags = 0;
	if (st->state == 'Z' || st->state == 'X') {
		*flags |= NSINFO_PROC_ZOMBIE;
		s->cov.zombies++;
	}
	if (pid == 2 || st->ppid == 2)
		*flags |= NSINFO_PROC_KTHREAD;
	pi = nsinfo__add_proc(s, st, pid, *flags);
	if (pi >= 0 && s->usage)
		s->usage[pi] = *u;
	return pi;
}

/* The namespace links of process row pi (at pidfd) into inos; false when
 * none could be read (the row marked denied or partial). A zombie still
 * answers on its pid and user links (the namespaces it pins until reaped,
 * which lsns lists); the others are gone. */
static bool scan_links(struct nsinfo_snapshot *s, int pidfd, int pi, uint32_t flags,
		       uint64_t *inos)
{
	int idx[NLINKS];
	int nsdir = openat(pidfd, "ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = nsdir < 0 ? -errno : read_links(s, nsdir, inos, idx);

	if (nsdir >= 0)
		close(nsdir);
	if (r <= 0 && (flags & NSINFO_PROC_ZOMBIE))
		return false; /* reaped since its status was read: a zombie with nothing */
	if (r <= 0) {
		if (r == -EACCES || r == -EPERM) {
			s->procs[pi].flags |= NSINFO_PROC_DENIED;
			s->cov.denied++;
		} else {
			/* exited (or became a zombie) between status and ns/ */
			s->procs[pi].flags |= NSINFO_PROC_PARTIAL;
			s->cov.vanished++;
		}
		return false;
	}
	nsinfo__apply_links(s, pi, idx);
	return true;
}

static void scan_pid(struct nsinfo_snapshot *s, int procfd, const char *name, pid_t pid,
		     struct fd_walk *w)
{
	struct nsinfo__status st = { 0 };
	struct nsinfo__usage u = { 0 };
	uint64_t inos[NLINKS];
	uint32_t flags;
	bool reused, linked;
	int pidfd, pi;

	s->cov.scanned++;
	pidfd = open_pid(s, procfd, name);
	if (pidfd < 0)
		return;
	if (read_task(s, pidfd, pid, &st, &u, &reused) < 0 ||
	    (pi = add_task(s, &st, pid, &u, &flags)) < 0)
		goto out;
	/* refresh.c: links the caller's event source vouches for */
	if (reused && !(flags & NSINFO_PROC_ZOMBIE) && nsinfo__reuse_links(s, pi) == 0) {
		walk_fds(s, w, pidfd, pi);
		goto out;
	}
	linked = scan_links(s, pidfd, pi, flags, inos);
	walk_fds(s, w, pidfd, pi);
	if (linked && st.threads > 1 && !(flags & NSINFO_PROC_ZOMBIE) &&
	    !(s->flags & NSINFO_SCAN_NO_THREADS))
		scan_threads(s, pidfd, pid, inos);
out:
	close(pidfd);
}

void nsinfo__scan_pid(struct nsinfo_snapshot *s, int procfd, const char *name, pid_t pid)
{
	scan_pid(s, procfd, name, pid, NULL);
}

/* The caller's own namespaces, for "differs from mine" questions */
void nsinfo__read_self_ns(struct nsinfo_snapshot *s, int procfd)
{
	char path[64];
	int selfns = openat(procfd, "self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (int t = 0; t < NSINFO_NTYPES; t++) {
		uint64_t ino;
		ssize_t n;

		s->self_ns[t] = -1;
		if (selfns < 0)
			continue;
		n = readlinkat(selfns, nsinfo__ns_file[t], path, sizeof(path) - 1);
		if (n < 0)
			continue;
		path[n] = 0;
		if (nsinfo__parse_ns_link(path, nsinfo__ns_file[t], &ino) == 0)
			s->self_ns_ino[t] = ino;
	}
	if (selfns >= 0)
		close(selfns);
}

/* hidepid= values: the numbers and the names (Linux 5.8) */
static int hidepid_value(const char *v, size_t n)
{
	static const struct { const char *name; int val; } names[] = {
		{ "0", 0 }, { "off", 0 }, { "1", 1 }, { "noaccess", 1 },
		{ "2", 2 }, { "invisible", 2 }, { "4", 4 }, { "ptraceable", 4 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !strncmp(v, names[i].name, n))
			return names[i].val;
	return -1;
}

int nsinfo__parse_proc_mount(const char *line, uint64_t mnt_id, int *hidepid, int64_t *gid)
{
	const char *sep, *opts;
	char *end;
	unsigned long long id;
	int hp = 0;
	int64_t g = -1;

	errno = 0;
	id = strtoull(line, &end, 10);
	if (errno || end == line || *end != ' ')
		return -EINVAL;
	if (id != mnt_id)
		return 0;
	/* the optional fields end at " - "; then fstype, source, options */
	sep = strstr(end, " - ");
	if (!sep || strncmp(sep + 3, "proc ", 5))
		return -EINVAL;
	opts = strchr(sep + 8, ' ');
	if (!opts)
		return -EINVAL;
	for (opts++; *opts && *opts != '\n';) {
		size_t n = strcspn(opts, ",\n");

		if (n > 8 && !strncmp(opts, "hidepid=", 8)) {
			hp = hidepid_value(opts + 8, n - 8);
			if (hp < 0)
				return -EINVAL;
		} else if (n > 4 && !strncmp(opts, "gid=", 4)) {
			unsigned long long v;

			errno = 0;
			v = strtoull(opts + 4, &end, 10);
			if (errno || end != opts + n || v > UINT32_MAX)
				return -EINVAL;
			g = (int64_t)v;
		}
		opts += n;
		if (*opts == ',')
			opts++;
	}
	*hidepid = hp;
	*gid = g;
	return 1;
}

/* CAP_SYS_PTRACE in the caller's effective set (hidepid spares it) */
static bool can_ptrace_all(void)
{
	char buf[STATUS_BUF], *p;

	if (nsinfo__read_at(AT_FDCWD, "/proc/self/status", buf, sizeof(buf)) <= 0)
		return false;
	p = strstr(buf, "\nCapEff:");
	return p && (strtoull(p + 9, NULL, 16) >> 19) & 1;
}

static bool in_group(int64_t gid)
{
	gid_t groups[256];
	int n;

	if (gid < 0)
		return false;
	if ((gid_t)gid == getegid())
		return true;
	n = getgroups(sizeof(groups) / sizeof(groups[0]), groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == (gid_t)gid)
			return true;
	return false;
}

/*
 * What the proc root's hidepid= hides from the caller (proc(5)): nothing
 * for a member of its gid= group or a holder of CAP_SYS_PTRACE. The mount
 * is found by its id in the caller's mountinfo.
 */
static uint32_t proc_hidepid(int procfd)
{
	struct statx stx;
	char *line = NULL;
	size_t cap = 0;
	int hidepid = 0;
	int64_t gid = -1;
	FILE *f;

	if (statx(procfd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0)
		if (nsinfo__parse_proc_mount(line, stx.stx_mnt_id, &hidepid, &gid) != 0)
			break;
	free(line);
	fclose(f);
	if (hidepid <= 0 || in_group(gid) || can_ptrace_all())
		return 0;
	return (uint32_t)hidepid;
}

/* Any process directory at all in procfd: 1, 0 or -ENOMEM */
static int has_pid_entry(int procfd)
{
	struct nsinfo__dir dir;
	const char *name;
	long pid;
	int r = nsinfo__dir_begin(&dir, procfd, NULL, DENTS_BUF, 0);

	if (r < 0)
		return r;
	while ((r = nsinfo__dir_next(&dir, &name, &pid)) > 0)
		if (name[0] != '0')
			break;
	nsinfo__dir_end(&dir);
	return r > 0;
}

/*
 * Whose pid namespace the proc root shows. A procfs without "self" is
 * another pid namespace's (a child's, mounted in a mount namespace we
 * share or entered): *foreign is set and the BPF iterator, which sees the
 * caller's own, cannot stand in for it. Without any process it belongs to a
 * pid namespace that no longer exists (its init died; the mount namespace
 * was kept): -ENOLINK, the cut pid chain nsinfo_pid_strerror() words.
 * A tree that is not procfs (a fixture) is taken as it is.
 */
int nsinfo__check_proc_root(const char *proc_root, bool *foreign)
{
	struct statfs sf;
	char link[32];
	int fd, r;

	*foreign = false;
	fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC ||
	    readlinkat(fd, "self", link, sizeof(link)) > 0 || errno != ENOENT) {
		close(fd);
		return 0;
	}
	*foreign = true;
	r = has_pid_entry(fd);
	r = r < 0 ? r : r ? 0 : -ENOLINK;
	close(fd);
	return r;
}

/*
 * The walk. With NSINFO_SCAN_FDS it reads each process's fd table too,
 * through the pid directory it already holds (no second open of
 * /proc/PID, no second start time check): the holders pass then takes
 * the records (s->src.fds, walked) instead of reading /proc/PID/fd.
 */
int nsinfo__scan_proc(struct nsinfo_snapshot *s)
{
	struct nsinfo__dir dir;
	struct fd_walk w = { 0 };
	struct statfs sf;
	const char *name;
	long pid;
	int procfd, r;

	procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	if (nsinfo__dir_begin(&dir, procfd, NULL, DENTS_BUF, 0)) {
		close(procfd);
		return -ENOMEM;
	}

	nsinfo__read_self_ns(s, procfd);
	s->cov.hidepid = proc_hidepid(procfd);
	if ((s->flags & NSINFO_SCAN_FDS) && !s->src.fds.n && !s->src.fds.complete) {
		w.dents = malloc(NSINFO__DIR_BUF);
		w.me = (s->flags & NSINFO_SCAN_NOT_SELF) ? nsinfo__caller_pid(procfd) : 0;
		w.procfs = fstatfs(procfd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
	}

	while ((r = nsinfo__dir_next(&dir, &name, &pid)) > 0)
		if (name[0] != '0')
			scan_pid(s, procfd, name, (pid_t)pid, &w);
	nsinfo__dir_end(&dir);
	close(procfd);
	if (w.dents) {
		s->src.fds.complete = s->src.fds.walked = true;
		free(w.dents);
	} else if (s->src.fds.n) {
		/* short of memory half way: the holders pass reads them all */
		free(s->src.fds.v);
		s->src.fds.v = NULL;
		s->src.fds.n = s->src.fds.cap = 0;
	}
	return r;
}

static int proc_fill(struct nsinfo_snapshot *s, const struct nsinfo__source_in *in)
{
	(void)in;
	return nsinfo__scan_proc(s);
}

const struct nsinfo__source nsinfo__source_proc = {
	.name = "proc", .fill = proc_fill,
};

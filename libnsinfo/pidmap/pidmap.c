/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PID translation. The kernel knows a task's pid at every level of pid
 * namespace nesting; /proc/PID/status shows them (NSpid, outermost first,
 * starting at the pid namespace /proc was mounted in) and NS_GET_PARENT from
 * /proc/PID/ns/pid names the namespace of each level.
 *
 * Caller -> inner levels: one status read and one parent walk. Inner ->
 * caller: NS_GET_{PID,TGID}_FROM_PIDNS on the inner namespace (Linux 6.11),
 * else one scan of /proc for the members of that namespace. Either way the
 * task is pinned with a pidfd across the reads: if it is still alive after
 * them, every read was of that task and not of a successor reusing its pid.
 *
 * Members of a pid namespace: a proc instance of that namespace lists them,
 * so the cost follows the members, not the host (walk_nsproc); the scan of
 * /proc is the fallback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#include "pidmap/pidmap.h"

static const struct {
	int err;
	const char *msg;
} pid_errors[] = {
	{ ESRCH, "no such process" },
	{ EXDEV, "not visible from that pid namespace" },
	{ ENOLINK, "/proc is mounted from another pid namespace: the pid chain is cut" },
	{ ESTALE, "process exited during lookup" },
	{ ECHILD, "a thread id, not a process id" },
	{ EMEDIUMTYPE, "not a pid namespace" },
	/* hidepid=noaccess, or a protected process: the same words whether a
	 * snapshot or a lookup met it */
	{ EACCES, "permission denied" },
	{ EPERM, "permission denied" },
};

NSINFO_EXPORT const char *nsinfo_pid_strerror(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(pid_errors) / sizeof(pid_errors[0]); i++)
		if (pid_errors[i].err == err)
			return pid_errors[i].msg;
	return strerror(err);
}

/* A "Key:\tN\tN..." list of a status text; the number of values read. */
static int status_list(const char *buf, const char *key, pid_t *out, int max)
{
	const char *p = strstr(buf, key);
	int n = 0;

	/* only at the start of a line */
	while (p && p != buf && p[-1] != '\n')
		p = strstr(p + 1, key);
	if (!p)
		return 0;
	p += strlen(key);
	while (n < max) {
		char *end;
		long v;

		while (*p == '\t' || *p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			break;
		v = strtol(p, &end, 10);
		out[n++] = (pid_t)v;
		p = end;
	}
	return n;
}

static int ns_identify(int fd, uint64_t *ino, uint64_t *nsid)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	*ino = st.st_ino;
	*nsid = 0;
	(void)nsinfo_fd_nsid(fd, nsid);
	return 0;
}

/* Same namespace: ids are never reused, inodes are (within milliseconds). */
static bool same_ns(uint64_t ino_a, uint64_t nsid_a, uint64_t ino_b, uint64_t nsid_b)
{
	if (nsid_a && nsid_b)
		return nsid_a == nsid_b;
	return ino_a && ino_a == ino_b;
}

/* /proc must show the caller's pid namespace: NSpid of self has one entry.
 * No "self" at all means the caller is invisible there (a child's /proc). */
static int check_proc_root(struct nsinfo_pidmap *m)
{
	char buf[PIDMAP_STATUS_BUF];
	pid_t nspid[NSINFO_PIDCHAIN_MAX];
	ssize_t r = nsinfo__read_at(m->procfd, "self/status", buf, sizeof(buf));

	if (r == -ENOENT)
		return -ENOLINK;
	if (r < 0)
		return (int)r;
	return status_list(buf, "NSpid:", nspid, NSINFO_PIDCHAIN_MAX) > 1 ? -ENOLINK : 0;
}

NSINFO_EXPORT int nsinfo_pidmap_new(const char *proc_root, unsigned flags,
				    struct nsinfo_pidmap **out)
{
	struct nsinfo_pidmap *m;
	int fd, r;

	if (!out)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->refcnt = 1;
	m->flags = flags;
	m->no_ioctl = flags & NSINFO_PIDMAP_NO_IOCTL;
	m->procfd = -1;
	m->proc_root = strdup(proc_root ? proc_root : "/proc");
	if (!m->proc_root) {
		nsinfo_pidmap_unref(m);
		return -ENOMEM;
	}
	m->procfd = open(m->proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->procfd < 0) {
		r = -errno;
		nsinfo_pidmap_unref(m);
		return r;
	}
	m->proc_err = check_proc_root(m);
	if (m->proc_err) {
		/* every lookup will say why; the map itself is fine */
		*out = m;
		return 0;
	}
	fd = openat(m->procfd, "thread-self/ns/pid", O_RDONLY | O_CLOEXEC);
	r = fd < 0 ? -errno : ns_identify(fd, &m->self_ino, &m->self_nsid);
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		nsinfo_pidmap_unref(m);
		return r;
	}
	*out = m;
	return 0;
}

NSINFO_EXPORT struct nsinfo_pidmap *nsinfo_pidmap_ref(struct nsinfo_pidmap *m)
{
	if (m)
		m->refcnt++;
	return m;
}

NSINFO_EXPORT void nsinfo_pidmap_unref(struct nsinfo_pidmap *m)
{
	if (!m || --m->refcnt > 0)
		return;
	if (m->procfd >= 0)
		close(m->procfd);
	free(m->proc_root);
	free(m);
}

/* ------------------------------------------------------------- pinning */

/* A pidfd on the task, -ENOSYS where the kernel has none (then unpinned). */
static int pin_task(pid_t pid, bool thread)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, thread ? PIDFD_THREAD : 0);

	if (fd >= 0)
		return fd;
	if (errno == ESRCH)
		return -ESRCH;
	if (errno == EINVAL && !thread)
		return -ECHILD; /* a live pid that leads no thread group */
	return -ENOSYS;         /* no pidfds, or none for threads (before 6.9) */
}

NSINFO_EXPORT int nsinfo_pidchain_check(const struct nsinfo_pidchain *c)
{
	if (!c)
		return -EINVAL;
	if (c->pidfd < 0)
		return 0;
	/* signal 0 still succeeds on a zombie: its pid is not free yet */
	if (syscall(SYS_pidfd_send_signal, c->pidfd, 0, NULL, 0) == 0 || errno == EPERM)
		return 0;
	return -ESTALE;
}

NSINFO_EXPORT void nsinfo_pidchain_release(struct nsinfo_pidchain *c)
{
	if (c && c->pidfd >= 0) {
		close(c->pidfd);
		c->pidfd = -1;
	}
}

/* --------------------------------------------------------------- chains */

struct ns_id {
	uint64_t ino, nsid;
};

/*
 * The pid namespaces from the one open on fd (taken) up to the caller's,
 * innermost first, through NS_GET_PARENT: how many, or -EXDEV when the
 * caller's is not among them (the kernel refuses to climb above it).
 */
static int ns_chain(struct nsinfo_pidmap *m, int fd, struct ns_id *ids)
{
	for (int n = 0; n < NSINFO_PIDCHAIN_MAX; n++) {
		int parent, r = ns_identify(fd, &ids[n].ino, &ids[n].nsid);

		if (r == 0 && same_ns(ids[n].ino, ids[n].nsid, m->self_ino, m->self_nsid)) {
			close(fd);
			return n + 1;
		}
		parent = r < 0 ? -1 : ioctl(fd, NS_GET_PARENT);
		close(fd);
		if (parent < 0)
			return r < 0 ? r : -EXDEV;
		fd = parent;
	}
	close(fd);
	return -EXDEV;
}

/* Name the pid namespace of each level of c from the task's own (fd,
 * taken): exactly as many as status said, or it was not that task's. */
static int name_levels(struct nsinfo_pidmap *m, int fd, struct nsinfo_pidchain *c)
{
	struct ns_id ids[NSINFO_PIDCHAIN_MAX];
	int n = ns_chain(m, fd, ids);

	if (n < 0)
		return n == -EXDEV ? -ESTALE : n;
	if (n != c->nlevels)
		return -ESTALE;
	for (int l = 0; l < n; l++) {
		c->levels[l].ino = ids[n - 1 - l].ino;
		c->levels[l].nsid = ids[n - 1 - l].nsid;
	}
	return 0;
}

/* Chain fields from a status text (pid as named in this /proc). */
static int chain_from_status(const char *buf, pid_t pid, struct nsinfo_pidchain *c)
{
	struct nsinfo__status st = { 0 };
	pid_t tgids[NSINFO_PIDCHAIN_MAX];
	int ntgid;

	if (nsinfo__parse_status(buf, &st) < 0)
		return -ESRCH;
	if (st.nspid_len == 0) { /* before Linux 4.1: one level only */
		st.nspid[0] = pid;
		st.nspid_len = 1;
	}
	ntgid = status_list(buf, "NStgid:", tgids, NSINFO_PIDCHAIN_MAX);
	c->nlevels = st.nspid_len < NSINFO_PIDCHAIN_MAX ? st.nspid_len : NSINFO_PIDCHAIN_MAX;
	for (int i = 0; i < c->nlevels; i++) {
		c->levels[i].pid = st.nspid[i];
		c->levels[i].tgid = i < ntgid ? tgids[i] : (st.tgid ? st.tgid : pid);
	}
	memcpy(c->comm, st.comm, sizeof(c->comm));
	c->state = st.state;
	if (st.tgid && st.tgid != st.pid)
		c->flags |= NSINFO_PIDCHAIN_THREAD;
	if (st.state == 'Z' || st.state == 'X')
		c->flags |= NSINFO_PIDCHAIN_ZOMBIE;
	return 0;
}

/* Read the chain of a task at dir (relative to the proc root) into c. */
static int read_chain(struct nsinfo_pidmap *m, const char *dir, pid_t pid,
		      struct nsinfo_pidchain *c)
{
	char buf[PIDMAP_STATUS_BUF], path[64];
	ssize_t n;
	int fd, r;

	snprintf(path, sizeof(path), "%s/status", dir);
	n = nsinfo__read_at(m->procfd, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	r = chain_from_status(buf, pid, c);
	if (r < 0)
		return r;
	c->levels[0].ino = m->self_ino;
	c->levels[0].nsid = m->self_nsid;
	if (c->nlevels == 1)
		return 0;
	snprintf(path, sizeof(path), "%s/ns/pid", dir);
	fd = openat(m->procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != EACCES && errno != EPERM)
			return errno == ENOENT ? -ESRCH : -errno;
		/* the pids are known, the namespaces of the inner levels not */
		c->flags |= NSINFO_PIDCHAIN_NSDENIED;
		return 0;
	}
	return name_levels(m, fd, c);
}

NSINFO_EXPORT int nsinfo_pidmap_lookup(struct nsinfo_pidmap *m, pid_t pid,
				       struct nsinfo_pidchain *out)
{
	struct nsinfo_pidchain c;
	char dir[16];
	bool threads;
	int pidfd, r;

	if (!m || !out || pid <= 0)
		return -EINVAL;
	if (m->proc_err)
		return m->proc_err;
	threads = m->flags & NSINFO_PIDMAP_THREADS;
	pidfd = pin_task(pid, threads);
	if (pidfd == -ESRCH || pidfd == -ECHILD)
		return pidfd;
	memset(&c, 0, sizeof(c));
	c.pidfd = pidfd >= 0 ? pidfd : -1;
	/* /proc/TID works for any thread, though only leaders are listed */
	snprintf(dir, sizeof(dir), "%d", (int)pid);
	r = read_chain(m, dir, pid, &c);
	if (r == 0 && !threads && (c.flags & NSINFO_PIDCHAIN_THREAD))
		r = -ECHILD;
	if (r == 0 || r == -ESRCH || r == -ESTALE) {
		/* dead by now: what was read may be of a successor */
		int alive = nsinfo_pidchain_check(&c);

		if (alive < 0)
			r = pidfd >= 0 ? -ESTALE : r;
	}
	if (r < 0) {
		nsinfo_pidchain_release(&c);
		return r;
	}
	*out = c;
	return 0;
}

NSINFO_EXPORT int nsinfo_pidchain_level(const struct nsinfo_pidchain *c, uint64_t ino,
					uint64_t nsid)
{
	if (!c)
		return -EINVAL;
	for (int l = 0; l < c->nlevels; l++)
		if (same_ns(c->levels[l].ino, c->levels[l].nsid, ino, nsid))
			return l;
	return c->flags & NSINFO_PIDCHAIN_NSDENIED ? -EACCES : -EXDEV;
}

/* ------------------------------------------------- inner -> caller's pid */

/* Levels from the caller's pid namespace down to the one on nsfd; -EXDEV
 * when it is not below the caller's. */
static int ns_depth(struct nsinfo_pidmap *m, int nsfd)
{
	struct ns_id ids[NSINFO_PIDCHAIN_MAX];
	int fd = fcntl(nsfd, F_DUPFD_CLOEXEC, 3), n;

	if (fd < 0)
		return -errno;
	n = ns_chain(m, fd, ids);
	return n < 0 ? n : n - 1;
}

/* Every numbered entry (1..INT_MAX) of directory fd, through the one
 * walker; fd is closed. fn(arg, name, number) until one returns non-zero:
 * that, 0 at the end, or -ENOMEM. */
static int each_numbered(int fd, int (*fn)(void *arg, const char *name, pid_t num), void *arg)
{
	struct nsinfo__dir d;
	const char *name;
	long num;
	int r = 0;

	if (nsinfo__dir_begin(&d, fd, NULL, 0, 0)) {
		close(fd);
		return -ENOMEM;
	}
	while (!r && nsinfo__dir_next(&d, &name, &num) > 0)
		if (num > 0)
			r = fn(arg, name, (pid_t)num);
	nsinfo__dir_end(&d);
	close(fd);
	return r;
}

struct task_walk {
	struct nsinfo_pidmap *m;
	pid_t pid;
	int (*fn)(struct nsinfo_pidmap *, const char *dir, pid_t tid, void *);
	void *arg;
};

static int task_entry(void *arg, const char *name, pid_t tid)
{
	struct task_walk *tw = arg;
	char path[32];

	(void)name;
	snprintf(path, sizeof(path), "%d/task/%d", (int)tw->pid, (int)tid);
	return tw->fn(tw->m, path, tid, tw->arg);
}

/* Calls fn for every thread of process pid (leader included); stops at the
 * first non-zero return and gives it back. */
static int for_each_task(struct nsinfo_pidmap *m, pid_t pid,
			 int (*fn)(struct nsinfo_pidmap *, const char *dir, pid_t tid, void *),
			 void *arg)
{
	struct task_walk tw = { m, pid, fn, arg };
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "%d/task", (int)pid);
	fd = openat(m->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* gone: no threads */
	return each_numbered(fd, task_entry, &tw);
}

struct tid_search {
	int depth;
	pid_t want;
	pid_t found;
};

static int match_tid(struct nsinfo_pidmap *m, const char *dir, pid_t tid, void *arg)
{
	struct tid_search *ts = arg;
	char buf[PIDMAP_STATUS_BUF], path[48];
	struct nsinfo__status st = { 0 };

	snprintf(path, sizeof(path), "%s/status", dir);
	if (nsinfo__read_at(m->procfd, path, buf, sizeof(buf)) < 0 ||
	    nsinfo__parse_status(buf, &st) < 0 || st.nspid_len <= ts->depth ||
	    st.nspid[ts->depth] != ts->want)
		return 0;
	ts->found = tid;
	return 1;
}

/*
 * The member walk, for listings and for kernels without the translation
 * ioctls. Per process, the ns/pid link first (cheap; most processes are not
 * members), status only for members. Each pid namespace met is identified
 * once (a parent walk); a process is a member of the target when the target
 * is one of its levels.
 */
struct ns_seen {
	uint64_t ino;             /* a process's own pid namespace */
	int nlevels;
	bool member;              /* the target is one of its levels */
	struct ns_id lv[NSINFO_PIDCHAIN_MAX]; /* outermost first */
};

struct member_walk {
	struct nsinfo_pidmap *m;
	uint64_t ino, nsid;       /* the target pid namespace */
	int depth;                /* its level below the caller's */
	pid_t inner;              /* non-zero: the pid a member has at depth */
	struct ns_seen *seen;
	size_t nseen, cap;
	/* called with the chain of each member; non-zero stops the walk */
	int (*fn)(struct member_walk *w, const struct nsinfo_pidchain *c);
	void *arg;
};

static const struct ns_seen *ns_seen_get(struct member_walk *w, uint64_t ino, const char *dir)
{
	struct ns_id ids[NSINFO_PIDCHAIN_MAX];
	struct ns_seen *s;
	char path[48];
	int fd, n;

	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].ino == ino)
			return &w->seen[i];
	snprintf(path, sizeof(path), "%s/ns/pid", dir);
	fd = openat(w->m->procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = ns_chain(w->m, fd, ids);
	/* a different inode: the pid was reused since the link was read */
	if (n < 0 || ids[0].ino != ino ||
	    nsinfo__grow((void **)&w->seen, &w->cap, w->nseen + 1, sizeof(*w->seen)))
		return NULL;
	s = &w->seen[w->nseen++];
	s->ino = ino;
	s->nlevels = n;
	for (int l = 0; l < n; l++)
		s->lv[l] = ids[n - 1 - l];
	s->member = n > w->depth &&
		    same_ns(s->lv[w->depth].ino, s->lv[w->depth].nsid, w->ino, w->nsid);
	return s;
}

static int walk_one(struct member_walk *w, const char *dir, pid_t pid)
{
	const struct ns_id self = { w->m->self_ino, w->m->self_nsid };
	char buf[PIDMAP_STATUS_BUF], path[48], link[64];
	const struct ns_seen *s = NULL;
	struct nsinfo_pidchain c;
	uint64_t ino;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/ns/pid", dir);
	n = readlinkat(w->m->procfd, path, link, sizeof(link) - 1);
	if (n >= 0) {
		link[n] = 0;
		if (nsinfo__parse_ns_link(link, "pid", &ino) < 0 || !(s = ns_seen_get(w, ino, dir)) ||
		    !s->member)
			return 0;
	} else if (w->depth > 0) {
		return 0; /* refused or gone: only the caller's own level can be placed */
	}
	memset(&c, 0, sizeof(c));
	c.pidfd = -1;
	snprintf(path, sizeof(path), "%s/status", dir);
	if (nsinfo__read_at(w->m->procfd, path, buf, sizeof(buf)) < 0 ||
	    chain_from_status(buf, pid, &c) < 0 || c.nlevels != (s ? s->nlevels : 1) ||
	    (w->inner && c.levels[w->depth].pid != w->inner))
		return 0; /* gone, or its pid reused between the two reads */
	for (int l = 0; l < c.nlevels; l++) {
		c.levels[l].ino = s ? s->lv[l].ino : self.ino;
		c.levels[l].nsid = s ? s->lv[l].nsid : self.nsid;
	}
	return w->fn(w, &c);
}

static int member_entry(void *w, const char *name, pid_t pid)
{
	return walk_one(w, name, pid);
}

/* 0 when every process was seen, the first non-zero fn() return else. */
static int walk_members(struct member_walk *w)
{
	int fd = openat(w->m->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : each_numbered(fd, member_entry, w);
}

/*
 * The members of a pid namespace without walking the host: a proc instance
 * of that namespace lists exactly its processes (and those of the
 * namespaces below it). procfs takes the pid namespace of the task that
 * mounts it, and setns() only moves the children a thread makes: a
 * throw-away thread enters the namespace, a vfork-like child made there
 * creates a detached proc mount (fsopen/fsmount, no mount namespace
 * touched) whose fd lands in our table (CLONE_FILES) and exits. Its inner
 * pids are then turned into ours with NS_GET_TGID_FROM_PIDNS. Any refusal
 * (no privilege, no fsmount, a pid namespace whose init is gone) and the
 * caller walks /proc instead.
 */
struct nsproc_query {
	int nsfd;
	int mfd;                  /* the proc mount, or -errno */
	char stack[16384] __attribute__((aligned(16)));
};

static int nsproc_child(void *arg)
{
	struct nsproc_query *q = arg;
	int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);

	if (fs < 0) {
		q->mfd = -errno;
		return 0;
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		q->mfd = -errno;
	else
		q->mfd = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
				      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (q->mfd < 0 && q->mfd != -errno)
		q->mfd = -errno;
	close(fs);
	return 0;
}

static void *nsproc_thread(void *arg)
{
	struct nsproc_query *q = arg;
	int dumpable;
	pid_t child;

	if (setns(q->nsfd, CLONE_NEWPID) < 0) {
		q->mfd = -errno;
		return NULL;
	}
	/*
	 * The child is visible in that namespace and shares our memory and
	 * fds: as runc does for the same reason, it is made non-dumpable (a
	 * property of the memory it shares with us, so ours for that time),
	 * so that no process in there may ptrace it, whatever its uid.
	 */
	dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	if (dumpable < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		q->mfd = -EPERM;
		return NULL;
	}
	/* exit signal 0: no SIGCHLD reaches the caller's handlers */
	child = clone(nsproc_child, q->stack + sizeof(q->stack), CLONE_VM | CLONE_VFORK | CLONE_FILES,
		      q);
	if (child < 0)
		q->mfd = -errno;
	else
		nsinfo__reap(child, __WALL);
	(void)prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	return NULL;
}

/* A directory fd on a proc instance of the pid namespace on nsfd. */
static int nsproc_open(int nsfd)
{
	struct nsproc_query *q = malloc(sizeof(*q));
	pthread_t t;
	int r;

	if (!q)
		return -ENOMEM;
	q->nsfd = nsfd;
	q->mfd = -ENOSYS;
	r = -pthread_create(&t, NULL, nsproc_thread, q);
	if (r == 0) {
		pthread_join(t, NULL);
		r = q->mfd;
	}
	free(q);
	return r;
}

struct nsproc_walk {
	struct member_walk *w;
	int nsfd;
};

/* Inner pid of a member in the namespace's own proc: walked as our pid */
static int nsproc_entry(void *arg, const char *name, pid_t inner)
{
	struct nsproc_walk *nw = arg;
	struct member_walk *w = nw->w;
	pid_t host = ioctl(nw->nsfd, NS_GET_TGID_FROM_PIDNS, (unsigned long)inner);
	char dir[16];
	int r;

	(void)name;
	if (host <= 0) {
		if (errno == ENOTTY || errno == EINVAL || errno == ENOSYS) {
			w->m->no_ioctl = true;
			return 1;
		}
		return 0; /* exited meanwhile */
	}
	snprintf(dir, sizeof(dir), "%d", (int)host);
	w->inner = inner;
	r = walk_one(w, dir, host);
	w->inner = 0;
	return r;
}

/* The walk over the members the namespace's own proc lists: 1 when it
 * could not be made (walk the host), else as walk_members. */
static int walk_nsproc(struct member_walk *w, int nsfd)
{
	struct nsproc_walk nw = { w, nsfd };
	int fd, mfd;

	if (w->m->no_ioctl || strcmp(w->m->proc_root, "/proc"))
		return 1;
	mfd = nsproc_open(nsfd);
	if (mfd < 0)
		return 1;
	/* fsmount() gives an O_PATH fd: open the directory for reading */
	fd = openat(mfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(mfd);
	if (fd < 0)
		return 1;
	return each_numbered(fd, nsproc_entry, &nw);
}

static int match_proc(struct member_walk *w, const struct nsinfo_pidchain *c)
{
	struct tid_search *ts = w->arg;

	if (c->levels[w->depth].pid != ts->want)
		return 0;
	ts->found = c->levels[0].pid;
	return 1;
}

/* As the ioctls do: a thread id is found, and refused without THREADS. */
static int match_threads(struct member_walk *w, const struct nsinfo_pidchain *c)
{
	struct tid_search *ts = w->arg;

	if (for_each_task(w->m, c->levels[0].pid, match_tid, ts) <= 0)
		return 0;
	if (!(w->m->flags & NSINFO_PIDMAP_THREADS))
		ts->found = -ECHILD;
	return 1;
}

/* Kernels without the translation ioctls: walk the members of the
 * namespace, processes first, then their threads. */
static int scan_translate(struct nsinfo_pidmap *m, int nsfd, uint64_t ino, uint64_t nsid,
			  pid_t pid)
{
	struct tid_search ts = { .want = pid, .found = -ESRCH };
	struct member_walk w = { .m = m, .ino = ino, .nsid = nsid, .fn = match_proc, .arg = &ts };
	int r;

	w.depth = ts.depth = ns_depth(m, nsfd);
	if (w.depth < 0)
		return w.depth;
	r = walk_members(&w);
	if (r == 0) {
		w.fn = match_threads;
		r = walk_members(&w);
	}
	free(w.seen);
	return r < 0 ? r : ts.found;
}

/* The caller's pid for pid in the namespace on nsfd, or -errno. */
static int translate_in(struct nsinfo_pidmap *m, int nsfd, uint64_t ino, uint64_t nsid,
			pid_t pid)
{
	unsigned long req = (m->flags & NSINFO_PIDMAP_THREADS) ? NS_GET_PID_FROM_PIDNS
							       : NS_GET_TGID_FROM_PIDNS;
	int r;

	if (!m->no_ioctl) {
		r = ioctl(nsfd, req, (unsigned long)pid);
		if (r > 0)
			return r;
		if (errno != ENOTTY && errno != EINVAL && errno != ENOSYS) {
			/* ESRCH: absent, or present but invisible to the caller */
			r = -errno;
			if (r == -ESRCH && ns_depth(m, nsfd) == -EXDEV)
				return -EXDEV;
			return r;
		}
		m->no_ioctl = true; /* before Linux 6.11 */
	}
	return scan_translate(m, nsfd, ino, nsid, pid);
}

/* 0 if nsfd is a pid namespace, else -errno (-EMEDIUMTYPE another type) */
static int pidns_fd(int nsfd)
{
	int type, r = nsinfo_fd_identify(nsfd, &type, NULL);

	return r < 0 ? r : type != NSINFO_PID ? -EMEDIUMTYPE : 0;
}

NSINFO_EXPORT int nsinfo_pidmap_lookup_in(struct nsinfo_pidmap *m, int nsfd, pid_t pid,
					  struct nsinfo_pidchain *out)
{
	struct nsinfo_pidchain c;
	uint64_t ino = 0, nsid = 0;
	int r, host, l;

	if (!m || !out || nsfd < 0 || pid <= 0)
		return -EINVAL;
	r = pidns_fd(nsfd);
	if (r < 0)
		return r;
	r = ns_identify(nsfd, &ino, &nsid);
	if (r < 0)
		return r;
	if (m->proc_err)
		return m->proc_err;
	host = translate_in(m, nsfd, ino, nsid, pid);
	if (host < 0)
		return host;
	r = nsinfo_pidmap_lookup(m, host, &c);
	if (r < 0)
		return r;
	l = nsinfo_pidchain_level(&c, ino, nsid);
	if (l < 0 || c.levels[l].pid != pid) {
		/* TGID_FROM_PIDNS maps a thread id to its process: in the
		 * namespace the process then has another number */
		r = (l >= 0 && !(m->flags & NSINFO_PIDMAP_THREADS)) ? -ECHILD : -ESTALE;
		if (l < 0 && (c.flags & NSINFO_PIDCHAIN_NSDENIED))
			r = -EACCES;
		nsinfo_pidchain_release(&c);
		return r;
	}
	*out = c;
	return 0;
}

/* -------------------------------------------------------------- members */

struct member_list {
	struct nsinfo_pidchain *v;
	size_t n, cap;
	size_t proc;              /* index of the process whose threads are added */
};

static struct nsinfo_pidchain *member_add(struct member_list *ml)
{
	struct nsinfo_pidchain *c;

	if (nsinfo__grow((void **)&ml->v, &ml->cap, ml->n + 1, sizeof(*ml->v)))
		return NULL;
	c = &ml->v[ml->n++];
	memset(c, 0, sizeof(*c));
	c->pidfd = -1;
	return c;
}

static int add_thread(struct nsinfo_pidmap *m, const char *dir, pid_t tid, void *arg)
{
	struct member_list *ml = arg;
	char buf[PIDMAP_STATUS_BUF], path[48];
	const struct nsinfo_pidchain *proc;
	struct nsinfo_pidchain *c;

	if (tid == ml->v[ml->proc].levels[0].pid)
		return 0;
	snprintf(path, sizeof(path), "%s/status", dir);
	if (nsinfo__read_at(m->procfd, path, buf, sizeof(buf)) < 0)
		return 0; /* exited meanwhile */
	c = member_add(ml);
	if (!c)
		return -ENOMEM;
	/* after member_add: the array may have moved */
	proc = &ml->v[ml->proc];
	if (chain_from_status(buf, tid, c) < 0 || c->nlevels != proc->nlevels) {
		ml->n--;
		return 0;
	}
	/* a thread lives in its process's pid namespaces */
	for (int l = 0; l < c->nlevels; l++) {
		c->levels[l].ino = proc->levels[l].ino;
		c->levels[l].nsid = proc->levels[l].nsid;
	}
	return 0;
}

static int add_member(struct member_walk *w, const struct nsinfo_pidchain *c)
{
	struct member_list *ml = w->arg;
	struct nsinfo_pidchain *slot = member_add(ml);
	int r;

	if (!slot)
		return -ENOMEM;
	*slot = *c;
	if (!(w->m->flags & NSINFO_PIDMAP_THREADS))
		return 0;
	ml->proc = ml->n - 1;
	r = for_each_task(w->m, c->levels[0].pid, add_thread, ml);
	return r < 0 ? r : 0;
}

NSINFO_EXPORT int nsinfo_pidmap_members(struct nsinfo_pidmap *m, int nsfd,
					struct nsinfo_pidchain **out, size_t *n)
{
	struct member_list ml = { 0 };
	struct member_walk w = { .m = m, .fn = add_member, .arg = &ml };
	int r;

	if (!m || !out || !n || nsfd < 0)
		return -EINVAL;
	r = pidns_fd(nsfd);
	if (r < 0)
		return r;
	if (m->proc_err)
		return m->proc_err;
	r = ns_identify(nsfd, &w.ino, &w.nsid);
	w.depth = r < 0 ? r : ns_depth(m, nsfd);
	if (w.depth < 0)
		return w.depth;
	r = walk_nsproc(&w, nsfd);
	if (r == 1)
		r = walk_members(&w);
	free(w.seen);
	if (r < 0) {
		free(ml.v);
		return r;
	}
	*out = ml.v;
	*n = ml.n;
	return 0;
}

/* ------------------------------------------------------------- hostname */

struct uts_query {
	int fd;
	int err;
	char name[sizeof(((struct utsname *)0)->nodename)];
};

/* setns() moves only the calling thread: a throw-away one keeps the
 * caller's own threads where they are. */
static void *uts_thread(void *arg)
{
	struct uts_query *q = arg;
	struct utsname u;

	if (setns(q->fd, CLONE_NEWUTS) < 0 || uname(&u) < 0)
		q->err = -errno;
	else
		memcpy(q->name, u.nodename, sizeof(q->name));
	return NULL;
}

NSINFO_EXPORT int nsinfo_pidmap_hostname(struct nsinfo_pidmap *m, const struct nsinfo_pidchain *c,
					 char *buf, size_t len)
{
	struct uts_query q = { .fd = -1 };
	char path[32];
	pthread_t t;
	int r;

	if (!m || !c || !buf || !len || c->nlevels < 1)
		return -EINVAL;
	snprintf(path, sizeof(path), "%d/ns/uts", (int)c->levels[0].pid);
	q.fd = openat(m->procfd, path, O_RDONLY | O_CLOEXEC);
	if (q.fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* the fd is of the looked-up task only if that task is still there */
	r = nsinfo_pidchain_check(c);
	if (r == 0)
		r = -pthread_create(&t, NULL, uts_thread, &q);
	if (r == 0) {
		pthread_join(t, NULL);
		r = q.err;
	}
	close(q.fd);
	if (r < 0)
		return r;
	snprintf(buf, len, "%s", q.name);
	return 0;
}

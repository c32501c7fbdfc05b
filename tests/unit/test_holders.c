/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Holders against namespaces this test makes, each reported back by the
 * process that made it (inode read from its own /proc/self/ns):
 *   - a net+uts pair kept only by open fds of a process that went back;
 *   - a net namespace kept only by a bind mount inside a private mount
 *     namespace (invisible from the test's own mount namespace);
 *   - a thread that took its own net namespace;
 *   - a pid_for_children namespace whose init has exited;
 *   - a user namespace whose last process exited while the net namespace it
 *     owns lives on, held by an fd of this test.
 * The fd and mount passes must find only what their flags ask for. The fd
 * fixtures are checked with each snapshot source: the /proc walk reads
 * /proc/PID/fd, the BPF source lists nsfs files with its task_file
 * iterator; both must also agree on every fd holder of the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsinfo.h"
#include "tap.h"

struct report {
	uint64_t a, b;        /* namespace inodes, meaning per fixture */
	uint64_t mntns;       /* bind mount: the private mount namespace */
	int fd_a, fd_b;       /* fd fixture: the fds holding a and b */
	pid_t tid;            /* thread fixture */
};

struct kid {
	pid_t pid;
	int hold;             /* closing it lets the child exit */
	struct report r;
};

static char tmpdir[64], bindpath[128];

static uint64_t self_ino(const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", type);
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* /proc/self is the thread group leader: a thread asks about itself here */
static uint64_t thread_ino(const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", type);
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static uint64_t fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static void hang(int hold)
{
	char c;

	while (read(hold, &c, 1) > 0)
		;
}

/* Take a new namespace, keep an fd on it, go back to the old one. */
static int keep_by_fd(int type, const char *name, int *fd, uint64_t *ino)
{
	char path[64];
	int old;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	old = open(path, O_RDONLY | O_CLOEXEC);
	if (old < 0 || unshare(type))
		return -1;
	if (type == CLONE_NEWUTS && sethostname("nst-fdonly", 10))
		return -1;
	*fd = open(path, O_RDONLY);
	*ino = fd_ino(*fd);
	if (*fd < 0 || setns(old, type))
		return -1;
	close(old);
	return 0;
}

static int fx_fds(struct report *r, int hold)
{
	if (keep_by_fd(CLONE_NEWNET, "net", &r->fd_a, &r->a) ||
	    keep_by_fd(CLONE_NEWUTS, "uts", &r->fd_b, &r->b))
		return -1;
	(void)hold;
	return 0;
}

/* `ip netns add`, but inside a private mount namespace */
static int fx_bind(struct report *r, int hold)
{
	int oldnet = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (oldnet < 0 || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || unshare(CLONE_NEWNET))
		return -1;
	r->mntns = self_ino("mnt");
	r->a = self_ino("net");
	if (mount("/proc/self/ns/net", bindpath, NULL, MS_BIND, NULL) || setns(oldnet, CLONE_NEWNET))
		return -1;
	close(oldnet);
	(void)hold;
	return 0;
}

struct thread_arg {
	int rep, hold;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	struct report r = { 0 };

	if (unshare(CLONE_NEWNET) == 0) {
		r.tid = (pid_t)syscall(SYS_gettid);
		r.a = thread_ino("net");
	}
	if (write(a->rep, &r, sizeof(r)) != sizeof(r))
		return NULL;
	hang(a->hold);
	return NULL;
}

static int fx_thread(struct report *r, int hold)
{
	(void)r;
	(void)hold;
	return 0; /* the thread reports (see spawn) */
}

static int fx_pidchildren(struct report *r, int hold)
{
	char buf[64];
	ssize_t n;

	pid_t init;

	(void)hold;
	/* the link reads only once the namespace has had its init: fork one
	 * that exits at once, leaving the namespace pinned by this link alone */
	if (unshare(CLONE_NEWPID))
		return -1;
	init = fork();
	if (init == 0)
		_exit(0);
	if (init < 0 || waitpid(init, NULL, 0) != init)
		return -1;
	n = readlink("/proc/self/ns/pid_for_children", buf, sizeof(buf) - 1);
	if (n < 0)
		return -1;
	buf[n] = 0;
	r->a = strtoull(strchr(buf, '[') + 1, NULL, 10);
	r->b = self_ino("pid");
	return 0;
}

/* new user + net: the net namespace is owned by the new user namespace */
static int fx_userns(struct report *r, int hold)
{
	(void)hold;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return -1;
	r->a = self_ino("user");
	r->b = self_ino("net");
	return 0;
}

static int spawn(int (*fx)(struct report *, int), struct kid *k)
{
	int rep[2], hold[2];

	memset(k, 0, sizeof(*k));
	if (pipe2(rep, O_CLOEXEC) || pipe2(hold, O_CLOEXEC))
		return -1;
	k->pid = fork();
	if (k->pid < 0)
		return -1;
	if (k->pid == 0) {
		struct report r = { 0 };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(rep[0]);
		close(hold[1]);
		if (fx == fx_thread) {
			struct thread_arg a = { rep[1], hold[0] };
			pthread_t t;

			if (pthread_create(&t, NULL, thread_main, &a))
				_exit(1);
			hang(hold[0]);
			_exit(0);
		}
		if (fx(&r, hold[0]))
			r.a = 0;
		if (write(rep[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		hang(hold[0]);
		_exit(0);
	}
	close(rep[1]);
	close(hold[0]);
	k->hold = hold[1];
	if (read(rep[0], &k->r, sizeof(k->r)) != sizeof(k->r) || !k->r.a) {
		close(rep[0]);
		return -1;
	}
	close(rep[0]);
	return 0;
}

static void release(struct kid *k)
{
	if (k->pid <= 0)
		return;
	close(k->hold);
	kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
	k->pid = 0;
}

/* NSINFO_SCAN_PROC or NSINFO_SCAN_BPF: the source the fd tests run with */
static unsigned source = NSINFO_SCAN_PROC;

static struct nsinfo_snapshot *snap(unsigned flags)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = flags | source };
	struct nsinfo_snapshot *s = NULL;
	int r = nsinfo_snapshot_new(&o, &s);

	if (r)
		diag("snapshot: %s", strerror(-r));
	return s;
}

static const struct nsinfo_ns *find(struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	int i = nsinfo_snapshot_find_ns(s, type, ino);

	return i < 0 ? NULL : &nsinfo_snapshot_namespaces(s, NULL)[i];
}

/* the holder of that kind on ns matching pid (and fd/path when given) */
static const struct nsinfo_holder *holder(const struct nsinfo_ns *n, int kind, pid_t pid,
					  int fd, const char *path)
{
	for (uint32_t i = 0; n && i < n->nholders; i++) {
		const struct nsinfo_holder *h = &n->holders[i];

		if (h->kind != kind || (pid && h->pid != pid) || (fd >= 0 && h->fd != fd) ||
		    (path && (!h->path || strcmp(h->path, path))))
			continue;
		return h;
	}
	return NULL;
}

static void test_fds(const struct kid *k)
{
	struct nsinfo_snapshot *s = snap(NSINFO_SCAN_FDS | NSINFO_SCAN_HOSTNAMES);
	const struct nsinfo_ns *n;

	ok(find(s, NSINFO_NET, k->r.a) != NULL, "fd-only net namespace found with NSINFO_SCAN_FDS");
	n = find(s, NSINFO_NET, k->r.a);
	ok(holder(n, NSINFO_HOLD_FD, k->pid, k->r.fd_a, NULL) != NULL,
	   "held by fd %d of pid %d", k->r.fd_a, (int)k->pid);
	ok(n && n->nprocs == 0 && (n->flags & NSINFO_NS_NOPROCS), "and by no process");
	ok(n && n->nsid != 0, "probed through the fd: it has an id (%llu)",
	   n ? (unsigned long long)n->nsid : 0ULL);
	ok(n && n->owner >= 0 && nsinfo_snapshot_namespaces(s, NULL)[n->owner].ino == self_ino("user"),
	   "its owner is our user namespace");
	n = find(s, NSINFO_UTS, k->r.b);
	ok(holder(n, NSINFO_HOLD_FD, k->pid, k->r.fd_b, NULL) != NULL, "fd-only uts namespace held");
	is_str(n ? n->hostname : NULL, "nst-fdonly", "its hostname, read through the fd");
	nsinfo_snapshot_unref(s);

	s = snap(0);
	ok(s && !find(s, NSINFO_NET, k->r.a), "without NSINFO_SCAN_FDS it stays unseen");
	nsinfo_snapshot_unref(s);
}

static void test_bind(const struct kid *k)
{
	struct nsinfo_snapshot *s = snap(NSINFO_SCAN_MOUNTS);
	const struct nsinfo_ns *n = find(s, NSINFO_NET, k->r.a);
	const struct nsinfo_holder *h = holder(n, NSINFO_HOLD_MOUNT, 0, -1, bindpath);
	struct stat st;

	ok(n != NULL, "net namespace bind-mounted in another mount namespace found");
	ok(h && h->mntns == k->r.mntns, "held by mount %s in mount namespace %llu", bindpath,
	   (unsigned long long)k->r.mntns);
	ok(stat(bindpath, &st) == 0 && st.st_ino != k->r.a,
	   "(the mount is not visible from the test's mount namespace)");
	ok(n && n->nprocs == 0 && n->nsid != 0, "no processes; probed through /proc/PID/root");
	nsinfo_snapshot_unref(s);

	s = snap(NSINFO_SCAN_FDS);
	ok(s && !find(s, NSINFO_NET, k->r.a), "the fd pass alone does not see it");
	nsinfo_snapshot_unref(s);
}

static void test_thread(const struct kid *k)
{
	struct nsinfo_snapshot *s = snap(0);
	const struct nsinfo_ns *n = find(s, NSINFO_NET, k->r.a);

	ok(holder(n, NSINFO_HOLD_THREAD, k->r.tid, -1, NULL) != NULL,
	   "thread %d holds its own net namespace", (int)k->r.tid);
	ok(n && n->nprocs == 0, "a namespace no process (leader) is in");
	n = find(s, NSINFO_NET, self_ino("net"));
	ok(!holder(n, NSINFO_HOLD_THREAD, k->r.tid, -1, NULL),
	   "the net namespace it left does not list it");
	n = find(s, NSINFO_MNT, self_ino("mnt"));
	ok(!holder(n, NSINFO_HOLD_THREAD, k->r.tid, -1, NULL),
	   "nor the mount namespace it shares with its leader");
	nsinfo_snapshot_unref(s);
}

static void test_pidchildren(const struct kid *k)
{
	struct nsinfo_snapshot *s = snap(0);
	const struct nsinfo_ns *n = find(s, NSINFO_PID, k->r.a);

	ok(k->r.a != k->r.b, "pid_for_children differs from the process's own pid namespace");
	ok(holder(n, NSINFO_HOLD_CHILDREN, k->pid, -1, NULL) != NULL,
	   "pid_for_children namespace held by pid %d", (int)k->pid);
	ok(n && n->nprocs == 0, "no process is in it yet");
	n = find(s, NSINFO_PID, k->r.b);
	ok(n && holder(n, NSINFO_HOLD_CHILD_NS, 0, -1, NULL), "its parent is pinned by a child-ns");
	nsinfo_snapshot_unref(s);
}

/* NSINFO_SCAN_NOT_SELF: our own fd is not a holder, and a namespace only
 * our fd holds is not found at all */
static void test_not_self(pid_t self, int netfd, uint64_t net)
{
	struct nsinfo_snapshot *s = snap(NSINFO_SCAN_FDS | NSINFO_SCAN_NOT_SELF);
	const struct nsinfo_ns *n = find(s, NSINFO_NET, net);

	ok(!n || !holder(n, NSINFO_HOLD_FD, self, netfd, NULL),
	   "NSINFO_SCAN_NOT_SELF: our own fd is not a holder");
	ok(n == NULL, "NSINFO_SCAN_NOT_SELF: a namespace only our fd holds is not listed");
	nsinfo_snapshot_unref(s);
}

static void test_userns(pid_t self, int netfd, uint64_t user, uint64_t net)
{
	struct nsinfo_snapshot *s = snap(NSINFO_SCAN_FDS);
	const struct nsinfo_ns *all = nsinfo_snapshot_namespaces(s, NULL);
	const struct nsinfo_ns *u = find(s, NSINFO_USER, user), *n = find(s, NSINFO_NET, net);
	int found = 0;

	ok(n && holder(n, NSINFO_HOLD_FD, self, netfd, NULL), "orphaned net namespace held by our fd");
	ok(u != NULL, "its user namespace, with no process left, is found");
	ok(u && (u->flags & NSINFO_NS_NOPROCS) && (u->flags & NSINFO_NS_ANCESTOR),
	   "marked without processes, reached through the nsfs ioctls");
	for (uint32_t i = 0; u && i < u->nholders; i++)
		if (u->holders[i].kind == NSINFO_HOLD_OWNED_NS && all[u->holders[i].ns].ino == net)
			found = 1;
	ok(found, "held by the net namespace it owns");
	ok(u && u->parent >= 0 && all[u->parent].ino == self_ino("user"),
	   "its parent is our user namespace");
	nsinfo_snapshot_unref(s);
}

/* Every fd holder of the host as (pid, fd, type, inode), sorted */
struct fdh {
	pid_t pid;
	int fd, type;
	uint64_t ino;
};

static int cmp_fdh(const void *a, const void *b)
{
	const struct fdh *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* The fd holders among pids a and b: other processes on the host open and
 * close namespace fds between two scans. */
static size_t fd_holders(struct nsinfo_snapshot *s, pid_t pa, pid_t pb, struct fdh *out, size_t max)
{
	size_t nns = 0, n = 0;
	const struct nsinfo_ns *all = nsinfo_snapshot_namespaces(s, &nns);

	for (size_t i = 0; i < nns; i++)
		for (uint32_t j = 0; j < all[i].nholders; j++)
			if (all[i].holders[j].kind == NSINFO_HOLD_FD && n < max &&
			    (all[i].holders[j].pid == pa || all[i].holders[j].pid == pb))
				out[n++] = (struct fdh){ all[i].holders[j].pid, all[i].holders[j].fd,
							 all[i].type, all[i].ino };
	qsort(out, n, sizeof(*out), cmp_fdh);
	return n;
}

/* Both sources, one after the other, list the same fd holders for the
 * fixture and us: our fds do not move in between. */
static void test_sources_agree(const struct kid *k, int netfd)
{
	static struct fdh a[4096], b[4096];
	struct nsinfo_snapshot *sb, *sp;
	size_t na, nb;
	int same = 1;

	source = NSINFO_SCAN_BPF;
	sb = snap(NSINFO_SCAN_FDS);
	source = NSINFO_SCAN_PROC;
	sp = snap(NSINFO_SCAN_FDS);
	na = sb ? fd_holders(sb, k->pid, getpid(), a, 4096) : 0;
	nb = sp ? fd_holders(sp, k->pid, getpid(), b, 4096) : 0;
	ok(na >= 3, "the fd holders include the fixtures' two and ours (%zu)", na);
	is((long)na, (long)nb, "task_file iterator and /proc/PID/fd: as many fd holders");
	for (size_t i = 0; i < na && i < nb; i++)
		if (a[i].pid != b[i].pid || a[i].fd != b[i].fd || a[i].type != b[i].type ||
		    a[i].ino != b[i].ino) {
			diag("bpf %d:%d %llu, proc %d:%d %llu", (int)a[i].pid, a[i].fd,
			     (unsigned long long)a[i].ino, (int)b[i].pid, b[i].fd,
			     (unsigned long long)b[i].ino);
			same = 0;
		}
	ok(same, "the same pid:fd, type and inode for each");
	ok(bsearch(&(struct fdh){ k->pid, k->r.fd_a, 0, 0 }, a, na, sizeof(*a), cmp_fdh) &&
	   bsearch(&(struct fdh){ getpid(), netfd, 0, 0 }, a, na, sizeof(*a), cmp_fdh),
	   "the iterator lists the fixture's fd %d and our fd %d", k->r.fd_a, netfd);
	nsinfo_snapshot_unref(sb);
	nsinfo_snapshot_unref(sp);
}

int main(void)
{
	struct kid fds = { 0 }, bind = { 0 }, thr = { 0 }, pch = { 0 }, usr = { 0 };
	int netfd = -1;

	if (geteuid() != 0) {
		skip("[root] not root: holder fixtures need unshare/setns/mount");
		return tap_done();
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nst-holders-%d", (int)getpid());
	snprintf(bindpath, sizeof(bindpath), "%s/netns", tmpdir);
	if (mkdir(tmpdir, 0700) || close(open(bindpath, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)))
		BAIL("scratch directory %s: %s", tmpdir, strerror(errno));

	if (spawn(fx_fds, &fds) || spawn(fx_bind, &bind) || spawn(fx_thread, &thr) ||
	    spawn(fx_pidchildren, &pch) || spawn(fx_userns, &usr)) {
		ok(0, "fixtures set up (fds %d, bind %d, thread %d, pid_for_children %d, userns %d)",
		   fds.pid, bind.pid, thr.pid, pch.pid, usr.pid);
		goto out;
	}
	/* keep the orphan's net namespace, then let its only process go */
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)usr.pid);
		netfd = open(path, O_RDONLY | O_CLOEXEC);
		release(&usr);
	}
	test_fds(&fds);
	test_bind(&bind);
	test_thread(&thr);
	test_pidchildren(&pch);
	ok(netfd >= 0 && fd_ino(netfd) == usr.r.b, "we hold the orphan's net namespace");
	test_userns(getpid(), netfd, usr.r.a, usr.r.b);
	test_not_self(getpid(), netfd, usr.r.b);
	/* the same fd fixtures through the BPF source, where it loads */
	{
		struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = NSINFO_SCAN_BPF };
		struct nsinfo_snapshot *s = NULL;
		const char *why = NULL, *src;

		nsinfo_snapshot_new(&o, &s);
		src = s ? nsinfo_snapshot_source(s, &why) : NULL;
		if (src && !strcmp(src, "bpf")) {
			source = NSINFO_SCAN_BPF;
			diag("fd fixtures again, BPF source (task_file iterator)");
			test_fds(&fds);
			test_userns(getpid(), netfd, usr.r.a, usr.r.b);
			test_not_self(getpid(), netfd, usr.r.b);
			test_sources_agree(&fds, netfd);
			source = NSINFO_SCAN_PROC;
		} else {
			skip("[bpf] BPF snapshot source unavailable: %s", why ? why : "unknown");
		}
		nsinfo_snapshot_unref(s);
	}
	is_str(nsinfo_holder_kind_name(NSINFO_HOLD_MOUNT), "mount", "holder kind names");
	ok(nsinfo_holder_kind_name(99) == NULL, "unknown holder kind");
out:
	if (netfd >= 0)
		close(netfd);
	release(&fds);
	release(&bind);
	release(&thr);
	release(&pch);
	release(&usr);
	unlink(bindpath);
	rmdir(tmpdir);
	return tap_done();
}

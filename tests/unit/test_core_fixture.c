/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The scan and the graph on fixture /proc trees built here: shared and
 * private namespaces, pid_for_children, a thread in its own namespace,
 * zombies, entries that vanish before or during the read, malformed files
 * and a process whose ns/ is refused. Fixture namespaces cannot be asked
 * anything through nsfs ioctls, so all of them must come out DETACHED.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define BAIL_VOID(...) do { ok(0, __VA_ARGS__); return; } while (0)

/* Base inodes: type t of the "host" set is BASE + t. */
#define BASE 4026531000ULL
#define OTHER_NET 4026532100ULL
#define CHILD_PID 4026532200ULL
#define THREAD_UTS 4026532300ULL

static char root[64];

static void xmkdir(const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (mkdir(path, 0755) && errno != EEXIST)
		diag("mkdir %s: %m", path);
}

static void xwrite(const char *text, size_t len, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		diag("write %s: %m", path);
	if (fd >= 0)
		close(fd);
}

static void status(const char *dir, const char *name, char state, int pid, int tgid,
		   int ppid, int uid, int threads)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf),
			 "Name:\t%s\nState:\t%c (x)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
			 "Uid:\t%d\t%d\t%d\t%d\nNSpid:\t%d\nThreads:\t%d\n",
			 name, state, tgid, pid, ppid, uid, uid, uid, uid, pid, threads);

	xwrite(buf, (size_t)n, "%s/status", dir);
	/* the start time (field 22) per-pid reads check after the scan */
	n = snprintf(buf, sizeof(buf),
		     "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 %d 0 %d 0 0\n",
		     pid, name, state, ppid, tgid, tgid, threads, 1000 + pid);
	xwrite(buf, (size_t)n, "%s/stat", dir);
}

/* ns/ dir with the host set, with one type overridden (-1 for none) and
 * pid_for_children set to pfc (0 = same as pid). */
static void ns_links(const char *dir, int over_type, uint64_t over_ino, uint64_t pfc)
{
	char path[512], target[64];

	snprintf(path, sizeof(path), "%s/ns", dir);
	xmkdir("%s", path);
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		uint64_t ino = t == over_type ? over_ino : BASE + (uint64_t)t;

		snprintf(target, sizeof(target), "%s:[%llu]", nsinfo__ns_file[t],
			 (unsigned long long)ino);
		snprintf(path, sizeof(path), "%s/ns/%s", dir, nsinfo__ns_file[t]);
		if (symlink(target, path))
			diag("symlink %s: %m", path);
	}
	snprintf(target, sizeof(target), "pid:[%llu]",
		 (unsigned long long)(pfc ? pfc : BASE + NSINFO_PID));
	snprintf(path, sizeof(path), "%s/ns/pid_for_children", dir);
	if (symlink(target, path))
		diag("symlink %s: %m", path);
}

static void proc(int pid, const char *name, char state, int uid, int over_type,
		 uint64_t over_ino, uint64_t pfc)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "%s/%d", root, pid);
	xmkdir("%s", dir);
	status(dir, name, state, pid, pid, 1, uid, 1);
	ns_links(dir, over_type, over_ino, pfc);
}

/*
 *   100 init     host set                       (self -> 100)
 *   101 web      own net, pid_for_children set
 *   102 zombie   State Z, no ns/
 *   103 gone     empty dir: vanished before status
 *   104 halfgone status, no ns/: vanished between status and ns/
 *   105 junk     status without Name:
 *   106 oddlinks net link of the wrong type, uts link unparsable
 *   107 threaded Threads: 3; task 108 has its own uts, 109 does not
 *   abc, 0       not processes
 */
static void build_tree(void)
{
	char dir[256];

	proc(100, "init", 'S', 0, -1, 0, 0);
	snprintf(dir, sizeof(dir), "%s/100/cmdline", root);
	xwrite("/sbin/init\0--log\0", 17, "%s", dir);
	snprintf(dir, sizeof(dir), "%s/self", root);
	if (symlink("100", dir))
		diag("symlink self: %m");

	proc(101, "web", 'S', 1000, NSINFO_NET, OTHER_NET, CHILD_PID);

	snprintf(dir, sizeof(dir), "%s/102", root);
	xmkdir("%s", dir);
	status(dir, "zombie", 'Z', 102, 102, 100, 0, 1);

	xmkdir("%s/103", root);

	snprintf(dir, sizeof(dir), "%s/104", root);
	xmkdir("%s", dir);
	status(dir, "halfgone", 'S', 104, 104, 100, 0, 1);

	snprintf(dir, sizeof(dir), "%s/105", root);
	xmkdir("%s", dir);
	xwrite("Garbage\n", 8, "%s/status", dir);

	proc(106, "oddlinks", 'S', 0, -1, 0, 0);
	snprintf(dir, sizeof(dir), "%s/106/ns/net", root);
	unlink(dir);
	if (symlink("pid:[4026531004]", dir))
		diag("symlink: %m");
	snprintf(dir, sizeof(dir), "%s/106/ns/uts", root);
	unlink(dir);
	if (symlink("uts:[junk]", dir))
		diag("symlink: %m");

	proc(107, "threaded", 'S', 0, -1, 0, 0);
	snprintf(dir, sizeof(dir), "%s/107", root);
	status(dir, "threaded", 'S', 107, 107, 1, 0, 3);
	xmkdir("%s/107/task", root);
	for (int tid = 107; tid <= 109; tid++) {
		snprintf(dir, sizeof(dir), "%s/107/task/%d", root, tid);
		xmkdir("%s", dir);
		status(dir, "threaded", 'S', tid, 107, 1, 0, 3);
		ns_links(dir, tid == 108 ? NSINFO_UTS : -1, THREAD_UTS, 0);
	}

	xmkdir("%s/abc", root);
	xmkdir("%s/0", root);
}

static const struct nsinfo_proc *get_proc(struct nsinfo_snapshot *s, pid_t pid)
{
	int i = nsinfo_snapshot_find_proc(s, pid);

	return i < 0 ? NULL : &nsinfo_snapshot_procs(s, NULL)[i];
}

static const struct nsinfo_ns *get_ns(struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	int i = nsinfo_snapshot_find_ns(s, type, ino);

	return i < 0 ? NULL : &nsinfo_snapshot_namespaces(s, NULL)[i];
}

static void test_coverage(struct nsinfo_snapshot *s)
{
	struct nsinfo_coverage cov;

	memset(&cov, 0xff, sizeof(cov));
	nsinfo_snapshot_coverage(s, &cov);
	is(cov.scanned, 8, "scanned the 8 numeric entries (not abc, not 0)");
	is(cov.zombies, 1, "one zombie");
	is(cov.vanished, 3, "vanished: no status, no ns/, malformed status");
	is(cov.denied, 0, "nothing denied to root");
	is(cov.tasks_scanned, 2, "two non-leader tasks looked at");
}

static void test_procs(struct nsinfo_snapshot *s)
{
	size_t n;
	const struct nsinfo_proc *p = nsinfo_snapshot_procs(s, &n);
	const struct nsinfo_proc *z, *h, *t, *odd;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, NULL);

	/* 100 101 102 104 106 107 + thread 108 */
	is(n, 7, "processes recorded: 6 + one differing thread");
	for (size_t i = 1; i < n; i++)
		if (p[i - 1].pid >= p[i].pid)
			BAIL_VOID("processes sorted by pid");
	ok(1, "processes sorted by pid");

	p = get_proc(s, 100);
	if (!p)
		BAIL_VOID("pid 100 found");
	is_str(p->comm, "init", "comm from status");
	is(p->nspid_len, 1, "NSpid of a host process");
	is(p->nspid[0], 100, "NSpid value");
	is(p->pid_for_children, -1, "pid_for_children same as own: -1");
	for (int ty = 0; ty < NSINFO_NTYPES; ty++)
		if (p->ns[ty] < 0 || ns[p->ns[ty]].ino != BASE + (uint64_t)ty ||
		    ns[p->ns[ty]].type != ty)
			BAIL_VOID("pid 100 has the host set");
	ok(1, "pid 100 has the host set");

	p = get_proc(s, 101);
	if (!p)
		BAIL_VOID("pid 101 found");
	is(p->uid, 1000, "effective uid");
	is(ns[p->ns[NSINFO_NET]].ino, OTHER_NET, "101 has its own net");
	ok(p->pid_for_children >= 0 && ns[p->pid_for_children].ino == CHILD_PID &&
	   ns[p->pid_for_children].type == NSINFO_PID, "101 pid_for_children recorded");

	z = get_proc(s, 102);
	ok(z && (z->flags & NSINFO_PROC_ZOMBIE) && z->state == 'Z', "zombie flagged");
	ok(z && z->ns[NSINFO_NET] == -1 && z->ns[NSINFO_PID] == -1, "zombie has no namespaces");

	ok(get_proc(s, 103) == NULL, "vanished entry without status not recorded");
	h = get_proc(s, 104);
	ok(h && (h->flags & NSINFO_PROC_PARTIAL), "vanished between status and ns/: PARTIAL");
	ok(get_proc(s, 105) == NULL, "malformed status not recorded");

	odd = get_proc(s, 106);
	ok(odd && odd->ns[NSINFO_NET] == -1, "net link naming another type is ignored");
	ok(odd && odd->ns[NSINFO_UTS] == -1, "unparsable uts link is ignored");
	ok(odd && odd->ns[NSINFO_MNT] >= 0 && ns[odd->ns[NSINFO_MNT]].ino == BASE + NSINFO_MNT,
	   "its other links are still read");

	t = get_proc(s, 108);
	ok(t && (t->flags & NSINFO_PROC_THREAD) && t->tgid == 107, "differing thread recorded");
	ok(t && t->ns[NSINFO_UTS] >= 0 && ns[t->ns[NSINFO_UTS]].ino == THREAD_UTS,
	   "thread's own uts");
	ok(get_proc(s, 109) == NULL, "thread like its leader not recorded");
}

static void test_namespaces(struct nsinfo_snapshot *s)
{
	size_t n;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &n);
	const struct nsinfo_ns *net = get_ns(s, NSINFO_NET, BASE + NSINFO_NET);
	const struct nsinfo_ns *onet = get_ns(s, NSINFO_NET, OTHER_NET);
	const struct nsinfo_ns *cpid = get_ns(s, NSINFO_PID, CHILD_PID);
	const struct nsinfo_ns *tuts = get_ns(s, NSINFO_UTS, THREAD_UTS);
	const struct nsinfo_ns *uts = get_ns(s, NSINFO_UTS, BASE + NSINFO_UTS);
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(s, NULL);
	bool detached = true;

	is(n, NSINFO_NTYPES + 3, "host set + other net + child pid + thread uts");
	for (size_t i = 0; i < n; i++)
		if (!(ns[i].flags & NSINFO_NS_DETACHED) || ns[i].nsid || ns[i].parent != -1 ||
		    ns[i].owner != -1 || ns[i].owner_uid != -1)
			detached = false;
	ok(detached, "fixture namespaces: DETACHED, no id, parent, owner");

	if (!net || !onet || !cpid || !tuts || !uts)
		BAIL_VOID("all fixture namespaces found");
	/* 100 and 107 (106's net link was of the wrong type) */
	is(net->nprocs, 2, "host net members");
	ok(net->nprocs == 2 && procs[net->procs[0]].pid == 100 && procs[net->procs[1]].pid == 107,
	   "member list in pid order");
	is(nsinfo_ns_lowest_proc(s, net)->pid, 100, "lowest pid of host net");
	is(onet->nprocs, 1, "101's net has one member");
	is(uts->nprocs, 3, "host uts: 100 101 107 (106's link is junk, 108 not a process)");

	is(cpid->nprocs, 0, "pid_for_children namespace has no process");
	ok(cpid->flags & NSINFO_NS_NOPROCS, "... and is flagged NOPROCS");
	ok(cpid->nholders == 1 && cpid->holders[0].kind == NSINFO_HOLD_CHILDREN &&
	   cpid->holders[0].pid == 101, "... held by 101 as pid_for_children");
	ok(nsinfo_ns_lowest_proc(s, cpid) == NULL, "no lowest process");

	is(tuts->nprocs, 0, "a thread is not a process member");
	ok(tuts->nholders == 1 && tuts->holders[0].kind == NSINFO_HOLD_THREAD &&
	   tuts->holders[0].pid == 108, "thread 108 holds its uts");
	is(net->nholders, 0, "a thread holds only the namespaces where it differs");

	is(nsinfo_snapshot_find_ns(s, -1, OTHER_NET), (int)(onet - ns), "find by inode, any type");
	is(nsinfo_snapshot_find_ns(s, NSINFO_PID, OTHER_NET), -ENOENT, "find by inode, wrong type");
	is(nsinfo_snapshot_find_nsid(s, -1, 12345), -ENOENT, "no ids in fixtures");
	is(nsinfo_snapshot_self_ns(s, NSINFO_NET), (int)(net - ns), "self/ns of the fixture");
}

static void test_cmdline(struct nsinfo_snapshot *s)
{
	char buf[64];

	is(nsinfo_proc_cmdline(s, 100, buf, sizeof(buf)), 0, "cmdline read");
	is_str(buf, "/sbin/init --log", "cmdline NULs become spaces");
	is(nsinfo_proc_cmdline(s, 101, buf, sizeof(buf)), -ENOENT, "no cmdline file: -ENOENT");
	is(nsinfo_proc_cmdline(s, 100, buf, 1), -EINVAL, "too small a buffer: -EINVAL");
}

/* ns/ of 101 readable by root only; scan as nobody in a child. */
static void test_denied(void)
{
	char dir[256];
	int pfd[2];
	pid_t pid;
	unsigned vals[4] = { 0 };

	if (tap_not_root("the denied scan switches to nobody"))
		return;
	snprintf(dir, sizeof(dir), "%s/101/ns", root);
	if (chmod(root, 0755) || chmod(dir, 0700) || pipe(pfd))
		BAIL_VOID("set up the denied fixture");
	pid = fork();
	if (pid == 0) {
		struct nsinfo_scan_opts o = { .size = sizeof(o), .proc_root = root };
		struct nsinfo_snapshot *s = NULL;
		struct nsinfo_coverage cov = { 0 };
		unsigned out[4] = { 0 };
		int i;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		out[0] = (unsigned)-nsinfo_snapshot_new(&o, &s);
		nsinfo_snapshot_coverage(s, &cov);
		out[1] = cov.denied;
		i = nsinfo_snapshot_find_proc(s, 101);
		out[2] = i < 0 ? 0 : nsinfo_snapshot_procs(s, NULL)[i].flags;
		out[3] = i < 0 ? 1 : nsinfo_snapshot_procs(s, NULL)[i].ns[NSINFO_NET] == -1;
		nsinfo_snapshot_unref(s);
		_exit(write(pfd[1], out, sizeof(out)) == sizeof(out) ? 0 : 3);
	}
	close(pfd[1]);
	if (read(pfd[0], vals, sizeof(vals)) != sizeof(vals))
		diag("no answer from the unprivileged scan");
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	chmod(dir, 0755);
	is(vals[0], 0, "unprivileged scan succeeds");
	is(vals[1], 1, "one process denied");
	ok(vals[2] & NSINFO_PROC_DENIED, "pid 101 flagged DENIED");
	ok(vals[3], "denied process has no namespaces");
}

static void test_options(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .proc_root = root,
				      .flags = NSINFO_SCAN_NO_THREADS };
	struct nsinfo_snapshot *s = (void *)1;
	struct nsinfo_coverage cov;

	is(nsinfo_snapshot_new(&o, &s), 0, "NO_THREADS scan");
	nsinfo_snapshot_coverage(s, &cov);
	is(cov.tasks_scanned, 0, "no tasks looked at");
	ok(nsinfo_snapshot_find_proc(s, 108) == -ENOENT, "no thread rows");
	ok(nsinfo_snapshot_ref(s) == s, "ref returns the handle");
	nsinfo_snapshot_unref(s);
	nsinfo_snapshot_unref(s);
	nsinfo_snapshot_unref(NULL);

	s = (void *)1;
	o.proc_root = "/nonexistent/proc";
	is(nsinfo_snapshot_new(&o, &s), -ENOENT, "missing proc root: -ENOENT");
	ok(s == (void *)1, "out-param untouched on failure");
	o.size = 4;
	is(nsinfo_snapshot_new(&o, &s), -EINVAL, "truncated opts: -EINVAL");
	is(nsinfo_snapshot_new(NULL, NULL), -EINVAL, "no out-param: -EINVAL");
}

int main(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o) };
	struct nsinfo_snapshot *s = NULL;
	char cmd[128];
	int r;

	snprintf(root, sizeof(root), "/tmp/nstools-fixture.XXXXXX");
	if (!mkdtemp(root))
		BAIL("mkdtemp");
	build_tree();
	o.proc_root = root;
	r = nsinfo_snapshot_new(&o, &s);
	is(r, 0, "snapshot of the fixture tree");
	if (r == 0) {
		is_str(nsinfo_snapshot_proc_root(s), root, "proc root recorded");
		test_coverage(s);
		test_procs(s);
		test_namespaces(s);
		test_cmdline(s);
		nsinfo_snapshot_unref(s);
	}
	test_denied();
	test_options();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		diag("could not remove %s", root);
	return tap_done();
}

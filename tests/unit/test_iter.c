/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The BPF task-iterator source against the /proc walk, on a population this
 * test builds: pid namespaces nested three deep (each creator keeps a
 * pid_for_children), a user namespace with a uid mapping owning uts and net
 * namespaces, a thread in its own net namespace, a zombie, an
 * unshare(CLONE_NEWPID) without a fork (no pid_for_children link yet) and
 * an unshare(CLONE_NEWTIME) (time_for_children). Both snapshots must agree
 * on every process descending from this test and every namespace they use.
 * Then: source reporting, forced and impossible fallbacks, coverage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsinfo.h"
#include "compat.h"
#include "tap.h"

#define BAIL_VOID(...) do { ok(0, __VA_ARGS__); return; } while (0)

static int ready_pipe[2], hold_pipe[2];

/* Children report readiness with one byte, then block until the test
 * closes the hold pipe (or dies: PDEATHSIG). */
static void __attribute__((noreturn)) ready_and_hold(void)
{
	char c = 'r';

	if (write(ready_pipe[1], &c, 1) != 1)
		_exit(1);
	while (read(hold_pipe[0], &c, 1) > 0)
		;
	_exit(0);
}

static pid_t spawn(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* only the test holds the write end: its close releases everyone */
		close(hold_pipe[1]);
		close(ready_pipe[0]);
		fn();
		_exit(0);
	}
	return pid;
}

/* pid namespaces 3 deep: every level unshares and forks the next */
static void run_nest(void)
{
	for (int depth = 0; depth < 3; depth++) {
		if (unshare(CLONE_NEWPID) < 0 || fork() != 0)
			break;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	}
	ready_and_hold();
}

static void run_userns(void)
{
	char c;

	if (unshare(CLONE_NEWUSER) < 0)
		_exit(1);
	/* the test writes uid_map, then says so */
	if (write(ready_pipe[1], "u", 1) != 1 || read(hold_pipe[0], &c, 1) < 0)
		_exit(1);
	if (unshare(CLONE_NEWUTS | CLONE_NEWNET) < 0)
		_exit(1);
	ready_and_hold();
}

static void *thread_net(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNET) == 0)
		ready_and_hold();
	_exit(1);
}
static void run_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_net, NULL))
		_exit(1);
	pthread_join(t, NULL);
}

static void run_pid_nofork(void)
{
	if (unshare(CLONE_NEWPID) < 0)
		_exit(1);
	ready_and_hold();
}

static void run_time(void)
{
	if (unshare(CLONE_NEWTIME) < 0)
		_exit(1);
	ready_and_hold();
}

static void run_exit(void)
{
	_exit(0);
}

/* ---------------------------------------------------------- comparing */

struct snap {
	struct nsinfo_snapshot *s;
	const struct nsinfo_proc *p;
	const struct nsinfo_ns *ns;
	size_t np, nns;
};

static int take(struct snap *v, unsigned flags)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = flags };
	int r = nsinfo_snapshot_new(&o, &v->s);

	if (r == 0) {
		v->p = nsinfo_snapshot_procs(v->s, &v->np);
		v->ns = nsinfo_snapshot_namespaces(v->s, &v->nns);
	}
	return r;
}

/* processes of this test: descendants by ppid, and their threads */
static bool ours(const struct snap *v, const struct nsinfo_proc *p)
{
	pid_t me = getpid();

	for (int guard = 0; p && guard < 64; guard++) {
		int i;

		if (p->tgid == me || p->ppid == me)
			return true;
		i = nsinfo_snapshot_find_proc(v->s, p->flags & NSINFO_PROC_THREAD ? p->tgid : p->ppid);
		p = i >= 0 ? &v->p[i] : NULL;
	}
	return false;
}

/* a namespace index as type:inode, the form both snapshots share */
static uint64_t ns_ino(const struct snap *v, int32_t i)
{
	return i >= 0 ? v->ns[i].ino : 0;
}

/* member counts compared only for the namespaces this test made: the
 * host's change under our feet (and pid 1 is denied to one source) */
static bool same_ns(const struct snap *a, int32_t i, const struct snap *b, int32_t j)
{
	const struct nsinfo_ns *x = &a->ns[i], *y = &b->ns[j];
	bool host = nsinfo_snapshot_self_ns(a->s, x->type) == i;

	return x->type == y->type && x->ino == y->ino && x->nsid == y->nsid &&
	       ns_ino(a, x->parent) == ns_ino(b, y->parent) &&
	       ns_ino(a, x->owner) == ns_ino(b, y->owner) && x->owner_uid == y->owner_uid &&
	       x->level == y->level && (host || x->nprocs == y->nprocs);
}

/* every field /proc shows, namespaces compared in full */
static bool same_proc(const struct snap *a, const struct nsinfo_proc *x,
		      const struct snap *b, const struct nsinfo_proc *y, char *what, size_t len)
{
	int32_t xs[NSINFO_NTYPES + 2], ys[NSINFO_NTYPES + 2];

	snprintf(what, len, "ids");
	if (x->pid != y->pid || x->tgid != y->tgid || x->ppid != y->ppid || x->uid != y->uid)
		return false;
	snprintf(what, len, "comm/state %s/%c vs %s/%c", x->comm, x->state, y->comm, y->state);
	if (strcmp(x->comm, y->comm) || x->state != y->state)
		return false;
	snprintf(what, len, "NSpid");
	if (x->nspid_len != y->nspid_len ||
	    memcmp(x->nspid, y->nspid, sizeof(pid_t) * (size_t)x->nspid_len))
		return false;
	memcpy(xs, x->ns, sizeof(x->ns));
	memcpy(ys, y->ns, sizeof(y->ns));
	xs[NSINFO_NTYPES] = x->pid_for_children;
	ys[NSINFO_NTYPES] = y->pid_for_children;
	xs[NSINFO_NTYPES + 1] = x->time_for_children;
	ys[NSINFO_NTYPES + 1] = y->time_for_children;
	for (int t = 0; t < NSINFO_NTYPES + 2; t++) {
		snprintf(what, len, "namespace slot %d", t);
		if ((xs[t] < 0) != (ys[t] < 0) || (xs[t] >= 0 && !same_ns(a, xs[t], b, ys[t])))
			return false;
	}
	return true;
}

struct seen {
	int procs, threads, zombies, deepest, pid_children, time_children, mapped_user;
};

static void note(const struct snap *v, const struct nsinfo_proc *p, struct seen *n)
{
	n->procs++;
	n->threads += !!(p->flags & NSINFO_PROC_THREAD);
	n->zombies += !!(p->flags & NSINFO_PROC_ZOMBIE);
	if (p->nspid_len > n->deepest)
		n->deepest = p->nspid_len;
	n->pid_children += p->pid_for_children >= 0;
	n->time_children += p->time_for_children >= 0;
	if (p->ns[NSINFO_USER] >= 0 && v->ns[p->ns[NSINFO_USER]].level == 1 &&
	    v->ns[p->ns[NSINFO_USER]].owner_uid == (int64_t)geteuid())
		n->mapped_user++;
}

static void compare(const struct snap *bpf, const struct snap *proc)
{
	struct seen n = { 0 };
	int bad = 0;
	char what[96] = "";

	for (size_t i = 0; i < proc->np; i++) {
		const struct nsinfo_proc *y = &proc->p[i];
		int j;

		if (!ours(proc, y))
			continue;
		note(proc, y, &n);
		j = nsinfo_snapshot_find_proc(bpf->s, y->pid);
		if (j < 0 || !same_proc(bpf, &bpf->p[j], proc, y, what, sizeof(what))) {
			diag("pid %d differs: %s", (int)y->pid, j < 0 ? "missing from bpf" : what);
			bad++;
		}
	}
	/* 4 nest levels + userns + thread leader and thread + nofork + time + zombie */
	ok(n.procs >= 10, "%d processes of this test in the /proc snapshot", n.procs);
	is(bad, 0, "BPF source: same pid, tgid, ppid, uid, comm, state, NSpid, namespaces");
	is(n.threads, 1, "the thread in its own net ns recorded");
	is(n.zombies, 1, "the zombie recorded");
	is(n.deepest, 4, "NSpid 4 deep (3 nested pid namespaces)");
	is(n.pid_children, 3, "three creators with a distinct pid_for_children");
	is(n.time_children, 1, "time_for_children after unshare(CLONE_NEWTIME)");
	ok(n.mapped_user >= 1, "a process in the mapped user namespace");

	/* the other way round: nothing of ours only in the BPF snapshot */
	int extra = 0;

	for (size_t i = 0; i < bpf->np; i++)
		if (ours(bpf, &bpf->p[i]) && nsinfo_snapshot_find_proc(proc->s, bpf->p[i].pid) < 0)
			extra++;
	is(extra, 0, "no process of this test only in the BPF snapshot");
}

/* A refresh through the iterator copies what the previous snapshot asked
 * the kernel (ids, owners, parents) for the namespaces it knew: the result
 * must be what a fresh /proc scan says */
static void test_refresh(const struct snap *proc)
{
	struct nsinfo_refresh_opts ro = { .size = sizeof(ro) };
	struct snap first = { 0 }, again = { 0 };
	char what[96] = "";
	int bad = 0, n = 0;

	is(take(&first, NSINFO_SCAN_BPF | NSINFO_SCAN_REUSABLE), 0, "reusable BPF snapshot");
	is(first.s ? nsinfo_snapshot_refresh(first.s, &ro, &again.s) : -1, 0, "its refresh");
	if (!again.s) {
		nsinfo_snapshot_unref(first.s);
		return;
	}
	again.p = nsinfo_snapshot_procs(again.s, &again.np);
	again.ns = nsinfo_snapshot_namespaces(again.s, &again.nns);
	for (size_t i = 0; i < proc->np; i++) {
		const struct nsinfo_proc *y = &proc->p[i];
		int j;

		if (!ours(proc, y))
			continue;
		n++;
		j = nsinfo_snapshot_find_proc(again.s, y->pid);
		if (j < 0 || !same_proc(&again, &again.p[j], proc, y, what, sizeof(what))) {
			diag("refresh: pid %d differs: %s", (int)y->pid, j < 0 ? "missing" : what);
			bad++;
		}
	}
	ok(n >= 10 && bad == 0,
	   "refreshed BPF snapshot: namespaces, ids, owners, parents as /proc says (%d of %d differ)",
	   bad, n);
	nsinfo_snapshot_unref(first.s);
	nsinfo_snapshot_unref(again.s);
}

static void test_coverage(const struct snap *bpf)
{
	struct nsinfo_coverage cov;
	char buf[64];
	int i = nsinfo_snapshot_find_proc(bpf->s, 1);

	nsinfo_snapshot_coverage(bpf->s, &cov);
	is(cov.vanished, 0, "BPF source: nothing vanished");
	size_t threads = 0;

	for (size_t k = 0; k < bpf->np; k++)
		threads += !!(bpf->p[k].flags & NSINFO_PROC_THREAD);
	is(cov.scanned, bpf->np - threads, "scanned counts the leaders seen");
	ok(cov.tasks_scanned >= 1, "tasks_scanned counts other threads (%u)", cov.tasks_scanned);
	/* pid 1: from the iterator (namespaces, nothing denied) or, where the
	 * iterator misses it, read the /proc way */
	ok(i >= 0, "pid 1 in the BPF snapshot");
	if (i >= 0 && (bpf->p[i].flags & NSINFO_PROC_DENIED)) {
		ok(readlink("/proc/1/ns/net", buf, sizeof(buf)) < 0, "pid 1 DENIED: /proc refuses it too");
		is(cov.denied, 1, "pid 1 is the one denied");
	} else {
		ok(i >= 0 && bpf->p[i].ns[NSINFO_NET] >= 0, "pid 1 has its namespaces");
		is(cov.denied, 0, "BPF source: nothing denied");
	}
}

static void test_sources(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .proc_root = "/proc/",
				      .flags = NSINFO_SCAN_BPF };
	struct nsinfo_snapshot *s;
	const char *why = (const char *)1;

	is(nsinfo_snapshot_new(&o, &s), 0, "snapshot of /proc/");
	is_str(nsinfo_snapshot_source(s, &why), "bpf", "/proc/ is /proc: bpf");
	ok(why == NULL, "no reason when bpf is used");
	nsinfo_snapshot_unref(s);

	o.flags = NSINFO_SCAN_PROC | NSINFO_SCAN_BPF;
	is(nsinfo_snapshot_new(&o, &s), 0, "forced /proc walk");
	is_str(nsinfo_snapshot_source(s, &why), "proc", "NSINFO_SCAN_PROC: proc");
	ok(why && strstr(why, "requested"), "reason: %s", why ? why : "(none)");
	nsinfo_snapshot_unref(s);

	/* a bind mount of /proc elsewhere is a different root: the /proc walk */
	o.flags = NSINFO_SCAN_BPF;
	o.proc_root = "/proc/self/..";
	is(nsinfo_snapshot_new(&o, &s), 0, "snapshot of another proc root path");
	is_str(nsinfo_snapshot_source(s, &why), "proc", "other proc root: proc");
	ok(why && strstr(why, "not /proc"), "reason: %s", why ? why : "(none)");
	nsinfo_snapshot_unref(s);
	ok(nsinfo_snapshot_source(NULL, NULL) == NULL, "NULL snapshot: NULL");
}

/* Tasks on the host, as loadavg counts them */
static long tasks_now(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/loadavg", "re");
	const char *slash;

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	slash = strchr(buf, '/');
	return slash ? strtol(slash + 1, NULL, 10) : -1;
}

/* auto: the iterator from 700 tasks on, the /proc walk below */
static void test_auto(void)
{
	struct nsinfo_snapshot *s;
	const char *why = NULL, *src;
	long before = tasks_now(), after;
	int r = nsinfo_snapshot_new(NULL, &s);

	after = tasks_now();
	is(r, 0, "default snapshot");
	if (r < 0)
		return;
	src = nsinfo_snapshot_source(s, &why);
	if ((before < 700) != (after < 700)) {
		skip("[host] task count crossed 700 during the snapshot (%ld, %ld)", before, after);
		skip("[host] task count crossed 700 during the snapshot");
	} else if (before < 700) {
		is_str(src, "proc", "%ld tasks: the /proc walk", before);
		ok(why && strstr(why, "small host"), "reason: %s", why ? why : "(none)");
	} else {
		is_str(src, "bpf", "%ld tasks: the iterator", before);
		ok(why == NULL, "no reason");
	}
	nsinfo_snapshot_unref(s);
}

/* NO_THREADS: the iterator skips non-leaders, as the walk skips task/ */
static void test_no_threads(pid_t thread_leader)
{
	struct snap v;
	int n = 0;

	if (take(&v, NSINFO_SCAN_NO_THREADS | NSINFO_SCAN_BPF))
		BAIL_VOID("NO_THREADS snapshot");
	for (size_t i = 0; i < v.np; i++)
		n += v.p[i].tgid == thread_leader && (v.p[i].flags & NSINFO_PROC_THREAD);
	is(n, 0, "NO_THREADS: no thread rows from the BPF source");
	nsinfo_snapshot_unref(v.s);
}

static int start(pid_t *user, pid_t *thread_leader)
{
	void (*const fns[])(void) = { run_nest, run_thread, run_pid_nofork, run_time };
	size_t want = 4 + 1 + 1 + 1, got = 0; /* nest levels, thread, nofork, time */
	char path[64], c;
	int fd;

	if (pipe2(ready_pipe, O_CLOEXEC) || pipe2(hold_pipe, O_CLOEXEC))
		return -1;
	*user = spawn(run_userns);
	if (*user < 0 || read(ready_pipe[0], &c, 1) != 1)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)*user);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0 100000 1000", 13) != 13)
		return -1;
	close(fd);
	if (write(hold_pipe[1], "m", 1) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		pid_t p = spawn(fns[i]);

		if (p < 0)
			return -1;
		if (fns[i] == run_thread)
			*thread_leader = p;
	}
	while (got < want && read(ready_pipe[0], &c, 1) == 1)
		got++;
	return got == want ? 0 : -1;
}

int main(void)
{
	struct snap bpf = { 0 }, proc = { 0 };
	pid_t user = 0, leader = 0, zombie;
	siginfo_t si;
	const char *why = NULL;
	int r;

	if (tap_not_root("the population needs namespaces and setuid"))
		return tap_done();
	if (start(&user, &leader))
		BAIL("population started");
	zombie = spawn(run_exit);
	ok(zombie > 0 && waitid(P_PID, (id_t)zombie, &si, WEXITED | WNOWAIT) == 0,
	   "zombie %d exited, not reaped", (int)zombie);

	r = take(&bpf, NSINFO_SCAN_BPF);
	is(r, 0, "NSINFO_SCAN_BPF snapshot");
	if (r == 0 && strcmp(nsinfo_snapshot_source(bpf.s, &why), "bpf")) {
		/* only where the kernel or privileges truly lack it */
		skip("[bpf] BPF source unavailable here: %s", why ? why : "?");
	} else if (r == 0) {
		is(take(&proc, NSINFO_SCAN_PROC), 0, "/proc snapshot");
		if (proc.s)
			compare(&bpf, &proc);
		if (proc.s)
			test_refresh(&proc);
		test_coverage(&bpf);
		test_sources();
		test_auto();
		test_no_threads(leader);
	}
	nsinfo_snapshot_unref(bpf.s);
	nsinfo_snapshot_unref(proc.s);

	close(hold_pipe[1]);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return tap_done();
}

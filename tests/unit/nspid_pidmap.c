/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsinfo pid translation against namespaces with known pids: the
 * nspid_nest helper's (clone3 set_tid + SCM_CREDENTIALS) and, for exit and
 * pid reuse, processes this test makes itself with clone3 set_tid. Both the
 * ioctl path and the /proc-scan fallback are checked against the same truth.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat.h"
#include "nsinfo.h"
#include "tap.h"

#define MAXP 16

struct tproc {
	char name[16];
	pid_t pid[8];   /* level 0 first */
	int nlevels;
};
struct tns {
	char name[16];
	pid_t init;
	unsigned long long ino, nsid;
};
struct tthread {
	pid_t tid0, tidn, tgid0;
};

static struct tproc procs[MAXP];
static struct tns nss[MAXP];
static struct tthread threads[4];
static int nprocs, nns, nthreads;

static const struct tproc *proc_named(const char *n)
{
	for (int i = 0; i < nprocs; i++)
		if (!strcmp(procs[i].name, n))
			return &procs[i];
	return NULL;
}

static const struct tns *ns_named(const char *n)
{
	for (int i = 0; i < nns; i++)
		if (!strcmp(nss[i].name, n))
			return &nss[i];
	return NULL;
}

static int read_truth(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char kind[8], name[16];
		int off, n;

		if (sscanf(line, "%7s %15s%n", kind, name, &off) != 2)
			continue;
		if (!strcmp(kind, "ns") && nns < MAXP) {
			struct tns *t = &nss[nns++];
			int init;

			snprintf(t->name, sizeof(t->name), "%s", name);
			sscanf(line + off, "%d %llu %llu", &init, &t->ino, &t->nsid);
			t->init = init;
		} else if (!strcmp(kind, "proc") && nprocs < MAXP) {
			struct tproc *t = &procs[nprocs++];
			const char *p = line + off;
			int v;

			snprintf(t->name, sizeof(t->name), "%s", name);
			while (t->nlevels < 8 && sscanf(p, "%d%n", &v, &n) == 1) {
				t->pid[t->nlevels++] = v;
				p += n;
			}
		} else if (!strcmp(kind, "thread") && nthreads < 4) {
			struct tthread *t = &threads[nthreads++];
			int a, b, c;

			sscanf(line + off, "%d %d %d", &a, &b, &c);
			t->tid0 = a;
			t->tidn = b;
			t->tgid0 = c;
		}
	}
	fclose(f);
	return 0;
}

/* The pid namespace of a process, without /proc. */
static int pidns_fd(pid_t pid)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int fd = pfd < 0 ? -1 : ioctl(pfd, PIDFD_GET_PID_NAMESPACE, 0);

	if (pfd >= 0)
		close(pfd);
	return fd;
}

static pid_t start_nest(const char *out)
{
	const char *build = getenv("BUILD");
	char helper[4096];
	pid_t pid;

	snprintf(helper, sizeof(helper), "%s/tests/helpers/nspid_nest", build ? build : "build");
	pid = fork();
	if (pid == 0) {
		/* kept across execve: the helper goes when this test does */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(helper, helper, out, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400 && access(out, F_OK); i++)
		usleep(25000);
	return pid;
}

/* The namespace of each level of a helper process, by its inits. */
static const char *level_ns[][4] = {
	/* by process name: the init names of levels 1.. */
	{ "a1", "a1" }, { "a2", "a1", "a2" }, { "a3", "a1", "a2", "a3" },
	{ "app", "a1", "a2", "a3" }, { "thr", "a1", "a2", "a3" },
	{ "b2", "a1", "b2" }, { "b1", "b1" }, { "sib", "b1" },
};

static const char *ns_of_level(const char *proc, int level)
{
	for (size_t i = 0; i < sizeof(level_ns) / sizeof(level_ns[0]); i++)
		if (!strcmp(level_ns[i][0], proc))
			return level_ns[i][level];
	return NULL;
}

static void check_chains(struct nsinfo_pidmap *m)
{
	for (int i = 0; i < nprocs; i++) {
		const struct tproc *t = &procs[i];
		struct nsinfo_pidchain c;
		int r = nsinfo_pidmap_lookup(m, t->pid[0], &c), good = 1;

		is(r, 0, "lookup %s (%d)", t->name, (int)t->pid[0]);
		if (r)
			continue;
		is(c.nlevels, t->nlevels, "%s: %d levels", t->name, t->nlevels);
		for (int l = 0; l < t->nlevels && l < c.nlevels; l++) {
			const struct tns *ns = l ? ns_named(ns_of_level(t->name, l)) : NULL;

			good &= c.levels[l].pid == t->pid[l];
			if (ns)
				good &= c.levels[l].ino == ns->ino && c.levels[l].nsid == ns->nsid;
		}
		ok(good, "%s: pid, namespace inode and id at every level", t->name);
		is_str(c.comm, t->name, "%s: command", t->name);
		is(nsinfo_pidchain_check(&c), 0, "%s: still the same process", t->name);
		if (t->nlevels > 1) {
			char host[65] = "";

			is(nsinfo_pidmap_hostname(m, &c, host, sizeof(host)), 0, "%s: hostname", t->name);
			is_str(host, ns_of_level(t->name, t->nlevels - 1),
			       "%s: hostname is its innermost init's", t->name);
		}
		nsinfo_pidchain_release(&c);
		is(c.pidfd, -1, "release drops the pin");
	}
}

/* Every process at every inner level back to the caller's pid. */
static void check_inner(struct nsinfo_pidmap *m, const char *mode)
{
	int bad = 0, n = 0;

	for (int i = 0; i < nprocs; i++) {
		const struct tproc *t = &procs[i];

		for (int l = 1; l < t->nlevels; l++) {
			const struct tns *ns = ns_named(ns_of_level(t->name, l));
			int fd = ns ? pidns_fd(ns->init) : -1;
			struct nsinfo_pidchain c;
			int r = fd < 0 ? -EBADF : nsinfo_pidmap_lookup_in(m, fd, t->pid[l], &c);

			n++;
			if (r || c.levels[0].pid != t->pid[0] || c.nlevels != t->nlevels) {
				bad++;
				diag("%s: %s at level %d (%d): r=%d", mode, t->name, l,
				     (int)t->pid[l], r);
			}
			if (!r)
				nsinfo_pidchain_release(&c);
			if (fd >= 0)
				close(fd);
		}
	}
	ok(n >= 12 && bad == 0, "%s: %d inner pids map back to the caller's", mode, n);
}

static void check_threads(struct nsinfo_pidmap *mt, struct nsinfo_pidmap *mp, const char *mode)
{
	int fd = pidns_fd(proc_named("thr")->pid[0]);

	ok(nthreads == 2, "helper reported its threads");
	for (int i = 0; i < nthreads; i++) {
		const struct tthread *t = &threads[i];
		struct nsinfo_pidchain c;
		int r = nsinfo_pidmap_lookup_in(mt, fd, t->tidn, &c);

		is(r, 0, "%s: thread %d of ns3 with THREADS", mode, (int)t->tidn);
		if (!r) {
			is(c.levels[0].pid, t->tid0, "%s: its host tid", mode);
			is(c.levels[0].tgid, t->tgid0, "%s: its host process", mode);
			is(c.levels[c.nlevels - 1].tgid, 9, "%s: its process in ns3", mode);
			ok(c.flags & NSINFO_PIDCHAIN_THREAD, "%s: flagged as a thread", mode);
			nsinfo_pidchain_release(&c);
		}
		is(nsinfo_pidmap_lookup_in(mp, fd, t->tidn, &c), -ECHILD,
		   "%s: without THREADS an inner tid is refused", mode);
		is(nsinfo_pidmap_lookup(mp, t->tid0, &c), -ECHILD,
		   "%s: without THREADS a host tid is refused", mode);
	}
	close(fd);
}

static void check_siblings(struct nsinfo_pidmap *m, const char *mode)
{
	const struct tns *a1 = ns_named("a1"), *b1 = ns_named("b1"), *b2 = ns_named("b2");
	int fd1 = pidns_fd(b1->init), fd2 = pidns_fd(b2->init);
	struct nsinfo_pidchain c;
	int r = nsinfo_pidmap_lookup_in(m, fd1, 7, &c);

	is(r, 0, "%s: pid 7 of ns1b", mode);
	if (!r) {
		is(c.levels[0].pid, proc_named("sib")->pid[0], "%s: is sib, not app", mode);
		is(nsinfo_pidchain_level(&c, a1->ino, a1->nsid), -EXDEV,
		   "%s: a sibling cannot see it", mode);
		is(nsinfo_pidchain_level(&c, b1->ino, b1->nsid), 1, "%s: its own at level 1", mode);
		nsinfo_pidchain_release(&c);
	}
	is(nsinfo_pidmap_lookup_in(m, fd2, 7, &c), -ESRCH, "%s: no pid 7 in ns2b", mode);
	close(fd1);
	close(fd2);
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

/* the namespace's own proc (default) and the walk of the host (scan) */
static void check_members(struct nsinfo_pidmap *m, const char *mode)
{
	const char *in_ns1[] = { "a1", "a2", "a3", "app", "b2", "thr" };
	pid_t want[8], got[16];
	struct nsinfo_pidchain *v;
	size_t n = 0, k = 0;
	int fd = pidns_fd(ns_named("a1")->init);
	int r = nsinfo_pidmap_members(m, fd, &v, &n);

	is(r, 0, "%s: members of ns1", mode);
	for (size_t i = 0; i < 6; i++)
		want[i] = proc_named(in_ns1[i])->pid[0];
	for (size_t i = 0; !r && i < n && k < 16; i++)
		got[k++] = v[i].levels[0].pid;
	qsort(want, 6, sizeof(pid_t), cmp_pid);
	qsort(got, k, sizeof(pid_t), cmp_pid);
	ok(k == 6 && !memcmp(want, got, sizeof(pid_t) * 6),
	   "%s: members of ns1: exactly its 6 processes, nested ones included (%zu)", mode, k);
	if (!r)
		free(v);
	close(fd);
}

/* ----------------------------------------------- exit and pid reuse */

static pid_t clone3_in(unsigned long long flags, pid_t *tids, int ntids)
{
	struct clone_args a = { .flags = flags, .exit_signal = SIGCHLD,
				.set_tid = (uintptr_t)tids, .set_tid_size = (uint64_t)ntids };
	pid_t p = (pid_t)syscall(SYS_clone3, &a, sizeof(a));

	if (p == 0) {
		for (;;)
			pause();
	}
	return p;
}

static void check_exit_and_reuse(struct nsinfo_pidmap *m, const char *mode)
{
	pid_t one = 1, seven = 7, init, c1, c2;
	int self = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC), xfd, pfd;
	struct nsinfo_pidchain a, b;
	siginfo_t si;

	init = clone3_in(CLONE_NEWPID, &one, 1);
	xfd = pidns_fd(init);
	pfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (init < 0 || xfd < 0 || pfd < 0 || setns(pfd, CLONE_NEWPID) < 0) {
		ok(0, "%s: a pid namespace of our own", mode);
		return;
	}
	c1 = clone3_in(0, &seven, 1);
	is(nsinfo_pidmap_lookup_in(m, xfd, 7, &a), 0, "%s: pid 7 of our namespace", mode);
	is(a.levels[0].pid, c1, "%s: is the one clone3 made", mode);

	kill(c1, SIGKILL);
	waitid(P_PID, (id_t)c1, &si, WEXITED | WNOWAIT);
	is(nsinfo_pidchain_check(&a), 0, "%s: exited but unreaped: its pid is not free yet", mode);
	waitpid(c1, NULL, 0);
	is(nsinfo_pidchain_check(&a), -ESTALE, "%s: reaped: the pinned lookup is stale", mode);
	is(nsinfo_pidmap_lookup_in(m, xfd, 7, &b), -ESRCH, "%s: and pid 7 is gone", mode);

	c2 = clone3_in(0, &seven, 1);
	ok(c2 > 0, "%s: pid 7 reused by a new process", mode);
	is(nsinfo_pidmap_lookup_in(m, xfd, 7, &b), 0, "%s: pid 7 again", mode);
	is(b.levels[0].pid, c2, "%s: now names the new process", mode);
	is(nsinfo_pidchain_check(&a), -ESTALE, "%s: the old lookup stays stale", mode);
	is(nsinfo_pidchain_check(&b), 0, "%s: the new one is live", mode);
	nsinfo_pidchain_release(&a);
	nsinfo_pidchain_release(&b);

	setns(self, CLONE_NEWPID);
	kill(init, SIGKILL); /* takes c2 with it */
	waitpid(c2, NULL, 0);
	waitpid(init, NULL, 0);
	close(self);
	close(xfd);
	close(pfd);
}

int main(void)
{
	char out[64];
	struct nsinfo_pidmap *m, *mt, *ms, *mst, *mp = NULL;
	struct nsinfo_pidchain c;
	pid_t nest;
	int netfd;

	if (tap_not_root("nspid_nest needs pid and user namespaces"))
		return tap_done();
	snprintf(out, sizeof(out), "/tmp/nspid_pidmap.%d", (int)getpid());
	nest = start_nest(out);
	if (read_truth(out) < 0 || nprocs < 8)
		BAIL("nspid_nest came up");
	unlink(out);

	is(nsinfo_pidmap_new(NULL, 0, &m), 0, "pidmap");
	is(nsinfo_pidmap_new(NULL, NSINFO_PIDMAP_THREADS, &mt), 0, "pidmap, threads");
	is(nsinfo_pidmap_new(NULL, NSINFO_PIDMAP_NO_IOCTL, &ms), 0, "pidmap, scan fallback");
	is(nsinfo_pidmap_new(NULL, NSINFO_PIDMAP_NO_IOCTL | NSINFO_PIDMAP_THREADS, &mst), 0,
	   "pidmap, scan fallback, threads");
	if (!m || !mt || !ms || !mst)
		BAIL("pidmaps");

	check_chains(m);
	check_inner(m, "ioctl");
	check_inner(ms, "scan");
	check_threads(mt, m, "ioctl");
	check_threads(mst, ms, "scan");
	check_siblings(m, "ioctl");
	check_siblings(ms, "scan");
	check_members(m, "nsproc");
	check_members(ms, "scan");
	check_exit_and_reuse(m, "ioctl");
	check_exit_and_reuse(ms, "scan");

	netfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	is(nsinfo_pidmap_lookup_in(m, netfd, 1, &c), -EMEDIUMTYPE, "a net namespace: refused");
	close(netfd);
	is(nsinfo_pidmap_lookup(m, 0, &c), -EINVAL, "pid 0: invalid");
	is(nsinfo_pidmap_lookup(m, 99999999, &c), -ESRCH, "pid 99999999: no such process");
	is_str(nsinfo_pid_strerror(-EXDEV), "not visible from that pid namespace", "EXDEV worded");
	ok(nsinfo_pidmap_new("/nonexistent/proc", 0, &mp) == -ENOENT && !mp, "a missing proc root");
	nsinfo_pidmap_unref(NULL);
	ok(nsinfo_pidmap_ref(m) == m, "ref");
	nsinfo_pidmap_unref(m);

	nsinfo_pidmap_unref(m);
	nsinfo_pidmap_unref(mt);
	nsinfo_pidmap_unref(ms);
	nsinfo_pidmap_unref(mst);
	kill(nest, SIGTERM);
	waitpid(nest, NULL, 0);
	return tap_done();
}

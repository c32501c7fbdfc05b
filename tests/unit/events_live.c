/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event source against real namespace operations: workloads run in
 * forked children, record what they did and what /proc/self/ns says
 * afterwards in shared memory, and every event is checked against that.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "tap.h"
#include "nsinfo.h"
#include "compat.h"

#define MAXOPS 16
#define NUNSHARE 5

static const char *const slot_file[NSINFO_EV_NSLOTS] = {
	"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts",
	"pid_for_children", "time_for_children",
};

/* What a workload saw: per operation, its result and /proc/self/ns after */
struct truth {
	int nops;
	long ret[MAXOPS];
	int err[MAXOPS];
	struct nsinfo_event_ns ns[MAXOPS][NSINFO_EV_NSLOTS];
	struct nsinfo_event_ns target[MAXOPS];    /* setns nsfd / expected child ns */
	struct nsinfo_event_ns child[NSINFO_EV_NSLOTS];
	pid_t child_pid, child_vpid;
};

static struct truth *T;

static void read_ns_fd(int fd, struct nsinfo_event_ns *out)
{
	struct stat sb;

	out->ino = fstat(fd, &sb) == 0 ? sb.st_ino : 0;
	if (nsinfo_fd_nsid(fd, &out->nsid) < 0)
		out->nsid = 0;
}

static void read_self_ns(struct nsinfo_event_ns *out)
{
	char path[64];

	for (int s = 0; s < NSINFO_EV_NSLOTS; s++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", slot_file[s]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		out[s] = (struct nsinfo_event_ns){ 0, 0 };
		if (fd >= 0) {
			read_ns_fd(fd, &out[s]);
			close(fd);
		}
	}
}

static void record(long ret)
{
	int i = T->nops++;

	T->ret[i] = ret;
	T->err[i] = ret < 0 ? errno : 0;
	read_self_ns(T->ns[i]);
}

/* ----------------------------------------------------------- collector */

struct coll {
	struct nsinfo_event v[256];
	size_t n;
};

static int collect(const struct nsinfo_event *e, void *ud)
{
	struct coll *c = ud;

	if (c->n < sizeof(c->v) / sizeof(c->v[0]))
		c->v[c->n++] = *e;
	return 0;
}

/* Events of one process, in order */
static size_t events_of(const struct coll *c, pid_t tgid, const struct nsinfo_event **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n && n < max; i++)
		if (c->v[i].tgid == tgid)
			out[n++] = &c->v[i];
	return n;
}

static pid_t run(void (*fn)(void))
{
	pid_t pid;
	int st;

	memset(T, 0, sizeof(*T));
	pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "workload %d ran", (int)pid);
	return pid;
}

static bool ns_eq(const struct nsinfo_event_ns *a, const struct nsinfo_event_ns *b)
{
	return a->ino == b->ino && a->nsid == b->nsid && a->ino;
}

static bool all_ns_eq(const struct nsinfo_event_ns *a, const struct nsinfo_event_ns *b, int *bad)
{
	for (int s = 0; s < NSINFO_EV_NSLOTS; s++)
		if (!ns_eq(&a[s], &b[s])) {
			*bad = s;
			return false;
		}
	return true;
}

/* ----------------------------------------------------------- workloads */

static void w_unshare(void)
{
	for (int i = 0; i < NUNSHARE; i++)
		record(unshare(CLONE_NEWUTS | CLONE_NEWIPC));
}

static void w_setns_fd(void)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	read_ns_fd(fd, &T->target[1]);
	record(unshare(CLONE_NEWUTS));
	record(setns(fd, CLONE_NEWUTS));
	record(setns(fd, CLONE_NEWNET));           /* wrong type: EINVAL */
	record(setns(1000, 0));                    /* not open: EBADF */
}

static void w_setns_pidfd(void)
{
	int p[2], pidfd;
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		_exit(1);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWUTS | CLONE_NEWNET) < 0)
			_exit(1);
		read_self_ns(T->child);
		close(p[0]);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		_exit(1);
	T->child_pid = pid;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	record(setns(pidfd, CLONE_NEWUTS | CLONE_NEWNET));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* child side of clone3 / unshare -p -f: report what it is in */
static void report_child(int fd)
{
	read_self_ns(T->child);
	T->child_vpid = getpid();
	close(fd);
	_exit(0);
}

static void w_clone3(void)
{
	struct clone_args ca = {
		.flags = CLONE_NEWPID | CLONE_NEWUTS,
		.exit_signal = SIGCHLD,
	};
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));

	if (pid == 0)
		report_child(-1);
	record(pid);
	T->child_pid = (pid_t)pid;
	waitpid((pid_t)pid, NULL, 0);
}

static void w_unshare_fork(void)
{
	pid_t pid;

	record(unshare(CLONE_NEWPID));
	pid = fork();
	if (pid == 0)
		report_child(-1);
	T->child_pid = pid;
	waitpid(pid, NULL, 0);
}

static void w_clone_legacy(void)
{
	/* glibc's clone() needs a stack; the raw syscall with a NULL stack
	 * behaves like fork */
	long pid = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, NULL, NULL, NULL, 0);

	if (pid == 0)
		report_child(-1);
	record(pid);
	T->child_pid = (pid_t)pid;
	waitpid((pid_t)pid, NULL, 0);
}

static void w_filtered(void)
{
	int uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	int net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	record(unshare(CLONE_NEWNET));            /* net, succeeds */
	record(setns(uts, CLONE_NEWNET));         /* net, fails */
	record(setns(net, CLONE_NEWUTS));         /* uts, fails */
}

/* the child (ours) and a grandchild (not ours) each unshare uts */
static void w_not_self(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		record(unshare(CLONE_NEWUTS));
		_exit(0);
	}
	T->child_pid = pid;
	waitpid(pid, NULL, 0);
	record(unshare(CLONE_NEWUTS));
}

static void w_storm(void)
{
	for (int i = 0; i < 50; i++)
		unshare(CLONE_NEWUTS);
}

/* -------------------------------------------------------------- checks */

static struct nsinfo_events *open_source(struct coll *c, unsigned flags, unsigned types,
					 size_t rb)
{
	struct nsinfo_events_opts o = {
		.size = sizeof(o), .flags = flags | NSINFO_EVENTS_FULL, .types = types, .pid = getpid(),
		.ringbuf_bytes = rb, .cb = collect, .userdata = c,
	};
	struct nsinfo_events *ev = NULL;
	int err = nsinfo_events_new(&o, &ev);

	is(err, 0, "event source loads (flags %#x, types %#x)", flags, types);
	return err ? NULL : ev;
}

static void check_unshare(struct nsinfo_events *ev, struct coll *c, const char *mode)
{
	const struct nsinfo_event *e[MAXOPS];
	pid_t pid;
	size_t n;
	int bad = -1;

	c->n = 0;
	pid = run(w_unshare);
	nsinfo_events_consume(ev);
	n = events_of(c, pid, e, MAXOPS);
	is(n, NUNSHARE, "%s: %d unshares, %d events", mode, NUNSHARE, NUNSHARE);
	for (size_t i = 0; i < n && i < NUNSHARE; i++) {
		bool good = e[i]->kind == NSINFO_EV_UNSHARE &&
			    e[i]->flags == (CLONE_NEWUTS | CLONE_NEWIPC) &&
			    e[i]->types == ((1u << NSINFO_UTS) | (1u << NSINFO_IPC)) &&
			    e[i]->ret == 0 && e[i]->pid == pid && e[i]->tgid == pid &&
			    e[i]->ppid == getpid() && e[i]->uid == getuid() &&
			    e[i]->nspid_len >= 1 && e[i]->nspid[0] == pid &&
			    !strcmp(e[i]->comm, "events_live") && e[i]->latency_ns > 0;
		ok(good, "%s: unshare %zu: kind, flags, types, caller, result", mode, i);
		ok(all_ns_eq(e[i]->after, T->ns[i], &bad),
		   "%s: unshare %zu: after ids = /proc/self/ns (slot %d)", mode, i, bad);
		if (i)
			ok(all_ns_eq(e[i]->before, e[i - 1]->after, &bad),
			   "%s: unshare %zu: before = previous after", mode, i);
	}
	if (n)
		ok(e[0]->before[NSINFO_UTS].ino != e[0]->after[NSINFO_UTS].ino &&
		   e[0]->before[NSINFO_NET].ino == e[0]->after[NSINFO_NET].ino,
		   "%s: only the requested types change", mode);
}

static void check_setns_fd(struct nsinfo_events *ev, struct coll *c)
{
	const struct nsinfo_event *e[MAXOPS];
	pid_t pid;
	size_t n;
	int bad = -1;

	c->n = 0;
	pid = run(w_setns_fd);
	nsinfo_events_consume(ev);
	n = events_of(c, pid, e, MAXOPS);
	is(n, 4, "setns by fd: unshare + 3 setns");
	if (n != 4)
		return;
	ok(e[1]->kind == NSINFO_EV_SETNS && e[1]->ret == 0 &&
	   e[1]->target == NSINFO_EV_TARGET_NSFD && e[1]->target_type == NSINFO_UTS &&
	   ns_eq(&e[1]->target_ns, &T->target[1]) && e[1]->flags == CLONE_NEWUTS,
	   "setns(nsfd): target type, inode and 64-bit id of the fd");
	ok(all_ns_eq(e[1]->after, T->ns[1], &bad) && ns_eq(&e[1]->after[NSINFO_UTS], &T->target[1]),
	   "setns(nsfd): after ids = /proc/self/ns = target (slot %d)", bad);
	ok(e[2]->ret == -EINVAL && e[2]->error == EINVAL && T->err[2] == EINVAL &&
	   e[2]->target == NSINFO_EV_TARGET_NSFD && e[2]->types == (1u << NSINFO_NET),
	   "failing setns (wrong type): -EINVAL as the caller saw it");
	ok(all_ns_eq(e[2]->after, e[2]->before, &bad), "failing setns changes nothing");
	ok(e[3]->error == EBADF && T->err[3] == EBADF && e[3]->target == NSINFO_EV_TARGET_OTHER &&
	   e[3]->target_fd == 1000, "setns on a closed fd: EBADF, target other");
}

static void check_setns_pidfd(struct nsinfo_events *ev, struct coll *c)
{
	const struct nsinfo_event *e[MAXOPS];
	pid_t pid;
	size_t n;
	int bad = -1;

	c->n = 0;
	pid = run(w_setns_pidfd);
	nsinfo_events_consume(ev);
	n = events_of(c, pid, e, MAXOPS);
	is(n, 1, "setns by pidfd: one event");
	if (n != 1)
		return;
	ok(e[0]->kind == NSINFO_EV_SETNS && e[0]->ret == 0 &&
	   e[0]->target == NSINFO_EV_TARGET_PIDFD && e[0]->target_pid == T->child_pid &&
	   e[0]->types == ((1u << NSINFO_UTS) | (1u << NSINFO_NET)),
	   "setns(pidfd): target pid %d and types", (int)T->child_pid);
	ok(all_ns_eq(e[0]->after, T->ns[0], &bad), "setns(pidfd): after = /proc/self/ns (slot %d)", bad);
	ok(ns_eq(&e[0]->after[NSINFO_UTS], &T->child[NSINFO_UTS]) &&
	   ns_eq(&e[0]->after[NSINFO_NET], &T->child[NSINFO_NET]),
	   "setns(pidfd): now in the target's uts and net namespaces");
}

static void check_clone(struct nsinfo_events *ev, struct coll *c, void (*w)(void), int kind,
			unsigned types, const char *what)
{
	const struct nsinfo_event *e[MAXOPS];
	pid_t pid;
	size_t n;
	int bad = -1;

	c->n = 0;
	pid = run(w);
	nsinfo_events_consume(ev);
	n = events_of(c, pid, e, MAXOPS);
	is(n, 1, "%s: one event", what);
	if (n != 1)
		return;
	is(e[0]->kind, kind, "%s: kind %s", what, nsinfo_event_kind_name(kind));
	is(e[0]->types, types, "%s: requested types", what);
	ok(e[0]->ret == T->ret[0] && e[0]->child_pid == T->child_pid && T->child_pid > 0,
	   "%s: returns the child %d", what, (int)T->child_pid);
	is(e[0]->child_vpid, T->child_vpid, "%s: child's own pid", what);
	ok(all_ns_eq(e[0]->after, T->child, &bad),
	   "%s: after ids = the child's /proc/self/ns (slot %d)", what, bad);
}

static void check_unshare_fork(struct nsinfo_events *ev, struct coll *c)
{
	const struct nsinfo_event *e[MAXOPS];
	pid_t pid;
	size_t n;
	int bad = -1;

	c->n = 0;
	pid = run(w_unshare_fork);
	nsinfo_events_consume(ev);
	n = events_of(c, pid, e, MAXOPS);
	is(n, 2, "unshare -p -f: unshare and fork events");
	if (n != 2)
		return;
	/* pid_for_children cannot be opened before the namespace has its
	 * init: the truth is the pid namespace the forked child reports */
	ok(e[0]->kind == NSINFO_EV_UNSHARE &&
	   ns_eq(&e[0]->after[NSINFO_EV_SLOT_PID_CHILDREN], &T->child[NSINFO_PID]) &&
	   ns_eq(&e[0]->after[NSINFO_PID], &e[0]->before[NSINFO_PID]),
	   "unshare(NEWPID): pid_for_children changes, own pid ns does not");
	ok(e[1]->kind == NSINFO_EV_FORK && e[1]->types == (1u << NSINFO_PID) &&
	   e[1]->child_pid == T->child_pid && e[1]->child_vpid == 1 && T->child_vpid == 1,
	   "fork into the new pid namespace: child %d is pid 1", (int)T->child_pid);
	ok(all_ns_eq(e[1]->after, T->child, &bad), "fork: after = child's /proc/self/ns (slot %d)", bad);
}

static void check_filters(struct coll *c)
{
	const struct nsinfo_event *e[MAXOPS];
	struct nsinfo_events *ev = open_source(c, NSINFO_EVENTS_FAILED_ONLY, 1u << NSINFO_NET, 0);
	pid_t pid;
	size_t n;

	if (!ev)
		return;
	c->n = 0;
	pid = run(w_filtered);
	nsinfo_events_consume(ev);
	n = events_of(c, pid, e, MAXOPS);
	is(n, 1, "--failed -t net: only the failed net operation");
	if (n == 1)
		ok(e[0]->kind == NSINFO_EV_SETNS && e[0]->error == EINVAL &&
		   e[0]->types == (1u << NSINFO_NET), "the one event is setns(uts fd, NEWNET)");
	nsinfo_events_unref(ev);
}

/* NOT_SELF: our own operations and our children's are dropped in the
 * kernel (nstop's hostname reader is such a child); a grandchild's stay. */
static void check_not_self(struct coll *c)
{
	struct nsinfo_events *ev = open_source(c, NSINFO_EVENTS_NOT_SELF, 1u << NSINFO_UTS, 0);
	const struct nsinfo_event *e[MAXOPS];
	pid_t pid;
	int r;

	if (!ev)
		return;
	c->n = 0;
	pid = run(w_not_self);
	r = unshare(CLONE_NEWUTS);
	nsinfo_events_consume(ev);
	ok(T->nops == 2 && T->ret[0] == 0 && T->ret[1] == 0 && r == 0, "three unshares done");
	is(events_of(c, pid, e, MAXOPS), 0, "NOT_SELF: our child's unshare is not reported");
	is(events_of(c, getpid(), e, MAXOPS), 0, "NOT_SELF: our own unshare is not reported");
	is(events_of(c, T->child_pid, e, MAXOPS), 1, "NOT_SELF: a grandchild's unshare is");
	nsinfo_events_unref(ev);
}

static void check_lost(struct coll *c)
{
	struct nsinfo_events *ev = open_source(c, 0, 1u << NSINFO_UTS, 4096);
	uint64_t lost = 0;
	pid_t pid;
	size_t n;

	if (!ev)
		return;
	c->n = 0;
	pid = run(w_storm);
	nsinfo_events_consume(ev);
	n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += c->v[i].tgid == pid;
	is(nsinfo_events_lost(ev, &lost), 0, "lost counter readable");
	ok(lost > 0, "a 4 KiB ring buffer overflows (%llu lost)", (unsigned long long)lost);
	is(n + lost, 50, "received (%zu) + lost (%llu) = 50 operations", n, (unsigned long long)lost);
	nsinfo_events_unref(ev);
}

static void check_poll(struct nsinfo_events *ev, struct coll *c)
{
	int fd = nsinfo_events_fd(ev);
	pid_t pid;
	int n;

	ok(fd >= 0 && fcntl(fd, F_GETFD) & FD_CLOEXEC, "events fd is pollable and O_CLOEXEC");
	c->n = 0;
	pid = run(w_unshare);
	/* the flush timer wakes the reader even below the batch threshold */
	n = nsinfo_events_poll(ev, 1000);
	ok(n >= 1 && c->n >= 1 && c->v[0].tgid == pid, "poll delivers batched events (%d)", n);
}

int main(void)
{
	struct coll *c = calloc(1, sizeof(*c));
	struct nsinfo_events *ev;
	char why[256];

	T = mmap(NULL, sizeof(*T), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!c || T == MAP_FAILED)
		BAIL("memory");
	is_str(nsinfo_event_kind_name(NSINFO_EV_FORK), "fork", "kind names");
	if (nsinfo_events_supported(why, sizeof(why)) < 0) {
		skip("[bpf] BPF event source unavailable here: %s", why);
		free(c);
		return tap_done();
	}
	ev = open_source(c, 0, 0, 0);
	if (!ev)
		BAIL("cannot load the probe");
	diag("syscalls hooked through %s", nsinfo_events_attach_mode(ev));
	check_poll(ev, c);
	check_unshare(ev, c, nsinfo_events_attach_mode(ev));
	check_setns_fd(ev, c);
	check_setns_pidfd(ev, c);
	check_clone(ev, c, w_clone3, NSINFO_EV_CLONE3, (1u << NSINFO_PID) | (1u << NSINFO_UTS),
		    "clone3(NEWPID|NEWUTS)");
	check_clone(ev, c, w_clone_legacy, NSINFO_EV_CLONE, 1u << NSINFO_UTS, "clone(NEWUTS|SIGCHLD)");
	check_unshare_fork(ev, c);
	nsinfo_events_unref(ev);

	ev = open_source(c, NSINFO_EVENTS_RAW_SYSCALLS, 0, 0);
	if (ev) {
		is_str(nsinfo_events_attach_mode(ev), "raw_tracepoint", "fallback mode forced");
		check_unshare(ev, c, "raw_tracepoint");
		nsinfo_events_unref(ev);
	}
	check_filters(c);
	check_lost(c);
	check_not_self(c);
	nsinfo_events_unref(NULL);
	free(c);
	return tap_done();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The snapshot graph against real namespaces this test creates:
 *   - a user namespace U1 owned by uid 4321 (with a uid map) owning a net
 *     and a uts namespace, and a user namespace U2 nested in it; the only
 *     process ends up in U2, so U1 is reachable only through nsfs ioctls;
 *   - pid namespaces nested 3 deep (P1 > P2 > P3), each entered by
 *     unshare + fork so the parents also have pid_for_children set;
 *   - a thread with its own uts namespace.
 * Ground truth is what the workloads read from /proc/self themselves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define BAIL_VOID(...) do { ok(0, __VA_ARGS__); return; } while (0)
#define OWNER_UID 4321

/* What a workload reports about itself. */
struct fact {
	pid_t pid;                /* as seen from the host /proc */
	uint64_t ino;             /* of the namespace that matters */
};

static pid_t kids[4];
static int nkids;

static uint64_t self_ino(const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", type);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* The host pid of the caller: /proc is the host's mount. */
static pid_t host_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoi(buf);
}

static void report(int fd, const char *type)
{
	struct fact f = { host_pid(), self_ino(type) };

	if (write(fd, &f, sizeof(f)) != sizeof(f))
		_exit(1);
}

/* A workload step was refused: tell the parent which and why (pid = -errno,
 * ino = the step), then exit. */
enum step { STEP_SETUID = 1, STEP_USERNS, STEP_NESTED_USERNS, STEP_PIDNS, STEP_UTSNS };

static void refused(int fd, enum step step)
{
	struct fact f = { -errno, step };

	if (write(fd, &f, sizeof(f)) != sizeof(f))
		_exit(1);
	_exit(1);
}

/* Read a workload's report: 0, 1 with a TAP skip reason in why when a step
 * needs a privilege this host refuses, -1 when the workload died (the
 * parent holds no write end, so a dead child is EOF, never a hang). */
static int read_fact(int fd, struct fact *f, char *why, size_t len)
{
	static const char *const what[] = {
		[STEP_SETUID] = "[root] setresuid(4321) (needs root)",
		[STEP_USERNS] = "[userns] unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWUTS) refused",
		[STEP_NESTED_USERNS] = "[userns] a nested unshare(CLONE_NEWUSER) refused",
		[STEP_PIDNS] = "[root] unshare(CLONE_NEWPID) refused (needs CAP_SYS_ADMIN)",
		[STEP_UTSNS] = "[root] unshare(CLONE_NEWUTS) refused (needs CAP_SYS_ADMIN)",
	};

	if (read(fd, f, sizeof(*f)) != sizeof(*f))
		return -1;
	if (f->pid >= 0)
		return 0;
	if (f->ino < STEP_SETUID || f->ino > STEP_UTSNS)
		return -1;
	snprintf(why, len, "%s: %s", what[f->ino], strerror((int)-f->pid));
	return 1;
}

static pid_t start(void)
{
	pid_t p = fork();

	if (p == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	else if (p > 0)
		kids[nkids++] = p;
	return p;
}

static void xwrite_file(pid_t pid, const char *file, const char *text)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		diag("write %s: %m", path);
	if (fd >= 0)
		close(fd);
}

/* U1 (uid 4321) with its own net and uts, then U2 inside. Reports the net
 * inode of U1's era and the U2 inode. 0, 1 (skip, why), -1. */
static int start_userns(struct fact *net, struct fact *u2, char *why, size_t len)
{
	int up[2], down[2], r;
	char c;
	pid_t p;

	if (pipe2(up, O_CLOEXEC))
		return -1;
	if (pipe2(down, O_CLOEXEC)) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	p = start();
	if (p == 0) {
		close(up[0]);
		close(down[1]);
		if (setresgid(OWNER_UID, OWNER_UID, OWNER_UID) ||
		    setresuid(OWNER_UID, OWNER_UID, OWNER_UID))
			refused(up[1], STEP_SETUID);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWUTS))
			refused(up[1], STEP_USERNS);
		report(up[1], "net");
		if (read(down[0], &c, 1) != 1)
			_exit(1);
		if (unshare(CLONE_NEWUSER))
			refused(up[1], STEP_NESTED_USERNS);
		report(up[1], "user");
		for (;;)
			pause();
	}
	close(up[1]);
	close(down[0]);
	r = p < 0 ? -1 : read_fact(up[0], net, why, len);
	if (r == 0) {
		xwrite_file(p, "uid_map", "0 4321 1");
		xwrite_file(p, "gid_map", "0 4321 1");
		r = write(down[1], "g", 1) != 1 ? -1 : read_fact(up[0], u2, why, len);
	}
	close(up[0]);
	close(down[1]);
	return r;
}

/* pid[0] is the host-side process with pid_for_children P1; pid[1..3] are
 * the inits of P1..P3 with their pid namespace inodes. */
static int start_pidns(struct fact lvl[4], char *why, size_t len)
{
	int up[2], r = 0;
	pid_t p;

	if (pipe2(up, O_CLOEXEC))
		return -1;
	p = start();
	if (p == 0) {
		close(up[0]);
		for (int depth = 1; depth <= 3; depth++) {
			pid_t c;

			if (unshare(CLONE_NEWPID))
				refused(up[1], STEP_PIDNS);
			c = fork();
			if (c < 0)
				_exit(1);
			if (c > 0) {
				close(up[1]);
				for (;;)
					pause();
			}
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			report(up[1], "pid");
		}
		for (;;)
			pause();
	}
	close(up[1]);
	if (p < 0)
		r = -1;
	else
		lvl[0].pid = p;
	for (int i = 1; i <= 3 && r == 0; i++)
		r = read_fact(up[0], &lvl[i], why, len);
	close(up[0]);
	return r;
}

static int thread_pipe;

static void *thread_main(void *arg)
{
	struct fact f;

	(void)arg;
	if (unshare(CLONE_NEWUTS))
		refused(thread_pipe, STEP_UTSNS);
	f.pid = (pid_t)syscall(SYS_gettid);
	f.ino = self_ino("uts");
	/* /proc/self is the thread group: ask the thread's own task entry */
	{
		char path[96];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/uts", (int)host_pid(), (int)f.pid);
		if (stat(path, &st) == 0)
			f.ino = st.st_ino;
	}
	if (write(thread_pipe, &f, sizeof(f)) != sizeof(f))
		return NULL;
	for (;;)
		pause();
	return NULL;
}

static int start_thread(struct fact *t, pid_t *leader, char *why, size_t len)
{
	int up[2], r;
	pid_t p;

	if (pipe2(up, O_CLOEXEC))
		return -1;
	p = start();
	if (p == 0) {
		pthread_t th;

		close(up[0]);
		thread_pipe = up[1];
		if (pthread_create(&th, NULL, thread_main, NULL))
			_exit(1);
		for (;;)
			pause();
	}
	close(up[1]);
	*leader = p;
	r = p < 0 ? -1 : read_fact(up[0], t, why, len);
	close(up[0]);
	return r;
}

/* ------------------------------------------------------------- assertions */

static const struct nsinfo_ns *NS;
static const struct nsinfo_proc *PROCS;

static int ns_idx(struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	return nsinfo_snapshot_find_ns(s, type, ino);
}

static bool list_has(const uint32_t *list, uint32_t n, int32_t v)
{
	for (uint32_t i = 0; i < n; i++)
		if ((int32_t)list[i] == v)
			return true;
	return false;
}

static void test_users(struct nsinfo_snapshot *s, const struct fact *net, const struct fact *u2f)
{
	int ni = ns_idx(s, NSINFO_NET, net->ino);
	int u2 = ns_idx(s, NSINFO_USER, u2f->ino);
	int top = nsinfo_snapshot_self_ns(s, NSINFO_USER);
	int pi = nsinfo_snapshot_find_proc(s, net->pid);
	int u1;

	if (ni < 0 || u2 < 0 || top < 0 || pi < 0)
		BAIL_VOID("user-ns workload in the snapshot");
	u1 = NS[ni].owner;
	ok(u1 >= 0 && NS[u1].type == NSINFO_USER, "net namespace has an owner user ns");
	if (u1 < 0)
		return;
	is(PROCS[pi].ns[NSINFO_USER], u2, "workload is in U2");
	is(PROCS[pi].ns[NSINFO_NET], ni, "workload still in U1's net");
	is(NS[u2].parent, u1, "U2's parent is U1");
	is(NS[u2].owner, u1, "U2's owner is U1");
	is(NS[u1].parent, top, "U1's parent is our user ns");
	ok(NS[u1].flags & NSINFO_NS_ANCESTOR, "U1 reached only through ioctls: ANCESTOR");
	ok(!(NS[u2].flags & NSINFO_NS_ANCESTOR), "U2 has a process: not ANCESTOR");
	is(NS[u1].nprocs, 0, "U1 has no process");
	is(NS[u2].nprocs, 1, "U2 has the workload");
	is(NS[u1].owner_uid, OWNER_UID, "U1 owner uid");
	is(NS[u2].owner_uid, OWNER_UID, "U2 owner uid (mapped back to the host)");
	is(NS[u1].level, NS[top].level + 1, "U1 level");
	is(NS[u2].level, NS[top].level + 2, "U2 level");
	ok(list_has(NS[u1].owned, NS[u1].nowned, ni), "U1 owns the net ns");
	ok(list_has(NS[u1].owned, NS[u1].nowned, PROCS[pi].ns[NSINFO_UTS]), "U1 owns the uts ns");
	ok(list_has(NS[u1].owned, NS[u1].nowned, u2), "U1 owns U2");
	ok(list_has(NS[u1].children, NS[u1].nchildren, u2), "U2 is U1's child");
	ok(list_has(NS[top].children, NS[top].nchildren, u1), "U1 is our user ns's child");
	ok(NS[u1].nsid && NS[u2].nsid && NS[u1].nsid != NS[u2].nsid, "user ns ids");
}

static void test_pids(struct nsinfo_snapshot *s, const struct fact lvl[4])
{
	int top = nsinfo_snapshot_self_ns(s, NSINFO_PID);
	int self_user = nsinfo_snapshot_self_ns(s, NSINFO_USER);
	int self = nsinfo_snapshot_find_proc(s, host_pid());
	int idx[4] = { top, -1, -1, -1 };

	if (top < 0 || self < 0)
		BAIL_VOID("own pid ns and process in the snapshot");
	for (int i = 1; i <= 3; i++) {
		int pi = nsinfo_snapshot_find_proc(s, lvl[i].pid);

		idx[i] = ns_idx(s, NSINFO_PID, lvl[i].ino);
		if (idx[i] < 0 || pi < 0)
			BAIL_VOID("pid level %d in the snapshot", i);
		is(PROCS[pi].ns[NSINFO_PID], idx[i], "init of P%d is in P%d", i, i);
		is(NS[idx[i]].parent, idx[i - 1], "P%d's parent", i);
		is(NS[idx[i]].level, NS[top].level + i, "P%d level", i);
		is(NS[idx[i]].owner, self_user, "P%d owned by our user ns", i);
		is(NS[idx[i]].nprocs, 1, "P%d has one process of its own", i);
		ok(NS[idx[i]].nprocs && (pid_t)PROCS[NS[idx[i]].procs[0]].pid == lvl[i].pid,
		   "P%d member is its init", i);
		ok(list_has(NS[idx[i - 1]].children, NS[idx[i - 1]].nchildren, idx[i]),
		   "P%d is a child of its parent", i);
		is(PROCS[pi].nspid_len, PROCS[self].nspid_len + i, "NSpid of P%d's init: %d levels deeper", i, i);
		is(PROCS[pi].nspid[0], lvl[i].pid, "NSpid starts with the host pid");
		is(PROCS[pi].nspid[PROCS[pi].nspid_len - 1], 1, "NSpid ends with 1 (an init)");
		ok(NS[idx[i]].nsid != 0, "P%d has a 64-bit id", i);
	}
	ok(NS[idx[1]].nsid != NS[idx[2]].nsid && NS[idx[2]].nsid != NS[idx[3]].nsid, "ids differ");
	is(nsinfo_snapshot_find_nsid(s, NSINFO_PID, NS[idx[3]].nsid), idx[3], "find by id");
	is(nsinfo_snapshot_find_nsid(s, NSINFO_NET, NS[idx[3]].nsid), -ENOENT, "find by id, wrong type");

	/* the host-side process unshared P1 and stays outside it */
	int p0 = nsinfo_snapshot_find_proc(s, lvl[0].pid);

	ok(p0 >= 0 && PROCS[p0].ns[NSINFO_PID] == top, "P1's creator stays in our pid ns");
	ok(p0 >= 0 && PROCS[p0].pid_for_children == idx[1], "... with pid_for_children P1");
	bool held = false;

	for (uint32_t h = 0; h < NS[idx[1]].nholders; h++)
		if (NS[idx[1]].holders[h].kind == NSINFO_HOLD_CHILDREN &&
		    NS[idx[1]].holders[h].pid == lvl[0].pid)
			held = true;
	ok(held, "P1 held by its creator as pid_for_children");
}

static void test_thread(struct nsinfo_snapshot *s, const struct fact *t, pid_t leader)
{
	int ti = nsinfo_snapshot_find_proc(s, t->pid);
	int li = nsinfo_snapshot_find_proc(s, leader);
	int ui = ns_idx(s, NSINFO_UTS, t->ino);

	if (ti < 0 || li < 0 || ui < 0)
		BAIL_VOID("thread %d and its uts ns in the snapshot", (int)t->pid);
	ok(PROCS[ti].flags & NSINFO_PROC_THREAD, "thread row flagged THREAD");
	is(PROCS[ti].tgid, leader, "thread's tgid is its leader");
	is(PROCS[ti].ns[NSINFO_UTS], ui, "thread's own uts ns");
	ok(PROCS[li].ns[NSINFO_UTS] != ui, "leader is not in it");
	is(NS[ui].nprocs, 0, "a thread is not a member process");
	ok(NS[ui].nholders >= 1 && NS[ui].holders[0].kind == NSINFO_HOLD_THREAD &&
	   NS[ui].holders[0].pid == t->pid, "thread listed as holder");
}

static void test_host(struct nsinfo_snapshot *s)
{
	struct nsinfo_coverage cov;
	char buf[64];
	int self_net = nsinfo_snapshot_self_ns(s, NSINFO_NET);

	nsinfo_snapshot_coverage(s, &cov);
	ok(cov.scanned > 0 && cov.scanned >= cov.denied + cov.vanished, "coverage adds up");
	ok(self_net >= 0 && NS[self_net].ino == self_ino("net"), "own net ns found");
	ok(self_net >= 0 && NS[self_net].dev != 0, "nsfs device recorded");
	if (readlink("/proc/1/ns/net", buf, sizeof(buf)) < 0 && (errno == EACCES || errno == EPERM)) {
		/* /proc's permission view: the BPF source may list pid 1 in full */
		struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = NSINFO_SCAN_PROC };
		struct nsinfo_snapshot *ps = NULL;
		const struct nsinfo_proc *pp;
		int i = -1;

		if (nsinfo_snapshot_new(&o, &ps) == 0)
			i = nsinfo_snapshot_find_proc(ps, 1);
		pp = nsinfo_snapshot_procs(ps, NULL);
		nsinfo_snapshot_coverage(ps, &cov);
		ok(i >= 0 && (pp[i].flags & NSINFO_PROC_DENIED), "pid 1 (ns refused) flagged DENIED");
		ok(ps && cov.denied >= 1, "denied counted");
		nsinfo_snapshot_unref(ps);
	} else {
		skip("[host] pid 1's ns links are readable here: no denied process to check");
		skip("[host] pid 1's ns links are readable here");
	}
}

static void test_refs(struct nsinfo_snapshot *s, const struct fact lvl[4])
{
	struct nsinfo_nsref r = { .fd = -7 };
	char ref[64];
	int i3 = ns_idx(s, NSINFO_PID, lvl[3].ino);
	int type;
	uint64_t ino, id;

	snprintf(ref, sizeof(ref), "pid:%d", (int)lvl[3].pid);
	is(nsinfo_ref_resolve(s, ref, NSINFO_PID, &r), 0, "resolve %s", ref);
	is(r.ino, lvl[3].ino, "pid:N gives its pid ns");
	is(r.pid, lvl[3].pid, "pid:N records the pid");
	ok(r.fd >= 0 && nsinfo_fd_identify(r.fd, &type, &ino) == 0 && type == NSINFO_PID &&
	   ino == lvl[3].ino, "fd identifies as that pid ns");
	ok(r.fd >= 0 && nsinfo_fd_nsid(r.fd, &id) == 0 && i3 >= 0 && id == NS[i3].nsid,
	   "fd id matches the snapshot");
	if (r.fd >= 0)
		close(r.fd);

	snprintf(ref, sizeof(ref), "id:%llu", i3 >= 0 ? (unsigned long long)NS[i3].nsid : 0ULL);
	r.fd = -7;
	is(nsinfo_ref_resolve(s, ref, -1, &r), 0, "resolve %s", ref);
	ok(r.fd >= 0 && r.ino == lvl[3].ino && r.pid == lvl[3].pid, "id: opened through its process");
	if (r.fd >= 0)
		close(r.fd);

	snprintf(ref, sizeof(ref), "%llu", (unsigned long long)lvl[3].ino);
	is(nsinfo_ref_resolve(s, ref, NSINFO_NET, &r), -EMEDIUMTYPE, "inode of another type");
	snprintf(ref, sizeof(ref), "/proc/%d/ns/pid", (int)lvl[2].pid);
	r.fd = -7;
	is(nsinfo_ref_resolve(s, ref, -1, &r), 0, "resolve a path");
	ok(r.ino == lvl[2].ino && r.type == NSINFO_PID, "path gives that namespace");
	if (r.fd >= 0)
		close(r.fd);
	is(nsinfo_ref_resolve(s, "/etc/hostname", -1, &r), -ENOTTY, "not a namespace file");
	is(nsinfo_ref_resolve(s, "pid:0", NSINFO_NET, &r), -EINVAL, "pid:0");
	/* no inode (32 bits), no namespace id (a boot-time counter: "12" is one
	 * on a host that made many namespaces) and no container id prefix */
	is(nsinfo_ref_resolve(s, "18446744073709551000", -1, &r), -ENOENT, "unknown number");
	is(nsinfo_ref_resolve(NULL, "12", -1, &r), -EINVAL, "inode without snapshot");
}

static void test_no_ioctl(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = NSINFO_SCAN_NO_IOCTL };
	struct nsinfo_snapshot *s;
	const struct nsinfo_ns *ns;
	size_t n;
	bool plain = true;

	if (nsinfo_snapshot_new(&o, &s))
		BAIL_VOID("NO_IOCTL snapshot");
	ns = nsinfo_snapshot_namespaces(s, &n);
	for (size_t i = 0; i < n; i++)
		if (ns[i].nsid || ns[i].parent >= 0 || ns[i].owner >= 0 ||
		    !(ns[i].flags & NSINFO_NS_DETACHED))
			plain = false;
	ok(n > 0 && plain, "NO_IOCTL: %zu namespaces, none asked", n);
	nsinfo_snapshot_unref(s);
}

int main(void)
{
	struct fact net, u2, lvl[4], th;
	struct nsinfo_snapshot *s = NULL;
	char why_user[160] = "", why_pid[160] = "", why_thread[160] = "";
	pid_t leader = 0;
	int user, pid, thread, r;

	/* each workload either runs, or says which privilege it lacks */
	user = start_userns(&net, &u2, why_user, sizeof(why_user));
	pid = start_pidns(lvl, why_pid, sizeof(why_pid));
	thread = start_thread(&th, &leader, why_thread, sizeof(why_thread));
	if (user < 0 || pid < 0 || thread < 0) {
		ok(0, "workloads started (user %d, pid %d, thread %d)", user, pid, thread);
	} else {
		r = nsinfo_snapshot_new(NULL, &s);
		is(r, 0, "snapshot of the host");
		if (r == 0) {
			NS = nsinfo_snapshot_namespaces(s, NULL);
			PROCS = nsinfo_snapshot_procs(s, NULL);
			if (user == 0)
				test_users(s, &net, &u2);
			else
				skip("%s: user namespace graph", why_user);
			if (pid == 0)
				test_pids(s, lvl);
			else
				skip("%s: pid namespace graph", why_pid);
			if (thread == 0)
				test_thread(s, &th, leader);
			else
				skip("%s: a thread's own namespace", why_thread);
			test_host(s);
			if (pid == 0)
				test_refs(s, lvl);
			else
				skip("%s: references to the pid namespaces", why_pid);
			nsinfo_snapshot_unref(s);
		}
		test_no_ioctl();
	}
	for (int i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * nstask.bpf.c - one record per task, for the snapshot's fast path.
 *
 * The /proc walk pays a ptrace access check and a proc inode for each of
 * ten ns links per process, plus a status file. A task iterator reads the
 * same fields straight from task_struct: the reader gets fixed-size records
 * from one fd (bpf_seq_write), in a handful of read() calls.
 *
 * What /proc would show is the contract, field by field: pids as seen from
 * the reader's pid namespace (the iterator only visits tasks visible
 * there), the state letter of get_task_state(), only the pid and user links
 * once nsproxy is gone (a zombie), no pid_for_children link before the
 * namespace has its init, and only those threads whose namespaces differ
 * from their leader's (the threads a /proc scan records).
 *
 * A second program (iter/task_file) lists the open nsfs files of every
 * thread-group leader, what /proc/PID/fd/ shows as "net:[N]" links.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "nstask.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PF_KTHREAD 0x00200000

/* Load-time: skip every non-leader (NSINFO_SCAN_NO_THREADS) */
const volatile bool leaders_only = false;

/* Set before each iteration: fill cpu_ns and rss_pages (NSINFO_SCAN_USAGE) */
bool want_usage = false;

struct nstask_totals totals = {};
/* one record at a time; too big for comfort on the 512-byte BPF stack */
struct nstask_rec rec = {};

/* kernels before 5.14 call __state "state" */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

static __always_inline void read_ns(struct nstask_ns *out, struct ns_common *ns)
{
	out->ino = BPF_CORE_READ(ns, inum);
	if (bpf_core_field_exists(ns->ns_id))
		out->id = BPF_CORE_READ(ns, ns_id);
	else
		out->id = 0;
}

static __always_inline struct upid pid_level(struct pid *pid, unsigned int level)
{
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[level & 63]);
	return up;
}

/* pid_nr_ns(): the number of pid in ns (at nslevel), 0 if ns cannot see it */
static __always_inline __u32 pid_nr_in(struct pid *pid, struct pid_namespace *ns,
				       unsigned int nslevel)
{
	struct upid up;

	if (!pid || BPF_CORE_READ(pid, level) < nslevel)
		return 0;
	up = pid_level(pid, nslevel);
	return up.ns == ns ? (__u32)up.nr : 0;
}

/* task_state_index(): /proc's letters "RSDTtXZP" by index, I apart. In a
 * constant rather than .rodata: clang 14 gives static arrays a BTF offset
 * the kernel rejects. */
#define STATE_LETTERS ((__u64)'R' | (__u64)'S' << 8 | (__u64)'D' << 16 | (__u64)'T' << 24 | \
		       (__u64)'t' << 32 | (__u64)'X' << 40 | (__u64)'Z' << 48 | (__u64)'P' << 56)

static __always_inline char task_state(struct task_struct *t)
{
	unsigned int st, idx = 0;

	if (bpf_core_field_exists(t->__state))
		st = BPF_CORE_READ(t, __state);
	else
		st = (unsigned int)BPF_CORE_READ((struct task_struct___old *)t, state);
	/* TASK_IDLE (UNINTERRUPTIBLE | NOLOAD) reports as I, RTLOCK_WAIT as D */
	if ((st & 0x402) == 0x402)
		return 'I';
	if (st & 0x1000)
		return 'D';
	st = (st | (unsigned int)BPF_CORE_READ(t, exit_state)) & 0x7f;
	/* fls() */
	for (int b = 6; b >= 0; b--)
		if (st & (1u << b)) {
			idx = (unsigned int)b + 1;
			break;
		}
	return (char)(STATE_LETTERS >> (8 * (idx & 7)));
}

/* The pid namespace of children exists for /proc only once it has its init */
static __always_inline void read_pid_children(struct nstask_ns *out, struct pid_namespace *ns)
{
	if (ns && BPF_CORE_READ(ns, child_reaper))
		read_ns(out, &ns->ns);
}

static __always_inline void read_task_ns(struct nstask_rec *r, struct task_struct *t,
					 struct nsproxy *nsp)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	read_ns(&r->ns[NSTASK_SLOT_CGROUP], &BPF_CORE_READ(nsp, cgroup_ns)->ns);
	read_ns(&r->ns[NSTASK_SLOT_IPC], &BPF_CORE_READ(nsp, ipc_ns)->ns);
	read_ns(&r->ns[NSTASK_SLOT_MNT], &BPF_CORE_READ(nsp, mnt_ns)->ns);
	read_ns(&r->ns[NSTASK_SLOT_NET], &BPF_CORE_READ(nsp, net_ns)->ns);
	read_ns(&r->ns[NSTASK_SLOT_PID], &pid_level(pid, level).ns->ns);
	read_ns(&r->ns[NSTASK_SLOT_TIME], &BPF_CORE_READ(nsp, time_ns)->ns);
	read_ns(&r->ns[NSTASK_SLOT_USER], &BPF_CORE_READ(t, real_cred, user_ns)->ns);
	read_ns(&r->ns[NSTASK_SLOT_UTS], &BPF_CORE_READ(nsp, uts_ns)->ns);
	read_pid_children(&r->ns[NSTASK_SLOT_PID_CHILDREN],
			  BPF_CORE_READ(nsp, pid_ns_for_children));
	read_ns(&r->ns[NSTASK_SLOT_TIME_CHILDREN], &BPF_CORE_READ(nsp, time_ns_for_children)->ns);
}

/* ------------------------------------------------------ CPU and memory */

/* Threads summed per process at most (a bpf_loop bound, not a cost) */
#define MAX_THREADS (1 << 20)

struct thread_sum {
	struct list_head *pos, *head;
	__u64 off;                /* of thread_node in task_struct */
	__u64 ns;
};

static long add_thread(__u32 i, void *data)
{
	struct thread_sum *ts = data;
	struct list_head *pos = ts->pos;
	struct task_struct *t;

	if (!pos || pos == ts->head)
		return 1;
	t = (struct task_struct *)((char *)pos - ts->off);
	ts->ns += BPF_CORE_READ(t, se.sum_exec_runtime);
	ts->pos = BPF_CORE_READ(pos, next);
	return 0;
}

/* thread_group_cputime()'s runtime, which /proc/PID/stat's utime + stime
 * add up to: the exited threads' total plus each live thread's */
static __always_inline __u64 group_runtime(struct task_struct *leader)
{
	struct signal_struct *sig = BPF_CORE_READ(leader, signal);
	struct thread_sum ts = {};

	if (!sig)
		return BPF_CORE_READ(leader, se.sum_exec_runtime);
	ts.head = (struct list_head *)__builtin_preserve_access_index(&sig->thread_head);
	ts.pos = BPF_CORE_READ(sig, thread_head.next);
	ts.off = bpf_core_field_offset(struct task_struct, thread_node);
	ts.ns = BPF_CORE_READ(sig, sum_sched_runtime);
	bpf_loop(MAX_THREADS, add_thread, &ts, 0);
	return ts.ns;
}

/* before 6.2 the counters were atomics */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));
struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

static __always_inline __u64 positive(__s64 v)
{
	return v > 0 ? (__u64)v : 0;
}

/* get_mm_rss() as /proc reads it: MM_FILEPAGES (0) + MM_ANONPAGES (1) +
 * MM_SHMEMPAGES (3), each counter's shared value (percpu_counter_read_positive:
 * the per-CPU batches not folded in) */
static __always_inline __u64 mm_rss(struct mm_struct *mm)
{
	struct mm_struct___old *old = (struct mm_struct___old *)mm;

	if (!mm)
		return 0;
	if (bpf_core_type_exists(struct mm_rss_stat___old))
		return positive(BPF_CORE_READ(old, rss_stat.count[0].counter)) +
		       positive(BPF_CORE_READ(old, rss_stat.count[1].counter)) +
		       positive(BPF_CORE_READ(old, rss_stat.count[3].counter));
	return positive(BPF_CORE_READ(mm, rss_stat[0].count)) +
	       positive(BPF_CORE_READ(mm, rss_stat[1].count)) +
	       positive(BPF_CORE_READ(mm, rss_stat[3].count));
}

/* What makes /proc/PID/task/TID/ns differ from the leader's (pid cannot) */
static __always_inline bool ns_differs(struct task_struct *t, struct nsproxy *nsp,
				       struct task_struct *leader)
{
	struct nsproxy *l = BPF_CORE_READ(leader, nsproxy);

	if (!nsp || !l)
		return false;
	return BPF_CORE_READ(nsp, cgroup_ns) != BPF_CORE_READ(l, cgroup_ns) ||
	       BPF_CORE_READ(nsp, ipc_ns) != BPF_CORE_READ(l, ipc_ns) ||
	       BPF_CORE_READ(nsp, mnt_ns) != BPF_CORE_READ(l, mnt_ns) ||
	       BPF_CORE_READ(nsp, net_ns) != BPF_CORE_READ(l, net_ns) ||
	       BPF_CORE_READ(nsp, time_ns) != BPF_CORE_READ(l, time_ns) ||
	       BPF_CORE_READ(nsp, uts_ns) != BPF_CORE_READ(l, uts_ns) ||
	       BPF_CORE_READ(t, real_cred, user_ns) != BPF_CORE_READ(leader, real_cred, user_ns);
}

static __always_inline void fill(struct nstask_rec *r, struct task_struct *t,
				 struct nsproxy *nsp, struct pid_namespace *rns,
				 unsigned int rlevel, bool leader)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	__builtin_memset(r, 0, sizeof(*r));
	r->pid = pid_nr_in(pid, rns, rlevel);
	r->tgid = pid_nr_in(BPF_CORE_READ(t, group_leader, thread_pid), rns, rlevel);
	r->ppid = pid_nr_in(BPF_CORE_READ(t, real_parent, group_leader, thread_pid), rns, rlevel);
	r->euid = BPF_CORE_READ(t, real_cred, euid.val);
	r->egid = BPF_CORE_READ(t, real_cred, egid.val);
	BPF_CORE_READ_STR_INTO(&r->comm, t, comm);
	r->state = task_state(t);
	r->start_ns = BPF_CORE_READ(t, start_boottime);
	if (!leader)
		r->flags |= NSTASK_F_THREAD;
	if (want_usage) {
		r->cpu_ns = leader ? group_runtime(t) : BPF_CORE_READ(t, se.sum_exec_runtime);
		r->rss_pages = mm_rss(BPF_CORE_READ(t, mm));
	}
	if (BPF_CORE_READ(t, flags) & PF_KTHREAD)
		r->flags |= NSTASK_F_KTHREAD;
	for (unsigned int i = 0; i < NSTASK_MAX_LEVELS; i++) {
		if (rlevel + i > level)
			break;
		r->nspid[i] = pid_level(pid, rlevel + i).nr;
		r->nspid_len = i + 1;
	}
	if (nsp) {
		read_task_ns(r, t, nsp);
	} else {
		/* a zombie (or an exiting task) keeps its pid and user links,
		 * as proc_ns_get_link shows them, until it is reaped */
		r->flags |= NSTASK_F_NONS;
		if (pid)
			read_ns(&r->ns[NSTASK_SLOT_PID], &pid_level(pid, level).ns->ns);
		read_ns(&r->ns[NSTASK_SLOT_USER], &BPF_CORE_READ(t, real_cred, user_ns)->ns);
	}
}

SEC("iter/task")
int nstask(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct task_struct *me = bpf_get_current_task_btf();
	struct pid *mypid;
	struct pid_namespace *rns;
	struct nsproxy *nsp;
	unsigned int rlevel;
	bool leader;

	if (!t)
		return 0;
	leader = BPF_CORE_READ(t, group_leader) == t;
	nsp = BPF_CORE_READ(t, nsproxy);
	if (!leader && (leaders_only || !ns_differs(t, nsp, BPF_CORE_READ(t, group_leader)))) {
		if (!leaders_only)
			totals.threads++;
		return 0;
	}
	/* the reader's pid namespace: the iterator's view and /proc's */
	mypid = BPF_CORE_READ(me, thread_pid);
	rlevel = BPF_CORE_READ(mypid, level);
	rns = pid_level(mypid, rlevel).ns;
	fill(&rec, t, nsp, rns, rlevel, leader);
	/* a record the seq buffer refuses is shown again on the next read:
	 * count only what went out */
	if (bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec)) == 0) {
		if (leader)
			totals.leaders++;
		else
			totals.threads++;
	}
	return 0;
}

/* ------------------------------------------------------------ nsfs fds */

#define NSFS_MAGIC 0x6e736673
#define SOCKFS_MAGIC 0x534F434B
#define CLONE_NEWNET_FLAG 0x40000000

/* before 6.18 the type lived in the namespace's operations */
struct proc_ns_operations___old {
	int type;
} __attribute__((preserve_access_index));

struct nsfile_rec frec = {};

static __always_inline __u32 ns_clone_type(struct ns_common *ns)
{
	struct proc_ns_operations___old *ops;

	if (bpf_core_field_exists(ns->ns_type))
		return BPF_CORE_READ(ns, ns_type);
	ops = (struct proc_ns_operations___old *)BPF_CORE_READ(ns, ops);
	if (bpf_core_field_exists(ops->type))
		return (__u32)BPF_CORE_READ(ops, type);
	return 0;
}

SEC("iter/task_file")
int nsfile(struct bpf_iter__task_file *ctx)
{
	struct task_struct *t = ctx->task;
	struct task_struct *me = bpf_get_current_task_btf();
	struct file *f = ctx->file;
	struct ns_common *ns;
	struct pid *mypid;
	unsigned int rlevel;
	unsigned long magic;
	__u32 clone_type;

	/* /proc/PID/fd is the leader's table; a thread with a table of its
	 * own (unshare(CLONE_FILES)) is not in it either */
	if (!t || !f || BPF_CORE_READ(t, group_leader) != t)
		return 0;
	magic = BPF_CORE_READ(f, f_inode, i_sb, s_magic);
	if (magic == SOCKFS_MAGIC) {
		/* a socket pins its net namespace: listed where that is not
		 * the task's own (a socket made in a namespace since left) */
		struct socket *sock = (struct socket *)BPF_CORE_READ(f, private_data);
		struct net *net = BPF_CORE_READ(sock, sk, __sk_common.skc_net.net);

		if (!net || net == BPF_CORE_READ(t, nsproxy, net_ns))
			return 0;
		ns = (struct ns_common *)__builtin_preserve_access_index(&net->ns);
		clone_type = CLONE_NEWNET_FLAG;
	} else if (magic == NSFS_MAGIC) {
		ns = (struct ns_common *)BPF_CORE_READ(f, f_inode, i_private);
		if (!ns)
			return 0;
		clone_type = ns_clone_type(ns);
	} else {
		return 0;
	}
	mypid = BPF_CORE_READ(me, thread_pid);
	rlevel = BPF_CORE_READ(mypid, level);
	frec.tgid = pid_nr_in(BPF_CORE_READ(t, thread_pid), pid_level(mypid, rlevel).ns, rlevel);
	if (!frec.tgid)
		return 0;
	frec.fd = ctx->fd;
	frec.clone_type = clone_type;
	frec.ino = BPF_CORE_READ(ns, inum);
	frec.id = bpf_core_field_exists(ns->ns_id) ? BPF_CORE_READ(ns, ns_id) : 0;
	bpf_seq_write(ctx->meta->seq, &frec, sizeof(frec));
	return 0;
}

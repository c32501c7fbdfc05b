// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * nscount.bpf.c - namespace operations counted in the kernel.
 *
 * The same syscalls as nsevent.bpf.c (clone, clone3, unshare, setns, and
 * plain forks whose child lands in another pid or time namespace), but
 * nothing leaves the kernel per operation: each one increments a per-CPU
 * slot per namespace type it touched, keyed by its result. A reader sums
 * the CPUs. Syscall tracepoints, or raw sys_enter/sys_exit where their ids
 * cannot be read; user space loads one set.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nscount.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define CSIGNAL         0x000000ffULL
#define CLONE_NEWTIME   0x00000080ULL
#define CLONE_THREAD    0x00010000ULL
#define CLONE_NEWNS     0x00020000ULL
#define CLONE_NEWCGROUP 0x02000000ULL
#define CLONE_NEWUTS    0x04000000ULL
#define CLONE_NEWIPC    0x08000000ULL
#define CLONE_NEWUSER   0x10000000ULL
#define CLONE_NEWPID    0x20000000ULL
#define CLONE_NEWNET    0x40000000ULL
#define NS_FLAGS (CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | \
		  CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define NSFS_MAGIC  0x6e736673

#if defined(__TARGET_ARCH_x86)
#define NR_CLONE 56
#define NR_UNSHARE 272
#define NR_SETNS 308
#define SYSCALL_NR(regs) BPF_CORE_READ(regs, orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define NR_CLONE 220
#define NR_UNSHARE 97
#define NR_SETNS 268
#define SYSCALL_NR(regs) BPF_CORE_READ((struct user_pt_regs *)(regs), regs[8])
#else
#error "syscall numbers of this architecture are not known"
#endif
#define NR_CLONE3 435

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSCOUNT_NSLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* between entry and exit: the operation (op + 1, 0 none) and the
 * CLONE_NEW* flags it touches */
struct pending_op {
	__u32 op;
	__u32 unknown;            /* setns of an fd that is no namespace */
	__u64 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending_op);
} pending SEC(".maps");

/* kernels before 6.18 keep the type in the operations table */
struct proc_ns_operations___old {
	int type;
};

/* CLONE_NEW* flags in enum nsinfo_type order */
static const __u64 type_flag[8] = {
	CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNS, CLONE_NEWNET,
	CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER, CLONE_NEWUTS,
};

static __always_inline void count(__u32 op, __u64 flags, bool unknown, long ret)
{
	__u32 res = 0;

	if (ret < 0)
		res = -ret < NSCOUNT_MAXERR ? (__u32)-ret : NSCOUNT_MAXERR;
	for (int t = 0; t < 8; t++) {
		if (!(flags & type_flag[t]))
			continue;
		__u32 key = NSCOUNT_SLOT(op, t, res);
		__u64 *v = bpf_map_lookup_elem(&counts, &key);

		if (v)
			(*v)++;
	}
	if (unknown) {
		__u32 key = NSCOUNT_SLOT(op, NSCOUNT_TYPE_UNKNOWN, res);
		__u64 *v = bpf_map_lookup_elem(&counts, &key);

		if (v)
			(*v)++;
	}
}

/* setns(fd, 0): the type is the namespace file's */
static __always_inline __u64 setns_fd_type(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	struct inode *inode;
	struct ns_common *ns;

	if (fd < 0 || fd >= (int)BPF_CORE_READ(fdt, max_fds))
		return 0;
	bpf_core_read(&f, sizeof(f), &fds[fd]);
	if (!f)
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	if (BPF_CORE_READ(inode, i_sb, s_magic) != NSFS_MAGIC)
		return 0;
	ns = BPF_CORE_READ(inode, i_private);
	if (bpf_core_field_exists(ns->ns_type))
		return BPF_CORE_READ(ns, ns_type);
	const struct proc_ns_operations___old *ops = (const void *)BPF_CORE_READ(ns, ops);
	return BPF_CORE_READ(ops, type);
}

static __always_inline int on_enter(__u32 op, __u64 arg0, __u64 arg1)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 flags = arg0;
	struct pending_op *p;
	bool unknown = false;

	if (op == NSCOUNT_CLONE3 && bpf_probe_read_user(&flags, sizeof(flags), (void *)arg0))
		flags = 0;
	if (op == NSCOUNT_CLONE)
		flags &= ~CSIGNAL;
	if (op == NSCOUNT_SETNS) {
		flags = arg1 & NS_FLAGS;
		if (!arg1) {
			flags = setns_fd_type(task, (int)arg0) & NS_FLAGS;
			unknown = !flags;
		}
	} else {
		flags &= NS_FLAGS;
		if (!flags)
			return 0;
	}
	p = bpf_task_storage_get(&pending, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p)
		return 0;
	p->op = op + 1;
	p->flags = flags;
	p->unknown = unknown;
	return 0;
}

static __always_inline int on_exit(long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pending_op *p = bpf_task_storage_get(&pending, task, NULL, 0);

	if (!p || !p->op)
		return 0;
	/* a clone child's own return finds no storage: task storage is not
	 * inherited, so each operation counts once, in its caller */
	count(p->op - 1, p->flags, p->unknown, ret);
	p->op = 0;
	return 0;
}

#define TP_PAIR(name, op) \
SEC("tracepoint/syscalls/sys_enter_" #name) \
int tp_enter_##name(struct trace_event_raw_sys_enter *ctx) \
{ return on_enter(op, ctx->args[0], ctx->args[1]); } \
SEC("tracepoint/syscalls/sys_exit_" #name) \
int tp_exit_##name(struct trace_event_raw_sys_exit *ctx) \
{ return on_exit(ctx->ret); }

TP_PAIR(clone, NSCOUNT_CLONE)
TP_PAIR(clone3, NSCOUNT_CLONE3)
TP_PAIR(unshare, NSCOUNT_UNSHARE)
TP_PAIR(setns, NSCOUNT_SETNS)

static __always_inline __u32 op_of_nr(long nr)
{
	switch (nr) {
	case NR_CLONE:   return NSCOUNT_CLONE + 1;
	case NR_CLONE3:  return NSCOUNT_CLONE3 + 1;
	case NR_UNSHARE: return NSCOUNT_UNSHARE + 1;
	case NR_SETNS:   return NSCOUNT_SETNS + 1;
	}
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long nr)
{
	__u32 op = op_of_nr(nr);

	if (!op)
		return 0;
	return on_enter(op - 1, PT_REGS_PARM1_CORE_SYSCALL(regs), PT_REGS_PARM2_CORE_SYSCALL(regs));
}

SEC("raw_tp/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
	if (!op_of_nr(SYSCALL_NR(regs)))
		return 0;
	return on_exit(ret);
}

static __always_inline struct pid_namespace *active_pid_ns(struct task_struct *t)
{
	struct pid *pid = t->thread_pid;
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[pid->level & 63]);
	return up.ns;
}

/* a plain fork (no CLONE_NEW*) whose child is in another pid or time
 * namespace than its parent: pid_for_children / time_for_children at work */
SEC("tp_btf/task_newtask")
int BPF_PROG(newtask, struct task_struct *child, __u64 clone_flags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 moved = 0;

	if ((clone_flags & CLONE_THREAD) || (clone_flags & NS_FLAGS))
		return 0;
	if (active_pid_ns(child) != active_pid_ns(task))
		moved |= CLONE_NEWPID;
	if (child->nsproxy->time_ns != task->nsproxy->time_ns)
		moved |= CLONE_NEWTIME;
	if (moved)
		count(NSCOUNT_FORK, moved, false, 0);
	return 0;
}

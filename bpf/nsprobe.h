/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * nsprobe.h - what the namespace probes share (BPF side only): the clone
 * flags, the four syscalls on both kinds of hooks, the namespace type of
 * an nsfs file, the active pid namespace and the plain fork that lands in
 * another pid or time namespace. Included by nsevent.bpf.c (one record per
 * operation) and nscount.bpf.c (counters), after vmlinux.h and libbpf's
 * headers, so that both see the same operations the same way.
 */
#ifndef NSPROBE_H
#define NSPROBE_H

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
#define PIDFS_MAGIC 0x50494446

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

/* kernels before 6.18 keep the type in the operations table */
struct proc_ns_operations___old {
	int type;
};

/* The CLONE_NEW* flag of a namespace (any kernel) */
static __always_inline __u32 ns_type_flag(struct ns_common *ns)
{
	if (bpf_core_field_exists(ns->ns_type))
		return BPF_CORE_READ(ns, ns_type);
	const struct proc_ns_operations___old *ops = (const void *)BPF_CORE_READ(ns, ops);
	return BPF_CORE_READ(ops, type);
}

/* The file open on fd in task, NULL for none */
static __always_inline struct file *task_fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= (int)BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_core_read(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline struct pid_namespace *active_pid_ns(struct task_struct *t)
{
	struct pid *pid = t->thread_pid;
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[pid->level & 63]);
	return up.ns;
}

/* A plain fork (no CLONE_NEW*): CLONE_NEWPID / CLONE_NEWTIME where the
 * child is in another pid or time namespace than its parent
 * (pid_for_children / time_for_children at work), else 0. Compared by
 * pointer: every fork on the host gets here. */
static __always_inline __u64 fork_moved(struct task_struct *task, struct task_struct *child)
{
	__u64 moved = 0;

	if (active_pid_ns(child) != active_pid_ns(task))
		moved |= CLONE_NEWPID;
	if (child->nsproxy->time_ns != task->nsproxy->time_ns)
		moved |= CLONE_NEWTIME;
	return moved;
}

/* Which of the four syscalls nr is: 1 clone, 2 clone3, 3 unshare, 4 setns,
 * 0 another */
static __always_inline int nsprobe_sys(long nr)
{
	switch (nr) {
	case NR_CLONE:   return 1;
	case NR_CLONE3:  return 2;
	case NR_UNSHARE: return 3;
	case NR_SETNS:   return 4;
	}
	return 0;
}

/*
 * Both sets of syscall hooks over ENTER(op, arg0, arg1) and EXIT(ret): the
 * syscall tracepoints (tp_enter_NAME/tp_exit_NAME: cheap, only these four
 * syscalls) and raw sys_enter/sys_exit with a syscall-number filter
 * (raw_enter/raw_exit) for hosts where the tracepoint ids cannot be read.
 * User space loads exactly one set. The ops of clone, clone3, unshare and
 * setns are the program's own numbers.
 */
#define NSPROBE_TP_PAIR(name, op, ENTER, EXIT) \
SEC("tracepoint/syscalls/sys_enter_" #name) \
int tp_enter_##name(struct trace_event_raw_sys_enter *ctx) \
{ return ENTER(op, ctx->args[0], ctx->args[1]); } \
SEC("tracepoint/syscalls/sys_exit_" #name) \
int tp_exit_##name(struct trace_event_raw_sys_exit *ctx) \
{ return EXIT(ctx->ret); }

#define NSPROBE_SYSCALL_HOOKS(ENTER, EXIT, OP_CLONE, OP_CLONE3, OP_UNSHARE, OP_SETNS) \
NSPROBE_TP_PAIR(clone, OP_CLONE, ENTER, EXIT) \
NSPROBE_TP_PAIR(clone3, OP_CLONE3, ENTER, EXIT) \
NSPROBE_TP_PAIR(unshare, OP_UNSHARE, ENTER, EXIT) \
NSPROBE_TP_PAIR(setns, OP_SETNS, ENTER, EXIT) \
SEC("raw_tp/sys_enter") \
int BPF_PROG(raw_enter, struct pt_regs *regs, long nr) \
{ \
	int sys = nsprobe_sys(nr); \
\
	if (!sys) \
		return 0; \
	return ENTER(sys == 1 ? OP_CLONE : sys == 2 ? OP_CLONE3 : sys == 3 ? OP_UNSHARE : OP_SETNS, \
		     PT_REGS_PARM1_CORE_SYSCALL(regs), PT_REGS_PARM2_CORE_SYSCALL(regs)); \
} \
SEC("raw_tp/sys_exit") \
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret) \
{ \
	if (!nsprobe_sys(SYSCALL_NR(regs))) \
		return 0; \
	return EXIT(ret); \
}

#endif

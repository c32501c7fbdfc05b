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
#include "nsprobe.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

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
	struct file *f = task_fd_file(task, fd);
	struct inode *inode;

	if (!f)
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	if (BPF_CORE_READ(inode, i_sb, s_magic) != NSFS_MAGIC)
		return 0;
	return ns_type_flag(BPF_CORE_READ(inode, i_private));
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

NSPROBE_SYSCALL_HOOKS(on_enter, on_exit, NSCOUNT_CLONE, NSCOUNT_CLONE3, NSCOUNT_UNSHARE,
		      NSCOUNT_SETNS)

/* a plain fork (no CLONE_NEW*) whose child is in another pid or time
 * namespace than its parent: pid_for_children / time_for_children at work */
SEC("tp_btf/task_newtask")
int BPF_PROG(newtask, struct task_struct *child, __u64 clone_flags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 moved;

	if ((clone_flags & CLONE_THREAD) || (clone_flags & NS_FLAGS))
		return 0;
	moved = fork_moved(task, child);
	if (moved)
		count(NSCOUNT_FORK, moved, false, 0);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nstask.h - the record the task iterator (nstask.bpf.c) writes for each
 * task it reports, shared by the BPF side and libnsinfo's reader (iter.c).
 * Plain C with fixed-width types only: the same bytes are read on both
 * sides. Never exposed to tools: iter.c turns records into snapshot rows.
 */
#ifndef NSTOOLS_NSTASK_H
#define NSTOOLS_NSTASK_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define NSTASK_COMM_LEN   16
/* The kernel nests pid namespaces 32 deep: NSpid lists 33 numbers at most */
#define NSTASK_MAX_LEVELS 33

/* Namespace slots: the eight types in enum nsinfo_type order, then the
 * ones children get (ns/pid_for_children, ns/time_for_children). */
enum nstask_slot {
	NSTASK_SLOT_CGROUP = 0,
	NSTASK_SLOT_IPC,
	NSTASK_SLOT_MNT,
	NSTASK_SLOT_NET,
	NSTASK_SLOT_PID,
	NSTASK_SLOT_TIME,
	NSTASK_SLOT_USER,
	NSTASK_SLOT_UTS,
	NSTASK_SLOT_PID_CHILDREN,
	NSTASK_SLOT_TIME_CHILDREN,
	NSTASK_NSLOTS
};

/* Record flags */
#define NSTASK_F_NONS    (1u << 0) /* no nsproxy (zombie, exiting): pid and user links only */
#define NSTASK_F_THREAD  (1u << 1) /* a non-leader whose namespaces differ */
#define NSTASK_F_KTHREAD (1u << 2) /* PF_KTHREAD */

struct nstask_ns {
	__u64 ino;                /* 0: none (as /proc shows no link) */
	__u64 id;                 /* 64-bit namespace id, 0 if the kernel has none */
};

struct nstask_rec {
	__u32 pid;                /* tid, in the reader's pid namespace */
	__u32 tgid;
	__u32 ppid;               /* 0 when the parent is outside the reader's view */
	__u32 euid;
	__u32 flags;              /* NSTASK_F_* */
	__u32 nspid_len;
	char comm[NSTASK_COMM_LEN];
	char state;               /* as /proc/PID/status shows it */
	__u8 pad[7];
	struct nstask_ns ns[NSTASK_NSLOTS];
	__u64 start_ns;           /* task->start_boottime: ns since boot */
	__s32 nspid[NSTASK_MAX_LEVELS]; /* from the reader's level inwards */
	__u32 egid;               /* in the layout's former padding */
	/* with want_usage only, else 0 */
	__u64 cpu_ns;             /* scheduler runtime: the thread group's for a
				   * leader (exited threads included), a thread's own */
	__u64 rss_pages;          /* get_mm_rss(): file + anon + shmem pages */
};

/* One open nsfs file of a thread-group leader (iter/task_file): the fd
 * pass of the snapshot's holders without a /proc/PID/fd read per process */
struct nsfile_rec {
	__u32 tgid;               /* in the reader's pid namespace */
	__u32 fd;
	__u32 clone_type;         /* CLONE_NEW* of the namespace; 0 unknown */
	__u32 pad;
	__u64 ino;
	__u64 id;                 /* 64-bit namespace id, 0 if the kernel has none */
};

/* Totals, in the program's .bss, read after the iteration */
struct nstask_totals {
	__u64 leaders;            /* thread-group leaders seen */
	__u64 threads;            /* other threads seen */
};

#endif /* NSTOOLS_NSTASK_H */

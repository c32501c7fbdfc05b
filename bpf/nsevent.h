/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsevent.h - the record the namespace probe (nsevent.bpf.c) writes into its
 * ring buffer, shared by the BPF side and libnsinfo's decoder (events.c).
 * Plain C with fixed-width types only: the same bytes are read on both sides.
 * libnsinfo turns it into the public struct nsinfo_event; never expose this
 * layout to tools.
 */
#ifndef NSTOOLS_NSEVENT_H
#define NSTOOLS_NSEVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define NSEVENT_COMM_LEN   16
/* NSpid levels recorded; deeper nesting keeps the outermost ones */
#define NSEVENT_MAX_LEVELS 8

/* Namespace slots: the eight types in enum nsinfo_type order, then the
 * namespaces children will get (they differ after unshare/setns of pid/time). */
enum nsevent_slot {
	NSEVENT_SLOT_CGROUP = 0,
	NSEVENT_SLOT_IPC,
	NSEVENT_SLOT_MNT,
	NSEVENT_SLOT_NET,
	NSEVENT_SLOT_PID,
	NSEVENT_SLOT_TIME,
	NSEVENT_SLOT_USER,
	NSEVENT_SLOT_UTS,
	NSEVENT_SLOT_PID_CHILDREN,
	NSEVENT_SLOT_TIME_CHILDREN,
	NSEVENT_NSLOTS
};

enum nsevent_kind {
	NSEVENT_CLONE = 1,
	NSEVENT_CLONE3,
	NSEVENT_UNSHARE,
	NSEVENT_SETNS,
	NSEVENT_FORK,             /* plain fork whose child lands in another pid/time ns */
};

/* What the fd passed to setns() was */
enum nsevent_target {
	NSEVENT_TGT_NONE = 0,     /* not a setns event */
	NSEVENT_TGT_NSFD,         /* a namespace file */
	NSEVENT_TGT_PIDFD,        /* a pidfd (pidfs, Linux 6.9+) */
	NSEVENT_TGT_OTHER,        /* anything else, or a bad fd */
};

/* container filter: pid namespaces whose members (and those of their
 * descendants, this many levels down) are traced, and cgroups (with their
 * descendants) for containers in the host's pid namespace */
#define NSEVENT_PIDNS_DEPTH   8
#define NSEVENT_CGROUP_DEPTH  8
#define NSEVENT_MAX_TARGETS   64

/* set in nsevent.packed of a compact record (the probe's default) */
#define NSEVENT_PACKED 0x80000000u
/* bytes of a record up to the namespace entries */
#define NSEVENT_HEAD_LEN __builtin_offsetof(struct nsevent, before)

struct nsevent_ns {
	__u64 id;                 /* ns_common.ns_id, 0 where the kernel has none */
	__u32 ino;                /* ns_common.inum */
	__u32 pad;
};

struct nsevent {
	__u32 kind;               /* enum nsevent_kind */
	__u32 nspid_len;          /* entries used in nspid */
	__u64 ts_ns;              /* bpf_ktime_get_ns() at syscall entry */
	__u64 latency_ns;         /* entry to exit; 0 for FORK */
	__u64 flags;              /* clone/unshare flags, setns nstype; FORK: clone flags */
	__u64 cgroup_id;
	__s64 ret;                /* syscall return value (-errno on failure) */
	__u32 pid;                /* thread id, init pid namespace */
	__u32 tgid;
	__u32 ppid;               /* real parent's tgid */
	__u32 uid;                /* real uid, init user namespace */
	__u32 child_pid;          /* CLONE*, FORK: the new task, init pid namespace */
	__u32 child_vpid;         /* ... and in its own pid namespace */
	__s32 target_fd;          /* SETNS */
	__u32 target_kind;        /* enum nsevent_target */
	__u32 target_type;        /* NSFD: CLONE_NEW* of the namespace */
	__u32 target_ino;         /* NSFD: its inode */
	__u64 target_nsid;        /* NSFD: its 64-bit id */
	__u32 target_pid;         /* PIDFD: the process, init pid namespace */
	__u32 nspid[NSEVENT_MAX_LEVELS]; /* the caller's pids, outermost first */
	__u64 pidns_id;           /* the caller's active pid namespace: ns_id */
	__u32 pidns_ino;          /* ... and inode */
	__u32 pad2;
	__u64 cgroup1_id;         /* the caller's cgroup in the hierarchy of
				   * cgroup_ssid (kernfs id = its directory's
				   * inode; the default hierarchy's when -1) */
	char comm[NSEVENT_COMM_LEN];
	__u32 packed;             /* 0: before and after follow in full; else
				   * NSEVENT_PACKED | mask of the slots whose
				   * links changed: their before entries, then
				   * their after entries, follow in slot order */
	struct nsevent_ns before[NSEVENT_NSLOTS]; /* caller at entry */
	struct nsevent_ns after[NSEVENT_NSLOTS];  /* caller at exit; the child for clone and fork */
};

#endif /* NSTOOLS_NSEVENT_H */

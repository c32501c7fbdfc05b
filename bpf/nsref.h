/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsref.h - the record of the filtered task iterator (nsref.bpf.c): the
 * members of one namespace, named by inode or 64-bit id, without a record
 * for every task on the host. Shared by the BPF side and libnsinfo's reader
 * (source/members.c). Slots are those of nstask.h.
 */
#ifndef NSTOOLS_NSREF_H
#define NSTOOLS_NSREF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "nstask.h"

/* The eight namespace types' slots (the *_for_children links hold a
 * namespace, they do not make a member) */
#define NSREF_NSLOTS NSTASK_SLOT_PID_CHILDREN

/* One task that has the wanted namespace as its link of the slots in
 * ino_mask (by inode) or id_mask (by id): one record per task, the reader
 * makes a member of each slot */
struct nsref_rec {
	__u32 pid;                /* tid, in the reader's pid namespace */
	__u32 tgid;
	__u32 ino_mask;           /* bit per enum nstask_slot */
	__u32 id_mask;
	__u64 ino[NSREF_NSLOTS];  /* the task's links */
	__u64 id[NSREF_NSLOTS];   /* 0 if the kernel has none */
};

#endif /* NSTOOLS_NSREF_H */

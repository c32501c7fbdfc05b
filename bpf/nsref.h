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

/* One task that has the wanted namespace as its link of slot `slot` */
struct nsref_rec {
	__u32 pid;                /* tid, in the reader's pid namespace */
	__u32 tgid;
	__u32 slot;               /* enum nstask_slot */
	__u32 pad;
	__u64 ino;
	__u64 id;                 /* 0 if the kernel has none */
};

#endif /* NSTOOLS_NSREF_H */

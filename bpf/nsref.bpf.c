// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * nsref.bpf.c - the members of one namespace, found in the kernel.
 *
 * A reference by inode or id (nstree 4026..., nspid -N id:NSID) names one
 * namespace; finding its members through /proc costs a readlink per
 * process, a snapshot ten. This task iterator compares the wanted inode or
 * id with the task's links of the wanted slots (load-time filters) and
 * hands over only the tasks that match: the cost on the user side follows
 * the members, not the host. A thread is reported only where its leader
 * does not match itself (what /proc/PID/task/TID/ns would add).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "nsref.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Load-time filters: the namespace (its inode or its id: either matches;
 * 0 is not asked) and the slots (bit per enum nstask_slot) compared */
const volatile __u64 want_ino = 0;
const volatile __u64 want_id = 0;
const volatile __u32 want_slots = 0;

struct nsref_rec rec = {};

static __always_inline struct pid_namespace *pid_ns_of(struct pid *pid)
{
	struct upid up = {};
	unsigned int level;

	if (!pid)
		return NULL;
	level = BPF_CORE_READ(pid, level);
	bpf_core_read(&up, sizeof(up), &pid->numbers[level & 63]);
	return up.ns;
}

/* The namespace of slot s of task t (NULL: none, as /proc shows no link) */
static __always_inline struct ns_common *slot_ns(struct task_struct *t, struct nsproxy *nsp,
						 unsigned int s)
{
	struct pid_namespace *pns;

	if (s == NSTASK_SLOT_USER)
		return &BPF_CORE_READ(t, real_cred, user_ns)->ns;
	if (s == NSTASK_SLOT_PID) {
		pns = pid_ns_of(BPF_CORE_READ(t, thread_pid));
		return pns ? &pns->ns : NULL;
	}
	if (!nsp)
		return NULL;
	switch (s) {
	case NSTASK_SLOT_CGROUP:
		return &BPF_CORE_READ(nsp, cgroup_ns)->ns;
	case NSTASK_SLOT_IPC:
		return &BPF_CORE_READ(nsp, ipc_ns)->ns;
	case NSTASK_SLOT_MNT:
		return &BPF_CORE_READ(nsp, mnt_ns)->ns;
	case NSTASK_SLOT_NET:
		return &BPF_CORE_READ(nsp, net_ns)->ns;
	case NSTASK_SLOT_TIME:
		return &BPF_CORE_READ(nsp, time_ns)->ns;
	case NSTASK_SLOT_UTS:
		return &BPF_CORE_READ(nsp, uts_ns)->ns;
	case NSTASK_SLOT_PID_CHILDREN:
		pns = BPF_CORE_READ(nsp, pid_ns_for_children);
		/* /proc shows it only once it has its init */
		return pns && BPF_CORE_READ(pns, child_reaper) ? &pns->ns : NULL;
	case NSTASK_SLOT_TIME_CHILDREN:
		return &BPF_CORE_READ(nsp, time_ns_for_children)->ns;
	}
	return NULL;
}

static __always_inline bool wanted(struct ns_common *ns, __u64 *ino, __u64 *id)
{
	if (!ns)
		return false;
	*ino = BPF_CORE_READ(ns, inum);
	*id = bpf_core_field_exists(ns->ns_id) ? BPF_CORE_READ(ns, ns_id) : 0;
	if (!*ino)
		return false;
	return (want_ino && *ino == want_ino) || (want_id && *id == want_id);
}

static __always_inline __u32 nr_in(struct pid *pid, struct pid_namespace *rns, unsigned int rlevel)
{
	struct upid up = {};

	if (!pid || BPF_CORE_READ(pid, level) < rlevel)
		return 0;
	bpf_core_read(&up, sizeof(up), &pid->numbers[rlevel & 63]);
	return up.ns == rns ? (__u32)up.nr : 0;
}

SEC("iter/task")
int nsref(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task, *leader;
	struct task_struct *me = bpf_get_current_task_btf();
	struct pid_namespace *rns;
	struct nsproxy *nsp;
	struct pid *mypid;
	unsigned int rlevel;
	__u64 ino, id, lino, lid;

	if (!t)
		return 0;
	leader = BPF_CORE_READ(t, group_leader);
	nsp = BPF_CORE_READ(t, nsproxy);
	for (unsigned int s = 0; s < NSTASK_NSLOTS; s++) {
		if (!(want_slots & (1u << s)) || !wanted(slot_ns(t, nsp, s), &ino, &id))
			continue;
		/* a thread counts where its leader's link differs */
		if (leader != t && s != NSTASK_SLOT_PID &&
		    wanted(slot_ns(leader, BPF_CORE_READ(leader, nsproxy), s), &lino, &lid))
			continue;
		mypid = BPF_CORE_READ(me, thread_pid);
		rlevel = BPF_CORE_READ(mypid, level);
		rns = pid_ns_of(mypid);
		rec.pid = nr_in(BPF_CORE_READ(t, thread_pid), rns, rlevel);
		rec.tgid = nr_in(BPF_CORE_READ(leader, thread_pid), rns, rlevel);
		if (!rec.pid || (leader != t && s == NSTASK_SLOT_PID))
			continue;
		rec.slot = s;
		rec.ino = ino;
		rec.id = id;
		bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	}
	return 0;
}

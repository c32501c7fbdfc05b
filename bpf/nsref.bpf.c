// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * nsref.bpf.c - the members of one namespace, found in the kernel.
 *
 * A reference by inode or id (nstree 4026..., nspid -N id:NSID) names one
 * namespace; finding its members through /proc costs a readlink per
 * process, a snapshot ten. This task iterator compares the wanted inode or
 * id with the task's links of the wanted slots (load-time filters) and
 * hands over only the tasks that match, one record each with the slots
 * that do: the cost on the user side follows the members, not the host. A
 * thread is reported only where its leader does not match itself (what
 * /proc/PID/task/TID/ns would add).
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

/* A pointer the verifier treats as untrusted: its fields are read by plain
 * loads (a fault reads 0), where bpf_probe_read_kernel costs a helper call
 * each and a field of a trusted pointer costs the verifier searches of the
 * kernel's BTF by name */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define UNTRUSTED(p, T) ((T *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(T)))

/*
 * Load cost. Most of a load is the kernel's, and two things make it: the
 * CO-RE relocations, and the paths the verifier walks.
 *
 * The kernel keeps the CO-RE candidates it found by type name in a small
 * cache, one slot per hash, where "pid" shares a slot with "pid_namespace",
 * "ipc_namespace" with "mnt_namespace", "cgroup_namespace" with
 * "time_namespace": relocations that alternate between such names search
 * the whole kernel BTF each time (~0.4 ms each). Each field access below is
 * therefore written once: pid_ns_at() not inlined, the task's and its
 * leader's links by one loop that is not unrolled.
 *
 * The verifier walks each path apart where values it tracks differ: the
 * matching is arithmetic (masks), not a branch per slot, and one record
 * per task carries them.
 */

/* The pid namespace of pid at *level (its own level where *level < 0: set
 * to it) and the pid's number there (0: none) */
static __noinline struct ns_common *pid_ns_at(struct pid *pid, int *level, __u32 *nr)
{
	struct upid up = {};
	int l = *level;

	*nr = 0;
	if (!pid)
		return NULL;
	if (l < 0)
		*level = l = (int)pid->level;
	else if ((int)pid->level < l)
		return NULL;
	bpf_core_read(&up, sizeof(up), &pid->numbers[l & 63]);
	if (!up.ns)
		return NULL;
	*nr = up.nr;
	return &UNTRUSTED(up.ns, struct pid_namespace)->ns;
}

/* The inode and id of each of the eight namespaces of a task (0: none, as
 * /proc shows no link) */
struct links {
	__u64 ino[NSREF_NSLOTS];
	__u64 id[NSREF_NSLOTS];
};

/* No test for NULL on the way (each would double the verifier's paths): a
 * missing namespace reads as 0, its load faults (at NULL plus an offset)
 * and the kernel substitutes 0 */
static __always_inline void link_of(struct links *l, unsigned int s, struct ns_common *ns)
{
	l->ino[s] = ns->inum;
	l->id[s] = bpf_core_field_exists(ns->ns_id) ? ns->ns_id : 0;
}

static __always_inline void links_of(struct task_struct *t, struct links *l)
{
	struct nsproxy *nsp = t->nsproxy;
	struct ns_common *pns;
	int level = -1;
	__u32 nr;

	link_of(l, NSTASK_SLOT_USER, &t->real_cred->user_ns->ns);
	pns = pid_ns_at(t->thread_pid, &level, &nr);
	if (pns)
		link_of(l, NSTASK_SLOT_PID, pns);
	link_of(l, NSTASK_SLOT_CGROUP, &nsp->cgroup_ns->ns);
	link_of(l, NSTASK_SLOT_TIME, &nsp->time_ns->ns);
	link_of(l, NSTASK_SLOT_IPC, &nsp->ipc_ns->ns);
	link_of(l, NSTASK_SLOT_MNT, &nsp->mnt_ns->ns);
	link_of(l, NSTASK_SLOT_NET, &nsp->net_ns->ns);
	link_of(l, NSTASK_SLOT_UTS, &nsp->uts_ns->ns);
}

/* 1 where a == b, else 0, without a branch (the barrier keeps the compiler
 * from seeing a comparison and making one) */
static __always_inline __u32 same(__u64 a, __u64 b)
{
	__u64 x = a ^ b, n = -x;

	asm volatile("" : "+r"(n));
	return (__u32)(((x | n) >> 63) ^ 1);
}

/* The slots of l whose namespace has the inode want (0: none asked) */
static __always_inline __u32 mask_of(const __u64 *v, __u64 want)
{
	__u32 m = 0;

	if (!want)
		return 0;
#pragma clang loop unroll(full)
	for (unsigned int s = 0; s < NSREF_NSLOTS; s++)
		m |= same(v[s], want) << s;
	return m & want_slots;
}

SEC("iter/task")
int nsref(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t, *leader, *me;
	struct links l[2] = {};
	__u32 mi, md, lm = 0, nr;
	struct ns_common *rns;
	int rlevel = -1;

	if (!ctx->task)
		return 0;
	t = UNTRUSTED(ctx->task, struct task_struct);
	leader = t->group_leader;
	/* the task's links, then its leader's (a thread): one copy of the
	 * code, so one of each relocation */
#pragma clang loop unroll(disable)
	for (int k = 0; k < 2; k++) {
		if (k && leader == t)
			break;
		links_of(k ? leader : t, &l[k]);
	}
	mi = mask_of(l[0].ino, want_ino);
	md = mask_of(l[0].id, want_id);
	/* a thread counts where its leader's link differs; for pid, never
	 * (a thread is in its leader's pid namespace) */
	if (leader != t)
		lm = mask_of(l[1].ino, want_ino) | mask_of(l[1].id, want_id) |
		     1u << NSTASK_SLOT_PID;
	mi &= ~lm;
	md &= ~lm;
	if (!(mi | md))
		return 0;
	/* pid numbers as the reader sees them */
	me = UNTRUSTED(bpf_get_current_task_btf(), struct task_struct);
	rns = pid_ns_at(me->thread_pid, &rlevel, &nr);
	if (!rns)
		return 0;
	rec.pid = pid_ns_at(t->thread_pid, &rlevel, &nr) == rns ? nr : 0;
	rec.tgid = pid_ns_at(leader->thread_pid, &rlevel, &nr) == rns ? nr : 0;
	if (!rec.pid)
		return 0;
	rec.ino_mask = mi;
	rec.id_mask = md;
	__builtin_memcpy(rec.ino, l[0].ino, sizeof(rec.ino));
	__builtin_memcpy(rec.id, l[0].id, sizeof(rec.id));
	bpf_seq_write(seq, &rec, sizeof(rec));
	return 0;
}

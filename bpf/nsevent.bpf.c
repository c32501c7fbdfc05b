// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * nsevent.bpf.c - namespace operations as they happen.
 *
 * clone, clone3, unshare and setns are seen at syscall entry (requested flags,
 * the caller's namespaces, the setns target) and at exit (return value,
 * latency, the caller's namespaces afterwards). task_newtask supplies the
 * child's namespaces for clone and catches plain forks whose child lands in
 * another pid or time namespace (after unshare -p, setns into a pid ns).
 * One record per operation goes to the ring buffer at syscall exit.
 *
 * Two equivalent sets of syscall hooks: the syscall tracepoints (cheap, only
 * these four syscalls) and raw sys_enter/sys_exit with a syscall-number
 * filter, for hosts where the tracepoint ids cannot be read. User space
 * loads exactly one set.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nsevent.h"
#include "nsprobe.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Load-time filters (set by user space before load) */
const volatile bool filter_tree = false;  /* only tgids in `traced` */
const volatile __u64 type_flags = 0;      /* CLONE_NEW* of interest, 0 = all */
const volatile bool failed_only = false;
const volatile __u64 wakeup_bytes = 0;    /* wake the reader past this backlog */
const volatile __u32 self_tgid = 0;       /* not this tgid nor its children, 0 = off */
const volatile bool full_records = false; /* every slot, not only the changed ones */
/* only callers in the pid namespaces of `target_pidns` or below them, or in
 * the cgroups of `target_cgroups` or below them */
const volatile bool filter_container = false;
/* the cgroup v1 hierarchy of this subsystem (enum cgroup_subsys_id) for
 * cgroup1_id and target_cgroups; -1 the default (v2) hierarchy */
const volatile int cgroup_ssid = -1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 2 << 20);
} events SEC(".maps");

/* ring buffer reservations that failed; per CPU so counting is exact */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* the operation a thread is inside (kind 0: none), built in place between
 * entry and exit; task-local storage is freed with the task and costs no
 * hashing on this path */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct nsevent);
} pending SEC(".maps");

/* the traced process tree (filter_tree): tgids, seeded by user space */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced SEC(".maps");

/* container filter: pid namespace inode -> its ns_id (0: any id) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSEVENT_MAX_TARGETS);
	__type(key, __u32);
	__type(value, __u64);
} target_pidns SEC(".maps");

/* container filter: cgroup ids (kernfs ids, as cgroup1_id) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSEVENT_MAX_TARGETS);
	__type(key, __u64);
	__type(value, __u8);
} target_cgroups SEC(".maps");

/* fork records are built here: too big for the BPF stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsevent);
} scratch SEC(".maps");

/*
 * Tasks come from bpf_get_current_task_btf() and tp_btf arguments: typed
 * pointers the verifier lets us dereference directly (fault-safe loads),
 * far cheaper than one bpf_probe_read_kernel() per field. Variable array
 * indexes still go through bpf_core_read().
 */
static __always_inline void read_ns(struct nsevent_ns *out, struct ns_common *ns)
{
	out->ino = ns->inum;
	if (bpf_core_field_exists(ns->ns_id))
		out->id = ns->ns_id;
}

/* the same for a pointer that came out of bpf_core_read(): untyped */
static __always_inline void read_ns_untyped(struct nsevent_ns *out, struct ns_common *ns)
{
	out->ino = BPF_CORE_READ(ns, inum);
	if (bpf_core_field_exists(ns->ns_id))
		out->id = BPF_CORE_READ(ns, ns_id);
}

static __always_inline struct upid task_upid(struct task_struct *t, unsigned int level)
{
	struct pid *pid = t->thread_pid;
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[level & 63]);
	return up;
}

static __always_inline void read_task_ns(struct nsevent_ns *out, struct task_struct *t)
{
	struct nsproxy *nsp = t->nsproxy;

	if (!nsp)
		return;
	read_ns(&out[NSEVENT_SLOT_CGROUP], &nsp->cgroup_ns->ns);
	read_ns(&out[NSEVENT_SLOT_IPC], &nsp->ipc_ns->ns);
	read_ns(&out[NSEVENT_SLOT_MNT], &nsp->mnt_ns->ns);
	read_ns(&out[NSEVENT_SLOT_NET], &nsp->net_ns->ns);
	read_ns_untyped(&out[NSEVENT_SLOT_PID], &active_pid_ns(t)->ns);
	read_ns(&out[NSEVENT_SLOT_TIME], &nsp->time_ns->ns);
	read_ns(&out[NSEVENT_SLOT_USER], &t->real_cred->user_ns->ns);
	read_ns(&out[NSEVENT_SLOT_UTS], &nsp->uts_ns->ns);
	read_ns(&out[NSEVENT_SLOT_PID_CHILDREN], &nsp->pid_ns_for_children->ns);
	read_ns(&out[NSEVENT_SLOT_TIME_CHILDREN], &nsp->time_ns_for_children->ns);
}

#define ALL_SLOTS ((1u << NSEVENT_NSLOTS) - 1)
#define SLOT(s) (1u << NSEVENT_SLOT_##s)

/* The slots an unshare or setns of these CLONE_NEW* types can change: the
 * others need no read before or after (pid: only pid_for_children moves) */
static __always_inline __u32 slots_of(__u64 flags)
{
	__u32 m = 0;

	if (flags & CLONE_NEWCGROUP)
		m |= SLOT(CGROUP);
	if (flags & CLONE_NEWIPC)
		m |= SLOT(IPC);
	if (flags & CLONE_NEWNS)
		m |= SLOT(MNT);
	if (flags & CLONE_NEWNET)
		m |= SLOT(NET);
	if (flags & CLONE_NEWPID)
		m |= SLOT(PID) | SLOT(PID_CHILDREN);
	if (flags & CLONE_NEWTIME)
		m |= SLOT(TIME) | SLOT(TIME_CHILDREN);
	if (flags & CLONE_NEWUSER)
		m |= SLOT(USER);
	if (flags & CLONE_NEWUTS)
		m |= SLOT(UTS);
	return m;
}

/* read_task_ns() for the slots in m only; the others are left as they are
 * (pack() never looks at them) */
static __always_inline void read_task_ns_some(struct nsevent_ns *out, struct task_struct *t,
					      __u32 m)
{
	struct nsproxy *nsp = t->nsproxy;

	if (!nsp)
		return;
	if (m & SLOT(CGROUP))
		read_ns(&out[NSEVENT_SLOT_CGROUP], &nsp->cgroup_ns->ns);
	if (m & SLOT(IPC))
		read_ns(&out[NSEVENT_SLOT_IPC], &nsp->ipc_ns->ns);
	if (m & SLOT(MNT))
		read_ns(&out[NSEVENT_SLOT_MNT], &nsp->mnt_ns->ns);
	if (m & SLOT(NET))
		read_ns(&out[NSEVENT_SLOT_NET], &nsp->net_ns->ns);
	if (m & SLOT(PID))
		read_ns_untyped(&out[NSEVENT_SLOT_PID], &active_pid_ns(t)->ns);
	if (m & SLOT(TIME))
		read_ns(&out[NSEVENT_SLOT_TIME], &nsp->time_ns->ns);
	if (m & SLOT(USER))
		read_ns(&out[NSEVENT_SLOT_USER], &t->real_cred->user_ns->ns);
	if (m & SLOT(UTS))
		read_ns(&out[NSEVENT_SLOT_UTS], &nsp->uts_ns->ns);
	if (m & SLOT(PID_CHILDREN))
		read_ns(&out[NSEVENT_SLOT_PID_CHILDREN], &nsp->pid_ns_for_children->ns);
	if (m & SLOT(TIME_CHILDREN))
		read_ns(&out[NSEVENT_SLOT_TIME_CHILDREN], &nsp->time_ns_for_children->ns);
}

static __always_inline void read_nspid(struct nsevent *e, struct task_struct *t)
{
	unsigned int level = t->thread_pid->level;

	for (unsigned int i = 0; i < NSEVENT_MAX_LEVELS; i++) {
		if (i > level)
			break;
		e->nspid[i] = task_upid(t, i).nr;
		e->nspid_len = i + 1;
	}
}

static __always_inline __u32 task_vpid(struct task_struct *t)
{
	return task_upid(t, t->thread_pid->level).nr;
}

static __always_inline bool tgid_traced(__u32 tgid)
{
	return !filter_tree || bpf_map_lookup_elem(&traced, &tgid);
}

/* The task's cgroup in the hierarchy of cgroup_ssid */
static __always_inline struct cgroup *task_cgroup(struct task_struct *t)
{
	if (cgroup_ssid < 0)
		return BPF_CORE_READ(t, cgroups, dfl_cgrp);
	struct cgroup_subsys_state *css = NULL;
	struct css_set *cs = BPF_CORE_READ(t, cgroups);

	bpf_core_read(&css, sizeof(css), &cs->subsys[cgroup_ssid & 15]);
	return BPF_CORE_READ(css, cgroup);
}

static __always_inline __u64 cgroup_id_of(struct cgroup *cg)
{
	return BPF_CORE_READ(cg, kn, id);
}

/* In a target pid namespace or one below it: the parent chain, bounded */
static __always_inline bool pidns_wanted(struct task_struct *t)
{
	struct pid_namespace *ns = active_pid_ns(t);

	for (int i = 0; i < NSEVENT_PIDNS_DEPTH && ns; i++) {
		__u32 ino = BPF_CORE_READ(ns, ns.inum);
		__u64 *id = bpf_map_lookup_elem(&target_pidns, &ino);

		if (id) {
			/* the inode may have been reused: the id decides */
			if (!*id || !bpf_core_field_exists(ns->ns.ns_id) ||
			    BPF_CORE_READ(ns, ns.ns_id) == *id)
				return true;
		}
		ns = BPF_CORE_READ(ns, parent);
	}
	return false;
}

/* In a target cgroup or one below it */
static __always_inline bool cgroup_wanted(struct task_struct *t)
{
	struct cgroup *cg = task_cgroup(t);

	for (int i = 0; i < NSEVENT_CGROUP_DEPTH && cg; i++) {
		__u64 id = cgroup_id_of(cg);

		if (bpf_map_lookup_elem(&target_cgroups, &id))
			return true;
		cg = BPF_CORE_READ(cg, self.parent, cgroup);
	}
	return false;
}

/* The load-time filters on the caller: its process tree and its container */
static __always_inline bool caller_wanted(struct task_struct *t, __u32 tgid)
{
	if (!tgid_traced(tgid))
		return false;
	return !filter_container || pidns_wanted(t) || cgroup_wanted(t);
}

/* The tool's own operations and its helpers' (the hostname reader forks a
 * child that setns into every uts namespace) are not a user's events. */
static __always_inline bool from_self(struct task_struct *task, __u32 tgid)
{
	return self_tgid && (tgid == self_tgid || task->real_parent->tgid == self_tgid);
}

static __always_inline bool wanted_types(__u64 flags)
{
	return !type_flags || (flags & type_flags);
}

/* Who made the call: the head fields that unshare and setns leave as they
 * are, so that these are read at exit, for the records sent only */
static __always_inline void fill_who(struct nsevent *e, struct task_struct *task)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->ppid = task->real_parent->tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	read_nspid(e, task);

	struct pid_namespace *pidns = active_pid_ns(task);

	e->pidns_ino = BPF_CORE_READ(pidns, ns.inum);
	if (bpf_core_field_exists(pidns->ns.ns_id))
		e->pidns_id = BPF_CORE_READ(pidns, ns.ns_id);
	e->cgroup1_id = cgroup_id_of(task_cgroup(task));
}

static __always_inline void fill_record(struct nsevent *e, struct task_struct *task, __u32 kind)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->packed = ALL_SLOTS;
	e->kind = kind;
	e->ts_ns = bpf_ktime_get_ns();
	fill_who(e, task);
	read_task_ns(e->before, task);
}

/* 1 if x != 0, without a branch: each branch here would double the
 * states the verifier walks */
static __always_inline __u32 nonzero(__u64 x)
{
	__u64 neg = -x;

	barrier_var(neg);
	return (x | neg) >> 63;
}

/*
 * Compact in place: the before entries of the slots that changed, then
 * their after entries (before and after read as one array of 2 x NSLOTS).
 * Every entry moves to an index no higher than its own and in increasing
 * order, so nothing is overwritten before it is read; an unchanged entry is
 * copied too (branch-free) and overwritten by the next one or left past
 * the end. Returns the bytes to send: a third of the full record for one
 * changed namespace.
 */
static __always_inline __u32 pack(struct nsevent *e)
{
	struct nsevent_ns *ns = (struct nsevent_ns *)((char *)e + NSEVENT_HEAD_LEN);
	__u32 mask = 0, n = 0, k = 0, read = e->packed;

	for (int s = 0; s < NSEVENT_NSLOTS; s++) {
		__u32 c = ((read >> s) & 1) & nonzero(e->after[s].ino) &
			  nonzero((e->before[s].ino ^ e->after[s].ino) |
				  (e->before[s].id ^ e->after[s].id));

		ns[n] = e->before[s];
		mask |= c << s;
		n += c;
	}
	for (int s = 0; s < NSEVENT_NSLOTS; s++) {
		ns[n + k] = e->after[s];
		k += (mask >> s) & 1;
	}
	e->packed = NSEVENT_PACKED | mask;
	return NSEVENT_HEAD_LEN + 2 * n * sizeof(*ns);
}

static __always_inline void emit(struct nsevent *e)
{
	__u32 len;

	if (full_records) {
		e->packed = 0;
		len = sizeof(*e);
	} else {
		len = pack(e);
	}
	__u64 flags = 0;

	if (wakeup_bytes)
		flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
			BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (len > sizeof(*e) || bpf_ringbuf_output(&events, e, len, flags)) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &zero);

		if (n)
			(*n)++;
	}
}

/* The fd handed to setns(): a namespace file or a pidfd */
static __always_inline void read_setns_target(struct nsevent *e, struct task_struct *task, int fd)
{
	struct file *f = task_fd_file(task, fd);
	struct inode *inode;
	unsigned long magic;

	e->target_fd = fd;
	e->target_kind = NSEVENT_TGT_OTHER;
	if (!f)
		return;
	inode = BPF_CORE_READ(f, f_inode);
	magic = BPF_CORE_READ(inode, i_sb, s_magic);
	if (magic == NSFS_MAGIC) {
		struct ns_common *ns = BPF_CORE_READ(inode, i_private);
		struct nsevent_ns t = {};

		read_ns_untyped(&t, ns);
		e->target_kind = NSEVENT_TGT_NSFD;
		e->target_type = ns_type_flag(ns);
		e->target_ino = t.ino;
		e->target_nsid = t.id;
	} else if (magic == PIDFS_MAGIC) {
		/* the struct pid hangs off the pidfs inode (6.14+) or, before,
		 * off the file */
		struct pid *pid = BPF_CORE_READ(inode, i_private);

		if (!pid)
			pid = BPF_CORE_READ(f, private_data);

		e->target_kind = NSEVENT_TGT_PIDFD;
		e->target_pid = BPF_CORE_READ(pid, numbers[0].nr);
	}
}

/* Namespace types an operation touched, as CLONE_NEW* flags */
static __always_inline __u64 touched(const struct nsevent *e)
{
	if (e->kind == NSEVENT_CLONE)
		return e->flags & ~CSIGNAL & NS_FLAGS;
	if (e->kind == NSEVENT_SETNS && e->target_kind == NSEVENT_TGT_NSFD && !e->flags)
		return e->target_type;
	return e->flags & NS_FLAGS;
}

static __always_inline int on_enter(__u32 kind, __u64 arg0, __u64 arg1)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	__u64 flags = arg0;
	struct nsevent *e;

	if (!tgid_traced(id >> 32) || from_self(task, id >> 32))
		return 0;
	if (kind == NSEVENT_CLONE3) {
		/* struct clone_args starts with the 64-bit flags */
		if (bpf_probe_read_user(&flags, sizeof(flags), (void *)arg0))
			flags = 0;
	}
	if (kind == NSEVENT_SETNS)
		flags = arg1;
	else if (!((kind == NSEVENT_CLONE ? flags & ~CSIGNAL : flags) & NS_FLAGS))
		return 0;
	/* after the cheap flag test: only namespace calls pay for the walk */
	if (filter_container && !pidns_wanted(task) && !cgroup_wanted(task))
		return 0;
	e = bpf_task_storage_get(&pending, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!e)
		return 0;
	if (kind == NSEVENT_CLONE || kind == NSEVENT_CLONE3) {
		fill_record(e, task, kind);
		e->flags = flags;
		return 0;
	}
	/* unshare, setns: the head now, who called at exit (if sent), and
	 * only the namespaces the call can change */
	__builtin_memset(e, 0, NSEVENT_HEAD_LEN);
	e->kind = kind;
	e->ts_ns = bpf_ktime_get_ns();
	e->flags = flags;
	if (kind == NSEVENT_SETNS)
		read_setns_target(e, task, (int)arg0);
	if (!wanted_types(touched(e))) {
		e->kind = 0; /* filtered out: nothing to do at exit either */
		return 0;
	}
	e->packed = full_records ? ALL_SLOTS : slots_of(touched(e));
	if (full_records)
		__builtin_memset(e->before, 0, sizeof(e->before) + sizeof(e->after));
	/* a failed call changes nothing: --failed reads it all at exit */
	if (!failed_only)
		read_task_ns_some(e->before, task, e->packed);
	return 0;
}

static __always_inline int on_exit(long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nsevent *e = bpf_task_storage_get(&pending, task, NULL, 0);

	if (!e || !e->kind)
		return 0;
	if ((!failed_only || ret < 0) && wanted_types(touched(e))) {
		e->ret = ret;
		e->latency_ns = bpf_ktime_get_ns() - e->ts_ns;
		if (e->kind == NSEVENT_UNSHARE || e->kind == NSEVENT_SETNS) {
			fill_who(e, task);
			read_task_ns_some(e->after, task, e->packed);
			if (failed_only)
				__builtin_memcpy(e->before, e->after, sizeof(e->before));
		}
		emit(e);
	}
	e->kind = 0;
	return 0;
}

/* ---------------------- syscall tracepoints, raw sys_enter / sys_exit */
NSPROBE_SYSCALL_HOOKS(on_enter, on_exit, NSEVENT_CLONE, NSEVENT_CLONE3, NSEVENT_UNSHARE,
		      NSEVENT_SETNS)

/* ------------------------------------------------------- task creation */
SEC("tp_btf/task_newtask")
int BPF_PROG(newtask, struct task_struct *child, __u64 clone_flags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	struct nsevent *e;

	if (clone_flags & CLONE_THREAD)
		return 0;
	if (!tgid_traced(tgid))
		return 0;
	if (filter_tree) {
		__u32 ctgid = child->tgid;
		__u8 one = 1;

		bpf_map_update_elem(&traced, &ctgid, &one, BPF_ANY);
	}
	/* the tree above still grows through our children */
	if (from_self(task, tgid))
		return 0;
	e = bpf_task_storage_get(&pending, task, NULL, 0);
	if (e && (e->kind == NSEVENT_CLONE || e->kind == NSEVENT_CLONE3)) {
		read_task_ns(e->after, child);
		e->child_pid = child->pid;
		e->child_vpid = task_vpid(child);
		return 0;
	}

	/* a plain fork: an event only if the child's pid or time namespace
	 * is not its parent's (pid_for_children/time_for_children at work) */
	__u64 moved = fork_moved(task, child);
	if (!moved || failed_only || !wanted_types(moved))
		return 0;
	if (!caller_wanted(task, tgid))
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	fill_record(e, task, NSEVENT_FORK);
	read_task_ns(e->after, child);
	e->flags = clone_flags;
	e->child_pid = child->pid;
	e->child_vpid = task_vpid(child);
	e->ret = e->child_pid;
	emit(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;

	if (filter_tree && task->pid == tgid)
		bpf_map_delete_elem(&traced, &tgid);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsinfo.h - the public API of libnsinfo, the nstools core.
 *
 * A snapshot is built once from /proc (or a fixture tree shaped like it) and
 * is then plain, read-only data: processes, namespaces, the edges between
 * namespaces (parent, owner) and the coverage of the scan.
 *
 * Conventions: functions returning int give 0 (or a count) on success and
 * -errno on failure; functions returning pointers give NULL and set errno.
 * Out-parameters are written only on success. The library never prints and
 * never exits. Handles are reference counted; unref(NULL) is a no-op.
 */
#ifndef NSINFO_H
#define NSINFO_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NSINFO_VERSION "0.1.0"

/* ------------------------------------------------------------------ types */

/* Namespace types, in the order of /proc/PID/ns listings (alphabetical). */
enum nsinfo_type {
	NSINFO_CGROUP = 0,
	NSINFO_IPC,
	NSINFO_MNT,
	NSINFO_NET,
	NSINFO_PID,
	NSINFO_TIME,
	NSINFO_USER,
	NSINFO_UTS,
	NSINFO_NTYPES
};

/* "cgroup", "ipc", ... ; NULL for an invalid type. */
const char *nsinfo_type_name(int type);
/* Accepts the names above (case-insensitive) and "mount"/"network" as lsns
 * does; -EINVAL for anything else. */
int nsinfo_type_from_name(const char *name);
/* CLONE_NEW* flag of a type, 0 for an invalid type. */
unsigned long nsinfo_type_clone_flag(int type);
/* Type of a single CLONE_NEW* flag, -EINVAL otherwise. */
int nsinfo_type_from_clone_flag(unsigned long flag);
/* Whether the running kernel has this namespace type (probed once by
 * looking at /proc/self/ns). */
int nsinfo_type_supported(int type);

/* -------------------------------------------------------------- snapshot */

struct nsinfo_snapshot;

/* What pins a namespace (see nsinfo_ns.holders). */
enum nsinfo_holder_kind {
	NSINFO_HOLD_PROC = 0,     /* a process has it as its own namespace    */
	NSINFO_HOLD_THREAD,       /* a thread differing from its leader        */
	NSINFO_HOLD_CHILDREN,     /* pid_for_children / time_for_children      */
	NSINFO_HOLD_FD,           /* an open nsfs file descriptor (pid:fd)     */
	NSINFO_HOLD_MOUNT,        /* a bind mount (mntns:path)                 */
	NSINFO_HOLD_CHILD_NS,     /* a child pid/user namespace keeps it alive */
	NSINFO_HOLD_OWNED_NS,     /* a namespace it owns keeps it alive        */
};

struct nsinfo_holder {
	int kind;                 /* enum nsinfo_holder_kind */
	pid_t pid;                /* PROC/THREAD/CHILDREN/FD */
	int fd;                   /* FD */
	uint64_t mntns;           /* MOUNT: inode of the mount namespace */
	const char *path;         /* MOUNT: mount point in that namespace */
	int32_t ns;               /* CHILD_NS/OWNED_NS: namespace index */
};

/* Namespace flags */
#define NSINFO_NS_ANCESTOR   (1u << 0) /* reached only through nsfs ioctls */
#define NSINFO_NS_NOPROCS    (1u << 1) /* no process has it as its own ns  */
#define NSINFO_NS_DETACHED   (1u << 2) /* the kernel could not be asked (fixture, vanished) */

struct nsinfo_ns {
	int type;                 /* enum nsinfo_type */
	uint64_t ino;             /* inode number in nsfs */
	uint64_t dev;             /* nsfs device, 0 if unknown */
	uint64_t nsid;            /* 64-bit id (NS_GET_ID), 0 if the kernel has none */
	int32_t parent;           /* pid/user: index of the parent namespace, -1 */
	int32_t owner;            /* index of the owning user namespace, -1 */
	int64_t owner_uid;        /* user namespaces: NS_GET_OWNER_UID, -1 unknown */
	int level;                /* pid/user: depth below the top one seen, -1 unknown */
	uint32_t flags;           /* NSINFO_NS_* */
	uint32_t nprocs;          /* processes (not threads) in it */
	const uint32_t *procs;    /* their indices in the process table, by pid */
	uint32_t nchildren;       /* pid/user: child namespaces of the same type */
	const uint32_t *children;
	uint32_t nowned;          /* user: namespaces of any type it owns */
	const uint32_t *owned;
	uint32_t nholders;        /* what else pins it (threads, fds, mounts, ...) */
	const struct nsinfo_holder *holders;
	int32_t container;        /* index in the container table, -1 */
	const char *hostname;     /* uts namespaces, where known; else NULL */
	/* user namespaces, read from a process in it as the caller's user
	 * namespace sees them, NULL where unknown: uid_map and gid_map as
	 * "INSIDE OUTSIDE COUNT" lines joined by ',' ("" for no map written
	 * yet), setgroups 1 allow, 0 deny, -1 unknown */
	const char *uid_map;
	const char *gid_map;
	int setgroups;
	/* time namespaces: /proc/PID/timens_offsets as "monotonic SECS NSECS,
	 * boottime SECS NSECS"; NULL where unknown */
	const char *time_offsets;
};

/* Process flags */
#define NSINFO_PROC_THREAD   (1u << 0) /* a non-leader task (tid != tgid) */
#define NSINFO_PROC_ZOMBIE   (1u << 1)
#define NSINFO_PROC_DENIED   (1u << 2) /* ns links refused (EACCES/EPERM) */
#define NSINFO_PROC_KTHREAD  (1u << 3)
#define NSINFO_PROC_PARTIAL  (1u << 4) /* vanished while being read */

struct nsinfo_proc {
	pid_t pid;                /* tid for threads, as seen in the scanned /proc */
	pid_t tgid;
	pid_t ppid;
	uid_t uid;                /* effective uid */
	uint32_t flags;           /* NSINFO_PROC_* */
	char comm[16];
	char state;               /* R S D Z T ... */
	int nspid_len;            /* NSpid: outermost (this /proc's) first */
	const pid_t *nspid;
	int32_t ns[NSINFO_NTYPES];/* namespace indices, -1 unknown */
	int32_t pid_for_children; /* index, -1 if same as ns[PID] or unknown */
	int32_t time_for_children;
	int32_t container;        /* index in the container table, -1 */
	uint64_t start_time;      /* clock ticks after boot (/proc/PID/stat field 22),
				   * 0 unknown: what per-pid reads check */
	gid_t gid;                /* effective gid, (gid_t)-1 unknown */
};

struct nsinfo_container {
	const char *runtime;      /* "docker", "containerd", "cri-o", "podman", "nspawn", "lxc", ... */
	const char *id;           /* full id or machine name */
	const char *name;         /* human name where known, else NULL */
	const char *pod;          /* Kubernetes pod UID (podman: pod id), else NULL */
	int trust;                /* NSINFO_TRUST_*: what the identity rests on */
	uid_t owner;              /* who controls that evidence (see below) */
	/* from the engine's own files (OCI bundle annotations, its state);
	 * NULL where none says */
	const char *image;        /* image name as the engine recorded it */
	const char *pod_name;     /* Kubernetes or podman pod name */
	const char *pod_namespace;/* Kubernetes namespace */
	const char *k8s_container;/* Kubernetes container name */
	const char *evidence;     /* what identified it: "cgroup", "shim", "conmon",
				   * "environ", "pod" (see NSINFO_CONTAINER_*) */
	int kind;                 /* NSINFO_CONTAINER_KIND_* */
	int state;                /* NSINFO_CONTAINER_RUNNING / _STOPPED */
};

/* nsinfo_container.kind: a container, or a pod (the owner of namespaces
 * its containers share: its id is the pod UID or the sandbox's id, its name
 * the pod's) */
#define NSINFO_CONTAINER_KIND_CONTAINER 0
#define NSINFO_CONTAINER_KIND_POD       1
#define NSINFO_CONTAINER_RUNNING 0
#define NSINFO_CONTAINER_STOPPED 1

/*
 * What a container's identity rests on (nsinfo_container.trust), weakest
 * first. Only NSINFO_TRUST_ENGINE identities are used to pick a namespace
 * by name or id (nsinfo_resolver_resolve); the others are shown, marked.
 *  HINT    what a process controls: container= in the environment of a pid
 *          namespace's init (named by its hostname), or a container cgroup
 *          path that could not be checked; owner is the claiming process's
 *          uid.
 *  USER    a container cgroup in a subtree owned by a non-root user (a
 *          rootless engine, or anything in a delegated user@UID.service):
 *          owner is that uid, the name comes from that user's engine state
 *          (~/.local/share/containers, ~/.local/share/docker) only.
 *  ENGINE  a container cgroup whose directory and every ancestor up to the
 *          hierarchy's root are owned by root: only root could have made
 *          it; the name comes from the engine's root-owned state files.
 *          owner is 0.
 */
#define NSINFO_TRUST_HINT    0
#define NSINFO_TRUST_USER    1
#define NSINFO_TRUST_ENGINE  2

struct nsinfo_coverage {
	uint32_t scanned;         /* /proc/PID entries looked at */
	uint32_t vanished;        /* exited while being read */
	uint32_t denied;          /* namespaces unreadable (EACCES/EPERM) */
	uint32_t zombies;         /* listed in their pid and user namespaces only */
	uint32_t tasks_scanned;   /* threads looked at (multi-threaded processes) */
	uint32_t refused;         /* bind-mount paths not opened: a symlink, a FIFO or
				   * anything but that nsfs file at the mount point */
	uint32_t hidepid;         /* the proc root's hidepid= where it hides processes
				   * from the caller: NSINFO_HIDEPID_*, else 0 */
};

/* /proc mount option hidepid= (proc(5)), as the caller is subject to it */
#define NSINFO_HIDEPID_NOACCESS   1 /* others' processes listed, not readable (denied) */
#define NSINFO_HIDEPID_INVISIBLE  2 /* others' processes not listed at all */
#define NSINFO_HIDEPID_PTRACEABLE 4 /* only processes the caller may ptrace are listed */

/* Scan flags */
#define NSINFO_SCAN_NO_THREADS (1u << 0) /* skip /proc/PID/task */
#define NSINFO_SCAN_NO_IOCTL   (1u << 1) /* no nsfs ioctls: no ids, parents, owners */
#define NSINFO_SCAN_FDS        (1u << 2) /* nsfs fds as holders */
#define NSINFO_SCAN_MOUNTS     (1u << 3) /* nsfs bind mounts as holders, every mntns */
#define NSINFO_SCAN_CONTAINERS (1u << 4) /* container of each process from cgroup */
#define NSINFO_SCAN_HOSTNAMES  (1u << 5) /* hostname of each uts namespace */
#define NSINFO_SCAN_PROC       (1u << 6) /* walk /proc even where the BPF source works */
#define NSINFO_SCAN_BPF        (1u << 7) /* the BPF source on a small host too */
#define NSINFO_SCAN_NOT_SELF   (1u << 8) /* the caller's own fds are not holders (what it
					   * inherited is held by the process it came from) */
#define NSINFO_SCAN_USAGE      (1u << 9) /* CPU time and resident memory per process
					   * (nsinfo_snapshot_proc_usage) */
/* bits 10-11 unused */
#define NSINFO_SCAN_REUSABLE   (1u << 12) /* record what a refresh needs (nsinfo_snapshot_refresh) */
#define NSINFO_SCAN_NO_CHILDREN_LINKS (1u << 13) /* skip pid_for_children, time_for_children */

struct nsinfo_scan_opts {
	size_t size;              /* sizeof(struct nsinfo_scan_opts) */
	const char *proc_root;    /* NULL = "/proc" */
	unsigned flags;           /* NSINFO_SCAN_* */
};

/* Build a snapshot. opts may be NULL (defaults). Returns 0 or -errno (e.g.
 * the proc root cannot be opened; -ENOLINK: it is the /proc of a pid
 * namespace that no longer exists, worded by nsinfo_pid_strerror()).
 * Partial views are not errors: see nsinfo_snapshot_coverage(). */
int nsinfo_snapshot_new(const struct nsinfo_scan_opts *opts,
			struct nsinfo_snapshot **out);
struct nsinfo_snapshot *nsinfo_snapshot_ref(struct nsinfo_snapshot *s);
void nsinfo_snapshot_unref(struct nsinfo_snapshot *s);

/* Processes (leaders and differing threads), sorted by pid. */
const struct nsinfo_proc *nsinfo_snapshot_procs(const struct nsinfo_snapshot *s,
						size_t *n);
/*
 * CPU time and resident memory of process row i (an index into
 * nsinfo_snapshot_procs()) in a snapshot taken with NSINFO_SCAN_USAGE:
 * *cpu_ns, user + system time in ns since it started, of all its threads
 * (an NSINFO_PROC_THREAD row: of that thread); *rss_bytes, its resident
 * file, anonymous and shared memory pages, the rss field of
 * /proc/PID/stat. Either may be NULL. The /proc walk reads
 * /proc/PID/stat (clock ticks: 10 ms steps at USER_HZ 100); the BPF
 * iterator reads the scheduler's runtime of each thread (ns; the slice
 * running at that moment not yet counted) and the memory counters /proc
 * reads (per-CPU batches not yet folded in, as in /proc). 0, -ENODATA (not
 * read: a snapshot without the flag or loaded from JSON, a process denied
 * or gone while read) or -EINVAL.
 */
int nsinfo_snapshot_proc_usage(const struct nsinfo_snapshot *s, size_t i, uint64_t *cpu_ns,
			       uint64_t *rss_bytes);
/* Namespaces in discovery order. */
const struct nsinfo_ns *nsinfo_snapshot_namespaces(const struct nsinfo_snapshot *s,
						   size_t *n);
const struct nsinfo_container *nsinfo_snapshot_containers(const struct nsinfo_snapshot *s,
							  size_t *n);
void nsinfo_snapshot_coverage(const struct nsinfo_snapshot *s,
			      struct nsinfo_coverage *out);
const char *nsinfo_snapshot_proc_root(const struct nsinfo_snapshot *s);

/*
 * Where the processes and their namespaces came from: "bpf" (a BPF task
 * iterator, used when proc_root is /proc of the caller's own pid namespace,
 * NSINFO_SCAN_PROC is not set, the host runs 700 tasks or more (below, the
 * /proc walk costs less than loading the program) or NSINFO_SCAN_BPF is
 * set, and the program loads: needs root and kernel BTF) or "proc" (the
 * /proc walk). NSINFO_SCAN_PROC wins over NSINFO_SCAN_BPF. *why (may be
 * NULL) receives NULL for "bpf", else a one-line reason the iterator was
 * not used.
 * The two differ in coverage only: the iterator sees every task of the pid
 * namespace, so denied and vanished stay 0 (pid 1's namespaces are listed
 * even where its ns links refuse root); scanned counts thread-group leaders
 * and tasks_scanned the other threads, as for /proc.
 */
const char *nsinfo_snapshot_source(const struct nsinfo_snapshot *s, const char **why);

/*
 * A snapshot as one JSON document (schema in libnsinfo(3)): every namespace
 * with its holders, every process with its command line, the containers,
 * the coverage and the user names of the uids seen, so that it can be read
 * back on another host. The file is valid UTF-8 JSON whatever the strings
 * hold (see NSINFO_ESCAPE_JSON: invalid bytes become U+FFFD). 0 or -errno.
 */
int nsinfo_snapshot_write_json(struct nsinfo_snapshot *s, FILE *f);
/*
 * Read a snapshot written by nsinfo_snapshot_write_json ("-" is standard
 * input). It answers every query a fresh one does; its command lines and
 * user names are the saved ones; nsinfo_snapshot_refresh() from it scans
 * this host afresh (it lends nothing). 0, -errno from opening the file,
 * -EISDIR, -EFBIG (larger than the limit), or -EINVAL for anything that is
 * not such a snapshot (nor a regular file or a pipe), with a one-line
 * reason naming the place in why (may be NULL; it may quote the file, so
 * show it through nsinfo_escape()).
 */
int nsinfo_snapshot_read_json(const char *path, struct nsinfo_snapshot **out,
			      char *why, size_t whylen);
/* The same with a size limit in bytes; 0 is NSINFO_JSON_MAX_DEFAULT. */
#define NSINFO_JSON_MAX_DEFAULT ((size_t)256 << 20)
int nsinfo_snapshot_read_json_max(const char *path, size_t max_bytes,
				  struct nsinfo_snapshot **out, char *why, size_t whylen);

/*
 * What changed from old to new: namespaces created and gone (matched by
 * type and 64-bit id when both snapshots have ids, else by inode), namespaces
 * whose holders changed (bind mounts, fds, threads, child/owned namespaces,
 * or having processes at all), containers started and stopped (runtime and
 * id). *out (free()) lists them: namespaces in type and id order, then
 * containers. 0 or -errno.
 */
enum nsinfo_diff_kind {
	NSINFO_DIFF_NS_CREATED = 0,   /* new_index: namespace in new */
	NSINFO_DIFF_NS_GONE,          /* old_index: namespace in old */
	NSINFO_DIFF_NS_HOLDERS,       /* both */
	NSINFO_DIFF_CONTAINER_STARTED,/* new_index: container in new */
	NSINFO_DIFF_CONTAINER_STOPPED,/* old_index: container in old */
};
struct nsinfo_diff_entry {
	int kind;                 /* enum nsinfo_diff_kind */
	int32_t old_index;        /* index in old's table, -1 */
	int32_t new_index;        /* index in new's table, -1 */
};
int nsinfo_snapshot_diff(const struct nsinfo_snapshot *old_snap,
			 const struct nsinfo_snapshot *new_snap,
			 struct nsinfo_diff_entry **out, size_t *n);
/* "created", "gone", "holders", "started", "stopped"; NULL otherwise. */
const char *nsinfo_diff_kind_name(int kind);

/* Index of the process (leader or recorded thread) with that pid, -ENOENT. */
int nsinfo_snapshot_find_proc(const struct nsinfo_snapshot *s, pid_t pid);
/* Index of a namespace by inode or by 64-bit id; type -1 matches any type.
 * -ENOENT if absent. */
int nsinfo_snapshot_find_ns(const struct nsinfo_snapshot *s, int type, uint64_t ino);
int nsinfo_snapshot_find_nsid(const struct nsinfo_snapshot *s, int type, uint64_t nsid);
/* Index of the namespace of the calling process for that type, -ENOENT. */
int nsinfo_snapshot_self_ns(const struct nsinfo_snapshot *s, int type);
/* The process of a namespace with the lowest pid, NULL if it has none. */
const struct nsinfo_proc *nsinfo_ns_lowest_proc(const struct nsinfo_snapshot *s,
						const struct nsinfo_ns *ns);

/* -------------------------------------------------------------- forest */

/*
 * The namespaces of a snapshot as a forest, built by one relation
 * (nsinfo_forest_new), then laid out over the namespaces a view shows
 * (nsinfo_forest_layout). nstree and nstop draw their trees from it.
 */
enum nsinfo_forest_rel {
	/* user and pid namespaces under their parent (a pid namespace whose
	 * parent is unknown under its owner), every other namespace under
	 * its owning user namespace */
	NSINFO_FOREST_NEST,
	NSINFO_FOREST_OWNER,      /* every namespace under its owner (lsns -T owner) */
	NSINFO_FOREST_PARENT,     /* pid and user namespaces under their parent */
	/* under the namespace of the same type that the lowest member's
	 * nearest ancestor process outside it is in (lsns -T process) */
	NSINFO_FOREST_PROCESS,
	/* by container and pod (nsinfo_ns.container): a container's
	 * namespaces under its pid namespace (its mnt namespace for a
	 * --pid=host container), a pod's and its containers' anchors under
	 * the pod's net namespace; a namespace of no container under the pid
	 * namespace of its lowest member, pid namespaces roots */
	NSINFO_FOREST_CONTAINER,
	NSINFO_FOREST_FLAT,       /* every namespace a root */
};
/* nsinfo_forest_layout() flags */
/* a shown namespace whose ancestors are all hidden hangs under its
 * nearest shown owner (else it is a root) */
#define NSINFO_FOREST_OWNER_FALLBACK 0x1u
/* the ancestors of a shown namespace are shown too, as context */
#define NSINFO_FOREST_KEEP_ANCESTORS 0x2u

struct nsinfo_forest;
/* The forest of s by rel (enum nsinfo_forest_rel); s must outlive it.
 * 0, -EINVAL, -ENOMEM. Until laid out, it has no children. */
int nsinfo_forest_new(const struct nsinfo_snapshot *s, int rel, struct nsinfo_forest **out);
void nsinfo_forest_free(struct nsinfo_forest *f);
/* Parent of namespace i by the relation (an index), -1 for a root. */
int32_t nsinfo_forest_parent(const struct nsinfo_forest *f, uint32_t i);
/*
 * Lay out the namespaces with show[i] non-zero (show NULL: all): each
 * under its nearest shown ancestor, else a root; siblings sorted by cmp
 * (qsort_r over uint32_t namespace indices, arg passed on; NULL keeps
 * index order). May be called again with other filters. 0 or -ENOMEM.
 */
int nsinfo_forest_layout(struct nsinfo_forest *f, const uint8_t *show, unsigned flags,
			 int (*cmp)(const void *, const void *, void *), void *arg);
/* After layout: 0 hidden, 1 shown as an ancestor only (KEEP_ANCESTORS),
 * 2 shown. */
int nsinfo_forest_shown(const struct nsinfo_forest *f, uint32_t i);
/* After layout: the children of namespace i in display order, the roots
 * for i = -1; *n is their number. */
const uint32_t *nsinfo_forest_children(const struct nsinfo_forest *f, int32_t i, size_t *n);

/*
 * A path namespace idx can be opened by, as lsns's PATH column: the
 * lowest member's /proc/PID/ns/TYPE; for a namespace without processes, a
 * bind mount in the caller's mount namespace ("/run/netns/NAME"), else the
 * thread, *_for_children link, fd or other mount that holds it, under the
 * proc root. 0, -ENOENT (no way to it), -ENAMETOOLONG, -EINVAL.
 */
int nsinfo_ns_path(const struct nsinfo_snapshot *s, int idx, char *buf, size_t len);
/*
 * The id the caller's network namespace gives net namespace idx (rtnetlink
 * RTM_GETNSID, lsns's NETNSID): 0 and *id (-1: none assigned), -EINVAL
 * (not a net namespace), -ENODEV (a loaded snapshot), -ENOENT (no way to
 * open it any more), -errno.
 */
int nsinfo_ns_netnsid(const struct nsinfo_snapshot *s, int idx, int32_t *id);

/* Read /proc/PID/cmdline on demand, NULs turned to spaces; 0 or -errno.
 * Only for a process of the snapshot, and only while the pid still is
 * that process (same start time): -ESRCH once it is gone or the pid was
 * reused. A loaded snapshot gives the saved command line. */
int nsinfo_proc_cmdline(const struct nsinfo_snapshot *s, pid_t pid,
			char *buf, size_t len);
/*
 * The effective uid and gid process p has inside its own user namespace,
 * through the uid_map and gid_map of that namespace: 65534 (the kernel's
 * overflow id) where unmapped, -1 where unknown (no map read, no id).
 */
void nsinfo_proc_ns_ids(const struct nsinfo_snapshot *s, const struct nsinfo_proc *p,
			int64_t *uid, int64_t *gid);
/* An id through a map as nsinfo_ns.uid_map holds it, from the outside
 * (the caller's view) in: the inside id, 65534 if unmapped, -1 for a
 * map that is NULL. */
int64_t nsinfo_idmap_inside(const char *map, uint32_t outside);

/* User name for a uid (cached per snapshot; the numeric form if unknown). */
const char *nsinfo_snapshot_username(struct nsinfo_snapshot *s, uid_t uid);

/* ------------------------------------------------------- namespace refs */

/*
 * The namespace reference grammar shared by every tool:
 *   4026531836        an inode number, else a namespace id, else a container
 *                     id prefix (needs a snapshot)
 *   id:NSID           a 64-bit namespace id (needs a snapshot)
 *   pid:N             the namespace of process N, as seen by the caller
 *   /path             a namespace file: /proc/N/ns/net, a bind mount, ...
 *   NAME              a container id prefix or name (needs a snapshot)
 */
struct nsinfo_nsref {
	int fd;                   /* O_RDONLY nsfs fd, owned by the caller */
	int type;                 /* enum nsinfo_type */
	uint64_t ino;
	uint64_t nsid;            /* 0 if unknown */
	pid_t pid;                /* a process in it when known (pid:N), else 0 */
};

/*
 * A resolver: the one entry point every tool resolves references through.
 * snap may be NULL: a snapshot (NSINFO_SCAN_CONTAINERS|NSINFO_SCAN_HOSTNAMES
 * of proc_root, NULL = "/proc") is then built the first time a reference
 * needs one (an inode, id:NSID or a container name); paths and pid:N need
 * none. With a snapshot read by nsinfo_snapshot_read_json() the resolver is
 * offline: nothing live is opened (no fd in the result, pid:N and names are
 * answered from the file, a path is refused with -EREMOTE).
 * Container names and ids match NSINFO_TRUST_ENGINE containers only.
 */
struct nsinfo_resolver;
int nsinfo_resolver_new(struct nsinfo_snapshot *snap, const char *proc_root,
			struct nsinfo_resolver **out);
struct nsinfo_resolver *nsinfo_resolver_ref(struct nsinfo_resolver *r);
void nsinfo_resolver_unref(struct nsinfo_resolver *r);
/* The snapshot in use (given, or built so far); NULL if none yet. */
struct nsinfo_snapshot *nsinfo_resolver_snapshot(const struct nsinfo_resolver *r);
/*
 * Resolve ref; type is the wanted enum nsinfo_type or -1 for any. On
 * success out->fd is an nsfs fd owned by the caller, or -1 where nothing
 * holds the namespace open (or the snapshot is a loaded one). Errors (one
 * vocabulary, nsinfo_ref_strerror):
 *  -EINVAL malformed           -ENOENT no such namespace or container
 *  -ESRCH no such process      -EMEDIUMTYPE a namespace of another type
 *  -EDOM a process or container has a namespace of each type: type is -1
 *  -ENOTUNIQ several containers match (nsinfo_resolver_candidates)
 *  -EKEYREJECTED only containers of unverified identity match (candidates)
 *  -EREMOTE a path against a loaded (offline) snapshot
 *  -ENOTTY not a namespace file  -EACCES/-EPERM refused  -ENOMEM
 */
int nsinfo_resolver_resolve(struct nsinfo_resolver *r, const char *ref, int type,
			    struct nsinfo_nsref *out);
/* The container ref names (a name, id or unique id prefix of an
 * NSINFO_TRUST_ENGINE container): its index in nsinfo_resolver_snapshot(),
 * or -ENOENT, -ENOTUNIQ, -EKEYREJECTED, -EINVAL as above. */
int nsinfo_resolver_container(struct nsinfo_resolver *r, const char *ref);
/* The containers that matched the last -ENOTUNIQ / -EKEYREJECTED (indices
 * in nsinfo_resolver_snapshot()); NULL and *n = 0 otherwise. */
const int32_t *nsinfo_resolver_candidates(const struct nsinfo_resolver *r, size_t *n);
/* One line for an error of the last resolve of ref: "REF: reason", with
 * the candidates ("RUNTIME ID LABEL, ...") when there are any. Returns buf. */
const char *nsinfo_resolver_message(struct nsinfo_resolver *r, const char *ref, int err,
				    char *buf, size_t len);
/* The reason for one error code of the vocabulary above (then strerror). */
const char *nsinfo_ref_strerror(int err);

/* One reference against snap as given (no snapshot is built: refs that need
 * one give -EINVAL when snap is NULL). Prefer a resolver. */
int nsinfo_ref_resolve(struct nsinfo_snapshot *snap, const char *ref, int type,
		       struct nsinfo_nsref *out);

/*
 * A live process of a namespace, found without a snapshot. The namespace
 * is the one of type (NSINFO_*) with inode ino and, where it and the
 * kernel's are known, 64-bit id nsid (0 skips that check). Its members
 * come from a filtered task iterator on a large host, else from one link
 * per process of proc_root (NULL = "/proc"), lowest pid first. 0 with *pid
 * (as proc_root shows it; it may exit at any time), -ENOENT none, -EINVAL
 * bad arguments, -errno if proc_root cannot be read.
 */
int nsinfo_ns_member(const char *proc_root, int type, uint64_t ino, uint64_t nsid, pid_t *pid);

/*
 * Open namespace ns of snapshot s, whatever keeps it alive: one of its
 * processes, its nsfs file handle by id (Linux 6.18), a thread, a parent's
 * pid_for_children, an fd another process holds (pidfd_getfd), a bind mount
 * (its path in its mount namespace, no symlink followed, checked to be nsfs
 * before it is opened). What is opened is checked to be ns (type, inode,
 * id). The holders are those the snapshot was scanned with (NSINFO_SCAN_FDS,
 * NSINFO_SCAN_MOUNTS). 0 with out->fd an O_RDONLY nsfs fd the caller owns
 * (out->pid the process it came through, else 0); -ENOENT nothing to open it
 * through any more, -EACCES/-EPERM refused, -EOPNOTSUPP a loaded snapshot,
 * -EINVAL bad arguments.
 */
int nsinfo_ns_open(const struct nsinfo_snapshot *s, const struct nsinfo_ns *ns,
		   struct nsinfo_nsref *out);

/*
 * All of file name (relative to dirfd, as openat(2) takes it; opened
 * read-only, close-on-exec, never as a controlling terminal), up to max
 * bytes, into a new NUL-terminated buffer: 0 with *out (free() it) and
 * *len (may be NULL). -EFBIG if it holds more than max bytes, -ENOMEM,
 * -EINVAL or -errno of the open or a read: never a truncated text. The
 * library's one whole-file reader, for a tool reading a file of a process
 * it holds (its /proc/PID directory as dirfd).
 */
int nsinfo_read_file_at(int dirfd, const char *name, size_t max, char **out, size_t *len);

/* Parse a decimal pid (1..INT_MAX, nothing else on the line); -EINVAL. */
int nsinfo_parse_pid(const char *s, pid_t *out);

/* ---------------------------------------------------------------- nsfs */

/* Inode and nsfs type of an open namespace fd; -errno. */
int nsinfo_fd_identify(int fd, int *type, uint64_t *ino);
/* 64-bit namespace id of an fd (NS_GET_ID, with NS_GET_MNTNS_ID for mount
 * namespaces on older kernels); -ENOTTY/-EINVAL where the kernel has none. */
int nsinfo_fd_nsid(int fd, uint64_t *nsid);


/* -------------------------------------------------------------- events */

/*
 * Namespace operations as they happen (clone, clone3, unshare, setns, and
 * forks that land in another pid/time namespace), from an eBPF probe. Needs
 * root (CAP_BPF + CAP_PERFMON or CAP_SYS_ADMIN) and kernel BTF.
 *
 * Event-loop use: poll nsinfo_events_fd() for POLLIN (it also becomes
 * readable on the flush timer, so batched records are never held back
 * longer than flush_ms), then call nsinfo_events_consume(), which invokes
 * the callback once per record. nsinfo_events_poll() does both.
 */
struct nsinfo_events;

enum nsinfo_event_kind {
	NSINFO_EV_CLONE = 0,
	NSINFO_EV_CLONE3,
	NSINFO_EV_UNSHARE,
	NSINFO_EV_SETNS,
	NSINFO_EV_FORK,           /* plain fork into another pid/time namespace */
	NSINFO_EV_NKINDS
};

/* What a setns() fd was */
enum nsinfo_event_target {
	NSINFO_EV_TARGET_NONE = 0,
	NSINFO_EV_TARGET_NSFD,
	NSINFO_EV_TARGET_PIDFD,
	NSINFO_EV_TARGET_OTHER,   /* not a namespace or pidfd (or a bad fd) */
};

/* Namespace slots of an event: the NSINFO_NTYPES types, then the ones
 * children get (/proc/PID/ns/pid_for_children, time_for_children). */
#define NSINFO_EV_SLOT_PID_CHILDREN  NSINFO_NTYPES
#define NSINFO_EV_SLOT_TIME_CHILDREN (NSINFO_NTYPES + 1)
#define NSINFO_EV_NSLOTS             (NSINFO_NTYPES + 2)
#define NSINFO_EV_MAX_LEVELS 8

struct nsinfo_event_ns {
	uint64_t ino;             /* 0 if unknown */
	uint64_t nsid;            /* 64-bit namespace id, 0 if the kernel has none */
};

struct nsinfo_event {
	int kind;                 /* enum nsinfo_event_kind */
	uint64_t time_ns;         /* CLOCK_REALTIME of the syscall entry */
	uint64_t mono_ns;         /* CLOCK_MONOTONIC of the same */
	uint64_t latency_ns;      /* entry to exit; 0 for FORK */
	pid_t pid;                /* thread id (init pid namespace) */
	pid_t tgid;
	pid_t ppid;
	uid_t uid;                /* real uid (init user namespace) */
	char comm[16];
	uint64_t cgroup_id;
	int nspid_len;            /* caller's NSpid, outermost first */
	pid_t nspid[NSINFO_EV_MAX_LEVELS];
	uint64_t flags;           /* clone/unshare flags, setns nstype, FORK: clone flags */
	unsigned types;           /* namespace types touched: bit (1u << enum nsinfo_type) */
	int64_t ret;              /* return value; FORK: the child's pid */
	int error;                /* errno when ret < 0, else 0 */
	pid_t child_pid;          /* CLONE/CLONE3/FORK: new task (init pid ns), 0 */
	pid_t child_vpid;         /* its pid in its own pid namespace */
	int target;               /* SETNS: enum nsinfo_event_target */
	int target_fd;
	int target_type;          /* NSFD: enum nsinfo_type, -1 */
	struct nsinfo_event_ns target_ns; /* NSFD */
	pid_t target_pid;         /* PIDFD */
	/* caller at entry; caller at exit (UNSHARE/SETNS) or the child (CLONE*, FORK);
	 * only the changed slots unless NSINFO_EVENTS_FULL (others 0) */
	struct nsinfo_event_ns before[NSINFO_EV_NSLOTS];
	struct nsinfo_event_ns after[NSINFO_EV_NSLOTS];
	/* the caller's active pid namespace at exit (entry for CLONE*, FORK),
	 * in every record: what tells a container's events apart */
	struct nsinfo_event_ns pidns;
	/* the caller's cgroup: on a host with cgroup v1 controllers, in the
	 * hierarchy nsinfo_events_cgroup_hierarchy() names (cgroup_id is then
	 * the empty v2 hierarchy's); else the v2 one, as cgroup_id. The
	 * kernfs id, the inode of the cgroup's directory; 0 unknown */
	uint64_t cgroup_v1_id;
};

/* Return non-zero to stop the current consume call early. */
typedef int (*nsinfo_event_cb)(const struct nsinfo_event *ev, void *userdata);
/* libbpf diagnostics while loading (one line each, no newline) */
typedef void (*nsinfo_events_log_cb)(const char *line, void *userdata);

/* Options flags */
#define NSINFO_EVENTS_FAILED_ONLY  (1u << 0) /* only operations that failed */
#define NSINFO_EVENTS_RAW_SYSCALLS (1u << 1) /* raw sys_enter/sys_exit, not syscall tracepoints */
/* not the calling process's operations nor those of the children it forks
 * (the library's own helpers, such as the hostname reader) */
#define NSINFO_EVENTS_NOT_SELF     (1u << 2)
/* before/after of every slot; without it only the slots whose namespace
 * changed are filled (the others are 0), a third of the ring per event */
#define NSINFO_EVENTS_FULL         (1u << 3)

struct nsinfo_events_opts {
	size_t size;              /* sizeof(struct nsinfo_events_opts) */
	unsigned flags;           /* NSINFO_EVENTS_* */
	unsigned types;           /* bit (1u << type) of interest; 0 = all */
	pid_t pid;                /* only this process and its descendants; 0 = all */
	size_t ringbuf_bytes;     /* power of two, 1..4 MiB; 0 = 2 MiB */
	unsigned flush_ms;        /* reader timer; 0 = 100 */
	nsinfo_event_cb cb;
	void *userdata;
	nsinfo_events_log_cb log; /* NULL: libbpf messages are dropped */
	/* Container filter (with pid, both apply): only callers in one of
	 * these pid namespaces or in a namespace below them (up to
	 * NSINFO_EVENTS_PIDNS_DEPTH levels), or in the cgroup (with the
	 * cgroups below it) of one of the cgroup_of processes, in the
	 * hierarchy nsinfo_events_cgroup_hierarchy() names: for a container
	 * that shares the host's pid namespace. A pid namespace's nsid, when
	 * not 0, must match too (inodes are reused). At most
	 * NSINFO_EVENTS_MAX_TARGETS of each; filtered in the kernel. */
	const struct nsinfo_event_ns *pidns;
	size_t npidns;
	const pid_t *cgroup_of;
	size_t ncgroup_of;
};
#define NSINFO_EVENTS_PIDNS_DEPTH 8
#define NSINFO_EVENTS_MAX_TARGETS 64

/* Name of an event kind ("clone", "clone3", "unshare", "setns", "fork"). */
const char *nsinfo_event_kind_name(int kind);
/* 0 if the probe can be loaded here, else -errno and a one-line reason in
 * why (built without BPF, no kernel BTF, not privileged). */
int nsinfo_events_supported(char *why, size_t len);
/* Load and attach the probe. -errno on failure: -EINVAL bad options, -ESRCH
 * no process opts->pid, else see nsinfo_events_supported for the reason;
 * opts->log receives libbpf's own messages. */
int nsinfo_events_new(const struct nsinfo_events_opts *opts, struct nsinfo_events **out);
struct nsinfo_events *nsinfo_events_ref(struct nsinfo_events *ev);
void nsinfo_events_unref(struct nsinfo_events *ev);
/* An fd to poll for POLLIN (ring buffer data or flush timer). */
int nsinfo_events_fd(const struct nsinfo_events *ev);
/* Deliver every buffered record; number delivered or -errno. */
int nsinfo_events_consume(struct nsinfo_events *ev);
/* Wait up to timeout_ms (-1 forever) and consume; number or -errno
 * (-EINTR when a signal arrived). */
int nsinfo_events_poll(struct nsinfo_events *ev, int timeout_ms);
/* Records the probe could not queue (ring buffer full): exact. */
int nsinfo_events_lost(const struct nsinfo_events *ev, uint64_t *lost);
/* Add a process (and its future descendants) to the traced tree; only
 * meaningful with opts->pid set. */
int nsinfo_events_add_pid(struct nsinfo_events *ev, pid_t pid);
/* "tracepoint" or "raw_tracepoint": how the syscalls are hooked. */
const char *nsinfo_events_attach_mode(const struct nsinfo_events *ev);
/* The cgroup hierarchy of nsinfo_event.cgroup_v1_id and of the cgroup_of
 * filter: a v1 controller's name ("pids", "memory", ...) or "" for the
 * unified (v2) hierarchy. NULL without an event source. */
const char *nsinfo_events_cgroup_hierarchy(const struct nsinfo_events *ev);

/* ------------------------------------------------------------ counters */

/*
 * Namespace operations counted in the kernel (a BPF probe with per-CPU
 * counters, no ring buffer: exact totals, nothing lost, nothing to consume):
 * clone, clone3, unshare, setns and forks into another pid/time namespace,
 * by namespace type and result. Same needs as the event source (see
 * nsinfo_events_supported). Totals run from nsinfo_counters_new().
 */
struct nsinfo_counters;

struct nsinfo_counter {
	int kind;                 /* enum nsinfo_event_kind */
	int type;                 /* enum nsinfo_type; -1: setns of an fd that is no namespace */
	int error;                /* 0 success, else the errno (133 and above: 134) */
	uint64_t count;
};

#define NSINFO_COUNTERS_RAW_SYSCALLS (1u << 0) /* raw sys_enter/sys_exit, not syscall tracepoints */

struct nsinfo_counters_opts {
	size_t size;              /* sizeof(struct nsinfo_counters_opts) */
	unsigned flags;           /* NSINFO_COUNTERS_* */
};

/* Load and attach the probe; opts may be NULL. -errno (-ENOTSUP: built
 * without BPF). */
int nsinfo_counters_new(const struct nsinfo_counters_opts *opts, struct nsinfo_counters **out);
struct nsinfo_counters *nsinfo_counters_ref(struct nsinfo_counters *c);
void nsinfo_counters_unref(struct nsinfo_counters *c);
/* The non-zero counters, summed over the CPUs, ordered by kind, type,
 * error; free(*out). 0 or -errno. */
int nsinfo_counters_read(struct nsinfo_counters *c, struct nsinfo_counter **out, size_t *n);
/* "tracepoint" or "raw_tracepoint". */
const char *nsinfo_counters_attach_mode(const struct nsinfo_counters *c);

/* ------------------------------------------- holders and containers */

/*
 * What the scan flags add to a snapshot:
 *  - always: THREAD, CHILDREN, CHILD_NS and OWNED_NS holders (from the
 *    process scan and the nsfs ioctls). Processes are not listed as holders:
 *    nsinfo_ns.procs is that list.
 *  - NSINFO_SCAN_FDS: FD holders, from /proc/PID/fd of every process (with
 *    the BPF source, from its task_file iterator: the same holders).
 *  - NSINFO_SCAN_MOUNTS: MOUNT holders, from the mountinfo of one process per
 *    mount namespace (mntns is that namespace's inode, path the mount point
 *    as it sees it).
 *    Namespaces found only this way are probed through the fd or the mount
 *    (id, owner, ancestors) and carry NSINFO_NS_NOPROCS.
 *  - NSINFO_SCAN_HOSTNAMES: nsinfo_ns.hostname of UTS namespaces, read by one
 *    short-lived child process that setns()es into each in turn (needs
 *    CAP_SYS_ADMIN over the namespace's owner; unknown where refused).
 *  - NSINFO_SCAN_CONTAINERS: the container table, nsinfo_proc.container from
 *    /proc/PID/cgroup (docker, containerd incl. Kubernetes pod, cri-o,
 *    podman, nspawn, lxc/lxd) or from container= in the environment of the
 *    init of a pid namespace (runtime as given, id "pidns-<NSID>", name the
 *    hostname when NSINFO_SCAN_HOSTNAMES is on); nsinfo_ns.container when
 *    every member process whose cgroup was readable is in the same one.
 *    Names: docker's config.v2.json, podman's (and CRI-O's) containers.json,
 *    the engine's under /var/lib or a rootless user's own (see
 *    NSINFO_TRUST_*). Each container records what its identity rests on.
 * REF NAME (nsinfo_resolver_resolve) is the name, id or unique id prefix of
 * an NSINFO_TRUST_ENGINE container; an all-digit REF is an inode first, a
 * container id prefix if no namespace has that inode.
 */

/* "proc", "thread", "children", "fd", "mount", "child-ns", "owned-ns";
 * NULL for an unknown kind. */
const char *nsinfo_holder_kind_name(int kind);
/* Index of the NSINFO_TRUST_ENGINE container whose name equals name, or
 * whose id equals it or starts with it (the docker habit of short ids).
 * -ENOENT none, -ENOTUNIQ several match, -EKEYREJECTED only containers of
 * weaker trust match, -EINVAL bad arguments. */
int nsinfo_snapshot_find_container(const struct nsinfo_snapshot *s, const char *name);
/* How a container is shown, in buf: its name, else its id (the first 12
 * digits of a 64-hex id), "OWNER/" before it when a non-root user owns the
 * evidence, "?" after it unless NSINFO_TRUST_ENGINE: "web", "alice/web?",
 * "web?". NULL if idx is no container. */
const char *nsinfo_container_label(const struct nsinfo_snapshot *s, int32_t idx, char *buf,
				   size_t len);

/* The container of one process, without a snapshot: its /proc/PID/cgroup
 * (the runtimes listed above) and the runtime's state files for the name.
 * Containers known only from container= in a pid namespace init's
 * environment need a snapshot. */
struct nsinfo_container_info {
	char runtime[16];         /* as nsinfo_container.runtime */
	char id[256];
	char name[256];           /* "" where no name is known */
	char pod[80];             /* Kubernetes pod UID (podman: pod id), "" if none */
	int trust;                /* NSINFO_TRUST_* */
	uid_t owner;
	char label[300];          /* as nsinfo_container_label() */
	char image[256];          /* "" where unknown, as the fields of */
	char pod_name[256];       /* nsinfo_container */
	char pod_namespace[256];
	char k8s_container[256];
};
/* proc_root NULL = "/proc". 0, -ENOENT not in a container, -ESRCH no such
 * process, -EINVAL bad arguments, else -errno reading its cgroup file.
 * out is written only on success. */
int nsinfo_container_lookup(const char *proc_root, pid_t pid,
			    struct nsinfo_container_info *out);

/* ------------------------------------------------------ pid translation */

/*
 * A task's pid at every level of pid namespace nesting, from the caller's
 * pid namespace (level 0) down to the task's own (the NSpid chain), and
 * translation of pids between pid namespaces.
 *
 * Single lookups read one process's files and ask the kernel through nsfs
 * ioctls; they never walk /proc (except the fallback for kernels without
 * NS_GET_PID_FROM_PIDNS, and nsinfo_pidmap_members()).
 *
 * Why a translation failed is the error code; nsinfo_pid_strerror() words it:
 *   -ESRCH        no such process (in that pid namespace)
 *   -EXDEV        the pid namespace cannot see it (a sibling, or not below
 *                 the caller's pid namespace)
 *   -ENOLINK      /proc is not from the caller's pid namespace (mounted in a
 *                 child namespace): the chain is cut
 *   -ESTALE       the process exited while it was being read
 *   -ECHILD       a thread id where a process id was wanted
 *   -EMEDIUMTYPE  the namespace given is not a pid namespace
 *   -EACCES/-EPERM refused
 */
#define NSINFO_PIDCHAIN_MAX 40   /* 32 levels of nesting, plus margin */

struct nsinfo_pidlevel {
	pid_t pid;                /* pid (tid for threads) at this level */
	pid_t tgid;               /* its process at this level */
	uint64_t ino;             /* the pid namespace; 0 unknown (refused) */
	uint64_t nsid;            /* its 64-bit id; 0 unknown */
};

/* Pid chain flags */
#define NSINFO_PIDCHAIN_THREAD    (1u << 0) /* a non-leader thread */
#define NSINFO_PIDCHAIN_ZOMBIE    (1u << 1)
#define NSINFO_PIDCHAIN_NSDENIED  (1u << 2) /* inner levels' namespaces refused */

struct nsinfo_pidchain {
	int nlevels;              /* levels[0]: the caller's pid namespace */
	struct nsinfo_pidlevel levels[NSINFO_PIDCHAIN_MAX];
	char comm[16];
	char state;
	uint32_t flags;           /* NSINFO_PIDCHAIN_* */
	int pidfd;                /* pins the task since the lookup; -1 none */
};

struct nsinfo_pidmap;

/* pidmap flags */
#define NSINFO_PIDMAP_THREADS  (1u << 0) /* pids are task ids: any thread */
#define NSINFO_PIDMAP_NO_IOCTL (1u << 1) /* no pid-namespace ioctls: scan instead */

/* A translation context: the proc root (NULL = "/proc"), the caller's pid
 * namespace, probed kernel features. 0 or -errno. */
int nsinfo_pidmap_new(const char *proc_root, unsigned flags, struct nsinfo_pidmap **out);
struct nsinfo_pidmap *nsinfo_pidmap_ref(struct nsinfo_pidmap *m);
void nsinfo_pidmap_unref(struct nsinfo_pidmap *m);

/* The chain of a pid as seen by the caller. Release out with
 * nsinfo_pidchain_release(). 0 or -errno (see above). */
int nsinfo_pidmap_lookup(struct nsinfo_pidmap *m, pid_t pid, struct nsinfo_pidchain *out);
/* The chain of a pid as seen in the pid namespace open on nsfd. */
int nsinfo_pidmap_lookup_in(struct nsinfo_pidmap *m, int nsfd, pid_t pid,
			    struct nsinfo_pidchain *out);
/* Every task visible in the pid namespace on nsfd (its members and those of
 * its descendants), in caller pid order; one scan of /proc. Unpinned
 * (pidfd -1). Free with free(). 0 or -errno. */
int nsinfo_pidmap_members(struct nsinfo_pidmap *m, int nsfd, struct nsinfo_pidchain **out,
			  size_t *n);

/* Level of a chain in the pid namespace (nsid when both are known, else
 * inode); -EXDEV if that namespace cannot see the task, -EACCES if the
 * chain's namespaces were refused. */
int nsinfo_pidchain_level(const struct nsinfo_pidchain *c, uint64_t ino, uint64_t nsid);
/* Whether the task is still the one looked up: 0, or -ESTALE once it has
 * exited and been reaped (its pid may name another task by now). */
int nsinfo_pidchain_check(const struct nsinfo_pidchain *c);
/* Drop the pin; the chain's data stays readable. NULL is a no-op. */
void nsinfo_pidchain_release(struct nsinfo_pidchain *c);

/* Hostname of the task's uts namespace into buf (entered from a short-lived
 * thread: needs CAP_SYS_ADMIN over it). 0 or -errno; -ESTALE if the task
 * exited meanwhile. */
int nsinfo_pidmap_hostname(struct nsinfo_pidmap *m, const struct nsinfo_pidchain *c,
			   char *buf, size_t len);

/* ps's fields of a task (nsinfo_pidmap_ps) */
struct nsinfo_psinfo {
	pid_t ppid;               /* parent's pid in the proc root's pid namespace, 0 outside it */
	uid_t uid;                /* effective uid, as the caller's user namespace sees it */
	uint64_t cpu_ns;          /* user + system time (clock ticks: 10 ms steps at USER_HZ
				   * 100): of the process, all its threads; with
				   * NSINFO_PIDMAP_THREADS of the thread */
	uint64_t start_time;      /* clock ticks after boot (/proc/PID/stat field 22) */
	int64_t started;          /* the start in seconds since the epoch, counted from the
				   * proc root's boot time (btime, as ps); 0 unknown */
};

/* What ps shows of the task chain c pins. Read from its /proc/PID/stat and
 * status (/proc/PID/task/TID with NSINFO_PIDMAP_THREADS) and believed only
 * while the chain's task still lives: 0, -ESTALE (exited since its lookup:
 * the pid may name another task), -ESRCH, -EINVAL, -errno. */
int nsinfo_pidmap_ps(struct nsinfo_pidmap *m, const struct nsinfo_pidchain *c,
		     struct nsinfo_psinfo *out);

/* Why a pid translation failed, for an error code above. */
const char *nsinfo_pid_strerror(int err);

/* -------------------------------------------------- incremental refresh */

/*
 * For viewers that rescan every second or so (nstop): a refresh reuses what
 * the previous snapshot read from /proc/PID/status for every process still
 * there, and reads only the namespace links of those again (setns and
 * unshare change them at any time). A process is "still there" when its
 * /proc/PID directory is the same inode, so a recycled pid is read afresh.
 * Reused status fields (comm, state, ppid, uid, NSpid) are those of the
 * first snapshot that read the process: a later exec or prctl rename is not
 * seen; tgid and NSpid never change. With NSINFO_SCAN_CONTAINERS a process
 * prev placed (same pid and start time, 2 s old or more then) keeps its
 * container; every cgroup is read again each 8th refresh. The BPF source's
 * task iterator stays loaded from one refresh to the next.
 */
/* (NSINFO_SCAN_REUSABLE and NSINFO_SCAN_NO_CHILDREN_LINKS are with the
 * other scan flags, above) */

struct nsinfo_refresh_opts {
	size_t size;              /* sizeof(struct nsinfo_refresh_opts) */
	unsigned flags;           /* NSINFO_REFRESH_* */
	unsigned scan_flags;      /* NSINFO_REFRESH_SCAN_FLAGS: the new snapshot's NSINFO_SCAN_* */
	const pid_t *changed;     /* NSINFO_REFRESH_TRUST_LINKS: tgids, any order */
	size_t nchanged;
	struct nsinfo_events *events; /* the event source changed[] comes from, or NULL */
};
/*
 * NSINFO_REFRESH_TRUST_LINKS: the namespace links of prev's processes are
 * taken as they were too, except for the processes listed in changed[]:
 * for callers that know from the event source, with no lost events since
 * prev was taken, which processes called clone, unshare or setns. A change
 * made while the refresh runs may show one refresh late. With events set
 * (the handle whose callback collected changed[]), the library checks that
 * guarantee itself: the links are trusted only if prev was made by a
 * refresh given the same handle and the handle has lost no event since
 * (nsinfo_events_lost()); otherwise every link is read again, as without
 * the flag. Without events the caller vouches.
 * NSINFO_REFRESH_SCAN_FLAGS: scan with scan_flags instead of prev's (e.g.
 * NSINFO_SCAN_CONTAINERS only every so often).
 */
#define NSINFO_REFRESH_TRUST_LINKS (1u << 0)
#define NSINFO_REFRESH_SCAN_FLAGS  (1u << 1)

/* A new snapshot with prev's proc root and flags, reusing prev where it
 * can (prev must have been made with NSINFO_SCAN_REUSABLE, or by a
 * refresh; otherwise everything is read). Threads are always read again
 * unless NSINFO_SCAN_NO_THREADS. opts may be NULL. 0 or -errno (-EINVAL:
 * no prev, or changed NULL with a count); prev is not changed. */
int nsinfo_snapshot_refresh(struct nsinfo_snapshot *prev, const struct nsinfo_refresh_opts *opts,
			    struct nsinfo_snapshot **out);

/* --------------------------------------------------------------- escaping */

/*
 * How an untrusted string (comm, argv, hostname, environment, paths,
 * container names, text read from files) is shown; every tool's output goes
 * through this. Modes (flags & NSINFO_ESCAPE_MODE_MASK):
 *
 * NSINFO_ESCAPE_TEXT      terminal or log text: "\\" for a backslash, \xNN
 *                         for a C0 control byte, DEL, or a byte that is not
 *                         valid UTF-8; \uXXXX (\UXXXXXXXX above U+FFFF) for C1
 *                         controls, Unicode format characters (bidi
 *                         overrides and isolates U+202A-202E, U+2066-2069,
 *                         zero-width characters, BOM, ...) and U+2028/9.
 * NSINFO_ESCAPE_JSON      the inside of a JSON string literal, valid UTF-8:
 *                         \" \\, \u00XX for C0 controls and DEL, \uXXXX for
 *                         the characters above (surrogate pairs above
 *                         U+FFFF), U+FFFD (as itself, UTF-8 EF BF BD) for
 *                         each invalid byte.
 * NSINFO_ESCAPE_JSON_DOC  a whole JSON document from a writer that escapes
 *                         quotes, backslashes and C0 controls but passes
 *                         other bytes through (json-c, libsmartcols): those
 *                         bytes get the JSON treatment, the rest is copied.
 * NSINFO_ESCAPE_UTF8      only made valid UTF-8: each invalid byte as
 *                         U+FFFD, everything else kept (for storing a string
 *                         that is escaped again when shown).
 * NSINFO_ESCAPE_ASCII     (flag) also escape every other non-ASCII
 *                         character (\uXXXX), for a terminal that is not
 *                         UTF-8.
 *
 * s is NUL-terminated. Returns s itself when nothing needs escaping (no
 * allocation); otherwise the escaped string in *buf, which is grown with
 * realloc as needed (*size is its allocated size; start with NULL and 0,
 * reuse across calls, free(*buf) at the end). NULL with errno EINVAL (bad
 * arguments) or ENOMEM (*buf stays valid).
 */
#define NSINFO_ESCAPE_TEXT      0u
#define NSINFO_ESCAPE_JSON      1u
#define NSINFO_ESCAPE_JSON_DOC  2u
#define NSINFO_ESCAPE_UTF8      3u
#define NSINFO_ESCAPE_MODE_MASK 0x0fu
#define NSINFO_ESCAPE_ASCII     0x10u
const char *nsinfo_escape(const char *s, unsigned flags, char **buf, size_t *size);

#ifdef __cplusplus
}
#endif
#endif /* NSINFO_H */

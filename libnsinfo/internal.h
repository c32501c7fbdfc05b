/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef NSINFO_INTERNAL_H
#define NSINFO_INTERNAL_H

#include <stdbool.h>

#include "nsinfo.h"
#include "compat.h"
#include "util/child.h"
#include "util/procdir.h"
#include "util/readfile.h"

#define NSINFO_EXPORT __attribute__((visibility("default")))

struct uid_name {
	uid_t uid;
	const char *name;         /* in the snapshot's string storage */
};

struct nsinfo__chunk;

/* An open nsfs file of a process, as the task_file iterator or the /proc
 * walk saw it */
struct nsinfo__fdrec {
	pid_t pid;
	int fd;
	int type;                 /* enum nsinfo_type, -1 unknown; the walk's
				   * own: NSINFO__FD_SOCKET, NSINFO__FD_NSFS */
	uint64_t ino;
};

/* A socket the /proc walk saw: its net namespace is asked by the holders
 * pass (through a copy of the socket), as the fd pass would */
#define NSINFO__FD_SOCKET (-2)
/* An nsfs file the walk saw (ino known, type not yet: the namespace was
 * new to the snapshot then) */
#define NSINFO__FD_NSFS (-3)

/* The nsfs fds of every process, read by a source on its way (the BPF
 * task_file iterator, or the /proc walk through the pid directory it
 * holds) and handed to the holders pass, which then reads them instead of
 * /proc/PID/fd; consumed (freed) by that pass. */
struct nsinfo__fd_records {
	struct nsinfo__fdrec *v;
	size_t n, cap;
	bool complete;            /* they stand for /proc/PID/fd of every process */
	bool walked;              /* read by the /proc walk (enrich/holders.c) */
};

/* What the source that filled the store says about itself */
struct nsinfo__source_result {
	const char *name;         /* "bpf" or "proc" */
	char why[160];            /* why not "bpf"; empty when it is */
	struct nsinfo__fd_records fds;
};

struct nsinfo_snapshot {
	int refcnt;
	char *proc_root;
	unsigned flags;           /* NSINFO_SCAN_* */

	/* ---- the store (store/store.c): rows every source fills */
	struct nsinfo_proc *procs;
	size_t nprocs, procs_cap;
	pid_t *pids;              /* NSpid chains of every process */
	size_t npids, pids_cap;

	struct nsinfo_ns *ns;
	size_t nns, ns_cap;
	/* inode -> namespace index + 1; open addressing, power-of-two size */
	uint64_t *hkeys;
	uint32_t *hvals;
	size_t hcap;

	struct nsinfo_holder *holders;
	size_t nholders, holders_cap;
	int32_t *holder_owner;    /* namespace of each holder until the graph */
	size_t holder_owner_cap;

	struct nsinfo_container *containers;
	size_t ncontainers, containers_cap;

	/* CPU time and RSS per process row, NULL without NSINFO_SCAN_USAGE
	 * (grown with procs, sorted with them) */
	struct nsinfo__usage *usage;
	size_t usage_cap;

	/* owned strings (paths, hostnames, container ids, user names): never
	 * moved, freed with the snapshot */
	struct nsinfo__chunk *strings;
	struct uid_name *users;
	size_t nusers, users_cap;

	/* ---- facts about the host the source read */
	uint64_t nsfs_dev;
	uint64_t self_ns_ino[NSINFO_NTYPES];
	struct nsinfo_coverage cov;

	/* ---- the source's own result (source/scan.c, source/iter.c) */
	struct nsinfo__source_result src;

	/* ---- the graph (store/graph.c) */
	uint32_t *idx;            /* procs/children/owned lists */
	int32_t self_ns[NSINFO_NTYPES];

	/* ---- refresh (source/refresh.c): identities for a later refresh, and
	 * the events handle that ran while this snapshot was taken (its
	 * serial, 0 none) with its lost count then (store/pipeline.c) */
	struct nsinfo__reuse *reuse;
	struct {
		uint64_t serial, lost;
	} events_seen;

	/* ---- the JSON source (source/json.c): read from a file, not from
	 * this host's /proc; queries that would read /proc use what was saved */
	bool loaded;
	const char **cmdlines;    /* per process (leaders), NULL where not saved */
};

/* ==== /proc reading shared by the sources and the passes (source/scan.c) */

/* Deepest pid namespace nesting is 32 levels; NSpid lists one more at most */
#define NSINFO__MAX_LEVELS 40

struct nsinfo__status {
	char comm[16];
	char state;
	pid_t pid, tgid, ppid;
	uid_t uid;
	gid_t gid;
	bool has_gid;             /* a Gid: line was seen */
	int threads;
	uint64_t start_time;      /* /proc/PID/stat field 22, 0 unknown */
	int nspid_len;
	pid_t nspid[NSINFO__MAX_LEVELS];
};

/* What a source read of a task's CPU time and memory (NSINFO_SCAN_USAGE) */
struct nsinfo__usage {
	uint64_t cpu_ns;          /* user + system, all its threads (a thread row: its own) */
	uint64_t rss;             /* bytes: file + anon + shmem pages, as stat's rss */
	bool known;               /* false: not read (denied, vanished) */
};

/* The fields of a /proc/PID/stat text the scan keeps */
struct nsinfo__stat {
	char comm[16];            /* field 2, cut to 15 bytes */
	uint64_t ticks;           /* utime + stime (fields 14, 15), clock ticks */
	uint64_t start_time;      /* field 22 */
	uint64_t rss_pages;       /* field 24 */
};

/* Parse a /proc/PID/stat text (comm may hold anything, up to the last
 * ')'); 0 or -EINVAL, *st written only on success. */
int nsinfo__parse_stat(const char *buf, struct nsinfo__stat *st);
/* One clock tick (USER_HZ, stat's unit) in ns */
uint64_t nsinfo__tick_ns(void);

/* names of the ns/ entries, indexed by enum nsinfo_type */
extern const char *const nsinfo__ns_file[NSINFO_NTYPES];

/* Parse a /proc/PID/status text; 0 or -EINVAL if it is not one. */
int nsinfo__parse_status(const char *buf, struct nsinfo__status *st);
/* lsns.c: user namespaces' id maps and setgroups, time namespaces'
 * offsets, read through a process in each (start time checked). */
int nsinfo__ns_extras_scan(struct nsinfo_snapshot *s);
/* Canonical form of an id map or a timens_offsets text (see nsinfo_ns),
 * into out; 0, or -EINVAL for anything else. */
int nsinfo__canon_idmap(const char *in, char *out, size_t len);
int nsinfo__canon_offsets(const char *in, char *out, size_t len);
/* The start time (field 22, clock ticks after boot) of a /proc/PID/stat
 * text; 0 or -EINVAL. */
int nsinfo__parse_stat_start(const char *buf, uint64_t *start);
/* The start time of the process whose /proc dir is pidfd; 0 unknown. */
uint64_t nsinfo__read_start_time(int pidfd);
/* /proc/PID of process row pi as an O_PATH directory fd, if it still is
 * the process the snapshot saw (same start time): the fd, -ESRCH (gone, or
 * the pid now names another process, or unknown start), -errno. Reads
 * through that fd can only reach that process. */
int nsinfo__proc_open(const struct nsinfo_snapshot *s, int procfd, pid_t pid);
/* The same for a pid and the start time the scan saw (before the graph,
 * when the process table is not sorted yet). */
int nsinfo__pid_open(int procfd, pid_t pid, uint64_t start_time);
/* Whose pid namespace proc_root shows: 0 (*foreign: another live one, not
 * the caller's), -ENOLINK (one that no longer exists) or -errno. */
int nsinfo__check_proc_root(const char *proc_root, bool *foreign);
/* The hidepid= mount option of a mountinfo line ("ID PARENT ... - proc
 * SOURCE SUPEROPTS") if its mount ID is mnt_id: 1 and *hidepid (0, 1, 2,
 * 4) and *gid (-1 if none); 0 for another mount, -EINVAL if malformed. */
int nsinfo__parse_proc_mount(const char *line, uint64_t mnt_id, int *hidepid, int64_t *gid);
/* Parse "net:[4026531840]"; name (NULL = any) is the expected type part,
 * as in the ns/ file names. 0 or -EINVAL. */
int nsinfo__parse_ns_link(const char *link, const char *name, uint64_t *ino);

/* ==== the store (store/store.c) */

/* A snapshot with nothing in it, refcount 1 (proc_root NULL: none). */
int nsinfo__snapshot_alloc(const char *proc_root, unsigned flags, struct nsinfo_snapshot **out);
/* Grow *ptr to hold need elements of elem bytes; 0 or -ENOMEM. */
int nsinfo__grow(void **ptr, size_t *cap, size_t need, size_t elem);
/* A copy of str owned by s, valid as long as s (never moved); NULL if
 * str is NULL or out of memory. */
const char *nsinfo__strdup(struct nsinfo_snapshot *s, const char *str);
const char *nsinfo__strndup(struct nsinfo_snapshot *s, const char *str, size_t len);
/* Row of the namespace (type, ino), or -1. */
int nsinfo__ns_find(const struct nsinfo_snapshot *s, int type, uint64_t ino);
/* Row of the namespace ino of any type, or -1. */
int nsinfo__ns_lookup(const struct nsinfo_snapshot *s, uint64_t ino);
/* Row of (type, ino), added if new (*isnew = 1); -ENOMEM. */
int nsinfo__ns_insert(struct nsinfo_snapshot *s, int type, uint64_t ino, int *isnew);
/* A holder of namespace row ns; grouped per namespace by the graph. */
int nsinfo__add_holder(struct nsinfo_snapshot *s, int32_t ns, const struct nsinfo_holder *h);
/* A user name for uid (at most 32 bytes kept); the stored name or NULL. */
const char *nsinfo__add_user(struct nsinfo_snapshot *s, uid_t uid, const char *name);

/* ==== the graph (store/graph.c) */

/* Build the graph from the flat rows (member, child, owned and holder
 * lists, levels, the caller's own namespaces): after the source and the
 * holders pass, before the passes that need member lists; the last step
 * of a load. */
int nsinfo__finalize(struct nsinfo_snapshot *s);

/* ==== the pipeline (store/pipeline.c) */

struct nsinfo__reuse_req;
/* Allocate, fill from a source, run the passes and the graph. req: what an
 * earlier snapshot may lend (refresh), or NULL. */
int nsinfo__snapshot_new(const struct nsinfo_scan_opts *opts, const struct nsinfo__reuse_req *req,
			 struct nsinfo_snapshot **out);

/* ==== the live sources: the /proc walk (source/scan.c) and the BPF task
 * iterator (source/iter.c) fill the store through the same entry points.
 * A source sets s->src (name, why, the fd records it read on its way). */

/* ns/ links: the eight types, then the namespaces children get */
enum { NSINFO__LINK_PID_CHILDREN = NSINFO_NTYPES, NSINFO__LINK_TIME_CHILDREN, NSINFO__NLINKS };

/* Type of link l, and its ns/ file name. */
int nsinfo__link_type(int l, const char **name);
/* A process row from status fields; its index or -ENOMEM. With
 * NSINFO_SCAN_USAGE its s->usage slot starts unknown, for the source to set. */
int nsinfo__add_proc(struct nsinfo_snapshot *s, const struct nsinfo__status *st,
		     pid_t pid, uint32_t flags);
/* The namespace of link l given every link's inode (0 = none): *idx is its
 * index, -1 for none or a *_for_children equal to the task's own. 1 if the
 * namespace is new to the snapshot (probe it), 0, or -ENOMEM. */
int nsinfo__link_insert(struct nsinfo_snapshot *s, int l,
			const uint64_t inos[NSINFO__NLINKS], int *idx);
/* Probe a new namespace through an fd of it (id, owner, parent). -ESTALE if
 * fd is not that namespace (inode, or nsid when non-zero, differ). */
int nsinfo__probe_fd(struct nsinfo_snapshot *s, int idx, int fd, uint64_t nsid);
/* Ask the kernel about a namespace open on fd: id, owner, parent (query/nsfs.c). */
void nsinfo__probe_ns(struct nsinfo_snapshot *s, int idx, int fd, int depth);
/* Give process row pi the namespaces of its links. */
void nsinfo__apply_links(struct nsinfo_snapshot *s, int pi, const int idx[NSINFO__NLINKS]);
/* One process (and its differing threads) the /proc way: procfd/name. */
void nsinfo__scan_pid(struct nsinfo_snapshot *s, int procfd, const char *name, pid_t pid);
/* The caller's own namespaces, read from procfd's self/ns. */
void nsinfo__read_self_ns(struct nsinfo_snapshot *s, int procfd);
/* The fd table of one process, read by the /proc walk through the pid
 * directory pidfd it holds (enrich/holders.c): its nsfs fds and sockets
 * appended to s->src.fds, in the order the holders pass would add them.
 * dents: a NSINFO__DIR_BUF buffer; procfs: the walk is on a real procfs
 * (its fd links can be stat'ed). 0 or -ENOMEM. */
int nsinfo__walk_fds(struct nsinfo_snapshot *s, int pidfd, pid_t pid, char *dents,
		     bool procfs);
/* The caller's pid as procfd shows it, 0 if it is not there. */
pid_t nsinfo__caller_pid(int procfd);
/* Walk proc_root into the snapshot; 0 or -errno if proc_root is unusable. */
int nsinfo__scan_proc(struct nsinfo_snapshot *s);
/* Fill s from the task iterator. -errno (nothing added) and a reason in
 * s->src.why when this source cannot be used here. On success the fds of
 * every process may be in s->src.fds (complete set) for the holders pass. */
int nsinfo__scan_bpf(struct nsinfo_snapshot *s);

/* ==== the JSON source (source/json.c) */

/* A snapshot from a JSON text of len bytes (text[len] need not be NUL);
 * the reading side of nsinfo_snapshot_read_json, for the fuzzer. */
int nsinfo__snapshot_parse_json(const char *text, size_t len, struct nsinfo_snapshot **out,
				char *why, size_t whylen);

/* ==== queries (query/nsopen.c, query/ref.c): nsinfo_ns_open() one way at
 * a time, for the tests */
int nsinfo__ns_open_holder(const struct nsinfo_snapshot *s, const struct nsinfo_ns *ns,
			   const struct nsinfo_holder *h, struct nsinfo_nsref *out);
int nsinfo__ns_open_handle(const struct nsinfo_ns *ns, struct nsinfo_nsref *out);
/* The fast passes of an inode or id ref alone (query/ref.c), for the
 * tests: the filtered task iterator where the host runs bpf_min_tasks
 * tasks or more, else the /proc walk. 0 (out filled), -EMEDIUMTYPE, -ENOKEY (no
 * process has it: the snapshot decides), -ENODATA (not such a ref). */
int nsinfo__ref_quick(const char *proc_root, const char *ref, int type, long bpf_min_tasks,
		      struct nsinfo_nsref *out);

/* ==== incremental refresh of the /proc walk (source/refresh.c) */

struct nsinfo__reuse_req {
	struct nsinfo_snapshot *prev;
	bool trust_links;         /* prev's links hold but for changed[] */
	const pid_t *changed;
	size_t nchanged;
	/* the caller's event source: trust_links holds only if it ran since
	 * prev and lost nothing (checked by the pipeline); NULL: the caller
	 * vouches */
	struct nsinfo_events *events;
};
/* Before the scan: start recording identities (NSINFO_SCAN_REUSABLE or a
 * prev to reuse); 0 or -ENOMEM. */
int nsinfo__reuse_begin(struct nsinfo_snapshot *s, const struct nsinfo__reuse_req *req);
/* After the scan: drop prev, index the identities. */
void nsinfo__reuse_end(struct nsinfo_snapshot *s);
void nsinfo__reuse_free(struct nsinfo_snapshot *s);
/* Record the identity of /proc/PID (pidfd) and, when prev read the same
 * process, fill st from it: 0 if filled, -ENOENT if status must be read. */
int nsinfo__reuse_status(struct nsinfo_snapshot *s, int pidfd, pid_t pid,
			 struct nsinfo__status *st);
/* After reuse_status said 0: take process pi's links from prev when they
 * are trusted; 0 if done, -ENOENT if they must be read. */
int nsinfo__reuse_links(struct nsinfo_snapshot *s, int pi);
/* A namespace new to s as prev had it (same type, inode and id): 0, or
 * -ENOENT where it must be probed. */
int nsinfo__reuse_ns(struct nsinfo_snapshot *s, int idx, uint64_t id);
/* The container pass: begin (after the scan; sizes the per-process
 * record), then for each process either reuse_cgroup lends prev's answer
 * (*lent; the container it was in, NULL none) or the pass reads the
 * cgroup and records what it found with reuse_cgroup_read (container
 * index, -1 none); end releases prev. All are no-ops without
 * NSINFO_SCAN_REUSABLE. */
void nsinfo__reuse_cgroup_begin(struct nsinfo_snapshot *s);
const struct nsinfo_container *nsinfo__reuse_cgroup(struct nsinfo_snapshot *s, size_t pi,
						    bool *lent);
void nsinfo__reuse_cgroup_read(struct nsinfo_snapshot *s, size_t pi, int32_t container);
void nsinfo__reuse_cgroup_end(struct nsinfo_snapshot *s);
#endif

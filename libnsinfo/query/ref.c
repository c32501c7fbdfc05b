/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespace reference grammar every tool accepts (see nsinfo.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enrich/holders.h"
#include "internal.h"
#include "parsers.h"
#include "source/source.h"

NSINFO_EXPORT int nsinfo_parse_pid(const char *s, pid_t *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	if (v == 0)
		return -EINVAL;
	if (out)
		*out = (pid_t)v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Fill out from an open nsfs fd, checking the wanted type. Takes fd. */
static int from_fd(int fd, int type, struct nsinfo_nsref *out)
{
	int t, r;
	uint64_t ino, id = 0;

	r = nsinfo_fd_identify(fd, &t, &ino);
	if (r < 0) {
		close(fd);
		return r;
	}
	if (type >= 0 && t != type) {
		close(fd);
		return -EMEDIUMTYPE;
	}
	(void)nsinfo_fd_nsid(fd, &id);
	out->fd = fd;
	out->type = t;
	out->ino = ino;
	out->nsid = id;
	return 0;
}

/* Internal: the reference needs a snapshot and none was given */
#define NEEDS_SNAPSHOT (-ENODATA)
#define MAX_CANDIDATES 16

/* What a resolve leaves for the message: the containers that matched, the
 * type found where another was wanted. */
struct why {
	int32_t cand[MAX_CANDIDATES];
	size_t ncand;
	int want, found;
	char stopped[80];         /* -ESHUTDOWN: "RUNTIME SHORTID" of the stopped one */
};

static int known_ns(const struct nsinfo_snapshot *s, int idx, pid_t pid, struct nsinfo_nsref *out)
{
	const struct nsinfo_ns *n = &s->ns[idx];
	const struct nsinfo_proc *low = pid ? NULL : nsinfo_ns_lowest_proc(s, n);

	out->fd = -1;
	out->type = n->type;
	out->ino = n->ino;
	out->nsid = n->nsid;
	out->pid = pid ? pid : low ? low->pid : 0;
	return 0;
}

/* Open a namespace found in the snapshot through one of its processes; a
 * loaded snapshot opens nothing: the file's data only. */
static int from_snapshot(struct nsinfo_snapshot *s, int idx, struct nsinfo_nsref *out)
{
	const struct nsinfo_ns *n = &s->ns[idx];
	char path[PATH_MAX];

	if (s->loaded)
		return known_ns(s, idx, 0, out);
	for (uint32_t i = 0; i < n->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[n->procs[i]];
		struct nsinfo_nsref tmp;
		int fd;

		snprintf(path, sizeof(path), "%s/%d/ns/%s", s->proc_root, (int)p->pid,
			 nsinfo__ns_file[n->type]);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0)
			continue;
		/* the process may have moved on since the scan: check the inode */
		if (from_fd(fd, n->type, &tmp) == 0) {
			if (tmp.ino == n->ino) {
				tmp.pid = p->pid;
				*out = tmp;
				return 0;
			}
			close(tmp.fd);
		}
	}
	/* Known, but nothing to open it through (an ancestor, or it vanished) */
	out->fd = -1;
	out->type = n->type;
	out->ino = n->ino;
	out->nsid = n->nsid;
	out->pid = 0;
	return 0;
}

static int from_pid(struct nsinfo_snapshot *s, const char *root, pid_t pid, int type,
		    struct nsinfo_nsref *out)
{
	struct nsinfo_nsref r;
	char path[PATH_MAX];
	int fd, ret;

	if (type < 0)
		return -EDOM; /* a process has one namespace of each type */
	if (s && s->loaded) {
		int pi = nsinfo_snapshot_find_proc(s, pid);

		if (pi < 0)
			return -ESRCH;
		if (s->procs[pi].ns[type] < 0)
			return -ENOENT;
		return known_ns(s, s->procs[pi].ns[type], pid, out);
	}
	snprintf(path, sizeof(path), "%s/%d/ns/%s", s ? s->proc_root : root ? root : "/proc",
		 (int)pid, nsinfo__ns_file[type]);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? -ESRCH : -errno;
	ret = from_fd(fd, type, &r);
	if (ret < 0)
		return ret;
	r.pid = pid;
	*out = r;
	return 0;
}

static int match_container(struct nsinfo_snapshot *s, const char *name, struct why *why)
{
	size_t n = 0;
	int c = nsinfo__container_match(s, name, why->cand, MAX_CANDIDATES, &n);

	why->ncand = c == -ENOTUNIQ || c == -EKEYREJECTED ? n : 0;
	why->stopped[0] = 0;
	/* not among the running: one its engine knows, stopped? */
	if (c == -ENOENT && nsinfo__container_stopped(s, name, why->stopped, sizeof(why->stopped)))
		return -ESHUTDOWN;
	return c;
}

/* The namespace of a type of process p, if p is still in the one the scan
 * saw (a process that moved since, by setns, is passed over) */
static int proc_ns(struct nsinfo_snapshot *s, const struct nsinfo_proc *p, int type,
		   struct nsinfo_nsref *out)
{
	struct nsinfo_nsref r;

	if (p->ns[type] < 0 || (p->flags & NSINFO_PROC_THREAD))
		return -ENOENT;
	if (s->loaded)
		return known_ns(s, p->ns[type], p->pid, out);
	if (from_pid(s, NULL, p->pid, type, &r) < 0)
		return -ENOENT;
	if (r.ino == s->ns[p->ns[type]].ino) {
		*out = r;
		return 0;
	}
	close(r.fd);
	return -ENOENT;
}

/* Whether process p is in a container of pod c */
static bool in_pod(const struct nsinfo_snapshot *s, const struct nsinfo_proc *p, int c)
{
	const struct nsinfo_container *k = p->container >= 0 ? &s->containers[p->container] : NULL;

	return k && k->kind == NSINFO_CONTAINER_KIND_CONTAINER && k->pod &&
	       !strcmp(k->pod, s->containers[c].id) && !strcmp(k->runtime, s->containers[c].runtime) &&
	       k->trust == s->containers[c].trust && k->owner == s->containers[c].owner;
}

/* A pod's namespace of a type: one the pod owns (those its containers
 * share), else that of its first container (its infra or sandbox, which
 * made the shared ones): of the pod's oldest process */
static int from_pod(struct nsinfo_snapshot *s, int c, int type, struct nsinfo_nsref *out)
{
	const struct nsinfo_proc *first = NULL;

	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].container == c && (int)s->ns[i].type == type)
			return from_snapshot(s, (int)i, out);
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];

		if (in_pod(s, p, c) && !(p->flags & NSINFO_PROC_THREAD) &&
		    (!first || p->start_time < first->start_time ||
		     (p->start_time == first->start_time && p->pid < first->pid)))
			first = p;
	}
	return first ? proc_ns(s, first, type, out) : -ENOENT;
}

/* The namespace of a container: that of its lowest-pid process still in it. */
static int from_container(struct nsinfo_snapshot *s, const char *name, int type,
			  struct nsinfo_nsref *out, struct why *why)
{
	int c = match_container(s, name, why);

	if (c < 0)
		return c;
	if (type < 0)
		return -EDOM; /* a container has one namespace of each type */
	if (s->containers[c].kind == NSINFO_CONTAINER_KIND_POD)
		return from_pod(s, c, type, out);
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].container == c && !proc_ns(s, &s->procs[i], type, out))
			return 0;
	return -ENOENT;
}

int nsinfo__ref_parse(const char *ref, uint64_t *num)
{
	pid_t pid;

	*num = 0;
	if (!ref || !*ref)
		return -EINVAL;
	if (ref[0] == '/' || !strncmp(ref, "./", 2) || !strncmp(ref, "../", 3))
		return NSINFO__REF_PATH;
	if (!strncmp(ref, "pid:", 4)) {
		if (nsinfo_parse_pid(ref + 4, &pid) < 0)
			return -EINVAL;
		*num = (uint64_t)pid;
		return NSINFO__REF_PID;
	}
	if (!strncmp(ref, "id:", 3))
		return parse_u64(ref + 3, num) ? -EINVAL : NSINFO__REF_ID;
	/* all digits: an inode; "3f2a..." is a container id prefix */
	if (ref[strspn(ref, "0123456789")] == 0)
		return parse_u64(ref, num) ? -EINVAL : NSINFO__REF_INO;
	return NSINFO__REF_NAME;
}

static int from_number(struct nsinfo_snapshot *s, const char *ref, int type,
		       struct nsinfo_nsref *out, struct why *why)
{
	uint64_t ino;
	int idx, ret;

	if (parse_u64(ref, &ino))
		return -EINVAL;
	if (!s)
		return NEEDS_SNAPSHOT;
	idx = type >= 0 ? nsinfo_snapshot_find_ns(s, type, ino) : -ENOENT;
	if (idx < 0) {
		idx = nsinfo_snapshot_find_ns(s, -1, ino);
		if (idx >= 0 && type >= 0) {
			why->found = s->ns[idx].type;
			return -EMEDIUMTYPE;
		}
	}
	/* no such inode: a namespace id, else an all-digit container id prefix */
	if (idx < 0 && (idx = nsinfo_snapshot_find_nsid(s, -1, ino)) >= 0 && type >= 0 &&
	    s->ns[idx].type != type) {
		why->found = s->ns[idx].type;
		return -EMEDIUMTYPE;
	}
	if (idx < 0) {
		ret = from_container(s, ref, type, out, why);
		return ret == -EINVAL ? -ENOENT : ret;
	}
	return from_snapshot(s, idx, out);
}

static int resolve(struct nsinfo_snapshot *snap, const char *root, const char *ref, int type,
		   struct nsinfo_nsref *out, struct why *why)
{
	struct nsinfo_nsref r = { .fd = -1, .type = -1 };
	int ret, idx, form;
	uint64_t num;

	why->ncand = 0;
	why->want = type;
	why->found = -1;
	if (!ref || !*ref || !out || type < -1 || type >= NSINFO_NTYPES)
		return -EINVAL;
	form = nsinfo__ref_parse(ref, &num);
	if (form < 0)
		return form;

	if (form == NSINFO__REF_PATH) {
		int fd;

		/* a loaded snapshot is offline: its files name another host's */
		if (snap && snap->loaded)
			return -EREMOTE;
		fd = open(ref, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return -errno;
		ret = from_fd(fd, type, &r);
		if (ret == -EMEDIUMTYPE && (fd = open(ref, O_RDONLY | O_CLOEXEC | O_NOCTTY |
						      O_NONBLOCK)) >= 0) {
			int t;
			uint64_t ino;

			if (nsinfo_fd_identify(fd, &t, &ino) == 0)
				why->found = t;
			close(fd);
		}
		if (ret < 0)
			return ret;
		*out = r;
		return 0;
	}

	if (form == NSINFO__REF_PID)
		return from_pid(snap, root, (pid_t)num, type, out);

	if (form == NSINFO__REF_ID) {
		if (!snap)
			return NEEDS_SNAPSHOT;
		idx = nsinfo_snapshot_find_nsid(snap, -1, num);
		if (idx < 0)
			return -ENOENT;
		if (type >= 0 && snap->ns[idx].type != type) {
			why->found = snap->ns[idx].type;
			return -EMEDIUMTYPE;
		}
		return from_snapshot(snap, idx, out);
	}

	/* all digits: an inode; "3f2a..." is a container id prefix (below) */
	if (form == NSINFO__REF_INO)
		return from_number(snap, ref, type, out, why);

	/* A container id prefix or name (the snapshot needs NSINFO_SCAN_CONTAINERS) */
	if (!snap)
		return NEEDS_SNAPSHOT;
	return from_container(snap, ref, type, out, why);
}

static bool is_path_ref(const char *ref)
{
	uint64_t num;

	return nsinfo__ref_parse(ref, &num) == NSINFO__REF_PATH;
}

NSINFO_EXPORT int nsinfo_ref_resolve(struct nsinfo_snapshot *snap, const char *ref, int type,
				     struct nsinfo_nsref *out)
{
	struct why why;
	int r = resolve(snap, NULL, ref, type, out, &why);

	return r == NEEDS_SNAPSHOT || r == -EDOM ? -EINVAL : r;
}

/* ------------------------------------------------- without a snapshot */

/* The inodes already asked about (an id ref): open addressing, no growth;
 * a full table only means asking again. */
#define SEEN_SLOTS 8192

static bool seen_add(uint64_t *seen, uint64_t ino)
{
	for (size_t i = 0, h = (size_t)(ino * 0x9e3779b97f4a7c15ull) >> 51; i < SEEN_SLOTS;
	     i++, h = (h + 1) & (SEEN_SLOTS - 1)) {
		if (seen[h] == ino)
			return false;
		if (!seen[h]) {
			seen[h] = ino;
			return true;
		}
	}
	return true;
}

/* Whether the namespace of type t behind link path (inode got) is the
 * wanted one: same inode, or the id: asked through its nsfs file handle
 * (id, type and inode, Linux 6.18), else by opening the link. */
static int quick_match(int procfd, const char *path, int t, uint64_t got, uint64_t ino,
		       uint64_t id, struct nsinfo_nsref *out)
{
	struct nsinfo_ns ns = { .type = t, .ino = got, .nsid = id };
	int fd, r;

	if (ino && got != ino)
		return -ENOENT;
	if (id && (r = nsinfo__ns_open_handle(&ns, out)) != -EOPNOTSUPP && r != -EPERM)
		return r;
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	/* it may have moved on since the readlink */
	if (fd < 0 || from_fd(fd, t, out) < 0)
		return -ENOENT;
	if (out->ino == got && (!id || out->nsid == id))
		return 0;
	close(out->fd);
	return -ENOENT;
}

/* An inode or an id: the first process with it as its link of the wanted
 * type (of any type for -1): one readlink per process and type, and for an
 * id one question per distinct inode. Only the processes after pid *from,
 * at most max of them (-1: all); *from is left at the last one read, -1
 * where the walk reached the end of the proc root. */
static int quick_walk(const char *root, uint64_t ino, uint64_t id, int type,
		      struct nsinfo_nsref *out, pid_t *from, long max)
{
	int procfd = open(root ? root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = -ENOENT;
	uint64_t *seen = id ? calloc(SEEN_SLOTS, sizeof(*seen)) : NULL;
	struct nsinfo__dir d;
	const char *name;
	long num;

	if (procfd < 0 || (id && !seen) || nsinfo__dir_begin(&d, procfd, NULL, 0, 0) < 0) {
		r = procfd < 0 ? -errno : -ENOMEM;
		if (procfd >= 0)
			close(procfd);
		free(seen);
		return r;
	}
	for (;;) {
		pid_t pid;

		if (r == 0 || max == 0)
			break;
		if (nsinfo__dir_next(&d, &name, &num) <= 0) {
			*from = -1;
			break;
		}
		pid = (pid_t)num;
		if (pid <= 0 || pid <= *from)
			continue;
		*from = pid;
		if (max > 0)
			max--;
		for (int t = type < 0 ? 0 : type; r < 0 && t < (type < 0 ? NSINFO_NTYPES : type + 1);
		     t++) {
			char path[64], link[64];
			uint64_t got;
			ssize_t n;

			snprintf(path, sizeof(path), "%d/ns/%s", (int)pid, nsinfo__ns_file[t]);
			n = readlinkat(procfd, path, link, sizeof(link) - 1);
			if (n < 0)
				break; /* gone or refused: its other links too */
			link[n] = 0;
			if (nsinfo__parse_ns_link(link, NULL, &got) < 0 ||
			    (id && !seen_add(seen, got)))
				continue;
			r = quick_match(procfd, path, t, got, ino, id, out);
			if (r == 0)
				out->pid = pid;
		}
	}
	nsinfo__dir_end(&d);
	close(procfd);
	free(seen);
	return r;
}

/* The processes the /proc walk reads before the filtered iterator is
 * asked: ~1 ms of readlinks, less than the iterator's load */
#define QUICK_PREFIX 200

/* Internal: the fast passes found no process with the namespace; the
 * snapshot needs the holder passes (fds, bind mounts) to decide */
#define NEEDS_HOLDERS (-ENOKEY)
/* Internal: the filtered iterator cannot serve here; walk /proc */
#define NO_ITERATOR (-ENOTSUP)

/* Which records of a members query answer the ref, best first, as the
 * snapshot decides (from_number): the inode of the wanted type, the inode
 * of another type, then the id of the wanted type, the id of another. */
static int rank(const struct nsinfo__member *m, int form, uint64_t num, int type)
{
	int other = type >= 0 && m->type != type;

	if (form == NSINFO__REF_INO && m->ino == num)
		return other;
	return m->id == num ? 2 + other : 4;
}

/* Open the namespace of member m: by its nsfs file handle (no pid
 * involved), else through the member's link, checked to still be it. */
static int open_member(const char *root, const struct nsinfo__member *m, struct nsinfo_nsref *out)
{
	struct nsinfo_ns ns = { .type = m->type, .ino = m->ino, .nsid = m->id };
	char path[PATH_MAX];
	int r;

	r = nsinfo__ns_open_handle(&ns, out);
	if (r < 0) {
		snprintf(path, sizeof(path), "%s/%d/ns/%s", root ? root : "/proc", (int)m->pid,
			 nsinfo__ns_file[m->type]);
		r = from_fd(open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), m->type, out);
		if (r == 0 && (out->ino != m->ino || (m->id && out->nsid != m->id))) {
			close(out->fd);
			r = -ESTALE;
		}
	}
	if (r == 0)
		out->pid = m->pid;
	return r;
}

/* An inode or id through the filtered task iterator: only the members of
 * that namespace come back from the kernel. */
static int quick_members(const char *root, long min_tasks, int form, uint64_t num, int type,
			 struct nsinfo_nsref *out, struct why *why)
{
	struct nsinfo__member *v = NULL;
	size_t n = 0;
	int r = nsinfo__members_bpf(root, min_tasks, -1, form == NSINFO__REF_INO ? num : 0, num,
				    &v, &n);
	int best = 4;

	if (r < 0)
		return NO_ITERATOR;
	for (size_t i = 0; i < n; i++)
		if (rank(&v[i], form, num, type) < best)
			best = rank(&v[i], form, num, type);
	r = NEEDS_HOLDERS;
	if (best == 1 || best == 3) {
		for (size_t i = 0; i < n && why->found < 0; i++)
			if (rank(&v[i], form, num, type) == best)
				why->found = v[i].type;
		r = -EMEDIUMTYPE;
	}
	/* the lowest pid that still opens, as from_snapshot() picks */
	for (size_t i = 0; r == NEEDS_HOLDERS && (best == 0 || best == 2) && i < n; i++)
		if (rank(&v[i], form, num, type) == best && open_member(root, &v[i], out) == 0)
			r = 0;
	free(v);
	return r;
}

/*
 * An inode or id without a snapshot: the members of that one namespace
 * from the filtered iterator, else one link type per process from /proc,
 * instead of a full scan. A success and "another type" are final; with no
 * process in it, the snapshot with its holder passes decides (a namespace
 * only a file or a bind mount holds, a container id prefix).
 */
static int quick(const char *root, const char *ref, int type, long min_tasks,
		 struct nsinfo_nsref *out, struct why *why)
{
	uint64_t num, ino = 0, id = 0;
	int form = nsinfo__ref_parse(ref, &num), r;
	pid_t from = 0;

	if (form != NSINFO__REF_ID && form != NSINFO__REF_INO)
		return NEEDS_SNAPSHOT;
	*(form == NSINFO__REF_ID ? &id : &ino) = num;
	/* the first processes first: the host's own namespaces are there
	 * (its kernel threads), in less than the iterator's load */
	r = quick_walk(root, ino, id, type, out, &from, QUICK_PREFIX);
	if (r == 0 || from < 0)
		return r == 0 ? 0 : NEEDS_HOLDERS;
	r = quick_members(root, min_tasks, form, num, type, out, why);
	if (r != NO_ITERATOR)
		return r;
	r = quick_walk(root, ino, id, type, out, &from, -1);
	return r == 0 ? 0 : NEEDS_HOLDERS;
}

NSINFO_EXPORT int nsinfo_ns_member(const char *proc_root, int type, uint64_t ino,
				   uint64_t nsid, pid_t *pid)
{
	struct why why = { .want = type, .found = -1 };
	struct nsinfo_nsref ref;
	int r;

	if (type < 0 || type >= NSINFO_NTYPES || !ino || !pid)
		return -EINVAL;
	r = quick_members(proc_root, NSINFO__MEMBERS_BPF_MIN_TASKS, NSINFO__REF_INO, ino, type,
			  &ref, &why);
	if (r == NO_ITERATOR)
		r = quick_walk(proc_root, ino, 0, type, &ref, &(pid_t){ 0 }, -1);
	if (r < 0)
		return r == -ENOENT || r == NEEDS_HOLDERS || r == -EMEDIUMTYPE ? -ENOENT : r;
	close(ref.fd);
	if (nsid && ref.nsid && ref.nsid != nsid)
		return -ENOENT; /* that inode is another namespace's by now */
	*pid = ref.pid;
	return 0;
}

int nsinfo__ref_quick(const char *proc_root, const char *ref, int type, long bpf_min_tasks,
		      struct nsinfo_nsref *out)
{
	struct why why = { .want = type, .found = -1 };

	return quick(proc_root, ref, type, bpf_min_tasks, out, &why);
}

/* ---------------------------------------------------------- the resolver */

struct nsinfo_resolver {
	int refcnt;
	struct nsinfo_snapshot *snap;
	char *proc_root;
	struct why why;
};

NSINFO_EXPORT int nsinfo_resolver_new(struct nsinfo_snapshot *snap, const char *proc_root,
				      struct nsinfo_resolver **out)
{
	struct nsinfo_resolver *r;

	if (!out)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->refcnt = 1;
	r->snap = snap ? nsinfo_snapshot_ref(snap) : NULL;
	if (proc_root && !(r->proc_root = strdup(proc_root))) {
		nsinfo_resolver_unref(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

NSINFO_EXPORT struct nsinfo_resolver *nsinfo_resolver_ref(struct nsinfo_resolver *r)
{
	if (r)
		r->refcnt++;
	return r;
}

NSINFO_EXPORT void nsinfo_resolver_unref(struct nsinfo_resolver *r)
{
	if (!r || --r->refcnt > 0)
		return;
	nsinfo_snapshot_unref(r->snap);
	free(r->proc_root);
	free(r);
}

NSINFO_EXPORT struct nsinfo_snapshot *nsinfo_resolver_snapshot(const struct nsinfo_resolver *r)
{
	return r ? r->snap : NULL;
}

/* Container names need the container table; container= ones are named by
 * their hostname (shown among the candidates, never matched). An inode or
 * id no process has needs the holders too. */
static int build(struct nsinfo_resolver *r, bool holders)
{
	struct nsinfo_scan_opts o = {
		.size = sizeof(o),
		.proc_root = r->proc_root,
		.flags = NSINFO_SCAN_CONTAINERS | NSINFO_SCAN_HOSTNAMES |
			 (holders ? NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS : 0),
	};

	return r->snap ? 0 : nsinfo_snapshot_new(&o, &r->snap);
}

/* A namespace found in the snapshot with no process to open it through:
 * its file handle or one of its holders; none opens: still found, fd -1 */
static void open_held(struct nsinfo_snapshot *s, struct nsinfo_nsref *out)
{
	int idx = nsinfo_snapshot_find_ns(s, out->type, out->ino);

	if (idx >= 0 && !s->loaded)
		(void)nsinfo_ns_open(s, &s->ns[idx], out);
}

NSINFO_EXPORT int nsinfo_resolver_resolve(struct nsinfo_resolver *r, const char *ref, int type,
					  struct nsinfo_nsref *out)
{
	int ret, q;

	if (!r)
		return -EINVAL;
	ret = resolve(r->snap, r->proc_root, ref, type, out, &r->why);
	if (ret != NEEDS_SNAPSHOT)
		return ret;
	q = quick(r->proc_root, ref, type, NSINFO__MEMBERS_BPF_MIN_TASKS, out, &r->why);
	if (q == 0 || q == -EMEDIUMTYPE)
		return q;
	ret = build(r, q == NEEDS_HOLDERS);
	if (ret == 0)
		ret = resolve(r->snap, r->proc_root, ref, type, out, &r->why);
	if (ret == 0 && out->fd < 0 && q == NEEDS_HOLDERS)
		open_held(r->snap, out);
	return ret;
}

NSINFO_EXPORT int nsinfo_resolver_container(struct nsinfo_resolver *r, const char *ref)
{
	int ret;

	if (!r || !ref || !*ref)
		return -EINVAL;
	r->why.ncand = 0;
	r->why.found = -1;
	if ((ret = build(r, false)) < 0)
		return ret;
	return match_container(r->snap, ref, &r->why);
}

NSINFO_EXPORT const int32_t *nsinfo_resolver_candidates(const struct nsinfo_resolver *r,
							 size_t *n)
{
	size_t k = r ? r->why.ncand : 0;

	if (n)
		*n = k;
	return k ? r->why.cand : NULL;
}

NSINFO_EXPORT const char *nsinfo_ref_strerror(int err)
{
	static const struct { int err; const char *why; } reasons[] = {
		{ EINVAL,       "not a namespace reference (inode, id:NSID, pid:N, path or container)" },
		{ ENOENT,       "no such namespace or container" },
		{ ESRCH,        "no such process" },
		{ EMEDIUMTYPE,  "a namespace of another type" },
		{ EDOM,         "a process or container has a namespace of each type: choose one" },
		{ ENOTUNIQ,     "several containers match" },
		{ EKEYREJECTED, "only containers of unverified identity match (never entered by name)" },
		{ EREMOTE,      "a loaded snapshot is offline: namespace files are not opened" },
		{ ENOTTY,       "not a namespace file" },
		{ EPERM,        "permission denied" },
		{ EACCES,       "permission denied" },
		{ ENOLINK,      "no process or file holds it open" },
		{ ESHUTDOWN,    "the container is not running" },
	};

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].err == err)
			return reasons[i].why;
	return strerror(err);
}

/* Append to buf at *w, keeping it terminated; control bytes a name from a
 * container may hold are shown as '?'. */
static void put(char *buf, size_t len, size_t *w, const char *str)
{
	for (; *str && *w + 1 < len; str++)
		buf[(*w)++] = (unsigned char)*str < 0x20 || *str == 0x7f ? '?' : *str;
	buf[*w < len ? *w : len - 1] = 0;
}

NSINFO_EXPORT const char *nsinfo_resolver_message(struct nsinfo_resolver *r, const char *ref,
						  int err, char *buf, size_t len)
{
	size_t w = 0, n = 0, nc;
	const int32_t *cand = nsinfo_resolver_candidates(r, &n);
	const struct nsinfo_container *c = r && r->snap ? nsinfo_snapshot_containers(r->snap, &nc)
						    : NULL;
	char tmp[400];

	if (!buf || !len)
		return buf;
	buf[0] = 0;
	put(buf, len, &w, ref ? ref : "");
	put(buf, len, &w, ": ");
	if (err == -EMEDIUMTYPE && r && r->why.found >= 0 && r->why.want >= 0) {
		snprintf(tmp, sizeof(tmp), "a %s namespace, not %s", nsinfo_type_name(r->why.found),
			 nsinfo_type_name(r->why.want));
		put(buf, len, &w, tmp);
	} else if (err == -ESHUTDOWN && r && r->why.stopped[0]) {
		snprintf(tmp, sizeof(tmp), "container %s is not running (%s)", ref ? ref : "",
			 r->why.stopped);
		put(buf, len, &w, tmp);
	} else if (err == -ENOENT && ref && is_path_ref(ref)) {
		put(buf, len, &w, strerror(ENOENT)); /* the file, not a namespace, is missing */
	} else {
		put(buf, len, &w, nsinfo_ref_strerror(err));
	}
	if (err != -ENOTUNIQ && err != -EKEYREJECTED)
		return buf;
	for (size_t i = 0; c && i < n && i < MAX_CANDIDATES; i++) {
		char lab[300];
		const struct nsinfo_container *k = &c[cand[i]];

		nsinfo_container_label(r->snap, cand[i], lab, sizeof(lab));
		snprintf(tmp, sizeof(tmp), "%s%s %.*s %s", i ? ", " : ": ", k->runtime,
			 strlen(k->id) == 64 ? 12 : 64, k->id, lab);
		put(buf, len, &w, tmp);
		if (k->trust == NSINFO_TRUST_HINT && k->owner != (uid_t)-1) {
			snprintf(tmp, sizeof(tmp), " (claimed by uid %u)", (unsigned)k->owner);
			put(buf, len, &w, tmp);
		}
	}
	if (n > MAX_CANDIDATES) {
		snprintf(tmp, sizeof(tmp), ", and %zu more", n - MAX_CANDIDATES);
		put(buf, len, &w, tmp);
	}
	return buf;
}

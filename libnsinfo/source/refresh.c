/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Incremental refresh: a snapshot remembers the identity of every
 * /proc/PID it read (the directory's inode number: a recycled pid gets a
 * new one), and the next snapshot copies the status fields of the processes
 * whose identity is unchanged instead of reading /proc/PID/status again.
 * Reading and formatting status is the largest cost of a scan after the
 * namespace links. Those are read again too, unless the caller's event
 * source vouches that the process made no namespace call since (then the
 * namespaces are copied from the previous snapshot, ids and edges
 * included, and a known process costs one fstat).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct pid_ino {
	pid_t pid;
	uint64_t ino;
};

struct nsinfo__reuse {
	struct nsinfo_snapshot *prev;   /* during the scan only */
	struct pid_ino *ids;            /* sorted by pid once the scan is done */
	size_t nids, cap;
	bool trust_links;               /* during the scan only */
	pid_t *changed;                 /* sorted */
	size_t nchanged;
	/* the container pass (container.c): prev until it ends, then what
	 * this snapshot's cgroup reads found, per process index */
	struct nsinfo_snapshot *cg_prev;
	int32_t *cg_ct;                 /* container from the cgroup, -1 none,
					 * CG_UNREAD */
	uint8_t *cg_age;                /* refreshes since read, CG_FIRST */
	size_t ncg;
	uint64_t cg_ticks;              /* boot time of the pass, clock ticks */
};

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int cmp_pid_ino(const void *a, const void *b)
{
	const struct pid_ino *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int trust_begin(struct nsinfo__reuse *r, const struct nsinfo__reuse_req *req)
{
	if (!req->trust_links)
		return 0;
	r->changed = malloc((req->nchanged ? req->nchanged : 1) * sizeof(*r->changed));
	if (!r->changed)
		return -ENOMEM;
	if (req->nchanged)
		memcpy(r->changed, req->changed, req->nchanged * sizeof(*r->changed));
	r->nchanged = req->nchanged;
	qsort(r->changed, r->nchanged, sizeof(*r->changed), cmp_pid);
	r->trust_links = true;
	return 0;
}

int nsinfo__reuse_begin(struct nsinfo_snapshot *s, const struct nsinfo__reuse_req *req)
{
	struct nsinfo_snapshot *prev = req ? req->prev : NULL;

	if (!prev && !(s->flags & NSINFO_SCAN_REUSABLE))
		return 0;
	s->reuse = calloc(1, sizeof(*s->reuse));
	if (!s->reuse)
		return -ENOMEM;
	s->flags |= NSINFO_SCAN_REUSABLE;
	/* without its identities prev cannot vouch for anything */
	if (!prev || !prev->reuse)
		return 0;
	s->reuse->prev = nsinfo_snapshot_ref(prev);
	/* the container pass runs after the scan: it keeps prev until then
	 * (and only where it will run, or nothing would release it) */
	if (s->flags & NSINFO_SCAN_CONTAINERS)
		s->reuse->cg_prev = nsinfo_snapshot_ref(prev);
	/* imported namespaces carry prev's device; new ones need it too */
	if (!s->nsfs_dev)
		s->nsfs_dev = prev->nsfs_dev;
	return trust_begin(s->reuse, req);
}

void nsinfo__reuse_end(struct nsinfo_snapshot *s)
{
	if (!s->reuse)
		return;
	nsinfo_snapshot_unref(s->reuse->prev);
	s->reuse->prev = NULL;
	free(s->reuse->changed);
	s->reuse->changed = NULL;
	s->reuse->trust_links = false;
	/* a scan that stopped before any process has no ids (NULL) */
	if (s->reuse->nids)
		qsort(s->reuse->ids, s->reuse->nids, sizeof(*s->reuse->ids), cmp_pid_ino);
}

void nsinfo__reuse_free(struct nsinfo_snapshot *s)
{
	if (!s->reuse)
		return;
	nsinfo_snapshot_unref(s->reuse->prev);
	nsinfo_snapshot_unref(s->reuse->cg_prev);
	free(s->reuse->cg_ct);
	free(s->reuse->cg_age);
	free(s->reuse->changed);
	free(s->reuse->ids);
	free(s->reuse);
	s->reuse = NULL;
}

static const struct pid_ino *find_id(const struct nsinfo__reuse *r, pid_t pid)
{
	struct pid_ino key = { .pid = pid };

	return bsearch(&key, r->ids, r->nids, sizeof(*r->ids), cmp_pid_ino);
}

/* What scan_one would have parsed from status, from prev's record */
static void fill_status(const struct nsinfo_proc *p, struct nsinfo__status *st)
{
	memcpy(st->comm, p->comm, sizeof(st->comm));
	st->state = p->state;
	st->pid = p->pid;
	st->tgid = p->tgid;
	st->ppid = p->ppid;
	st->uid = p->uid;
	st->gid = p->gid;
	st->has_gid = p->gid != (gid_t)-1;
	st->threads = 1;
	st->start_time = p->start_time;
	st->nspid_len = p->nspid_len < NSINFO__MAX_LEVELS ? p->nspid_len : NSINFO__MAX_LEVELS;
	memcpy(st->nspid, p->nspid, sizeof(pid_t) * (size_t)st->nspid_len);
}

int nsinfo__reuse_status(struct nsinfo_snapshot *s, int pidfd, pid_t pid,
			 struct nsinfo__status *st)
{
	struct nsinfo__reuse *r = s->reuse;
	const struct pid_ino *old;
	const struct nsinfo_proc *p;
	struct stat sb;
	int i;

	if (!r || fstat(pidfd, &sb) < 0)
		return -ENOENT;
	/* an allocation failure only costs the next refresh a status read */
	if (!nsinfo__grow((void **)&r->ids, &r->cap, r->nids + 1, sizeof(*r->ids)))
		r->ids[r->nids++] = (struct pid_ino){ pid, sb.st_ino };
	if (!r->prev || !(s->flags & NSINFO_SCAN_NO_THREADS))
		return -ENOENT;
	old = find_id(r->prev->reuse, pid);
	if (!old || old->ino != sb.st_ino)
		return -ENOENT;
	i = nsinfo_snapshot_find_proc(r->prev, pid);
	if (i < 0)
		return -ENOENT;
	p = &r->prev->procs[i];
	/* anything odd about it last time: read it properly */
	if (p->flags & (NSINFO_PROC_THREAD | NSINFO_PROC_ZOMBIE | NSINFO_PROC_DENIED |
			NSINFO_PROC_PARTIAL))
		return -ENOENT;
	fill_status(p, st);
	return 0;
}

/* Bring namespace pi of prev (and its parent and owner chains) into s. */
static int import_ns(struct nsinfo_snapshot *s, const struct nsinfo_snapshot *prev, int32_t pi,
		     int depth)
{
	const struct nsinfo_ns *o = &prev->ns[pi];
	int32_t parent = -1, owner = -1;
	int isnew, i = nsinfo__ns_insert(s, o->type, o->ino, &isnew);

	if (i < 0 || !isnew)
		return i;
	/* reached through a process's link clears it, as in a scan */
	s->ns[i].flags = NSINFO_NS_ANCESTOR | (o->flags & NSINFO_NS_DETACHED);
	s->ns[i].dev = o->dev;
	s->ns[i].nsid = o->nsid;
	s->ns[i].owner_uid = o->owner_uid;
	/* kernel nesting is bounded (32); the guard is for bad data only */
	if (depth < 64 && o->parent >= 0)
		parent = import_ns(s, prev, o->parent, depth + 1);
	if (depth < 64 && o->owner >= 0)
		owner = import_ns(s, prev, o->owner, depth + 1);
	s->ns[i].parent = parent < 0 ? -1 : parent;
	s->ns[i].owner = owner < 0 ? -1 : owner;
	return i;
}

static int import_link(struct nsinfo_snapshot *s, const struct nsinfo_snapshot *prev, int32_t pi)
{
	int i;

	if (pi < 0)
		return -1;
	i = import_ns(s, prev, pi, 0);
	return i < 0 ? -2 : i;
}

int nsinfo__reuse_links(struct nsinfo_snapshot *s, int pi)
{
	struct nsinfo__reuse *r = s->reuse;
	struct nsinfo_proc *p = &s->procs[pi];
	const struct nsinfo_proc *o;
	int32_t links[NSINFO_NTYPES + 2];
	int i;

	if (!r || !r->trust_links ||
	    bsearch(&p->pid, r->changed, r->nchanged, sizeof(pid_t), cmp_pid))
		return -ENOENT;
	i = nsinfo_snapshot_find_proc(r->prev, p->pid);
	if (i < 0)
		return -ENOENT;
	o = &r->prev->procs[i];
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if ((links[t] = import_link(s, r->prev, o->ns[t])) == -2)
			return -ENOMEM;
	links[NSINFO_NTYPES] = import_link(s, r->prev, o->pid_for_children);
	links[NSINFO_NTYPES + 1] = import_link(s, r->prev, o->time_for_children);
	if (links[NSINFO_NTYPES] == -2 || links[NSINFO_NTYPES + 1] == -2)
		return -ENOMEM;
	/* s->procs may not move here, but s->ns did: index afresh */
	p = &s->procs[pi];
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		p->ns[t] = links[t];
		if (links[t] >= 0)
			s->ns[links[t]].flags &= ~NSINFO_NS_ANCESTOR;
	}
	p->pid_for_children = links[NSINFO_NTYPES];
	p->time_for_children = links[NSINFO_NTYPES + 1];
	for (int l = NSINFO_NTYPES; l < NSINFO_NTYPES + 2; l++)
		if (links[l] >= 0)
			s->ns[links[l]].flags &= ~NSINFO_NS_ANCESTOR;
	return 0;
}

NSINFO_EXPORT int nsinfo_snapshot_refresh(struct nsinfo_snapshot *prev,
					  const struct nsinfo_refresh_opts *opts,
					  struct nsinfo_snapshot **out)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o) };
	struct nsinfo__reuse_req req = { .prev = prev };
	unsigned flags = 0;

	if (!prev || !out)
		return -EINVAL;
	if (opts && opts->size && opts->size < offsetof(struct nsinfo_refresh_opts, nchanged) +
						sizeof(opts->nchanged))
		return -EINVAL;
	if (opts)
		flags = opts->flags;
	if ((flags & NSINFO_REFRESH_TRUST_LINKS) && opts->nchanged && !opts->changed)
		return -EINVAL;
	req.trust_links = flags & NSINFO_REFRESH_TRUST_LINKS;
	if (req.trust_links) {
		req.changed = opts->changed;
		req.nchanged = opts->nchanged;
	}
	if (opts && (!opts->size || opts->size >= offsetof(struct nsinfo_refresh_opts, events) +
						  sizeof(opts->events)))
		req.events = opts->events;
	o.proc_root = prev->proc_root;
	o.flags = ((flags & NSINFO_REFRESH_SCAN_FLAGS) ? opts->scan_flags : prev->flags) |
		  NSINFO_SCAN_REUSABLE;
	return nsinfo__snapshot_new(&o, &req, out);
}

/*
 * A namespace new to s that prev knew by the same type, inode and id (ids
 * are never reused, so it is that very namespace): its id, device, owner
 * uid, parent and owner copied rather than asked of the kernel again, as
 * the task iterator's records carry the id. 0, or -ENOENT (probe it).
 */
int nsinfo__reuse_ns(struct nsinfo_snapshot *s, int idx, uint64_t id)
{
	const struct nsinfo_snapshot *prev = s->reuse ? s->reuse->prev : NULL;
	const struct nsinfo_ns *o;
	int32_t parent = -1, owner = -1;
	int pi;

	if (!prev || !id)
		return -ENOENT;
	pi = nsinfo_snapshot_find_ns(prev, s->ns[idx].type, s->ns[idx].ino);
	if (pi < 0)
		return -ENOENT;
	o = &prev->ns[pi];
	if (o->nsid != id || (o->flags & NSINFO_NS_DETACHED))
		return -ENOENT;
	if (o->parent >= 0 && (parent = import_ns(s, prev, o->parent, 1)) < 0)
		return -ENOENT;
	if (o->owner >= 0 && (owner = import_ns(s, prev, o->owner, 1)) < 0)
		return -ENOENT;
	/* import_ns may have moved s->ns */
	s->ns[idx].flags &= ~NSINFO_NS_DETACHED;
	s->ns[idx].dev = o->dev;
	s->ns[idx].nsid = o->nsid;
	s->ns[idx].owner_uid = o->owner_uid;
	s->ns[idx].parent = parent;
	s->ns[idx].owner = owner;
	return 0;
}

/*
 * The container pass of a refresh (container.c) reads /proc/PID/cgroup
 * only for the processes prev did not place: one that prev read, with the
 * same pid and start time, keeps prev's container (or none). Runtimes move
 * a new process into its container's cgroup right after creating it, so
 * prev's answer stands only for a process that was older than CG_SETTLE
 * seconds when prev read it; and a process moved later (rare: systemd or
 * cgexec) is found by reading every process again after CG_REREAD
 * refreshes (spread over the refreshes by pid).
 */
#define CG_UNREAD (-2)
#define CG_FIRST 0xff
#define CG_REREAD 8
#define CG_SETTLE 2

static uint64_t boot_ticks(void)
{
	struct timespec ts;
	long hz = sysconf(_SC_CLK_TCK);

	if (hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * (uint64_t)hz + (uint64_t)ts.tv_nsec / (1000000000u / (uint64_t)hz);
}

void nsinfo__reuse_cgroup_begin(struct nsinfo_snapshot *s)
{
	struct nsinfo__reuse *r = s->reuse;

	if (!r)
		return;
	free(r->cg_ct);
	free(r->cg_age);
	r->ncg = s->nprocs;
	r->cg_ct = malloc((r->ncg ? r->ncg : 1) * sizeof(*r->cg_ct));
	r->cg_age = malloc(r->ncg ? r->ncg : 1);
	if (!r->cg_ct || !r->cg_age) {
		/* nothing lent and nothing kept: the next refresh reads all */
		free(r->cg_ct);
		free(r->cg_age);
		r->cg_ct = NULL;
		r->cg_age = NULL;
		r->ncg = 0;
		return;
	}
	memset(r->cg_age, CG_FIRST, r->ncg);
	for (size_t i = 0; i < r->ncg; i++)
		r->cg_ct[i] = CG_UNREAD;
	r->cg_ticks = boot_ticks();
}

const struct nsinfo_container *nsinfo__reuse_cgroup(struct nsinfo_snapshot *s, size_t pi,
						    bool *lent)
{
	struct nsinfo__reuse *r = s->reuse;
	const struct nsinfo__reuse *pr;
	const struct nsinfo_proc *p, *o;
	long hz = sysconf(_SC_CLK_TCK);
	int j;

	*lent = false;
	if (!r || !r->cg_prev || pi >= r->ncg || hz <= 0)
		return NULL;
	pr = r->cg_prev->reuse;
	p = &s->procs[pi];
	if (!pr || !pr->cg_age || !p->start_time)
		return NULL;
	j = nsinfo_snapshot_find_proc(r->cg_prev, p->pid);
	if (j < 0 || (size_t)j >= pr->ncg || pr->cg_ct[j] == CG_UNREAD)
		return NULL;
	o = &r->cg_prev->procs[j];
	if (o->start_time != p->start_time ||
	    pr->cg_ticks < p->start_time + (uint64_t)(CG_SETTLE * hz))
		return NULL;
	if (pr->cg_age[j] + 1 >= CG_REREAD) {
		/* read again now, and next in CG_REREAD refreshes */
		r->cg_age[pi] = 0;
		return NULL;
	}
	*lent = true;
	r->cg_age[pi] = (uint8_t)(pr->cg_age[j] + 1);
	if (pr->cg_ct[j] < 0 || (size_t)pr->cg_ct[j] >= r->cg_prev->ncontainers)
		return NULL;
	return &r->cg_prev->containers[pr->cg_ct[j]];
}

void nsinfo__reuse_cgroup_read(struct nsinfo_snapshot *s, size_t pi, int32_t container)
{
	struct nsinfo__reuse *r = s->reuse;

	if (!r || pi >= r->ncg)
		return;
	r->cg_ct[pi] = container;
	if (r->cg_age[pi] == CG_FIRST)
		/* spread the next reads of all processes over the refreshes */
		r->cg_age[pi] = (uint8_t)((unsigned)s->procs[pi].pid % CG_REREAD);
}

void nsinfo__reuse_cgroup_end(struct nsinfo_snapshot *s)
{
	if (!s->reuse)
		return;
	nsinfo_snapshot_unref(s->reuse->cg_prev);
	s->reuse->cg_prev = NULL;
}

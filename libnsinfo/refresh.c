/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Incremental refresh: a snapshot remembers the identity of every
 * /proc/PID it read (the directory's inode number: a recycled pid gets a
 * new one), and the next snapshot copies the status fields of the processes
 * whose identity is unchanged instead of reading /proc/PID/status again.
 * Reading and formatting status is the largest cost of a scan after the
 * namespace links, which are always read again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

struct pid_ino {
	pid_t pid;
	uint64_t ino;
};

struct nsinfo__reuse {
	struct nsinfo_snapshot *prev;   /* during the scan only */
	struct pid_ino *ids;            /* sorted by pid once the scan is done */
	size_t nids, cap;
};

int nsinfo__reuse_begin(struct nsinfo_snapshot *s, struct nsinfo_snapshot *prev)
{
	if (!prev && !(s->flags & NSINFO_SCAN_REUSABLE))
		return 0;
	s->reuse = calloc(1, sizeof(*s->reuse));
	if (!s->reuse)
		return -ENOMEM;
	s->flags |= NSINFO_SCAN_REUSABLE;
	/* without its identities prev cannot vouch for anything */
	if (prev && prev->reuse)
		s->reuse->prev = nsinfo_snapshot_ref(prev);
	return 0;
}

static int cmp_pid_ino(const void *a, const void *b)
{
	const struct pid_ino *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void nsinfo__reuse_end(struct nsinfo_snapshot *s)
{
	if (!s->reuse)
		return;
	nsinfo_snapshot_unref(s->reuse->prev);
	s->reuse->prev = NULL;
	qsort(s->reuse->ids, s->reuse->nids, sizeof(*s->reuse->ids), cmp_pid_ino);
}

void nsinfo__reuse_free(struct nsinfo_snapshot *s)
{
	if (!s->reuse)
		return;
	nsinfo_snapshot_unref(s->reuse->prev);
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
	st->threads = 1;
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

NSINFO_EXPORT int nsinfo_snapshot_refresh(struct nsinfo_snapshot *prev,
					  struct nsinfo_snapshot **out)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o) };

	if (!prev || !out)
		return -EINVAL;
	o.proc_root = prev->proc_root;
	o.flags = prev->flags | NSINFO_SCAN_REUSABLE;
	return nsinfo__snapshot_new(&o, prev, out);
}

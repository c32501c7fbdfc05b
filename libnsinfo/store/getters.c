/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public read side of a snapshot: its arrays, coverage, source and the
 * lookups by pid, inode and nsid. Nothing here changes the snapshot. */
#define _GNU_SOURCE
#include <errno.h>

#include "internal.h"

NSINFO_EXPORT const struct nsinfo_proc *nsinfo_snapshot_procs(const struct nsinfo_snapshot *s,
							      size_t *n)
{
	if (n)
		*n = s ? s->nprocs : 0;
	return s ? s->procs : NULL;
}

NSINFO_EXPORT const struct nsinfo_ns *nsinfo_snapshot_namespaces(const struct nsinfo_snapshot *s,
								 size_t *n)
{
	if (n)
		*n = s ? s->nns : 0;
	return s ? s->ns : NULL;
}

NSINFO_EXPORT const struct nsinfo_container *
nsinfo_snapshot_containers(const struct nsinfo_snapshot *s, size_t *n)
{
	if (n)
		*n = s ? s->ncontainers : 0;
	return s ? s->containers : NULL;
}

NSINFO_EXPORT void nsinfo_snapshot_coverage(const struct nsinfo_snapshot *s,
					    struct nsinfo_coverage *out)
{
	if (s && out)
		*out = s->cov;
}

NSINFO_EXPORT const char *nsinfo_snapshot_proc_root(const struct nsinfo_snapshot *s)
{
	return s ? s->proc_root : NULL;
}

NSINFO_EXPORT const char *nsinfo_snapshot_source(const struct nsinfo_snapshot *s,
						 const char **why)
{
	if (!s)
		return NULL;
	if (why)
		*why = s->src.why[0] ? s->src.why : NULL;
	return s->src.name;
}

NSINFO_EXPORT int nsinfo_snapshot_proc_usage(const struct nsinfo_snapshot *s, size_t i,
					     uint64_t *cpu_ns, uint64_t *rss_bytes)
{
	if (!s || i >= s->nprocs)
		return -EINVAL;
	if (!s->usage || !s->usage[i].known)
		return -ENODATA;
	if (cpu_ns)
		*cpu_ns = s->usage[i].cpu_ns;
	if (rss_bytes)
		*rss_bytes = s->usage[i].rss;
	return 0;
}

NSINFO_EXPORT int nsinfo_snapshot_find_proc(const struct nsinfo_snapshot *s, pid_t pid)
{
	size_t lo = 0, hi;

	if (!s)
		return -EINVAL;
	hi = s->nprocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nprocs && s->procs[lo].pid == pid)
		return (int)lo;
	return -ENOENT;
}

NSINFO_EXPORT int nsinfo_snapshot_find_ns(const struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	int i;

	if (!s || type < -1 || type >= NSINFO_NTYPES)
		return -EINVAL;
	i = type < 0 ? nsinfo__ns_lookup(s, ino) : nsinfo__ns_find(s, type, ino);
	return i < 0 ? -ENOENT : i;
}

NSINFO_EXPORT int nsinfo_snapshot_find_nsid(const struct nsinfo_snapshot *s, int type, uint64_t nsid)
{
	if (!s || type < -1 || type >= NSINFO_NTYPES || !nsid)
		return -EINVAL;
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].nsid == nsid && (type < 0 || s->ns[i].type == type))
			return (int)i;
	return -ENOENT;
}

NSINFO_EXPORT int nsinfo_snapshot_self_ns(const struct nsinfo_snapshot *s, int type)
{
	if (!s || type < 0 || type >= NSINFO_NTYPES)
		return -EINVAL;
	return s->self_ns[type] >= 0 ? s->self_ns[type] : -ENOENT;
}

NSINFO_EXPORT const struct nsinfo_proc *nsinfo_ns_lowest_proc(const struct nsinfo_snapshot *s,
							      const struct nsinfo_ns *ns)
{
	/* member lists are filled in pid order, so the first is the lowest */
	if (!s || !ns || !ns->nprocs)
		return NULL;
	return &s->procs[ns->procs[0]];
}

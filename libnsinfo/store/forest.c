/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The namespaces of a snapshot as a forest: one parent per namespace by a
 * relation (nsinfo_forest_new), then the shown ones laid out, each under
 * its nearest shown ancestor, siblings in the caller's order
 * (nsinfo_forest_layout). nstree and nstop draw their trees from it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* bounds every walk up the parent links: a loop in bad data ends there */
#define MAX_CLIMB 256

struct nsinfo_forest {
	const struct nsinfo_snapshot *snap;
	size_t n;
	int rel;
	int32_t *parent;          /* per namespace, -1 for a root */
	uint8_t *shown;           /* after layout: 0 hidden, 1 context, 2 shown */
	uint32_t *start;          /* children of i: kids[start[i] .. start[i+1]), roots at n */
	uint32_t *kids;
};

/* -T process: the namespace of the same type that the lowest member's
 * nearest ancestor process outside this namespace is in */
static int32_t process_parent(const struct nsinfo_snapshot *s, int32_t i)
{
	const struct nsinfo_ns *n = &s->ns[i];
	const struct nsinfo_proc *p = nsinfo_ns_lowest_proc(s, n);

	for (int guard = 0; p && p->ppid > 0 && guard < 4096; guard++) {
		int q = nsinfo_snapshot_find_proc(s, p->ppid);

		if (q < 0)
			return -1;
		p = &s->procs[q];
		if (p->ns[n->type] >= 0 && p->ns[n->type] != i)
			return p->ns[n->type];
	}
	return -1;
}

static int32_t parent_by(const struct nsinfo_snapshot *s, int rel, int32_t i)
{
	const struct nsinfo_ns *n = &s->ns[i];
	const struct nsinfo_proc *p;

	switch (rel) {
	case NSINFO_FOREST_OWNER:
		return n->owner;
	case NSINFO_FOREST_PARENT:
		return n->parent;
	case NSINFO_FOREST_PROCESS:
		return process_parent(s, i);
	case NSINFO_FOREST_CONTAINER:
		/* (a namespace of a container: container_parents) another
		 * namespace hangs under the pid namespace of its lowest member */
		if (n->type == NSINFO_PID)
			return -1;
		p = nsinfo_ns_lowest_proc(s, n);
		return p ? p->ns[NSINFO_PID] : -1;
	case NSINFO_FOREST_FLAT:
		return -1;
	}
	if (n->type == NSINFO_USER || n->type == NSINFO_PID)
		return n->parent >= 0 ? n->parent : n->owner;
	return n->owner;
}

/* The pod entry of container c (same runtime, its id the container's pod), -1 */
static int32_t pod_of(const struct nsinfo_snapshot *s, int32_t c)
{
	const struct nsinfo_container *all = s->containers;

	for (size_t i = 0; all[c].pod && i < s->ncontainers; i++)
		if (all[i].kind == NSINFO_CONTAINER_KIND_POD && all[i].id && all[i].runtime &&
		    all[c].runtime && !strcmp(all[i].id, all[c].pod) &&
		    !strcmp(all[i].runtime, all[c].runtime))
			return (int32_t)i;
	return -1;
}

/*
 * NSINFO_FOREST_CONTAINER for the namespaces that belong to a container or
 * pod (nsinfo_ns.container): a container's hang under its pid namespace
 * (its mnt namespace for a --pid=host container), a pod's under the pod's
 * net namespace, and a container's own anchor under its pod's. 0, or
 * -ENOMEM.
 */
static int container_parents(const struct nsinfo_snapshot *s, int32_t *parent)
{
	size_t nc = s->ncontainers;
	int32_t (*own)[3] = malloc((nc ? nc : 1) * sizeof(*own)); /* pid, mnt, net */

	if (!own)
		return -ENOMEM;
	for (size_t c = 0; c < nc; c++)
		own[c][0] = own[c][1] = own[c][2] = -1;
	for (size_t i = 0; i < s->nns; i++) {
		int32_t c = s->ns[i].container;
		int k = s->ns[i].type == NSINFO_PID ? 0 : s->ns[i].type == NSINFO_MNT ? 1 :
			s->ns[i].type == NSINFO_NET ? 2 : -1;

		if (c >= 0 && (size_t)c < nc && k >= 0 && own[c][k] < 0)
			own[c][k] = (int32_t)i;
	}
	for (size_t i = 0; i < s->nns; i++) {
		int32_t c = s->ns[i].container, a, pod;

		if (c < 0 || (size_t)c >= nc)
			continue;
		a = s->containers[c].kind == NSINFO_CONTAINER_KIND_POD ? own[c][2] :
		    own[c][0] >= 0 ? own[c][0] : own[c][1];
		if (a < 0 || (size_t)a == i) {
			pod = s->containers[c].kind == NSINFO_CONTAINER_KIND_POD ? -1 : pod_of(s, c);
			a = pod >= 0 ? own[pod][2] : -1;
		}
		parent[i] = a;
	}
	free(own);
	return 0;
}

NSINFO_EXPORT int nsinfo_forest_new(const struct nsinfo_snapshot *s, int rel,
				    struct nsinfo_forest **out)
{
	struct nsinfo_forest *f;

	if (!s || !out || rel < NSINFO_FOREST_NEST || rel > NSINFO_FOREST_FLAT)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->snap = s;
	f->n = s->nns;
	f->rel = rel;
	f->parent = malloc((f->n + 1) * sizeof(*f->parent));
	f->shown = calloc(f->n + 1, sizeof(*f->shown));
	f->start = calloc(f->n + 2, sizeof(*f->start));
	f->kids = malloc((f->n + 1) * sizeof(*f->kids));
	if (!f->parent || !f->shown || !f->start || !f->kids) {
		nsinfo_forest_free(f);
		return -ENOMEM;
	}
	for (size_t i = 0; i < f->n; i++) {
		int32_t p = parent_by(s, rel, (int32_t)i);

		f->parent[i] = p >= 0 && (size_t)p < f->n ? p : -1;
	}
	if (rel == NSINFO_FOREST_CONTAINER && container_parents(s, f->parent) < 0) {
		nsinfo_forest_free(f);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

NSINFO_EXPORT void nsinfo_forest_free(struct nsinfo_forest *f)
{
	if (!f)
		return;
	free(f->parent);
	free(f->shown);
	free(f->start);
	free(f->kids);
	free(f);
}

NSINFO_EXPORT int32_t nsinfo_forest_parent(const struct nsinfo_forest *f, uint32_t i)
{
	return f && i < f->n ? f->parent[i] : -1;
}

/* Where a shown namespace hangs: its nearest shown ancestor; with
 * OWNER_FALLBACK, if the whole chain is hidden, its nearest shown owner
 * (so "nstree USERNS" keeps a pid namespace it owns under it). */
static int32_t display_parent(const struct nsinfo_forest *f, uint32_t i, unsigned flags)
{
	int32_t q = f->parent[i];
	int guard = 0;

	while (q >= 0 && !f->shown[q] && guard++ < MAX_CLIMB)
		q = f->parent[q];
	if (q >= 0 && f->shown[q])
		return q;
	if (!(flags & NSINFO_FOREST_OWNER_FALLBACK))
		return -1;
	for (q = f->snap->ns[i].owner, guard = 0; q >= 0 && !f->shown[q] && guard++ < MAX_CLIMB;)
		q = f->parent[q];
	return q >= 0 && f->shown[q] ? q : -1;
}

NSINFO_EXPORT int nsinfo_forest_layout(struct nsinfo_forest *f, const uint8_t *show,
				       unsigned flags,
				       int (*cmp)(const void *, const void *, void *), void *arg)
{
	size_t n;
	int32_t *dp;
	uint32_t *fill;

	if (!f)
		return -EINVAL;
	n = f->n;
	dp = malloc((n + 1) * sizeof(*dp));
	fill = calloc(n + 1, sizeof(*fill));
	if (!dp || !fill) {
		free(dp);
		free(fill);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		f->shown[i] = !show || show[i] ? 2 : 0;
	if (flags & NSINFO_FOREST_KEEP_ANCESTORS)
		for (size_t i = 0; i < n; i++) {
			if (f->shown[i] != 2)
				continue;
			for (int32_t p = f->parent[i], d = 0; p >= 0 && !f->shown[p] && d < MAX_CLIMB;
			     p = f->parent[p], d++)
				f->shown[p] = 1;
		}
	memset(f->start, 0, (n + 2) * sizeof(*f->start));
	for (size_t i = 0; i < n; i++) {
		if (!f->shown[i])
			continue;
		dp[i] = display_parent(f, (uint32_t)i, flags);
		f->start[(dp[i] < 0 ? n : (size_t)dp[i]) + 1]++;
	}
	for (size_t i = 0; i <= n; i++)
		f->start[i + 1] += f->start[i];
	for (size_t i = 0; i < n; i++) {
		size_t slot;

		if (!f->shown[i])
			continue;
		slot = dp[i] < 0 ? n : (size_t)dp[i];
		f->kids[f->start[slot] + fill[slot]++] = (uint32_t)i;
	}
	if (cmp)
		for (size_t i = 0; i <= n; i++)
			qsort_r(f->kids + f->start[i], f->start[i + 1] - f->start[i],
				sizeof(*f->kids), cmp, arg);
	free(fill);
	free(dp);
	return 0;
}

NSINFO_EXPORT int nsinfo_forest_shown(const struct nsinfo_forest *f, uint32_t i)
{
	return f && i < f->n ? f->shown[i] : 0;
}

NSINFO_EXPORT const uint32_t *nsinfo_forest_children(const struct nsinfo_forest *f, int32_t i,
						     size_t *n)
{
	size_t slot;

	*n = 0;
	if (!f || i >= (int32_t)f->n)
		return NULL;
	slot = i < 0 ? f->n : (size_t)i;
	*n = f->start[slot + 1] - f->start[slot];
	return f->kids + f->start[slot];
}

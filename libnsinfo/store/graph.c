/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The graph: turns the flat rows a source left in the store into the
 * namespace forest. Processes are sorted by pid; each namespace gets its
 * member list, children, owned namespaces, level and holders. Lists live
 * in one index pool (s->idx) so the snapshot frees in O(1) allocations.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int cmp_proc(const void *a, const void *b)
{
	const struct nsinfo_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_row(const void *a, const void *b, void *procs)
{
	const struct nsinfo_proc *p = procs;

	return cmp_proc(&p[*(const uint32_t *)a], &p[*(const uint32_t *)b]);
}

/* Process and usage rows sorted together (qsort is not stable: one order
 * for both) */
static int sort_with_usage(struct nsinfo_snapshot *s)
{
	uint32_t *order = malloc(s->nprocs * sizeof(*order));
	struct nsinfo_proc *p = malloc(s->nprocs * sizeof(*p));
	struct nsinfo__usage *u = malloc(s->nprocs * sizeof(*u));

	if (!order || !p || !u) {
		free(order);
		free(p);
		free(u);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nprocs; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, s->nprocs, sizeof(*order), cmp_row, s->procs);
	for (size_t i = 0; i < s->nprocs; i++) {
		p[i] = s->procs[order[i]];
		u[i] = s->usage[order[i]];
	}
	free(order);
	free(s->procs);
	free(s->usage);
	s->procs = p;
	s->usage = u;
	s->procs_cap = s->usage_cap = s->nprocs;
	return 0;
}

/* Processes in pid order, each NSpid chain an offset into s->pids until now */
static int sort_procs(struct nsinfo_snapshot *s)
{
	/* an empty proc root leaves procs NULL, which qsort must not get */
	if (s->nprocs && s->usage) {
		if (sort_with_usage(s) < 0)
			return -ENOMEM;
	} else if (s->nprocs) {
		qsort(s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
	}
	for (size_t i = 0; i < s->nprocs; i++)
		s->procs[i].nspid = s->pids + (uintptr_t)s->procs[i].nspid;
	return 0;
}

/* How long each namespace's three lists are */
struct list_counts {
	uint32_t *procs, *children, *owned;
};

static int count_lists(const struct nsinfo_snapshot *s, struct list_counts *c, size_t *total)
{
	c->procs = calloc(s->nns * 3 + 1, sizeof(uint32_t));
	if (!c->procs)
		return -ENOMEM;
	c->children = c->procs + s->nns;
	c->owned = c->children + s->nns;
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];

		if (p->flags & NSINFO_PROC_THREAD)
			continue;
		for (int t = 0; t < NSINFO_NTYPES; t++)
			if (p->ns[t] >= 0)
				c->procs[p->ns[t]]++;
	}
	for (size_t i = 0; i < s->nns; i++) {
		const struct nsinfo_ns *n = &s->ns[i];

		if (n->parent >= 0)
			c->children[n->parent]++;
		if (n->owner >= 0)
			c->owned[n->owner]++;
	}
	*total = 0;
	for (size_t i = 0; i < s->nns * 3; i++)
		*total += c->procs[i];
	return 0;
}

/* Carve the index pool into each namespace's (still empty) lists */
static int layout_lists(struct nsinfo_snapshot *s, const struct list_counts *c, size_t total)
{
	size_t pos = 0;

	s->idx = malloc((total ? total : 1) * sizeof(uint32_t));
	if (!s->idx)
		return -ENOMEM;
	for (size_t i = 0; i < s->nns; i++) {
		struct nsinfo_ns *n = &s->ns[i];

		n->procs = s->idx + pos;
		pos += c->procs[i];
		n->children = s->idx + pos;
		pos += c->children[i];
		n->owned = s->idx + pos;
		pos += c->owned[i];
		n->nprocs = n->nchildren = n->nowned = 0;
	}
	return 0;
}

/* Member lists, in pid order (threads are not members of their own) */
static void fill_members(struct nsinfo_snapshot *s)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];

		if (p->flags & NSINFO_PROC_THREAD)
			continue;
		for (int t = 0; t < NSINFO_NTYPES; t++)
			if (p->ns[t] >= 0) {
				struct nsinfo_ns *n = &s->ns[p->ns[t]];

				((uint32_t *)n->procs)[n->nprocs++] = (uint32_t)i;
			}
	}
}

/* Children and owned lists; a namespace without members is marked */
static void fill_tree(struct nsinfo_snapshot *s)
{
	for (size_t i = 0; i < s->nns; i++) {
		struct nsinfo_ns *n = &s->ns[i];

		if (n->parent >= 0) {
			struct nsinfo_ns *pn = &s->ns[n->parent];

			((uint32_t *)pn->children)[pn->nchildren++] = (uint32_t)i;
		}
		if (n->owner >= 0) {
			struct nsinfo_ns *o = &s->ns[n->owner];

			((uint32_t *)o->owned)[o->nowned++] = (uint32_t)i;
		}
		if (!n->nprocs)
			n->flags |= NSINFO_NS_NOPROCS;
	}
}

/* Level of a pid/user namespace: parents first, memoised in ns->level. */
static int ns_level(struct nsinfo_snapshot *s, int idx, int guard)
{
	struct nsinfo_ns *n = &s->ns[idx];

	if (n->level >= 0)
		return n->level;
	if (n->parent < 0 || guard > 64)
		n->level = 0;
	else
		n->level = ns_level(s, n->parent, guard + 1) + 1;
	return n->level;
}

static void set_levels(struct nsinfo_snapshot *s)
{
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].type == NSINFO_PID || s->ns[i].type == NSINFO_USER)
			ns_level(s, (int)i, 0);
}

/* Holders: stable sort by namespace, then point each ns at its run */
static int group_holders(struct nsinfo_snapshot *s)
{
	struct nsinfo_holder *sorted;
	uint32_t *start;

	if (!s->nholders)
		return 0;
	sorted = malloc(s->nholders * sizeof(*sorted));
	start = calloc(s->nns + 1, sizeof(uint32_t));
	if (!sorted || !start) {
		free(sorted);
		free(start);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nholders; i++)
		start[s->holder_owner[i] + 1]++;
	for (size_t i = 0; i < s->nns; i++)
		start[i + 1] += start[i];
	for (size_t i = 0; i < s->nns; i++) {
		s->ns[i].holders = sorted + start[i];
		s->ns[i].nholders = 0;
	}
	for (size_t i = 0; i < s->nholders; i++) {
		struct nsinfo_ns *n = &s->ns[s->holder_owner[i]];

		((struct nsinfo_holder *)n->holders)[n->nholders++] = s->holders[i];
	}
	free(s->holders);
	s->holders = sorted;
	s->holders_cap = s->nholders;
	free(start);
	return 0;
}

static void find_self(struct nsinfo_snapshot *s)
{
	for (int t = 0; t < NSINFO_NTYPES; t++)
		s->self_ns[t] = s->self_ns_ino[t] ? nsinfo__ns_find(s, t, s->self_ns_ino[t]) : -1;
}

int nsinfo__finalize(struct nsinfo_snapshot *s)
{
	struct list_counts c;
	size_t total;
	int r;

	if ((r = sort_procs(s)) || (r = count_lists(s, &c, &total)))
		return r;
	r = layout_lists(s, &c, total);
	free(c.procs);
	if (r)
		return r;
	fill_members(s);
	fill_tree(s);
	set_levels(s);
	if ((r = group_holders(s)))
		return r;
	find_self(s);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The row list: every grouping is libnsinfo's forest by one relation,
 * filtered (a match keeps its ancestors as context), then walked
 * depth-first with siblings in sort order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstop.h"

#define MAX_DEPTH 63

const char *const group_names[NGROUPS] = {
	[GROUP_TREE] = "tree", [GROUP_CONTAINER] = "container", [GROUP_FLAT] = "flat",
};

/* How each grouping nests, in libnsinfo's forest: the tree nests as
 * nstree does; a container is its pid namespace, the other namespaces of
 * its processes under it; flat has roots only. */
static const int group_rel[NGROUPS] = {
	[GROUP_TREE] = NSINFO_FOREST_NEST, [GROUP_CONTAINER] = NSINFO_FOREST_CONTAINER,
	[GROUP_FLAT] = NSINFO_FOREST_FLAT,
};

static bool text_match(struct model *m, int i, const char *q)
{
	static const int cols[] = { COL_TYPE, COL_NS, COL_NSID, COL_CONTAINER, COL_COMMAND };
	struct row r = { .ns = i };
	char buf[128];

	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		model_cell(m, &r, cols[c], buf, sizeof(buf));
		if (strcasestr(buf, q))
			return true;
	}
	return false;
}

/* -C: a process of a target, by its pid namespace (or one above it) or,
 * for a --pid=host container, by its container's runtime and id */
static bool ct_member(const struct model *m, const struct nsinfo_proc *p)
{
	size_t nns, nc;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(m->snap, &nns);
	const struct nsinfo_container *c = nsinfo_snapshot_containers(m->snap, &nc);
	int32_t k = p->ns[NSINFO_PID];

	for (int depth = 0; k >= 0 && (size_t)k < nns && depth <= NSINFO_EVENTS_PIDNS_DEPTH;
	     depth++, k = ns[k].parent) {
		struct nsinfo_event_ns e = { ns[k].ino, ns[k].nsid };

		if (nst_ct_targets_find(m->ct, &e))
			return true;
	}
	if (p->container < 0 || (size_t)p->container >= nc)
		return false;
	for (size_t i = 0; i < m->ct->n; i++) {
		const struct nst_ct_target *t = &m->ct->v[i];

		if (t->host && !strcmp(t->cid, c[p->container].id) &&
		    !strcmp(t->runtime, c[p->container].runtime))
			return true;
	}
	return false;
}

/* match[i] = 0 for the namespaces no target process is in */
static void ct_restrict(const struct model *m, uint8_t *match, size_t nns)
{
	size_t np;
	const struct nsinfo_proc *p = nsinfo_snapshot_procs(m->snap, &np);
	uint8_t *in = calloc(nns + 1, 1);

	if (!in)
		return; /* unfiltered rather than nothing */
	for (size_t i = 0; i < np; i++)
		if (!(p[i].flags & NSINFO_PROC_THREAD) && ct_member(m, &p[i]))
			for (int t = 0; t < NSINFO_NTYPES; t++)
				if (p[i].ns[t] >= 0 && (size_t)p[i].ns[t] < nns)
					in[p[i].ns[t]] = 1;
	for (size_t i = 0; i < nns; i++)
		match[i] &= in[i];
	free(in);
}

static bool matches(struct model *m, int i, const struct nsinfo_proc *pidp)
{
	const struct nsinfo_ns *n = nsinfo_snapshot_namespaces(m->snap, NULL) + i;

	if (m->type_filter >= 0 && n->type != m->type_filter)
		return false;
	if (m->pid_filter) {
		if (!pidp || pidp->ns[n->type] != i)
			return false;
	}
	return !m->text_filter[0] || text_match(m, i, m->text_filter);
}

/* numeric value of a column for sorting; strings compare separately */
static double sort_value(const struct model *m, int i, int col)
{
	const struct nsinfo_ns *n = nsinfo_snapshot_namespaces(m->snap, NULL) + i;

	switch (col) {
	case COL_NS: return (double)n->ino;
	case COL_NSID: return (double)n->nsid;
	case COL_NPROCS: return n->nprocs;
	case COL_CPU: return m->nst[i].cpu;
	case COL_RSS: return (double)m->nst[i].rss;
	case COL_CHURN: return m->nst[i].born + m->nst[i].died;
	case COL_TYPE: return n->type;
	}
	return 0;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	struct model *m = arg;
	int x = *(const int32_t *)a, y = *(const int32_t *)b, r;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(m->snap, NULL);

	if (m->sort_col == COL_CONTAINER || m->sort_col == COL_COMMAND) {
		char bx[128], by[128];
		struct row rx = { .ns = x }, ry = { .ns = y };

		model_cell(m, &rx, m->sort_col, bx, sizeof(bx));
		model_cell(m, &ry, m->sort_col, by, sizeof(by));
		r = strcmp(bx, by);
	} else {
		double vx = sort_value(m, x, m->sort_col), vy = sort_value(m, y, m->sort_col);

		r = (vx > vy) - (vx < vy);
	}
	if (m->sort_desc)
		r = -r;
	/* ties: a fixed order, so rows do not jump between refreshes */
	if (!r)
		r = (ns[x].type > ns[y].type) - (ns[x].type < ns[y].type);
	if (!r)
		r = (ns[x].ino > ns[y].ino) - (ns[x].ino < ns[y].ino);
	return r;
}

static int push_row(struct model *m, int32_t ns, int depth, bool context, bool last,
		    uint64_t branches)
{
	struct row *r;

	if (m->nrows >= m->rows_cap) {
		size_t cap = m->rows_cap ? m->rows_cap * 2 : 256;
		struct row *n = realloc(m->rows, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->rows = n;
		m->rows_cap = cap;
	}
	r = &m->rows[m->nrows++];
	r->ns = ns;
	r->depth = (int16_t)depth;
	r->context = context;
	r->last = last;
	r->branches = branches;
	return 0;
}

static int walk(struct model *m, const struct nsinfo_forest *f, int32_t node, int depth,
		uint64_t branches)
{
	size_t n;
	const uint32_t *kids = nsinfo_forest_children(f, node, &n);

	for (size_t k = 0; k < n; k++) {
		int32_t c = (int32_t)kids[k];
		bool last = k + 1 == n;
		int d = depth < MAX_DEPTH ? depth : MAX_DEPTH;

		/* an ancestor shown for a match below it is context */
		if (push_row(m, c, d, nsinfo_forest_shown(f, (uint32_t)c) == 1, last, branches))
			return -ENOMEM;
		if (walk(m, f, c, depth + 1, last ? branches : branches | (1ull << d)) < 0)
			return -ENOMEM;
	}
	return 0;
}

int model_build_rows(struct model *m)
{
	const struct nsinfo_proc *pidp = NULL;
	struct nsinfo_forest *f = NULL;
	uint8_t *match;
	size_t nns;
	int pi, r;

	m->nrows = 0;
	if (!m->snap)
		return 0;
	nsinfo_snapshot_namespaces(m->snap, &nns);
	if (m->pid_filter && (pi = nsinfo_snapshot_find_proc(m->snap, m->pid_filter)) >= 0)
		pidp = nsinfo_snapshot_procs(m->snap, NULL) + pi;
	match = calloc(nns + 1, 1);
	if (!match)
		return -ENOMEM;
	for (size_t i = 0; i < nns; i++)
		match[i] = matches(m, (int)i, pidp);
	if (m->ct)
		ct_restrict(m, match, nns);
	/* a match keeps its ancestors as context; roots first, depth-first */
	r = nsinfo_forest_new(m->snap, group_rel[m->group], &f);
	if (!r)
		r = nsinfo_forest_layout(f, match, NSINFO_FOREST_KEEP_ANCESTORS, cmp_rows, m);
	if (!r)
		r = walk(m, f, -1, 0, 0);
	nsinfo_forest_free(f);
	free(match);
	return r;
}

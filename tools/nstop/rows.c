/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The row list: every grouping is a forest given by one parent function,
 * then filtered (a match keeps its ancestors as context), then walked
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

/* user namespace -> child user namespaces and what it owns; pid namespace
 * -> child pid namespaces */
static int32_t parent_tree(const struct model *m, const struct nsinfo_snapshot *s,
			   const struct nsinfo_ns *n)
{
	(void)m, (void)s;
	if (n->type == NSINFO_USER || (n->type == NSINFO_PID && n->parent >= 0))
		return n->parent;
	return n->owner;
}

/*
 * By container and pod, as the library assigns namespaces to them: a
 * container's namespaces hang under its pid namespace (its mnt namespace
 * for a --pid=host container), a pod's containers and the namespaces they
 * share under the pod's net namespace (labels.c). A namespace of no
 * container hangs under the pid namespace of its lowest member.
 */
static int32_t parent_container(const struct model *m, const struct nsinfo_snapshot *s,
				const struct nsinfo_ns *n)
{
	const struct nsinfo_proc *p;
	int type;
	uint64_t ino;
	int r = labels_anchor(&m->labels, n, &type, &ino);

	if (r > 0) {
		int idx = nsinfo_snapshot_find_ns(s, type, ino);

		return idx >= 0 ? idx : -1;
	}
	if (r == 0 || n->type == NSINFO_PID)
		return -1;
	p = nsinfo_ns_lowest_proc(s, n);
	return p ? p->ns[NSINFO_PID] : -1;
}

static int32_t parent_flat(const struct model *m, const struct nsinfo_snapshot *s,
			   const struct nsinfo_ns *n)
{
	(void)m, (void)s, (void)n;
	return -1;
}

static int32_t (*const parent_of[NGROUPS])(const struct model *, const struct nsinfo_snapshot *,
					   const struct nsinfo_ns *) = {
	[GROUP_TREE] = parent_tree, [GROUP_CONTAINER] = parent_container,
	[GROUP_FLAT] = parent_flat,
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

struct forest {
	int32_t *parent;          /* per namespace, -1 for a root */
	uint8_t *keep;
	uint32_t *start;          /* children of node i: kids[start[i]..start[i+1]), roots at nns */
	int32_t *kids;
};

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

static int walk(struct model *m, const struct forest *f, size_t node, int depth,
		uint64_t branches)
{
	for (uint32_t k = f->start[node]; k < f->start[node + 1]; k++) {
		int32_t c = f->kids[k];
		bool last = k + 1 == f->start[node + 1];
		int d = depth < MAX_DEPTH ? depth : MAX_DEPTH;

		if (push_row(m, c, d, f->keep[c] == 1, last, branches))
			return -ENOMEM;
		if (walk(m, f, (size_t)c, depth + 1,
			 last ? branches : branches | (1ull << d)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* keep: 0 hidden, 1 context (an ancestor of a match), 2 a match */
static void mark(struct model *m, struct forest *f, size_t nns)
{
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(m->snap, NULL);
	const struct nsinfo_proc *pidp = NULL;
	int pi;

	if (m->pid_filter && (pi = nsinfo_snapshot_find_proc(m->snap, m->pid_filter)) >= 0)
		pidp = nsinfo_snapshot_procs(m->snap, NULL) + pi;
	for (size_t i = 0; i < nns; i++)
		f->parent[i] = parent_of[m->group](m, m->snap, &ns[i]);
	for (size_t i = 0; i < nns; i++) {
		if (!matches(m, (int)i, pidp))
			continue;
		f->keep[i] = 2;
		/* the depth bound only guards against a cycle in bad data */
		for (int32_t p = f->parent[i], d = 0; p >= 0 && !f->keep[p] && d < 256;
		     p = f->parent[p], d++)
			f->keep[p] = 1;
	}
}

static void link_kids(struct model *m, struct forest *f, size_t nns)
{
	for (size_t i = 0; i < nns; i++)
		if (f->keep[i])
			f->start[(f->parent[i] >= 0 ? (size_t)f->parent[i] : nns) + 1]++;
	for (size_t i = 0; i <= nns; i++)
		f->start[i + 1] += f->start[i];
	uint32_t *fill = f->start + nns + 2;

	memcpy(fill, f->start, (nns + 1) * sizeof(*fill));
	for (size_t i = 0; i < nns; i++)
		if (f->keep[i])
			f->kids[fill[f->parent[i] >= 0 ? (size_t)f->parent[i] : nns]++] = (int32_t)i;
	for (size_t i = 0; i <= nns; i++)
		qsort_r(f->kids + f->start[i], f->start[i + 1] - f->start[i], sizeof(int32_t),
			cmp_rows, m);
}

int model_build_rows(struct model *m)
{
	size_t nns;
	struct forest f;
	int r;

	m->nrows = 0;
	if (!m->snap)
		return 0;
	nsinfo_snapshot_namespaces(m->snap, &nns);
	f.parent = malloc((nns + 1) * sizeof(*f.parent));
	f.keep = calloc(nns + 1, 1);
	f.start = calloc(2 * nns + 4, sizeof(*f.start));
	f.kids = malloc((nns + 1) * sizeof(*f.kids));
	r = -ENOMEM;
	if (f.parent && f.keep && f.start && f.kids) {
		mark(m, &f, nns);
		link_kids(m, &f, nns);
		/* roots sit in the virtual node nns */
		r = walk(m, &f, nns, 0, 0);
	}
	free(f.parent);
	free(f.keep);
	free(f.start);
	free(f.kids);
	return r;
}

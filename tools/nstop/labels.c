/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container cells (CONTAINER, RUNTIME, CID, IMAGE, POD, K8SNS), kept
 * between the refreshes that look for them: finding containers reads every
 * /proc/PID/cgroup and the engines' files, as much work as the rest of a
 * refresh. Cells are keyed by namespace (type, inode, id). CONTAINER is
 * the library's label of the namespace's container (nsinfo_container_label),
 * as nstree, nspid and nsenter-lite show it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctcols.h"
#include "nstop.h"

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

static void free_vec(struct label *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < NST_CT_N; k++)
			free(v[i].v[k]);
	free(v);
}

int labels_update(struct labels *l, const struct nsinfo_snapshot *s)
{
	size_t nns, n = 0;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);
	struct label *v = calloc(nns ? nns : 1, sizeof(*v));

	if (!v)
		return -1;
	for (size_t i = 0; i < nns; i++) {
		struct nst_ct_cells cells;

		if (ns[i].container < 0)
			continue;
		nst_ct_cells(s, ns[i].container, &cells);
		v[n] = (struct label){ .type = ns[i].type, .ino = ns[i].ino, .nsid = ns[i].nsid };
		for (int k = 0; k < NST_CT_N; k++)
			if (cells.v[k] && !(v[n].v[k] = strdup(cells.v[k]))) {
				free_vec(v, n + 1);
				return -1;
			}
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_label);
	free_vec(l->v, l->n);
	l->v = v;
	l->n = n;
	nsinfo_snapshot_containers(s, &l->ncontainers);
	return 0;
}

static const struct label *find(const struct labels *l, const struct nsinfo_ns *n)
{
	struct label key = { .type = n->type, .ino = n->ino };
	const struct label *f = l->n ? bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_label) : NULL;

	/* a recycled inode is another namespace */
	return f && f->nsid == n->nsid ? f : NULL;
}

const char *labels_find(const struct labels *l, const struct nsinfo_ns *n, int k)
{
	const struct label *f = find(l, n);

	return f && k >= 0 && k < NST_CT_N ? f->v[k] : NULL;
}

void labels_free(struct labels *l)
{
	free_vec(l->v, l->n);
	memset(l, 0, sizeof(*l));
}

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

/* Per container: its pid, mnt and net namespaces (indices, -1) */
struct own {
	int32_t pid, mnt, net;
};

/* The pod entry of container c, -1 */
static int32_t pod_of(const struct nsinfo_container *all, size_t nc, int32_t c)
{
	for (size_t i = 0; all[c].pod && i < nc; i++)
		if (all[i].kind == NSINFO_CONTAINER_KIND_POD && !strcmp(all[i].id, all[c].pod) &&
		    !strcmp(all[i].runtime, all[c].runtime))
			return (int32_t)i;
	return -1;
}

/* Where namespace i of container c hangs, -1 at the top */
static int32_t anchor_of(const struct nsinfo_container *all, size_t nc, const struct own *own,
			 int32_t c, size_t i)
{
	int32_t a = all[c].kind == NSINFO_CONTAINER_KIND_POD ? own[c].net
		    : own[c].pid >= 0 ? own[c].pid : own[c].mnt, pod;

	if (a >= 0 && (size_t)a != i)
		return a;
	/* the container's own anchor: under its pod's */
	pod = all[c].kind == NSINFO_CONTAINER_KIND_POD ? -1 : pod_of(all, nc, c);
	return pod >= 0 ? own[pod].net : -1;
}

int labels_update(struct labels *l, const struct nsinfo_snapshot *s)
{
	size_t nns, n = 0, nc;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);
	const struct nsinfo_container *all = nsinfo_snapshot_containers(s, &nc);
	struct label *v = calloc(nns ? nns : 1, sizeof(*v));
	struct own *own = calloc(nc ? nc : 1, sizeof(*own));

	if (!v || !own) {
		free(v);
		free(own);
		return -1;
	}
	for (size_t c = 0; c < nc; c++)
		own[c] = (struct own){ -1, -1, -1 };
	for (size_t i = 0; i < nns; i++) {
		int32_t c = ns[i].container;

		if (c < 0 || (size_t)c >= nc)
			continue;
		if (ns[i].type == NSINFO_PID && own[c].pid < 0)
			own[c].pid = (int32_t)i;
		if (ns[i].type == NSINFO_MNT && own[c].mnt < 0)
			own[c].mnt = (int32_t)i;
		if (ns[i].type == NSINFO_NET && own[c].net < 0)
			own[c].net = (int32_t)i;
	}
	for (size_t i = 0; i < nns; i++) {
		struct nst_ct_cells cells;

		if (ns[i].container < 0)
			continue;
		nst_ct_cells(s, ns[i].container, &cells);
		v[n] = (struct label){ .type = ns[i].type, .ino = ns[i].ino, .nsid = ns[i].nsid };
		{
			int32_t a = anchor_of(all, nc, own, ns[i].container, i);

			if (a >= 0) {
				v[n].anchor_type = ns[a].type;
				v[n].anchor_ino = ns[a].ino;
			}
		}
		for (int k = 0; k < NST_CT_N; k++)
			if (cells.v[k] && !(v[n].v[k] = strdup(cells.v[k]))) {
				free_vec(v, n + 1);
				free(own);
				return -1;
			}
		n++;
	}
	free(own);
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

int labels_anchor(const struct labels *l, const struct nsinfo_ns *n, int *type, uint64_t *ino)
{
	const struct label *f = find(l, n);

	if (!f)
		return -1;
	*type = f->anchor_type;
	*ino = f->anchor_ino;
	return f->anchor_ino ? 1 : 0;
}

void labels_free(struct labels *l)
{
	free_vec(l->v, l->n);
	memset(l, 0, sizeof(*l));
}

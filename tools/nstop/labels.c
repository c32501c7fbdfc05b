/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CONTAINER column labels, kept between the refreshes that look for them:
 * finding containers reads every /proc/PID/cgroup and hostnames need a
 * child entering every uts namespace, as much work as the rest of a
 * refresh. Labels are keyed by namespace (type, inode, id).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstop.h"

/* The container of a namespace, else of its lowest member; else a hostname
 * (its own for uts, its lowest member's uts otherwise). NULL if none. */
static const char *label_of(const struct nsinfo_snapshot *s, const struct nsinfo_ns *n,
			    char *buf, size_t len)
{
	const struct nsinfo_ns *all = nsinfo_snapshot_namespaces(s, NULL);
	const struct nsinfo_proc *p = nsinfo_ns_lowest_proc(s, n);
	int32_t ci = n->container >= 0 ? n->container : (p ? p->container : -1);

	if (ci >= 0)
		return nsinfo_container_label(s, ci, buf, len);
	if (n->hostname)
		return n->hostname;
	if (p && p->ns[NSINFO_UTS] >= 0)
		return all[p->ns[NSINFO_UTS]].hostname;
	return NULL;
}

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

int labels_update(struct labels *l, const struct nsinfo_snapshot *s)
{
	size_t nns, n = 0;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);
	struct label *v = malloc((nns ? nns : 1) * sizeof(*v));

	if (!v)
		return -1;
	for (size_t i = 0; i < nns; i++) {
		char buf[300];
		const char *t = label_of(s, &ns[i], buf, sizeof(buf));

		if (!t)
			continue;
		v[n] = (struct label){ .type = ns[i].type, .ino = ns[i].ino, .nsid = ns[i].nsid };
		snprintf(v[n].text, sizeof(v[n].text), "%s", t);
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_label);
	free(l->v);
	l->v = v;
	l->n = n;
	nsinfo_snapshot_containers(s, &l->ncontainers);
	return 0;
}

const char *labels_find(const struct labels *l, const struct nsinfo_ns *n)
{
	struct label key = { .type = n->type, .ino = n->ino };
	const struct label *f = bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_label);

	/* a recycled inode is another namespace */
	return f && f->nsid == n->nsid ? f->text : NULL;
}

void labels_free(struct labels *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

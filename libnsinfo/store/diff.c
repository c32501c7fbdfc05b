/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What changed between two snapshots: namespaces created and gone, and
 * namespaces whose holders changed; containers started and stopped.
 *
 * Namespaces are matched by type and 64-bit id where both snapshots have
 * one: inode numbers are reused within milliseconds, so a namespace that
 * went and another that came with the same inode are two changes, not
 * none. Where a snapshot has no ids (older kernels), the inode is the key.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct key {
	int type;
	int by_ino;               /* 1: no id for this one (denied, an ancestor, an old file) */
	uint64_t id;              /* nsid, or inode when keyed by inode */
	int32_t idx;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->type != y->type)
		return x->type - y->type;
	if (x->by_ino != y->by_ino)
		return x->by_ino - y->by_ino;
	return (x->id > y->id) - (x->id < y->id);
}

/* Keys of a snapshot's namespaces, sorted; NULL on ENOMEM. */
static struct key *keys_of(const struct nsinfo_snapshot *s, bool by_id, size_t *n)
{
	size_t nns;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);
	struct key *k = malloc((nns ? nns : 1) * sizeof(*k));

	if (!k)
		return NULL;
	for (size_t i = 0; i < nns; i++)
		k[i] = by_id && ns[i].nsid ? (struct key){ ns[i].type, 0, ns[i].nsid, (int32_t)i } :
					     (struct key){ ns[i].type, 1, ns[i].ino, (int32_t)i };
	qsort(k, nns, sizeof(*k), cmp_key);
	*n = nns;
	return k;
}

/* Whether s has ids at all (a kernel with NS_GET_ID). A namespace without
 * one where the others have theirs (denied, an ancestor) is keyed by its
 * inode among the others without: one such must not make every namespace
 * fall back to inodes, which are reused. */
static bool has_ids(const struct nsinfo_snapshot *s)
{
	size_t nns;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);

	for (size_t i = 0; i < nns; i++)
		if (ns[i].nsid)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A namespace's holders in a form two snapshots can compare: one line per
 * holder other than its processes (those come and go with every fork;
 * whether it has any at all is part of it; child and owned namespaces
 * likewise, being changes of their own), sorted. Returns a malloc'ed string, NULL on ENOMEM.
 */
static char *holders_sig(const struct nsinfo_ns *n)
{
	char **lines = calloc(n->nholders + 1, sizeof(*lines));
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int bad = 0;

	if (!lines)
		return NULL;
	for (uint32_t i = 0; i < n->nholders && !bad; i++) {
		const struct nsinfo_holder *h = &n->holders[i];
		switch (h->kind) {
		case NSINFO_HOLD_FD:
			bad = asprintf(&lines[i], "fd %d:%d", (int)h->pid, h->fd) < 0;
			break;
		case NSINFO_HOLD_MOUNT:
			bad = asprintf(&lines[i], "mount %llu:%s", (unsigned long long)h->mntns,
				       h->path ? h->path : "") < 0;
			break;
		case NSINFO_HOLD_CHILD_NS:
		case NSINFO_HOLD_OWNED_NS:
			/* which ones is a change of their own (created, gone):
			 * here only whether there are any */
			bad = !(lines[i] = strdup(nsinfo_holder_kind_name(h->kind)));
			break;
		default:
			bad = asprintf(&lines[i], "%s %d", nsinfo_holder_kind_name(h->kind),
				       (int)h->pid) < 0;
		}
		if (bad)
			lines[i] = NULL;
	}
	if (!bad) {
		qsort(lines, n->nholders, sizeof(*lines), cmp_str);
		f = open_memstream(&buf, &len);
		if (f) {
			fprintf(f, "%s\n", n->nprocs ? "procs" : "no procs");
			for (uint32_t i = 0; i < n->nholders; i++)
				if (!i || strcmp(lines[i], lines[i - 1]))
					fprintf(f, "%s\n", lines[i]);
			if (fclose(f)) {
				free(buf);
				buf = NULL;
			}
		}
	}
	for (uint32_t i = 0; i < n->nholders; i++)
		free(lines[i]);
	free(lines);
	return buf;
}

struct out {
	struct nsinfo_diff_entry *e;
	size_t n, cap;
};

static int add(struct out *o, int kind, int32_t old_idx, int32_t new_idx)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 32;
		struct nsinfo_diff_entry *e = realloc(o->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		o->e = e;
		o->cap = cap;
	}
	o->e[o->n++] = (struct nsinfo_diff_entry){ kind, old_idx, new_idx };
	return 0;
}

static int holders_changed(const struct nsinfo_snapshot *a, int32_t ia,
			   const struct nsinfo_snapshot *b, int32_t ib)
{
	char *sa = holders_sig(&nsinfo_snapshot_namespaces(a, NULL)[ia]);
	char *sb = holders_sig(&nsinfo_snapshot_namespaces(b, NULL)[ib]);
	int r = sa && sb ? strcmp(sa, sb) != 0 : -ENOMEM;

	free(sa);
	free(sb);
	return r;
}

/* Merge walk over the two sorted key lists */
static int diff_namespaces(const struct nsinfo_snapshot *a, const struct nsinfo_snapshot *b,
			   struct out *o)
{
	bool by_id = has_ids(a) && has_ids(b);
	size_t na = 0, nb = 0, i = 0, j = 0;
	struct key *ka = keys_of(a, by_id, &na), *kb = keys_of(b, by_id, &nb);
	int r = ka && kb ? 0 : -ENOMEM;

	while (!r && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_key(&ka[i], &kb[j]);

		if (c < 0)
			r = add(o, NSINFO_DIFF_NS_GONE, ka[i++].idx, -1);
		else if (c > 0)
			r = add(o, NSINFO_DIFF_NS_CREATED, -1, kb[j++].idx);
		else {
			r = holders_changed(a, ka[i].idx, b, kb[j].idx);
			if (r > 0)
				r = add(o, NSINFO_DIFF_NS_HOLDERS, ka[i].idx, kb[j].idx);
			i++, j++;
		}
	}
	free(ka);
	free(kb);
	return r;
}

static int find_container(const struct nsinfo_container *c, size_t n,
			  const struct nsinfo_container *x)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].id ? c[i].id : "", x->id ? x->id : "") &&
		    !strcmp(c[i].runtime ? c[i].runtime : "", x->runtime ? x->runtime : ""))
			return (int)i;
	return -1;
}

static int diff_containers(const struct nsinfo_snapshot *a, const struct nsinfo_snapshot *b,
			   struct out *o)
{
	size_t na, nb;
	const struct nsinfo_container *ca = nsinfo_snapshot_containers(a, &na);
	const struct nsinfo_container *cb = nsinfo_snapshot_containers(b, &nb);
	int r = 0;

	for (size_t i = 0; !r && i < na; i++)
		if (find_container(cb, nb, &ca[i]) < 0)
			r = add(o, NSINFO_DIFF_CONTAINER_STOPPED, (int32_t)i, -1);
	for (size_t i = 0; !r && i < nb; i++)
		if (find_container(ca, na, &cb[i]) < 0)
			r = add(o, NSINFO_DIFF_CONTAINER_STARTED, -1, (int32_t)i);
	return r;
}

NSINFO_EXPORT int nsinfo_snapshot_diff(const struct nsinfo_snapshot *old_snap,
				       const struct nsinfo_snapshot *new_snap,
				       struct nsinfo_diff_entry **out, size_t *n)
{
	struct out o = { 0 };
	int r;

	if (!old_snap || !new_snap || !out || !n)
		return -EINVAL;
	r = diff_namespaces(old_snap, new_snap, &o);
	if (!r)
		r = diff_containers(old_snap, new_snap, &o);
	if (r < 0) {
		free(o.e);
		return r;
	}
	*out = o.e;
	*n = o.n;
	return 0;
}

NSINFO_EXPORT const char *nsinfo_diff_kind_name(int kind)
{
	static const char *const names[] = {
		[NSINFO_DIFF_NS_CREATED] = "created",
		[NSINFO_DIFF_NS_GONE] = "gone",
		[NSINFO_DIFF_NS_HOLDERS] = "holders",
		[NSINFO_DIFF_CONTAINER_STARTED] = "started",
		[NSINFO_DIFF_CONTAINER_STOPPED] = "stopped",
	};

	if (kind < 0 || kind >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[kind];
}

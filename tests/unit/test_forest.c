/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsinfo_forest_* on a fixture snapshot (tests/fixtures/snapshots/forest.json):
 *
 *   0 user 4026540100                  processes (pid ppid: user pid net uts)
 *   1 user 4026540101  parent 0         1  0: 0 2 4 6  init
 *   2 pid  4026540200  owner 0          10 1: 1 3 5 6  inner
 *   3 pid  4026540201  parent 2 owner 1 11 10: 1 3 4 6 sibling
 *   4 net  4026540300  owner 0          20 1: 1 7 5 6  loose
 *   5 net  4026540301  owner 1
 *   6 uts  4026540400  owner 0
 *   7 pid  4026540202  owner 1 (its parent unknown)
 *
 * Every relation's parents, the layout of all, of a filtered set (nearest
 * shown ancestor, the owner fallback, ancestors kept as context), sorting,
 * and bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nsinfo.h"
#include "tap.h"

#define N 8

static struct nsinfo_snapshot *snap;

/* "p0 p1 ... p7" of a relation */
static const char *parents(int rel)
{
	static char buf[128];
	struct nsinfo_forest *f;
	size_t o = 0;

	if (nsinfo_forest_new(snap, rel, &f) < 0)
		return "(failed)";
	for (uint32_t i = 0; i < N; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%d", i ? " " : "",
				      (int)nsinfo_forest_parent(f, i));
	nsinfo_forest_free(f);
	return buf;
}

/* The laid-out forest as "i(kids) ...", depth-first from the roots. */
static void draw(const struct nsinfo_forest *f, int32_t node, char *buf, size_t len, size_t *o)
{
	size_t n, m;
	const uint32_t *kids = nsinfo_forest_children(f, node, &n);

	for (size_t k = 0; k < n && *o < len; k++) {
		*o += (size_t)snprintf(buf + *o, len - *o, "%s%u", k ? " " : "", kids[k]);
		nsinfo_forest_children(f, (int32_t)kids[k], &m);
		if (m && *o < len) {
			*o += (size_t)snprintf(buf + *o, len - *o, "(");
			draw(f, (int32_t)kids[k], buf, len, o);
			if (*o < len)
				*o += (size_t)snprintf(buf + *o, len - *o, ")");
		}
	}
}

static const char *layout(int rel, const char *shown, unsigned flags,
			  int (*cmp)(const void *, const void *, void *))
{
	static char buf[256];
	struct nsinfo_forest *f;
	uint8_t show[N] = { 0 };
	size_t o = 0;

	for (const char *p = shown; p && *p; p++)
		if (*p >= '0' && *p < '0' + N)
			show[*p - '0'] = 1;
	buf[0] = '\0';
	if (nsinfo_forest_new(snap, rel, &f) < 0 ||
	    nsinfo_forest_layout(f, shown ? show : NULL, flags, cmp, NULL) < 0)
		return "(failed)";
	draw(f, -1, buf, sizeof(buf), &o);
	nsinfo_forest_free(f);
	return buf;
}

static int by_index_desc(const void *a, const void *b, void *arg)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	(void)arg;
	return (x < y) - (x > y);
}

int main(void)
{
	char why[256];
	struct nsinfo_forest *f;
	size_t n;
	uint8_t show[N] = { 0 };
	int r = nsinfo_snapshot_read_json("tests/fixtures/snapshots/forest.json", &snap, why,
					  sizeof(why));

	if (r < 0)
		BAIL("fixture snapshot loads: %s", why);
	nsinfo_snapshot_namespaces(snap, &n);
	is(n, N, "fixture: %d namespaces", N);

	/* parents by relation */
	is_str(parents(NSINFO_FOREST_NEST), "-1 0 0 2 0 1 0 1",
	       "nest: user and pid under their parent, a pid without one under its owner, others under their owner");
	is_str(parents(NSINFO_FOREST_OWNER), "-1 0 0 1 0 1 0 1", "owner: every namespace under its owner");
	is_str(parents(NSINFO_FOREST_PARENT), "-1 0 -1 2 -1 -1 -1 -1", "parent: pid and user only");
	is_str(parents(NSINFO_FOREST_PROCESS), "-1 0 -1 2 -1 4 -1 2",
	       "process: the namespace of the lowest member's nearest ancestor outside it");
	is_str(parents(NSINFO_FOREST_CONTAINER), "2 3 -1 -1 2 3 2 -1",
	       "container: under the pid namespace of the lowest member; pid namespaces are roots");
	is_str(parents(NSINFO_FOREST_FLAT), "-1 -1 -1 -1 -1 -1 -1 -1", "flat: roots only");

	/* layouts */
	is_str(layout(NSINFO_FOREST_NEST, NULL, 0, NULL), "0(1(5 7) 2(3) 4 6)",
	       "nest, everything shown: index order without a comparison");
	is_str(layout(NSINFO_FOREST_NEST, NULL, 0, by_index_desc), "0(6 4 2(3) 1(7 5))",
	       "siblings in the comparison's order");
	is_str(layout(NSINFO_FOREST_NEST, "035", 0, NULL), "0(3 5)",
	       "hidden ancestors skipped: under the nearest shown one");
	is_str(layout(NSINFO_FOREST_NEST, "13", 0, NULL), "1 3",
	       "the whole chain hidden: a root");
	is_str(layout(NSINFO_FOREST_NEST, "13", NSINFO_FOREST_OWNER_FALLBACK, NULL), "1(3)",
	       "... or, with OWNER_FALLBACK, under its nearest shown owner");
	is_str(layout(NSINFO_FOREST_CONTAINER, NULL, 0, NULL), "2(0 4 6) 3(1 5) 7",
	       "container grouping");
	is_str(layout(NSINFO_FOREST_FLAT, "64", 0, by_index_desc), "6 4", "flat, filtered, sorted");

	/* KEEP_ANCESTORS: a match keeps its chain as context */
	if (nsinfo_forest_new(snap, NSINFO_FOREST_NEST, &f) < 0)
		BAIL("forest");
	show[3] = 1;
	is(nsinfo_forest_layout(f, show, NSINFO_FOREST_KEEP_ANCESTORS, NULL, NULL), 0, "layout");
	is(nsinfo_forest_shown(f, 3), 2, "KEEP_ANCESTORS: the match is shown");
	is(nsinfo_forest_shown(f, 2), 1, "... its parent as context");
	is(nsinfo_forest_shown(f, 0), 1, "... and the root as context");
	is(nsinfo_forest_shown(f, 1), 0, "... a namespace off the chain hidden");
	is(nsinfo_forest_children(f, 0, &n)[0], 2, "... the chain is drawn: 0 -> 2");
	is(n, 1, "... 0 has that one child");
	/* laid out again: the previous layout is gone */
	is(nsinfo_forest_layout(f, NULL, 0, NULL, NULL), 0, "layout again, everything");
	nsinfo_forest_children(f, 0, &n);
	is(n, 4, "... 0 has its four children again");
	is(nsinfo_forest_shown(f, 1), 2, "... and 1 is shown");
	ok(nsinfo_forest_children(f, N, &n) == NULL && n == 0, "children of an index out of range: none");
	is(nsinfo_forest_parent(f, N), -1, "parent of an index out of range: -1");
	nsinfo_forest_free(f);

	/* bad arguments */
	is(nsinfo_forest_new(NULL, NSINFO_FOREST_NEST, &f), -EINVAL, "no snapshot: -EINVAL");
	is(nsinfo_forest_new(snap, 99, &f), -EINVAL, "unknown relation: -EINVAL");
	is(nsinfo_forest_layout(NULL, NULL, 0, NULL, NULL), -EINVAL, "layout of NULL: -EINVAL");
	nsinfo_forest_free(NULL);
	nsinfo_snapshot_unref(snap);
	return tap_done();
}

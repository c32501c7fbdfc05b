/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot store: a user name handed out by nsinfo_snapshot_username()
 * stays valid (same pointer, same text) while the snapshot lives, however
 * many other uids are asked for after it; the namespace index finds what
 * was inserted, by type and inode, and keeps one row per namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* An empty snapshot as a file read from elsewhere: user names are the uid
 * numbers, not this host's passwd entries, so the text is known. */
static struct nsinfo_snapshot *empty_loaded(void)
{
	struct nsinfo_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->refcnt = 1;
	s->loaded = true;
	s->proc_root = strdup("/proc");
	return s;
}

static void test_username_stable(void)
{
	struct nsinfo_snapshot *s = empty_loaded();
	const char *first, *again;
	int moved = 0, wrong = 0;
	char want[16];

	if (!s) {
		ok(0, "snapshot allocated");
		return;
	}
	first = nsinfo_snapshot_username(s, 4242);
	ok(first && strcmp(first, "4242") == 0, "a loaded snapshot names uid 4242 by number");
	for (uid_t u = 0; u < 1000; u++) {
		const char *n = nsinfo_snapshot_username(s, 100000 + u);

		snprintf(want, sizeof(want), "%u", 100000 + u);
		if (!n || strcmp(n, want))
			wrong++;
	}
	is(wrong, 0, "1000 more uids each get their own name");
	again = nsinfo_snapshot_username(s, 4242);
	ok(again == first, "the name of the first uid is the same pointer after 1000 more uids");
	ok(first && strcmp(first, "4242") == 0,
	   "and the early pointer still reads \"4242\" (not freed, not overwritten)");
	for (uid_t u = 0; u < 1000; u += 97) {
		const char *a = nsinfo_snapshot_username(s, 100000 + u);
		const char *b = nsinfo_snapshot_username(s, 100000 + u);

		if (a != b)
			moved++;
	}
	is(moved, 0, "a name asked for twice is the same pointer");
	is(nsinfo_snapshot_username(NULL, 0) == NULL, 1, "no snapshot: NULL");
	nsinfo_snapshot_unref(s);
}

static void test_ns_index(void)
{
	struct nsinfo_snapshot *s = empty_loaded();
	int isnew, bad = 0, dup = 0;

	if (!s) {
		ok(0, "snapshot allocated");
		return;
	}
	for (int i = 0; i < 3000; i++) {
		int idx = nsinfo__ns_insert(s, i % NSINFO_NTYPES, 4026531840ULL + (uint64_t)i, &isnew);

		if (idx != i || !isnew)
			bad++;
	}
	is(bad, 0, "3000 namespaces inserted in order, each new");
	for (int i = 0; i < 3000; i += 7) {
		int idx = nsinfo__ns_insert(s, i % NSINFO_NTYPES, 4026531840ULL + (uint64_t)i, &isnew);

		if (idx != i || isnew)
			dup++;
	}
	is(dup, 0, "inserting a known namespace again returns its row, not a new one");
	is((int)s->nns, 3000, "still 3000 rows");
	is(nsinfo_snapshot_find_ns(s, 2, 4026531840ULL + 2), 2, "found by type and inode");
	is(nsinfo_snapshot_find_ns(s, -1, 4026531840ULL + 2999), 2999, "found by inode alone");
	is(nsinfo_snapshot_find_ns(s, 3, 4026531840ULL + 2), -ENOENT,
	   "the same inode under another type is not that namespace");
	is(nsinfo_snapshot_find_ns(s, NSINFO_NTYPES, 1), -EINVAL, "a type out of range: -EINVAL");
	nsinfo_snapshot_unref(s);
}

int main(void)
{
	test_username_stable();
	test_ns_index();
	return tap_done();
}

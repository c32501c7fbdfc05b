/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A saved snapshot (nstree --load reads files from other hosts) ->
 * nsinfo__snapshot_parse_json. What it accepts must be a snapshot every
 * query works on: it is written again, read back, and written once more,
 * and the two writings must be the same bytes.
 */
#include "fuzz.h"
#include "internal.h"

static char *write_text(struct nsinfo_snapshot *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(nsinfo_snapshot_write_json(s, f) == 0);
	FUZZ_CHECK(fclose(f) == 0);
	return buf;
}

static void use(struct nsinfo_snapshot *s)
{
	size_t nns, nprocs;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(s, &nprocs);

	for (size_t i = 0; i < nns; i++) {
		const struct nsinfo_proc *p = nsinfo_ns_lowest_proc(s, &ns[i]);

		FUZZ_CHECK(!p || (p >= procs && p < procs + nprocs));
		FUZZ_CHECK(nsinfo_snapshot_find_ns(s, (int)ns[i].type, ns[i].ino) >= 0);
		for (uint32_t k = 0; k < ns[i].nprocs; k++)
			FUZZ_CHECK(ns[i].procs[k] < nprocs);
		for (uint32_t k = 0; k < ns[i].nchildren; k++)
			FUZZ_CHECK(ns[i].children[k] < nns);
		for (uint32_t k = 0; k < ns[i].nowned; k++)
			FUZZ_CHECK(ns[i].owned[k] < nns);
		for (uint32_t k = 0; k < ns[i].nholders; k++) {
			const struct nsinfo_holder *h = &ns[i].holders[k];

			FUZZ_CHECK(h->ns < (int32_t)nns);
			FUZZ_CHECK(h->kind != NSINFO_HOLD_MOUNT || h->path);
		}
	}
	for (size_t i = 0; i < nprocs; i++)
		FUZZ_CHECK(nsinfo_snapshot_find_proc(s, procs[i].pid) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsinfo_snapshot *s = NULL, *again = NULL;
	char why[256], *one, *two;
	size_t n1, n2;
	int r;

	r = nsinfo__snapshot_parse_json((const char *)data, size, &s, why, sizeof(why));
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r < 0) {
		/* a reason always; that it is one line whatever the file holds
		 * is the display escaping's promise (corpus: crash-newline-in-error) */
		FUZZ_CHECK(r == -ENOMEM || why[0]);
		return 0;
	}
	use(s);
	one = write_text(s, &n1);
	r = nsinfo__snapshot_parse_json(one, n1, &again, why, sizeof(why));
	if (r) {
		fprintf(stderr, "written snapshot not read back: %s\n", why);
		FUZZ_CHECK(r == 0);
	}
	two = write_text(again, &n2);
	FUZZ_CHECK(n1 == n2 && !memcmp(one, two, n1));
	free(one);
	free(two);
	nsinfo_snapshot_unref(s);
	nsinfo_snapshot_unref(again);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user and time namespace files as libnsinfo keeps them: uid_map /
 * gid_map and timens_offsets texts (which a namespace's processes choose)
 * in the canonical form or refused whole, and ids mapped through a map.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

struct row {
	const char *in, *out, *name;
};

static const struct row maps[] = {
	{ "         0       1000          1\n", "0 1000 1", "one line, the kernel's padding" },
	{ "0 0 1\n1 100000 65536\n", "0 0 1,1 100000 65536", "two lines joined by ','" },
	{ "", "", "no map written" },
	{ "0 0 1,1 100000 65536", "0 0 1,1 100000 65536", "the canonical form reads back" },
	{ "0 0 4294967295\n", "0 0 4294967295", "the largest count" },
	{ "0 0 4294967296\n", NULL, "a count past 32 bits" },
	{ "0 0\n", NULL, "a line cut short" },
	{ "0 0 1 2\n", NULL, "a fourth number" },
	{ "0 0 -1\n", NULL, "a sign" },
	{ "0 0 1\x1b[31m\n", NULL, "a terminal sequence" },
	{ "0 0 1\n\n", NULL, "an empty line" },
	{ "a b c\n", NULL, "words" },
	{ "0 0 99999999999999999999999999\n", NULL, "digits without end" },
};

static const struct row offsets[] = {
	{ "monotonic           10         0\nboottime            -3         0\n",
	  "monotonic 10 0,boottime -3 0", "the kernel's text" },
	{ "monotonic 0 0,boottime 0 0", "monotonic 0 0,boottime 0 0", "the canonical form" },
	{ "realtime 1 0\n", NULL, "no such clock" },
	{ "monotonic 1\n", NULL, "one number" },
	{ "monotonicx 1 0\n", NULL, "a longer word" },
	{ "monotonic -9223372036854775808 0\n", NULL, "past INT64_MIN + 1" },
	{ "monotonic -9223372036854775807 999999999\n", "monotonic -9223372036854775807 999999999",
	  "the most negative kept" },
};

int main(void)
{
	char out[8192], big[20000];

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int r = nsinfo__canon_idmap(maps[i].in, out, sizeof(out));

		if (maps[i].out)
			is_str(r == 0 ? out : NULL, maps[i].out, "id map: %s", maps[i].name);
		else
			is(r, -EINVAL, "id map refused: %s", maps[i].name);
	}
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		int r = nsinfo__canon_offsets(offsets[i].in, out, sizeof(out));

		if (offsets[i].out)
			is_str(r == 0 ? out : NULL, offsets[i].out, "offsets: %s", offsets[i].name);
		else
			is(r, -EINVAL, "offsets refused: %s", offsets[i].name);
	}
	/* more lines than a kernel map has (340) and longer than the buffers */
	big[0] = 0;
	for (int i = 0; i < 500 && strlen(big) + 16 < sizeof(big); i++)
		strcat(big, "1 2 3\n");
	is(nsinfo__canon_idmap(big, out, sizeof(out)), -EINVAL, "500 lines: refused");
	is(nsinfo__canon_idmap("0 0 1\n", out, 4), -EINVAL, "a result longer than the buffer: refused");

	is(nsinfo_idmap_inside("1000 0 1", 0), 1000, "uid 0 outside is 1000 inside");
	is(nsinfo_idmap_inside("1000 0 1", 1), 65534, "an unmapped uid is 65534");
	is(nsinfo_idmap_inside("0 0 1,1 100000 65536", 100041), 42, "through the second line");
	is(nsinfo_idmap_inside("0 100000 65536", 100000 + 65535), 65535, "the last id of a range");
	is(nsinfo_idmap_inside("0 100000 65536", 100000 + 65536), 65534, "one past it: unmapped");
	is(nsinfo_idmap_inside("0 4294967295 1", 4294967295u), 0, "the top of the id space");
	is(nsinfo_idmap_inside("", 0), 65534, "no map: unmapped");
	is(nsinfo_idmap_inside(NULL, 0), -1, "unknown map: unknown");
	is(nsinfo_idmap_inside("0 0", 0), -1, "a broken map: unknown");
	return tap_done();
}

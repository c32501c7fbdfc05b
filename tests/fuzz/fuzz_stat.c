/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One-line /proc texts: a /proc/PID/stat line (comm in parentheses, set by
 * the process) -> nsinfo__stat_ppid, and an ns/ link text -> the
 * nsinfo__parse_ns_link it is checked with.
 */
#include <limits.h>

#include "fuzz.h"
#include "internal.h"
#include "parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	pid_t ppid = nsinfo__stat_ppid(text);
	uint64_t ino = 0;

	FUZZ_CHECK(ppid >= -1);
	if (nsinfo__parse_ns_link(text, NULL, &ino) == 0)
		FUZZ_CHECK(ino > 0 && strchr(text, '['));
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		ino = 0;
		if (nsinfo__parse_ns_link(text, nsinfo__ns_file[t], &ino) == 0)
			FUZZ_CHECK(ino > 0 && !strncmp(text, nsinfo__ns_file[t], strlen(nsinfo__ns_file[t])));
	}
	free(text);
	return 0;
}

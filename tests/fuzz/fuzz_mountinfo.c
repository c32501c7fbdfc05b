/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/PID/mountinfo text (a container sets its own mount table, mount
 * points with any bytes, octal escapes) -> nsinfo__mountinfo_nsfs, line by
 * line as the bind-mount holder pass reads it.
 */
#include "fuzz.h"
#include "internal.h"
#include "parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);
		char *mp = NULL;
		uint64_t ino = 0;
		int t = nsinfo__mountinfo_nsfs(line, &mp, &ino);

		FUZZ_CHECK(t >= -1 && t < NSINFO_NTYPES);
		if (t >= 0) {
			/* split and unescaped in place: inside the line, shorter */
			FUZZ_CHECK(mp >= line && mp < line + len && strlen(mp) <= len);
			FUZZ_CHECK(ino > 0);
		}
	}
	free(text);
	return 0;
}

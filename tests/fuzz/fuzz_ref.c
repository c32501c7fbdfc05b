/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A namespace reference as a user types it (or a script passes on from a
 * container's output) -> nsinfo__ref_parse, the grammar part of
 * nsinfo_ref_resolve (nothing is opened), and the other words tools parse:
 * pids and type names.
 */
#include <limits.h>

#include "fuzz.h"
#include "internal.h"
#include "parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	uint64_t num = 12345;
	int form = nsinfo__ref_parse(text, &num);
	pid_t pid = 0;
	int t;

	switch (form) {
	case -EINVAL:
		break;
	case NSINFO__REF_PATH:
		FUZZ_CHECK(text[0] == '/' || text[0] == '.');
		break;
	case NSINFO__REF_PID:
		FUZZ_CHECK(num >= 1 && num <= INT_MAX && !strncmp(text, "pid:", 4));
		break;
	case NSINFO__REF_ID:
	case NSINFO__REF_INO:
		FUZZ_CHECK(num >= 1);
		break;
	case NSINFO__REF_NAME:
		FUZZ_CHECK(text[0]);
		break;
	default:
		FUZZ_CHECK(!"a form the grammar does not have");
	}
	if (nsinfo_parse_pid(text, &pid) == 0)
		FUZZ_CHECK(pid >= 1);
	t = nsinfo_type_from_name(text);
	FUZZ_CHECK(t == -EINVAL || (t >= 0 && t < NSINFO_NTYPES));
	if (t >= 0)
		FUZZ_CHECK(nsinfo_type_name(t) != NULL);
	free(text);
	return 0;
}

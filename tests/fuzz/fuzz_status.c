/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/PID/status text (a process sets its Name:) -> nsinfo__parse_status */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct nsinfo__status st = { 0 };
	int r = nsinfo__parse_status(text, &st);

	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(st.nspid_len >= 0 && st.nspid_len <= NSINFO__MAX_LEVELS);
	FUZZ_CHECK(memchr(st.comm, 0, sizeof(st.comm)) != NULL);
	for (int i = 0; i < st.nspid_len; i++)
		FUZZ_CHECK(st.nspid[i] >= 0);
	free(text);
	return 0;
}

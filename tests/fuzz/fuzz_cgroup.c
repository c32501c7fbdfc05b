/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/PID/cgroup text (a process in a cgroup namespace, or one allowed to
 * create cgroups, names its own path) -> nsinfo__cgroup_identify, the
 * container recognition.
 */
#include "fuzz.h"
#include "enrich/holders.h"

static const char *const runtimes[] = { "docker", "containerd", "cri-o", "podman", "nspawn", "lxc" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct nsinfo__cgroup_id id;
	int r, known = 0;

	memset(&id, 0xa5, sizeof(id));
	r = nsinfo__cgroup_identify(text, &id);
	FUZZ_CHECK(r == 0 || r == 1);
	if (r == 1) {
		FUZZ_CHECK(id.runtime != NULL);
		for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
			known |= !strcmp(id.runtime, runtimes[i]);
		FUZZ_CHECK(known);
		FUZZ_CHECK(memchr(id.id, 0, sizeof(id.id)) && id.id[0]);
		FUZZ_CHECK(memchr(id.pod, 0, sizeof(id.pod)));
	}
	free(text);
	return 0;
}

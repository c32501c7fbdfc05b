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
#include "enrich/holders.h"

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
	/* the container grammar (RUNTIME:NAME, pod:, k8s:NS/POD[/C]) over
	 * one container and its pod */
	{
		struct nsinfo_container c[2] = {
			{ .runtime = "containerd", .id = "0e1f2a3b4c5d", .name = "api", .pod = "u1",
			  .pod_name = "web", .pod_namespace = "shop", .k8s_container = "api",
			  .trust = NSINFO_TRUST_ENGINE },
			{ .runtime = "containerd", .id = "u1", .name = "web", .pod = "u1",
			  .pod_name = "web", .pod_namespace = "shop", .trust = NSINFO_TRUST_ENGINE,
			  .kind = NSINFO_CONTAINER_KIND_POD },
		};
		struct nsinfo_snapshot s = { .containers = c, .ncontainers = 2 };
		int32_t cand[2];
		size_t n = 99;
		int r = nsinfo__container_match(&s, text, cand, 2, &n);

		FUZZ_CHECK(r == -EINVAL || r == -ENOENT || r == -ENOTUNIQ || r == 0 || r == 1);
		FUZZ_CHECK(r != -ENOTUNIQ || (n >= 2 && cand[0] >= 0 && cand[0] < 2));
	}
	t = nsinfo_type_from_name(text);
	FUZZ_CHECK(t == -EINVAL || (t >= 0 && t < NSINFO_NTYPES));
	if (t >= 0)
		FUZZ_CHECK(nsinfo_type_name(t) != NULL);
	free(text);
	return 0;
}

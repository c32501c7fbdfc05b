/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bbolt file (podman's bolt_state.db) -> nsinfo__bolt_get, the lookups
 * nsinfo__engine_podman_pod makes and a few more: a value found lies
 * inside the input. Each input runs twice: as it is, and with the meta
 * pages' checksums made right again, so that mutations reach the pages
 * behind them.
 */
#include "fuzz.h"
#include "enrich/engines.h"

#define POD "7139a21c889ea559350ba3cfd8e9ad0c684232e9704b6b496ff21bc6b25b7057"
#define CTR "bac2098f7fc12e824b94b6d08680e4a743f4e9b18a318dfacb3acc3d38ce231d"

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* the checksum of the meta page at off, made right */
static void fix_meta(uint8_t *db, size_t len, size_t off)
{
	uint64_t h;

	if (off > len || len - off < 16 + 64)
		return;
	h = fnv1a64(db + off + 16, 56);
	memcpy(db + off + 16 + 56, &h, 8); /* little-endian hosts */
}

static void lookups(const uint8_t *db, size_t len)
{
	static const char *const paths[][2] = {
		{ "pod", POD }, { "pod", CTR }, { "ctr", CTR }, { "id-registry", NULL },
	};
	static const char *const keys[] = { "config", "config", "config", POD };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const void *v = NULL;
		size_t vlen = 0, np = paths[i][1] ? 2 : 1;
		int r = nsinfo__bolt_get(db, len, paths[i], np, keys[i], &v, &vlen);

		FUZZ_CHECK(r == 0 || r == -ENOENT || r == -ENOTDIR || r == -EISDIR || r == -EINVAL ||
			   r == -ELOOP);
		if (r == 0)
			FUZZ_CHECK((const uint8_t *)v >= db && vlen <= len &&
				   (const uint8_t *)v - db <= (ptrdiff_t)(len - vlen));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	uint32_t ps = 4096;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	lookups(copy, size);
	if (size >= 16 + 12)
		memcpy(&ps, copy + 16 + 8, 4);
	fix_meta(copy, size, 0);
	if (ps >= 512 && ps <= 65536)
		fix_meta(copy, size, ps);
	lookups(copy, size);
	free(copy);
	return 0;
}

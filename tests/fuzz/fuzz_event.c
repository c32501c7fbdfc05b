/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A BPF ring-buffer record -> nsinfo__event_decode. The kernel side writes
 * it, but its fields carry what processes passed to syscalls and what the
 * syscalls returned; the first 8 bytes of the input are the realtime
 * offset, the rest the record.
 */
#include "fuzz.h"
#include "events/events.h"
#include "nsevent.h"
#include "parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the ring buffer hands out 8-byte aligned records */
	static uint64_t rec[(sizeof(struct nsevent) + 64) / 8 + 1];
	struct nsinfo_event e;
	int64_t off = 0;
	size_t len;

	if (size < sizeof(off) || size - sizeof(off) > sizeof(rec))
		return 0;
	memcpy(&off, data, sizeof(off));
	len = size - sizeof(off);
	memset(rec, 0, sizeof(rec));
	memcpy(rec, data + sizeof(off), len);
	memset(&e, 0xa5, sizeof(e));
	if (nsinfo__event_decode(rec, len, off, &e) == 0) {
		FUZZ_CHECK(e.nspid_len >= 0 && e.nspid_len <= NSINFO_EV_MAX_LEVELS);
		FUZZ_CHECK(e.error >= 0 && e.error <= MAX_ERRNO);
		FUZZ_CHECK(e.target_type >= -1 && e.target_type < NSINFO_NTYPES);
		FUZZ_CHECK(memchr(e.comm, 0, sizeof(e.comm)));
		FUZZ_CHECK(!(e.types & ~((1u << NSINFO_NTYPES) - 1)));
	}
	return 0;
}

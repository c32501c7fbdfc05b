/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to the event source (events.c) and its unit tests. */
#ifndef NSINFO_EVENTS_H
#define NSINFO_EVENTS_H

#include "nsinfo.h"

/* Turn one ring-buffer record (struct nsevent) into the public event.
 * realtime_offset is CLOCK_REALTIME - CLOCK_MONOTONIC in ns. 0 or -EINVAL
 * for a short or unknown record; out is written only on success. */
int nsinfo__event_decode(const void *data, size_t len, int64_t realtime_offset,
			 struct nsinfo_event *out);

/* A number no other events handle of this process had (1, 2, ...), 0 for
 * none: tells a refresh whether the handle it is given ran since the
 * previous snapshot. */
uint64_t nsinfo__events_serial(const struct nsinfo_events *ev);

#ifdef HAVE_BPF
struct bpf_program;
struct bpf_link;
/* Ids of the syscall tracepoints the programs' section names give, from
 * tracefs (mounted privately by a child if need be). 0 or -errno. */
int nsinfo__tracepoint_ids(struct bpf_program **progs, size_t n, int *ids);
/* Attach prog to tracepoint id through a perf event; NULL and errno. */
struct bpf_link *nsinfo__attach_tracepoint_id(struct bpf_program *prog, int id);
#endif

#endif

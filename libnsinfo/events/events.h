/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to the event source (events.c) and its unit tests. */
#ifndef NSINFO_EVENTS_H
#define NSINFO_EVENTS_H

#include <stdbool.h>

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

/* The syscall hooks every namespace probe has (bpf/nsprobe.h): enter and
 * exit of clone, clone3, unshare and setns as syscall tracepoints, and raw
 * sys_enter/sys_exit. Exactly one set is loaded and attached. */
#define NSINFO__NTP 8
struct nsinfo__probe {
	struct bpf_program *tp[NSINFO__NTP];
	struct bpf_program *raw[2];
	int ids[NSINFO__NTP];     /* the tracepoints' ids */
	bool raw_syscalls;        /* the raw set was chosen */
};
#define NSINFO__PROBE(skel) { \
	.tp = { (skel)->progs.tp_enter_clone, (skel)->progs.tp_exit_clone, \
		(skel)->progs.tp_enter_clone3, (skel)->progs.tp_exit_clone3, \
		(skel)->progs.tp_enter_unshare, (skel)->progs.tp_exit_unshare, \
		(skel)->progs.tp_enter_setns, (skel)->progs.tp_exit_setns }, \
	.raw = { (skel)->progs.raw_enter, (skel)->progs.raw_exit } }
/* Before the skeleton's load: the raw set when want_raw or when the
 * tracepoint ids cannot be read, the other one not loaded. */
void nsinfo__probe_choose(struct nsinfo__probe *p, bool want_raw);
/* After the load: attach the chosen set, appending to links[*n] (room for
 * NSINFO__NTP more). 0 or -errno. */
int nsinfo__probe_attach(const struct nsinfo__probe *p, struct bpf_link **links, size_t *n);
/* Append link (NULL: the attach failed, errno says why) to links[*n] */
int nsinfo__probe_link(struct bpf_link *link, struct bpf_link **links, size_t *n);
#endif

#endif

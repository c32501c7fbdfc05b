/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Namespace operation counters: loads bpf/nscount.bpf.c, which counts
 * clone, clone3, unshare, setns and forks into another pid/time namespace
 * in a per-CPU array (no ring buffer: nothing can be lost), and sums the
 * CPUs on each read. Attached like the event source: syscall tracepoints,
 * raw sys_enter/sys_exit where their ids cannot be read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "events/events.h"
#include "nscount.h"

#ifndef HAVE_BPF

NSINFO_EXPORT int nsinfo_counters_new(const struct nsinfo_counters_opts *opts,
				      struct nsinfo_counters **out)
{
	(void)opts;
	(void)out;
	return -ENOTSUP;
}
NSINFO_EXPORT struct nsinfo_counters *nsinfo_counters_ref(struct nsinfo_counters *c) { return c; }
NSINFO_EXPORT void nsinfo_counters_unref(struct nsinfo_counters *c) { (void)c; }
NSINFO_EXPORT int nsinfo_counters_read(struct nsinfo_counters *c, struct nsinfo_counter **out,
				       size_t *n)
{
	(void)c;
	(void)out;
	(void)n;
	return -ENOTSUP;
}
NSINFO_EXPORT const char *nsinfo_counters_attach_mode(const struct nsinfo_counters *c)
{
	(void)c;
	return NULL;
}

#else /* HAVE_BPF */

#include <bpf/libbpf.h>
#include "nscount_bpf.skel.h"

struct nsinfo_counters {
	int refcnt;
	struct nscount_bpf *skel;
	struct bpf_link *links[NSINFO__NTP + 1];
	size_t nlinks;
	bool raw_syscalls;
	int ncpus;
};

static int load(struct nsinfo_counters *c, unsigned flags)
{
	struct nsinfo__probe p;
	int err;

	c->skel = nscount_bpf__open();
	if (!c->skel)
		return -errno;
	p = (struct nsinfo__probe)NSINFO__PROBE(c->skel);
	nsinfo__probe_choose(&p, flags & NSINFO_COUNTERS_RAW_SYSCALLS);
	c->raw_syscalls = p.raw_syscalls;
	if ((err = nscount_bpf__load(c->skel)) < 0)
		return err;
	if ((err = nsinfo__probe_link(bpf_program__attach(c->skel->progs.newtask), c->links,
				      &c->nlinks)) < 0)
		return err;
	return nsinfo__probe_attach(&p, c->links, &c->nlinks);
}

NSINFO_EXPORT int nsinfo_counters_new(const struct nsinfo_counters_opts *opts,
				      struct nsinfo_counters **out)
{
	struct nsinfo_counters *c;
	libbpf_print_fn_t old;
	int err;

	if (!out || (opts && opts->size && opts->size < sizeof(size_t) + sizeof(unsigned)))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refcnt = 1;
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0) {
		err = c->ncpus ? c->ncpus : -EINVAL;
		free(c);
		return err;
	}
	/* the library never prints: libbpf's own messages are dropped */
	old = libbpf_set_print(NULL);
	err = load(c, opts ? opts->flags : 0);
	libbpf_set_print(old);
	if (err < 0) {
		nsinfo_counters_unref(c);
		return err;
	}
	*out = c;
	return 0;
}

NSINFO_EXPORT struct nsinfo_counters *nsinfo_counters_ref(struct nsinfo_counters *c)
{
	if (c)
		c->refcnt++;
	return c;
}

NSINFO_EXPORT void nsinfo_counters_unref(struct nsinfo_counters *c)
{
	if (!c || --c->refcnt > 0)
		return;
	for (size_t i = 0; i < c->nlinks; i++)
		bpf_link__destroy(c->links[i]);
	nscount_bpf__destroy(c->skel);
	free(c);
}

/* One batch lookup would be faster; a per-slot lookup of a few thousand
 * slots costs well under a millisecond and works on every kernel. */
NSINFO_EXPORT int nsinfo_counters_read(struct nsinfo_counters *c, struct nsinfo_counter **out,
				       size_t *n)
{
	struct nsinfo_counter *list = NULL;
	size_t cnt = 0, cap = 0;
	uint64_t *v;
	int err = 0;

	if (!c || !out || !n)
		return -EINVAL;
	v = calloc((size_t)c->ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t key = 0; key < NSCOUNT_NSLOTS; key++) {
		uint64_t sum = 0;

		err = bpf_map__lookup_elem(c->skel->maps.counts, &key, sizeof(key), v,
					   (size_t)c->ncpus * sizeof(*v), 0);
		if (err)
			break;
		for (int i = 0; i < c->ncpus; i++)
			sum += v[i];
		if (!sum)
			continue;
		if (cnt == cap) {
			struct nsinfo_counter *nl;

			cap = cap ? 2 * cap : 32;
			nl = realloc(list, cap * sizeof(*nl));
			if (!nl) {
				err = -ENOMEM;
				break;
			}
			list = nl;
		}
		list[cnt++] = (struct nsinfo_counter){
			.kind = (int)(key / (NSCOUNT_NTYPES * NSCOUNT_NRES)),
			.type = (int)(key / NSCOUNT_NRES % NSCOUNT_NTYPES),
			.error = (int)(key % NSCOUNT_NRES),
			.count = sum,
		};
		if (list[cnt - 1].type == NSCOUNT_TYPE_UNKNOWN)
			list[cnt - 1].type = -1;
	}
	free(v);
	if (err) {
		free(list);
		return err;
	}
	*out = list;
	*n = cnt;
	return 0;
}

NSINFO_EXPORT const char *nsinfo_counters_attach_mode(const struct nsinfo_counters *c)
{
	if (!c)
		return NULL;
	return c->raw_syscalls ? "raw_tracepoint" : "tracepoint";
}

#endif /* HAVE_BPF */

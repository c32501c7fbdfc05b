/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The build order of a snapshot: one source fills the store, the holders
 * pass adds fd and mount holders, the graph links it, then hostnames and
 * containers enrich it. A loaded snapshot (source/json.c) runs the graph
 * only: its enrichment was saved with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "enrich/holders.h"

/* The task iterator where it can stand in for /proc, else the /proc walk
 * (s->src.why says why). */
static int scan_source(struct nsinfo_snapshot *s)
{
	bool foreign;
	int r = nsinfo__check_proc_root(s->proc_root, &foreign);

	if (r < 0)
		return r;
	if (foreign) {
		/* the iterator would list the caller's pid namespace instead */
		s->src.name = "proc";
		snprintf(s->src.why, sizeof(s->src.why),
			 "%s shows another pid namespace than the caller's", s->proc_root);
		return nsinfo__scan_proc(s);
	}
	if (nsinfo__scan_bpf(s) == 0) {
		s->src.name = "bpf";
		s->src.why[0] = 0;
		return 0;
	}
	s->src.name = "proc";
	return nsinfo__scan_proc(s);
}

/* req: what an earlier snapshot may lend (refresh.c), or NULL */
int nsinfo__snapshot_new(const struct nsinfo_scan_opts *opts, const struct nsinfo__reuse_req *req,
			 struct nsinfo_snapshot **out)
{
	struct nsinfo_snapshot *s;
	int r;

	if (!out)
		return -EINVAL;
	if (opts && opts->size && opts->size < offsetof(struct nsinfo_scan_opts, flags) +
						sizeof(opts->flags))
		return -EINVAL;
	r = nsinfo__snapshot_alloc(opts && opts->proc_root ? opts->proc_root : "/proc",
				   opts ? opts->flags : 0, &s);
	if (r < 0)
		return r;
	/* reuse only ever lends to the /proc walk; the iterator reads all */
	r = nsinfo__reuse_begin(s, req);
	if (r == 0)
		r = scan_source(s);
	nsinfo__reuse_end(s);
	if (r == 0)
		r = nsinfo__holders_scan(s);     /* holders.c: before the graph groups them */
	if (r == 0)
		r = nsinfo__finalize(s);         /* graph.c */
	if (r == 0)
		r = nsinfo__hostnames_scan(s);   /* hostname.c */
	if (r == 0)
		r = nsinfo__containers_scan(s);  /* container.c: needs member lists, hostnames */
	if (r < 0) {
		nsinfo_snapshot_unref(s);
		return r;
	}
	*out = s;
	return 0;
}

NSINFO_EXPORT int nsinfo_snapshot_new(const struct nsinfo_scan_opts *opts,
				      struct nsinfo_snapshot **out)
{
	return nsinfo__snapshot_new(opts, NULL, out);
}

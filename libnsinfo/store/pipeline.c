/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The build order of a snapshot: a source fills the store (source/), the
 * holders pass adds fd and mount holders, the graph links it, then the
 * hostname and container passes enrich it. A complete source (a saved
 * file) brings its enrichment and graph with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "enrich/holders.h"
#include "events/events.h"
#include "source/source.h"

/* The enrichment passes and the graph, in their order */
static int run_passes(struct nsinfo_snapshot *s)
{
	int r = nsinfo__holders_scan(s);         /* enrich/holders.c: before the graph groups them */

	if (r == 0)
		r = nsinfo__finalize(s);         /* store/graph.c */
	if (r == 0)
		r = nsinfo__ns_extras_scan(s);   /* enrich/lsns.c: maps, setgroups, time offsets */
	if (r == 0)
		r = nsinfo__hostnames_scan(s);   /* enrich/hostname.c */
	if (r == 0)
		r = nsinfo__containers_scan(s);  /* enrich/container.c: needs member lists, hostnames */
	return r;
}

int nsinfo__build(struct nsinfo_snapshot *s, const struct nsinfo__source *src,
		  const struct nsinfo__source_in *in)
{
	int r = src->fill(s, in);

	if (r == 0 && !src->complete)
		r = run_passes(s);
	return r;
}

/* Use src: its name and no reason against it */
static int fill_with(struct nsinfo_snapshot *s, const struct nsinfo__source *src,
		     const struct nsinfo__source_in *in)
{
	s->src.name = src->name;
	return src->fill(s, in);
}

/* The task iterator where it can stand in for /proc, else the /proc walk
 * (s->src.why says why). */
static int pick_and_fill(struct nsinfo_snapshot *s, const struct nsinfo__source_in *in)
{
	bool foreign;
	int r = nsinfo__check_proc_root(s->proc_root, &foreign);

	if (r < 0)
		return r;
	if (foreign) {
		/* the iterator would list the caller's pid namespace instead */
		snprintf(s->src.why, sizeof(s->src.why),
			 "%s shows another pid namespace than the caller's", s->proc_root);
		return fill_with(s, &nsinfo__source_proc, in);
	}
	if (nsinfo__source_bpf.fill(s, in) == 0) {
		s->src.name = nsinfo__source_bpf.name;
		s->src.why[0] = 0;
		return 0;
	}
	return fill_with(s, &nsinfo__source_proc, in);
}

/* This host, lending from the previous snapshot of a refresh: reuse only
 * ever lends to the /proc walk; the iterator reads all */
static int live_fill(struct nsinfo_snapshot *s, const struct nsinfo__source_in *in)
{
	int r = nsinfo__reuse_begin(s, in->reuse);

	if (r == 0)
		r = pick_and_fill(s, in);
	nsinfo__reuse_end(s);
	return r;
}

const struct nsinfo__source nsinfo__source_live = { .name = "live", .fill = live_fill };

/*
 * What NSINFO_REFRESH_TRUST_LINKS relies on: no namespace call went unseen
 * since prev was taken. With the caller's events handle the library checks
 * it: prev was taken while that same handle ran, and the handle has lost
 * no event since. The new snapshot records the handle and its lost count
 * for the next refresh. Without a handle the caller vouches.
 */
static void check_events(struct nsinfo_snapshot *s, struct nsinfo__reuse_req *req)
{
	uint64_t serial, lost;

	if (!req->events)
		return;
	serial = nsinfo__events_serial(req->events);
	if (!serial || nsinfo_events_lost(req->events, &lost) < 0) {
		req->trust_links = false;
		return;
	}
	s->events_seen.serial = serial;
	s->events_seen.lost = lost;
	if (!req->prev || req->prev->events_seen.serial != serial ||
	    req->prev->events_seen.lost != lost)
		req->trust_links = false;
}

int nsinfo__snapshot_new(const struct nsinfo_scan_opts *opts, const struct nsinfo__reuse_req *req,
			 struct nsinfo_snapshot **out)
{
	struct nsinfo__reuse_req checked;
	struct nsinfo__source_in in = { 0 };
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
	if (req) {
		checked = *req;
		check_events(s, &checked);
		in.reuse = &checked;
	}
	r = nsinfo__build(s, &nsinfo__source_live, &in);
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

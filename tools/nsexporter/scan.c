/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot behind the metrics: scanned once, then renewed in the
 * background by incremental refreshes (the status of every process still
 * there is reused) at most every min_interval seconds, and only while
 * someone scrapes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <time.h>

#include "nsexporter.h"

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A scan from prev (a refresh) or from nothing; no lock held. */
static int scan(struct exporter *ex, struct nsinfo_snapshot *prev, struct nsinfo_snapshot **out)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .proc_root = ex->proc_root,
				      .flags = ex->scan_flags | NSINFO_SCAN_REUSABLE };

	return prev ? nsinfo_snapshot_refresh(prev, NULL, out) : nsinfo_snapshot_new(&o, out);
}

/*
 * The outcome becomes current (lock held). A failed scan drops the old
 * snapshot: stale figures would pass for current ones.
 */
static void publish(struct exporter *ex, int r, struct nsinfo_snapshot *next, double t0)
{
	ex->last_mono = now(CLOCK_MONOTONIC);
	ex->scan_seconds = ex->last_mono - t0;
	ex->have_scan = true;
	ex->scans++;
	nsinfo_snapshot_unref(ex->snap);
	ex->snap = NULL;
	if (r < 0) {
		/* one line when scans start failing (or fail otherwise), not
		 * one per scrape; the metrics say it meanwhile */
		if (ex->serving && (ex->last_ok || !ex->scan_failures || ex->last_err != r))
			nst_warn("scan failed: cannot read %s: %s",
				 ex->proc_root ? ex->proc_root : "/proc", strerror(-r));
		ex->last_ok = false;
		ex->last_err = r;
		ex->scan_failures++;
		return;
	}
	if (ex->serving && !ex->last_ok && ex->scan_failures)
		nst_warn("scanning again");
	ex->snap = next;
	ex->last_ok = true;
	ex->last_err = 0;
	ex->last_wall = now(CLOCK_REALTIME);
}

static void *scan_thread(void *arg)
{
	struct exporter *ex = arg;
	struct nsinfo_snapshot *prev, *next = NULL;
	double t0 = now(CLOCK_MONOTONIC);
	int r;

	pthread_mutex_lock(&ex->lock);
	prev = nsinfo_snapshot_ref(ex->snap);
	pthread_mutex_unlock(&ex->lock);
	/* prev is only read meanwhile, here and by scrapes */
	r = scan(ex, prev, &next);
	pthread_mutex_lock(&ex->lock);
	nsinfo_snapshot_unref(prev);
	publish(ex, r, next, t0);
	ex->scanning = false;
	pthread_mutex_unlock(&ex->lock);
	/* the snapshot before the last is freed now: its pages go back to the
	 * kernel, or the heap keeps the largest snapshot's worth of holes for
	 * good (resident memory flat over any number of scrapes) */
	malloc_trim(0);
	return NULL;
}

void exporter_update(struct exporter *ex)
{
	double t0 = now(CLOCK_MONOTONIC);

	if (ex->scanning || (ex->have_scan && t0 - ex->last_mono < ex->min_interval))
		return;
	if (!ex->snap) {
		/* nothing to answer with yet (first scan, or the last failed) */
		struct nsinfo_snapshot *next = NULL;
		int r = scan(ex, NULL, &next);

		publish(ex, r, next, t0);
		return;
	}
	if (ex->joinable)
		pthread_join(ex->thread, NULL);
	ex->joinable = false;
	if (pthread_create(&ex->thread, NULL, scan_thread, ex) == 0) {
		ex->joinable = true;
		ex->scanning = true;
	}
}

void exporter_stop(struct exporter *ex)
{
	pthread_mutex_lock(&ex->lock);
	bool joinable = ex->joinable;
	ex->joinable = false;
	pthread_mutex_unlock(&ex->lock);
	if (joinable)
		pthread_join(ex->thread, NULL);
}

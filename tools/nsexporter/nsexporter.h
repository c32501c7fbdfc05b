/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSEXPORTER_H
#define NSEXPORTER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <nsinfo.h>

#include "cli.h"
#include "exitcodes.h"

/* Exit status (nsexporter(8)), the tools' scheme (exitcodes.h) */
enum {
	EX_OK = NST_EXIT_OK,
	EX_SCAN = NST_EXIT_NO,          /* --once/--textfile: the scan failed (the exposition says so) */
	EX_USAGE = NST_EXIT_USAGE,
	EX_FAIL = NST_EXIT_TROUBLE,     /* out of memory, a write error */
	EX_LISTEN = NST_EXIT_TROUBLE,   /* the address cannot be listened on (in use, refused) */
	EX_TEXTFILE = NST_EXIT_TROUBLE, /* the textfile directory cannot be written */
};

#define NSEXPORTER_DEFAULT_PORT 9953

/* The state a scrape reads: one snapshot, renewed at most every
 * min_interval seconds, under one lock. */
struct exporter {
	pthread_mutex_t lock;
	/* options */
	double min_interval;
	bool per_container;
	bool no_bpf;
	const char *proc_root;
	unsigned scan_flags;
	bool serving;                   /* say on stderr when scans start failing */
	/* the last scan */
	struct nsinfo_snapshot *snap;   /* NULL while no scan has succeeded */
	bool have_scan;
	bool last_ok;
	int last_err;                   /* -errno of the last failed scan */
	double last_mono;               /* CLOCK_MONOTONIC of the last attempt */
	double last_wall;               /* CLOCK_REALTIME of the last success */
	double scan_seconds;            /* duration of the last attempt */
	bool scanning;                  /* a background scan runs */
	bool joinable;                  /* thread below was started */
	pthread_t thread;
	unsigned long long scans, scan_failures, scrapes;
	/* the BPF counters */
	struct nsinfo_counters *counters;
	char bpf_why[160];
};

/*
 * Make sure a scan exists and is being kept fresh; call with lock held.
 * The first scan runs in the caller (and a failed one is retried by the
 * next call); once one exists, a snapshot older than min_interval is
 * renewed by a background thread while scrapes are answered from the
 * current one, so a scrape never waits for a scan (Prometheus's timeout
 * is often shorter than a scan of a busy host) and a burst of scrapes
 * starts one scan.
 */
void exporter_update(struct exporter *ex);
/* Wait for a background scan to end. */
void exporter_stop(struct exporter *ex);
/* The exposition (OpenMetrics with om) in a malloc'd buffer; *len its
 * length. Takes the lock. NULL on ENOMEM. */
char *exporter_render(struct exporter *ex, bool om, size_t *len);

/* Label value escaping of the exposition formats, made valid UTF-8. */
void prom_escape(FILE *f, const char *s);

#endif

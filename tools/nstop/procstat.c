/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU and memory per process through libproc2, the way top gets them: one
 * reap of /proc/PID/stat per refresh, ticks deltas kept by libproc2 itself.
 * Only stat is read (no status, no statm), which is all %CPU and RSS need.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libproc2/misc.h>
#include <libproc2/pids.h>

#include "nstop.h"

enum { I_PID, I_TICS, I_DELTA, I_BEGAN, I_RSS, I_CMD };
static enum pids_item items[] = {
	PIDS_ID_PID, PIDS_TICS_ALL, PIDS_TICS_ALL_DELTA, PIDS_TICS_BEGAN, PIDS_RSS, PIDS_CMD,
};

struct procstat {
	struct pids_info *info;
	struct timespec last;
	bool sampled;
	long hertz, page_kb;
};

struct procstat *procstat_new(void)
{
	struct procstat *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	if (procps_pids_new(&ps->info, items, sizeof(items) / sizeof(items[0])) < 0) {
		free(ps);
		errno = ENOMEM;
		return NULL;
	}
	ps->hertz = procps_hertz_get();
	if (ps->hertz <= 0)
		ps->hertz = 100;
	ps->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	return ps;
}

void procstat_free(struct procstat *ps)
{
	if (!ps)
		return;
	procps_pids_unref(&ps->info);
	free(ps);
}

static double elapsed_since(struct timespec *last)
{
	struct timespec now;
	double d;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d = (double)(now.tv_sec - last->tv_sec) + (double)(now.tv_nsec - last->tv_nsec) / 1e9;
	*last = now;
	return d;
}

int procstat_sample(struct procstat *ps, const struct nsinfo_proc *procs, size_t n,
		    struct pstat *out)
{
	struct pids_fetch *f = procps_pids_reap(ps->info, PIDS_FETCH_TASKS_ONLY);
	double secs = elapsed_since(&ps->last), uptime = 0;
	bool first = !ps->sampled;
	size_t i = 0;

	memset(out, 0, n * sizeof(*out));
	if (!f)
		return -errno ? -errno : -ENOMEM;
	ps->sampled = true;
	if (first)
		procps_uptime(&uptime, NULL);
	/* both lists are in ascending pid order: merge them */
	for (int s = 0; s < f->counts->total; s++) {
		struct pids_stack *st = f->stacks[s];
		pid_t pid = PIDS_VAL(I_PID, s_int, st, ps->info);
		double tics;

		while (i < n && (procs[i].pid < pid || (procs[i].flags & NSINFO_PROC_THREAD)))
			i++;
		if (i >= n)
			break;
		if (procs[i].pid != pid)
			continue;
		if (first) {
			double age = uptime - (double)PIDS_VAL(I_BEGAN, ull_int, st, ps->info) /
					      (double)ps->hertz;

			tics = (double)PIDS_VAL(I_TICS, ull_int, st, ps->info);
			out[i].cpu = age > 0 ? (float)(tics * 100.0 / ((double)ps->hertz * age)) : 0;
		} else {
			tics = PIDS_VAL(I_DELTA, u_int, st, ps->info);
			out[i].cpu = secs > 0 ? (float)(tics * 100.0 / ((double)ps->hertz * secs)) : 0;
		}
		snprintf(out[i].comm, sizeof(out[i].comm), "%s",
			 PIDS_VAL(I_CMD, str, st, ps->info));
		out[i].rss = (uint32_t)(PIDS_VAL(I_RSS, ul_int, st, ps->info) * (unsigned long)ps->page_kb);
	}
	return 0;
}

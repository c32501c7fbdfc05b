/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * %CPU and RSS per process from what the library's scan read with
 * NSINFO_SCAN_USAGE: nstop does not walk /proc itself, and both figures
 * come from the moment the namespaces do. %CPU is the CPU time a process
 * used between the previous snapshot and this one over the time between
 * them; on the first frame, and for a process new since, it is the
 * lifetime average, as ps and top's first frame give.
 */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nstop.h"

/* Seconds since boot, the clock stat's start times count from (both as
 * the caller's time namespace sees them) */
static double boot_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static float percent(uint64_t ns, double secs)
{
	return secs > 0 ? (float)((double)ns / 1e9 * 100.0 / secs) : 0;
}

/* Row j of prev if it is process p (same pid and start), else -1; *j
 * walks prev once over a whole merge (both tables are in pid order). */
static long same_proc(const struct nsinfo_proc *old, size_t nold, size_t *j,
		      const struct nsinfo_proc *p)
{
	while (*j < nold && old[*j].pid < p->pid)
		(*j)++;
	if (*j < nold && old[*j].pid == p->pid && old[*j].start_time == p->start_time &&
	    !(old[*j].flags & NSINFO_PROC_THREAD))
		return (long)*j;
	return -1;
}

void procstat_sample(const struct nsinfo_snapshot *cur, const struct nsinfo_snapshot *prev,
		     double secs, struct pstat *out)
{
	size_t n, nold = 0, j = 0;
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(cur, &n);
	const struct nsinfo_proc *old = prev ? nsinfo_snapshot_procs(prev, &nold) : NULL;
	double now = boot_seconds(), tick = 1.0 / (double)sysconf(_SC_CLK_TCK);

	memset(out, 0, n * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		const struct nsinfo_proc *p = &procs[i];
		uint64_t cpu, rss, was;
		long k;

		if ((p->flags & NSINFO_PROC_THREAD) || nsinfo_snapshot_proc_usage(cur, i, &cpu, &rss) < 0)
			continue;
		out[i].rss = (uint32_t)(rss / 1024);
		k = old ? same_proc(old, nold, &j, p) : -1;
		if (k >= 0 && secs > 0 && nsinfo_snapshot_proc_usage(prev, (size_t)k, &was, NULL) == 0)
			out[i].cpu = cpu > was ? percent(cpu - was, secs) : 0;
		else
			out[i].cpu = percent(cpu, now - (double)p->start_time * tick);
	}
}

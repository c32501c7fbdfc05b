/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nstop model: one libnsinfo snapshot per refresh (the previous one is
 * kept for churn and %CPU), CPU and memory per process read by that same
 * scan (NSINFO_SCAN_USAGE), sums per namespace, and
 * the ordered row list for the chosen grouping, filters and sort column.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nstop.h"

const struct top_col top_cols[NCOLS] = {
	[COL_TYPE]      = { "TYPE", -6, false },
	[COL_NS]        = { "NS", 10, true },
	[COL_NSID]      = { "NSID", 6, true },
	[COL_CONTAINER] = { "CONTAINER", -16, false },
	[COL_NPROCS]    = { "NPROCS", 6, true },
	[COL_CPU]       = { "%CPU", 6, true },
	[COL_RSS]       = { "RSS", 7, true },
	[COL_CHURN]     = { "CHURN", 9, true },
	[COL_COMMAND]   = { "COMMAND", -15, false },
	[COL_RUNTIME]   = { "RUNTIME", -10, false },
	[COL_CID]       = { "CID", -64, false },
	[COL_IMAGE]     = { "IMAGE", -24, false },
	[COL_POD]       = { "POD", -16, false },
	[COL_K8SNS]     = { "K8SNS", -12, false },
};

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->opts.size = sizeof(m->opts);
	/* threads in other namespaces than their leader are rare and top
	 * counts processes: skipping /proc/PID/task halves the walk */
	m->opts.flags = NSINFO_SCAN_NO_THREADS |
			/* refreshes reuse what status said; nothing shown needs
			 * the *_for_children links */
			NSINFO_SCAN_REUSABLE | NSINFO_SCAN_NO_CHILDREN_LINKS |
			/* %CPU and RSS, read in the same walk */
			NSINFO_SCAN_USAGE;
	m->want_labels = true;
	m->type_filter = -1;
	m->group = GROUP_TREE;
	m->sort_col = COL_CPU;
	m->sort_desc = true;
}

void model_fini(struct model *m)
{
	nsinfo_snapshot_unref(m->snap);
	nsinfo_snapshot_unref(m->prev);
	free(m->pst);
	free(m->nst);
	free(m->prev_map);
	free(m->rows);
	labels_free(&m->labels);
	memset(m, 0, sizeof(*m));
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *n;

	if (need <= *cap)
		return 0;
	n = realloc(*p, need * elem);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = need;
	return 0;
}

struct ns_key model_key(const struct model *m, int ns)
{
	const struct nsinfo_ns *n = nsinfo_snapshot_namespaces(m->snap, NULL) + ns;

	return (struct ns_key){ .type = n->type, .ino = n->ino, .nsid = n->nsid };
}

static int find_key(const struct nsinfo_snapshot *s, const struct ns_key *k)
{
	int i = nsinfo_snapshot_find_ns(s, k->type, k->ino);

	if (i < 0)
		return -1;
	/* inode numbers are reused within milliseconds; the id is not */
	if (k->nsid && nsinfo_snapshot_namespaces(s, NULL)[i].nsid != k->nsid)
		return -1;
	return i;
}

int model_find(const struct model *m, const struct ns_key *k)
{
	return m->snap ? find_key(m->snap, k) : -1;
}

/* Members born since the previous snapshot, and those gone, per namespace.
 * Both process tables are in pid order: one merge pass. */
static void count_churn(struct model *m)
{
	size_t np, pnp, nns, pnns, i = 0, j = 0;
	const struct nsinfo_proc *cur = nsinfo_snapshot_procs(m->snap, &np);
	const struct nsinfo_proc *old = nsinfo_snapshot_procs(m->prev, &pnp);
	const struct nsinfo_ns *pns = nsinfo_snapshot_namespaces(m->prev, &pnns);

	nsinfo_snapshot_namespaces(m->snap, &nns);
	m->born = m->died = 0;
	if (!m->prev)
		return;
	free(m->prev_map);
	m->prev_map = malloc((pnns ? pnns : 1) * sizeof(*m->prev_map));
	if (!m->prev_map)
		return;
	for (size_t k = 0; k < pnns; k++) {
		struct ns_key key = { pns[k].type, pns[k].ino, pns[k].nsid };

		m->prev_map[k] = find_key(m->snap, &key);
	}
	while (i < np || j < pnp) {
		bool born = j >= pnp || (i < np && cur[i].pid < old[j].pid);
		bool died = !born && (i >= np || old[j].pid < cur[i].pid);

		if (!born && !died) {
			i++, j++;
			continue;
		}
		const struct nsinfo_proc *p = born ? &cur[i++] : &old[j++];

		if (p->flags & NSINFO_PROC_THREAD)
			continue;
		born ? m->born++ : m->died++;
		for (int t = 0; t < NSINFO_NTYPES; t++) {
			int32_t n = born ? p->ns[t] : (p->ns[t] >= 0 ? m->prev_map[p->ns[t]] : -1);

			if (n < 0)
				continue;
			if (born)
				m->nst[n].born++;
			else
				m->nst[n].died++;
		}
	}
}

static void sum_members(struct model *m)
{
	size_t np, nns;
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(m->snap, &np);

	nsinfo_snapshot_namespaces(m->snap, &nns);
	memset(m->nst, 0, nns * sizeof(*m->nst));
	m->nprocs = 0;
	for (size_t i = 0; i < np; i++) {
		if (procs[i].flags & NSINFO_PROC_THREAD)
			continue;
		m->nprocs++;
		for (int t = 0; t < NSINFO_NTYPES; t++) {
			int32_t n = procs[i].ns[t];

			if (n < 0)
				continue;
			m->nst[n].cpu += m->pst[i].cpu;
			m->nst[n].rss += m->pst[i].rss;
		}
	}
}

/* Containers and hostnames are looked for this often, in seconds */
#define LABELS_EVERY 10.0

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int take_snapshot(struct model *m, struct nsinfo_snapshot **out)
{
	double now = monotonic();
	/* grouping by container needs them in every snapshot (the library's
	 * forest nests by them; a refresh carries them forward cheaply), and
	 * so does -C of a --pid=host container (its processes are known by
	 * their container only) */
	bool label = m->group == GROUP_CONTAINER || (m->ct && m->ct->ncgroup_of) ||
		     (m->want_labels && (!m->snap || now - m->labels_at >= LABELS_EVERY));
	struct nsinfo_refresh_opts o = {
		.size = sizeof(o), .flags = NSINFO_REFRESH_SCAN_FLAGS,
		.scan_flags = m->opts.flags |
			      (label ? NSINFO_SCAN_CONTAINERS | NSINFO_SCAN_HOSTNAMES : 0),
		/* the library trusts the links only if this feed lost nothing */
		.events = m->events,
	};
	struct nsinfo_scan_opts first = m->opts;
	int r;

	if (m->trust_links) {
		o.flags |= NSINFO_REFRESH_TRUST_LINKS;
		o.changed = m->changed;
		o.nchanged = m->nchanged;
	}
	first.flags = o.scan_flags;
	r = m->snap ? nsinfo_snapshot_refresh(m->snap, &o, out) : nsinfo_snapshot_new(&first, out);
	if (r == 0 && label && labels_update(&m->labels, *out) == 0)
		m->labels_at = now;
	return r;
}

/* The header's uptime (/proc/uptime's clock) and load averages */
static void host_figures(struct model *m)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	m->uptime = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (getloadavg(m->load, 3) < 3)
		memset(m->load, 0, sizeof(m->load));
}

int model_refresh(struct model *m)
{
	struct nsinfo_snapshot *s;
	size_t np, nns;
	double now;
	int r;

	r = take_snapshot(m, &s);
	m->trust_links = false;
	if (r < 0)
		return r;
	now = monotonic();
	nsinfo_snapshot_procs(s, &np);
	nsinfo_snapshot_namespaces(s, &nns);
	if (grow((void **)&m->pst, &m->pcap, np + 1, sizeof(*m->pst)) ||
	    grow((void **)&m->nst, &m->nscap, nns + 1, sizeof(*m->nst))) {
		nsinfo_snapshot_unref(s);
		return -ENOMEM;
	}
	nsinfo_snapshot_unref(m->prev);
	m->prev = m->snap;
	m->snap = s;
	procstat_sample(s, m->prev, m->prev ? now - m->snap_at : 0, m->pst);
	m->snap_at = now;
	sum_members(m);
	count_churn(m);
	host_figures(m);
	return model_build_rows(m);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text of the namespace columns and of the header lines. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "nstop.h"
#include "ctcols.h"

void fmt_kib(uint64_t kib, char *buf, size_t len)
{
	static const char units[] = "MGT";
	double v = (double)kib;
	int u = -1;

	if (kib < 10000) {
		snprintf(buf, len, "%" PRIu64 "K", kib);
		return;
	}
	while (v >= 1024 && u < 2) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 100 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

const char *model_proc_comm(const struct model *m, const struct nsinfo_proc *p)
{
	(void)m;
	return p->comm;
}

void model_cell(struct model *m, const struct row *r, int col, char *buf, size_t len)
{
	const struct nsinfo_ns *n = nsinfo_snapshot_namespaces(m->snap, NULL) + r->ns;
	const struct ns_stat *st = &m->nst[r->ns];
	const struct nsinfo_proc *p;

	switch (col) {
	case COL_TYPE:
		snprintf(buf, len, "%s", nsinfo_type_name(n->type));
		break;
	case COL_NS:
		snprintf(buf, len, "%" PRIu64, n->ino);
		break;
	case COL_NSID:
		if (n->nsid)
			snprintf(buf, len, "%" PRIu64, n->nsid);
		else
			snprintf(buf, len, "-");
		break;
	case COL_CONTAINER:
	case COL_RUNTIME:
	case COL_CID:
	case COL_IMAGE:
	case COL_POD:
	case COL_K8SNS:
		snprintf(buf, len, "%s",
			 labels_find(&m->labels, n, col == COL_CONTAINER ? 0 : col - COL_RUNTIME + 1)
				 ?: "-");
		break;
	case COL_NPROCS:
		snprintf(buf, len, "%" PRIu32, n->nprocs);
		break;
	case COL_CPU:
		snprintf(buf, len, "%.1f", st->cpu);
		break;
	case COL_RSS:
		fmt_kib(st->rss, buf, len);
		break;
	case COL_CHURN:
		if (st->born || st->died)
			snprintf(buf, len, "+%" PRIu32 "/-%" PRIu32, st->born, st->died);
		else
			snprintf(buf, len, "0");
		break;
	case COL_COMMAND:
		p = nsinfo_ns_lowest_proc(m->snap, n);
		snprintf(buf, len, "%s", !p ? "-" : model_proc_comm(m, p));
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void model_tree_prefix(const struct row *r, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int d = 0; d < r->depth && o + 4 < len; d++) {
		bool more = r->branches & (1ull << (d + 1));

		if (d + 1 == r->depth)
			o += (size_t)snprintf(buf + o, len - o, "%s", r->last ? "`- " : "|- ");
		else
			o += (size_t)snprintf(buf + o, len - o, "%s", more ? "|  " : "   ");
	}
}

static int uptime_line(struct model *m, char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	long up = (long)m->uptime, days = up / 86400;
	char day[32] = "";

	localtime_r(&now, &tm);
	if (days)
		snprintf(day, sizeof(day), "%ld day%s, ", days, days == 1 ? "" : "s");
	return snprintf(buf, len, "nstop - %02d:%02d:%02d up %s%2ld:%02ld, load average: %.2f, %.2f, %.2f",
			tm.tm_hour, tm.tm_min, tm.tm_sec, day, up % 86400 / 3600, up % 3600 / 60,
			m->load[0], m->load[1], m->load[2]);
}

static void types_line(struct model *m, char *buf, size_t len)
{
	size_t nns, o;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(m->snap, &nns);
	unsigned cnt[NSINFO_NTYPES] = { 0 };

	for (size_t i = 0; i < nns; i++)
		cnt[ns[i].type]++;
	o = (size_t)snprintf(buf, len, "Namespaces: %zu total", nns);
	for (int t = 0; t < NSINFO_NTYPES && o < len; t++)
		o += (size_t)snprintf(buf + o, len - o, ", %s %u", nsinfo_type_name(t), cnt[t]);
}

static void procs_line(struct model *m, char *buf, size_t len)
{
	struct nsinfo_coverage cov;
	size_t nc = m->labels.ncontainers, o;

	nsinfo_snapshot_coverage(m->snap, &cov);
	o = (size_t)snprintf(buf, len,
			     "Processes: %zu, containers: %zu, churn: +%" PRIu32 "/-%" PRIu32,
			     m->nprocs, nc, m->born, m->died);
	if ((cov.vanished || cov.denied) && o < len)
		o += (size_t)snprintf(buf + o, len - o, ", coverage: %" PRIu32 " scanned, %" PRIu32
				      " vanished, %" PRIu32 " denied", cov.scanned, cov.vanished,
				      cov.denied);
	/* what /proc hides from this user: said, not guessed at */
	if (cov.hidepid && o < len)
		snprintf(buf + o, len - o, ", /proc hidepid=%s: other users' processes %s",
			 cov.hidepid == NSINFO_HIDEPID_NOACCESS ? "noaccess" :
			 cov.hidepid == NSINFO_HIDEPID_INVISIBLE ? "invisible" : "ptraceable",
			 cov.hidepid == NSINFO_HIDEPID_NOACCESS ? "unreadable" : "not listed");
}

static void view_line(struct model *m, char *buf, size_t len)
{
	char pid[32] = "";

	if (m->pid_filter)
		snprintf(pid, sizeof(pid), ", pid %d", (int)m->pid_filter);
	snprintf(buf, len, "View: %s, type %s%s, sort %s%s%s%s%s",
		 group_names[m->group],
		 m->type_filter >= 0 ? nsinfo_type_name(m->type_filter) : "all", pid,
		 top_cols[m->sort_col].name, m->sort_desc ? " (desc)" : "",
		 m->text_filter[0] ? ", filter '" : "", m->text_filter,
		 m->text_filter[0] ? "'" : "");
}

int model_header(struct model *m, char lines[][256], int max, const char *events)
{
	int n = 0;

	if (n < max)
		uptime_line(m, lines[n++], 256);
	if (n < max)
		types_line(m, lines[n++], 256);
	if (n < max)
		procs_line(m, lines[n++], 256);
	if (n < max)
		snprintf(lines[n++], 256, "Events: %s", events);
	if (n < max)
		view_line(m, lines[n++], 256);
	return n;
}

/* --help, -H and batch output; widths and sort order live in top_cols */
const struct nst_col nstop_cols[NCOLS] = {
	[COL_TYPE]      = { "TYPE", 6, 0, SCOLS_JSON_STRING, "namespace type" },
	[COL_NS]        = { "NS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			    "namespace inode number (tree drawn here)" },
	[COL_NSID]      = { "NSID", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			    "64-bit namespace id (NS_GET_ID), - if the kernel has none" },
	[COL_CONTAINER] = { "CONTAINER", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			    NST_CT_HELP_CONTAINER },
	[COL_NPROCS]    = { "NPROCS", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			    "processes in the namespace" },
	[COL_CPU]       = { "%CPU", 6, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			    "CPU use summed over members (percent of one CPU)" },
	[COL_RSS]       = { "RSS", 7, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			    "resident memory summed over members" },
	[COL_CHURN]     = { "CHURN", 9, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			    "members created/exited since the last refresh (+N/-N)" },
	[COL_COMMAND]   = { "COMMAND", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			    "command name of the member with the lowest pid" },
	NST_CT_COLS(COL_RUNTIME, COL_CID, COL_IMAGE, COL_POD, COL_K8SNS),
};

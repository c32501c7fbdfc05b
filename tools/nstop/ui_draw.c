/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rendering of the nstop screen: header, the current view's list, the
 * events pane and the bottom line. Every view is a title, a column header
 * and lines; attributes (reverse for the cursor, bold for differences)
 * keep it readable on a terminal without colours.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui.h"

#define MIN_COLS 40
#define MIN_LINES 8
#define CELL 128

/* the drill-down views' columns */
enum { P_PID, P_NSPID, P_USER, P_CPU, P_RSS, P_CMD, NPCOLS };
static const struct top_col proc_cols[NPCOLS] = {
	{ "PID", 7, true }, { "NSPID", 7, true }, { "USER", -9, false },
	{ "%CPU", 6, true }, { "RSS", 7, true }, { "COMMAND", -7, false },
};
static const int proc_sel[NPCOLS] = { P_PID, P_NSPID, P_USER, P_CPU, P_RSS, P_CMD };

enum { N_TYPE, N_NS, N_NSID, N_HOST, N_DIFF, NNCOLS };
static const struct top_col pns_cols[NNCOLS] = {
	{ "TYPE", -7, false }, { "NS", 11, true }, { "NSID", 7, true },
	{ "HOST NS", 11, true }, { "", -8, false },
};
static const int pns_sel[NNCOLS] = { N_TYPE, N_NS, N_NSID, N_HOST, N_DIFF };

/* Lay cells out at their widths; the last one takes what is left. */
static void layout(char *line, int width, const struct top_col *cols, const int *sel,
		   size_t nsel, char cells[][CELL], int ns_width)
{
	int o = 0;

	line[0] = 0;
	for (size_t i = 0; i < nsel && o < width; i++) {
		const struct top_col *c = &cols[sel[i]];
		int w = c->width < 0 ? -c->width : c->width;

		(void)ns_width;
		if (i + 1 == nsel)
			w = width - o;
		if (c->width < 0)
			o += snprintf(line + o, (size_t)(width - o + 1), "%-*.*s ", w, w, cells[i]);
		else
			o += snprintf(line + o, (size_t)(width - o + 1), "%*.*s ", w, w, cells[i]);
	}
}

static void put_line(int y, const char *s, attr_t attr)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	mvaddnstr(y, 0, s, COLS);
	attroff(attr);
}

/* A line of words (the header, the key hints) cut before the word that
 * would not fit, not in its middle; a line of ", "-separated items (the
 * namespace counts, "type N") before the item that would not fit. */
static void put_words(int y, const char *s, attr_t attr)
{
	char buf[512];
	size_t n = strlen(s);

	if ((int)n <= COLS || COLS <= 0) {
		put_line(y, s, attr);
		return;
	}
	n = (size_t)COLS < sizeof(buf) - 1 ? (size_t)COLS : sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (s[n] != ' ' && strncmp(s + n, ", ", 2)) {
		char *sp = strstr(s, ", ") ? NULL : strrchr(buf, ' ');

		/* items: the last ", " that still fits */
		for (char *c = buf; !sp && (c = strstr(c, ", ")); c++)
			if (!strstr(c + 1, ", "))
				sp = c;
		if (sp && sp > buf)
			*sp = 0;
	}
	/* no dangling separator */
	for (size_t k = strlen(buf); k && strchr(" ,", buf[k - 1]); k--)
		buf[k - 1] = 0;
	put_line(y, buf, attr);
}

/*
 * The namespace view's columns fitted to the screen: every column at
 * least as wide as its name (a header is never cut mid-word), the last
 * one (COMMAND by default) taking the rest, at least its name's width
 * and 15 where it can. When they do not fit: flexible text columns shrink
 * to their names, the tree gives up depth (the inode stays whole), then
 * whole columns go, least telling first.
 */
struct fit {
	int n;
	int pos[NCOLS];           /* index into u->o->cols (and the cells) */
	int w[NCOLS];
	int tree_w;               /* the NS column's width when it holds the tree */
};

static const int drop_order[] = { COL_NSID, COL_CHURN, COL_RSS, COL_CONTAINER, COL_NPROCS,
				  COL_CPU, COL_TYPE };

static int min_width(int col)
{
	int n = (int)strlen(top_cols[col].name);

	/* the inode and the longest type name ("cgroup") stay whole */
	if (col == COL_NS)
		return n > 10 ? n : 10;
	if (col == COL_TYPE)
		return n > 6 ? n : 6;
	return n;
}

static int fit_total(const struct fit *f)
{
	int t = 0;

	for (int i = 0; i + 1 < f->n; i++)
		t += f->w[i] + 1;
	return t;
}

static void fit_columns(struct ui *u, int width, int tree_w, struct fit *f)
{
	const int *cols = u->o->cols;
	int last_min, deepest_w;

	f->n = 0;
	f->tree_w = tree_w;
	for (size_t c = 0; c < u->o->ncols && c < NCOLS; c++) {
		int col = cols[c], w = top_cols[col].width;

		w = w < 0 ? -w : w;
		if (col == COL_NS && tree_w)
			w = tree_w;
		if (w < min_width(col))
			w = min_width(col);
		f->pos[f->n] = (int)c;
		f->w[f->n++] = w;
	}
	if (!f->n)
		return;
#define LASTCOL cols[f->pos[f->n - 1]]
	last_min = min_width(LASTCOL);
	if (last_min < 15 && !top_cols[LASTCOL].numeric)
		last_min = 15;
	/* flexible text columns down to their names */
	for (int i = 0; i + 1 < f->n && fit_total(f) + last_min > width; i++)
		if (top_cols[cols[f->pos[i]]].width < 0)
			f->w[i] = min_width(cols[f->pos[i]]);
	/* the tree: fewer levels drawn, down to two */
	deepest_w = tree_w;
	for (int i = 0; i + 1 < f->n; i++) {
		if (cols[f->pos[i]] != COL_NS || !tree_w)
			continue;
		while (fit_total(f) + last_min > width && f->w[i] > 16) {
			f->w[i] -= 3;
			deepest_w = f->w[i];
		}
		f->tree_w = deepest_w;
	}
	/* whole columns, least telling first (never the last one) */
	for (size_t d = 0; d < sizeof(drop_order) / sizeof(drop_order[0]); d++) {
		for (int i = 0; i + 1 < f->n && fit_total(f) + last_min > width; i++) {
			if (cols[f->pos[i]] != drop_order[d])
				continue;
			memmove(&f->pos[i], &f->pos[i + 1], sizeof(int) * (size_t)(f->n - i - 1));
			memmove(&f->w[i], &f->w[i + 1], sizeof(int) * (size_t)(f->n - i - 1));
			f->n--;
			break;
		}
	}
	f->w[f->n - 1] = width - fit_total(f);
	if (f->w[f->n - 1] < 0)
		f->w[f->n - 1] = 0;
#undef LASTCOL
}

static void fit_layout(struct ui *u, const struct fit *f, char *line, int width,
		       char cells[][CELL])
{
	int o = 0;

	line[0] = 0;
	for (int i = 0; i < f->n && o < width; i++) {
		int col = u->o->cols[f->pos[i]], w = f->w[i];
		bool left = top_cols[col].width < 0 || (col == COL_NS && f->tree_w);

		o += snprintf(line + o, (size_t)(width - o + 1), left ? "%-*.*s " : "%*.*s ", w, w,
			      cells[f->pos[i]]);
	}
}

static attr_t pair(struct ui *u, int p)
{
	return u->colors ? (attr_t)COLOR_PAIR(p) : 0;
}

/* ----------------------------------------------------------- namespaces */

static int tree_width(struct ui *u)
{
	int deepest = 0;

	if (u->m->group == GROUP_FLAT)
		return 0;
	for (size_t i = 0; i < u->m->nrows; i++)
		if (u->m->rows[i].depth > deepest)
			deepest = u->m->rows[i].depth;
	return 10 + 3 * (deepest < 6 ? deepest : 6);
}

static void ns_title(struct ui *u, char *buf, size_t len)
{
	snprintf(buf, len, "%zu namespaces shown%s", u->m->nrows,
		 u->m->pid_filter ? " (namespaces of one process, -p)" : "");
}

/* A cell holding a string a process controls (hostname, comm, argv):
 * escaped before the layout, so a newline or a terminal sequence neither
 * breaks the row nor reaches the terminal, and the columns stay put. */
static void cell_text(char *cell, const char *s)
{
	snprintf(cell, CELL, "%s", nst_esc(s));
}

static void ns_cells(struct ui *u, const struct row *r, char cells[][CELL], int tree_w)
{
	char raw[CELL];

	for (size_t c = 0; c < u->o->ncols; c++) {
		int col = u->o->cols[c];

		if (col == COL_NS && u->m->group != GROUP_FLAT) {
			char pre[CELL - 40], ino[32];
			size_t pl, il;

			model_tree_prefix(r, pre, sizeof(pre));
			model_cell(u->m, r, col, ino, sizeof(ino));
			/* a tree deeper than the column: its right end, so the
			 * inode stays whole */
			pl = strlen(pre);
			il = strlen(ino);
			if (tree_w > 0 && pl + il > (size_t)tree_w)
				memmove(pre, pre + (pl + il - (size_t)tree_w),
					(size_t)tree_w > il ? (size_t)tree_w - il + 1 : 1);
			snprintf(cells[c], CELL, "%s%s", pre, ino);
		} else {
			model_cell(u->m, r, col, raw, sizeof(raw));
			cell_text(cells[c], raw);
		}
	}
}

static void draw_ns(struct ui *u, int y, int h)
{
	struct view *v = ui_view(u);
	char cells[NCOLS][CELL], line[1024];
	int w = COLS < (int)sizeof(line) - 1 ? COLS : (int)sizeof(line) - 1;
	struct fit f;

	fit_columns(u, w, tree_width(u), &f);
	for (size_t c = 0; c < u->o->ncols; c++)
		snprintf(cells[c], CELL, "%s", top_cols[u->o->cols[c]].name);
	fit_layout(u, &f, line, w, cells);
	put_line(y++, line, pair(u, C_TITLE) | A_REVERSE * !u->colors);
	for (long i = v->top; i < (long)u->m->nrows && i < v->top + h - 1; i++) {
		const struct row *r = &u->m->rows[i];
		attr_t attr = i == v->sel ? (pair(u, C_SELECT) | A_REVERSE * !u->colors | A_BOLD)
				       : (r->context ? pair(u, C_CONTEXT) | A_DIM : (attr_t)0);

		ns_cells(u, r, cells, f.tree_w);
		fit_layout(u, &f, line, w, cells);
		put_line(y++, line, attr);
	}
}

/* -------------------------------------------------------------- members */

/* The members in the order of the namespace view's sort key where it
 * means something for a process (%CPU, RSS, COMMAND), else by pid; the
 * same direction. */
static int cmp_member(const void *a, const void *b, void *arg)
{
	const struct ui *u = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(u->m->snap, NULL);
	int r = 0;

	switch (u->m->sort_col) {
	case COL_CPU:
		r = (u->m->pst[x].cpu > u->m->pst[y].cpu) - (u->m->pst[x].cpu < u->m->pst[y].cpu);
		break;
	case COL_RSS:
		r = (u->m->pst[x].rss > u->m->pst[y].rss) - (u->m->pst[x].rss < u->m->pst[y].rss);
		break;
	case COL_COMMAND:
		r = strcmp(model_proc_comm(u->m, &procs[x]), model_proc_comm(u->m, &procs[y]));
		break;
	}
	if (u->m->sort_desc)
		r = -r;
	/* ties, and the other keys: by pid, ascending */
	return r ? r : (procs[x].pid > procs[y].pid) - (procs[x].pid < procs[y].pid);
}

const uint32_t *ui_members(struct ui *u, const struct view *v, uint32_t *n)
{
	int i = model_find(u->m, &v->ns);
	const struct nsinfo_ns *ns;

	if (i < 0)
		return NULL;
	ns = nsinfo_snapshot_namespaces(u->m->snap, NULL) + i;
	*n = ns->nprocs;
	if (ns->nprocs > u->members_cap) {
		uint32_t *m = realloc(u->members, ns->nprocs * sizeof(*m));

		if (!m)
			return ns->procs; /* by pid, as the snapshot has them */
		u->members = m;
		u->members_cap = ns->nprocs;
	}
	memcpy(u->members, ns->procs, ns->nprocs * sizeof(*u->members));
	if (u->m->pst)
		qsort_r(u->members, ns->nprocs, sizeof(*u->members), cmp_member, u);
	return u->members;
}

/* pid as seen inside the namespace: its level for a pid namespace,
 * else the innermost */
static pid_t inner_pid(const struct nsinfo_proc *p, const struct view *v, int level)
{
	if (v->ns.type == NSINFO_PID && level >= 0 && level < p->nspid_len)
		return p->nspid[level];
	return p->nspid_len ? p->nspid[p->nspid_len - 1] : p->pid;
}

static void proc_cells(struct ui *u, const struct view *v, size_t pi, int level,
		       char cells[][CELL])
{
	struct nsinfo_snapshot *s = u->m->snap;
	const struct nsinfo_proc *p = nsinfo_snapshot_procs(s, NULL) + pi;
	char cmd[CELL];

	snprintf(cells[P_PID], CELL, "%d", (int)p->pid);
	snprintf(cells[P_NSPID], CELL, "%d", (int)inner_pid(p, v, level));
	cell_text(cells[P_USER], nsinfo_snapshot_username(s, p->uid));
	snprintf(cells[P_CPU], CELL, "%.1f", u->m->pst[pi].cpu);
	fmt_kib(u->m->pst[pi].rss, cells[P_RSS], CELL);
	/* the command line only for the lines on screen */
	if (nsinfo_proc_cmdline(s, p->pid, cmd, sizeof(cmd)) == 0 && cmd[0])
		cell_text(cells[P_CMD], cmd);
	else
		snprintf(cells[P_CMD], CELL, "[%s]", nst_esc(model_proc_comm(u->m, p)));
}

static void procs_title(struct ui *u, char *buf, size_t len)
{
	const struct view *v = ui_view(u);
	uint32_t n = 0;

	if (!ui_members(u, v, &n))
		snprintf(buf, len, "%s namespace %" PRIu64 " is gone (Esc: back)",
			 nsinfo_type_name(v->ns.type), v->ns.ino);
	else
		snprintf(buf, len, "%s namespace %" PRIu64 ": %" PRIu32
			 " processes, by %s%s (Enter: its namespaces, Esc: back)",
			 nsinfo_type_name(v->ns.type), v->ns.ino, n,
			 u->m->sort_col == COL_CPU || u->m->sort_col == COL_RSS ||
			 u->m->sort_col == COL_COMMAND ? top_cols[u->m->sort_col].name : "PID",
			 (u->m->sort_col == COL_CPU || u->m->sort_col == COL_RSS ||
			  u->m->sort_col == COL_COMMAND) && u->m->sort_desc ? " (desc)" : "");
}

static void draw_procs(struct ui *u, int y, int h)
{
	struct view *v = ui_view(u);
	char cells[NPCOLS][CELL], line[1024];
	int w = COLS < (int)sizeof(line) - 1 ? COLS : (int)sizeof(line) - 1;
	uint32_t n = 0;
	const uint32_t *members = ui_members(u, v, &n);
	int level = -1;

	for (int c = 0; c < NPCOLS; c++)
		snprintf(cells[c], CELL, "%s", proc_cols[c].name);
	layout(line, w, proc_cols, proc_sel, NPCOLS, cells, 0);
	put_line(y++, line, pair(u, C_TITLE) | A_REVERSE * !u->colors);
	if (!members)
		return;
	level = nsinfo_snapshot_namespaces(u->m->snap, NULL)[model_find(u->m, &v->ns)].level;
	for (long i = v->top; i < (long)n && i < v->top + h - 1; i++) {
		proc_cells(u, v, members[i], level, cells);
		layout(line, w, proc_cols, proc_sel, NPCOLS, cells, 0);
		put_line(y++, line, i == v->sel ? (pair(u, C_SELECT) | A_REVERSE * !u->colors | A_BOLD)
						  : (attr_t)0);
	}
}

/* ---------------------------------------------------- one process's ns */

static const struct nsinfo_proc *view_proc(struct ui *u, const struct view *v)
{
	int i = nsinfo_snapshot_find_proc(u->m->snap, v->pid);

	return i < 0 ? NULL : nsinfo_snapshot_procs(u->m->snap, NULL) + i;
}

static void procns_title(struct ui *u, char *buf, size_t len)
{
	const struct view *v = ui_view(u);
	const struct nsinfo_proc *p = view_proc(u, v);

	if (!p)
		snprintf(buf, len, "process %d has exited (Esc: back)", (int)v->pid);
	else
		snprintf(buf, len, "process %d (%s): its namespaces against nstop's own (Esc: back)",
			 (int)p->pid, nst_esc(model_proc_comm(u->m, p)));
}

static void draw_procns(struct ui *u, int y, int h)
{
	const struct view *v = ui_view(u);
	const struct nsinfo_proc *p = view_proc(u, v);
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(u->m->snap, NULL);
	char cells[NNCOLS][CELL], line[1024];
	int w = COLS < (int)sizeof(line) - 1 ? COLS : (int)sizeof(line) - 1;

	for (int c = 0; c < NNCOLS; c++)
		snprintf(cells[c], CELL, "%s", pns_cols[c].name);
	layout(line, w, pns_cols, pns_sel, NNCOLS, cells, 0);
	put_line(y++, line, pair(u, C_TITLE) | A_REVERSE * !u->colors);
	for (int t = 0; p && t < NSINFO_NTYPES && t < h - 1; t++) {
		int mine = nsinfo_snapshot_self_ns(u->m->snap, t);
		int32_t its = p->ns[t];
		bool differs = its >= 0 && mine >= 0 && its != mine;

		snprintf(cells[N_TYPE], CELL, "%s", nsinfo_type_name(t));
		snprintf(cells[N_NS], CELL, its >= 0 ? "%" PRIu64 : "-", its >= 0 ? ns[its].ino : 0);
		snprintf(cells[N_NSID], CELL, its >= 0 && ns[its].nsid ? "%" PRIu64 : "-",
			 its >= 0 ? ns[its].nsid : 0);
		snprintf(cells[N_HOST], CELL, mine >= 0 ? "%" PRIu64 : "-", mine >= 0 ? ns[mine].ino : 0);
		snprintf(cells[N_DIFF], CELL, "%s",
			 its < 0 ? (p->flags & NSINFO_PROC_DENIED ? "denied" : "unknown")
				 : differs ? "differs" : "same");
		layout(line, w, pns_cols, pns_sel, NNCOLS, cells, 0);
		put_line(y++, line, differs ? (pair(u, C_DIFF) | A_BOLD) : (attr_t)0);
	}
}

/* ----------------------------------------------------------------- help */

static void help_title(struct ui *u, char *buf, size_t len)
{
	(void)u;
	snprintf(buf, len, "nstop keys (any key: back)");
}

static void draw_help(struct ui *u, int y, int h)
{
	char line[256];

	put_line(y++, "KEY        ACTION", pair(u, C_TITLE) | A_REVERSE * !u->colors);
	for (size_t k = 0; k < ui_nkeys && (int)k < h - 1; k++) {
		snprintf(line, sizeof(line), "%-10s %s", ui_keys[k].name, ui_keys[k].help);
		put_line(y++, line, 0);
	}
}

static long view_len(struct ui *u)
{
	const struct view *v = ui_view(u);
	uint32_t n = 0;

	switch (v->kind) {
	case V_NS: return (long)u->m->nrows;
	case V_PROCS: return ui_members(u, v, &n) ? (long)n : 0;
	case V_PROCNS: return NSINFO_NTYPES;
	case V_HELP: return (long)ui_nkeys;
	}
	return 0;
}

static const struct {
	void (*title)(struct ui *, char *, size_t);
	void (*draw)(struct ui *, int y, int h);
} views[] = {
	[V_NS] = { ns_title, draw_ns },
	[V_PROCS] = { procs_title, draw_procs },
	[V_PROCNS] = { procns_title, draw_procns },
	[V_HELP] = { help_title, draw_help },
};

/* ----------------------------------------------------------- the frame */

static int draw_header(struct ui *u, int rows)
{
	char lines[5][256];
	int n = model_header(u->m, lines, rows, u->ev ? events_pane_status(u->ev) : "off (-E)");

	if (u->paused && n > 0)
		strncat(lines[0], "  [paused]", sizeof(lines[0]) - strlen(lines[0]) - 1);
	/* the refresh interval + and - change, always in sight */
	if (n > 0 && !strncmp(lines[n - 1], "View: ", 6)) {
		size_t l = strlen(lines[n - 1]);

		snprintf(lines[n - 1] + l, sizeof(lines[0]) - l, ", every %g s", u->delay);
	} else if (n > 0) {
		size_t l = strlen(lines[0]);

		snprintf(lines[0] + l, sizeof(lines[0]) - l, "  every %g s", u->delay);
	}
	for (int i = 0; i < n; i++)
		put_words(i, lines[i], i == 0 ? (attr_t)A_BOLD : pair(u, C_HEADER));
	return n;
}

static void draw_events(struct ui *u, int y, int h)
{
	char line[256];

	const char *f = events_pane_filter(u->ev);

	snprintf(line, sizeof(line), "Events, newest first: %s%s%s%s",
		 u->ev ? events_pane_status(u->ev) : "event source not available: disabled with -E",
		 *f ? ", filter '" : "", *f ? nst_esc(f) : "", *f ? "'" : "");
	put_line(y++, line, pair(u, C_TITLE) | A_REVERSE * !u->colors);
	for (int i = 0; i < h - 1; i++) {
		const char *s = events_pane_line(u->ev, (size_t)i);

		if (!s)
			break;
		put_line(y++, s, pair(u, C_EVENT));
	}
}

#define MSG_SECONDS 2.0

static void draw_bottom(struct ui *u)
{
	char line[256];

	if (u->prompting_events)
		snprintf(line, sizeof(line), "Events filter (pid:N, comm:TEXT, ct:NAME): %s_",
			 u->evfilter);
	else if (u->prompting)
		snprintf(line, sizeof(line), "Filter: %s_", u->m->text_filter);
	else if (u->msg[0])
		snprintf(line, sizeof(line), "%s", u->msg);
	else
		snprintf(line, sizeof(line),
			 "h:help q:quit Enter:open Esc:back t:type g:group s:sort /:filter e:events f:ev-filter p:pause");
	if (u->prompting || u->prompting_events)
		put_line(LINES - 1, line, A_BOLD);
	else
		put_words(LINES - 1, line, A_DIM);
	/* long enough to read, whatever the refresh interval */
	if (u->msg[0]) {
		struct timespec ts;
		double now;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
		if (!u->msg_until)
			u->msg_until = now + MSG_SECONDS;
		else if (now >= u->msg_until)
			u->msg[0] = 0;
	}
}

/* Keep the cursor inside the list and on screen. */
static void clamp(struct ui *u, long page)
{
	struct view *v = ui_view(u);

	u->list_len = view_len(u);
	u->page = page;
	if (v->sel >= u->list_len)
		v->sel = u->list_len - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (v->sel < v->top)
		v->top = v->sel;
	if (page > 0 && v->sel >= v->top + page)
		v->top = v->sel - page + 1;
	if (v->top < 0)
		v->top = 0;
}

void ui_draw(struct ui *u)
{
	char title[256];
	int hdr, evh = 0, y, h;

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		mvprintw(0, 0, "terminal too small");
		mvprintw(1, 0, "(%dx%d, need %dx%d)", COLS, LINES, MIN_COLS, MIN_LINES);
		refresh();
		return;
	}
	hdr = draw_header(u, LINES >= 20 ? 5 : LINES >= 12 ? 3 : 1);
	if (u->show_events)
		evh = (LINES - hdr) / 3 > 3 ? (LINES - hdr) / 3 : 3;
	y = hdr;
	views[ui_view(u)->kind].title(u, title, sizeof(title));
	put_line(y++, title, A_BOLD);
	h = LINES - 1 - y - evh;
	clamp(u, h - 1);
	views[ui_view(u)->kind].draw(u, y, h);
	if (evh)
		draw_events(u, LINES - 1 - evh, evh);
	draw_bottom(u);
	refresh();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interactive screen: a poll loop over the keyboard and the event
 * source, a refresh every interval, and a stack of views (namespaces ->
 * members -> one process's namespaces, plus help).
 */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ui.h"

#define KEY_ESC 27
#define CTRL(c) ((c) & 0x1f)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void push_view(struct ui *u, enum view_kind kind)
{
	if (u->nviews >= UI_MAX_VIEWS)
		return;
	memset(&u->views[u->nviews], 0, sizeof(u->views[0]));
	u->views[u->nviews++].kind = kind;
}

/* ------------------------------------------------------------- key actions */

static void k_quit(struct ui *u, int c)
{
	(void)c;
	u->quit = true;
}

static void k_help(struct ui *u, int c)
{
	(void)c;
	if (ui_view(u)->kind != V_HELP)
		push_view(u, V_HELP);
}

static void rebuild(struct ui *u);

/* Back one view; in the namespace list itself, Esc drops a kept filter. */
static void k_back(struct ui *u, int c)
{
	if (u->nviews > 1) {
		u->nviews--;
	} else if (c == KEY_ESC && u->m->text_filter[0]) {
		u->m->text_filter[0] = 0;
		ui_view(u)->sel = 0;
		rebuild(u);
		snprintf(u->msg, sizeof(u->msg), "filter cleared");
		u->msg_until = 0;
	}
}

static void rebuild(struct ui *u)
{
	if (model_build_rows(u->m) < 0) {
		snprintf(u->msg, sizeof(u->msg), "out of memory");
		u->msg_until = 0;
	}
}

static void k_type(struct ui *u, int c)
{
	(void)c;
	/* all -> cgroup -> ipc -> ... -> uts -> all, skipping absent types */
	do
		u->m->type_filter = u->m->type_filter + 1 >= NSINFO_NTYPES ? -1
									   : u->m->type_filter + 1;
	while (u->m->type_filter >= 0 && nsinfo_type_supported(u->m->type_filter) <= 0);
	rebuild(u);
}

static void k_group(struct ui *u, int c)
{
	(void)c;
	u->m->group = (u->m->group + 1) % NGROUPS;
	rebuild(u);
}

/* s: next column; < and >: the column left or right of the current one */
static void k_sort(struct ui *u, int c)
{
	const int *cols = u->o->cols;
	int n = (int)u->o->ncols, pos = 0;

	for (int i = 0; i < n; i++)
		if (cols[i] == u->m->sort_col)
			pos = i;
	pos += c == '<' ? -1 : 1;
	pos = (pos + n) % n;
	u->m->sort_col = cols[pos];
	u->m->sort_desc = top_cols[cols[pos]].numeric;
	rebuild(u);
}

static void k_reverse(struct ui *u, int c)
{
	(void)c;
	u->m->sort_desc = !u->m->sort_desc;
	rebuild(u);
}

static void k_filter(struct ui *u, int c)
{
	(void)c;
	u->prompting = true;
}

static void k_evfilter(struct ui *u, int c)
{
	(void)c;
	if (!u->ev) {
		snprintf(u->msg, sizeof(u->msg), "no events pane (-E)");
		u->msg_until = 0;
		return;
	}
	snprintf(u->evfilter, sizeof(u->evfilter), "%s", events_pane_filter(u->ev));
	u->show_events = true;
	u->prompting_events = true;
}

static void k_pause(struct ui *u, int c)
{
	(void)c;
	u->paused = !u->paused;
}

static void k_interval(struct ui *u, int c)
{
	static const double steps[] = { 0.2, 0.5, 1, 2, 3, 5, 10, 30, 60 };
	int n = (int)(sizeof(steps) / sizeof(steps[0])), i = 0;

	while (i < n - 1 && steps[i] < u->delay)
		i++;
	if (c == '+')
		i += steps[i] <= u->delay && i < n - 1;
	else
		i -= i > 0;
	u->delay = steps[i];
	snprintf(u->msg, sizeof(u->msg), "refresh every %g s", u->delay);
	u->msg_until = 0;
}

static void k_events(struct ui *u, int c)
{
	(void)c;
	u->show_events = !u->show_events;
}

/* The selection follows the namespace or process, not the line. */
static void remember_selection(struct ui *u)
{
	struct view *v = ui_view(u);
	const uint32_t *members;
	uint32_t n;

	if (v->kind == V_NS && v->sel < (long)u->m->nrows)
		v->sel_ns = model_key(u->m, u->m->rows[v->sel].ns);
	else if (v->kind == V_PROCS && (members = ui_members(u, v, &n)) && v->sel < (long)n)
		v->sel_pid = nsinfo_snapshot_procs(u->m->snap, NULL)[members[v->sel]].pid;
}

static void k_enter(struct ui *u, int c)
{
	struct view *v = ui_view(u);
	uint32_t n;
	const uint32_t *members;

	(void)c;
	remember_selection(u);
	if (v->kind == V_NS && v->sel < (long)u->m->nrows) {
		struct ns_key k = model_key(u->m, u->m->rows[v->sel].ns);

		push_view(u, V_PROCS);
		ui_view(u)->ns = k;
	} else if (v->kind == V_PROCS && (members = ui_members(u, v, &n)) && v->sel < n) {
		pid_t pid = nsinfo_snapshot_procs(u->m->snap, NULL)[members[v->sel]].pid;

		push_view(u, V_PROCNS);
		ui_view(u)->pid = pid;
	}
}

static void k_move(struct ui *u, int c)
{
	struct view *v = ui_view(u);
	long page = u->page > 1 ? u->page - 1 : 1;

	switch (c) {
	case KEY_UP: v->sel--; break;
	case KEY_DOWN: v->sel++; break;
	case KEY_PPAGE: v->sel -= page; break;
	case KEY_NPAGE: v->sel += page; break;
	case KEY_HOME: v->sel = 0; break;
	case KEY_END: v->sel = u->list_len - 1; break;
	}
	if (v->sel >= u->list_len)
		v->sel = u->list_len - 1;
	if (v->sel < 0)
		v->sel = 0;
	remember_selection(u);
}

static void k_redraw(struct ui *u, int c)
{
	(void)u, (void)c;
	clearok(curscr, TRUE);
}

const struct ui_key ui_keys[] = {
	{ "q", { 'q', 0 }, "quit", k_quit },
	{ "h ?", { 'h', '?', 0 }, "this help", k_help },
	{ "Enter", { '\n', '\r', KEY_ENTER, 0 }, "namespace: its processes; process: its namespaces", k_enter },
	{ "Esc Bksp", { KEY_ESC, KEY_BACKSPACE, 127, CTRL('h') }, "back; Esc in the list: clear the filter", k_back },
	{ "t", { 't', 0 }, "cycle the type filter (all, cgroup, ipc, ...)", k_type },
	{ "g", { 'g', 0 }, "cycle grouping: tree, by container, flat", k_group },
	{ "s > <", { 's', '>', '<', 0 }, "sort by the next / previous column", k_sort },
	{ "r", { 'r', 0 }, "reverse the sort order", k_reverse },
	{ "/", { '/', 0 }, "filter by text (Enter keeps it, Esc clears it)", k_filter },
	{ "p", { 'p', ' ', 0 }, "pause / resume refreshing", k_pause },
	{ "+ -", { '+', '-', 0 }, "longer / shorter refresh interval", k_interval },
	{ "e", { 'e', 0 }, "show / hide the events pane", k_events },
	{ "f", { 'f', 0 }, "filter the events pane: pid:N (and its children), comm:TEXT, ct:NAME", k_evfilter },
	{ "arrows", { KEY_UP, KEY_DOWN, 0 }, "move the selection", k_move },
	{ "PgUp PgDn", { KEY_PPAGE, KEY_NPAGE, 0 }, "move a page", k_move },
	{ "Home End", { KEY_HOME, KEY_END, 0 }, "first / last line", k_move },
	{ "^L", { CTRL('l'), 0 }, "redraw the screen", k_redraw },
};
const size_t ui_nkeys = sizeof(ui_keys) / sizeof(ui_keys[0]);

/* The events filter prompt: applied on Enter (a pid filter loads a probe) */
static void evprompt_key(struct ui *u, int c)
{
	char *f = u->evfilter, why[sizeof(u->msg)];
	size_t len = strlen(f);

	if (c == '\n' || c == '\r' || c == KEY_ENTER || c == KEY_ESC) {
		if (c == KEY_ESC)
			f[0] = 0;
		u->prompting_events = false;
		if (events_pane_set_filter(u->ev, f, why, sizeof(why)) < 0) {
			snprintf(u->msg, sizeof(u->msg), "%s", why);
			u->msg_until = 0;
		}
	} else if (c == KEY_BACKSPACE || c == 127 || c == CTRL('h')) {
		if (len)
			f[len - 1] = 0;
	} else if (c >= ' ' && c < 127 && len + 1 < sizeof(u->evfilter)) {
		f[len] = (char)c;
		f[len + 1] = 0;
	}
}

/* The filter prompt edits the model's filter live, as htop's does. */
static void prompt_key(struct ui *u, int c)
{
	char *f = u->m->text_filter;
	size_t len = strlen(f);

	if (c == '\n' || c == '\r' || c == KEY_ENTER) {
		u->prompting = false;
	} else if (c == KEY_ESC) {
		f[0] = 0;
		u->prompting = false;
	} else if (c == KEY_BACKSPACE || c == 127 || c == CTRL('h')) {
		if (len)
			f[len - 1] = 0;
	} else if (c >= ' ' && c < 127 && len + 1 < sizeof(u->m->text_filter)) {
		f[len] = (char)c;
		f[len + 1] = 0;
	} else {
		return;
	}
	ui_view(u)->sel = 0;
	rebuild(u);
}

static void handle_key(struct ui *u, int c)
{
	if (c == KEY_RESIZE)
		return;
	if (u->prompting_events) {
		evprompt_key(u, c);
		return;
	}
	if (u->prompting) {
		prompt_key(u, c);
		return;
	}
	if (ui_view(u)->kind == V_HELP && c != 'q') {
		k_back(u, c);
		return;
	}
	for (size_t k = 0; k < ui_nkeys; k++)
		for (int i = 0; i < 4 && ui_keys[k].codes[i]; i++)
			if (ui_keys[k].codes[i] == c) {
				ui_keys[k].fn(u, c);
				return;
			}
}

static long find_ns_row(struct ui *u, const struct ns_key *want)
{
	for (size_t i = 0; i < u->m->nrows; i++) {
		struct ns_key k = model_key(u->m, u->m->rows[i].ns);

		if (k.type == want->type && k.ino == want->ino && k.nsid == want->nsid)
			return (long)i;
	}
	return -1;
}

static long find_member(struct ui *u, const struct view *v, pid_t pid)
{
	uint32_t n;
	const uint32_t *members = ui_members(u, v, &n);
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(u->m->snap, NULL);

	for (uint32_t i = 0; members && i < n; i++)
		if (procs[members[i]].pid == pid)
			return (long)i;
	return -1;
}

/* Keep every view's cursor on what it was on after a refresh. */
static void follow_selection(struct ui *u)
{
	for (int i = 0; i < u->nviews; i++) {
		struct view *v = &u->views[i];
		long at = -1;

		if (v->kind == V_NS && v->sel_ns.ino)
			at = find_ns_row(u, &v->sel_ns);
		else if (v->kind == V_PROCS && v->sel_pid)
			at = find_member(u, v, v->sel_pid);
		if (at >= 0)
			v->sel = at;
	}
}

static void setup_colors(struct ui *u)
{
	/* nstools' one rule (cli.h); the screen is a terminal already */
	u->colors = has_colors() && nst_colors_wanted();
	if (!u->colors)
		return;
	start_color();
	use_default_colors();
	init_pair(C_HEADER, COLOR_CYAN, -1);
	init_pair(C_TITLE, COLOR_BLACK, COLOR_GREEN);
	init_pair(C_SELECT, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_DIFF, COLOR_RED, -1);
	init_pair(C_CONTEXT, COLOR_BLUE, -1);
	init_pair(C_EVENT, COLOR_YELLOW, -1);
	init_pair(C_WARN, COLOR_WHITE, COLOR_RED);
}

static int wait_input(struct ui *u, double until)
{
	struct pollfd fds[3] = { { .fd = 0, .events = POLLIN }, { .fd = -1, .events = POLLIN },
				 { .fd = -1, .events = POLLIN } };
	double left = until - now_s();
	int ms = left > 0 ? (int)(left * 1000) + 1 : 0;
	int r;

	if (u->paused)
		ms = -1;
	fds[1].fd = events_pane_fd(u->ev);
	fds[2].fd = events_pane_filter_fd(u->ev);
	r = poll(fds, 3, ms);
	if (r > 0 && ((fds[1].revents | fds[2].revents) & POLLIN))
		events_pane_consume(u->ev);
	return r;
}

int ui_run(struct model *m, const struct nstop_opts *o)
{
	struct ui u = { .m = m, .o = o, .delay = o->delay > 0.2 ? o->delay : 0.2 };
	SCREEN *scr;
	double next;

	u.ev = o->ev;
	u.show_events = o->ev && events_pane_filter(o->ev)[0];
	if (!(scr = newterm(NULL, stdout, stdin)))
		nst_die(NST_EXIT_TROUBLE, "cannot start the terminal UI: TERM=%s",
			getenv("TERM") ? getenv("TERM") : "(unset)");
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	setup_colors(&u);
	push_view(&u, V_NS);

	next = now_s() + u.delay;
	while (!u.quit && nstop_running()) {
		int c;

		ui_draw(&u);
		if (wait_input(&u, next) < 0 && errno != EINTR)
			break;
		while ((c = getch()) != ERR && !u.quit)
			handle_key(&u, c);
		if (!u.paused && now_s() >= next) {
			int r = nstop_refresh(m, u.ev);

			if (r < 0)
				snprintf(u.msg, sizeof(u.msg), "refresh failed: %s", nsinfo_pid_strerror(r));
			follow_selection(&u);
			next = now_s() + u.delay;
		}
	}
	endwin();
	delscreen(scr);
	free(u.members);
	return EXIT_SUCCESS;
}

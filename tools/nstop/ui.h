/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State of the curses front end, shared by ui.c (loop, keys) and
 * ui_draw.c (rendering). */
#ifndef NSTOP_UI_H
#define NSTOP_UI_H

#include "events_pane.h"
#include "nstop.h"

enum view_kind { V_NS, V_PROCS, V_PROCNS, V_HELP };

struct view {
	enum view_kind kind;
	struct ns_key ns;         /* V_PROCS: the namespace drilled into */
	pid_t pid;                /* V_PROCNS: the process */
	struct ns_key sel_ns;     /* V_NS: the selected row, kept across refreshes */
	pid_t sel_pid;            /* V_PROCS: the selected process */
	long sel, top;            /* cursor and first visible line */
};

#define UI_MAX_VIEWS 4

struct ui {
	struct model *m;
	const struct nstop_opts *o;
	struct view views[UI_MAX_VIEWS];
	int nviews;
	struct events_pane *ev;
	bool show_events, paused, colors, quit, prompting;
	bool prompting_events;    /* the prompt edits evfilter, applied on Enter */
	char evfilter[64];
	double delay;
	char msg[128];            /* message on the bottom line ... */
	double msg_until;         /* ... until this CLOCK_MONOTONIC time (0: set it when drawn) */
	long list_len;            /* lines of the current view's list */
	long page;                /* list lines on screen */
	uint32_t *members;        /* ui_members(): a namespace's members, sorted */
	uint32_t members_cap;
};

/* colour pairs */
enum { C_HEADER = 1, C_TITLE, C_SELECT, C_DIFF, C_CONTEXT, C_EVENT, C_WARN };

static inline struct view *ui_view(struct ui *u)
{
	return &u->views[u->nviews - 1];
}

void ui_draw(struct ui *u);
/* The process indices of a namespace's members, NULL if it is gone. */
const uint32_t *ui_members(struct ui *u, const struct view *v, uint32_t *n);

struct ui_key {
	const char *name;         /* as the help screen shows it */
	int codes[4];             /* 0-terminated */
	const char *help;
	void (*fn)(struct ui *u, int code);
};
extern const struct ui_key ui_keys[];
extern const size_t ui_nkeys;

#endif

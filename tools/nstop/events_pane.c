/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Events pane over libnsinfo's event source: a ring of the latest formatted
 * events. Builds against a libnsinfo without the event API too (the pane
 * then says so), so nstop never depends on BPF being there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "events_pane.h"
#include "nsinfo.h"

#define RING 256
#define LINE 160

struct events_pane {
	char lines[RING][LINE];
	size_t head, count;       /* head: next slot to write */
	char status[192];
	unsigned long total, at_last_rate;
	struct timespec last_rate;
	double rate;
	/* pids with namespace calls since the last events_pane_changes() */
	pid_t *changed, *handed;
	size_t nchanged, cap, nhanded, hcap;
	bool overflow;
#ifdef NSINFO_EV_NSLOTS
	struct nsinfo_events *ev;
#endif
};

size_t events_pane_count(const struct events_pane *p)
{
	return p ? p->count : 0;
}

const char *events_pane_line(const struct events_pane *p, size_t i)
{
	if (!p || i >= p->count)
		return NULL;
	return p->lines[(p->head + RING - 1 - i) % RING];
}

#ifdef NSINFO_EV_NSLOTS

static void push_line(struct events_pane *p, const char *s)
{
	snprintf(p->lines[p->head], LINE, "%s", s);
	p->head = (p->head + 1) % RING;
	if (p->count < RING)
		p->count++;
	p->total++;
}

/* "uts,net" from a type bit set */
static void types_text(unsigned types, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int t = 0; t < NSINFO_NTYPES && o < len; t++)
		if (types & (1u << t))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
					      nsinfo_type_name(t));
	if (!o)
		snprintf(buf, len, "-");
}

static void note_changed(struct events_pane *p, pid_t pid)
{
	if (p->nchanged >= p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		pid_t *n = realloc(p->changed, cap * sizeof(*n));

		if (!n) {
			p->overflow = true; /* cannot vouch for this interval */
			return;
		}
		p->changed = n;
		p->cap = cap;
	}
	p->changed[p->nchanged++] = pid;
}

static int on_event(const struct nsinfo_event *ev, void *userdata)
{
	struct events_pane *p = userdata;

	note_changed(p, ev->tgid);
	if (ev->pid != ev->tgid)
		note_changed(p, ev->pid);
	char line[LINE], types[64], res[48];
	time_t sec = (time_t)(ev->time_ns / 1000000000ull);
	struct tm tm;

	localtime_r(&sec, &tm);
	types_text(ev->types, types, sizeof(types));
	if (ev->ret < 0)
		snprintf(res, sizeof(res), "%s", strerrorname_np(ev->error) ?: "error");
	else if (ev->child_pid)
		snprintf(res, sizeof(res), "child %d", (int)ev->child_pid);
	else
		snprintf(res, sizeof(res), "ok");
	snprintf(line, sizeof(line), "%02d:%02d:%02d %-7s pid %-7d %-15s %-24s %s",
		 tm.tm_hour, tm.tm_min, tm.tm_sec, nsinfo_event_kind_name(ev->kind),
		 (int)ev->tgid, nst_esc(ev->comm), types, res);
	push_line(p, line);
	return 0;
}

static int source_open(struct events_pane *p)
{
	struct nsinfo_events_opts o = {
		.size = sizeof(o), .cb = on_event, .userdata = p,
#ifdef NSINFO_EVENTS_NOT_SELF
		/* nstop's hostname reader setns into every uts namespace */
		.flags = NSINFO_EVENTS_NOT_SELF,
#endif
	};
	char why[128];
	int r = nsinfo_events_supported(why, sizeof(why));

	if (r < 0) {
		snprintf(p->status, sizeof(p->status), "event source not available: %s", why);
		return r;
	}
	r = nsinfo_events_new(&o, &p->ev);
	if (r < 0)
		snprintf(p->status, sizeof(p->status), "event source not available: %s",
			 strerror(-r));
	return r;
}

static void source_close(struct events_pane *p)
{
	nsinfo_events_unref(p->ev);
}

int events_pane_fd(const struct events_pane *p)
{
	return p && p->ev ? nsinfo_events_fd(p->ev) : -1;
}

void events_pane_consume(struct events_pane *p)
{
	if (p && p->ev)
		nsinfo_events_consume(p->ev);
}

static uint64_t source_lost(const struct events_pane *p)
{
	uint64_t lost = 0;

	if (nsinfo_events_lost(p->ev, &lost) < 0)
		return 0;
	return lost;
}

struct nsinfo_events *events_pane_source(const struct events_pane *p)
{
	return p ? p->ev : NULL;
}

static int source_active(const struct events_pane *p)
{
	return p->ev != NULL;
}

#else /* libnsinfo without the event API */

static int source_open(struct events_pane *p)
{
	snprintf(p->status, sizeof(p->status),
		 "event source not available: libnsinfo was built without it");
	return -ENOTSUP;
}

static void source_close(struct events_pane *p)
{
	(void)p;
}

int events_pane_fd(const struct events_pane *p)
{
	(void)p;
	return -1;
}

void events_pane_consume(struct events_pane *p)
{
	(void)p;
}

static uint64_t source_lost(const struct events_pane *p)
{
	(void)p;
	return 0;
}

struct nsinfo_events *events_pane_source(const struct events_pane *p)
{
	(void)p;
	return NULL;
}

static int source_active(const struct events_pane *p)
{
	(void)p;
	return 0;
}

#endif

struct events_pane *events_pane_open(void)
{
	struct events_pane *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &p->last_rate);
	source_open(p);
	return p;
}

void events_pane_close(struct events_pane *p)
{
	if (!p)
		return;
	source_close(p);
	free(p->changed);
	free(p->handed);
	free(p);
}

bool events_pane_changes(struct events_pane *p, const pid_t **pids, size_t *n)
{
	bool trusted;
	pid_t *t;
	size_t tcap;

	if (!p || !source_active(p))
		return false;
	/* lost events and the first interval: libnsinfo's refresh checks them */
	trusted = !p->overflow;
	p->overflow = false;
	/* hand this interval's list over, collect the next one in the other */
	t = p->handed;
	tcap = p->hcap;
	p->handed = p->changed;
	p->hcap = p->cap;
	p->nhanded = p->nchanged;
	p->changed = t;
	p->cap = tcap;
	p->nchanged = 0;
	*pids = p->handed;
	*n = p->nhanded;
	return trusted;
}

const char *events_pane_status(struct events_pane *p)
{
	struct timespec now;
	double secs;

	if (!p)
		return "off";
	if (!source_active(p))
		return p->status;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - p->last_rate.tv_sec) +
	       (double)(now.tv_nsec - p->last_rate.tv_nsec) / 1e9;
	/* a rate over at least half a second, else the last one stands */
	if (secs >= 0.5) {
		p->rate = (double)(p->total - p->at_last_rate) / secs;
		p->at_last_rate = p->total;
		p->last_rate = now;
	}
	snprintf(p->status, sizeof(p->status), "%.1f/s, lost %" PRIu64, p->rate,
		 source_lost(p));
	return p->status;
}

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
#include "cttarget.h"
#include "events_pane.h"
#include "nsinfo.h"

#define RING 256
#define LINE 160

enum { F_NONE, F_PID, F_COMM, F_CT };

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
	/* the filter of the shown lines */
	char filter[64];
	int fkind;
	pid_t fpid;
	char ftext[48];
	events_pane_ct_fn ct_fn;
	void *ct_data;
	const struct nst_ct_targets *ct; /* -C: the shown events, filtered in the kernel */
#ifdef NSINFO_EV_NSLOTS
	struct nsinfo_events *ev;
	/* F_PID and -C: only that process's tree and those containers, in the
	 * kernel; the lines shown come from it alone */
	struct nsinfo_events *fev;
#endif
};

const char *events_pane_filter(const struct events_pane *p)
{
	return p ? p->filter : "";
}

void events_pane_set_container(struct events_pane *p, events_pane_ct_fn fn, void *data)
{
	if (p) {
		p->ct_fn = fn;
		p->ct_data = data;
	}
}

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

static void push_event(struct events_pane *p, const struct nsinfo_event *ev)
{
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
}

static bool ct_match(const struct events_pane *p, pid_t pid)
{
	const char *name = NULL, *id = NULL;
	size_t n = strlen(p->ftext);

	if (!p->ct_fn || pid <= 0 || !p->ct_fn(pid, p->ct_data, &name, &id))
		return false;
	return (name && !strncmp(name, p->ftext, n)) || (id && !strncmp(id, p->ftext, n));
}

static bool shown(const struct events_pane *p, const struct nsinfo_event *ev)
{
	switch (p->fkind) {
	case F_COMM:
		return strstr(ev->comm, p->ftext) != NULL;
	case F_CT:
		return ct_match(p, ev->tgid) || ct_match(p, ev->ppid);
	default:
		return true;
	}
}

static int on_event(const struct nsinfo_event *ev, void *userdata)
{
	struct events_pane *p = userdata;

	note_changed(p, ev->tgid);
	if (ev->pid != ev->tgid)
		note_changed(p, ev->pid);
	p->total++;
	/* with a kernel-filtered source, that one shows the lines */
	if (!p->fev && shown(p, ev))
		push_event(p, ev);
	return 0;
}

/* the kernel-filtered source: that process's tree, those containers */
static int on_filtered(const struct nsinfo_event *ev, void *userdata)
{
	struct events_pane *p = userdata;

	if (shown(p, ev))
		push_event(p, ev);
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
	nsinfo_events_unref(p->fev);
	nsinfo_events_unref(p->ev);
}

/* The kernel-filtered source of pid:N and -C (none: closes it) */
static int source_filter(struct events_pane *p, pid_t pid, char *why, size_t len)
{
	struct nsinfo_events_opts o = {
		.size = sizeof(o), .cb = on_filtered, .userdata = p, .pid = pid,
#ifdef NSINFO_EVENTS_NOT_SELF
		.flags = NSINFO_EVENTS_NOT_SELF,
#endif
	};
	struct nsinfo_events *fev = NULL;
	bool want = pid || (p->ct && p->ct->n);
	int r;

	if (want && !p->ev) {
		snprintf(why, len, "%s", p->status);
		return -ENOTSUP;
	}
	if (p->ct)
		nst_ct_targets_opts(p->ct, &o);
	if (want && (r = nsinfo_events_new(&o, &fev)) < 0) {
		if (!pid)
			snprintf(why, len, "cannot filter on the containers: %s", strerror(-r));
		else
			snprintf(why, len, r == -ESRCH ? "no process %d" :
				 "cannot filter on pid %d: %s", (int)pid, strerror(-r));
		return r;
	}
	nsinfo_events_unref(p->fev);
	p->fev = fev;
	return 0;
}

int events_pane_fd(const struct events_pane *p)
{
	return p && p->ev ? nsinfo_events_fd(p->ev) : -1;
}

int events_pane_filter_fd(const struct events_pane *p)
{
	return p && p->fev ? nsinfo_events_fd(p->fev) : -1;
}

void events_pane_consume(struct events_pane *p)
{
	if (p && p->ev)
		nsinfo_events_consume(p->ev);
	if (p && p->fev)
		nsinfo_events_consume(p->fev);
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

static int source_filter(struct events_pane *p, pid_t pid, char *why, size_t len)
{
	if (!pid)
		return 0;
	snprintf(why, len, "%s", p->status);
	return -ENOTSUP;
}

int events_pane_fd(const struct events_pane *p)
{
	(void)p;
	return -1;
}

int events_pane_filter_fd(const struct events_pane *p)
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

struct events_pane *events_pane_open(const struct nst_ct_targets *ct)
{
	struct events_pane *p = calloc(1, sizeof(*p));
	char why[160];

	if (!p)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &p->last_rate);
	p->ct = ct && ct->n ? ct : NULL;
	if (source_open(p) == 0 && p->ct && source_filter(p, 0, why, sizeof(why)) < 0)
		snprintf(p->status, sizeof(p->status), "%s", why);
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

int events_pane_set_filter(struct events_pane *p, const char *spec, char *why, size_t len)
{
	int kind = F_COMM, r;
	const char *text = spec;
	pid_t pid = 0;

	if (!p) {
		snprintf(why, len, "the events pane is off (-E)");
		return -ENOTSUP;
	}
	if (!spec || !*spec) {
		kind = F_NONE;
	} else if (!strncmp(spec, "pid:", 4) || strspn(spec, "0123456789") == strlen(spec)) {
		kind = F_PID;
		if (nsinfo_parse_pid(spec + (spec[0] == 'p' ? 4 : 0), &pid) < 0 || pid <= 0) {
			snprintf(why, len, "invalid pid in the events filter: '%s'", nst_esc(spec));
			return -EINVAL;
		}
	} else if (!strncmp(spec, "comm:", 5)) {
		text = spec + 5;
	} else if (!strncmp(spec, "ct:", 3)) {
		kind = F_CT;
		text = spec + 3;
	}
	if (kind != F_NONE && kind != F_PID && (!*text || strlen(text) >= sizeof(p->ftext))) {
		snprintf(why, len, "events filter: %s", *text ? "text too long" : "empty text");
		return -EINVAL;
	}
	if (strlen(spec ? spec : "") >= sizeof(p->filter)) {
		snprintf(why, len, "events filter too long");
		return -EINVAL;
	}
	if ((r = source_filter(p, pid, why, len)) < 0)
		return r;
	p->fkind = kind;
	p->fpid = pid;
	snprintf(p->ftext, sizeof(p->ftext), "%s", kind == F_COMM || kind == F_CT ? text : "");
	snprintf(p->filter, sizeof(p->filter), "%s", spec ? spec : "");
	p->count = p->head = 0;
	return 0;
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

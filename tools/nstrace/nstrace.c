/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nstrace - stream namespace operations (clone, clone3, unshare, setns, forks
 * into a new pid namespace) as they happen, host-wide or for one command and
 * its descendants. Thin: options, the libnsinfo event source, rendering.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json.h>
#include <libsmartcols.h>
#include <signal.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctlabel.h"
#include "cttarget.h"
#include "exitcodes.h"
#include "options.h"
#include "parse.h"
#include "nsinfo.h"

#define PROG "nstrace"
#define JSON_SCHEMA_VERSION 1
#define MAX_ERRNO 4096

struct opts {
	struct nsinfo_events_opts ev;
	bool json, summary, verbose, full, line_buffered;
	double duration;          /* seconds, 0 = none */
	int nice;                 /* the reader's nice value */
	const char *output;       /* -o FILE */
	char **command;
	const char *ct_refs[NST_CT_MAX_TARGETS]; /* -C REF, repeatable */
	size_t nct;
	struct nst_ct_targets ct; /* what they resolved to */
};

/* counts for --summary: kind x type (NSINFO_NTYPES = none) x errno (0 = ok) */
struct count {
	int kind, type, error;
	uint64_t n;
};

/*
 * Bursts (a runtime starting hundreds of containers) arrive faster than
 * lines can be formatted, JSON above all. Events are copied out of the ring
 * buffer into this queue at once and rendered in slices between polls, so
 * the kernel's buffer drains at copy speed, not at printf speed.
 */
#define QUEUE_MAX (1u << 16)
#define OUT_BUFFER (1u << 20)
/* the reader's default priority: a burst comes from busy processes, which
 * at equal weight leave the reader too little of the CPU to keep up */
#define DEFAULT_NICE (-10)
#define RENDER_SLICE 256

struct state {
	const struct opts *o;
	bool color;
	uint64_t events;
	struct count *counts;
	size_t ncounts, counts_cap;
	struct nsinfo_event *q;   /* ring of queued events */
	size_t qhead, qlen, qcap;
	FILE *out;                /* stdout or --output */
	int out_err;              /* errno of a write failure */
	struct ctlabels labels;   /* each event's container */
};

/* ----------------------------------------------------------- helpers */

static const char *errno_name(int err)
{
	const char *n = err ? strerrorname_np(err) : NULL;

	return n ? n : "E?";
}

/* NEWNS|NEWPID... of the CLONE_NEW* bits of flags */
static void flag_names(char *buf, size_t len, unsigned types)
{
	static const char *const names[NSINFO_NTYPES] = {
		[NSINFO_CGROUP] = "NEWCGROUP", [NSINFO_IPC] = "NEWIPC", [NSINFO_MNT] = "NEWNS",
		[NSINFO_NET] = "NEWNET", [NSINFO_PID] = "NEWPID", [NSINFO_TIME] = "NEWTIME",
		[NSINFO_USER] = "NEWUSER", [NSINFO_UTS] = "NEWUTS",
	};
	size_t off = 0;

	buf[0] = '\0';
	for (int t = 0; t < NSINFO_NTYPES && off < len; t++)
		if (types & (1u << t))
			off += snprintf(buf + off, len - off, "%s%s", off ? "|" : "", names[t]);
	if (!off)
		snprintf(buf, len, "0");
}

/* A flags word as the caller passed it: CLONE_NEW* bits by name, any other
 * bits in hex, 0 as 0 (setns(fd, 0) is not setns(fd, CLONE_NEWNET)). */
static void flags_text(char *buf, size_t len, uint64_t flags)
{
	uint64_t rest = flags;
	size_t off = 0;
	unsigned types = 0;

	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (flags & nsinfo_type_clone_flag(t)) {
			types |= 1u << t;
			rest &= ~(uint64_t)nsinfo_type_clone_flag(t);
		}
	flag_names(buf, len, types);
	if (!rest)
		return;
	off = types ? strlen(buf) : 0;
	if (off < len)
		snprintf(buf + off, len - off, "%s%#llx", off ? "|" : "", (unsigned long long)rest);
}

static const char *slot_name(int slot)
{
	if (slot == NSINFO_EV_SLOT_PID_CHILDREN)
		return "pid_for_children";
	if (slot == NSINFO_EV_SLOT_TIME_CHILDREN)
		return "time_for_children";
	return nsinfo_type_name(slot);
}

static bool ns_changed(const struct nsinfo_event *e, int slot)
{
	const struct nsinfo_event_ns *a = &e->before[slot], *b = &e->after[slot];

	return b->ino && (a->ino != b->ino || a->nsid != b->nsid);
}

/* For clone/fork, the flags word also carries the exit signal and the
 * non-namespace clone flags; only namespace types are shown by name. */
static unsigned request_types(const struct nsinfo_event *e)
{
	return e->kind == NSINFO_EV_FORK ? 0 : e->types;
}

/* ---------------------------------------------------- line building */

/* Lines of both formats are built here and written with one fwrite:
 * fprintf's format parsing is most of the cost of a line on a burst. */
#define JLINE_MAX 8192            /* an event is < 3 KiB: 10 slots, comm <= 96 */

struct jline {
	char *p;
	char buf[JLINE_MAX];
};

static void jraw(struct jline *j, const char *s, size_t n)
{
	memcpy(j->p, s, n);
	j->p += n;
}

#define JLIT(j, lit) jraw(j, lit, sizeof(lit) - 1)

static void ju64(struct jline *j, uint64_t v)
{
	char tmp[20], *t = tmp + sizeof(tmp);

	do
		*--t = (char)('0' + v % 10);
	while ((v /= 10));
	jraw(j, t, (size_t)(tmp + sizeof(tmp) - t));
}

static void ji64(struct jline *j, int64_t v)
{
	if (v < 0) {
		*j->p++ = '-';
		ju64(j, -(uint64_t)v);
	} else {
		ju64(j, (uint64_t)v);
	}
}

/* ------------------------------------------------------- human output */

#define C_BOLD "\033[1m"
#define C_RED  "\033[31m"
#define C_OFF  "\033[0m"

/* HH:MM:SS formatted once a second: localtime_r costs more than the line */
static void print_time(const struct state *st, uint64_t ns)
{
	static time_t last = -1;
	static char buf[16];
	time_t sec = (time_t)(ns / 1000000000ULL);

	if (sec != last) {
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		last = sec;
	}
	fprintf(st->out, "%s.%06llu", buf, (unsigned long long)(ns % 1000000000ULL / 1000));
}

/* comm as text, escaped; bursts come from few names: the last one kept */
static const char *esc_comm(const char *comm)
{
	static char last[16], *buf;
	static const char *esc;
	static size_t size;

	if (!esc || strncmp(last, comm, sizeof(last))) {
		strncpy(last, comm, sizeof(last));
		esc = nsinfo_escape(last, nst_text_flags(), &buf, &size);
		if (!esc)
			nst_die(NST_EXIT_TROUBLE, "%s", strerror(ENOMEM));
	}
	return esc;
}

static void print_call(const struct state *st, const struct nsinfo_event *e)
{
	char fl[128];

	flag_names(fl, sizeof(fl), request_types(e));
	fprintf(st->out, " %s%s%s(", st->color ? C_BOLD : "", nsinfo_event_kind_name(e->kind),
	       st->color ? C_OFF : "");
	switch (e->kind) {
	case NSINFO_EV_SETNS:
		if (e->target == NSINFO_EV_TARGET_NSFD)
			fprintf(st->out, "%d<%s:[%llu]>, ", e->target_fd, nsinfo_type_name(e->target_type) ?: "?",
			       (unsigned long long)e->target_ns.ino);
		else if (e->target == NSINFO_EV_TARGET_PIDFD)
			fprintf(st->out, "%d<pidfd:%d>, ", e->target_fd, (int)e->target_pid);
		else
			fprintf(st->out, "%d, ", e->target_fd);
		flags_text(fl, sizeof(fl), e->flags);
		fprintf(st->out, "%s)", fl);
		break;
	case NSINFO_EV_FORK:
		fprintf(st->out, ")");
		break;
	default:
		fprintf(st->out, "%s)", fl);
	}
}

static void print_result(const struct state *st, const struct nsinfo_event *e)
{
	if (e->error)
		fprintf(st->out, " = -1 %s%s (%s)%s", st->color ? C_RED : "", errno_name(e->error),
		       strerror(e->error), st->color ? C_OFF : "");
	else
		fprintf(st->out, " = %lld", (long long)e->ret);
	if (e->kind != NSINFO_EV_FORK) {
		/* <seconds.microseconds>, rounded like %.6f */
		uint64_t us = (e->latency_ns + 500) / 1000;

		fprintf(st->out, " <%llu.%06llu>", (unsigned long long)(us / 1000000),
			(unsigned long long)(us % 1000000));
	}
}

static void print_human(struct state *st, const struct nsinfo_event *e)
{
	const char *comm = esc_comm(e->comm);
	struct jline j;

	print_time(st, e->time_ns);
	j.p = j.buf;
	/* any process names itself: never raw to the terminal or log */
	*j.p++ = ' ';
	jraw(&j, comm, strlen(comm));
	*j.p++ = '[';
	ji64(&j, e->tgid);
	*j.p++ = ']';
	if (e->pid != e->tgid) {
		*j.p++ = '/';
		ji64(&j, e->pid);
	}
	fwrite_unlocked(j.buf, 1, (size_t)(j.p - j.buf), st->out);
	print_call(st, e);
	print_result(st, e);
	j.p = j.buf;
	JLIT(&j, " ppid=");
	ji64(&j, e->ppid);
	JLIT(&j, " uid=");
	ju64(&j, e->uid);
	{
		const char *ct = ctlabels_get(&st->labels, e)->text;

		jraw(&j, ct, strlen(ct));
	}
	if (e->nspid_len > 1) {
		JLIT(&j, " nspid=");
		for (int i = 0; i < e->nspid_len; i++) {
			if (i)
				*j.p++ = '/';
			ji64(&j, e->nspid[i]);
		}
	}
	if (e->child_pid) {
		JLIT(&j, " child=");
		ji64(&j, e->child_pid);
		*j.p++ = '/';
		ji64(&j, e->child_vpid);
	}
	for (int s = 0; s < NSINFO_EV_NSLOTS; s++) {
		bool changed = ns_changed(e, s);

		if (!changed && !(st->o->full && e->before[s].ino))
			continue;
		*j.p++ = ' ';
		jraw(&j, slot_name(s), strlen(slot_name(s)));
		*j.p++ = ':';
		ju64(&j, e->before[s].ino);
		if (changed) {
			JLIT(&j, "->");
			ju64(&j, e->after[s].ino);
		}
	}
	*j.p++ = '\n';
	fwrite_unlocked(j.buf, 1, (size_t)(j.p - j.buf), st->out);
}

/* -------------------------------------------------------- JSON output */

/*
 * Events are one fixed shape: written by hand into a line buffer (numbers
 * by a small decimal writer, strings through nsinfo_escape's JSON mode),
 * one fwrite per event. json-c's generic objects cost ten times the rest of
 * the tracer on a burst. The summary and error paths still use json-c.
 */
/* a string literal from our own tables (no escaping needed) */
static void jlit(struct jline *j, const char *s)
{
	*j->p++ = '"';
	jraw(j, s, strlen(s));
	*j->p++ = '"';
}

/* a name the traced process chose: escaped, the last one remembered */
static void jcomm(struct jline *j, const char *comm)
{
	static char last[16], *buf;
	static const char *esc;
	static size_t size;

	if (!esc || strncmp(last, comm, sizeof(last))) {
		strncpy(last, comm, sizeof(last));
		esc = nsinfo_escape(last, NSINFO_ESCAPE_JSON, &buf, &size);
		if (!esc)
			nst_die(NST_EXIT_TROUBLE, "%s", strerror(ENOMEM));
	}
	jlit(j, esc);
}

/* "2026-01-02T03:04:05.123456Z": the date part formatted once a second */
static void jtime(struct jline *j, uint64_t ns)
{
	static time_t last = -1;
	static char date[24];
	time_t sec = (time_t)(ns / 1000000000ULL);
	uint32_t us = (uint32_t)(ns % 1000000000ULL / 1000);
	char frac[8] = ".000000";

	if (sec != last) {
		struct tm tm;

		gmtime_r(&sec, &tm);
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		last = sec;
	}
	for (int i = 6; i > 0; i--, us /= 10)
		frac[i] = (char)('0' + us % 10);
	*j->p++ = '"';
	jraw(j, date, strlen(date));
	jraw(j, frac, 7);
	JLIT(j, "Z\"");
}

static void jns(struct jline *j, const struct nsinfo_event_ns *n)
{
	JLIT(j, "{\"ino\":");
	ju64(j, n->ino);
	JLIT(j, ",\"id\":");
	ju64(j, n->nsid);
	*j->p++ = '}';
}

static void jtarget(struct jline *j, const struct nsinfo_event *e)
{
	static const char *const kinds[] = {
		[NSINFO_EV_TARGET_NONE] = "none", [NSINFO_EV_TARGET_NSFD] = "nsfd",
		[NSINFO_EV_TARGET_PIDFD] = "pidfd", [NSINFO_EV_TARGET_OTHER] = "other",
	};

	JLIT(j, ",\"target\":{\"kind\":");
	jlit(j, kinds[e->target]);
	JLIT(j, ",\"fd\":");
	ji64(j, e->target_fd);
	if (e->target == NSINFO_EV_TARGET_NSFD) {
		JLIT(j, ",\"type\":");
		jlit(j, nsinfo_type_name(e->target_type) ?: "?");
		JLIT(j, ",\"ns\":");
		jns(j, &e->target_ns);
	} else if (e->target == NSINFO_EV_TARGET_PIDFD) {
		JLIT(j, ",\"pid\":");
		ji64(j, e->target_pid);
	}
	*j->p++ = '}';
}

/* "ns": the slots that changed; with --full, every slot */
static void jslots(struct jline *j, const struct nsinfo_event *e, bool full)
{
	bool first = true;

	JLIT(j, ",\"ns\":{");
	for (int s = 0; s < NSINFO_EV_NSLOTS; s++) {
		bool changed = ns_changed(e, s);

		if (!changed && !full)
			continue;
		if (!first)
			*j->p++ = ',';
		first = false;
		jlit(j, slot_name(s));
		JLIT(j, ":{\"before\":");
		jns(j, &e->before[s]);
		JLIT(j, ",\"after\":");
		jns(j, &e->after[s]);
		if (changed)
			JLIT(j, ",\"changed\":true}");
		else
			JLIT(j, ",\"changed\":false}");
	}
	*j->p++ = '}';
}

static void jhead(struct jline *j, const struct nsinfo_event *e, struct ctlabels *labels)
{
	const char *ct = ctlabels_get(labels, e)->json;

	JLIT(j, "{\"v\":");
	ju64(j, JSON_SCHEMA_VERSION);
	JLIT(j, ",\"time\":");
	jtime(j, e->time_ns);
	JLIT(j, ",\"time_ns\":");
	ju64(j, e->time_ns);
	JLIT(j, ",\"kind\":");
	jlit(j, nsinfo_event_kind_name(e->kind));
	JLIT(j, ",\"pid\":");
	ji64(j, e->pid);
	JLIT(j, ",\"tgid\":");
	ji64(j, e->tgid);
	JLIT(j, ",\"ppid\":");
	ji64(j, e->ppid);
	JLIT(j, ",\"uid\":");
	ju64(j, e->uid);
	JLIT(j, ",\"comm\":");
	jcomm(j, e->comm);
	JLIT(j, ",\"cgroup_id\":");
	ju64(j, e->cgroup_id);
	JLIT(j, ",\"nspid\":[");
	for (int i = 0; i < e->nspid_len; i++) {
		if (i)
			*j->p++ = ',';
		ji64(j, e->nspid[i]);
	}
	JLIT(j, "],\"flags\":");
	ju64(j, e->flags);
	jraw(j, ct, strlen(ct));
	JLIT(j, ",\"pidns\":");
	jns(j, &e->pidns);
}

static void print_event_json(struct state *st, const struct nsinfo_event *e)
{
	struct jline j;
	bool first = true;

	j.p = j.buf;
	jhead(&j, e, &st->labels);
	JLIT(&j, ",\"types\":[");
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (e->types & (1u << t)) {
			if (!first)
				*j.p++ = ',';
			first = false;
			jlit(&j, nsinfo_type_name(t));
		}
	JLIT(&j, "],\"ret\":");
	ji64(&j, e->ret);
	JLIT(&j, ",\"errno\":");
	if (e->error)
		jlit(&j, errno_name(e->error));
	else
		JLIT(&j, "null");
	JLIT(&j, ",\"latency_ns\":");
	ju64(&j, e->latency_ns);
	if (e->kind == NSINFO_EV_SETNS)
		jtarget(&j, e);
	if (e->child_pid) {
		JLIT(&j, ",\"child\":{\"pid\":");
		ji64(&j, e->child_pid);
		JLIT(&j, ",\"vpid\":");
		ji64(&j, e->child_vpid);
		*j.p++ = '}';
	}
	jslots(&j, e, st->o->full);
	JLIT(&j, "}\n");
	fwrite_unlocked(j.buf, 1, (size_t)(j.p - j.buf), st->out);
}

static void print_json(const struct state *st, json_object *o)
{
	nst_fputs_json(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), st->out);
	fputc('\n', st->out);
	json_object_put(o);
}

/* ----------------------------------------------------------- summary */

static void count_one(struct state *st, int kind, int type, int error)
{
	for (size_t i = 0; i < st->ncounts; i++) {
		struct count *c = &st->counts[i];

		if (c->kind == kind && c->type == type && c->error == error) {
			c->n++;
			return;
		}
	}
	if (st->ncounts == st->counts_cap) {
		size_t cap = st->counts_cap ? st->counts_cap * 2 : 32;
		struct count *n = realloc(st->counts, cap * sizeof(*n));

		if (!n)
			nst_die(NST_EXIT_TROUBLE, "cannot count events: %s", strerror(ENOMEM));
		st->counts = n;
		st->counts_cap = cap;
	}
	st->counts[st->ncounts++] = (struct count){ kind, type, error, 1 };
}

static void count_event(struct state *st, const struct nsinfo_event *e)
{
	bool any = false;

	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (e->types & (1u << t)) {
			count_one(st, e->kind, t, e->error);
			any = true;
		}
	if (!any)
		count_one(st, e->kind, NSINFO_NTYPES, e->error);
}

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->type != y->type)
		return x->type - y->type;
	return x->error - y->error;
}

/* -c -J: one line, {"v":1,"kind":"summary","counts":[...],"events":N,"lost":M} */
static void print_summary_json(struct state *st, uint64_t lost)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "v", json_object_new_int(JSON_SCHEMA_VERSION));
	json_object_object_add(o, "kind", json_object_new_string("summary"));
	for (size_t i = 0; i < st->ncounts; i++) {
		const struct count *c = &st->counts[i];
		json_object *r = json_object_new_object();

		json_object_object_add(r, "kind", json_object_new_string(nsinfo_event_kind_name(c->kind)));
		json_object_object_add(r, "type", c->type < NSINFO_NTYPES ?
				       json_object_new_string(nsinfo_type_name(c->type)) : NULL);
		json_object_object_add(r, "errno", c->error ? json_object_new_string(errno_name(c->error)) : NULL);
		json_object_object_add(r, "count", json_object_new_uint64(c->n));
		json_object_array_add(a, r);
	}
	json_object_object_add(o, "counts", a);
	json_object_object_add(o, "events", json_object_new_uint64(st->events));
	json_object_object_add(o, "lost", json_object_new_uint64(lost));
	print_json(st, o);
}

enum { SCOL_KIND, SCOL_TYPE, SCOL_RESULT, SCOL_COUNT, NSCOLS };
static const struct nst_col summary_cols[NSCOLS] = {
	[SCOL_KIND]   = { "KIND", 0, 0, SCOLS_JSON_STRING, "operation" },
	[SCOL_TYPE]   = { "TYPE", 0, 0, SCOLS_JSON_STRING, "namespace type, - for none" },
	[SCOL_RESULT] = { "RESULT", 0, 0, SCOLS_JSON_STRING, "ok, or the errno name" },
	[SCOL_COUNT]  = { "COUNT", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "how many" },
};

static void print_summary(struct state *st, uint64_t lost)
{
	struct nst_out o;

	qsort(st->counts, st->ncounts, sizeof(*st->counts), cmp_count);
	if (st->o->json)
		return print_summary_json(st, lost);
	nst_out_init(&o, summary_cols, NSCOLS, "KIND,TYPE,RESULT,COUNT");
	o.colors = false;
	if (!nst_out_table(&o, "summary"))
		nst_die(NST_EXIT_TROUBLE, "cannot print the summary: %s", strerror(ENOMEM));
	for (size_t i = 0; i < st->ncounts; i++) {
		const struct count *c = &st->counts[i];
		struct libscols_line *ln = nst_out_line(&o, NULL);

		nst_out_set(&o, ln, SCOL_KIND, nsinfo_event_kind_name(c->kind));
		nst_out_set(&o, ln, SCOL_TYPE, c->type < NSINFO_NTYPES ? nsinfo_type_name(c->type) : "-");
		nst_out_set(&o, ln, SCOL_RESULT, c->error ? errno_name(c->error) : "ok");
		nst_out_setf(&o, ln, SCOL_COUNT, "%llu", (unsigned long long)c->n);
	}
	scols_table_set_stream(o.tb, st->out);
	nst_out_print(&o);
	fprintf(st->out, "%llu events, %llu lost\n", (unsigned long long)st->events,
		       (unsigned long long)lost);
}

/* ------------------------------------------------------------ the loop */

static void render(struct state *st, const struct nsinfo_event *e)
{
	if (st->o->json)
		print_event_json(st, e);
	else
		print_human(st, e);
}

/* Grow the queue ring (doubling, unwrapped into the new block); false at
 * QUEUE_MAX or without memory. */
static bool queue_grow(struct state *st)
{
	size_t cap = st->qcap ? st->qcap * 2 : 1024;
	struct nsinfo_event *n;

	if (cap > QUEUE_MAX || !(n = malloc(cap * sizeof(*n))))
		return false;
	for (size_t i = 0; i < st->qlen; i++)
		n[i] = st->q[(st->qhead + i) % st->qcap];
	free(st->q);
	st->q = n;
	st->qhead = 0;
	st->qcap = cap;
	return true;
}

static void render_queued(struct state *st, size_t max)
{
	while (st->qlen && max--) {
		render(st, &st->q[st->qhead]);
		st->qhead = (st->qhead + 1) % st->qcap;
		st->qlen--;
	}
}

static int on_event(const struct nsinfo_event *e, void *userdata)
{
	struct state *st = userdata;

	st->events++;
	if (st->o->summary) {
		count_event(st, e);
	} else if (st->qlen < st->qcap || queue_grow(st)) {
		st->q[(st->qhead + st->qlen) % st->qcap] = *e;
		st->qlen++;
	} else {
		/* queue full: keep order, render everything now */
		render_queued(st, SIZE_MAX);
		render(st, e);
	}
	return 0;
}

static void flush_out(struct state *st)
{
	if (fflush(st->out) != 0 || ferror(st->out))
		st->out_err = errno ? errno : EIO;
}

/* Drain the ring buffer, then render one slice (all of it when final). */
static void consume(struct state *st, struct nsinfo_events *ev, bool final)
{
	int n = nsinfo_events_consume(ev);

	if (n < 0)
		nst_die(NST_EXIT_TROUBLE, "reading events: %s", strerror(-n));
	render_queued(st, final ? SIZE_MAX : RENDER_SLICE);
	flush_out(st);
}

static void log_libbpf(const char *line, void *userdata)
{
	(void)userdata;
	nst_warn("libbpf: %s", line);
}

static int make_timer(double seconds)
{
	struct itimerspec its = { 0 };
	int fd;

	if (seconds <= 0)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot set the duration timer: %s", strerror(errno));
	return fd;
}

static void watch(int epfd, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

	if (fd >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) < 0)
		nst_die(NST_EXIT_TROUBLE, "epoll: %s", strerror(errno));
}

/* Is the traced command gone? Its wait status in *status. */
static bool command_done(pid_t child, int *status)
{
	return child > 0 && waitpid(child, status, WNOHANG) == child;
}

/* Run until SIGINT/SIGTERM, the duration, or the command's end. Returns the
 * command's wait status (0 without a command). */
static int trace_loop(struct state *st, struct nsinfo_events *ev, int sigfd, pid_t child)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC), timer = make_timer(st->o->duration);
	int status = 0;
	bool tracing = true;

	if (epfd < 0)
		nst_die(NST_EXIT_TROUBLE, "epoll: %s", strerror(errno));
	watch(epfd, nsinfo_events_fd(ev));
	watch(epfd, sigfd);
	watch(epfd, timer);
	while (!st->out_err) {
		struct epoll_event e[4];
		/* with lines still queued, only peek at the fds */
		int n = epoll_wait(epfd, e, 4, st->qlen ? 0 : -1);

		if (n < 0 && errno != EINTR)
			nst_die(NST_EXIT_TROUBLE, "epoll: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			if (e[i].data.fd == sigfd) {
				struct signalfd_siginfo si;

				if (read(sigfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD)
					tracing = false;
			} else if (e[i].data.fd == timer) {
				tracing = false;
			}
		}
		/* after the command ended (or tracing stopped), one last drain:
		 * its records were committed at syscall exit, before it died */
		if (command_done(child, &status)) {
			consume(st, ev, true);
			break;
		}
		consume(st, ev, false);
		if (!tracing) {
			consume(st, ev, true);
			/* duration over or interrupted: stop tracing, let the command finish */
			while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
	}
	if (timer >= 0)
		close(timer);
	close(epfd);
	return status;
}

/* The command waits on a pipe until the probe is attached, so that its very
 * first operation is traced. */
static pid_t spawn_stopped(char **argv, int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		nst_die(NST_EXIT_TROUBLE, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot fork: %s", strerror(errno));
	if (pid == 0) {
		sigset_t none;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(NST_EXIT_TROUBLE);   /* tracer failed: run nothing */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		nst_warn("cannot run '%s': %s", argv[0], strerror(errno));
		_exit(errno == ENOENT ? NST_EXIT_NOTFOUND : NST_EXIT_NOEXEC);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return NST_EXIT_TROUBLE;
}

static void report_lost(struct state *st, struct nsinfo_events *ev)
{
	uint64_t lost = 0;
	int err = nsinfo_events_lost(ev, &lost);

	if (err < 0)
		nst_warn("cannot read the lost-event counter: %s", strerror(-err));
	if (st->o->summary)
		print_summary(st, lost);
	else if (st->o->json)
		fprintf(st->out, "{\"v\":%d,\"kind\":\"end\",\"events\":%llu,\"lost\":%llu}\n",
		       JSON_SCHEMA_VERSION, (unsigned long long)st->events,
		       (unsigned long long)lost);
	if (lost)
		nst_warn("%llu events lost (ring buffer full); "
			 "use a larger --buffer-size or narrower filters", (unsigned long long)lost);
	else
		nst_warn("%llu events, 0 lost", (unsigned long long)st->events);
}

/* ------------------------------------------------------------ options */

static void __attribute__((noreturn)) usage(void)
{
	printf("Usage:\n"
	       " " PROG " [options] [-- COMMAND [ARG...]]\n\n"
	       "Stream namespace operations (clone, clone3, unshare, setns, forks into\n"
	       "another pid namespace) as they happen. With COMMAND, trace only it and\n"
	       "its descendants and exit with its status; otherwise trace the whole\n"
	       "host until interrupted.\n\n"
	       "Options:\n"
	       " -p, --pid PID            trace PID and its descendants\n"
	       " -C, --container REF      trace every process of a container (repeatable):\n"
	       "                          its pid namespace and those below it, later\n"
	       "                          execs included; a --pid=host container by its\n"
	       "                          cgroup. REF: NAME, RUNTIME:NAME, an id prefix,\n"
	       "                          or any pid namespace (pid:N, id:NSID, inode, path)\n"
	       " -t, --type TYPE[,TYPE]   only these namespace types (repeatable):\n"
	       "                          cgroup ipc mnt net pid time user uts\n"
	       "     --failed             only operations that failed\n"
	       " -c, --summary            counts per kind, type and result at exit\n"
	       " -d, --duration SECONDS   stop tracing after this long\n"
	       " -J, --json               one JSON object per line (schema v%d)\n"
	       "     --full               every namespace link before and after, not\n"
	       "                          only those that changed\n"
	       " -o, --output FILE        write the trace to FILE, not stdout\n"
	       "     --line-buffered      write each event at once (default: per batch)\n"
	       " -b, --buffer-size MIB    ring buffer: 1, 2 (default) or 4 MiB\n"
	       "     --nice N             the reader's nice value (default %d), so that\n"
	       "                          a burst of busy processes cannot starve it\n"
	       "     --raw-syscalls       hook raw sys_enter/sys_exit, not syscall tracepoints\n"
	       " -v, --verbose            show how the probe attaches and libbpf messages\n"
	       NST_COLOR_HELP
	       " -h, --help               display this help\n"
	       " -V, --version            display version\n\n"
	       "Exit status: COMMAND's (127 not found, 126 cannot run), else 0; 1 no such\n"
	       "--pid process or -C container (not running, ambiguous), 2 bad usage,\n"
	       "3 trouble (BPF, the output).\n"
	       "For more details see nstrace(8).\n", JSON_SCHEMA_VERSION, DEFAULT_NICE);
	exit(EXIT_SUCCESS);
}

static void add_types(struct opts *o, const char *list)
{
	char *dup = strdup(list), *save = NULL;

	if (!dup)
		nst_die(NST_EXIT_TROUBLE, "%s", strerror(ENOMEM));
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int type = nsinfo_type_from_name(t);

		if (type < 0)
			nst_usage_error(NST_EXIT_USAGE, "unknown namespace type '%s'", t);
		o->ev.types |= 1u << type;
	}
	free(dup);
}

static size_t parse_buffer(const char *s)
{
	long mib;

	if (nst_parse_long(s, 1, 4, &mib) || mib == 3)
		nst_usage_error(NST_EXIT_USAGE, "invalid buffer size '%s' (1, 2 or 4 MiB)", s);
	return (size_t)mib << 20;
}

enum { OPT_FAILED = 256, OPT_RAW, OPT_FULL, OPT_LINEBUF, OPT_NICE };

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "container", required_argument, NULL, 'C' },
		{ "type", required_argument, NULL, 't' },
		{ "failed", no_argument, NULL, OPT_FAILED },
		{ "summary", no_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "raw-syscalls", no_argument, NULL, OPT_RAW },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "line-buffered", no_argument, NULL, OPT_LINEBUF },
		{ "nice", required_argument, NULL, OPT_NICE },
		{ "verbose", no_argument, NULL, 'v' },
		NST_COLOR_LONGOPT,
		NST_STD_LONGOPTS,
	};
	int c;

	while ((c = getopt_long(argc, argv, "+p:C:t:cd:Jo:b:v" NST_STD_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (nsinfo_parse_pid(optarg, &o->ev.pid) < 0)
				nst_usage_error(NST_EXIT_USAGE, "invalid pid '%s'", optarg);
			break;
		case 'C':
			nst_ct_option(o->ct_refs, &o->nct, optarg);
			break;
		case 't': add_types(o, optarg); break;
		case OPT_FAILED: o->ev.flags |= NSINFO_EVENTS_FAILED_ONLY; break;
		case 'c': o->summary = true; break;
		case 'd':
			/* a timer of less than a nanosecond would never fire */
			o->duration = nst_arg_seconds(optarg, 1e-9, 1e9, "duration");
			break;
		case 'J': o->json = true; break;
		case 'o': o->output = optarg; break;
		case 'b': o->ev.ringbuf_bytes = parse_buffer(optarg); break;
		case OPT_RAW: o->ev.flags |= NSINFO_EVENTS_RAW_SYSCALLS; break;
		case OPT_FULL:
			o->full = true;
			o->ev.flags |= NSINFO_EVENTS_FULL;
			break;
		case OPT_LINEBUF: o->line_buffered = true; break;
		case OPT_NICE: o->nice = (int)nst_arg_long(optarg, -20, 19, "nice value"); break;
		case 'v': o->verbose = true; break;
		case NST_OPT_COLOR: nst_color_option(optarg, NST_EXIT_USAGE); break;
		default:
			nst_std_option(c, argv, usage, NST_EXIT_USAGE);
			nst_usage_error(NST_EXIT_USAGE, NULL);
		}
	}
	if (optind < argc)
		o->command = argv + optind;
	if (o->command && o->ev.pid)
		nst_usage_error(NST_EXIT_USAGE, "--pid and a command are mutually exclusive");
}

/* -C: every REF through the library's resolver, into the kernel filter */
static void resolve_containers(struct opts *o)
{
	for (size_t i = 0; i < o->nct; i++)
		nst_ct_targets_add(&o->ct, o->ct_refs[i]);
	nst_ct_targets_opts(&o->ct, &o->ev);
	for (size_t i = 0; o->verbose && i < o->ct.n; i++) {
		const struct nst_ct_target *t = &o->ct.v[i];

		if (t->host)
			nst_warn("%s: in the host's pid namespace: filtered by the cgroup of pid %d",
				 nst_esc(t->ref), (int)t->member);
		else
			nst_warn("%s: pid namespace %llu (id %llu) and those below it",
				 nst_esc(t->ref), (unsigned long long)t->pidns.ino,
				 (unsigned long long)t->pidns.nsid);
	}
}

static int block_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		nst_die(NST_EXIT_TROUBLE, "signals: %s", strerror(errno));
	return fd;
}

static struct nsinfo_events *start(struct opts *o, struct state *st)
{
	struct nsinfo_events *ev = NULL;
	char why[256];
	int err = nsinfo_events_supported(why, sizeof(why));

	if (err < 0)
		nst_die(NST_EXIT_TROUBLE, "%s", why);
	o->ev.size = sizeof(o->ev);
	o->ev.cb = on_event;
	o->ev.userdata = st;
	o->ev.log = o->verbose ? log_libbpf : NULL;
	err = nsinfo_events_new(&o->ev, &ev);
	if (err == -ESRCH)
		nst_die(NST_EXIT_NO, "process %d: %s", (int)o->ev.pid, strerror(ESRCH));
	if (err < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot load the BPF probe: %s%s", strerror(-err),
		    o->verbose ? "" : " (-v shows libbpf's messages)");
	if (o->verbose)
		nst_warn("attached through %s, %zu KiB ring buffer, cgroup hierarchy %s",
			nsinfo_events_attach_mode(ev),
			(o->ev.ringbuf_bytes ? o->ev.ringbuf_bytes : 2u << 20) >> 10,
			*nsinfo_events_cgroup_hierarchy(ev) ? nsinfo_events_cgroup_hierarchy(ev)
							    : "unified");
	return ev;
}

int main(int argc, char **argv)
{
	struct opts o = { .ev = { .size = sizeof(o.ev) }, .nice = DEFAULT_NICE };
	struct state st = { .o = &o };
	struct nsinfo_events *ev;
	pid_t child = 0;
	int sigfd, go = -1, status, rc;

	/* getopt's own messages name argv[0]: "nstrace:", as every tool's */
	argv[0] = program_invocation_short_name;
	parse_args(argc, argv, &o);
	resolve_containers(&o);
	ctlabels_init(&st.labels, &o.ct);
	/* a separate stream, so that COMMAND keeps the real stdout */
	st.out = o.output ? fopen(o.output, "we") : stdout;
	if (!st.out)
		nst_die(NST_EXIT_TROUBLE, "cannot open %s: %s", o.output, strerror(errno));
	/* colour as every tool decides it, for the stream written */
	st.color = nst_colors_wanted_fd(fileno(st.out)) && !o.json;
	/* a burst is written in one write per batch, not one per line */
	if (o.line_buffered)
		setvbuf(st.out, NULL, _IOLBF, 0);
	else
		setvbuf(st.out, NULL, _IOFBF, OUT_BUFFER);
	sigfd = block_signals();
	if (o.command) {
		child = spawn_stopped(o.command, &go);
		o.ev.pid = child;
	}
	/* after the fork: the command keeps the caller's priority */
	if (setpriority(PRIO_PROCESS, 0, o.nice) < 0 && o.verbose)
		nst_warn("cannot set the reader's nice value to %d: %s",
			o.nice, strerror(errno));
	ev = start(&o, &st);
	if (go >= 0 && (write(go, "g", 1) != 1 || close(go) < 0))
		nst_die(NST_EXIT_TROUBLE, "cannot start '%s': %s", o.command[0], strerror(errno));
	status = trace_loop(&st, ev, sigfd, child);
	report_lost(&st, ev);
	nsinfo_events_unref(ev);
	ctlabels_free(&st.labels);
	nst_ct_targets_free(&o.ct);
	free(st.counts);
	free(st.q);
	flush_out(&st);
	if (st.out_err || fclose(st.out) != 0) {
		nst_warn("write error: %s", strerror(st.out_err ? st.out_err : errno));
		return NST_EXIT_TROUBLE;
	}
	rc = child ? exit_code_of(status) : EXIT_SUCCESS;
	return rc;
}

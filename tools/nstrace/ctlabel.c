/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which container an event comes from: the library's container model
 * (nsinfo_container_lookup: the caller's cgroup and the engine's state
 * files), asked once per (pid namespace, cgroup) the events come from and
 * kept; with -C, the targets' own labels. A caller that has exited before
 * its event is read is looked up through another process of its pid
 * namespace, unless that is the host's; what stays unknown is not kept, so
 * a later event asks again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ctlabel.h"
#include "exitcodes.h"

#define CACHE_MIN 256
#define CACHE_MAX 65536

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);

	if (!d)
		nst_die(NST_EXIT_TROUBLE, "%s", strerror(ENOMEM));
	return d;
}

/* a JSON string or null; escaped */
static void json_str(char *buf, size_t len, size_t *w, const char *key, const char *v)
{
	static char *esc;
	static size_t size;
	const char *e = v && *v ? nsinfo_escape(v, NSINFO_ESCAPE_JSON, &esc, &size) : NULL;

	if (v && *v && !e)
		nst_die(NST_EXIT_TROUBLE, "%s", strerror(ENOMEM));
	if (*w < len)
		*w += (size_t)snprintf(buf + *w, len - *w, e ? ",\"%s\":\"%s\"" : ",\"%s\":null",
				       key, e ? e : "");
}

static void set_label(struct ctlabel *l, const char *label, const char *runtime, const char *cid)
{
	char buf[2048];
	size_t w = 0;

	if (label && *label) {
		snprintf(buf, sizeof(buf), " container=%s", nst_esc(label));
		l->text = dup_or_die(buf);
	} else {
		l->text = dup_or_die("");
	}
	json_str(buf, sizeof(buf), &w, "container", label);
	json_str(buf, sizeof(buf), &w, "runtime", runtime);
	json_str(buf, sizeof(buf), &w, "cid", cid);
	l->json = dup_or_die(buf);
}

void ctlabels_init(struct ctlabels *c, const struct nst_ct_targets *targets)
{
	memset(c, 0, sizeof(*c));
	c->targets = targets && targets->n ? targets : NULL;
	set_label(&c->none, NULL, NULL, NULL);
}

static void drop_all(struct ctlabels *c)
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].used) {
			free(c->v[i].text);
			free(c->v[i].json);
		}
	if (c->v)
		memset(c->v, 0, c->cap * sizeof(*c->v));
	c->n = 0;
}

void ctlabels_free(struct ctlabels *c)
{
	drop_all(c);
	free(c->v);
	free(c->none.text);
	free(c->none.json);
	memset(c, 0, sizeof(*c));
}

static size_t slot_of(const struct ctlabels *c, const struct nsinfo_event *e)
{
	uint64_t h = (e->pidns.ino * 0x9e3779b97f4a7c15ull) ^ (e->pidns.nsid * 0xc2b2ae3d27d4eb4full) ^
		     (e->cgroup_v1_id * 0x165667b19e3779f9ull);

	return (size_t)(h >> 17) & (c->cap - 1);
}

/* The inode of pid's pid namespace, 0 unknown (gone, refused) */
static uint64_t pidns_of(pid_t pid)
{
	char path[48];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* pid still in the pid namespace the event names (it may have exited and
 * its number gone to another process since) */
static bool in_pidns(pid_t pid, const struct nsinfo_event *e)
{
	return e->pidns.ino && pidns_of(pid) == e->pidns.ino;
}

/* 0 known (in *info or none: -ENOENT), -ESRCH unknown */
static int lookup(pid_t pid, const struct nsinfo_event *e, struct nsinfo_container_info *info)
{
	int r;

	if (pid <= 0)
		return -ESRCH;
	r = nsinfo_container_lookup(NULL, pid, info);
	if (r < 0 && r != -ENOENT)
		return -ESRCH;
	/* read after the lookup: a pid reused meanwhile is not trusted */
	if (!in_pidns(pid, e))
		return -ESRCH;
	return r;
}

/* A process still in the pid namespace of e (not the host's), from the
 * library, once per pid namespace whose caller has exited before its event
 * was read (docker exec and podman exec start their processes from outside,
 * so the parent is of no help) */
static pid_t member_of(const struct nsinfo_event *e)
{
	uint64_t own = pidns_of(getpid());
	pid_t pid;

	if (!own || own == e->pidns.ino ||
	    nsinfo_ns_member(NULL, NSINFO_PID, e->pidns.ino, e->pidns.nsid, &pid) < 0)
		return 0;
	return pid;
}

/* The container of e's caller, as the library labels it; false unknown */
static bool find(struct ctlabels *c, const struct nsinfo_event *e, struct ctlabel *out)
{
	struct nsinfo_container_info info;
	const struct nst_ct_target *t;
	int r;

	/* one container traced: whatever passed the filter is its */
	t = c->targets && c->targets->n == 1 ? &c->targets->v[0] : NULL;
	if (!t && c->targets)
		t = nst_ct_targets_find(c->targets, &e->pidns);
	if (t && t->label[0]) {
		set_label(out, t->label, t->runtime, t->cid);
		return true;
	}
	r = lookup(e->tgid, e, &info);
	/* gone: another process of its pid namespace (not the host's) */
	if (r == -ESRCH)
		r = lookup(member_of(e), e, &info);
	if (r == -ESRCH)
		return false;
	if (r == -ENOENT)
		set_label(out, NULL, NULL, NULL);
	else
		set_label(out, info.label, info.runtime, info.id);
	return true;
}

static void grow(struct ctlabels *c)
{
	struct ctlabel *old = c->v;
	size_t ocap = c->cap;

	if (c->cap >= CACHE_MAX) {
		drop_all(c); /* a host with that many: start again */
		return;
	}
	c->cap = c->cap ? c->cap * 2 : CACHE_MIN;
	c->v = calloc(c->cap, sizeof(*c->v));
	if (!c->v)
		nst_die(NST_EXIT_TROUBLE, "%s", strerror(ENOMEM));
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].used)
			continue;
		struct nsinfo_event k = { .pidns = { old[i].ino, old[i].nsid },
					  .cgroup_v1_id = old[i].cg };
		size_t s = slot_of(c, &k);

		while (c->v[s].used)
			s = (s + 1) & (c->cap - 1);
		c->v[s] = old[i];
	}
	free(old);
}

const struct ctlabel *ctlabels_get(struct ctlabels *c, const struct nsinfo_event *e)
{
	struct ctlabel l = { 0 };
	size_t s;

	if (c->n * 4 >= c->cap * 3)
		grow(c);
	for (s = slot_of(c, e); c->v[s].used; s = (s + 1) & (c->cap - 1))
		if (c->v[s].ino == e->pidns.ino && c->v[s].nsid == e->pidns.nsid &&
		    c->v[s].cg == e->cgroup_v1_id)
			return &c->v[s];
	if (!find(c, e, &l))
		return &c->none;
	l.ino = e->pidns.ino;
	l.nsid = e->pidns.nsid;
	l.cg = e->cgroup_v1_id;
	l.used = 1;
	c->v[s] = l;
	c->n++;
	return &c->v[s];
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -C REF: what a container (or a pid namespace) is for the event source's
 * kernel filter. A container with its own pid namespace is that namespace
 * (every process in it or below it, whoever started it: docker exec and
 * podman exec join it); a container sharing the host's pid namespace is its
 * cgroup. Names resolve only to engine-verified containers: the resolver
 * refuses the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ctcols.h"
#include "cttarget.h"
#include "exitcodes.h"

static uint64_t own_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? st.st_ino : 0;
}

/* A --pid=host container: one of its processes stands for its cgroup */
static void add_host_container(struct nst_ct_targets *t, struct nst_ct_target *c,
			       const char *ref, int k)
{
	const struct nsinfo_snapshot *s = nsinfo_resolver_snapshot(t->refs);
	size_t np;
	const struct nsinfo_proc *p = nsinfo_snapshot_procs(s, &np);

	for (size_t i = 0; i < np && !c->member; i++)
		if (p[i].container == k && !(p[i].flags & NSINFO_PROC_THREAD) && p[i].pid > 1)
			c->member = p[i].pid;
	if (!c->member)
		nst_die(NST_EXIT_NO, "%s: container has no process left", nst_esc(ref));
	c->host = true;
	t->cgroup_of[t->ncgroup_of++] = c->member;
}

void nst_ct_option(const char **refs, size_t *n, const char *arg)
{
	if (*n >= NST_CT_MAX_TARGETS)
		nst_usage_error(NST_EXIT_USAGE, "at most %d -C targets", NST_CT_MAX_TARGETS);
	refs[(*n)++] = arg;
}

void nst_ct_targets_add(struct nst_ct_targets *t, const char *ref)
{
	struct nst_ct_target *c;
	struct nst_ct_cells cells;
	struct nsinfo_nsref r;
	int err, k = -1;

	if (t->n >= NST_CT_MAX_TARGETS)
		nst_usage_error(NST_EXIT_USAGE, "at most %d -C targets", NST_CT_MAX_TARGETS);
	if (!t->refs && (err = nsinfo_resolver_new(NULL, NULL, &t->refs)) < 0)
		nst_die(NST_EXIT_TROUBLE, "%s", strerror(-err));
	err = nsinfo_resolver_resolve(t->refs, ref, NSINFO_PID, &r);
	if (err < 0)
		nst_ref_die(t->refs, ref, err);
	if (r.fd >= 0)
		close(r.fd);
	c = &t->v[t->n];
	memset(c, 0, sizeof(*c));
	c->ref = ref;
	c->container = -1;
	c->pidns.ino = r.ino;
	c->pidns.nsid = r.nsid;
	/* a name or id: the container itself, for its label (and its cgroup) */
	if (strncmp(ref, "pid:", 4) && strncmp(ref, "id:", 3) && ref[0] != '/' && ref[0] != '.')
		k = nsinfo_resolver_container(t->refs, ref);
	if (r.ino == own_pidns()) {
		if (k < 0)
			nst_usage_error(NST_EXIT_USAGE, "%s: the host's pid namespace, not a "
					"container's (it would select every process)", nst_esc(ref));
		add_host_container(t, c, ref, k);
	} else {
		t->pidns[t->npidns++] = c->pidns;
	}
	if (k >= 0) {
		c->container = k;
		nst_ct_cells(nsinfo_resolver_snapshot(t->refs), k, &cells);
		snprintf(c->label, sizeof(c->label), "%s", cells.label);
		snprintf(c->runtime, sizeof(c->runtime), "%s", cells.v[NST_CT_RUNTIME] ?: "");
		snprintf(c->cid, sizeof(c->cid), "%s", cells.v[NST_CT_CID] ?: "");
	}
	t->n++;
}

void nst_ct_targets_opts(const struct nst_ct_targets *t, struct nsinfo_events_opts *o)
{
	o->pidns = t->npidns ? t->pidns : NULL;
	o->npidns = t->npidns;
	o->cgroup_of = t->ncgroup_of ? t->cgroup_of : NULL;
	o->ncgroup_of = t->ncgroup_of;
}

const struct nst_ct_target *nst_ct_targets_find(const struct nst_ct_targets *t,
						const struct nsinfo_event_ns *ns)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct nst_ct_target *c = &t->v[i];

		if (!c->host && c->pidns.ino == ns->ino &&
		    (!c->pidns.nsid || !ns->nsid || c->pidns.nsid == ns->nsid))
			return c;
	}
	return NULL;
}

void nst_ct_targets_free(struct nst_ct_targets *t)
{
	nsinfo_resolver_unref(t->refs);
	t->refs = NULL;
	t->n = t->npidns = t->ncgroup_of = 0;
}

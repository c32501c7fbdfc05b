/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What pins a namespace: the HOLDERS cell of the tree and the list, and the
 * --holders view (one row per holder of one namespace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctcols.h"
#include "nstree.h"

/* ------------------------------------------------------- the HOLDERS cell */

/*
 * Per holder kind: the word for one and for many. A kind with more than
 * SUMMARY_ITEMS holders is counted instead of listed: the cell stays one
 * line on a busy host, --holders has the rest.
 */
#define SUMMARY_ITEMS 2
static const struct {
	const char *one, *many;
} kind_words[] = {
	[NSINFO_HOLD_PROC]     = { "proc", "procs" },
	[NSINFO_HOLD_THREAD]   = { "thread", "threads" },
	[NSINFO_HOLD_CHILDREN] = { "children", "children" },
	[NSINFO_HOLD_FD]       = { "fd", "fds" },
	[NSINFO_HOLD_MOUNT]    = { "mount", "mounts" },
	[NSINFO_HOLD_CHILD_NS] = { "child-ns", "child-ns" },
	[NSINFO_HOLD_OWNED_NS] = { "owned-ns", "owned-ns" },
};
#define NKINDS (sizeof(kind_words) / sizeof(kind_words[0]))

static void holder_item(const struct ctl *c, const struct nsinfo_holder *h, FILE *f)
{
	fprintf(f, "%s ", kind_words[h->kind].one);
	switch (h->kind) {
	case NSINFO_HOLD_FD:
		fprintf(f, "%d:%d", (int)h->pid, h->fd);
		break;
	case NSINFO_HOLD_MOUNT:
		fputs(h->path, f);
		break;
	case NSINFO_HOLD_CHILD_NS:
	case NSINFO_HOLD_OWNED_NS:
		fprintf(f, "%s:%" PRIu64, nsinfo_type_name(c->ns[h->ns].type), c->ns[h->ns].ino);
		break;
	default:
		fprintf(f, "%d", (int)h->pid);
	}
}

/* Index of the first mount holder with the same path as holder k. */
static uint32_t first_same_path(const struct nsinfo_ns *n, uint32_t k)
{
	for (uint32_t j = 0; j < k; j++)
		if (n->holders[j].kind == NSINFO_HOLD_MOUNT && !strcmp(n->holders[j].path, n->holders[k].path))
			return j;
	return k;
}

/*
 * Bind mounts by path: a mount made where propagation is shared shows up in
 * every mount namespace cloned since ("mount /run/netns/blue in 102 mntns").
 */
static void mount_items(const struct nsinfo_ns *n, const char *sep, FILE *f)
{
	unsigned paths = 0, total = 0;

	for (uint32_t k = 0; k < n->nholders; k++)
		if (n->holders[k].kind == NSINFO_HOLD_MOUNT) {
			total++;
			paths += first_same_path(n, k) == k;
		}
	if (paths > SUMMARY_ITEMS) {
		fprintf(f, "%s%u %s", sep, total, kind_words[NSINFO_HOLD_MOUNT].many);
		return;
	}
	for (uint32_t k = 0; k < n->nholders; k++) {
		unsigned same = 0;

		if (n->holders[k].kind != NSINFO_HOLD_MOUNT || first_same_path(n, k) != k)
			continue;
		for (uint32_t j = k; j < n->nholders; j++)
			same += n->holders[j].kind == NSINFO_HOLD_MOUNT &&
				!strcmp(n->holders[j].path, n->holders[k].path);
		fprintf(f, "%smount %s", sep, n->holders[k].path);
		if (same > 1)
			fprintf(f, " in %u mntns", same);
	}
}

/*
 * A zombie pins its pid and user namespaces until its parent reaps it: name
 * both, since the parent is the process to look at ("zombie 812 of 790").
 */
static void zombie_items(const struct ctl *c, const struct nsinfo_ns *n, const char *sep,
			 FILE *f)
{
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(c->snap, NULL);
	unsigned zombies = 0, listed = 0;

	for (uint32_t k = 0; k < n->nprocs; k++)
		zombies += !!(procs[n->procs[k]].flags & NSINFO_PROC_ZOMBIE);
	if (zombies > SUMMARY_ITEMS) {
		fprintf(f, "%s%u zombies", sep, zombies);
		return;
	}
	for (uint32_t k = 0; k < n->nprocs && listed < zombies; k++) {
		const struct nsinfo_proc *p = &procs[n->procs[k]];

		if (!(p->flags & NSINFO_PROC_ZOMBIE))
			continue;
		listed++;
		fprintf(f, "%szombie %d of %d", sep, (int)p->pid, (int)p->ppid);
	}
}

char *holders_summary(const struct ctl *c, int32_t i, const char *sep)
{
	const struct nsinfo_ns *n = &c->ns[i];
	unsigned count[NKINDS] = { 0 }, listed[NKINDS] = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	/* the first item says whether anything lives in it at all */
	if (n->nprocs)
		fprintf(f, "%u %s", n->nprocs, n->nprocs == 1 ? "proc" : "procs");
	else
		fputs("no procs", f);
	zombie_items(c, n, sep, f);
	for (uint32_t k = 0; k < n->nholders; k++)
		if ((size_t)n->holders[k].kind < NKINDS)
			count[n->holders[k].kind]++;
	/* holders are grouped by kind in the library's order; keep it */
	for (uint32_t k = 0; k < n->nholders; k++) {
		const struct nsinfo_holder *h = &n->holders[k];
		size_t kind = (size_t)h->kind;

		if (kind >= NKINDS || kind == NSINFO_HOLD_PROC)
			continue;
		/* counted or grouped: said once, at the first of its kind */
		if (listed[kind]++ && (kind == NSINFO_HOLD_MOUNT || count[kind] > SUMMARY_ITEMS))
			continue;
		if (kind == NSINFO_HOLD_MOUNT) {
			mount_items(n, sep, f);
		} else if (count[kind] > SUMMARY_ITEMS) {
			fprintf(f, "%s%u %s", sep, count[kind], kind_words[kind].many);
		} else {
			fputs(sep, f);
			holder_item(c, h, f);
		}
	}
	if (fclose(f))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	return buf;
}


/* ------------------------------------------------------ the --holders view */

enum { HCOL_KIND, HCOL_PID, HCOL_FD, HCOL_MNTNS, HCOL_PATH, HCOL_TYPE, HCOL_NS,
       HCOL_COMMAND, HCOL_CONTAINER, HCOL_RUNTIME, HCOL_CID, HCOL_IMAGE, HCOL_POD, HCOL_K8SNS,
       HCOL_NCOLS };

const struct nst_col holder_columns[] = {
	[HCOL_KIND]    = { "KIND", 8, 0, SCOLS_JSON_STRING,
			   "proc, thread, children, fd, mount, child-ns, owned-ns" },
	[HCOL_PID]     = { "PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "process (thread for kind thread) that holds it; for a mount, the lowest-pid process in MNTNS" },
	[HCOL_FD]      = { "FD", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "file descriptor of PID open on the namespace" },
	[HCOL_MNTNS]   = { "MNTNS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "mount namespace in which PATH is a bind mount" },
	[HCOL_PATH]    = { "PATH", 0.2, 0, SCOLS_JSON_STRING,
			   "bind mount point, as MNTNS sees it" },
	[HCOL_TYPE]    = { "TYPE", 5, 0, SCOLS_JSON_STRING,
			   "type of the child or owned namespace NS" },
	[HCOL_NS]      = { "NS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "child namespace (child-ns) or owned namespace (owned-ns)" },
	[HCOL_COMMAND] = { "COMMAND", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			   "command line of PID" },
	[HCOL_CONTAINER] = { "CONTAINER", 0.1, 0, SCOLS_JSON_STRING,
			   "container of PID (for a mount: the one MNTNS belongs to), labelled as nstree's CONTAINER" },
	NST_CT_COLS(HCOL_RUNTIME, HCOL_CID, HCOL_IMAGE, HCOL_POD, HCOL_K8SNS),
};
const size_t holder_ncols = HCOL_NCOLS;

bool holders_want_containers(const struct ctl *c)
{
	for (int k = 0; k < NST_CT_N; k++)
		if (nst_out_has(&c->out, HCOL_CONTAINER + k))
			return true;
	return false;
}

/* container: the container to show, -2 that of the process */
static void holder_pid(struct ctl *c, struct libscols_line *ln, pid_t pid, int32_t container)
{
	int pi = nsinfo_snapshot_find_proc(c->snap, pid);
	const struct nsinfo_proc *p = pi >= 0 ? &nsinfo_snapshot_procs(c->snap, NULL)[pi] : NULL;
	struct nst_ct_cells cells;
	char cmd[4096];

	nst_out_setf(&c->out, ln, HCOL_PID, "%d", (int)pid);
	if (p && nst_out_has(&c->out, HCOL_COMMAND))
		nst_out_set(&c->out, ln, HCOL_COMMAND, command_of(c, p, cmd, sizeof(cmd)));
	if (container == -2)
		container = p ? p->container : -1;
	nst_ct_cells(c->snap, container, &cells);
	for (int k = 0; k < NST_CT_N; k++)
		nst_out_set(&c->out, ln, HCOL_CONTAINER + k, cells.v[k]);
}

/* A mount holder: who is in that mount namespace, and whose it is */
static void mount_owner(struct ctl *c, struct libscols_line *ln, uint64_t mntns)
{
	int i = nsinfo_snapshot_find_ns(c->snap, NSINFO_MNT, mntns);
	const struct nsinfo_proc *p = i >= 0 ? nsinfo_ns_lowest_proc(c->snap, &c->ns[i]) : NULL;

	if (p)
		holder_pid(c, ln, p->pid, c->ns[i].container >= 0 ? c->ns[i].container : p->container);
}

static void holder_row(struct ctl *c, const struct nsinfo_holder *h)
{
	struct libscols_line *ln = nst_out_line(&c->out, NULL);
	const struct nsinfo_ns *o;

	nst_out_set(&c->out, ln, HCOL_KIND, nsinfo_holder_kind_name(h->kind));
	switch (h->kind) {
	case NSINFO_HOLD_MOUNT:
		nst_out_setf(&c->out, ln, HCOL_MNTNS, "%" PRIu64, h->mntns);
		nst_out_set(&c->out, ln, HCOL_PATH, h->path);
		mount_owner(c, ln, h->mntns);
		return;
	case NSINFO_HOLD_CHILD_NS:
	case NSINFO_HOLD_OWNED_NS:
		o = &c->ns[h->ns];
		nst_out_set(&c->out, ln, HCOL_TYPE, nsinfo_type_name(o->type));
		nst_out_setf(&c->out, ln, HCOL_NS, "%" PRIu64, o->ino);
		return;
	case NSINFO_HOLD_FD:
		nst_out_setf(&c->out, ln, HCOL_FD, "%d", h->fd);
		break;
	}
	holder_pid(c, ln, h->pid, -2);
}

/* A namespace has one of each kind of holder per type: a container needs -t */
static int32_t holders_target(struct ctl *c)
{
	struct nst_target t;

	resolve_arg(c, c->holders_of, &t);
	if (t.ns < 0)
		nst_usage_error(NST_EXIT_USAGE, "%s: a container has a namespace of each type: "
				"choose one with -t", c->holders_of);
	return t.ns;
}

void holders_view(struct ctl *c)
{
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(c->snap, NULL);
	const struct nsinfo_ns *n = &c->ns[holders_target(c)];

	if (!nst_out_table(&c->out, "holders"))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	/* the library keeps members apart from the other holders: one row each */
	for (uint32_t k = 0; k < n->nprocs; k++) {
		struct nsinfo_holder h = { .kind = NSINFO_HOLD_PROC, .pid = procs[n->procs[k]].pid };

		holder_row(c, &h);
	}
	for (uint32_t k = 0; k < n->nholders; k++)
		holder_row(c, &n->holders[k]);
	if (nst_out_print(&c->out) < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot print the table: %s", strerror(errno));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nstree - the host's namespaces as they nest, or as an lsns-style list.
 *
 * Tree placement (every namespace appears exactly once):
 *   - a user namespace sits under its parent user namespace;
 *   - a pid namespace sits under its parent pid namespace, even when a
 *     different user namespace owns it (the ONS column tells), because pid
 *     nesting is what decides which pids a process can see; a pid namespace
 *     without a known parent sits under its owner;
 *   - every other namespace sits under its owning user namespace;
 *   - a namespace whose parent/owner is unknown (fixture trees, kernels
 *     without the nsfs ioctls) is a root.
 * Filters hide nodes; a shown node then hangs under its nearest shown
 * ancestor. The placement is libnsinfo's (nsinfo_forest_*, the same nstop
 * draws): this file has the filters and the rendering.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctcols.h"
#include "nstree.h"
#include "options.h"
#include "parse.h"

/* lsns's columns first, in lsns's order and with its meanings and JSON
 * types, then what lsns does not have */
enum {
	COL_NS, COL_TYPE, COL_PATH, COL_NPROCS, COL_PID, COL_PPID, COL_COMMAND, COL_UID,
	COL_USER, COL_NETNSID, COL_NSFS, COL_PNS, COL_ONS,
	COL_NSID, COL_OUID, COL_LEVEL, COL_FLAGS, COL_HOLDERS, COL_CONTAINER, COL_RUNTIME, COL_CID, COL_IMAGE, COL_POD, COL_K8SNS,
	COL_HOSTNAME,
	COL_UIDMAP, COL_GIDMAP, COL_SETGROUPS, COL_NSUID, COL_NSGID, COL_TIMEOFFSETS, NCOLS
};

static const struct nst_col columns[NCOLS] = {
	[COL_NS]      = { "NS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "namespace identifier (inode number)" },
	[COL_TYPE]    = { "TYPE", 5, 0, SCOLS_JSON_STRING, "kind of namespace" },
	[COL_PATH]    = { "PATH", 0, 0, SCOLS_JSON_STRING, "path to the namespace (/proc/PID/ns/TYPE, else a bind mount or fd)" },
	[COL_NPROCS]  = { "NPROCS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "number of processes in the namespace" },
	[COL_PID]     = { "PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "lowest PID in the namespace" },
	[COL_PPID]    = { "PPID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "PPID of the PID process" },
	[COL_COMMAND] = { "COMMAND", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "command line of the PID process" },
	[COL_UID]     = { "UID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "UID of the PID process (without processes: of the owner)" },
	[COL_USER]    = { "USER", 0.1, 0, SCOLS_JSON_STRING, "username of the PID process" },
	[COL_NETNSID] = { "NETNSID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_STRING, "id of a net namespace in the caller's (rtnetlink), \"unassigned\"" },
	[COL_NSFS]    = { "NSFS", 0.1, SCOLS_FL_WRAP, SCOLS_JSON_STRING, "nsfs bind mounts of the namespace in the caller's mount namespace" },
	[COL_PNS]     = { "PNS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "parent namespace (pid and user namespaces), 0 for none" },
	[COL_ONS]     = { "ONS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "owner namespace (a user namespace), 0 if unknown" },
	[COL_NSID]    = { "NSID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "64-bit namespace id (NS_GET_ID), where the kernel has one" },
	[COL_OUID]    = { "OUID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "owner UID of a user namespace" },
	[COL_LEVEL]   = { "LEVEL", 2, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "nesting depth of a pid or user namespace (0 = top seen)" },
	[COL_FLAGS]   = { "FLAGS", 8, 0, SCOLS_JSON_STRING, "noprocs (held by something else), ancestor (held by a child ns only), detached (kernel not asked)" },
	[COL_HOLDERS] = { "HOLDERS", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_ARRAY_STRING, "what keeps it alive: processes, threads, fds, bind mounts, child and owned namespaces" },
	[COL_CONTAINER] = { "CONTAINER", 0.1, 0, SCOLS_JSON_STRING, NST_CT_HELP_CONTAINER },
	NST_CT_COLS(COL_RUNTIME, COL_CID, COL_IMAGE, COL_POD, COL_K8SNS),
	[COL_HOSTNAME] = { "HOSTNAME", 0.1, 0, SCOLS_JSON_STRING, "hostname of the uts namespace (of the PID process for other types)" },
	[COL_UIDMAP]  = { "UIDMAP", 0.1, 0, SCOLS_JSON_ARRAY_STRING, "uid_map of a user namespace: INSIDE OUTSIDE COUNT, lines joined by ','" },
	[COL_GIDMAP]  = { "GIDMAP", 0.1, 0, SCOLS_JSON_ARRAY_STRING, "gid_map of a user namespace, as UIDMAP" },
	[COL_SETGROUPS] = { "SETGROUPS", 5, 0, SCOLS_JSON_STRING, "setgroups of a user namespace: allow or deny" },
	[COL_NSUID]   = { "NSUID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "uid of the PID process inside its user namespace (65534 unmapped)" },
	[COL_NSGID]   = { "NSGID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "gid of the PID process inside its user namespace (65534 unmapped)" },
	[COL_TIMEOFFSETS] = { "TIMEOFFSETS", 0.1, 0, SCOLS_JSON_ARRAY_STRING, "offsets of a time namespace: CLOCK SECS NSECS, joined by ','" },
};

/* Default columns by [list][processes]; holder lines (-P) say what they are
 * in FLAGS. COMMAND comes last in every default view, as in lsns: it is
 * the long cell (piped output is not padded to the longest command line,
 * and awk's $NF is the command's last word). */
/* --list -J: lsns's keys first, so that scripts written for lsns -J keep
 * working, then what lsns does not have */
#define JSON_LIST_DEFAULT "NS,TYPE,NPROCS,PID,USER,PNS,ONS,NSID,OUID,LEVEL,HOLDERS,COMMAND"
static const char *const default_cols[2][2] = {
	{ "NS,TYPE,NPROCS,PID,OUID,HOLDERS,COMMAND", "NS,TYPE,NPROCS,PID,OUID,FLAGS,HOLDERS,COMMAND" },
	{ "NS,TYPE,NPROCS,PID,USER,HOLDERS,COMMAND", "NS,TYPE,NPROCS,PID,USER,FLAGS,HOLDERS,COMMAND" },
};

static void __attribute__((noreturn)) usage(void)
{
	FILE *f = stdout;

	fputs("Usage:\n"
	      " nstree [options] [<namespace>...]\n"
	      " nstree [options] --holders <namespace>\n"
	      "\nShow the namespaces of the host as they nest: user namespaces at the\n"
	      "top, what each one owns beneath it, pid namespaces under their parent.\n"
	      "Namespaces no process is in (kept by an fd, a bind mount, a thread, a\n"
	      "child namespace) are shown too, with what holds them.\n"
	      "A <namespace> (inode, id:NSID, a namespace file, pid:N with -t, or a\n"
	      "container name or id prefix) limits the view to that namespace and what\n"
	      "it owns or contains.\n"
	      "\nOptions:\n"
	      " -l, --list             flat lsns-style list instead of the tree\n"
	      " -t, --type <type>      only namespaces of this type (repeatable):\n"
	      "                        cgroup, ipc, mnt, net, pid, time, user, uts\n"
	      " -p, --task <pid>       only the namespaces of this process (repeatable)\n"
	      " -P, --processes        list the member processes under each namespace\n"
	      " -T, --tree[=<rel>]     nest by one relation as lsns does: owner (the\n"
	      "                        default of -T), parent or process\n"
	      "     --persistent       only namespaces without processes\n"
	      "     --holders <ns>     everything that keeps one namespace alive\n"
	      " -q, --quick            processes only: skip the fd and bind-mount scans\n"
	      , f);
	nst_help_options(f, NST_HELP_COLUMNS);
	fputs(" -H, --list-columns     list the available columns (with --holders: its own)\n", f);
	nst_help_options(f, NST_HELP_FORMAT);
	fputs(" -u, --notruncate       don't truncate text in columns\n"
	      " -W, --nowrap           don't use multi-line representation\n"
	      " -Q, --filter <expr>    libsmartcols filter expression (needs libsmartcols\n"
	      "                        2.40 or later; says so otherwise)\n"
	      "     --proc-root <dir>  read this tree instead of /proc\n"
	      "     --source <src>     auto, bpf (task iterator) or proc (/proc walk)\n"
	      "     --save <file>      write the whole snapshot to <file> as JSON\n"
	      "                        (- for stdout) and show nothing\n"
	      "     --load <file>      show a snapshot saved with --save instead of\n"
	      "                        scanning this host\n"
	      "     --load-max <size>  refuse a --load file larger than <size> bytes\n"
	      "                        (K, M, G suffixes; default 256M, or $NSTREE_LOAD_MAX)\n"
	      "     --diff <old> <new> what changed between two snapshots (files, -,\n"
	      "                        or live); see nstree --diff --help\n\n" NST_COLOR_HELP, f);
	nst_help_options(f, NST_HELP_STD);
	nst_help_columns(f, columns, NCOLS);
	fputs("\nColumns of --holders:\n", f);
	for (size_t i = 0; i < holder_ncols; i++)
		fprintf(f, " %10s  %s\n", holder_columns[i].name, holder_columns[i].help);
	fputs("\nExit status: 0 success (also with a partial view), 1 not found, 2 bad usage,\n"
	      "3 trouble (/proc, a file or BPF cannot be used).\n"
	      "For more details see nstree(1).\n", f);
	exit(EXIT_SUCCESS);
}

/* --------------------------------------------------------------- the tree */

/* Display order of siblings: owned namespaces by type, then child user
 * namespaces; inode order within a type (stable across runs). */
static int cmp_ns(const void *a, const void *b, void *arg)
{
	const struct nsinfo_ns *ns = arg;
	const struct nsinfo_ns *x = &ns[*(const uint32_t *)a];
	const struct nsinfo_ns *y = &ns[*(const uint32_t *)b];
	int kx = x->type == NSINFO_USER, ky = y->type == NSINFO_USER;

	if (kx != ky)
		return kx - ky;
	if (x->type != y->type)
		return x->type - y->type;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

static int cmp_ino(const void *a, const void *b, void *arg)
{
	const struct nsinfo_ns *ns = arg;
	const struct nsinfo_ns *x = &ns[*(const uint32_t *)a];
	const struct nsinfo_ns *y = &ns[*(const uint32_t *)b];

	if (x->ino != y->ino)
		return (x->ino > y->ino) - (x->ino < y->ino);
	return x->type - y->type;
}

/* How namespaces nest, by -T: nstree's own or one of lsns's relations */
static const int forest_rel[] = {
	[TREE_NSTREE] = NSINFO_FOREST_NEST, [TREE_OWNER] = NSINFO_FOREST_OWNER,
	[TREE_PARENT] = NSINFO_FOREST_PARENT, [TREE_PROCESS] = NSINFO_FOREST_PROCESS,
};

/*
 * The shown namespaces as the library's forest: each under its nearest
 * shown ancestor; if filters hid the whole chain, under its nearest shown
 * owner (so "nstree USERNS" keeps a pid namespace it owns under it), but
 * for lsns's parent and process relations; else a root.
 */
static void build_forest(struct ctl *c)
{
	unsigned flags = c->tree_rel == TREE_PARENT || c->tree_rel == TREE_PROCESS
				 ? 0 : NSINFO_FOREST_OWNER_FALLBACK;

	if (nsinfo_forest_new(c->snap, forest_rel[c->tree_rel], &c->forest) < 0 ||
	    nsinfo_forest_layout(c->forest, c->shown, flags, cmp_ns, (void *)c->ns) < 0)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
}

/* ------------------------------------------------------------ the filters */

static bool in_task(const struct nsinfo_proc *p, int32_t i)
{
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (p->ns[t] == i)
			return true;
	return p->pid_for_children == i || p->time_for_children == i;
}

/* -p A -p B: the namespaces of any of them. Every pid must be readable. */
static bool *task_namespaces(struct ctl *c)
{
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(c->snap, NULL);
	bool *in = calloc(c->nns + 1, sizeof(*in));

	if (!in)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	for (size_t t = 0; t < c->ntasks; t++) {
		int pi = nsinfo_snapshot_find_proc(c->snap, c->tasks[t]);

		if (pi < 0)
			nst_die(NST_EXIT_NO, "%d: %s", (int)c->tasks[t], nsinfo_pid_strerror(-ESRCH));
		if (procs[pi].flags & NSINFO_PROC_DENIED)
			nst_die(NST_EXIT_TROUBLE, "%d: %s", (int)c->tasks[t], nsinfo_pid_strerror(-EACCES));
		for (size_t i = 0; i < c->nns; i++)
			in[i] = in[i] || in_task(&procs[pi], (int32_t)i);
	}
	return in;
}

/* Mark a namespace given as argument and what it owns or contains (child
 * pid/user namespaces), transitively. */
static void mark_subtree(struct ctl *c, bool *sub, uint32_t i, int depth)
{
	const struct nsinfo_ns *n = &c->ns[i];

	if (sub[i] || depth > 256)
		return;
	sub[i] = true;
	for (uint32_t k = 0; k < n->nchildren; k++)
		mark_subtree(c, sub, n->children[k], depth + 1);
	for (uint32_t k = 0; k < n->nowned; k++)
		mark_subtree(c, sub, n->owned[k], depth + 1);
}

/* Whether namespace n is one of container k's: one it owns, or one its pod
 * owns that its processes are in; for a pod, also those of its containers. */
static bool ns_of_container(const struct ctl *c, const struct nsinfo_ns *n, int32_t k)
{
	const struct nsinfo_container *all = nsinfo_snapshot_containers(c->snap, NULL);
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(c->snap, NULL);
	const struct nsinfo_container *owner, *want = &all[k];

	if (n->container == k)
		return true;
	if (n->container < 0)
		return false;
	owner = &all[n->container];
	if (want->kind == NSINFO_CONTAINER_KIND_POD)
		return owner->pod && strcmp(owner->runtime, want->runtime) == 0 &&
		       strcmp(owner->pod, want->id) == 0;
	if (owner->kind != NSINFO_CONTAINER_KIND_POD || !want->pod ||
	    strcmp(owner->id, want->pod) != 0)
		return false;
	for (uint32_t m = 0; m < n->nprocs; m++)
		if (procs[n->procs[m]].container == k)
			return true;
	return false;
}

static void mark_arg(struct ctl *c, bool *sub, const char *arg)
{
	struct nst_target t;

	resolve_arg(c, arg, &t);
	if (t.ns >= 0) {
		mark_subtree(c, sub, (uint32_t)t.ns, 0);
		return;
	}
	for (size_t i = 0; i < c->nns; i++)
		if (ns_of_container(c, &c->ns[i], t.container))
			mark_subtree(c, sub, (uint32_t)i, 0);
}

static void compute_shown(struct ctl *c, char **args, int nargs)
{
	bool *sub = NULL, *task = NULL;

	c->shown = calloc(c->nns + 1, sizeof(*c->shown));
	if (!c->shown)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	if (c->ntasks)
		task = task_namespaces(c);
	if (nargs) {
		sub = calloc(c->nns + 1, sizeof(*sub));
		if (!sub)
			nst_die(NST_EXIT_TROUBLE, "out of memory");
		for (int a = 0; a < nargs; a++)
			mark_arg(c, sub, args[a]);
	}
	for (size_t i = 0; i < c->nns; i++)
		c->shown[i] = (!c->types || (c->types & (1u << c->ns[i].type))) &&
			      (!task || task[i]) &&
			      (!sub || sub[i]) &&
			      (!c->persistent || !c->ns[i].nprocs);
	free(sub);
	free(task);
}

/* ------------------------------------------------------------ the output */

/* PNS, ONS: 0 where there is none or it is unknown, as lsns writes */
static void set_ns_ref(struct ctl *c, struct libscols_line *ln, int col, int32_t i)
{
	nst_out_setf(&c->out, ln, col, "%" PRIu64,
		     i >= 0 && (size_t)i < c->nns ? c->ns[i].ino : (uint64_t)0);
}

static void set_path(struct ctl *c, struct libscols_line *ln, int32_t i)
{
	char path[4096];

	if (nst_out_has(&c->out, COL_PATH) && nsinfo_ns_path(c->snap, i, path, sizeof(path)) == 0)
		nst_out_set(&c->out, ln, COL_PATH, path);
}

static void set_netnsid(struct ctl *c, struct libscols_line *ln, int32_t i)
{
	int32_t id;

	if (!nst_out_has(&c->out, COL_NETNSID) || c->ns[i].type != NSINFO_NET ||
	    nsinfo_ns_netnsid(c->snap, i, &id) < 0)
		return;
	if (id < 0)
		nst_out_set(&c->out, ln, COL_NETNSID, "unassigned");
	else
		nst_out_setf(&c->out, ln, COL_NETNSID, "%d", (int)id);
}

/* NSFS: the bind mounts in our own mount namespace, one a line (as lsns;
 * comma-separated with -W and -r) */
static void set_nsfs(struct ctl *c, struct libscols_line *ln, int32_t i)
{
	const struct nsinfo_ns *n = &c->ns[i];
	int self = nsinfo_snapshot_self_ns(c->snap, NSINFO_MNT);
	const char **paths;
	size_t k = 0;

	if (!nst_out_has(&c->out, COL_NSFS) || self < 0 || !n->nholders)
		return;
	paths = calloc(n->nholders, sizeof(*paths));
	if (!paths)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	for (uint32_t h = 0; h < n->nholders; h++) {
		const struct nsinfo_holder *x = &n->holders[h];
		bool dup = false;

		if (x->kind != NSINFO_HOLD_MOUNT || !x->path || x->mntns != c->ns[self].ino)
			continue;
		for (size_t j = 0; j < k && !dup; j++)
			dup = !strcmp(paths[j], x->path);
		if (!dup)
			paths[k++] = x->path;
	}
	nst_out_set_list(&c->out, ln, COL_NSFS, paths, k,
			 c->out.json || !(c->out.raw || c->out.nowrap) ? "\n" : ",");
	free(paths);
}

static void set_hostname(struct ctl *c, struct libscols_line *ln, int32_t uts)
{
	if (uts >= 0 && (size_t)uts < c->nns)
		nst_out_set(&c->out, ln, COL_HOSTNAME, c->ns[uts].hostname);
}

static void set_container(struct ctl *c, struct libscols_line *ln, int32_t idx)
{
	struct nst_ct_cells cells;

	nst_ct_cells(c->snap, idx, &cells);
	for (int k = 0; k < NST_CT_N; k++)
		nst_out_set(&c->out, ln, COL_CONTAINER + k, cells.v[k]);
}

static void fill_proc(struct ctl *c, struct libscols_line *ln, const struct nsinfo_proc *p)
{
	char cmd[4096];

	nst_out_setf(&c->out, ln, COL_PID, "%d", (int)p->pid);
	nst_out_setf(&c->out, ln, COL_PPID, "%d", (int)p->ppid);
	nst_out_setf(&c->out, ln, COL_UID, "%u", (unsigned)p->uid);
	nst_out_set(&c->out, ln, COL_USER, nsinfo_snapshot_username(c->snap, p->uid));
	if (nst_out_has(&c->out, COL_NSUID) || nst_out_has(&c->out, COL_NSGID)) {
		int64_t uid, gid;

		nsinfo_proc_ns_ids(c->snap, p, &uid, &gid);
		if (uid >= 0)
			nst_out_setf(&c->out, ln, COL_NSUID, "%" PRId64, uid);
		if (gid >= 0)
			nst_out_setf(&c->out, ln, COL_NSGID, "%" PRId64, gid);
	}
	if (nst_out_has(&c->out, COL_COMMAND))
		nst_out_set(&c->out, ln, COL_COMMAND, command_of(c, p, cmd, sizeof(cmd)));
}

/* Flags by weight: an ancestor has no processes either, but says more. */
static const char *ns_flag(uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ NSINFO_NS_DETACHED, "detached" },
		{ NSINFO_NS_ANCESTOR, "ancestor" },
		{ NSINFO_NS_NOPROCS, "noprocs" },
	};

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (flags & names[k].bit)
			return names[k].name;
	return NULL;
}

static void set_holders(struct ctl *c, struct libscols_line *ln, int32_t i)
{
	char *sum;

	if (!nst_out_has(&c->out, COL_HOLDERS))
		return;
	/* JSON: an array of strings, which libsmartcols splits on newlines */
	sum = holders_summary(c, i, c->out.json ? "\n" : ", ");
	nst_out_set(&c->out, ln, COL_HOLDERS, sum);
	free(sum);
}

/* A namespace no process is in: UID and USER are the uid that owns it
 * (the owner of a user namespace; for the other types, the owner of the
 * user namespace that owns it), as lsns shows one ("net 0 root"); PID and
 * COMMAND stay empty. */
static void fill_owner_uid(struct ctl *c, struct libscols_line *ln, const struct nsinfo_ns *n)
{
	const struct nsinfo_ns *u = n->type == NSINFO_USER ? n
				    : n->owner >= 0 && (size_t)n->owner < c->nns ? &c->ns[n->owner]
										  : NULL;

	if (!u || u->owner_uid < 0)
		return;
	nst_out_setf(&c->out, ln, COL_UID, "%" PRId64, u->owner_uid);
	nst_out_set(&c->out, ln, COL_USER, nsinfo_snapshot_username(c->snap, (uid_t)u->owner_uid));
}

/* A ','-joined list (UIDMAP, GIDMAP, TIMEOFFSETS): as it is in a table,
 * a JSON array of its items (libsmartcols splits on newlines). */
static void set_joined(struct ctl *c, struct libscols_line *ln, int col, const char *v)
{
	char *d;

	if (!v || !nst_out_has(&c->out, col))
		return;
	if (!c->out.json) {
		nst_out_set(&c->out, ln, col, v);
		return;
	}
	if (!(d = strdup(v)))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	for (char *p = d; *p; p++)
		if (*p == ',')
			*p = '\n';
	nst_out_set(&c->out, ln, col, d);
	free(d);
}

static void fill_ns(struct ctl *c, struct libscols_line *ln, int32_t i)
{
	const struct nsinfo_ns *n = &c->ns[i];
	const struct nsinfo_proc *low = nsinfo_ns_lowest_proc(c->snap, n);

	nst_out_setf(&c->out, ln, COL_NS, "%" PRIu64, n->ino);
	nst_out_set(&c->out, ln, COL_TYPE, nsinfo_type_name(n->type));
	nst_out_setf(&c->out, ln, COL_NPROCS, "%u", n->nprocs);
	if (low)
		fill_proc(c, ln, low);
	else
		fill_owner_uid(c, ln, n);
	set_path(c, ln, i);
	set_netnsid(c, ln, i);
	set_nsfs(c, ln, i);
	set_ns_ref(c, ln, COL_PNS, n->parent);
	set_ns_ref(c, ln, COL_ONS, n->owner);
	if (n->nsid)
		nst_out_setf(&c->out, ln, COL_NSID, "%" PRIu64, n->nsid);
	if (n->type == NSINFO_USER && n->owner_uid >= 0)
		nst_out_setf(&c->out, ln, COL_OUID, "%" PRId64, n->owner_uid);
	if (n->level >= 0)
		nst_out_setf(&c->out, ln, COL_LEVEL, "%d", n->level);
	nst_out_set(&c->out, ln, COL_FLAGS, ns_flag(n->flags));
	set_holders(c, ln, i);
	set_joined(c, ln, COL_UIDMAP, n->uid_map);
	set_joined(c, ln, COL_GIDMAP, n->gid_map);
	set_joined(c, ln, COL_TIMEOFFSETS, n->time_offsets);
	if (n->type == NSINFO_USER && n->setgroups >= 0)
		nst_out_set(&c->out, ln, COL_SETGROUPS, n->setgroups ? "allow" : "deny");
	set_container(c, ln, n->container);
	set_hostname(c, ln, n->type == NSINFO_UTS ? i : low ? low->ns[NSINFO_UTS] : -1);
}

/* -P: the member processes, then the threads and *_for_children holders. */
static void add_members(struct ctl *c, struct libscols_line *parent, int32_t i)
{
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(c->snap, NULL);
	const struct nsinfo_ns *n = &c->ns[i];

	for (uint32_t k = 0; k < n->nprocs; k++) {
		const struct nsinfo_proc *p = &procs[n->procs[k]];
		struct libscols_line *ln = nst_out_line(&c->out, parent);

		fill_proc(c, ln, p);
		set_container(c, ln, p->container);
		set_hostname(c, ln, p->ns[NSINFO_UTS]);
	}
	for (uint32_t k = 0; k < n->nholders; k++) {
		const struct nsinfo_holder *h = &n->holders[k];
		int pi;

		if (h->kind != NSINFO_HOLD_THREAD && h->kind != NSINFO_HOLD_CHILDREN)
			continue;
		pi = nsinfo_snapshot_find_proc(c->snap, h->pid);
		if (pi < 0)
			continue;
		struct libscols_line *ln = nst_out_line(&c->out, parent);

		fill_proc(c, ln, &procs[pi]);
		nst_out_set(&c->out, ln, COL_FLAGS,
			    h->kind == NSINFO_HOLD_THREAD ? "thread" : "for_children");
	}
}

static struct libscols_line *add_ns_line(struct ctl *c, struct libscols_line *parent, int32_t i)
{
	struct libscols_line *ln = nst_out_line(&c->out, parent);

	fill_ns(c, ln, i);
	if (c->processes)
		add_members(c, ln, i);
	return ln;
}

static void emit_tree(struct ctl *c, uint32_t i, struct libscols_line *parent, int depth)
{
	struct libscols_line *ln = add_ns_line(c, parent, (int32_t)i);
	size_t n;
	const uint32_t *kids = nsinfo_forest_children(c->forest, (int32_t)i, &n);

	if (depth > 256)
		return;
	for (size_t k = 0; k < n; k++)
		emit_tree(c, kids[k], ln, depth + 1);
}

static void emit_list(struct ctl *c)
{
	uint32_t *order = malloc((c->nns + 1) * sizeof(*order));
	size_t n = 0;

	if (!order)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	for (size_t i = 0; i < c->nns; i++)
		if (c->shown[i])
			order[n++] = (uint32_t)i;
	qsort_r(order, n, sizeof(*order), cmp_ino, (void *)c->ns);
	for (size_t k = 0; k < n; k++)
		add_ns_line(c, NULL, (int32_t)order[k]);
	free(order);
}

/* libsmartcols splits an array cell into strings only through a newline
 * wrap function */
static void json_array_column(struct ctl *c, int id)
{
	struct libscols_column *cl;

	if (!c->out.json || !nst_out_has(&c->out, id))
		return;
	cl = scols_table_get_column(c->out.tb, (size_t)c->out.pos[id]);
	if (cl && (scols_column_set_flags(cl, scols_column_get_flags(cl) | SCOLS_FL_WRAP) ||
		   scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk, NULL)))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
}

/* NSFS in a table: one path a line, as lsns shows it */
static void multiline_column(struct ctl *c, int id)
{
	struct libscols_column *cl;

	if (c->out.json || c->out.raw || c->out.nowrap || !nst_out_has(&c->out, id))
		return;
	cl = scols_table_get_column(c->out.tb, (size_t)c->out.pos[id]);
	if (cl && scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk, NULL))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
}

static void render(struct ctl *c)
{
	/* members nest under their namespace, which needs a tree column */
	if ((!c->list || c->processes) && nst_out_has(&c->out, COL_NS))
		c->out.tree_col = COL_NS;
	if (!nst_out_table(&c->out, "namespaces"))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	json_array_column(c, COL_HOLDERS);
	json_array_column(c, COL_UIDMAP);
	json_array_column(c, COL_GIDMAP);
	json_array_column(c, COL_TIMEOFFSETS);
	multiline_column(c, COL_NSFS);
	if (c->list) {
		emit_list(c);
	} else {
		size_t n;
		const uint32_t *roots = nsinfo_forest_children(c->forest, -1, &n);

		for (size_t k = 0; k < n; k++)
			emit_tree(c, roots[k], NULL, 0);
	}
	if (nst_out_print(&c->out) < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot print the table: %s", strerror(errno));
}

/* What the proc root's hidepid= keeps from this user */
static const char *hidepid_words(uint32_t hidepid)
{
	switch (hidepid) {
	case NSINFO_HIDEPID_NOACCESS:
		return "/proc is mounted hidepid=noaccess: other users' processes cannot be read";
	case NSINFO_HIDEPID_INVISIBLE:
		return "/proc is mounted hidepid=invisible: other users' processes are not listed";
	default:
		return "/proc is mounted hidepid=ptraceable: processes this user cannot trace "
		       "are not listed";
	}
}

/* One line when the view is partial; the exit status does not change.
 * Processes that exited while scanned alone make no line: nothing alive is
 * missing, and on a busy host some always do. */
static void warn_coverage(const struct ctl *c)
{
	struct nsinfo_coverage cov = { 0 };
	char buf[512] = "";
	size_t o = 0;

	nsinfo_snapshot_coverage(c->snap, &cov);
	if (cov.denied)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
				      "%u of %u processes denied, %u vanished while scanned",
				      cov.denied, cov.scanned, cov.vanished);
	if (cov.hidepid && o < sizeof(buf))
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", o ? "; " : "",
				      hidepid_words(cov.hidepid));
	if (cov.refused && o < sizeof(buf))
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
				      "%s%u bind-mount paths refused (a symlink on the way, or not "
				      "an nsfs file)", o ? "; " : "", cov.refused);
	if (o)
		nst_warn("partial view: %s", buf);
}

/* ---------------------------------------------------------------- options */

enum { OPT_PROC_ROOT = NST_OPT_FIRST_TOOL, OPT_PERSISTENT, OPT_HOLDERS, OPT_SOURCE, OPT_SAVE,
       OPT_LOAD, OPT_LOAD_MAX };

static int parse_tree_rel(const char *arg)
{
	static const char *const names[] = { [TREE_OWNER] = "owner", [TREE_PARENT] = "parent",
					     [TREE_PROCESS] = "process" };

	/* -T alone is lsns's default relation */
	if (!arg)
		return TREE_OWNER;
	for (int i = TREE_OWNER; i <= TREE_PROCESS; i++)
		if (!strcmp(arg, names[i]))
			return i;
	nst_usage_error(NST_EXIT_USAGE, "unknown tree relation: %s (owner, parent or process)", arg);
}

/* -Q/--filter: libsmartcols's filter expressions (util-linux 2.40) */
static void __attribute__((noreturn)) no_filter(void)
{
	const char *ver = NULL;

	scols_get_library_version(&ver);
	nst_die(NST_EXIT_TROUBLE, "--filter needs libsmartcols 2.40 or later with its filter API; "
		"this nstree was built with libsmartcols %s, which has none", ver ? ver : "(unknown)");
}

/* --save and --load: the snapshot as a file */
static const char *save_path, *load_path;
/* --load-max or $NSTREE_LOAD_MAX; 0 is the library's default */
static size_t load_max;

/* "<n>[KMG]" (binary multiples) for --load-max; 0 if not such a size */
static size_t parse_size(const char *arg)
{
	uint64_t v;

	return nst_parse_size(arg, 1, SIZE_MAX, &v) ? 0 : (size_t)v;
}

/* -p PID, repeatable */
static void add_task(struct ctl *c, const char *arg)
{
	pid_t pid, *t;

	if (nsinfo_parse_pid(arg, &pid) < 0)
		nst_usage_error(NST_EXIT_USAGE, "invalid PID: %s", arg);
	t = realloc(c->tasks, (c->ntasks + 1) * sizeof(*t));
	if (!t)
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	c->tasks = t;
	c->tasks[c->ntasks++] = pid;
}

/* --source: where the snapshot comes from (auto: the BPF task iterator
 * where it can be loaded, else the /proc walk), as scan flags */
static int parse_source(const char *arg)
{
	int flag = nst_parse_source(arg);

	if (flag < 0)
		nst_usage_error(NST_EXIT_USAGE, "unknown source: %s", arg);
	return flag;
}

/* --source=bpf insists: the reason the library fell back is the error */
static void check_source(const struct ctl *c, int source)
{
	const char *why = NULL;
	const char *got = nsinfo_snapshot_source(c->snap, &why);

	if (source == NSINFO_SCAN_BPF && (!got || strcmp(got, "bpf")))
		nst_die(NST_EXIT_TROUBLE, "cannot use the BPF source: %s", why ? why : "unknown reason");
}

static void parse_type(struct ctl *c, const char *arg)
{
	int t = nsinfo_type_from_name(arg);

	if (t < 0)
		nst_usage_error(NST_EXIT_USAGE, "unknown namespace type: %s", arg);
	c->types |= 1u << t;
}

/* Column table of the view: --holders has its own. */
static void select_columns(struct ctl *c)
{
	if (c->holders_of) {
		nst_out_env_columns(&c->out, NULL);
		nst_out_columns(&c->out, holder_columns, holder_ncols, HOLDER_DEFAULT_COLS);
	} else {
		/* the default columns depend on -l and -P, known only now */
		const char *def = c->list && c->out.json && !c->processes
					  ? JSON_LIST_DEFAULT : default_cols[c->list][c->processes];
		char net[256];
		size_t k = strlen(def) - strlen(",COMMAND");

		/* -t net alone: NETNSID and NSFS before COMMAND, as lsns adds them */
		if (c->types == 1u << NSINFO_NET && k < sizeof(net) - 32) {
			snprintf(net, sizeof(net), "%.*s,NETNSID,NSFS,COMMAND", (int)k, def);
			def = net;
		}
		nst_out_env_columns(&c->out, "NSTREE_COLUMNS");
		nst_out_columns(&c->out, columns, NCOLS, def);
	}
}

/* What the options cannot mean together, and $NSTREE_LOAD_MAX: usage errors */
static void check_args(const struct ctl *c, bool scan_opts, bool more_args)
{
	const char *env = getenv("NSTREE_LOAD_MAX");

	if (!load_max && env && !(load_max = parse_size(env)))
		nst_usage_error(NST_EXIT_USAGE, "invalid size in NSTREE_LOAD_MAX: %s", env);
	if (c->tree_rel != TREE_NSTREE && c->list)
		nst_usage_error(NST_EXIT_USAGE, "-l and -T are mutually exclusive");
	if (load_path && scan_opts)
		nst_usage_error(NST_EXIT_USAGE, "--load reads a saved snapshot: "
				"-q, --proc-root and --source do not apply");
	if (c->holders_of && more_args)
		nst_usage_error(NST_EXIT_USAGE, "--holders takes one namespace, not more arguments");
	if (c->holders_of && (c->list || c->processes || c->persistent || c->ntasks))
		nst_usage_error(NST_EXIT_USAGE, "--holders lists one namespace's holders: "
				"-l, -P, -p and --persistent do not apply");
}

static int parse_args(struct ctl *c, int argc, char **argv, struct nsinfo_scan_opts *opts,
		      int *source)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "type", required_argument, NULL, 't' },
		{ "task", required_argument, NULL, 'p' },
		{ "processes", no_argument, NULL, 'P' },
		{ "persistent", no_argument, NULL, OPT_PERSISTENT },
		{ "holders", required_argument, NULL, OPT_HOLDERS },
		{ "quick", no_argument, NULL, 'q' },
		{ "list-columns", no_argument, NULL, 'H' },
		{ "tree", optional_argument, NULL, 'T' },
		{ "notruncate", no_argument, NULL, 'u' },
		{ "nowrap", no_argument, NULL, 'W' },
		{ "filter", required_argument, NULL, 'Q' },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "load-max", required_argument, NULL, OPT_LOAD_MAX },
		NST_OUT_COLUMN_LONGOPTS,
		NST_OUT_FORMAT_LONGOPTS,
		NST_COLOR_LONGOPT,
		NST_STD_LONGOPTS,
	};
	bool list_columns = false, scan_opts = false;
	int opt;

	/* the fd and bind-mount passes are what finds namespaces without
	 * processes: on unless asked to be quick */
	opts->flags |= NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS | NSINFO_SCAN_NOT_SELF;
	while ((opt = getopt_long(argc, argv, "lt:p:PqHT::uWQ:" NST_OUT_COLUMN_SHORTOPTS
				  NST_OUT_FORMAT_SHORTOPTS NST_STD_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': c->list = true; break;
		case 't': parse_type(c, optarg); break;
		case 'p': add_task(c, optarg); break;
		case 'P': c->processes = true; break;
		case OPT_PERSISTENT: c->persistent = true; break;
		case OPT_HOLDERS: c->holders_of = optarg; break;
		case 'q':
			opts->flags &= ~(NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS);
			scan_opts = true;
			break;
		case 'H': list_columns = true; break;
		case 'T': c->tree_rel = parse_tree_rel(optarg); break;
		case 'u': c->out.notruncate = true; break;
		case 'W': c->out.nowrap = true; break;
		case 'Q': no_filter();
		case OPT_PROC_ROOT: opts->proc_root = optarg; scan_opts = true; break;
		case OPT_SOURCE: *source = parse_source(optarg); scan_opts = true; break;
		case OPT_SAVE: save_path = optarg; break;
		case OPT_LOAD: load_path = optarg; break;
		case OPT_LOAD_MAX:
			if (!(load_max = parse_size(optarg)))
				nst_usage_error(NST_EXIT_USAGE, "invalid size: %s", optarg);
			break;
		default:
			if (!nst_out_option(&c->out, opt, optarg, NST_EXIT_USAGE) &&
			    !nst_std_option(opt, argv, usage, NST_EXIT_USAGE))
				nst_usage_error(NST_EXIT_USAGE, NULL);
		}
	}
	if (list_columns)
		exit((c->holders_of ? nst_list_columns(holder_columns, holder_ncols, c->out.json,
						       c->out.raw, c->out.noheadings)
				    : nst_list_columns(columns, NCOLS, c->out.json, c->out.raw,
						       c->out.noheadings)) ? NST_EXIT_TROUBLE : NST_EXIT_OK);
	check_args(c, scan_opts, optind < argc);
	select_columns(c);
	return optind;
}

/* Does a REF need the container table? Paths, pid:N, id:N and inodes do
 * not; a name or an all-digit id prefix may. */
static bool ref_may_be_container(const char *ref)
{
	return ref[0] != '/' && ref[0] != '.' && strncmp(ref, "pid:", 4) && strncmp(ref, "id:", 3);
}

/*
 * The container and hostname passes cost a cgroup read per process and a
 * setns per uts namespace: asked for only when the output or an argument
 * needs them. (Container names from container= need the hostnames.)
 */
static void scan_flags(const struct ctl *c, char **args, int nargs, struct nsinfo_scan_opts *opts)
{
	bool containers = false;

	for (int k = 0; k < NST_CT_N; k++)
		containers |= !c->holders_of && nst_out_has(&c->out, COL_CONTAINER + k);
	for (int a = 0; a < nargs; a++)
		containers |= ref_may_be_container(args[a]);
	if (c->holders_of)
		containers |= ref_may_be_container(c->holders_of) || holders_want_containers(c);
	if (containers)
		opts->flags |= NSINFO_SCAN_CONTAINERS | NSINFO_SCAN_HOSTNAMES;
	if (!c->holders_of && nst_out_has(&c->out, COL_HOSTNAME))
		opts->flags |= NSINFO_SCAN_HOSTNAMES;
}

static void tree_view(struct ctl *c, char **args, int nargs)
{
	compute_shown(c, args, nargs);
	if (!c->list)
		build_forest(c);
	render(c);
}

/* --save: the snapshot and nothing else, to a file or stdout */
static void save(struct ctl *c)
{
	bool out = !strcmp(save_path, "-");
	FILE *f = out ? stdout : fopen(save_path, "we");
	int r;

	if (!f)
		nst_die(NST_EXIT_TROUBLE, "cannot write %s: %s", save_path, strerror(errno));
	r = nsinfo_snapshot_write_json(c->snap, f);
	if (!out && fclose(f) && !r)
		r = -errno;
	if (r < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot write %s: %s", out ? "standard output" : save_path,
			strerror(-r));
	warn_coverage(c);
}

int main(int argc, char **argv)
{
	struct ctl c = { 0 };
	struct nsinfo_scan_opts opts = { .size = sizeof(opts) };
	int first, r, source = 0;

	/* getopt's own messages name argv[0]: "nstree:", not the full path */
	argv[0] = program_invocation_short_name;
	/* --diff has its own options and exit status (diff(1)'s) */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--diff"))
			return diff_main(argc, argv);
	nst_close_stdout_at_exit(NST_EXIT_TROUBLE);
	nst_out_init(&c.out, columns, NCOLS, default_cols[1][0]);
	first = parse_args(&c, argc, argv, &opts, &source);
	scan_flags(&c, argv + first, argc - first, &opts);

	opts.flags |= (unsigned)source;
	/* a saved snapshot has everything a later view may ask for */
	if (save_path)
		opts.flags |= NSINFO_SCAN_CONTAINERS | NSINFO_SCAN_HOSTNAMES;
	if (load_path) {
		char why[256];

		r = nsinfo_snapshot_read_json_max(load_path, load_max, &c.snap, why, sizeof(why));
		if (r < 0)
			nst_die(NST_EXIT_TROUBLE, "cannot load %s: %s%s", load_path,
				why[0] ? why : strerror(-r),
				r == -EFBIG ? " (--load-max raises it)" : "");
	} else {
		r = nsinfo_snapshot_new(&opts, &c.snap);
		if (r < 0)
			nst_die(NST_EXIT_TROUBLE, "cannot read %s: %s",
				opts.proc_root ? opts.proc_root : "/proc", nsinfo_pid_strerror(r));
		check_source(&c, source);
	}
	if (save_path) {
		save(&c);
		free(c.tasks);
		nsinfo_snapshot_unref(c.snap);
		return EXIT_SUCCESS;
	}
	c.ns = nsinfo_snapshot_namespaces(c.snap, &c.nns);
	if (c.holders_of)
		holders_view(&c);
	else
		tree_view(&c, argv + first, argc - first);
	warn_coverage(&c);

	nsinfo_forest_free(c.forest);
	commands_free(&c);
	free(c.shown);
	nsinfo_resolver_unref(c.refs);
	free(c.tasks);
	nsinfo_snapshot_unref(c.snap);
	return EXIT_SUCCESS;
}

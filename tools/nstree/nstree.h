/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nstree internals shared by the tree/list view and the --holders view. */
#ifndef NSTREE_H
#define NSTREE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "exitcodes.h"
#include "nsinfo.h"

/* -T: nstree's own placement, or one of lsns's relations */
enum nst_tree_rel { TREE_NSTREE, TREE_OWNER, TREE_PARENT, TREE_PROCESS };

struct ctl {
	struct nsinfo_snapshot *snap;
	struct nsinfo_resolver *refs; /* resolves the arguments over snap */
	const struct nsinfo_ns *ns;
	size_t nns;
	struct nst_out out;
	bool list, processes, persistent;
	int tree_rel;             /* enum nst_tree_rel: how namespaces nest (-T) */
	unsigned types;           /* bit per enum nsinfo_type; 0 = all */
	pid_t *tasks;             /* -p, may be repeated: the union */
	size_t ntasks;
	const char *holders_of;   /* --holders NS */
	uint8_t *shown;           /* per namespace: the filters keep it */
	struct nsinfo_forest *forest; /* the tree view's layout of the shown ones */
	char **cmds;              /* command_of's, per process row of snap */
	size_t ncmds;
};

/* What a namespace argument names: one namespace, or a container's. */
struct nst_target {
	int32_t ns;               /* namespace index, -1 */
	int container;            /* container index when ns is -1 */
};

/*
 * The files call one way: nstree.c (options, the tree) -> diff.c ->
 * holders.c -> lookup.c; nothing calls back up.
 */

/* lookup.c: what an argument names (dies with one line if nothing) */
void resolve_arg(struct ctl *c, const char *arg, struct nst_target *t);
/* Command line of a process, or its comm where it has none: read once per
 * process of c->snap (a container's init is the lowest process of each of
 * its namespaces), kept until commands_free(). */
const char *command_of(struct ctl *c, const struct nsinfo_proc *p, char *buf, size_t len);
void commands_free(struct ctl *c);

/* holders.c: the HOLDERS cell: "3 procs, fd 812:5, mount /run/netns/blue";
 * items are separated by sep. Returns a malloc'ed string. */
char *holders_summary(const struct ctl *c, int32_t i, const char *sep);

/* holders.c, --holders: column table and the view. */
extern const struct nst_col holder_columns[];
extern const size_t holder_ncols;
#define HOLDER_DEFAULT_COLS "KIND,PID,FD,MNTNS,PATH,TYPE,NS,CONTAINER,COMMAND"
void holders_view(struct ctl *c);
/* Whether the --holders view shows CONTAINER (the container pass is needed) */
bool holders_want_containers(const struct ctl *c);

/* diff.c, nstree --diff OLD NEW: its own options; exit 1 for differences. */
int diff_main(int argc, char **argv);

#endif

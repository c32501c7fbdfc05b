/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Look-ups both views of nstree make in the snapshot: what a namespace
 * argument names (the tree's filters, --holders), and the command of a
 * process. A leaf of the tool: it calls nothing in nstree.c or holders.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nstree.h"

/* The one type -t gave, -1 if none or several. */
static int single_type(const struct ctl *c)
{
	return c->types && !(c->types & (c->types - 1)) ? __builtin_ctz(c->types) : -1;
}

/*
 * What an argument names, through the library's resolver over this
 * snapshot (offline for --load): a namespace file, id:NSID, pid:N (with the
 * type of -t), a number that is an inode or else a 64-bit id, or a
 * container (all its namespaces; the one of -t's type when -t names one).
 */
void resolve_arg(struct ctl *c, const char *arg, struct nst_target *t)
{
	struct nsinfo_nsref ref;
	int type = single_type(c), r, k;

	if (!c->refs && (r = nsinfo_resolver_new(c->snap, NULL, &c->refs)) < 0)
		nst_die(NST_EXIT_TROUBLE, "%s", strerror(-r));
	/* a path or an inode has its own type; pid:N and containers need one */
	r = nsinfo_resolver_resolve(c->refs, arg, -1, &ref);
	if (r == -EDOM && type >= 0)
		r = nsinfo_resolver_resolve(c->refs, arg, type, &ref);
	if (r == -EDOM && strncmp(arg, "pid:", 4)) {
		k = nsinfo_resolver_container(c->refs, arg);
		if (k < 0)
			nst_ref_die(c->refs, arg, k);
		t->ns = -1;
		t->container = k;
		return;
	}
	if (r < 0)
		nst_ref_die(c->refs, arg, r);
	if (ref.fd >= 0)
		close(ref.fd);
	t->ns = nsinfo_snapshot_find_ns(c->snap, ref.type, ref.ino);
	t->container = -1;
	if (t->ns < 0)
		nst_die(NST_EXIT_NO, "%s: no process is in this namespace", arg);
}

const char *command_of(struct ctl *c, const struct nsinfo_proc *p, char *buf, size_t len)
{
	size_t n;
	const struct nsinfo_proc *procs = nsinfo_snapshot_procs(c->snap, &n);
	size_t i = (size_t)(p - procs);

	if (p < procs || i >= n)
		i = n; /* not a row of this snapshot: no cache */
	else if (!c->cmds && (c->cmds = calloc(n, sizeof(*c->cmds))))
		c->ncmds = n;
	if (i < c->ncmds && c->cmds[i]) {
		snprintf(buf, len, "%s", c->cmds[i]);
		return buf;
	}
	/* kernel threads and zombies have no command line: lsns shows comm */
	if (nsinfo_proc_cmdline(c->snap, p->pid, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "%s", p->comm);
	if (i < c->ncmds)
		c->cmds[i] = strdup(buf);
	return buf;
}

void commands_free(struct ctl *c)
{
	for (size_t i = 0; i < c->ncmds; i++)
		free(c->cmds[i]);
	free(c->cmds);
	c->cmds = NULL;
	c->ncmds = 0;
}

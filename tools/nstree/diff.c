/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nstree --diff OLD NEW: what changed between two snapshots (saved with
 * --save, or the live host): namespaces created and gone, namespaces whose
 * holders changed, containers started and stopped. The comparison is the
 * library's (nsinfo_snapshot_diff: namespaces keyed on their 64-bit id).
 * Exit status: 0 no difference, 1 differences, 2 bad usage, 3 trouble (the
 * tools' scheme: exitcodes.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "nstree.h"
#include "options.h"


enum { DCOL_CHANGE, DCOL_TYPE, DCOL_NS, DCOL_NSID, DCOL_NPROCS, DCOL_CONTAINER, DCOL_WHAT,
       DNCOLS };

static const struct nst_col diff_columns[DNCOLS] = {
	[DCOL_CHANGE] = { "CHANGE", 7, 0, SCOLS_JSON_STRING, "created, gone, holders (namespaces); started, stopped (containers)" },
	[DCOL_TYPE] = { "TYPE", 9, 0, SCOLS_JSON_STRING, "namespace type, or \"container\"" },
	[DCOL_NS] = { "NS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "namespace inode number" },
	[DCOL_NSID] = { "NSID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "64-bit namespace id (the key of the comparison)" },
	[DCOL_NPROCS] = { "NPROCS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "processes in it (new side; old for gone)" },
	[DCOL_CONTAINER] = { "CONTAINER", 0.1, 0, SCOLS_JSON_STRING, "runtime:name of a container, or of the namespace's container" },
	[DCOL_WHAT] = { "WHAT", 0.5, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "holders (old -> new for holders changes), or container id" },
};
#define DIFF_DEFAULT_COLS "CHANGE,TYPE,NS,NSID,NPROCS,CONTAINER,WHAT"

static void __attribute__((noreturn)) diff_usage(void)
{
	fputs("Usage:\n"
	      " nstree --diff [options] <old> <new>\n"
	      "\nWhat changed between two snapshots of namespaces: namespaces created,\n"
	      "gone and with changed holders, containers started and stopped.\n"
	      "<old> and <new> are files written by nstree --save, - for standard\n"
	      "input (one side only), or the word live for this host now.\n"
	      "\nOptions:\n", stdout);
	nst_help_options(stdout, NST_HELP_COLUMNS | NST_HELP_FORMAT);
	fputs("     --source <src>     for live: auto, bpf or proc\n\n" NST_COLOR_HELP, stdout);
	nst_help_options(stdout, NST_HELP_STD);
	nst_help_columns(stdout, diff_columns, DNCOLS);
	fputs("\nExit status: 0 no difference, 1 differences, 2 bad usage, 3 trouble\n"
	      "(an unreadable snapshot). For more details see nstree(1).\n", stdout);
	exit(EXIT_SUCCESS);
}

struct side {
	const char *arg;
	struct nsinfo_snapshot *snap;
	struct ctl ctl;           /* for the holders summary */
};

static void load_side(struct side *sd, unsigned scan_flags)
{
	int r;

	if (!strcmp(sd->arg, "live")) {
		struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = scan_flags |
			NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS | NSINFO_SCAN_CONTAINERS |
			NSINFO_SCAN_HOSTNAMES };

		r = nsinfo_snapshot_new(&o, &sd->snap);
		if (r < 0)
			nst_die(NST_EXIT_TROUBLE, "cannot read /proc: %s", strerror(-r));
	} else {
		char why[256] = "";

		r = nsinfo_snapshot_read_json(sd->arg, &sd->snap, why, sizeof(why));
		if (r < 0)
			nst_die(NST_EXIT_TROUBLE, "cannot load %s: %s",
				strcmp(sd->arg, "-") ? sd->arg : "standard input",
				r == -EINVAL && why[0] ? why : strerror(-r));
	}
	sd->ctl.snap = sd->snap;
	sd->ctl.ns = nsinfo_snapshot_namespaces(sd->snap, &sd->ctl.nns);
}

static void set_container(struct nst_out *o, struct libscols_line *ln,
			  const struct nsinfo_snapshot *s, int32_t idx)
{
	size_t n;
	const struct nsinfo_container *c = nsinfo_snapshot_containers(s, &n);
	char buf[300];

	if (idx < 0 || (size_t)idx >= n)
		return;
	nst_out_setf(o, ln, DCOL_CONTAINER, "%s:%s", c[idx].runtime ? c[idx].runtime : "",
		     nsinfo_container_label(s, idx, buf, sizeof(buf)));
}

static void ns_line(struct nst_out *o, const struct nsinfo_diff_entry *e,
		    struct side *old, struct side *new)
{
	struct side *sd = e->new_index >= 0 ? new : old;
	int32_t i = e->new_index >= 0 ? e->new_index : e->old_index;
	const struct nsinfo_ns *n = &sd->ctl.ns[i];
	struct libscols_line *ln = nst_out_line(o, NULL);
	char *what = holders_summary(&sd->ctl, i, ", ");

	nst_out_set(o, ln, DCOL_CHANGE, nsinfo_diff_kind_name(e->kind));
	nst_out_set(o, ln, DCOL_TYPE, nsinfo_type_name(n->type));
	nst_out_setf(o, ln, DCOL_NS, "%" PRIu64, n->ino);
	if (n->nsid)
		nst_out_setf(o, ln, DCOL_NSID, "%" PRIu64, n->nsid);
	nst_out_setf(o, ln, DCOL_NPROCS, "%u", n->nprocs);
	set_container(o, ln, sd->snap, n->container);
	if (e->kind == NSINFO_DIFF_NS_HOLDERS) {
		char *before = holders_summary(&old->ctl, e->old_index, ", ");

		nst_out_setf(o, ln, DCOL_WHAT, "%s -> %s", before, what);
		free(before);
	} else {
		nst_out_set(o, ln, DCOL_WHAT, what);
	}
	free(what);
}

static void container_line(struct nst_out *o, const struct nsinfo_diff_entry *e,
			   struct side *old, struct side *new)
{
	struct side *sd = e->new_index >= 0 ? new : old;
	int32_t i = e->new_index >= 0 ? e->new_index : e->old_index;
	const struct nsinfo_container *c = nsinfo_snapshot_containers(sd->snap, NULL) + i;
	struct libscols_line *ln = nst_out_line(o, NULL);

	nst_out_set(o, ln, DCOL_CHANGE, nsinfo_diff_kind_name(e->kind));
	nst_out_set(o, ln, DCOL_TYPE, "container");
	set_container(o, ln, sd->snap, i);
	nst_out_set(o, ln, DCOL_WHAT, c->id);
}

int diff_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "diff", no_argument, NULL, 'D' },
		{ "source", required_argument, NULL, 'S' },
		NST_OUT_COLUMN_LONGOPTS,
		NST_OUT_FORMAT_LONGOPTS,
		NST_COLOR_LONGOPT,
		NST_STD_LONGOPTS,
	};
	struct side old = { 0 }, new = { 0 };
	struct nsinfo_diff_entry *e = NULL;
	struct nst_out o;
	unsigned flags = 0;
	size_t n = 0;
	int opt, r;

	nst_close_stdout_at_exit(NST_EXIT_TROUBLE);
	nst_out_init(&o, diff_columns, DNCOLS, DIFF_DEFAULT_COLS);
	while ((opt = getopt_long(argc, argv, NST_OUT_COLUMN_SHORTOPTS NST_OUT_FORMAT_SHORTOPTS
				  NST_STD_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case 'D': break;
		case 'S':
			if ((r = nst_parse_source(optarg)) < 0)
				nst_usage_error(NST_EXIT_USAGE, "unknown source: %s", optarg);
			flags |= (unsigned)r;
			break;
		default:
			if (!nst_out_option(&o, opt, optarg, NST_EXIT_USAGE) &&
			    !nst_std_option(opt, argv, diff_usage, NST_EXIT_USAGE))
				nst_usage_error(NST_EXIT_USAGE, NULL);
		}
	}
	if (argc - optind != 2)
		nst_usage_error(NST_EXIT_USAGE, "--diff takes two snapshots: <old> <new>");
	old.arg = argv[optind];
	new.arg = argv[optind + 1];
	if (!strcmp(old.arg, "-") && !strcmp(new.arg, "-"))
		nst_usage_error(NST_EXIT_USAGE, "only one side can be standard input");
	nst_out_columns(&o, diff_columns, DNCOLS, DIFF_DEFAULT_COLS);
	load_side(&old, flags);
	load_side(&new, flags);

	r = nsinfo_snapshot_diff(old.snap, new.snap, &e, &n);
	if (r < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot compare: %s", strerror(-r));
	if (!nst_out_table(&o, "changes"))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (e[i].kind == NSINFO_DIFF_CONTAINER_STARTED || e[i].kind == NSINFO_DIFF_CONTAINER_STOPPED)
			container_line(&o, &e[i], &old, &new);
		else
			ns_line(&o, &e[i], &old, &new);
	}
	/* no difference: no table either (diff(1) prints nothing), but JSON
	 * readers still get a document */
	if (n || o.json) {
		if (nst_out_print(&o) < 0)
			nst_die(NST_EXIT_TROUBLE, "cannot write the table");
	} else {
		scols_unref_table(o.tb);
	}
	free(e);
	nsinfo_snapshot_unref(old.snap);
	nsinfo_snapshot_unref(new.snap);
	return n ? NST_EXIT_NO : NST_EXIT_OK;
}

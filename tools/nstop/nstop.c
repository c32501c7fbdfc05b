/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nstop - top for namespaces: one row per namespace with the processes,
 * CPU and memory of its members, live in a terminal or as batch frames.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "cttarget.h"
#include "options.h"
#include "events_pane.h"
#include "nstop.h"

enum { OPT_EVENTS_FILTER = NST_OPT_FIRST_TOOL };

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

bool nstop_running(void)
{
	return !stop_requested;
}

int nstop_refresh(struct model *m, struct events_pane *ev)
{
	events_pane_consume(ev);
	m->trust_links = events_pane_changes(ev, &m->changed, &m->nchanged);
	m->events = events_pane_source(ev);
	return model_refresh(m);
}

/* The events pane's "ct:" filter: a process's container in the last scan */
static int container_of(pid_t pid, void *data, const char **name, const char **id)
{
	const struct model *m = data;
	size_t nc;
	const struct nsinfo_container *c = nsinfo_snapshot_containers(m->snap, &nc);
	int i = m->snap ? nsinfo_snapshot_find_proc(m->snap, pid) : -1;
	int32_t ci = i < 0 ? -1 : nsinfo_snapshot_procs(m->snap, NULL)[i].container;

	if (ci < 0 || (size_t)ci >= nc)
		return 0;
	*name = c[ci].name;
	*id = c[ci].id;
	return 1;
}

static void __attribute__((noreturn)) usage(void)
{
	FILE *f = stdout;

	fprintf(f, "\nUsage:\n %s [options]\n", program_invocation_short_name);
	fputs("\nShow namespaces like top shows processes: members, CPU, memory, churn.\n", f);
	fputs("\nOptions:\n"
	      " -b, --batch              plain-text frames on stdout, no terminal UI\n"
	      " -n, --iterations <N>     batch: number of frames (default: until killed)\n"
	      " -d, --delay <SECONDS>    refresh interval (default 2; 0 in batch = back to back)\n"
	      " -t, --type <TYPE>        only namespaces of that type (mnt, net, pid, ...)\n"
	      " -p, --pid <PID>          only the namespaces of that process\n"
	      " -C, --container <REF>    only the namespaces of that container's processes\n"
	      "                          (repeatable), and only its events in the pane:\n"
	      "                          its pid namespace and those below it, or the\n"
	      "                          cgroup of a --pid=host container\n"
	      " -g, --group <MODE>       tree, container or flat (default tree)\n"
	      " -s, --sort <COLUMN>      sort column (default %CPU)\n"
	      " -e, --events             batch: load the eBPF event source too\n"
	      " -E, --no-events          do not load the eBPF event source\n"
	      "     --events-filter <F>  events pane: only pid:N (and what it starts),\n"
	      "                          comm:TEXT or ct:NAME (key f)\n"
	      " -H, --list-columns       list the columns and exit\n" NST_COLOR_HELP, f);
	nst_help_options(f, NST_HELP_COLUMNS | NST_HELP_STD);
	nst_help_columns(f, nstop_cols, NCOLS);
	fputs("\nKeys: press h or ? in nstop.\n"
	      "Exit status: 0 success, 1 no such -p process or -C container, 2 bad usage,\n"
	      "3 trouble (/proc, the terminal, the output). See nstop(1).\n", f);
	exit(EXIT_SUCCESS);
}

static int parse_group(const char *arg)
{
	for (int g = 0; g < NGROUPS; g++)
		if (!strcasecmp(arg, group_names[g]))
			return g;
	nst_usage_error(NST_EXIT_USAGE, "invalid grouping: '%s' (tree, container or flat)", arg);
}

/* The screen needs a terminal that can address the cursor: anything else
 * would get escape codes written into a file or pipe. */
static void check_terminal(void)
{
	const char *term = getenv("TERM");

	if (!isatty(STDOUT_FILENO))
		nst_die(NST_EXIT_TROUBLE, "standard output is not a terminal: "
			"use -b (--batch) for plain-text frames");
	if (!term || !*term || !strcmp(term, "dumb"))
		nst_die(NST_EXIT_TROUBLE, "TERM is %s: the screen cannot be drawn; "
			"use -b (--batch) for plain-text frames", term && *term ? term : "unset");
}

/* The options into o, the model's filters and out's columns; -H lists the
 * columns and exits. */
static void parse_args(int argc, char **argv, struct nstop_opts *o, struct model *m,
		       struct nst_out *out)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, 't' },
		{ "pid", required_argument, NULL, 'p' },
		{ "container", required_argument, NULL, 'C' },
		{ "group", required_argument, NULL, 'g' },
		{ "sort", required_argument, NULL, 's' },
		{ "events", no_argument, NULL, 'e' },
		{ "no-events", no_argument, NULL, 'E' },
		{ "events-filter", required_argument, NULL, OPT_EVENTS_FILTER },
		{ "list-columns", no_argument, NULL, 'H' },
		NST_OUT_COLUMN_LONGOPTS,
		NST_COLOR_LONGOPT,
		NST_STD_LONGOPTS,
	};
	int events = -1, c;
	bool list_cols = false;

	while ((c = getopt_long(argc, argv, "bn:d:t:p:C:g:s:eEH" NST_OUT_COLUMN_SHORTOPTS
				NST_STD_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->batch = true; break;
		case 'n': o->frames = nst_arg_long(optarg, 1, LONG_MAX, "number of iterations"); break;
		case 'd': o->delay = nst_arg_seconds(optarg, 0, 86400, "delay"); break;
		case 't':
			m->type_filter = nsinfo_type_from_name(optarg);
			if (m->type_filter < 0)
				nst_usage_error(NST_EXIT_USAGE, "unknown namespace type: '%s'", optarg);
			break;
		case 'p':
			if (nsinfo_parse_pid(optarg, &m->pid_filter) < 0)
				nst_usage_error(NST_EXIT_USAGE, "invalid pid: '%s'", optarg);
			break;
		case 'C':
			nst_ct_option(o->ct_refs, &o->nct, optarg);
			break;
		case 'g': m->group = parse_group(optarg); break;
		case 's':
			m->sort_col = nst_col_by_name(nstop_cols, NCOLS, optarg, strlen(optarg));
			if (m->sort_col < 0)
				nst_usage_error(NST_EXIT_USAGE, "unknown column: %s", optarg);
			m->sort_desc = top_cols[m->sort_col].numeric;
			break;
		case 'e': events = 1; break;
		case 'E': events = 0; break;
		case OPT_EVENTS_FILTER: o->evfilter = optarg; break;
		case 'H': list_cols = true; break;
		default:
			if (!nst_out_option(out, c, optarg, NST_EXIT_USAGE) &&
			    !nst_std_option(c, argv, usage, NST_EXIT_USAGE))
				nst_usage_error(NST_EXIT_USAGE, NULL);
		}
	}
	/* NSTOP_COLUMNS stands for -o when neither -o nor --output-all is given */
	nst_out_env_columns(out, "NSTOP_COLUMNS");
	nst_out_columns(out, nstop_cols, NCOLS, NSTOP_DEFAULT_COLS);
	if (optind < argc)
		nst_usage_error(NST_EXIT_USAGE, "unexpected argument: '%s'", argv[optind]);
	if (list_cols)
		exit(nst_list_columns(nstop_cols, NCOLS, false, false, false) ? NST_EXIT_TROUBLE
									      : NST_EXIT_OK);
	if (o->frames && !o->batch)
		nst_usage_error(NST_EXIT_USAGE, "--iterations needs --batch");
	if (o->delay < 0)
		o->delay = 2;
	o->cols = out->sel;
	o->ncols = out->nsel;
	m->want_labels = false;
	for (int k = 0; k < 6; k++)
		m->want_labels |= nst_out_has(out, NSTOP_CT_COL(k));
	/* the screen has the feed unless -E; batch mode only with -e */
	o->events = events < 0 ? !o->batch : events;
}

int main(int argc, char **argv)
{
	struct nstop_opts o = { .delay = -1 };
	struct sigaction sa = { .sa_handler = on_stop };
	struct nst_out out;
	struct nst_ct_targets ct = { 0 };
	struct model m;
	int r, rc;

	setlocale(LC_ALL, "");
	/* getopt's own messages name argv[0]: "nstop:", as every tool's */
	argv[0] = program_invocation_short_name;
	nst_close_stdout_at_exit(NST_EXIT_TROUBLE);
	model_init(&m);
	nst_out_init(&out, nstop_cols, NCOLS, NSTOP_DEFAULT_COLS);
	parse_args(argc, argv, &o, &m, &out);
	if (!o.batch)
		check_terminal();
	/* -C: through the library's resolver, as nstrace -C */
	for (size_t i = 0; i < o.nct; i++)
		nst_ct_targets_add(&ct, o.ct_refs[i]);
	m.ct = o.nct ? &ct : NULL;
	/* on before the first snapshot, so the first interval is covered */
	if (o.events && !(o.ev = events_pane_open(m.ct)))
		nst_die(NST_EXIT_TROUBLE, "out of memory");
	if (o.evfilter && !o.events)
		nst_usage_error(NST_EXIT_USAGE, "--events-filter needs the event source (not -E; -e in batch mode)");
	events_pane_set_container(o.ev, container_of, &m);
	if (o.evfilter && *o.evfilter) {
		char why[160];

		r = events_pane_set_filter(o.ev, o.evfilter, why, sizeof(why));
		if (r == -EINVAL)
			nst_usage_error(NST_EXIT_USAGE, "%s", why);
		/* without the probe the pane says why; the rest works */
		if (r < 0 && r != -ENOTSUP)
			nst_die(nst_exit_for_lookup(r), "%s", why);
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = nstop_refresh(&m, o.ev);
	if (r < 0)
		nst_die(NST_EXIT_TROUBLE, "cannot scan /proc: %s", nsinfo_pid_strerror(r));
	if (m.pid_filter && nsinfo_snapshot_find_proc(m.snap, m.pid_filter) < 0)
		nst_die(NST_EXIT_NO, "pid %d: %s", (int)m.pid_filter, strerror(ESRCH));
	rc = o.batch ? batch_run(&m, &o) : ui_run(&m, &o);
	model_fini(&m);
	events_pane_close(o.ev);
	nst_ct_targets_free(&ct);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nstop - top for namespaces: one row per namespace with the processes,
 * CPU and memory of its members, live in a terminal or as batch frames.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "events_pane.h"
#include "nstop.h"

enum { EXIT_USAGE = 2 };
enum { OPT_NO_EVENTS = NST_OPT_FIRST_TOOL, OPT_OUTPUT_ALL = NST_OPT_OUTPUT_ALL };

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
	return model_refresh(m);
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
	      " -g, --group <MODE>       tree, container or flat (default tree)\n"
	      " -s, --sort <COLUMN>      sort column (default %CPU)\n"
	      " -o, --output <LIST>      columns to show (+LIST appends)\n"
	      "     --output-all         show every column\n"
	      " -e, --events             batch: load the eBPF event source too\n"
	      " -E, --no-events          do not load the eBPF event source\n"
	      " -H, --list-columns       list the columns and exit\n"
	      " -h, --help               display this help\n"
	      " -V, --version            display version\n", f);
	nst_help_columns(f, nstop_cols, NCOLS);
	fputs("\nKeys: press h or ? in nstop. See nstop(1).\n", f);
	exit(EXIT_SUCCESS);
}

static double parse_delay(const char *arg)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(d) || d < 0 || d > 86400)
		nst_usage_error(EXIT_USAGE, "invalid delay: '%s'", arg);
	return d;
}

static long parse_count(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 1)
		nst_usage_error(EXIT_USAGE, "invalid number of iterations: '%s'", arg);
	return n;
}

static int parse_group(const char *arg)
{
	for (int g = 0; g < NGROUPS; g++)
		if (!strcasecmp(arg, group_names[g]))
			return g;
	nst_usage_error(EXIT_USAGE, "invalid grouping: '%s' (tree, container or flat)", arg);
}

static void parse_columns(struct nst_out *out, const char *arg)
{
	const char *bad;
	size_t badlen;

	if (nst_out_select(out, arg, &bad, &badlen))
		nst_usage_error(EXIT_USAGE, "unknown column: %.*s", (int)badlen, bad);
}

/* The screen needs a terminal that can address the cursor: anything else
 * would get escape codes written into a file or pipe. */
static void check_terminal(void)
{
	const char *term = getenv("TERM");

	if (!isatty(STDOUT_FILENO))
		nst_die(EXIT_FAILURE, "standard output is not a terminal: "
			"use -b (--batch) for plain-text frames");
	if (!term || !*term || !strcmp(term, "dumb"))
		nst_die(EXIT_FAILURE, "TERM is %s: the screen cannot be drawn; "
			"use -b (--batch) for plain-text frames", term && *term ? term : "unset");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, 't' },
		{ "pid", required_argument, NULL, 'p' },
		{ "group", required_argument, NULL, 'g' },
		{ "sort", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "events", no_argument, NULL, 'e' },
		{ "no-events", no_argument, NULL, 'E' },
		{ "list-columns", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct nstop_opts o = { .delay = -1 };
	int events = -1;
	struct sigaction sa = { .sa_handler = on_stop };
	struct nst_out out;
	struct model m;
	bool list_cols = false;
	int c, r, rc;

	setlocale(LC_ALL, "");
	nst_close_stdout_at_exit(EXIT_FAILURE);
	model_init(&m);
	nst_out_init(&out, nstop_cols, NCOLS, NSTOP_DEFAULT_COLS);
	while ((c = getopt_long(argc, argv, "bn:d:t:p:g:s:o:eEHhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.batch = true; break;
		case 'n': o.frames = parse_count(optarg); break;
		case 'd': o.delay = parse_delay(optarg); break;
		case 't':
			m.type_filter = nsinfo_type_from_name(optarg);
			if (m.type_filter < 0)
				nst_usage_error(EXIT_USAGE, "unknown namespace type: '%s'", optarg);
			break;
		case 'p':
			if (nsinfo_parse_pid(optarg, &m.pid_filter) < 0)
				nst_usage_error(EXIT_USAGE, "invalid pid: '%s'", optarg);
			break;
		case 'g': m.group = parse_group(optarg); break;
		case 's':
			m.sort_col = nst_col_by_name(nstop_cols, NCOLS, optarg, strlen(optarg));
			if (m.sort_col < 0)
				nst_usage_error(EXIT_USAGE, "unknown column: %s", optarg);
			m.sort_desc = top_cols[m.sort_col].numeric;
			break;
		case 'o': parse_columns(&out, optarg); break;
		case OPT_OUTPUT_ALL: nst_out_select_all(&out); break;
		case 'e': events = 1; break;
		case 'E': events = 0; break;
		case 'H': list_cols = true; break;
		case 'h': usage();
		case 'V': nst_print_version();
		default: nst_usage_error(EXIT_USAGE, NULL);
		}
	}
	if (optind < argc)
		nst_usage_error(EXIT_USAGE, "unexpected argument: '%s'", argv[optind]);
	if (list_cols)
		return nst_list_columns(nstop_cols, NCOLS, false, false, false) ? EXIT_FAILURE
										: EXIT_SUCCESS;
	if (o.frames && !o.batch)
		nst_usage_error(EXIT_USAGE, "--iterations needs --batch");
	if (!o.batch)
		check_terminal();
	if (o.delay < 0)
		o.delay = 2;
	o.cols = out.sel;
	o.ncols = out.nsel;
	m.want_labels = false;
	for (int k = 0; k < 6; k++)
		m.want_labels |= nst_out_has(&out, NSTOP_CT_COL(k));
	/* the screen has the feed unless -E; batch mode only with -e */
	o.events = events < 0 ? !o.batch : events;
	/* on before the first snapshot, so the first interval is covered */
	if (o.events && !(o.ev = events_pane_open()))
		nst_die(EXIT_FAILURE, "out of memory");

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = nstop_refresh(&m, o.ev);
	if (r < 0)
		nst_die(EXIT_FAILURE, "cannot scan /proc: %s", nsinfo_pid_strerror(r));
	if (m.pid_filter && nsinfo_snapshot_find_proc(m.snap, m.pid_filter) < 0)
		nst_die(EXIT_FAILURE, "pid %d: %s", (int)m.pid_filter, strerror(ESRCH));
	rc = o.batch ? batch_run(&m, &o) : ui_run(&m, &o);
	model_fini(&m);
	events_pane_close(o.ev);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch mode (like top -b): frames of plain text on stdout, each the
 * header lines, an empty line and the namespace table (libsmartcols, the
 * tree drawn in the NS column), frames separated by an empty line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "events_pane.h"
#include "nstop.h"

#define MAX_TREE 64

static int print_table(struct model *m, const struct nstop_opts *opt)
{
	struct libscols_line *stack[MAX_TREE + 1] = { NULL };
	struct nst_out o;
	char buf[256];

	nst_out_init(&o, nstop_cols, NCOLS, "TYPE");
	memcpy(o.sel, opt->cols, opt->ncols * sizeof(*o.sel));
	o.nsel = opt->ncols;
	for (size_t i = 0; i < NST_MAX_COLS; i++)
		o.pos[i] = -1;
	for (size_t i = 0; i < o.nsel; i++)
		o.pos[o.sel[i]] = (int)i;
	o.colors = false;
	o.tree_col = m->group == GROUP_FLAT ? -1 : COL_NS;
	if (!nst_out_table(&o, "namespaces"))
		return -ENOMEM;
	for (size_t i = 0; i < m->nrows; i++) {
		const struct row *r = &m->rows[i];
		int d = r->depth < MAX_TREE ? r->depth : MAX_TREE;
		struct libscols_line *ln = nst_out_line(&o, d ? stack[d - 1] : NULL);

		stack[d] = ln;
		for (size_t c = 0; c < o.nsel; c++) {
			model_cell(m, r, o.sel[c], buf, sizeof(buf));
			nst_out_set(&o, ln, o.sel[c], buf);
		}
	}
	return nst_out_print(&o);
}

static void print_frame(struct model *m, const struct nstop_opts *opt, const char *events)
{
	char lines[5][256];
	int n = model_header(m, lines, 5, events);

	for (int i = 0; i < n; i++)
		printf("%s\n", lines[i]);
	putchar('\n');
	print_table(m, opt);
}

/* Sleep the interval; a signal ends it early (and the loop with it). */
static void pause_for(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };

	while (nstop_running() && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int batch_run(struct model *m, const struct nstop_opts *opt)
{
	for (long f = 1; nstop_running(); f++) {
		int r;

		print_frame(m, opt, opt->ev ? events_pane_status(opt->ev) : "off (batch mode without -e)");
		if (fflush(stdout) == EOF || ferror(stdout))
			return NST_EXIT_TROUBLE; /* the exit handler names the error */
		if (opt->frames && f >= opt->frames)
			break;
		pause_for(opt->delay);
		if (!nstop_running())
			break;
		r = nstop_refresh(m, opt->ev);
		if (r < 0)
			nst_die(NST_EXIT_TROUBLE, "cannot scan /proc: %s", nsinfo_pid_strerror(r));
		putchar('\n');
	}
	return EXIT_SUCCESS;
}

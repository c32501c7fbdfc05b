/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options the tools share, declared once: getopt_long entries to
 * splice into a tool's own table, their short letters, their help lines
 * and their handlers. A tool's table reads
 *
 *	static const struct option longopts[] = {
 *		{ "list", no_argument, NULL, 'l' },      (the tool's own)
 *		NST_OUT_COLUMN_LONGOPTS,
 *		NST_OUT_FORMAT_LONGOPTS,
 *		NST_STD_LONGOPTS,                         (last: ends the table)
 *	};
 *
 * with "l" NST_OUT_COLUMN_SHORTOPTS NST_OUT_FORMAT_SHORTOPTS NST_STD_SHORTOPTS
 * as the short options; nst_out_option() (cli.h) takes the output options,
 * nst_std_option() -h/-V and getopt's errors.
 */
#ifndef NSTOOLS_OPTIONS_H
#define NSTOOLS_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "exitcodes.h"

/* -o/--output LIST (+LIST appends), --output-all */
#define NST_OUT_COLUMN_LONGOPTS \
	{ "output", required_argument, NULL, 'o' }, \
	{ "output-all", no_argument, NULL, NST_OPT_OUTPUT_ALL }
#define NST_OUT_COLUMN_SHORTOPTS "o:"
/* -n/--noheadings, -r/--raw, -J/--json */
#define NST_OUT_FORMAT_LONGOPTS \
	{ "noheadings", no_argument, NULL, 'n' }, \
	{ "raw", no_argument, NULL, 'r' }, \
	{ "json", no_argument, NULL, 'J' }
#define NST_OUT_FORMAT_SHORTOPTS "nrJ"
/* -h/--help, -V/--version; ends the table */
#define NST_STD_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }
#define NST_STD_SHORTOPTS "hV"

/* Which help lines nst_help_options() prints */
enum { NST_HELP_COLUMNS = 1, NST_HELP_FORMAT = 2, NST_HELP_STD = 4 };
void nst_help_options(FILE *f, unsigned which);

/*
 * -h (calls usage, which exits), -V (exits), and getopt's ':' and '?'
 * (a usage error naming the option, for tables parsed with opterr = 0 and
 * a leading ':' in the short options, or getopt's own message before it
 * otherwise) exiting with usage_code. Returns false for any other option.
 */
bool nst_std_option(int opt, char **argv, void (*usage)(void), int usage_code);

/* An option's number (parse.h's grammar) or a usage error naming it:
 * "invalid WHAT: 'ARG' (MIN to MAX)" (seconds: "(seconds, at most MAX)"),
 * exit NST_EXIT_USAGE. */
double nst_arg_seconds(const char *arg, double min, double max, const char *what);
long nst_arg_long(const char *arg, long min, long max, const char *what);

/* --source auto|bpf|proc: 0 (auto), NSINFO_SCAN_BPF or NSINFO_SCAN_PROC,
 * -EINVAL for another word. */
int nst_parse_source(const char *arg);

#endif

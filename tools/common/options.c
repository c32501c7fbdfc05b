/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "parse.h"

void nst_help_options(FILE *f, unsigned which)
{
	if (which & NST_HELP_COLUMNS)
		fputs(" -o, --output <list>    output columns (\"+LIST\" appends)\n"
		      "     --output-all       output all columns\n", f);
	if (which & NST_HELP_FORMAT)
		fputs(" -n, --noheadings       don't print headings\n"
		      " -r, --raw              use the raw output format\n"
		      " -J, --json             use the JSON output format\n", f);
	if (which & NST_HELP_STD)
		fputs(" -h, --help             display this help\n"
		      " -V, --version          display version\n", f);
}

bool nst_std_option(int opt, char **argv, void (*usage)(void), int usage_code)
{
	switch (opt) {
	case 'h':
		usage();
		exit(EXIT_SUCCESS);
	case 'V':
		nst_print_version();
	case ':':
		nst_usage_error(usage_code, "option '%s' requires an argument", argv[optind - 1]);
	case '?':
		if (opterr)
			nst_usage_error(usage_code, NULL);
		if (optopt)
			nst_usage_error(usage_code, "invalid option -- '%c'", optopt);
		nst_usage_error(usage_code, "unrecognized option '%s'", argv[optind - 1]);
	}
	return false;
}

double nst_arg_seconds(const char *arg, double min, double max, const char *what)
{
	double v;

	if (nst_parse_seconds(arg, min, max, &v))
		nst_usage_error(NST_EXIT_USAGE, "invalid %s: '%s' (seconds, at most %g)", what, arg,
				max);
	return v;
}

long nst_arg_long(const char *arg, long min, long max, const char *what)
{
	long v;

	if (!nst_parse_long(arg, min, max, &v))
		return v;
	if (max == LONG_MAX)
		nst_usage_error(NST_EXIT_USAGE, "invalid %s: '%s' (%ld or more)", what, arg, min);
	nst_usage_error(NST_EXIT_USAGE, "invalid %s: '%s' (%ld to %ld)", what, arg, min, max);
}

int nst_parse_source(const char *arg)
{
	if (!strcmp(arg, "auto"))
		return 0;
	if (!strcmp(arg, "bpf"))
		return NSINFO_SCAN_BPF;
	if (!strcmp(arg, "proc"))
		return NSINFO_SCAN_PROC;
	return -EINVAL;
}

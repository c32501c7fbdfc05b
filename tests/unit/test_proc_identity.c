/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-pid reads after the scan check that the pid still is the process the
 * snapshot saw (its start time, /proc/PID/stat field 22): on a proc tree
 * written here, a pid whose stat changes between the scan and the read
 * (the process exited and the pid was reused) gives -ESRCH, never the new
 * process's command line. The start-time parser takes a comm holding ')'
 * and spaces, and refuses what is not a stat line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char root[64];

static void xwrite(const char *rel, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "we");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f))
		diag("write %s: %m", path);
}

#define STAT(start) "100 (a) b) S 1 100 100 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 " start \
		    " 1000 10 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"

static void parse_cases(void)
{
	uint64_t v = 7;

	is(nsinfo__parse_stat_start(STAT("5000"), &v), 0, "stat: a comm with ') ' parses");
	is(v, 5000, "stat: field 22 after the last ')'");
	v = 7;
	is(nsinfo__parse_stat_start("1 (x) S 1 2 3", &v), -EINVAL, "stat: too few fields refused");
	is(v, 7, "stat: nothing written on failure");
	is(nsinfo__parse_stat_start("no paren at all", &v), -EINVAL, "stat: no comm refused");
	is(nsinfo__parse_stat_start(STAT("99999999999999999999999"), &v), -EINVAL,
	   "stat: an overflowing start time refused");
	is(nsinfo__parse_stat_start(STAT("12x"), &v), -EINVAL, "stat: trailing garbage refused");
}

int main(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = NSINFO_SCAN_PROC };
	struct nsinfo_snapshot *s = NULL;
	char buf[256], path[128];
	int r;

	parse_cases();

	snprintf(root, sizeof(root), "/tmp/nstools-identity.XXXXXX");
	if (!mkdtemp(root))
		BAIL("mkdtemp: %m");
	snprintf(path, sizeof(path), "%s/100", root);
	mkdir(path, 0755);
	xwrite("100/status", "Name:\ta) b\nState:\tS (sleeping)\nTgid:\t100\nPid:\t100\n"
			     "PPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t100\nThreads:\t1\n", 93);
	xwrite("100/stat", STAT("5000"), strlen(STAT("5000")));
	xwrite("100/cmdline", "real\0--flag\0", 12);
	snprintf(path, sizeof(path), "%s/101", root);
	mkdir(path, 0755);
	/* a process whose stat could not be read: no identity to check */
	xwrite("101/status", "Name:\tnostat\nState:\tS (sleeping)\nTgid:\t101\nPid:\t101\n"
			     "PPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t101\nThreads:\t1\n", 95);
	xwrite("101/cmdline", "x\0", 2);

	o.proc_root = root;
	r = nsinfo_snapshot_new(&o, &s);
	is(r, 0, "snapshot of the tree");
	if (r)
		return tap_done();
	r = nsinfo_snapshot_find_proc(s, 100);
	ok(r >= 0 && nsinfo_snapshot_procs(s, NULL)[r].start_time == 5000,
	   "the scan recorded the start time");
	is(nsinfo_proc_cmdline(s, 100, buf, sizeof(buf)), 0, "same process: command line read");
	is_str(buf, "real --flag", "same process: its command line");

	/* pid 100 exits; a new process gets pid 100 */
	xwrite("100/stat", STAT("6000"), strlen(STAT("6000")));
	xwrite("100/cmdline", "impostor\0", 9);
	strcpy(buf, "untouched");
	is(nsinfo_proc_cmdline(s, 100, buf, sizeof(buf)), -ESRCH,
	   "reused pid: -ESRCH, not the new process's command");
	unlink(strcat(strcpy(path, root), "/100/stat"));
	is(nsinfo_proc_cmdline(s, 100, buf, sizeof(buf)), -ESRCH, "stat gone: -ESRCH");
	ok(strcmp(buf, "impostor") != 0, "the impostor's command never reached the caller");
	is(nsinfo_proc_cmdline(s, 101, buf, sizeof(buf)), -ESRCH,
	   "unknown start time: nothing read (-ESRCH)");
	is(nsinfo_proc_cmdline(s, 102, buf, sizeof(buf)), -ESRCH,
	   "a pid the snapshot does not have: -ESRCH");
	nsinfo_snapshot_unref(s);

	snprintf(buf, sizeof(buf), "rm -rf -- '%s'", root);
	if (system(buf) != 0)
		diag("cleanup of %s failed", root);
	return tap_done();
}

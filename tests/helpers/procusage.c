/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procusage - CPU time and RSS of some processes from one snapshot taken
 * with NSINFO_SCAN_USAGE, for the shell tests.
 *
 *   procusage proc|bpf PID...
 *
 * Lines: "source NAME" (the source that filled the snapshot), then per
 * PID "PID CPU_NS RSS_BYTES", or "PID none" where the snapshot has no
 * figure. Exit 0, 3 if no snapshot could be taken.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsinfo.h"

int main(int argc, char **argv)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o), .flags = NSINFO_SCAN_USAGE };
	struct nsinfo_snapshot *s;
	const char *why;

	if (argc < 2 || (strcmp(argv[1], "proc") && strcmp(argv[1], "bpf"))) {
		fprintf(stderr, "usage: procusage proc|bpf PID...\n");
		return 2;
	}
	o.flags |= strcmp(argv[1], "proc") ? NSINFO_SCAN_BPF : NSINFO_SCAN_PROC;
	if (nsinfo_snapshot_new(&o, &s) < 0)
		return 3;
	printf("source %s", nsinfo_snapshot_source(s, &why));
	printf(why ? " (%s)\n" : "\n", why);
	for (int a = 2; a < argc; a++) {
		pid_t pid;
		int i = nsinfo_parse_pid(argv[a], &pid) < 0 ? -1 : nsinfo_snapshot_find_proc(s, pid);
		uint64_t cpu, rss;

		if (i >= 0 && nsinfo_snapshot_proc_usage(s, (size_t)i, &cpu, &rss) == 0)
			printf("%s %llu %llu\n", argv[a], (unsigned long long)cpu,
			       (unsigned long long)rss);
		else
			printf("%s none\n", argv[a]);
	}
	nsinfo_snapshot_unref(s);
	return 0;
}

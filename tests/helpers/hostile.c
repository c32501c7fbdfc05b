/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A process whose every visible string is hostile, for the output escaping
 * test: comm, argv (4 KiB, empty, newlines, invalid UTF-8, C1 bytes, bidi
 * overrides) and, with -u, the hostname of a uts namespace of its own.
 *
 *   hostile [-u]   re-executes itself with the hostile argv, sets its comm,
 *                  prints "ready PID" and then obeys one command per line on
 *                  stdin: "unshare" (a new uts namespace; prints "done"),
 *                  "quit" (or EOF) exits.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define COMM "\033]0;pwn\007\033[2J\xff\n"
#define HOSTNAME "\033]0;host\007\033[2J\n\xff\xc2\x9b\xe2\x80\xae" "evil\r"

static char big[4097];

int main(int argc, char **argv)
{
	char line[64];

	if (argc < 2 || strcmp(argv[1], "--hostile")) {
		int uts = argc > 1 && !strcmp(argv[1], "-u");
		char *args[] = {
			"\033]2;argv0\007", "--hostile", uts ? "-u" : "-", "", "two\nlines\n",
			"bad\xff\xfe\xc0\xaf", "c1\x85\x9b\xc2\x9b", "rlo\xe2\x80\xaegnp.exe",
			"\xe2\x81\xa6iso\xe2\x81\xa9", "tab\there\x7f", big, NULL,
		};

		memset(big, 'A', sizeof(big) - 1);
		big[100] = '\033';
		big[2000] = '\n';
		execv("/proc/self/exe", args);
		perror("hostile: exec");
		return 1;
	}
	/* the name first: the unshare is seen with it */
	if (prctl(PR_SET_NAME, COMM, 0, 0, 0)) {
		perror("hostile: prctl");
		return 1;
	}
	if (!strcmp(argv[2], "-u")) {
		if (unshare(CLONE_NEWUTS)) {
			perror("hostile: unshare");
			return 1;
		}
		if (sethostname(HOSTNAME, strlen(HOSTNAME))) {
			perror("hostile: sethostname");
			return 1;
		}
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "unshare\n")) {
			if (unshare(CLONE_NEWUTS) || sethostname(HOSTNAME, strlen(HOSTNAME)))
				perror("hostile: unshare");
			printf("done\n");
			fflush(stdout);
		} else if (!strcmp(line, "quit\n"))
			break;
	}
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nstrace_setns PATH TYPE - exactly one setns(open(PATH), CLONE_NEW<TYPE>)
 * (TYPE "any" = 0, TYPE 0xN = exactly those flag bits), for tests that need
 * one operation, not nsenter's retries.
 * Exits 0 on success, else prints the errno name and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nsinfo.h"

int main(int argc, char **argv)
{
	int fd, type, flags;
	bool raw;

	if (argc != 3)
		return 2;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	raw = !strncmp(argv[2], "0x", 2);
	type = strcmp(argv[2], "any") && !raw ? nsinfo_type_from_name(argv[2]) : -1;
	if (fd < 0 || (strcmp(argv[2], "any") && !raw && type < 0))
		return 2;
	flags = raw ? (int)strtoul(argv[2], NULL, 16) : type < 0 ? 0 : (int)nsinfo_type_clone_flag(type);
	if (setns(fd, flags) < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	return 0;
}

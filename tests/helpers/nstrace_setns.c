/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nstrace_setns PATH TYPE - exactly one setns(open(PATH), CLONE_NEW<TYPE>)
 * (TYPE "any" = 0), for tests that need one operation, not nsenter's retries.
 * Exits 0 on success, else prints the errno name and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nsinfo.h"

int main(int argc, char **argv)
{
	int fd, type;

	if (argc != 3)
		return 2;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	type = strcmp(argv[2], "any") ? nsinfo_type_from_name(argv[2]) : -1;
	if (fd < 0 || (strcmp(argv[2], "any") && type < 0))
		return 2;
	if (setns(fd, type < 0 ? 0 : (int)nsinfo_type_clone_flag(type)) < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsid FILE...: the 64-bit id (NS_GET_ID) of each namespace file, one a
 * line, straight from the kernel: ground truth the tests compare
 * libnsinfo's answers against. Empty line where the kernel has none.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "compat.h"

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		uint64_t id;
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		if (ioctl(fd, NS_GET_ID, &id) == 0)
			printf("%llu\n", (unsigned long long)id);
		else
			printf("\n");
		close(fd);
	}
	return rc;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The file readers (see util/readfile.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "util/readfile.h"

ssize_t nsinfo__read_at(int dirfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off < len - 1) {
		ssize_t r = read(fd, buf + off, len - 1 - off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			return r;
		}
		if (r == 0)
			break;
		off += (size_t)r;
		/* proc's seq files hand over everything that fits in one read:
		 * a short read is the end, and skipping the read that would
		 * return 0 saves a syscall per process */
		if ((size_t)r < len - 1 - (off - (size_t)r))
			break;
	}
	buf[off] = 0;
	close(fd);
	return (ssize_t)off;
}

int nsinfo__read_fd(int fd, size_t max, char **out, size_t *lenp)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int err = 0;

	*out = NULL;
	max = max > SIZE_MAX / 2 ? SIZE_MAX / 2 : max;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			/* room for max + 1 bytes at most: one more than allowed */
			size_t want = cap ? cap * 2 : 64 * 1024;
			char *nb;

			want = want > max + 2 ? max + 2 : want;
			nb = realloc(buf, want);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap = want;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			err = -EFBIG;
			break;
		}
	}
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = 0;
	*out = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

int nsinfo__read_file_at(int dirfd, const char *name, size_t max, char **out, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	*out = NULL;
	if (fd < 0)
		return -errno;
	r = nsinfo__read_fd(fd, max, out, len);
	close(fd);
	return r;
}

NSINFO_EXPORT int nsinfo_read_file_at(int dirfd, const char *name, size_t max, char **out,
				      size_t *len)
{
	char *buf;
	size_t n;
	int r;

	if (!name || !out)
		return -EINVAL;
	r = nsinfo__read_file_at(dirfd, name, max, &buf, &n);
	if (r < 0)
		return r;
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one walker of numbered directories (see util/procdir.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/procdir.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#define SHORT_SLACK 512

int nsinfo__dir_begin(struct nsinfo__dir *d, int fd, char *buf, size_t size, unsigned flags)
{
	*d = (struct nsinfo__dir){ .fd = fd, .flags = flags, .buf = buf, .size = size };
	if (!buf) {
		d->size = size ? size : NSINFO__DIR_BUF;
		d->buf = malloc(d->size);
		if (!d->buf)
			return -ENOMEM;
		d->own = true;
	}
	return 0;
}

/* "17" -> 17; -1 for anything but digits or a value above INT_MAX */
static long dec_name(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	return v;
}

int nsinfo__dir_next(struct nsinfo__dir *d, const char **name, long *num)
{
	for (;;) {
		while (d->off < d->len) {
			struct linux_dirent64 *e = (struct linux_dirent64 *)(d->buf + d->off);
			long v;

			d->off += e->d_reclen;
			if ((v = dec_name(e->d_name)) >= 0) {
				*name = e->d_name;
				*num = v;
				return 1;
			}
		}
		if (d->done)
			return 0;
		d->len = syscall(SYS_getdents64, d->fd, d->buf, d->size);
		d->off = 0;
		if (d->len < 0) {
			d->len = 0;
			d->done = true;
			return -errno;
		}
		if (d->len == 0 || ((d->flags & NSINFO__DIR_SHORT_END) &&
				    (size_t)d->len < d->size - SHORT_SLACK))
			d->done = true;
	}
}

void nsinfo__dir_end(struct nsinfo__dir *d)
{
	if (d->own)
		free(d->buf);
	d->buf = NULL;
	d->own = false;
}

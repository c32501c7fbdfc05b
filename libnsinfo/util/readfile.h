/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The file readers (internal): a small file into a caller's buffer (proc's
 * status, stat, cgroup), and a whole file of unknown size into a new
 * buffer with a cap (mountinfo, a saved snapshot). Both retry EINTR.
 */
#ifndef NSINFO_UTIL_READFILE_H
#define NSINFO_UTIL_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Read a small file relative to dirfd into buf, NUL-terminated; its
 * length or -errno. A short read ends it (proc's seq files hand over all
 * that fits at once), which saves a syscall per file; what does not fit
 * in len - 1 bytes is left out. */
ssize_t nsinfo__read_at(int dirfd, const char *name, char *buf, size_t len);

/* All of fd, up to max bytes, into a new NUL-terminated buffer: 0 with
 * *out (free() it) and *len. Only a read of 0 ends it (a short read does
 * not). -EFBIG if there is more than max, -ENOMEM, -errno; *out is NULL
 * then: never a truncated text. */
int nsinfo__read_fd(int fd, size_t max, char **out, size_t *len);
/* The same for dirfd/name (opened read-only, not a controlling tty). */
int nsinfo__read_file_at(int dirfd, const char *name, size_t max, char **out, size_t *len);

#endif

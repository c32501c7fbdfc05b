/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The parsers of text a process or container controls, callable on their
 * own (internal; tests/fuzz/ drives each through a harness). The others
 * already have a declaration where their callers look:
 *   nsinfo__parse_status, nsinfo__parse_ns_link   internal.h
 *   nsinfo__cgroup_identify                       holders.h
 *   nsinfo__event_decode                          events.h
 *   nsinfo__snapshot_parse_json                   internal.h
 */
#ifndef NSINFO_PARSERS_H
#define NSINFO_PARSERS_H

#include <stdint.h>
#include <sys/types.h>

/* Largest errno a syscall returns (-MAX_ERRNO..-1 are errors) */
#define MAX_ERRNO 4095

/* The ppid field of a /proc/PID/stat text (comm may hold anything, up to
 * the last ')'); -1 if it is not one. */
pid_t nsinfo__stat_ppid(const char *buf);

/* One /proc/PID/mountinfo line, split in place: for an nsfs mount, its
 * mount point (unescaped) in *mountpoint, the inode in *ino and the
 * namespace type as the result; -1 for any other line. */
int nsinfo__mountinfo_nsfs(char *line, char **mountpoint, uint64_t *ino);

/* The forms of the namespace reference grammar (nsinfo_ref_resolve) */
enum nsinfo__ref_form {
	NSINFO__REF_PATH,         /* "/x", "./x", "../x": a file to open */
	NSINFO__REF_PID,          /* "pid:N" (num: N) */
	NSINFO__REF_ID,           /* "id:NSID" (num: NSID) */
	NSINFO__REF_INO,          /* all digits: an inode or an all-digit id prefix (num) */
	NSINFO__REF_NAME,         /* anything else: a container name or id prefix */
};
/* Which form ref takes, with its number; -EINVAL for none (empty, a bad
 * number after pid: or id:, a zero or overflowing inode). */
int nsinfo__ref_parse(const char *ref, uint64_t *num);

#endif

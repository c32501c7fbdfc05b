/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespace reference grammar every tool accepts (see nsinfo.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "parsers.h"

NSINFO_EXPORT int nsinfo_parse_pid(const char *s, pid_t *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	if (v == 0)
		return -EINVAL;
	if (out)
		*out = (pid_t)v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Fill out from an open nsfs fd, checking the wanted type. Takes fd. */
static int from_fd(int fd, int type, struct nsinfo_nsref *out)
{
	int t, r;
	uint64_t ino, id = 0;

	r = nsinfo_fd_identify(fd, &t, &ino);
	if (r < 0) {
		close(fd);
		return r;
	}
	if (type >= 0 && t != type) {
		close(fd);
		return -EMEDIUMTYPE;
	}
	(void)nsinfo_fd_nsid(fd, &id);
	out->fd = fd;
	out->type = t;
	out->ino = ino;
	out->nsid = id;
	return 0;
}

/* Open a namespace found in the snapshot through one of its processes. */
static int from_snapshot(struct nsinfo_snapshot *s, int idx, struct nsinfo_nsref *out)
{
	const struct nsinfo_ns *n = &s->ns[idx];
	char path[PATH_MAX];

	for (uint32_t i = 0; i < n->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[n->procs[i]];
		struct nsinfo_nsref tmp;
		int fd;

		snprintf(path, sizeof(path), "%s/%d/ns/%s", s->proc_root, (int)p->pid,
			 nsinfo__ns_file[n->type]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* the process may have moved on since the scan: check the inode */
		if (from_fd(fd, n->type, &tmp) == 0) {
			if (tmp.ino == n->ino) {
				tmp.pid = p->pid;
				*out = tmp;
				return 0;
			}
			close(tmp.fd);
		}
	}
	/* Known, but nothing to open it through (an ancestor, or it vanished) */
	out->fd = -1;
	out->type = n->type;
	out->ino = n->ino;
	out->nsid = n->nsid;
	out->pid = 0;
	return 0;
}

/*
 * The namespace of a container: that of its lowest-pid process still in it.
 * A process that moved since the scan (setns) is passed over.
 */
static int from_container(struct nsinfo_snapshot *s, const char *name, int type,
			  struct nsinfo_nsref *out)
{
	int c = nsinfo_snapshot_find_container(s, name);
	char ref[32];

	if (c < 0)
		return c;
	if (type < 0)
		return -EINVAL; /* a container has one namespace of each type */
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];
		struct nsinfo_nsref r;

		if (p->container != c || p->ns[type] < 0 || (p->flags & NSINFO_PROC_THREAD))
			continue;
		snprintf(ref, sizeof(ref), "pid:%d", (int)p->pid);
		if (nsinfo_ref_resolve(s, ref, type, &r) < 0)
			continue;
		if (r.ino == s->ns[p->ns[type]].ino) {
			*out = r;
			return 0;
		}
		close(r.fd);
	}
	return -ENOENT;
}

int nsinfo__ref_parse(const char *ref, uint64_t *num)
{
	pid_t pid;

	*num = 0;
	if (!ref || !*ref)
		return -EINVAL;
	if (ref[0] == '/' || !strncmp(ref, "./", 2) || !strncmp(ref, "../", 3))
		return NSINFO__REF_PATH;
	if (!strncmp(ref, "pid:", 4)) {
		if (nsinfo_parse_pid(ref + 4, &pid) < 0)
			return -EINVAL;
		*num = (uint64_t)pid;
		return NSINFO__REF_PID;
	}
	if (!strncmp(ref, "id:", 3))
		return parse_u64(ref + 3, num) ? -EINVAL : NSINFO__REF_ID;
	/* all digits: an inode; "3f2a..." is a container id prefix */
	if (ref[strspn(ref, "0123456789")] == 0)
		return parse_u64(ref, num) ? -EINVAL : NSINFO__REF_INO;
	return NSINFO__REF_NAME;
}

NSINFO_EXPORT int nsinfo_ref_resolve(struct nsinfo_snapshot *snap, const char *ref, int type,
				     struct nsinfo_nsref *out)
{
	struct nsinfo_nsref r = { .fd = -1, .type = -1 };
	int ret, idx, form;
	uint64_t num;

	if (!ref || !*ref || !out || type < -1 || type >= NSINFO_NTYPES)
		return -EINVAL;
	form = nsinfo__ref_parse(ref, &num);
	if (form < 0)
		return form;

	if (form == NSINFO__REF_PATH) {
		int fd = open(ref, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

		if (fd < 0)
			return -errno;
		ret = from_fd(fd, type, &r);
		if (ret < 0)
			return ret;
		*out = r;
		return 0;
	}

	if (form == NSINFO__REF_PID) {
		const char *root = snap ? snap->proc_root : "/proc";
		char path[PATH_MAX];
		pid_t pid = (pid_t)num;
		int fd;

		if (type < 0)
			return -EINVAL; /* a process has one namespace of each type */
		snprintf(path, sizeof(path), "%s/%d/ns/%s", root, (int)pid, nsinfo__ns_file[type]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno == ENOENT || errno == ESRCH ? -ESRCH : -errno;
		ret = from_fd(fd, type, &r);
		if (ret < 0)
			return ret;
		r.pid = pid;
		*out = r;
		return 0;
	}

	if (form == NSINFO__REF_ID) {
		if (!snap)
			return -EINVAL;
		idx = nsinfo_snapshot_find_nsid(snap, -1, num);
		if (idx < 0)
			return -ENOENT;
		if (type >= 0 && snap->ns[idx].type != type)
			return -EMEDIUMTYPE;
		ret = from_snapshot(snap, idx, &r);
		if (ret == 0)
			*out = r;
		return ret;
	}

	/* all digits: an inode; "3f2a..." is a container id prefix (below) */
	if (form == NSINFO__REF_INO) {
		if (!snap)
			return -EINVAL;
		idx = type >= 0 ? nsinfo_snapshot_find_ns(snap, type, num) : -ENOENT;
		if (idx < 0) {
			idx = nsinfo_snapshot_find_ns(snap, -1, num);
			if (idx >= 0 && type >= 0)
				return -EMEDIUMTYPE;
		}
		/* no such inode: an all-digit container id prefix ("301472...") */
		if (idx < 0) {
			ret = from_container(snap, ref, type, out);
			return ret == -EINVAL ? -ENOENT : ret;
		}
		ret = from_snapshot(snap, idx, &r);
		if (ret == 0)
			*out = r;
		return ret;
	}

	/* A container id prefix or name (the snapshot needs NSINFO_SCAN_CONTAINERS) */
	if (!snap)
		return -EINVAL;
	return from_container(snap, ref, type, out);
}

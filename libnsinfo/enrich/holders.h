/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The passes that run around the core /proc walk (internal):
 *
 *   scan_proc -> holders_scan -> finalize -> hostnames_scan -> containers_scan
 *
 * holders_scan adds namespaces held without processes (nsfs fds, nsfs bind
 * mounts in every mount namespace) and the holders derived from the scan
 * (threads, *_for_children, child and owned namespaces); it must run before
 * finalize, which groups holders per namespace. The hostname and container
 * passes need the member lists finalize builds.
 */
#ifndef NSINFO_HOLDERS_H
#define NSINFO_HOLDERS_H

#include "internal.h"

int nsinfo__holders_scan(struct nsinfo_snapshot *s);
int nsinfo__hostnames_scan(struct nsinfo_snapshot *s);
int nsinfo__containers_scan(struct nsinfo_snapshot *s);

/* A path under the proc root through which namespace idx can be opened
 * again: a member's ns/ link, else a holding fd, else a bind mount seen
 * through /proc/PID/root of a member of that mount namespace. Relative to
 * the proc root ("812/ns/net"). 0 or -ENOENT. */
int nsinfo__ns_path(const struct nsinfo_snapshot *s, int idx, char *buf, size_t len);

/* Namespace idx opened O_RDONLY through its first usable holder (as
 * nsinfo__ns_path), a bind mount only through nsinfo__open_nsfs_in_root();
 * the fd or -errno (-ENOENT: no way to it). */
int nsinfo__ns_open(const struct nsinfo_snapshot *s, int procfd, int idx);
/* The nsfs file ino at path inside the root dirfd rootfd, O_RDONLY, opened
 * without following any symlink or magic link, without blocking, checked
 * to be nsfs and that namespace before anything else: the fd, or -ELOOP,
 * -EXDEV (a path that resolves outside the root), -EMEDIUMTYPE (not nsfs:
 * a FIFO, a file), -ESTALE (another namespace), -errno. */
int nsinfo__open_nsfs_in_root(int rootfd, const char *path, uint64_t ino);

/* What /proc/PID/cgroup says about the container of a process. */
struct nsinfo__cgroup_id {
	const char *runtime;      /* static string, NULL: not in a container */
	char id[256];             /* container id or machine name */
	char pod[64];             /* Kubernetes pod UID, "" if none */
	/* where the match was, pointing into the text identified: the
	 * hierarchy field of its line ("" for v2, "cpu,cpuacct", "name=systemd")
	 * and its path up to the end of the matched component */
	const char *hier, *path;
	size_t hier_len, path_len;
};

/* Identify the container from the text of a /proc/PID/cgroup file (v1 and
 * v2 lines). 1 if found, 0 if not a container. */
int nsinfo__cgroup_identify(const char *text, struct nsinfo__cgroup_id *out);

/* The NSINFO_TRUST_ENGINE container name names (see container.c). */
int nsinfo__container_match(const struct nsinfo_snapshot *s, const char *name, int32_t *cand,
			    size_t max, size_t *ncand);

/* Whether name (NAME, docker:NAME, podman:NAME) is a container its engine
 * has state for but that is not running (root's docker data roots, those
 * of running dockerds, podman's graphroot): 1 and "RUNTIME SHORTID" in
 * desc, else 0. Never for a loaded snapshot. */
int nsinfo__container_stopped(const struct nsinfo_snapshot *s, const char *name, char *desc,
			      size_t len);

#endif

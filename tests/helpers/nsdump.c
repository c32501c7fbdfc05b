/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsdump - print a snapshot as plain lines, for the shell tests.
 *
 *   nsdump [-f] [-m] [-c] [-u] [-a] [-q] [-p PROC] [-R REF -T TYPE]
 *
 *   -f fds, -m bind mounts, -c containers, -u hostnames, -a all four;
 *   -q only the counts; -R REF -T TYPE resolve a REF and print "ref TYPE INO".
 *
 * Lines:
 *   ns TYPE INO nsid=N procs=N flags=F owner=INO parent=INO container=C hostname=H
 *   hold TYPE INO KIND DETAIL        (fd: PID:FD, mount: MNTNS:PATH, ...)
 *   container IDX RUNTIME ID name=NAME pod=POD
 *   proc PID container=IDX
 *   count namespaces=N holders=N containers=N procs=N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsinfo.h"

static const char *flags_str(uint32_t f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", f & NSINFO_NS_NOPROCS ? "noprocs," : "",
		 f & NSINFO_NS_ANCESTOR ? "ancestor," : "",
		 f & NSINFO_NS_DETACHED ? "detached," : "", f ? "" : "-,");
	buf[strlen(buf) - 1] = 0;
	return buf;
}

static void print_holder(const struct nsinfo_ns *all, const struct nsinfo_ns *n,
			 const struct nsinfo_holder *h)
{
	printf("hold %s %llu %s ", nsinfo_type_name(n->type), (unsigned long long)n->ino,
	       nsinfo_holder_kind_name(h->kind));
	switch (h->kind) {
	case NSINFO_HOLD_FD:
		printf("%d:%d\n", (int)h->pid, h->fd);
		break;
	case NSINFO_HOLD_MOUNT:
		printf("%llu:%s\n", (unsigned long long)h->mntns, h->path);
		break;
	case NSINFO_HOLD_CHILD_NS:
	case NSINFO_HOLD_OWNED_NS:
		printf("%s:%llu\n", nsinfo_type_name(all[h->ns].type),
		       (unsigned long long)all[h->ns].ino);
		break;
	default:
		printf("%d\n", (int)h->pid);
	}
}

static unsigned long long ino_of(const struct nsinfo_ns *all, int32_t i)
{
	return i >= 0 ? (unsigned long long)all[i].ino : 0;
}

static void dump(const struct nsinfo_snapshot *s, int quiet)
{
	size_t nns, nproc, nc, nh = 0;
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);
	const struct nsinfo_proc *p = nsinfo_snapshot_procs(s, &nproc);
	const struct nsinfo_container *c = nsinfo_snapshot_containers(s, &nc);
	char fb[64];

	for (size_t i = 0; i < nns; i++) {
		const struct nsinfo_ns *n = &ns[i];

		nh += n->nholders;
		if (quiet)
			continue;
		printf("ns %s %llu nsid=%llu procs=%u flags=%s owner=%llu parent=%llu "
		       "container=%d hostname=%s\n",
		       nsinfo_type_name(n->type), (unsigned long long)n->ino,
		       (unsigned long long)n->nsid, n->nprocs, flags_str(n->flags, fb, sizeof(fb)),
		       ino_of(ns, n->owner), ino_of(ns, n->parent), (int)n->container,
		       n->hostname ? n->hostname : "-");
		for (uint32_t k = 0; k < n->nholders; k++)
			print_holder(ns, n, &n->holders[k]);
	}
	for (size_t i = 0; i < nc && !quiet; i++)
		printf("container %zu %s %s name=%s pod=%s\n", i, c[i].runtime, c[i].id,
		       c[i].name ? c[i].name : "-", c[i].pod ? c[i].pod : "-");
	for (size_t i = 0; i < nproc && !quiet; i++)
		if (p[i].container >= 0)
			printf("proc %d container=%d\n", (int)p[i].pid, (int)p[i].container);
	printf("count namespaces=%zu holders=%zu containers=%zu procs=%zu\n", nns, nh, nc, nproc);
}

int main(int argc, char **argv)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o) };
	struct nsinfo_snapshot *s;
	const char *ref = NULL, *tname = NULL;
	int quiet = 0, c, r;

	while ((c = getopt(argc, argv, "fmcuaqp:R:T:")) != -1) {
		switch (c) {
		case 'f': o.flags |= NSINFO_SCAN_FDS; break;
		case 'm': o.flags |= NSINFO_SCAN_MOUNTS; break;
		case 'c': o.flags |= NSINFO_SCAN_CONTAINERS; break;
		case 'u': o.flags |= NSINFO_SCAN_HOSTNAMES; break;
		case 'a': o.flags |= NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS |
				     NSINFO_SCAN_CONTAINERS | NSINFO_SCAN_HOSTNAMES; break;
		case 'q': quiet = 1; break;
		case 'p': o.proc_root = optarg; break;
		case 'R': ref = optarg; break;
		case 'T': tname = optarg; break;
		default:
			fprintf(stderr, "usage: nsdump [-fmcuaq] [-p PROC] [-R REF -T TYPE]\n");
			return 2;
		}
	}
	r = nsinfo_snapshot_new(&o, &s);
	if (r < 0) {
		fprintf(stderr, "nsdump: snapshot: %s\n", strerror(-r));
		return 1;
	}
	if (ref) {
		struct nsinfo_nsref nr;
		int type = tname ? nsinfo_type_from_name(tname) : -1;

		r = nsinfo_ref_resolve(s, ref, type, &nr);
		if (r < 0) {
			printf("ref error %s\n", strerror(-r));
		} else {
			printf("ref %s %llu pid=%d\n", nsinfo_type_name(nr.type),
			       (unsigned long long)nr.ino, (int)nr.pid);
			if (nr.fd >= 0)
				close(nr.fd);
		}
	} else {
		dump(s, quiet);
	}
	nsinfo_snapshot_unref(s);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

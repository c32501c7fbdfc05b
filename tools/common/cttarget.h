/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -C REF of nstrace and nstop (cttarget.c): a container, or any pid
 * namespace, as the kernel-side filter of libnsinfo's event source sees
 * it, resolved through the library's one reference resolver.
 */
#ifndef NST_CTTARGET_H
#define NST_CTTARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <nsinfo.h>

#define NST_CT_MAX_TARGETS 16

struct nst_ct_target {
	const char *ref;
	struct nsinfo_event_ns pidns; /* the pid namespace the ref names */
	bool host;                /* a container sharing the host's pid namespace:
				   * filtered by its cgroup */
	int32_t container;        /* index in the resolver's snapshot, -1 none */
	pid_t member;             /* host: one of its processes (its cgroup) */
	char label[300];          /* as nsinfo_container_label(), "" none */
	char runtime[16];
	char cid[256];
};

struct nst_ct_targets {
	struct nsinfo_resolver *refs;
	struct nst_ct_target v[NST_CT_MAX_TARGETS];
	size_t n;
	/* for nsinfo_events_opts */
	struct nsinfo_event_ns pidns[NST_CT_MAX_TARGETS];
	size_t npidns;
	pid_t cgroup_of[NST_CT_MAX_TARGETS];
	size_t ncgroup_of;
};

/*
 * Resolve ref as a pid namespace (a container name or id, RUNTIME:NAME,
 * pod:NAME, pid:N, id:NSID, an inode, a path) and add it. A container in
 * the host's pid namespace (--pid=host) becomes a cgroup target; any other
 * ref naming the host's pid namespace is refused (it would be everything).
 * Dies with the library's message: exit 2 for a malformed ref, else 1
 * (3 for trouble).
 */
/* -C REF on the command line: kept in refs[*n] (NST_CT_MAX_TARGETS at
 * most: more is a usage error), resolved once the options are read */
void nst_ct_option(const char **refs, size_t *n, const char *arg);
void nst_ct_targets_add(struct nst_ct_targets *t, const char *ref);
/* Point o's container filter at the targets (no-op without any). */
void nst_ct_targets_opts(const struct nst_ct_targets *t, struct nsinfo_events_opts *o);
/* The target whose pid namespace is ns (nsid when both have one), else
 * NULL; host targets are matched by cgroup elsewhere. */
const struct nst_ct_target *nst_ct_targets_find(const struct nst_ct_targets *t,
						const struct nsinfo_event_ns *ns);
void nst_ct_targets_free(struct nst_ct_targets *t);

#endif

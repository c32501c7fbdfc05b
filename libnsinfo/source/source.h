/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sources of a snapshot behind one interface (internal). A source
 * fills an empty store (store/store.c) with processes, namespaces and what
 * it learns on its way (s->src); the pipeline (store/pipeline.c) then runs
 * the enrichment passes and the graph over it.
 *
 *   nsinfo__source_live  this host: the BPF task iterator where it can
 *                        stand in for /proc, else the /proc walk; a refresh
 *                        lends what is unchanged from the previous snapshot
 *                        (source/refresh.c; the /proc walk asks it per pid)
 *   nsinfo__source_bpf   the BPF task iterator (source/iter.c)
 *   nsinfo__source_proc  the /proc walk (source/scan.c)
 *   nsinfo__source_json  a saved snapshot (source/json.c): complete as
 *                        saved, with its enrichment and graph
 */
#ifndef NSINFO_SOURCE_H
#define NSINFO_SOURCE_H

#include "internal.h"

/* What a source is given besides the empty store (whose proc_root and
 * flags are the scan options) */
struct nsinfo__source_in {
	const struct nsinfo__reuse_req *reuse; /* live: a refresh, or NULL */
	const char *text;         /* json: the document, text[len] NUL */
	size_t len;
	char *why;                /* json: where the text is malformed */
	size_t whylen;
};

struct nsinfo__source {
	const char *name;         /* "bpf", "proc", "json" */
	/* Fill s. -errno: nothing usable added (s->src.why may say why). */
	int (*fill)(struct nsinfo_snapshot *s, const struct nsinfo__source_in *in);
	/* fills the enrichment and the graph itself: no passes run after */
	bool complete;
};

extern const struct nsinfo__source nsinfo__source_live;
extern const struct nsinfo__source nsinfo__source_bpf;
extern const struct nsinfo__source nsinfo__source_proc;
extern const struct nsinfo__source nsinfo__source_json;

/* Run src over the empty snapshot s and, unless src is complete, the
 * passes and the graph; 0 or -errno (s is the caller's either way). */
int nsinfo__build(struct nsinfo_snapshot *s, const struct nsinfo__source *src,
		  const struct nsinfo__source_in *in);

/* The /proc of our own pid namespace (its "self" is us); the tasks on the
 * host from loadavg, -1 if unknown (source/iter.c) */
bool nsinfo__proc_is_ours(int procfd);
long nsinfo__host_tasks(int procfd);

/* A task whose link of type `type` is the namespace a members query asked
 * for (source/members.c) */
struct nsinfo__member {
	pid_t pid, tgid;          /* tid and its process, as /proc shows them */
	int type;
	uint64_t ino, id;
};

/* Below this many tasks a readlink per process costs less than loading the
 * filtered iterator. Its load, as a light skeleton (the kernel does the
 * CO-RE relocation), is ~8 ms of CPU, its pass ~1 us a task; the one-link
 * /proc walk ~5 us a process up to the first member, all of them where
 * none has the namespace. Measured (bench_ref.sh, 2-CPU VM under a load
 * average of ~11): at 11k tasks the iterator path 17 ms, the walk 5 to
 * 55 ms by where the member is; at 2k tasks both ~10 ms. */
#define NSINFO__MEMBERS_BPF_MIN_TASKS 2000

/* The tasks (leaders, and threads whose link differs from their leader's)
 * that have as their link of type (-1: of any of the eight) the namespace
 * with inode ino or id id (0: not asked; both given: either matches), in
 * pid order, a member per matching link, through the filtered task
 * iterator. *out is the caller's to
 * free. -EXDEV, -ECANCELED, -ENOTSUP: the iterator cannot stand in for
 * proc_root here (another /proc, fewer than min_tasks tasks on the host,
 * no BPF or no privilege). */
int nsinfo__members_bpf(const char *proc_root, long min_tasks, int type, uint64_t ino,
			uint64_t id, struct nsinfo__member **out, size_t *n);

#endif

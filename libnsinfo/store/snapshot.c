/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Snapshot lifecycle, the namespace index and the graph built after a scan. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "enrich/holders.h"

int nsinfo__grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*ptr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*ptr = p;
	*cap = ncap;
	return 0;
}

const char *nsinfo__strdup(struct nsinfo_snapshot *s, const char *str)
{
	char *d;

	if (!str)
		return NULL;
	if (nsinfo__grow((void **)&s->strings, &s->strings_cap, s->nstrings + 1,
			 sizeof(*s->strings)))
		return NULL;
	d = strdup(str);
	if (d)
		s->strings[s->nstrings++] = d;
	return d;
}

/* Inode numbers are unique within nsfs; the key mixes in the type anyway so
 * that a fixture tree reusing numbers across types stays consistent. */
static inline uint64_t ns_key(int type, uint64_t ino)
{
	return ino ^ ((uint64_t)(type + 1) << 56);
}

static inline size_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

static int ns_find(const struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	uint64_t key = ns_key(type, ino);

	if (!s->hcap)
		return -1;
	for (size_t i = hash64(key) & (s->hcap - 1);; i = (i + 1) & (s->hcap - 1)) {
		if (!s->hvals[i])
			return -1;
		if (s->hkeys[i] == key)
			return (int)s->hvals[i] - 1;
	}
}

static void hash_put(uint64_t *keys, uint32_t *vals, size_t cap, uint64_t key, uint32_t val)
{
	size_t i = hash64(key) & (cap - 1);

	while (vals[i])
		i = (i + 1) & (cap - 1);
	keys[i] = key;
	vals[i] = val;
}

static int hash_rehash(struct nsinfo_snapshot *s)
{
	size_t ncap = s->hcap ? s->hcap * 2 : 256;
	uint64_t *keys = calloc(ncap, sizeof(*keys));
	uint32_t *vals = calloc(ncap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->hcap; i++)
		if (s->hvals[i])
			hash_put(keys, vals, ncap, s->hkeys[i], s->hvals[i]);
	free(s->hkeys);
	free(s->hvals);
	s->hkeys = keys;
	s->hvals = vals;
	s->hcap = ncap;
	return 0;
}

int nsinfo__ns_insert(struct nsinfo_snapshot *s, int type, uint64_t ino, int *isnew)
{
	int idx = ns_find(s, type, ino);
	struct nsinfo_ns *n;

	*isnew = 0;
	if (idx >= 0)
		return idx;
	if ((s->nns + 1) * 2 > s->hcap && hash_rehash(s))
		return -ENOMEM;
	if (nsinfo__grow((void **)&s->ns, &s->ns_cap, s->nns + 1, sizeof(*s->ns)))
		return -ENOMEM;
	n = &s->ns[s->nns];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->ino = ino;
	n->dev = s->nsfs_dev;
	n->parent = -1;
	n->owner = -1;
	n->owner_uid = -1;
	n->level = -1;
	n->container = -1;
	n->setgroups = -1;
	hash_put(s->hkeys, s->hvals, s->hcap, ns_key(type, ino), (uint32_t)s->nns + 1);
	*isnew = 1;
	return (int)s->nns++;
}

int nsinfo__ns_lookup(const struct nsinfo_snapshot *s, uint64_t ino)
{
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		int i = ns_find(s, t, ino);

		if (i >= 0)
			return i;
	}
	return -1;
}

int nsinfo__add_holder(struct nsinfo_snapshot *s, int32_t ns, const struct nsinfo_holder *h)
{
	if (ns < 0 || (size_t)ns >= s->nns)
		return -EINVAL;
	if (nsinfo__grow((void **)&s->holders, &s->holders_cap, s->nholders + 1,
			 sizeof(*s->holders)) ||
	    nsinfo__grow((void **)&s->holder_owner, &s->holder_owner_cap, s->nholders + 1,
			 sizeof(*s->holder_owner)))
		return -ENOMEM;
	s->holders[s->nholders] = *h;
	/* grouped per namespace in finalize() */
	s->holder_owner[s->nholders++] = ns;
	return 0;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct nsinfo_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Level of a pid/user namespace: parents first, memoised in ns->level. */
static int ns_level(struct nsinfo_snapshot *s, int idx, int guard)
{
	struct nsinfo_ns *n = &s->ns[idx];

	if (n->level >= 0)
		return n->level;
	if (n->parent < 0 || guard > 64)
		n->level = 0;
	else
		n->level = ns_level(s, n->parent, guard + 1) + 1;
	return n->level;
}

/*
 * Turn the flat scan results into the graph: sort processes, give each
 * namespace its member list, children and owned lists, levels and holder
 * lists. Lists live in one index pool (s->idx) so the snapshot frees in O(1)
 * allocations.
 */
int nsinfo__finalize(struct nsinfo_snapshot *s)
{
	size_t total = 0, pos = 0;
	uint32_t *cnt_procs, *cnt_children, *cnt_owned;

	/* an empty proc root leaves procs NULL, which qsort must not get */
	if (s->nprocs)
		qsort(s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
	for (size_t i = 0; i < s->nprocs; i++)
		s->procs[i].nspid = s->pids + (uintptr_t)s->procs[i].nspid;

	cnt_procs = calloc(s->nns * 3 + 1, sizeof(uint32_t));
	if (!cnt_procs)
		return -ENOMEM;
	cnt_children = cnt_procs + s->nns;
	cnt_owned = cnt_children + s->nns;

	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];

		if (p->flags & NSINFO_PROC_THREAD)
			continue;
		for (int t = 0; t < NSINFO_NTYPES; t++)
			if (p->ns[t] >= 0)
				cnt_procs[p->ns[t]]++;
	}
	for (size_t i = 0; i < s->nns; i++) {
		const struct nsinfo_ns *n = &s->ns[i];

		if (n->parent >= 0)
			cnt_children[n->parent]++;
		if (n->owner >= 0)
			cnt_owned[n->owner]++;
	}
	for (size_t i = 0; i < s->nns * 3; i++)
		total += cnt_procs[i];
	s->idx = malloc((total ? total : 1) * sizeof(uint32_t));
	if (!s->idx) {
		free(cnt_procs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nns; i++) {
		struct nsinfo_ns *n = &s->ns[i];

		n->procs = s->idx + pos;
		pos += cnt_procs[i];
		n->children = s->idx + pos;
		pos += cnt_children[i];
		n->owned = s->idx + pos;
		pos += cnt_owned[i];
		n->nprocs = n->nchildren = n->nowned = 0;
	}
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];

		if (p->flags & NSINFO_PROC_THREAD)
			continue;
		for (int t = 0; t < NSINFO_NTYPES; t++)
			if (p->ns[t] >= 0) {
				struct nsinfo_ns *n = &s->ns[p->ns[t]];

				((uint32_t *)n->procs)[n->nprocs++] = (uint32_t)i;
			}
	}
	for (size_t i = 0; i < s->nns; i++) {
		struct nsinfo_ns *n = &s->ns[i];

		if (n->parent >= 0) {
			struct nsinfo_ns *pn = &s->ns[n->parent];

			((uint32_t *)pn->children)[pn->nchildren++] = (uint32_t)i;
		}
		if (n->owner >= 0) {
			struct nsinfo_ns *o = &s->ns[n->owner];

			((uint32_t *)o->owned)[o->nowned++] = (uint32_t)i;
		}
		if (!n->nprocs)
			n->flags |= NSINFO_NS_NOPROCS;
	}
	free(cnt_procs);

	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].type == NSINFO_PID || s->ns[i].type == NSINFO_USER)
			ns_level(s, (int)i, 0);

	/* holders: stable sort by namespace, then point each ns at its run */
	if (s->nholders) {
		struct nsinfo_holder *sorted = malloc(s->nholders * sizeof(*sorted));
		uint32_t *start = calloc(s->nns + 1, sizeof(uint32_t));

		if (!sorted || !start) {
			free(sorted);
			free(start);
			return -ENOMEM;
		}
		for (size_t i = 0; i < s->nholders; i++)
			start[s->holder_owner[i] + 1]++;
		for (size_t i = 0; i < s->nns; i++)
			start[i + 1] += start[i];
		for (size_t i = 0; i < s->nns; i++) {
			s->ns[i].holders = sorted + start[i];
			s->ns[i].nholders = 0;
		}
		for (size_t i = 0; i < s->nholders; i++) {
			struct nsinfo_ns *n = &s->ns[s->holder_owner[i]];

			((struct nsinfo_holder *)n->holders)[n->nholders++] = s->holders[i];
		}
		free(s->holders);
		s->holders = sorted;
		s->holders_cap = s->nholders;
		free(start);
	}

	for (int t = 0; t < NSINFO_NTYPES; t++)
		s->self_ns[t] = s->self_ns_ino[t] ? ns_find(s, t, s->self_ns_ino[t]) : -1;
	return 0;
}

/* The task iterator where it can stand in for /proc, else the /proc walk
 * (s->source_why says why). */
static int scan_source(struct nsinfo_snapshot *s)
{
	bool foreign;
	int r = nsinfo__check_proc_root(s->proc_root, &foreign);

	if (r < 0)
		return r;
	if (foreign) {
		/* the iterator would list the caller's pid namespace instead */
		s->source = "proc";
		snprintf(s->source_why, sizeof(s->source_why),
			 "%s shows another pid namespace than the caller's", s->proc_root);
		return nsinfo__scan_proc(s);
	}
	if (nsinfo__scan_bpf(s) == 0) {
		s->source = "bpf";
		s->source_why[0] = 0;
		return 0;
	}
	s->source = "proc";
	return nsinfo__scan_proc(s);
}

/* req: what an earlier snapshot may lend (refresh.c), or NULL */
int nsinfo__snapshot_new(const struct nsinfo_scan_opts *opts, const struct nsinfo__reuse_req *req,
			 struct nsinfo_snapshot **out)
{
	struct nsinfo_snapshot *s;
	int r;

	if (!out)
		return -EINVAL;
	if (opts && opts->size && opts->size < offsetof(struct nsinfo_scan_opts, flags) +
						sizeof(opts->flags))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->refcnt = 1;
	s->flags = opts ? opts->flags : 0;
	s->proc_root = strdup(opts && opts->proc_root ? opts->proc_root : "/proc");
	if (!s->proc_root) {
		free(s);
		return -ENOMEM;
	}
	/* reuse only ever lends to the /proc walk; the iterator reads all */
	r = nsinfo__reuse_begin(s, req);
	if (r == 0)
		r = scan_source(s);
	nsinfo__reuse_end(s);
	if (r == 0)
		r = nsinfo__holders_scan(s);     /* holders.c: before finalize groups them */
	if (r == 0)
		r = nsinfo__finalize(s);
	if (r == 0)
		r = nsinfo__ns_extras_scan(s);   /* lsns.c */
	if (r == 0)
		r = nsinfo__hostnames_scan(s);   /* hostname.c */
	if (r == 0)
		r = nsinfo__containers_scan(s);  /* container.c: needs member lists, hostnames */
	if (r < 0) {
		nsinfo_snapshot_unref(s);
		return r;
	}
	*out = s;
	return 0;
}

NSINFO_EXPORT int nsinfo_snapshot_new(const struct nsinfo_scan_opts *opts,
				      struct nsinfo_snapshot **out)
{
	return nsinfo__snapshot_new(opts, NULL, out);
}

NSINFO_EXPORT struct nsinfo_snapshot *nsinfo_snapshot_ref(struct nsinfo_snapshot *s)
{
	if (s)
		s->refcnt++;
	return s;
}

NSINFO_EXPORT void nsinfo_snapshot_unref(struct nsinfo_snapshot *s)
{
	if (!s || --s->refcnt > 0)
		return;
	for (size_t i = 0; i < s->nstrings; i++)
		free(s->strings[i]);
	free(s->strings);
	free(s->procs);
	free(s->ns);
	free(s->hkeys);
	free(s->hvals);
	free(s->pids);
	free(s->idx);
	free(s->holders);
	free(s->holder_owner);
	free(s->containers);
	free(s->users);
	free(s->fdrecs);
	free(s->cmdlines);
	nsinfo__reuse_free(s);
	free(s->proc_root);
	free(s);
}

NSINFO_EXPORT const struct nsinfo_proc *nsinfo_snapshot_procs(const struct nsinfo_snapshot *s,
							      size_t *n)
{
	if (n)
		*n = s ? s->nprocs : 0;
	return s ? s->procs : NULL;
}

NSINFO_EXPORT const struct nsinfo_ns *nsinfo_snapshot_namespaces(const struct nsinfo_snapshot *s,
								 size_t *n)
{
	if (n)
		*n = s ? s->nns : 0;
	return s ? s->ns : NULL;
}

NSINFO_EXPORT const struct nsinfo_container *
nsinfo_snapshot_containers(const struct nsinfo_snapshot *s, size_t *n)
{
	if (n)
		*n = s ? s->ncontainers : 0;
	return s ? s->containers : NULL;
}

NSINFO_EXPORT void nsinfo_snapshot_coverage(const struct nsinfo_snapshot *s,
					    struct nsinfo_coverage *out)
{
	if (s && out)
		*out = s->cov;
}

NSINFO_EXPORT const char *nsinfo_snapshot_proc_root(const struct nsinfo_snapshot *s)
{
	return s ? s->proc_root : NULL;
}

NSINFO_EXPORT const char *nsinfo_snapshot_source(const struct nsinfo_snapshot *s,
						 const char **why)
{
	if (!s)
		return NULL;
	if (why)
		*why = s->source_why[0] ? s->source_why : NULL;
	return s->source;
}

NSINFO_EXPORT int nsinfo_snapshot_find_proc(const struct nsinfo_snapshot *s, pid_t pid)
{
	size_t lo = 0, hi;

	if (!s)
		return -EINVAL;
	hi = s->nprocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nprocs && s->procs[lo].pid == pid)
		return (int)lo;
	return -ENOENT;
}

NSINFO_EXPORT int nsinfo_snapshot_find_ns(const struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	int i;

	if (!s || type < -1 || type >= NSINFO_NTYPES)
		return -EINVAL;
	i = type < 0 ? nsinfo__ns_lookup(s, ino) : ns_find(s, type, ino);
	return i < 0 ? -ENOENT : i;
}

NSINFO_EXPORT int nsinfo_snapshot_find_nsid(const struct nsinfo_snapshot *s, int type, uint64_t nsid)
{
	if (!s || type < -1 || type >= NSINFO_NTYPES || !nsid)
		return -EINVAL;
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].nsid == nsid && (type < 0 || s->ns[i].type == type))
			return (int)i;
	return -ENOENT;
}

NSINFO_EXPORT int nsinfo_snapshot_self_ns(const struct nsinfo_snapshot *s, int type)
{
	if (!s || type < 0 || type >= NSINFO_NTYPES)
		return -EINVAL;
	return s->self_ns[type] >= 0 ? s->self_ns[type] : -ENOENT;
}

NSINFO_EXPORT const struct nsinfo_proc *nsinfo_ns_lowest_proc(const struct nsinfo_snapshot *s,
							      const struct nsinfo_ns *ns)
{
	/* member lists are filled in pid order, so the first is the lowest */
	if (!s || !ns || !ns->nprocs)
		return NULL;
	return &s->procs[ns->procs[0]];
}

NSINFO_EXPORT int nsinfo_proc_cmdline(const struct nsinfo_snapshot *s, pid_t pid,
				      char *buf, size_t len)
{
	ssize_t n = 0;
	int fd, procfd, pidfd;

	if (!s || !buf || len < 2 || pid <= 0)
		return -EINVAL;
	if (s->loaded) { /* as saved: this host's /proc is another one */
		int i = nsinfo_snapshot_find_proc(s, pid);

		if (i < 0 || !s->cmdlines || !s->cmdlines[i])
			return -ENOENT;
		snprintf(buf, len, "%s", s->cmdlines[i]);
		return 0;
	}
	/* only through the directory of the process the snapshot saw: a pid
	 * reused since names another process, whose command it would show */
	procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	pidfd = nsinfo__proc_open(s, procfd, pid);
	close(procfd);
	if (pidfd < 0)
		return pidfd;
	fd = openat(pidfd, "cmdline", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	close(pidfd);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf, len - 1);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(fd);
	while (n > 0 && buf[n - 1] == 0)
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 0)
			buf[i] = ' ';
	buf[n] = 0;
	return 0;
}

NSINFO_EXPORT const char *nsinfo_snapshot_username(struct nsinfo_snapshot *s, uid_t uid)
{
	struct uid_name *u;
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (!s)
		return NULL;
	for (size_t i = 0; i < s->nusers; i++)
		if (s->users[i].uid == uid)
			return s->users[i].name;
	if (nsinfo__grow((void **)&s->users, &s->users_cap, s->nusers + 1, sizeof(*s->users)))
		return NULL;
	u = &s->users[s->nusers++];
	u->uid = uid;
	/* a loaded snapshot's users are those of the host it was taken on */
	if (!s->loaded && getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(u->name, sizeof(u->name), "%s", pw.pw_name);
	else
		snprintf(u->name, sizeof(u->name), "%u", (unsigned)uid);
	return u->name;
}

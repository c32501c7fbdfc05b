/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The snapshot store: its allocation and release, growable arrays, stable
 * string storage, the namespace index (type + inode -> row), holder rows
 * and the user name cache. Sources and enrichment passes fill a snapshot
 * only through these entry points and the source helpers in internal.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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

/* ------------------------------------------------------ string storage */

/* Strings live in chunks that are never moved or freed before the
 * snapshot: a pointer handed out stays valid for the snapshot's life. */
struct nsinfo__chunk {
	struct nsinfo__chunk *next;
	size_t used, size;
	char data[];
};

#define CHUNK_SIZE 4096

const char *nsinfo__strndup(struct nsinfo_snapshot *s, const char *str, size_t len)
{
	struct nsinfo__chunk *c = s->strings;
	char *d;

	if (!str)
		return NULL;
	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK_SIZE / 4 ? len + 1 : CHUNK_SIZE;
		struct nsinfo__chunk *n = malloc(sizeof(*n) + size);

		if (!n)
			return NULL;
		n->used = 0;
		n->size = size;
		/* a string of its own size goes behind the current chunk,
		 * which may still have room for small ones */
		if (c && size != CHUNK_SIZE) {
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			s->strings = n;
		}
		c = n;
	}
	d = c->data + c->used;
	memcpy(d, str, len);
	d[len] = 0;
	c->used += len + 1;
	return d;
}

const char *nsinfo__strdup(struct nsinfo_snapshot *s, const char *str)
{
	return str ? nsinfo__strndup(s, str, strlen(str)) : NULL;
}

static void strings_free(struct nsinfo__chunk *c)
{
	while (c) {
		struct nsinfo__chunk *next = c->next;

		free(c);
		c = next;
	}
}

/* ---------------------------------------------------- namespace index */

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

int nsinfo__ns_find(const struct nsinfo_snapshot *s, int type, uint64_t ino)
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
	int idx = nsinfo__ns_find(s, type, ino);
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
		int i = nsinfo__ns_find(s, t, ino);

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
	/* grouped per namespace by the graph (graph.c) */
	s->holder_owner[s->nholders++] = ns;
	return 0;
}

/* ------------------------------------------------------------- users */

/* A user name as saved or looked up is at most 32 bytes (as useradd allows) */
#define USERNAME_MAX 32

const char *nsinfo__add_user(struct nsinfo_snapshot *s, uid_t uid, const char *name)
{
	size_t len = strnlen(name, USERNAME_MAX);
	const char *d;

	if (nsinfo__grow((void **)&s->users, &s->users_cap, s->nusers + 1, sizeof(*s->users)))
		return NULL;
	d = nsinfo__strndup(s, name, len);
	if (!d)
		return NULL;
	s->users[s->nusers].uid = uid;
	s->users[s->nusers++].name = d;
	return d;
}

NSINFO_EXPORT const char *nsinfo_snapshot_username(struct nsinfo_snapshot *s, uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[1024], num[16];

	if (!s)
		return NULL;
	for (size_t i = 0; i < s->nusers; i++)
		if (s->users[i].uid == uid)
			return s->users[i].name;
	/* a loaded snapshot's users are those of the host it was taken on */
	if (!s->loaded && getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		return nsinfo__add_user(s, uid, pw.pw_name);
	snprintf(num, sizeof(num), "%u", (unsigned)uid);
	return nsinfo__add_user(s, uid, num);
}

/* ---------------------------------------------------------- lifecycle */

int nsinfo__snapshot_alloc(const char *proc_root, unsigned flags, struct nsinfo_snapshot **out)
{
	struct nsinfo_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->refcnt = 1;
	s->flags = flags;
	if (proc_root && !(s->proc_root = strdup(proc_root))) {
		free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
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
	strings_free(s->strings);
	free(s->procs);
	free(s->ns);
	free(s->hkeys);
	free(s->hvals);
	free(s->pids);
	free(s->idx);
	free(s->holders);
	free(s->holder_owner);
	free(s->containers);
	free(s->usage);
	free(s->users);
	free(s->src.fds.v);
	free(s->cmdlines);
	nsinfo__reuse_free(s);
	free(s->proc_root);
	free(s);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A snapshot written to JSON and read back: for tests, for diffing two
 * moments, and for looking at a customer's host somewhere else. The file
 * holds the flat scan results (namespaces in index order with their
 * holders, processes, containers, coverage) plus what a tool would
 * otherwise fetch from the live /proc afterwards: each process's command
 * line and the user names of the uids seen. Reading rebuilds the graph
 * (member, child and owned lists, holder runs) with the same finalize step
 * a scan ends with, so a loaded snapshot answers every query a fresh one
 * does.
 *
 * Schema (version 1), all integers as JSON numbers:
 *   { "nsinfo_snapshot": 1, "proc_root", "source", "source_why", "flags",
 *     "nsfs_dev", "coverage": {scanned, vanished, denied, zombies,
 *     tasks_scanned, refused, hidepid}, "self": {TYPE: ino, ...},
 *     "namespaces": [{type, ino, dev, nsid, parent, owner, owner_uid, level,
 *                     flags, container, hostname?, uid_map?, gid_map?,
 *                     setgroups? (user: 1 allow, 0 deny, -1 unknown),
 *                     time_offsets?, holders: [{kind, pid, fd,
 *                     mntns, path?, ns}]}],
 *     "processes": [{pid, tgid, ppid, uid, gid?, flags, comm, state, nspid: [],
 *                    ns: {TYPE: index}, pid_for_children, time_for_children,
 *                    container, cmdline?}],
 *     "containers": [{runtime, id, name?, pod?, trust, owner, image?, pod_name?,
 *                     pod_namespace?, k8s_container?, evidence?, kind, state}],
 *     "users": [{uid, name}] }
 * Indices (parent, owner, container, ns, holder ns) refer to positions in
 * these arrays; -1 is none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "internal.h"
#include "source/source.h"
#include "util/readfile.h"

#define FORMAT_VERSION 1

/* ---------------------------------------------------------------- write */

static int put(json_object *o, const char *key, json_object *v)
{
	if (!v)
		return -ENOMEM;
	json_object_object_add(o, key, v);
	return 0;
}

static int put_int(json_object *o, const char *key, int64_t v)
{
	return put(o, key, json_object_new_int64(v));
}

static int put_str(json_object *o, const char *key, const char *v)
{
	return v ? put(o, key, json_object_new_string(v)) : 0;
}

static int push(json_object *arr, json_object *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_array_add(arr, v) ? -ENOMEM : 0;
}

static json_object *holder_json(const struct nsinfo_holder *h)
{
	json_object *o = json_object_new_object();
	const char *kind = nsinfo_holder_kind_name(h->kind);

	if (!o)
		return NULL;
	if (put_str(o, "kind", kind ? kind : "?") || put_int(o, "pid", h->pid) ||
	    put_int(o, "fd", h->fd) || put_int(o, "mntns", (int64_t)h->mntns) ||
	    put_str(o, "path", h->path) || put_int(o, "ns", h->ns)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A new array or object added to o under key (o owns it from then on) */
static json_object *child(json_object *o, const char *key, int array)
{
	json_object *c = array ? json_object_new_array() : json_object_new_object();

	return c && put(o, key, c) == 0 ? c : NULL;
}

static json_object *ns_json(const struct nsinfo_ns *n)
{
	json_object *o = json_object_new_object(), *hs = o ? child(o, "holders", 1) : NULL;
	int r = !hs;

	r = r || put_str(o, "type", nsinfo_type_name(n->type)) || put_int(o, "ino", (int64_t)n->ino) ||
	    put_int(o, "dev", (int64_t)n->dev) || put_int(o, "nsid", (int64_t)n->nsid) ||
	    put_int(o, "parent", n->parent) || put_int(o, "owner", n->owner) ||
	    put_int(o, "owner_uid", n->owner_uid) || put_int(o, "level", n->level) ||
	    put_int(o, "flags", n->flags) || put_int(o, "container", n->container) ||
	    put_str(o, "hostname", n->hostname) || put_str(o, "uid_map", n->uid_map) ||
	    put_str(o, "gid_map", n->gid_map) || put_str(o, "time_offsets", n->time_offsets) ||
	    (n->type == NSINFO_USER && put_int(o, "setgroups", n->setgroups));
	for (uint32_t i = 0; !r && i < n->nholders; i++)
		r = push(hs, holder_json(&n->holders[i]));
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A string of a fixed-size field (len bytes with the NUL) as a reader can
 * hold it again: valid UTF-8 (an invalid byte as U+FFFD, which takes 3),
 * cut at a character boundary, so a snapshot read and written again is
 * the same file. In place. */
static int utf8_fit(char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0, n;
	const char *c = nsinfo_escape(s, NSINFO_ESCAPE_UTF8, &buf, &size);

	if (!c)
		return -ENOMEM;
	n = strlen(c);
	if (n >= len) {
		n = len - 1;
		while (n && (c[n] & 0xc0) == 0x80)
			n--;
	}
	memmove(s, c, n);
	s[n] = 0;
	free(buf);
	return 0;
}

static json_object *proc_json(const struct nsinfo_snapshot *s, const struct nsinfo_proc *p)
{
	json_object *o = json_object_new_object();
	json_object *pids = o ? child(o, "nspid", 1) : NULL, *ns = pids ? child(o, "ns", 0) : NULL;
	char state[2] = { p->state, 0 }, comm[sizeof(p->comm) + 1], cmd[4096];
	int r = !ns;

	memcpy(comm, p->comm, sizeof(p->comm));
	comm[sizeof(p->comm)] = 0;
	r = r || utf8_fit(comm, sizeof(p->comm));
	for (int i = 0; !r && i < p->nspid_len; i++)
		r = push(pids, json_object_new_int64(p->nspid[i]));
	for (int t = 0; !r && t < NSINFO_NTYPES; t++)
		if (p->ns[t] >= 0)
			r = put_int(ns, nsinfo_type_name(t), p->ns[t]);
	r = r || put_int(o, "pid", p->pid) || put_int(o, "tgid", p->tgid) ||
	    put_int(o, "ppid", p->ppid) || put_int(o, "uid", p->uid) ||
	    (p->gid != (gid_t)-1 && put_int(o, "gid", p->gid)) ||
	    put_int(o, "flags", p->flags) || put_str(o, "comm", comm) ||
	    put_str(o, "state", state) ||
	    put_int(o, "pid_for_children", p->pid_for_children) ||
	    put_int(o, "time_for_children", p->time_for_children) ||
	    put_int(o, "container", p->container);
	/* the command line is what a reader cannot fetch later */
	if (!r && !(p->flags & NSINFO_PROC_THREAD) &&
	    nsinfo_proc_cmdline(s, p->pid, cmd, sizeof(cmd)) == 0)
		r = utf8_fit(cmd, sizeof(cmd)) || put_str(o, "cmdline", cmd);
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* nsinfo_container.trust by its value: what a file says it rested on */
static const char *const trust_names[] = { "hint", "user", "engine" };

static json_object *container_json(const struct nsinfo_container *c)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (put_str(o, "runtime", c->runtime) || put_str(o, "id", c->id) ||
	    put_str(o, "name", c->name) || put_str(o, "pod", c->pod) ||
	    put_str(o, "trust", trust_names[c->trust == NSINFO_TRUST_ENGINE ? 2
					    : c->trust == NSINFO_TRUST_USER ? 1 : 0]) ||
	    put_int(o, "owner", c->owner == (uid_t)-1 ? -1 : (int64_t)c->owner) ||
	    put_str(o, "image", c->image) || put_str(o, "pod_name", c->pod_name) ||
	    put_str(o, "pod_namespace", c->pod_namespace) ||
	    put_str(o, "k8s_container", c->k8s_container) || put_str(o, "evidence", c->evidence) ||
	    put_str(o, "kind", c->kind == NSINFO_CONTAINER_KIND_POD ? "pod" : "container") ||
	    put_str(o, "state", c->state == NSINFO_CONTAINER_STOPPED ? "stopped" : "running")) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *users_json(struct nsinfo_snapshot *s)
{
	json_object *arr = json_object_new_array();

	/* fill the cache with every uid a tool may print, then dump it */
	for (size_t i = 0; arr && i < s->nprocs; i++)
		nsinfo_snapshot_username(s, s->procs[i].uid);
	for (size_t i = 0; arr && i < s->nusers; i++) {
		json_object *u = json_object_new_object();

		if (!u || put_int(u, "uid", s->users[i].uid) || put_str(u, "name", s->users[i].name) ||
		    push(arr, u)) {
			json_object_put(u);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

static json_object *snapshot_json(struct nsinfo_snapshot *s)
{
	json_object *o = json_object_new_object();
	json_object *cov = o ? child(o, "coverage", 0) : NULL;
	json_object *self = cov ? child(o, "self", 0) : NULL;
	json_object *nss = self ? child(o, "namespaces", 1) : NULL;
	json_object *procs = nss ? child(o, "processes", 1) : NULL;
	json_object *conts = procs ? child(o, "containers", 1) : NULL;
	int r = !conts;

	r = r || put_int(o, "nsinfo_snapshot", FORMAT_VERSION) ||
	    put_str(o, "proc_root", s->proc_root) || put_str(o, "source", s->src.name) ||
	    put_str(o, "source_why", s->src.why[0] ? s->src.why : NULL) ||
	    put_int(o, "flags", s->flags) || put_int(o, "nsfs_dev", (int64_t)s->nsfs_dev);
	for (int t = 0; !r && t < NSINFO_NTYPES; t++)
		if (s->self_ns_ino[t])
			r = put_int(self, nsinfo_type_name(t), (int64_t)s->self_ns_ino[t]);
	r = r || put_int(cov, "scanned", s->cov.scanned) || put_int(cov, "vanished", s->cov.vanished) ||
	    put_int(cov, "denied", s->cov.denied) || put_int(cov, "zombies", s->cov.zombies) ||
	    put_int(cov, "tasks_scanned", s->cov.tasks_scanned) ||
	    put_int(cov, "refused", s->cov.refused) || put_int(cov, "hidepid", s->cov.hidepid);
	for (size_t i = 0; !r && i < s->nns; i++)
		r = push(nss, ns_json(&s->ns[i]));
	for (size_t i = 0; !r && i < s->nprocs; i++)
		r = push(procs, proc_json(s, &s->procs[i]));
	for (size_t i = 0; !r && i < s->ncontainers; i++)
		r = push(conts, container_json(&s->containers[i]));
	r = r || put(o, "users", users_json(s));
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

NSINFO_EXPORT int nsinfo_snapshot_write_json(struct nsinfo_snapshot *s, FILE *f)
{
	json_object *o;
	const char *text;
	char *buf = NULL;
	size_t size = 0;
	int r = 0;

	if (!s || !f)
		return -EINVAL;
	o = snapshot_json(s);
	if (!o)
		return -ENOMEM;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE);
	/* json-c passes invalid UTF-8, DEL and C1 through: valid JSON
	 * whatever a process named itself */
	if (text)
		text = nsinfo_escape(text, NSINFO_ESCAPE_JSON_DOC, &buf, &size);
	if (!text)
		r = -ENOMEM;
	else if (fputs(text, f) == EOF || fputc('\n', f) == EOF || fflush(f))
		r = errno ? -errno : -EIO;
	free(buf);
	json_object_put(o);
	return r;
}

/* ----------------------------------------------------------------- read */

struct reader {
	struct nsinfo_snapshot *s;
	char *why;
	size_t whylen;
	const char *where;        /* "namespace 3", "process 12", ... */
};

static int bad(struct reader *rd, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rd->why && rd->whylen)
		snprintf(rd->why, rd->whylen, "%s%s%s", rd->where ? rd->where : "",
			 rd->where ? ": " : "", msg);
	return -EINVAL;
}

/* The value of an integer node; json-c clamps what does not fit in an
 * int64 to INT64_MAX (keeping the true value as unsigned up to UINT64_MAX)
 * and to INT64_MIN: a clamped value is no value. */
static bool int_value(json_object *v, int64_t *out)
{
	int64_t x;

	if (!json_object_is_type(v, json_type_int))
		return false;
	x = json_object_get_int64(v);
	if ((x == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX) || x == INT64_MIN)
		return false;
	*out = x;
	return true;
}

/* An integer member in [min, max]; absent gives def when def_ok. */
static int get_int(struct reader *rd, json_object *o, const char *key, int64_t min,
		   int64_t max, int64_t *out, int def_ok, int64_t def)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (def_ok) {
			*out = def;
			return 0;
		}
		return bad(rd, "\"%s\" missing", key);
	}
	if (!json_object_is_type(v, json_type_int))
		return bad(rd, "\"%s\" is not an integer", key);
	if (!int_value(v, out) || *out < min || *out > max)
		return bad(rd, "\"%s\" out of range", key);
	return 0;
}

/* A string member; NULL when absent and optional. */
static int get_str(struct reader *rd, json_object *o, const char *key, const char **out,
		   int optional)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return optional ? 0 : bad(rd, "\"%s\" missing", key);
	if (!json_object_is_type(v, json_type_string))
		return bad(rd, "\"%s\" is not a string", key);
	*out = json_object_get_string(v);
	return 0;
}

static int get_array(struct reader *rd, json_object *o, const char *key, json_object **out)
{
	if (!json_object_object_get_ex(o, key, out) || !json_object_is_type(*out, json_type_array))
		return bad(rd, "\"%s\" missing or not an array", key);
	return 0;
}

static int get_object(struct reader *rd, json_object *o, const char *key, json_object **out)
{
	if (!json_object_object_get_ex(o, key, out) || !json_object_is_type(*out, json_type_object))
		return bad(rd, "\"%s\" missing or not an object", key);
	return 0;
}

static int own_str(struct reader *rd, const char *in, const char **out)
{
	*out = NULL;
	if (in && !(*out = nsinfo__strdup(rd->s, in)))
		return -ENOMEM;
	return 0;
}

static int kind_from_name(const char *name)
{
	for (int k = 0; nsinfo_holder_kind_name(k); k++)
		if (!strcmp(nsinfo_holder_kind_name(k), name))
			return k;
	return -1;
}

/* What each kind of holder needs for a tool to show it */
static int check_holder(struct reader *rd, size_t i, int kind, int64_t pid, int64_t fd,
			const char *path, int64_t other)
{
	const char *kname = nsinfo_holder_kind_name(kind);

	switch (kind) {
	case NSINFO_HOLD_MOUNT:
		if (!path || !path[0])
			return bad(rd, "holder %zu: a mount without a \"path\"", i);
		break;
	case NSINFO_HOLD_CHILD_NS:
	case NSINFO_HOLD_OWNED_NS:
		if (other < 0)
			return bad(rd, "holder %zu: %s without a namespace (\"ns\")", i, kname);
		break;
	case NSINFO_HOLD_FD:
		if (fd < 0)
			return bad(rd, "holder %zu: fd without an \"fd\"", i);
		/* fall through */
	default:
		if (pid < 1)
			return bad(rd, "holder %zu: %s without a \"pid\"", i, kname);
	}
	return 0;
}

/* Holders refer to namespaces by index: every namespace is in by now */
static int read_holders(struct reader *rd, json_object *arr, int32_t ns)
{
	size_t n = json_object_array_length(arr), nns = rd->s->nns;

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct nsinfo_holder h = { 0 };
		const char *kind, *path;
		int64_t pid, fd, mntns, other;
		int r;

		if (!json_object_is_type(o, json_type_object))
			return bad(rd, "holder %zu is not an object", i);
		if ((r = get_str(rd, o, "kind", &kind, 0)) || (r = get_int(rd, o, "pid", 0, INT_MAX, &pid, 1, 0)) ||
		    (r = get_int(rd, o, "fd", -1, INT_MAX, &fd, 1, -1)) ||
		    (r = get_int(rd, o, "mntns", 0, INT64_MAX, &mntns, 1, 0)) ||
		    (r = get_str(rd, o, "path", &path, 1)) ||
		    (r = get_int(rd, o, "ns", -1, (int64_t)nns - 1, &other, 1, -1)))
			return r;
		if ((h.kind = kind_from_name(kind)) < 0)
			return bad(rd, "holder %zu: unknown kind \"%s\"", i, kind);
		if ((r = check_holder(rd, i, h.kind, pid, fd, path, other)))
			return r;
		h.pid = (pid_t)pid;
		h.fd = (int)fd;
		h.mntns = (uint64_t)mntns;
		h.ns = (int32_t)other;
		if ((r = own_str(rd, path, &h.path)) || (r = nsinfo__add_holder(rd->s, ns, &h)))
			return r;
	}
	return 0;
}

/* Depth of namespace i over parent and owner links together (1: neither),
 * memoised in depth[] (0 unknown, -1 being walked); -ELOOP when the links
 * come back to a namespace being walked, -E2BIG past MAX_NEST. */
#define MAX_NEST 64
static int nest_depth(const struct nsinfo_snapshot *s, int32_t i, int *depth, int d)
{
	const int32_t next[2] = { s->ns[i].parent, s->ns[i].owner };
	int deepest = 0;

	if (depth[i] == -1)
		return -ELOOP;
	if (depth[i] > 0)
		return depth[i];
	if (d > MAX_NEST)
		return -E2BIG;
	depth[i] = -1;
	for (int k = 0; k < 2; k++) {
		int r = next[k] >= 0 ? nest_depth(s, next[k], depth, d + 1) : 0;

		if (r < 0)
			return r;
		deepest = r > deepest ? r : deepest;
	}
	return depth[i] = deepest + 1;
}

/* The kernel nests 32 deep and never in a loop: neither may a file, over
 * parent and owner links mixed (a user namespace owned by its child). */
static int check_nesting(struct reader *rd, char *where, size_t wlen)
{
	struct nsinfo_snapshot *s = rd->s;
	int *depth = calloc(s->nns ? s->nns : 1, sizeof(*depth)), r = 0;

	if (!depth)
		return -ENOMEM;
	for (size_t i = 0; !r && i < s->nns; i++) {
		int d = nest_depth(s, (int32_t)i, depth, 0);

		snprintf(where, wlen, "namespace %zu", i);
		if (d == -ELOOP)
			r = bad(rd, "its parent and owner links lead round in a loop");
		else if (d < 0)
			r = bad(rd, "parents and owners nest over %d deep", MAX_NEST);
	}
	free(depth);
	return r;
}

static int read_namespaces(struct reader *rd, json_object *arr, size_t ncont)
{
	struct nsinfo_snapshot *s = rd->s;
	size_t n = json_object_array_length(arr);
	char where[48];
	int r;

	rd->where = where;
	/* every namespace first: parents and owners may come later in the list */
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		const char *type;
		int64_t ino;
		int t, isnew, idx;

		snprintf(where, sizeof(where), "namespace %zu", i);
		if (!json_object_is_type(o, json_type_object))
			return bad(rd, "not an object");
		if ((r = get_str(rd, o, "type", &type, 0)) ||
		    (r = get_int(rd, o, "ino", 1, INT64_MAX, &ino, 0, 0)))
			return r;
		if ((t = nsinfo_type_from_name(type)) < 0)
			return bad(rd, "unknown namespace type \"%s\"", type);
		idx = nsinfo__ns_insert(s, t, (uint64_t)ino, &isnew);
		if (idx < 0)
			return idx;
		if (!isnew)
			return bad(rd, "%s namespace %lld listed twice", type, (long long)ino);
	}
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *hs;
		struct nsinfo_ns *ns = &s->ns[i];
		int64_t dev, nsid, parent, owner, ouid, flags, cont, setgroups;
		const char *host, *umap, *gmap, *offs;
		char canon[8192];

		snprintf(where, sizeof(where), "namespace %zu", i);
		if ((r = get_int(rd, o, "dev", 0, INT64_MAX, &dev, 1, 0)) ||
		    (r = get_int(rd, o, "nsid", 0, INT64_MAX, &nsid, 1, 0)) ||
		    (r = get_int(rd, o, "parent", -1, (int64_t)n - 1, &parent, 1, -1)) ||
		    (r = get_int(rd, o, "owner", -1, (int64_t)n - 1, &owner, 1, -1)) ||
		    (r = get_int(rd, o, "owner_uid", -1, UINT32_MAX, &ouid, 1, -1)) ||
		    (r = get_int(rd, o, "flags", 0, UINT32_MAX, &flags, 1, 0)) ||
		    (r = get_int(rd, o, "container", -1, (int64_t)ncont - 1, &cont, 1, -1)) ||
		    (r = get_str(rd, o, "hostname", &host, 1)) ||
		    (r = get_str(rd, o, "uid_map", &umap, 1)) ||
		    (r = get_str(rd, o, "gid_map", &gmap, 1)) ||
		    (r = get_str(rd, o, "time_offsets", &offs, 1)) ||
		    (r = get_int(rd, o, "setgroups", -1, 1, &setgroups, 1, -1)) ||
		    (r = get_array(rd, o, "holders", &hs)))
			return r;
		if ((umap || gmap || setgroups >= 0) && ns->type != NSINFO_USER)
			return bad(rd, "id maps of a %s namespace", nsinfo_type_name(ns->type));
		if (offs && ns->type != NSINFO_TIME)
			return bad(rd, "time offsets of a %s namespace", nsinfo_type_name(ns->type));
		ns->setgroups = (int)setgroups;
		if (umap && (nsinfo__canon_idmap(umap, canon, sizeof(canon)) < 0 ||
			     !(ns->uid_map = nsinfo__strdup(s, canon))))
			return umap && !ns->uid_map && nsinfo__canon_idmap(umap, canon, sizeof(canon)) == 0 ?
			       -ENOMEM : bad(rd, "\"uid_map\" is not an id map");
		if (gmap && (nsinfo__canon_idmap(gmap, canon, sizeof(canon)) < 0 ||
			     !(ns->gid_map = nsinfo__strdup(s, canon))))
			return nsinfo__canon_idmap(gmap, canon, sizeof(canon)) == 0 ?
			       -ENOMEM : bad(rd, "\"gid_map\" is not an id map");
		if (offs && (nsinfo__canon_offsets(offs, canon, sizeof(canon)) < 0 ||
			     !(ns->time_offsets = nsinfo__strdup(s, canon))))
			return nsinfo__canon_offsets(offs, canon, sizeof(canon)) == 0 ?
			       -ENOMEM : bad(rd, "\"time_offsets\" are not time offsets");
		if (parent >= 0 && s->ns[parent].type != ns->type)
			return bad(rd, "parent %lld is of another type", (long long)parent);
		if (owner >= 0 && s->ns[owner].type != NSINFO_USER)
			return bad(rd, "owner %lld is not a user namespace", (long long)owner);
		ns->dev = (uint64_t)dev;
		ns->nsid = (uint64_t)nsid;
		ns->parent = (int32_t)parent;
		ns->owner = (int32_t)owner;
		ns->owner_uid = ouid;
		/* "level" is for readers of the file: finalize derives it again */
		ns->level = -1;
		ns->flags = (uint32_t)flags;
		ns->container = (int32_t)cont;
		if ((r = own_str(rd, host, &ns->hostname)) || (r = read_holders(rd, hs, (int32_t)i)))
			return r;
	}
	if ((r = check_nesting(rd, where, sizeof(where))))
		return r;
	rd->where = NULL;
	return 0;
}

static int read_nspid(struct reader *rd, json_object *o, struct nsinfo__status *st)
{
	json_object *arr;
	size_t n;
	int r;

	if ((r = get_array(rd, o, "nspid", &arr)))
		return r;
	n = json_object_array_length(arr);
	if (n > NSINFO__MAX_LEVELS)
		return bad(rd, "\"nspid\" has %zu levels, at most %d", n, NSINFO__MAX_LEVELS);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		int64_t x;

		if (!int_value(v, &x) || x < 0 || x > INT_MAX)
			return bad(rd, "\"nspid\" holds something other than pids");
		st->nspid[i] = (pid_t)x;
	}
	st->nspid_len = (int)n;
	return 0;
}

/* The command lines, by pid, until the process table is sorted */
struct cmdline {
	pid_t pid;
	const char *text;
};

struct pid_at {
	pid_t pid;
	size_t at;                /* position in the file */
};

static int cmp_pid_at(const void *a, const void *b)
{
	const struct pid_at *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->at > y->at) - (x->at < y->at);
}

/* A pid names one process (or thread): a second row would be counted twice */
static int check_pids(struct reader *rd, size_t n)
{
	struct nsinfo_snapshot *s = rd->s;
	struct pid_at *v = calloc(n ? n : 1, sizeof(*v));
	char where[48];
	int r = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct pid_at){ s->procs[i].pid, i };
	if (n)
		qsort(v, n, sizeof(*v), cmp_pid_at);
	for (size_t i = 1; !r && i < n; i++)
		if (v[i].pid == v[i - 1].pid) {
			snprintf(where, sizeof(where), "process %zu", v[i].at);
			rd->where = where;
			r = bad(rd, "pid %d listed twice (process %zu too)", (int)v[i].pid, v[i - 1].at);
			rd->where = NULL;
		}
	free(v);
	return r;
}

static int read_processes(struct reader *rd, json_object *arr, size_t ncont,
			  struct cmdline **cmds, size_t *ncmds)
{
	struct nsinfo_snapshot *s = rd->s;
	size_t n = json_object_array_length(arr), nns = s->nns;
	char where[48];
	int r;

	*cmds = calloc(n ? n : 1, sizeof(**cmds));
	if (!*cmds)
		return -ENOMEM;
	rd->where = where;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *nso;
		struct nsinfo__status st = { 0 };
		int64_t pid, tgid, ppid, uid, gid, flags, pfc, tfc, cont, v;
		const char *comm, *state, *cmd;
		struct nsinfo_proc *p;
		int pi;

		snprintf(where, sizeof(where), "process %zu", i);
		if (!json_object_is_type(o, json_type_object))
			return bad(rd, "not an object");
		if ((r = get_int(rd, o, "pid", 1, INT_MAX, &pid, 0, 0)) ||
		    (r = get_int(rd, o, "tgid", 0, INT_MAX, &tgid, 1, 0)) ||
		    (r = get_int(rd, o, "ppid", 0, INT_MAX, &ppid, 1, 0)) ||
		    (r = get_int(rd, o, "uid", 0, UINT32_MAX, &uid, 1, 0)) ||
		    (r = get_int(rd, o, "gid", -1, UINT32_MAX - 1, &gid, 1, -1)) ||
		    (r = get_int(rd, o, "flags", 0, UINT32_MAX, &flags, 1, 0)) ||
		    (r = get_str(rd, o, "comm", &comm, 0)) || (r = get_str(rd, o, "state", &state, 1)) ||
		    (r = read_nspid(rd, o, &st)) || (r = get_object(rd, o, "ns", &nso)) ||
		    (r = get_int(rd, o, "pid_for_children", -1, (int64_t)nns - 1, &pfc, 1, -1)) ||
		    (r = get_int(rd, o, "time_for_children", -1, (int64_t)nns - 1, &tfc, 1, -1)) ||
		    (r = get_int(rd, o, "container", -1, (int64_t)ncont - 1, &cont, 1, -1)) ||
		    (r = get_str(rd, o, "cmdline", &cmd, 1)))
			return r;
		snprintf(st.comm, sizeof(st.comm), "%s", comm);
		st.state = state && state[0] ? state[0] : '?';
		st.pid = (pid_t)pid;
		st.tgid = (pid_t)tgid;
		st.ppid = (pid_t)ppid;
		st.uid = (uid_t)uid;
		st.gid = (gid_t)gid;
		st.has_gid = gid >= 0;
		if ((pi = nsinfo__add_proc(s, &st, (pid_t)pid, (uint32_t)flags)) < 0)
			return pi;
		p = &s->procs[pi];
		json_object_object_foreach(nso, key, val) {
			int t = nsinfo_type_from_name(key);

			if (t < 0)
				return bad(rd, "unknown namespace type \"%s\"", key);
			if (!int_value(val, &v) || v < 0 || v >= (int64_t)nns)
				return bad(rd, "%s namespace index out of range", key);
			if (s->ns[v].type != t)
				return bad(rd, "%s namespace index %lld is a %s namespace", key,
					   (long long)v, nsinfo_type_name(s->ns[v].type));
			p->ns[t] = (int32_t)v;
		}
		if (pfc >= 0 && s->ns[pfc].type != NSINFO_PID)
			return bad(rd, "\"pid_for_children\" %lld is a %s namespace", (long long)pfc,
				   nsinfo_type_name(s->ns[pfc].type));
		if (tfc >= 0 && s->ns[tfc].type != NSINFO_TIME)
			return bad(rd, "\"time_for_children\" %lld is a %s namespace", (long long)tfc,
				   nsinfo_type_name(s->ns[tfc].type));
		p->pid_for_children = (int32_t)pfc;
		p->time_for_children = (int32_t)tfc;
		p->container = (int32_t)cont;
		if (cmd) {
			(*cmds)[*ncmds].pid = p->pid;
			if ((r = own_str(rd, cmd, &(*cmds)[*ncmds].text)))
				return r;
			(*ncmds)++;
		}
	}
	rd->where = NULL;
	return check_pids(rd, n);
}

static int read_containers(struct reader *rd, json_object *arr)
{
	struct nsinfo_snapshot *s = rd->s;
	size_t n = json_object_array_length(arr);
	char where[48];
	int r;

	if (n && nsinfo__grow((void **)&s->containers, &s->containers_cap, n, sizeof(*s->containers)))
		return -ENOMEM;
	rd->where = where;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct nsinfo_container *c = &s->containers[i];
		const char *runtime, *id, *name, *pod, *trust, *image, *pname, *pns, *kc, *ev, *kind,
			*state;
		int64_t owner;

		snprintf(where, sizeof(where), "container %zu", i);
		if (!json_object_is_type(o, json_type_object))
			return bad(rd, "not an object");
		memset(c, 0, sizeof(*c));
		if ((r = get_str(rd, o, "runtime", &runtime, 0)) || (r = get_str(rd, o, "id", &id, 0)) ||
		    (r = get_str(rd, o, "name", &name, 1)) || (r = get_str(rd, o, "pod", &pod, 1)) ||
		    (r = own_str(rd, runtime, &c->runtime)) || (r = own_str(rd, id, &c->id)) ||
		    (r = own_str(rd, name, &c->name)) || (r = own_str(rd, pod, &c->pod)) ||
		    (r = get_str(rd, o, "trust", &trust, 1)) ||
		    (r = get_int(rd, o, "owner", -1, (int64_t)UINT32_MAX - 1, &owner, 1, -1)) ||
		    (r = get_str(rd, o, "image", &image, 1)) || (r = own_str(rd, image, &c->image)) ||
		    (r = get_str(rd, o, "pod_name", &pname, 1)) ||
		    (r = own_str(rd, pname, &c->pod_name)) ||
		    (r = get_str(rd, o, "pod_namespace", &pns, 1)) ||
		    (r = own_str(rd, pns, &c->pod_namespace)) ||
		    (r = get_str(rd, o, "k8s_container", &kc, 1)) ||
		    (r = own_str(rd, kc, &c->k8s_container)) ||
		    (r = get_str(rd, o, "evidence", &ev, 1)) || (r = own_str(rd, ev, &c->evidence)) ||
		    (r = get_str(rd, o, "kind", &kind, 1)) || (r = get_str(rd, o, "state", &state, 1)))
			return r;
		c->kind = kind && !strcmp(kind, "pod") ? NSINFO_CONTAINER_KIND_POD
						       : NSINFO_CONTAINER_KIND_CONTAINER;
		c->state = state && !strcmp(state, "stopped") ? NSINFO_CONTAINER_STOPPED
							      : NSINFO_CONTAINER_RUNNING;
		/* a file without it claims nothing: a hint */
		c->trust = NSINFO_TRUST_HINT;
		for (int t = 0; trust && t < 3; t++)
			if (!strcmp(trust, trust_names[t]))
				c->trust = t;
		c->owner = owner < 0 ? (uid_t)-1 : (uid_t)owner;
		s->ncontainers = i + 1;
	}
	rd->where = NULL;
	return 0;
}

static int read_users(struct reader *rd, json_object *top)
{
	struct nsinfo_snapshot *s = rd->s;
	json_object *arr;
	size_t n;
	int r;

	if (!json_object_object_get_ex(top, "users", &arr))
		return 0;
	if ((r = get_array(rd, top, "users", &arr)))
		return r;
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		const char *name;
		int64_t uid;

		if (!json_object_is_type(o, json_type_object))
			return bad(rd, "user %zu is not an object", i);
		if ((r = get_int(rd, o, "uid", 0, UINT32_MAX, &uid, 0, 0)) ||
		    (r = get_str(rd, o, "name", &name, 0)))
			return r;
		if (!nsinfo__add_user(s, (uid_t)uid, name))
			return -ENOMEM;
	}
	return 0;
}

static int read_head(struct reader *rd, json_object *top)
{
	struct nsinfo_snapshot *s = rd->s;
	json_object *cov, *self;
	const char *root, *source, *why;
	int64_t version, flags, dev, v[6], hidepid;
	static const char *const cov_keys[] = { "scanned", "vanished", "denied", "zombies",
						"tasks_scanned", "refused" };
	int r;

	if (!json_object_is_type(top, json_type_object) ||
	    !json_object_object_get_ex(top, "nsinfo_snapshot", NULL))
		return bad(rd, "not an nsinfo snapshot (no \"nsinfo_snapshot\" member)");
	if ((r = get_int(rd, top, "nsinfo_snapshot", 0, INT_MAX, &version, 0, 0)))
		return r;
	if (version != FORMAT_VERSION)
		return bad(rd, "snapshot format version %lld; this library reads %d",
			   (long long)version, FORMAT_VERSION);
	if ((r = get_str(rd, top, "proc_root", &root, 1)) ||
	    (r = get_str(rd, top, "source", &source, 1)) ||
	    (r = get_str(rd, top, "source_why", &why, 1)) ||
	    (r = get_int(rd, top, "flags", 0, UINT32_MAX, &flags, 1, 0)) ||
	    (r = get_int(rd, top, "nsfs_dev", 0, INT64_MAX, &dev, 1, 0)) ||
	    (r = get_object(rd, top, "coverage", &cov)) || (r = get_object(rd, top, "self", &self)))
		return r;
	for (int i = 0; i < 6; i++)
		if ((r = get_int(rd, cov, cov_keys[i], 0, UINT32_MAX, &v[i], 1, 0)))
			return r;
	/* absent in files written before it was saved: nothing hidden known */
	if ((r = get_int(rd, cov, "hidepid", 0, UINT32_MAX, &hidepid, 1, 0)))
		return r;
	if (hidepid != 0 && hidepid != NSINFO_HIDEPID_NOACCESS &&
	    hidepid != NSINFO_HIDEPID_INVISIBLE && hidepid != NSINFO_HIDEPID_PTRACEABLE)
		return bad(rd, "\"coverage\": hidepid %lld is none of 0, 1, 2, 4",
			   (long long)hidepid);
	s->cov = (struct nsinfo_coverage){ .scanned = (uint32_t)v[0], .vanished = (uint32_t)v[1],
					   .denied = (uint32_t)v[2], .zombies = (uint32_t)v[3],
					   .tasks_scanned = (uint32_t)v[4], .refused = (uint32_t)v[5],
					   .hidepid = (uint32_t)hidepid };
	json_object_object_foreach(self, key, val) {
		int t = nsinfo_type_from_name(key);

		int64_t ino;

		if (t < 0 || !int_value(val, &ino) || ino < 1)
			return bad(rd, "\"self\": bad entry \"%s\"", key);
		s->self_ns_ino[t] = (uint64_t)ino;
	}
	free(s->proc_root);
	if (!(s->proc_root = strdup(root ? root : "/proc")))
		return -ENOMEM;
	s->src.name = source && !strcmp(source, "bpf") ? "bpf" : "proc";
	snprintf(s->src.why, sizeof(s->src.why), "%s", why ? why : "");
	s->flags = (unsigned)flags;
	s->nsfs_dev = (uint64_t)dev;
	return 0;
}

static int cmp_cmdline(const void *a, const void *b)
{
	const struct cmdline *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Once the table is sorted: the saved command line of each process */
static int attach_cmdlines(struct nsinfo_snapshot *s, struct cmdline *cmds, size_t n)
{
	s->cmdlines = calloc(s->nprocs ? s->nprocs : 1, sizeof(*s->cmdlines));
	if (!s->cmdlines)
		return -ENOMEM;
	qsort(cmds, n, sizeof(*cmds), cmp_cmdline);
	for (size_t i = 0; i < s->nprocs; i++) {
		struct cmdline key = { .pid = s->procs[i].pid }, *c;

		if (s->procs[i].flags & NSINFO_PROC_THREAD)
			continue;
		c = bsearch(&key, cmds, n, sizeof(*cmds), cmp_cmdline);
		s->cmdlines[i] = c ? c->text : NULL;
	}
	return 0;
}

/* The whole file (or standard input for "-"), NUL-terminated. Only a
 * regular file or a pipe: a device such as /dev/zero never ends, and a FIFO
 * without a writer must not hang the reader (open is non-blocking; a read
 * then sees the end at once). */
static char *slurp(struct reader *rd, const char *path, size_t max, size_t *lenp, int *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) : 0;
	struct stat st;
	char *buf = NULL;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	if (fstat(fd, &st)) {
		*err = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		*err = -EISDIR;
		bad(rd, "is a directory");
	} else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		*err = bad(rd, "not a regular file or a pipe");
	} else if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		*err = -EFBIG;
	} else if (fd != 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		*err = -errno;
	} else {
		*err = nsinfo__read_fd(fd, max, &buf, lenp);
	}
	if (*err == -EFBIG)
		bad(rd, "larger than the limit of %zu bytes", max);
	if (fd != 0)
		close(fd);
	return buf;
}

/* "line L, column C" (1-based, columns in bytes) of offset off */
static void place(const char *text, size_t off, char *buf, size_t len)
{
	size_t line = 1, col = 1;

	for (size_t i = 0; i < off; i++) {
		col = text[i] == '\n' ? 1 : col + 1;
		line += text[i] == '\n';
	}
	snprintf(buf, len, "line %zu, column %zu", line, col);
}

/* Does a whole JSON document end before offset end (the rest is extra)? */
static bool ends_before(const char *text, size_t end)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)end) : NULL;
	bool done = o && json_tokener_get_parse_end(tok) <= end;

	json_object_put(o);
	if (tok)
		json_tokener_free(tok);
	return done;
}

/* Exactly one JSON document, strict (no comments, no single quotes, nothing
 * after it); a failure names where in the text it stopped. */
static json_object *parse(const char *text, size_t len, struct reader *rd, int *err)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *top;
	char at[64];
	size_t end;

	if (!tok) {
		*err = -ENOMEM;
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* the terminating NUL ends a document that is a bare number */
	top = json_tokener_parse_ex(tok, text, (int)(len < INT_MAX ? len + 1 : INT_MAX));
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (len >= INT_MAX) {
		json_object_put(top);
		*err = bad(rd, "too large for the JSON parser");
		return NULL;
	}
	if (jerr == json_tokener_success && top)
		return top;
	json_object_put(top);
	if (jerr == json_tokener_success) {
		*err = bad(rd, "not an nsinfo snapshot (JSON null)");
		return NULL;
	}
	if (end > len)
		end = len;
	place(text, end, at, sizeof(at));
	if (!len)
		*err = bad(rd, "empty (nothing to read)");
	else if (jerr == json_tokener_continue || end >= len)
		*err = bad(rd, "not valid JSON (unexpected end of data at %s)", at);
	else if (!text[end])
		*err = bad(rd, "not valid JSON (a NUL byte at %s)", at);
	else if (ends_before(text, end))
		*err = bad(rd, "%s after the snapshot at %s",
			   text[end] == '{' || text[end] == '[' ? "a second JSON document" : "data", at);
	else
		*err = bad(rd, "not valid JSON (%s at %s)", json_tokener_error_desc(jerr), at);
	return NULL;
}

/* The snapshot from a JSON text (text[len] is NUL); rd->s is a fresh
 * snapshot it fills */
static int read_text(struct reader *rd, const char *text, size_t len)
{
	json_object *top, *nss, *procs, *conts;
	struct cmdline *cmds = NULL;
	size_t ncmds = 0;
	int r = 0;

	top = parse(text, len, rd, &r);
	if (top && !(r = read_head(rd, top)) && !(r = get_array(rd, top, "namespaces", &nss)) &&
	    !(r = get_array(rd, top, "processes", &procs)) &&
	    !(r = get_array(rd, top, "containers", &conts)) && !(r = read_containers(rd, conts)) &&
	    !(r = read_namespaces(rd, nss, rd->s->ncontainers)) &&
	    !(r = read_processes(rd, procs, rd->s->ncontainers, &cmds, &ncmds)) &&
	    !(r = read_users(rd, top)) && !(r = nsinfo__finalize(rd->s)))
		r = attach_cmdlines(rd->s, cmds, ncmds);
	free(cmds);
	json_object_put(top);
	return r;
}

/* The JSON source: the whole snapshot as saved, its enrichment and the
 * graph included (the command lines attach to the sorted table) */
static int json_fill(struct nsinfo_snapshot *s, const struct nsinfo__source_in *in)
{
	struct reader rd = { .s = s, .why = in->why, .whylen = in->whylen };

	s->loaded = true;
	return read_text(&rd, in->text, in->len);
}

const struct nsinfo__source nsinfo__source_json = {
	.name = "json", .fill = json_fill, .complete = true,
};

/* A snapshot from text (text[len] NUL) through the JSON source */
static int load_text(const char *text, size_t len, struct nsinfo_snapshot **out, char *why,
		     size_t whylen)
{
	struct nsinfo__source_in in = { .text = text, .len = len, .why = why, .whylen = whylen };
	struct nsinfo_snapshot *s = NULL;
	int r = nsinfo__snapshot_alloc(NULL, 0, &s);

	if (r == 0)
		r = nsinfo__build(s, &nsinfo__source_json, &in);
	if (r < 0) {
		if (r == -ENOMEM && why && whylen && !why[0])
			snprintf(why, whylen, "out of memory");
		nsinfo_snapshot_unref(s);
		return r;
	}
	*out = s;
	return 0;
}

int nsinfo__snapshot_parse_json(const char *text, size_t len, struct nsinfo_snapshot **out,
				char *why, size_t whylen)
{
	char *copy;
	int r;

	if (!text || !out)
		return -EINVAL;
	if (why && whylen)
		why[0] = 0;
	/* the parser reads one byte past the text: a NUL ends a bare number */
	if (!(copy = malloc(len + 1)))
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = 0;
	r = load_text(copy, len, out, why, whylen);
	free(copy);
	return r;
}

NSINFO_EXPORT int nsinfo_snapshot_read_json_max(const char *path, size_t max_bytes,
						struct nsinfo_snapshot **out, char *why,
						size_t whylen)
{
	struct reader rd = { .why = why, .whylen = whylen };
	size_t len = 0;
	char *text;
	int r = 0;

	if (!path || !out)
		return -EINVAL;
	if (why && whylen)
		why[0] = 0;
	text = slurp(&rd, path, max_bytes ? max_bytes : NSINFO_JSON_MAX_DEFAULT, &len, &r);
	if (text)
		r = load_text(text, len, out, why, whylen);
	else if (r == -ENOMEM && why && whylen && !why[0])
		snprintf(why, whylen, "out of memory");
	free(text);
	return r;
}

NSINFO_EXPORT int nsinfo_snapshot_read_json(const char *path, struct nsinfo_snapshot **out,
					    char *why, size_t whylen)
{
	return nsinfo_snapshot_read_json_max(path, 0, out, why, whylen);
}

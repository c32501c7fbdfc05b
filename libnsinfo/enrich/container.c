/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which container a process belongs to, from the cgroup path its runtime put
 * it in (/proc/PID/cgroup, v2 line first, then the v1 hierarchies), and for
 * runtimes that leave no trace there, from the container= variable in the
 * environment of the init of its pid namespace. A namespace belongs to a
 * container when all its member processes agree on it.
 *
 * Paths as the runtimes write them (systemd driver / cgroupfs driver):
 *   docker      /system.slice/docker-<64hex>.scope      /docker/<64hex>
 *   containerd  .../kubepods-<qos>-pod<uid_>.slice/cri-containerd-<64hex>.scope
 *               /kubepods/<qos>/pod<uid>/<64hex>          nerdctl-<64hex>.scope
 *   cri-o       .../crio-<64hex>.scope                    .../pod<uid>/crio-<64hex>
 *   podman      /machine.slice/libpod-<64hex>.scope       /libpod_parent/libpod-<64hex>
 *               (libpod-conmon-<64hex>.scope is the monitor, not the container)
 *   nspawn      /machine.slice/machine-<name>.scope       (name systemd-escaped, \x2d)
 *   lxc, lxd    /lxc.payload.<name>   /lxc/<name>         (lxc.monitor.<name> is not)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "enrich/holders.h"

enum id_kind { ID_HEX, ID_NAME, ID_MACHINE };

/* One path component "<prefix><id><suffix>"; runtime NULL: not a container
 * (a runtime's monitor process), which ends the search on that line. */
static const struct cg_rule {
	const char *prefix;
	const char *suffix;       /* optional: stripped when present */
	const char *runtime;
	enum id_kind kind;
} rules[] = {
	{ "docker-",         ".scope", "docker",     ID_HEX },
	{ "cri-containerd-", ".scope", "containerd", ID_HEX },
	{ "nerdctl-",        ".scope", "containerd", ID_HEX },
	{ "crio-",           ".scope", "cri-o",      ID_HEX },
	{ "libpod-",         ".scope", "podman",     ID_HEX },
	{ "machine-",        ".scope", "nspawn",     ID_MACHINE },
	{ "lxc.payload.",    NULL,     "lxc",        ID_NAME },
	{ "lxc.monitor.",    NULL,     NULL,         ID_NAME },
};

/* A component named only by its id, under a parent the runtime owns. */
static const struct cg_parent_rule {
	const char *parent;
	const char *runtime;
	enum id_kind kind;
} parent_rules[] = {
	{ "docker",      "docker",     ID_HEX },
	{ "lxc",         "lxc",        ID_NAME },
	{ "lxc.monitor", NULL,         ID_NAME },
	{ "kubepods",    "containerd", ID_HEX },  /* .../pod<uid>/<id>, see pod_of() */
};

struct span {
	const char *p;
	size_t n;
};

static int span_is(struct span s, const char *str)
{
	return strlen(str) == s.n && !strncmp(s.p, str, s.n);
}

static int span_starts(struct span s, const char *str)
{
	size_t l = strlen(str);

	return s.n >= l && !strncmp(s.p, str, l);
}

static int span_ends(struct span s, const char *str)
{
	size_t l = strlen(str);

	return s.n >= l && !strncmp(s.p + s.n - l, str, l);
}

static int is_hex64(struct span s)
{
	if (s.n != 64)
		return 0;
	for (size_t i = 0; i < s.n; i++)
		if (!((s.p[i] >= '0' && s.p[i] <= '9') || (s.p[i] >= 'a' && s.p[i] <= 'f')))
			return 0;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* systemd unit-name unescaping: "\x2d" back to '-' */
static void unescape_unit(struct span s, char *out, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < s.n && w + 1 < len; i++) {
		if (s.p[i] == '\\' && i + 3 < s.n && s.p[i + 1] == 'x' &&
		    hexval(s.p[i + 2]) >= 0 && hexval(s.p[i + 3]) >= 0) {
			out[w++] = (char)(hexval(s.p[i + 2]) * 16 + hexval(s.p[i + 3]));
			i += 3;
		} else {
			out[w++] = s.p[i];
		}
	}
	out[w] = 0;
}

/* Check the id part and copy it out; 0 if it is not a valid id. */
static int take_id(struct span id, enum id_kind kind, struct nsinfo__cgroup_id *out)
{
	if (!id.n || id.n >= sizeof(out->id))
		return 0;
	if (kind == ID_HEX && !is_hex64(id))
		return 0;
	if (kind == ID_MACHINE) {
		unescape_unit(id, out->id, sizeof(out->id));
		/* machined names are host names: "\x00" or "\x0a" make none */
		if (!out->id[0] || out->id[strspn(out->id, "abcdefghijklmnopqrstuvwxyz"
						  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")])
			return 0;
		/* libvirt names its qemu guests machine-qemu-N-NAME: VMs, not containers */
		return strncmp(out->id, "qemu-", 5) != 0;
	}
	memcpy(out->id, id.p, id.n);
	out->id[id.n] = 0;
	return 1;
}

/* 1 matched a container, -1 matched a non-container (monitor), 0 nothing */
static int match_rule(struct span c, struct nsinfo__cgroup_id *out)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct cg_rule *r = &rules[i];
		struct span id = c;

		if (!span_starts(c, r->prefix))
			continue;
		id.p += strlen(r->prefix);
		id.n -= strlen(r->prefix);
		if (r->suffix && span_ends(id, r->suffix))
			id.n -= strlen(r->suffix);
		if (!take_id(id, r->kind, out))
			continue;
		if (!r->runtime)
			return -1;
		out->runtime = r->runtime;
		return 1;
	}
	return 0;
}

static int match_parent(struct span parent, struct span c, int in_kubepods,
			struct nsinfo__cgroup_id *out)
{
	for (size_t i = 0; i < sizeof(parent_rules) / sizeof(parent_rules[0]); i++) {
		const struct cg_parent_rule *r = &parent_rules[i];
		int applies = !strcmp(r->parent, "kubepods") ? in_kubepods && out->pod[0]
							     : span_is(parent, r->parent);

		if (!applies || !take_id(c, r->kind, out))
			continue;
		if (!r->runtime)
			return -1;
		out->runtime = r->runtime;
		return 1;
	}
	return 0;
}

/*
 * Kubernetes pod UID of a component: "pod<uid>" (cgroupfs driver) or
 * "kubepods[-<qos>]-pod<uid with _ for ->.slice" (systemd driver).
 */
static void pod_of(struct span c, char *pod, size_t len)
{
	struct span u = { 0 };
	const char *dash;

	if (span_starts(c, "pod")) {
		u = (struct span){ c.p + 3, c.n - 3 };
	} else if (span_starts(c, "kubepods") && span_ends(c, ".slice") &&
		   (dash = memmem(c.p, c.n, "-pod", 4))) {
		u.p = dash + 4;
		u.n = (size_t)(c.p + c.n - strlen(".slice") - u.p);
	}
	if (!u.n || u.n >= len)
		return;
	for (size_t i = 0; i < u.n; i++)
		pod[i] = u.p[i] == '_' ? '-' : u.p[i];
	pod[u.n] = 0;
}

/* One cgroup path; the outermost container wins (a container nested in
 * another is still the outer one on this host). */
static int identify_path(const char *path, size_t len, struct nsinfo__cgroup_id *out)
{
	struct span parent = { "", 0 };
	int in_kubepods = 0;
	const char *end = path + len;

	out->pod[0] = 0;
	for (const char *p = path; p < end;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		struct span c = { p, (size_t)((slash ? slash : end) - p) };
		int m;

		p = slash ? slash + 1 : end;
		if (!c.n)
			continue;
		if (span_starts(c, "kubepods"))
			in_kubepods = 1;
		if (in_kubepods)
			pod_of(c, out->pod, sizeof(out->pod));
		m = match_rule(c, out);
		if (!m)
			m = match_parent(parent, c, in_kubepods, out);
		if (m) {
			out->path = path;
			out->path_len = (size_t)(c.p + c.n - path);
			return m > 0;
		}
		parent = c;
	}
	return 0;
}

int nsinfo__cgroup_identify(const char *text, struct nsinfo__cgroup_id *out)
{
	struct nsinfo__cgroup_id tmp;

	/* pass 0: the unified (v2) line "0::/path"; pass 1: v1 hierarchies */
	for (int pass = 0; pass < 2; pass++) {
		for (const char *l = text; l && *l;) {
			const char *nl = strchr(l, '\n');
			const char *end = nl ? nl : l + strlen(l);
			const char *c1 = memchr(l, ':', (size_t)(end - l));
			const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
			int v2 = c1 && !strncmp(l, "0::", 3);

			if (c2 && v2 == !pass) {
				memset(&tmp, 0, sizeof(tmp));
				if (identify_path(c2 + 1, (size_t)(end - c2 - 1), &tmp)) {
					tmp.hier = c1 + 1;
					tmp.hier_len = (size_t)(c2 - c1 - 1);
					*out = tmp;
					return 1;
				}
			}
			l = nl ? nl + 1 : NULL;
		}
	}
	return 0;
}

/* ------------------------------------------- is the cgroup the engine's? */

/*
 * A cgroup path in /proc/PID/cgroup is only a name: any user with a
 * delegated subtree (user@UID.service/...) can make one that reads
 * docker-<id>.scope. What the name cannot fake is who made the directory:
 * only root can create one in a root-owned parent. So a container cgroup is
 * the engine's when the directory and every ancestor up to the hierarchy's
 * root are owned by root; the first non-root owner on the way down owns it
 * otherwise. The hierarchies are found in this process's mountinfo.
 */
#define CG_MAX_MOUNTS 32
#define CG_MAX_SEEN 256

struct cg_mount {
	char dir[256];
	char opts[256];           /* super options: the v1 controllers */
	bool v2;
};

struct cg_check {
	struct cg_mount m[CG_MAX_MOUNTS];
	size_t nm;
	struct {
		char *key;
		int trust;
		uid_t owner;
	} seen[CG_MAX_SEEN];
	size_t nseen;
};

/* mountinfo's octal escapes (\040) */
static void unescape_octal(const char *in, size_t n, char *out, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < n && w + 1 < len; i++) {
		if (in[i] == '\\' && i + 3 < n && in[i + 1] >= '0' && in[i + 1] <= '3' &&
		    in[i + 2] >= '0' && in[i + 2] <= '7' && in[i + 3] >= '0' && in[i + 3] <= '7') {
			out[w++] = (char)((in[i + 1] - '0') * 64 + (in[i + 2] - '0') * 8 + (in[i + 3] - '0'));
			i += 3;
		} else {
			out[w++] = in[i];
		}
	}
	out[w] = 0;
}

/* The n-th space-separated field of a line; its length in *len. */
static const char *field(const char *l, int n, size_t *len)
{
	for (; n > 0 && l; n--) {
		l = strchr(l, ' ');
		l = l ? l + 1 : NULL;
	}
	if (!l)
		return NULL;
	*len = strcspn(l, " \n");
	return l;
}

static void cg_mounts_read(struct cg_check *k)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f)
		return;
	while (k->nm < CG_MAX_MOUNTS && fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - "), *root, *dir, *type, *opts;
		size_t rl, dl, tl, ol;
		struct cg_mount *m = &k->m[k->nm];

		if (!sep || !(root = field(line, 3, &rl)) || !(dir = field(line, 4, &dl)) ||
		    !(type = field(sep + 3, 0, &tl)) || !(opts = field(sep + 3, 2, &ol)))
			continue;
		/* a bind mount of a subtree, or a cgroup namespace's view: the
		 * paths of /proc/PID/cgroup do not start at its root */
		if (rl != 1 || *root != '/' || ol >= sizeof(m->opts))
			continue;
		if (tl == 7 && !strncmp(type, "cgroup2", 7))
			m->v2 = true;
		else if (!(tl == 6 && !strncmp(type, "cgroup", 6)))
			continue;
		unescape_octal(dir, dl, m->dir, sizeof(m->dir));
		memcpy(m->opts, opts, ol);
		m->opts[ol] = 0;
		k->nm++;
	}
	fclose(f);
}

static bool opts_have(const char *opts, const char *item, size_t n)
{
	for (const char *o = opts; *o;) {
		size_t l = strcspn(o, ",");

		if (l == n && !strncmp(o, item, n))
			return true;
		o += l + (o[l] == ',');
	}
	return false;
}

/* Whether a mount is the hierarchy a /proc/PID/cgroup line names */
static bool cg_mount_is(const struct cg_mount *m, const char *hier, size_t n)
{
	if (!n)
		return m->v2;
	if (m->v2)
		return false;
	for (size_t i = 0; i < n;) {
		size_t l = strcspn(hier + i, ",");

		if (l > n - i)
			l = n - i;
		if (l && !opts_have(m->opts, hier + i, l))
			return false;
		i += l + 1;
	}
	return true;
}

/* Walk path down from the mount, without following anything; the trust
 * its directories' owners give. */
static int cg_walk(const struct cg_mount *m, const char *path, size_t n, uid_t *owner)
{
	int fd = open(m->dir, O_PATH | O_DIRECTORY | O_CLOEXEC), trust = NSINFO_TRUST_ENGINE;
	char comp[256];
	struct stat st;

	*owner = 0;
	if (fd < 0)
		return NSINFO_TRUST_HINT;
	for (size_t i = 0;; ) {
		size_t l;

		if (fstat(fd, &st) < 0) {
			trust = NSINFO_TRUST_HINT;
			break;
		}
		if (st.st_uid != 0 && trust == NSINFO_TRUST_ENGINE) {
			trust = NSINFO_TRUST_USER;
			*owner = st.st_uid;
		}
		while (i < n && path[i] == '/')
			i++;
		if (i >= n)
			break;
		l = strcspn(path + i, "/");
		if (l > n - i)
			l = n - i;
		if (l >= sizeof(comp) || (l == 1 && path[i] == '.') ||
		    (l == 2 && path[i] == '.' && path[i + 1] == '.')) {
			trust = NSINFO_TRUST_HINT;
			break;
		}
		memcpy(comp, path + i, l);
		comp[l] = 0;
		i += l;
		{
			int next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			close(fd);
			fd = next;
		}
		if (fd < 0) /* gone since, or not in this hierarchy as seen here */
			return NSINFO_TRUST_HINT;
	}
	close(fd);
	return trust;
}

/* The trust of a container cgroup found by nsinfo__cgroup_identify. */
static int cg_trust(struct cg_check *k, const struct nsinfo__cgroup_id *id, uid_t *owner)
{
	char *key = NULL;
	int trust = NSINFO_TRUST_HINT;

	*owner = (uid_t)-1;
	if (!k || !id->path)
		return trust;
	if (asprintf(&key, "%.*s:%.*s", (int)id->hier_len, id->hier, (int)id->path_len,
		     id->path) < 0)
		key = NULL;
	for (size_t i = 0; key && i < k->nseen; i++)
		if (!strcmp(k->seen[i].key, key)) {
			free(key);
			*owner = k->seen[i].owner;
			return k->seen[i].trust;
		}
	for (size_t i = 0; i < k->nm; i++) {
		if (!cg_mount_is(&k->m[i], id->hier, id->hier_len))
			continue;
		trust = cg_walk(&k->m[i], id->path, id->path_len, owner);
		if (trust == NSINFO_TRUST_HINT)
			*owner = (uid_t)-1;
		break;
	}
	if (key && k->nseen < CG_MAX_SEEN) {
		k->seen[k->nseen].key = key;
		k->seen[k->nseen].trust = trust;
		k->seen[k->nseen++].owner = *owner;
	} else {
		free(key);
	}
	return trust;
}

static struct cg_check *cg_check_new(void)
{
	struct cg_check *k = calloc(1, sizeof(*k));

	if (k)
		cg_mounts_read(k);
	return k;
}

static void cg_check_free(struct cg_check *k)
{
	for (size_t i = 0; k && i < k->nseen; i++)
		free(k->seen[i].key);
	free(k);
}

/* ------------------------------------------------------ the snapshot pass */

/* One container per runtime, id and evidence: a user's cgroup that borrows
 * the id of an engine's container is another container, not that one. */
static int add_container(struct nsinfo_snapshot *s, const char *runtime, const char *id,
			 const char *name, const char *pod, int trust, uid_t owner)
{
	struct nsinfo_container *c;

	for (size_t i = 0; i < s->ncontainers; i++) {
		c = &s->containers[i];
		if (!strcmp(c->runtime, runtime) && !strcmp(c->id, id) && c->trust == trust &&
		    c->owner == owner)
			return (int)i;
	}
	if (nsinfo__grow((void **)&s->containers, &s->containers_cap, s->ncontainers + 1,
			 sizeof(*s->containers)))
		return -ENOMEM;
	c = &s->containers[s->ncontainers];
	c->runtime = nsinfo__strdup(s, runtime);
	c->id = nsinfo__strdup(s, id);
	c->name = name ? nsinfo__strdup(s, name) : NULL;
	c->pod = pod && *pod ? nsinfo__strdup(s, pod) : NULL;
	c->trust = trust;
	c->owner = owner;
	if (!c->runtime || !c->id)
		return -ENOMEM;
	return (int)s->ncontainers++;
}

/* Machine names and ids of the runtimes above never need more. */
#define CGROUP_BUF 16384

/* known[i]: whether process i's cgroup could be read (a vote that counts) */
static int from_cgroups(struct nsinfo_snapshot *s, int procfd, char *known)
{
	char *buf = malloc(CGROUP_BUF), rel[32];
	struct cg_check *k = cg_check_new();
	int r = 0;

	if (!buf || !k) {
		free(buf);
		cg_check_free(k);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nprocs; i++) {
		struct nsinfo_proc *p = &s->procs[i];
		struct nsinfo__cgroup_id id;
		uid_t owner;
		int c, trust;

		if (p->flags & (NSINFO_PROC_ZOMBIE | NSINFO_PROC_KTHREAD))
			continue;
		/* refresh.c: where the previous snapshot placed the same process */
		bool lent;
		const struct nsinfo_container *pc = nsinfo__reuse_cgroup(s, i, &lent);

		if (lent) {
			known[i] = 1;
			if (!pc) {
				nsinfo__reuse_cgroup_read(s, i, -1);
				continue;
			}
			c = add_container(s, pc->runtime, pc->id, NULL, pc->pod, pc->trust, pc->owner);
			if (c < 0) {
				r = c;
				break;
			}
			p->container = c;
			nsinfo__reuse_cgroup_read(s, i, c);
			continue;
		}
		snprintf(rel, sizeof(rel), "%d/cgroup", (int)p->pid);
		if (nsinfo__read_at(procfd, rel, buf, CGROUP_BUF) < 0)
			continue;
		known[i] = 1;
		if (!nsinfo__cgroup_identify(buf, &id)) {
			nsinfo__reuse_cgroup_read(s, i, -1);
			continue;
		}
		trust = cg_trust(k, &id, &owner);
		if (trust == NSINFO_TRUST_HINT)
			owner = p->uid;
		c = add_container(s, id.runtime, id.id, NULL, id.pod, trust, owner);
		if (c < 0) {
			r = c;
			break;
		}
		p->container = c;
		nsinfo__reuse_cgroup_read(s, i, c);
	}
	free(buf);
	cg_check_free(k);
	return r;
}

/* The value of container= in an environ block (NUL-separated); NULL. */
static const char *env_container(const char *env, size_t len)
{
	for (size_t off = 0; off < len; off += strlen(env + off) + 1)
		if (!strncmp(env + off, "container=", 10) && env[off + 10])
			return env + off + 10;
	return NULL;
}

/* Runtime names as the container= convention spells them, and as we do */
static const char *env_runtime(const char *v)
{
	return !strcmp(v, "systemd-nspawn") ? "nspawn" : v;
}

/* A container for a pid namespace whose init says container=X; -1 none.
 * Only a hint: any process can set its environment and its hostname. */
static int env_container_of(struct nsinfo_snapshot *s, int procfd, const struct nsinfo_proc *init,
			    int32_t pidns)
{
	char env[16384], rel[32], id[64];
	const char *v, *host = NULL;
	ssize_t n;

	snprintf(rel, sizeof(rel), "%d/environ", (int)init->pid);
	n = nsinfo__read_at(procfd, rel, env, sizeof(env));
	if (n <= 0 || !(v = env_container(env, (size_t)n)))
		return -1;
	if (init->ns[NSINFO_UTS] >= 0)
		host = s->ns[init->ns[NSINFO_UTS]].hostname;
	/* nothing names it: the pid namespace does, by id where the kernel has one */
	snprintf(id, sizeof(id), "pidns-%llu",
		 (unsigned long long)(s->ns[pidns].nsid ? s->ns[pidns].nsid : s->ns[pidns].ino));
	return add_container(s, env_runtime(v), id, host, NULL, NSINFO_TRUST_HINT, init->uid);
}

static int in_env_container(const struct nsinfo_snapshot *s, const int32_t *envc, int32_t pidns)
{
	for (int guard = 0; pidns >= 0 && guard < 64; guard++, pidns = s->ns[pidns].parent)
		if (envc[pidns] >= 0)
			return envc[pidns];
	return -1;
}

static int from_environ(struct nsinfo_snapshot *s, int procfd)
{
	int32_t *envc = malloc((s->nns ? s->nns : 1) * sizeof(*envc));
	int any = 0;

	if (!envc)
		return -ENOMEM;
	for (size_t i = 0; i < s->nns; i++)
		envc[i] = -1;
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct nsinfo_proc *p = &s->procs[i];
		int32_t pidns = p->ns[NSINFO_PID];
		int c;

		/* the init of a nested pid namespace: pid 1 at its innermost level */
		if (p->container >= 0 || pidns < 0 || (p->flags & NSINFO_PROC_THREAD) || p->nspid_len < 2 ||
		    p->nspid[p->nspid_len - 1] != 1)
			continue;
		c = env_container_of(s, procfd, p, pidns);
		if (c == -ENOMEM) {
			free(envc);
			return c;
		}
		envc[pidns] = c;
		any |= c >= 0;
	}
	/* its processes, down nested pid namespaces, unless a cgroup said more */
	for (size_t i = 0; any && i < s->nprocs; i++)
		if (s->procs[i].container < 0 && s->procs[i].ns[NSINFO_PID] >= 0)
			s->procs[i].container = in_env_container(s, envc, s->procs[i].ns[NSINFO_PID]);
	free(envc);
	return 0;
}

/* ------------------------------------------------------------- names */

/*
 * Container names live with the runtimes, not in the kernel: docker keeps
 * one config.v2.json per container ("Name": "/web"), podman (and CRI-O's
 * storage) one list of {"id", "names": [...]} for persistent containers and
 * one for --rm ones. Runtimes whose names need an API call (Kubernetes) stay
 * unnamed; nspawn and lxc ids are their names.
 * An engine's container is named from the root-owned state under /var/lib,
 * a user's from that user's own state (rootless engines keep it under
 * ~/.local/share), each file owned by whom it should be; a hint from none.
 */
#define DOCKER_CONFIG "%s/containers/%s/config.v2.json"
static const char *const podman_lists[] = {
	"%s/overlay-containers/containers.json",
	"%s/overlay-containers/volatile-containers.json",
};
#define STATE_MAX (64u << 20)

/* Where an engine keeps its state, for a container of that trust and owner;
 * false where none is to be believed. */
static bool state_dir(const char *engine, int trust, uid_t owner, char *buf, size_t len)
{
	bool docker = !strcmp(engine, "docker");
	struct passwd pw, *res = NULL;
	char pwbuf[1024];

	if (trust == NSINFO_TRUST_ENGINE) {
		snprintf(buf, len, "%s", docker ? "/var/lib/docker" : "/var/lib/containers/storage");
		return true;
	}
	if (trust != NSINFO_TRUST_USER || getpwuid_r(owner, &pw, pwbuf, sizeof(pwbuf), &res) ||
	    !res || !pw.pw_dir || pw.pw_dir[0] != '/')
		return false;
	snprintf(buf, len, "%s/.local/share/%s", pw.pw_dir, docker ? "docker" : "containers/storage");
	return true;
}

/* A state file: a regular file owned by owner, opened without following a
 * final symlink or blocking on a FIFO. */
static json_object *json_load(const char *path, uid_t owner)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	json_object *j = NULL;
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == owner &&
	    (size_t)st.st_size <= STATE_MAX)
		j = json_object_from_fd(fd);
	close(fd);
	return j;
}

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : NULL;
}

static int set_name(struct nsinfo_snapshot *s, struct nsinfo_container *c, const char *name)
{
	if (!name || !*name)
		return 0;
	c->name = nsinfo__strdup(s, name);
	return c->name ? 0 : -ENOMEM;
}

/* docker's "Name" is "/web"; NULL if the file names none */
static const char *docker_config_name(json_object *j)
{
	const char *name = json_str(j, "Name");

	return name && *name == '/' ? name + 1 : name;
}

static json_object *docker_config(const char *id, int trust, uid_t owner)
{
	char dir[PATH_MAX], path[PATH_MAX + 320];

	if (strchr(id, '/') || !strcmp(id, "..") || !state_dir("docker", trust, owner, dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), DOCKER_CONFIG, dir, id);
	return json_load(path, owner);
}

static int docker_name(struct nsinfo_snapshot *s, struct nsinfo_container *c)
{
	json_object *j = docker_config(c->id, c->trust, c->owner);
	int r;

	if (!j)
		return 0;
	r = set_name(s, c, docker_config_name(j));
	json_object_put(j);
	return r;
}

/* One entry of a podman list: its id, and its first name in *name. */
static const char *podman_entry(json_object *e, const char **name)
{
	const char *id = json_str(e, "id");
	json_object *names;

	if (!id || !json_object_object_get_ex(e, "names", &names) ||
	    !json_object_is_type(names, json_type_array) || !json_object_array_length(names))
		return NULL;
	*name = json_object_get_string(json_object_array_get_idx(names, 0));
	return id;
}

static size_t json_array_len(json_object *j)
{
	return json_object_is_type(j, json_type_array) ? json_object_array_length(j) : 0;
}

static bool podman_like(const struct nsinfo_container *c)
{
	/* cri-o shares podman's storage and its list */
	return !strcmp(c->runtime, "podman") || !strcmp(c->runtime, "cri-o");
}

/* Name the unnamed podman-like containers of one trust and owner from the
 * lists of their state. */
static int podman_names(struct nsinfo_snapshot *s, int trust, uid_t owner)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	int r = 0;

	if (!state_dir("podman", trust, owner, dir, sizeof(dir)))
		return 0;
	for (size_t l = 0; !r && l < sizeof(podman_lists) / sizeof(podman_lists[0]); l++) {
		json_object *j;

		snprintf(path, sizeof(path), podman_lists[l], dir);
		if (!(j = json_load(path, owner)))
			continue;
		for (size_t i = 0; i < json_array_len(j) && !r; i++) {
			const char *name, *id = podman_entry(json_object_array_get_idx(j, i), &name);

			for (size_t k = 0; id && k < s->ncontainers && !r; k++) {
				struct nsinfo_container *c = &s->containers[k];

				if (!c->name && c->trust == trust && c->owner == owner && podman_like(c) &&
				    !strcmp(c->id, id))
					r = set_name(s, c, name);
			}
		}
		json_object_put(j);
	}
	return r;
}

static int container_names(struct nsinfo_snapshot *s)
{
	int r = 0;

	for (size_t i = 0; i < s->ncontainers && !r; i++) {
		struct nsinfo_container *c = &s->containers[i];
		bool first = true;

		if (!strcmp(c->runtime, "docker"))
			r = docker_name(s, c);
		if (r || !podman_like(c) || c->trust == NSINFO_TRUST_HINT)
			continue;
		/* each list once per owner: the first container of that owner reads it */
		for (size_t k = 0; k < i && first; k++)
			first = !(podman_like(&s->containers[k]) && s->containers[k].trust == c->trust &&
				  s->containers[k].owner == c->owner);
		if (first)
			r = podman_names(s, c->trust, c->owner);
	}
	return r;
}

/* A namespace's container: the one every member whose cgroup was read is
 * in. One member outside it (a debugging shell entered with nsenter, a
 * host-network container in the host's netns) makes it nobody's. */
static void ns_containers(struct nsinfo_snapshot *s, const char *known)
{
	for (size_t i = 0; i < s->nns; i++) {
		struct nsinfo_ns *n = &s->ns[i];
		int32_t agreed = -1;
		int votes = 0;

		for (uint32_t k = 0; k < n->nprocs; k++) {
			uint32_t pi = n->procs[k];
			int32_t c = s->procs[pi].container;

			if (!known[pi] && c < 0)
				continue;
			if (votes++ == 0)
				agreed = c;
			else if (c != agreed)
				agreed = -1;
			if (agreed < 0)
				break;
		}
		n->container = agreed;
	}
}

int nsinfo__containers_scan(struct nsinfo_snapshot *s)
{
	char *known;
	int procfd, r;

	if (!(s->flags & NSINFO_SCAN_CONTAINERS))
		return 0;
	procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		nsinfo__reuse_cgroup_end(s);
		return 0; /* the scan itself just used it: gone means nothing to add */
	}
	known = calloc(s->nprocs ? s->nprocs : 1, 1);
	nsinfo__reuse_cgroup_begin(s);
	r = known ? from_cgroups(s, procfd, known) : -ENOMEM;
	nsinfo__reuse_cgroup_end(s);
	if (!r)
		r = from_environ(s, procfd);
	if (!r)
		r = container_names(s);
	if (!r)
		ns_containers(s, known);
	free(known);
	close(procfd);
	return r;
}

/* Whether container c is named by name: its name, its id, or (prefix) the
 * start of its id. */
static bool names(const struct nsinfo_container *c, const char *name, bool prefix)
{
	if (prefix)
		return !strncmp(c->id, name, strlen(name));
	return (c->name && !strcmp(c->name, name)) || !strcmp(c->id, name);
}

/*
 * The engine container name names, or -ENOENT / -ENOTUNIQ / -EKEYREJECTED.
 * Exact names and ids first, then id prefixes; containers of weaker trust
 * never match, but are reported: cand (when not NULL) receives the engine
 * containers of an ambiguous match, else the weaker ones that matched (up
 * to max; *ncand counts them all).
 */
int nsinfo__container_match(const struct nsinfo_snapshot *s, const char *name, int32_t *cand,
			    size_t max, size_t *ncand)
{
	size_t nc = 0;
	bool weak_seen = false;

	if (!s || !name || !*name)
		return -EINVAL;
	for (int prefix = 0; prefix < 2; prefix++) {
		int found = -1, engine = 0, weak = 0;

		for (size_t i = 0; i < s->ncontainers; i++) {
			const struct nsinfo_container *c = &s->containers[i];

			if (!names(c, name, prefix))
				continue;
			if (c->trust == NSINFO_TRUST_ENGINE) {
				engine++;
				found = (int)i;
			} else {
				weak++;
			}
		}
		if (engine == 1) {
			if (ncand)
				*ncand = 0;
			return found;
		}
		if (!engine && (!weak || weak_seen))
			continue;
		nc = 0;
		for (size_t i = 0; i < s->ncontainers; i++) {
			const struct nsinfo_container *c = &s->containers[i];

			if (!names(c, name, prefix) || (engine > 0) != (c->trust == NSINFO_TRUST_ENGINE))
				continue;
			if (cand && nc < max)
				cand[nc] = (int32_t)i;
			nc++;
		}
		if (ncand)
			*ncand = nc;
		if (engine > 1)
			return -ENOTUNIQ;
		weak_seen = true;
	}
	if (!weak_seen && ncand)
		*ncand = 0;
	return weak_seen ? -EKEYREJECTED : -ENOENT;
}

NSINFO_EXPORT int nsinfo_snapshot_find_container(const struct nsinfo_snapshot *s,
						 const char *name)
{
	return nsinfo__container_match(s, name, NULL, 0, NULL);
}

/* "web", "alice/web?", "3f2a4b5c6d7e?" */
static void label(char *buf, size_t len, const char *name, const char *id, int trust,
		  const char *owner)
{
	/* 64-hex ids are shown as docker does: the first 12 digits */
	int idlen = strlen(id) == 64 ? 12 : (int)strlen(id);

	snprintf(buf, len, "%s%s%.*s%s", owner ? owner : "", owner ? "/" : "",
		 name ? (int)strlen(name) : idlen, name ? name : id,
		 trust == NSINFO_TRUST_ENGINE ? "" : "?");
}

/* A user's name without touching the snapshot's cache: the cached one, the
 * password database's on this host, else the number. */
static void owner_name(const struct nsinfo_snapshot *s, uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char pwbuf[1024];

	for (size_t i = 0; s && i < s->nusers; i++)
		if (s->users[i].uid == uid) {
			snprintf(buf, len, "%s", s->users[i].name);
			return;
		}
	if ((!s || !s->loaded) && getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res)
		snprintf(buf, len, "%s", pw.pw_name);
	else
		snprintf(buf, len, "%u", (unsigned)uid);
}

NSINFO_EXPORT const char *nsinfo_container_label(const struct nsinfo_snapshot *s, int32_t idx,
						 char *buf, size_t len)
{
	const struct nsinfo_container *c;
	char owner[64];

	if (!s || idx < 0 || (size_t)idx >= s->ncontainers || !buf || !len)
		return NULL;
	c = &s->containers[idx];
	if (c->trust == NSINFO_TRUST_USER)
		owner_name(s, c->owner, owner, sizeof(owner));
	label(buf, len, c->name, c->id, c->trust, c->trust == NSINFO_TRUST_USER ? owner : NULL);
	return buf;
}

/* ------------------------------------------------ one process, no scan */

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* The runtime's name for one container, as container_names() finds it. */
static void lookup_name(struct nsinfo_container_info *out)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	json_object *j;

	if (!strcmp(out->runtime, "docker")) {
		if ((j = docker_config(out->id, out->trust, out->owner))) {
			copy_str(out->name, sizeof(out->name), docker_config_name(j));
			json_object_put(j);
		}
		return;
	}
	if ((strcmp(out->runtime, "podman") && strcmp(out->runtime, "cri-o")) ||
	    !state_dir("podman", out->trust, out->owner, dir, sizeof(dir)))
		return;
	for (size_t l = 0; l < sizeof(podman_lists) / sizeof(podman_lists[0]) && !out->name[0]; l++) {
		snprintf(path, sizeof(path), podman_lists[l], dir);
		if (!(j = json_load(path, out->owner)))
			continue;
		for (size_t i = 0; i < json_array_len(j) && !out->name[0]; i++) {
			const char *name, *id = podman_entry(json_object_array_get_idx(j, i), &name);

			if (id && !strcmp(id, out->id))
				copy_str(out->name, sizeof(out->name), name);
		}
		json_object_put(j);
	}
}

NSINFO_EXPORT int nsinfo_container_lookup(const char *proc_root, pid_t pid,
					  struct nsinfo_container_info *out)
{
	struct nsinfo__cgroup_id id;
	struct nsinfo_container_info ci;
	struct cg_check *k;
	char rel[32], *buf, owner[64] = "";
	struct stat st;
	int dirfd;
	ssize_t n;

	if (pid <= 0 || !out)
		return -EINVAL;
	dirfd = open(proc_root ? proc_root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	buf = malloc(CGROUP_BUF);
	if (!buf) {
		close(dirfd);
		return -ENOMEM;
	}
	snprintf(rel, sizeof(rel), "%d/cgroup", (int)pid);
	n = nsinfo__read_at(dirfd, rel, buf, CGROUP_BUF);
	snprintf(rel, sizeof(rel), "%d", (int)pid);
	if (n >= 0 && fstatat(dirfd, rel, &st, 0) < 0)
		st.st_uid = (uid_t)-1;
	close(dirfd);
	if (n < 0 || !nsinfo__cgroup_identify(buf, &id)) {
		free(buf);
		return n == -ENOENT ? -ESRCH : n < 0 ? (int)n : -ENOENT;
	}
	memset(&ci, 0, sizeof(ci));
	k = cg_check_new();
	ci.trust = cg_trust(k, &id, &ci.owner);
	cg_check_free(k);
	if (ci.trust == NSINFO_TRUST_HINT)
		ci.owner = st.st_uid; /* /proc/PID is owned by the process's euid */
	free(buf);
	copy_str(ci.runtime, sizeof(ci.runtime), id.runtime);
	copy_str(ci.id, sizeof(ci.id), id.id);
	copy_str(ci.pod, sizeof(ci.pod), id.pod);
	lookup_name(&ci);
	if (ci.trust == NSINFO_TRUST_USER)
		owner_name(NULL, ci.owner, owner, sizeof(owner));
	label(ci.label, sizeof(ci.label), ci.name[0] ? ci.name : NULL, ci.id, ci.trust,
	      ci.trust == NSINFO_TRUST_USER ? owner : NULL);
	*out = ci;
	return 0;
}

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

#include "enrich/engines.h"
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

/* A rule matched: 1 a container of runtime, -1 (no runtime) a monitor */
static int matched(const char *runtime, struct nsinfo__cgroup_id *out)
{
	if (!runtime)
		return -1;
	out->runtime = runtime;
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
		return matched(r->runtime, out);
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
		return matched(r->runtime, out);
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
		    c->owner == owner && c->kind == NSINFO_CONTAINER_KIND_CONTAINER)
			return (int)i;
	}
	if (nsinfo__grow((void **)&s->containers, &s->containers_cap, s->ncontainers + 1,
			 sizeof(*s->containers)))
		return -ENOMEM;
	c = &s->containers[s->ncontainers];
	memset(c, 0, sizeof(*c));
	c->evidence = "cgroup";
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
	int c;

	snprintf(rel, sizeof(rel), "%d/environ", (int)init->pid);
	n = nsinfo__read_at(procfd, rel, env, sizeof(env));
	if (n <= 0 || !(v = env_container(env, (size_t)n)))
		return -1;
	if (init->ns[NSINFO_UTS] >= 0)
		host = s->ns[init->ns[NSINFO_UTS]].hostname;
	/* nothing names it: the pid namespace does, by id where the kernel has one */
	snprintf(id, sizeof(id), "pidns-%llu",
		 (unsigned long long)(s->ns[pidns].nsid ? s->ns[pidns].nsid : s->ns[pidns].ino));
	c = add_container(s, env_runtime(v), id, host, NULL, NSINFO_TRUST_HINT, init->uid);
	if (c >= 0)
		s->containers[c].evidence = "environ";
	return c;
}

/* n int32s (at least one), each v; NULL out of memory */
static int32_t *filled(size_t n, int32_t v)
{
	int32_t *a = malloc((n ? n : 1) * sizeof(*a));

	for (size_t i = 0; a && i < n; i++)
		a[i] = v;
	return a;
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
	int32_t *envc = filled(s->nns, -1);
	int any = 0;

	if (!envc)
		return -ENOMEM;
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

/* ------------------------------------------------------------ monitors */

/*
 * Containers no cgroup names (`ctr run` with the cgroupfs driver, rootless
 * podman on cgroup v1): the engine's monitor is their ancestor, a process
 * outside any container whose command line names the container
 * (containerd-shim -namespace NS -id ID, conmon -c ID -n NAME -b BUNDLE).
 * A root monitor in this process's mount namespace is the engine's
 * evidence; a user's is that user's (it could claim any name).
 */
#define MAX_CHAIN 64

static const struct nsinfo_proc *proc_by_pid(const struct nsinfo_snapshot *s, pid_t pid)
{
	size_t lo = 0, hi = s->nprocs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else if (s->procs[mid].pid > pid)
			hi = mid;
		else
			return &s->procs[mid];
	}
	return NULL;
}

/* What the monitor process m says, or -ENOENT */
static int monitor_of(struct nsinfo_snapshot *s, int procfd, const struct nsinfo_proc *m,
		      struct nsinfo__monitor *mon)
{
	char cmd[8192];
	ssize_t n;
	int fd;

	if (strncmp(m->comm, "containerd-shim", 15) && strcmp(m->comm, "conmon"))
		return -ENOENT;
	/* read through the process the scan saw, not a reused pid */
	fd = nsinfo__proc_open(s, procfd, m->pid);
	if (fd < 0)
		return fd;
	n = nsinfo__read_at(fd, "cmdline", cmd, sizeof(cmd));
	if (n > 0 && !nsinfo__engine_monitor(m->comm, cmd, (size_t)n, mon) && !mon->bundle[0]) {
		/* a containerd shim runs in its bundle */
		ssize_t l = readlinkat(fd, "cwd", mon->bundle, sizeof(mon->bundle) - 1);

		mon->bundle[l > 0 && mon->bundle[0] == '/' ? l : 0] = 0;
	}
	close(fd);
	return n > 0 && mon->runtime ? 0 : -ENOENT;
}

/* The trust a monitor's claim has, and its owner */
static int monitor_trust(const struct nsinfo_snapshot *s, const struct nsinfo_proc *m,
			 uid_t *owner)
{
	int mnt = m->ns[NSINFO_MNT];

	*owner = m->uid;
	if (m->uid != 0)
		return NSINFO_TRUST_USER;
	return mnt >= 0 && s->self_ns_ino[NSINFO_MNT] &&
	       s->ns[mnt].ino == s->self_ns_ino[NSINFO_MNT] ? NSINFO_TRUST_ENGINE : NSINFO_TRUST_HINT;
}

static int from_monitors(struct nsinfo_snapshot *s, int procfd, char **bundles)
{
	/* per process: the container its monitor says, -1 none, -2 not yet */
	int32_t *via = filled(s->nprocs, -2);
	int r = 0;

	if (!via)
		return -ENOMEM;
	for (size_t i = 0; !r && i < s->nprocs; i++) {
		size_t chain[MAX_CHAIN];
		int n = 0;
		int32_t c = -1;
		const struct nsinfo_proc *p = &s->procs[i];

		if (p->flags & (NSINFO_PROC_KTHREAD | NSINFO_PROC_THREAD))
			continue;
		/* a container its cgroup named: its bundle from its monitor */
		if (p->container >= 0) {
			const struct nsinfo_proc *parent = proc_by_pid(s, p->ppid);
			struct nsinfo__monitor mon;

			if (!bundles[p->container] && parent && parent->container < 0 &&
			    !monitor_of(s, procfd, parent, &mon) && mon.bundle[0] &&
			    !strcmp(mon.id, s->containers[p->container].id) &&
			    monitor_trust(s, parent, &(uid_t){ 0 }) == s->containers[p->container].trust)
				bundles[p->container] = strdup(mon.bundle);
			continue;
		}
		/* up the parents to a monitor, a process already decided or the top */
		for (const struct nsinfo_proc *q = p; q && n < MAX_CHAIN;) {
			size_t qi = (size_t)(q - s->procs);
			const struct nsinfo_proc *parent;
			struct nsinfo__monitor mon;

			if (via[qi] != -2) {
				c = via[qi];
				break;
			}
			chain[n++] = qi;
			parent = q->ppid > 0 && q->ppid != q->pid ? proc_by_pid(s, q->ppid) : NULL;
			if (!parent || parent->container >= 0)
				break;
			if (!monitor_of(s, procfd, parent, &mon)) {
				uid_t owner;
				int trust;

				/* the runtime gives a container a mount namespace of its
				 * own: a child in the monitor's is the monitor's helper
				 * (conmon's exit command, podman's clean-up after the
				 * container stopped), not the container */
				if (q->ns[NSINFO_MNT] >= 0 && q->ns[NSINFO_MNT] == parent->ns[NSINFO_MNT])
					break;
				trust = monitor_trust(s, parent, &owner);
				c = add_container(s, mon.runtime, mon.id, NULL, NULL, trust, owner);
				if (c < 0) {
					r = c;
					c = -1;
					break;
				}
				s->containers[c].evidence = !strcmp(mon.runtime, "podman") ? "conmon"
											     : "shim";
				if (mon.name[0] && !s->containers[c].name &&
				    trust != NSINFO_TRUST_HINT)
					s->containers[c].name = nsinfo__strdup(s, mon.name);
				if (mon.bundle[0] && !bundles[c])
					bundles[c] = strdup(mon.bundle);
				break;
			}
			q = parent;
		}
		for (int k = 0; k < n; k++) {
			via[chain[k]] = c;
			if (c >= 0 && s->procs[chain[k]].container < 0)
				s->procs[chain[k]].container = c;
		}
	}
	free(via);
	return r;
}

/* ------------------------------------------------------------- names */

/*
 * Names, images and pods live with the engines, not in the kernel. Each
 * engine container is looked up in the engine's own files (engines.c):
 * its OCI bundle (from its monitor, else the runtime's state dir) for the
 * annotations CRI and podman write and for where the engine keeps the rest
 * (docker's data root, podman's graphroot), then docker's config.v2.json
 * or podman's containers.json there (else at the engine's configured
 * default), LXC's and nspawn's registrations. An engine's container is
 * read from root-owned files, a user's from files owned by that user; a
 * hint from none.
 */

/* A user's home, "" if unknown */
static void home_of(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char pwbuf[1024];

	buf[0] = 0;
	if (!getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) && res && pw.pw_dir &&
	    pw.pw_dir[0] == '/')
		snprintf(buf, len, "%s", pw.pw_dir);
}

/* Everything the engine's files say about container (runtime, id) of
 * that trust and owner; bundle where its monitor said (NULL: look it up). */
static void engine_lookup(const char *runtime, const char *id, int trust, uid_t owner,
			  const char *bundle, struct nsinfo__engine_info *info)
{
	char dir[PATH_MAX], home[PATH_MAX] = "";

	memset(info, 0, sizeof(*info));
	if (trust == NSINFO_TRUST_HINT)
		return;
	if (trust == NSINFO_TRUST_USER) {
		home_of(owner, home, sizeof(home));
		if (!home[0])
			return;
	}
	if (!strcmp(runtime, "lxc")) {
		if (trust == NSINFO_TRUST_ENGINE)
			nsinfo__engine_lxc(NULL, id, info);
		return;
	}
	if (!strcmp(runtime, "nspawn")) {
		if (trust == NSINFO_TRUST_ENGINE)
			nsinfo__engine_nspawn(NULL, id, info);
		return;
	}
	if (bundle)
		snprintf(info->bundle, sizeof(info->bundle), "%s", bundle);
	else
		nsinfo__engine_find_state(id, owner, info);
	if (info->bundle[0]) {
		snprintf(dir, sizeof(dir), "%s", info->bundle);
		nsinfo__engine_bundle(dir, id, owner, info);
	}
	if (!strcmp(runtime, "docker")) {
		if (!info->data_root[0]) {
			if (trust == NSINFO_TRUST_ENGINE)
				nsinfo__engine_docker_root(NULL, info->data_root, sizeof(info->data_root));
			else
				snprintf(info->data_root, sizeof(info->data_root), "%s/.local/share/docker",
					 home);
		}
		nsinfo__engine_docker(info->data_root, id, owner, info);
	} else if (!strcmp(runtime, "podman") || !strcmp(runtime, "cri-o")) {
		/* cri-o shares podman's storage and its list */
		if (!info->graphroot[0])
			nsinfo__engine_graphroot(owner, trust == NSINFO_TRUST_USER ? home : NULL, NULL,
						 info->graphroot, sizeof(info->graphroot));
		nsinfo__engine_podman(info->graphroot, id, owner, info);
		/* a pod's name is only in podman's database */
		if (!strcmp(runtime, "podman"))
			nsinfo__engine_podman_pod(info->graphroot, owner, info);
	}
	/* Kubernetes: a container is named as the pod spec names it */
	if (!info->name[0] && info->k8s_container[0])
		snprintf(info->name, sizeof(info->name), "%s", info->k8s_container);
}

static const char *dup_or_null(struct nsinfo_snapshot *s, const char *v)
{
	return v && *v ? nsinfo__strdup(s, v) : NULL;
}

/* The pod entry for container c (the owner of what its containers share) */
static int pod_of_container(struct nsinfo_snapshot *s, int32_t ci)
{
	const struct nsinfo_container c = s->containers[ci];
	const char *key = c.pod ? c.pod : c.pod_name;
	int p;

	if (!key)
		return -1;
	for (size_t i = 0; i < s->ncontainers; i++) {
		const struct nsinfo_container *k = &s->containers[i];

		if (k->kind == NSINFO_CONTAINER_KIND_POD && !strcmp(k->runtime, c.runtime) &&
		    !strcmp(k->id, key) && k->trust == c.trust && k->owner == c.owner)
			return (int)i;
	}
	p = add_container(s, c.runtime, key, c.pod_name, c.pod, c.trust, c.owner);
	if (p < 0)
		return p;
	s->containers[p].kind = NSINFO_CONTAINER_KIND_POD;
	s->containers[p].pod_name = c.pod_name;
	s->containers[p].pod_namespace = c.pod_namespace;
	s->containers[p].evidence = "pod";
	return p;
}

static int container_details(struct nsinfo_snapshot *s, char **bundles)
{
	struct nsinfo__engine_info *info = malloc(sizeof(*info));
	size_t n = s->ncontainers;

	if (!info)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct nsinfo_container *c = &s->containers[i];

		engine_lookup(c->runtime, c->id, c->trust, c->owner, bundles[i], info);
		if (!c->name)
			c->name = dup_or_null(s, info->name);
		c->image = dup_or_null(s, info->image);
		c->pod_name = dup_or_null(s, info->pod_name);
		c->pod_namespace = dup_or_null(s, info->pod_ns);
		c->k8s_container = dup_or_null(s, info->k8s_container);
		if (!c->pod)
			c->pod = dup_or_null(s, info->pod_uid);
		/* podman's pod: by its id, whether it has an infra container or not */
		if (!c->pod && !strcmp(c->runtime, "podman"))
			c->pod = dup_or_null(s, info->pod_id);
	}
	free(info);
	return 0;
}

/*
 * A namespace's container. A namespace belongs to the container that made
 * it: the one its oldest member (whose cgroup could be read) is in, whoever
 * joined it later (an nsenter'd shell, a `docker exec`, a container started
 * with --net=container:web); the host's namespaces, the rootless engine's
 * user namespace and whatever a --pid=host / --net=host container shares
 * have an older member outside any container, and belong to none. When
 * containers of one pod share it, it is the pod's.
 */
static int ns_containers(struct nsinfo_snapshot *s, const char *known)
{
	for (size_t i = 0; i < s->nns; i++) {
		struct nsinfo_ns *n = &s->ns[i];
		const struct nsinfo_proc *oldest = NULL;
		int32_t other = -1;
		bool pod = true;

		n->container = -1;
		for (uint32_t k = 0; k < n->nprocs; k++) {
			const struct nsinfo_proc *p = &s->procs[n->procs[k]];

			if (!known[n->procs[k]] && p->container < 0)
				continue;
			if (!oldest || p->start_time < oldest->start_time ||
			    (p->start_time == oldest->start_time && p->pid < oldest->pid))
				oldest = p;
		}
		if (!oldest || oldest->container < 0)
			continue;
		n->container = oldest->container;
		/* other containers in it: all of the same pod? */
		for (uint32_t k = 0; k < n->nprocs; k++) {
			int32_t c = s->procs[n->procs[k]].container;
			const struct nsinfo_container *a, *b;

			if (c < 0 || c == oldest->container)
				continue;
			other = c;
			a = &s->containers[c];
			b = &s->containers[oldest->container];
			if (!a->pod || !b->pod || strcmp(a->pod, b->pod) || strcmp(a->runtime, b->runtime))
				pod = false;
			if (!pod)
				break;
		}
		if (other >= 0 && pod) {
			int p = pod_of_container(s, oldest->container);

			if (p < 0 && p != -1)
				return p;
			if (p >= 0)
				n->container = p;
		}
	}
	return 0;
}

int nsinfo__containers_scan(struct nsinfo_snapshot *s)
{
	char *known, **bundles = NULL;
	size_t nb = 0;
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
	/* at most one container per process: bundles, indexed as containers */
	nb = s->ncontainers + s->nprocs + 1;
	if (!r && !(bundles = calloc(nb, sizeof(*bundles))))
		r = -ENOMEM;
	if (!r)
		r = from_monitors(s, procfd, bundles);
	nsinfo__reuse_cgroup_end(s);
	if (!r)
		r = from_environ(s, procfd);
	if (!r)
		r = container_details(s, bundles);
	if (!r)
		r = ns_containers(s, known);
	for (size_t i = 0; bundles && i < nb; i++)
		free(bundles[i]);
	free(bundles);
	free(known);
	close(procfd);
	return r;
}

/*
 * A container reference: NAME (a container's name, id or id prefix),
 * RUNTIME:NAME (the same, of that engine only), pod:NAME (a pod by name or
 * id), k8s:NAMESPACE/POD (a Kubernetes pod) and k8s:NAMESPACE/POD/CONTAINER.
 */
struct cref {
	const char *runtime;      /* NULL: any engine */
	const char *name;         /* NAME, or the pod's for pod: */
	bool pod;                 /* pod:NAME or k8s:NS/POD */
	bool k8s;
	char ns[256], podname[256], ctr[256];
};

static const char *const runtimes[] = { "docker", "podman", "containerd", "cri-o", "lxc", "nspawn" };

static int cref_parse(const char *ref, struct cref *r)
{
	const char *colon = strchr(ref, ':');

	memset(r, 0, sizeof(*r));
	r->name = ref;
	if (!colon)
		return 0;
	if (!strncmp(ref, "pod:", 4)) {
		r->pod = true;
		r->name = ref + 4;
		return *r->name ? 0 : -EINVAL;
	}
	if (!strncmp(ref, "k8s:", 4)) {
		const char *p = ref + 4, *s1 = strchr(p, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;

		if (!s1 || s1 == p || (size_t)(s1 - p) >= sizeof(r->ns) || !s1[1] || (s2 && !s2[1]) ||
		    (s2 && strchr(s2 + 1, '/')) || strlen(s1 + 1) >= sizeof(r->podname))
			return -EINVAL;
		r->k8s = true;
		snprintf(r->ns, sizeof(r->ns), "%.*s", (int)(s1 - p), p);
		snprintf(r->podname, sizeof(r->podname), "%.*s",
			 (int)(s2 ? s2 - s1 - 1 : (long)strlen(s1 + 1)), s1 + 1);
		if (s2)
			snprintf(r->ctr, sizeof(r->ctr), "%s", s2 + 1);
		r->pod = !s2;
		return 0;
	}
	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
		if ((size_t)(colon - ref) == strlen(runtimes[i]) &&
		    !strncmp(ref, runtimes[i], (size_t)(colon - ref))) {
			r->runtime = runtimes[i];
			r->name = colon + 1;
			return *r->name ? 0 : -EINVAL;
		}
	if (!strncmp(ref, "crio:", 5)) {
		r->runtime = "cri-o";
		r->name = ref + 5;
		return *r->name ? 0 : -EINVAL;
	}
	return 0; /* a name with a colon: as it is */
}

static bool eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Whether container c is named by ref: its name, its id, or (prefix) the
 * start of its id; pods by their name or id. */
static bool names(const struct nsinfo_container *c, const struct cref *r, bool prefix)
{
	if (r->runtime && strcmp(c->runtime, r->runtime))
		return false;
	if (r->pod != (c->kind == NSINFO_CONTAINER_KIND_POD))
		return false;
	if (r->k8s) {
		if (prefix || !eq(c->pod_namespace, r->ns) || !eq(c->pod_name, r->podname))
			return false;
		return r->pod || eq(c->k8s_container, r->ctr);
	}
	if (prefix)
		return !strncmp(c->id, r->name, strlen(r->name));
	return eq(c->name, r->name) || !strcmp(c->id, r->name) || (r->pod && eq(c->pod_name, r->name));
}

/*
 * The engine container name names, or -ENOENT / -ENOTUNIQ / -EKEYREJECTED.
 * Exact names and ids first, then id prefixes; containers of weaker trust
 * never match, but are reported: cand (when not NULL) receives the engine
 * containers of an ambiguous match, else the weaker ones that matched (up
 * to max; *ncand counts them all).
 */
static int match(const struct nsinfo_snapshot *s, const struct cref *rp, int32_t *cand, size_t max,
		 size_t *ncand)
{
	size_t nc = 0;
	bool weak_seen = false;
	struct cref ref = *rp;

	for (int prefix = 0; prefix < 2; prefix++) {
		int found = -1, engine = 0, weak = 0;

		for (size_t i = 0; i < s->ncontainers; i++) {
			const struct nsinfo_container *c = &s->containers[i];

			if (!names(c, &ref, prefix))
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

			if (!names(c, &ref, prefix) || (engine > 0) != (c->trust == NSINFO_TRUST_ENGINE))
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

int nsinfo__container_match(const struct nsinfo_snapshot *s, const char *name, int32_t *cand,
			    size_t max, size_t *ncand)
{
	struct cref ref;
	int r;

	if (!s || !name || !*name || cref_parse(name, &ref))
		return -EINVAL;
	r = match(s, &ref, cand, max, ncand);
	/* NAME and RUNTIME:NAME that name no container: a pod of that name
	 * (podman:shop as pod:shop, of podman only) */
	if (r == -ENOENT && !ref.pod && !ref.k8s) {
		ref.pod = true;
		r = match(s, &ref, cand, max, ncand);
	}
	return r;
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

/* The engine's files about one container, as the snapshot pass reads them */
static void lookup_details(struct nsinfo_container_info *out, const char *bundle)
{
	struct nsinfo__engine_info *info = malloc(sizeof(*info));

	if (!info)
		return;
	engine_lookup(out->runtime, out->id, out->trust, out->owner, bundle, info);
	if (!out->name[0])
		copy_str(out->name, sizeof(out->name), info->name);
	copy_str(out->image, sizeof(out->image), info->image);
	copy_str(out->pod_name, sizeof(out->pod_name), info->pod_name);
	copy_str(out->pod_namespace, sizeof(out->pod_namespace), info->pod_ns);
	copy_str(out->k8s_container, sizeof(out->k8s_container), info->k8s_container);
	if (!out->pod[0])
		copy_str(out->pod, sizeof(out->pod), info->pod_uid);
	if (!out->pod[0] && !strcmp(out->runtime, "podman"))
		copy_str(out->pod, sizeof(out->pod), info->pod_id);
	free(info);
}

/* comm, ppid and euid of process pid under dirfd; 0 or -errno */
static int proc_brief(int dirfd, pid_t pid, char *comm, size_t clen, pid_t *ppid, uid_t *uid)
{
	char rel[48], buf[512], *open_p, *close_p;
	struct stat st;
	ssize_t n;

	snprintf(rel, sizeof(rel), "%d/stat", (int)pid);
	n = nsinfo__read_at(dirfd, rel, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || sscanf(close_p + 1, " %*c %d", ppid) != 1)
		return -EINVAL;
	snprintf(comm, clen, "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	snprintf(rel, sizeof(rel), "%d", (int)pid);
	if (fstatat(dirfd, rel, &st, 0) < 0)
		return -errno;
	*uid = st.st_uid;
	return 0;
}

/*
 * The container of a process no cgroup names, from its monitor (as
 * from_monitors does for a snapshot): the first ancestor that is a
 * containerd shim or conmon. 0 and ci filled, -ENOENT none.
 */
static int lookup_monitor(int dirfd, pid_t pid, struct nsinfo_container_info *ci, char *bundle,
			  size_t blen)
{
	struct stat self, mnt, child;
	pid_t cur = pid, below = pid;

	if (stat("/proc/self/ns/mnt", &self) < 0)
		self.st_ino = 0;
	for (int depth = 0; depth < MAX_CHAIN && cur > 1; depth++) {
		char comm[64], rel[48], cmd[8192];
		struct nsinfo__monitor mon;
		pid_t ppid = 0;
		uid_t uid = (uid_t)-1;
		ssize_t n;

		if (proc_brief(dirfd, cur, comm, sizeof(comm), &ppid, &uid) < 0 || ppid == cur)
			return -ENOENT;
		if (depth > 0 && (!strncmp(comm, "containerd-shim", 15) || !strcmp(comm, "conmon"))) {
			snprintf(rel, sizeof(rel), "%d/cmdline", (int)cur);
			n = nsinfo__read_at(dirfd, rel, cmd, sizeof(cmd));
			if (n <= 0 || nsinfo__engine_monitor(comm, cmd, (size_t)n, &mon))
				return -ENOENT;
			if (!mon.bundle[0]) {
				ssize_t l;

				snprintf(rel, sizeof(rel), "%d/cwd", (int)cur);
				l = readlinkat(dirfd, rel, mon.bundle, sizeof(mon.bundle) - 1);
				mon.bundle[l > 0 && mon.bundle[0] == '/' ? l : 0] = 0;
			}
			snprintf(rel, sizeof(rel), "%d/ns/mnt", (int)cur);
			if (fstatat(dirfd, rel, &mnt, 0) < 0)
				mnt.st_ino = 0;
			/* a child in the monitor's mount namespace is its helper (as
			 * in from_monitors), not the container */
			snprintf(rel, sizeof(rel), "%d/ns/mnt", (int)below);
			if (mnt.st_ino && !fstatat(dirfd, rel, &child, 0) &&
			    child.st_ino == mnt.st_ino && child.st_dev == mnt.st_dev)
				return -ENOENT;
			ci->owner = uid;
			ci->trust = uid != 0 ? NSINFO_TRUST_USER
				    : mnt.st_ino && self.st_ino && mnt.st_ino == self.st_ino
					      ? NSINFO_TRUST_ENGINE : NSINFO_TRUST_HINT;
			copy_str(ci->runtime, sizeof(ci->runtime), mon.runtime);
			copy_str(ci->id, sizeof(ci->id), mon.id);
			if (ci->trust != NSINFO_TRUST_HINT)
				copy_str(ci->name, sizeof(ci->name), mon.name);
			snprintf(bundle, blen, "%s", mon.bundle);
			return 0;
		}
		below = cur;
		cur = ppid;
	}
	return -ENOENT;
}

NSINFO_EXPORT int nsinfo_container_lookup(const char *proc_root, pid_t pid,
					  struct nsinfo_container_info *out)
{
	struct nsinfo__cgroup_id id;
	struct nsinfo_container_info ci;
	struct cg_check *k;
	char rel[32], *buf, owner[64] = "", bundle[PATH_MAX] = "";
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
	memset(&ci, 0, sizeof(ci));
	if (n >= 0 && !nsinfo__cgroup_identify(buf, &id)) {
		free(buf);
		n = lookup_monitor(dirfd, pid, &ci, bundle, sizeof(bundle));
		close(dirfd);
		if (n < 0)
			return (int)n;
		goto details;
	}
	if (n < 0) {
		close(dirfd);
		free(buf);
		return n == -ENOENT ? -ESRCH : (int)n;
	}
	/* its monitor knows its bundle (a private daemon's state) */
	{
		struct nsinfo_container_info *m = calloc(1, sizeof(*m));

		if (m && (lookup_monitor(dirfd, pid, m, bundle, sizeof(bundle)) < 0 ||
			  strcmp(m->id, id.id)))
			bundle[0] = 0;
		free(m);
	}
	close(dirfd);
	k = cg_check_new();
	ci.trust = cg_trust(k, &id, &ci.owner);
	cg_check_free(k);
	if (ci.trust == NSINFO_TRUST_HINT)
		ci.owner = st.st_uid; /* /proc/PID is owned by the process's euid */
	free(buf);
	copy_str(ci.runtime, sizeof(ci.runtime), id.runtime);
	copy_str(ci.id, sizeof(ci.id), id.id);
	copy_str(ci.pod, sizeof(ci.pod), id.pod);
details:
	lookup_details(&ci, bundle[0] ? bundle : NULL);
	if (ci.trust == NSINFO_TRUST_USER)
		owner_name(NULL, ci.owner, owner, sizeof(owner));
	label(ci.label, sizeof(ci.label), ci.name[0] ? ci.name : NULL, ci.id, ci.trust,
	      ci.trust == NSINFO_TRUST_USER ? owner : NULL);
	*out = ci;
	return 0;
}

/* ------------------------------------------- a container that is not running */

struct stopped_want {
	const struct cref *ref;
	char *desc;
	size_t len;
};

static int stopped_one(const char *runtime, const char *id, const char *name, void *arg)
{
	struct stopped_want *w = arg;

	if (w->ref->runtime && strcmp(w->ref->runtime, runtime))
		return 0;
	if (strcmp(name, w->ref->name) && strcmp(id, w->ref->name))
		return 0;
	snprintf(w->desc, w->len, "%s %.12s", runtime, id);
	return 1;
}

/* --data-root of the dockerds running as root in this mount namespace */
static size_t dockerd_roots(const struct nsinfo_snapshot *s, char roots[][PATH_MAX], size_t max)
{
	size_t n = 0;
	int procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (procfd < 0)
		return 0;
	for (size_t i = 0; i < s->nprocs && n < max; i++) {
		const struct nsinfo_proc *p = &s->procs[i];
		int mnt = p->ns[NSINFO_MNT], fd;
		char cmd[8192];
		ssize_t len;

		if (strcmp(p->comm, "dockerd") || p->uid != 0 || p->container >= 0 || mnt < 0 ||
		    s->ns[mnt].ino != s->self_ns_ino[NSINFO_MNT] || (p->flags & NSINFO_PROC_THREAD))
			continue;
		if ((fd = nsinfo__proc_open(s, procfd, p->pid)) < 0)
			continue;
		len = nsinfo__read_at(fd, "cmdline", cmd, sizeof(cmd));
		close(fd);
		for (ssize_t off = 0; len > 0 && off < len; off += (ssize_t)strlen(cmd + off) + 1) {
			const char *a = cmd + off;

			if (!strcmp(a, "--data-root") && off + (ssize_t)strlen(a) + 1 < len)
				a = cmd + off + strlen(a) + 1;
			else if (!strncmp(a, "--data-root=", 12))
				a += 12;
			else
				continue;
			if (a[0] == '/') {
				snprintf(roots[n++], PATH_MAX, "%s", a);
				break;
			}
		}
	}
	close(procfd);
	return n;
}

int nsinfo__container_stopped(const struct nsinfo_snapshot *s, const char *name, char *desc,
			      size_t len)
{
	char (*roots)[PATH_MAX];
	const char *docker[10] = { 0 }, *graph[2] = { 0 };
	char graphroot[PATH_MAX];
	struct cref ref;
	struct stopped_want w = { &ref, desc, len };
	size_t n;
	int r;

	if (!s || s->loaded || !name || cref_parse(name, &ref) || ref.pod || ref.k8s)
		return 0;
	if (ref.runtime && strcmp(ref.runtime, "docker") && strcmp(ref.runtime, "podman"))
		return 0;
	if (!(roots = calloc(9, sizeof(*roots))))
		return 0;
	nsinfo__engine_docker_root(NULL, roots[0], sizeof(roots[0]));
	n = 1 + dockerd_roots(s, roots + 1, 8);
	for (size_t i = 0; i < n; i++)
		docker[i] = roots[i];
	nsinfo__engine_graphroot(0, NULL, NULL, graphroot, sizeof(graphroot));
	graph[0] = graphroot;
	r = nsinfo__engine_each_stored(docker, graph, stopped_one, &w) == 1;
	free(roots);
	return r;
}

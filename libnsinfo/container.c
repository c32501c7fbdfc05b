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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "holders.h"

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
		if (m)
			return m > 0;
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
					*out = tmp;
					return 1;
				}
			}
			l = nl ? nl + 1 : NULL;
		}
	}
	return 0;
}

/* ------------------------------------------------------ the snapshot pass */

static int add_container(struct nsinfo_snapshot *s, const char *runtime, const char *id,
			 const char *name, const char *pod)
{
	struct nsinfo_container *c;

	for (size_t i = 0; i < s->ncontainers; i++)
		if (!strcmp(s->containers[i].runtime, runtime) && !strcmp(s->containers[i].id, id))
			return (int)i;
	if (nsinfo__grow((void **)&s->containers, &s->containers_cap, s->ncontainers + 1,
			 sizeof(*s->containers)))
		return -ENOMEM;
	c = &s->containers[s->ncontainers];
	c->runtime = nsinfo__strdup(s, runtime);
	c->id = nsinfo__strdup(s, id);
	c->name = name ? nsinfo__strdup(s, name) : NULL;
	c->pod = pod && *pod ? nsinfo__strdup(s, pod) : NULL;
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

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < s->nprocs; i++) {
		struct nsinfo_proc *p = &s->procs[i];
		struct nsinfo__cgroup_id id;
		int c;

		if (p->flags & (NSINFO_PROC_ZOMBIE | NSINFO_PROC_KTHREAD))
			continue;
		snprintf(rel, sizeof(rel), "%d/cgroup", (int)p->pid);
		if (nsinfo__read_at(procfd, rel, buf, CGROUP_BUF) < 0)
			continue;
		known[i] = 1;
		if (!nsinfo__cgroup_identify(buf, &id))
			continue;
		c = add_container(s, id.runtime, id.id, NULL, id.pod);
		if (c < 0) {
			free(buf);
			return c;
		}
		p->container = c;
	}
	free(buf);
	return 0;
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

/* A container for a pid namespace whose init says container=X; -1 none. */
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
	return add_container(s, env_runtime(v), id, host, NULL);
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
 */
#define DOCKER_CONFIG "/var/lib/docker/containers/%s/config.v2.json"
static const char *const podman_lists[] = {
	"/var/lib/containers/storage/overlay-containers/containers.json",
	"/var/lib/containers/storage/overlay-containers/volatile-containers.json",
};

static json_object *json_load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	json_object *j;

	if (fd < 0)
		return NULL;
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

static json_object *docker_config(const char *id)
{
	char path[sizeof(DOCKER_CONFIG) + 256];

	snprintf(path, sizeof(path), DOCKER_CONFIG, id);
	return json_load(path);
}

static int docker_name(struct nsinfo_snapshot *s, struct nsinfo_container *c)
{
	json_object *j = docker_config(c->id);
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

static int podman_names(struct nsinfo_snapshot *s, const char *list)
{
	json_object *j = json_load(list);
	int r = 0;

	if (!j)
		return 0;
	for (size_t i = 0; i < json_array_len(j) && !r; i++) {
		const char *name, *id = podman_entry(json_object_array_get_idx(j, i), &name);

		for (size_t k = 0; id && k < s->ncontainers && !r; k++)
			if (!s->containers[k].name && !strcmp(s->containers[k].id, id))
				r = set_name(s, &s->containers[k], name);
	}
	json_object_put(j);
	return r;
}

static int container_names(struct nsinfo_snapshot *s)
{
	int podman = 0, r = 0;

	for (size_t i = 0; i < s->ncontainers && !r; i++) {
		struct nsinfo_container *c = &s->containers[i];

		if (!strcmp(c->runtime, "docker"))
			r = docker_name(s, c);
		/* cri-o shares podman's storage and its list */
		podman |= !strcmp(c->runtime, "podman") || !strcmp(c->runtime, "cri-o");
	}
	for (size_t i = 0; podman && !r && i < sizeof(podman_lists) / sizeof(podman_lists[0]); i++)
		r = podman_names(s, podman_lists[i]);
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
	if (procfd < 0)
		return 0; /* the scan itself just used it: gone means nothing to add */
	known = calloc(s->nprocs ? s->nprocs : 1, 1);
	r = known ? from_cgroups(s, procfd, known) : -ENOMEM;
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

NSINFO_EXPORT int nsinfo_snapshot_find_container(const struct nsinfo_snapshot *s,
						 const char *name)
{
	int found = -ENOENT;
	size_t len;

	if (!s || !name || !*name)
		return -EINVAL;
	len = strlen(name);
	/* exact names (not unique across runtimes, nor for hostnames), ids */
	for (size_t i = 0; i < s->ncontainers; i++) {
		const struct nsinfo_container *c = &s->containers[i];

		if (!(c->name && !strcmp(c->name, name)) && strcmp(c->id, name))
			continue;
		if (found >= 0)
			return -ENOTUNIQ;
		found = (int)i;
	}
	if (found >= 0)
		return found;
	for (size_t i = 0; i < s->ncontainers; i++) {
		if (strncmp(s->containers[i].id, name, len))
			continue;
		if (found >= 0)
			return -ENOTUNIQ;
		found = (int)i;
	}
	return found;
}

/* ------------------------------------------------ one process, no scan */

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* The runtime's name for one container, as container_names() finds it. */
static void lookup_name(struct nsinfo_container_info *out)
{
	json_object *j;

	if (!strcmp(out->runtime, "docker")) {
		if ((j = docker_config(out->id))) {
			copy_str(out->name, sizeof(out->name), docker_config_name(j));
			json_object_put(j);
		}
		return;
	}
	if (strcmp(out->runtime, "podman") && strcmp(out->runtime, "cri-o"))
		return;
	for (size_t l = 0; l < sizeof(podman_lists) / sizeof(podman_lists[0]) && !out->name[0]; l++) {
		if (!(j = json_load(podman_lists[l])))
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
	char rel[32], *buf;
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
	close(dirfd);
	if (n < 0 || !nsinfo__cgroup_identify(buf, &id)) {
		free(buf);
		return n == -ENOENT ? -ESRCH : n < 0 ? (int)n : -ENOENT;
	}
	free(buf);
	memset(out, 0, sizeof(*out));
	copy_str(out->runtime, sizeof(out->runtime), id.runtime);
	copy_str(out->id, sizeof(out->id), id.id);
	copy_str(out->pod, sizeof(out->pod), id.pod);
	lookup_name(out);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container engines' own files, read without their daemons (engines.h).
 *
 * Layouts (as the engines write them; the fixtures in tests/fixtures/oci/
 * and tests/fixtures/engines/ say where each copy came from):
 *   runc      ROOT/ID/state.json  {"config": {"labels": ["k=v", ..., "bundle=DIR"]}}
 *             ROOT: /run/runc (runc, podman), /run/containerd/runc/NS
 *             (containerd shims), EXEC/runtime-runc/NS (dockerd), /run/user/UID/runc
 *   crun      ROOT/ID/status      {"bundle": DIR, ...}
 *   bundle    DIR/config.json     {"annotations": {...}, "mounts": [...]}
 *   docker    DATA/containers/ID/config.v2.json {"Name": "/web", "Config": {"Image"},
 *             "State": {"Running"}}
 *   podman    GRAPH/overlay-containers/containers.json [{"id", "names", "metadata":
 *             "{\"image-name\": ...}"}]
 *   podman    a pod: its id from the bundle's linux.cgroupsPath ("/libpod_parent/<pod>/
 *   pods      libpod-<id>", systemd "...libpod_pod_<pod>.slice:libpod:<id>"), its
 *             name only in GRAPH/libpod/bolt_state.db (bbolt, bolt.c): bucket "pod",
 *             bucket <pod id>, key "config" {"id", "name"}. Not the SandboxID
 *             annotation (a member's names the infra container; only an
 *             infra-less pod's names the pod), not the hostname (a default only).
 *   CRI       containerd io.kubernetes.cri.{container-name,sandbox-name,
 *             sandbox-namespace,sandbox-uid,container-type,image-name}
 *             CRI-O io.kubernetes.{pod.name,pod.namespace,pod.uid,container.name},
 *             io.kubernetes.cri-o.{ContainerType,ImageName}
 *   LXC       LXCPATH/NAME/config  (lxc.uts.name = ..., lxc.rootfs.path = ...)
 *   nspawn    /run/systemd/machines/NAME  (NAME=, SCOPE=, CLASS=container, SERVICE=)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "compat.h"
#include "enrich/engines.h"

#define JSON_DEPTH 32

/* c/storage keeps one list per storage driver: GRAPH/DRIVER-containers/ */
static const char *const podman_drivers[] = { "overlay", "vfs", "btrfs", "zfs", "aufs", "devmapper" };
static const char *const podman_lists[] = { "containers.json", "volatile-containers.json" };

/* path opened O_RDONLY with no symlink followed anywhere in it */
static int open_nofollow(const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (!path || path[0] != '/')
		return -EINVAL;
	fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	return fd < 0 ? -errno : (int)fd;
}

/* The whole regular file owned by owner, at most max bytes, NUL-ended;
 * free() it. NULL on failure. */
static char *read_file(const char *path, uid_t owner, size_t max, size_t *lenp)
{
	int fd = open_nofollow(path);
	struct stat st;
	char *buf = NULL;
	size_t len = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != owner ||
	    (size_t)st.st_size > max || !(buf = malloc((size_t)st.st_size + 1)))
		goto out;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	if (lenp)
		*lenp = len;
out:
	close(fd);
	return buf;
}

/* JSON text of len bytes (not necessarily NUL-ended), strict, nesting
 * bounded; NULL if it is not one whole JSON value */
static json_object *json_parse(const char *text, size_t len)
{
	struct json_tokener *tok;
	json_object *o;

	if (len > INT_MAX || !(tok = json_tokener_new_ex(JSON_DEPTH)))
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

json_object *nsinfo__json_file(const char *path, uid_t owner, size_t max)
{
	size_t len = 0;
	char *text = read_file(path, owner, max, &len);
	json_object *o = text ? json_parse(text, len) : NULL;

	free(text);
	return o;
}

const char *nsinfo__json_str(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : NULL;
}

static void set(char *dst, size_t len, const char *v)
{
	if (v && *v && !*dst)
		snprintf(dst, len, "%s", v);
}
#define SET(field, v) set(out->field, sizeof(out->field), (v))

/* One annotation */
static void annotation(const char *k, const char *v, struct nsinfo__engine_info *out)
{
	static const struct {
		const char *key;
		size_t off, len;
	} map[] = {
#define F(key, f) { key, offsetof(struct nsinfo__engine_info, f), sizeof(((struct nsinfo__engine_info *)0)->f) }
		/* containerd's CRI plugin */
		F("io.kubernetes.cri.container-name", k8s_container),
		F("io.kubernetes.cri.sandbox-name", pod_name),
		F("io.kubernetes.cri.sandbox-namespace", pod_ns),
		F("io.kubernetes.cri.sandbox-uid", pod_uid),
		F("io.kubernetes.cri.image-name", image),
		/* CRI-O (labels the kubelet passes on, and its own) */
		F("io.kubernetes.container.name", k8s_container),
		F("io.kubernetes.pod.name", pod_name),
		F("io.kubernetes.pod.namespace", pod_ns),
		F("io.kubernetes.pod.uid", pod_uid),
		F("io.kubernetes.cri-o.ImageName", image),
		/* CRI-O's sandbox, and podman's pod (it reuses CRI-O's key) */
		F("io.kubernetes.cri-o.SandboxID", sandbox_id),
		F("io.kubernetes.cri.sandbox-id", sandbox_id),
#undef F
	};

	/* CRI-O keeps the kubelet's labels (pod name, namespace, uid, container
	 * name) of a container as one JSON text */
	if (!strcmp(k, "io.kubernetes.cri-o.Labels")) {
		struct json_tokener *tok = strlen(v) <= 65536 ? json_tokener_new_ex(4) : NULL;
		json_object *l = tok ? json_tokener_parse_ex(tok, v, (int)strlen(v)) : NULL;

		if (l && json_tokener_get_error(tok) == json_tokener_success &&
		    json_object_is_type(l, json_type_object)) {
			json_object_object_foreach(l, lk, lv)
				if (json_object_is_type(lv, json_type_string) &&
				    strcmp(lk, "io.kubernetes.cri-o.Labels"))
					annotation(lk, json_object_get_string(lv), out);
		}
		json_object_put(l);
		if (tok)
			json_tokener_free(tok);
		return;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(k, map[i].key)) {
			set((char *)out + map[i].off, map[i].len, v);
			return;
		}
	if ((!strcmp(k, "io.kubernetes.cri.container-type") ||
	     !strcmp(k, "io.kubernetes.cri-o.ContainerType")) && !strcmp(v, "sandbox"))
		out->sandbox = true;
}

void nsinfo__engine_annotations(json_object *ann, struct nsinfo__engine_info *out)
{
	if (!ann || !json_object_is_type(ann, json_type_object))
		return;
	json_object_object_foreach(ann, k, v)
		if (json_object_is_type(v, json_type_string))
			annotation(k, json_object_get_string(v), out);
}

void nsinfo__engine_labels(json_object *labels, struct nsinfo__engine_info *out)
{
	size_t n = labels && json_object_is_type(labels, json_type_array)
			   ? json_object_array_length(labels) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(labels, i);
		const char *kv = json_object_is_type(e, json_type_string) ? json_object_get_string(e)
									   : NULL;
		const char *eq = kv ? strchr(kv, '=') : NULL;
		char key[128];

		if (!eq || (size_t)(eq - kv) >= sizeof(key))
			continue;
		memcpy(key, kv, (size_t)(eq - kv));
		key[eq - kv] = 0;
		if (!strcmp(key, "bundle"))
			SET(bundle, eq + 1);
		else
			annotation(key, eq + 1, out);
	}
}

static bool id_ok(const char *id)
{
	return id && *id && !strchr(id, '/') && strcmp(id, ".") && strcmp(id, "..") &&
	       strlen(id) < 256;
}

/* path without its last n components ("/a/b/c", 2 -> "/a"); false if it
 * has fewer, or they differ from want[] (NULL = any) */
static bool strip_tail(const char *path, const char *const *want, int n, char *buf, size_t len)
{
	size_t l = strlen(path);

	while (l > 1 && path[l - 1] == '/')
		l--;
	for (int i = n - 1; i >= 0; i--) {
		size_t e = l;

		while (l > 0 && path[l - 1] != '/')
			l--;
		if (!l || (want[i] && (e - l != strlen(want[i]) || strncmp(path + l, want[i], e - l))))
			return false;
		while (l > 1 && path[l - 1] == '/')
			l--;
	}
	if (l >= len || l < 1)
		return false;
	memcpy(buf, path, l);
	buf[l] = 0;
	return true;
}

static bool hex64(const char *p, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* podman's pod of container id from the spec's linux.cgroupsPath: the pod's
 * cgroup is the container's parent, named by the pod id (cgroupfs:
 * "PARENT/<podid>/libpod-<id>"; systemd: "...libpod_pod_<podid>.slice:libpod:<id>") */
static void podman_pod_cgroup(const char *cg, const char *id, struct nsinfo__engine_info *out)
{
	size_t cl = strlen(cg), il = strlen(id);
	const char *p;

	if (cl > il + 8 && !strcmp(cg + cl - il, id) && !strncmp(cg + cl - il - 8, ":libpod:", 8)) {
		const char *end = cg + cl - il - 8;   /* the slice ends here */

		if (end - cg >= 11 + 64 + 6 && !strncmp(end - 6, ".slice", 6) &&
		    !strncmp(end - 6 - 64 - 11, "libpod_pod_", 11) && hex64(end - 6 - 64, 64))
			snprintf(out->pod_id, sizeof(out->pod_id), "%.64s", end - 6 - 64);
		return;
	}
	if (cl < il + 7 + 66 || strcmp(cg + cl - il, id) || strncmp(cg + cl - il - 7, "libpod-", 7))
		return;
	p = cg + cl - il - 7;   /* "libpod-<id>", after "/<podid>/" */
	if (p[-1] == '/' && p[-66] == '/' && hex64(p - 65, 64))
		snprintf(out->pod_id, sizeof(out->pod_id), "%.64s", p - 65);
}

int nsinfo__engine_bundle(const char *bundle, const char *id, uid_t owner,
			  struct nsinfo__engine_info *out)
{
	char path[PATH_MAX + 16];
	json_object *j, *v;

	if (!bundle || bundle[0] != '/' || !id_ok(id))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (!(j = nsinfo__json_file(path, owner, NSINFO__CONFIG_MAX)))
		return -ENOENT;
	SET(bundle, bundle);
	if (json_object_object_get_ex(j, "linux", &v) && !out->pod_id[0]) {
		const char *cg = nsinfo__json_str(v, "cgroupsPath");

		if (cg)
			podman_pod_cgroup(cg, id, out);
	}
	if (json_object_object_get_ex(j, "annotations", &v))
		nsinfo__engine_annotations(v, out);
	/* docker bind-mounts DATA/containers/ID/hostname on /etc/hostname */
	if (json_object_object_get_ex(j, "mounts", &v) && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *m = json_object_array_get_idx(v, i);
			const char *dst = nsinfo__json_str(m, "destination");
			const char *src = nsinfo__json_str(m, "source");
			const char *const tail[] = { "containers", id, "hostname" };

			if (dst && src && !strcmp(dst, "/etc/hostname") && src[0] == '/' &&
			    !out->data_root[0])
				strip_tail(src, tail, 3, out->data_root, sizeof(out->data_root));
		}
	}
	json_object_put(j);
	/* podman (and CRI-O): GRAPH/DRIVER-containers/ID/userdata */
	for (size_t i = 0; !out->graphroot[0] && i < sizeof(podman_drivers) / sizeof(podman_drivers[0]);
	     i++) {
		char dir[64];
		const char *const tail[] = { dir, id, "userdata" };

		snprintf(dir, sizeof(dir), "%s-containers", podman_drivers[i]);
		strip_tail(bundle, tail, 3, out->graphroot, sizeof(out->graphroot));
	}
	return 0;
}

int nsinfo__engine_oci_state(const char *root, const char *id, uid_t owner,
			     struct nsinfo__engine_info *out)
{
	char path[PATH_MAX + 300];
	json_object *j, *cfg, *labels;

	if (!root || !id_ok(id))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	if ((j = nsinfo__json_file(path, owner, NSINFO__CONFIG_MAX))) {
		if (json_object_object_get_ex(j, "config", &cfg) &&
		    json_object_object_get_ex(cfg, "labels", &labels))
			nsinfo__engine_labels(labels, out);
		json_object_put(j);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s/status", root, id);
	if ((j = nsinfo__json_file(path, owner, NSINFO__CONFIG_MAX))) {
		SET(bundle, nsinfo__json_str(j, "bundle"));
		json_object_put(j);
		return 0;
	}
	return -ENOENT;
}

/* ROOT/NS/ID for every NS under root */
static int state_in_namespaces(const char *root, const char *id, uid_t owner,
			       struct nsinfo__engine_info *out)
{
	int fd = open_nofollow(root), r = -ENOENT;
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return -ENOENT;
	/* open_nofollow opened it O_RDONLY: a directory is fine for fdopendir */
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -ENOENT;
	}
	while (r && (e = readdir(d))) {
		char sub[PATH_MAX];

		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", root, e->d_name);
		r = nsinfo__engine_oci_state(sub, id, owner, out);
	}
	closedir(d);
	return r;
}

int nsinfo__engine_find_state(const char *id, uid_t owner, struct nsinfo__engine_info *out)
{
	char dir[128];

	if (!id_ok(id))
		return -EINVAL;
	if (owner != 0) {
		static const char *const user_roots[] = { "runc", "crun" };

		for (size_t i = 0; i < sizeof(user_roots) / sizeof(user_roots[0]); i++) {
			snprintf(dir, sizeof(dir), "/run/user/%u/%s", (unsigned)owner, user_roots[i]);
			if (!nsinfo__engine_oci_state(dir, id, owner, out))
				return 0;
		}
		return -ENOENT;
	}
	if (!nsinfo__engine_oci_state("/run/runc", id, 0, out) ||
	    !nsinfo__engine_oci_state("/run/crun", id, 0, out) ||
	    !state_in_namespaces("/run/containerd/runc", id, 0, out) ||
	    !state_in_namespaces("/run/docker/runtime-runc", id, 0, out))
		return 0;
	return -ENOENT;
}

int nsinfo__engine_docker(const char *data_root, const char *id, uid_t owner,
			  struct nsinfo__engine_info *out)
{
	char path[PATH_MAX + 320];
	json_object *j, *cfg, *st, *run;
	const char *name;

	if (!data_root || data_root[0] != '/' || !id_ok(id))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", data_root, id);
	if (!(j = nsinfo__json_file(path, owner, NSINFO__STATE_MAX)))
		return -ENOENT;
	name = nsinfo__json_str(j, "Name");
	SET(name, name && *name == '/' ? name + 1 : name);
	if (json_object_object_get_ex(j, "Config", &cfg))
		SET(image, nsinfo__json_str(cfg, "Image"));
	if (json_object_object_get_ex(j, "State", &st) &&
	    json_object_object_get_ex(st, "Running", &run) &&
	    json_object_is_type(run, json_type_boolean))
		out->stopped = !json_object_get_boolean(run);
	json_object_put(j);
	return 0;
}


/* The image name in a podman entry's "metadata" (a JSON text itself) */
static void podman_image(json_object *e, struct nsinfo__engine_info *out)
{
	const char *meta = nsinfo__json_str(e, "metadata");
	struct json_tokener *tok;
	json_object *m;

	if (!meta || strlen(meta) > 65536 || !(tok = json_tokener_new_ex(JSON_DEPTH)))
		return;
	m = json_tokener_parse_ex(tok, meta, (int)strlen(meta));
	if (m && json_tokener_get_error(tok) == json_tokener_success)
		SET(image, nsinfo__json_str(m, "image-name"));
	json_object_put(m);
	json_tokener_free(tok);
}

static const char *podman_first_name(json_object *e)
{
	json_object *names;

	if (!json_object_object_get_ex(e, "names", &names) ||
	    !json_object_is_type(names, json_type_array) || !json_object_array_length(names))
		return NULL;
	names = json_object_array_get_idx(names, 0);
	return json_object_is_type(names, json_type_string) ? json_object_get_string(names) : NULL;
}

/* Each entry of a podman root's lists; fn's non-zero return ends it */
static int podman_each(const char *graphroot, uid_t owner,
		       int (*fn)(json_object *e, const char *id, void *arg), void *arg)
{
	char path[PATH_MAX + 64];
	int r = 0;

	if (!graphroot || graphroot[0] != '/')
		return -EINVAL;
	for (size_t l = 0; !r && l < 2 * sizeof(podman_drivers) / sizeof(podman_drivers[0]); l++) {
		json_object *j;

		snprintf(path, sizeof(path), "%s/%s-containers/%s", graphroot, podman_drivers[l / 2],
			 podman_lists[l % 2]);
		if (!(j = nsinfo__json_file(path, owner, NSINFO__STATE_MAX)))
			continue;
		for (size_t i = 0; !r && json_object_is_type(j, json_type_array) &&
				   i < json_object_array_length(j); i++) {
			json_object *e = json_object_array_get_idx(j, i);
			const char *id = nsinfo__json_str(e, "id");

			if (id)
				r = fn(e, id, arg);
		}
		json_object_put(j);
	}
	return r;
}

struct podman_want {
	const char *id;
	struct nsinfo__engine_info *out;
};

static int podman_one(json_object *e, const char *id, void *arg)
{
	struct podman_want *w = arg;
	struct nsinfo__engine_info *out = w->out;

	if (strcmp(id, w->id))
		return 0;
	SET(name, podman_first_name(e));
	podman_image(e, out);
	return 1;
}

int nsinfo__engine_podman(const char *graphroot, const char *id, uid_t owner,
			  struct nsinfo__engine_info *out)
{
	struct podman_want w = { id, out };

	return podman_each(graphroot, owner, podman_one, &w) == 1 ? 0 : -ENOENT;
}

int nsinfo__engine_podman_pod(const char *graphroot, uid_t owner, struct nsinfo__engine_info *out)
{
	const char *want = out->pod_id[0] ? out->pod_id : out->sandbox_id;
	const char *path_in[2] = { "pod", want };
	char path[PATH_MAX + 32];
	const void *v;
	size_t len = 0, vlen;
	char *db;
	json_object *cfg = NULL;
	const char *cid, *name;
	int r;

	if (!graphroot || graphroot[0] != '/' || !hex64(want, strlen(want)))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/libpod/bolt_state.db", graphroot);
	if (!(db = read_file(path, owner, NSINFO__STATE_MAX, &len)))
		return -ENOENT;
	r = nsinfo__bolt_get(db, len, path_in, 2, "config", &v, &vlen);
	if (!r && vlen <= NSINFO__CONFIG_MAX)
		cfg = json_parse(v, vlen);
	if (!r && !json_object_is_type(cfg, json_type_object))
		r = -EINVAL;
	cid = nsinfo__json_str(cfg, "id");
	name = nsinfo__json_str(cfg, "name");
	if (!r && (!cid || strcmp(cid, want) || !name || !*name))
		r = -EINVAL;
	if (!r) {
		SET(pod_id, want);
		SET(pod_name, name);
	}
	json_object_put(cfg);
	free(db);
	return r;
}

int nsinfo__storage_conf_graphroot(const char *text, char *buf, size_t len)
{
	bool in_storage = false;

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n'), *p = l, *q;
		size_t n = nl ? (size_t)(nl - l) : strlen(l);

		while (p < l + n && (*p == ' ' || *p == '\t'))
			p++;
		if (*p == '[')
			in_storage = !strncmp(p, "[storage]", 9);
		else if (in_storage && !strncmp(p, "graphroot", 9)) {
			p += 9;
			while (p < l + n && (*p == ' ' || *p == '\t'))
				p++;
			if (p < l + n && *p == '=') {
				p++;
				while (p < l + n && (*p == ' ' || *p == '\t'))
					p++;
				if (p < l + n && (*p == '"' || *p == '\'') &&
				    (q = memchr(p + 1, *p, (size_t)(l + n - p - 1))) &&
				    (size_t)(q - p - 1) < len && q > p + 1 && p[1] == '/') {
					memcpy(buf, p + 1, (size_t)(q - p - 1));
					buf[q - p - 1] = 0;
					return 0;
				}
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

static bool conf_graphroot(const char *path, uid_t owner, char *buf, size_t len)
{
	char *text = read_file(path, owner, 1u << 20, NULL);
	bool found = text && !nsinfo__storage_conf_graphroot(text, buf, len);

	free(text);
	return found;
}

void nsinfo__engine_graphroot(uid_t owner, const char *home, const char *conf_dir, char *buf,
			      size_t len)
{
	char path[PATH_MAX];

	if (owner != 0 && home) {
		snprintf(path, sizeof(path), "%s/.config/containers/storage.conf", home);
		if (conf_graphroot(path, owner, buf, len))
			return;
		snprintf(buf, len, "%s/.local/share/containers/storage", home);
		return;
	}
	snprintf(path, sizeof(path), "%s/storage.conf", conf_dir ? conf_dir : "/etc/containers");
	if (conf_graphroot(path, 0, buf, len))
		return;
	snprintf(path, sizeof(path), "%s/storage.conf",
		 conf_dir ? conf_dir : "/usr/share/containers");
	if (conf_graphroot(path, 0, buf, len))
		return;
	snprintf(buf, len, "/var/lib/containers/storage");
}

void nsinfo__engine_docker_root(const char *conf, char *buf, size_t len)
{
	json_object *j = nsinfo__json_file(conf ? conf : "/etc/docker/daemon.json", 0, 1u << 20);
	const char *root = nsinfo__json_str(j, "data-root");

	if (!root)
		root = nsinfo__json_str(j, "graph"); /* before docker 17.05 */
	snprintf(buf, len, "%s", root && root[0] == '/' ? root : "/var/lib/docker");
	json_object_put(j);
}

/* KEY=VALUE / key = value text: value of key into buf; false if absent */
static bool kv_get(const char *text, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n'), *p = l;
		size_t n = nl ? (size_t)(nl - l) : strlen(l);

		while (p < l + n && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(l + n - p) > kl && !strncmp(p, key, kl)) {
			p += kl;
			while (p < l + n && (*p == ' ' || *p == '\t'))
				p++;
			if (p < l + n && *p == '=') {
				size_t vl;

				p++;
				while (p < l + n && (*p == ' ' || *p == '\t'))
					p++;
				vl = (size_t)(l + n - p);
				if (vl >= len)
					vl = len - 1;
				memcpy(buf, p, vl);
				buf[vl] = 0;
				return true;
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return false;
}

int nsinfo__engine_lxc(const char *lxcpath, const char *name, struct nsinfo__engine_info *out)
{
	char path[PATH_MAX + 300], *text;

	if (!id_ok(name))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s/config", lxcpath ? lxcpath : "/var/lib/lxc", name);
	if (!(text = read_file(path, 0, 1u << 20, NULL)))
		return -ENOENT;
	SET(name, name);
	/* images made by lxc-create's download template say which one */
	{
		char v[256] = "";

		if (kv_get(text, "lxc.include", v, sizeof(v)) && strstr(v, "/usr/share/lxc/config/"))
			SET(image, v + strlen("/usr/share/lxc/config/"));
	}
	free(text);
	return 0;
}

int nsinfo__engine_nspawn(const char *machines_dir, const char *name,
			  struct nsinfo__engine_info *out)
{
	char path[PATH_MAX + 300], *text, v[256];
	int r = -ENOENT;

	if (!id_ok(name))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", machines_dir ? machines_dir : "/run/systemd/machines",
		 name);
	if (!(text = read_file(path, 0, 1u << 20, NULL)))
		return -ENOENT;
	if (kv_get(text, "CLASS", v, sizeof(v)) && !strcmp(v, "container")) {
		r = 0;
		SET(name, name);
		if (kv_get(text, "ROOT", v, sizeof(v)))
			SET(image, v);
	}
	free(text);
	return r;
}

/* The argument after flag in a NUL-separated command line */
static bool arg_after(const char *cmd, size_t len, const char *flag, char *buf, size_t blen)
{
	size_t fl = strlen(flag);

	for (size_t off = 0; off < len; off += strnlen(cmd + off, len - off) + 1) {
		const char *a = cmd + off;
		size_t al = strnlen(a, len - off);

		if (al == fl && !strncmp(a, flag, fl) && off + al + 1 < len) {
			const char *v = a + al + 1;

			snprintf(buf, blen, "%.*s", (int)strnlen(v, len - off - al - 1), v);
			return true;
		}
		/* --flag=value */
		if (al > fl + 1 && !strncmp(a, flag, fl) && a[fl] == '=') {
			snprintf(buf, blen, "%.*s", (int)(al - fl - 1), a + fl + 1);
			return true;
		}
	}
	return false;
}

int nsinfo__engine_monitor(const char *comm, const char *cmdline, size_t len,
			   struct nsinfo__monitor *out)
{
	memset(out, 0, sizeof(*out));
	if (!comm || !cmdline)
		return -EINVAL;
	/* containerd-shim-runc-v2 (comm is cut to 15 bytes) */
	if (!strncmp(comm, "containerd-shim", 15)) {
		if (!arg_after(cmdline, len, "-id", out->id, sizeof(out->id)) ||
		    !arg_after(cmdline, len, "-namespace", out->ns, sizeof(out->ns)))
			return -ENOENT;
		out->runtime = "containerd";
	} else if (!strcmp(comm, "conmon")) {
		if (!arg_after(cmdline, len, "-c", out->id, sizeof(out->id)) &&
		    !arg_after(cmdline, len, "--cid", out->id, sizeof(out->id)))
			return -ENOENT;
		if (!arg_after(cmdline, len, "-n", out->name, sizeof(out->name)))
			arg_after(cmdline, len, "--name", out->name, sizeof(out->name));
		if (!arg_after(cmdline, len, "-b", out->bundle, sizeof(out->bundle)))
			arg_after(cmdline, len, "--bundle", out->bundle, sizeof(out->bundle));
		out->runtime = "podman";
	} else {
		return -ENOENT;
	}
	return id_ok(out->id) ? 0 : -ENOENT;
}

struct stored_walk {
	int (*fn)(const char *runtime, const char *id, const char *name, void *arg);
	void *arg;
};

static int stored_podman(json_object *e, const char *id, void *arg)
{
	struct stored_walk *w = arg;
	const char *name = podman_first_name(e);

	return name ? w->fn("podman", id, name, w->arg) : 0;
}

int nsinfo__engine_each_stored(const char *const *docker_roots, const char *const *graphroots,
			       int (*fn)(const char *runtime, const char *id, const char *name,
					 void *arg),
			       void *arg)
{
	struct stored_walk w = { fn, arg };
	int r = 0;

	for (size_t i = 0; !r && docker_roots && docker_roots[i]; i++) {
		char dir[PATH_MAX];
		struct dirent *e;
		DIR *d;
		int fd;

		snprintf(dir, sizeof(dir), "%s/containers", docker_roots[i]);
		if ((fd = open_nofollow(dir)) < 0)
			continue;
		if (!(d = fdopendir(fd))) {
			close(fd);
			continue;
		}
		while (!r && (e = readdir(d))) {
			struct nsinfo__engine_info info = { 0 };

			/* docker's state says whether it runs: only a stopped one */
			if (e->d_name[0] == '.' ||
			    nsinfo__engine_docker(docker_roots[i], e->d_name, 0, &info) || !info.name[0] ||
			    !info.stopped)
				continue;
			r = fn("docker", e->d_name, info.name, arg);
		}
		closedir(d);
	}
	for (size_t i = 0; !r && graphroots && graphroots[i]; i++)
		r = podman_each(graphroots[i], 0, stored_podman, &w);
	return r;
}

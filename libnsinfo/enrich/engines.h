/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What container engines write about their containers, read without a
 * daemon (internal; engines.c): OCI runtime state (runc/crun state dirs),
 * the OCI bundle's config.json and its annotations (CRI: containerd and
 * CRI-O; podman), docker's config.v2.json, podman's containers.json and
 * storage.conf, the monitor processes (containerd shims, conmon), LXC and
 * systemd-nspawn state. Every file is opened without following a symlink
 * anywhere in its path, must be a regular file owned by the uid that the
 * evidence is expected from, and is read bounded.
 */
#ifndef NSINFO_ENGINES_H
#define NSINFO_ENGINES_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include <json-c/json.h>

/* What the engine's files say about one container */
struct nsinfo__engine_info {
	char name[256];
	char image[256];
	char pod_name[256];       /* Kubernetes or podman pod name */
	char pod_ns[256];         /* Kubernetes namespace */
	char pod_uid[64];
	char sandbox_id[72];      /* the pod's sandbox (CRI; podman: its infra
				   * container, or the pod of an infra-less one) */
	char pod_id[72];          /* podman's pod id (its cgroup parent, checked
				   * against podman's database) */
	char k8s_container[256];  /* Kubernetes container name */
	char bundle[PATH_MAX];    /* the OCI bundle, "" unknown */
	char data_root[PATH_MAX]; /* docker's data root, from the bundle */
	char graphroot[PATH_MAX]; /* podman's storage, from the bundle */
	bool sandbox;             /* a pod's sandbox (pause) container */
	bool stopped;             /* the engine's state says it is not running */
};

#define NSINFO__STATE_MAX (64u << 20) /* largest state file read */
#define NSINFO__CONFIG_MAX (4u << 20) /* largest OCI config / state.json */

/* A JSON file owned by owner: opened with no symlink anywhere in path (nor
 * a magic link), a regular file of at most max bytes, parsed with a nesting
 * limit. NULL on any failure. */
json_object *nsinfo__json_file(const char *path, uid_t owner, size_t max);
/* A string member of o, NULL if absent or not a string */
const char *nsinfo__json_str(json_object *o, const char *key);

/* Fill out from OCI annotations (a JSON object of strings): CRI's
 * (containerd io.kubernetes.cri.*, CRI-O io.kubernetes.pod.* /
 * io.kubernetes.container.* / io.kubernetes.cri-o.*), podman's. Only
 * fields still empty are set. */
void nsinfo__engine_annotations(json_object *ann, struct nsinfo__engine_info *out);
/* The same from runc's state.json labels ("key=value" strings, the spec's
 * annotations plus "bundle=PATH"). */
void nsinfo__engine_labels(json_object *labels, struct nsinfo__engine_info *out);

/* The bundle's config.json (owned by owner): annotations, docker's data
 * root (the source of the /etc/hostname mount: DATA/containers/ID/hostname),
 * podman's graphroot (a bundle GRAPH/overlay-containers/ID/userdata).
 * 0 or -errno. */
int nsinfo__engine_bundle(const char *bundle, const char *id, uid_t owner,
			  struct nsinfo__engine_info *out);
/* The runtime state of container id under one runc/crun root directory
 * (ROOT/ID/state.json: runc; ROOT/ID/status: crun): bundle and labels.
 * 0 or -errno. */
int nsinfo__engine_oci_state(const char *root, const char *id, uid_t owner,
			     struct nsinfo__engine_info *out);
/* Look id up under the runtime state roots used for owner: /run/runc,
 * /run/crun, /run/containerd/runc/NS, /run/docker/runtime-runc/NS (root),
 * /run/user/UID/{runc,crun} (a user's, XDG_RUNTIME_DIR). 0 or -ENOENT. */
int nsinfo__engine_find_state(const char *id, uid_t owner, struct nsinfo__engine_info *out);

/* docker: DATA/containers/ID/config.v2.json: name, image, stopped. */
int nsinfo__engine_docker(const char *data_root, const char *id, uid_t owner,
			  struct nsinfo__engine_info *out);
/* podman / CRI-O: GRAPH/overlay-containers/{containers,volatile-containers}.json:
 * first name and the image name of container id. 0 or -ENOENT. */
int nsinfo__engine_podman(const char *graphroot, const char *id, uid_t owner,
			  struct nsinfo__engine_info *out);
/* podman's pod of a container whose bundle was read (pod_id from the
 * bundle's cgroupsPath, else a sandbox_id naming a pod): the pod's name,
 * from the pod's own config in podman's database
 * GRAPH/libpod/bolt_state.db (bucket "pod", the pod id's bucket, key
 * "config": JSON with "id" and "name"). Sets pod_id and pod_name when the
 * database has the pod. 0, -ENOENT, -errno. */
int nsinfo__engine_podman_pod(const char *graphroot, uid_t owner, struct nsinfo__engine_info *out);
/* The value of key in a bbolt file (db, len bytes) under the bucket path
 * (npath names, each a bucket nested in the one before): *val points into
 * db. 0; -ENOENT no such bucket or key; -ENOTDIR a path name is no
 * bucket; -EISDIR key is a bucket; -EINVAL not a bbolt file, or broken.
 * Parses the file as untrusted (bolt.c). */
int nsinfo__bolt_get(const void *db, size_t len, const char *const *path, size_t npath,
		     const char *key, const void **val, size_t *vlen);
/* podman's graphroot for owner: the storage.conf podman reads (a user's
 * ~/.config/containers/storage.conf, else /etc/containers/storage.conf,
 * else the built-in default). home is the user's home (NULL for root).
 * conf_dir overrides /etc/containers (tests). */
void nsinfo__engine_graphroot(uid_t owner, const char *home, const char *conf_dir, char *buf,
			      size_t len);
/* The "graphroot" of a storage.conf text ([storage] section); 0 or -ENOENT */
int nsinfo__storage_conf_graphroot(const char *text, char *buf, size_t len);
/* docker's data root for root: "data-root" of /etc/docker/daemon.json,
 * else /var/lib/docker. conf overrides the daemon.json path (tests). */
void nsinfo__engine_docker_root(const char *conf, char *buf, size_t len);

/* LXC: LXCPATH/NAME/config (lxc.uts.name, lxc.rootfs.path): 0 if the
 * container is defined there. nspawn: /run/systemd/machines/NAME
 * (CLASS=container, SCOPE=machine-NAME.scope): 0 if registered. */
int nsinfo__engine_lxc(const char *lxcpath, const char *name, struct nsinfo__engine_info *out);
int nsinfo__engine_nspawn(const char *machines_dir, const char *name,
			  struct nsinfo__engine_info *out);

/* A monitor process's claim, from its command line (NUL-separated, len
 * bytes): containerd-shim "-namespace NS -id ID", conmon "-c ID -n NAME -b
 * BUNDLE". runtime "containerd" or "podman"; 0, -ENOENT not a monitor. */
struct nsinfo__monitor {
	const char *runtime;
	char id[256];
	char ns[128];             /* containerd namespace */
	char name[256];
	char bundle[PATH_MAX];
};
int nsinfo__engine_monitor(const char *comm, const char *cmdline, size_t len,
			   struct nsinfo__monitor *out);

/* Every container an engine keeps that may be stopped: docker's whose
 * config.v2.json says State.Running false (under docker_roots), podman's
 * listed in containers.json (podman keeps its states in a database; the
 * caller checks it is not running), for the name of a stopped container:
 * calls fn(runtime, id, name, arg) for each; the first non-zero return
 * ends it and is returned. */
int nsinfo__engine_each_stored(const char *const *docker_roots, const char *const *graphroots,
			       int (*fn)(const char *runtime, const char *id, const char *name,
					 void *arg),
			       void *arg);

#endif

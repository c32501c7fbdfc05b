/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Engine state read without a daemon (libnsinfo/enrich/engines.c), on the
 * fixture trees of tests/fixtures/oci (see its README for where each file
 * came from): runc and crun state, OCI bundles and their CRI / podman
 * annotations, docker's config.v2.json and data root, podman's
 * containers.json and storage.conf, LXC and nspawn registrations, monitor
 * command lines; files owned by someone else, symlinks and oversized
 * files refused. Then the files real engines wrote on this host, as
 * tests/fixtures/engines captured them (podman root and rootless, docker,
 * containerd's CRI, CRI-O from its source, LXC).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enrich/engines.h"
#include "tap.h"

#define P "98fd34f9dd3181a74ce73633461ead1c59e7cd98657a7e322792cc2ab86c1637"
#define D "df82290f8556fc7eada60cfd1033b6ce803396038da1694a7369ab993522b6d9"
#define S "5a1d0c6c0b5b4b7e9e7e39a1f0d4a5c7e2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7"
#define C "0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"
#define PS "7c3e2a1b0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29181716151413121110"
#define O "3b2a19f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c"

static char root[256];
static uid_t me;

static const char *at(const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", root, rel);
	return buf[k];
}

static int copy_tree(void)
{
	char cmd[2048];

	snprintf(root, sizeof(root), "/tmp/nst-oci.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "rm -rf '%s' && cp -r tests/fixtures/oci '%s' && "
		 "grep -rl @ROOT@ '%s' | xargs sed -i 's,@ROOT@,%s,g'", root, root, root, root);
	return system(cmd);
}

static void test_podman(void)
{
	struct nsinfo__engine_info in = { 0 };
	char graph[512];

	is(nsinfo__engine_oci_state(at("runc"), P, me, &in), 0, "runc state.json of a podman container");
	is_str(in.bundle, at("podman/graph/overlay-containers/" P "/userdata"),
	       "bundle= from its labels");
	is(nsinfo__engine_bundle(in.bundle, P, me, &in), 0, "its bundle's config.json");
	is_str(in.graphroot, at("podman/graph"), "graphroot from the bundle path");
	is_str(in.data_root, "", "no docker data root (the hostname mount is podman's own)");
	is(nsinfo__engine_podman(in.graphroot, P, me, &in), 0, "containers.json has it");
	is_str(in.name, "pweb1", "podman name");
	is_str(in.image, "localhost/nstools-busybox:test", "image name from the metadata");

	graph[0] = 0;
	nsinfo__engine_graphroot(0, NULL, at("podman"), graph, sizeof(graph));
	/* storage.conf must be root's: the fixture copy is the caller's */
	if (me == 0)
		is_str(graph, at("podman/graph"), "graphroot from storage.conf");
	else
		skip("[root] storage.conf is read only when root owns it");
	is(nsinfo__storage_conf_graphroot("[storage.options]\ngraphroot = \"/x\"\n", graph,
					  sizeof(graph)), -ENOENT, "graphroot outside [storage] is not taken");
	is(nsinfo__storage_conf_graphroot("[storage]\n  graphroot='/srv/c'\n", graph, sizeof(graph)), 0,
	   "single-quoted graphroot");
	is_str(graph, "/srv/c", "(its value)");
	is(nsinfo__storage_conf_graphroot("[storage]\ngraphroot = \"rel\"\n", graph, sizeof(graph)),
	   -ENOENT, "a relative graphroot is refused");
	nsinfo__engine_graphroot(1000, "/home/alice", "/nonexistent", graph, sizeof(graph));
	is_str(graph, "/home/alice/.local/share/containers/storage", "a user's default graphroot");
}

static void test_docker(void)
{
	struct nsinfo__engine_info in = { 0 };
	char dr[512];

	is(nsinfo__engine_bundle(at("docker/exec/containerd/daemon/io.containerd.runtime.v2.task/moby/" D),
				 D, me, &in), 0, "docker's shim bundle");
	is_str(in.data_root, at("docker/root"), "data root from the /etc/hostname mount source");
	is(nsinfo__engine_docker(in.data_root, D, me, &in), 0, "config.v2.json");
	is_str(in.name, "dweb1", "docker name without its slash");
	is_str(in.image, "nstools-busybox:test", "image as given to docker run");
	is(in.stopped, 0, "running");
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_docker(at("docker/root"), S, me, &in), 0, "a stopped container's config");
	is(in.stopped, 1, "State.Running false: stopped");
	is(nsinfo__engine_docker(at("docker/root"), "../" S, me, &in), -EINVAL, "an id with a slash is refused");
	nsinfo__engine_docker_root(at("docker/nonexistent.json"), dr, sizeof(dr));
	is_str(dr, "/var/lib/docker", "default data root");
	nsinfo__engine_docker_root(at("docker/daemon.json"), dr, sizeof(dr));
	if (me == 0)
		is_str(dr, at("docker/root"), "data-root from daemon.json");
	else
		skip("[root] daemon.json is read only when root owns it");
}

static void test_cri(void)
{
	struct nsinfo__engine_info in = { 0 };

	is(nsinfo__engine_oci_state(at("containerd/runc/k8s.io"), C, me, &in), 0,
	   "containerd's runc state (k8s.io namespace)");
	is_str(in.k8s_container, "api", "CRI container name from the state labels");
	is_str(in.pod_name, "web-7d9f", "pod name");
	is_str(in.pod_ns, "shop", "Kubernetes namespace");
	is_str(in.pod_uid, "1f0c2f4e-5d7a-4b8e-9c3f-2a6b8d0e4f11", "pod uid");
	is_str(in.image, "registry.example/api:1.4", "image");
	is(in.sandbox, 0, "a container, not the sandbox");
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_bundle(at("containerd/state/io.containerd.runtime.v2.task/k8s.io/" PS), PS, me,
				 &in), 0, "the sandbox's bundle");
	is(in.sandbox, 1, "container-type sandbox");
	is_str(in.pod_name, "web-7d9f", "the sandbox's pod");

	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_oci_state(at("crun"), O, me, &in), 0, "crun status");
	is_str(in.bundle, at("crio/userdata/" O), "bundle from crun's status");
	is(nsinfo__engine_bundle(in.bundle, O, me, &in), 0, "CRI-O's config.json");
	is_str(in.k8s_container, "db", "CRI-O container name");
	is_str(in.pod_name, "store-0", "CRI-O pod name");
	is_str(in.pod_ns, "shop", "CRI-O namespace");
	is_str(in.pod_uid, "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "CRI-O pod uid");
	is_str(in.image, "registry.example/db:16", "CRI-O image");
}

static void test_lxc_nspawn(void)
{
	struct nsinfo__engine_info in = { 0 };

	if (me != 0) {
		skip("[root] LXC and machined files are read only when root owns them");
		return;
	}
	is(nsinfo__engine_lxc(at("lxc"), "c1", &in), 0, "LXC container defined");
	is_str(in.image, "debian.common.conf", "its template's config");
	is(nsinfo__engine_lxc(at("lxc"), "c2", &in), -ENOENT, "an undefined LXC name");
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_nspawn(at("machines"), "deb1", &in), 0, "nspawn machine registered");
	is_str(in.image, "/var/lib/machines/deb1", "its root");
	is(nsinfo__engine_nspawn(at("machines"), "vm1", &in), -ENOENT, "a VM is no container");
}

static void test_monitors(void)
{
	static const char shim[] = "/usr/bin/containerd-shim-runc-v2\0-namespace\0k8s.io\0-id\0" C
				   "\0-address\0/run/containerd/containerd.sock";
	static const char conmon[] = "/usr/bin/conmon\0--api-version\0001\0-c\0" P "\0-u\0" P
				     "\0-r\0/usr/bin/runc\0-b\0/var/lib/containers/storage/x/userdata\0-n\0pweb1";
	struct nsinfo__monitor m;

	is(nsinfo__engine_monitor("containerd-shim", shim, sizeof(shim), &m), 0, "containerd shim");
	is_str(m.id, C, "shim -id");
	is_str(m.ns, "k8s.io", "shim -namespace");
	is_str(m.runtime, "containerd", "runtime containerd");
	is(nsinfo__engine_monitor("conmon", conmon, sizeof(conmon), &m), 0, "conmon");
	is_str(m.id, P, "conmon -c");
	is_str(m.name, "pweb1", "conmon -n");
	is_str(m.bundle, "/var/lib/containers/storage/x/userdata", "conmon -b");
	is(nsinfo__engine_monitor("bash", shim, sizeof(shim), &m), -ENOENT, "another command is none");
	is(nsinfo__engine_monitor("containerd-shim", "x\0-id\0../x", 11, &m), -ENOENT,
	   "a shim without a namespace is none");
}

static void test_refusals(void)
{
	char link[600], big[600], cmd[700];
	FILE *f;

	snprintf(link, sizeof(link), "%s/runc-link", root);
	ok(symlink(at("runc"), link) == 0, "(symlinked state root made)");
	{
		struct nsinfo__engine_info in = { 0 };

		is(nsinfo__engine_oci_state(link, P, me, &in), -ENOENT, "a symlink in the path is not followed");
		is(nsinfo__engine_oci_state(at("runc"), P, me + 1, &in), -ENOENT,
		   "a file owned by another uid is refused");
	}
	snprintf(big, sizeof(big), "%s/big/" P, root);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", big);
	ok(system(cmd) == 0, "(dir for an oversized state)");
	strcat(big, "/state.json");
	if ((f = fopen(big, "w"))) {
		fputc('[', f);
		fseek(f, NSINFO__CONFIG_MAX + 10, SEEK_SET);
		fputc(']', f);
		fclose(f);
	}
	{
		struct nsinfo__engine_info in = { 0 };

		is(nsinfo__engine_oci_state(at("big"), P, me, &in), -ENOENT, "an oversized file is refused");
	}
	snprintf(big, sizeof(big), "%s/deep.json", root);
	if ((f = fopen(big, "w"))) {
		for (int i = 0; i < 100; i++)
			fputc('[', f);
		for (int i = 0; i < 100; i++)
			fputc(']', f);
		fclose(f);
	}
	ok(nsinfo__json_file(big, me, 1 << 20) == NULL, "nesting past the limit is refused");
}

/* ------------- the engines' own files, captured (tests/fixtures/engines) */

static char eng[512];

static const char *fx(const char *rel)
{
	static char buf[4][1024];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", eng, rel);
	return buf[k];
}

#define EP "794513b28208709533ff8248050ad9a7d9901a9bbe254c26430bb6fef490079c"
#define EPOD "7928b3f1c46d56b7bcd79846bbfe529d59e7d2edfe907be5bf6c589344a10051"
#define ED "e3c660c1b741624d7b243d859f43b351cf00e281819ce34a636bf557aa7f25e1"
#define EK "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define EKS "5b1d2f3c4a6e7d8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"
#define EO "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define ER "c2a2fa5a10049681fdfc39592f11ef35b61705fa5ab24b389494bc7ad06be3e2"
/* podman-pod/IDS: pod shop, its infra container, member shop-api */
#define QPOD "7139a21c889ea559350ba3cfd8e9ad0c684232e9704b6b496ff21bc6b25b7057"
#define QINF "7ec96ceb11ed1266c3d13967a1d305abcf16367fff29fe73e70820ba06f2aab9"
#define QAPI "bac2098f7fc12e824b94b6d08680e4a743f4e9b18a318dfacb3acc3d38ce231d"
#define QGRAPH "podman-pod/var/lib/containers/storage"

static void test_captured(void)
{
	struct nsinfo__engine_info in = { 0 };
	char b[PATH_MAX + 1200];

	if (!realpath("tests/fixtures/engines", eng)) {
		skip("[host] tests/fixtures/engines not here");
		return;
	}
	/* podman (root): runc state -> bundle (the capture's paths are the
	 * engine's defaults: looked up under the fixture tree) */
	is(nsinfo__engine_oci_state(fx("podman/run/runc"), EP, me, &in), 0, "captured podman: runc state");
	is_str(in.bundle, "/var/lib/containers/storage/overlay-containers/" EP "/userdata", "bundle=");
	snprintf(b, sizeof(b), "%s%s", eng, "/podman");
	strncat(b, in.bundle, sizeof(b) - strlen(b) - 1);
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_bundle(b, EP, me, &in), 0, "captured podman: its bundle");
	is_str(in.graphroot, fx("podman/var/lib/containers/storage"), "captured podman: graphroot from the bundle");
	is(nsinfo__engine_podman(in.graphroot, EP, me, &in), 0, "captured podman: containers.json");
	is_str(in.name, "web", "captured podman: name");
	is_str(in.image, "localhost/nstools-busybox:latest", "captured podman: image");
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_oci_state(fx("podman/run/runc"), EPOD, me, &in), 0, "captured podman pod member: state");
	is_str(in.sandbox_id, "9353f4c06dfa4b38ca371d00a29895f3169f9e4bc30f84759c957e52d6574472",
	       "captured podman pod member: its pod id (CRI-O's SandboxID key)");
	/* rootless podman: vfs storage */
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_podman(fx("podman-rootless/home/alice/.local/share/containers/storage"), ER, me,
				 &in), 0, "captured rootless podman: vfs-containers/containers.json");
	is_str(in.name, "web", "captured rootless podman: name");
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_oci_state(fx("podman-rootless/run/user/1000/runc"), ER, me, &in), 0,
	   "captured rootless podman: state under XDG_RUNTIME_DIR");
	ok(strstr(in.bundle, "/vfs-containers/" ER "/userdata") != NULL, "captured rootless podman: bundle");
	/* docker: the shim's bundle names the data root */
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_oci_state(fx("docker/run/docker/runtime-runc/moby"), ED, me, &in), 0,
	   "captured docker: runtime-runc state");
	is_str(in.bundle, "/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/" ED, "docker bundle=");
	snprintf(b, sizeof(b), "%s/docker%s", eng, in.bundle);
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_bundle(b, ED, me, &in), 0, "captured docker: bundle config.json");
	is_str(in.data_root, "/var/lib/docker", "captured docker: data root from the hostname mount");
	is(nsinfo__engine_docker(fx("docker/var/lib/docker"), ED, me, &in), 0, "captured docker: config.v2.json");
	is_str(in.name, "web", "captured docker: name");
	is_str(in.image, "localhost/nstools-busybox:latest", "captured docker: image");
	/* containerd through CRI */
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_oci_state(fx("containerd-k8s/run/containerd/runc/k8s.io"), EK, me, &in), 0,
	   "captured containerd CRI: state");
	is_str(in.k8s_container, "api", "captured containerd CRI: container name");
	is_str(in.pod_name, "checkout-7d9f", "captured containerd CRI: pod");
	is_str(in.pod_ns, "shop", "captured containerd CRI: namespace");
	is_str(in.pod_uid, "0d6f3c1e-8a2b-4c5d-9e7f-1a2b3c4d5e6f", "captured containerd CRI: pod uid");
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_oci_state(fx("containerd-k8s/run/containerd/runc/k8s.io"), EKS, me, &in), 0,
	   "captured containerd CRI sandbox: state");
	is(in.sandbox, 1, "captured containerd CRI sandbox: a sandbox");
	snprintf(b, sizeof(b), "%s/containerd-k8s/run/containerd/io.containerd.runtime.v2.task/k8s.io/" EK, eng);
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_bundle(b, EK, me, &in), 0, "captured containerd CRI: bundle");
	is_str(in.image, "localhost/nstools-busybox:latest", "captured containerd CRI: image");
	/* CRI-O: the pod of a container only in its Labels JSON */
	snprintf(b, sizeof(b), "%s/cri-o/run/containers/storage/overlay-containers/" EO "/userdata", eng);
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_bundle(b, EO, me, &in), 0, "CRI-O container: bundle");
	is_str(in.k8s_container, "api", "CRI-O container: name from io.kubernetes.cri-o.Labels");
	is_str(in.pod_name, "checkout-7d9f", "CRI-O container: pod from its Labels");
	is_str(in.pod_ns, "shop", "CRI-O container: namespace from its Labels");
	is_str(in.image, "localhost/nstools-busybox:latest", "CRI-O container: image");
	is(in.sandbox, 0, "CRI-O container: not the sandbox");
	/* LXC */
	if (me == 0) {
		memset(&in, 0, sizeof(in));
		is(nsinfo__engine_lxc(fx("lxc/var/lib/lxc"), "web", &in), 0, "captured LXC: defined");
	} else {
		skip("[root] LXC's config is read only when root owns it");
	}
}

/* The whole file, malloc'd; NULL if unreadable */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	} else if (buf) {
		*len = (size_t)n;
	}
	if (f)
		fclose(f);
	return buf;
}

/* podman's pods: the id from the bundle's cgroupsPath, the name from the
 * pod's config in bolt_state.db, as podman 4.3 wrote them */
static void test_podman_pod(void)
{
	struct nsinfo__engine_info in;
	char b[PATH_MAX + 300], *db, *bad;
	const char *const pod[] = { "pod", QPOD }, *const ids[] = { "id-registry" };
	const char *const infra[] = { "pod", QINF }, *const ctr[] = { "ctr", QAPI };
	const void *v;
	size_t len = 0, vlen = 0;
	FILE *f;

	snprintf(b, sizeof(b), "%s/" QGRAPH "/vfs-containers/" QAPI "/userdata", eng);
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_bundle(b, QAPI, me, &in), 0, "podman pod member: its bundle");
	is_str(in.pod_id, QPOD, "podman pod member: pod id from cgroupsPath /libpod_parent/<pod>/libpod-<id>");
	is_str(in.sandbox_id, QINF, "podman pod member: SandboxID is the infra container, not the pod");
	is_str(in.graphroot, fx(QGRAPH), "podman pod member: graphroot");
	is(nsinfo__engine_podman_pod(in.graphroot, me, &in), 0, "podman pod member: the pod in bolt_state.db");
	is_str(in.pod_name, "shop", "podman pod member: pod name, as podman pod inspect has it");
	is(nsinfo__engine_podman(in.graphroot, QAPI, me, &in), 0, "podman pod member: containers.json");
	is_str(in.name, "shop-api", "podman pod member: its own name");

	snprintf(b, sizeof(b), "%s/" QGRAPH "/vfs-containers/" QINF "/userdata", eng);
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_bundle(b, QINF, me, &in), 0, "podman infra container: its bundle");
	is_str(in.pod_id, QPOD, "podman infra container: the same pod id");
	is_str(in.sandbox_id, "", "podman infra container: no SandboxID");
	is(nsinfo__engine_podman_pod(in.graphroot, me, &in), 0, "podman infra container: its pod");
	is_str(in.pod_name, "shop", "podman infra container: pod name");
	is(nsinfo__engine_podman(in.graphroot, QINF, me, &in), 0, "podman infra container: containers.json");
	is_str(in.name, "7139a21c889e-infra", "podman infra container: named <podid[:12]>-infra");

	/* a SandboxID that names the infra container is no pod */
	memset(&in, 0, sizeof(in));
	snprintf(in.sandbox_id, sizeof(in.sandbox_id), "%s", QINF);
	is(nsinfo__engine_podman_pod(fx(QGRAPH), me, &in), -ENOENT, "an infra container's id is not a pod's");
	is_str(in.pod_name, "", "(no pod name from it)");
	is_str(in.pod_id, "", "(nor a pod id)");
	/* an infra-less pod's members carry the pod's id there */
	memset(&in, 0, sizeof(in));
	snprintf(in.sandbox_id, sizeof(in.sandbox_id), "%s", QPOD);
	is(nsinfo__engine_podman_pod(fx(QGRAPH), me, &in), 0, "a SandboxID naming a pod: that pod");
	is_str(in.pod_name, "shop", "(its name)");
	memset(&in, 0, sizeof(in));
	is(nsinfo__engine_podman_pod(fx("podman"), me, &in), -ENOENT, "no pod id: nothing looked up");

	/* the bbolt reader itself */
	snprintf(b, sizeof(b), "%s/" QGRAPH "/libpod/bolt_state.db", eng);
	if (!(db = slurp(b, &len))) {
		ok(0, "bolt_state.db read");
		return;
	}
	is(nsinfo__bolt_get(db, len, ids, 1, QPOD, &v, &vlen), 0, "bbolt: id-registry has the pod");
	ok(vlen == 4 && !memcmp(v, "shop", 4), "bbolt: id-registry names it shop");
	is(nsinfo__bolt_get(db, len, ids, 1, QAPI, &v, &vlen), 0, "bbolt: id-registry has the member");
	ok(vlen == 8 && !memcmp(v, "shop-api", 8), "bbolt: id-registry names it shop-api");
	ok((const char *)v >= db && (const char *)v + vlen <= db + len, "bbolt: the value lies in the file");
	is(nsinfo__bolt_get(db, len, pod, 1, QPOD, &v, &vlen), -EISDIR, "bbolt: a bucket (the pod's) is no value");
	is(nsinfo__bolt_get(db, len, ctr, 2, "config", &v, &vlen), 0, "bbolt: a container's config");
	ok(vlen > 2 && ((const char *)v)[0] == '{', "bbolt: (JSON)");
	is(nsinfo__bolt_get(db, len, infra, 2, "config", &v, &vlen), -ENOENT, "bbolt: no pod of the infra's id");
	is(nsinfo__bolt_get(db, len, ids, 1, "nope", &v, &vlen), -ENOENT, "bbolt: no such key");
	is(nsinfo__bolt_get(db, len, (const char *const[]){ "id-registry", QPOD }, 2, "x", &v, &vlen), -ENOTDIR,
	   "bbolt: a value is no bucket");
	is(nsinfo__bolt_get(db, 100, ids, 1, QPOD, &v, &vlen), -EINVAL, "bbolt: a truncated file");
	for (size_t cut = 0; cut < len; cut += 509) {
		int r = nsinfo__bolt_get(db, cut, pod, 2, "config", &v, &vlen);

		if (r ? r != -EINVAL && r != -ENOENT
		      : (const char *)v < db || (const char *)v + vlen > db + cut) {
			ok(0, "bbolt: the file cut at %zu bytes: %d", cut, r);
			break;
		}
		if (cut + 509 >= len)
			ok(1, "bbolt: the file cut anywhere: an answer inside what is left, or none");
	}
	if ((bad = malloc(len))) {
		memcpy(bad, db, len);
		bad[16 + 20] ^= 1; /* page 0's meta: its checksum no longer matches */
		is(nsinfo__bolt_get(bad, len, pod, 2, "config", &v, &vlen), 0,
		   "bbolt: a broken meta page: the other one");
		bad[4096 + 16 + 20] ^= 1;
		is(nsinfo__bolt_get(bad, len, pod, 2, "config", &v, &vlen), -EINVAL,
		   "bbolt: both meta pages broken: not a bbolt file");
		memset(bad, 0, len);
		is(nsinfo__bolt_get(bad, len, pod, 2, "config", &v, &vlen), -EINVAL, "bbolt: zeros");
		free(bad);
	}
	free(db);
	/* the fuzz seed (tests/fuzz/bolt_seed.py): 512-byte pages, a branch
	 * page, inline buckets, a bucket with its own page, an overflow page */
	snprintf(b, sizeof(b), "python3 tests/fuzz/bolt_seed.py > %s/seed.db", root);
	if (system(b) || !(db = slurp(strcat(strcpy(b, root), "/seed.db"), &len))) {
		ok(0, "bbolt fuzz seed written (tests/fuzz/bolt_seed.py)");
		return;
	}
	is(nsinfo__bolt_get(db, len, pod, 2, "config", &v, &vlen), 0, "bbolt seed: an inline bucket under a branch page");
	ok(vlen > 20 && memmem(v, vlen, "\"shop\"", 6), "bbolt seed: (its config)");
	is(nsinfo__bolt_get(db, len, (const char *const[]){ "pod", QAPI }, 2, "config", &v, &vlen), 0,
	   "bbolt seed: a bucket of its own page, the value on an overflow page");
	ok(vlen > 600 && ((const char *)v)[vlen - 1] == '}', "bbolt seed: (the whole value)");
	is(nsinfo__bolt_get(db, len, ids, 1, QAPI, &v, &vlen), 0, "bbolt seed: id-registry");
	ok(vlen == 8 && !memcmp(v, "shop-api", 8), "bbolt seed: (shop-api)");
	free(db);
	/* the database must be the owner's */
	snprintf(b, sizeof(b), "%s/podbolt", root);
	if (!mkdir(b, 0755) && !mkdir(strcat(b, "/libpod"), 0755) && (f = fopen(strcat(b, "/bolt_state.db"), "w"))) {
		fclose(f);
		memset(&in, 0, sizeof(in));
		snprintf(in.pod_id, sizeof(in.pod_id), "%s", QPOD);
		snprintf(b, sizeof(b), "%s/podbolt", root);
		is(nsinfo__engine_podman_pod(b, me, &in), -EINVAL, "an empty database: nothing");
		is(nsinfo__engine_podman_pod(b, me + 1, &in), -ENOENT, "a database of another owner: not read");
		is_str(in.pod_name, "", "(no name)");
	} else {
		ok(0, "scratch database");
	}
}

int main(void)
{
	char cmd[600];

	me = geteuid();
	if (copy_tree())
		BAIL("fixture tree copied");
	test_podman();
	test_docker();
	test_cri();
	test_lxc_nspawn();
	test_monitors();
	test_refusals();
	test_captured();
	if (eng[0])
		test_podman_pod();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		diag("could not remove %s", root);
	return tap_done();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers: cgroup paths as each runtime writes them (fixture files), then
 * live: a process moved into a docker-style and an nspawn-style cgroup on the
 * real cgroup2 hierarchy, a pid namespace whose init has container= in its
 * environment, and container REFs resolved against them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enrich/holders.h"
#include "tap.h"

#define FIXDIR "tests/fixtures/cgroup/"
#define H1 "3f4b9c0d2e1a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344"
#define H2 "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define H3 "0e7c1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6"
#define H4 "b7e3f1c2d4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f0a9"
#define POD "8f0e6c1a-3b2d-4e5f-9a8b-7c6d5e4f3a2b"

static const struct {
	const char *file, *runtime, *id, *pod;
} fixtures[] = {
	{ "docker-systemd",            "docker",     H1, NULL },
	{ "docker-cgroupfs-v1",        "docker",     H2, NULL },
	{ "docker-k8s-systemd",        "docker",     H1, POD },
	{ "docker-daemon",             NULL,         NULL, NULL },
	{ "containerd-k8s-cgroupfs",   "containerd", H3, POD },
	{ "containerd-k8s-systemd",    "containerd", H3, POD },
	{ "containerd-k8s-guaranteed", "containerd", H4, POD },
	{ "containerd-nerdctl",        "containerd", H4, NULL },
	{ "crio-systemd",              "cri-o",      H2, POD },
	{ "crio-conmon",               NULL,         NULL, NULL },
	{ "podman-systemd",            "podman",     H4, NULL },
	{ "podman-rootless",           "podman",     H1, NULL },
	{ "podman-cgroupfs-v1",        "podman",     H2, NULL },
	{ "podman-conmon",             NULL,         NULL, NULL },
	{ "nspawn",                    "nspawn",     "web-01", NULL },
	{ "libvirt-qemu",              NULL,         NULL, NULL },
	{ "lxc",                       "lxc",        "c1", NULL },
	{ "lxc-v1",                    "lxc",        "legacy1", NULL },
	{ "lxc-monitor",               NULL,         NULL, NULL },
	{ "lxd",                       "lxc",        "web", NULL },
	{ "host-session",              NULL,         NULL, NULL },
};

static char *slurp(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

static void test_fixtures(void)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char path[256];
		const char *text;
		struct nsinfo__cgroup_id id;
		int r;

		snprintf(path, sizeof(path), FIXDIR "%s.cgroup", fixtures[i].file);
		text = slurp(path);
		if (!text) {
			ok(0, "%s: fixture readable", path);
			continue;
		}
		memset(&id, 0, sizeof(id));
		r = nsinfo__cgroup_identify(text, &id);
		if (!fixtures[i].runtime) {
			is(r, 0, "%s: not a container", fixtures[i].file);
			continue;
		}
		is(r, 1, "%s: a container", fixtures[i].file);
		is_str(id.runtime, fixtures[i].runtime, "%s: runtime", fixtures[i].file);
		is_str(id.id, fixtures[i].id, "%s: id", fixtures[i].file);
		is_str(id.pod, fixtures[i].pod ? fixtures[i].pod : "", "%s: pod", fixtures[i].file);
	}
	/* the same id from two runtimes' leftovers: the outermost component wins */
	{
		struct nsinfo__cgroup_id id;

		is(nsinfo__cgroup_identify("0::/machine.slice/machine-outer.scope/payload/"
					   "system.slice/docker-" H1 ".scope\n", &id), 1,
		   "nested: found");
		is_str(id.runtime, "nspawn", "nested: the outer container is the one the host sees");
		is(nsinfo__cgroup_identify("0::/docker/" H1 "x\n", &id), 0,
		   "a 65-character id is not a docker id");
		is(nsinfo__cgroup_identify("", &id), 0, "empty cgroup file");
		/* found by the fuzzer: a machine name that unescapes to nothing */
		is(nsinfo__cgroup_identify("0::/machine.slice/machine-\\x00.scope\n", &id), 0,
		   "machine-\\x00.scope: no machine name, not a container");
		is(nsinfo__cgroup_identify("0::/machine.slice/machine-a\\x0ab.scope\n", &id), 0,
		   "machine-a\\x0ab.scope: a newline is no machine name");
		is(nsinfo__cgroup_identify("0::/machine.slice/machine-web\\x2d1.scope\n", &id), 1,
		   "machine-web\\x2d1.scope: found");
		is_str(id.id, "web-1", "machine-web\\x2d1.scope: named web-1");
	}
}

/* ------------------------------------------------------------ live part */

#define CG2 "/sys/fs/cgroup/unified"

struct kid {
	pid_t pid;           /* the child we fork */
	pid_t init;          /* env test: host pid of the pid-namespace init */
	int hold;            /* write end: closing it releases the child */
	uint64_t net, uts, pidns;
};

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static uint64_t ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/*
 * Fork a child that moves itself into cgroup dir (if any), takes new net and
 * uts namespaces (hostname host), and waits until released.
 */
static int spawn_in_cgroup(const char *dir, const char *host, struct kid *k)
{
	int rep[2], hold[2];

	if (pipe2(rep, O_CLOEXEC) || pipe2(hold, O_CLOEXEC))
		return -1;
	k->pid = fork();
	if (k->pid < 0)
		return -1;
	if (k->pid == 0) {
		char path[512], c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(rep[0]);
		close(hold[1]);
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if (write_str(path, "0") || unshare(CLONE_NEWNET | CLONE_NEWUTS) ||
		    sethostname(host, strlen(host)))
			_exit(1);
		if (write(rep[1], "r", 1) != 1)
			_exit(1);
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(rep[1]);
	close(hold[0]);
	k->hold = hold[1];
	{
		char c, path[64];
		ssize_t n = read(rep[0], &c, 1);

		close(rep[0]);
		if (n != 1)
			return -1;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)k->pid);
		k->net = ino_of(path);
		snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)k->pid);
		k->uts = ino_of(path);
	}
	return 0;
}

/*
 * A child in new pid and uts namespaces whose init (pid 1 there) runs
 * sleep with container=VALUE as its whole environment.
 */
static int spawn_env_init(const char *value, const char *host, struct kid *k)
{
	int rep[2], hold[2];

	if (pipe2(rep, O_CLOEXEC) || pipe2(hold, O_CLOEXEC))
		return -1;
	k->pid = fork();
	if (k->pid < 0)
		return -1;
	if (k->pid == 0) {
		char env[64], c;
		pid_t init;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(rep[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWPID | CLONE_NEWUTS) || sethostname(host, strlen(host)))
			_exit(1);
		snprintf(env, sizeof(env), "container=%s", value);
		init = fork();
		if (init == 0) {
			char *const argv[] = { "sleep", "600", NULL };
			char *const envp[] = { env, NULL };

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			execve("/bin/sleep", argv, envp);
			_exit(127);
		}
		if (init < 0 || write(rep[1], &init, sizeof(init)) != sizeof(init))
			_exit(1);
		while (read(hold[0], &c, 1) > 0)
			;
		kill(init, SIGKILL);
		_exit(0);
	}
	close(rep[1]);
	close(hold[0]);
	k->hold = hold[1];
	if (read(rep[0], &k->init, sizeof(k->init)) != sizeof(k->init)) {
		close(rep[0]);
		return -1;
	}
	close(rep[0]);
	/* the pid returned by fork inside is the host pid: we are its parent's parent */
	return 0;
}

static void release(struct kid *k)
{
	if (k->pid <= 0)
		return;
	close(k->hold);
	kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
	k->pid = 0;
}

static const struct nsinfo_container *container_of_pid(struct nsinfo_snapshot *s, pid_t pid)
{
	size_t n;
	const struct nsinfo_proc *p = nsinfo_snapshot_procs(s, NULL);
	const struct nsinfo_container *c = nsinfo_snapshot_containers(s, &n);
	int i = nsinfo_snapshot_find_proc(s, pid);

	if (i < 0 || p[i].container < 0 || (size_t)p[i].container >= n)
		return NULL;
	return &c[p[i].container];
}

static int ns_container(struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, NULL);
	int i = nsinfo_snapshot_find_ns(s, type, ino);

	return i < 0 ? -100 : ns[i].container;
}

static void wait_running(pid_t pid)
{
	/* the init execs sleep: wait until its environ is the new one */
	for (int i = 0; i < 200; i++) {
		char path[64], buf[64] = "";
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf) - 1);

			close(fd);
			if (n > 0 && !strncmp(buf, "sleep", 5))
				return;
		}
		usleep(10000);
	}
}

/*
 * Runtime state files as dockerd and podman write them (neither is
 * installed here). Every directory and file made is recorded and removed at
 * the end, deepest first; directories that existed are left alone.
 */
static char made[16][256];
static int nmade;

static int state_file(const char *path, const char *text)
{
	char dir[256];
	int fd;
	ssize_t n;

	for (char *p = strchr(strcpy(dir, path) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		if (access(dir, F_OK) == 0) {
			*p = '/';
			continue;
		}
		if (mkdir(dir, 0700) || nmade == 15)
			return -1;
		strcpy(made[nmade++], dir);
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	strcpy(made[nmade++], path);
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void state_remove(void)
{
	while (nmade > 0)
		remove(made[--nmade]);
}

static int docker_config(const char *id, const char *name)
{
	char path[256], json[512];

	snprintf(path, sizeof(path), "/var/lib/docker/containers/%s/config.v2.json", id);
	snprintf(json, sizeof(json), "{\"ID\":\"%s\",\"Name\":\"/%s\",\"Driver\":\"overlay2\"}",
		 id, name);
	return state_file(path, json);
}

#define PODMAN_LIST "/var/lib/containers/storage/overlay-containers/containers.json"

static int podman_list(const char *id, const char *name)
{
	char json[512];

	if (access(PODMAN_LIST, F_OK) == 0)
		return 1; /* a real podman's, or a concurrent run's: not ours to touch */
	snprintf(json, sizeof(json), "[{\"id\":\"%s\",\"names\":[\"%s\"],\"image\":\"%.64s\","
		 "\"layer\":\"%.64s\",\"metadata\":\"\",\"created\":\"2026-11-23T10:00:00Z\"}]",
		 id, name, H3, H4);
	return state_file(PODMAN_LIST, json);
}

static void test_live(void)
{
	char top[128], dock[256], dock2[256], slice[160], mach[256], mname[64], host[64];
	char envhost[64], id1[65], id2[65], prefix8[9], prefix12[13], dname[64];
	char id3[65], pod[256], pname[64], id4[65], digits12[13], dock4[256];
	char udir[160], udock[256];
	int podman_ok = 1;
	struct kid kd = { 0 }, kd2 = { 0 }, km = { 0 }, ke = { 0 }, kp = { 0 }, k4 = { 0 };
	struct kid ku = { 0 };
	struct nsinfo_scan_opts o = { .size = sizeof(o),
				      .flags = NSINFO_SCAN_CONTAINERS | NSINFO_SCAN_HOSTNAMES };
	struct nsinfo_snapshot *s = NULL;
	const struct nsinfo_container *c;
	struct nsinfo_nsref ref;
	int r;

	if (access(CG2 "/cgroup.procs", W_OK)) {
		skip("[cgroup] no writable cgroup2 hierarchy at " CG2 ": live container tests");
		return;
	}
	snprintf(top, sizeof(top), CG2 "/nst-test-%d", (int)getpid());
	/* ids unique to this run (concurrent runs must not share containers),
	 * starting with a digit, sharing their first 8 characters */
	snprintf(id1, sizeof(id1), "3f%06x%.56s", (unsigned)getpid() & 0xffffff, H1 + 8);
	snprintf(id2, sizeof(id2), "3f%06x%.56s", (unsigned)getpid() & 0xffffff, H2 + 8);
	/* and one whose short id is all digits, like an inode number */
	snprintf(id4, sizeof(id4), "9%011d%.52s", (int)getpid(), "7182818284590452353602874713526624977572470936999595");
	snprintf(digits12, sizeof(digits12), "%.12s", id4);
	snprintf(dock4, sizeof(dock4), "%s/docker-%s.scope", top, id4);
	snprintf(prefix8, sizeof(prefix8), "%.8s", id1);
	snprintf(prefix12, sizeof(prefix12), "%.12s", id1);
	snprintf(dock, sizeof(dock), "%s/docker-%s.scope", top, id1);
	snprintf(dock2, sizeof(dock2), "%s/docker-%s.scope", top, id2);
	snprintf(dname, sizeof(dname), "nst-web-%d", (int)getpid());
	snprintf(id3, sizeof(id3), "%08x%.56s", (unsigned)getpid(), H4 + 8);
	snprintf(pod, sizeof(pod), "%s/libpod-%s.scope", top, id3);
	snprintf(pname, sizeof(pname), "nst-pod-%d", (int)getpid());
	podman_ok = podman_list(id3, pname);
	if (docker_config(id1, dname) || podman_ok < 0) {
		ok(0, "runtime state files (%s)", strerror(errno));
		goto out;
	}
	snprintf(slice, sizeof(slice), "%s/machine.slice", top);
	snprintf(mach, sizeof(mach), "%s/machine-web\\x2d%d.scope", slice, (int)getpid());
	snprintf(mname, sizeof(mname), "web-%d", (int)getpid());
	snprintf(host, sizeof(host), "dock-%d", (int)getpid());
	snprintf(envhost, sizeof(envhost), "envbox-%d", (int)getpid());
	/* a delegated subtree (as systemd gives user@UID.service) whose owner
	 * names a cgroup after the docker container above */
	snprintf(udir, sizeof(udir), "%s/user@65534.service", top);
	snprintf(udock, sizeof(udock), "%s/docker-%s.scope", udir, id1);

	if (mkdir(top, 0755) || mkdir(dock, 0755) || mkdir(dock2, 0755) || mkdir(slice, 0755) ||
	    mkdir(mach, 0755) || mkdir(pod, 0755) || mkdir(dock4, 0755) || mkdir(udir, 0755) ||
	    chown(udir, 65534, 65534) || mkdir(udock, 0755)) {
		ok(0, "cgroup directories under %s (%s)", top, strerror(errno));
		goto out;
	}
	if (spawn_in_cgroup(dock, host, &kd) || spawn_in_cgroup(dock2, "dock2", &kd2) ||
	    spawn_in_cgroup(mach, mname, &km) || spawn_in_cgroup(pod, "pod", &kp) ||
	    spawn_in_cgroup(dock4, "digits", &k4) || spawn_in_cgroup(udock, "forged", &ku) ||
	    spawn_env_init("systemd-nspawn", envhost, &ke)) {
		ok(0, "live fixtures set up (%s)", strerror(errno));
		goto out;
	}
	wait_running(ke.init);
	r = nsinfo_snapshot_new(&o, &s);
	is(r, 0, "snapshot with containers and hostnames");
	if (r)
		goto out;

	c = container_of_pid(s, kd.pid);
	ok(c != NULL, "docker-style process has a container");
	if (c) {
		is_str(c->runtime, "docker", "its runtime");
		is_str(c->id, id1, "its id is the one in the cgroup path we made");
		is_str(c->name, dname, "its name from docker's config.v2.json");
	}
	is(ns_container(s, NSINFO_NET, kd.net) >= 0, 1, "its own net namespace has that container");
	is(ns_container(s, NSINFO_NET, kd.net), nsinfo_snapshot_procs(s, NULL)
	   [nsinfo_snapshot_find_proc(s, kd.pid)].container, "the namespace's container is the process's");
	{
		char self[64];

		snprintf(self, sizeof(self), "/proc/%d/ns/net", (int)getpid());
		is(ns_container(s, NSINFO_NET, ino_of(self)), -1,
		   "the test's own net namespace belongs to no container");
	}

	c = container_of_pid(s, km.pid);
	ok(c && !strcmp(c->runtime, "nspawn") && !strcmp(c->id, mname),
	   "nspawn machine named from the unescaped scope: %s", c ? c->id : "(none)");

	c = container_of_pid(s, kp.pid);
	ok(c && !strcmp(c->runtime, "podman") && !strcmp(c->id, id3), "podman container from its scope");
	if (podman_ok == 1)
		skip("[host] " PODMAN_LIST " exists already: podman names not checked");
	else
		is_str(c ? c->name : NULL, pname, "podman container named from containers.json");

	c = container_of_pid(s, kd.pid);
	is(c ? c->trust : -1, NSINFO_TRUST_ENGINE, "a root-owned docker scope: the engine's evidence");
	c = container_of_pid(s, ku.pid);
	ok(c && c != container_of_pid(s, kd.pid), "a user's cgroup borrowing the id: another container");
	if (c) {
		char lab[300], want[80];

		is(c->trust, NSINFO_TRUST_USER, "its trust: the user's, not the engine's");
		is((int)c->owner, 65534, "its owner: who owns the subtree");
		ok(c->name == NULL, "not named from root's docker state");
		snprintf(want, sizeof(want), "%s/%.12s?", getpwuid(65534) ? getpwuid(65534)->pw_name : "65534",
			 id1);
		is_str(nsinfo_container_label(s, (int32_t)(c - nsinfo_snapshot_containers(s, NULL)),
					      lab, sizeof(lab)),
		       want, "labelled OWNER/ID?");
	}

	c = container_of_pid(s, ke.init);
	ok(c != NULL, "init with container= in its environment gives a container");
	if (c) {
		char lab[300], hintlab[80];

		snprintf(hintlab, sizeof(hintlab), "%s?", envhost);
		is(c->trust, NSINFO_TRUST_HINT, "container= is only a hint");
		is((int)c->owner, (int)getuid(), "owned by the uid of the init that claims it");
		is_str(nsinfo_container_label(s, (int32_t)(c - nsinfo_snapshot_containers(s, NULL)),
					      lab, sizeof(lab)),
		       hintlab, "labelled as a hint: NAME?");
		is_str(c->runtime, "nspawn", "container=systemd-nspawn reads as nspawn");
		is_str(c->name, envhost, "named after the hostname of its UTS namespace");
		ok(!strncmp(c->id, "pidns-", 6), "id names its pid namespace: %s", c->id);
	}
	{
		char p[64];

		snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)ke.init);
		ok(ns_container(s, NSINFO_PID, ino_of(p)) >= 0,
		   "the pid namespace of that init belongs to it");
	}

	/* REFs */
	r = nsinfo_ref_resolve(s, prefix12, NSINFO_NET, &ref);
	is(r, 0, "REF: a docker id prefix starting with a digit");
	if (r == 0) {
		is(ref.ino, kd.net, "REF: the container's net namespace");
		is(ref.pid, kd.pid, "REF: through the container's process");
		close(ref.fd);
	}
	is(nsinfo_ref_resolve(s, prefix8, NSINFO_NET, &ref), -ENOTUNIQ,
	   "REF: a prefix shared by two containers is ambiguous");
	r = nsinfo_ref_resolve(s, id1, NSINFO_NET, &ref);
	is(r, 0, "REF: the full id, also claimed by a user's cgroup");
	if (r == 0) {
		is(ref.ino, kd.net, "REF: the engine's container, never the user's");
		close(ref.fd);
	}
	r = nsinfo_ref_resolve(s, dname, NSINFO_NET, &ref);
	is(r, 0, "REF: a docker container name");
	if (r == 0) {
		is(ref.ino, kd.net, "REF: by name, the same net namespace");
		close(ref.fd);
	}
	r = nsinfo_ref_resolve(s, mname, NSINFO_UTS, &ref);
	is(r, 0, "REF: a machine name");
	if (r == 0) {
		is(ref.ino, km.uts, "REF: the machine's uts namespace");
		close(ref.fd);
	}
	r = nsinfo_ref_resolve(s, envhost, NSINFO_PID, &ref);
	is(r, -EKEYREJECTED, "REF: a container= container is a hint, never resolved by its hostname");
	if (r == 0)
		close(ref.fd);
	r = nsinfo_ref_resolve(s, digits12, NSINFO_NET, &ref);
	is(r, 0, "REF: an all-digit id prefix that is no inode: %s", digits12);
	if (r == 0) {
		is(ref.ino, k4.net, "REF: that container's net namespace");
		close(ref.fd);
	}
	is(nsinfo_ref_resolve(s, "no-such-container-x", NSINFO_NET, &ref), -ENOENT,
	   "REF: unknown name");
	is(nsinfo_ref_resolve(s, mname, -1, &ref), -EINVAL, "REF: a container needs a type");
	{
		struct nsinfo_resolver *rv = NULL;
		size_t n = 0;
		char msg[1024];

		is(nsinfo_resolver_new(s, NULL, &rv), 0, "resolver over the snapshot");
		is(nsinfo_resolver_resolve(rv, mname, -1, &ref), -EDOM,
		   "resolver: a container needs a type (-EDOM)");
		is(nsinfo_resolver_resolve(rv, prefix8, NSINFO_NET, &ref), -ENOTUNIQ,
		   "resolver: a shared prefix is ambiguous");
		ok(nsinfo_resolver_candidates(rv, &n) && n == 2, "resolver: two candidates (%zu)", n);
		nsinfo_resolver_message(rv, prefix8, -ENOTUNIQ, msg, sizeof(msg));
		ok(strstr(msg, "several containers match: docker ") && strstr(msg, dname),
		   "resolver: the message lists them with runtime, id and name: %s", msg);
		is(nsinfo_resolver_resolve(rv, envhost, NSINFO_PID, &ref), -EKEYREJECTED,
		   "resolver: a hint's name is refused");
		nsinfo_resolver_message(rv, envhost, -EKEYREJECTED, msg, sizeof(msg));
		ok(strstr(msg, "unverified") && strstr(msg, "nspawn pidns-"),
		   "resolver: the refusal names the hint: %s", msg);
		is(nsinfo_resolver_container(rv, mname), nsinfo_snapshot_procs(s, NULL)
		   [nsinfo_snapshot_find_proc(s, km.pid)].container, "resolver: the machine's container index");
		nsinfo_resolver_unref(rv);
	}
out:
	nsinfo_snapshot_unref(s);
	release(&kd);
	release(&kd2);
	release(&km);
	release(&ke);
	release(&kp);
	release(&k4);
	release(&ku);
	rmdir(udock);
	rmdir(udir);
	rmdir(dock4);
	rmdir(pod);
	rmdir(mach);
	rmdir(slice);
	rmdir(dock);
	rmdir(dock2);
	rmdir(top);
	state_remove();
}

int main(void)
{
	test_fixtures();
	if (geteuid() != 0)
		skip("[root] not root: live container tests need cgroup writes and namespaces");
	else
		test_live();
	return tap_done();
}

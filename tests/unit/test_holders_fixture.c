/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The holder and container passes against a proc tree this test writes
 * (status, ns/ links, fd/ links, mountinfo, cgroup, environ): exact
 * expectations for parsing that live namespaces cannot pin down, such as
 * escaped mount points, non-nsfs fds, members that disagree on a container,
 * and container= in the environment of a pid namespace's init.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nsinfo.h"
#include "tap.h"

#define DOCKER "3f4b9c0d2e1a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344"

static char root[64];

struct fproc {
	int pid;
	const char *nspid;        /* NSpid: line */
	uint64_t ns[NSINFO_NTYPES];
	const char *fds[4][2];    /* name, link text */
	const char *mountinfo;
	const char *cgroup;
	const char *environ;      /* '\n' stands for NUL */
};

#define HOST(net, pid, mnt) { 1000, 1001, mnt, net, pid, 1005, 1006, 1007 }

static const char mounts_host[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"600 22 0:4 net:[779] /run/netns/blue\\040sky rw shared:5 - nsfs nsfs rw\n"
	"601 22 0:4 / /run/netns rw shared:5 - tmpfs tmpfs rw\n";
static const char mounts_ctr[] =
	"40 30 0:50 / / rw - overlay overlay rw\n"
	"41 40 0:4 net:[780] /var/run/netns/x rw - nsfs nsfs rw\n"
	"42 40 0:4 cgroup:[781] /keep rw - nsfs nsfs rw\n";

static const struct fproc procs[] = {
	{ 100, "100", HOST(1003, 1004, 1002),
	  { { "0", "/dev/null" }, { "5", "net:[777]" }, { "6", "socket:[123]" }, { "7", "mnt:[778]" } },
	  mounts_host, "0::/user.slice/user-0.slice/session-1.scope\n", "HOME=/root\n" },
	/* a docker container: own net, pid and mount namespaces */
	{ 200, "200\t1", HOST(2003, 2004, 2002), { { 0 } }, mounts_ctr,
	  "0::/system.slice/docker-" DOCKER ".scope\n", "container=docker\n" },
	{ 201, "201\t2", HOST(2003, 2004, 2002), { { 0 } }, mounts_ctr,
	  "0::/system.slice/docker-" DOCKER ".scope\n", "" },
	/* a net namespace an older host process made and the container shares
	 * (--net=host; start times follow the pids) */
	{ 300, "300", HOST(3003, 1004, 1002), { { 0 } }, mounts_host,
	  "0::/system.slice/ssh.service\n", "" },
	{ 301, "301", HOST(3003, 1004, 1002), { { 0 } }, mounts_host,
	  "0::/system.slice/docker-" DOCKER ".scope\n", "" },
	/* a pid namespace whose init says container=lxc, nothing in cgroup */
	{ 400, "400\t1", HOST(1003, 4004, 1002), { { 0 } }, mounts_host,
	  "0::/init.scope\n", "PATH=/bin\ncontainer=lxc\nTERM=dumb\n" },
	{ 401, "401\t7", HOST(1003, 4004, 1002), { { 0 } }, mounts_host, "0::/init.scope\n", "" },
};

static int put(const char *rel, const char *text, size_t len)
{
	char path[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int dir(const char *fmt, int pid)
{
	char rel[64], path[256];

	snprintf(rel, sizeof(rel), fmt, pid);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return mkdir(path, 0755);
}

static int link_at(int pid, const char *sub, const char *name, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%d/%s/%s", root, pid, sub, name);
	return symlink(target, path);
}

static int write_proc(const struct fproc *p)
{
	static const char *const files[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" };
	char rel[64], buf[512], env[128];
	int n;

	if (dir("%d", p->pid) || dir("%d/ns", p->pid) || dir("%d/fd", p->pid))
		return -1;
	n = snprintf(buf, sizeof(buf), "Name:\tp%d\nState:\tS (sleeping)\nTgid:\t%d\nPid:\t%d\n"
		     "PPid:\t1\nUid:\t0\t0\t0\t0\nThreads:\t1\nNSpid:\t%s\n",
		     p->pid, p->pid, p->pid, p->nspid);
	snprintf(rel, sizeof(rel), "%d/status", p->pid);
	if (put(rel, buf, (size_t)n))
		return -1;
	/* the start time (field 22) the holder passes check a pid against */
	n = snprintf(buf, sizeof(buf), "%d (p%d) S 1 %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %d 0\n",
		     p->pid, p->pid, p->pid, p->pid, 500 + p->pid);
	snprintf(rel, sizeof(rel), "%d/stat", p->pid);
	if (put(rel, buf, (size_t)n))
		return -1;
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		snprintf(buf, sizeof(buf), "%s:[%llu]", files[t], (unsigned long long)p->ns[t]);
		if (link_at(p->pid, "ns", files[t], buf))
			return -1;
	}
	for (int i = 0; i < 4 && p->fds[i][0]; i++)
		if (link_at(p->pid, "fd", p->fds[i][0], p->fds[i][1]))
			return -1;
	snprintf(rel, sizeof(rel), "%d/mountinfo", p->pid);
	if (put(rel, p->mountinfo, strlen(p->mountinfo)))
		return -1;
	snprintf(rel, sizeof(rel), "%d/cgroup", p->pid);
	if (put(rel, p->cgroup, strlen(p->cgroup)))
		return -1;
	n = snprintf(env, sizeof(env), "%s", p->environ);
	for (int i = 0; i < n; i++)
		if (env[i] == '\n')
			env[i] = 0;
	snprintf(rel, sizeof(rel), "%d/environ", p->pid);
	return put(rel, env, (size_t)n);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void remove_tree(void)
{
	if (nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS))
		diag("could not remove %s: %s", root, strerror(errno));
}

static const struct nsinfo_ns *ns_of(const struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	int i = nsinfo_snapshot_find_ns(s, type, ino);

	return i < 0 ? NULL : &nsinfo_snapshot_namespaces(s, NULL)[i];
}

static int count_kind(const struct nsinfo_ns *n, int kind)
{
	int c = 0;

	for (uint32_t i = 0; n && i < n->nholders; i++)
		c += n->holders[i].kind == kind;
	return c;
}

static const struct nsinfo_container *container_of(const struct nsinfo_snapshot *s, int32_t c)
{
	size_t n;
	const struct nsinfo_container *t = nsinfo_snapshot_containers(s, &n);

	return c >= 0 && (size_t)c < n ? &t[c] : NULL;
}

static int32_t ns_container(const struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	const struct nsinfo_ns *n = ns_of(s, type, ino);

	return n ? n->container : -100;
}

static int32_t proc_container(const struct nsinfo_snapshot *s, pid_t pid)
{
	int i = nsinfo_snapshot_find_proc(s, pid);

	return i < 0 ? -100 : nsinfo_snapshot_procs(s, NULL)[i].container;
}

static void check(struct nsinfo_snapshot *s)
{
	const struct nsinfo_ns *n;
	const struct nsinfo_container *c;
	size_t nc;

	n = ns_of(s, NSINFO_NET, 777);
	ok(n && count_kind(n, NSINFO_HOLD_FD) == 1 && n->holders[0].pid == 100 && n->holders[0].fd == 5,
	   "fd 5 of pid 100 holds net:[777]");
	ok(n && n->nprocs == 0 && (n->flags & NSINFO_NS_NOPROCS) && (n->flags & NSINFO_NS_DETACHED),
	   "no processes; a fixture cannot be probed (detached)");
	n = ns_of(s, NSINFO_MNT, 778);
	ok(n && count_kind(n, NSINFO_HOLD_FD) == 1, "an fd on a mount namespace holds it too");
	ok(nsinfo_snapshot_find_ns(s, -1, 123) == -ENOENT, "a socket fd is no namespace");

	n = ns_of(s, NSINFO_NET, 779);
	ok(n && count_kind(n, NSINFO_HOLD_MOUNT) == 1, "host bind mount holds net:[779]");
	if (n && n->nholders) {
		is_str(n->holders[0].path, "/run/netns/blue sky", "mount point unescaped (\\040)");
		is(n->holders[0].mntns, 1002, "in the host mount namespace");
	}
	n = ns_of(s, NSINFO_NET, 780);
	ok(n && count_kind(n, NSINFO_HOLD_MOUNT) == 1 && n->holders[0].mntns == 2002 &&
	   !strcmp(n->holders[0].path, "/var/run/netns/x"),
	   "a bind mount seen only in the container's mount namespace");
	n = ns_of(s, NSINFO_CGROUP, 781);
	ok(n && count_kind(n, NSINFO_HOLD_MOUNT) == 1, "any namespace type can be bind-mounted");
	ok(nsinfo_snapshot_find_ns(s, -1, 1) == -ENOENT, "a plain mount is not a namespace");

	c = container_of(s, proc_container(s, 200));
	ok(c && !strcmp(c->runtime, "docker") && !strcmp(c->id, DOCKER), "pid 200 is in the docker container");
	is(proc_container(s, 201), proc_container(s, 200), "so is pid 201: one container, not two");
	is(proc_container(s, 100), -1, "pid 100 is in none");
	is(ns_container(s, NSINFO_NET, 2003), proc_container(s, 200),
	   "the container's net namespace: all its members agree");
	is(ns_container(s, NSINFO_NET, 3003), -1,
	   "a net namespace an older host process shares with the container belongs to no container");
	is(ns_container(s, NSINFO_NET, 1003), -1, "the host net namespace belongs to none");

	c = container_of(s, proc_container(s, 400));
	ok(c && !strcmp(c->runtime, "lxc") && !strcmp(c->id, "pidns-4004") && !c->name,
	   "container=lxc in the environment of pid 1 of pid:[4004]: %s %s",
	   c ? c->runtime : "-", c ? c->id : "-");
	is(proc_container(s, 401), proc_container(s, 400), "its other process is in it too");
	is(ns_container(s, NSINFO_PID, 4004), proc_container(s, 400), "and so is its pid namespace");
	is(proc_container(s, 200), ns_container(s, NSINFO_PID, 2004),
	   "a cgroup container is not overridden by container= of its init");
	nsinfo_snapshot_containers(s, &nc);
	is(nc, 2, "two containers in all");
	/* a cgroup path in a fixture /proc names no cgroup of this host: nothing
	 * the engine made vouches for it, so it is shown but never matched */
	c = container_of(s, proc_container(s, 200));
	ok(c && c->trust == NSINFO_TRUST_HINT, "an unverifiable cgroup path is a hint");
	is(nsinfo_snapshot_find_container(s, "3f4b"), -EKEYREJECTED, "not found by id prefix");
	is(nsinfo_snapshot_find_container(s, "pidns-4004"), -EKEYREJECTED,
	   "a container= one is not found by id");
	is(nsinfo_snapshot_find_container(s, "nope"), -ENOENT, "unknown container");
}

int main(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o) };
	struct nsinfo_snapshot *s = NULL;
	int r;

	snprintf(root, sizeof(root), "/tmp/nst-procfix-XXXXXX");
	if (!mkdtemp(root))
		BAIL("mkdtemp: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		if (write_proc(&procs[i])) {
			remove_tree();
			BAIL("writing the fixture proc tree: %s", strerror(errno));
		}
	o.proc_root = root;

	o.flags = NSINFO_SCAN_NO_THREADS;
	r = nsinfo_snapshot_new(&o, &s);
	is(r, 0, "fixture snapshot without the optional passes");
	ok(s && nsinfo_snapshot_find_ns(s, NSINFO_NET, 777) == -ENOENT &&
	   nsinfo_snapshot_find_ns(s, NSINFO_NET, 779) == -ENOENT,
	   "no fd- or mount-held namespaces without their flags");
	ok(s && nsinfo_snapshot_containers(s, NULL) == NULL, "no containers without their flag");
	nsinfo_snapshot_unref(s);
	s = NULL;

	o.flags = NSINFO_SCAN_NO_THREADS | NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS | NSINFO_SCAN_CONTAINERS;
	r = nsinfo_snapshot_new(&o, &s);
	is(r, 0, "fixture snapshot with fds, mounts and containers");
	if (s)
		check(s);
	nsinfo_snapshot_unref(s);
	s = NULL;

	/* members of the host mount namespace exited between the scan and the
	 * mounts pass (a busy host): their mountinfo is gone, whichever is
	 * met first; the one left (300) is read instead of losing the
	 * namespace's bind mounts */
	{
		static const int gone[] = { 100, 301, 400, 401 };
		char path[128];
		int n = 0;

		for (int i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "%s/%d/mountinfo", root, gone[i]);
			n += unlink(path) == 0;
		}
		is(n, 4, "the mountinfo of all host members but pid 300 removed");
	}
	r = nsinfo_snapshot_new(&o, &s);
	is(r, 0, "fixture snapshot, members gone");
	ok(s && count_kind(ns_of(s, NSINFO_NET, 779), NSINFO_HOLD_MOUNT) == 1,
	   "the host bind mount of net:[779] still found, through another member");
	nsinfo_snapshot_unref(s);
	remove_tree();
	return tap_done();
}

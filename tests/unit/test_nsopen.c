/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsinfo_ns_open() against namespaces this test makes, each kept alive by
 * one thing only, with its inode reported by the process that made it:
 *   - a uts namespace held by an fd of a process that went back to ours;
 *   - a uts namespace held by a bind mount inside a private mount
 *     namespace (the path is a plain file in ours).
 * Each way (file handle, fd, mount) is checked on its own, then the mount
 * holder is made hostile after the scan: a directory on its path swapped
 * for a symlink to where the mount now is (must not be followed), then the
 * file replaced by a FIFO (must not block, must not be taken).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "nsinfo.h"
#include "tap.h"

struct report {
	uint64_t ino;         /* the namespace kept alive */
	int fd;               /* fd fixture: the fd holding it */
};

static char tmpdir[64], dir[128], moved[128], bindpath[160];

static uint64_t fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* A new uts namespace, held by fd *fd once we are back in the old one. */
static int fx_fd(struct report *r)
{
	int old = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	if (old < 0 || unshare(CLONE_NEWUTS))
		return -1;
	r->fd = open("/proc/self/ns/uts", O_RDONLY);
	r->ino = fd_ino(r->fd);
	return r->fd < 0 || setns(old, CLONE_NEWUTS) ? -1 : 0;
}

/* A new uts namespace bind-mounted in a private mount namespace. */
static int fx_mount(struct report *r)
{
	int old = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC), fd;

	if (old < 0 || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || unshare(CLONE_NEWUTS))
		return -1;
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	r->ino = fd_ino(fd);
	close(fd);
	if (mount("/proc/self/ns/uts", bindpath, NULL, MS_BIND, NULL))
		return -1;
	return setns(old, CLONE_NEWUTS);
}

/* Commands to the mount fixture, after the scan. */
static int hostile(char cmd)
{
	if (cmd == 's') /* the directory moves, a symlink to it takes its name */
		return rename(dir, moved) || symlink(moved, dir) ? -1 : 0;
	if (cmd == 'f') /* the directory back, a FIFO in place of the mount */
		return unlink(dir) || rename(moved, dir) || umount2(bindpath, MNT_DETACH) ||
		       unlink(bindpath) || mkfifo(bindpath, 0600) ? -1 : 0;
	return -1;
}

struct kid {
	pid_t pid;
	int cmd, ack;
	struct report r;
};

static int spawn(int (*fx)(struct report *), struct kid *k)
{
	int rep[2], cmd[2];

	memset(k, 0, sizeof(*k));
	if (pipe2(rep, O_CLOEXEC) || pipe2(cmd, O_CLOEXEC))
		return -1;
	k->pid = fork();
	if (k->pid == 0) {
		char c;
		int ok;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(cmd[1]);
		ok = fx(&k->r) == 0;
		if (!ok)
			k->r.ino = 0;
		if (write(rep[1], &k->r, sizeof(k->r)) != sizeof(k->r))
			_exit(1);
		while (read(cmd[0], &c, 1) == 1) {
			ok = hostile(c) == 0;
			if (write(rep[1], &ok, sizeof(ok)) != sizeof(ok))
				_exit(1);
		}
		_exit(0);
	}
	close(cmd[0]);
	close(rep[1]);
	k->cmd = cmd[1];
	k->ack = rep[0];
	if (k->pid < 0 || read(rep[0], &k->r, sizeof(k->r)) != sizeof(k->r) || !k->r.ino)
		return -1;
	return 0;
}

static bool tell(struct kid *k, char c)
{
	int ok = 0;

	return write(k->cmd, &c, 1) == 1 && read(k->ack, &ok, sizeof(ok)) == sizeof(ok) && ok;
}

static void reap(struct kid *k)
{
	if (k->pid <= 0)
		return;
	close(k->cmd);
	kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
	close(k->ack);
}

static const struct nsinfo_ns *find(struct nsinfo_snapshot *s, uint64_t ino)
{
	size_t n;
	int i = nsinfo_snapshot_find_ns(s, NSINFO_UTS, ino);

	return i < 0 ? NULL : &nsinfo_snapshot_namespaces(s, &n)[i];
}

/* The holder of kind in ns, NULL if none. */
static const struct nsinfo_holder *holder(const struct nsinfo_ns *ns, int kind)
{
	for (uint32_t i = 0; ns && i < ns->nholders; i++)
		if (ns->holders[i].kind == kind)
			return &ns->holders[i];
	return NULL;
}

/* An open result: the namespace asked for, then closed. */
static bool opened(int r, struct nsinfo_nsref *ref, uint64_t ino)
{
	bool same = r == 0 && ref->fd >= 0 && fd_ino(ref->fd) == ino && ref->ino == ino &&
		    ref->type == NSINFO_UTS;

	if (r == 0)
		close(ref->fd);
	return same;
}

static void check_ways(struct nsinfo_snapshot *s, const char *what, uint64_t ino, int kind)
{
	const struct nsinfo_ns *ns = find(s, ino);
	const struct nsinfo_holder *h = holder(ns, kind);
	struct nsinfo_nsref ref;
	int r;

	ok(ns && ns->nprocs == 0, "%s: in the snapshot, no process in it", what);
	ok(h != NULL, "%s: its %s holder listed", what, nsinfo_holder_kind_name(kind));
	if (!ns || !h)
		return;
	r = nsinfo_ns_open(s, ns, &ref);
	ok(opened(r, &ref, ino), "%s: nsinfo_ns_open gives it (r=%d)", what, r);
	r = nsinfo__ns_open_holder(s, ns, h, &ref);
	ok(opened(r, &ref, ino), "%s: through the %s holder alone (r=%d)", what,
	   nsinfo_holder_kind_name(kind), r);
	r = nsinfo__ns_open_handle(ns, &ref);
	if (r == -EOPNOTSUPP)
		skip("[kernel] %s: this kernel has no nsfs file handles", what);
	else
		ok(opened(r, &ref, ino), "%s: through its nsfs file handle alone (r=%d)", what, r);
}

static void check_hostile(struct nsinfo_snapshot *s, struct kid *m)
{
	const struct nsinfo_ns *ns = find(s, m->r.ino);
	const struct nsinfo_holder *h = holder(ns, NSINFO_HOLD_MOUNT);
	struct nsinfo_nsref ref;
	int r;

	if (!h) {
		skip("[host] no mount holder to make hostile");
		return;
	}
	ok(tell(m, 's'), "hostile: a directory on the path becomes a symlink to it");
	r = nsinfo__ns_open_holder(s, ns, h, &ref);
	if (r == 0)
		close(ref.fd);
	ok(r < 0, "hostile: the symlink is not followed (r=%d)", r);
	ok(tell(m, 'f'), "hostile: the namespace file becomes a FIFO");
	alarm(20); /* a blocking open fails the test instead of hanging it */
	r = nsinfo__ns_open_holder(s, ns, h, &ref);
	alarm(0);
	if (r == 0)
		close(ref.fd);
	ok(r < 0, "hostile: the FIFO is neither opened for reading nor blocks (r=%d)", r);
}

int main(void)
{
	struct nsinfo_scan_opts so = {
		.size = sizeof(so),
		.flags = NSINFO_SCAN_NO_THREADS | NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS,
	};
	struct nsinfo_snapshot *s = NULL;
	struct kid f = { 0 }, m = { 0 };
	struct nsinfo_nsref ref;
	int fd;

	if (geteuid() != 0) {
		skip("[root] needs root to make namespaces held by fds and mounts");
		goto out;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nstools-nsopen.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(dir, sizeof(dir), "%s/d", tmpdir);
	snprintf(moved, sizeof(moved), "%s/moved", tmpdir);
	snprintf(bindpath, sizeof(bindpath), "%s/ns", dir);
	if (mkdir(dir, 0700) || (fd = open(bindpath, O_CREAT | O_WRONLY, 0600)) < 0)
		return 1;
	close(fd);
	ok(spawn(fx_fd, &f) == 0, "fixture: uts namespace held by an fd only");
	ok(spawn(fx_mount, &m) == 0, "fixture: uts namespace held by a bind mount only");
	ok(nsinfo_snapshot_new(&so, &s) == 0, "snapshot with fd and mount holders");
	if (!s || !f.r.ino || !m.r.ino)
		goto out;
	check_ways(s, "fd-held", f.r.ino, NSINFO_HOLD_FD);
	check_ways(s, "mount-held", m.r.ino, NSINFO_HOLD_MOUNT);
	check_hostile(s, &m);

	reap(&f);
	ok(nsinfo_ns_open(s, find(s, f.r.ino), &ref) == -ENOENT,
	   "the fd holder gone: -ENOENT, not another namespace");
	ok(nsinfo_ns_open(NULL, find(s, m.r.ino), &ref) == -EINVAL, "NULL snapshot: -EINVAL");
out:
	reap(&f);
	reap(&m);
	nsinfo_snapshot_unref(s);
	if (*tmpdir) {
		unlink(bindpath);
		unlink(dir);
		rmdir(moved);
		rmdir(dir);
		rmdir(tmpdir);
	}
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

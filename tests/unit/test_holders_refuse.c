/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bind-mount holder pass opens mount points taken from another mount
 * namespace's mountinfo, inside that namespace's root, which its owner
 * controls. On a proc tree written here (one process whose root is a
 * directory of this test, in a private mount namespace) with three nsfs
 * mounts named in its mountinfo:
 *   /real      the uts namespace file, bind-mounted there: opened and probed
 *   /link/ipc  "link" is a symlink to the directory holding an ipc namespace
 *              bind mount: refused (no symlink is followed)
 *   /fifo      a FIFO where mountinfo names a net namespace: refused without
 *              blocking (an O_RDONLY open would wait for a writer forever)
 * The refusals are counted in the coverage; the holders stay listed.
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
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nsinfo.h"
#include "tap.h"

static char root[64];

static void xwrite(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f))
		diag("write %s: %m", path);
}

static uint64_t self_ino(const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", type);
	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

static int bind_ns(const char *type, const char *at)
{
	char src[64];
	int fd = open(at, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
	snprintf(src, sizeof(src), "/proc/self/ns/%s", type);
	return mount(src, at, NULL, MS_BIND, NULL);
}

static const struct nsinfo_ns *find(struct nsinfo_snapshot *s, int type, uint64_t ino)
{
	int i = nsinfo_snapshot_find_ns(s, type, ino);

	return i < 0 ? NULL : &nsinfo_snapshot_namespaces(s, NULL)[i];
}

static int mount_holders(const struct nsinfo_ns *n, const char *path)
{
	int k = 0;

	for (uint32_t i = 0; n && i < n->nholders; i++)
		k += n->holders[i].kind == NSINFO_HOLD_MOUNT && !strcmp(n->holders[i].path, path);
	return k;
}

int main(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o) };
	struct nsinfo_snapshot *s = NULL;
	struct nsinfo_coverage cov;
	const struct nsinfo_ns *uts, *ipc, *net;
	uint64_t u = self_ino("uts"), i = self_ino("ipc"), n = self_ino("net");
	char p[256], mi[1024];
	struct utsname un;
	int r;

	if (geteuid() != 0 || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		skip("[root] not root or no mount namespace: bind mounts of nsfs files need both");
		return tap_done();
	}
	snprintf(root, sizeof(root), "/tmp/nstools-refuse.XXXXXX");
	if (!mkdtemp(root))
		BAIL("mkdtemp: %m");
	snprintf(p, sizeof(p), "%s/100", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/100/ns", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/100/ns/mnt", root);
	if (symlink("mnt:[4026599002]", p))
		BAIL("symlink: %m");
	snprintf(p, sizeof(p), "%s/100/status", root);
	xwrite(p, "Name:\tctr\nState:\tS (sleeping)\nTgid:\t100\nPid:\t100\nPPid:\t1\n"
		  "Uid:\t0\t0\t0\t0\nNSpid:\t100\nThreads:\t1\n");
	snprintf(p, sizeof(p), "%s/100/stat", root);
	xwrite(p, "100 (ctr) S 1 100 100 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0\n");
	snprintf(mi, sizeof(mi),
		 "40 30 0:50 / / rw - overlay overlay rw\n"
		 "41 40 0:4 net:[%llu] /fifo rw - nsfs nsfs rw\n"
		 "42 40 0:4 ipc:[%llu] /link/ipc rw - nsfs nsfs rw\n"
		 "43 40 0:4 uts:[%llu] /real rw - nsfs nsfs rw\n",
		 (unsigned long long)n, (unsigned long long)i, (unsigned long long)u);
	snprintf(p, sizeof(p), "%s/100/mountinfo", root);
	xwrite(p, mi);
	snprintf(p, sizeof(p), "%s/100/root", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/100/root/real", root);
	ok(bind_ns("uts", p) == 0, "uts namespace bind-mounted at /real");
	snprintf(p, sizeof(p), "%s/100/root/sub", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/100/root/sub/ipc", root);
	ok(bind_ns("ipc", p) == 0, "ipc namespace bind-mounted at /sub/ipc");
	snprintf(p, sizeof(p), "%s/100/root/link", root);
	ok(symlink("sub", p) == 0, "/link is a symlink to /sub");
	snprintf(p, sizeof(p), "%s/100/root/fifo", root);
	ok(mkfifo(p, 0644) == 0, "/fifo is a FIFO");

	/* a blocking open would hang here: fail instead */
	signal(SIGALRM, SIG_DFL);
	alarm(60);
	o.proc_root = root;
	o.flags = NSINFO_SCAN_MOUNTS | NSINFO_SCAN_HOSTNAMES;
	r = nsinfo_snapshot_new(&o, &s);
	alarm(0);
	is(r, 0, "snapshot of the tree, without blocking");
	if (r)
		return tap_done();
	nsinfo_snapshot_coverage(s, &cov);
	is(cov.refused, 2, "two mount points refused (the symlinked path and the FIFO)");

	uts = find(s, NSINFO_UTS, u);
	ipc = find(s, NSINFO_IPC, i);
	net = find(s, NSINFO_NET, n);
	ok(uts && !(uts->flags & NSINFO_NS_DETACHED), "/real: the uts namespace was opened and probed");
	ok(uts && uts->dev != 0, "/real: its nsfs device is known");
	is(mount_holders(uts, "/real"), 1, "/real: one mount holder");
	ok(uts && uname(&un) == 0 && uts->hostname && !strcmp(uts->hostname, un.nodename),
	   "/real: hostname read through the mount, opened the same checked way");
	ok(ipc && (ipc->flags & NSINFO_NS_DETACHED), "/link/ipc: not opened (a symlink on the way)");
	is(mount_holders(ipc, "/link/ipc"), 1, "/link/ipc: the holder is still listed");
	ok(ipc && !ipc->hostname, "/link/ipc: nothing read through it");
	ok(net && (net->flags & NSINFO_NS_DETACHED), "/fifo: not opened as a namespace");
	is(mount_holders(net, "/fifo"), 1, "/fifo: the holder is still listed");
	nsinfo_snapshot_unref(s);

	/* the fixture lives in this private mount namespace: its mounts go
	 * with it; the files are removed here */
	snprintf(p, sizeof(p), "%s/100/root/real", root);
	umount2(p, MNT_DETACH);
	snprintf(p, sizeof(p), "%s/100/root/sub/ipc", root);
	umount2(p, MNT_DETACH);
	snprintf(p, sizeof(p), "rm -rf -- '%s'", root);
	if (system(p) != 0)
		diag("cleanup of %s failed", root);
	return tap_done();
}

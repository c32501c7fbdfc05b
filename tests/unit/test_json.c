/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot written to JSON and read back is the same snapshot: every
 * process, namespace, list, holder, container and coverage figure, the
 * command lines and user names saved with it, and written again it gives
 * the same bytes. Ground truth: a child this test puts in new uts and net
 * namespaces with a hostname of ours, and a net namespace only an fd of
 * ours holds. Malformed files give -EINVAL and a reason naming the place.
 */
#define _GNU_SOURCE
#include <errno.h>
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

#include "nsinfo.h"
#include "tap.h"

static char dir[64];

static uint64_t ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* A child in its own uts and net namespaces, named nst-json-PID */
static pid_t start_child(int *hold)
{
	int ready[2], keep[2];
	pid_t pid;
	char c;

	if (pipe(ready) || pipe(keep))
		return -1;
	pid = fork();
	if (pid == 0) {
		char name[32];

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		close(keep[1]);
		snprintf(name, sizeof(name), "nst-json-%d", (int)getppid());
		if (unshare(CLONE_NEWUTS | CLONE_NEWNET) || sethostname(name, strlen(name)))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		(void)!read(keep[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(keep[0]);
	*hold = keep[1];
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return pid;
}

/* A net namespace held by nothing but the returned fd */
static int fd_only_netns(void)
{
	int p[2], fd = -1;
	pid_t pid;
	char c, path[64];

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) || write(p[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) == 1) {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(p[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return fd;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, 0, f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int save(struct nsinfo_snapshot *s, const char *path)
{
	FILE *f = fopen(path, "we");
	int r;

	if (!f)
		return -errno;
	r = nsinfo_snapshot_write_json(s, f);
	if (fclose(f) && !r)
		r = -errno;
	return r;
}

static int same_list(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* A live string as a snapshot file holds it: valid UTF-8 (invalid bytes as
 * U+FFFD), cut to the field's size at a character boundary (json.c). */
static int same_saved(const char *live, const char *loaded, size_t field)
{
	char *buf = NULL;
	size_t size = 0, n;
	const char *c;
	int r;

	if (!live || !loaded)
		return !live && !loaded;
	c = nsinfo_escape(live, NSINFO_ESCAPE_UTF8, &buf, &size);
	if (!c)
		return 0;
	n = strlen(c);
	if (field && n >= field) {
		n = field - 1;
		while (n && (c[n] & 0xc0) == 0x80)
			n--;
	}
	r = strlen(loaded) == n && !memcmp(c, loaded, n);
	free(buf);
	return r;
}

static int same_comm(const char live[16], const char loaded[16])
{
	char a[17], b[17];

	memcpy(a, live, 16);
	memcpy(b, loaded, 16);
	a[16] = b[16] = 0;
	return same_saved(a, b, 16);
}

static int same_holder(const struct nsinfo_holder *a, const struct nsinfo_holder *b)
{
	return a->kind == b->kind && a->pid == b->pid && a->fd == b->fd && a->mntns == b->mntns &&
	       same_str(a->path, b->path) && a->ns == b->ns;
}

static void compare(struct nsinfo_snapshot *a, struct nsinfo_snapshot *b)
{
	size_t npa, npb, nna, nnb, nca, ncb;
	const struct nsinfo_proc *pa = nsinfo_snapshot_procs(a, &npa), *pb = nsinfo_snapshot_procs(b, &npb);
	const struct nsinfo_ns *na = nsinfo_snapshot_namespaces(a, &nna);
	const struct nsinfo_ns *nb = nsinfo_snapshot_namespaces(b, &nnb);
	const struct nsinfo_container *ca = nsinfo_snapshot_containers(a, &nca);
	const struct nsinfo_container *cb = nsinfo_snapshot_containers(b, &ncb);
	struct nsinfo_coverage cva, cvb;
	size_t bad_p = 0, bad_n = 0, bad_c = 0, holders = 0;
	const char *sa, *sb;

	is((long)npb, (long)npa, "as many processes (%zu)", npa);
	is((long)nnb, (long)nna, "as many namespaces (%zu)", nna);
	is((long)ncb, (long)nca, "as many containers (%zu)", nca);
	for (size_t i = 0; i < npa && i < npb; i++) {
		const struct nsinfo_proc *x = &pa[i], *y = &pb[i];
		int same = x->pid == y->pid && x->tgid == y->tgid && x->ppid == y->ppid &&
			   x->uid == y->uid && x->flags == y->flags && x->state == y->state &&
			   same_comm(x->comm, y->comm) && x->nspid_len == y->nspid_len &&
			   !memcmp(x->nspid, y->nspid, sizeof(pid_t) * (size_t)x->nspid_len) &&
			   !memcmp(x->ns, y->ns, sizeof(x->ns)) &&
			   x->pid_for_children == y->pid_for_children &&
			   x->time_for_children == y->time_for_children && x->container == y->container;

		if (!same && bad_p++ < 3)
			diag("process %zu (pid %d) differs", i, (int)x->pid);
	}
	ok(!bad_p, "every process the same: pids, NSpid chain, namespaces, container (%zu differ)", bad_p);
	for (size_t i = 0; i < nna && i < nnb; i++) {
		const struct nsinfo_ns *x = &na[i], *y = &nb[i];
		int same = x->type == y->type && x->ino == y->ino && x->dev == y->dev &&
			   x->nsid == y->nsid && x->parent == y->parent && x->owner == y->owner &&
			   x->owner_uid == y->owner_uid && x->level == y->level && x->flags == y->flags &&
			   same_list(x->procs, x->nprocs, y->procs, y->nprocs) &&
			   same_list(x->children, x->nchildren, y->children, y->nchildren) &&
			   same_list(x->owned, x->nowned, y->owned, y->nowned) &&
			   x->container == y->container && same_saved(x->hostname, y->hostname, 0) &&
			   x->nholders == y->nholders;

		for (uint32_t h = 0; same && h < x->nholders; h++)
			same = same_holder(&x->holders[h], &y->holders[h]);
		holders += x->nholders;
		if (!same && bad_n++ < 3)
			diag("namespace %zu (%s %llu) differs", i, nsinfo_type_name(x->type),
			     (unsigned long long)x->ino);
	}
	ok(!bad_n, "every namespace the same: ids, parent, owner, level, members, holders (%zu)",
	   holders);
	for (size_t i = 0; i < nca && i < ncb; i++)
		if (!same_str(ca[i].runtime, cb[i].runtime) || !same_str(ca[i].id, cb[i].id) ||
		    !same_str(ca[i].name, cb[i].name) || !same_str(ca[i].pod, cb[i].pod))
			bad_c++;
	ok(!bad_c, "every container the same");
	nsinfo_snapshot_coverage(a, &cva);
	nsinfo_snapshot_coverage(b, &cvb);
	ok(!memcmp(&cva, &cvb, sizeof(cva)), "coverage the same (scanned %u, denied %u)", cva.scanned,
	   cva.denied);
	sa = nsinfo_snapshot_source(a, NULL);
	sb = nsinfo_snapshot_source(b, NULL);
	is_str(sb, sa, "source the same");
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (nsinfo_snapshot_self_ns(a, t) != nsinfo_snapshot_self_ns(b, t))
			bad_n = 1000;
	ok(bad_n < 1000, "our own namespaces the same");
}

static void test_roundtrip(void)
{
	struct nsinfo_scan_opts o = {
		.size = sizeof(o),
		.flags = NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS | NSINFO_SCAN_CONTAINERS |
			 NSINFO_SCAN_HOSTNAMES,
	};
	struct nsinfo_snapshot *live = NULL, *back = NULL, *again = NULL;
	char f1[96], f2[96], why[256], cmd[4096], want[4096], host[64], path[64];
	int hold = -1, netfd = fd_only_netns(), i, r;
	pid_t kid = start_child(&hold);
	char *t1, *t2;
	uint64_t kid_uts, kid_net;

	ok(kid > 0 && netfd >= 0, "fixtures: a child in its own uts+net namespaces, an fd-held net");
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)kid);
	kid_uts = ino_of(path);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)kid);
	kid_net = ino_of(path);
	snprintf(f1, sizeof(f1), "%s/one.json", dir);
	snprintf(f2, sizeof(f2), "%s/two.json", dir);
	is(nsinfo_snapshot_new(&o, &live), 0, "live snapshot");
	if (!live)
		goto out;
	is(save(live, f1), 0, "written to %s", f1);
	r = nsinfo_snapshot_read_json(f1, &back, why, sizeof(why));
	is(r, 0, "read back (%s)", why);
	if (!back)
		goto out;
	compare(live, back);

	/* what the test made, as the loaded snapshot tells it */
	i = nsinfo_snapshot_find_ns(back, NSINFO_UTS, kid_uts);
	snprintf(host, sizeof(host), "nst-json-%d", (int)getpid());
	is_str(i >= 0 ? nsinfo_snapshot_namespaces(back, NULL)[i].hostname : NULL, host,
	       "the child's uts namespace with its hostname");
	i = nsinfo_snapshot_find_ns(back, NSINFO_NET, kid_net);
	ok(i >= 0 && nsinfo_snapshot_namespaces(back, NULL)[i].nprocs == 1 &&
	   nsinfo_snapshot_procs(back, NULL)[nsinfo_snapshot_namespaces(back, NULL)[i].procs[0]].pid == kid,
	   "the child's net namespace, the child its one member");
	{
		char fdpath[64];
		const struct nsinfo_ns *n;
		int found = 0;

		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", netfd);
		i = nsinfo_snapshot_find_ns(back, NSINFO_NET, ino_of(fdpath));
		n = i >= 0 ? &nsinfo_snapshot_namespaces(back, NULL)[i] : NULL;
		for (uint32_t h = 0; n && h < n->nholders; h++)
			found |= n->holders[h].kind == NSINFO_HOLD_FD && n->holders[h].pid == getpid() &&
				 n->holders[h].fd == netfd;
		ok(n && n->nprocs == 0 && found, "the fd-only net namespace, held by our fd %d", netfd);
	}
	/* the saved command line, not this host's: ours, read now */
	snprintf(want, sizeof(want), "%s", "?");
	is(nsinfo_proc_cmdline(live, getpid(), want, sizeof(want)), 0, "our command line (live)");
	is(nsinfo_proc_cmdline(back, getpid(), cmd, sizeof(cmd)), 0, "our command line (loaded)");
	is_str(cmd, want, "the same command line");
	is(nsinfo_proc_cmdline(back, 999999999, cmd, sizeof(cmd)), -ENOENT,
	   "a pid not in the file: -ENOENT, not this host's /proc");
	is_str(nsinfo_snapshot_username(back, getuid()), nsinfo_snapshot_username(live, getuid()),
	   "our user name, as saved");

	/* written again: the same bytes */
	is(save(back, f2), 0, "the loaded snapshot written again");
	t1 = slurp(f1);
	t2 = slurp(f2);
	ok(t1 && t2 && !strcmp(t1, t2), "byte for byte the same file (%zu bytes)", t1 ? strlen(t1) : 0);
	free(t1);
	free(t2);
	r = nsinfo_snapshot_read_json(f2, &again, why, sizeof(why));
	is(r, 0, "and read once more");
	if (again)
		compare(back, again);
out:
	nsinfo_snapshot_unref(live);
	nsinfo_snapshot_unref(back);
	nsinfo_snapshot_unref(again);
	unlink(f1);
	unlink(f2);
	if (hold >= 0)
		close(hold);
	if (kid > 0)
		waitpid(kid, NULL, 0);
	if (netfd >= 0)
		close(netfd);
}

/* malformed: write text, expect -EINVAL and a reason containing want */
static void bad_file(const char *name, const char *text, const char *want)
{
	struct nsinfo_snapshot *s = (struct nsinfo_snapshot *)1;
	char path[96], why[256] = "";
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	f = fopen(path, "we");
	if (!f || fputs(text, f) == EOF || fclose(f)) {
		ok(0, "%s: write the file", name);
		return;
	}
	r = nsinfo_snapshot_read_json(path, &s, why, sizeof(why));
	is(r, -EINVAL, "%s: -EINVAL", name);
	ok(strstr(why, want) != NULL, "%s: says \"%s\" (%s)", name, want, why);
	ok(s == (struct nsinfo_snapshot *)1, "%s: out left alone", name);
	unlink(path);
}

#define HEAD "{\"nsinfo_snapshot\":1,\"coverage\":{},\"self\":{},\"containers\":[],"
#define NS(extra) "{\"type\":\"net\",\"ino\":4026532000,\"holders\":[]" extra "}"

static void test_malformed(void)
{
	struct nsinfo_snapshot *s = NULL;
	char why[256];

	is(nsinfo_snapshot_read_json("/nonexistent/snap.json", &s, why, sizeof(why)), -ENOENT,
	   "a missing file: -ENOENT");
	bad_file("not JSON", "{\"nsinfo_snapshot\": 1, ", "not valid JSON");
	bad_file("another JSON document", "{\"namespaces\": []}", "not an nsinfo snapshot");
	bad_file("a later format", "{\"nsinfo_snapshot\": 2}", "format version 2");
	bad_file("no namespaces", HEAD "\"processes\":[]}", "\"namespaces\" missing");
	bad_file("unknown namespace type",
		 HEAD "\"namespaces\":[{\"type\":\"bogus\",\"ino\":1,\"holders\":[]}],\"processes\":[]}",
		 "namespace 0: unknown namespace type \"bogus\"");
	bad_file("parent out of range", HEAD "\"namespaces\":[" NS(",\"parent\":5") "],\"processes\":[]}",
		 "namespace 0: \"parent\" out of range");
	bad_file("owner not a user namespace",
		 HEAD "\"namespaces\":[" NS(",\"owner\":0") "],\"processes\":[]}",
		 "owner 0 is not a user namespace");
	bad_file("parents in a loop",
		 HEAD "\"namespaces\":[{\"type\":\"user\",\"ino\":1,\"parent\":1,\"holders\":[]},"
		      "{\"type\":\"user\",\"ino\":2,\"parent\":0,\"holders\":[]}],\"processes\":[]}",
		 "namespace 0: its parent and owner links lead round in a loop");
	bad_file("a loop mixing parent and owner links",
		 HEAD "\"namespaces\":[{\"type\":\"user\",\"ino\":1,\"parent\":1,\"holders\":[]},"
		      "{\"type\":\"user\",\"ino\":2,\"owner\":0,\"holders\":[]}],\"processes\":[]}",
		 "namespace 0: its parent and owner links lead round in a loop");
	bad_file("an integer above INT64_MAX",
		 HEAD "\"namespaces\":[{\"type\":\"net\",\"ino\":9223372036854775808,\"holders\":[]}],"
		      "\"processes\":[]}",
		 "namespace 0: \"ino\" out of range");
	bad_file("an integer above UINT64_MAX",
		 HEAD "\"namespaces\":[" NS(",\"nsid\":99999999999999999999999") "],\"processes\":[]}",
		 "namespace 0: \"nsid\" out of range");
	bad_file("a pid listed twice",
		 HEAD "\"namespaces\":[],\"processes\":[{\"pid\":5,\"comm\":\"x\",\"nspid\":[5],\"ns\":{}},"
		      "{\"pid\":7,\"comm\":\"y\",\"nspid\":[7],\"ns\":{}},"
		      "{\"pid\":5,\"comm\":\"z\",\"nspid\":[5],\"ns\":{}}]}",
		 "process 2: pid 5 listed twice (process 0 too)");
	bad_file("pid_for_children a net namespace",
		 HEAD "\"namespaces\":[" NS("") "],\"processes\":[{\"pid\":5,\"comm\":\"x\",\"nspid\":[5],"
		      "\"ns\":{},\"pid_for_children\":0}]}",
		 "process 0: \"pid_for_children\" 0 is a net namespace");
	bad_file("time_for_children a net namespace",
		 HEAD "\"namespaces\":[" NS("") "],\"processes\":[{\"pid\":5,\"comm\":\"x\",\"nspid\":[5],"
		      "\"ns\":{},\"time_for_children\":0}]}",
		 "process 0: \"time_for_children\" 0 is a net namespace");
	bad_file("a mount holder without a path",
		 HEAD "\"namespaces\":[" NS(",\"holders\":[{\"kind\":\"mount\",\"mntns\":4026531841}]")
		      "],\"processes\":[]}",
		 "namespace 0: holder 0: a mount without a \"path\"");
	bad_file("a child-ns holder without a namespace",
		 HEAD "\"namespaces\":[" NS(",\"holders\":[{\"kind\":\"child-ns\"}]") "],\"processes\":[]}",
		 "namespace 0: holder 0: child-ns without a namespace");
	bad_file("an fd holder without a pid",
		 HEAD "\"namespaces\":[" NS(",\"holders\":[{\"kind\":\"fd\",\"fd\":3}]") "],\"processes\":[]}",
		 "namespace 0: holder 0: fd without a \"pid\"");
	bad_file("trailing garbage", HEAD "\"namespaces\":[],\"processes\":[]}\n#",
		 "data after the snapshot at line 2, column 1");
	bad_file("a second document",
		 HEAD "\"namespaces\":[],\"processes\":[]} " HEAD "\"namespaces\":[],\"processes\":[]}",
		 "a second JSON document after the snapshot at line 1, column");
	bad_file("an empty file", "", "empty (nothing to read)");
	bad_file("a comment (not JSON)", "/* x */" HEAD "\"namespaces\":[],\"processes\":[]}",
		 "not valid JSON");
	bad_file("a namespace twice", HEAD "\"namespaces\":[" NS("") "," NS("") "],\"processes\":[]}",
		 "listed twice");
	bad_file("ino a string",
		 HEAD "\"namespaces\":[{\"type\":\"net\",\"ino\":\"x\",\"holders\":[]}],\"processes\":[]}",
		 "\"ino\" is not an integer");
	bad_file("unknown holder kind",
		 HEAD "\"namespaces\":[" NS(",\"holders\":[{\"kind\":\"glue\"}]") "],\"processes\":[]}",
		 "unknown kind \"glue\"");
	bad_file("process in a namespace index out of range",
		 HEAD "\"namespaces\":[" NS("") "],\"processes\":[{\"pid\":5,\"comm\":\"x\",\"nspid\":[5],"
		      "\"ns\":{\"net\":3}}]}",
		 "process 0: net namespace index out of range");
	bad_file("process in a namespace of the wrong type",
		 HEAD "\"namespaces\":[" NS("") "],\"processes\":[{\"pid\":5,\"comm\":\"x\",\"nspid\":[5],"
		      "\"ns\":{\"uts\":0}}]}",
		 "uts namespace index 0 is a net namespace");
	bad_file("negative pid",
		 HEAD "\"namespaces\":[],\"processes\":[{\"pid\":-4,\"comm\":\"x\",\"nspid\":[],\"ns\":{}}]}",
		 "process 0: \"pid\" out of range");
}

/* Read PATH, write it to PATH2, read that back: coverage of both */
static int reread(const char *text, struct nsinfo_coverage *a, struct nsinfo_coverage *b)
{
	struct nsinfo_snapshot *s = NULL, *t = NULL;
	char why[256], path[96], path2[96];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/cov.json", dir);
	snprintf(path2, sizeof(path2), "%s/cov2.json", dir);
	f = fopen(path, "we");
	if (!f || fputs(text, f) == EOF || fclose(f))
		return -EIO;
	r = nsinfo_snapshot_read_json(path, &s, why, sizeof(why));
	if (r == 0) {
		nsinfo_snapshot_coverage(s, a);
		f = fopen(path2, "we");
		r = f ? nsinfo_snapshot_write_json(s, f) : -errno;
		if (f && fclose(f) && !r)
			r = -errno;
		if (!r)
			r = nsinfo_snapshot_read_json(path2, &t, why, sizeof(why));
		if (!r)
			nsinfo_snapshot_coverage(t, b);
	}
	nsinfo_snapshot_unref(s);
	nsinfo_snapshot_unref(t);
	unlink(path);
	unlink(path2);
	return r;
}

/* The partial-view figures a tool words from a loaded snapshot: refused
 * bind-mount paths and the proc root's hidepid= survive the round trip */
static void test_coverage_saved(void)
{
	struct nsinfo_coverage a, b;

	memset(&a, 0xff, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	is(reread("{\"nsinfo_snapshot\":1,\"coverage\":{\"scanned\":9,\"denied\":4,"
		  "\"refused\":3,\"hidepid\":2},\"self\":{},\"containers\":[],"
		  "\"namespaces\":[],\"processes\":[]}", &a, &b), 0, "coverage with refused and hidepid: read, written, read");
	ok(a.refused == 3 && a.hidepid == NSINFO_HIDEPID_INVISIBLE && a.denied == 4 && a.scanned == 9,
	   "refused 3 and hidepid=invisible read (%u, %u)", a.refused, a.hidepid);
	ok(!memcmp(&a, &b, sizeof(a)), "written again and read: the same coverage (%u, %u)",
	   b.refused, b.hidepid);
	is(reread(HEAD "\"namespaces\":[],\"processes\":[]}", &a, &b), 0,
	   "a file from before refused and hidepid were saved: read");
	ok(a.refused == 0 && a.hidepid == 0, "absent: nothing refused, nothing hidden");
	bad_file("hidepid not a hidepid value",
		 "{\"nsinfo_snapshot\":1,\"coverage\":{\"hidepid\":3},\"self\":{},\"containers\":[],"
		 "\"namespaces\":[],\"processes\":[]}",
		 "\"coverage\": hidepid 3 is none of 0, 1, 2, 4");
	bad_file("refused negative",
		 "{\"nsinfo_snapshot\":1,\"coverage\":{\"refused\":-1},\"self\":{},\"containers\":[],"
		 "\"namespaces\":[],\"processes\":[]}",
		 "\"refused\" out of range");
}

/* Not a snapshot file at all: a directory, a device, a FIFO, too large */
static void test_not_files(void)
{
	struct nsinfo_snapshot *s = NULL;
	char why[256], path[96];
	int r;

	r = nsinfo_snapshot_read_json(dir, &s, why, sizeof(why));
	is(r, -EISDIR, "a directory: -EISDIR");
	is_str(why, "is a directory", "a directory: says so");
	r = nsinfo_snapshot_read_json("/dev/zero", &s, why, sizeof(why));
	is(r, -EINVAL, "/dev/zero: -EINVAL, not read until memory runs out");
	is_str(why, "not a regular file or a pipe", "/dev/zero: says why");
	/* nothing ever writes to it: the end, at once, not a hang (the
	 * runner's timeout is what would catch a hang) */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) == 0) {
		r = nsinfo_snapshot_read_json(path, &s, why, sizeof(why));
		is(r, -EINVAL, "a FIFO without a writer: -EINVAL");
		is_str(why, "empty (nothing to read)", "a FIFO without a writer: nothing to read");
		unlink(path);
	} else {
		ok(0, "mkfifo %s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/big.json", dir);
	{
		FILE *f = fopen(path, "we");

		ok(f && fprintf(f, HEAD "\"namespaces\":[],\"processes\":[]}") > 0 && !fclose(f),
		   "a small valid file");
	}
	r = nsinfo_snapshot_read_json_max(path, 16, &s, why, sizeof(why));
	is(r, -EFBIG, "over the size limit: -EFBIG");
	is_str(why, "larger than the limit of 16 bytes", "over the size limit: says the limit");
	r = nsinfo_snapshot_read_json_max(path, 4096, &s, why, sizeof(why));
	is(r, 0, "under the limit: read (%s)", why);
	nsinfo_snapshot_unref(s);
	unlink(path);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nst-json-%d", (int)getpid());
	if (mkdir(dir, 0700))
		BAIL("scratch directory %s: %s", dir, strerror(errno));
	if (geteuid() == 0)
		test_roundtrip();
	else
		skip("[root] not root: the fixtures need unshare");
	test_malformed();
	test_coverage_saved();
	test_not_files();
	rmdir(dir);
	return tap_done();
}

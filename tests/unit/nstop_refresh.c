/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Incremental refresh (libnsinfo/refresh.c, used by nstop): processes
 * still there keep their status reading, namespace links are read again,
 * new and exited processes are seen, *_for_children links can be skipped.
 */
#define _GNU_SOURCE
#include <errno.h>
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

/* A child that obeys one-byte commands on a pipe and acks each. */
struct child {
	pid_t pid;
	int cmd, ack;
};

/* The kernel shows pid_for_children only once the new pid namespace has
 * its init: fork one that lives as long as we do. */
static int spawn_init(void)
{
	pid_t p = fork();

	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	return p < 0 ? -1 : 0;
}

static void child_loop(int cmd, int ack)
{
	char c;

	while (read(cmd, &c, 1) == 1) {
		int ok = 1;

		switch (c) {
		case 'u': ok = unshare(CLONE_NEWUTS) == 0; break;
		case 'p': ok = unshare(CLONE_NEWPID) == 0 && spawn_init() == 0; break;
		case 'n': ok = prctl(PR_SET_NAME, "renamed", 0, 0, 0) == 0; break;
		}
		c = ok ? 'k' : 'e';
		if (write(ack, &c, 1) != 1)
			break;
	}
	_exit(0);
}

static int child_start(struct child *ch)
{
	int a[2], b[2];

	if (pipe(a) || pipe(b))
		return -1;
	ch->pid = fork();
	if (ch->pid < 0)
		return -1;
	if (ch->pid == 0) {
		close(a[1]);
		close(b[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "refresh-child", 0, 0, 0);
		child_loop(a[0], b[1]);
	}
	close(a[0]);
	close(b[1]);
	ch->cmd = a[1];
	ch->ack = b[0];
	/* an empty command: the child is up and named */
	return write(ch->cmd, "x", 1) == 1 && read(ch->ack, (char[1]){ 0 }, 1) == 1 ? 0 : -1;
}

static int child_do(struct child *ch, char c)
{
	char r = 0;

	if (write(ch->cmd, &c, 1) != 1 || read(ch->ack, &r, 1) != 1)
		return -1;
	return r == 'k' ? 0 : -1;
}

static void child_stop(struct child *ch)
{
	close(ch->cmd);
	close(ch->ack);
	waitpid(ch->pid, NULL, 0);
}

static uint64_t ns_ino_of(pid_t pid, const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, type);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

static const struct nsinfo_proc *proc_of(struct nsinfo_snapshot *s, pid_t pid)
{
	int i = nsinfo_snapshot_find_proc(s, pid);

	return i < 0 ? NULL : nsinfo_snapshot_procs(s, NULL) + i;
}

static uint64_t proc_ns_ino(struct nsinfo_snapshot *s, const struct nsinfo_proc *p, int t)
{
	return p && p->ns[t] >= 0 ? nsinfo_snapshot_namespaces(s, NULL)[p->ns[t]].ino : 0;
}

/* refresh_except: links of processes not named are copied, ids and edges
 * included; a named one is read. s0 predates a's unshare of uts. */
/* whether any process on the host has more than one thread */
static int has_threads(void)
{
	struct nsinfo_snapshot *s;
	struct nsinfo_coverage cov = { 0 };

	if (nsinfo_snapshot_new(NULL, &s) == 0) {
		nsinfo_snapshot_coverage(s, &cov);
		nsinfo_snapshot_unref(s);
	}
	return cov.tasks_scanned > 0;
}

static int refresh_except(struct nsinfo_snapshot *prev, const pid_t *changed, size_t n,
			  struct nsinfo_snapshot **out)
{
	struct nsinfo_refresh_opts o = {
		.size = sizeof(o), .flags = NSINFO_REFRESH_TRUST_LINKS,
		.changed = changed, .nchanged = n,
	};

	return nsinfo_snapshot_refresh(prev, &o, out);
}

static void trusted_links(struct nsinfo_snapshot *s0, struct child *a)
{
	struct nsinfo_snapshot *t = NULL, *r = NULL;
	const struct nsinfo_proc *p0, *p;
	pid_t self = getpid();

	is(refresh_except(s0, NULL, 1, &t), -EINVAL, "changed NULL with a count");
	is(refresh_except(s0, NULL, 0, &t), 0, "nothing changed");
	is(proc_ns_ino(t, proc_of(t, a->pid), NSINFO_UTS), proc_ns_ino(s0, proc_of(s0, a->pid), NSINFO_UTS),
	   "then every link is s0's");
	nsinfo_snapshot_unref(t);
	t = NULL;
	is(refresh_except(s0, &self, 1, &t), 0, "refresh trusting all but us");
	p0 = proc_of(s0, a->pid);
	p = proc_of(t, a->pid);
	ok(p0 && p, "a in both");
	is(proc_ns_ino(t, p, NSINFO_UTS), proc_ns_ino(s0, p0, NSINFO_UTS),
	   "a's links are taken from s0 (its later unshare unseen, as promised)");
	if (p0 && p && p0->ns[NSINFO_USER] >= 0) {
		const struct nsinfo_ns *u0 = nsinfo_snapshot_namespaces(s0, NULL) + p0->ns[NSINFO_USER];
		const struct nsinfo_ns *u = nsinfo_snapshot_namespaces(t, NULL) + p->ns[NSINFO_USER];
		const struct nsinfo_ns *n0 = nsinfo_snapshot_namespaces(s0, NULL) + p0->ns[NSINFO_NET];
		const struct nsinfo_ns *n = nsinfo_snapshot_namespaces(t, NULL) + p->ns[NSINFO_NET];

		is(u->nsid, u0->nsid, "copied user namespace keeps its id");
		ok(!(u->flags & NSINFO_NS_ANCESTOR), "and is not an ancestor-only namespace");
		ok(n->owner >= 0 && n0->owner >= 0 &&
		   nsinfo_snapshot_namespaces(t, NULL)[n->owner].ino ==
		   nsinfo_snapshot_namespaces(s0, NULL)[n0->owner].ino, "net keeps its owner edge");
	}
	p = proc_of(t, self);
	is(proc_ns_ino(t, p, NSINFO_NET), ns_ino_of(self, "net"), "a named process is read");

	is(refresh_except(s0, &a->pid, 1, &r), 0, "refresh naming a");
	p = proc_of(r, a->pid);
	is(proc_ns_ino(r, p, NSINFO_UTS), ns_ino_of(a->pid, "uts"), "a's new uts namespace is read");
	nsinfo_snapshot_unref(t);
	nsinfo_snapshot_unref(r);

	/* scan flags of the refresh itself: threads read again */
	struct nsinfo_refresh_opts o = {
		.size = sizeof(o), .flags = NSINFO_REFRESH_SCAN_FLAGS, .scan_flags = 0,
	};
	struct nsinfo_coverage cov;

	is(nsinfo_snapshot_refresh(s0, &o, &t), 0, "refresh with other scan flags");
	nsinfo_snapshot_coverage(t, &cov);
	ok(cov.tasks_scanned > 0 || !has_threads(), "threads scanned when the refresh asks");
	p = proc_of(t, a->pid);
	is_str(p ? p->comm : NULL, "renamed", "status read again (no reuse with threads)");
	nsinfo_snapshot_unref(t);
}

int main(void)
{
	/* reuse lends only to the /proc walk: force it, or a busy host
	 * (700 tasks and more) would pick the task iterator */
	struct nsinfo_scan_opts o = {
		.size = sizeof(o),
		.flags = NSINFO_SCAN_NO_THREADS | NSINFO_SCAN_REUSABLE | NSINFO_SCAN_NO_CHILDREN_LINKS |
			 NSINFO_SCAN_PROC,
	};
	struct nsinfo_snapshot *s0 = NULL, *s1 = NULL, *s2 = NULL, *fresh = NULL;
	struct child a, b;
	const struct nsinfo_proc *p;

	is(nsinfo_snapshot_refresh(NULL, NULL, &s1), -EINVAL, "refresh of nothing is -EINVAL");
	if (tap_not_root("the children unshare uts and pid namespaces"))
		return tap_done();
	if (child_start(&a) < 0)
		BAIL("start child a: %s", strerror(errno));
	is(nsinfo_snapshot_new(&o, &s0), 0, "reusable snapshot");

	/* after s0: a renames itself and moves to a new uts and pid_for_children */
	if (child_do(&a, 'n') || child_do(&a, 'u'))
		BAIL("child a commands: %s", strerror(errno));
	if (child_do(&a, 'p'))
		diag("unshare(CLONE_NEWPID) refused; pid_for_children checks are moot");
	if (child_start(&b) < 0)
		BAIL("start child b: %s", strerror(errno));

	is(nsinfo_snapshot_refresh(s0, NULL, &s1), 0, "refresh");
	p = proc_of(s1, a.pid);
	ok(p != NULL, "a is in the refresh");
	is_str(p ? p->comm : NULL, "refresh-child", "a's status was reused (the rename is not read)");
	is(proc_ns_ino(s1, p, NSINFO_UTS), ns_ino_of(a.pid, "uts"), "a's new uts namespace is read");
	ok(proc_ns_ino(s1, p, NSINFO_UTS) != ns_ino_of(getpid(), "uts"), "which differs from ours");
	ok(ns_ino_of(a.pid, "pid_for_children") != ns_ino_of(a.pid, "pid"),
	   "a's pid_for_children differs from its pid namespace");
	is(p ? p->pid_for_children : 0, -1, "pid_for_children skipped with NO_CHILDREN_LINKS");
	p = proc_of(s1, b.pid);
	is_str(p ? p->comm : NULL, "refresh-child", "b, started after s0, is read in full");
	is(p ? p->nspid[p->nspid_len - 1] : 0, b.pid, "b's NSpid");
	p = proc_of(s1, getpid());
	is(p ? p->nspid_len : 0, 1, "our own NSpid, reused");

	/* a refresh chain keeps working; an exited child leaves */
	child_stop(&b);
	is(nsinfo_snapshot_refresh(s1, NULL, &s2), 0, "refresh of a refresh");
	ok(proc_of(s2, b.pid) == NULL, "exited b is gone");
	ok(proc_of(s2, a.pid) != NULL, "a still there");

	/* ground truth for the reuse claim: a full read sees the rename */
	o.flags = NSINFO_SCAN_NO_THREADS | NSINFO_SCAN_PROC;
	is(nsinfo_snapshot_new(&o, &fresh), 0, "plain snapshot");
	p = proc_of(fresh, a.pid);
	is_str(p ? p->comm : NULL, "renamed", "a full read sees the new name");
	if (ns_ino_of(a.pid, "pid_for_children"))
		is(p && p->pid_for_children >= 0
		   ? nsinfo_snapshot_namespaces(fresh, NULL)[p->pid_for_children].ino : 0,
		   ns_ino_of(a.pid, "pid_for_children"), "without the flag pid_for_children is read");
	else
		skip("[root] the child has no pid_for_children link (unshare(CLONE_NEWPID) refused)");
	/* a prev that is not reusable: everything is read */
	nsinfo_snapshot_unref(s2);
	s2 = NULL;
	is(nsinfo_snapshot_refresh(fresh, NULL, &s2), 0, "refresh of a non-reusable snapshot");
	p = proc_of(s2, a.pid);
	is_str(p ? p->comm : NULL, "renamed", "reads in full");

	trusted_links(s0, &a);

	child_stop(&a);
	nsinfo_snapshot_unref(s0);
	nsinfo_snapshot_unref(s1);
	nsinfo_snapshot_unref(s2);
	nsinfo_snapshot_unref(fresh);
	return tap_done();
}

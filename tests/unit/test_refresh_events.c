/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NSINFO_REFRESH_TRUST_LINKS with the caller's events handle: the library
 * itself checks the guarantee the flag relies on (the handle ran since
 * the previous snapshot and lost nothing). Ground truth: a child of ours
 * that unshares its net namespace between snapshots, named in no changed
 * list. Where the library trusts, the snapshot keeps the child's earlier
 * namespace (as promised); where it cannot vouch, it reads the new one.
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

static int cmd_fd = -1, ack_fd = -1;

/* A child that unshares its net namespace on each byte it reads */
static pid_t start_child(void)
{
	int cmd[2], ack[2];
	pid_t pid;
	char c;

	if (pipe(cmd) || pipe(ack))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(cmd[1]);
		close(ack[0]);
		while (read(cmd[0], &c, 1) == 1) {
			c = unshare(CLONE_NEWNET) ? 'e' : 'k';
			if (write(ack[1], &c, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(cmd[0]);
	close(ack[1]);
	cmd_fd = cmd[1];
	ack_fd = ack[0];
	return pid;
}

static int child_unshare(void)
{
	char c = 'u';

	return write(cmd_fd, &c, 1) == 1 && read(ack_fd, &c, 1) == 1 && c == 'k' ? 0 : -1;
}

static uint64_t live_netns(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static uint64_t snap_netns(const struct nsinfo_snapshot *s, pid_t pid)
{
	int i = nsinfo_snapshot_find_proc(s, pid);
	const struct nsinfo_proc *p;

	if (i < 0)
		return 0;
	p = &nsinfo_snapshot_procs(s, NULL)[i];
	return p->ns[NSINFO_NET] >= 0 ? nsinfo_snapshot_namespaces(s, NULL)[p->ns[NSINFO_NET]].ino : 0;
}

static int on_event(const struct nsinfo_event *e, void *ud)
{
	(void)e;
	(void)ud;
	return 0;
}

static int refresh(struct nsinfo_snapshot *prev, struct nsinfo_events *ev,
		   struct nsinfo_snapshot **out)
{
	struct nsinfo_refresh_opts o = {
		.size = sizeof(o), .flags = NSINFO_REFRESH_TRUST_LINKS, .events = ev,
	};

	if (ev)
		nsinfo_events_consume(ev);
	return nsinfo_snapshot_refresh(prev, &o, out);
}

static uint64_t lost_of(struct nsinfo_events *ev)
{
	uint64_t lost = 0;

	nsinfo_events_lost(ev, &lost);
	return lost;
}

int main(void)
{
	struct nsinfo_events_opts eo = { .size = sizeof(eo), .cb = on_event };
	struct nsinfo_scan_opts so = {
		.size = sizeof(so), .flags = NSINFO_SCAN_REUSABLE | NSINFO_SCAN_NO_THREADS |
					     NSINFO_SCAN_PROC,
	};
	struct nsinfo_snapshot *s0 = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;
	struct nsinfo_events *ev = NULL, *ev2 = NULL;
	char why[160];
	uint64_t before, lost;
	pid_t child;

	if (tap_not_root("unshare and the event source"))
		return tap_done();
	if (nsinfo_events_supported(why, sizeof(why)) < 0) {
		skip("[bpf] event source not available: %s", why);
		return tap_done();
	}
	if (nsinfo_events_new(&eo, &ev) < 0 || nsinfo_events_new(&eo, &ev2) < 0)
		BAIL("two event handles");
	child = start_child();
	if (child < 0)
		BAIL("child started");
	is(nsinfo_snapshot_new(&so, &s0), 0, "first snapshot");

	/* s0 was made without the handle: it cannot vouch for s0 */
	ok(child_unshare() == 0, "child unshares net");
	is(refresh(s0, ev, &s1), 0, "refresh trusting links, with the handle");
	is(snap_netns(s1, child), live_netns(child),
	   "prev made without the handle: links read again, the new net namespace seen");

	/* s1 was made with it, nothing lost: the links are trusted */
	before = snap_netns(s1, child);
	lost = lost_of(ev);
	ok(child_unshare() == 0, "child unshares net again");
	is(refresh(s1, ev, &s2), 0, "refresh with the same handle");
	if (lost_of(ev) != lost)
		skip("[host] the event source lost events on this busy host: trust not checked");
	else
		is(snap_netns(s2, child), before,
		   "same handle, nothing lost: links taken from prev (the unshare not named unseen)");

	/* another handle did not run when s2 was taken */
	ok(child_unshare() == 0, "child unshares net a third time");
	is(refresh(s2, ev2, &s3), 0, "refresh with another handle");
	is(snap_netns(s3, child), live_netns(child),
	   "another handle: links read again, the new net namespace seen");

	/* without a handle the caller vouches, as before */
	before = snap_netns(s3, child);
	ok(child_unshare() == 0, "child unshares net a fourth time");
	is(refresh(s3, NULL, &s4), 0, "refresh trusting links without a handle");
	is(snap_netns(s4, child), before, "no handle: the caller's word, links taken from prev");

	nsinfo_snapshot_unref(s0);
	nsinfo_snapshot_unref(s1);
	nsinfo_snapshot_unref(s2);
	nsinfo_snapshot_unref(s3);
	nsinfo_snapshot_unref(s4);
	nsinfo_events_unref(ev);
	nsinfo_events_unref(ev2);
	close(cmd_fd);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return tap_done();
}

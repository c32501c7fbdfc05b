/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsinfo_counters: the in-kernel namespace operation counters against
 * operations this test makes: N unshare(CLONE_NEWUTS) in children (ok), and
 * unshare(CLONE_NEWIPC) refused to an unprivileged child (EPERM). Other
 * processes on the host count too: totals must rise by at least ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "nsinfo.h"

static uint64_t total(struct nsinfo_counters *c, int kind, int type, int error)
{
	struct nsinfo_counter *v = NULL;
	uint64_t sum = 0;
	size_t n = 0;

	if (nsinfo_counters_read(c, &v, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == kind && v[i].type == type && v[i].error == error)
			sum += v[i].count;
	free(v);
	return sum;
}

/* a child calls unshare(flags), as nobody when unpriv */
static void child_unshare(int flags, int unpriv)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		if (unpriv && (setgid(65534) || setuid(65534)))
			_exit(2);
		_exit(unshare(flags) ? 1 : 0);
	}
	waitpid(p, &st, 0);
}

int main(void)
{
	struct nsinfo_counters *c = NULL;
	char why[256];
	uint64_t ok0, eperm0;
	int r, N = 20;

	if (nsinfo_events_supported(why, sizeof(why)) < 0) {
		skip("[bpf] BPF not available: %s", why);
		return tap_done();
	}
	r = nsinfo_counters_new(NULL, &c);
	if (r < 0)
		BAIL("nsinfo_counters_new: %s", strerror(-r));
	ok(!strcmp(nsinfo_counters_attach_mode(c), "tracepoint") ||
	   !strcmp(nsinfo_counters_attach_mode(c), "raw_tracepoint"), "attach mode named");
	ok0 = total(c, NSINFO_EV_UNSHARE, NSINFO_UTS, 0);
	eperm0 = total(c, NSINFO_EV_UNSHARE, NSINFO_IPC, EPERM);
	for (int i = 0; i < N; i++)
		child_unshare(CLONE_NEWUTS, 0);
	for (int i = 0; i < 3; i++)
		child_unshare(CLONE_NEWIPC, 1);
	ok(total(c, NSINFO_EV_UNSHARE, NSINFO_UTS, 0) >= ok0 + N,
	   "%d unshare(NEWUTS): counter rose by >= %d", N, N);
	ok(total(c, NSINFO_EV_UNSHARE, NSINFO_IPC, EPERM) >= eperm0 + 3,
	   "3 refused unshare(NEWIPC): EPERM counter rose by >= 3");
	ok(nsinfo_counters_read(NULL, NULL, NULL) == -EINVAL, "read(NULL): -EINVAL");
	is(nsinfo_counters_ref(c), c, "ref returns the handle");
	nsinfo_counters_unref(c);
	nsinfo_counters_unref(c);
	nsinfo_counters_unref(NULL);

	/* raw tracepoints count the same */
	struct nsinfo_counters_opts o = { .size = sizeof(o), .flags = NSINFO_COUNTERS_RAW_SYSCALLS };
	r = nsinfo_counters_new(&o, &c);
	ok(r == 0, "raw syscalls: loads (%s)", r < 0 ? strerror(-r) : "ok");
	if (!r) {
		is_str(nsinfo_counters_attach_mode(c), "raw_tracepoint", "raw syscalls: attach mode");
		ok0 = total(c, NSINFO_EV_UNSHARE, NSINFO_UTS, 0);
		for (int i = 0; i < N; i++)
			child_unshare(CLONE_NEWUTS, 0);
		ok(total(c, NSINFO_EV_UNSHARE, NSINFO_UTS, 0) >= ok0 + N,
		   "raw syscalls: %d unshare(NEWUTS) counted", N);
		nsinfo_counters_unref(c);
	}
	return tap_done();
}

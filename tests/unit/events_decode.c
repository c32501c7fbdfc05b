/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Decoding of canned probe records (struct nsevent) into nsinfo_event. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>

#include "tap.h"
#include "nsinfo.h"
#include "compat.h"
#include "events/events.h"
#include "nsevent.h"

static struct nsevent base(unsigned kind)
{
	struct nsevent r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.ts_ns = 1000;
	r.pid = 4242;
	r.tgid = 4240;
	r.ppid = 1;
	r.uid = 1000;
	r.nspid_len = 2;
	r.nspid[0] = 4242;
	r.nspid[1] = 7;
	memcpy(r.comm, "containerd-shimX", 16);  /* no NUL: the kernel allows 15 + NUL */
	for (int s = 0; s < NSEVENT_NSLOTS; s++) {
		r.before[s].ino = 4026531830u + s;
		r.before[s].id = 10 + s;
		r.after[s] = r.before[s];
	}
	return r;
}

static void test_setns_failed(void)
{
	struct nsevent r = base(NSEVENT_SETNS);
	struct nsinfo_event e;

	r.ret = -EINVAL;
	r.latency_ns = 1234;
	r.target_fd = 5;
	r.target_kind = NSEVENT_TGT_NSFD;
	r.target_type = CLONE_NEWNET;
	r.target_ino = 4026532000u;
	r.target_nsid = 99;
	r.cgroup_id = 777;
	is(nsinfo__event_decode(&r, sizeof(r), 5000000000LL, &e), 0, "setns record decodes");
	is(e.kind, NSINFO_EV_SETNS, "kind setns");
	is_str(nsinfo_event_kind_name(e.kind), "setns", "kind name");
	is(e.mono_ns, 1000, "monotonic time kept");
	is(e.time_ns, 5000001000ULL, "realtime = monotonic + offset");
	is(e.latency_ns, 1234, "latency");
	ok(e.pid == 4242 && e.tgid == 4240 && e.ppid == 1 && e.uid == 1000, "caller ids");
	is_str(e.comm, "containerd-shim", "16-byte comm without NUL is terminated");
	ok(e.nspid_len == 2 && e.nspid[1] == 7, "NSpid");
	is(e.cgroup_id, 777, "cgroup id");
	ok(e.ret == -EINVAL && e.error == EINVAL, "return value and errno");
	ok(e.target == NSINFO_EV_TARGET_NSFD && e.target_fd == 5 && e.target_type == NSINFO_NET &&
	   e.target_ns.ino == 4026532000u && e.target_ns.nsid == 99, "nsfd target");
	is(e.types, 1u << NSINFO_NET, "nstype 0: the type is the fd's");
	ok(e.before[NSINFO_UTS].ino == 4026531830u + NSINFO_UTS &&
	   e.before[NSINFO_EV_SLOT_TIME_CHILDREN].nsid == 10 + NSEVENT_SLOT_TIME_CHILDREN,
	   "namespace slots map one to one");
}

static void test_setns_pidfd(void)
{
	struct nsevent r = base(NSEVENT_SETNS);
	struct nsinfo_event e;

	r.target_kind = NSEVENT_TGT_PIDFD;
	r.target_pid = 31337;
	r.flags = CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUSER;
	r.after[NSEVENT_SLOT_NET].ino = 4026532999u;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "pidfd record decodes");
	ok(e.target == NSINFO_EV_TARGET_PIDFD && e.target_pid == 31337 && e.target_type == -1,
	   "pidfd target: pid, no type");
	is(e.types, (1u << NSINFO_NET) | (1u << NSINFO_MNT) | (1u << NSINFO_USER), "pidfd: types from flags");
	is(e.after[NSINFO_NET].ino, 4026532999u, "after ids");
	ok(e.error == 0 && e.ret == 0, "success");
}

static void test_clone_kinds(void)
{
	struct nsevent r = base(NSEVENT_CLONE);
	struct nsinfo_event e;

	/* clone(): low byte is the exit signal; 0x80 there is not NEWTIME */
	r.flags = CLONE_NEWNET | 0x80 | SIGCHLD;
	r.ret = 555;
	r.child_pid = 555;
	r.child_vpid = 1;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "clone record decodes");
	is(e.types, 1u << NSINFO_NET, "clone: exit-signal byte ignored");
	ok(e.child_pid == 555 && e.child_vpid == 1 && e.target_fd == -1, "child pids");

	r.kind = NSEVENT_CLONE3;
	r.flags = CLONE_NEWTIME | CLONE_NEWPID;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "clone3 record decodes");
	is(e.kind, NSINFO_EV_CLONE3, "kind clone3");
	is(e.types, (1u << NSINFO_TIME) | (1u << NSINFO_PID), "clone3: NEWTIME is a type");

	r = base(NSEVENT_FORK);
	r.after[NSEVENT_SLOT_PID].ino = 4026533000u;
	r.ret = 600;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "fork record decodes");
	ok(e.kind == NSINFO_EV_FORK && e.types == 1u << NSINFO_PID && e.error == 0,
	   "fork: the type is the one that differs");

	r = base(NSEVENT_UNSHARE);
	r.flags = CLONE_NEWUTS | CLONE_FS;
	r.ret = -EPERM;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "unshare record decodes");
	ok(e.types == 1u << NSINFO_UTS && e.error == EPERM, "unshare: types and errno");
}

static void test_invalid(void)
{
	struct nsevent r = base(NSEVENT_UNSHARE);
	struct nsinfo_event e, orig;

	memset(&e, 0xab, sizeof(e));
	orig = e;
	is(nsinfo__event_decode(&r, sizeof(r) - 1, 0, &e), -EINVAL, "short record refused");
	r.kind = 0;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), -EINVAL, "kind 0 refused");
	r.kind = 99;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), -EINVAL, "unknown kind refused");
	r = base(NSEVENT_SETNS);
	r.target_kind = 17;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), -EINVAL, "unknown target refused");
	ok(!memcmp(&e, &orig, sizeof(e)), "out untouched on failure");
	is(nsinfo__event_decode(NULL, sizeof(r), 0, &e), -EINVAL, "NULL record refused");
	r = base(NSEVENT_UNSHARE);
	r.nspid_len = 40;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "deep NSpid decodes");
	is(e.nspid_len, NSINFO_EV_MAX_LEVELS, "NSpid length clamped");
	ok(nsinfo_event_kind_name(NSINFO_EV_NKINDS) == NULL && nsinfo_event_kind_name(-1) == NULL,
	   "no name for invalid kinds");
}

/* Values no kernel writes, which a decoder must still not overflow on
 * (UBSan in the ASan build catches a signed overflow) */
static void test_extremes(void)
{
	struct nsevent r = base(NSEVENT_SETNS);
	struct nsinfo_event e;

	r.ts_ns = (uint64_t)INT64_MAX;
	is(nsinfo__event_decode(&r, sizeof(r), INT64_MAX, &e), 0, "extreme timestamp decodes");
	ok(e.time_ns == (uint64_t)INT64_MAX * 2, "time wraps as unsigned, not a signed overflow");
	r.ret = INT64_MIN;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "INT64_MIN return decodes");
	is(e.error, 4095, "a return below -4095 is no errno: error clamped to 4095");
	ok(e.ret == INT64_MIN, "ret kept as recorded");
	r.ret = -4095;
	is(nsinfo__event_decode(&r, sizeof(r), INT64_MIN, &e), 0, "negative realtime offset");
	is(e.error, 4095, "-4095 is errno 4095");
	r.ret = -EPERM;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), 0, "ordinary failure");
	is(e.error, EPERM, "error EPERM");
}

/* A compact record as the probe sends it by default: the changed slots'
 * before entries, then their after entries, nothing more. */
static void test_packed(void)
{
	struct nsevent r = base(NSEVENT_UNSHARE);
	struct nsevent_ns *ns = (struct nsevent_ns *)((char *)&r + NSEVENT_HEAD_LEN);
	size_t len = NSEVENT_HEAD_LEN + 4 * sizeof(*ns);
	struct nsinfo_event e;

	r.flags = CLONE_NEWNET | CLONE_NEWUTS;
	r.packed = NSEVENT_PACKED | (1u << NSEVENT_SLOT_NET) | (1u << NSEVENT_SLOT_UTS);
	ns[0] = (struct nsevent_ns){ .ino = 100, .id = 1 };   /* net before */
	ns[1] = (struct nsevent_ns){ .ino = 200, .id = 2 };   /* uts before */
	ns[2] = (struct nsevent_ns){ .ino = 101, .id = 11 };  /* net after */
	ns[3] = (struct nsevent_ns){ .ino = 201, .id = 12 };  /* uts after */
	is(nsinfo__event_decode(&r, len, 0, &e), 0, "packed record decodes");
	ok(e.before[NSINFO_NET].ino == 100 && e.before[NSINFO_NET].nsid == 1 &&
	   e.after[NSINFO_NET].ino == 101 && e.after[NSINFO_NET].nsid == 11, "packed: net before/after");
	ok(e.before[NSINFO_UTS].ino == 200 && e.after[NSINFO_UTS].ino == 201 &&
	   e.after[NSINFO_UTS].nsid == 12, "packed: uts before/after");
	ok(!e.before[NSINFO_MNT].ino && !e.after[NSINFO_MNT].ino &&
	   !e.after[NSINFO_EV_SLOT_TIME_CHILDREN].ino, "packed: the other slots are 0");
	is(e.types, (1u << NSINFO_NET) | (1u << NSINFO_UTS), "packed: types");
	is(nsinfo__event_decode(&r, len - 1, 0, &e), -EINVAL, "packed: short record refused");
	r.packed = NSEVENT_PACKED | (1u << NSEVENT_NSLOTS);
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), -EINVAL, "packed: unknown slot refused");
	r.packed = 3;
	is(nsinfo__event_decode(&r, sizeof(r), 0, &e), -EINVAL, "packed: mask without the marker refused");
	r.packed = NSEVENT_PACKED;
	is(nsinfo__event_decode(&r, NSEVENT_HEAD_LEN, 0, &e), 0, "packed: nothing changed (a failed call)");
	is(nsinfo__event_decode(&r, NSEVENT_HEAD_LEN - 1, 0, &e), -EINVAL, "packed: short header refused");
}

int main(void)
{
	test_extremes();
	test_packed();
	test_setns_failed();
	test_setns_pidfd();
	test_clone_kinds();
	test_invalid();
	return tap_done();
}

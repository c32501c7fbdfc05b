/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nscount.h - layout of the namespace operation counters kept by
 * nscount.bpf.c in one per-CPU array, shared with libnsinfo (counters.c).
 * One slot per (operation, namespace type, result): summing a slot over the
 * CPUs gives an exact total, with nothing queued and nothing to lose.
 */
#ifndef NSTOOLS_NSCOUNT_H
#define NSTOOLS_NSCOUNT_H

/* operations, in enum nsinfo_event_kind order */
enum nscount_op {
	NSCOUNT_CLONE = 0,
	NSCOUNT_CLONE3,
	NSCOUNT_UNSHARE,
	NSCOUNT_SETNS,
	NSCOUNT_FORK,             /* a plain fork whose child lands in another pid/time ns */
	NSCOUNT_NOPS
};

/* namespace types in enum nsinfo_type order, then "unknown" (a setns
 * whose fd was no namespace) */
#define NSCOUNT_NTYPES 9
#define NSCOUNT_TYPE_UNKNOWN 8
/* result 0: success; 1..NSCOUNT_MAXERR-1: that errno; NSCOUNT_MAXERR: larger */
#define NSCOUNT_MAXERR 134
#define NSCOUNT_NRES (NSCOUNT_MAXERR + 1)

#define NSCOUNT_SLOT(op, type, res) \
	((((op) * NSCOUNT_NTYPES) + (type)) * NSCOUNT_NRES + (res))
#define NSCOUNT_NSLOTS (NSCOUNT_NOPS * NSCOUNT_NTYPES * NSCOUNT_NRES)

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite: the words for an errno, shared by every step (a leaf: it
 * calls nothing else of the tool). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>

#include "nsenter-lite.h"

/* Operators read these mid-incident: say what it means for a join. */
const char *errno_reason(int err)
{
	static const struct { int err; const char *why; } reasons[] = {
		{ EPERM,      "permission denied" },
		{ EACCES,     "permission denied" },
		{ EOPNOTSUPP, "namespace type not supported by this kernel" },
		{ ENOTTY,     "not a namespace file" },
		{ EMEDIUMTYPE, "a namespace of another type" },
		{ ENOTUNIQ,   "an id prefix shared by several containers" },
		{ EXDEV,      "after joining we are in another namespace: it changed meanwhile" },
	};

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].err == err)
			return reasons[i].why;
	/* the pid lookups' reasons (a thread id, /proc of another pid
	 * namespace, ...), else strerror() */
	return nsinfo_pid_strerror(err);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What ps shows of a task a pid chain pinned (nspid's PPID, UID, USER,
 * STIME and TIME): its stat and status read through the pid map's proc
 * root with the library's readers and parsers, believed only while the
 * pin says the task still lives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "pidmap/pidmap.h"

/* The boot time of the proc root (btime of its stat: seconds since the
 * epoch, as ps counts start times from), read once; 0 unknown. */
static int64_t boot_time(struct nsinfo_pidmap *m)
{
	char *buf = NULL, *p;
	long long v;

	if (!m->btime) {
		m->btime = -1;
		if (nsinfo__read_file_at(m->procfd, "stat", 1u << 24, &buf, NULL) == 0 &&
		    (p = strstr(buf, "\nbtime ")) && (v = strtoll(p + 7, NULL, 10)) > 0)
			m->btime = v;
		free(buf);
	}
	return m->btime > 0 ? m->btime : 0;
}

NSINFO_EXPORT int nsinfo_pidmap_ps(struct nsinfo_pidmap *m, const struct nsinfo_pidchain *c,
				   struct nsinfo_psinfo *out)
{
	struct nsinfo__status st = { .uid = (uid_t)-1 };
	char path[64], buf[PIDMAP_STATUS_BUF];
	struct nsinfo__stat ps;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t boot;
	int len;
	ssize_t n;

	if (!m || !c || !out || c->nlevels < 1)
		return -EINVAL;
	if (m->flags & NSINFO_PIDMAP_THREADS)
		len = snprintf(path, sizeof(path), "%d/task/%d/", (int)c->levels[0].tgid,
			       (int)c->levels[0].pid);
	else
		len = snprintf(path, sizeof(path), "%d/", (int)c->levels[0].tgid);
	snprintf(path + len, sizeof(path) - (size_t)len, "stat");
	n = nsinfo__read_at(m->procfd, path, buf, sizeof(buf));
	if (n >= 0 && nsinfo__parse_stat(buf, &ps) < 0)
		n = -EINVAL;
	if (n >= 0) {
		snprintf(path + len, sizeof(path) - (size_t)len, "status");
		n = nsinfo__read_at(m->procfd, path, buf, sizeof(buf));
	}
	/* a status without an Uid: line is not one */
	if (n >= 0 && (nsinfo__parse_status(buf, &st) < 0 || st.uid == (uid_t)-1))
		n = -EINVAL;
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	if (nsinfo_pidchain_check(c) < 0)
		return -ESTALE;
	boot = boot_time(m);
	*out = (struct nsinfo_psinfo){
		.ppid = st.ppid,
		.uid = st.uid,
		.cpu_ns = ps.ticks * nsinfo__tick_ns(),
		.start_time = ps.start_time,
		.started = boot ? boot + (int64_t)(ps.start_time / (uint64_t)(hz > 0 ? hz : 100)) : 0,
	};
	return 0;
}

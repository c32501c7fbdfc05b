/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container pass of an incremental refresh (libnsinfo/refresh.c,
 * used by nsexporter): a process the previous snapshot placed keeps its
 * container without its cgroup being read again, but
 *  - a process that moves into a container cgroup later is found when its
 *    cgroup is read again: exactly 8 - pid % 8 refreshes after the first
 *    read (reads of the whole population spread over 8 refreshes);
 *  - a process younger than 2 s when read is read again at the next
 *    refresh (runtimes move a new process into its cgroup just after
 *    creating it);
 *  - a process started since, or a pid reused, is read.
 * Ground truth: cgroups made here (docker-<ID>.scope under a directory of
 * our own), children moved into them with cgroup.procs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nsinfo.h"
#include "tap.h"

static const char *cg2_root(void)
{
	static const char *const dirs[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };

	for (size_t i = 0; i < 2; i++) {
		char p[64];

		snprintf(p, sizeof(p), "%s/cgroup.procs", dirs[i]);
		if (!access(p, W_OK) && !access(dirs[i], W_OK)) {
			char ctl[64];

			/* cgroup2 has cgroup.controllers; v1 has not */
			snprintf(ctl, sizeof(ctl), "%s/cgroup.controllers", dirs[i]);
			if (!access(ctl, R_OK))
				return dirs[i];
		}
	}
	return NULL;
}

static int move_to(const char *dir, pid_t pid)
{
	char path[512], num[16];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(num, sizeof(num), "%d", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = (int)write(fd, num, strlen(num));
	close(fd);
	return n < 0 ? -errno : 0;
}

static pid_t sleeper(void)
{
	pid_t p = fork();

	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return p;
}

static void stop(pid_t p)
{
	if (p > 0) {
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
	}
}

/* Seconds since pid started (boot time, as /proc/PID/stat field 22) */
static double age_of(pid_t pid)
{
	char path[64], buf[1024], *e;
	unsigned long long start;
	struct timespec ts;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	e = strrchr(buf, ')');
	if (!e)
		return -1;
	/* field 3 (state) follows ") "; start time is field 22 */
	e += 2;
	for (field = 3; field < 22 && e; field++) {
		e = strchr(e, ' ');
		if (e)
			e++;
	}
	if (!e || sscanf(e, "%llu", &start) != 1)
		return -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9 - (double)start / (double)sysconf(_SC_CLK_TCK);
}

/* Runtime and id of pid's container in s, "" for none */
static const char *container_id(struct nsinfo_snapshot *s, pid_t pid)
{
	int i = nsinfo_snapshot_find_proc(s, pid);
	size_t nc;
	const struct nsinfo_container *c = nsinfo_snapshot_containers(s, &nc);
	const struct nsinfo_proc *p;

	if (i < 0)
		return "(no process)";
	p = nsinfo_snapshot_procs(s, NULL) + i;
	if (p->container < 0 || (size_t)p->container >= nc)
		return "";
	return c[p->container].id;
}

/* s is replaced by a refresh of itself */
static int refresh(struct nsinfo_snapshot **s)
{
	struct nsinfo_snapshot *next = NULL;
	int r = nsinfo_snapshot_refresh(*s, NULL, &next);

	if (r == 0) {
		nsinfo_snapshot_unref(*s);
		*s = next;
	}
	return r;
}

int main(void)
{
	struct nsinfo_scan_opts o = { .size = sizeof(o),
				      .flags = NSINFO_SCAN_CONTAINERS | NSINFO_SCAN_REUSABLE };
	struct nsinfo_snapshot *s = NULL;
	char top[256], dock[512], id[65];
	const char *root = cg2_root();
	pid_t old = -1, young = -1, late = -1;
	int found_at = -1, want;
	struct timespec t0;

	if (tap_not_root("cgroups are made here"))
		return tap_done();
	if (!root) {
		skip("[cgroup] no writable cgroup2 hierarchy: containers cannot be made");
		return tap_done();
	}
	snprintf(top, sizeof(top), "%s/nst-refresh-%d", root, (int)getpid());
	snprintf(id, sizeof(id), "7e%06x%056d", (unsigned)getpid() & 0xffffff, 0);
	snprintf(dock, sizeof(dock), "%s/docker-%s.scope", top, id);
	if (mkdir(top, 0755) || mkdir(dock, 0755)) {
		ok(0, "cgroups %s (%s)", dock, strerror(errno));
		goto out;
	}

	/* old: older than 2 s before the first snapshot reads it */
	old = sleeper();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct timespec t;
		double a = age_of(old);

		if (a > 2.5)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (a < 0 || t.tv_sec - t0.tv_sec > 30)
			BAIL("the child does not age: %f", a);
		usleep(100000);
	}
	young = sleeper();
	is(nsinfo_snapshot_new(&o, &s), 0, "reusable snapshot with containers");
	if (!s)
		goto out;
	/* the rule is about the age when the cgroup was read, at the end of
	 * the scan: on a slow host (a sanitizer, a load) young may be past it */
	double young_age = age_of(young);
	is_str(container_id(s, old), "", "old child: no container yet");
	is_str(container_id(s, young), "", "young child: no container yet");

	/* then all three are moved into the container's cgroup */
	ok(move_to(dock, old) == 0 && move_to(dock, young) == 0, "old and young moved into %s", dock);
	late = sleeper();
	ok(move_to(dock, late) == 0, "a child started after the snapshot moved there too");

	is(refresh(&s), 0, "refresh 1");
	if (young_age < 1.8)
		is_str(container_id(s, young), id, "young (under 2 s when read): read again, in the container");
	else
		skip("[host] the snapshot took %.1f s: the young child was not young when read", young_age);
	is_str(container_id(s, late), id, "started since: read, in the container");
	/* the old one is placed from the snapshot before until its turn */
	want = 8 - (int)(old % 8);
	for (int k = 1; k <= 9; k++) {
		if (k > 1 && refresh(&s) != 0) {
			ok(0, "refresh %d", k);
			break;
		}
		if (!strcmp(container_id(s, old), id)) {
			found_at = k;
			break;
		}
	}
	is(found_at, want, "old child (pid %d): placed from the earlier read until refresh %d, "
	   "then read again and found (found at %d)", (int)old, want, found_at);

	/* leaving the container: moved back out, found out within 8 refreshes */
	ok(move_to(top, old) == 0, "old child moved out again");
	found_at = -1;
	for (int k = 1; k <= 9; k++) {
		if (refresh(&s) != 0)
			break;
		if (!strcmp(container_id(s, old), "")) {
			found_at = k;
			break;
		}
	}
	is(found_at, 8, "... seen out of it at the 8th refresh after its last read (got %d)", found_at);

	/* a pid that exits leaves the table; its container with it */
	stop(young);
	stop(late);
	young = late = -1;
	is(refresh(&s), 0, "refresh after the container's processes exit");
	size_t nc;
	const struct nsinfo_container *c = nsinfo_snapshot_containers(s, &nc);
	int still = 0;

	for (size_t i = 0; i < nc; i++)
		still += !strcmp(c[i].id, id);
	is(still, 0, "the container left with its processes");
out:
	stop(old);
	stop(young);
	stop(late);
	nsinfo_snapshot_unref(s);
	/* the children were killed: the cgroups are empty */
	rmdir(dock);
	rmdir(top);
	return tap_done();
}

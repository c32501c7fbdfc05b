/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsinfo_container_lookup(): the container of one process, without a
 * snapshot, on a fixture proc tree made of the runtimes' cgroup files, and
 * on this test's own live process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nsinfo.h"
#include "tap.h"

static char root[64];

/* root/PID/cgroup with the text of a fixture file */
static int fixture(int pid, const char *name)
{
	char src[256], dst[128], buf[4096];
	int in, out;
	ssize_t n;

	snprintf(src, sizeof(src), "tests/fixtures/cgroup/%s.cgroup", name);
	snprintf(dst, sizeof(dst), "%s/%d", root, pid);
	if (mkdir(dst, 0700) < 0)
		return -1;
	strcat(dst, "/cgroup");
	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	n = in >= 0 && out >= 0 ? read(in, buf, sizeof(buf)) : -1;
	if (n > 0 && write(out, buf, (size_t)n) != n)
		n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return n > 0 ? 0 : -1;
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("could not remove %s", root);
}

int main(void)
{
	struct nsinfo_container_info ci, untouched;

	strcpy(root, "/tmp/nstree-cl.XXXXXX");
	if (!mkdtemp(root))
		BAIL("mkdtemp: %s", strerror(errno));
	if (fixture(100, "docker-systemd") || fixture(101, "nspawn") ||
	    fixture(102, "host-session") || fixture(103, "crio-conmon")) {
		cleanup();
		BAIL("fixture proc tree");
	}

	is(nsinfo_container_lookup(root, 100, &ci), 0, "docker (systemd driver): found");
	is_str(ci.runtime, "docker", "runtime");
	is_str(ci.id, "3f4b9c0d2e1a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344", "full id");
	is_str(ci.pod, "", "no pod");
	is(nsinfo_container_lookup(root, 101, &ci), 0, "nspawn machine: found");
	is_str(ci.runtime, "nspawn", "runtime nspawn");
	is_str(ci.id, "web-01", "machine name unescaped");

	memset(&untouched, 0x5a, sizeof(untouched));
	ci = untouched;
	is(nsinfo_container_lookup(root, 102, &ci), -ENOENT, "host session: not in a container");
	ok(!memcmp(&ci, &untouched, sizeof(ci)), "out untouched on failure");
	is(nsinfo_container_lookup(root, 103, &ci), -ENOENT, "a runtime's monitor (conmon) is no container");
	is(nsinfo_container_lookup(root, 104, &ci), -ESRCH, "no such process");
	is(nsinfo_container_lookup(root, 0, &ci), -EINVAL, "pid 0");
	is(nsinfo_container_lookup(root, 100, NULL), -EINVAL, "NULL out");
	is(nsinfo_container_lookup("/nonexistent-root", 100, &ci), -ENOENT, "missing proc root");
	cleanup();

	/* live: whatever this process is in, the answer is the one its
	 * cgroup file gives; a host session is in none */
	{
		char path[64], buf[4096];
		int fd, r;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)getpid());
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		r = nsinfo_container_lookup(NULL, getpid(), &ci);
		ok(n > 0 && (r == 0 || r == -ENOENT), "live: own process looked up (%d)", r);
		if (n > 0 && r == 0) {
			buf[n] = 0;
			ok(strstr(buf, ci.id) != NULL, "live: id %s is in our cgroup path", ci.id);
		}
	}
	return tap_done();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A target for the nsenter-lite tests: creates the namespaces it is told
 * to, sets a hostname, and records the ground truth the tests compare
 * against: its pid as fork() returned it, and its namespaces as read from
 * /proc/self/ns inside.
 *
 *   nsenter_target DIR HOSTNAME TYPES   (TYPES: comma list, e.g. uts,net,pid)
 *
 * Writes DIR/pid and DIR/ns ("type inode" lines), then DIR/ready, and
 * sleeps until killed. A user namespace maps the caller's uid/gid to 0.
 * With NSL_TARGET_ROOT set, the target chroots there once recorded.
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

static volatile sig_atomic_t child;

/* The tests' cleanup sends SIGTERM: take the target down and reap it, so
 * nothing is left for init to collect. */
static void on_term(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

static void die(const char *what)
{
	fprintf(stderr, "nsenter_target: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) < 0)
		die(path);
}

/* /proc files take one write, in place */
static void write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0)
		die(path);
}

static void map_ids(uid_t uid, gid_t gid)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "0 %u 1\n", (unsigned)uid);
	write_proc("/proc/self/uid_map", buf);
	write_proc("/proc/self/setgroups", "deny\n");
	snprintf(buf, sizeof(buf), "0 %u 1\n", (unsigned)gid);
	write_proc("/proc/self/gid_map", buf);
}

static unsigned long parse_types(char *list)
{
	unsigned long flags = 0;

	for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) {
		int type = nsinfo_type_from_name(t);

		if (type < 0) {
			fprintf(stderr, "nsenter_target: unknown type %s\n", t);
			exit(2);
		}
		flags |= nsinfo_type_clone_flag(type);
	}
	return flags;
}

static void record_namespaces(const char *dir)
{
	char text[1024] = "", line[128];
	struct stat st;

	for (int t = 0; t < NSINFO_NTYPES; t++) {
		snprintf(line, sizeof(line), "/proc/self/ns/%s", nsinfo_type_name(t));
		if (stat(line, &st) < 0)
			continue;
		snprintf(line, sizeof(line), "%s %lu\n", nsinfo_type_name(t), (unsigned long)st.st_ino);
		strcat(text, line);
	}
	write_file(dir, "ns", text);
}

int main(int argc, char **argv)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	unsigned long flags;
	char buf[32];
	pid_t pid;
	int st;

	if (argc != 4) {
		fprintf(stderr, "usage: nsenter_target DIR HOSTNAME TYPES\n");
		return 2;
	}
	flags = parse_types(argv[3]);
	if (unshare((int)flags) < 0)
		die("unshare");
	if (flags & CLONE_NEWUSER)
		map_ids(uid, gid);
	if ((flags & CLONE_NEWUTS) && sethostname(argv[2], strlen(argv[2])) < 0)
		die("sethostname");
	/* pid and time namespaces are for children: the target is a child */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		const char *root = getenv("NSL_TARGET_ROOT");
		int dirfd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);

		record_namespaces(argv[1]);
		/* DIR is outside the new root: reach it through a dir fd */
		if (dirfd < 0 || (root && chroot(root) < 0) || fchdir(dirfd) < 0)
			die(root ? root : argv[1]);
		write_file(".", "ready", "1\n");
		if (root && chdir("/") < 0)
			die("/");
		for (;;)
			pause();
	}
	child = pid;
	signal(SIGTERM, on_term);
	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	write_file(argv[1], "pid", buf);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}

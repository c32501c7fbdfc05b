/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * population - build a host-like population of processes in container-like
 * namespace sets, for benchmarks and large-scale tests.
 *
 *   population NPROCS NSETS READYFILE
 *
 * Creates NSETS "containers" (new pid, mnt, net, uts, ipc and cgroup
 * namespaces; every 5th also a user namespace with a uid/gid mapping; every
 * 4th holds a nested pid namespace 2 levels deeper) and spreads NPROCS
 * sleeping processes over them. Writes READYFILE with a line per container
 * ("HOSTPID NSPROCS") when everything is up, then waits; SIGTERM/SIGINT (or
 * the death of the parent) tears everything down: killing a pid namespace's
 * init kills all its members.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SET_FLAGS (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | \
		   CLONE_NEWIPC | CLONE_NEWCGROUP)

static pid_t clone_flags(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

static void die(const char *what)
{
	perror(what);
	_exit(1);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		die(path);
	close(fd);
}

/* Fork n sleepers; each dies with its parent. Returns after all exist. */
static void spawn_sleepers(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (p == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
	}
}

/*
 * Body of a container's init: optional nested pid namespaces (one process per
 * level, each the init of the next), the members, then wait forever. Each
 * level reports ready to the one above once everything below it is up.
 */
static void container_init(int members, int nest, int ready_fd)
{
	char c = 1;

	for (;;) {
		int pfd[2];
		pid_t p;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sethostname("pop", 3);
		if (nest == 0)
			break;
		if (pipe(pfd))
			die("pipe");
		p = clone_flags(CLONE_NEWPID | CLONE_NEWUTS);
		if (p < 0)
			die("clone nested");
		if (p == 0) {
			close(pfd[0]);
			close(ready_fd);
			ready_fd = pfd[1];
			members = 1;
			nest--;
			continue;
		}
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1)
			die("nested ready");
		close(pfd[0]);
		members -= nest; /* one process per nested level */
		break;
	}
	spawn_sleepers(members > 1 ? members - 1 : 0);
	if (write(ready_fd, &c, 1) != 1)
		die("ready");
	close(ready_fd);
	for (;;)
		pause();
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	int nprocs, nsets;
	pid_t *inits;
	FILE *ready;

	if (argc != 4 || (nprocs = atoi(argv[1])) <= 0 || (nsets = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: population NPROCS NSETS READYFILE\n");
		return 2;
	}
	inits = calloc((size_t)nsets, sizeof(*inits));
	if (!inits)
		die("calloc");
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	int per = nprocs / nsets;

	for (int i = 0; i < nsets; i++) {
		int members = per + (i < nprocs % nsets);
		int nest = (i % 4 == 3 && members > 4) ? 2 : 0;
		int user = i % 5 == 4;
		int pfd[2], sync[2];
		char c;

		if (pipe2(pfd, O_CLOEXEC) || pipe2(sync, O_CLOEXEC))
			die("pipe");
		pid_t p = clone_flags(SET_FLAGS | (user ? CLONE_NEWUSER : 0));

		if (p < 0)
			die("clone");
		if (p == 0) {
			close(pfd[0]);
			close(sync[1]);
			/* wait for the uid/gid map before doing anything privileged */
			if (read(sync[0], &c, 1) != 1)
				_exit(1);
			close(sync[0]);
			container_init(members, nest, pfd[1]);
		}
		close(pfd[1]);
		close(sync[0]);
		if (user) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)p);
			write_file(path, "deny");
			snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)p);
			write_file(path, "0 100000 65536");
			snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)p);
			write_file(path, "0 100000 65536");
		}
		if (write(sync[1], "g", 1) != 1 || read(pfd[0], &c, 1) != 1)
			die("container start");
		close(sync[1]);
		close(pfd[0]);
		inits[i] = p;
	}

	ready = fopen(argv[3], "we");
	if (!ready)
		die(argv[3]);
	for (int i = 0; i < nsets; i++)
		fprintf(ready, "%d %d\n", (int)inits[i], per + (i < nprocs % nsets));
	fclose(ready);

	while (!stop)
		pause();
	for (int i = 0; i < nsets; i++)
		kill(inits[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zombie_pidns - a pid namespace pinned only by its init, a zombie that its
 * parent never reaps: the leak a container runtime leaves when it does not
 * wait for a container's init.
 *
 *   zombie_pidns READY_FILE
 *
 * Unshares a pid namespace, forks its init (which exits at once), waits for
 * the exit without reaping it (waitid WNOWAIT), moves its own children's
 * pid namespace back to its own (so that only the zombie pins the new
 * one), writes "PARENT ZOMBIE\n" to READY_FILE and blocks until killed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	siginfo_t si;
	pid_t child;
	FILE *f;
	int self;

	if (argc != 2) {
		fprintf(stderr, "usage: zombie_pidns READY_FILE\n");
		return 2;
	}
	self = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (self < 0 || unshare(CLONE_NEWPID) < 0) {
		perror("zombie_pidns: unshare");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("zombie_pidns: fork");
		return 1;
	}
	if (child == 0)
		_exit(0);
	if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT) < 0 ||
	    setns(self, CLONE_NEWPID) < 0) {
		perror("zombie_pidns: waitid/setns");
		return 1;
	}
	close(self);
	f = fopen(argv[1], "we");
	if (!f || fprintf(f, "%d %d\n", (int)getpid(), (int)child) < 0 || fclose(f)) {
		perror("zombie_pidns: ready file");
		return 1;
	}
	for (;;)
		pause();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * threaded - a JVM-like host population: NPROCS processes of NTHREADS
 * threads each, all in the caller's namespaces except where asked.
 *
 *   threaded NPROCS NTHREADS READYFILE [NUNSHARED]
 *
 * In the first process, NUNSHARED threads (default 0) unshare their uts
 * namespace: the threads a scan must still find. Writes READYFILE ("PID"
 * per process, then "unshared TID" per such thread) when everything is up,
 * then waits; SIGTERM or the death of the parent ends everything.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int unshare_fd = -1; /* pipe to the parent: one tid per unshared thread */

static void *idle(void *arg)
{
	if (arg) {
		pid_t tid = (pid_t)syscall(SYS_gettid);

		if (unshare(CLONE_NEWUTS) == 0 && write(unshare_fd, &tid, sizeof(tid)) < 0)
			_exit(1);
	}
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int nprocs, nthreads, nunshared, pfd[2];
	pid_t *pids;
	FILE *f;
	char tmp[4096];

	if (argc < 4) {
		fprintf(stderr, "usage: threaded NPROCS NTHREADS READYFILE [NUNSHARED]\n");
		return 2;
	}
	nprocs = atoi(argv[1]);
	nthreads = atoi(argv[2]);
	nunshared = argc > 4 ? atoi(argv[4]) : 0;
	pids = calloc((size_t)nprocs, sizeof(*pids));
	if (!pids || pipe(pfd) < 0)
		return 1;
	unshare_fd = pfd[1];
	for (int i = 0; i < nprocs; i++) {
		int rp[2];
		char c;

		if (pipe(rp) < 0)
			return 1;
		pids[i] = fork();
		if (pids[i] < 0)
			return 1;
		if (pids[i] == 0) {
			pthread_attr_t a;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, 64 * 1024);
			for (int t = 1; t < nthreads; t++) {
				pthread_t th;

				if (pthread_create(&th, &a, idle,
						   (i == 0 && t <= nunshared) ? (void *)1 : NULL))
					_exit(1);
			}
			c = 1;
			if (write(rp[1], &c, 1) < 0)
				_exit(1);
			for (;;)
				pause();
		}
		close(rp[1]);
		if (read(rp[0], &c, 1) != 1)
			return 1;
		close(rp[0]);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[3]);
	f = fopen(tmp, "w");
	if (!f)
		return 1;
	for (int i = 0; i < nprocs; i++)
		fprintf(f, "%d\n", (int)pids[i]);
	for (int i = 0; i < nunshared; i++) {
		pid_t tid;

		if (read(pfd[0], &tid, sizeof(tid)) != sizeof(tid))
			return 1;
		fprintf(f, "unshared %d\n", (int)tid);
	}
	fclose(f);
	if (rename(tmp, argv[3]) < 0)
		return 1;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGTERM, SIG_DFL);
	for (;;)
		pause();
}

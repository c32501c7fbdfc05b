/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nstrace_storm N [PROCS] - PROCS processes (default 1) each call
 * unshare(CLONE_NEWUTS) N times, started together. Prints
 * "<calls> <wall ns> <ns per call of one process> <CPU ns per call>"
 * (the callers' user + system time: a probe's work runs in their context,
 * and on a busy machine it is the measure wall time is not); exit 1 if any
 * call failed.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	int procs = argc > 2 ? atoi(argv[2]) : 1, p[2], failed = 0;
	long long t0, t1, cpu;
	struct rusage ru;
	char go = 'g';

	if (n <= 0 || procs <= 0 || pipe(p) < 0)
		return 2;
	for (int i = 0; i < procs; i++) {
		if (fork() == 0) {
			close(p[1]);
			if (read(p[0], &go, 1) != 0)   /* released when the pipe closes */
				_exit(2);
			for (long k = 0; k < n; k++)
				if (unshare(CLONE_NEWUTS) < 0)
					_exit(1);
			_exit(0);
		}
	}
	close(p[0]);
	t0 = now_ns();
	close(p[1]);
	for (int i = 0; i < procs; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			failed = 1;
	}
	t1 = now_ns();
	getrusage(RUSAGE_CHILDREN, &ru);
	cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	printf("%ld %lld %.1f %.1f\n", n * procs, t1 - t0, (double)(t1 - t0) / n,
	       (double)cpu / ((double)n * procs));
	return failed;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nspid_bench - the library's cost of one pid translation, without process
 * start-up: median microseconds of ITER lookups in each direction.
 *
 *   nspid_bench PID ITER
 *
 * PID is a process as the caller sees it; "inner" translates its innermost
 * pid back through its own pid namespace.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "nsinfo.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	struct nsinfo_pidmap *m;
	struct nsinfo_pidchain c;
	char path[64];
	pid_t pid, inner;
	int iter, fd;
	double *out, *in;

	if (argc != 3 || nsinfo_parse_pid(argv[1], &pid) || (iter = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: nspid_bench PID ITER\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	out = calloc((size_t)iter, sizeof(double));
	in = calloc((size_t)iter, sizeof(double));
	if (fd < 0 || !out || !in || nsinfo_pidmap_new(NULL, 0, &m) ||
	    nsinfo_pidmap_lookup(m, pid, &c)) {
		perror("nspid_bench");
		return 1;
	}
	inner = c.levels[c.nlevels - 1].pid;
	nsinfo_pidchain_release(&c);
	for (int i = 0; i < iter; i++) {
		double t0 = now_us();

		if (nsinfo_pidmap_lookup(m, pid, &c))
			return 1;
		out[i] = now_us() - t0;
		nsinfo_pidchain_release(&c);
		t0 = now_us();
		if (nsinfo_pidmap_lookup_in(m, fd, inner, &c) || c.levels[0].pid != pid)
			return 1;
		in[i] = now_us() - t0;
		nsinfo_pidchain_release(&c);
	}
	printf("%d levels: caller->levels %.1f us, inner->caller %.1f us (median of %d)\n",
	       c.nlevels, median(out, iter), median(in, iter), iter);
	free(out);
	free(in);
	close(fd);
	nsinfo_pidmap_unref(m);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The library's one directory walker and its file readers (util/): the
 * walker lists exactly the decimal names of a directory this test fills
 * (also through a buffer too small for one answer, and past the end), and
 * the same pids as readdir over /proc/self/task; the whole-file reader
 * returns every byte of a pipe written in small pieces while signals
 * interrupt its reads, refuses a file past its cap (-EFBIG, nothing
 * returned, /dev/zero included), takes one of exactly the cap.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char dir[64];

static void cleanup(void)
{
	char cmd[128];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("cleanup of %s failed", dir);
	}
}

static int touch(const char *name)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Sum and count of the numbers the walker gives for dir, buffer size bsz */
static int walk(int fd, char *buf, size_t bsz, long *sum, int *count, int *zero)
{
	struct nsinfo__dir d;
	const char *name;
	long num;
	int r;

	lseek(fd, 0, SEEK_SET);
	*sum = 0;
	*count = 0;
	*zero = 0;
	if ((r = nsinfo__dir_begin(&d, fd, buf, bsz, 0)))
		return r;
	while ((r = nsinfo__dir_next(&d, &name, &num)) > 0) {
		*sum += num;
		(*count)++;
		*zero += !strcmp(name, "0");
	}
	if (r == 0)
		r = nsinfo__dir_next(&d, &name, &num); /* past the end: still the end */
	nsinfo__dir_end(&d);
	return r;
}

static void test_dir(void)
{
	static const char *const junk[] = { "abc", "12a", "-5", "+7", "2147483648", "99999999999",
					    ".hidden", "self" };
	char small[300];
	long sum, want = 0;
	int count, zero, fd, n = 0;

	snprintf(dir, sizeof(dir), "/tmp/nst-util-%d", (int)getpid());
	if (mkdir(dir, 0700)) {
		ok(0, "made %s", dir);
		return;
	}
	for (long i = 0; i < 2000; i++) {
		char name[16];

		snprintf(name, sizeof(name), "%ld", i);
		if (touch(name) == 0) {
			want += i;
			n++;
		}
	}
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		touch(junk[i]);
	touch("2147483647");
	want += 2147483647L;
	n++;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ok(0, "opened %s", dir);
		return;
	}
	is(walk(fd, NULL, 0, &sum, &count, &zero), 0, "walk with the default buffer ends with 0");
	is(count, n, "every decimal name once (2001), none of the 8 others");
	ok(sum == want, "the numbers are the names (sum %ld, want %ld)", sum, want);
	is(zero, 1, "\"0\" is an entry like any other");
	is(walk(fd, small, sizeof(small), &sum, &count, &zero), 0,
	   "a 300-byte buffer: many getdents64 calls");
	is(count, n, "the same entries through it");
	ok(sum == want, "the same numbers");
	close(fd);
	is(walk(-1, NULL, 0, &sum, &count, &zero), -EBADF, "an unreadable directory: -errno");
}

/* The walker over /proc/self/task gives what readdir gives */
static void test_dir_proc(void)
{
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	long sum, rsum = 0;
	int count, zero, rcount = 0;
	DIR *d = opendir("/proc/self/task");

	if (fd < 0 || !d) {
		skip("[host] /proc/self/task not readable");
		if (d)
			closedir(d);
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			rsum += atol(de->d_name);
			rcount++;
		}
	closedir(d);
	is(walk(fd, NULL, 0, &sum, &count, &zero), 0, "walk /proc/self/task");
	ok(count == rcount && sum == rsum, "the same tasks as readdir (%d)", rcount);
	close(fd);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

#define PIECES 200
#define PIECE 997

/* A child writes PIECES pieces of PIECE bytes with pauses between (each
 * read sees one piece or less: short reads), while SIGALRM without
 * SA_RESTART interrupts the reader's blocked reads (EINTR). */
static void test_read_pipe(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { { 0, 500 }, { 0, 500 } }, off = { { 0, 0 }, { 0, 0 } };
	char *text = NULL;
	size_t len = 0;
	int p[2], r, bad = 0;
	pid_t pid;

	if (pipe(p)) {
		ok(0, "pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		char piece[PIECE];
		struct timespec ts = { 0, 1000 * 1000 };

		close(p[0]);
		for (int i = 0; i < PIECES; i++) {
			for (int j = 0; j < PIECE; j++)
				piece[j] = (char)('a' + (i + j) % 26);
			if (write(p[1], piece, PIECE) != PIECE)
				_exit(1);
			nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	close(p[1]);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	r = nsinfo__read_fd(p[0], 1 << 20, &text, &len);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	close(p[0]);
	waitpid(pid, NULL, 0);
	is(r, 0, "a pipe written in %d pieces read to its end", PIECES);
	ok(alarms > 0, "signals interrupted the reads meanwhile (%d)", (int)alarms);
	is((int)len, PIECES * PIECE, "every byte: a short read does not end it");
	for (size_t k = 0; text && k < len; k++)
		if (text[k] != (char)('a' + (k / PIECE + k % PIECE) % 26))
			bad++;
	is(bad, 0, "in order, none twice");
	ok(text && text[len] == 0, "NUL-terminated");
	free(text);
}

static void test_read_caps(void)
{
	char path[160], *text = (char *)1, buf[8];
	size_t len = 0;
	int fd;

	text = (char *)1;
	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	is(fd >= 0 ? nsinfo__read_fd(fd, 4 << 20, &text, &len) : -1, -EFBIG,
	   "/dev/zero (endless) with a 4 MiB cap: -EFBIG");
	ok(text == NULL, "and no text");
	if (fd >= 0)
		close(fd);

	snprintf(path, sizeof(path), "%s/f100", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "0123456789012345678901234567890123456789012345678901234567890123456789"
			       "012345678901234567890123456789", 100) != 100) {
		ok(0, "wrote %s", path);
		return;
	}
	close(fd);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	is(nsinfo__read_file_at(fd, "f100", 100, &text, &len), 0, "100 bytes with a cap of 100");
	is((int)len, 100, "all of them");
	free(text);
	text = (char *)1;
	is(nsinfo__read_file_at(fd, "f100", 99, &text, &len), -EFBIG, "with a cap of 99: -EFBIG");
	ok(text == NULL, "never a truncated text");
	is(nsinfo__read_file_at(fd, "nonexistent", 100, &text, &len), -ENOENT, "missing: -ENOENT");
	is((int)nsinfo__read_at(fd, "f100", buf, sizeof(buf)), 7,
	   "the small reader keeps what fits (7 of 100 in 8 bytes)");
	is_str(buf, "0123456", "NUL-terminated");
	close(fd);
}

int main(void)
{
	atexit(cleanup);
	test_dir();
	test_dir_proc();
	test_read_pipe();
	test_read_caps();
	return tap_done();
}

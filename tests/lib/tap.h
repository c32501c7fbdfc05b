/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minimal TAP producer for the C tests. tests/run.sh counts the "ok" /
 * "not ok" / "# SKIP" lines and checks the plan; a test binary exits
 * non-zero if any failed. A skip's text starts with its reason in brackets,
 * one of tests/run.sh's list: skip("[root] needs mount(2)").
 */
#ifndef NSTOOLS_TAP_H
#define NSTOOLS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 4, 5), unused))
static int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failed++;
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* is(a, b, name): integer equality with both values on failure */
#define is(a, b, ...) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (!ok(_a == _b, __VA_ARGS__)) \
		printf("#   got %lld, expected %lld\n", _a, _b); \
} while (0)
#define is_str(a, b, ...) do { \
	const char *_a = (a), *_b = (b); \
	if (!ok(_a && _b && !strcmp(_a, _b), __VA_ARGS__)) \
		printf("#   got '%s', expected '%s'\n", _a ? _a : "(null)", _b ? _b : "(null)"); \
} while (0)

__attribute__((format(printf, 1, 2), unused))
static void skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # SKIP ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

__attribute__((format(printf, 1, 2), unused))
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* A test that needs root: true (and one skip printed) when we are not. */
__attribute__((unused))
static int tap_not_root(const char *what)
{
	if (geteuid() == 0)
		return 0;
	skip("[root] not root: %s", what);
	return 1;
}

/* Bail out of the whole test: counted as one failure. */
#define BAIL(...) do { ok(0, __VA_ARGS__); return tap_done(); } while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The digits of s (after an optional '-' when neg_ok) to the end: strtoul
 * and strtol would also take blanks and '+'. */
static int check_digits(const char *s, bool neg_ok)
{
	if (!s)
		return -EINVAL;
	if (*s == '-') {
		if (!neg_ok)
			return -EINVAL;
		s++;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++)
		if (!is_digit(*s))
			return -EINVAL;
	return 0;
}

int nst_parse_long(const char *s, long min, long max, long *out)
{
	long v;
	int r = check_digits(s, min < 0);

	if (r)
		return r;
	errno = 0;
	v = strtol(s, NULL, 10);
	if (errno || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int nst_parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	int r = check_digits(s, false);

	if (r)
		return r;
	errno = 0;
	v = strtoul(s, NULL, 10);
	if (errno || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int nst_parse_seconds(const char *s, double min, double max, double *out)
{
	size_t ints, fracs;
	double v;

	if (!s)
		return -EINVAL;
	ints = strspn(s, "0123456789");
	fracs = s[ints] == '.' ? strspn(s + ints + 1, "0123456789") : 0;
	if (!ints && !fracs)
		return -EINVAL;
	if (s[ints + (s[ints] == '.' ? 1 + fracs : 0)])
		return -EINVAL;
	errno = 0;
	v = strtod(s, NULL);
	if (errno || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int nst_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	static const char units[] = "KMG";
	size_t n = s ? strspn(s, "0123456789") : 0;
	unsigned long long v;
	const char *u = NULL;

	if (!n)
		return -EINVAL;
	if (s[n]) {
		if (s[n + 1] || !(u = strchr(units, s[n] & ~0x20)) || !*u)
			return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, NULL, 10);
	if (errno)
		return -ERANGE;
	for (const char *p = units; u && p <= u; p++) {
		if (v > UINT64_MAX / 1024)
			return -ERANGE;
		v *= 1024;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

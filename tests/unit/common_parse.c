/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tools' number parsers (tools/common/parse.c): edge cases. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "parse.h"
#include "tap.h"

static void longs(void)
{
	long v = 42;

	is(nst_parse_long("0", 0, 10, &v), 0, "long: 0");
	is(v, 0, "long: 0 is 0");
	is(nst_parse_long("-20", -20, 19, &v), 0, "long: the lowest of the range");
	is(v, -20, "long: -20");
	is(nst_parse_long("19", -20, 19, &v), 0, "long: the highest of the range");
	v = 42;
	is(nst_parse_long("20", -20, 19, &v), -ERANGE, "long: above the range");
	is(nst_parse_long("-21", -20, 19, &v), -ERANGE, "long: below the range");
	is(v, 42, "long: *out untouched on error");
	is(nst_parse_long("-1", 0, 10, &v), -EINVAL, "long: a sign where the range has no negatives");
	is(nst_parse_long("+1", 0, 10, &v), -EINVAL, "long: '+' is not taken");
	is(nst_parse_long("", 0, 10, &v), -EINVAL, "long: empty");
	is(nst_parse_long("-", -5, 10, &v), -EINVAL, "long: a sign alone");
	is(nst_parse_long(" 1", 0, 10, &v), -EINVAL, "long: leading blank");
	is(nst_parse_long("1 ", 0, 10, &v), -EINVAL, "long: trailing blank");
	is(nst_parse_long("1x", 0, 10, &v), -EINVAL, "long: trailing junk");
	is(nst_parse_long("0x10", 0, 100, &v), -EINVAL, "long: no hex");
	is(nst_parse_long("99999999999999999999999", 0, LONG_MAX, &v), -ERANGE,
	   "long: overflow is out of range");
	is(nst_parse_long("-99999999999999999999999", LONG_MIN, LONG_MAX, &v), -ERANGE,
	   "long: negative overflow is out of range");
	is(nst_parse_long("9223372036854775807", 1, LONG_MAX, &v), 0, "long: LONG_MAX");
	is(nst_parse_long(NULL, 0, 1, &v), -EINVAL, "long: NULL");
}

static void ulongs(void)
{
	unsigned long v = 7;

	is(nst_parse_ulong("4294967294", UINT_MAX - 1, &v), 0, "ulong: the highest uid");
	is(v, 4294967294UL, "ulong: value");
	is(nst_parse_ulong("4294967295", UINT_MAX - 1, &v), -ERANGE, "ulong: (uid_t)-1 refused");
	is(nst_parse_ulong("-1", ULONG_MAX, &v), -EINVAL, "ulong: strtoul's wrap of -1 refused");
	is(nst_parse_ulong("18446744073709551616", ULONG_MAX, &v), -ERANGE, "ulong: overflow");
	is(nst_parse_ulong("", 10, &v), -EINVAL, "ulong: empty");
	is(nst_parse_ulong("12abc", 100, &v), -EINVAL, "ulong: trailing junk");
}

static void seconds(void)
{
	double d = -1;

	is(nst_parse_seconds("2", 0, 86400, &d), 0, "seconds: integer");
	ok(d == 2.0, "seconds: 2");
	is(nst_parse_seconds("0.5", 0, 86400, &d), 0, "seconds: fraction");
	ok(d == 0.5, "seconds: 0.5");
	is(nst_parse_seconds(".25", 0, 86400, &d), 0, "seconds: fraction without integer part");
	is(nst_parse_seconds("3.", 0, 86400, &d), 0, "seconds: a dot without fraction");
	is(nst_parse_seconds("0", 0, 86400, &d), 0, "seconds: zero where the range has it");
	is(nst_parse_seconds("0", 1e-9, 1e9, &d), -ERANGE, "seconds: zero below a positive minimum");
	is(nst_parse_seconds("86401", 0, 86400, &d), -ERANGE, "seconds: above the range");
	is(nst_parse_seconds("-1", 0, 86400, &d), -EINVAL, "seconds: negative");
	is(nst_parse_seconds("1e3", 0, 86400, &d), -EINVAL, "seconds: no exponent");
	is(nst_parse_seconds("inf", 0, 86400, &d), -EINVAL, "seconds: no inf");
	is(nst_parse_seconds("nan", 0, 86400, &d), -EINVAL, "seconds: no nan");
	is(nst_parse_seconds("0x10", 0, 86400, &d), -EINVAL, "seconds: no hex");
	is(nst_parse_seconds("", 0, 86400, &d), -EINVAL, "seconds: empty");
	is(nst_parse_seconds(".", 0, 86400, &d), -EINVAL, "seconds: a dot alone");
	is(nst_parse_seconds("1.2.3", 0, 86400, &d), -EINVAL, "seconds: two dots");
	is(nst_parse_seconds(" 1", 0, 86400, &d), -EINVAL, "seconds: leading blank");
	is(nst_parse_seconds("1s", 0, 86400, &d), -EINVAL, "seconds: trailing junk");
	is(nst_parse_seconds("9999999999999999999999", 0, 1e9, &d), -ERANGE, "seconds: huge");
}

static void sizes(void)
{
	uint64_t v = 0;

	is(nst_parse_size("1024", 1, UINT64_MAX, &v), 0, "size: bytes");
	is(v, 1024, "size: 1024");
	is(nst_parse_size("4k", 1, UINT64_MAX, &v), 0, "size: k");
	is(v, 4096, "size: 4k is 4096");
	is(nst_parse_size("256M", 1, UINT64_MAX, &v), 0, "size: M");
	is(v, 256ull << 20, "size: 256M");
	is(nst_parse_size("2G", 1, UINT64_MAX, &v), 0, "size: G");
	is(v, 2ull << 30, "size: 2G");
	is(nst_parse_size("0", 1, UINT64_MAX, &v), -ERANGE, "size: below the minimum");
	is(nst_parse_size("17179869184G", 1, UINT64_MAX, &v), -ERANGE, "size: overflow by the unit");
	is(nst_parse_size("18446744073709551616", 1, UINT64_MAX, &v), -ERANGE, "size: overflow");
	is(nst_parse_size("1T", 1, UINT64_MAX, &v), -EINVAL, "size: unknown unit");
	is(nst_parse_size("1KB", 1, UINT64_MAX, &v), -EINVAL, "size: junk after the unit");
	is(nst_parse_size("K", 1, UINT64_MAX, &v), -EINVAL, "size: a unit alone");
	is(nst_parse_size("-1", 1, UINT64_MAX, &v), -EINVAL, "size: negative");
	is(nst_parse_size("", 1, UINT64_MAX, &v), -EINVAL, "size: empty");
	is(nst_parse_size("1 ", 1, UINT64_MAX, &v), -EINVAL, "size: trailing blank");
	is(nst_parse_size("1\x20", 1, UINT64_MAX, &v), -EINVAL, "size: a blank is no unit");
}

int main(void)
{
	longs();
	ulongs();
	seconds();
	sizes();
	return tap_done();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The number parsers of the tools' options: one grammar for every tool.
 * Decimal digits only, with a '-' where the range allows negatives; no
 * blanks, no '+', no trailing characters. Each returns 0 and sets *out, or
 * -EINVAL (empty, not a number, trailing junk, a sign where none is
 * allowed) or -ERANGE (a number outside [min, max], overflow included),
 * leaving *out alone. Pids go through the library's nsinfo_parse_pid().
 */
#ifndef NSTOOLS_PARSE_H
#define NSTOOLS_PARSE_H

#include <stdint.h>

/* A signed integer in [min, max]. */
int nst_parse_long(const char *s, long min, long max, long *out);
/* An unsigned integer in [0, max]; a '-' is -EINVAL. */
int nst_parse_ulong(const char *s, unsigned long max, unsigned long *out);
/* Seconds, with a fraction ("0.5", "2", ".25"; no exponent, no inf/nan),
 * in [min, max] (min >= 0). */
int nst_parse_seconds(const char *s, double min, double max, double *out);
/* A size in bytes: digits and an optional K, M or G (binary multiples,
 * either case), in [min, max]. */
int nst_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the harnesses: the libFuzzer entry point each defines, and a
 * check that stops the run the way a sanitizer does (a crash libFuzzer
 * records, with the input kept) when a parser's promise is broken.
 */
#ifndef NSTOOLS_FUZZ_H
#define NSTOOLS_FUZZ_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                         \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, \
				__LINE__, #cond);                                \
			abort();                                                 \
		}                                                                \
	} while (0)

/* The input as a C string (the parsers read NUL-terminated text, as the
 * library's file reader hands it over); free() it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

#endif

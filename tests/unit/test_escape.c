/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsinfo_escape(): a table of hostile inputs and what each mode shows, the
 * no-allocation fast path for clean strings, buffer reuse, and a check over
 * every byte pair that TEXT output never holds a control byte and JSON
 * output always parses as valid UTF-8 without raw controls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsinfo.h"
#include "tap.h"

struct row {
	const char *in, *text, *json, *name;
};

static const struct row rows[] = {
	{ "bash", "bash", "bash", "clean ASCII" },
	{ "", "", "", "empty" },
	{ "\033]0;pwn\007\033[2J\xff\n", "\\x1b]0;pwn\\x07\\x1b[2J\\xff\\x0a",
	  "\\u001b]0;pwn\\u0007\\u001b[2J\xef\xbf\xbd\\u000a", "terminal title, clear, 0xff, newline" },
	{ "a\\b", "a\\\\b", "a\\\\b", "backslash" },
	{ "say \"hi\"", "say \"hi\"", "say \\\"hi\\\"", "quotes" },
	{ "tab\there\r", "tab\\x09here\\x0d", "tab\\u0009here\\u000d", "tab, CR" },
	{ "del\x7f", "del\\x7f", "del\\u007f", "DEL" },
	{ "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x90\xa7", "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x90\xa7",
	  "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x90\xa7", "valid UTF-8 kept" },
	{ "c1\xc2\x85\xc2\x9b", "c1\\u0085\\u009b", "c1\\u0085\\u009b", "C1 controls as characters" },
	{ "raw\x85\x9b", "raw\\x85\\x9b", "raw\xef\xbf\xbd\xef\xbf\xbd", "C1 bytes alone (invalid UTF-8)" },
	{ "evil\xe2\x80\xaetxt.exe", "evil\\u202etxt.exe", "evil\\u202etxt.exe", "RLO U+202E" },
	{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d",
	  "\\u202a\\u202b\\u202c\\u202d", "bidi embeddings and overrides" },
	{ "\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069", "\\u2066x\\u2069", "bidi isolates" },
	{ "z\xe2\x80\x8bw\xef\xbb\xbf", "z\\u200bw\\ufeff", "z\\u200bw\\ufeff", "zero width space, BOM" },
	{ "ls\xe2\x80\xa8", "ls\\u2028", "ls\\u2028", "line separator" },
	{ "tag\xf3\xa0\x80\x81", "tag\\U000e0001", "tag\\udb40\\udc01", "tag character above U+FFFF" },
	{ "\xc0\xaf", "\\xc0\\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "overlong /" },
	{ "\xed\xa0\x80", "\\xed\\xa0\\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "surrogate" },
	{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "above U+10FFFF" },
	{ "cut\xe6\x97", "cut\\xe6\\x97", "cut\xef\xbf\xbd\xef\xbf\xbd", "truncated sequence" },
	{ "\xe6\x97x", "\\xe6\\x97x", "\xef\xbf\xbd\xef\xbf\xbdx", "sequence broken by ASCII" },
	{ "\\x1b", "\\\\x1b", "\\\\x1b", "a literal \\x1b is not an escape" },
};

/* A printable rendering for diagnostics (the test's own output is checked
 * like any other output). */
static const char *show(const char *s)
{
	static char *b;
	static size_t n;
	const char *r = s ? nsinfo_escape(s, NSINFO_ESCAPE_TEXT | NSINFO_ESCAPE_ASCII, &b, &n) : NULL;

	return r ? r : "(null)";
}

static void check(const char *got, const char *want, const char *what, const char *name)
{
	if (!ok(got && !strcmp(got, want), "%s: %s", what, name)) {
		printf("#   got      %s\n", show(got));
		printf("#   expected %s\n", show(want));
	}
}

/* valid UTF-8 with no C0 (but those allowed), DEL or C1 code point */
static int clean_utf8(const char *s, const char *allowed)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;

		if (c < 0x80) {
			if ((c < 0x20 && !strchr(allowed, (int)c)) || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 0;
		if (c < 0xc2 || c > 0xf4)
			return 0;
		int n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

int main(void)
{
	char *buf = NULL, *keep;
	size_t size = 0;
	const char *r;
	char in[4];
	int bad_text = 0, bad_json = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		check(nsinfo_escape(rows[i].in, NSINFO_ESCAPE_TEXT, &buf, &size), rows[i].text, "text",
		      rows[i].name);
		check(nsinfo_escape(rows[i].in, NSINFO_ESCAPE_JSON, &buf, &size), rows[i].json, "json",
		      rows[i].name);
	}

	r = nsinfo_escape("plain-ascii", NSINFO_ESCAPE_TEXT, &buf, &size);
	ok(r && !strcmp(r, "plain-ascii"), "clean string returned as is");
	{
		const char *s = "plain-ascii";
		char *b2 = NULL;
		size_t n2 = 0;

		ok(nsinfo_escape(s, NSINFO_ESCAPE_JSON, &b2, &n2) == s && !b2 && !n2,
		   "clean string: the input itself, nothing allocated");
	}
	keep = buf;
	nsinfo_escape("\n", NSINFO_ESCAPE_TEXT, &buf, &size);
	ok(buf == keep, "buffer reused when large enough");

	check(nsinfo_escape("caf\xc3\xa9\xe2\x80\xae", NSINFO_ESCAPE_TEXT | NSINFO_ESCAPE_ASCII, &buf,
			    &size),
	      "caf\\u00e9\\u202e", "text", "ASCII flag escapes every non-ASCII character");
	check(nsinfo_escape("{\"a\":\"x\\\"\xff\xc2\x85\x7f\xe2\x80\xae\",\n \"b\":1}",
			    NSINFO_ESCAPE_JSON_DOC, &buf, &size),
	      "{\"a\":\"x\\\"\xef\xbf\xbd\\u0085\\u007f\\u202e\",\n \"b\":1}", "json document",
	      "structure and escapes kept, bytes >= 0x7f fixed");

	check(nsinfo_escape("a\033\\\"\xff\xc2\x85\xe2\x80\xae\xe6\x97", NSINFO_ESCAPE_UTF8, &buf, &size),
	      "a\033\\\"\xef\xbf\xbd\xc2\x85\xe2\x80\xae\xef\xbf\xbd\xef\xbf\xbd", "utf8",
	      "only invalid bytes replaced");
	errno = 0;
	ok(!nsinfo_escape(NULL, NSINFO_ESCAPE_TEXT, &buf, &size) && errno == EINVAL, "NULL: EINVAL");
	errno = 0;
	ok(!nsinfo_escape("x", 7, &buf, &size) && errno == EINVAL, "unknown mode: EINVAL");

	/* every 1-3 byte string over a set of interesting bytes */
	static const unsigned char bytes[] = { 0x01, 0x0a, 0x1b, ' ', '"', '\\', 'a', 0x7f, 0x80,
					       0x85, 0x9b, 0xa0, 0xae, 0xbf, 0xc2, 0xc3, 0xe2, 0x80,
					       0xed, 0xf0, 0xf4, 0xff };
	size_t nb = sizeof(bytes);

	for (size_t a = 0; a < nb; a++)
		for (size_t b = 0; b < nb; b++)
			for (size_t c = 0; c < nb; c++) {
				in[0] = (char)bytes[a];
				in[1] = (char)bytes[b];
				in[2] = (char)bytes[c];
				in[3] = 0;
				r = nsinfo_escape(in, NSINFO_ESCAPE_TEXT, &buf, &size);
				bad_text += !r || !clean_utf8(r, "");
				r = nsinfo_escape(in, NSINFO_ESCAPE_JSON, &buf, &size);
				bad_json += !r || !clean_utf8(r, "");
			}
	is(bad_text, 0, "text: every 3-byte combination is valid UTF-8 without controls");
	is(bad_json, 0, "json: every 3-byte combination is valid UTF-8 without controls");

	free(buf);
	return tap_done();
}

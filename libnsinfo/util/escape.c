/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How an untrusted string (comm, argv, hostname, environment, paths,
 * container names, text echoed from files) is shown. Every output of every
 * tool goes through here, so a process cannot retitle or clear the
 * operator's terminal, forge a log line, reorder text with bidi controls, or
 * make a JSON document invalid.
 *
 * Text (NSINFO_ESCAPE_TEXT):
 *   \\          a backslash (so an escape is never ambiguous)
 *   \xNN        a byte below 0x20, 0x7f, or a byte that is not part of a
 *               valid UTF-8 sequence (overlong, surrogate, above U+10FFFF,
 *               truncated)
 *   \uXXXX      a valid character that is a C1 control (U+0080-U+009F), a
 *               format or invisible character (bidi embeddings, overrides
 *               and isolates U+202A-U+202E and U+2066-U+2069, marks, zero
 *               width characters, U+2028/U+2029, BOM, ...); \UXXXXXXXX above
 *               U+FFFF; with NSINFO_ESCAPE_ASCII every non-ASCII character
 * JSON (NSINFO_ESCAPE_JSON), the inside of a string literal:
 *   \" \\, \u00XX for every C0 control and DEL, \uXXXX for C1 controls and
 *   the format characters above (a surrogate pair above U+FFFF), U+FFFD
 *   (the character itself, as a real U+FFFD in the input is, so that a
 *   document read and written again is the same) for each byte that is not
 *   valid UTF-8. Only that
 *   replacement loses information; the rest decodes to the original.
 * JSON document (NSINFO_ESCAPE_JSON_DOC): a whole document from a writer
 *   that escaped quotes, backslashes and C0 controls but passes other bytes
 *   through (json-c, libsmartcols). Bytes >= 0x7f only occur inside string
 *   literals there, so they get the JSON treatment above; everything else
 *   is copied.
 * UTF-8 (NSINFO_ESCAPE_UTF8): only made valid UTF-8, each invalid byte as
 *   U+FFFD; for storing a string that is escaped again when shown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Characters that are valid but must not reach a terminal raw: C1
 * controls, Unicode format characters (Cf), line/paragraph separators and
 * the blank fillers used to hide text. Sorted, inclusive. */
static const struct { uint32_t lo, hi; } hidden[] = {
	{ 0x0080, 0x009f }, { 0x00ad, 0x00ad }, { 0x034f, 0x034f }, { 0x0600, 0x0605 },
	{ 0x061c, 0x061c }, { 0x06dd, 0x06dd }, { 0x070f, 0x070f }, { 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 }, { 0x115f, 0x1160 }, { 0x17b4, 0x17b5 }, { 0x180b, 0x180f },
	{ 0x200b, 0x200f }, { 0x2028, 0x202e }, { 0x2060, 0x206f }, { 0x3164, 0x3164 },
	{ 0xfeff, 0xfeff }, { 0xffa0, 0xffa0 }, { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 },
	{ 0x1d173, 0x1d17a }, { 0xe0000, 0xe0fff },
};

static bool is_hidden(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(hidden) / sizeof(hidden[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < hidden[mid].lo)
			hi = mid;
		else if (cp > hidden[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Length of the valid UTF-8 sequence at s (1-4) and its code point, or 0
 * if the byte at s does not start one (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). s is NUL-terminated, so reading
 * stops at the NUL, which is never a continuation byte. */
static int utf8_decode(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	int n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	*cp = n == 2 ? (c & 0x1fu) << 6 | (s[1] & 0x3fu)
	    : n == 3 ? (c & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu)
		     : (c & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 |
			       (s[3] & 0x3fu);
	return n;
}

/* Whether the character at s (its length in *len, 0 for an invalid byte)
 * is copied as it is in this mode. */
static bool plain(const unsigned char *s, int mode, bool ascii, int *len, uint32_t *cp)
{
	unsigned char c = s[0];

	if (c < 0x80) {
		*len = 1;
		*cp = c;
		if (mode == (int)NSINFO_ESCAPE_UTF8)
			return true;
		if (mode == (int)NSINFO_ESCAPE_JSON_DOC)
			return c != 0x7f;
		if (c < 0x20 || c == 0x7f || c == '\\')
			return false;
		return !(mode == (int)NSINFO_ESCAPE_JSON && c == '"');
	}
	*len = utf8_decode(s, cp);
	if (mode == (int)NSINFO_ESCAPE_UTF8)
		return *len;
	return *len && !ascii && !is_hidden(*cp);
}

/* The run of ASCII bytes at p that stay as they are: the hot path (most
 * names are short clean ASCII). */
static const unsigned char *skip_plain_ascii(const unsigned char *p, int mode)
{
	if (mode == (int)NSINFO_ESCAPE_JSON_DOC || mode == (int)NSINFO_ESCAPE_UTF8) {
		while (*p && *p < 0x7f)
			p++;
		return p;
	}
	while (*p >= 0x20 && *p < 0x7f && *p != '\\' &&
	       !(*p == '"' && mode == (int)NSINFO_ESCAPE_JSON))
		p++;
	return p;
}

/* The run of characters at p that stay as they are (*len, *cp: those of
 * the character that ends it). */
static const unsigned char *skip_plain(const unsigned char *p, int mode, bool ascii, int *len,
				       uint32_t *cp)
{
	for (;;) {
		p = skip_plain_ascii(p, mode);
		if (!*p || !plain(p, mode, ascii, len, cp))
			return p;
		p += *len;
	}
}

struct out {
	char **buf;
	size_t *size;
	size_t len;
};

static int reserve(struct out *o, size_t n)
{
	size_t want = o->len + n + 1;
	char *p;

	if (want <= *o->size)
		return 0;
	if (want < 2 * *o->size)
		want = 2 * *o->size;
	if (want < 64)
		want = 64;
	p = realloc(*o->buf, want);
	if (!p)
		return -ENOMEM;
	*o->buf = p;
	*o->size = want;
	return 0;
}

static void put(struct out *o, const void *p, size_t n)
{
	memcpy(*o->buf + o->len, p, n);
	o->len += n;
}

static void putfmt(struct out *o, const char *fmt, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	char *p = *o->buf + o->len;
	int digits = fmt[1] == 'x' ? 2 : fmt[1] == 'u' ? 4 : 8;

	*p++ = '\\';
	*p++ = fmt[1];
	for (int i = digits - 1; i >= 0; i--)
		*p++ = hex[(v >> (4 * i)) & 0xf];
	o->len = (size_t)(p - *o->buf);
}

/* The escaped form of one character (len bytes at s, 0 for an invalid
 * byte) that plain() refused. At most 12 bytes. */
static void escape_one(struct out *o, const unsigned char *s, int len, uint32_t cp, int mode)
{
	if (mode == (int)NSINFO_ESCAPE_TEXT) {
		if (!len || cp < 0x20 || cp == 0x7f)
			putfmt(o, "\\x", s[0]);
		else if (cp == '\\')
			put(o, "\\\\", 2);
		else
			putfmt(o, cp > 0xffff ? "\\U" : "\\u", cp);
		return;
	}
	if (!len)
		put(o, "\xef\xbf\xbd", 3);
	else if (cp == '\\' || cp == '"')
		put(o, cp == '\\' ? "\\\\" : "\\\"", 2);
	else if (cp > 0xffff) {
		putfmt(o, "\\u", 0xd800 + ((cp - 0x10000) >> 10));
		putfmt(o, "\\u", 0xdc00 + ((cp - 0x10000) & 0x3ff));
	} else
		putfmt(o, "\\u", cp);
}

NSINFO_EXPORT const char *nsinfo_escape(const char *s, unsigned flags, char **buf, size_t *size)
{
	const unsigned char *p = (const unsigned char *)s, *start;
	int mode = (int)(flags & NSINFO_ESCAPE_MODE_MASK);
	bool ascii = flags & NSINFO_ESCAPE_ASCII;
	struct out o = { buf, size, 0 };
	uint32_t cp;
	int len;

	if (!s || !buf || !size || mode > (int)NSINFO_ESCAPE_UTF8 ||
	    (flags & ~(NSINFO_ESCAPE_MODE_MASK | NSINFO_ESCAPE_ASCII))) {
		errno = EINVAL;
		return NULL;
	}
	/* fast path: nothing to change, nothing allocated */
	p = skip_plain(p, mode, ascii, &len, &cp);
	if (!*p)
		return s;

	start = (const unsigned char *)s;
	if (reserve(&o, (size_t)(p - start)))
		goto nomem;
	put(&o, start, (size_t)(p - start));
	while (*p) {
		const unsigned char *run = p;

		p = skip_plain(p, mode, ascii, &len, &cp);
		if (reserve(&o, (size_t)(p - run) + 12))
			goto nomem;
		put(&o, run, (size_t)(p - run));
		if (!*p)
			break;
		escape_one(&o, p, len, cp, mode);
		p += len ? len : 1;
	}
	(*buf)[o.len] = '\0';
	return *buf;
nomem:
	errno = ENOMEM;
	return NULL;
}

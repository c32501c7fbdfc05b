/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "exitcodes.h"

#ifndef NSTOOLS_VERSION
#define NSTOOLS_VERSION "unknown"
#endif

/* ---------------------------------------------------------------- escaping */

unsigned nst_text_flags(void)
{
	static int utf8 = -1;

	if (utf8 < 0) {
		/* only the character type: messages stay untranslated */
		setlocale(LC_CTYPE, "");
		utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	}
	return NSINFO_ESCAPE_TEXT | (utf8 ? 0 : NSINFO_ESCAPE_ASCII);
}

const char *nst_esc(const char *s)
{
	/* a few at a time, for several in one printf */
	static char *buf[8];
	static size_t size[8];
	static unsigned next;
	unsigned i = next++ % 8;
	const char *r;

	if (!s)
		return NULL;
	r = nsinfo_escape(s, nst_text_flags(), &buf[i], &size[i]);
	return r ? r : "(out of memory)";
}

int nst_fputs_json(const char *doc, FILE *f)
{
	static char *buf;
	static size_t size;
	const char *r = nsinfo_escape(doc, NSINFO_ESCAPE_JSON_DOC, &buf, &size);

	if (!r) {
		errno = ENOMEM;
		return EOF;
	}
	return fputs(r, f);
}

/* Messages echo names, paths and file contents: escaped as a whole (no
 * message format holds a control character of its own). */
static void vmsg(const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	fprintf(stderr, "%s: %s\n", program_invocation_short_name,
		msg ? nst_esc(msg) : "(out of memory)");
	free(msg);
}

void nst_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void nst_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(code);
}

void nst_usage_error(int code, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vmsg(fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Try '%s --help' for more information.\n", program_invocation_short_name);
	exit(code);
}

void nst_ref_die(struct nsinfo_resolver *r, const char *ref, int err)
{
	char msg[1024];

	nsinfo_resolver_message(r, ref, err, msg, sizeof(msg));
	if (err == -EINVAL || err == -EDOM)
		nst_usage_error(NST_EXIT_USAGE, "%s", msg);
	nst_die(nst_exit_for_lookup(err), "%s", msg);
}

void nst_print_version(void)
{
	printf("%s from nstools %s\n", program_invocation_short_name, NSTOOLS_VERSION);
	exit(EXIT_SUCCESS);
}

/* The tool's code for its own failures (a failed stdout, no memory for a
 * table); set once before main's work. */
static int close_stdout_code = EXIT_FAILURE;

static void close_stdout(void)
{
	int err = 0;

	if (fflush(stdout) != 0 || ferror(stdout))
		err = errno ? errno : EIO;
	if (fclose(stdout) != 0 && !err)
		err = errno;
	/* A reader that went away (| head) is not our failure. */
	if (err && err != EPIPE) {
		fprintf(stderr, "%s: write error: %s\n", program_invocation_short_name,
			strerror(err));
		_exit(close_stdout_code);
	}
	if (fclose(stderr) != 0 && errno != EBADF)
		_exit(close_stdout_code);
}

void nst_close_stdout_at_exit(int code)
{
	close_stdout_code = code;
	atexit(close_stdout);
}

static enum nst_color_mode color_mode;

void nst_color_option(const char *arg, int usage_code)
{
	if (!arg || !strcmp(arg, "always"))
		color_mode = NST_COLOR_ALWAYS;
	else if (!strcmp(arg, "never"))
		color_mode = NST_COLOR_NEVER;
	else if (!strcmp(arg, "auto"))
		color_mode = NST_COLOR_AUTO;
	else
		nst_usage_error(usage_code, "invalid --color argument '%s': auto, always or never",
				nst_esc(arg));
}

enum nst_color_mode nst_color_mode(void)
{
	return color_mode;
}

bool nst_colors_wanted_fd(int fd)
{
	const char *nc = getenv("NO_COLOR");

	if (color_mode != NST_COLOR_AUTO)
		return color_mode == NST_COLOR_ALWAYS;
	return isatty(fd) && !(nc && *nc);
}

bool nst_colors_wanted(void)
{
	return nst_colors_wanted_fd(STDOUT_FILENO);
}

void nst_out_env_columns(struct nst_out *o, const char *var)
{
	o->env_var = var;
	/* a tool that never calls nst_out_columns() applies it with the table */
	o->applied = false;
}

/* ------------------------------------------------------------------ columns */

int nst_col_by_name(const struct nst_col *cols, size_t ncols, const char *name, size_t len)
{
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len && !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
}

static void reindex(struct nst_out *o)
{
	for (size_t i = 0; i < NST_MAX_COLS; i++)
		o->pos[i] = -1;
	for (size_t i = 0; i < o->nsel; i++)
		o->pos[o->sel[i]] = (int)i;
}

void nst_out_init(struct nst_out *o, const struct nst_col *cols, size_t ncols,
		  const char *defaults)
{
	const char *bad;
	size_t badlen;

	memset(o, 0, sizeof(*o));
	o->cols = cols;
	o->ncols = ncols < NST_MAX_COLS ? ncols : NST_MAX_COLS;
	o->tree_col = -1;
	o->colors = nst_colors_wanted();
	o->usage_code = NST_EXIT_USAGE;
	o->applied = true;
	if (nst_out_select(o, defaults, &bad, &badlen))
		abort(); /* a tool's own default list is wrong: a build-time bug */
}

int nst_out_select(struct nst_out *o, const char *list, const char **bad, size_t *badlen)
{
	int sel[NST_MAX_COLS];
	size_t nsel = 0;
	const char *p = list;

	if (*p == '+') {
		memcpy(sel, o->sel, o->nsel * sizeof(*sel));
		nsel = o->nsel;
		p++;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		int id = nst_col_by_name(o->cols, o->ncols, p, len);

		if (id < 0 || nsel >= NST_MAX_COLS) {
			*bad = p;
			*badlen = len;
			return -EINVAL;
		}
		sel[nsel++] = id;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!nsel) {
		*bad = list;
		*badlen = strlen(list);
		return -EINVAL;
	}
	memcpy(o->sel, sel, nsel * sizeof(*sel));
	o->nsel = nsel;
	reindex(o);
	return 0;
}

static void apply_wanted(struct nst_out *o)
{
	const char *bad;
	size_t badlen;

	if (o->want_all)
		nst_out_select_all(o);
	if (o->want_list && nst_out_select(o, o->want_list, &bad, &badlen))
		nst_usage_error(o->usage_code, "unknown column: %.*s", (int)badlen, bad);
	if (!o->want_list && !o->want_all && o->env_var && getenv(o->env_var) &&
	    *getenv(o->env_var) && nst_out_select(o, getenv(o->env_var), &bad, &badlen))
		nst_usage_error(o->usage_code, "%s: unknown column: %s", o->env_var,
				nst_esc(strndupa(bad, badlen)));
	o->applied = true;
}

void nst_out_columns(struct nst_out *o, const struct nst_col *cols, size_t ncols,
		     const char *defaults)
{
	struct nst_out keep = *o;

	nst_out_init(o, cols, ncols, defaults);
	o->json = keep.json;
	o->raw = keep.raw;
	o->noheadings = keep.noheadings;
	o->colors = keep.colors;
	o->notruncate = keep.notruncate;
	o->nowrap = keep.nowrap;
	o->want_list = keep.want_list;
	o->want_all = keep.want_all;
	o->usage_code = keep.usage_code;
	o->env_var = keep.env_var;
	apply_wanted(o);
}

void nst_out_select_all(struct nst_out *o)
{
	for (size_t i = 0; i < o->ncols; i++)
		o->sel[i] = (int)i;
	o->nsel = o->ncols;
	reindex(o);
}

void nst_help_columns(FILE *f, const struct nst_col *cols, size_t ncols)
{
	fprintf(f, "\nAvailable output columns:\n");
	for (size_t i = 0; i < ncols; i++)
		fprintf(f, " %10s  %s\n", cols[i].name, cols[i].help);
}

static const char *json_type_name(int t)
{
	switch (t) {
	case SCOLS_JSON_NUMBER: return "<integer>";
	case SCOLS_JSON_BOOLEAN: return "<boolean>";
	case SCOLS_JSON_ARRAY_STRING: return "<string>[]";
	default: return "<string>";
	}
}

int nst_list_columns(const struct nst_col *cols, size_t ncols, bool json, bool raw,
		     bool noheadings)
{
	static const struct nst_col meta[] = {
		{ "NAME", 0, 0, SCOLS_JSON_STRING, "" },
		{ "TYPE", 0, 0, SCOLS_JSON_STRING, "" },
		{ "DESCRIPTION", 0, SCOLS_FL_WRAP, SCOLS_JSON_STRING, "" },
	};
	struct nst_out o;

	nst_out_init(&o, meta, 3, "NAME,TYPE,DESCRIPTION");
	o.json = json;
	o.raw = raw;
	o.noheadings = noheadings;
	if (!nst_out_table(&o, "columns"))
		return -ENOMEM;
	for (size_t i = 0; i < ncols; i++) {
		struct libscols_line *ln = nst_out_line(&o, NULL);

		nst_out_set(&o, ln, 0, cols[i].name);
		nst_out_set(&o, ln, 1, json_type_name(cols[i].json));
		nst_out_set(&o, ln, 2, cols[i].help);
	}
	return nst_out_print(&o);
}

struct libscols_table *nst_out_table(struct nst_out *o, const char *name)
{
	struct libscols_table *tb;

	if (!o->applied)
		apply_wanted(o);
	tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_set_name(tb, name);
	scols_table_enable_json(tb, o->json);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_colors(tb, o->colors && !o->json && !o->raw);
	/* cells are escaped by nst_out_set(): not again */
	scols_table_enable_noencoding(tb, !o->json && !o->raw);
	for (size_t i = 0; i < o->nsel; i++) {
		const struct nst_col *c = &o->cols[o->sel[i]];
		int flags = c->flags;
		struct libscols_column *cl;

		if (o->notruncate)
			flags &= ~SCOLS_FL_TRUNC;
		if (o->nowrap)
			flags &= ~SCOLS_FL_WRAP;

		/* tree art cannot be right-aligned */
		if (o->sel[i] == o->tree_col)
			flags = (flags | SCOLS_FL_TREE) & ~SCOLS_FL_RIGHT;
		cl = scols_table_new_column(tb, c->name, c->whint, flags);
		if (!cl) {
			scols_unref_table(tb);
			return NULL;
		}
		scols_column_set_json_type(cl, c->json);
	}
	o->tb = tb;
	return tb;
}

struct libscols_line *nst_out_line(struct nst_out *o, struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(o->tb, parent);

	if (!ln)
		nst_die(close_stdout_code, "out of memory");
	return ln;
}

void nst_out_set(struct nst_out *o, struct libscols_line *ln, int id, const char *val)
{
	if (!nst_out_has(o, id) || !val)
		return;
	/* raw and JSON output are encoded by libsmartcols (and the JSON
	 * document fixed in nst_out_print): they take the string as it is */
	if (!o->raw && !o->json)
		val = nst_esc(val);
	if (scols_line_set_data(ln, (size_t)o->pos[id], val))
		nst_die(close_stdout_code, "out of memory");
}

void nst_out_set_list(struct nst_out *o, struct libscols_line *ln, int id,
		      const char *const *items, size_t n, const char *sep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!nst_out_has(o, id) || !n)
		return;
	f = open_memstream(&buf, &len);
	if (!f)
		nst_die(close_stdout_code, "out of memory");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? sep : "", o->raw || o->json ? items[i] : nst_esc(items[i]));
	if (fclose(f))
		nst_die(close_stdout_code, "out of memory");
	/* the table takes ownership of buf */
	if (scols_line_refer_data(ln, (size_t)o->pos[id], buf))
		nst_die(close_stdout_code, "out of memory");
}

void nst_out_setf(struct nst_out *o, struct libscols_line *ln, int id, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (!nst_out_has(o, id))
		return;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		nst_die(close_stdout_code, "out of memory");
	if (!o->raw && !o->json) {
		const char *e = nst_esc(s);

		if (e != s) {
			free(s);
			s = strdup(e);
			if (!s)
				nst_die(close_stdout_code, "out of memory");
		}
	}
	/* the table takes ownership of s */
	if (scols_line_refer_data(ln, (size_t)o->pos[id], s))
		nst_die(close_stdout_code, "out of memory");
}

/* libsmartcols escapes quotes, backslashes and C0 controls in JSON but
 * passes other bytes through: the document is printed to memory and fixed
 * (invalid UTF-8, DEL, C1, bidi controls) before it reaches the stream. */
static int print_json(struct libscols_table *tb)
{
	FILE *out = scols_table_get_stream(tb), *mem;
	char *doc = NULL;
	size_t len = 0;
	int r;

	mem = open_memstream(&doc, &len);
	if (!mem)
		return -errno;
	scols_table_set_stream(tb, mem);
	r = scols_print_table(tb);
	scols_table_set_stream(tb, out);
	if (fclose(mem) && !r)
		r = -ENOMEM;
	if (!r && nst_fputs_json(doc, out) == EOF)
		r = errno ? -errno : -EIO;
	free(doc);
	return r;
}

int nst_out_print(struct nst_out *o)
{
	int r = o->json ? print_json(o->tb) : scols_print_table(o->tb);

	scols_unref_table(o->tb);
	o->tb = NULL;
	return r;
}

bool nst_out_option(struct nst_out *o, int opt, const char *arg, int usage_code)
{
	o->usage_code = usage_code;
	switch (opt) {
	case 'o':
		/* the table may depend on options still to come: checked and
		 * applied by nst_out_columns() */
		o->want_list = arg;
		o->applied = false;
		return true;
	case NST_OPT_OUTPUT_ALL:
		o->want_all = true;
		o->applied = false;
		return true;
	case 'n':
		o->noheadings = true;
		return true;
	case 'r':
		o->raw = true;
		return true;
	case 'J':
		o->json = true;
		return true;
	case NST_OPT_COLOR:
		nst_color_option(arg, usage_code);
		o->colors = nst_colors_wanted();
		return true;
	}
	return false;
}

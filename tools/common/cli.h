/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared plumbing of the nstools command-line tools: messages, exit paths,
 * version, stdout error detection, and column tables rendered through
 * libsmartcols (tables, trees, raw and JSON output, as lsns does).
 *
 * Each tool declares one table of columns (struct nst_col); --help,
 * -H/--list-columns, -o/--output and the JSON types all come from it.
 */
#ifndef NSTOOLS_CLI_H
#define NSTOOLS_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <libsmartcols.h>

#include "nsinfo.h"

#define NST_MAX_COLS 64

/* ---------------------------------------------------------------- messages */

/* "tool: message" on stderr. */
void nst_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tool: message" on stderr, then exit(code). */
void nst_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* "tool: message" + "Try 'tool --help' for more information.", exit(code). */
void nst_usage_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* A reference the resolver r could not resolve (err), in its words
 * (nsinfo_resolver_message): a usage error for a malformed one (-EINVAL,
 * -EDOM: no type chosen), else exit nst_exit_for_lookup(err). */
void nst_ref_die(struct nsinfo_resolver *r, const char *ref, int err) __attribute__((noreturn));
/* "tool from nstools X.Y.Z" on stdout, exit 0. */
void nst_print_version(void) __attribute__((noreturn));
/*
 * Flush and close stdout at exit; on a write error (full disk, closed pipe
 * other than EPIPE) say "write error" and exit with code. Call once, early.
 * code is also the exit code of the table layer's out-of-memory deaths
 * (EXIT_FAILURE until this is called).
 */
void nst_close_stdout_at_exit(int code);
/*
 * Colour, one rule for every tool: --color=always colours, --color=never
 * does not, --color=auto (the default) colours a terminal unless NO_COLOR
 * is set and not empty (https://no-color.org). A bare --color is
 * --color=always, as in ls and grep.
 */
enum nst_color_mode { NST_COLOR_AUTO = 0, NST_COLOR_ALWAYS, NST_COLOR_NEVER };
/* Parse --color's argument (NULL: always); a bad one is a usage error. */
void nst_color_option(const char *arg, int usage_code);
enum nst_color_mode nst_color_mode(void);
/* Whether to colour output going to fd (stdout for the tables). */
bool nst_colors_wanted_fd(int fd);
bool nst_colors_wanted(void);
/* The --color entry of a tool's getopt_long table */
#define NST_COLOR_LONGOPT { "color", optional_argument, NULL, NST_OPT_COLOR }
#define NST_COLOR_HELP \
	"     --color[=WHEN]     colour: auto (default), always or never; NO_COLOR\n" \
	"                        set and not empty means never, unless always\n"

/* ---------------------------------------------------------------- escaping */

/*
 * Everything a process or container controls is shown through
 * nsinfo_escape(). nst_text_flags(): the flags for text on this terminal
 * (NSINFO_ESCAPE_ASCII unless the locale's character set is UTF-8).
 * nst_esc(s): s escaped as text; valid until 8 more calls (NULL for NULL).
 * nst_fputs_json(doc, f): a JSON document from json-c or libsmartcols,
 * made valid UTF-8 with no raw control or bidi character, to f (fputs
 * result).
 */
unsigned nst_text_flags(void);
const char *nst_esc(const char *s);
int nst_fputs_json(const char *doc, FILE *f);

/* ------------------------------------------------------------------ columns */

struct nst_col {
	const char *name;         /* "NS", "TYPE", ... as in -o */
	double whint;             /* libsmartcols width hint */
	int flags;                /* SCOLS_FL_* */
	int json;                 /* SCOLS_JSON_* */
	const char *help;         /* one line for --help and -H */
};

struct nst_out {
	const struct nst_col *cols;
	size_t ncols;
	int sel[NST_MAX_COLS];    /* selected column ids, in output order */
	size_t nsel;
	int pos[NST_MAX_COLS];    /* column id -> position in sel, -1 */
	bool json, raw, noheadings, colors;
	bool notruncate, nowrap;  /* -u, -W: no SCOLS_FL_TRUNC, no SCOLS_FL_WRAP */
	int tree_col;             /* column id drawn as the tree, -1 for none */
	struct libscols_table *tb;
	/* -o / --output-all as given, applied by nst_out_columns() */
	const char *want_list;
	bool want_all, applied;
	int usage_code;
	const char *env_var;      /* nst_out_env_columns() */
};

/* Initialise with the tool's table and a default column list ("A,B,C"). */
void nst_out_init(struct nst_out *o, const struct nst_col *cols, size_t ncols,
		  const char *defaults);
/*
 * Apply an -o list: "A,B" replaces the selection, "+A,B" appends to it
 * (util-linux semantics). Returns 0, or -EINVAL with *bad set to the first
 * unknown name (points into list; length in *badlen).
 */
int nst_out_select(struct nst_out *o, const char *list, const char **bad, size_t *badlen);
/*
 * Choose the column table and defaults once the tool knows its mode (they
 * may depend on options such as --list), then apply -o/--output-all as
 * given on the command line. Keeps the json/raw/noheadings/colour and
 * notruncate/nowrap choices.
 * An unknown column name is a usage error (exit with the code given to
 * nst_out_option).
 */
void nst_out_columns(struct nst_out *o, const struct nst_col *cols, size_t ncols,
		     const char *defaults);
/* Select every column (--output-all). */
void nst_out_select_all(struct nst_out *o);
/* Column id of a name (case-insensitive), -1. */
int nst_col_by_name(const struct nst_col *cols, size_t ncols, const char *name, size_t len);
/* Whether a column id is in the selection. */
static inline bool nst_out_has(const struct nst_out *o, int id)
{
	return id >= 0 && id < (int)o->ncols && o->pos[id] >= 0;
}

/* "Available output columns:" block for --help. */
void nst_help_columns(FILE *f, const struct nst_col *cols, size_t ncols);
/* -H/--list-columns: a NAME/TYPE/DESCRIPTION table (or JSON with json). */
int nst_list_columns(const struct nst_col *cols, size_t ncols, bool json, bool raw,
		     bool noheadings);

/* Create the table: name is the JSON array name ("namespaces"). NULL on ENOMEM. */
struct libscols_table *nst_out_table(struct nst_out *o, const char *name);
/* A new line (child of parent for trees, or NULL). Dies on ENOMEM. */
struct libscols_line *nst_out_line(struct nst_out *o, struct libscols_line *parent);
/* Set the cell of column id on a line if the column is selected. */
void nst_out_set(struct nst_out *o, struct libscols_line *ln, int id, const char *val);
void nst_out_setf(struct nst_out *o, struct libscols_line *ln, int id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * Set a cell holding several untrusted strings joined by sep (a newline
 * for a multi-line cell): in text output each item is escaped on its own,
 * so the separator stays what it is.
 */
void nst_out_set_list(struct nst_out *o, struct libscols_line *ln, int id,
		      const char *const *items, size_t n, const char *sep);
/* Print and free the table; 0 or -errno. */
int nst_out_print(struct nst_out *o);

/* Option parsing helpers shared by the tools ---------------------------- */

/*
 * Handle the common output options; returns true if opt was one of them.
 * -o LIST, --output-all, -n, -r, -J; -H is left to the tool (it exits).
 * -o and --output-all take effect in nst_out_columns(), or when the table
 * is created for a tool that never calls it; nst_out_has() reflects them
 * only after that.
 */
bool nst_out_option(struct nst_out *o, int opt, const char *arg, int usage_code);
/* getopt_long values for long-only common options */
enum { NST_OPT_OUTPUT_ALL = 0x1000, NST_OPT_COLOR, NST_OPT_FIRST_TOOL = 0x1100 };
/*
 * Default columns from the environment, as util-linux's LSBLK_COLUMNS:
 * var (say "NSTREE_COLUMNS") set and not empty stands for -o when neither
 * -o nor --output-all is given ("+A,B" adds to the defaults). Set it on
 * the nst_out before nst_out_columns() for the table it is meant for; an
 * unknown name in it is a usage error naming the variable.
 */
void nst_out_env_columns(struct nst_out *o, const char *var);

#endif

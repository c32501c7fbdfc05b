/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One exit status scheme for every tool (each man page's EXIT STATUS and
 * the README say the same):
 *
 *   0  success, a partial view included (a line on stderr says what is
 *      missing)
 *   1  the answer is no: what was named does not exist or has gone (a
 *      namespace, process, container), nstree --diff found differences,
 *      nspid could not translate a pid, nsenter-lite --explain predicts a
 *      failure, nsexporter's scan failed (the exposition says so)
 *   2  usage: an unknown option, a malformed number, an unknown type,
 *      column or word, options that exclude each other
 *   3  trouble: the tool could not do its work (/proc or a file cannot be
 *      read or written, permission denied, BPF not available, an address
 *      cannot be listened on, out of memory)
 *
 * The exec wrappers keep env(1)'s codes for what the command could not
 * do: nsenter-lite exits 125 when it fails itself (nothing was run), both
 * nsenter-lite and nstrace 126 when the command cannot be run and 127 when
 * it is not found; otherwise the command's status.
 */
#ifndef NSTOOLS_EXITCODES_H
#define NSTOOLS_EXITCODES_H

#include <errno.h>

enum {
	NST_EXIT_OK = 0,
	NST_EXIT_NO = 1,
	NST_EXIT_USAGE = 2,
	NST_EXIT_TROUBLE = 3,
	NST_EXIT_WRAPPER = 125,   /* nsenter-lite failed itself */
	NST_EXIT_NOEXEC = 126,    /* the command cannot be run */
	NST_EXIT_NOTFOUND = 127,  /* the command was not found */
};

/* The code for a failed look-up of something named (-errno): trouble for
 * permission, memory and I/O errors, else "no" (it does not exist, has
 * gone, is not what was asked for, or is ambiguous). */
static inline int nst_exit_for_lookup(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
	case EACCES:
	case ENOMEM:
	case EIO:
	case ENFILE:
	case EMFILE:
		return NST_EXIT_TROUBLE;
	}
	return NST_EXIT_NO;
}

#endif

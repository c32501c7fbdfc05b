/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <stdlib.h>
#include "nstop.h"
int ui_run(struct model *m, const struct nstop_opts *o) { (void)m; (void)o; return EXIT_FAILURE; }

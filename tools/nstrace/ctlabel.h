/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container of each traced event, looked up once per pid namespace and
 * cgroup (ctlabel.c), so that the per-event cost is one hash probe.
 */
#ifndef NSTRACE_CTLABEL_H
#define NSTRACE_CTLABEL_H

#include <stdint.h>

#include "cttarget.h"

struct ctlabel {
	uint64_t ino, nsid, cg;   /* the key: pid namespace and cgroup */
	uint8_t used;
	char *text;               /* " container=LABEL", or "" */
	char *json;               /* ,"container":..,"runtime":..,"cid":.. */
};

struct ctlabels {
	struct ctlabel *v;
	size_t cap, n;
	const struct nst_ct_targets *targets; /* -C, NULL none */
	struct ctlabel none;      /* for events whose container is unknown */
};

void ctlabels_init(struct ctlabels *c, const struct nst_ct_targets *targets);
void ctlabels_free(struct ctlabels *c);
/* The label of e's caller; never NULL (dies only for want of memory) */
const struct ctlabel *ctlabels_get(struct ctlabels *c, const struct nsinfo_event *e);

#endif

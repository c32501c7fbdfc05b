/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CONTAINER, RUNTIME, CID, IMAGE, POD, K8SNS: one definition for every
 * tool, from the library's container model (CONTAINER is
 * nsinfo_container_label(): the same label for the same namespace
 * everywhere).
 */
#include <string.h>

#include "ctcols.h"

void nst_ct_cells(const struct nsinfo_snapshot *s, int32_t idx, struct nst_ct_cells *out)
{
	size_t n = 0;
	const struct nsinfo_container *all = s ? nsinfo_snapshot_containers(s, &n) : NULL;
	const struct nsinfo_container *c;

	memset(out, 0, sizeof(*out));
	if (!all || idx < 0 || (size_t)idx >= n)
		return;
	c = &all[idx];
	out->v[NST_CT_CONTAINER] = nsinfo_container_label(s, idx, out->label, sizeof(out->label));
	out->v[NST_CT_RUNTIME] = c->runtime;
	out->v[NST_CT_CID] = c->id;
	out->v[NST_CT_IMAGE] = c->image;
	out->v[NST_CT_POD] = c->pod_name;
	out->v[NST_CT_K8SNS] = c->pod_namespace;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container columns every tool shows the same way (ctcols.c). */
#ifndef NST_CTCOLS_H
#define NST_CTCOLS_H

#include <nsinfo.h>

enum { NST_CT_CONTAINER, NST_CT_RUNTIME, NST_CT_CID, NST_CT_IMAGE, NST_CT_POD, NST_CT_K8SNS,
       NST_CT_N };

/* Column help, for the tools' column tables */
#define NST_CT_HELP_CONTAINER "container or pod the namespace belongs to: name, else short id; OWNER/ a user's, ? unverified"
#define NST_CT_HELP_RUNTIME   "container engine: docker, podman, containerd, cri-o, lxc, nspawn, ..."
#define NST_CT_HELP_CID       "full container id (a pod's: its UID or name)"
#define NST_CT_HELP_IMAGE     "image the engine records for the container"
#define NST_CT_HELP_POD       "pod name (Kubernetes or podman)"
#define NST_CT_HELP_K8SNS     "Kubernetes namespace of the pod"
/* nst_col initializers for the five columns after CONTAINER */
#define NST_CT_COLS(RUNTIME, CID, IMAGE, POD, K8SNS) \
	[RUNTIME] = { "RUNTIME", 0.1, 0, SCOLS_JSON_STRING, NST_CT_HELP_RUNTIME }, \
	[CID]     = { "CID", 0.1, 0, SCOLS_JSON_STRING, NST_CT_HELP_CID }, \
	[IMAGE]   = { "IMAGE", 0.1, 0, SCOLS_JSON_STRING, NST_CT_HELP_IMAGE }, \
	[POD]     = { "POD", 0.1, 0, SCOLS_JSON_STRING, NST_CT_HELP_POD }, \
	[K8SNS]   = { "K8SNS", 0.1, 0, SCOLS_JSON_STRING, NST_CT_HELP_K8SNS }

struct nst_ct_cells {
	char label[300];
	const char *v[NST_CT_N];  /* NULL where there is nothing to show */
};

/* The cells of container idx of s (-1: all NULL) */
void nst_ct_cells(const struct nsinfo_snapshot *s, int32_t idx, struct nst_ct_cells *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nstop internals: the model (a libnsinfo snapshot with CPU/memory
 * figures per process, per-namespace sums and churn, and the row list the screen and
 * batch mode render) and the renderers on top of it.
 */
#ifndef NSTOP_H
#define NSTOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "cttarget.h"
#include "exitcodes.h"
#include "nsinfo.h"

/* Columns of the namespace panel, in default order */
enum {
	COL_TYPE, COL_NS, COL_NSID, COL_CONTAINER, COL_NPROCS, COL_CPU, COL_RSS,
	COL_CHURN, COL_COMMAND, COL_RUNTIME, COL_CID, COL_IMAGE, COL_POD, COL_K8SNS, NCOLS
};
/* COL_CONTAINER, then the others of tools/common/ctcols.h in its order */
#define NSTOP_CT_COL(k) ((k) == 0 ? COL_CONTAINER : COL_RUNTIME + (k) - 1)

enum { GROUP_TREE, GROUP_CONTAINER, GROUP_FLAT, NGROUPS };

/*
 * procstat.c: per snapshot process (threads excepted), %CPU (percent of
 * one CPU) and RSS (KiB) from the CPU time and memory the library's scan
 * read (NSINFO_SCAN_USAGE); 0 where it has no figure. Against prev, the
 * snapshot taken secs earlier, the interval; for the first snapshot and a
 * process new since, the lifetime average (as ps gives).
 */
struct pstat {
	float cpu;
	uint32_t rss;
};
void procstat_sample(const struct nsinfo_snapshot *cur, const struct nsinfo_snapshot *prev,
		     double secs, struct pstat *out);

/* Per-namespace sums over member processes */
struct ns_stat {
	float cpu;
	uint64_t rss;             /* KiB */
	uint32_t born, died;      /* members created/exited since the last refresh */
};

/* labels.c: the container cells (CONTAINER, RUNTIME, CID, IMAGE, POD,
 * K8SNS) from the last snapshot that scanned for them */
struct label {
	int type;
	uint64_t ino, nsid;
	char *v[6];               /* NULL where empty */
};
struct labels {
	struct label *v;          /* sorted by type, inode */
	size_t n;
	size_t ncontainers;
};
/* From a snapshot taken with NSINFO_SCAN_CONTAINERS|HOSTNAMES; 0 or -1. */
int labels_update(struct labels *l, const struct nsinfo_snapshot *s);
/* Cell k (ctcols.h order, 0 = CONTAINER) of a namespace, NULL if it has
 * none (or is newer). */
const char *labels_find(const struct labels *l, const struct nsinfo_ns *n, int k);
void labels_free(struct labels *l);

struct row {
	int32_t ns;               /* namespace index in the snapshot */
	int16_t depth;            /* tree depth */
	bool context;             /* shown only because a descendant matches */
	bool last;                /* last of its siblings (tree drawing) */
	uint64_t branches;        /* bit d: an ancestor at depth d has more siblings */
};

struct model {
	struct nsinfo_scan_opts opts;
	struct nsinfo_snapshot *snap, *prev;
	double snap_at;           /* CLOCK_MONOTONIC when snap was taken */
	struct pstat *pst;        /* per snapshot process */
	size_t pcap;
	struct ns_stat *nst;      /* per snapshot namespace */
	size_t nscap;
	int32_t *prev_map;        /* previous snapshot ns index -> current, -1 */

	struct row *rows;
	size_t nrows, rows_cap;

	struct labels labels;
	double labels_at;         /* CLOCK_MONOTONIC of their scan */
	bool want_labels;         /* the CONTAINER column is shown */

	/* what the user asked for */
	int type_filter;          /* enum nsinfo_type, -1 for all */
	char text_filter[64];
	pid_t pid_filter;         /* 0: every namespace; else that process's */
	const struct nst_ct_targets *ct; /* -C: only their processes' namespaces */
	int group;                /* GROUP_* */
	int sort_col;             /* COL_* */
	bool sort_desc;

	/* next refresh only: namespace links of processes not listed are
	 * trusted (the event source saw every namespace call) */
	bool trust_links;
	const pid_t *changed;
	size_t nchanged;
	struct nsinfo_events *events; /* the feed changed comes from (the library checks it) */

	/* header figures */
	double uptime, load[3];
	size_t nprocs;            /* processes (not threads) in the snapshot */
	uint32_t born, died;      /* host-wide churn */
};

void model_init(struct model *m);
void model_fini(struct model *m);
/* New snapshot and figures; 0 or -errno. */
int model_refresh(struct model *m);
/* Rebuild m->rows from the grouping, filters and sort order. */
int model_build_rows(struct model *m);
/* Text of one cell of a namespace row. */
void model_cell(struct model *m, const struct row *r, int col, char *buf, size_t len);
/* Tree prefix ("|- ", "`- " ...) of a row in ASCII, for the screen. */
void model_tree_prefix(const struct row *r, char *buf, size_t len);
/* The header lines (at most max, 5 in all): returns how many. */
int model_header(struct model *m, char lines[][256], int max, const char *events);
/* Stable identity of a namespace across snapshots (nsid, else type+inode). */
struct ns_key {
	int type;
	uint64_t ino, nsid;
};
struct ns_key model_key(const struct model *m, int ns);
int model_find(const struct model *m, const struct ns_key *k);
extern const char *const group_names[NGROUPS];
/* A process's command name (the library reads it again every refresh
 * with NSINFO_SCAN_USAGE: an exec renames). */
const char *model_proc_comm(const struct model *m, const struct nsinfo_proc *p);
/* "12.3M"-style size of a KiB figure */
void fmt_kib(uint64_t kib, char *buf, size_t len);

/* Column table shared by --help, batch mode and the screen */
struct top_col {
	const char *name;
	int width;                /* screen width; negative: left-aligned */
	bool numeric;             /* default sort direction descending */
};
extern const struct top_col top_cols[NCOLS];
extern const struct nst_col nstop_cols[NCOLS];
#define NSTOP_DEFAULT_COLS "TYPE,NS,NSID,CONTAINER,NPROCS,%CPU,RSS,CHURN,COMMAND"


struct events_pane;

/* What the command line chose, shared by both front ends */
struct nstop_opts {
	double delay;             /* seconds between refreshes */
	long frames;              /* batch: frames to print, 0 = until killed */
	bool batch, events;
	const int *cols;          /* selected columns (-o), in order */
	size_t ncols;
	struct events_pane *ev;   /* the event feed, NULL when not wanted */
	const char *evfilter;     /* --events-filter, NULL none */
	const char *ct_refs[NST_CT_MAX_TARGETS]; /* -C REF */
	size_t nct;
};

/* Refresh the model, trusting the namespace links of processes the event
 * feed saw no namespace call from; 0 or -errno. */
int nstop_refresh(struct model *m, struct events_pane *ev);

/* batch.c: frames of plain text on stdout; exit status */
int batch_run(struct model *m, const struct nstop_opts *o);
/* ui.c: the curses screen; exit status */
int ui_run(struct model *m, const struct nstop_opts *o);
/* false once SIGINT or SIGTERM asked nstop to stop */
bool nstop_running(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exposition: Prometheus text format 0.0.4, or OpenMetrics 1.0 when the
 * scraper asks for it (counter families named without _total, "# EOF").
 * Every figure comes from one snapshot (and the BPF counters), read under
 * the exporter's lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nsexporter.h"

struct mw {
	FILE *f;
	bool om;
};

/* ------------------------------------------------------------- escaping */

/* Length of a valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The exposition formats escape backslash, double quote and newline in
 * label values; a byte that is not valid UTF-8 (or another control
 * character) is written as the four characters \xNN, its backslash escaped
 * like any other, so the value a scraper decodes is valid UTF-8 text.
 */
void prom_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = utf8_len(s);

		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (!n || *s < 0x20 || *s == 0x7f)
			fprintf(f, "\\\\x%02x", *s);
		else {
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
}

/* ---------------------------------------------------------------- writer */

enum mtype { GAUGE, COUNTER };

static void family(struct mw *w, const char *name, enum mtype t, const char *help)
{
	size_t len = strlen(name);

	/* OpenMetrics names a counter family without its _total suffix */
	if (w->om && t == COUNTER && len > 6 && !strcmp(name + len - 6, "_total"))
		len -= 6;
	fprintf(w->f, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)len, name, help, (int)len, name,
		t == COUNTER ? "counter" : "gauge");
}

/* One sample; labels are name, value pairs ended by LEND. A label whose
 * value is NULL or empty is left out: Prometheus reads an empty label as
 * an absent one. */
#define LEND ((const char *)-1)
static void sample(struct mw *w, const char *name, const char *const *labels, double v)
{
	bool open = false;

	fputs(name, w->f);
	for (size_t i = 0; labels && labels[i] != LEND; i += 2) {
		if (!labels[i + 1] || !labels[i + 1][0])
			continue;
		fprintf(w->f, "%s%s=\"", open ? "," : "{", labels[i]);
		prom_escape(w->f, labels[i + 1]);
		fputc('"', w->f);
		open = true;
	}
	if (open)
		fputc('}', w->f);
	fprintf(w->f, " %.17g\n", v);
}

#define L(...) ((const char *const[]){ __VA_ARGS__, LEND })

/* --------------------------------------------------------- classification */

enum ns_state { ST_PROCS, ST_HELD, ST_ANCESTOR, NSTATES };
static const char *const state_names[NSTATES] = { "processes", "held", "ancestor" };

static enum ns_state ns_state(const struct nsinfo_ns *n)
{
	if (n->flags & NSINFO_NS_ANCESTOR)
		return ST_ANCESTOR;
	if (n->nprocs || !(n->flags & NSINFO_NS_NOPROCS))
		return ST_PROCS;
	return ST_HELD;
}

#define NKINDS (NSINFO_HOLD_OWNED_NS + 1)

/* Bit (1 << holder kind) of every kind that holds n */
static unsigned holder_kinds(const struct nsinfo_ns *n)
{
	unsigned k = 0;

	for (uint32_t i = 0; i < n->nholders; i++)
		if (n->holders[i].kind >= 0 && n->holders[i].kind < NKINDS)
			k |= 1u << n->holders[i].kind;
	return k;
}

/*
 * Directories where container runtimes bind-mount the network namespaces
 * of their sandboxes. A namespace held only by such a mount, with no
 * process in it, outlived its container: the runtime or a CNI plugin
 * failed to remove the mount.
 */
static const struct {
	const char *prefix;
	const char *runtime;
} runtime_mounts[] = {
	{ "/run/docker/netns/", "docker" },
	{ "/var/run/docker/netns/", "docker" },
	{ "/run/netns/cni-", "cni" },
	{ "/var/run/netns/cni-", "cni" },
	{ "/run/netns/netns-", "podman" },
	{ "/var/run/netns/netns-", "podman" },
	{ "/run/containerd/", "containerd" },
	{ "/run/crio/ns/", "cri-o" },
	{ "/var/run/crio/ns/", "cri-o" },
};

/* The runtime whose directory one of n's bind mounts is in, NULL */
static const char *leak_runtime(const struct nsinfo_ns *n)
{
	for (uint32_t i = 0; i < n->nholders; i++) {
		const char *p = n->holders[i].path;

		if (n->holders[i].kind != NSINFO_HOLD_MOUNT || !p)
			continue;
		for (size_t r = 0; r < sizeof(runtime_mounts) / sizeof(runtime_mounts[0]); r++)
			if (!strncmp(p, runtime_mounts[r].prefix, strlen(runtime_mounts[r].prefix)))
				return runtime_mounts[r].runtime;
	}
	return NULL;
}

/* ------------------------------------------------------------- families */

static void ns_metrics(struct mw *w, const struct nsinfo_ns *ns, size_t nns)
{
	unsigned by_state[NSINFO_NTYPES][NSTATES] = { { 0 } };
	unsigned by_kind[NSINFO_NTYPES][NKINDS] = { { 0 } };
	unsigned mount_only[NSINFO_NTYPES] = { 0 };

	for (size_t i = 0; i < nns; i++) {
		const struct nsinfo_ns *n = &ns[i];
		enum ns_state st;
		unsigned k;

		if (n->type < 0 || n->type >= NSINFO_NTYPES)
			continue;
		st = ns_state(n);
		by_state[n->type][st]++;
		if (st != ST_HELD)
			continue;
		k = holder_kinds(n);
		for (int h = 0; h < NKINDS; h++)
			if (k & (1u << h))
				by_kind[n->type][h]++;
		if (k == 1u << NSINFO_HOLD_MOUNT)
			mount_only[n->type]++;
	}

	family(w, "nsexporter_namespaces", GAUGE,
	       "Namespaces by type and state: processes (a process is in it), held (no process, "
	       "kept by a mount, fd, thread or namespace), ancestor (seen only as a parent or owner).");
	for (int t = 0; t < NSINFO_NTYPES; t++)
		for (int s = 0; s < NSTATES; s++)
			sample(w, "nsexporter_namespaces",
			       L("type", nsinfo_type_name(t), "state", state_names[s]), by_state[t][s]);

	family(w, "nsexporter_namespaces_held", GAUGE,
	       "Namespaces without processes by what holds them (one namespace counts under each kind that holds it).");
	for (int t = 0; t < NSINFO_NTYPES; t++)
		for (int h = NSINFO_HOLD_THREAD; h < NKINDS; h++)
			sample(w, "nsexporter_namespaces_held",
			       L("type", nsinfo_type_name(t), "holder", nsinfo_holder_kind_name(h)),
			       by_kind[t][h]);

	family(w, "nsexporter_namespaces_mount_only", GAUGE,
	       "Namespaces without processes held only by bind mounts.");
	for (int t = 0; t < NSINFO_NTYPES; t++)
		sample(w, "nsexporter_namespaces_mount_only", L("type", nsinfo_type_name(t)),
		       mount_only[t]);
}

/* Leaks by runtime: few runtimes, so a small linear table. */
static void leak_metrics(struct mw *w, const struct nsinfo_ns *ns, size_t nns)
{
	static const char *const runtimes[] = { "docker", "cni", "podman", "containerd", "cri-o" };
	unsigned count[sizeof(runtimes) / sizeof(runtimes[0])][NSINFO_NTYPES] = { { 0 } };

	for (size_t i = 0; i < nns; i++) {
		const struct nsinfo_ns *n = &ns[i];
		const char *rt;

		if (n->type < 0 || n->type >= NSINFO_NTYPES || ns_state(n) != ST_HELD ||
		    holder_kinds(n) != 1u << NSINFO_HOLD_MOUNT || !(rt = leak_runtime(n)))
			continue;
		for (size_t r = 0; r < sizeof(runtimes) / sizeof(runtimes[0]); r++)
			if (!strcmp(rt, runtimes[r]))
				count[r][n->type]++;
	}
	family(w, "nsexporter_namespaces_leaked", GAUGE,
	       "Namespaces held only by a bind mount in a container runtime's directory, with no process: "
	       "their container is gone.");
	for (size_t r = 0; r < sizeof(runtimes) / sizeof(runtimes[0]); r++)
		for (int t = 0; t < NSINFO_NTYPES; t++)
			if (count[r][t] || t == NSINFO_NET)
				sample(w, "nsexporter_namespaces_leaked",
				       L("type", nsinfo_type_name(t), "runtime", runtimes[r]),
				       count[r][t]);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One sample per container (not per pod) of family name: its name (else
 * id), id, runtime, and pod, k8s_namespace and pod_uid where the engine
 * records them (labels without a value are left out) */
static void container_samples(struct mw *w, const char *name, const struct nsinfo_container *c,
			      size_t nc, const unsigned *v)
{
	for (size_t i = 0; i < nc; i++)
		if (c[i].kind != NSINFO_CONTAINER_KIND_POD)
			sample(w, name,
			       L("container", c[i].name ? c[i].name : c[i].id, "container_id", c[i].id,
				 "runtime", c[i].runtime, "pod", c[i].pod_name, "k8s_namespace",
				 c[i].pod_namespace, "pod_uid", c[i].pod),
			       v[i]);
}

static void container_metrics(struct mw *w, struct nsinfo_snapshot *s, bool per_container)
{
	size_t nc, np, nns;
	const struct nsinfo_container *c = nsinfo_snapshot_containers(s, &nc);
	const struct nsinfo_proc *p = nsinfo_snapshot_procs(s, &np);
	const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(s, &nns);
	const char **rt = calloc(nc + 1, sizeof(*rt));

	family(w, "nsexporter_containers", GAUGE, "Containers with at least one process, by runtime.");
	if (rt) {
		size_t nrt = 0;

		/* pods own the namespaces their containers share: not containers */
		for (size_t i = 0; i < nc; i++)
			if (c[i].kind != NSINFO_CONTAINER_KIND_POD)
				rt[nrt++] = c[i].runtime ? c[i].runtime : "unknown";
		qsort(rt, nrt, sizeof(*rt), cmp_str);
		for (size_t i = 0, j; i < nrt; i = j) {
			for (j = i; j < nrt && !strcmp(rt[i], rt[j]); j++)
				;
			sample(w, "nsexporter_containers", L("runtime", rt[i]), (double)(j - i));
		}
		free(rt);
	}
	if (!per_container)
		return;

	unsigned *nproc = calloc(nc + 1, sizeof(*nproc)), *nnsc = calloc(nc + 1, sizeof(*nnsc));

	if (nproc && nnsc) {
		for (size_t i = 0; i < np; i++)
			if (!(p[i].flags & NSINFO_PROC_THREAD) && p[i].container >= 0 &&
			    (size_t)p[i].container < nc)
				nproc[p[i].container]++;
		for (size_t i = 0; i < nns; i++)
			if (ns[i].container >= 0 && (size_t)ns[i].container < nc)
				nnsc[ns[i].container]++;
		family(w, "nsexporter_container_processes", GAUGE, "Processes of a container.");
		container_samples(w, "nsexporter_container_processes", c, nc, nproc);
		family(w, "nsexporter_container_namespaces", GAUGE,
		       "Namespaces that belong to a container (made by it, as nstree's CONTAINER column).");
		container_samples(w, "nsexporter_container_namespaces", c, nc, nnsc);
	}
	free(nproc);
	free(nnsc);
}

static void scan_metrics(struct mw *w, struct exporter *ex)
{
	struct nsinfo_coverage cov = { 0 };

	family(w, "nsexporter_last_scan_success", GAUGE,
	       "Whether the last scan of the host succeeded (1) or failed (0).");
	sample(w, "nsexporter_last_scan_success", NULL, ex->last_ok);
	family(w, "nsexporter_scan_duration_seconds", GAUGE, "Duration of the last scan.");
	sample(w, "nsexporter_scan_duration_seconds", NULL, ex->scan_seconds);
	family(w, "nsexporter_scans_total", COUNTER, "Scans of the host, failed ones included.");
	sample(w, "nsexporter_scans_total", NULL, (double)ex->scans);
	family(w, "nsexporter_scan_failures_total", COUNTER, "Scans that failed.");
	sample(w, "nsexporter_scan_failures_total", NULL, (double)ex->scan_failures);
	family(w, "nsexporter_scrapes_total", COUNTER, "Expositions served or written.");
	sample(w, "nsexporter_scrapes_total", NULL, (double)ex->scrapes);
	if (!ex->last_ok)
		return;
	family(w, "nsexporter_last_scan_timestamp_seconds", GAUGE,
	       "Time of the last successful scan, seconds since the epoch.");
	sample(w, "nsexporter_last_scan_timestamp_seconds", NULL, ex->last_wall);
	nsinfo_snapshot_coverage(ex->snap, &cov);
	family(w, "nsexporter_processes", GAUGE,
	       "Processes of the last scan: scanned, denied (namespace links refused), "
	       "vanished (exited while read), zombie.");
	sample(w, "nsexporter_processes", L("outcome", "scanned"), cov.scanned);
	sample(w, "nsexporter_processes", L("outcome", "denied"), cov.denied);
	sample(w, "nsexporter_processes", L("outcome", "vanished"), cov.vanished);
	sample(w, "nsexporter_processes", L("outcome", "zombie"), cov.zombies);
	family(w, "nsexporter_scan_source", GAUGE,
	       "Where the last scan read the processes from: bpf (task iterator) or proc (/proc walk).");
	sample(w, "nsexporter_scan_source", L("source", nsinfo_snapshot_source(ex->snap, NULL)), 1);
}

static void bpf_metrics(struct mw *w, struct exporter *ex)
{
	struct nsinfo_counter *ctr = NULL;
	size_t n = 0;
	int r = -ENODEV;

	if (ex->counters)
		r = nsinfo_counters_read(ex->counters, &ctr, &n);
	family(w, "nsexporter_bpf_up", GAUGE,
	       "Whether the BPF counter probe is loaded (1); reason says why not (0).");
	if (r < 0 && ex->counters)
		snprintf(ex->bpf_why, sizeof(ex->bpf_why), "reading the counters: %s", strerror(-r));
	if (r < 0) {
		sample(w, "nsexporter_bpf_up", L("reason", ex->bpf_why), 0);
		return;
	}
	sample(w, "nsexporter_bpf_up", NULL, 1);
	family(w, "nsexporter_namespace_operations_total", COUNTER,
	       "Namespace operations since the probe was loaded, by operation (clone, clone3, unshare, "
	       "setns, fork into another pid/time namespace), namespace type and result (ok or the errno name).");
	for (size_t i = 0; i < n; i++) {
		const char *res = ctr[i].error ? strerrorname_np(ctr[i].error) : "ok";
		char num[16];

		if (!res) {
			snprintf(num, sizeof(num), "E%d", ctr[i].error);
			res = num;
		}
		sample(w, "nsexporter_namespace_operations_total",
		       L("operation", nsinfo_event_kind_name(ctr[i].kind), "type",
			 ctr[i].type < 0 ? "unknown" : nsinfo_type_name(ctr[i].type), "result", res),
		       (double)ctr[i].count);
	}
	free(ctr);
}

char *exporter_render(struct exporter *ex, bool om, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	struct mw w = { .om = om };

	w.f = open_memstream(&buf, &size);
	if (!w.f)
		return NULL;
	pthread_mutex_lock(&ex->lock);
	exporter_update(ex);
	ex->scrapes++;
	if (ex->last_ok) {
		size_t nns;
		const struct nsinfo_ns *ns = nsinfo_snapshot_namespaces(ex->snap, &nns);

		ns_metrics(&w, ns, nns);
		leak_metrics(&w, ns, nns);
		container_metrics(&w, ex->snap, ex->per_container);
	}
	scan_metrics(&w, ex);
	bpf_metrics(&w, ex);
	pthread_mutex_unlock(&ex->lock);
	if (om)
		fputs("# EOF\n", w.f);
	if (fclose(w.f) || !buf) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	*len = size;
	return buf;
}

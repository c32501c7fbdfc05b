/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The BPF task-iterator source of the snapshot scan.
 *
 * One iter/task program (bpf/nstask.bpf.c) hands over a fixed-size record
 * per process (and per thread whose namespaces differ from its leader's):
 * the status fields and all ten ns links, without the per-link ptrace
 * check and proc inode a /proc walk pays. Rows and namespaces go through
 * the same entry points as the /proc walk (scan.c); a namespace new to the
 * snapshot is still opened once through /proc/PID/ns/TYPE of one member
 * for the nsfs ioctls (id check, owner, parent). With NSINFO_SCAN_FDS an
 * iter/task_file program of the same object lists every open nsfs file,
 * which the holders' fd pass (holders.c) takes instead of reading each
 * /proc/PID/fd.
 *
 * Coverage: scanned counts thread-group leaders seen, tasks_scanned the
 * other threads; vanished and denied stay 0 (the kernel hands over every
 * task without /proc's access checks: a process whose ns links refuse root
 * is listed with its namespaces). One exception, seen on a 6.18 host: the
 * iterator did not report the pid namespace's init (pid 1) although /proc
 * lists it; a pid 1 the iterator missed is read the /proc way, with /proc's
 * coverage (denied where its links refuse us).
 *
 * One cosmetic difference: comm is task->comm, where /proc's Name: of a
 * kernel workqueue worker appends its workqueue ("kworker/0:1-events").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "source/source.h"

static int why(struct nsinfo_snapshot *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->src.why, sizeof(s->src.why), fmt, ap);
	va_end(ap);
	return err;
}

/* What the caller asked for rules out the iterator: 0 or -errno + reason */
static int wanted(struct nsinfo_snapshot *s)
{
	if (s->flags & NSINFO_SCAN_PROC)
		return why(s, -ECANCELED, "/proc walk requested");
	if (strcmp(s->proc_root, "/proc") && strcmp(s->proc_root, "/proc/"))
		return why(s, -EXDEV, "proc root %s is not /proc", s->proc_root);
	return 0;
}

#ifndef HAVE_BPF

int nsinfo__scan_bpf(struct nsinfo_snapshot *s)
{
	int err = wanted(s);

	return err < 0 ? err : why(s, -ENOTSUP, "built without BPF support");
}

#else /* HAVE_BPF */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "nstask.h"
#include "nstask_bpf.skel.h"
#include "nstask_bpf.lskel.h"

#define READ_BUF (128 * 1024)
/* members tried for a namespace whose ns links refuse us (pid 1 here) */
#define PROBE_TRIES 4
#define LOAD_MSG_LEN 96

struct iter {
	struct nsinfo_snapshot *s;
	int procfd;
	bool saw_init;            /* pid 1 of the reader's pid namespace */
	uint8_t *tries;           /* per namespace: failed probes so far, while unprobed */
	size_t tries_cap;
	uint64_t tick_ns;         /* one clock tick (USER_HZ) in ns */
	uint64_t page_size;
	int64_t boot_off_ns;      /* the reader's time namespace boottime offset */
};

/*
 * /proc/PID/stat's start time is task->start_boottime as the reader's time
 * namespace sees it, in clock ticks: compute the same from the record, so
 * that the identity per-pid reads check (nsinfo__proc_open) matches.
 */
static void clock_setup(struct iter *it)
{
	char buf[256], *p;
	long long sec, nsec;

	it->tick_ns = nsinfo__tick_ns();
	it->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	it->boot_off_ns = 0;
	if (nsinfo__read_at(it->procfd, "self/timens_offsets", buf, sizeof(buf)) < 0)
		return;
	p = strstr(buf, "boottime");
	if (p && sscanf(p, "boottime %lld %lld", &sec, &nsec) == 2 &&
	    sec > -(1LL << 32) && sec < (1LL << 32))
		it->boot_off_ns = sec * 1000000000LL + nsec;
}

static uint64_t start_ticks(const struct iter *it, uint64_t start_ns)
{
	int64_t t = (int64_t)start_ns + it->boot_off_ns;

	return t > 0 ? (uint64_t)t / it->tick_ns : 0;
}

/* ---------------------------------------------------- libbpf messages */

/* libbpf's print hook is process-wide and takes no user data. During one
 * load on this thread it keeps the last warning, for the fallback reason;
 * libbpf never writes to the caller's stderr. */
static _Thread_local char *load_msg;

static int keep_last(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *nl;

	if (level == LIBBPF_DEBUG || !load_msg)
		return 0;
	vsnprintf(load_msg, LOAD_MSG_LEN, fmt, ap);
	nl = strchr(load_msg, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

/*
 * The loaded object, in one of two forms. The light skeleton first: its
 * loader program has the kernel do the CO-RE relocation against the BTF it
 * already holds, where libbpf's skeleton parses the whole vmlinux BTF in
 * this process (measured: ~140 ms of a loaded host's CPU and 11 MB of
 * peak RSS, against ~18 ms and 2 MB). libbpf's skeleton where the kernel
 * cannot run that loader (BPF_PROG_TYPE_SYSCALL and in-kernel CO-RE are
 * 5.17's); it also words why a load failed.
 */
struct loaded {
	struct nstask_lskel *light;
	struct nstask_bpf *skel;
};

static int task_link(const struct loaded *o)
{
	return o->light ? o->light->links.nstask_fd : bpf_link__fd(o->skel->links.nstask);
}

static int file_link(const struct loaded *o)
{
	return o->light ? o->light->links.nsfile_fd : bpf_link__fd(o->skel->links.nsfile);
}

static struct nstask_totals *totals(const struct loaded *o)
{
	return o->light ? &o->light->bss->totals : &o->skel->bss->totals;
}

/* CPU and RSS per task (NSINFO_SCAN_USAGE), switched per scan: the cached
 * iterator stays loaded */
static void set_usage(const struct loaded *o, bool on)
{
	if (o->light)
		o->light->bss->want_usage = on;
	else
		o->skel->bss->want_usage = on;
}

static bool leaders_only(const struct loaded *o)
{
	return o->light ? o->light->rodata->leaders_only : o->skel->rodata->leaders_only;
}

static void unload(struct loaded *o)
{
	nstask_lskel__destroy(o->light);
	nstask_bpf__destroy(o->skel);
	o->light = NULL;
	o->skel = NULL;
}

/*
 * Loaded iterators kept for the next scan of this process (one per value of
 * leaders_only): loading costs more than a whole iteration of a few
 * thousand tasks, and a tool that refreshes (nstop, nsexporter) would pay
 * it every time. Taken out while in use, so that concurrent scans each
 * have their own; the kernel frees them with the process.
 */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct loaded cache[2];

static bool cache_take(bool lo, struct loaded *out)
{
	pthread_mutex_lock(&cache_lock);
	*out = cache[lo];
	cache[lo] = (struct loaded){ 0 };
	pthread_mutex_unlock(&cache_lock);
	if (!out->light && !out->skel)
		return false;
	memset(totals(out), 0, sizeof(struct nstask_totals));
	return true;
}

static void cache_put(struct loaded *o)
{
	bool lo = leaders_only(o);

	pthread_mutex_lock(&cache_lock);
	if (!cache[lo].light && !cache[lo].skel) {
		cache[lo] = *o;
		*o = (struct loaded){ 0 };
	}
	pthread_mutex_unlock(&cache_lock);
	unload(o);
}

static int load_light(bool lo, struct loaded *out)
{
	struct nstask_lskel *light = nstask_lskel__open();

	if (!light)
		return -ENOMEM;
	light->rodata->leaders_only = lo;
	if (nstask_lskel__load(light) || nstask_lskel__attach(light)) {
		nstask_lskel__destroy(light);
		return -EINVAL;
	}
	out->light = light;
	return 0;
}

static int load(struct nsinfo_snapshot *s, struct loaded *out)
{
	char msg[LOAD_MSG_LEN] = "";
	libbpf_print_fn_t old;
	bool lo = !!(s->flags & NSINFO_SCAN_NO_THREADS);
	struct nstask_bpf *skel;
	int err;

	if (cache_take(lo, out) || load_light(lo, out) == 0)
		return 0;
	load_msg = msg;
	old = libbpf_set_print(keep_last);
	skel = nstask_bpf__open();
	err = skel ? 0 : -errno;
	if (skel) {
		skel->rodata->leaders_only = lo;
		err = nstask_bpf__load(skel);
		if (!err)
			err = nstask_bpf__attach(skel);
	}
	libbpf_set_print(old);
	load_msg = NULL;
	if (err) {
		nstask_bpf__destroy(skel);
		return why(s, err < 0 ? err : -EINVAL, "cannot load the task iterator: %s%s%s",
			   strerror(err < 0 ? -err : EINVAL), *msg ? ": " : "", msg);
	}
	out->skel = skel;
	return 0;
}

/* ------------------------------------------------------------ records */

static int grow_side(struct iter *it)
{
	size_t old = it->tries_cap;

	if (nsinfo__grow((void **)&it->tries, &it->tries_cap, it->s->nns, sizeof(*it->tries)))
		return -ENOMEM;
	memset(it->tries + old, 0, it->tries_cap - old);
	return 0;
}

/* Open link l of the task of r through /proc and probe namespace idx;
 * after PROBE_TRIES members refused, it stays DETACHED (with the id the
 * kernel gave the iterator). */
static void probe(struct iter *it, const struct nstask_rec *r, int l, int idx)
{
	struct nsinfo_snapshot *s = it->s;
	char path[96];
	const char *name;
	int fd;

	nsinfo__link_type(l, &name);
	if (r->flags & NSTASK_F_THREAD)
		snprintf(path, sizeof(path), "%u/task/%u/ns/%s", r->tgid, r->pid, name);
	else
		snprintf(path, sizeof(path), "%u/ns/%s", r->pid, name);
	fd = openat(it->procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && nsinfo__probe_fd(s, idx, fd, r->ns[l].id) == 0) {
		it->tries[idx] = 0;
		s->ns[idx].flags &= ~NSINFO_NS_DETACHED;
	} else if (++it->tries[idx] >= PROBE_TRIES) {
		it->tries[idx] = 0;
	}
	if (fd >= 0)
		close(fd);
}

static void to_status(const struct iter *it, const struct nstask_rec *r,
		      struct nsinfo__status *st)
{
	memset(st, 0, sizeof(*st));
	st->start_time = start_ticks(it, r->start_ns);
	memcpy(st->comm, r->comm, sizeof(st->comm));
	st->comm[sizeof(st->comm) - 1] = 0;
	st->state = r->state;
	st->pid = (pid_t)r->pid;
	st->tgid = (pid_t)r->tgid;
	st->ppid = (pid_t)r->ppid;
	st->uid = r->euid;
	st->gid = r->egid;
	st->has_gid = true;
	st->nspid_len = r->nspid_len < NSTASK_MAX_LEVELS ? (int)r->nspid_len : NSTASK_MAX_LEVELS;
	for (int i = 0; i < st->nspid_len; i++)
		st->nspid[i] = r->nspid[i];
}

static uint32_t row_flags(struct nsinfo_snapshot *s, const struct nstask_rec *r)
{
	uint32_t flags = 0;

	if (r->flags & NSTASK_F_THREAD)
		flags |= NSINFO_PROC_THREAD;
	if (r->flags & NSTASK_F_KTHREAD)
		flags |= NSINFO_PROC_KTHREAD;
	if (r->state == 'Z' || r->state == 'X') {
		flags |= NSINFO_PROC_ZOMBIE;
		s->cov.zombies++;
	} else if (r->flags & NSTASK_F_NONS) {
		/* exiting: its namespaces already dropped */
		flags |= NSINFO_PROC_PARTIAL;
	}
	return flags;
}

static int take(struct iter *it, const struct nstask_rec *r)
{
	struct nsinfo_snapshot *s = it->s;
	struct nsinfo__status st;
	uint64_t inos[NSINFO__NLINKS];
	int idx[NSINFO__NLINKS];
	int pi;

	to_status(it, r, &st);
	if (st.pid == 1)
		it->saw_init = true;
	pi = nsinfo__add_proc(s, &st, st.pid, row_flags(s, r));
	if (pi < 0)
		return pi;
	if (s->usage)
		s->usage[pi] = (struct nsinfo__usage){
			.cpu_ns = r->cpu_ns, .rss = r->rss_pages * it->page_size, .known = true,
		};
	/* NONS: a zombie's pid and user namespaces, the slots left are 0 */
	for (int l = 0; l < NSINFO__NLINKS; l++)
		inos[l] = r->ns[l].ino;
	for (int l = 0; l < NSINFO__NLINKS; l++) {
		int isnew = nsinfo__link_insert(s, l, inos, &idx[l]);

		if (isnew < 0 || grow_side(it) < 0)
			return -ENOMEM;
		if (isnew) {
			s->ns[idx[l]].flags |= NSINFO_NS_DETACHED;
			/* NO_IOCTL promises no ids, whichever source */
			if (s->flags & NSINFO_SCAN_NO_IOCTL)
				continue;
			s->ns[idx[l]].nsid = r->ns[l].id;
			/* a refresh: what the previous snapshot asked, kept */
			if (nsinfo__reuse_ns(s, idx[l], r->ns[l].id) < 0)
				probe(it, r, l, idx[l]);
		} else if (idx[l] >= 0 && it->tries[idx[l]]) {
			probe(it, r, l, idx[l]);
		}
	}
	nsinfo__apply_links(s, pi, idx);
	return 0;
}

/* One nsfs fd of a process: kept for the holders' fd pass (holders.c) */
static int take_fd(struct iter *it, const void *rec)
{
	struct nsinfo_snapshot *s = it->s;
	struct nsfile_rec r;
	int type;

	memcpy(&r, rec, sizeof(r));
	type = r.clone_type ? nsinfo_type_from_clone_flag(r.clone_type) : -1;
	if (nsinfo__grow((void **)&s->src.fds.v, &s->src.fds.cap, s->src.fds.n + 1, sizeof(*s->src.fds.v)))
		return -ENOMEM;
	s->src.fds.v[s->src.fds.n++] = (struct nsinfo__fdrec){
		.pid = (pid_t)r.tgid, .fd = (int)r.fd, .type = type < 0 ? -1 : type, .ino = r.ino,
	};
	return 0;
}

static int take_task(struct iter *it, const void *rec)
{
	struct nstask_rec r;

	memcpy(&r, rec, sizeof(r));
	return take(it, &r);
}

typedef int (*take_fn)(struct iter *it, const void *rec);

/* Whole records out of the byte stream; returns the bytes left over. */
static ssize_t take_all(struct iter *it, const char *buf, size_t len, size_t size, take_fn fn)
{
	size_t off = 0;

	for (; off + size <= len; off += size) {
		int err = fn(it, buf + off);

		if (err < 0)
			return err;
	}
	return (ssize_t)(len - off);
}

/* Every record of the iterator on fd, size bytes each, through fn */
static int read_iter(struct iter *it, int fd, size_t size, take_fn fn)
{
	char *buf = malloc(READ_BUF);
	size_t have = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf + have, READ_BUF - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : have ? -EPROTO : 0;
			break;
		}
		size_t total = have + (size_t)n;
		ssize_t left = take_all(it, buf, total, size, fn);

		if (left < 0) {
			err = (int)left;
			break;
		}
		/* the kernel hands over whole records; keep a split one anyway */
		memmove(buf, buf + total - (size_t)left, (size_t)left);
		have = (size_t)left;
	}
	free(buf);
	return err;
}

/* The fd pass through the task_file iterator. On any failure the holders'
 * /proc pass does it (src.fds.complete stays false). */
static void read_fds(struct iter *it, const struct loaded *o)
{
	struct nsinfo_snapshot *s = it->s;
	int fd = bpf_iter_create(file_link(o));

	if (fd < 0)
		return;
	if (read_iter(it, fd, sizeof(struct nsfile_rec), take_fd) == 0) {
		s->src.fds.complete = true;
	} else {
		free(s->src.fds.v);
		s->src.fds.v = NULL;
		s->src.fds.n = s->src.fds.cap = 0;
	}
	close(fd);
}

/* ------------------------------------------------------------ dispatch */

/* The iterator lists the tasks of the caller's pid namespace; a /proc of
 * another one (mounted from a container) names different pids. */
bool nsinfo__proc_is_ours(int procfd)
{
	char buf[32];
	ssize_t n = readlinkat(procfd, "self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return false;
	buf[n] = 0;
	return atoi(buf) == getpid();
}

/* Below this many tasks the /proc walk costs less than loading the
 * iterator: the load was ~25 ms with libbpf's skeleton (vmlinux BTF parse,
 * CO-RE relocation, verifier), the walk ~40 us of CPU per process, the
 * iterator ~7 us; the crossover measured near 650 tasks. The light
 * skeleton's load is a fraction of that, which moves the crossover down;
 * kept until measured on a quiet host. */
#define BPF_MIN_TASKS 700

/* Tasks on the host: the second number of loadavg's "R/T" field, one
 * small read; -1 if unknown. */
long nsinfo__host_tasks(int procfd)
{
	char buf[128];
	const char *slash;

	if (nsinfo__read_at(procfd, "loadavg", buf, sizeof(buf)) <= 0 ||
	    !(slash = strchr(buf, '/')))
		return -1;
	return strtol(slash + 1, NULL, 10);
}

/* Whether the iterator can stand in for proc_root: an fd of it, or
 * -errno and the reason in s->src.why. */
static int usable(struct nsinfo_snapshot *s)
{
	long tasks;
	int fd;

	if ((fd = wanted(s)) < 0)
		return fd;
	fd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return why(s, -errno, "cannot open %s: %s", s->proc_root, strerror(errno));
	if (!nsinfo__proc_is_ours(fd)) {
		close(fd);
		return why(s, -EXDEV, "%s is mounted from another pid namespace", s->proc_root);
	}
	tasks = (s->flags & NSINFO_SCAN_BPF) ? -1 : nsinfo__host_tasks(fd);
	if (tasks >= 0 && tasks < BPF_MIN_TASKS) {
		close(fd);
		return why(s, -ECANCELED, "small host (%ld tasks): the /proc walk is cheaper "
			   "than loading the iterator below %d", tasks, BPF_MIN_TASKS);
	}
	return fd;
}

static void reset_rows(struct nsinfo_snapshot *s)
{
	s->nprocs = 0;
	s->npids = 0;
	s->nns = 0;
	if (s->hcap)
		memset(s->hvals, 0, s->hcap * sizeof(*s->hvals));
	memset(&s->cov, 0, sizeof(s->cov));
}

int nsinfo__scan_bpf(struct nsinfo_snapshot *s)
{
	struct iter it = { .s = s };
	struct loaded o = { 0 };
	int err, fd;

	if ((it.procfd = usable(s)) < 0)
		return it.procfd;
	clock_setup(&it);
	if ((err = load(s, &o)) < 0) {
		close(it.procfd);
		return err;
	}
	set_usage(&o, s->flags & NSINFO_SCAN_USAGE);
	fd = bpf_iter_create(task_link(&o));
	if (fd < 0) {
		err = why(s, -errno, "cannot create the task iterator: %s", strerror(errno));
	} else {
		nsinfo__read_self_ns(s, it.procfd);
		err = read_iter(&it, fd, sizeof(struct nstask_rec), take_task);
		close(fd);
		if (err < 0) {
			reset_rows(s);
			why(s, err, "reading the task iterator failed: %s", strerror(-err));
		} else {
			s->cov.scanned += (uint32_t)totals(&o)->leaders;
			s->cov.tasks_scanned += (uint32_t)totals(&o)->threads;
			if (!it.saw_init)
				nsinfo__scan_pid(s, it.procfd, "1", 1);
			if (s->flags & NSINFO_SCAN_FDS)
				read_fds(&it, &o);
		}
	}
	if (err < 0)
		unload(&o);
	else
		cache_put(&o);
	free(it.tries);
	close(it.procfd);
	return err;
}

#endif /* HAVE_BPF */

static int bpf_fill(struct nsinfo_snapshot *s, const struct nsinfo__source_in *in)
{
	(void)in;
	return nsinfo__scan_bpf(s);
}

const struct nsinfo__source nsinfo__source_bpf = { .name = "bpf", .fill = bpf_fill };

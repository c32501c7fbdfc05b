/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * events.c - the namespace event source: loads the nsevent probe (bpf/),
 * attaches it, reads its ring buffer and decodes records into struct
 * nsinfo_event for the caller's callback.
 *
 * Syscall hooks: the syscall tracepoints are preferred (they cost nothing to
 * the other syscalls) but perf_event_open needs their numeric ids, which only
 * tracefs publishes. When tracefs is not mounted the ids are read from a
 * private tracefs mount in a short-lived child (its own mount namespace, so
 * the host's mount table is untouched). If that fails too, raw
 * sys_enter/sys_exit with a syscall-number filter in the probe do the job.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "events/events.h"
#include "parsers.h"
#include "util/procdir.h"
#include "nsevent.h"

_Static_assert((int)NSEVENT_SLOT_UTS == (int)NSINFO_UTS &&
	       (int)NSEVENT_SLOT_CGROUP == (int)NSINFO_CGROUP &&
	       (int)NSEVENT_SLOT_PID == (int)NSINFO_PID && (int)NSEVENT_SLOT_TIME == (int)NSINFO_TIME &&
	       (int)NSEVENT_SLOT_PID_CHILDREN == NSINFO_EV_SLOT_PID_CHILDREN &&
	       (int)NSEVENT_SLOT_TIME_CHILDREN == NSINFO_EV_SLOT_TIME_CHILDREN &&
	       (int)NSEVENT_NSLOTS == NSINFO_EV_NSLOTS && NSEVENT_MAX_LEVELS == NSINFO_EV_MAX_LEVELS,
	       "bpf/nsevent.h and nsinfo.h disagree on namespace slots");

/* record kind -> public kind and name */
static const struct {
	int kind;
	const char *name;
} kinds[] = {
	[NSEVENT_CLONE]   = { NSINFO_EV_CLONE,   "clone" },
	[NSEVENT_CLONE3]  = { NSINFO_EV_CLONE3,  "clone3" },
	[NSEVENT_UNSHARE] = { NSINFO_EV_UNSHARE, "unshare" },
	[NSEVENT_SETNS]   = { NSINFO_EV_SETNS,   "setns" },
	[NSEVENT_FORK]    = { NSINFO_EV_FORK,    "fork" },
};
#define NKINDS_RAW (sizeof(kinds) / sizeof(kinds[0]))

static const int targets[] = {
	[NSEVENT_TGT_NONE]  = NSINFO_EV_TARGET_NONE,
	[NSEVENT_TGT_NSFD]  = NSINFO_EV_TARGET_NSFD,
	[NSEVENT_TGT_PIDFD] = NSINFO_EV_TARGET_PIDFD,
	[NSEVENT_TGT_OTHER] = NSINFO_EV_TARGET_OTHER,
};

NSINFO_EXPORT const char *nsinfo_event_kind_name(int kind)
{
	for (size_t i = 1; i < NKINDS_RAW; i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return NULL;
}

/* CLONE_NEW* bits -> (1u << type) bits */
static unsigned types_of_flags(uint64_t flags)
{
	unsigned types = 0;

	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (flags & nsinfo_type_clone_flag(t))
			types |= 1u << t;
	return types;
}

/* CSIGNAL: clone()'s low byte is the exit signal, not CLONE_NEWTIME */
#define CLONE_EXIT_SIGNAL_MASK 0xffULL

static unsigned types_touched(const struct nsevent *r, const struct nsinfo_event *e)
{
	switch (r->kind) {
	case NSEVENT_CLONE:
		return types_of_flags(r->flags & ~CLONE_EXIT_SIGNAL_MASK);
	case NSEVENT_SETNS:
		if (r->target_kind == NSEVENT_TGT_NSFD && !r->flags)
			return types_of_flags(r->target_type);
		return types_of_flags(r->flags);
	case NSEVENT_FORK:
		return (e->before[NSEVENT_SLOT_PID].ino != e->after[NSEVENT_SLOT_PID].ino ?
			1u << NSINFO_PID : 0) |
		       (e->before[NSEVENT_SLOT_TIME].ino != e->after[NSEVENT_SLOT_TIME].ino ?
			1u << NSINFO_TIME : 0);
	}
	return types_of_flags(r->flags);
}

static void decode_ns(struct nsinfo_event_ns *out, const struct nsevent_ns *in)
{
	out->ino = in->ino;
	out->nsid = in->id;
}

/* A full record: every slot. A packed one: the changed slots' before
 * entries, then their after entries; the others stay 0. */
static int decode_slots(const struct nsevent *r, size_t len, struct nsinfo_event *e)
{
	const struct nsevent_ns *ns = (const void *)((const char *)r + NSEVENT_HEAD_LEN);
	uint32_t mask = r->packed & ~NSEVENT_PACKED;
	size_t n = (size_t)__builtin_popcount(mask), k = 0;

	if (!r->packed) {
		if (len < sizeof(*r))
			return -EINVAL;
		for (int s = 0; s < NSINFO_EV_NSLOTS; s++) {
			decode_ns(&e->before[s], &r->before[s]);
			decode_ns(&e->after[s], &r->after[s]);
		}
		return 0;
	}
	if (!(r->packed & NSEVENT_PACKED) || mask >> NSEVENT_NSLOTS ||
	    len < NSEVENT_HEAD_LEN + 2 * n * sizeof(*ns))
		return -EINVAL;
	for (int s = 0; s < NSINFO_EV_NSLOTS; s++)
		if (mask & (1u << s)) {
			decode_ns(&e->before[s], &ns[k]);
			decode_ns(&e->after[s], &ns[n + k]);
			k++;
		}
	return 0;
}

int nsinfo__event_decode(const void *data, size_t len, int64_t realtime_offset,
			 struct nsinfo_event *out)
{
	const struct nsevent *r = data;
	struct nsinfo_event e = { 0 };
	int type;

	if (!data || !out || len < NSEVENT_HEAD_LEN || r->kind < 1 || r->kind >= NKINDS_RAW ||
	    r->target_kind >= sizeof(targets) / sizeof(targets[0]))
		return -EINVAL;
	e.kind = kinds[r->kind].kind;
	e.mono_ns = r->ts_ns;
	/* unsigned: a record's timestamp is whatever the ring buffer holds */
	e.time_ns = r->ts_ns + (uint64_t)realtime_offset;
	e.latency_ns = r->latency_ns;
	e.pid = (pid_t)r->pid;
	e.tgid = (pid_t)r->tgid;
	e.ppid = (pid_t)r->ppid;
	e.uid = r->uid;
	memcpy(e.comm, r->comm, sizeof(e.comm) - 1);
	e.cgroup_id = r->cgroup_id;
	e.nspid_len = r->nspid_len > NSINFO_EV_MAX_LEVELS ? NSINFO_EV_MAX_LEVELS : (int)r->nspid_len;
	for (int i = 0; i < e.nspid_len; i++)
		e.nspid[i] = (pid_t)r->nspid[i];
	e.flags = r->flags;
	if (decode_slots(r, len, &e) < 0)
		return -EINVAL;
	e.types = types_touched(r, &e);
	e.ret = r->ret;
	/* errnos are 1..4095; a record claiming less is not negated (INT64_MIN) */
	if (r->ret < 0 && r->kind != NSEVENT_FORK)
		e.error = r->ret < -MAX_ERRNO ? MAX_ERRNO : (int)-r->ret;
	e.child_pid = (pid_t)r->child_pid;
	e.child_vpid = (pid_t)r->child_vpid;
	e.target = targets[r->target_kind];
	e.target_fd = r->kind == NSEVENT_SETNS ? r->target_fd : -1;
	type = r->target_kind == NSEVENT_TGT_NSFD ? nsinfo_type_from_clone_flag(r->target_type) : -1;
	e.target_type = type < 0 ? -1 : type;
	e.target_ns.ino = r->target_ino;
	e.target_ns.nsid = r->target_nsid;
	e.target_pid = (pid_t)r->target_pid;
	e.pidns.ino = r->pidns_ino;
	e.pidns.nsid = r->pidns_id;
	e.cgroup_v1_id = r->cgroup1_id;
	*out = e;
	return 0;
}

/* The ppid field of a /proc/PID/stat text; -1 if it is not one. */
pid_t nsinfo__stat_ppid(const char *buf)
{
	const char *p = strrchr(buf, ')');
	long v;
	char *end;

	/* comm may hold spaces and parentheses: the state follows the last ')' */
	if (!p || strlen(p) < 5 || p[1] != ' ' || p[3] != ' ')
		return -1;
	errno = 0;
	v = strtol(p + 4, &end, 10);
	if (errno || end == p + 4 || v < 0 || v > INT_MAX)
		return -1;
	return (pid_t)v;
}

/* ------------------------------------------------------------ support */

static int say(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return err;
}

#ifndef HAVE_BPF

#ifndef NSINFO_NO_BPF_WHY
#define NSINFO_NO_BPF_WHY "clang, bpftool, libbpf or kernel BTF missing at build time"
#endif

NSINFO_EXPORT int nsinfo_events_supported(char *why, size_t len)
{
	return say(why, len, -ENOTSUP, "nstools was built without BPF support (" NSINFO_NO_BPF_WHY ")");
}

NSINFO_EXPORT int nsinfo_events_new(const struct nsinfo_events_opts *opts,
				    struct nsinfo_events **out)
{
	(void)opts;
	(void)out;
	return -ENOTSUP;
}
NSINFO_EXPORT struct nsinfo_events *nsinfo_events_ref(struct nsinfo_events *ev) { return ev; }
NSINFO_EXPORT void nsinfo_events_unref(struct nsinfo_events *ev) { (void)ev; }
NSINFO_EXPORT int nsinfo_events_fd(const struct nsinfo_events *ev) { (void)ev; return -ENOTSUP; }
NSINFO_EXPORT int nsinfo_events_consume(struct nsinfo_events *ev) { (void)ev; return -ENOTSUP; }
NSINFO_EXPORT int nsinfo_events_poll(struct nsinfo_events *ev, int timeout_ms)
{
	(void)ev;
	(void)timeout_ms;
	return -ENOTSUP;
}
NSINFO_EXPORT int nsinfo_events_lost(const struct nsinfo_events *ev, uint64_t *lost)
{
	(void)ev;
	(void)lost;
	return -ENOTSUP;
}
NSINFO_EXPORT int nsinfo_events_add_pid(struct nsinfo_events *ev, pid_t pid)
{
	(void)ev;
	(void)pid;
	return -ENOTSUP;
}
NSINFO_EXPORT const char *nsinfo_events_attach_mode(const struct nsinfo_events *ev)
{
	(void)ev;
	return NULL;
}
NSINFO_EXPORT const char *nsinfo_events_cgroup_hierarchy(const struct nsinfo_events *ev)
{
	(void)ev;
	return NULL;
}
uint64_t nsinfo__events_serial(const struct nsinfo_events *ev)
{
	(void)ev;
	return 0;
}

#else /* HAVE_BPF */

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* Lockdown in confidentiality mode refuses BPF reads of kernel memory */
static bool locked_down(void)
{
	char buf[128] = "";
	int fd = open("/sys/kernel/security/lockdown", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, "[confidentiality]");
}

NSINFO_EXPORT int nsinfo_events_supported(char *why, size_t len)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct caps[2] = { { 0 } };

	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		return say(why, len, -ENOENT, "the kernel has no BTF "
			   "(/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF)");
	if (syscall(SYS_capget, &hdr, caps) < 0)
		return say(why, len, -errno, "cannot read capabilities: %s", strerror(errno));
	if (!has_cap(caps, CAP_SYS_ADMIN) &&
	    !(has_cap(caps, CAP_BPF) && has_cap(caps, CAP_PERFMON)))
		return say(why, len, -EPERM, "loading the BPF probe needs root "
			   "(CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
	if (locked_down())
		return say(why, len, -EPERM, "kernel lockdown (confidentiality) forbids BPF tracing");
	return 0;
}


#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include "nsevent_bpf.skel.h"

#define DEFAULT_RINGBUF (2u << 20)
#define DEFAULT_FLUSH_MS 100
/* wake the reader once a backlog of 1/WAKEUP_DIV of the ring builds up */
#define WAKEUP_DIV 8

struct nsinfo_events {
	int refcnt;
	struct nsevent_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;
	size_t nlinks;
	int epfd;
	int timerfd;
	bool raw_syscalls;
	int64_t realtime_offset;
	nsinfo_event_cb cb;
	void *userdata;
	int delivered;            /* during one consume call */
	bool stop;
	uint64_t serial;          /* nsinfo__events_serial() */
	char cgroup_ctl[32];      /* the v1 controller of cgroup_v1_id, "" v2 */
};

/* ----------------------------------------------------- libbpf logging */

/* libbpf's print hook is process-wide and has no user data: it is pointed
 * at the caller's log callback only for the duration of one load, on the
 * loading thread. */
struct log_target {
	nsinfo_events_log_cb fn;
	void *userdata;
};
static _Thread_local const struct log_target *log_target;

/* one callback per line: libbpf hands over whole verifier logs at once */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *text = NULL, *line, *save = NULL;

	if (!log_target || !log_target->fn || level == LIBBPF_DEBUG)
		return 0;
	if (vasprintf(&text, fmt, ap) < 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_target->fn(line, log_target->userdata);
	free(text);
	return 0;
}

/* --------------------------------------------------- tracepoint ids */

static int read_id(int dirfd, const char *sec)
{
	char path[160], buf[32] = "";
	const char *ev = strchr(sec, '/');
	int fd, n;

	if (!ev)
		return -EINVAL;
	snprintf(path, sizeof(path), "events/%s/id", ev + 1);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -EIO;
}

static int read_ids(const char *root, struct bpf_program **progs, size_t n, int *ids)
{
	int dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		ids[i] = read_id(dirfd, bpf_program__section_name(progs[i]));
		if (ids[i] <= 0) {
			int err = ids[i] ? ids[i] : -EIO;

			close(dirfd);
			return err;
		}
	}
	close(dirfd);
	return 0;
}

#define TRACEFS "/sys/kernel/tracing"

/* A child in its own mount namespace mounts tracefs, reads, and exits. */
static int read_ids_private_mount(struct bpf_program **progs, size_t n, int *ids)
{
	int rd, wr, st;
	ssize_t got;
	pid_t pid = nsinfo__fork_piped(&rd, &wr);

	if (pid < 0)
		return (int)pid;
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tracefs", TRACEFS, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
		    read_ids(TRACEFS, progs, n, ids) < 0)
			_exit(1);
		_exit(write(wr, ids, n * sizeof(*ids)) == (ssize_t)(n * sizeof(*ids)) ? 0 : 1);
	}
	got = read(rd, ids, n * sizeof(*ids));
	close(rd);
	st = nsinfo__reap(pid, 0);
	return got == (ssize_t)(n * sizeof(*ids)) && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

int nsinfo__tracepoint_ids(struct bpf_program **progs, size_t n, int *ids)
{
	if (!read_ids(TRACEFS, progs, n, ids) ||
	    !read_ids("/sys/kernel/debug/tracing", progs, n, ids))
		return 0;
	return read_ids_private_mount(progs, n, ids);
}

/* ------------------------------------------------------------ attach */

int nsinfo__probe_link(struct bpf_link *link, struct bpf_link **links, size_t *n)
{
	if (!link)
		return errno ? -errno : -EINVAL;
	links[(*n)++] = link;
	return 0;
}

struct bpf_link *nsinfo__attach_tracepoint_id(struct bpf_program *prog, int id)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = (uint64_t)id,
		.sample_period = 1,
		.wakeup_events = 1,
	};
	int pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	struct bpf_link *link;

	if (pfd < 0)
		return NULL;
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		int err = errno;

		close(pfd);
		errno = err;
	}
	return link;
}

void nsinfo__probe_choose(struct nsinfo__probe *p, bool want_raw)
{
	p->raw_syscalls = want_raw || nsinfo__tracepoint_ids(p->tp, NSINFO__NTP, p->ids) < 0;
	for (size_t i = 0; i < NSINFO__NTP; i++)
		bpf_program__set_autoload(p->tp[i], !p->raw_syscalls);
	for (size_t i = 0; i < 2; i++)
		bpf_program__set_autoload(p->raw[i], p->raw_syscalls);
}

int nsinfo__probe_attach(const struct nsinfo__probe *p, struct bpf_link **links, size_t *n)
{
	int err;

	for (size_t i = 0; p->raw_syscalls && i < 2; i++)
		if ((err = nsinfo__probe_link(bpf_program__attach(p->raw[i]), links, n)) < 0)
			return err;
	for (size_t i = 0; !p->raw_syscalls && i < NSINFO__NTP; i++)
		if ((err = nsinfo__probe_link(nsinfo__attach_tracepoint_id(p->tp[i], p->ids[i]),
					      links, n)) < 0)
			return err;
	return 0;
}

/* newtask and proc_exit always, then the syscall hooks */
static int attach_all(struct nsinfo_events *ev, const struct nsinfo__probe *p)
{
	struct bpf_program *always[] = { ev->skel->progs.newtask, ev->skel->progs.proc_exit };
	int err;

	for (size_t i = 0; i < 2; i++)
		if ((err = nsinfo__probe_link(bpf_program__attach(always[i]), ev->links,
					      &ev->nlinks)) < 0)
			return err;
	return nsinfo__probe_attach(p, ev->links, &ev->nlinks);
}

/* ----------------------------------------------------- process tree */

static pid_t stat_ppid(int procfd, pid_t pid)
{
	char path[32], buf[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return nsinfo__stat_ppid(buf);
}

struct pidpair {
	pid_t pid, ppid;
};

/* Seed the traced set with the existing descendants of root. Called after
 * attaching, so a child forked meanwhile is either seen here or added by
 * the probe itself. */
static int seed_descendants(struct nsinfo_events *ev, pid_t root)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct pidpair *v = NULL;
	size_t n = 0, cap = 0;
	struct nsinfo__dir d;
	const char *name;
	bool grew = true;
	long pid;

	if (procfd < 0)
		return -errno;
	if (nsinfo__dir_begin(&d, procfd, NULL, 0, 0)) {
		close(procfd);
		return -ENOMEM;
	}
	while (nsinfo__dir_next(&d, &name, &pid) > 0) {
		if (pid <= 0)
			continue;
		if (nsinfo__grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0)
			break;
		v[n].pid = (pid_t)pid;
		v[n++].ppid = stat_ppid(procfd, (pid_t)pid);
	}
	nsinfo__dir_end(&d);
	close(procfd);
	/* mark by zeroing ppid once added; repeat until no new descendant */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < n; i++) {
			__u8 one = 1;
			__u32 parent = (__u32)v[i].ppid;

			if (v[i].ppid <= 0 || (parent != (__u32)root &&
			    bpf_map__lookup_elem(ev->skel->maps.traced, &parent, sizeof(parent),
						 &one, sizeof(one), 0)))
				continue;
			nsinfo_events_add_pid(ev, v[i].pid);
			v[i].ppid = 0;
			grew = true;
		}
	}
	free(v);
	return 0;
}

/* -------------------------------------------------- container filter */

/* The v1 controllers a container engine (runc, crun with cgroupfs) puts
 * every container into, in order of preference: the hierarchy the probe
 * reads cgroup1_id from */
static const char *const preferred_ctl[] = { "pids", "memory", "cpu", "devices", "freezer" };

/* "9:name=systemd:/..." lines: the path of the line whose controller list
 * holds ctl ("" = the "0::" v2 line), in path */
static int cgroup_line(const char *text, const char *ctl, char *path, size_t len)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *c = strchr(l, ':'), *p = c ? strchr(c + 1, ':') : NULL;
		const char *end = strchr(l, '\n');
		size_t n, k = strlen(ctl);
		bool hit = false;

		if (!c || !p || (end && p > end))
			continue;
		if (!*ctl)
			hit = p == c + 1;
		for (const char *w = c + 1; *ctl && w < p; ) {
			const char *comma = memchr(w, ',', (size_t)(p - w));
			const char *we = comma ? comma : p;

			hit |= (size_t)(we - w) == k && !memcmp(w, ctl, k);
			w = we + 1;
		}
		if (!hit)
			continue;
		n = end ? (size_t)(end - p - 1) : strlen(p + 1);
		if (n >= len)
			return -ENAMETOOLONG;
		memcpy(path, p + 1, n);
		path[n] = 0;
		return 0;
	}
	return -ENOENT;
}

/* Where the hierarchy of ctl ("" v2) is mounted, from our mountinfo: a
 * cgroup mount of its root ("/") with ctl among its options */
static int cgroup_mount(const char *ctl, char *mnt, size_t len)
{
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	char *text = NULL, *save = NULL;
	size_t n;
	int r = -ENOENT;

	if (fd < 0)
		return -errno;
	if (nsinfo__read_fd(fd, 1u << 22, &text, &n) < 0) {
		close(fd);
		return -EIO;
	}
	close(fd);
	for (char *l = strtok_r(text, "\n", &save); l && r; l = strtok_r(NULL, "\n", &save)) {
		char root[256], point[PATH_MAX], fstype[32], opts[512];
		const char *dash = strstr(l, " - ");

		if (!dash || sscanf(l, "%*s %*s %*s %255s %4095s", root, point) != 2 ||
		    sscanf(dash + 3, "%31s %*s %511s", fstype, opts) != 2 || strcmp(root, "/"))
			continue;
		if (*ctl ? strcmp(fstype, "cgroup") : strcmp(fstype, "cgroup2"))
			continue;
		if (*ctl) {
			char line[600];

			/* the options as a controller list: "0:rw,pids:/" */
			snprintf(line, sizeof(line), "0:%s:/", opts);
			if (cgroup_line(line, ctl, root, sizeof(root)) < 0)
				continue;
		}
		/* mountinfo escapes spaces as \040: such a point is not ours */
		if (strlen(point) >= len || strchr(point, '\\'))
			continue;
		snprintf(mnt, len, "%s", point);
		r = 0;
	}
	free(text);
	return r;
}

/* enum cgroup_subsys_id of a controller, from the kernel's BTF */
static int subsys_id(const char *ctl)
{
	struct btf *btf = btf__load_vmlinux_btf();
	char name[48];
	int id, r = -ENOENT;

	if (!btf)
		return -errno;
	snprintf(name, sizeof(name), "%s_cgrp_id", ctl);
	id = btf__find_by_name_kind(btf, "cgroup_subsys_id", BTF_KIND_ENUM);
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(btf, (__u32)id);
		const struct btf_enum *e = btf_enum(t);

		for (int i = 0; i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, e[i].name_off), name))
				r = e[i].val;
	}
	btf__free(btf);
	return r;
}

/* The hierarchy of cgroup1_id: the first preferred v1 controller that is
 * mounted and known to the kernel, else v2 (ssid -1). */
static int choose_hierarchy(struct nsinfo_events *ev)
{
	char mnt[PATH_MAX];

	for (size_t i = 0; i < sizeof(preferred_ctl) / sizeof(preferred_ctl[0]); i++) {
		int id;

		if (cgroup_mount(preferred_ctl[i], mnt, sizeof(mnt)) < 0 ||
		    (id = subsys_id(preferred_ctl[i])) < 0 || id > 15)
			continue;
		snprintf(ev->cgroup_ctl, sizeof(ev->cgroup_ctl), "%s", preferred_ctl[i]);
		return id;
	}
	ev->cgroup_ctl[0] = 0;
	return -1;
}

/* The id of pid's cgroup in the chosen hierarchy: its directory's inode */
static int cgroup_id_of_pid(const struct nsinfo_events *ev, pid_t pid, uint64_t *id)
{
	char path[64], cg[PATH_MAX], mnt[PATH_MAX], full[2 * PATH_MAX];
	char *text = NULL;
	size_t n;
	struct stat st;
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	r = nsinfo__read_fd(fd, 1u << 16, &text, &n);
	close(fd);
	if (r < 0)
		return r;
	r = cgroup_line(text, ev->cgroup_ctl, cg, sizeof(cg));
	free(text);
	if (r < 0 || (r = cgroup_mount(ev->cgroup_ctl, mnt, sizeof(mnt))) < 0)
		return r;
	/* a path from the kernel, relative to the hierarchy's root */
	if (strstr(cg, "/../") || strstr(cg, " (deleted)"))
		return -ENOENT;
	snprintf(full, sizeof(full), "%s%s", mnt, cg);
	if (stat(full, &st) < 0)
		return -errno;
	*id = st.st_ino;
	return 0;
}

/* The target maps of the container filter */
static int add_targets(struct nsinfo_events *ev, const struct nsinfo_events_opts *o)
{
	int err;

	for (size_t i = 0; i < o->npidns; i++) {
		__u32 ino = (__u32)o->pidns[i].ino;
		__u64 id = o->pidns[i].nsid;

		if ((err = bpf_map__update_elem(ev->skel->maps.target_pidns, &ino, sizeof(ino), &id,
						sizeof(id), BPF_ANY)) < 0)
			return err;
	}
	for (size_t i = 0; i < o->ncgroup_of; i++) {
		uint64_t id = 0;
		__u8 one = 1;

		if ((err = cgroup_id_of_pid(ev, o->cgroup_of[i], &id)) < 0 ||
		    (err = bpf_map__update_elem(ev->skel->maps.target_cgroups, &id, sizeof(id), &one,
						sizeof(one), BPF_ANY)) < 0)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------- ring buffer */

static int on_record(void *ctx, void *data, size_t len)
{
	struct nsinfo_events *ev = ctx;
	struct nsinfo_event e;

	if (ev->stop || nsinfo__event_decode(data, len, ev->realtime_offset, &e) < 0)
		return 0;
	ev->delivered++;
	if (ev->cb && ev->cb(&e, ev->userdata)) {
		ev->stop = true;
		return -ECANCELED;
	}
	return 0;
}

static int64_t realtime_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000LL + (rt.tv_nsec - mono.tv_nsec);
}

static int epoll_add(int epfd, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) < 0 ? -errno : 0;
}

static int setup_reader(struct nsinfo_events *ev, unsigned flush_ms)
{
	struct itimerspec its = {
		.it_interval = { flush_ms / 1000, (flush_ms % 1000) * 1000000L },
	};
	int err;

	its.it_value = its.it_interval;
	ev->rb = ring_buffer__new(bpf_map__fd(ev->skel->maps.events), on_record, ev, NULL);
	if (!ev->rb)
		return -errno;
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	ev->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ev->epfd < 0 || ev->timerfd < 0)
		return -errno;
	if (timerfd_settime(ev->timerfd, 0, &its, NULL) < 0)
		return -errno;
	if ((err = epoll_add(ev->epfd, ring_buffer__epoll_fd(ev->rb))) < 0)
		return err;
	return epoll_add(ev->epfd, ev->timerfd);
}

/* ---------------------------------------------------------------- load */

static int check_opts(const struct nsinfo_events_opts *o)
{
	size_t rb = o->ringbuf_bytes;
	long page = sysconf(_SC_PAGESIZE);

	/* callers built before the container filter pass a shorter struct */
	if (o->size < offsetof(struct nsinfo_events_opts, pidns))
		return -EINVAL;
	if (rb && (rb < (size_t)page || rb > (64u << 20) || (rb & (rb - 1))))
		return -EINVAL;
	if (o->pid < 0 || o->types >= (1u << NSINFO_NTYPES))
		return -EINVAL;
	if (o->npidns > NSINFO_EVENTS_MAX_TARGETS || o->ncgroup_of > NSINFO_EVENTS_MAX_TARGETS ||
	    (o->npidns && !o->pidns) || (o->ncgroup_of && !o->cgroup_of))
		return -EINVAL;
	for (size_t i = 0; i < o->npidns; i++)
		if (!o->pidns[i].ino || o->pidns[i].ino > UINT32_MAX)
			return -EINVAL;
	/* tracing the tree of a process that is gone would silently show nothing */
	if (o->pid > 0 && kill(o->pid, 0) < 0 && errno == ESRCH)
		return -ESRCH;
	return 0;
}

static void set_filters(struct nsevent_bpf *s, const struct nsinfo_events_opts *o, size_t rb,
			int ssid)
{
	uint64_t flags = 0;

	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (o->types & (1u << t))
			flags |= nsinfo_type_clone_flag(t);
	s->rodata->filter_tree = o->pid > 0;
	s->rodata->type_flags = flags;
	s->rodata->failed_only = !!(o->flags & NSINFO_EVENTS_FAILED_ONLY);
	s->rodata->wakeup_bytes = rb / WAKEUP_DIV;
	s->rodata->self_tgid = o->flags & NSINFO_EVENTS_NOT_SELF ? (uint32_t)getpid() : 0;
	s->rodata->full_records = !!(o->flags & NSINFO_EVENTS_FULL);
	s->rodata->filter_container = o->npidns || o->ncgroup_of;
	s->rodata->cgroup_ssid = ssid;
}

static int load(struct nsinfo_events *ev, const struct nsinfo_events_opts *o)
{
	size_t rb = o->ringbuf_bytes ? o->ringbuf_bytes : DEFAULT_RINGBUF;
	struct nsinfo__probe p;
	int err;

	ev->skel = nsevent_bpf__open();
	if (!ev->skel)
		return -errno;
	set_filters(ev->skel, o, rb, choose_hierarchy(ev));
	if ((err = bpf_map__set_max_entries(ev->skel->maps.events, rb)) < 0)
		return err;
	p = (struct nsinfo__probe)NSINFO__PROBE(ev->skel);
	nsinfo__probe_choose(&p, o->flags & NSINFO_EVENTS_RAW_SYSCALLS);
	ev->raw_syscalls = p.raw_syscalls;
	if ((err = nsevent_bpf__load(ev->skel)) < 0)
		return err;
	ev->links = calloc(NSINFO__NTP + 4, sizeof(*ev->links));
	if (!ev->links)
		return -ENOMEM;
	/* the targets before attaching: nothing passes an empty filter */
	if ((err = add_targets(ev, o)) < 0)
		return err;
	if ((err = attach_all(ev, &p)) < 0)
		return err;
	if (o->pid > 0) {
		if ((err = nsinfo_events_add_pid(ev, o->pid)) < 0 ||
		    (err = seed_descendants(ev, o->pid)) < 0)
			return err;
	}
	return setup_reader(ev, o->flush_ms ? o->flush_ms : DEFAULT_FLUSH_MS);
}

static uint64_t events_serial;

uint64_t nsinfo__events_serial(const struct nsinfo_events *ev)
{
	return ev ? ev->serial : 0;
}

NSINFO_EXPORT int nsinfo_events_new(const struct nsinfo_events_opts *opts,
				    struct nsinfo_events **out)
{
	struct log_target lt = { opts ? opts->log : NULL, opts ? opts->userdata : NULL };
	struct nsinfo_events *ev;
	libbpf_print_fn_t old;
	int err;

	if (!opts || !out)
		return -EINVAL;
	if ((err = check_opts(opts)) < 0)
		return err;
	if (opts->size < sizeof(*opts)) {
		/* the fields it lacks are 0 */
		struct nsinfo_events_opts full = { 0 };

		memcpy(&full, opts, opts->size);
		full.size = sizeof(full);
		return nsinfo_events_new(&full, out);
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->refcnt = 1;
	ev->serial = __atomic_add_fetch(&events_serial, 1, __ATOMIC_RELAXED);
	ev->epfd = ev->timerfd = -1;
	ev->cb = opts->cb;
	ev->userdata = opts->userdata;
	ev->realtime_offset = realtime_offset();
	log_target = &lt;
	old = libbpf_set_print(libbpf_log);
	err = load(ev, opts);
	libbpf_set_print(old);
	log_target = NULL;
	if (err < 0) {
		nsinfo_events_unref(ev);
		return err;
	}
	*out = ev;
	return 0;
}

NSINFO_EXPORT struct nsinfo_events *nsinfo_events_ref(struct nsinfo_events *ev)
{
	if (ev)
		ev->refcnt++;
	return ev;
}

NSINFO_EXPORT void nsinfo_events_unref(struct nsinfo_events *ev)
{
	if (!ev || --ev->refcnt > 0)
		return;
	ring_buffer__free(ev->rb);
	for (size_t i = 0; i < ev->nlinks; i++)
		bpf_link__destroy(ev->links[i]);
	free(ev->links);
	nsevent_bpf__destroy(ev->skel);
	if (ev->epfd >= 0)
		close(ev->epfd);
	if (ev->timerfd >= 0)
		close(ev->timerfd);
	free(ev);
}

NSINFO_EXPORT int nsinfo_events_fd(const struct nsinfo_events *ev)
{
	return ev ? ev->epfd : -EINVAL;
}

NSINFO_EXPORT int nsinfo_events_consume(struct nsinfo_events *ev)
{
	uint64_t ticks;
	int err;

	if (!ev)
		return -EINVAL;
	/* the flush timer only exists to get us here: drain its count */
	while (read(ev->timerfd, &ticks, sizeof(ticks)) > 0)
		;
	ev->delivered = 0;
	ev->stop = false;
	err = ring_buffer__consume(ev->rb);
	if (err < 0 && err != -ECANCELED)
		return err;
	return ev->delivered;
}

NSINFO_EXPORT int nsinfo_events_poll(struct nsinfo_events *ev, int timeout_ms)
{
	struct epoll_event e[2];

	if (!ev)
		return -EINVAL;
	if (epoll_wait(ev->epfd, e, 2, timeout_ms) < 0)
		return -errno;
	return nsinfo_events_consume(ev);
}

NSINFO_EXPORT int nsinfo_events_lost(const struct nsinfo_events *ev, uint64_t *lost)
{
	int ncpus = libbpf_num_possible_cpus();
	uint32_t zero = 0;
	uint64_t *v, sum = 0;
	int err;

	if (!ev || !lost)
		return -EINVAL;
	if (ncpus < 0)
		return ncpus;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = bpf_map__lookup_elem(ev->skel->maps.lost, &zero, sizeof(zero), v,
				   (size_t)ncpus * sizeof(*v), 0);
	for (int i = 0; !err && i < ncpus; i++)
		sum += v[i];
	free(v);
	if (err)
		return err;
	*lost = sum;
	return 0;
}

NSINFO_EXPORT int nsinfo_events_add_pid(struct nsinfo_events *ev, pid_t pid)
{
	__u32 key = (__u32)pid;
	__u8 one = 1;

	if (!ev || pid <= 0)
		return -EINVAL;
	return bpf_map__update_elem(ev->skel->maps.traced, &key, sizeof(key), &one,
				    sizeof(one), BPF_ANY);
}

NSINFO_EXPORT const char *nsinfo_events_attach_mode(const struct nsinfo_events *ev)
{
	if (!ev)
		return NULL;
	return ev->raw_syscalls ? "raw_tracepoint" : "tracepoint";
}

NSINFO_EXPORT const char *nsinfo_events_cgroup_hierarchy(const struct nsinfo_events *ev)
{
	return ev ? ev->cgroup_ctl : NULL;
}

#endif /* HAVE_BPF */

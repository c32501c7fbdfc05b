/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite: resolve the target and open every namespace to join. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat.h"
#include "nsenter-lite.h"

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* util-linux's order: user first when it must come first (see join.c),
 * mnt late because it changes what paths mean. */
const int join_order[NSINFO_NTYPES] = {
	NSINFO_USER, NSINFO_CGROUP, NSINFO_IPC, NSINFO_UTS,
	NSINFO_NET, NSINFO_PID, NSINFO_MNT, NSINFO_TIME,
};

void enter_init(struct enter *e)
{
	memset(e, 0, sizeof(*e));
	e->pidfd = e->procfd = e->root_fd = e->wd_fd = e->cgroup_fd = -1;
	e->o.net_socket = -1;
	for (int t = 0; t < NSINFO_NTYPES; t++)
		e->ns[t].fd = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void enter_cleanup(struct enter *e)
{
	for (int t = 0; t < NSINFO_NTYPES; t++)
		close_fd(&e->ns[t].fd);
	close_fd(&e->pidfd);
	close_fd(&e->procfd);
	close_fd(&e->root_fd);
	close_fd(&e->wd_fd);
	close_fd(&e->cgroup_fd);
	free(e->env);
	free(e->env_buf);
	nsinfo_resolver_unref(e->refs);
	nsinfo_pidmap_unref(e->pidmap);
	e->pidmap = NULL;
	e->env = NULL;
	e->env_buf = NULL;
	e->refs = NULL;
}

static struct nsinfo_resolver *resolver(struct enter *e)
{
	int r;

	if (!e->refs && (r = nsinfo_resolver_new(NULL, NULL, &e->refs)) < 0)
		nst_die(EXIT_OWN, "%s", strerror(-r));
	return e->refs;
}

static struct nsinfo_pidmap *pidmap(struct enter *e)
{
	int r;

	if (!e->pidmap && (r = nsinfo_pidmap_new(NULL, 0, &e->pidmap)) < 0)
		nst_die(EXIT_OWN, "cannot open /proc: %s", strerror(-r));
	return e->pidmap;
}

/* Every reference through the library's resolver, as nstree and nspid do:
 * paths and pid:N need no snapshot; it scans for inodes, ids and names. */
static int ref_resolve(struct enter *e, const char *ref, int type, struct nsinfo_nsref *out)
{
	return nsinfo_resolver_resolve(resolver(e), ref, type, out);
}

/* The library's one line for a reference that did not resolve. */
static void __attribute__((noreturn)) ref_die(struct enter *e, const char *ref, int err)
{
	char msg[1024];

	nsinfo_resolver_message(resolver(e), ref, err, msg, sizeof(msg));
	/* a REF that is not one (bad syntax) is bad usage, as in nspid */
	if (err == -EINVAL)
		nst_usage_error(NST_EXIT_USAGE, "%s", msg);
	nst_die(EXIT_OWN, "%s", msg);
}

/*
 * A namespace that only an fd or a bind mount keeps alive is not in the
 * snapshot above (processes only), or is with no process to open it
 * through: scan again with those holders and open it through one.
 */
static int open_held(const char *ref, int type, struct nsinfo_nsref *out)
{
	struct nsinfo_scan_opts so = {
		.size = sizeof(so),
		.flags = NSINFO_SCAN_NO_THREADS | NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS,
	};
	struct nsinfo_snapshot *full;
	struct nsinfo_nsref r;
	size_t n;
	int err, idx;

	err = nsinfo_snapshot_new(&so, &full);
	if (err < 0)
		return err;
	err = nsinfo_ref_resolve(full, ref, type, &r);
	if (err == 0 && r.fd >= 0) {
		*out = r;
	} else if (err == 0) {
		idx = nsinfo_snapshot_find_ns(full, r.type, r.ino);
		err = idx < 0 ? idx :
		      nsinfo_ns_open(full, &nsinfo_snapshot_namespaces(full, &n)[idx], out);
	}
	nsinfo_snapshot_unref(full);
	return err;
}

/* ref_resolve(), and for a namespace with no process in it, open_held(). */
static int ref_open(struct enter *e, const char *ref, int type, struct nsinfo_nsref *out)
{
	int r = ref_resolve(e, ref, type, out), h;

	/* only references that needed a snapshot (inode, id:) can be held ones */
	if (!e->refs || !nsinfo_resolver_snapshot(e->refs) ||
	    !(r == -ENOENT || (r == 0 && out->fd < 0)))
		return r;
	h = open_held(ref, type, out);
	return h == -ENOENT || h == -EINVAL ? r : h;
}

bool target_exited(const struct enter *e)
{
	struct pollfd p = { .fd = e->pidfd, .events = POLLIN };

	if (!e->pid)
		return false;
	/* a pidfd polls readable once the process has exited, zombie or not */
	if (e->pidfd >= 0)
		return poll(&p, 1, 0) == 1;
	return kill(e->pid, 0) < 0 && errno == ESRCH;
}

static void __attribute__((noreturn)) untranslated(const struct enter *e, pid_t pid, int err)
{
	if (err == -ESRCH)
		nst_die(EXIT_OWN, "no process %d in pid namespace %s", (int)pid, e->o.pidns);
	nst_die(EXIT_OWN, "pid %d in pid namespace %s: %s", (int)pid, e->o.pidns, errno_reason(err));
}

/*
 * The target is pinned by the pidfd libnsinfo's pidmap takes for a lookup:
 * once /proc/PID is open too and the pidfd says the process still lives,
 * both name the process looked up, not a successor reusing its pid.
 */
static void pin(struct enter *e, const struct nsinfo_pidchain *c)
{
	e->pid = c->levels[0].pid;
	e->pidfd = c->pidfd; /* -1 on kernels without pidfds */
}

/*
 * PID as seen inside the pid namespace -N names, in our own: the kernel's
 * NS_GET_TGID_FROM_PIDNS, else the library's /proc scan (older kernels).
 */
static void resolve_in_pidns(struct enter *e)
{
	struct nsinfo_pidchain c;
	struct nsinfo_nsref ref;
	pid_t pid;
	int r;

	if (nsinfo_parse_pid(e->o.target, &pid) < 0)
		nst_usage_error(NST_EXIT_USAGE, "invalid pid '%s': with --pidns the target is a pid",
				e->o.target);
	r = ref_open(e, e->o.pidns, NSINFO_PID, &ref);
	if (r == 0 && ref.fd < 0)
		r = -ENOLINK;
	if (r < 0)
		ref_die(e, e->o.pidns, r);
	r = nsinfo_pidmap_lookup_in(pidmap(e), ref.fd, pid, &c);
	close(ref.fd);
	if (r < 0)
		untranslated(e, pid, r);
	pin(e, &c);
}

static void resolve_pid(struct enter *e, pid_t pid)
{
	struct nsinfo_pidchain c;
	int r = nsinfo_pidmap_lookup(pidmap(e), pid, &c);

	if (r == -ECHILD)
		nst_die(EXIT_OWN, "%d is a thread, not a process: use its process id", (int)pid);
	if (r < 0)
		nst_die(EXIT_OWN, "cannot open target %s: %s", e->label, errno_reason(r));
	pin(e, &c);
}

static bool all_digits(const char *s)
{
	return s[strspn(s, "0123456789")] == '\0';
}

/* A container name or id, or a REF naming a pid namespace: its lowest
 * process. */
static pid_t pid_of_ref(struct enter *e, const char *t)
{
	struct nsinfo_nsref ref;
	int r = ref_resolve(e, t, NSINFO_PID, &ref);

	if (r == 0 && ref.fd >= 0)
		close(ref.fd);
	if (r == 0 && ref.pid <= 0)
		r = -ENOLINK;
	if (r < 0)
		ref_die(e, t, r);
	return ref.pid;
}

static void open_target(struct enter *e)
{
	const char *t = e->o.target;
	char path[32];
	pid_t pid;
	int r = nsinfo_parse_pid(t, &pid);

	/* messages name the target as typed, a container by its name */
	snprintf(e->label, sizeof(e->label), "%.72s", t);
	if (e->o.pidns)
		resolve_in_pidns(e);
	else if (r == 0)
		resolve_pid(e, pid);
	else if (all_digits(t) && r != -ERANGE)
		nst_usage_error(NST_EXIT_USAGE, "invalid pid '%s'", t);
	else /* digits too large for a pid are an inode, or a docker short id */
		resolve_pid(e, pid_of_ref(e, t));
	if (e->o.pidns || r == 0)
		snprintf(e->label, sizeof(e->label), "%d", (int)e->pid);

	snprintf(path, sizeof(path), "/proc/%d", (int)e->pid);
	e->procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (e->procfd < 0 || target_exited(e))
		nst_die(EXIT_OWN, "cannot open target %s: %s", e->label,
			e->procfd < 0 ? errno_reason(errno) : "it exited");
}

static void identify(int fd, uint64_t *ino, uint64_t *nsid)
{
	int type;

	*nsid = 0;
	if (nsinfo_fd_identify(fd, &type, ino) < 0)
		*ino = 0;
	(void)nsinfo_fd_nsid(fd, nsid);
}

/* ns/ entries are named as nsinfo_type_name() names the types */
static int open_ns_at(int dirfd, int t)
{
	char path[32];

	snprintf(path, sizeof(path), "ns/%s", nsinfo_type_name(t));
	return openat(dirfd, path, O_RDONLY | O_CLOEXEC);
}

static void open_from_target(struct enter *e, int t)
{
	struct ns_slot *s = &e->ns[t];

	if (!nsinfo_type_supported(t)) {
		s->action = s->by_all ? ACT_ABSENT : ACT_FAIL;
		s->err = -EOPNOTSUPP;
		return;
	}
	s->fd = open_ns_at(e->procfd, t);
	if (s->fd < 0) {
		int err = errno;

		s->action = ACT_FAIL;
		/* a zombie has no ns links any more */
		s->err = err == ENOENT || target_exited(e) ? -ESRCH : -err;
		return;
	}
	identify(s->fd, &s->ino, &s->nsid);
}

static void open_from_file(struct enter *e, int t)
{
	struct ns_slot *s = &e->ns[t];
	struct nsinfo_nsref ref;
	int r = ref_open(e, s->file, t, &ref);

	if (r == 0 && ref.fd < 0)
		r = -ENOLINK;
	if (r < 0)
		ref_die(e, s->file, r);
	s->fd = ref.fd;
	s->ino = ref.ino;
	s->nsid = ref.nsid;
}

/*
 * --net-socket FD: the net namespace of the target's socket, as nsenter
 * takes it: a copy of the fd (pidfd_getfd, which needs ptrace rights over
 * the target), then SIOCGSKNS. The socket is never read or written.
 */
static void open_from_socket(struct enter *e, int t)
{
	struct ns_slot *s = &e->ns[t];
	int pidfd = e->pidfd, sk, err;
	struct stat st;

	if (pidfd < 0)
		pidfd = (int)syscall(SYS_pidfd_open, e->pid, 0);
	if (pidfd < 0)
		nst_die(EXIT_OWN, "--net-socket: cannot open pid %d: %s", (int)e->pid, strerror(errno));
	sk = (int)syscall(SYS_pidfd_getfd, pidfd, e->o.net_socket, 0);
	err = errno;
	if (pidfd != e->pidfd)
		close(pidfd);
	if (sk < 0)
		nst_die(EXIT_OWN, "--net-socket: cannot get fd %d of %s: %s", e->o.net_socket, e->label,
			err == EBADF ? "no such fd" : errno_reason(-err));
	if (fstat(sk, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		close(sk);
		nst_die(EXIT_OWN, "--net-socket: fd %d of %s is not a socket", e->o.net_socket, e->label);
	}
	s->fd = ioctl(sk, SIOCGSKNS);
	err = errno;
	close(sk);
	if (s->fd < 0)
		nst_die(EXIT_OWN, "--net-socket: the net namespace of socket %d of %s: %s",
			e->o.net_socket, e->label, errno_reason(-err));
	(void)fcntl(s->fd, F_SETFD, FD_CLOEXEC);
	identify(s->fd, &s->ino, &s->nsid);
}

/* Same namespace as ours? Ids where the kernel has them: inodes are reused. */
static bool same_ns(const struct ns_slot *s)
{
	if (s->nsid && s->cur_nsid)
		return s->nsid == s->cur_nsid;
	return s->ino == s->cur_ino;
}

static void open_slot(struct enter *e, int selffd, int t)
{
	struct ns_slot *s = &e->ns[t];
	int fd;

	fd = open_ns_at(selffd, t);
	if (fd >= 0) {
		identify(fd, &s->cur_ino, &s->cur_nsid);
		close(fd);
	}
	if (s->want == WANT_NO && e->o.all) {
		s->want = WANT_TARGET;
		s->by_all = true;
	}
	if (s->want == WANT_NO) {
		/* shown by --explain only: what stays different */
		fd = e->procfd >= 0 ? open_ns_at(e->procfd, t) : -1;
		if (fd >= 0) {
			identify(fd, &s->ino, &s->nsid);
			close(fd);
		}
		return;
	}
	if (s->want == WANT_FILE)
		open_from_file(e, t);
	else if (s->want == WANT_SOCKET)
		open_from_socket(e, t);
	else
		open_from_target(e, t);
	if (s->action == ACT_NONE)
		s->action = same_ns(s) ? ACT_SAME : ACT_JOIN;
}

static int open_dir_of_target(struct enter *e, const char *name, const char *what)
{
	int fd = openat(e->procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		nst_die(EXIT_OWN, "cannot open %s of %s: %s", what, e->label,
		    errno == ENOENT ? "it exited" : strerror(errno));
	return fd;
}

/* The most of /proc/PID/environ read: a process can make its environment
 * area as large as its stack; more than this is refused, not truncated. */
#define ENV_MAX (16u << 20)

static int cmp_env(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
	int c = memcmp(x, y, nx < ny ? nx : ny);

	if (c)
		return c;
	if (nx != ny)
		return nx < ny ? -1 : 1;
	/* same name: by position, the later last */
	return x < y ? -1 : x > y;
}

static int cmp_addr(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return x < y ? -1 : x > y;
}

/*
 * The environment the command gets, from the target's bytes, which it
 * controls: NAME=VALUE strings as nsenter keeps them (entries without '='
 * or with an empty name are dropped; of a name set twice the last one
 * counts), in the target's order. 0 or -ENOMEM.
 */
int env_from_bytes(struct enter *e, char *buf, size_t len)
{
	size_t n = 0, k = 0;

	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\0';
	e->env = calloc(n + 2, sizeof(char *));
	if (!e->env)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
		char *eq = strchr(buf + i, '=');

		if (eq && eq != buf + i)
			e->env[n++] = buf + i;
	}
	/* duplicates: sorted by name then position, all but the last of a
	 * name go; sorted by position again (addresses in buf), the
	 * target's order is back */
	qsort(e->env, n, sizeof(char *), cmp_env);
	for (size_t i = 0; i < n; i++) {
		size_t l = strcspn(e->env[i], "=");

		if (i + 1 < n && strcspn(e->env[i + 1], "=") == l && !memcmp(e->env[i], e->env[i + 1], l))
			continue;
		e->env[k++] = e->env[i];
	}
	qsort(e->env, k, sizeof(char *), cmp_addr);
	e->env[k] = NULL;
	return 0;
}

/* /proc/PID/environ into an envp array (NUL-separated strings), bounded. */
static void read_target_env(struct enter *e)
{
	size_t len;
	char *buf;
	int r = nsinfo_read_file_at(e->procfd, "environ", ENV_MAX, &buf, &len);

	if (r == -EFBIG)
		nst_die(EXIT_OWN, "cannot read environment of %s: larger than %u MiB", e->label,
			ENV_MAX >> 20);
	if (r < 0)
		nst_die(EXIT_OWN, "cannot read environment of %s: %s", e->label, strerror(-r));
	e->env_buf = buf;
	if (env_from_bytes(e, buf, len) < 0)
		nst_die(EXIT_OWN, "cannot read environment of %s: %s", e->label, strerror(ENOMEM));
}

/* Where the cgroup2 hierarchy is: /sys/fs/cgroup, or on a hybrid host
 * (v1 controllers at /sys/fs/cgroup/NAME) /sys/fs/cgroup/unified. */
static const char *cgroup2_mount(void)
{
	static const char *const dirs[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs fs;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (statfs(dirs[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
			return dirs[i];
	return NULL;
}

/*
 * -c: the target's cgroup, as nsenter --join-cgroup takes it: its cgroup2
 * cgroup, PATH of the "0::PATH" line of its /proc/PID/cgroup as we read it;
 * cgroup.procs there opened now, written before joining. v1 hierarchies
 * are left alone. PATH is named by the target's side (it may create and
 * name cgroups): exactly one such line, or it is refused as ambiguous, and
 * it is resolved below the mount without following a symlink or leaving it.
 */
static void open_target_cgroup(struct enter *e)
{
	struct open_how how = {
		.flags = O_WRONLY | O_APPEND | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	char buf[sizeof(e->cgroup_line)], path[sizeof(e->cgroup_line) + 32], *line = NULL, *p;
	const char *mnt = cgroup2_mount();
	size_t len;
	ssize_t n;
	int fd, root;

	if (!mnt)
		nst_die(EXIT_OWN, "--join-cgroup: no cgroup2 hierarchy at /sys/fs/cgroup or "
			"/sys/fs/cgroup/unified (cgroup v1 only)");
	fd = openat(e->procfd, "cgroup", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		nst_die(EXIT_OWN, "--join-cgroup: cannot read the cgroup of %s: %s", e->label,
			strerror(errno));
	buf[n] = '\0';
	for (p = buf; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		if (strncmp(p, "0::", 3))
			continue;
		if (line)
			nst_die(EXIT_OWN, "--join-cgroup: the cgroup of %s is ambiguous: %s", e->label,
				nst_esc(buf));
		line = p;
	}
	if ((size_t)n >= sizeof(buf) - 1 || !line || line[3] != '/')
		nst_die(EXIT_OWN, "--join-cgroup: no cgroup2 path of %s: %s", e->label, nst_esc(buf));
	len = strcspn(line, "\n");
	snprintf(e->cgroup_line, sizeof(e->cgroup_line), "%.*s", (int)len, line);
	snprintf(e->cgroup_mount, sizeof(e->cgroup_mount), "%s", mnt);
	snprintf(path, sizeof(path), "./%s%scgroup.procs", e->cgroup_line + 4,
		 e->cgroup_line[4] ? "/" : "");
	root = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		nst_die(EXIT_OWN, "--join-cgroup: %s: %s", mnt, strerror(errno));
	e->cgroup_fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	if (e->cgroup_fd < 0) {
		int err = errno;

		close(root);
		nst_die(EXIT_OWN, "--join-cgroup: cannot open cgroup %s of %s: %s",
			nst_esc(e->cgroup_line + 3), e->label,
			err == EXDEV ? "outside our cgroup hierarchy (another cgroup namespace)" :
			errno_reason(-err));
	}
	close(root);
}

void enter_prepare(struct enter *e)
{
	int selffd;

	if (e->o.target)
		open_target(e);
	selffd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (selffd < 0)
		nst_die(EXIT_OWN, "cannot open /proc/self: %s", strerror(errno));
	for (int t = 0; t < NSINFO_NTYPES; t++)
		open_slot(e, selffd, t);
	close(selffd);

	if (e->o.mount_proc && (!e->ns[NSINFO_MNT].want || !e->ns[NSINFO_PID].want))
		nst_usage_error(NST_EXIT_USAGE, "--mount-proc needs both -m and -p (or -a)");
	if (e->o.root)
		e->root_fd = open_dir_of_target(e, "root", "root directory");
	if (e->o.wd)
		e->wd_fd = open_dir_of_target(e, "cwd", "working directory");
	if (e->o.env)
		read_target_env(e);
	if (e->o.join_cgroup)
		open_target_cgroup(e);
}

void slot_describe(const struct enter *e, int t, char *buf, size_t len)
{
	const struct ns_slot *s = &e->ns[t];

	if (s->want == WANT_FILE)
		snprintf(buf, len, "%s namespace %s", nsinfo_type_name(t), s->file);
	else if (s->want == WANT_SOCKET)
		snprintf(buf, len, "%s namespace of socket %d of %s", nsinfo_type_name(t),
			 e->o.net_socket, e->label);
	else
		snprintf(buf, len, "%s namespace of %s", nsinfo_type_name(t), e->label);
}

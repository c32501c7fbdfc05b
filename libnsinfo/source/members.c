/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The members of one namespace, named by inode or 64-bit id, without a
 * snapshot: the filtered mode of the BPF source. A task iterator that
 * compares the wanted inode or id in the kernel (bpf/nsref.bpf.c) hands
 * over only the tasks that have it as a link, so the reader's cost follows
 * the members, not the host; a reference (query/ref.c) opens one of them.
 * Where the iterator cannot stand in for proc_root (not /proc of our pid
 * namespace, no BPF, no privilege, a small host) the caller walks /proc
 * reading one link type per process instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "source/source.h"

#ifndef HAVE_BPF

int nsinfo__members_bpf(const char *proc_root, long min_tasks, int type, uint64_t ino,
			uint64_t id, struct nsinfo__member **out, size_t *n)
{
	(void)proc_root, (void)min_tasks, (void)type, (void)ino, (void)id, (void)out, (void)n;
	return -ENOTSUP;
}

#else /* HAVE_BPF */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "nsref.h"
#include "nsref_bpf.skel.h"

/* libbpf writes to stderr unless told otherwise; the library never prints
 * (a load that fails means the /proc walk, not a message) */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static int usable(const char *proc_root, long min_tasks)
{
	long tasks;
	int fd;

	if (proc_root && strcmp(proc_root, "/proc") && strcmp(proc_root, "/proc/"))
		return -EXDEV;
	fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	tasks = nsinfo__host_tasks(fd);
	if (!nsinfo__proc_is_ours(fd) || (tasks >= 0 && tasks < min_tasks)) {
		close(fd);
		return -ECANCELED;
	}
	close(fd);
	return 0;
}

static struct nsref_bpf *load(int type, uint64_t ino, uint64_t id)
{
	libbpf_print_fn_t old = libbpf_set_print(quiet);
	struct nsref_bpf *skel = nsref_bpf__open();

	if (skel) {
		skel->rodata->want_ino = ino;
		skel->rodata->want_id = id;
		/* the eight types (no *_for_children: a holder, not a member) */
		skel->rodata->want_slots = type < 0 ? (1u << NSINFO_NTYPES) - 1 : 1u << type;
		if (nsref_bpf__load(skel) || nsref_bpf__attach(skel)) {
			nsref_bpf__destroy(skel);
			skel = NULL;
		}
	}
	libbpf_set_print(old);
	return skel;
}

static int take(const struct nsref_rec *r, struct nsinfo__member **v, size_t *n, size_t *cap)
{
	if (r->slot >= NSINFO_NTYPES)
		return 0;
	if (nsinfo__grow((void **)v, cap, *n + 1, sizeof(**v)))
		return -ENOMEM;
	(*v)[(*n)++] = (struct nsinfo__member){
		.pid = (pid_t)r->pid, .tgid = (pid_t)r->tgid, .type = (int)r->slot,
		.ino = r->ino, .id = r->id,
	};
	return 0;
}

static int read_all(int fd, struct nsinfo__member **v, size_t *n)
{
	struct nsref_rec buf[256];
	size_t cap = 0;
	ssize_t got;
	int err = 0;

	*v = NULL;
	*n = 0;
	while (!err && ((got = read(fd, buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR)))
		for (size_t i = 0; got > 0 && !err && i < (size_t)got / sizeof(buf[0]); i++)
			err = take(&buf[i], v, n, &cap);
	if (!err && got < 0)
		err = -errno;
	if (err) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return err;
}

int nsinfo__members_bpf(const char *proc_root, long min_tasks, int type, uint64_t ino,
			uint64_t id, struct nsinfo__member **out, size_t *n)
{
	struct nsref_bpf *skel;
	int err = usable(proc_root, min_tasks), fd;

	if (err < 0)
		return err;
	if (!(skel = load(type, ino, id)))
		return -ENOTSUP;
	fd = bpf_iter_create(bpf_link__fd(skel->links.nsref));
	err = fd < 0 ? -errno : read_all(fd, out, n);
	if (fd >= 0)
		close(fd);
	nsref_bpf__destroy(skel);
	return err;
}

#endif /* HAVE_BPF */

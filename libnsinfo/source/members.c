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
#include "nsref_bpf.lskel.h"

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

/* The wanted namespace and slots (the eight types; no *_for_children: a
 * holder, not a member) as the load-time filters */
static uint32_t slots_of(int type)
{
	return type < 0 ? (1u << NSINFO_NTYPES) - 1 : 1u << type;
}

/*
 * The loaded iterator, in one of two forms, as the task iterator's
 * (iter.c): the light skeleton first, whose loader program has the kernel
 * do the CO-RE relocation against the BTF it already holds, where libbpf's
 * skeleton parses the whole vmlinux BTF in this process (measured on a
 * loaded 2-CPU VM, a query at 1k tasks: ~31 ms of CPU against ~6.5 ms).
 * libbpf's skeleton where the kernel cannot run that loader (before 5.17);
 * before 6.2 (no bpf_rdonly_cast) neither loads and the caller walks /proc.
 */
struct loaded {
	struct nsref_lskel *light;
	struct nsref_bpf *skel;
};

static int link_fd(const struct loaded *o)
{
	return o->light ? o->light->links.nsref_fd : bpf_link__fd(o->skel->links.nsref);
}

static void unload(struct loaded *o)
{
	nsref_lskel__destroy(o->light);
	nsref_bpf__destroy(o->skel);
	o->light = NULL;
	o->skel = NULL;
}

static int load_light(int type, uint64_t ino, uint64_t id, struct loaded *out)
{
	struct nsref_lskel *light = nsref_lskel__open();

	if (!light)
		return -ENOMEM;
	light->rodata->want_ino = ino;
	light->rodata->want_id = id;
	light->rodata->want_slots = slots_of(type);
	if (nsref_lskel__load(light) || nsref_lskel__attach(light)) {
		nsref_lskel__destroy(light);
		return -EINVAL;
	}
	out->light = light;
	return 0;
}

static int load(int type, uint64_t ino, uint64_t id, struct loaded *out)
{
	libbpf_print_fn_t old;
	struct nsref_bpf *skel;

	if (load_light(type, ino, id, out) == 0)
		return 0;
	old = libbpf_set_print(quiet);
	skel = nsref_bpf__open();
	if (skel) {
		skel->rodata->want_ino = ino;
		skel->rodata->want_id = id;
		skel->rodata->want_slots = slots_of(type);
		if (nsref_bpf__load(skel) || nsref_bpf__attach(skel)) {
			nsref_bpf__destroy(skel);
			skel = NULL;
		}
	}
	libbpf_set_print(old);
	out->skel = skel;
	return skel ? 0 : -ENOTSUP;
}

/* A member per slot the record names */
static int take(const struct nsref_rec *r, struct nsinfo__member **v, size_t *n, size_t *cap)
{
	for (int s = 0; s < NSINFO_NTYPES && s < NSREF_NSLOTS; s++) {
		if (!((r->ino_mask | r->id_mask) & (1u << s)))
			continue;
		if (nsinfo__grow((void **)v, cap, *n + 1, sizeof(**v)))
			return -ENOMEM;
		(*v)[(*n)++] = (struct nsinfo__member){
			.pid = (pid_t)r->pid, .tgid = (pid_t)r->tgid, .type = s,
			.ino = r->ino[s], .id = r->id[s],
		};
	}
	return 0;
}

static int read_all(int fd, struct nsinfo__member **v, size_t *n)
{
	struct nsref_rec buf[64];
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
	struct loaded o = { 0 };
	int err = usable(proc_root, min_tasks), fd;

	if (err < 0)
		return err;
	if (load(type, ino, id, &o) < 0)
		return -ENOTSUP;
	fd = bpf_iter_create(link_fd(&o));
	err = fd < 0 ? -errno : read_all(fd, out, n);
	if (fd >= 0)
		close(fd);
	unload(&o);
	return err;
}

#endif /* HAVE_BPF */

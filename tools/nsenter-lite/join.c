/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite: join the namespaces, and predict why that would fail. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat.h"
#include "nsenter-lite.h"

bool forks_child(const struct enter *e)
{
	return e->ns[NSINFO_PID].action == ACT_JOIN || e->ns[NSINFO_TIME].action == ACT_JOIN ||
	       e->o.mount_proc;
}

/* Only the target's namespaces are to be joined: setns(pidfd) can take
 * them all. A namespace named by a file needs its own setns(fd). */
static bool only_from_target(const struct enter *e)
{
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (e->ns[t].action == ACT_JOIN && e->ns[t].want != WANT_TARGET)
			return false;
	return true;
}

/*
 * Every namespace of the target in one setns(pidfd, mask) (Linux 5.8): the
 * kernel installs all of them or none, in the right order for user
 * namespaces, and the target cannot be swapped in between. Returns 1 when
 * the caller should join one fd at a time instead.
 */
static int join_pidfd(struct enter *e, unsigned *failed)
{
	unsigned long mask = 0;
	unsigned types = 0;

	if (e->pidfd < 0 || !only_from_target(e))
		return 1;
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		if (e->ns[t].action != ACT_JOIN)
			continue;
		mask |= nsinfo_type_clone_flag(t);
		types |= 1u << t;
	}
	if (!mask)
		return 1;
	if (setns(e->pidfd, (int)mask) == 0) {
		for (int t = 0; t < NSINFO_NTYPES; t++)
			if (types & (1u << t))
				e->ns[t].joined = true;
		return 0;
	}
	if (errno == ESRCH) {
		*failed = types;
		return -ESRCH;
	}
	/* EINVAL from a kernel without pidfd setns, or EPERM: one at a time
	 * tells which namespace is refused */
	return 1;
}

/*
 * One fd at a time, as util-linux does: everything but the user namespace
 * first, while we still hold our own capabilities, then the user namespace
 * and whatever was refused before it (an unprivileged caller gains the
 * capabilities it needs only inside the target's user namespace). Every
 * slot is tried, so that *failed names all that were refused.
 */
static int join_fds(struct enter *e, unsigned *failed)
{
	int err = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < NSINFO_NTYPES; i++) {
			int t = join_order[i];
			struct ns_slot *s = &e->ns[t];

			if (s->action != ACT_JOIN || s->joined || (pass == 0 && t == NSINFO_USER))
				continue;
			if (setns(s->fd, (int)nsinfo_type_clone_flag(t)) == 0) {
				s->joined = true;
			} else if (pass == 1) {
				*failed |= 1u << t;
				if (!err)
					err = -errno;
			}
		}
	}
	return err;
}

/* The namespace a command run from here would be in: pid and time apply
 * to children only. */
static const char *self_link(int t)
{
	if (t == NSINFO_PID)
		return "ns/pid_for_children";
	if (t == NSINFO_TIME)
		return "ns/time_for_children";
	return NULL;
}

/*
 * Check, from the kernel's own view of us, that every namespace asked for
 * is the one we are now in. selffd is /proc/self opened before joining
 * (a joined mount namespace may have another /proc, or none).
 */
static int verify_joined(struct enter *e, int selffd, unsigned *failed)
{
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		struct ns_slot *s = &e->ns[t];
		char path[32];
		uint64_t ino = 0, nsid = 0;
		int fd, type;

		if (s->action != ACT_JOIN && s->action != ACT_SAME)
			continue;
		if (self_link(t))
			snprintf(path, sizeof(path), "%s", self_link(t));
		else
			snprintf(path, sizeof(path), "ns/%s", nsinfo_type_name(t));
		fd = openat(selffd, path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (nsinfo_fd_identify(fd, &type, &ino) < 0)
				ino = 0;
			(void)nsinfo_fd_nsid(fd, &nsid);
			close(fd);
		}
		s->got_ino = ino;
		if (nsid && s->nsid ? nsid != s->nsid : ino != s->ino) {
			*failed |= 1u << t;
			return -EXDEV;
		}
	}
	return 0;
}

int enter_join(struct enter *e, unsigned *failed)
{
	unsigned from_target = 0;
	int selffd, r;

	*failed = 0;
	/* worded now: once in another user namespace, ours is out of sight */
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (e->ns[t].action == ACT_JOIN && predict_join(e, t, e->ns[t].why,
								sizeof(e->ns[t].why)) == 0)
			e->ns[t].why[0] = '\0';
	selffd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (selffd < 0)
		return -errno;
	r = join_pidfd(e, failed);
	if (r > 0)
		r = join_fds(e, failed);
	if (r == 0)
		r = verify_joined(e, selffd, failed);
	close(selffd);
	if (r < 0)
		return r;
	/* The fds pin the namespaces even if the target died meanwhile; a
	 * command must still not run for a target that is gone. */
	for (int t = 0; t < NSINFO_NTYPES; t++)
		if (e->ns[t].joined && e->ns[t].want == WANT_TARGET)
			from_target |= 1u << t;
	if (from_target && target_exited(e)) {
		*failed = from_target;
		return -ESRCH;
	}
	return 0;
}

/* ------------------------------------------------------------ prediction */

static uint64_t ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static bool have_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN);
}

/*
 * Walk the user namespace on fd up through its parents: 1 if we reach
 * ancestor_ino, 0 if not. With an owner check at the step just below it,
 * this is the kernel's cap_capable(): we hold every capability in a user
 * namespace our euid created right below ours.
 */
static bool userns_below(int fd, uint64_t ancestor_ino, bool owner_counts)
{
	int cur = dup(fd);
	bool found = false;

	for (int depth = 0; cur >= 0 && depth < 64; depth++) {
		uid_t owner;
		int parent;

		if (ino_of(cur) == ancestor_ino) {
			found = true;
			break;
		}
		parent = ioctl(cur, NS_GET_PARENT);
		if (parent < 0)
			break;
		if (owner_counts && ino_of(parent) == ancestor_ino &&
		    ioctl(cur, NS_GET_OWNER_UID, &owner) == 0 && owner == geteuid()) {
			close(parent);
			found = true;
			break;
		}
		close(cur);
		cur = parent;
	}
	if (cur >= 0)
		close(cur);
	return found;
}

static bool capable_in(int userns_fd, uint64_t self_userns, bool admin)
{
	if (ino_of(userns_fd) == self_userns)
		return admin;
	return userns_below(userns_fd, self_userns, true);
}

/* Whether joining the target's user namespace (-U) would give us the
 * capabilities over user namespace owner_fd: the advice is only given
 * when it would help. */
static bool userns_would_help(const struct enter *e, int owner_fd, bool admin,
			      uint64_t *target_userns)
{
	int fd = e->procfd >= 0 ? openat(e->procfd, "ns/user", O_RDONLY | O_CLOEXEC) : -1;
	bool help;

	if (fd < 0)
		return false;
	*target_userns = ino_of(fd);
	help = *target_userns != e->ns[NSINFO_USER].cur_ino &&
	       capable_in(fd, e->ns[NSINFO_USER].cur_ino, admin) &&
	       userns_below(owner_fd, *target_userns, false);
	close(fd);
	return help;
}

int predict_join(const struct enter *e, int t, char *why, size_t len)
{
	const struct ns_slot *s = &e->ns[t], *u = &e->ns[NSINFO_USER];
	bool admin = have_cap_sys_admin(), ok;
	uint64_t tu = 0;
	uid_t owner_uid = (uid_t)-1;
	int owner;

	if (s->action == ACT_FAIL) {
		snprintf(why, len, "%s", s->err == -ESRCH && e->pid ? "target exited" :
			 errno_reason(s->err));
		return s->err;
	}
	if (s->action != ACT_JOIN)
		return 0;
	if (t == NSINFO_USER) {
		if (capable_in(s->fd, u->cur_ino, admin))
			return 0;
		(void)ioctl(s->fd, NS_GET_OWNER_UID, &owner_uid);
		snprintf(why, len, "no CAP_SYS_ADMIN in user namespace %llu (created by uid %d; "
			 "we are uid %d, %s)", (unsigned long long)s->ino, (int)owner_uid,
			 (int)geteuid(), admin ? "privileged only in our own user namespace" :
			 "unprivileged");
		return -EPERM;
	}
	owner = ioctl(s->fd, NS_GET_USERNS);
	if (owner < 0) {
		snprintf(why, len, "its owning user namespace is outside ours");
		return -EPERM;
	}
	/* first as ourselves; else after joining the target's user namespace,
	 * where we hold every capability in it and below it */
	ok = (admin && capable_in(owner, u->cur_ino, admin)) ||
	     (u->action == ACT_JOIN && capable_in(u->fd, u->cur_ino, admin) &&
	      userns_below(owner, u->ino, false));
	if (!ok) {
		int n = snprintf(why, len, "no CAP_SYS_ADMIN in user namespace %llu that owns it",
				 (unsigned long long)ino_of(owner));

		if (n < 0 || (size_t)n >= len)
			;
		else if (u->action == ACT_JOIN)
			snprintf(why + n, len - (size_t)n, ", even in user namespace %llu joined",
				 (unsigned long long)u->ino);
		else if (u->want == WANT_NO && userns_would_help(e, owner, admin, &tu))
			snprintf(why + n, len - (size_t)n, "; add -U: joining user namespace "
				 "%llu of %s gives it", (unsigned long long)tu, e->label);
		else
			snprintf(why + n, len - (size_t)n, " (we are uid %d%s)", (int)geteuid(),
				 admin ? "" : ", unprivileged");
	}
	close(owner);
	return ok ? 0 : -EPERM;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite: join the namespaces, and predict why that would fail. */
#define _GNU_SOURCE
#include <errno.h>
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

/*
 * Every namespace of the target in one setns(pidfd, mask) (Linux 5.8): the
 * kernel installs all of them or none, in the right order for user
 * namespaces, and the target cannot be swapped in between. Returns 1 when
 * the caller should fall back to one fd at a time.
 */
static int join_pidfd(struct enter *e, unsigned *failed)
{
	unsigned long mask = 0;
	unsigned types = 0;

	for (int t = 0; t < NSINFO_NTYPES; t++) {
		if (e->ns[t].action != ACT_JOIN || e->ns[t].want != WANT_TARGET)
			continue;
		mask |= nsinfo_type_clone_flag(t);
		types |= 1u << t;
	}
	if (!mask || e->pidfd < 0)
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
 * capabilities it needs only inside the target's user namespace).
 */
static int join_fds(struct enter *e, unsigned *failed)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < NSINFO_NTYPES; i++) {
			int t = join_order[i];
			struct ns_slot *s = &e->ns[t];

			if (s->action != ACT_JOIN || s->joined || (pass == 0 && t == NSINFO_USER))
				continue;
			if (setns(s->fd, (int)nsinfo_type_clone_flag(t)) == 0) {
				s->joined = true;
			} else if (pass == 1) {
				*failed = 1u << t;
				return -errno;
			}
		}
	}
	return 0;
}

int enter_join(struct enter *e, unsigned *failed)
{
	unsigned from_target = 0;
	int r;

	*failed = 0;
	r = join_pidfd(e, failed);
	if (r <= 0)
		return r;
	r = join_fds(e, failed);
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

int predict_join(const struct enter *e, int t, char *why, size_t len)
{
	const struct ns_slot *s = &e->ns[t], *u = &e->ns[NSINFO_USER];
	bool admin = have_cap_sys_admin(), ok;
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
		snprintf(why, len, "no CAP_SYS_ADMIN in user namespace %llu",
			 (unsigned long long)s->ino);
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
	if (!ok)
		snprintf(why, len, "no CAP_SYS_ADMIN in user namespace %llu that owns it%s",
			 (unsigned long long)ino_of(owner),
			 u->want == WANT_NO ? "; add -U?" : "");
	close(owner);
	return ok ? 0 : -EPERM;
}

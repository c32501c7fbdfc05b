/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run a command as if on an older kernel, to test nsenter-lite's fallbacks
 * on this one: a seccomp filter makes the newer calls fail the way old
 * kernels fail them.
 *
 *   nsenter_oldkernel [--no-pidfd] [--no-pidns-ioctl] -- COMMAND [ARG...]
 *
 * --no-pidfd         pidfd_open() fails with ENOSYS (before Linux 5.3), so
 *                    no setns(pidfd, mask) either
 * --no-pidns-ioctl   NS_GET_TGID_FROM_PIDNS fails with ENOTTY (before 6.11)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat.h"

#define ARCH_NR AUDIT_ARCH_X86_64
#define LOAD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(v, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (v), (t), (f))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))

int main(int argc, char **argv)
{
	int no_pidfd = 0, no_ioctl = 0, i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--no-pidfd"))
			no_pidfd = 1;
		else if (!strcmp(argv[i], "--no-pidns-ioctl"))
			no_ioctl = 1;
		else
			i = argc;
	}
	if (i >= argc - 1) {
		fprintf(stderr, "usage: nsenter_oldkernel [--no-pidfd] [--no-pidns-ioctl] -- COMMAND...\n");
		return 2;
	}

	/* Jump offsets count from the next instruction. */
	struct sock_filter filter[16];
	struct sock_fprog prog = { .filter = filter };
	unsigned n = 0;

	filter[n++] = (struct sock_filter)LOAD(offsetof(struct seccomp_data, arch));
	filter[n++] = (struct sock_filter)JEQ(ARCH_NR, 1, 0);
	filter[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	filter[n++] = (struct sock_filter)LOAD(offsetof(struct seccomp_data, nr));
	if (no_pidfd) {
		filter[n++] = (struct sock_filter)JEQ(SYS_pidfd_open, 0, 1);
		filter[n++] = (struct sock_filter)RET(SECCOMP_RET_ERRNO | ENOSYS);
	}
	if (no_ioctl) {
		filter[n++] = (struct sock_filter)JEQ(SYS_ioctl, 0, 3);
		/* the low half of the request: x86-64 is little-endian */
		filter[n++] = (struct sock_filter)LOAD(offsetof(struct seccomp_data, args[1]));
		filter[n++] = (struct sock_filter)JEQ((unsigned)NS_GET_TGID_FROM_PIDNS, 0, 1);
		filter[n++] = (struct sock_filter)RET(SECCOMP_RET_ERRNO | ENOTTY);
	}
	filter[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)n;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("nsenter_oldkernel: seccomp");
		return 1;
	}
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "nsenter_oldkernel: %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite: run the command inside, in a child when it must be one. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsenter-lite.h"

/* Signals an operator sends to nsenter-lite that are meant for the command */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

static volatile sig_atomic_t child_pid;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* a terminal's ^C already reached the command (same process group):
	 * do not deliver it twice */
	if (si->si_code == SI_KERNEL || child_pid <= 0)
		return;
	kill((pid_t)child_pid, sig);
}

/* A private /proc of the target's pid namespace, in a private copy of its
 * mount namespace: the container's own mounts stay untouched. */
static void mount_proc(const struct enter *e)
{
	if (unshare(CLONE_NEWNS) < 0)
		nst_die(EXIT_OWN, "--mount-proc: cannot make a private mount namespace: %s",
		    strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		nst_die(EXIT_OWN, "--mount-proc: cannot stop mount propagation to %s: %s", e->label,
		    strerror(errno));
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		nst_die(EXIT_OWN, "--mount-proc: cannot mount /proc: %s", strerror(errno));
}

static void change_root_and_wd(const struct enter *e)
{
	if (e->root_fd >= 0 && (fchdir(e->root_fd) < 0 || chroot(".") < 0))
		nst_die(EXIT_OWN, "cannot change root to that of %s: %s", e->label, strerror(errno));
	if (e->o.mount_proc)
		mount_proc(e);
	if (e->wd_fd >= 0) {
		if (fchdir(e->wd_fd) < 0)
			nst_die(EXIT_OWN, "cannot change directory to that of %s: %s", e->label,
			    strerror(errno));
	} else if (e->root_fd >= 0 && chdir("/") < 0) {
		nst_die(EXIT_OWN, "cannot change directory to /: %s", strerror(errno));
	}
}

/* uid/gid 0 in an entered user namespace, unless told otherwise. */
static void set_credentials(const struct enter *e)
{
	bool userns = e->ns[NSINFO_USER].joined && !e->o.preserve_cred;
	uid_t uid = e->o.set_uid ? e->o.uid : 0;
	gid_t gid = e->o.set_gid ? e->o.gid : 0;

	if (e->o.set_gid || userns) {
		/* refused in a user namespace whose setgroups is "deny" */
		if (setgroups(0, NULL) < 0 && !(errno == EPERM && e->ns[NSINFO_USER].joined))
			nst_die(EXIT_OWN, "cannot drop supplementary groups: %s", strerror(errno));
		if (setgid(gid) < 0)
			nst_die(EXIT_OWN, "cannot set gid %u%s: %s", (unsigned)gid,
			    userns ? " in the user namespace (not mapped?)" : "", strerror(errno));
	}
	if ((e->o.set_uid || userns) && setuid(uid) < 0)
		nst_die(EXIT_OWN, "cannot set uid %u%s: %s", (unsigned)uid,
		    userns ? " in the user namespace (not mapped?)" : "", strerror(errno));
}

static void __attribute__((noreturn)) exec_command(const struct enter *e)
{
	const char *shell = getenv("SHELL");
	char *defargv[] = { (char *)(shell && *shell ? shell : "/bin/sh"), NULL };
	char **argv = e->o.argv[0] ? e->o.argv : defargv;

	change_root_and_wd(e);
	set_credentials(e);
	/* execvpe looks the command up with our PATH, whatever envp says */
	execvpe(argv[0], argv, e->env ? e->env : environ);
	if (errno == ENOENT)
		nst_die(EXIT_NOTFOUND, "%s: command not found", argv[0]);
	nst_die(EXIT_NOEXEC, "%s: %s", argv[0], strerror(errno));
}

static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			nst_die(EXIT_OWN, "cannot wait for the command: %s", strerror(errno));
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

void run_command(struct enter *e)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigset_t block, old;
	pid_t pid;

	if (!forks_child(e))
		exec_command(e);

	/* blocked across fork so none is lost before the handler knows the
	 * child; the child unblocks them before running the command */
	sigemptyset(&block);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaddset(&block, forwarded[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		nst_die(EXIT_OWN, "cannot fork: %s", strerror(errno));
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		exec_command(e);
	}
	child_pid = pid;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* Our pid_for_children is now the target's: whatever would fork at
	 * exit (LeakSanitizer's tracer) lands there and cannot find us. The
	 * parent wrote nothing to stdout; leave without exit handlers. */
	_exit(wait_child(pid));
}

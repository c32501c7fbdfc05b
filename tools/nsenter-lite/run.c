/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite: run the command inside, in a child when it must be one. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

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

/*
 * Past the joins (and maybe a chroot): one line and out, with no exit
 * handlers, which could fork into the target's pid namespace or need a
 * /proc the new root lacks.
 */
static void __attribute__((noreturn, format(printf, 2, 3))) die_inside(int code, const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nst_warn("%s", msg);
	fflush(stdout);
	_exit(code);
}

/* A private /proc of the target's pid namespace, in a private copy of its
 * mount namespace: the container's own mounts stay untouched. */
static void mount_proc(const struct enter *e)
{
	if (unshare(CLONE_NEWNS) < 0)
		die_inside(EXIT_OWN, "--mount-proc: cannot make a private mount namespace: %s",
		    strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		die_inside(EXIT_OWN, "--mount-proc: cannot stop mount propagation to %s: %s", e->label,
		    strerror(errno));
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die_inside(EXIT_OWN, "--mount-proc: cannot mount /proc: %s", strerror(errno));
}

static void change_root_and_wd(const struct enter *e)
{
	if (e->root_fd >= 0 && (fchdir(e->root_fd) < 0 || chroot(".") < 0))
		die_inside(EXIT_OWN, "cannot change root to that of %s: %s", e->label, strerror(errno));
	if (e->o.mount_proc)
		mount_proc(e);
	if (e->wd_fd >= 0) {
		if (fchdir(e->wd_fd) < 0)
			die_inside(EXIT_OWN, "cannot change directory to that of %s: %s", e->label,
			    strerror(errno));
	} else if (e->root_fd >= 0 && chdir("/") < 0) {
		die_inside(EXIT_OWN, "cannot change directory to /: %s", strerror(errno));
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
			die_inside(EXIT_OWN, "cannot drop supplementary groups: %s", strerror(errno));
		if (setgid(gid) < 0)
			die_inside(EXIT_OWN, "cannot set gid %u%s: %s", (unsigned)gid,
			    userns ? " in the user namespace (not mapped?)" : "", strerror(errno));
	}
	if ((e->o.set_uid || userns) && setuid(uid) < 0)
		die_inside(EXIT_OWN, "cannot set uid %u%s: %s", (unsigned)uid,
		    userns ? " in the user namespace (not mapped?)" : "", strerror(errno));
}

/*
 * --keep-caps, as nsenter: in a user namespace joined, the capabilities we
 * hold there (all, as its uid 0) made inheritable and ambient, so that they
 * survive the exec of a command that is not set-uid root.
 */
static void keep_caps(const struct enter *e)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	uint64_t eff;

	if (!e->o.keep_caps || !e->ns[NSINFO_USER].joined)
		return;
	if (syscall(SYS_capget, &hdr, d) < 0)
		die_inside(EXIT_OWN, "--keep-caps: cannot read capabilities: %s", strerror(errno));
	d[0].inheritable = d[0].permitted;
	d[1].inheritable = d[1].permitted;
	if (syscall(SYS_capset, &hdr, d) < 0)
		die_inside(EXIT_OWN, "--keep-caps: cannot make capabilities inheritable: %s",
			   strerror(errno));
	eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	for (unsigned cap = 0; cap < 64; cap++)
		if ((eff & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			die_inside(EXIT_OWN, "--keep-caps: cannot raise ambient capability %u: %s", cap,
				   strerror(errno));
}

/* The ambient capabilities a command run now would start with. */
static uint64_t ambient_caps(void)
{
	uint64_t amb = 0;

	for (unsigned cap = 0; cap < 64; cap++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1)
			amb |= 1ULL << cap;
	return amb;
}

/*
 * --join-cgroup: ourselves (and so the command, and the child it may run
 * in) into the target's cgroup, before any namespace is joined; then
 * checked from the kernel's view of us, in our own cgroup namespace.
 */
int join_cgroup(const struct enter *e)
{
	char buf[32], self[sizeof(e->cgroup_line) + 1024], *p;
	size_t want = strlen(e->cgroup_line);
	int fd, len, found = 0;
	ssize_t n;

	if (e->cgroup_fd < 0)
		return 0;
	len = snprintf(buf, sizeof(buf), "%d", (int)getpid());
	if (write(e->cgroup_fd, buf, (size_t)len) != len)
		return -errno;
	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, self, sizeof(self) - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	for (p = self; *p; p += strcspn(p, "\n"), p += *p == '\n')
		if (!strncmp(p, "0::", 3))
			found += strcspn(p, "\n") == want && !strncmp(p, e->cgroup_line, want) ? 1 : 2;
	return found == 1 ? 0 : -EXDEV;
}

/* ------------------------------------------------------ command lookup */

static const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* The ELF interpreter (dynamic loader) named in the file on fd, or "". */
static int elf_interp(int fd, char *buf, size_t len)
{
	Elf64_Ehdr eh;
	Elf32_Ehdr eh32;
	unsigned char ident[EI_NIDENT];
	uint64_t off, n;
	size_t phsz;

	*buf = '\0';
	if (pread(fd, ident, sizeof(ident), 0) != (ssize_t)sizeof(ident))
		return 0;
	if (ident[EI_CLASS] == ELFCLASS64) {
		if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
			return 0;
		off = eh.e_phoff, n = eh.e_phnum, phsz = sizeof(Elf64_Phdr);
	} else {
		if (pread(fd, &eh32, sizeof(eh32), 0) != (ssize_t)sizeof(eh32))
			return 0;
		off = eh32.e_phoff, n = eh32.e_phnum, phsz = sizeof(Elf32_Phdr);
	}
	for (uint64_t i = 0; i < n && i < 256; i++) {
		Elf64_Phdr ph;
		Elf32_Phdr ph32;
		uint64_t ioff, isz;

		if (phsz == sizeof(ph)) {
			if (pread(fd, &ph, phsz, (off_t)(off + i * phsz)) != (ssize_t)phsz)
				return 0;
			if (ph.p_type != PT_INTERP)
				continue;
			ioff = ph.p_offset, isz = ph.p_filesz;
		} else {
			if (pread(fd, &ph32, phsz, (off_t)(off + i * phsz)) != (ssize_t)phsz)
				return 0;
			if (ph32.p_type != PT_INTERP)
				continue;
			ioff = ph32.p_offset, isz = ph32.p_filesz;
		}
		if (isz == 0 || isz >= len || pread(fd, buf, isz, (off_t)ioff) != (ssize_t)isz)
			return -ENOEXEC;
		buf[isz] = '\0';
		return *buf ? 0 : -ENOEXEC;
	}
	return 0;
}

/* The interpreter a file needs, from its first bytes: "#!" or ELF's. */
static int interpreter_of(const char *path, char *interp, size_t len)
{
	char head[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int r = 0;

	*interp = '\0';
	if (fd < 0)
		return 0; /* execute-only: the kernel reads it, we cannot */
	n = pread(fd, head, sizeof(head) - 1, 0);
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		char *p = head + 2, *end;

		head[n] = '\0';
		p += strspn(p, " \t");
		end = p + strcspn(p, " \t\n");
		*end = '\0';
		if ((size_t)(end - p) < len)
			snprintf(interp, len, "%s", p);
	} else if (n >= 4 && !memcmp(head, ELFMAG, SELFMAG)) {
		r = elf_interp(fd, interp, len);
	} else if (n >= 0) {
		r = -ENOEXEC;
	}
	close(fd);
	return r;
}

/* What execve(path) would say of the file, short of running it. */
static int check_exec(const char *path, int depth)
{
	char interp[PATH_MAX];
	struct stat st;
	int r;

	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return -errno;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	r = interpreter_of(path, interp, sizeof(interp));
	if (r < 0 || !*interp || depth > 0)
		return r;
	/* a missing interpreter makes execve fail with ENOENT, as the command */
	r = check_exec(interp, depth + 1);
	return r == -ENOEXEC ? 0 : r;
}

/*
 * Find the command as execvp() would, with the PATH of the environment the
 * command gets, in the root and working directory it sees. The run execs
 * what this finds; --explain's trial stops here: one lookup for both.
 */
static int resolve_command(const struct enter *e, const char *name, char *out, size_t len)
{
	const char *path = env_get(e->env ? e->env : environ, "PATH");
	bool denied = false;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return check_exec(name, 0);
	}
	if (!path)
		path = "/bin:/usr/bin"; /* glibc's default, as execvp() */
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");
		int r;

		if ((size_t)snprintf(out, len, "%.*s%s%s", (int)n, n ? p : ".", "/", name) >= len)
			return -ENAMETOOLONG;
		r = check_exec(out, 0);
		if (r == 0)
			return 0;
		if (r == -EACCES)
			denied = true;
		else if (r != -ENOENT && r != -ENOTDIR && r != -ESTALE && r != -ENODEV &&
			 r != -ETIMEDOUT)
			return r;
		p += n;
		if (!*p)
			break;
	}
	return denied ? -EACCES : -ENOENT;
}

/* --explain's trial: where the command would stand, for the plan. */
static void report_dry(const struct enter *e)
{
	char cwd[PATH_MAX];
	struct stat st;

	printf("root %s\n", !e->troot_known || stat("/", &st) < 0 ? "unknown" :
	       st.st_dev == e->troot_dev && st.st_ino == e->troot_ino ? "target" : "other");
	printf("wd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "(unreachable)");
	printf("cred %u %u\n", (unsigned)getuid(), (unsigned)getgid());
	printf("ambient %llx\n", (unsigned long long)ambient_caps());
	fflush(stdout);
}

static void __attribute__((noreturn)) exec_command(const struct enter *e)
{
	const char *shell = getenv("SHELL");
	char *defargv[] = { (char *)(shell && *shell ? shell : "/bin/sh"), NULL };
	char **argv = e->o.argv[0] ? e->o.argv : defargv;
	char path[PATH_MAX];
	int r;

	change_root_and_wd(e);
	set_credentials(e);
	keep_caps(e);
	if (e->o.dry)
		report_dry(e);
	r = resolve_command(e, argv[0], path, sizeof(path));
	if (r == -ENOENT)
		die_inside(EXIT_NOTFOUND, "%s: command not found", argv[0]);
	if (r < 0)
		die_inside(EXIT_NOEXEC, "%s: %s", argv[0], strerror(-r));
	if (e->o.dry) {
		printf("exec %s\n", path);
		fflush(stdout);
		_exit(ferror(stdout) ? EXIT_OWN : EXIT_SUCCESS);
	}
	execve(path, argv, e->env ? e->env : environ);
	if (errno == ENOENT)
		die_inside(EXIT_NOTFOUND, "%s: command not found", argv[0]);
	die_inside(EXIT_NOEXEC, "%s: %s", argv[0], strerror(errno));
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

static void __attribute__((noreturn)) run_command(struct enter *e)
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

/* The reason in "cannot join X (reason)": a vanished target by its pid. */
static void why_failed(const struct enter *e, int err, char *why, size_t len)
{
	if (err == -ESRCH && e->pid)
		snprintf(why, len, "pid %d exited", (int)e->pid);
	else
		snprintf(why, len, "%s", errno_reason(err));
}

/* Namespaces that cannot be joined, all said in one line: nothing is run. */
static void fail_slots(const struct enter *e)
{
	char line[2 * PATH_MAX], what[PATH_MAX + 64], why[256];
	size_t n = 0;

	for (int i = 0; i < NSINFO_NTYPES; i++) {
		int t = join_order[i];
		const struct ns_slot *s = &e->ns[t];

		if (s->action != ACT_FAIL)
			continue;
		slot_describe(e, t, what, sizeof(what));
		why_failed(e, s->err, why, sizeof(why));
		if (n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s (%s)",
					      n ? "; also " : "", what, why);
	}
	if (n) {
		nst_warn("cannot join %s", line);
		exit(EXIT_OWN);
	}
}

/* The test build (build/tests/nsenter-lite) links a definition that
 * stops here, so a test can make the target exit between resolving and
 * joining; the shipped binary has none (the weak reference is NULL). */
extern void nsl_test_before_join(void) __attribute__((weak));

/* The reason one slot was refused with err. */
static void slot_why(const struct enter *e, int t, int err, char *why, size_t len)
{
	/* EPERM alone says little: the capability and user namespace, as
	 * worded before joining */
	if (err == -EPERM && e->ns[t].why[0])
		snprintf(why, len, "%s", e->ns[t].why);
	else
		why_failed(e, err, why, len);
}

static void join_or_die(struct enter *e)
{
	char line[2 * PATH_MAX], what[PATH_MAX + 64], why[256], names[128] = "";
	unsigned failed = 0;
	bool grouped = true;
	int n = 0, r;
	size_t len = 0;

	r = enter_join(e, &failed);
	if (r == 0)
		return;
	if (e->o.dry)
		printf("failed %u %d\n", failed, r);
	fflush(stdout);
	for (int i = 0; i < NSINFO_NTYPES; i++) {
		int t = join_order[i];

		if (!(failed & (1u << t)))
			continue;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 n ? ", " : "", nsinfo_type_name(t));
		grouped &= e->ns[t].want == WANT_TARGET && (r != -EPERM || !e->ns[t].why[0]);
		slot_describe(e, t, what, sizeof(what));
		slot_why(e, t, r, why, sizeof(why));
		if (len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s (%s)",
						n ? "; also " : "", what, why);
		n++;
	}
	if (n > 1 && grouped) {
		why_failed(e, r, why, sizeof(why));
		nst_warn("cannot join %s namespaces of %s (%s)", names, e->label, why);
	} else if (n >= 1) {
		nst_warn("cannot join %s", line);
	} else {
		why_failed(e, r, why, sizeof(why));
		nst_warn("cannot join the namespaces asked for (%s)", why);
	}
	/* some namespaces may be joined already, the pid one among them:
	 * nothing may run at exit from here, not even a sanitizer's fork */
	_exit(EXIT_OWN);
}

void enter_and_run(struct enter *e)
{
	int r;

	/* --explain's trial holds what the run holds: nothing in a joined
	 * namespace may ptrace it before it exits */
	if (e->o.dry)
		(void)prctl(PR_SET_DUMPABLE, 0);
	fail_slots(e);
	if (!e->o.dry && nsl_test_before_join)
		nsl_test_before_join();
	if ((r = join_cgroup(e)) < 0) {
		char cg[sizeof(e->cgroup_line)];

		snprintf(cg, sizeof(cg), "%s", e->cgroup_line + 3);
		die_inside(EXIT_OWN, "cannot join cgroup %s of %s (%s)", nst_esc(cg), e->label,
			   r == -EXDEV ? "after the move we are in another cgroup: it changed meanwhile" :
			   errno_reason(r));
	}
	join_or_die(e);
	run_command(e);
}

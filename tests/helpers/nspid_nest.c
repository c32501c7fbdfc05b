/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nspid_nest - nested and sibling pid namespaces with known pids, the
 * ground truth of the nspid tests.
 *
 *   nspid_nest OUTFILE
 *
 * Builds, from the caller's pid namespace (level 0):
 *
 *   ns1  (init "a1")                 level 1
 *    +- ns2 (init "a2", 20 in ns1)   level 2
 *    |   +- ns3 (init "a3", 30/31)   level 3: "app" 7, "thr" 9 with 2 threads
 *    +- ns2b (init "b2", 60 in ns1)  level 2, sibling of ns2
 *   ns1b (init "b1")                 level 1, sibling of ns1: "sib" 7
 *
 * Every process is made with clone3() and set_tid, so the kernel guarantees
 * its pid at every inner level. Its pid at level 0 comes from
 * SCM_CREDENTIALS: each process (and each thread, with its tid) sends its
 * own id, which the kernel translates into the receiver's pid namespace; for
 * the two top inits it must equal clone3's return value. Thread ids at the
 * innermost level come from the threads (gettid). Namespace inodes and ids
 * come from PIDFD_GET_PID_NAMESPACE on pidfds. Nothing is read from /proc.
 * Each init also has a uts namespace, its hostname set to its name.
 *
 * OUTFILE (written once everything is up, by rename):
 *   ns NAME INITPID INODE NSID
 *   proc NAME PID0 PID1 ... PIDn        (pid at each level, outermost first)
 *   thread NAME TID0 TIDn TGID0         (level 0 and innermost)
 * SIGTERM/SIGINT or the death of the caller tears everything down.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat.h"

#define NTHREADS 2

struct node {
	const char *name;
	const char *parent;     /* namespace to create it in (an init's name), NULL = ours */
	int newns;              /* init of a new pid namespace below parent */
	pid_t tids[4];          /* pids below level 0, innermost first (set_tid) */
	int ntids;
	int threads;            /* runs threads that report themselves */
	pid_t pid;              /* at level 0 */
};

static struct node nodes[] = {
	{ "a1",  NULL, 1, { 1 }, 1, 0, 0 },
	{ "a2",  "a1", 1, { 1, 20 }, 2, 0, 0 },
	{ "a3",  "a2", 1, { 1, 30, 31 }, 3, 0, 0 },
	{ "app", "a3", 0, { 7, 40, 41 }, 3, 0, 0 },
	{ "b2",  "a1", 1, { 1, 60 }, 2, 0, 0 },
	{ "b1",  NULL, 1, { 1 }, 1, 0, 0 },
	{ "sib", "b1", 0, { 7 }, 1, 0, 0 },
	/* last: its threads take kernel-chosen pids */
	{ "thr", "a3", 0, { 9, 50, 51 }, 3, NTHREADS, 0 },
};
#define NNODES (sizeof(nodes) / sizeof(nodes[0]))

static int report_fd = -1; /* everyone sends its credentials here */

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static struct node *find(const char *name)
{
	for (size_t i = 0; i < NNODES; i++)
		if (!strcmp(nodes[i].name, name))
			return &nodes[i];
	return NULL;
}

/* Tell level 0 who we are: the id in the credentials is translated by the
 * kernel into the receiver's pid namespace; the payload keeps ours. */
static void send_self(const char *kind, const char *name, pid_t id)
{
	char payload[64];
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { payload, 0 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	struct ucred cred = { .pid = id, .uid = getuid(), .gid = getgid() };

	iov.iov_len = (size_t)snprintf(payload, sizeof(payload), "%s %s %d", kind, name,
				       (int)id) + 1;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	if (sendmsg(report_fd, &msg, 0) < 0)
		die("sendmsg");
}

static void *thread_main(void *arg)
{
	send_self("thread", arg, (pid_t)syscall(SYS_gettid));
	for (;;)
		pause();
	return NULL;
}

static pid_t spawn(struct node *n);

/* An init makes the processes of its namespace: CLONE_NEWPID only works
 * from inside the parent namespace, not through setns(). */
static void child_main(struct node *n)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, n->name);
	if (n->newns && sethostname(n->name, strlen(n->name)) < 0)
		die("sethostname");
	for (size_t i = 0; n->newns && i < NNODES; i++)
		if (nodes[i].parent && !strcmp(nodes[i].parent, n->name))
			spawn(&nodes[i]);
	send_self("proc", n->name, getpid());
	for (int i = 0; i < n->threads; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, (void *)n->name))
			_exit(1);
	}
	for (;;)
		pause();
}

/* clone3 with set_tid: the kernel gives exactly these pids or fails. */
static pid_t spawn(struct node *n)
{
	struct clone_args args = {
		.flags = n->newns ? CLONE_NEWPID | CLONE_NEWUTS : 0,
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)n->tids,
		.set_tid_size = (uint64_t)n->ntids,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0)
		die(n->name);
	if (pid == 0)
		child_main(n);
	return pid;
}

static void write_ns(FILE *f, const struct node *n)
{
	int pidfd = (int)syscall(SYS_pidfd_open, n->pid, 0);
	int fd = pidfd < 0 ? -1 : ioctl(pidfd, PIDFD_GET_PID_NAMESPACE, 0);
	unsigned long long id = 0;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		die("PIDFD_GET_PID_NAMESPACE");
	(void)ioctl(fd, NS_GET_ID, &id);
	fprintf(f, "ns %s %d %llu %llu\n", n->name, (int)n->pid,
		(unsigned long long)st.st_ino, id);
	close(fd);
	close(pidfd);
}

static void write_proc(FILE *f, const struct node *n)
{
	fprintf(f, "proc %s %d", n->name, (int)n->pid);
	for (int i = n->ntids - 1; i >= 0; i--)
		fprintf(f, " %d", (int)n->tids[i]);
	fputc('\n', f);
}

/* One report: a process's pid at level 0, or a thread's line
 * "thread NAME TID0 TIDn TGID0". */
static void read_report(FILE *f, int fd)
{
	char payload[64], kind[8], name[16];
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { payload, sizeof(payload) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct ucred cred;
	struct node *n;
	int inner;
	ssize_t r = recvmsg(fd, &msg, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	if (r <= 0 || !cm || cm->cmsg_type != SCM_CREDENTIALS)
		die("recvmsg");
	payload[r] = 0;
	memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
	if (sscanf(payload, "%7s %15s %d", kind, name, &inner) != 3 || !(n = find(name)))
		die("report");
	if (!strcmp(kind, "thread"))
		fprintf(f, "thread %s %d %d %d\n", name, (int)cred.pid, inner, (int)n->pid);
	else if (n->pid && n->pid != cred.pid)
		die("clone3 and SCM_CREDENTIALS disagree");
	else
		n->pid = cred.pid;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	char tmp[4096];
	int sv[2], on = 1;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: nspid_nest OUTFILE\n");
		return 2;
	}
	/* No PR_SET_PDEATHSIG here: started by bg_start, the parent is a
	 * subshell that exits at once, and whether its death signals us
	 * would depend on who runs first. Whoever starts the helper sets
	 * it (it is kept across execve) or kills the helper itself. */
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0)
		die("socketpair");
	report_fd = sv[1];
	for (size_t i = 0; i < NNODES; i++)
		if (!nodes[i].parent)
			nodes[i].pid = spawn(&nodes[i]);

	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	f = fopen(tmp, "we");
	if (!f)
		die(tmp);
	/* every process, then every thread, reports once */
	for (size_t i = 0; i < NNODES + NTHREADS; i++)
		read_report(f, sv[0]);
	for (size_t i = 0; i < NNODES; i++) {
		if (nodes[i].newns)
			write_ns(f, &nodes[i]);
		write_proc(f, &nodes[i]);
	}
	if (fclose(f) || rename(tmp, argv[1]))
		die(argv[1]);

	while (!stop)
		pause();
	for (size_t i = 0; i < NNODES; i++)
		kill(nodes[i].pid, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

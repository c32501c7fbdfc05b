/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsenter-lite: options, messages and the order of the run. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "nsenter-lite.h"
#include "options.h"
#include "parse.h"

/* Type options: the letters and long names util-linux nsenter uses. */
static const struct { int opt; const char *name; int type; } type_opts[] = {
	{ 'm', "mount",  NSINFO_MNT },
	{ 'u', "uts",    NSINFO_UTS },
	{ 'i', "ipc",    NSINFO_IPC },
	{ 'n', "net",    NSINFO_NET },
	{ 'p', "pid",    NSINFO_PID },
	{ 'U', "user",   NSINFO_USER },
	{ 'C', "cgroup", NSINFO_CGROUP },
	{ 'T', "time",   NSINFO_TIME },
};
#define NTYPE_OPTS (sizeof(type_opts) / sizeof(type_opts[0]))

enum { OPT_MOUNT_PROC = 0x100, OPT_PRESERVE, OPT_EXPLAIN, OPT_NET_SOCKET, OPT_KEEPCAPS };

static void __attribute__((noreturn)) usage(void)
{
	printf("Usage:\n"
	       " " PROG " [options] [--] [command [argument...]]\n"
	       "\nRun a command inside the namespaces of a process, a container or namespace files.\n"
	       "\nTargets:\n"
	       " -t, --target PID|CONTAINER   process whose namespaces to enter\n"
	       " -N, --pidns REF              PID is as seen inside this pid namespace\n"
	       "\nNamespaces (of the target, or of FILE: a path or any nspid REF):\n");
	for (size_t i = 0; i < NTYPE_OPTS; i++)
		printf(" -%c, --%s[=FILE]%*s enter the %s namespace\n", type_opts[i].opt,
		       type_opts[i].name, (int)(15 - strlen(type_opts[i].name)), "",
		       nsinfo_type_name(type_opts[i].type));
	printf("     --net-socket FD          enter the net namespace of the target's socket FD\n"
	       "                              (needs -t; util-linux nsenter's -N, which is --pidns here)\n"
	       " -a, --all                    every namespace of the target that differs from ours\n"
	       "                              (the default with -t and no type)\n"
	       "\nA FILE is given as --net=FILE or -nFILE: with a space (--net FILE, -n FILE)\n"
	       "FILE is not the option's but the command to run, as with nsenter.\n"
	       "\nInside:\n"
	       " -r, --root                   use the target's root directory\n"
	       " -w, --wd                     use the target's working directory\n"
	       "     --mount-proc             with -m and -p: mount a private /proc of the target's\n"
	       "                              pid namespace, so ps shows the target's processes\n"
	       " -e, --env                    use the target's environment\n"
	       " -c, --join-cgroup            move into the target's cgroup (cgroup v2 only)\n"
	       " -S, --setuid UID             run as UID\n"
	       " -G, --setgid GID             run as GID\n"
	       "     --preserve-credentials   keep our uid/gid when entering a user namespace\n"
	       "                              (the default there is 0/0)\n"
	       "     --keep-caps              keep the capabilities gained in the user namespace\n"
	       "                              joined across exec (as ambient capabilities)\n"
	       "\n"
	       "     --explain                run nothing: try the run up to exec in a child and\n"
	       "                              show what was joined, the root, the command found\n"
	       "                              and why a run would fail (the columns below)\n"
	       "     --color[=WHEN]           accepted as by every nstools tool (auto, always,\n"
	       "                              never); " PROG " prints no colour\n"
	       " -h, --help                   display this help\n"
	       " -V, --version                display version\n"
	       "\nThe command defaults to $SHELL, else /bin/sh. It is looked up with the PATH of its\n"
	       "environment (ours, the target's with -e) in the root it will see, as its user.\n"
	       "Every namespace named is joined, or nothing runs.\n"
	       "Exit status: the command's, 128+N when killed by signal N, 2 for bad usage,\n"
	       "125 when " PROG " fails, 126 when the command cannot be run, 127 when it is\n"
	       "not found.\n");
	/* the columns of --explain, the only table nsenter-lite prints */
	explain_help_columns(stdout);
	printf("\nFor more details see " PROG "(1).\n");
	exit(EXIT_SUCCESS);
}

static int type_of_opt(int c)
{
	for (size_t i = 0; i < NTYPE_OPTS; i++)
		if (type_opts[i].opt == c)
			return type_opts[i].type;
	return -1;
}

static unsigned long parse_id(const char *s, const char *what)
{
	unsigned long v;

	/* (uid_t)-1 and (gid_t)-1 mean "unchanged" to the kernel */
	if (nst_parse_ulong(s, UINT_MAX - 1, &v))
		nst_usage_error(NST_EXIT_USAGE, "invalid %s '%s': not a number", what, s);
	return v;
}

static void parse_args(struct enter *e, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target",  required_argument, NULL, 't' },
		{ "pidns",   required_argument, NULL, 'N' },
		{ "mount",   optional_argument, NULL, 'm' },
		{ "uts",     optional_argument, NULL, 'u' },
		{ "ipc",     optional_argument, NULL, 'i' },
		{ "net",     optional_argument, NULL, 'n' },
		{ "pid",     optional_argument, NULL, 'p' },
		{ "user",    optional_argument, NULL, 'U' },
		{ "cgroup",  optional_argument, NULL, 'C' },
		{ "time",    optional_argument, NULL, 'T' },
		{ "all",     no_argument,       NULL, 'a' },
		{ "root",    no_argument,       NULL, 'r' },
		{ "wd",      no_argument,       NULL, 'w' },
		{ "env",     no_argument,       NULL, 'e' },
		{ "join-cgroup", no_argument,   NULL, 'c' },
		{ "net-socket", required_argument, NULL, OPT_NET_SOCKET },
		{ "keep-caps", no_argument,     NULL, OPT_KEEPCAPS },
		{ "setuid",  required_argument, NULL, 'S' },
		{ "setgid",  required_argument, NULL, 'G' },
		{ "mount-proc", no_argument,    NULL, OPT_MOUNT_PROC },
		{ "preserve-credentials", no_argument, NULL, OPT_PRESERVE },
		{ "explain", no_argument,       NULL, OPT_EXPLAIN },
		NST_COLOR_LONGOPT,
		NST_STD_LONGOPTS,
	};
	struct opts *o = &e->o;
	int c, t;

	/* '+': options stop at the command, whose own options are its own;
	 * ':': the messages are ours, named after the tool, not argv[0] */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:t:N:m::u::i::n::p::U::C::T::arwecS:G:" NST_STD_SHORTOPTS,
				longopts, NULL)) != -1) {
		switch (c) {
		case 't': o->target = optarg; break;
		case 'N': o->pidns = optarg; break;
		case 'a': o->all = true; break;
		case 'r': o->root = true; break;
		case 'w': o->wd = true; break;
		case 'e': o->env = true; break;
		case 'c': o->join_cgroup = true; break;
		case OPT_KEEPCAPS: o->keep_caps = true; break;
		case NST_OPT_COLOR: nst_color_option(optarg, NST_EXIT_USAGE); break;
		case OPT_NET_SOCKET:
			o->net_socket = (int)parse_id(optarg, "socket fd");
			if (o->net_socket > INT_MAX / 2)
				nst_usage_error(EXIT_OWN, "invalid socket fd '%s'", optarg);
			break;
		case 'S': o->uid = (uid_t)parse_id(optarg, "uid"); o->set_uid = true; break;
		case 'G': o->gid = (gid_t)parse_id(optarg, "gid"); o->set_gid = true; break;
		case OPT_MOUNT_PROC: o->mount_proc = true; break;
		case OPT_PRESERVE: o->preserve_cred = true; break;
		case OPT_EXPLAIN: o->explain = true; break;
		default:
			nst_std_option(c, argv, usage, NST_EXIT_USAGE);
			t = type_of_opt(c);
			if (optarg && !*optarg)
				nst_usage_error(NST_EXIT_USAGE, "--%s=: empty namespace file", nsinfo_type_name(t));
			e->ns[t].want = optarg ? WANT_FILE : WANT_TARGET;
			e->ns[t].file = optarg;
		}
	}
	o->argv = argv + optind;
}

static void check_args(struct enter *e)
{
	const struct opts *o = &e->o;
	bool any_type = o->all, from_target = o->all;

	for (int t = 0; t < NSINFO_NTYPES; t++) {
		any_type |= e->ns[t].want != WANT_NO;
		from_target |= e->ns[t].want == WANT_TARGET;
	}
	if (o->pidns && !o->target)
		nst_usage_error(NST_EXIT_USAGE, "--pidns needs --target: the PID to look up in it");
	if (!o->target && (o->root || o->wd || o->env))
		nst_usage_error(NST_EXIT_USAGE, "--root, --wd and --env need --target");
	if (!o->target && (o->join_cgroup || o->net_socket >= 0))
		nst_usage_error(NST_EXIT_USAGE, "--join-cgroup and --net-socket need --target");
	if (o->net_socket >= 0) {
		/* the socket's namespace replaces -n's, as in nsenter */
		e->ns[NSINFO_NET].want = WANT_SOCKET;
		e->ns[NSINFO_NET].file = NULL;
		any_type = true;
	}
	if (!o->target && from_target)
		nst_usage_error(NST_EXIT_USAGE, "no target: use -t PID, or name a file as in --net=/run/netns/NAME");
	if (!o->target && !any_type)
		nst_usage_error(NST_EXIT_USAGE, "nothing to enter: use -t PID, or namespace files such as --net=FILE");
	if (o->target && !any_type)
		e->o.all = true;
}

/*
 * Installed set-user-ID, nsenter-lite would let anyone enter any namespace
 * with the owner's privileges, and read paths and environment for them:
 * it refuses before reading a single option.
 */
static void refuse_setuid(void)
{
	if (!getauxval(AT_SECURE) && getuid() == geteuid() && getgid() == getegid())
		return;
	nst_warn("refusing to run set-user-ID or set-group-ID (uid %d, euid %d, gid %d, "
		 "egid %d): run it as the user it should act as", (int)getuid(), (int)geteuid(),
		 (int)getgid(), (int)getegid());
	/* no exit handlers with privileges we were not meant to have */
	_exit(EXIT_OWN);
}

int main(int argc, char **argv)
{
	struct enter e;
	int ret;

	refuse_setuid();
	enter_init(&e);
	/* stdout carries --explain and --help only; a full disk there must
	 * not pass silently */
	nst_close_stdout_at_exit(EXIT_OWN);
	parse_args(&e, argc, argv);
	check_args(&e);
	enter_prepare(&e);
	if (e.o.explain) {
		ret = explain(&e);
		enter_cleanup(&e);
		return ret;
	}
	enter_and_run(&e);
}

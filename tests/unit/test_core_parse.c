/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnsinfo parsers: status files, ns links, type names, pids. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define BAIL_VOID(...) do { ok(0, __VA_ARGS__); return; } while (0)

/* Tests run from the source tree (tests/run.sh cds there). */
static int load(const char *name, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "tests/fixtures/status/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

static void test_status_real(void)
{
	char buf[8192];
	struct nsinfo__status st = { 0 };

	if (load("nested.txt", buf, sizeof(buf)))
		BAIL_VOID("nested.txt readable");
	is(nsinfo__parse_status(buf, &st), 0, "nested: parses");
	is_str(st.comm, "cat", "nested: Name");
	is(st.state, 'R', "nested: State");
	is(st.pid, 18319, "nested: Pid");
	is(st.tgid, 18319, "nested: Tgid (not confused with NStgid)");
	is(st.ppid, 18318, "nested: PPid (not confused with Pid)");
	is(st.uid, 65534, "nested: effective Uid");
	is(st.threads, 1, "nested: Threads");
	is(st.nspid_len, 3, "nested: NSpid has three levels");
	is(st.nspid[0], 18319, "nested: NSpid outermost first");
	is(st.nspid[1], 6, "nested: NSpid middle");
	is(st.nspid[2], 4, "nested: NSpid innermost last");

	memset(&st, 0, sizeof(st));
	if (load("kthread.txt", buf, sizeof(buf)))
		BAIL_VOID("kthread.txt readable");
	is(nsinfo__parse_status(buf, &st), 0, "kthread: parses");
	is_str(st.comm, "kthreadd", "kthread: Name");
	is(st.ppid, 0, "kthread: PPid 0");
	is(st.nspid_len, 1, "kthread: one NSpid level");
}

static void test_status_broken(void)
{
	char buf[8192];
	struct nsinfo__status st = { 0 };

	if (load("malformed-noname.txt", buf, sizeof(buf)) ||
	    load("malformed-overflow.txt", buf + 4096, 4096))
		BAIL_VOID("malformed fixtures readable");
	is(nsinfo__parse_status(buf, &st), -EINVAL, "no Name: is not a status file");
	is(nsinfo__parse_status("", &st), -EINVAL, "empty text is not a status file");

	memset(&st, 0, sizeof(st));
	is(nsinfo__parse_status(buf + 4096, &st), 0, "overflowing numbers still parse");
	is(st.tgid, INT_MAX, "overflowing Tgid saturates");
	is(st.pid, -INT_MAX, "overflowing negative Pid saturates");
	is(st.ppid, 0, "non-numeric PPid reads as 0");
	is(st.nspid_len, 3, "NSpid stops at the first non-number");
	is(st.nspid[1], INT_MAX, "overflowing NSpid level saturates");

	memset(&st, 0, sizeof(st));
	if (load("truncated.txt", buf, sizeof(buf)))
		BAIL_VOID("truncated.txt readable");
	is(nsinfo__parse_status(buf, &st), 0, "truncated (no final newline) parses");
	is(st.state, 'Z', "truncated: State");
	is(st.uid, 1001, "truncated: effective uid from the last line");
	is(st.nspid_len, 0, "truncated: no NSpid line");

	memset(&st, 0, sizeof(st));
	if (load("nspid-deep.txt", buf, sizeof(buf)))
		BAIL_VOID("nspid-deep.txt readable");
	is(nsinfo__parse_status(buf, &st), 0, "over-long NSpid parses");
	is(st.nspid_len, NSINFO__MAX_LEVELS, "NSpid is bounded, no overflow");
	is(st.nspid[NSINFO__MAX_LEVELS - 1], 100 + NSINFO__MAX_LEVELS - 1, "last kept level");
}

static void test_ns_links(void)
{
	static const struct {
		const char *text, *name;
		int ret;
		uint64_t ino;
	} cases[] = {
		{ "net:[4026531840]", "net", 0, 4026531840ULL },
		{ "net:[4026531840]", NULL, 0, 4026531840ULL },
		{ "pid:[4026532300]", "pid", 0, 4026532300ULL },
		{ "net:[4026531840]", "pid", -EINVAL, 0 },
		{ "netx:[1]", "net", -EINVAL, 0 },
		{ "ne:[1]", "net", -EINVAL, 0 },
		{ "net[1]", "net", -EINVAL, 0 },
		{ "net:[]", "net", -EINVAL, 0 },
		{ "net:[0]", "net", -EINVAL, 0 },
		{ "net:[-1]", "net", -EINVAL, 0 },
		{ "net:[ 5]", "net", -EINVAL, 0 },
		{ "net:[12x]", "net", -EINVAL, 0 },
		{ "net:[123]x", "net", -EINVAL, 0 },
		{ "net:[123", "net", -EINVAL, 0 },
		{ "net:4026531840", "net", -EINVAL, 0 },
		{ "net:[99999999999999999999999]", "net", -EINVAL, 0 },
		{ "", NULL, -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t ino = 7;
		int r = nsinfo__parse_ns_link(cases[i].text, cases[i].name, &ino);

		is(r, cases[i].ret, "link '%s' as %s: %d", cases[i].text,
		   cases[i].name ? cases[i].name : "any", cases[i].ret);
		is(ino, cases[i].ret ? 7 : cases[i].ino,
		   "link '%s': inode written only on success", cases[i].text);
	}
}

static void test_types(void)
{
	for (int t = 0; t < NSINFO_NTYPES; t++) {
		is(nsinfo_type_from_name(nsinfo_type_name(t)), t, "type %s round-trips by name",
		   nsinfo_type_name(t));
		is(nsinfo_type_from_clone_flag(nsinfo_type_clone_flag(t)), t,
		   "type %s round-trips by CLONE_ flag", nsinfo_type_name(t));
	}
	is(nsinfo_type_from_name("mount"), NSINFO_MNT, "lsns alias mount");
	is(nsinfo_type_from_name("NETWORK"), NSINFO_NET, "lsns alias network, any case");
	is(nsinfo_type_from_name("bogus"), -EINVAL, "unknown type name");
	is(nsinfo_type_from_name(NULL), -EINVAL, "NULL type name");
	ok(nsinfo_type_name(NSINFO_NTYPES) == NULL, "no name past the table");
	is(nsinfo_type_from_clone_flag(CLONE_NEWPID | CLONE_NEWNET), -EINVAL,
	   "two flags are not one type");
}

static void test_pids(void)
{
	static const struct { const char *s; int ret; pid_t pid; } cases[] = {
		{ "1", 0, 1 }, { "2147483647", 0, INT_MAX }, { "0", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { "12a", -EINVAL, 0 }, { "", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 }, { "2147483648", -ERANGE, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid_t pid = -7;

		is(nsinfo_parse_pid(cases[i].s, &pid), cases[i].ret, "pid '%s'", cases[i].s);
		is(pid, cases[i].ret ? -7 : cases[i].pid, "pid '%s' value", cases[i].s);
	}
}

int main(void)
{
	test_status_real();
	test_status_broken();
	test_ns_links();
	test_types();
	test_pids();
	return tap_done();
}

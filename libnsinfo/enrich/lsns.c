/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What lsns(8) shows about a namespace and the snapshot does not keep:
 * a path it can be opened by, and a network namespace's id as the caller's
 * network namespace knows it (RTM_GETNSID, the id "ip link" prints as
 * link-netnsid). Asked on demand: one netlink round trip per net namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "enrich/holders.h"

NSINFO_EXPORT int nsinfo_ns_path(const struct nsinfo_snapshot *s, int idx, char *buf, size_t len)
{
	const struct nsinfo_ns *n;
	char rel[PATH_MAX];
	int self_mnt;

	if (!s || idx < 0 || (size_t)idx >= s->nns || !buf || !len)
		return -EINVAL;
	n = &s->ns[idx];
	/* no process in it: a bind mount the caller sees is the path lsns
	 * users know ("/run/netns/NAME") */
	self_mnt = nsinfo_snapshot_self_ns(s, NSINFO_MNT);
	if (!nsinfo_ns_lowest_proc(s, n) && self_mnt >= 0) {
		for (uint32_t i = 0; i < n->nholders; i++) {
			const struct nsinfo_holder *h = &n->holders[i];

			if (h->kind == NSINFO_HOLD_MOUNT && h->path &&
			    h->mntns == s->ns[self_mnt].ino)
				return snprintf(buf, len, "%s", h->path) < (int)len ? 0 : -ENAMETOOLONG;
		}
	}
	if (nsinfo__ns_path(s, idx, rel, sizeof(rel)) < 0)
		return -ENOENT;
	return snprintf(buf, len, "%s/%s", s->proc_root ? s->proc_root : "/proc", rel) < (int)len
		       ? 0 : -ENAMETOOLONG;
}

/* One RTM_GETNSID request for the namespace open on nsfd; the answer's
 * NETNSA_NSID (-1: not assigned). */
static int ask_nsid(int sk, int nsfd, int32_t *id)
{
	struct {
		struct nlmsghdr nh;
		struct rtgenmsg g;
		char pad[NLMSG_ALIGN(sizeof(struct rtgenmsg)) - sizeof(struct rtgenmsg)];
		struct rtattr a;
		int32_t fd;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETNSID,
			.nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.g = { .rtgen_family = AF_UNSPEC },
		.a = { .rta_len = RTA_LENGTH(sizeof(int32_t)), .rta_type = NETNSA_FD },
		.fd = nsfd,
	};
	char ans[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh = (struct nlmsghdr *)ans;
	ssize_t got;

	if (send(sk, &req, sizeof(req), 0) < 0)
		return -errno;
	do
		got = recv(sk, ans, sizeof(ans), 0);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	for (; NLMSG_OK(nh, (size_t)got); nh = NLMSG_NEXT(nh, got)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			return nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error ? e->error
										      : -EPROTO;
		}
		if (nh->nlmsg_type == RTM_NEWNSID) {
			int alen = (int)NLMSG_PAYLOAD(nh, sizeof(struct rtgenmsg));
			struct rtattr *a = (struct rtattr *)((char *)NLMSG_DATA(nh) +
							     NLMSG_ALIGN(sizeof(struct rtgenmsg)));

			for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
				if (a->rta_type == NETNSA_NSID &&
				    RTA_PAYLOAD(a) >= sizeof(int32_t)) {
					memcpy(id, RTA_DATA(a), sizeof(*id));
					if (*id < 0)
						*id = -1;
					return 0;
				}
			return -EPROTO;
		}
	}
	return -EPROTO;
}

NSINFO_EXPORT int nsinfo_ns_netnsid(const struct nsinfo_snapshot *s, int idx, int32_t *id)
{
	struct nsinfo_nsref ns;
	int sk, r;

	if (!s || idx < 0 || (size_t)idx >= s->nns || !id || s->ns[idx].type != NSINFO_NET)
		return -EINVAL;
	/* a loaded snapshot describes another moment (or host) */
	if (s->loaded)
		return -ENODEV;
	r = nsinfo_ns_open(s, &s->ns[idx], &ns);
	if (r < 0)
		return r;
	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	r = sk < 0 ? -errno : ask_nsid(sk, ns.fd, id);
	if (sk >= 0)
		close(sk);
	close(ns.fd);
	return r;
}

/* ------------------------------------------- user and time namespaces */

/* An unsigned decimal up to max at *p, past blanks; the end, or NULL. */
static const char *canon_num(const char *p, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	const char *s;

	while (*p == ' ' || *p == '\t')
		p++;
	for (s = p; *p >= '0' && *p <= '9'; p++) {
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > max || p - s > 20)
			return NULL;
	}
	*v = x;
	return p == s ? NULL : p;
}

/* Lines of numbers (after an optional word from words[] for offsets),
 * as the kernel writes /proc/PID/uid_map, gid_map and timens_offsets;
 * anything else (a line cut short, a stray byte) is refused whole. */
static int canon_lines(const char *in, char *out, size_t len, const char *const *words,
		       int nums, const int64_t *sign_ok)
{
	size_t n = 0;
	int lines = 0;

	if (!len)
		return -EINVAL;
	*out = '\0';
	while (*in) {
		const char *word = NULL;
		uint64_t v[3];
		bool neg = false;
		int w;

		if (words) {
			for (w = 0; words[w]; w++)
				if (!strncmp(in, words[w], strlen(words[w])) &&
				    (in[strlen(words[w])] == ' ' || in[strlen(words[w])] == '\t'))
					break;
			if (!words[w])
				return -EINVAL;
			word = words[w];
			in += strlen(word);
		}
		for (int i = 0; i < nums; i++) {
			while (*in == ' ' || *in == '\t')
				in++;
			neg = sign_ok && sign_ok[i] && *in == '-';
			in += neg;
			if (!(in = canon_num(in, neg ? (uint64_t)INT64_MAX : sign_ok ? INT64_MAX :
						 UINT32_MAX, &v[i])))
				return -EINVAL;
			if (neg)
				v[i] = (uint64_t)-(int64_t)v[i];
		}
		while (*in == ' ' || *in == '\t')
			in++;
		if (*in != '\n' && *in)
			return -EINVAL;
		in += *in == '\n';
		if (++lines > 400)
			return -EINVAL;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s%s", lines > 1 ? "," : "",
				      word ? word : "", word ? " " : "");
		for (int i = 0; i < nums; i++) {
			if (sign_ok)
				n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%" PRId64,
						      i ? " " : "", (int64_t)v[i]);
			else
				n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%" PRIu64,
						      i ? " " : "", v[i]);
		}
		if (n >= len)
			return -EINVAL;
	}
	return 0;
}

int nsinfo__canon_idmap(const char *in, char *out, size_t len)
{
	static const char comma[] = ",";
	char line[8192];
	size_t k = 0;

	/* "a b c,d e f" (the canonical form itself) is accepted too */
	if (strlen(in) >= sizeof(line))
		return -EINVAL;
	for (const char *p = in; *p; p++)
		line[k++] = *p == comma[0] ? '\n' : *p;
	line[k] = '\0';
	return canon_lines(line, out, len, NULL, 3, NULL);
}

int nsinfo__canon_offsets(const char *in, char *out, size_t len)
{
	static const char *const words[] = { "monotonic", "boottime", NULL };
	static const int64_t sign_ok[2] = { 1, 1 };
	char line[1024];
	size_t k = 0;

	if (strlen(in) >= sizeof(line))
		return -EINVAL;
	for (const char *p = in; *p; p++)
		line[k++] = *p == ',' ? '\n' : *p;
	line[k] = '\0';
	return canon_lines(line, out, len, words, 2, sign_ok);
}

/* One bounded read of a small /proc file of the process whose /proc dir
 * is pfd; a full buffer is a file longer than any the kernel writes. */
static int read_small(int pfd, const char *name, char *buf, size_t len)
{
	ssize_t n = nsinfo__read_at(pfd, name, buf, len);

	if (n < 0)
		return (int)n;
	return (size_t)n >= len - 1 ? -EFBIG : 0;
}

/* File name of the process at pfd in canonical form (canon) into *out,
 * kept in the snapshot; what cannot be read or is not canonical stays
 * unknown. 0 or -ENOMEM. */
static int read_canon(struct nsinfo_snapshot *s, int pfd, const char *name,
		      int (*canon)(const char *in, char *out, size_t len), const char **out)
{
	char buf[8192], text[8192];

	if (read_small(pfd, name, buf, sizeof(buf)) == 0 && canon(buf, text, sizeof(text)) == 0 &&
	    !(*out = nsinfo__strdup(s, text)))
		return -ENOMEM;
	return 0;
}

static int read_userns(struct nsinfo_snapshot *s, struct nsinfo_ns *n, int pfd)
{
	char buf[64];

	if (read_canon(s, pfd, "uid_map", nsinfo__canon_idmap, &n->uid_map) < 0 ||
	    read_canon(s, pfd, "gid_map", nsinfo__canon_idmap, &n->gid_map) < 0)
		return -ENOMEM;
	if (read_small(pfd, "setgroups", buf, sizeof(buf)) == 0)
		n->setgroups = !strcmp(buf, "allow\n") ? 1 : !strcmp(buf, "deny\n") ? 0 : -1;
	return 0;
}

static int read_timens(struct nsinfo_snapshot *s, struct nsinfo_ns *n, int pfd)
{
	return read_canon(s, pfd, "timens_offsets", nsinfo__canon_offsets, &n->time_offsets);
}

/*
 * Through the lowest process of each user and time namespace, as the
 * snapshot saw it (nsinfo__proc_open checks its start time: a pid reused
 * since is not read). The contents are the kernel's, but a namespace's
 * processes choose the maps: read bounded, and kept only in the canonical
 * form. What cannot be read stays unknown.
 */
int nsinfo__ns_extras_scan(struct nsinfo_snapshot *s)
{
	int procfd = -1, r = 0;

	for (size_t i = 0; i < s->nns && r == 0; i++) {
		struct nsinfo_ns *n = &s->ns[i];
		const struct nsinfo_proc *p;
		int pfd;

		if ((n->type != NSINFO_USER && n->type != NSINFO_TIME) || !n->nprocs)
			continue;
		p = &s->procs[n->procs[0]];
		if (procfd < 0 && (procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return 0;
		pfd = nsinfo__proc_open(s, procfd, p->pid);
		if (pfd < 0)
			continue;
		r = n->type == NSINFO_USER ? read_userns(s, n, pfd) : read_timens(s, n, pfd);
		close(pfd);
	}
	if (procfd >= 0)
		close(procfd);
	return r;
}

NSINFO_EXPORT int64_t nsinfo_idmap_inside(const char *map, uint32_t outside)
{
	const char *p = map;

	if (!map)
		return -1;
	while (*p) {
		uint64_t in, out, count;

		if (!(p = canon_num(p, UINT32_MAX, &in)) || !(p = canon_num(p, UINT32_MAX, &out)) ||
		    !(p = canon_num(p, UINT32_MAX, &count)))
			return -1;
		if (outside >= out && outside - out < count)
			return (int64_t)(in + (outside - out));
		p += *p == ',';
	}
	return 65534;
}

NSINFO_EXPORT void nsinfo_proc_ns_ids(const struct nsinfo_snapshot *s, const struct nsinfo_proc *p,
				      int64_t *uid, int64_t *gid)
{
	const struct nsinfo_ns *u;

	*uid = *gid = -1;
	if (!s || !p || p->ns[NSINFO_USER] < 0 || (size_t)p->ns[NSINFO_USER] >= s->nns)
		return;
	u = &s->ns[p->ns[NSINFO_USER]];
	if (p->uid != (uid_t)-1)
		*uid = nsinfo_idmap_inside(u->uid_map, p->uid);
	if (p->gid != (gid_t)-1)
		*gid = nsinfo_idmap_inside(u->gid_map, p->gid);
}

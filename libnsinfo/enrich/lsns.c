/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What lsns(8) shows about a namespace and the snapshot does not keep:
 * a path it can be opened by, and a network namespace's id as the caller's
 * network namespace knows it (RTM_GETNSID, the id "ip link" prints as
 * link-netnsid). Asked on demand: one netlink round trip per net namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
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
	int procfd, nsfd, sk, r;

	if (!s || idx < 0 || (size_t)idx >= s->nns || !id || s->ns[idx].type != NSINFO_NET)
		return -EINVAL;
	/* a loaded snapshot describes another moment (or host) */
	if (s->loaded)
		return -ENODEV;
	procfd = open(s->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	nsfd = nsinfo__ns_open(s, procfd, idx);
	close(procfd);
	if (nsfd < 0)
		return nsfd;
	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0) {
		r = -errno;
		close(nsfd);
		return r;
	}
	r = ask_nsid(sk, nsfd, id);
	close(sk);
	close(nsfd);
	return r;
}

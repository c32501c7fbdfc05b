/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"

/* The one table of namespace types: name, ns/ file, CLONE_ flag. */
static const struct {
	const char *name;
	unsigned long flag;
} types[NSINFO_NTYPES] = {
	[NSINFO_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
	[NSINFO_IPC]    = { "ipc",    CLONE_NEWIPC },
	[NSINFO_MNT]    = { "mnt",    CLONE_NEWNS },
	[NSINFO_NET]    = { "net",    CLONE_NEWNET },
	[NSINFO_PID]    = { "pid",    CLONE_NEWPID },
	[NSINFO_TIME]   = { "time",   CLONE_NEWTIME },
	[NSINFO_USER]   = { "user",   CLONE_NEWUSER },
	[NSINFO_UTS]    = { "uts",    CLONE_NEWUTS },
};

const char *const nsinfo__ns_file[NSINFO_NTYPES] = {
	"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts",
};

NSINFO_EXPORT const char *nsinfo_type_name(int type)
{
	if (type < 0 || type >= NSINFO_NTYPES)
		return NULL;
	return types[type].name;
}

NSINFO_EXPORT int nsinfo_type_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < NSINFO_NTYPES; i++)
		if (!strcasecmp(name, types[i].name))
			return i;
	if (!strcasecmp(name, "mount"))
		return NSINFO_MNT;
	if (!strcasecmp(name, "network"))
		return NSINFO_NET;
	return -EINVAL;
}

NSINFO_EXPORT unsigned long nsinfo_type_clone_flag(int type)
{
	if (type < 0 || type >= NSINFO_NTYPES)
		return 0;
	return types[type].flag;
}

NSINFO_EXPORT int nsinfo_type_from_clone_flag(unsigned long flag)
{
	for (int i = 0; i < NSINFO_NTYPES; i++)
		if (types[i].flag == flag)
			return i;
	return -EINVAL;
}

NSINFO_EXPORT int nsinfo_type_supported(int type)
{
	char path[32];

	if (type < 0 || type >= NSINFO_NTYPES)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", nsinfo__ns_file[type]);
	return faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

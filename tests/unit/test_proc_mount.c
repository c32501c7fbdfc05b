/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hidepid= and gid= options of the proc mount, from mountinfo lines:
 * both spellings of each value, optional fields before " - ", other
 * mounts, malformed lines.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "internal.h"
#include "tap.h"

int main(void)
{
	int hp = -9;
	int64_t gid = -9;

	is(nsinfo__parse_proc_mount("96 74 0:40 / /proc rw,relatime - proc proc rw,hidepid=invisible\n",
				    96, &hp, &gid), 1, "the proc mount by its id");
	is(hp, 2, "hidepid=invisible is 2");
	is(gid, -1, "no gid=");
	is(nsinfo__parse_proc_mount("96 74 0:40 / /proc rw shared:5 master:2 - proc proc rw,gid=27,hidepid=1",
				    96, &hp, &gid), 1, "optional fields, no newline");
	is(hp, 1, "hidepid=1");
	is(gid, 27, "gid=27");
	is(nsinfo__parse_proc_mount("9 1 0:4 / /p rw - proc none rw,hidepid=ptraceable,subset=pid\n",
				    9, &hp, &gid), 1, "subset=pid beside it");
	is(hp, 4, "hidepid=ptraceable is 4");
	is(nsinfo__parse_proc_mount("9 1 0:4 / /p rw - proc none rw\n", 9, &hp, &gid), 1,
	   "no hidepid=");
	is(hp, 0, "no hidepid= is 0");
	hp = -9;
	is(nsinfo__parse_proc_mount("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", 96, &hp, &gid), 0,
	   "another mount: 0");
	is(hp, -9, "another mount: nothing written");
	is(nsinfo__parse_proc_mount("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", 22, &hp, &gid), -EINVAL,
	   "that id, not proc: -EINVAL");
	is(nsinfo__parse_proc_mount("96 74 0:40 / /proc rw - proc proc rw,hidepid=7\n", 96, &hp, &gid),
	   -EINVAL, "unknown hidepid value: -EINVAL");
	is(nsinfo__parse_proc_mount("96 74 0:40 / /proc rw - proc proc rw,gid=12x\n", 96, &hp, &gid),
	   -EINVAL, "bad gid: -EINVAL");
	is(nsinfo__parse_proc_mount("x96 74", 96, &hp, &gid), -EINVAL, "no id: -EINVAL");
	is(nsinfo__parse_proc_mount("96 74 0:40 / /proc rw", 96, &hp, &gid), -EINVAL, "no separator: -EINVAL");
	is(nsinfo__parse_proc_mount("96 74 0:40 / /proc rw - proc", 96, &hp, &gid), -EINVAL,
	   "truncated after the type: -EINVAL");
	return tap_done();
}

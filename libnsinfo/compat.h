/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel constants newer than the build host's headers (Debian 12 ships
 * Linux 6.1 uapi). Everything here is probed at run time; a kernel without
 * it answers ENOTTY/EINVAL/ENOSYS and the caller falls back.
 */
#ifndef NSINFO_COMPAT_H
#define NSINFO_COMPAT_H

#include <linux/ioctl.h>
#include <linux/nsfs.h>
#include <linux/types.h>
#include <sched.h>
#include <sys/syscall.h>

#ifndef NSIO
#define NSIO 0xb7
#endif
#ifndef NS_GET_USERNS
#define NS_GET_USERNS _IO(NSIO, 0x1)
#endif
#ifndef NS_GET_PARENT
#define NS_GET_PARENT _IO(NSIO, 0x2)
#endif
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(NSIO, 0x3)
#endif
#ifndef NS_GET_OWNER_UID
#define NS_GET_OWNER_UID _IO(NSIO, 0x4)
#endif
/* Linux 6.9 */
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(NSIO, 0x5, __u64)
#endif
/* Linux 6.11: pid translation through a pid namespace fd */
#ifndef NS_GET_PID_FROM_PIDNS
#define NS_GET_PID_FROM_PIDNS _IOR(NSIO, 0x6, int)
#endif
#ifndef NS_GET_TGID_FROM_PIDNS
#define NS_GET_TGID_FROM_PIDNS _IOR(NSIO, 0x7, int)
#endif
#ifndef NS_GET_PID_IN_PIDNS
#define NS_GET_PID_IN_PIDNS _IOR(NSIO, 0x8, int)
#endif
#ifndef NS_GET_TGID_IN_PIDNS
#define NS_GET_TGID_IN_PIDNS _IOR(NSIO, 0x9, int)
#endif
/* Linux 6.18: a 64-bit id for every namespace type */
#ifndef NS_GET_ID
#define NS_GET_ID _IOR(NSIO, 13, __u64)
#endif

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* Linux 6.9: pidfds for single threads */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD 00000200 /* O_EXCL */
#endif
/* Linux 6.11: namespaces of a pidfd, without /proc */
#ifndef PIDFD_GET_PID_NAMESPACE
#define PIDFD_GET_PID_NAMESPACE _IO(0xFF, 5)
#endif

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
/* Linux 5.6: another process's fd; openat2 with RESOLVE_* */
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
/* Linux 6.18: nsfs file handles (namespace id, CLONE_NEW* type, inode) */
#ifndef FILEID_NSFS
#define FILEID_NSFS 0xf1
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

#endif /* NSINFO_COMPAT_H */

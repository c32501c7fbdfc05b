#!/usr/bin/env bash
# Run a command where privileges are refused, to check that every test
# skips what it cannot do (with its reason) instead of failing or hanging.
# Nothing host-wide changes. Not part of make check.
#
#   tests/bench/restricted.sh MODE -- CMD...
#   tests/bench/restricted.sh nouserns -- tests/run.sh build
#
# MODE:
#   nobody    as uid/gid 65534 without capabilities (setpriv)
#   nouserns  as root, in a user namespace mapping uids 0-65535 1:1 whose
#             user.max_user_namespaces is 0: creating user namespaces fails
#             with ENOSPC there (the limit is per user namespace)
#   chroot    as root, chrooted (a private mount namespace with / bind-mounted
#             under a directory): the kernel refuses CLONE_NEWUSER (EPERM)
set -u
cd "$(dirname "$0")/../.."
mode=${1:-}; shift
[ "${1:-}" = -- ] && shift
[ $# -ge 1 ] || { echo "usage: $0 nobody|nouserns|chroot -- CMD..." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "restricted: run as root" >&2; exit 1; }
q=$(printf '%q ' "$@")

case $mode in
nobody)
	exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
	;;
nouserns)
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
	mkfifo "$dir/go"
	# the child waits on the fifo until its maps are written
	unshare -U sh -c "read x <'$dir/go'; exec setpriv --reuid=0 --regid=0 --clear-groups sh -c '
		echo 0 >/proc/sys/user/max_user_namespaces || exit 1
		cd \"$PWD\" && exec $q'" &
	p=$!
	# maps can be written once it has unshared
	for _ in $(seq 200); do
		[ "$(readlink /proc/$p/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break; sleep 0.05
	done
	echo "0 0 65536" >/proc/$p/uid_map
	echo "0 0 65536" >/proc/$p/gid_map
	echo go >"$dir/go"
	wait $p
	;;
chroot)
	dir=$(mktemp -d)
	trap 'rmdir "$dir"' EXIT
	unshare -m --propagation private sh -c "mount --rbind / '$dir' && exec chroot '$dir' sh -c 'cd \"$PWD\" && exec $q'"
	;;
*)
	echo "restricted: unknown mode '$mode'" >&2; exit 2
	;;
esac

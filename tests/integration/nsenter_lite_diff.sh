#!/usr/bin/env bash
# Differential: the same joins through util-linux nsenter and nsenter-lite
# must put the command into the same set of namespaces, and that set must
# be the one the test made.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"

if ! command -v nsenter >/dev/null; then
	skip "[tool] util-linux nsenter is not installed"; done_testing; exit
fi
ALL=$(echo "$NSL_TYPES" | tr ' ' '\n' | grep -vx user | paste -sd,)
start_target diff "diff-$$" "$ALL" || { fail "target started"; done_testing; exit; }
T=$TGT D=$TGT_DIR

# same OPTS JOINED: both tools with OPTS, compared with each other and the truth
same() {
	local opts=$1 joined=$2 ours theirs
	# shellcheck disable=SC2086
	ours=$("$NSL" $opts -- sh -c "$NSL_SHOW_NS; hostname")
	# shellcheck disable=SC2086
	theirs=$(nsenter $opts -- sh -c "$NSL_SHOW_NS; hostname")
	is "$ours" "$theirs" "nsenter-lite $opts enters what nsenter $opts does"
	is "$(echo "$ours" | sed '$d')" "$(expected_ns "$D" "$joined")" "... and that is what the test made"
}

same "-t $T -a" "${ALL//,/ }"
same "-t $T -m -u -i -n -p" "mnt uts ipc net pid"
same "-t $T -n" "net"
same "-t $T -u -C" "uts cgroup"
[ -e /proc/self/ns/time ] && same "-t $T -T -p" "time pid" || skip "[kernel] kernel has no time namespaces"
same "--net=/proc/$T/ns/net --ipc=/proc/$T/ns/ipc" "net ipc"

NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
if start_target diffuser "du-$$" user,uts,net $NOBODY; then
	U=$TGT UD=$TGT_DIR
	# util-linux 2.38 gives up where setgroups is "deny": keep credentials
	opts="-t $U -U -u -n --preserve-credentials"
	ours=$($NOBODY "$NSL" $opts -- sh -c "$NSL_SHOW_NS; id -u")
	theirs=$($NOBODY nsenter $opts -- sh -c "$NSL_SHOW_NS; id -u")
	is "$ours" "$theirs" "unprivileged $opts: same namespaces and uid as nsenter"
	is "$(echo "$ours" | sed '$d')" "$(expected_ns "$UD" "user uts net")" "... and the ones the test made"
else
	fail "unprivileged user namespace target"
fi

done_testing

#!/usr/bin/env bash
# nsenter-lite entering containers by name and id prefix (-t CONTAINER,
# -N CONTAINER -t 1). A docker container is faked the way dockerd lays one
# out: a target in namespaces of its own, moved into a docker-<id>.scope
# cgroup, and docker's config.v2.json naming it. Ground truth: the
# namespaces the target read from its own /proc/self/ns.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"

source "$(dirname "$0")/../lib/container.sh"
CGROOT=$(cgroup2_root)
if [ -z "$CGROOT" ]; then
	skip "[cgroup] no writable cgroup2 hierarchy: a container cannot be faked here"; done_testing; exit
fi

ALL=$(echo "$NSL_TYPES" | tr ' ' '\n' | grep -vx user | paste -sd,)
hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
# Two ids unique to this run sharing their first 8 characters (an
# ambiguous short prefix), as docker's 64-hex ids can. A letter first: a
# prefix of digits only is a pid to nsenter-lite.
P8=$(printf 'f%07x' $$)
ID1=$P8$(hex 28) ID2=$P8$(hex 28)
NAME=nsl-box-$$
TOP=$CGROOT/nsl-ctr-$$

docker_state "$ID1" "$NAME" || { fail "docker state of $ID1"; done_testing; exit; }

# cgroups are removed after the targets are gone (on_exit runs in reverse)
mkdir "$TOP" || { fail "cgroup $TOP"; done_testing; exit; }
on_exit "rm_cgroup '$TOP'"
for id in "$ID1" "$ID2"; do
	mkdir "$TOP/docker-$id.scope" && on_exit "rm_cgroup '$TOP/docker-$id.scope'"
done

# into_container PID ID: what dockerd does with the container's init
into_container() { echo "$1" >"$TOP/docker-$2.scope/cgroup.procs"; }

start_target box "box-$$" "$ALL" || { fail "target started"; done_testing; exit; }
B=$TGT BD=$TGT_DIR
into_container "$B" "$ID1" || fail "target moved into the container's cgroup"
start_target box2 "box2-$$" "$ALL" || { fail "second target started"; done_testing; exit; }
B2=$TGT
into_container "$B2" "$ID2" || fail "second target moved into its container's cgroup"
like "$(cat /proc/$B/cgroup)" "/docker-$ID1\.scope$" "(the target is in the docker container's cgroup)"

# ------------------------------------------------------------- -t CONTAINER
got=$("$NSL" -t "$NAME" -a -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$BD" "${ALL//,/ }")" "-t NAME -a: every namespace of the container"
got=$("$NSL" -t "${ID1:0:12}" -a -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$BD" "${ALL//,/ }")" "-t ID-PREFIX -a: the same namespaces by docker's short id"
is "$("$NSL" -t "$ID1" -u hostname)" "box-$$" "-t FULL-ID -u: the container's hostname"
got=$("$NSL" -t "$NAME" -n -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$BD" net)" "-t NAME -n: only its net namespace, the rest ours"
out=$("$NSL" -t "$NAME" -u --explain)
like "$out" "uts +$(target_ns "$BD" uts) +[0-9]+ +join +from $NAME$" "--explain names the container as typed"
like "$out" "
container: docker $ID1 named $NAME
" "--explain says which container the target is in, by id and name"
like "$("$NSL" -t "${ID1:0:12}" -u --explain)" "
container: docker $ID1 named $NAME
" "... also when entered by id prefix"
unlike "$("$NSL" -t $$ -u --explain)" "container:" "... and nothing for a process in no container"

# ----------------------------------------------------------- -N CONTAINER -t
is "$("$NSL" -N "$NAME" -t 1 -u hostname)" "box-$$" "-N NAME -t 1: pid 1 of the container's pid namespace"
got=$("$NSL" -N "${ID1:0:12}" -t 1 -a -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$BD" "${ALL//,/ }")" "-N ID-PREFIX -t 1 -a: the container's namespaces"
for mode in ioctl scan; do
	pre=(); [ $mode = scan ] && pre=("$HELPERS/nsenter_oldkernel" --no-pidns-ioctl --)
	like "$("${pre[@]}" "$NSL" -N "$NAME" -t 1 --explain)" "pid 1 in pid namespace $NAME is pid $B here" \
		"$mode: -N NAME -t 1 translates to the container's init"
	out=$("${pre[@]}" "$NSL" -N "$NAME" -t 2 -u true 2>&1); rc=$?
	is "$rc:$out" "125:nsenter-lite: no process 2 in pid namespace $NAME" "$mode: a pid the container does not have"
done

# ------------------------------------------------------------------ errors
out=$("$NSL" -t "$P8" -u touch "$T_TMP/ran" 2>&1); rc=$?
like "$rc:$out" "^125:nsenter-lite: $P8: several containers match: docker [0-9a-f]{12} [^,]+, docker [0-9a-f]{12} [^,]+$" \
	"-t PREFIX of two containers: refused, one line"
like "$out" "docker ${ID1:0:12} $NAME(,|$)" "... listing the first by runtime, short id and name"
like "$out" "docker ${ID2:0:12} ${ID2:0:12}(,|$)" "... and the unnamed one by its short id"
ok $([ ! -e "$T_TMP/ran" ]; echo $?) "... and nothing was run"
out=$("$NSL" -N "$P8" -t 1 -u true 2>&1); rc=$?
like "$rc:$out" "^125:nsenter-lite: $P8: several containers match: docker [0-9a-f]{12} [^,]+, docker [0-9a-f]{12} [^,]+$" \
	"-N PREFIX of two containers: refused"
out=$("$NSL" -t "nsl-nobox-$$" -u true 2>&1); rc=$?
is "$rc:$out" "125:nsenter-lite: nsl-nobox-$$: no such namespace or container" "-t unknown container name"

# once the second container has no process left, the short prefix is unique
kill -TERM "$TGT_LAUNCHER"; wait "$TGT_LAUNCHER" 2>/dev/null; wait_dead "$B2"
is "$("$NSL" -t "$P8" -u hostname)" "box-$$" "the prefix names one container once the other has stopped"
out=$("$NSL" -t "$ID2" -u true 2>&1); rc=$?
is "$rc:$out" "125:nsenter-lite: $ID2: no such namespace or container" "-t a stopped container: no such container"

done_testing

#!/usr/bin/env bash
# nsenter-lite entering containers by name and id prefix (-t CONTAINER,
# -N CONTAINER -t 1). A docker container is faked the way dockerd lays one
# out: a target in namespaces of its own, moved into a docker-<id>.scope
# cgroup, and docker's config.v2.json naming it. Ground truth: the
# namespaces the target read from its own /proc/self/ns.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"

# The cgroup2 hierarchy: hybrid hosts mount it at unified/, pure v2 at the top.
CGROOT=""
for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
	if [ -w "$d/cgroup.procs" ] && [ "$(stat -f -c %T "$d")" = cgroup2fs ]; then CGROOT=$d; break; fi
done
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

# docker's state: created here, removed at exit; directories that existed
# are left alone (rmdir only removes what is empty)
mkdir_owned() { # mkdir_owned DIR: each missing component, removed at exit
	local d=$1
	[ -d "$d" ] && return 0
	mkdir_owned "$(dirname "$d")" || return 1
	mkdir "$d" || return 1
	on_exit "rmdir '$d'"
}
CFG=/var/lib/docker/containers/$ID1
mkdir_owned "$CFG" || { fail "docker state directory $CFG"; done_testing; exit; }
on_exit "rm -f '$CFG/config.v2.json'"
printf '{"ID":"%s","Name":"/%s","Driver":"overlay2"}' "$ID1" "$NAME" >"$CFG/config.v2.json"

# cgroups are removed after the targets are gone (on_exit runs in reverse)
rm_cgroup() { local n=50; while ! rmdir "$1" 2>/dev/null && [ -d "$1" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done; }
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
is "$rc:$out" "125:nsenter-lite: $P8: an id prefix shared by several containers" \
	"-t PREFIX of two containers: refused"
ok $([ ! -e "$T_TMP/ran" ]; echo $?) "... and nothing was run"
out=$("$NSL" -N "$P8" -t 1 -u true 2>&1); rc=$?
is "$rc:$out" "125:nsenter-lite: cannot resolve pid namespace '$P8': an id prefix shared by several containers" \
	"-N PREFIX of two containers: refused"
out=$("$NSL" -t "nsl-nobox-$$" -u true 2>&1); rc=$?
is "$rc:$out" "125:nsenter-lite: nsl-nobox-$$: no such process or container" "-t unknown container name"

# once the second container has no process left, the short prefix is unique
kill -TERM "$TGT_LAUNCHER"; wait "$TGT_LAUNCHER" 2>/dev/null; wait_dead "$B2"
is "$("$NSL" -t "$P8" -u hostname)" "box-$$" "the prefix names one container once the other has stopped"
out=$("$NSL" -t "$ID2" -u true 2>&1); rc=$?
is "$rc:$out" "125:nsenter-lite: $ID2: no such process or container" "-t a stopped container: no such container"

done_testing

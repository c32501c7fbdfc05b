#!/usr/bin/env bash
# Container identity cannot be forged. A throw-away unprivileged user makes
# two impostors of container NAME:
#   A  unshare -Urpfu, hostname NAME, container=docker in its init's
#      environment (what any user can do);
#   B  the same, moved by its user into docker-<ID>.scope, a cgroup made in
#      its own delegated subtree (user@UID.service, chowned to the user as
#      systemd delegates it), ID being the real container's id; the user's
#      rootless-docker state names it NAME too.
# The real container R is faked as dockerd lays one out: its init in a
# root-owned docker-<ID>.scope, docker's root-owned config.v2.json naming
# it NAME. nstree, nspid -N and nsenter-lite -t must pick R by name and id
# while it runs, show A and B marked, and refuse (one line, listing the
# impostors) once R has stopped. Run as the impostors' own user, the tools
# never pick A or B by NAME or ID either. Ground truth: the namespaces each
# process reads from its own /proc/PID/ns.
# timeout: 1200 (each unprivileged lookup scans the whole host)
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree
NSPID=$BUILD/nspid
NSL=$BUILD/nsenter-lite

source "$(dirname "$0")/../lib/container.sh"
[ "$(id -u)" = 0 ] || { skip "[root] not root: a user, cgroups and docker state are made here"; done_testing; exit; }
CGROOT=$(cgroup2_root)
[ -n "$CGROOT" ] || { skip "[cgroup] no writable cgroup2 hierarchy: containers cannot be faked here"; done_testing; exit; }
command -v useradd >/dev/null || { skip "[tool] no useradd: no throw-away user"; done_testing; exit; }

hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
ID=e$(hex 32 | cut -c2-)             # a letter first: never a pid or an inode
NAME=web-$$
U=nstf$$
HOME_U=$T_TMP/home
PUB=$(mktemp -d /tmp/nst-forge-pub.XXXXXX) # where the user's processes say "ready"
on_exit "rm -rf '$PUB'"
chmod 1777 "$PUB"

useradd -M -N -d "$HOME_U" -s /bin/sh "$U" || { fail "throw-away user $U"; done_testing; exit; }
on_exit "userdel -f '$U'"
UIDU=$(id -u "$U") GIDU=$(id -g "$U")
AS_U=(setpriv --reuid="$UIDU" --regid="$GIDU" --clear-groups)

# --- engine state: root's, and the user's own (a rootless docker's)
docker_state "$ID" "$NAME" || { fail "docker state of $ID"; done_testing; exit; }
mkdir -p "$HOME_U/.local/share/docker/containers/$ID"
printf '{"ID":"%s","Name":"/%s"}' "$ID" "$NAME" >"$HOME_U/.local/share/docker/containers/$ID/config.v2.json"
chown -R "$UIDU:$GIDU" "$HOME_U"

# --- cgroups: root's container scope, and the user's delegated subtree
TOP=$CGROOT/nst-forge-$$
REAL=$TOP/docker-$ID.scope
UDIR=$TOP/user@$UIDU.service
mkdir "$TOP" && on_exit "rm_cgroup '$TOP'" || { fail "cgroup $TOP"; done_testing; exit; }
mkdir "$REAL" && on_exit "rm_cgroup '$REAL'"
mkdir "$UDIR" && on_exit "rm_cgroup '$UDIR'"
on_exit "rm_cgroup '$UDIR/docker-$ID.scope'"
chown "$UIDU:$GIDU" "$UDIR" "$UDIR/cgroup.procs" "$UDIR/cgroup.subtree_control" "$UDIR/cgroup.threads"

# first_child LAUNCHER: the process unshare -f forked (bounded poll)
first_child() {
	local n=100 c=""
	while [ -z "$c" ] && [ $n -gt 0 ]; do
		c=$(cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}')
		[ -z "$c" ] && { sleep 0.05; n=$((n - 1)); }
	done
	echo "$c"
}

# R: the real container (root), its init in the engine's scope
RL=$(bg_start unshare -fp --net --uts --kill-child sh -c \
	"echo \$\$ >'$REAL/cgroup.procs' && hostname '$NAME' && touch '$PUB/r' && exec sleep 7200")
# A: hostname and environment only
AL=$(bg_start "${AS_U[@]}" unshare -Urpfu --kill-child sh -c \
	"hostname '$NAME' && touch '$PUB/a' && exec env container=docker sleep 7200")
# B: root puts the launcher in the user's subtree (as systemd puts a user's
# session there), the user makes a docker scope in it and moves in
BL=$(bg_start sh -c "echo \$\$ >'$UDIR/cgroup.procs' && exec ${AS_U[*]} sh -c \
	'mkdir \"$UDIR/docker-$ID.scope\" && echo \$\$ >\"$UDIR/docker-$ID.scope/cgroup.procs\" &&
	 exec unshare -Urpfu --kill-child sh -c \"hostname $NAME && touch $PUB/b && exec env container=docker sleep 7200\"'")
for f in r a b; do wait_for "$PUB/$f" 10 || fail "process $f ready"; done
R=$(first_child "$RL") A=$(first_child "$AL")
B=$(first_child "$BL")
ok $([ -n "$R" ] && [ -n "$A" ] && [ -n "$B" ]; echo $?) "three containers up: R=$R A=$A B=$B"
like "$(cat /proc/$B/cgroup)" "/user@$UIDU\.service/docker-$ID\.scope$" "(B is in the forged scope, under the user's subtree)"
is "$(stat -c %U "$UDIR/docker-$ID.scope")" "$U" "(... a directory its user made)"
is "$(stat -c %U "$REAL")" root "(R is in the root-owned scope)"
RNET=$(ns_ino "$R" net) ANET=$(ns_ino "$A" net) BNET=$(ns_ino "$B" net)

# ---------------------------------------------------- while R runs: R only
is "$("$NSTREE" -l -n -r -o NS -t net "$NAME" 2>/dev/null)" "$RNET" "nstree NAME: the real container's net namespace"
is "$("$NSTREE" -l -n -r -o NS -t net "$ID" 2>/dev/null)" "$RNET" "nstree ID (the impostor's cgroup borrows it): the real one"
is "$("$NSPID" -N "$NAME" -r -n -o PID 1 2>&1)" "$R" "nspid -N NAME 1: the real container's init"
is "$("$NSPID" -N "$NAME" -a -r -n -o PID 2>&1)" "$R" "nspid -N NAME -a: its processes only"
is "$("$NSL" -t "$NAME" -n readlink /proc/self/ns/net 2>&1)" "net:[$RNET]" "nsenter-lite -t NAME: the real container"
is "$("$NSL" -t "${ID:0:12}" -n readlink /proc/self/ns/net 2>&1)" "net:[$RNET]" "nsenter-lite -t SHORT-ID: the real container"
is "$("$NSL" -N "$NAME" -t 1 -n readlink /proc/self/ns/net 2>&1)" "net:[$RNET]" "nsenter-lite -N NAME -t 1: the real container"

# ----------------- as the impostors' own user: never its impostors by name
# U sees A and B whole (its processes, its user namespaces) and R not at
# all (root's): NAME and ID name R or nothing, never A or B.
# as_user WHAT EXIT-RE CMD...: run CMD as U; neither A's nor B's namespaces
# nor pids in what it prints, nothing run, exit matching EXIT-RE
as_user() {
	local what=$1 want=$2 out rc; shift 2
	rm -f "$PUB/ran"
	out=$("${AS_U[@]}" "$@" 2>&1); rc=$?
	diag "as $U: $what: exit $rc: $out"
	like "$rc" "^($want)$" "as $U: $what: exit $rc"
	unlike "$out" "(^|[^0-9])($ANET|$BNET|$A|$B)([^0-9]|$)" "as $U: $what: never an impostor's namespace or pid"
	ok $([ ! -e "$PUB/ran" ]; echo $?) "as $U: $what: ran nothing"
}
# (each lookup as a user scans the whole host: a few of each tool)
as_user "R running, nstree -t net NAME" "0|1" "$NSTREE" -l -n -r -o NS,PID -t net "$NAME"
as_user "R running, nspid -N NAME 1" "0|1" "$NSPID" -N "$NAME" -r -n -o PID 1
as_user "R running, nsenter-lite -t NAME -n" 125 "$NSL" -t "$NAME" -n touch "$PUB/ran"

# ------------------------------------------------- labels: the marks shown
labels=$("$NSTREE" -l -n -r -o PID,CONTAINER -t pid 2>/dev/null)
label_of() { printf '%s\n' "$labels" | awk -v p="$1" '$1 == p { print $2 }'; }
is "$(label_of "$R")" "$NAME" "CONTAINER of R: NAME, unmarked"
is "$(label_of "$A")" "$NAME?" "CONTAINER of A: NAME? (a hint from hostname and environment)"
is "$(label_of "$B")" "$U/$NAME?" "CONTAINER of B: OWNER/NAME? (named from its user's own state, with its owner)"
is "$("$NSPID" -r -n -o CONTAINER "$B" 2>&1)" "$U/$NAME?" "nspid CONTAINER of B: the same label"
is "$("$NSPID" -r -n -o CONTAINER "$R" 2>&1)" "$NAME" "nspid CONTAINER of R: NAME"

# ------------------------------------------- R stopped: refuse, never guess
kill -KILL -- "-$RL" 2>/dev/null
n=100; while [ -e "/proc/$R" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
ok $([ ! -e "/proc/$R" ]; echo $?) "(the real container has stopped)"
# refused REF TOOL-PREFIX EXIT CMD...: one line naming both impostors
refused() {
	local ref=$1 pre=$2 want=$3 out rc what; shift 3
	what="$(basename "$1") ${*:2}"
	out=$("$@" 2>&1); rc=$?
	is "$rc" "$want" "$what: exit $want"
	like "$out" "^$pre: $ref: only containers of unverified identity match \(never entered by name\): " \
		"$what: refused, saying why"
	is "$(printf '%s\n' "$out" | wc -l)" 1 "$what: one line"
	like "$out" "docker ${ID:0:12} $U/$NAME\?" "$what: lists B with runtime, id and owner"
	[ "$ref" = "$NAME" ] && like "$out" "docker pidns-[0-9]+ $NAME\? \(claimed by uid $UIDU\)" \
		"$what: lists A with runtime, id and the uid claiming it"
}
refused "$NAME" nstree 1 "$NSTREE" -t net "$NAME"
refused "$ID" nstree 1 "$NSTREE" -t net "$ID"
refused "$NAME" nstree 1 "$NSTREE" "$NAME"
refused "$NAME" nspid 1 "$NSPID" -N "$NAME" 1
refused "$NAME" nspid 1 "$NSPID" -N "$NAME" -a
rm -f "$T_TMP/ran"
refused "$NAME" nsenter-lite 125 "$NSL" -t "$NAME" -n touch "$T_TMP/ran"
refused "${ID:0:12}" nsenter-lite 125 "$NSL" -t "${ID:0:12}" -a touch "$T_TMP/ran"
refused "$NAME" nsenter-lite 125 "$NSL" -N "$NAME" -t 1 -n touch "$T_TMP/ran"
refused "$NAME" nsenter-lite 125 "$NSL" --net="$NAME" touch "$T_TMP/ran"
ok $([ ! -e "$T_TMP/ran" ]; echo $?) "nsenter-lite ran nothing in an impostor"
as_user "R stopped, nstree -t net ID" "0|1" "$NSTREE" -l -n -r -o NS,PID -t net "$ID"
as_user "R stopped, nspid -N NAME -a" "0|1" "$NSPID" -N "$NAME" -a -r -n -o PID
as_user "R stopped, nsenter-lite -t SHORT-ID -a" 125 "$NSL" -t "${ID:0:12}" -a touch "$PUB/ran"
as_user "R stopped, nsenter-lite --net=NAME" 125 "$NSL" --net="$NAME" touch "$PUB/ran"
# what the user can see through its own pid:N is still reachable
is "$("$NSL" -t "$A" -n readlink /proc/self/ns/net 2>&1)" "net:[$ANET]" "an impostor is entered by its pid, as asked"
unlike "$BNET" "^$RNET$" "(B's namespaces were never R's)"

done_testing

#!/usr/bin/env bash
# One container model for every tool, against real engines (tests/lib/engines.sh):
#  - a podman container's namespaces keep their label while a process that
#    is not the container's (nsenter) shares them, the same label in nstree,
#    nspid, nstop -b and nsenter-lite --explain; RUNTIME, CID and IMAGE as
#    podman inspect has them, POD and K8SNS null in JSON;
#  - nstree --holders of a net namespace held by a bind mount inside the
#    container: the process in that mount namespace and its container;
#  - a stopped container: "container NAME is not running", the same line
#    and exit status in nstree, nspid and nsenter-lite;
#  - the same name in podman and a private dockerd: NAME is ambiguous and
#    lists both with runtime and id; podman:NAME and docker:NAME pick each;
#  - containerd through ctr with the CRI annotations a kubelet's containerd
#    sets (no kubelet here: ctr stands in for Kubernetes), a sandbox and a
#    container that joins its net namespace: found through the shim (no
#    container cgroup with ctr's cgroupfs paths), POD, K8SNS, the shared
#    net namespace labelled by the pod, k8s:NS/POD/CONTAINER and k8s:NS/POD;
#  - a rootless podman container of a test user: USER/NAME? (its user's
#    evidence), in nstree and nspid.
# Ground truth: the engines' own answers (podman inspect, docker inspect,
# ctr task ls) and the namespaces of the pids they name.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
engine_require podman
podman_image || { fail "the busybox image loaded into podman"; done_testing; exit; }

# label_nstree INO: CONTAINER of that namespace in nstree
label_nstree() { "$BUILD/nstree" -l -r -n -o NS,CONTAINER 2>/dev/null | awk -v i="$1" '$1 == i { print $2 }'; }

# ------------------------------------------- a named container, shared
W=$(engine_name web)
podman_run "$W" || { fail "podman run $W"; done_testing; exit; }
P=$ENGINE_PID
PIDNS=$(ns_ino "$P" pid) NET=$(ns_ino "$P" net)
# a process that is not the container's joins its net and pid namespaces
J=$(bg_start nsenter -t "$P" -n -p -- sleep 600)
wait_for_cmd() { local n=100; while [ $n -gt 0 ]; do eval "$1" && return 0; sleep 0.05; n=$((n - 1)); done; return 1; }
wait_for_cmd '[ -n "$(cat /proc/$J/task/$J/children 2>/dev/null)" ]' || fail "(nsenter's child is up)"
JC=$(awk '{ print $1 }' "/proc/$J/task/$J/children")
is "$(ns_ino "$JC" net) $(ns_ino "$JC" pid)" "$NET $PIDNS" "(the nsenter'd process shares the container's net and pid namespaces)"
unlike "$(cat "/proc/$JC/cgroup")" "libpod-" "(... from outside the container's cgroup)"

is "$(label_nstree "$NET")" "$W" "nstree: the shared net namespace keeps the container's label"
is "$("$BUILD/nstree" -l -r -n -o NS -t net "$W" 2>/dev/null)" "$NET" "nstree NAME -t net: the shared namespace, not dropped"
is "$(label_nstree "$PIDNS")" "$W" "nstree: the pid namespace's label"
is "$(engine_label "$P")" "$W" "nspid: the container's init"
is "$(engine_label "$JC")" "$W" "nspid: the nsenter'd process in its pid namespace: the same label"
is "$(engine_nstop_label "$PIDNS")" "$W" "nstop -b: the same label for the pid namespace"
is "$(engine_nstop_label "$NET")" "$W" "nstop -b: the same label for the shared net namespace"
like "$("$BUILD/nsenter-lite" -t "$W" --explain -- true 2>&1)" "container: podman [0-9a-f]{64} named $W\$" \
	"nsenter-lite --explain: the same label"

ID=$(pm inspect --format '{{.Id}}' "$W") IMG=$(pm inspect --format '{{.ImageName}}' "$W")
is "$("$BUILD/nstree" -l -r -n -o RUNTIME,CID,IMAGE -t pid "$W" 2>/dev/null)" "podman $ID $IMG" \
	"nstree RUNTIME, CID, IMAGE: as podman inspect has them"
is "$("$BUILD/nspid" -r -n -o RUNTIME,CID,IMAGE "$P" 2>/dev/null | tail -1)" "podman $ID $IMG" \
	"nspid RUNTIME, CID, IMAGE: the same"
"$BUILD/nstree" -l -J -o NS,CONTAINER,POD,K8SNS -t pid "$W" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)["namespaces"][0]
assert d["pod"] is None and d["k8sns"] is None and d["container"] == sys.argv[1], d' "$W"
ok $? "nstree -J: POD and K8SNS null where the container has none"
is "$("$BUILD/nstree" -l -r -n -o NS -t net "podman:$W" 2>/dev/null)" "$NET" "podman:NAME resolves"
kill "$J" 2>/dev/null

# ---------------- who leaked this netns: a bind mount in the container
# a net namespace made inside the container's mount namespace and held only
# by a bind mount there (busybox's unshare and mount, run by root)
if nsenter -t "$P" -m -p -- /bin/sh -c 'touch /tmp/nsx && unshare -n mount --bind /proc/self/ns/net /tmp/nsx'; then
	LEAK=$(nsenter -t "$P" -m -p -- stat -L -c %i /tmp/nsx)
	is "$("$BUILD/nstree" --holders "$LEAK" -r -n -o KIND,PID,MNTNS,PATH,CONTAINER 2>/dev/null)" \
	   "mount $P $(ns_ino "$P" mnt) /tmp/nsx $W" \
	   "nstree --holders: the mount holder names a process in that mount namespace and its container"
	is "$("$BUILD/nstree" --holders "$LEAK" -r -n -o KIND,RUNTIME,CID,IMAGE 2>/dev/null)" "mount podman $ID $IMG" \
	   "nstree --holders RUNTIME, CID, IMAGE: the mount holder's container as podman inspect has it"
else
	fail "(a net namespace bind-mounted inside the container)"
fi

# ---------------------------------------------------------------- stopped
X=$(engine_name stopped)
podman_run "$X" || fail "podman run $X"
XP=$ENGINE_PID XID=$(pm inspect --format '{{.Id}}' "$X")
pm stop -t 0 "$X" >/dev/null
engine_until 10 eval "! kill -0 $XP" || fail "(podman stop: its init is gone)"
# and podman's clean-up has removed the runtime's state (until then runc
# still lists it: the race is an open bug, not what this case is about)
engine_until 30 eval "[ ! -e /run/runc/$XID ]" || fail "(podman stop: runc's state removed)"
want="$X: container $X is not running (podman ${XID:0:12})"
for t in "nstree 1 $X" "nspid 1 --pidns $X --all" "nsenter-lite 125 -t $X -- true"; do
	set -- $t
	out=$("$BUILD/$1" "${@:3}" 2>&1); rc=$?
	is "$rc" "$2" "$1 on a stopped container: exit $2"
	is "$out" "$1: $want" "$1 on a stopped container: one line saying it is not running"
done

# ---------------------------------------- the same name in two engines
if docker_start && docker_run "$W"; then
	DP=$ENGINE_PID DID=$(dk inspect --format '{{.Id}}' "$W")
	out=$("$BUILD/nstree" -q -l "$W" 2>&1 >/dev/null); rc=$?
	out=$(echo "$out" | grep -v "partial view")
	is "$rc" 1 "NAME in podman and docker: exit 1"
	like "$out" "^nstree: $W: several containers match: " "NAME in two engines: ambiguous"
	like "$out" "podman ${ID:0:12} $W" "... lists podman's with its id"
	like "$out" "docker ${DID:0:12} $W" "... and docker's"
	is "$(echo "$out" | wc -l)" 1 "... in one line"
	is "$("$BUILD/nstree" -l -r -n -o NS -t net "docker:$W" 2>/dev/null)" "$(ns_ino "$DP" net)" "docker:NAME: docker's"
	is "$("$BUILD/nstree" -l -r -n -o NS -t net "podman:$W" 2>/dev/null)" "$NET" "podman:NAME: podman's"
	is "$("$BUILD/nsenter-lite" -t "docker:$W" -- readlink /proc/self/ns/net 2>&1)" "net:[$(ns_ino "$DP" net)]" \
		"nsenter-lite -t docker:NAME enters docker's"
	is "$("$BUILD/nspid" -r -n -o PID --pidns "podman:$W" 1 2>&1)" "$P" "nspid --pidns podman:NAME 1: podman's init"
	is "$("$BUILD/nstree" -l -r -n -o RUNTIME,IMAGE -t pid "docker:$W" 2>/dev/null)" \
	   "docker $(dk inspect --format '{{.Config.Image}}' "$W")" "docker's RUNTIME and IMAGE as docker inspect has them"
else
	fail "a private dockerd running a container named $W"
fi

# ------------------------------------ Kubernetes through containerd's CRI
NS=shop$$ POD=web-$$ UIDP=$(cat /proc/sys/kernel/random/uuid)
cri() { echo --annotation "io.kubernetes.cri.$1=$2"; }
if containerd_start; then
	SB=sb$$ CT=api$$
	# shellcheck disable=SC2046
	ctr_run "$SB" $(cri container-type sandbox) $(cri sandbox-name "$POD") \
		$(cri sandbox-namespace "$NS") $(cri sandbox-uid "$UIDP") || fail "ctr run the sandbox"
	SBP=$ENGINE_PID
	# shellcheck disable=SC2046
	ctr_run "$CT" --with-ns "network:/proc/$SBP/ns/net" $(cri container-type container) \
		$(cri container-name api) $(cri sandbox-name "$POD") $(cri sandbox-namespace "$NS") \
		$(cri sandbox-uid "$UIDP") $(cri image-name registry.example/api:1) || fail "ctr run the container"
	CTP=$ENGINE_PID
	is "$(ns_ino "$CTP" net)" "$(ns_ino "$SBP" net)" "(the container joined the sandbox's net namespace)"
	is "$("$BUILD/nstree" -l -r -n -o CONTAINER,RUNTIME,CID,IMAGE,POD,K8SNS -t pid "k8s:$NS/$POD/api" 2>/dev/null)" \
	   "api containerd $CT registry.example/api:1 $POD $NS" \
	   "k8s:NS/POD/CONTAINER: found through the shim, with the CRI annotations"
	is "$("$BUILD/nstree" -l -r -n -o NS -t pid "k8s:$NS/$POD/api" 2>/dev/null)" "$(ns_ino "$CTP" pid)" \
		"k8s:NS/POD/CONTAINER: the container's pid namespace, as ctr's pid has it"
	is "$(label_nstree "$(ns_ino "$CTP" net)")" "$POD" "the net namespace the pod's containers share: labelled by the pod"
	is "$("$BUILD/nstree" -l -r -n -o NS -t net "k8s:$NS/$POD" 2>/dev/null)" "$(ns_ino "$SBP" net)" \
		"k8s:NS/POD -t net: the pod's shared net namespace"
	is "$("$BUILD/nstree" -l -r -n -o NS -t net "pod:$POD" 2>/dev/null)" "$(ns_ino "$SBP" net)" "pod:NAME: the same"
	is "$(label_nstree "$(ns_ino "$CTP" mnt)")" api "the container's own mnt namespace: its name"
	is "$(engine_label "$CTP")" api "nspid: the container's process, the same label as nstree's pid namespace"
	is "$(engine_nstop_label "$(ns_ino "$CTP" net)")" "$POD" "nstop -b: the pod's label for the shared net namespace"
	# nstop -g container: the container's pid namespace in the pod's subtree
	under=$(engine_nstop_under "$(ns_ino "$SBP" net)" "$(ns_ino "$CTP" pid)")
	is "$under" yes "nstop -g container: the pod's container hangs under the pod's net namespace"
else
	fail "a private containerd"
fi

# ------------------------------------------------------- rootless podman
if engine_missing rootless >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>/dev/null &&
	rootless_user; then
	R=$(engine_name rweb)
	if rootless_run "$R"; then
		RP=$ENGINE_PID
		is "$(label_nstree "$(ns_ino "$RP" pid)")" "$RL_USER/$R?" "rootless: nstree labels it with its owner, unverified"
		is "$(engine_label "$RP")" "$RL_USER/$R?" "rootless: nspid the same"
		is "$("$BUILD/nstree" -l -r -n -o RUNTIME -t pid 2>/dev/null | sort -u | grep -c podman)" 1 "(a podman container is listed)"
		out=$("$BUILD/nstree" -l "$R" 2>&1)
		like "$out" "only containers of unverified identity match" "rootless: never entered by name (its user's evidence)"
	else
		fail "rootless podman run"
	fi
else
	skip "[userns] no rootless podman here"
fi
done_testing

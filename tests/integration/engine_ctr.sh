#!/usr/bin/env bash
# The tools against containerd through ctr (a containerd of this test
# only): a plain `ctr run` container, an exec'd sibling, and Kubernetes
# stood in for by ctr (no kubelet here): a sandbox and a container joining
# its net/ipc/uts namespaces, with the annotations containerd's CRI writes
# (io.kubernetes.cri.*), 64-hex ids and the kubepods cgroup layout.
# Ground truth: `ctr task ls` / `ctr task ps` and the namespaces of the
# pids they name.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
engine_require containerd
containerd_start || { fail "a private containerd started and the image imported"; done_testing; exit; }

# ------------------------------------------------------ a ctr run container
W=$(engine_name web)
ctr_run "$W" || { fail "ctr run $W"; done_testing; exit; }
P=$ENGINE_PID
is "$( (grep -E '^[0-9]+:pids:' /proc/$P/cgroup || grep '^0::' /proc/$P/cgroup) | cut -d: -f3)" "/$CTRD_NS/$W" \
	"(ctr puts the task in the cgroup /NAMESPACE/ID)"
ctrc task exec -d --exec-id "x$$" "$W" sleep 100001 >/dev/null 2>&1 ||
	ctrc task exec --exec-id "x$$" "$W" sleep 100001 </dev/null >/dev/null 2>&1 &
engine_until 10 eval '[ "$(ctrc task ps "$W" | awk "NR > 1" | wc -l)" -ge 2 ]' || fail "ctr task exec: a second process"
PN=/proc/$P/ns/pid
pairs=$(engine_pairs "$PN")
is "$(echo "$pairs" | awk '{ print $1 }')" "$(ctrc task ps "$W" | awk 'NR > 1 { print $1 }' | sort -n)" \
	"nspid --pidns NSFILE --all: the host pids ctr task ps lists"
is "$(echo "$pairs" | awk -v p="$P" '$1 == p { print $2 }')" 1 "nspid: ctr's task pid is 1 in the container"
S=$(ctrc task ps "$W" | awk -v p="$P" 'NR > 1 && $1 != p { print $1 }')
is "$(engine_ns "$S")" "$(engine_ns "$P")" "(ctr task exec: the sibling shares the task's namespaces)"
is "$("$BUILD/nsenter-lite" -t "$P" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$P")" \
	"nsenter-lite -t PID: every namespace of ctr's task"
is "$("$BUILD/nsenter-lite" -t "$P" -- hostname)" "$(nsenter -t "$P" -u hostname)" \
	"nsenter-lite -t PID hostname: the task's hostname"
got=$("$BUILD/nstree" -l -r -n -o NS,TYPE -p "$P" 2>/dev/null | sort)
is "$(echo "$got" | awk 'NR == FNR { k[$1" "$2]; next } ($0 in k)' - <(engine_ns "$P"))" "$(engine_ns "$P")" \
	"nstree -p PID: lists every namespace of ctr's task"

# ------------------------------------ Kubernetes through CRI, stood in for
ctr_k8s_pod api || { fail "$ENGINE_ERR"; done_testing; exit; }
is "$(ns_ino "$KP" net) $(ns_ino "$KP" uts) $(ns_ino "$KP" ipc)" "$(ns_ino "$SP" net) $(ns_ino "$SP" uts) $(ns_ino "$SP" ipc)" \
	"(the container shares the sandbox's net, uts and ipc)"
like "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["Spec"]["annotations"]["io.kubernetes.cri.sandbox-name"])' < <(ctrc containers info "$CT"))" \
	"^$POD\$" "(the container's spec carries CRI's annotations)"
R=${CT:0:12}
is "$("$BUILD/nsenter-lite" -t "$R" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$KP")" \
	"nsenter-lite -t ID-PREFIX: a kubepods container by its id, every namespace of ctr's task"
is "$(engine_pairs "$R")" "$KP 1" "nspid --pidns ID-PREFIX --all: ctr's task, pid 1 in the container"
is "$(engine_nstree "$R" | awk '$2 == "pid" || $2 == "mnt" { print $1, $2 }')" \
   "$(engine_ns "$KP" | awk '$2 == "pid" || $2 == "mnt"')" \
	"nstree ID-PREFIX: the container's own pid and mnt namespaces"
is "$("$BUILD/nsenter-lite" -t "${SB:0:12}" -- hostname)" "$("$BUILD/nsenter-lite" -t "$R" -- hostname)" \
	"nsenter-lite: the sandbox and its container show the same hostname (one uts namespace)"
done_testing

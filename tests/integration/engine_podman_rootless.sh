#!/usr/bin/env bash
# The tools against a rootless podman container: a user of this test only
# (subordinate ids from usermod), podman run as that user (runc, cgroupfs:
# on cgroup v1 the container stays in the user's own cgroup). Ground
# truth: the user's podman (inspect, top) and the namespaces of its pid.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
engine_require rootless
rootless_user || { fail "a test user with subordinate ids and the image in its store"; done_testing; exit; }

W=$(engine_name web)
rootless_run "$W" || { fail "rootless podman run $W"; done_testing; exit; }
P=$ENGINE_PID
is "$(stat -L -c %u "/proc/$P")" "$RL_UID" "(the container's init runs as the test user on the host)"
is "$(awk '$1 == 0 { print $2 }' "/proc/$P/uid_map")" "$RL_UID" "(its user namespace maps root to the test user)"

upm exec -d "$W" sleep 100001 >/dev/null
engine_until 10 eval '[ "$(upm top "$W" pid | wc -l)" -ge 3 ]' || fail "podman exec: a second process"
PN=/proc/$P/ns/pid
is "$(engine_pairs "$PN")" "$(upm top "$W" hpid pid | awk 'NR > 1 { print $1, $2 }' | sort -n)" \
	"nspid --pidns NSFILE --all: host pid and container pid of every process, as the user's podman top has them"

is "$("$BUILD/nsenter-lite" -t "$P" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$P")" \
	"nsenter-lite -t PID: every namespace of the user's container, its user namespace included"
is "$("$BUILD/nsenter-lite" -t "$P" -- hostname)" "$(upm inspect --format '{{.Config.Hostname}}' "$W")" \
	"nsenter-lite -t PID hostname: the container's hostname, as the user's podman inspect has it"
out=$("$BUILD/nsenter-lite" -t "$P" --explain -- true)
got=$(echo "$out" | awk '$4 == "join" { print $2, $1 }' | sort)
is "$got" "$(engine_ns "$P")" "nsenter-lite --explain: joins exactly the namespaces of podman's pid, the user namespace too"
U=$(ns_ino "$P" user)
is "$("$BUILD/nstree" -l -r -n -o NS,OUID -t user 2>/dev/null | awk -v u="$U" '$1 == u { print $2 }')" "$RL_UID" \
	"nstree: the container's user namespace is owned by the test user"
is "$("$BUILD/nstree" -l -r -n -o NS,TYPE -p "$P" 2>/dev/null | sort | awk 'NR == FNR { k[$0]; next } ($0 in k)' - <(engine_ns "$P"))" \
   "$(engine_ns "$P")" "nstree -p PID: every namespace of the user's container"
done_testing

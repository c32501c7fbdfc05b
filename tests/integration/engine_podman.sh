#!/usr/bin/env bash
# The tools against real podman containers (root, runc, cgroupfs): a named
# container, an exec'd sibling, --pid=host, a stopped one and a pod.
# Ground truth: podman's own answers (inspect, top) and the namespaces of
# the pid podman names.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
engine_require podman
podman_image || { fail "the busybox image loaded into podman"; done_testing; exit; }

# ------------------------------------------------------- a named container
W=$(engine_name web)
podman_run "$W" --hostname "$W" || { fail "podman run $W"; done_testing; exit; }
P=$ENGINE_PID
is "$(engine_nstree "$W")" "$(engine_ns "$P" | sed "s/\$/ $W/")" \
	"nstree NAME: the container's own namespaces (those of podman's pid), labelled by its name"
is "$(engine_label "$P")" "$W" "nspid: the container's init is labelled by its name"

pm exec -d "$W" sleep 100001 >/dev/null
engine_until 10 eval '[ "$(pm top "$W" pid | wc -l)" -ge 3 ]' || fail "podman exec: a second process"
is "$(engine_pairs "$W")" "$(pm top "$W" hpid pid | awk 'NR > 1 { print $1, $2 }' | sort -n)" \
	"nspid --pidns NAME --all: host pid and container pid of every process, as podman top has them"
S=$(pm top "$W" hpid args | awk 'NR > 1 && /100001/ { print $1 }')
is "$(engine_ns "$S")" "$(engine_ns "$P")" "(podman exec: the sibling shares the init's namespaces)"
is "$(engine_label "$S")" "$W" "nspid: the exec'd sibling is labelled by the container's name"
is "$(engine_nstree "$W")" "$(engine_ns "$P" | sed "s/\$/ $W/")" \
	"nstree NAME with an exec'd sibling: the same namespaces, the label stays"

is "$("$BUILD/nsenter-lite" -t "$W" -- hostname)" "$(pm inspect --format '{{.Config.Hostname}}' "$W")" \
	"nsenter-lite -t NAME hostname: the container's hostname, as podman inspect has it"
is "$("$BUILD/nsenter-lite" -t "$W" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$P")" \
	"nsenter-lite -t NAME: every namespace of podman's pid"
out=$("$BUILD/nsenter-lite" -t "$W" --explain -- true)
exp=$(engine_ns "$P" | awk '{ print $2, $1 }')
got=$(echo "$out" | awk -v w="$W" '$4 == "join" && $6 == w { print $1, $2 }' | sort)
is "$got" "$(echo "$exp" | sort)" "nsenter-lite --explain: joins exactly the namespaces of podman's pid, from NAME"
like "$out" "container: podman $(pm inspect --format '{{.Id}}' "$W") named $W" \
	"nsenter-lite --explain: the container by podman's full id and name"
# the busybox image has no bash: looked up in the container's root, the
# command is missing there (127), whatever our root holds
out=$("$BUILD/nsenter-lite" -t "$W" --explain -- /bin/bash -c true); erc=$?
"$BUILD/nsenter-lite" -t "$W" -- /bin/bash -c true 2>"$T_TMP/err"; rc=$?
is "$erc:$rc:$(cat "$T_TMP/err")" "1:127:nsenter-lite: /bin/bash: command not found" \
	"nsenter-lite -t NAME /bin/bash in a busybox container: not found there (127), --explain says the run fails"
like "$out" "result: the run would fail \(exit 127\)" "... and predicts exit 127"
like "$out" "root: the root of the mount namespace joined" "... and says whose root the command sees"
out=$("$BUILD/nsenter-lite" -t "$W" --explain -- sh -c true); erc=$?
"$BUILD/nsenter-lite" -t "$W" -- sh -c true; rc=$?
is "$erc:$rc" "0:0" "nsenter-lite -t NAME sh: busybox's, predicted and run"

# --------------------------------------------------------------- --pid=host
H=$(engine_name hostpid)
podman_run "$H" --pid=host || { fail "podman run --pid=host"; done_testing; exit; }
HP=$ENGINE_PID
is "$(ns_ino "$HP" pid)" "$(ns_ino $$ pid)" "(--pid=host: the container is in our pid namespace)"
is "$(engine_nstree "$H")" "$(engine_ns "$HP" | sed "s/\$/ $H/")" \
	"nstree NAME of a --pid=host container: its own namespaces labelled, the host's pid namespace not"
is "$(engine_label "$HP")" "$H" "nspid: a --pid=host container's process is labelled by its name"
is "$("$BUILD/nsenter-lite" -t "$H" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$HP")" \
	"nsenter-lite -t NAME of a --pid=host container: its namespaces"

# ----------------------------------------------------------------- stopped
X=$(engine_name stopped)
podman_run "$X" || { fail "podman run $X"; done_testing; exit; }
XP=$ENGINE_PID
pm stop -t 0 "$X" >/dev/null
engine_until 10 eval "! kill -0 $XP" || fail "(podman stop: its init is gone)"
is "$(pm inspect --format '{{.State.Status}}' "$X")" exited "(podman inspect: the container exited)"
for cmd in "nstree $X" "nspid --pidns $X --all" "nsenter-lite -t $X -- true"; do
	out=$("$BUILD"/$cmd 2>&1); rc=$?
	ok $(( rc == 0 )) "${cmd%% *} on a stopped container: an error (exit $rc)"
	is "$(echo "$out" | grep -c .)" 1 "${cmd%% *} on a stopped container: one error line"
	like "$out" "$X" "${cmd%% *} on a stopped container: the error names it"
	diag "today: $out"
done

# --------------------------------------------------------------------- pod
# an infra container of busybox: the pod's shared namespaces have a holder
D=$(engine_name pod)
if pm pod create --network none --name "$D" --infra-image "$ENGINE_IMAGE" --infra-command "${ENGINE_SLEEP[*]}" >/dev/null; then
	on_exit "pm pod rm -f -t 0 '$D'"
	podman_run "$D-api" --pod "$D" && A=$ENGINE_PID
	podman_run "$D-db" --pod "$D" && B=$ENGINE_PID
	if [ -n "${A:-}" ] && [ -n "${B:-}" ]; then
		is "$(ns_ino "$A" net) $(ns_ino "$A" uts) $(ns_ino "$A" ipc)" \
		   "$(ns_ino "$B" net) $(ns_ino "$B" uts) $(ns_ino "$B" ipc)" \
		   "(pod: its containers share net, uts and ipc)"
		for c in api db; do
			[ $c = api ] && p=$A || p=$B
			is "$(engine_label "$p")" "$D-$c" "pod: nspid labels the $c container's process by its name"
			is "$(engine_pairs "$D-$c")" "$(pm top "$D-$c" hpid pid | awk 'NR > 1 { print $1, $2 }' | sort -n)" \
				"pod: nspid --pidns NAME --all equals podman top for $c"
			is "$(engine_nstree "$D-$c" | awk '$2 == "pid" || $2 == "mnt"')" \
			   "$(engine_ns "$p" | awk '$2 == "pid" || $2 == "mnt"' | sed "s/\$/ $D-$c/")" \
			   "pod: nstree NAME lists the $c container's own pid and mnt namespaces, labelled"
			is "$("$BUILD/nsenter-lite" -t "$D-$c" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$p")" \
				"pod: nsenter-lite -t NAME enters the $c container's namespaces"
		done
	else
		fail "pod: two containers in pod $D"
	fi
else
	fail "podman pod create with a busybox infra container"
fi
done_testing

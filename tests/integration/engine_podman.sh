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
engine_check_named "$W" "$P" "$W" NAME "podman's"

pm exec -d "$W" sleep 100001 >/dev/null
engine_until 10 eval '[ "$(pm top "$W" pid | wc -l)" -ge 3 ]' || fail "podman exec: a second process"
is "$(engine_pairs "$W")" "$(pm top "$W" hpid pid | awk 'NR > 1 { print $1, $2 }' | sort -n)" \
	"nspid --pidns NAME --all: host pid and container pid of every process, as podman top has them"
S=$(pm top "$W" hpid args | awk 'NR > 1 && /100001/ { print $1 }')
engine_check_sibling "$W" "$P" "$S" "$W" NAME "podman exec"
engine_check_enter "$W" "$P" "$(pm inspect --format '{{.Config.Hostname}}' "$W")" \
	"container: podman $(pm inspect --format '{{.Id}}' "$W") named $W" NAME "podman's"
is "$(engine_nstree "podman:$W")" "$(engine_nstree "$W")" "nstree podman:NAME: the same as NAME"
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
engine_check_hostpid "$H" "$HP" "^$H\$" NAME
is "$(engine_nstop_label "$(ns_ino "$HP" mnt)")" "$H" "nstop -b: a --pid=host container's mnt namespace, labelled by its name"

# ----------------------------------------------------------------- stopped
X=$(engine_name stopped)
podman_run "$X" || { fail "podman run $X"; done_testing; exit; }
XP=$ENGINE_PID
pm stop -t 0 "$X" >/dev/null
engine_until 10 eval "! kill -0 $XP" || fail "(podman stop: its init is gone)"
is "$(pm inspect --format '{{.State.Status}}' "$X")" exited "(podman inspect: the container exited)"
engine_check_stopped "$X"

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
			is "$("$BUILD/nspid" -r -n -o POD "$p" | tail -1)" \
			   "$(pm ps -a --pod --format '{{.Names}} {{.PodName}}' | awk -v n="$D-$c" '$1 == n { print $2 }')" \
				"pod: nspid's POD of the $c container is the pod's name, as podman ps --pod has it"
		done
		# the pod as podman names it: its id, name, infra container
		PODID=$(pm pod inspect --format '{{.Id}}' "$D")
		INF=$(pm pod inspect --format '{{.InfraContainerID}}' "$D")
		IP=$(pm inspect --format '{{.State.Pid}}' "$INF")
		is "$(pm pod inspect --format '{{.Name}}' "$D")" "$D" "(podman pod inspect: the pod's name)"
		shared=$("$BUILD/nstree" -l -r -n -o NS,TYPE,CONTAINER,RUNTIME,CID,POD "pod:$D" 2>/dev/null |
			awk '$2 == "net" || $2 == "uts" || $2 == "ipc"' | sort)
		is "$shared" "$(for t in ipc net uts; do echo "$(ns_ino "$IP" $t) $t $D podman $PODID $D"; done | sort)" \
			"pod: nstree pod:NAME: the shared net, uts and ipc are the pod's (its name, podman's pod id), those of the infra's pid"
		is "$("$BUILD/nstree" -l -r -n -o TYPE,CONTAINER,POD "pod:$D" 2>/dev/null | awk '$1 == "pid" { print $2, $3 }' | sort)" \
		   "$(pm ps -a --pod --filter pod="$D" --format '{{.Names}} {{.PodName}}' | sort)" \
			"pod: nstree pod:NAME: a pid namespace for each of its containers, as podman ps --pod lists them, with the pod's name"
		is "$("$BUILD/nstree" -l -r -n -o NS,TYPE,CONTAINER,POD "podman:$D" 2>/dev/null)" \
		   "$("$BUILD/nstree" -l -r -n -o NS,TYPE,CONTAINER,POD "pod:$D" 2>/dev/null)" \
			"pod: nstree podman:POD names the pod as pod:POD does"
		is "$("$BUILD/nstree" -l -r -n -o TYPE,POD "pod:${PODID:0:12}" 2>/dev/null | awk '$1 == "net" { print $2 }')" "$D" \
			"pod: nstree pod:ID-PREFIX, by podman's pod id"
		is "$("$BUILD/nsenter-lite" -t "pod:$D" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$IP")" \
			"pod: nsenter-lite -t pod:NAME enters the pod: its shared namespaces and its infra container's own"
		is "$(engine_nstop_label "$(ns_ino "$IP" net)")" "$D" "pod: nstop -b labels the shared net namespace by the pod's name"
		is "$(engine_nstop_under "$(ns_ino "$IP" net)" "$(ns_ino "$A" pid)")" yes \
			"pod: nstop -g container: a member's pid namespace hangs under the pod's net namespace"
		is "$(engine_label "$IP")" "$(pm inspect --format '{{.Name}}' "$INF")" \
			"pod: nspid labels the infra container's process by its name (<podid>-infra)"
	else
		fail "pod: two containers in pod $D"
	fi
else
	fail "podman pod create with a busybox infra container"
fi
done_testing

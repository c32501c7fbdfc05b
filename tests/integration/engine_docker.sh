#!/usr/bin/env bash
# The tools against a real docker: a dockerd of this test only (its own
# socket, data and exec roots, cgroupfs driver), a named container, a
# `docker exec` sibling, --pid=host and a stopped container. Ground truth:
# docker's own answers (inspect, top) and the namespaces of the pid docker
# names. The daemon's data root is private: the tools find it from the
# container's bundle (its shim's), so the label is its name (checked as the
# name or docker's 12-digit id, the label of a container without one).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
engine_require docker
docker_start || { fail "a private dockerd started and the image loaded"; done_testing; exit; }

W=$(engine_name web)
docker_run "$W" --hostname "$W" || { fail "docker run $W"; done_testing; exit; }
P=$ENGINE_PID ID=$(dk inspect --format '{{.Id}}' "$W")
R=${ID:0:12}
L=$(engine_label "$P")
like "$L" "^($W|$R)\$" "nspid: the container's init is labelled by its name or docker's short id"
engine_check_named "$R" "$P" "$L" ID-PREFIX "docker's"

dk exec -d "$W" sleep 100001
engine_until 10 eval '[ "$(dk top "$W" -o pid | wc -l)" -ge 3 ]' || fail "docker exec: a second process"
pairs=$(engine_pairs "$R")
is "$(echo "$pairs" | awk '{ print $1 }')" "$(dk top "$W" -o pid | awk 'NR > 1' | sort -n)" \
	"nspid --pidns ID --all: the host pids docker top lists"
is "$(echo "$pairs" | awk -v p="$P" '$1 == p { print $2 }')" 1 \
	"nspid --pidns ID --all: docker's pid is 1 in the container"
S=$(dk top "$W" -o pid,args | awk 'NR > 1 && /100001/ { print $1 }')
is "$(echo "$pairs" | awk -v p="$S" '$1 == p { print $2 }')" \
   "$(dk exec "$W" sh -c 'for p in /proc/[0-9]*; do [ "$(tr "\0" " " <$p/cmdline 2>/dev/null)" = "sleep 100001 " ] && echo ${p#/proc/}; done')" \
	"nspid --pidns ID --all: the exec'd sibling's pid in the container, as the container's /proc has it"
engine_check_sibling "$R" "$P" "$S" "$L" ID-PREFIX "docker exec"
engine_check_enter "$R" "$P" "$(dk inspect --format '{{.Config.Hostname}}' "$W")" "container: docker $ID" \
	ID-PREFIX "docker's"
is "$("$BUILD/nsenter-lite" -t "$ID" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$P")" \
	"nsenter-lite -t FULL-ID: every namespace of docker's pid"
is "$(engine_nstree "docker:$W")" "$(engine_nstree "$R")" "nstree docker:NAME: the same as its id prefix"

# --------------------------------------------------------------- --pid=host
H=$(engine_name hostpid)
docker_run "$H" --pid=host || { fail "docker run --pid=host"; done_testing; exit; }
HP=$ENGINE_PID HR=$(dk inspect --format '{{.Id}}' "$H" | cut -c1-12)
engine_check_hostpid "$HR" "$HP" "^($H|$HR)\$" ID-PREFIX

# ------------------------------------- nstrace -C: what docker exec starts
# the unshares of processes docker exec starts after tracing began, each
# labelled with the container; nothing of the host nor of another container
if "$BUILD/nstrace" -d 0.01 >/dev/null 2>"$T_TMP/probe"; then
	D=$(engine_name trace)
	docker_run "$D" --cap-add SYS_ADMIN --security-opt seccomp=unconfined ||
		fail "docker run $D (allowed to unshare)"
	DID=$(dk inspect --format '{{.Id}}' "$D")
	cp "$(command -v unshare)" "$T_TMP/hostuns$$"
	"$BUILD/nstrace" -v -J -C "docker:$D" >"$T_TMP/tr" 2>"$T_TMP/tr.err" & TP=$!
	on_exit "kill -KILL $TP"
	engine_until 30 grep -q 'attached through' "$T_TMP/tr.err" || diag "$(cat "$T_TMP/tr.err")"
	dk exec "$D" unshare -n true
	dk exec "$D" unshare -u true
	dk exec "$W" unshare -n true 2>/dev/null # refused there: not traced either
	"$T_TMP/hostuns$$" -n true
	kill -INT "$TP"; wait "$TP"; is "$?" 0 "nstrace -C docker:NAME: exit 0 on SIGINT"
	res=$(python3 - "$T_TMP/tr" "$D" "$DID" <<'EOP'
import json, sys
f, name, cid = sys.argv[1:4]
ev = [json.loads(l) for l in open(f)]
ev = [o for o in ev if o["kind"] != "end"]
u = sorted(tuple(o["types"]) for o in ev if o["kind"] == "unshare")
assert u == [("net",), ("uts",)], "the exec'd unshares: %s" % u
bad = [o for o in ev if o["container"] not in (name, cid[:12]) or o["runtime"] != "docker" or o["cid"] != cid]
assert not bad, "labelled with the container: %s" % bad[:1]
assert not [o for o in ev if o["comm"].startswith("hostuns")], "nothing of the host"
print("ok %d" % len(ev))
EOP
	)
	like "$res" '^ok' "nstrace -C docker:NAME -J: the unshares of docker exec'd processes, labelled docker/full id, nothing else" ||
		diag "$res: $(cat "$T_TMP/tr")"
else
	skip "[bpf] nstrace cannot trace here: $(head -1 "$T_TMP/probe")"
fi

# ----------------------------------------------------------------- stopped
X=$(engine_name stopped)
docker_run "$X" || { fail "docker run $X"; done_testing; exit; }
XP=$ENGINE_PID XR=$(dk inspect --format '{{.Id}}' "$X" | cut -c1-12)
dk stop -t 0 "$X" >/dev/null
engine_until 10 eval "! kill -0 $XP" || fail "(docker stop: its init is gone)"
is "$(dk inspect --format '{{.State.Status}}' "$X")" exited "(docker inspect: the container exited)"
engine_check_stopped "$XR"
done_testing

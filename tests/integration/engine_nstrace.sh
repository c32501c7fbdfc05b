#!/usr/bin/env bash
# nstrace -C and nstop -C against real podman containers (root, runc,
# cgroupfs): a container with its own pid namespace (its exec'd processes,
# started after tracing began, and a nested pid namespace below it), a
# second container, a --pid=host one (filtered by its cgroup) and the host
# itself; each event labelled with its container. Ground truth: podman
# inspect and the namespaces of the pids podman names.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
NSTRACE=$BUILD/nstrace
engine_require podman
nstrace_probe; probe=$?
[ "$probe" = 1 ] && { skip "[bpf] BPF event source unavailable: $NSTRACE_WHY"; done_testing; exit; }
[ "$probe" = 2 ] && { fail "nstrace -- true traces, or says in one line why it cannot" || diag "$NSTRACE_WHY"; done_testing; exit; }
podman_image || { fail "the busybox image loaded into podman"; done_testing; exit; }

# allowed to unshare (CAP_SYS_ADMIN in the container, no seccomp filter)
CAPS=(--cap-add SYS_ADMIN --security-opt seccomp=unconfined)
W=$(engine_name trw); podman_run "$W" "${CAPS[@]}" || { fail "podman run $W"; done_testing; exit; }
WP=$ENGINE_PID
O=$(engine_name tro); podman_run "$O" "${CAPS[@]}" || { fail "podman run $O"; done_testing; exit; }
H=$(engine_name trh); podman_run "$H" --pid=host "${CAPS[@]}" ||
	{ fail "podman run --pid=host"; done_testing; exit; }
HP=$ENGINE_PID
WID=$(pm inspect --format '{{.Id}}' "$W"); HID=$(pm inspect --format '{{.Id}}' "$H")
# the host's own call, under a name of its own
cp "$(command -v unshare)" "$T_TMP/hostuns$$"

# trace OUT ARGS...: nstrace -v ARGS in the background, back once it says
# the probe is attached (TP: its pid)
trace() {
	local out=$1; shift
	"$NSTRACE" -v "$@" >"$out" 2>"$out.err" & TP=$!
	on_exit "kill -KILL $TP"
	engine_until 30 grep -q 'attached through' "$out.err" || { diag "$(cat "$out.err")"; return 1; }
}
stop() { kill -INT "$TP"; wait "$TP"; }

# the calls: each synchronous, committed to the ring before it returns;
# one unshare -n in each container and on the host
workload_net() {
	pm exec "$W" unshare -n true
	pm exec "$O" unshare -n true
	pm exec "$H" unshare -n true
	"$T_TMP/hostuns$$" -n true
}
# and in W a process started after tracing began, with a nested pid namespace
workload() {
	pm exec "$W" sh -c 'unshare -u true; unshare -p -f unshare -i true'
	workload_net
}

# ------------------------------------------------ a container of its own
trace "$T_TMP/w" -J -C "$W" || fail "nstrace -C $W: attached"
like "$(cat "$T_TMP/w.err")" "$W: pid namespace $(ns_ino "$WP" pid) " "-v: the container's pid namespace is the filter"
workload
stop; is "$?" 0 "nstrace -C NAME: exit 0 on SIGINT"
res=$(python3 - "$T_TMP/w" "$W" "$WID" "$(ns_ino "$WP" pid)" "$(ns_ino $$ pid)" <<'EOP'
import json, sys
f, name, cid, pidns, host = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
ev = [json.loads(l) for l in open(f)]
ev = [o for o in ev if o["kind"] != "end"]
bad = [o for o in ev if o["container"] != name or o["runtime"] != "podman" or o["cid"] != cid]
assert not bad, "labelled with the container: %s" % bad[:1]
assert all(not o["comm"].startswith("hostuns") and o["pidns"]["ino"] != host for o in ev), "nothing of the host"
own = [o for o in ev if o["pidns"]["ino"] == pidns]
nested = [o for o in ev if o["pidns"]["ino"] != pidns]
u = sorted(tuple(o["types"]) for o in own if o["kind"] == "unshare")
assert u == [("net",), ("pid",), ("uts",)], "the container's own unshares: %s" % u
assert len(nested) == 1 and nested[0]["types"] == ["ipc"] and len(nested[0]["nspid"]) == 3, \
    "the nested pid namespace's unshare: %s" % nested
assert len(ev) == len(own) + len(nested)
# the second container's unshare -n would be a second ("net",)
print("ok %d" % len(ev))
EOP
)
like "$res" '^ok' "nstrace -C NAME -J: the exec'd processes' unshares, the nested pid namespace's, nothing else, each labelled $W/podman/full id"

# ------------------------------------------- text mode, two -C, host-wide
trace "$T_TMP/t" -C "$W" -C "$O" || fail "nstrace -C W -C O: attached"
workload_net; stop
is "$(grep -c "unshare(NEWNET) = 0 .* container=$W " "$T_TMP/t")" 1 "text: the unshare -n in $W, labelled container=$W"
is "$(grep -c "unshare(NEWNET) = 0 .* container=$O " "$T_TMP/t")" 1 "text, -C twice: the unshare -n in $O too"
is "$(grep -c -e "hostuns" -e "container=$H" "$T_TMP/t")" 0 "text: neither the host's call nor the --pid=host container's"

# --------------------------------------------- --pid=host: by its cgroup
trace "$T_TMP/h" -J -C "$H" || fail "nstrace -C --pid=host container: attached"
like "$(cat "$T_TMP/h.err")" "$H: in the host's pid namespace: filtered by the cgroup of pid $HP" \
	"-v: a --pid=host container is filtered by its cgroup"
workload_net; stop
res=$(python3 - "$T_TMP/h" "$H" "$HID" <<'EOP'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ev = [o for o in ev if o["kind"] != "end"]
assert [o["types"] for o in ev if o["kind"] == "unshare"] == [["net"]], [o["types"] for o in ev]
assert all(o["container"] == sys.argv[2] and o["cid"] == sys.argv[3] for o in ev), ev
print("ok")
EOP
)
is "$res" ok "nstrace -C of a --pid=host container: its exec'd unshare only, labelled"

# ---------------------------------------------- host-wide: every label
# (in the host's pid namespace a caller is labelled while it runs: the
# --pid=host container's stays, in a new network namespace, until killed)
trace "$T_TMP/a" -J -t net --line-buffered || fail "nstrace host-wide: attached"
workload_net
pm exec -d "$H" unshare -n sleep 100001 >/dev/null
engine_until 30 grep -q '"comm":"unshare".*"container":"'"$H"'"' "$T_TMP/a" ||
	diag "no labelled event of $H: $(grep -c . "$T_TMP/a") lines"
stop
res=$(python3 - "$T_TMP/a" "hostuns$$" "$W" "$O" "$H" 2>&1 <<'EOP'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ev = [o for o in ev if o["kind"] == "unshare" and o["types"] == ["net"] and o["ret"] == 0]
for name in sys.argv[3:]:
    n = [o for o in ev if o["container"] == name and o["comm"] == "unshare"]
    assert n, "an unshare -n labelled %s: %s" % (name, [(o["comm"], o["container"], o["pidns"]) for o in ev])
# this run's own host caller (a suite running beside this one has its own)
host = [o for o in ev if o["comm"] == sys.argv[2]]
assert len(host) == 1 and host[0]["container"] is None and host[0]["cid"] is None, host
print("ok")
EOP
)
is "$res" ok "host-wide: each container's unshare labelled with it, the host's with none (null)"

# ---------------------------------------------------------- nstop -C
rows() { "$BUILD/nstop" -b -n 1 -o NS,TYPE "$@" 2>&1 | awk 'f && NF { gsub(/[^0-9a-z ]/, ""); print $1, $2 } /^ *NS /{ f = 1 }' | sort; }
all_ns() { for p in "$@"; do for t in $ENGINE_NS_TYPES; do echo "$(ns_ino "$p" "$t") $t"; done; done | sort -u; }
pids=$(pm top "$W" hpid | awk 'NR > 1 { print $1 }')
# (the host's pid namespace is there as context: the container's is below it)
is "$(rows -C "$W")" "$( (all_ns $pids; echo "$(ns_ino $$ pid) pid") | sort -u)" \
	"nstop -b -C NAME: the rows are the namespaces of podman top's processes"
# (podman top lists every host process for a --pid=host container: its
# processes are those of its cgroup, as runc made it)
cg=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$HP/cgroup")
pidsH=$(cat "/sys/fs/cgroup/pids$cg/cgroup.procs")
[ "$(wc -w <<<"$pidsH")" -ge 2 ]; ok $? "(the --pid=host container's cgroup: its init and the exec'd sleep)"
is "$(rows -C "$H")" "$(all_ns $pidsH)" "nstop -b -C of a --pid=host container: its processes' namespaces"

# ------------------------------------------------------------ errors
X=$(engine_name trx); podman_run "$X" || fail "podman run $X"
XP=$ENGINE_PID XID=$(pm inspect --format '{{.Id}}' "$X")
pm stop -t 0 "$X" >/dev/null
# stopped: its init gone and podman's clean-up done (runc's state removed)
engine_until 10 eval "! kill -0 $XP" || fail "(podman stop: its init is gone)"
engine_until 30 eval "[ ! -e /run/runc/$XID ]" || fail "(podman stop: runc's state removed)"
err=$("$NSTRACE" -C "$X" -d 0.1 2>&1); rc=$?
is "$rc:$err" "1:nstrace: $X: container $X is not running (podman ${XID:0:12})" \
	"nstrace -C of a stopped container: exit 1, one line saying it is not running"
err=$("$NSTRACE" -C "nosuch-$$" -d 0.1 2>&1); rc=$?
is "$rc:$err" "1:nstrace: nosuch-$$: no such namespace or container" "nstrace -C unknown: the resolver's wording, exit 1"
err=$("$BUILD/nstop" -b -n 1 -C "nosuch-$$" 2>&1); rc=$?
is "$rc:$err" "1:nstop: nosuch-$$: no such namespace or container" "nstop -C unknown: the same"
done_testing

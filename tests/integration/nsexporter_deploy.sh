#!/usr/bin/env bash
# The example deployment files beside nsexporter (tools/nsexporter/deploy)
# against the tool: the systemd unit and the DaemonSet grant the same
# capabilities, and the exporter does its work with exactly those and no
# more (run under that bounding set: a container-like namespace set whose
# init belongs to another user is found, its environment and namespace
# links read; the BPF counters load where they load for full root); one of
# them fewer and that process is out of its reach. The DaemonSet shares the
# host's pid namespace, drops everything else, mounts /sys/fs/bpf and
# probes the port and /healthz the exporter serves; the unit does not
# restart on the exit status of a usage error; systemd-analyze accepts it.
# The counters the exporter holds are per-CPU maps: no ring buffer.
source "$(dirname "$0")/../lib/lib.sh"
EXP=$BUILD/nsexporter
DEP=$SRCDIR/tools/nsexporter/deploy
UNIT=$DEP/nsexporter.service DS=$DEP/daemonset.yaml

# ------------------------------------------------------------ the files
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' | sed 's/^CAP_//' | sort | xargs)
ds_caps=$(sed -n 's/^ *add: \[\(.*\)\]/\1/p' "$DS" | tr -d '" ' | tr ',' '\n' | sort | xargs)
is "$unit_caps" "BPF DAC_READ_SEARCH PERFMON SYS_PTRACE" "unit: CapabilityBoundingSet is BPF, DAC_READ_SEARCH, PERFMON, SYS_PTRACE"
is "$ds_caps" "$unit_caps" "DaemonSet: adds the same capabilities"
like "$(grep -E '^ *drop:' "$DS")" 'drop: \["ALL"\]' "DaemonSet: drops every other capability"
like "$(grep -E '^ *(hostPID|privileged):' "$DS" | xargs)" "hostPID: true privileged: false" "DaemonSet: hostPID, not privileged"
like "$(grep -A1 -E 'hostPath:' "$DS" | grep -E 'path:' | xargs)" "/sys/fs/bpf" "DaemonSet: mounts the host's /sys/fs/bpf"
port=$(sed -n 's/^ *containerPort: //p' "$DS")
like "$("$EXP" --help)" "default 127\.0\.0\.1:$port;" "DaemonSet: containerPort $port is the default port (--help)"
like "$(grep -A3 readinessProbe "$DS" | xargs)" "readinessProbe: httpGet: path: /healthz port: metrics" \
	"DaemonSet: a readiness probe on /healthz of the metrics port"
like "$(grep -n -E -- '--listen|0\.0\.0\.0:' "$DS" | xargs)" "0\.0\.0\.0:$port" "DaemonSet: listens on every address, the probed port"
usage_rc=$("$EXP" --bogus >/dev/null 2>&1; echo $?)
is "$(sed -n 's/^RestartPreventExitStatus=//p' "$UNIT")" "$usage_rc" \
	"unit: no restart after a usage error (exit $usage_rc), a restart after anything else"
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
if command -v systemd-analyze >/dev/null; then
	mkdir "$T_TMP/unit"
	sed "s|^ExecStart=$exe|ExecStart=$EXP|" "$UNIT" >"$T_TMP/unit/nsexporter.service"
	out=$(systemd-analyze verify --man=no "$T_TMP/unit/nsexporter.service" 2>&1); rc=$?
	is "$rc:$(grep -i nsexporter <<<"$out")" "0:" "systemd-analyze verify: the unit passes"
else
	skip "[tool] systemd-analyze not installed"
fi
ok "$(grep -q 'tools/nsexporter/deploy/' "$SRCDIR/README.md"; echo $?)" "README points to the deployment files"
is "$(grep -c -E '^\.B (nsexporter\.service|daemonset\.yaml)$' "$SRCDIR/man/nsexporter.8")" 2 "nsexporter(8) describes both"

# ------------------------------------------- the capabilities at work
[ "$(id -u)" = 0 ] || { skip "[root] running under a bounding set of capabilities needs root"; done_testing; exit; }
# root execs with the bounding set as its capabilities
with_caps() { # with_caps CAP,CAP... CMD...
	local set=$1; shift
	setpriv --bounding-set "-all,$(sed 's/\([^,]*\)/+\L\1/g' <<<"$set")" --inh-caps -all "$@"
}
caps=$(tr ' ' ',' <<<"$unit_caps")
# CAP_DAC_READ_SEARCH 2, CAP_SYS_PTRACE 19, CAP_PERFMON 38, CAP_BPF 39
is "$(with_caps "$caps" grep ^CapEff /proc/self/status | awk '{ print $2 }')" \
	"$(printf '%016x' $(( (1 << 2) | (1 << 19) | (1 << 38) | (1 << 39) )))" \
	"(setpriv: a process with exactly the unit's capabilities)"
RT=nstdep$$
# a namespace set whose init runs as nobody: its links and environ need
# CAP_SYS_PTRACE (another user's process)
C=$(bg_start unshare --pid --fork unshare --uts --ipc --net --mount --mount-proc \
	env container=$RT setpriv --reuid=65534 --regid=65534 --clear-groups sleep 600)
found() { # found CAPS [OPTION...]: the exporter, with those capabilities, sees the set
	local set=$1; shift
	with_caps "$set" "$EXP" --once --per-container "$@" >"$T_TMP/once.txt" 2>"$T_TMP/once.err"
	grep -qx "nsexporter_containers{runtime=\"$RT\"} 1" "$T_TMP/once.txt" &&
		grep -q "^nsexporter_container_namespaces{[^}]*,runtime=\"$RT\"} 5\$" "$T_TMP/once.txt"
}
# its init: the sleep (pid 1 there), killed by pid at exit (with its
# parent gone it would outlive the group kill)
init_pid() { local c; for c in $(cat "/proc/$C/task/$C/children" 2>/dev/null); do cat "/proc/$c/task/$c/children" 2>/dev/null; echo "$c"; done; }
n=100; until [ "$(stat -c %u "/proc/$(init_pid | head -1)" 2>/dev/null)" = 65534 ] || [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
S=$(init_pid | head -1)
on_exit "kill -KILL $S"
is "$(stat -c %u "/proc/$S")" 65534 "(the set's init runs as nobody)"
ok "$(found "$caps"; echo $?)" \
	"with exactly $caps: a set whose init is nobody's found, its 5 namespaces counted ($(cat "$T_TMP/once.err"))"
ok "$(grep -qx 'nsexporter_last_scan_success 1' "$T_TMP/once.txt"; echo $?)" "... the scan succeeded"
full_bpf=$("$EXP" --once | grep -c '^nsexporter_bpf_up 1$')
is "$(grep -c '^nsexporter_bpf_up 1$' "$T_TMP/once.txt")" "$full_bpf" \
	"... the BPF counters load as they do for full root (bpf_up $full_bpf)"
# the counters: in-kernel per-CPU counters, no ring buffer or perf buffer
# to lose events from (the map types of the maps the serving exporter
# holds, from /proc/PID/fdinfo: 6 per-CPU array, 27 ring buffer, 4 perf
# event array)
if [ "$full_bpf" = 1 ]; then
	setsid setpriv --bounding-set "-all,$(sed 's/\([^,]*\)/+\L\1/g' <<<"$caps")" --inh-caps -all \
		"$EXP" --listen 127.0.0.1:0 </dev/null >/dev/null 2>"$T_TMP/serve.err" &
	SP=$!
	echo "$SP" >>"$T_TMP/bg.pids"
	on_exit "kill -TERM $SP"
	n=600; until grep -qs "listening on" "$T_TMP/serve.err" || [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
	types=$(for f in /proc/$SP/fdinfo/*; do awk '$1 == "map_type:" { print $2 }' "$f" 2>/dev/null; done | sort -nu | xargs)
	like " $types " " 6 " "serving with exactly $caps: the counters are a per-CPU array map (map types: $types)"
	unlike " $types " " (27|4) " "... and no ring buffer or perf event array"
	kill -TERM "$SP"
else
	skip "[bpf] the counters do not load here: $(grep -o 'bpf_up{reason="[^"]*"' "$T_TMP/once.txt")"
fi
# the /proc walk (--source proc: where the task iterator cannot run) and
# the fd and mount passes read the other user's /proc files
ok "$(found "$caps" --no-bpf --source proc; echo $?)" "with exactly $caps, the /proc walk finds it too"
ok "$(found "$(sed 's/SYS_PTRACE,\?//; s/,$//' <<<"$caps")" --no-bpf --source proc; [ $? != 0 ]; echo $?)" \
	"without SYS_PTRACE the /proc walk does not: the capability is needed"
kill -KILL -- "-$C" 2>/dev/null
done_testing

#!/usr/bin/env bash
# nstrace benchmark (make bench):
#  1. added cost per unshare(CLONE_NEWUTS): 20,000 calls, median of ROUNDS
#     runs, without a probe, with nstrace attached host-wide, and with an
#     equivalent bpftrace one-liner (entry+exit, one printed line per call);
#  2. the tracer's own CPU per event (utime+stime of the tracer process over
#     a run of CPU_N events) in human, -J and -c modes, -J with every
#     event labelled with its container, and bpftrace's;
#  3. bursts of 2 x 20,000, 4 x 50,000 and 8 x 100,000 unshare calls started
#     together (BURSTS overrides), default 2 MiB ring: events received +
#     lost must equal events made, and 0 may be lost; bpftrace's lines
#     received alongside.
# Timing figures are reported (this machine is shared; they are not a
# pass/fail gate); the burst accounting is.
set -u
: "${BUILD:?BUILD must be set (tests/bench/run.sh sets it)}"
NSTRACE=$BUILD/nstrace
STORM=$BUILD/tests/helpers/nstrace_storm
N=20000
ROUNDS=${BENCH_ROUNDS:-5}
TARGET_NS=1000
CPU_N=${BENCH_CPU_N:-200000}
BURSTS=${BENCH_BURSTS:-2x20000 4x50000 8x100000}
CPU_TARGET_US=1.5
TMP=$(mktemp -d /tmp/nstrace-bench.XXXXXX)
TRACER=
cleanup() { [ -n "$TRACER" ] && kill -INT "$TRACER" 2>/dev/null && wait "$TRACER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
rc=0

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# per_call: median wall ns per call; per_call_cpu then gives the median CPU
# ns per call of the same runs (the callers' user + system time, where the
# probe's own work is counted: on a busy machine the steadier figure)
per_call() { for _ in $(seq "$ROUNDS"); do "$STORM" "$N"; done >"$TMP/pc"; awk '{ print $3 }' "$TMP/pc" | median; }
per_call_cpu() { awk '{ print $4 }' "$TMP/pc" | median; }

# start a tracer in the background, wait until it says it is attached
start_tracer() { # start_tracer READY-REGEX LOG OUT CMD...
	local re=$1 log=$2 out=$3; shift 3
	if [ "$out" = "$log" ]; then "$@" >"$out" 2>&1 & else "$@" >"$out" 2>"$log" & fi
	TRACER=$!
	for _ in $(seq 200); do grep -Eq "$re" "$log" && return 0; sleep 0.05; done
	echo "tracer did not attach: $(head -3 "$log")"; return 1
}
stop_tracer() { kill -INT "$TRACER"; wait "$TRACER"; TRACER=; }

if ! "$NSTRACE" -d 0.01 >/dev/null 2>"$TMP/probe"; then
	echo "SKIP: $(cat "$TMP/probe")"; exit 0
fi

echo "-- cost per unshare(CLONE_NEWUTS), $N calls, median of $ROUNDS runs"
base=$(per_call); basec=$(per_call_cpu)
start_tracer 'attached' "$TMP/nstrace.log" /dev/null "$NSTRACE" -v || exit 1
with=$(per_call); withc=$(per_call_cpu)
stop_tracer
# the probe's share alone: every call recorded at entry and exit, none
# delivered (they all succeed)
start_tracer 'attached' "$TMP/nstrace.log" /dev/null "$NSTRACE" -v --failed || exit 1
probe=$(per_call); probec=$(per_call_cpu)
stop_tracer
base2=$(per_call); base2c=$(per_call_cpu)
base=$(printf '%s\n%s\n' "$base" "$base2" | sort -n | head -1)
basec=$(printf '%s\n%s\n' "$basec" "$base2c" | sort -n | head -1)

bpft=
# bpftrace needs tracefs for syscall tracepoints: a private mount
prog='tracepoint:syscalls:sys_enter_unshare { @f[tid] = args->unshare_flags; @t[tid] = nsecs; }
tracepoint:syscalls:sys_exit_unshare /@t[tid]/ { printf("%d %s unshare(%x) = %d %d\n", pid, comm, @f[tid], args->ret, nsecs - @t[tid]); delete(@f[tid]); delete(@t[tid]); }'
start_bpftrace() { # start_bpftrace OUT
	command -v bpftrace >/dev/null &&
	start_tracer 'Attaching' "$1" "$1" unshare -m --propagation private \
		sh -c 'mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing; exec bpftrace -e "$0"' "$prog"
}
if start_bpftrace "$TMP/bpftrace.log"; then
	bpft=$(per_call)
	stop_tracer
fi
awk -v b="$basec" -v w="$withc" -v p="$probec" 'BEGIN {
	printf "CPU of the callers: no probe %.0f ns/call, nstrace +%.0f ns, nstrace --failed (probe) +%.0f ns\n", b, w - b, p - b
}'
awk -v b="$base" -v w="$with" -v p="$probe" -v t="$bpft" -v tgt="$TARGET_NS" 'BEGIN {
	printf "no probe                   %8.0f ns/call\n", b
	printf "nstrace (every event shown)%8.0f ns/call  +%.0f ns (x%.2f)  target <= %d ns: %s\n", w, w - b, w / b, tgt, (w - b <= tgt ? "met" : "NOT met")
	printf "nstrace --failed (probe)   %8.0f ns/call  +%.0f ns (x%.2f)\n", p, p - b, p / b
	if (t != "") printf "bpftrace one-liner         %8.0f ns/call  +%.0f ns (x%.2f)\n", t, t - b, t / b
}'

# ticks of CPU (user+system) the tracer has used so far
ticks() { awk '{ print $14 + $15 }' "/proc/$TRACER/stat"; }
# wait until the tracer has caught up: its CPU and its output stand still
settle() { # settle OUT
	local prev= cur
	for _ in $(seq 100); do
		cur="$(ticks) $(stat -c %s "$1")"
		[ "$cur" = "$prev" ] && return 0
		prev=$cur; sleep 0.3
	done
}
cpu_per_event() { # cpu_per_event OUT [PREFIX...]: run CPU_N unshare calls, print us per event
	local t0 t1 out=$1; shift
	settle "$out"; t0=$(ticks)
	"$@" "$STORM" "$CPU_N" >/dev/null
	settle "$out"; t1=$(ticks)
	awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$CPU_N" 'BEGIN { printf "%.2f", d / hz / n * 1e6 }'
}

echo "-- tracer CPU per event: $CPU_N unshare(CLONE_NEWUTS), tracer host-wide writing to a file"
for mode in human json summary; do
	case $mode in human) flag=;; json) flag=-J;; summary) flag=-c;; esac
	start_tracer 'attached' "$TMP/nstrace.log" /dev/null "$NSTRACE" -v $flag -o "$TMP/cpu.out" || exit 1
	us=$(cpu_per_event "$TMP/cpu.out")
	stop_tracer
	bytes=$(stat -c %s "$TMP/cpu.out")
	extra=
	[ $mode = json ] && extra=$(awk -v b="$bytes" -v n="$CPU_N" -v t="$CPU_TARGET_US" -v u="$us" \
		'BEGIN { printf "  %.0f bytes/event  target <= %.1f us: %s", b / n, t, (u <= t ? "met" : "NOT met") }')
	printf 'nstrace %-8s %6s us/event%s\n' "$mode" "$us" "$extra"
done
# the same calls made in a container: the storm in a pid namespace of its
# own and in a cgroup laid out as docker's cgroupfs driver does, so every
# event is labelled (CONTAINER, RUNTIME, CID): the label's cost per event
CG=
for h in /sys/fs/cgroup/pids /sys/fs/cgroup; do
	[ -w "$h/cgroup.procs" ] && CG=$h/docker/$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') && break
done
if [ -n "$CG" ] && mkdir -p "$CG"; then
	printf '#!/bin/sh\necho $$ >"%s/cgroup.procs" && exec unshare -pf --kill-child "$@"\n' "$CG" >"$TMP/incg"
	chmod +x "$TMP/incg"
	start_tracer 'attached' "$TMP/nstrace.log" /dev/null "$NSTRACE" -v -J -o "$TMP/cpu.out" || exit 1
	us=$(cpu_per_event "$TMP/cpu.out" "$TMP/incg")
	stop_tracer
	rmdir "$CG" "${CG%/*}" 2>/dev/null
	labelled=$(grep -c '"runtime":"docker"' "$TMP/cpu.out")
	printf 'nstrace %-8s %6s us/event  (%s of %s events labelled)\n' "json, in a container" "$us" "$labelled" "$CPU_N"
fi
if start_bpftrace "$TMP/cpu.out"; then
	us=$(cpu_per_event "$TMP/cpu.out")
	stop_tracer
	printf 'bpftrace one-liner %6s us/event\n' "$us"
fi

burst() { # burst PROCS N: one line per mode
	local procs=$1 n=$2 made=$(($1 * $2)) mode got recv lost wall status
	for mode in summary json human; do
		if [ $mode = summary ]; then
			"$NSTRACE" -c -o "$TMP/trace" -- "$STORM" "$n" "$procs" >"$TMP/out" 2>"$TMP/err"
			got=$(sed -n 's/^\([0-9]*\) events, \([0-9]*\) lost$/\1 \2/p' "$TMP/trace")
		elif [ $mode = human ]; then
			"$NSTRACE" -o "$TMP/trace" -- "$STORM" "$n" "$procs" >"$TMP/out" 2>"$TMP/err"
			got="$(grep -c 'unshare(NEWUTS) = 0' "$TMP/trace") $(sed -n 's/^nstrace: .* \([0-9]*\) lost$/\1/p; s/^nstrace: \([0-9]*\) events lost.*/\1/p' "$TMP/err")"
		else
			"$NSTRACE" -J -o "$TMP/trace" -- "$STORM" "$n" "$procs" >"$TMP/out" 2>"$TMP/err"
			got=$(tail -1 "$TMP/trace" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["events"], o["lost"])')
		fi
		read -r recv lost <<<"$got"
		wall=$(awk '{ printf "%.0f", $2 / 1e6 }' "$TMP/out")
		status=ok
		if [ "$((recv + lost))" -ne "$made" ] || [ "$lost" -ne 0 ]; then status=FAIL; rc=1; fi
		printf '%dx%-7d %-8s made %d in %s ms  received %d  lost %d  (received+lost=made, lost=0: %s)\n' \
			"$procs" "$n" "$mode" "$made" "${wall:-?}" "$recv" "$lost" "$status"
	done
	# bpftrace host-wide: its lines for this storm's processes, what it says it lost
	# (a copy under a name of its own: other storms on the host are not counted)
	if start_bpftrace "$TMP/bpft.out"; then
		"$TMP/bstorm$$" "$n" "$procs" >"$TMP/out"
		settle "$TMP/bpft.out"
		stop_tracer
		recv=$(grep -c " bstorm$$ unshare(4000000) = 0 " "$TMP/bpft.out")
		printf '%dx%-7d %-8s made %d  received %d  missing %d (%.1f%%)\n' "$procs" "$n" bpftrace \
			"$made" "$recv" $((made - recv)) "$(awk -v m="$made" -v r="$recv" 'BEGIN { print (m - r) * 100 / m }')"
	fi
}

cp "$STORM" "$TMP/bstorm$$"
echo "-- bursts: PROCS x N unshare(CLONE_NEWUTS) started together, default 2 MiB ring buffer"
for b in $BURSTS; do
	burst "${b%x*}" "${b#*x}"
done
exit $rc

#!/usr/bin/env bash
# nstrace benchmark (make bench):
#  1. added cost per unshare(CLONE_NEWUTS): 20,000 calls, median of ROUNDS
#     runs, without a probe, with nstrace attached host-wide, and with an
#     equivalent bpftrace one-liner (entry+exit, one printed line per call);
#  2. a storm of 2 x 20,000 events in well under a second: events received +
#     lost must equal events made, with 0 lost at the default buffer size.
# Timing figures are reported (this machine is shared; they are not a
# pass/fail gate); the storm accounting is.
set -u
: "${BUILD:?BUILD must be set (tests/bench/run.sh sets it)}"
NSTRACE=$BUILD/nstrace
STORM=$BUILD/tests/helpers/nstrace_storm
N=20000
ROUNDS=${BENCH_ROUNDS:-5}
TARGET_NS=2000
TMP=$(mktemp -d /tmp/nstrace-bench.XXXXXX)
TRACER=
cleanup() { [ -n "$TRACER" ] && kill -INT "$TRACER" 2>/dev/null && wait "$TRACER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
rc=0

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
per_call() { for _ in $(seq "$ROUNDS"); do "$STORM" "$N" | awk '{ print $3 }'; done | median; }

# start a tracer in the background, wait until it says it is attached
start_tracer() { # start_tracer READY-REGEX LOG OUT CMD...
	local re=$1 log=$2 out=$3; shift 3
	"$@" >"$out" 2>"$log" &
	TRACER=$!
	for _ in $(seq 200); do grep -Eq "$re" "$log" && return 0; sleep 0.05; done
	echo "tracer did not attach: $(head -3 "$log")"; return 1
}
stop_tracer() { kill -INT "$TRACER"; wait "$TRACER"; TRACER=; }

if ! "$NSTRACE" -d 0.01 >/dev/null 2>"$TMP/probe"; then
	echo "SKIP: $(cat "$TMP/probe")"; exit 0
fi

echo "-- cost per unshare(CLONE_NEWUTS), $N calls, median of $ROUNDS runs"
base=$(per_call)
start_tracer 'attached' "$TMP/nstrace.log" /dev/null "$NSTRACE" -v || exit 1
with=$(per_call)
stop_tracer
# the probe's share alone: every call recorded at entry and exit, none
# delivered (they all succeed)
start_tracer 'attached' "$TMP/nstrace.log" /dev/null "$NSTRACE" -v --failed || exit 1
probe=$(per_call)
stop_tracer
base2=$(per_call)
base=$(printf '%s\n%s\n' "$base" "$base2" | sort -n | head -1)

bpft=
if command -v bpftrace >/dev/null; then
	# bpftrace needs tracefs for syscall tracepoints: a private mount
	prog='tracepoint:syscalls:sys_enter_unshare { @f[tid] = args->unshare_flags; @t[tid] = nsecs; }
tracepoint:syscalls:sys_exit_unshare /@t[tid]/ { printf("%d %s unshare(%x) = %d %d\n", pid, comm, @f[tid], args->ret, nsecs - @t[tid]); delete(@f[tid]); delete(@t[tid]); }'
	if start_tracer 'Attaching' "$TMP/bpftrace.log" "$TMP/bpftrace.log" unshare -m --propagation private \
		sh -c 'mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing; exec bpftrace -e "$0"' "$prog"; then
		bpft=$(per_call)
		stop_tracer
	fi
fi
awk -v b="$base" -v w="$with" -v p="$probe" -v t="$bpft" -v tgt="$TARGET_NS" 'BEGIN {
	printf "no probe                   %8.0f ns/call\n", b
	printf "nstrace (every event shown)%8.0f ns/call  +%.0f ns (x%.2f)  target <= %d ns: %s\n", w, w - b, w / b, tgt, (w - b <= tgt ? "met" : "NOT met")
	printf "nstrace --failed (probe)   %8.0f ns/call  +%.0f ns (x%.2f)\n", p, p - b, p / b
	if (t != "") printf "bpftrace one-liner         %8.0f ns/call  +%.0f ns (x%.2f)\n", t, t - b, t / b
}'

echo "-- storm: 2 processes x $N unshare(CLONE_NEWUTS), default 2 MiB ring buffer"
for mode in summary json human; do
	if [ $mode = summary ]; then
		"$NSTRACE" -c -o "$TMP/trace" -- "$STORM" "$N" 2 >"$TMP/out" 2>"$TMP/err"
		got=$(sed -n 's/^\([0-9]*\) events, \([0-9]*\) lost$/\1 \2/p' "$TMP/trace")
	elif [ $mode = human ]; then
		"$NSTRACE" -o "$TMP/trace" -- "$STORM" "$N" 2 >"$TMP/out" 2>"$TMP/err"
		got="$(grep -c 'unshare(NEWUTS) = 0' "$TMP/trace") $(sed -n 's/^nstrace: .* \([0-9]*\) lost$/\1/p; s/^nstrace: \([0-9]*\) events lost.*/\1/p' "$TMP/err")"
	else
		"$NSTRACE" -J -o "$TMP/trace" -- "$STORM" "$N" 2 >"$TMP/out" 2>"$TMP/err"
		got=$(tail -1 "$TMP/trace" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["events"], o["lost"])')
	fi
	made=$((2 * N))
	read -r recv lost <<<"$got"
	wall=$(awk '{ printf "%.0f", $2 / 1e6 }' "$TMP/out")
	status=ok
	if [ "$((recv + lost))" -ne "$made" ] || [ "$lost" -ne 0 ]; then status=FAIL; rc=1; fi
	printf '%-8s made %d in %s ms  received %d  lost %d  (received+lost=made, lost=0: %s)\n' \
		"$mode" "$made" "${wall:-?}" "$recv" "$lost" "$status"
done
exit $rc

# Shared benchmark helpers. Source after setting BUILD.
set -u
: "${BUILD:?}"
BENCH_TMP=$(mktemp -d /tmp/nstools-bench.XXXXXX)
BENCH_POP_PID=
bench_cleanup() {
	[ -n "$BENCH_POP_PID" ] && kill "$BENCH_POP_PID" 2>/dev/null && wait "$BENCH_POP_PID" 2>/dev/null
	rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

# pop_start NPROCS NSETS: build the population (tests/helpers/population)
# and wait until it is up. Its container list is in $BENCH_TMP/pop.ready
# ("HOSTPID NPROCS" per container).
pop_start() {
	rm -f "$BENCH_TMP/pop.ready"
	"$BUILD/tests/helpers/population" "$1" "$2" "$BENCH_TMP/pop.ready" &
	BENCH_POP_PID=$!
	local n=1200
	while [ ! -s "$BENCH_TMP/pop.ready" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	[ -s "$BENCH_TMP/pop.ready" ] || { echo "population did not come up" >&2; return 1; }
}
pop_stop() {
	[ -n "$BENCH_POP_PID" ] && kill "$BENCH_POP_PID" 2>/dev/null && wait "$BENCH_POP_PID" 2>/dev/null
	BENCH_POP_PID=
	sleep 1 # let the kernel reap the namespaces
}

# median_ms RUNS CMD...: median wall time of CMD (stdout discarded), in ms
median_ms() {
	local runs=$1; shift
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 ))
	done | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'
}

# max_rss_kb CMD...: peak resident memory of CMD in KiB
max_rss_kb() {
	/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1
}

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# interleaved RUNS OUT NAME=CMD...: RUNS rounds of every command in turn (so
# that load from elsewhere hits them alike), a line "NAME wall_s cpu_s" per
# run into OUT (cpu: user + system, from getrusage: microseconds, where
# /usr/bin/time has a 10 ms grain; the difference across the command, as
# python's own start-up may have reaped children already)
interleaved() {
	local runs=$1 out=$2 r spec
	shift 2
	for ((r = 0; r < runs; r++)); do
		for spec in "$@"; do
			echo "${spec%%=*} $(python3 -c 'import resource, subprocess, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
c, t = cpu(), time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.6f %.6f" % (time.monotonic() - t, cpu() - c))' ${spec#*=})"
		done
	done >"$out"
}

# med_ms OUT NAME FIELD: the median of FIELD (2 wall, 3 cpu) over NAME's
# lines of an interleaved OUT, in ms
med_ms() {
	awk -v n="$2" -v f="$3" '$1 == n { print $f }' "$1" | sort -g |
		awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m * 1000 }'
}

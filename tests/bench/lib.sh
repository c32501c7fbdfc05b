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

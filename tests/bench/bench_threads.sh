#!/usr/bin/env bash
# A thread-heavy host (a JVM-like one): NPROCS processes (default 200) of
# NTHREADS threads (default 100), 3 of them in a uts namespace of their own
# (the threads a scan must still find). Measured in a pid namespace of its
# own with its own /proc (unshare --mount-proc), so that only this
# population is seen, whatever else runs on the machine: the BPF iterator
# too visits only the tasks of the reader's pid namespace. Target: the
# default `nstree -l -J` no slower (CPU) than `lsns -J`.
if [ -z "${BENCH_THREADS_INSIDE:-}" ]; then
	command -v unshare >/dev/null || { echo "skipped: no unshare"; exit 0; }
	BENCH_THREADS_INSIDE=1 exec unshare --pid --fork --mount-proc bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
NPROCS=${NPROCS:-200}
NTHREADS=${NTHREADS:-100}
RUNS=${RUNS:-7}


"$BUILD/tests/helpers/threaded" "$NPROCS" "$NTHREADS" "$BENCH_TMP/ready" 3 >/dev/null 2>&1 &
BENCH_POP_PID=$!
n=600
while [ ! -s "$BENCH_TMP/ready" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ -s "$BENCH_TMP/ready" ] || { echo "threaded population did not come up" >&2; exit 1; }
echo "population: $NPROCS processes x $NTHREADS threads; $(ls /proc | grep -c '^[0-9]') processes," \
	"$(cat /proc/[0-9]*/stat 2>/dev/null | awk '{ s += $20 } END { print s }') tasks in this pid namespace"

names=(nstree nstree-proc nstree-bpf lsns)
specs=(
	"nstree=$BUILD/nstree --list -J"
	"nstree-proc=$BUILD/nstree --source=proc --list -J"
	"nstree-bpf=$BUILD/nstree --source=bpf --list -J"
	"lsns=lsns -J"
)
for spec in "${specs[@]}"; do ${spec#*=} >/dev/null 2>&1; done # warm the dentry caches
interleaved "$RUNS" "$BENCH_TMP/times" "${specs[@]}"
declare -A cpu
printf '%-12s %10s %10s %12s\n' command "wall ms" "cpu ms" "cpu / lsns"
for n in "${names[@]}"; do cpu[$n]=$(med_ms "$BENCH_TMP/times" "$n" 3); done
for n in "${names[@]}"; do
	printf '%-12s %10s %10s %12s\n' "$n" "$(med_ms "$BENCH_TMP/times" "$n" 2)" "${cpu[$n]}" \
		"$(ratio "${cpu[$n]}" "${cpu[lsns]}")"
done
echo "(medians of $RUNS interleaved rounds; load average $(cut -d' ' -f1 /proc/loadavg))"
echo "target: nstree <= 1.00x lsns (cpu): $(ratio "${cpu[nstree]}" "${cpu[lsns]}")x"

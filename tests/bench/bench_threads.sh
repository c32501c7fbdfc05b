#!/usr/bin/env bash
# A thread-heavy host (a JVM-like one): NPROCS processes (default 200) of
# NTHREADS threads (default 100), 3 of them in a uts namespace of their own
# (the threads a scan must still find). Measured in a pid namespace of its
# own with its own /proc (unshare --mount-proc), so that only this
# population is seen, whatever else runs on the machine: the BPF iterator
# too visits only the tasks of the reader's pid namespace. Target: the
# default `nstree -l -J` no slower (CPU) than `lsns -J`.
source "$(dirname "$0")/lib.sh"
NPROCS=${NPROCS:-200}
NTHREADS=${NTHREADS:-100}
RUNS=${RUNS:-7}

if [ -z "${BENCH_THREADS_INSIDE:-}" ]; then
	command -v unshare >/dev/null || { echo "skipped: no unshare"; exit 0; }
	BENCH_THREADS_INSIDE=1 exec unshare --pid --fork --mount-proc bash "$0" "$@"
fi

"$BUILD/tests/helpers/threaded" "$NPROCS" "$NTHREADS" "$BENCH_TMP/ready" 3 >/dev/null 2>&1 &
BENCH_POP_PID=$!
n=600
while [ ! -s "$BENCH_TMP/ready" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ -s "$BENCH_TMP/ready" ] || { echo "threaded population did not come up" >&2; exit 1; }
echo "population: $NPROCS processes x $NTHREADS threads; $(ls /proc | grep -c '^[0-9]') processes," \
	"$(cat /proc/[0-9]*/stat 2>/dev/null | awk '{ s += $20 } END { print s }') tasks in this pid namespace"

names=(nstree nstree-proc nstree-bpf lsns)
cmds=(
	"$BUILD/nstree --list -J"
	"$BUILD/nstree --source=proc --list -J"
	"$BUILD/nstree --source=bpf --list -J"
	"lsns -J"
)
for c in "${cmds[@]}"; do $c >/dev/null 2>&1; done # warm the dentry caches
for ((r = 0; r < RUNS; r++)); do
	for i in "${!cmds[@]}"; do
		/usr/bin/time -o "$BENCH_TMP/t" -f "%e %U %S" ${cmds[$i]} >/dev/null 2>&1
		read -r e u s <"$BENCH_TMP/t"
		echo "${names[$i]} $e $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
	done
done >"$BENCH_TMP/times"

med() { # med NAME FIELD: median in ms
	awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$BENCH_TMP/times" | sort -g |
	awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m*1000}'; }
declare -A cpu
printf '%-12s %10s %10s %12s\n' command "wall ms" "cpu ms" "cpu / lsns"
for n in "${names[@]}"; do cpu[$n]=$(med "$n" 3); done
for n in "${names[@]}"; do
	printf '%-12s %10s %10s %12s\n' "$n" "$(med "$n" 2)" "${cpu[$n]}" "$(ratio "${cpu[$n]}" "${cpu[lsns]}")"
done
echo "(medians of $RUNS interleaved rounds; load average $(cut -d' ' -f1 /proc/loadavg))"
echo "target: nstree <= 1.00x lsns (cpu): $(ratio "${cpu[nstree]}" "${cpu[lsns]}")x"

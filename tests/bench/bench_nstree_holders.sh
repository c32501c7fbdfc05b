#!/usr/bin/env bash
# nstree end to end on a 10,000-process population: the processes-only scan
# (-q) against the default (fd and bind-mount passes on: budget 2x CPU), and
# against the CONTAINER and HOSTNAME columns, which add the cgroup and uts
# passes. Interleaved runs, medians of RUNS, wall and CPU time.
#   BENCH_PROCS=10000 BENCH_SETS=100 RUNS=7
source "$(dirname "$0")/lib.sh"
NPROCS=${BENCH_PROCS:-10000}
NSETS=${BENCH_SETS:-100}
RUNS=${RUNS:-7}
T=$BUILD/nstree

pop_start "$NPROCS" "$NSETS" || exit 1
sleep 1
VARIANTS=(quick default columns)
declare -A ARGS=([quick]="-q -l" [default]="-l" [columns]="-l -o +CONTAINER,HOSTNAME")
declare -A W C
for ((i = 0; i < RUNS; i++)); do
	for v in "${VARIANTS[@]}"; do
		t0=$(date +%s%N)
		/usr/bin/time -f '%U %S' -o "$BENCH_TMP/cpu" "$T" ${ARGS[$v]} >/dev/null 2>&1
		t1=$(date +%s%N)
		W[$v]+="$(( (t1 - t0) / 1000 )) "
		C[$v]+="$(awk '{ printf "%d", ($1 + $2) * 1000000 }' "$BENCH_TMP/cpu") "
	done
done
median_of() { tr ' ' '\n' <<<"$1" | grep . | sort -n |
	awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'; }
row() { # row LABEL VARIANT
	printf '%-44s %10s %8s %10s %8s\n' "$1" "$(median_of "${W[$2]}")" \
		"$(ratio "$(median_of "${W[$2]}")" "$(median_of "${W[quick]}")")" \
		"$(median_of "${C[$2]}")" "$(ratio "$(median_of "${C[$2]}")" "$(median_of "${C[quick]}")")"
}
echo "population: $NPROCS processes in $NSETS namespace sets, $RUNS runs"
printf '%-44s %10s %8s %10s %8s\n' "nstree" "wall ms" "ratio" "cpu ms" "ratio"
row "-q -l (processes only)" quick
row "-l (+ fds + mounts; budget 2.00)" default
row "-l -o +CONTAINER,HOSTNAME (+ cgroup, uts)" columns
pop_stop
awk -v a="$(median_of "${C[default]}")" -v b="$(median_of "${C[quick]}")" 'BEGIN { exit !(a <= 2 * b) }' ||
	{ echo "nstree's default scan takes over 2x the CPU time of nstree -q"; exit 1; }

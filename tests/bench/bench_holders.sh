#!/usr/bin/env bash
# Cost of the holder passes on a 10,000-process population: a
# processes-only snapshot against the same with the fd pass, the mount pass,
# both (the nstree default; budget: within 2x of processes-only), and with
# containers and hostnames on top. Medians of RUNS runs of the nsdump helper
# (-q: build the snapshot, print one count line).
#   BENCH_PROCS=10000 BENCH_SETS=100 RUNS=7
source "$(dirname "$0")/lib.sh"
NPROCS=${BENCH_PROCS:-10000}
NSETS=${BENCH_SETS:-100}
RUNS=${RUNS:-7}
D=$BUILD/tests/helpers/nsdump

pop_start "$NPROCS" "$NSETS" || exit 1
# the population is up when its ready file is written; let it settle
sleep 1
echo "population: $NPROCS processes in $NSETS namespace sets; $("$D" -q)"
echo "with fds+mounts: $("$D" -q -f -m)"

# Interleaved: run i of every variant back to back, so that load from
# whatever else shares the machine spreads over all of them alike.
declare -A T
VARIANTS=(base fds mnt both all)
declare -A ARGS=([base]="-q" [fds]="-q -f" [mnt]="-q -m" [both]="-q -f -m" [all]="-q -a")
for ((i = 0; i < RUNS; i++)); do
	for v in "${VARIANTS[@]}"; do
		t0=$(date +%s%N); "$D" ${ARGS[$v]} >/dev/null; t1=$(date +%s%N)
		T[$v]+="$(( (t1 - t0) / 1000 )) "
	done
done
med() { tr ' ' '\n' <<<"${T[$1]}" | grep . | sort -n |
	awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'; }
base=$(med base) fds=$(med fds) mnt=$(med mnt) both=$(med both) all=$(med all)
rss_base=$(max_rss_kb "$D" -q)
rss_all=$(max_rss_kb "$D" -q -a)

printf '%-34s %10s %8s\n' "snapshot" "median ms" "ratio"
printf '%-34s %10s %8s\n' "processes only" "$base" "1.00"
printf '%-34s %10s %8s\n' "+ fds" "$fds" "$(ratio "$fds" "$base")"
printf '%-34s %10s %8s\n' "+ mounts" "$mnt" "$(ratio "$mnt" "$base")"
printf '%-34s %10s %8s\n' "+ fds + mounts (budget 2.00)" "$both" "$(ratio "$both" "$base")"
printf '%-34s %10s %8s\n' "+ fds + mounts + containers + uts" "$all" "$(ratio "$all" "$base")"
echo "peak RSS: processes only ${rss_base} KiB, everything ${rss_all} KiB"
pop_stop
awk -v a="$both" -v b="$base" 'BEGIN { exit !(a <= 2 * b) }' ||
	{ echo "fds+mounts scan is over 2x the processes-only scan"; exit 1; }

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
# CPU time (user+sys, 10 ms resolution) is printed too: it moves less than
# wall time when other work competes for the two cores.
declare -A C
for ((i = 0; i < RUNS; i++)); do
	for v in "${VARIANTS[@]}"; do
		t0=$(date +%s%N)
		/usr/bin/time -f '%U %S' -o "$BENCH_TMP/cpu" "$D" ${ARGS[$v]} >/dev/null
		t1=$(date +%s%N)
		T[$v]+="$(( (t1 - t0) / 1000 )) "
		C[$v]+="$(awk '{ printf "%d", ($1 + $2) * 1000000 }' "$BENCH_TMP/cpu") "
	done
done
median_of() { tr ' ' '\n' <<<"$1" | grep . | sort -n |
	awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'; }
med() { median_of "${T[$1]}"; }
cpu() { median_of "${C[$1]}"; }
base=$(med base) fds=$(med fds) mnt=$(med mnt) both=$(med both) all=$(med all)
rss_base=$(max_rss_kb "$D" -q)
rss_all=$(max_rss_kb "$D" -q -a)

row() { # row LABEL VARIANT
	printf '%-34s %10s %8s %10s %8s\n' "$1" "$(med "$2")" "$(ratio "$(med "$2")" "$base")" \
		"$(cpu "$2")" "$(ratio "$(cpu "$2")" "$(cpu base)")"
}
printf '%-34s %10s %8s %10s %8s\n' "snapshot" "wall ms" "ratio" "cpu ms" "ratio"
row "processes only" base
row "+ fds" fds
row "+ mounts" mnt
row "+ fds + mounts (budget 2.00)" both
row "+ fds + mounts + containers + uts" all
echo "peak RSS: processes only ${rss_base} KiB, everything ${rss_all} KiB"
pop_stop
# the budget is checked on CPU time, which other load on the machine skews less
awk -v a="$(cpu both)" -v b="$(cpu base)" 'BEGIN { exit !(a <= 2 * b) }' ||
	{ echo "fds+mounts scan takes over 2x the CPU time of the processes-only scan"; exit 1; }

#!/usr/bin/env bash
# nstree against lsns, ps and the syscall floor on a large population:
# NPROCS processes (default 10000) in NSETS container-like namespace sets
# (default 200; every 4th with pid namespaces nested 2 deeper, every 5th
# with a user namespace). The four commands run interleaved, RUNS rounds
# (default 7), so load from elsewhere on the machine hits them alike.
# Targets: nstree >= 10x faster than lsns, <= 1.2x the floor, peak RSS
# under 2 KiB per process.
source "$(dirname "$0")/lib.sh"
NPROCS=${NPROCS:-10000}
NSETS=${NSETS:-200}
RUNS=${RUNS:-7}

pop_start "$NPROCS" "$NSETS" || exit 1
total=$(ls /proc | grep -c '^[0-9]')
echo "population: $NPROCS processes in $NSETS namespace sets; $total processes on the host"

names=(nstree lsns ps floor)
cmds=(
	"$BUILD/nstree --list -J"
	"lsns -J"
	"ps -e -o pid,pidns,netns,mntns,utsns,ipcns,userns,cgroupns"
	"$BUILD/tests/helpers/floor"
)
for c in "${cmds[@]}"; do $c >/dev/null 2>&1; done # warm the dentry caches

# wall time, and CPU time (user + system): on a machine shared with other
# work the CPU time is the fairer measure of the work each command does
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
declare -A wall cpu
printf '%-8s %12s %12s\n' command "wall ms" "cpu ms"
for n in "${names[@]}"; do
	wall[$n]=$(med "$n" 2)
	cpu[$n]=$(med "$n" 3)
	printf '%-8s %12s %12s\n' "$n" "${wall[$n]}" "${cpu[$n]}"
done
echo "(medians of $RUNS interleaved rounds; load average $(cut -d' ' -f1 /proc/loadavg))"

rss=$(max_rss_kb "$BUILD/nstree" --list -J)
pop_stop
idle=$(max_rss_kb "$BUILD/nstree" --list -J)
per=$(awk -v r="$rss" -v n="$total" 'BEGIN { printf "%.2f", r * 1024 / n / 1024 }')
per_inc=$(awk -v r="$rss" -v i="$idle" -v n="$NPROCS" 'BEGIN { printf "%.2f", (r - i) * 1024 / n / 1024 }')

miss=0
for k in wall cpu; do
	declare -n m=$k
	lsns_x=$(ratio "${m[lsns]}" "${m[nstree]}")
	ps_x=$(ratio "${m[ps]}" "${m[nstree]}")
	floor_x=$(ratio "${m[nstree]}" "${m[floor]}")
	echo "$k: lsns / nstree = ${lsns_x}x (target >= 10), ps / nstree = ${ps_x}x," \
		"nstree / floor = ${floor_x}x (target <= 1.2)"
	awk -v x="$lsns_x" 'BEGIN { exit !(x >= 10) }' || { echo "TARGET MISSED ($k): lsns ratio"; miss=1; }
	awk -v x="$floor_x" 'BEGIN { exit !(x <= 1.2) }' || { echo "TARGET MISSED ($k): floor ratio"; miss=1; }
done
echo "nstree peak RSS = ${rss} KiB with the population, ${idle} KiB without:"
echo "                  ${per} KiB per process overall, ${per_inc} KiB per added process (target < 2)"
awk -v x="$per" 'BEGIN { exit !(x < 2) }' || { echo "TARGET MISSED: memory"; miss=1; }
exit $miss

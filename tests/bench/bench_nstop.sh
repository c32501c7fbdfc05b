#!/usr/bin/env bash
# nstop: CPU time (user+sys) per refresh and peak memory per process on a
# 10,000-process population, side by side with top -b and htop.
#   NSTOP_BENCH_PROCS (10000), NSTOP_BENCH_SETS (100), NSTOP_BENCH_RUNS (3)
source "$(dirname "$0")/lib.sh"
NSTOP=$BUILD/nstop
PROCS=${NSTOP_BENCH_PROCS:-10000}
SETS=${NSTOP_BENCH_SETS:-100}
RUNS=${NSTOP_BENCH_RUNS:-3}
FRAMES=11

# cpu_ms CMD...: user+sys CPU of CMD in ms, then its peak RSS in KiB
cpu_ms() {
	/usr/bin/time -f '%U %S %M' "$@" 2>&1 >/dev/null | tail -1 |
		awk '{ printf "%d %d\n", ($1 + $2) * 1000, $3 }'
}
# median of the first field over RUNS runs of CMD
median_cpu() {
	local i
	for ((i = 0; i < RUNS; i++)); do cpu_ms "$@"; done | sort -n |
		awk '{ a[NR] = $1; m = $2 > m ? $2 : m } END { printf "%d %d\n", a[int((NR + 1) / 2)], m }'
}

# memory per process is the slope between the bare host and the population
base_procs=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
read -r _ base_rss < <(cpu_ms "$NSTOP" -b -n 2 -d 0)
read -r _ base_erss < <(cpu_ms "$NSTOP" -b -n 2 -d 0 -e)

pop_start "$PROCS" "$SETS" || exit 1
total=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
echo "population: $PROCS processes in $SETS namespace sets; $total processes on the host"

# per refresh: (N frames - 1 frame) / (N - 1), which takes out start-up
read -r n1 _ < <(median_cpu "$NSTOP" -b -n 1 -d 0)
read -r nN nrss < <(median_cpu "$NSTOP" -b -n $FRAMES -d 0)
nstop_ref=$(( (nN - n1) / (FRAMES - 1) ))
# with the event feed: links copied for processes that made no namespace call
read -r e1 _ < <(median_cpu "$NSTOP" -b -n 1 -d 0 -e)
read -r eN erss < <(median_cpu "$NSTOP" -b -n $FRAMES -d 0 -e)
nstope_ref=$(( (eN - e1) / (FRAMES - 1) ))
read -r t2 trss < <(median_cpu top -b -n 2 -d 0.1)
read -r tN _ < <(median_cpu top -b -n $((FRAMES + 1)) -d 0.1)
top_ref=$(( (tN - t2) / (FRAMES - 1) ))

printf '%-34s %10s %12s\n' "" "CPU ms" "per refresh"
printf '%-34s %10d %12d\n' "nstop -b -n 1 -d 0" "$n1" "$n1"
printf '%-34s %10d %12d\n' "nstop -b -n $FRAMES -d 0" "$nN" "$nstop_ref"
printf '%-34s %10d %12d\n' "nstop -b -n $FRAMES -d 0 -e" "$eN" "$nstope_ref"
printf '%-34s %10d %12s\n' "top -b -n 2 -d 0.1" "$t2" "-"
printf '%-34s %10d %12d\n' "top -b -n $((FRAMES + 1)) -d 0.1" "$tN" "$top_ref"

# htop has no batch mode: run it on a tmux screen for a while at a known
# interval and divide its CPU ticks by the number of intervals. The count
# of refreshes is nominal, so this figure is indicative only.
if command -v htop >/dev/null && command -v tmux >/dev/null; then
	TM="tmux -L nstop-bench-$$"
	$TM new-session -d -x 200 -y 50 "htop -d 5"
	sleep 2
	hp=$(pgrep -n -x htop)
	ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
	if [ -n "$hp" ]; then
		a=$(ticks "$hp"); sleep 5; b=$(ticks "$hp")
		hz=$(getconf CLK_TCK)
		htop_ref=$(( (b - a) * 1000 / hz / 10 ))
		printf '%-34s %10d %12d  (indicative: 10 nominal refreshes in 5 s)\n' \
			"htop -d 5 (tmux, 5 s)" "$(( (b - a) * 1000 / hz ))" "$htop_ref"
	fi
	$TM kill-server
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/nstop-bench-$$"
else
	echo "htop: not installed, not measured"
fi

echo "nstop/top CPU per refresh: $(ratio "$nstop_ref" "$top_ref"), with -e: $(ratio "$nstope_ref" "$top_ref") (target <= 1.00)"
per_proc() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (a - b) / n }'; }
grown=$((total - base_procs))
echo "nstop peak RSS: ${nrss} KiB (bare host: ${base_rss} KiB), $(per_proc "$nrss" "$base_rss" "$grown") KiB per added process;" \
	"with -e ${erss} KiB (bare host: ${base_erss} KiB), $(per_proc "$erss" "$base_erss" "$grown") KiB per added process (target < 2);" \
	"top: ${trss} KiB"

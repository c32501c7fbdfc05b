#!/usr/bin/env bash
# nsexporter: what a scrape costs against `nstree -l -J` on populations of
# 1,000 and 10,000 processes (SIZES), and its memory over 1,000 scrapes.
#  - cold: `nsexporter --once` (one full scan, the container pass included,
#    and the exposition) against `nstree -l -J` (one full scan and the
#    JSON), CPU and wall, medians of RUNS interleaved rounds.
#  - served: the exporter with --min-interval 0, so that every scrape starts
#    one incremental refresh (the steady state under Prometheus). SCRAPES_CPU
#    scrapes, each followed by one `nstree -l -J` while the refresh it started
#    runs, then a wait for the refresh to end (the exporter's scan thread
#    gone: no scrape in the measurement but the measured ones). CPU per
#    scrape (the exporter's utime + stime from /proc/PID/stat over them)
#    against the median nstree -l -J CPU of the same rounds: the ratio.
#  - burst: 20 scrapes at once, the last scan older than --min-interval:
#    how many scans they started (target 1).
#  - memory: VmRSS and VmHWM of the exporter (/proc/PID/status) once idle
#    after 100 and 1,000 scrapes (SCRAPES) at the first size, the exporter
#    and the population in a pid namespace of their own while short-lived
#    namespaces churn (tests/lib/nsexporter_rss.sh, --min-interval 0: a
#    refresh whenever none runs); the growth in between, in total and per
#    scrape.
# Targets (issue 17): a scrape costs no more than one nstree -l -J (ratio
# <= 1); RSS flat.
source "$(dirname "$0")/lib.sh"
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-5}
SCRAPES_CPU=${SCRAPES_CPU:-20}
SCRAPES=${SCRAPES:-1000}
EXP=$BUILD/nsexporter
NSTREE=$BUILD/nstree

cpu_ms() { # cpu_ms PID: user + system time so far, ms
	awk -v t="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print int(($12 + $13) * 1000 / t) }' "/proc/$1/stat"
}
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
metric() { # metric PORT NAME: value of an unlabelled sample
	curl -sf "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}
start_exporter() { # start_exporter ARGS...: sets EPID, EPORT, EBASE (idle threads)
	"$EXP" --listen 127.0.0.1:0 --no-bpf "$@" 2>"$BENCH_TMP/exp.err" &
	EPID=$!
	local n=600
	until grep -q "listening on" "$BENCH_TMP/exp.err" 2>/dev/null || [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
	EPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$BENCH_TMP/exp.err")
	[ -n "$EPORT" ] || return 1
	# idle: the main thread and the HTTP server's
	EBASE=$(threads "$EPID")
}
# wait until the exporter has no refresh and no connection running
idle() { local n=1200; while [ "$(threads "$EPID")" -gt "$EBASE" ] && [ $n -gt 0 ]; do sleep 0.01; n=$((n - 1)); done; }
stop_exporter() { kill "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; }
med() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m}'; }

first=1
for size in $SIZES; do
	pop_start "$size" $((size / 50)) || exit 1
	total=$(ls /proc | grep -c '^[0-9]')
	echo "--- population: $size processes in $((size / 50)) namespace sets; $total processes on the host"

	# cold: one scan each, interleaved
	names=(nsexporter-once nstree-l-J)
	cmds=("$EXP --once --no-bpf" "$NSTREE -l -J")
	for c in "${cmds[@]}"; do $c >/dev/null 2>&1; done
	for ((r = 0; r < RUNS; r++)); do
		for i in "${!cmds[@]}"; do
			/usr/bin/time -o "$BENCH_TMP/t" -f "%e %U %S" ${cmds[$i]} >/dev/null 2>&1
			read -r e u s <"$BENCH_TMP/t"
			echo "${names[$i]} $e $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
		done
	done >"$BENCH_TMP/times"
	col() { awk -v n="$1" -v f="$2" '$1 == n { print $f * 1000 }' "$BENCH_TMP/times" | med; }
	printf '%-22s %10s %10s\n' "cold (one scan)" "wall ms" "cpu ms"
	for n in "${names[@]}"; do printf '%-22s %10s %10s\n' "$n" "$(col "$n" 2)" "$(col "$n" 3)"; done

	# served: every scrape one refresh; nstree -l -J in the same rounds
	start_exporter --min-interval 0 || { echo "exporter did not start" >&2; exit 1; }
	curl -sf "http://127.0.0.1:$EPORT/metrics" >/dev/null; idle
	s0=$(metric "$EPORT" nsexporter_scans_total); idle
	exp_ms=0
	: >"$BENCH_TMP/nstree_cpu"
	for ((k = 0; k < SCRAPES_CPU; k++)); do
		c0=$(cpu_ms "$EPID")
		curl -sf "http://127.0.0.1:$EPORT/metrics" >/dev/null
		/usr/bin/time -o "$BENCH_TMP/t" -f "%U %S" "$NSTREE" -l -J >/dev/null 2>&1
		idle
		c1=$(cpu_ms "$EPID")
		exp_ms=$((exp_ms + c1 - c0))
		awk '{ print ($1 + $2) * 1000 }' "$BENCH_TMP/t" >>"$BENCH_TMP/nstree_cpu"
	done
	s1=$(metric "$EPORT" nsexporter_scans_total)
	# s0's own scrape started one refresh before the measured ones
	refreshes=$((s1 - s0 - 1))
	dur=$(metric "$EPORT" nsexporter_scan_duration_seconds)
	per=$(awk -v a="$exp_ms" -v n="$SCRAPES_CPU" 'BEGIN { printf "%.1f", a / n }')
	nst=$(med <"$BENCH_TMP/nstree_cpu")
	printf 'served: %d scrapes, %d refreshes: %s ms CPU per scrape (refresh + exposition), last refresh %.0f ms wall\n' \
		"$SCRAPES_CPU" "$refreshes" "$per" "$(awk -v d="$dur" 'BEGIN { print d * 1000 }')"
	printf 'nstree -l -J in the same rounds: %s ms CPU (median)\n' "$nst"
	echo "ratio scrape CPU / nstree -l -J CPU at $size: $(ratio "$per" "$nst") (target <= 1)"
	stop_exporter

	# burst: 20 scrapes at once once the last scan is older than the
	# minimum interval: one scan, not 20
	# (the scans before the burst: the smallest count its answers carry,
	# each rendered before the scan it may start ends; a scrape before
	# it, slow on a loaded host, may have started one more)
	start_exporter --min-interval 1 || exit 1
	sleep 1.2
	pids=()
	for i in $(seq 1 20); do curl -sf "http://127.0.0.1:$EPORT/metrics" -o "$BENCH_TMP/burst.$i" & pids+=($!); done
	wait "${pids[@]}"; idle
	b0=$(cat "$BENCH_TMP"/burst.* | awk '$1 == "nsexporter_scans_total" { print $2 }' | sort -n | head -1)
	b1=$(metric "$EPORT" nsexporter_scans_total)
	echo "burst: 20 concurrent scrapes started $((b1 - b0)) scan(s) (target <= 1)"
	stop_exporter

	if [ $first = 1 ]; then
		first=0
		# in a pid namespace of its own with the same population, so that
		# the host's other processes coming and going (a bigger or smaller
		# snapshot) do not pass for the exporter's own growth
		pop_stop
		out=$(unshare --pid --fork --mount-proc "$(dirname "$0")/../lib/nsexporter_rss.sh" \
			"$EXP" 100 "$SCRAPES" "$size" "$BUILD/tests/helpers/population") ||
			{ echo "memory measurement failed" >&2; exit 1; }
		read -r n1 rss1 hwm1 sc1 pr1 <<<"$(sed -n 1p <<<"$out")"
		read -r n2 rss2 hwm2 sc2 pr2 <<<"$(sed -n 2p <<<"$out")"
		echo "exporter memory at $size processes (own pid namespace, churn of short-lived namespaces):" \
			"after $n1 scrapes RSS $rss1 KiB (HWM $hwm1, $sc1 scans); after $n2 scrapes RSS $rss2 KiB (HWM $hwm2, $sc2 scans)"
		echo "  growth from scrape $n1 to $n2: $(awk -v a="$rss1" -v b="$rss2" -v n=$((n2 - n1)) \
			'BEGIN { printf "%+d KiB, %+.1f bytes per scrape", b - a, (b - a) * 1024 / n }')" \
			"(bound: under 64 KiB in total, tests/integration/nsexporter_memory.sh)"
		continue
	fi
	pop_stop
done
echo "(load average $(cut -d' ' -f1 /proc/loadavg))"

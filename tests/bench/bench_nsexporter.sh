#!/usr/bin/env bash
# nsexporter: what a scrape costs against `nstree -l -J` on populations of
# 1,000 and 10,000 processes (SIZES), and its memory over 1,000 scrapes.
#  - cold: `nsexporter --once` (one full scan and the exposition) against
#    `nstree -l -J` (one full scan and the JSON), CPU and wall, medians of
#    RUNS interleaved rounds. Both run the fd and bind-mount passes; the
#    exporter also the container pass.
#  - served: the exporter with --min-interval 0; each scrape starts one
#    incremental refresh. CPU the exporter spends per refresh (from its
#    /proc/PID/stat) over REFRESHES refreshes, and the scrape latency.
#  - memory: VmRSS of the exporter after 10, 100 and 1,000 scrapes (every
#    scrape a refresh where one is not already running), at the first size.
# Target (issue): a scrape costs no more than one nstree -l -J; RSS flat.
source "$(dirname "$0")/lib.sh"
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-5}
REFRESHES=${REFRESHES:-10}
SCRAPES=${SCRAPES:-1000}
EXP=$BUILD/nsexporter

cpu_ms() { # cpu_ms PID: user + system time so far, ms
	awk -v t="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print int(($12 + $13) * 1000 / t) }' "/proc/$1/stat"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
metric() { # metric PORT NAME: value of an unlabelled sample
	curl -sf "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}
start_exporter() { # start_exporter ARGS...: sets EPID, EPORT
	"$EXP" --listen 127.0.0.1:0 --no-bpf "$@" 2>"$BENCH_TMP/exp.err" &
	EPID=$!
	local n=600
	until grep -q "listening on" "$BENCH_TMP/exp.err" 2>/dev/null || [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
	EPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$BENCH_TMP/exp.err")
	[ -n "$EPORT" ]
}
stop_exporter() { kill "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; }

first=1
for size in $SIZES; do
	pop_start "$size" $((size / 50)) || exit 1
	total=$(ls /proc | grep -c '^[0-9]')
	echo "--- population: $size processes in $((size / 50)) namespace sets; $total processes on the host"

	# cold: one scan each, interleaved
	names=(nsexporter-once nstree-l-J)
	cmds=("$EXP --once --no-bpf" "$BUILD/nstree -l -J")
	for c in "${cmds[@]}"; do $c >/dev/null 2>&1; done
	for ((r = 0; r < RUNS; r++)); do
		for i in "${!cmds[@]}"; do
			/usr/bin/time -o "$BENCH_TMP/t" -f "%e %U %S" ${cmds[$i]} >/dev/null 2>&1
			read -r e u s <"$BENCH_TMP/t"
			echo "${names[$i]} $e $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
		done
	done >"$BENCH_TMP/times"
	med() { awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$BENCH_TMP/times" | sort -g |
		awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m*1000}'; }
	printf '%-22s %10s %10s\n' command "wall ms" "cpu ms"
	for n in "${names[@]}"; do printf '%-22s %10s %10s\n' "$n" "$(med "$n" 2)" "$(med "$n" 3)"; done
	nstree_cpu=$(med nstree-l-J 3)

	# served: refreshes
	start_exporter --min-interval 0 || { echo "exporter did not start" >&2; exit 1; }
	s0=$(metric "$EPORT" nsexporter_scans_total); c0=$(cpu_ms "$EPID")
	lat=()
	for ((k = 0; k < REFRESHES; k++)); do
		before=$(metric "$EPORT" nsexporter_scans_total)
		t0=$(date +%s%N); curl -sf "http://127.0.0.1:$EPORT/metrics" >/dev/null; t1=$(date +%s%N)
		lat+=($(( (t1 - t0) / 1000 )))
		# the scrape started a refresh: wait for it to land
		n=600; while [ "$(metric "$EPORT" nsexporter_scans_total)" -le "$before" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
	done
	s1=$(metric "$EPORT" nsexporter_scans_total); c1=$(cpu_ms "$EPID")
	dur=$(metric "$EPORT" nsexporter_scan_duration_seconds)
	per=$(( (c1 - c0) / (s1 - s0) ))
	med_lat=$(printf '%s\n' "${lat[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}')
	printf 'served: %d refreshes, %d ms CPU each (includes the polling scrapes), last refresh %.0f ms wall, scrape latency median %s ms\n' \
		$((s1 - s0)) "$per" "$(awk -v d="$dur" 'BEGIN { print d * 1000 }')" "$med_lat"
	echo "ratio refresh CPU / nstree -l -J CPU: $(ratio "$per" "$nstree_cpu") (target <= 1)"
	stop_exporter

	if [ $first = 1 ]; then
		first=0
		start_exporter --min-interval 0 || exit 1
		python3 - "$EPORT" "$SCRAPES" "$EPID" <<'PY'
import sys, urllib.request
port, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
marks = {10, 100, n}
out = []
for i in range(1, n + 1):
    urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60).read()
    if i in marks:
        out.append(f"{i} scrapes: {rss()} KiB")
print("exporter RSS: " + ", ".join(out))
PY
		echo "  ($(metric "$EPORT" nsexporter_scans_total) scans during them)"
		stop_exporter
	fi
	pop_stop
done
echo "(load average $(cut -d' ' -f1 /proc/loadavg))"

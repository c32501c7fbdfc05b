#!/usr/bin/env bash
# nsexporter's memory over 1,000 scrapes (issue 17: "memory stays flat"):
# the exporter in a pid namespace of its own (unshare --pid --mount-proc),
# where the processes it sees are the ones made here, refreshing as often as
# it can (--min-interval 0) while a churn loop starts short-lived processes
# in new uts, ipc and net namespaces (new pids, inodes and namespaces every
# refresh). Its VmRSS once idle after the 100th scrape and after the
# 1,000th: the growth in between stays under 64 KiB in total (a leak of
# one allocation per scrape or refresh would pass that). Memory, not time:
# the bound holds on a loaded host; only the number of refreshes varies.
# tests/lib/nsexporter_rss.sh does the measuring; make bench runs it too.
source "$(dirname "$0")/../lib/lib.sh"
EXP=$BUILD/nsexporter
[ "$(id -u)" = 0 ] || { skip "[root] a pid namespace with its own /proc needs root"; done_testing; exit; }
BOUND=64

out=$(unshare --pid --fork --mount-proc "$SRCDIR/tests/lib/nsexporter_rss.sh" "$EXP" 100 1000 2>"$T_TMP/err")
ok $? "1,000 scrapes in a pid namespace of its own: measured"
read -r n1 rss1 hwm1 scans1 procs1 <<<"$(sed -n 1p <<<"$out")"
read -r n2 rss2 hwm2 scans2 procs2 <<<"$(sed -n 2p <<<"$out")"
diag "after $n1 scrapes: VmRSS $rss1 KiB, VmHWM $hwm1 KiB, $scans1 scans, $procs1 processes"
diag "after $n2 scrapes: VmRSS $rss2 KiB, VmHWM $hwm2 KiB, $scans2 scans, $procs2 processes"
is "$n1 $n2" "100 1000" "both marks reached"
ok "$([ "${scans2:-0}" -ge $((${scans1:-0} + 50)) ]; echo $?)" \
	"refreshes ran meanwhile: $((${scans2:-0} - ${scans1:-0})) between the marks (>= 50)"
growth=$((${rss2:-999999} - ${rss1:-0}))
if grep -q __asan_init "$EXP" 2>/dev/null; then
	# the sanitizer's allocator keeps freed memory in quarantine: its
	# resident size is not the exporter's; its leak check at exit is
	skip "[sanitizer] VmRSS bound: a sanitizer allocator (quarantine) is not glibc's (growth ${growth} KiB)"
else
	ok "$([ "$growth" -lt $BOUND ]; echo $?)" \
		"VmRSS from scrape 100 to 1,000: ${growth} KiB (bound: under $BOUND KiB in total)"
fi
is "$(cat "$T_TMP/err")" "" "the exporter said nothing but where it listens (no sanitizer report, no leak at exit)"
done_testing

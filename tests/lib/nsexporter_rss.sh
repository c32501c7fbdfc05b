#!/usr/bin/env bash
# nsexporter_rss.sh EXP FIRST LAST [NPROCS POPULATION]: the exporter's
# resident memory over scrapes, in this pid namespace only. Run it as
#   unshare -pf --mount-proc tests/lib/nsexporter_rss.sh ...
# so that the processes the exporter sees are the ones made here, whatever
# the rest of the host does: memory that follows the scrape count and not
# the size of the host shows. Optionally NPROCS sleeping processes (the
# benchmarks' population helper) are the steady population; meanwhile a
# churn loop keeps starting short-lived processes in new namespaces (new
# pids, inodes and containerless namespaces every refresh).
# The exporter refreshes as often as it can (--min-interval 0; one curl
# keeps the connection and scrapes again as soon as an answer is in).
# After FIRST and after LAST scrapes, once no refresh or connection runs,
# prints one line each: "SCRAPES RSS_KiB HWM_KiB SCANS PROCS".
set -u
EXP=$1 FIRST=$2 LAST=$3 NPROCS=${4:-0} POP=${5:-}
TMP=$(mktemp -d /tmp/nsexporter-rss.XXXXXX)
pids=()
# at the end, what the exporter said but where it listens goes to stderr
# (a sanitizer's report, its leak check at exit included)
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -f "$TMP/err" ] && grep -v "listening on" "$TMP/err" >&2
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$NPROCS" -gt 0 ]; then
	"$POP" "$NPROCS" $((NPROCS / 50 > 0 ? NPROCS / 50 : 1)) "$TMP/pop.ready" &
	pids+=($!)
	n=1200; until [ -s "$TMP/pop.ready" ] || [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
	[ -s "$TMP/pop.ready" ] || { echo "population did not come up" >&2; exit 1; }
fi
# churn: one short-lived process in new uts/ipc/net namespaces at a time
( while :; do unshare -uin true; done ) &
pids+=($!)

"$EXP" --listen 127.0.0.1:0 --no-bpf --min-interval 0 2>"$TMP/err" &
EPID=$!
pids+=("$EPID")
n=600; until grep -q "listening on" "$TMP/err" || [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/err")
[ -n "$PORT" ] || { echo "exporter did not start: $(cat "$TMP/err")" >&2; exit 1; }
status() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$EPID/status"; }
# idle: the main thread and the HTTP server's, no scan thread, no connection
BASE=$(status Threads)
idle() { local n=3000; while [ "$(status Threads)" -gt "$BASE" ] && [ $n -gt 0 ]; do sleep 0.02; n=$((n - 1)); done; }
scrape() { # scrape FROM TO: scrapes FROM..TO over one connection
	curl -sf "http://127.0.0.1:$PORT/metrics?n=[$1-$2]" -o /dev/null || { echo "scrapes $1-$2 failed" >&2; exit 1; }
}
report() {
	idle
	echo "$1 $(status VmRSS) $(status VmHWM)" \
		"$(curl -sf "http://127.0.0.1:$PORT/metrics" | awk '$1 == "nsexporter_scans_total" { print $2 }')" \
		"$(ls /proc | grep -c '^[0-9]')"
}
scrape 1 "$FIRST"
report "$FIRST"
scrape $((FIRST + 1)) "$LAST"
report "$LAST"

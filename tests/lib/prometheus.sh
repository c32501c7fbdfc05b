# A real Prometheus server for the nsexporter tests (source after lib.sh):
# its own config and storage in T_TMP, on a free 127.0.0.1 port, scraping
# one target every second; queried through its HTTP API.
#   free_port                 a free 127.0.0.1 TCP port
#   poll SECONDS CMD...       until CMD succeeds, bounded (status)
#   prom_start TARGET_PORT    start it (PURL its address); stopped at exit
#   pq EXPR                   an instant query's value (summed, integer),
#                             "none" while it has no result
#   pseries EXPR              its series, a line each: labels (instance and
#                             job left out) sorted by name; "none" if none
#   cond EXPR OP N            the query's value compares so (test's OP)
#   prom_up                   the target is scraped (up == 1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

poll() { # poll SECONDS CMD...
	local end=$((SECONDS + $1)); shift
	until "$@"; do [ $SECONDS -ge "$end" ] && return 1; sleep 0.2; done
}

# exporter_start ARGS...: $EXP on a free loopback port, with ARGS; sets
# EPID, EPORT and URL (its /metrics); returns 1 if it never says where it
# listens (its stderr is in $T_TMP/exp.err)
exporter_start() {
	setsid "$EXP" --listen 127.0.0.1:0 "$@" </dev/null >/dev/null 2>"$T_TMP/exp.err" &
	EPID=$!
	echo "$EPID" >>"$T_TMP/bg.pids"
	on_exit "kill -TERM $EPID"
	poll 60 grep -q "listening on" "$T_TMP/exp.err" || return 1
	EPORT=$(sed -n 's/^nsexporter: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T_TMP/exp.err")
	URL=http://127.0.0.1:$EPORT/metrics
}

prom_start() {
	local port
	port=$(free_port)
	cat >"$T_TMP/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: nsexporter
    static_configs:
      - targets: ['127.0.0.1:$1']
EOF
	setsid prometheus --config.file="$T_TMP/prom.yml" --storage.tsdb.path="$T_TMP/prom" \
		--web.listen-address="127.0.0.1:$port" </dev/null >"$T_TMP/prom.log" 2>&1 &
	PROM_PID=$!
	echo "$PROM_PID" >>"$T_TMP/bg.pids"
	on_exit "kill -TERM $PROM_PID; sleep 0.3"
	PURL=http://127.0.0.1:$port
}

pq() {
	python3 - "$PURL" "$1" <<'EOF'
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
try:
    d = json.load(urllib.request.urlopen(url, timeout=5))
except Exception:
    print("none"); sys.exit()
r = d.get("data", {}).get("result", [])
print(int(sum(float(x["value"][1]) for x in r)) if r else "none")
EOF
}

pseries() {
	python3 - "$PURL" "$1" <<'EOF'
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
r = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
lines = sorted(" ".join(f"{k}={v}" for k, v in sorted(x["metric"].items()) if k not in ("instance", "job"))
               for x in r)
print("\n".join(lines) if lines else "none")
EOF
}

cond() { local v; v=$(pq "$1"); [ "$v" != none ] && [ "$v" "$2" "$3" ]; }
prom_up() { [ "$(pq 'up{job="nsexporter"}')" = 1 ]; }

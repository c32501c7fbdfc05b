#!/usr/bin/env bash
# nsexporter against a real Prometheus server: the exporter listens on a
# free 127.0.0.1 port, Prometheus (its own config and storage in T_TMP,
# scrape interval 1 s, no other target) scrapes it, and the test reads the
# series back through Prometheus's query API while it makes and removes the
# ground truth: a bind-mounted netns named like a CNI sandbox's, a set of
# namespaces with a container= init, a burst of unshare calls (and refused
# ones). Then the exposition itself (promtool, OpenMetrics), --once,
# --textfile atomicity, and bad input: an occupied port, an unwritable
# directory, a scan that fails.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/prometheus.sh"
EXP=$BUILD/nsexporter
[ "$(id -u)" = 0 ] || { skip "[root] not root: fixtures need ip netns and unshare"; done_testing; exit; }

# ------------------------------------------------------------ CLI basics
out=$("$EXP" --help); rc=$?
like "$rc:$out" "^0:Usage:" "--help: usage on stdout, exit 0"
like "$("$EXP" -V)" "^nsexporter from nstools " "-V: version"
out=$("$EXP" --bogus 2>&1); rc=$?
is "$rc:$out" "2:nsexporter: unrecognized option '--bogus'
Try 'nsexporter --help' for more information." "bad option: one line, the hint, exit 2"
out=$("$EXP" --once --textfile /tmp 2>&1 | head -1); is "$out" "nsexporter: --once and --textfile exclude each other" "--once --textfile: usage error"


# ------------------------------------------------------------ the exporter
exporter_start --min-interval 0.5 --per-container || { fail "exporter started: $(cat "$T_TMP/exp.err")"; done_testing; exit; }
like "$EPORT" "^[0-9]+$" "exporter: says where it listens (port 0 picked $EPORT)"

curl -sf "$URL" >"$T_TMP/expo.txt"
ok $? "GET /metrics answers"
out=$(promtool check metrics <"$T_TMP/expo.txt" 2>&1); rc=$?
is "$rc:$out" "0:" "promtool check metrics: the exposition passes, no lint"
ok "$(grep -qx 'nsexporter_last_scan_success 1' "$T_TMP/expo.txt"; echo $?)" "the scan succeeded"
hdr=$(curl -sf -D - -o "$T_TMP/om.txt" -H 'Accept: application/openmetrics-text; version=1.0.0' "$URL" | tr -d '\r')
like "$hdr" "Content-Type: application/openmetrics-text; version=1.0.0" "Accept openmetrics: OpenMetrics content type"
is "$(tail -1 "$T_TMP/om.txt")" "# EOF" "OpenMetrics: ends with # EOF"
like "$(cat "$T_TMP/om.txt")" '# TYPE nsexporter_scans counter' "OpenMetrics: counter family named without _total"
hdr=$(curl -sf -D - -o /dev/null "$URL" | tr -d '\r')
like "$hdr" "Content-Type: text/plain; version=0.0.4" "default: Prometheus text format 0.0.4"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EPORT/nope")" 404 "unknown path: 404"
is "$(curl -s "http://127.0.0.1:$EPORT/healthz")" ok "/healthz: ok"

# an operation of ours first, so the last family has a sample to end with
# whether or not anything else on the host made one
unshare -u true
poll 20 sh -c "curl -sf '$URL' | grep -q '^nsexporter_namespace_operations_total{operation=\"unshare\",type=\"uts\"'" ||
	diag "the unshare did not show in the counters"

# concurrent scrapes while scans run (--min-interval 0.5: three bursts
# of 16, 0.3 s apart, meet refreshes): every one complete, and those that
# report the same scan (nsexporter_scans_total, the generation) carry the
# same figures but for the per-scrape ones (scrapes, the live BPF counters)
pids=()
for b in 1 2 3; do
	for i in $(seq 1 16); do curl -sf --max-time 30 "$URL" -o "$T_TMP/par.$b.$i" & pids+=($!); done
	[ $b -lt 3 ] && sleep 0.3
done
wait "${pids[@]}"
n=0; for f in "$T_TMP"/par.*; do tail -1 "$f" | grep -q '^nsexporter_bpf_up\|^nsexporter_namespace_operations_total' && n=$((n + 1)); done
is "$n" 48 "48 concurrent scrapes: all complete (the last family ends each)"
gens=$(python3 - "$T_TMP" <<'EOF2'
import glob, sys
by = {}
for f in glob.glob(sys.argv[1] + "/par.*"):
    lines = [l for l in open(f).read().splitlines()
             if not l.startswith(("nsexporter_scrapes_total", "nsexporter_namespace_operations_total"))]
    gen = next(l.split()[1] for l in lines if l.startswith("nsexporter_scans_total "))
    by.setdefault(gen, set()).add("\n".join(lines))
print(len(by), sum(len(v) for v in by.values()))
EOF2
)
read -r ngen nvariants <<<"$gens"
is "$nvariants" "$ngen" "... one exposition per generation ($ngen generations seen): no scrape mixes two scans"

# --------------------------------------------------------------- Prometheus
if ! command -v prometheus >/dev/null; then
	skip "[tool] prometheus not installed (make check-deps installs it)"
else
	prom_start "$EPORT"
	if ! poll 60 prom_up; then
		fail "Prometheus scrapes the exporter: $(tail -3 "$T_TMP/prom.log")"
	else
		pass "Prometheus up and scraping the exporter (up == 1)"
		Q_SUCCESS='nsexporter_last_scan_success'
		ok "$(poll 10 cond "$Q_SUCCESS" -eq 1; echo $?)" "Prometheus: last scan success == 1"

		# a netns bind-mounted where a CNI plugin puts its sandboxes'
		NETNS=cni-nstest-$$
		Q_LEAK='nsexporter_namespaces_leaked{type="net",runtime="cni"}'
		Q_HELD='nsexporter_namespaces_held{type="net",holder="mount"}'
		poll 10 cond "$Q_LEAK" -ge 0
		base=$(pq "$Q_LEAK")
		ip netns add "$NETNS" && on_exit "ip netns del $NETNS"
		ok "$(poll 20 cond "$Q_LEAK" -ge $((base + 1)); echo $?)" \
			"ip netns add $NETNS: leaked{runtime=cni} rises to >= $((base + 1)) (was $base)"
		ok "$(poll 10 cond "$Q_HELD" -ge 1; echo $?)" "... and held{type=net,holder=mount} >= 1"
		now=$(pq "$Q_LEAK")
		ip netns del "$NETNS"
		ok "$(poll 20 cond "$Q_LEAK" -le $((now - 1)); echo $?)" \
			"ip netns del: leaked{runtime=cni} falls to <= $((now - 1))"

		# a namespace set around a container= init (a runtime of our own name)
		RT=nstest$$
		Q_CT="nsexporter_containers{runtime=\"$RT\"}"
		Q_CP="nsexporter_container_processes{runtime=\"$RT\"}"
		Q_CN="nsexporter_container_namespaces{runtime=\"$RT\"}"
		# the inner unshare becomes pid 1 of the new pid namespace, then
		# makes the other four: the five hold the container's process only
		C=$(bg_start unshare --pid --fork unshare --uts --ipc --net --mount --mount-proc \
			env container=$RT sleep 600)
		ok "$(poll 20 cond "$Q_CT" -eq 1; echo $?)" "namespace set with container=$RT: containers{runtime=$RT} == 1"
		ok "$(poll 10 cond "$Q_CP" -eq 1; echo $?)" "--per-container: container_processes{runtime=$RT} == 1"
		ok "$(poll 10 cond "$Q_CN" -eq 5; echo $?)" \
			"--per-container: container_namespaces{runtime=$RT} == 5 (its uts, ipc, net, pid, mnt) (got $(pq "$Q_CN"))"
		kill -KILL -- "-$C" 2>/dev/null
		gone() { local v; v=$(pq "$Q_CT"); [ "$v" = none ] || [ "$v" -eq 0 ]; }
		ok "$(poll 20 gone; echo $?)" \
			"container gone: containers{runtime=$RT} leaves"

		# a container by its cgroup (docker-<ID>.scope, made here): found,
		# per-container labels without empty ones; moved out of it, it is
		# seen gone within 8 refreshes (a refresh reads each process's
		# cgroup again every 8th time)
		CG=
		for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
			[ -w "$d/cgroup.procs" ] && [ "$(stat -f -c %T "$d")" = cgroup2fs ] && { CG=$d; break; }
		done
		if [ -z "$CG" ]; then
			skip "[cgroup] no writable cgroup2 hierarchy: no container by cgroup"
		else
			ID=$(printf '5e%06x%056d' $(($$ & 0xffffff)) 0)
			TOP=$CG/nst-exp-$$ DOCK=$CG/nst-exp-$$/docker-$ID.scope
			mkdir "$TOP" "$DOCK" && on_exit "rmdir '$DOCK' '$TOP'"
			D=$(bg_start sh -c "echo \$\$ >'$DOCK/cgroup.procs' && exec sleep 600")
			Q_D="nsexporter_container_processes{container_id=\"$ID\"}"
			ok "$(poll 20 cond "$Q_D" -eq 1; echo $?)" "a process in docker-$ID.scope: container_processes{container_id} == 1"
			labels=$(pseries "$Q_D")
			is "$labels" "__name__=nsexporter_container_processes container=$ID container_id=$ID runtime=docker" \
				"... its labels: container (no name known: the id), container_id, runtime; no empty pod_uid"
			ok "$(poll 10 cond 'nsexporter_containers{runtime="docker"}' -ge 1; echo $?)" "... containers{runtime=docker} >= 1"
			echo "$D" >"$TOP/cgroup.procs"
			out_d() { local v; v=$(pq "$Q_D"); [ "$v" = none ] || [ "$v" -eq 0 ]; }
			ok "$(poll 30 out_d; echo $?)" "moved out of the cgroup: its container leaves within 8 refreshes"
			kill -KILL -- "-$D" 2>/dev/null
		fi

		# a burst of unshare calls, and refused ones
		N=25
		Q_OK='nsexporter_namespace_operations_total{operation="unshare",type="uts",result="ok"}'
		Q_EPERM='nsexporter_namespace_operations_total{operation="unshare",type="ipc",result="EPERM"}'
		if [ "$(pq 'nsexporter_bpf_up')" != 1 ]; then
			skip "[bpf] BPF counters not loaded: $(grep -o 'bpf_up{reason="[^"]*"' "$T_TMP/expo.txt")"
		else
			obase=$(pq "$Q_OK"); [ "$obase" = none ] && obase=0
			ebase=$(pq "$Q_EPERM"); [ "$ebase" = none ] && ebase=0
			for i in $(seq 1 $N); do unshare --uts true; done
			for i in 1 2 3; do setpriv --reuid=65534 --regid=65534 --clear-groups unshare --ipc true 2>/dev/null; done
			ok "$(poll 20 cond "$Q_OK" -ge $((obase + N)); echo $?)" \
				"$N x unshare --uts: operations_total{unshare,uts,ok} rises by >= $N (from $obase to $(pq "$Q_OK"))"
			ok "$(poll 10 cond "$Q_EPERM" -ge $((ebase + 3)); echo $?)" \
				"3 refused unshare --ipc: operations_total{unshare,ipc,EPERM} rises by >= 3"
		fi
	fi
fi

# --------------------------------------------------- a burst, one scan
# (an interval of 15 s: 20 concurrent curls on a host under a load of
# 100+ take seconds to all land)
setsid "$EXP" --listen 127.0.0.1:0 --min-interval 15 --no-bpf </dev/null >/dev/null 2>"$T_TMP/exp3.err" &
E3=$!
echo "$E3" >>"$T_TMP/bg.pids"
on_exit "kill -TERM $E3"
poll 20 grep -q "listening on" "$T_TMP/exp3.err"
U3=http://127.0.0.1:$(sed -n 's/^nsexporter: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T_TMP/exp3.err")/metrics
val() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }
curl -sf "$U3" -o "$T_TMP/b0.txt"
b0=$(val "$T_TMP/b0.txt" nsexporter_scans_total)
pids=()
for i in $(seq 1 20); do curl -sf --max-time 30 "$U3" -o "$T_TMP/bw.$i" & pids+=($!); done
wait "${pids[@]}"
is "$(cat "$T_TMP"/bw.* | awk '$1 == "nsexporter_scans_total" { print $2 }' | sort -u)" "$b0" \
	"20 scrapes at once within --min-interval: no scan started (scans_total stays $b0 in all)"
# once the last scan is older than the interval, a burst starts one scan
ts=$(val "$T_TMP/b0.txt" nsexporter_last_scan_timestamp_seconds)
older() { python3 -c 'import sys, time; sys.exit(time.time() - float(sys.argv[1]) <= 15.3)' "$ts"; }
poll 40 older
pids=()
for i in $(seq 1 20); do curl -sf --max-time 30 "$U3" -o "$T_TMP/bx.$i" & pids+=($!); done
wait "${pids[@]}"
landed() { curl -sf "$U3" -o "$T_TMP/b1.txt" && [ "$(val "$T_TMP/b1.txt" nsexporter_scans_total)" -gt "$b0" ]; }
poll 20 landed
is "$(val "$T_TMP/b1.txt" nsexporter_scans_total)" $((b0 + 1)) \
	"20 scrapes at once past --min-interval: one scan (scans_total $b0 -> $((b0 + 1)))"
like "$(cat "$T_TMP"/bx.* | awk '$1 == "nsexporter_scans_total" { print $2 }' | sort -u | tr '\n' ' ')" \
	"^$b0 ($((b0 + 1)) )?\$" "... every one answered from scan $b0 or the one it started"

# ------------------------------------------------------------- bad input
out=$("$EXP" --listen "127.0.0.1:$EPORT" 2>&1 </dev/null); rc=$?
is "$rc:$out" "3:nsexporter: cannot listen on 127.0.0.1:$EPORT: Address already in use" \
	"occupied port: one line, exit 3"
out=$("$EXP" --listen "nonsense" 2>&1); rc=$?
is "$rc" 2 "--listen without a port: usage error"

# a scan that fails while serving: the server answers and says so
mkdir "$T_TMP/fakeproc"
setsid "$EXP" --listen 127.0.0.1:0 --min-interval 0 --no-bpf --proc-root "$T_TMP/fakeproc" \
	</dev/null >/dev/null 2>"$T_TMP/exp2.err" &
E2=$!
echo "$E2" >>"$T_TMP/bg.pids"
on_exit "kill -TERM $E2"
poll 20 grep -q "listening on" "$T_TMP/exp2.err"
P2=$(sed -n 's/^nsexporter: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T_TMP/exp2.err")
out=$(curl -sf "http://127.0.0.1:$P2/metrics")
ok "$(printf '%s\n' "$out" | grep -qx 'nsexporter_last_scan_success 1'; echo $?)" "(an empty proc root scans: last_scan_success 1)"
rmdir "$T_TMP/fakeproc"
failed_scan() { curl -sf "http://127.0.0.1:$P2/metrics" >"$T_TMP/failed.txt" && grep -qx 'nsexporter_last_scan_success 0' "$T_TMP/failed.txt"; }
ok "$(poll 20 failed_scan; echo $?)" "its proc root removed, a later scan fails: 200, last_scan_success 0"
out=$(cat "$T_TMP/failed.txt")
like "$out" "nsexporter_scan_failures_total [1-9]" "... and the failure counted"
unlike "$out" "nsexporter_namespaces\{" "... and no stale namespace figures"
is "$(curl -sf "http://127.0.0.1:$P2/metrics" >/dev/null; kill -0 $E2 && echo alive)" alive "the exporter is still alive"
fails() { curl -sf "http://127.0.0.1:$P2/metrics" | awk '$1 == "nsexporter_scan_failures_total" { exit !($2 >= 3) }'; }
poll 20 fails
is "$(grep -v "listening on" "$T_TMP/exp2.err")" "nsexporter: scan failed: cannot read $T_TMP/fakeproc: No such file or directory" \
	"... its stderr: one line for the failing scans (3 or more), not one per scan"
mkdir "$T_TMP/fakeproc"
ok "$(poll 20 sh -c "curl -sf 'http://127.0.0.1:$P2/metrics' | grep -qx 'nsexporter_last_scan_success 1'"; echo $?)" \
	"its proc root back: scans succeed again"
is "$(tail -1 "$T_TMP/exp2.err")" "nsexporter: scanning again" "... and one line says so"

# ------------------------------------------------------------------ --once
out=$("$EXP" --once --no-bpf); rc=$?
like "$rc:$out" "^0:# HELP" "--once: the exposition on stdout, exit 0"
is "$(printf '%s\n' "$out" | promtool check metrics 2>&1; echo $?)" 0 "--once: promtool passes"
out=$("$EXP" --once --no-bpf --proc-root "$T_TMP/none" 2>"$T_TMP/once.err"); rc=$?
is "$rc" 1 "--once, failed scan: exit 1"
like "$out" "nsexporter_last_scan_success 0" "--once, failed scan: the exposition says so"
is "$(cat "$T_TMP/once.err")" "nsexporter: cannot read $T_TMP/none: No such file or directory" "--once, failed scan: one line"

# ------------------------------------------------ hostile label values
# container= of a pid namespace init is the runtime label: quote,
# backslash, newline and a byte that is not UTF-8, chosen by the process
H=$(bg_start unshare --pid --fork --mount-proc env container="h$$"$'"q\\b\nn\xff' sleep 600)
want='nsexporter_containers{runtime="h'$$'\"q\\b\nn\\xff"} 1'
hostile() { "$EXP" --once --no-bpf --min-interval 0 >"$T_TMP/hostile.txt"; grep -qxF "$want" "$T_TMP/hostile.txt"; }
ok "$(poll 20 hostile; echo $?)" "hostile runtime label: quote, backslash, newline escaped, invalid byte as \\xff"
is "$(promtool check metrics <"$T_TMP/hostile.txt" 2>&1; echo $?)" 0 "... and the exposition still passes promtool"
ok "$(python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' "$T_TMP/hostile.txt" 2>/dev/null; echo $?)" \
	"... and is valid UTF-8"
kill -KILL -- "-$H" 2>/dev/null

# -------------------------------------------------------------- --textfile
D=$T_TMP/textfile; mkdir "$D"
"$EXP" --textfile "$D" --no-bpf; rc=$?
is "$rc" 0 "--textfile: exit 0"
is "$(promtool check metrics <"$D/nsexporter.prom" 2>&1; echo $?)" 0 "--textfile: nsexporter.prom passes promtool"
is "$(stat -c %a "$D/nsexporter.prom")" 644 "--textfile: mode 644 (node_exporter may be another user)"
# a reader racing 8 rewrites sees whole files only
python3 - "$D/nsexporter.prom" "$T_TMP/reader.out" <<'EOF' &
import sys, time
bad = reads = 0
end = time.time() + 240
while time.time() < end:
    try:
        s = open(sys.argv[1]).read()
    except FileNotFoundError:
        bad += 1; continue
    reads += 1
    if not (s.startswith("# HELP") and s.endswith('nsexporter_bpf_up{reason="disabled by --no-bpf"} 0\n')):
        bad += 1
    try:
        open(sys.argv[2] + ".stop").close(); break
    except FileNotFoundError:
        pass
open(sys.argv[2], "w").write(f"{reads} {bad}\n")
EOF
RD=$!
for i in $(seq 1 8); do "$EXP" --textfile "$D" --no-bpf || break; done
touch "$T_TMP/reader.out.stop"; wait "$RD"
read -r reads bad <"$T_TMP/reader.out"
is "$bad" 0 "--textfile: $reads reads racing 8 rewrites, none saw a partial or missing file"
is "$(ls -A "$D")" "nsexporter.prom" "--textfile: no temporary file left"
touch "$T_TMP/afile"
out=$("$EXP" --textfile "$T_TMP/afile" --no-bpf 2>&1); rc=$?
is "$rc:$out" "3:nsexporter: cannot write $T_TMP/afile/nsexporter.prom: Not a directory" \
	"--textfile on a file: one line, exit 3"
out=$("$EXP" --textfile "$T_TMP/missing" --no-bpf 2>&1); rc=$?
is "$rc:$out" "3:nsexporter: cannot write $T_TMP/missing/nsexporter.prom: No such file or directory" \
	"--textfile on a missing directory: one line, exit 3"
mkdir "$T_TMP/ro"
out=$(unshare --mount sh -c "mount -t tmpfs -o ro nstest-ro-$$ '$T_TMP/ro' && exec '$EXP' --textfile '$T_TMP/ro' --no-bpf" 2>&1); rc=$?
is "$rc:$out" "3:nsexporter: cannot write $T_TMP/ro/nsexporter.prom: Read-only file system" \
	"--textfile on a read-only directory (a mount of its own): one line, exit 3"

done_testing

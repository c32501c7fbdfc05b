#!/usr/bin/env bash
# CPU time and resident memory per process (NSINFO_SCAN_USAGE) through both
# sources of the library and in nstop -b: a busy loop and a process holding
# 64 MiB it touched, against /proc/PID/stat and /proc/PID/status read just
# before and just after each reading.
source "$(dirname "$0")/../lib/lib.sh"
require_root "the processes get namespaces of their own (nstop's rows), and the BPF source needs root"
PU=$BUILD/tests/helpers/procusage
NSTOP=$BUILD/nstop
export LC_ALL=C NO_COLOR=1
HZ=$(getconf CLK_TCK)
# the BPF source reads the scheduler's runtime, which lags a running task by
# the slice in progress, and stat rounds down to a tick: 50 ms either way
SLACK_NS=50000000

# the busy loop alone in a uts namespace, the memory holder in an ipc one
BUSY=$(bg_start unshare --uts sh -c 'while :; do :; done')
MEM=$(bg_start unshare --ipc python3 -c '
import sys, time
b = bytearray(64 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
open(sys.argv[1], "w").close()
time.sleep(600)' "$T_TMP/mem.ready")

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
vmrss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
statrss() { awk -v p="$(getconf PAGESIZE)" '{ print $24 * p / 1024 }' "/proc/$1/stat"; }
# within LOW HIGH VALUE: LOW <= VALUE <= HIGH (awk: the numbers pass 2^53 only in ns)
within() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v >= l && v <= h) }'; }

wait_for "$T_TMP/mem.ready" 60 || { fail "the memory holder came up"; done_testing; exit; }
# half a second of CPU at least, however loaded the host
for _ in $(seq 1200); do [ "$(ticks "$BUSY")" -ge $((HZ / 2)) ] && break; sleep 0.05; done
[ "$(ns_ino "$BUSY" uts)" != "$(ns_ino $$ uts)" ] || { fail "the busy loop has its own uts namespace"; done_testing; exit; }
diag "busy=$BUSY ($(ticks "$BUSY") ticks) mem=$MEM (VmRSS $(vmrss "$MEM") kB)"

for src in proc bpf; do
	tb=$(ticks "$BUSY"); rb=$(vmrss "$MEM"); sb=$(statrss "$MEM")
	"$PU" "$src" "$BUSY" "$MEM" >"$T_TMP/$src" 2>&1
	st=$?
	ta=$(ticks "$BUSY"); ra=$(vmrss "$MEM"); sa=$(statrss "$MEM")
	got=$(sed -n 's/^source //p' "$T_TMP/$src")
	if [ "$src" = bpf ] && [ "${got%% *}" != bpf ]; then
		skip "[bpf] the BPF task iterator is not usable here: $got"
		continue
	fi
	is "$st.${got%% *}" "0.$src" "$src: a snapshot from the $src source"
	cpu=$(awk -v p="$BUSY" '$1 == p { print $2 }' "$T_TMP/$src")
	lo=$(awk -v t="$tb" -v hz="$HZ" -v s=$SLACK_NS 'BEGIN { printf "%.0f", t * 1e9 / hz - s }')
	hi=$(awk -v t="$ta" -v hz="$HZ" -v s=$SLACK_NS 'BEGIN { printf "%.0f", t * 1e9 / hz + s }')
	within "$lo" "$hi" "$cpu"
	ok $? "$src: the busy loop's CPU time ($cpu ns) is what stat says ($tb..$ta ticks at $HZ Hz)"
	rss=$(awk -v p="$MEM" '$1 == p { print $3 / 1024 }' "$T_TMP/$src")
	# VmRSS sums the per-CPU counters exactly, stat's rss reads their shared
	# value as the library does: both, give or take a MiB
	lo=$(printf '%s\n' "$rb" "$ra" "$sb" "$sa" | sort -n | head -1)
	hi=$(printf '%s\n' "$rb" "$ra" "$sb" "$sa" | sort -n | tail -1)
	within $((lo - 1024)) $((hi + 1024)) "$rss"
	ok $? "$src: the 64 MiB holder's RSS ($rss KiB) is what status and stat say ($lo..$hi KiB)"
	within 65536 $((hi + 1024)) "$rss"
	ok $? "$src: ... and holds the 64 MiB it touched"
	is "$(awk -v p="$MEM" '$1 == p { print ($2 < 1000000000) }' "$T_TMP/$src")" 1 \
		"$src: the sleeping holder used well under a second of CPU"
done

# nstop's first frame: each process's lifetime average, alone in its row
up() { awk '{ print $1 }' /proc/uptime; }
start=$(awk '{ print $22 }' "/proc/$BUSY/stat")
tb=$(ticks "$BUSY"); ub=$(up)
"$NSTOP" -b -n 1 -g flat -o TYPE,NS,NPROCS,%CPU,RSS >"$T_TMP/top" 2>"$T_TMP/err"
st=$?
ta=$(ticks "$BUSY"); ua=$(up)
is "$st.$(cat "$T_TMP/err")" "0." "nstop -b runs"
row() { awk -v t="$1" -v i="$2" '$1 == t && $2 == i { print $3, $4, $5 }' "$T_TMP/top"; }
read -r n cpu _ <<<"$(row uts "$(ns_ino "$BUSY" uts)")"
lo=$(awk -v t="$tb" -v hz="$HZ" -v u="$ua" -v s="$start" 'BEGIN { printf "%.2f", (t / hz - 0.05) * 100 / (u - s / hz) - 0.1 }')
hi=$(awk -v t="$ta" -v hz="$HZ" -v u="$ub" -v s="$start" 'BEGIN { printf "%.2f", (t / hz + 0.05) * 100 / (u - s / hz) + 0.1 }')
is "$n" 1 "nstop: the busy loop is alone in its uts namespace"
within "$lo" "$hi" "$cpu"
ok $? "nstop: its %CPU ($cpu) is its lifetime average from stat ($lo..$hi)"
rb=$(vmrss "$MEM")
read -r n _ rss <<<"$(row ipc "$(ns_ino "$MEM" ipc)")"
is "$n" 1 "nstop: the memory holder is alone in its ipc namespace"
kib=$(awk -v r="$rss" 'BEGIN { u = substr(r, length(r)); v = substr(r, 1, length(r) - 1);
	print (u == "M" ? v * 1024 : u == "G" ? v * 1048576 : u == "K" ? v : -1) }')
within $((rb - 1024 - 103)) $((rb + 1024 + 103)) "$kib"
ok $? "nstop: its RSS ($rss) is its VmRSS ($rb KiB) give or take a MiB"

done_testing

#!/usr/bin/env bash
# nstop batch mode against namespaces this test builds: rows, filters,
# frames, churn, CPU and RSS sums, CLI errors.
source "$(dirname "$0")/../lib/lib.sh"
require_root "the fixtures need namespaces, and a hostname set in one"
NSTOP=$BUILD/nstop
export LC_ALL=C NO_COLOR=1

# A: a process alone in new net/uts/ipc namespaces (unshare execs sleep)
HOST=nstopB$$
A=$(bg_start unshare --net --uts --ipc sh -c "hostname $HOST; exec sleep 300")
# B: a pid namespace with three members (sh and two sleeps, one of them in
# a uts namespace of its own: its lowest member is inside B)
B=$(bg_start unshare --fork --pid --mount-proc --net sh -c 'unshare --uts sleep 301 & sleep 302 & wait')
for _ in $(seq 100); do
	[ "$(cat /proc/$A/comm)" = sleep ] && [ -n "$(cat /proc/$B/task/$B/children 2>/dev/null)" ] && break
	sleep 0.05
done
A_NET=$(ns_ino "$A" net); A_UTS=$(ns_ino "$A" uts); A_IPC=$(ns_ino "$A" ipc)
B_SH=$(cat /proc/$B/task/$B/children); B_SH=${B_SH%% *}
B_PID=$(ns_ino "$B_SH" pid)
B_UTS=
for _ in $(seq 100); do
	for c in $(cat /proc/$B_SH/task/$B_SH/children 2>/dev/null); do
		[ "$(ns_ino "$c" uts)" != "$(ns_ino "$B_SH" uts)" ] && B_UTS=$(ns_ino "$c" uts)
	done
	[ -n "$B_UTS" ] && [ "$(wc -w </proc/$B_SH/task/$B_SH/children)" -ge 2 ] && break
	sleep 0.05
done
diag "A=$A net=$A_NET uts=$A_UTS; B sh=$B_SH pidns=$B_PID"
[ "$A_NET" != "$(ns_ino $$ net)" ] || { fail "test namespaces came up"; done_testing; exit; }

# the row of one namespace (flat view, columns TYPE NS NPROCS COMMAND)
row() { awk -v ino="$2" '$2 == ino { $1 = $1; print }' "$1"; }

out=$T_TMP/flat
"$NSTOP" -b -n 1 -g flat -o TYPE,NS,NPROCS,COMMAND >"$out" 2>"$T_TMP/err"
is "$?" 0 "batch run exits 0"
is "$(cat "$T_TMP/err")" "" "nothing on stderr"
is "$(row "$out" "$A_NET")" "net $A_NET 1 sleep" "A's net namespace: one member, sleep"
is "$(row "$out" "$A_UTS" | awk '{print $1, $3}')" "uts 1" "A's uts namespace listed"
"$NSTOP" -b -n 1 -g flat -o NS,CONTAINER >"$T_TMP/labels"
# a hostname is what a process chose, not a container: CONTAINER is the
# library's label, as in nstree (none for a plain unshare)
is "$(awk -v i="$A_UTS" '$1 == i {print $2}' "$T_TMP/labels")" "-" "CONTAINER: A's uts namespace (no container) shows none, not its hostname"
is "$(awk -v i="$A_NET" '$1 == i {print $2}' "$T_TMP/labels")" "-" "CONTAINER: A's net namespace shows none either"
is "$(row "$out" "$B_PID" | awk '{print $1, $3}')" "pid 3" "B's pid namespace has its 3 members"
like "$(head -1 "$out")" '^nstop - [0-9]{2}:[0-9]{2}:[0-9]{2} up .*load average: ' "frame starts with the uptime line"
like "$(sed -n 2p "$out")" '^Namespaces: [0-9]+ total, cgroup [0-9]+, ipc' "totals per type"
like "$(grep -m1 '^Processes:' "$out")" '^Processes: [0-9]+, containers: [0-9]+' "process totals"
is "$(grep -c $'\e' "$out")" 0 "no escape codes in batch output"

"$NSTOP" -b -n 1 -g flat -t net -o TYPE,NS >"$out"
is "$(awk 'f && NF {print $1} /^TYPE/ {f=1}' "$out" | sort -u)" "net" "-t net shows only net namespaces"
row "$out" "$A_NET" | grep -q . ; ok $? "-t net keeps A's net namespace"

"$NSTOP" -b -n 1 -g flat -p "$A" -o TYPE,NS >"$out"
want=$(for t in cgroup ipc mnt net pid time user uts; do
	i=$(ns_ino "$A" $t) && [ -n "$i" ] && echo "$t $i"; done | sort)
is "$(awk 'f && NF {print $1, $2} /^TYPE/ {f=1}' "$out" | sort)" "$want" "-p shows exactly the process's namespaces"

# tree: B's pid namespace under the host's
"$NSTOP" -b -n 1 -t pid -o TYPE,NS,NPROCS >"$out"
like "$(grep -- "$B_PID" "$out")" "^pid +[|\`]-$B_PID +3\$" "tree: B's pid namespace drawn as a child"
"$NSTOP" -b -n 1 -g container -o TYPE,NS,COMMAND >"$out"
like "$(sed -n "/^pid *$B_PID/,/^pid/p" "$out" | grep -- "$B_UTS")" "^uts +[|\`]-$B_UTS +sleep\$" \
	"by container: a namespace of B's members grouped under B's pid namespace"

# frames
"$NSTOP" -b -n 3 -d 0.1 >"$out"
is "$(grep -c '^nstop - ' "$out")" 3 "-n 3 prints three frames"

# churn: a process joins A's net namespace after the first frame; the frame
# that follows the join (however late it comes on a loaded host) counts it,
# and the two frames after that do not count it again
"$NSTOP" -b -d 0.5 -g flat -t net -o NS,CHURN >"$out" &
np=$!
on_exit "kill $np 2>/dev/null"
for _ in $(seq 1200); do grep -q "$A_NET" "$out" && break; sleep 0.05; done
J=$(bg_start nsenter -t "$A" -n sleep 303)
joined() { awk -v i="$A_NET" '$1 == i && $2 == "+1/-0"' "$out" | grep -q .; }
frames() { grep -c '^nstop - ' "$out"; }
for _ in $(seq 1200); do joined && break; sleep 0.05; done
f0=$(frames)
for _ in $(seq 1200); do [ "$(frames)" -ge $((f0 + 2)) ] && break; sleep 0.05; done
kill "$np"; wait "$np" 2>/dev/null
is "$(awk -v i="$A_NET" '$1 == i {print $2}' "$out" | tail -n +2 | sort | uniq -c | awk '$2 == "+1/-0" {print $1}')" 1 \
	"churn counts the process that joined, once"
kill "$J"

# CPU summed over members: a busy loop alone in a net namespace
C=$(bg_start unshare --net sh -c 'while :; do :; done')
for _ in $(seq 200); do [ "$(ns_ino "$C" net)" != "$(ns_ino $$ net)" ] && break; sleep 0.05; done
C_NET=$(ns_ino "$C" net)
"$NSTOP" -b -n 2 -d 0.5 -g flat -t net -o NS,%CPU >"$out"
cpu=$(awk -v i="$C_NET" '$1 == i {print $2}' "$out" | tail -1)
# the machine is shared: a busy loop gets what the scheduler gives it,
# but a sleeper gets nothing
ok "$(awk -v c="$cpu" 'BEGIN { exit !(c >= 5) }'; echo $?)" "busy namespace shows CPU use ($cpu%)"
is "$(awk -v i="$A_NET" '$1 == i {print $2}' "$out" | tail -1)" "0.0" "sleeping namespace shows none"
kill -KILL "$C"

# RSS: the lone member's resident memory
"$NSTOP" -b -n 1 -g flat -t net -o NS,RSS >"$out"
# stat's rss field, as top reads it (the library's scan reads the same counter)
rss_kb=$(( $(awk '{print $24}' /proc/$A/stat) * $(getconf PAGESIZE) / 1024 ))
is "$(awk -v i="$A_NET" '$1 == i {print $2}' "$out")" "${rss_kb}K" "RSS of A's net namespace is its member's"

# with the event feed (-e) refreshes copy the links of processes that made
# no namespace call; one that unshares between two frames must be re-read
if "$NSTOP" -b -n 1 -e -g flat -t net >"$out" && grep -q '^Events: [0-9.]*/s, lost 0' "$out"; then
	mkfifo "$T_TMP/go"
	X=$(bg_start bash -c "read <'$T_TMP/go'; exec unshare --net sleep 304")
	"$NSTOP" -b -n 3 -d 2 -e -g flat -p "$X" -o TYPE,NS >"$out" &
	np=$!
	# frame 1 first (loading the probe and a scan take seconds under ASan on
	# a loaded host), then the unshare
	for _ in $(seq 1200); do grep -q '^net ' "$out" && break; sleep 0.05; done
	echo go >"$T_TMP/go"
	for _ in $(seq 100); do [ "$(ns_ino "$X" net)" != "$(ns_ino $$ net)" ] && break; sleep 0.05; done
	wait "$np"
	is "$(awk '$1 == "net" {print $2}' "$out" | head -1)" "$(ns_ino $$ net)" "-e: frame 1 has X in the host's net namespace"
	is "$(awk '$1 == "net" {print $2}' "$out" | tail -1)" "$(ns_ino "$X" net)" "-e: the last frame has X's new one (the unshare was seen)"
	is "$(awk '$1 == "uts" {print $2}' "$out" | tail -1)" "$(ns_ino "$X" uts)" "-e: X's other links copied correctly"
else
	skip "[bpf] event source not available: $(sed -n 's/^Events: //p' "$out")"
fi

# CLI
"$NSTOP" --bogus >/dev/null 2>"$T_TMP/err"; st=$?
is "$st" 2 "bad option exits 2"
is "$(tail -1 "$T_TMP/err")" "Try 'nstop --help' for more information." "bad option hint"
"$NSTOP" -n 2 2>"$T_TMP/err" >/dev/null; is "$?" 2 "-n without -b is a usage error"
"$NSTOP" -b -n 1 -p 2147483647 >/dev/null 2>"$T_TMP/err"; st=$?
is "$st" 1 "missing pid exits 1"
is "$(cat "$T_TMP/err")" "nstop: pid 2147483647: No such process" "missing pid message"
is "$("$NSTOP" -V)" "nstop from nstools $(sed -n 's/^#define NSINFO_VERSION "\(.*\)"/\1/p' "$SRCDIR/libnsinfo/include/nsinfo.h")" "--version"
"$NSTOP" --help | grep -q -- '--batch'; ok $? "--help lists the options"
"$NSTOP" -b -n 1 --events-filter pid:1 >/dev/null 2>"$T_TMP/err"; st=$?
is "$st.$(head -1 "$T_TMP/err")" "2.nstop: --events-filter needs the event source (not -E; -e in batch mode)" \
	"--events-filter without the event source: usage error"
"$NSTOP" -b -e -n 1 --events-filter pid:x1 >/dev/null 2>"$T_TMP/err"; st=$?
is "$st.$(head -1 "$T_TMP/err")" "2.nstop: invalid pid in the events filter: 'pid:x1'" "--events-filter with a bad pid: usage error"
"$NSTOP" -b -e -n 1 --events-filter ct: >/dev/null 2>"$T_TMP/err"; st=$?
is "$st.$(head -1 "$T_TMP/err")" "2.nstop: events filter: empty text" "--events-filter ct: without a name: usage error"
if "$NSTOP" -b -e -n 1 2>/dev/null | grep -q "^Events: event source not available"; then
	skip "[bpf] event source not available: a pid filter cannot be checked"
else
	"$NSTOP" -b -e -n 1 --events-filter 2147483647 >/dev/null 2>"$T_TMP/err"; st=$?
	is "$st.$(cat "$T_TMP/err")" "1.nstop: no process 2147483647" "--events-filter with a pid that does not exist: exit 1"
	"$NSTOP" -b -e -n 1 --events-filter pid:$$ >/dev/null 2>"$T_TMP/err"; st=$?
	is "$st.$(cat "$T_TMP/err")" "0." "--events-filter pid:N of a live process: accepted"
fi
"$NSTOP" -b -n 1 >/dev/full 2>"$T_TMP/err"; st=$?
is "$st" 3 "write error exits 3"
like "$(cat "$T_TMP/err")" "^nstop: write error" "write error reported"

done_testing

#!/usr/bin/env bash
# nspid against pid namespaces this test builds itself (tests/helpers/
# nspid_nest): three nested levels, siblings, threads. Ground truth is what
# the helper's clone3 (set_tid) and SCM_CREDENTIALS reports say, never /proc.
source "$(dirname "$0")/../lib/lib.sh"
require_root "the fixtures need pid and user namespaces"
NSPID=$BUILD/nspid
OUT=$T_TMP/nest.$$

nest=$(bg_start "$HELPERS/nspid_nest" "$OUT")
wait_for "$OUT" 20 || { fail "nspid_nest came up"; done_testing; exit 1; }

# truth KIND NAME FIELD: field N of the helper's line (1-based after the name)
truth() { awk -v k="$1" -v n="$2" -v f="$3" '$1 == k && $2 == n { print $(f + 2); exit }' "$OUT"; }
hostpid() { truth proc "$1" 1; }
A1=$(hostpid a1) A2=$(hostpid a2) A3=$(hostpid a3) B1=$(hostpid b1) B2=$(hostpid b2)
APP=$(hostpid app) SIB=$(hostpid sib) THR=$(hostpid thr)
diag "a1=$A1 a2=$A2 a3=$A3 app=$APP b1=$B1 sib=$SIB thr=$THR"

# ---------------------------------------------------------------- levels
got=$("$NSPID" -r -n -o LEVEL,PID "$APP")
is "$got" "$(printf '0 %s\n1 41\n2 40\n3 7' "$APP")" "app: pid at each of 4 levels"

want=
for ns in a1 a2 a3; do want+="$(truth ns $ns 2) $(truth ns $ns 3)"$'\n'; done
got=$("$NSPID" -r -n -o PIDNS,NSID "$APP" | tail -n +2)
is "$got" "${want%$'\n'}" "app: pid namespace inode and id of levels 1-3"

got=$("$NSPID" -r -n -o NSPID,COMMAND "$APP")
is "$got" "7 app" "no level column: one row; NSPID is the innermost pid"

got=$("$NSPID" -r -n -o LEVEL,HOSTNAME "$APP" "$SIB" | awk '{ print $1 "=" $2 }' | tr '\n' ' ')
is "$got" "0= 1= 2= 3=a3 0= 1=b1 " "HOSTNAME: set by the helper in each namespace, on the innermost row"
is "$("$NSPID" -r -n -o PID,HOSTNAME "$APP")" "$APP a3" "HOSTNAME on a task's only row"

# ----------------------------------------------------- inner -> caller's
is "$("$NSPID" -N "pid:$A3" -r -n -o PID 7)" "$APP" "-N pid:A3 -o PID 7: exactly the host pid"
is "$("$NSPID" -N "/proc/$A2/ns/pid" -r -n -o PID 40)" "$APP" "-N by path, middle level"
is "$("$NSPID" -N "pid:$A1" -r -n -o PID 41)" "$APP" "-N at level 1"
is "$("$NSPID" -N "pid:$A1" --to "pid:$A2" -r -n -o PID 41)" "40" "level 1 -> level 2"
is "$("$NSPID" -N "pid:$A3" --to "pid:$A1" -r -n -o LEVEL,PID 7)" "1 41" "--to prints only that level"
ino=$(truth ns a3 2)
is "$("$NSPID" -N "$ino" -r -n -o PID 7)" "$APP" "-N by inode number"
is "$("$NSPID" -N "id:$(truth ns a3 3)" -r -n -o PID 7)" "$APP" "-N by namespace id"
is "$("$NSPID" -N "id:$(truth ns a1 3)" -r -n -o PID 41)" "$APP" "-N by namespace id, level 1"
# a net namespace's inode is not a pid namespace, whichever way it is found
netino=$(stat -L -c %i /proc/$APP/ns/net)
out=$("$NSPID" -N "$netino" 1 2>&1); rc=$?
[ "$rc" -ne 0 ] && [[ $out == *"a net namespace, not pid"* ]]
ok $? "-N by a net namespace's inode: refused, says why ($rc: $out)"
is "$("$NSPID" -N "pid:$A3" -r -n -o PID 1 9)" "$A3"$'\n'"$THR" "several pids in one call"

# -------------------------------------------------------------- siblings
is "$("$NSPID" -N "pid:$B1" -r -n -o PID 7)" "$SIB" "pid 7 of the sibling namespace is another process"
out=$("$NSPID" -N "pid:$B1" --to "pid:$A1" -r -n -o PID 7 2>&1); rc=$?
is "$rc" 1 "sibling cannot see it: exit 1"
like "$out" "^nspid: 7 \(in pid:$B1\): not visible" "sibling: says why"
out=$("$NSPID" --to "pid:$B2" "$APP" 2>&1); rc=$?
is "$rc" 1 "sibling at level 2 cannot see app"
like "$out" "not visible" "sibling at level 2: says why"
out=$("$NSPID" -N "pid:$B2" 7 2>&1); rc=$?
is "$rc" 1 "pid absent from that namespace: exit 1"
like "$out" "^nspid: 7 \(in pid:$B2\): no such process$" "absent: says why"

# a REF above the caller: run inside a child pid namespace, given ours
out=$(unshare -p -f --mount-proc "$NSPID" -N /dev/fd/3 1 3</proc/self/ns/pid 2>&1); rc=$?
is "$rc" 1 "REF above the caller's pid namespace: exit 1"
like "$out" "^nspid: 1 \(in /dev/fd/3\): /dev/fd/3 is not below the caller's pid namespace" "REF above the caller: says why"

# --------------------------------------------------------------- threads
while read -r _ _ tid0 tidn tgid0; do
	is "$("$NSPID" -T -N "pid:$THR" -r -n -o PID,TGID "$tidn")" "$tid0 $tgid0" "thread $tidn in ns3 -> host tid $tid0 of $tgid0"
	is "$("$NSPID" -T --to "pid:$THR" -r -n -o PID,TGID "$tid0")" "$tidn 9" "host tid $tid0 -> tid $tidn of 9 in ns3"
	out=$("$NSPID" "$tid0" 2>&1); rc=$?
	is "$rc" 1 "tid without --threads: exit 1"
	like "$out" "^nspid: $tid0: a thread id" "tid without --threads: says why"
	out=$("$NSPID" -N "pid:$THR" "$tidn" 2>&1); rc=$?
	is "$rc.$out" "1.nspid: $tidn (in pid:$THR): a thread id, not a process id (use --threads)" "inner tid without --threads"
done < <(grep '^thread ' "$OUT")

# ------------------------------------------------------------------ --all
want=$(for n in a2 a3 app b2 thr; do echo "$(hostpid $n) $(truth proc $n 2)"; done; echo "$A1 1")
got=$("$NSPID" -N "pid:$A1" -a -r -n -o PID,REFPID)
is "$(sort <<<"$got")" "$(sort <<<"$want")" "--all: every member of ns1 (nested ones too), host pid and pid in ns1"
got=$("$NSPID" -N "pid:$THR" -a -T -r -n -o PID,REFPID | sort)
want=$( (echo "$A3 1"; echo "$APP 7"; echo "$THR 9"; grep '^thread ' "$OUT" | awk '{print $3, $4}') | sort)
is "$got" "$want" "--all --threads: threads of ns3 too"
out=$("$NSPID" -a 2>&1); rc=$?
is "$rc" 2 "--all without --pidns: bad usage"

# --------------------------------------------------------- bad REFs, input
out=$("$NSPID" -N "/proc/$A3/ns/net" 1 2>&1); rc=$?
is "$rc" 1 "a net namespace as REF: exit 1"
like "$out" "^nspid: /proc/$A3/ns/net: a net namespace, not pid$" "a net namespace as REF: says why"
out=$("$NSPID" -N "pid:99999999" 1 2>&1); rc=$?
is "$rc" 1 "REF of a missing process: exit 1"
out=$("$NSPID" abc 2>&1); rc=$?
is "$rc" 2 "nspid abc: exit 2"
like "$out" "^nspid: abc: invalid pid" "nspid abc: says why"
out=$("$NSPID" -1 2>&1); rc=$?
is "$rc" 2 "nspid -1: exit 2"
like "$out" "Try 'nspid --help' for more information." "nspid -1: points to --help"
out=$("$NSPID" 0 2>&1); rc=$?
is "$rc" 2 "nspid 0: exit 2"
out=$("$NSPID" 99999999 2>&1); rc=$?
is "$rc.$out" "1.nspid: 99999999: no such process" "nspid 99999999: exit 1, one line"
out=$("$NSPID" -r -n -o PID "$APP" 99999999 2>/dev/null); rc=$?
is "$rc.$out" "1.$APP" "partial success: rows for the good pid, exit 1"
out=$("$NSPID" 2>&1); rc=$?
is "$rc" 2 "no pid: exit 2"
out=$("$NSPID" -o BOGUS 1 2>&1); rc=$?
is "$rc" 2 "unknown column: exit 2"

# ------------------------------------------------------------ formats, CLI
json=$("$NSPID" -J -o LEVEL,PID,COMMAND "$APP")
got=$(python3 -c 'import json,sys; d=json.load(sys.stdin)["pids"]; print(" ".join("%d:%d:%s" % (r["level"], r["pid"], r["command"]) for r in d))' <<<"$json")
is "$got" "0:$APP:app 1:41:app 2:40:app 3:7:app" "JSON: typed rows per level"
out=$("$NSPID" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" "Available output columns:" "--help lists columns"
like "$("$NSPID" -V)" "^nspid from nstools " "--version"
like "$("$NSPID" -H -r -n)" "^REFPID " "-H lists columns"
man_cols=$(sed -n '/^\.SH OUTPUT COLUMNS/,/^\.SH /{s/^\.B \([A-Z0-9]*\)$/\1/p}' "$SRCDIR/man/nspid.1" | tr '\n' ' ')
is "$man_cols" "$("$NSPID" -H -r -n | awk '{ printf "%s ", $1 }')" "man page lists the columns of the column table"
if [ -w /dev/full ]; then
	"$NSPID" "$APP" >/dev/full 2>/dev/null; rc=$?
	is "$rc" 3 "write error on stdout: exit 3"
fi

# pid 1 refuses its ns links on some hosts: still one row, never a crash
out=$("$NSPID" -r -n -o LEVEL,PID 1 2>&1); rc=$?
is "$rc.$out" "0.0 1" "pid 1: one level"

# ------------------------------------------- no /proc walk for single lookups
if command -v strace >/dev/null; then
	strace -f -qq -c -o "$T_TMP/strace" -e trace=openat,getdents64 "$NSPID" -N "pid:$A3" 7 >/dev/null
	like "$(cat "$T_TMP/strace")" "openat" "strace counted the calls"
	unlike "$(cat "$T_TMP/strace")" "getdents64" "inner -> caller: no directory listing"
	n=$(awk '$NF == "openat" { print $4 }' "$T_TMP/strace")
	ok "$([ "${n:-999}" -le 40 ]; echo $?)" "inner -> caller: $n openat calls (at most 40)"
	strace -f -qq -c -o "$T_TMP/strace" -e trace=getdents64 "$NSPID" "$APP" >/dev/null
	unlike "$(cat "$T_TMP/strace")" "getdents64" "caller -> inner: no directory listing"
else
	skip "[tool] strace not installed"
fi

# ----------------------------------------------- /proc of a child namespace
mark=$T_TMP/procmounted.$$
out=$(unshare -m --propagation private bash -c '
	unshare -p -f --kill-child bash -c "mount -t proc proc /proc && touch $1 && exec sleep 60" &
	k=$!
	for i in $(seq 100); do [ -e "$1" ] && break; sleep 0.05; done
	"$2" "$3" 2>&1; echo "rc=$?"
	kill -KILL $k' _ "$mark" "$NSPID" "$APP")
like "$out" "the pid chain is cut" "/proc of a child pid namespace: says the chain is cut"
like "$out" "rc=1" "/proc of a child pid namespace: exit 1"

# ---------------------------------- a process exiting around the lookup
# Lots of short-lived processes: every answer is either right or a failure
# with a reason, never another process's pid.
bad=0
for i in $(seq 60); do
	sleep 0.0$((i % 10)) & p=$!
	o=$("$NSPID" -r -n -o PID "$p" 2>&1); rc=$?
	wait "$p"
	case "$rc.$o" in
	"0.$p") ;;
	1.*"no such process"|1.*"exited"*) ;;
	*) bad=$((bad + 1)); diag "pid $p: rc=$rc out=$o" ;;
	esac
done
is "$bad" 0 "exiting processes: never a wrong answer"

kill -TERM "$nest"
done_testing

#!/usr/bin/env bash
# nspid -N REF -a as docker top: USER, UID, PID, PPID, STIME and TIME of
# every member of a pid namespace this test makes, against ps(1) for the
# same pids (procps reads the same /proc files; its formats are the
# reference). One member burns some CPU first, one runs as another uid.
source "$(dirname "$0")/../lib/lib.sh"
NSPID=$BUILD/nspid
require_root "unshare --pid and setpriv need root"
command -v ps >/dev/null || { skip "[tool] no ps(1)"; done_testing; exit; }

OTHER=$((62000 + $$ % 3000))
mkdir -p "$T_TMP/w" && chmod 777 "$T_TMP/w" && chmod 755 "$T_TMP"
I=$(bg_start unshare --pid --fork --kill-child sh -c "
	setpriv --reuid=$OTHER --regid=$OTHER --clear-groups sleep 600 &
	sh -c 'i=0; while [ \$i -lt 200000 ]; do i=\$((i + 1)); done; touch $T_TMP/w/burnt; exec sleep 600' &
	touch $T_TMP/w/up; wait")
wait_for "$T_TMP/w/up" && wait_for "$T_TMP/w/burnt" 60 || { fail "pid namespace fixture started"; done_testing; exit; }
# the namespace's init: the child of unshare
INIT=""
for _ in $(seq 200); do INIT=$(pgrep -P "$I" | head -1); [ -n "$INIT" ] && [ "$(pgrep -P "$INIT" | wc -l)" -ge 2 ] && break; sleep 0.05; done
# every member has exec'ed sleep
for _ in $(seq 200); do [ "$(pgrep -P "$INIT" -x sleep | wc -l)" = 2 ] && break; sleep 0.05; done
PIDS=$(echo "$INIT" $(pgrep -P "$INIT") | tr ' ' '\n' | sort -n | paste -sd' ')

got=$("$NSPID" -N "pid:$INIT" -a -n -r -o PID,PPID,UID,STIME,TIME | sort -n)
exp=$(ps -o pid=,ppid=,uid=,stime=,time= -p "$(echo $PIDS | tr ' ' ,)" | awk '{ $1 = $1; print }' | sort -n)
is "$got" "$exp" "PID PPID UID STIME TIME as ps -o pid,ppid,uid,stime,time for the same pids"
is "$(echo "$got" | wc -l)" 3 "... the namespace's three processes"
is "$("$NSPID" -N "pid:$INIT" -a -n -r -o PID,USER | sort -n)" \
	"$(ps -o pid=,user:32= -p "$(echo $PIDS | tr ' ' ,)" | awk '{ $1 = $1; print }' | sort -n)" "USER as ps (names, else the uid)"
like "$(echo "$got" | awk -v o=$OTHER '$3 == o')" "^[0-9]+ $INIT $OTHER " "... the member run as uid $OTHER has that UID and its parent is init"
t=$(ps -o time= -p "$(pgrep -P "$INIT" -x sleep | paste -sd,)" | sort | tail -1 | tr -d ' ')
[ "$t" != "00:00:00" ] && pass "the burner's TIME is not zero ($t)" || skip "[host] the burner used less than a second of CPU"
# the default -a view is docker top's
is "$("$NSPID" -N "pid:$INIT" -a | head -1 | tr -s ' ' | sed 's/^ //; s/ $//')" "USER PID PPID REFPID STIME TIME COMMAND" \
	"-a's default columns: USER PID PPID REFPID STIME TIME COMMAND"
j=$("$NSPID" -N "pid:$INIT" -a -J -o PID,PPID,UID,USER,STIME,TIME)
is "$(echo "$j" | python3 -c 'import json,sys; r=json.load(sys.stdin)["pids"][0]; print(*(type(r[k]).__name__ for k in ("ppid","uid","user","stime","time")))')" \
	"int int str str str" "-J: PPID and UID numbers, USER STIME TIME strings"
done_testing

#!/usr/bin/env bash
# nsenter-lite's fallbacks for older kernels, forced on this one through a
# seccomp filter (tests/helpers/nsenter_oldkernel): joining one fd at a time
# without pidfds, and pid translation (libnsinfo's pidmap) by its /proc scan
# without the NS_GET_TGID_FROM_PIDNS ioctl.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"

OLD=$HELPERS/nsenter_oldkernel
ALL=$(echo "$NSL_TYPES" | tr ' ' '\n' | grep -vx user | paste -sd,)
start_target fb "fb-$$" "$ALL" || { fail "target started"; done_testing; exit; }
T=$TGT D=$TGT_DIR

# ------------------------------------------------------------ no pidfd
got=$("$OLD" --no-pidfd -- "$NSL" -t "$T" -a -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$D" "${ALL//,/ }")" "without pidfds: -a joins every namespace one fd at a time"
got=$("$OLD" --no-pidfd -- "$NSL" -t "$T" -p -- sh -c 'exit 3'); is $? 3 "without pidfds: status of the command"

start_target fbrace "fbrace-$$" "$ALL" || fail "race target"
R=$TGT
rm -f "$T_TMP/ran"
NSENTER_LITE_TEST_STOP_BEFORE_JOIN=1 "$OLD" --no-pidfd -- "$NSL_TEST" -t "$R" -u -n -p -- touch "$T_TMP/ran" \
	2>"$T_TMP/err" &
p=$!
wait_stopped $p || diag "nsenter-lite did not stop"
kill -KILL "$R"; wait_dead "$R"
# its parent reaps it: the pid is gone, not just a zombie
n=100; while [ -e /proc/$R ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
kill -CONT $p; wait $p; rc=$?
is "$rc" 125 "without pidfds, target gone after the fds were opened: exit 125"
ok $([ ! -e "$T_TMP/ran" ]; echo $?) "... and nothing was run, though the fds could still be joined"
like "$(cat "$T_TMP/err")" "^nsenter-lite: cannot join .* namespaces of $R \(pid $R exited\)$" "... message names target"

# ------------------------------------------ pid translation by /proc scan
# Two more processes in the target's pid namespace: "inner", pid 2 or so
# there, and "nested", one pid namespace further down. Their pids there
# come from their own NSpid lines, read by the test.
start_target nested "nested-$$" pid "$NSL" -t "$T" -p -- || fail "nested target"
# nsenter-lite forked the helper in T's pid namespace; the helper forked the
# target in a new one. TGT is the target's pid as the helper's fork() saw
# it, in T's namespace.
IN=$TGT
NP=$(pgrep -P "$TGT_LAUNCHER")     # the helper, here
NE=$(pgrep -P "$NP")               # the nested target, here
INP=$(awk '/^NSpid:/ { print $3 }' /proc/$NP/status)
like "$(grep NSpid /proc/$NE/status)" "^NSpid:[[:space:]]+$NE[[:space:]]+$IN[[:space:]]+1$" \
	"(the nested target is pid $IN in T's pid namespace and 1 in its own)"

for mode in ioctl scan; do
	pre=(); [ $mode = scan ] && pre=("$OLD" --no-pidns-ioctl --)
	out=$("${pre[@]}" "$NSL" -N "pid:$T" -t 1 --explain)
	like "$out" "is pid $T here" "$mode: -N pid:T -t 1 is the target"
	out=$("${pre[@]}" "$NSL" -N "pid:$T" -t "$INP" --explain)
	like "$out" "is pid $NP here" "$mode: a process of T's own pid namespace ($INP there, $NP here)"
	out=$("${pre[@]}" "$NSL" -N "pid:$T" -t "$IN" --explain)
	like "$out" "is pid $NE here" "$mode: a process in a pid namespace below T's ($IN there, $NE here)"
	out=$("${pre[@]}" "$NSL" -N "pid:$NE" -t 1 --explain)
	like "$out" "is pid $NE here" "$mode: pid 1 of the nested pid namespace"
	out=$("${pre[@]}" "$NSL" -N "pid:$T" -t 9999 -u true 2>&1); rc=$?
	is "$rc:$out" "125:nsenter-lite: no process 9999 in pid namespace pid:$T" "$mode: absent pid"
done

done_testing

#!/usr/bin/env bash
# nsenter-lite against namespaces this test creates: which namespaces the
# command ends up in, hostname, /proc, exit status, signals, credentials,
# the target exiting mid-join.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"

ALL=$(echo "$NSL_TYPES" | tr ' ' '\n' | grep -vx user | paste -sd,)
HOST=nsl-$$
start_target main "$HOST" "$ALL" env NSL_TARGET_ENV="target-$$" PATH="/nsl-nowhere-$$" || { fail "target started"; done_testing; exit; }
T=$TGT D=$TGT_DIR

# ------------------------------------------------ namespaces of the command
got=$("$NSL" -t "$T" -a -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$D" "${ALL//,/ }")" "-a: every namespace the target made, ours for user"

got=$("$NSL" -t "$T" -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$D" "${ALL//,/ }")" "-t alone means -a"

for set in "-u:uts" "-n:net" "-i -C:ipc cgroup" "-m -p:mnt pid" "-u -n -i:uts net ipc"; do
	opts=${set%%:*} types=${set#*:}
	# shellcheck disable=SC2086
	got=$("$NSL" -t "$T" $opts -- sh -c "$NSL_SHOW_NS")
	is "$got" "$(expected_ns "$D" "$types")" "$opts: $types from the target, the rest ours"
done

if [ -e /proc/self/ns/time ]; then
	got=$("$NSL" -t "$T" -T -- sh -c "$NSL_SHOW_NS")
	is "$got" "$(expected_ns "$D" time)" "-T: time namespace, in a child"
else
	skip "[kernel] kernel has no time namespaces"
fi

got=$("$NSL" --net="/proc/$T/ns/net" --uts="/proc/$T/ns/uts" -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$D" "net uts")" "namespace files: --net=FILE --uts=FILE"

touch "$T_TMP/netns.$$"
if mount --bind "/proc/$T/ns/net" "$T_TMP/netns.$$"; then
	on_exit "umount $T_TMP/netns.$$"
	got=$("$NSL" --net="$T_TMP/netns.$$" -- sh -c "$NSL_SHOW_NS")
	is "$got" "$(expected_ns "$D" net)" "--net= a bind-mounted namespace file, as /run/netns has"
else
	fail "bind mount of the target's net namespace"
fi

got=$("$NSL" -t "$T" -u -n --net="pid:$$" -- sh -c "$NSL_SHOW_NS")
is "$got" "$(expected_ns "$D" uts)" "--net=pid:N overrides -n (REF grammar)"

# ----------------------------------------------------------------- -N, -w, -e
got=$("$NSL" -N "pid:$T" -t 1 -u hostname)
is "$got" "$HOST" "-N REF -t 1: pid 1 inside the target's pid namespace is the target"
ino=$(target_ns "$D" pid)
got=$("$NSL" -N "$ino" -t 1 --explain)
like "$got" "is pid $T here" "-N INODE resolves through a snapshot"
out=$("$NSL" -N "pid:$T" -t 999 -u true 2>&1); rc=$?
is "$rc" 125 "-N: a pid absent from that namespace is an error"
is "$out" "nsenter-lite: no process 999 in pid namespace pid:$T" "-N: message names pid and namespace"

is "$("$NSL" -t "$T" -u hostname)" "$HOST" "hostname inside is the target's"
is "$("$NSL" -t "pid:$T" -u hostname)" "$HOST" "-t REF (pid:N, as containers will be): same target"
out=$("$NSL" -t "pid:$T" -T -u --explain)
like "$out" "uts .* join +from pid:$T$" "-t REF: the target named as typed"
is "$(readlink /proc/$T/cwd)" "$D" "(the target works in its own directory)"
is "$(cd / && "$NSL" -t "$T" -u -w pwd)" "$D" "-w: the target's working directory"
is "$(cd / && "$NSL" -t "$T" -m -w pwd)" "$(readlink /proc/$T/cwd)" "-m -w: working directory inside the mount namespace"
got=$(NSL_MARK=caller "$NSL" -t "$T" -u -- sh -c 'echo ${NSL_MARK:-unset}')
is "$got" caller "without -e the command has our environment"
got=$(NSL_MARK=caller "$NSL" -t "$T" -u -e -- /bin/sh -c 'echo ${NSL_MARK:-unset}')
is "$got" unset "-e: the target's environment, not ours"
got=$("$NSL" -t "$T" -u -e -- /bin/sh -c 'echo $NSL_TARGET_ENV')
is "$got" "target-$$" "-e: a variable of the target's"
got=$("$NSL" -t "$T" -u -e -- /bin/sh -c 'echo $PATH'); rc=$?
is "$rc:$got" "0:/nsl-nowhere-$$" "-e: the command gets the target's PATH"
out=$("$NSL" -t "$T" -u -e -- sh -c true 2>&1); rc=$?
is "$rc:$out" "127:nsenter-lite: sh: command not found" "-e: looked up with the target's PATH, which has no sh"
out=$("$NSL" -t "$T" -u -e --explain -- sh -c true); rc=$?
like "$rc:$(echo "$out" | tr "\n" " ")" "^1:.*looked up with PATH=/nsl-nowhere-$$ \(the target's environment\).*FAIL: sh: command not found.*would fail \(exit 127\)" \
	"-e --explain: predicts the same 127"

# A target chrooted into a root of its own (/usr shared, a marker file)
R=$T_TMP/root.$$
mkdir -p "$R/usr" "$R/proc" && echo "root-$$" > "$R/marker"
for l in bin lib lib64 sbin; do [ -L /$l ] && ln -s "usr/$l" "$R/$l"; done
if mount --bind /usr "$R/usr"; then
	on_exit "umount $R/usr"
	if start_target chroot "chroot-$$" uts,pid env NSL_TARGET_ROOT="$R"; then
		CR=$TGT
		is "$("$NSL" -t "$CR" -u -r -- cat /marker)" "root-$$" "-r: the target's root directory"
		is "$("$NSL" -t "$CR" -u -r -- pwd)" "/" "-r without -w: at the root, not outside it"
		is "$("$NSL" -t "$CR" -u -r -w -- pwd)" "/" "-r -w: the target's working directory in its root"
		out=$("$NSL" -t "$CR" -u -- cat /marker 2>&1); rc=$?
		is "$rc" 1 "without -r the command sees our root"
	else
		fail "chrooted target started"
	fi
else
	fail "bind mount of /usr for a chroot"
fi

# --------------------------------------------------------------- --mount-proc
got=$("$NSL" -t "$T" -m -p --mount-proc -- ps -e -o pid=,comm= | awk '{print $1, $2}' | sort -n)
is "$(echo "$got" | head -1)" "1 nsenter_target" "--mount-proc: pid 1 is the target"
is "$(echo "$got" | awk '$2 != "ps"' | wc -l)" 1 "--mount-proc: ps sees only the target's pid namespace"
before=$(grep -c ' /proc ' /proc/$T/mountinfo)
"$NSL" -t "$T" -m -p --mount-proc -- true
is "$(grep -c ' /proc ' /proc/$T/mountinfo)" "$before" "--mount-proc leaves the target's mounts alone"
# (not ps: procps finds itself as /proc/$(getpid), a pid of the target's
# namespace looked up in the host's /proc, which exists only by chance)
got=$("$NSL" -t "$T" -m -p -- ls /proc | grep -c '^[0-9][0-9]*$')
ok $(( got > 2 ? 0 : 1 )) "without --mount-proc /proc shows the host's processes ($got), as documented"

# ---------------------------------------------------------- exit and signals
"$NSL" -t "$T" -u -- sh -c 'exit 7'; is $? 7 "exit status of the command (exec'd directly)"
"$NSL" -t "$T" -p -- sh -c 'exit 9'; is $? 9 "exit status of the command (forked for -p)"
"$NSL" -t "$T" -p -- sh -c 'kill -KILL $$'; is $? 137 "killed by SIGKILL: 128+9"
for sig in TERM INT HUP; do
	rm -f "$T_TMP/ready"
	# a background job starts with SIGINT ignored, and a shell cannot trap
	# what it inherited ignored: give the command a default disposition
	env --default-signal=$sig "$NSL" -t "$T" -p -- \
		sh -c "trap 'exit 42' $sig; echo > $T_TMP/ready; while :; do sleep 0.05; done" &
	p=$!
	wait_for "$T_TMP/ready" && kill -$sig $p
	wait $p; is $? 42 "SIG$sig forwarded to the command, which exits 42"
done
"$NSL" -t "$T" -p -- sh -c 'kill -USR1 $$'; is $? $((128 + 10)) "killed by SIGUSR1: 128+10"

# --------------------------------------------------------------- --explain
out=$("$NSL" -t "$T" -u -n --explain -- touch "$T_TMP/explained"); rc=$?
is "$rc" 0 "--explain: exit 0 when the run would succeed"
ok $([ ! -e "$T_TMP/explained" ]; echo $?) "--explain runs nothing"
like "$out" "uts +$(target_ns "$D" uts) +$(stat -L -c %i /proc/$$/ns/uts) +join" "--explain: uts target vs current, join"
like "$out" "ipc +$(target_ns "$D" ipc) +$(stat -L -c %i /proc/$$/ns/ipc) +skip +not requested" "--explain: ipc not requested"
like "$out" "pid +$(target_ns "$D" pid) +$(stat -L -c %i /proc/$$/ns/pid) +skip +not requested: stays ours \(the target's differs\)" \
	"--explain: a type left out that differs is flagged"
# SHELL set here: bash gives itself a SHELL it does not export when the
# environment has none, so ${SHELL} in this script need not be the child's
out=$(SHELL=/bin/bash "$NSL" -t "$T" --explain)
like "$out" "user +$(stat -L -c %i /proc/$$/ns/user) +$(stat -L -c %i /proc/$$/ns/user) +skip +already in it" \
	"--explain -a: the user namespace we share is skipped"
like "$out" "command: /bin/bash \(in a child: pid namespace\)" "--explain: default command, forked for pid"

# ----------------------------------------------------- target exits mid-join
# the hook that stops before joining is in the test build only
is "$(strings "$NSL" | grep -c NSENTER_LITE_TEST)" 0 "the shipped nsenter-lite has no test hook"
like "$(strings "$NSL_TEST" | grep -c NSENTER_LITE_TEST_STOP_BEFORE_JOIN)" '^[1-9]' "the test build has it"
for opts in "-u -p" "-a" "--uts=/proc/$T/ns/uts -n"; do
	start_target "race$RANDOM" "race" "$ALL" || { fail "race target"; continue; }
	R=$TGT
	[ "$opts" = "--uts=/proc/$T/ns/uts -n" ] && opts="--uts=/proc/$R/ns/uts -n"
	rm -f "$T_TMP/ran" "$T_TMP/err"
	# shellcheck disable=SC2086
	NSENTER_LITE_TEST_STOP_BEFORE_JOIN=1 "$NSL_TEST" -t "$R" $opts -- touch "$T_TMP/ran" 2>"$T_TMP/err" &
	p=$!
	wait_stopped $p || diag "nsenter-lite did not stop"
	kill -KILL "$R"; wait_dead "$R"
	kill -CONT $p; wait $p; rc=$?
	is "$rc" 125 "target exits between resolve and join ($opts): exit 125"
	ok $([ ! -e "$T_TMP/ran" ]; echo $?) "target exits mid-join ($opts): nothing run"
	like "$(cat "$T_TMP/err")" "^nsenter-lite: cannot join .*namespaces? of $R \(pid $R exited\)$" \
		"target exits mid-join ($opts): message names target and reason"
done

# ------------------------------------------ user namespaces, unprivileged
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
if start_target userns "uns-$$" user,uts $NOBODY; then
	U=$TGT UD=$TGT_DIR
	got=$($NOBODY "$NSL" -t "$U" -- sh -c "$NSL_SHOW_NS; id -u; id -g; hostname")
	is "$got" "$(expected_ns "$UD" "user uts"; printf '0\n0\nuns-%s' $$)" \
		"unprivileged -t: joins user then uts, runs as 0/0 inside"
	got=$($NOBODY "$NSL" --uts="/proc/$U/ns/uts" --user="/proc/$U/ns/user" -- sh -c "$NSL_SHOW_NS; hostname")
	is "$got" "$(expected_ns "$UD" "user uts"; echo "uns-$$")" \
		"unprivileged, one fd at a time: user namespace first"
	# root is not mapped in nobody's user namespace: kept, it shows as the
	# overflow uid; by default it becomes 0 there (nobody outside)
	is "$("$NSL" -t "$U" --preserve-credentials -- id -u)" "$(cat /proc/sys/kernel/overflowuid)" \
		"--preserve-credentials: our own (unmapped) uid inside"
	is "$("$NSL" -t "$U" -- id -u)" 0 "entering a user namespace: uid 0 there by default"
	out=$($NOBODY "$NSL" -t "$U" -u true 2>&1); rc=$?
	is "$rc" 125 "unprivileged -u without -U: refused"
	like "$out" "^nsenter-lite: cannot join uts namespace of $U \(no CAP_SYS_ADMIN in user namespace [0-9]+ that owns it; add -U: joining user namespace [0-9]+ of $U gives it\)$" \
		"refusal names the namespace and the missing capability"
	out=$($NOBODY "$NSL" -t "$U" -u --explain); rc=$?
	is "$rc" 1 "--explain predicts the refusal (exit 1)"
	like "$out" "uts .*FAIL .*no CAP_SYS_ADMIN" "--explain says why"
	out=$("$NSL" -t "$U" -S 5 -- id -u 2>&1); rc=$?
	is "$rc" 125 "-S with an unmapped uid: nsenter-lite's own failure"
	like "$out" "cannot set uid 5" "-S unmapped: message"
	is "$("$NSL" -t "$U" -U -G 0 -S 0 -- id -u)" 0 "-S 0 -G 0 inside the user namespace"
else
	fail "unprivileged user namespace target"
fi

# ----------------------------------------------------------------- pid 1
if ! readlink /proc/1/ns/net >/dev/null 2>&1; then
	out=$("$NSL" -t 1 -n true 2>&1); rc=$?
	is "$rc" 125 "pid 1 with unreadable namespaces: exit 125"
	is "$out" "nsenter-lite: cannot join net namespace of 1 (permission denied)" "pid 1: reported as denied"
	like "$("$NSL" -t 1 --explain)" "net +- +[0-9]+ +FAIL +permission denied" "pid 1: --explain says denied"
else
	skip "[host] pid 1's namespaces are readable here"
fi

done_testing

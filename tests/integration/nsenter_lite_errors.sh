#!/usr/bin/env bash
# nsenter-lite: every bad input gives its documented message and exit code
# (2 bad usage, 125 nsenter-lite's own, 126 cannot run, 127 not found), help and version.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"

start_target err "err-$$" uts,net,pid || { fail "target started"; done_testing; exit; }
T=$TGT
TRY="Try 'nsenter-lite --help' for more information."
GONE=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))   # no process can have it
printf 'plain file\n' > "$T_TMP/plain"
printf '#!/bin/sh\necho hi\n' > "$T_TMP/noexec"; chmod 644 "$T_TMP/noexec"

# check NAME EXPECTED-CODE EXPECTED-STDERR ARGS...: stderr compared whole
check() {
	local name=$1 code=$2 msg=$3 out rc
	shift 3
	out=$("$NSL" "$@" 2>&1 >/dev/null); rc=$?
	is "$rc" "$code" "$name: exit $code"
	is "$out" "$msg" "$name: message"
}

check "non-numeric target" 125 "nsenter-lite: abc: no such namespace or container" -t abc -u true
check "pid 0" 2 "nsenter-lite: invalid pid '0'
$TRY" -t 0 -u true
check "missing target" 125 "nsenter-lite: cannot open target $GONE: no such process" -t "$GONE" -u true
check "non-numeric pid with --pidns" 2 \
	"nsenter-lite: invalid pid 'x': with --pidns the target is a pid
$TRY" -N "pid:$T" -t x -u true
check "--pidns of another type" 125 \
	"nsenter-lite: /proc/$T/ns/net: a net namespace, not pid" \
	-N "/proc/$T/ns/net" -t 1 -u true
check "unknown type option" 2 "nsenter-lite: invalid option -- 'x'
$TRY" -t "$T" -x true
check "unknown long option" 2 "nsenter-lite: unrecognized option '--network'
$TRY" -t "$T" --network true
check "missing option argument" 2 "nsenter-lite: option '--target' requires an argument
$TRY" --target
check "bad uid" 2 "nsenter-lite: invalid uid 'root': not a number
$TRY" -t "$T" -S root true
check "no target for -n" 2 "nsenter-lite: no target: use -t PID, or name a file as in --net=/run/netns/NAME
$TRY" -n true
check "nothing to enter" 2 "nsenter-lite: nothing to enter: use -t PID, or namespace files such as --net=FILE
$TRY" true
check "--pidns without --target" 2 "nsenter-lite: --pidns needs --target: the PID to look up in it
$TRY" -N "pid:$T" true
check "--mount-proc without -p" 2 "nsenter-lite: --mount-proc needs both -m and -p (or -a)
$TRY" \
	-t "$T" -m --mount-proc true
check "missing namespace file" 125 \
	"nsenter-lite: $T_TMP/none: No such file or directory" \
	--net="$T_TMP/none" true
check "not a namespace file" 125 \
	"nsenter-lite: $T_TMP/plain: not a namespace file" \
	--net="$T_TMP/plain" true
check "namespace file of another type" 125 "nsenter-lite: /proc/$T/ns/uts: a uts namespace, not net" \
	--net="/proc/$T/ns/uts" true
chmod 600 "$T_TMP/plain"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$NSL" --uts="/proc/$T/ns/uts" true 2>&1); rc=$?
is "$rc" 125 "unreadable namespace file: exit 125"
is "$out" "nsenter-lite: /proc/$T/ns/uts: permission denied" \
	"unreadable namespace file: message"

# Threads and translations, against tests/helpers/nspid_nest's pid
# namespaces (each pid made by clone3 with set_tid, each tid reported by
# the thread itself): "thr" is pid 9 in a3's pid namespace, with 2 threads.
NEST=$T_TMP/nest
NP=$(bg_start "$HELPERS/nspid_nest" "$NEST")
if wait_for "$NEST"; then
	A3=$(awk '$1 == "ns" && $2 == "a3" { print $3 }' "$NEST")
	read -r _ _ TID0 TIDN _ < <(grep '^thread thr ' "$NEST" | head -1)
	THR=$(awk '$1 == "proc" && $2 == "thr" { print $3 }' "$NEST")
	check "a thread id as target" 125 "nsenter-lite: $TID0 is a thread, not a process: use its process id" \
		-t "$TID0" -u true
	check "a thread id with --pidns" 125 \
		"nsenter-lite: pid $TIDN in pid namespace pid:$A3: a thread id, not a process id" \
		-N "pid:$A3" -t "$TIDN" -u true
	like "$("$NSL" -N "pid:$A3" -t 9 --explain)" "pid 9 in pid namespace pid:$A3 is pid $THR here" \
		"--pidns: its process, two pid namespaces down, by the number the helper gave it"
else
	fail "nspid_nest started"
fi
kill -TERM "$NP"

check "digits too large for a pid: no such namespace or container" 125 \
	"nsenter-lite: 99999999999: no such namespace or container" -t 99999999999 -u true
is "$("$NSL" -t "$(ns_ino "$T" pid)" -u hostname)" "err-$$" \
	"-t INODE of a pid namespace (too large for a pid): its process"

check "command not found" 127 "nsenter-lite: no-such-command-$$: command not found" \
	-t "$T" -u no-such-command-$$
check "command not found, forked" 127 "nsenter-lite: no-such-command-$$: command not found" \
	-t "$T" -p -u no-such-command-$$
check "command not executable" 126 "nsenter-lite: $T_TMP/noexec: Permission denied" \
	-t "$T" -u "$T_TMP/noexec"
out=$(SHELL=/bin/true "$NSL" -t "$T" -u; echo "rc=$?")
is "$out" "rc=0" "no command: runs \$SHELL"
out=$(SHELL= "$NSL" -t "$T" -u <<< 'echo from-sh; hostname'; echo "rc=$?")
is "$out" "from-sh
err-$$
rc=0" "no command and no \$SHELL: /bin/sh"

out=$("$NSL" --help); rc=$?
is "$rc" 0 "--help: exit 0"
like "$out" "^Usage:" "--help: usage on stdout"
like "$out" "--mount-proc" "--help lists --mount-proc"
# one column table: --help, the man page and the --explain header agree
helpcols=$(echo "$out" | sed -n '/^Available output columns:/,/^$/p' | awk 'NR > 1 && NF > 1 { print $1 }' | paste -sd' ')
mancols=$(sed -n '/^\.SH EXPLAIN COLUMNS/,/^\.PP/p' "$SRCDIR/man/nsenter-lite.1" | awk 'prev == ".TP" && /^\.B / { print $2 } { prev = $0 }' | paste -sd' ')
is "$mancols" "$helpcols" "--explain columns: the man page lists those of --help"
is "$("$NSL" -t "$T" -u --explain | head -1 | xargs)" "$helpcols" "--explain columns: the table's header"
is "$("$NSL" -V)" "nsenter-lite from nstools $(sed -n 's/^#define NSINFO_VERSION "\(.*\)"/\1/p' "$SRCDIR/libnsinfo/include/nsinfo.h")" "-V"
if [ -w /dev/full ]; then
	out=$("$NSL" --help 2>&1 >/dev/full); rc=$?
	is "$rc" 125 "write error on stdout: exit 125"
	like "$out" "^nsenter-lite: write error" "write error on stdout: said"
else
	skip "[host] /dev/full is not writable here"
fi

# ------------------------------------------- installed set-user-ID: refused
# A setuid copy would let any user enter any namespace as root.
SU=$(mktemp -d /tmp/nsl-suid.XXXXXX)
on_exit "rm -rf $SU"
chmod 755 "$SU"
cp "$NSL" "$SU/nsenter-lite" && chown root:root "$SU/nsenter-lite"
if findmnt -n -o OPTIONS -T "$SU" | grep -qw nosuid; then
	skip "[host] $SU is on a nosuid mount: no set-user-ID copy can be tested"
else
	chmod 4755 "$SU/nsenter-lite"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SU/nsenter-lite" -t "$T" -u -- touch "$SU/ran" 2>&1); rc=$?
	is "$rc" 125 "set-user-ID root copy run by nobody: exit 125"
	like "$out" "^nsenter-lite: refusing to run set-user-ID or set-group-ID \(uid 65534, euid 0," "... one line saying why"
	ok $([ ! -e "$SU/ran" ]; echo $?) "... nothing run"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SU/nsenter-lite" --explain -t "$T" -u 2>&1); rc=$?
	is "$rc:$(echo "$out" | wc -l)" "125:1" "... --explain refused too, before any output"
	chmod 2755 "$SU/nsenter-lite"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SU/nsenter-lite" -t "$T" -u -- true 2>&1); rc=$?
	is "$rc" 125 "set-group-ID copy: refused"
	like "$out" "egid 0\)" "... naming the group ids"
fi

done_testing

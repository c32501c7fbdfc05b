#!/usr/bin/env bash
# nstree --diff OLD NEW: snapshots saved around namespaces the test makes
# (an `ip netns add` namespace, a process entering it, a namespace set with
# a container= init of a runtime name of ours), compared both ways and
# against the live host; the rows about our namespaces must be exactly the
# changes we made (other rows come from whatever else runs on the host).
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree
[ "$(id -u)" = 0 ] || { skip "[root] not root: fixtures need ip netns and unshare"; done_testing; exit; }

NETNS=nst-df-$$ RT=nstdiff$$
A=$T_TMP/a.json B=$T_TMP/b.json C=$T_TMP/c.json
"$NSTREE" --save "$A" 2>/dev/null
ip netns add "$NETNS" || { fail "ip netns add"; done_testing; exit; }
on_exit "ip netns del $NETNS"
INO=$(stat -L -c %i "/run/netns/$NETNS")
NSID=$(python3 -c 'import fcntl,os,struct,sys; fd=os.open(sys.argv[1],os.O_RDONLY); b=bytearray(8); fcntl.ioctl(fd,0x8008b70d,b); print(struct.unpack("Q",b)[0])' "/run/netns/$NETNS" 2>/dev/null || echo "")
"$NSTREE" --save "$B" 2>/dev/null

# Our netns's rows: its inode, and its id where the kernel has one (on a
# busy host another test's net namespace that went away may have had the
# same inode: the diff rightly says it is gone, a row of another namespace)
IDCOL=${NSID:+,NSID}
ours() { # ours: filter raw rows "CHANGE TYPE NS [NSID] REST...", drop NSID
	awk -v i="$INO" -v id="$NSID" '$2 == "net" && $3 == i && (id == "" || $4 == id) {
		if (id != "") { $4 = ""; sub(/  /, " "); sub(/ $/, "") } print }'
}
rows() { # rows OLD NEW: our netns's row, raw
	"$NSTREE" --diff -r -n -o CHANGE,TYPE,NS$IDCOL,NPROCS,WHAT "$1" "$2" | ours
}
out=$(rows "$A" "$B"); rc=${PIPESTATUS[0]}
is "$out" "created net $INO 0 no\\x20procs,\\x20mount\\x20/run/netns/$NETNS$(
	"$NSTREE" --load "$B" -l -r -n -o HOLDERS -t net "$INO" | sed 's/^no\\x20procs,\\x20mount\\x20\/run\/netns\/'"$NETNS"'//')" \
	"A -> B: our netns created, held by its bind mount"
"$NSTREE" --diff "$A" "$B" >/dev/null; is "$?" 1 "A -> B: exit 1 (differences)"
out=$(rows "$B" "$A")
like "$out" "^gone net $INO 0 " "B -> A: our netns gone"
out=$("$NSTREE" --diff "$B" "$B"); rc=$?
is "$rc:$out" "0:" "B -> B: no difference, no output, exit 0"
out=$("$NSTREE" --diff -J "$B" "$B"); rc=$?
is "$rc:$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["changes"]))')" "0:0" \
	"B -> B -J: an empty changes array, exit 0"
if [ -n "$NSID" ]; then
	got=$("$NSTREE" --diff -J "$A" "$B" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["changes"]:
    # inodes are reused across types, and after a namespace is gone
    if c["ns"] == int(sys.argv[1]) and c["type"] == "net" and c["nsid"] == int(sys.argv[2]):
        print(c["change"], c["type"], c["nsid"])' "$INO" "$NSID")
	is "$got" "created net $NSID" "-J: the row carries the 64-bit id the comparison is keyed on"
else
	skip "[kernel] no NS_GET_ID on this kernel"
fi

# a process enters it, a container starts (a container= hint: its label
# carries the unverified mark)
S=$(bg_start ip netns exec "$NETNS" sleep 600)
K=$(bg_start unshare --pid --fork unshare --uts --mount --mount-proc env container=$RT sleep 600)
poll_ok() { local n=100; until "$@"; do n=$((n - 1)); [ $n -le 0 ] && return 1; sleep 0.1; done; }
in_ns() { [ "$(ns_ino "$(pgrep -P "$S" -x sleep || echo "$S")" net)" = "$INO" ]; }
ct_up() { pgrep -f "container=$RT" >/dev/null && [ "$(for p in $(pgrep -x sleep); do tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -qx "container=$RT" && echo y; done | head -1)" = y ]; }
poll_ok in_ns || fail "(sleep entered the netns)"
poll_ok ct_up || fail "(container init up)"
"$NSTREE" --save "$C" 2>/dev/null
out=$(rows "$B" "$C")
like "$out" "^holders net $INO 1 no\\\\x20procs.*\\\\x20->\\\\x201\\\\x20proc" "B -> C: our netns's holders changed (no procs -> 1 proc)"
out=$("$NSTREE" --diff -r -n -o CHANGE,TYPE,CONTAINER "$B" "$C" | grep "$RT")
H=$(hostname)
is "$out" "created mnt $RT:$H?
created pid $RT:$H?
created uts $RT:$H?
started container $RT:$H?" "B -> C: our container started, its three namespaces created"
out=$("$NSTREE" --diff -r -n -o CHANGE,TYPE,CONTAINER "$C" "$B" | grep "$RT")
is "$out" "gone mnt $RT:$H?
gone pid $RT:$H?
gone uts $RT:$H?
stopped container $RT:$H?" "C -> B: our container stopped, its namespaces gone"

got=$("$NSTREE" --diff -J "$B" "$C" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["changes"]:
    if c["type"] == "container" and c["container"].startswith(sys.argv[1] + ":"):
        print(c["change"], c["ns"], c["nprocs"])' "$RT")
is "$got" "started None None" "B -> C -J: the container-started row (no namespace, no process count)"
got=$("$NSTREE" --diff -J "$C" "$B" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["changes"]:
    if c["type"] == "container" and c["container"].startswith(sys.argv[1] + ":"):
        print(c["change"])' "$RT")
is "$got" "stopped" "C -> B -J: the container-stopped row"

# the live host as the old side: what it has that A had not is gone in A
out=$("$NSTREE" --diff -r -n -o CHANGE,TYPE,NS live "$A" | awk -v i="$INO" '$2 == "net" && $3 == i')
is "$out" "gone net $INO" "live -> A: our netns (on the host now, not in A) is gone"
"$NSTREE" --diff live "$A" >/dev/null; is "$?" 1 "live -> A: exit 1"
out=$("$NSTREE" --diff -r -n -o CHANGE,TYPE,CONTAINER live "$B" | grep "$RT")
is "$out" "gone mnt $RT:$H?
gone pid $RT:$H?
gone uts $RT:$H?
stopped container $RT:$H?" "live -> B: our running container stopped in B"

# against the live host, and from standard input
kill -KILL -- "-$S" "-$K" 2>/dev/null
ip netns del "$NETNS"
# (inodes are reused: another type's namespace may have ours by now)
out=$("$NSTREE" --diff -r -n -o CHANGE,TYPE,NS$IDCOL "$B" live | ours)
is "$out" "gone net $INO" "B -> live: our netns gone from the host"
out=$("$NSTREE" --diff -r -n -o CHANGE,TYPE,NS$IDCOL - "$B" <"$A" | ours)
is "$out" "created net $INO" "- (A on stdin) -> B: created"

# ------------------------------------------------------------- bad input
check() { # check NAME EXPECTED-STDERR ARGS...: exit 2 for bad usage (the
	# message has the Try line), 3 for a snapshot that cannot be read
	local name=$1 msg=$2 out rc code=3
	shift 2
	[[ $msg == *"Try 'nstree --help'"* ]] && code=2
	out=$("$NSTREE" "$@" 2>&1 >/dev/null); rc=$?
	is "$rc:$out" "$code:$msg" "$name: one line, exit $code"
}
check "missing file" "nstree: cannot load $T_TMP/none.json: No such file or directory" --diff "$T_TMP/none.json" "$A"
echo '{"nsinfo_snapshot": 1' >"$T_TMP/bad.json"
out=$("$NSTREE" --diff "$T_TMP/bad.json" "$A" 2>&1 >/dev/null); rc=$?
like "$rc:$out" "^3:nstree: cannot load $T_TMP/bad.json: " "damaged file: exit 3, one line"
check "one side" "nstree: --diff takes two snapshots: <old> <new>
Try 'nstree --help' for more information." --diff "$A"
check "stdin twice" "nstree: only one side can be standard input
Try 'nstree --help' for more information." --diff - -
check "bad option" "nstree: unrecognized option '--bogus'
Try 'nstree --help' for more information." --diff --bogus "$A" "$B"
like "$("$NSTREE" --diff --help)" "Exit status: 0 no difference, 1 differences, 2 bad usage, 3 trouble" "--diff --help: documents the exit status"

done_testing

#!/usr/bin/env bash
# nstree --save / --load: a snapshot written to a file and shown later, after
# what it recorded is gone from the host. Fixtures made here: a net namespace
# held by a bind mount only (as `ip netns add` makes, but in a private mount
# namespace of ours: on a host with containers, /run/netns propagates into
# their mount namespaces and those copies outlive `ip netns del`) and a
# process in its own uts namespace with a hostname of ours; both are removed
# before --load, so what --load shows can only come from the file.
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree
[ "$(id -u)" = 0 ] || { skip "[root] not root: fixtures need ip netns and unshare"; done_testing; exit; }

HOST=nst-sv-$$ NETNS=$T_TMP/netns
M=$(bg_start unshare -m --propagation private sh -c "touch '$NETNS' && unshare --net='$NETNS' true &&
	stat -L -c %i '$NETNS' >'$T_TMP/netns.ino' && exec sleep 600")
wait_for "$T_TMP/netns.ino" || { fail "bind-mounted netns fixture started"; done_testing; exit; }
NETNS_INO=$(cat "$T_TMP/netns.ino")
U=$(bg_start unshare --uts sh -c "hostname $HOST && echo up >'$T_TMP/up' && exec sleep 600")
wait_for "$T_TMP/up" || { fail "uts fixture started"; done_testing; exit; }
UPID=$(pgrep -P "$U" -x sleep || echo "$U")
UTS_INO=$(ns_ino "$UPID" uts)

# ids (NS_GET_ID) where the kernel has them: inodes are reused as soon as
# a namespace is freed, and other tests make namespaces meanwhile
nsid_of() { "$NSTREE" -l -n -r -o NS,NSID -t "$1" 2>/dev/null | awk -v i="$2" '$1 == i {print $2}'; }
UTS_ID=$(nsid_of uts "$UTS_INO") NETNS_ID=$(nsid_of net "$NETNS_INO")
# still_here TYPE INO ID: 1 if that namespace (that inode with that id) is listed
still_here() {
	"$NSTREE" -l -n -r -o NS,NSID -t "$1" 2>/dev/null |
		awk -v i="$2" -v id="$3" '$1 == i && (id == "" || $2 == id) {n++} END {print n + 0}'
}

F=$T_TMP/snap.json
out=$("$NSTREE" --save "$F" 2>/dev/null); rc=$?
is "$rc:$out" "0:" "--save: exit 0, nothing on stdout"
ok "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["nsinfo_snapshot"] == 1 and d["processes"] and d["namespaces"] else 1)' "$F"; echo $?)" \
	"--save: a JSON document with processes and namespaces (format 1)"

# the fixtures go away: from here the host has neither
kill -KILL "$UPID" "$U" "$M" 2>/dev/null
# an exited task drops its namespaces before it is reaped: poll for that
for _ in $(seq 200); do [ -z "$(ns_ino "$UPID" uts)$(ns_ino "$M" mnt)" ] && break; sleep 0.05; done
is "$(still_here uts "$UTS_INO" "$UTS_ID")" 0 "(the uts namespace is gone from the host)"
is "$(still_here net "$NETNS_INO" "$NETNS_ID")" 0 "(the bind-mounted net namespace is gone from the host)"

got=$("$NSTREE" --load "$F" -l -n -r -o NS,TYPE,NPROCS,PID,HOSTNAME -t uts | awk -v i="$UTS_INO" '$1 == i')
is "$got" "$UTS_INO uts 1 $UPID $HOST" "--load: the uts namespace, its one process and hostname, as saved"
got=$("$NSTREE" --load "$F" -l -n -o COMMAND -t uts -p "$UPID")
is "$got" "sleep 600" "--load -p: the saved command line of that process"
got=$("$NSTREE" --load "$F" -l -n -o NS,NPROCS,HOLDERS -t net | awk -v i="$NETNS_INO" '$1 == i')
like "$got" "^$NETNS_INO +0 +no procs, mount $NETNS$" "--load: the bind-mounted net namespace, held by its bind mount"
got=$("$NSTREE" --load "$F" --holders "$NETNS_INO" -n -r -o KIND,PATH)
is "$got" "mount $NETNS" "--load --holders: what pinned it when saved"
got=$("$NSTREE" --load "$F" -l -J | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["namespaces"]))')
is "$got" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1], errors="surrogateescape"))["namespaces"]))' "$F")" \
	"--load -l -J: one row per saved namespace"
got=$("$NSTREE" --load "$F" -o NS,TYPE | grep -cE "(^|[^0-9])$UTS_INO +uts\$")
is "$got" 1 "--load: the tree shows it too"

# saved again from the file: the same bytes
"$NSTREE" --load "$F" --save "$T_TMP/again.json" 2>/dev/null
ok "$(cmp -s "$F" "$T_TMP/again.json"; echo $?)" "--load F --save G: G is F byte for byte"
got=$("$NSTREE" --save - 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["nsinfo_snapshot"])')
is "$got" 1 "--save -: the snapshot on stdout"

# ------------------------------------------------------------ bad input
check() { # check NAME EXPECTED-STDERR ARGS...: exit 3 (a file cannot be read or
	# written), 2 for bad usage (the message has the Try line)
	local name=$1 msg=$2 out rc code=3
	shift 2
	[[ $msg == *"Try 'nstree --help'"* ]] && code=2
	out=$("$NSTREE" "$@" 2>&1 >/dev/null); rc=$?
	is "$rc" "$code" "$name: exit $code"
	is "$out" "$msg" "$name: message"
}
check "--load a missing file" "nstree: cannot load $T_TMP/none: No such file or directory" \
	--load "$T_TMP/none"
printf '{"nsinfo_snapshot": 1, ' >"$T_TMP/cut.json"
check "--load a cut file" \
	"nstree: cannot load $T_TMP/cut.json: not valid JSON (unexpected end of data at line 1, column 24)" \
	--load "$T_TMP/cut.json"
echo '{"namespaces": []}' >"$T_TMP/other.json"
check "--load another JSON document" \
	"nstree: cannot load $T_TMP/other.json: not an nsinfo snapshot (no \"nsinfo_snapshot\" member)" \
	--load "$T_TMP/other.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1], errors="surrogateescape")); d["namespaces"][0]["parent"] = 99999; json.dump(d, open(sys.argv[2], "w", errors="surrogateescape"), ensure_ascii=False)' \
	"$F" "$T_TMP/broken.json"
check "--load an index out of range" \
	"nstree: cannot load $T_TMP/broken.json: namespace 0: \"parent\" out of range" \
	--load "$T_TMP/broken.json"

# each damage below was once accepted (or crashed): one line naming the place
# (the host's strings may hold any bytes: read and written back unchanged)
damage() { # damage NAME PYTHON-STATEMENTS-ON-d: writes $T_TMP/NAME.json
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1], encoding="utf-8", errors="surrogateescape"))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w", encoding="utf-8", errors="surrogateescape"), ensure_ascii=False)' \
		"$F" "$T_TMP/$1.json" "$2"
}
count() { # count KEY: entries in the saved file's KEY array
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1], errors="surrogateescape"))[sys.argv[2]]))' "$F" "$1"
}
damage nopath '
m = [(i, k) for i, n in enumerate(d["namespaces"]) for k, h in enumerate(n["holders"]) if h["kind"] == "mount"][0]
del d["namespaces"][m[0]]["holders"][m[1]]["path"]
print(m[0], m[1])' >"$T_TMP/nopath.at"
read -r MI MK <"$T_TMP/nopath.at"
check "--load a mount holder without a path (crashed once)" \
	"nstree: cannot load $T_TMP/nopath.json: namespace $MI: holder $MK: a mount without a \"path\"" \
	--load "$T_TMP/nopath.json" -l -o NS,HOLDERS
damage bigint 'd["namespaces"][0]["ino"] = 2**63'
check "--load an integer above INT64_MAX" \
	"nstree: cannot load $T_TMP/bigint.json: namespace 0: \"ino\" out of range" --load "$T_TMP/bigint.json"
damage duppid 'd["processes"].append(dict(d["processes"][0]))'
damage nopid 'print(d["processes"][0]["pid"])' >"$T_TMP/pid0"
check "--load a pid listed twice" \
	"nstree: cannot load $T_TMP/duppid.json: process $(count processes): pid $(cat "$T_TMP/pid0") listed twice (process 0 too)" \
	--load "$T_TMP/duppid.json"
NN=$(count namespaces)
damage loop "n = len(d['namespaces']); d['namespaces'] += [
	{'type': 'user', 'ino': 1, 'parent': n + 1, 'holders': []},
	{'type': 'user', 'ino': 2, 'owner': n, 'holders': []}]"
check "--load a loop of one parent and one owner link" \
	"nstree: cannot load $T_TMP/loop.json: namespace $NN: its parent and owner links lead round in a loop" \
	--load "$T_TMP/loop.json"
damage pfc 'd["processes"][0]["pid_for_children"] = [i for i, n in enumerate(d["namespaces"]) if n["type"] == "net"][0]'
like "$("$NSTREE" --load "$T_TMP/pfc.json" 2>&1 >/dev/null; echo "rc=$?")" \
	'^nstree: cannot load .*/pfc.json: process 0: "pid_for_children" [0-9]+ is a net namespace
rc=3$' "--load pid_for_children naming a net namespace: one line, exit 3"
{ cat "$F"; echo '#'; } >"$T_TMP/trailing.json"
check "--load trailing garbage" \
	"nstree: cannot load $T_TMP/trailing.json: data after the snapshot at line 2, column 1" \
	--load "$T_TMP/trailing.json"
cat "$F" "$F" >"$T_TMP/twice.json"
check "--load two documents one after the other" \
	"nstree: cannot load $T_TMP/twice.json: a second JSON document after the snapshot at line 2, column 1" \
	--load "$T_TMP/twice.json"
check "--load a directory" "nstree: cannot load $T_TMP: is a directory" --load "$T_TMP"
check "--load /dev/zero" "nstree: cannot load /dev/zero: not a regular file or a pipe" --load /dev/zero
mkfifo "$T_TMP/fifo"
check "--load a FIFO nobody writes to (no hang)" "nstree: cannot load $T_TMP/fifo: empty (nothing to read)" \
	--load "$T_TMP/fifo"
SIZE=$(stat -c %s "$F")
check "--load-max below the file's size" \
	"nstree: cannot load $F: larger than the limit of $((SIZE - 1)) bytes (--load-max raises it)" \
	--load "$F" --load-max $((SIZE - 1))
is "$(NSTREE_LOAD_MAX=1K "$NSTREE" --load "$F" 2>&1 >/dev/null; echo "rc=$?")" \
	"nstree: cannot load $F: larger than the limit of 1024 bytes (--load-max raises it)
rc=3" "NSTREE_LOAD_MAX=1K: the same limit from the environment"
is "$(NSTREE_LOAD_MAX=1K "$NSTREE" --load "$F" --load-max "$SIZE" -l -n -r -o NS | grep -cx "$UTS_INO")" 1 \
	"--load-max at the file's size: loaded (the option wins over NSTREE_LOAD_MAX)"
is "$(yes | "$NSTREE" --load - --load-max 1M 2>&1 >/dev/null; echo "rc=$?")" \
	"nstree: cannot load -: larger than the limit of 1048576 bytes (--load-max raises it)
rc=3" "--load - from an endless pipe: stops at the limit"
check "--load-max not a size" "nstree: invalid size: 12X
Try 'nstree --help' for more information." --load "$F" --load-max 12X

check "--load with --source" "nstree: --load reads a saved snapshot: -q, --proc-root and --source do not apply
Try 'nstree --help' for more information." --load "$F" --source=proc
check "--save into a missing directory" \
	"nstree: cannot write $T_TMP/none/x.json: No such file or directory" --save "$T_TMP/none/x.json"

# 60 damaged copies of the file (tests/lib/damage_snapshot.py): each is
# shown or refused with one line, never a crash
res=$(python3 "$(dirname "$0")/../lib/damage_snapshot.py" "$F" "$NSTREE" 60 "$T_TMP/damaged.json")
grep '^#' <<<"$res"
read -r shown refused bad <<<"$(tail -1 <<<"$res")"
is "$bad" 0 "60 damaged files: $shown shown, $refused refused with one line, none crashed"
ok $(( refused > 0 ? 0 : 1 )) "(some of the damage is refused)"

done_testing

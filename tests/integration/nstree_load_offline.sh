#!/usr/bin/env bash
# A loaded snapshot is offline: no reference makes nstree open a live path.
# A file saved here gets a proc_root of ours, where the one process of a
# fresh net namespace has ns/net as a FIFO and ns/uts as a symlink to
# another FIFO. Each FIFO has a writer waiting to be let in: opening it for
# reading (what an online resolve would do, hanging without O_NONBLOCK)
# lets the writer touch a marker. References by inode, id:NSID, pid:N,
# container and path are resolved from the file, or refused in one line;
# no marker may appear and nothing may hang.
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree

command -v python3 >/dev/null || { skip "[tool] no python3 to edit a snapshot"; done_testing; exit; }
[ "$(id -u)" = 0 ] || { skip "[root] not root: unshare --net"; done_testing; exit; }

P=$(bg_start unshare --net --uts sleep 600)
n=100; while [ "$(ns_ino "$P" net)" = "$(ns_ino $$ net)" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
NET=$(ns_ino "$P" net) UTS=$(ns_ino "$P" uts)
ok $([ -n "$NET" ] && [ "$NET" != "$(ns_ino $$ net)" ]; echo $?) "a process in a net namespace of its own ($NET)"

F=$T_TMP/snap.json
"$NSTREE" --save "$F" 2>/dev/null
ok $? "snapshot saved"

# the trap: a proc_root whose P/ns/* are FIFOs (directly and via a symlink)
ROOT=$T_TMP/proc
mkdir -p "$ROOT/$P/ns"
mkfifo "$ROOT/$P/ns/net" "$T_TMP/uts.fifo" "$T_TMP/path.fifo"
ln -s "$T_TMP/uts.fifo" "$ROOT/$P/ns/uts"
# arm FIFO MARKER: a writer that gets in only if someone opens FIFO to read
arm() { (exec 3>"$1"; touch "$2") & on_exit "kill $! 2>/dev/null"; }
arm "$ROOT/$P/ns/net" "$T_TMP/net.opened"
arm "$T_TMP/uts.fifo" "$T_TMP/uts.opened"
arm "$T_TMP/path.fifo" "$T_TMP/path.opened"

ID=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
python3 - "$F" "$ROOT" "$P" "$ID" "ld-$$" <<'EOF'
import json, sys
f, root, pid, cid, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
# raw bytes a hostile process may have put in a comm survive the edit
d = json.load(open(f, encoding="utf-8", errors="surrogateescape"))
d["proc_root"] = root
# an engine's container (as a scan here would record it) and a hint
d["containers"].append({"runtime": "docker", "id": cid, "name": name, "trust": "engine", "owner": 0})
d["containers"].append({"runtime": "docker", "id": "pidns-1", "name": name + "-hint", "trust": "hint", "owner": 1000})
for p in d["processes"]:
    if p["pid"] == pid:
        p["container"] = len(d["containers"]) - 2
json.dump(d, open(f, "w", encoding="utf-8", errors="surrogateescape"), ensure_ascii=False)
EOF
ok $? "(proc_root pointed at the trap, containers added)"
NSID=$(python3 -c 'import json,sys; print([n["nsid"] for n in json.load(open(sys.argv[1], encoding="utf-8", errors="surrogateescape"))["namespaces"] if n["ino"] == int(sys.argv[2]) and n["type"] == "net"][0])' "$F" "$NET")

# run ARGS...: nstree --load with a bound on time (a hang fails, not blocks)
run() { timeout 10 "$NSTREE" --load "$F" "$@" 2>"$T_TMP/err"; }
# from_file TYPE REF WHAT: REF resolves to the namespace the file holds
from_file() {
	local got rc want=$NET
	[ "$1" = uts ] && want=$UTS
	got=$(run -l -n -r -o NS -t "$1" "$2"); rc=$?
	is "$rc:$got" "0:$want" "--load $3"
}
from_file net "$NET" "INODE: the namespace, from the file"
from_file net "id:$NSID" "id:NSID: from the file"
from_file net "pid:$P" "pid:N: that process's namespace as saved"
from_file uts "pid:$P" "pid:N -t uts (ns/uts a symlink in the trap): as saved"
from_file net "ld-$$" "CONTAINER: an engine container of the file, offline"
from_file net "${ID:0:12}" "SHORT-ID: the same"
got=$(run -t net "ld-$$-hint"); rc=$?
is "$rc:$(cat "$T_TMP/err")" "1:nstree: ld-$$-hint: only containers of unverified identity match (never entered by name): docker pidns-1 ld-$$-hint? (claimed by uid 1000)" \
	"--load a hint's name: refused, one line"
got=$(run --holders "$NET"); rc=$?
is "$rc" 0 "--load --holders INODE: from the file"
for path in "$T_TMP/path.fifo" "$ROOT/$P/ns/net" "$ROOT/$P/ns/uts" /dev/zero "/proc/$P/ns/net"; do
	got=$(run "$path"); rc=$?
	is "$rc:$(cat "$T_TMP/err")" "1:nstree: $path: a loaded snapshot is offline: namespace files are not opened" \
		"--load PATH ($path): refused in one line"
done
for m in net uts path; do
	ok $([ ! -e "$T_TMP/$m.opened" ]; echo $?) "the $m FIFO was never opened"
done

done_testing

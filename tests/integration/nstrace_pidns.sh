#!/usr/bin/env bash
# nstrace -C and nstop -C with a plain pid namespace (no engine): pid:N and
# id:NSID select it and those below it; the host's calls are not traced;
# the host's own pid namespace and malformed refs are refused.
source "$(dirname "$0")/../lib/lib.sh"
NSTRACE=$BUILD/nstrace
require_root "unshare -p needs root"
nstrace_probe; probe=$?
[ "$probe" = 1 ] && { skip "[bpf] BPF event source unavailable: $NSTRACE_WHY"; done_testing; exit; }
[ "$probe" = 2 ] && { fail "nstrace -- true traces, or says in one line why it cannot" || diag "$NSTRACE_WHY"; done_testing; exit; }

# a pid namespace whose init waits for a go file, then unshares
# (twice: one round per ref)
cat >"$T_TMP/in.sh" <<EOS
for r in 1 2; do
	while [ ! -e "$T_TMP/go\$r" ]; do sleep 0.05; done
	unshare -n true
	unshare -p -f unshare -u true
	touch "$T_TMP/done\$r"
done
exec sleep 100000
EOS
P=$(bg_start unshare -p -f --kill-child sh "$T_TMP/in.sh")
for _ in $(seq 200); do I=$(pgrep -P "$P" -x sh); [ -n "$I" ] && break; sleep 0.05; done
[ -n "$I" ] || { fail "the pid namespace's init started"; done_testing; exit; }
PIDNS=$(ns_ino "$I" pid)
# its 64-bit id, as nstree reads it (NS_GET_ID)
NSID=$("$BUILD/nstree" -l -r -n -o NS,NSID -t pid 2>/dev/null | awk -v i="$PIDNS" '$1 == i && $2 > 0 { print $2 }')
cp "$(command -v unshare)" "$T_TMP/hostuns$$"

r=0
for ref in "pid:$I" ${NSID:+"id:$NSID"}; do
	r=$((r + 1))
	"$NSTRACE" -v -J -C "$ref" >"$T_TMP/j" 2>"$T_TMP/e" & TP=$!
	on_exit "kill -KILL $TP"
	for _ in $(seq 400); do grep -q 'attached through' "$T_TMP/e" && break; sleep 0.05; done
	like "$(cat "$T_TMP/e")" "$ref: pid namespace $PIDNS " "-C $ref: the pid namespace is the filter"
	"$T_TMP/hostuns$$" -n true
	touch "$T_TMP/go$r"
	for _ in $(seq 400); do [ -e "$T_TMP/done$r" ] && break; sleep 0.05; done
	kill -INT $TP; wait $TP
	res=$(python3 - "$T_TMP/j" "$PIDNS" <<'EOP'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ev = [o for o in ev if o["kind"] != "end"]
pidns = int(sys.argv[2])
assert not [o for o in ev if o["comm"].startswith("hostuns")], "the host's call is not traced"
own = [o for o in ev if o["pidns"]["ino"] == pidns]
below = [o for o in ev if o["pidns"]["ino"] != pidns]
assert [o["types"] for o in own if o["kind"] == "unshare"] == [["net"], ["pid"]], own
assert [o["types"] for o in below] == [["uts"]] and len(below[0]["nspid"]) == 3, below
assert all(o["container"] is None for o in ev), "no container"
print("ok")
EOP
)
	is "$res" ok "-C $ref: the namespace's calls and those of the one below it, nothing of the host"
done
[ -n "$NSID" ] || skip "[kernel] the kernel gives pid namespaces no 64-bit id: id:NSID not tested"

# nstop -C pid:N: the rows are the namespaces of its processes (and the
# host's pid namespace above, as context)
I=$(pgrep -P "$P" -x sh || pgrep -P "$P" -x sleep)
want=$( (for p in $(pgrep -P "$P") $(pgrep -P "$(pgrep -P "$P" | head -1)"); do
	for t in cgroup ipc mnt net pid time user uts; do echo "$(ns_ino "$p" $t) $t"; done; done
	echo "$(ns_ino $$ pid) pid") | sort -u)
got=$("$BUILD/nstop" -b -n 1 -o NS,TYPE -C "pid:$(pgrep -P "$P" | head -1)" 2>&1 |
	awk 'f && NF { gsub(/[^0-9a-z ]/, ""); print $1, $2 } /^ *NS /{ f = 1 }' | sort)
is "$got" "$want" "nstop -b -C pid:N: the namespaces of the pid namespace's processes"

# --- errors
err=$("$NSTRACE" -C "pid:$$" -d 0.1 2>&1); rc=$?
is "$rc" 2 "-C of the host's pid namespace: usage error"
like "$err" "pid:$$: the host's pid namespace, not a container's" "  ... saying why"
err=$("$NSTRACE" -C "pid:x" -d 0.1 2>&1); is "$?" 2 "-C malformed: exit 2"
err=$("$NSTRACE" -C "id:1$$$$" -d 0.1 2>&1); rc=$?
is "$rc:$err" "1:nstrace: id:1$$$$: no such namespace or container" "-C id: of no namespace: exit 1, the resolver's words"
done_testing

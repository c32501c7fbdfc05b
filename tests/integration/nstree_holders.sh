#!/usr/bin/env bash
# nstree and nspid on namespaces kept alive by something other than a
# process, built here:
#   NETNS  `ip netns add`: a bind mount in our own mount namespace
#   MNT2   `unshare --net=FILE` inside a private mount namespace
#   FD     a net namespace whose only process was killed, kept by fd 7
#   THR    a thread that unshared its own net namespace (its process did not)
#   ORPH   a user namespace whose last process exited while the net
#          namespace it owns lives on (kept by fd 7 of another holder)
#   CT     a fake nspawn machine: a cgroup machine-<name>.scope under
#          /sys/fs/cgroup/unified, pid+net+uts namespaces inside it
# Everything is checked against the inodes and pids the fixtures report;
# lsns (util-linux 2.38) sees none of the process-less ones.
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree
NSPID=$BUILD/nspid
[ "$(id -u)" = 0 ] || { skip "[root] not root: fixtures need unshare, mount, ip netns and cgroup writes"; done_testing; exit; }

# --- fixtures -----------------------------------------------------------
NETNS=nst-th-$$
ip netns add "$NETNS" || { fail "ip netns add $NETNS"; done_testing; exit; }
on_exit "ip netns del $NETNS"
NETNS_INO=$(stat -L -c %i "/run/netns/$NETNS")
MYMNT=$(ns_ino $$ mnt)

touch "$T_TMP/nsfile"
m2=$(bg_start unshare --mount --propagation private sh -c \
	"unshare --net='$T_TMP/nsfile' true && stat -L -c %i '$T_TMP/nsfile' >'$T_TMP/m2.tmp' &&
	 mv '$T_TMP/m2.tmp' '$T_TMP/m2' && exec sleep 600")

# fd holders: HOLDER opens the namespace of a process it then kills.
# $2: extra unshare options (a user namespace for ORPH)
cat >"$T_TMP/fdhold.sh" <<'EOF'
dir=$1 tag=$2; shift 2
unshare "$@" --net sh -c 'echo x >"$1"; exec sleep 600' sh "$dir/$tag.up" &
p=$!
for _ in $(seq 400); do [ -e "$dir/$tag.up" ] && break; sleep 0.05; done
exec 7<"/proc/$p/ns/net"
echo "$(stat -L -c %i /proc/$p/ns/user) $p" >"$dir/$tag.user"
kill -9 $p; wait $p 2>/dev/null
echo ready >"$dir/$tag.ready"
exec sleep 600
EOF
fdh=$(bg_start bash "$T_TMP/fdhold.sh" "$T_TMP" fd)
orh=$(bg_start bash "$T_TMP/fdhold.sh" "$T_TMP" orph --user --map-root-user)

cat >"$T_TMP/thread.py" <<'EOF'
import ctypes, os, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def run():
    if libc.unshare(0x40000000) != 0:   # CLONE_NEWNET, this thread only
        sys.exit(1)
    ino = os.stat("/proc/thread-self/ns/net").st_ino
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d %d\n" % (threading.get_native_id(), ino))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    time.sleep(600)
threading.Thread(target=run, daemon=True).start()
time.sleep(600)
EOF
thr=$(bg_start python3 "$T_TMP/thread.py" "$T_TMP/thr")

wait_for "$T_TMP/m2" && wait_for "$T_TMP/fd.ready" && wait_for "$T_TMP/orph.ready" &&
	wait_for "$T_TMP/thr" || { fail "fixtures up"; done_testing; exit; }
M2_INO=$(cat "$T_TMP/m2") M2_MNT=$(ns_ino "$m2" mnt)
FD_INO=$(stat -L -c %i "/proc/$fdh/fd/7")
ORPH_NET=$(stat -L -c %i "/proc/$orh/fd/7")
read -r ORPH_USER orph_pid <"$T_TMP/orph.user"
read -r THR_TID THR_INO <"$T_TMP/thr"
ok "$([ -n "$M2_INO" ] && [ -n "$FD_INO" ] && [ -n "$ORPH_USER" ] && [ -n "$THR_INO" ]; echo $?)" \
	"fixtures up: netns $NETNS_INO, mnt2 $M2_INO, fd $FD_INO, orphan user $ORPH_USER (net $ORPH_NET), thread $THR_TID net $THR_INO"
ok "$([ ! -e "/proc/$orph_pid" ]; echo $?)" "(the orphan user namespace's only process is gone)"
ok "$([ "$(ns_ino "$thr" net)" != "$THR_INO" ]; echo $?)" "(the thread's process is not in the thread's net namespace)"

# --- the list: every fixture, with what holds it ------------------------
# row INO: "NPROCS|FLAGS|HOLDERS" of namespace INO in the raw list
"$NSTREE" -l -r -n -o NS,NPROCS,FLAGS,HOLDERS 2>/dev/null | sed 's/\\x20/ /g' >"$T_TMP/list"
row() { awk -v i="$1" '$1 == i { $1 = ""; sub(/^ /, ""); print; exit }' "$T_TMP/list"; }
# a mount made with shared propagation also appears in every mount namespace
# cloned from ours since (other work on this machine): "in N mntns"
like "$(row "$NETNS_INO")" "^0 noprocs no procs, mount /run/netns/$NETNS( in [0-9]+ mntns)?\$" \
	"ip netns: no procs, held by its mount"
is "$(row "$M2_INO")" "0 noprocs no procs, mount $T_TMP/nsfile" "private mount namespace: held by the bind mount made there"
is "$(row "$FD_INO")" "0 noprocs no procs, fd $fdh:7" "fd: held by fd 7 of the holder"
is "$(row "$THR_INO")" "0 noprocs no procs, thread $THR_TID" "thread: held by the thread, no process"
is "$(row "$ORPH_NET")" "0 noprocs no procs, fd $orh:7" "orphan's net namespace: held by fd"
is "$(row "$ORPH_USER")" "0 ancestor no procs, owned-ns net:$ORPH_NET" \
	"orphan user namespace: no procs, kept by the net namespace it owns"
unlike "$(lsns -n -o NS 2>/dev/null | tr -d ' ')" "^($NETNS_INO|$M2_INO|$FD_INO|$ORPH_USER)\$" \
	"(lsns lists none of them)"

# --persistent: exactly the namespaces without processes
"$NSTREE" -l -J --persistent >"$T_TMP/pers.json" 2>/dev/null
export NETNS_INO M2_INO FD_INO THR_INO ORPH_NET ORPH_USER THR_TID fdh orh NETNS
python3 - "$T_TMP/pers.json" <<'EOF' >"$T_TMP/pers.out" 2>&1
import json, os, sys
E = os.environ
ns = json.load(open(sys.argv[1]))["namespaces"]
inos = {n["ns"] for n in ns}
want = {int(E[k]) for k in ("NETNS_INO", "M2_INO", "FD_INO", "THR_INO", "ORPH_NET", "ORPH_USER")}
print("missing" if want - inos else "all", "nonzero" if any(n["nprocs"] for n in ns) else "zero")
h = {n["ns"]: n["holders"] for n in ns}
n = h.get(int(E["NETNS_INO"]), [])
print(len(n) == 2 and n[0] == "no procs" and n[1].startswith("mount /run/netns/" + E["NETNS"]),
      h.get(int(E["FD_INO"])) == ["no procs", "fd %s:7" % E["fdh"]])
EOF
is "$(head -1 "$T_TMP/pers.out")" "all zero" "--persistent -J: every fixture, and only namespaces with NPROCS 0"
is "$(sed -n 2p "$T_TMP/pers.out")" "True True" "-J: HOLDERS is an array of strings"

# -q: no fd or mount pass, so only the thread's namespace is left
"$NSTREE" -q -l -r -n -o NS --persistent >"$T_TMP/quick" 2>/dev/null
ok "$(grep -qx "$THR_INO" "$T_TMP/quick"; echo $?)" "-q --persistent: the thread's namespace (from the process scan)"
ok "$(! grep -qxE "$NETNS_INO|$M2_INO|$FD_INO" "$T_TMP/quick"; echo $?)" "-q: fd- and mount-held namespaces not looked for"

# --- the tree: the orphan user namespace with its net namespace under it
"$NSTREE" -J -o NS,TYPE,NPROCS,FLAGS >"$T_TMP/tree.json" 2>/dev/null
got=$(python3 - "$T_TMP/tree.json" "$ORPH_USER" <<'EOF'
import json, sys
def find(nodes, ino):
    for n in nodes:
        if n["ns"] == ino: return n
        r = find(n.get("children", []), ino)
        if r: return r
u = find(json.load(open(sys.argv[1]))["namespaces"], int(sys.argv[2]))
print(u["type"], u["flags"], " ".join(str(c["ns"]) for c in u.get("children", [])) if u else "absent")
EOF
)
is "$got" "user ancestor $ORPH_NET" "tree: orphan user namespace marked, its net namespace beneath it"
like "$("$NSTREE" -t net 2>/dev/null)" "$FD_INO +net +0 .*no procs, fd $fdh:7" "tree: fd-held net namespace shown with its holder"

# --- --holders NS: one row per holder ------------------------------------
is "$("$NSTREE" --holders "/run/netns/$NETNS" -r -n -o KIND,MNTNS,PATH 2>/dev/null | grep " $MYMNT ")" \
	"mount $MYMNT /run/netns/$NETNS" "--holders PATH: the bind mount in our mount namespace"
is "$("$NSTREE" --holders "$M2_INO" -r -n -o KIND,MNTNS,PATH 2>/dev/null)" "mount $M2_MNT $T_TMP/nsfile" \
	"--holders INODE: the bind mount in the private mount namespace, as it sees it"
is "$("$NSTREE" --holders "$FD_INO" -r -n -o KIND,PID,FD 2>/dev/null)" "fd $fdh 7" "--holders: the fd"
is "$("$NSTREE" --holders "$THR_INO" -r -n -o KIND,PID 2>/dev/null)" "thread $THR_TID" "--holders: the thread"
is "$("$NSTREE" --holders "$ORPH_USER" -r -n -o KIND,TYPE,NS 2>/dev/null)" "owned-ns net $ORPH_NET" \
	"--holders: the owned namespace of the orphan user namespace"
nsid=$("$NSTREE" -l -r -n -o NS,NSID 2>/dev/null | awk -v i="$FD_INO" '$1 == i { print $2 }')
is "$("$NSTREE" --holders "id:$nsid" -r -n -o KIND,PID,FD 2>/dev/null)" "fd $fdh 7" "--holders id:NSID"
got=$("$NSTREE" --holders "pid:$thr" -t net -J 2>/dev/null | python3 -c '
import json, sys
rows = json.load(sys.stdin)["holders"]
print(len(rows), sorted({r["kind"] for r in rows}), any(r["kind"] == "proc" and r["pid"] == int(sys.argv[1]) for r in rows))' "$thr")
like "$got" "^[0-9]+ \[.*'proc'.*\] True$" "--holders pid:N -t net -J: the process's own net namespace lists it as a proc"
"$NSTREE" --holders "pid:$thr" >/dev/null 2>"$T_TMP/err"
is "$?:$(head -1 "$T_TMP/err")" "2:nstree: pid:$thr: a process or container has a namespace of each type: choose one" \
	"--holders pid:N without -t: usage error"
"$NSTREE" --holders "$FD_INO" extra >/dev/null 2>"$T_TMP/err"
is "$?:$(head -1 "$T_TMP/err")" "2:nstree: --holders takes one namespace, not more arguments" "--holders with two"
"$NSTREE" --holders "$FD_INO" -l >/dev/null 2>"$T_TMP/err"
is "$?:$(head -1 "$T_TMP/err")" "2:nstree: --holders lists one namespace's holders: -l, -P, -p and --persistent do not apply" \
	"--holders with -l: usage error"
is "$("$NSTREE" --holders x -H -r -n | awk '{print $1}' | tr '\n' ' ')" "KIND PID FD MNTNS PATH TYPE NS COMMAND CONTAINER RUNTIME CID IMAGE POD K8SNS " \
	"--holders -H lists its own columns"

# --- a container, by name ------------------------------------------------
CG=/sys/fs/cgroup/unified
if [ -w "$CG/cgroup.procs" ]; then
	NAME=nsth-$$
	top=$CG/nst-holders-$$ scope="$CG/nst-holders-$$/machine.slice/machine-nsth\\x2d$$.scope"
	mkdir -p "$scope" && on_exit "rmdir '$scope' '$top/machine.slice' '$top'"
	# only the container's init moves into the scope (a runtime's shim stays
	# out), then takes its net and uts namespaces, as runc's init does
	ct=$(bg_start unshare -fp --kill-child sh -c "echo \$\$ >'$scope/cgroup.procs' && exec unshare --net --uts sleep 600")
	n=200; inner=
	while [ $n -gt 0 ]; do
		inner=$(cat /proc/"$ct"/task/*/children 2>/dev/null | awk '{print $1}')
		[ -n "$inner" ] && [ "$(cat /proc/"$inner"/comm 2>/dev/null)" = sleep ] && break
		sleep 0.05; n=$((n - 1))
	done
	on_exit "kill -KILL $ct $inner; while [ -e /proc/$ct ] || [ -e /proc/${inner:-0} ]; do sleep 0.05; done"
	if [ -n "$inner" ]; then
		want=$(for t in net pid uts; do ns_ino "$inner" $t; done | sort -n | tr '\n' ' ')
		got=$("$NSTREE" -l -r -n -o NS "$NAME" 2>/dev/null | sort -n | tr '\n' ' ')
		is "$got" "$want" "nstree NAME: the container's own net, pid and uts namespaces"
		is "$("$NSTREE" -l -r -n -o NS,CONTAINER -t net "$NAME" 2>/dev/null)" "$(ns_ino "$inner" net) $NAME" \
			"nstree -t net NAME: its net namespace, CONTAINER column"
		is "$("$NSTREE" --holders "$NAME" -t pid -r -n -o KIND,PID 2>/dev/null | tr '\n' ' ')" \
			"proc $inner children $ct " \
			"--holders NAME -t pid: its one process, and the parent that made it (pid_for_children)"
		is "$("$NSPID" -N "$NAME" -r -n -o PID 1 2>&1)" "$inner" "nspid -N NAME 1: the container's init"
		is "$("$NSPID" -N "nsth-" -r -n -o PID 1 2>&1)" "$inner" "nspid -N: a unique id prefix"
		is "$("$NSPID" -r -n -o PID,CONTAINER "$inner" 2>&1)" "$inner $NAME" "nspid CONTAINER column"
		is "$("$NSPID" -r -n -o PID,CONTAINER $$ 2>&1 | sed 's/ *$//')" "$$" "nspid CONTAINER: empty outside containers"
		is "$("$NSPID" -r -n -o LEVEL,CONTAINER "$inner" 2>&1 | tr '\n' ' ')" "0  1 $NAME " \
			"nspid CONTAINER: on the innermost row only"
	else
		fail "container process up in $scope"
	fi
else
	skip "[cgroup] no writable cgroup2 hierarchy at $CG: container by name"
fi
done_testing

#!/usr/bin/env bash
# nstree as a drop-in for lsns: util-linux's own lsns test scenarios
# (tests/ts/lsns: ioctl_ns, nsfs, netnsid, netnsid for persistent
# namespaces, filedesc, netns-from-sock) re-expressed against nstree with the same flags and
# expected answers, then `lsns -J -o COLS` and `nstree -l -J -o COLS` side by
# side on the namespaces this test made, for every lsns column: same keys,
# values and JSON types. Every name here is unique to this run ($$).
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree
[ "$(id -u)" = 0 ] || { skip "[root] not root: fixtures need ip netns, mount and unshare"; done_testing; exit; }
command -v ip >/dev/null || { skip "[tool] no ip(8)"; done_testing; exit; }

SOURCES=proc
"$NSTREE" --source=bpf -l -n -o NS -t uts >/dev/null 2>&1 && SOURCES="proc bpf"

# ------------------------------------------------------------------ ioctl_ns
# a user namespace and a pid namespace it owns: NS,PNS,ONS of each
U=$(bg_start unshare --user --pid --fork sh -c "echo > '$T_TMP/u.up'; exec sleep 600")
wait_for "$T_TMP/u.up" || fail "user+pid fixture started"
n=200; UC=
while [ -z "$UC" ] && [ $n -gt 0 ]; do UC=$(pgrep -P "$U" -x sleep); [ -n "$UC" ] || sleep 0.05; n=$((n - 1)); done
my_user=$(ns_ino $$ user) my_pid=$(ns_ino $$ pid)
child_user=$(ns_ino "$UC" user) child_pid=$(ns_ino "$UC" pid)
for src in $SOURCES; do
	is "$("$NSTREE" --source=$src -l -t user -n -r -o NS,PNS,ONS "$child_user" 2>/dev/null | uniq)" \
		"$child_user $my_user $my_user" "ioctl_ns ($src): user ns NS PNS ONS"
	is "$("$NSTREE" --source=$src -l -t pid -n -r -o NS,PNS,ONS "$child_pid" 2>/dev/null | uniq)" \
		"$child_pid $my_pid $child_user" "ioctl_ns ($src): pid ns NS PNS ONS"
done

# ---------------------------------------------------------------------- nsfs
# `ip netns add` and a second bind mount of the same namespace; a process in it
N1=lc-nsfs-$$
P2=$T_TMP/nsfs-second
ip netns add "$N1" || { fail "ip netns add $N1"; done_testing; exit; }
on_exit "ip netns delete $N1"
touch "$P2" && mount --bind "/run/netns/$N1" "$P2" || fail "second bind mount"
on_exit "umount $P2"
NP=$(bg_start ip netns exec "$N1" sh -c "echo > '$T_TMP/nsfs.up'; exec sleep 600")
wait_for "$T_TMP/nsfs.up" || fail "nsfs fixture started"
NSFS_INO=$(stat -L -c %i "/run/netns/$N1")
n=200
while [ "$(ns_ino "$NP" net)" != "$NSFS_INO" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
lines=$("$NSTREE" -l -n -o NSFS -t net -p "$NP" 2>/dev/null | while read -r v; do echo "$v"; done)
is "$lines" "/run/netns/$N1
$P2" "nsfs: one bind mount a line"
lines=$("$NSTREE" -l -n -o NSFS --nowrap -t net -p "$NP" 2>/dev/null | while read -r v; do echo "$v"; done)
is "$lines" "/run/netns/$N1,$P2" "nsfs --nowrap: comma-separated"
is "$("$NSTREE" -l -n -r -o PATH -t net -p "$NP" 2>/dev/null)" "/proc/$NP/ns/net" \
	"PATH: the PID process's ns link"
got=$("$NSTREE" -l -J -o NSFS -t net -p "$NP" 2>/dev/null |
	python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["namespaces"][0]["nsfs"]))')
is "$got" "'/run/netns/$N1\\n$P2'" "nsfs -J: one string, paths separated by a newline (as lsns)"

# ------------------------------------------------------------------- netnsid
# a veth pair across the namespace gives it an id in ours, which ip shows
VA=lca$$ VB=lcb$$
if ip link add name "$VA" type veth peer name "$VB" 2>/dev/null; then
	on_exit "ip link delete $VA"
	ip link set "$VB" netns "$N1"
	ip_id=$(ip -o link show dev "$VA" | sed -ne 's/.* link-netnsid \([0-9]*\).*/\1/p')
	# a named namespace is shown as link-netns NAME: its id from list-id
	[ -n "$ip_id" ] || ip_id=$(ip netns list-id | sed -n "s/^nsid \([0-9]*\) .*name: $N1)\{0,1\}\$/\1/p")
	is "$("$NSTREE" -l -n -o NETNSID -t net -p "$NP" 2>/dev/null | { read -r v; echo "$v"; })" "$ip_id" \
		"netnsid: NETNSID is ip's link-netnsid ($ip_id)"
else
	skip "[kernel] netnsid: cannot create a veth pair here"
fi
is "$("$NSTREE" -l -n -r -o NETNSID -t net -p $$ 2>/dev/null)" "unassigned" \
	"netnsid: our own net namespace has none"

# --------------------------------------------- netnsid, persistent namespace
# a namespace no process is in, given an id with ip netns set
N2=lc-pers-$$
ID=$(( $$ % 100000 + 1000 ))
ip netns add "$N2" || fail "ip netns add $N2"
on_exit "ip netns delete $N2"
if ip netns set "$N2" "$ID" 2>/dev/null; then
	row=$("$NSTREE" -l -n -r -o NETNSID,TYPE,NSFS,NPROCS,PATH -t net 2>/dev/null | awk -v i="$ID" '$1 == i')
	is "$row" "$ID net /run/netns/$N2 0 /run/netns/$N2" \
		"netnsid for a persistent namespace: NETNSID, TYPE, NSFS, NPROCS, PATH"
else
	skip "[kernel] ip netns set: not supported here"
fi

# ------------------------------------------------------------------ filedesc
# a namespace held only by an fd once `ip netns delete` removed its mount
N3=lc-fd-$$
ip netns add "$N3" || fail "ip netns add $N3"
on_exit "ip netns delete $N3"
FD_INO=$(stat -L -c %i "/run/netns/$N3")
H=$(bg_start sh -c "exec 4</run/netns/$N3; echo > '$T_TMP/fd.up'; exec sleep 600")
wait_for "$T_TMP/fd.up" || fail "fd holder started"
ip netns delete "$N3"
for src in $SOURCES; do
	is "$("$NSTREE" --source=$src -l -n -r -o TYPE,NPROCS,USER "$FD_INO" 2>/dev/null)" "net 0 root" \
		"filedesc ($src): net 0 root"
	is "$("$NSTREE" --source=$src -l -J -o PID,UID,COMMAND,PATH "$FD_INO" 2>/dev/null | tr -d ' \n')" \
		"{\"namespaces\":[{\"pid\":null,\"uid\":0,\"command\":null,\"path\":\"/proc/$H/fd/4\"}]}" \
		"filedesc ($src): no PID or COMMAND, the owner's UID, PATH through the holding fd"
	# nstree inherits an fd of it too: its own fds are not holders
	is "$("$NSTREE" --source=$src --holders "$FD_INO" -n -r -o KIND,PID,FD 2>/dev/null 5</proc/$H/fd/4)" \
		"fd $H 4" "filedesc ($src): nstree's own inherited fd is not a holder"
done

# ------------------------------------------------------------ netns-from-sock
# a net namespace held only by a socket: made there, then the process went
# back to its own net namespace
S=$(bg_start python3 "$SRCDIR/tests/lib/socket_holder.py" "$T_TMP/sock.up")
if wait_for "$T_TMP/sock.up"; then
	read -r SOCK_NS SOCK_FD <"$T_TMP/sock.up"
	for src in $SOURCES; do
		is "$("$NSTREE" --source=$src -l -n -r -o NS,TYPE,NPROCS,PID,USER,COMMAND "$SOCK_NS" 2>/dev/null)" \
			"$SOCK_NS net 0  root " "netns-from-sock ($src): NS TYPE NPROCS PID USER COMMAND as lsns"
		is "$("$NSTREE" --source=$src --holders "$SOCK_NS" -n -r -o KIND,PID,FD 2>/dev/null)" \
			"fd $S $SOCK_FD" "netns-from-sock ($src): held by the socket's fd"
		is "$("$NSTREE" --source=$src -l -n -r -o NETNSID "$SOCK_NS" 2>/dev/null)" "unassigned" \
			"netns-from-sock ($src): NETNSID asked through the socket"
	done
	is "$("$NSTREE" -l -n -r -o NS -t net -p "$S" 2>/dev/null)" "$(ns_ino "$S" net)" \
		"netns-from-sock: the process's own net namespace is not doubled by its socket"
else
	fail "socket fixture started"
fi

# --------------------------------------------------------- lsns side by side
# every lsns column, JSON, on the namespaces made here that lsns lists
# (those with processes): same keys in the same order, values and types
COLS=$(lsns --help 2>/dev/null | sed -n '/^Available output columns:/,/^$/{s/^ *\([A-Z]*\)  .*/\1/p}' | paste -sd,)
if ! command -v lsns >/dev/null || [ -z "$COLS" ]; then
	skip "[tool] no lsns to compare with"
# lsns itself gives up on a host where a process's comm holds a newline
elif ! lsns -l -J -o "$COLS" >"$T_TMP/lsns.json" 2>"$T_TMP/lsns.err" ||
     ! python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8","replace"))' \
	"$T_TMP/lsns.json" 2>/dev/null; then
	skip "[host] lsns -J fails on this host (a process name it cannot parse?) $(head -c 200 "$T_TMP/lsns.err")"
else
	diag "lsns columns: $COLS"
	"$NSTREE" -l -J -o "$COLS" >"$T_TMP/nstree.json" 2>/dev/null
	WANT="$child_user $child_pid $NSFS_INO"
	python3 - "$T_TMP/lsns.json" "$T_TMP/nstree.json" $WANT >"$T_TMP/cmp" 2>&1 <<'EOF'
import json, sys
# lsns writes other processes' invalid UTF-8 raw: read it leniently
L = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "replace"))["namespaces"]
N = json.loads(open(sys.argv[2], encoding="utf-8").read())["namespaces"]
want = {int(x) for x in sys.argv[3:]}
ln = {r["ns"]: r for r in L if r["ns"] in want}
nn = {r["ns"]: r for r in N if r["ns"] in want}
bad = []
for ns, r in ln.items():
    m = nn.get(ns)
    if m is None:
        bad.append("%d: not in nstree" % ns)
        continue
    if list(r) != list(m):
        bad.append("%d: keys %s vs %s" % (ns, list(r), list(m)))
    for k in r:
        if type(r[k]) is not type(m.get(k)) or r[k] != m.get(k):
            bad.append("%d %s: lsns %r nstree %r" % (ns, k, r[k], m.get(k)))
print(len(ln), "rows;", "; ".join(bad) if bad else "same")
EOF
	got=$(cat "$T_TMP/cmp")
	like "$got" '^[1-9][0-9]* rows; same$' "lsns -J -o ALL and nstree -l -J -o ALL agree on our namespaces ($got)"
fi

# --------------------------------------------------------------- the options
tree=$("$NSTREE" -T -t user -t pid -n -o NS "$child_user" 2>/dev/null)
is "$(sed -n 1p <<<"$tree")" "$child_user" "-T (owner): the user ns is the root"
like "$(sed -n 2p <<<"$tree")" "^[^0-9]+$child_pid\$" "-T (owner): the pid ns it owns is drawn under it"
is "$("$NSTREE" -Tparent -t pid -n -o NS 2>/dev/null | grep -c "^$child_pid")" 0 \
	"-Tparent: the child pid ns is not a root"
is "$("$NSTREE" -Tparent -t user -t pid -n -o NS 2>/dev/null | grep -c "^$child_user")" 0 \
	"-Tparent: the child user ns is not a root either"
"$NSTREE" -l -T >/dev/null 2>&1
is "$?" 2 "-l and -T exclude each other"
out=$("$NSTREE" -Q 'TYPE == "net"' 2>&1 >/dev/null); rc=$?
if grep -q scols_new_filter /usr/include/libsmartcols/libsmartcols.h 2>/dev/null; then
	skip "[host] this libsmartcols has a filter API: the message case does not apply"
else
	is "$rc" 3 "-Q without libsmartcols filter support: exit 3"
	like "$out" '^nstree: --filter needs libsmartcols 2\.40' "-Q: one line saying why"
fi
long=$("$NSTREE" -l -u -n -o COMMAND -p "$NP" -t net 2>/dev/null)
is "$long" "sleep 600" "-u: the command in full"
last=$("$NSTREE" -l -n -p "$UC" -t pid 2>/dev/null | awk '{print $NF}')
is "$last" "600" "default list view: COMMAND is last (awk \$NF is its last word)"
last=$("$NSTREE" -n -t pid "$child_pid" 2>/dev/null | awk '{print $NF}')
is "$last" "600" "default tree view: COMMAND is last"

done_testing

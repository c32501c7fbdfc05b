#!/usr/bin/env bash
# Holders and hostnames with the system's own tools building the fixtures:
# `ip netns add`, `unshare --net=FILE` inside a private mount namespace, a
# namespace kept by an inherited fd, `unshare --uts` + hostname. Checked
# with the nsdump helper against the inodes the fixtures themselves report;
# lsns (util-linux 2.38) lists none of the process-less ones.
source "$(dirname "$0")/../lib/lib.sh"

NSDUMP=$HELPERS/nsdump
[ "$(id -u)" = 0 ] || { skip "[root] not root: fixtures need unshare, mount and ip netns"; done_testing; exit; }

# 1. ip netns add: a bind mount in our own mount namespace
NETNS=nst-h-$$
if ip netns add "$NETNS" 2>/dev/null; then
	on_exit "ip netns del $NETNS"
	ino=$(stat -L -c %i "/run/netns/$NETNS")
	mymnt=$(ns_ino $$ mnt)
	out=$("$NSDUMP" -m)
	like "$out" "^hold net $ino mount $mymnt:/run/netns/$NETNS\$" "ip netns: held by its mount in our mount namespace"
	like "$out" "^ns net $ino nsid=[1-9][0-9]* procs=0 flags=noprocs " "ip netns: no processes, probed (has an id)"
	unlike "$("$NSDUMP")" "^ns net $ino " "ip netns: unseen without the mount pass"
	unlike "$(lsns -n -o NS -t net)" "^ *$ino\$" "(lsns does not list it)"
else
	skip "[tool] ip netns add failed: no iproute2 netns support"
fi

# 2. a bind mount made inside another, private, mount namespace
touch "$T_TMP/nsfile"
pid=$(bg_start unshare --mount --propagation private sh -c \
	"unshare --net='$T_TMP/nsfile' true && stat -L -c %i '$T_TMP/nsfile' >'$T_TMP/ino2.tmp' &&
	 mv '$T_TMP/ino2.tmp' '$T_TMP/ino2' && exec sleep 600")
if wait_for "$T_TMP/ino2"; then
	ino2=$(cat "$T_TMP/ino2")
	mnt2=$(ns_ino "$pid" mnt)
	out=$("$NSDUMP" -m)
	like "$out" "^hold net $ino2 mount $mnt2:$T_TMP/nsfile\$" "private mount namespace: its bind mount holds the net namespace"
	like "$out" "^ns net $ino2 nsid=[1-9][0-9]* procs=0 " "private mount namespace: probed through /proc/$pid/root"
	isnt_here=$(stat -L -c %i "$T_TMP/nsfile")
	ok $([ "$isnt_here" != "$ino2" ]; echo $?) "(the mount is not visible from here)"
else
	fail "unshare --net=FILE in a private mount namespace did not come up"
fi

# 3. a namespace kept only by an fd: the holder opened it, its process went
cat >"$T_TMP/fdhold.sh" <<'EOF'
unshare --net sh -c 'echo x >"$1/up"; exec sleep 600' sh "$1" &
p=$!
for _ in $(seq 400); do [ -e "$1/up" ] && break; sleep 0.05; done
exec 7<"/proc/$p/ns/net"
kill -9 $p; wait $p 2>/dev/null
echo ready >"$1/fdready"
exec sleep 600
EOF
holder=$(bg_start bash "$T_TMP/fdhold.sh" "$T_TMP")
if wait_for "$T_TMP/fdready"; then
	ino3=$(stat -L -c %i "/proc/$holder/fd/7")
	out=$("$NSDUMP" -f)
	like "$out" "^hold net $ino3 fd $holder:7\$" "fd: held by fd 7 of the process that opened it"
	like "$out" "^ns net $ino3 nsid=[1-9][0-9]* procs=0 flags=noprocs " "fd: no processes left in it"
	unlike "$("$NSDUMP" -m)" "^ns net $ino3 " "fd: unseen by the mount pass alone"
else
	fail "fd holder did not come up"
fi

# 4. hostnames of a UTS namespace with a process, and of our own
HN=nst-u-$$
upid=$(bg_start unshare --uts sh -c "hostname $HN && echo ok >'$T_TMP/uts' && exec sleep 600")
if wait_for "$T_TMP/uts"; then
	uino=$(ns_ino "$upid" uts)
	out=$("$NSDUMP" -u)
	like "$out" "^ns uts $uino .* hostname=$HN\$" "hostname of a UTS namespace read by setns in a child"
	like "$out" "^ns uts $(ns_ino $$ uts) .* hostname=$(uname -n)\$" "and our own"
	is "$(uname -n)" "$(hostname)" "(the scan did not change our hostname)"
else
	fail "unshare --uts did not come up"
fi

# 5. all passes at once find every fixture above
all=$("$NSDUMP" -a)
for i in ${ino:-} ${ino2:-} ${ino3:-}; do
	like "$all" "^ns net $i .* procs=0 " "all passes: net namespace $i"
done
like "$all" "^ns uts ${uino:-x} .* hostname=$HN\$" "all passes: hostname"
done_testing

#!/usr/bin/env bash
# An engine's monitor (conmon, a containerd shim) has two kinds of child:
# the container, which the runtime always gives a mount namespace of its
# own, and the monitor's own helpers in the monitor's mount namespace
# (conmon's exit command: podman's clean-up, running after the container
# has stopped). Only the first is the container: a helper never makes a
# stopped container look running (`nstree NAME` exit 0 with nothing in it,
# `nstrace -C NAME` tracing the helper's cgroup on the host).
# The monitor here is a stand-in with conmon's name and arguments; the
# container a child in a new mount namespace, the helper a plain child.
# Ground truth: the namespaces each child reads from its own /proc/PID/ns.
source "$(dirname "$0")/../lib/lib.sh"
require_root "a root monitor (an engine's) is what names a container"

ID=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
NAME=ctmon-$$
ln -s "$(command -v bash)" "$T_TMP/conmon"
cat >"$T_TMP/mon.sh" <<EOS
unshare -m --propagation unchanged sh -c 'echo \$\$ >"$T_TMP/ct.tmp" && mv "$T_TMP/ct.tmp" "$T_TMP/ct.pid" && exec sleep 7200' &
sleep 7200 &
echo \$! >"$T_TMP/helper.tmp" && mv "$T_TMP/helper.tmp" "$T_TMP/helper.pid"
wait
EOS
MON=$(bg_start "$T_TMP/conmon" "$T_TMP/mon.sh" --cid "$ID" -n "$NAME" -b "/nonexistent-$$")
wait_for "$T_TMP/ct.pid" 20 && wait_for "$T_TMP/helper.pid" 20
ok $? "the stand-in monitor started its container and its helper"
CT=$(cat "$T_TMP/ct.pid") HELPER=$(cat "$T_TMP/helper.pid")
is "$(cat "/proc/$MON/comm")" "conmon" "(the monitor's comm is conmon)"
[ "$(ns_ino "$CT" mnt)" != "$(ns_ino $$ mnt)" ] && [ "$(ns_ino "$HELPER" mnt)" = "$(ns_ino $$ mnt)" ]
ok $? "(the container has a mount namespace of its own, the helper the monitor's)"

out=$("$BUILD/nspid" -n -o PID,CONTAINER "$CT" "$HELPER" 2>/dev/null | awk '{ print $1, $2 }')
is "$out" "$CT $NAME
$HELPER " "nspid: the container's process is labelled with the monitor's name, the helper is not"
out=$("$BUILD/nstree" -n -o NS,TYPE "$NAME" 2>/dev/null); rc=$?
is "$rc:$out" "0:$(ns_ino "$CT" mnt) mnt" "nstree NAME: the container's own namespace, none of the helper's (the host's)"

# the container stops; the helper stays, as podman's clean-up does
kill -KILL "$CT"
n=200; while kill -0 "$CT" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
! kill -0 "$CT" 2>/dev/null && kill -0 "$HELPER"
ok $? "(the container's process is gone, the helper still runs)"
out=$("$BUILD/nstree" "$NAME" 2>&1); rc=$?
is "$rc:$out" "1:nstree: $NAME: no such namespace or container" \
	"nstree NAME with only the monitor's helper left: exit 1, one line"
out=$("$BUILD/nspid" -n -o PID,CONTAINER "$HELPER" 2>/dev/null | awk '{ print $1, $2 }')
is "$out" "$HELPER " "nspid: the helper is still not the container"
out=$("$BUILD/nsenter-lite" -t "$NAME" -- true 2>&1); rc=$?
is "$rc:$out" "125:nsenter-lite: $NAME: no such namespace or container" \
	"nsenter-lite -t NAME: refused, nothing joined"
if "$BUILD/nstrace" -d 0.01 >/dev/null 2>"$T_TMP/probe"; then
	out=$("$BUILD/nstrace" -C "$NAME" -d 0.1 2>&1); rc=$?
	is "$rc:$out" "1:nstrace: $NAME: no such namespace or container" \
		"nstrace -C NAME: exit 1 and the resolver's line, nothing traced"
else
	skip "[bpf] nstrace cannot trace here: $(head -1 "$T_TMP/probe")"
fi
done_testing

#!/usr/bin/env bash
# The tools against real LXC containers: a system container of the local
# busybox rootfs (no template, no download, no network device but lo),
# an lxc-attach'ed sibling, a stopped container, and the same name in LXC
# and podman. Ground truth: lxc-info's pid and the namespaces of that pid,
# the container's own /proc for its pids.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
engine_require lxc

W=$(engine_name web)
lxc_run "$W" || { fail "lxc-start $W"; done_testing; exit; }
P=$ENGINE_PID
is "$P" "$(lxc-info -P "$LXC_DIR" -n "$W" -pH)" "(lxc-info names the container's init)"
engine_check_named "$W" "$P" "$W" NAME "lxc-info's"

# a sibling lxc-attach starts in the container's namespaces and cgroup
bg_start lxc-attach -P "$LXC_DIR" -n "$W" -- sleep 100001 >/dev/null
inside() { lxc-attach -P "$LXC_DIR" -n "$W" -- sh -c 'for p in /proc/[0-9]*; do [ "$(tr "\0" " " <$p/cmdline 2>/dev/null)" = "sleep 100001 " ] && echo ${p#/proc/}; done'; }
engine_until 10 eval '[ -n "$(inside)" ]' || fail "lxc-attach: a sibling in the container"
pairs=$(engine_pairs "$W")
S=$(echo "$pairs" | awk '$2 != 1 { print $1 }' | while read -r p; do
	[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "sleep 100001 " ] && echo "$p"; done)
is "$(echo "$pairs" | awk -v p="$P" '$1 == p { print $2 }')" 1 "nspid --pidns NAME --all: lxc-info's pid is 1 in the container"
is "$(echo "$pairs" | awk -v p="$S" '$1 == p { print $2 }')" "$(inside)" \
	"nspid --pidns NAME --all: the attached sibling's pid as the container's /proc has it"
engine_check_sibling "$W" "$P" "$S" "$W" NAME "lxc-attach"
engine_check_enter "$W" "$P" "$W" "container: lxc $W" NAME "lxc-info's"
is "$(engine_nstree "lxc:$W")" "$(engine_nstree "$W")" "nstree lxc:NAME: the same as NAME"

# --------------------------------------------- the same name in podman too
if [ -z "$(engine_missing podman)" ] && podman_image; then
	podman_run "$W" || fail "podman run $W beside LXC's $W"
	QP=$ENGINE_PID QID=$(pm inspect --format '{{.Id}}' "$W")
	out=$("$BUILD/nsenter-lite" -t "$W" -- sh -c "$ENGINE_SHOW_NS" 2>&1); rc=$?
	ok $(( rc == 0 )) "nsenter-lite -t NAME of two engines' containers: refused (exit $rc), not one picked"
	unlike "$out" "^(cgroup|ipc|mnt|net|pid|uts):\[" "nsenter-lite -t NAME of two engines' containers: ran nothing"
	like "$out" "$W" "nsenter-lite -t NAME of two engines' containers: the error names it"
	like "$out" "lxc .*podman ${QID:0:12}|podman ${QID:0:12}.* lxc " \
		"nsenter-lite -t NAME of two engines' containers: the candidates with their runtime, podman's by id"
	diag "today: $out"
	out=$("$BUILD/nstree" -l -n -o NS "$W" 2>&1); rc=$?
	ok $(( rc == 0 )) "nstree NAME of two engines' containers: refused (exit $rc)"
	is "$(engine_label "$QP") $(engine_label "$P")" "$W $W" "nspid: each engine's container labelled by the name"
	pm rm -f -t 0 "$W" >/dev/null
else
	skip "[engine] podman: not installed (the same name in two engines)"
fi

# ----------------------------------------------------------------- stopped
lxc-stop -P "$LXC_DIR" -n "$W" -k
engine_until 10 eval "! kill -0 $P" || fail "(lxc-stop: its init is gone)"
is "$(lxc-info -P "$LXC_DIR" -n "$W" -sH)" STOPPED "(lxc-info: the container is stopped)"
engine_check_stopped "$W"
done_testing

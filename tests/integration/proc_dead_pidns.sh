#!/usr/bin/env bash
# /proc of a pid namespace that no longer exists (its init died; the mount
# namespace was kept by a process outside it): every tool says the pid chain
# is cut, in the library's one wording, and exits non-zero. A /proc of a
# live child pid namespace is still walked, never by the BPF iterator
# (which would list the caller's pid namespace instead).
source "$(dirname "$0")/../lib/lib.sh"

if ! unshare -m -p --propagation private true 2>/dev/null; then
	skip "[root] mount and pid namespaces cannot be created here"
	done_testing
	exit 0
fi
msg="/proc is mounted from another pid namespace: the pid chain is cut"
# a sanitizer runtime needs /proc/self, which a foreign /proc lacks: its
# leak check cannot run there, and its warnings are not the tool's output
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
# ... and it changes the exit status there (its own exit path fails)
sanitized=0
grep -q __asan_init "$BUILD/nstree" 2>/dev/null && sanitized=1
rc_is() { # rc_is GOT EXPECTED NAME
	# sanitized: a failure is still a failure (non-zero), its number is the
	# runtime's; a success cannot be told from the runtime's own status
	if [ $sanitized = 0 ]; then is "$@"
	elif [ "$2" != 0 ]; then [ "$1" != 0 ]; ok $? "$3 (sanitizer build: non-zero; the runtime sets the number)"
	else skip "[sanitizer] $3: a sanitizer runtime without /proc/self sets the status"; fi
}
tool_lines() {
	grep -v -e '^==[0-9]*==' -e '^False positive error reports may follow' \
		-e '^For details see https://github.com/google/sanitizers/issues/189' "$@"
}

# unshare without --fork: sh stays in our pid namespace, in a new mount
# namespace; its first child is the new pid namespace's init, mounts that
# namespace's /proc and exits, which ends the pid namespace. sh then execs
# the tool (it could not fork any more).
in_dead() { # in_dead TOOL ARGS...: stdout+stderr to $T_TMP/out, status echoed
	unshare -m -p --propagation private sh -c 'mount -t proc proc /proc && exec "$@"' sh "$@" \
		>"$T_TMP/out" 2>&1
	echo $?
}

rc=$(in_dead "$BUILD/nstree")
rc_is "$rc" 3 "nstree exits 3"
is "$(tool_lines "$T_TMP/out")" "nstree: cannot read /proc: $msg" "nstree: the cut chain, one line"
rc=$(in_dead "$BUILD/nstree" -l --source=bpf)
rc_is "$rc" 3 "nstree --source=bpf exits 3"
is "$(tool_lines "$T_TMP/out")" "nstree: cannot read /proc: $msg" "nstree --source=bpf: the same line"
rc=$(in_dead "$BUILD/nstop" -b -n 1)
rc_is "$rc" 3 "nstop -b exits 3"
is "$(tool_lines "$T_TMP/out")" "nstop: cannot scan /proc: $msg" "nstop -b: the cut chain, one line"
rc=$(in_dead "$BUILD/nspid" 1)
rc_is "$rc" 1 "nspid exits 1"
like "$(tool_lines "$T_TMP/out")" "^nspid: 1: $msg\$" "nspid: the same wording"
rc=$(in_dead "$BUILD/nsenter-lite" -t 1 -u true)
rc_is "$rc" 125 "nsenter-lite exits 125"
like "$(tool_lines "$T_TMP/out")" "$msg\$" "nsenter-lite: the same wording"

# a live child pid namespace's /proc, seen from outside it (nsenter -m
# joins its mount namespace only): walked, and the BPF source refuses it
# with a reason
up=$(bg_start unshare -m -p -f --propagation private --mount-proc sleep 300)
init= n=200
while [ $n -gt 0 ]; do
	init=$(pgrep -P "$up" 2>/dev/null | head -1)
	[ -n "$init" ] && [ "$(cat "/proc/$init/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.05; n=$((n - 1))
done
[ -n "$init" ] && pass "a child pid namespace with its own /proc" || fail "no child pid namespace"
out=$(nsenter -m -t "$init" "$BUILD/nstree" -l -n -o NPROCS,PID,COMMAND -t pid 2>"$T_TMP/err")
rc_is "$?" 0 "a live child's /proc: nstree exits 0"
like "$out" "^ +1 +1 sleep 300$" "a live child's /proc: its pid namespace, its init"
nsenter -m -t "$init" "$BUILD/nstree" -l -t pid --source=bpf >/dev/null 2>"$T_TMP/err"
rc_is "$?" 3 "a live child's /proc: --source=bpf exits 3"
is "$(tool_lines "$T_TMP/err")" \
	"nstree: cannot use the BPF source: /proc shows another pid namespace than the caller's" \
	"a live child's /proc: --source=bpf says why"
done_testing

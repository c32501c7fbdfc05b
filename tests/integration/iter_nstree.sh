#!/usr/bin/env bash
# nstree --source: the BPF task iterator and the /proc walk give the same
# list for namespaces this test creates; --source=bpf fails with the
# library's reason where the iterator cannot be used; bad values.
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree

like "$("$NSTREE" --help)" '--source <src> +auto, bpf' "--help names --source"

"$NSTREE" --source=foo >"$T_TMP/out" 2>"$T_TMP/err"
is "$?" 2 "--source=foo exits 2"
is "$(cat "$T_TMP/err")" "nstree: unknown source: foo
Try 'nstree --help' for more information." "--source=foo: message and Try line"

mkdir -p "$T_TMP/fixture"
"$NSTREE" --source=bpf --proc-root "$T_TMP/fixture" -l >"$T_TMP/out" 2>"$T_TMP/err"
is "$?" 3 "--source=bpf with a fixture root exits 3"
is "$(cat "$T_TMP/err")" "nstree: cannot use the BPF source: proc root $T_TMP/fixture is not /proc" \
	"--source=bpf: the reason, one line"
is "$(wc -c <"$T_TMP/out")" 0 "--source=bpf failure: nothing on stdout"
"$NSTREE" --source=auto --proc-root "$T_TMP/fixture" -l >/dev/null 2>"$T_TMP/err"
is "$?" 0 "--source=auto with a fixture root walks it"

probe=$("$NSTREE" --source=bpf -l -n -o NS -t net -p $$ 2>"$T_TMP/probe.err")
if [ "$probe" != "$(ns_ino $$ net)" ]; then
	skip "[bpf] the BPF source cannot be used here: $(cat "$T_TMP/probe.err")"
	done_testing
	exit 0
fi

# two processes sharing new net+uts namespaces, one more with its own ipc
pid=$(bg_start unshare --net --uts --ipc sh -c 'sleep 300 & exec sleep 300')
wait_for_ns() { # the unshare has happened once the net link differs
	local n=100
	while [ "$(ns_ino "$pid" net)" = "$(ns_ino $$ net)" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
	# and both sleeps are sleeping: the exec'd leader and its child
	n=200
	while [ $n -gt 0 ]; do
		local kid
		kid=$(cat /proc/$pid/task/$pid/children 2>/dev/null)
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = sleep ] && [ -n "$kid" ] &&
			[ "$(cat /proc/${kid%% *}/comm 2>/dev/null)" = sleep ] && break
		sleep 0.05; n=$((n - 1))
	done
}
wait_for_ns
net=$(ns_ino "$pid" net) uts=$(ns_ino "$pid" uts) ipc=$(ns_ino "$pid" ipc)
for src in bpf proc; do
	"$NSTREE" --source=$src -l -J -o NS,TYPE,NPROCS,PID,USER,COMMAND,NSID,ONS \
		"$net" "$uts" "$ipc" >"$T_TMP/$src.json" 2>"$T_TMP/$src.err"
	is "$?" 0 "--source=$src exits 0"
done
is "$(cat "$T_TMP/bpf.json")" "$(cat "$T_TMP/proc.json")" "bpf and proc: the same rows for our namespaces"
got=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))["namespaces"]
print(" ".join("%s:%s:%s" % (n["type"], n["nprocs"], n["pid"]) for n in sorted(d, key=lambda n: n["type"])))' "$T_TMP/bpf.json")
is "$got" "ipc:2:$pid net:2:$pid uts:2:$pid" "bpf: types, member counts, lowest pid"
# stderr holds at most the partial-view line (a pid 1 the iterator missed)
unlike "$(cat "$T_TMP/bpf.err")" 'cannot' "bpf: no error on stderr"
done_testing

#!/usr/bin/env bash
# A process with a hostile comm (terminal title and clear sequences, 0xff,
# newline), a hostile argv (4 KiB, empty, newlines, invalid UTF-8, C1
# bytes, bidi overrides and isolates) and a hostile hostname in a uts
# namespace of its own. Every tool in every output mode, in a UTF-8 and in
# the C locale: no control byte (but newline) and no DEL, C1 or bidi
# control character reaches stdout or stderr raw, every output is valid
# UTF-8, every JSON output parses with a strict parser, and the hostile
# strings show in their escaped form (the row is there, not dropped).
# timeout: 1200 (some 40 tool runs, each scanning the whole host; 600 s was
# outlasted at 13000 processes and load 21)
source "$(dirname "$0")/../lib/lib.sh"
HOSTILE=$HELPERS/hostile
export NO_COLOR=1

# check FILE NAME [json|jsonl]: clean text, and strict JSON when asked
check() {
	local f=$1 name=$2 kind=${3:-text} why
	why=$(python3 - "$f" "$kind" <<'EOP'
import json, sys
b = open(sys.argv[1], "rb").read()
try:
    t = b.decode("utf-8", errors="strict")
except UnicodeDecodeError as e:
    print("not valid UTF-8: %s" % e); sys.exit(1)
for i, c in enumerate(t):
    o = ord(c)
    if (o < 0x20 and c != "\n") or 0x7f <= o <= 0x9f or 0x202a <= o <= 0x202e \
       or 0x2066 <= o <= 0x2069 or o in (0x200e, 0x200f, 0x2028, 0x2029, 0xfeff):
        print("raw U+%04X at %d: %r" % (o, i, t[max(0, i - 20):i + 10])); sys.exit(1)
try:
    if sys.argv[2] == "json":
        json.loads(t)
    elif sys.argv[2] == "jsonl":
        for l in t.splitlines():
            json.loads(l)
except ValueError as e:
    print("not strict JSON: %s" % e); sys.exit(1)
EOP
)
	ok $? "$name: clean${kind#text}" || diag "$why"
}

# the hostile process, told to quit through a fifo the test holds open
mkfifo "$T_TMP/ctl"
exec 3<>"$T_TMP/ctl"
setsid "$HOSTILE" -u <&3 >"$T_TMP/ready" 2>"$T_TMP/hostile.err" &
HPID=$!
on_exit "kill -KILL $HPID"
for _ in $(seq 200); do grep -q '^ready' "$T_TMP/ready" 2>/dev/null && break; sleep 0.05; done
grep -q "^ready $HPID\$" "$T_TMP/ready"; ok $? "hostile process ready" ||
	{ diag "$(cat "$T_TMP/hostile.err")"; done_testing; exit; }
UTS=$(ns_ino "$HPID" uts)
[ "$UTS" != "$(ns_ino $$ uts)" ]; ok $? "hostile process in a uts namespace of its own"
# the kernel ends the file with its own newline
printf '\033]0;pwn\007\033[2J\377\n\n' | cmp -s - "/proc/$HPID/comm"
ok $? "its comm is the hostile one"

n=0
run() { # run MODE-KIND NAME cmd...: stdout and stderr checked separately
	local kind=$1 name=$2; shift 2
	n=$((n + 1))
	"$@" >"$T_TMP/out.$n" 2>"$T_TMP/err.$n"
	echo $? >"$T_TMP/rc.$n"
	check "$T_TMP/out.$n" "$name stdout" "$kind"
	check "$T_TMP/err.$n" "$name stderr"
}
out() { cat "$T_TMP/out.$n"; }

for loc in C.UTF-8 C; do
	export LC_ALL=$loc
	cols=NS,TYPE,PID,COMMAND,HOSTNAME
	run text "[$loc] nstree" "$BUILD/nstree" -p "$HPID" -o $cols
	like "$(out)" "^[^0-9]*$UTS +uts .* \\\\x1b\\]2;argv0\\\\x07 --hostile -u  two\\\\x0alines" \
		"[$loc] nstree: the row, argv escaped" || diag "$(out | cut -c1-200)"
	like "$(out)" '\\x1b\]0;host\\x07\\x1b\[2J\\x0a\\xff\\u009b\\u202eevil\\x0d$' \
		"[$loc] nstree: hostname escaped, C1 and U+202E as \\u" || diag "$(out | cut -c1-200)"
	run text "[$loc] nstree -l" "$BUILD/nstree" -p "$HPID" -l -o $cols
	run text "[$loc] nstree -r" "$BUILD/nstree" -p "$HPID" -r -o $cols
	like "$(out)" '\\x1b\]0;host\\x07' "[$loc] nstree -r: raw format escapes"
	run json "[$loc] nstree -J" "$BUILD/nstree" -p "$HPID" -J -o $cols
	python3 - "$T_TMP/out.$n" "$UTS" <<'EOP'
import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
def walk(l):
    for x in l:
        yield x
        yield from walk(x.get("children", []))
r = [x for x in walk(d["namespaces"]) if x["ns"] == int(sys.argv[2])][0]
assert r["hostname"] == "\x1b]0;host\x07\x1b[2J\n\ufffd\x9b\u202eevil\r", repr(r["hostname"])
assert r["command"].startswith("\x1b]2;argv0\x07 --hostile -u  two\nlines\n bad\ufffd"), repr(r["command"][:80])
EOP
	ok $? "[$loc] nstree -J: strings decode to the originals (invalid bytes U+FFFD)"
	run json "[$loc] nstree --save -" "$BUILD/nstree" --save -
	run text "[$loc] nstree --holders" "$BUILD/nstree" -p "$HPID" --holders
	run text "[$loc] nspid" "$BUILD/nspid" "$HPID"
	like "$(out)" '\\x1b\]0;pwn\\x07' "[$loc] nspid: comm escaped"
	run json "[$loc] nspid -J" "$BUILD/nspid" -J "$HPID"
	run text "[$loc] nstop -b" "$BUILD/nstop" -b -n 1 -d 0 -p "$HPID"
	# nstop's CONTAINER is the library's label: a hostname is no container.
	# NPROCS is at least the hostile process: anyone may join its uts
	# namespace for a while (another scan's hostname helper does, on a
	# busy host)
	like "$(out | grep -E "^uts +.*$UTS ")" "$UTS +[0-9]+ +- +[1-9][0-9]* " "[$loc] nstop -b: the uts row, no container from its hostname" ||
		diag "exit $(cat "$T_TMP/rc.$n"); stdout: $(out | head -20); stderr: $(head -5 "$T_TMP/err.$n")"
	run text "[$loc] nsenter-lite --explain" "$BUILD/nsenter-lite" --explain -t "$HPID" -u -- \
		printf '\033]0;x\007'
done
export LC_ALL=C.UTF-8

# --save to a file, loaded back: the escaped strings survive and print clean
"$BUILD/nstree" --save "$T_TMP/snap.json" 2>/dev/null; ok $? "nstree --save FILE"
check "$T_TMP/snap.json" "nstree --save FILE" json
run text "nstree --load" "$BUILD/nstree" --load "$T_TMP/snap.json" -p "$HPID" -o $cols
"$BUILD/nstree" --load "$T_TMP/snap.json" --save "$T_TMP/snap2.json" 2>/dev/null
cmp -s "$T_TMP/snap.json" "$T_TMP/snap2.json"
ok $? "saved, loaded and saved again: the same bytes (U+FFFD stays U+FFFD)"

# --load error messages quote the file: escaped too
python3 - "$T_TMP/snap.json" "$T_TMP/bad.json" <<'EOP'
import sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
t = t.replace('"type":"cgroup"', '"type":"\\u001b]0;pwn\\u0007\\u001b[2J\\n\\u202e\\u0085"', 1)
open(sys.argv[2], "w", encoding="utf-8").write(t)
EOP
printf '{"nsinfo_snapshot":1,"\033]0;pwn\007\377":\n' >"$T_TMP/garbage.json"
run text "nstree --load (hostile type)" "$BUILD/nstree" --load "$T_TMP/bad.json"
is "$(cat "$T_TMP/rc.$n")" 3 "nstree --load (hostile type): exit 3"
like "$(cat "$T_TMP/err.$n")" 'x1b\]0;pwn\\x07\\x1b\[2J\\x0a\\u202e\\u0085' "the message shows the type escaped"
run text "nstree --load (garbage)" "$BUILD/nstree" --load "$T_TMP/garbage.json"

# nstrace: the hostile process unshares while traced
nstrace_probe; probe=$?
if [ "$probe" = 2 ]; then
	fail "nstrace -- true traces, or says in one line why it cannot" || diag "$NSTRACE_WHY"
elif [ "$probe" = 0 ]; then
	# the helper's own "ready" line kept out of the trace
	quiet=(sh -c 'exec "$0" -u </dev/null >/dev/null' "$HOSTILE")
	run text "nstrace" "$BUILD/nstrace" -- "${quiet[@]}"
	like "$(out)" '\\x1b\]0;pwn\\x07\\x1b\[2J\\xff\\x0a\[[0-9]+\] unshare\(NEWUTS\)' \
		"nstrace: the unshare line, comm escaped" || diag "$(out)"
	is "$(out | grep -c .)" "$(out | grep -c '^[0-9][0-9]:')" "nstrace: no forged line"
	run jsonl "nstrace -J" "$BUILD/nstrace" -J -- "${quiet[@]}"
	python3 - "$T_TMP/out.$n" <<'EOP'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1], "rb").read().decode("utf-8").splitlines()]
u = [e for e in ev if e["kind"] == "unshare"]
assert u and u[0]["comm"] == "\x1b]0;pwn\x07\x1b[2J\ufffd\n", [e.get("comm") for e in ev]
EOP
	ok $? "nstrace -J: comm decodes to the original (0xff as U+FFFD)"
else
	skip "[bpf] nstrace: BPF event source unavailable: $NSTRACE_WHY"
fi

# nstop's screen: the hostile row stays one row
if command -v tmux >/dev/null; then
	TM="tmux -L hostile-test-$$"
	on_exit "$TM kill-server; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/hostile-test-$$'"
	$TM new-session -d -x 160 -y 30 \
		"LC_ALL=C.UTF-8 ASAN_OPTIONS=\${ASAN_OPTIONS:-} '$BUILD/nstop' -E -g flat -t uts -d 0.3 2>'$T_TMP/nstop.err'; sleep 60"
	shown=1
	for _ in $(seq 100); do
		$TM capture-pane -p >"$T_TMP/screen"
		grep -q "namespaces shown" "$T_TMP/screen" && { shown=0; break; }
		sleep 0.1
	done
	ok $shown "nstop: the screen comes up"
	$TM send-keys / ; for ((i = 0; i < ${#UTS}; i++)); do $TM send-keys "${UTS:$i:1}"; done
	$TM send-keys Enter
	row=1
	for _ in $(seq 100); do
		$TM capture-pane -p >"$T_TMP/screen"
		grep -q "^1 namespaces shown" "$T_TMP/screen" && { row=0; break; }
		sleep 0.1
	done
	ok $row "nstop: filtered to the hostile uts namespace"
	line=$(grep -E "^uts +$UTS " "$T_TMP/screen")
	like "$line" "^uts +$UTS +[0-9]+ +- +1 +[0-9.]+ +[0-9.]+[KMG]? +[-+0-9/]+ " \
		"nstop: no container from the hostile hostname, the row keeps its columns" || diag "$(cat "$T_TMP/screen")"
	# the line after the row is empty: nothing spilled onto the next line
	is "$(grep -E -A1 "^uts +$UTS " "$T_TMP/screen" | tail -n +2 | tr -d ' ')" "" \
		"nstop: nothing spills onto the next line"
	$TM send-keys q
else
	skip "[tool] nstop screen: tmux not installed"
fi

echo quit >&3
done_testing

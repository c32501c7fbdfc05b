#!/usr/bin/env bash
# One colour rule in every tool (--color[=auto|always|never], NO_COLOR set
# and not empty means never unless --color=always) and util-linux-style
# column defaults from the environment (NSTREE_COLUMNS, NSPID_COLUMNS,
# NSTOP_COLUMNS: -o when neither -o nor --output-all is given).
source "$(dirname "$0")/../lib/lib.sh"

for t in nstree nspid nstop nstrace nsenter-lite; do
	like "$("$BUILD/$t" --help)" "--color\[=WHEN\]" "$t --help documents --color[=WHEN]"
	out=$("$BUILD/$t" --color=sometimes 2>&1 >/dev/null); rc=$?
	like "$rc:$out" "^[1-9][0-9]*:$t: invalid --color argument 'sometimes': auto, always or never" \
		"$t --color=sometimes: a usage error naming the choices"
done
like "$("$BUILD/nstree" diff --help 2>&1)" "--color\[=WHEN\]" "nstree diff --help documents --color"

# nstrace colours its event names: a pseudo-terminal from script(1) for auto
nstrace_probe; probe=$?
if [ "$(id -u)" != 0 ] || ! command -v script >/dev/null; then
	skip "[root] nstrace needs root (and script(1) a pty)"
elif [ "$probe" = 1 ]; then
	skip "[bpf] nstrace cannot trace here: $NSTRACE_WHY"
elif [ "$probe" = 2 ]; then
	fail "nstrace -- true traces, or says in one line why it cannot" || diag "$NSTRACE_WHY"
else
	esc=$'\e['
	n() { grep -cF "$esc" || true; }
	is "$("$BUILD/nstrace" --color=always -- unshare -u true 2>/dev/null | n)" 1 "nstrace --color=always into a pipe: colour"
	is "$(NO_COLOR=1 "$BUILD/nstrace" --color=always -- unshare -u true 2>/dev/null | n)" 1 "... NO_COLOR set: --color=always still colours"
	is "$("$BUILD/nstrace" -- unshare -u true 2>/dev/null | n)" 0 "nstrace into a pipe (auto): no colour"
	tty_run() { script -qec "$1" /dev/null </dev/null | n; }
	is "$(NO_COLOR= tty_run "$BUILD/nstrace -- unshare -u true")" 1 "on a terminal (auto), NO_COLOR empty: colour"
	is "$(NO_COLOR=1 tty_run "$BUILD/nstrace -- unshare -u true")" 0 "on a terminal, NO_COLOR=1: none"
	is "$(NO_COLOR= tty_run "$BUILD/nstrace --color=never -- unshare -u true")" 0 "on a terminal, --color=never: none"
	is "$(NO_COLOR=1 tty_run "$BUILD/nstrace --color -- unshare -u true")" 1 "a bare --color is always"
fi

# column defaults from the environment
is "$(NSTREE_COLUMNS=NS,TYPE "$BUILD/nstree" -l -n -r -p $$ 2>/dev/null | awk '{ print NF }' | sort -u)" 2 \
	"NSTREE_COLUMNS=NS,TYPE: two columns"
is "$(NSTREE_COLUMNS=NS,TYPE "$BUILD/nstree" -l -n -r -o NS -p $$ 2>/dev/null | awk '{ print NF }' | sort -u)" 1 \
	"... -o wins over it"
is "$(NSTREE_COLUMNS=+PPID "$BUILD/nstree" -l -p $$ 2>/dev/null | head -1 | awk '{ print $NF }')" PPID \
	"... +LIST adds to the defaults"
is "$(NSTREE_COLUMNS= "$BUILD/nstree" -l -p $$ 2>/dev/null | head -1 | tr -s ' ')" \
	"$("$BUILD/nstree" -l -p $$ 2>/dev/null | head -1 | tr -s ' ')" "... empty: the defaults"
out=$(NSTREE_COLUMNS=NS,BOGUS "$BUILD/nstree" -l 2>&1 >/dev/null); rc=$?
like "$rc:$out" "^2:nstree: NSTREE_COLUMNS: unknown column: BOGUS" "... an unknown name: exit 2 (usage), naming the variable"
is "$(NSTREE_COLUMNS=NS,TYPE "$BUILD/nstree" --holders "$(ns_ino $$ net)" 2>/dev/null | head -1 | tr -s ' ')" \
	"$("$BUILD/nstree" --holders "$(ns_ino $$ net)" 2>/dev/null | head -1 | tr -s ' ')" "... not applied to --holders' table"
is "$(NSPID_COLUMNS=PID,PPID "$BUILD/nspid" -n -r $$)" "$$ $PPID" "NSPID_COLUMNS=PID,PPID"
out=$(NSPID_COLUMNS=NOPE "$BUILD/nspid" $$ 2>&1 >/dev/null); rc=$?
like "$rc:$out" "^2:nspid: NSPID_COLUMNS: unknown column: NOPE" "... an unknown name: exit 2"
out=$(NSTOP_COLUMNS=NOPE "$BUILD/nstop" -b -n 1 2>&1 >/dev/null); rc=$?
like "$rc:$out" "^2:nstop: NSTOP_COLUMNS: unknown column: NOPE" "NSTOP_COLUMNS: an unknown name: exit 2"
hdr=$(NSTOP_COLUMNS=TYPE,NS "$BUILD/nstop" -b -n 1 2>/dev/null | grep -m1 -E '^ *TYPE +NS *$')
is "$(echo "$hdr" | tr -s ' ' | sed 's/^ //; s/ $//')" "TYPE NS" "NSTOP_COLUMNS=TYPE,NS: nstop -b's table has those columns"
done_testing

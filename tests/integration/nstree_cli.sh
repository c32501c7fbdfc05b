#!/usr/bin/env bash
# nstree's command line: help, version, bad arguments, exit codes, output
# formats, stdout errors, and a fixture /proc tree through --proc-root.
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree

out=$("$NSTREE" --help 2>"$T_TMP/err"); st=$?
is "$st" 0 "--help exits 0"
like "$out" '^Usage:' "--help on stdout"
like "$out" 'Available output columns:' "--help lists the columns"
for c in NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS NSID OUID LEVEL; do
	like "$out" "^ +$c  " "--help names column $c"
done
is "$(cat "$T_TMP/err")" "" "--help writes nothing on stderr"
is "$("$NSTREE" -V)" "nstree from nstools $(sed -n 's/^#define NSINFO_VERSION "\(.*\)"/\1/p' "$SRCDIR/libnsinfo/include/nsinfo.h")" "-V"

bad() { # bad EXIT-STATUS EXPECTED-FIRST-LINE ARGS...
	local code=$1 exp=$2; shift 2
	"$NSTREE" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	is "$?" "$code" "nstree $* exits $code"
	is "$(head -1 "$T_TMP/err")" "$exp" "nstree $*: message"
	is "$(wc -c <"$T_TMP/out")" 0 "nstree $*: nothing on stdout"
}
bad 2 "nstree: unrecognized option '--bogus'" --bogus
like "$(cat "$T_TMP/err")" "^Try 'nstree --help' for more information.$" "bad option: Try line"
is "$(wc -l <"$T_TMP/err")" 2 "bad option: exactly two lines"
bad 2 "nstree: unknown namespace type: foo" -t foo
bad 2 "nstree: unknown column: NOPE" -o NS,NOPE
bad 2 "nstree: invalid PID: 12x" -p 12x
bad 1 "nstree: 999999999: no such process" -p 999999999
bad 1 "nstree: 12: no such namespace or container" 12
bad 1 "nstree: id:77777777777: no such namespace or container" id:77777777777
bad 3 "nstree: cannot read /nonexistent$$: No such file or directory" --proc-root /nonexistent$$
bad 1 "nstree: /etc/hostname: not a namespace file" /etc/hostname
bad 1 "nstree: /nonexistent$$: No such file or directory" /nonexistent$$
bad 1 "nstree: no-such-container: no such namespace or container" no-such-container

# output formats on our own namespaces
self_net=$(ns_ino $$ net)
is "$("$NSTREE" -l -n -r -o NS,TYPE -t net -p $$ 2>/dev/null)" "$self_net net" "-l -n -r -o NS,TYPE"
like "$("$NSTREE" -l -o NS,TYPE -p $$ 2>/dev/null | head -1)" '^ +NS +TYPE$' "headings by default"
like "$("$NSTREE" -l -o +NSID -p $$ 2>/dev/null | head -1)" 'HOLDERS +COMMAND +NSID$' "-o +LIST appends"
is "$("$NSTREE" -l --output-all -p $$ 2>/dev/null | head -1 | wc -w)" 31 "--output-all: 31 columns"
cols=$("$NSTREE" -H -r -n | awk '{print $1}' | tr '\n' ' ')
is "$cols" "NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS NSID OUID LEVEL FLAGS HOLDERS CONTAINER RUNTIME CID IMAGE POD K8SNS HOSTNAME UIDMAP GIDMAP SETGROUPS NSUID NSGID TIMEOFFSETS " "-H lists the column table"
man_cols=$(sed -n '/^\.SH COLUMNS/,/^\.SH /{s/^\.B \([A-Z0-9]*\)$/\1/p}' "$SRCDIR/man/nstree.1" | tr '\n' ' ')
is "$man_cols" "$cols" "man page lists the columns of the column table"
like "$("$NSTREE" -H -J)" '"name": "NSID"' "-H -J"
"$NSTREE" -l -J -p $$ 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["namespaces"]) == 8'
ok $? "-J output is JSON with our 8 namespaces"
NO_COLOR= "$NSTREE" -p $$ >"$T_TMP/out" 2>/dev/null
unlike "$(cat "$T_TMP/out")" $'\e\\[' "no colour when stdout is not a terminal"

# stdout errors are failures; a closed pipe is not
"$NSTREE" -l >/dev/full 2>"$T_TMP/err"
is "$?" 3 "write error exits 3"
like "$(cat "$T_TMP/err")" '^nstree: write error' "write error is reported"
"$NSTREE" --output-all -P 2>"$T_TMP/err" | head -1 >/dev/null
st=${PIPESTATUS[0]}
ok "$([ "$st" = 0 ] || [ "$st" = 141 ]; echo $?)" "closed pipe (| head): success or SIGPIPE, as any filter ($st)"
unlike "$(cat "$T_TMP/err")" 'write error' "closed pipe: no write error message"

# a fixture tree: no ioctls possible, so everything is a root, detached
fx=$T_TMP/proc
mkdir -p "$fx/10/ns" "$fx/11/ns" "$fx/12"
for p in 10 11; do
	printf 'Name:\tfx%s\nState:\tS (sleeping)\nTgid:\t%s\nPid:\t%s\nPPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t%s\nThreads:\t1\n' \
		$p $p $p $p >"$fx/$p/status"
	for t in cgroup ipc mnt net pid time user uts; do
		i=$((4026531000 + ${#t}))
		[ $t = net ] && [ $p = 11 ] && i=4026539999
		ln -s "$t:[$i]" "$fx/$p/ns/$t"
	done
done
printf 'Name:\tdead\nState:\tZ (zombie)\n' >"$fx/12/status"
"$NSTREE" --proc-root "$fx" -l -r -n -o NS,TYPE,NPROCS,PID,FLAGS -t net >"$T_TMP/out" 2>"$T_TMP/err"
is "$?" 0 "--proc-root on a fixture"
is "$(cat "$T_TMP/out")" "$(printf '4026531003 net 1 10 detached\n4026539999 net 1 11 detached')" \
	"fixture: two nets, one process each, detached"
is "$(cat "$T_TMP/err")" "" "fixture: complete view, nothing on stderr"
is "$("$NSTREE" --proc-root "$fx" -r -n -o NS 4026539999)" "4026539999" "fixture: argument by inode"
# a process that exited while scanned (a directory without status): on a
# busy host some always do, and nothing alive is missing: no partial view
mkdir "$fx/13"
"$NSTREE" --proc-root "$fx" -l -r -n -o NS -t net >"$T_TMP/out" 2>"$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:" "fixture with a process gone while scanned: no partial-view line"
done_testing

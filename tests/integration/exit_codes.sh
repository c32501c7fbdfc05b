#!/usr/bin/env bash
# One exit status scheme for every tool (tools/common/exitcodes.h, each man
# page's EXIT STATUS): the same bad inputs through every tool that takes
# them, each answered with the documented code and one line on stderr
# (two for a usage error: the message and the Try line).
#   0 ok, 1 not found, 2 bad usage, 3 trouble; nsenter-lite 125 for its own
#   failures (an exec wrapper, like env(1))
source "$(dirname "$0")/../lib/lib.sh"
require_root "the unreadable-file cases drop to uid 65534"

NSTREE=$BUILD/nstree NSPID=$BUILD/nspid NSL=$BUILD/nsenter-lite
NSTOP=$BUILD/nstop NSTRACE=$BUILD/nstrace NSEXP=$BUILD/nsexporter

# check CODE EXPECTED-STDERR CMD...: the status and the whole of stderr;
# for code 2 the Try line of the tool is expected after the message
check() {
	local code=$1 msg=$2 err rc tool
	shift 2
	tool=$(basename "$1")
	[ "$code" = 2 ] && msg="$msg
Try '$tool --help' for more information."
	err=$("$@" 2>&1 >/dev/null </dev/null); rc=$?
	is "$rc" "$code" "$tool ${*:2}: exit $code"
	is "$err" "$msg" "$tool ${*:2}: one line"
}

# --------------------------------------------------------------- bad option
for t in "$NSTREE" "$NSPID" "$NSL" "$NSTOP" "$NSTRACE" "$NSEXP"; do
	check 2 "$(basename "$t"): unrecognized option '--bogus'" "$t" --bogus
done
check 2 "nstree: unrecognized option '--bogus'" "$NSTREE" --diff --bogus a b

# ------------------------------------------------------- non-numeric pid
check 2 "nstree: invalid PID: 12x" "$NSTREE" -p 12x
check 2 "nspid: 12x: invalid pid" "$NSPID" 12x
check 2 "nstop: invalid pid: '12x'" "$NSTOP" -b -n 1 -p 12x
check 2 "nstrace: invalid pid '12x'" "$NSTRACE" -p 12x
# nsenter-lite -t takes a container name too: a pid is what --pidns needs
check 2 "nsenter-lite: invalid pid '12x': with --pidns the target is a pid" \
	"$NSL" -N "pid:$$" -t 12x -u true
check 2 "nsenter-lite: invalid pid '0'" "$NSL" -t 0 -u true

# ------------------------------------------------------- a malformed number
check 2 "nstop: invalid delay: '1e3' (seconds, at most 86400)" "$NSTOP" -b -n 1 -d 1e3
check 2 "nstop: invalid number of iterations: '0' (1 or more)" "$NSTOP" -b -n 0
check 2 "nstrace: invalid duration: '-1' (seconds, at most 1e+09)" "$NSTRACE" -d -1
check 2 "nstrace: invalid nice value: '20' (-20 to 19)" "$NSTRACE" --nice 20
check 2 "nsexporter: invalid interval: '5s' (seconds, at most 86400)" "$NSEXP" --once --min-interval 5s
check 2 "nstree: invalid size: 99999999999999999999" "$NSTREE" --load-max 99999999999999999999
check 2 "nsenter-lite: invalid uid '-1': not a number" "$NSL" -t $$ -S -1 true

# ----------------------------------------------------------- a vanished pid
# (nsexporter names no process)
sleep 0 & GONE=$!
wait $GONE
n=0
while [ -e "/proc/$GONE" ] && [ $n -lt 100 ]; do sleep 0 & GONE=$!; wait $GONE; n=$((n + 1)); done
check 1 "nstree: $GONE: no such process" "$NSTREE" -p "$GONE"
check 1 "nspid: $GONE: no such process" "$NSPID" "$GONE"
check 1 "nstop: pid $GONE: No such process" "$NSTOP" -b -n 1 -E -p "$GONE"
check 125 "nsenter-lite: cannot open target $GONE: no such process" "$NSL" -t "$GONE" -u true
nstrace_probe; probe=$?
if [ "$probe" = 0 ]; then
	check 1 "nstrace: process $GONE: No such process" "$NSTRACE" -p "$GONE"
elif [ "$probe" = 1 ]; then
	skip "[bpf] nstrace -p of a vanished pid: the BPF event source is unavailable: $NSTRACE_WHY"
else
	fail "nstrace -- true traces, or says in one line why it cannot" || diag "$NSTRACE_WHY"
fi

# ------------------------------------------------------------ unknown type
# (nspid and nsenter-lite take no type option)
check 2 "nstree: unknown namespace type: foo" "$NSTREE" -t foo
check 2 "nstop: unknown namespace type: 'foo'" "$NSTOP" -b -n 1 -t foo
check 2 "nstrace: unknown namespace type 'foo'" "$NSTRACE" -t foo
# the tools without a type option refuse an unknown word the same way
check 2 "nstree: unknown source: foo" "$NSTREE" --source foo
check 2 "nsexporter: unknown source: foo (auto, bpf or proc)" "$NSEXP" --source foo

# ---------------------------------------------------------- unreadable file
# (nstop reads no file; nstrace's file is its output, nsexporter's its
# textfile directory: both as unwritable)
F=$T_TMP/unreadable.$$
echo '{}' >"$F"
chmod 000 "$F"
D=$T_TMP/ro.$$
mkdir -p "$D"
chmod 755 "$T_TMP" "$D"
on_exit "chmod 700 '$T_TMP'"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if ! command -v setpriv >/dev/null; then
	skip "[tool] setpriv (util-linux) is missing: no unreadable-file cases"
else
	check 3 "nstree: cannot load $F: Permission denied" nobody "$NSTREE" --load "$F"
	check 3 "nstree: cannot load $F: Permission denied" nobody "$NSTREE" --diff "$F" live
	check 3 "nspid: $F: permission denied" nobody "$NSPID" -N "$F" 1
	check 125 "nsenter-lite: $F: permission denied" nobody "$NSL" --net="$F" true
	check 3 "nstrace: cannot open $F: Permission denied" nobody "$NSTRACE" -o "$F" -- true
	check 3 "nsexporter: cannot write $D/nsexporter.prom: Permission denied" \
		nobody "$NSEXP" --textfile "$D" --proc-root "$D"
fi

done_testing

# Shell test library: TAP output, assertions, and cleanup of everything a
# test creates (processes, namespaces, bind mounts). Source it first.
# Environment: BUILD (build dir, absolute), set by tests/run.sh.
set -u
: "${BUILD:?BUILD must be set (tests/run.sh sets it)}"
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HELPERS=$BUILD/tests/helpers
T_COUNT=0
T_FAILED=0
T_CLEANUP=()
T_TMP=$(mktemp -d /tmp/nstools-test.XXXXXX)

ok() { # ok COND-STATUS NAME: pass if status 0
	local st=$1; shift
	T_COUNT=$((T_COUNT + 1))
	if [ "$st" -eq 0 ]; then echo "ok $T_COUNT - $*"
	else echo "not ok $T_COUNT - $*"; T_FAILED=$((T_FAILED + 1)); fi
	return "$st"
}
pass() { ok 0 "$@"; }
fail() { ok 1 "$@" || true; }
is() { # is GOT EXPECTED NAME
	local got=$1 exp=$2; shift 2
	if [ "$got" = "$exp" ]; then ok 0 "$@"
	else ok 1 "$@" || true; printf '#   got:      %s\n#   expected: %s\n' "$got" "$exp"; return 1; fi
}
like() { # like GOT REGEX NAME
	local got=$1 re=$2; shift 2
	if printf '%s' "$got" | grep -Eq -- "$re"; then ok 0 "$@"
	else ok 1 "$@" || true; printf '#   got: %s\n#   does not match: %s\n' "$got" "$re" | head -20; return 1; fi
}
unlike() {
	local got=$1 re=$2; shift 2
	if ! printf '%s' "$got" | grep -Eq -- "$re"; then ok 0 "$@"
	else ok 1 "$@" || true; printf '#   got: %s\n#   matches: %s\n' "$got" "$re" | head -20; return 1; fi
}
# skip "[reason] why": the reason is one of tests/run.sh's list ([root], [bpf]...)
skip() { T_COUNT=$((T_COUNT + 1)); echo "ok $T_COUNT # SKIP $*"; }
# require_root WHY: the whole test needs root; skip it (and exit) otherwise
require_root() {
	[ "$(id -u)" = 0 ] && return 0
	skip "[root] not root: $*"; done_testing; exit
}
diag() { printf '# %s\n' "$*"; }

# Run cleanup commands in reverse order at exit, whatever happens.
on_exit() { T_CLEANUP+=("$*"); }
t_cleanup() {
	local i p
	# groups started by bg_start inside $(...), where on_exit cannot reach
	for p in $(cat "$T_TMP/bg.pids" 2>/dev/null); do
		kill -KILL -- "-$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null
	done
	for ((i=${#T_CLEANUP[@]}-1; i>=0; i--)); do eval "${T_CLEANUP[$i]}" >/dev/null 2>&1 || true; done
	rm -rf "$T_TMP"
}
done_testing() {
	echo "1..$T_COUNT"
	[ "$T_FAILED" -eq 0 ]
}
trap t_cleanup EXIT

# Start a command in the background, killed (with its process group) at exit.
# Prints its pid. Usage: pid=$(bg_start cmd args...)
bg_start() {
	setsid "$@" </dev/null >/dev/null 2>&1 &
	local p=$!
	on_exit "kill -KILL -- -$p 2>/dev/null; kill -KILL $p 2>/dev/null"
	# pid=$(bg_start ...) runs in a subshell: on_exit above is lost there,
	# so the pid is also recorded in a file that t_cleanup reads
	echo "$p" >>"$T_TMP/bg.pids"
	echo "$p"
}

# Wait until a file exists (a helper says it is ready): wait_for FILE [SECONDS]
wait_for() {
	local f=$1 n=$(( ${2:-10} * 20 ))
	while [ ! -e "$f" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
	[ -e "$f" ]
}

# Namespace inode of a process: ns_ino PID TYPE
ns_ino() { stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }

# nstrace_probe: can nstrace trace here? Runs "nstrace -- true" (loads and
# attaches the probe, traces a command, exits with its status). Returns
#   0  it can;
#   1  it cannot, for a reason that is this host's (its one line in
#      NSTRACE_WHY: built without BPF, no BTF, not root, lockdown, the
#      probe refused by this kernel): the caller skips with "[bpf] ...";
#   2  it failed otherwise (a sanitizer report, a signal, another status or
#      message: what the caller tests would fail on too): NSTRACE_WHY holds
#      the exit status and output, the caller fails.
# A load refused for a passing reason (EAGAIN, EBUSY, EINTR, or ENOMEM: the
# kernel's memory on a busy host) is tried again, up to 3 times.
nstrace_probe() {
	local try rc err transient='cannot load the BPF probe: (Resource temporarily unavailable|Device or resource busy|Interrupted system call|Cannot allocate memory)'
	for try in 1 2 3; do
		err=$("$BUILD/nstrace" -- true 2>&1 >/dev/null); rc=$?
		NSTRACE_WHY="exit $rc: $(printf '%s' "$err" | head -c 2000)"
		if [ "$rc" = 0 ]; then
			# its one line on stderr and nothing else (no sanitizer report)
			[[ $err =~ ^nstrace:\ [0-9]+\ events,\ [0-9]+\ lost$ ]] && return 0
			return 2
		fi
		[ "$rc" = 3 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || return 2
		NSTRACE_WHY=${err#nstrace: }
		[[ $err =~ ^nstrace:\ ($transient) ]] && continue
		[[ $err =~ ^nstrace:\ (nstools\ was\ built\ without\ BPF|the\ kernel\ has\ no\ BTF|loading\ the\ BPF\ probe\ needs\ root|kernel\ lockdown|cannot\ load\ the\ BPF\ probe:\ ) ]] &&
			return 1
		NSTRACE_WHY="exit $rc: $err"
		return 2
	done
	NSTRACE_WHY="$NSTRACE_WHY (3 tries)"
	return 1
}

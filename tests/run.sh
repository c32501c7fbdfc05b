#!/usr/bin/env bash
# Run every test against one or more build directories and print one summary.
#   tests/run.sh BUILD [BUILD...]
# Tests: BUILD/tests/unit/* (C, TAP) and tests/integration/*.sh (bash, TAP).
#
# Each test prints TAP: "ok N - name", "not ok N - name", and
# "ok N # SKIP [reason] why" for a check it cannot make here. The reason in
# brackets is one of
#   [root]    needs root (or a capability root has)
#   [userns]  needs user namespaces, refused here (sysctl, chroot, policy)
#   [bpf]     needs BPF programs (iterator, tracepoints, ring buffer)
#   [kernel]  needs a kernel feature this kernel lacks
#   [cgroup]  needs a writable cgroup2 hierarchy
#   [engine]  needs a container engine's files or commands
#   [tool]    needs a command that is not installed
#   [host]    the host's state makes the check meaningless this time
#   [sanitizer] the ASan/UBSan build cannot make this check (its runtime
#             needs what the test takes away, e.g. /proc/self)
# A test runs for at most TEST_TIMEOUT seconds (600), or for longer if it
# says so in its first lines ("# timeout: SECONDS why"): a test whose every
# case scans the whole host needs more on a loaded one.
# NSTOOLS_REQUIRE=root,bpf (a comma list of reasons, or "all") turns a skip
# for those reasons into a failure; with NSTOOLS_REQUIRE set, a skip
# without a reason is a failure too.
#
# Counts: "ok" passes, "not ok" fails, "# SKIP" is skipped (never a pass).
# The plan "1..N" must be printed once and match the results: a missing,
# duplicated or out-of-order result, a missing plan, a non-zero exit without
# a failing line, or a timeout is one more failure. A failing test's whole
# output is shown. The last line is "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
TIMEOUT=${TEST_TIMEOUT:-600}
FILTER=${TESTS:-}
REQUIRE=${NSTOOLS_REQUIRE:-}
passed=0 failed=0 skipped=0
failures=()

# required REASON: is a skip for REASON a failure here?
required() {
	[ -n "$REQUIRE" ] || return 1
	[ -n "$1" ] || return 0
	[[ ",$REQUIRE," == *",all,"* || ",$REQUIRE," == *",$1,"* ]]
}

# check_tap LOG: count results, check the plan; prints "P F S" and appends
# the runner's own "not ok" lines to LOG.
check_tap() {
	local log=$1 line n=0 p=0 f=0 s=0 plan="" plans=0 num reason problems=()

	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ ([0-9]+)(\ |$) ]]; then
			num=${BASH_REMATCH[2]}
			n=$((n + 1))
			[ "$num" -eq "$n" ] ||
				problems+=("result $num out of order (expected $n)")
			if [ -n "${BASH_REMATCH[1]}" ]; then
				f=$((f + 1))
			elif [[ $line =~ ^ok\ [0-9]+\ #\ SKIP ]]; then
				reason=""
				[[ $line =~ ^ok\ [0-9]+\ #\ SKIP\ \[([a-z]+)\] ]] && reason=${BASH_REMATCH[1]}
				if required "$reason"; then
					problems+=("skip $num is for a required reason (NSTOOLS_REQUIRE=$REQUIRE): ${reason:-no reason given}")
				else
					s=$((s + 1))
				fi
			else
				p=$((p + 1))
			fi
		elif [[ $line =~ ^1\.\.([0-9]+)( |$) ]]; then
			plan=${BASH_REMATCH[1]}
			plans=$((plans + 1))
		fi
	done <"$log"
	if [ "$plans" -eq 0 ]; then
		problems+=("no plan (1..N): the test did not finish")
	elif [ "$plans" -gt 1 ]; then
		problems+=("$plans plans")
	elif [ "$plan" -ne "$n" ]; then
		problems+=("plan 1..$plan but $n results")
	fi
	for line in "${problems[@]}"; do
		echo "not ok - runner: $line" >>"$log"
		f=$((f + 1))
	done
	echo "$p $f $s"
}

# timeout_of FILE: the longer of TEST_TIMEOUT and the file's own "# timeout: N"
timeout_of() {
	local t
	t=$(head -20 "$1" 2>/dev/null | sed -n 's/^# timeout: \([0-9][0-9]*\)\([^0-9].*\)\{0,1\}$/\1/p' | head -1)
	if [ -n "$t" ] && [ "$t" -gt "$TIMEOUT" ]; then echo "$t"; else echo "$TIMEOUT"; fi
}

run_one() { # run_one LABEL BUILD TIMEOUT CMD...
	local label=$1 build=$2 limit=$3; shift 3
	local log rc p f s
	log=$(mktemp)
	BUILD=$build ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		timeout -k 10 "$limit" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	read -r p f s < <(check_tap "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		if [ "$rc" -eq 124 ]; then
			echo "not ok - runner: $label timed out after ${limit}s" >>"$log"
		else
			echo "not ok - runner: $label exited with status $rc" >>"$log"
		fi
	elif [ "$rc" -eq 124 ]; then
		echo "not ok - runner: $label timed out after ${limit}s" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %-50s %d passed, %d failed, %d skipped\n' "$label" "$p" "$f" "$s"
		sed 's/^/    | /' "$log"
		failures+=("$label")
	else
		printf 'PASS %-50s %d passed, %d skipped\n' "$label" "$p" "$s"
		grep -E '^ok [0-9]+ # SKIP' "$log" | sed 's/^/    | /'
	fi
	rm -f "$log"
}

[ $# -ge 1 ] || { echo "usage: tests/run.sh BUILD [BUILD...]" >&2; exit 2; }
[ -n "$REQUIRE" ] && echo "== skips for these reasons fail: $REQUIRE"
for build in "$@"; do
	abs=$(cd "$build" && pwd)
	echo "== tests against $build"
	for t in "$abs"/tests/unit/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		[ -n "$FILTER" ] && [[ ! ${t##*/} =~ $FILTER ]] && continue
		run_one "$build: unit/${t##*/}" "$abs" "$TIMEOUT" "$t"
	done
	for t in tests/integration/*.sh; do
		[ -e "$t" ] || continue
		[ -n "$FILTER" ] && [[ ! ${t##*/} =~ $FILTER ]] && continue
		run_one "$build: integration/${t##*/}" "$abs" "$(timeout_of "$t")" bash "$t"
	done
done
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"; printf '  %s\n' "${failures[@]}"
fi
[ "$passed" -gt 0 ] || [ "$failed" -gt 0 ] || { echo "no test ran"; failed=1; }
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

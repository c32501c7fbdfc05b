#!/usr/bin/env bash
# Run every test against one or more build directories and print one summary.
#   tests/run.sh BUILD [BUILD...]
# Tests: BUILD/tests/unit/* (C, TAP) and tests/integration/*.sh (bash, TAP).
# Counts: each "ok" line passes, each "not ok" fails, "# SKIP" is skipped;
# a test that exits non-zero without a failing line, or times out, is one
# failure. The last line is "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
TIMEOUT=${TEST_TIMEOUT:-600}
FILTER=${TESTS:-}
passed=0 failed=0 skipped=0
failures=()

run_one() { # run_one LABEL BUILD CMD...
	local label=$1 build=$2; shift 2
	local log rc p f s
	log=$(mktemp)
	BUILD=$build ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		timeout -k 10 "$TIMEOUT" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -cE '^ok [0-9]+( |$)' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+ # SKIP' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		[ "$rc" -eq 124 ] && echo "not ok - $label timed out after ${TIMEOUT}s" >>"$log" ||
			echo "not ok - $label exited with status $rc" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %-50s %d passed, %d failed, %d skipped\n' "$label" "$p" "$f" "$s"
		sed 's/^/    | /' "$log" | tail -60
		failures+=("$label")
	else
		printf 'PASS %-50s %d passed, %d skipped\n' "$label" "$p" "$s"
		grep -E '^ok [0-9]+ # SKIP' "$log" | sed 's/^/    | /'
	fi
	rm -f "$log"
}

[ $# -ge 1 ] || { echo "usage: tests/run.sh BUILD [BUILD...]" >&2; exit 2; }
for build in "$@"; do
	abs=$(cd "$build" && pwd)
	echo "== tests against $build"
	for t in "$abs"/tests/unit/*; do
		[ -x "$t" ] || continue
		[ -n "$FILTER" ] && [[ ! ${t##*/} =~ $FILTER ]] && continue
		run_one "$build: unit/${t##*/}" "$abs" "$t"
	done
	for t in tests/integration/*.sh; do
		[ -e "$t" ] || continue
		[ -n "$FILTER" ] && [[ ! ${t##*/} =~ $FILTER ]] && continue
		run_one "$build: integration/${t##*/}" "$abs" bash "$t"
	done
done
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"; printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

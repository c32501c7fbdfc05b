#!/usr/bin/env bash
# Run each libFuzzer harness for a while and keep what it found (make fuzz).
#   tests/fuzz/run.sh BINDIR SECONDS REGEX NAME...
# Each harness BINDIR/fuzz_NAME starts from tests/fuzz/corpus/NAME/ (and
# tests/fuzz/NAME.dict when there is one), writes new inputs to a scratch
# directory, and libFuzzer's -merge=1 then rewrites the checked-in corpus
# as the smallest set of old and new inputs reaching all the code reached.
# A crash is copied into the corpus as crash-* (or leak-, timeout-, oom-),
# kept from then on so that `make check` replays it, and fails the run
# after the others.
# One line per harness: runs, exec/s, corpus size, crashes.
set -u
cd "$(dirname "$0")/../.."
bindir=$1 seconds=$2 filter=$3
shift 3
crashed=()
printf '%-14s %6s %10s %8s %8s %s\n' HARNESS CPU-S RUNS EXEC/S CORPUS RESULT
for name in "$@"; do
	[ -n "$filter" ] && [[ ! $name =~ $filter ]] && continue
	bin=$bindir/fuzz_$name corpus=tests/fuzz/corpus/$name
	work=$bindir/work-$name log=$bindir/fuzz-$name.log
	crashes=$bindir/crashes/$name
	rm -rf "$work" "$crashes"
	mkdir -p "$work" "$corpus" "$crashes"
	dict=()
	[ -e "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
	maxlen=4096
	[ "$name" = snapshot_json ] && maxlen=65536
	# a bbolt file is pages of 512 bytes and more: room for a few of 4096
	[ "$name" = bolt ] && maxlen=32768
	# CPU seconds as well as wall time: the host may be shared
	/usr/bin/time -f '%U %S' -o "$bindir/cpu-$name" \
	"$bin" -max_total_time="$seconds" -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" \
		"$work" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { printf "%.0f", $1 + $2 }' "$bindir/cpu-$name" 2>/dev/null)
	result=ok
	if [ "$rc" -ne 0 ]; then
		result="FAILED (rc $rc), see $log"
		for c in "$crashes"/*; do
			[ -e "$c" ] && cp "$c" "$corpus/" && result="$result; kept ${c##*/}"
		done
		crashed+=("$name")
	fi
	# minimised: the inputs (old and new) that together reach all the
	# code reached; inputs that once crashed stay as they are
	rm -rf "$work.min"
	mkdir -p "$work.min"
	if "$bin" -merge=1 -max_len=$maxlen "$work.min" "$corpus" "$work" >>"$log" 2>&1; then
		find "$corpus" -type f ! -name 'crash-*' ! -name 'leak-*' ! -name 'timeout-*' \
			! -name 'oom-*' -delete
		cp -n "$work.min"/* "$corpus/" 2>/dev/null
	else
		result="$result (merge failed, see $log)"
	fi
	printf '%-14s %6s %10s %8s %8s %s\n' "$name" "${cpu:-?}" "${runs:-?}" "${eps:-?}" \
		"$(find "$corpus" -type f | wc -l)" "$result"
done
if [ ${#crashed[@]} -gt 0 ]; then
	echo "crashes in: ${crashed[*]} (inputs kept in tests/fuzz/corpus/)" >&2
	exit 1
fi

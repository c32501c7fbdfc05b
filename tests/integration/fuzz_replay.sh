#!/usr/bin/env bash
# The checked-in fuzz corpus (tests/fuzz/corpus/NAME/) replayed through
# every harness, built without libFuzzer by `make tests` (in the ASan build
# with ASan and UBSan): every input that ever crashed a parser, and the
# inputs reaching each code path the fuzzer found, stay harmless. One
# test per harness; a failure names the input that broke it.
source "$(dirname "$0")/../lib/lib.sh"

for dir in "$SRCDIR"/tests/fuzz/corpus/*/; do
	name=$(basename "$dir")
	bin=$BUILD/tests/fuzz/replay_$name
	if [ ! -x "$bin" ]; then
		fail "$name: replay binary $bin (make tests builds it)"
		continue
	fi
	files=$(find "$dir" -type f | wc -l)
	"$bin" "$dir" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -qx "replayed $files files" "$T_TMP/out"; then
		pass "$name: $files corpus inputs replayed, no crash, no sanitizer report"
	else
		fail "$name: replay exited $rc at $(grep '^# ' "$T_TMP/err" | tail -1 | cut -c3-)"
		grep -v '^# ' "$T_TMP/err" | head -40 | sed 's/^/#   /'
	fi
done
ok $([ -n "$(ls "$SRCDIR"/tests/fuzz/corpus/ 2>/dev/null)" ]; echo $?) "(a corpus is checked in)"

# the snapshots through the tool too: each view of nstree --load shows a
# corpus file (exit 0) or refuses it (exit 3, an unreadable snapshot; 1
# where what a view asks for is not in it), never crashes. A sanitizer
# report exits 99 here, not its default 1.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=99"
n=0 crashed=()
for f in "$SRCDIR"/tests/fuzz/corpus/snapshot_json/*; do
	for view in "" "-l" "-l -P" "-J" "-l -o NS,TYPE,HOLDERS,CONTAINER,HOSTNAME,COMMAND"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		"$BUILD/nstree" --load "$f" $view >/dev/null 2>"$T_TMP/err"
		rc=$?
		[ "$rc" -le 1 ] || [ "$rc" -eq 3 ] || crashed+=("${f##*/} [$view]: exit $rc")
	done
done
is "${crashed[*]:-}" "" "nstree --load: $n views of the snapshot corpus shown or refused, none crashed"

done_testing

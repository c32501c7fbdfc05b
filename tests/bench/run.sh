#!/usr/bin/env bash
# make bench: run every tests/bench/bench_*.sh in turn (BENCH='regex' to
# choose). Each prints its own side-by-side figures (medians and ratios).
set -u
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: tests/bench/run.sh BUILD" >&2; exit 2; }
BUILD=$(cd "$1" && pwd); export BUILD
rc=0
for b in tests/bench/bench_*.sh; do
	[ -e "$b" ] || continue
	[ -n "${BENCH:-}" ] && [[ ! ${b##*/} =~ $BENCH ]] && continue
	echo "=== ${b##*/}"
	bash "$b" || { echo "bench ${b##*/} failed (status $?)"; rc=1; }
done
exit $rc

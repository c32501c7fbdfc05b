#!/usr/bin/env bash
# Run every benchmark: tests/bench/run.sh BUILD. Each tests/bench/bench_*.sh
# prints its own figures; a failing benchmark makes the run fail.
set -u
cd "$(dirname "$0")/../.."
[ $# -eq 1 ] || { echo "usage: tests/bench/run.sh BUILD" >&2; exit 2; }
BUILD=$(cd "$1" && pwd); export BUILD
rc=0
for b in tests/bench/bench_*.sh; do
	[ -e "$b" ] || continue
	echo "== ${b##*/}"
	bash "$b" || { echo "FAILED: ${b##*/}"; rc=1; }
done
exit $rc

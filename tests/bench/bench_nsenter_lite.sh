#!/usr/bin/env bash
# Cost of entering a target: nsenter-lite (pidfd, one setns; and one fd at a
# time; and through a pid translated from the target's pid namespace)
# against util-linux nsenter, same target, same namespaces, command `true`. Needs hyperfine and the test helpers (make tests).
#   BUILD=build bash tests/bench/bench_nsenter_lite.sh
set -u
: "${BUILD:?BUILD must be set}"
BUILD=$(cd "$BUILD" && pwd)
NSL=$BUILD/nsenter-lite
H=$BUILD/tests/helpers
command -v hyperfine >/dev/null || { echo "hyperfine is not installed"; exit 1; }
[ -x "$H/nsenter_target" ] || { echo "run make tests first"; exit 1; }

dir=$(mktemp -d /tmp/nstools-bench.XXXXXX)
"$H/nsenter_target" "$dir" bench uts,ipc,net,pid,mnt,cgroup </dev/null >/dev/null 2>&1 &
helper=$!
trap 'kill -TERM $helper; wait $helper; rm -rf "$dir"' EXIT
n=200; while [ ! -e "$dir/ready" ] || [ ! -e "$dir/pid" ]; do
	sleep 0.05; n=$((n - 1)); [ $n -gt 0 ] || { echo "target did not start"; exit 1; }
done
T=$(cat "$dir/pid")

hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$dir/r.json" \
	-n "nsenter-lite -a (pidfd)" "$NSL -t $T -a true" \
	-n "nsenter-lite -a (fds)" "$H/nsenter_oldkernel --no-pidfd -- $NSL -t $T -a true" \
	-n "nsenter -a" "nsenter -t $T -a true" \
	-n "nsenter-lite -N -t 1 -n" "$NSL -N pid:$T -t 1 -n true" \
	-n "nsenter-lite -n" "$NSL -t $T -n true" \
	-n "nsenter -n" "nsenter -t $T -n true" >/dev/null 2>"$dir/warnings"
python3 - "$dir/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print(f'{x["command"]:<26} median {x["median"]*1e3:7.3f} ms  mean {x["mean"]*1e3:7.3f} ms  ± {x["stddev"]*1e3:.3f}')
PY

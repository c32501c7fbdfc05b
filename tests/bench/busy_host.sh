#!/usr/bin/env bash
# Make the host look like a busy container host, run a command, tear it all
# down. Not part of make check or make bench: for finding tests that only
# pass on a quiet machine.
#
#   tests/bench/busy_host.sh [-p NPROCS] [-s NSETS] [-c HOGS] [-b BUILD] -- CMD...
#   tests/bench/busy_host.sh -- env TESTS='nstree' tests/run.sh build
#
# What it starts (as root), all removed at exit:
#   - NPROCS (3000) sleeping processes in NSETS (300) container-like
#     namespace sets (tests/helpers/population: pid, mnt, net, uts, ipc,
#     cgroup; some with user and nested pid namespaces);
#   - 4 named netns (ip netns add: bind mounts under /run/netns, propagated
#     into every mount namespace that shares /run), and 4 mount namespaces
#     each holding a netns bind-mounted at a private path;
#   - processes with hostile names (escape sequences, newline, invalid
#     UTF-8, a bidi override) and a uts namespace with a hostile hostname;
#   - HOGS (28) CPU-bound loops at nice 19, so the load average nears 30.
set -u
cd "$(dirname "$0")/../.."
NPROCS=3000 NSETS=300 HOGS=28 BUILD=build
while getopts p:s:c:b: o; do
	case $o in
	p) NPROCS=$OPTARG ;; s) NSETS=$OPTARG ;; c) HOGS=$OPTARG ;; b) BUILD=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -ge 1 ] || { echo "usage: $0 [-p NPROCS] [-s NSETS] [-c HOGS] [-b BUILD] -- CMD..." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "busy_host: needs root (namespaces, ip netns)" >&2; exit 1; }
POP=$BUILD/tests/helpers/population
[ -x "$POP" ] || { echo "busy_host: $POP missing: run make tests" >&2; exit 1; }

TAG=busy$$
DIR=$(mktemp -d /tmp/nstools-busy.XXXXXX)
PIDS=()
NETNS=()
cleanup() {
	local p n
	for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null
	done
	for n in "${NETNS[@]}"; do ip netns delete "$n" 2>/dev/null; done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for FILE SECONDS
wait_for() {
	local n=$(($2 * 10))
	while [ ! -s "$1" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	[ -s "$1" ]
}

# each background job in its own process group, killed as a group
start() { setsid "$@" </dev/null >/dev/null 2>&1 & PIDS+=($!); }

echo "busy_host: $NPROCS processes in $NSETS namespace sets"
start "$POP" "$NPROCS" "$NSETS" "$DIR/pop.ready"
wait_for "$DIR/pop.ready" 300 || { echo "busy_host: population did not come up" >&2; exit 1; }

echo "busy_host: named netns and netns bind-mounted in other mount namespaces"
for i in 1 2 3 4; do
	ip netns add "$TAG-$i" && NETNS+=("$TAG-$i")
	# a mount namespace that sees /run/netns (propagated) and holds one
	# more netns at a path of its own
	start unshare -m --propagation slave sh -c "
		unshare -n sleep infinity & p=\$!
		while [ \"\$(readlink /proc/\$p/ns/net)\" = \"\$(readlink /proc/self/ns/net)\" ]; do sleep 0.05; done
		mkdir -p $DIR/mnt$i && touch $DIR/mnt$i/net &&
		mount --bind /proc/\$p/ns/net $DIR/mnt$i/net && echo up >$DIR/mnt$i.ready
		exec sleep infinity"
done
for i in 1 2 3 4; do wait_for "$DIR/mnt$i.ready" 30 || echo "busy_host: mount namespace $i not up" >&2; done

echo "busy_host: hostile names"
names=($'\033]0;pwn\007\033[2J\xff\n' $'a\nb' $'\xc3\x28\xa0\xa1' $'\xe2\x80\xaeevil' $'\x9b\x9c1m' '')
i=0
for n in "${names[@]}"; do
	# comm through prctl(PR_SET_NAME), argv[1] the same bytes
	i=$((i + 1))
	start python3 -c 'import ctypes, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode("utf-8", "surrogateescape"))
open(sys.argv[2], "w").write("up")
time.sleep(1e9)' "$n" "$DIR/name$i.ready"
done
for ((; i > 0; i--)); do wait_for "$DIR/name$i.ready" 30 || echo "busy_host: hostile name $i not up" >&2; done
start unshare -u sh -c "hostname \"\$(printf 'h\\033[2J\\nx')\" 2>/dev/null || hostname hostile; exec sleep infinity"

echo "busy_host: $HOGS CPU hogs at nice 19"
for _ in $(seq "$HOGS"); do start nice -n 19 sh -c 'while :; do :; done'; done

echo "busy_host: $(ps -e --no-headers | wc -l) processes; load $(cut -d' ' -f1-3 /proc/loadavg); running: $*"
"$@"
rc=$?
echo "busy_host: done (status $rc); load $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc

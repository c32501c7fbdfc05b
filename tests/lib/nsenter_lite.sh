# Shared by the nsenter-lite tests (source after lib.sh): targets the test
# creates itself, and the ground truth to compare against.
NSL=$BUILD/nsenter-lite
# the test build: NSL with tests/hooks linked in (NSENTER_LITE_TEST_*)
NSL_TEST=$BUILD/tests/nsenter-lite
require_root "the targets unshare every namespace type"

# Namespace types this kernel has, in /proc/self/ns order.
NSL_TYPES=""
for t in cgroup ipc mnt net pid time user uts; do
	[ -e /proc/self/ns/$t ] && NSL_TYPES="$NSL_TYPES $t"
done
NSL_TYPES=${NSL_TYPES# }

# What the command inside prints: "type inode" of its own namespaces.
NSL_SHOW_NS='for t in '"$NSL_TYPES"'; do echo "$t $(stat -L -c %i /proc/self/ns/$t)"; done'

# start_target NAME HOSTNAME TYPES [PREFIX...]: start tests/helpers/nsenter_target
# in new TYPES namespaces (optionally under PREFIX, e.g. setpriv). Sets
# TGT (its pid, as fork() returned it), TGT_DIR (its ground truth files)
# and TGT_LAUNCHER (the pid of what was started: PREFIX or the helper).
start_target() {
	local name=$1 host=$2 types=$3 p
	shift 3
	TGT_DIR=$T_TMP/$name
	mkdir -p "$TGT_DIR" && chmod 777 "$TGT_DIR" && chmod 755 "$T_TMP"
	"$@" "$HELPERS/nsenter_target" "$TGT_DIR" "$host" "$types" </dev/null >"$TGT_DIR/log" 2>&1 &
	p=$!
	TGT_LAUNCHER=$p
	on_exit "kill -TERM $p; wait $p"
	if ! wait_for "$TGT_DIR/ready" || ! wait_for "$TGT_DIR/pid"; then
		diag "target $name did not start: $(cat "$TGT_DIR/log")"
		return 1
	fi
	TGT=$(cat "$TGT_DIR/pid")
}

# target_ns DIR TYPE: inode the target read from its own /proc/self/ns
target_ns() { awk -v t="$2" '$1 == t { print $2 }' "$1/ns"; }

# expected_ns DIR "TYPES JOINED": the target's inode for joined types, ours
# (this shell's, whose child nsenter-lite is) for the rest.
expected_ns() {
	local dir=$1 joined=" $2 " t
	for t in $NSL_TYPES; do
		if [[ $joined == *" $t "* ]]; then echo "$t $(target_ns "$dir" $t)"
		else echo "$t $(stat -L -c %i /proc/$$/ns/$t)"; fi
	done
}

# Wait until process $1 is gone or a zombie: it no longer has namespaces.
wait_dead() {
	local n=200
	while [ $n -gt 0 ] && [ -e /proc/$1 ] && ! grep -q '^State:.*Z' /proc/$1/status 2>/dev/null; do
		sleep 0.05; n=$((n - 1))
	done
	[ $n -gt 0 ]
}

# Wait until process $1 is stopped (T).
wait_stopped() {
	local n=200
	while [ $n -gt 0 ] && ! grep -q '^State:.*T' /proc/$1/status 2>/dev/null; do
		sleep 0.05; n=$((n - 1))
	done
	[ $n -gt 0 ]
}

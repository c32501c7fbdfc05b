#!/usr/bin/env bash
# /proc mounted with hidepid= (a private instance over /proc, in a mount
# namespace of this test): an unprivileged nstree says what it cannot see
# on stderr (exit 0, its own processes still listed), and nstree and nspid
# word a hidden or unreadable pid 1 the same way. Root, a member of the
# gid= group, or hidepid=0 get no hidepid note.
source "$(dirname "$0")/../lib/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
   ! unshare -m --propagation private true 2>/dev/null; then
	skip "[root] needs root, setpriv and mount namespaces"
	done_testing
	exit 0
fi
U=65534
# a namespace bind-mounted where the user cannot reach (a 0700 directory, as
# engines keep theirs): that is the user's view, not a path refused
priv=$T_TMP/private
mkdir -m 700 "$priv" && touch "$priv/net" && unshare --net="$priv/net" true &&
	on_exit "umount '$priv/net'" || diag "no private bind mount"
# a process of the unprivileged user: hidepid never hides one's own
mine=$(bg_start setpriv --reuid=$U --regid=$U --clear-groups sleep 300)
n=100
while [ "$(stat -c %u "/proc/$mine" 2>/dev/null)" != $U ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done

# run CMD... in a mount namespace whose /proc has OPTS, as USER (root or U);
# stdout to $T_TMP/out, stderr to $T_TMP/err, the status echoed
with_proc() { # with_proc OPTS USER CMD...
	local opts=$1 who=$2; shift 2
	local as=()
	[ "$who" = root ] || as=(setpriv --reuid="$who" --regid="$who" --clear-groups)
	unshare -m --propagation private sh -c 'o=$1; shift; mount -t proc -o "$o" proc /proc && exec "$@"' \
		sh "$opts" "${as[@]}" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	echo $?
}

rc=$(with_proc hidepid=2 $U "$BUILD/nstree" -P -r -n -o PID)
is "$rc" 0 "hidepid=2, unprivileged: nstree exits 0"
like "$(cat "$T_TMP/err")" "^nstree: partial view: /proc is mounted hidepid=invisible: other users' processes are not listed$" \
	"hidepid=2: one line says other users' processes are not listed"
grep -qx " *$mine" "$T_TMP/out" && pass "hidepid=2: the user's own process is listed" ||
	fail "hidepid=2: the user's own process $mine is missing"
grep -qx " *1" "$T_TMP/out" && fail "hidepid=2: pid 1 listed" || pass "hidepid=2: pid 1 (root's) is not listed"

rc=$(with_proc hidepid=2 $U "$BUILD/nstree" -p 1)
is "$rc.$(cat "$T_TMP/err")" "1.nstree: 1: no such process" "hidepid=2: nstree -p 1, as the user sees it"
rc=$(with_proc hidepid=2 $U "$BUILD/nspid" 1)
is "$rc.$(cat "$T_TMP/err")" "1.nspid: 1: no such process" "hidepid=2: nspid 1, the same words"

rc=$(with_proc hidepid=1 $U "$BUILD/nstree" -l)
is "$rc" 0 "hidepid=1, unprivileged: nstree exits 0"
like "$(cat "$T_TMP/err")" "^nstree: partial view: [0-9]+ of [0-9]+ processes denied, [0-9]+ vanished while scanned; /proc is mounted hidepid=noaccess: other users' processes cannot be read$" \
	"hidepid=1: the denied count and why, one line (no refusal for a bind mount out of reach)"
rc=$(with_proc hidepid=1 $U "$BUILD/nstree" -p 1)
is "$rc.$(cat "$T_TMP/err")" "3.nstree: 1: permission denied" "hidepid=1: nstree -p 1 says permission denied"
rc=$(with_proc hidepid=1 $U "$BUILD/nspid" 1)
is "$rc.$(cat "$T_TMP/err")" "1.nspid: 1: permission denied" "hidepid=1: nspid 1, the same words"

# --save keeps what the scan could not see: --load says the same line
for hp in 2 1; do
	rc=$(with_proc hidepid=$hp $U "$BUILD/nstree" --save -)
	mv "$T_TMP/out" "$T_TMP/snap$hp.json"
	saved=$(cat "$T_TMP/err")
	like "$rc.$saved" "^0\.nstree: partial view: .*hidepid=" "hidepid=$hp: --save says the partial view"
	"$BUILD/nstree" --load "$T_TMP/snap$hp.json" -l >/dev/null 2>"$T_TMP/err"
	is "$(cat "$T_TMP/err")" "$saved" "hidepid=$hp: --load of it, as root here, says the same partial-view line"
done

rc=$(with_proc hidepid=invisible,gid=$U $U "$BUILD/nstree" -l)
is "$rc" 0 "hidepid=2,gid=$U: nstree exits 0"
unlike "$(cat "$T_TMP/err")" "hidepid" "hidepid=2 spares the gid= group: no hidepid note"
rc=$(with_proc hidepid=2 root "$BUILD/nstree" -l)
is "$rc" 0 "hidepid=2, root: nstree exits 0"
unlike "$(cat "$T_TMP/err")" "hidepid" "hidepid=2 spares root (CAP_SYS_PTRACE): no hidepid note"
rc=$(with_proc hidepid=0 $U "$BUILD/nstree" -l)
unlike "$(cat "$T_TMP/err")" "hidepid" "hidepid=0: no hidepid note"
done_testing

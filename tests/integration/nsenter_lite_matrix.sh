#!/usr/bin/env bash
# nsenter-lite's all-or-nothing join and --explain's prediction, case by
# case: every way of naming the namespaces (-t, -t plus files, files only,
# inode, id:NSID, pid:N references; namespaces held only by an fd or a bind
# mount), with and without the user namespace, namespaces joinable or not,
# run as root, as the owner of a user namespace and as a stranger to it
# (tests/lib/nsenter_lite_matrix.sh says what each case checks). Container
# references are nsenter_lite_matrix_containers.sh. Then what the command
# will find once joined (its root, PATH, credentials) and nsenter 2.41's
# other options, each predicted by --explain.
# timeout: 1200 (every case scans the whole host, twice; more on a loaded one)
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"
source "$(dirname "$0")/../lib/nsenter_lite_matrix.sh"
source "$(dirname "$0")/../lib/container.sh"

for who in root owner stranger; do
	runner_prefix "$who"
	for x in R O; do
		for f in t t+file files t+inode nsid pid t+other; do
			for u in 0 1; do
				if [ "$f" = nsid ] && [ -z "${NSID[${x}uts]}" ]; then
					skip "[kernel] $who $x nsid: this kernel has no NS_GET_ID"; continue
				fi
				form_opts "$f" "$x" "$u"; form_asks "$f" "$x" "$u"; expected_rc "$who" "$ASKS"
				plus=""; [ "$u" = 1 ] && plus=" +user"
				run_case "$who $x $f$plus: $OPTS" "$PRE" "$EXP" "$ASKS" "$OPTS"
			done
		done
	done
done

# Namespaces no process is in any more: H's uts held by an fd of another
# process, its ipc by a bind mount in a private mount namespace. Named by
# inode or id:NSID, as nstree lists them; opened through the holder.
if start_target held "mx-h-$$" uts,ipc; then
	H=$TGT DIR[H]=$TGT_DIR
	read_tino H "$TGT_DIR"
	HU=$(ino_of "${DIR[H]}" uts) HI=$(ino_of "${DIR[H]}" ipc)
	HUID=$(nsid_of /proc/$H/ns/uts) HIID=$(nsid_of /proc/$H/ns/ipc)
	HB=$T_TMP/heldipc.$$
	touch "$HB"
	bash -c "exec 7</proc/$H/ns/uts; echo > $T_TMP/fdheld; exec sleep 7200" </dev/null >/dev/null 2>&1 &
	FH=$!
	on_exit "kill -KILL $FH"
	unshare -m --propagation private sh -c "mount --bind /proc/$H/ns/ipc $HB && echo > $T_TMP/mntheld; exec sleep 7200" \
		</dev/null >/dev/null 2>&1 &
	MH=$!
	on_exit "kill -KILL $MH"
	if wait_for "$T_TMP/fdheld" && wait_for "$T_TMP/mntheld" && kill -KILL "$H" && wait_dead "$H"; then
		for held in "--uts=$HU --ipc=$HI" "--uts=id:$HUID --ipc=id:$HIID" "--uts=$HU --ipc=id:$HIID -n --net=pid:$$"; do
			run_case "root, held by fd and mount only: $held" "" 0 "uts:H ipc:H" "$held"
			run_case "stranger, held by fd and mount only: $held" "$AS_STRANGER" 125 "uts:H ipc:H" "$held"
		done
		run_case "root, mount-held ipc with -t R: -t $R -u --ipc=$HI" "" 0 "uts:R ipc:H" "-t $R -u --ipc=$HI"
	else
		fail "namespaces held only by an fd and a bind mount"
	fi
else
	fail "target for held namespaces started"
fi

# -------------------------------------------- what the command will find
# Cases where the namespaces join but the run still fails, or not: the
# command missing in the root it will see, a user namespace with uid_map
# and no gid_map. Same checks: prediction == outcome == what the kernel does.
M=0 M_OK=0
predict_case() { # predict_case NAME EXPECTED_RC PREFIX -- NSL-ARGS...
	local name=$1 exp=$2 pre=$3 eout erc rc pred out
	shift 4
	M=$((M + 1))
	eout=$($pre "$NSL" --explain "$@" 2>/dev/null); erc=$?
	out=$($pre "$NSL" "$@" 2>"$T_TMP/err"); rc=$?
	explain_exit "$erc" "$eout"; pred=$PRED
	LAST_EXPLAIN=$eout LAST_ERR=$(cat "$T_TMP/err") LAST_OUT=$out
	if [ "$pred" = "$rc" ] && [ "$rc" = "$exp" ]; then
		M_OK=$((M_OK + 1)); pass "$name: predicted exit $pred, ran exit $rc"
	else
		fail "$name"; diag "predicted ${pred:-?} (explain exit $erc), ran $rc, expected $exp: $LAST_ERR"
	fi
}

# A chroot'ed target whose root has no shell (as a busybox image without bash)
CROOT=$T_TMP/emptyroot.$$
mkdir -p "$CROOT" && echo "mark-$$" >"$CROOT/marker"
if start_target chroot "mx-c-$$" uts env NSL_TARGET_ROOT="$CROOT"; then
	C=$TGT
	predict_case "-r: /bin/bash absent from the target's root" 127 "" -- -t "$C" -u -r -- /bin/bash -c true
	like "$LAST_EXPLAIN" "root: the target's root directory" "--explain -r: names the root the command sees"
	predict_case "-r: sh not on PATH in the target's root" 127 "" -- -t "$C" -u -r -- sh -c true
	predict_case "without -r: our root, where /bin/sh is" 0 "" -- -t "$C" -u -- /bin/sh -c true
	like "$LAST_EXPLAIN" "root: ours: the command sees this host's files, not the target's" \
		"--explain without -r: says the command sees the host's files"
else
	fail "chroot'ed target started"
fi

# A user namespace with a uid_map and no gid_map: gid 0 cannot be set
rm -f "$T_TMP/uidonly"
unshare -U --map-user=0 sh -c "echo > $T_TMP/uidonly; exec sleep 7200" </dev/null >/dev/null 2>&1 &
UM=$!
on_exit "kill -KILL $UM"
if wait_for "$T_TMP/uidonly" && [ -z "$(cat /proc/$UM/gid_map)" ]; then
	predict_case "uid_map without gid_map: the run cannot set gid 0" 125 "" -- -t "$UM" -U -- true
	like "$LAST_ERR" "^nsenter-lite: cannot set gid 0 in the user namespace" "... and says so in one line"
	predict_case "uid_map without gid_map, --preserve-credentials" 0 "" -- -t "$UM" -U --preserve-credentials -- true
	predict_case "uid_map without gid_map, -S 0 without -G (gid 0 still set)" 125 "" -- -t "$UM" -U -S 0 -- true
else
	fail "user namespace with a uid_map only"
fi

# Which privilege is missing, over which user namespace; -U advised only
# where it helps. R's net namespace bind-mounted where the owner can open it.
RNET=$T_TMP/rnet.$$
touch "$RNET"
if mount --bind "/proc/$R/ns/net" "$RNET"; then
	on_exit "umount $RNET"
	initu=$(stat -L -c %i /proc/$$/ns/user)
	predict_case "owner: O's uts without -U" 125 "$AS_OWNER" -- -t "$O" -u -- true
	like "$LAST_ERR" "^nsenter-lite: cannot join uts namespace of $O \(no CAP_SYS_ADMIN in user namespace $(ino_of "$OD" user) that owns it; add -U: joining user namespace $(ino_of "$OD" user) of $O gives it\)$" \
		"EPERM: names the user namespace and advises -U, which helps"
	predict_case "owner: root's net, no -U" 125 "$AS_OWNER" -- --net="$RNET" -- true
	like "$LAST_ERR" "^nsenter-lite: cannot join net namespace $RNET \(no CAP_SYS_ADMIN in user namespace $initu that owns it \(we are uid $OWNER_UID, unprivileged\)\)$" \
		"EPERM: -U not advised where it cannot help"
	predict_case "owner: O with -U, root's net" 125 "$AS_OWNER" -- -t "$O" -U -u --net="$RNET" -- true
	like "$LAST_ERR" "^nsenter-lite: cannot join net namespace $RNET \(no CAP_SYS_ADMIN in user namespace $initu that owns it, even in user namespace $(ino_of "$OD" user) joined\)$" \
		"EPERM after -U: says the joined user namespace does not own it"
	predict_case "root: O's uts and root's net" 0 "" -- -t "$O" -u --net="$RNET" -- true
else
	fail "bind mount of a net namespace"
fi
# ------------------------------------------- nsenter 2.41's other options
# --net-socket FD: a net namespace held only by a socket of a process that
# went back to its own; the command must be in the socket's.
SK=$(bg_start python3 "$SRCDIR/tests/lib/socket_holder.py" "$T_TMP/sock.up")
if wait_for "$T_TMP/sock.up"; then
	read -r SKNS SKFD <"$T_TMP/sock.up"
	SHOW_NET='stat -L -c %i /proc/self/ns/net'
	predict_case "--net-socket $SKFD: the socket's net namespace" 0 "" -- -t "$SK" --net-socket "$SKFD" -- sh -c "$SHOW_NET"
	is "$LAST_OUT" "$SKNS" "... the command ran in the socket's net namespace, not the process's"
	like "$LAST_EXPLAIN" "net +$SKNS +[0-9]+ +join +from socket $SKFD of $SK" "... --explain names the socket as the source"
	predict_case "--net-socket replaces -n, as in nsenter" 0 "" -- -t "$SK" -n --net-socket "$SKFD" -- sh -c "$SHOW_NET"
	is "$LAST_OUT" "$SKNS" "... the socket's, not the process's own"
	predict_case "--net-socket of an fd that is no socket" 125 "" -- -t "$SK" --net-socket 0 -- true
	like "$LAST_ERR" "^nsenter-lite: --net-socket: fd 0 of $SK is not a socket$" "... one line says so"
	predict_case "--net-socket of an fd the target does not have" 125 "" -- -t "$SK" --net-socket 999 -- true
	predict_case "--net-socket as a stranger: no right to take the target's fd" 125 "$AS_STRANGER" -- -t "$SK" --net-socket "$SKFD" -- true
	predict_case "--net-socket without -t: a usage error" 2 "" -- --net-socket "$SKFD" -- true
else
	fail "socket fixture started"
fi

# --keep-caps: the owner's user namespace, where the owner is uid 1000 (root
# writes the maps, no newuidmap). Entered with --preserve-credentials, the
# owner holds every capability there until exec drops them as uid 1000's:
# only --keep-caps leaves them to the command, as ambient ones, and
# --explain says which.
mkdir -p "$T_TMP/kc" && chmod 777 "$T_TMP/kc"
$AS_OWNER unshare -U sh -c "echo > '$T_TMP/kc/up'; exec sleep 7200" </dev/null >/dev/null 2>&1 &
KC=$!
on_exit "kill -KILL $KC"
if wait_for "$T_TMP/kc/up" && echo "1000 $OWNER_UID 1" >"/proc/$KC/uid_map" && echo "1000 $OWNER_UID 1" >"/proc/$KC/gid_map"; then
	SHOW_CAPS='sed -n "s/^Cap\(Eff\|Amb\):[[:space:]]*//p" /proc/self/status | paste -sd" "'
	predict_case "--keep-caps --preserve-credentials, the owner as uid 1000 inside" 0 "$AS_OWNER" -- -t "$KC" -U --preserve-credentials --keep-caps -- sh -c "$SHOW_CAPS"
	amb=${LAST_OUT#* }
	if [ -n "$amb" ] && [ "$amb" != 0000000000000000 ] && [ "${LAST_OUT% *}" = "$amb" ]; then
		pass "... the command holds its capabilities, ambient ($amb)"
	else fail "... the command holds its capabilities, ambient ($LAST_OUT)"; fi
	like "$LAST_EXPLAIN" "ambient capabilities: $amb" "... --explain predicts the same set ($amb)"
	predict_case "no --keep-caps: none" 0 "$AS_OWNER" -- -t "$KC" -U --preserve-credentials -- sh -c "$SHOW_CAPS"
	is "$LAST_OUT" "0000000000000000 0000000000000000" "... without --keep-caps the command has no capabilities"
	predict_case "--keep-caps -S 1000 -G 1000, the uid we have there" 0 "$AS_OWNER" -- -t "$KC" -U -S 1000 -G 1000 --keep-caps -- sh -c "$SHOW_CAPS"
	is "$LAST_OUT" "$amb $amb" "... no uid change: the capabilities are kept as well"
	predict_case "--keep-caps with no user namespace joined keeps nothing" 0 "" -- -t "$KC" -u --keep-caps -- sh -c 'sed -n "s/^CapAmb:[[:space:]]*//p" /proc/self/status'
	is "$LAST_OUT" 0000000000000000 "... as nsenter: only a user namespace joined gives capabilities to keep"
else
	fail "user namespace for --keep-caps"
fi

# --join-cgroup: the target in a cgroup of its own; the command lands in it.
CG2=$(cgroup2_root)
if [ -z "$CG2" ]; then
	skip "[cgroup] no writable cgroup2 hierarchy for --join-cgroup"
elif mkdir "$CG2/nsl-jc-$$" && on_exit "rm_cgroup '$CG2/nsl-jc-$$'"; then
	JC=$(bg_start sh -c "echo \$\$ >'$CG2/nsl-jc-$$/cgroup.procs' && touch '$T_TMP/jc.up' && exec sleep 7200")
	if wait_for "$T_TMP/jc.up"; then
		predict_case "--join-cgroup" 0 "" -- -t "$JC" -c -u -- sh -c 'grep "^0::" /proc/self/cgroup'
		is "$LAST_OUT" "0::/nsl-jc-$$" "... the command runs in the target's cgroup"
		like "$LAST_EXPLAIN" "cgroup: moves into the target's cgroup2 cgroup /nsl-jc-$$ \(under $CG2\)" \
			"... --explain names the cgroup"
		predict_case "--join-cgroup, pid namespace: the child too" 0 "" -- -t "$JC" --join-cgroup -p -- sh -c 'grep "^0::" /proc/self/cgroup'
		is "$LAST_OUT" "0::/nsl-jc-$$" "... the command forked into the pid namespace is in it"
		predict_case "--join-cgroup as a stranger: cgroup.procs not writable" 125 "$AS_STRANGER" -- -t "$JC" -c -u -- true
		like "$LAST_ERR" "^nsenter-lite: --join-cgroup: cannot open cgroup /nsl-jc-$$ of $JC: permission denied$" "... one line says so"
		if grep -q "^0::/nsl-jc-$$\$" /proc/$$/cgroup; then fail "the test shell stayed out of the cgroup"
		else pass "the test shell stayed out of the cgroup"; fi
	else
		fail "cgroup target started"
	fi
else
	fail "cgroup for --join-cgroup"
fi

# -e: the target's environment is hostile bytes. Entries without '=' or
# with an empty name dropped, a name set twice: the last; bytes kept as is.
cat >"$T_TMP/env.py" <<'PYEOF'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
env = [b"A=1", b"NOEQUALS", b"=empty", b"B=\x01\xff\x1b[31m", b"A=2", b"PATH=/usr/bin:/bin", b"C="]
argv = [b"sleep", b"600"]
a = (ctypes.c_char_p * (len(argv) + 1))(*argv, None)
e = (ctypes.c_char_p * (len(env) + 1))(*env, None)
open(sys.argv[1], "w").close()
libc.execve(b"/bin/sleep", a, e)
sys.exit("execve failed")
PYEOF
EV=$(bg_start python3 "$T_TMP/env.py" "$T_TMP/env.up")
comm_is() { # comm_is PID NAME: poll until PID runs NAME (past its execve)
	local n=200
	while [ $n -gt 0 ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" != "$2" ]; do sleep 0.05; n=$((n - 1)); done
	[ $n -gt 0 ]
}
if wait_for "$T_TMP/env.up" && comm_is "$EV" sleep; then
	predict_case "-e with a hostile environment" 0 "" -- -t "$EV" -u -e -- od -An -c /proc/self/environ
	LAST_OUT=$(echo "$LAST_OUT" | tr -s " " | tr -d "\n")
	exp=$(printf 'B=\001\377\033[31m\0A=2\0PATH=/usr/bin:/bin\0C=\0' | od -An -c | tr -s " " | tr -d "\n")
	is "$LAST_OUT" "$exp" "... the command's environment: the last A, no broken entries, bytes as they were"
	like "$LAST_EXPLAIN" "environment: the target's, 4 variables" "... --explain counts the variables kept"
	like "$LAST_EXPLAIN" "looked up with PATH=/usr/bin:/bin \(the target's environment\)" "... and uses the target's PATH"
else
	fail "target with a hostile environment"
fi

# The namespace-file forms as nsenter parses them: --net=FILE and -nFILE
# take FILE; with a space, FILE is the command (not executable: 126).
NETF=/proc/$R/ns/net RNETINO=$(ino_of "$RD" net)
predict_case "--net=FILE" 0 "" -- --net="$NETF" -- stat -L -c %i /proc/self/ns/net
is "$LAST_OUT" "$RNETINO" "... joins FILE's net namespace"
predict_case "-nFILE" 0 "" -- -n"$NETF" -- stat -L -c %i /proc/self/ns/net
is "$LAST_OUT" "$RNETINO" "... joins FILE's net namespace"
predict_case "-t PID --net FILE: FILE is the command" 126 "" -- -t "$R" --net "$NETF"
like "$LAST_ERR" "^nsenter-lite: $NETF: Permission denied$" "... the run tries to execute FILE"
predict_case "-t PID -n FILE: FILE is the command" 126 "" -- -t "$R" -n "$NETF"
like "$("$NSL" --help)" "with a space \(--net FILE, -n FILE\)" "--help says a space does not work"
mx_summary "namespace forms"
diag "command and credential cases: $M; predicted == actual == expected: $M_OK/$M"
is "$M_OK" "$M" "every command and credential case predicted"
done_testing

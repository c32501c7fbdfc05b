#!/usr/bin/env bash
# nsenter-lite's all-or-nothing join and --explain's prediction, case by
# case: every way of naming the namespaces (-t, -t plus files, files only,
# inode, id:NSID, pid:N references; a container by name, short and full id,
# -N NAME -t 1 and --uts=NAME), with and without the user namespace,
# namespaces joinable or not, run as root, as the owner of a user namespace
# and as a stranger to it. Each case runs --explain and then the real run:
#   (a) the command ran in exactly the namespaces asked for (inodes the
#       targets read from their own /proc/self/ns), or did not run at all
#       and nsenter-lite said why in one line;
#   (b) --explain's verdict and exit code are the real run's;
#   (c) the real run's exit is the one the kernel's rules give.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"

OWNER_UID=65534 STRANGER_UID=$((60000 + $$ % 5000))
AS_OWNER="setpriv --reuid=$OWNER_UID --regid=$OWNER_UID --clear-groups"
AS_STRANGER="setpriv --reuid=$STRANGER_UID --regid=$STRANGER_UID --clear-groups"
chmod 755 "$T_TMP"

# R: namespaces root made (owned by our user namespace): joinable by root only.
# O: a user namespace the owner made, with namespaces it owns: joinable by
#    root, by the owner with -U, by nobody else.
start_target rootns "mx-r-$$" uts,ipc,net || { fail "root's target started"; done_testing; exit; }
R=$TGT RD=$TGT_DIR
start_target ownerns "mx-o-$$" user,uts,ipc,net $AS_OWNER || { fail "owner's target started"; done_testing; exit; }
O=$TGT OD=$TGT_DIR

# Ground truth straight from the kernel (NS_GET_ID), not from libnsinfo.
nsid_of() { "$HELPERS/nsid" "$1"; }
ino_of() { target_ns "$1" "$2"; }
# Inodes read once: the load on a shared test host makes every process count.
declare -A TINO=() OURS=()
for t in $NSL_TYPES; do OURS[$t]=$(stat -L -c %i /proc/$$/ns/$t); done
read_tino() { # read_tino X DIR: the inodes target X recorded
	local t i
	while read -r t i; do TINO[$1:$t]=$i; done <"$2/ns"
}

declare -A DIR=([R]=$RD [O]=$OD) PID=([R]=$R [O]=$O) NSID=()
read_tino R "$RD"; read_tino O "$OD"
for x in R O; do for t in uts ipc; do NSID[$x$t]=$(nsid_of /proc/${PID[$x]}/ns/$t); done; done

# The namespaces a form asks for, "type:target" words, and its options.
# Forms name uts and ipc of target X (and net of the other target for "mix").
form_opts() { # form_opts FORM X USERNS(0/1)
	local f=$1 x=$2 u=$3 p=${PID[$2]} d=${DIR[$2]} y
	y=$([ "$x" = R ] && echo O || echo R)
	case $f in
	t)        echo "-t $p -u -i";;
	t+file)   echo "-t $p -u --ipc=/proc/$p/ns/ipc";;
	files)    echo "--uts=/proc/$p/ns/uts --ipc=/proc/$p/ns/ipc";;
	t+inode)  echo "-t $p -u --ipc=$(ino_of "$d" ipc)";;
	nsid)     echo "--uts=id:${NSID[${x}uts]} --ipc=id:${NSID[${x}ipc]}";;
	pid)      echo "--uts=pid:$p --ipc=pid:$p";;
	t+other)  echo "-t $p -u -i --net=/proc/${PID[$y]}/ns/net";;
	esac | {
		read -r o
		if [ "$u" = 1 ]; then
			case $f in t|t+file|t+inode|t+other) o="$o -U";; *) o="$o --user=pid:$p";; esac
		fi
		echo "$o"
	}
}
form_asks() { # "type:X" for every namespace asked for
	local f=$1 x=$2 u=$3 y
	y=$([ "$x" = R ] && echo O || echo R)
	echo "uts:$x ipc:$x"
	[ "$f" = t+other ] && echo "net:$y"
	# R has no user namespace of its own: -U there is ours, a no-op
	[ "$u" = 1 ] && [ "$x" = O ] && echo "user:O"
	true
}

# The kernel's rule (setns(2)): CAP_SYS_ADMIN in our user namespace and in
# the one owning the namespace, after joining the user namespace asked for.
expected_rc() { # expected_rc RUNNER ASKS
	local who=$1 asks=$2
	[ "$who" = root ] && { echo 0; return; }
	[ "$who" = stranger ] && { echo 125; return; }
	# the owner: only O's namespaces, and only with O's user namespace
	[[ $asks == *":R"* ]] && { echo 125; return; }
	[[ $asks == *"user:O"* ]] && { echo 0; return; }
	echo 125
}

# What the command must see: the asked-for target's inode, ours otherwise.
expected_view() { # expected_view ASKS
	local asks=" $1 " t w
	for t in $NSL_TYPES; do
		w=""
		for a in $asks; do [ "${a%%:*}" = "$t" ] && w=${a#*:}; done
		if [ -n "$w" ]; then echo "$t ${TINO[$w:$t]}"; else echo "$t ${OURS[$t]}"; fi
	done
}

runner_prefix() { case $1 in root) echo "";; owner) echo "$AS_OWNER";; stranger) echo "$AS_STRANGER";; esac; }

N=0 PRED_OK=0 VIEW_OK=0 RULE_OK=0
# run_case NAME PREFIX EXPECTED_RC ASKS OPTS: --explain, then the real run.
run_case() {
	local name=$1 pre=$2 exp=$3 asks=$4 opts=$5 eout erc out rc err pred bad=""
	N=$((N + 1))
	# --explain changes nothing: it runs alongside the real run
	# shellcheck disable=SC2086
	$pre "$NSL" $opts --explain -- sh -c "$NSL_SHOW_NS" >"$T_TMP/eout" 2>"$T_TMP/eerr" &
	local ep=$!
	# shellcheck disable=SC2086
	out=$($pre "$NSL" $opts -- sh -c "$NSL_SHOW_NS" 2>"$T_TMP/err"); rc=$?
	wait $ep; erc=$?
	eout=$(<"$T_TMP/eout") err=$(<"$T_TMP/err")
	case $erc in
	0) pred=0;;
	1) pred=$(echo "$eout" | sed -n 's/^result: the run would fail (exit \([0-9]*\))$/\1/p');;
	*) pred=$erc;; # nsenter-lite itself refused: so does the run
	esac
	[ "$pred" = "$rc" ] && PRED_OK=$((PRED_OK + 1)) || bad="$bad explain predicted ${pred:-?} (exit $erc), run exited $rc;"
	[ "$rc" = "$exp" ] && RULE_OK=$((RULE_OK + 1)) || bad="$bad expected exit $exp, got $rc;"
	if [ "$rc" = 0 ]; then
		[ "$out" = "$(expected_view "$asks")" ] && VIEW_OK=$((VIEW_OK + 1)) ||
			bad="$bad namespaces differ: $(echo "$out" | paste -sd,) vs $(expected_view "$asks" | paste -sd,);"
	else
		# nothing ran, and one line says why
		if [ -z "$out" ] && [ -n "$err" ] && [[ $err != *$'\n'* ]] &&
		   [[ $err == "nsenter-lite: "* ]]; then VIEW_OK=$((VIEW_OK + 1))
		else bad="$bad ran or said more than one line: out=[$out] err=[$err];"; fi
	fi
	if [ -z "$bad" ]; then pass "$name (exit $rc)"
	else fail "$name"; diag "$bad"; diag "explain: $(echo "$eout" | tail -3 | paste -sd'|')"; fi
}

for who in root owner stranger; do
	pre=$(runner_prefix "$who")
	for x in R O; do
		for f in t t+file files t+inode nsid pid t+other; do
			for u in 0 1; do
				if [ "$f" = nsid ] && [ -z "${NSID[${x}uts]}" ]; then
					skip "[kernel] $who $x nsid: this kernel has no NS_GET_ID"; continue
				fi
				opts=$(form_opts "$f" "$x" "$u")
				asks=$(form_asks "$f" "$x" "$u" | paste -sd' ')
				run_case "$who $x $f$([ "$u" = 1 ] && echo " +user"): $opts" "$pre" \
					"$(expected_rc "$who" "$asks")" "$asks" "$opts"
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
	bash -c "exec 7</proc/$H/ns/uts; echo > $T_TMP/fdheld; exec sleep 600" </dev/null >/dev/null 2>&1 &
	FH=$!
	on_exit "kill -KILL $FH"
	unshare -m --propagation private sh -c "mount --bind /proc/$H/ns/ipc $HB && echo > $T_TMP/mntheld; exec sleep 600" \
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

# ----------------------------------------------- container references
# A container K faked as dockerd lays one out: its init in namespaces of
# its own (user included), moved into a root-owned docker-<ID>.scope, and
# docker's root-owned config.v2.json naming it. Named by -t NAME, -t short
# id, -t full id, -N NAME -t 1, and as namespace references (--uts=NAME),
# alone or mixed with R's namespaces, with and without its user namespace;
# as root and as the stranger. While it runs, the stranger has made an
# impostor of the same name (hostname and container=docker in its own user
# and pid namespaces, which the stranger may join): it must never be picked.
# Once K has stopped, every form naming it is refused, by explain and run.
# P, a podman container known by its id only, is named by short and full id.
source "$(dirname "$0")/../lib/container.sh"
CGROOT=$(cgroup2_root)
KHEX() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
KID=d$(KHEX 32 | cut -c2-) KNAME=nsl-mx-$$   # a letter first: never a pid or inode
KSHORT=${KID:0:12}
if [ -z "$CGROOT" ]; then
	skip "[cgroup] no writable cgroup2 hierarchy: container references cannot be faked here"
elif ! docker_state "$KID" "$KNAME"; then
	fail "docker state of $KID"
elif ! { mkdir "$CGROOT/nsl-mx-$$" && on_exit "rm_cgroup '$CGROOT/nsl-mx-$$'" &&
         mkdir "$CGROOT/nsl-mx-$$/docker-$KID.scope" && on_exit "rm_cgroup '$CGROOT/nsl-mx-$$/docker-$KID.scope'"; }; then
	fail "cgroup of container $KID"
elif ! start_target ctr "$KNAME" user,uts,ipc,net,pid; then
	fail "container's init started"
else
	K=$TGT KL=$TGT_LAUNCHER DIR[K]=$TGT_DIR PID[K]=$TGT
	read_tino K "${DIR[K]}"
	echo "$K" >"$CGROOT/nsl-mx-$$/docker-$KID.scope/cgroup.procs" || fail "container's init moved into its scope"
	# the impostor: the stranger's own user namespace, so it could enter it
	IMPD=$T_TMP/impostor
	mkdir -p "$IMPD" && chmod 777 "$IMPD"
	bg_start $AS_STRANGER unshare -Urpfu --kill-child sh -c \
		"hostname '$KNAME' && touch '$IMPD/ready' && exec env container=docker sleep 600" >/dev/null
	wait_for "$IMPD/ready" || fail "impostor started"

	# P: a podman container with no state of its own (named by its id), its
	# init in a root-owned libpod-<ID>.scope; its monitor, a process in our
	# namespaces, in libpod-conmon-<ID>.scope, is not the container
	PID_P=c$(KHEX 32 | cut -c2-) P=""
	PS=$CGROOT/nsl-mx-$$/libpod-$PID_P.scope PM=$CGROOT/nsl-mx-$$/libpod-conmon-$PID_P.scope
	if mkdir "$PS" && on_exit "rm_cgroup '$PS'" && mkdir "$PM" && on_exit "rm_cgroup '$PM'" &&
	   bg_start sh -c "echo \$\$ >'$PM/cgroup.procs' && touch '$IMPD/conmon' && exec sleep 600" >/dev/null &&
	   wait_for "$IMPD/conmon" && start_target pod "pod-$$" user,uts,ipc,net,pid &&
	   echo "$TGT" >"$PS/cgroup.procs"; then
		P=$TGT DIR[P]=$TGT_DIR PID[P]=$TGT
		read_tino P "${DIR[P]}"
	else
		fail "podman container started"
	fi

	# cform_opts FORM USERNS(0/1): forms naming uts and ipc of K (and for
	# the mixed ones, one of R's namespaces)
	cform_opts() {
		local o
		case $1 in
		name)      o="-t $CN -u -i";;
		short)     o="-t $CS -u -i";;
		full)      o="-t $CF -u -i";;
		N1)        o="-N $CN -t 1 -u -i";;
		refs)      o="--uts=$CN --ipc=$CS";;
		nrefs)     o="--uts=$CN --ipc=$CN";;
		name+file) o="-t $CN -u -i --net=/proc/$R/ns/net";;
		t+ref)     o="-t $R -n --uts=$CN --ipc=$CF";;
		esac
		if [ "$2" = 1 ]; then
			case $1 in refs|nrefs|t+ref) o="$o --user=$CN";; *) o="$o -U";; esac
		fi
		echo "$o"
	}
	cform_asks() {
		echo "uts:$CX ipc:$CX"
		case $1 in name+file|t+ref) echo "net:R";; esac
		[ "$2" = 1 ] && echo "user:$CX"
		true
	}
	# CX: the container (K, or P for podman), CN its name (P: its short
	# id), CS its short id, CF its full id
	for who in root stranger; do
		pre=$(runner_prefix "$who")
		for CX in K P; do
			case $CX in
			K) CN=$KNAME CS=$KSHORT CF=$KID CFORMS="name short full N1 refs name+file t+ref";;
			P) [ -n "$P" ] || continue
			   CN=${PID_P:0:12} CS=${PID_P:0:10} CF=$PID_P CFORMS="short full N1 refs t+ref";;
			esac
			for f in $CFORMS; do
				for u in 0 1; do
					opts=$(cform_opts "$f" "$u")
					asks=$(cform_asks "$f" "$u" | paste -sd' ')
					run_case "$who container $CX $f$([ "$u" = 1 ] && echo " +user"): $opts" "$pre" \
						"$(expected_rc "$who" "$asks")" "$asks" "$opts"
				done
			done
		done
	done
	CX=K CN=$KNAME CS=$KSHORT CF=$KID

	# K stops: only the impostor claims the name, the id names nothing
	kill -TERM "$KL"; wait "$KL" 2>/dev/null
	if wait_dead "$K" && [ ! -e "/proc/$K" ]; then
		for who in root stranger; do
			pre=$(runner_prefix "$who")
			for f in name N1 nrefs short; do
				for u in 0 1; do
					opts=$(cform_opts "$f" "$u")
					[ "$f" = name ] && [ "$u" = 1 ] && opts="$opts -n -p"
					run_case "$who, container stopped, impostor left: $opts" "$pre" 125 "" "$opts"
					case $f in
					short) like "$(<"$T_TMP/err")" "^nsenter-lite: $KSHORT: no such namespace or container$" \
						"... $who: the stopped container's id names nothing";;
					*) if [ "$who" = root ]; then
						like "$(<"$T_TMP/err")" "^nsenter-lite: $KNAME: only containers of unverified identity match \(never entered by name\): docker pidns-[0-9]+ $KNAME\? \(claimed by uid $STRANGER_UID\)$" \
							"... root: refused, naming the impostor and who claims it"
					   else
						# without CAP_SYS_ADMIN the stranger cannot read the
						# hostname of its impostor's uts namespace: its hint
						# is unnamed there, and the name matches nothing
						like "$(<"$T_TMP/err")" "^nsenter-lite: $KNAME: (only containers of unverified identity match \(never entered by name\): docker pidns-[0-9]+ $KNAME\? \(claimed by uid $STRANGER_UID\)|no such namespace or container)$" \
							"... stranger: refused: its own impostor is never entered by name"
					   fi;;
					esac
				done
			done
		done
	else
		fail "container stopped"
	fi
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
	case $erc in
	0) pred=0;;
	1) pred=$(echo "$eout" | sed -n 's/^result: the run would fail (exit \([0-9]*\))$/\1/p');;
	*) pred=$erc;;
	esac
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
unshare -U --map-user=0 sh -c "echo > $T_TMP/uidonly; exec sleep 600" </dev/null >/dev/null 2>&1 &
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
$AS_OWNER unshare -U sh -c "echo > '$T_TMP/kc/up'; exec sleep 600" </dev/null >/dev/null 2>&1 &
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
	JC=$(bg_start sh -c "echo \$\$ >'$CG2/nsl-jc-$$/cgroup.procs' && touch '$T_TMP/jc.up' && exec sleep 600")
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
diag "matrix: $N cases; predicted == actual: $PRED_OK/$N; namespaces as asked (or nothing run): $VIEW_OK/$N; exit as the kernel's rules give: $RULE_OK/$N"
is "$PRED_OK/$VIEW_OK/$RULE_OK" "$N/$N/$N" "matrix of $N cases: every prediction, every namespace set and every exit right"
diag "command and credential cases: $M; predicted == actual == expected: $M_OK/$M"
is "$M_OK" "$M" "every command and credential case predicted"
done_testing

# The nsenter-lite matrix (source after lib.sh and nsenter_lite.sh): its
# targets, the kernel's rule for each case, and run_case, which runs
# --explain and the real run side by side and checks
#   (a) the command ran in exactly the namespaces asked for (inodes the
#       targets read from their own /proc/self/ns), or did not run at all
#       and nsenter-lite said why in one line;
#   (b) --explain's verdict and exit code are the real run's;
#   (c) the real run's exit is the one the kernel's rules give.
# Used by nsenter_lite_matrix.sh (namespace forms) and
# nsenter_lite_matrix_containers.sh (container references): two files, so
# that each fits the runner's time on a loaded host.
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
# Set in globals, not printed into $(...): on a host this loaded every fork
# counts, and the matrix has to fit in the runner's time.
form_opts() { # form_opts FORM X USERNS(0/1): sets OPTS
	local f=$1 x=$2 u=$3 p=${PID[$2]} y
	[ "$x" = R ] && y=O || y=R
	case $f in
	t)        OPTS="-t $p -u -i";;
	t+file)   OPTS="-t $p -u --ipc=/proc/$p/ns/ipc";;
	files)    OPTS="--uts=/proc/$p/ns/uts --ipc=/proc/$p/ns/ipc";;
	t+inode)  OPTS="-t $p -u --ipc=${TINO[$x:ipc]}";;
	nsid)     OPTS="--uts=id:${NSID[${x}uts]} --ipc=id:${NSID[${x}ipc]}";;
	pid)      OPTS="--uts=pid:$p --ipc=pid:$p";;
	t+other)  OPTS="-t $p -u -i --net=/proc/${PID[$y]}/ns/net";;
	esac
	if [ "$u" = 1 ]; then
		case $f in t|t+file|t+inode|t+other) OPTS="$OPTS -U";; *) OPTS="$OPTS --user=pid:$p";; esac
	fi
}
form_asks() { # form_asks FORM X USERNS: sets ASKS, "type:X" for every namespace asked for
	local f=$1 x=$2 u=$3 y
	[ "$x" = R ] && y=O || y=R
	ASKS="uts:$x ipc:$x"
	[ "$f" = t+other ] && ASKS="$ASKS net:$y"
	# R has no user namespace of its own: -U there is ours, a no-op
	[ "$u" = 1 ] && [ "$x" = O ] && ASKS="$ASKS user:O"
	true
}

# The kernel's rule (setns(2)): CAP_SYS_ADMIN in our user namespace and in
# the one owning the namespace, after joining the user namespace asked for.
expected_rc() { # expected_rc RUNNER ASKS: sets EXP
	local who=$1 asks=$2
	if [ "$who" = root ]; then EXP=0
	elif [ "$who" = stranger ]; then EXP=125
	# the owner: only O's namespaces, and only with O's user namespace
	elif [[ $asks == *":R"* ]]; then EXP=125
	elif [[ $asks == *"user:O"* ]]; then EXP=0
	else EXP=125; fi
}

# What the command must see, one inode a line in $NSL_TYPES order: the
# asked-for target's, ours otherwise.
expected_view() { # expected_view ASKS: sets EXPV
	local t a w
	EXPV=""
	for t in $NSL_TYPES; do
		w=""
		for a in $1; do [ "${a%%:*}" = "$t" ] && w=${a#*:}; done
		if [ -n "$w" ]; then EXPV+="${TINO[$w:$t]}"$'\n'; else EXPV+="${OURS[$t]}"$'\n'; fi
	done
	EXPV=${EXPV%$'\n'}
}

runner_prefix() { case $1 in root) PRE="";; owner) PRE="$AS_OWNER";; stranger) PRE="$AS_STRANGER";; esac; }

# The command run in every case: one exec printing the inode of each of its
# own namespaces, in $NSL_TYPES order (sh and a stat per type cost seconds
# a case on a loaded host).
MX_CMD=(stat -L -c %i)
for t in $NSL_TYPES; do MX_CMD+=("/proc/self/ns/$t"); done

N=0 PRED_OK=0 VIEW_OK=0 RULE_OK=0
declare -A BY=([root]=0 [unprivileged]=0) BY_OK=([root]=0 [unprivileged]=0)
# explain_exit ERC EOUT: sets PRED, the exit --explain predicts
explain_exit() {
	local re=$'(^|\n)result: the run would fail \\(exit ([0-9]+)\\)(\n|$)'
	case $1 in
	0) PRED=0;;
	1) PRED=""; [[ $2 =~ $re ]] && PRED=${BASH_REMATCH[2]};;
	*) PRED=$1;; # nsenter-lite itself refused: so does the run
	esac
}
# run_case NAME PREFIX EXPECTED_RC ASKS OPTS: --explain, then the real run.
run_case() {
	local name=$1 pre=$2 exp=$3 asks=$4 opts=$5 eout erc out rc err bad="" group=root
	[ -n "$pre" ] && group=unprivileged
	N=$((N + 1)) BY[$group]=$((BY[$group] + 1))
	# --explain changes nothing: it runs alongside the real run
	# shellcheck disable=SC2086
	$pre "$NSL" $opts --explain -- "${MX_CMD[@]}" >"$T_TMP/eout" 2>"$T_TMP/eerr" &
	local ep=$!
	# shellcheck disable=SC2086
	$pre "$NSL" $opts -- "${MX_CMD[@]}" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
	wait $ep; erc=$?
	IFS= read -r -d "" eout <"$T_TMP/eout"; IFS= read -r -d "" out <"$T_TMP/out"; IFS= read -r -d "" err <"$T_TMP/err"
	eout=${eout%$'\n'} out=${out%$'\n'} err=${err%$'\n'}
	explain_exit "$erc" "$eout"
	[ "$PRED" = "$rc" ] && PRED_OK=$((PRED_OK + 1)) || bad="$bad explain predicted ${PRED:-?} (exit $erc), run exited $rc;"
	[ "$rc" = "$exp" ] && RULE_OK=$((RULE_OK + 1)) || bad="$bad expected exit $exp, got $rc;"
	if [ "$rc" = 0 ]; then
		expected_view "$asks"
		[ "$out" = "$EXPV" ] && VIEW_OK=$((VIEW_OK + 1)) ||
			bad="$bad namespaces ($NSL_TYPES) differ: ${out//$'\n'/,} vs ${EXPV//$'\n'/,};"
	else
		# nothing ran, and one line says why
		if [ -z "$out" ] && [ -n "$err" ] && [[ $err != *$'\n'* ]] &&
		   [[ $err == "nsenter-lite: "* ]]; then VIEW_OK=$((VIEW_OK + 1))
		else bad="$bad ran or said more than one line: out=[$out] err=[$err];"; fi
	fi
	if [ -z "$bad" ]; then BY_OK[$group]=$((BY_OK[$group] + 1)); pass "$name (exit $rc)"
	else
		fail "$name"; diag "$bad"; diag "explain: $(echo "$eout" | tail -3 | paste -sd'|')"
		diag "explain's stderr: $(paste -sd'|' "$T_TMP/eerr")"
	fi
}

# mx_summary WHAT: the matrix's size and result, as a TAP comment the
# closing note of a change can quote, and one check for all of it
mx_summary() {
	local verdict
	if [ "$PRED_OK/$VIEW_OK/$RULE_OK" = "$N/$N/$N" ]; then verdict="predicted == actual in all"
	else verdict="$((N - BY_OK[root] - BY_OK[unprivileged])) case(s) wrong"; fi
	diag "matrix ($1): $N cases; predicted == actual: $PRED_OK/$N; namespaces as asked (or nothing run): $VIEW_OK/$N; exit as the kernel's rules give: $RULE_OK/$N"
	diag "matrix ($1): $N cases, ${BY[root]} as root, ${BY[unprivileged]} as unprivileged users: $verdict (root ${BY_OK[root]}/${BY[root]}, unprivileged ${BY_OK[unprivileged]}/${BY[unprivileged]})"
	is "$PRED_OK/$VIEW_OK/$RULE_OK" "$N/$N/$N" "matrix ($1) of $N cases: every prediction, every namespace set and every exit right"
}

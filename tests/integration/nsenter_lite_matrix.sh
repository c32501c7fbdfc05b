#!/usr/bin/env bash
# nsenter-lite's all-or-nothing join and --explain's prediction, case by
# case: every way of naming the namespaces (-t, -t plus files, files only,
# inode, id:NSID, pid:N references), with and without the user namespace,
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
nsid_of() {
	python3 -c 'import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    print(struct.unpack("Q", fcntl.ioctl(fd, 0x8008b70d, b"\0" * 8))[0])
except OSError:
    print("")' "$1"
}
ino_of() { target_ns "$1" "$2"; }

declare -A DIR=([R]=$RD [O]=$OD) PID=([R]=$R [O]=$O)

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
	nsid)     echo "--uts=id:$(nsid_of /proc/$p/ns/uts) --ipc=id:$(nsid_of /proc/$p/ns/ipc)";;
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
		w=$(echo "$asks" | tr ' ' '\n' | awk -F: -v t="$t" '$1 == t { print $2 }')
		if [ -n "$w" ]; then echo "$t $(ino_of "${DIR[$w]}" "$t")"
		else echo "$t $(stat -L -c %i /proc/$$/ns/$t)"; fi
	done
}

runner_prefix() { case $1 in root) echo "";; owner) echo "$AS_OWNER";; stranger) echo "$AS_STRANGER";; esac; }

N=0 PRED_OK=0 VIEW_OK=0 RULE_OK=0
for who in root owner stranger; do
	pre=$(runner_prefix "$who")
	for x in R O; do
		for f in t t+file files t+inode nsid pid t+other; do
			for u in 0 1; do
				opts=$(form_opts "$f" "$x" "$u")
				asks=$(form_asks "$f" "$x" "$u" | paste -sd' ')
				exp=$(expected_rc "$who" "$asks")
				name="$who $x $f$([ "$u" = 1 ] && echo " +user"): $opts"
				N=$((N + 1))
				# shellcheck disable=SC2086
				eout=$($pre "$NSL" $opts --explain -- sh -c "$NSL_SHOW_NS" 2>"$T_TMP/eerr"); erc=$?
				# shellcheck disable=SC2086
				out=$($pre "$NSL" $opts -- sh -c "$NSL_SHOW_NS" 2>"$T_TMP/err"); rc=$?
				err=$(cat "$T_TMP/err")
				case $erc in
				0) pred=0;;
				1) pred=$(echo "$eout" | sed -n 's/^result: the run would fail (exit \([0-9]*\))$/\1/p');;
				*) pred=$erc;; # nsenter-lite itself refused: so does the run
				esac
				bad=""
				[ "$pred" = "$rc" ] && PRED_OK=$((PRED_OK + 1)) || bad="$bad explain predicted ${pred:-?} (exit $erc), run exited $rc;"
				[ "$rc" = "$exp" ] && RULE_OK=$((RULE_OK + 1)) || bad="$bad expected exit $exp, got $rc;"
				if [ "$rc" = 0 ]; then
					[ "$out" = "$(expected_view "$asks")" ] && VIEW_OK=$((VIEW_OK + 1)) ||
						bad="$bad namespaces differ: $(echo "$out" | paste -sd,) vs $(expected_view "$asks" | paste -sd,);"
				else
					# nothing ran, and one line says why
					if [ -z "$out" ] && [ "$(echo "$err" | wc -l)" = 1 ] &&
					   [[ $err == "nsenter-lite: "* ]]; then VIEW_OK=$((VIEW_OK + 1))
					else bad="$bad ran or said more than one line: out=[$out] err=[$err];"; fi
				fi
				if [ -z "$bad" ]; then pass "$name (exit $rc)"
				else fail "$name"; diag "$bad"; diag "explain: $(echo "$eout" | tail -3 | paste -sd'|')"; fi
			done
		done
	done
done
diag "matrix: $N cases; predicted == actual: $PRED_OK/$N; namespaces as asked (or nothing run): $VIEW_OK/$N; exit as the kernel's rules give: $RULE_OK/$N"
is "$PRED_OK/$VIEW_OK/$RULE_OK" "$N/$N/$N" "matrix of $N cases: every prediction, every namespace set and every exit right"
done_testing

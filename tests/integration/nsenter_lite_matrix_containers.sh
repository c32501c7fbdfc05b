#!/usr/bin/env bash
# nsenter-lite's all-or-nothing join and --explain's prediction for
# containers named by reference (tests/lib/nsenter_lite_matrix.sh says what
# each case checks), as root and as a stranger, beside an impostor.
# timeout: 1800 (every case scans the whole host, twice; more on a loaded one)
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/nsenter_lite.sh"
on_exit "wait"
source "$(dirname "$0")/../lib/nsenter_lite_matrix.sh"

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
		"hostname '$KNAME' && touch '$IMPD/ready' && exec env container=docker sleep 7200" >/dev/null
	wait_for "$IMPD/ready" || fail "impostor started"

	# P: a podman container with no state of its own (named by its id), its
	# init in a root-owned libpod-<ID>.scope; its monitor, a process in our
	# namespaces, in libpod-conmon-<ID>.scope, is not the container
	PID_P=c$(KHEX 32 | cut -c2-) P=""
	PS=$CGROOT/nsl-mx-$$/libpod-$PID_P.scope PM=$CGROOT/nsl-mx-$$/libpod-conmon-$PID_P.scope
	if mkdir "$PS" && on_exit "rm_cgroup '$PS'" && mkdir "$PM" && on_exit "rm_cgroup '$PM'" &&
	   bg_start sh -c "echo \$\$ >'$PM/cgroup.procs' && touch '$IMPD/conmon' && exec sleep 7200" >/dev/null &&
	   wait_for "$IMPD/conmon" && start_target pod "pod-$$" user,uts,ipc,net,pid &&
	   echo "$TGT" >"$PS/cgroup.procs"; then
		P=$TGT DIR[P]=$TGT_DIR PID[P]=$TGT
		read_tino P "${DIR[P]}"
	else
		fail "podman container started"
	fi

	# cform_opts FORM USERNS(0/1): forms naming uts and ipc of K (and for
	# the mixed ones, one of R's namespaces)
	cform_opts() { # sets OPTS
		case $1 in
		name)      OPTS="-t $CN -u -i";;
		short)     OPTS="-t $CS -u -i";;
		full)      OPTS="-t $CF -u -i";;
		N1)        OPTS="-N $CN -t 1 -u -i";;
		refs)      OPTS="--uts=$CN --ipc=$CS";;
		nrefs)     OPTS="--uts=$CN --ipc=$CN";;
		name+file) OPTS="-t $CN -u -i --net=/proc/$R/ns/net";;
		t+ref)     OPTS="-t $R -n --uts=$CN --ipc=$CF";;
		esac
		if [ "$2" = 1 ]; then
			case $1 in refs|nrefs|t+ref) OPTS="$OPTS --user=$CN";; *) OPTS="$OPTS -U";; esac
		fi
	}
	cform_asks() { # sets ASKS
		ASKS="uts:$CX ipc:$CX"
		case $1 in name+file|t+ref) ASKS="$ASKS net:R";; esac
		[ "$2" = 1 ] && ASKS="$ASKS user:$CX"
		true
	}
	# CX: the container (K, or P for podman), CN its name (P: its short
	# id), CS its short id, CF its full id
	for who in root stranger; do
		runner_prefix "$who"
		for CX in K P; do
			case $CX in
			K) CN=$KNAME CS=$KSHORT CF=$KID CFORMS="name short full N1 refs name+file t+ref";;
			P) [ -n "$P" ] || continue
			   CN=${PID_P:0:12} CS=${PID_P:0:10} CF=$PID_P CFORMS="short full N1 refs t+ref";;
			esac
			for f in $CFORMS; do
				for u in 0 1; do
					cform_opts "$f" "$u"; cform_asks "$f" "$u"; expected_rc "$who" "$ASKS"
					plus=""; [ "$u" = 1 ] && plus=" +user"
					run_case "$who container $CX $f$plus: $OPTS" "$PRE" "$EXP" "$ASKS" "$OPTS"
				done
			done
		done
	done
	CX=K CN=$KNAME CS=$KSHORT CF=$KID

	# K stops: only the impostor claims the name, the id names nothing
	kill -TERM "$KL"; wait "$KL" 2>/dev/null
	if wait_dead "$K" && [ ! -e "/proc/$K" ]; then
		for who in root stranger; do
			runner_prefix "$who"
			for f in name N1 nrefs short; do
				for u in 0 1; do
					cform_opts "$f" "$u"
					[ "$f" = name ] && [ "$u" = 1 ] && OPTS="$OPTS -n -p"
					run_case "$who, container stopped, impostor left: $OPTS" "$PRE" 125 "" "$OPTS"
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

mx_summary "container references"
done_testing

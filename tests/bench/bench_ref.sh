#!/usr/bin/env bash
# A namespace given by inode or id:NSID against the same namespace given as
# pid:N, at 1,000, 10,000 and 20,000 processes (50 per container): nspid
# -N REF -a, nsenter-lite --net=REF, nstree REF. Target (issue 16): the
# inode and id forms at most 20 ms at 10k and flat from 1k to 20k, as the
# pid:N form is. The commands run interleaved, RUNS rounds (default 7);
# CPU time (user + system) medians, as the host may be shared, and the
# ratio of each form to its pid:N form in the same round. The floor is
# nspid --version (start-up, libraries).
#   REF_SIZES="1000 10000" to choose the populations, REF_TOOLS="nspid
#   nsenter" the tools (nstree's full snapshot takes seconds on a busy host); REF_BASE=DIR (another
#   build directory, e.g. of main) adds its inode and id forms, "before".
#   REF_PICK=last names the last container started (highest pids: the
#   /proc walk reaches it last) instead of the 4th (early: its best case).
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-7}
SIZES=${REF_SIZES:-1000 10000 20000}
TOOLS=${REF_TOOLS:-nspid nsenter nstree}

# ns_id FILE: the 64-bit id of the namespace FILE (NS_GET_ID)
ns_id() {
	python3 -c 'import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print(struct.unpack("Q", fcntl.ioctl(fd, 0x8008b70d, bytes(8)))[0])' "$1"
}
ino_of() { readlink "$1" | tr -dc 0-9; }

printf '%-7s %-12s %9s %9s %9s %9s %9s\n' procs tool "pid:N" inode "id:NSID" "ino/pid" "id/pid"
for n in $SIZES; do
	pop_start "$n" $((n / 50)) || exit 1
	if [ "${REF_PICK:-}" = last ]; then
		read -r p _ < <(tail -n 1 "$BENCH_TMP/pop.ready")
	else
		read -r p _ < <(sed -n 4p "$BENCH_TMP/pop.ready")
	fi
	pino=$(ino_of "/proc/$p/ns/pid")
	pid_id=$(ns_id "/proc/$p/ns/pid")
	nino=$(ino_of "/proc/$p/ns/net")
	net_id=$(ns_id "/proc/$p/ns/net")
	# the same answer whichever the form
	a=$("$BUILD/nspid" -N "pid:$p" -a -r -n -o PID | sort)
	for ref in "$pino" "id:$pid_id"; do
		[ "$("$BUILD/nspid" -N "$ref" -a -r -n -o PID | sort)" = "$a" ] ||
			{ echo "nspid -N $ref -a differs from -N pid:$p -a" >&2; exit 1; }
	done
	total=$(ls /proc | grep -c '^[0-9]')
	# per tool: its pid:N, inode and id forms (and the base build's)
	declare -A form=(
		[nspid-pid]="nspid -N pid:$p -a" [nspid-ino]="nspid -N $pino -a"
		[nspid-id]="nspid -N id:$pid_id -a"
		[nsenter-pid]="nsenter-lite --net=pid:$p -- true"
		[nsenter-ino]="nsenter-lite --net=$nino -- true"
		[nsenter-id]="nsenter-lite --net=id:$net_id -- true"
		[nstree-pid]="nstree -t pid pid:$p" [nstree-ino]="nstree $pino"
		[nstree-id]="nstree id:$pid_id"
	)
	specs=("floor=$BUILD/nspid --version")
	for t in $TOOLS; do
		for f in pid ino id; do specs+=("$t-$f=$BUILD/${form[$t-$f]}"); done
		[ -n "${REF_BASE:-}" ] || continue
		specs+=("$t-bino=$REF_BASE/${form[$t-ino]}" "$t-bid=$REF_BASE/${form[$t-id]}")
	done
	interleaved "$RUNS" "$BENCH_TMP/ref" "${specs[@]}"
	printf '%-7s %-12s %9s\n' "$n" "($total on the host)" "cpu ms"
	printf '%-7s %-12s %9s\n' "$n" floor "$(med_ms "$BENCH_TMP/ref" floor 3)"
	for t in $TOOLS; do
		pm=$(med_ms "$BENCH_TMP/ref" "$t-pid" 3)
		im=$(med_ms "$BENCH_TMP/ref" "$t-ino" 3)
		dm=$(med_ms "$BENCH_TMP/ref" "$t-id" 3)
		printf '%-7s %-12s %9s %9s %9s %9s %9s\n' "$n" "$t" "$pm" "$im" "$dm" \
			"$(ratio "$im" "$pm")" "$(ratio "$dm" "$pm")"
		[ -n "${REF_BASE:-}" ] || continue
		im=$(med_ms "$BENCH_TMP/ref" "$t-bino" 3)
		dm=$(med_ms "$BENCH_TMP/ref" "$t-bid" 3)
		printf '%-7s %-12s %9s %9s %9s %9s %9s\n' "$n" "$t (base)" "" "$im" "$dm" \
			"$(ratio "$im" "$pm")" "$(ratio "$dm" "$pm")"
	done
	echo "        (CPU medians of $RUNS interleaved rounds; load average $(cut -d' ' -f1 /proc/loadavg))"
	pop_stop
done

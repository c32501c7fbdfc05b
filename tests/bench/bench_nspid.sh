#!/usr/bin/env bash
# nspid: one translation in each direction, and --all of a 50-process pid
# namespace, on host populations of 1,000 and 10,000 processes (50 per
# container). Target: a single translation under 2 ms wall, whatever the
# number of processes on the host. Wall times are hyperfine medians of the
# whole command (start-up included; "--version" is the floor); the library
# line is the translation alone, in-process.
source "$(dirname "$0")/lib.sh"
NSPID=$BUILD/nspid
RUNS=${NSPID_BENCH_RUNS:-200}

# hf_median RUNS CMD...: hyperfine median wall time in ms, and the mean CPU
# time (user + system) next to it: on a shared machine the wall time also
# counts waiting for a core
hf_median() {
	local runs=$1; shift
	hyperfine -N --style none --warmup 10 --runs "$runs" --export-json "$BENCH_TMP/hf.json" \
		"$*" >/dev/null 2>&1 || { echo "failed"; return; }
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%8.2f %8.2f" % (r["median"] * 1000, (r["user"] + r["system"]) * 1000))' \
		"$BENCH_TMP/hf.json"
}

row() { printf '%-7s %-44s %17s\n' "$@"; }
row procs case "wall ms   cpu ms"
for n in 1000 10000; do
	pop_start "$n" $((n / 50)) || exit 1
	# the 4th container holds a pid namespace nested 2 levels deeper
	read -r init _ < <(sed -n 4p "$BENCH_TMP/pop.ready")
	host=$("$NSPID" -N "pid:$init" -r -n -o PID 1)
	[ "$host" = "$init" ] || { echo "nspid -N pid:$init 1 gave '$host', not $init" >&2; exit 1; }
	deep=$("$NSPID" -N "pid:$init" -a -r -n -o NSPID,PID | awk '$1 == 1 && $2 != '"$init"' { print $2; exit }')
	members=$("$NSPID" -N "pid:$init" -a -r -n | wc -l)
	total=$(ls /proc | grep -c '^[0-9]')

	row "$n" "(host: $total processes)" ""
	row "$n" "floor: nspid --version" "$(hf_median "$RUNS" "$NSPID" --version)"
	row "$n" "caller -> levels: nspid $init" "$(hf_median "$RUNS" "$NSPID" "$init")"
	row "$n" "inner -> caller: nspid -N pid:$init 1" "$(hf_median "$RUNS" "$NSPID" -N "pid:$init" -r -n -o PID 1)"
	if [ -n "$deep" ]; then
		row "$n" "caller -> levels, nested: nspid $deep" "$(hf_median "$RUNS" "$NSPID" "$deep")"
		row "$n" "inner -> caller, nested: -N pid:$deep 1" \
			"$(hf_median "$RUNS" "$NSPID" -N "pid:$deep" -r -n -o PID 1)"
	fi
	row "$n" "--all: -N pid:$init -a ($members members)" "$(hf_median 10 "$NSPID" -N "pid:$init" -a)"
	echo "        library: $("$BUILD/tests/helpers/nspid_bench" "${deep:-$init}" 2000)"
	pop_stop
done

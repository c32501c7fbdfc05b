#!/usr/bin/env bash
# nstop on an 80x24 terminal (tmux): the columns fit (COMMAND visible,
# no column name cut), header lines end on whole words, + and - show the
# refresh interval, the members of a namespace follow the sort key, and
# Esc in the list clears a filter kept with Enter.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux.sh"
require_root "the fixtures need namespaces, and nstop reads every process"
NSTOP=$BUILD/nstop
command -v tmux >/dev/null || { skip "[tool] tmux not installed"; done_testing; exit; }
export LC_ALL=C

# a uts namespace with members named so that pid order is not name order
for n in zzz$$ aaa$$ mmm$$; do cp /bin/sleep "$T_TMP/$n"; done
U=$(bg_start unshare --uts sh -c "'$T_TMP/zzz$$' 300 & '$T_TMP/aaa$$' 300 & '$T_TMP/mmm$$' 300 & wait")
for _ in $(seq 100); do [ "$(pgrep -P "$U" | wc -l)" = 3 ] && [ -z "$(pgrep -P "$U" -x sh)" ] && break; sleep 0.05; done
UTS=$(ns_ino "$U" uts)

tmux_start nstop-small 80 24 \
	"ASAN_OPTIONS=\${ASAN_OPTIONS:-} '$NSTOP' -E -d 1 -s COMMAND 2>'$T_TMP/stderr'; echo \$? >'$T_TMP/status'; sleep 60"

wait_screen "namespaces shown"; ok $? "the screen comes up at 80x24"
hdr=$(screen | grep -m1 "^TYPE ")
bad=""
for w in $hdr; do
	case " TYPE NS NSID CONTAINER NPROCS %CPU RSS CHURN COMMAND " in *" $w "*) ;; *) bad="$bad $w";; esac
done
is "$bad" "" "every column name whole at 80 columns ($hdr)"
is "${hdr##* }" "COMMAND" "COMMAND is shown, last"
ok "$([ ${#hdr} -le 80 ]; echo $?)" "the header line fits 80 columns"
# the rows: the command names are there
like "$(screen | grep -E '^(user|pid|net|mnt|uts|ipc|cgroup|time) ' | head -3)" "[a-z]" "rows are drawn"
like "$(screen | sed -n 1,5p | grep -c '^View: ')" 1 "the View line is shown"
# header lines end on a whole word: the key hints end with a whole hint
last=$(screen | tail -1 | sed 's/ *$//')
like "$last" "(^| )[a-zA-Z/]+:[a-z]+$" "the key hint line ends with a whole hint ($last)"
like "$(screen | sed -n 2p | sed 's/ *$//')" "(total|[a-z]+ [0-9]+)$" "the namespace count line ends on a whole 'type N'"

# + and -: the interval is shown
keys +
wait_screen "^View: .*, every 2 s$" 5; ok $? "+ : the View line says every 2 s"
wait_screen "refresh every 2 s" 2; ok $? "... and the bottom line says it"
keys - -
wait_screen "^View: .*, every 0.5 s$" 5; ok $? "- - : every 0.5 s"

# the members follow the sort key (COMMAND, ascending; r reverses)
keys / ; for ((i = 0; i < ${#UTS}; i++)); do keys "${UTS:$i:1}"; done; keys Enter
keys g g
wait_screen "^1 namespaces shown" ; ok $? "filtered to the fixture's uts namespace (flat)"
# the member rows, each named by its command: sh's own line names the others
members() {
	screen | grep -E '^ +[0-9]+ +[0-9]+ ' |
		sed -E 's/.* sh -c.*/sh/; s/.*\/(aaa|mmm|zzz)[0-9]+ 300.*/\1/' | paste -sd' '
}
keys Enter
wait_screen "uts namespace $UTS: 4 processes, by COMMAND" ; ok $? "its members, by COMMAND"
order=$(members)
is "$order" "aaa mmm sh zzz" "members in COMMAND order, not pid order"
keys r
wait_screen "by COMMAND \(desc\)" ; ok $? "r: descending"
for _ in $(seq 50); do
	order=$(members)
	[ "$order" = "zzz sh mmm aaa" ] && break; sleep 0.1
done
is "$order" "zzz sh mmm aaa" "... the members reversed"

# Esc: back to the list, then the kept filter goes
keys Escape
wait_screen "^1 namespaces shown" ; ok $? "Esc: back to the namespace list"
like "$(screen | grep '^View: ')" "filter '$UTS'" "the filter is kept"
keys Escape
wait_screen "filter cleared" 5; ok $? "Esc in the list: the filter is cleared"
unlike "$(screen | grep '^View: ')" "filter '" "... and the View line has no filter"
keys q
for _ in $(seq 50); do [ -s "$T_TMP/status" ] && break; sleep 0.1; done
is "$(cat "$T_TMP/status" 2>/dev/null)" 0 "q exits 0"
is "$(cat "$T_TMP/stderr")" "" "nothing on stderr"
done_testing

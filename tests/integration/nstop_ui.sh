#!/usr/bin/env bash
# nstop's screen driven through tmux: the test's namespaces show, Enter
# drills in, the filter narrows, a member exiting while shown, resize,
# help, the events pane with an unshare done meanwhile, q exits 0.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux.sh"
require_root "the fixtures need namespaces, and nstop reads every process"
NSTOP=$BUILD/nstop
command -v tmux >/dev/null || { skip "[tool] tmux not installed"; done_testing; exit; }
export LC_ALL=C

HOST=nstopA$$
A=$(bg_start unshare --net --uts --ipc sh -c "hostname $HOST; exec sleep 300")
for _ in $(seq 100); do [ "$(cat /proc/$A/comm)" = sleep ] && break; sleep 0.05; done
A_NET=$(ns_ino "$A" net)
# a second member of A's namespaces, to exit while the members are shown
A2=$(bg_start nsenter -t "$A" -n -u -i sleep 301)
for _ in $(seq 100); do [ "$(ns_ino "$A2" net)" = "$A_NET" ] && break; sleep 0.05; done
diag "A=$A A2=$A2 net=$A_NET"

tmux_start nstop-test 120 40 \
	"ASAN_OPTIONS=\${ASAN_OPTIONS:-} '$NSTOP' -d 0.3 2>'$T_TMP/stderr'; echo \$? >'$T_TMP/status'; sleep 60"

wait_screen "namespaces shown" ; ok $? "the screen comes up"
screen | grep -q "^TYPE  *NS  *NSID  *CONTAINER  *NPROCS  *%CPU  *RSS  *CHURN  *COMMAND"
ok $? "column header line"
# other tests may run thousands of namespaces: filter to A's net namespace;
# the tree keeps its owner, the host's user namespace, as context
keys / ; for ((i = 0; i < ${#A_NET}; i++)); do keys "${A_NET:$i:1}"; done; keys Enter
wait_screen "^net +\`- $A_NET +[0-9]+ +- +2 " ; ok $? "tree: A's net namespace under its owner, no container (a hostname is no container), 2 members"
wait_screen "^2 namespaces shown" ; ok $? "the filter narrows to it and its context"
like "$(screen | grep -E -B1 "^net +\`- $A_NET")" "^user +[0-9]+ " "the row above is the user namespace"
keys g
wait_screen "View: container, type all, sort %CPU \(desc\), filter '$A_NET'" ; ok $? "g groups by container"
keys g
wait_screen "View: flat, type all" ; ok $? "g again: flat"
wait_screen "^1 namespaces shown" ; ok $? "flat: one namespace left"
like "$(screen | grep -c "^[a-z]\+ \+[0-9]\{6,\}")" '^1$' "one namespace row"

# Enter: its members, with host pid and pid inside
keys Enter
wait_screen "net namespace $A_NET: 2 processes" ; ok $? "Enter opens the namespace"
like "$(screen | grep -E "^ +$A +[0-9]+ ")" "^ +$A +$A root .* sleep 300" "member A with its command line"
like "$(screen | grep -E "^ +$A2 +[0-9]+ ")" "sleep 301" "member A2 listed"

# Enter on the first member: its namespaces against ours
keys Home Enter
wait_screen "^process $A \(sleep\)" ; ok $? "Enter on a process opens its namespaces"
like "$(screen | grep '^net ')" "^net +$A_NET .* differs" "net differs from the host's"
like "$(screen | grep '^uts ')" "differs" "uts differs"
like "$(screen | grep '^mnt ')" " same" "mnt is the host's"
keys Escape
wait_screen "net namespace $A_NET: 2 processes" ; ok $? "Esc goes back to the members"

# a member exits while shown
kill -KILL "$A2"
wait_screen "net namespace $A_NET: 1 processes" ; ok $? "an exited member disappears"
unlike "$(screen)" "sleep 301" "its line is gone"
keys BSpace
wait_screen "^1 namespaces shown" ; ok $? "Backspace back to the namespaces"

# clear the filter, cycle the type filter
keys / Escape
wait_screen "View: flat, type all, sort" ; ok $? "Esc in the prompt clears the filter"
keys t t t
wait_screen "View: flat, type mnt" ; ok $? "t cycles the type filter"
like "$(screen | awk '/^TYPE/ {f=1; next} f && /^[a-z]+ +[0-9]/ {print $1}' | sort -u)" '^mnt$' "only mnt rows"
keys t t t t t t
wait_screen "View: flat, type all" ; ok $? "t cycles back to all"
keys g
wait_screen "View: tree, type all" ; ok $? "g switches to the tree"

# sort column, order, pause, interval
keys '>'
wait_screen "View: tree, type all, sort RSS \(desc\)" ; ok $? "> sorts by the next column"
keys '<' '<'
wait_screen "View: tree, type all, sort NPROCS \(desc\)" ; ok $? "< sorts by the previous one"
keys r
wait_screen "sort NPROCS(, every [0-9.]+ s)? *$" ; ok $? "r reverses the order"
keys s
wait_screen "sort %CPU \(desc\)" ; ok $? "s moves to the next column, largest first"
keys p
wait_screen "\[paused\]" ; ok $? "p pauses"
keys p +
wait_screen "refresh every 0.5 s" ; ok $? "+ lengthens the interval"
unlike "$(screen)" "\[paused\]" "p resumes"

# help screen
keys h
wait_screen "cycle the type filter" ; ok $? "h shows the key help"
keys x
wait_screen "namespaces shown" ; ok $? "any key leaves the help"

# resizing
$TM resize-window -x 40 -y 10
wait_screen "^nstop - " ; ok $? "40x10 still draws"
$TM resize-window -x 20 -y 5
wait_screen "terminal too small" ; ok $? "20x5 says the terminal is too small"
$TM resize-window -x 120 -y 40
wait_screen "namespaces shown" ; ok $? "back to 120x40"

# events pane, with an unshare done while it is open, filtered (f) to this
# test's processes; a tall window (the pane is a third of it)
$TM resize-window -x 120 -y 240
keys e
wait_screen "^Events, newest first: " ; ok $? "e opens the events pane"
if screen | grep -q "event source not available"; then
	skip "[bpf] event source not available: $(screen | sed -n 's/.*event source not available: //p' | head -1)"
else
	npid=$(pgrep -x -P "$($TM display -p -t 0 '#{pane_pid}')" nstop)
	# other tests on the host unshare too (a storm of them may run): the
	# pane filtered to this test's own process tree (f, pid:N) shows only
	# ours, filtered in the kernel, so none of theirs can crowd it out
	keys f p i d : $(sed 's/./& /g' <<<"$$") Enter
	wait_screen "^Events, newest first: .*, filter 'pid:$$'" ; ok $? "f pid:N filters the pane to the test's process tree"
	# an unshare outside our tree (the tmux server is not our descendant)
	$TM run-shell "unshare --uts true"
	unshare --uts true & upid=$!; wait $upid
	wait_screen "unshare +pid +$upid +unshare +uts " 30; ok $? "the unshare shows in the pane"
	others=$(screen | sed -n '/^Events, newest first/,$p' | grep -E '^[0-9:]{8} ' | grep -Ev " pid +$upid ")
	is "$others" "" "the pane shows nothing from outside the test's process tree"
	keys f Escape
	wait_screen "^Events, newest first: [^']*$" ; ok $? "Esc in the events prompt clears the filter"

	# nstop's hostname reader (a child named nstop joining A's uts
	# namespace at each label refresh, every 10 s) as nstrace sees it,
	# while the pane shows commands named nstop: not one of our reader's
	keys f c o m m : n s t o p Enter
	wait_screen "^Events, newest first: .*, filter 'comm:nstop'" ; ok $? "f comm:TEXT filters by command name"
	"$BUILD/nstrace" -p "$npid" -t uts -o "$T_TMP/self.trace" 2>/dev/null & tpid=$!
	on_exit "kill $tpid"
	for _ in $(seq 300); do grep -q " setns(" "$T_TMP/self.trace" 2>/dev/null && break; sleep 0.1; done
	like "$(cat "$T_TMP/self.trace")" " setns\(" "nstrace sees nstop's hostname reader join a uts namespace"
	# then an unshare of ours named nstop...: once it shows, the pane has
	# read every event before it (this feed is filtered in user space: on
	# a host whose storm of calls overflows the ring buffer a record may be
	# lost, so another one is made until one shows)
	ln -s "$(command -v unshare)" "$T_TMP/nstopsync$$"
	shown=1
	for _ in $(seq 10); do
		"$T_TMP/nstopsync$$" --uts true & upid=$!; wait $upid
		wait_screen "unshare +pid +$upid +nstopsync$$ +uts " 3 && { shown=0; break; }
	done
	ok $shown "an unshare by a command named nstop... shows"
	# other tests' nstop instances may show: only our nstop's helpers count
	helpers=$(grep -o '\[[0-9]*\] setns(' "$T_TMP/self.trace" | tr -dc '0-9\n' | sort -u | paste -sd'|')
	diag "our nstop $npid, its hostname readers: $helpers"
	unlike "$(screen | sed -n '/^Events, newest first/,$p')" " setns +pid +($helpers) " \
		"nstop's own hostname reads are not in the pane"
	keys f Escape

	# ct:NAME: a container (a pid namespace whose init says container=,
	# hostname nstct$$) whose init keeps making unshare calls through a
	# command of its own name; only those show (once a refresh has seen
	# the container)
	ln -s "$(command -v unshare)" "$T_TMP/ctu$$"
	bg_start unshare --pid --fork --uts sh -c "hostname nstct$$ &&
		exec env container=nstui$$ sh -c 'while :; do \"$T_TMP/ctu$$\" --uts true; sleep 0.2; done'" >/dev/null
	keys f c t : $(sed 's/./& /g' <<<"nstct$$") Enter
	wait_screen "^Events, newest first: .*, filter 'ct:nstct$$'" ; ok $? "f ct:NAME filters by container"
	wait_screen "unshare +pid +[0-9]+ +ctu$$ +uts " 30 ; ok $? "the container's unshare calls show"
	others=$(screen | sed -n '/^Events, newest first/,$p' | grep -E '^[0-9:]{8} ' | grep -v " ctu$$ ")
	is "$others" "" "nothing from outside the container"
	keys f Escape
	# a pid that does not exist: one line, the filter stays as it was
	keys f 9 9 9 9 9 9 9 Enter
	wait_screen "no process 9999999" ; ok $? "f with a pid that does not exist says so"
	like "$(screen | grep '^Events, newest first')" "^Events, newest first: [^']*$" "... and the pane stays unfiltered"
fi

keys q
for _ in $(seq 50); do [ -s "$T_TMP/status" ] && break; sleep 0.1; done
is "$(cat "$T_TMP/status" 2>/dev/null)" 0 "q exits 0"
is "$(cat "$T_TMP/stderr" 2>/dev/null)" "" "nothing on stderr"

# without a usable terminal: exit 3 pointing at -b, no escape codes written
"$NSTOP" >"$T_TMP/notty" 2>"$T_TMP/notty.err"; is "$?" 3 "stdout not a terminal: exit 3"
like "$(cat "$T_TMP/notty.err")" "not a terminal.*-b \(--batch\)" "... the message points at -b"
is "$(wc -c <"$T_TMP/notty")" 0 "... nothing written to stdout"
for env in "TERM=dumb" "-u TERM"; do
	rm -f "$T_TMP/tstatus"
	$TM new-window -d "env $env '$NSTOP' 2>'$T_TMP/terr'; echo \$? >'$T_TMP/tstatus'; sleep 60"
	for _ in $(seq 100); do [ -s "$T_TMP/tstatus" ] && break; sleep 0.1; done
	is "$(cat "$T_TMP/tstatus" 2>/dev/null)" 3 "env $env, on a terminal: exit 3"
	like "$(cat "$T_TMP/terr" 2>/dev/null)" "TERM is (dumb|unset).*-b \(--batch\)" "env $env: the message points at -b"
done
done_testing

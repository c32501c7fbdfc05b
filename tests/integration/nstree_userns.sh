#!/usr/bin/env bash
# nstree's user and time namespace columns: UIDMAP, GIDMAP, SETGROUPS, the
# PID process's uid and gid inside its user namespace (NSUID, NSGID) and
# TIMEOFFSETS, against namespaces this test makes (util-linux unshare, no
# newuidmap) and their /proc files as ground truth; in a table, in JSON
# (types), and through --save / --load after the namespaces are gone.
source "$(dirname "$0")/../lib/lib.sh"
NSTREE=$BUILD/nstree
require_root "unshare --map-user, setpriv and writing another process's maps need root"

OTHER=$((61000 + $$ % 4000))
# A: a user namespace mapping uid/gid 1000 inside onto ours (root, 0):
#    unshare --map-user writes setgroups deny before gid_map
A=$(bg_start unshare --user --map-user=1000 --map-group=1000 sh -c "touch '$T_TMP/a.up'; exec sleep 600")
# B: a stranger's user namespace with no map written: its uid is unmapped
mkdir -p "$T_TMP/b" && chmod 777 "$T_TMP/b" && chmod 755 "$T_TMP"
B=$(bg_start setpriv --reuid=$OTHER --regid=$OTHER --clear-groups unshare --user sh -c "touch '$T_TMP/b/up'; exec sleep 600")
# C: a user namespace with a map of several lines (root writes it)
C=$(bg_start unshare --user sh -c "touch '$T_TMP/c.up'; exec sleep 600")
# T: a time namespace with offsets
T=$(bg_start unshare --time --monotonic 10 --boottime -3 sh -c "touch '$T_TMP/t.up'; exec sleep 600")
for f in a.up b/up c.up t.up; do wait_for "$T_TMP/$f" || fail "fixture $f started"; done
# poll until each has exec'ed sleep: then it is the process with the maps
for p in $A $B $C $T; do
	n=200; while [ $n -gt 0 ] && [ "$(cat /proc/$p/comm 2>/dev/null)" != sleep ]; do sleep 0.05; n=$((n - 1)); done
done
# one write(2): a map is written once, whole
python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY); os.write(fd, b"0 0 1\n1 100000 65536\n")' \
	/proc/$C/uid_map || fail "uid_map of C written"

row() { # row PID COLUMNS: the user (or time) namespace row of PID
	"$NSTREE" -l -n -r -o "$2" -t "${3:-user}" -p "$1" 2>/dev/null | sed 's/\\x20/ /g'
}
canon() { tr -s ' \t' ' ' <"$1" | sed 's/^ //; s/ $//' | paste -sd,; }

is "$(row "$A" UIDMAP,GIDMAP,SETGROUPS,NSUID,NSGID)" \
	"$(canon /proc/$A/uid_map) $(canon /proc/$A/gid_map) $(cat /proc/$A/setgroups) 1000 1000" \
	"map-user: UIDMAP GIDMAP SETGROUPS as /proc shows them, uid and gid 1000 inside"
is "$(row "$A" UIDMAP)" "1000 0 1" "... the map is INSIDE OUTSIDE COUNT"
is "$(row "$A" SETGROUPS)" "deny" "... setgroups deny (written before gid_map)"
is "$(row "$B" NSUID,NSGID,SETGROUPS)" "65534 65534 allow" \
	"no map written: the process's uid and gid are unmapped (65534), setgroups allow"
is "$(row "$B" UIDMAP,GIDMAP | tr -d ' ')" "" "... UIDMAP and GIDMAP empty"
is "$(row "$C" UIDMAP)" "0 0 1,1 100000 65536" "several map lines joined by ','"
is "$(row "$C" NSUID)" "0" "... our uid 0 is 0 inside through the first line"
is "$(row "$T" TIMEOFFSETS time)" "$(canon /proc/$T/timens_offsets)" "TIMEOFFSETS as /proc/PID/timens_offsets"
is "$(row "$T" TIMEOFFSETS time)" "monotonic 10 0,boottime -3 0" "... monotonic 10 s, boottime -3 s"

# JSON: numbers, arrays of strings, a string
j=$("$NSTREE" -l -J -o NS,UIDMAP,GIDMAP,SETGROUPS,NSUID,NSGID -t user -p "$C" 2>/dev/null)
is "$(echo "$j" | python3 -c 'import json,sys
r=json.load(sys.stdin)["namespaces"][0]
print(r["uidmap"], type(r["nsuid"]).__name__, type(r["nsgid"]).__name__, r["setgroups"])')" \
	"['0 0 1', '1 100000 65536'] int int allow" "-J: UIDMAP an array of lines, NSUID and NSGID numbers, SETGROUPS a string"
j=$("$NSTREE" -l -J -o TIMEOFFSETS -t time -p "$T" 2>/dev/null)
is "$(echo "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["namespaces"][0]["timeoffsets"])')" \
	"['monotonic 10 0', 'boottime -3 0']" "-J: TIMEOFFSETS an array"

# --save / --load: the same after the namespaces are gone
F=$T_TMP/snap.json
"$NSTREE" --save "$F" 2>/dev/null || fail "--save"
AU=$(ns_ino "$A" user) CU=$(ns_ino "$C" user) TT=$(ns_ino "$T" time)
kill -KILL "$A" "$B" "$C" "$T" 2>/dev/null
loaded() { "$NSTREE" --load "$F" -l -n -r -o "NS,$1" -t "$2" 2>/dev/null | awk -v i="$3" '$1 == i { $1 = ""; print substr($0, 2) }' | sed 's/\\x20/ /g'; }
is "$(loaded UIDMAP,GIDMAP,SETGROUPS,NSUID,NSGID user "$AU")" "1000 0 1 1000 0 1 deny 1000 1000" "--load: A's maps, setgroups and ids inside, as saved"
is "$(loaded UIDMAP user "$CU")" "0 0 1,1 100000 65536" "--load: C's map of two lines"
is "$(loaded TIMEOFFSETS time "$TT")" "monotonic 10 0,boottime -3 0" "--load: the time offsets"

# a saved file with a map that is no map is refused, not shown
python3 - "$F" "$T_TMP/bad.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for n in d["namespaces"]:
    if n.get("uid_map") is not None:
        n["uid_map"] = "0 0 1\u001b[31m"
        break
json.dump(d, open(sys.argv[2], "w"))
PYEOF
out=$("$NSTREE" --load "$T_TMP/bad.json" -l 2>&1 >/dev/null); rc=$?
like "$rc:$out" '^[1-9][0-9]*:.*"uid_map" is not an id map' "--load: a hostile uid_map is refused with one message"
done_testing

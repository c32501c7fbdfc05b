#!/usr/bin/env bash
# nstree against a population this test builds itself:
#   A  pid namespaces nested 3 deep (unshare -fp three times)
#   B  a user namespace owned by uid $OWNER (uid map 0 -> $OWNER) owning a
#      net, a uts and a pid namespace (whose parent pid ns is the host's)
#   C1 C2 sibling containers (pid+net+uts+ipc+mnt), C1 with 3 processes
# The tree, the counts, the owners and the filters are checked against what
# the workloads' /proc/PID/ns links say; then the list is compared with
# the system's lsns -J for the namespaces created here.
source "$(dirname "$0")/../lib/lib.sh"
require_root "the fixtures need namespaces and ip netns"
NSTREE=$BUILD/nstree
OWNER=$((40000 + $$ % 20000))

children() { echo $(cat /proc/"$1"/task/*/children 2>/dev/null); }
# wait until PID has a chain of DEPTH single descendants; print the chain
chain() {
	local pid=$1 depth=$2 n=200 out c i
	while [ $n -gt 0 ]; do
		out=$pid c=$pid
		for ((i = 0; i < depth; i++)); do
			c=$(children "$c" | awk '{print $1}')
			[ -n "$c" ] || break
			out="$out $c"
		done
		if [ $i -eq "$depth" ] && [ "$(cat /proc/"$c"/comm 2>/dev/null)" = sleep ]; then
			echo "$out"; return 0
		fi
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

a=$(bg_start unshare -fp --kill-child -- unshare -fp --kill-child -- \
	unshare -fp --kill-child -- sleep 1000)
b=$(bg_start setpriv --reuid="$OWNER" --regid="$OWNER" --clear-groups \
	unshare --user --map-root-user --net --uts --pid --fork --kill-child sleep 1000)
c1=$(bg_start unshare -fp --net --uts --ipc --mount --kill-child \
	sh -c 'sleep 1000 & sleep 1000 & exec sleep 1000')
c2=$(bg_start unshare -fp --net --uts --ipc --mount --kill-child sleep 1000)

A=$(chain "$a" 3) && B=$(chain "$b" 1) && C2=$(chain "$c2" 1) || { fail "population up"; done_testing; exit; }
n=200
while [ "$(children "$(children "$c1")" | wc -w)" -lt 2 ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
c1init=$(children "$c1")
C1="$c1 $c1init $(children "$c1init")"
read -r _ a1 a2 a3 <<<"$A"
read -r _ bchild <<<"$B"
pass "population up: A=[$A] B=[$B] C1=[$C1] C2=[$C2]"
ALL="$A $B $C1 $C2"

# Ground truth: every namespace of the test's processes that is not the
# host's, with its type, members and lowest pid, read from /proc/PID/ns.
truth() {
	local p t ino
	for p in $ALL; do
		for t in cgroup ipc mnt net pid time user uts; do
			ino=$(ns_ino "$p" "$t") || continue
			[ "$ino" = "$(ns_ino $$ "$t")" ] && continue
			echo "$ino $t $p"
		done
	done
}
truth >"$T_TMP/truth"
export HOST_PID=$(ns_ino $$ pid) HOST_USER=$(ns_ino $$ user) OWNER
export P1=$(ns_ino "$a1" pid) P2=$(ns_ino "$a2" pid) P3=$(ns_ino "$a3" pid)
export U=$(ns_ino "$b" user) NETB=$(ns_ino "$b" net) UTSB=$(ns_ino "$b" uts) PB=$(ns_ino "$bchild" pid)
export NETC1=$(ns_ino "$c1init" net) PIDC1=$(ns_ino "$c1init" pid) PIDC2=$(ns_ino "$(children "$c2")" pid)
export C1PIDS="$C1" LEAF=$a3 TRUTH=$T_TMP/truth

# check SCRIPT JSON...: python prints "PASS name" / "FAIL name: detail"
check() {
	local script=$1 line; shift
	while IFS= read -r line; do
		case $line in
		PASS\ *) pass "${line#PASS }" ;;
		FAIL\ *) fail "${line#FAIL }" ;;
		*) diag "$line" ;;
		esac
	done < <(python3 -c "$PYLIB
$script" "$@" 2>&1 || echo "FAIL checker crashed")
}
PYLIB='
import json, os, sys
E = os.environ
def t(cond, name, detail=""):
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)))
def load(path): return json.load(open(path))["namespaces"]
def flat(nodes, parent=None, out=None):
    out = [] if out is None else out
    for n in nodes:
        out.append((n, parent))
        flat(n.get("children", []), n, out)
    return out
def truth():
    d = {}
    for line in open(E["TRUTH"]):
        ino, typ, pid = line.split()
        e = d.setdefault(int(ino), {"type": typ, "pids": set()})
        e["pids"].add(int(pid))
    return d
I = lambda k: int(E[k])
'

"$NSTREE" --list --json --output-all >"$T_TMP/list.json" 2>"$T_TMP/err"
ok $? "nstree --list --json --output-all exits 0"
"$NSTREE" --json --output-all >"$T_TMP/tree.json" 2>>"$T_TMP/err"
ok $? "nstree --json (tree) exits 0"

check '
L = {n["ns"]: n for n in load(sys.argv[1])}
T = truth()
for ino, e in sorted(T.items()):
    n = L.get(ino)
    t(n is not None, "%s %d listed" % (e["type"], ino))
    if n is None: continue
    t(n["type"] == e["type"], "%d type %s" % (ino, e["type"]), n["type"])
    # a uts namespace: at least its own, as the hostname helper of another
    # scan (setns into every uts namespace) may be in it on a busy host
    if e["type"] == "uts":
        t(n["nprocs"] >= len(e["pids"]), "%s %d NPROCS %d or more" % (e["type"], ino, len(e["pids"])), n["nprocs"])
    else:
        t(n["nprocs"] == len(e["pids"]), "%s %d NPROCS %d" % (e["type"], ino, len(e["pids"])), n["nprocs"])
    t(n["pid"] == min(e["pids"]), "%s %d PID is the lowest member" % (e["type"], ino), n["pid"])
host = L[I("HOST_PID")]
for i, (p, parent) in enumerate([("P1", "HOST_PID"), ("P2", "P1"), ("P3", "P2")]):
    n = L[I(p)]
    t(n["pns"] == I(parent), "%s parent is %s" % (p, parent), n["pns"])
    t(n["level"] == host["level"] + i + 1, "%s level %d" % (p, host["level"] + i + 1), n["level"])
    t(n["ons"] == I("HOST_USER"), "%s owned by the host user ns" % p, n["ons"])
    t(n["nsid"] and n["nsid"] > 0, "%s has a namespace id" % p, n["nsid"])
u = L[I("U")]
t(u["type"] == "user" and u["ouid"] == I("OWNER"), "user ns owner uid is %s" % E["OWNER"], u)
t(u["pns"] == I("HOST_USER") and u["level"] == L[I("HOST_USER")]["level"] + 1, "user ns nests in the host one", u)
for k in ("NETB", "UTSB", "PB"):
    t(L[I(k)]["ons"] == I("U"), "%s owned by the user ns" % k, L[I(k)]["ons"])
t(L[I("PB")]["pns"] == I("HOST_PID"), "its pid ns still nests in the host pid ns", L[I("PB")]["pns"])
t(L[I("NETC1")]["nprocs"] == 4, "C1 net: unshare + 3 processes", L[I("NETC1")]["nprocs"])
t(L[I("PIDC1")]["nprocs"] == 3, "C1 pid ns: 3 processes (unshare stays outside)", L[I("PIDC1")]["nprocs"])
t(L[I("PIDC1")]["pns"] == L[I("PIDC2")]["pns"] == I("HOST_PID"), "C1 and C2 are siblings")
t(all(n["ouid"] is None for n in L.values() if n["type"] != "user"), "OUID only on user namespaces")
# "detached" (the kernel could not be asked: every member exited first) may
# mark a namespace of processes anywhere on a busy host; the other flags not
t(all(n["flags"] in (None, "detached") or n["nprocs"] == 0 for n in L.values()),
  "FLAGS noprocs/ancestor only on namespaces without processes",
  [(n["ns"], n["type"], n["flags"], n["nprocs"]) for n in L.values() if n["flags"] not in (None, "detached") and n["nprocs"]][:5])
t(all(L[ino]["flags"] is None for ino in T if ino in L), "no FLAGS on the namespaces made here",
  [(ino, L[ino]["flags"]) for ino in T if ino in L and L[ino]["flags"]])
' "$T_TMP/list.json"

check '
F = flat(load(sys.argv[1]))
inos = [n["ns"] for n, _ in F]
t(len(inos) == len(set(inos)), "tree: every namespace exactly once", len(inos) - len(set(inos)))
P = {n["ns"]: (p["ns"] if p else None) for n, p in F}
for child, parent in [("P3", "P2"), ("P2", "P1"), ("P1", "HOST_PID"), ("HOST_PID", "HOST_USER"),
                      ("NETB", "U"), ("UTSB", "U"), ("U", "HOST_USER"), ("PB", "HOST_PID"),
                      ("PIDC1", "HOST_PID"), ("PIDC2", "HOST_PID"), ("NETC1", "HOST_USER")]:
    t(P.get(I(child)) == I(parent), "tree: %s under %s" % (child, parent), P.get(I(child)))
t(P.get(I("HOST_USER"), 0) is None, "tree: host user ns is a root")
# Each namespace made here hangs, through its parents and owners, from a user
# namespace. Host-wide only this holds: a namespace the kernel could not be
# asked about (its processes exited between the scan and the nsfs ioctls:
# short-lived processes of a busy host) has no known owner and is a root,
# flagged "detached"; any other namespace has an owner.
N = {n["ns"]: n for n, _ in F}
def root(ino):
    seen = set()
    while P.get(ino) is not None and ino not in seen:
        seen.add(ino)
        ino = P[ino]
    return ino
mine = {ino: root(ino) for ino in truth() if ino in N}
t(len(mine) == len(truth()) and all(N[r]["type"] == "user" for r in mine.values()),
  "tree: the namespaces made here are under user namespaces (roots are user namespaces)",
  {i: (N[r]["type"], r) for i, r in mine.items() if N[r]["type"] != "user"} or len(mine))
tops = [n for n, p in F if p is None]
t(all(n["type"] == "user" or n["flags"] == "detached" for n in tops),
  "tree: a root that is not a user namespace is one the kernel could not be asked about (detached)",
  [(n["ns"], n["type"], n["flags"], n["nprocs"]) for n in tops if n["type"] != "user" and n["flags"] != "detached"][:5])
' "$T_TMP/tree.json"

# ---------------------------------------------------------------- filters
sel() { python3 -c 'import json,sys; print(" ".join(sorted(str(n["ns"]) for n in json.load(sys.stdin)["namespaces"])))'; }
sorted() { tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//'; }

got=$("$NSTREE" -l -J -t net -t uts 2>/dev/null | python3 -c 'import json,sys; print(" ".join(sorted({n["type"] for n in json.load(sys.stdin)["namespaces"]})))')
is "$got" "net uts" "-t net -t uts: only those types"
got=$("$NSTREE" -l -J -t net 2>/dev/null | sel)
like " $got " " $NETB " "-t net lists the user ns's net namespace"
like " $got " " $NETC1 " "-t net lists C1's net namespace"

exp=$(for t in cgroup ipc mnt net pid time user uts; do ns_ino "$LEAF" $t; done | sorted)
is "$("$NSTREE" -l -J -p "$LEAF" 2>/dev/null | sel)" "$exp" "-p PID: exactly that process's 8 namespaces"
exp=$(for t in cgroup ipc mnt net pid time user uts; do ns_ino "$a2" $t; done; ns_ino "$a2" pid_for_children)
is "$("$NSTREE" -l -J --task "$a2" 2>/dev/null | sel)" "$(echo "$exp" | sort -u | sorted)" \
	"--task PID also lists its pid_for_children"
exp=$(for p in "$LEAF" "$a2"; do for t in cgroup ipc mnt net pid time user uts; do ns_ino "$p" $t; done; done
	ns_ino "$a2" pid_for_children)
is "$("$NSTREE" -l -J -p "$LEAF" -p "$a2" 2>/dev/null | sel)" "$(echo "$exp" | sort -u | sorted)" \
	"-p A -p B: the namespaces of both"

is "$("$NSTREE" -l -J "$U" 2>/dev/null | sel)" "$(echo "$U $NETB $UTSB $PB" | sorted)" \
	"USERNS argument: it and what it owns"
is "$("$NSTREE" -l -J "$P1" 2>/dev/null | sel)" "$(echo "$P1 $P2 $P3" | sorted)" \
	"PIDNS argument: it and the pid namespaces it contains"
nsid2=$(python3 -c 'import json,sys; print([n["nsid"] for n in json.load(open(sys.argv[1]))["namespaces"] if n["ns"] == int(sys.argv[2])][0])' "$T_TMP/list.json" "$P2")
is "$("$NSTREE" -l -J "id:$nsid2" 2>/dev/null | sel)" "$(echo "$P2 $P3" | sorted)" "id:NSID argument"
is "$("$NSTREE" -l -J "$nsid2" 2>/dev/null | sel)" "$(echo "$P2 $P3" | sorted)" "bare NSID argument"
is "$("$NSTREE" -l -J "/proc/$a3/ns/pid" 2>/dev/null | sel)" "$P3" "namespace file argument"

"$NSTREE" -J "$U" >"$T_TMP/sub.json" 2>/dev/null
check '
F = flat(load(sys.argv[1]))
P = {n["ns"]: (p["ns"] if p else None) for n, p in F}
t(P == {I("U"): None, I("NETB"): I("U"), I("UTSB"): I("U"), I("PB"): I("U")},
  "tree of a user ns argument: its pid ns hangs under it", P)
' "$T_TMP/sub.json"

got=$("$NSTREE" -l -J -P "$NETC1" 2>/dev/null | python3 -c 'import json,sys
ns = json.load(sys.stdin)["namespaces"]
print(" ".join(sorted(str(c["pid"]) for n in ns for c in n.get("children", []))))')
is "$got" "$(echo "$C1PIDS" | sorted)" "-P lists the member processes"
like "$("$NSTREE" -P "$P1" -o NS,PID,FLAGS 2>/dev/null)" "$a1 +for_children" \
	"-P shows a pid_for_children holder"

# ------------------------------------------------------- lsns differential
# Only the namespaces made here are compared: other tests come and go.
lsns_diff() {
	# lsns reads /proc: so does --source=proc (the BPF source also lists
	# processes whose ns links refuse root)
	"$NSTREE" --source=proc -l -J >"$T_TMP/mine.json" 2>/dev/null || return 2
	python3 - "$T_TMP/lsns.json" "$T_TMP/mine.json" <<'EOF'
import json, os, sys
want = {int(l.split()[0]) for l in open(os.environ["TRUTH"])}
def flat(nodes):  # lsns nests pid and user namespaces under their parents
    for n in nodes:
        yield n
        yield from flat(n.get("children", []))
def rows(p, errors):
    doc = json.loads(open(p, "rb").read().decode("utf-8", errors))
    return {n["ns"]: (n["type"], n["nprocs"], n["pid"], n["user"], n["command"])
            for n in flat(doc["namespaces"]) if n["ns"] in want}
# lsns writes other processes' invalid UTF-8 names raw; ours is strict
a, b = rows(sys.argv[1], "replace"), rows(sys.argv[2], "strict")
bad = [(k, a.get(k), b.get(k)) for k in sorted(want) if a.get(k) != b.get(k)]
print(len(a), len(bad), bad[:3])
sys.exit(1 if bad or len(a) != len(want) else 0)
EOF
}
# lsns itself gives up on a host where a process's comm holds a newline
if ! lsns -J >"$T_TMP/lsns.json" 2>"$T_TMP/lsns.err"; then
	skip "[host] lsns -J fails on this host (a process name it cannot parse?) $(head -c 200 "$T_TMP/lsns.err")"
else
	out=$(lsns_diff) || { diag "lsns differs, retrying once: $out"
		lsns -J >"$T_TMP/lsns.json" 2>/dev/null; out=$(lsns_diff); }
	ok $? "same namespaces, types, NPROCS, PID, USER, COMMAND as lsns -J ($out)"
fi
"$NSTREE" -l -J >"$T_TMP/mine.json" 2>/dev/null
keys=$(python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["namespaces"][0].keys()))' "$T_TMP/mine.json")
is "$keys" "ns,type,nprocs,pid,user,pns,ons,nsid,ouid,level,holders,command" "default --list -J keys: lsns's, the extra columns, COMMAND last"

# --------------------------------------------------------------- coverage
if ! readlink /proc/1/ns/net >/dev/null 2>&1; then
	"$NSTREE" --source=proc -l >/dev/null 2>"$T_TMP/err"
	ok $? "partial view still exits 0"
	is "$(wc -l <"$T_TMP/err")" 1 "partial view: one line on stderr"
	like "$(cat "$T_TMP/err")" '^nstree: partial view: [1-9][0-9]* of [0-9]+ processes denied' \
		"partial view names the denied count"
else
	skip "[host] pid 1's ns links are readable here: no partial view to report"
fi
done_testing

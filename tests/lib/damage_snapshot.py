#!/usr/bin/env python3
"""Damage a saved snapshot N times and load each copy with nstree.

    damage_snapshot.py SNAPSHOT NSTREE N SCRATCH

Each copy gets 1-3 changes (a value of the wrong type or out of range, a
member dropped; fixed seed, so runs repeat). nstree --load -l must either
show it (exit 0, no message but the partial-view line) or refuse it with
one "nstree: cannot load ..." line and exit 1; anything else is a failure.
Prints "SHOWN REFUSED BAD" last; each bad copy is described on a "#" line.
"""
import json
import random
import subprocess
import sys

VALUES = [None, -1, 0, 1, 2**31, 2**63 - 1, -2**63, "x", "", [], {}, True, 1.5, 99999]


def paths(o, p=()):
    yield p
    if isinstance(o, dict):
        for k, v in o.items():
            yield from paths(v, p + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o[:6]):
            yield from paths(v, p + (i,))


def damage(d, every):
    for _ in range(random.randint(1, 3)):
        p = random.choice(every)
        o = d
        try:
            for k in p[:-1]:
                o = o[k]
            if random.random() < 0.2 and isinstance(o, dict):
                del o[p[-1]]
            else:
                o[p[-1]] = random.choice(VALUES)
        except (KeyError, IndexError, TypeError):
            pass


def main():
    src, nstree, n, scratch = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    random.seed(7)
    # the host's strings may hold any bytes: kept as they are
    with open(src, encoding="utf-8", errors="surrogateescape") as f:
        base = json.load(f)
    every = list(paths(base))[1:]
    shown = refused = bad = 0
    for i in range(n):
        d = json.loads(json.dumps(base))
        damage(d, every)
        with open(scratch, "w", encoding="utf-8", errors="surrogateescape") as f:
            json.dump(d, f, ensure_ascii=False)
        r = subprocess.run([nstree, "--load", scratch, "-l"], capture_output=True, errors="replace",
                           text=True, timeout=60)
        err = [l for l in r.stderr.splitlines() if not l.startswith("nstree: partial view")]
        if r.returncode == 0 and not err:
            shown += 1
        elif r.returncode == 3 and len(err) == 1 and err[0].startswith("nstree: cannot load "):
            refused += 1
        else:
            bad += 1
            print("# damaged copy %d: exit %d, stderr %r" % (i, r.returncode, r.stderr[-300:]))
    print("%d %d %d" % (shown, refused, bad))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# A small bbolt file laid out as podman's bolt_state.db (buckets "pod" ->
# <pod id> -> "config", "id-registry"), with 512-byte pages so that it fits
# libFuzzer's input size: two meta pages, a freelist, a root leaf, a branch
# page, an inline bucket, a bucket with its own page and an overflow page.
# The seed of tests/fuzz/corpus/bolt/ next to a real podman database:
#   tests/fuzz/bolt_seed.py > tests/fuzz/corpus/bolt/seed-podman-512
import json, struct, sys

PS = 512
A = "7139a21c889ea559350ba3cfd8e9ad0c684232e9704b6b496ff21bc6b25b7057"
B = "bac2098f7fc12e824b94b6d08680e4a743f4e9b18a318dfacb3acc3d38ce231d"

def fnv(b):
    h = 14695981039346656037
    for c in b:
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h

def hdr(pgid, flags, count, overflow=0):
    return struct.pack("<QHHI", pgid, flags, count, overflow)

def leaf(pgid, items):  # items: (key, value, is_bucket), sorted
    elems, data = b"", b""
    n = len(items)
    for i, (k, v, bk) in enumerate(items):
        pos = (n - i) * 16 + len(data)
        elems += struct.pack("<IIII", 1 if bk else 0, pos, len(k), len(v))
        data += k + v
    return hdr(pgid, 0x02, n) + elems + data

def branch(pgid, items):  # items: (key, child pgid)
    elems, data = b"", b""
    n = len(items)
    for i, (k, child) in enumerate(items):
        pos = (n - i) * 16 + len(data)
        elems += struct.pack("<IIQ", pos, len(k), child)
        data += k
    return hdr(pgid, 0x01, n) + elems + data

def inline(items):
    return struct.pack("<QQ", 0, 0) + leaf(0, items)

def meta(pgid, txid, root, hw):
    m = struct.pack("<IIII", 0xED0CDAED, 2, PS, 0) + struct.pack("<QQQQQ", root, 0, 2, hw, txid)
    return hdr(pgid, 0x04, 0) + m + struct.pack("<Q", fnv(m))

cfg = lambda i, n: json.dumps({"id": i, "name": n}).encode()
pages = {}
pages[0] = meta(0, 2, 3, 9)
pages[1] = meta(1, 1, 3, 9)
pages[2] = hdr(2, 0x10, 0)
pages[3] = leaf(3, [(b"id-registry", inline([(A.encode(), b"shop", False), (B.encode(), b"shop-api", False)]), True),
                    (b"pod", struct.pack("<QQ", 4, 0), True)])
pages[4] = branch(4, [(A.encode(), 5), (B.encode(), 6)])
pages[5] = leaf(5, [(A.encode(), inline([(b"config", cfg(A, "shop"), False)]), True)])
pages[6] = leaf(6, [(B.encode(), struct.pack("<QQ", 7, 0), True)])
big = json.dumps({"id": B, "name": "big", "pad": "x" * 600}).encode()
p7 = leaf(7, [(b"config", big, False)])
pages[7] = p7[:8] + struct.pack("<HHI", 0x02, 1, 1) + p7[16:]   # spans pages 7 and 8
out = bytearray(9 * PS)
for n, p in pages.items():
    out[n * PS:n * PS + len(p)] = p
sys.stdout.buffer.write(bytes(out))

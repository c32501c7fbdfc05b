// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A read-only lookup in a bbolt file (go.etcd.io/bbolt, the format of
 * podman's bolt_state.db), for one key in a chain of nested buckets.
 *
 * Format (little-endian; bbolt's page.go, node.go, db.go, bucket.go):
 *   page      id u64, flags u16 (0x01 branch, 0x02 leaf, 0x04 meta,
 *             0x10 freelist), count u16, overflow u32; then count elements;
 *             a page spans (1 + overflow) * page size bytes
 *   meta      pages 0 and 1: magic 0xED0CDAED u32, version 2 u32, page size
 *             u32, flags u32, root bucket (root pgid u64, sequence u64),
 *             freelist u64, high-water pgid u64, txid u64, checksum u64 (FNV-1a
 *             64 of the 56 bytes before it); the valid one with the higher
 *             txid is the last committed transaction
 *   branch    elements pos u32, ksize u32, pgid u64: key at element + pos;
 *             child pgid holds the keys >= key
 *   leaf      elements flags u32 (0x01: the value is a bucket), pos u32,
 *             ksize u32, vsize u32: key at element + pos, value after it
 *   bucket    value: root pgid u64, sequence u64; root 0: an inline bucket,
 *             its one leaf page follows in the value
 * The file is engine-controlled but read as untrusted: every offset is
 * checked against the page it lies in, a page must name its own id, the
 * descent is bounded, and the keys' order is not relied on for safety.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "enrich/engines.h"

#define PAGE_HDR     16
#define ELEM_SIZE    16
#define META_SUM_OFF 56
#define MAGIC        0xED0CDAEDu
#define F_BRANCH     0x01
#define F_LEAF       0x02
#define F_META       0x04
#define F_BUCKET     0x01
#define MAX_DEPTH    64

struct bolt {
	const uint8_t *db;
	size_t len;
	size_t psize;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Page pgid of the file, all its overflow pages included: NULL if it does
 * not lie whole in the file or does not say it is page pgid */
static const uint8_t *page_at(const struct bolt *b, uint64_t pgid, size_t *plen)
{
	uint64_t npages = b->len / b->psize, span;
	const uint8_t *p;

	if (pgid >= npages)
		return NULL;
	p = b->db + pgid * b->psize;
	if (le64(p) != pgid)
		return NULL;
	span = (uint64_t)le32(p + 12) + 1;
	if (span > npages - pgid)
		return NULL;
	*plen = (size_t)(span * b->psize);
	return p;
}

/* key i of a page of plen bytes: 0, or -EINVAL when it lies outside */
static int elem_key(const uint8_t *p, size_t plen, uint16_t i, uint32_t pos, uint32_t ksize,
		    uint32_t vsize, const uint8_t **k)
{
	size_t at = PAGE_HDR + (size_t)i * ELEM_SIZE;

	if ((uint64_t)at + pos + ksize + vsize > plen)
		return -EINVAL;
	*k = p + at + pos;
	return 0;
}

static int key_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

/* The leaf element of key in the tree whose root page is (p, plen) */
static int tree_get(const struct bolt *b, const uint8_t *p, size_t plen, const uint8_t *key,
		    size_t klen, const uint8_t **val, size_t *vlen, uint32_t *vflags)
{
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		uint16_t flags, count;
		uint64_t child = 0;
		bool found = false;

		if (plen < PAGE_HDR)
			return -EINVAL;
		flags = le16(p + 8);
		count = le16(p + 10);
		if (PAGE_HDR + (size_t)count * ELEM_SIZE > plen)
			return -EINVAL;
		for (uint16_t i = 0; i < count; i++) {
			const uint8_t *e = p + PAGE_HDR + (size_t)i * ELEM_SIZE, *k;

			if (flags & F_LEAF) {
				uint32_t ks = le32(e + 8), vs = le32(e + 12);

				if (elem_key(p, plen, i, le32(e + 4), ks, vs, &k))
					return -EINVAL;
				if (ks == klen && !memcmp(k, key, klen)) {
					*val = k + ks;
					*vlen = vs;
					*vflags = le32(e);
					return 0;
				}
			} else if (flags & F_BRANCH) {
				uint32_t ks = le32(e + 4);

				if (elem_key(p, plen, i, le32(e), ks, 0, &k))
					return -EINVAL;
				/* the last child whose first key is <= key, else the first */
				if (!found || key_cmp(k, ks, key, klen) <= 0) {
					child = le64(e + 8);
					found = true;
				}
				if (key_cmp(k, ks, key, klen) > 0)
					break;
			}
		}
		if (!(flags & F_BRANCH) || !found)
			return flags & (F_LEAF | F_BRANCH) ? -ENOENT : -EINVAL;
		if (!(p = page_at(b, child, &plen)))
			return -EINVAL;
	}
	return -ELOOP;
}

/* The root page of the bucket whose value is (v, vlen) */
static const uint8_t *bucket_root(const struct bolt *b, const uint8_t *v, size_t vlen, size_t *plen)
{
	uint64_t root;

	if (vlen < 16)
		return NULL;
	root = le64(v);
	if (root)
		return page_at(b, root, plen);
	/* inline: the page follows the header (its id is 0, not checked) */
	*plen = vlen - 16;
	return v + 16;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* A meta page at off: its txid, -1 if it is not a valid one */
static int meta_ok(const uint8_t *db, size_t len, size_t off, uint32_t *psize, uint64_t *txid,
		   uint64_t *root)
{
	const uint8_t *m;

	if (off > len || len - off < PAGE_HDR + META_SUM_OFF + 8)
		return 0;
	if (!(le16(db + off + 8) & F_META))
		return 0;
	m = db + off + PAGE_HDR;
	if (le32(m) != MAGIC || le32(m + 4) != 2 || fnv1a64(m, META_SUM_OFF) != le64(m + META_SUM_OFF))
		return 0;
	*psize = le32(m + 8);
	*root = le64(m + 16);
	*txid = le64(m + 48);
	return 1;
}

int nsinfo__bolt_get(const void *db, size_t len, const char *const *path, size_t npath,
		     const char *key, const void **val, size_t *vlen)
{
	struct bolt b = { db, len, 0 };
	uint32_t ps0 = 0, ps1 = 0, vflags = 0;
	uint64_t tx0 = 0, tx1 = 0, root0 = 0, root1 = 0, root;
	const uint8_t *p, *v = NULL;
	size_t plen, n = 0;
	int ok0, ok1, r;

	if (!db || !key || (npath && !path))
		return -EINVAL;
	ok0 = meta_ok(db, len, 0, &ps0, &tx0, &root0);
	/* page 1 lies one page size in: that of page 0, else try the usual */
	ok1 = meta_ok(db, len, ok0 ? ps0 : 4096, &ps1, &tx1, &root1);
	if (ok1 && ok0 && ps1 != ps0)
		ok1 = 0;
	if (!ok0 && !ok1)
		return -EINVAL;
	b.psize = ok1 && (!ok0 || tx1 > tx0) ? ps1 : ps0;
	root = ok1 && (!ok0 || tx1 > tx0) ? root1 : root0;
	if (b.psize < 512 || b.psize > 65536 || (b.psize & (b.psize - 1)))
		return -EINVAL;
	if (!(p = page_at(&b, root, &plen)))
		return -EINVAL;
	for (size_t i = 0; i <= npath; i++) {
		const char *k = i < npath ? path[i] : key;

		if (!k)
			return -EINVAL;
		r = tree_get(&b, p, plen, (const uint8_t *)k, strlen(k), &v, &n, &vflags);
		if (r)
			return r;
		if (i == npath)
			break;
		if (!(vflags & F_BUCKET))
			return -ENOTDIR;
		if (!(p = bucket_root(&b, v, n, &plen)))
			return -EINVAL;
	}
	if (vflags & F_BUCKET)
		return -EISDIR;
	*val = v;
	*vlen = n;
	return 0;
}

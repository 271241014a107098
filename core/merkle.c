/* Merkle trees built exactly as OpenZeppelin's @openzeppelin/merkle-tree
 * (v1.x) builds a StandardMerkleTree, so its roots and proofs check with
 * StandardMerkleTree.verify and MerkleProof.sol:
 *
 *   leaf      keccak256(keccak256(abi.encode(values)))
 *   order     leaves sorted ascending by hash, as 256-bit numbers; OZ sorts
 *             with Array.prototype.sort, which is stable, so equal hashes
 *             (duplicate values) keep the order they were given in
 *   layout    2n-1 nodes, leaf k of the sorted order at node 2n-2-k,
 *             node i = hash_pair(node 2i+1, node 2i+2) for i < n-1
 *   hash_pair keccak256 of the two 32-byte values, the smaller first
 *   proof     siblings from the leaf up: sibling(j) = j odd ? j+1 : j-1,
 *             parent(j) = (j-1)/2; a one-leaf tree's root is the leaf
 *
 * Duplicates matter for proofs, not the root: OZ proves the value given at
 * position i from the node its stable sort put it at, and so do we. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

void merkle_leaf_bytes32(uint8_t out[32], const uint8_t value[32])
{
	uint8_t inner[32];

	/* abi.encode(bytes32) is the 32 bytes themselves */
	keccak256(inner, value, 32);
	keccak256(out, inner, 32);
}

void merkle_leaf_address_uint256(uint8_t out[32], const uint8_t addr[20],
				 const uint8_t amount[32])
{
	uint8_t enc[64] = { 0 };
	uint8_t inner[32];

	/* abi.encode(address, uint256): two words, the address right-aligned */
	memcpy(enc + 12, addr, 20);
	memcpy(enc + 32, amount, 32);
	keccak256(inner, enc, sizeof(enc));
	keccak256(out, inner, 32);
}

/* out may alias a or b (merkle_verify folds into its running hash). */
static void hash_pair(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
	uint8_t cat[64];

	if (memcmp(a, b, 32) <= 0) {
		memcpy(cat, a, 32);
		memcpy(cat + 32, b, 32);
	} else {
		memcpy(cat, b, 32);
		memcpy(cat + 32, a, 32);
	}
	keccak256(out, cat, sizeof(cat));
}

/* The sort works on the first 8 bytes of each hash (big-endian, so integer
 * order is byte order) kept next to a pointer to the whole hash: 16 bytes an
 * entry, and the comparator reads the leaves only on a tie. The pointer
 * also gives the leaf's input position, which breaks ties between equal
 * hashes as OZ's stable sort does. */
struct rank {
	uint64_t key;
	const uint8_t *leaf; /* into the caller's leaves */
};

static int rank_cmp(const void *pa, const void *pb)
{
	const struct rank *a = pa, *b = pb;
	int c;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if ((c = memcmp(a->leaf, b->leaf, 32)))
		return c;
	return a->leaf < b->leaf ? -1 : a->leaf > b->leaf;
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* One level of internal nodes [lo, hi), hashed in chunks on all cores. Every
 * child of a level is a leaf or belongs to the level below, done before. */
#define CHUNK 4096
struct level {
	uint8_t (*nodes)[32];
	size_t lo, hi;
};

static void hash_chunk(size_t c, void *payload)
{
	struct level *l = payload;
	size_t a = l->lo + c * CHUNK;
	size_t b = l->hi - a > CHUNK ? a + CHUNK : l->hi;

	for (size_t i = a; i < b; i++)
		hash_pair(l->nodes[i], l->nodes[2 * i + 1],
			  l->nodes[2 * i + 2]);
}

int merkle_build(struct merkle **out, const uint8_t (*leaves)[32], size_t n)
{
	struct merkle *m = NULL;
	struct rank *r = NULL;
	size_t nnodes, bytes, rbytes, wbytes;

	*out = NULL;
	if (n == 0)
		return prov_error_set(PROV_EINVALID, "merkle tree: no leaves");
	if (size_mul(&nnodes, n, 2) || size_mul(&bytes, nnodes - 1, 32) ||
	    size_mul(&rbytes, n, sizeof(*r)) ||
	    size_mul(&wbytes, n, sizeof(size_t)))
		return prov_error_set(PROV_EINVALID,
				      "merkle tree: %zu leaves are too many",
				      n);
	nnodes--;

	m = xcalloc(1, sizeof(*m));
	m->nleaves = n;
	m->nodes = xmalloc(bytes);
	m->where = xmalloc(wbytes);

	r = xmalloc(rbytes);
	for (size_t i = 0; i < n; i++) {
		r[i].key = be64(leaves[i]);
		r[i].leaf = leaves[i];
	}
	qsort(r, n, sizeof(*r), rank_cmp);
	for (size_t k = 0; k < n; k++) {
		size_t node = nnodes - 1 - k;

		memcpy(m->nodes[node], r[k].leaf, 32);
		m->where[(size_t)(r[k].leaf - leaves[0]) / 32] = node;
	}

	/* Internal nodes are 0 .. n-2; depth d holds nodes 2^d-1 .. 2^(d+1)-2.
	 * Hash the deepest level first. */
	if (n > 1) {
		size_t depth = 0;

		while (((size_t)2 << depth) - 1 <= n - 2)
			depth++;
		for (size_t d = depth + 1; d-- > 0;) {
			struct level l = { m->nodes, ((size_t)1 << d) - 1,
					   ((size_t)2 << d) - 1 };

			if (l.hi > n - 1)
				l.hi = n - 1;
			if (l.hi - l.lo <= CHUNK)
				hash_chunk(0, &l);
			else
				parallel_for((l.hi - l.lo + CHUNK - 1) / CHUNK,
					     hash_chunk, &l);
		}
	}

	free(r);
	*out = m;
	return PROV_OK;
}

void merkle_free(struct merkle *m)
{
	if (!m)
		return;
	free(m->nodes);
	free(m->where);
	free(m);
}

int merkle_proof(uint8_t (**proof)[32], size_t *n, const struct merkle *m,
		 size_t i)
{
	uint8_t (*p)[32];
	size_t len = 0;

	*proof = NULL;
	*n = 0;
	if (i >= m->nleaves)
		return prov_error_set(PROV_EINVALID,
				      "merkle proof: leaf %zu of a tree of %zu",
				      i, m->nleaves);
	for (size_t j = m->where[i]; j > 0; j = (j - 1) / 2)
		len++;
	p = xmalloc(len * 32);
	len = 0;
	for (size_t j = m->where[i]; j > 0; j = (j - 1) / 2)
		memcpy(p[len++], m->nodes[j % 2 ? j + 1 : j - 1], 32);
	*proof = p;
	*n = len;
	return PROV_OK;
}

int merkle_verify(const uint8_t root[32], const uint8_t leaf[32],
		  const uint8_t (*proof)[32], size_t n)
{
	uint8_t h[32];

	memcpy(h, leaf, 32);
	for (size_t k = 0; k < n; k++)
		hash_pair(h, h, proof[k]);
	if (memcmp(h, root, 32) != 0)
		return prov_error_set(PROV_EVERIFY,
				      "merkle proof does not lead to the root");
	return PROV_OK;
}

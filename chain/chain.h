/*
 * chain: an EVM client for anchoring records on a chain (issue 6).
 *
 * RLP, ABI encoding, secp256k1 keys and EIP-1559 transactions signed
 * locally, and a JSON-RPC client over libcurl. Keccak-256 is core's
 * (core/keccak.c). Every decoder takes a pointer and a length of
 * untrusted bytes and checks every length before reading.
 */
#ifndef PROV_CHAIN_H
#define PROV_CHAIN_H

#include "core/core.h"

/* ---- RLP ----------------------------------------------------------------- */

/* Encoding appends to out and fails only when out's max is reached
 * (PROV_EINVALID). A list is opened with rlp_list_begin, its items appended,
 * and closed with rlp_list_end(out, start), which puts the header in
 * front; lists nest. */
int rlp_put_bytes(struct buf *out, const void *data, size_t n);
/* An unsigned integer given as n big-endian bytes, written without its
 * leading zeros (0 is the empty string, 0x80). */
int rlp_put_uint(struct buf *out, const uint8_t *be, size_t n);
int rlp_put_u64(struct buf *out, uint64_t v);
size_t rlp_list_begin(struct buf *out);
int rlp_list_end(struct buf *out, size_t start);

/* A decoded item: it points into the caller's bytes (nothing is copied or
 * allocated), which must outlive it. */
#define RLP_DEPTH_MAX 32
struct rlp_item {
	int list;           /* 1 for a list, 0 for a byte string */
	const uint8_t *ptr; /* the payload: a string's bytes, a list's items */
	size_t len;
	const uint8_t *raw; /* the whole item, header included */
	size_t raw_len;
	size_t off;           /* where the item starts in the input */
	const uint8_t *base;  /* the input */
};
/* Decodes n untrusted bytes as exactly one item and checks the whole tree:
 * canonical forms only, lists at most RLP_DEPTH_MAX deep, nothing after
 * the item. PROV_EINVALID naming the offset of the first fault. */
int rlp_decode(struct rlp_item *out, const uint8_t *data, size_t n);
/* Walks the items of a list (of nothing, for a string) from rlp_decode. */
struct rlp_iter {
	const uint8_t *base;
	size_t off, end;
};
void rlp_iter_init(struct rlp_iter *it, const struct rlp_item *list);
/* 1 and *out set for the next item, 0 at the end of the list. */
int rlp_next(struct rlp_item *out, struct rlp_iter *it);
/* An integer item into n big-endian bytes (zero-filled on the left), or
 * into a uint64_t: PROV_EINVALID naming what and the offset for a list, a
 * leading zero or a value too large. */
int rlp_get_uint(uint8_t *be, size_t n, const struct rlp_item *it,
		 const char *what);
int rlp_get_u64(uint64_t *out, const struct rlp_item *it, const char *what);

/* ---- secp256k1 keys ------------------------------------------------------ */

/* A key that sends transactions. sk (32 bytes) lives in sodium_malloc
 * memory and is wiped by chain_key_free. */
struct chain_key {
	uint8_t *sk;
	uint8_t pub[65];  /* uncompressed: 0x04 || x || y */
	uint8_t addr[20]; /* the last 20 bytes of keccak256(x || y) */
	char address[43]; /* "0x" + EIP-55 checksummed hex */
};
/* A fresh key from libsodium's randombytes. Does not fail. */
int chain_key_generate(struct chain_key **out);
/* The key of a given secret; PROV_EINVALID if it is zero or not below the
 * group order. The caller wipes its copy. */
int chain_key_from_secret(struct chain_key **out, const uint8_t sk[32]);
/* Writes the key file (0600; PROV_EEXISTS rather than overwrite).
 * passphrase NULL or "" stores it unencrypted (a MAC still detects
 * damage). */
int chain_key_save(const struct chain_key *k, const char *path,
		   const char *passphrase);
/* Loads and decrypts, calling ask only for an encrypted file: PROV_EPASS
 * for a wrong passphrase, PROV_EINVALID naming path for a damaged file. */
int chain_key_load(struct chain_key **out, const char *path,
		   passphrase_fn ask, void *payload);
void chain_key_free(struct chain_key *k);
/* The address of an uncompressed public key. */
void chain_address_from_pub(uint8_t addr[20], const uint8_t pub[65]);
/* The process's libsecp256k1 context (secp256k1_context *), created and
 * randomized once; safe from any thread. */
const struct secp256k1_context_struct *chain_secp_ctx(void);

/* ---- EIP-1559 transactions ----------------------------------------------- */

/* Amounts (wei) are uint256 as 32 big-endian bytes; RLP writes them as
 * minimal integers. The access list is always empty. */
struct tx {
	uint64_t chain_id; /* EIP-155 */
	uint64_t nonce;
	uint8_t max_priority_fee[32]; /* max_priority_fee_per_gas */
	uint8_t max_fee[32];          /* max_fee_per_gas */
	uint64_t gas_limit;
	int create;    /* 1: contract creation, to is unused */
	uint8_t to[20];
	uint8_t value[32];
	struct buf data; /* calldata, or init code for a creation */
	/* the signature, set by tx_sign and tx_decode */
	int y_parity;
	uint8_t r[32], s[32];
};
void tx_init(struct tx *tx);
void tx_release(struct tx *tx); /* frees data; the tx is empty again */
void u256_from_u64(uint8_t out[32], uint64_t v);
/* keccak256(0x02 || rlp([chain_id, ..., data, access_list])). */
int tx_signing_hash(uint8_t out[32], const struct tx *tx);
/* Signs with k (RFC 6979 nonce, low s), setting tx's signature; raw gets
 * the bytes to send (eth_sendRawTransaction), hash the transaction hash
 * keccak256(raw). */
int tx_sign(struct buf *raw, uint8_t hash[32], struct tx *tx,
	    const struct chain_key *k);
/* Decodes n untrusted bytes of a signed type-2 transaction into out (which
 * was tx_init'ed) and recovers the sender into from. PROV_EINVALID (naming
 * the field or offset; offsets count from the RLP list after the type
 * byte) for malformed or non-canonical bytes or a non-empty access list,
 * PROV_EVERIFY for a signature that recovers no key or has a high s. out
 * is empty on error. */
int tx_decode(struct tx *out, uint8_t from[20], const uint8_t *raw, size_t n);

#endif

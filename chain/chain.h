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
	int list;	    /* 1 for a list, 0 for a byte string */
	const uint8_t *ptr; /* the payload: a string's bytes, a list's items */
	size_t len;
	const uint8_t *raw; /* the whole item, header included */
	size_t raw_len;
	size_t off;	     /* where the item starts in the input */
	const uint8_t *base; /* the input */
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
/* Appends it (from rlp_decode) written again through the encoder, item by
 * item: for a canonical input, the same bytes (the fuzz target's and the
 * tests' check that decoder and encoder agree). */
int rlp_reencode(struct buf *out, const struct rlp_item *it);

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
int chain_key_load(struct chain_key **out, const char *path, passphrase_fn ask,
		   void *payload);
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
	uint8_t max_fee[32];	      /* max_fee_per_gas */
	uint64_t gas_limit;
	int create; /* 1: contract creation, to is unused */
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

/* ---- ABI (chain/abi.c) --------------------------------------------------- */

/* The first 4 bytes of keccak256 of a canonical signature, as
 * "transfer(address,uint256)": the function selector. */
void abi_selector(uint8_t out[4], const char *signature);
/* keccak256 of an event's canonical signature: its topic 0. */
void abi_topic(uint8_t out[32], const char *signature);

/* The types the registry needs: uintN (N = 8..256 by 8), bool, address,
 * bytesN (N = 1..32), bytes, string, and dynamic arrays T[] of the static
 * ones (uint64[], bytes32[], ...). */
enum abi_kind {
	ABI_UINT = 1,
	ABI_BOOL,
	ABI_ADDRESS,
	ABI_FIXED,
	ABI_BYTES,
	ABI_STRING
};
struct abi_type {
	uint8_t kind;  /* enum abi_kind */
	uint8_t size;  /* bits for ABI_UINT, bytes for ABI_FIXED, else 0 */
	uint8_t array; /* 1: a dynamic array of this static type */
};
/* Parses one type name ("uint64", "bytes32[]"). PROV_EINVALID names it. */
int abi_type_parse(struct abi_type *out, const char *name, size_t n);
/* Parses a comma-separated list ("uint64,bytes32,string") into out[cap];
 * *n set. PROV_EINVALID for an unknown type or more than cap of them. */
int abi_types_parse(struct abi_type *out, size_t cap, size_t *n,
		    const char *list);

/* One value. Static values live in word, as the encoding holds them:
 * uintN and bool big-endian, an address in the last 20 bytes, bytesN in
 * the first N. bytes and string: ptr/len. An array: len elements as
 * 32-byte words at ptr. ptr is borrowed: from the caller when encoding,
 * into the decoded data when decoding. */
struct abi_value {
	struct abi_type type;
	uint8_t word[32];
	const uint8_t *ptr;
	size_t len;
};
/* Value setters (they set type too). */
void abi_set_uint(struct abi_value *v, unsigned bits, uint64_t x);
void abi_set_bool(struct abi_value *v, int x);
void abi_set_address(struct abi_value *v, const uint8_t addr[20]);
void abi_set_fixed(struct abi_value *v, const uint8_t *b, unsigned n);
void abi_set_bytes(struct abi_value *v, const void *p, size_t n);
void abi_set_string(struct abi_value *v, const char *s);
void abi_set_array(struct abi_value *v, struct abi_type elem,
		   const uint8_t (*words)[32], size_t n);
/* Appends the head/tail encoding of v[0..n) (a tuple, as call arguments
 * are encoded) to out. PROV_EINVALID if a static value does not fit its
 * type (a uint64 with high bits set, a bool other than 0 or 1, ...). */
int abi_encode(struct buf *out, const struct abi_value *v, size_t n);
/* Selector followed by the encoded arguments. */
int abi_encode_call(struct buf *out, const char *signature,
		    const struct abi_value *v, size_t n);
/* Decodes untrusted data (the result of eth_call, a log's data, a topic)
 * into v[0..n), whose types the caller sets first. Every offset must point
 * inside data, every length fit what is left, every word be canonical for
 * its type (zero padding), strings be UTF-8; otherwise PROV_EINVALID
 * naming the argument. Bytes after the encoding are ignored. The values
 * borrow from data. */
int abi_decode(struct abi_value *v, size_t n, const uint8_t *data, size_t len);
/* A uintN value as uint64_t: PROV_EINVALID if it does not fit. */
int abi_get_u64(uint64_t *out, const struct abi_value *v);

/* The registry's event, Anchored(uint64 indexed seq, bytes32 indexed root,
 * address indexed submitter, uint64 count, string uri). */
#define ANCHORED_EVENT "Anchored(uint64,bytes32,address,uint64,string)"
struct anchored_event {
	uint64_t seq;
	uint8_t root[32];
	uint8_t submitter[20];
	uint64_t count;
	char *uri; /* owned: free() it; NUL-terminated, may hold NULs */
	size_t uri_len;
};
/* Decodes one log (its topics and data) of the Anchored event: 4 topics,
 * the first the event's topic. PROV_EINVALID (and out zeroed) otherwise. */
int anchored_event_decode(struct anchored_event *out,
			  const uint8_t (*topics)[32], size_t ntopics,
			  const uint8_t *data, size_t len);

/* ---- JSON-RPC (chain/rpc.c) ---------------------------------------------- */

#define RPC_REPLY_MAX (64u << 20)

/* Validates one JSON-RPC 2.0 reply to request id: a JSON object with
 * "jsonrpc":"2.0", that id, and exactly one of "result" and "error"
 * ({"code": integer, "message": string, "data"?}); other members are
 * ignored. At most RPC_REPLY_MAX bytes. On success *result is a new reference
 * (may be JSON null). A well-formed error reply returns PROV_ERROR with
 * "json-rpc error CODE: MESSAGE", *code set and *err_data a new reference
 * to its "data" (NULL if none; NULL on every other return); a malformed
 * reply PROV_EINVALID. code and err_data may be NULL. */
int rpc_reply_parse(json_t **result, long long *code, json_t **err_data,
		    const char *data, size_t n, uint64_t id);

/* Values in replies, checked as the Ethereum JSON-RPC spec writes them:
 * a quantity is "0x" and 1..64 lower-case hex digits, no leading zero
 * ("0x0" for zero); data is "0x" and an even number of lower-case hex
 * digits. what names the field in PROV_EINVALID messages. */
int rpc_quantity_u64(uint64_t *out, const json_t *v, const char *what);
int rpc_quantity_u256(uint8_t out[32], const json_t *v, const char *what);
/* Data of at most max bytes (0: RPC_REPLY_MAX) appended to out. */
int rpc_data(struct buf *out, const json_t *v, size_t max, const char *what);
/* Data of exactly n bytes (a hash, an address, a topic). */
int rpc_data_fixed(uint8_t *out, size_t n, const json_t *v, const char *what);

/* A client for one chain, over one or more endpoints tried in turn. */
struct rpc_client {
	char **urls;
	size_t nurls;
	size_t current;		 /* the endpoint the next call starts at */
	long connect_timeout_ms; /* default 5000 */
	long timeout_ms;	 /* per request, default 30000 */
	unsigned attempts;	 /* per call over all endpoints, default 4 */
	long backoff_ms;	 /* first backoff, default 250 */
	long backoff_cap_ms;	 /* largest backoff and Retry-After, 10000 */
	uint64_t next_id;
	void *curl; /* CURL *, made on first use */
	/* The last JSON-RPC error reply (rpc_call returned PROV_ERROR): its
	 * code and its "data" member (NULL if none), kept until the next
	 * call; revert data is read from it by rpc_error_data. */
	long long error_code;
	json_t *error_data;
};
/* A client for urls[0..n) (copied; http or https only, else
 * PROV_EINVALID). Free with rpc_client_free. */
int rpc_client_new(struct rpc_client **out, const char *const *urls, size_t n);
void rpc_client_free(struct rpc_client *c);
/* Calls method with params (a JSON array, stolen; NULL for []). Transport
 * errors, timeouts, HTTP 429 and 5xx, and malformed replies are retried on
 * the next endpoint after a backoff (full jitter, capped; Retry-After
 * honoured up to the cap) until c->attempts are used; then the last
 * failure: PROV_EIO naming the endpoint (scheme://host:port) and why, or
 * PROV_EINVALID for a malformed reply. A JSON-RPC error reply is
 * PROV_ERROR at once (not retried, never an empty result), and so is a
 * reply over RPC_REPLY_MAX (PROV_EINVALID). *result: a new
 * reference. */
int rpc_call(json_t **result, struct rpc_client *c, const char *method,
	     json_t *params);

/* Typed calls; block is a tag ("latest", "pending") or a 0x number; NULL
 * means "latest". Results are validated (PROV_EINVALID otherwise). */
int rpc_chain_id(uint64_t *out, struct rpc_client *c);
int rpc_block_number(uint64_t *out, struct rpc_client *c);
int rpc_get_balance(uint8_t out[32], struct rpc_client *c,
		    const uint8_t addr[20], const char *block);
int rpc_get_transaction_count(uint64_t *out, struct rpc_client *c,
			      const uint8_t addr[20], const char *block);
/* Appends the code at addr to out (empty for an account without code). */
int rpc_get_code(struct buf *out, struct rpc_client *c, const uint8_t addr[20],
		 const char *block);
/* eth_call from nobody to `to` with data; appends the returned bytes. */
int rpc_eth_call(struct buf *out, struct rpc_client *c, const uint8_t to[20],
		 const uint8_t *data, size_t n, const char *block);
/* Sends a signed transaction; *hash as the node returns it. */
int rpc_send_raw_transaction(uint8_t hash[32], struct rpc_client *c,
			     const uint8_t *tx, size_t n);
int rpc_max_priority_fee(uint64_t *out, struct rpc_client *c);

/* eth_feeHistory over the last `blocks` blocks with one reward percentile:
 * the base fee of the next block and the largest of the rewards. */
struct rpc_fees {
	uint64_t base_fee_next;
	uint64_t reward_max;
	uint64_t oldest_block;
};
int rpc_fee_history(struct rpc_fees *out, struct rpc_client *c, unsigned blocks,
		    double percentile);

struct rpc_log {
	uint8_t address[20];
	uint8_t (*topics)[32]; /* owned */
	size_t ntopics;	       /* 0..4 */
	struct buf data;
	uint64_t log_index;
	int removed;
	/* where the log is (in a receipt, the receipt's own) */
	uint64_t block_number;
	uint8_t block_hash[32];
	uint8_t tx_hash[32];
};
struct rpc_receipt {
	uint8_t tx_hash[32];
	uint8_t block_hash[32];
	uint64_t block_number;
	uint64_t gas_used;
	uint64_t effective_gas_price; /* 0 if the node omits it */
	int status;		      /* 1 success, 0 reverted */
	int has_contract;
	uint8_t contract_address[20];
	struct rpc_log *logs;
	size_t nlogs;
};
/* Validates a receipt object (the result of eth_getTransactionReceipt). */
int rpc_receipt_parse(struct rpc_receipt **out, const json_t *v);
void rpc_receipt_free(struct rpc_receipt *r);
/* PROV_ENOTFOUND (and *out NULL) while the node knows no receipt. */
int rpc_get_transaction_receipt(struct rpc_receipt **out, struct rpc_client *c,
				const uint8_t hash[32]);

/* The revert data of the last error reply, if its "data" is hex data (a
 * string, or an object with a "data" string, as nodes differ): appended
 * to out. PROV_ENOTFOUND if the last call had no such data. */
int rpc_error_data(struct buf *out, const struct rpc_client *c);
/* eth_estimateGas for a call from `from` to `to` (NULL: a contract
 * creation) with data and value (NULL: 0). A reverting call is PROV_ERROR
 * with the node's message; its revert data is then rpc_error_data's. */
int rpc_estimate_gas(uint64_t *out, struct rpc_client *c,
		     const uint8_t from[20], const uint8_t *to,
		     const uint8_t *data, size_t n, const uint8_t *value);

/* A block header: eth_getBlockByNumber(number, false). */
struct rpc_block {
	uint64_t number;
	uint64_t timestamp;
	uint8_t hash[32];
	uint8_t parent_hash[32];
	uint8_t logs_bloom[256]; /* all ones when the node gives none */
};
/* PROV_ENOTFOUND when the node has no such block. */
int rpc_get_block(struct rpc_block *out, struct rpc_client *c, uint64_t number);
/* The latest block's header. */
int rpc_get_block_latest(struct rpc_block *out, struct rpc_client *c);

/* eth_getTransactionByHash: PROV_ENOTFOUND when the node does not know
 * the transaction (never sent, dropped, or removed by a reorg and not
 * back in its pool). */
struct rpc_tx_info {
	uint8_t from[20];
	uint64_t nonce;
	int mined;	       /* 1: in a block */
	uint64_t block_number; /* when mined */
	uint8_t block_hash[32];
};
int rpc_get_transaction(struct rpc_tx_info *out, struct rpc_client *c,
			const uint8_t hash[32]);

/* eth_getLogs over blocks [from_block, to_block], or of the one block
 * block_hash names (EIP-234; the range is then unused), of the contracts
 * address[0..naddress) (0: any), topics[i] NULL for any value at
 * position i. Logs are checked as in receipts, and must lie in the range
 * (or that block), name one of the addresses, match the topics given, not
 * be "removed", and come in chain order, each (block, logIndex) once,
 * one hash per block number; *out is an array of *n logs, freed by
 * rpc_logs_free. */
struct rpc_filter {
	const uint8_t (*address)[20];
	size_t naddress;
	uint64_t from_block, to_block;
	const uint8_t *block_hash;
	const uint8_t *topics[4];
};
int rpc_get_logs(struct rpc_log **out, size_t *n, struct rpc_client *c,
		 const struct rpc_filter *f);
void rpc_logs_free(struct rpc_log *logs, size_t n);
/* An array of logs (an eth_getLogs result) into *out, *n, each checked as
 * in receipts and nothing more; PROV_EINVALID naming the first bad log. */
int rpc_logs_parse(struct rpc_log **out, size_t *n, const json_t *v);

/* ---- eth_getLogs replies read from their bytes (chain/logs_scan.c) ------- */

/* The reply to eth_getLogs request id, read without building a JSON tree:
 * a backfill reads millions of logs, and the tree costs more than the
 * rest of the indexer. It takes only replies it is sure of, in the form
 * nodes send: 1 with *out, *n as rpc_reply_parse then rpc_logs_parse would
 * give them; otherwise 0, *out NULL, and the caller parses the reply the
 * general way, which also words the error. A strict subset: anything
 * unusual (an escape, a non-ASCII byte, a nested or large number in a
 * member nobody reads, an error reply) is left to that parse. */
int rpc_logs_scan(struct rpc_log **out, size_t *n, const char *reply,
		  size_t len, uint64_t id);
/* The string forms of rpc_quantity_u64, rpc_data and rpc_data_fixed. */
int rpc_hex_u64(uint64_t *out, const char *s, size_t n, const char *what);
int rpc_hex_data(struct buf *out, const char *s, size_t n, size_t max,
		 const char *what);
int rpc_hex_fixed(uint8_t *out, size_t len, const char *s, size_t n,
		  const char *what);

/* ---- the registry contract (chain/registry.c) ---------------------------- */

/* contracts/ProvenanceRegistry.json's creation and runtime bytecode,
 * generated into chain/registry_code.c by contracts/build.mjs (which
 * --check keeps equal to the sources). */
extern const uint8_t registry_init_code[];
extern const size_t registry_init_code_len;
extern const uint8_t registry_runtime_code[];
extern const size_t registry_runtime_code_len;

/* Calldata of anchor(bytes32 root, uint64 count, string uri). */
int registry_anchor_calldata(struct buf *out, const uint8_t root[32],
			     uint64_t count, const char *uri);
/* anchoredAt(root) at block (NULL: latest): all zero when root was never
 * anchored. */
struct registry_anchor {
	uint64_t block_number;
	uint64_t timestamp;
	uint64_t seq;
	uint8_t submitter[20];
};
int registry_anchored_at(struct registry_anchor *out, struct rpc_client *c,
			 const uint8_t contract[20], const uint8_t root[32],
			 const char *block);
/* verify(root, leaf, proof) by eth_call: *ok 1 or 0. */
int registry_verify(int *ok, struct rpc_client *c, const uint8_t contract[20],
		    const uint8_t root[32], const uint8_t leaf[32],
		    const uint8_t (*proof)[32], size_t n);
/* PROV_EINVALID "no contract at ADDRESS" for an address without code,
 * and "the code at ADDRESS is not prov's ProvenanceRegistry (code hash
 * 0x...)" for other code: prov trusts anchoredAt and Anchored events only
 * from the code it deploys. */
int registry_check_code(struct rpc_client *c, const uint8_t contract[20]);
/* The check behind registry_check_code and distributor_check_code: the
 * code at contract must be want[0..want_len), prov's contract `name`. */
int chain_check_code(struct rpc_client *c, const uint8_t contract[20],
		     const uint8_t *want, size_t want_len, const char *name);
/* Explains untrusted revert data in words: AlreadyAnchored(root, seq),
 * ZeroRoot(), Error(string), Panic(uint256), or "revert data 0x..." for
 * anything else ("no revert data" for none). Never fails; out is always
 * NUL-terminated. */
void registry_revert_text(char *out, size_t cap, const uint8_t *data, size_t n);
/* The seq of AlreadyAnchored(root, seq) revert data (and root), or
 * PROV_ENOTFOUND for other data. */
int registry_already_anchored(uint64_t *seq, uint8_t root[32],
			      const uint8_t *data, size_t n);

/* ---- the payout distributor (chain/distributor.c) ------------------------ */

/* contracts/PayoutDistributor.json's creation and runtime bytecode,
 * generated into chain/distributor_code.c by contracts/build.mjs. */
extern const uint8_t distributor_init_code[];
extern const size_t distributor_init_code_len;
extern const uint8_t distributor_runtime_code[];
extern const size_t distributor_runtime_code_len;

/* The distributor's events (docs/chain.md): batch id (prov: the payout
 * record's id) of total tokens funded under root, and one account's claim
 * from batch id. */
#define BATCH_FUNDED_EVENT                                                     \
	"BatchFunded(bytes32,bytes32,address,address,uint256,string)"
#define CLAIMED_EVENT "Claimed(bytes32,address,uint256)"
struct batch_funded_event {
	uint8_t id[32];
	uint8_t root[32];
	uint8_t token[20];
	uint8_t funder[20];
	uint8_t total[32]; /* big-endian */
	/* owned (free() it), NUL-terminated after uri_len bytes; the bytes
	 * as the log holds them: neither UTF-8 nor free of NULs is
	 * promised, since the contract does not check. */
	char *uri;
	size_t uri_len;
};
struct claimed_event {
	uint8_t id[32];
	uint8_t account[20];
	uint8_t amount[32]; /* big-endian */
};
/* Decode one log (its topics and data) of each event: BatchFunded has 4
 * topics (the event's, id, root, token), Claimed 3 (the event's, id,
 * account); address topics have their 12 high bytes zero; the data is
 * checked as abi_decode checks it (bytes after the encoding are
 * ignored). PROV_EINVALID (and out zeroed) otherwise. */
int batch_funded_event_decode(struct batch_funded_event *out,
			      const uint8_t (*topics)[32], size_t ntopics,
			      const uint8_t *data, size_t len);
int claimed_event_decode(struct claimed_event *out, const uint8_t (*topics)[32],
			 size_t ntopics, const uint8_t *data, size_t len);

/* Calldata of fund(bytes32 id, bytes32 root, address token, uint256
 * total, string uri) and of claim(bytes32 id, address account, uint256
 * amount, bytes32[] proof); amounts are big-endian. */
int distributor_fund_calldata(struct buf *out, const uint8_t id[32],
			      const uint8_t root[32], const uint8_t token[20],
			      const uint8_t total[32], const char *uri);
int distributor_claim_calldata(struct buf *out, const uint8_t id[32],
			       const uint8_t account[20],
			       const uint8_t amount[32],
			       const uint8_t (*proof)[32], size_t n);
/* As registry_check_code, for prov's PayoutDistributor: PROV_EINVALID
 * "no contract at ADDRESS" or "the code at ADDRESS is not prov's
 * PayoutDistributor (code hash 0x...)". */
int distributor_check_code(struct rpc_client *c, const uint8_t contract[20]);
/* owner() by eth_call: the one account that may fund batches. */
int distributor_owner(uint8_t out[20], struct rpc_client *c,
		      const uint8_t contract[20]);
/* batches(id) by eth_call at the latest block: all zero when id was
 * never funded. PROV_EINVALID for a reply that is not four words. */
struct distributor_batch {
	uint8_t root[32];
	uint8_t token[20]; /* zero: never funded */
	uint8_t total[32]; /* big-endian */
	uint8_t paid[32];
};
int distributor_batch_get(struct distributor_batch *out, struct rpc_client *c,
			  const uint8_t contract[20], const uint8_t id[32]);
/* claimed(id, account) by eth_call: *out 1 or 0. */
int distributor_claimed(int *out, struct rpc_client *c,
			const uint8_t contract[20], const uint8_t id[32],
			const uint8_t account[20]);

/* ERC-20, as a funder needs it: approve(spender, value) calldata, and
 * balanceOf(owner) and allowance(owner, spender) by eth_call into 32
 * big-endian bytes (PROV_EINVALID naming the call for a reply that is
 * not one word: an address without code answers nothing). */
int erc20_approve_calldata(struct buf *out, const uint8_t spender[20],
			   const uint8_t value[32]);
int erc20_balance_of(uint8_t out[32], struct rpc_client *c,
		     const uint8_t token[20], const uint8_t owner[20]);
int erc20_allowance(uint8_t out[32], struct rpc_client *c,
		    const uint8_t token[20], const uint8_t owner[20],
		    const uint8_t spender[20]);

/* ---- sending a transaction (chain/send.c) -------------------------------- */

/* One sender, one key, one chain. */
struct sender {
	struct rpc_client *rpc;
	const struct chain_key *key;
	uint64_t chain_id;	/* the chain's, from eth_chainId */
	unsigned confirmations; /* blocks, the one holding it included; >= 1 */
	long poll_ms;		/* between polls while waiting (0: 1000) */
	long timeout_ms;	/* waiting at most (0: without end) */
	/* What is happening, in words ("mined in block 12 (0x...)"), for a
	 * progress line; may be NULL. */
	void (*note)(void *payload, const char *msg);
	/* Called after every signing, before the bytes are sent: keeps them
	 * (crash safety: a restart waits for them rather than paying twice).
	 * A non-zero return stops the send with it. May be NULL. */
	int (*save)(void *payload, const struct tx *tx, const struct buf *raw,
		    const uint8_t hash[32]);
	/* Called before signing again because the nonce was taken: a
	 * non-zero return stops the wait with it (prov anchor refuses when
	 * the root is on chain already: that may be this very transaction,
	 * no longer indexed by the node). May be NULL. */
	int (*resign)(void *payload);
	void *payload;
};
/* Readies tx (tx_init'ed) to call `to` (NULL: create a contract) with
 * data: chain id, the sender's next nonce (counting its pending
 * transactions), fees (the node's priority fee, else the largest median
 * tip of the last 10 blocks; max fee twice the next base fee plus it),
 * the gas estimate and a fifth more. PROV_ERROR "the transaction would
 * revert: ..." with the reason, or "insufficient funds: ..." when the
 * balance does not cover gas times the max fee. */
int send_prepare(struct tx *tx, struct sender *s, const uint8_t *to,
		 const uint8_t *data, size_t n);
/* Signs tx into raw and hash, calls s->save, and sends. A node that
 * already has the transaction is not an error. */
int send_submit(struct buf *raw, uint8_t hash[32], struct sender *s,
		struct tx *tx);
/* Waits until the transaction has s->confirmations blocks and the block
 * its receipt names is the chain's block at that height; *out is the
 * receipt. Meanwhile: a transaction the node does not know (dropped, or
 * taken out by a reorg) is sent again; if another transaction of the key
 * used its nonce, tx is signed again with the next nonce (through
 * s->save, so raw and hash change). PROV_ERROR for a reverted
 * transaction, once confirmed like a success, with the reason (*out is
 * then its receipt, status 0); PROV_EINVALID for a receipt of another
 * transaction; PROV_EIO after s->timeout_ms. */
int send_wait(struct rpc_receipt **out, struct sender *s, struct tx *tx,
	      struct buf *raw, uint8_t hash[32]);

/* ---- anchor records (chain/anchor.c) ------------------------------------- */

/* "0x" and the lower-case hex of p[0..n) into out (2n + 3 bytes). */
void chain_hex(char *out, const uint8_t *p, size_t n);

/* A batch is the SHA-256 digests of record ids (the hex of "sha256:<hex>"),
 * sorted bytewise: PROV_EINVALID for one given twice. */
int anchor_digests_sort(uint8_t (*digests)[32], size_t n);
/* The batch tree: leaves keccak256(keccak256(abi.encode(bytes32 digest))),
 * as DESIGN.md's anchor batch. PROV_EINVALID for n == 0. */
int anchor_tree(struct merkle **out, const uint8_t (*digests)[32], size_t n);

/* The proofs blob beside an anchor record: one line per record in the
 * order of digests (sorted), each exactly
 *   {"id":"sha256:<64 hex>","proof":["0x<64 hex>",...]}\n
 * so a proof can be handed to StandardMerkleTree.verify(root, ["bytes32"],
 * ["0x<64 hex>"], proof) as it is. */
#define ANCHOR_PROOF_MAX 64
int anchor_proofs_write(struct buf *out, const struct merkle *m,
			const uint8_t (*digests)[32], size_t n);
/* Reads an untrusted proofs blob: every line in exactly that form (at most
 * ANCHOR_PROOF_MAX hashes), ids strictly increasing; fn is called for each
 * line, and a non-zero return stops the walk with it. PROV_EINVALID naming
 * the line and byte. */
typedef int (*anchor_proof_fn)(const uint8_t digest[32],
			       const uint8_t (*proof)[32], size_t n,
			       void *payload);
int anchor_proofs_each(const char *data, size_t n, anchor_proof_fn fn,
		       void *payload);
/* The blob parses, holds count lines, and every proof leads to root:
 * PROV_EVERIFY otherwise (naming the first proof that does not). */
int anchor_proofs_check(const char *data, size_t n, const uint8_t root[32],
			uint64_t count);

/* What an anchor record says: where the root is on chain. */
struct anchor_info {
	const char *chain; /* CAIP-2: "eip155:31337" */
	uint8_t contract[20];
	uint8_t submitter[20];
	uint64_t seq;
	uint64_t count;
	uint8_t root[32];
	uint8_t tx_hash[32];
	uint64_t block_number;
	uint8_t block_hash[32];
	uint64_t block_time;
	const char *uri;      /* may be NULL */
	const char *blob_hex; /* the proofs blob's SHA-256 */
};
/* The `anchor` payload, signed later by record_create. */
json_t *anchor_payload(const struct anchor_info *a, const char *by,
		       int64_t created);
/* Reads an anchor payload back (strings borrowed from it): PROV_EINVALID
 * naming the field that is missing or malformed. */
int anchor_info_parse(struct anchor_info *out, const json_t *payload);

#endif

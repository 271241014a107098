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
	char *uri; /* owned: free() it */
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
 * "json-rpc error CODE: MESSAGE" and *code set; a malformed reply
 * PROV_EINVALID. code may be NULL. */
int rpc_reply_parse(json_t **result, long long *code, const char *data,
		    size_t n, uint64_t id);

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
 * PROV_ERROR at once (not retried, never an empty result). *result: a new
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

#endif

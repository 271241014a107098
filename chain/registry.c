/* The registry contract from prov's side: the calldata of anchor(), the
 * eth_calls of anchoredAt() and verify(), the check that an address holds
 * the code prov deploys, and revert data in words. Replies and revert
 * data come from a node, which may lie: they are decoded with abi_decode,
 * which checks every offset, length and width. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chain/chain.h"

#define SIG_ANCHOR	"anchor(bytes32,uint64,string)"
#define SIG_ANCHORED_AT "anchoredAt(bytes32)"
#define SIG_VERIFY	"verify(bytes32,bytes32,bytes32[])"
#define SIG_ALREADY	"AlreadyAnchored(bytes32,uint64)"
#define SIG_ZERO	"ZeroRoot()"
#define SIG_ERROR	"Error(string)"
#define SIG_PANIC	"Panic(uint256)"

/* Revert data shown as hex is cut after this many bytes. */
#define REVERT_HEX_MAX 64

int registry_anchor_calldata(struct buf *out, const uint8_t root[32],
			     uint64_t count, const char *uri)
{
	struct abi_value v[3];

	abi_set_fixed(&v[0], root, 32);
	abi_set_uint(&v[1], 64, count);
	abi_set_string(&v[2], uri);
	return abi_encode_call(out, SIG_ANCHOR, v, 3);
}

int registry_anchored_at(struct registry_anchor *out, struct rpc_client *c,
			 const uint8_t contract[20], const uint8_t root[32],
			 const char *block)
{
	struct buf call = BUF_INIT, res = BUF_INIT;
	struct abi_value v[4];
	char addr[43];
	int rc;

	memset(out, 0, sizeof(*out));
	address_checksum(addr, contract);
	abi_set_fixed(&v[0], root, 32);
	if ((rc = abi_encode_call(&call, SIG_ANCHORED_AT, v, 1)))
		goto done;
	if ((rc = rpc_eth_call(&res, c, contract, (const uint8_t *)call.ptr,
			       call.len, block))) {
		prov_error_wrap("anchoredAt on %s", addr);
		goto done;
	}
	/* The contract returns four static words, nothing else. */
	if (res.len != 4 * 32) {
		rc = prov_error_set(PROV_EINVALID,
				    "anchoredAt on %s: %zu bytes returned, "
				    "expected 128",
				    addr, res.len);
		goto done;
	}
	abi_set_uint(&v[0], 64, 0);
	abi_set_uint(&v[1], 64, 0);
	abi_set_uint(&v[2], 64, 0);
	abi_set_address(&v[3], (const uint8_t[20]){0});
	if ((rc = abi_decode(v, 4, (const uint8_t *)res.ptr, res.len))) {
		prov_error_wrap("anchoredAt on %s", addr);
		goto done;
	}
	abi_get_u64(&out->block_number, &v[0]);
	abi_get_u64(&out->timestamp, &v[1]);
	abi_get_u64(&out->seq, &v[2]);
	memcpy(out->submitter, v[3].word + 12, 20);
	/* The contract writes all four at once: a root in no block has no
	 * seq, and one in a block has a seq from 1. */
	if ((out->block_number == 0) != (out->seq == 0)) {
		memset(out, 0, sizeof(*out));
		rc = prov_error_set(PROV_EINVALID,
				    "anchoredAt on %s: block and seq "
				    "disagree (one is zero)",
				    addr);
	}
done:
	buf_release(&call);
	buf_release(&res);
	return rc;
}

int registry_verify(int *ok, struct rpc_client *c, const uint8_t contract[20],
		    const uint8_t root[32], const uint8_t leaf[32],
		    const uint8_t (*proof)[32], size_t n)
{
	static const struct abi_type bytes32 = {ABI_FIXED, 32, 0};
	struct buf call = BUF_INIT, res = BUF_INIT;
	struct abi_value v[3];
	char addr[43];
	int rc;

	*ok = 0;
	address_checksum(addr, contract);
	abi_set_fixed(&v[0], root, 32);
	abi_set_fixed(&v[1], leaf, 32);
	abi_set_array(&v[2], bytes32, proof, n);
	if ((rc = abi_encode_call(&call, SIG_VERIFY, v, 3)))
		goto done;
	if ((rc = rpc_eth_call(&res, c, contract, (const uint8_t *)call.ptr,
			       call.len, NULL))) {
		prov_error_wrap("verify on %s", addr);
		goto done;
	}
	if (res.len != 32) {
		rc = prov_error_set(PROV_EINVALID,
				    "verify on %s: %zu bytes returned, "
				    "expected 32",
				    addr, res.len);
		goto done;
	}
	abi_set_bool(&v[0], 0);
	if ((rc = abi_decode(v, 1, (const uint8_t *)res.ptr, res.len))) {
		prov_error_wrap("verify on %s", addr);
		goto done;
	}
	*ok = v[0].word[31];
done:
	buf_release(&call);
	buf_release(&res);
	return rc;
}

int chain_check_code(struct rpc_client *c, const uint8_t contract[20],
		     const uint8_t *want, size_t want_len, const char *name)
{
	struct buf code = BUF_INIT;
	uint8_t hash[32];
	char addr[43], hex[65];
	int rc;

	address_checksum(addr, contract);
	if ((rc = rpc_get_code(&code, c, contract, NULL))) {
		prov_error_wrap("code at %s", addr);
		goto done;
	}
	if (code.len == 0) {
		rc = prov_error_set(PROV_EINVALID, "no contract at %s", addr);
		goto done;
	}
	if (code.len != want_len || memcmp(code.ptr, want, code.len)) {
		keccak256(hash, code.ptr, code.len);
		hex_encode(hex, hash, 32);
		rc = prov_error_set(PROV_EINVALID,
				    "the code at %s is not prov's %s (code "
				    "hash 0x%s)",
				    addr, name, hex);
	}
done:
	buf_release(&code);
	return rc;
}

int registry_check_code(struct rpc_client *c, const uint8_t contract[20])
{
	return chain_check_code(c, contract, registry_runtime_code,
				registry_runtime_code_len,
				"ProvenanceRegistry");
}

/* Whether data starts with the selector of sig. */
static int has_selector(const uint8_t *data, size_t n, const char *sig)
{
	uint8_t sel[4];

	abi_selector(sel, sig);
	return n >= 4 && memcmp(data, sel, 4) == 0;
}

int registry_already_anchored(uint64_t *seq, uint8_t root[32],
			      const uint8_t *data, size_t n)
{
	struct abi_value v[2];

	*seq = 0;
	if (!has_selector(data, n, SIG_ALREADY))
		return prov_error_set(PROV_ENOTFOUND,
				      "revert data is not AlreadyAnchored");
	abi_set_fixed(&v[0], (const uint8_t[32]){0}, 32);
	abi_set_uint(&v[1], 64, 0);
	if (abi_decode(v, 2, data + 4, n - 4) || abi_get_u64(seq, &v[1]))
		return prov_error_set(PROV_ENOTFOUND,
				      "malformed AlreadyAnchored revert data");
	if (root)
		memcpy(root, v[0].word, 32);
	return 0;
}

/* What Solidity's Panic codes mean (docs.soliditylang.org, "Panic via
 * assert and Error via require"). */
static const char *panic_text(uint64_t code)
{
	switch (code) {
	case 0x00: return "generic compiler panic";
	case 0x01: return "assertion failed";
	case 0x11: return "arithmetic overflow or underflow";
	case 0x12: return "division or modulo by zero";
	case 0x21: return "conversion to an invalid enum value";
	case 0x22: return "badly encoded storage byte array";
	case 0x31: return "pop on an empty array";
	case 0x32: return "array index out of bounds";
	case 0x41: return "too much memory or too large an array";
	case 0x51: return "call to a zero-initialised internal function";
	default: return "unknown panic code";
	}
}

static void text(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void text(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, cap, fmt, ap);
	va_end(ap);
}

/* Any revert data as hex, at most REVERT_HEX_MAX bytes of it. */
static void revert_hex(char *out, size_t cap, const uint8_t *data, size_t n)
{
	char hex[2 * REVERT_HEX_MAX + 1];
	size_t shown = n < REVERT_HEX_MAX ? n : REVERT_HEX_MAX;

	hex_encode(hex, data, shown);
	if (shown < n)
		text(out, cap, "revert data 0x%s... (%zu bytes)", hex, n);
	else
		text(out, cap, "revert data 0x%s", hex);
}

/* The words for data; the decoders' errors are left in the last-error
 * slot, which registry_revert_text restores. */
static void explain(char *out, size_t cap, const uint8_t *data, size_t n)
{
	struct abi_value v[1];
	char hex[65], show[SHOW_SIZE];
	uint8_t root[32];
	uint64_t seq, code;

	if (n == 0) {
		text(out, cap, "no revert data");
		return;
	}
	if (registry_already_anchored(&seq, root, data, n) == 0) {
		hex_encode(hex, root, 32);
		text(out, cap,
		     "AlreadyAnchored(0x%s, %" PRIu64 "): the root was "
		     "anchored before, as seq %" PRIu64,
		     hex, seq, seq);
		return;
	}
	if (has_selector(data, n, SIG_ZERO) && n == 4) {
		text(out, cap, "ZeroRoot(): the root is zero");
		return;
	}
	if (has_selector(data, n, SIG_ERROR)) {
		/* Read as bytes so that any text is shown, escaped. */
		abi_set_bytes(&v[0], "", 0);
		if (abi_decode(v, 1, data + 4, n - 4) == 0) {
			text(out, cap, "Error(\"%s\")",
			     prov_show(show, (const char *)v[0].ptr, v[0].len));
			return;
		}
	}
	if (has_selector(data, n, SIG_PANIC)) {
		abi_set_uint(&v[0], 256, 0);
		if (abi_decode(v, 1, data + 4, n - 4) == 0) {
			if (abi_get_u64(&code, &v[0]) == 0) {
				text(out, cap, "Panic(0x%02" PRIx64 "): %s",
				     code, panic_text(code));
			} else {
				hex_encode(hex, v[0].word, 32);
				text(out, cap, "Panic(0x%s): %s", hex,
				     panic_text(UINT64_MAX));
			}
			return;
		}
	}
	revert_hex(out, cap, data, n);
}

void registry_revert_text(char *out, size_t cap, const uint8_t *data, size_t n)
{
	/* Callers explain the error an RPC call just left: keep it (an
	 * empty slot reads "unknown error" and is cleared again). */
	char saved[1024];
	int code = prov_error_code();

	if (cap == 0)
		return;
	out[0] = '\0';
	snprintf(saved, sizeof(saved), "%s", prov_error_last());
	explain(out, cap, data, n);
	if (code == 0 && strcmp(saved, "unknown error") == 0)
		prov_error_clear();
	else
		prov_error_set(code, "%s", saved);
}

/* EIP-1559 transactions (type 2, EIP-2718 envelope): the signing hash,
 * local signing with libsecp256k1, the raw bytes, and a strict decoder of
 * signed raw transactions that recovers the sender.
 *
 *   raw  = 0x02 || rlp([chain_id, nonce, max_priority_fee_per_gas,
 *                       max_fee_per_gas, gas_limit, to, value, data,
 *                       access_list, y_parity, r, s])
 *   sign over keccak256(0x02 || rlp([the first nine]))
 * Access lists are always empty here (prov calls one contract). */
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "chain.h"

#define TX_TYPE_1559 0x02
#define TX_DATA_MAX (1u << 20)

void tx_init(struct tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	buf_init(&tx->data, 0);
}

void tx_release(struct tx *tx)
{
	buf_release(&tx->data);
	tx_init(tx);
}

void u256_from_u64(uint8_t out[32], uint64_t v)
{
	memset(out, 0, 32);
	for (int i = 0; i < 8; i++)
		out[31 - i] = (uint8_t)(v >> (8 * i));
}

/* 0x02 || rlp([the nine fields, and with signed the signature]). */
static int encode(struct buf *out, const struct tx *tx, int with_sig)
{
	size_t list;
	int rc;

	if ((rc = buf_putc(out, TX_TYPE_1559)))
		return rc;
	list = rlp_list_begin(out);
	if ((rc = rlp_put_u64(out, tx->chain_id)) ||
	    (rc = rlp_put_u64(out, tx->nonce)) ||
	    (rc = rlp_put_uint(out, tx->max_priority_fee, 32)) ||
	    (rc = rlp_put_uint(out, tx->max_fee, 32)) ||
	    (rc = rlp_put_u64(out, tx->gas_limit)) ||
	    (rc = rlp_put_bytes(out, tx->to, tx->create ? 0 : 20)) ||
	    (rc = rlp_put_uint(out, tx->value, 32)) ||
	    (rc = rlp_put_bytes(out, tx->data.ptr, tx->data.len)))
		return rc;
	/* the empty access list */
	if ((rc = rlp_list_end(out, rlp_list_begin(out))))
		return rc;
	if (with_sig && ((rc = rlp_put_u64(out, (uint64_t)tx->y_parity)) ||
			 (rc = rlp_put_uint(out, tx->r, 32)) ||
			 (rc = rlp_put_uint(out, tx->s, 32))))
		return rc;
	return rlp_list_end(out, list);
}

int tx_signing_hash(uint8_t out[32], const struct tx *tx)
{
	struct buf b = BUF_INIT;
	int rc;

	if (!(rc = encode(&b, tx, 0)))
		keccak256(out, b.ptr, b.len);
	buf_release(&b);
	return rc;
}

int tx_sign(struct buf *raw, uint8_t hash[32], struct tx *tx,
	    const struct chain_key *k)
{
	secp256k1_ecdsa_recoverable_signature sig;
	uint8_t digest[32], rs[64];
	int recid = 0, rc;

	buf_clear(raw);
	if ((rc = tx_signing_hash(digest, tx)))
		return rc;
	/* NULL nonce function: RFC 6979; libsecp256k1 gives low s. */
	if (!secp256k1_ecdsa_sign_recoverable(chain_secp_ctx(), &sig, digest,
					      k->sk, NULL, NULL))
		return prov_error_set(PROV_ERROR, "secp256k1 signing failed");
	secp256k1_ecdsa_recoverable_signature_serialize_compact(
		chain_secp_ctx(), rs, &recid, &sig);
	memcpy(tx->r, rs, 32);
	memcpy(tx->s, rs + 32, 32);
	tx->y_parity = recid;
	if ((rc = encode(raw, tx, 1)))
		return rc;
	keccak256(hash, raw->ptr, raw->len);
	return 0;
}

/* The signer of digest, or PROV_EVERIFY. High s is refused (EIP-2): each
 * signature has one valid spelling. */
static int recover(uint8_t from[20], const uint8_t digest[32],
		   const struct tx *tx)
{
	secp256k1_ecdsa_recoverable_signature sig;
	secp256k1_ecdsa_signature plain;
	secp256k1_pubkey pk;
	uint8_t rs[64], pub[65];
	size_t n = sizeof(pub);

	memcpy(rs, tx->r, 32);
	memcpy(rs + 32, tx->s, 32);
	if (!secp256k1_ecdsa_recoverable_signature_parse_compact(
		    chain_secp_ctx(), &sig, rs, tx->y_parity))
		return prov_error_set(PROV_EVERIFY,
				      "transaction signature: r or s out of range");
	secp256k1_ecdsa_recoverable_signature_convert(chain_secp_ctx(), &plain,
						      &sig);
	if (secp256k1_ecdsa_signature_normalize(chain_secp_ctx(), NULL, &plain))
		return prov_error_set(PROV_EVERIFY,
				      "transaction signature: s is in the upper "
				      "half of the order");
	if (!secp256k1_ecdsa_recover(chain_secp_ctx(), &pk, &sig, digest))
		return prov_error_set(PROV_EVERIFY,
				      "transaction signature: no public key "
				      "recovers from it");
	secp256k1_ec_pubkey_serialize(chain_secp_ctx(), pub, &n, &pk,
				      SECP256K1_EC_UNCOMPRESSED);
	chain_address_from_pub(from, pub);
	return 0;
}

static int field(struct rlp_item *it, struct rlp_iter *iter,
		 const char *what)
{
	int rc = rlp_next(it, iter);

	if (rc < 0)
		return rc;
	if (!rc)
		return prov_error_set(PROV_EINVALID,
				      "transaction: missing field %s", what);
	return 0;
}

int tx_decode(struct tx *out, uint8_t from[20], const uint8_t *raw, size_t n)
{
	struct rlp_item top, it;
	struct rlp_iter iter;
	uint64_t parity;
	uint8_t digest[32];
	int rc;

	tx_release(out);
	if (!n || raw[0] != TX_TYPE_1559)
		return prov_error_set(PROV_EINVALID,
				      "not an EIP-1559 transaction (type byte "
				      "%s0x%02x, want 0x02)",
				      n ? "" : "missing: ", n ? raw[0] : 0);
	if ((rc = rlp_decode(&top, raw + 1, n - 1)))
		return prov_error_wrap("transaction");
	if (!top.list)
		return prov_error_set(PROV_EINVALID,
				      "transaction: not an RLP list");
	rlp_iter_init(&iter, &top);
	if ((rc = field(&it, &iter, "chain_id")) ||
	    (rc = rlp_get_u64(&out->chain_id, &it, "chain_id")) ||
	    (rc = field(&it, &iter, "nonce")) ||
	    (rc = rlp_get_u64(&out->nonce, &it, "nonce")) ||
	    (rc = field(&it, &iter, "max_priority_fee_per_gas")) ||
	    (rc = rlp_get_uint(out->max_priority_fee, 32, &it,
			       "max_priority_fee_per_gas")) ||
	    (rc = field(&it, &iter, "max_fee_per_gas")) ||
	    (rc = rlp_get_uint(out->max_fee, 32, &it, "max_fee_per_gas")) ||
	    (rc = field(&it, &iter, "gas_limit")) ||
	    (rc = rlp_get_u64(&out->gas_limit, &it, "gas_limit")) ||
	    (rc = field(&it, &iter, "to")))
		goto done;
	if (it.list || (it.len != 0 && it.len != 20)) {
		rc = prov_error_set(PROV_EINVALID,
				    "transaction: 'to' at offset %zu is not 20 "
				    "bytes or empty",
				    it.off);
		goto done;
	}
	out->create = it.len == 0;
	memcpy(out->to, it.ptr, it.len);
	if ((rc = field(&it, &iter, "value")) ||
	    (rc = rlp_get_uint(out->value, 32, &it, "value")) ||
	    (rc = field(&it, &iter, "data")))
		goto done;
	if (it.list || it.len > TX_DATA_MAX) {
		rc = prov_error_set(PROV_EINVALID,
				    "transaction: data at offset %zu is a list "
				    "or over %u bytes",
				    it.off, TX_DATA_MAX);
		goto done;
	}
	buf_put(&out->data, it.ptr, it.len);
	if ((rc = field(&it, &iter, "access_list")))
		goto done;
	if (!it.list || it.len) {
		rc = prov_error_set(PROV_EINVALID,
				    "transaction: access list at offset %zu is "
				    "not an empty list (not supported)",
				    it.off);
		goto done;
	}
	if ((rc = field(&it, &iter, "y_parity")) ||
	    (rc = rlp_get_u64(&parity, &it, "y_parity")) ||
	    (rc = field(&it, &iter, "r")) ||
	    (rc = rlp_get_uint(out->r, 32, &it, "r")) ||
	    (rc = field(&it, &iter, "s")) ||
	    (rc = rlp_get_uint(out->s, 32, &it, "s")))
		goto done;
	if (parity > 1) {
		rc = prov_error_set(PROV_EINVALID,
				    "transaction: y_parity is %llu, not 0 or 1",
				    (unsigned long long)parity);
		goto done;
	}
	out->y_parity = (int)parity;
	if ((rc = rlp_next(&it, &iter)) != 0) {
		if (rc > 0)
			rc = prov_error_set(PROV_EINVALID,
					    "transaction: extra field at offset "
					    "%zu",
					    it.off);
		goto done;
	}
	if ((rc = tx_signing_hash(digest, out)) ||
	    (rc = recover(from, digest, out)))
		goto done;
done:
	if (rc)
		tx_release(out);
	return rc;
}

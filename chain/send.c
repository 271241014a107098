/* Sending one transaction until it is confirmed: nonce, fees and gas,
 * a balance check, signing, saving before sending, and waiting for
 * confirmations through dropped transactions and reorgs. */
#define _GNU_SOURCE /* strcasestr */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "chain/chain.h"

typedef unsigned __int128 u128;

static void note(struct sender *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct sender *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!s->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->note(s->payload, msg);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* A u128 in decimal into out[40]. */
static const char *u128_text(char out[40], u128 v)
{
	char tmp[40];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	while (n)
		out[i++] = tmp[--n];
	out[i] = '\0';
	return out;
}

static void u256_from_u128(uint8_t out[32], u128 v)
{
	memset(out, 0, 32);
	for (int i = 31; i >= 16; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

/* The error message names the wei and what they pay for, so a user can
 * fund the account with the right amount. */
static int check_funds(struct sender *s, const struct tx *tx)
{
	uint8_t bal[32];
	char have[40], need[40], fee[40];
	u128 b = 0, cost;
	int rc;

	if ((rc = rpc_get_balance(bal, s->rpc, s->key->addr, "pending")))
		return rc;
	for (int i = 0; i < 16; i++)
		if (bal[i] || tx->value[i])
			return 0; /* 2^128 wei and more: plenty (or a value
				   * prov never sends) */
	for (int i = 16; i < 32; i++)
		b = b << 8 | bal[i];
	cost = 0;
	for (int i = 16; i < 32; i++)
		cost = cost << 8 | tx->max_fee[i];
	u128_text(fee, cost);
	cost = cost * tx->gas_limit;
	if (b >= cost)
		return 0;
	return prov_error_set(PROV_ERROR,
			      "insufficient funds: %s holds %s wei, and the "
			      "transaction may cost up to %s wei (gas %" PRIu64
			      " at up to %s wei each); fund the account",
			      s->key->address, u128_text(have, b),
			      u128_text(need, cost), tx->gas_limit, fee);
}

/* The reason a call reverts, from the node's error data, into out. */
static void revert_reason(char *out, size_t cap, struct sender *s)
{
	struct buf data = BUF_INIT;

	if (rpc_error_data(&data, s->rpc) == 0)
		registry_revert_text(out, cap, (const uint8_t *)data.ptr, data.len);
	else
		snprintf(out, cap, "%s", prov_error_last());
	prov_error_clear();
	buf_release(&data);
}

int send_prepare(struct tx *tx, struct sender *s, const uint8_t *to,
		 const uint8_t *data, size_t n)
{
	struct rpc_fees fees;
	uint64_t prio, gas;
	u128 max_fee;
	char why[512];
	int rc;

	tx->chain_id = s->chain_id;
	tx->create = to == NULL;
	if (to)
		memcpy(tx->to, to, 20);
	buf_clear(&tx->data);
	if ((rc = buf_put(&tx->data, data, n)))
		return rc;
	if ((rc = rpc_get_transaction_count(&tx->nonce, s->rpc, s->key->addr,
					    "pending")) ||
	    (rc = rpc_fee_history(&fees, s->rpc, 10, 50.0)))
		return rc;
	/* The node's tip suggestion, else the largest median tip of the
	 * last blocks; a base fee that may double before inclusion. */
	if (rpc_max_priority_fee(&prio, s->rpc)) {
		prov_error_clear();
		prio = fees.reward_max;
	}
	max_fee = (u128)fees.base_fee_next * 2 + prio;
	if (max_fee >> 64)
		return prov_error_set(PROV_ERROR,
				      "the base fee (%" PRIu64 " wei) is beyond "
				      "what prov pays",
				      fees.base_fee_next);
	u256_from_u64(tx->max_priority_fee, prio);
	u256_from_u128(tx->max_fee, max_fee);
	rc = rpc_estimate_gas(&gas, s->rpc, s->key->addr, to, data, n, NULL);
	/* Code 3 with revert data is a revert; any other error reply (a rate
	 * limit, a missing state) is only an error. */
	if (rc == PROV_ERROR && (s->rpc->error_code == 3 || s->rpc->error_data)) {
		revert_reason(why, sizeof(why), s);
		return prov_error_set(PROV_ERROR,
				      "the transaction would revert: %s", why);
	}
	if (rc)
		return rc;
	/* A margin over the estimate: state can change before inclusion. */
	if (gas > 1000000000)
		return prov_error_set(PROV_EINVALID,
				      "the node estimates %" PRIu64 " gas: more "
				      "than any block holds",
				      gas);
	tx->gas_limit = gas + gas / 5;
	return check_funds(s, tx);
}

/* Errors that mean the node already has this very transaction. */
static int already_known(const char *msg)
{
	static const char *const known[] = { "already known",
					     "known transaction",
					     "already imported",
					     "alreadyknown" };

	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (strcasestr(msg, known[i]))
			return 1;
	return 0;
}

/* Sends raw; a node that already has it is fine. */
static int send_raw(struct sender *s, const struct buf *raw,
		    const uint8_t hash[32])
{
	uint8_t got[32];
	int rc = rpc_send_raw_transaction(got, s->rpc, (const uint8_t *)raw->ptr, raw->len);

	if (rc == PROV_ERROR && already_known(prov_error_last())) {
		prov_error_clear();
		return 0;
	}
	if (rc == 0 && memcmp(got, hash, 32))
		return prov_error_set(PROV_EINVALID,
				      "the node names the transaction by "
				      "another hash than its bytes'");
	return rc;
}

int send_submit(struct buf *raw, uint8_t hash[32], struct sender *s,
		struct tx *tx)
{
	char hex[67];
	int rc;

	buf_clear(raw);
	if ((rc = tx_sign(raw, hash, tx, s->key)) ||
	    (s->save && (rc = s->save(s->payload, tx, raw, hash))))
		return rc;
	chain_hex(hex, hash, 32);
	note(s, "sending transaction %s (nonce %" PRIu64 ")", hex, tx->nonce);
	return send_raw(s, raw, hash);
}

/* The node does not know the transaction: it was dropped, or a reorg
 * took it out of its block and not back into the pool. Send the same
 * bytes again, unless another transaction of ours took the nonce: then
 * sign again with the next one. *taken counts the polls in a row that
 * saw the nonce taken: only a second one signs again, since a node in
 * the middle of a reorg (or one of several behind a load balancer) can
 * answer from the old head's state for one call, and signing again on
 * that would pay for a second transaction. */
static int resend(struct sender *s, struct tx *tx, struct buf *raw,
		  uint8_t hash[32], int *taken)
{
	uint64_t mined;
	char hex[67];
	int rc;

	if ((rc = rpc_get_transaction_count(&mined, s->rpc, s->key->addr,
					    "latest")))
		return rc;
	if (mined <= tx->nonce) {
		*taken = 0;
		chain_hex(hex, hash, 32);
		note(s, "the node does not know transaction %s: sending it "
			"again",
		     hex);
		return send_raw(s, raw, hash);
	}
	if (++*taken < 2)
		return 0;
	*taken = 0;
	if (s->resign && (rc = s->resign(s->payload)))
		return rc;
	note(s, "nonce %" PRIu64 " was used by another transaction of %s: "
		"signing again",
	     tx->nonce, s->key->address);
	if ((rc = rpc_get_transaction_count(&tx->nonce, s->rpc, s->key->addr,
					    "pending")))
		return rc;
	return send_submit(raw, hash, s, tx);
}

/* The receipt of a reverted transaction, explained: the call replayed on
 * the state after its block (which it did not change), so a transaction
 * ahead of it in the block that caused the revert is counted. */
static int reverted(struct sender *s, const struct tx *tx,
		    const struct rpc_receipt *r)
{
	struct buf out = BUF_INIT;
	char block[24], why[512] = "no reason given", hex[67];
	int rc;

	snprintf(block, sizeof(block), "0x%" PRIx64, r->block_number);
	rc = tx->create ? 0 : rpc_eth_call(&out, s->rpc, tx->to, (const uint8_t *)tx->data.ptr, tx->data.len, block);
	if (rc == PROV_ERROR)
		revert_reason(why, sizeof(why), s);
	prov_error_clear();
	buf_release(&out);
	chain_hex(hex, r->tx_hash, 32);
	return prov_error_set(PROV_ERROR,
			      "transaction %s reverted in block %" PRIu64 ": %s",
			      hex, r->block_number, why);
}

int send_wait(struct rpc_receipt **out, struct sender *s, struct tx *tx,
	      struct buf *raw, uint8_t hash[32])
{
	struct rpc_receipt *r = NULL;
	struct rpc_tx_info info;
	struct rpc_block b;
	uint8_t seen[32] = { 0 };
	uint64_t head, depth, shown = 0;
	long start = now_ms();
	char hex[67];
	int rc, mined = 0, taken = 0;

	*out = NULL;
	for (;;) {
		rpc_receipt_free(r);
		r = NULL;
		rc = rpc_get_transaction_receipt(&r, s->rpc, hash);
		if (rc == PROV_ENOTFOUND) {
			prov_error_clear();
			if (mined) {
				note(s, "reorg: the transaction is no longer "
					"in a block");
				mined = 0;
				shown = 0;
			}
			rc = rpc_get_transaction(&info, s->rpc, hash);
			if (rc == PROV_ENOTFOUND) {
				prov_error_clear();
				rc = resend(s, tx, raw, hash, &taken);
			} else {
				taken = 0;
			}
			if (rc)
				goto done;
		} else if (rc) {
			goto done;
		} else if (memcmp(r->tx_hash, hash, 32)) {
			rc = prov_error_set(PROV_EINVALID,
					    "the node answered with the receipt "
					    "of another transaction");
			goto done;
		} else {
			taken = 0;
			if (!mined || memcmp(seen, r->block_hash, 32)) {
				chain_hex(hex, r->block_hash, 32);
				note(s, "mined in block %" PRIu64 " (%s)",
				     r->block_number, hex);
				memcpy(seen, r->block_hash, 32);
				mined = 1;
				shown = 0;
			}
			if ((rc = rpc_block_number(&head, s->rpc)))
				goto done;
			depth = head >= r->block_number
					? head - r->block_number + 1
					: 0;
			if (depth >= s->confirmations) {
				/* The receipt must name the block the chain
				 * has at that height now. */
				if ((rc = rpc_get_block(&b, s->rpc,
							r->block_number)) &&
				    rc != PROV_ENOTFOUND)
					goto done;
				prov_error_clear();
				if (!rc && !memcmp(b.hash, r->block_hash, 32)) {
					/* A revert is final only once
					 * confirmed too: a reorg could still
					 * put the transaction elsewhere. */
					if (!r->status)
						rc = reverted(s, tx, r);
					*out = r;
					r = NULL;
					goto done;
				}
				rc = 0;
			} else if (depth != shown) {
				note(s, "%" PRIu64 " of %u confirmations",
				     depth, s->confirmations);
				shown = depth;
			}
		}
		if (s->timeout_ms > 0 && now_ms() - start >= s->timeout_ms) {
			chain_hex(hex, hash, 32);
			rc = prov_error_set(PROV_EIO,
					    "transaction %s: %s after %ld s",
					    hex,
					    mined ? "not yet confirmed"
						  : "not yet mined",
					    s->timeout_ms / 1000);
			goto done;
		}
		sleep_ms(s->poll_ms > 0 ? s->poll_ms : 1000);
	}
done:
	rpc_receipt_free(r);
	return rc;
}

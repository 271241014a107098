/* prov royalties distribute and claim: a payout batch paid on chain
 * through prov's PayoutDistributor (docs/royalties.md, "Paying a batch on
 * chain"). Everything that can be checked is checked before anything is
 * signed: the batch file, the chain, the distributor's code, the batch's
 * state on chain, the funder's tokens; so a transaction that is sent is
 * one that should succeed, and a revert is a chain that changed under us. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "royalties/royalties.h"

/* How distribute and claim wait for their transactions. */
#define OPT_WAIT(conf, timeout, poll)                                        \
	OPT_STR("confirmations", 0, conf, "N",                               \
		"blocks to wait for each transaction (default 3)"),         \
	OPT_STR("timeout", 0, timeout, "SECONDS",                            \
		"stop waiting for a transaction after this long "           \
		"(default 900)"),                                           \
	OPT_STR("poll-ms", 0, poll, "MS",                                    \
		"between looks at the chain (default 1000)")

#define URI_MAX	       2000
#define BATCH_FILE_MAX (1u << 30)

/* What distribute and claim share: the batch, the chain and the sender. */
struct pay {
	struct payout_doc doc;
	int have_doc;
	struct rpc_client *rpc;
	struct chain_key *ck;
	struct sender snd;
	uint8_t dist[20];
	/* The batch's id on chain: its payout record's id, so two periods
	 * with one root are still two batches. */
	uint8_t id[32];
	char id_text[RECORD_ID_MAX], root[67], dist_text[43];
	uint8_t total[32]; /* doc.paid_total, as the chain holds it */
	int quiet;	   /* no sender notes: a progress line instead */
};

static void pay_release(struct pay *p)
{
	if (p->have_doc)
		payout_doc_release(&p->doc);
	rpc_client_free(p->rpc);
	chain_key_free(p->ck);
	memset(p, 0, sizeof(*p));
}

static void on_note(void *payload, const char *msg)
{
	const struct pay *p = payload;

	if (!p->quiet)
		fprintf(stderr, "prov royalties: %s\n", msg);
}

/* A uint256 as the chain holds it, in decimal; malloc'd. */
static char *u256_string(const uint8_t v[32])
{
	mpz_t z;
	char *s;

	mpz_init(z);
	mpz_import(z, 32, 1, 1, 1, 0, v);
	s = amount_string(z);
	mpz_clear(z);
	return s;
}

/* ---- the batch ----------------------------------------------------------- */

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* A record id as prov takes them: "sha256:<hex>" or 8 or more hex digits
 * (a unique prefix). */
static int looks_like_id(const char *arg)
{
	const char *hex = strncmp(arg, "sha256:", 7) ? arg : arg + 7;
	size_t n = strspn(hex, "0123456789abcdef");

	return n >= 8 && !hex[n];
}

/* BATCH|ID: a batch file when one exists at that path, else a payout
 * record of the registry (royalties_doc_load). Nothing to release on
 * failure. */
static int load_batch(struct payout_doc *out, const char *arg)
{
	struct buf text = BUF_INIT;
	struct store *s = NULL;
	int rc;

	if (!is_file(arg) && !looks_like_id(arg))
		return prov_error_set(PROV_ENOTFOUND,
				      "no batch file '%s' (nor is it a record "
				      "id)",
				      cli_esc(arg));
	if (!is_file(arg)) {
		if ((rc = cli_open_store(&s)))
			return rc;
		/* released either way (cli.h) */
		if ((rc = royalties_doc_load(out, s, arg)))
			payout_doc_release(out);
		store_free(s);
		return rc;
	}
	if ((rc = buf_read_file(&text, arg, BATCH_FILE_MAX)) == 0 &&
	    (rc = payout_doc_parse(out, text.ptr, text.len))) {
		prov_error_wrap("'%s'", arg);
		payout_doc_release(out); /* released either way */
	}
	buf_release(&text);
	return rc;
}

/* The batch must pay in an ERC-20 of this very chain, and pay someone. */
static int check_batch(const struct payout_doc *d, uint64_t chain_id)
{
	if (!d->asset.erc20)
		return prov_error_set(PROV_EINVALID,
				      "the batch pays in %s, not an ERC-20 "
				      "token (eip155:N/erc20:ADDRESS)",
				      d->asset.text);
	if (d->asset.chain_id != chain_id)
		return prov_error_set(PROV_EINVALID,
				      "the batch pays in %s, but the endpoint "
				      "is on chain eip155:%" PRIu64,
				      d->asset.text, chain_id);
	if (!d->npaid)
		return prov_error_set(PROV_EINVALID,
				      "the batch pays no account (everything "
				      "is carried or goes to the treasury): "
				      "nothing to put on chain");
	return 0;
}

/* The batch's id: the payout record's, which a batch file without an
 * 'id' still has (the sha256 of its payout's JCS, as record ids are). */
static int batch_id(struct pay *p)
{
	struct buf canon = BUF_INIT;
	int rc;

	if (p->doc.id[0]) {
		snprintf(p->id_text, sizeof(p->id_text), "%s", p->doc.id);
		return sha256_id_parse(p->id, p->doc.id);
	}
	if (!(rc = jcs_encode(&canon, p->doc.payout))) {
		sha256_buf(p->id, canon.ptr, canon.len);
		sha256_id(p->id_text, p->id);
	}
	buf_release(&canon);
	return rc;
}

/* Loads the batch, the key and the chain, and checks the distributor: all
 * that is input, so every failure here is exit 2. */
static int pay_open(struct pay *p, const char *batch,
		    const struct strlist *rpcs, const char *dist,
		    const char *key)
{
	uint64_t chain_id;
	int rc;

	if (!dist)
		return prov_error_set(PROV_EINVALID,
				      "no --distributor ADDRESS");
	if ((rc = address_parse(p->dist, dist)))
		return prov_error_wrap("--distributor");
	address_checksum(p->dist_text, p->dist);
	if ((rc = load_batch(&p->doc, batch)))
		return rc;
	p->have_doc = 1;
	chain_hex(p->root, p->doc.root, 32);
	amount_u256(p->total, p->doc.paid_total);
	if ((rc = batch_id(p)) || (rc = cli_load_chain_key(&p->ck, key)) ||
	    (rc = cli_rpc_open(&p->rpc, &chain_id, rpcs, NULL)) ||
	    (rc = check_batch(&p->doc, chain_id)) ||
	    (rc = distributor_check_code(p->rpc, p->dist)))
		return rc;
	p->snd.rpc = p->rpc;
	p->snd.key = p->ck;
	p->snd.chain_id = chain_id;
	p->snd.note = on_note;
	p->snd.payload = p;
	return 0;
}

/* ---- sending ------------------------------------------------------------- */

/* One transaction to `to`, signed, sent and confirmed: *out its receipt.
 * *reverted is set when the chain refused it (at the gas estimate or in a
 * block): that is exit 1, any other failure is the input's or the
 * node's. */
static int send_call(struct rpc_receipt **out, int *reverted, struct pay *p,
		     const uint8_t to[20], const struct buf *calldata)
{
	struct tx tx;
	struct buf raw = BUF_INIT;
	uint8_t hash[32];
	int rc;

	*out = NULL;
	*reverted = 0;
	tx_init(&tx);
	rc = send_prepare(&tx, &p->snd, to, (const uint8_t *)calldata->ptr,
			  calldata->len);
	/* send_prepare words a failed gas estimate so: the call reverts. */
	if (rc == PROV_ERROR &&
	    !strncmp(prov_error_last(), "the transaction would revert", 28))
		*reverted = 1;
	if (rc || (rc = send_submit(&raw, hash, &p->snd, &tx)))
		goto done;
	rc = send_wait(out, &p->snd, &tx, &raw, hash);
	if (rc && *out && !(*out)->status)
		*reverted = 1;
done:
	tx_release(&tx);
	buf_release(&raw);
	return rc;
}

/* The exit status of a failure: 1 when the chain refused, as for a check
 * that fails; else as cli_fail maps the error. */
static int fail_chain(int reverted)
{
	int rc;

	fflush(stdout); /* what was done, before why it stopped */
	rc = cli_fail(prov_error_code());

	return reverted ? EXIT_CHECK : rc;
}

static json_t *tx_json(const char *what, const struct rpc_receipt *r)
{
	char hash[67];

	chain_hex(hash, r->tx_hash, 32);
	return json_pack("{s:s, s:s, s:I}", "what", what, "tx", hash, "block",
			 (json_int_t)r->block_number);
}

/* ---- distribute ---------------------------------------------------------- */

/* Whether the batch's id is funded already: 1 with the same root, token
 * and total (done before, nothing to send), 0 when not, PROV_EVERIFY when
 * the id holds another root, token or total (this batch can never be
 * funded there). */
static int funded_already(struct pay *p)
{
	struct distributor_batch b;
	static const uint8_t zero[20];
	char *have, *want, token[43];
	int rc;

	if ((rc = distributor_batch_get(&b, p->rpc, p->dist, p->id)))
		return rc;
	if (!memcmp(b.token, zero, 20))
		return 0;
	if (memcmp(b.root, p->doc.root, 32)) {
		char root[67];

		chain_hex(root, b.root, 32);
		return prov_error_set(PROV_EVERIFY,
				      "batch %s is funded on %s with another "
				      "root (%s) than the batch's (%s)",
				      p->id_text, p->dist_text, root, p->root);
	}
	if (!memcmp(b.token, p->doc.asset.token, 20) &&
	    !memcmp(b.total, p->total, 32))
		return 1;
	have = u256_string(b.total);
	want = u256_string(p->total);
	address_checksum(token, b.token);
	rc = prov_error_set(PROV_EVERIFY,
			    "batch %s is funded on %s with another token or "
			    "total (%s units of eip155:%" PRIu64
			    "/erc20:%s) than the batch's (%s units of %s)",
			    p->id_text, p->dist_text, have, p->snd.chain_id,
			    token, want, p->doc.asset.text);
	free(have);
	free(want);
	return rc;
}

/* Only the distributor's owner may fund (a batch's id could otherwise be
 * taken first with a token of anyone's choosing): anyone else's fund
 * would revert, so it is refused before anything is signed. */
static int check_owner(const struct pay *p, const char *key)
{
	uint8_t owner[20];
	char text[43];
	int rc;

	if ((rc = distributor_owner(owner, p->rpc, p->dist)) ||
	    !memcmp(owner, p->ck->addr, 20))
		return rc;
	address_checksum(text, owner);
	return prov_error_set(PROV_EINVALID,
			      "the distributor's owner is %s, not %s's %s: "
			      "only the owner funds batches",
			      text, key, p->ck->address);
}

/* The key must hold the batch's total of the token: refused before any
 * gas is spent on an approve. */
static int check_tokens(struct pay *p)
{
	uint8_t bal[32];
	char *have, *want;
	int rc;

	if ((rc = erc20_balance_of(bal, p->rpc, p->doc.asset.token,
				   p->ck->addr)))
		return rc;
	if (memcmp(bal, p->total, 32) >= 0)
		return 0;
	have = u256_string(bal);
	want = u256_string(p->total);
	rc = prov_error_set(PROV_EINVALID,
			    "%s holds %s units of %s, and the batch pays %s: "
			    "give the key the tokens first",
			    p->ck->address, have, p->doc.asset.text, want);
	free(have);
	free(want);
	return rc;
}

/* approve(distributor, total) unless the allowance covers it already.
 * Tokens like USDT refuse to change one non-zero allowance into another,
 * so a short allowance is set to zero first. */
static int approve(json_t *txs, int *reverted, struct pay *p)
{
	static const uint8_t zero[32];
	uint8_t have[32];
	struct buf call = BUF_INIT;
	struct rpc_receipt *r = NULL;
	int rc;

	if ((rc = erc20_allowance(have, p->rpc, p->doc.asset.token, p->ck->addr,
				  p->dist)) ||
	    memcmp(have, p->total, 32) >= 0)
		return rc;
	if (memcmp(have, zero, 32)) {
		on_note(p, "setting the allowance to 0 before raising it");
		if ((rc = erc20_approve_calldata(&call, p->dist, zero)) ||
		    (rc = send_call(&r, reverted, p, p->doc.asset.token,
				    &call)))
			goto done;
		json_array_append_new(txs, tx_json("approve", r));
		rpc_receipt_free(r);
		r = NULL;
		buf_clear(&call);
	}
	on_note(p, "approving the distributor to take the batch's total");
	if ((rc = erc20_approve_calldata(&call, p->dist, p->total)) ||
	    (rc = send_call(&r, reverted, p, p->doc.asset.token, &call)))
		goto done;
	json_array_append_new(txs, tx_json("approve", r));
done:
	rpc_receipt_free(r);
	buf_release(&call);
	return rc;
}

/* The receipt must hold the distributor's BatchFunded of this batch. */
static int check_funded_event(const struct pay *p, const struct rpc_receipt *r)
{
	for (size_t i = 0; i < r->nlogs; i++) {
		const struct rpc_log *l = &r->logs[i];
		struct batch_funded_event ev;
		int same;

		if (memcmp(l->address, p->dist, 20) ||
		    batch_funded_event_decode(
			    &ev, (const uint8_t(*)[32])l->topics, l->ntopics,
			    (const uint8_t *)l->data.ptr, l->data.len)) {
			prov_error_clear();
			continue;
		}
		same = !memcmp(ev.id, p->id, 32) &&
		       !memcmp(ev.root, p->doc.root, 32) &&
		       !memcmp(ev.token, p->doc.asset.token, 20) &&
		       !memcmp(ev.total, p->total, 32);
		free(ev.uri);
		if (same)
			return 0;
	}
	return prov_error_set(PROV_EVERIFY,
			      "the fund receipt holds no BatchFunded event of "
			      "batch %s from %s",
			      p->id_text, p->dist_text);
}

static int fund(json_t *txs, int *reverted, struct pay *p, const char *uri)
{
	struct buf call = BUF_INIT;
	struct rpc_receipt *r = NULL;
	int rc;

	on_note(p, "funding the batch");
	if ((rc = distributor_fund_calldata(&call, p->id, p->doc.root,
					    p->doc.asset.token, p->total,
					    uri)) ||
	    (rc = send_call(&r, reverted, p, p->dist, &call)) ||
	    (rc = check_funded_event(p, r)))
		goto done;
	json_array_append_new(txs, tx_json("fund", r));
done:
	rpc_receipt_free(r);
	buf_release(&call);
	return rc;
}

static void print_distribute(const struct pay *p, const char *uri, int already,
			     json_t *txs, int json)
{
	char *total = amount_string(p->doc.paid_total);
	char *shown = amount_display(p->doc.paid_total, p->doc.decimals);
	size_t i;
	json_t *t;

	if (json) {
		json_t *o = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:I, s:s?, s:b, s:O}", "id",
			p->id_text, "root", p->root, "distributor",
			p->dist_text, "asset", p->doc.asset.text, "total",
			total, "accounts", (json_int_t)p->doc.npaid, "uri", uri,
			"already_funded", already, "transactions", txs);

		cli_print_json(o);
		json_decref(o);
	} else if (already) {
		printf("batch %s is already funded on %s (%s = %s units of "
		       "%s): nothing sent\n",
		       p->id_text, p->dist_text, shown, total,
		       p->doc.asset.text);
	} else {
		printf("funded batch %s on %s: %s (%s units of %s) for %zu "
		       "accounts\n",
		       p->id_text, p->dist_text, shown, total,
		       p->doc.asset.text, p->doc.npaid);
		json_array_foreach(txs, i, t)
			printf("  %-8s %s  block %" JSON_INTEGER_FORMAT "\n",
			       json_string_value(json_object_get(t, "what")),
			       json_string_value(json_object_get(t, "tx")),
			       json_integer_value(json_object_get(t, "block")));
	}
	free(total);
	free(shown);
}

/* The uri in the BatchFunded event unless --uri: where the batch can be
 * found, "prov:<record id>", else the batch file's name. */
static void default_uri(struct buf *out, const struct payout_doc *d,
			const char *arg)
{
	const char *base = strrchr(arg, '/');

	if (d->id[0])
		buf_printf(out, "prov:%s", d->id);
	else
		buf_printf(out, "%s", base ? base + 1 : arg);
}

int royalties_distribute(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov royalties distribute BATCH|ID --rpc URL... --distributor "
		"ADDRESS --key NAME [--uri TEXT] [--confirmations N] "
		"[--timeout SECONDS] [--poll-ms MS] [--json]",
		"Funds a payout batch (a batch file, or a payout record's id) "
		"on prov's PayoutDistributor: approves the distributor for the "
		"batch's total of its ERC-20 token (unless the allowance "
		"covers it) and calls fund(id, root, token, total, uri), the "
		"id being the payout record's, signed with the chain key NAME, "
		"which must be the distributor's owner (exit 2 otherwise) and "
		"hold the tokens. The token's chain must be the endpoint's. A "
		"batch funded already with the same root, token and total is "
		"left alone (exit 0, nothing sent); its id funded otherwise is "
		"exit 1, and so is a transaction the chain refuses.",
		1,
		1,
		1,
	};
	int json = 0, rc = 0, already, reverted = 0;
	const char *dist = NULL, *key = NULL, *uri = NULL, *conf = NULL,
		   *timeout = NULL, *poll = NULL;
	struct strlist args = {0}, rpcs = {0};
	const struct opt opts[] = {
		OPT_RPC(&rpcs),
		OPT_STR("distributor", 0, &dist, "ADDRESS",
			"prov's PayoutDistributor"),
		OPT_CHAIN_KEY(&key),
		OPT_STR("uri", 0, &uri, "TEXT",
			"where the batch can be fetched, in the event "
			"(default prov:<record id>, or the file's name)"),
		OPT_WAIT(&conf, &timeout, &poll),
		OPT_JSON(&json),
		OPT_END_,
	};
	unsigned confirmations = 3, timeout_s = 900, poll_ms = 1000;
	struct pay p;
	struct buf text = BUF_INIT;
	json_t *txs = json_array();

	memset(&p, 0, sizeof(p));
	if ((rc = cli_parse(argc, argv, &help, opts, &args)) ||
	    (rc = cli_parse_count(&confirmations, conf, "confirmations", 1,
				  10000)) ||
	    (rc = cli_parse_count(&timeout_s, timeout, "timeout", 1,
				  86400 * 7)) ||
	    (rc = cli_parse_count(&poll_ms, poll, "poll-ms", 10, 600000)) ||
	    (uri &&
	     (rc = cli_text_arg("royalties distribute", "uri", uri, URI_MAX))))
		goto done;
	if (pay_open(&p, args.v[0], &rpcs, dist, key) || check_owner(&p, key) ||
	    (already = funded_already(&p)) < 0) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	default_uri(&text, &p.doc, args.v[0]);
	if (!uri)
		uri = text.ptr;
	if (!already) {
		p.snd.confirmations = confirmations;
		p.snd.poll_ms = (long)poll_ms;
		p.snd.timeout_ms = (long)timeout_s * 1000L;
		if (check_tokens(&p)) {
			rc = cli_fail(prov_error_code());
			goto done;
		}
		if (approve(txs, &reverted, &p) ||
		    fund(txs, &reverted, &p, uri)) {
			rc = fail_chain(reverted);
			goto done;
		}
	}
	print_distribute(&p, uri, already, txs, json);
done:
	json_decref(txs);
	buf_release(&text);
	pay_release(&p);
	strlist_release(&args);
	strlist_release(&rpcs);
	return CLI_EXIT(rc);
}

/* ---- claim --------------------------------------------------------------- */

/* Claims are made only from a batch funded with its own token and total:
 * anything else would revert, or pay from someone else's batch. */
static int check_funded(struct pay *p)
{
	int rc = funded_already(p);

	if (rc == 0)
		rc = prov_error_set(PROV_EVERIFY,
				    "batch %s is not funded on %s: run 'prov "
				    "royalties distribute' first",
				    p->id_text, p->dist_text);
	return rc < 0 ? rc : 0;
}

/* The indexes in doc.paid of the accounts to claim for, in the batch's
 * order, each once: every paid account with all, else those named (each
 * must be paid by the batch). */
static int select_accounts(size_t **out, size_t *n, const struct pay *p,
			   const struct strlist *accounts, int all)
{
	char *want = xcalloc(p->doc.npaid, 1);
	uint8_t addr[20];
	ssize_t k;
	int rc = 0;

	*out = xcalloc(p->doc.npaid, sizeof(**out));
	*n = 0;
	for (size_t i = 0; i < accounts->n && !rc; i++) {
		if ((rc = address_parse(addr, accounts->v[i]))) {
			prov_error_wrap("--account");
		} else if ((k = payout_doc_find(&p->doc, addr)) < 0) {
			rc = prov_error_set(
				PROV_EINVALID, "'%s' is not paid by batch %s",
				cli_esc(accounts->v[i]), p->id_text);
		} else {
			want[k] = 1;
		}
	}
	for (size_t i = 0; i < p->doc.npaid && !rc; i++)
		if (all || want[i])
			(*out)[(*n)++] = i;
	free(want);
	return rc;
}

/* The receipt must hold the distributor's Claimed of this line. */
static int check_claimed_event(const struct pay *p, const struct rpc_receipt *r,
			       const struct payout_line *l)
{
	uint8_t amount[32];
	char addr[43];

	amount_u256(amount, l->amount);
	for (size_t i = 0; i < r->nlogs; i++) {
		struct claimed_event ev;

		if (memcmp(r->logs[i].address, p->dist, 20) ||
		    claimed_event_decode(
			    &ev, (const uint8_t(*)[32])r->logs[i].topics,
			    r->logs[i].ntopics,
			    (const uint8_t *)r->logs[i].data.ptr,
			    r->logs[i].data.len)) {
			prov_error_clear();
			continue;
		}
		if (!memcmp(ev.id, p->id, 32) &&
		    !memcmp(ev.account, l->account, 20) &&
		    !memcmp(ev.amount, amount, 32))
			return 0;
	}
	address_checksum(addr, l->account);
	return prov_error_set(PROV_EVERIFY,
			      "the claim receipt holds no Claimed event of %s "
			      "from %s",
			      addr, p->dist_text);
}

/* Claims line i of the batch; the tokens go to its account, whoever
 * sends. *entry: what happened, for the output. */
static int claim_one(json_t **entry, int *reverted, struct pay *p,
		     const struct merkle *m, size_t i)
{
	const struct payout_line *l = &p->doc.paid[i];
	uint8_t(*proof)[32] = NULL, amount[32];
	size_t np = 0;
	struct buf call = BUF_INIT;
	struct rpc_receipt *r = NULL;
	int rc;

	amount_u256(amount, l->amount);
	if ((rc = merkle_proof(&proof, &np, m, i)) ||
	    (rc = distributor_claim_calldata(&call, p->id, l->account, amount,
					     (const uint8_t(*)[32])proof,
					     np)) ||
	    (rc = send_call(&r, reverted, p, p->dist, &call)) ||
	    (rc = check_claimed_event(p, r, l)))
		goto done;
	*entry = tx_json("claim", r);
done:
	free(proof);
	buf_release(&call);
	rpc_receipt_free(r);
	return rc;
}

static json_t *claim_entry(const struct payout_line *l, const char *status)
{
	char addr[43], *amount = amount_string(l->amount);
	json_t *o;

	address_checksum(addr, l->account);
	o = json_pack("{s:s, s:s, s:s}", "account", addr, "amount", amount,
		      "status", status);
	free(amount);
	return o;
}

static void print_claim(const json_t *e)
{
	const char *status = json_string_value(json_object_get(e, "status"));

	printf("%-16s %s  %s", status,
	       json_string_value(json_object_get(e, "account")),
	       json_string_value(json_object_get(e, "amount")));
	if (json_object_get(e, "tx"))
		printf("  tx %s  block %" JSON_INTEGER_FORMAT,
		       json_string_value(json_object_get(e, "tx")),
		       json_integer_value(json_object_get(e, "block")));
	printf("\n");
	fflush(stdout);
}

/* What claim_all did, for the output and the exit status. */
struct claims {
	json_t *list;
	size_t sent, skipped;
	int failed, reverted;
};

/* Claims for each selected account in turn. An account that claimed
 * before is skipped (its tokens are paid; claiming again would revert);
 * the first failure stops the run. */
static void claim_all(struct claims *c, struct pay *p, const struct merkle *m,
		      const size_t *sel, size_t n, int json)
{
	int progress = n > 1 && cli_progress_enabled();

	p->quiet = n > 1;
	for (size_t k = 0; k < n && !c->failed; k++) {
		const struct payout_line *l = &p->doc.paid[sel[k]];
		json_t *e = claim_entry(l, "claimed"), *tx = NULL;
		int done;

		if (progress)
			cli_progress("claiming", k, n);
		if (distributor_claimed(&done, p->rpc, p->dist, p->id,
					l->account)) {
			c->failed = 1;
		} else if (done) {
			json_object_set_new(e, "status",
					    json_string("already-claimed"));
			c->skipped++;
		} else if (claim_one(&tx, &c->reverted, p, m, sel[k])) {
			c->failed = 1;
		} else {
			json_object_set(e, "tx", json_object_get(tx, "tx"));
			json_object_set(e, "block",
					json_object_get(tx, "block"));
			c->sent++;
		}
		json_decref(tx);
		if (c->failed) {
			json_object_set_new(e, "status", json_string("failed"));
			json_object_set_new(e, "error",
					    json_string(prov_error_last()));
		}
		if (!json && !progress)
			print_claim(e);
		json_array_append_new(c->list, e);
	}
	if (progress)
		cli_progress_end();
}

/* With a progress line drawn, the accounts' lines come at the end. */
static void print_claims(const struct pay *p, const struct claims *c, size_t n,
			 int json)
{
	size_t i;
	json_t *e;

	if (json) {
		json_t *o = json_pack(
			"{s:s, s:s, s:s, s:O, s:I, s:I}", "id", p->id_text,
			"root", p->root, "distributor", p->dist_text, "claims",
			c->list, "claimed", (json_int_t)c->sent,
			"already_claimed", (json_int_t)c->skipped);

		cli_print_json(o);
		json_decref(o);
		return;
	}
	if (n > 1 && cli_progress_enabled())
		json_array_foreach(c->list, i, e)
			print_claim(e);
	printf("%zu claimed, %zu already claimed, of %zu accounts asked "
	       "(batch %s)\n",
	       c->sent, c->skipped, n, p->id_text);
	fflush(stdout);
}

/* Accounts named with --account that had claimed before: the run did
 * not do what was asked for them, which a script should see. */
static int refuse_claimed(const struct pay *p, const struct claims *c)
{
	struct buf names = BUF_INIT;
	size_t i;
	json_t *e;

	json_array_foreach(c->list, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "status")),
			    "already-claimed"))
			buf_printf(&names, "%s%s", names.len ? ", " : "",
				   json_string_value(
					   json_object_get(e, "account")));
	fflush(stdout);
	fprintf(stderr,
		"prov: already claimed from batch %s: %s (nothing sent for "
		"%s)\n",
		p->id_text, names.ptr, c->skipped == 1 ? "it" : "them");
	buf_release(&names);
	return EXIT_CHECK;
}

int royalties_claim(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov royalties claim BATCH|ID (--account ADDRESS... | --all) "
		"--rpc URL... --distributor ADDRESS --key NAME "
		"[--confirmations N] [--timeout SECONDS] [--poll-ms MS] "
		"[--json]",
		"Claims accounts' amounts of a funded payout batch from prov's "
		"PayoutDistributor, one transaction each with the account's "
		"Merkle proof, sent and paid for by the chain key NAME; the "
		"tokens go to the account, whoever sends. Every account named "
		"must be paid by the batch (exit 2 otherwise, nothing sent). "
		"An "
		"account that has claimed already is skipped: with --all that "
		"is fine (exit 0: run again after an interruption), but an "
		"account named with --account that had claimed already is "
		"reported and makes the exit status 1. A batch not funded, or "
		"a transaction the chain refuses, is exit 1; claims stop at "
		"the "
		"first failure.",
		1,
		1,
		1,
	};
	int json = 0, all = 0, rc = 0;
	const char *dist = NULL, *key = NULL, *conf = NULL, *timeout = NULL,
		   *poll = NULL;
	struct strlist args = {0}, rpcs = {0}, accounts = {0};
	const struct opt opts[] = {
		OPT_LIST_("account", 0, &accounts, "ADDRESS",
			  "an account paid by the batch"),
		OPT_FLAG_("all", 0, &all, "every account the batch pays"),
		OPT_RPC(&rpcs),
		OPT_STR("distributor", 0, &dist, "ADDRESS",
			"prov's PayoutDistributor"),
		OPT_CHAIN_KEY(&key),
		OPT_WAIT(&conf, &timeout, &poll),
		OPT_JSON(&json),
		OPT_END_,
	};
	unsigned confirmations = 3, timeout_s = 900, poll_ms = 1000;
	struct pay p;
	struct merkle *m = NULL;
	struct claims c = {.list = json_array()};
	size_t *sel = NULL, n = 0;

	memset(&p, 0, sizeof(p));
	if ((rc = cli_parse(argc, argv, &help, opts, &args)) ||
	    (rc = cli_parse_count(&confirmations, conf, "confirmations", 1,
				  10000)) ||
	    (rc = cli_parse_count(&timeout_s, timeout, "timeout", 1,
				  86400 * 7)) ||
	    (rc = cli_parse_count(&poll_ms, poll, "poll-ms", 10, 600000)))
		goto done;
	if (!all == !accounts.n) {
		rc = cli_usage_error("give --account ADDRESS... or --all (one "
				     "of them)");
		goto done;
	}
	if (pay_open(&p, args.v[0], &rpcs, dist, key) ||
	    select_accounts(&sel, &n, &p, &accounts, all) ||
	    payout_tree(&m, p.doc.paid, p.doc.npaid)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (check_funded(&p)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	p.snd.confirmations = confirmations;
	p.snd.poll_ms = (long)poll_ms;
	p.snd.timeout_ms = (long)timeout_s * 1000L;
	claim_all(&c, &p, m, sel, n, json);
	print_claims(&p, &c, n, json);
	if (c.failed) {
		rc = fail_chain(c.reverted);
	} else if (c.skipped && !all) {
		rc = refuse_claimed(&p, &c);
	}
done:
	json_decref(c.list);
	free(sel);
	merkle_free(m);
	pay_release(&p);
	strlist_release(&args);
	strlist_release(&rpcs);
	strlist_release(&accounts);
	return CLI_EXIT(rc);
}

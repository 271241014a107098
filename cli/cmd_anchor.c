/* prov anchor: every unanchored record under one Merkle root, put on chain
 * in one transaction, and recorded with each record's proof once the
 * transaction is confirmed. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"

#define PENDING_FORMAT "prov-anchor-pending"
#define URI_MAX 2000

/* ---- the records to anchor --------------------------------------------- */

struct collect {
	const json_t *covered;
	uint8_t (*digests)[32];
	size_t n, cap;
};

/* Every record file but anchors (their transaction anchors them) and
 * blobs (data of records, covered by their record's id). */
static int collect_cb(const char *path, void *payload)
{
	struct collect *c = payload;
	char id[RECORD_ID_MAX];

	if (!cli_anchorable(id, path) || json_object_get(c->covered, id))
		return 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->digests = xrealloc(c->digests, c->cap * 32);
	}
	if (hex_decode(c->digests[c->n], 32, id + 7, 64))
		return 0;
	c->n++;
	return 0;
}

/* ---- the pending transaction ------------------------------------------- */

/* Saved in the registry's folder, outside its history, before the
 * transaction is sent: a restart finds it and waits for that transaction
 * instead of sending another. */
struct pending {
	char chain[32];
	uint8_t contract[20];
	uint8_t from[20];
	uint8_t root[32];
	char *uri;
	uint8_t (*digests)[32];
	size_t n;
	struct buf path; /* the file */
};

static void pending_release(struct pending *p)
{
	free(p->uri);
	free(p->digests);
	buf_release(&p->path);
	memset(p, 0, sizeof(*p));
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
	char *s = xmalloc(2 * n + 3);
	json_t *v;

	chain_hex(s, p, n);
	v = json_string(s);
	free(s);
	return v;
}

static int pending_save(void *payload, const struct tx *tx,
			const struct buf *raw, const uint8_t hash[32])
{
	const struct pending *p = payload;
	char contract[43], from[43], when[32];
	json_t *o, *ids = json_array();
	char *text;
	int rc;

	for (size_t i = 0; i < p->n; i++) {
		char hex[65];

		hex_encode(hex, p->digests[i], 32);
		json_array_append_new(ids, json_string(hex));
	}
	address_checksum(contract, p->contract);
	address_checksum(from, p->from);
	time_rfc3339(when, (int64_t)time(NULL));
	o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, "
		      "s:I, s:s}",
		      "format", PENDING_FORMAT, "version", 1, "chain", p->chain,
		      "contract", contract, "from", from, "root",
		      hex_json(p->root, 32), "uri", p->uri ? p->uri : "",
		      "records", ids, "tx", hex_json((const uint8_t *)raw->ptr,
						     raw->len),
		      "hash", hex_json(hash, 32), "nonce", (json_int_t)tx->nonce,
		      "saved", when);
	text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (!text)
		return prov_error_set(PROV_ERROR, "'%s': cannot encode",
				      p->path.ptr);
	rc = write_file_atomic(p->path.ptr, text, strlen(text), 0600, 0);
	free(text);
	return rc;
}

static int get_hex(uint8_t *out, size_t n, const json_t *o, const char *key,
		   const char *file)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || strlen(s) != 2 + 2 * n || strncmp(s, "0x", 2) ||
	    hex_decode(out, n, s + 2, 2 * n))
		return prov_error_set(PROV_EINVALID, "'%s': no valid '%s'",
				      file, key);
	return 0;
}

/* Reads the pending file back: its batch into p, its signed transaction
 * into tx, raw and hash. PROV_ENOTFOUND when there is none. */
static int pending_load(struct pending *p, struct tx *tx, struct buf *raw,
			uint8_t hash[32])
{
	struct buf text = BUF_INIT;
	json_t *o = NULL, *ids;
	const char *s;
	uint8_t from[20];
	size_t i;
	int rc;

	if ((rc = buf_read_file(&text, p->path.ptr, 64u << 20))) {
		if (access(p->path.ptr, F_OK) && errno == ENOENT)
			rc = PROV_ENOTFOUND;
		goto done;
	}
	if ((rc = json_parse(&o, text.ptr, text.len, p->path.ptr)))
		goto done;
	rc = PROV_EINVALID;
	s = json_string_value(json_object_get(o, "format"));
	ids = json_object_get(o, "records");
	if (!s || strcmp(s, PENDING_FORMAT) || !json_is_array(ids) ||
	    !json_string_value(json_object_get(o, "chain")) ||
	    strlen(json_string_value(json_object_get(o, "chain"))) >=
		    sizeof(p->chain)) {
		prov_error_set(rc, "'%s' is not a pending anchor", p->path.ptr);
		goto done;
	}
	snprintf(p->chain, sizeof(p->chain), "%s",
		 json_string_value(json_object_get(o, "chain")));
	s = json_string_value(json_object_get(o, "contract"));
	if (!s || address_parse(p->contract, s) ||
	    !(s = json_string_value(json_object_get(o, "from"))) ||
	    address_parse(p->from, s)) {
		prov_error_set(rc, "'%s': no valid addresses", p->path.ptr);
		goto done;
	}
	if ((rc = get_hex(p->root, 32, o, "root", p->path.ptr)))
		goto done;
	s = json_string_value(json_object_get(o, "uri"));
	p->uri = s && s[0] ? xstrdup(s) : NULL;
	p->n = json_array_size(ids);
	p->digests = xcalloc(p->n ? p->n : 1, 32);
	for (i = 0; i < p->n; i++) {
		s = json_string_value(json_array_get(ids, i));
		if (!s || strlen(s) != 64 || hex_decode(p->digests[i], 32, s, 64)) {
			rc = prov_error_set(PROV_EINVALID,
					    "'%s': record %zu is not 64 hex "
					    "digits",
					    p->path.ptr, i);
			goto done;
		}
	}
	s = json_string_value(json_object_get(o, "tx"));
	if (!s || strncmp(s, "0x", 2) || strlen(s) % 2 ||
	    (rc = buf_grow(raw, strlen(s) / 2))) {
		rc = prov_error_set(PROV_EINVALID, "'%s': no valid 'tx'",
				    p->path.ptr);
		goto done;
	}
	if (hex_decode((uint8_t *)raw->ptr, strlen(s) / 2 - 1, s + 2,
		       strlen(s) - 2)) {
		rc = prov_error_set(PROV_EINVALID, "'%s': no valid 'tx'",
				    p->path.ptr);
		goto done;
	}
	raw->len = strlen(s) / 2 - 1;
	raw->ptr[raw->len] = '\0';
	if ((rc = tx_decode(tx, from, (const uint8_t *)raw->ptr, raw->len)))
		goto done;
	keccak256(hash, raw->ptr, raw->len);
	if (memcmp(from, p->from, 20))
		rc = prov_error_set(PROV_EINVALID,
				    "'%s': the transaction is not signed by "
				    "its 'from'",
				    p->path.ptr);
done:
	json_decref(o);
	buf_release(&text);
	return rc;
}

/* ---- anchoring ----------------------------------------------------------- */

struct run {
	struct store *s;
	struct key *id;
	struct chain_key *ck;
	struct rpc_client *rpc;
	struct sender snd;
	struct pending p;
	int json, quiet;
};

static void on_note(void *payload, const char *msg)
{
	const struct run *r = payload;

	if (!r->quiet)
		fprintf(stderr, "prov anchor: %s\n", msg);
}

static int run_save(void *payload, const struct tx *tx, const struct buf *raw,
		    const uint8_t hash[32])
{
	struct run *r = payload;

	return pending_save(&r->p, tx, raw, hash);
}

/* Before signing again for a taken nonce: if the root is on chain
 * already, that may be our own transaction, mined but no longer indexed
 * by the node; paying again would only revert. */
static int run_resign(void *payload)
{
	struct run *r = payload;
	struct registry_anchor at;
	char root[67], by[43];
	int rc;

	if ((rc = registry_anchored_at(&at, r->rpc, r->p.contract, r->p.root,
				       NULL)))
		return rc;
	if (!at.block_number)
		return 0;
	chain_hex(root, r->p.root, 32);
	address_checksum(by, at.submitter);
	return prov_error_set(PROV_ERROR,
			      "root %s is already anchored (block %" PRIu64
			      ", seq %" PRIu64 ", by %s), and the pending "
			      "transaction is unknown to the node: not "
			      "signing again ('%s' keeps the transaction)",
			      root, at.block_number, at.seq, by, r->p.path.ptr);
}

/* After a failed send: the pending file goes only if the transaction
 * cannot be on chain (a retried request may have delivered it). */
static void forget_unsent(struct run *r, const struct tx *tx,
			  const uint8_t hash[32])
{
	struct rpc_tx_info info;
	uint64_t mined;
	char *msg = xstrdup(prov_error_last());
	int code = prov_error_code();

	if (code == PROV_ERROR &&
	    rpc_get_transaction(&info, r->rpc, hash) == PROV_ENOTFOUND &&
	    rpc_get_transaction_count(&mined, r->rpc, r->ck->addr, "latest") ==
		    0 &&
	    mined <= tx->nonce)
		unlink(r->p.path.ptr);
	prov_error_set(code, "%s", msg);
	free(msg);
}

/* The registry's Anchored event in the receipt, for this root and count,
 * sent by this key. */
static int find_event(struct anchored_event *ev, const struct run *r,
		      const struct rpc_receipt *rc_)
{
	for (size_t i = 0; i < rc_->nlogs; i++) {
		const struct rpc_log *l = &rc_->logs[i];

		if (memcmp(l->address, r->p.contract, 20) ||
		    anchored_event_decode(ev, (const uint8_t(*)[32])l->topics,
					  l->ntopics, (const uint8_t *)l->data.ptr,
					  l->data.len)) {
			prov_error_clear();
			continue;
		}
		if (!memcmp(ev->root, r->p.root, 32) && ev->count == r->p.n &&
		    !memcmp(ev->submitter, r->ck->addr, 20))
			return 0;
		free(ev->uri);
		memset(ev, 0, sizeof(*ev));
	}
	return prov_error_set(PROV_EVERIFY,
			      "the receipt holds no Anchored event of this "
			      "root from the registry");
}

/* Writes the anchor record and its proofs blob in one commit. */
static int record_anchor(json_t **out, char id[RECORD_ID_MAX], struct run *r,
			 const struct rpc_receipt *rcpt)
{
	struct anchored_event ev = { 0 };
	struct rpc_block b;
	struct merkle *m = NULL;
	struct anchor_info a;
	struct buf blob = BUF_INIT, env = BUF_INIT, path = BUF_INIT,
		   bpath = BUF_INIT, msg = BUF_INIT;
	uint8_t digest[32];
	char hex[65], commit[41], root[67], tx[67];
	json_t *payload = NULL;
	int rc;

	*out = NULL;
	if ((rc = find_event(&ev, r, rcpt)) ||
	    (rc = rpc_get_block(&b, r->rpc, rcpt->block_number)) ||
	    (rc = anchor_tree(&m, (const uint8_t(*)[32])r->p.digests, r->p.n)) ||
	    (rc = anchor_proofs_write(&blob, m, (const uint8_t(*)[32])r->p.digests,
				      r->p.n)))
		goto done;
	if (memcmp(b.hash, rcpt->block_hash, 32) ||
	    memcmp(m->nodes[0], r->p.root, 32) || ev.seq > INT64_MAX ||
	    b.number > INT64_MAX || b.timestamp > INT64_MAX) {
		rc = prov_error_set(PROV_EVERIFY,
				    "the chain changed while the anchor was "
				    "recorded (block %" PRIu64 "): run again",
				    rcpt->block_number);
		goto done;
	}
	sha256_buf(digest, blob.ptr, blob.len);
	hex_encode(hex, digest, 32);
	memset(&a, 0, sizeof(a));
	a.chain = r->p.chain;
	memcpy(a.contract, r->p.contract, 20);
	memcpy(a.submitter, ev.submitter, 20);
	a.seq = ev.seq;
	a.count = r->p.n;
	memcpy(a.root, r->p.root, 32);
	memcpy(a.tx_hash, rcpt->tx_hash, 32);
	a.block_number = rcpt->block_number;
	memcpy(a.block_hash, rcpt->block_hash, 32);
	a.block_time = b.timestamp;
	a.uri = r->p.uri;
	a.blob_hex = hex;
	payload = anchor_payload(&a, r->id->did, (int64_t)time(NULL));
	chain_hex(root, a.root, 32);
	chain_hex(tx, a.tx_hash, 32);
	buf_printf(&msg,
		   "anchor %zu records at block %" PRIu64 "\n\nroot %s\n"
		   "tx %s\nchain %s\nby %s\n",
		   r->p.n, a.block_number, root, tx, a.chain, r->id->did);
	cli_blob_path(&bpath, hex);
	if ((rc = record_create(&env, id, payload, r->id)) ||
	    (rc = record_store_path(&path, "anchor", id, payload)) ||
	    (rc = store_lock(r->s, cli_lock_wait_ms())) ||
	    (rc = store_begin(r->s)) ||
	    (rc = store_put(r->s, bpath.ptr, blob.ptr, blob.len) < 0
			  ? prov_error_code()
			  : 0) ||
	    (rc = store_put(r->s, path.ptr, env.ptr, env.len) < 0
			  ? prov_error_code()
			  : 0) ||
	    (rc = store_commit(r->s, r->id, msg.ptr, commit)))
		goto done;
	*out = payload;
	payload = NULL;
done:
	free(ev.uri);
	merkle_free(m);
	json_decref(payload);
	buf_release(&blob);
	buf_release(&env);
	buf_release(&path);
	buf_release(&bpath);
	buf_release(&msg);
	return rc;
}

static void print_anchor(const char *id, const json_t *payload, int json)
{
	if (json) {
		json_t *o = json_pack("{s:s, s:O}", "id", id, "anchor", payload);

		cli_print_json(o);
		json_decref(o);
		return;
	}
	printf("%s  anchors %" JSON_INTEGER_FORMAT
	       " records at block %" JSON_INTEGER_FORMAT " (%s)\n",
	       id, json_integer_value(json_object_get(payload, "count")),
	       json_integer_value(json_object_get(
		       json_object_get(payload, "block"), "number")),
	       json_string_value(json_object_get(payload, "chain")));
	printf("  root %s\n  tx   %s\n",
	       json_string_value(json_object_get(payload, "root")),
	       json_string_value(json_object_get(payload, "tx")));
}

/* Waits for the transaction and records the anchor; the pending file
 * goes only after the commit. */
static int finish(struct run *r, struct tx *tx, struct buf *raw,
		  uint8_t hash[32])
{
	struct rpc_receipt *rcpt = NULL;
	json_t *payload = NULL;
	char id[RECORD_ID_MAX];
	int rc;

	if ((rc = send_wait(&rcpt, &r->snd, tx, raw, hash)) ||
	    (rc = record_anchor(&payload, id, r, rcpt)))
		goto done;
	if (unlink(r->p.path.ptr) && errno != ENOENT)
		rc = prov_error_set(PROV_EIO, "'%s': %s", r->p.path.ptr,
				    strerror(errno));
	print_anchor(id, payload, r->json);
done:
	if (rc && rcpt && !rcpt->status)
		unlink(r->p.path.ptr); /* reverted: nothing is pending */
	json_decref(payload);
	rpc_receipt_free(rcpt);
	return rc;
}

/* A pending anchor whose record is already committed (a crash between the
 * commit and removing the file) is done. */
static int already_recorded(const struct cli_anchors *all,
			    const struct pending *p)
{
	for (size_t i = 0; i < all->n; i++)
		if (!all->v[i].problem &&
		    !memcmp(all->v[i].info.root, p->root, 32))
			return 1;
	return 0;
}

/* The pending file is ours, but check it as input: the transaction
 * must be the anchor of its batch, to its contract, on this chain. */
static int check_pending(const struct run *r, const struct tx *tx,
			 uint64_t chain_id)
{
	struct buf want = BUF_INIT;
	struct merkle *m = NULL;
	char have[32], a[43];
	int rc;

	if ((rc = anchor_digests_sort(r->p.digests, r->p.n)) ||
	    (rc = anchor_tree(&m, (const uint8_t(*)[32])r->p.digests, r->p.n)) ||
	    (rc = registry_anchor_calldata(&want, m->nodes[0], r->p.n,
					   r->p.uri ? r->p.uri : "")))
		goto done;
	if (memcmp(m->nodes[0], r->p.root, 32) || tx->create ||
	    memcmp(tx->to, r->p.contract, 20) || tx->data.len != want.len ||
	    memcmp(tx->data.ptr, want.ptr, want.len) ||
	    tx->chain_id != chain_id)
		rc = prov_error_set(PROV_EINVALID,
				    "'%s' does not hold the anchor of its "
				    "records on this chain: move it away to "
				    "start again",
				    r->p.path.ptr);
done:
	merkle_free(m);
	buf_release(&want);
	if (rc)
		return rc;

	snprintf(have, sizeof(have), "eip155:%" PRIu64, chain_id);
	if (strcmp(have, r->p.chain))
		return prov_error_set(PROV_EINVALID,
				      "a pending anchor on %s awaits, but the "
				      "endpoint is on %s",
				      r->p.chain, have);
	if (memcmp(r->p.from, r->ck->addr, 20)) {
		address_checksum(a, r->p.from);
		return prov_error_set(PROV_EINVALID,
				      "a pending anchor sent by %s awaits: "
				      "give that chain key",
				      a);
	}
	return 0;
}

static int lock_anchoring(int *fd, struct store *s)
{
	struct buf path = BUF_INIT;
	int rc = 0;

	buf_printf(&path, "%s/anchor.lock", store_path(s));
	*fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0)
		rc = prov_error_set(PROV_EIO, "'%s': %s", path.ptr,
				    strerror(errno));
	else if (flock(*fd, LOCK_EX | LOCK_NB))
		rc = prov_error_set(PROV_ELOCKED,
				    "another 'prov anchor' is running on this "
				    "registry");
	buf_release(&path);
	return rc;
}

static int anchor_status(struct store *s, int json);

/* ---- proof, verify-proof ------------------------------------------------- */

struct find_proof {
	const uint8_t *digest;
	json_t *proof; /* set when found */
};

static int find_proof_cb(const uint8_t digest[32], const uint8_t (*proof)[32],
			 size_t n, void *payload)
{
	struct find_proof *f = payload;

	if (memcmp(digest, f->digest, 32))
		return 0;
	f->proof = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(f->proof, hex_json(proof[i], 32));
	return 1; /* found: stop */
}

static int anchor_proof(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov anchor proof ID",
		"Prints the inclusion proof of an anchored record as JSON: the "
		"root, the leaf value (the record id's SHA-256, type bytes32) "
		"and the proof, as @openzeppelin/merkle-tree's "
		"StandardMerkleTree.verify takes them, with where the root is "
		"anchored. 'prov anchor verify-proof' checks it against the "
		"chain without the registry.",
		1, 1, 1,
	};
	int rc;
	const struct opt opts[] = { OPT_END_ };
	struct strlist args = { 0 };
	struct store *s = NULL;
	struct cli_anchors all = { 0 };
	struct find_proof f = { 0 };
	char id[RECORD_ID_MAX], *path = NULL;
	uint8_t digest[32];
	const struct cli_anchor *a;
	json_t *k, *o;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (cli_open_store(&s) || cli_find_path(&path, id, s, args.v[0]) ||
	    cli_anchors_load(&all, s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (!(k = json_object_get(all.covered, id))) {
		prov_error_set(PROV_ENOTFOUND, "'%s' is not anchored", id);
		rc = cli_fail(PROV_EVERIFY);
		goto done;
	}
	a = &all.v[json_integer_value(k)];
	hex_decode(digest, 32, id + 7, 64);
	f.digest = digest;
	anchor_proofs_each(a->proofs.ptr, a->proofs.len, find_proof_cb, &f);
	if (!f.proof) {
		prov_error_set(PROV_EINVALID, "no proof of '%s' in '%s'", id,
			       a->path);
		rc = cli_fail(PROV_EINVALID);
		goto done;
	}
	o = json_pack("{s:O, s:[o], s:[s], s:o, s:s, s:{s:s, s:O, s:O, s:O, "
		      "s:O, s:O}}",
		      "root", json_object_get(a->payload, "root"), "leaf",
		      hex_json(digest, 32), "types", "bytes32", "proof", f.proof,
		      "record", id, "anchor", "id", a->id, "chain",
		      json_object_get(a->payload, "chain"), "contract",
		      json_object_get(a->payload, "contract"), "seq",
		      json_object_get(a->payload, "seq"), "block",
		      json_object_get(a->payload, "block"), "tx",
		      json_object_get(a->payload, "tx"));
	cli_print_json(o);
	json_decref(o);
done:
	free(path);
	cli_anchors_release(&all);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* The anchor a proof file names: its chain, contract and block. */
static int proof_anchor(char chain[32], uint8_t contract[20], uint64_t *block,
			const json_t *doc, const char *file)
{
	const json_t *a = json_object_get(doc, "anchor");
	const char *c = json_string_value(json_object_get(a, "chain"));
	const char *addr = json_string_value(json_object_get(a, "contract"));
	const json_t *n = json_object_get(json_object_get(a, "block"), "number");

	if (!c || strlen(c) >= 32 || !addr || address_parse(contract, addr) ||
	    !json_is_integer(n) || json_integer_value(n) < 0)
		return prov_error_set(PROV_EINVALID,
				      "'%s' names no anchor (chain, contract, "
				      "block): make it with 'prov anchor proof'",
				      file);
	snprintf(chain, 32, "%s", c);
	*block = (uint64_t)json_integer_value(n);
	return 0;
}

static int anchor_verify_proof(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov anchor verify-proof PROOF.json --rpc URL... [--json]",
		"Checks a proof from 'prov anchor proof' without the registry: "
		"the proof leads from the record's leaf to the root, and the "
		"registry contract at the address the proof names (whose code "
		"must be prov's) has that root anchored, at the block named. "
		"Exit 0 if so, 1 if not. It shows that the record id existed "
		"by that block's time, not that the record is true.",
		1, 1, 0,
	};
	int json = 0, rc, ok;
	struct strlist args = { 0 }, rpcs = { 0 };
	const struct opt opts[] = {
		OPT_RPC(&rpcs),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct cli_proof p = { 0 };
	struct rpc_client *rpc = NULL;
	struct registry_anchor at = { 0 };
	struct rpc_block b = { 0 };
	char chain[32], root[67], bhash[67], when[32], why[200] = "";
	uint8_t contract[20];
	uint64_t block = 0, chain_id;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)) ||
	    (rc = cli_proof_read(&p, args.v[0])))
		goto done;
	if (proof_anchor(chain, contract, &block, p.doc, args.v[0]) ||
	    cli_rpc_open(&rpc, &chain_id, &rpcs, chain) ||
	    registry_check_code(rpc, contract) ||
	    registry_anchored_at(&at, rpc, contract, p.root, NULL)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	chain_hex(root, p.root, 32);
	if (cli_proof_check(&p))
		snprintf(why, sizeof(why),
			 "the proof does not lead to root %s", root);
	else if (!at.block_number)
		snprintf(why, sizeof(why),
			 "root %s is not anchored in the registry", root);
	else if (at.block_number != block)
		snprintf(why, sizeof(why),
			 "root %s is anchored at block %" PRIu64
			 ", not %" PRIu64,
			 root, at.block_number, block);
	else if (rpc_get_block(&b, rpc, block)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	ok = !why[0];
	chain_hex(bhash, b.hash, 32);
	time_rfc3339(when, (int64_t)at.timestamp);
	if (json) {
		json_t *o = json_pack("{s:b, s:s, s:s}", "valid", ok, "root",
				      root, "chain", chain);

		if (ok)
			json_object_set_new(
				o, "anchored",
				json_pack("{s:I, s:s, s:I, s:I}", "block",
					  (json_int_t)at.block_number, "hash",
					  bhash, "time",
					  (json_int_t)at.timestamp, "seq",
					  (json_int_t)at.seq));
		else
			json_object_set_new(o, "problem", json_string(why));
		cli_print_json(o);
		json_decref(o);
	} else if (ok) {
		printf("proof valid; root %s anchored at block %" PRIu64
		       " (%s, %s), seq %" PRIu64 ", on %s\n",
		       root, at.block_number, bhash, when, at.seq, chain);
	} else {
		printf("not valid: %s\n", why);
	}
	rc = ok ? EXIT_OK : EXIT_CHECK;
done:
	cli_proof_release(&p);
	rpc_client_free(rpc);
	strlist_release(&args);
	strlist_release(&rpcs);
	return CLI_EXIT(rc);
}

int cmd_anchor(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov anchor --rpc URL... --contract ADDRESS --key NAME [--as NAME] "
		"[--confirmations N] [--uri TEXT] [--chain eip155:N] "
		"[--timeout SECONDS] [--poll-ms MS] [--json]\n"
		"       prov anchor --status [--json]\n"
		"       prov anchor proof ID\n"
		"       prov anchor verify-proof PROOF.json --rpc URL... [--json]",
		"Puts every record not yet anchored under one Merkle root and "
		"anchors the root on chain in one transaction to the registry "
		"contract, signed with the chain key NAME. The signed "
		"transaction is saved in the registry's folder before it is "
		"sent; after N confirmations (default 3) an anchor record "
		"holding every record's inclusion proof is signed (--as) and "
		"committed. Run again after a crash or a timeout: a pending "
		"transaction is waited for (and sent again if the chain lost "
		"it), never paid twice. --status lists the pending and "
		"confirmed anchors.",
		0, 0, 1,
	};
	int json = 0, status = 0, rc, lockfd = -1;
	const char *contract = NULL, *keyname = NULL, *as = NULL, *conf = NULL,
		   *uri = NULL, *chain = NULL, *timeout = NULL, *poll = NULL;
	struct strlist args = { 0 }, rpcs = { 0 };
	const struct opt opts[] = {
		OPT_RPC(&rpcs),
		OPT_STR("contract", 0, &contract, "ADDRESS",
			"the ProvenanceRegistry ('prov contracts deploy')"),
		OPT_CHAIN_KEY(&keyname),
		OPT_AS(&as),
		OPT_STR("confirmations", 0, &conf, "N",
			"blocks to wait, the one holding it included (default "
			"3)"),
		OPT_STR("uri", 0, &uri, "TEXT",
			"where the records can be fetched, in the event"),
		OPT_STR("chain", 0, &chain, "eip155:N",
			"refuse an endpoint on another chain"),
		OPT_STR("timeout", 0, &timeout, "SECONDS",
			"stop waiting after this long (default 900; the "
			"transaction stays pending)"),
		OPT_STR("poll-ms", 0, &poll, "MS",
			"between looks at the chain (default 1000)"),
		OPT_FLAG_("status", 0, &status,
			  "list pending and confirmed anchors"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct run r;
	struct cli_anchors all = { 0 };
	struct collect c = { 0 };
	struct tx tx;
	struct buf raw = BUF_INIT, calldata = BUF_INIT;
	struct merkle *m = NULL;
	uint8_t hash[32];
	unsigned confirmations = 3, timeout_s = 900, poll_ms = 1000;
	uint64_t chain_id;

	if (argc > 1 && !strcmp(argv[1], "proof"))
		return anchor_proof(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "verify-proof"))
		return anchor_verify_proof(argc - 1, argv + 1);
	memset(&r, 0, sizeof(r));
	tx_init(&tx);
	buf_init(&r.p.path, 0);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)) ||
	    (rc = cli_parse_count(&confirmations, conf, "confirmations", 1, 10000)) ||
	    (rc = cli_parse_count(&timeout_s, timeout, "timeout", 1, 86400 * 7)) ||
	    (rc = cli_parse_count(&poll_ms, poll, "poll-ms", 10, 600000)) ||
	    (uri && (rc = cli_text_arg("anchor", "uri", uri, URI_MAX))))
		goto done;
	r.json = json;
	if (cli_open_store(&r.s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (status) {
		rc = anchor_status(r.s, json);
		goto done;
	}
	buf_printf(&r.p.path, "%s/anchor-pending.json", store_path(r.s));
	if (lock_anchoring(&lockfd, r.s) || cli_load_identity(&r.id, as) ||
	    cli_load_chain_key(&r.ck, keyname) ||
	    cli_rpc_open(&r.rpc, &chain_id, &rpcs, chain) ||
	    cli_anchors_load(&all, r.s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	r.snd = (struct sender){ .rpc = r.rpc,
				 .key = r.ck,
				 .chain_id = chain_id,
				 .confirmations = confirmations,
				 .poll_ms = (long)poll_ms,
				 .timeout_ms = (long)timeout_s * 1000L,
				 .note = on_note,
				 .save = run_save,
				 .resign = run_resign,
				 .payload = &r };

	/* A transaction from an earlier run first. */
	rc = pending_load(&r.p, &tx, &raw, hash);
	if (rc == 0) {
		if (check_pending(&r, &tx, chain_id) ||
		    registry_check_code(r.rpc, r.p.contract)) {
			rc = cli_fail(prov_error_code());
			goto done;
		}
		if (already_recorded(&all, &r.p)) {
			unlink(r.p.path.ptr);
			on_note(&r, "the pending anchor was already recorded");
		} else {
			on_note(&r, "resuming the pending anchor");
			if (finish(&r, &tx, &raw, hash)) {
				rc = cli_fail(prov_error_code());
				goto done;
			}
			rc = 0;
			goto done;
		}
	} else if (rc != PROV_ENOTFOUND) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	prov_error_clear();
	rc = 0;

	if (!contract || address_parse(r.p.contract, contract)) {
		rc = contract ? cli_fail(prov_error_code())
			      : cli_usage_error("no --contract ADDRESS");
		goto done;
	}
	c.covered = all.covered;
	if (store_list(r.s, "", collect_cb, &c) ||
	    anchor_digests_sort(c.digests, c.n)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (!c.n) {
		if (json)
			printf("{\"anchored\":0}\n");
		else
			printf("nothing to anchor: every record is anchored\n");
		goto done;
	}
	if (registry_check_code(r.rpc, r.p.contract) ||
	    anchor_tree(&m, (const uint8_t(*)[32])c.digests, c.n) ||
	    registry_anchor_calldata(&calldata, m->nodes[0], c.n, uri ? uri : "")) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	snprintf(r.p.chain, sizeof(r.p.chain), "eip155:%" PRIu64, chain_id);
	memcpy(r.p.from, r.ck->addr, 20);
	memcpy(r.p.root, m->nodes[0], 32);
	r.p.uri = uri ? xstrdup(uri) : NULL;
	r.p.digests = c.digests;
	r.p.n = c.n;
	c.digests = NULL;
	if (!json) {
		char root[67];

		chain_hex(root, r.p.root, 32);
		fprintf(stderr, "prov anchor: %zu records, root %s\n", r.p.n,
			root);
	}
	if (send_prepare(&tx, &r.snd, r.p.contract,
			 (const uint8_t *)calldata.ptr, calldata.len)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (send_submit(&raw, hash, &r.snd, &tx)) {
		forget_unsent(&r, &tx, hash);
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (finish(&r, &tx, &raw, hash))
		rc = cli_fail(prov_error_code());
done:
	if (lockfd >= 0)
		close(lockfd);
	merkle_free(m);
	free(c.digests);
	cli_anchors_release(&all);
	pending_release(&r.p);
	tx_release(&tx);
	buf_release(&raw);
	buf_release(&calldata);
	rpc_client_free(r.rpc);
	chain_key_free(r.ck);
	key_free(r.id);
	store_free(r.s);
	strlist_release(&args);
	strlist_release(&rpcs);
	return CLI_EXIT(rc);
}

/* ---- --status ------------------------------------------------------------ */

static const char *str_or(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "(missing)";
}

static json_t *status_pending(struct store *s)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	json_t *o = NULL, *out = NULL;

	buf_printf(&path, "%s/anchor-pending.json", store_path(s));
	if (buf_read_file(&text, path.ptr, 64u << 20) ||
	    json_parse(&o, text.ptr, text.len, path.ptr)) {
		prov_error_clear();
		goto done;
	}
	out = json_pack("{s:O?, s:O?, s:O?, s:O?, s:I, s:O?, s:O?, s:O?}",
			"chain", json_object_get(o, "chain"), "contract",
			json_object_get(o, "contract"), "from",
			json_object_get(o, "from"), "root",
			json_object_get(o, "root"), "count",
			(json_int_t)json_array_size(json_object_get(o, "records")),
			"tx", json_object_get(o, "hash"), "nonce",
			json_object_get(o, "nonce"), "saved",
			json_object_get(o, "saved"));
done:
	json_decref(o);
	buf_release(&path);
	buf_release(&text);
	return out;
}

static json_t *status_anchor(const struct cli_anchor *a)
{
	const json_t *p = a->payload;

	if (a->problem)
		return json_pack("{s:s, s:s}", "path", a->path, "problem",
				 a->problem);
	return json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id",
			 a->id, "seq", json_object_get(p, "seq"), "chain",
			 json_object_get(p, "chain"), "contract",
			 json_object_get(p, "contract"), "block",
			 json_object_get(p, "block"), "count",
			 json_object_get(p, "count"), "root",
			 json_object_get(p, "root"), "tx",
			 json_object_get(p, "tx"));
}

static int anchor_status(struct store *s, int json)
{
	struct cli_anchors all = { 0 };
	struct collect c = { 0 };
	json_t *pending, *anchors = json_array(), *a;
	size_t i;
	int rc = 0;

	if (cli_anchors_load(&all, s) ||
	    (c.covered = all.covered, store_list(s, "", collect_cb, &c))) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	pending = status_pending(s);
	for (i = 0; i < all.n; i++)
		json_array_append_new(anchors, status_anchor(&all.v[i]));
	if (json) {
		json_t *o = json_pack("{s:o?, s:O, s:I}", "pending", pending,
				      "anchors", anchors, "unanchored",
				      (json_int_t)c.n);

		if (!json_object_get(o, "pending"))
			json_object_set_new(o, "pending", json_null());
		cli_print_json(o);
		json_decref(o);
		goto done;
	}
	if (pending) {
		printf("pending     %" JSON_INTEGER_FORMAT
		       " records, tx %s (nonce %" JSON_INTEGER_FORMAT
		       ") on %s, saved %s: run 'prov anchor' to finish\n",
		       json_integer_value(json_object_get(pending, "count")),
		       str_or(pending, "tx"),
		       json_integer_value(json_object_get(pending, "nonce")),
		       str_or(pending, "chain"), str_or(pending, "saved"));
		json_decref(pending);
	}
	printf("anchors     %zu\n", all.n);
	json_array_foreach (anchors, i, a) {
		if (json_object_get(a, "problem")) {
			printf("  %s: %s\n",
			       json_string_value(json_object_get(a, "path")),
			       json_string_value(json_object_get(a, "problem")));
			continue;
		}
		printf("  seq %-4" JSON_INTEGER_FORMAT " %s block %" JSON_INTEGER_FORMAT
		       "  %" JSON_INTEGER_FORMAT " records  tx %s\n",
		       json_integer_value(json_object_get(a, "seq")),
		       json_string_value(json_object_get(a, "chain")),
		       json_integer_value(json_object_get(
			       json_object_get(a, "block"), "number")),
		       json_integer_value(json_object_get(a, "count")),
		       json_string_value(json_object_get(a, "tx")));
	}
	printf("unanchored  %zu\n", c.n);
done:
	json_decref(anchors);
	free(c.digests);
	cli_anchors_release(&all);
	return rc;
}

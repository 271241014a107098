/* prov verify --chain: each record's inclusion proof against its anchor's
 * root, and the root against the chain: the registry's code, anchoredAt,
 * the block, the transaction's receipt and event. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

/* What the chain says of one anchor record, checked once. */
struct onchain {
	int done;
	json_t *problems; /* strings */
	uint64_t depth;   /* confirmations now */
};

struct vc {
	struct store *s;
	struct rpc_client *rpc;
	uint64_t chain_id, head;
	struct cli_anchors all;
	struct onchain *oc; /* per anchor */
	json_t *results;    /* "sha256:<hex>" -> result object */
};

static void add_problem(json_t *list, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_problem(json_t *list, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(list, json_string(msg));
}

static void check_event(struct vc *v, const struct cli_anchor *a,
			struct onchain *oc)
{
	const struct anchor_info *i = &a->info;
	struct rpc_receipt *r = NULL;
	struct anchored_event ev = { 0 };
	int found = 0;

	if (rpc_get_transaction_receipt(&r, v->rpc, i->tx_hash)) {
		add_problem(oc->problems, "transaction: %s", prov_error_last());
		prov_error_clear();
		return;
	}
	if (!r->status || r->block_number != i->block_number ||
	    memcmp(r->block_hash, i->block_hash, 32))
		add_problem(oc->problems,
			    "the transaction's receipt is not the one recorded "
			    "(status %d, block %" PRIu64 ")",
			    r->status, r->block_number);
	for (size_t k = 0; k < r->nlogs && !found; k++) {
		const struct rpc_log *l = &r->logs[k];

		if (memcmp(l->address, i->contract, 20) ||
		    anchored_event_decode(&ev, (const uint8_t(*)[32])l->topics,
					  l->ntopics, (const uint8_t *)l->data.ptr,
					  l->data.len)) {
			prov_error_clear();
			continue;
		}
		found = ev.seq == i->seq && !memcmp(ev.root, i->root, 32) &&
			ev.count == i->count &&
			!memcmp(ev.submitter, i->submitter, 20);
		free(ev.uri);
		memset(&ev, 0, sizeof(ev));
	}
	if (!found)
		add_problem(oc->problems,
			    "the transaction emitted no Anchored event with the "
			    "record's seq, root, count and submitter");
	rpc_receipt_free(r);
}

/* Every check of one anchor against the chain, once. */
static struct onchain *onchain(struct vc *v, size_t k)
{
	const struct cli_anchor *a = &v->all.v[k];
	const struct anchor_info *i = &a->info;
	struct onchain *oc = &v->oc[k];
	struct registry_anchor at;
	struct rpc_block b;
	char have[32];

	if (oc->done)
		return oc;
	oc->done = 1;
	oc->problems = json_array();
	snprintf(have, sizeof(have), "eip155:%" PRIu64, v->chain_id);
	if (strcmp(i->chain, have)) {
		add_problem(oc->problems,
			    "anchored on %s; the endpoint is on %s", i->chain,
			    have);
		return oc;
	}
	if (registry_check_code(v->rpc, i->contract) ||
	    registry_anchored_at(&at, v->rpc, i->contract, i->root, NULL)) {
		add_problem(oc->problems, "%s", prov_error_last());
		prov_error_clear();
		return oc;
	}
	if (!at.block_number) {
		add_problem(oc->problems,
			    "the registry has no anchor of this root (a reorg "
			    "may have removed it)");
		return oc;
	}
	if (at.block_number != i->block_number || at.seq != i->seq ||
	    memcmp(at.submitter, i->submitter, 20))
		add_problem(oc->problems,
			    "the registry anchored this root at block %" PRIu64
			    " (seq %" PRIu64 "); the record says block %" PRIu64
			    " (seq %" PRIu64 ")",
			    at.block_number, at.seq, i->block_number, i->seq);
	if (rpc_get_block(&b, v->rpc, i->block_number)) {
		add_problem(oc->problems, "block %" PRIu64 ": %s",
			    i->block_number, prov_error_last());
		prov_error_clear();
		return oc;
	}
	if (memcmp(b.hash, i->block_hash, 32) || b.timestamp != i->block_time)
		add_problem(oc->problems,
			    "block %" PRIu64 " on chain is not the block the "
			    "record names (hash or time differ)",
			    i->block_number);
	check_event(v, a, oc);
	oc->depth = v->head >= i->block_number ? v->head - i->block_number + 1
					       : 0;
	return oc;
}

/* Each wanted record's own proof in the anchor's blob. */
struct proofs {
	struct vc *v;
	size_t k;
	const uint8_t *root;
};

static int proof_cb(const uint8_t digest[32], const uint8_t (*proof)[32],
		    size_t n, void *payload)
{
	struct proofs *p = payload;
	uint8_t leaf[32];
	char id[72];
	json_t *res;

	sha256_id(id, digest);
	res = json_object_get(p->v->results, id);
	if (!res ||
	    json_integer_value(json_object_get(res, "_anchor")) != (json_int_t)p->k)
		return 0;
	merkle_leaf_bytes32(leaf, digest);
	json_object_set_new(res, "proof",
			    json_boolean(!merkle_verify(p->root, leaf, proof, n)));
	prov_error_clear();
	return 0;
}

/* The record itself: the file at path holds the id it is anchored by,
 * signed. */
static void check_record(struct vc *v, const char *path, json_t *res)
{
	struct record *r = NULL;
	struct buf data = BUF_INIT;

	if (store_read(&data, v->s, path) ||
	    record_parse(&r, data.ptr, data.len) ||
	    record_path_check(r, path) || record_verify(r)) {
		add_problem(json_object_get(res, "problems"), "%s",
			    prov_error_last());
		prov_error_clear();
	}
	record_free(r);
	buf_release(&data);
}

static json_t *anchor_json(const struct cli_anchor *a,
			   const struct onchain *oc)
{
	char root[67];

	chain_hex(root, a->info.root, 32);
	return json_pack("{s:s, s:s, s:I, s:s, s:O, s:s, s:I, s:O}", "id",
			 a->id, "chain", a->info.chain, "seq",
			 (json_int_t)a->info.seq, "root", root, "block",
			 json_object_get(a->payload, "block"), "tx",
			 json_string_value(json_object_get(a->payload, "tx")),
			 "confirmations", (json_int_t)oc->depth, "problems",
			 oc->problems);
}

static void print_text(const char *id, const json_t *res)
{
	const json_t *a = json_object_get(res, "anchor");
	const char *state = json_string_value(json_object_get(res, "state"));
	const json_t *probs = json_object_get(res, "problems");
	const json_t *p;
	char when[32];
	size_t i;

	if (!strcmp(state, "unanchored")) {
		printf("%s  not anchored: no anchor record covers it\n", id);
		return;
	}
	if (!strcmp(state, "anchored")) {
		const json_t *b = json_object_get(a, "block");

		time_rfc3339(when, json_integer_value(json_object_get(b, "time")));
		printf("%s  proof valid; root %s anchored at block "
		       "%" JSON_INTEGER_FORMAT " (%s, %s), seq %" JSON_INTEGER_FORMAT
		       ", %" JSON_INTEGER_FORMAT " confirmation%s\n",
		       id, json_string_value(json_object_get(a, "root")),
		       json_integer_value(json_object_get(b, "number")),
		       json_string_value(json_object_get(b, "hash")), when,
		       json_integer_value(json_object_get(a, "seq")),
		       json_integer_value(json_object_get(a, "confirmations")),
		       json_integer_value(json_object_get(a, "confirmations")) == 1
			       ? ""
			       : "s");
		return;
	}
	printf("%s  FAILED\n", id);
	json_array_foreach (probs, i, p)
		printf("  %s\n", json_string_value(p));
}

/* The records to check: those given, else every record but anchors;
 * ids[i] is stored at paths[i]. */
struct wanted {
	struct strlist ids, paths;
};

static int list_cb(const char *path, void *payload)
{
	struct wanted *w = payload;
	char id[RECORD_ID_MAX];

	if (!cli_anchorable(id, path))
		return 0;
	strlist_push(&w->ids, id);
	strlist_push(&w->paths, path);
	return 0;
}

int cli_verify_chain(struct store *s, const struct strlist *args,
		     const struct strlist *rpcs, const char *chain, int json)
{
	struct vc v = { 0 };
	struct wanted w = { { 0 }, { 0 } };
	const struct strlist *ids = &w.ids;
	size_t i, bad = 0, unanchored = 0, nanch = 0, broken = 0;
	json_t *anchors = json_array();
	char full[RECORD_ID_MAX];
	int rc = 0;

	v.s = s;
	v.results = json_object();
	for (i = 0; i < args->n; i++) {
		char *path = NULL;

		if (cli_find_path(&path, full, s, args->v[i])) {
			rc = cli_fail(prov_error_code());
			goto done;
		}
		if (!strlist_has(&w.ids, full)) { /* each once */
			strlist_push(&w.ids, full);
			strlist_push(&w.paths, path);
		}
		free(path);
	}
	if ((!args->n && store_list(s, "", list_cb, &w)) ||
	    cli_rpc_open(&v.rpc, &v.chain_id, rpcs, chain) ||
	    rpc_block_number(&v.head, v.rpc) || cli_anchors_load(&v.all, s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	v.oc = xcalloc(v.all.n ? v.all.n : 1, sizeof(*v.oc));
	for (i = 0; i < ids->n; i++) {
		json_t *k = json_object_get(v.all.covered, ids->v[i]);
		json_t *res = json_pack("{s:s, s:[]}", "state",
					k ? "anchored" : "unanchored",
					"problems");

		if (k)
			json_object_set(res, "_anchor", k);
		json_object_set_new(v.results, ids->v[i], res);
	}
	/* Proofs, anchor by anchor: one pass over each blob. */
	for (size_t k = 0; k < v.all.n; k++) {
		struct proofs p = { &v, k, v.all.v[k].info.root };

		if (!v.all.v[k].problem)
			anchor_proofs_each(v.all.v[k].proofs.ptr,
					   v.all.v[k].proofs.len, proof_cb, &p);
	}
	for (i = 0; i < ids->n; i++) {
		json_t *res = json_object_get(v.results, ids->v[i]);
		json_t *k = json_object_get(res, "_anchor");
		json_t *probs = json_object_get(res, "problems");
		struct onchain *oc;
		size_t ai;

		check_record(&v, w.paths.v[i], res);
		if (!k) {
			unanchored++;
			continue;
		}
		ai = (size_t)json_integer_value(k);
		oc = onchain(&v, ai);
		json_array_extend(probs, oc->problems);
		if (json_is_false(json_object_get(res, "proof")) ||
		    !json_object_get(res, "proof"))
			add_problem(probs, "the inclusion proof does not lead "
					   "to the anchored root");
		json_object_set_new(res, "anchor",
				    anchor_json(&v.all.v[ai], oc));
		json_object_del(res, "_anchor");
		if (json_array_size(probs)) {
			json_object_set_new(res, "state", json_string("failed"));
			bad++;
		}
	}
	/* An anchor record that does not hold covers nothing; say why. */
	for (size_t k = 0; k < v.all.n; k++)
		if (v.all.v[k].problem) {
			json_array_append_new(
				anchors, json_pack("{s:s, s:[s]}", "path",
						   v.all.v[k].path, "problems",
						   v.all.v[k].problem));
			if (!json)
				printf("anchor record %s: %s\n", v.all.v[k].path,
				       v.all.v[k].problem);
			broken++;
		}
	for (size_t k = 0; k < v.all.n; k++)
		if (v.oc[k].done) {
			nanch++;
			json_array_append_new(anchors,
					      anchor_json(&v.all.v[k], &v.oc[k]));
		}
	if (json) {
		json_t *list = json_array(), *o;
		char caip[32];

		for (i = 0; i < ids->n; i++) {
			json_t *res = json_object_get(v.results, ids->v[i]);

			json_object_set_new(res, "id", json_string(ids->v[i]));
			json_array_append(list, res);
		}
		snprintf(caip, sizeof(caip), "eip155:%" PRIu64, v.chain_id);
		o = json_pack("{s:b, s:s, s:I, s:o, s:O}", "ok",
			      !bad && !unanchored && !broken, "chain", caip, "head",
			      (json_int_t)v.head, "records", list, "anchors",
			      anchors);
		cli_print_json(o);
		json_decref(o);
	} else {
		for (i = 0; i < ids->n; i++)
			print_text(ids->v[i], json_object_get(v.results, ids->v[i]));
		printf("%zu record%s: %zu anchored and checked on eip155:%" PRIu64
		       " (%zu anchor%s), %zu not anchored, %zu failed\n",
		       ids->n, ids->n == 1 ? "" : "s",
		       ids->n - unanchored - bad, v.chain_id, nanch,
		       nanch == 1 ? "" : "s", unanchored, bad);
		if (broken)
			printf("%zu anchor record%s that do not hold\n", broken,
			       broken == 1 ? "" : "s");
	}
	rc = bad || unanchored || broken ? EXIT_CHECK : EXIT_OK;
done:
	for (size_t k = 0; v.oc && k < v.all.n; k++)
		json_decref(v.oc[k].problems);
	free(v.oc);
	json_decref(anchors);
	json_decref(v.results);
	cli_anchors_release(&v.all);
	rpc_client_free(v.rpc);
	strlist_release(&w.ids);
	strlist_release(&w.paths);
	return rc;
}

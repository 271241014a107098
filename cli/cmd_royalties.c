/* prov royalties: payout batches from usage records (docs/royalties.md).
 * compute writes one, show and export read one, verify computes it again
 * from the registry; distribute and claim (cli/royalties_chain.c) pay it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "royalties/royalties.h"

/* ---- loading a batch --------------------------------------------------- */

static int read_lines(struct payout_line **v, size_t *n, struct store *s,
		      const json_t *payout, const char *key)
{
	struct buf blob = BUF_INIT;
	const char *hex = json_string_value(json_object_get(payout, key));
	int rc;

	*v = NULL;
	*n = 0;
	if (!hex || strlen(hex) != 64)
		return prov_error_set(PROV_EINVALID,
				      "the payout names no '%s' blob", key);
	if (!(rc = store_read_blob(&blob, s, hex)))
		rc = payout_lines_parse(v, n, blob.ptr, blob.len);
	buf_release(&blob);
	return rc;
}

/* The report blob: JCS objects, a line each. */
static int read_report(json_t **out, struct store *s, const json_t *payout)
{
	struct buf blob = BUF_INIT;
	const char *hex = json_string_value(json_object_get(payout, "report"));
	const char *p, *end;
	int rc;

	*out = json_array();
	if (!hex || strlen(hex) != 64)
		return prov_error_set(PROV_EINVALID,
				      "the payout names no 'report' blob");
	if ((rc = store_read_blob(&blob, s, hex)))
		goto done;
	for (p = blob.ptr, end = blob.ptr + blob.len; !rc && p < end;) {
		const char *nl = memchr(p, '\n', end - p);
		json_t *e = NULL;

		if (!nl) {
			rc = prov_error_set(PROV_EINVALID,
					    "the report blob does not end in a "
					    "newline");
			break;
		}
		if (!(rc = json_parse(&e, p, nl - p, "report line")))
			json_array_append_new(*out, e);
		p = nl + 1;
	}
done:
	buf_release(&blob);
	return rc;
}

/* The payout record id (or unique prefix) in the registry, whole. */
static int doc_from_registry(struct payout_doc *out, struct store *s,
			     const char *arg)
{
	struct record *r = NULL;
	struct payout_line *paid = NULL, *carried = NULL;
	size_t npaid = 0, ncarried = 0;
	json_t *report = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	mpz_init(out->paid_total);
	if ((rc = cli_find_record(&r, NULL, s, arg)))
		goto done;
	if (strcmp(r->kind, "payout")) {
		rc = prov_error_set(PROV_EINVALID,
				    "%s is a %s record, not a payout", r->id,
				    r->kind);
		goto done;
	}
	if ((rc = record_verify(r)) ||
	    (rc = read_lines(&paid, &npaid, s, r->payload, "amounts")) ||
	    (rc = read_lines(&carried, &ncarried, s, r->payload, "carry")) ||
	    (rc = read_report(&report, s, r->payload))) {
		payout_lines_free(paid, npaid);
		payout_lines_free(carried, ncarried);
		goto done;
	}
	payout_doc_release(out);
	rc = payout_doc_from(out, r->id, r->payload, paid, npaid, carried,
			     ncarried, report);
done:
	if (rc)
		prov_error_wrap("payout %s", arg);
	json_decref(report);
	record_free(r);
	return rc;
}

int royalties_doc_load(struct payout_doc *out, struct store *s, const char *arg)
{
	struct buf data = BUF_INIT;
	struct stat st;
	int rc;

	if (stat(arg, &st))
		return s ? doc_from_registry(out, s, arg)
			 : prov_error_set(PROV_ENOTFOUND, "no batch file '%s'",
					  arg);
	if (!(rc = buf_read_file(&data, arg, (size_t)1 << 30)))
		rc = payout_doc_parse(out, data.ptr, data.len);
	else
		memset(out, 0, sizeof(*out)), mpz_init(out->paid_total);
	buf_release(&data);
	return rc ? prov_error_wrap("%s", arg) : 0;
}

/* ---- showing
 * ----------------------------------------------------------------- */

static const char *units_of(const struct payout_doc *d, const char *key)
{
	return json_string_value(json_object_get(d->payout, key)) ?: "?";
}

static void print_amount(const struct payout_doc *d, const char *label,
			 const char *key)
{
	mpz_t v;
	char *shown;

	mpz_init(v);
	amount_parse_units(v, units_of(d, key));
	shown = amount_display(v, d->decimals);
	printf("  %-12s %s\n", label, shown);
	free(shown);
	mpz_clear(v);
}

static void print_report(const json_t *report)
{
	size_t i, optouts = 0, unpaid = 0;
	json_t *e;

	json_array_foreach(report, i, e) {
		const char *what =
			json_string_value(json_object_get(e, "what"));
		if (what && !strcmp(what, "optout"))
			optouts++;
		else
			unpaid++;
	}
	printf("report: %zu opted out after training, %zu shares unpaid\n",
	       optouts, unpaid);
	json_array_foreach(report, i, e) {
		const char *what =
			json_string_value(json_object_get(e, "what"));
		if (what && !strcmp(what, "optout"))
			printf("  opt-out  %s in %s: %s by %s (%s)\n",
			       json_string_value(json_object_get(e, "sha256")),
			       json_string_value(json_object_get(e, "dataset")),
			       json_string_value(json_object_get(e, "optout")),
			       json_string_value(json_object_get(e, "by")),
			       json_string_value(json_object_get(e, "action")));
		else
			printf("  unpaid   %s %s: %s\n",
			       json_string_value(json_object_get(e, "role")),
			       cli_esc(json_string_value(json_object_get(e, "work")) ?:
				       json_string_value(json_object_get(e, "did")) ?:
				       json_string_value(json_object_get(e, "sha256")) ?: "?"),
			       json_string_value(json_object_get(e, "reason")));
	}
}

static void print_doc(const struct payout_doc *d)
{
	const char *prev =
		json_string_value(json_object_get(d->payout, "previous"));
	char root[65];

	hex_encode(root, d->root, 32);
	printf("payout %s\n", d->id[0] ? d->id : "(no id)");
	printf("period %s, %s (%u decimals), %zu usage record%s\n", d->period,
	       d->asset.text, d->decimals,
	       json_array_size(json_object_get(d->payout, "usage")),
	       json_array_size(json_object_get(d->payout, "usage")) == 1 ? ""
									 : "s");
	print_amount(d, "revenue", "revenue");
	print_amount(d, "carried in", "carried_in");
	print_amount(d, "pool", "pool");
	print_amount(d, "paid", "paid");
	print_amount(d, "carried", "carried");
	print_amount(d, "treasury", "treasury");
	printf("root 0x%s over %zu accounts; %zu carried to the next period\n",
	       root, d->npaid, d->ncarried);
	if (prev)
		printf("took carried amounts from %s\n", prev);
	print_report(d->report);
}

/* ---- compute
 * ------------------------------------------------------------------ */

static int read_policy(json_t **out, const char *file)
{
	struct buf data = BUF_INIT;
	int rc;

	*out = NULL;
	if (!file)
		return 0;
	if (!(rc = buf_read_file(&data, file, 1 << 20)))
		rc = json_parse(out, data.ptr, data.len, file);
	buf_release(&data);
	return rc;
}

static int write_doc(const char *file, const struct payout_doc *d)
{
	struct buf b = BUF_INIT;
	int rc = payout_doc_format(&b, d);

	if (!rc)
		rc = write_file_atomic(file, b.ptr, b.len, 0644, 0);
	buf_release(&b);
	return rc;
}

static int put_blob(struct store *s, const struct buf *b)
{
	struct buf path = BUF_INIT;
	uint8_t d[32];
	char hex[65];
	int rc;

	sha256_buf(d, b->ptr, b->len);
	hex_encode(hex, d, 32);
	cli_blob_path(&path, hex);
	rc = store_put(s, path.ptr, b->ptr, b->len);
	buf_release(&path);
	return rc < 0 ? rc : 0;
}

/* Signs the payout and stores it with its three blobs, one commit. */
static int store_doc(char commit[41], struct store *s, const struct key *k,
		     const struct payout_doc *d)
{
	struct buf env = BUF_INIT, path = BUF_INIT, b = BUF_INIT,
		   msg = BUF_INIT;
	char id[RECORD_ID_MAX];
	int rc;

	if ((rc = record_create(&env, id, d->payout, k)))
		goto done;
	if (strcmp(id, d->id)) {
		rc = prov_error_set(PROV_ERROR, "payout id changed in signing");
		goto done;
	}
	if ((rc = store_begin(s)))
		goto done;
	payout_lines_format(&b, d->paid, d->npaid);
	if ((rc = put_blob(s, &b)))
		goto done;
	buf_clear(&b);
	payout_lines_format(&b, d->carried, d->ncarried);
	if ((rc = put_blob(s, &b)))
		goto done;
	buf_clear(&b);
	if ((rc = payout_report_format(&b, d->report)) ||
	    (rc = put_blob(s, &b)) ||
	    (rc = record_store_path(&path, "payout", id, d->payout)) ||
	    (rc = store_put(s, path.ptr, env.ptr, env.len)) < 0)
		goto done;
	buf_printf(&msg, "payout %s %s: %zu accounts\n\nby %s\n", d->period,
		   d->asset.text, d->npaid, k->did);
	rc = store_commit(s, k, msg.ptr, commit);
done:
	if (rc)
		store_abort(s);
	buf_release(&env);
	buf_release(&path);
	buf_release(&b);
	buf_release(&msg);
	return rc;
}

static void print_computed(const struct payout_doc *d, const char *commit,
			   int json)
{
	char root[67] = "0x";

	hex_encode(root + 2, d->root, 32);
	if (json) {
		json_t *o = json_pack(
			"{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:O}", "id",
			d->id, "commit", commit, "root", root, "accounts",
			(json_int_t)d->npaid, "carried_accounts",
			(json_int_t)d->ncarried, "pool", units_of(d, "pool"),
			"paid", units_of(d, "paid"), "treasury",
			units_of(d, "treasury"), "report", d->report);
		cli_print_json(o);
		json_decref(o);
		return;
	}
	print_doc(d);
	if (*commit)
		printf("committed %s\n", commit);
	else
		printf("already in the registry\n");
}

static int royalties_compute_cmd(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov royalties compute --period YYYY-MM --asset CAIP-19 "
		"[--policy FILE] [-o BATCH.json] [--as NAME] [--json]",
		"Computes the payout batch of a month's usage records in one "
		"ERC-20 token: each model's lineage (its runs' datasets, and "
		"its "
		"parents' by the policy's rule) to the works and their "
		"creators' "
		"payout accounts, the policy's shares, exact amounts (floored, "
		"the leftover units to the largest remainders), and the ledger "
		"(amounts under the minimum, or past the batch's size, carried "
		"to the next period). Signs a payout record with the batch's "
		"Merkle root and commits it with its lists. Without --policy "
		"the "
		"default policy applies (docs/royalties.md). The same registry "
		"gives the same batch, byte for byte; a batch already there is "
		"not written twice.",
		0,
		0,
		1,
	};
	const char *period = NULL, *asset = NULL, *policy_file = NULL,
		   *file = NULL, *as = NULL;
	int json = 0, rc;
	struct strlist args = {0}, skipped = {0};
	const struct opt opts[] = {
		OPT_STR("period", 0, &period, "YYYY-MM", "the month to pay"),
		OPT_STR("asset", 0, &asset, "CAIP-19", "the token paid"),
		OPT_STR("policy", 0, &policy_file, "FILE",
			"the royalty policy (JSON)"),
		OPT_STR("output", 'o', &file, "BATCH.json",
			"also write the batch file (atomically)"),
		OPT_AS(&as),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct royalties_inputs in = {0};
	struct payout_doc d = {0};
	struct store *s = NULL;
	struct key *k = NULL;
	json_t *policy = NULL;
	char commit[41] = "";

	mpz_init(d.paid_total);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!period || !asset) {
		rc = cli_usage_error(
			"royalties compute: --period and --asset are "
			"required");
		goto done;
	}
	if (read_policy(&policy, policy_file) || cli_open_store(&s) ||
	    cli_load_identity(&k, as) || store_lock(s, cli_lock_wait_ms())) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	in = (struct royalties_inputs){.period = period,
				       .asset = asset,
				       .by = k->did,
				       .policy = policy,
				       .cache_key = cli_cache_key(),
				       .refuse_later = 1,
				       .skipped = &skipped};
	payout_doc_release(&d);
	rc = royalties_compute(&d, s, &in);
	for (size_t i = 0; i < skipped.n; i++)
		fprintf(stderr, "prov: warning: usage record left out: %s\n",
			skipped.v[i]);
	if (!rc && in.same[0] && strcmp(in.same, d.id))
		rc = prov_error_set(PROV_EEXISTS,
				    "%s of %s is paid already by %s; its "
				    "inputs have changed since (prov royalties "
				    "verify %s)",
				    period, d.asset.text, in.same, in.same);
	if (rc || (!in.same[0] && store_doc(commit, s, k, &d)) ||
	    (file && write_doc(file, &d))) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	print_computed(&d, commit, json);
done:
	sodium_free((void *)in.cache_key);
	payout_doc_release(&d);
	json_decref(policy);
	key_free(k);
	store_free(s);
	strlist_release(&args);
	strlist_release(&skipped);
	return CLI_EXIT(rc);
}

/* ---- show
 * --------------------------------------------------------------------- */

static int royalties_show(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov royalties show BATCH|ID [--json]",
		"Shows a payout batch, from a batch file or a payout record in "
		"the "
		"registry: the pool and where it went, the root, and the "
		"report "
		"(works opted out after training, shares nobody could be "
		"paid). "
		"--json prints the batch file.",
		1,
		1,
		1,
	};
	int json = 0, rc;
	struct strlist args = {0};
	const struct opt opts[] = {OPT_JSON(&json), OPT_END_};
	struct store *s = NULL;
	struct payout_doc d = {0};
	struct buf b = BUF_INIT;

	mpz_init(d.paid_total);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	cli_open_store(&s);
	prov_error_clear();
	payout_doc_release(&d);
	if (royalties_doc_load(&d, s, args.v[0]) ||
	    (json && payout_doc_format(&b, &d))) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json)
		fwrite(b.ptr, 1, b.len, stdout);
	else
		print_doc(&d);
done:
	payout_doc_release(&d);
	buf_release(&b);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* ---- verify
 * -------------------------------------------------------------------- */

/* What differs between the batch and its recomputation, in words; 0 when
 * nothing does. */
static size_t differences(json_t *out, const struct payout_doc *a,
			  const struct payout_doc *b)
{
	static const char *const keys[] = {
		"root",	 "accounts", "revenue",	 "carried_in", "pool",
		"paid",	 "carried",  "treasury", "previous",   "amounts",
		"carry", "report",   "decimals"};
	struct buf why = BUF_INIT;

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		json_t *x = json_object_get(a->payout, keys[i]),
		       *y = json_object_get(b->payout, keys[i]);
		if (json_equal(x, y) || (!x && !y))
			continue;
		buf_clear(&why);
		buf_printf(&why, "%s: the batch has ", keys[i]);
		if (!x || jcs_encode(&why, x))
			buf_puts(&why, "none");
		buf_puts(&why, ", the registry gives ");
		if (!y || jcs_encode(&why, y))
			buf_puts(&why, "none");
		json_array_append_new(out, json_string(why.ptr));
	}
	for (size_t i = 0, j = 0; i < a->npaid || j < b->npaid; i++, j++) {
		char addr[43];
		if (i < a->npaid && j < b->npaid &&
		    !memcmp(a->paid[i].account, b->paid[j].account, 20) &&
		    !mpz_cmp(a->paid[i].amount, b->paid[j].amount))
			continue;
		address_checksum(
			addr, (i < a->npaid ? a->paid[i] : b->paid[j]).account);
		buf_clear(&why);
		buf_printf(&why, "paid lines first differ at %s (line %zu)",
			   addr, i + 1);
		json_array_append_new(out, json_string(why.ptr));
		break;
	}
	buf_release(&why);
	return json_array_size(out);
}

static void strings_of(const json_t *a, struct strlist *out)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e)
		if (json_is_string(e))
			strlist_push(out, json_string_value(e));
}

static int royalties_verify(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov royalties verify BATCH|ID [--json]",
		"Computes a payout batch again from the registry, with the "
		"batch's own inputs (its usage records, policy and signer), "
		"and "
		"compares every amount, the root and the report: exit 0 when "
		"they are the same, 1 on any difference (each named), 2 when "
		"the batch or its inputs cannot be read.",
		1,
		1,
		1,
	};
	int json = 0, rc;
	struct strlist args = {0}, usage = {0};
	const struct opt opts[] = {OPT_JSON(&json), OPT_END_};
	struct store *s = NULL;
	struct payout_doc d = {0}, again = {0};
	struct royalties_inputs in = {0};
	json_t *diff = json_array();
	size_t n;

	mpz_init(d.paid_total);
	mpz_init(again.paid_total);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	payout_doc_release(&d);
	if (cli_open_store(&s) || royalties_doc_load(&d, s, args.v[0])) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	strings_of(json_object_get(d.payout, "usage"), &usage);
	in = (struct royalties_inputs){
		.period = d.period,
		.asset = d.asset.text,
		.by = json_string_value(json_object_get(d.payout, "by")) ?: "",
		.policy = json_object_get(d.payout, "policy"),
		.usage = &usage,
		.cache_key = cli_cache_key(),
	};
	payout_doc_release(&again);
	if (!json_is_object(in.policy)) {
		prov_error_set(PROV_EINVALID, "the payout holds no policy");
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (royalties_compute(&again, s, &in)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	n = differences(diff, &d, &again);
	rc = n ? EXIT_CHECK : EXIT_OK;
	if (json) {
		json_t *o = json_pack("{s:s, s:b, s:O}", "id", again.id, "same",
				      !n, "differences", diff);
		cli_print_json(o);
		json_decref(o);
	} else if (n) {
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "prov: %s\n",
				json_string_value(json_array_get(diff, i)));
		fprintf(stderr, "prov: payout %s does not match the registry\n",
			d.id[0] ? d.id : args.v[0]);
	} else {
		printf("payout %s: recomputed from %zu usage record%s, the "
		       "same "
		       "to the last unit (root, %zu accounts, %zu carried, "
		       "report)\n",
		       again.id, usage.n, usage.n == 1 ? "" : "s", again.npaid,
		       again.ncarried);
	}
done:
	sodium_free((void *)in.cache_key);
	json_decref(diff);
	payout_doc_release(&d);
	payout_doc_release(&again);
	store_free(s);
	strlist_release(&args);
	strlist_release(&usage);
	return CLI_EXIT(rc);
}

/* ---- export
 * --------------------------------------------------------------------- */

static int export_csv(const char *file, const struct payout_doc *d)
{
	struct buf b = BUF_INIT;
	const struct payout_line *sets[2] = {d->paid, d->carried};
	size_t counts[2] = {d->npaid, d->ncarried};
	int rc;

	buf_puts(&b, "account,amount,amount_units,status\n");
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++) {
			char addr[43],
				*units = amount_string(sets[k][i].amount),
				*shown = amount_display(sets[k][i].amount,
							d->decimals);
			address_checksum(addr, sets[k][i].account);
			buf_printf(&b, "%s,%s,%s,%s\n", addr, shown, units,
				   k ? "carried" : "paid");
			free(units);
			free(shown);
		}
	rc = write_file_atomic(file, b.ptr, b.len, 0644, 0);
	buf_release(&b);
	return rc;
}

/* One proof file per paid account, as StandardMerkleTree.verify takes it. */
static int export_proofs(const char *dir, const struct payout_doc *d)
{
	struct merkle *m = NULL;
	struct buf path = BUF_INIT, b = BUF_INIT;
	char root[67] = "0x";
	int rc;

	if (!d->npaid)
		return prov_error_set(PROV_EINVALID, "the batch pays nobody");
	if (mkdir(dir, 0755) && errno != EEXIST)
		return prov_error_set(PROV_EIO, "%s: %s", dir, errstr(errno));
	if ((rc = payout_tree(&m, d->paid, d->npaid)))
		return rc;
	hex_encode(root + 2, m->nodes[0], 32);
	for (size_t i = 0; !rc && i < d->npaid; i++) {
		uint8_t(*proof)[32] = NULL;
		size_t n = 0;
		char addr[43], *units = amount_string(d->paid[i].amount),
			       h[67] = "0x";
		json_t *o, *pa = json_array();

		address_checksum(addr, d->paid[i].account);
		if (!(rc = merkle_proof(&proof, &n, m, i)))
			for (size_t j = 0; j < n; j++) {
				hex_encode(h + 2, proof[j], 32);
				json_array_append_new(pa, json_string(h));
			}
		o = json_pack("{s:s, s:[s,s], s:o, s:[s,s]}", "root", root,
			      "leaf", addr, units, "proof", pa, "types",
			      "address", "uint256");
		buf_clear(&path);
		buf_clear(&b);
		buf_printf(&path, "%s/%s.json", dir, addr);
		if (!rc && !(rc = jcs_encode(&b, o)) &&
		    !(rc = buf_putc(&b, '\n')))
			rc = write_file_atomic(path.ptr, b.ptr, b.len, 0644, 0);
		json_decref(o);
		free(proof);
		free(units);
	}
	merkle_free(m);
	buf_release(&path);
	buf_release(&b);
	return rc;
}

static int royalties_export(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov royalties export BATCH|ID (--csv FILE | --proofs DIR)",
		"Writes a batch's accounts as CSV (account, amount, amount in "
		"base "
		"units, paid or carried), or one proof file per paid account "
		"into "
		"DIR (<address>.json: root, leaf [address, amount], proof), "
		"which "
		"StandardMerkleTree.verify of @openzeppelin/merkle-tree and "
		"MerkleProof.sol check.",
		1,
		1,
		1,
	};
	const char *csv = NULL, *proofs = NULL;
	int rc;
	struct strlist args = {0};
	const struct opt opts[] = {
		OPT_STR("csv", 0, &csv, "FILE", "write the accounts as CSV"),
		OPT_STR("proofs", 0, &proofs, "DIR",
			"write a proof per account"),
		OPT_END_,
	};
	struct store *s = NULL;
	struct payout_doc d = {0};

	mpz_init(d.paid_total);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!csv == !proofs) {
		rc = cli_usage_error("royalties export: give --csv FILE or "
				     "--proofs DIR");
		goto done;
	}
	cli_open_store(&s);
	prov_error_clear();
	payout_doc_release(&d);
	if (royalties_doc_load(&d, s, args.v[0]) ||
	    (csv ? export_csv(csv, &d) : export_proofs(proofs, &d))) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	printf("%s: %zu accounts\n", csv ? csv : proofs,
	       csv ? d.npaid + d.ncarried : d.npaid);
done:
	payout_doc_release(&d);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_royalties(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{"compute", royalties_compute_cmd},
		{"show", royalties_show},
		{"verify", royalties_verify},
		{"export", royalties_export},
		{"distribute", royalties_distribute},
		{"claim", royalties_claim},
	};

	return CLI_SUBCOMMAND(
		argc, argv, "royalties", subs,
		"usage: prov royalties compute --period YYYY-MM --asset "
		"CAIP-19 "
		"[--policy FILE] [-o BATCH.json] [--as NAME] [--json]\n"
		"       prov royalties show BATCH|ID [--json]\n"
		"       prov royalties verify BATCH|ID [--json]\n"
		"       prov royalties export BATCH|ID (--csv FILE | --proofs "
		"DIR)\n"
		"       prov royalties distribute BATCH|ID --rpc URL "
		"--distributor "
		"ADDR --key NAME\n"
		"       prov royalties claim BATCH|ID (--account ADDR... | "
		"--all) "
		"--rpc URL --distributor ADDR --key NAME\n\n"
		"Payout batches: usage records to exact amounts per "
		"contributor, "
		"a Merkle root, and a distributor contract that pays them "
		"(docs/royalties.md).");
}

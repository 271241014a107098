/* The registry's records into PostgreSQL: every record file new since the
 * last load (git's diff from the commit that load reached), checked as
 * `prov verify` checks it, then copied with a dataset's items and an
 * anchor's proofs into staging tables and inserted with ON CONFLICT DO
 * NOTHING, all in one transaction with the registry_loads row. COPY
 * buffers are flushed as they fill, so a million items cost the items blob
 * and a few MiB, not a second copy of everything. */
#include <git2.h>
#include <string.h>

#include "indexer/indexer.h"
#include "manifest/manifest.h"

/* A COPY buffer is sent once it holds this much. */
#define FLUSH_BYTES (8u << 20)

struct stage {
	const char *name;   /* stage_<table> */
	const char *create; /* its columns */
	const char *insert; /* into the table, ON CONFLICT DO NOTHING */
};

static const struct stage stage_records = {
	"stage_records",
	"(id text, kind text, payload jsonb, signers text[], path text)",
	"INSERT INTO records (id, kind, payload, signers, path)"
	" SELECT id, kind, payload, signers, path FROM stage_records"
	" ON CONFLICT (id) DO NOTHING",
};
static const struct stage stage_items = {
	"stage_items",
	"(dataset text, sha256 bytea, path text, size bigint, license text,"
	" weight bigint, works text[])",
	"INSERT INTO dataset_items"
	" (dataset, sha256, path, size, license, weight, works)"
	" SELECT dataset, sha256, path, size, license, weight, works"
	" FROM stage_items ON CONFLICT (dataset, path) DO NOTHING",
};
static const struct stage stage_proofs = {
	"stage_proofs",
	"(record text, anchor text, chain_id bigint, contract bytea,"
	" root bytea, proof bytea)",
	"INSERT INTO record_anchors"
	" (record, anchor, chain_id, contract, root, proof)"
	" SELECT record, anchor, chain_id, contract, root, proof"
	" FROM stage_proofs ON CONFLICT (record, anchor) DO NOTHING",
};

struct copybuf {
	const struct stage *stage;
	struct buf data;
	uint64_t flushes; /* COPYs sent so far */
};

struct loader {
	struct db *d;
	struct store *s;
	struct copybuf recs, items, proofs;
	uint64_t skipped;
	int rc; /* a database failure: stops the load */
	/* the record being loaded, for its items and proofs */
	const char *id;
	struct buf blob;
	uint64_t lines;
	/* an anchor's */
	uint64_t chain_id;
	struct anchor_info anchor;
};

static int flush(struct loader *l, struct copybuf *c)
{
	char sql[80];
	int rc;

	if (!c->data.len)
		return 0;
	snprintf(sql, sizeof(sql), "COPY %s FROM STDIN", c->stage->name);
	rc = db_copy(l->d, sql, c->data.ptr, c->data.len);
	buf_clear(&c->data);
	c->flushes++;
	return rc;
}

static int maybe_flush(struct loader *l, struct copybuf *c)
{
	return c->data.len >= FLUSH_BYTES ? flush(l, c) : 0;
}

/* A text[] literal ({"a","b"}) as one COPY field. */
static void copy_text_array(struct buf *b, const char *const *v, size_t n)
{
	struct buf lit = BUF_INIT;

	buf_putc(&lit, '{');
	for (size_t i = 0; i < n; i++) {
		buf_puts(&lit, i ? ",\"" : "\"");
		for (const char *p = v[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&lit, '\\');
			buf_putc(&lit, *p);
		}
		buf_putc(&lit, '"');
	}
	buf_putc(&lit, '}');
	copy_text(b, lit.ptr, lit.len);
	buf_release(&lit);
}

static void copy_str(struct buf *b, const char *s)
{
	copy_text(b, s, strlen(s));
}

/* ---- a dataset's items -------------------------------------------------- */

static int item_row(const json_t *item, size_t i, void *payload)
{
	struct loader *l = payload;
	struct buf *b = &l->items.data;
	const json_t *works = json_object_get(item, "works");
	const json_t *license = json_object_get(item, "license");
	const json_t *weight = json_object_get(item, "weight");
	const char *hex = json_string_value(json_object_get(item, "sha256"));
	const char *path = json_string_value(json_object_get(item, "path"));
	json_int_t size = json_integer_value(json_object_get(item, "size"));
	const char **ids = NULL;
	size_t nids = 0;
	uint8_t sha[32];

	(void)i;
	if (size < 0 || (license && !json_is_string(license)) ||
	    (weight && !json_is_integer(weight)) ||
	    (works && !json_is_array(works)))
		return prov_error_set(PROV_EINVALID, "item %zu: a field of the wrong type", i + 1);
	hex_decode(sha, 32, hex, 64); /* manifest_lines_each checked it */
	if (works) {
		ids = xcalloc(json_array_size(works) + 1, sizeof(*ids));
		for (; nids < json_array_size(works); nids++)
			if (!(ids[nids] = json_string_value(json_array_get(works, nids))) ||
			    !record_id_full(ids[nids])) {
				free(ids);
				return prov_error_set(PROV_EINVALID, "item %zu: a work id that is not one", i + 1);
			}
	}
	copy_str(b, l->id);
	buf_putc(b, '\t');
	copy_bytea(b, sha, 32);
	buf_putc(b, '\t');
	copy_str(b, path);
	buf_printf(b, "\t%lld\t", (long long)size);
	if (license)
		copy_str(b, json_string_value(license));
	else
		buf_puts(b, "\\N");
	if (weight)
		buf_printf(b, "\t%lld\t", (long long)json_integer_value(weight));
	else
		buf_puts(b, "\t\\N\t");
	copy_text_array(b, ids, nids);
	buf_putc(b, '\n');
	free(ids);
	l->lines++;
	if ((l->rc = maybe_flush(l, &l->items)))
		return l->rc;
	return 0;
}

/* Reads the items blob the dataset names and adds its lines. A bad blob
 * undoes what this dataset added, and the record is skipped. */
static int load_items(struct loader *l, const json_t *payload)
{
	const char *blob = json_string_value(json_object_get(json_object_get(payload, "items"), "blob"));
	json_int_t count = json_integer_value(json_object_get(json_object_get(payload, "items"), "count"));
	size_t mark = l->items.data.len;
	uint64_t flushes = l->items.flushes;
	const char *p[1] = { l->id };
	int rc;

	l->lines = 0;
	if (!blob || strlen(blob) != 64)
		return prov_error_set(PROV_EINVALID, "no items blob");
	buf_clear(&l->blob);
	if (!(rc = store_read_blob(&l->blob, l->s, blob)) &&
	    !(rc = manifest_lines_each(l->blob.ptr, l->blob.len, 1, item_row, l)) &&
	    l->lines != (uint64_t)count)
		rc = prov_error_set(PROV_EINVALID, "the items blob holds %llu items, not %lld",
				    (unsigned long long)l->lines, (long long)count);
	if (!rc || l->rc)
		return rc;
	/* undo: what is still in the buffer, and what a flush already sent */
	if (l->items.flushes == flushes) {
		l->items.data.len = mark;
		l->items.data.ptr[mark] = '\0';
	} else if ((l->rc = flush(l, &l->items)) ||
		   (l->rc = db_query(NULL, l->d, "DELETE FROM stage_items WHERE dataset = $1", 1, p)))
		return l->rc;
	return rc;
}

/* ---- an anchor's proofs ------------------------------------------------- */

static int proof_line(const uint8_t digest[32], const uint8_t (*proof)[32],
		      size_t n, void *payload)
{
	struct loader *l = payload;
	struct buf *b = &l->proofs.data;
	uint8_t leaf[32];
	char hex[65];

	merkle_leaf_bytes32(leaf, digest);
	hex_encode(hex, digest, 32);
	if (merkle_verify(l->anchor.root, leaf, proof, n))
		return prov_error_set(PROV_EVERIFY, "the proof of sha256:%s does not lead to the root", hex);
	buf_printf(b, "sha256:%s\t", hex);
	copy_str(b, l->id);
	buf_printf(b, "\t%llu\t", (unsigned long long)l->chain_id);
	copy_bytea(b, l->anchor.contract, 20);
	buf_putc(b, '\t');
	copy_bytea(b, l->anchor.root, 32);
	buf_putc(b, '\t');
	copy_bytea(b, (const uint8_t *)proof, 32 * n);
	buf_putc(b, '\n');
	l->lines++;
	return 0;
}

/* An anchor's proofs are few (a line per anchored record), so they are
 * checked whole before any is kept. */
static int load_proofs(struct loader *l, const json_t *payload)
{
	size_t mark = l->proofs.data.len;
	const char *chain;
	char *end;
	int rc;

	l->lines = 0;
	if ((rc = anchor_info_parse(&l->anchor, payload)))
		return rc;
	chain = l->anchor.chain;
	if (strncmp(chain, "eip155:", 7) || !chain[7] || chain[7] == '0' ||
	    (l->chain_id = strtoull(chain + 7, &end, 10), *end) ||
	    l->chain_id > INT64_MAX)
		return prov_error_set(PROV_EINVALID, "chain '%s' is not eip155:<id>", chain);
	buf_clear(&l->blob);
	if (!(rc = store_read_blob(&l->blob, l->s, l->anchor.blob_hex)) &&
	    !(rc = anchor_proofs_each(l->blob.ptr, l->blob.len, proof_line, l)) &&
	    l->lines != l->anchor.count)
		rc = prov_error_set(PROV_EINVALID, "the proofs blob holds %llu proofs, not %llu",
				    (unsigned long long)l->lines, (unsigned long long)l->anchor.count);
	if (rc) {
		l->proofs.data.len = mark;
		l->proofs.data.ptr[mark] = '\0';
		return rc;
	}
	return (l->rc = maybe_flush(l, &l->proofs));
}

/* ---- records ------------------------------------------------------------ */

static void record_row(struct buf *b, const struct record *r, const char *path)
{
	const char **signers = xcalloc(r->env.nsigs + 1, sizeof(*signers));

	for (size_t i = 0; i < r->env.nsigs; i++)
		signers[i] = r->env.sigs[i].keyid;
	copy_str(b, r->id);
	buf_putc(b, '\t');
	copy_str(b, r->kind);
	buf_putc(b, '\t');
	copy_text(b, r->env.payload.ptr, r->env.payload.len);
	buf_putc(b, '\t');
	copy_text_array(b, signers, r->env.nsigs);
	buf_putc(b, '\t');
	copy_str(b, path);
	buf_putc(b, '\n');
	free(signers);
}

/* A work's content hash is what items join on (an index decodes it), so
 * a work without a well-formed one is left out. */
static int work_ok(const json_t *payload)
{
	const char *hex = json_string_value(
		json_object_get(json_object_get(payload, "content"), "sha256"));

	if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
		return prov_error_set(PROV_EINVALID, "a work without content.sha256");
	return 0;
}

/* One record file: a record that does not check, or whose blob does not,
 * is counted and left out; only a database failure stops the load. */
static int record_file(const char *path, const void *data, size_t n,
		       void *payload)
{
	struct loader *l = payload;
	struct record *r = NULL;
	int rc;

	if (!(rc = record_parse(&r, data, n)) && !(rc = record_verify(r)) &&
	    !(rc = record_path_check(r, path))) {
		l->id = r->id;
		if (!strcmp(r->kind, "work"))
			rc = work_ok(r->payload);
		else if (!strcmp(r->kind, "dataset"))
			rc = load_items(l, r->payload);
		else if (!strcmp(r->kind, "anchor"))
			rc = load_proofs(l, r->payload);
	}
	if (!rc) {
		record_row(&l->recs.data, r, path);
		rc = l->rc = maybe_flush(l, &l->recs);
	} else if (l->rc) {
		rc = l->rc;
	} else {
		l->skipped++;
		rc = 0;
	}
	record_free(r);
	return rc;
}

static int changed_file(enum store_change change, const char *path,
			const void *data, size_t n, void *payload)
{
	/* records are immutable: one taken away stays loaded, and a changed
	 * one is a new file that will not check at its path */
	return change == STORE_ADDED ? record_file(path, data, n, payload) : 0;
}

/* ---- the registry's name ------------------------------------------------ */

/* The root commit of the tip's first-parent chain. */
static int registry_root(char out[41], struct store *s, const char *tip)
{
	git_repository *repo = store_repo(s);
	git_commit *c = NULL, *p = NULL;
	git_oid oid;
	int rc = 0;

	if (git_oid_fromstr(&oid, tip) || git_commit_lookup(&c, repo, &oid))
		goto fail;
	while (git_commit_parentcount(c)) {
		if (git_commit_parent(&p, c, 0))
			goto fail;
		git_commit_free(c);
		c = p;
		p = NULL;
	}
	git_oid_tostr(out, 41, git_commit_id(c));
	goto done;
fail:
	rc = prov_error_set(PROV_EIO, "reading the registry's history: %s",
			    git_error_last() ? git_error_last()->message : "unknown error");
done:
	git_commit_free(c);
	return rc;
}

/* ---- the load ----------------------------------------------------------- */

static int stage_create(struct db *d, const struct stage *st)
{
	struct buf sql = BUF_INIT;
	int rc;

	buf_printf(&sql, "CREATE TEMP TABLE IF NOT EXISTS %s %s ON COMMIT DELETE ROWS",
		   st->name, st->create);
	rc = db_exec(d, sql.ptr);
	buf_release(&sql);
	return rc;
}

static int insert(uint64_t *out, struct db *d, const struct stage *st)
{
	PGresult *res;
	int rc;

	if ((rc = db_query(&res, d, st->insert, 0, NULL)))
		return rc;
	*out = strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/* 1 when commit (hex) is a commit of the registry. */
static int has_commit(struct store *s, const char *commit)
{
	git_commit *c = NULL;
	git_oid oid;
	int found = !git_oid_fromstr(&oid, commit) &&
		    !git_commit_lookup(&c, store_repo(s), &oid);

	git_commit_free(c);
	git_error_clear();
	return found;
}

/* Every record file under prefix new since base (NULL: all of them). */
static int walk_new(struct loader *l, const char *base, const char *prefix)
{
	int rc = base ? store_diff(l->s, base, prefix, changed_file, l)
		      : store_walk(l->s, prefix, record_file, l);

	return l->rc ? l->rc : rc;
}

static int load_row(struct db *d, const char *root, const char *tip,
		    const char *base, const struct load_stats *st)
{
	char n[4][24];
	const char *p[7] = { root, tip, base, n[0], n[1], n[2], n[3] };

	snprintf(n[0], 24, "%llu", (unsigned long long)st->records);
	snprintf(n[1], 24, "%llu", (unsigned long long)st->items);
	snprintf(n[2], 24, "%llu", (unsigned long long)st->proofs);
	snprintf(n[3], 24, "%llu", (unsigned long long)st->skipped);
	return db_query(NULL, d,
			"INSERT INTO registry_loads"
			" (root, commit, base, records, items, proofs, skipped)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7)",
			7, p);
}

int load_registry(struct load_stats *out, struct db *d, const char *dir)
{
	struct loader l = { .d = d };
	char tip[41], root[41];
	char *base = NULL;
	const char *p[1] = { root };
	int rc, in_tx = 0;

	memset(out, 0, sizeof(*out));
	l.recs.stage = &stage_records;
	l.items.stage = &stage_items;
	l.proofs.stage = &stage_proofs;
	buf_init(&l.recs.data, 0);
	buf_init(&l.items.data, 0);
	buf_init(&l.proofs.data, 0);
	buf_init(&l.blob, 0);
	if ((rc = store_open(&l.s, dir)))
		goto done;
	if ((rc = store_tip(l.s, tip)) > 0) { /* an empty registry */
		out->unchanged = 1;
		rc = 0;
		goto done;
	}
	if (rc || (rc = registry_root(root, l.s, tip)))
		goto done;
	snprintf(out->commit, sizeof(out->commit), "%s", tip);

	/* two loaders of one registry queue here, and the second sees what
	 * the first loaded */
	if ((rc = db_begin(d)))
		goto done;
	in_tx = 1;
	if ((rc = db_query(NULL, d,
			   "SELECT pg_advisory_xact_lock("
			   "hashtext('prov-indexer registry ' || $1))",
			   1, p)) ||
	    (rc = db_value(&base, d,
			   "SELECT commit FROM registry_loads WHERE root = $1"
			   " ORDER BY n DESC LIMIT 1",
			   1, p)))
		goto done;
	if (base && !strcmp(base, tip)) {
		out->unchanged = 1;
		goto done;
	}
	/* a base no longer in the registry (its history was rewritten):
	 * everything is read again, and what is known inserts nothing */
	if (base && !has_commit(l.s, base)) {
		free(base);
		base = NULL;
	}
	if ((rc = stage_create(d, &stage_records)) ||
	    (rc = stage_create(d, &stage_items)) ||
	    (rc = stage_create(d, &stage_proofs)) ||
	    (rc = walk_new(&l, base, "works")) ||
	    (rc = walk_new(&l, base, "records")) ||
	    (rc = flush(&l, &l.recs)) || (rc = flush(&l, &l.items)) ||
	    (rc = flush(&l, &l.proofs)) ||
	    (rc = insert(&out->records, d, &stage_records)) ||
	    (rc = insert(&out->items, d, &stage_items)) ||
	    (rc = insert(&out->proofs, d, &stage_proofs)))
		goto done;
	out->skipped = l.skipped;
	rc = load_row(d, root, tip, base, out);
done:
	if (in_tx) {
		if (rc || (rc = db_commit(d)))
			db_rollback(d);
	}
	if (rc)
		memset(out, 0, sizeof(*out));
	free(base);
	buf_release(&l.recs.data);
	buf_release(&l.items.data);
	buf_release(&l.proofs.data);
	buf_release(&l.blob);
	store_free(l.s);
	return rc;
}

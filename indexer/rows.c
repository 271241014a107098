/* Events into rows: each log decoded by its contract's ABI and written as
 * a line of COPY's text format; then COPY into a staging table and one
 * INSERT ... ON CONFLICT DO NOTHING per table (COPY itself cannot skip
 * rows that are already there). */
#include <gmp.h>
#include <pthread.h>
#include <string.h>

#include "indexer/indexer.h"

void u256_decimal(char out[U256_DEC_MAX], const uint8_t v[32])
{
	mpz_t z;

	mpz_init(z);
	mpz_import(z, 32, 1, 1, 1, 0, v);
	mpz_get_str(out, 10, z);
	mpz_clear(z);
}

const char *contract_kind_name(enum contract_kind k)
{
	return k == CONTRACT_REGISTRY ? "registry" : "distributor";
}

void rows_init(struct rows *r)
{
	buf_init(&r->anchors, 0);
	buf_init(&r->batches, 0);
	buf_init(&r->claims, 0);
	r->n = 0;
}

void rows_clear(struct rows *r)
{
	buf_clear(&r->anchors);
	buf_clear(&r->batches);
	buf_clear(&r->claims);
	r->n = 0;
}

void rows_release(struct rows *r)
{
	buf_release(&r->anchors);
	buf_release(&r->batches);
	buf_release(&r->claims);
	r->n = 0;
}

static void put_u64(struct buf *b, uint64_t v)
{
	buf_printf(b, "%llu\t", (unsigned long long)v);
}

static void put_bytea(struct buf *b, const uint8_t *p, size_t n)
{
	copy_bytea(b, p, n);
	buf_putc(b, '\t');
}

/* uri as text when it is UTF-8 without NUL (PostgreSQL's text holds
 * nothing else), else NULL; and always its bytes. */
static void put_uri(struct buf *b, const char *uri, size_t n)
{
	if (strlen(uri) == n && utf8_valid(uri))
		copy_text(b, uri, n);
	else
		buf_puts(b, "\\N");
	buf_putc(b, '\t');
	put_bytea(b, (const uint8_t *)uri, n);
}

/* The columns every event row ends with. */
static void put_place(struct buf *b, const struct rpc_log *log)
{
	put_u64(b, log->block_number);
	put_bytea(b, log->block_hash, 32);
	put_bytea(b, log->tx_hash, 32);
	buf_printf(b, "%llu\n", (unsigned long long)log->log_index);
}

static void put_head(struct buf *b, uint64_t chain_id,
		     const struct rpc_log *log)
{
	put_u64(b, chain_id);
	put_bytea(b, log->address, 20);
}

static int add_anchor(struct rows *r, uint64_t chain_id,
		      const struct rpc_log *log)
{
	struct anchored_event e;
	int rc;

	if ((rc = anchored_event_decode(
		     &e, (const uint8_t(*)[32])log->topics, log->ntopics,
		     (const uint8_t *)log->data.ptr, log->data.len)))
		return rc;
	put_head(&r->anchors, chain_id, log);
	put_u64(&r->anchors, e.seq);
	put_bytea(&r->anchors, e.root, 32);
	put_bytea(&r->anchors, e.submitter, 20);
	put_u64(&r->anchors, e.count);
	put_uri(&r->anchors, e.uri, e.uri_len);
	put_place(&r->anchors, log);
	free(e.uri);
	return 0;
}

static int add_batch(struct rows *r, uint64_t chain_id,
		     const struct rpc_log *log)
{
	struct batch_funded_event e;
	char total[U256_DEC_MAX];
	int rc;

	if ((rc = batch_funded_event_decode(
		     &e, (const uint8_t(*)[32])log->topics, log->ntopics,
		     (const uint8_t *)log->data.ptr, log->data.len)))
		return rc;
	u256_decimal(total, e.total);
	put_head(&r->batches, chain_id, log);
	put_bytea(&r->batches, e.id, 32);
	put_bytea(&r->batches, e.root, 32);
	put_bytea(&r->batches, e.token, 20);
	put_bytea(&r->batches, e.funder, 20);
	buf_printf(&r->batches, "%s\t", total);
	put_uri(&r->batches, e.uri, e.uri_len);
	put_place(&r->batches, log);
	free(e.uri);
	return 0;
}

static int add_claim(struct rows *r, uint64_t chain_id,
		     const struct rpc_log *log)
{
	struct claimed_event e;
	char amount[U256_DEC_MAX];
	int rc;

	if ((rc = claimed_event_decode(
		     &e, (const uint8_t(*)[32])log->topics, log->ntopics,
		     (const uint8_t *)log->data.ptr, log->data.len)))
		return rc;
	u256_decimal(amount, e.amount);
	put_head(&r->claims, chain_id, log);
	put_bytea(&r->claims, e.id, 32);
	put_bytea(&r->claims, e.account, 20);
	buf_printf(&r->claims, "%s\t", amount);
	put_place(&r->claims, log);
	return 0;
}

void rows_append(struct rows *dst, const struct rows *src)
{
	buf_put(&dst->anchors, src->anchors.ptr, src->anchors.len);
	buf_put(&dst->batches, src->batches.ptr, src->batches.len);
	buf_put(&dst->claims, src->claims.ptr, src->claims.len);
	dst->n += src->n;
}

/* The distributor's event topics, worked out once for every worker. */
static uint8_t funded[32], claimed[32];
static pthread_once_t topics_once = PTHREAD_ONCE_INIT;

static void topics_init(void)
{
	abi_topic(funded, BATCH_FUNDED_EVENT);
	abi_topic(claimed, CLAIMED_EVENT);
}

int rows_add(struct rows *r, enum contract_kind k, uint64_t chain_id,
	     const struct rpc_log *log)
{
	int rc;

	pthread_once(&topics_once, topics_init);
	if (log->ntopics == 0)
		rc = prov_error_set(PROV_EINVALID, "a log without topics");
	else if (k == CONTRACT_REGISTRY)
		rc = add_anchor(r, chain_id, log);
	else if (memcmp(log->topics[0], funded, 32) == 0)
		rc = add_batch(r, chain_id, log);
	else if (memcmp(log->topics[0], claimed, 32) == 0)
		rc = add_claim(r, chain_id, log);
	else
		rc = prov_error_set(PROV_EINVALID,
				    "not an event of the distributor");
	if (rc)
		return prov_error_wrap("block %llu log %llu",
				       (unsigned long long)log->block_number,
				       (unsigned long long)log->log_index);
	r->n++;
	return 0;
}

struct table {
	const char *name;
	const char *columns;
	const char *key; /* the unique key a replay conflicts on */
};

static const struct table anchors_table = {
	"anchors",
	"chain_id, contract, seq, root, submitter, count, uri, uri_bytes,"
	" block_number, block_hash, tx_hash, log_index",
	"chain_id, block_hash, log_index",
};
static const struct table batches_table = {
	"payout_batches",
	"chain_id, contract, id, root, token, funder, total, uri, uri_bytes,"
	" block_number, block_hash, tx_hash, log_index",
	"chain_id, block_hash, log_index",
};
static const struct table claims_table = {
	"claims",
	"chain_id, contract, batch, account, amount,"
	" block_number, block_hash, tx_hash, log_index",
	"chain_id, block_hash, log_index",
};

static int write_table(struct db *d, const struct table *t,
		       const struct buf *data, uint64_t *inserted)
{
	struct buf sql = BUF_INIT;
	PGresult *res = NULL;
	int rc;

	if (!data->len)
		return 0;
	buf_printf(&sql,
		   "CREATE TEMP TABLE IF NOT EXISTS stage_%s"
		   " (LIKE %s) ON COMMIT DELETE ROWS",
		   t->name, t->name);
	if ((rc = db_exec(d, sql.ptr)))
		goto done;
	buf_clear(&sql);
	buf_printf(&sql, "COPY stage_%s (%s) FROM STDIN", t->name, t->columns);
	if ((rc = db_copy(d, sql.ptr, data->ptr, data->len)))
		goto done;
	buf_clear(&sql);
	/* the unique indexes on seq, a batch's id and a claim's (batch,
	 * account) are not the conflict target: a second row with one of
	 * them is an error, never silently skipped */
	buf_printf(&sql,
		   "INSERT INTO %s (%s) SELECT %s FROM stage_%s"
		   " ON CONFLICT (%s) DO NOTHING",
		   t->name, t->columns, t->columns, t->name, t->key);
	if ((rc = db_query(&res, d, sql.ptr, 0, NULL)))
		goto done;
	*inserted += strtoull(PQcmdTuples(res), NULL, 10);
done:
	PQclear(res);
	buf_release(&sql);
	return rc;
}

int rows_write(struct db *d, const struct rows *r, uint64_t *inserted)
{
	int rc;

	if ((rc = write_table(d, &anchors_table, &r->anchors, inserted)) ||
	    (rc = write_table(d, &batches_table, &r->batches, inserted)) ||
	    (rc = write_table(d, &claims_table, &r->claims, inserted)))
		return rc;
	return 0;
}

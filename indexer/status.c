/* What `prov-indexer status` reports, read from the database alone. */
#include <string.h>

#include "indexer/indexer.h"

/* Tables counted, in this order, when they exist (the registry's come
 * with a later migration). */
static const char *const counted[] = {
	"anchors", "payout_batches", "claims", "blocks",
	"records", "dataset_items",  "record_anchors",
};

static int table_exists(int *out, struct db *d, const char *name)
{
	const char *p[1] = { name };
	char *v = NULL;
	int rc;

	rc = db_value(&v, d, "SELECT to_regclass($1) IS NOT NULL", 1, p);
	*out = !rc && v && strcmp(v, "t") == 0;
	free(v);
	return rc;
}

/* Every row of a query as a JSON array of objects (row_to_json). */
static int rows_json(json_t **out, struct db *d, const char *sql)
{
	PGresult *res;
	int rc;

	*out = json_array();
	if ((rc = db_query(&res, d, sql, 0, NULL)))
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		json_error_t err;
		json_t *v = json_loads(PQgetvalue(res, i, 0), 0, &err);

		if (!v) {
			rc = prov_error_set(PROV_EINVALID,
					    "status: unreadable row: %s",
					    err.text);
			break;
		}
		json_array_append_new(*out, v);
	}
	PQclear(res);
	return rc;
}

int indexer_status(json_t **out, struct db *d)
{
	json_t *st = json_object(), *rows = json_object(), *v;
	char *version = NULL, *count;
	int exists, rc;

	*out = NULL;
	if ((rc = table_exists(&exists, d, "schema_migrations")))
		goto fail;
	if (!exists) {
		rc = prov_error_set(PROV_EINVALID,
				    "the database has no prov-indexer schema: "
				    "run 'prov-indexer migrate --db ...'");
		goto fail;
	}
	if ((rc = db_value(&version, d,
			   "SELECT max(version) FROM schema_migrations", 0,
			   NULL)))
		goto fail;
	json_object_set_new(st, "schema_version",
			    json_integer(version ? atoi(version) : 0));
	json_object_set_new(st, "schema_latest",
			    json_integer(migrations[migrations_count - 1].version));
	if ((rc = table_exists(&exists, d, "cursors")))
		goto fail;
	if (exists) {
		if ((rc = rows_json(
			     &v, d,
			     "SELECT json_build_object("
			     "'chain', 'eip155:' || chain_id,"
			     " 'contract', '0x' || encode(contract, 'hex'),"
			     " 'kind', kind, 'block', block_number,"
			     " 'block_hash', '0x' || encode(block_hash, 'hex'),"
			     " 'head', head,"
			     " 'lag', CASE WHEN head IS NULL THEN NULL"
			     "  ELSE greatest(head - block_number, 0) END,"
			     " 'updated_at', to_char(updated_at,"
			     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
			     " 'reorgs', reorgs,"
			     " 'last_reorg', CASE WHEN last_reorg_at IS NULL"
			     "  THEN NULL ELSE json_build_object('at',"
			     "  to_char(last_reorg_at,"
			     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
			     "  'block', last_reorg_block,"
			     "  'depth', last_reorg_depth) END)"
			     " FROM cursors ORDER BY chain_id, kind, contract"))) {
			json_decref(v);
			goto fail;
		}
		json_object_set_new(st, "cursors", v);
	}
	for (size_t i = 0; i < sizeof(counted) / sizeof(*counted); i++) {
		struct buf sql = BUF_INIT;

		if ((rc = table_exists(&exists, d, counted[i])))
			goto fail;
		if (!exists)
			continue;
		buf_printf(&sql, "SELECT count(*) FROM %s", counted[i]);
		rc = db_value(&count, d, sql.ptr, 0, NULL);
		buf_release(&sql);
		if (rc)
			goto fail;
		json_object_set_new(rows, counted[i],
				    json_integer(strtoll(count, NULL, 10)));
		free(count);
	}
	json_object_set_new(st, "rows", rows);
	rows = NULL;
	if ((rc = table_exists(&exists, d, "registry_loads")))
		goto fail;
	if (exists) {
		if ((rc = rows_json(&v, d,
				    "SELECT row_to_json(l) FROM registry_loads l"))) {
			json_decref(v);
			goto fail;
		}
		json_object_set_new(st, "registry_loads", v);
	}
	free(version);
	*out = st;
	return 0;
fail:
	free(version);
	json_decref(rows);
	json_decref(st);
	return rc;
}

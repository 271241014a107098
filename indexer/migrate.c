/* The schema's versions: each migration runs once, in its own transaction,
 * and is recorded with the SHA-256 of its text, so a database migrated by
 * another build of the same version with different SQL is caught. */
#include <stdlib.h>
#include <string.h>

#include "indexer/indexer.h"

static const char migrations_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version integer PRIMARY KEY,"
	" name text NOT NULL,"
	" sha256 text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now())";

/* Two migrators at once would both see a version missing; this lock
 * (held to the end of each transaction) makes the second wait. */
static const char migrate_lock[] =
	"SELECT pg_advisory_xact_lock(hashtext('prov-indexer migrate'))";

static void text_sha256(char out[65], const char *sql)
{
	uint8_t h[32];

	sha256_buf(h, sql, strlen(sql));
	hex_encode(out, h, 32);
}

/* The migrations the database has: versions[i] with sha[i]. */
struct applied {
	int *version;
	char (*sha)[65];
	size_t n;
};

static void applied_release(struct applied *a)
{
	free(a->version);
	free(a->sha);
	memset(a, 0, sizeof(*a));
}

static int read_applied(struct applied *out, struct db *d)
{
	PGresult *res;
	char *exists = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_value(&exists, d,
			   "SELECT to_regclass('schema_migrations') IS NOT NULL",
			   0, NULL)))
		return rc;
	rc = exists && strcmp(exists, "t") == 0;
	free(exists);
	if (!rc)
		return 0;
	if ((rc = db_query(&res, d,
			   "SELECT version, sha256 FROM schema_migrations"
			   " ORDER BY version",
			   0, NULL)))
		return rc;
	out->n = (size_t)PQntuples(res);
	out->version = xcalloc(out->n ? out->n : 1, sizeof(*out->version));
	out->sha = xcalloc(out->n ? out->n : 1, sizeof(*out->sha));
	for (size_t i = 0; i < out->n; i++) {
		out->version[i] = atoi(PQgetvalue(res, (int)i, 0));
		snprintf(out->sha[i], 65, "%s", PQgetvalue(res, (int)i, 1));
	}
	PQclear(res);
	return 0;
}

static const struct migration *known(int version)
{
	for (size_t i = 0; i < migrations_count; i++)
		if (migrations[i].version == version)
			return &migrations[i];
	return NULL;
}

/* Every applied migration must be one of ours, with our text. */
static int check_applied(const struct applied *a)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct migration *m = known(a->version[i]);
		char sha[65];

		if (!m)
			return prov_error_set(PROV_EINVALID,
					      "the database has schema version "
					      "%d, which this prov-indexer does "
					      "not know (it knows up to %d): a "
					      "newer prov-indexer migrated it",
					      a->version[i],
					      migrations[migrations_count - 1]
						      .version);
		text_sha256(sha, m->sql);
		if (strcmp(sha, a->sha[i]))
			return prov_error_set(PROV_EINVALID,
					      "schema migration %s in the "
					      "database differs from this "
					      "prov-indexer's (sha256 %.12s, "
					      "expected %.12s)",
					      m->name, a->sha[i], sha);
	}
	return 0;
}

static int has_version(const struct applied *a, int version)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->version[i] == version)
			return 1;
	return 0;
}

static int apply(struct db *d, const struct migration *m)
{
	char version[16], sha[65];
	const char *p[3] = { version, m->name, sha };
	char *done = NULL;
	int rc;

	snprintf(version, sizeof(version), "%d", m->version);
	text_sha256(sha, m->sql);
	if ((rc = db_begin(d)) || (rc = db_exec(d, migrate_lock)))
		goto fail;
	/* another migrator may have applied it while we waited */
	if ((rc = db_value(&done, d,
			   "SELECT 1 FROM schema_migrations WHERE version = $1",
			   1, p)))
		goto fail;
	if (!done && ((rc = db_exec(d, m->sql)) ||
		      (rc = db_query(NULL, d,
				     "INSERT INTO schema_migrations"
				     " (version, name, sha256)"
				     " VALUES ($1, $2, $3)",
				     3, p)))) {
		prov_error_wrap("migration %s", m->name);
		goto fail;
	}
	free(done);
	return db_commit(d);
fail:
	free(done);
	db_rollback(d);
	return rc;
}

int db_migrate(struct db *d, int *applied)
{
	struct applied a;
	int rc;

	*applied = 0;
	if ((rc = db_exec(d, migrations_table)) || (rc = read_applied(&a, d)))
		return rc;
	if ((rc = check_applied(&a)))
		goto done;
	for (size_t i = 0; i < migrations_count; i++) {
		if (has_version(&a, migrations[i].version))
			continue;
		if ((rc = apply(d, &migrations[i])))
			goto done;
		(*applied)++;
	}
done:
	applied_release(&a);
	return rc;
}

int db_schema_check(struct db *d)
{
	struct applied a;
	int rc;

	if ((rc = read_applied(&a, d)))
		return rc;
	if ((rc = check_applied(&a)))
		goto done;
	for (size_t i = 0; i < migrations_count; i++)
		if (!has_version(&a, migrations[i].version)) {
			rc = prov_error_set(PROV_EINVALID,
					    "the database lacks schema "
					    "migration %s: run 'prov-indexer "
					    "migrate --db ...' first",
					    migrations[i].name);
			goto done;
		}
done:
	applied_release(&a);
	return rc;
}

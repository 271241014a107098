/* libpq, and its errors translated once into the last-error slot. */
#include <string.h>

#include "indexer/indexer.h"

/* libpq's messages end in a newline and may span lines; the slot holds
 * one line. */
static int pq_error(const char *what, const char *msg)
{
	char line[512];
	size_t n = 0;

	for (; msg && *msg && n < sizeof(line) - 1; msg++)
		line[n++] = (*msg == '\n' || *msg == '\t') ? ' ' : *msg;
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	return prov_error_set(PROV_EIO, "postgresql: %s: %s", what,
			      n ? line : "no reason given");
}

static int session_setup(struct db *d)
{
	return db_exec(d, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC';"
			  " SET client_min_messages = warning;"
			  " SET application_name = 'prov-indexer'");
}

static int open_conn(struct db *d)
{
	/* Ours are defaults: expand_dbname makes the parameters in conninfo
	 * (key=value pairs or a URI) override those that come before it. */
	const char *keys[] = { "connect_timeout", "dbname", NULL };
	const char *vals[] = { "10", d->conninfo, NULL };

	d->conn = PQconnectdbParams(keys, vals, 1);
	if (!d->conn)
		abort(); /* out of memory */
	if (PQstatus(d->conn) != CONNECTION_OK) {
		int rc = pq_error("connect", PQerrorMessage(d->conn));

		PQfinish(d->conn);
		d->conn = NULL;
		return rc;
	}
	return session_setup(d);
}

int db_connect(struct db **out, const char *conninfo)
{
	struct db *d = xcalloc(1, sizeof(*d));
	int rc;

	*out = NULL;
	d->conninfo = xstrdup(conninfo);
	if ((rc = open_conn(d))) {
		db_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void db_free(struct db *d)
{
	if (!d)
		return;
	if (d->conn)
		PQfinish(d->conn);
	free(d->conninfo);
	free(d);
}

int db_reconnect(struct db *d)
{
	if (d->conn)
		PQfinish(d->conn);
	d->conn = NULL;
	return open_conn(d);
}

int db_lost(const struct db *d)
{
	return !d->conn || PQstatus(d->conn) == CONNECTION_BAD;
}

static int result_ok(PGresult *res, struct db *d, const char *what)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	    st == PGRES_COPY_IN)
		return 0;
	return pq_error(what, res ? PQresultErrorMessage(res)
				  : PQerrorMessage(d->conn));
}

/* The first words of a statement, to name it in errors. */
static const char *stmt_name(const char *sql, char buf[48])
{
	size_t n = 0;

	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	while (sql[n] && sql[n] != '\n' && n < 40)
		n++;
	snprintf(buf, 48, "%.*s%s", (int)n, sql, n == 40 ? "..." : "");
	return buf;
}

int db_exec(struct db *d, const char *sql)
{
	char name[48];
	PGresult *res;
	int rc;

	if (!d->conn)
		return prov_error_set(PROV_EIO, "postgresql: not connected");
	res = PQexec(d->conn, sql);
	rc = result_ok(res, d, stmt_name(sql, name));
	PQclear(res);
	return rc;
}

int db_query(PGresult **out, struct db *d, const char *sql, int n,
	     const char *const *params)
{
	char name[48];
	PGresult *res;
	int rc;

	if (out)
		*out = NULL;
	if (!d->conn)
		return prov_error_set(PROV_EIO, "postgresql: not connected");
	res = PQexecParams(d->conn, sql, n, NULL, params, NULL, NULL, 0);
	if ((rc = result_ok(res, d, stmt_name(sql, name)))) {
		PQclear(res);
		return rc;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

int db_value(char **out, struct db *d, const char *sql, int n,
	     const char *const *params)
{
	PGresult *res;
	int rc;

	*out = NULL;
	if ((rc = db_query(&res, d, sql, n, params)))
		return rc;
	if (PQntuples(res) > 0 && PQnfields(res) > 0 &&
	    !PQgetisnull(res, 0, 0))
		*out = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int db_copy(struct db *d, const char *copy_sql, const char *data, size_t n)
{
	char name[48];
	PGresult *res;
	int rc;

	if (!d->conn)
		return prov_error_set(PROV_EIO, "postgresql: not connected");
	stmt_name(copy_sql, name);
	res = PQexec(d->conn, copy_sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		rc = pq_error(name, res ? PQresultErrorMessage(res)
					: PQerrorMessage(d->conn));
		PQclear(res);
		return rc;
	}
	PQclear(res);
	/* PQputCopyData takes an int; big buffers go in pieces. */
	for (size_t off = 0; off < n;) {
		size_t k = n - off > (1u << 24) ? (1u << 24) : n - off;

		if (PQputCopyData(d->conn, data + off, (int)k) != 1)
			return pq_error(name, PQerrorMessage(d->conn));
		off += k;
	}
	if (PQputCopyEnd(d->conn, NULL) != 1)
		return pq_error(name, PQerrorMessage(d->conn));
	rc = 0;
	while ((res = PQgetResult(d->conn))) {
		if (!rc)
			rc = result_ok(res, d, name);
		PQclear(res);
	}
	return rc;
}

int db_try_lock(int *got, struct db *d, const char *name)
{
	uint8_t h[32];
	int64_t key = 0;
	char keytext[24], *v = NULL;
	const char *p[1] = { keytext };
	int rc;

	*got = 0;
	sha256_buf(h, name, strlen(name));
	for (int i = 0; i < 8; i++)
		key = (int64_t)(((uint64_t)key << 8) | h[i]);
	snprintf(keytext, sizeof(keytext), "%lld", (long long)key);
	if ((rc = db_value(&v, d, "SELECT pg_try_advisory_lock($1::bigint)", 1,
			   p)))
		return rc;
	*got = v && strcmp(v, "t") == 0;
	free(v);
	return 0;
}

int db_begin(struct db *d)
{
	return db_exec(d, "BEGIN");
}

int db_commit(struct db *d)
{
	return db_exec(d, "COMMIT");
}

void db_rollback(struct db *d)
{
	PGresult *res;

	if (d->conn && PQstatus(d->conn) == CONNECTION_OK &&
	    PQtransactionStatus(d->conn) != PQTRANS_IDLE) {
		res = PQexec(d->conn, "ROLLBACK");
		PQclear(res);
	}
}

void copy_bytea(struct buf *b, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *o;

	buf_grow(b, 3 + 2 * n);
	o = b->ptr + b->len;
	*o++ = '\\';
	*o++ = '\\';
	*o++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	b->len = (size_t)(o - b->ptr);
	b->ptr[b->len] = '\0';
}

void copy_text(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default: buf_putc(b, (char)c);
		}
	}
}

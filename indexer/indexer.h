/* prov-indexer: follows prov's contracts on one chain and mirrors their
 * events, and a registry's records, into PostgreSQL (docs/indexer.md).
 *
 * db.c      libpq: connections, statements, COPY, advisory locks; every
 *           libpq error is translated into the last-error slot here
 * migrate.c the schema: indexer/migrations/NNNN_name.sql, embedded at
 *           build time, applied in order, each in a transaction
 * rows.c    events into COPY rows, uint256 as decimal
 * fetch.c   worker threads that read logs and headers, several requests
 *           in flight, results handed back in block order
 * follow.c  one contract's follower: cursor, unfinal blocks, reorgs, commits
 * load.c    the registry's records, items and anchor proofs, incrementally
 * status.c  what `prov-indexer status` reports
 * main.c    the program: options, signals, progress, the loop
 *
 * Only main.c prints. */
#ifndef PROV_INDEXER_H
#define PROV_INDEXER_H

#include <signal.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "core/core.h"
#include "chain/chain.h"

/* ---- PostgreSQL (indexer/db.c) ------------------------------------------ */

struct db {
	PGconn *conn;
	char *conninfo;
};
/* Connects (connect_timeout 10 s unless conninfo says otherwise) and sets
 * the session up: UTF8, UTC, warnings only. PROV_EIO with libpq's reason. */
int db_connect(struct db **out, const char *conninfo);
void db_free(struct db *d);
/* Drops the connection and opens a new one to the same server. */
int db_reconnect(struct db *d);
/* The connection is gone (the server restarted, the network failed). */
int db_lost(const struct db *d);
/* Runs one or more statements without parameters. */
int db_exec(struct db *d, const char *sql);
/* One statement with text parameters (NULL for SQL NULL); *out (may be
 * NULL when the result is not wanted) is freed with PQclear. */
int db_query(PGresult **out, struct db *d, const char *sql, int n,
	     const char *const *params);
/* The single text value of a one-row, one-column query (NULL for SQL NULL,
 * or when there is no row); malloc'd into *out. */
int db_value(char **out, struct db *d, const char *sql, int n,
	     const char *const *params);
/* COPY ... FROM STDIN of data (COPY's text format). */
int db_copy(struct db *d, const char *copy_sql, const char *data, size_t n);
/* pg_try_advisory_lock on a key made from name (the first 8 bytes of its
 * SHA-256): *got 1 when this session holds it now. */
int db_try_lock(int *got, struct db *d, const char *name);
int db_begin(struct db *d);
int db_commit(struct db *d);
void db_rollback(struct db *d); /* never fails: a lost connection rolls back */

/* COPY text format: a bytea as \\x<hex>, a text field escaped. */
void copy_bytea(struct buf *b, const uint8_t *p, size_t n);
void copy_text(struct buf *b, const char *s, size_t n);

/* ---- the schema (indexer/migrate.c) ------------------------------------- */

struct migration {
	int version;
	const char *name; /* "0001_chain" */
	const char *sql;
};
/* indexer/migrations/NNNN_name.sql, in version order (generated at build
 * time by scripts/embed-sql.sh). */
extern const struct migration migrations[];
extern const size_t migrations_count;

/* Applies every migration the database lacks, each in its own transaction
 * with its row in schema_migrations; *applied counts them. PROV_EINVALID
 * when the database has a migration this program does not know, or one
 * whose text changed. */
int db_migrate(struct db *d, int *applied);
/* 0 when the schema is the one this program writes; PROV_EINVALID saying
 * what to run otherwise. */
int db_schema_check(struct db *d);

/* ---- events to rows (indexer/rows.c) ------------------------------------ */

/* The big-endian uint256 v in decimal, NUL-terminated. */
#define U256_DEC_MAX 79
void u256_decimal(char out[U256_DEC_MAX], const uint8_t v[32]);

/* Which contract a follower follows, and so what its events are. */
enum contract_kind { CONTRACT_REGISTRY, CONTRACT_DISTRIBUTOR };
const char *contract_kind_name(enum contract_kind k);

/* Rows waiting to be copied, one COPY buffer per table. */
struct rows {
	struct buf anchors, batches, claims;
	size_t n; /* events */
};
void rows_init(struct rows *r);
void rows_clear(struct rows *r);
void rows_release(struct rows *r);
/* Decodes one log of a contract of kind k into r. PROV_EINVALID for a log
 * that is not one of that contract's events. */
int rows_add(struct rows *r, enum contract_kind k, uint64_t chain_id,
	     const struct rpc_log *log);
/* Appends src's rows to dst. */
void rows_append(struct rows *dst, const struct rows *src);
/* Copies r into the tables through staging tables and INSERT ... ON
 * CONFLICT DO NOTHING, inside the caller's transaction; *inserted counts
 * the rows that were new. */
int rows_write(struct db *d, const struct rows *r, uint64_t *inserted);

/* ---- fetching (indexer/fetch.c) ----------------------------------------- */

/* A unit of work: the logs of blocks [from, to] by range (below the
 * unfinal window), or of one block by its hash (inside it). Both also
 * read a header: the last block's for a range, the block's own. */
enum task_kind { TASK_RANGE, TASK_BLOCK };
struct task {
	enum task_kind kind;
	uint64_t from, to;
	/* results */
	int rc;
	char error[512];
	struct rpc_block first; /* a range's first block (its parent links it) */
	struct rpc_block last;	/* its last block; a block task's own */
	struct rpc_log *logs;
	size_t nlogs;
	/* the logs as rows, decoded by the worker, in parallel with the
	 * commits of the tasks before it */
	struct rows rows;
	int limited; /* a limit error shrank the range on the way */
};

struct fetch_config {
	const char *const *urls;
	size_t nurls;
	unsigned workers;	 /* threads, each with its own connection */
	long timeout_ms;	 /* per request */
	uint8_t address[20];	 /* the contract */
	const uint8_t *topic0;	 /* NULL: any event */
	uint64_t range_max;	 /* --batch-blocks */
	unsigned retries;	 /* of a failed task, with backoff */
	long backoff_cap_ms;
	enum contract_kind kind; /* how logs become rows */
	uint64_t chain_id;
};
struct fetcher;
/* Starts cfg->workers threads (rpc clients made here, in the calling
 * thread). */
int fetcher_new(struct fetcher **out, const struct fetch_config *cfg);
void fetcher_free(struct fetcher *f); /* joins the threads */
/* Queues a task (taken over by the fetcher) unless the queue is full:
 * returns 0, or PROV_ELOCKED when full. */
int fetcher_push(struct fetcher *f, enum task_kind kind, uint64_t from,
		 uint64_t to);
/* The oldest queued task, once done (waits); NULL when none is queued.
 * The caller owns it: task_free. */
struct task *fetcher_pop(struct fetcher *f);
/* Waits for the queued tasks and drops them (after a reorg). */
void fetcher_drain(struct fetcher *f);
/* Whether the oldest queued task is done: fetcher_pop would not wait. */
int fetcher_ready(struct fetcher *f);
/* The range a new TASK_RANGE should span, as the last replies taught. */
uint64_t fetcher_range(const struct fetcher *f);
void task_free(struct task *t);

/* The logs bloom of a block may hold logs of address with topic0 (NULL:
 * any): 0 means certainly not. */
int bloom_may_contain(const uint8_t bloom[256], const uint8_t address[20],
		      const uint8_t *topic0);

/* ---- following one contract (indexer/follow.c) -------------------------- */

struct follow_stats {
	uint64_t cursor, head, target;
	uint64_t blocks, events, inserted; /* since start */
	uint64_t start_block;		  /* the cursor at start */
	uint64_t reorgs;
	uint64_t batch_from, batch_to, batch_events; /* the last commit */
};

struct follower {
	enum contract_kind kind;
	uint8_t address[20];
	char address_hex[43];
	uint64_t chain_id;
	uint64_t from_block; /* where a new cursor starts */
	unsigned confirmations;
	unsigned window; /* unfinal blocks kept, the deepest reorg handled */
	struct db *db;
	struct fetch_config fetch_cfg; /* the address and topic are set here */
	struct fetcher *fetch;
	struct rpc_client *rpc; /* the follower's own calls (heads, reorgs) */
	struct rows rows;
	/* the committed cursor */
	uint64_t cursor;
	uint8_t cursor_hash[32];
	int have_cursor;
	uint64_t head_max; /* the highest head seen; lower heads are ignored */
	uint8_t topic0[32];
	struct follow_stats stats;
	/* called after every commit and for notable events (main prints) */
	void (*log)(struct follower *f, const char *event, const char *msg);
	volatile sig_atomic_t *stop;
};
/* Sets f up (cursor read or made, lock taken, the cursor's block checked
 * against the chain: a reorg while nobody watched is rolled back). */
int follower_start(struct follower *f);
/* Indexes up to the chain's head less the confirmations (once), or one
 * round of it; *caught_up 1 when nothing is left. A reorg deeper than the
 * window is PROV_EVERIFY; a lost database is PROV_EIO with db_lost(). */
int follower_step(struct follower *f, int *caught_up);
/* After the database came back: the lock taken again, the cursor re-read. */
int follower_resume(struct follower *f);
void follower_release(struct follower *f);

/* ---- the registry's records (indexer/load.c) ---------------------------- */

struct load_stats {
	uint64_t records, items, proofs; /* rows new in this load */
	uint64_t skipped;		 /* record files that do not check */
	char commit[41];		 /* the commit now loaded */
	int unchanged;			 /* nothing new since the last load */
};
/* Loads what the registry at dir holds and the database does not: every
 * record whose path is new since the last load's commit, a dataset's
 * items, an anchor's proofs; one transaction. */
int load_registry(struct load_stats *out, struct db *d, const char *dir);

/* ---- status (indexer/status.c) ------------------------------------------ */

/* {"schema_version", "cursors": [{chain_id, contract, kind, block,
 * block_hash, head, lag, updated_at, last_reorg: {...}|null}], "rows":
 * {table: n}, "registry_loads": [...]} */
int indexer_status(json_t **out, struct db *d);

#endif

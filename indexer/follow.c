/* One contract's follower.
 *
 * The cursor (block number and hash) says every event up to that block is
 * in the tables; it moves only in the transaction that writes the rows, and
 * only from the value this follower read (so two writers cannot both
 * advance it). Blocks at least --reorg-window below the head are read by
 * range; newer ones one at a time, by number for the header and by hash
 * for the logs, each header's parent checked against the block before. The
 * headers of the newest window of blocks are kept: when a parent does not
 * match, the follower walks back through them to the last block both forks
 * share, deletes every row above it and reads on from there. */
#include <stdarg.h>
#include <string.h>

#include "indexer/indexer.h"

/* Block tasks committed together, at most. */
#define COMMIT_BLOCKS 64
/* Rows held before a commit, at most (a range task is committed alone). */
#define COMMIT_ROWS 50000

static void say(struct follower *f, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct follower *f, const char *event, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (!f->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->log(f, event, msg);
}

static void hex0x(char *out, const uint8_t *p, size_t n)
{
	out[0] = '0';
	out[1] = 'x';
	hex_encode(out + 2, p, n);
}

/* Query parameters every statement of a follower starts with. */
struct keyp {
	char chain[24];
	char contract[43];
};

static void keyp_init(struct keyp *k, const struct follower *f)
{
	snprintf(k->chain, sizeof(k->chain), "%llu",
		 (unsigned long long)f->chain_id);
	/* bytea input: \x and hex */
	k->contract[0] = '\\';
	k->contract[1] = 'x';
	hex_encode(k->contract + 2, f->address, 20);
}

static void bytea_param(char *out, const uint8_t *p, size_t n)
{
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(out + 2, p, n);
}

static int read_cursor(struct follower *f, int *found)
{
	struct keyp k;
	const char *p[2];
	PGresult *res;
	int rc;

	*found = 0;
	keyp_init(&k, f);
	p[0] = k.chain;
	p[1] = k.contract;
	if ((rc = db_query(&res, f->db,
			   "SELECT block_number, encode(block_hash, 'hex'), kind"
			   " FROM cursors WHERE chain_id = $1 AND contract = $2",
			   2, p)))
		return rc;
	if (PQntuples(res) == 1) {
		const char *kind = PQgetvalue(res, 0, 2);

		if (strcmp(kind, contract_kind_name(f->kind))) {
			rc = prov_error_set(PROV_ECONFLICT,
					    "%s is indexed in this database as "
					    "a %s, not a %s",
					    f->address_hex, kind,
					    contract_kind_name(f->kind));
		} else {
			f->cursor = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
			rc = hex_decode(f->cursor_hash, 32,
					PQgetvalue(res, 0, 1), 64);
			*found = 1;
			f->have_cursor = 1;
		}
	}
	PQclear(res);
	return rc;
}

/* The block the contract's code first appears at, by bisection over
 * eth_getCode (a node that keeps no old state refuses: then --from-block
 * is needed). */
static int find_deployment(uint64_t *out, struct follower *f, uint64_t head)
{
	uint64_t lo = 0, hi = head;
	struct buf code = BUF_INIT;
	char tag[24];
	int rc;

	if ((rc = rpc_get_code(&code, f->rpc, f->address, NULL)))
		goto done;
	if (!code.len) {
		rc = prov_error_set(PROV_EINVALID, "no contract at %s",
				    f->address_hex);
		goto done;
	}
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		buf_clear(&code);
		snprintf(tag, sizeof(tag), "0x%llx", (unsigned long long)mid);
		if ((rc = rpc_get_code(&code, f->rpc, f->address, tag))) {
			prov_error_wrap("finding where %s was deployed (give "
					"--from-block)",
					f->address_hex);
			goto done;
		}
		if (code.len)
			hi = mid;
		else
			lo = mid + 1;
	}
	*out = lo;
done:
	buf_release(&code);
	return rc;
}

static int put_block_row(struct buf *b, const struct follower *f,
			 const struct rpc_block *blk)
{
	buf_printf(b, "%llu\t", (unsigned long long)f->chain_id);
	copy_bytea(b, f->address, 20);
	buf_printf(b, "\t%llu\t", (unsigned long long)blk->number);
	copy_bytea(b, blk->hash, 32);
	buf_putc(b, '\t');
	copy_bytea(b, blk->parent_hash, 32);
	return buf_printf(b, "\t%llu\n", (unsigned long long)blk->timestamp);
}

static int write_blocks(struct follower *f, const struct buf *rows)
{
	if (!rows->len)
		return 0;
	return db_copy(f->db,
		       "COPY blocks (chain_id, contract, number, hash,"
		       " parent_hash, time) FROM STDIN",
		       rows->ptr, rows->len);
}

/* A new cursor just before from_block, with that block's header kept. */
static int make_cursor(struct follower *f, uint64_t from_block)
{
	struct rpc_block blk;
	struct buf rows = BUF_INIT;
	struct keyp k;
	char num[24], hash[67];
	const char *p[5] = { k.chain, k.contract, contract_kind_name(f->kind),
			     num, hash };
	int rc;

	if (from_block == 0)
		return prov_error_set(PROV_EINVALID,
				      "--from-block must be 1 or more: block "
				      "0 is the genesis");
	if ((rc = rpc_get_block(&blk, f->rpc, from_block - 1)))
		return rc;
	keyp_init(&k, f);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)blk.number);
	bytea_param(hash, blk.hash, 32);
	put_block_row(&rows, f, &blk);
	if ((rc = db_begin(f->db)) ||
	    (rc = db_query(NULL, f->db,
			   "INSERT INTO cursors (chain_id, contract, kind,"
			   " block_number, block_hash) VALUES ($1, $2, $3, $4,"
			   " $5)",
			   5, p)) ||
	    (rc = write_blocks(f, &rows)) || (rc = db_commit(f->db))) {
		db_rollback(f->db);
		goto done;
	}
	f->cursor = blk.number;
	memcpy(f->cursor_hash, blk.hash, 32);
	f->have_cursor = 1;
done:
	buf_release(&rows);
	return rc;
}

/* The cursor moves from what this follower read to (number, hash), with
 * the head it saw; zero rows updated means someone else moved it. */
static int move_cursor(struct follower *f, uint64_t number,
		       const uint8_t hash[32], const char *extra_set)
{
	struct keyp k;
	char num[24], h[67], old[24], oldh[67], head[24];
	const char *p[7] = { k.chain, k.contract, num, h, old, oldh, head };
	struct buf sql = BUF_INIT;
	PGresult *res = NULL;
	int rc;

	keyp_init(&k, f);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)number);
	bytea_param(h, hash, 32);
	snprintf(old, sizeof(old), "%llu", (unsigned long long)f->cursor);
	bytea_param(oldh, f->cursor_hash, 32);
	snprintf(head, sizeof(head), "%llu", (unsigned long long)f->head_max);
	buf_printf(&sql,
		   "UPDATE cursors SET block_number = $3, block_hash = $4,"
		   " head = $7, updated_at = now()%s"
		   " WHERE chain_id = $1 AND contract = $2"
		   " AND block_number = $5 AND block_hash = $6",
		   extra_set ? extra_set : "");
	if ((rc = db_query(&res, f->db, sql.ptr, 7, p)))
		goto done;
	if (strcmp(PQcmdTuples(res), "1"))
		rc = prov_error_set(PROV_ECONFLICT,
				    "the cursor of %s moved under this "
				    "prov-indexer (another writer?): expected "
				    "block %llu",
				    f->address_hex,
				    (unsigned long long)f->cursor);
done:
	PQclear(res);
	buf_release(&sql);
	return rc;
}

/* Rows of blocks above `above` (counted in *deleted), and the kept
 * headers, deleted; with headers_only only the headers. */
static int delete_above(struct follower *f, uint64_t above, uint64_t *deleted,
			int headers_only)
{
	static const char *const tables[] = { "anchors", "payout_batches",
					      "claims", "blocks" };
	struct keyp k;
	char num[24];
	const char *p[3] = { k.chain, k.contract, num };
	struct buf sql = BUF_INIT;
	PGresult *res;
	int rc = 0;

	keyp_init(&k, f);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)above);
	if (deleted)
		*deleted = 0;
	for (size_t i = headers_only ? 3 : 0; i < 4 && !rc; i++) {
		buf_clear(&sql);
		buf_printf(&sql,
			   "DELETE FROM %s WHERE chain_id = $1 AND contract = $2"
			   " AND %s > $3",
			   tables[i], i == 3 ? "number" : "block_number");
		if ((rc = db_query(&res, f->db, sql.ptr, 3, p)))
			break;
		if (i < 3 && deleted)
			*deleted += strtoull(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	buf_release(&sql);
	return rc;
}

/* The chain no longer holds the cursor's block (or a new block's parent is
 * not it): find the last kept block the chain still has, and roll back to
 * it. PROV_EVERIFY when none of the kept blocks is on the chain. */
static int handle_reorg(struct follower *f, const char *why)
{
	struct keyp k;
	const char *p[2];
	PGresult *res = NULL;
	uint64_t fork = 0, deleted = 0, depth;
	uint8_t fork_hash[32];
	int found = 0, rc, n;
	char set[160];

	keyp_init(&k, f);
	p[0] = k.chain;
	p[1] = k.contract;
	if ((rc = db_query(&res, f->db,
			   "SELECT number, encode(hash, 'hex') FROM blocks"
			   " WHERE chain_id = $1 AND contract = $2"
			   " ORDER BY number DESC",
			   2, p)))
		return rc;
	n = PQntuples(res);
	for (int i = 0; i < n && !found; i++) {
		uint64_t num = strtoull(PQgetvalue(res, i, 0), NULL, 10);
		uint8_t kept[32];
		struct rpc_block blk;

		if (num > f->cursor)
			continue;
		hex_decode(kept, 32, PQgetvalue(res, i, 1), 64);
		rc = rpc_get_block(&blk, f->rpc, num);
		if (rc == PROV_ENOTFOUND)
			continue; /* the new fork is shorter */
		if (rc)
			goto done;
		if (memcmp(blk.hash, kept, 32) == 0) {
			fork = num;
			memcpy(fork_hash, kept, 32);
			found = 1;
		}
	}
	if (!found) {
		rc = prov_error_set(
			PROV_EVERIFY,
			"a reorganisation deeper than the %u blocks kept: %s, "
			"and none of the %d kept blocks%s%s%s is on the chain "
			"now; rows from block %s on may be from the lost fork "
			"(re-index from an earlier block into a fresh "
			"database, or raise --reorg-window)",
			f->window, why, n, n ? " (" : "",
			n ? PQgetvalue(res, n - 1, 0) : "",
			n ? "..)" : "", n ? PQgetvalue(res, n - 1, 0) : "?");
		goto done;
	}
	depth = f->cursor - fork;
	snprintf(set, sizeof(set),
		 ", reorgs = reorgs + 1, last_reorg_at = now(),"
		 " last_reorg_block = %llu, last_reorg_depth = %llu",
		 (unsigned long long)fork, (unsigned long long)depth);
	if ((rc = db_begin(f->db)) ||
	    (rc = delete_above(f, fork, &deleted, 0)) ||
	    (rc = move_cursor(f, fork, fork_hash, set)) ||
	    (rc = db_commit(f->db))) {
		db_rollback(f->db);
		goto done;
	}
	say(f, "reorg",
	    "reorg: %s; rolled back %llu blocks to block %llu, the last both "
	    "forks share; %llu rows deleted",
	    why, (unsigned long long)depth, (unsigned long long)fork,
	    (unsigned long long)deleted);
	f->cursor = fork;
	memcpy(f->cursor_hash, fork_hash, 32);
	f->stats.reorgs++;
	f->stats.cursor = fork;
done:
	PQclear(res);
	return rc;
}

/* The cursor's block must still be the chain's (a reorg can happen while
 * nobody watches). */
static int check_cursor(struct follower *f)
{
	struct rpc_block blk;
	char why[160];
	int rc;

	rc = rpc_get_block(&blk, f->rpc, f->cursor);
	if (rc == 0 && memcmp(blk.hash, f->cursor_hash, 32) == 0)
		return 0;
	if (rc && rc != PROV_ENOTFOUND)
		return rc;
	snprintf(why, sizeof(why), "the cursor's block %llu is %s",
		 (unsigned long long)f->cursor,
		 rc ? "no longer on the chain" : "not the chain's any more");
	return handle_reorg(f, why);
}

/* One instance per (chain, contract): a session-level advisory lock,
 * taken again whenever the connection is made again. */
static int take_lock(struct follower *f)
{
	char name[96];
	int got, rc;

	snprintf(name, sizeof(name), "prov-indexer eip155:%llu:%s",
		 (unsigned long long)f->chain_id, f->address_hex);
	if ((rc = db_try_lock(&got, f->db, name)))
		return rc;
	if (!got)
		return prov_error_set(PROV_ELOCKED,
				      "another prov-indexer follows %s on "
				      "eip155:%llu (it holds the advisory "
				      "lock)",
				      f->address_hex,
				      (unsigned long long)f->chain_id);
	return 0;
}

int follower_start(struct follower *f)
{
	struct fetch_config cfg;
	int found, rc;
	uint64_t head;

	hex0x(f->address_hex, f->address, 20);
	if ((rc = take_lock(f)))
		return rc;
	if ((rc = read_cursor(f, &found)))
		return rc;
	if (!found) {
		uint64_t from = f->from_block;

		if (!from) {
			if ((rc = rpc_block_number(&head, f->rpc)) ||
			    (rc = find_deployment(&from, f, head)))
				return rc;
			say(f, "start", "%s %s was deployed at block %llu",
			    contract_kind_name(f->kind), f->address_hex,
			    (unsigned long long)from);
		}
		if ((rc = make_cursor(f, from)))
			return rc;
	} else if (f->from_block && f->from_block != f->cursor + 1) {
		say(f, "start",
		    "%s: resuming after block %llu (--from-block %llu is for "
		    "a first run)",
		    f->address_hex, (unsigned long long)f->cursor,
		    (unsigned long long)f->from_block);
	}
	f->stats.start_block = f->stats.cursor = f->cursor;
	if ((rc = check_cursor(f)))
		return rc;
	rows_init(&f->rows);
	cfg = f->fetch_cfg;
	memcpy(cfg.address, f->address, 20);
	cfg.kind = f->kind;
	cfg.chain_id = f->chain_id;
	if (f->kind == CONTRACT_REGISTRY) {
		abi_topic(f->topic0, ANCHORED_EVENT);
		cfg.topic0 = f->topic0;
	} else {
		cfg.topic0 = NULL; /* both of its events */
	}
	return fetcher_new(&f->fetch, &cfg);
}

int follower_resume(struct follower *f)
{
	int found, rc;

	fetcher_drain(f->fetch);
	rows_clear(&f->rows);
	if ((rc = take_lock(f)) || (rc = read_cursor(f, &found)))
		return rc;
	if (!found)
		return prov_error_set(PROV_ENOTFOUND,
				      "the cursor of %s is gone from the "
				      "database",
				      f->address_hex);
	f->stats.cursor = f->cursor;
	return 0;
}

void follower_release(struct follower *f)
{
	fetcher_free(f->fetch);
	f->fetch = NULL;
	rows_release(&f->rows);
}

/* What a commit writes besides the rows. */
struct pending {
	struct buf blocks; /* COPY rows of headers to keep */
	uint64_t from, to, nblocks;
	uint8_t hash[32];
};

static int commit(struct follower *f, struct pending *pd)
{
	struct keyp k;
	char below[24];
	const char *p[3] = { k.chain, k.contract, below };
	uint64_t inserted = 0;
	int rc;

	keyp_init(&k, f);
	/* keep the headers of the newest window of blocks */
	snprintf(below, sizeof(below), "%llu",
		 (unsigned long long)(pd->to > f->window ? pd->to - f->window
							 : 0));
	/* no header above the cursor is kept (one may be left when the cursor
	 * was put back by hand, to read a range again) */
	if ((rc = db_begin(f->db)) ||
	    (rc = delete_above(f, f->cursor, NULL, 1)) ||
	    (rc = rows_write(f->db, &f->rows, &inserted)) ||
	    (rc = write_blocks(f, &pd->blocks)) ||
	    (rc = db_query(NULL, f->db,
			   "DELETE FROM blocks WHERE chain_id = $1 AND"
			   " contract = $2 AND number < $3",
			   3, p)) ||
	    (rc = move_cursor(f, pd->to, pd->hash, NULL)) ||
	    (rc = db_commit(f->db))) {
		db_rollback(f->db);
		return rc;
	}
	f->cursor = pd->to;
	memcpy(f->cursor_hash, pd->hash, 32);
	f->stats.cursor = f->cursor;
	f->stats.blocks += pd->nblocks;
	f->stats.events += f->rows.n;
	f->stats.inserted += inserted;
	f->stats.batch_from = pd->from;
	f->stats.batch_to = pd->to;
	f->stats.batch_events = f->rows.n;
	if (f->log)
		f->log(f, "batch", "");
	rows_clear(&f->rows);
	buf_clear(&pd->blocks);
	pd->nblocks = 0;
	pd->from = f->cursor + 1;
	return 0;
}

/* A range's logs must name its first and last blocks by the hashes the
 * headers gave. */
static int check_range_logs(const struct task *t)
{
	for (size_t i = 0; i < t->nlogs; i++) {
		const struct rpc_log *l = &t->logs[i];
		const struct rpc_block *b = l->block_number == t->from ? &t->first
					    : l->block_number == t->to ? &t->last
								       : NULL;

		if (b && memcmp(l->block_hash, b->hash, 32))
			return prov_error_set(PROV_EINVALID,
					      "a log of block %llu names "
					      "another hash than its header",
					      (unsigned long long)l->block_number);
	}
	return 0;
}

/* Queues tasks up to target: ranges below final_end, blocks above. */
static void fill(struct follower *f, uint64_t *next, uint64_t target,
		 uint64_t final_end)
{
	while (*next <= target) {
		uint64_t to;

		if (*next <= final_end) {
			uint64_t range = fetcher_range(f->fetch);

			to = *next + range - 1;
			if (to > final_end)
				to = final_end;
			if (to > target)
				to = target;
			if (fetcher_push(f->fetch, TASK_RANGE, *next, to))
				return;
		} else {
			to = *next;
			if (fetcher_push(f->fetch, TASK_BLOCK, *next, to))
				return;
		}
		*next = to + 1;
	}
}

int follower_step(struct follower *f, int *caught_up)
{
	struct pending pd = { .blocks = BUF_INIT };
	uint64_t head, target, final_end, next;
	struct task *t = NULL;
	int rc;

	*caught_up = 0;
	if ((rc = rpc_block_number(&head, f->rpc)))
		return rc;
	if (head < f->head_max) {
		say(f, "head",
		    "the head moved backwards, from block %llu to %llu: "
		    "ignored (a lagging node)",
		    (unsigned long long)f->head_max, (unsigned long long)head);
		*caught_up = 1;
		return 0;
	}
	f->head_max = head;
	target = head > f->confirmations ? head - f->confirmations : 0;
	f->stats.head = head;
	f->stats.target = target;
	if (f->cursor >= target) {
		/* a reorganisation that keeps the height shows only here */
		*caught_up = 1;
		return check_cursor(f);
	}
	final_end = head > f->window ? head - f->window : 0;
	next = f->cursor + 1;
	pd.from = next;
	fill(f, &next, target, final_end);
	while ((t = fetcher_pop(f->fetch))) {
		if (t->rc) {
			/* not the cursor's kind of "not found": worth a retry */
			rc = prov_error_set(t->rc == PROV_ENOTFOUND ? PROV_EIO
								    : t->rc,
					    "%s", t->error);
			goto fail;
		}
		if (memcmp(t->first.parent_hash, f->cursor_hash, 32) &&
		    pd.nblocks == 0) {
			char why[160];

			snprintf(why, sizeof(why),
				 "block %llu's parent is not block %llu as "
				 "indexed",
				 (unsigned long long)t->from,
				 (unsigned long long)f->cursor);
			task_free(t);
			t = NULL;
			fetcher_drain(f->fetch);
			rows_clear(&f->rows);
			rc = handle_reorg(f, why);
			goto out;
		}
		if (memcmp(t->first.parent_hash, pd.hash, 32) && pd.nblocks) {
			/* a fork between blocks waiting to be committed: commit
			 * what is linked, then the next step finds the fork */
			task_free(t);
			t = NULL;
			fetcher_drain(f->fetch);
			rc = commit(f, &pd);
			goto out;
		}
		if (t->kind == TASK_RANGE && (rc = check_range_logs(t)))
			goto fail;
		rows_append(&f->rows, &t->rows);
		put_block_row(&pd.blocks, f, &t->last);
		pd.nblocks += t->to - t->from + 1;
		pd.to = t->to;
		memcpy(pd.hash, t->last.hash, 32);
		/* rows are committed as soon as nothing else is ready, so
		 * that the database works while the next blocks are read */
		if (t->kind == TASK_RANGE || pd.nblocks >= COMMIT_BLOCKS ||
		    f->rows.n >= COMMIT_ROWS ||
		    (f->rows.n && !fetcher_ready(f->fetch)) || *f->stop) {
			if ((rc = commit(f, &pd)))
				goto fail;
		}
		task_free(t);
		t = NULL;
		if (*f->stop)
			break;
		fill(f, &next, target, final_end);
	}
	if (pd.nblocks && (rc = commit(f, &pd)))
		goto fail;
	*caught_up = f->cursor >= target;
	goto out;
fail:
	task_free(t);
	t = NULL;
	fetcher_drain(f->fetch);
	rows_clear(&f->rows);
out:
	if (*f->stop)
		fetcher_drain(f->fetch);
	buf_release(&pd.blocks);
	return rc;
}

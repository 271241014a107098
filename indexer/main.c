/* prov-indexer: the program. Options, signals, the database connection
 * (kept, and remade when the server goes away), the followers' loop,
 * progress and logs. docs/indexer.md describes what it does. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "indexer/indexer.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* SIGTERM and SIGINT finish the batch at hand; sleeps end early (no
 * SA_RESTART). */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (!stopping)
		nanosleep(&ts, NULL); /* a signal ends it */
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_u64(uint64_t *out, const char *s, const char *opt,
		     uint64_t lo, uint64_t hi)
{
	char *end;
	unsigned long long v;

	if (!s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v < lo || v > hi)
		return cli_usage_error("--%s: '%s' is not a number from %" PRIu64
				       " to %" PRIu64,
				       opt, s, lo, hi);
	*out = v;
	return 0;
}

/* ---- progress and logs ----------------------------------------------- */

static double started;
static int progress_drawn;

static void progress_clear(void)
{
	if (progress_drawn) {
		fputs("\r\033[K", stderr);
		progress_drawn = 0;
	}
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	fputs("prov-indexer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void eta(char *out, size_t n, double seconds)
{
	long s = seconds > 0 && seconds < 1e7 ? (long)(seconds + 0.5) : -1;

	if (s < 0)
		snprintf(out, n, "?");
	else if (s >= 3600)
		snprintf(out, n, "%ldh%02ldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, n, "%ldm%02lds", s / 60, s % 60);
}

/* After every commit: on a terminal one line redrawn (blocks/s, events/s,
 * lag, ETA); otherwise one log line per batch. */
static void on_log(struct follower *f, const char *event, const char *msg)
{
	const struct follow_stats *st = &f->stats;
	double secs = now_s() - started;
	double bps = secs > 0 ? (double)st->blocks / secs : 0;
	double eps = secs > 0 ? (double)st->events / secs : 0;
	uint64_t lag = st->head > st->cursor ? st->head - st->cursor : 0;
	char when[32];

	if (strcmp(event, "batch")) {
		say("%s", msg);
		return;
	}
	eta(when, sizeof(when), bps > 0 ? (double)lag / bps : -1);
	if (cli_progress_enabled()) {
		static double last;
		double t = now_s();

		if (t - last < 0.1 && lag)
			return;
		last = t;
		fprintf(stderr,
			"\r\033[K%s %.10s…: block %" PRIu64 "/%" PRIu64
			", %.0f blocks/s, %.0f events/s, lag %" PRIu64
			", ETA %s",
			contract_kind_name(f->kind), f->address_hex, st->cursor,
			st->head, bps, eps, lag, when);
		progress_drawn = 1;
		return;
	}
	say("%s %s: blocks %" PRIu64 "-%" PRIu64 ", %" PRIu64
	    " events; cursor %" PRIu64 ", head %" PRIu64 ", lag %" PRIu64
	    "; %.0f blocks/s, %.0f events/s%s%s",
	    contract_kind_name(f->kind), f->address_hex, st->batch_from,
	    st->batch_to, st->batch_events, st->cursor, st->head, lag, bps,
	    eps, lag ? ", ETA " : "", lag ? when : "");
}

/* ---- the database connection ----------------------------------------- */

/* The server went away: connect again (forever when following, two
 * minutes once), take the followers' locks again and re-read their
 * cursors; a commit whose answer was lost is then either in or not. */
static int reconnect(struct db *d, struct follower *fs, size_t n, int once)
{
	long wait = 250;
	double give_up = now_s() + 120;
	int rc;

	for (;;) {
		if (stopping)
			return prov_error_set(PROV_EIO,
					      "stopped while the database was "
					      "unreachable");
		if (!(rc = db_reconnect(d)))
			break;
		if (once && now_s() > give_up)
			return prov_error_wrap("the database stayed "
					       "unreachable for 2 minutes");
		say("%s; connecting again in %.1f s", prov_error_last(),
		    (double)wait / 1000);
		sleep_ms(wait);
		wait = wait * 2 < 10000 ? wait * 2 : 10000;
	}
	say("connected to the database again");
	for (size_t i = 0; i < n; i++)
		if ((rc = follower_resume(&fs[i])))
			return rc;
	return 0;
}

/* Failures that no retry mends. */
static int fatal(int rc)
{
	return rc == PROV_EVERIFY || rc == PROV_ECONFLICT ||
	       rc == PROV_ELOCKED || rc == PROV_ENOTFOUND;
}

/* ---- prov-indexer run -------------------------------------------------- */

struct run {
	const char *db, *chain, *registry_contract, *distributor, *registry;
	struct strlist rpc;
	uint64_t from_block, batch_blocks, window;
	unsigned confirmations, workers, poll_ms, timeout_ms;
	int once, follow, json;
};

static json_t *summary_json(const struct follower *fs, size_t n,
			    const struct load_stats *ls, int loaded)
{
	json_t *out = json_object(), *arr = json_array();
	double secs = now_s() - started;

	for (size_t i = 0; i < n; i++) {
		const struct follow_stats *st = &fs[i].stats;

		json_array_append_new(
			arr,
			json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "kind",
				  contract_kind_name(fs[i].kind), "contract",
				  fs[i].address_hex, "from_block",
				  (json_int_t)(st->start_block + 1), "cursor",
				  (json_int_t)st->cursor, "head",
				  (json_int_t)st->head, "blocks",
				  (json_int_t)st->blocks, "events",
				  (json_int_t)st->events, "inserted",
				  (json_int_t)st->inserted, "reorgs",
				  (json_int_t)st->reorgs));
	}
	json_object_set_new(out, "followers", arr);
	json_object_set_new(out, "seconds", json_real(secs));
	if (loaded)
		json_object_set_new(
			out, "registry",
			json_pack("{s:s,s:I,s:I,s:I,s:I}", "commit", ls->commit,
				  "records", (json_int_t)ls->records, "items",
				  (json_int_t)ls->items, "proofs",
				  (json_int_t)ls->proofs, "skipped",
				  (json_int_t)ls->skipped));
	return out;
}

static int load(struct load_stats *total, struct db *d, const char *dir)
{
	struct load_stats ls;
	int rc;

	if ((rc = load_registry(&ls, d, dir)))
		return rc;
	if (ls.unchanged)
		return 0;
	say("registry %s: loaded %" PRIu64 " records, %" PRIu64
	    " dataset items, %" PRIu64 " anchor proofs (commit %.12s)%s",
	    cli_esc(dir), ls.records, ls.items, ls.proofs, ls.commit,
	    ls.skipped ? "; skipped record files that do not check:" : "");
	if (ls.skipped)
		say("  %" PRIu64 " skipped ('prov verify' names them)",
		    ls.skipped);
	total->records += ls.records;
	total->skipped += ls.skipped;
	total->items += ls.items;
	total->proofs += ls.proofs;
	memcpy(total->commit, ls.commit, sizeof(ls.commit));
	return 0;
}

/* Rounds of every follower (and the registry) until stopped, or, once,
 * until all have caught up. */
static int run_loop(struct run *o, struct db *d, struct follower *fs,
		    size_t n, struct load_stats *ls)
{
	unsigned failures = 0;
	long backoff = 1000;
	int rc = 0;

	while (!stopping) {
		int all = 1, failed = 0;

		for (size_t i = 0; i < n && !stopping; i++) {
			uint64_t before = fs[i].cursor;
			int caught_up = 0;

			if (!(rc = follower_step(&fs[i], &caught_up))) {
				all &= caught_up;
				continue;
			}
			all = 0;
			if (fs[i].cursor != before)
				failures = 0; /* it got somewhere before failing */
			if (db_lost(d)) {
				say("%s", prov_error_last());
				if ((rc = reconnect(d, fs, n, o->once)))
					return rc;
				continue;
			}
			if (fatal(rc))
				return rc;
			failed = 1;
			break;
		}
		if (!failed && o->registry && !stopping &&
		    (rc = load(ls, d, o->registry))) {
			if (db_lost(d)) {
				say("%s", prov_error_last());
				if ((rc = reconnect(d, fs, n, o->once)))
					return rc;
				continue;
			}
			return rc;
		}
		if (failed) {
			if (o->once && ++failures > 2)
				return rc;
			say("%s; trying again in %.1f s", prov_error_last(),
			    (double)backoff / 1000);
			sleep_ms(backoff);
			backoff = backoff * 2 < 30000 ? backoff * 2 : 30000;
			continue;
		}
		failures = 0;
		backoff = 1000;
		if (o->once && all)
			break;
		if (all)
			sleep_ms(o->poll_ms);
	}
	return 0;
}

/* A follower of the contract at addr, set up from the options. */
static int add_follower(struct follower *f, enum contract_kind kind,
			const char *addr, const struct run *o, uint64_t chain_id,
			struct db *d, struct rpc_client *rpc)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if (address_parse(f->address, addr))
		return prov_error_wrap("--%s",
				       kind == CONTRACT_REGISTRY
					       ? "registry-contract"
					       : "distributor");
	f->chain_id = chain_id;
	f->from_block = o->from_block;
	f->confirmations = o->confirmations;
	f->window = (unsigned)o->window;
	f->db = d;
	f->rpc = rpc;
	f->log = on_log;
	f->stop = &stopping;
	f->fetch_cfg = (struct fetch_config){
		.urls = (const char *const *)o->rpc.v,
		.nurls = o->rpc.n,
		.workers = o->workers,
		.timeout_ms = o->timeout_ms,
		.range_max = o->batch_blocks,
		.retries = 8,
		.backoff_cap_ms = 2000,
	};
	return 0;
}

/* The code at the address must be prov's contract. An empty answer is
 * asked again, twice, a second apart: load-balanced endpoints return
 * missing data now and then, and anvil 1.7.1 was seen here answering "0x"
 * for a contract's code once, under load. */
static int check_code(struct follower *f)
{
	int rc;

	for (int attempt = 0;; attempt++) {
		rc = f->kind == CONTRACT_REGISTRY
			     ? registry_check_code(f->rpc, f->address)
			     : distributor_check_code(f->rpc, f->address);
		if (!rc || attempt == 2 || !strstr(prov_error_last(), "no contract"))
			break;
		sleep_ms(1000);
	}
	return rc ? prov_error_wrap("%s", contract_kind_name(f->kind)) : 0;
}

/* follower_start, tried again after failures a retry may mend (an
 * endpoint's bad reply): three times once, until stopped when following. */
static int start(struct follower *f, const struct run *o)
{
	long backoff = 1000;
	int rc;

	for (int attempt = 1;; attempt++) {
		if (!(rc = follower_start(f)) || fatal(rc) || stopping ||
		    (o->once && attempt == 3))
			return rc;
		say("%s; trying again in %.1f s", prov_error_last(),
		    (double)backoff / 1000);
		sleep_ms(backoff);
		backoff = backoff * 2 < 30000 ? backoff * 2 : 30000;
	}
}

/* --rpc URL[,URL...], repeatable, into one list. */
static void split_urls(struct strlist *out, const struct strlist *in)
{
	for (size_t i = 0; i < in->n; i++) {
		char *copy = xstrdup(in->v[i]), *save = NULL;

		for (char *u = strtok_r(copy, ",", &save); u;
		     u = strtok_r(NULL, ",", &save))
			if (*u)
				strlist_push(out, u);
		free(copy);
	}
}

static int cmd_run(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov-indexer [run] --db CONNINFO --rpc URL[,URL...] --chain "
		"eip155:ID --registry-contract ADDR [--distributor ADDR] "
		"[--from-block N] [--confirmations N] [--registry DIR] [--once | "
		"--follow] [--batch-blocks N]\n\n  --registry DIR also loads this prov "
		"registry's records (a .prov folder)",
		"Follows prov's registry contract (and the payout distributor) "
		"on one chain and mirrors their events into PostgreSQL, exactly "
		"once: rows and the cursor commit together, a replay inserts "
		"nothing, and a reorganisation up to --reorg-window blocks deep "
		"is rolled back and read again. With --registry it also loads "
		"the records of a prov registry, only what is new each time. "
		"One instance per (chain, contract): a PostgreSQL advisory lock "
		"keeps a second out. SIGTERM finishes the batch at hand and "
		"exits 0. The schema must be current: 'prov-indexer migrate' "
		"first.",
		0, 0, 0,
	};
	struct run o = { 0 };
	const char *from = NULL, *batch = NULL, *window = NULL, *conf = NULL,
		   *workers = NULL, *poll = NULL, *timeout = NULL;
	struct strlist rpc_opt = { 0 }, args = { 0 };
	const struct opt opts[] = {
		OPT_STR("db", 0, &o.db, "CONNINFO", "the PostgreSQL database (a libpq connection string or URI)"),
		OPT_LIST_("rpc", 0, &rpc_opt, "URL[,URL...]", "JSON-RPC endpoints, tried in turn when one fails"),
		OPT_STR("chain", 0, &o.chain, "eip155:ID", "the chain the endpoints must serve (CAIP-2)"),
		OPT_STR("registry-contract", 0, &o.registry_contract, "ADDR", "the ProvenanceRegistry to follow"),
		OPT_STR("distributor", 0, &o.distributor, "ADDR", "also follow this PayoutDistributor"),
		OPT_STR("from-block", 0, &from, "N", "where a first run starts (default: the block the contract was deployed in)"),
		OPT_STR("confirmations", 0, &conf, "N", "index blocks once N blocks are on top of them (default 0: the head)"),
		OPT_FLAG_("once", 0, &o.once, "index up to the head, then exit"),
		OPT_FLAG_("follow", 0, &o.follow, "keep following the head (the default)"),
		OPT_STR("batch-blocks", 0, &batch, "N", "the largest block range of one eth_getLogs (default 10000; it adapts below that)"),
		OPT_STR("reorg-window", 0, &window, "N", "blocks of headers kept: the deepest reorganisation handled (default 128)"),
		OPT_STR("workers", 0, &workers, "N", "requests in flight (default 4)"),
		OPT_STR("poll-ms", 0, &poll, "MS", "how often to look for new blocks when caught up (default 1000)"),
		OPT_STR("rpc-timeout-ms", 0, &timeout, "MS", "one request's time limit (default 30000)"),
		OPT_JSON(&o.json),
		OPT_END_,
	};
	struct load_stats ls = { 0 };
	struct rpc_client *rpc = NULL;
	struct follower fs[2];
	struct db *d = NULL;
	uint64_t chain_id = 0, v = 0;
	size_t n = 0, started_n = 0;
	int rc;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto out;
	/* cli_parse keeps --registry for itself, as prov's commands take it */
	o.registry = cli_registry_opt;
	o.batch_blocks = 10000;
	o.window = 128;
	o.workers = 4;
	o.poll_ms = 1000;
	o.timeout_ms = 30000;
	if ((rc = parse_u64(&o.from_block, from, "from-block", 1,
			    INT64_MAX)) ||
	    (rc = parse_u64(&o.batch_blocks, batch, "batch-blocks", 1,
			    1000000)) ||
	    (rc = parse_u64(&o.window, window, "reorg-window", 1, 100000)) ||
	    (rc = cli_parse_count(&o.confirmations, conf, "confirmations", 0,
				  100000)) ||
	    (rc = cli_parse_count(&o.workers, workers, "workers", 1, 64)) ||
	    (rc = cli_parse_count(&o.poll_ms, poll, "poll-ms", 10, 3600000)) ||
	    (rc = cli_parse_count(&o.timeout_ms, timeout, "rpc-timeout-ms",
				  100, 600000)))
		goto out;
	if (!o.db || !rpc_opt.n || !o.chain || !o.registry_contract) {
		rc = cli_usage_error("run needs --db, --rpc, --chain and "
				     "--registry-contract (see --help)");
		goto out;
	}
	if (o.once && o.follow) {
		rc = cli_usage_error("--once and --follow: choose one");
		goto out;
	}
	if (strncmp(o.chain, "eip155:", 7) ||
	    parse_u64(&v, o.chain + 7, "chain", 1, INT64_MAX)) {
		rc = cli_usage_error("--chain: '%s' is not eip155:<chain id>",
				     o.chain);
		goto out;
	}
	split_urls(&o.rpc, &rpc_opt);
	catch_signals();
	started = now_s();
	if ((rc = cli_rpc_open(&rpc, &chain_id, &o.rpc, o.chain)) ||
	    (rc = db_connect(&d, o.db)) || (rc = db_schema_check(d)))
		goto fail;
	if ((rc = add_follower(&fs[n++], CONTRACT_REGISTRY,
			       o.registry_contract, &o, chain_id, d, rpc)))
		goto fail;
	if (o.distributor &&
	    (rc = add_follower(&fs[n++], CONTRACT_DISTRIBUTOR, o.distributor,
			       &o, chain_id, d, rpc)))
		goto fail;
	rpc->timeout_ms = o.timeout_ms;
	for (size_t i = 0; i < n; i++) {
		hex_encode(fs[i].address_hex + 2, fs[i].address, 20);
		fs[i].address_hex[0] = '0';
		fs[i].address_hex[1] = 'x';
		if ((rc = check_code(&fs[i])) || (rc = start(&fs[i], &o)))
			goto fail;
		started_n++;
	}
	rc = run_loop(&o, d, fs, n, &ls);
	progress_clear();
	if (rc)
		goto fail;
	if (stopping)
		say("stopped: every committed batch is in");
	if (o.json) {
		json_t *j = summary_json(fs, n, &ls, o.registry != NULL);

		cli_print_json(j);
		json_decref(j);
	} else {
		for (size_t i = 0; i < n; i++)
			say("%s %s: at block %" PRIu64 " (head %" PRIu64
			    "); %" PRIu64 " events in %" PRIu64
			    " blocks this run, %" PRIu64 " new, %" PRIu64
			    " reorgs",
			    contract_kind_name(fs[i].kind), fs[i].address_hex,
			    fs[i].stats.cursor, fs[i].stats.head,
			    fs[i].stats.events, fs[i].stats.blocks,
			    fs[i].stats.inserted, fs[i].stats.reorgs);
	}
	rc = 0;
	goto out;
fail:
	progress_clear();
	rc = cli_fail(rc);
out:
	for (size_t i = 0; i < started_n; i++)
		follower_release(&fs[i]);
	rpc_client_free(rpc);
	db_free(d);
	strlist_release(&rpc_opt);
	strlist_release(&o.rpc);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* ---- prov-indexer migrate, status ---------------------------------------- */

static int cmd_migrate(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov-indexer migrate --db CONNINFO [--json]",
		"Creates or upgrades the schema: applies each migration in "
		"indexer/migrations/ that the database lacks, in order, each in "
		"its own transaction, recorded in schema_migrations. Refuses a "
		"database migrated by a newer prov-indexer.",
		0, 0, 0,
	};
	const char *conninfo = NULL;
	struct strlist args = { 0 };
	int json = 0, applied = 0, rc;
	const struct opt opts[] = {
		OPT_STR("db", 0, &conninfo, "CONNINFO", "the PostgreSQL database"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct db *d = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto out;
	if (!conninfo) {
		rc = cli_usage_error("migrate needs --db CONNINFO");
		goto out;
	}
	if ((rc = db_connect(&d, conninfo)) || (rc = db_migrate(d, &applied))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (json) {
		json_t *j = json_pack("{s:i,s:i}", "applied", applied,
				      "schema_version",
				      migrations[migrations_count - 1].version);

		cli_print_json(j);
		json_decref(j);
	} else {
		printf("schema at version %d (%s): %d migration%s applied\n",
		       migrations[migrations_count - 1].version,
		       migrations[migrations_count - 1].name, applied,
		       applied == 1 ? "" : "s");
	}
out:
	db_free(d);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static void print_status(const json_t *st)
{
	const json_t *c, *v;
	const char *key;
	size_t i;

	printf("schema version %lld (latest %lld)\n",
	       (long long)json_integer_value(json_object_get(st, "schema_version")),
	       (long long)json_integer_value(json_object_get(st, "schema_latest")));
	json_array_foreach(json_object_get(st, "cursors"), i, c) {
		const json_t *r = json_object_get(c, "last_reorg");

		printf("%s %s on %s: block %lld (%s)",
		       json_string_value(json_object_get(c, "kind")),
		       json_string_value(json_object_get(c, "contract")),
		       json_string_value(json_object_get(c, "chain")),
		       (long long)json_integer_value(json_object_get(c, "block")),
		       json_string_value(json_object_get(c, "block_hash")));
		if (json_is_integer(json_object_get(c, "head")))
			printf(", head %lld, lag %lld",
			       (long long)json_integer_value(json_object_get(c, "head")),
			       (long long)json_integer_value(json_object_get(c, "lag")));
		printf("\n");
		printf("  updated %s; %lld reorgs",
		       json_string_value(json_object_get(c, "updated_at")),
		       (long long)json_integer_value(json_object_get(c, "reorgs")));
		if (json_is_object(r))
			printf(", the last at %s: %lld blocks rolled back to "
			       "block %lld",
			       json_string_value(json_object_get(r, "at")),
			       (long long)json_integer_value(json_object_get(r, "depth")),
			       (long long)json_integer_value(json_object_get(r, "block")));
		printf("\n");
	}
	printf("rows:\n");
	json_object_foreach((json_t *)json_object_get(st, "rows"), key, v)
		printf("  %-16s %lld\n", key, (long long)json_integer_value(v));
	json_array_foreach(json_object_get(st, "registry_loads"), i, c) {
		char *s = json_dumps(c, JSON_COMPACT);

		printf("registry load: %s\n", cli_esc(s));
		free(s);
	}
}

static int cmd_status(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov-indexer status --db CONNINFO [--json]",
		"What the database holds: the schema version, each follower's "
		"cursor, the head it last saw and its lag, its last "
		"reorganisation, rows per table, and the registry loads.",
		0, 0, 0,
	};
	const char *conninfo = NULL;
	struct strlist args = { 0 };
	int json = 0, rc;
	const struct opt opts[] = {
		OPT_STR("db", 0, &conninfo, "CONNINFO", "the PostgreSQL database"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct db *d = NULL;
	json_t *st = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto out;
	if (!conninfo) {
		rc = cli_usage_error("status needs --db CONNINFO");
		goto out;
	}
	if ((rc = db_connect(&d, conninfo)) || (rc = indexer_status(&st, d))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (json)
		cli_print_json(st);
	else
		print_status(st);
out:
	json_decref(st);
	db_free(d);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int main(int argc, char **argv)
{
	cli_program = "prov-indexer";
	if (core_init())
		return cli_fail(PROV_ERROR);
	if (argc > 1 && strcmp(argv[1], "migrate") == 0)
		return cmd_migrate(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	return cmd_run(argc, argv);
}

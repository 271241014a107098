#define _GNU_SOURCE /* strcasestr */
/* Reading logs with several requests in flight: tasks queue in block
 * order, worker threads (each with its own RPC client, so its own
 * connection) take the oldest waiting one, and the follower takes results
 * back in the order it queued them, so it commits in block order however
 * the replies arrive.
 *
 * A range's size adapts: a reply that a provider refuses as too large
 * (its words vary: "limit", "too many", "range", a suggested range, a
 * timeout) splits the range in two, or to the suggested size, and the next
 * ranges start smaller; replies well under the target number of logs make
 * the next ranges grow, up to --batch-blocks. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "indexer/indexer.h"

/* Logs per reply the range size aims at: large enough that a request's
 * fixed cost is small, small enough to parse without a pause. */
#define LOGS_TARGET 5000u

enum { QUEUED, RUNNING, DONE };

struct fetcher {
	struct fetch_config cfg;
	struct rpc_client **clients;
	pthread_t *threads;
	size_t nthreads;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct task **q; /* a ring: q[(head + i) % cap], i < count */
	int *state;
	size_t cap, head, count;
	uint64_t range;
	int quit;
};

void task_free(struct task *t)
{
	if (!t)
		return;
	rpc_logs_free(t->logs, t->nlogs);
	rows_release(&t->rows);
	free(t);
}

int bloom_may_contain(const uint8_t bloom[256], const uint8_t address[20],
		      const uint8_t *topic0)
{
	const uint8_t *items[2] = {address, topic0};
	const size_t lens[2] = {20, 32};

	/* Yellow paper: three 11-bit indexes from the item's keccak-256,
	 * bit i counted from the bloom's last byte. */
	for (size_t k = 0; k < 2 && items[k]; k++) {
		uint8_t h[32];

		keccak256(h, items[k], lens[k]);
		for (int j = 0; j < 6; j += 2) {
			unsigned bit = ((unsigned)h[j] << 8 | h[j + 1]) & 2047;

			if (!(bloom[255 - bit / 8] & (1u << (bit % 8))))
				return 0;
		}
	}
	return 1;
}

static void append_logs(struct task *t, struct rpc_log *logs, size_t n)
{
	if (!n) {
		free(logs);
		return;
	}
	t->logs = xrealloc(t->logs, (t->nlogs + n) * sizeof(*logs));
	memcpy(t->logs + t->nlogs, logs, n * sizeof(*logs));
	t->nlogs += n;
	free(logs); /* the logs' contents now belong to t */
}

/* A refusal that a smaller range would avoid. */
static int is_limit_error(int rc, const char *msg)
{
	static const char *const words[] = {
		"limit",   "too many",	"too large", "range",	    "exceed",
		"results", "timed out", "timeout",   "larger than", "size",
	};

	if (rc != PROV_ERROR && rc != PROV_EIO && rc != PROV_EINVALID)
		return 0;
	if (rc == PROV_EINVALID && !strstr(msg, "larger than"))
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strcasestr(msg, words[i]))
			return 1;
	return 0;
}

/* A range the provider suggests ("... [0x10, 0x2f]"), as a block count. */
static uint64_t suggested_range(const char *msg)
{
	const char *p = strchr(msg, '[');
	unsigned long long a, b;

	while (p) {
		if (sscanf(p, "[0x%llx, 0x%llx]", &a, &b) == 2 && b >= a)
			return (uint64_t)(b - a + 1);
		p = strchr(p + 1, '[');
	}
	return 0;
}

static void shrink(struct fetcher *f, uint64_t to)
{
	pthread_mutex_lock(&f->mu);
	if (to < f->range)
		f->range = to ? to : 1;
	pthread_mutex_unlock(&f->mu);
}

/* The next ranges, from a task of blocks that gave nlogs without a limit
 * error: toward the span that holds LOGS_TARGET logs at that density.
 * Down to it when the task held far more; up to it when far fewer, but at
 * most to 4 times the task's span, since a quiet stretch says little
 * about the blocks after it (and the 8 tasks a worker already queued at
 * the old range would slow a doubling). */
static void adapt(struct fetcher *f, uint64_t blocks, size_t nlogs)
{
	uint64_t fit = nlogs ? blocks * LOGS_TARGET / nlogs : UINT64_MAX;

	pthread_mutex_lock(&f->mu);
	if (nlogs > 2 * LOGS_TARGET) {
		if (fit < f->range)
			f->range = fit ? fit : 1;
	} else if (nlogs < LOGS_TARGET / 2) {
		uint64_t grow = fit < 4 * blocks ? fit : 4 * blocks;

		if (grow > f->cfg.range_max)
			grow = f->cfg.range_max;
		if (grow > f->range)
			f->range = grow;
	}
	pthread_mutex_unlock(&f->mu);
}

/* Logs of [from, to], split on limit errors. */
static int get_range(struct fetcher *f, struct rpc_client *c, struct task *t,
		     uint64_t from, uint64_t to)
{
	const uint8_t(*addr)[20] = (const uint8_t(*)[20])f->cfg.address;
	struct rpc_filter flt = {.address = addr,
				 .naddress = 1,
				 .from_block = from,
				 .to_block = to};
	struct rpc_log *logs;
	size_t n;
	uint64_t span, half;
	int rc;

	flt.topics[0] = f->cfg.topic0;
	rc = rpc_get_logs(&logs, &n, c, &flt);
	if (!rc) {
		append_logs(t, logs, n);
		return 0;
	}
	if (from == to || !is_limit_error(rc, prov_error_last()))
		return rc;
	span = to - from + 1;
	half = suggested_range(prov_error_last());
	if (!half || half >= span)
		half = span / 2;
	t->limited = 1;
	shrink(f, half);
	if ((rc = get_range(f, c, t, from, from + half - 1)))
		return rc;
	return get_range(f, c, t, from + half, to);
}

static int run_block(struct fetcher *f, struct rpc_client *c, struct task *t)
{
	const uint8_t(*addr)[20] = (const uint8_t(*)[20])f->cfg.address;
	struct rpc_filter flt = {.address = addr, .naddress = 1};
	struct rpc_log *logs;
	size_t n;
	int rc;

	if ((rc = rpc_get_block(&t->last, c, t->from)))
		return rc;
	t->first = t->last;
	if (!bloom_may_contain(t->last.logs_bloom, f->cfg.address,
			       f->cfg.topic0))
		return 0;
	flt.block_hash = t->last.hash;
	flt.topics[0] = f->cfg.topic0;
	if ((rc = rpc_get_logs(&logs, &n, c, &flt)))
		return rc;
	append_logs(t, logs, n);
	for (size_t i = 0; i < t->nlogs; i++)
		if (t->logs[i].block_number != t->from)
			return prov_error_set(
				PROV_EINVALID,
				"eth_getLogs: block %llu's hash "
				"gave a log of block %llu",
				(unsigned long long)t->from,
				(unsigned long long)t->logs[i].block_number);
	return 0;
}

static int run_range(struct fetcher *f, struct rpc_client *c, struct task *t)
{
	int rc;

	if ((rc = rpc_get_block(&t->first, c, t->from)) ||
	    (rc = get_range(f, c, t, t->from, t->to)))
		return rc;
	if (t->to == t->from) {
		t->last = t->first;
		return 0;
	}
	return rpc_get_block(&t->last, c, t->to);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void run_task(struct fetcher *f, struct rpc_client *c, struct task *t)
{
	long backoff = 250;

	for (unsigned attempt = 0;; attempt++) {
		rpc_logs_free(t->logs, t->nlogs);
		t->logs = NULL;
		t->nlogs = 0;
		rows_clear(&t->rows);
		t->rc = t->kind == TASK_RANGE ? run_range(f, c, t)
					      : run_block(f, c, t);
		for (size_t i = 0; !t->rc && i < t->nlogs; i++)
			t->rc = rows_add(&t->rows, f->cfg.kind, f->cfg.chain_id,
					 &t->logs[i]);
		/* a block not found is asked again too: a lagging node behind
		 * a load balancer catches up */
		if (!t->rc || attempt >= f->cfg.retries)
			break;
		sleep_ms(backoff > 0 ? (long)randombytes_uniform(
					       (uint32_t)backoff + 1)
				     : 0);
		backoff = backoff * 2 < f->cfg.backoff_cap_ms
				  ? backoff * 2
				  : f->cfg.backoff_cap_ms;
	}
	if (t->rc) {
		snprintf(t->error, sizeof(t->error), "%s", prov_error_last());
		rpc_logs_free(t->logs, t->nlogs);
		t->logs = NULL;
		t->nlogs = 0;
	} else if (t->kind == TASK_RANGE) {
		if (!t->limited)
			adapt(f, t->to - t->from + 1, t->nlogs);
	}
}

struct worker_arg {
	struct fetcher *f;
	struct rpc_client *c;
};

static void *worker(void *arg)
{
	struct fetcher *f = ((struct worker_arg *)arg)->f;
	struct rpc_client *c = ((struct worker_arg *)arg)->c;

	free(arg);
	pthread_mutex_lock(&f->mu);
	for (;;) {
		size_t i, slot = 0;

		for (i = 0; i < f->count; i++) {
			slot = (f->head + i) % f->cap;
			if (f->state[slot] == QUEUED)
				break;
		}
		if (i == f->count) {
			if (f->quit)
				break;
			pthread_cond_wait(&f->work, &f->mu);
			continue;
		}
		f->state[slot] = RUNNING;
		pthread_mutex_unlock(&f->mu);
		run_task(f, c, f->q[slot]);
		pthread_mutex_lock(&f->mu);
		f->state[slot] = DONE;
		pthread_cond_broadcast(&f->done);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

int fetcher_new(struct fetcher **out, const struct fetch_config *cfg)
{
	struct fetcher *f = xcalloc(1, sizeof(*f));
	int rc = 0;

	*out = NULL;
	f->cfg = *cfg;
	if (!f->cfg.workers)
		f->cfg.workers = 1;
	if (!f->cfg.range_max)
		f->cfg.range_max = 1;
	/* small at first: the first 8 tasks a worker are queued before any
	 * reply has taught the density of events, and ranges double fast */
	f->range = f->cfg.range_max < 4 ? f->cfg.range_max : 4;
	f->cap = 8 * (size_t)f->cfg.workers;
	f->q = xcalloc(f->cap, sizeof(*f->q));
	f->state = xcalloc(f->cap, sizeof(*f->state));
	f->clients = xcalloc(f->cfg.workers, sizeof(*f->clients));
	f->threads = xcalloc(f->cfg.workers, sizeof(*f->threads));
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->work, NULL);
	pthread_cond_init(&f->done, NULL);
	for (size_t i = 0; i < f->cfg.workers; i++) {
		if ((rc = rpc_client_new(&f->clients[i], cfg->urls,
					 cfg->nurls)))
			break;
		f->clients[i]->timeout_ms = cfg->timeout_ms;
		f->clients[i]->current = i % cfg->nurls; /* spread the load */
	}
	for (size_t i = 0; !rc && i < f->cfg.workers; i++) {
		struct worker_arg *a = xmalloc(sizeof(*a));

		a->f = f;
		a->c = f->clients[i];
		if (pthread_create(&f->threads[i], NULL, worker, a)) {
			free(a);
			rc = prov_error_set(PROV_ERROR,
					    "cannot start a thread");
			break;
		}
		f->nthreads++;
	}
	if (rc) {
		fetcher_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void fetcher_free(struct fetcher *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->quit = 1;
	pthread_cond_broadcast(&f->work);
	pthread_mutex_unlock(&f->mu);
	for (size_t i = 0; i < f->nthreads; i++)
		pthread_join(f->threads[i], NULL);
	for (size_t i = 0; i < f->count; i++)
		task_free(f->q[(f->head + i) % f->cap]);
	for (size_t i = 0; i < f->cfg.workers; i++)
		if (f->clients[i])
			rpc_client_free(f->clients[i]);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->work);
	pthread_cond_destroy(&f->done);
	free(f->clients);
	free(f->threads);
	free(f->q);
	free(f->state);
	free(f);
}

int fetcher_push(struct fetcher *f, enum task_kind kind, uint64_t from,
		 uint64_t to)
{
	struct task *t;
	size_t slot;

	pthread_mutex_lock(&f->mu);
	if (f->count == f->cap) {
		pthread_mutex_unlock(&f->mu);
		return PROV_ELOCKED;
	}
	t = xcalloc(1, sizeof(*t));
	rows_init(&t->rows);
	t->kind = kind;
	t->from = from;
	t->to = to;
	slot = (f->head + f->count) % f->cap;
	f->q[slot] = t;
	f->state[slot] = QUEUED;
	f->count++;
	pthread_cond_signal(&f->work);
	pthread_mutex_unlock(&f->mu);
	return 0;
}

struct task *fetcher_pop(struct fetcher *f)
{
	struct task *t = NULL;

	pthread_mutex_lock(&f->mu);
	if (f->count) {
		while (f->state[f->head] != DONE)
			pthread_cond_wait(&f->done, &f->mu);
		t = f->q[f->head];
		f->q[f->head] = NULL;
		f->head = (f->head + 1) % f->cap;
		f->count--;
	}
	pthread_mutex_unlock(&f->mu);
	return t;
}

void fetcher_drain(struct fetcher *f)
{
	struct task *t;

	/* what no worker has started is dropped unread */
	pthread_mutex_lock(&f->mu);
	for (size_t i = 0; i < f->count; i++) {
		size_t slot = (f->head + i) % f->cap;

		if (f->state[slot] == QUEUED)
			f->state[slot] = DONE;
	}
	pthread_mutex_unlock(&f->mu);
	while ((t = fetcher_pop(f)))
		task_free(t);
}

int fetcher_ready(struct fetcher *f)
{
	int ready;

	pthread_mutex_lock(&f->mu);
	ready = f->count && f->state[f->head] == DONE;
	pthread_mutex_unlock(&f->mu);
	return ready;
}

uint64_t fetcher_range(const struct fetcher *f)
{
	uint64_t r;

	pthread_mutex_lock((pthread_mutex_t *)&f->mu);
	r = f->range;
	pthread_mutex_unlock((pthread_mutex_t *)&f->mu);
	return r;
}

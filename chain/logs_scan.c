/* eth_getLogs replies read straight from their bytes. A backfill reads
 * replies of tens of megabytes, and building a jansson tree of one (an
 * object, ten strings and an array per log) costs more than everything
 * else the indexer does with it. This reader walks the bytes once and
 * fills the logs in place, but it only takes replies in the plain form
 * nodes send: every string without escapes and in printable ASCII, every
 * member it does not read a string, a small integer, true, false or null.
 * Whatever else it meets it leaves, whole, to rpc_reply_parse and
 * rpc_logs_parse, which then accept or word the error as they always did.
 * So everything it accepts, they accept with the same logs (the fuzz
 * target logs_scan holds it to that). */
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

struct scan {
	const char *p, *end;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				 *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* The next non-blank byte, if it is c, is consumed: 1; else 0. */
static int eat(struct scan *s, char c)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 1;
	}
	return 0;
}

/* A string of printable ASCII without escapes: its bytes in *v, *n. */
static int plain_string(struct scan *s, const char **v, size_t *n)
{
	const char *q;

	if (!eat(s, '"'))
		return 0;
	for (q = s->p; q < s->end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e ||
		    *q == '\\')
			return 0;
	if (q == s->end)
		return 0;
	*v = s->p;
	*n = (size_t)(q - s->p);
	s->p = q + 1;
	return 1;
}

/* A string that must be hex: its closing quote found with memchr, and
 * its bytes left to the hex check, which refuses a backslash, a control
 * byte or anything else a hex digit is not. */
static int hex_string(struct scan *s, const char **v, size_t *n)
{
	const char *q;

	if (!eat(s, '"'))
		return 0;
	if (!(q = memchr(s->p, '"', (size_t)(s->end - s->p))))
		return 0;
	*v = s->p;
	*n = (size_t)(q - s->p);
	s->p = q + 1;
	return 1;
}

/* Digits of a non-negative integer, at most 18 of them, which jansson
 * holds in a json_int_t; a fraction or exponent is not taken. */
static int small_uint(struct scan *s, uint64_t *v)
{
	const char *q;
	uint64_t x = 0;

	for (q = s->p; q < s->end && *q >= '0' && *q <= '9'; q++)
		x = x * 10 + (uint64_t)(*q - '0');
	if (q == s->p || q - s->p > 18 || (*s->p == '0' && q - s->p > 1))
		return 0;
	if (q < s->end && (*q == '.' || *q == 'e' || *q == 'E'))
		return 0;
	s->p = q;
	*v = x;
	return 1;
}

static int literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	skip_ws(s);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return 0;
	s->p += n;
	return 1;
}

/* The value of a member nobody reads. */
static int skip_scalar(struct scan *s)
{
	const char *v;
	size_t n;
	uint64_t x;

	skip_ws(s);
	if (s->p == s->end)
		return 0;
	switch (*s->p) {
	case '"': return plain_string(s, &v, &n);
	case '-': s->p++; return small_uint(s, &x);
	case 't': return literal(s, "true");
	case 'f': return literal(s, "false");
	case 'n': return literal(s, "null");
	default: return small_uint(s, &x);
	}
}

/* An object's next member: first is set until the first one is read. 1
 * with its key in *k, *kn and the ':' consumed; 0 at the closing brace;
 * -1 for anything else. */
static int next_member(struct scan *s, int *first, const char **k, size_t *kn)
{
	if (eat(s, '}'))
		return 0;
	if (!*first && !eat(s, ','))
		return -1;
	*first = 0;
	if (!plain_string(s, k, kn) || !eat(s, ':'))
		return -1;
	return 1;
}

/* An array's next element, as next_member: 1 if one follows, 0 at the
 * closing bracket, -1 otherwise. */
static int next_element(struct scan *s, int *first)
{
	if (eat(s, ']'))
		return 0;
	if (!*first && !eat(s, ','))
		return -1;
	*first = 0;
	return 1;
}

/* Which members an object had, to refuse one twice as the general parse
 * (JSON_REJECT_DUPLICATES) does: known ones by bit, others by name. */
struct members {
	unsigned known;
	const char *other[8];
	size_t other_len[8];
	size_t nother;
};

/* The index of key in names[0..n), or n for another; -1 if it came before
 * (or there are too many others to remember). */
static int member_index(struct members *m, const char *const *names, int n,
			const char *k, size_t kn)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == kn && memcmp(names[i], k, kn) == 0) {
			if (m->known & 1u << i)
				return -1;
			m->known |= 1u << i;
			return i;
		}
	for (size_t i = 0; i < m->nother; i++)
		if (m->other_len[i] == kn && memcmp(m->other[i], k, kn) == 0)
			return -1;
	if (m->nother == 8)
		return -1;
	m->other[m->nother] = k;
	m->other_len[m->nother++] = kn;
	return n;
}

enum {
	L_ADDRESS,
	L_TOPICS,
	L_DATA,
	L_LOG_INDEX,
	L_REMOVED,
	L_BLOCK_NUMBER,
	L_BLOCK_HASH,
	L_TX_HASH,
	L_COUNT
};
static const char *const log_names[L_COUNT] = {
	"address", "topics",	  "data",      "logIndex",
	"removed", "blockNumber", "blockHash", "transactionHash",
};
/* every member but "removed" */
#define L_REQUIRED ((1u << L_COUNT) - 1 - (1u << L_REMOVED))

static int read_topics(struct scan *s, struct rpc_log *l)
{
	uint8_t topics[4][32];
	const char *v;
	size_t n;
	int first = 1, more;

	if (!eat(s, '['))
		return 0;
	while ((more = next_element(s, &first)) == 1) {
		if (l->ntopics == 4 || !hex_string(s, &v, &n) ||
		    rpc_hex_fixed(topics[l->ntopics], 32, v, n, "topic"))
			return 0;
		l->ntopics++;
	}
	if (more < 0)
		return 0;
	l->topics = xcalloc(l->ntopics ? l->ntopics : 1, 32);
	memcpy(l->topics, topics, 32 * l->ntopics);
	return 1;
}

/* One log object into l (zeroed, its data buf_init'ed). */
static int read_log(struct scan *s, struct rpc_log *l)
{
	struct members m = {0};
	const char *k, *v;
	size_t kn, n;
	int first = 1, more;

	if (!eat(s, '{'))
		return 0;
	while ((more = next_member(s, &first, &k, &kn)) == 1) {
		int ok;

		switch (member_index(&m, log_names, L_COUNT, k, kn)) {
		case L_ADDRESS:
			ok = hex_string(s, &v, &n) &&
			     !rpc_hex_fixed(l->address, 20, v, n, "address");
			break;
		case L_TOPICS: ok = read_topics(s, l); break;
		case L_DATA:
			ok = hex_string(s, &v, &n) &&
			     !rpc_hex_data(&l->data, v, n, 0, "data");
			break;
		case L_LOG_INDEX:
			ok = hex_string(s, &v, &n) &&
			     !rpc_hex_u64(&l->log_index, v, n, "logIndex");
			break;
		case L_REMOVED:
			ok = literal(s, "false") ||
			     (literal(s, "true") && (l->removed = 1));
			break;
		case L_BLOCK_NUMBER:
			ok = hex_string(s, &v, &n) &&
			     !rpc_hex_u64(&l->block_number, v, n,
					  "blockNumber");
			break;
		case L_BLOCK_HASH:
			ok = hex_string(s, &v, &n) &&
			     !rpc_hex_fixed(l->block_hash, 32, v, n,
					    "blockHash");
			break;
		case L_TX_HASH:
			ok = hex_string(s, &v, &n) &&
			     !rpc_hex_fixed(l->tx_hash, 32, v, n,
					    "transactionHash");
			break;
		case L_COUNT: ok = skip_scalar(s); break;
		default: ok = 0;
		}
		if (!ok)
			return 0;
	}
	return more == 0 && (m.known & L_REQUIRED) == L_REQUIRED;
}

/* The result array: the logs into *out, *n (owned by the caller even when
 * this fails half way, so it can free them). */
static int read_logs(struct scan *s, struct rpc_log **out, size_t *n)
{
	size_t cap = 0;
	int first = 1, more;

	if (!eat(s, '['))
		return 0;
	while ((more = next_element(s, &first)) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		memset(&(*out)[*n], 0, sizeof(**out));
		buf_init(&(*out)[*n].data, 0);
		(*n)++;
		if (!read_log(s, &(*out)[*n - 1]))
			return 0;
	}
	return more == 0;
}

enum { R_JSONRPC, R_ID, R_RESULT, R_COUNT };
static const char *const reply_names[R_COUNT] = {"jsonrpc", "id", "result"};

int rpc_logs_scan(struct rpc_log **out, size_t *n, const char *reply,
		  size_t len, uint64_t id)
{
	struct scan s = {reply, reply + len};
	struct members m = {0};
	struct rpc_log *logs = NULL;
	size_t nlogs = 0;
	const char *k, *v;
	size_t kn, vn;
	uint64_t got;
	int first = 1, more = -1;

	*out = NULL;
	*n = 0;
	if (len > RPC_REPLY_MAX || !eat(&s, '{'))
		return 0;
	while ((more = next_member(&s, &first, &k, &kn)) == 1) {
		int ok;

		switch (member_index(&m, reply_names, R_COUNT, k, kn)) {
		case R_JSONRPC:
			ok = plain_string(&s, &v, &vn) && vn == 3 &&
			     memcmp(v, "2.0", 3) == 0;
			break;
		case R_ID:
			skip_ws(&s);
			ok = small_uint(&s, &got) && got == id;
			break;
		case R_RESULT: ok = read_logs(&s, &logs, &nlogs); break;
		case R_COUNT:
			/* an "error" member is the general parse's to read */
			ok = !(kn == 5 && memcmp(k, "error", 5) == 0) &&
			     skip_scalar(&s);
			break;
		default: ok = 0;
		}
		if (!ok)
			break;
	}
	skip_ws(&s);
	if (more != 0 || s.p != s.end || m.known != (1u << R_COUNT) - 1) {
		rpc_logs_free(logs, nlogs);
		return 0;
	}
	*out = logs ? logs : xcalloc(1, sizeof(*logs));
	*n = nlogs;
	return 1;
}

/* JSON-RPC: the reply parser and value checks on hostile replies; HTTP
 * behaviour (429 with Retry-After, 500, a server that never answers, an
 * error reply) against a scripted responder thread; and the typed calls
 * against anvil (anvil.h). */
#define _GNU_SOURCE /* strcasestr */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "anvil.h"
#include "unit.h"

/* ---- the pure parser ---- */

static int parse(const char *s, uint64_t id)
{
	json_t *r = NULL;
	int rc = rpc_reply_parse(&r, NULL, NULL, s, strlen(s), id);

	json_decref(r);
	return rc;
}

static void reply_ok(void)
{
	const char *s = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7a69\"}";
	json_t *r;
	uint64_t x;

	CHECK(rpc_reply_parse(&r, NULL, NULL, s, strlen(s), 7) == 0);
	CHECK(rpc_quantity_u64(&x, r, "id") == 0 && x == 31337);
	json_decref(r);
	/* a null result is a result (eth_getTransactionReceipt of a pending
	 * transaction) */
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":null}", 7) == 0);
}

static void reply_error(void)
{
	const char *s =
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32000,"
		"\"message\":\"execution reverted\",\"data\":\"0x\"}}";
	const char *nodata = "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{"
			     "\"code\":-32000,\"message\":\"x\"}}";
	const char *ok = "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x1\"}";
	json_t *r, *d;
	long long code;

	CHECK(rpc_reply_parse(&r, &code, NULL, s, strlen(s), 3) == PROV_ERROR);
	CHECK(r == NULL && code == -32000);
	CHECK(strstr(prov_error_last(),
		     "json-rpc error -32000: execution reverted"));
	/* the error's data comes back as it is, only from an error reply */
	CHECK(rpc_reply_parse(&r, &code, &d, s, strlen(s), 3) == PROV_ERROR);
	CHECK(json_is_string(d) && strcmp(json_string_value(d), "0x") == 0);
	json_decref(d);
	CHECK(rpc_reply_parse(&r, &code, &d, nodata, strlen(nodata), 3) ==
	      PROV_ERROR);
	CHECK(d == NULL && code == -32000);
	CHECK(rpc_reply_parse(&r, &code, &d, ok, strlen(ok), 3) == 0);
	CHECK(d == NULL && code == 0);
	json_decref(r);
	CHECK(rpc_reply_parse(&r, &code, &d, ok, strlen(ok), 4) ==
	      PROV_EINVALID);
	CHECK(d == NULL);
}

static void reply_malformed(void)
{
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":\"0x1\"}", 7) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "id 8, expected 7"));
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"result\":\"0x1\"}",
		    7) == PROV_EINVALID);
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}", 7) ==
	      PROV_EINVALID);
	CHECK(parse("{\"id\":7,\"result\":\"0x1\"}", 7) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "jsonrpc"));
	CHECK(parse("{\"jsonrpc\":\"1.0\",\"id\":7,\"result\":\"0x1\"}", 7) ==
	      PROV_EINVALID);
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\","
		    "\"error\":"
		    "{\"code\":1,\"message\":\"x\"}}",
		    7) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "both"));
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":7}", 7) == PROV_EINVALID);
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":\"1\","
		    "\"message\":\"x\"}}",
		    7) == PROV_EINVALID);
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":\"boom\"}", 7) ==
	      PROV_EINVALID);
	CHECK(parse("[{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"}]", 7) ==
	      PROV_EINVALID);
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"id\":7,\"result\":"
		    "\"0x1\"}",
		    7) == PROV_EINVALID);
	CHECK(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"} x", 7) ==
	      PROV_EINVALID);
	CHECK(parse("", 7) == PROV_EINVALID);
}

static void reply_oversize(void)
{
	size_t n = (size_t)RPC_REPLY_MAX + 1;
	char *big = xmalloc(n);
	json_t *r;

	memset(big, ' ', n);
	memcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"}", 39);
	CHECK(rpc_reply_parse(&r, NULL, NULL, big, n - 1, 7) ==
	      0); /* at the limit */
	json_decref(r);
	CHECK(rpc_reply_parse(&r, NULL, NULL, big, n, 7) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "larger than"));
	free(big);
}

static int q64(const char *s, uint64_t *x)
{
	json_t *v = json_string(s);
	int rc = rpc_quantity_u64(x, v, "q");

	json_decref(v);
	return rc;
}

static void quantities(void)
{
	uint8_t w[32];
	uint64_t x;
	json_t *v;

	CHECK(q64("0x0", &x) == 0 && x == 0);
	CHECK(q64("0x400", &x) == 0 && x == 1024);
	CHECK(q64("0xffffffffffffffff", &x) == 0 && x == UINT64_MAX);
	CHECK(q64("0x10000000000000000", &x) == PROV_EINVALID);
	CHECK(q64("0x", &x) == PROV_EINVALID);
	CHECK(q64("0x0400", &x) == PROV_EINVALID); /* leading zero */
	CHECK(strstr(prov_error_last(), "leading zeros"));
	CHECK(q64("0x00", &x) == PROV_EINVALID);
	CHECK(q64("400", &x) == PROV_EINVALID);
	CHECK(q64("0X400", &x) == PROV_EINVALID);
	CHECK(q64("0xFF", &x) == PROV_EINVALID);
	CHECK(q64("0xfg", &x) == PROV_EINVALID);
	CHECK(q64("-0x1", &x) == PROV_EINVALID);
	v = json_integer(5);
	CHECK(rpc_quantity_u64(&x, v, "q") == PROV_EINVALID);
	json_decref(v);
	CHECK(rpc_quantity_u64(&x, NULL, "q") == PROV_EINVALID);
	v = json_string("0x21e19e0c9bab2400000");
	CHECK(rpc_quantity_u256(w, v, "q") == 0);
	CHECK(w[21] == 0 && w[22] == 0x02 && w[23] == 0x1e && w[31] == 0x00);
	json_decref(v);
	v = json_string("0x1fffffffffffffffffffffffffffffffffffffffffffffffffff"
			"fffffffffffff");
	CHECK(rpc_quantity_u256(w, v, "q") == PROV_EINVALID); /* 65 digits */
	json_decref(v);
}

static void data_values(void)
{
	struct buf b = BUF_INIT;
	uint8_t h[4];
	json_t *v;

	v = json_string("0x");
	CHECK(rpc_data(&b, v, 0, "d") == 0 && b.len == 0);
	json_decref(v);
	v = json_string("0xdeadbeef");
	CHECK(rpc_data(&b, v, 0, "d") == 0 && b.len == 4);
	CHECK(rpc_data(&b, v, 3, "d") == PROV_EINVALID);
	CHECK(rpc_data_fixed(h, 4, v, "d") == 0 && h[0] == 0xde);
	CHECK(rpc_data_fixed(h, 3, v, "d") == PROV_EINVALID);
	json_decref(v);
	v = json_string("0xabc");
	CHECK(rpc_data(&b, v, 0, "d") == PROV_EINVALID);
	json_decref(v);
	v = json_string("0xDEAD");
	CHECK(rpc_data(&b, v, 0, "d") == PROV_EINVALID);
	json_decref(v);
	buf_release(&b);
}

#define H32  "0x1111111111111111111111111111111111111111111111111111111111111111"
#define B32  "0x2222222222222222222222222222222222222222222222222222222222222222"
#define T32  "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
#define ADDR "0x5fbdb2315678afecb367f032d93f642f64180aa3"

static int receipt(const char *log, struct rpc_receipt **out)
{
	char *s = xasprintf(
		"{\"transactionHash\":\"" H32 "\",\"blockHash\":\"" B32
		"\",\"blockNumber\":\"0x2a\",\"gasUsed\":\"0x5208\","
		"\"status\":\"0x1\",\"contractAddress\":null,"
		"\"logs\":[%s]}",
		log);
	json_t *v;
	int rc;

	*out = NULL;
	if (json_parse(&v, s, strlen(s), "receipt"))
		abort();
	rc = rpc_receipt_parse(out, v);
	json_decref(v);
	free(s);
	return rc;
}

static void receipts(void)
{
	struct rpc_receipt *r;

	CHECK(receipt("{\"address\":\"" ADDR "\",\"topics\":[\"" T32 "\"],"
		      "\"data\":\"0x01\",\"logIndex\":\"0x0\",\"blockHash\":"
		      "\"" B32 "\",\"removed\":false}",
		      &r) == 0);
	CHECK(r->block_number == 42 && r->gas_used == 21000 && r->status == 1);
	CHECK(r->nlogs == 1 && r->logs[0].ntopics == 1 &&
	      r->logs[0].data.len == 1);
	CHECK(r->logs[0].topics[0][0] == 0xdd && r->logs[0].address[0] == 0x5f);
	/* a log in a receipt is where its receipt is */
	CHECK(r->logs[0].block_number == 42 &&
	      r->logs[0].block_hash[0] == 0x22 &&
	      r->logs[0].tx_hash[31] == 0x11);
	rpc_receipt_free(r);
	CHECK(receipt("{\"address\":\"" ADDR "\",\"topics\":[],\"data\":\"0x\","
		      "\"logIndex\":\"0x0\",\"blockNumber\":\"0x2b\"}",
		      &r) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "blockNumber differs"));
	CHECK(receipt("{\"address\":\"" ADDR "\",\"topics\":[],\"data\":\"0x\","
		      "\"logIndex\":\"0x0\",\"transactionHash\":\"" B32 "\"}",
		      &r) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "transactionHash differs"));
	/* a 31-byte topic, five topics, a log from another block, a bad
	 * logIndex, a missing address */
	CHECK(receipt("{\"address\":\"" ADDR "\",\"topics\":[\"0x11\"],"
		      "\"data\":\"0x\",\"logIndex\":\"0x0\"}",
		      &r) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "topic"));
	CHECK(receipt("{\"address\":\"" ADDR "\",\"topics\":[\"" T32 "\",\"" T32
		      "\",\"" T32 "\",\"" T32 "\",\"" T32 "\"],"
		      "\"data\":\"0x\",\"logIndex\":\"0x0\"}",
		      &r) == PROV_EINVALID);
	CHECK(receipt("{\"address\":\"" ADDR "\",\"topics\":[],\"data\":\"0x\","
		      "\"logIndex\":\"0x0\",\"blockHash\":\"" H32 "\"}",
		      &r) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "blockHash differs"));
	CHECK(receipt("{\"address\":\"" ADDR "\",\"topics\":[],\"data\":\"0x\","
		      "\"logIndex\":\"0x00\"}",
		      &r) == PROV_EINVALID);
	CHECK(receipt("{\"topics\":[],\"data\":\"0x\",\"logIndex\":\"0x0\"}",
		      &r) == PROV_EINVALID);
	CHECK(r == NULL);
}

/* ---- HTTP behaviour, against a scripted responder ---- */

struct reply {
	const char *head; /* status line and headers; NULL: never answer */
	const char *body; /* a format with one %llu for the request's id */
};
struct responder {
	int fd;
	int port;
	const struct reply *script;
	size_t n;
	size_t served;
	pthread_t th;
};

/* Reads one request: headers, then Content-Length bytes of body. */
static int read_request(int c, char *req, size_t cap)
{
	size_t n = 0;
	char *hend;

	for (;;) {
		ssize_t k = read(c, req + n, cap - 1 - n);

		if (k <= 0)
			return -1;
		n += (size_t)k;
		req[n] = 0;
		if ((hend = strstr(req, "\r\n\r\n"))) {
			char *cl = strcasestr(req, "content-length:");
			size_t want = cl ? strtoul(cl + 15, NULL, 10) : 0;

			if ((size_t)(hend + 4 - req) + want <= n)
				return 0;
		}
		if (n + 1 >= cap)
			return -1;
	}
}

static void *serve(void *arg)
{
	struct responder *r = arg;
	char req[8192], buf[8192];

	while (r->served < r->n) {
		int c = accept(r->fd, NULL, NULL);

		if (c < 0)
			break;
		/* a kept-alive connection carries several requests */
		while (r->served < r->n &&
		       read_request(c, req, sizeof(req)) == 0) {
			const struct reply *p = &r->script[r->served++];
			char *id = strstr(req, "\"id\":");
			unsigned long long idv =
				id ? strtoull(id + 5, NULL, 10) : 0;

			if (!p->head) {
				while (read(c, buf, sizeof(buf)) > 0)
					; /* until the client gives up */
				break;
			}
			/* the body with the request's id where it says %llu */
			char body[4096];
			const char *at = strstr(p->body, "%llu");
			int bl = at ? snprintf(body, sizeof(body), "%.*s%llu%s",
					       (int)(at - p->body), p->body,
					       idv, at + 4)
				    : snprintf(body, sizeof(body), "%s",
					       p->body);
			int hl = strcasestr(p->head, "content-length:")
					 ? snprintf(buf, sizeof(buf),
						    "%s\r\n%s", p->head, body)
					 : snprintf(buf, sizeof(buf),
						    "%sContent-Type: "
						    "application/json\r\n"
						    "Content-Length: "
						    "%d\r\n\r\n%s",
						    p->head, bl, body);
			if (write(c, buf, (size_t)hl) != hl)
				break;
		}
		close(c);
	}
	return NULL;
}

static void responder_start(struct responder *r, const struct reply *script,
			    size_t n)
{
	memset(r, 0, sizeof(*r));
	r->fd = bind_local(&r->port);
	r->script = script;
	r->n = n;
	if (listen(r->fd, 8) || pthread_create(&r->th, NULL, serve, r))
		abort();
}

static void responder_stop(struct responder *r)
{
	shutdown(r->fd, SHUT_RDWR);
	pthread_join(r->th, NULL);
	close(r->fd);
}

static struct rpc_client *client_for(const char *const *urls, size_t n)
{
	struct rpc_client *c;

	if (rpc_client_new(&c, urls, n))
		abort();
	c->backoff_ms = 1;
	c->backoff_cap_ms = 20; /* Retry-After: 1 is honoured up to this */
	c->connect_timeout_ms = 2000;
	c->timeout_ms = 5000;
	return c;
}

#define OK200 "HTTP/1.1 200 OK\r\n"

/* One typed call (rpc_chain_id, rpc_block_number) against a responder
 * playing script, at path, with attempts tries (0: the client's default)
 * and a total timeout (0: client_for's); how many replies it served in
 * *served. The call's result code, with its message still current. */
static int scripted(const struct reply *script, size_t n, const char *path,
		    int attempts, long timeout_ms,
		    int (*call)(uint64_t *, struct rpc_client *), uint64_t *out,
		    size_t *served)
{
	struct responder r;
	struct rpc_client *c;
	char url[64];
	const char *urls[] = {url};
	int rc;

	responder_start(&r, script, n);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", r.port, path);
	c = client_for(urls, 1);
	if (attempts)
		c->attempts = attempts;
	if (timeout_ms)
		c->timeout_ms = timeout_ms;
	rc = call(out, c);
	rpc_client_free(c);
	responder_stop(&r);
	*served = r.served;
	return rc;
}

static void http_retries(void)
{
	static const struct reply script[] = {
		/* providers send a JSON-RPC error with their 429: still a
		 * reason to wait and retry, not the answer */
		{"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n",
		 "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"error\":{\"code\":-32005,"
		 "\"message\":\"rate limited\"}}"},
		{"HTTP/1.1 503 Service Unavailable\r\n", "busy"},
		{OK200,
		 "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"result\":\"0x7a69\"}"},
	};
	uint64_t id = 0;
	size_t served;

	CHECK(scripted(script, 3, "/", 0, 0, rpc_chain_id, &id, &served) == 0);
	CHECK(id == 31337 && served == 3);
}

static void http_gives_up(void)
{
	static const struct reply script[] = {
		{"HTTP/1.1 500 Internal Server Error\r\n", "oops"},
		{"HTTP/1.1 500 Internal Server Error\r\n", "oops"},
	};
	uint64_t id = 0;
	size_t served;

	CHECK(scripted(script, 2, "/secret-key", 2, 0, rpc_chain_id, &id,
		       &served) == PROV_EIO);
	CHECK(strstr(prov_error_last(),
		     "rpc eth_chainId at http://127.0.0.1:"));
	CHECK(strstr(prov_error_last(), "HTTP status 500"));
	CHECK(!strstr(prov_error_last(), "secret-key")); /* path not shown */
	CHECK(served == 2);
}

/* A JSON-RPC error is an answer: returned, not retried, not a result. */
static void http_error_reply(void)
{
	static const struct reply script[] = {
		{OK200,
		 "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"error\":{\"code\":-32005,"
		 "\"message\":\"limit exceeded\"}}"},
		{OK200, "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"result\":\"0x1\"}"},
	};
	uint64_t n = 0;
	size_t served;

	CHECK(scripted(script, 2, "/", 0, 0, rpc_block_number, &n, &served) ==
	      PROV_ERROR);
	CHECK(strstr(prov_error_last(),
		     "json-rpc error -32005: limit exceeded"));
	CHECK(served == 1);
}

/* A result of the wrong shape is refused by the typed call. */
static void http_bad_result(void)
{
	static const struct reply script[] = {
		{OK200,
		 "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"result\":\"0x07a69\"}"},
	};
	uint64_t n = 0;
	size_t served;

	CHECK(scripted(script, 1, "/", 0, 0, rpc_chain_id, &n, &served) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "not a hex quantity"));
}

/* A reply announcing more than RPC_REPLY_MAX bytes is cut off. */
static void http_oversize(void)
{
	static const struct reply script[] = {
		{OK200 "Content-Length: 67108865\r\n", "{\"jsonrpc\":\"2.0\""},
	};
	uint64_t n = 0;
	size_t served;

	CHECK(scripted(script, 1, "/", 1, 0, rpc_chain_id, &n, &served) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "reply larger than 67108864 bytes"));
}

static void http_hangs(void)
{
	static const struct reply script[] = {{NULL, NULL}};
	uint64_t n = 0;
	size_t served;

	CHECK(scripted(script, 1, "/", 1, 300, rpc_chain_id, &n, &served) ==
	      PROV_EIO);
	CHECK(strstr(prov_error_last(), "timed out"));
}

/* A client for a responder playing script, one request per call; the
 * test ends with responder_done. */
static struct rpc_client *responder_client(struct responder *r,
					   const struct reply *script, size_t n)
{
	struct rpc_client *c;
	char url[64];
	const char *urls[] = {url};

	responder_start(r, script, n);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", r->port);
	c = client_for(urls, 1);
	c->attempts = 1;
	return c;
}

static size_t responder_done(struct responder *r, struct rpc_client *c)
{
	rpc_client_free(c);
	responder_stop(r);
	return r->served;
}

#define RES(x) "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"result\":" x "}"

/* Revert data as nodes give it: a string (anvil, geth), nested in an
 * object, or something else that is no revert data; it lasts until the
 * next call. */
static void http_revert_data(void)
{
	static const struct reply script[] = {
		{OK200,
		 "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"error\":{\"code\":3,"
		 "\"message\":\"execution reverted\",\"data\":{"
		 "\"message\":\"x\",\"data\":\"0xdeadbeef\"}}}"},
		{OK200, "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"error\":{\"code\":"
			"-32015,\"message\":\"VM execution error.\",\"data\":"
			"\"Reverted 0x\"}}"},
		{OK200, RES("\"0x5208\"")},
	};
	struct responder r;
	struct rpc_client *c = responder_client(&r, script, 3);
	struct buf b = BUF_INIT;
	uint8_t from[20] = {1}, to[20] = {2};
	uint64_t gas = 1;

	CHECK(rpc_estimate_gas(&gas, c, from, to, NULL, 0, NULL) == PROV_ERROR);
	CHECK(gas == 0 && c->error_code == 3);
	CHECK(strstr(prov_error_last(),
		     "rpc eth_estimateGas at http://127.0.0.1:"));
	CHECK(strstr(prov_error_last(),
		     "json-rpc error 3: execution reverted"));
	CHECK(rpc_error_data(&b, c) == 0);
	CHECK(b.len == 4 && memcmp(b.ptr, "\xde\xad\xbe\xef", 4) == 0);
	CHECK(rpc_estimate_gas(&gas, c, from, to, NULL, 0, NULL) == PROV_ERROR);
	CHECK(c->error_code == -32015 && json_is_string(c->error_data));
	CHECK(rpc_error_data(&b, c) == PROV_ENOTFOUND && b.len == 4);
	CHECK(rpc_estimate_gas(&gas, c, from, to, NULL, 0, NULL) == 0);
	CHECK(gas == 21000 && c->error_code == 0 && c->error_data == NULL);
	CHECK(rpc_error_data(&b, c) == PROV_ENOTFOUND && b.len == 4);
	CHECK(responder_done(&r, c) == 3);
	buf_release(&b);
}

#define BLOCK(num, hash)                                                       \
	RES("{\"number\":\"" num                                               \
	    "\",\"timestamp\":\"0x6b0384c0\",\"hash\":\"" hash                 \
	    "\",\"parentHash\":\"" H32 "\"}")

static void http_blocks(void)
{
	static const struct reply script[] = {
		{OK200, BLOCK("0x5", B32)},
		{OK200, BLOCK("0x5", "0x2222222222222222222222222222222222"
				     "2222222222222222222222222222")},
		{OK200, BLOCK("0x6", B32)},
		{OK200, RES("null")},
		{OK200, RES("null")},
		{OK200, RES("[]")},
	};
	struct responder r;
	struct rpc_client *c = responder_client(&r, script, 6);
	struct rpc_block blk;

	CHECK(rpc_get_block(&blk, c, 5) == 0);
	CHECK(blk.number == 5 && blk.timestamp == 0x6b0384c0);
	CHECK(blk.hash[0] == 0x22 && blk.hash[31] == 0x22 &&
	      blk.parent_hash[0] == 0x11);
	/* a hash of 31 bytes */
	CHECK(rpc_get_block(&blk, c, 5) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(),
		     "eth_getBlockByNumber: hash: 31 bytes, expected 32"));
	CHECK(blk.number == 0);
	/* another block than the one asked for */
	CHECK(rpc_get_block(&blk, c, 5) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(),
		     "block 6 in reply to a request for block 5"));
	CHECK(rpc_get_block(&blk, c, 5) == PROV_ENOTFOUND);
	CHECK(strstr(prov_error_last(), "no block 5"));
	/* there is always a latest block */
	CHECK(rpc_get_block_latest(&blk, c) == PROV_EINVALID);
	CHECK(rpc_get_block_latest(&blk, c) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "not an object"));
	CHECK(responder_done(&r, c) == 6);
}

#define TX(hash, bn, bh)                                                       \
	RES("{\"hash\":\"" hash "\",\"from\":\"" ADDR "\",\"nonce\":\"0x3\","  \
	    "\"blockNumber\":" bn ",\"blockHash\":" bh "}")

static void http_transactions(void)
{
	static const struct reply script[] = {
		{OK200, TX(H32, "\"0x2a\"", "\"" B32 "\"")},
		{OK200, TX(H32, "null", "null")},
		{OK200, TX(H32, "\"0x2a\"", "null")},
		{OK200, TX(B32, "null", "null")},
		{OK200, RES("null")},
	};
	struct responder r;
	struct rpc_client *c = responder_client(&r, script, 5);
	struct rpc_tx_info t;
	uint8_t h[32];

	memset(h, 0x11, 32);
	CHECK(rpc_get_transaction(&t, c, h) == 0);
	CHECK(t.mined == 1 && t.block_number == 42 && t.nonce == 3);
	CHECK(t.block_hash[0] == 0x22 && t.from[0] == 0x5f);
	/* pending */
	CHECK(rpc_get_transaction(&t, c, h) == 0);
	CHECK(t.mined == 0 && t.block_number == 0 && t.nonce == 3);
	CHECK(rpc_get_transaction(&t, c, h) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "one without the other"));
	/* the reply is about another transaction */
	CHECK(rpc_get_transaction(&t, c, h) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "hash: another transaction's"));
	CHECK(rpc_get_transaction(&t, c, h) == PROV_ENOTFOUND && !t.mined);
	CHECK(responder_done(&r, c) == 5);
}

#define LOG(num, addr, topic, more)                                            \
	"{\"address\":\"" addr "\",\"topics\":[\"" topic "\"],\"data\":"       \
	"\"0x0102\",\"blockNumber\":\"" num "\",\"blockHash\":\"" B32 "\","    \
	"\"logIndex\":\"0x1\",\"removed\":false" more "}"
#define TXH ",\"transactionHash\":\"" H32 "\""

/* eth_getLogs: only the logs asked for are believed. */
static void http_logs(void)
{
	static const struct reply script[] = {
		{OK200, RES("[" LOG("0x5", ADDR, T32,
				    TXH) "," LOG("0x6", ADDR, T32, TXH) "]")},
		{OK200, RES("[" LOG("0x5", ADDR, T32,
				    TXH) "," LOG("0x7", ADDR, T32, TXH) "]")},
		{OK200, RES("[" LOG("0x4", ADDR, T32, TXH) "]")},
		{OK200,
		 RES("[" LOG("0x5",
			     "0x4242424242424242424242424242424242424242", T32,
			     TXH) "]")},
		{OK200, RES("[" LOG("0x5", ADDR, H32, TXH) "]")},
		{OK200, RES("[" LOG("0x5", ADDR, T32, "") "]")},
		{OK200, RES("null")},
	};
	struct responder r;
	struct rpc_client *c = responder_client(&r, script, 7);
	uint8_t addr[1][20], topic[32];
	struct rpc_filter f = {.address = (const uint8_t(*)[20])addr,
			       .naddress = 1,
			       .from_block = 5,
			       .to_block = 6};
	struct rpc_log *logs = NULL;
	size_t n = 9;

	CHECK(hex_decode(addr[0], 20, ADDR + 2, 40) == 0);
	CHECK(hex_decode(topic, 32, T32 + 2, 64) == 0);
	f.topics[0] = topic;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 2);
	CHECK(logs[0].block_number == 5 && logs[1].block_number == 6);
	CHECK(logs[0].block_hash[0] == 0x22 && logs[0].tx_hash[0] == 0x11);
	CHECK(logs[1].ntopics == 1 &&
	      memcmp(logs[1].topics[0], topic, 32) == 0);
	CHECK(logs[1].data.len == 2 && logs[1].log_index == 1 &&
	      !logs[1].removed);
	rpc_logs_free(logs, n);
	/* outside the range, on either side */
	CHECK(rpc_get_logs(&logs, &n, c, &f) == PROV_EINVALID);
	CHECK(!logs && n == 0);
	CHECK(strstr(prov_error_last(),
		     "eth_getLogs: log 1: block 7 outside the requested 5..6"));
	CHECK(rpc_get_logs(&logs, &n, c, &f) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "block 4 outside"));
	CHECK(rpc_get_logs(&logs, &n, c, &f) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "address not among those requested"));
	CHECK(rpc_get_logs(&logs, &n, c, &f) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "topic 0 does not match the filter"));
	CHECK(rpc_get_logs(&logs, &n, c, &f) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "transactionHash: missing"));
	CHECK(rpc_get_logs(&logs, &n, c, &f) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "not an array of logs"));
	/* a backwards range is refused before asking */
	f.from_block = 7;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "from block 7 after to block 6"));
	CHECK(responder_done(&r, c) == 7);
}

static void closed_port_url(char *url, size_t cap)
{
	int port, fd = bind_local(&port);

	close(fd); /* nothing listens there now */
	snprintf(url, cap, "http://127.0.0.1:%d", port);
}

static void unreachable(void)
{
	struct rpc_client *c;
	char url[64];
	const char *urls[] = {url};
	uint64_t n = 0;
	int rc;

	closed_port_url(url, sizeof(url));
	c = client_for(urls, 1);
	c->attempts = 2;
	rc = rpc_chain_id(&n, c);
	rpc_client_free(c);
	CHECK(rc == PROV_EIO);
	CHECK(strstr(prov_error_last(), url));
	CHECK(strstr(prov_error_last(), "connect"));
}

static void bad_urls(void)
{
	struct rpc_client *c;
	const char *urls[] = {"http://127.0.0.1:1", "file:///etc/passwd"};

	CHECK(rpc_client_new(&c, urls, 2) == PROV_EINVALID);
	CHECK(rpc_client_new(&c, urls, 0) == PROV_EINVALID);
}

/* ---- anvil ---- */

static void anvil_basics(void)
{
	struct rpc_client *c = anvil_client();
	uint8_t bal[32], nobody[20];
	char hex[65];
	struct buf b = BUF_INIT;
	uint64_t x = 1;

	CHECK(rpc_chain_id(&x, c) == 0 && x == 31337);
	CHECK(rpc_block_number(&x, c) == 0 && x == 0);
	/* 10000 ETH = 10^22 wei = 0x21e19e0c9bab2400000 */
	CHECK(rpc_get_balance(bal, c, DEV0, NULL) == 0);
	hex_encode(hex, bal, 32);
	CHECK_STR(hex, "00000000000000000000000000000000000000000000021e19e0c9b"
		       "ab2400000");
	CHECK(rpc_get_transaction_count(&x, c, DEV0, "latest") == 0 && x == 0);
	/* an account without code, and a call to it */
	CHECK(rpc_get_code(&b, c, DEV0, NULL) == 0 && b.len == 0);
	memset(nobody, 0x42, 20);
	CHECK(rpc_eth_call(&b, c, nobody, (const uint8_t *)"\xa9\x05\x9c\xbb",
			   4, NULL) == 0 &&
	      b.len == 0);
	buf_release(&b);
	rpc_client_free(c);
}

/* The contract creation that logs in anvil_receipts, for anvil_more. */
static uint8_t log_contract[20], log_tx[32], log_block[32];
static uint64_t log_gas;

/* A transaction and a contract creation that logs, sent through anvil's
 * unlocked dev account; their receipts checked field by field. */
static void anvil_receipts(void)
{
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct rpc_fees fees;
	uint8_t hash[32], topic[32];
	char init[200], topic_hex[65];
	json_t *res = NULL;
	uint64_t x;

	CHECK(rpc_call(&res, c, "eth_sendTransaction",
		       json_pack("[{s:s,s:s,s:s}]", "from",
				 "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
				 "to",
				 "0x4242424242424242424242424242424242424242",
				 "value", "0x1")) == 0);
	CHECK(rpc_data_fixed(hash, 32, res, "hash") == 0);
	json_decref(res);
	CHECK(anvil_wait_receipt(&r, c, hash) == 0);
	CHECK(r->status == 1 && r->block_number == 1 && r->gas_used == 21000);
	CHECK(r->nlogs == 0 && !r->has_contract);
	CHECK(memcmp(r->tx_hash, hash, 32) == 0);
	rpc_receipt_free(r);
	r = NULL;
	/* init code: LOG1(0, 0, topic); STOP */
	abi_topic(topic, "Transfer(address,address,uint256)");
	hex_encode(topic_hex, topic, 32);
	snprintf(init, sizeof(init), "0x7f%s60006000a100", topic_hex);
	CHECK(rpc_call(&res, c, "eth_sendTransaction",
		       json_pack("[{s:s,s:s}]", "from",
				 "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
				 "data", init)) == 0);
	CHECK(rpc_data_fixed(hash, 32, res, "hash") == 0);
	json_decref(res);
	CHECK(anvil_wait_receipt(&r, c, hash) == 0);
	CHECK(r->status == 1 && r->block_number == 2 && r->has_contract);
	CHECK(r->nlogs == 1 && r->logs[0].ntopics == 1);
	CHECK(memcmp(r->logs[0].topics[0], topic, 32) == 0);
	CHECK(memcmp(r->logs[0].address, r->contract_address, 20) == 0);
	CHECK(r->logs[0].data.len == 0 && r->logs[0].log_index == 0);
	CHECK(r->logs[0].block_number == 2 &&
	      memcmp(r->logs[0].block_hash, r->block_hash, 32) == 0 &&
	      memcmp(r->logs[0].tx_hash, hash, 32) == 0);
	memcpy(log_contract, r->contract_address, 20);
	memcpy(log_tx, hash, 32);
	memcpy(log_block, r->block_hash, 32);
	log_gas = r->gas_used;
	rpc_receipt_free(r);
	r = NULL;
	CHECK(rpc_get_transaction_count(&x, c, DEV0, NULL) == 0 && x == 2);
	/* an unknown transaction has no receipt */
	memset(hash, 0x77, 32);
	CHECK(rpc_get_transaction_receipt(&r, c, hash) == PROV_ENOTFOUND && !r);
	/* a raw transaction that is not one: the node's error comes back */
	CHECK(rpc_send_raw_transaction(hash, c, (const uint8_t *)"\x01\x02",
				       2) == PROV_ERROR);
	CHECK(strstr(prov_error_last(), "json-rpc error"));
	CHECK(rpc_fee_history(&fees, c, 2, 50.0) == 0);
	CHECK(fees.oldest_block == 1 && fees.base_fee_next > 0);
	CHECK(rpc_max_priority_fee(&x, c) == 0 && x > 0);
	rpc_client_free(c);
}

/* A transaction prov signs itself (tx_sign with dev account 0's well-known
 * key) is one anvil accepts, mines and attributes to that account: the
 * round trip that matters for anchoring. Runs after anvil_receipts (nonce
 * 2). */
static void anvil_signed_tx(void)
{
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct chain_key *k = NULL;
	struct tx tx, back;
	struct buf raw = BUF_INIT;
	uint8_t from[20], before[32], after[32], want[32];

	tx_init(&tx);
	tx_init(&back);
	CHECK(anvil_dev0_key(&k) == 0);
	CHECK(memcmp(k->addr, DEV0, 20) == 0);
	tx.gas_limit = 21000;
	memset(tx.to, 0x43, 20);
	u256_from_u64(tx.value, 123456789);
	CHECK(rpc_get_balance(before, c, tx.to, NULL) == 0);
	/* signed and sent with the nonce and fees from anvil; the node's
	 * hash is ours */
	CHECK(anvil_send_tx(&r, &raw, c, &tx) == 0);
	/* what was signed decodes back to its signer */
	CHECK(tx_decode(&back, from, (const uint8_t *)raw.ptr, raw.len) == 0);
	CHECK(memcmp(from, DEV0, 20) == 0);
	CHECK(r && r->status == 1 && r->gas_used == 21000);
	CHECK(rpc_get_balance(after, c, tx.to, NULL) == 0);
	u256_from_u64(want, 123456789);
	CHECK(memcmp(before, (uint8_t[32]){0}, 32) == 0 &&
	      memcmp(after, want, 32) == 0);
	rpc_receipt_free(r);
	buf_release(&raw);
	tx_release(&tx);
	tx_release(&back);
	chain_key_free(k);
	rpc_client_free(c);
}

/* Sends a contract creation from dev account 0 and waits for it. */
static int anvil_create(struct rpc_receipt **r, uint8_t hash[32],
			struct rpc_client *c, const char *init)
{
	json_t *res = NULL;
	int rc;

	*r = NULL;
	rc = rpc_call(&res, c, "eth_sendTransaction",
		      json_pack("[{s:s,s:s}]", "from",
				"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
				"data", init));
	if (rc == 0 && (rc = rpc_data_fixed(hash, 32, res, "hash")) == 0)
		rc = anvil_wait_receipt(r, c, hash);
	json_decref(res);
	return rc;
}

/* Runtime code that reverts with 0xdeadbeef (PUSH4 deadbeef, PUSH1 0,
 * MSTORE, REVERT(28, 4)), behind init code that returns it (PUSH1 13,
 * DUP1, PUSH1 11, PUSH1 0, CODECOPY, PUSH1 0, RETURN). */
#define REVERTER                                                               \
	"0x600d80600b6000396000f3"                                             \
	"63deadbeef6000526004601cfd"

/* Gas estimates and revert data, then blocks and transactions, against
 * anvil after anvil_receipts and anvil_signed_tx (blocks 1..3). */
static void anvil_estimates(void)
{
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct buf b = BUF_INIT, init = BUF_INIT;
	uint8_t to[20], value[32], hash[32];
	uint64_t gas = 0;

	/* a plain transfer */
	memset(to, 0x42, 20);
	u256_from_u64(value, 1);
	CHECK(rpc_estimate_gas(&gas, c, DEV0, to, NULL, 0, value) == 0);
	CHECK(gas == 21000);
	CHECK(rpc_error_data(&b, c) == PROV_ENOTFOUND);
	/* the logging creation of anvil_receipts needs what it used */
	abi_topic(hash, "Transfer(address,address,uint256)");
	CHECK(buf_put(&init, "\x7f", 1) == 0 && buf_put(&init, hash, 32) == 0 &&
	      buf_put(&init, "\x60\x00\x60\x00\xa1\x00", 6) == 0);
	CHECK(rpc_estimate_gas(&gas, c, DEV0, NULL, (const uint8_t *)init.ptr,
			       init.len, NULL) == 0);
	CHECK(gas == log_gas && gas > 53000);
	/* a call that reverts with data: PROV_ERROR, and the data */
	CHECK(anvil_create(&r, hash, c, REVERTER) == 0);
	CHECK(r->status == 1 && r->has_contract);
	memcpy(to, r->contract_address, 20);
	CHECK(rpc_estimate_gas(&gas, c, DEV0, to, (const uint8_t *)"\x01", 1,
			       NULL) == PROV_ERROR);
	CHECK(gas == 0 && strstr(prov_error_last(), "execution reverted"));
	CHECK(c->error_code == 3); /* anvil 1.7.1: {"code":3,"data":"0x.."} */
	CHECK(rpc_error_data(&b, c) == 0);
	CHECK(b.len == 4 && memcmp(b.ptr, "\xde\xad\xbe\xef", 4) == 0);
	/* eth_call reverts the same way */
	buf_clear(&b);
	CHECK(rpc_eth_call(&b, c, to, NULL, 0, NULL) == PROV_ERROR);
	CHECK(b.len == 0 && rpc_error_data(&b, c) == 0 && b.len == 4);
	/* a creation reverting without data: no bytes, but revert data */
	buf_clear(&b);
	CHECK(rpc_estimate_gas(&gas, c, DEV0, NULL,
			       (const uint8_t *)"\x60\x00\x60\x00\xfd", 5,
			       NULL) == PROV_ERROR);
	CHECK(rpc_error_data(&b, c) == 0 && b.len == 0);
	/* the next call forgets the error */
	CHECK(rpc_block_number(&gas, c) == 0 && gas == 4);
	CHECK(c->error_code == 0 && rpc_error_data(&b, c) == PROV_ENOTFOUND);
	rpc_receipt_free(r);
	buf_release(&b);
	buf_release(&init);
	rpc_client_free(c);
}

static void anvil_blocks(void)
{
	struct rpc_client *c = anvil_client();
	struct rpc_block genesis, latest, prev, same;
	struct rpc_tx_info t;
	uint8_t zero[32] = {0}, unknown[32];
	uint64_t head = 0;

	CHECK(rpc_get_block(&genesis, c, 0) == 0);
	CHECK(genesis.number == 0 && genesis.timestamp > 0);
	CHECK(memcmp(genesis.parent_hash, zero, 32) == 0);
	CHECK(memcmp(genesis.hash, zero, 32) != 0);
	CHECK(rpc_block_number(&head, c) == 0 && head >= 4);
	CHECK(rpc_get_block_latest(&latest, c) == 0 && latest.number == head);
	CHECK(rpc_get_block(&prev, c, head - 1) == 0);
	CHECK(memcmp(latest.parent_hash, prev.hash, 32) == 0);
	CHECK(prev.timestamp <= latest.timestamp);
	CHECK(rpc_get_block(&same, c, head) == 0);
	CHECK(memcmp(same.hash, latest.hash, 32) == 0);
	CHECK(rpc_get_block(&same, c, head + 1) == PROV_ENOTFOUND);
	CHECK(rpc_get_block(&same, c, 2) == 0);
	CHECK(memcmp(same.hash, log_block, 32) == 0);
	/* the logging creation: nonce 1 of dev account 0, in block 2 */
	CHECK(rpc_get_transaction(&t, c, log_tx) == 0);
	CHECK(t.mined && t.nonce == 1 && t.block_number == 2);
	CHECK(memcmp(t.from, DEV0, 20) == 0);
	CHECK(memcmp(t.block_hash, log_block, 32) == 0);
	memset(unknown, 0x77, 32);
	CHECK(rpc_get_transaction(&t, c, unknown) == PROV_ENOTFOUND);
	CHECK(!t.mined);
	rpc_client_free(c);
}

/* eth_getLogs finds anvil_receipts' log and one more, with two topics,
 * made here; filters by range, address and topics. */
static void anvil_logs(void)
{
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct rpc_filter f = {0};
	struct rpc_log *logs = NULL;
	uint8_t transfer[32], second[32], other[32], hash[32], addrs[2][20];
	char init[300], t0[65], t1[65];
	size_t n = 0;

	abi_topic(transfer, "Transfer(address,address,uint256)");
	memset(second, 0x5a, 32);
	hex_encode(t0, transfer, 32);
	hex_encode(t1, second, 32);
	/* LOG2(0, 0, transfer, second); STOP */
	snprintf(init, sizeof(init), "0x7f%s7f%s60006000a200", t1, t0);
	CHECK(anvil_create(&r, hash, c, init) == 0);
	CHECK(r->status == 1 && r->nlogs == 1 && r->logs[0].ntopics == 2);
	memcpy(addrs[0], log_contract, 20);
	memcpy(addrs[1], r->contract_address, 20);
	f.from_block = 0;
	f.to_block = r->block_number;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 2);
	CHECK(memcmp(logs[0].address, log_contract, 20) == 0);
	CHECK(logs[0].block_number == 2 && logs[0].ntopics == 1);
	CHECK(memcmp(logs[0].topics[0], transfer, 32) == 0);
	CHECK(memcmp(logs[0].block_hash, log_block, 32) == 0);
	CHECK(memcmp(logs[0].tx_hash, log_tx, 32) == 0);
	CHECK(memcmp(logs[1].address, addrs[1], 20) == 0);
	CHECK(logs[1].block_number == r->block_number && logs[1].ntopics == 2);
	CHECK(memcmp(logs[1].topics[1], second, 32) == 0);
	CHECK(memcmp(logs[1].block_hash, r->block_hash, 32) == 0);
	CHECK(memcmp(logs[1].tx_hash, hash, 32) == 0 && !logs[1].removed);
	rpc_logs_free(logs, n);
	logs = NULL;
	/* topic 0 matches both; topic 1 only the second */
	f.topics[0] = transfer;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 2);
	rpc_logs_free(logs, n);
	f.topics[0] = NULL;
	f.topics[1] = second;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 1);
	CHECK(memcmp(logs[0].tx_hash, hash, 32) == 0);
	rpc_logs_free(logs, n);
	memset(other, 0x5b, 32);
	f.topics[1] = other;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 0);
	rpc_logs_free(logs, n);
	/* by address: the first contract only, or both */
	f.topics[1] = NULL;
	f.address = (const uint8_t(*)[20])addrs;
	f.naddress = 1;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 1);
	CHECK(logs[0].block_number == 2);
	rpc_logs_free(logs, n);
	f.naddress = 2;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 2);
	rpc_logs_free(logs, n);
	/* blocks before and after block 2 */
	f.to_block = 1;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 0);
	rpc_logs_free(logs, n);
	f.from_block = 3;
	f.to_block = r->block_number;
	f.naddress = 0;
	CHECK(rpc_get_logs(&logs, &n, c, &f) == 0 && n == 1);
	CHECK(memcmp(logs[0].address, addrs[1], 20) == 0);
	rpc_logs_free(logs, n);
	rpc_receipt_free(r);
	rpc_client_free(c);
}

static void failover(void)
{
	char dead[64];
	const char *urls[] = {dead, anvil_url()};
	struct rpc_client *c;
	uint64_t id = 0;

	closed_port_url(dead, sizeof(dead));
	c = client_for(urls, 2);
	c->attempts = 2;
	CHECK(rpc_chain_id(&id, c) == 0 && id == 31337);
	CHECK(c->current == 1); /* and it stays on the live one */
	rpc_client_free(c);
}

int main(void)
{
	if (core_init())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	RUN(reply_ok);
	RUN(reply_error);
	RUN(reply_malformed);
	RUN(reply_oversize);
	RUN(quantities);
	RUN(data_values);
	RUN(receipts);
	RUN(http_retries);
	RUN(http_gives_up);
	RUN(http_error_reply);
	RUN(http_bad_result);
	RUN(http_oversize);
	RUN(http_hangs);
	RUN(http_revert_data);
	RUN(http_blocks);
	RUN(http_transactions);
	RUN(http_logs);
	RUN(unreachable);
	RUN(bad_urls);
	if (anvil_start()) {
		printf("not ok - tests/unit/chain_rpc.c: anvil started\n");
		return 1;
	}
	RUN(anvil_basics);
	RUN(anvil_receipts);
	RUN(anvil_signed_tx);
	RUN(anvil_estimates);
	RUN(anvil_blocks);
	RUN(anvil_logs);
	RUN(failover);
	anvil_stop();
	return unit_done();
}

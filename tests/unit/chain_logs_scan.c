/* The fast reader of eth_getLogs replies (chain/logs_scan.c): it takes
 * the replies nodes send, with the same logs the general parse gives, and
 * leaves every unusual one to that parse, which accepts or refuses it as
 * before. */
#include <stdlib.h>

#include "chain/chain.h"
#include "unit.h"

#define ADDR "0x5fbdb2315678afecb367f032d93f642f64180aa3"
#define H(c)                                                                   \
	"0x" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define TOPIC0                                                                 \
	"0x4d330bdfb45dd53a3fbc717594c52bf33cb42676fed59b78b81bb74618c0e1e7"

/* One log as anvil 1.7 writes it, with the members prov does not read
 * (blockTimestamp, transactionIndex). */
/* clang-format off */
#define LOG(number, index)                                                   \
	"{\"address\":\"" ADDR "\",\"topics\":[\"" TOPIC0 "\",\"" H("01")      \
	"\"],\"data\":\"0x0102\",\"blockHash\":\"" H("ab") "\","             \
	"\"blockNumber\":\"" number "\",\"blockTimestamp\":\"0x6b03a824\","   \
	"\"transactionHash\":\"" H("cd") "\",\"transactionIndex\":\"0x0\","   \
	"\"logIndex\":\"" index "\",\"removed\":false}"
/* clang-format on */
#define REPLY(result) "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" result "}"

static int same_log(const struct rpc_log *a, const struct rpc_log *b)
{
	return memcmp(a->address, b->address, 20) == 0 &&
	       a->ntopics == b->ntopics &&
	       memcmp(a->topics, b->topics, 32 * a->ntopics) == 0 &&
	       a->data.len == b->data.len &&
	       memcmp(a->data.ptr, b->data.ptr, a->data.len) == 0 &&
	       a->log_index == b->log_index && a->removed == b->removed &&
	       a->block_number == b->block_number &&
	       memcmp(a->block_hash, b->block_hash, 32) == 0 &&
	       memcmp(a->tx_hash, b->tx_hash, 32) == 0;
}

/* The general parse of s: 0 with its logs, or its error. */
static int slow(struct rpc_log **out, size_t *n, const char *s)
{
	json_t *res = NULL;
	int rc = rpc_reply_parse(&res, NULL, NULL, s, strlen(s), 1);

	*out = NULL;
	*n = 0;
	if (rc == 0)
		rc = rpc_logs_parse(out, n, res);
	json_decref(res);
	return rc;
}

/* 1 if the fast reader takes s, with the logs the general parse gives
 * (which must then take it too); 0 if it declines, leaving nothing. */
static int taken(const char *s)
{
	struct rpc_log *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int ok;

	if (!rpc_logs_scan(&a, &na, s, strlen(s), 1))
		return a || na ? -1 : 0;
	ok = slow(&b, &nb, s) == 0 && na == nb;
	for (size_t i = 0; ok && i < na; i++)
		ok = same_log(&a[i], &b[i]);
	rpc_logs_free(a, na);
	rpc_logs_free(b, nb);
	return ok ? 1 : -1;
}

static void anvil_reply(void)
{
	const char *s = REPLY("[" LOG("0x3", "0x0") "," LOG("0x3", "0x1") "]");
	struct rpc_log *l;
	size_t n;

	CHECK(taken(s) == 1);
	CHECK(rpc_logs_scan(&l, &n, s, strlen(s), 1) == 1 && n == 2);
	CHECK(l[1].block_number == 3 && l[1].log_index == 1 &&
	      l[1].ntopics == 2 && l[1].topics[1][31] == 0x01 &&
	      l[1].data.len == 2 && l[1].data.ptr[1] == 2 &&
	      l[1].block_hash[0] == 0xab && l[1].tx_hash[31] == 0xcd &&
	      l[1].address[0] == 0x5f && !l[1].removed);
	rpc_logs_free(l, n);
	/* an empty result, blanks anywhere JSON allows them, members in any
	 * order, a removed log (which the caller refuses, not the reader) */
	CHECK(taken(REPLY("[]")) == 1);
	CHECK(taken(" {\n\t\"result\" : [ ] , "
		    "\"id\":1,\"jsonrpc\":\"2.0\"}\r\n") == 1);
	CHECK(rpc_logs_scan(&l, &n, REPLY("[]"), strlen(REPLY("[]")), 1) == 1);
	CHECK(l != NULL && n == 0);
	rpc_logs_free(l, n);
	s = REPLY(
		"[{\"removed\":true,\"logIndex\":\"0x0\",\"topics\":[],"
		"\"data\":\"0x\",\"address\":\"" ADDR "\",\"blockNumber\":"
		"\"0x1\",\"blockHash\":\"" H("00") "\",\"transactionHash\":"
						   "\"" H("00") "\",\"x\":null,"
								"\"y\":-12,"
								"\"z\":true}]");
	CHECK(taken(s) == 1);
	CHECK(rpc_logs_scan(&l, &n, s, strlen(s), 1) == 1 && l[0].removed);
	rpc_logs_free(l, n);
}

/* What the fast reader leaves to the general parse, and what that parse
 * then makes of it: the same logs where it is valid JSON-RPC, its own
 * error where not. */
static void declined(void)
{
	/* clang-format off */
	static const struct {
		const char *reply;
		int valid; /* the general parse takes it */
	} cases[] = {
		/* escapes and non-ASCII bytes, valid JSON */
		{REPLY("[{\"address\":\"0x5fbdb2315678afecb367f032d93f642f64"
		       "180\\u0061a3\",\"topics\":[],\"data\":\"0x\","
		       "\"logIndex\":\"0x0\",\"blockNumber\":\"0x1\","
		       "\"blockHash\":\"" H("00") "\",\"transactionHash\":\""
		       H("00") "\"}]"), 1},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"n\\u00e9\":1}", 1},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"n\xc3\xa9\":1}", 1},
		/* members nobody reads that are not plain scalars */
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":{}}", 1},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":[1]}", 1},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":1.5}", 1},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":1e3}", 1},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":"
		 "1234567890123456789}", 1},
		/* not JSON, or JSON the general parse refuses */
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":"
		 "123456789012345678901234567890}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":- 1}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":01}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":tru}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[,]}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]} x", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"id\":1}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"x\":1,\"x\":2}", 0},
		/* JSON, but not the reply expected */
		{"{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[]}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":01,\"result\":[]}", 0},
		{"{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":[]}", 0},
		{"{\"id\":1,\"result\":[]}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,"
		 "\"message\":\"query returned more than 10000 results\"}}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[],\"error\":null}", 0},
		/* logs the general parse refuses */
		{REPLY("[{}]"), 0},
		{REPLY("[" LOG("0x03", "0x0") "]"), 0},
		{REPLY("[" LOG("0x3", "0xA") "]"), 0},
		{REPLY("[{\"address\":\"" ADDR "\",\"address\":\"" ADDR "\"}]"), 0},
		{REPLY("[{\"removed\":null,\"logIndex\":\"0x0\",\"topics\":[],"
		       "\"data\":\"0x\",\"address\":\"" ADDR "\",\"blockNumber"
		       "\":\"0x1\",\"blockHash\":\"" H("00") "\",\"transaction"
		       "Hash\":\"" H("00") "\"}]"), 0},
		{REPLY("[{\"logIndex\":\"0x0\",\"topics\":[\"" H("00") "\",\""
		       H("00") "\",\"" H("00") "\",\"" H("00") "\",\"" H("00")
		       "\"],\"data\":\"0x\",\"address\":\"" ADDR "\",\"block"
		       "Number\":\"0x1\",\"blockHash\":\"" H("00") "\",\"trans"
		       "actionHash\":\"" H("00") "\"}]"), 0},
		{REPLY("[{\"logIndex\":\"0x0\",\"topics\":[],\"data\":\"0x\","
		       "\"address\":\"" ADDR "\",\"blockNumber\":null,"
		       "\"blockHash\":\"" H("00") "\",\"transactionHash\":\""
		       H("00") "\"}]"), 0},
		{REPLY("[{\"logIndex\":\"0x0\",\"topics\":[],\"data\":\"0x\","
		       "\"address\":\"" ADDR "\",\"blockNumber\":\"0x1\","
		       "\"blockHash\":\"" H("00") "\"}]"), 0},
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].reply;
		struct rpc_log *l;
		size_t n;
		int rc;

		if (taken(s) != 0) {
			fprintf(stderr, "case %zu: %s\n", i, s);
			CHECK(!"declined");
		}
		rc = slow(&l, &n, s);
		rpc_logs_free(l, n);
		if ((rc == 0) != cases[i].valid) {
			fprintf(stderr, "case %zu: %s: %s\n", i, s,
				prov_error_last());
			CHECK(!"the general parse as expected");
		}
	}
}

/* No proper prefix of a reply is a reply; none is taken, none read past
 * its end (ASan watches the copy). */
static void prefixes(void)
{
	const char *s = REPLY("[" LOG("0x3", "0x0") "," LOG("0x3", "0x1") "]");
	size_t len = strlen(s);

	for (size_t k = 0; k < len; k++) {
		char *p = xmalloc(k ? k : 1);
		struct rpc_log *l;
		size_t n;

		memcpy(p, s, k);
		CHECK(rpc_logs_scan(&l, &n, p, k, 1) == 0 && !l && !n);
		free(p);
	}
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(anvil_reply);
	RUN(declined);
	RUN(prefixes);
	return unit_done();
}

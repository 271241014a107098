/* A JSON-RPC 2.0 client for Ethereum nodes over libcurl. Nodes and the
 * load balancers in front of them fail, stall, rate-limit and sometimes
 * answer nonsense, so every call has timeouts, retries with capped
 * backoff and full jitter across endpoints, and every reply is checked
 * field by field before anyone believes it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "chain/chain.h"

/* ---- replies ---------------------------------------------------------- */

int rpc_reply_parse(json_t **result, long long *code, json_t **err_data,
		    const char *data, size_t n, uint64_t id)
{
	char show[SHOW_SIZE];
	json_t *v = NULL, *jv, *jid, *res, *err;
	int rc;

	*result = NULL;
	if (code)
		*code = 0;
	if (err_data)
		*err_data = NULL;
	if (n > RPC_REPLY_MAX)
		return prov_error_set(PROV_EINVALID,
				      "json-rpc reply larger than %u bytes",
				      RPC_REPLY_MAX);
	if ((rc = json_parse(&v, data, n, "json-rpc reply")))
		return rc;
	rc = PROV_EINVALID;
	if (!json_is_object(v)) {
		prov_error_set(rc, "json-rpc reply is not an object");
		goto done;
	}
	jv = json_object_get(v, "jsonrpc");
	if (!json_is_string(jv) || strcmp(json_string_value(jv), "2.0") ||
	    json_string_length(jv) != 3) {
		prov_error_set(rc,
			       "json-rpc reply without \"jsonrpc\": \"2.0\"");
		goto done;
	}
	jid = json_object_get(v, "id");
	if (!json_is_integer(jid) || json_integer_value(jid) < 0 ||
	    (uint64_t)json_integer_value(jid) != id) {
		if (json_is_integer(jid))
			prov_error_set(rc,
				       "json-rpc reply to another request "
				       "(id %lld, expected %llu)",
				       (long long)json_integer_value(jid),
				       (unsigned long long)id);
		else
			prov_error_set(rc,
				       "json-rpc reply without an integer "
				       "\"id\" (expected %llu)",
				       (unsigned long long)id);
		goto done;
	}
	res = json_object_get(v, "result");
	err = json_object_get(v, "error");
	if (!res == !err) {
		prov_error_set(rc,
			       "json-rpc reply with %s \"result\" and "
			       "\"error\"",
			       res ? "both" : "neither");
		goto done;
	}
	if (err) {
		json_t *jc = json_object_get(err, "code");
		json_t *jm = json_object_get(err, "message");

		if (!json_is_object(err) || !json_is_integer(jc) ||
		    !json_is_string(jm)) {
			prov_error_set(rc, "json-rpc reply with a malformed "
					   "\"error\" (code and message "
					   "expected)");
			goto done;
		}
		if (code)
			*code = (long long)json_integer_value(jc);
		if (err_data)
			*err_data = json_incref(json_object_get(err, "data"));
		rc = prov_error_set(PROV_ERROR, "json-rpc error %lld: %s",
				    (long long)json_integer_value(jc),
				    prov_show(show, json_string_value(jm),
					      json_string_length(jm)));
		goto done;
	}
	*result = json_incref(res);
	rc = 0;
done:
	json_decref(v);
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* the spec writes hex in lower case */
}

/* The digits of a quantity: "0x0" or "0x" and 1..64 digits, no leading 0. */
static int quantity_str(const char **digits, size_t *nd, const char *s,
			size_t n, const char *what)
{
	char show[SHOW_SIZE];

	if (n < 3 || n > 66 || s[0] != '0' || s[1] != 'x' ||
	    (s[2] == '0' && n != 3))
		goto bad;
	for (size_t i = 2; i < n; i++)
		if (hexval(s[i]) < 0)
			goto bad;
	*digits = s + 2;
	*nd = n - 2;
	return 0;
bad:
	return prov_error_set(PROV_EINVALID,
			      "%s: \"%s\" is not a hex quantity (0x, lower "
			      "case, no leading zeros)",
			      what, prov_show(show, s, n));
}

/* 0 if v is a string, else PROV_EINVALID: "WHAT: missing, expected ..." */
static int need_string(const json_t *v, const char *what, const char *expected)
{
	if (json_is_string(v))
		return 0;
	return prov_error_set(PROV_EINVALID, "%s: %s, expected %s", what,
			      v ? "not a string" : "missing", expected);
}

static int quantity_digits(const char **digits, size_t *nd, const json_t *v,
			   const char *what)
{
	if (need_string(v, what, "a hex quantity"))
		return PROV_EINVALID;
	return quantity_str(digits, nd, json_string_value(v),
			    json_string_length(v), what);
}

int rpc_quantity_u256(uint8_t out[32], const json_t *v, const char *what)
{
	const char *d;
	size_t nd;
	int rc;

	memset(out, 0, 32);
	if ((rc = quantity_digits(&d, &nd, v, what)))
		return rc;
	for (size_t i = 0; i < nd; i++) {
		size_t pos = nd - 1 - i; /* nibble index from the right */
		int x = hexval(d[i]);

		out[31 - pos / 2] |= (uint8_t)(pos % 2 ? x << 4 : x);
	}
	return 0;
}

int rpc_hex_u64(uint64_t *out, const char *s, size_t n, const char *what)
{
	const char *d;
	size_t nd;
	uint64_t x = 0;
	int rc;

	*out = 0;
	if ((rc = quantity_str(&d, &nd, s, n, what)))
		return rc;
	if (nd > 16)
		return prov_error_set(PROV_EINVALID,
				      "%s: quantity larger than 64 bits", what);
	for (size_t i = 0; i < nd; i++)
		x = x << 4 | (uint64_t)hexval(d[i]);
	*out = x;
	return 0;
}

int rpc_quantity_u64(uint64_t *out, const json_t *v, const char *what)
{
	*out = 0;
	if (need_string(v, what, "a hex quantity"))
		return PROV_EINVALID;
	return rpc_hex_u64(out, json_string_value(v), json_string_length(v),
			   what);
}

static int data_str(const char **digits, size_t *nbytes, const char *s,
		    size_t n, size_t max, const char *what)
{
	char show[SHOW_SIZE];

	if (n < 2 || s[0] != '0' || s[1] != 'x' || n % 2)
		goto bad;
	for (size_t i = 2; i < n; i++)
		if (hexval(s[i]) < 0)
			goto bad;
	if ((n - 2) / 2 > max)
		return prov_error_set(PROV_EINVALID,
				      "%s: %zu bytes, more than %zu", what,
				      (n - 2) / 2, max);
	*digits = s + 2;
	*nbytes = (n - 2) / 2;
	return 0;
bad:
	return prov_error_set(PROV_EINVALID,
			      "%s: \"%s\" is not hex data (0x, lower case, "
			      "whole bytes)",
			      what, prov_show(show, s, n));
}

/* "0x" and the hex digits of nbytes bytes, decoded into out in one pass
 * (replies carry megabytes of them): -1 at the first byte that is not a
 * lower-case hex digit, out then half written. */
static int unhex(uint8_t *out, const char *s, size_t n, size_t nbytes)
{
	if (n != 2 + 2 * nbytes || s[0] != '0' || s[1] != 'x')
		return -1;
	s += 2;
	for (size_t i = 0; i < nbytes; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The error for s, as data_str words it (its checks fail where unhex's
 * did, or on the size). */
static int hex_error(const char *s, size_t n, size_t max, const char *what)
{
	const char *d;
	size_t nb;
	int rc = data_str(&d, &nb, s, n, max, what);

	return rc ? rc
		  : prov_error_set(PROV_EINVALID, "%s: %zu bytes, expected %zu",
				   what, nb, max);
}

int rpc_hex_data(struct buf *out, const char *s, size_t n, size_t max,
		 const char *what)
{
	size_t nb = n >= 2 ? (n - 2) / 2 : 0;
	int rc;

	if (!max)
		max = RPC_REPLY_MAX;
	if (nb > max)
		return hex_error(s, n, max, what);
	if ((rc = buf_grow(out, nb)))
		return rc;
	if (unhex((uint8_t *)out->ptr + out->len, s, n, nb)) {
		out->ptr[out->len] = 0; /* (unhex may have written over it) */
		return hex_error(s, n, max, what);
	}
	out->len += nb;
	out->ptr[out->len] = 0;
	return 0;
}

int rpc_data(struct buf *out, const json_t *v, size_t max, const char *what)
{
	if (need_string(v, what, "hex data"))
		return PROV_EINVALID;
	return rpc_hex_data(out, json_string_value(v), json_string_length(v),
			    max, what);
}

int rpc_hex_fixed(uint8_t *out, size_t len, const char *s, size_t n,
		  const char *what)
{
	if (unhex(out, s, n, len) == 0)
		return 0;
	return hex_error(s, n, len, what);
}

int rpc_data_fixed(uint8_t *out, size_t n, const json_t *v, const char *what)
{
	if (need_string(v, what, "hex data"))
		return PROV_EINVALID;
	return rpc_hex_fixed(out, n, json_string_value(v),
			     json_string_length(v), what);
}

/* ---- receipts ---------------------------------------------------------- */

static void log_release(struct rpc_log *l)
{
	free(l->topics);
	l->topics = NULL;
	buf_release(&l->data);
}

void rpc_receipt_free(struct rpc_receipt *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nlogs; i++)
		log_release(&r->logs[i]);
	free(r->logs);
	free(r);
}

/* A log's place (blockNumber, blockHash, transactionHash). From
 * eth_getLogs (r NULL) each is required; in a receipt each may be left out
 * or null, but one that names another block or transaction than its
 * receipt is a node mixing up replies, and the receipt's are kept. */
static int log_place(struct rpc_log *l, const json_t *v,
		     const struct rpc_receipt *r)
{
	static const char *const names[] = {"blockHash", "transactionHash"};
	uint8_t *hashes[] = {l->block_hash, l->tx_hash};
	const uint8_t *theirs[] = {r ? r->block_hash : NULL,
				   r ? r->tx_hash : NULL};
	json_t *x = json_object_get(v, "blockNumber");
	int rc;

	if (x && !json_is_null(x)) {
		if ((rc = rpc_quantity_u64(&l->block_number, x, "blockNumber")))
			return rc;
		if (r && l->block_number != r->block_number)
			return prov_error_set(PROV_EINVALID,
					      "blockNumber differs from the "
					      "receipt's");
	} else if (!r) {
		return prov_error_set(PROV_EINVALID, "blockNumber: missing");
	}
	for (size_t k = 0; k < 2; k++) {
		x = json_object_get(v, names[k]);
		if (x && !json_is_null(x)) {
			if ((rc = rpc_data_fixed(hashes[k], 32, x, names[k])))
				return rc;
			if (r && memcmp(hashes[k], theirs[k], 32))
				return prov_error_set(PROV_EINVALID,
						      "%s differs from the "
						      "receipt's",
						      names[k]);
		} else if (!r) {
			return prov_error_set(PROV_EINVALID, "%s: missing",
					      names[k]);
		}
	}
	if (r) {
		l->block_number = r->block_number;
		memcpy(l->block_hash, r->block_hash, 32);
		memcpy(l->tx_hash, r->tx_hash, 32);
	}
	return 0;
}

/* One log object into l (whose data was buf_init'ed); what names it in
 * messages. */
static int parse_log(struct rpc_log *l, const json_t *v, const char *what,
		     const struct rpc_receipt *r)
{
	json_t *topics, *x;
	int rc;

	if (!json_is_object(v))
		return prov_error_set(PROV_EINVALID, "%s: not an object", what);
	if ((rc = rpc_data_fixed(l->address, 20, json_object_get(v, "address"),
				 "log address")))
		goto bad;
	topics = json_object_get(v, "topics");
	if (!json_is_array(topics) || json_array_size(topics) > 4) {
		rc = prov_error_set(PROV_EINVALID,
				    "topics: not an array of at most 4");
		goto bad;
	}
	l->ntopics = json_array_size(topics);
	l->topics = xcalloc(l->ntopics ? l->ntopics : 1, 32);
	for (size_t k = 0; k < l->ntopics; k++)
		if ((rc = rpc_data_fixed(l->topics[k], 32,
					 json_array_get(topics, k), "topic")))
			goto bad;
	if ((rc = rpc_data(&l->data, json_object_get(v, "data"), 0, "data")) ||
	    (rc = rpc_quantity_u64(&l->log_index,
				   json_object_get(v, "logIndex"), "logIndex")))
		goto bad;
	if ((x = json_object_get(v, "removed"))) {
		if (!json_is_boolean(x)) {
			rc = prov_error_set(PROV_EINVALID,
					    "removed: not a boolean");
			goto bad;
		}
		l->removed = json_is_true(x);
	}
	if ((rc = log_place(l, v, r)))
		goto bad;
	return 0;
bad:
	return prov_error_wrap("%s", what);
}

int rpc_receipt_parse(struct rpc_receipt **out, const json_t *v)
{
	struct rpc_receipt *r = xcalloc(1, sizeof(*r));
	json_t *logs, *x;
	uint64_t status;
	int rc;

	*out = NULL;
	if (!json_is_object(v)) {
		rc = prov_error_set(PROV_EINVALID, "not an object");
		goto done;
	}
	if ((rc = rpc_data_fixed(r->tx_hash, 32,
				 json_object_get(v, "transactionHash"),
				 "transactionHash")) ||
	    (rc = rpc_data_fixed(r->block_hash, 32,
				 json_object_get(v, "blockHash"),
				 "blockHash")) ||
	    (rc = rpc_quantity_u64(&r->block_number,
				   json_object_get(v, "blockNumber"),
				   "blockNumber")) ||
	    (rc = rpc_quantity_u64(&r->gas_used, json_object_get(v, "gasUsed"),
				   "gasUsed")) ||
	    (rc = rpc_quantity_u64(&status, json_object_get(v, "status"),
				   "status")))
		goto done;
	if (status > 1) {
		rc = prov_error_set(PROV_EINVALID,
				    "status: %llu, expected 0 "
				    "or 1",
				    (unsigned long long)status);
		goto done;
	}
	r->status = (int)status;
	if ((x = json_object_get(v, "effectiveGasPrice")) &&
	    (rc = rpc_quantity_u64(&r->effective_gas_price, x,
				   "effectiveGasPrice")))
		goto done;
	if ((x = json_object_get(v, "contractAddress")) && !json_is_null(x)) {
		if ((rc = rpc_data_fixed(r->contract_address, 20, x,
					 "contractAddress")))
			goto done;
		r->has_contract = 1;
	}
	logs = json_object_get(v, "logs");
	if (!json_is_array(logs)) {
		rc = prov_error_set(PROV_EINVALID, "logs: not an array");
		goto done;
	}
	r->logs = xcalloc(json_array_size(logs) ? json_array_size(logs) : 1,
			  sizeof(*r->logs));
	for (size_t i = 0; i < json_array_size(logs); i++) {
		char what[64];

		snprintf(what, sizeof(what), "receipt log %zu", i);
		buf_init(&r->logs[i].data, 0);
		r->nlogs = i + 1;
		if ((rc = parse_log(&r->logs[i], json_array_get(logs, i), what,
				    r)))
			goto done;
	}
	*out = r;
	r = NULL;
done:
	rpc_receipt_free(r);
	if (rc)
		prov_error_wrap("transaction receipt");
	return rc;
}

/* ---- transport --------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_global_rc;

static void curl_setup(void)
{
	curl_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* scheme://host[:port] of url, without user info, path or query: an
 * endpoint's path often holds an API key, and messages end up in logs. */
static void url_show(char *out, size_t cap, const char *url)
{
	const char *p = strstr(url, "://");
	const char *h, *e, *at;
	size_t n;

	if (!p) {
		snprintf(out, cap, "endpoint");
		return;
	}
	h = p + 3;
	e = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(e - h));
	if (at)
		h = at + 1;
	n = (size_t)(p + 3 - url);
	snprintf(out, cap, "%.*s%.*s", (int)n, url, (int)(e - h), h);
}

int rpc_client_new(struct rpc_client **out, const char *const *urls, size_t n)
{
	struct rpc_client *c;

	*out = NULL;
	if (n == 0)
		return prov_error_set(PROV_EINVALID, "no rpc endpoint");
	for (size_t i = 0; i < n; i++)
		if (strncmp(urls[i], "http://", 7) &&
		    strncmp(urls[i], "https://", 8)) {
			char show[SHOW_SIZE];

			return prov_error_set(
				PROV_EINVALID,
				"rpc endpoint \"%s\": not an http(s) URL",
				prov_show(show, urls[i], strlen(urls[i])));
		}
	pthread_once(&curl_once, curl_setup);
	if (curl_global_rc != CURLE_OK)
		return prov_error_set(PROV_ERROR, "libcurl: %s",
				      curl_easy_strerror(curl_global_rc));
	c = xcalloc(1, sizeof(*c));
	c->urls = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		c->urls[i] = xstrdup(urls[i]);
	c->nurls = n;
	c->connect_timeout_ms = 5000;
	c->timeout_ms = 30000;
	c->attempts = 4;
	c->backoff_ms = 250;
	c->backoff_cap_ms = 10000;
	c->next_id = 1;
	*out = c;
	return 0;
}

void rpc_client_free(struct rpc_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	json_decref(c->error_data);
	for (size_t i = 0; i < c->nurls; i++)
		free(c->urls[i]);
	free(c->urls);
	free(c);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct buf *b = ud;

	/* size is 1 by libcurl's contract; a failed put stops the transfer */
	if (buf_put(b, p, size * nmemb))
		return 0;
	return size * nmemb;
}

enum { TRY_DONE, TRY_RETRY };

/* A reader of one method's replies straight from their bytes, tried
 * before the general parse: 1 if it took the reply (a result, every field
 * valid), 0 to leave it to rpc_reply_parse, which also words the errors. */
struct fast_reader {
	int (*read)(void *ctx, const char *reply, size_t n, uint64_t id);
	void *ctx;
};

/* One request to one endpoint. TRY_DONE with *rc final, or TRY_RETRY with
 * *rc and a message for the failure and *retry_after_ms (-1: none). An
 * error reply (TRY_DONE, PROV_ERROR) leaves its code and data in c. */
static int attempt(json_t **result, int *rc, long *retry_after_ms,
		   struct rpc_client *c, const char *url, const char *body,
		   uint64_t id, const struct fast_reader *fast)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct buf reply;
	struct curl_slist *hdr = NULL;
	CURL *h = c->curl;
	CURLcode cc;
	long status = 0;
	curl_off_t ra = -1;
	int ret = TRY_RETRY;

	*retry_after_ms = -1;
	buf_init(&reply, RPC_REPLY_MAX);
	if (!h) {
		if (!(h = c->curl = curl_easy_init())) {
			*rc = prov_error_set(PROV_ERROR, "libcurl: no handle");
			return TRY_DONE;
		}
	}
	curl_easy_reset(h);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)RPC_REPLY_MAX);
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		if ((cc == CURLE_WRITE_ERROR ||
		     cc == CURLE_FILESIZE_EXCEEDED)) {
			/* final: the same request would be as large again (an
			 * eth_getLogs caller splits its range instead) */
			*rc = prov_error_set(PROV_EINVALID,
					     "reply larger than %u bytes",
					     RPC_REPLY_MAX);
			ret = TRY_DONE;
		} else
			*rc = prov_error_set(
				PROV_EIO, "%s",
				errbuf[0] ? errbuf : curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status == 429 || status >= 500) {
		curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra);
		if (ra >= 0)
			*retry_after_ms =
				ra > 1000000 ? 1000000000L : (long)ra * 1000;
		*rc = prov_error_set(PROV_EIO, "HTTP status %ld", status);
		goto done;
	}
	if (fast && status == 200 &&
	    fast->read(fast->ctx, reply.ptr, reply.len, id)) {
		*rc = 0;
		ret = TRY_DONE;
		goto done;
	}
	*rc = rpc_reply_parse(result, &c->error_code, &c->error_data, reply.ptr,
			      reply.len, id);
	if (*rc == 0 || *rc == PROV_ERROR) {
		ret = TRY_DONE; /* an answer, if an error one */
		goto done;
	}
	if (status != 200)
		*rc = prov_error_set(PROV_EIO, "HTTP status %ld", status);
done:
	curl_slist_free_all(hdr);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	buf_release(&reply);
	return ret;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* rpc_call, with a fast reader of the reply (NULL: none); *result is
 * NULL when the fast reader took it. */
static int call(json_t **result, struct rpc_client *c, const char *method,
		json_t *params, const struct fast_reader *fast)
{
	char where[256];
	json_t *req;
	char *body = NULL;
	uint64_t id = c->next_id++;
	int rc = PROV_EIO;
	unsigned n = c->attempts ? c->attempts : 1;

	*result = NULL;
	json_decref(c->error_data);
	c->error_data = NULL;
	c->error_code = 0;
	if (!params)
		params = json_array();
	req = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id",
			(json_int_t)id, "method", method, "params", params);
	if (!req)
		return prov_error_set(PROV_EINVALID, "rpc %s: bad parameters",
				      method);
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!body)
		return prov_error_set(PROV_ERROR, "rpc %s: cannot encode",
				      method);
	for (unsigned a = 0; a < n; a++) {
		const char *url = c->urls[c->current % c->nurls];
		long ra;

		url_show(where, sizeof(where), url);
		if (attempt(result, &rc, &ra, c, url, body, id, fast) ==
		    TRY_DONE)
			break;
		c->current = (c->current + 1) % c->nurls;
		if (a + 1 < n) {
			long cap = c->backoff_cap_ms, ms;

			if (ra >= 0) {
				ms = ra < cap ? ra : cap;
			} else {
				ms = c->backoff_ms;
				for (unsigned k = 0; k < a && ms < cap; k++)
					ms *= 2;
				if (ms > cap)
					ms = cap;
				/* full jitter: anywhere in [0, ms] */
				ms = ms > 0 ? (long)randombytes_uniform(
						      (uint32_t)ms + 1)
					    : 0;
			}
			sleep_ms(ms);
		}
	}
	free(body);
	if (rc)
		prov_error_wrap("rpc %s at %s", method, where);
	return rc;
}

int rpc_call(json_t **result, struct rpc_client *c, const char *method,
	     json_t *params)
{
	return call(result, c, method, params, NULL);
}

/* ---- typed calls ----------------------------------------------------- */

static json_t *hex_json(const uint8_t *p, size_t n)
{
	char *s = xmalloc(2 * n + 3);
	json_t *v;

	s[0] = '0';
	s[1] = 'x';
	hex_encode(s + 2, p, n);
	v = json_string(s);
	free(s);
	return v;
}

static int u64_call(uint64_t *out, struct rpc_client *c, const char *method,
		    json_t *params)
{
	json_t *res;
	int rc;

	*out = 0;
	if ((rc = rpc_call(&res, c, method, params)))
		return rc;
	rc = rpc_quantity_u64(out, res, method);
	json_decref(res);
	return rc;
}

int rpc_chain_id(uint64_t *out, struct rpc_client *c)
{
	return u64_call(out, c, "eth_chainId", NULL);
}

int rpc_block_number(uint64_t *out, struct rpc_client *c)
{
	return u64_call(out, c, "eth_blockNumber", NULL);
}

int rpc_max_priority_fee(uint64_t *out, struct rpc_client *c)
{
	return u64_call(out, c, "eth_maxPriorityFeePerGas", NULL);
}

int rpc_get_transaction_count(uint64_t *out, struct rpc_client *c,
			      const uint8_t addr[20], const char *block)
{
	return u64_call(out, c, "eth_getTransactionCount",
			json_pack("[o,s]", hex_json(addr, 20),
				  block ? block : "latest"));
}

int rpc_get_balance(uint8_t out[32], struct rpc_client *c,
		    const uint8_t addr[20], const char *block)
{
	json_t *res;
	int rc;

	memset(out, 0, 32);
	if ((rc = rpc_call(&res, c, "eth_getBalance",
			   json_pack("[o,s]", hex_json(addr, 20),
				     block ? block : "latest"))))
		return rc;
	rc = rpc_quantity_u256(out, res, "eth_getBalance");
	json_decref(res);
	return rc;
}

int rpc_get_code(struct buf *out, struct rpc_client *c, const uint8_t addr[20],
		 const char *block)
{
	json_t *res;
	int rc;

	if ((rc = rpc_call(&res, c, "eth_getCode",
			   json_pack("[o,s]", hex_json(addr, 20),
				     block ? block : "latest"))))
		return rc;
	rc = rpc_data(out, res, 0, "eth_getCode");
	json_decref(res);
	return rc;
}

int rpc_eth_call(struct buf *out, struct rpc_client *c, const uint8_t to[20],
		 const uint8_t *data, size_t n, const char *block)
{
	json_t *res;
	int rc;

	if ((rc = rpc_call(&res, c, "eth_call",
			   json_pack("[{s:o,s:o},s]", "to", hex_json(to, 20),
				     "data", hex_json(data, n),
				     block ? block : "latest"))))
		return rc;
	rc = rpc_data(out, res, 0, "eth_call");
	json_decref(res);
	return rc;
}

int rpc_send_raw_transaction(uint8_t hash[32], struct rpc_client *c,
			     const uint8_t *tx, size_t n)
{
	json_t *res;
	int rc;

	memset(hash, 0, 32);
	if ((rc = rpc_call(&res, c, "eth_sendRawTransaction",
			   json_pack("[o]", hex_json(tx, n)))))
		return rc;
	rc = rpc_data_fixed(hash, 32, res, "eth_sendRawTransaction");
	json_decref(res);
	return rc;
}

int rpc_get_transaction_receipt(struct rpc_receipt **out, struct rpc_client *c,
				const uint8_t hash[32])
{
	json_t *res;
	int rc;

	*out = NULL;
	if ((rc = rpc_call(&res, c, "eth_getTransactionReceipt",
			   json_pack("[o]", hex_json(hash, 32)))))
		return rc;
	if (json_is_null(res))
		rc = prov_error_set(PROV_ENOTFOUND,
				    "no receipt (yet) for the transaction");
	else
		rc = rpc_receipt_parse(out, res);
	json_decref(res);
	return rc;
}

int rpc_fee_history(struct rpc_fees *out, struct rpc_client *c, unsigned blocks,
		    double percentile)
{
	char count[24];
	json_t *res, *base, *reward;
	uint64_t x;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(count, sizeof(count), "0x%x", blocks ? blocks : 1);
	if ((rc = rpc_call(
		     &res, c, "eth_feeHistory",
		     json_pack("[s,s,[f]]", count, "latest", percentile))))
		return rc;
	rc = PROV_EINVALID;
	base = json_object_get(res, "baseFeePerGas");
	reward = json_object_get(res, "reward");
	if (!json_is_object(res) || !json_is_array(base) ||
	    json_array_size(base) < 1 ||
	    (reward &&
	     (!json_is_array(reward) ||
	      json_array_size(reward) + 1 != json_array_size(base)))) {
		prov_error_set(rc, "eth_feeHistory: malformed result");
		goto done;
	}
	if ((rc = rpc_quantity_u64(&out->oldest_block,
				   json_object_get(res, "oldestBlock"),
				   "oldestBlock")) ||
	    (rc = rpc_quantity_u64(
		     &out->base_fee_next,
		     json_array_get(base, json_array_size(base) - 1),
		     "baseFeePerGas")))
		goto done;
	for (size_t i = 0; i < json_array_size(base); i++)
		if ((rc = rpc_quantity_u64(&x, json_array_get(base, i),
					   "baseFeePerGas")))
			goto done;
	for (size_t i = 0; reward && i < json_array_size(reward); i++) {
		json_t *r = json_array_get(reward, i);

		if (!json_is_array(r) || json_array_size(r) != 1) {
			rc = prov_error_set(PROV_EINVALID,
					    "eth_feeHistory: reward %zu is "
					    "not one value",
					    i);
			goto done;
		}
		if ((rc = rpc_quantity_u64(&x, json_array_get(r, 0), "reward")))
			goto done;
		if (x > out->reward_max)
			out->reward_max = x;
	}
done:
	json_decref(res);
	return rc;
}

/* ---- revert data, gas estimates ------------------------------------- */

int rpc_error_data(struct buf *out, const struct rpc_client *c)
{
	const json_t *d = c->error_data;

	/* anvil and geth put the revert data in "data" as a string; some
	 * nodes nest it as {"data": "0x..", "message": ..} */
	if (json_is_object(d))
		d = json_object_get(d, "data");
	/* (rpc_data appends nothing unless the whole string is hex data) */
	if (!d || rpc_data(out, d, 0, "revert data"))
		return prov_error_set(PROV_ENOTFOUND,
				      "the last json-rpc error carried no "
				      "revert data");
	return 0;
}

/* A quantity from n big-endian bytes: "0x0", or hex without leading
 * zeros. */
static json_t *quantity_json(const uint8_t *be, size_t n)
{
	char s[2 * 32 + 3], *p = s + 2;
	size_t i = 0;

	s[0] = '0';
	s[1] = 'x';
	while (i < n && be[i] == 0)
		i++;
	if (i == n) {
		*p++ = '0';
	} else {
		char hex[2 * 32 + 1];

		hex_encode(hex, be + i, n - i);
		/* the first byte may hold a single digit */
		memcpy(p, hex + (be[i] < 0x10), 2 * (n - i) - (be[i] < 0x10));
		p += 2 * (n - i) - (be[i] < 0x10);
	}
	*p = 0;
	return json_string(s);
}

static json_t *quantity_json_u64(uint64_t v)
{
	uint8_t be[8];

	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)(v >> (56 - 8 * i));
	return quantity_json(be, 8);
}

int rpc_estimate_gas(uint64_t *out, struct rpc_client *c,
		     const uint8_t from[20], const uint8_t *to,
		     const uint8_t *data, size_t n, const uint8_t *value)
{
	json_t *tx = json_object();

	*out = 0;
	json_object_set_new(tx, "from", hex_json(from, 20));
	if (to)
		json_object_set_new(tx, "to", hex_json(to, 20));
	if (n || !to)
		json_object_set_new(tx, "data", hex_json(data, n));
	if (value)
		json_object_set_new(tx, "value", quantity_json(value, 32));
	return u64_call(out, c, "eth_estimateGas", json_pack("[o]", tx));
}

/* ---- blocks and transactions ---------------------------------------- */

/* eth_getBlockByNumber(tag, false); want is the number asked for, or NULL
 * for "latest". */
static int block_call(struct rpc_block *out, struct rpc_client *c, json_t *tag,
		      const uint64_t *want)
{
	json_t *res;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = rpc_call(&res, c, "eth_getBlockByNumber",
			   json_pack("[o,b]", tag, 0))))
		return rc;
	if (json_is_null(res)) {
		if (!want)
			rc = prov_error_set(PROV_EINVALID,
					    "eth_getBlockByNumber: no latest "
					    "block");
		else
			rc = prov_error_set(PROV_ENOTFOUND, "no block %llu",
					    (unsigned long long)*want);
		goto done;
	}
	if (!json_is_object(res)) {
		rc = prov_error_set(PROV_EINVALID, "not an object");
		goto bad;
	}
	if ((rc = rpc_quantity_u64(&out->number, json_object_get(res, "number"),
				   "number")) ||
	    (rc = rpc_quantity_u64(&out->timestamp,
				   json_object_get(res, "timestamp"),
				   "timestamp")) ||
	    (rc = rpc_data_fixed(out->hash, 32, json_object_get(res, "hash"),
				 "hash")) ||
	    (rc = rpc_data_fixed(out->parent_hash, 32,
				 json_object_get(res, "parentHash"),
				 "parentHash")))
		goto bad;
	memset(out->logs_bloom, 0xff, sizeof(out->logs_bloom));
	if (json_object_get(res, "logsBloom") &&
	    (rc = rpc_data_fixed(out->logs_bloom, 256,
				 json_object_get(res, "logsBloom"),
				 "logsBloom")))
		goto bad;
	if (want && out->number != *want) {
		rc = prov_error_set(PROV_EINVALID,
				    "block %llu in reply to a request for "
				    "block %llu",
				    (unsigned long long)out->number,
				    (unsigned long long)*want);
		goto bad;
	}
	goto done;
bad:
	prov_error_wrap("eth_getBlockByNumber");
done:
	if (rc)
		memset(out, 0, sizeof(*out));
	json_decref(res);
	return rc;
}

int rpc_get_block(struct rpc_block *out, struct rpc_client *c, uint64_t number)
{
	return block_call(out, c, quantity_json_u64(number), &number);
}

int rpc_get_block_latest(struct rpc_block *out, struct rpc_client *c)
{
	return block_call(out, c, json_string("latest"), NULL);
}

int rpc_get_transaction(struct rpc_tx_info *out, struct rpc_client *c,
			const uint8_t hash[32])
{
	uint8_t h[32];
	json_t *res, *bn, *bh;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = rpc_call(&res, c, "eth_getTransactionByHash",
			   json_pack("[o]", hex_json(hash, 32)))))
		return rc;
	if (json_is_null(res)) {
		rc = prov_error_set(PROV_ENOTFOUND,
				    "the node does not know the transaction");
		goto done;
	}
	if (!json_is_object(res)) {
		rc = prov_error_set(PROV_EINVALID, "not an object");
		goto bad;
	}
	if ((rc = rpc_data_fixed(h, 32, json_object_get(res, "hash"),
				 "hash")) ||
	    (rc = rpc_data_fixed(out->from, 20, json_object_get(res, "from"),
				 "from")) ||
	    (rc = rpc_quantity_u64(&out->nonce, json_object_get(res, "nonce"),
				   "nonce")))
		goto bad;
	if (memcmp(h, hash, 32)) {
		rc = prov_error_set(PROV_EINVALID,
				    "hash: another transaction's");
		goto bad;
	}
	/* pending: both null (or left out); mined: both set */
	bn = json_object_get(res, "blockNumber");
	bh = json_object_get(res, "blockHash");
	if (bn && json_is_null(bn))
		bn = NULL;
	if (bh && json_is_null(bh))
		bh = NULL;
	if (!bn != !bh) {
		rc = prov_error_set(PROV_EINVALID,
				    "blockNumber and blockHash: one without "
				    "the other");
		goto bad;
	}
	if (bn) {
		if ((rc = rpc_quantity_u64(&out->block_number, bn,
					   "blockNumber")) ||
		    (rc = rpc_data_fixed(out->block_hash, 32, bh, "blockHash")))
			goto bad;
		out->mined = 1;
	}
	goto done;
bad:
	prov_error_wrap("eth_getTransactionByHash");
done:
	if (rc)
		memset(out, 0, sizeof(*out));
	json_decref(res);
	return rc;
}

/* ---- logs ------------------------------------------------------------ */

void rpc_logs_free(struct rpc_log *logs, size_t n)
{
	if (!logs)
		return;
	for (size_t i = 0; i < n; i++)
		log_release(&logs[i]);
	free(logs);
}

/* Whether l is one of those f asked for: a node that answers with more
 * (or other) logs than requested is not trusted with the rest. */
static int log_matches(const struct rpc_log *l, const struct rpc_filter *f)
{
	size_t i;

	if (l->removed)
		return prov_error_set(PROV_EINVALID, "a removed log");
	if (f->block_hash) {
		if (memcmp(l->block_hash, f->block_hash, 32))
			return prov_error_set(PROV_EINVALID,
					      "a log of another block than the "
					      "one requested");
	} else if (l->block_number < f->from_block ||
		   l->block_number > f->to_block)
		return prov_error_set(PROV_EINVALID,
				      "block %llu outside the requested "
				      "%llu..%llu",
				      (unsigned long long)l->block_number,
				      (unsigned long long)f->from_block,
				      (unsigned long long)f->to_block);
	for (i = 0; i < f->naddress; i++)
		if (memcmp(l->address, f->address[i], 20) == 0)
			break;
	if (f->naddress && i == f->naddress)
		return prov_error_set(PROV_EINVALID,
				      "address not among those requested");
	for (i = 0; i < 4; i++)
		if (f->topics[i] &&
		    (i >= l->ntopics || memcmp(l->topics[i], f->topics[i], 32)))
			return prov_error_set(PROV_EINVALID,
					      "topic %zu does not match the "
					      "filter",
					      i);
	return 0;
}

/* Nodes return logs in chain order; a reply out of order, with a
 * position twice, or with two hashes for one block number is not one a
 * node made (a proxy or a load balancer mixed replies). */
static int log_follows(const struct rpc_log *a, const struct rpc_log *b)
{
	if (b->block_number < a->block_number ||
	    (b->block_number == a->block_number &&
	     b->log_index <= a->log_index))
		return prov_error_set(PROV_EINVALID,
				      "out of order: block %llu log %llu after "
				      "block %llu log %llu",
				      (unsigned long long)b->block_number,
				      (unsigned long long)b->log_index,
				      (unsigned long long)a->block_number,
				      (unsigned long long)a->log_index);
	if (b->block_number == a->block_number &&
	    memcmp(a->block_hash, b->block_hash, 32))
		return prov_error_set(PROV_EINVALID,
				      "two hashes for block %llu",
				      (unsigned long long)b->block_number);
	return 0;
}

struct scanned {
	struct rpc_log *logs;
	size_t n;
};

static int scan_logs(void *ctx, const char *reply, size_t n, uint64_t id)
{
	struct scanned *s = ctx;

	return rpc_logs_scan(&s->logs, &s->n, reply, n, id);
}

int rpc_logs_parse(struct rpc_log **out, size_t *n, const json_t *v)
{
	struct rpc_log *logs;
	size_t nlogs = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!json_is_array(v))
		return prov_error_set(PROV_EINVALID, "not an array of logs");
	logs = xcalloc(json_array_size(v) ? json_array_size(v) : 1,
		       sizeof(*logs));
	for (size_t i = 0; i < json_array_size(v); i++) {
		char what[32];

		snprintf(what, sizeof(what), "log %zu", i);
		buf_init(&logs[i].data, 0);
		nlogs = i + 1;
		if ((rc = parse_log(&logs[i], json_array_get(v, i), what,
				    NULL))) {
			rpc_logs_free(logs, nlogs);
			return rc;
		}
	}
	*out = logs;
	*n = nlogs;
	return 0;
}

int rpc_get_logs(struct rpc_log **out, size_t *n, struct rpc_client *c,
		 const struct rpc_filter *f)
{
	struct scanned scanned = {NULL, 0};
	struct fast_reader fast = {scan_logs, &scanned};
	struct rpc_log *logs = NULL;
	size_t nlogs = 0, ntopics = 0;
	json_t *q, *res = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (!f->block_hash && f->from_block > f->to_block)
		return prov_error_set(PROV_EINVALID,
				      "eth_getLogs: from block %llu after to "
				      "block %llu",
				      (unsigned long long)f->from_block,
				      (unsigned long long)f->to_block);
	if (f->block_hash)
		q = json_pack("{s:o}", "blockHash",
			      hex_json(f->block_hash, 32));
	else
		q = json_pack("{s:o,s:o}", "fromBlock",
			      quantity_json_u64(f->from_block), "toBlock",
			      quantity_json_u64(f->to_block));
	if (f->naddress) {
		json_t *a = json_array();

		for (size_t i = 0; i < f->naddress; i++)
			json_array_append_new(a, hex_json(f->address[i], 20));
		json_object_set_new(q, "address", a);
	}
	for (size_t i = 0; i < 4; i++)
		if (f->topics[i])
			ntopics = i + 1; /* trailing nulls left out */
	if (ntopics) {
		json_t *t = json_array();

		for (size_t i = 0; i < ntopics; i++)
			json_array_append_new(
				t, f->topics[i] ? hex_json(f->topics[i], 32)
						: json_null());
		json_object_set_new(q, "topics", t);
	}
	if ((rc = call(&res, c, "eth_getLogs", json_pack("[o]", q), &fast)))
		return rc;
	if (res) {
		rc = rpc_logs_parse(&scanned.logs, &scanned.n, res);
		json_decref(res);
		if (rc)
			return prov_error_wrap("eth_getLogs");
	}
	logs = scanned.logs;
	nlogs = scanned.n;
	for (size_t i = 0; i < nlogs; i++)
		if ((rc = log_matches(&logs[i], f)) ||
		    (i && (rc = log_follows(&logs[i - 1], &logs[i])))) {
			prov_error_wrap("eth_getLogs: log %zu", i);
			goto done;
		}
	*out = logs;
	*n = nlogs;
	logs = NULL;
done:
	rpc_logs_free(logs, nlogs);
	return rc;
}

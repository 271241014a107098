/* JSON parsing of untrusted input and RFC 8785 (JCS) canonical output. */
#include "unit.h"

/* Parses text and returns its canonical form in out. */
static int canon(struct buf *out, const char *text)
{
	json_t *v = NULL;
	int rc;

	buf_clear(out);
	if ((rc = json_parse(&v, text, strlen(text), "test")))
		return rc;
	rc = jcs_encode(out, v);
	json_decref(v);
	return rc;
}

/* RFC 8785 section 3.2.3: members sort by UTF-16 code units, so U+1F600
 * (surrogates D83D DE00) comes before U+FB33, though its code point is
 * larger; and U+0080 is not escaped. */
static void key_order_utf16(void)
{
	struct buf out = BUF_INIT;

	CHECK(canon(&out,
		    "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\","
		    "\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
		    "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\","
		    "\"\\u0080\":\"Control\","
		    "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}") ==
	      0);
	CHECK_STR(out.ptr,
		  "{\"\\r\":\"Carriage Return\",\"1\":\"One\","
		  "\"\xc2\x80\":\"Control\","
		  "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		  "\"\xe2\x82\xac\":\"Euro Sign\","
		  "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
		  "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
	/* U+E000 (private use) against U+10000: UTF-16 puts D800 first. */
	CHECK(canon(&out, "{\"\\ue000\":1,\"\\ud800\\udc00\":2}") == 0);
	CHECK_STR(out.ptr, "{\"\xf0\x90\x80\x80\":2,\"\xee\x80\x80\":1}");
	/* A prefix sorts first; comparison is by unit, not by length. */
	CHECK(canon(&out, "{\"ab\":1,\"a\":2,\"b\":3,\"B\":4,\"\":5}") == 0);
	CHECK_STR(out.ptr, "{\"\":5,\"B\":4,\"a\":2,\"ab\":1,\"b\":3}");
	buf_release(&out);
}

static void string_escapes(void)
{
	struct buf out = BUF_INIT;

	CHECK(canon(&out, "[\"\\u0001\\u001f\\u000b\\u007f\"]") == 0);
	CHECK_STR(out.ptr, "[\"\\u0001\\u001f\\u000b\x7f\"]");
	CHECK(canon(&out, "[\"\\b\\f\\n\\r\\t\\\"\\\\\\/\"]") == 0);
	CHECK_STR(out.ptr, "[\"\\b\\f\\n\\r\\t\\\"\\\\/\"]");
	/* Needless escapes of printable and non-ASCII characters go. */
	CHECK(canon(&out, "[\"\\u0041\\u00e9\\u2028\"]") == 0);
	CHECK_STR(out.ptr, "[\"A\xc3\xa9\xe2\x80\xa8\"]");
	/* Keys are escaped like values. */
	CHECK(canon(&out, "{\"a\\nb\":\"\\u001F\"}") == 0);
	CHECK_STR(out.ptr, "{\"a\\nb\":\"\\u001f\"}");
	buf_release(&out);
}

static void no_whitespace(void)
{
	struct buf out = BUF_INIT;

	CHECK(canon(&out,
		    " {\n \"b\" : [ 1 , 2 , { } ] ,\t\"a\" : { \"z\" : null ,"
		    " \"y\" : [ true , false ] } }\n") == 0);
	CHECK_STR(out.ptr,
		  "{\"a\":{\"y\":[true,false],\"z\":null},\"b\":[1,2,{}]}");
	CHECK(canon(&out, "[]") == 0);
	CHECK_STR(out.ptr, "[]");
	CHECK(canon(&out, "[-0, 0, -1, 9007199254740991, -9007199254740991]") == 0);
	CHECK_STR(out.ptr, "[0,0,-1,9007199254740991,-9007199254740991]");
	/* Past 2^53 - 1, JCS's doubles lose digits: refused. */
	CHECK(canon(&out, "[9007199254740992]") == PROV_EINVALID);
	CHECK(canon(&out, "[-9007199254740992]") == PROV_EINVALID);
	buf_release(&out);
}

static void reals_rejected(void)
{
	struct buf out = BUF_INIT;

	CHECK(canon(&out, "{\"a\":1.5}") == PROV_EINVALID);
	CHECK(canon(&out, "{\"a\":1.0}") == PROV_EINVALID);
	CHECK(canon(&out, "[1e3]") == PROV_EINVALID);
	CHECK(canon(&out, "[[[{\"deep\":[0.1]}]]]") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "fraction") != NULL);
	buf_release(&out);
}

static void parse_rejects(void)
{
	static const char *const bad[] = {
		"{\"a\":1,\"a\":2}",	     /* duplicate key */
		"{\"x\":{\"a\":1,\"a\":1}}", /* duplicate key, nested */
		"[\"a\\u0000b\"]",	     /* NUL in a string */
		"{\"a\\u0000\":1}",	     /* NUL in a key */
		"[\"\\ud800\"]",	     /* lone surrogate */
		"[\"\xff\"]",		     /* not UTF-8 */
		"{\"a\":1,}",		     /* trailing comma */
		"[1] [2]",		     /* two documents */
		"",
		"{",
		"nul",
	};
	json_t *v = (json_t *)1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CHECK(json_parse(&v, bad[i], strlen(bad[i]), "input.json") ==
		      PROV_EINVALID);
		CHECK(v == NULL);
	}
	CHECK(strstr(prov_error_last(), "input.json") != NULL);
	/* The length is honoured: no reading past it. */
	CHECK(json_parse(&v, "[1]garbage", 3, "t") == 0);
	json_decref(v);
}

/* Canonical output is a fixed point: parsing and encoding it again gives
 * the same bytes. */
static void canonical_is_stable(void)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	CHECK(canon(&a, "{\"\\ud83d\\ude00\":[1,{\"\\u00f6\":\"\\u001f\"}],"
			"\"\\ufb33\":\"x\\ty\",\"a\":-5}") == 0);
	CHECK(canon(&b, a.ptr) == 0);
	CHECK_STR(a.ptr, b.ptr);
	buf_release(&a);
	buf_release(&b);
}

int main(void)
{
	RUN(key_order_utf16);
	RUN(string_escapes);
	RUN(no_whitespace);
	RUN(reals_rejected);
	RUN(parse_rejects);
	RUN(canonical_is_stable);
	return unit_done();
}

/* safetensors headers: the hash and tensor count of a header written out
 * by hand (its hash from sha256sum), and what the parser refuses. */
#include <stdlib.h>

#include "manifest/manifest.h"
#include "unit.h"

#define VALID_JSON                                                             \
	"{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\","      \
	"\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"I8\","    \
	"\"shape\":[],\"data_offsets\":[16,17]}}"
/* sha256sum of the 8-byte length and VALID_JSON */
#define VALID_HEADER_HEX                                                       \
	"a70eded3be858ceb43c848eb57ad241536a9f08c5b8e20f8b2c9e8e31cd6c5e5"

/* A file's bytes: the length of json, json, then data zero bytes. */
static size_t make(struct buf *out, const char *json, size_t data)
{
	uint64_t n = strlen(json);

	buf_clear(out);
	for (int i = 0; i < 8; i++)
		buf_putc(out, (char)(n >> (8 * i)));
	buf_puts(out, json);
	for (size_t i = 0; i < data; i++)
		buf_putc(out, 0);
	return out->len;
}

static int parse(const char *json, size_t data)
{
	struct buf b = BUF_INIT;
	struct safetensors_info info;
	size_t n = make(&b, json, data);
	int rc = safetensors_parse(&info, b.ptr, n, n, "m.safetensors");

	buf_release(&b);
	return rc;
}

static void header(void)
{
	struct buf b = BUF_INIT;
	struct safetensors_info info;
	char hex[65];
	size_t n = make(&b, VALID_JSON, 17);

	CHECK(safetensors_parse(&info, b.ptr, n, n, "m") == 0);
	hex_encode(hex, info.header_sha256, 32);
	CHECK_STR(hex, VALID_HEADER_HEX);
	CHECK(info.tensors == 2);
	CHECK(info.header_len == strlen(VALID_JSON));
	/* only the header is needed in memory, the rest may be on disk */
	CHECK(safetensors_parse(&info, b.ptr, 8 + strlen(VALID_JSON), n, "m") == 0);
	CHECK(info.tensors == 2);
	/* no tensors at all, and trailing spaces as writers pad with */
	CHECK(parse("{}", 0) == 0);
	CHECK(parse("{\"w\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":"
		    "[0,8]}}   ",
		    8) == 0);
	buf_release(&b);
}

static void refuses(void)
{
	struct buf b = BUF_INIT;
	struct safetensors_info info;
	size_t n;

	CHECK(parse("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":"
		    "[0,9]}}",
		    8) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "'m.safetensors': safetensors header: "
					"tensor 'w': data_offsets") != NULL);
	CHECK(parse("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":"
		    "[8,0]}}",
		    8) == PROV_EINVALID);
	CHECK(parse("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":"
		    "[0,8,9]}}",
		    9) == PROV_EINVALID);
	CHECK(parse("{\"w\":{\"dtype\":\"F16\",\"shape\":[-1],\"data_offsets\":"
		    "[0,0]}}",
		    0) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "shape") != NULL);
	CHECK(parse("{\"w\":{\"dtype\":\"F16\",\"shape\":[1.5],\"data_offsets\":"
		    "[0,0]}}",
		    0) == PROV_EINVALID);
	CHECK(parse("{\"w\":{\"shape\":[1],\"data_offsets\":[0,0]}}", 0) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "dtype") != NULL);
	CHECK(parse("{\"w\":{\"dtype\":\"F16\",\"data_offsets\":[0,0]}}", 0) ==
	      PROV_EINVALID);
	CHECK(parse("{\"w\":[]}", 0) == PROV_EINVALID);
	CHECK(parse("{\"__metadata__\":{\"n\":1}}", 0) == PROV_EINVALID);
	CHECK(parse("[1]", 0) == PROV_EINVALID);
	CHECK(parse("{\"a\":1,\"a\":1}", 0) == PROV_EINVALID);
	CHECK(parse("{", 0) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "'m.safetensors'") != NULL);
	/* lengths: past the file, past the format's bound, too short */
	n = make(&b, "{}", 0);
	b.ptr[0] = 3;
	CHECK(safetensors_parse(&info, b.ptr, n, n, "m") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "past the end") != NULL);
	memset(b.ptr, 0xff, 8);
	CHECK(safetensors_parse(&info, b.ptr, n, UINT64_MAX, "m") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "over") != NULL);
	CHECK(safetensors_parse(&info, b.ptr, 7, 7, "m") == PROV_EINVALID);
	/* the file is long enough, the bytes given are not */
	n = make(&b, "{}", 0);
	CHECK(safetensors_parse(&info, b.ptr, 9, n, "m") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "truncated") != NULL);
	buf_release(&b);
}

static void file(void)
{
	struct buf b = BUF_INIT, path = BUF_INIT;
	struct safetensors_info info;
	struct stat st, other;
	char hex[65];
	size_t n = make(&b, VALID_JSON, 17);

	buf_printf(&path, "%s/m.safetensors", unit_tmpdir());
	CHECK(write_file_atomic(path.ptr, b.ptr, n, 0644, 0) == 0);
	CHECK(stat(path.ptr, &st) == 0);
	CHECK(safetensors_file(&info, path.ptr, &st) == 0);
	hex_encode(hex, info.header_sha256, 32);
	CHECK_STR(hex, VALID_HEADER_HEX);
	CHECK(info.tensors == 2);
	CHECK(safetensors_file(&info, path.ptr, NULL) == 0);
	other = st;
	other.st_size++;
	CHECK(safetensors_file(&info, path.ptr, &other) == PROV_EIO);
	/* a header longer than the file */
	CHECK(write_file_atomic(path.ptr, b.ptr, 20, 0644, 0) == 0);
	CHECK(safetensors_file(&info, path.ptr, NULL) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), path.ptr) != NULL);
	CHECK(write_file_atomic(path.ptr, "abc", 3, 0644, 0) == 0);
	CHECK(safetensors_file(&info, path.ptr, NULL) == PROV_EINVALID);
	buf_clear(&path);
	buf_printf(&path, "%s/none", unit_tmpdir());
	CHECK(safetensors_file(&info, path.ptr, NULL) == PROV_ENOTFOUND);
	buf_release(&b);
	buf_release(&path);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(header);
	RUN(refuses);
	RUN(file);
	return unit_done();
}

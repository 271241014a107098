/* c2pa verification over hand-made manifest stores: what a signer could
 * put in a claim to have bytes left unchecked. The stores carry no valid
 * signature; the tests look at the status codes of the other checks. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>

#include <openssl/evp.h>

#include "c2pa/c2pa.h"
#include "unit.h"

#define LABEL_A "urn:c2pa:00000000-0000-4000-8000-00000000000a"
#define LABEL_B "urn:c2pa:00000000-0000-4000-8000-00000000000b"

/* The label of the hard binding make_file writes. */
static const char *hard_label = "c2pa.hash.data";

static void sha256(uint8_t out[32], const void *p, size_t n)
{
	if (!EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL))
		abort();
}

static void cbor_box(struct buf *out, const char *label, cbor_item_t *it)
{
	struct buf content = BUF_INIT;
	uint8_t uuid[16];
	size_t mark;

	jumbf_uuid(uuid, "cbor");
	cb_encode(&content, it);
	cbor_decref(&it);
	jumbf_super_begin(out, &mark, uuid, label);
	jumbf_put_box(out, "cbor", content.ptr, content.len);
	jumbf_super_end(out, mark);
	buf_release(&content);
}

/* A manifest labelled label whose claim names the c2pa.hash.data at url
 * (relative to it, or absolute), with an exclusion [start, start + len)
 * and hash h; its own assertion store holds that assertion too. */
static void manifest(struct buf *out, const char *label, const char *url,
		     uint64_t start, uint64_t len, const uint8_t h[32])
{
	cbor_item_t *a = cbor_new_definite_map(3), *list, *e, *c, *u;
	struct buf hashbox = BUF_INIT, claim = BUF_INIT;
	uint8_t uuid[16], bh[32];
	size_t m, box;

	list = cbor_new_definite_array(1);
	e = cbor_new_definite_map(2);
	cb_put(e, "start", cbor_build_uint64(start));
	cb_put(e, "length", cbor_build_uint64(len));
	cbor_array_push(list, cbor_move(e));
	cb_put(a, "exclusions", list);
	cb_put_text(a, "alg", "sha256");
	cb_put(a, "hash", cbor_build_bytestring(h, 32));
	cbor_box(&hashbox, strrchr(url, '/') + 1, a);
	sha256(bh, hashbox.ptr + 8, hashbox.len - 8);

	c = cbor_new_definite_map(5);
	cb_put_text(c, "instanceID", "xmp:iid:1");
	e = cbor_new_definite_map(1);
	cb_put_text(e, "name", "test");
	cb_put(c, "claim_generator_info", e);
	cb_put_text(c, "signature", "self#jumbf=c2pa.signature");
	list = cbor_new_definite_array(1);
	u = cbor_new_definite_map(2);
	cb_put_text(u, "url", url);
	cb_put(u, "hash", cbor_build_bytestring(bh, 32));
	cbor_array_push(list, cbor_move(u));
	cb_put(c, "created_assertions", list);
	cb_put_text(c, "alg", "sha256");
	cb_encode(&claim, c);
	cbor_decref(&c);

	jumbf_uuid(uuid, "c2ma");
	jumbf_super_begin(out, &m, uuid, label);
	jumbf_uuid(uuid, "c2as");
	jumbf_super_begin(out, &box, uuid, "c2pa.assertions");
	buf_put(out, hashbox.ptr, hashbox.len);
	jumbf_super_end(out, box);
	jumbf_put_super(out, "c2cl", "c2pa.claim.v2", "cbor", claim.ptr,
			claim.len);
	/* h'', not a COSE_Sign1 */
	jumbf_put_super(out, "c2cs", "c2pa.signature", "cbor", "\x40", 1);
	jumbf_super_end(out, m);
	buf_release(&hashbox);
	buf_release(&claim);
}

static void xt_segment(struct buf *out, uint32_t z, const void *head,
		       size_t hn, const void *p, size_t n)
{
	uint8_t h[12] = { 0xff, JPEG_APP11, 0, 0, 'J', 'P', 0x02, 0x11 };
	size_t lp = 2 + JPEG_XT_HEADER + hn + n;

	h[2] = (uint8_t)(lp >> 8);
	h[3] = (uint8_t)lp;
	h[8] = (uint8_t)(z >> 24);
	h[9] = (uint8_t)(z >> 16);
	h[10] = (uint8_t)(z >> 8);
	h[11] = (uint8_t)z;
	buf_put(out, h, sizeof(h));
	buf_put(out, head, hn);
	buf_put(out, p, n);
}

/* SOI, the store in two APP11 segments (with an APP1 between them when
 * split), then the rest of no_manifest.jpg; the store's hash.data names
 * [2, end of the second segment) and the hash of everything else. With
 * two, a first manifest comes before and the second one's claim names
 * the first one's hash.data. */
static void make_file(struct buf *file, int split, int two)
{
	static const uint8_t app1[] = { 0xff, 0xe1, 0, 6, 'j', 'u', 'n', 'k' };
	struct buf img = BUF_INIT, store = BUF_INIT, url = BUF_INIT;
	uint8_t h[32] = { 0 };
	uint64_t len = 0;

	if (buf_read_file(&img, "tests/fixtures/c2pa/no_manifest.jpg", 0))
		abort();
	for (int pass = 0; pass < 2; pass++) {
		uint8_t uuid[16];
		size_t s, cut;

		buf_clear(&store);
		jumbf_uuid(uuid, "c2pa");
		jumbf_super_begin(&store, &s, uuid, "c2pa");
		buf_clear(&url);
		buf_printf(&url, "self#jumbf=c2pa.assertions/%s", hard_label);
		if (two)
			manifest(&store, LABEL_A, url.ptr, 2, len, h);
		if (two) {
			buf_clear(&url);
			buf_printf(&url,
				   "self#jumbf=/c2pa/" LABEL_A
				   "/c2pa.assertions/%s",
				   hard_label);
		}
		manifest(&store, LABEL_B, url.ptr, 2, len, h);
		jumbf_super_end(&store, s);
		cut = 64;
		buf_clear(file);
		buf_put(file, img.ptr, 2);
		xt_segment(file, 1, NULL, 0, store.ptr, cut);
		if (split)
			buf_put(file, app1, sizeof(app1));
		xt_segment(file, 2, store.ptr, 8, store.ptr + cut,
			   store.len - cut);
		len = file->len - 2;
		buf_put(file, img.ptr + 2, img.len - 2);
		{
			struct buf rest = BUF_INIT;

			buf_put(&rest, file->ptr, 2);
			buf_put(&rest, file->ptr + 2 + len,
				file->len - 2 - len);
			sha256(h, rest.ptr, rest.len);
			buf_release(&rest);
		}
	}
	buf_release(&img);
	buf_release(&store);
	buf_release(&url);
}

static int verify(struct c2pa_result *r, const struct buf *file)
{
	struct c2pa_verify_opts o = { NULL, 0, 1700000000 };

	return c2pa_verify(r, (const uint8_t *)file->ptr, file->len, &o);
}

/* The control: the made store's hard binding holds. */
static void test_data_hash_contiguous(void)
{
	struct buf file = BUF_INIT;
	struct c2pa_result r;

	make_file(&file, 0, 0);
	CHECK(!verify(&r, &file));
	CHECK(c2pa_report_has_success(&r.active, "assertion.hashedURI.match"));
	CHECK(c2pa_report_has_success(&r.active, "assertion.dataHash.match"));
	CHECK(!c2pa_report_has(&r.active, "assertion.dataHash.mismatch"));
	c2pa_result_release(&r);
	buf_release(&file);
}

/* One exclusion from the first APP11 segment to the end of the last
 * would leave the APP1 between them unhashed: it could be changed at
 * will. */
static void test_data_hash_segment_between(void)
{
	struct buf file = BUF_INIT;
	struct c2pa_result r;

	make_file(&file, 1, 0);
	CHECK(!verify(&r, &file));
	CHECK(r.has_store);
	CHECK(!c2pa_report_has_success(&r.active, "assertion.dataHash.match"));
	CHECK(c2pa_report_has(&r.active, "assertion.dataHash.mismatch"));
	CHECK(r.state == C2PA_INVALID);
	c2pa_result_release(&r);
	buf_release(&file);
}

/* The active manifest's claim naming the hard binding of the manifest
 * before it: assertions count only in their own manifest. */
static void test_assertion_outside_manifest(void)
{
	struct buf file = BUF_INIT;
	struct c2pa_result r;

	make_file(&file, 0, 1);
	CHECK(!verify(&r, &file));
	CHECK(r.has_store && r.store.n == 2);
	CHECK(c2pa_report_has(&r.active, "assertion.outsideManifest"));
	CHECK(!c2pa_report_has_success(&r.active, "assertion.dataHash.match"));
	CHECK(c2pa_report_has(&r.active, "claim.hardBindings.missing"));
	c2pa_result_release(&r);
	buf_release(&file);
}

/* The active manifest's COSE_Sign1 made unreadable (its tag byte) in
 * CACA.jpg, whose parent ingredient is signed: the file is invalid and has
 * no signer; the ingredient's is not the file's. */
static void test_signer_not_from_ingredient(void)
{
	static const char sig[] = "c2pa.signature";
	struct buf file = BUF_INIT;
	struct c2pa_result r;
	uint8_t *p, *last = NULL;
	size_t n;

	CHECK(!buf_read_file(&file, "tests/fixtures/c2pa/CACA.jpg", 0));
	p = (uint8_t *)file.ptr;
	n = file.len;
	/* the jumd label (NUL-terminated), then the cbor box's header */
	for (uint8_t *q = p; (q = memmem(q, n - (size_t)(q - p), sig,
					  sizeof(sig)));
	     q++)
		if (q + sizeof(sig) + 9 <= p + n &&
		    !memcmp(q + sizeof(sig) + 4, "cbor", 4))
			last = q + sizeof(sig) + 8;
	CHECK(last && *last == 0xd2);
	CHECK(!verify(&r, &file));
	CHECK(r.state == C2PA_VALID && r.signer);
	c2pa_result_release(&r);
	*last = 0xd3;
	CHECK(!verify(&r, &file));
	CHECK(r.state == C2PA_INVALID);
	CHECK(c2pa_report_has(&r.active, "claimSignature.mismatch"));
	CHECK(r.ingredients.n > 0);
	CHECK(r.signer == NULL);
	c2pa_result_release(&r);
	buf_release(&file);
}

/* A status whose explanation quotes bytes from the file that are not
 * UTF-8 still appears in the JSON report. */
static void test_report_json_not_utf8(void)
{
	struct c2pa_report r = { 0 };
	json_t *j;

	c2pa_report_add(&r, 1, "assertion.missing", "self#jumbf=\xff",
			"no box at %s", "self#jumbf=\xff");
	j = c2pa_report_json(&r);
	c2pa_report_release(&r);
	CHECK(json_array_size(j) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(j, 0),
						    "code")),
		  "assertion.missing");
	CHECK(!strncmp(json_string_value(json_object_get(
			       json_array_get(j, 0), "explanation")),
		       "no box at self#jumbf=", 21));
	json_decref(j);
}

/* A hard binding of a kind verify does not check (c2pa.hash.boxes) is
 * a failure: the file's bytes would go unchecked. */
static void test_unchecked_hard_binding(void)
{
	struct buf file = BUF_INIT;
	struct c2pa_result r;

	hard_label = "c2pa.hash.boxes";
	make_file(&file, 0, 0);
	hard_label = "c2pa.hash.data";
	CHECK(!verify(&r, &file));
	CHECK(c2pa_report_has_success(&r.active, "assertion.hashedURI.match"));
	CHECK(!c2pa_report_has(&r.active, "claim.hardBindings.missing"));
	CHECK(c2pa_report_has(&r.active, "general.error"));
	c2pa_result_release(&r);
	buf_release(&file);
}

int main(void)
{
	RUN(test_data_hash_contiguous);
	RUN(test_data_hash_segment_between);
	RUN(test_assertion_outside_manifest);
	RUN(test_signer_not_from_ingredient);
	RUN(test_report_json_not_utf8);
	RUN(test_unchecked_hard_binding);
	return unit_done();
}

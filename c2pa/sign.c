/*
 * Signing: a new active manifest for a JPEG. Claim v2 with the actions,
 * training-and-data-mining, registry link, thumbnail and c2pa.hash.data
 * assertions, signed as COSE_Sign1 (EdDSA); a manifest the file already
 * has stays in the store as the parent ingredient.
 *
 * The hard binding names where the store goes and how long it is, and is
 * itself inside the store. Every size here is fixed before any value is
 * known (the exclusion's integers are 9-byte CBOR, hashes have one
 * length, an Ed25519 COSE_Sign1 depends only on the certificates), so the
 * store is put together twice: once to learn the exclusion, once with it.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "c2pa/c2pa.h"

#define DST_PREFIX "http://cv.iptc.org/newscodes/digitalsourcetype/"

/* The embedded-file description type (C2PA thumbnails). */
static const uint8_t EMBEDDED_FILE[16] = { 0x40, 0xcb, 0x0c, 0x32, 0xbb, 0x8a,
					   0x48, 0x9d, 0xa7, 0x0b, 0x2a, 0xd6,
					   0xf4, 0x7f, 0x43, 0x69 };

struct assertion {
	const char *label;
	struct buf box; /* the whole superbox */
};

struct signing {
	const struct c2pa_sign_opts *o;
	const uint8_t *in;
	size_t n;
	struct c2pa_store old; /* when has_old */
	int has_old;
	struct c2pa_result old_result; /* the input's verification */
	char label[64];		       /* urn:c2pa:<uuid> */
	char instance[64];	       /* xmp:iid:<uuid> */
	struct buf thumb;
	struct assertion a[8];
	size_t na;
};

static void uuid4(char out[37])
{
	uint8_t u[16];
	char hex[33];

	randombytes_buf(u, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	hex_encode(hex, u, 16);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
}

static void sha256(uint8_t out[32], const void *p, size_t n)
{
	if (!EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL))
		abort();
}

/* {url, hash} over p, n (a superbox's contents without its header), and
 * alg when the URI points into another manifest. */
static cbor_item_t *hashed_uri(const char *url, const void *p, size_t n,
			       int alg)
{
	cbor_item_t *m = cbor_new_definite_map(alg ? 3 : 2);
	uint8_t h[32];

	sha256(h, p, n);
	cb_put_text(m, "url", url);
	if (alg)
		cb_put_text(m, "alg", "sha256");
	cb_put(m, "hash", cbor_build_bytestring(h, 32));
	return m;
}

/* The same for a superbox this file writes: its header is 8 bytes. */
static cbor_item_t *box_uri(const char *url, const struct buf *box)
{
	return hashed_uri(url, box->ptr + 8, box->len - 8, 0);
}

/* And for a box of the input's store, whose header may be 16 bytes. */
static cbor_item_t *old_box_uri(const char *url, const struct c2pa_store *s,
				size_t i)
{
	const struct jumbf_box *b = &s->j.v[i];

	return hashed_uri(url, s->bytes.ptr + b->offset + b->header,
			  b->size - b->header, 1);
}

static int cbor_assertion(struct assertion *a, const char *label,
			  cbor_item_t *data)
{
	struct buf content = BUF_INIT;
	int rc;

	a->label = label;
	buf_init(&a->box, 0);
	rc = cb_encode(&content, data);
	cbor_decref(&data);
	if (!rc)
		rc = jumbf_put_super(&a->box, "cbor", label, "cbor", content.ptr,
				     content.len);
	buf_release(&content);
	return rc;
}

static int thumbnail_assertion(struct assertion *a, const struct buf *jpeg)
{
	static const char bfdb[] = "\0image/jpeg"; /* toggles, media type */
	size_t mark;
	int rc;

	a->label = "c2pa.thumbnail.claim.jpeg";
	buf_init(&a->box, 0);
	if (!(rc = jumbf_super_begin(&a->box, &mark, EMBEDDED_FILE, a->label)) &&
	    !(rc = jumbf_put_box(&a->box, "bfdb", bfdb, sizeof(bfdb))) &&
	    !(rc = jumbf_put_box(&a->box, "bidb", jpeg->ptr, jpeg->len)))
		rc = jumbf_super_end(&a->box, mark);
	return rc;
}

static cbor_item_t *generator(void)
{
	cbor_item_t *g = cbor_new_definite_map(2);

	cb_put_text(g, "name", "prov");
	cb_put_text(g, "version", PROV_VERSION);
	return g;
}

static cbor_item_t *status_list(const struct c2pa_report *r, int failure)
{
	cbor_item_t *list = cbor_new_indefinite_array();

	for (size_t i = 0; i < r->n; i++) {
		cbor_item_t *s;

		if (r->v[i].failure != failure)
			continue;
		s = cbor_new_definite_map(r->v[i].url ? 3 : 2);
		cb_put_text(s, "code", r->v[i].code);
		if (r->v[i].url)
			cb_put_text(s, "url", r->v[i].url);
		cb_put_text(s, "explanation", r->v[i].explanation);
		if (!cbor_array_push(list, cbor_move(s)))
			abort();
	}
	return list;
}

/* c2pa.ingredient.v3 for the manifest the input already has. */
static int ingredient_assertion(struct signing *g, struct assertion *a)
{
	const struct c2pa_manifest *m = &g->old.m[g->old.n - 1];
	cbor_item_t *ing = cbor_new_definite_map(7), *vr, *act;
	struct buf url = BUF_INIT;

	cb_put_text(ing, "relationship", "parentOf");
	cb_put_text(ing, "dc:title", m->title ? m->title : g->o->title);
	cb_put_text(ing, "dc:format", "image/jpeg");
	cb_put_text(ing, "instanceID",
		    m->instance_id ? m->instance_id : g->instance);
	buf_printf(&url, "self#jumbf=/c2pa/%s", m->label);
	cb_put(ing, "activeManifest", old_box_uri(url.ptr, &g->old, m->box));
	if (m->sig_box) {
		buf_puts(&url, "/c2pa.signature");
		cb_put(ing, "claimSignature",
		       old_box_uri(url.ptr, &g->old, m->sig_box));
	}
	act = cbor_new_definite_map(3);
	cb_put(act, "success", status_list(&g->old_result.active, 0));
	cb_put(act, "informational", cbor_new_definite_array(0));
	cb_put(act, "failure", status_list(&g->old_result.active, 1));
	vr = cbor_new_definite_map(1);
	cb_put(vr, "activeManifest", act);
	cb_put(ing, "validationResults", vr);
	buf_release(&url);
	return cbor_assertion(a, "c2pa.ingredient.v3", ing);
}

static int actions_assertion(struct signing *g, struct assertion *a,
			     const struct assertion *ingredient)
{
	cbor_item_t *root = cbor_new_definite_map(1);
	cbor_item_t *list = cbor_new_definite_array(1);
	cbor_item_t *act = cbor_new_definite_map(3);

	if (ingredient) {
		cbor_item_t *params = cbor_new_definite_map(1);
		cbor_item_t *ings = cbor_new_definite_array(1);

		cb_put_text(act, "action", "c2pa.opened");
		if (!cbor_array_push(ings,
				     cbor_move(box_uri(
					     "self#jumbf=c2pa.assertions/"
					     "c2pa.ingredient.v3",
					     &ingredient->box))))
			abort();
		cb_put(params, "ingredients", ings);
		cb_put(act, "parameters", params);
	} else {
		struct buf dst = BUF_INIT;

		cb_put_text(act, "action", "c2pa.created");
		buf_printf(&dst, DST_PREFIX "%s", g->o->source);
		cb_put_text(act, "digitalSourceType", dst.ptr);
		buf_release(&dst);
	}
	cb_put(act, "softwareAgent", generator());
	if (!cbor_array_push(list, cbor_move(act)))
		abort();
	cb_put(root, "actions", list);
	return cbor_assertion(a, "c2pa.actions.v2", root);
}

static int training_assertion(struct signing *g, struct assertion *a)
{
	cbor_item_t *root = cbor_new_definite_map(1);
	cbor_item_t *entries = cbor_new_indefinite_map();
	struct buf key = BUF_INIT;

	for (int u = 0; u < TRAINING_USES; u++) {
		cbor_item_t *e;

		if (!g->o->training[u])
			continue;
		e = cbor_new_definite_map(1);
		cb_put_text(e, "use", g->o->training[u]);
		buf_clear(&key);
		buf_printf(&key, "cawg.%s", training_uses[u]);
		cb_put(entries, key.ptr, e);
	}
	buf_release(&key);
	cb_put(root, "entries", entries);
	return cbor_assertion(a, "cawg.training-mining", root);
}

static int hash_assertion(struct assertion *a, const struct c2pa_exclusion *ex,
			  const uint8_t hash[32])
{
	cbor_item_t *root = cbor_new_definite_map(5);
	cbor_item_t *list = cbor_new_definite_array(1);
	cbor_item_t *e = cbor_new_definite_map(2);

	cb_put(e, "start", cbor_build_uint64(ex->start));
	cb_put(e, "length", cbor_build_uint64(ex->length));
	if (!cbor_array_push(list, cbor_move(e)))
		abort();
	cb_put(root, "exclusions", list);
	cb_put_text(root, "name", "jumbf manifest");
	cb_put_text(root, "alg", "sha256");
	cb_put(root, "hash", cbor_build_bytestring(hash, 32));
	cb_put(root, "pad", cbor_build_bytestring((const uint8_t *)"", 0));
	return cbor_assertion(a, "c2pa.hash.data", root);
}

/* The store: the input's manifests as they were, then the new one. */
static int assemble(struct buf *out, struct signing *g,
		    const struct c2pa_exclusion *ex, const uint8_t hash[32])
{
	uint8_t uuid[16];
	struct buf claim = BUF_INIT, cose = BUF_INIT, url = BUF_INIT;
	cbor_item_t *c = NULL, *created;
	size_t store, manifest, box;
	struct assertion *hard = &g->a[g->na - 1];
	int rc;

	buf_clear(out);
	buf_release(&hard->box);
	if ((rc = hash_assertion(hard, ex, hash)))
		goto done;
	c = cbor_new_definite_map(6);
	cb_put_text(c, "instanceID", g->instance);
	cb_put(c, "claim_generator_info", generator());
	cb_put_text(c, "signature", "self#jumbf=c2pa.signature");
	created = cbor_new_definite_array(g->na);
	for (size_t i = 0; i < g->na; i++) {
		buf_clear(&url);
		buf_printf(&url, "self#jumbf=c2pa.assertions/%s", g->a[i].label);
		if (!cbor_array_push(created,
				     cbor_move(box_uri(url.ptr, &g->a[i].box))))
			abort();
	}
	cb_put(c, "created_assertions", created);
	cb_put_text(c, "dc:title", g->o->title);
	cb_put_text(c, "alg", "sha256");
	if ((rc = cb_encode(&claim, c)) ||
	    (rc = cose_sign1_ed25519(&cose, g->o->key, g->o->chain,
				     g->o->nchain, (const uint8_t *)claim.ptr,
				     claim.len)))
		goto done;

	jumbf_uuid(uuid, "c2pa");
	if ((rc = jumbf_super_begin(out, &store, uuid, "c2pa")))
		goto done;
	for (size_t i = 0; g->has_old && i < g->old.n; i++) {
		const struct jumbf_box *b = &g->old.j.v[g->old.m[i].box];

		buf_put(out, g->old.bytes.ptr + b->offset, b->size);
	}
	jumbf_uuid(uuid, "c2ma");
	jumbf_super_begin(out, &manifest, uuid, g->label);
	jumbf_uuid(uuid, "c2as");
	jumbf_super_begin(out, &box, uuid, "c2pa.assertions");
	for (size_t i = 0; i < g->na; i++)
		buf_put(out, g->a[i].box.ptr, g->a[i].box.len);
	jumbf_super_end(out, box);
	jumbf_put_super(out, "c2cl", "c2pa.claim.v2", "cbor", claim.ptr,
			claim.len);
	jumbf_put_super(out, "c2cs", "c2pa.signature", "cbor", cose.ptr,
			cose.len);
	jumbf_super_end(out, manifest);
	rc = jumbf_super_end(out, store);
done:
	if (c)
		cbor_decref(&c);
	buf_release(&claim);
	buf_release(&cose);
	buf_release(&url);
	return rc;
}

/* SHA-256 of the file without the bytes the exclusion names. */
static void binding_hash(uint8_t out[32], const struct buf *file,
			 const struct c2pa_exclusion *ex)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(c, file->ptr, ex->start) ||
	    !EVP_DigestUpdate(c, file->ptr + ex->start + ex->length,
			      file->len - ex->start - ex->length) ||
	    !EVP_DigestFinal_ex(c, out, NULL))
		abort();
	EVP_MD_CTX_free(c);
}

static int read_input(struct signing *g)
{
	struct jpeg_segments segs = { 0 };
	struct jpeg_c2pa app11 = { 0 };
	struct c2pa_verify_opts vo = { NULL, 0, g->o->now };
	int rc;

	if (g->n < 3 || g->in[0] != 0xff || g->in[1] != 0xd8)
		return prov_error_set(PROV_EINVALID, "not a JPEG file");
	if ((rc = jpeg_segments_parse(&segs, g->in, g->n)))
		goto done;
	rc = jpeg_c2pa_read(&app11, &segs, g->in, g->n);
	if (rc == PROV_ENOTFOUND) {
		rc = 0;
		goto done;
	}
	if (rc || (rc = c2pa_store_parse(&g->old, (const uint8_t *)app11.jumbf.ptr,
					 app11.jumbf.len))) {
		char *why = xstrdup(prov_error_last());

		prov_error_set(rc, "its manifest store cannot be read, so its "
				   "history cannot be kept: %s",
			       why);
		free(why);
		goto done;
	}
	g->has_old = 1;
	if ((rc = c2pa_verify(&g->old_result, g->in, g->n, &vo)))
		goto done;
done:
	jpeg_c2pa_release(&app11);
	jpeg_segments_release(&segs);
	return rc;
}

int c2pa_sign(struct buf *out, uint8_t binding[32], const uint8_t *in,
	      size_t n, const struct c2pa_sign_opts *o)
{
	struct signing g = { .o = o, .in = in, .n = n };
	struct c2pa_exclusion ex = { 0, 0 }, ex2;
	struct buf store = BUF_INIT, store2 = BUF_INIT;
	struct assertion *ingredient = NULL;
	uint8_t hash[32] = { 0 };
	char u[37];
	int rc;

	buf_clear(out);
	buf_init(&g.thumb, 0);
	if ((rc = read_input(&g)))
		goto done;
	if ((rc = image_thumbnail(&g.thumb, in, n, C2PA_THUMBNAIL_SIDE))) {
		char *why = xstrdup(prov_error_last());

		prov_error_set(rc, "no thumbnail: %s", why);
		free(why);
		goto done;
	}
	uuid4(u);
	snprintf(g.label, sizeof(g.label), "urn:c2pa:%s", u);
	uuid4(u);
	snprintf(g.instance, sizeof(g.instance), "xmp:iid:%s", u);

	if ((rc = thumbnail_assertion(&g.a[g.na++], &g.thumb)))
		goto done;
	if (g.has_old) {
		ingredient = &g.a[g.na];
		if ((rc = ingredient_assertion(&g, &g.a[g.na++])))
			goto done;
	}
	if ((rc = actions_assertion(&g, &g.a[g.na++], ingredient)))
		goto done;
	for (int k = 0; k < TRAINING_USES; k++)
		if (o->training[k]) {
			if ((rc = training_assertion(&g, &g.a[g.na++])))
				goto done;
			break;
		}
	if (o->link && (rc = cbor_assertion(&g.a[g.na++], C2PA_PROV_WORK,
					    cbor_incref(o->link))))
		goto done;
	buf_init(&g.a[g.na++].box, 0); /* c2pa.hash.data, made by assemble */

	/* Once to learn where the store goes, once with it. */
	if ((rc = assemble(&store, &g, &ex, hash)) ||
	    (rc = jpeg_c2pa_write(out, &ex, in, n, (const uint8_t *)store.ptr,
				  store.len)))
		goto done;
	binding_hash(hash, out, &ex);
	buf_clear(out);
	if ((rc = assemble(&store2, &g, &ex, hash)) ||
	    (rc = jpeg_c2pa_write(out, &ex2, in, n, (const uint8_t *)store2.ptr,
				  store2.len)))
		goto done;
	if (store2.len != store.len || ex2.start != ex.start ||
	    ex2.length != ex.length) {
		rc = prov_error_set(PROV_ERROR,
				    "C2PA: the manifest store moved or changed "
				    "size between passes");
		goto done;
	}
	if (binding)
		memcpy(binding, hash, 32);
done:
	if (rc)
		buf_clear(out);
	for (size_t i = 0; i < g.na; i++)
		buf_release(&g.a[i].box);
	buf_release(&g.thumb);
	buf_release(&store);
	buf_release(&store2);
	if (g.has_old)
		c2pa_result_release(&g.old_result);
	c2pa_store_release(&g.old);
	return rc;
}

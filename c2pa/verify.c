/*
 * Verifying a JPEG's content credentials: the active manifest's claim
 * signature, signer certificate, hashed URIs and hard binding, then the
 * manifests it names as ingredients, recursively. Each finding is a
 * status code of the C2PA specification, as the reference reader reports
 * them; the verdict follows from the failures.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "c2pa/c2pa.h"

struct ctx {
	const struct c2pa_store *s;
	const uint8_t *file;
	size_t n;
	const struct jpeg_c2pa *app11;
	const struct jpeg_segments *segs;
	const struct c2pa_verify_opts *o;
	uint8_t *visited; /* per manifest */
	struct c2pa_result *out;
};

static const EVP_MD *md_named(const char *alg)
{
	if (!alg || !strcmp(alg, "sha256"))
		return EVP_sha256();
	if (!strcmp(alg, "sha384"))
		return EVP_sha384();
	if (!strcmp(alg, "sha512"))
		return EVP_sha512();
	return NULL;
}

/* The hash of a superbox as hashed URIs cover it: its contents (the
 * description and content boxes) without its own header. */
static size_t box_hash(uint8_t out[EVP_MAX_MD_SIZE], const EVP_MD *md,
		       const struct c2pa_store *s, size_t box)
{
	const struct jumbf_box *b = &s->j.v[box];
	unsigned len = 0;

	if (!EVP_Digest(s->bytes.ptr + b->offset + b->header,
			b->size - b->header, out, &len, md, NULL))
		abort();
	return len;
}

/* "self#jumbf=/c2pa/<manifest>/..." for a URL as a claim wrote it. */
static void absolute(struct buf *out, const struct c2pa_manifest *m,
		     const char *url)
{
	buf_clear(out);
	if (!strncmp(url, "self#jumbf=/", 12))
		buf_puts(out, url);
	else
		buf_printf(out, "self#jumbf=/c2pa/%s/%s", m->label,
			   strncmp(url, "self#jumbf=", 11) ? url : url + 11);
}

static const char *last_part(const char *url)
{
	const char *slash = strrchr(url, '/');
	const char *eq = strchr(url, '=');

	return slash ? slash + 1 : eq ? eq + 1 : url;
}

/* Checks a hashed URI; the box it names in *box (0 when missing). */
static int check_uri(struct ctx *x, struct c2pa_report *r, size_t mi,
		     const struct c2pa_hashed_uri *u, const char *ok,
		     const char *mismatch, const char *missing, size_t *box)
{
	const struct c2pa_manifest *m = &x->s->m[mi];
	const EVP_MD *md = md_named(u->alg ? u->alg : m->alg);
	uint8_t h[EVP_MAX_MD_SIZE];
	struct buf abs = BUF_INIT;
	size_t len;
	int rc = PROV_EVERIFY;

	absolute(&abs, m, u->url);
	*box = c2pa_resolve(x->s, mi, u->url);
	if (!md) {
		c2pa_report_add(r, 1, "algorithm.unsupported", abs.ptr,
				"unsupported hash algorithm: %s",
				u->alg ? u->alg : m->alg);
	} else if (!*box) {
		c2pa_report_add(r, 1, missing, abs.ptr, "no box at %s",
				u->url);
	} else {
		len = box_hash(h, md, x->s, *box);
		if (len == u->hash_n && !memcmp(h, u->hash, len)) {
			c2pa_report_add(r, 0, ok, abs.ptr,
					"hashed uri matched: %s", u->url);
			rc = 0;
		} else {
			c2pa_report_add(r, 1, mismatch, abs.ptr,
					"hash does not match: %s", u->url);
		}
	}
	buf_release(&abs);
	return rc;
}

/* The content of an assertion box: its first content box's payload. */
static int assertion_cbor(cbor_item_t **out, const struct c2pa_store *s,
			  size_t box)
{
	const struct jumbf_box *b = &s->j.v[box];
	const struct jumbf_box *c;

	*out = NULL;
	if (!b->first)
		return PROV_EINVALID;
	c = &s->j.v[b->first];
	if (strcmp(c->type, "cbor"))
		return PROV_EINVALID;
	return cb_decode(out, (const uint8_t *)s->bytes.ptr + jumbf_payload(c),
			 c->size - c->header);
}

/* Whether every byte of [start, end) lies in one of the store's APP11
 * segments. They need not be next to each other: a segment between two
 * of them is image data the hard binding must cover. */
static int in_store(const struct ctx *x, size_t start, size_t end)
{
	while (start < end) {
		const struct jpeg_segment *g = NULL;
		size_t i;

		for (i = 0; i < x->app11->nseg; i++) {
			g = &x->segs->v[x->app11->seg[i]];
			if (g->offset <= start && start < g->offset + g->size)
				break;
		}
		if (i == x->app11->nseg)
			return 0;
		start = g->offset + g->size;
	}
	return 1;
}

/* The hard binding: SHA-2 of the file outside the exclusions, which may
 * only cover the manifest store's own segments. */
static void check_data_hash(struct ctx *x, struct c2pa_report *r, size_t box,
			    const char *url, const char *claim_alg)
{
	size_t hi = 0; /* the end of the store's last segment */
	cbor_item_t *a = NULL, *ex;
	const uint8_t *want;
	size_t want_n, at = 0;
	uint8_t h[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	char *alg = NULL;
	const EVP_MD *md;
	EVP_MD_CTX *c = NULL;
	const char *why = NULL;

	for (size_t i = 0; i < x->app11->nseg; i++) {
		const struct jpeg_segment *g = &x->segs->v[x->app11->seg[i]];

		if (g->offset + g->size > hi)
			hi = g->offset + g->size;
	}
	if (assertion_cbor(&a, x->s, box) || !cbor_isa_map(a) ||
	    cb_bytes(&want, &want_n, cb_get(a, "hash")) ||
	    !(ex = cb_get(a, "exclusions")) || !cbor_isa_array(ex)) {
		c2pa_report_add(r, 1, "assertion.dataHash.malformed", url,
				"the c2pa.hash.data assertion is malformed");
		goto done;
	}
	alg = cb_text(cb_get(a, "alg"));
	if (!(md = md_named(alg ? alg : claim_alg))) {
		c2pa_report_add(r, 1, "algorithm.unsupported", url,
				"unsupported hash algorithm");
		goto done;
	}
	if (!(c = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c, md, NULL))
		abort();
	for (size_t i = 0; i < cbor_array_size(ex); i++) {
		cbor_item_t *e = cbor_array_handle(ex)[i];
		int64_t start, length;

		if (cb_int(&start, cb_get(e, "start")) ||
		    cb_int(&length, cb_get(e, "length")) || start < 0 ||
		    length < 0 || (uint64_t)start < at ||
		    (uint64_t)length > x->n - (uint64_t)start ||
		    (uint64_t)start > x->n) {
			why = "an exclusion out of order or past the end";
			break;
		}
		if (!in_store(x, (size_t)start, (size_t)(start + length))) {
			why = "an exclusion outside the manifest store";
			break;
		}
		if (!EVP_DigestUpdate(c, x->file + at, (size_t)start - at))
			abort();
		at = (size_t)(start + length);
	}
	if (!why && at < hi)
		why = "the exclusions leave part of the manifest store in";
	if (why) {
		c2pa_report_add(r, 1, "assertion.dataHash.mismatch", url,
				"%s", why);
		goto done;
	}
	if (!EVP_DigestUpdate(c, x->file + at, x->n - at) ||
	    !EVP_DigestFinal_ex(c, h, &len))
		abort();
	if (len == want_n && !memcmp(h, want, len))
		c2pa_report_add(r, 0, "assertion.dataHash.match", url,
				"data hash valid");
	else
		c2pa_report_add(r, 1, "assertion.dataHash.mismatch", url,
				"the file's hash differs from the claim's");
done:
	EVP_MD_CTX_free(c);
	free(alg);
	if (a)
		cbor_decref(&a);
}

/* The signer's subject, "CN, O", for people to read. */
static char *signer_name(const struct buf *der)
{
	const unsigned char *p = (const unsigned char *)der->ptr;
	X509 *cert = d2i_X509(NULL, &p, (long)der->len);
	char cn[256] = "", o[256] = "";
	struct buf out = BUF_INIT;

	if (!cert)
		return NULL;
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName,
				  cn, sizeof(cn));
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
				  NID_organizationName, o, sizeof(o));
	X509_free(cert);
	buf_printf(&out, "%s%s%s", cn, *cn && *o ? ", " : "", o);
	return out.ptr;
}

static void check_signature(struct ctx *x, struct c2pa_report *r,
			    const struct c2pa_manifest *m, const char *url)
{
	struct cose_sign1 cose = { 0 };
	int64_t at = x->o->now, tst = 0;
	int rc;

	if (cose_sign1_parse(&cose, m->sig, m->sig_n)) {
		c2pa_report_add(r, 1, "claimSignature.mismatch", url, "%s",
				prov_error_last());
		goto done;
	}
	if (cose.tst.len) {
		rc = cose_sign1_tst_time(&tst, &cose, m->claim, m->claim_n);
		if (!rc) {
			c2pa_report_add(r, 0, "timeStamp.validated", url,
					"timestamp message digest matched");
			at = tst;
		} else {
			c2pa_report_add(r, 1,
					rc == PROV_EVERIFY ? "timeStamp.mismatch"
							   : "timeStamp.malformed",
					url, "%s", prov_error_last());
		}
	}
	if (!c2pa_cert_profile(r, url, cose.x5chain, cose.nx5, at))
		c2pa_report_add(r, 0, "claimSignature.insideValidity", url,
				"claim signature valid");
	if (!cose_sign1_verify(&cose, m->claim, m->claim_n))
		c2pa_report_add(r, 0, "claimSignature.validated", url,
				"claim signature valid");
	else
		c2pa_report_add(r, 1, "claimSignature.mismatch", url, "%s",
				prov_error_last());
	c2pa_cert_trust(r, url, cose.x5chain, cose.nx5, x->o->anchors,
			x->o->anchors_n, at);
	/* only the active manifest's: an ingredient's signer did not sign
	 * this file, even when the active signature is unreadable */
	if (r == &x->out->active && !x->out->signer && cose.nx5)
		x->out->signer = signer_name(&cose.x5chain[0]);
done:
	cose_sign1_release(&cose);
}

static void verify_manifest(struct ctx *x, size_t mi, struct c2pa_report *r,
			    int active, int depth);

/* {entries: {"cawg.ai_training": {use}, ...}}; the older assertion names
 * its entries "c2pa.ai_training". A use other than the three known is
 * left out. */
static void read_training(struct ctx *x, size_t box)
{
	static const char *const uses[] = { "allowed", "notAllowed",
					    "constrained" };
	cbor_item_t *a = NULL, *entries;

	if (assertion_cbor(&a, x->s, box) ||
	    !(entries = cb_get(a, "entries")))
		goto done;
	for (int u = 0; u < TRAINING_USES; u++) {
		char key[64];
		cbor_item_t *e;
		char *use;

		snprintf(key, sizeof(key), "cawg.%s", training_uses[u]);
		if (!(e = cb_get(entries, key))) {
			snprintf(key, sizeof(key), "c2pa.%s", training_uses[u]);
			e = cb_get(entries, key);
		}
		if (!(use = cb_text(cb_get(e, "use"))))
			continue;
		for (size_t k = 0; k < 3; k++)
			if (!strcmp(use, uses[k]))
				x->out->training[u] = uses[k];
		free(use);
	}
done:
	if (a)
		cbor_decref(&a);
}

/* The manifests this one names as ingredients, verified in turn. */
static void check_ingredient(struct ctx *x, struct c2pa_report *r, size_t mi,
			     size_t box, const char *url, int depth)
{
	cbor_item_t *a = NULL, *ref;
	struct c2pa_hashed_uri u = { 0 };
	size_t target, ti;

	if (assertion_cbor(&a, x->s, box) || !cbor_isa_map(a)) {
		c2pa_report_add(r, 1, "assertion.cbor.invalid", url,
				"the ingredient assertion is not a CBOR map");
		goto done;
	}
	if (!(ref = cb_get(a, "activeManifest")) &&
	    !(ref = cb_get(a, "c2pa_manifest")))
		goto done; /* an ingredient without content credentials */
	if (c2pa_hashed_uri_read(&u, ref)) {
		c2pa_report_add(r, 1, "assertion.cbor.invalid", url,
				"the ingredient's manifest reference is not a "
				"hashed URI");
		goto done;
	}
	if (check_uri(x, r, mi, &u, "ingredient.manifest.validated",
		      "ingredient.manifest.mismatch",
		      "ingredient.manifest.missing", &target))
		goto done;
	for (ti = 0; ti < x->s->n && x->s->m[ti].box != target; ti++)
		;
	if (ti == x->s->n) {
		c2pa_report_add(r, 1, "ingredient.manifest.missing", url,
				"the ingredient's reference is not a manifest");
		goto done;
	}
	verify_manifest(x, ti, &x->out->ingredients, 0, depth + 1);
done:
	free(u.url);
	free(u.alg);
	if (a)
		cbor_decref(&a);
}

static int is_child(const struct jumbf *j, size_t parent, size_t box)
{
	for (size_t c = parent ? j->v[parent].first : 0; c; c = j->v[c].next)
		if (c == box)
			return 1;
	return 0;
}

/* 0 when box (resolved from a claim's hashed URI) is an assertion of
 * manifest mi; else reports why not. An absolute URL can name another
 * manifest's assertion or a box that is no assertion at all, and the
 * claim must not borrow either. */
static int own_assertion(struct ctx *x, struct c2pa_report *r, size_t mi,
			 size_t box, const char *url)
{
	const struct c2pa_store *s = x->s;

	if (!box || is_child(&s->j, s->m[mi].assertions_box, box))
		return 0; /* a missing box is check_uri's to report */
	for (size_t k = 0; k < s->n; k++)
		if (k != mi && is_child(&s->j, s->m[k].assertions_box, box)) {
			c2pa_report_add(r, 1, "assertion.outsideManifest",
					url, "%s is an assertion of another "
					     "manifest, %s",
					url, s->m[k].label);
			return PROV_EVERIFY;
		}
	c2pa_report_add(r, 1, "assertion.missing", url,
			"%s is not in the manifest's assertion store", url);
	return PROV_EVERIFY;
}

static void verify_manifest(struct ctx *x, size_t mi, struct c2pa_report *r,
			    int active, int depth)
{
	const struct c2pa_manifest *m = &x->s->m[mi];
	struct buf base = BUF_INIT, url = BUF_INIT;
	size_t hard = 0;

	if (x->visited[mi] || depth > C2PA_INGREDIENT_DEPTH_MAX)
		return;
	x->visited[mi] = 1;
	buf_printf(&base, "self#jumbf=/c2pa/%s", m->label);
	if (m->problem_code && !m->claim_item) {
		c2pa_report_add(r, 1, m->problem_code, base.ptr, "%s",
				m->problem);
		goto done;
	}
	if (m->problem_code)
		c2pa_report_add(r, 1, m->problem_code, base.ptr, "%s",
				m->problem);
	buf_printf(&url, "%s/c2pa.signature", base.ptr);
	if (m->sig)
		check_signature(x, r, m, url.ptr);
	for (size_t i = 0; i < m->nassertions; i++) {
		const struct c2pa_hashed_uri *u = &m->assertions[i];
		const char *label = last_part(u->url);
		size_t box;

		if (own_assertion(x, r, mi, c2pa_resolve(x->s, mi, u->url),
				  u->url) ||
		    check_uri(x, r, mi, u, "assertion.hashedURI.match",
			      "assertion.hashedURI.mismatch", "assertion.missing",
			      &box))
			continue;
		absolute(&url, m, u->url);
		if (!strncmp(label, "c2pa.hash.data", 14) && i < m->ncreated) {
			if (active && !hard)
				check_data_hash(x, r, box, url.ptr, m->alg);
			hard++;
		} else if (!strncmp(label, "c2pa.hash.", 10) && i < m->ncreated) {
			/* another kind (boxes, BMFF, collection): not checked
			 * here, so it cannot vouch for the file's bytes */
			if (active && !hard)
				c2pa_report_add(r, 1, "general.error", url.ptr,
						"%s is a hard binding prov "
						"does not check; only "
						"c2pa.hash.data is",
						label);
			hard++;
		} else if (!strncmp(label, "c2pa.ingredient", 15)) {
			check_ingredient(x, r, mi, box, url.ptr, depth);
		} else if (active && (!strcmp(label, "cawg.training-mining") ||
				      !strcmp(label, "c2pa.training-mining"))) {
			read_training(x, box);
		}
	}
	if (!hard)
		c2pa_report_add(r, 1, "claim.hardBindings.missing", base.ptr,
				"the claim has no hard binding");
done:
	buf_release(&base);
	buf_release(&url);
}

static int fails(const struct c2pa_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].failure &&
		    strcmp(r->v[i].code, "signingCredential.untrusted"))
			return 1;
	return 0;
}

int c2pa_verify(struct c2pa_result *out, const uint8_t *data, size_t n,
		const struct c2pa_verify_opts *o)
{
	struct jpeg_segments segs = { 0 };
	struct jpeg_c2pa app11 = { 0 };
	struct ctx x = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if (n < 3 || data[0] != 0xff || data[1] != 0xd8 || data[2] != 0xff)
		return prov_error_set(PROV_EINVALID, "not a JPEG file");
	out->state = C2PA_INVALID;
	if ((rc = jpeg_segments_parse(&segs, data, n)) ||
	    (rc = jpeg_c2pa_read(&app11, &segs, data, n))) {
		if (rc == PROV_ENOTFOUND)
			out->state = C2PA_NONE;
		else
			c2pa_report_add(&out->active, 1, "general.error", NULL,
					"%s", prov_error_last());
		rc = 0;
		goto done;
	}
	if (c2pa_store_parse(&out->store, (const uint8_t *)app11.jumbf.ptr,
			     app11.jumbf.len)) {
		c2pa_report_add(&out->active, 1, "general.error", NULL, "%s",
				prov_error_last());
		goto done;
	}
	out->has_store = 1;
	out->active_index = out->store.n - 1;
	x = (struct ctx){ &out->store, data, n, &app11, &segs, o,
			  xcalloc(out->store.n, 1), out };
	verify_manifest(&x, out->active_index, &out->active, 1, 0);
	free(x.visited);
	/* As the reference reader: what is wrong with an ingredient's
	 * manifest is reported, but the verdict is the active manifest's. */
	if (fails(&out->active))
		out->state = C2PA_INVALID;
	else if (c2pa_report_has_success(&out->active,
					 "signingCredential.trusted"))
		out->state = C2PA_TRUSTED;
	else
		out->state = C2PA_VALID;
done:
	jpeg_c2pa_release(&app11);
	jpeg_segments_release(&segs);
	return rc;
}

void c2pa_result_release(struct c2pa_result *r)
{
	c2pa_report_release(&r->active);
	c2pa_report_release(&r->ingredients);
	c2pa_store_release(&r->store);
	free(r->signer);
	memset(r, 0, sizeof(*r));
}

const char *c2pa_state_name(enum c2pa_state s)
{
	switch (s) {
	case C2PA_NONE:
		return "none";
	case C2PA_INVALID:
		return "invalid";
	case C2PA_VALID:
		return "valid";
	case C2PA_TRUSTED:
		return "trusted";
	}
	return "invalid";
}

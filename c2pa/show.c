/*
 * The manifest store as JSON, laid out close to the reference reader's
 * (c2pa-rs Reader::json): the active manifest's label, each manifest with
 * its claim fields, assertions, ingredients and signature, and the
 * validation results.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/x509.h>

#include "c2pa/c2pa.h"

static json_t *item_json(const cbor_item_t *it, int depth);

static json_t *map_json(const cbor_item_t *it, int depth)
{
	json_t *o = json_object();
	struct cbor_pair *p = cbor_map_handle(it);

	for (size_t i = 0; i < cbor_map_size(it); i++) {
		char *k = cb_text(p[i].key);
		int64_t v;
		char num[24];

		if (!k && !cb_int(&v, p[i].key)) {
			snprintf(num, sizeof(num), "%lld", (long long)v);
			k = xstrdup(num);
		}
		if (k && utf8_valid(k))
			json_object_set_new(o, k, item_json(p[i].value, depth + 1));
		free(k);
	}
	return o;
}

/* Byte strings become base64 text; strings that are not UTF-8 become
 * null, since JSON cannot hold them. */
static json_t *item_json(const cbor_item_t *it, int depth)
{
	int64_t v;

	if (depth > CBOR_DEPTH_MAX)
		return json_null();
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_UINT:
	case CBOR_TYPE_NEGINT:
		if (!cb_int(&v, it))
			return json_integer(v);
		return json_real(cbor_isa_uint(it) ? (double)cbor_get_int(it)
						   : -1.0 - (double)cbor_get_int(it));
	case CBOR_TYPE_BYTESTRING: {
		const uint8_t *p;
		size_t n;
		struct buf b = BUF_INIT;
		json_t *s;

		if (cb_bytes(&p, &n, it))
			return json_null();
		base64_encode(&b, p, n);
		s = json_string(b.ptr);
		buf_release(&b);
		return s;
	}
	case CBOR_TYPE_STRING: {
		char *s = cb_text(it);
		json_t *j = s && utf8_valid(s) ? json_string(s)
							   : json_null();
		free(s);
		return j;
	}
	case CBOR_TYPE_ARRAY: {
		json_t *a = json_array();

		for (size_t i = 0; i < cbor_array_size(it); i++)
			json_array_append_new(
				a, item_json(cbor_array_handle(it)[i], depth + 1));
		return a;
	}
	case CBOR_TYPE_MAP:
		return map_json(it, depth);
	case CBOR_TYPE_TAG: {
		cbor_item_t *t = cbor_tag_item(it);
		json_t *j = item_json(t, depth + 1);

		cbor_decref(&t);
		return j;
	}
	case CBOR_TYPE_FLOAT_CTRL:
		/* cbor_is_bool asserts on a float: test for a control first */
		if (!cbor_float_ctrl_is_ctrl(it))
			return json_real(cbor_float_get_float(it));
		if (cbor_is_bool(it))
			return json_boolean(cbor_get_bool(it));
		return json_null();
	}
	return json_null();
}

static json_t *report_json(const struct c2pa_report *r, int failure)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n; i++) {
		json_t *s;
		char *why;

		if (r->v[i].failure != failure)
			continue;
		/* an explanation may quote the file (a URL, a label): JSON
		 * holds only UTF-8, and json_pack would drop the entry */
		why = utf8_sanitize(r->v[i].explanation);
		s = json_pack("{s:s, s:s}", "code", r->v[i].code,
			      "explanation", why);
		free(why);
		if (r->v[i].url && utf8_valid(r->v[i].url))
			json_object_set_new(s, "url", json_string(r->v[i].url));
		json_array_append_new(a, s);
	}
	return a;
}

json_t *c2pa_report_json(const struct c2pa_report *r)
{
	json_t *all = json_array();

	for (int f = 1; f >= 0; f--) {
		json_t *part = report_json(r, f);

		json_array_extend(all, part);
		json_decref(part);
	}
	return all;
}

static const char *alg_name(int alg)
{
	switch (alg) {
	case COSE_EDDSA:
		return "Ed25519";
	case COSE_ES256:
		return "Es256";
	case COSE_ES384:
		return "Es384";
	case COSE_ES512:
		return "Es512";
	case COSE_PS256:
		return "Ps256";
	case COSE_PS384:
		return "Ps384";
	case COSE_PS512:
		return "Ps512";
	}
	return "unknown";
}

static json_t *signature_json(const struct c2pa_manifest *m)
{
	struct cose_sign1 c = { 0 };
	json_t *o = json_object();
	const unsigned char *p;
	X509 *cert = NULL;
	char text[256];
	int64_t at;

	if (!m->sig || cose_sign1_parse(&c, m->sig, m->sig_n))
		goto done;
	json_object_set_new(o, "alg", json_string(alg_name(c.alg)));
	if (c.nx5 && (p = (const unsigned char *)c.x5chain[0].ptr) &&
	    (cert = d2i_X509(NULL, &p, (long)c.x5chain[0].len))) {
		const X509_NAME *s = X509_get_subject_name(cert);
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert),
						NULL);
		char *dec = bn ? BN_bn2dec(bn) : NULL;

		if (X509_NAME_get_text_by_NID(s, NID_organizationName, text,
					      sizeof(text)) > 0 &&
		    utf8_valid(text))
			json_object_set_new(o, "issuer", json_string(text));
		if (X509_NAME_get_text_by_NID(s, NID_commonName, text,
					      sizeof(text)) > 0 &&
		    utf8_valid(text))
			json_object_set_new(o, "common_name", json_string(text));
		if (dec)
			json_object_set_new(o, "cert_serial_number",
					    json_string(dec));
		OPENSSL_free(dec);
		BN_free(bn);
		X509_free(cert);
	}
	if (c.tst.len && !cose_sign1_tst_time(&at, &c, m->claim, m->claim_n)) {
		time_rfc3339(text, at);
		json_object_set_new(o, "time", json_string(text));
	}
done:
	cose_sign1_release(&c);
	return o;
}

/* An assertion: CBOR or JSON content as data, anything else (an embedded
 * thumbnail) by its media type and where it is. */
static json_t *assertion_json(const struct c2pa_store *s, size_t mi,
			      const char *url)
{
	size_t box = c2pa_resolve(s, mi, url);
	const struct jumbf_box *b, *c;
	const char *label = strrchr(url, '/');
	json_t *o = json_pack("{s:s}", "label", label ? label + 1 : url);
	cbor_item_t *it = NULL;
	const uint8_t *p;
	size_t n;

	if (!box || !s->j.v[box].first)
		return o;
	b = &s->j.v[box];
	c = &s->j.v[b->first];
	p = (const uint8_t *)s->bytes.ptr + jumbf_payload(c);
	n = c->size - c->header;
	if (!strcmp(c->type, "cbor") && !cb_decode(&it, p, n)) {
		json_object_set_new(o, "data", item_json(it, 0));
		cbor_decref(&it);
	} else if (!strcmp(c->type, "json")) {
		json_t *j = json_loadb((const char *)p, n, JSON_DECODE_ANY, NULL);

		json_object_set_new(o, "data", j ? j : json_null());
		json_object_set_new(o, "kind", json_string("Json"));
	} else if (!strcmp(c->type, "bfdb") && c->size > c->header + 1 &&
		   memchr(p + 1, 0, n - 1)) {
		if (utf8_valid((const char *)p + 1))
			json_object_set_new(o, "format",
					    json_string((const char *)p + 1));
		json_object_set_new(o, "identifier", json_string(url));
	}
	return o;
}

static json_t *manifest_json(const struct c2pa_store *s, size_t mi)
{
	const struct c2pa_manifest *m = &s->m[mi];
	json_t *o = json_object(), *assertions = json_array();
	json_t *ingredients = json_array();
	cbor_item_t *gen;

	json_object_set_new(o, "label", json_string(m->label));
	json_object_set_new(o, "claim_version", json_integer(m->claim_version));
	if (m->title && utf8_valid(m->title))
		json_object_set_new(o, "title", json_string(m->title));
	if (m->instance_id && utf8_valid(m->instance_id))
		json_object_set_new(o, "instance_id",
				    json_string(m->instance_id));
	if ((gen = cb_get(m->claim_item, "claim_generator_info"))) {
		json_t *g = item_json(gen, 0);

		if (!json_is_array(g))
			g = json_pack("[o]", g);
		json_object_set_new(o, "claim_generator_info", g);
	}
	for (size_t i = 0; i < m->nassertions; i++) {
		const char *url = m->assertions[i].url;
		json_t *a;

		if (!utf8_valid(url))
			continue;
		a = assertion_json(s, mi, url);
		if (strstr(url, "c2pa.ingredient") && json_object_get(a, "data"))
			json_array_append(ingredients, json_object_get(a, "data"));
		json_array_append_new(assertions, a);
	}
	json_object_set_new(o, "assertions", assertions);
	json_object_set_new(o, "ingredients", ingredients);
	json_object_set_new(o, "signature_info", signature_json(m));
	if (m->problem_code)
		json_object_set_new(o, "problem",
				    json_pack("{s:s, s:s}", "code",
					      m->problem_code, "explanation",
					      m->problem));
	return o;
}

json_t *c2pa_result_json(const struct c2pa_result *r)
{
	static const char *const states[] = { "None", "Invalid", "Valid",
					      "Trusted" };
	json_t *o = json_object(), *ms = json_object();

	if (r->has_store) {
		json_object_set_new(o, "active_manifest",
				    json_string(r->store.m[r->active_index].label));
		for (size_t i = 0; i < r->store.n; i++)
			if (utf8_valid(r->store.m[i].label))
				json_object_set_new(ms, r->store.m[i].label,
						    manifest_json(&r->store, i));
	}
	json_object_set_new(o, "manifests", ms);
	json_object_set_new(o, "validation_state",
			    json_string(states[r->state]));
	json_object_set_new(o, "validation_status",
			    report_json(&r->active, 1));
	json_object_set_new(
		o, "validation_results",
		json_pack("{s:{s:o, s:[], s:o}, s:o}", "activeManifest",
			  "success", report_json(&r->active, 0),
			  "informational", "failure",
			  report_json(&r->active, 1), "ingredients",
			  c2pa_report_json(&r->ingredients)));
	return o;
}

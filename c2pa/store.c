/*
 * The manifest store: the manifests in a C2PA JUMBF store, each with its
 * claim (decoded), the hashed URIs of its assertions and its signature
 * box. What is wrong with one manifest is kept as its problem (a status
 * code and why) instead of failing the whole store, so a verifier can
 * report it as the reference reader does.
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

static int is_uuid(const struct jumbf_box *b, const char fourcc[4])
{
	uint8_t u[16];

	jumbf_uuid(u, fourcc);
	return b->super && !memcmp(b->uuid, u, 16);
}

static void problem(struct c2pa_manifest *m, const char *code,
		    const char *why)
{
	if (m->problem_code)
		return;
	m->problem_code = code;
	m->problem = xstrdup(why);
}

/* A hashed URI map {url, hash, ?alg}. */
int c2pa_hashed_uri_read(struct c2pa_hashed_uri *out, const cbor_item_t *it)
{
	memset(out, 0, sizeof(*out));
	if (!cbor_isa_map(it) || !(out->url = cb_text(cb_get(it, "url"))) ||
	    cb_bytes(&out->hash, &out->hash_n, cb_get(it, "hash"))) {
		free(out->url);
		out->url = NULL;
		return PROV_EINVALID;
	}
	if (cb_get(it, "alg") && !(out->alg = cb_text(cb_get(it, "alg")))) {
		free(out->url);
		out->url = NULL;
		return PROV_EINVALID;
	}
	return 0;
}

static int add_uris(struct c2pa_manifest *m, const cbor_item_t *list)
{
	cbor_item_t **v;

	if (!cbor_isa_array(list))
		return PROV_EINVALID;
	v = cbor_array_handle(list);
	for (size_t i = 0; i < cbor_array_size(list); i++) {
		struct c2pa_hashed_uri u;

		if (c2pa_hashed_uri_read(&u, v[i]))
			return PROV_EINVALID;
		m->assertions = xrealloc(m->assertions, (m->nassertions + 1) *
								sizeof(*m->assertions));
		m->assertions[m->nassertions++] = u;
	}
	return 0;
}

static const char *const claim_v2_keys[] = {
	"instanceID",	  "claim_generator_info", "signature",
	"created_assertions", "gathered_assertions", "redacted_assertions",
	"dc:title",	  "alg",		  "alg_soft",
	"specVersion",	  "metadata",		  NULL,
};

static const char *unknown_key(const cbor_item_t *claim)
{
	struct cbor_pair *p = cbor_map_handle(claim);

	for (size_t i = 0; i < cbor_map_size(claim); i++) {
		size_t k = 0;

		if (!cbor_isa_string(p[i].key) ||
		    !cbor_string_is_definite(p[i].key))
			return "a key that is not text";
		for (; claim_v2_keys[k]; k++)
			if (cbor_string_length(p[i].key) ==
				    strlen(claim_v2_keys[k]) &&
			    !memcmp(cbor_string_handle(p[i].key),
				    claim_v2_keys[k], strlen(claim_v2_keys[k])))
				break;
		if (!claim_v2_keys[k])
			return "a key the claim v2 does not define";
	}
	return NULL;
}

/* Reads the claim of m (its box found), setting m's problem if it is
 * malformed. */
static void read_claim(struct c2pa_manifest *m, const struct c2pa_store *s)
{
	const struct jumbf *j = &s->j;
	const struct jumbf_box *b = &j->v[m->claim_box];
	const struct jumbf_box *c = b->first ? &j->v[b->first] : NULL;
	const cbor_item_t *list;
	const char *bad;

	if (!c || strcmp(c->type, "cbor"))
		return problem(m, "claim.malformed",
			       "the claim box holds no CBOR box");
	m->claim = (const uint8_t *)s->bytes.ptr + jumbf_payload(c);
	m->claim_n = c->size - c->header;
	if (cb_decode(&m->claim_item, m->claim, m->claim_n))
		return problem(m, "claim.cbor.invalid", prov_error_last());
	if (!cbor_isa_map(m->claim_item))
		return problem(m, "claim.malformed", "the claim is not a map");
	m->alg = cb_text(cb_get(m->claim_item, "alg"));
	m->title = cb_text(cb_get(m->claim_item, "dc:title"));
	m->instance_id = cb_text(cb_get(m->claim_item, "instanceID"));
	m->signature_url = cb_text(cb_get(m->claim_item, "signature"));
	if (!m->signature_url)
		return problem(m, "claim.malformed",
			       "the claim names no signature");
	if (m->claim_version == 2) {
		if ((bad = unknown_key(m->claim_item)))
			return problem(m, "claim.malformed", bad);
		if (!m->instance_id ||
		    !cbor_isa_map(cb_get(m->claim_item,
					 "claim_generator_info")))
			return problem(m, "claim.malformed",
				       "the claim lacks instanceID or "
				       "claim_generator_info");
		if (!(list = cb_get(m->claim_item, "created_assertions")) ||
		    add_uris(m, list))
			return problem(m, "claim.malformed",
				       "created_assertions is not a list of "
				       "hashed URIs");
		m->ncreated = m->nassertions;
		if ((list = cb_get(m->claim_item, "gathered_assertions")) &&
		    add_uris(m, list))
			return problem(m, "claim.malformed",
				       "gathered_assertions is not a list of "
				       "hashed URIs");
	} else {
		if (!(list = cb_get(m->claim_item, "assertions")) ||
		    add_uris(m, list))
			return problem(m, "claim.malformed",
				       "assertions is not a list of hashed "
				       "URIs");
		m->ncreated = m->nassertions;
	}
}

static void read_manifest(struct c2pa_manifest *m, const struct c2pa_store *s,
			  size_t box)
{
	const struct jumbf *j = &s->j;
	const struct jumbf_box *sig;

	m->box = box;
	m->label = xstrdup(j->v[box].label ? j->v[box].label : "");
	m->assertions_box = jumbf_child(j, box, "c2pa.assertions");
	if ((m->claim_box = jumbf_child(j, box, "c2pa.claim.v2")))
		m->claim_version = 2;
	else if ((m->claim_box = jumbf_child(j, box, "c2pa.claim")))
		m->claim_version = 1;
	m->sig_box = jumbf_child(j, box, "c2pa.signature");
	if (!m->claim_box)
		return problem(m, "claim.missing", "the manifest has no claim");
	read_claim(m, s);
	if (!m->sig_box)
		return problem(m, "claimSignature.missing",
			       "the manifest has no signature box");
	sig = &j->v[m->sig_box];
	if (!sig->first || strcmp(j->v[sig->first].type, "cbor"))
		return problem(m, "claimSignature.missing",
			       "the signature box holds no CBOR box");
	m->sig = (const uint8_t *)s->bytes.ptr +
		 jumbf_payload(&j->v[sig->first]);
	m->sig_n = j->v[sig->first].size - j->v[sig->first].header;
}

int c2pa_store_parse(struct c2pa_store *out, const uint8_t *p, size_t n)
{
	const struct jumbf *j = &out->j;
	int rc;

	memset(out, 0, sizeof(*out));
	buf_init(&out->bytes, 0);
	if ((rc = buf_put(&out->bytes, p, n)))
		return rc;
	if ((rc = jumbf_parse(&out->j, (const uint8_t *)out->bytes.ptr, n)))
		return rc;
	if (!j->n || !is_uuid(&j->v[0], "c2pa") || j->v[0].next)
		return prov_error_set(PROV_EINVALID,
				      "C2PA: the JUMBF is not one manifest "
				      "store");
	for (size_t c = j->v[0].first; c; c = j->v[c].next) {
		struct c2pa_manifest *m;

		if (!is_uuid(&j->v[c], "c2ma") && !is_uuid(&j->v[c], "c2um"))
			continue;
		out->m = xrealloc(out->m, (out->n + 1) * sizeof(*out->m));
		m = &out->m[out->n++];
		memset(m, 0, sizeof(*m));
		read_manifest(m, out, c);
	}
	if (!out->n)
		return prov_error_set(PROV_EINVALID,
				      "C2PA: the manifest store holds no "
				      "manifest");
	return 0;
}

void c2pa_store_release(struct c2pa_store *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct c2pa_manifest *m = &s->m[i];

		for (size_t k = 0; k < m->nassertions; k++) {
			free(m->assertions[k].url);
			free(m->assertions[k].alg);
		}
		free(m->assertions);
		if (m->claim_item)
			cbor_decref(&m->claim_item);
		free(m->label);
		free(m->alg);
		free(m->title);
		free(m->instance_id);
		free(m->signature_url);
		free(m->problem);
	}
	free(s->m);
	jumbf_release(&s->j);
	buf_release(&s->bytes);
	memset(s, 0, sizeof(*s));
}

size_t c2pa_resolve(const struct c2pa_store *s, size_t manifest,
		    const char *url)
{
	const struct jumbf *j = &s->j;
	const char *p;
	size_t at;

	if (strncmp(url, "self#jumbf=", 11))
		return 0;
	p = url + 11;
	if (*p == '/') {
		p++;
		if (strncmp(p, "c2pa/", 5) && strcmp(p, "c2pa"))
			return 0;
		p += 4;
		at = 0;
		if (!*p)
			return 0;
		p++;
	} else {
		at = s->m[manifest].box;
	}
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		size_t c;

		for (c = j->v[at].first; c; c = j->v[c].next)
			if (j->v[c].super && j->v[c].label &&
			    strlen(j->v[c].label) == len &&
			    !memcmp(j->v[c].label, p, len))
				break;
		if (!c)
			return 0;
		at = c;
		p += len;
		if (*p == '/')
			p++;
	}
	return at;
}

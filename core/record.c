/* Records: a canonical (JCS) JSON payload in a DSSE envelope. The id is
 * the SHA-256 of the canonical payload, so it names the claim, not the
 * signatures on it. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define RECORD_MAX (16u << 20)

static const char *const kinds[] = {
	"work", "license", "optout", "dataset", "run", "model", "usage",
	"challenge", "resolution", "anchor", "payout", NULL,
};

int record_kind_valid(const char *kind)
{
	for (size_t i = 0; kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

static void payload_type(struct buf *out, const char *kind)
{
	buf_printf(out, PAYLOAD_TYPE_PREFIX "%s" PAYLOAD_TYPE_SUFFIX, kind);
}

int record_create(struct buf *envelope, char id[RECORD_ID_MAX],
		  const json_t *payload, const struct key *k)
{
	const char *kind = json_string_value(json_object_get(payload, "kind"));
	struct buf canon = BUF_INIT, type = BUF_INIT;
	uint8_t digest[32];
	int rc;

	if (!kind || !record_kind_valid(kind))
		return prov_error_set(PROV_EINVALID, "record without a known kind");
	if ((rc = jcs_encode(&canon, payload)))
		goto done;
	sha256_buf(digest, canon.ptr, canon.len);
	sha256_id(id, digest);
	payload_type(&type, kind);
	rc = dsse_sign(envelope, type.ptr, canon.ptr, canon.len, k);
done:
	buf_release(&canon);
	buf_release(&type);
	return rc;
}

void record_free(struct record *r)
{
	if (!r)
		return;
	json_decref(r->payload);
	dsse_release(&r->env);
	buf_release(&r->raw);
	free(r);
}

int record_parse(struct record **out, const char *data, size_t n)
{
	struct record *r = xcalloc(1, sizeof(*r));
	struct buf canon = BUF_INIT;
	const char *type, *kind;
	size_t plen = strlen(PAYLOAD_TYPE_PREFIX), slen = strlen(PAYLOAD_TYPE_SUFFIX);
	size_t tlen;
	uint8_t digest[32];
	int rc;

	*out = NULL;
	buf_init(&r->raw, RECORD_MAX);
	if ((rc = buf_put(&r->raw, data, n)) ||
	    (rc = dsse_parse(&r->env, data, n)))
		goto done;
	type = r->env.payload_type;
	tlen = strlen(type);
	if (tlen <= plen + slen || strncmp(type, PAYLOAD_TYPE_PREFIX, plen) ||
	    strcmp(type + tlen - slen, PAYLOAD_TYPE_SUFFIX) ||
	    tlen - plen - slen >= sizeof(r->kind)) {
		rc = prov_error_set(PROV_EINVALID, "unknown payloadType '%s'", type);
		goto done;
	}
	memcpy(r->kind, type + plen, tlen - plen - slen);
	if (!record_kind_valid(r->kind)) {
		rc = prov_error_set(PROV_EINVALID, "unknown record kind '%s'",
				    r->kind);
		goto done;
	}
	if ((rc = json_parse(&r->payload, r->env.payload.ptr, r->env.payload.len,
			     "payload")))
		goto done;
	kind = json_string_value(json_object_get(r->payload, "kind"));
	if (!json_is_object(r->payload) || !kind || strcmp(kind, r->kind)) {
		rc = prov_error_set(PROV_EINVALID,
				    "payload kind does not match payloadType '%s'",
				    type);
		goto done;
	}
	/* A non-canonical payload would let two byte strings carry one claim. */
	if ((rc = jcs_encode(&canon, r->payload)))
		goto done;
	if (canon.len != r->env.payload.len ||
	    memcmp(canon.ptr, r->env.payload.ptr, canon.len)) {
		rc = prov_error_set(PROV_EVERIFY, "payload is not in canonical form");
		goto done;
	}
	sha256_buf(digest, canon.ptr, canon.len);
	sha256_id(r->id, digest);
	*out = r;
	r = NULL;
done:
	record_free(r);
	buf_release(&canon);
	return rc;
}

/* The payload field naming who makes the claim; that key must have signed
 * it, or anyone could publish claims in another's name. */
static const char *actor_field(const char *kind)
{
	static const struct {
		const char *kind, *field;
	} actors[] = {
		{ "work", "creator" }, { "optout", "by" }, { "license", "by" },
		{ "dataset", "curator" }, { "model", "owner" },
		{ "usage", "operator" }, { "challenge", "by" },
		{ "resolution", "by" },
	};

	for (size_t i = 0; i < sizeof(actors) / sizeof(*actors); i++)
		if (!strcmp(kind, actors[i].kind))
			return actors[i].field;
	return NULL;
}

int record_verify(const struct record *r)
{
	const char *field = actor_field(r->kind), *actor;
	int rc = dsse_verify(&r->env);

	if (rc)
		return prov_error_wrap("record %s", r->id);
	if (!field || !json_object_get(r->payload, field))
		return 0;
	actor = json_string_value(json_object_get(r->payload, field));
	for (size_t i = 0; actor && i < r->env.nsigs; i++)
		if (!strcmp(r->env.sigs[i].keyid, actor))
			return 0;
	return prov_error_set(PROV_EVERIFY,
			      "record %s: its %s '%s' did not sign it", r->id,
			      field, actor ? actor : "(not a string)");
}

static const char *work_content_hash(const json_t *payload)
{
	const char *h = json_string_value(
		json_object_get(json_object_get(payload, "content"), "sha256"));
	uint8_t d[32];

	/* Lowercase only: one content, one spelling, one folder. */
	return h && strlen(h) == 64 && strspn(h, "0123456789abcdef") == 64 &&
			       !hex_decode(d, 32, h, 64) ?
		       h :
		       NULL;
}

int record_store_path(struct buf *out, const char *kind, const char *id,
		      const json_t *payload)
{
	const char *hex = id + 7;
	uint8_t d[32];

	/* ids can come from other records' fields: untrusted */
	if (sha256_id_parse(d, id) || strncmp(id, "sha256:", 7))
		return prov_error_set(PROV_EINVALID, "'%.80s' is not a record id",
				      id);
	if (!strcmp(kind, "work")) {
		const char *h = work_content_hash(payload);
		if (!h)
			return prov_error_set(PROV_EINVALID,
					      "work %s has no content.sha256", id);
		return buf_printf(out, "works/%.2s/%.2s/%s/%s.json", h, h + 2, h,
				  hex);
	}
	return buf_printf(out, "records/%s/%.2s/%s.json", kind, hex, hex);
}

int record_path(struct buf *out, const struct record *r)
{
	return record_store_path(out, r->kind, r->id, r->payload);
}

int record_path_check(const struct record *r, const char *path)
{
	struct buf want = BUF_INIT;
	int rc = record_path(&want, r);

	if (!rc && strcmp(want.ptr, path))
		rc = prov_error_set(PROV_EVERIFY,
				    "'%s' holds record %s, which belongs at '%s'",
				    path, r->id, want.ptr);
	buf_release(&want);
	return rc;
}

/* Records: a canonical (JCS) JSON payload in a DSSE envelope. The id is
 * the SHA-256 of the canonical payload, so it names the claim, not the
 * signatures on it. */
#include <stdio.h>
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

/* A run is an in-toto Statement (docs/records.md), so in-toto tooling
 * reads it: it is known by its predicateType, and carries no "kind". */
static int statement_kind(char kind[32], const json_t *payload)
{
	const char *type = json_string_value(json_object_get(payload, "_type"));
	const char *pred =
		json_string_value(json_object_get(payload, "predicateType"));

	if (!json_is_object(payload) || json_object_get(payload, "kind"))
		return prov_error_set(PROV_EINVALID,
				      "an in-toto statement has no 'kind'");
	if (!type || strcmp(type, INTOTO_STATEMENT_TYPE))
		return prov_error_set(PROV_EINVALID,
				      "payload is not an in-toto Statement v1 "
				      "(_type must be '" INTOTO_STATEMENT_TYPE "')");
	if (!pred || strcmp(pred, RUN_PREDICATE_TYPE))
		return prov_error_set(PROV_EINVALID,
				      "unknown in-toto predicateType '%s' "
				      "(expected '" RUN_PREDICATE_TYPE "')",
				      pred ? pred : "(none)");
	memcpy(kind, "run", sizeof("run"));
	return 0;
}

/* The kind of a payload to sign, and the payloadType it is signed under. */
static int payload_kind(char kind[32], struct buf *type, const json_t *payload)
{
	const char *k = json_string_value(json_object_get(payload, "kind"));
	int rc;

	if (json_object_get(payload, "_type")) {
		if (!(rc = statement_kind(kind, payload)))
			buf_puts(type, INTOTO_PAYLOAD_TYPE);
		return rc;
	}
	if (!k || !record_kind_valid(k))
		return prov_error_set(PROV_EINVALID, "record without a known kind");
	if (!strcmp(k, "run"))
		return prov_error_set(PROV_EINVALID,
				      "a run record is an in-toto statement, "
				      "not a payload with a 'kind'");
	snprintf(kind, 32, "%s", k);
	payload_type(type, k);
	return 0;
}

int record_create(struct buf *envelope, char id[RECORD_ID_MAX],
		  const json_t *payload, const struct key *k)
{
	struct buf canon = BUF_INIT, type = BUF_INIT;
	char kind[32];
	uint8_t digest[32];
	int rc;

	if ((rc = payload_kind(kind, &type, payload)) ||
	    (rc = jcs_encode(&canon, payload)))
		goto done;
	sha256_buf(digest, canon.ptr, canon.len);
	sha256_id(id, digest);
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

/* The kind a prov payloadType names; "" for in-toto's, which names none. */
static int type_kind(char kind[32], const char *type)
{
	size_t plen = strlen(PAYLOAD_TYPE_PREFIX), slen = strlen(PAYLOAD_TYPE_SUFFIX);
	size_t tlen = strlen(type);

	if (!strcmp(type, INTOTO_PAYLOAD_TYPE)) {
		kind[0] = '\0';
		return 0;
	}
	if (tlen <= plen + slen || strncmp(type, PAYLOAD_TYPE_PREFIX, plen) ||
	    strcmp(type + tlen - slen, PAYLOAD_TYPE_SUFFIX) ||
	    tlen - plen - slen >= 32)
		return prov_error_set(PROV_EINVALID, "unknown payloadType '%s'", type);
	memcpy(kind, type + plen, tlen - plen - slen);
	kind[tlen - plen - slen] = '\0';
	if (!record_kind_valid(kind))
		return prov_error_set(PROV_EINVALID, "unknown record kind '%s'",
				      kind);
	/* One claim, one spelling: a run is only ever an in-toto statement. */
	if (!strcmp(kind, "run"))
		return prov_error_set(PROV_EINVALID,
				      "payloadType '%s': a run record is an in-toto "
				      "statement ('" INTOTO_PAYLOAD_TYPE "')",
				      type);
	return 0;
}

/* The payload matches its payloadType: the kind it names, or for in-toto
 * a statement prov knows. Sets r->kind. */
static int kind_check(struct record *r)
{
	const char *kind;

	if (!r->kind[0])
		return statement_kind(r->kind, r->payload);
	kind = json_string_value(json_object_get(r->payload, "kind"));
	if (!json_is_object(r->payload) || !kind || strcmp(kind, r->kind))
		return prov_error_set(PROV_EINVALID,
				      "payload kind does not match payloadType '%s'",
				      r->env.payload_type);
	return 0;
}

int record_parse(struct record **out, const char *data, size_t n)
{
	struct record *r = xcalloc(1, sizeof(*r));
	struct buf canon = BUF_INIT;
	uint8_t digest[32];
	int rc;

	*out = NULL;
	buf_init(&r->raw, RECORD_MAX);
	if ((rc = buf_put(&r->raw, data, n)) ||
	    (rc = dsse_parse(&r->env, data, n)) ||
	    (rc = type_kind(r->kind, r->env.payload_type)) ||
	    (rc = json_parse(&r->payload, r->env.payload.ptr, r->env.payload.len,
			     "payload")) ||
	    (rc = kind_check(r)))
		goto done;
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

/* Who makes the claim, as a path of members in the payload; that key must
 * have signed it, or anyone could publish claims in another's name. Where
 * the format requires the actor, a record without one is refused; for the
 * others an absent actor is a claim by no one in particular. */
static const struct actor {
	const char *kind, *path;
	int required;
} actors[] = {
	{ "work", "creator", 1 },	{ "optout", "by", 1 },
	{ "license", "by", 0 },		{ "dataset", "curator", 1 },
	{ "model", "owner", 1 },	{ "usage", "operator", 1 },
	{ "payout", "by", 1 },
	{ "challenge", "by", 1 },	{ "resolution", "by", 1 },
	{ "run", "predicate.provider", 1 },	{ "anchor", "by", 1 },
};

static const struct actor *actor_of(const char *kind)
{
	for (size_t i = 0; i < sizeof(actors) / sizeof(*actors); i++)
		if (!strcmp(kind, actors[i].kind))
			return &actors[i];
	return NULL;
}

/* The member at a dotted path ("predicate.provider"), or NULL. */
static const json_t *member_at(const json_t *v, const char *path)
{
	char name[32];

	while (v && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(name))
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		v = json_object_get(v, name);
		path += n + (path[n] == '.');
	}
	return v;
}

int record_verify(const struct record *r)
{
	const struct actor *a = actor_of(r->kind);
	const json_t *v;
	const char *actor;
	int rc = dsse_verify(&r->env);

	if (rc)
		return prov_error_wrap("record %s", r->id);
	if (!a)
		return 0;
	if (!(v = member_at(r->payload, a->path)) && !a->required)
		return 0;
	actor = json_string_value(v);
	for (size_t i = 0; actor && i < r->env.nsigs; i++)
		if (!strcmp(r->env.sigs[i].keyid, actor))
			return 0;
	return prov_error_set(PROV_EVERIFY,
			      "record %s: its %s '%s' did not sign it", r->id,
			      a->path, actor ? actor : v ? "(not a string)" : "(none)");
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
	const char *hex;
	uint8_t d[32];

	/* ids can come from other records' fields: untrusted */
	if (sha256_id_parse(d, id) || strncmp(id, "sha256:", 7))
		return prov_error_set(PROV_EINVALID, "'%.80s' is not a record id",
				      id);
	hex = id + 7;
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

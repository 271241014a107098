/* DSSE envelopes (github.com/secure-systems-lab/dsse): a payload, its type,
 * and signatures over the pre-authentication encoding (PAE), so a signature
 * cannot be replayed onto a payload of another type. Key ids are did:keys. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define DSSE_MAX_SIGS 64

int dsse_pae(struct buf *out, const char *type, const void *body, size_t n)
{
	buf_printf(out, "DSSEv1 %zu %s %zu ", strlen(type), type, n);
	return buf_put(out, body, n);
}

int dsse_sign(struct buf *out, const char *payload_type, const void *payload,
	      size_t n, const struct key *k)
{
	struct buf pae = BUF_INIT, b64 = BUF_INIT;
	uint8_t sig[64];
	json_t *env = NULL, *s;
	int rc;

	dsse_pae(&pae, payload_type, payload, n);
	if ((rc = key_sign(sig, k, pae.ptr, pae.len)))
		goto done;
	env = json_object();
	base64_encode(&b64, payload, n);
	json_object_set_new(env, "payload", json_stringn(b64.ptr, b64.len));
	json_object_set_new(env, "payloadType", json_string(payload_type));
	buf_clear(&b64);
	base64_encode(&b64, sig, sizeof(sig));
	s = json_pack("{s:s, s:s%}", "keyid", k->did, "sig", b64.ptr, b64.len);
	json_object_set_new(env, "signatures", json_pack("[o]", s));
	rc = jcs_encode(out, env);
done:
	json_decref(env);
	buf_release(&pae);
	buf_release(&b64);
	return rc;
}

void dsse_release(struct dsse *env)
{
	for (size_t i = 0; i < env->nsigs; i++)
		free(env->sigs[i].keyid);
	free(env->sigs);
	free(env->payload_type);
	buf_release(&env->payload);
	memset(env, 0, sizeof(*env));
	buf_init(&env->payload, 0);
}

int dsse_parse(struct dsse *out, const char *json, size_t n)
{
	json_t *doc = NULL, *sigs, *s;
	const char *type, *payload;
	uint8_t pk[32];
	size_t i, plen;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	buf_init(&out->payload, 0);
	if ((rc = json_parse(&doc, json, n, "envelope")))
		return rc;
	type = json_string_value(json_object_get(doc, "payloadType"));
	payload = json_string_value(json_object_get(doc, "payload"));
	sigs = json_object_get(doc, "signatures");
	if (!json_is_object(doc) || !type || !payload || !json_is_array(sigs) ||
	    json_array_size(sigs) == 0 || json_array_size(sigs) > DSSE_MAX_SIGS) {
		rc = prov_error_set(PROV_EINVALID,
				    "envelope: needs payloadType, payload and "
				    "1-%d signatures",
				    DSSE_MAX_SIGS);
		goto done;
	}
	plen = strlen(payload);
	if ((rc = buf_grow(&out->payload, plen)) ||
	    (rc = base64_decode((uint8_t *)out->payload.ptr, plen + 1,
				&out->payload.len, payload, plen))) {
		prov_error_wrap("envelope payload");
		goto done;
	}
	out->payload.ptr[out->payload.len] = '\0';
	out->payload_type = xstrdup(type);
	out->sigs = xcalloc(json_array_size(sigs), sizeof(*out->sigs));
	json_array_foreach (sigs, i, s) {
		const char *keyid = json_string_value(json_object_get(s, "keyid"));
		const char *sig = json_string_value(json_object_get(s, "sig"));
		size_t got = 0;
		if (!keyid || !sig || did_to_pk(pk, keyid) ||
		    base64_decode(out->sigs[i].sig, 64, &got, sig, strlen(sig)) ||
		    got != 64) {
			rc = prov_error_set(PROV_EINVALID,
					    "envelope: signature %zu is not an "
					    "Ed25519 did:key signature",
					    i + 1);
			goto done;
		}
		out->sigs[i].keyid = xstrdup(keyid);
		out->nsigs++;
	}
done:
	if (rc)
		dsse_release(out);
	json_decref(doc);
	return rc;
}

int dsse_verify(const struct dsse *env)
{
	struct buf pae = BUF_INIT;
	uint8_t pk[32];
	int rc = 0;

	dsse_pae(&pae, env->payload_type, env->payload.ptr, env->payload.len);
	for (size_t i = 0; i < env->nsigs && !rc; i++) {
		if ((rc = did_to_pk(pk, env->sigs[i].keyid)))
			break;
		if (ed25519_verify(env->sigs[i].sig, pk, pae.ptr, pae.len))
			rc = prov_error_set(PROV_EVERIFY,
					    "signature by %s does not verify",
					    env->sigs[i].keyid);
	}
	buf_release(&pae);
	return rc;
}

/*
 * COSE_Sign1 (RFC 9052) as C2PA uses it for a claim signature:
 *   18([protected bstr {1: alg, 33: x5chain}, unprotected {...}, nil,
 *       signature bstr])
 * with the claim as the detached payload, and RFC 3161 timestamps in the
 * unprotected header ("sigTst" v1, "sigTst2" v2).
 *
 * Bounds on untrusted input (a real signature is 5 to 20 KB): the whole
 * COSE_Sign1 at most COSE_INPUT_MAX (2 MiB), checked by cb_decode (every
 * length within the input, nesting bounded) before libcbor loads it;
 * x5chain 1 to COSE_CERTS_MAX (16) certificates of 1 to COSE_CERT_MAX
 * (65535) bytes; a signature of 1 to COSE_SIG_MAX (2048) bytes; one
 * timestamp token of 1 to COSE_TST_MAX (65536) bytes. The headers, the
 * chain and the timestamp container must be definite-length items.
 *
 * libcbor 0.8's decoder rejects the one-byte form of tags 6 to 20, so the
 * outer tag 18 is read here.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "c2pa/c2pa.h"

#define COSE_INPUT_MAX (2u << 20)
#define COSE_CERTS_MAX 16
#define COSE_CERT_MAX 65535
#define COSE_SIG_MAX 2048
#define COSE_TST_MAX 65536

/* One item from exactly n bytes through the shared bounds check (cbor.c);
 * *out NULL after a failure. */
static int cbor_parse(cbor_item_t **out, const uint8_t *p, size_t n,
		      const char *what)
{
	int rc = cb_decode(out, p, n);

	if (rc)
		prov_error_wrap("%s", what);
	return rc;
}

static int is_bytes(const cbor_item_t *i)
{
	return cbor_isa_bytestring(i) && cbor_bytestring_is_definite(i);
}

static int label_int(const cbor_item_t *k, uint64_t v)
{
	return cbor_isa_uint(k) && cbor_get_int(k) == v;
}

static int label_text(const cbor_item_t *k, const char *s)
{
	size_t n = strlen(s);

	return cbor_isa_string(k) && cbor_string_is_definite(k) &&
	       cbor_string_length(k) == n &&
	       !memcmp(cbor_string_handle(k), s, n);
}

/* ---- parsing ----------------------------------------------------------- */

static const struct alg {
	int id;
	const char *name;
	char kind; /* 'e' ECDSA, 'p' RSA-PSS, 'd' EdDSA */
	const EVP_MD *(*md)(void);
	int curve;    /* ECDSA: the NID the key's curve must be */
	size_t coord; /* ECDSA: bytes of r and of s */
} algs[] = {
	{ COSE_EDDSA, "EdDSA", 'd', NULL, 0, 0 },
	{ COSE_ES256, "ES256", 'e', EVP_sha256, NID_X9_62_prime256v1, 32 },
	{ COSE_ES384, "ES384", 'e', EVP_sha384, NID_secp384r1, 48 },
	{ COSE_ES512, "ES512", 'e', EVP_sha512, NID_secp521r1, 66 },
	{ COSE_PS256, "PS256", 'p', EVP_sha256, 0, 0 },
	{ COSE_PS384, "PS384", 'p', EVP_sha384, 0, 0 },
	{ COSE_PS512, "PS512", 'p', EVP_sha512, 0, 0 },
};

static const struct alg *alg_find(int id)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(*algs); i++)
		if (algs[i].id == id)
			return &algs[i];
	return NULL;
}

static int read_alg(int *out, const cbor_item_t *v)
{
	char show[SHOW_SIZE];
	int64_t id;

	if (cbor_isa_string(v) && cbor_string_is_definite(v))
		return prov_error_set(
			PROV_EINVALID, "COSE_Sign1: unsupported algorithm '%s'",
			prov_show(show, (const char *)cbor_string_handle(v),
				  cbor_string_length(v)));
	if (cb_int(&id, v))
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: the algorithm is not an "
				      "integer");
	if (id < INT_MIN || id > INT_MAX || !alg_find((int)id))
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: unsupported algorithm %lld "
				      "(C2PA allows -7, -35, -36, -37, -38, "
				      "-39, -8)",
				      (long long)id);
	*out = (int)id;
	return 0;
}

static int read_chain(struct cose_sign1 *out, const cbor_item_t *v)
{
	cbor_item_t *one[1];
	cbor_item_t **certs = one;
	size_t n = 1;

	if (is_bytes(v)) {
		one[0] = (cbor_item_t *)v;
	} else if (cbor_isa_array(v) && cbor_array_is_definite(v)) {
		certs = cbor_array_handle(v);
		n = cbor_array_size(v);
	} else {
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: x5chain is neither a byte "
				      "string nor an array");
	}
	if (n == 0 || n > COSE_CERTS_MAX)
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: x5chain holds %zu "
				      "certificates (1 to %d allowed)",
				      n, COSE_CERTS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!is_bytes(certs[i]))
			return prov_error_set(PROV_EINVALID,
					      "COSE_Sign1: x5chain[%zu] is not "
					      "a byte string",
					      i);
		if (cbor_bytestring_length(certs[i]) == 0 ||
		    cbor_bytestring_length(certs[i]) > COSE_CERT_MAX)
			return prov_error_set(PROV_EINVALID,
					      "COSE_Sign1: x5chain[%zu] of %zu "
					      "bytes (1 to %d allowed)",
					      i, cbor_bytestring_length(certs[i]),
					      COSE_CERT_MAX);
	}
	out->x5chain = xcalloc(n, sizeof(*out->x5chain));
	out->nx5 = n;
	for (size_t i = 0; i < n; i++) {
		buf_init(&out->x5chain[i], 0);
		buf_put(&out->x5chain[i], cbor_bytestring_handle(certs[i]),
			cbor_bytestring_length(certs[i]));
	}
	return 0;
}

/* tstContainer = {"tstTokens": [{"val": bstr}]} */
static int read_tst(struct cose_sign1 *out, const cbor_item_t *v,
		    const char *label)
{
	const cbor_item_t *tokens = NULL, *val = NULL;
	struct cbor_pair *p;

	if (!cbor_isa_map(v) || !cbor_map_is_definite(v))
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: %s is not a map", label);
	p = cbor_map_handle(v);
	for (size_t i = 0; i < cbor_map_size(v); i++)
		if (label_text(p[i].key, "tstTokens"))
			tokens = p[i].value;
	if (!tokens || !cbor_isa_array(tokens) ||
	    !cbor_array_is_definite(tokens))
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: %s has no tstTokens array",
				      label);
	/* The reference reader takes no time from a container holding
	 * several tokens; neither do we. */
	if (cbor_array_size(tokens) != 1)
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: %s holds %zu tokens "
				      "(one allowed)",
				      label, cbor_array_size(tokens));
	v = cbor_array_handle(tokens)[0];
	if (cbor_isa_map(v) && cbor_map_is_definite(v)) {
		p = cbor_map_handle(v);
		for (size_t i = 0; i < cbor_map_size(v); i++)
			if (label_text(p[i].key, "val"))
				val = p[i].value;
	}
	if (!val || !is_bytes(val))
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: the %s token has no val "
				      "byte string",
				      label);
	if (cbor_bytestring_length(val) == 0 ||
	    cbor_bytestring_length(val) > COSE_TST_MAX)
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: a %s token of %zu bytes "
				      "(1 to %d allowed)",
				      label, cbor_bytestring_length(val),
				      COSE_TST_MAX);
	buf_put(&out->tst, cbor_bytestring_handle(val),
		cbor_bytestring_length(val));
	out->tst_v2 = !strcmp(label, "sigTst2");
	return 0;
}

int cose_sign1_parse(struct cose_sign1 *out, const uint8_t *data, size_t n)
{
	cbor_item_t *top = NULL, *prot = NULL, **v;
	const cbor_item_t *x5 = NULL, *x5u = NULL, *tst = NULL, *alg = NULL;
	const char *tst_label = NULL;
	struct cbor_pair *p;
	size_t skip;
	int rc;

	memset(out, 0, sizeof(*out));
	buf_init(&out->protected_hdr, 0);
	buf_init(&out->signature, 0);
	buf_init(&out->tst, 0);
	if (n > COSE_INPUT_MAX) {
		rc = prov_error_set(PROV_EINVALID,
				    "COSE_Sign1 of %zu bytes (at most %u "
				    "allowed)",
				    n, COSE_INPUT_MAX);
		goto done;
	}
	/* tag 18, in its one-byte form or (not preferred, still valid) as
	 * 0xd8 0x12; libcbor 0.8 cannot decode the first */
	if (n >= 1 && data[0] == 0xd2) {
		skip = 1;
	} else if (n >= 2 && data[0] == 0xd8 && data[1] == 0x12) {
		skip = 2;
	} else {
		rc = prov_error_set(PROV_EINVALID,
				    "not a COSE_Sign1: no tag 18 at the start");
		goto done;
	}
	rc = cbor_parse(&top, data + skip, n - skip, "COSE_Sign1");
	if (rc)
		goto done;
	if (!cbor_isa_array(top) || !cbor_array_is_definite(top) ||
	    cbor_array_size(top) != 4) {
		rc = prov_error_set(PROV_EINVALID,
				    "not a COSE_Sign1: not an array of 4 items");
		goto done;
	}
	v = cbor_array_handle(top);
	rc = PROV_EINVALID;
	if (!is_bytes(v[0])) {
		prov_error_set(rc, "COSE_Sign1: the protected header is not a "
				   "byte string");
		goto done;
	}
	if (!cbor_isa_map(v[1]) || !cbor_map_is_definite(v[1])) {
		prov_error_set(rc, "COSE_Sign1: the unprotected header is not "
				   "a map");
		goto done;
	}
	/* cbor_is_null asserts on a float in libcbor 0.8: ask is_ctrl first */
	if (!cbor_isa_float_ctrl(v[2]) || !cbor_float_ctrl_is_ctrl(v[2]) ||
	    cbor_ctrl_value(v[2]) != CBOR_CTRL_NULL) {
		prov_error_set(rc, "COSE_Sign1: the payload is not detached "
				   "(nil)");
		goto done;
	}
	if (!is_bytes(v[3]) || cbor_bytestring_length(v[3]) == 0 ||
	    cbor_bytestring_length(v[3]) > COSE_SIG_MAX) {
		prov_error_set(rc, "COSE_Sign1: the signature is not a byte "
				   "string of 1 to %d bytes",
			       COSE_SIG_MAX);
		goto done;
	}
	buf_put(&out->protected_hdr, cbor_bytestring_handle(v[0]),
		cbor_bytestring_length(v[0]));
	buf_put(&out->signature, cbor_bytestring_handle(v[3]),
		cbor_bytestring_length(v[3]));

	if (out->protected_hdr.len == 0) {
		prov_error_set(rc, "COSE_Sign1: the protected header is empty "
				   "(no algorithm)");
		goto done;
	}
	rc = cbor_parse(&prot, (const uint8_t *)out->protected_hdr.ptr,
			out->protected_hdr.len, "COSE_Sign1 protected header");
	if (rc)
		goto done;
	rc = PROV_EINVALID;
	if (!cbor_isa_map(prot) || !cbor_map_is_definite(prot)) {
		prov_error_set(rc, "COSE_Sign1: the protected header is not "
				   "a map");
		goto done;
	}
	p = cbor_map_handle(prot);
	for (size_t i = 0; i < cbor_map_size(prot); i++) {
		const cbor_item_t **slot = NULL;
		if (label_int(p[i].key, 1))
			slot = &alg;
		else if (label_int(p[i].key, 33) ||
			 label_text(p[i].key, "x5chain"))
			slot = &x5;
		if (!slot)
			continue;
		if (*slot) {
			prov_error_set(rc, "COSE_Sign1: %s twice in the "
					   "protected header",
				       slot == &alg ? "alg" : "x5chain");
			goto done;
		}
		*slot = p[i].value;
	}
	/* The unprotected header: as the reference reader, x5chain only
	 * under its text label, and the first timestamp container. */
	p = cbor_map_handle(v[1]);
	for (size_t i = 0; i < cbor_map_size(v[1]); i++) {
		if (label_text(p[i].key, "x5chain")) {
			if (x5u) {
				prov_error_set(rc, "COSE_Sign1: x5chain twice "
						   "in the unprotected header");
				goto done;
			}
			x5u = p[i].value;
		} else if (!tst && (label_text(p[i].key, "sigTst") ||
				    label_text(p[i].key, "sigTst2"))) {
			tst = p[i].value;
			tst_label = label_text(p[i].key, "sigTst") ? "sigTst"
								   : "sigTst2";
		}
	}
	if (!alg) {
		prov_error_set(rc, "COSE_Sign1: no algorithm in the protected "
				   "header");
		goto done;
	}
	rc = read_alg(&out->alg, alg);
	if (rc)
		goto done;
	if (x5 && x5u) {
		rc = prov_error_set(PROV_EINVALID,
				    "COSE_Sign1: x5chain in both the protected "
				    "and the unprotected header");
		goto done;
	}
	if (!x5 && !x5u) {
		rc = prov_error_set(PROV_EINVALID,
				    "COSE_Sign1: no x5chain (signing "
				    "certificate)");
		goto done;
	}
	rc = read_chain(out, x5 ? x5 : x5u);
	if (!rc && tst)
		rc = read_tst(out, tst, tst_label);
done:
	if (top)
		cbor_decref(&top);
	if (prot)
		cbor_decref(&prot);
	return rc;
}

void cose_sign1_release(struct cose_sign1 *c)
{
	for (size_t i = 0; i < c->nx5; i++)
		buf_release(&c->x5chain[i]);
	free(c->x5chain);
	c->x5chain = NULL;
	c->nx5 = 0;
	buf_release(&c->protected_hdr);
	buf_release(&c->signature);
	buf_release(&c->tst);
}

/* ---- encoding ---------------------------------------------------------- */

typedef size_t (*head_fn)(size_t, unsigned char *, size_t);

static void put_head(struct buf *b, head_fn f, size_t v)
{
	unsigned char h[9];
	size_t n = f(v, h, sizeof(h));

	if (n == 0 || buf_put(b, h, n))
		abort(); /* 9 bytes hold any head; b has no maximum */
}

static size_t enc_uint(size_t v, unsigned char *b, size_t n)
{
	return cbor_encode_uint(v, b, n);
}

static size_t enc_negint(size_t v, unsigned char *b, size_t n)
{
	return cbor_encode_negint(v, b, n);
}

static size_t enc_tag(size_t v, unsigned char *b, size_t n)
{
	return cbor_encode_tag(v, b, n);
}

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	put_head(b, cbor_encode_bytestring_start, n);
	if (buf_put(b, p, n))
		abort();
}

/* Sig_structure (RFC 9052 4.4) without sign_protected, as C2PA uses it
 * for "Signature1" and for timestamps ("CounterSignature"): [context,
 * body_protected, external_aad h'', payload]. */
static void sig_structure(struct buf *out, const char *context,
			  const struct buf *prot, const uint8_t *payload,
			  size_t n)
{
	put_head(out, cbor_encode_array_start, 4);
	put_head(out, cbor_encode_string_start, strlen(context));
	buf_puts(out, context);
	put_bytes(out, prot->ptr, prot->len);
	put_bytes(out, "", 0);
	put_bytes(out, payload, n);
}

/* ---- verifying --------------------------------------------------------- */

static int leaf_key(EVP_PKEY **out, const struct cose_sign1 *c)
{
	const unsigned char *p = (const unsigned char *)c->x5chain[0].ptr;
	X509 *x;

	*out = NULL;
	if (!c->nx5)
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: no signing certificate");
	x = d2i_X509(NULL, &p, (long)c->x5chain[0].len);
	if (!x || p != (const unsigned char *)c->x5chain[0].ptr +
				c->x5chain[0].len) {
		X509_free(x);
		ERR_clear_error();
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: x5chain[0] is not a DER "
				      "X.509 certificate");
	}
	*out = X509_get_pubkey(x);
	X509_free(x);
	if (!*out) {
		ERR_clear_error();
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: cannot read the public key "
				      "of x5chain[0]");
	}
	return 0;
}

/* r || s (RFC 9053 2.1) as the DER ECDSA-Sig-Value OpenSSL verifies. */
static int ecdsa_der(struct buf *out, const struct alg *a, const struct buf *sig)
{
	ECDSA_SIG *s = NULL;
	BIGNUM *r = NULL, *ss = NULL;
	unsigned char *der = NULL;
	int len, rc = 0;

	if (sig->len != 2 * a->coord)
		return prov_error_set(PROV_EVERIFY,
				      "COSE_Sign1: an %s signature of %zu "
				      "bytes (%zu expected)",
				      a->name, sig->len, 2 * a->coord);
	r = BN_bin2bn((const unsigned char *)sig->ptr, (int)a->coord, NULL);
	ss = BN_bin2bn((const unsigned char *)sig->ptr + a->coord,
		       (int)a->coord, NULL);
	s = ECDSA_SIG_new();
	if (!r || !ss || !s || !ECDSA_SIG_set0(s, r, ss))
		abort(); /* out of memory */
	len = i2d_ECDSA_SIG(s, &der);
	if (len <= 0)
		abort();
	buf_put(out, der, (size_t)len);
	OPENSSL_free(der);
	ECDSA_SIG_free(s); /* owns r and ss */
	return rc;
}

static int check_key(const struct alg *a, EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);
	char group[80];
	size_t glen = 0;

	if (a->kind == 'd' && id == EVP_PKEY_ED25519)
		return 0;
	if (a->kind == 'p' && (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS))
		return 0;
	if (a->kind == 'e' && id == EVP_PKEY_EC) {
		if (EVP_PKEY_get_group_name(k, group, sizeof(group), &glen) &&
		    OBJ_txt2nid(group) == a->curve)
			return 0;
		ERR_clear_error();
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: %s needs a key on %s, the "
				      "certificate's is on %s",
				      a->name, OBJ_nid2sn(a->curve),
				      glen ? group : "an unknown curve");
	}
	return prov_error_set(PROV_EINVALID,
			      "COSE_Sign1: %s does not suit the "
			      "certificate's %s key",
			      a->name,
			      id == EVP_PKEY_ED25519 ? "Ed25519"
			      : id == EVP_PKEY_EC    ? "EC"
			      : id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS
				      ? "RSA"
				      : "other");
}

int cose_sign1_verify(const struct cose_sign1 *c, const uint8_t *payload,
		      size_t n)
{
	const struct alg *a = alg_find(c->alg);
	struct buf tbs = BUF_INIT, der = BUF_INIT;
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	const struct buf *sig = &c->signature;
	int rc;

	if (!a)
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: unsupported algorithm %d",
				      c->alg);
	rc = leaf_key(&k, c);
	if (rc)
		goto done;
	rc = check_key(a, k);
	if (rc)
		goto done;
	sig_structure(&tbs, "Signature1", &c->protected_hdr, payload, n);
	if (a->kind == 'd') {
		uint8_t pk[32];
		size_t pklen = sizeof(pk);
		if (!EVP_PKEY_get_raw_public_key(k, pk, &pklen) || pklen != 32) {
			ERR_clear_error();
			rc = prov_error_set(PROV_EINVALID,
					    "COSE_Sign1: cannot read the "
					    "Ed25519 key");
			goto done;
		}
		if (sig->len != crypto_sign_BYTES ||
		    crypto_sign_verify_detached((const uint8_t *)sig->ptr,
						(const uint8_t *)tbs.ptr,
						tbs.len, pk))
			rc = prov_error_set(PROV_EVERIFY,
					    "COSE_Sign1: the EdDSA signature "
					    "does not match");
		goto done;
	}
	if (a->kind == 'e') {
		rc = ecdsa_der(&der, a, sig);
		if (rc)
			goto done;
		sig = &der;
	}
	mctx = EVP_MD_CTX_new();
	if (!mctx)
		abort();
	if (EVP_DigestVerifyInit(mctx, &pctx, a->md(), NULL, k) != 1 ||
	    (a->kind == 'p' &&
	     (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, a->md()) != 1 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) !=
		      1))) {
		ERR_clear_error();
		rc = prov_error_set(PROV_EINVALID,
				    "COSE_Sign1: the certificate's key cannot "
				    "verify %s",
				    a->name);
		goto done;
	}
	if (EVP_DigestVerify(mctx, (const unsigned char *)sig->ptr, sig->len,
			     (const unsigned char *)tbs.ptr, tbs.len) != 1) {
		ERR_clear_error();
		rc = prov_error_set(PROV_EVERIFY,
				    "COSE_Sign1: the %s signature does not "
				    "match",
				    a->name);
	}
done:
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(k);
	buf_release(&tbs);
	buf_release(&der);
	return rc;
}

/* ---- timestamps -------------------------------------------------------- */

/* The token as CMS: val is a TimeStampToken (a ContentInfo; sigTst2, and
 * some sigTst writers), or a whole TimeStampResp (sigTst as specified). */
static int token_cms(CMS_ContentInfo **out, const struct buf *val)
{
	const unsigned char *p = (const unsigned char *)val->ptr;
	const unsigned char *end = p + val->len;
	unsigned char *der = NULL;
	TS_RESP *resp = NULL;
	int len, rc = 0;

	*out = d2i_CMS_ContentInfo(NULL, &p, (long)val->len);
	if (*out && p == end)
		return 0;
	CMS_ContentInfo_free(*out);
	*out = NULL;
	p = (const unsigned char *)val->ptr;
	resp = d2i_TS_RESP(NULL, &p, (long)val->len);
	if (!resp || p != end) {
		rc = prov_error_set(PROV_EINVALID,
				    "timestamp: not an RFC 3161 token or "
				    "response");
		goto done;
	}
	if (ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
		    TS_RESP_get_status_info(resp))) > 1 ||
	    !TS_RESP_get_token(resp)) {
		rc = prov_error_set(PROV_EINVALID,
				    "timestamp: the response grants no token");
		goto done;
	}
	len = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	p = der;
	if (len <= 0 || !(*out = d2i_CMS_ContentInfo(NULL, &p, len)))
		rc = prov_error_set(PROV_EINVALID,
				    "timestamp: cannot read the response's "
				    "token");
done:
	OPENSSL_free(der);
	TS_RESP_free(resp);
	ERR_clear_error();
	return rc;
}

int cose_sign1_tst_time(int64_t *at, const struct cose_sign1 *c,
			const uint8_t *payload, size_t n)
{
	struct buf sigbstr = BUF_INIT, tbs = BUF_INIT;
	CMS_ContentInfo *cms = NULL;
	TS_TST_INFO *info = NULL;
	STACK_OF(X509) *signers = NULL;
	ASN1_OCTET_STRING **content;
	ASN1_TIME *epoch = NULL;
	const unsigned char *p;
	const EVP_MD *md;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	TS_MSG_IMPRINT *mi;
	int day, sec, rc;

	*at = 0;
	if (!c->tst.len)
		return prov_error_set(PROV_ENOTFOUND,
				      "the signature has no timestamp");
	/* What the token's imprint hashes (C2PA 2.x, "Time-stamps"): a
	 * CounterSignature structure over the protected header and, for v1,
	 * the claim; for v2, the signature as a CBOR byte string, so that the
	 * token counter-signs the finished signature. */
	if (c->tst_v2) {
		put_bytes(&sigbstr, c->signature.ptr, c->signature.len);
		payload = (const uint8_t *)sigbstr.ptr;
		n = sigbstr.len;
	}
	sig_structure(&tbs, "CounterSignature", &c->protected_hdr, payload, n);

	rc = token_cms(&cms, &c->tst);
	if (rc)
		goto done;
	rc = PROV_EINVALID;
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo ||
	    !(content = CMS_get0_content(cms)) || !*content) {
		prov_error_set(rc, "timestamp: the token holds no TSTInfo");
		goto done;
	}
	/* The token's signature and its signed attributes are checked; its
	 * signer's chain is NOT checked against any trust root here: this
	 * says when, given that the TSA is believed. */
	if (CMS_verify(cms, NULL, NULL, NULL, NULL,
		       CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		rc = prov_error_set(PROV_EVERIFY,
				    "timestamp: the token's signature does not "
				    "verify");
		goto done;
	}
	p = ASN1_STRING_get0_data(*content);
	info = d2i_TS_TST_INFO(NULL, &p, ASN1_STRING_length(*content));
	if (!info || p != ASN1_STRING_get0_data(*content) +
				  ASN1_STRING_length(*content)) {
		prov_error_set(rc, "timestamp: malformed TSTInfo");
		goto done;
	}
	mi = TS_TST_INFO_get_msg_imprint(info);
	md = EVP_get_digestbyobj(TS_MSG_IMPRINT_get_algo(mi)->algorithm);
	if (!md || (EVP_MD_get_type(md) != NID_sha256 &&
		    EVP_MD_get_type(md) != NID_sha384 &&
		    EVP_MD_get_type(md) != NID_sha512)) {
		prov_error_set(rc, "timestamp: the imprint's hash is not "
				   "SHA-256, SHA-384 or SHA-512");
		goto done;
	}
	if (EVP_Digest(tbs.ptr, tbs.len, digest, &dlen, md, NULL) != 1)
		abort();
	if (ASN1_STRING_length(TS_MSG_IMPRINT_get_msg(mi)) != (int)dlen ||
	    memcmp(ASN1_STRING_get0_data(TS_MSG_IMPRINT_get_msg(mi)), digest,
		   dlen)) {
		rc = prov_error_set(PROV_EVERIFY,
				    "timestamp: the token does not cover this "
				    "signature");
		goto done;
	}
	epoch = ASN1_TIME_set(NULL, 0);
	if (!epoch ||
	    !ASN1_TIME_diff(&day, &sec, epoch, TS_TST_INFO_get_time(info))) {
		prov_error_set(rc, "timestamp: unreadable genTime");
		goto done;
	}
	*at = (int64_t)day * 86400 + sec;
	/* the TSA's certificate must have been valid then */
	signers = CMS_get0_signers(cms);
	for (int i = 0; i < sk_X509_num(signers); i++) {
		X509 *x = sk_X509_value(signers, i);
		if (ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), (time_t)*at) >
			    0 ||
		    ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), (time_t)*at) <
			    0) {
			*at = 0;
			rc = prov_error_set(PROV_EVERIFY,
					    "timestamp: the TSA certificate "
					    "was not valid at its genTime");
			goto done;
		}
	}
	rc = 0;
done:
	if (rc)
		ERR_clear_error();
	sk_X509_free(signers);
	ASN1_TIME_free(epoch);
	TS_TST_INFO_free(info);
	CMS_ContentInfo_free(cms);
	buf_release(&sigbstr);
	buf_release(&tbs);
	return rc;
}

/* ---- signing ----------------------------------------------------------- */

int cose_sign1_ed25519(struct buf *out, const struct key *k,
		       const struct buf *chain, size_t nchain,
		       const uint8_t *payload, size_t n)
{
	struct buf prot = BUF_INIT, tbs = BUF_INIT, cose = BUF_INIT;
	uint8_t sig[crypto_sign_BYTES];
	int rc;

	if (nchain == 0 || nchain > COSE_CERTS_MAX)
		return prov_error_set(PROV_EINVALID,
				      "COSE_Sign1: a chain of %zu certificates "
				      "(1 to %d allowed)",
				      nchain, COSE_CERTS_MAX);
	for (size_t i = 0; i < nchain; i++)
		if (chain[i].len == 0 || chain[i].len > COSE_CERT_MAX)
			return prov_error_set(PROV_EINVALID,
					      "COSE_Sign1: certificate %zu of "
					      "%zu bytes (1 to %d allowed)",
					      i, chain[i].len, COSE_CERT_MAX);
	/* {1: -8, 33: leaf or [leaf, ...]} */
	put_head(&prot, cbor_encode_map_start, 2);
	put_head(&prot, enc_uint, 1);
	put_head(&prot, enc_negint, (size_t)(-1 - COSE_EDDSA));
	put_head(&prot, enc_uint, 33);
	if (nchain > 1)
		put_head(&prot, cbor_encode_array_start, nchain);
	for (size_t i = 0; i < nchain; i++)
		put_bytes(&prot, chain[i].ptr, chain[i].len);

	sig_structure(&tbs, "Signature1", &prot, payload, n);
	rc = key_sign(sig, k, tbs.ptr, tbs.len);
	if (rc)
		goto done;
	put_head(&cose, enc_tag, 18);
	put_head(&cose, cbor_encode_array_start, 4);
	put_bytes(&cose, prot.ptr, prot.len);
	put_head(&cose, cbor_encode_map_start, 0);
	buf_putc(&cose, (char)0xf6); /* nil: the payload is detached */
	put_bytes(&cose, sig, sizeof(sig));
	rc = buf_put(out, cose.ptr, cose.len);
done:
	buf_release(&prot);
	buf_release(&tbs);
	buf_release(&cose);
	return rc;
}

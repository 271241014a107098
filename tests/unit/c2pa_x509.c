/* Signer certificates: the C2PA profile and trust, on the c2pa-rs test
 * chains (tests/fixtures/c2pa/certs) and on certificates made here with
 * OpenSSL, one rule broken at a time. */
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa.h"
#include "unit.h"

#define CERTS "tests/fixtures/c2pa/certs/"
#define URL "self#jumbf=/c2pa/urn:c2pa:x/c2pa.signature"
/* 2026-01-01T00:00:00Z: inside the fixtures' validity (2022-2030). */
#define T0 1767225600
#define DAY 86400

/* The DER certificates of a PEM file, in order. */
static size_t pem_chain(struct buf *out, size_t max, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	X509 *x;

	if (!f)
		return 0;
	while (n < max && (x = PEM_read_X509(f, NULL, NULL, NULL))) {
		unsigned char *der = NULL;
		int len = i2d_X509(x, &der);
		out[n] = (struct buf)BUF_INIT;
		buf_put(&out[n++], der, (size_t)len);
		OPENSSL_free(der);
		X509_free(x);
	}
	fclose(f);
	return n;
}

static void chain_release(struct buf *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_release(&c[i]);
}

/* The only status in r: its code. */
static const char *only_code(const struct c2pa_report *r)
{
	return r->n == 1 ? r->v[0].code : "(not one status)";
}

static void fixtures(void)
{
	static const char *const algs[] = { "ed25519", "es256", "ps256" };
	struct buf anchors = BUF_INIT, chain[4];

	CHECK(buf_read_file(&anchors, CERTS "test_cert_root_bundle.pem", 0) ==
	      0);
	for (size_t i = 0; i < 3; i++) {
		struct c2pa_report r = { 0 };
		char path[128];
		size_t n;

		snprintf(path, sizeof(path), CERTS "%s.pub", algs[i]);
		n = pem_chain(chain, 4, path);
		CHECK(n == 2);
		CHECK(c2pa_cert_profile(&r, URL, chain, n, T0) == 0);
		CHECK(r.n == 0);
		CHECK(c2pa_cert_trust(&r, URL, chain, n, anchors.ptr,
				      anchors.len, T0) == 0);
		CHECK_STR(only_code(&r), "signingCredential.trusted");
		CHECK(!r.v[0].failure && !strcmp(r.v[0].url, URL));
		CHECK(strstr(r.v[0].explanation, "C2PA Test Root CA"));
		c2pa_report_release(&r);
		/* no anchors, or an empty list: untrusted */
		CHECK(c2pa_cert_trust(&r, URL, chain, n, NULL, 0, T0) ==
		      PROV_EVERIFY);
		CHECK_STR(only_code(&r), "signingCredential.untrusted");
		CHECK(r.v[0].failure);
		c2pa_report_release(&r);
		CHECK(c2pa_cert_trust(&r, URL, chain, n, "", 0, T0) ==
		      PROV_EVERIFY);
		c2pa_report_release(&r);
		/* without the intermediate the leaf does not reach the root */
		CHECK(c2pa_cert_trust(&r, URL, chain, 1, anchors.ptr,
				      anchors.len, T0) == PROV_EVERIFY);
		CHECK_STR(only_code(&r), "signingCredential.untrusted");
		c2pa_report_release(&r);
		/* after the leaf expired (2030-08-26): expired, and not trusted */
		CHECK(c2pa_cert_profile(&r, URL, chain, n, T0 + 5000LL * DAY) ==
		      PROV_EVERIFY);
		CHECK_STR(only_code(&r), "signingCredential.expired");
		CHECK(c2pa_cert_trust(&r, URL, chain, n, anchors.ptr,
				      anchors.len, T0 + 5000LL * DAY) ==
		      PROV_EVERIFY);
		c2pa_report_release(&r);
		/* the intermediate is a CA: not a signer */
		CHECK(c2pa_cert_profile(&r, URL, chain + 1, 1, T0) ==
		      PROV_EVERIFY);
		CHECK_STR(only_code(&r), "signingCredential.invalid");
		CHECK(strstr(r.v[0].explanation, "CA certificate"));
		c2pa_report_release(&r);
		chain_release(chain, n);
	}
	buf_release(&anchors);
}

/* ---- certificates made here --------------------------------------------- */

enum {
	NO_EKU = 1 << 0,
	ANY_EKU = 1 << 1,
	CA_TRUE = 1 << 2,
	NO_DIGSIG = 1 << 3,
	NO_AKI = 1 << 4,
	V1 = 1 << 5,
	TS_EKU = 1 << 6,       /* timeStamping beside emailProtection */
	CRIT_UNKNOWN = 1 << 7, /* an unknown critical extension */
	NO_KU = 1 << 8,
	OTHER_EKU = 1 << 9, /* only serverAuth */
	CLAIM_EKU = 1 << 10, /* only c2pa-kp-claimSigning */
};

static EVP_PKEY *ed25519_key(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A certificate for key's public half, valid [T0+nb, T0+na], signed by
 * ikey as issuer (or self-signed when issuer is NULL). */
static X509 *make_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
		       const char *cn, long nb, long na, int flags)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	int ok = 1;

	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				   (const unsigned char *)"prov test", -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	ok &= X509_set_version(x, flags & V1 ? X509_VERSION_1
					     : X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1000 + flags);
	ok &= X509_set_subject_name(x, name);
	ok &= X509_set_issuer_name(
		x, issuer ? X509_get_subject_name(issuer) : name);
	ok &= ASN1_TIME_set(X509_getm_notBefore(x), T0 + nb) != NULL;
	ok &= ASN1_TIME_set(X509_getm_notAfter(x), T0 + na) != NULL;
	ok &= X509_set_pubkey(x, key);
	if (!(flags & V1)) {
		ok &= add_ext(x, issuer, NID_basic_constraints,
			      flags & CA_TRUE ? "critical,CA:TRUE"
					      : "critical,CA:FALSE");
		if (!(flags & NO_KU))
			ok &= add_ext(x, issuer, NID_key_usage,
				      flags & CA_TRUE
					      ? "critical,keyCertSign,cRLSign"
				      : flags & NO_DIGSIG
					      ? "critical,nonRepudiation"
					      : "critical,digitalSignature");
		ok &= add_ext(x, issuer, NID_subject_key_identifier, "hash");
		if (!(flags & NO_AKI))
			ok &= add_ext(x, issuer, NID_authority_key_identifier,
				      "keyid:always");
		if (flags & ANY_EKU)
			ok &= add_ext(x, issuer, NID_ext_key_usage,
				      "anyExtendedKeyUsage,emailProtection");
		else if (flags & TS_EKU)
			ok &= add_ext(x, issuer, NID_ext_key_usage,
				      "timeStamping,emailProtection");
		else if (flags & OTHER_EKU)
			ok &= add_ext(x, issuer, NID_ext_key_usage,
				      "serverAuth");
		else if (flags & CLAIM_EKU)
			ok &= add_ext(x, issuer, NID_ext_key_usage,
				      "1.3.6.1.4.1.62558.2.1");
		else if (!(flags & NO_EKU) && issuer) /* roots have none */
			ok &= add_ext(x, issuer, NID_ext_key_usage,
				      "emailProtection,1.3.6.1.4.1.62558.2.1");
	}
	if (flags & CRIT_UNKNOWN) {
		/* A private OID, critical, with an empty OCTET STRING. */
		ASN1_OBJECT *o = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
		ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
		X509_EXTENSION *e;
		ASN1_OCTET_STRING_set(v, (const unsigned char *)"\x05\x00", 2);
		e = X509_EXTENSION_create_by_OBJ(NULL, o, 1, v);
		ok &= X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(v);
		ASN1_OBJECT_free(o);
	}
	ok &= X509_sign(x, ikey, NULL) > 0;
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void der_of(struct buf *out, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);

	*out = (struct buf)BUF_INIT;
	if (len > 0)
		buf_put(out, der, (size_t)len);
	OPENSSL_free(der);
}

static void pem_of(struct buf *out, X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	PEM_write_bio_X509(bio, x);
	n = BIO_get_mem_data(bio, &p);
	buf_put(out, p, (size_t)n);
	BIO_free(bio);
}

static EVP_PKEY *root_key, *leaf_key;
static X509 *root;

/* The profile's verdict on a leaf made with flags, valid [nb, na]: the
 * code of its one status, or "" when it passes. */
static const char *verdict(char *code, size_t cap, int flags, long nb,
			   long na, char *why, size_t whycap)
{
	struct c2pa_report r = { 0 };
	struct buf der;
	X509 *x = make_cert(leaf_key, root, root_key, "alice", nb, na, flags);
	int rc;

	snprintf(code, cap, "(no certificate)");
	if (!x)
		return code;
	der_of(&der, x);
	rc = c2pa_cert_profile(&r, URL, &der, 1, T0);
	snprintf(code, cap, "%s", rc == 0 && r.n == 0 ? ""
				  : rc == PROV_EVERIFY && r.n == 1 && r.v[0].failure
					  ? r.v[0].code
					  : "(bad report)");
	snprintf(why, whycap, "%s", r.n ? r.v[0].explanation : "");
	c2pa_report_release(&r);
	buf_release(&der);
	X509_free(x);
	return code;
}

static void profile(void)
{
	static const struct {
		int flags;
		long nb, na;
		const char *code, *why;
	} cases[] = {
		{ 0, -DAY, DAY, "", "" },
		{ CLAIM_EKU, -DAY, DAY, "", "" },
		{ NO_EKU, -DAY, DAY, "signingCredential.invalid",
		  "no extended key usage" },
		{ ANY_EKU, -DAY, DAY, "signingCredential.invalid",
		  "anyExtendedKeyUsage" },
		{ OTHER_EKU, -DAY, DAY, "signingCredential.invalid",
		  "no accepted extended key usage" },
		{ TS_EKU, -DAY, DAY, "signingCredential.invalid",
		  "timeStamping or OCSPSigning together" },
		{ CA_TRUE, -DAY, DAY, "signingCredential.invalid",
		  "a CA certificate" },
		{ NO_DIGSIG, -DAY, DAY, "signingCredential.invalid",
		  "without digitalSignature" },
		{ NO_KU, -DAY, DAY, "signingCredential.invalid", "no Key Usage" },
		{ NO_AKI, -DAY, DAY, "signingCredential.invalid",
		  "no Authority Key Identifier" },
		{ CRIT_UNKNOWN, -DAY, DAY, "signingCredential.invalid",
		  "unknown critical extension" },
		{ V1, -DAY, DAY, "signingCredential.invalid", "X.509 v1, not v3" },
		{ 0, -2 * DAY, -1, "signingCredential.expired", "is expired" },
		{ 0, 1, DAY, "signingCredential.expired", "is not yet valid" },
		/* the bounds themselves are inside */
		{ 0, 0, DAY, "", "" },
		{ 0, -DAY, 0, "", "" },
	};
	char code[64], why[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		verdict(code, sizeof(code), cases[i].flags, cases[i].nb,
			cases[i].na, why, sizeof(why));
		if (strcmp(code, cases[i].code) || !strstr(why, cases[i].why))
			fprintf(stderr, "case %zu: got '%s' (%s)\n", i, code,
				why);
		CHECK_STR(code, cases[i].code);
		CHECK(strstr(why, cases[i].why));
	}
}

/* Keys and signatures C2PA does not allow, and bytes that are not one
 * certificate. */
static void profile_keys_and_bytes(void)
{
	struct c2pa_report r = { 0 };
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	EVP_PKEY *k1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	EVP_PKEY *p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct buf der = BUF_INIT;
	X509 *x;

	CHECK(rsa && k1 && p256);
	x = make_cert(rsa, root, root_key, "small", -DAY, DAY, 0);
	der_of(&der, x);
	X509_free(x);
	CHECK(c2pa_cert_profile(&r, URL, &der, 1, T0) == PROV_EVERIFY);
	CHECK(strstr(r.v[0].explanation, "shorter than 2048 bits"));
	c2pa_report_release(&r);
	buf_release(&der);

	x = make_cert(k1, root, root_key, "k1", -DAY, DAY, 0);
	der_of(&der, x);
	X509_free(x);
	CHECK(c2pa_cert_profile(&r, URL, &der, 1, T0) == PROV_EVERIFY);
	CHECK(strstr(r.v[0].explanation, "not on P-256"));
	c2pa_report_release(&r);
	buf_release(&der);

	/* a P-256 leaf signed with Ed25519 by the root: allowed */
	x = make_cert(p256, root, root_key, "p256", -DAY, DAY, 0);
	der_of(&der, x);
	X509_free(x);
	CHECK(c2pa_cert_profile(&r, URL, &der, 1, T0) == 0 && r.n == 0);

	/* trailing bytes, truncation, nothing, garbage */
	buf_putc(&der, 0);
	CHECK(c2pa_cert_profile(&r, URL, &der, 1, T0) == PROV_EVERIFY);
	CHECK_STR(only_code(&r), "signingCredential.invalid");
	CHECK(strstr(r.v[0].explanation, "not one DER X.509 certificate"));
	c2pa_report_release(&r);
	der.len -= 2;
	CHECK(c2pa_cert_profile(&r, URL, &der, 1, T0) == PROV_EVERIFY);
	c2pa_report_release(&r);
	CHECK(c2pa_cert_profile(&r, URL, &der, 0, T0) == PROV_EVERIFY);
	CHECK_STR(only_code(&r), "signingCredential.invalid");
	c2pa_report_release(&r);
	buf_clear(&der);
	buf_puts(&der, "not a certificate");
	CHECK(c2pa_cert_profile(&r, URL, &der, 1, T0) == PROV_EVERIFY);
	CHECK(c2pa_cert_trust(&r, URL, &der, 1, NULL, 0, T0) ==
	      PROV_EVERIFY);
	CHECK(r.n == 2);
	c2pa_report_release(&r);
	buf_release(&der);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(p256);
}

static void trust(void)
{
	struct c2pa_report r = { 0 };
	struct buf anchors = BUF_INIT, other_pem = BUF_INIT, bundle = BUF_INIT,
		   der = BUF_INIT;
	EVP_PKEY *other_key = ed25519_key();
	X509 *other = make_cert(other_key, NULL, other_key, "other root",
				-DAY, 3650L * DAY, CA_TRUE | NO_AKI);
	X509 *leaf = make_cert(leaf_key, root, root_key, "alice", -DAY, DAY,
			       0);

	CHECK(other && leaf);
	der_of(&der, leaf);
	pem_of(&anchors, root);
	pem_of(&other_pem, other);
	CHECK(c2pa_cert_trust(&r, URL, &der, 1, anchors.ptr, anchors.len,
			      T0) == 0);
	CHECK_STR(only_code(&r), "signingCredential.trusted");
	CHECK(strstr(r.v[0].explanation, "CN = test root"));
	c2pa_report_release(&r);
	/* a wrong anchor */
	CHECK(c2pa_cert_trust(&r, URL, &der, 1, other_pem.ptr, other_pem.len,
			      T0) == PROV_EVERIFY);
	CHECK_STR(only_code(&r), "signingCredential.untrusted");
	CHECK(strstr(r.v[0].explanation, "unable to get local issuer"));
	c2pa_report_release(&r);
	/* several roots in one list: the second is ours */
	buf_put(&bundle, other_pem.ptr, other_pem.len);
	buf_put(&bundle, anchors.ptr, anchors.len);
	CHECK(c2pa_cert_trust(&r, URL, &der, 1, bundle.ptr, bundle.len, T0) ==
	      0);
	c2pa_report_release(&r);
	/* a list that holds no certificate */
	CHECK(c2pa_cert_trust(&r, URL, &der, 1, "junk", 4, T0) ==
	      PROV_EVERIFY);
	CHECK(strstr(r.v[0].explanation, "no trust anchors"));
	c2pa_report_release(&r);
	/* outside the leaf's validity */
	CHECK(c2pa_cert_trust(&r, URL, &der, 1, anchors.ptr, anchors.len,
			      T0 + 2 * DAY) == PROV_EVERIFY);
	CHECK(strstr(r.v[0].explanation, "expired"));
	c2pa_report_release(&r);
	buf_release(&anchors);
	buf_release(&other_pem);
	buf_release(&bundle);
	buf_release(&der);
	X509_free(leaf);
	X509_free(other);
	EVP_PKEY_free(other_key);
}

int main(void)
{
	if (core_init())
		return 1;
	root_key = ed25519_key();
	leaf_key = ed25519_key();
	root = make_cert(root_key, NULL, root_key, "test root", -DAY,
			 3650L * DAY, CA_TRUE | NO_AKI);
	if (!root_key || !leaf_key || !root)
		return 1;
	RUN(fixtures);
	RUN(profile);
	RUN(profile_keys_and_bytes);
	RUN(trust);
	X509_free(root);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(leaf_key);
	return unit_done();
}

/* c2pa COSE_Sign1: the claim signatures and timestamps of the c2pa-rs
 * fixtures (expected times are what the reference reader reports), an
 * Ed25519 round trip with the fixture key, and hand-made bad inputs. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "c2pa/c2pa.h"
#include "unit.h"

#define FIX "tests/fixtures/c2pa/"

/* The claim bytes and the COSE_Sign1 of manifest `which` of a fixture
 * (counted from the last, the active one, as 0). */
struct signed_claim {
	struct buf claim, cose;
};

static int extract(struct signed_claim *out, const char *name, size_t which)
{
	struct buf file = BUF_INIT;
	struct jpeg_segments s = { 0 };
	struct jpeg_c2pa c = { BUF_INIT, NULL, 0, 0 };
	struct jumbf j = { 0 };
	size_t found[64], nfound = 0;
	char path[256];
	int rc;

	buf_init(&out->claim, 0);
	buf_init(&out->cose, 0);
	snprintf(path, sizeof(path), FIX "%s", name);
	rc = buf_read_file(&file, path, 0);
	if (!rc)
		rc = jpeg_segments_parse(&s, (uint8_t *)file.ptr, file.len);
	if (!rc)
		rc = jpeg_c2pa_read(&c, &s, (uint8_t *)file.ptr, file.len);
	if (!rc)
		rc = jumbf_parse(&j, (uint8_t *)c.jumbf.ptr, c.jumbf.len);
	if (rc)
		goto done;
	for (size_t m = j.v[0].first; m && nfound < 64; m = j.v[m].next)
		if (jumbf_child(&j, m, "c2pa.claim") ||
		    jumbf_child(&j, m, "c2pa.claim.v2"))
			found[nfound++] = m;
	rc = PROV_ENOTFOUND;
	if (which < nfound) {
		size_t m = found[nfound - 1 - which];
		size_t cl = jumbf_child(&j, m, "c2pa.claim.v2");
		size_t sg = jumbf_child(&j, m, "c2pa.signature");
		const struct jumbf_box *a, *b;
		if (!cl)
			cl = jumbf_child(&j, m, "c2pa.claim");
		if (!sg || !j.v[cl].first || !j.v[sg].first)
			goto done;
		a = &j.v[j.v[cl].first];
		b = &j.v[j.v[sg].first];
		if (strcmp(a->type, "cbor") || strcmp(b->type, "cbor"))
			goto done;
		buf_put(&out->claim, c.jumbf.ptr + jumbf_payload(a),
			a->size - a->header);
		buf_put(&out->cose, c.jumbf.ptr + jumbf_payload(b),
			b->size - b->header);
		rc = 0;
	}
done:
	jumbf_release(&j);
	jpeg_c2pa_release(&c);
	jpeg_segments_release(&s);
	buf_release(&file);
	return rc;
}

static void signed_claim_release(struct signed_claim *sc)
{
	buf_release(&sc->claim);
	buf_release(&sc->cose);
}

static int parse_buf(struct cose_sign1 *c, const struct buf *b)
{
	return cose_sign1_parse(c, (const uint8_t *)b->ptr, b->len);
}

struct fixture {
	const char *file;
	size_t which;
	int alg;
	size_t nx5;
	int v2;
	int64_t time; /* signature_info.time of the reference reader */
};

static const struct fixture fixtures[] = {
	/* 2024-08-06T21:53:37+00:00 */
	{ "C.jpg", 0, COSE_PS256, 2, 0, 1722981217 },
	/* 2025-10-16T17:31:55+00:00, and the first manifest 17:31:54 */
	{ "CACA.jpg", 0, COSE_PS256, 2, 1, 1760635915 },
	{ "CACA.jpg", 1, COSE_PS256, 2, 1, 1760635914 },
	/* 2025-07-29T23:13:49+00:00 */
	{ "C_with_CAWG_data.jpg", 0, COSE_ES256, 2, 1, 1753830829 },
};

/* id-smime-ct-TSTInfo (1.2.840.113549.1.9.16.1.4), DER */
#define TSTINFO_OID "\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x04"

static void fixtures_verify(void)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(*fixtures); f++) {
		const struct fixture *x = &fixtures[f];
		struct signed_claim sc;
		struct cose_sign1 c;
		int64_t at = -1;
		char *tstinfo;

		CHECK(extract(&sc, x->file, x->which) == 0);
		CHECK(parse_buf(&c, &sc.cose) == 0);
		CHECK(c.alg == x->alg);
		CHECK(c.nx5 == x->nx5);
		CHECK(c.tst.len > 0 && c.tst_v2 == x->v2);
		CHECK(cose_sign1_verify(&c, (uint8_t *)sc.claim.ptr,
					sc.claim.len) == 0);
		CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)sc.claim.ptr,
					  sc.claim.len) == 0);
		if (at != x->time)
			fprintf(stderr, "%s: time %lld, expected %lld\n",
				x->file, (long long)at, (long long)x->time);
		CHECK(at == x->time);

		/* one flipped byte in the claim: neither the signature nor
		 * a v1 timestamp (which covers the claim) holds */
		sc.claim.ptr[sc.claim.len / 2] ^= 0x01;
		CHECK(cose_sign1_verify(&c, (uint8_t *)sc.claim.ptr,
					sc.claim.len) == PROV_EVERIFY);
		CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)sc.claim.ptr,
					  sc.claim.len) ==
		      (x->v2 ? 0 : PROV_EVERIFY));
		sc.claim.ptr[sc.claim.len / 2] ^= 0x01;

		/* a flipped signature byte: a v2 timestamp covers it */
		c.signature.ptr[c.signature.len / 2] ^= 0x01;
		CHECK(cose_sign1_verify(&c, (uint8_t *)sc.claim.ptr,
					sc.claim.len) == PROV_EVERIFY);
		CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)sc.claim.ptr,
					  sc.claim.len) ==
		      (x->v2 ? PROV_EVERIFY : 0));
		c.signature.ptr[c.signature.len / 2] ^= 0x01;

		/* a flipped byte in the TSTInfo (after its content type),
		 * and in the token's signature (its last bytes) */
		tstinfo = memmem(c.tst.ptr, c.tst.len, TSTINFO_OID,
				 sizeof(TSTINFO_OID) - 1);
		CHECK(tstinfo && tstinfo + 40 < c.tst.ptr + c.tst.len);
		tstinfo[30] ^= 0x01;
		CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)sc.claim.ptr,
					  sc.claim.len) == PROV_EVERIFY);
		tstinfo[30] ^= 0x01;
		c.tst.ptr[c.tst.len - 1] ^= 0x01;
		CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)sc.claim.ptr,
					  sc.claim.len) == PROV_EVERIFY);
		c.tst.ptr[c.tst.len - 1] ^= 0x01;
		/* a byte after the token's DER */
		buf_putc(&c.tst, 0);
		CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)sc.claim.ptr,
					  sc.claim.len) == PROV_EINVALID);
		cose_sign1_release(&c);
		signed_claim_release(&sc);
	}
}

/* E-sig-CA.jpg's claim was changed after signing: the reference reader
 * reports claimSignature.mismatch and no time. */
static void fixture_mismatch(void)
{
	struct signed_claim sc;
	struct cose_sign1 c;
	int64_t at = -1;

	CHECK(extract(&sc, "E-sig-CA.jpg", 0) == 0);
	CHECK(parse_buf(&c, &sc.cose) == 0);
	CHECK(c.alg == COSE_PS256 && !c.tst_v2 && c.tst.len);
	CHECK(cose_sign1_verify(&c, (uint8_t *)sc.claim.ptr, sc.claim.len) ==
	      PROV_EVERIFY);
	CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)sc.claim.ptr,
				  sc.claim.len) == PROV_EVERIFY);
	CHECK(at == 0);
	cose_sign1_release(&c);
	signed_claim_release(&sc);
}

/* The PEM chain at path as DER certificates, leaf first. */
static size_t read_chain(struct buf *chain, size_t cap, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	X509 *x;

	if (!f)
		return 0;
	while (n < cap && (x = PEM_read_X509(f, NULL, NULL, NULL))) {
		unsigned char *der = NULL;
		int len = i2d_X509(x, &der);
		buf_init(&chain[n], 0);
		if (len > 0)
			buf_put(&chain[n++], der, (size_t)len);
		OPENSSL_free(der);
		X509_free(x);
	}
	fclose(f);
	return n;
}

/* The fixture's Ed25519 key as a struct key (sk in sodium memory). */
static int read_key(struct key *k, const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *p = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	uint8_t seed[32];
	size_t len = sizeof(seed);
	int rc = -1;

	memset(k, 0, sizeof(*k));
	if (f)
		fclose(f);
	if (p && EVP_PKEY_get_raw_private_key(p, seed, &len) && len == 32) {
		k->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
		if (k->sk && !crypto_sign_seed_keypair(k->pk, k->sk, seed))
			rc = 0;
	}
	sodium_memzero(seed, sizeof(seed));
	EVP_PKEY_free(p);
	return rc;
}

static void ed25519_round_trip(void)
{
	struct buf chain[4], out1 = BUF_INIT, out2 = BUF_INIT;
	static const char claim1[] = "a claim", claim2[] = "another claim!";
	struct cose_sign1 c;
	struct key k;
	int64_t at = -1;
	size_t n = read_chain(chain, 4, FIX "certs/ed25519.pub");

	CHECK(n == 2);
	CHECK(read_key(&k, FIX "certs/ed25519.pem") == 0);
	CHECK(cose_sign1_ed25519(&out1, &k, chain, n, (uint8_t *)claim1,
				 strlen(claim1)) == 0);
	CHECK(cose_sign1_ed25519(&out2, &k, chain, n, (uint8_t *)claim2,
				 strlen(claim2)) == 0);
	/* the size is fixed by the chain alone */
	CHECK(out1.len == out2.len);
	CHECK(out1.len == 1 + 1 + 3 + (1 + 1 + 1 + 2 + 1 + 3 + chain[0].len +
					3 + chain[1].len) +
				  1 + 1 + 2 + 64);
	CHECK((uint8_t)out1.ptr[0] == 0xd2);

	CHECK(parse_buf(&c, &out1) == 0);
	CHECK(c.alg == COSE_EDDSA && c.nx5 == 2 && c.signature.len == 64);
	CHECK(c.x5chain[0].len == chain[0].len &&
	      !memcmp(c.x5chain[0].ptr, chain[0].ptr, chain[0].len));
	CHECK(c.x5chain[1].len == chain[1].len);
	CHECK(cose_sign1_verify(&c, (uint8_t *)claim1, strlen(claim1)) == 0);
	CHECK(cose_sign1_verify(&c, (uint8_t *)claim2, strlen(claim2)) ==
	      PROV_EVERIFY);
	CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)claim1,
				  strlen(claim1)) == PROV_ENOTFOUND);
	cose_sign1_release(&c);

	/* one certificate: a bstr, not an array */
	buf_clear(&out1);
	CHECK(cose_sign1_ed25519(&out1, &k, chain, 1, (uint8_t *)claim1,
				 strlen(claim1)) == 0);
	CHECK(out1.len == out2.len - 1 - 3 - chain[1].len);
	CHECK(parse_buf(&c, &out1) == 0 && c.nx5 == 1);
	CHECK(cose_sign1_verify(&c, (uint8_t *)claim1, strlen(claim1)) == 0);
	cose_sign1_release(&c);
	CHECK(cose_sign1_ed25519(&out1, &k, chain, 0, (uint8_t *)claim1,
				 strlen(claim1)) == PROV_EINVALID);

	/* the ES256 chain's key does not suit EdDSA */
	for (size_t i = 0; i < n; i++)
		buf_release(&chain[i]);
	CHECK(read_chain(chain, 4, FIX "certs/es256.pub") == 2);
	buf_clear(&out1);
	CHECK(cose_sign1_ed25519(&out1, &k, chain, 2, (uint8_t *)claim1,
				 strlen(claim1)) == 0);
	CHECK(parse_buf(&c, &out1) == 0);
	CHECK(cose_sign1_verify(&c, (uint8_t *)claim1, strlen(claim1)) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "EdDSA"));
	cose_sign1_release(&c);

	for (size_t i = 0; i < 2; i++)
		buf_release(&chain[i]);
	sodium_free(k.sk);
	buf_release(&out1);
	buf_release(&out2);
}

/* ---- the algorithms no fixture uses: keys and certificates made here -- */

static void put_bstr(struct buf *b, const void *p, size_t n)
{
	if (n < 24) {
		buf_putc(b, (char)(0x40 + n));
	} else if (n < 256) {
		buf_putc(b, 0x58);
		buf_putc(b, (char)n);
	} else {
		buf_putc(b, 0x59);
		buf_putc(b, (char)(n >> 8));
		buf_putc(b, (char)n);
	}
	buf_put(b, p, n);
}

/* A self-signed certificate for k, as DER. */
static void self_signed(struct buf *der, EVP_PKEY *k)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_get_subject_name(x);
	unsigned char *p = NULL;
	int len;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"cose test", -1, -1,
				   0);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	len = i2d_X509(x, &p);
	buf_init(der, 0);
	if (len > 0)
		buf_put(der, p, (size_t)len);
	OPENSSL_free(p);
	X509_free(x);
}

/* A COSE_Sign1 with alg (its CBOR bytes) signed by k as OpenSSL signs:
 * ECDSA turned into r || s of coord bytes each, PSS with salt saltlen. */
static int sign_openssl(struct buf *out, const char *alg, size_t nalg,
			EVP_PKEY *k, const EVP_MD *md, size_t coord,
			int saltlen, const struct buf *cert, const char *claim)
{
	struct buf prot = BUF_INIT, tbs = BUF_INIT;
	unsigned char sig[1024];
	size_t slen = sizeof(sig);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int rc = -1;

	buf_put(&prot, "\xa2\x01", 2);
	buf_put(&prot, alg, nalg);
	buf_put(&prot, "\x18\x21", 2);
	put_bstr(&prot, cert->ptr, cert->len);
	buf_put(&tbs, "\x84\x6aSignature1", 12);
	put_bstr(&tbs, prot.ptr, prot.len);
	put_bstr(&tbs, "", 0);
	put_bstr(&tbs, claim, strlen(claim));
	if (EVP_DigestSignInit(m, &pc, md, NULL, k) != 1 ||
	    (saltlen &&
	     (EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) != 1 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, saltlen) != 1)) ||
	    EVP_DigestSign(m, sig, &slen, (unsigned char *)tbs.ptr,
			   tbs.len) != 1)
		goto done;
	buf_clear(out);
	buf_put(out, "\xd2\x84", 2);
	put_bstr(out, prot.ptr, prot.len);
	buf_put(out, "\xa0\xf6", 2);
	if (coord) {
		const unsigned char *p = sig;
		ECDSA_SIG *e = d2i_ECDSA_SIG(NULL, &p, (long)slen);
		unsigned char rs[132];
		if (!e)
			goto done;
		BN_bn2binpad(ECDSA_SIG_get0_r(e), rs, (int)coord);
		BN_bn2binpad(ECDSA_SIG_get0_s(e), rs + coord, (int)coord);
		ECDSA_SIG_free(e);
		put_bstr(out, rs, 2 * coord);
	} else {
		put_bstr(out, sig, slen);
	}
	rc = 0;
done:
	EVP_MD_CTX_free(m);
	buf_release(&prot);
	buf_release(&tbs);
	return rc;
}

static void other_algorithms(void)
{
	static const struct {
		int alg;
		const char *cbor; /* the alg as CBOR */
		const char *curve; /* NULL: RSA */
		size_t coord;
	} t[] = {
		{ COSE_ES256, "\x26", "P-256", 32 },
		{ COSE_ES384, "\x38\x22", "P-384", 48 },
		{ COSE_ES512, "\x38\x23", "P-521", 66 },
		{ COSE_PS256, "\x38\x24", NULL, 0 },
		{ COSE_PS384, "\x38\x25", NULL, 0 },
		{ COSE_PS512, "\x38\x26", NULL, 0 },
	};
	const EVP_MD *mds[] = { EVP_sha256(), EVP_sha384(), EVP_sha512() };
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	struct buf rsa_cert, cose = BUF_INIT;
	struct cose_sign1 c;

	CHECK(rsa);
	self_signed(&rsa_cert, rsa);
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		const EVP_MD *md = mds[i % 3];
		EVP_PKEY *k = t[i].curve ? EVP_PKEY_Q_keygen(NULL, NULL, "EC",
							    t[i].curve)
					 : rsa;
		struct buf cert;
		int salt = t[i].curve ? 0 : RSA_PSS_SALTLEN_DIGEST;

		CHECK(k);
		self_signed(&cert, k);
		CHECK(sign_openssl(&cose, t[i].cbor, strlen(t[i].cbor), k, md,
				   t[i].coord, salt, &cert, "claim") == 0);
		CHECK(parse_buf(&c, &cose) == 0 && c.alg == t[i].alg);
		CHECK(cose_sign1_verify(&c, (uint8_t *)"claim", 5) == 0);
		CHECK(cose_sign1_verify(&c, (uint8_t *)"claim!", 6) ==
		      PROV_EVERIFY);
		cose_sign1_release(&c);
		if (t[i].curve) {
			/* the same key under the next curve's algorithm */
			size_t j = (i + 1) % 3;
			CHECK(sign_openssl(&cose, t[j].cbor,
					   strlen(t[j].cbor), k, mds[j],
					   t[i].coord, 0, &cert, "claim") == 0);
			CHECK(parse_buf(&c, &cose) == 0);
			CHECK(cose_sign1_verify(&c, (uint8_t *)"claim", 5) ==
			      PROV_EINVALID);
			CHECK(strstr(prov_error_last(), "curve") ||
			      strstr(prov_error_last(), "needs a key on"));
			cose_sign1_release(&c);
			/* an EC key for PS256 */
			CHECK(sign_openssl(&cose, "\x38\x24", 2, k, md,
					   t[i].coord, 0, &cert, "claim") == 0);
			CHECK(parse_buf(&c, &cose) == 0);
			CHECK(cose_sign1_verify(&c, (uint8_t *)"claim", 5) ==
			      PROV_EINVALID);
			CHECK(strstr(prov_error_last(), "does not suit"));
			cose_sign1_release(&c);
			EVP_PKEY_free(k);
		} else {
			/* PSS with another salt length than the hash's */
			CHECK(sign_openssl(&cose, t[i].cbor,
					   strlen(t[i].cbor), k, md, 0,
					   RSA_PSS_SALTLEN_MAX, &cert,
					   "claim") == 0);
			CHECK(parse_buf(&c, &cose) == 0);
			CHECK(cose_sign1_verify(&c, (uint8_t *)"claim", 5) ==
			      PROV_EVERIFY);
			cose_sign1_release(&c);
		}
		buf_release(&cert);
	}
	EVP_PKEY_free(rsa);
	buf_release(&rsa_cert);
	buf_release(&cose);
}

/* A COSE_Sign1 from parts: tag (0 for none), protected header bytes,
 * unprotected header bytes, payload item, 4-byte signature. */
static void build(struct buf *b, int tag, const char *prot, size_t np,
		  const char *unprot, size_t nu, const char *payload)
{
	buf_clear(b);
	if (tag)
		buf_putc(b, (char)0xd2);
	buf_putc(b, (char)0x84);
	buf_putc(b, (char)(0x40 + np)); /* np < 24 */
	buf_put(b, prot, np);
	buf_put(b, unprot, nu);
	buf_puts(b, payload);
	buf_put(b, "\x44sig!", 5);
}

#define S(lit) lit, sizeof(lit) - 1

static void malformed(void)
{
	struct buf b = BUF_INIT, ok = BUF_INIT;
	struct cose_sign1 c;
	/* {1: -7, 33: h'3082'} */
	static const char prot[] = "\xa2\x01\x26\x18\x21\x42\x30\x82";

	build(&ok, 1, S(prot), S("\xa0"), "\xf6");
	CHECK(parse_buf(&c, &ok) == 0);
	CHECK(c.alg == COSE_ES256 && c.nx5 == 1 && c.x5chain[0].len == 2);
	CHECK(c.signature.len == 4 && !c.tst.len);
	CHECK(c.protected_hdr.len == sizeof(prot) - 1);
	/* not a certificate: the key cannot be read */
	CHECK(cose_sign1_verify(&c, (uint8_t *)"x", 1) == PROV_EINVALID);
	cose_sign1_release(&c);

	/* no tag, or another tag */
	build(&b, 0, S(prot), S("\xa0"), "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "tag 18"));
	cose_sign1_release(&c);
	b.ptr[0] = (char)0xd1;
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);

	/* an unknown algorithm, named */
	build(&b, 1, S("\xa2\x01\x39\x03\xe6\x18\x21\x42\x30\x82"), S("\xa0"),
	      "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "-999"));
	cose_sign1_release(&c);

	/* x5chain in both headers; only in the unprotected one is fine */
	build(&b, 1, S(prot), S("\xa1\x67x5chain\x42\x30\x82"), "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "both"));
	cose_sign1_release(&c);
	build(&b, 1, S("\xa1\x01\x26"), S("\xa1\x67x5chain\x42\x30\x82"),
	      "\xf6");
	CHECK(parse_buf(&c, &b) == 0 && c.nx5 == 1);
	cose_sign1_release(&c);
	/* the text label in the protected header too */
	build(&b, 1, S("\xa2\x01\x26\x67x5chain\x81\x42\x30\x82"), S("\xa0"),
	      "\xf6");
	CHECK(parse_buf(&c, &b) == 0 && c.nx5 == 1);
	cose_sign1_release(&c);

	/* no x5chain; no alg */
	build(&b, 1, S("\xa1\x01\x26"), S("\xa0"), "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "x5chain"));
	cose_sign1_release(&c);
	build(&b, 1, S("\xa1\x18\x21\x42\x30\x82"), S("\xa0"), "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);

	/* an attached payload; a float or undefined instead of nil (a
	 * float once tripped an assertion in libcbor's cbor_is_null) */
	build(&b, 1, S(prot), S("\xa0"), "\x41x");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "detached"));
	cose_sign1_release(&c);
	build(&b, 1, S(prot), S("\xa0"), "\xfa\x3f\x29\xfa\xd8");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);
	build(&b, 1, S(prot), S("\xa0"), "\xf7");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);

	/* x5chain: an empty array, a non-bstr element, 17 certificates */
	build(&b, 1, S("\xa2\x01\x26\x18\x21\x80"), S("\xa0"), "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);
	build(&b, 1, S("\xa2\x01\x26\x18\x21\x81\x01"), S("\xa0"), "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);
	build(&b, 1,
	      S("\xa2\x01\x26\x18\x21\x91\x40\x40\x40\x40\x40\x40\x40\x40\x40"),
	      S("\xa0"), "\xf6"); /* 17 announced, too few bytes anyway */
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);

	/* a sigTst that is not a container; two tokens */
	build(&b, 1, S(prot), S("\xa1\x66sigTst\x01"), "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);
	build(&b, 1, S(prot),
	      S("\xa1\x67sigTst2\xa1\x69tstTokens\x82\xa1\x63val\x41\x30"
		"\xa1\x63val\x41\x30"),
	      "\xf6");
	CHECK(parse_buf(&c, &b) == PROV_EINVALID);
	cose_sign1_release(&c);
	/* one token: kept; its bytes are not a token */
	build(&b, 1, S(prot),
	      S("\xa1\x67sigTst2\xa1\x69tstTokens\x81\xa1\x63val\x41\x30"),
	      "\xf6");
	CHECK(parse_buf(&c, &b) == 0 && c.tst_v2 && c.tst.len == 1);
	{
		int64_t at;
		CHECK(cose_sign1_tst_time(&at, &c, (uint8_t *)"x", 1) ==
		      PROV_EINVALID);
	}
	cose_sign1_release(&c);

	/* every truncation, and trailing bytes */
	for (size_t n = 0; n < ok.len; n++) {
		CHECK(cose_sign1_parse(&c, (uint8_t *)ok.ptr, n) ==
		      PROV_EINVALID);
		cose_sign1_release(&c);
	}
	buf_putc(&ok, 0);
	CHECK(parse_buf(&c, &ok) == PROV_EINVALID);
	cose_sign1_release(&c);
	buf_release(&b);
	buf_release(&ok);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(fixtures_verify);
	RUN(fixture_mismatch);
	RUN(ed25519_round_trip);
	RUN(other_algorithms);
	RUN(malformed);
	return unit_done();
}

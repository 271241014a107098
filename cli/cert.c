/* X.509 certificates for identities: a private root CA per CA name
 * ($PROV_HOME/ca/NAME.key, encrypted like identities, and NAME.pem) that
 * issues each identity a C2PA signer certificate ($PROV_HOME/certs/
 * NAME.pem) for its Ed25519 key. Everything is Ed25519, signed through
 * OpenSSL with the seed of a libsodium secret key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "cli/cli.h"

#define CERT_FILE_MAX (64 * 1024)
#define ROOT_DAYS     3650
#define ORG	      "prov"
#define PASS_CAP CLI_PASS_MAX

static void ca_paths(struct buf *key, struct buf *pem, const char *ca)
{
	buf_printf(key, "%s/ca/%s.key", cli_home(), ca);
	buf_printf(pem, "%s/ca/%s.pem", cli_home(), ca);
}

/* The first certificate of PEM text; NULL with PROV_EINVALID naming what. */
static X509 *pem_first(const struct buf *pem, const char *what)
{
	BIO *bio = BIO_new_mem_buf(pem->ptr, (int)pem->len);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	ERR_clear_error();
	if (!x)
		prov_error_set(PROV_EINVALID, "%s holds no PEM certificate",
			       what);
	return x;
}

static int pem_of(struct buf *out, X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int rc = 0;

	if (!bio || !PEM_write_bio_X509(bio, x) ||
	    (n = BIO_get_mem_data(bio, &p)) <= 0)
		rc = prov_error_set(PROV_EIO, "cannot encode a certificate");
	else
		buf_put(out, p, (size_t)n);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/* Whether x's public key is the Ed25519 key pk. */
static int same_key(X509 *x, const uint8_t pk[32])
{
	EVP_PKEY *p = X509_get0_pubkey(x);
	unsigned char raw[32];
	size_t n = sizeof(raw);
	int same = p && EVP_PKEY_get_base_id(p) == EVP_PKEY_ED25519 &&
		   EVP_PKEY_get_raw_public_key(p, raw, &n) && n == 32 &&
		   !memcmp(raw, pk, 32);

	ERR_clear_error();
	return same;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A v3 certificate for pk named O=prov, CN=cn, valid for days from now,
 * with a random positive 16-byte serial; the caller adds extensions. */
static X509 *cert_new(const uint8_t pk[32], const char *cn, X509 *issuer,
		      int days, time_t now)
{
	uint8_t serial[16];
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	EVP_PKEY *key =
		EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
	BIGNUM *bn = NULL;
	int ok;

	if (!x || !name || !key)
		abort();
	randombytes_buf(serial, sizeof(serial));
	serial[0] = (serial[0] & 0x7f) | 0x40; /* positive, all 16 bytes */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
	     X509_set_version(x, X509_VERSION_3) &&
	     X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
					(const unsigned char *)ORG, -1, -1,
					0) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_subject_name(x, name) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
					    : name) &&
	     X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) &&
	     X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) &&
	     X509_set_pubkey(x, key);
	BN_free(bn);
	EVP_PKEY_free(key);
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Signs x with the Ed25519 secret key sk (libsodium layout: the 32-byte
 * seed first). */
static int cert_sign(X509 *x, const uint8_t *sk)
{
	EVP_PKEY *key =
		EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, 32);
	int ok = key && X509_sign(x, key, NULL) > 0;

	EVP_PKEY_free(key);
	ERR_clear_error();
	return ok ? 0
		  : prov_error_set(PROV_EIO, "OpenSSL could not sign a "
					     "certificate");
}

/* A self-signed root: CA:TRUE and keyCertSign+cRLSign, both critical. */
static X509 *root_new(const struct key *k, const char *ca, time_t now)
{
	X509 *x = cert_new(k->pk, ca, NULL, ROOT_DAYS, now);

	if (!x)
		return NULL;
	if (!add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") ||
	    !add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    !add_ext(x, x, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, x, NID_authority_key_identifier, "keyid:always") ||
	    cert_sign(x, k->sk)) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* The CA named ca: loaded (asking for its passphrase), or made in memory
 * when it does not exist yet (*created set; the caller saves it). */
struct ca {
	struct key *key;
	X509 *cert;
	struct buf pem;
	int created;
};

static void ca_release(struct ca *c)
{
	key_free(c->key);
	X509_free(c->cert);
	buf_release(&c->pem);
}

static int ca_open(struct ca *c, const char *ca, int (*new_pass)(char *),
		   char *pass, time_t now)
{
	struct buf keyp = BUF_INIT, pemp = BUF_INIT;
	int rc;

	ca_paths(&keyp, &pemp, ca);
	if (access(keyp.ptr, F_OK) && errno == ENOENT) {
		if ((rc = new_pass(pass)) || (rc = key_generate(&c->key, ca)))
			goto done;
		if (!(c->cert = root_new(c->key, ca, now))) {
			rc = prov_error_set(PROV_EIO,
					    "cannot make the root "
					    "certificate of CA '%s'",
					    ca);
			goto done;
		}
		c->created = 1;
		rc = pem_of(&c->pem, c->cert);
		goto done;
	}
	if ((rc = key_load(&c->key, keyp.ptr, cli_passphrase, NULL)))
		goto done;
	if ((rc = buf_read_file(&c->pem, pemp.ptr, CERT_FILE_MAX))) {
		rc = prov_error_set(rc,
				    "CA '%s' has a key but no readable "
				    "certificate '%s'",
				    ca, pemp.ptr);
		goto done;
	}
	if (!(c->cert = pem_first(&c->pem, pemp.ptr))) {
		rc = PROV_EINVALID;
		goto done;
	}
	if (!same_key(c->cert, c->key->pk))
		rc = prov_error_set(PROV_EINVALID,
				    "the certificate '%s' is not for the key "
				    "of CA '%s'",
				    pemp.ptr, ca);
done:
	buf_release(&keyp);
	buf_release(&pemp);
	return rc;
}

/* The leaf of a C2PA claim signer, as the reference reader wants it. */
static X509 *leaf_new(const struct key *id, const struct ca *c, int days,
		      time_t now)
{
	X509 *x = cert_new(id->pk, id->name, c->cert, days, now);
	char san[DID_MAX + 8];

	if (!x)
		return NULL;
	snprintf(san, sizeof(san), "URI:%s", id->did);
	if (!add_ext(x, c->cert, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, c->cert, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(x, c->cert, NID_ext_key_usage,
		     "emailProtection," CLI_C2PA_CLAIM_SIGNING) ||
	    !add_ext(x, c->cert, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, c->cert, NID_authority_key_identifier,
		     "keyid:always") ||
	    !add_ext(x, c->cert, NID_subject_alt_name, san) ||
	    cert_sign(x, c->key->sk)) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void iso_time(char out[21], const ASN1_TIME *t)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm) ||
	    !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 21, "?");
}

static void cert_fill(struct cli_cert *out, X509 *x)
{
	unsigned char md[32], *der = NULL;
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int len = i2d_X509(x, &der);

	if (len > 0)
		crypto_hash_sha256(md, der, (unsigned long long)len);
	OPENSSL_free(der);
	snprintf(out->fingerprint, sizeof(out->fingerprint), "sha256:");
	for (size_t i = 0; i < 32; i++)
		snprintf(out->fingerprint + 7 + 2 * i, 3, "%02x", md[i]);
	out->serial[0] = '\0';
	for (int i = 0; i < sn->length && i < 20; i++)
		snprintf(out->serial + 2 * i, 3, "%02x", sn->data[i]);
	iso_time(out->not_before, X509_get0_notBefore(x));
	iso_time(out->not_after, X509_get0_notAfter(x));
	for (int i = 0; i < 2 && bio; i++) {
		char *dst = i ? out->issuer : out->subject;
		(void)BIO_reset(bio);
		X509_NAME_print_ex(bio,
				   i ? X509_get_issuer_name(x)
				     : X509_get_subject_name(x),
				   0, XN_FLAG_ONELINE);
		n = BIO_get_mem_data(bio, &p);
		snprintf(dst, sizeof(out->subject), "%.*s",
			 (int)(n > 0 ? n : 0), n > 0 ? p : "");
	}
	BIO_free(bio);
	ERR_clear_error();
}

/* A failed write, named by the file it was meant for. */
static int write_failed(const char *what, const char *path)
{
	/* Core errors name the temporary file; the reason after it is
	 * what matters here. */
	const char *last = prov_error_last(), *p = strstr(last, "': ");
	char *why;
	int rc;

	while (p && strstr(p + 3, "': "))
		p = strstr(p + 3, "': ");
	why = xstrdup(p ? p + 3 : last);
	rc = prov_error_set(PROV_EIO, "cannot write %s '%s': %s", what, path,
			    why);

	free(why);
	return rc;
}

int cli_cert_issue(struct cli_cert *out, const char *name, const char *ca,
		   int days, const char *root_out, int (*new_pass)(char *))
{
	struct buf idpath = BUF_INIT, dir = BUF_INIT, leafpem = BUF_INIT,
		   keyp = BUF_INIT, pemp = BUF_INIT;
	struct ca c = {NULL, NULL, BUF_INIT, 0};
	struct key *id = NULL;
	char *pass = sodium_malloc(PASS_CAP);
	time_t now = time(NULL);
	X509 *leaf = NULL;
	int rc;

	if (!pass)
		abort();
	pass[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (!ca)
		ca = CLI_CA_DEFAULT;
	if (days < 1 || days > CLI_CERT_DAYS_MAX) {
		rc = prov_error_set(PROV_EINVALID,
				    "a certificate lasts 1 to %d days, not %d",
				    CLI_CERT_DAYS_MAX, days);
		goto done;
	}
	if ((rc = cli_key_path(&idpath, name)) ||
	    (rc = key_load_public(&id, idpath.ptr))) {
		if (rc == PROV_ENOTFOUND)
			rc = prov_error_set(PROV_ENOTFOUND,
					    "no identity named '%s'", name);
		goto done;
	}
	if ((rc = key_name_check(ca))) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s' is not a valid CA name", ca);
		goto done;
	}
	if ((rc = ca_open(&c, ca, new_pass, pass, now)))
		goto done;
	if (!(leaf = leaf_new(id, &c, days, now))) {
		rc = prov_error_set(PROV_EIO,
				    "cannot make the certificate of "
				    "'%s'",
				    name);
		goto done;
	}
	if ((rc = pem_of(&leafpem, leaf)))
		goto done;
	/* Every file is written whole or not at all; the root for other
	 * tools first, as its path is the one most likely to be refused. */
	if (root_out &&
	    (rc = write_file_atomic(root_out, c.pem.ptr, c.pem.len, 0644, 0))) {
		rc = write_failed("the root certificate", root_out);
		goto done;
	}
	ca_paths(&keyp, &pemp, ca);
	buf_printf(&dir, "%s/ca", cli_home());
	if (c.created) {
		if ((rc = mkdir_p(dir.ptr, 0700)) ||
		    (rc = key_save(c.key, keyp.ptr, pass))) {
			rc = write_failed("the CA key", keyp.ptr);
			goto done;
		}
		if ((rc = write_file_atomic(pemp.ptr, c.pem.ptr, c.pem.len,
					    0644, 1))) {
			rc = write_failed("the CA certificate", pemp.ptr);
			unlink(keyp.ptr);
			goto done;
		}
	}
	buf_clear(&dir);
	buf_printf(&dir, "%s/certs", cli_home());
	snprintf(out->path, sizeof(out->path), "%s/%s.pem", dir.ptr, name);
	snprintf(out->root_path, sizeof(out->root_path), "%s", pemp.ptr);
	if ((rc = mkdir_p(dir.ptr, 0755)) ||
	    (rc = write_file_atomic(out->path, leafpem.ptr, leafpem.len, 0644,
				    0))) {
		rc = write_failed("the certificate", out->path);
		goto done;
	}
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(out->ca, sizeof(out->ca), "%s", ca);
	snprintf(out->did, sizeof(out->did), "%s", id->did);
	out->ca_created = c.created;
	cert_fill(out, leaf);
done:
	sodium_free(pass);
	X509_free(leaf);
	ca_release(&c);
	key_free(id);
	buf_release(&idpath);
	buf_release(&dir);
	buf_release(&leafpem);
	buf_release(&keyp);
	buf_release(&pemp);
	return rc;
}

int cli_cert_chain(struct buf **out, size_t *n, const struct key *k)
{
	struct buf path = BUF_INIT, pem = BUF_INIT;
	unsigned char *der = NULL;
	X509 *x = NULL;
	int len, rc;

	*out = NULL;
	*n = 0;
	buf_printf(&path, "%s/certs/%s.pem", cli_home(), k->name);
	if ((rc = buf_read_file(&pem, path.ptr, CERT_FILE_MAX))) {
		if (rc == PROV_ENOTFOUND)
			rc = prov_error_set(PROV_ENOTFOUND,
					    "'%s' has no certificate: run prov "
					    "id cert %s",
					    k->name, k->name);
		goto done;
	}
	if (!(x = pem_first(&pem, path.ptr))) {
		rc = PROV_EINVALID;
		goto done;
	}
	if (!same_key(x, k->pk)) {
		rc = prov_error_set(PROV_EINVALID,
				    "the certificate of %s does not match its "
				    "key: run prov id cert %s",
				    k->name, k->name);
		goto done;
	}
	if ((len = i2d_X509(x, &der)) <= 0) {
		rc = prov_error_set(PROV_EINVALID, "'%s': cannot encode",
				    path.ptr);
		goto done;
	}
	*out = xmalloc(sizeof(**out));
	(*out)[0] = (struct buf)BUF_INIT;
	buf_put(&(*out)[0], der, (size_t)len);
	*n = 1;
done:
	OPENSSL_free(der);
	X509_free(x);
	ERR_clear_error();
	buf_release(&path);
	buf_release(&pem);
	return rc;
}

int cli_cert_root_pem(struct buf *out, const char *ca_name)
{
	struct buf keyp = BUF_INIT, pemp = BUF_INIT;
	X509 *x = NULL;
	int rc;

	if (!ca_name)
		ca_name = CLI_CA_DEFAULT;
	if (key_name_check(ca_name))
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a valid CA name", ca_name);
	ca_paths(&keyp, &pemp, ca_name);
	if ((rc = buf_read_file(out, pemp.ptr, CERT_FILE_MAX))) {
		if (rc == PROV_ENOTFOUND)
			rc = prov_error_set(PROV_ENOTFOUND,
					    "no CA named '%s' (prov id cert "
					    "makes it)",
					    ca_name);
		goto done;
	}
	if (!(x = pem_first(out, pemp.ptr)))
		rc = PROV_EINVALID;
done:
	X509_free(x);
	buf_release(&keyp);
	buf_release(&pemp);
	return rc;
}

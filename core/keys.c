/* Ed25519 identities: generation, the encrypted key file, did:key names.
 *
 * Key file (JSON, mode 0600):
 *   {"format":"prov-secret-key","version":1,"name":..,"did":..,
 *    "public_key":b64,"kdf":{"alg":"argon2id13","opslimit":n,"memlimit":n,
 *    "salt":b64} | {"alg":"none"},"cipher":"xchacha20poly1305-ietf",
 *    "nonce":b64,"ciphertext":b64}
 * The ciphertext is the 64-byte libsodium secret key sealed with a key
 * derived from the passphrase (or, for "none", an all-zero key, so that a
 * damaged file is still detected). The public key is the associated data,
 * so it cannot be swapped. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core.h"

#define KEY_FORMAT "prov-secret-key"
#define KEY_FILE_MAX 8192
#define AD_TAG "prov-secret-key-v1"
/* A key file names its own Argon2 cost; refuse ones that would be used to
 * exhaust the machine. */
#define OPSLIMIT_MAX 32
#define MEMLIMIT_MAX (2ull << 30)

int key_name_check(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > KEY_NAME_MAX || name[0] == '.' || name[0] == '-')
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			goto bad;
	}
	return 0;
bad:
	return prov_error_set(PROV_EINVALID,
			      "'%s' is not a valid name (1-64 of A-Z a-z 0-9 . _ -, "
			      "not starting with . or -)",
			      name);
}

static void key_fill_public(struct key *k)
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), k->pk, 32, NULL, 0);
	memcpy(k->keyid, h, 8);
	did_from_pk(k->did, k->pk);
}

void key_public_init(struct key *k, const uint8_t pk[32])
{
	memset(k, 0, sizeof(*k));
	memcpy(k->pk, pk, 32);
	key_fill_public(k);
}

static struct key *key_new(const char *name)
{
	struct key *k = xcalloc(1, sizeof(*k));

	snprintf(k->name, sizeof(k->name), "%s", name);
	return k;
}

static uint8_t *secret_alloc(size_t n)
{
	uint8_t *p = sodium_malloc(n);
	if (!p)
		abort();
	return p;
}

int key_generate(struct key **out, const char *name)
{
	struct key *k;

	*out = NULL;
	if (key_name_check(name))
		return PROV_EINVALID;
	k = key_new(name);
	k->sk = secret_alloc(crypto_sign_SECRETKEYBYTES);
	crypto_sign_keypair(k->pk, k->sk);
	key_fill_public(k);
	*out = k;
	return 0;
}

void key_free(struct key *k)
{
	if (!k)
		return;
	if (k->sk)
		sodium_free(k->sk); /* zeroes before freeing */
	free(k);
}

static void make_ad(uint8_t ad[sizeof(AD_TAG) - 1 + 32], const uint8_t pk[32])
{
	memcpy(ad, AD_TAG, sizeof(AD_TAG) - 1);
	memcpy(ad + sizeof(AD_TAG) - 1, pk, 32);
}

static int derive(uint8_t *key, const char *pass, const uint8_t *salt,
		  unsigned long long ops, size_t mem)
{
	if (crypto_pwhash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, pass,
			  strlen(pass), salt, ops, mem,
			  crypto_pwhash_ALG_ARGON2ID13))
		return prov_error_set(PROV_ERROR,
				      "key derivation failed (out of memory?)");
	return 0;
}

static void put_b64(json_t *o, const char *name, const uint8_t *d, size_t n)
{
	struct buf b = BUF_INIT;

	base64_encode(&b, d, n);
	json_object_set_new(o, name, json_stringn(b.ptr, b.len));
	buf_release(&b);
}

int secret_seal(json_t *doc, const uint8_t *secret, size_t n,
		const uint8_t *ad, size_t adlen, const char *passphrase)
{
	uint8_t salt[crypto_pwhash_SALTBYTES];
	uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	uint8_t *sym = secret_alloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	uint8_t *sealed = xmalloc(n + crypto_aead_xchacha20poly1305_ietf_ABYTES);
	json_t *kdf = json_object();
	unsigned long long sealed_len = 0;
	int rc = 0;

	randombytes_buf(nonce, sizeof(nonce));
	sodium_memzero(sym, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	if (passphrase && *passphrase) {
		randombytes_buf(salt, sizeof(salt));
		if ((rc = derive(sym, passphrase, salt,
				 crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE)))
			goto done;
		json_object_set_new(kdf, "alg", json_string("argon2id13"));
		json_object_set_new(kdf, "opslimit",
				    json_integer(crypto_pwhash_OPSLIMIT_INTERACTIVE));
		json_object_set_new(kdf, "memlimit",
				    json_integer(crypto_pwhash_MEMLIMIT_INTERACTIVE));
		put_b64(kdf, "salt", salt, sizeof(salt));
	} else {
		json_object_set_new(kdf, "alg", json_string("none"));
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed, &sealed_len, secret,
						   n, ad, adlen, NULL, nonce, sym);
	json_object_set(doc, "kdf", kdf);
	json_object_set_new(doc, "cipher", json_string("xchacha20poly1305-ietf"));
	put_b64(doc, "nonce", nonce, sizeof(nonce));
	put_b64(doc, "ciphertext", sealed, sealed_len);
done:
	sodium_free(sym);
	free(sealed);
	json_decref(kdf);
	return rc;
}

int key_save(const struct key *k, const char *path, const char *passphrase)
{
	uint8_t ad[sizeof(AD_TAG) - 1 + 32];
	json_t *doc;
	int rc;

	if (!k->sk)
		return prov_error_set(PROV_EINVALID, "'%s' has no secret key",
				      k->name);
	doc = json_object();
	make_ad(ad, k->pk);
	json_object_set_new(doc, "format", json_string(KEY_FORMAT));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "name", json_string(k->name));
	json_object_set_new(doc, "did", json_string(k->did));
	put_b64(doc, "public_key", k->pk, 32);
	rc = secret_save(path, doc, k->sk, crypto_sign_SECRETKEYBYTES, ad,
			 sizeof(ad), passphrase);
	json_decref(doc);
	return rc;
}

int secret_save(const char *path, json_t *doc, const uint8_t *secret,
		size_t n, const uint8_t *ad, size_t adlen,
		const char *passphrase)
{
	struct buf text = BUF_INIT;
	int rc;

	if (!(rc = secret_seal(doc, secret, n, ad, adlen, passphrase)) &&
	    !(rc = jcs_encode(&text, doc)) && !(rc = buf_putc(&text, '\n')))
		rc = write_file_atomic(path, text.ptr, text.len, 0600, 1);
	buf_release(&text);
	return rc;
}

static int get_b64(uint8_t *out, size_t len, json_t *o, const char *name,
		   const char *path)
{
	const char *s = json_string_value(json_object_get(o, name));
	size_t got = 0;

	if (!s || base64_decode(out, len, &got, s, strlen(s)) || got != len)
		return prov_error_set(PROV_EINVALID,
				      "'%s': damaged key file (field %s)", path,
				      name);
	return 0;
}

/* Parses the file's public part; *doc keeps the rest for decryption. */
static int key_parse(struct key **out, json_t **doc_out, const char *path)
{
	struct buf text = BUF_INIT;
	json_t *doc = NULL;
	const char *name, *did;
	struct key *k = NULL;
	int rc;

	*out = NULL;
	if ((rc = buf_read_file(&text, path, KEY_FILE_MAX)))
		goto done;
	if ((rc = json_parse(&doc, text.ptr, text.len, path)))
		goto done;
	name = json_string_value(json_object_get(doc, "name"));
	did = json_string_value(json_object_get(doc, "did"));
	if (!json_is_object(doc) ||
	    strcmp(json_string_value(json_object_get(doc, "format")) ?: "",
		   KEY_FORMAT) ||
	    json_integer_value(json_object_get(doc, "version")) != 1 || !name ||
	    !did || key_name_check(name)) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s': not a prov key file (or a damaged one)",
				    path);
		goto done;
	}
	k = key_new(name);
	if ((rc = get_b64(k->pk, 32, doc, "public_key", path)))
		goto done;
	key_fill_public(k);
	k->encrypted = !strcmp(json_string_value(json_object_get(
				       json_object_get(doc, "kdf"), "alg")) ?: "",
			       "argon2id13");
	if (strcmp(did, k->did)) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s': damaged key file (did does not match "
				    "the public key)",
				    path);
		goto done;
	}
	*out = k;
	*doc_out = doc;
	k = NULL;
	doc = NULL;
done:
	key_free(k);
	json_decref(doc);
	buf_release(&text);
	return rc;
}

int key_load_public(struct key **out, const char *path)
{
	json_t *doc = NULL;
	int rc = key_parse(out, &doc, path);

	json_decref(doc);
	return rc;
}

int secret_open(uint8_t *secret, size_t n, const json_t *doc,
		const uint8_t *ad, size_t adlen, const char *name,
		const char *path, passphrase_fn ask, void *payload)
{
	uint8_t salt[crypto_pwhash_SALTBYTES];
	uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	size_t sealed_n = n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	uint8_t *sealed = xmalloc(sealed_n);
	uint8_t *sym = secret_alloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	char *pass = (char *)secret_alloc(1024);
	json_t *kdf = json_object_get(doc, "kdf");
	const char *alg = json_string_value(json_object_get(kdf, "alg"));
	unsigned long long got = 0;
	int rc;

	if ((rc = get_b64(nonce, sizeof(nonce), (json_t *)doc, "nonce", path)) ||
	    (rc = get_b64(sealed, sealed_n, (json_t *)doc, "ciphertext", path)))
		goto done;
	if (strcmp(json_string_value(json_object_get(doc, "cipher")) ?: "",
		   "xchacha20poly1305-ietf")) {
		rc = prov_error_set(PROV_EINVALID, "'%s': unknown cipher", path);
		goto done;
	}
	sodium_memzero(sym, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	if (alg && !strcmp(alg, "argon2id13")) {
		json_int_t ops = json_integer_value(json_object_get(kdf, "opslimit"));
		json_int_t mem = json_integer_value(json_object_get(kdf, "memlimit"));
		if (ops < (json_int_t)crypto_pwhash_OPSLIMIT_MIN ||
		    ops > OPSLIMIT_MAX ||
		    mem < (json_int_t)crypto_pwhash_MEMLIMIT_MIN ||
		    (unsigned long long)mem > MEMLIMIT_MAX) {
			rc = prov_error_set(PROV_EINVALID,
					    "'%s': key derivation cost out of range",
					    path);
			goto done;
		}
		if ((rc = get_b64(salt, sizeof(salt), kdf, "salt", path)))
			goto done;
		if (!ask) {
			rc = prov_error_set(PROV_EPASS,
					    "'%s' is encrypted and no passphrase "
					    "was given",
					    name);
			goto done;
		}
		pass[0] = '\0';
		if ((rc = ask(pass, 1024, name, payload)))
			goto done;
		pass[1023] = '\0'; /* whatever the callback did */
		if ((rc = derive(sym, pass, salt, (unsigned long long)ops,
				 (size_t)mem)))
			goto done;
	} else if (!alg || strcmp(alg, "none")) {
		rc = prov_error_set(PROV_EINVALID, "'%s': unknown kdf", path);
		goto done;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(secret, &got, NULL,
						       sealed, sealed_n, ad,
						       adlen, nonce, sym) ||
	    got != n) {
		sodium_memzero(secret, n);
		rc = prov_error_set(PROV_EPASS,
				    "cannot unlock key '%s': wrong passphrase or "
				    "damaged key file",
				    name);
		goto done;
	}
done:
	sodium_free(sym);
	sodium_free(pass);
	free(sealed);
	return rc;
}

int key_load(struct key **out, const char *path, passphrase_fn ask,
	     void *payload)
{
	uint8_t ad[sizeof(AD_TAG) - 1 + 32];
	struct key *k = NULL;
	json_t *doc = NULL;
	int rc;

	*out = NULL;
	if ((rc = key_parse(&k, &doc, path)))
		goto done;
	k->sk = secret_alloc(crypto_sign_SECRETKEYBYTES);
	make_ad(ad, k->pk);
	if ((rc = secret_open(k->sk, crypto_sign_SECRETKEYBYTES, doc, ad,
			      sizeof(ad), k->name, path, ask, payload)))
		goto done;
	/* The secret half holds the public key too; they must agree. */
	if (sodium_memcmp(k->sk + 32, k->pk, 32)) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s': damaged key file (keys disagree)", path);
		goto done;
	}
	*out = k;
	k = NULL;
done:
	key_free(k);
	json_decref(doc);
	return rc;
}

int key_sign(uint8_t sig[64], const struct key *k, const void *msg, size_t n)
{
	if (!k->sk)
		return prov_error_set(PROV_EINVALID,
				      "'%s' has no secret key loaded", k->name);
	crypto_sign_detached(sig, NULL, msg, n, k->sk);
	return 0;
}

int ed25519_verify(const uint8_t sig[64], const uint8_t pk[32], const void *msg,
		   size_t n)
{
	if (crypto_sign_verify_detached(sig, msg, n, pk))
		return prov_error_set(PROV_EVERIFY, "bad Ed25519 signature");
	return 0;
}

int did_from_pk(char out[DID_MAX], const uint8_t pk[32])
{
	uint8_t mc[34] = { 0xed, 0x01 };
	struct buf b = BUF_INIT;

	memcpy(mc + 2, pk, 32);
	base58_encode(&b, mc, sizeof(mc));
	snprintf(out, DID_MAX, "did:key:z%s", b.ptr);
	buf_release(&b);
	return 0;
}

int did_to_pk(uint8_t pk[32], const char *did)
{
	uint8_t mc[40];
	size_t n = 0;

	if (strncmp(did, "did:key:z", 9) ||
	    base58_decode(mc, sizeof(mc), &n, did + 9, strlen(did + 9)) ||
	    n != 34 || mc[0] != 0xed || mc[1] != 0x01)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not an Ed25519 did:key", did);
	memcpy(pk, mc + 2, 32);
	return 0;
}

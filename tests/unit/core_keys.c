/* Ed25519 identities: the key file round trip, what a wrong passphrase or a
 * damaged file does, and did:key names. */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char *path_in_tmp(const char *name)
{
	return xasprintf("%s/%s", unit_tmpdir(), name);
}

/* A passphrase callback that answers with payload (a string). */
static int answer(char *buf, size_t cap, const char *prompt, void *payload)
{
	snprintf(buf, cap, "%s", (const char *)payload);
	return 0;
}

static int refuse(char *buf, size_t cap, const char *prompt, void *payload)
{
	return prov_error_set(PROV_EPASS, "no terminal");
}

/* Two keys are the same identity, and the loaded one can sign for it. */
static int same_key(const struct key *a, const struct key *b)
{
	uint8_t sig[64];

	return strcmp(a->name, b->name) == 0 && memcmp(a->pk, b->pk, 32) == 0 &&
	       memcmp(a->keyid, b->keyid, 8) == 0 &&
	       strcmp(a->did, b->did) == 0 && key_sign(sig, b, "m", 1) == 0 &&
	       ed25519_verify(sig, a->pk, "m", 1) == 0;
}

static void generate_sign_verify(void)
{
	struct key *k = NULL;
	uint8_t sig[64];

	CHECK(key_generate(&k, "alice") == 0);
	CHECK_STR(k->name, "alice");
	CHECK(strncmp(k->did, "did:key:z6Mk", 12) == 0);
	CHECK(strlen(k->did) == 56);
	CHECK(key_sign(sig, k, "message", 7) == 0);
	CHECK(ed25519_verify(sig, k->pk, "message", 7) == 0);
	CHECK(ed25519_verify(sig, k->pk, "messagE", 7) == PROV_EVERIFY);
	sig[0] ^= 1;
	CHECK(ed25519_verify(sig, k->pk, "message", 7) == PROV_EVERIFY);
	key_free(k);
	CHECK(key_generate(&k, "-bad") == PROV_EINVALID);
	CHECK(k == NULL);
}

static void name_check(void)
{
	char long_name[KEY_NAME_MAX + 2];

	CHECK(key_name_check("alice") == 0);
	CHECK(key_name_check("A.b_c-9") == 0);
	CHECK(key_name_check("") == PROV_EINVALID);
	CHECK(key_name_check(".hidden") == PROV_EINVALID);
	CHECK(key_name_check("-opt") == PROV_EINVALID);
	CHECK(key_name_check("a/b") == PROV_EINVALID);
	CHECK(key_name_check("a b") == PROV_EINVALID);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK(key_name_check(long_name) == PROV_EINVALID);
	long_name[KEY_NAME_MAX] = '\0';
	CHECK(key_name_check(long_name) == 0);
}

static void round_trip_plain(void)
{
	struct key *k = NULL, *back = NULL, *pub = NULL;
	char *path = path_in_tmp("plain.key");
	struct stat st;

	CHECK(key_generate(&k, "plain") == 0);
	CHECK(key_save(k, path, NULL) == 0);
	CHECK(stat(path, &st) == 0);
	CHECK((st.st_mode & 0777) == 0600);
	/* No passphrase is asked for an unencrypted key. */
	CHECK(key_load(&back, path, refuse, NULL) == 0);
	CHECK(same_key(k, back));
	CHECK(key_load_public(&pub, path) == 0);
	CHECK(pub->sk == NULL);
	CHECK(memcmp(pub->pk, k->pk, 32) == 0);
	/* Never overwritten. */
	CHECK(key_save(k, path, NULL) == PROV_EEXISTS);
	key_free(k);
	key_free(back);
	key_free(pub);
	free(path);
}

static void round_trip_passphrase(void)
{
	struct key *k = NULL, *back = NULL, *pub = NULL;
	char *path = path_in_tmp("secret.key");
	struct buf text = BUF_INIT;
	struct stat st;

	CHECK(key_generate(&k, "secret") == 0);
	CHECK(key_save(k, path, "correct horse") == 0);
	CHECK(stat(path, &st) == 0);
	CHECK((st.st_mode & 0777) == 0600);
	CHECK(buf_read_file(&text, path, 0) == 0);
	CHECK(strstr(text.ptr, "argon2id13") != NULL);
	CHECK(key_load_public(&pub, path) == 0);
	CHECK(pub->sk == NULL && memcmp(pub->pk, k->pk, 32) == 0);
	CHECK(key_load(&back, path, answer, "correct horse") == 0);
	CHECK(same_key(k, back));
	key_free(back);
	back = NULL;

	CHECK(key_load(&back, path, answer, "correct horsE") == PROV_EPASS);
	CHECK(back == NULL);
	CHECK(key_load(&back, path, answer, "") == PROV_EPASS);
	CHECK(key_load(&back, path, NULL, NULL) == PROV_EPASS);
	/* The callback's own refusal comes back as it is. */
	CHECK(key_load(&back, path, refuse, NULL) == PROV_EPASS);
	CHECK(strstr(prov_error_last(), "no terminal") != NULL);
	buf_release(&text);
	key_free(k);
	key_free(pub);
	free(path);
}

static int rewrite_field(const char *path, const char *field, int flip_byte)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	json_t *doc = NULL;
	uint8_t raw[256];
	size_t n = 0;
	const char *s;
	int rc = -1;

	if (buf_read_file(&text, path, 0) ||
	    json_parse(&doc, text.ptr, text.len, path))
		goto done;
	s = json_string_value(json_object_get(doc, field));
	if (!s || base64_decode(raw, sizeof(raw), &n, s, strlen(s)) ||
	    (size_t)flip_byte >= n)
		goto done;
	raw[flip_byte] ^= 0x01;
	base64_encode(&out, raw, n);
	json_object_set_new(doc, field, json_string(out.ptr));
	buf_clear(&out);
	if (jcs_encode(&out, doc))
		goto done;
	unlink(path);
	rc = write_file_atomic(path, out.ptr, out.len, 0600, 1);
done:
	json_decref(doc);
	buf_release(&text);
	buf_release(&out);
	return rc;
}

static void damaged_files(void)
{
	struct key *k = NULL, *back = NULL;
	char *path = path_in_tmp("damaged.key"), *cut = path_in_tmp("cut.key");
	char *plain = path_in_tmp("damaged-plain.key");
	struct buf text = BUF_INIT;

	CHECK(key_generate(&k, "damaged") == 0);
	CHECK(key_save(k, path, "pw") == 0);
	CHECK(key_save(k, plain, NULL) == 0);
	CHECK(buf_read_file(&text, path, 0) == 0);

	/* Every truncation fails, and names the file or the key. */
	for (size_t n = 0; n < text.len - 1; n += 13) {
		unlink(cut);
		CHECK(write_file_atomic(cut, text.ptr, n, 0600, 1) == 0);
		CHECK(key_load(&back, cut, answer, "pw") < 0);
		CHECK(back == NULL);
		CHECK(key_load_public(&back, cut) < 0);
	}

	/* A flipped ciphertext byte: the MAC catches it, with or without a
	 * passphrase. */
	CHECK(rewrite_field(path, "ciphertext", 5) == 0);
	CHECK(key_load(&back, path, answer, "pw") == PROV_EPASS);
	CHECK(rewrite_field(plain, "ciphertext", 70) == 0);
	CHECK(key_load(&back, plain, NULL, NULL) == PROV_EPASS);
	/* A swapped public key no longer matches the did. */
	unlink(plain);
	CHECK(key_save(k, plain, NULL) == 0);
	CHECK(rewrite_field(plain, "public_key", 0) == 0);
	CHECK(key_load_public(&back, plain) == PROV_EINVALID);
	CHECK(key_load(&back, plain, NULL, NULL) == PROV_EINVALID);
	/* A flipped nonce. */
	unlink(plain);
	CHECK(key_save(k, plain, NULL) == 0);
	CHECK(rewrite_field(plain, "nonce", 3) == 0);
	CHECK(key_load(&back, plain, NULL, NULL) == PROV_EPASS);
	/* Missing file. */
	unlink(cut);
	CHECK(key_load(&back, cut, NULL, NULL) == PROV_ENOTFOUND);
	CHECK(strstr(prov_error_last(), "cut.key") != NULL);
	buf_release(&text);
	key_free(k);
	free(path);
	free(cut);
	free(plain);
}

/* A key file asking for an absurd Argon2 cost is refused before any work. */
static void kdf_cost_capped(void)
{
	char *path = path_in_tmp("costly.key");
	struct key *k = NULL, *back = NULL;
	struct buf text = BUF_INIT, out = BUF_INIT;
	json_t *doc = NULL, *kdf;

	CHECK(key_generate(&k, "costly") == 0);
	CHECK(key_save(k, path, "pw") == 0);
	CHECK(buf_read_file(&text, path, 0) == 0);
	CHECK(json_parse(&doc, text.ptr, text.len, path) == 0);
	kdf = json_object_get(doc, "kdf");
	json_object_set_new(kdf, "memlimit", json_integer(1ll << 40));
	CHECK(jcs_encode(&out, doc) == 0);
	unlink(path);
	CHECK(write_file_atomic(path, out.ptr, out.len, 0600, 1) == 0);
	CHECK(key_load(&back, path, answer, "pw") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "cost") != NULL);
	json_decref(doc);
	buf_release(&text);
	buf_release(&out);
	key_free(k);
	free(path);
}

/* The did:key method specification's Ed25519 example. */
static void did_key_vector(void)
{
	const char *did =
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
	uint8_t pk[32];
	char back[DID_MAX];
	struct key *k = NULL;

	CHECK(did_to_pk(pk, did) == 0);
	CHECK(did_from_pk(back, pk) == 0);
	CHECK_STR(back, did);
	/* A generated key's did round-trips too. */
	CHECK(key_generate(&k, "d") == 0);
	CHECK(did_to_pk(pk, k->did) == 0);
	CHECK(memcmp(pk, k->pk, 32) == 0);
	key_free(k);
}

static void did_key_bad(void)
{
	static const char *const bad[] = {
		"",
		"did:key:",
		"did:key:z",
		"did:web:example.org",
		/* base64 multibase ("m"), not base58btc */
		"did:key:m7QFeSsLQgkcU+4XEfvEnVsKoLsvnAP0Y8HQX2yQbSJ4",
		/* an X25519 key (multicodec 0xec) */
		"did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
		/* one character short, one long, one invalid character */
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW",
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWpp",
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0",
	};
	uint8_t pk[32];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(did_to_pk(pk, bad[i]) == PROV_EINVALID);
}

int main(void)
{
	RUN(generate_sign_verify);
	RUN(name_check);
	RUN(round_trip_plain);
	RUN(round_trip_passphrase);
	RUN(damaged_files);
	RUN(kdf_cost_capped);
	RUN(did_key_vector);
	RUN(did_key_bad);
	return unit_done();
}

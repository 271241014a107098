/* secp256k1 keys for sending transactions: generation, the Ethereum
 * address, and the encrypted key file.
 *
 * Key file (JSON, mode 0600, never overwritten):
 *   {"format":"prov-chain-key","version":1,"alg":"secp256k1",
 *    "address":"0x<EIP-55>", "kdf":..,"cipher":..,"nonce":..,"ciphertext":..}
 * The encrypted part is core's (secret_seal: Argon2id and
 * XChaCha20-Poly1305, as for Ed25519 keys); the 32-byte secret is sealed
 * with "prov-chain-key-v1" and the address as associated data, and the
 * address derived from the decrypted secret must be the one written. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <sodium.h>

#include "chain.h"

#define CHAIN_KEY_FORMAT "prov-chain-key"
#define CHAIN_KEY_AD "prov-chain-key-v1"
#define CHAIN_KEY_FILE_MAX 8192

static secp256k1_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void ctx_create(void)
{
	uint8_t seed[32];

	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (!ctx)
		abort();
	/* blinds the signing computations against side channels */
	randombytes_buf(seed, sizeof(seed));
	if (!secp256k1_context_randomize(ctx, seed))
		abort();
	sodium_memzero(seed, sizeof(seed));
}

const secp256k1_context *chain_secp_ctx(void)
{
	pthread_once(&ctx_once, ctx_create);
	return ctx;
}

void chain_address_from_pub(uint8_t addr[20], const uint8_t pub[65])
{
	uint8_t h[32];

	keccak256(h, pub + 1, 64);
	memcpy(addr, h + 12, 20);
}

/* Fills pub and addr from k->sk; PROV_EINVALID for a secret that is not a
 * valid scalar (zero, or not below the group order). */
static int key_fill(struct chain_key *k)
{
	secp256k1_pubkey pk;
	size_t n = sizeof(k->pub);

	/* pubkey_create verifies the secret as seckey_verify does */
	if (!secp256k1_ec_pubkey_create(chain_secp_ctx(), &pk, k->sk))
		return prov_error_set(PROV_EINVALID,
				      "not a secp256k1 secret key (zero, or "
				      "not below the group order)");
	secp256k1_ec_pubkey_serialize(chain_secp_ctx(), k->pub, &n, &pk,
				      SECP256K1_EC_UNCOMPRESSED);
	chain_address_from_pub(k->addr, k->pub);
	address_checksum(k->address, k->addr);
	return 0;
}

static struct chain_key *key_new(void)
{
	struct chain_key *k = xcalloc(1, sizeof(*k));

	k->sk = sodium_malloc(32);
	if (!k->sk)
		abort();
	return k;
}

int chain_key_from_secret(struct chain_key **out, const uint8_t sk[32])
{
	struct chain_key *k = key_new();
	int rc;

	*out = NULL;
	memcpy(k->sk, sk, 32);
	if ((rc = key_fill(k))) {
		chain_key_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

int chain_key_generate(struct chain_key **out)
{
	struct chain_key *k = key_new();

	/* Fails with a chance of about 2^-128 per draw. */
	do
		randombytes_buf(k->sk, 32);
	while (!secp256k1_ec_seckey_verify(chain_secp_ctx(), k->sk));
	if (key_fill(k))
		abort(); /* verified above */
	*out = k;
	return 0;
}

void chain_key_free(struct chain_key *k)
{
	if (!k)
		return;
	sodium_free(k->sk); /* zeroes before freeing */
	free(k);
}

static void make_ad(uint8_t ad[sizeof(CHAIN_KEY_AD) - 1 + 20],
		    const uint8_t addr[20])
{
	memcpy(ad, CHAIN_KEY_AD, sizeof(CHAIN_KEY_AD) - 1);
	memcpy(ad + sizeof(CHAIN_KEY_AD) - 1, addr, 20);
}

int chain_key_save(const struct chain_key *k, const char *path,
		   const char *passphrase)
{
	uint8_t ad[sizeof(CHAIN_KEY_AD) - 1 + 20];
	json_t *doc = json_object();
	int rc;

	make_ad(ad, k->addr);
	json_object_set_new(doc, "format", json_string(CHAIN_KEY_FORMAT));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "alg", json_string("secp256k1"));
	json_object_set_new(doc, "address", json_string(k->address));
	rc = secret_save(path, doc, k->sk, 32, ad, sizeof(ad), passphrase);
	json_decref(doc);
	return rc;
}

int chain_key_load(struct chain_key **out, const char *path,
		   passphrase_fn ask, void *payload)
{
	uint8_t ad[sizeof(CHAIN_KEY_AD) - 1 + 20], addr[20];
	struct buf text = BUF_INIT;
	struct chain_key *k = key_new();
	struct account acct;
	json_t *doc = NULL;
	const char *address;
	char *caip = NULL;
	int rc;

	*out = NULL;
	if ((rc = buf_read_file(&text, path, CHAIN_KEY_FILE_MAX)) ||
	    (rc = json_parse(&doc, text.ptr, text.len, path)))
		goto done;
	address = json_string_value(json_object_get(doc, "address"));
	if (!json_is_object(doc) ||
	    strcmp(json_string_value(json_object_get(doc, "format")) ?: "",
		   CHAIN_KEY_FORMAT) ||
	    json_integer_value(json_object_get(doc, "version")) != 1 ||
	    strcmp(json_string_value(json_object_get(doc, "alg")) ?: "",
		   "secp256k1") ||
	    !address || strlen(address) != 42) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s': not a prov chain key file (or a "
				    "damaged one)",
				    path);
		goto done;
	}
	/* account_parse checks the hex and an EIP-55 spelling */
	caip = xasprintf("eip155:1:%s", address);
	if ((rc = account_parse(&acct, caip))) {
		rc = prov_error_set(PROV_EINVALID, "'%s': damaged key file (%s)",
				    path, prov_error_last());
		goto done;
	}
	memcpy(addr, acct.addr, 20);
	make_ad(ad, addr);
	if ((rc = secret_open(k->sk, 32, doc, ad, sizeof(ad), address, path,
			      ask, payload)))
		goto done;
	if ((rc = key_fill(k)) || memcmp(k->addr, addr, 20)) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s': damaged key file (the secret is not "
				    "the address's)",
				    path);
		goto done;
	}
	*out = k;
	k = NULL;
done:
	chain_key_free(k);
	json_decref(doc);
	buf_release(&text);
	free(caip);
	return rc;
}

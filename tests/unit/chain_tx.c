/* secp256k1 keys and EIP-1559 transactions.
 *
 * Addresses: 0x46..46 is the key of the EIP-155 example; the others were
 * checked with `cast wallet address --private-key KEY` (cast 1.7.1).
 *
 * Signed transactions: produced offline by cast 1.7.1 (npm package
 * @foundry-rs/cast-linux-amd64@1.7.1, commit 4072e48705af), with
 *   cast mktx --private-key KEY --chain CHAIN --nonce NONCE
 *     --gas-limit GAS --gas-price MAX_FEE --priority-gas-price PRIORITY
 *     TO [CALLDATA] [--value VALUE]        (or --create CODE for TO)
 * with the values of each row below (decimal on the command line). Ours
 * must be the same bytes: RFC 6979 makes the signature deterministic. */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "chain/chain.h"

#define KEY46 "4646464646464646464646464646464646464646464646464646464646464646"
#define ANVIL0 "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define KEY1 "0000000000000000000000000000000000000000000000000000000000000001"

struct vector {
	const char *key;
	uint64_t chain_id, nonce, gas_limit;
	const char *priority, *max_fee, *value; /* hex, no 0x */
	const char *to;                         /* NULL: --create */
	const char *data;
	const char *raw;
};

static const struct vector vectors[] = {
	/* --chain 1 --nonce 9 --gas-limit 21000 --gas-price 40000000000
	 * --priority-gas-price 2000000000 0x3535...35
	 * --value 1000000000000000000 */
	{ KEY46, 1, 9, 21000, "77359400", "09502f9000", "0de0b6b3a7640000",
	  "3535353535353535353535353535353535353535", "",
	  "02f873010984773594008509502f9000825208943535353535353535353535353535"
	  "353535353535880de0b6b3a764000080c001a0d96a939aa598b136ef52239a282ac3"
	  "a5ace24616dd8df06287aa4a83a327f407a00369d2510bd102b461c552a392bf47d3"
	  "33ed735007e5f0934a09ff3186869a9c" },
	/* --chain 31337 --nonce 0 --gas-limit 100000 --gas-price 1875000000
	 * --priority-gas-price 1 0x5FbDB2315678afecb367f032d93F642f64180aa3
	 * 0xdeadbeef00..00ff */
	{ ANVIL0, 31337, 0, 100000, "01", "6fc23ac0", "",
	  "5fbdb2315678afecb367f032d93f642f64180aa3",
	  "deadbeef00000000000000000000000000000000000000000000000000000000000000ff",
	  "02f88d827a698001846fc23ac0830186a0945fbdb2315678afecb367f032d93f642f"
	  "64180aa380a4deadbeef000000000000000000000000000000000000000000000000"
	  "00000000000000ffc080a0b1b5fa02ce714d5b91715cd8c64e79796299e3c7afc5a1"
	  "48a345d722a2b55b1ca069bbae74a409b79f0bce617edc73949ca9aa977cc9e173ef"
	  "ade4323a4a21171f" },
	/* --chain 11155111 --nonce 300 --gas-limit 3000000 --gas-price 0
	 * --priority-gas-price 0 --create 0x6080...000a */
	{ ANVIL0, 11155111, 300, 3000000, "", "", "", NULL,
	  "6080604052348015600e575f5ffd5b50603e80601a5f395ff3fe60806040525f5ffd"
	  "fea164736f6c634300081e000a",
	  "02f88383aa36a782012c8080832dc6c08080af6080604052348015600e575f5ffd5b"
	  "50603e80601a5f395ff3fe60806040525f5ffdfea164736f6c634300081e000ac080"
	  "a017c1243d7845ad91e11ab34ed4eeb8824987657b820f94f68155c674ce3fed57a0"
	  "26ec3ac23230c4a07a98c77419eeb7b77a72a603ef7f5989956cadadcefc56f0" },
	/* --chain 1 --nonce 18446744073709551614 --gas-limit 30000000
	 * --gas-price 2^128-1 --priority-gas-price 2^128-1 0x00..00
	 * --value 2^256-1 (cast refuses fees over 128 bits, and nonce 2^64-1) */
	{ KEY1, 1, UINT64_MAX - 1, 30000000, "ffffffffffffffffffffffffffffffff",
	  "ffffffffffffffffffffffffffffffff",
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "0000000000000000000000000000000000000000", "",
	  "02f8ac0188fffffffffffffffe90ffffffffffffffffffffffffffffffff90ffffff"
	  "ffffffffffffffffffffffffff8401c9c38094000000000000000000000000000000"
	  "0000000000a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffff80c080a01db5c486485a2e303a787126b73d12d38a6a06435d1404725"
	  "7ff8cfb664e9adfa01b5ccedf9b59c8217509bfbd18eb96c98394a4aa1bbe061dec"
	  "70aae48b5b424a" },
};

static void u256_hex(uint8_t out[32], const char *hex)
{
	size_t n = strlen(hex) / 2;

	memset(out, 0, 32);
	hex_decode(out + 32 - n, n, hex, 2 * n);
}

static struct chain_key *key_of(const char *hex)
{
	uint8_t sk[32];
	struct chain_key *k = NULL;

	hex_decode(sk, 32, hex, 64);
	chain_key_from_secret(&k, sk);
	return k;
}

static void tx_of(struct tx *tx, const struct vector *v)
{
	size_t n = strlen(v->data) / 2;

	tx_init(tx);
	tx->chain_id = v->chain_id;
	tx->nonce = v->nonce;
	tx->gas_limit = v->gas_limit;
	u256_hex(tx->max_priority_fee, v->priority);
	u256_hex(tx->max_fee, v->max_fee);
	u256_hex(tx->value, v->value);
	tx->create = !v->to;
	if (v->to)
		hex_decode(tx->to, 20, v->to, 40);
	buf_grow(&tx->data, n);
	hex_decode((uint8_t *)tx->data.ptr, n, v->data, 2 * n);
	tx->data.len = n;
}

/* raw as bytes, malloc'd */
static uint8_t *unhex(size_t *n, const char *hex)
{
	uint8_t *b;

	*n = strlen(hex) / 2;
	b = xmalloc(*n + 1);
	hex_decode(b, *n, hex, 2 * *n);
	return b;
}

static void test_addresses(void)
{
	struct chain_key *k;
	uint8_t sk[32];

	CHECK((k = key_of(KEY46)));
	CHECK_STR(k->address, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F");
	CHECK(k->pub[0] == 4);
	chain_key_free(k);
	CHECK((k = key_of(ANVIL0)));
	CHECK_STR(k->address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
	chain_key_free(k);
	CHECK((k = key_of(KEY1)));
	CHECK_STR(k->address, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
	chain_key_free(k);
	/* zero and the group order are not secrets */
	memset(sk, 0, 32);
	CHECK(chain_key_from_secret(&k, sk) == PROV_EINVALID && !k);
	hex_decode(sk, 32,
		   "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
		   64);
	CHECK(chain_key_from_secret(&k, sk) == PROV_EINVALID && !k);
}

static void test_cast_vectors(void)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(*vectors); i++) {
		const struct vector *v = &vectors[i];
		struct chain_key *k = key_of(v->key);
		struct buf raw = BUF_INIT;
		struct tx tx, back;
		uint8_t hash[32], want[32], from[20];
		char *hex;
		int ok;

		CHECK(k);
		tx_of(&tx, v);
		CHECK(!tx_sign(&raw, hash, &tx, k));
		hex = xmalloc(2 * raw.len + 1);
		hex_encode(hex, (uint8_t *)raw.ptr, raw.len);
		ok = !strcmp(hex, v->raw);
		if (!ok)
			fprintf(stderr, "vector %zu:\ngot  %s\nwant %s\n", i, hex,
				v->raw);
		free(hex);
		CHECK(ok);
		keccak256(want, raw.ptr, raw.len);
		CHECK(!memcmp(hash, want, 32));

		/* decodes to the same fields, from the same sender */
		tx_init(&back);
		CHECK(!tx_decode(&back, from, (uint8_t *)raw.ptr, raw.len));
		CHECK(!memcmp(from, k->addr, 20));
		CHECK(back.chain_id == tx.chain_id && back.nonce == tx.nonce &&
		      back.gas_limit == tx.gas_limit && back.create == tx.create &&
		      !memcmp(back.to, tx.to, 20) &&
		      !memcmp(back.value, tx.value, 32) &&
		      !memcmp(back.max_fee, tx.max_fee, 32) &&
		      !memcmp(back.max_priority_fee, tx.max_priority_fee, 32) &&
		      back.data.len == tx.data.len &&
		      !memcmp(back.data.ptr, tx.data.ptr, tx.data.len) &&
		      back.y_parity == tx.y_parity && !memcmp(back.r, tx.r, 32) &&
		      !memcmp(back.s, tx.s, 32));
		tx_release(&back);
		tx_release(&tx);
		buf_release(&raw);
		chain_key_free(k);
	}
}

/* 1 if raw (hex) is refused with code and a message holding want. */
static int decode_refused(const uint8_t *raw, size_t n, int code,
			  const char *want)
{
	struct tx tx;
	uint8_t from[20];
	int rc;

	tx_init(&tx);
	rc = tx_decode(&tx, from, raw, n);
	if (rc != code || !strstr(prov_error_last(), want)) {
		fprintf(stderr, "rc %d, message '%s', want '%s'\n", rc,
			prov_error_last(), want);
		return 0;
	}
	return tx.data.len == 0;
}

static void test_decode_refuses(void)
{
	size_t n;
	uint8_t *raw = unhex(&n, vectors[0].raw), *s;
	struct tx tx;
	uint8_t from[20];
	/* the group order, to turn s into n - s */
	static const char *order =
		"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
	uint8_t ord[32];
	int borrow = 0;

	CHECK(decode_refused(raw, 0, PROV_EINVALID, "type byte missing"));
	raw[0] = 0x01;
	CHECK(decode_refused(raw, n, PROV_EINVALID, "type byte 0x01"));
	raw[0] = 0x02;
	CHECK(decode_refused(raw, n - 1, PROV_EINVALID, "payload runs past"));
	/* y_parity 2: raw ends y_parity, 0xa0 r(32), 0xa0 s(32) */
	CHECK(raw[n - 67] == 0x01);
	raw[n - 67] = 0x02;
	CHECK(decode_refused(raw, n, PROV_EINVALID, "y_parity is 2"));
	raw[n - 67] = 0x01;

	/* the same signature with s' = order - s and the other parity still
	 * recovers the sender; EIP-2 refuses it */
	hex_decode(ord, 32, order, 64);
	s = raw + n - 32;
	for (int i = 31; i >= 0; i--) {
		int d = ord[i] - s[i] - borrow;
		borrow = d < 0;
		s[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
	raw[n - 67] = 0x80;
	CHECK(decode_refused(raw, n, PROV_EVERIFY, "upper half"));
	free(raw);

	/* a changed field still decodes, to another sender */
	raw = unhex(&n, vectors[0].raw);
	raw[42] ^= 1; /* inside the value (its header is at 40) */
	tx_init(&tx);
	CHECK(!tx_decode(&tx, from, raw, n));
	CHECK(memcmp(from, "\x9d\x8a\x62\xf6", 4));
	tx_release(&tx);
	free(raw);

	/* a nonce with a leading zero: 0x09 spelled 0x81 0x09 is refused by
	 * RLP itself; 0x82 0x00 0x09 by the integer check */
	raw = unhex(&n, "02c90109808080808080c0");
	CHECK(decode_refused(raw, n, PROV_EINVALID, "missing field y_parity"));
	free(raw);
	raw = unhex(&n, "02ca0182000980808080" "80c0");
	CHECK(decode_refused(raw, n, PROV_EINVALID, "nonce is not an integer"));
	free(raw);
	/* a 19-byte to, a non-empty access list, an extra field */
	raw = unhex(&n, "02dc01098080809300000000000000000000000000000000000000"
			"8080c0");
	CHECK(decode_refused(raw, n, PROV_EINVALID, "'to' at offset 6"));
	free(raw);
	raw = unhex(&n, "02ca01098080808080" "80c1c0");
	CHECK(decode_refused(raw, n, PROV_EINVALID, "access list at offset 9"));
	free(raw);
	raw = unhex(&n, "02cd0109808080808080c0" "010101" "80");
	CHECK(decode_refused(raw, n, PROV_EINVALID, "extra field at offset 13"));
	free(raw);
}

static int ask_pass(char *buf, size_t cap, const char *prompt, void *payload)
{
	snprintf(buf, cap, "%s", (const char *)payload);
	return 0;
}

static void test_key_file(void)
{
	char *path = xasprintf("%s/chain.key", unit_tmpdir());
	char *plain = xasprintf("%s/plain.key", unit_tmpdir());
	struct chain_key *k = NULL, *back = NULL;
	struct buf text = BUF_INIT;
	struct stat st;

	CHECK(!chain_key_generate(&k));
	CHECK(!chain_key_save(k, path, "correct horse"));
	CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600);
	CHECK(chain_key_save(k, path, "x") == PROV_EEXISTS);
	CHECK(!buf_read_file(&text, path, 0));
	CHECK(strstr(text.ptr, k->address) && strstr(text.ptr, "argon2id13") &&
	      strstr(text.ptr, "\"alg\":\"secp256k1\""));
	CHECK(chain_key_load(&back, path, NULL, NULL) == PROV_EPASS && !back);
	CHECK(chain_key_load(&back, path, ask_pass, "wrong") == PROV_EPASS);
	CHECK(!chain_key_load(&back, path, ask_pass, "correct horse"));
	CHECK(!memcmp(back->sk, k->sk, 32) && !strcmp(back->address, k->address));
	chain_key_free(back);
	back = NULL;

	/* unencrypted; another address written in the file is caught */
	CHECK(!chain_key_save(k, plain, NULL));
	CHECK(!chain_key_load(&back, plain, NULL, NULL));
	CHECK(!memcmp(back->sk, k->sk, 32));
	chain_key_free(back);
	back = NULL;
	buf_clear(&text);
	CHECK(!buf_read_file(&text, plain, 0));
	{
		char *a = strstr(text.ptr, k->address);
		CHECK(a);
		memcpy(a, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F", 42);
		unlink(plain);
		CHECK(!write_file_atomic(plain, text.ptr, text.len, 0600, 1));
		CHECK(chain_key_load(&back, plain, NULL, NULL) == PROV_EPASS);
	}
	buf_release(&text);
	chain_key_free(k);
	free(path);
	free(plain);
}

/* A file whose sealed secret is not the address's, as a faulty writer
 * could make it (the MAC is right): caught after decrypting. */
static void test_key_file_mismatch(void)
{
	char *path = xasprintf("%s/mismatch.key", unit_tmpdir());
	struct chain_key *a = key_of(KEY46), *b = key_of(ANVIL0), *back = NULL;
	uint8_t ad[17 + 20];
	json_t *doc = json_object();
	struct buf text = BUF_INIT;

	CHECK(a && b);
	memcpy(ad, "prov-chain-key-v1", 17);
	memcpy(ad + 17, a->addr, 20);
	json_object_set_new(doc, "format", json_string("prov-chain-key"));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "alg", json_string("secp256k1"));
	json_object_set_new(doc, "address", json_string(a->address));
	CHECK(!secret_seal(doc, b->sk, 32, ad, sizeof(ad), NULL));
	CHECK(!jcs_encode(&text, doc));
	CHECK(!write_file_atomic(path, text.ptr, text.len, 0600, 1));
	CHECK(chain_key_load(&back, path, NULL, NULL) == PROV_EINVALID && !back);
	CHECK(strstr(prov_error_last(), "not the address's"));
	json_decref(doc);
	buf_release(&text);
	chain_key_free(a);
	chain_key_free(b);
	free(path);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(test_addresses);
	RUN(test_cast_vectors);
	RUN(test_decode_refuses);
	RUN(test_key_file);
	RUN(test_key_file_mismatch);
	return unit_done();
}

/* minisign public keys and signatures: our round trip, and interop with the
 * stock minisign tool in both directions. */
#include <inttypes.h>
#include <stdlib.h>

#include "unit.h"

static char *path_in_tmp(const char *name)
{
	return xasprintf("%s/%s", unit_tmpdir(), name);
}

static int write_text(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int read_text(struct buf *out, const char *path)
{
	buf_clear(out);
	return buf_read_file(out, path, 0);
}

static void pubkey_round_trip(void)
{
	struct key *k = NULL;
	struct buf pub = BUF_INIT;
	uint8_t keyid[8], pk[32];
	char want[80];
	const char *nl;
	uint64_t num = 0;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(minisign_pubkey_format(&pub, k) == 0);
	for (int i = 7; i >= 0; i--)
		num = num << 8 | k->keyid[i];
	snprintf(want, sizeof(want),
		 "untrusted comment: minisign public key %" PRIX64 "\n", num);
	CHECK(strncmp(pub.ptr, want, strlen(want)) == 0);
	CHECK(pub.ptr[pub.len - 1] == '\n');
	CHECK(minisign_pubkey_parse(keyid, pk, pub.ptr, pub.len) == 0);
	CHECK(memcmp(keyid, k->keyid, 8) == 0);
	CHECK(memcmp(pk, k->pk, 32) == 0);
	/* The bare key line, as `minisign -P` takes it. */
	nl = strchr(pub.ptr, '\n') + 1;
	CHECK(minisign_pubkey_parse(keyid, pk, nl, strlen(nl) - 1) == 0);
	CHECK(memcmp(pk, k->pk, 32) == 0);
	buf_release(&pub);
	key_free(k);
}

/* minisign 0.11 prints key ids without zero padding ("%lX"). */
static void pubkey_keyid_unpadded(void)
{
	struct key k;
	struct buf pub = BUF_INIT;

	memset(&k, 0, sizeof(k));
	k.keyid[0] = 0x34;
	k.keyid[1] = 0x12;
	CHECK(minisign_pubkey_format(&pub, &k) == 0);
	CHECK(strncmp(pub.ptr,
		      "untrusted comment: minisign public key 1234\nRWQ0Eg",
		      50) == 0);
	buf_release(&pub);
}

static void pubkey_garbage(void)
{
	uint8_t keyid[8], pk[32];
	const char *bad[] = {
		"",
		"\n",
		"untrusted comment: x\n",
		"untrusted comment: x\nRWQ\n",
		"not base64!\n",
		/* A minisign signature line, not a key ("ED" header). */
		"RURsx3grfgjJeYw9W+yxyUDBGedyFr2aD2sKTN3tqAdhk2vF5AskJ4TV\n",
		/* A valid key with a trailing line. */
		"untrusted comment: "
		"x\nRWRsx3grfgjJeYw9W+"
		"yxyUDBGedyFr2aD2sKTN3tqAdhk2vF5AskJ4TV\nmore\n",
	};
	const char *good =
		"untrusted comment: x\n"
		"RWRsx3grfgjJeYw9W+yxyUDBGedyFr2aD2sKTN3tqAdhk2vF5AskJ4TV\n";
	uint8_t raw[43] = {'E', 'd'};
	struct buf b64 = BUF_INIT;

	CHECK(minisign_pubkey_parse(keyid, pk, good, strlen(good)) == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(minisign_pubkey_parse(keyid, pk, bad[i],
					    strlen(bad[i])) == PROV_EINVALID);
	/* A byte short, and a byte long. */
	CHECK(base64_encode(&b64, raw, 41) == 0);
	CHECK(minisign_pubkey_parse(keyid, pk, b64.ptr, b64.len) ==
	      PROV_EINVALID);
	buf_clear(&b64);
	CHECK(base64_encode(&b64, raw, 43) == 0);
	CHECK(minisign_pubkey_parse(keyid, pk, b64.ptr, b64.len) ==
	      PROV_EINVALID);
	buf_clear(&b64);
	CHECK(base64_encode(&b64, raw, 42) == 0);
	CHECK(minisign_pubkey_parse(keyid, pk, b64.ptr, b64.len) == 0);
	buf_release(&b64);
	/* A NUL inside the key line. */
	CHECK(minisign_pubkey_parse(keyid, pk, "RWRs\0x3grfg", 11) ==
	      PROV_EINVALID);
}

static void sign_verify_round_trip(void)
{
	struct key *k = NULL;
	struct buf sig = BUF_INIT;
	char *file = path_in_tmp("round.txt"), *tc = NULL;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(write_text(file, "hello, world\n") == 0);
	CHECK(minisign_sign_file(&sig, k, file, NULL) == 0);
	CHECK(strncmp(sig.ptr,
		      "untrusted comment: signature from prov secret key\nRU",
		      52) == 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len, k->keyid, k->pk, file,
				   &tc) == 0);
	/* minisign's default: tab-separated timestamp, file name, "hashed". */
	CHECK(tc && strncmp(tc, "timestamp:", 10) == 0);
	CHECK(strstr(tc, "\tfile:round.txt\thashed") != NULL);
	free(tc);
	tc = NULL;

	buf_clear(&sig);
	CHECK(minisign_sign_file(&sig, k, file, "release 1.0 \t tab") == 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len, k->keyid, k->pk, file,
				   &tc) == 0);
	CHECK_STR(tc, "release 1.0 \t tab");
	free(tc);
	tc = NULL;
	/* No out-parameter is fine too. */
	CHECK(minisign_verify_file(sig.ptr, sig.len, k->keyid, k->pk, file,
				   NULL) == 0);

	/* An empty file and an empty trusted comment are both valid. */
	CHECK(write_text(file, "") == 0);
	buf_clear(&sig);
	CHECK(minisign_sign_file(&sig, k, file, "") == 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len, k->keyid, k->pk, file,
				   &tc) == 0);
	CHECK_STR(tc, "");
	free(tc);
	buf_release(&sig);
	key_free(k);
	free(file);
}

static void sign_rejects_bad_input(void)
{
	struct key *k = NULL, pub;
	struct buf sig = BUF_INIT;
	char *file = path_in_tmp("bad.txt"), *nofile = path_in_tmp("missing");

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(write_text(file, "x") == 0);
	CHECK(minisign_sign_file(&sig, k, file, "two\nlines") == PROV_EINVALID);
	CHECK(minisign_sign_file(&sig, k, file, "cr\r") == PROV_EINVALID);
	CHECK(minisign_sign_file(&sig, k, nofile, "x") == PROV_ENOTFOUND);
	CHECK(strstr(prov_error_last(), "missing") != NULL);
	pub = *k;
	pub.sk = NULL;
	CHECK(minisign_sign_file(&sig, &pub, file, "x") == PROV_EINVALID);
	CHECK(sig.len == 0);
	key_free(k);
	free(file);
	free(nofile);
}

static void stock_minisign_verifies_ours(void)
{
	struct key *k = NULL;
	struct buf pub = BUF_INIT, sig = BUF_INIT;
	char *file = path_in_tmp("data.bin"), *pubf = path_in_tmp("ours.pub");
	char *sigf = path_in_tmp("data.bin.minisig"), *cmd = NULL;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(write_text(file, "some data to sign\n") == 0);
	CHECK(minisign_pubkey_format(&pub, k) == 0);
	CHECK(write_text(pubf, pub.ptr) == 0);
	CHECK(minisign_sign_file(&sig, k, file, NULL) == 0);
	CHECK(write_text(sigf, sig.ptr) == 0);
	cmd = xasprintf("minisign -Vq -p '%s' -m '%s' -x '%s'", pubf, file,
			sigf);
	CHECK(system(cmd) == 0);
	/* And stock minisign refuses it once the file changes. */
	CHECK(write_text(file, "some data to sign!\n") == 0);
	free(cmd);
	cmd = xasprintf("minisign -Vq -p '%s' -m '%s' -x '%s' 2>/dev/null",
			pubf, file, sigf);
	CHECK(system(cmd) != 0);
	free(cmd);
	buf_release(&pub);
	buf_release(&sig);
	key_free(k);
	free(file);
	free(pubf);
	free(sigf);
}

/* Signatures made by stock minisign, prehashed and legacy, verify here. */
static void we_verify_stock_minisign(void)
{
	char *pubf = path_in_tmp("stock.pub"), *skf = path_in_tmp("stock.key");
	char *file = path_in_tmp("stock.txt"),
	     *sigf = path_in_tmp("stock.txt.minisig");
	char *cmd = NULL, *tc = NULL;
	struct buf pub = BUF_INIT, sig = BUF_INIT;
	uint8_t keyid[8], pk[32];

	cmd = xasprintf("minisign -G -W -p '%s' -s '%s' >/dev/null", pubf, skf);
	CHECK(system(cmd) == 0);
	CHECK(read_text(&pub, pubf) == 0);
	CHECK(minisign_pubkey_parse(keyid, pk, pub.ptr, pub.len) == 0);
	CHECK(write_text(file, "signed by the real minisign\n") == 0);

	free(cmd);
	cmd = xasprintf(
		"minisign -S -s '%s' -m '%s' -t 'stock comment' >/dev/null",
		skf, file);
	CHECK(system(cmd) == 0);
	CHECK(read_text(&sig, sigf) == 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len, keyid, pk, file, &tc) ==
	      0);
	CHECK_STR(tc, "stock comment");
	free(tc);
	tc = NULL;

	/* -l: the legacy "Ed" algorithm, signed over the raw file. */
	free(cmd);
	cmd = xasprintf("minisign -S -l -s '%s' -m '%s' >/dev/null", skf, file);
	CHECK(system(cmd) == 0);
	CHECK(read_text(&sig, sigf) == 0);
	CHECK(strstr(sig.ptr, "\nRW") != NULL);
	CHECK(minisign_verify_file(sig.ptr, sig.len, keyid, pk, file, NULL) ==
	      0);
	CHECK(write_text(file, "signed by the real minisign?\n") == 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len, keyid, pk, file, NULL) ==
	      PROV_EVERIFY);
	free(cmd);
	buf_release(&pub);
	buf_release(&sig);
	free(pubf);
	free(skf);
	free(file);
	free(sigf);
}

static void tampering_fails(void)
{
	struct key *k = NULL;
	struct buf sig = BUF_INIT, bad = BUF_INIT;
	char *file = path_in_tmp("tamper.txt"), *tc = NULL, *p;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(write_text(file, "original\n") == 0);
	CHECK(minisign_sign_file(&sig, k, file, "tc") == 0);

	CHECK(write_text(file, "0riginal\n") == 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len, k->keyid, k->pk, file,
				   &tc) == PROV_EVERIFY);
	CHECK(tc == NULL);
	CHECK(strstr(prov_error_last(), "tamper.txt") != NULL);
	CHECK(write_text(file, "original\n") == 0);

	/* A changed trusted comment. */
	buf_put(&bad, sig.ptr, sig.len);
	p = strstr(bad.ptr, "trusted comment: tc");
	CHECK(p != NULL);
	p[18] = 'C';
	CHECK(minisign_verify_file(bad.ptr, bad.len, k->keyid, k->pk, file,
				   &tc) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "trusted comment") != NULL);

	/* The untrusted comment may change freely. */
	buf_clear(&bad);
	buf_puts(&bad, "untrusted comment: anything at all");
	buf_puts(&bad, strchr(sig.ptr, '\n'));
	CHECK(minisign_verify_file(bad.ptr, bad.len, k->keyid, k->pk, file,
				   NULL) == 0);

	/* CRLF line ends, as minisign itself accepts. */
	buf_clear(&bad);
	for (size_t i = 0; i < sig.len; i++) {
		if (sig.ptr[i] == '\n')
			buf_putc(&bad, '\r');
		buf_putc(&bad, sig.ptr[i]);
	}
	CHECK(minisign_verify_file(bad.ptr, bad.len, k->keyid, k->pk, file,
				   NULL) == 0);
	buf_release(&sig);
	buf_release(&bad);
	key_free(k);
	free(file);
}

static void wrong_key_fails(void)
{
	struct key *a = NULL, *b = NULL;
	struct buf sig = BUF_INIT;
	char *file = path_in_tmp("wrongkey.txt");

	CHECK(key_generate(&a, "alice") == 0);
	CHECK(key_generate(&b, "bob") == 0);
	CHECK(write_text(file, "data\n") == 0);
	CHECK(minisign_sign_file(&sig, a, file, "tc") == 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len, b->keyid, b->pk, file,
				   NULL) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "signature was made by key") != NULL);
	/* Same key id, another key: the signature itself must fail. */
	CHECK(minisign_verify_file(sig.ptr, sig.len, a->keyid, b->pk, file,
				   NULL) == PROV_EVERIFY);
	buf_release(&sig);
	key_free(a);
	key_free(b);
	free(file);
}

static void garbage_signatures(void)
{
	struct key *k = NULL;
	struct buf sig = BUF_INIT, bad = BUF_INIT;
	char *file = path_in_tmp("garbage.txt");
	const char *lines[4];
	size_t lens[4];
	const char *p;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(write_text(file, "data\n") == 0);
	CHECK(minisign_sign_file(&sig, k, file, "tc") == 0);
	p = sig.ptr;
	for (int i = 0; i < 4; i++) {
		const char *nl = strchr(p, '\n');
		lines[i] = p;
		lens[i] = (size_t)(nl - p) + 1;
		p = nl + 1;
	}

	CHECK(minisign_verify_file("", 0, k->keyid, k->pk, file, NULL) ==
	      PROV_EINVALID);
	CHECK(minisign_verify_file("garbage", 7, k->keyid, k->pk, file, NULL) ==
	      PROV_EINVALID);
	/* Each line missing in turn. */
	for (int skip = 0; skip < 4; skip++) {
		buf_clear(&bad);
		for (int i = 0; i < 4; i++)
			if (i != skip)
				buf_put(&bad, lines[i], lens[i]);
		CHECK(minisign_verify_file(bad.ptr, bad.len, k->keyid, k->pk,
					   file, NULL) == PROV_EINVALID);
	}
	/* Every truncation of the file but the one dropping the final "\n". */
	for (size_t n = 0; n < sig.len - 1; n++)
		CHECK(minisign_verify_file(sig.ptr, n, k->keyid, k->pk, file,
					   NULL) < 0);
	CHECK(minisign_verify_file(sig.ptr, sig.len - 1, k->keyid, k->pk, file,
				   NULL) == 0);
	/* Trailing text. */
	buf_clear(&bad);
	buf_put(&bad, sig.ptr, sig.len);
	buf_puts(&bad, "extra\n");
	CHECK(minisign_verify_file(bad.ptr, bad.len, k->keyid, k->pk, file,
				   NULL) == PROV_EINVALID);
	/* An unknown algorithm: "RUR" ("ED") becomes "RVR" ("EU"). */
	buf_clear(&bad);
	buf_put(&bad, sig.ptr, sig.len);
	CHECK(bad.ptr[lens[0] + 1] == 'U');
	bad.ptr[lens[0] + 1] = 'V';
	CHECK(minisign_verify_file(bad.ptr, bad.len, k->keyid, k->pk, file,
				   NULL) == PROV_EINVALID);
	/* The trusted-comment prefix misspelt. */
	buf_clear(&bad);
	buf_put(&bad, sig.ptr, sig.len);
	bad.ptr[lens[0] + lens[1]] = 'T';
	CHECK(minisign_verify_file(bad.ptr, bad.len, k->keyid, k->pk, file,
				   NULL) == PROV_EINVALID);
	buf_release(&sig);
	buf_release(&bad);
	key_free(k);
	free(file);
}

int main(void)
{
	RUN(pubkey_round_trip);
	RUN(pubkey_keyid_unpadded);
	RUN(pubkey_garbage);
	RUN(sign_verify_round_trip);
	RUN(sign_rejects_bad_input);
	RUN(stock_minisign_verifies_ours);
	RUN(we_verify_stock_minisign);
	RUN(tampering_fails);
	RUN(wrong_key_fails);
	RUN(garbage_signatures);
	return unit_done();
}

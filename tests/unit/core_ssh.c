/* SSH public keys and SSHSIG signatures, checked against stock ssh-keygen in
 * both directions (this is what git's SSH commit signing runs). */
#include <stdlib.h>

#include "unit.h"

static const char msg[] = "tree 4b825dc642cb6eb9a060e54bf8d69288fbc4904d\n"
			  "author A <a@example.org> 1700000000 +0000\n\n"
			  "a commit\n";

static char *path_in_tmp(const char *name)
{
	return xasprintf("%s/%s", unit_tmpdir(), name);
}

static int write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd.ptr);
	buf_release(&cmd);
	return rc;
}

/* The 32-byte key out of an "ssh-ed25519 AAAA... comment" line. */
static int pk_from_publine(uint8_t pk[32], const char *line)
{
	uint8_t blob[64];
	const char *b = strchr(line, ' '), *e;
	size_t n = 0;

	if (!b)
		return -1;
	b++;
	e = strpbrk(b, " \n");
	if (!e || base64_decode(blob, sizeof(blob), &n, b, (size_t)(e - b)) ||
	    n != 51)
		return -1;
	memcpy(pk, blob + 19, 32);
	return 0;
}

/* A key made by ssh-keygen, and our format of its public half, agree byte
 * for byte. */
static void pubkey_matches_ssh_keygen(void)
{
	char *key = path_in_tmp("fmt"), *pub = xasprintf("%s.pub", key);
	struct buf text = BUF_INIT, ours = BUF_INIT;
	uint8_t pk[32];

	CHECK(run("ssh-keygen -q -t ed25519 -N '' -C 'me@host' -f '%s'", key) ==
	      0);
	CHECK(buf_read_file(&text, pub, 0) == 0);
	CHECK(pk_from_publine(pk, text.ptr) == 0);
	CHECK(ssh_pubkey_format(&ours, pk, "me@host") == 0);
	CHECK_STR(ours.ptr, text.ptr);
	buf_clear(&ours);
	CHECK(ssh_pubkey_format(&ours, pk, NULL) == 0);
	CHECK(strncmp(ours.ptr, text.ptr, ours.len - 1) == 0);
	CHECK(ours.ptr[ours.len - 1] == '\n' && !strchr(ours.ptr + 12, ' '));
	CHECK(ssh_pubkey_format(&ours, pk, "two\nlines") == PROV_EINVALID);
	buf_release(&text);
	buf_release(&ours);
	free(key);
	free(pub);
}

static void round_trip(void)
{
	struct key *k = NULL;
	struct buf sig = BUF_INIT;
	uint8_t pk[32];

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(sshsig_sign(&sig, k, "git", msg, strlen(msg)) == 0);
	CHECK(strncmp(sig.ptr, "-----BEGIN SSH SIGNATURE-----\n", 30) == 0);
	CHECK(sig.len > 28 && strcmp(sig.ptr + sig.len - 28,
				     "-----END SSH SIGNATURE-----\n") == 0);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "git", msg, strlen(msg)) ==
	      0);
	CHECK(memcmp(pk, k->pk, 32) == 0);
	/* Without the final newline, as git may hand it over. */
	CHECK(sshsig_verify(pk, sig.ptr, sig.len - 1, "git", msg,
			    strlen(msg)) == 0);
	/* An empty message. */
	buf_clear(&sig);
	CHECK(sshsig_sign(&sig, k, "file", NULL, 0) == 0);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "file", "", 0) == 0);
	CHECK(sshsig_sign(&sig, k, "", msg, 1) == PROV_EINVALID);
	buf_release(&sig);
	key_free(k);
}

static void ssh_keygen_verifies_ours(void)
{
	struct key *k = NULL;
	struct buf sig = BUF_INIT, allowed = BUF_INIT;
	char *msgf = path_in_tmp("ours.msg"), *sigf = path_in_tmp("ours.sig");
	char *allowf = path_in_tmp("allowed_signers");

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(sshsig_sign(&sig, k, "git", msg, strlen(msg)) == 0);
	CHECK(write_bytes(msgf, msg, strlen(msg)) == 0);
	CHECK(write_bytes(sigf, sig.ptr, sig.len) == 0);
	buf_puts(&allowed, "alice@example.org namespaces=\"git\" ");
	CHECK(ssh_pubkey_format(&allowed, k->pk, "alice") == 0);
	CHECK(write_bytes(allowf, allowed.ptr, allowed.len) == 0);
	CHECK(run("ssh-keygen -Y verify -f '%s' -I alice@example.org -n git "
		  "-s '%s' < '%s' >/dev/null",
		  allowf, sigf, msgf) == 0);
	/* The wrong namespace, principal or message are refused. */
	CHECK(run("ssh-keygen -Y verify -f '%s' -I alice@example.org -n file "
		  "-s '%s' < '%s' >/dev/null 2>&1",
		  allowf, sigf, msgf) != 0);
	CHECK(run("ssh-keygen -Y verify -f '%s' -I bob@example.org -n git "
		  "-s '%s' < '%s' >/dev/null 2>&1",
		  allowf, sigf, msgf) != 0);
	CHECK(write_bytes(msgf, msg, strlen(msg) - 1) == 0);
	CHECK(run("ssh-keygen -Y verify -f '%s' -I alice@example.org -n git "
		  "-s '%s' < '%s' >/dev/null 2>&1",
		  allowf, sigf, msgf) != 0);
	buf_release(&sig);
	buf_release(&allowed);
	key_free(k);
	free(msgf);
	free(sigf);
	free(allowf);
}

static void we_verify_ssh_keygen(void)
{
	char *key = path_in_tmp("signer"), *pubf = xasprintf("%s.pub", key);
	char *msgf = path_in_tmp("theirs.msg"),
	     *sigf = xasprintf("%s.sig", msgf);
	char *sig256 = path_in_tmp("theirs256.sig");
	struct buf pub = BUF_INIT, sig = BUF_INIT, ours = BUF_INIT;
	struct key *k = NULL;
	uint8_t want[32], pk[32];
	const char *a, *b;

	CHECK(run("ssh-keygen -q -t ed25519 -N '' -C signer -f '%s'", key) ==
	      0);
	CHECK(buf_read_file(&pub, pubf, 0) == 0);
	CHECK(pk_from_publine(want, pub.ptr) == 0);
	CHECK(write_bytes(msgf, msg, strlen(msg)) == 0);
	CHECK(run("ssh-keygen -q -Y sign -n git -f '%s' '%s' 2>/dev/null", key,
		  msgf) == 0);
	CHECK(buf_read_file(&sig, sigf, 0) == 0);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "git", msg, strlen(msg)) ==
	      0);
	CHECK(memcmp(pk, want, 32) == 0);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "file", msg, strlen(msg)) ==
	      PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "'git'") != NULL);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "git", msg,
			    strlen(msg) - 1) == PROV_EVERIFY);

	/* Ours has the same structure: same length, same line breaks. */
	CHECK(key_generate(&k, "alice") == 0);
	CHECK(sshsig_sign(&ours, k, "git", msg, strlen(msg)) == 0);
	CHECK(ours.len == sig.len);
	for (a = ours.ptr, b = sig.ptr; *a; a++, b++)
		CHECK((*a == '\n') == (*b == '\n'));
	/* The common prefix: magic, version, the key's type. */
	CHECK(strncmp(ours.ptr, sig.ptr, 30 + 40) == 0);

	/* SHA-256 signatures are accepted too. */
	CHECK(run("ssh-keygen -q -Y sign -n git -O hashalg=sha256 -f '%s' - "
		  "< '%s' > '%s' 2>/dev/null",
		  key, msgf, sig256) == 0);
	buf_clear(&sig);
	CHECK(buf_read_file(&sig, sig256, 0) == 0);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "git", msg, strlen(msg)) ==
	      0);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "git", msg, 3) ==
	      PROV_EVERIFY);
	buf_release(&pub);
	buf_release(&sig);
	buf_release(&ours);
	key_free(k);
	free(key);
	free(pubf);
	free(msgf);
	free(sigf);
	free(sig256);
}

static void rsa_key_rejected(void)
{
	char *key = path_in_tmp("rsa"), *msgf = path_in_tmp("rsa.msg");
	char *sigf = xasprintf("%s.sig", msgf);
	struct buf sig = BUF_INIT;
	uint8_t pk[32];

	CHECK(run("ssh-keygen -q -t rsa -b 1024 -N '' -f '%s'", key) == 0);
	CHECK(write_bytes(msgf, msg, strlen(msg)) == 0);
	CHECK(run("ssh-keygen -q -Y sign -n git -f '%s' '%s' 2>/dev/null", key,
		  msgf) == 0);
	CHECK(buf_read_file(&sig, sigf, 0) == 0);
	CHECK(sshsig_verify(pk, sig.ptr, sig.len, "git", msg, strlen(msg)) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "'ssh-rsa'") != NULL);
	buf_release(&sig);
	free(key);
	free(msgf);
	free(sigf);
}

static void tampering_fails(void)
{
	struct key *k = NULL;
	struct buf sig = BUF_INIT, bad = BUF_INIT, blob = BUF_INIT;
	uint8_t pk[32];
	size_t body, n;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(sshsig_sign(&sig, k, "git", msg, strlen(msg)) == 0);
	body = strlen("-----BEGIN SSH SIGNATURE-----\n");

	/* Each base64 character of the body changed in turn: a parse error or
	 * a failed check, never a pass. */
	for (size_t i = body; i < sig.len - 29; i++) {
		if (sig.ptr[i] == '\n' || sig.ptr[i] == '=')
			continue;
		buf_clear(&bad);
		buf_put(&bad, sig.ptr, sig.len);
		bad.ptr[i] = bad.ptr[i] == 'A' ? 'B' : 'A';
		CHECK(sshsig_verify(pk, bad.ptr, bad.len, "git", msg,
				    strlen(msg)) < 0);
	}
	/* Every truncation. */
	for (size_t i = 0; i < sig.len - 1; i++)
		CHECK(sshsig_verify(pk, sig.ptr, i, "git", msg, strlen(msg)) ==
		      PROV_EINVALID);
	/* Trailing junk, no BEGIN line, a blank line, a bad character. */
	buf_clear(&bad);
	buf_put(&bad, sig.ptr, sig.len);
	buf_puts(&bad, "junk\n");
	CHECK(sshsig_verify(pk, bad.ptr, bad.len, "git", msg, strlen(msg)) ==
	      PROV_EINVALID);
	CHECK(sshsig_verify(pk, sig.ptr + body, sig.len - body, "git", msg,
			    strlen(msg)) == PROV_EINVALID);
	buf_clear(&bad);
	buf_put(&bad, sig.ptr, body);
	buf_putc(&bad, '\n');
	buf_put(&bad, sig.ptr + body, sig.len - body);
	CHECK(sshsig_verify(pk, bad.ptr, bad.len, "git", msg, strlen(msg)) ==
	      PROV_EINVALID);
	buf_clear(&bad);
	buf_put(&bad, sig.ptr, sig.len);
	bad.ptr[body + 3] = '*';
	CHECK(sshsig_verify(pk, bad.ptr, bad.len, "git", msg, strlen(msg)) ==
	      PROV_EINVALID);

	/* Re-armored with a non-empty reserved field: refused. */
	{
		const char *p = sig.ptr + body;
		struct buf b64 = BUF_INIT;
		uint8_t raw[512];
		size_t off;

		for (; *p != '-'; p++)
			if (*p != '\n')
				buf_putc(&b64, *p);
		CHECK(base64_decode(raw, sizeof(raw), &n, b64.ptr, b64.len) ==
		      0);
		/* magic 6, version 4, key 4+51, namespace 4+3: reserved. */
		off = 6 + 4 + 4 + 51 + 4 + 3;
		CHECK(raw[off + 3] == 0);
		buf_put(&blob, raw, off);
		buf_put(&blob, "\0\0\0\1x", 5);
		buf_put(&blob, raw + off + 4, n - off - 4);
		buf_clear(&bad);
		buf_puts(&bad, "-----BEGIN SSH SIGNATURE-----\n");
		base64_encode(&bad, (const uint8_t *)blob.ptr, blob.len);
		buf_puts(&bad, "\n-----END SSH SIGNATURE-----\n");
		CHECK(sshsig_verify(pk, bad.ptr, bad.len, "git", msg,
				    strlen(msg)) == PROV_EINVALID);
		/* The same blob unchanged, in one long line, is fine. */
		buf_clear(&bad);
		buf_puts(&bad, "-----BEGIN SSH SIGNATURE-----\n");
		base64_encode(&bad, raw, n);
		buf_puts(&bad, "\r\n-----END SSH SIGNATURE-----\r\n");
		CHECK(sshsig_verify(pk, bad.ptr, bad.len, "git", msg,
				    strlen(msg)) == 0);
		buf_release(&b64);
	}
	buf_release(&sig);
	buf_release(&bad);
	buf_release(&blob);
	key_free(k);
}

int main(void)
{
	RUN(pubkey_matches_ssh_keygen);
	RUN(round_trip);
	RUN(ssh_keygen_verifies_ours);
	RUN(we_verify_ssh_keygen);
	RUN(rsa_key_rejected);
	RUN(tampering_fails);
	return unit_done();
}

/* minisign public keys and signatures, byte for byte what minisign 0.11
 * writes, so stock `minisign -V` checks what `prov sign` makes.
 *
 * Public key: "untrusted comment: ...\n"
 *             base64("Ed" || keyid[8] || pk[32]) "\n"
 * Signature:  "untrusted comment: ...\n"
 *             base64(alg[2] || keyid[8] || sig[64]) "\n"
 *             "trusted comment: " tc "\n"
 *             base64(global_sig[64]) "\n"
 * where alg "ED" signs BLAKE2b-512(file) and the legacy "Ed" signs the file
 * itself, and global_sig signs sig || tc, so the trusted comment cannot be
 * swapped onto another signature. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core.h"

#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX	 "trusted comment: "
#define ALG_LEGACY	 "Ed" /* Ed25519 over the file's bytes */
#define ALG_HASHED	 "ED" /* Ed25519 over BLAKE2b-512 of the file */
#define PUBKEY_LEN	 (2 + 8 + 32)
#define SIG_LEN		 (2 + 8 + 64)
/* minisign reads the untrusted comment and the trusted comment lines into
 * 1024- and 8192-byte buffers; stay within both so it reads what we write. */
#define UNTRUSTED_LINE_MAX  1023
#define TRUSTED_COMMENT_MAX (8192 - 2 - (sizeof(TRUSTED_PREFIX) - 1))
#define SIG_FILE_MAX	    16384
/* A legacy signature covers the whole file, which must then be in memory. */
#define LEGACY_FILE_MAX (1u << 30)
#define READ_SIZE	(1u << 20)

/* Walks text line by line. A line ends at "\n" (minisign also strips a
 * "\r" before it); the last line may lack one. */
struct lines {
	const char *p, *end;
};

/* 1 and the line (without its end) when there is one, 0 at the end of the
 * input, PROV_EINVALID when the line holds a NUL byte. */
static int next_line(struct lines *c, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	if (c->p >= c->end)
		return 0;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	n = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
	*line = c->p;
	c->p += n + (nl ? 1 : 0);
	if (n && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	if (memchr(*line, '\0', n))
		return prov_error_set(PROV_EINVALID, "NUL byte in a text line");
	return 1;
}

static int has_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(line, prefix, n);
}

/* minisign shows a key id as its 8 bytes read as a little-endian number. */
static uint64_t keyid_number(const uint8_t keyid[8])
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | keyid[i];
	return v;
}

int minisign_pubkey_format(struct buf *out, const struct key *k)
{
	uint8_t raw[PUBKEY_LEN];
	size_t start = out->len;
	int rc;

	memcpy(raw, ALG_LEGACY, 2);
	memcpy(raw + 2, k->keyid, 8);
	memcpy(raw + 10, k->pk, 32);
	if ((rc = buf_printf(
		     out, UNTRUSTED_PREFIX "minisign public key %" PRIX64 "\n",
		     keyid_number(k->keyid))) ||
	    (rc = base64_encode(out, raw, sizeof(raw))) ||
	    (rc = buf_putc(out, '\n'))) {
		out->len = start;
		out->ptr[start] = '\0';
	}
	return rc;
}

int minisign_pubkey_parse(uint8_t keyid[8], uint8_t pk[32], const char *data,
			  size_t n)
{
	struct lines c = {data, data + n};
	uint8_t raw[PUBKEY_LEN + 1];
	const char *line, *extra;
	size_t len, extralen, got = 0;
	int rc;

	/* A whole .pub file, or only its key line (as `minisign -P` takes). */
	if ((rc = next_line(&c, &line, &len)) < 0)
		return prov_error_wrap("minisign public key");
	if (rc && has_prefix(line, len, "untrusted comment:")) {
		if (len > UNTRUSTED_LINE_MAX)
			return prov_error_set(
				PROV_EINVALID,
				"minisign public key: comment line "
				"too long");
		if ((rc = next_line(&c, &line, &len)) < 0)
			return prov_error_wrap("minisign public key");
	}
	if (!rc)
		return prov_error_set(PROV_EINVALID,
				      "minisign public key: no key line");
	if ((rc = next_line(&c, &extra, &extralen)) < 0)
		return prov_error_wrap("minisign public key");
	if (rc)
		return prov_error_set(PROV_EINVALID,
				      "minisign public key: text after the key "
				      "line");
	if (base64_decode(raw, sizeof(raw), &got, line, len) ||
	    got != PUBKEY_LEN)
		return prov_error_set(
			PROV_EINVALID,
			"minisign public key: the key line is not "
			"base64 of %d bytes",
			PUBKEY_LEN);
	if (memcmp(raw, ALG_LEGACY, 2))
		return prov_error_set(
			PROV_EINVALID,
			"minisign public key: unsupported algorithm "
			"(not Ed25519)");
	memcpy(keyid, raw + 2, 8);
	memcpy(pk, raw + 10, 32);
	return 0;
}

/* BLAKE2b-512 of a file, streamed in large reads. */
static int blake2b_file(uint8_t out[64], const char *path)
{
	crypto_generichash_state st;
	uint8_t *chunk = NULL;
	ssize_t got;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return prov_error_set(errno == ENOENT ? PROV_ENOTFOUND
						      : PROV_EIO,
				      "'%s': %s", path, errstr(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES_MAX);
	chunk = xmalloc(READ_SIZE);
	while ((got = read(fd, chunk, READ_SIZE)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = prov_error_set(PROV_EIO, "'%s': %s", path,
					    errstr(errno));
			goto done;
		}
		crypto_generichash_update(&st, chunk, (size_t)got);
	}
	crypto_generichash_final(&st, out, crypto_generichash_BYTES_MAX);
done:
	free(chunk);
	close(fd);
	return rc;
}

static int check_trusted_comment(const char *tc, size_t n)
{
	if (n > TRUSTED_COMMENT_MAX)
		return prov_error_set(PROV_EINVALID,
				      "trusted comment longer than %zu bytes",
				      (size_t)TRUSTED_COMMENT_MAX);
	if (memchr(tc, '\n', n) || memchr(tc, '\r', n))
		return prov_error_set(PROV_EINVALID,
				      "a trusted comment is one line: no line "
				      "breaks");
	return 0;
}

int minisign_sign_file(struct buf *out, const struct key *k, const char *path,
		       const char *trusted_comment)
{
	uint8_t digest[64], sigbin[SIG_LEN], global[64];
	struct buf tc = BUF_INIT, signed_tc = BUF_INIT;
	size_t start = out->len;
	int rc;

	if (!k->sk) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s' has no secret key loaded", k->name);
		goto done;
	}
	if (trusted_comment) {
		buf_puts(&tc, trusted_comment);
	} else {
		const char *slash = strrchr(path, '/');
		/* Tab-separated, as minisign writes it. */
		buf_printf(&tc, "timestamp:%lu\tfile:%s\thashed",
			   (unsigned long)time(NULL), slash ? slash + 1 : path);
	}
	if ((rc = check_trusted_comment(tc.ptr, tc.len))) {
		prov_error_wrap("'%s'", path);
		goto done;
	}
	if ((rc = blake2b_file(digest, path)))
		goto done;
	memcpy(sigbin, ALG_HASHED, 2);
	memcpy(sigbin + 2, k->keyid, 8);
	if ((rc = key_sign(sigbin + 10, k, digest, sizeof(digest))))
		goto done;
	buf_put(&signed_tc, sigbin + 10, 64);
	buf_put(&signed_tc, tc.ptr, tc.len);
	if ((rc = key_sign(global, k, signed_tc.ptr, signed_tc.len)))
		goto done;
	if ((rc = buf_puts(out, UNTRUSTED_PREFIX
			   "signature from prov secret key\n")) ||
	    (rc = base64_encode(out, sigbin, sizeof(sigbin))) ||
	    (rc = buf_printf(out, "\n" TRUSTED_PREFIX "%s\n", tc.ptr)) ||
	    (rc = base64_encode(out, global, sizeof(global))) ||
	    (rc = buf_putc(out, '\n')))
		goto done;
done:
	if (rc) {
		out->len = start;
		out->ptr[start] = '\0';
	}
	buf_release(&tc);
	buf_release(&signed_tc);
	return rc;
}

/* The parts of a .minisig file. */
struct minisig {
	uint8_t sig[SIG_LEN]; /* alg || keyid || Ed25519 signature */
	uint8_t global[64];
	const char *tc; /* trusted comment, in the caller's bytes */
	size_t tclen;
};

static int minisig_parse(struct minisig *m, const char *data, size_t n)
{
	struct lines c = {data, data + n};
	const char *line;
	size_t len, got;
	int rc;

	if (n > SIG_FILE_MAX)
		return prov_error_set(PROV_EINVALID, "larger than %d bytes",
				      SIG_FILE_MAX);
	if ((rc = next_line(&c, &line, &len)) <= 0 ||
	    !has_prefix(line, len, UNTRUSTED_PREFIX) ||
	    len > UNTRUSTED_LINE_MAX)
		return rc < 0 ? rc
			      : prov_error_set(PROV_EINVALID,
					       "line 1 is not an untrusted "
					       "comment");
	if ((rc = next_line(&c, &line, &len)) <= 0 ||
	    base64_decode(m->sig, sizeof(m->sig), &got, line, len) ||
	    got != SIG_LEN)
		return rc < 0 ? rc
			      : prov_error_set(PROV_EINVALID,
					       "line 2 is not base64 of a "
					       "%d-byte signature",
					       SIG_LEN);
	if ((rc = next_line(&c, &line, &len)) <= 0 ||
	    !has_prefix(line, len, TRUSTED_PREFIX))
		return rc < 0 ? rc
			      : prov_error_set(
					PROV_EINVALID,
					"line 3 is not a trusted comment");
	m->tc = line + strlen(TRUSTED_PREFIX);
	m->tclen = len - strlen(TRUSTED_PREFIX);
	if ((rc = check_trusted_comment(m->tc, m->tclen)))
		return rc;
	if ((rc = next_line(&c, &line, &len)) <= 0 ||
	    base64_decode(m->global, sizeof(m->global), &got, line, len) ||
	    got != sizeof(m->global))
		return rc < 0 ? rc
			      : prov_error_set(PROV_EINVALID,
					       "line 4 is not base64 of a "
					       "64-byte signature");
	if ((rc = next_line(&c, &line, &len)) != 0)
		return rc < 0 ? rc
			      : prov_error_set(PROV_EINVALID,
					       "text after the signature");
	if (memcmp(m->sig, ALG_HASHED, 2) && memcmp(m->sig, ALG_LEGACY, 2))
		return prov_error_set(PROV_EINVALID,
				      "unsupported signature algorithm");
	return 0;
}

int minisign_verify_file(const char *sig, size_t siglen, const uint8_t keyid[8],
			 const uint8_t pk[32], const char *path,
			 char **trusted_comment)
{
	struct minisig m;
	struct buf file = BUF_INIT, signed_tc = BUF_INIT;
	uint8_t digest[64];
	int rc;

	if (trusted_comment)
		*trusted_comment = NULL;
	if ((rc = minisig_parse(&m, sig, siglen))) {
		prov_error_wrap("minisign signature for '%s'", path);
		goto done;
	}
	if (memcmp(m.sig + 2, keyid, 8)) {
		rc = prov_error_set(PROV_EVERIFY,
				    "'%s': signature was made by key %" PRIX64
				    ", not %" PRIX64,
				    path, keyid_number(m.sig + 2),
				    keyid_number(keyid));
		goto done;
	}
	if (!memcmp(m.sig, ALG_HASHED, 2)) {
		if ((rc = blake2b_file(digest, path)))
			goto done;
		rc = ed25519_verify(m.sig + 10, pk, digest, sizeof(digest));
	} else {
		if ((rc = buf_read_file(&file, path, LEGACY_FILE_MAX)))
			goto done;
		rc = ed25519_verify(m.sig + 10, pk, file.ptr, file.len);
	}
	if (rc) {
		rc = prov_error_set(PROV_EVERIFY,
				    "'%s': signature verification failed: the "
				    "file is not what key %" PRIX64 " signed",
				    path, keyid_number(keyid));
		goto done;
	}
	buf_put(&signed_tc, m.sig + 10, 64);
	buf_put(&signed_tc, m.tc, m.tclen);
	if (ed25519_verify(m.global, pk, signed_tc.ptr, signed_tc.len)) {
		rc = prov_error_set(
			PROV_EVERIFY,
			"'%s': the trusted comment's signature does "
			"not verify",
			path);
		goto done;
	}
	if (trusted_comment)
		*trusted_comment = xstrndup(m.tc, m.tclen);
done:
	buf_release(&file);
	buf_release(&signed_tc);
	return rc;
}

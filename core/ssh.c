/* OpenSSH public keys and SSH signatures (PROTOCOL.sshsig), the format git
 * uses for SSH-signed commits, so `git log --show-signature` and
 * `ssh-keygen -Y verify` check what we sign.
 *
 * Blob:   "SSHSIG" || uint32 1 || string publickey || string namespace ||
 *         string reserved || string hash_algorithm || string signature
 * Signed: "SSHSIG" || string namespace || string reserved ||
 *         string hash_algorithm || string H(message)
 * where a string is a big-endian uint32 length and that many bytes, and the
 * blob is armored as base64 wrapped at 70 columns between BEGIN/END lines. */
#include <string.h>

#include <sodium.h>

#include "core.h"

#define MAGIC	    "SSHSIG"
#define MAGIC_LEN   6
#define SIG_VERSION 1
#define KEY_TYPE    "ssh-ed25519"
#define BEGIN_LINE  "-----BEGIN SSH SIGNATURE-----"
#define END_LINE    "-----END SSH SIGNATURE-----"
#define WRAP	    70
/* An Ed25519 signature is about 300 armored bytes; RSA ones are larger, and
 * are read only to say that they are not supported. */
#define ARMOR_MAX 16384

static int put_u32(struct buf *b, uint32_t v)
{
	uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v};
	return buf_put(b, be, 4);
}

static int put_string(struct buf *b, const void *p, size_t n)
{
	if (n > UINT32_MAX)
		return prov_error_set(PROV_EINVALID, "SSH string too long");
	if (put_u32(b, (uint32_t)n))
		return PROV_EINVALID;
	return buf_put(b, p, n);
}

static int put_cstring(struct buf *b, const char *s)
{
	return put_string(b, s, strlen(s));
}

/* A cursor over untrusted bytes: every read checks what is left. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static int get_u32(struct reader *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	     (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

static int get_string(struct reader *r, const uint8_t **p, size_t *n)
{
	uint32_t len;

	if (get_u32(r, &len) || len > r->left)
		return -1;
	*p = r->p;
	*n = len;
	r->p += len;
	r->left -= len;
	return 0;
}

static int string_is(const uint8_t *p, size_t n, const char *s)
{
	return n == strlen(s) && !memcmp(p, s, n);
}

/* Whether untrusted bytes can go into an error message as they are. */
static int printable(const uint8_t *p, size_t n)
{
	if (n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '\'')
			return 0;
	return 1;
}

static int pubkey_blob(struct buf *out, const uint8_t pk[32])
{
	int rc;

	if ((rc = put_cstring(out, KEY_TYPE)) || (rc = put_string(out, pk, 32)))
		return rc;
	return 0;
}

int ssh_pubkey_format(struct buf *out, const uint8_t pk[32],
		      const char *comment)
{
	struct buf blob = BUF_INIT;
	size_t start = out->len;
	int rc;

	if (comment && strpbrk(comment, "\r\n")) {
		rc = prov_error_set(PROV_EINVALID,
				    "an SSH key comment is one line: no line "
				    "breaks");
		goto done;
	}
	if ((rc = pubkey_blob(&blob, pk)) ||
	    (rc = buf_puts(out, KEY_TYPE " ")) ||
	    (rc = base64_encode(out, (const uint8_t *)blob.ptr, blob.len)))
		goto done;
	if (comment && *comment && (rc = buf_printf(out, " %s", comment)))
		goto done;
	rc = buf_putc(out, '\n');
done:
	if (rc) {
		out->len = start;
		out->ptr[start] = '\0';
	}
	buf_release(&blob);
	return rc;
}

/* The bytes the Ed25519 signature covers. */
static int signed_data(struct buf *out, const void *ns, size_t nslen,
		       const void *alg, size_t alglen, const uint8_t *digest,
		       size_t dlen)
{
	int rc;

	if ((rc = buf_put(out, MAGIC, MAGIC_LEN)) ||
	    (rc = put_string(out, ns, nslen)) ||
	    (rc = put_string(out, "", 0)) ||
	    (rc = put_string(out, alg, alglen)) ||
	    (rc = put_string(out, digest, dlen)))
		return rc;
	return 0;
}

int sshsig_sign(struct buf *out, const struct key *k, const char *ns,
		const void *msg, size_t n)
{
	struct buf tosign = BUF_INIT, blob = BUF_INIT, key = BUF_INIT,
		   sigblob = BUF_INIT, b64 = BUF_INIT;
	uint8_t digest[crypto_hash_sha512_BYTES], sig[64];
	size_t start = out->len;
	int rc;

	if (!ns || !*ns) {
		rc = prov_error_set(PROV_EINVALID,
				    "an SSH signature needs a namespace");
		goto done;
	}
	crypto_hash_sha512(digest, msg ? msg : (const void *)"", n);
	if ((rc = signed_data(&tosign, ns, strlen(ns), "sha512", 6, digest,
			      sizeof(digest))) ||
	    (rc = key_sign(sig, k, tosign.ptr, tosign.len)))
		goto done;
	if ((rc = pubkey_blob(&key, k->pk)) ||
	    (rc = put_cstring(&sigblob, KEY_TYPE)) ||
	    (rc = put_string(&sigblob, sig, sizeof(sig))))
		goto done;
	if ((rc = buf_put(&blob, MAGIC, MAGIC_LEN)) ||
	    (rc = put_u32(&blob, SIG_VERSION)) ||
	    (rc = put_string(&blob, key.ptr, key.len)) ||
	    (rc = put_cstring(&blob, ns)) || (rc = put_string(&blob, "", 0)) ||
	    (rc = put_cstring(&blob, "sha512")) ||
	    (rc = put_string(&blob, sigblob.ptr, sigblob.len)))
		goto done;
	if ((rc = base64_encode(&b64, (const uint8_t *)blob.ptr, blob.len)) ||
	    (rc = buf_puts(out, BEGIN_LINE "\n")))
		goto done;
	/* Every base64 line, the last one too, ends with "\n", as
	 * ssh-keygen writes it. */
	for (size_t i = 0; i < b64.len && !rc; i += WRAP) {
		size_t w = b64.len - i < WRAP ? b64.len - i : WRAP;
		if (!(rc = buf_put(out, b64.ptr + i, w)))
			rc = buf_putc(out, '\n');
	}
	if (!rc)
		rc = buf_puts(out, END_LINE "\n");
done:
	if (rc) {
		out->len = start;
		out->ptr[start] = '\0';
	}
	buf_release(&tosign);
	buf_release(&blob);
	buf_release(&key);
	buf_release(&sigblob);
	buf_release(&b64);
	return rc;
}

/* Strips the armor: the BEGIN line, lines of base64, the END line, and
 * nothing after it but its line end. Lines end with "\n" or "\r\n". */
static int dearmor(struct buf *blob, const char *armored, size_t len)
{
	const char *p = armored, *end = armored + len;
	struct buf b64 = BUF_INIT;
	size_t got = 0;
	int rc = 0, begun = 0, ended = 0;

	if (len > ARMOR_MAX)
		return prov_error_set(PROV_EINVALID,
				      "SSH signature: larger than %d bytes",
				      ARMOR_MAX);
	while (p < end && !ended) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line = p;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		p += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			n--;
		if (!begun) {
			if (n != strlen(BEGIN_LINE) ||
			    memcmp(line, BEGIN_LINE, n))
				goto bad;
			begun = 1;
		} else if (n == strlen(END_LINE) &&
			   !memcmp(line, END_LINE, n)) {
			ended = 1;
		} else {
			for (size_t i = 0; i < n; i++) {
				char c = line[i];
				if (!((c >= 'A' && c <= 'Z') ||
				      (c >= 'a' && c <= 'z') ||
				      (c >= '0' && c <= '9') || c == '+' ||
				      c == '/' || c == '='))
					goto bad;
			}
			if (!n)
				goto bad;
			buf_put(&b64, line, n);
		}
	}
	if (!ended || p != end || !b64.len)
		goto bad;
	/* Base64 is 4 characters for 3 bytes. */
	if ((rc = buf_grow(blob, b64.len / 4 * 3 + 1)) ||
	    (rc = base64_decode((uint8_t *)blob->ptr, b64.len / 4 * 3, &got,
				b64.ptr, b64.len)))
		goto bad;
	blob->len = got;
	blob->ptr[got] = '\0';
	goto done;
bad:
	rc = prov_error_set(PROV_EINVALID,
			    "not an armored SSH signature (-----BEGIN SSH "
			    "SIGNATURE----- ...)");
done:
	buf_release(&b64);
	return rc;
}

/* Parses a "string publickey" or "string signature": a type name, then one
 * string of want bytes, and nothing more. */
static int ed25519_part(const uint8_t **out, const uint8_t *p, size_t n,
			size_t want, const char *what)
{
	struct reader r = {p, n};
	const uint8_t *type, *val;
	size_t tlen, vlen;

	if (get_string(&r, &type, &tlen))
		goto bad;
	if (!string_is(type, tlen, KEY_TYPE)) {
		if (printable(type, tlen))
			return prov_error_set(
				PROV_EINVALID,
				"SSH signature: %s is of type '%.*s'; "
				"only ssh-ed25519 is supported",
				what, (int)tlen, (const char *)type);
		return prov_error_set(
			PROV_EINVALID,
			"SSH signature: %s is of an unknown type; "
			"only ssh-ed25519 is supported",
			what);
	}
	if (get_string(&r, &val, &vlen) || vlen != want || r.left)
		goto bad;
	*out = val;
	return 0;
bad:
	return prov_error_set(PROV_EINVALID, "SSH signature: malformed %s",
			      what);
}

int sshsig_verify(uint8_t pk[32], const char *armored, size_t len,
		  const char *ns, const void *msg, size_t n)
{
	struct buf blob = BUF_INIT, toverify = BUF_INIT;
	struct reader r;
	const uint8_t *key, *nsp, *reserved, *alg, *sigp, *keypk, *sig;
	size_t keylen, nslen, reslen, alglen, siglen;
	uint8_t digest[crypto_hash_sha512_BYTES];
	size_t dlen;
	uint32_t version;
	char did[DID_MAX];
	int rc;

	if (!ns || !*ns) {
		rc = prov_error_set(PROV_EINVALID,
				    "an SSH signature needs a namespace");
		goto done;
	}
	if ((rc = dearmor(&blob, armored, len)))
		goto done;
	r.p = (const uint8_t *)blob.ptr;
	r.left = blob.len;
	if (r.left < MAGIC_LEN || memcmp(r.p, MAGIC, MAGIC_LEN)) {
		rc = prov_error_set(PROV_EINVALID,
				    "SSH signature: no SSHSIG magic");
		goto done;
	}
	r.p += MAGIC_LEN;
	r.left -= MAGIC_LEN;
	if (get_u32(&r, &version) || version != SIG_VERSION) {
		rc = prov_error_set(PROV_EINVALID,
				    "SSH signature: unsupported version");
		goto done;
	}
	if (get_string(&r, &key, &keylen) || get_string(&r, &nsp, &nslen) ||
	    get_string(&r, &reserved, &reslen) ||
	    get_string(&r, &alg, &alglen) || get_string(&r, &sigp, &siglen) ||
	    r.left) {
		rc = prov_error_set(PROV_EINVALID,
				    "SSH signature: malformed (bad lengths)");
		goto done;
	}
	if ((rc = ed25519_part(&keypk, key, keylen, 32, "public key")) ||
	    (rc = ed25519_part(&sig, sigp, siglen, 64, "signature")))
		goto done;
	/* ssh-keygen signs an empty reserved field and checks against one. */
	if (reslen) {
		rc = prov_error_set(
			PROV_EINVALID,
			"SSH signature: reserved field is not empty");
		goto done;
	}
	if (!string_is(nsp, nslen, ns)) {
		if (printable(nsp, nslen))
			rc = prov_error_set(PROV_EVERIFY,
					    "SSH signature is for namespace "
					    "'%.*s', not '%s'",
					    (int)nslen, (const char *)nsp, ns);
		else
			rc = prov_error_set(
				PROV_EVERIFY,
				"SSH signature is not for namespace "
				"'%s'",
				ns);
		goto done;
	}
	if (!msg)
		msg = "";
	if (string_is(alg, alglen, "sha512")) {
		crypto_hash_sha512(digest, msg, n);
		dlen = crypto_hash_sha512_BYTES;
	} else if (string_is(alg, alglen, "sha256")) {
		crypto_hash_sha256(digest, msg, n);
		dlen = crypto_hash_sha256_BYTES;
	} else {
		rc = prov_error_set(PROV_EINVALID,
				    "SSH signature: unsupported hash algorithm "
				    "(sha256 and sha512 are)");
		goto done;
	}
	if ((rc = signed_data(&toverify, nsp, nslen, alg, alglen, digest,
			      dlen)))
		goto done;
	if (ed25519_verify(sig, keypk, toverify.ptr, toverify.len)) {
		did_from_pk(did, keypk);
		rc = prov_error_set(
			PROV_EVERIFY,
			"bad SSH signature: the message is not what "
			"%s signed",
			did);
		goto done;
	}
	memcpy(pk, keypk, 32);
done:
	buf_release(&blob);
	buf_release(&toverify);
	return rc;
}

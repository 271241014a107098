/* Hex, base64 and base58btc. Decoders take untrusted text and check every
 * character and length. */
#include <string.h>

#include <sodium.h>

#include "core.h"

void hex_encode(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(uint8_t *out, size_t outlen, const char *in, size_t inlen)
{
	if (inlen != 2 * outlen)
		return prov_error_set(PROV_EINVALID,
				      "expected %zu hex digits, got %zu",
				      2 * outlen, inlen);
	for (size_t i = 0; i < outlen; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return prov_error_set(PROV_EINVALID, "not a hex digit");
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int base64_encode(struct buf *out, const uint8_t *in, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);

	if (buf_grow(out, len))
		return PROV_EINVALID;
	sodium_bin2base64(out->ptr + out->len, len, in, n,
			  sodium_base64_VARIANT_ORIGINAL);
	out->len += len - 1;
	return 0;
}

int base64_decode(uint8_t *out, size_t cap, size_t *outlen, const char *in,
		  size_t inlen)
{
	const char *end = NULL;

	/* libsodium 1.0.18 decodes bytes over 0x7f as digits, which would give
	 * one value many spellings: check the alphabet ourselves. */
	for (size_t i = 0; i < inlen; i++) {
		char c = in[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return prov_error_set(PROV_EINVALID, "malformed base64");
	}
	/* libsodium stops at the first bad character; requiring it to consume
	 * everything rejects trailing garbage. */
	if (sodium_base642bin(out, cap, in, inlen, NULL, outlen, &end,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    end != in + inlen)
		return prov_error_set(PROV_EINVALID, "malformed base64");
	return 0;
}

static const char b58[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int base58_encode(struct buf *out, const uint8_t *in, size_t n)
{
	size_t zeros = 0, size, len = 0;
	uint8_t *digits;

	if (n > 1024)
		return prov_error_set(PROV_EINVALID, "base58 input too long");
	while (zeros < n && in[zeros] == 0)
		zeros++;
	size = (n - zeros) * 138 / 100 + 1; /* log(256)/log(58) */
	digits = xcalloc(size, 1);
	for (size_t i = zeros; i < n; i++) {
		unsigned carry = in[i];
		size_t j;
		for (j = 0; j < len || carry; j++) {
			carry += 256u * digits[j];
			digits[j] = (uint8_t)(carry % 58);
			carry /= 58;
		}
		len = j;
	}
	for (size_t i = 0; i < zeros; i++)
		buf_putc(out, '1');
	while (len)
		buf_putc(out, b58[digits[--len]]);
	free(digits);
	return 0;
}

int base58_decode(uint8_t *out, size_t cap, size_t *outlen, const char *in,
		  size_t inlen)
{
	size_t zeros = 0, len = 0;
	uint8_t *bytes;
	int rc = 0;

	if (inlen > 1400)
		return prov_error_set(PROV_EINVALID, "base58 input too long");
	while (zeros < inlen && in[zeros] == '1')
		zeros++;
	bytes = xcalloc(inlen + 1, 1);
	for (size_t i = zeros; i < inlen; i++) {
		const char *p = in[i] ? strchr(b58, in[i]) : NULL;
		unsigned carry;
		size_t j;
		if (!p) {
			rc = prov_error_set(PROV_EINVALID, "malformed base58");
			goto done;
		}
		carry = (unsigned)(p - b58);
		for (j = 0; j < len || carry; j++) {
			carry += 58u * bytes[j];
			bytes[j] = (uint8_t)(carry & 0xff);
			carry >>= 8;
		}
		len = j;
	}
	if (zeros + len > cap) {
		rc = prov_error_set(PROV_EINVALID, "base58 value too long");
		goto done;
	}
	memset(out, 0, zeros);
	for (size_t i = 0; i < len; i++)
		out[zeros + i] = bytes[len - 1 - i];
	*outlen = zeros + len;
done:
	free(bytes);
	return rc;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; *p; p += n)
		if (!(n = utf8_len(p)))
			return 0;
	return 1;
}

char *utf8_sanitize(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf out = BUF_INIT;

	while (*p) {
		size_t n = utf8_len(p);
		if (n) {
			buf_put(&out, p, n);
			p += n;
		} else {
			buf_puts(&out, "\xef\xbf\xbd"); /* U+FFFD */
			p++;
		}
	}
	return buf_detach(&out);
}

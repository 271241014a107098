/* CAIP-10 accounts on EVM chains ("eip155:<chain id>:0x<40 hex>") and
 * EIP-55 checksummed addresses. The input is untrusted text (a payout
 * address in a record or on a command line), so every length is checked
 * before it is read and messages show the input escaped. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

#define NAMESPACE "eip155:"
#define ACCOUNT_INPUT_MAX 256 /* far beyond any valid account */
#define EXPECTED "expected eip155:<chain id>:0x<40 hex digits>"

static const char *show(char out[SHOW_SIZE], const char *s)
{
	return prov_show(out, s, strlen(s));
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

void address_checksum(char out[43], const uint8_t addr[20])
{
	uint8_t hash[32];

	/* EIP-55: hash the lowercase hex digits (no "0x"), then uppercase
	 * each letter whose nibble at the same position in the hash is >= 8. */
	out[0] = '0';
	out[1] = 'x';
	hex_encode(out + 2, addr, 20);
	keccak256(hash, out + 2, 40);
	for (int i = 0; i < 40; i++) {
		int nibble = i % 2 ? hash[i / 2] & 15 : hash[i / 2] >> 4;
		char *c = &out[2 + i];
		if (*c >= 'a' && *c <= 'f' && nibble >= 8)
			*c = (char)(*c - 'a' + 'A');
	}
}

/* A CAIP-2 eip155 reference: a positive decimal integer that fits in 64
 * bits, without leading zeros, so each chain has exactly one spelling. */
static int parse_chain_id(uint64_t *out, const char *in, const char *s,
			  size_t n)
{
	char shown[SHOW_SIZE];
	uint64_t v = 0;

	if (n == 0)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a CAIP-10 account: the chain id is empty (" EXPECTED ")",
				      show(shown, in));
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return prov_error_set(PROV_EINVALID,
					      "'%s' is not a CAIP-10 account: the chain id '%.*s' is not a decimal number",
					      show(shown, in), (int)n, s);
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return prov_error_set(PROV_EINVALID,
					      "'%s' is not a CAIP-10 account: the chain id '%.*s' is larger than 2^64 - 1",
					      show(shown, in), (int)n, s);
		v = v * 10 + d;
	}
	if (v == 0)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a CAIP-10 account: the chain id must be positive",
				      show(shown, in));
	if (s[0] == '0')
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a CAIP-10 account: the chain id '%.*s' has a leading zero",
				      show(shown, in), (int)n, s);
	*out = v;
	return 0;
}

/* The "0x" + 40 hex digits at addr into out, and its EIP-55 spelling
 * into expected. whole is the input as the user gave it, for messages:
 * a CAIP-10 account, or the address alone. */
static int read_address(uint8_t out[20], char expected[43], const char *whole,
			const char *addr)
{
	char shown[SHOW_SIZE], bad[SHOW_SIZE];
	const char *what = whole == addr ? "an address" : "a CAIP-10 account";
	int lower = 0, upper = 0;

	if (strlen(addr) != 42 || addr[0] != '0' || addr[1] != 'x')
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not %s: the address is not 0x followed by 40 hex digits",
				      show(shown, whole), what);
	for (int i = 0; i < 40; i++) {
		char c = addr[2 + i];
		int v = hexval(c);
		if (v < 0)
			return prov_error_set(PROV_EINVALID,
					      "'%s' is not %s: '%s' is not a hex digit in the address",
					      show(shown, whole), what,
					      show(bad, (char[]){ c, '\0' }));
		lower |= c >= 'a' && c <= 'f';
		upper |= c >= 'A' && c <= 'F';
		if (i % 2)
			out[i / 2] |= (uint8_t)v;
		else
			out[i / 2] = (uint8_t)(v << 4);
	}

	/* One case throughout carries no checksum (EIP-55 keeps those valid);
	 * mixed case claims one, and a wrong one is most likely a typo. */
	address_checksum(expected, out);
	if (lower && upper && memcmp(addr, expected, 42) != 0)
		return prov_error_set(PROV_EINVALID,
				      "'%s' fails its EIP-55 checksum (expected %s)",
				      addr, expected);
	return 0;
}

int address_parse(uint8_t out[20], const char *s)
{
	char expected[43];
	int rc = read_address(out, expected, s, s);

	if (rc)
		memset(out, 0, 20);
	return rc;
}

int account_parse(struct account *out, const char *s)
{
	const char *chain, *colon, *addr;
	char shown[SHOW_SIZE], expected[43];
	size_t len, prefix;
	int err;

	memset(out, 0, sizeof(*out));
	len = strnlen(s, ACCOUNT_INPUT_MAX + 1);
	if (len > ACCOUNT_INPUT_MAX)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a CAIP-10 account: longer than %d bytes",
				      show(shown, s), ACCOUNT_INPUT_MAX);

	prefix = strlen(NAMESPACE);
	if (len < prefix || memcmp(s, NAMESPACE, prefix) != 0)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a CAIP-10 account: " EXPECTED,
				      show(shown, s));

	chain = s + prefix;
	colon = memchr(chain, ':', len - prefix);
	if (!colon)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a CAIP-10 account: " EXPECTED,
				      show(shown, s));
	err = parse_chain_id(&out->chain_id, s, chain, (size_t)(colon - chain));
	if (err)
		goto done;

	addr = colon + 1;
	if ((err = read_address(out->addr, expected, s, addr)))
		goto done;

	/* text[] is sized in core.h; a chain id too long for it is refused
	 * rather than cut. */
	if (snprintf(out->text, sizeof(out->text), NAMESPACE "%" PRIu64 ":%s",
		     out->chain_id, expected) >= (int)sizeof(out->text)) {
		err = prov_error_set(PROV_EINVALID,
				     "'%s': chain id %" PRIu64 " is longer than prov can store (%zu bytes for the whole account)",
				     show(shown, s), out->chain_id,
				     sizeof(out->text) - 1);
		goto done;
	}
	err = 0;

done:
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

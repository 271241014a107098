/* Fuzzes batch_funded_event_decode and claimed_event_decode on one log
 * made of the input: byte 0 holds the topic count (bits 0-2) and whether
 * topic 0 is replaced by BatchFunded's (bit 3) or Claimed's (bit 4) topic,
 * which no fuzzer would guess; then the topics, 32 bytes each; the rest is
 * the data. No crash or undefined behaviour; a refusal leaves its output
 * zeroed; an accepted log decodes to exactly the bytes of its topics and
 * data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* The word at data + off as an offset, or SIZE_MAX past 2^32. */
static size_t word_at(const uint8_t *d, size_t off)
{
	size_t v = 0;

	if (!all_zero(d + off, 28))
		return SIZE_MAX;
	for (int i = 28; i < 32; i++)
		v = v << 8 | d[off + (size_t)i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct batch_funded_event fe;
	struct claimed_event ce;
	uint8_t(*topics)[32];
	const uint8_t *body;
	size_t nt, len;
	int rf, rcl;

	if (!initialised++ && core_init())
		abort();
	if (size < 1)
		return 0;
	nt = data[0] & 7;
	if (size - 1 < 32 * nt)
		return 0;
	topics = xmalloc(nt ? 32 * nt : 1);
	memcpy(topics, data + 1, 32 * nt);
	body = data + 1 + 32 * nt;
	len = size - 1 - 32 * nt;
	if (nt && (data[0] & 0x08))
		abi_topic(topics[0], BATCH_FUNDED_EVENT);
	else if (nt && (data[0] & 0x10))
		abi_topic(topics[0], CLAIMED_EVENT);

	memset(&fe, 0x5a, sizeof(fe));
	rf = batch_funded_event_decode(&fe, (const uint8_t(*)[32])topics, nt,
				       body, len);
	if (rf) {
		if (rf != PROV_EINVALID || fe.uri || fe.uri_len ||
		    !all_zero(fe.id, 32) || !all_zero(fe.root, 32) ||
		    !all_zero(fe.token, 20) || !all_zero(fe.funder, 20) ||
		    !all_zero(fe.total, 32))
			abort();
	} else {
		/* data: funder, total, the uri's offset, then the uri */
		size_t off = word_at(body, 64);

		if (nt != 4 || !all_zero(topics[3], 12) ||
		    !all_zero(body, 12) || memcmp(fe.id, topics[1], 32) ||
		    memcmp(fe.root, topics[2], 32) ||
		    memcmp(fe.token, topics[3] + 12, 20) ||
		    memcmp(fe.funder, body + 12, 20) ||
		    memcmp(fe.total, body + 32, 32) || off < 96 ||
		    off > len - 32 || word_at(body, off) != fe.uri_len ||
		    fe.uri_len > len - off - 32 || fe.uri[fe.uri_len] ||
		    memcmp(fe.uri, body + off + 32, fe.uri_len))
			abort();
		free(fe.uri);
	}

	memset(&ce, 0x5a, sizeof(ce));
	rcl = claimed_event_decode(&ce, (const uint8_t(*)[32])topics, nt, body,
				   len);
	if (rcl) {
		if (rcl != PROV_EINVALID || !all_zero(&ce, sizeof(ce)))
			abort();
	} else if (nt != 3 || rf == 0 || !all_zero(topics[2], 12) ||
		   memcmp(ce.id, topics[1], 32) ||
		   memcmp(ce.account, topics[2] + 12, 20) || len < 32 ||
		   memcmp(ce.amount, body, 32)) {
		abort();
	}
	free(topics);
	return 0;
}

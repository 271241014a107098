/* Fuzzes reading and verifying a C2PA manifest store: the input is the
 * store's JUMBF, put into a small JPEG as APP11 segments, then verified
 * (store, claims, CBOR, hashed URIs, COSE, certificates, ingredients) and
 * laid out as JSON. Invariants: a file with a store is never "none", and
 * a verdict of valid has no failure but an untrusted signer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* SOI, APP0 (JFIF), EOI. */
static const uint8_t tiny[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
				'F',  'I',  'F',  0x00, 0x01, 0x01, 0x00,
				0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff,
				0xd9 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct c2pa_verify_opts o = { NULL, 0, 1760000000 };
	struct c2pa_result r;
	struct buf jpeg = BUF_INIT;
	json_t *j;

	if (size < 8 || size > (1 << 20))
		return 0;
	if (jpeg_c2pa_write(&jpeg, NULL, tiny, sizeof(tiny), data, size)) {
		buf_release(&jpeg);
		return 0;
	}
	if (!c2pa_verify(&r, (const uint8_t *)jpeg.ptr, jpeg.len, &o)) {
		if (r.state == C2PA_VALID) {
			for (size_t i = 0; i < r.active.n; i++)
				if (r.active.v[i].failure &&
				    strcmp(r.active.v[i].code,
					   "signingCredential.untrusted"))
					abort();
		}
		j = c2pa_result_json(&r);
		json_decref(j);
		c2pa_result_release(&r);
	}
	buf_release(&jpeg);
	return 0;
}

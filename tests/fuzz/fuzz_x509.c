/* Fuzzes the signer certificate checks (c2pa/x509.c). The input is a
 * chain: up to 4 certificates, each a 2-byte big-endian length and that
 * many bytes (copied into an allocation of exactly their size); a short
 * tail is one more certificate. Each chain goes through the profile at a
 * fixed time and through trust under the c2pa-rs test roots. Invariants:
 * the profile returns 0 with no status or PROV_EVERIFY with exactly one
 * failure (invalid or expired); trust adds exactly one status, trusted
 * with 0 and untrusted with PROV_EVERIFY. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ANCHORS "tests/fixtures/c2pa/certs/test_cert_root_bundle.pem"
#define AT 1767225600 /* 2026-01-01: the fixture chains are valid */
#define CHAIN_MAX 4

static struct buf anchors = BUF_INIT;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf chain[CHAIN_MAX];
	struct c2pa_report r = { 0 };
	size_t n = 0, at = 0;
	int rc;

	if (!anchors.len && buf_read_file(&anchors, ANCHORS, 0))
		abort(); /* run from the repository's top folder */
	while (at < size && n < CHAIN_MAX) {
		size_t len = size - at;
		if (len >= 2 && (size_t)(data[at] << 8 | data[at + 1]) <= len - 2) {
			len = (size_t)(data[at] << 8 | data[at + 1]);
			at += 2;
		}
		/* exact-size copies, so ASan sees any read past the end */
		chain[n].ptr = malloc(len ? len : 1);
		if (!chain[n].ptr)
			abort();
		memcpy(chain[n].ptr, data + at, len);
		chain[n].len = chain[n].cap = len;
		chain[n].max = 0;
		n++;
		at += len;
	}
	rc = c2pa_cert_profile(&r, "self#jumbf=c2pa.signature", chain, n, AT);
	if (rc == 0 ? r.n != 0
		    : rc != PROV_EVERIFY || r.n != 1 || !r.v[0].failure ||
			      (strcmp(r.v[0].code, "signingCredential.invalid") &&
			       strcmp(r.v[0].code, "signingCredential.expired")))
		abort();
	c2pa_report_release(&r);
	rc = c2pa_cert_trust(&r, NULL, chain, n, anchors.ptr, anchors.len, AT);
	if (r.n != 1 ||
	    (rc == 0 ? r.v[0].failure ||
			       strcmp(r.v[0].code, "signingCredential.trusted")
		     : rc != PROV_EVERIFY || !r.v[0].failure ||
			       strcmp(r.v[0].code, "signingCredential.untrusted")))
		abort();
	c2pa_report_release(&r);
	for (size_t i = 0; i < n; i++)
		free(chain[i].ptr);
	return 0;
}

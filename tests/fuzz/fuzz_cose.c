/* Fuzzes the COSE_Sign1 parser (c2pa/cose.c) over bytes copied into an
 * allocation of exactly their size; what parses is then verified against a
 * fixed claim and its timestamp read, which takes hostile certificates,
 * signatures and RFC 3161 tokens through OpenSSL. Invariants: a parsed
 * signature has a C2PA algorithm, 1 to 16 certificates and a signature;
 * nothing verifies against the fixed claim (no input is signed over it);
 * the time is only set on success. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int known(int alg)
{
	return alg == COSE_EDDSA || alg == COSE_ES256 || alg == COSE_ES384 ||
	       alg == COSE_ES512 || alg == COSE_PS256 || alg == COSE_PS384 ||
	       alg == COSE_PS512;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char claim[] = "fuzz_cose: a claim no input signs";
	static int initialised;
	struct cose_sign1 c;
	uint8_t *p;

	if (!initialised++ && core_init())
		abort();
	p = xmalloc(size ? size : 1);
	memcpy(p, data, size);
	if (cose_sign1_parse(&c, p, size) == 0) {
		int64_t at = -1;
		int rc;
		if (!known(c.alg) || c.nx5 < 1 || c.nx5 > 16 ||
		    !c.signature.len || !c.protected_hdr.len)
			abort();
		rc = cose_sign1_verify(&c, (const uint8_t *)claim,
				       sizeof(claim) - 1);
		if (rc != PROV_EVERIFY && rc != PROV_EINVALID)
			abort();
		rc = cose_sign1_tst_time(&at, &c, (const uint8_t *)claim,
					 sizeof(claim) - 1);
		if (rc == 0 ? at < 0 : at != 0)
			abort();
		if (rc == PROV_ENOTFOUND && c.tst.len)
			abort();
	}
	prov_error_clear();
	cose_sign1_release(&c);
	free(p);
	return 0;
}

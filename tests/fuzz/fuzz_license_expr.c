/* Fuzzes license_expr_check: no crash, leak or undefined behaviour on any
 * input, and a normalised expression is itself valid and normalises to
 * itself (so storing the normalised form loses nothing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "license/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	char *s, *norm = NULL, *again = NULL;

	if (!initialised++ && core_init())
		abort();
	/* the API takes a C string: an embedded NUL just ends it early */
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	if (license_expr_check(s, &norm) == 0) {
		if (!norm)
			abort();
		if (license_expr_check(norm, &again) != 0)
			abort();
		if (strcmp(norm, again) != 0)
			abort();
		/* the NULL form must agree with the one that returns a string */
		if (license_expr_check(s, NULL) != 0)
			abort();
	} else if (norm) {
		abort();
	}
	free(again);
	free(norm);
	free(s);
	return 0;
}

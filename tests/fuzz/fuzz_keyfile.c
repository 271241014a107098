/* The secret key file parser: key_load_public, and key_load with a
 * passphrase callback that refuses, so Argon2 (whose cost the file names)
 * never runs but every field before it is parsed, and unencrypted keys are
 * decrypted and checked. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_file(void)
{
	unlink(path);
}

static int refuse(char *buf, size_t cap, const char *prompt, void *payload)
{
	return prov_error_set(PROV_EPASS, "no passphrase while fuzzing");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct key *k = NULL;

	if (!inited++) {
		if (core_init())
			abort();
		snprintf(path, sizeof(path), "/tmp/prov-fuzz-key-%ld.json",
			 (long)getpid());
		atexit(remove_file);
	}
	if (write_file_atomic(path, data, size, 0600, 0))
		abort();
	if (key_load_public(&k, path) == 0) {
		if (k->sk)
			abort();
		key_free(k);
		k = NULL;
	}
	if (key_load(&k, path, refuse, NULL) == 0) {
		if (!k->sk)
			abort();
		key_free(k);
	}
	return 0;
}

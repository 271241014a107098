/* SHA-256 through OpenSSL's EVP interface, which uses the CPU's SHA
 * extensions where present (several times libsodium's portable code). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "core.h"

#define READ_SIZE (1u << 20)

int sha256_init(struct sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		abort(); /* only fails on allocation */
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return prov_error_set(PROV_ERROR, "sha256: cannot initialise");
	}
	h->ctx = ctx;
	return 0;
}

int sha256_update(struct sha256 *h, const void *data, size_t n)
{
	if (EVP_DigestUpdate(h->ctx, data, n) != 1)
		return prov_error_set(PROV_ERROR, "sha256: update failed");
	return 0;
}

int sha256_final(struct sha256 *h, uint8_t out[32])
{
	unsigned len = 0;
	int ok = EVP_DigestFinal_ex(h->ctx, out, &len) == 1 && len == 32;

	sha256_release(h);
	return ok ? 0 : prov_error_set(PROV_ERROR, "sha256: final failed");
}

void sha256_release(struct sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int sha256_buf(uint8_t out[32], const void *data, size_t n)
{
	unsigned len = 0;

	if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1)
		return prov_error_set(PROV_ERROR, "sha256 failed");
	return 0;
}

/* Files up to this size are read into a buffer on the stack: hashing many
 * small files then costs no allocation per file. */
#define SMALL_SIZE (64u << 10)

/* expect: the size the file should have, or UINT64_MAX when unknown;
 * count (may be NULL): bytes read so far, for another thread to show. */
static int hash_fd(uint8_t out[32], uint64_t *size, int fd, const char *path,
		   uint64_t expect, uint64_t *count)
{
	struct sha256 h = { 0 };
	uint64_t total = 0;
	uint8_t small[SMALL_SIZE];
	uint8_t *chunk = small, *big = NULL;
	size_t cap = sizeof(small);
	ssize_t n;
	int rc;

	if (expect > SMALL_SIZE)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = sha256_init(&h)))
		return rc;
	while ((n = read(fd, chunk, cap)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = prov_error_set(PROV_EIO, "'%s': %s", path, errstr(errno));
			goto done;
		}
		if ((rc = sha256_update(&h, chunk, (size_t)n)))
			goto done;
		total += (uint64_t)n;
		if (count)
			__atomic_fetch_add(count, (uint64_t)n, __ATOMIC_RELAXED);
		/* Larger than the stack buffer: stream it in large reads. */
		if (!big && (size_t)n == cap) {
			chunk = big = xmalloc(READ_SIZE);
			cap = READ_SIZE;
		}
	}
	rc = sha256_final(&h, out);
	if (size)
		*size = total;
done:
	if (h.ctx)
		sha256_release(&h);
	free(big);
	return rc;
}

static int open_failed(const char *path)
{
	return prov_error_set(errno == ENOENT ? PROV_ENOTFOUND : PROV_EIO,
			      "'%s': %s", path,
			      errno == ELOOP ? "is a symbolic link now" : errstr(errno));
}

int sha256_file(uint8_t out[32], uint64_t *size, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return open_failed(path);
	rc = hash_fd(out, size, fd, path, UINT64_MAX, NULL);
	close(fd);
	return rc;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int sha256_file_checked(uint8_t out[32], const char *path,
			const struct stat *expect, int follow)
{
	return sha256_file_counted(out, path, expect, follow, NULL);
}

int sha256_file_counted(uint8_t out[32], const char *path,
			const struct stat *expect, int follow, uint64_t *count)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	struct stat before, after;
	uint64_t size = 0;
	int rc;

	if (fd < 0)
		return open_failed(path);
	if (fstat(fd, &before)) {
		rc = prov_error_set(PROV_EIO, "'%s': %s", path, errstr(errno));
		goto done;
	}
	if (!same_file(&before, expect)) {
		rc = prov_error_set(PROV_EIO, "'%s' changed before it was read",
				    path);
		goto done;
	}
	if ((rc = hash_fd(out, &size, fd, path, (uint64_t)expect->st_size,
			   count)))
		goto done;
	/* A write during the read leaves a digest of no version of the file. */
	if (fstat(fd, &after) || !same_file(&after, expect) ||
	    size != (uint64_t)expect->st_size)
		rc = prov_error_set(PROV_EIO, "'%s' changed while it was read",
				    path);
done:
	close(fd);
	return rc;
}

void sha256_id(char out[72], const uint8_t digest[32])
{
	memcpy(out, "sha256:", 7);
	hex_encode(out + 7, digest, 32);
}

int sha256_id_parse(uint8_t out[32], const char *s)
{
	if (!strncmp(s, "sha256:", 7))
		s += 7;
	if (strlen(s) != 64 || hex_decode(out, 32, s, 64))
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a sha256 digest", s);
	return 0;
}

/* The libraries' own version strings: a different libsodium may verify
 * signatures differently, a different jansson parse differently. */
static void put_versions(struct sha256 *h)
{
	const char *v[] = { sodium_version_string(), OpenSSL_version(OPENSSL_VERSION),
			    jansson_version_str(), NULL };
	int major, minor, rev;
	char git[64];

	git_libgit2_version(&major, &minor, &rev);
	snprintf(git, sizeof(git), "libgit2 %d.%d.%d", major, minor, rev);
	v[3] = git;
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++)
		sha256_update(h, v[i], strlen(v[i]) + 1);
}

int prov_build_id(uint8_t out[32])
{
	static uint8_t id[32];
	static int known;
	struct sha256 h = { 0 };
	uint8_t self[32];
	int rc;

	if (!known) {
		if ((rc = sha256_file(self, NULL, "/proc/self/exe")) ||
		    (rc = sha256_init(&h)))
			return rc;
		sha256_update(&h, self, sizeof(self));
		put_versions(&h);
		if ((rc = sha256_final(&h, id)))
			return rc;
		known = 1;
	}
	memcpy(out, id, 32);
	return 0;
}

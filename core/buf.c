/* Memory that aborts when exhausted, overflow-checked sizes, and the one
 * buffer type: never NULL, always NUL-terminated, optionally bounded. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core.h"

char buf_empty[1];

static void oom(void)
{
	fputs("prov: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

int size_add(size_t *out, size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		return -1;
	*out = a + b;
	return 0;
}

int size_mul(size_t *out, size_t a, size_t b)
{
	if (a && b > SIZE_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}

void buf_init(struct buf *b, size_t max)
{
	b->ptr = buf_empty;
	b->len = b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b, b->max);
}

void buf_wipe(struct buf *b)
{
	if (b->cap)
		sodium_memzero(b->ptr, b->cap);
	buf_release(b);
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	b->ptr[0] = '\0';
}

char *buf_detach(struct buf *b)
{
	char *p = b->cap ? b->ptr : xstrdup("");
	buf_init(b, b->max);
	return p;
}

int buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;

	if (size_add(&need, b->len, extra) || size_add(&need, need, 1))
		return prov_error_set(PROV_EINVALID, "buffer size overflow");
	if (b->max && need - 1 > b->max)
		return prov_error_set(PROV_EINVALID,
				      "input longer than %zu bytes", b->max);
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		if (size_mul(&cap, cap, 2))
			cap = need;
	if (b->cap) {
		b->ptr = xrealloc(b->ptr, cap);
	} else {
		b->ptr = xmalloc(cap);
		b->ptr[0] = '\0';
	}
	b->cap = cap;
	return 0;
}

int buf_put(struct buf *b, const void *data, size_t n)
{
	if (!n)
		return 0;
	if (buf_grow(b, n))
		return PROV_EINVALID;
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_put(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return prov_error_set(PROV_ERROR, "bad format");
	if (buf_grow(b, (size_t)n))
		return PROV_EINVALID;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int buf_read_file(struct buf *b, const char *path, size_t max)
{
	char tmp[65536];
	int fd, rc = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return prov_error_set(errno == ENOENT ? PROV_ENOTFOUND : PROV_EIO,
				      "'%s': %s", path, errstr(errno));
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = prov_error_set(PROV_EIO, "'%s': %s", path,
					    errstr(errno));
			break;
		}
		if (max && b->len + (size_t)n > max) {
			rc = prov_error_set(PROV_EINVALID,
					    "'%s': larger than %zu bytes", path,
					    max);
			break;
		}
		if ((rc = buf_put(b, tmp, (size_t)n)))
			break;
	}
	close(fd);
	sodium_memzero(tmp, sizeof(tmp));
	return rc;
}

int atomic_file_open(struct atomic_file *f, const char *path, mode_t mode)
{
	int rc;

	f->path = path;
	buf_init(&f->tmp, 0);
	buf_printf(&f->tmp, "%s.tmp.%ld", path, (long)getpid());
	f->fd = open(f->tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (f->fd >= 0)
		return 0;
	rc = prov_error_set(PROV_EIO, "'%s': %s", f->tmp.ptr, errstr(errno));
	buf_release(&f->tmp); /* not ours to remove */
	return rc;
}

int atomic_file_write(struct atomic_file *f, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return prov_error_set(PROV_EIO, "'%s': %s", f->path,
					      errstr(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int atomic_file_commit(struct atomic_file *f, int excl)
{
	int err = fsync(f->fd) ? errno : 0, rc = 0;

	if (close(f->fd) && !err)
		err = errno;
	f->fd = -1;
	if (err) {
		rc = prov_error_set(PROV_EIO, "'%s': %s", f->path, errstr(err));
	} else if (excl) {
		/* link() refuses an existing target, unlike rename(). */
		if (link(f->tmp.ptr, f->path))
			rc = errno == EEXIST ?
				     prov_error_set(PROV_EEXISTS,
						    "'%s' already exists", f->path) :
				     prov_error_set(PROV_EIO, "'%s': %s", f->path,
						    errstr(errno));
	} else if (rename(f->tmp.ptr, f->path)) {
		rc = prov_error_set(PROV_EIO, "'%s': %s", f->path, errstr(errno));
	} else {
		buf_release(&f->tmp); /* renamed: nothing left to remove */
	}
	atomic_file_abort(f);
	return rc;
}

void atomic_file_abort(struct atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp.len)
		unlink(f->tmp.ptr);
	buf_release(&f->tmp);
}

int write_file_atomic(const char *path, const void *data, size_t n, mode_t mode,
		      int excl)
{
	struct atomic_file f;
	int rc;

	if ((rc = atomic_file_open(&f, path, mode)))
		return rc;
	if (!(rc = atomic_file_write(&f, data, n)))
		rc = atomic_file_commit(&f, excl);
	atomic_file_abort(&f);
	return rc;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) && errno != EEXIST) {
			rc = prov_error_set(PROV_EIO, "'%s': %s", p,
					    errstr(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

/* ---- caches beside the registry ------------------------------------------ */

#define MAC_LEN 32
#define CACHE_MAX (2ul << 30)

/* The MAC of tag (which kind of cache) and data: a cache of one kind never
 * passes for another. */
static void cache_mac(uint8_t out[MAC_LEN], const char *tag, const void *data,
		      size_t n, const uint8_t key[CACHE_KEY_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, CACHE_KEY_LEN, MAC_LEN);
	crypto_generichash_update(&st, (const uint8_t *)tag, strlen(tag) + 1);
	crypto_generichash_update(&st, data, n);
	crypto_generichash_final(&st, out, MAC_LEN);
}

/* A regular file, not through a symlink, of at most CACHE_MAX bytes: a
 * FIFO or a link to /dev/zero put in .prov/ cannot hang or exhaust us. */
static int read_regular(struct buf *out, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	size_t got = 0;
	int rc = 0;

	if (fd < 0)
		return prov_error_set(PROV_ENOTFOUND, "no cache at '%s'", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > CACHE_MAX) {
		close(fd);
		return prov_error_set(PROV_ENOTFOUND, "'%s' is not a cache", path);
	}
	buf_grow(out, (size_t)st.st_size);
	while (!rc && got < (size_t)st.st_size) {
		ssize_t n = read(fd, out->ptr + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = prov_error_set(PROV_ENOTFOUND, "'%s' could not be read",
					    path);
		else
			got += (size_t)n;
	}
	close(fd);
	out->len = got;
	out->ptr[got] = '\0';
	return rc;
}

int cache_read(struct buf *out, const char *tag, const char *path,
	       const uint8_t key[CACHE_KEY_LEN])
{
	uint8_t want[MAC_LEN];
	int rc;

	buf_clear(out);
	if (!(rc = read_regular(out, path)) && out->len < MAC_LEN)
		rc = prov_error_set(PROV_ENOTFOUND, "'%s' is not a cache", path);
	if (!rc) {
		out->len -= MAC_LEN;
		cache_mac(want, tag, out->ptr, out->len, key);
		if (sodium_memcmp(want, out->ptr + out->len, MAC_LEN))
			rc = prov_error_set(PROV_ENOTFOUND,
					    "'%s' was not written with this key",
					    path);
	}
	if (rc)
		buf_clear(out); /* nothing unauthenticated is left behind */
	else
		out->ptr[out->len] = '\0';
	return rc;
}

int cache_write(const char *tag, const char *path, const void *data, size_t n,
		const uint8_t key[CACHE_KEY_LEN])
{
	struct atomic_file f;
	uint8_t mac[MAC_LEN];
	int rc;

	cache_mac(mac, tag, data, n, key);
	if (!(rc = atomic_file_open(&f, path, 0644)) &&
	    !(rc = atomic_file_write(&f, data, n)) &&
	    !(rc = atomic_file_write(&f, mac, MAC_LEN)))
		rc = atomic_file_commit(&f, 0);
	atomic_file_abort(&f);
	return rc;
}

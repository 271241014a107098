/* The stat cache: remembers the SHA-256 of files by (path, size, mtime,
 * ctime, inode) so registering an unchanged file again costs one stat().
 *
 * File format, one entry per line after a header:
 *   prov-statcache 1 <written-at ns>
 *   <sha256 hex> <size> <mtime ns> <ctime ns> <inode> <path>
 * Numbers are decimal, fields are separated by one space, the path is the
 * rest of the line (it may hold spaces, never a newline or a NUL).
 * Like git's index, an entry whose mtime is not older than the moment the
 * cache was written (the earlier of the header's time and the cache file's
 * mtime) is "racy" (the file may have changed within the same clock tick)
 * and is hashed again.
 *
 * The file is untrusted bytes, and large (200,000 files make 34 MB), so it
 * is parsed by hand with every length checked, not with sscanf(): the
 * file is read into one buffer, the entries' paths point into it (each
 * line's newline becomes its NUL), and the hash table is sized from the
 * number of lines before the first entry goes in. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define MAGIC "prov-statcache 1 "

struct entry {
	const char *path; /* into c->text, or malloc'd when owned */
	uint64_t hash;    /* of the path */
	uint64_t size, mtime, ctime, ino;
	uint8_t digest[32];
	int owned;
};

struct statcache {
	char *file;
	uint64_t written; /* ns; entries at or after it are racy */
	struct buf text;  /* the file as read */
	struct entry *v;  /* the entries, in the order they came */
	size_t n, vcap;
	/* Open addressing: the path's hash's top 32 bits, then its index in
	 * v + 1 (0 when free), so a probe reads an entry only when it is
	 * likely the one. */
	uint64_t *slots;
	size_t cap;       /* a power of two, at least 2 n */
	int dirty;
};

static uint64_t ns(struct timespec ts)
{
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Eight bytes at a time (FNV-1a, a byte at a time, took a fifth of the
 * time to load a cache). Not keyed: whoever can write the cache file can
 * already make it say anything. */
static uint64_t hash_path(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 32);
}

#define SLOT(h, i) (((h) & 0xffffffff00000000ull) | (uint64_t)(i))
#define SLOT_INDEX(s) ((uint32_t)(s))

/* The slot that holds path, or the free one where it would go. */
static uint64_t *slot(const struct statcache *c, const char *path, uint64_t h)
{
	size_t i = (size_t)h & (c->cap - 1);
	uint64_t s;

	while ((s = c->slots[i])) {
		if (SLOT(h, 0) == SLOT(s, 0) &&
		    !strcmp(c->v[SLOT_INDEX(s) - 1].path, path))
			break;
		i = (i + 1) & (c->cap - 1);
	}
	return &c->slots[i];
}

/* Room for n entries: the table at most half full. */
static void reserve(struct statcache *c, size_t n)
{
	size_t cap = c->cap ? c->cap : 1024;

	/* v's indices (+ 1) are stored in 32 bits; a larger cache would
	 * take over 300 GB */
	if (n >= UINT32_MAX / 2)
		abort();
	if (n > c->vcap) {
		c->vcap = n;
		c->v = xrealloc(c->v, c->vcap * sizeof(*c->v));
	}
	while (cap < 2 * n)
		cap *= 2;
	if (cap == c->cap)
		return;
	free(c->slots);
	c->cap = cap;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	for (size_t i = 0; i < c->n; i++)
		*slot(c, c->v[i].path, c->v[i].hash) =
			SLOT(c->v[i].hash, i + 1);
}

/* Adds e, or replaces the entry with its path. */
static void put(struct statcache *c, const struct entry *e)
{
	uint64_t *s;

	if (c->n + 1 > c->vcap || 2 * (c->n + 1) > c->cap)
		reserve(c, c->n + 1 > c->vcap ? 2 * c->vcap + 1 : c->n + 1);
	s = slot(c, e->path, e->hash);
	if (*s) {
		struct entry *old = &c->v[SLOT_INDEX(*s) - 1];
		if (old->owned)
			free((char *)old->path);
		*old = *e;
		return;
	}
	c->v[c->n] = *e;
	*s = SLOT(e->hash, ++c->n);
}

static void clear(struct statcache *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].owned)
			free((char *)c->v[i].path);
	c->n = 0;
	if (c->slots)
		memset(c->slots, 0, c->cap * sizeof(*c->slots));
	c->written = 0;
	buf_release(&c->text);
}

/* Hex digit values + 1; 0 for any other byte. */
#define HEX_DIGITS(X) \
	X('0', 0) X('1', 1) X('2', 2) X('3', 3) X('4', 4) X('5', 5) X('6', 6) \
	X('7', 7) X('8', 8) X('9', 9) X('a', 10) X('b', 11) X('c', 12) \
	X('d', 13) X('e', 14) X('f', 15) X('A', 10) X('B', 11) X('C', 12) \
	X('D', 13) X('E', 14) X('F', 15)
#define HEX_ENTRY(ch, v) [ch] = (v) + 1,
static const uint8_t hex1[256] = { HEX_DIGITS(HEX_ENTRY) };

/* A decimal number in [*p, end) followed by stop; *p moves past stop. */
static int parse_u64(uint64_t *out, const char **p, const char *end, char stop)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (s == end || *s != stop)
		return -1;
	*out = v;
	*p = s + 1;
	return 0;
}

/* Parses one line, [p, end) without its newline. */
static int parse_line(struct entry *e, const char *p, const char *end)
{
	unsigned bad = 0;

	if (end - p < 65 || p[64] != ' ')
		return -1;
	for (int i = 0; i < 32; i++) {
		unsigned hi = hex1[(unsigned char)p[2 * i]];
		unsigned lo = hex1[(unsigned char)p[2 * i + 1]];
		bad |= (hi == 0) | (lo == 0);
		e->digest[i] = (uint8_t)((hi - 1) << 4 | (lo - 1));
	}
	if (bad)
		return -1;
	p += 65;
	if (parse_u64(&e->size, &p, end, ' ') ||
	    parse_u64(&e->mtime, &p, end, ' ') ||
	    parse_u64(&e->ctime, &p, end, ' ') ||
	    parse_u64(&e->ino, &p, end, ' '))
		return -1;
	e->path = p; /* the rest of the line */
	return 0;
}

/* Takes c->text as the cache file's bytes. A cache that does not parse is
 * dropped, never trusted in part. */
static int load(struct statcache *c)
{
	char *p = c->text.ptr, *end = p + c->text.len, *nl;
	size_t lines = 0;

	if (memchr(p, '\0', c->text.len))
		goto corrupt;
	if (c->text.len < sizeof(MAGIC) - 1 ||
	    memcmp(p, MAGIC, sizeof(MAGIC) - 1))
		goto corrupt;
	p += sizeof(MAGIC) - 1;
	if (parse_u64(&c->written, (const char **)&p, end, '\n'))
		goto corrupt;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(end - q))); q++)
		lines++;
	/* Sized by the lines, but no more than the bytes can hold (a line
	 * is at least 74 bytes), so a file of newlines asks for no memory. */
	if (lines > c->text.len / 74)
		lines = c->text.len / 74;
	if (lines >= UINT32_MAX / 4)
		goto corrupt;
	reserve(c, c->n + lines);
	for (; p < end; p = nl + 1) {
		struct entry e = { 0 };
		if (!(nl = memchr(p, '\n', (size_t)(end - p))) ||
		    parse_line(&e, p, nl))
			goto corrupt;
		*nl = '\0';
		e.hash = hash_path(e.path);
		put(c, &e);
	}
	return 0;
corrupt:
	clear(c);
	return prov_error_set(PROV_EINVALID, "not a stat cache");
}

static struct statcache *cache_new(const char *file)
{
	struct statcache *c = xcalloc(1, sizeof(*c));

	c->file = xstrdup(file);
	buf_init(&c->text, 0);
	reserve(c, 0);
	return c;
}

/* The whole file into b, in one read when its size is known. */
static int read_all(struct buf *b, int fd)
{
	struct stat st;
	ssize_t n;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < SIZE_MAX / 2 &&
	    buf_grow(b, (size_t)st.st_size + 1))
		return -1;
	do {
		if (b->cap - b->len < 65536 + 1 && buf_grow(b, 65536))
			return -1;
		n = read(fd, b->ptr + b->len, b->cap - b->len - 1);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0) {
			b->len += (size_t)n;
			b->ptr[b->len] = '\0';
		}
	} while (n != 0);
	return 0;
}

int statcache_open(struct statcache **out, const char *file)
{
	struct statcache *c = cache_new(file);
	struct stat st;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	*out = c;
	if (fd < 0 || read_all(&c->text, fd)) {
		buf_release(&c->text);
		goto done;
	}
	if (load(c))
		goto done;
	/* File mtimes come from the kernel's coarse clock, the header's time
	 * from the precise one; the file's own mtime shares the files' clock.
	 * Trusting only what is older than both is safe under either. */
	if (!stat(file, &st) && ns(st.st_mtim) < c->written)
		c->written = ns(st.st_mtim);
done:
	if (fd >= 0)
		close(fd);
	prov_error_clear();
	return 0;
}

int statcache_parse(struct statcache **out, const void *data, size_t n)
{
	struct statcache *c = cache_new("");

	*out = c;
	if (n)
		buf_put(&c->text, data, n);
	return load(c);
}

int statcache_get(struct statcache *c, const char *path, const struct stat *st,
		  uint8_t digest[32])
{
	uint64_t s = *slot(c, path, hash_path(path));
	const struct entry *e;

	if (!s)
		return 0;
	e = &c->v[SLOT_INDEX(s) - 1];
	if (e->size != (uint64_t)st->st_size || e->mtime != ns(st->st_mtim) ||
	    e->ctime != ns(st->st_ctim) || e->ino != (uint64_t)st->st_ino ||
	    e->mtime >= c->written)
		return 0;
	memcpy(digest, e->digest, 32);
	return 1;
}

void statcache_set(struct statcache *c, const char *path, const struct stat *st,
		   const uint8_t digest[32])
{
	struct entry e = { .path = xstrdup(path),
			   .hash = hash_path(path),
			   .size = (uint64_t)st->st_size,
			   .mtime = ns(st->st_mtim),
			   .ctime = ns(st->st_ctim),
			   .ino = (uint64_t)st->st_ino,
			   .owned = 1 };

	memcpy(e.digest, digest, 32);
	put(c, &e);
	c->dirty = 1;
}

/* Writes v in decimal at p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	return p;
}

void statcache_format(struct buf *out, const struct statcache *c,
		      uint64_t written)
{
	/* digest, four numbers of at most 20 digits, five spaces */
	char line[64 + 4 * 20 + 5], *p;

	buf_printf(out, MAGIC "%" PRIu64 "\n", written);
	for (size_t i = 0; i < c->n; i++) {
		const struct entry *e = &c->v[i];
		if (strchr(e->path, '\n'))
			continue; /* cannot be written; hashed again next time */
		hex_encode(line, e->digest, 32); /* its NUL is overwritten */
		p = line + 64;
		*p++ = ' ';
		p = put_u64(p, e->size);
		*p++ = ' ';
		p = put_u64(p, e->mtime);
		*p++ = ' ';
		p = put_u64(p, e->ctime);
		*p++ = ' ';
		p = put_u64(p, e->ino);
		*p++ = ' ';
		buf_put(out, line, (size_t)(p - line));
		buf_puts(out, e->path);
		buf_putc(out, '\n');
	}
}

int statcache_save(struct statcache *c)
{
	struct buf out = BUF_INIT;
	struct timespec now;
	int rc;

	if (!c->dirty)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	statcache_format(&out, c, ns(now));
	rc = write_file_atomic(c->file, out.ptr, out.len, 0644, 0);
	buf_release(&out);
	return rc;
}

void statcache_free(struct statcache *c)
{
	if (!c)
		return;
	clear(c);
	free(c->v);
	free(c->slots);
	free(c->file);
	free(c);
}

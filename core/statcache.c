/* The stat cache: remembers the SHA-256 of files by (path, size, mtime,
 * ctime, inode) so registering an unchanged file again costs one stat().
 *
 * File format, one entry per line after a header:
 *   prov-statcache 1 <written-at ns>
 *   <sha256 hex> <size> <mtime ns> <ctime ns> <inode> <path>
 * Like git's index, an entry whose mtime is not older than the moment the
 * cache was written (the earlier of the header's time and the cache file's
 * mtime) is "racy" (the file may have changed within the same clock tick)
 * and is hashed again. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

struct entry {
	char *path;
	uint64_t size, mtime, ctime, ino;
	uint8_t digest[32];
};

struct statcache {
	char *file;
	uint64_t written; /* ns; entries at or after it are racy */
	struct entry *slots;
	size_t cap, count;
	int dirty;
};

static uint64_t ns(struct timespec ts)
{
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct entry *slot(struct statcache *c, const char *path)
{
	size_t i = (size_t)hash_path(path) & (c->cap - 1);

	while (c->slots[i].path && strcmp(c->slots[i].path, path))
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static void grow(struct statcache *c)
{
	struct entry *old = c->slots;
	size_t oldcap = c->cap;

	c->cap = c->cap ? c->cap * 2 : 1024;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].path)
			*slot(c, old[i].path) = old[i];
	free(old);
}

static void put(struct statcache *c, const struct entry *e)
{
	struct entry *s;

	if ((c->count + 1) * 2 > c->cap)
		grow(c);
	s = slot(c, e->path);
	if (s->path) {
		free(s->path);
	} else {
		c->count++;
	}
	*s = *e;
}

int statcache_open(struct statcache **out, const char *file)
{
	struct statcache *c = xcalloc(1, sizeof(*c));
	struct buf text = BUF_INIT;
	char *line, *next;
	struct stat st;
	int rc;

	*out = c;
	c->file = xstrdup(file);
	grow(c);
	rc = buf_read_file(&text, file, 0);
	if (rc == PROV_ENOTFOUND) {
		prov_error_clear();
		return 0;
	}
	if (rc)
		goto done;
	/* A cache that does not parse is dropped, never trusted in part. */
	if (strlen(text.ptr) != text.len ||
	    sscanf(text.ptr, "prov-statcache 1 %" SCNu64, &c->written) != 1)
		goto corrupt;
	line = strchr(text.ptr, '\n');
	for (; line && *++line; line = next) {
		struct entry e = { 0 };
		char hex[65];
		int off = 0;
		next = strchr(line, '\n');
		if (!next)
			goto corrupt;
		*next = '\0';
		if (sscanf(line, "%64s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %n",
			   hex, &e.size, &e.mtime, &e.ctime, &e.ino, &off) != 5 ||
		    !off || hex_decode(e.digest, 32, hex, strlen(hex)))
			goto corrupt;
		e.path = xstrdup(line + off);
		put(c, &e);
	}
	/* File mtimes come from the kernel's coarse clock, the header's time
	 * from the precise one; the file's own mtime shares the files' clock.
	 * Trusting only what is older than both is safe under either. */
	if (!stat(file, &st) && ns(st.st_mtim) < c->written)
		c->written = ns(st.st_mtim);
	goto done;
corrupt:
	for (size_t i = 0; i < c->cap; i++) {
		free(c->slots[i].path);
		c->slots[i].path = NULL;
	}
	c->count = 0;
	c->written = 0;
done:
	prov_error_clear();
	buf_release(&text);
	return 0;
}

int statcache_get(struct statcache *c, const char *path, const struct stat *st,
		  uint8_t digest[32])
{
	struct entry *e = slot(c, path);

	if (!e->path || e->size != (uint64_t)st->st_size ||
	    e->mtime != ns(st->st_mtim) || e->ctime != ns(st->st_ctim) ||
	    e->ino != (uint64_t)st->st_ino || e->mtime >= c->written)
		return 0;
	memcpy(digest, e->digest, 32);
	return 1;
}

void statcache_set(struct statcache *c, const char *path, const struct stat *st,
		   const uint8_t digest[32])
{
	struct entry e = { .path = xstrdup(path),
			   .size = (uint64_t)st->st_size,
			   .mtime = ns(st->st_mtim),
			   .ctime = ns(st->st_ctim),
			   .ino = (uint64_t)st->st_ino };

	memcpy(e.digest, digest, 32);
	put(c, &e);
	c->dirty = 1;
}

int statcache_save(struct statcache *c)
{
	struct buf out = BUF_INIT;
	struct timespec now;
	char hex[65];
	int rc;

	if (!c->dirty)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	buf_printf(&out, "prov-statcache 1 %" PRIu64 "\n", ns(now));
	for (size_t i = 0; i < c->cap; i++) {
		struct entry *e = &c->slots[i];
		if (!e->path || strchr(e->path, '\n'))
			continue;
		hex_encode(hex, e->digest, 32);
		buf_printf(&out, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n",
			   hex, e->size, e->mtime, e->ctime, e->ino, e->path);
	}
	rc = write_file_atomic(c->file, out.ptr, out.len, 0644, 0);
	buf_release(&out);
	return rc;
}

void statcache_free(struct statcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		free(c->slots[i].path);
	free(c->slots);
	free(c->file);
	free(c);
}

/* A pack writer for the store. A registry commit adds thousands of small,
 * unrelated objects (signed records and the trees above them), where delta
 * search buys little and costs most of the commit; we know every object's
 * id already, so we write the pack and its index (git's pack format v2,
 * index v2; gitformat-pack(5)) directly. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "core.h"
#include "pack.h"

struct entry {
	git_oid oid;
	uint64_t offset;
	uint32_t crc;
};

struct out {
	int fd;
	const char *path;
	EVP_MD_CTX *sha1; /* the trailer: SHA-1 over everything written */
	uint64_t written;
	struct buf pending;
};

static int out_flush(struct out *o)
{
	const char *p = o->pending.ptr;
	size_t n = o->pending.len;

	while (n) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return prov_error_set(PROV_EIO, "'%s': %s", o->path,
					      errstr(errno));
		p += w;
		n -= (size_t)w;
	}
	buf_clear(&o->pending);
	return 0;
}

static int out_put(struct out *o, const void *data, size_t n)
{
	EVP_DigestUpdate(o->sha1, data, n);
	buf_put(&o->pending, data, n);
	o->written += n;
	return o->pending.len >= (1u << 20) ? out_flush(o) : 0;
}

#define ZCHUNK (1u << 20)

static int oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct entry *)a)->oid,
			   &((const struct entry *)b)->oid);
}

static int pack_type(git_object_t t)
{
	switch (t) {
	case GIT_OBJECT_COMMIT: return 1;
	case GIT_OBJECT_TREE: return 2;
	case GIT_OBJECT_BLOB: return 3;
	case GIT_OBJECT_TAG: return 4;
	default: return -1;
	}
}

/* One object: a size-and-type header, then its zlib-deflated bytes,
 * deflated in pieces so a large item list is not held twice more. One
 * deflate state serves every object (deflateInit costs more than a small
 * object's compression). */
static int put_object(struct out *o, struct entry *e, git_odb *odb,
		      z_stream *zs, struct buf *z)
{
	git_odb_object *obj = NULL;
	const uint8_t *in;
	uint8_t hdr[16];
	size_t len, left, h = 0;
	int type, zrc, rc = 0;

	if (git_odb_read(&obj, odb, &e->oid))
		return prov_error_set(PROV_EIO, "pack: cannot read a staged object");
	type = pack_type(git_odb_object_type(obj));
	len = git_odb_object_size(obj);
	hdr[h] = (uint8_t)(type << 4 | (len & 15));
	for (len >>= 4; len; len >>= 7) {
		hdr[h++] |= 0x80;
		hdr[h] = len & 0x7f;
	}
	h++;
	e->offset = o->written;
	e->crc = (uint32_t)crc32(0, hdr, (uInt)h);
	if ((rc = out_put(o, hdr, h)))
		goto done;
	buf_clear(z);
	buf_grow(z, ZCHUNK);
	in = git_odb_object_data(obj);
	left = git_odb_object_size(obj);
	do {
		/* zlib counts in uInt: the input goes in pieces too */
		if (!zs->avail_in) {
			zs->next_in = (Bytef *)in;
			zs->avail_in = (uInt)(left < ZCHUNK ? left : ZCHUNK);
			in += zs->avail_in;
			left -= zs->avail_in;
		}
		zs->next_out = (Bytef *)z->ptr;
		zs->avail_out = ZCHUNK;
		zrc = deflate(zs, left ? Z_NO_FLUSH : Z_FINISH);
		if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
			rc = prov_error_set(PROV_ERROR, "pack: zlib failed");
			goto done;
		}
		e->crc = (uint32_t)crc32(e->crc, (Bytef *)z->ptr,
					 ZCHUNK - zs->avail_out);
		rc = out_put(o, z->ptr, ZCHUNK - zs->avail_out);
	} while (zrc != Z_STREAM_END && !rc);
done:
	if (deflateReset(zs) != Z_OK && !rc)
		rc = prov_error_set(PROV_ERROR, "pack: zlib failed");
	git_odb_object_free(obj);
	return rc;
}

static int out_open(struct out *o, const char *path)
{
	o->path = path;
	o->written = 0;
	buf_init(&o->pending, 0);
	o->sha1 = EVP_MD_CTX_new();
	if (!o->sha1 || EVP_DigestInit_ex(o->sha1, EVP_sha1(), NULL) != 1)
		abort();
	o->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (o->fd < 0)
		return prov_error_set(PROV_EIO, "'%s': %s", path, errstr(errno));
	return 0;
}

/* Appends the SHA-1 trailer, syncs and closes. */
static int out_finish(struct out *o, uint8_t trailer[20])
{
	unsigned n = 0;
	int rc;

	EVP_DigestFinal_ex(o->sha1, trailer, &n);
	buf_put(&o->pending, trailer, 20);
	rc = out_flush(o);
	if (!rc && (fsync(o->fd) || close(o->fd)))
		rc = prov_error_set(PROV_EIO, "'%s': %s", o->path, errstr(errno));
	else if (rc)
		close(o->fd);
	o->fd = -1;
	return rc;
}

static void out_release(struct out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	EVP_MD_CTX_free(o->sha1);
	o->sha1 = NULL;
	buf_release(&o->pending);
}

static void put32(struct out *o, uint32_t v)
{
	v = htonl(v);
	out_put(o, &v, 4);
}

static int write_index(struct out *o, struct entry *e, size_t n,
		       const uint8_t pack_sum[20])
{
	uint32_t fanout[256] = { 0 };
	uint8_t sum[20];
	size_t nlarge = 0;

	out_put(o, "\377tOc", 4);
	put32(o, 2);
	for (size_t i = 0; i < n; i++)
		fanout[e[i].oid.id[0]]++;
	for (int i = 1; i < 256; i++)
		fanout[i] += fanout[i - 1];
	for (int i = 0; i < 256; i++)
		put32(o, fanout[i]);
	for (size_t i = 0; i < n; i++)
		out_put(o, e[i].oid.id, GIT_OID_RAWSZ);
	for (size_t i = 0; i < n; i++)
		put32(o, e[i].crc);
	/* Offsets past 2 GiB go to a table of 64-bit offsets. */
	for (size_t i = 0; i < n; i++)
		put32(o, e[i].offset < 0x80000000u ?
				 (uint32_t)e[i].offset :
				 0x80000000u | (uint32_t)nlarge++);
	for (size_t i = 0; i < n; i++)
		if (e[i].offset >= 0x80000000u) {
			put32(o, (uint32_t)(e[i].offset >> 32));
			put32(o, (uint32_t)e[i].offset);
		}
	out_put(o, pack_sum, 20);
	return out_finish(o, sum);
}

int pack_write(char pack_name[41], const char *pack_dir, git_odb *odb,
	       const git_oid *oids, size_t n)
{
	struct entry *e = xcalloc(n, sizeof(*e));
	struct out o = { .fd = -1 };
	z_stream zs = { 0 };
	struct buf tmp_pack = BUF_INIT, tmp_idx = BUF_INIT, name = BUF_INIT, z = BUF_INIT;
	uint8_t sum[20];
	char hex[41];
	size_t m = 0;
	int rc;

	pack_name[0] = '\0';
	for (size_t i = 0; i < n; i++)
		git_oid_cpy(&e[i].oid, &oids[i]);
	qsort(e, n, sizeof(*e), oid_cmp);
	for (size_t i = 0; i < n; i++)
		if (!m || !git_oid_equal(&e[m - 1].oid, &e[i].oid))
			e[m++] = e[i];
	buf_printf(&tmp_pack, "%s/tmp_prov_pack_%ld", pack_dir, (long)getpid());
	buf_printf(&tmp_idx, "%s/tmp_prov_idx_%ld", pack_dir, (long)getpid());
	if ((rc = out_open(&o, tmp_pack.ptr)))
		goto done;
	out_put(&o, "PACK", 4);
	put32(&o, 2);
	put32(&o, (uint32_t)m);
	if (deflateInit(&zs, 1) != Z_OK)
		abort(); /* only fails on allocation */
	for (size_t i = 0; i < m && !rc; i++)
		rc = put_object(&o, &e[i], odb, &zs, &z);
	deflateEnd(&zs);
	if (rc || (rc = out_finish(&o, sum)))
		goto done;
	out_release(&o);
	if ((rc = out_open(&o, tmp_idx.ptr)) || (rc = write_index(&o, e, m, sum)))
		goto done;
	hex_encode(hex, sum, 20);
	memcpy(pack_name, hex, sizeof(hex));
	buf_printf(&name, "%s/pack-%s.pack", pack_dir, hex);
	if (rename(tmp_pack.ptr, name.ptr)) {
		rc = prov_error_set(PROV_EIO, "'%s': %s", name.ptr, errstr(errno));
		goto done;
	}
	buf_clear(&name);
	buf_printf(&name, "%s/pack-%s.idx", pack_dir, hex);
	if (rename(tmp_idx.ptr, name.ptr))
		rc = prov_error_set(PROV_EIO, "'%s': %s", name.ptr, errstr(errno));
done:
	out_release(&o);
	unlink(tmp_pack.ptr);
	unlink(tmp_idx.ptr);
	buf_release(&tmp_pack);
	buf_release(&tmp_idx);
	buf_release(&name);
	buf_release(&z);
	free(e);
	return rc;
}

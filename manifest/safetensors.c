/* The header of a safetensors checkpoint: an 8-byte little-endian length
 * N, then N bytes of JSON naming each tensor's dtype, shape and byte range
 * in the data area that follows. A run record names the header's hash and
 * tensor count, so two checkpoints of one architecture can be told apart
 * from different ones without reading the weights. The bytes come from any
 * file a user names: every length is checked before it is used. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "manifest/manifest.h"

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int bad(const char *name, const char *why, const char *key)
{
	char shown[SHOW_SIZE];

	if (!key)
		return prov_error_set(PROV_EINVALID, "'%s': safetensors header: %s",
				      name, why);
	return prov_error_set(PROV_EINVALID,
			      "'%s': safetensors header: tensor '%s': %s", name,
			      prov_show(shown, key, strlen(key)), why);
}

static int uint_ok(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* One tensor: {"dtype": "F32", "shape": [n, ...], "data_offsets": [b, e]}
 * with b <= e <= the data area's size. */
static int tensor_check(const json_t *t, uint64_t data_len, const char *name,
			const char *key)
{
	const json_t *shape = json_object_get(t, "shape");
	const json_t *off = json_object_get(t, "data_offsets"), *v;
	const char *dtype = json_string_value(json_object_get(t, "dtype"));
	uint64_t begin, end;
	size_t i;

	if (!json_is_object(t))
		return bad(name, "not an object", key);
	if (!dtype || !*dtype)
		return bad(name, "no dtype string", key);
	if (!json_is_array(shape))
		return bad(name, "no shape array", key);
	json_array_foreach (shape, i, v)
		if (!uint_ok(v))
			return bad(name, "shape holds a negative or non-integer "
					 "dimension", key);
	if (!json_is_array(off) || json_array_size(off) != 2 ||
	    !uint_ok(json_array_get(off, 0)) || !uint_ok(json_array_get(off, 1)))
		return bad(name, "data_offsets is not [begin, end]", key);
	begin = (uint64_t)json_integer_value(json_array_get(off, 0));
	end = (uint64_t)json_integer_value(json_array_get(off, 1));
	if (begin > end || end > data_len)
		return bad(name, "data_offsets fall outside the data", key);
	return 0;
}

static int metadata_check(const json_t *m, const char *name)
{
	const char *key;
	json_t *v;

	if (!json_is_object(m))
		return bad(name, "__metadata__ is not an object", NULL);
	json_object_foreach ((json_t *)m, key, v)
		if (!json_is_string(v))
			return bad(name, "__metadata__ values must be strings",
				   NULL);
	return 0;
}

/* N's bounds: the format's and the file's. */
static int length_check(uint64_t len, uint64_t file_size, const char *name)
{
	if (len > SAFETENSORS_HEADER_MAX)
		return prov_error_set(PROV_EINVALID,
				      "'%s': safetensors header: its length %llu is "
				      "over %u bytes",
				      name, (unsigned long long)len,
				      SAFETENSORS_HEADER_MAX);
	if (file_size < 8 || len > file_size - 8)
		return prov_error_set(PROV_EINVALID,
				      "'%s': safetensors header: its length %llu is "
				      "past the end of the file",
				      name, (unsigned long long)len);
	return 0;
}

int safetensors_parse(struct safetensors_info *out, const void *data, size_t n,
		      uint64_t file_size, const char *name)
{
	const uint8_t *p = data;
	json_t *doc = NULL, *v;
	const char *key;
	uint64_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n < 8 || file_size < 8)
		return bad(name, "shorter than its 8-byte length", NULL);
	len = le64(p);
	if ((rc = length_check(len, file_size, name)))
		return rc;
	if (len > n - 8)
		return bad(name, "truncated", NULL);
	if (json_parse(&doc, (const char *)p + 8, (size_t)len, "header")) {
		rc = prov_error_wrap("'%s': safetensors", name);
		goto done;
	}
	if (!json_is_object(doc)) {
		rc = bad(name, "not a JSON object", NULL);
		goto done;
	}
	json_object_foreach (doc, key, v) {
		if (!strcmp(key, "__metadata__"))
			rc = metadata_check(v, name);
		else if (!(rc = tensor_check(v, file_size - 8 - len, name, key)))
			out->tensors++;
		if (rc)
			goto done;
	}
	out->header_len = len;
	rc = sha256_buf(out->header_sha256, p, 8 + (size_t)len);
done:
	json_decref(doc);
	return rc;
}

static int read_full(int fd, void *buf, size_t n, const char *path)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return prov_error_set(PROV_EIO, "'%s': %s", path,
					      errstr(errno));
		if (r == 0)
			return prov_error_set(PROV_EIO, "'%s' changed while it was read",
					      path);
		got += (size_t)r;
	}
	return 0;
}

int safetensors_file(struct safetensors_info *out, const char *path,
		     const struct stat *expect)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct buf head = BUF_INIT;
	struct stat st;
	uint64_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return prov_error_set(errno == ENOENT ? PROV_ENOTFOUND : PROV_EIO,
				      "'%s': %s", path, errstr(errno));
	if (fstat(fd, &st)) {
		rc = prov_error_set(PROV_EIO, "'%s': %s", path, errstr(errno));
		goto done;
	}
	if (expect && (st.st_dev != expect->st_dev || st.st_ino != expect->st_ino ||
		       st.st_size != expect->st_size)) {
		rc = prov_error_set(PROV_EIO, "'%s' changed before it was read", path);
		goto done;
	}
	if (st.st_size < 8) {
		rc = bad(path, "shorter than its 8-byte length", NULL);
		goto done;
	}
	if ((rc = buf_grow(&head, 8)) || (rc = read_full(fd, head.ptr, 8, path)))
		goto done;
	head.len = 8;
	len = le64((const uint8_t *)head.ptr);
	/* Checked before the allocation it sizes. */
	if ((rc = length_check(len, (uint64_t)st.st_size, path)) ||
	    (rc = buf_grow(&head, (size_t)len)) ||
	    (rc = read_full(fd, head.ptr + 8, (size_t)len, path)))
		goto done;
	head.len += (size_t)len;
	head.ptr[head.len] = '\0';
	rc = safetensors_parse(out, head.ptr, head.len, (uint64_t)st.st_size,
			       path);
done:
	close(fd);
	buf_release(&head);
	return rc;
}

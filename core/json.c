/* JSON in, canonical JSON out. Canonical form is RFC 8785 (JCS): no
 * whitespace, object members sorted by their names' UTF-16 code units,
 * minimal string escapes, and (since payloads hold no floats) integers only. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define JSON_MAX (64u << 20)
#define JCS_INT_MAX ((json_int_t)9007199254740991) /* 2^53 - 1 */

int json_parse(json_t **out, const char *data, size_t n, const char *what)
{
	return json_parse_max(out, data, n, what, JSON_MAX);
}

int json_parse_max(json_t **out, const char *data, size_t n, const char *what,
		   size_t max)
{
	json_error_t err;
	json_t *v;

	*out = NULL;
	if (n > max)
		return prov_error_set(PROV_EINVALID, "%s: larger than %zu bytes",
				      what, max);
	v = json_loadb(data, n, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		return prov_error_set(PROV_EINVALID,
				      "%s: malformed JSON at line %d: %s", what,
				      err.line, err.text);
	*out = v;
	return 0;
}

/* Next UTF-16 code unit of a valid UTF-8 string; *pending holds the low
 * surrogate of a supplementary character between calls. */
static unsigned next_unit(const unsigned char **s, unsigned *pending)
{
	const unsigned char *p = *s;
	unsigned cp;

	if (*pending) {
		cp = *pending;
		*pending = 0;
		return cp;
	}
	if (p[0] < 0x80) {
		cp = p[0];
		*s = p + 1;
	} else if (p[0] < 0xe0) {
		cp = (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
		*s = p + 2;
	} else if (p[0] < 0xf0) {
		cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
		*s = p + 3;
	} else {
		cp = (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 |
		     (p[2] & 0x3fu) << 6 | (p[3] & 0x3fu);
		*s = p + 4;
		cp -= 0x10000;
		*pending = 0xdc00 + (cp & 0x3ff);
		return 0xd800 + (cp >> 10);
	}
	return cp;
}

static int utf16_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	const unsigned char *p = (const unsigned char *)a, *pe = p + alen;
	const unsigned char *q = (const unsigned char *)b, *qe = q + blen;
	unsigned pp = 0, qp = 0;

	while ((p < pe || pp) && (q < qe || qp)) {
		unsigned x = next_unit(&p, &pp), y = next_unit(&q, &qp);
		if (x != y)
			return x < y ? -1 : 1;
	}
	if (p < pe || pp)
		return 1;
	if (q < qe || qp)
		return -1;
	return 0;
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	return utf16_cmp(x->key, x->len, y->key, y->len);
}

int jcs_encode_string(struct buf *out, const char *s, size_t n)
{
	size_t run = 0; /* bytes copied as they are, put in one go */

	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\b': buf_puts(out, "\\b"); break;
		case '\f': buf_puts(out, "\\f"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\r': buf_puts(out, "\\r"); break;
		case '\t': buf_puts(out, "\\t"); break;
		default: buf_printf(out, "\\u%04x", c);
		}
	}
	buf_put(out, s + run, n - run);
	return buf_putc(out, '"');
}

static int jcs_value(struct buf *out, const json_t *v, int depth)
{
	if (depth > 256)
		return prov_error_set(PROV_EINVALID, "JSON nested too deeply");
	switch (json_typeof(v)) {
	case JSON_NULL: return buf_puts(out, "null");
	case JSON_TRUE: return buf_puts(out, "true");
	case JSON_FALSE: return buf_puts(out, "false");
	case JSON_INTEGER: {
		/* RFC 8785 writes numbers as IEEE doubles; past 2^53 other
		 * implementations would print different digits (and so compute
		 * other ids). Large amounts belong in decimal strings. */
		json_int_t i = json_integer_value(v);
		if (i > JCS_INT_MAX || i < -JCS_INT_MAX)
			return prov_error_set(PROV_EINVALID,
					      "integer %" JSON_INTEGER_FORMAT
					      " is beyond 2^53-1: use a decimal string",
					      i);
		return buf_printf(out, "%" JSON_INTEGER_FORMAT, i);
	}
	case JSON_REAL:
		return prov_error_set(PROV_EINVALID,
				      "JSON number with a fraction or exponent: "
				      "payloads hold integers and decimal strings");
	case JSON_STRING:
		return jcs_encode_string(out, json_string_value(v), json_string_length(v));
	case JSON_ARRAY: {
		size_t i;
		json_t *e;
		buf_putc(out, '[');
		json_array_foreach (v, i, e) {
			if (i)
				buf_putc(out, ',');
			if (jcs_value(out, e, depth + 1))
				return PROV_EINVALID;
		}
		return buf_putc(out, ']');
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		struct member *m = xcalloc(n, sizeof(*m));
		const char *key;
		json_t *e;
		int rc = 0;
		json_object_foreach ((json_t *)v, key, e) {
			m[i].key = key;
			m[i].len = strlen(key);
			m[i++].value = e;
		}
		qsort(m, n, sizeof(*m), member_cmp);
		buf_putc(out, '{');
		for (i = 0; i < n && !rc; i++) {
			if (i)
				buf_putc(out, ',');
			jcs_encode_string(out, m[i].key, m[i].len);
			buf_putc(out, ':');
			rc = jcs_value(out, m[i].value, depth + 1);
		}
		free(m);
		return rc ? rc : buf_putc(out, '}');
	}
	}
	return prov_error_set(PROV_EINVALID, "unknown JSON type");
}

int jcs_encode(struct buf *out, const json_t *v)
{
	return jcs_value(out, v, 0);
}

/* Finding and printing records, for show, log, verify, manifest and run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char *cli_path_kind(const char *path, char kind[32])
{
	const char *slash;

	if (!strncmp(path, "works/", 6))
		return memcpy(kind, "work", sizeof("work"));
	if (strncmp(path, "records/", 8) || !(slash = strchr(path + 8, '/')) ||
	    slash - path - 8 >= 32)
		return NULL;
	memcpy(kind, path + 8, (size_t)(slash - path - 8));
	kind[slash - path - 8] = '\0';
	return kind;
}

struct find {
	const char *hex; /* wanted id, or a prefix of it */
	size_t len;
	char *path;
	int matches;
};

static int find_cb(const char *path, void *payload)
{
	struct find *f = payload;
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n != 64 + 5 || strcmp(base + 64, ".json") || strncmp(base, f->hex, f->len))
		return 0;
	if (f->matches++ == 0)
		f->path = xstrdup(path);
	return 0;
}

int cli_find_record(struct record **out, char **path, struct store *s,
		    const char *id)
{
	struct find f = { 0 };
	struct buf data = BUF_INIT;
	int rc;

	*out = NULL;
	f.hex = strncmp(id, "sha256:", 7) ? id : id + 7;
	f.len = strlen(f.hex);
	if (f.len < 8 || f.len > 64 || strspn(f.hex, "0123456789abcdef") != f.len)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a record id (sha256:<hex>, or 8+ "
				      "hex digits of one)",
				      id);
	if ((rc = store_list(s, "", find_cb, &f)))
		goto done;
	if (!f.matches) {
		rc = prov_error_set(PROV_ENOTFOUND, "no record '%s'", id);
		goto done;
	}
	if (f.matches > 1) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s' matches %d records; give more digits", id,
				    f.matches);
		goto done;
	}
	/* The path is returned even when the record does not parse, so
	 * verify can name the broken file. */
	if (path)
		*path = xstrdup(f.path);
	if ((rc = store_read(&data, s, f.path)) ||
	    (rc = record_parse(out, data.ptr, data.len)))
		prov_error_wrap("'%s'", f.path);
done:
	free(f.path);
	buf_release(&data);
	return rc;
}

json_t *cli_record_json(const struct record *r, const char *path)
{
	struct buf pae = BUF_INIT;
	json_t *sigs = json_array();
	uint8_t pk[32];

	dsse_pae(&pae, r->env.payload_type, r->env.payload.ptr, r->env.payload.len);
	for (size_t i = 0; i < r->env.nsigs; i++) {
		int ok = !did_to_pk(pk, r->env.sigs[i].keyid) &&
			 !ed25519_verify(r->env.sigs[i].sig, pk, pae.ptr, pae.len);
		json_array_append_new(sigs, json_pack("{s:s, s:b}", "keyid",
						      r->env.sigs[i].keyid, "valid",
						      ok));
	}
	buf_release(&pae);
	prov_error_clear();
	return json_pack("{s:s, s:s, s:s, s:O, s:o}", "id", r->id, "kind", r->kind,
			 "path", path ? path : "", "payload", r->payload,
			 "signatures", sigs);
}

static void print_field(const char *name, const char *value)
{
	if (value)
		printf("  %-10s %s\n", name, cli_esc(value));
}

void cli_print_record(const struct record *r, const char *path)
{
	json_t *j = cli_record_json(r, path), *sig;
	const json_t *p = r->payload, *content, *training;
	size_t i;

	printf("%s %s\n", r->kind, r->id);
	if (!strcmp(r->kind, "work")) {
		const char *key;
		json_t *v;
		struct buf t = BUF_INIT;
		content = json_object_get(p, "content");
		printf("  %-10s %s  %" JSON_INTEGER_FORMAT " bytes  %s  %s\n",
		       "content", cli_esc(json_string_value(json_object_get(content, "sha256"))),
		       json_integer_value(json_object_get(content, "size")),
		       cli_esc(json_string_value(json_object_get(content, "media_type"))),
		       cli_esc(json_string_value(json_object_get(content, "name"))));
		print_field("creator", json_string_value(json_object_get(p, "creator")));
		print_field("license", json_string_value(json_object_get(p, "license")));
		print_field("payout", json_string_value(json_object_get(p, "payout")));
		training = json_object_get(p, "training");
		json_object_foreach ((json_t *)training, key, v)
			buf_printf(&t, "%s%s=%s", t.len ? " " : "", key,
				   json_string_value(v));
		print_field("training", t.len ? t.ptr : "(not stated)");
		print_field("created", json_string_value(json_object_get(p, "created")));
		buf_release(&t);
	} else {
		char *s = json_dumps(p, JSON_INDENT(2) | JSON_SORT_KEYS);
		/* line by line: the newlines are ours, the text is not */
		for (char *line = s, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			printf("  %s\n", cli_esc(line));
		}
		free(s);
	}
	json_array_foreach (json_object_get(j, "signatures"), i, sig)
		printf("  %-10s %s (%s)\n", "signed by",
		       cli_esc(json_string_value(json_object_get(sig, "keyid"))),
		       json_is_true(json_object_get(sig, "valid")) ?
			       "signature valid" :
			       "SIGNATURE INVALID");
	print_field("stored at", path);
	json_decref(j);
}

/* ---- datasets ------------------------------------------------------------ */

static int later(const json_t *a, const json_t *b)
{
	/* RFC 3339 UTC strings compare as times. */
	return strcmp(json_string_value(json_object_get(a, "created")) ?: "",
		      json_string_value(json_object_get(b, "created")) ?: "") > 0;
}

static int dataset_cb(const char *path, const void *data, size_t n, void *p)
{
	struct cli_dataset *f = p;
	struct record *r = NULL;
	const char *name, *version;

	if (record_parse(&r, data, n) || strcmp(r->kind, "dataset")) {
		prov_error_clear();
		record_free(r);
		return 0; /* prov verify reports it */
	}
	name = json_string_value(json_object_get(r->payload, "name"));
	version = json_string_value(json_object_get(r->payload, "version"));
	if (f->all) {
		json_t *o = json_deep_copy(r->payload);
		json_object_set_new(o, "id", json_string(r->id));
		json_array_append_new(f->all, o);
	}
	if (!name || !version || (f->name && strcmp(name, f->name)) ||
	    (f->version && strcmp(version, f->version)) ||
	    (f->best && !later(r->payload, f->best->payload))) {
		record_free(r);
		return 0;
	}
	record_free(f->best);
	free(f->path);
	f->best = r;
	f->path = xstrdup(path);
	return 0;
}

int cli_find_dataset(struct cli_dataset *f, struct store *s, const char *spec)
{
	char *copy = xstrdup(spec), *at = strchr(copy, '@');
	int rc;

	memset(f, 0, sizeof(*f));
	if (at)
		*at++ = '\0';
	f->name = copy;
	f->version = at;
	rc = store_walk(s, "records/dataset", dataset_cb, f);
	if (!rc && !f->best)
		rc = prov_error_set(PROV_ENOTFOUND, "no dataset '%s'", spec);
	f->name = f->version = NULL;
	free(copy);
	return rc;
}

int cli_list_datasets(json_t *all, struct store *s)
{
	struct cli_dataset f = { .all = all };
	int rc = store_walk(s, "records/dataset", dataset_cb, &f);

	record_free(f.best);
	free(f.path);
	return rc;
}

void cli_dataset_release(struct cli_dataset *f)
{
	record_free(f->best);
	free(f->path);
	json_decref(f->all);
}

void cli_blob_path(struct buf *out, const char *hex)
{
	buf_printf(out, "blobs/%.2s/%s", hex, hex);
}

int cli_read_blob(struct buf *out, struct store *s, const json_t *payload,
		     const char *field)
{
	const char *hex = json_string_value(
		json_object_get(json_object_get(payload, field), "blob"));
	struct buf path = BUF_INIT;
	uint8_t d[32];
	char got[65];
	int rc;

	if (!hex || strlen(hex) != 64)
		return prov_error_set(PROV_EINVALID, "the record names no %s blob",
				      field);
	cli_blob_path(&path, hex);
	if (!(rc = store_read(out, s, path.ptr))) {
		sha256_buf(d, out->ptr, out->len);
		hex_encode(got, d, 32);
		if (strcmp(got, hex))
			rc = prov_error_set(PROV_EVERIFY,
					    "'%s' has been altered: its sha256 is %s",
					    path.ptr, got);
	}
	buf_release(&path);
	return rc;
}

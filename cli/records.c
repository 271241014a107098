/* Finding and printing records, for show, log, verify, manifest, run, trace
 * and export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "manifest/manifest.h"

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

int cli_find_path(char **path, char id[RECORD_ID_MAX], struct store *s,
		  const char *arg)
{
	struct find f = { 0 };
	const char *base;
	int rc = 0;

	*path = NULL;
	f.hex = strncmp(arg, "sha256:", 7) ? arg : arg + 7;
	f.len = strlen(f.hex);
	if (f.len < 8 || f.len > 64 || strspn(f.hex, "0123456789abcdef") != f.len)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a record id (sha256:<hex>, or 8+ "
				      "hex digits of one)",
				      arg);
	if ((rc = store_list(s, "", find_cb, &f)))
		goto done;
	if (!f.matches)
		rc = prov_error_set(PROV_ENOTFOUND, "no record '%s'", arg);
	else if (f.matches > 1)
		rc = prov_error_set(PROV_EINVALID,
				    "'%s' matches %d records; give more digits", arg,
				    f.matches);
	if (rc)
		goto done;
	base = strrchr(f.path, '/');
	base = base ? base + 1 : f.path;
	if (id)
		snprintf(id, RECORD_ID_MAX, "sha256:%.64s", base);
	*path = f.path;
	f.path = NULL;
done:
	free(f.path);
	return rc;
}

int cli_find_record(struct record **out, char **path, struct store *s,
		    const char *id)
{
	struct buf data = BUF_INIT;
	char *found = NULL;
	int rc;

	*out = NULL;
	if ((rc = cli_find_path(&found, NULL, s, id)))
		return rc;
	/* The path is returned even when the record does not parse, so
	 * verify can name the broken file. */
	if (path)
		*path = xstrdup(found);
	if ((rc = store_read(&data, s, found)) ||
	    (rc = record_parse(out, data.ptr, data.len)))
		prov_error_wrap("'%s'", found);
	free(found);
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

/* ---- challenges against a record -------------------------------------- */

struct disputes {
	const char *id;      /* the record disputed */
	const char *field;   /* "target" when collecting challenges, else
			      * "challenge" */
	json_t *challenges;  /* what cli_challenges_json returns */
};

static json_t *dispute_json(const struct record *r)
{
	json_t *o = json_pack("{s:s}", "id", r->id);
	static const char *const fields[] = { "by", "outcome", "reason",
					      "evidence", "created" };

	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		json_t *v = json_object_get(r->payload, fields[i]);
		if (v)
			json_object_set(o, fields[i], v);
	}
	json_object_set_new(o, "valid", json_boolean(!record_verify(r)));
	prov_error_clear();
	return o;
}

static int dispute_cb(const char *path, const void *data, size_t n, void *p)
{
	struct disputes *d = p;
	struct record *r = NULL;
	const char *want;
	json_t *c;
	size_t i;

	if (record_parse(&r, data, n)) {
		prov_error_clear();
		return 0; /* prov verify reports it */
	}
	want = json_string_value(json_object_get(r->payload, d->field));
	if (!want)
		goto done;
	if (!strcmp(d->field, "target")) {
		if (!strcmp(want, d->id)) {
			c = dispute_json(r);
			json_object_set_new(c, "resolutions", json_array());
			json_array_append_new(d->challenges, c);
		}
		goto done;
	}
	json_array_foreach (d->challenges, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "id")), want))
			json_array_append_new(json_object_get(c, "resolutions"),
					      dispute_json(r));
done:
	record_free(r);
	return 0;
}

json_t *cli_challenges_json(struct store *s, const char *id)
{
	struct disputes d = { id, "target", json_array() };

	/* Two walks, not an index: challenges are few, and this runs only
	 * when one record is shown. */
	if (!store_walk(s, "records/challenge", dispute_cb, &d) &&
	    json_array_size(d.challenges)) {
		d.field = "challenge";
		store_walk(s, "records/resolution", dispute_cb, &d);
	}
	prov_error_clear();
	return d.challenges;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *validity(const json_t *o)
{
	return json_is_true(json_object_get(o, "valid")) ? "signature valid" :
							   "SIGNATURE INVALID";
}

void cli_print_challenges(const json_t *challenges)
{
	const json_t *c, *e, *res;
	size_t i, j;

	json_array_foreach (challenges, i, c) {
		printf("\nchallenge %s\n", jstr(c, "id"));
		printf("  %-10s %s (%s)\n", "by", cli_esc(jstr(c, "by")), validity(c));
		printf("  %-10s %s\n", "created", cli_esc(jstr(c, "created")));
		printf("  %-10s %s\n", "reason", cli_esc(jstr(c, "reason")));
		json_array_foreach (json_object_get(c, "evidence"), j, e)
			printf("  %-10s %s  %s\n", "evidence",
			       cli_esc(jstr(e, "sha256")), cli_esc(jstr(e, "name")));
		res = json_object_get(c, "resolutions");
		if (!json_array_size(res))
			printf("  %-10s %s\n", "resolved", "not yet");
		json_array_foreach (res, j, e)
			printf("  %-10s %s by %s (%s), %s: %s\n", "resolved",
			       cli_esc(jstr(e, "outcome")), cli_esc(jstr(e, "by")),
			       validity(e), jstr(e, "id"), cli_esc(jstr(e, "reason")));
	}
}

/* ---- arguments shared by the commands that write records -------------- */

int cli_text_arg(const char *cmd, const char *opt, const char *s, size_t max)
{
	if (!s)
		return cli_usage_error("%s: --%s is required", cmd, opt);
	/* The text is signed as given: refuse what would need rewriting. */
	if (!*s || strlen(s) > max || !utf8_valid(s))
		return cli_usage_error("%s: --%s must be 1 to %zu bytes of UTF-8",
				       cmd, opt, max);
	return 0;
}

int cli_hash_files(struct file_digest **out, struct fileset *fs,
		   const struct strlist *paths, struct store *s)
{
	struct statcache *cache = NULL;
	struct buf cachefile = BUF_INIT;
	struct file_digest *v;
	int rc;

	*out = NULL;
	buf_printf(&cachefile, "%s/statcache", store_path(s));
	statcache_open(&cache, cachefile.ptr);
	if ((rc = fileset_add(fs, paths->v, paths->n, 0)) ||
	    (rc = fileset_hash(fs, cache, NULL, NULL)))
		goto done;
	fileset_cache_update(fs, cache);
	statcache_save(cache);
	prov_error_clear(); /* a cache that cannot be saved is no failure */
	v = xcalloc(fs->n ? fs->n : 1, sizeof(*v));
	for (size_t i = 0; i < fs->n; i++) {
		const char *base = strrchr(fs->v[i].path, '/');
		v[i].name = base ? base + 1 : fs->v[i].path;
		memcpy(v[i].sha256, fs->v[i].sha256, 32);
		v[i].size = (uint64_t)fs->v[i].st.st_size;
	}
	*out = v;
done:
	statcache_free(cache);
	buf_release(&cachefile);
	return rc;
}

/* ---- models, by name, id or weights ------------------------------------- */

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

struct pick {
	const char *name;   /* wanted name, or NULL */
	const char *weight; /* wanted weight digest (hex), or NULL */
	char id[RECORD_ID_MAX];
	char created[32];
	char owner[DID_MAX]; /* the first match's owner */
	int owners;          /* matches had more than one owner */
	size_t runs;        /* runs naming weight as a checkpoint */
};

static int has_weight(const json_t *p, const char *hex)
{
	const json_t *w;
	size_t i;

	json_array_foreach (json_object_get(p, "weights"), i, w)
		if (!strcmp(str(w, "sha256") ?: "", hex))
			return 1;
	return 0;
}

static int pick_cb(const char *path, const void *data, size_t n, void *arg)
{
	struct pick *pk = arg;
	struct record *r = NULL;
	const char *name, *created, *owner;
	int later;

	/* Records that do not verify are no one's claim (prov verify names
	 * them). */
	if (record_parse(&r, data, n) || strcmp(r->kind, "model") ||
	    record_path_check(r, path) || record_verify(r))
		goto done;
	name = str(r->payload, "name");
	created = str(r->payload, "created");
	owner = str(r->payload, "owner");
	if (!name || !created || !owner || strlen(created) >= sizeof(pk->created) ||
	    strlen(owner) >= sizeof(pk->owner) ||
	    (pk->name && strcmp(name, pk->name)) ||
	    (pk->weight && !has_weight(r->payload, pk->weight)))
		goto done;
	/* Anyone can sign a model by any name or listing any weights: a
	 * choice between owners is not ours to make. */
	if (!pk->owner[0])
		memcpy(pk->owner, owner, strlen(owner) + 1);
	else if (strcmp(pk->owner, owner))
		pk->owners = 1;
	/* RFC 3339 UTC sorts as text; the id breaks ties, so the answer does
	 * not depend on tree order. */
	later = strcmp(created, pk->created);
	if (!pk->id[0] || later > 0 || (!later && strcmp(r->id, pk->id) > 0)) {
		memcpy(pk->id, r->id, sizeof(pk->id));
		memcpy(pk->created, created, strlen(created) + 1);
	}
done:
	prov_error_clear();
	record_free(r);
	return 0;
}

static int count_runs(const char *path, const void *data, size_t n, void *p)
{
	struct pick *pk = p;
	struct record *r = NULL;
	const json_t *s;
	size_t i;

	if (!record_parse(&r, data, n) && !strcmp(r->kind, "run"))
		json_array_foreach (json_object_get(r->payload, "subject"), i, s)
			if (!strcmp(str(json_object_get(s, "digest"), "sha256") ?: "",
				    pk->weight))
				pk->runs++;
	prov_error_clear();
	record_free(r);
	return 0;
}

/* The latest verified model with this name, or listing this weight. */
static int latest_model(char id[RECORD_ID_MAX], struct pick *pk,
			struct store *s)
{
	int rc = store_walk(s, "records/model", pick_cb, pk);

	if (rc)
		return rc;
	if (!pk->id[0])
		return PROV_ENOTFOUND;
	if (pk->owners)
		return prov_error_set(PROV_EINVALID,
				      "models of more than one owner match '%s': "
				      "name the model by its record id",
				      cli_esc(pk->name ? pk->name : pk->weight));
	memcpy(id, pk->id, RECORD_ID_MAX);
	return 0;
}

/* A weight file's model, or why there is none. */
static int model_of_weight(char id[RECORD_ID_MAX], struct store *s,
			   const char *hex)
{
	struct pick pk = { .weight = hex };
	int rc;

	if (!(rc = latest_model(id, &pk, s)) || rc != PROV_ENOTFOUND ||
	    (rc = store_walk(s, "records/run", count_runs, &pk)))
		return rc;
	return prov_error_set(PROV_ENOTFOUND,
			      pk.runs ? "%s is a checkpoint of %zu run(s), but no "
					"model names it (prov model register)" :
					"%s is not a checkpoint named by any run",
			      hex, pk.runs);
}

int cli_model_resolve(char id[RECORD_ID_MAX], struct store *s, const char *arg,
		      int by_weight)
{
	struct pick pk = { .name = arg };
	uint8_t d[32];
	char hex[65], kind[32], *path = NULL;
	size_t n = strlen(arg);
	struct stat st;
	int rc;

	if (by_weight && !stat(arg, &st) && S_ISREG(st.st_mode)) {
		if ((rc = sha256_file(d, NULL, arg)))
			return rc;
		hex_encode(hex, d, 32);
		return model_of_weight(id, s, hex);
	}
	if (!model_name_check(arg) && (rc = latest_model(id, &pk, s)) != PROV_ENOTFOUND)
		return rc;
	prov_error_clear();
	if (strspn(arg + (strncmp(arg, "sha256:", 7) ? 0 : 7),
		   "0123456789abcdef") < 8)
		return prov_error_set(PROV_ENOTFOUND, "no model '%s'", cli_esc(arg));
	rc = cli_find_path(&path, id, s, arg);
	if (!rc && (!cli_path_kind(path, kind) || strcmp(kind, "model")))
		rc = prov_error_set(PROV_EINVALID, "'%s' is a %s record, not a model",
				    arg, cli_path_kind(path, kind) ? kind : "non-");
	free(path);
	if (rc != PROV_ENOTFOUND || !by_weight || (n != 64 && n != 71) ||
	    sha256_id_parse(d, arg))
		return rc;
	prov_error_clear();
	hex_encode(hex, d, 32);
	return model_of_weight(id, s, hex);
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

	if (!hex || strlen(hex) != 64)
		return prov_error_set(PROV_EINVALID, "the record names no %s blob",
				      field);
	return store_read_blob(out, s, hex);
}

int cli_parse_uses(const char *training[TRAINING_USES],
		   const struct strlist *allow, const struct strlist *deny)
{
	const struct strlist *lists[2] = { allow, deny };
	const char *values[2] = { "allowed", "notAllowed" };

	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			int u = training_use_index(lists[l]->v[i]);

			if (u < 0)
				return prov_error_set(
					PROV_EINVALID,
					"'%s' is not a use (expected ai_training, "
					"ai_generative_training, data_mining or "
					"ai_inference)",
					lists[l]->v[i]);
			if (training[u] && strcmp(training[u], values[l]))
				return prov_error_set(
					PROV_EINVALID,
					"'%s' is both allowed and denied",
					lists[l]->v[i]);
			training[u] = values[l];
		}
	return 0;
}

/* ---- bytes32 inclusion proofs (manifest and anchor verify-proof) -------- */

static int get32(uint8_t out[32], const json_t *v)
{
	const char *s = json_string_value(v);

	return !s || strncmp(s, "0x", 2) || strlen(s) != 66 ||
	       hex_decode(out, 32, s + 2, 64);
}

int cli_proof_read(struct cli_proof *p, const char *file)
{
	struct buf text = BUF_INIT;
	json_t *e, *types;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = buf_read_file(&text, file, 1u << 20)) ||
	    (rc = json_parse(&p->doc, text.ptr, text.len, file))) {
		rc = cli_fail(rc);
		goto done;
	}
	types = json_object_get(p->doc, "types");
	if (get32(p->root, json_object_get(p->doc, "root")) ||
	    get32(p->value, json_array_get(json_object_get(p->doc, "leaf"), 0)) ||
	    (types && (json_array_size(types) != 1 ||
		       strcmp(json_string_value(json_array_get(types, 0)) ?: "",
			      "bytes32"))) ||
	    !json_is_array(json_object_get(p->doc, "proof")) ||
	    json_array_size(json_object_get(p->doc, "proof")) > 256) {
		rc = cli_usage_error("'%s' is not a bytes32 inclusion proof "
				     "(root, leaf, proof)",
				     file);
		goto done;
	}
	p->n = json_array_size(json_object_get(p->doc, "proof"));
	p->proof = xcalloc(p->n ? p->n : 1, sizeof(*p->proof));
	json_array_foreach (json_object_get(p->doc, "proof"), i, e)
		if (get32(p->proof[i], e)) {
			rc = cli_usage_error("'%s': proof element %zu is not 0x "
					     "and 64 hex digits",
					     file, i);
			goto done;
		}
done:
	buf_release(&text);
	return rc;
}

int cli_proof_check(const struct cli_proof *p)
{
	uint8_t leaf[32];
	int rc;

	merkle_leaf_bytes32(leaf, p->value);
	rc = merkle_verify(p->root, leaf, (const uint8_t(*)[32])p->proof, p->n);
	prov_error_clear();
	return rc;
}

void cli_proof_release(struct cli_proof *p)
{
	free(p->proof);
	json_decref(p->doc);
	memset(p, 0, sizeof(*p));
}

/* Building a dataset manifest: every file looked up in the registry index,
 * judged by its claims' licenses and permissions and its claimants'
 * opt-outs (docs/manifest.md), the included ones under a Merkle root. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

struct line {
	uint8_t sha256[32];
	const char *path;
	char *text; /* the JCS line */
};

struct lines {
	struct line *v;
	size_t n, cap;
};

/* Adds a line (text, owned from now on). */
static void lines_add_text(struct lines *l, const uint8_t sha[32],
			   const char *path, char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memcpy(l->v[l->n].sha256, sha, 32);
	l->v[l->n].path = path;
	l->v[l->n].text = text;
	l->n++;
}

static void lines_add(struct lines *l, const uint8_t sha[32], const char *path,
		      json_t *obj)
{
	struct buf b = BUF_INIT;

	jcs_encode(&b, obj);
	lines_add_text(l, sha, path, buf_detach(&b));
	json_decref(obj);
}

/* An included item's line: the JCS form of {license, path, sha256, size,
 * weight, works}, written directly rather than through a JSON object,
 * which took most of a rebuild's time (tests/unit/manifest_build.c checks
 * that the two agree). */
static char *item_line(const char *hex, const char *path, const char *license,
		       json_int_t size, json_int_t weight, const json_t *works)
{
	struct buf b = BUF_INIT;
	const json_t *w;
	size_t i;

	buf_puts(&b, "{\"license\":");
	jcs_encode_string(&b, license, strlen(license));
	buf_puts(&b, ",\"path\":");
	jcs_encode_string(&b, path, strlen(path));
	buf_printf(&b,
		   ",\"sha256\":\"%s\",\"size\":%" JSON_INTEGER_FORMAT
		   ",\"weight\":%" JSON_INTEGER_FORMAT ",\"works\":[",
		   hex, size, weight);
	json_array_foreach (works, i, w) {
		if (i)
			buf_putc(&b, ',');
		jcs_encode_string(&b, json_string_value(w), json_string_length(w));
	}
	buf_puts(&b, "]}");
	return buf_detach(&b);
}

static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = memcmp(x->sha256, y->sha256, 32);

	return c ? c : strcmp(x->path, y->path);
}

/* Sorted lines, one per item, each ending in a newline. Each line is freed
 * once copied, and the blob sized once, so a million items are never held
 * twice. */
static void lines_blob(struct buf *out, struct lines *l)
{
	size_t total = 0;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), line_cmp);
	for (size_t i = 0; i < l->n; i++)
		total += strlen(l->v[i].text) + 1;
	buf_grow(out, total);
	for (size_t i = 0; i < l->n; i++) {
		buf_puts(out, l->v[i].text);
		buf_putc(out, '\n');
		free(l->v[i].text);
		l->v[i].text = NULL;
	}
}

static void lines_release(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

/* The verdict on a claim's terms, cached by (license, training). */
static json_t *evaluate(struct manifest_judge *vs, const struct claim *c)
{
	struct license_query q = { .purpose = vs->spec->purpose,
				   .uses = vs->spec->uses,
				   .distribute_weights = vs->spec->distribute_weights,
				   .resolve = vs->defs ? license_defs_resolve : NULL,
				   .resolve_payload = vs->defs };
	struct license_verdict v;
	struct buf key = BUF_INIT, why = BUF_INIT;
	json_t *j;
	const char *kind = "license";

	/* "-" for none, "=" before a value: no license is not "" */
	buf_puts(&key, c->license ? "=" : "-");
	buf_puts(&key, c->license ? c->license : "");
	buf_puts(&key, c->training ? "\n=" : "\n-");
	buf_puts(&key, c->training ? c->training : "");
	if ((j = json_object_get(vs->cache, key.ptr))) {
		buf_release(&key);
		return j;
	}
	memset(&v, 0, sizeof(v));
	if (!c->license || license_eval(&v, c->license, &q)) {
		j = json_pack("{s:b, s:s, s:s}", "allowed", 0, "kind", "license",
			      "why", c->license ? prov_error_last() :
						  "the work names no license");
		prov_error_clear();
		goto done;
	}
	if (v.allowed) {
		/* The work's permissions as the index kept them (JCS of any
		 * JSON value: one that is not an object excludes the work). */
		json_t *training = c->training ?
			json_loads(c->training, JSON_DECODE_ANY, NULL) : NULL;
		if (c->training && !training)
			training = json_string(c->training); /* not an object */
		license_eval_permissions(&v, training, &q);
		json_decref(training);
		kind = "permission";
	}
	for (size_t i = 0; i < v.reasons.n; i++)
		buf_printf(&why, "%s%s", i ? "; " : "", v.reasons.v[i]);
	j = json_pack("{s:b, s:s, s:s, s:o}", "allowed", v.allowed, "kind",
		      kind, "why", why.ptr, "verdict", license_verdict_json(&v));
done:
	license_verdict_release(&v);
	json_object_set_new(vs->cache, key.ptr, j);
	buf_release(&key);
	buf_release(&why);
	return j;
}

/* Both NULL, or the same string. */
static int same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static json_t *judge(struct manifest_judge *vs, const struct claim *c)
{
	/* Most items of a dataset share their terms: the last answer first. */
	if (!vs->last || !same(c->license, vs->last_license) ||
	    !same(c->training, vs->last_training)) {
		vs->last = evaluate(vs, c);
		vs->last_license = c->license;
		vs->last_training = c->training;
	}
	return vs->last;
}

static json_t *exclusion(const char *sha_hex, const char *path,
			 const char *reason, const char *record, const char *why)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "sha256", sha_hex, "path",
			      path, "reason", reason, "why", why);

	if (record)
		json_object_set_new(o, "record", json_string(record));
	return o;
}

static const char *item_path(const struct manifest_spec *spec, const char *path)
{
	size_t n = spec->base ? strlen(spec->base) : 0;

	if (n && !strncmp(path, spec->base, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static json_t *uses_json(unsigned uses)
{
	json_t *a = json_array();

	for (int u = 0; u < TRAINING_USES; u++)
		if (uses & USE_BIT(u))
			json_array_append_new(a, json_string(training_uses[u]));
	return a;
}

static void uses_text(struct buf *out, unsigned uses)
{
	for (int u = 0, first = 1; u < TRAINING_USES; u++)
		if (uses & USE_BIT(u)) {
			buf_printf(out, "%s%s", first ? "" : ", ", training_uses[u]);
			first = 0;
		}
}

void manifest_judge_init(struct manifest_judge *j,
			 const struct manifest_spec *spec,
			 struct license_defs *defs)
{
	memset(j, 0, sizeof(*j));
	j->spec = spec;
	j->defs = defs;
	j->cache = json_object();
	j->warnings = json_array();
	license_sa_init(&j->sa);
}

void manifest_judge_release(struct manifest_judge *j)
{
	json_decref(j->cache);
	json_decref(j->warnings);
	license_sa_release(&j->sa);
	memset(j, 0, sizeof(*j));
}

void manifest_decision_release(struct manifest_decision *d)
{
	buf_release(&d->license);
	json_decref(d->works);
	json_decref(d->exclusion);
	memset(d, 0, sizeof(*d));
}

static void exclude(struct manifest_decision *d, const char *hex,
		    const char *path, const char *reason, const char *record,
		    const char *why)
{
	d->included = 0;
	d->exclusion = exclusion(hex, path, reason, record, why);
}

int manifest_decide(struct manifest_decision *d, struct manifest_judge *vs,
		    const struct index *ix, const uint8_t sha256[32],
		    const char *path)
{
	const struct manifest_spec *spec = vs->spec;
	const struct content_info *ci = index_get(ix, sha256);
	const struct optout *first;
	struct buf why = BUF_INIT;
	char hex[65];
	unsigned refused;

	memset(d, 0, sizeof(*d));
	buf_init(&d->license, 0);
	d->works = json_array();
	hex_encode(hex, sha256, 32);
	if (!ci || !ci->nclaims) {
		if (!spec->include_unregistered) {
			exclude(d, hex, path, "unregistered", NULL,
				"no work record in the registry");
			goto done;
		}
		buf_puts(&d->license, "NOASSERTION");
		d->included = 1;
		goto done;
	}
	refused = content_optouts(ci, spec->uses, &first);
	for (size_t i = 0; i < ci->noptouts; i++)
		if ((ci->optouts[i].scope & spec->uses) &&
		    !content_claimed_by(ci, ci->optouts[i].by))
			json_array_append_new(
				vs->warnings,
				json_sprintf("%s: opt-out %s by %s, who claims no "
					     "work on it, not applied",
					     path, ci->optouts[i].id,
					     ci->optouts[i].by ?: "?"));
	if (refused) {
		uses_text(&why, refused);
		buf_printf(&why, " refused by %s%s%s", first->by,
			   first->reason ? ": " : "", first->reason ?: "");
		exclude(d, hex, path, "opted-out", first->id, why.ptr);
		d->optout = first;
		goto done;
	}
	for (size_t i = 0; i < ci->nclaims; i++) {
		const struct claim *c = &ci->claims[i];
		json_t *j = judge(vs, c);
		if (!json_is_true(json_object_get(j, "allowed"))) {
			buf_printf(&why, "claim %s: %s", c->id,
				   json_string_value(json_object_get(j, "why")));
			exclude(d, hex, path,
				json_string_value(json_object_get(j, "kind")),
				c->id, why.ptr);
			goto done;
		}
		json_array_append_new(d->works, json_string(c->id));
		if (!strstr(d->license.ptr, c->license))
			buf_printf(&d->license, "%s%s",
				   d->license.len ? " AND " : "", c->license);
	}
	/* Share-alike terms must agree across every included item; only the
	 * claims whose chosen terms carry any are evaluated again. */
	for (size_t i = 0; i < ci->nclaims; i++) {
		json_t *j = judge(vs, &ci->claims[i]);
		struct license_verdict v = { 0 };
		struct license_query q = { .purpose = spec->purpose,
					   .uses = spec->uses,
					   .distribute_weights = spec->distribute_weights,
					   .resolve = vs->defs ? license_defs_resolve : NULL,
					   .resolve_payload = vs->defs };
		if (!json_array_size(json_object_get(
			    json_object_get(json_object_get(j, "verdict"),
					    "share_alike"),
			    "families")))
			continue;
		if (license_eval(&v, ci->claims[i].license, &q) ||
		    license_sa_add(&vs->sa, &v, path)) {
			exclude(d, hex, path, "share-alike", ci->claims[i].id,
				prov_error_last());
			prov_error_clear();
			license_verdict_release(&v);
			goto done;
		}
		license_verdict_release(&v);
	}
	d->included = 1;
done:
	if (!d->included)
		buf_clear(&d->license);
	buf_release(&why);
	return 0;
}

static void count(json_t *counts, const char *key)
{
	json_object_set_new(counts, key,
			    json_integer(json_integer_value(
						 json_object_get(counts, key)) +
					 1));
}

/* What the caller's near-duplicate check said of each file. */
struct near_result {
	char *record, *why; /* set: excluded */
};

struct near_job {
	const struct fileset *fs;
	const struct manifest_near *near;
	struct near_result *v;
};

static void near_of(size_t i, void *payload)
{
	struct near_job *j = payload;

	if (!j->fs->v[i].err &&
	    j->near->match(&j->v[i].record, &j->v[i].why, &j->fs->v[i],
			   j->near->arg) != 1) {
		free(j->v[i].record);
		free(j->v[i].why);
		j->v[i].record = j->v[i].why = NULL;
	}
}

/* Decides one file; returns 1 if it is included. */
static int decide(struct manifest_judge *vs, const struct index *ix,
		  const struct file_entry *f, const char *path,
		  const struct near_result *near, struct lines *in,
		  struct lines *out, json_t *licenses, json_t *reasons)
{
	const struct manifest_spec *spec = vs->spec;
	struct manifest_decision d;
	json_int_t weight = 1;
	char hex[65];

	if (f->err) {
		/* Only reached with skip_unreadable: the caller fails otherwise.
		 * There is no digest to name it by. */
		count(reasons, "unreadable");
		lines_add(out, f->sha256, path,
			  exclusion("", path, "unreadable", NULL, f->errmsg));
		return 0;
	}
	if (near && near->why) {
		/* Before the content's own claims: a copy of an opted-out
		 * picture is usually registered by no one, or by the copier. */
		hex_encode(hex, f->sha256, 32);
		count(reasons, "near-duplicate");
		lines_add(out, f->sha256, path,
			  exclusion(hex, path, "near-duplicate", near->record,
				    near->why));
		return 0;
	}
	manifest_decide(&d, vs, ix, f->sha256, path);
	if (!d.included) {
		count(reasons, json_string_value(
				       json_object_get(d.exclusion, "reason")));
		lines_add(out, f->sha256, path, d.exclusion);
		d.exclusion = NULL;
		manifest_decision_release(&d);
		return 0;
	}
	hex_encode(hex, f->sha256, 32);
	if (spec->weights && json_object_get(spec->weights, path))
		weight = json_integer_value(json_object_get(spec->weights, path));
	lines_add_text(in, f->sha256, path,
		       item_line(hex, path, d.license.ptr,
				 (json_int_t)f->st.st_size, weight, d.works));
	count(licenses, d.license.ptr);
	manifest_decision_release(&d);
	return 1;
}

/* Item lists are JSON, which holds only UTF-8 names. */
static int names_check(const struct fileset *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!utf8_valid(fs->v[i].path)) {
			char *shown = utf8_sanitize(fs->v[i].path);
			int rc = prov_error_set(PROV_EINVALID,
						"'%s': the name is not valid UTF-8 "
						"(rename the file)",
						shown);
			free(shown);
			return rc;
		}
	return 0;
}

struct leaf_job {
	uint8_t (*leaves)[32];
	const struct lines *in;
};

static void leaf_of(size_t i, void *payload)
{
	struct leaf_job *j = payload;

	merkle_leaf_bytes32(j->leaves[i], j->in->v[i].sha256);
}

/* The record's payload: what the spec says, and what the build found. */
static json_t *dataset_payload(const struct manifest_spec *spec,
			       const char *curator, json_t *outcome)
{
	char when[32];
	json_t *p;

	time_rfc3339(when, spec->created);
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:s}", "kind",
		      "dataset", "name", spec->name, "version", spec->version,
		      "curator", curator, "purpose",
		      license_purpose_name(spec->purpose), "uses",
		      uses_json(spec->uses), "distribute_weights",
		      spec->distribute_weights, "include_unregistered",
		      spec->include_unregistered, "created", when);
	json_object_update(p, outcome);
	if (spec->parent)
		json_object_set_new(p, "parent", json_string(spec->parent));
	return p;
}

void manifest_build_reuse(struct manifest_build *b, json_t *outcome,
			  json_t *warnings, json_t *reasons,
			  const struct manifest_spec *spec, const char *curator)
{
	memset(b, 0, sizeof(*b));
	buf_init(&b->items, 0);
	buf_init(&b->excluded, 0);
	b->reused = 1;
	b->outcome = json_incref(outcome);
	b->warnings = json_incref(warnings);
	b->reasons = json_incref(reasons);
	b->payload = dataset_payload(spec, curator, outcome);
}

int manifest_build(struct manifest_build *b, const struct fileset *fs,
		   const struct index *ix, struct license_defs *defs,
		   const struct manifest_spec *spec, const char *curator)
{
	struct manifest_judge vs;
	struct lines in = { 0 }, out = { 0 };
	json_t *licenses = json_object();
	uint8_t (*leaves)[32] = NULL;
	struct merkle *tree = NULL;
	char root[67], items_hex[65], excl_hex[65];
	uint8_t digest[32];
	struct near_result *near = NULL;
	uint64_t bytes = 0;
	int rc = 0;

	memset(b, 0, sizeof(*b));
	buf_init(&b->items, 0);
	buf_init(&b->excluded, 0);
	b->reasons = json_object();
	manifest_judge_init(&vs, spec, defs);
	if ((rc = names_check(fs)))
		goto done;
	if (spec->near) {
		near = xcalloc(fs->n ? fs->n : 1, sizeof(*near));
		parallel_for(fs->n, near_of,
			     &(struct near_job){ fs, spec->near, near });
	}
	for (size_t i = 0; i < fs->n; i++) {
		const char *path = item_path(spec, fs->v[i].path);
		if (decide(&vs, ix, &fs->v[i], path, near ? &near[i] : NULL,
			   &in, &out, licenses, b->reasons))
			bytes += (uint64_t)fs->v[i].st.st_size;
	}
	if (!in.n) {
		rc = prov_error_set(PROV_EINVALID,
				    "no file can be included (%zu excluded; see "
				    "the reasons with --excluded)",
				    out.n);
		goto done;
	}
	leaves = xcalloc(in.n, sizeof(*leaves));
	parallel_for(in.n, leaf_of, &(struct leaf_job){ leaves, &in });
	if ((rc = merkle_build(&tree, (const uint8_t(*)[32])leaves, in.n)))
		goto done;
	memcpy(root, "0x", 2);
	hex_encode(root + 2, tree->nodes[0], 32);
	lines_blob(&b->items, &in);
	lines_blob(&b->excluded, &out);
	sha256_buf(digest, b->items.ptr, b->items.len);
	hex_encode(items_hex, digest, 32);
	sha256_buf(digest, b->excluded.ptr, b->excluded.len);
	hex_encode(excl_hex, digest, 32);
	b->outcome = json_pack(
		"{s:I, s:I, s:I, s:I, s:{s:s, s:s, s:s}, s:{s:s, s:I}, s:{s:s, s:I},"
		" s:O}",
		"files", (json_int_t)fs->n, "included", (json_int_t)in.n,
		"excluded", (json_int_t)out.n, "bytes", (json_int_t)bytes,
		"merkle", "root", root, "leaf", "bytes32", "construction",
		"openzeppelin-standard", "items", "blob", items_hex, "count",
		(json_int_t)in.n, "excluded_items", "blob", excl_hex, "count",
		(json_int_t)out.n, "licenses", licenses);
	b->payload = dataset_payload(spec, curator, b->outcome);
done:
	for (size_t i = 0; near && i < fs->n; i++) {
		free(near[i].record);
		free(near[i].why);
	}
	free(near);
	merkle_free(tree);
	free(leaves);
	lines_release(&in);
	lines_release(&out);
	b->warnings = json_incref(vs.warnings);
	manifest_judge_release(&vs);
	json_decref(licenses);
	if (rc)
		manifest_build_release(b);
	return rc;
}

void manifest_build_release(struct manifest_build *b)
{
	json_decref(b->payload);
	json_decref(b->outcome);
	json_decref(b->reasons);
	json_decref(b->warnings);
	buf_release(&b->items);
	buf_release(&b->excluded);
	memset(b, 0, sizeof(*b));
}

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int manifest_spec_of(struct manifest_spec *spec, const json_t *p)
{
	const json_t *e;
	size_t i;

	memset(spec, 0, sizeof(*spec));
	spec->name = str_of(p, "name");
	spec->version = str_of(p, "version");
	spec->distribute_weights = json_is_true(json_object_get(p, "distribute_weights"));
	spec->include_unregistered =
		json_is_true(json_object_get(p, "include_unregistered"));
	if (license_purpose_parse(&spec->purpose, str_of(p, "purpose")))
		return prov_error_code();
	json_array_foreach (json_object_get(p, "uses"), i, e) {
		int u = training_use_index(json_string_value(e) ?: "");
		if (u < 0)
			return prov_error_set(PROV_EINVALID,
					      "the record declares an unknown use '%s'",
					      json_string_value(e) ?: "?");
		spec->uses |= USE_BIT(u);
	}
	if (!spec->uses)
		return prov_error_set(PROV_EINVALID, "the record declares no uses");
	return 0;
}

/* The auditor's trace: from a model back through its parent models and
 * training runs to the dataset manifests, their items, and the works,
 * creators, licenses and opt-outs behind them. Every link is checked and
 * every check reported by name (docs/trace.md); the report is JSON, which
 * the CLI prints as a tree, JSON, Graphviz or HTML.
 *
 * What a check can establish is that a signed claim was made by a key and
 * is unchanged; not that it is true, nor that consent was valid. The
 * report says so. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

#define DEPTH_MAX 1000 /* parent models followed; past it, a failed check */
#define FAILURES_MAX 1000 /* item failures listed per dataset */

struct trace {
	struct store *s;
	const struct trace_options *o;
	struct index *ix;
	struct license_defs defs;
	json_t *report;
	json_t *checks;
	size_t failed;      /* counted here too: a check is never lost */
	json_t *seen;       /* "kind id" already walked -> true */
	json_t *challenges; /* target id -> [challenge summaries] */
	json_t *creators;   /* did -> {works, licenses: {id: n}} */
	json_t *credits;    /* "creator\nlicense" -> items */
};

/* ---- checks --------------------------------------------------------------- */

static int check(struct trace *t, const char *name, const char *subject, int ok,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int check(struct trace *t, const char *name, const char *subject, int ok,
		 const char *fmt, ...)
{
	struct buf detail = BUF_INIT;
	char *text, *about;
	json_t *c;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&detail, fmt, ap);
	va_end(ap);
	/* Details quote untrusted records, cut where a message was cut:
	 * made valid UTF-8, so no check is lost to a JSON error. */
	text = utf8_sanitize(detail.ptr);
	about = utf8_sanitize(subject ? subject : "(none)");
	c = json_object();
	json_object_set_new(c, "check", json_string(name));
	json_object_set_new(c, "subject", json_string(about));
	json_object_set_new(c, "ok", json_boolean(ok));
	json_object_set_new(c, "detail", json_string(text));
	json_array_append_new(t->checks, c);
	t->failed += !ok;
	free(text);
	free(about);
	buf_release(&detail);
	return ok;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* did is in the trust list; with no list, nothing is checked. */
static void trusted(struct trace *t, const char *role, const char *subject,
		    const char *did)
{
	int ok = 0;

	if (!t->o->trust)
		return;
	for (size_t i = 0; i < t->o->ntrust && !ok; i++)
		ok = did && !strcmp(did, t->o->trust[i]);
	check(t, "trust", subject, ok, "%s %s is %sin the trust list", role,
	      did ? did : "(none)", ok ? "" : "not ");
}

/* ---- records ---------------------------------------------------------------- */

/* The record of kind with this id, parsed (its id recomputed, its path
 * checked) and its signatures verified, each reported. NULL, with a failed
 * check, when it is missing or does not parse. */
static struct record *load(struct trace *t, const char *kind, const char *id)
{
	struct buf path = BUF_INIT, data = BUF_INIT;
	struct record *r = NULL;
	int rc;

	if (!id || record_store_path(&path, kind, id, NULL) ||
	    store_read(&data, t->s, path.ptr)) {
		check(t, "record", id ? id : "(none)", 0, "no %s record %s", kind,
		      id ? id : "named");
		goto done;
	}
	if ((rc = record_parse(&r, data.ptr, data.len)) ||
	    (rc = record_path_check(r, path.ptr)) || strcmp(r->kind, kind)) {
		check(t, "record", id, 0, "%s: %s", path.ptr,
		      rc ? prov_error_last() : "not of the kind named");
		record_free(r);
		r = NULL;
		goto done;
	}
	check(t, "record", id, 1, "%s: its id is the hash of its payload", kind);
	rc = record_verify(r);
	check(t, "signature", id, !rc, "%s", rc ? prov_error_last() :
						  "every signature verifies, "
						  "and its author signed");
done:
	prov_error_clear();
	buf_release(&path);
	buf_release(&data);
	return r;
}

/* Challenges against id, as the report lists them; each open or upheld
 * one is a failed check. */
static void disputes(struct trace *t, const char *id)
{
	json_t *list = json_object_get(t->challenges, id), *c;
	size_t i;

	json_array_foreach (list, i, c) {
		const char *state = str(c, "state");
		check(t, "challenge", id, !strcmp(state, "dismissed"),
		      "challenge %s by %s: %s (%s)", str(c, "id"), str(c, "by"),
		      state, str(c, "reason"));
	}
}

static int first_visit(struct trace *t, const char *kind, const char *id)
{
	char *key = xasprintf("%s %s", kind, id);
	int first = !json_object_get(t->seen, key);

	if (first)
		json_object_set_new(t->seen, key, json_true());
	free(key);
	return first;
}

/* ---- challenges, gathered first --------------------------------------------- */

struct gathered {
	json_t *challenges; /* id -> payload */
	json_t *resolutions; /* challenge id -> [payloads] */
};

static int gather(const char *path, const void *data, size_t n, void *p)
{
	struct gathered *g = p;
	struct record *r = NULL;

	if (record_parse(&r, data, n) || record_verify(r)) {
		prov_error_clear(); /* prov verify names it */
	} else if (!strcmp(r->kind, "challenge")) {
		json_object_set(g->challenges, r->id, r->payload);
	} else if (!strcmp(r->kind, "resolution")) {
		const char *c = str(r->payload, "challenge");
		json_t *l = json_object_get(g->resolutions, c ? c : "");
		if (!l)
			json_object_set_new(g->resolutions, c ? c : "",
					    l = json_array());
		json_array_append(l, r->payload);
	}
	record_free(r);
	return 0;
}

/* The latest resolution that counts: by a trusted key, or by anyone when
 * there is no trust list. */
static const char *outcome(struct trace *t, const json_t *resolutions)
{
	const json_t *best = NULL, *r;
	size_t i;

	json_array_foreach (resolutions, i, r) {
		int counts = !t->o->trust;
		for (size_t k = 0; k < t->o->ntrust && !counts; k++)
			counts = !strcmp(str(r, "by") ?: "", t->o->trust[k]);
		if (counts && (!best || strcmp(str(r, "created") ?: "",
					       str(best, "created") ?: "") > 0))
			best = r;
	}
	return best ? str(best, "outcome") : NULL;
}

static int gather_challenges(struct trace *t)
{
	struct gathered g = { json_object(), json_object() };
	const char *id;
	json_t *c;
	int rc;

	if (!(rc = store_walk(t->s, "records/challenge", gather, &g)))
		rc = store_walk(t->s, "records/resolution", gather, &g);
	json_object_foreach (g.challenges, id, c) {
		const char *target = str(c, "target") ?: "";
		const char *state = outcome(t, json_object_get(g.resolutions, id));
		json_t *l = json_object_get(t->challenges, target);
		if (!l)
			json_object_set_new(t->challenges, target, l = json_array());
		json_array_append_new(l, json_pack("{s:s, s:s, s:s, s:s}", "id", id,
						   "by", str(c, "by") ?: "?", "reason",
						   str(c, "reason") ?: "", "state",
						   state ? state : "open"));
	}
	json_decref(g.challenges);
	json_decref(g.resolutions);
	return rc;
}

/* ---- datasets and their items ------------------------------------------------ */

/* What one worker finds in its part of an item list. Workers share only
 * read-only things (the index, the challenges, the query); what they find
 * is merged in list order afterwards. */
struct items_walk {
	const struct index *ix;
	const json_t *challenges;
	const json_t *dataset;  /* the record's payload */
	const struct license_query *q;
	const char *part;       /* this worker's lines */
	size_t len;
	int rc;
	json_t *verdicts;       /* license string -> {allowed, why, attribution} */
	uint8_t (*leaves)[32];
	size_t n, cap;
	size_t bad[4];          /* items failing each item check */
	json_t *failures;       /* the first FAILURES_MAX, in list order */
	json_t *creators;       /* did -> {works, licenses: {id: n}} */
	json_t *credits;        /* "creator\nlicense" -> items */
	json_t *challenged;     /* work ids under challenge -> true */
};

enum { BAD_LICENSE, BAD_WORKS, BAD_OPTOUT, BAD_CHALLENGE };

static void item_failure(struct items_walk *w, int what, const json_t *item,
			 const char *check_name, const char *why)
{
	w->bad[what]++;
	if (json_array_size(w->failures) < FAILURES_MAX)
		json_array_append_new(w->failures,
				      json_pack("{s:s, s:s, s:s, s:s}", "check",
						check_name, "sha256",
						str(item, "sha256"), "path",
						str(item, "path"), "why", why));
}

/* The verdict on a license string for the dataset's purpose, cached. */
static const json_t *verdict(struct items_walk *w, const char *license)
{
	json_t *v = json_object_get(w->verdicts, license);
	struct license_verdict lv = { 0 };
	struct buf why = BUF_INIT;
	json_t *attr;

	if (v)
		return v;
	if (license_eval(&lv, license, w->q)) {
		v = json_pack("{s:b, s:s, s:[]}", "allowed", 0, "why",
			      prov_error_last(), "attribution");
		prov_error_clear();
	} else {
		for (size_t i = 0; i < lv.reasons.n; i++)
			buf_printf(&why, "%s%s", i ? "; " : "", lv.reasons.v[i]);
		attr = json_array();
		for (size_t i = 0; i < lv.attribution.n; i++)
			json_array_append_new(attr, json_string(lv.attribution.v[i]));
		v = json_pack("{s:b, s:s, s:o}", "allowed", lv.allowed, "why",
			      why.ptr, "attribution", attr);
	}
	license_verdict_release(&lv);
	buf_release(&why);
	json_object_set_new(w->verdicts, license, v);
	return v;
}

/* The claim with this id on the content, from today's index. */
static const struct claim *claim_of(const struct content_info *ci, const char *id)
{
	for (size_t i = 0; ci && id && i < ci->nclaims; i++)
		if (!strcmp(ci->claims[i].id, id))
			return &ci->claims[i];
	return NULL;
}

static void add_count(json_t *counts, const char *key, json_int_t n)
{
	json_object_set_new(counts, key,
			    json_integer(json_integer_value(
						 json_object_get(counts, key)) + n));
}

static void credit(struct items_walk *w, const struct claim *c, const json_t *v)
{
	json_t *who = json_object_get(w->creators, c->creator);
	const json_t *a;
	size_t i;

	if (!who)
		json_object_set_new(w->creators, c->creator,
				    who = json_pack("{s:i, s:{}}", "works", 0,
						    "licenses"));
	add_count(who, "works", 1);
	add_count(json_object_get(who, "licenses"), c->license ?: "", 1);
	json_array_foreach (json_object_get(v, "attribution"), i, a) {
		char *key = xasprintf("%s\n%s", c->creator, json_string_value(a));
		add_count(w->credits, key, 1);
		free(key);
	}
}

/* 1 if any of the challenges is open or upheld. */
static int standing(const json_t *challenges)
{
	const json_t *c;
	size_t i;

	json_array_foreach (challenges, i, c)
		if (strcmp(str(c, "state"), "dismissed"))
			return 1;
	return 0;
}

/* The item's works: each still a verified claim on its content, its
 * creator credited, and not under challenge. */
static void item_works(struct items_walk *w, const json_t *item,
		       const struct content_info *ci, const json_t *v)
{
	const json_t *id;
	size_t i;

	json_array_foreach (json_object_get(item, "works"), i, id) {
		const struct claim *c = claim_of(ci, json_string_value(id));
		if (!c || !c->creator) {
			item_failure(w, BAD_WORKS, item, "works",
				     "a work record it relied on no longer verifies");
			continue;
		}
		credit(w, c, v);
		if (standing(json_object_get(w->challenges, c->id))) {
			item_failure(w, BAD_CHALLENGE, item, "challenge",
				     "a work record it relied on is challenged "
				     "(open or upheld)");
			json_object_set_new(w->challenged, c->id, json_true());
		}
	}
}

/* Opt-outs by a claimant of the content, for a use the dataset declares:
 * one made after the build is news to report; one made before it means
 * the build should have excluded the item. */
static void item_optouts(struct items_walk *w, const json_t *item,
			 const struct content_info *ci)
{
	const char *built = str(w->dataset, "created") ?: "";
	const struct optout *o;
	struct buf why = BUF_INIT;

	if (!content_optouts(ci, w->q->uses, &o))
		return;
	buf_printf(&why, "opt-out %s by %s, %s %s", o->id, o->by,
		   /* same second: the build did not see it, or it would
		    * have excluded the item */
		   strcmp(o->created ?: "", built) >= 0 ?
			   "registered after the build, at" :
			   "registered BEFORE the build, at",
		   o->created ?: "an unknown time");
	item_failure(w, BAD_OPTOUT, item, "optout", why.ptr);
	buf_release(&why);
}

static int item(const json_t *it, size_t i, void *payload)
{
	struct items_walk *w = payload;
	const char *license = str(it, "license");
	uint8_t sha[32];
	const struct content_info *ci;
	const json_t *v;

	hex_decode(sha, 32, str(it, "sha256"), 64); /* checked by the parser */
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1024;
		w->leaves = xrealloc(w->leaves, w->cap * sizeof(*w->leaves));
	}
	merkle_leaf_bytes32(w->leaves[w->n++], sha);
	ci = index_get(w->ix, sha);
	v = verdict(w, license ? license : "NOASSERTION");
	if (!json_is_true(json_object_get(v, "allowed")))
		item_failure(w, BAD_LICENSE, it, "license", str(v, "why"));
	item_works(w, it, ci, v);
	item_optouts(w, it, ci);
	return 0;
}

static int skip(const json_t *it, size_t i, void *payload)
{
	return 0;
}

static void walk_part(size_t i, void *payload)
{
	struct items_walk *w = &((struct items_walk *)payload)[i];

	w->rc = manifest_lines_each(w->part, w->len, 1, item, w);
	prov_error_clear(); /* the caller reparses for the message */
}

#define PARTS 16 /* a part per worker and some to spare, for balance */

/* Cuts the list at line ends into at most PARTS parts. */
static size_t cut(struct items_walk *w, const struct items_walk *proto,
		  const char *blob, size_t n)
{
	size_t k = 0, at = 0;

	while (at < n && k < PARTS) {
		size_t end = k == PARTS - 1 ? n : at + (n - at) / (PARTS - k);
		const char *nl = end < n ? memchr(blob + end, '\n', n - end) : NULL;
		end = nl ? (size_t)(nl - blob) + 1 : n;
		w[k] = *proto;
		w[k].part = blob + at;
		w[k].len = end - at;
		w[k].verdicts = json_object();
		w[k].failures = json_array();
		w[k].creators = json_object();
		w[k].credits = json_object();
		w[k].challenged = json_object();
		k++;
		at = end;
	}
	return k;
}

/* Adds from's creators (did -> {works, licenses}) and credits (key -> n)
 * to creators and credits. */
static void merge_people(json_t *creators, json_t *credits,
			 const json_t *from_creators, const json_t *from_credits)
{
	const char *key, *lic;
	json_t *v, *e;

	json_object_foreach ((json_t *)from_creators, key, v) {
		json_t *mine = json_object_get(creators, key);
		if (!mine) {
			json_object_set(creators, key, v);
			continue;
		}
		add_count(mine, "works", json_integer_value(json_object_get(v, "works")));
		json_object_foreach (json_object_get(v, "licenses"), lic, e)
			add_count(json_object_get(mine, "licenses"), lic,
				  json_integer_value(e));
	}
	json_object_foreach ((json_t *)from_credits, key, v)
		add_count(credits, key, json_integer_value(v));
}

/* The parts' findings, merged into the first in list order. */
static void merge(struct items_walk *w, size_t k)
{
	for (size_t i = 1; i < k; i++) {
		struct items_walk *p = &w[i];
		json_t *e;
		size_t j;

		if (w->n + p->n > w->cap) {
			w->cap = w->n + p->n;
			w->leaves = xrealloc(w->leaves, w->cap * sizeof(*w->leaves));
		}
		if (p->n)
			memcpy(w->leaves + w->n, p->leaves, p->n * sizeof(*p->leaves));
		w->n += p->n;
		for (int b = 0; b < 4; b++)
			w->bad[b] += p->bad[b];
		json_array_foreach (p->failures, j, e)
			if (json_array_size(w->failures) < FAILURES_MAX)
				json_array_append(w->failures, e);
		merge_people(w->creators, w->credits, p->creators, p->credits);
		json_object_update(w->challenged, p->challenged);
	}
}

static void parts_release(struct items_walk *w, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		json_decref(w[i].verdicts);
		json_decref(w[i].failures);
		json_decref(w[i].creators);
		json_decref(w[i].credits);
		json_decref(w[i].challenged);
		free(w[i].leaves);
	}
}

/* The Merkle root recomputed from the items, against the record's. */
static void root_check(struct trace *t, const struct items_walk *w,
		       const char *id)
{
	const json_t *m = json_object_get(w->dataset, "merkle");
	struct merkle *tree = NULL;
	char root[67] = "(no items)";
	int built = 0;

	if (w->n && !merkle_build(&tree, (const uint8_t(*)[32])w->leaves, w->n)) {
		memcpy(root, "0x", 2);
		hex_encode(root + 2, tree->nodes[0], 32);
		built = 1;
	}
	merkle_free(tree);
	check(t, "merkle-root", id, built && !strcmp(root, str(m, "root") ?: ""),
	      "%zu items give root %s; the record says %s", w->n, root,
	      str(m, "root") ?: "(none)");
}

static void item_checks(struct trace *t, const struct items_walk *w,
			const char *id)
{
	static const char *const names[] = { "item-licenses", "item-works",
					     "item-optouts", "item-challenges" };
	static const char *const what[] = {
		"allowed for the dataset's purpose and uses",
		"backed by work records that verify today",
		"free of their creators' opt-outs",
		"free of challenges to their works",
	};

	for (int k = 0; k < 4; k++)
		check(t, names[k], id, !w->bad[k], "%zu of %zu items %s%s",
		      w->n - w->bad[k], w->n, what[k],
		      w->bad[k] ? " (the dataset's failures list them)" : "");
}

/* Folds what the items showed into the report. */
static void report_items(struct trace *t, struct items_walk *w, json_t *entry,
			 const char *id)
{
	const json_t *items = json_object_get(w->dataset, "items");
	const char *key;
	json_t *v;

	root_check(t, w, id);
	check(t, "item-count", id,
	      (json_int_t)w->n == json_integer_value(json_object_get(items, "count")),
	      "%zu items listed; the record counts %" JSON_INTEGER_FORMAT, w->n,
	      json_integer_value(json_object_get(items, "count")));
	item_checks(t, w, id);
	json_object_set(entry, "failures", w->failures);
	merge_people(t->creators, t->credits, w->creators, w->credits);
	json_object_foreach (w->challenged, key, v)
		disputes(t, key);
}

/* The item list (its hash already checked): every line, on every core. */
static void dataset_items(struct trace *t, const struct buf *blob,
			  const struct items_walk *proto, json_t *entry,
			  const char *id)
{
	const json_t *items = json_object_get(proto->dataset, "items");
	struct items_walk w[PARTS];
	size_t k;

	check(t, "items-blob", id, 1, "the item list's sha256 is %s, as the record "
	      "names it", str(items, "blob"));
	k = cut(w, proto, blob->ptr, blob->len);
	parallel_for(k, walk_part, w);
	for (size_t i = 0; i < k; i++)
		if (w[i].rc) {
			manifest_lines_each(blob->ptr, blob->len, 1, skip, NULL);
			check(t, "items-blob", id, 0, "%s", prov_error_last());
			prov_error_clear();
			goto done;
		}
	if (!k) /* an empty list */
		k = cut(w, proto, "\n", 1);
	merge(w, k);
	report_items(t, w, entry, id);
done:
	parts_release(w, k);
}

/* One dataset a run names (entry: {id, name, version, root}). */
static void walk_dataset(struct trace *t, const json_t *named, json_t *list)
{
	const char *id = str(named, "id");
	struct items_walk proto = { .ix = t->ix, .challenges = t->challenges };
	struct license_query q;
	struct manifest_spec spec;
	struct buf blob = BUF_INIT;
	struct record *r;
	json_t *entry;
	const char *hex;
	int rc;

	if (!id) {
		check(t, "record", "(none)", 0, "the run names a dataset without an id");
		return;
	}
	if (!first_visit(t, "dataset", id) || !(r = load(t, "dataset", id)))
		return;
	proto.dataset = r->payload;
	entry = json_pack("{s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:[]}",
			  "id", id, "name", json_object_get(r->payload, "name"),
			  "version", json_object_get(r->payload, "version"),
			  "curator", json_object_get(r->payload, "curator"),
			  "purpose", json_object_get(r->payload, "purpose"),
			  "uses", json_object_get(r->payload, "uses"),
			  "created", json_object_get(r->payload, "created"),
			  "included", json_object_get(r->payload, "included"),
			  "root",
			  json_object_get(json_object_get(r->payload, "merkle"),
					  "root") ?: json_null(),
			  "failures");
	json_array_append_new(list, entry);
	check(t, "run-names-dataset", id,
	      !strcmp(str(named, "root") ?: "",
		      str(json_object_get(r->payload, "merkle"), "root") ?: "") &&
		      !strcmp(str(named, "name") ?: "", str(r->payload, "name") ?: "") &&
		      !strcmp(str(named, "version") ?: "",
			      str(r->payload, "version") ?: ""),
	      "the run names %s@%s with root %s; the record is %s@%s with %s",
	      str(named, "name") ?: "?", str(named, "version") ?: "?",
	      str(named, "root") ?: "?", str(r->payload, "name") ?: "?",
	      str(r->payload, "version") ?: "?",
	      str(json_object_get(r->payload, "merkle"), "root") ?: "?");
	trusted(t, "curator", id, str(r->payload, "curator"));
	disputes(t, id);
	if (manifest_spec_of(&spec, r->payload)) {
		check(t, "dataset-spec", id, 0, "%s", prov_error_last());
		prov_error_clear();
		goto done;
	}
	q = (struct license_query){ .purpose = spec.purpose, .uses = spec.uses,
				    .distribute_weights = spec.distribute_weights,
				    .resolve = license_defs_resolve,
				    .resolve_payload = &t->defs };
	proto.q = &q;
	hex = str(json_object_get(r->payload, "items"), "blob");
	if (!hex || strlen(hex) != 64) {
		check(t, "items-blob", id, 0, "the record names no item list");
		goto done;
	}
	if ((rc = store_read_blob(&blob, t->s, hex))) {
		check(t, "items-blob", id, 0, "%s",
		      rc == PROV_EVERIFY ? prov_error_last() :
					   "the item list is not in the registry");
		prov_error_clear();
		goto done;
	}
	dataset_items(t, &blob, &proto, entry, id);
done:
	buf_release(&blob);
	record_free(r);
}

/* ---- runs and models ----------------------------------------------------------- */

/* 1 if the run's subjects include the digest. */
static int run_has(const json_t *run, const char *sha256)
{
	const json_t *s;
	size_t i;

	json_array_foreach (json_object_get(run, "subject"), i, s)
		if (!strcmp(str(json_object_get(s, "digest"), "sha256") ?: "",
			    sha256 ?: "-"))
			return 1;
	return 0;
}

static void walk_run(struct trace *t, const char *id, const json_t *weights)
{
	json_t *entry, *datasets = json_object_get(t->report, "datasets");
	const json_t *p, *w, *d;
	struct record *r;
	size_t i;

	if (!id) {
		check(t, "record", "(none)", 0, "the model names no run");
		return;
	}
	if (!first_visit(t, "run", id) || !(r = load(t, "run", id)))
		return;
	p = json_object_get(r->payload, "predicate");
	entry = json_pack("{s:s, s:O?, s:O?, s:O?, s:O?, s:O?}", "id", id, "provider",
			  json_object_get(p, "provider"), "subject",
			  json_object_get(r->payload, "subject"), "datasets",
			  json_object_get(p, "datasets"), "started",
			  json_object_get(p, "started") ?: json_null(), "finished",
			  json_object_get(p, "finished") ?: json_null());
	json_array_append_new(json_object_get(t->report, "runs"), entry);
	trusted(t, "provider", id, str(p, "provider"));
	disputes(t, id);
	if (!json_array_size(weights))
		check(t, "checkpoint", id, 0, "the model lists no weight files");
	json_array_foreach (weights, i, w)
		check(t, "checkpoint", id, run_has(r->payload, str(w, "sha256")),
		      "weights %s (%s) %s a checkpoint of this run",
		      str(w, "name") ?: "?", str(w, "sha256") ?: "?",
		      run_has(r->payload, str(w, "sha256")) ? "are" : "are NOT");
	if (!json_array_size(json_object_get(p, "datasets")))
		check(t, "run-names-dataset", id, 0, "the run names no dataset");
	json_array_foreach (json_object_get(p, "datasets"), i, d)
		walk_dataset(t, d, datasets);
	record_free(r);
}

static void walk_model(struct trace *t, const char *id, int depth)
{
	struct record *r;
	const char *parent;

	if (!id)
		return;
	if (!first_visit(t, "model", id)) {
		check(t, "parents", id, 0, "model %s is its own ancestor", id);
		return;
	}
	if (depth > DEPTH_MAX) {
		check(t, "parents", id, 0, "more than %d parent models", DEPTH_MAX);
		return;
	}
	if (!(r = load(t, "model", id)))
		return;
	json_array_append_new(json_object_get(t->report, "models"),
			      json_pack("{s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
					"id", id, "name",
					json_object_get(r->payload, "name"),
					"owner", json_object_get(r->payload, "owner"),
					"run", json_object_get(r->payload, "run"),
					"parent",
					json_object_get(r->payload, "parent") ?:
						json_null(),
					"license",
					json_object_get(r->payload, "license") ?:
						json_null(),
					"weights",
					json_object_get(r->payload, "weights"),
					"created",
					json_object_get(r->payload, "created") ?:
						json_null()));
	trusted(t, "owner", id, str(r->payload, "owner"));
	disputes(t, id);
	walk_run(t, str(r->payload, "run"), json_object_get(r->payload, "weights"));
	parent = str(r->payload, "parent");
	if (parent)
		walk_model(t, parent, depth + 1);
	record_free(r);
}

/* ---- the report -------------------------------------------------------------- */

/* creators and credits as sorted arrays (JSON objects are sets here). */
static void people(struct trace *t)
{
	json_t *creators = json_array(), *credits = json_array(), *v;
	const char *key;

	json_object_foreach (t->creators, key, v)
		json_array_append_new(creators, json_pack("{s:s, s:O, s:O}", "did", key,
							  "works", json_object_get(v, "works"),
							  "licenses",
							  json_object_get(v, "licenses")));
	json_object_foreach (t->credits, key, v) {
		const char *nl = strchr(key, '\n');
		json_array_append_new(credits,
				      json_pack("{s:s%, s:s, s:O}", "creator", key,
						(int)(nl - key), "license", nl + 1,
						"items", v));
	}
	json_object_set_new(t->report, "creators", creators);
	json_object_set_new(t->report, "credits", credits);
}

static void summary(struct trace *t)
{
	size_t failed = t->failed;

	json_object_set_new(t->report, "summary",
			    json_pack("{s:I, s:I}", "passed",
				      (json_int_t)(json_array_size(t->checks) - failed),
				      "failed", (json_int_t)failed));
	json_object_set_new(
		t->report, "verified",
		json_pack("[s, s, s]",
			  "each record's id is the SHA-256 of its payload, and every "
			  "signature on it verifies: the claim is unchanged since its "
			  "author's key signed it",
			  "each manifest's Merkle root is recomputed from its item list, "
			  "whose SHA-256 matches the record",
			  "each item's license is evaluated for the dataset's declared "
			  "purpose and uses; opt-outs and work records are looked up in "
			  "today's registry"));
	json_object_set_new(
		t->report, "not_verified",
		json_pack("[s, s, s, s]",
			  "that any claim is true: a work's creator may not be its author, "
			  "a license may not be theirs to give",
			  "that consent was valid, or that a court would read a license as "
			  "its table entry does",
			  "that the model was in fact trained on these datasets: the run "
			  "record is its provider's signed statement",
			  "when anything was signed: the times are the signers' own, not "
			  "anchored on a chain yet"));
	if (!t->o->trust)
		json_array_append_new(json_object_get(t->report, "not_verified"),
				      json_string("whom the keys belong to: no trust "
						  "list was given (--trust)"));
}

int trace_model(json_t **out, struct store *s, const char *model_id,
		const struct trace_options *o)
{
	struct trace t = { .s = s, .o = o };
	int rc;

	*out = NULL;
	license_defs_init(&t.defs);
	t.checks = json_array();
	t.seen = json_object();
	t.challenges = json_object();
	t.creators = json_object();
	t.credits = json_object();
	t.report = json_pack("{s:s, s:[], s:[], s:[], s:O}", "model", model_id,
			     "models", "runs", "datasets", "checks", t.checks);
	if (!(rc = index_load(&t.ix, s, o->cache_key)) &&
	    !(rc = store_walk(s, "records/license", license_defs_walk, &t.defs)) &&
	    !(rc = gather_challenges(&t))) {
		walk_model(&t, model_id, 0);
		people(&t);
		summary(&t);
		*out = json_incref(t.report);
	}
	index_free(t.ix);
	license_defs_release(&t.defs);
	json_decref(t.report);
	json_decref(t.checks);
	json_decref(t.seen);
	json_decref(t.challenges);
	json_decref(t.creators);
	json_decref(t.credits);
	return rc;
}

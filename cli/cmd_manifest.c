/* prov manifest build|list|show|prove|verify-proof: signed dataset
 * manifests (docs/manifest.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"

#define BLOB_MAX (1u << 30)

/* ---- build -------------------------------------------------------------- */

static int name_ok(const char *what, const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 100 || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO"
				    "PQRSTUVWXYZ0123456789._-") != n)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a valid %s (1-100 of A-Z a-z "
				      "0-9 . _ -)",
				      s, what);
	return 0;
}

static int read_list(struct strlist *paths, const char *file)
{
	struct buf text = BUF_INIT;
	char *line, *next;
	int rc;

	if ((rc = buf_read_file(&text, file, 256u << 20)))
		return rc;
	for (line = text.ptr; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line && *line != '#')
			strlist_push(paths, line);
	}
	buf_release(&text);
	if (!paths->n)
		return prov_error_set(PROV_EINVALID, "'%s' lists no files", file);
	return 0;
}

/* Weights are integers from 0 to 2^53-1: what JCS can carry exactly. */
static int weights_check(const json_t *map, const char *file)
{
	const char *path;
	const json_t *w;

	json_object_foreach ((json_t *)map, path, w) {
		json_int_t v = json_integer_value(w);
		if (!json_is_integer(w) || v < 0 || v > 9007199254740991)
			return cli_usage_error("'%s': the weight of '%s' is not an "
					       "integer from 0 to 2^53-1",
					       file, cli_esc(path));
	}
	return 0;
}

/* The registry index, through this user's claim index cache. */
static int load_index(struct index **out, struct store *s)
{
	uint8_t *key = cli_cache_key();
	int rc = index_load(out, s, key);

	sodium_free(key);
	return rc;
}

/* What a build's decisions came from, to remember them after the commit. */
struct decided {
	uint8_t *cache_key; /* NULL: no caches */
	uint8_t inputs[32]; /* the key of the build's inputs */
	int keyed;          /* inputs is set */
	int reused;         /* an earlier build's outcome was used */
};

/* Decides every item against the registry, or reuses the outcome of an
 * earlier build of the same files and registry (docs/manifest.md). */
static int decide(struct manifest_build *b, struct decided *d, struct store *s,
		  const struct fileset *fs, const struct manifest_spec *spec,
		  const char *curator)
{
	struct license_defs defs;
	struct index *ix = NULL;
	struct manifest_near *near = NULL;
	int rc;

	d->cache_key = cli_cache_key();
	d->keyed = d->cache_key && !manifest_memo_key(d->inputs, s, fs, spec);
	d->reused = d->keyed && !manifest_memo_get(b, s, d->inputs,
						   d->cache_key, spec, curator);
	prov_error_clear();
	if (d->reused)
		return 0;
	license_defs_init(&defs);
	if (!(rc = index_load(&ix, s, d->cache_key)) &&
	    !(rc = store_walk(s, "records/license", license_defs_walk, &defs)) &&
	    !(rc = cli_near_optouts(&near, s, ix, spec->uses))) {
		struct manifest_spec with_near = *spec;

		with_near.near = near;
		rc = manifest_build(b, fs, ix, &defs, &with_near, curator);
	}
	cli_near_free(near);
	index_free(ix);
	license_defs_release(&defs);
	return rc;
}

static void progress(size_t done, size_t total, void *payload)
{
	cli_progress("hashing", done, total);
}

/* Stages the item lists (unless reused: they are in the registry) and
 * the record. */
static int put_all(struct store *s, const struct manifest_build *b,
		   const char *envelope, size_t n, const char *id)
{
	static const char *const fields[2] = { "items", "excluded_items" };
	const struct buf *blobs[2] = { &b->items, &b->excluded };
	struct buf path = BUF_INIT;
	int rc = 0;

	for (int i = 0; i < 2 && !rc && !b->reused; i++) {
		buf_clear(&path);
		cli_blob_path(&path, json_string_value(json_object_get(
					 json_object_get(b->payload, fields[i]),
					 "blob")));
		rc = store_put(s, path.ptr, blobs[i]->ptr, blobs[i]->len) < 0;
	}
	buf_clear(&path);
	if (!rc && !(rc = record_store_path(&path, "dataset", id, b->payload)))
		rc = store_put(s, path.ptr, envelope, n) < 0;
	buf_release(&path);
	return rc ? prov_error_code() : 0;
}

static void print_built(const char *id, const struct manifest_build *b, int json)
{
	const json_t *p = b->payload;

	if (json) {
		json_t *o = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:b}",
				      "id", id, "name", json_object_get(p, "name"),
				      "version", json_object_get(p, "version"),
				      "root",
				      json_object_get(json_object_get(p, "merkle"), "root"),
				      "included", json_object_get(p, "included"),
				      "excluded", json_object_get(p, "excluded"),
				      "reasons", b->reasons, "warnings", b->warnings,
				      "reused", b->reused);
		cli_print_json(o);
		json_decref(o);
	} else {
		struct strlist keys = { 0 };
		const char *key;
		json_t *v;
		json_object_foreach ((json_t *)b->reasons, key, v)
			strlist_push(&keys, key);
		strlist_sort(&keys);
		printf("%s@%s  %s\n", json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "version")), id);
		printf("  included  %" JSON_INTEGER_FORMAT " items, %" JSON_INTEGER_FORMAT
		       " bytes\n",
		       json_integer_value(json_object_get(p, "included")),
		       json_integer_value(json_object_get(p, "bytes")));
		printf("  excluded  %" JSON_INTEGER_FORMAT "\n",
		       json_integer_value(json_object_get(p, "excluded")));
		for (size_t i = 0; i < keys.n; i++)
			printf("    %-12s %" JSON_INTEGER_FORMAT "\n", keys.v[i],
			       json_integer_value(json_object_get(b->reasons,
								  keys.v[i])));
		printf("  root      %s\n",
		       json_string_value(json_object_get(json_object_get(p, "merkle"),
							 "root")));
		if (b->reused)
			printf("  (the same files and registry as an earlier build: "
			       "its decisions reused)\n");
		strlist_release(&keys);
	}
}

static int parse_uses(unsigned *uses, const struct strlist *l)
{
	*uses = l->n ? 0 : USE_BIT(0);
	for (size_t i = 0; i < l->n; i++) {
		int u = training_use_index(l->v[i]);
		if (u < 0)
			return prov_error_set(PROV_EINVALID,
					      "'%s' is not a use (expected "
					      "ai_training, ai_generative_training, "
					      "data_mining or ai_inference)",
					      l->v[i]);
		*uses |= USE_BIT(u);
	}
	return 0;
}

static int manifest_build_cmd(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest build NAME --version V (--from DIR | --list FILE) "
		"--purpose commercial|noncommercial|research [--use USE]... "
		"[--distribute-weights] [--include-unregistered] [--skip-unreadable] "
		"[--weights FILE] [--as NAME] [--json]",
		"Builds a signed dataset manifest: hashes every file (in parallel, "
		"through the stat cache), looks each up in the registry, excludes "
		"what is unregistered, opted out by its creator, or not allowed "
		"by its license or permissions for the purpose and uses (default "
		"use: ai_training), with the reason, and commits the record, its "
		"item lists and the Merkle root of the included items. NAME@V is "
		"immutable; a new version names the latest as its parent. Files "
		"and a registry unchanged since an earlier build reuse its "
		"decisions (docs/manifest.md).",
		1, 1, 1,
	};
	int json = 0, weights_dist = 0, unregistered = 0, skip = 0, rc;
	const char *version = NULL, *from = NULL, *list = NULL, *purpose = NULL,
		   *weights = NULL, *as = NULL;
	struct strlist args = { 0 }, uses = { 0 }, paths = { 0 };
	const struct opt opts[] = {
		OPT_STR("version", 0, &version, "V", "the version (required)"),
		OPT_STR("from", 0, &from, "DIR", "every file under DIR"),
		OPT_STR("list", 0, &list, "FILE", "the files listed, one per line"),
		OPT_STR("purpose", 0, &purpose, "P",
			"commercial, noncommercial or research"),
		OPT_LIST_("use", 0, &uses, "USE", "a use the dataset is for"),
		OPT_FLAG_("distribute-weights", 0, &weights_dist,
			  "trained weights will be distributed"),
		OPT_FLAG_("include-unregistered", 0, &unregistered,
			  "include files no work record names (license unknown)"),
		OPT_FLAG_("skip-unreadable", 0, &skip,
			  "exclude files that cannot be read, instead of failing"),
		OPT_STR("weights", 0, &weights, "FILE",
			"JSON object: item path -> integer weight"),
		OPT_AS(&as), OPT_JSON(&json), OPT_END_,
	};
	struct manifest_spec spec = { 0 };
	struct manifest_build b = { 0 };
	struct fileset fs = { 0 };
	struct decided d = { 0 };
	struct store *s = NULL;
	struct statcache *cache = NULL;
	struct key *k = NULL;
	struct cli_dataset prev = { 0 };
	struct buf env = BUF_INIT, msg = BUF_INIT, text = BUF_INIT, cf = BUF_INIT;
	json_t *wmap = NULL;
	char id[RECORD_ID_MAX], commit[41];
	int progress_on;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!version || !purpose || !!from == !!list) {
		rc = cli_usage_error("manifest build: --version, --purpose and one of "
				     "--from, --list are required");
		goto done;
	}
	spec.name = args.v[0];
	spec.version = version;
	spec.distribute_weights = weights_dist;
	spec.include_unregistered = unregistered;
	spec.skip_unreadable = skip;
	spec.base = from;
	spec.created = (int64_t)time(NULL);
	if (name_ok("dataset name", spec.name) || name_ok("version", version) ||
	    license_purpose_parse(&spec.purpose, purpose) ||
	    parse_uses(&spec.uses, &uses) ||
	    (weights && (buf_read_file(&text, weights, 64u << 20) ||
			 json_parse(&wmap, text.ptr, text.len, weights))) ||
	    (list && read_list(&paths, list))) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (wmap && !json_is_object(wmap)) {
		rc = cli_usage_error("'%s' is not a JSON object of path -> weight",
				     weights);
		goto done;
	}
	if (wmap && (rc = weights_check(wmap, weights)))
		goto done;
	spec.weights = wmap;
	if (from)
		strlist_push(&paths, from);
	if (cli_open_store(&s) || cli_load_identity(&k, as) ||
	    store_lock(s, cli_lock_wait_ms()) ||
	    fileset_add(&fs, paths.v, paths.n, from != NULL)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (!fs.n) {
		rc = cli_usage_error("manifest build: no files found");
		goto done;
	}
	rc = cli_find_dataset(&prev, s, spec.name);
	if (rc && rc != PROV_ENOTFOUND) {
		rc = cli_fail(rc);
		goto done;
	}
	rc = 0;
	if (prev.best) {
		struct cli_dataset same = { 0 };
		struct buf at = BUF_INIT;
		buf_printf(&at, "%s@%s", spec.name, version);
		int exists = !cli_find_dataset(&same, s, at.ptr);
		cli_dataset_release(&same);
		buf_release(&at);
		prov_error_clear();
		if (exists) {
			rc = cli_fail(prov_error_set(PROV_EEXISTS,
						     "'%s@%s' exists: versions are "
						     "immutable",
						     spec.name, version));
			goto done;
		}
		spec.parent = prev.best->id;
	}
	buf_printf(&cf, "%s/statcache", store_path(s));
	statcache_open(&cache, cf.ptr);
	progress_on = cli_progress_enabled() && fs.n >= 200;
	rc = fileset_hash(&fs, cache, progress_on ? progress : NULL, NULL);
	if (progress_on)
		cli_progress_end();
	/* Files that vanished, changed or could not be read: each is in fs
	 * with its error; skipped only when asked. */
	if (rc && skip && (rc == PROV_EIO || rc == PROV_ENOTFOUND)) {
		prov_error_clear();
		rc = 0;
	}
	if (rc) {
		rc = cli_fail(rc);
		goto done;
	}
	/* The hashes are good whatever the build decides; saved now, the
	 * cache's memory is free for a million items' lines. */
	fileset_cache_update(&fs, cache);
	statcache_save(cache);
	statcache_free(cache);
	cache = NULL;
	if (decide(&b, &d, s, &fs, &spec, k->did) ||
	    record_create(&env, id, b.payload, k)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	buf_printf(&msg, "dataset %s@%s: %s\n\nby %s\n", spec.name, version,
		   json_string_value(json_object_get(
			   json_object_get(b.payload, "merkle"), "root")),
		   k->did);
	if (store_begin(s) || put_all(s, &b, env.ptr, env.len, id)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	/* Staged: the store holds the item lists now, so a million items'
	 * worth is not kept twice while the commit packs them. */
	buf_release(&b.items);
	buf_release(&b.excluded);
	if (store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (d.keyed && !d.reused)
		manifest_memo_put(s, d.inputs, d.cache_key, &b);
	print_built(id, &b, json);
	if (!json)
		for (size_t i = 0; i < json_array_size(b.warnings); i++)
			fprintf(stderr, "prov: warning: %s\n",
				cli_esc(json_string_value(json_array_get(b.warnings, i))));
done:
	sodium_free(d.cache_key);
	manifest_build_release(&b);
	cli_dataset_release(&prev);
	fileset_release(&fs);
	statcache_free(cache);
	key_free(k);
	store_free(s);
	json_decref(wmap);
	buf_release(&env);
	buf_release(&msg);
	buf_release(&text);
	buf_release(&cf);
	strlist_release(&args);
	strlist_release(&uses);
	strlist_release(&paths);
	return CLI_EXIT(rc);
}

/* ---- list and show -------------------------------------------------------- */

static int manifest_list(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest list [--json]",
		"Lists the dataset manifests: NAME@V, record id, items, root.", 0, 0, 1,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct cli_dataset f = { 0 };
	struct store *s = NULL;
	json_t *e;
	size_t i;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	f.all = json_array();
	if (cli_open_store(&s) || cli_list_datasets(f.all, s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json)
		cli_print_json(f.all);
	else
		json_array_foreach (f.all, i, e)
			printf("%s@%s  %s  %" JSON_INTEGER_FORMAT " items  %s\n",
			       cli_esc(json_string_value(json_object_get(e, "name"))),
			       cli_esc(json_string_value(json_object_get(e, "version"))),
			       json_string_value(json_object_get(e, "id")),
			       json_integer_value(json_object_get(e, "included")),
			       cli_esc(json_string_value(json_object_get(
				       json_object_get(e, "merkle"), "root"))));
done:
	cli_dataset_release(&f);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

struct printer {
	int excluded;
};

static int print_line(const json_t *o, size_t i, void *payload)
{
	struct printer *p = payload;

	if (p->excluded)
		printf("  %-12s %s  %s\n",
		       cli_esc(json_string_value(json_object_get(o, "reason"))),
		       cli_esc(json_string_value(json_object_get(o, "path"))),
		       cli_esc(json_string_value(json_object_get(o, "why"))));
	else
		printf("  %s  %s  %s\n",
		       json_string_value(json_object_get(o, "sha256")),
		       cli_esc(json_string_value(json_object_get(o, "license"))),
		       cli_esc(json_string_value(json_object_get(o, "path"))));
	return 0;
}

static int print_lines(const struct buf *blob, int excluded)
{
	struct printer p = { excluded };

	return manifest_lines_each(blob->ptr, blob->len, !excluded, print_line, &p);
}

static int manifest_show(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest show NAME[@V] [--items] [--excluded] [--json]",
		"Shows a dataset manifest (the latest version for a bare NAME), "
		"checking its signature and that its item lists are the ones its "
		"record names; exit 1 if not.",
		1, 1, 1,
	};
	int json = 0, items = 0, excluded = 0, rc;
	const struct opt opts[] = {
		OPT_FLAG_("items", 0, &items, "list the included items"),
		OPT_FLAG_("excluded", 0, &excluded,
			  "list the excluded files with reasons"),
		OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 };
	struct cli_dataset f = { 0 };
	struct store *s = NULL;
	struct buf in = BUF_INIT, out = BUF_INIT;
	json_t *o = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if ((rc = cli_open_store(&s)) || (rc = cli_find_dataset(&f, s, args.v[0])) ||
	    (rc = record_verify(f.best)) ||
	    (rc = cli_read_blob(&in, s, f.best->payload, "items")) ||
	    (rc = cli_read_blob(&out, s, f.best->payload, "excluded_items"))) {
		rc = cli_fail(rc);
		goto done;
	}
	if (json) {
		json_t *a = NULL;
		o = cli_record_json(f.best, f.path);
		if (items && !(rc = manifest_lines_parse(&a, in.ptr, in.len, 1)))
			json_object_set_new(o, "items", a);
		if (!rc && excluded &&
		    !(rc = manifest_lines_parse(&a, out.ptr, out.len, 0)))
			json_object_set_new(o, "excluded_items", a);
		if (rc)
			rc = cli_fail(rc);
		else
			cli_print_json(o);
		goto done;
	}
	cli_print_record(f.best, f.path);
	if (items)
		printf("items:\n");
	if (items && (rc = print_lines(&in, 0))) {
		rc = cli_fail(rc);
		goto done;
	}
	if (excluded)
		printf("excluded:\n");
	if (excluded && (rc = print_lines(&out, 1)))
		rc = cli_fail(rc);
done:
	json_decref(o);
	cli_dataset_release(&f);
	store_free(s);
	buf_release(&in);
	buf_release(&out);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* ---- proofs ------------------------------------------------------------------ */

static void hex0x(char out[67], const uint8_t d[32])
{
	memcpy(out, "0x", 2);
	hex_encode(out + 2, d, 32);
}

/* The leaves of an item list, in its order, and where a digest is. */
struct leaves {
	uint8_t (*v)[32];
	size_t n, cap, at;
	const uint8_t *want;
};

static int leaf_of(const json_t *item, size_t i, void *payload)
{
	struct leaves *l = payload;
	uint8_t d[32];

	/* manifest_lines_each checked: 64 lowercase hex digits */
	hex_decode(d, 32, json_string_value(json_object_get(item, "sha256")), 64);
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	if (l->at == (size_t)-1 && !memcmp(d, l->want, 32))
		l->at = l->n;
	merkle_leaf_bytes32(l->v[l->n++], d);
	return 0;
}

static int manifest_prove(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest prove NAME@V SHA256|PATH",
		"Prints an inclusion proof for an item as JSON that "
		"@openzeppelin/merkle-tree's StandardMerkleTree.verify(root, "
		"[\"bytes32\"], leaf, proof) and MerkleProof.sol accept.",
		2, 2, 1,
	};
	const struct opt opts[] = { OPT_END_ };
	struct strlist args = { 0 };
	struct cli_dataset f = { 0 };
	struct store *s = NULL;
	struct buf in = BUF_INIT;
	struct merkle *tree = NULL;
	uint8_t(*leaves)[32] = NULL, (*proof)[32] = NULL, want[32];
	size_t n = 0, np = 0, at = (size_t)-1;
	struct leaves lv = { 0 };
	char hex[67];
	struct stat st;
	json_t *o = NULL, *pa;
	int rc;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!stat(args.v[1], &st) ? sha256_file(want, NULL, args.v[1]) :
				    sha256_id_parse(want, args.v[1])) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if ((rc = cli_open_store(&s)) || (rc = cli_find_dataset(&f, s, args.v[0])) ||
	    (rc = cli_read_blob(&in, s, f.best->payload, "items"))) {
		rc = cli_fail(rc);
		goto done;
	}
	lv.want = want;
	lv.at = (size_t)-1;
	rc = manifest_lines_each(in.ptr, in.len, 1, leaf_of, &lv);
	leaves = lv.v; /* freed at done, whatever happened */
	n = lv.n;
	at = lv.at;
	if (rc) {
		rc = cli_fail(rc);
		goto done;
	}
	hex_encode(hex, want, 32);
	if (at == (size_t)-1) {
		rc = cli_fail(prov_error_set(PROV_ENOTFOUND,
					     "sha256:%s is not an item of '%s'", hex,
					     args.v[0]));
		goto done;
	}
	if ((rc = merkle_build(&tree, (const uint8_t(*)[32])leaves, n)) ||
	    (rc = merkle_proof(&proof, &np, tree, at))) {
		rc = cli_fail(rc);
		goto done;
	}
	pa = json_array();
	for (size_t i = 0; i < np; i++) {
		hex0x(hex, proof[i]);
		json_array_append_new(pa, json_string(hex));
	}
	hex0x(hex, want);
	o = json_pack("{s:O, s:[s], s:[s], s:o, s:s%, s:s}", "root",
		      json_object_get(json_object_get(f.best->payload, "merkle"),
				      "root"),
		      "types", "bytes32", "leaf", hex, "proof", pa, "dataset",
		      args.v[0], strlen(args.v[0]), "record", f.best->id);
	hex0x(hex, tree->nodes[0]);
	if (strcmp(hex, json_string_value(json_object_get(o, "root")))) {
		rc = cli_fail(prov_error_set(PROV_EVERIFY,
					     "the items do not give the record's "
					     "root (%s)",
					     hex));
		goto done;
	}
	cli_print_json(o);
done:
	json_decref(o);
	free(leaves);
	free(proof);
	merkle_free(tree);
	cli_dataset_release(&f);
	store_free(s);
	buf_release(&in);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static int manifest_verify_proof(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest verify-proof PROOF.json [--json]",
		"Checks an inclusion proof (from 'prov manifest prove' or "
		"@openzeppelin/merkle-tree) against its root: exit 0 if the leaf "
		"is in the tree, 1 if not. The root is only as good as the "
		"dataset record it came from.",
		1, 1, 0,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct cli_proof p = { 0 };

	if ((rc = cli_parse(argc, argv, &help, opts, &args)) ||
	    (rc = cli_proof_read(&p, args.v[0])))
		goto done;
	rc = cli_proof_check(&p);
	if (json) {
		json_t *o = json_pack("{s:b}", "valid", rc == 0);
		cli_print_json(o);
		json_decref(o);
	} else {
		puts(rc ? "proof does not lead to the root" :
			  "proof valid: the leaf is in the tree under this root");
	}
	rc = rc ? EXIT_CHECK : EXIT_OK;
done:
	cli_proof_release(&p);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* ---- export ----------------------------------------------------------------- */

/* The export's two destinations: an -o file that appears whole or not at
 * all, or standard output, where what was written before a failure stays
 * written. */
static int export_to_file(const char *data, size_t n, void *arg)
{
	return atomic_file_write(arg, data, n);
}

static int export_to_stdout(const char *data, size_t n, void *arg)
{
	if (fwrite(data, 1, n, stdout) != n || fflush(stdout))
		return prov_error_set(PROV_EIO, "standard output: %s",
				      errstr(errno));
	return 0;
}

static int export_write(const char *file, enum manifest_format fmt,
			const struct record *r, const struct buf *items)
{
	struct atomic_file out;
	int rc;

	if (!file)
		return manifest_export(export_to_stdout, NULL, fmt, r->id,
				       r->payload, items->ptr, items->len);
	if ((rc = atomic_file_open(&out, file, 0644)))
		return rc;
	if (!(rc = manifest_export(export_to_file, &out, fmt, r->id, r->payload,
				   items->ptr, items->len)))
		rc = atomic_file_commit(&out, 0);
	atomic_file_abort(&out);
	return rc;
}

static int manifest_export_cmd(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest export NAME@V --format croissant|spdx|cyclonedx "
		"[-o FILE]",
		"Writes a dataset manifest as a Croissant 1.1, SPDX 3.0.1 (Dataset "
		"profile) or CycloneDX 1.6 document (docs/manifest.md, \"Exports\"): "
		"every included item with its path, SHA-256 and license, and "
		"the record id and Merkle root. The signature and item list are "
		"checked first. The same manifest always gives the same bytes.",
		1, 1, 1,
	};
	const char *format = NULL, *file = NULL;
	const struct opt opts[] = {
		OPT_STR("format", 0, &format, "F",
			"croissant, spdx or cyclonedx (required)"),
		OPT_STR("output", 'o', &file, "FILE",
			"write FILE (atomically) instead of stdout"),
		OPT_END_,
	};
	struct strlist args = { 0 };
	struct cli_dataset f = { 0 };
	struct store *s = NULL;
	struct buf in = BUF_INIT;
	enum manifest_format fmt;
	int rc;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!format) {
		rc = cli_usage_error("manifest export: --format is required");
		goto done;
	}
	if (manifest_format_parse(&fmt, format)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if ((rc = cli_open_store(&s)) || (rc = cli_find_dataset(&f, s, args.v[0])) ||
	    (rc = record_verify(f.best)) ||
	    (rc = cli_read_blob(&in, s, f.best->payload, "items"))) {
		rc = cli_fail(rc);
		goto done;
	}
	if ((rc = export_write(file, fmt, f.best, &in))) {
		if (rc == PROV_EIO)
			prov_error_wrap("could not write the export");
		else
			prov_error_wrap("'%s'", args.v[0]);
		rc = cli_fail(rc);
	}
done:
	cli_dataset_release(&f);
	store_free(s);
	buf_release(&in);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* ---- diff, check, attribution ------------------------------------------ */

/* These commands name fixed versions: NAME@V, both parts non-empty. */
static int versioned(const char *spec)
{
	const char *at = strchr(spec, '@');

	if (!at || at == spec || !at[1] || strchr(at + 1, '@'))
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not NAME@VERSION", spec);
	return 0;
}

static const char *field(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

static int item_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(field(x, "sha256"), field(y, "sha256"));

	return c ? c : strcmp(field(x, "path"), field(y, "path"));
}

static int item_path_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(field(x, "path"), field(y, "path"));

	return c ? c : strcmp(field(x, "sha256"), field(y, "sha256"));
}

struct items {
	json_t **v;
	size_t n;
};

static void items_release(struct items *l)
{
	for (size_t i = 0; i < l->n; i++)
		json_decref(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The items of a blob, sorted by sha256 then path. */
static int keep_item(const json_t *item, size_t i, void *payload)
{
	struct items *out = payload;

	if (!(out->n & (out->n + 1))) /* 0, 1, 3, 7...: grow to 2^k */
		out->v = xrealloc(out->v, 2 * (out->n + 1) * sizeof(*out->v));
	out->v[out->n++] = json_incref((json_t *)item);
	return 0;
}

static int parse_items(struct items *out, const struct buf *blob)
{
	int rc = manifest_lines_each(blob->ptr, blob->len, 1, keep_item, out);

	if (!rc && out->n)
		qsort(out->v, out->n, sizeof(*out->v), item_cmp);
	return rc;
}

/* NAME@V: its record, checked, and its included items. */
static int open_version(struct cli_dataset *f, struct items *it, struct store *s,
			const char *spec)
{
	struct buf blob = BUF_INIT;
	int rc;

	if (!(rc = versioned(spec)) && !(rc = cli_find_dataset(f, s, spec)) &&
	    !(rc = record_verify(f->best)) &&
	    !(rc = cli_read_blob(&blob, s, f->best->payload, "items")))
		rc = parse_items(it, &blob);
	buf_release(&blob);
	return rc;
}

static int manifest_diff(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest diff NAME@V1 NAME@V2 [--json]",
		"Compares the included items of two versions: added (+), removed "
		"(-), and re-licensed (~: the same content at the same path under "
		"another license string). A moved file shows as removed and added. "
		"Both records and their item lists are checked first; exit 1 if "
		"either has been altered.",
		2, 2, 1,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct cli_dataset fa = { 0 }, fb = { 0 };
	struct items a = { 0 }, b = { 0 };
	struct store *s = NULL;
	json_t *added = json_array(), *removed = json_array(),
	       *relicensed = json_array(), *o = NULL;
	size_t i = 0, j = 0;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if ((rc = cli_open_store(&s)) ||
	    (rc = open_version(&fa, &a, s, args.v[0])) ||
	    (rc = open_version(&fb, &b, s, args.v[1]))) {
		rc = cli_fail(rc);
		goto done;
	}
	while (i < a.n || j < b.n) {
		int c = i >= a.n ? 1 : j >= b.n ? -1 : item_cmp(&a.v[i], &b.v[j]);
		if (c < 0) {
			json_array_append_new(removed,
					      json_pack("{s:O, s:O, s:O}", "sha256",
							json_object_get(a.v[i], "sha256"),
							"path", json_object_get(a.v[i], "path"),
							"license",
							json_object_get(a.v[i], "license")));
			i++;
		} else if (c > 0) {
			json_array_append_new(added,
					      json_pack("{s:O, s:O, s:O}", "sha256",
							json_object_get(b.v[j], "sha256"),
							"path", json_object_get(b.v[j], "path"),
							"license",
							json_object_get(b.v[j], "license")));
			j++;
		} else {
			if (strcmp(field(a.v[i], "license"), field(b.v[j], "license")))
				json_array_append_new(
					relicensed,
					json_pack("{s:O, s:O, s:O, s:O}", "sha256",
						  json_object_get(a.v[i], "sha256"), "path",
						  json_object_get(a.v[i], "path"), "from",
						  json_object_get(a.v[i], "license"), "to",
						  json_object_get(b.v[j], "license")));
			i++;
			j++;
		}
	}
	if (json) {
		o = json_pack("{s:s, s:s, s:O, s:O, s:O}", "from", args.v[0], "to",
			      args.v[1], "added", added, "removed", removed,
			      "relicensed", relicensed);
		cli_print_json(o);
		goto done;
	}
	/* One line per change, in item order (sha256, then path). */
	for (i = j = 0; i < a.n || j < b.n;) {
		int c = i >= a.n ? 1 : j >= b.n ? -1 : item_cmp(&a.v[i], &b.v[j]);
		if (c < 0) {
			printf("- %s %s\n", field(a.v[i], "sha256"),
			       cli_esc(field(a.v[i], "path")));
			i++;
		} else if (c > 0) {
			printf("+ %s %s %s\n", field(b.v[j], "sha256"),
			       cli_esc(field(b.v[j], "path")),
			       cli_esc(field(b.v[j], "license")));
			j++;
		} else {
			if (strcmp(field(a.v[i], "license"), field(b.v[j], "license")))
				printf("~ %s %s %s -> %s\n", field(a.v[i], "sha256"),
				       cli_esc(field(a.v[i], "path")),
				       cli_esc(field(a.v[i], "license")),
				       cli_esc(field(b.v[j], "license")));
			i++;
			j++;
		}
	}
	printf("%s -> %s: %zu added, %zu removed, %zu re-licensed\n",
	       cli_esc(args.v[0]), cli_esc(args.v[1]), json_array_size(added),
	       json_array_size(removed), json_array_size(relicensed));
done:
	json_decref(o);
	json_decref(added);
	json_decref(removed);
	json_decref(relicensed);
	items_release(&a);
	items_release(&b);
	cli_dataset_release(&fa);
	cli_dataset_release(&fb);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* The spec a dataset record was built for. */

/* What check and attribution read: a version, its items, the spec it was
 * built for, and today's registry (index and custom licenses). */
struct today {
	struct store *s;
	struct cli_dataset f;
	struct items it;
	struct manifest_spec spec;
	struct index *ix;
	struct license_defs defs;
};

static int today_open(struct today *t, const char *version)
{
	int rc;

	memset(t, 0, sizeof(*t));
	license_defs_init(&t->defs);
	if ((rc = cli_open_store(&t->s)) ||
	    (rc = open_version(&t->f, &t->it, t->s, version)) ||
	    (rc = manifest_spec_of(&t->spec, t->f.best->payload)) ||
	    (rc = load_index(&t->ix, t->s)))
		return rc;
	return store_walk(t->s, "records/license", license_defs_walk, &t->defs);
}

static void today_close(struct today *t)
{
	license_defs_release(&t->defs);
	index_free(t->ix);
	items_release(&t->it);
	cli_dataset_release(&t->f);
	store_free(t->s);
}

/* The work ids an item relied on that today's registry no longer has as
 * verified claims on its content. */
static json_t *lost_works(const json_t *item, const struct content_info *ci)
{
	json_t *lost = json_array(), *w;
	size_t i;

	json_array_foreach (json_object_get(item, "works"), i, w) {
		size_t k = 0;
		while (ci && k < ci->nclaims &&
		       strcmp(ci->claims[k].id, json_string_value(w) ?: ""))
			k++;
		if (!ci || k == ci->nclaims)
			json_array_append(lost, w);
	}
	return lost;
}

static int manifest_check(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest check NAME@V [--json]",
		"Re-evaluates a manifest's included items against today's "
		"registry, for the purpose and uses it was built for: opt-outs "
		"registered since (with their times), work records that no longer "
		"verify, and licenses or permissions that now fail (a new "
		"claimant's, say). The manifest is not rewritten. Exit 0 if every "
		"item would still be included, 1 if any would now be excluded.",
		1, 1, 1,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct today t;
	struct manifest_judge judge = { 0 };
	json_t *excluded = json_array(), *changed = json_array(), *o = NULL;
	const char *built;

	memset(&t, 0, sizeof(t));
	license_defs_init(&t.defs);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if ((rc = today_open(&t, args.v[0]))) {
		rc = cli_fail(rc);
		goto done;
	}
	built = field(t.f.best->payload, "created");
	manifest_judge_init(&judge, &t.spec, &t.defs);
	/* Share-alike terms are settled in path order, as a build does. */
	if (t.it.n)
		qsort(t.it.v, t.it.n, sizeof(*t.it.v), item_path_cmp);
	for (size_t i = 0; i < t.it.n; i++) {
		struct manifest_decision d;
		uint8_t sha[32];
		const json_t *item = t.it.v[i];
		json_t *lost;

		hex_decode(sha, 32, field(item, "sha256"), 64);
		manifest_decide(&d, &judge, t.ix, sha, field(item, "path"));
		lost = lost_works(item, index_get(t.ix, sha));
		if (!d.included) {
			json_t *x = d.exclusion;
			if (json_array_size(lost) &&
			    !strcmp(field(x, "reason"), "unregistered")) {
				json_object_set_new(x, "reason", json_string("unverified"));
				json_object_set(x, "record", json_array_get(lost, 0));
				json_object_set_new(x, "why",
						    json_sprintf("work record %s no "
								 "longer verifies",
								 json_string_value(json_array_get(
									 lost, 0))));
			}
			if (d.optout && d.optout->created)
				json_object_set_new(x, "optout_created",
						    json_string(d.optout->created));
			json_array_append(excluded, x);
		} else if (strcmp(d.license.ptr, field(item, "license")) ||
			   json_array_size(lost)) {
			json_array_append_new(
				changed, json_pack("{s:O, s:O, s:O, s:s, s:O}", "sha256",
						   json_object_get(item, "sha256"), "path",
						   json_object_get(item, "path"), "from",
						   json_object_get(item, "license"), "to",
						   d.license.ptr, "lost_works", lost));
		}
		json_decref(lost);
		manifest_decision_release(&d);
	}
	rc = json_array_size(excluded) ? EXIT_CHECK : EXIT_OK;
	if (json) {
		o = json_pack("{s:s, s:s, s:s, s:I, s:O, s:O, s:O}", "dataset",
			      args.v[0], "record", t.f.best->id, "created", built,
			      "checked", (json_int_t)t.it.n, "excluded", excluded,
			      "changed", changed, "warnings", judge.warnings);
		cli_print_json(o);
		goto done;
	}
	for (size_t i = 0; i < json_array_size(excluded); i++) {
		const json_t *x = json_array_get(excluded, i);
		printf("! %s %s %s: %s", field(x, "sha256"),
		       cli_esc(field(x, "path")), field(x, "reason"),
		       cli_esc(field(x, "why")));
		if (json_object_get(x, "optout_created"))
			printf(" (opt-out %s created %s, the manifest %s)",
			       field(x, "record"), cli_esc(field(x, "optout_created")),
			       cli_esc(built));
		else if (json_object_get(x, "record"))
			printf(" (%s)", field(x, "record"));
		putchar('\n');
	}
	for (size_t i = 0; i < json_array_size(changed); i++) {
		const json_t *x = json_array_get(changed, i);
		printf("~ %s %s %s -> %s\n", field(x, "sha256"),
		       cli_esc(field(x, "path")), cli_esc(field(x, "from")),
		       cli_esc(field(x, "to")));
	}
	printf("%s: %zu of %zu items would now be excluded, %zu changed\n",
	       cli_esc(args.v[0]), json_array_size(excluded), t.it.n,
	       json_array_size(changed));
done:
	json_decref(o);
	json_decref(excluded);
	json_decref(changed);
	manifest_judge_release(&judge);
	today_close(&t);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* The ids of expr that require attribution: those of the terms relied on
 * when the license engine allows it, otherwise every id in it. */
static void attribution_ids(struct license_strings *out, const char *expr,
			    const struct license_query *q,
			    const struct license_defs *defs)
{
	struct license_verdict v;
	char *copy, *tok, *rest;

	if (!license_eval(&v, expr, q) && v.allowed) {
		for (size_t i = 0; i < v.attribution.n; i++)
			license_strings_add(out, v.attribution.v[i]);
		license_verdict_release(&v);
		return;
	}
	license_verdict_release(&v);
	prov_error_clear();
	copy = xstrdup(expr);
	for (tok = copy; *tok; tok = rest) {
		const struct license_info *li;
		const struct license_def *def;
		size_t n;
		tok += strspn(tok, " ()");
		n = strcspn(tok, " ()");
		rest = tok + n + (tok[n] != '\0');
		tok[n] = '\0';
		if (!n || !strcmp(tok, "AND") || !strcmp(tok, "OR") ||
		    !strcmp(tok, "WITH"))
			continue;
		if (n > 1 && tok[n - 1] == '+')
			tok[n - 1] = '\0';
		li = license_table_find(tok);
		def = li ? NULL : license_defs_find(defs, tok);
		if ((li && (li->flags & LICENSE_ATTRIBUTION)) ||
		    (def && (def->info.flags & LICENSE_ATTRIBUTION)))
			license_strings_add(out, li ? li->id : def->info.id);
	}
	free(copy);
}

static int credit_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	static const char *const keys[] = { "creator", "license", "path", "sha256" };
	int c = 0;

	for (size_t i = 0; !c && i < sizeof(keys) / sizeof(*keys); i++)
		c = strcmp(field(x, keys[i]), field(y, keys[i]));
	return c;
}

static int manifest_attribution(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov manifest attribution NAME@V [--json]",
		"Lists the credits a dataset owes: every included item whose "
		"license requires attribution (BY-style), with its creator and the "
		"license id, grouped by creator then license, as text ready to ship "
		"as an ATTRIBUTION file.",
		1, 1, 1,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct today t;
	json_t *credits = json_array(), **v = NULL;
	size_t n = 0;

	memset(&t, 0, sizeof(t));
	license_defs_init(&t.defs);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if ((rc = today_open(&t, args.v[0]))) {
		rc = cli_fail(rc);
		goto done;
	}
	struct license_query q = { .purpose = t.spec.purpose,
				   .uses = t.spec.uses,
				   .distribute_weights = t.spec.distribute_weights,
				   .resolve = license_defs_resolve,
				   .resolve_payload = &t.defs };
	for (size_t i = 0; i < t.it.n; i++) {
		uint8_t sha[32];
		const struct content_info *ci;
		const json_t *w;
		size_t k;

		hex_decode(sha, 32, field(t.it.v[i], "sha256"), 64);
		ci = index_get(t.ix, sha);
		json_array_foreach (json_object_get(t.it.v[i], "works"), k, w) {
			const struct claim *c = NULL;
			struct license_strings ids = { 0 };
			for (size_t m = 0; ci && m < ci->nclaims && !c; m++)
				if (!strcmp(ci->claims[m].id, json_string_value(w) ?: ""))
					c = &ci->claims[m];
			if (!c || !c->license || !c->creator)
				continue; /* no longer verifies: manifest check names it */
			attribution_ids(&ids, c->license, &q, &t.defs);
			for (size_t m = 0; m < ids.n; m++)
				json_array_append_new(
					credits,
					json_pack("{s:s, s:s, s:O, s:O, s:s}", "creator",
						  c->creator, "license", ids.v[m], "path",
						  json_object_get(t.it.v[i], "path"), "sha256",
						  json_object_get(t.it.v[i], "sha256"), "work",
						  c->id));
			license_strings_release(&ids);
		}
	}
	/* Sorted by creator, license, path; one credit per (creator, license,
	 * item) even when several of the creator's works name it. */
	n = json_array_size(credits);
	v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(credits, i);
	if (n)
		qsort(v, n, sizeof(*v), credit_cmp);
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			if (!i || credit_cmp(&v[i - 1], &v[i]))
				json_array_append(a, v[i]);
		cli_print_json(a);
		json_decref(a);
		goto done;
	}
	printf("Attribution for the dataset %s\n",
	       cli_esc(args.v[0]));
	printf("Merkle root %s (record %s)\n",
	       cli_esc(field(json_object_get(t.f.best->payload, "merkle"), "root")),
	       t.f.best->id);
	printf("\nThese works are used under licenses that require attribution:\n");
	if (!n)
		printf("\n(none)\n");
	for (size_t i = 0; i < n; i++) {
		if (i && !credit_cmp(&v[i - 1], &v[i]))
			continue;
		if (!i || strcmp(field(v[i - 1], "creator"), field(v[i], "creator")))
			putchar('\n');
		printf("%s \xe2\x80\x94 %s \xe2\x80\x94 %s\n",
		       cli_esc(field(v[i], "path")), cli_esc(field(v[i], "license")),
		       cli_esc(field(v[i], "creator")));
	}
done:
	free(v);
	json_decref(credits);
	today_close(&t);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_manifest(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "build", manifest_build_cmd },
		{ "list", manifest_list },
		{ "show", manifest_show },
		{ "prove", manifest_prove },
		{ "verify-proof", manifest_verify_proof },
		{ "diff", manifest_diff },
		{ "check", manifest_check },
		{ "attribution", manifest_attribution },
		{ "export", manifest_export_cmd },
	};

	return CLI_SUBCOMMAND(argc, argv, "manifest", subs,
			      "usage: prov manifest build NAME --version V (--from DIR | --list FILE) --purpose P ...\n"
			      "       prov manifest list [--json]\n"
			      "       prov manifest show NAME[@V] [--items] [--excluded] [--json]\n"
			      "       prov manifest prove NAME@V SHA256|PATH\n"
			      "       prov manifest verify-proof PROOF.json [--json]\n"
			      "       prov manifest diff NAME@V1 NAME@V2 [--json]\n"
			      "       prov manifest check NAME@V [--json]\n"
			      "       prov manifest attribution NAME@V [--json]\n"
			      "       prov manifest export NAME@V --format croissant|spdx|cyclonedx [-o FILE]\n\n"
			      "Signed dataset manifests (docs/manifest.md).");
}

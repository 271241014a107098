/* prov optout: a creator's signed refusal of uses for content they made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"

#define REASON_MAX 1000

static int hex_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Arguments that are files (or folders, with -r) are hashed; the others
 * must be content digests. */
static int gather(struct strlist *hashes, struct strlist *args, int recursive,
		  struct store *s)
{
	struct fileset fs = { 0 };
	struct strlist paths = { 0 };
	struct statcache *cache = NULL;
	struct buf cachefile = BUF_INIT;
	uint8_t d[32];
	char hex[65];
	struct stat st;
	int rc = 0;

	for (size_t i = 0; i < args->n && !rc; i++) {
		const char *a = args->v[i];
		if (!stat(a, &st)) {
			strlist_push(&paths, a);
		} else if ((strlen(a) == 64 || strlen(a) == 71) &&
			   !sha256_id_parse(d, a)) {
			hex_encode(hex, d, 32);
			strlist_push(hashes, hex);
		} else {
			rc = prov_error_set(PROV_ENOTFOUND,
					    "'%s': no such file, and not a sha256 "
					    "digest",
					    a);
		}
	}
	if (rc || !paths.n)
		goto done;
	buf_printf(&cachefile, "%s/statcache", store_path(s));
	statcache_open(&cache, cachefile.ptr);
	if ((rc = fileset_add(&fs, paths.v, paths.n, recursive)) ||
	    (rc = fileset_hash(&fs, cache, NULL, NULL)))
		goto done;
	for (size_t i = 0; i < fs.n; i++) {
		hex_encode(hex, fs.v[i].sha256, 32);
		strlist_push(hashes, hex);
	}
	fileset_cache_update(&fs, cache);
	statcache_save(cache);
done:
	fileset_release(&fs);
	statcache_free(cache);
	buf_release(&cachefile);
	strlist_release(&paths);
	return rc;
}

struct claimed {
	const char *me;
	int mine;
};

static int claimed_cb(const char *path, const void *data, size_t n, void *p)
{
	struct claimed *c = p;
	struct record *r = NULL;

	if (!record_parse(&r, data, n) && !record_verify(r)) {
		const char *creator =
			json_string_value(json_object_get(r->payload, "creator"));
		c->mine |= creator && !strcmp(creator, c->me);
	}
	prov_error_clear();
	record_free(r);
	return 0;
}

/* Curators honour opt-outs by the content's claimants (docs/records.md);
 * say so when this identity has made no claim. */
static size_t warn_unclaimed(struct store *s, const struct strlist *hashes,
			     const char *me, int json)
{
	size_t n = 0;

	for (size_t i = 0; i < hashes->n; i++) {
		struct claimed c = { me, 0 };
		const char *h = hashes->v[i];
		char prefix[80];
		snprintf(prefix, sizeof(prefix), "works/%.2s/%.2s/%s", h, h + 2, h);
		store_walk(s, prefix, claimed_cb, &c);
		if (!c.mine) {
			n++;
			if (!json)
				fprintf(stderr,
					"prov: warning: you have no work record for "
					"sha256:%s; manifests honour opt-outs by the "
					"content's claimants\n",
					h);
		}
	}
	return n;
}

static int parse_scope(json_t *scope, const struct strlist *uses)
{
	int want[TRAINING_USES] = { 0 };

	for (size_t i = 0; i < uses->n; i++) {
		int u = training_use_index(uses->v[i]);
		if (u < 0)
			return prov_error_set(PROV_EINVALID,
					      "'%s' is not a use (expected "
					      "ai_training, ai_generative_training, "
					      "data_mining or ai_inference)",
					      uses->v[i]);
		want[u] = 1;
	}
	for (int u = 0; u < TRAINING_USES; u++)
		if (want[u] || !uses->n)
			json_array_append_new(scope, json_string(training_uses[u]));
	return 0;
}

int cmd_optout(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov optout PATH|SHA256... [-r] [--scope USE]... [--reason TEXT] "
		"[--as NAME] [--json]",
		"Signs an opt-out record refusing uses (default: all of "
		"ai_training, ai_generative_training, data_mining, ai_inference) "
		"of the given content: files, folders with -r, or sha256 digests. "
		"Every later 'prov manifest build' excludes the content for those "
		"uses; manifests built before are not rewritten, and 'prov "
		"manifest check' reports them.",
		1, -1, 1,
	};
	int recursive = 0, json = 0, rc;
	const char *reason = NULL, *as = NULL;
	struct strlist args = { 0 }, scopes = { 0 }, hashes = { 0 };
	const struct opt opts[] = {
		OPT_FLAG_("recursive", 'r', &recursive, "opt out folders' files"),
		OPT_LIST_("scope", 0, &scopes, "USE", "a use refused"),
		OPT_STR("reason", 0, &reason, "TEXT", "why, for curators to read"),
		OPT_AS(&as), OPT_JSON(&json), OPT_END_,
	};
	json_t *payload = NULL, *content = json_array(), *scope = json_array();
	struct store *s = NULL;
	struct key *k = NULL;
	struct buf env = BUF_INIT, path = BUF_INIT, msg = BUF_INIT;
	char id[RECORD_ID_MAX], when[32], commit[41];
	size_t unclaimed;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (reason && (strlen(reason) > REASON_MAX || !*reason)) {
		rc = cli_usage_error("optout: --reason must be 1 to %d bytes",
				     REASON_MAX);
		goto done;
	}
	if (parse_scope(scope, &scopes) || cli_open_store(&s) ||
	    cli_load_identity(&k, as) || store_lock(s, cli_lock_wait_ms()) ||
	    gather(&hashes, &args, recursive, s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	/* One hash once, in order: the same opt-out always has the same id. */
	qsort(hashes.v, hashes.n, sizeof(*hashes.v), hex_cmp);
	for (size_t i = 0; i < hashes.n; i++)
		if (!i || strcmp(hashes.v[i], hashes.v[i - 1]))
			json_array_append_new(content, json_string(hashes.v[i]));
	unclaimed = warn_unclaimed(s, &hashes, k->did, json);
	time_rfc3339(when, (int64_t)time(NULL));
	payload = json_pack("{s:s, s:s, s:O, s:O, s:s}", "kind", "optout", "by",
			    k->did, "content", content, "scope", scope, "created",
			    when);
	if (reason) {
		char *text = utf8_sanitize(reason);
		json_object_set_new(payload, "reason", json_string(text));
		free(text);
	}
	buf_printf(&msg, "opt out %zu work%s\n\nby %s\n", json_array_size(content),
		   json_array_size(content) == 1 ? "" : "s", k->did);
	if (record_create(&env, id, payload, k) ||
	    record_store_path(&path, "optout", id, payload) || store_begin(s) ||
	    store_put(s, path.ptr, env.ptr, env.len) < 0 ||
	    store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:O, s:O, s:I}", "id", id, "content",
				      content, "scope", scope, "unclaimed",
				      (json_int_t)unclaimed);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s  opted out %zu work%s for %s\n", id,
		       json_array_size(content),
		       json_array_size(content) == 1 ? "" : "s",
		       scopes.n ? "the given uses" : "every use");
	}
done:
	json_decref(payload);
	json_decref(content);
	json_decref(scope);
	key_free(k);
	store_free(s);
	buf_release(&env);
	buf_release(&path);
	buf_release(&msg);
	strlist_release(&args);
	strlist_release(&scopes);
	strlist_release(&hashes);
	return CLI_EXIT(rc);
}

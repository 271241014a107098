/* prov register: hash files on every core, sign one work record per file,
 * and commit them all at once, or nothing at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "c2pa/c2pa.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "license/license.h"

struct item {
	struct file_entry *file;
	json_t *payload;
	struct buf envelope;
	char id[RECORD_ID_MAX];
	int err; /* PROV_E* from signing */
	char *errmsg;
	enum { NEW, UNCHANGED, DUPLICATE } status;
	struct strlist others; /* other creators claiming this content */
	struct item *dup_of;   /* DUPLICATE: the item with the same content */
	int has_fp;	       /* a JPEG that decoded: fp is its fingerprint */
	struct fingerprint fp;
	char *fp_err; /* a JPEG that did not decode: why */
	json_t *near; /* [{id, path, creator, distance}]: near-duplicates */
};

/* JPEGs larger than this are registered without a fingerprint. */
#define REGISTER_JPEG_MAX (256u * 1024 * 1024)

struct job {
	struct item *items;
	size_t n;
	const struct key *key;
	struct work_claim claim; /* shared fields */
	int64_t now;
};

/* ---- payloads and signatures, on every core ------------------------------ */

static void build_payload(size_t i, void *payload)
{
	struct job *j = payload;
	struct item *it = &j->items[i];
	struct work_claim c = j->claim;
	const char *slash = strrchr(it->file->path, '/');
	/* The name is informational and JSON needs UTF-8: invalid bytes become
	 * U+FFFD rather than failing a whole folder over one file name. */
	char *name = utf8_sanitize(slash ? slash + 1 : it->file->path);

	struct buf data = BUF_INIT, fp = BUF_INIT;

	memcpy(c.sha256, it->file->sha256, 32);
	c.size = (uint64_t)it->file->st.st_size;
	c.name = name;
	c.media_type = media_type_guess(name);
	/* Only JPEGs (by name, as media_type says) are read a second time;
	 * one whose bytes do not start as a JPEG does is not one. */
	if (!strcmp(c.media_type, "image/jpeg") &&
	    !buf_read_file(&data, it->file->path, REGISTER_JPEG_MAX) &&
	    data.len >= 2 && (uint8_t)data.ptr[0] == 0xff &&
	    (uint8_t)data.ptr[1] == JPEG_SOI) {
		if (fingerprint_jpeg(&it->fp, (const uint8_t *)data.ptr,
				     data.len)) {
			it->fp_err = xstrdup(prov_error_last());
		} else {
			it->has_fp = 1;
			fingerprint_format(&fp, &it->fp);
			c.fingerprint = fp.ptr;
		}
	}
	prov_error_clear();
	it->payload = work_payload(&c, j->key->did, j->now);
	buf_release(&data);
	buf_release(&fp);
	free(name);
}

/* Signing waits until earlier claims are known, so an unchanged file costs
 * a stat and a lookup, not a signature. */
static void sign_item(size_t i, void *payload)
{
	struct job *j = payload;
	struct item *it = &j->items[i];

	if (it->status == NEW &&
	    record_create(&it->envelope, it->id, it->payload, j->key)) {
		it->err = prov_error_code();
		it->errmsg = xstrdup(prov_error_last());
	}
}

static int first_error(struct job *j)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->items[i].err)
			return prov_error_set(j->items[i].err, "%s",
					      j->items[i].errmsg);
	return 0;
}

static void progress(size_t done, size_t total, void *payload)
{
	cli_progress("hashing", done, total);
}

/* ---- claims already in the registry -------------------------------------- */

/* An earlier record on a file's content, read from the store in one pass
 * and checked (parse, signatures) on every core in the next. */
struct earlier {
	struct item *it;
	struct buf data;
	struct record *r; /* NULL unless it parsed and verified */
};

struct earlier_list {
	struct earlier *v;
	size_t n, cap;
	struct item *it; /* whose content is being walked */
};

static int collect_earlier(const char *path, const void *data, size_t n,
			   void *payload)
{
	struct earlier_list *l = payload;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].it = l->it;
	l->v[l->n].r = NULL;
	buf_init(&l->v[l->n].data, 0);
	buf_put(&l->v[l->n].data, data, n);
	l->n++;
	return 0;
}

/* A record that does not parse or verify is nobody's claim ('prov verify'
 * reports it); one that does was signed by its creator. */
static void check_earlier(size_t i, void *payload)
{
	struct earlier *e = &((struct earlier_list *)payload)->v[i];

	if (record_parse(&e->r, e->data.ptr, e->data.len) || record_verify(e->r)) {
		record_free(e->r);
		e->r = NULL;
	}
}

static int find_earlier(struct store *s, struct job *j, const char *me)
{
	struct earlier_list l = { 0 };
	char hex[65], prefix[80];
	int rc = 0;

	for (size_t i = 0; i < j->n && !rc; i++) {
		if (j->items[i].status == DUPLICATE)
			continue;
		l.it = &j->items[i];
		hex_encode(hex, l.it->file->sha256, 32);
		snprintf(prefix, sizeof(prefix), "works/%.2s/%.2s/%s", hex, hex + 2,
			 hex);
		rc = store_walk(s, prefix, collect_earlier, &l);
	}
	if (!rc)
		parallel_for(l.n, check_earlier, &l);
	prov_error_clear();
	for (size_t i = 0; i < l.n; i++) {
		struct earlier *e = &l.v[i];
		const char *creator = e->r ? json_string_value(json_object_get(
						     e->r->payload, "creator")) :
					     NULL;
		int mine = creator && !strcmp(creator, me);
		if (mine && work_same_claim(e->r->payload, e->it->payload)) {
			/* Report the record that is there, not one we made. */
			e->it->status = UNCHANGED;
			memcpy(e->it->id, e->r->id, sizeof(e->it->id));
		} else if (creator && !mine &&
			   !strlist_has(&e->it->others, creator)) {
			strlist_push(&e->it->others, creator);
		}
		record_free(e->r);
		buf_release(&e->data);
	}
	free(l.v);
	return rc;
}

/* ---- near-duplicate JPEGs -------------------------------------------------- */

struct near_walk {
	struct job *j;
	struct store *s;
	const char *me;
};

/* A work record of another identity whose fingerprint is near a new
 * JPEG's: noted on the item (signatures checked only for those). */
static int near_check(const char *path, const void *data, size_t n,
		      void *payload)
{
	struct near_walk *w = payload;
	struct record *r = NULL;
	struct fingerprint f;
	const char *fp, *creator, *sha;

	if (!strstr(path, ".json") || record_parse(&r, data, n))
		goto done;
	fp = json_string_value(json_object_get(r->payload, "fingerprint"));
	creator = json_string_value(json_object_get(r->payload, "creator"));
	sha = json_string_value(json_object_get(
		json_object_get(r->payload, "content"), "sha256"));
	if (!fp || !creator || !sha || !strcmp(creator, w->me) ||
	    fingerprint_parse(&f, fp))
		goto done;
	for (size_t i = 0; i < w->j->n; i++) {
		struct item *it = &w->j->items[i];
		char hex[65];
		unsigned d;

		if (!it->has_fp || it->status != NEW)
			continue;
		hex_encode(hex, it->file->sha256, 32);
		d = fingerprint_distance(&it->fp, &f);
		/* The same content is "also claimed by", said already. */
		if (d > FINGERPRINT_NEAR || !strcmp(hex, sha))
			continue;
		if (record_verify(r))
			break;
		if (!it->near)
			it->near = json_array();
		json_array_append_new(
			it->near, json_pack("{s:s, s:s, s:s, s:i}", "id", r->id,
					    "path", path, "creator", creator,
					    "distance", (int)d));
	}
done:
	record_free(r);
	prov_error_clear();
	return 0;
}

static int find_near(struct store *s, struct job *j, const char *me)
{
	struct near_walk w = { j, s, me };
	int any = 0;

	for (size_t i = 0; i < j->n; i++)
		any |= j->items[i].has_fp && j->items[i].status == NEW;
	if (!any)
		return 0;
	return store_walk(s, "works", near_check, &w);
}

/* The same content twice in one run is one claim: the first path wins. */
static int digest_cmp(const void *a, const void *b)
{
	const struct item *x = *(struct item *const *)a, *y = *(struct item *const *)b;
	int c = memcmp(x->file->sha256, y->file->sha256, 32);

	return c ? c : strcmp(x->file->path, y->file->path);
}

static void mark_duplicates(struct job *j)
{
	struct item **by = xcalloc(j->n, sizeof(*by));

	for (size_t i = 0; i < j->n; i++)
		by[i] = &j->items[i];
	qsort(by, j->n, sizeof(*by), digest_cmp);
	for (size_t i = 1, first = 0; i < j->n; i++) {
		if (memcmp(by[i]->file->sha256, by[first]->file->sha256, 32)) {
			first = i;
			continue;
		}
		by[i]->status = DUPLICATE;
		by[i]->dup_of = by[first];
	}
	free(by);
}

/* ---- options ----------------------------------------------------------- */

static void print_result(struct job *j, size_t added, int json)
{
	json_t *arr = json ? json_array() : NULL;

	for (size_t i = 0; i < j->n; i++) {
		struct item *it = &j->items[i];
		if (it->dup_of)
			memcpy(it->id, it->dup_of->id, sizeof(it->id));
		const char *status = it->status == NEW ? "registered" :
				     it->status == UNCHANGED ? "unchanged" :
							       "duplicate";
		char hex[65];
		hex_encode(hex, it->file->sha256, 32);
		if (json) {
			json_t *others = json_array();
			char *path = utf8_sanitize(it->file->path); /* JSON is UTF-8 */
			for (size_t k = 0; k < it->others.n; k++)
				json_array_append_new(others,
						      json_string(it->others.v[k]));
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "path",
					      path, "id", it->id, "sha256", hex,
					      "status", status, "also_claimed_by",
					      others);
			if (it->status == NEW && it->near)
				json_object_set(o, "near_duplicates", it->near);
			json_array_append_new(arr, o);
			free(path);
		} else {
			printf("%s  %s  %s\n", status, it->id, cli_esc(it->file->path));
		}
	}
	if (json) {
		cli_print_json(arr);
		json_decref(arr);
	} else {
		printf("%zu registered, %zu unchanged or duplicate\n", added,
		       j->n - added);
	}
}

int cmd_register(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov register PATH... [-r] --license SPDX-EXPR [--payout "
		"eip155:CHAIN:0xADDR] [--allow USE]... [--deny USE]... [--as NAME] "
		"[--json]",
		"Hashes each file (SHA-256, in parallel), signs one work record per "
		"file with the creator's identity, and commits them in one signed "
		"commit, or nothing at all if any file fails. USE is ai_training, "
		"ai_generative_training, data_mining or ai_inference. Re-registering "
		"an unchanged claim is a no-op; a content hash already claimed by "
		"another identity is still recorded, with a warning. A JPEG "
		"(.jpg, .jpeg) gets its perceptual fingerprint in the record, and "
		"a warning when it looks like another identity's work.",
		1, -1, 1,
	};
	int recursive = 0, json = 0, rc;
	const char *license = NULL, *payout = NULL, *as = NULL;
	struct strlist args = { 0 }, allow = { 0 }, deny = { 0 };
	const struct opt opts[] = {
		OPT_FLAG_("recursive", 'r', &recursive, "register folders' files"),
		OPT_STR("license", 0, &license, "SPDX-EXPR",
			"the works' license (SPDX expression)"),
		OPT_STR("payout", 0, &payout, "ACCOUNT",
			"where royalties go: eip155:CHAIN:0xADDRESS"),
		OPT_LIST_("allow", 0, &allow, "USE", "permit a use"),
		OPT_LIST_("deny", 0, &deny, "USE", "forbid a use"),
		OPT_AS(&as), OPT_JSON(&json), OPT_END_,
	};
	struct fileset fs = { 0 };
	struct job j = { 0 };
	struct store *s = NULL;
	struct statcache *cache = NULL;
	struct key *k = NULL;
	struct account acct;
	struct buf cachefile = BUF_INIT, msg = BUF_INIT;
	char *norm = NULL, commit[41] = "";
	size_t added = 0;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!license) {
		rc = cli_usage_error("register: --license is required");
		goto done;
	}
	if (license_expr_check(license, &norm) ||
	    (payout && account_parse(&acct, payout)) ||
	    cli_parse_uses(j.claim.training, &allow, &deny) ||
	    fileset_add(&fs, args.v, args.n, recursive) || cli_open_store(&s) ||
	    cli_load_identity(&k, as)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (!fs.n) {
		rc = cli_usage_error("register: no files found");
		goto done;
	}
	j.claim.license = norm;
	j.claim.payout = payout ? acct.text : NULL;
	j.key = k;
	j.now = (int64_t)time(NULL);
	j.n = fs.n;
	j.items = xcalloc(fs.n, sizeof(*j.items));
	for (size_t i = 0; i < fs.n; i++) {
		j.items[i].file = &fs.v[i];
		buf_init(&j.items[i].envelope, 0);
	}
	/* Wait for another writer, then hash: the registry cannot change
	 * under us between the check for earlier claims and the commit. */
	if (store_lock(s, cli_lock_wait_ms())) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	buf_printf(&cachefile, "%s/statcache", store_path(s));
	statcache_open(&cache, cachefile.ptr);
	if (fileset_hash(&fs, cache,
			 cli_progress_enabled() && fs.n >= 200 ? progress : NULL,
			 NULL)) {
		if (cli_progress_enabled() && fs.n >= 200)
			cli_progress_end();
		rc = cli_fail(prov_error_code());
		fprintf(stderr, "prov: nothing was registered\n");
		goto done;
	}
	if (cli_progress_enabled() && fs.n >= 200)
		cli_progress_end();
	parallel_for(j.n, build_payload, &j);
	mark_duplicates(&j);
	if (store_begin(s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (find_earlier(s, &j, k->did)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (find_near(s, &j, k->did)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	parallel_for(j.n, sign_item, &j);
	if ((rc = first_error(&j))) {
		rc = cli_fail(rc);
		fprintf(stderr, "prov: nothing was registered\n");
		goto done;
	}
	for (size_t i = 0; i < j.n; i++) {
		struct item *it = &j.items[i];
		struct buf path = BUF_INIT;
		int put;
		if (it->status != NEW)
			continue;
		record_store_path(&path, "work", it->id, it->payload);
		put = store_put(s, path.ptr, it->envelope.ptr, it->envelope.len);
		buf_release(&path);
		if (put < 0) {
			rc = cli_fail(put);
			goto done;
		}
		if (put == 1) {
			it->status = DUPLICATE;
			continue;
		}
		added++;
		if (it->others.n && !json)
			fprintf(stderr,
				"prov: warning: '%s' is also claimed by %s%s\n",
				cli_esc(it->file->path), cli_esc(it->others.v[0]),
				it->others.n > 1 ? " and others" : "");
		for (size_t m = 0; !json && m < json_array_size(it->near); m++) {
			json_t *e = json_array_get(it->near, m);

			fprintf(stderr,
				"prov: warning: '%s' looks like work %s by %s "
				"(%s, fingerprint distance %d)\n",
				cli_esc(it->file->path),
				json_string_value(json_object_get(e, "id")),
				cli_esc(json_string_value(
					json_object_get(e, "creator"))),
				cli_esc(json_string_value(
					json_object_get(e, "path"))),
				(int)json_integer_value(
					json_object_get(e, "distance")));
		}
		if (it->fp_err && !json)
			fprintf(stderr,
				"prov: warning: '%s': no fingerprint: %s\n",
				cli_esc(it->file->path), cli_esc(it->fp_err));
	}
	buf_printf(&msg, "register %zu work%s\n\nby %s\n", added,
		   added == 1 ? "" : "s", k->did);
	if (store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		fprintf(stderr, "prov: nothing was registered\n");
		goto done;
	}
	/* The cache only saves work; failing to write it loses nothing. */
	fileset_cache_update(&fs, cache);
	statcache_save(cache);
	print_result(&j, added, json);
	if (fs.skipped && !json)
		fprintf(stderr, "prov: skipped %zu symlinks or special files\n",
			fs.skipped);
done:
	for (size_t i = 0; i < j.n; i++) {
		free(j.items[i].errmsg);
		buf_release(&j.items[i].envelope);
		json_decref(j.items[i].payload);
		strlist_release(&j.items[i].others);
		free(j.items[i].fp_err);
		json_decref(j.items[i].near);
	}
	free(j.items);
	fileset_release(&fs);
	free(norm);
	statcache_free(cache);
	key_free(k);
	store_free(s);
	buf_release(&cachefile);
	buf_release(&msg);
	strlist_release(&args);
	strlist_release(&allow);
	strlist_release(&deny);
	return CLI_EXIT(rc);
}

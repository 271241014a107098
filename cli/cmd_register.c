/* prov register: hash files on every core, sign one work record per file,
 * and commit them all at once, or nothing at all. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "license/license.h"

struct item {
	char *path; /* as found: the name the user knows it by */
	struct stat st;
	int follow; /* named on the command line: a symlink is followed */
	uint8_t digest[32];
	int cached;
	/* filled by the workers */
	struct buf envelope;
	char id[RECORD_ID_MAX];
	json_t *payload;
	int err; /* PROV_E* */
	char *errmsg;
	/* filled after */
	enum { NEW, UNCHANGED, DUPLICATE } status;
	struct strlist others; /* other creators claiming this content */
	struct item *dup_of;   /* DUPLICATE: the item with the same content */
};

struct job {
	struct item *items;
	size_t n;
	atomic_size_t done;
	pthread_t main; /* draws the progress bar */
	struct statcache *cache;
	const char *cwd;
	const struct key *key;
	struct work_claim claim; /* shared fields */
	int64_t now;
	int progress;
};

/* ---- collecting files --------------------------------------------------- */

struct files {
	struct item *v;
	size_t n, cap;
	size_t skipped; /* symlinks and special files met while recursing */
};

static void add_file(struct files *f, const char *path, const struct stat *st,
		     int follow)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 256;
		f->v = xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	memset(&f->v[f->n], 0, sizeof(f->v[f->n]));
	f->v[f->n].path = xstrdup(path);
	f->v[f->n].st = *st;
	f->v[f->n].follow = follow;
	buf_init(&f->v[f->n].envelope, 0);
	f->n++;
}

static int walk_dir(struct files *f, const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int rc = 0;

	if (!dp)
		return prov_error_set(PROV_EIO, "'%s': %s", dir, errstr(errno));
	while (!rc && (errno = 0, d = readdir(dp))) {
		struct stat st;
		char *path;
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
		    !strcmp(d->d_name, ".prov") || !strcmp(d->d_name, ".git"))
			continue;
		path = xasprintf("%s/%s", dir, d->d_name);
		if (lstat(path, &st))
			rc = prov_error_set(PROV_EIO, "'%s': %s", path,
					    errstr(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk_dir(f, path);
		else if (S_ISREG(st.st_mode))
			add_file(f, path, &st, 0);
		else
			f->skipped++;
		free(path);
	}
	closedir(dp);
	return rc;
}

static int collect(struct files *f, struct strlist *paths, int recursive)
{
	for (size_t i = 0; i < paths->n; i++) {
		const char *p = paths->v[i];
		struct stat st;
		if (stat(p, &st))
			return prov_error_set(errno == ENOENT ? PROV_ENOTFOUND : PROV_EIO,
					      "'%s': %s", p, errstr(errno));
		if (S_ISDIR(st.st_mode)) {
			if (!recursive)
				return prov_error_set(PROV_EINVALID,
						      "'%s' is a directory (use -r)", p);
			int rc = walk_dir(f, p);
			if (rc)
				return rc;
		} else if (S_ISREG(st.st_mode)) {
			add_file(f, p, &st, 1);
		} else {
			return prov_error_set(PROV_EINVALID,
					      "'%s' is not a regular file", p);
		}
	}
	return 0;
}

static int item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->path, ((const struct item *)b)->path);
}

/* ---- hashing and signing, on every core ---------------------------------- */

/* The stat cache is keyed by absolute path, so the same file named from
 * another folder is still found. No symlinks are resolved (realpath() costs
 * a system call per path component); the inode in the entry guards
 * against a different file under the same name. */
static void cache_key(char out[PATH_MAX], const char *cwd, const char *path)
{
	int n = path[0] == '/' ? snprintf(out, PATH_MAX, "%s", path) :
				 snprintf(out, PATH_MAX, "%s/%s", cwd, path);
	if (n < 0 || n >= PATH_MAX)
		out[0] = '\0'; /* too long to cache: an empty key never matches */
}

static void work_one(struct job *j, struct item *it)
{
	struct work_claim c = j->claim;
	char abs[PATH_MAX], *name;
	const char *slash;

	cache_key(abs, j->cwd, it->path);
	it->cached = statcache_get(j->cache, abs, &it->st, it->digest);
	if (!it->cached &&
	    sha256_file_checked(it->digest, it->path, &it->st, it->follow)) {
		it->err = prov_error_code();
		it->errmsg = xstrdup(prov_error_last());
		return;
	}
	memcpy(c.sha256, it->digest, 32);
	c.size = (uint64_t)it->st.st_size;
	slash = strrchr(it->path, '/');
	/* The name is informational and JSON needs UTF-8: invalid bytes become
	 * U+FFFD rather than failing a whole folder over one file name. */
	name = utf8_sanitize(slash ? slash + 1 : it->path);
	c.name = name;
	c.media_type = media_type_guess(name);
	it->payload = work_payload(&c, j->key->did, j->now);
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

/* The first failure of a parallel pass, as the command's error. */
static int first_error(struct files *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].err)
			return prov_error_set(f->v[i].err, "%s", f->v[i].errmsg);
	return 0;
}

static void work_item(size_t i, void *payload)
{
	struct job *j = payload;
	size_t done;

	work_one(j, &j->items[i]);
	done = atomic_fetch_add(&j->done, 1) + 1;
	/* Only the main thread draws, so the bar needs no lock. */
	if (j->progress && pthread_equal(pthread_self(), j->main))
		cli_progress("hashing", done, j->n);
}

static void run_workers(struct job *j)
{
	j->main = pthread_self();
	parallel_for(j->n, work_item, j);
	if (j->progress) {
		cli_progress("hashing", j->n, j->n);
		cli_progress_end();
	}
}

/* ---- claims already in the registry -------------------------------------- */

struct existing {
	struct item *it;
	const char *me;
};

static int existing_cb(const char *path, const void *data, size_t n, void *p)
{
	struct existing *e = p;
	struct record *r = NULL;
	const char *creator;

	if (record_parse(&r, data, n)) {
		prov_error_wrap("'%s'", path);
		return prov_error_code();
	}
	/* A record that does not verify is nobody's claim ('prov verify'
	 * reports it); one that does was signed by its creator. */
	if (record_verify(r)) {
		prov_error_clear();
		record_free(r);
		return 0;
	}
	creator = json_string_value(json_object_get(r->payload, "creator"));
	if (creator && !strcmp(creator, e->me) &&
	    work_same_claim(r->payload, e->it->payload)) {
		/* Report the record that is there, not the one we made. */
		e->it->status = UNCHANGED;
		memcpy(e->it->id, r->id, sizeof(e->it->id));
	} else if (creator && strcmp(creator, e->me) &&
		   !strlist_has(&e->it->others, creator)) {
		strlist_push(&e->it->others, creator);
	}
	record_free(r);
	return 0;
}

static int check_existing(struct store *s, struct item *it, const char *me)
{
	struct existing e = { it, me };
	char hex[65], prefix[80];

	hex_encode(hex, it->digest, 32);
	snprintf(prefix, sizeof(prefix), "works/%.2s/%.2s/%s", hex, hex + 2, hex);
	return store_walk(s, prefix, existing_cb, &e);
}

/* The same content twice in one run is one claim: the first path wins. */
static int digest_cmp(const void *a, const void *b)
{
	const struct item *x = *(struct item *const *)a, *y = *(struct item *const *)b;
	int c = memcmp(x->digest, y->digest, 32);

	return c ? c : strcmp(x->path, y->path);
}

static void mark_duplicates(struct files *f)
{
	struct item **by = xcalloc(f->n, sizeof(*by));

	for (size_t i = 0; i < f->n; i++)
		by[i] = &f->v[i];
	qsort(by, f->n, sizeof(*by), digest_cmp);
	for (size_t i = 1, first = 0; i < f->n; i++) {
		if (memcmp(by[i]->digest, by[first]->digest, 32)) {
			first = i;
			continue;
		}
		by[i]->status = DUPLICATE;
		by[i]->dup_of = by[first];
	}
	free(by);
}

/* ---- options ----------------------------------------------------------- */

static int parse_uses(struct work_claim *c, struct strlist *allow,
		      struct strlist *deny)
{
	struct strlist *lists[2] = { allow, deny };
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
			if (c->training[u] && strcmp(c->training[u], values[l]))
				return prov_error_set(PROV_EINVALID,
						      "'%s' is both allowed and denied",
						      lists[l]->v[i]);
			c->training[u] = values[l];
		}
	return 0;
}

static void print_result(struct files *f, size_t added, int json)
{
	json_t *arr = json ? json_array() : NULL;

	for (size_t i = 0; i < f->n; i++) {
		struct item *it = &f->v[i];
		if (it->dup_of)
			memcpy(it->id, it->dup_of->id, sizeof(it->id));
		const char *status = it->status == NEW ? "registered" :
				     it->status == UNCHANGED ? "unchanged" :
							       "duplicate";
		char hex[65];
		hex_encode(hex, it->digest, 32);
		if (json) {
			json_t *others = json_array();
			char *path = utf8_sanitize(it->path); /* JSON is UTF-8 */
			for (size_t k = 0; k < it->others.n; k++)
				json_array_append_new(others,
						      json_string(it->others.v[k]));
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:s, s:s, s:o}", "path",
					       path, "id", it->id, "sha256", hex,
					       "status", status, "also_claimed_by",
					       others));
			free(path);
		} else {
			printf("%s  %s  %s\n", status, it->id, cli_esc(it->path));
		}
	}
	if (json) {
		cli_print_json(arr);
		json_decref(arr);
	} else {
		printf("%zu registered, %zu unchanged or duplicate\n", added,
		       f->n - added);
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
		"another identity is still recorded, with a warning.",
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
	struct files f = { 0 };
	struct job j = { 0 };
	struct store *s = NULL;
	struct statcache *cache = NULL;
	struct key *k = NULL;
	struct account acct;
	struct buf cachefile = BUF_INIT, msg = BUF_INIT;
	char *norm = NULL, commit[41] = "", cwd[PATH_MAX];
	size_t added = 0;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!license) {
		rc = cli_usage_error("register: --license is required");
		goto done;
	}
	if (license_expr_check(license, &norm) ||
	    (payout && account_parse(&acct, payout)) ||
	    parse_uses(&j.claim, &allow, &deny) ||
	    collect(&f, &args, recursive) || cli_open_store(&s) ||
	    cli_load_identity(&k, as)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (!f.n) {
		rc = cli_usage_error("register: no files found");
		goto done;
	}
	qsort(f.v, f.n, sizeof(*f.v), item_cmp);
	j.claim.license = norm;
	j.claim.payout = payout ? acct.text : NULL;
	/* Wait for another writer, then hash: the registry cannot change
	 * under us between the check for earlier claims and the commit. */
	if (store_lock(s, cli_lock_wait_ms())) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	buf_printf(&cachefile, "%s/statcache", store_path(s));
	statcache_open(&cache, cachefile.ptr);
	if (!getcwd(cwd, sizeof(cwd))) {
		rc = cli_fail(prov_error_set(PROV_EIO, "cannot read the current folder"));
		goto done;
	}
	j.cwd = cwd;
	j.items = f.v;
	j.n = f.n;
	j.cache = cache;
	j.key = k;
	j.now = (int64_t)time(NULL);
	j.progress = cli_progress_enabled() && f.n >= 200;
	run_workers(&j);
	if ((rc = first_error(&f))) {
		rc = cli_fail(rc);
		fprintf(stderr, "prov: nothing was registered\n");
		goto done;
	}
	mark_duplicates(&f);
	if (store_begin(s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	for (size_t i = 0; i < f.n; i++)
		if (f.v[i].status != DUPLICATE && check_existing(s, &f.v[i], k->did)) {
			rc = cli_fail(prov_error_code());
			goto done;
		}
	parallel_for(f.n, sign_item, &j);
	if ((rc = first_error(&f))) {
		rc = cli_fail(rc);
		fprintf(stderr, "prov: nothing was registered\n");
		goto done;
	}
	for (size_t i = 0; i < f.n; i++) {
		struct item *it = &f.v[i];
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
				cli_esc(it->path), cli_esc(it->others.v[0]),
				it->others.n > 1 ? " and others" : "");
	}
	buf_printf(&msg, "register %zu work%s\n\nby %s\n", added,
		   added == 1 ? "" : "s", k->did);
	if (store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		fprintf(stderr, "prov: nothing was registered\n");
		goto done;
	}
	for (size_t i = 0; i < f.n; i++)
		if (!f.v[i].cached) {
			char abs[PATH_MAX];
			cache_key(abs, cwd, f.v[i].path);
			statcache_set(cache, abs, &f.v[i].st, f.v[i].digest);
		}
	/* The cache only saves work; failing to write it loses nothing. */
	statcache_save(cache);
	print_result(&f, added, json);
	if (f.skipped && !json)
		fprintf(stderr, "prov: skipped %zu symlinks or special files\n",
			f.skipped);
done:
	for (size_t i = 0; i < f.n; i++) {
		free(f.v[i].path);
		free(f.v[i].errmsg);
		buf_release(&f.v[i].envelope);
		json_decref(f.v[i].payload);
		strlist_release(&f.v[i].others);
	}
	free(f.v);
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

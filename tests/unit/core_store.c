/* The git-backed store: what init and open accept, write transactions (one
 * pack per commit, nothing on disk after an abort or a lost race), reads,
 * walks, history and signatures as stock git sees them, the writer lock,
 * and remotes (fetch, merge, push). Stock git, run through system(), is the
 * independent judge of what ends up on disk. */
#define _GNU_SOURCE /* nftw's FTW_PHYS */
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "unit.h"

static char *path_in_tmp(const char *name)
{
	return xasprintf("%s/%s", unit_tmpdir(), name);
}

/* Runs a shell command; with out, captures its stdout without the final
 * newline. Returns the exit status, or -1 if it did not run. */
static int sh(struct buf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int sh(struct buf *out, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	char chunk[4096];
	va_list ap;
	FILE *p;
	size_t n;
	int st;

	if (!out)
		buf_puts(&cmd, "{ ");
	va_start(ap, fmt);
	buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	if (!out) {
		/* git's chatter goes to stderr, away from the "ok" lines. */
		buf_puts(&cmd, "\n} 1>&2");
		st = system(cmd.ptr);
		buf_release(&cmd);
		return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
	}
	buf_clear(out);
	p = popen(cmd.ptr, "r");
	buf_release(&cmd);
	if (!p)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_put(out, chunk, n);
	st = pclose(p);
	while (out->len && out->ptr[out->len - 1] == '\n')
		out->ptr[--out->len] = '\0';
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* The branch tip of a registry as stock git reads it; "" when unborn. */
static void tip_of(char out[41], const char *dir)
{
	struct buf b = BUF_INIT;

	out[0] = '\0';
	if (sh(&b, "git -C '%s/.prov' rev-parse -q --verify refs/heads/main",
	       dir) == 0 &&
	    b.len == 40)
		memcpy(out, b.ptr, 41);
	buf_release(&b);
}

/* 1 when stock git finds a blob of these bytes in the registry, 0 when
 * not, -1 when it cannot tell. */
static int has_blob(const char *dir, const char *bytes)
{
	struct buf oid = BUF_INIT;
	int st = -1;

	if (sh(&oid, "printf '%%s' '%s' | git hash-object --stdin", bytes) ==
		    0 &&
	    oid.len == 40)
		st = sh(NULL, "git -C '%s/.prov' cat-file -e %s", dir, oid.ptr);
	buf_release(&oid);
	return st == 0 ? 1 : st == 1 ? 0 : -1;
}

static int fsck_ok(const char *dir)
{
	return sh(NULL, "git -C '%s/.prov' fsck --full --strict --no-dangling",
		  dir) == 0;
}

/* ---- counting files under .prov/objects ---------------------------------- */

struct objcount {
	int files; /* every regular file */
	int loose; /* objects/xx/... */
	int packs; /* objects/pack/pack-*.pack */
	int idx;   /* objects/pack/pack-*.idx */
	int other; /* anything else (temporary files, say) */
};
static struct objcount *counting;

static int is_hex2(const char *s, size_t n)
{
	return n == 2 && strchr("0123456789abcdef", s[0]) &&
	       strchr("0123456789abcdef", s[1]);
}

static int count_cb(const char *path, const struct stat *st, int type,
		    struct FTW *f)
{
	const char *name = path + f->base;
	const char *end = path + f->base - 1; /* the '/' before name */
	const char *parent = end;
	size_t nlen = strlen(name);

	if (type != FTW_F)
		return 0;
	counting->files++;
	while (parent > path && parent[-1] != '/')
		parent--;
	if (end - parent == 4 && !strncmp(parent, "pack", 4)) {
		if (!strncmp(name, "pack-", 5) && nlen == 50 &&
		    !strcmp(name + 45, ".pack"))
			counting->packs++;
		else if (!strncmp(name, "pack-", 5) && nlen == 49 &&
			 !strcmp(name + 45, ".idx"))
			counting->idx++;
		else
			counting->other++;
	} else if (is_hex2(parent, (size_t)(end - parent))) {
		counting->loose++;
	} else {
		counting->other++;
	}
	return 0;
}

static struct objcount count_objects(const char *dir)
{
	struct objcount c = {0};
	char *objects = xasprintf("%s/.prov/objects", dir);

	counting = &c;
	if (nftw(objects, count_cb, 16, FTW_PHYS))
		c.files = -1;
	counting = NULL;
	free(objects);
	return c;
}

/* ---- collecting walks and history ---------------------------------------- */

static int collect_walk(const char *path, const void *data, size_t n,
			void *payload)
{
	struct buf *b = payload;

	buf_printf(b, "%s=", path);
	buf_put(b, data, n);
	buf_putc(b, '\n');
	return 0;
}

static int collect_list(const char *path, void *payload)
{
	struct buf *b = payload;

	buf_printf(b, "%s\n", path);
	return 0;
}

struct stopper {
	int calls, stop_at, ret;
};

static int stop_walk(const char *path, const void *data, size_t n,
		     void *payload)
{
	struct stopper *s = payload;

	return ++s->calls == s->stop_at ? s->ret : 0;
}

static int stop_list(const char *path, void *payload)
{
	struct stopper *s = payload;

	return ++s->calls == s->stop_at ? s->ret : 0;
}

/* One line per commit: "C <id> <signed_ok> <did> <nparents> <author>|
 * <summary>", then one per change: "A path", "M path" or "D path". */
static int collect_history(const struct store_commit_info *c,
			   enum store_change change, const char *path,
			   void *payload)
{
	struct buf *b = payload;

	if (!path)
		return buf_printf(b, "C %s %d %s %zu %s|%s\n", c->id,
				  c->signed_ok, c->signer_did, c->nparents,
				  c->author, c->summary);
	return buf_printf(b, "%c %s\n",
			  change == STORE_ADDED	     ? 'A'
			  : change == STORE_MODIFIED ? 'M'
						     : 'D',
			  path);
}

static int stop_history(const struct store_commit_info *c,
			enum store_change change, const char *path,
			void *payload)
{
	struct stopper *s = payload;

	return ++s->calls == s->stop_at ? s->ret : 0;
}

/* ---- helpers for building registries ------------------------------------- */

/* A fresh registry in tmp/name, opened. */
static int new_registry(struct store **out, char **dir, const char *name)
{
	int rc;

	*out = NULL;
	*dir = path_in_tmp(name);
	if ((rc = store_init(*dir)))
		return rc;
	return store_open(out, *dir);
}

/* One commit holding path=contents pairs (a NULL-terminated list). */
static int commit_files(struct store *s, const struct key *k, const char *msg,
			char hex[41], ...)
{
	va_list ap;
	const char *path;
	int rc;

	hex[0] = '\0';
	if ((rc = store_begin(s)))
		return rc;
	va_start(ap, hex);
	while ((path = va_arg(ap, const char *))) {
		const char *data = va_arg(ap, const char *);
		if ((rc = store_put(s, path, data, strlen(data))) < 0)
			break;
	}
	va_end(ap);
	if (rc < 0) {
		store_abort(s);
		return rc;
	}
	return store_commit(s, k, msg, hex);
}

static int read_is(struct store *s, const char *path, const void *want,
		   size_t n)
{
	struct buf b = BUF_INIT;
	int ok = store_read(&b, s, path) == 0 && b.len == n &&
		 !memcmp(b.ptr, want, n);

	buf_release(&b);
	return ok;
}

/* ---- init and open ------------------------------------------------------- */

static void init_and_open(void)
{
	char *dir = path_in_tmp("init");
	char *plain = path_in_tmp("plain");
	char *work = path_in_tmp("gitwork");
	char *bare = path_in_tmp("bare.git");
	char *fake = path_in_tmp("fake");
	char *fakeprov = path_in_tmp("fake/.prov");
	char *prov = xasprintf("%s/.prov", dir);
	char *gitdir = xasprintf("%s/.git", work);
	char *missing = path_in_tmp("no/such/folder");
	struct store *s = NULL, *s2 = NULL;
	struct buf out = BUF_INIT;
	struct stat st;

	CHECK(store_init(dir) == 0);
	CHECK(stat(prov, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(sh(&out, "git -C '%s' rev-parse --is-bare-repository", prov) ==
	      0);
	CHECK_STR(out.ptr, "true");
	CHECK(sh(&out, "git -C '%s' config prov.registry", prov) == 0);
	CHECK_STR(out.ptr, "1");
	CHECK(sh(&out, "git -C '%s' symbolic-ref HEAD", prov) == 0);
	CHECK_STR(out.ptr, "refs/heads/main");
	/* init never reuses or rewrites an existing registry */
	CHECK(store_init(dir) == PROV_EEXISTS);

	CHECK(store_open(&s, dir) == 0);
	CHECK(s != NULL);
	CHECK_STR(store_path(s), prov);
	CHECK(store_repo(s) != NULL);
	CHECK(store_has_commits(s) == 0);
	CHECK(store_read(&out, s, "anything") == PROV_ENOTFOUND);
	/* the registry folder itself opens too */
	CHECK(store_open(&s2, prov) == 0);
	CHECK_STR(store_path(s2), prov);
	store_free(s2);
	s2 = NULL;

	/* a folder that is not a registry */
	CHECK(mkdir_p(plain, 0755) == 0);
	CHECK(store_open(&s2, plain) == PROV_ENOTFOUND);
	CHECK(s2 == NULL);
	CHECK(strstr(prov_error_last(), "not a prov registry") != NULL);
	CHECK(store_open(&s2, missing) == PROV_ENOTFOUND);
	CHECK(s2 == NULL);
	/* git repositories that are not registries: a work tree, its .git,
	 * a bare repository, and a bare .prov without the marker */
	CHECK(sh(NULL,
		 "git init -q '%s' && git init -q --bare '%s' && "
		 "git init -q --bare '%s'",
		 work, bare, fakeprov) == 0);
	CHECK(store_open(&s2, work) == PROV_ENOTFOUND);
	CHECK(store_open(&s2, gitdir) == PROV_ENOTFOUND);
	CHECK(store_open(&s2, bare) == PROV_ENOTFOUND);
	CHECK(store_open(&s2, fake) == PROV_ENOTFOUND);
	CHECK(store_open(&s2, fakeprov) == PROV_ENOTFOUND);
	CHECK(s2 == NULL);
	/* a marker with another value is not ours either */
	CHECK(sh(NULL, "git -C '%s' config prov.registry 2", fakeprov) == 0);
	CHECK(store_open(&s2, fake) == PROV_ENOTFOUND);
	CHECK(sh(NULL, "git -C '%s' config prov.registry 1", fakeprov) == 0);
	CHECK(store_open(&s2, fake) == 0);
	store_free(s2);

	store_free(s);
	buf_release(&out);
	free(dir);
	free(plain);
	free(work);
	free(bare);
	free(fake);
	free(fakeprov);
	free(prov);
	free(gitdir);
	free(missing);
}

/* ---- transactions -------------------------------------------------------- */

static void commit_and_read(void)
{
	static const char bin[] = {'b', 0, 'i', '\n', (char)0xff, 'n'};
	struct store *s = NULL, *s2 = NULL;
	struct key *k = NULL;
	char *dir = NULL;
	char hex[41], tip[41];
	struct objcount before, after;
	struct buf out = BUF_INIT;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&s, &dir, "commit") == 0);
	before = count_objects(dir);
	CHECK(before.files == 0);

	CHECK(store_begin(s) == 0);
	CHECK(store_begin(s) == PROV_ERROR); /* one transaction at a time */
	CHECK(store_put(s, "records/license/ab/abcd.json", "{\"a\":1}", 7) ==
	      0);
	CHECK(store_put(s, "works/00/11/0011ff/0123.json", bin, sizeof(bin)) ==
	      0);
	CHECK(store_put(s, "top.txt", "top\n", 4) == 0);
	CHECK(store_put(s, "empty", "", 0) == 0);
	/* nothing is visible before the commit */
	CHECK(store_has_commits(s) == 0);
	tip_of(tip, dir);
	CHECK_STR(tip, "");
	CHECK(store_commit(s, k, "first", hex) == 0);
	CHECK(strlen(hex) == 40);
	CHECK(strspn(hex, "0123456789abcdef") == 40);
	tip_of(tip, dir);
	CHECK_STR(tip, hex);
	CHECK(store_has_commits(s) == 1);

	CHECK(read_is(s, "records/license/ab/abcd.json", "{\"a\":1}", 7));
	CHECK(read_is(s, "works/00/11/0011ff/0123.json", bin, sizeof(bin)));
	CHECK(read_is(s, "top.txt", "top\n", 4));
	CHECK(read_is(s, "empty", "", 0));
	CHECK(store_read(&out, s, "nope") == PROV_ENOTFOUND);
	CHECK(store_read(&out, s, "records/license") != 0); /* a folder */
	/* another handle sees the same */
	CHECK(store_open(&s2, dir) == 0);
	CHECK(read_is(s2, "works/00/11/0011ff/0123.json", bin, sizeof(bin)));
	/* stock git agrees on the bytes and the message */
	CHECK(sh(&out, "git -C '%s/.prov' show main:top.txt", dir) == 0);
	CHECK_STR(out.ptr, "top");
	CHECK(sh(&out, "git -C '%s/.prov' log -1 --format=%%s/%%an/%%ae",
		 dir) == 0);
	CHECK(!strncmp(out.ptr, "first/alice/", 12));
	CHECK_STR(out.ptr + 12, k->did);

	/* one pack with its index, no loose objects, nothing else */
	after = count_objects(dir);
	CHECK(after.packs == 1 && after.idx == 1);
	CHECK(after.loose == 0 && after.other == 0);
	CHECK(after.files == 2);
	CHECK(fsck_ok(dir));

	store_free(s2);
	store_free(s);
	key_free(k);
	buf_release(&out);
	free(dir);
}

static void put_rules(void)
{
	static const char *const invalid[] = {
		"",  "/a",  "a//b", "a/../b", "a/", "..",
		".", "./a", "a/.",  "a/..",   "/",  "//",
	};
	struct store *s = NULL;
	struct key *k = NULL;
	char *dir = NULL;
	char hex[41], first[41];
	struct buf out = BUF_INIT;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&s, &dir, "put") == 0);
	CHECK(store_put(s, "a", "x", 1) == PROV_ERROR); /* outside a tx */
	CHECK(commit_files(s, k, "base", first, "a/b.txt", "one", "f", "file",
			   NULL) == 0);

	CHECK(store_begin(s) == 0);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(*invalid); i++) {
		if (store_put(s, invalid[i], "x", 1) != PROV_EINVALID) {
			fprintf(stderr, "path '%s' was accepted\n", invalid[i]);
			CHECK(0);
		}
	}
	/* names that only look like dots are fine */
	CHECK(store_put(s, "...", "d", 1) == 0);
	CHECK(store_put(s, "a/.x", "d", 1) == 0);
	/* against the tip */
	CHECK(store_put(s, "a/b.txt", "one", 3) == 1);
	CHECK(store_put(s, "a/b.txt", "two", 3) == PROV_ECONFLICT);
	CHECK(strstr(prov_error_last(), "a/b.txt") != NULL);
	CHECK(store_put(s, "a/b.txt/c", "x", 1) == PROV_ECONFLICT);
	CHECK(store_put(s, "f/deeper/still", "x", 1) == PROV_ECONFLICT);
	CHECK(store_put(s, "a", "x", 1) == PROV_ECONFLICT); /* a folder */
	/* against this transaction */
	CHECK(store_put(s, "n/new", "x", 1) == 0);
	CHECK(store_put(s, "n/new", "x", 1) == 1);
	CHECK(store_put(s, "n/new", "y", 1) == PROV_ECONFLICT);
	CHECK(store_put(s, "n/new/deeper", "x", 1) == PROV_ECONFLICT);
	CHECK(store_put(s, "n", "x", 1) == PROV_ECONFLICT);
	CHECK(store_commit(s, k, "second", hex) == 0);
	CHECK(strlen(hex) == 40 && strcmp(hex, first));

	/* only the accepted puts landed, and the old files are intact */
	CHECK(store_list(s, "", collect_list, &out) == 0);
	CHECK_STR(out.ptr, "...\na/.x\na/b.txt\nf\nn/new\n");
	CHECK(read_is(s, "a/b.txt", "one", 3));
	CHECK(read_is(s, "f", "file", 4));
	CHECK(read_is(s, "n/new", "x", 1));
	CHECK(sh(&out, "git -C '%s/.prov' rev-parse main^", dir) == 0);
	CHECK_STR(out.ptr, first);
	CHECK(fsck_ok(dir));

	store_free(s);
	key_free(k);
	buf_release(&out);
	free(dir);
}

static void abort_and_empty_commit(void)
{
	struct store *s = NULL;
	struct key *k = NULL;
	char *dir = NULL;
	char hex[41], tip[41], now[41];
	struct objcount before, after;
	struct buf out = BUF_INIT;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&s, &dir, "abort") == 0);
	CHECK(commit_files(s, k, "base", tip, "keep", "kept", NULL) == 0);
	before = count_objects(dir);

	/* an aborted transaction leaves no commit and no file */
	CHECK(store_begin(s) == 0);
	CHECK(store_put(s, "x/1", "one", 3) == 0);
	CHECK(store_put(s, "x/2", "two", 3) == 0);
	CHECK(store_put(s, "y/deep/3", "three", 5) == 0);
	store_abort(s);
	store_abort(s); /* harmless twice */
	after = count_objects(dir);
	CHECK(after.files == before.files && after.loose == 0 &&
	      after.packs == before.packs && after.other == 0);
	tip_of(now, dir);
	CHECK_STR(now, tip);
	CHECK(store_read(&out, s, "x/1") == PROV_ENOTFOUND);
	CHECK(store_commit(s, k, "closed", hex) == PROV_ERROR);
	CHECK_STR(hex, "");

	/* the aborted objects are not resurrected by the next commit */
	CHECK(store_begin(s) == 0);
	CHECK(store_put(s, "z", "zed", 3) == 0);
	CHECK(store_commit(s, k, "z", hex) == 0);
	CHECK(strlen(hex) == 40);
	CHECK(!has_blob(dir, "one"));
	CHECK(has_blob(dir, "zed"));
	snprintf(tip, sizeof(tip), "%s", hex);
	before = count_objects(dir);

	/* nothing staged: no commit, hex "" */
	CHECK(store_begin(s) == 0);
	CHECK(store_commit(s, k, "nothing", hex) == 0);
	CHECK_STR(hex, "");
	/* only bytes that are already there: no commit either */
	CHECK(store_begin(s) == 0);
	CHECK(store_put(s, "keep", "kept", 4) == 1);
	CHECK(store_put(s, "z", "zed", 3) == 1);
	snprintf(hex, sizeof(hex), "%s", "unchanged");
	CHECK(store_commit(s, k, "same bytes", hex) == 0);
	CHECK_STR(hex, "");
	after = count_objects(dir);
	CHECK(after.files == before.files && after.packs == before.packs);
	tip_of(now, dir);
	CHECK_STR(now, tip);
	CHECK(sh(&out, "git -C '%s/.prov' rev-list --count main", dir) == 0);
	CHECK_STR(out.ptr, "2");

	store_free(s);
	key_free(k);
	buf_release(&out);
	free(dir);
}

static void one_pack_per_commit(void)
{
	struct store *s = NULL;
	struct key *k = NULL;
	char *dir = NULL, *signers = NULL;
	char hex[41], path[64], data[64];
	struct objcount c;
	struct buf out = BUF_INIT, pub = BUF_INIT;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&s, &dir, "packs") == 0);
	for (int i = 1; i <= 4; i++) {
		CHECK(store_begin(s) == 0);
		for (int j = 0; j < 20 * i; j++) {
			snprintf(path, sizeof(path), "r/%02x/%d-%d.json",
				 (unsigned)(j * 37 % 256), i, j);
			snprintf(data, sizeof(data), "{\"i\":%d,\"j\":%d}", i,
				 j);
			CHECK(store_put(s, path, data, strlen(data)) == 0);
		}
		CHECK(store_commit(s, k, "batch", hex) == 0);
		c = count_objects(dir);
		CHECK(c.packs == i && c.idx == i);
		CHECK(c.loose == 0 && c.other == 0 && c.files == 2 * i);
	}
	CHECK(fsck_ok(dir));
	CHECK(sh(&out, "git -C '%s/.prov' ls-tree -r main | wc -l", dir) == 0);
	CHECK_STR(out.ptr, "200");
	CHECK(sh(&out, "git -C '%s/.prov' count-objects -v | grep '^count:'",
		 dir) == 0);
	CHECK_STR(out.ptr, "count: 0");
	CHECK(read_is(s, "r/25/4-1.json", "{\"i\":4,\"j\":1}", 13));

	/* each commit carries an SSH signature stock git verifies */
	signers = path_in_tmp("packs-signers");
	CHECK(ssh_pubkey_format(&pub, k->pk, "alice") == 0);
	CHECK(sh(NULL, "printf 'alice namespaces=\"git\" %%s' '%s' >'%s'",
		 pub.ptr, signers) == 0);
	CHECK(sh(NULL,
		 "for c in $(git -C '%s/.prov' rev-list main); do "
		 "git -C '%s/.prov' -c gpg.ssh.allowedSignersFile='%s' "
		 "verify-commit $c 2>/dev/null || exit 1; done",
		 dir, dir, signers) == 0);

	store_free(s);
	key_free(k);
	buf_release(&out);
	buf_release(&pub);
	free(signers);
	free(dir);
}

/* ---- reading ------------------------------------------------------------- */

static void walk_and_list(void)
{
	struct store *s = NULL;
	struct key *k = NULL;
	char *dir = NULL;
	char hex[41];
	struct buf out = BUF_INIT;
	struct stopper st = {0};

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&s, &dir, "walk") == 0);
	/* an empty registry walks nothing */
	CHECK(store_walk(s, "", collect_walk, &out) == 0);
	CHECK(store_list(s, "", collect_list, &out) == 0);
	CHECK(out.len == 0);
	/* staged in no particular order; git sorts "a" (a folder) as "a/",
	 * after "a-b" and "a.txt" */
	CHECK(commit_files(s, k, "files", hex, "b", "B", "c/d/e/f", "F", "a/y",
			   "Y", "a/x/1", "X1", "a.txt", "AT", "a-b", "AB",
			   "a/x/0", "X0", NULL) == 0);
	CHECK(store_walk(s, "", collect_walk, &out) == 0);
	CHECK_STR(out.ptr, "a-b=AB\na.txt=AT\na/x/0=X0\na/x/1=X1\na/y=Y\nb=B\n"
			   "c/d/e/f=F\n");
	buf_clear(&out);
	CHECK(store_list(s, "", collect_list, &out) == 0);
	CHECK_STR(out.ptr, "a-b\na.txt\na/x/0\na/x/1\na/y\nb\nc/d/e/f\n");
	/* under a prefix, paths stay whole */
	buf_clear(&out);
	CHECK(store_walk(s, "a", collect_walk, &out) == 0);
	CHECK_STR(out.ptr, "a/x/0=X0\na/x/1=X1\na/y=Y\n");
	buf_clear(&out);
	CHECK(store_list(s, "a/x", collect_list, &out) == 0);
	CHECK_STR(out.ptr, "a/x/0\na/x/1\n");
	buf_clear(&out);
	CHECK(store_list(s, "c/d", collect_list, &out) == 0);
	CHECK_STR(out.ptr, "c/d/e/f\n");
	/* a missing prefix or a file is nothing to walk */
	buf_clear(&out);
	CHECK(store_list(s, "nope", collect_list, &out) == 0);
	CHECK(store_list(s, "b", collect_list, &out) == 0);
	CHECK(store_walk(s, "a/x/0", collect_walk, &out) == 0);
	CHECK(out.len == 0);

	/* a non-zero return stops the walk and is returned */
	st = (struct stopper){.stop_at = 3, .ret = 42};
	CHECK(store_walk(s, "", stop_walk, &st) == 42);
	CHECK(st.calls == 3);
	st = (struct stopper){.stop_at = 5, .ret = PROV_EVERIFY};
	CHECK(store_list(s, "", stop_list, &st) == PROV_EVERIFY);
	CHECK(st.calls == 5);
	st = (struct stopper){.stop_at = 1, .ret = -100};
	CHECK(store_list(s, "a", stop_list, &st) == -100);
	CHECK(st.calls == 1);

	store_free(s);
	key_free(k);
	buf_release(&out);
	free(dir);
}

/* ---- history and signatures ---------------------------------------------- */

static void history(void)
{
	struct store *s = NULL;
	struct key *k = NULL;
	char *dir = NULL, *clone = NULL, *want = NULL;
	char c1[41], c2[41], c3[41], c4[41];
	struct buf out = BUF_INIT;
	struct stopper st = {0};

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&s, &dir, "history") == 0);
	CHECK(store_history(s, NULL, collect_history, &out) == 0);
	CHECK(out.len == 0);
	CHECK(commit_files(s, k, "first", c1, "p/2", "two", "p/1", "one",
			   NULL) == 0);
	CHECK(commit_files(s, k, "second", c2, "q/3", "three", NULL) == 0);

	CHECK(store_history(s, NULL, collect_history, &out) == 0);
	want = xasprintf("C %s 1 %s 0 alice|first\nA p/1\nA p/2\n"
			 "C %s 1 %s 1 alice|second\nA q/3\n",
			 c1, k->did, c2, k->did);
	CHECK_STR(out.ptr, want);
	free(want);
	/* with a prefix, every commit still, but only its changes */
	buf_clear(&out);
	CHECK(store_history(s, "q", collect_history, &out) == 0);
	want = xasprintf("C %s 1 %s 0 alice|first\n"
			 "C %s 1 %s 1 alice|second\nA q/3\n",
			 c1, k->did, c2, k->did);
	CHECK_STR(out.ptr, want);
	free(want);
	st = (struct stopper){.stop_at = 2, .ret = 9};
	CHECK(store_history(s, NULL, stop_history, &st) == 9);
	CHECK(st.calls == 2);

	/* a commit by stock git, unsigned, that edits a record */
	clone = path_in_tmp("history-clone");
	CHECK(sh(NULL,
		 "git clone -q '%s/.prov' '%s' && printf changed >'%s/p/1' && "
		 "git -C '%s' -c user.name=bob -c user.email=bob@example.com "
		 "-c commit.gpgsign=false commit -q -a -m edit && "
		 "git -C '%s' push -q origin main",
		 dir, clone, clone, clone, clone) == 0);
	tip_of(c3, dir);
	CHECK(strlen(c3) == 40 && strcmp(c3, c2));
	buf_clear(&out);
	CHECK(store_history(s, NULL, collect_history, &out) == 0);
	want = xasprintf("C %s 1 %s 0 alice|first\nA p/1\nA p/2\n"
			 "C %s 1 %s 1 alice|second\nA q/3\n"
			 "C %s 0  1 bob|edit\nM p/1\n",
			 c1, k->did, c2, k->did, c3);
	CHECK_STR(out.ptr, want);
	free(want);

	/* a signed commit whose message was altered afterwards: bad (-1) */
	CHECK(sh(NULL,
		 "cd '%s/.prov' && c=$(git cat-file commit %s | "
		 "sed 's/^second$/altered/' | git hash-object -w -t commit "
		 "--stdin) && git update-ref refs/heads/main $c",
		 dir, c2) == 0);
	tip_of(c4, dir);
	CHECK(strlen(c4) == 40 && strcmp(c4, c2));
	buf_clear(&out);
	CHECK(store_history(s, NULL, collect_history, &out) == 0);
	want = xasprintf("C %s 1 %s 0 alice|first\nA p/1\nA p/2\n"
			 "C %s -1  1 alice|altered\nA q/3\n",
			 c1, k->did, c4);
	CHECK_STR(out.ptr, want);
	free(want);

	store_free(s);
	key_free(k);
	buf_release(&out);
	free(clone);
	free(dir);
}

/* ---- concurrency --------------------------------------------------------- */

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000L +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000L;
}

static void lock(void)
{
	struct store *a = NULL, *b = NULL;
	char *dir = NULL;
	struct timespec t0;
	long ms;

	CHECK(new_registry(&a, &dir, "lock") == 0);
	CHECK(store_open(&b, dir) == 0);
	CHECK(store_lock(a, 0) == 0);
	CHECK(store_lock(a, 0) == 0); /* already ours */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(store_lock(b, 100) == PROV_ELOCKED);
	ms = elapsed_ms(&t0);
	CHECK(ms >= 90 && ms < 2000);
	CHECK(strstr(prov_error_last(), "locked") != NULL);
	CHECK(store_lock(b, 0) == PROV_ELOCKED);
	store_unlock(a);
	CHECK(store_lock(b, 100) == 0);
	CHECK(store_lock(a, 0) == PROV_ELOCKED);
	/* freeing a handle releases its lock */
	store_free(b);
	b = NULL;
	CHECK(store_lock(a, 100) == 0);
	store_unlock(a);
	store_unlock(a); /* harmless twice */

	store_free(a);
	free(dir);
}

static void lost_race(void)
{
	struct store *a = NULL, *b = NULL;
	struct key *k = NULL;
	char *dir = NULL;
	char base[41], hb[41], ha[41], tip[41];
	struct objcount before, after;
	struct buf out = BUF_INIT;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&a, &dir, "race") == 0);
	CHECK(commit_files(a, k, "base", base, "base", "b", NULL) == 0);
	CHECK(store_open(&b, dir) == 0);
	before = count_objects(dir);

	CHECK(store_begin(a) == 0);
	CHECK(store_put(a, "from-a/x", "bytes only A wrote", 18) == 0);
	CHECK(commit_files(b, k, "b wins", hb, "from-b/y", "B", NULL) == 0);
	CHECK(store_commit(a, k, "a loses", ha) == PROV_ELOCKED);
	CHECK_STR(ha, "");
	tip_of(tip, dir);
	CHECK_STR(tip, hb);
	/* B's pack only: A's commit, tree and blob are nowhere on disk */
	after = count_objects(dir);
	CHECK(after.packs == before.packs + 1 && after.idx == before.idx + 1);
	CHECK(after.loose == 0 && after.other == 0);
	CHECK(!has_blob(dir, "bytes only A wrote"));
	CHECK(has_blob(dir, "B"));
	CHECK(fsck_ok(dir));

	/* running it again works, on top of B's commit */
	CHECK(commit_files(a, k, "a again", ha, "from-a/x",
			   "bytes only A wrote", NULL) == 0);
	CHECK(sh(&out, "git -C '%s/.prov' rev-parse main^", dir) == 0);
	CHECK_STR(out.ptr, hb);
	CHECK(read_is(a, "from-b/y", "B", 1));
	CHECK(read_is(a, "from-a/x", "bytes only A wrote", 18));
	CHECK(fsck_ok(dir));

	store_free(a);
	store_free(b);
	key_free(k);
	buf_release(&out);
	free(dir);
}

/* ---- remotes ------------------------------------------------------------- */

struct seen {
	struct buf paths;
	const char *reject; /* a path to refuse */
};

static int check_incoming(const char *path, const void *data, size_t n,
			  void *payload)
{
	struct seen *s = payload;

	buf_printf(&s->paths, "%s=", path);
	buf_put(&s->paths, data, n);
	buf_putc(&s->paths, '\n');
	if (s->reject && !strcmp(path, s->reject))
		return prov_error_set(PROV_EVERIFY, "'%s' is refused", path);
	return 0;
}

static int collect_remote(const char *name, const char *url, void *payload)
{
	return buf_printf(payload, "%s %s\n", name, url);
}

static void fetch_and_fast_forward(void)
{
	struct store *one = NULL, *two = NULL;
	struct key *k = NULL;
	char *d1 = NULL, *d2 = NULL, *want = NULL;
	char h1[41], h2[41], theirs[41], tip[41];
	struct seen seen = {BUF_INIT, NULL};
	struct buf out = BUF_INIT;
	size_t added = 99;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&one, &d1, "ff-one") == 0);
	CHECK(new_registry(&two, &d2, "ff-two") == 0);
	CHECK(store_remote_add(two, "one", d1) == 0);
	CHECK(store_remote_add(two, "one", d1) == PROV_EINVALID);
	CHECK(store_remote_add(two, "-bad", d1) == PROV_EINVALID);
	CHECK(store_remote_list(two, collect_remote, &out) == 0);
	want = xasprintf("one %s/.prov\n", d1); /* the folder means its .prov */
	CHECK_STR(out.ptr, want);
	free(want);
	CHECK(store_fetch(two, "nope", theirs) == PROV_ENOTFOUND);

	/* an empty remote: nothing to merge */
	CHECK(store_fetch(two, "one", theirs) == 0);
	CHECK_STR(theirs, "");

	CHECK(commit_files(one, k, "first", h1, "r/a", "A", NULL) == 0);
	CHECK(commit_files(one, k, "second", h2, "r/b", "B", "s/c", "C",
			   NULL) == 0);
	CHECK(store_fetch(two, "one", theirs) == 0);
	CHECK_STR(theirs, h2);
	CHECK(sh(&out, "git -C '%s/.prov' rev-parse refs/remotes/one/main",
		 d2) == 0);
	CHECK_STR(out.ptr, h2);
	/* fetching does not touch our branch */
	CHECK(store_has_commits(two) == 0);

	/* into an empty registry: a fast-forward, no new commit */
	CHECK(store_merge(two, theirs, NULL, check_incoming, &seen, &added) ==
	      0);
	CHECK(added == 3);
	CHECK_STR(seen.paths.ptr, "r/a=A\nr/b=B\ns/c=C\n");
	tip_of(tip, d2);
	CHECK_STR(tip, h2);
	CHECK(read_is(two, "r/a", "A", 1));
	CHECK(read_is(two, "s/c", "C", 1));
	CHECK(fsck_ok(d2));

	/* again: nothing new */
	buf_clear(&seen.paths);
	CHECK(store_merge(two, theirs, NULL, check_incoming, &seen, &added) ==
	      0);
	CHECK(added == 0 && seen.paths.len == 0);
	/* an older commit of theirs is already ours */
	CHECK(store_merge(two, h1, NULL, check_incoming, &seen, &added) == 0);
	CHECK(added == 0 && seen.paths.len == 0);
	tip_of(tip, d2);
	CHECK_STR(tip, h2);

	/* ahead of us with our history: a fast-forward, only new files
	 * checked */
	CHECK(commit_files(one, k, "third", h1, "r/d", "D", NULL) == 0);
	CHECK(store_fetch(two, "one", theirs) == 0);
	CHECK_STR(theirs, h1);
	CHECK(store_merge(two, theirs, NULL, check_incoming, &seen, &added) ==
	      0);
	CHECK(added == 1);
	CHECK_STR(seen.paths.ptr, "r/d=D\n");
	tip_of(tip, d2);
	CHECK_STR(tip, h1);

	store_free(one);
	store_free(two);
	key_free(k);
	buf_release(&seen.paths);
	buf_release(&out);
	free(d1);
	free(d2);
}

static void true_merge(void)
{
	struct store *one = NULL, *two = NULL;
	struct key *k1 = NULL, *k2 = NULL;
	char *d1 = NULL, *d2 = NULL, *want = NULL;
	char base[41], h1[41], h2[41], theirs[41], tip[41];
	struct seen seen = {BUF_INIT, NULL};
	struct objcount before, after;
	struct buf out = BUF_INIT;
	size_t added = 0;

	CHECK(key_generate(&k1, "alice") == 0);
	CHECK(key_generate(&k2, "bob") == 0);
	CHECK(new_registry(&one, &d1, "merge-one") == 0);
	CHECK(new_registry(&two, &d2, "merge-two") == 0);
	CHECK(commit_files(one, k1, "base", base, "rec/x/0", "zero", NULL) ==
	      0);
	CHECK(store_remote_add(two, "one", d1) == 0);
	CHECK(store_fetch(two, "one", theirs) == 0);
	CHECK(store_merge(two, theirs, NULL, NULL, NULL, &added) == 0);
	CHECK(added == 1);

	/* both sides add a file to the same folder */
	CHECK(commit_files(one, k1, "one's", h1, "rec/x/1", "from one", "rec/y",
			   "Y", NULL) == 0);
	CHECK(commit_files(two, k2, "two's", h2, "rec/x/2", "from two", NULL) ==
	      0);
	CHECK(store_fetch(two, "one", theirs) == 0);
	CHECK_STR(theirs, h1);
	before = count_objects(d2);
	/* a real merge needs someone to sign it */
	CHECK(store_merge(two, theirs, NULL, check_incoming, &seen, &added) ==
	      STORE_NEEDS_KEY);
	tip_of(tip, d2);
	CHECK_STR(tip, h2);
	buf_clear(&seen.paths);
	CHECK(store_merge(two, theirs, k2, check_incoming, &seen, &added) == 0);
	CHECK(added == 2);
	CHECK_STR(seen.paths.ptr, "rec/x/1=from one\nrec/y=Y\n");
	tip_of(tip, d2);
	CHECK(strlen(tip) == 40 && strcmp(tip, h1) && strcmp(tip, h2));
	CHECK(sh(&out, "git -C '%s/.prov' rev-parse main^1 main^2", d2) == 0);
	want = xasprintf("%s\n%s", h2, h1);
	CHECK_STR(out.ptr, want);
	free(want);
	CHECK(sh(&out, "git -C '%s/.prov' ls-tree -r --name-only main", d2) ==
	      0);
	CHECK_STR(out.ptr, "rec/x/0\nrec/x/1\nrec/x/2\nrec/y");
	CHECK(read_is(two, "rec/x/1", "from one", 8));
	CHECK(read_is(two, "rec/x/2", "from two", 8));
	after = count_objects(d2);
	CHECK(after.packs == before.packs + 1 && after.loose == 0 &&
	      after.other == 0);
	CHECK(fsck_ok(d2));

	/* the merge commit is signed by k2 and reports no change of its own
	 * (the files came with one's commits) */
	buf_clear(&out);
	CHECK(store_history(two, NULL, collect_history, &out) == 0);
	want = xasprintf("C %s 1 %s 2 bob|prov pull: merge\n", tip, k2->did);
	CHECK(strlen(out.ptr) >= strlen(want));
	CHECK_STR(out.ptr + strlen(out.ptr) - strlen(want), want);
	free(want);
	CHECK(strstr(out.ptr, "A rec/x/1\n") != NULL); /* from one's commit */

	store_free(one);
	store_free(two);
	key_free(k1);
	key_free(k2);
	buf_release(&seen.paths);
	buf_release(&out);
	free(d1);
	free(d2);
}

static void merge_refusals(void)
{
	struct store *one = NULL, *two = NULL, *three = NULL;
	struct key *k = NULL;
	char *d1 = NULL, *d2 = NULL, *d3 = NULL;
	char h1[41], h2[41], theirs[41], tip[41];
	struct seen seen = {BUF_INIT, NULL};
	struct objcount before, after;
	size_t added = 0;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&one, &d1, "refuse-one") == 0);
	CHECK(new_registry(&two, &d2, "refuse-two") == 0);
	CHECK(new_registry(&three, &d3, "refuse-three") == 0);
	CHECK(commit_files(one, k, "one", h1, "same/path", "one's bytes",
			   "only/one", "1", NULL) == 0);
	CHECK(commit_files(two, k, "two", h2, "same/path", "two's bytes",
			   "only/two", "2", NULL) == 0);

	/* the same path with different bytes */
	CHECK(store_remote_add(two, "one", d1) == 0);
	CHECK(store_fetch(two, "one", theirs) == 0);
	before = count_objects(d2);
	CHECK(store_merge(two, theirs, k, check_incoming, &seen, &added) ==
	      PROV_ECONFLICT);
	CHECK(strstr(prov_error_last(), "'same/path'") != NULL);
	tip_of(tip, d2);
	CHECK_STR(tip, h2);
	after = count_objects(d2);
	CHECK(after.files == before.files && after.packs == before.packs);
	CHECK(read_is(two, "same/path", "two's bytes", 11));

	/* the check refuses a file: nothing is merged (a real merge) */
	CHECK(commit_files(one, k, "more", h1, "later/ok", "fine", "later/bad",
			   "evil", NULL) == 0);
	CHECK(store_remote_add(three, "one", d1) == 0);
	CHECK(store_fetch(three, "one", theirs) == 0);
	CHECK(commit_files(three, k, "three", h2, "mine", "3", NULL) == 0);
	before = count_objects(d3);
	seen.reject = "later/bad";
	CHECK(store_merge(three, theirs, k, check_incoming, &seen, &added) ==
	      PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "refused") != NULL);
	CHECK(strstr(seen.paths.ptr, "later/bad=evil\n") != NULL);
	tip_of(tip, d3);
	CHECK_STR(tip, h2);
	after = count_objects(d3);
	CHECK(after.files == before.files && after.packs == before.packs);
	CHECK(!store_read(&seen.paths, three, "mine"));

	/* ... and into an empty registry (a fast-forward) */
	store_free(three);
	three = NULL;
	free(d3);
	CHECK(new_registry(&three, &d3, "refuse-four") == 0);
	CHECK(store_remote_add(three, "one", d1) == 0);
	CHECK(store_fetch(three, "one", theirs) == 0);
	buf_clear(&seen.paths);
	CHECK(store_merge(three, theirs, NULL, check_incoming, &seen, &added) ==
	      PROV_EVERIFY);
	CHECK(store_has_commits(three) == 0);
	tip_of(tip, d3);
	CHECK_STR(tip, "");
	/* and once the check accepts, the same merge goes through */
	seen.reject = NULL;
	CHECK(store_merge(three, theirs, NULL, check_incoming, &seen, &added) ==
	      0);
	tip_of(tip, d3);
	CHECK_STR(tip, h1);

	store_free(one);
	store_free(two);
	store_free(three);
	key_free(k);
	buf_release(&seen.paths);
	free(d1);
	free(d2);
	free(d3);
}

/* The check callback runs while the merge is under way: a commit by
 * another handle there makes the merge lose the race for the branch. */
struct intruder {
	struct store *other;
	const struct key *k;
	char hex[41];
	int rc;
};

static int intrude(const char *path, const void *data, size_t n, void *payload)
{
	struct intruder *in = payload;

	if (!in->hex[0] && !in->rc)
		in->rc = commit_files(in->other, in->k, "meanwhile", in->hex,
				      "meanwhile", "M", NULL);
	return 0;
}

static void merge_lost_race(void)
{
	struct store *one = NULL, *two = NULL, *again = NULL;
	struct key *k = NULL;
	char *d1 = NULL, *d2 = NULL;
	char h1[41], h2[41], theirs[41], tip[41];
	struct intruder in = {0};
	struct objcount before, after;
	size_t added = 0;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&one, &d1, "mrace-one") == 0);
	CHECK(new_registry(&two, &d2, "mrace-two") == 0);
	CHECK(store_open(&again, d2) == 0);
	CHECK(commit_files(one, k, "one", h1, "from/one", "1", NULL) == 0);
	CHECK(commit_files(two, k, "two", h2, "from/two", "2", NULL) == 0);
	CHECK(store_remote_add(two, "one", d1) == 0);
	CHECK(store_fetch(two, "one", theirs) == 0);
	before = count_objects(d2);
	in.other = again;
	in.k = k;
	CHECK(store_merge(two, theirs, k, intrude, &in, &added) ==
	      PROV_ELOCKED);
	CHECK(in.rc == 0 && strlen(in.hex) == 40);
	tip_of(tip, d2);
	CHECK_STR(tip, in.hex);
	/* the intruder's pack only */
	after = count_objects(d2);
	CHECK(after.packs == before.packs + 1 && after.loose == 0 &&
	      after.other == 0);
	CHECK(fsck_ok(d2));
	/* run again, the merge goes on top of the intruder's commit */
	CHECK(store_merge(two, theirs, k, NULL, NULL, &added) == 0);
	CHECK(added == 1);
	CHECK(read_is(two, "meanwhile", "M", 1));
	CHECK(read_is(two, "from/one", "1", 1));
	after = count_objects(d2);
	CHECK(after.packs == before.packs + 2);
	CHECK(fsck_ok(d2));

	store_free(again);
	store_free(one);
	store_free(two);
	key_free(k);
	free(d1);
	free(d2);
}

static void push(void)
{
	struct store *one = NULL, *two = NULL;
	struct key *k = NULL;
	char *d1 = NULL, *d2 = NULL, *bare = NULL;
	char h1[41], h2[41], h3[41], theirs[41];
	struct buf out = BUF_INIT;
	size_t added = 0;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(new_registry(&one, &d1, "push-one") == 0);
	CHECK(new_registry(&two, &d2, "push-two") == 0);
	bare = path_in_tmp("push-remote.git");
	CHECK(sh(NULL, "git init -q --bare -b main '%s'", bare) == 0);
	CHECK(store_push(one, "origin") == PROV_ENOTFOUND);
	CHECK(store_remote_add(one, "origin", bare) == 0);
	CHECK(store_push(one, "origin") == PROV_EINVALID); /* nothing yet */

	CHECK(commit_files(one, k, "first", h1, "a", "A", NULL) == 0);
	CHECK(store_push(one, "origin") == 0);
	CHECK(sh(&out, "git -C '%s' rev-parse refs/heads/main", bare) == 0);
	CHECK_STR(out.ptr, h1);
	CHECK(store_push(one, "origin") == 0); /* up to date */

	/* two takes one's history, adds to it and pushes */
	CHECK(store_remote_add(two, "origin", bare) == 0);
	CHECK(store_fetch(two, "origin", theirs) == 0);
	CHECK_STR(theirs, h1);
	CHECK(store_merge(two, theirs, NULL, NULL, NULL, &added) == 0);
	CHECK(commit_files(two, k, "second", h2, "b", "B", NULL) == 0);
	CHECK(store_push(two, "origin") == 0);
	CHECK(sh(&out, "git -C '%s' rev-parse refs/heads/main", bare) == 0);
	CHECK_STR(out.ptr, h2);

	/* one, behind and diverged, is refused and changes nothing */
	CHECK(commit_files(one, k, "third", h3, "c", "C", NULL) == 0);
	CHECK(store_push(one, "origin") == PROV_ECONFLICT);
	CHECK(strstr(prov_error_last(), "origin") != NULL);
	CHECK(sh(&out, "git -C '%s' rev-parse refs/heads/main", bare) == 0);
	CHECK_STR(out.ptr, h2);
	CHECK(sh(NULL, "git -C '%s' fsck --full --no-dangling", bare) == 0);

	store_free(one);
	store_free(two);
	key_free(k);
	buf_release(&out);
	free(bare);
	free(d1);
	free(d2);
}

int main(void)
{
	/* Stock git here must not read the user's settings (signing,
	 * hooks, default branch names). */
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	RUN(init_and_open);
	RUN(commit_and_read);
	RUN(put_rules);
	RUN(abort_and_empty_commit);
	RUN(one_pack_per_commit);
	RUN(walk_and_list);
	RUN(history);
	RUN(lock);
	RUN(lost_race);
	RUN(fetch_and_fast_forward);
	RUN(true_merge);
	RUN(merge_refusals);
	RUN(merge_lost_race);
	RUN(push);
	return unit_done();
}

/* Sets of files: collection under folders, and hashing that notices files
 * that vanish or change, without following symlinks into loops. */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char *path(const char *name)
{
	return xasprintf("%s/%s", unit_tmpdir(), name);
}

static void write_text(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void collects_and_hashes(void)
{
	char *dir = path("tree"), *sub = path("tree/sub"), *a = path("tree/a.txt"),
	     *b = path("tree/sub/b.txt"), *loop = path("tree/sub/loop");
	struct fileset fs = { 0 };
	char *args[1] = { dir };
	uint8_t want[32];
	char hex[65];

	CHECK(mkdir(dir, 0755) == 0 && mkdir(sub, 0755) == 0);
	write_text(a, "alpha");
	write_text(b, "beta");
	/* a symlink back up the tree: never followed, so no loop */
	CHECK(symlink("..", loop) == 0);
	CHECK(fileset_add(&fs, args, 1, 1) == 0);
	CHECK(fs.n == 2);
	CHECK(fs.skipped == 1);
	CHECK(strstr(fs.v[0].path, "a.txt") && strstr(fs.v[1].path, "b.txt"));
	CHECK(fileset_hash(&fs, NULL, NULL, NULL) == 0);
	sha256_buf(want, "alpha", 5);
	CHECK(!memcmp(fs.v[0].sha256, want, 32));
	sha256_buf(want, "beta", 4);
	CHECK(!memcmp(fs.v[1].sha256, want, 32));
	hex_encode(hex, fs.v[1].sha256, 32);
	CHECK(strlen(hex) == 64);
	fileset_release(&fs);
	/* a folder without recursive is refused, naming it */
	CHECK(fileset_add(&fs, args, 1, 0) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "is a directory"));
	fileset_release(&fs);
	free(dir), free(sub), free(a), free(b), free(loop);
}

static void changed_or_vanished(void)
{
	char *a = path("c.txt"), *b = path("v.txt"), *fifo = path("fifo");
	char *args[2] = { a, b };
	struct fileset fs = { 0 };

	write_text(a, "before");
	write_text(b, "here");
	CHECK(fileset_add(&fs, args, 2, 0) == 0);
	/* after collection: one file grows, the other disappears */
	write_text(a, "after, and longer");
	CHECK(unlink(b) == 0);
	CHECK(fileset_hash(&fs, NULL, NULL, NULL) != 0);
	CHECK(fs.v[0].err == PROV_EIO);
	CHECK(strstr(fs.v[0].errmsg, "changed"));
	CHECK(fs.v[1].err == PROV_ENOTFOUND);
	fileset_release(&fs);
	/* a missing path, and a special file named directly */
	CHECK(fileset_add(&fs, args + 1, 1, 0) == PROV_ENOTFOUND);
	fileset_release(&fs);
	CHECK(mkfifo(fifo, 0644) == 0);
	args[0] = fifo;
	CHECK(fileset_add(&fs, args, 1, 0) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "not a regular file"));
	fileset_release(&fs);
	free(a), free(b), free(fifo);
}

static void symlink_swapped_in(void)
{
	char *dir = path("swap"), *f = path("swap/f.txt"), *other = path("other.txt");
	char *args[1] = { dir };
	struct fileset fs = { 0 };

	CHECK(mkdir(dir, 0755) == 0);
	write_text(f, "real");
	write_text(other, "secret");
	CHECK(fileset_add(&fs, args, 1, 1) == 0 && fs.n == 1);
	/* replaced by a symlink after it was listed: refused, not followed */
	CHECK(unlink(f) == 0 && symlink(other, f) == 0);
	CHECK(fileset_hash(&fs, NULL, NULL, NULL) == PROV_EIO);
	CHECK(strstr(fs.v[0].errmsg, "symbolic link"));
	fileset_release(&fs);
	free(dir), free(f), free(other);
}


/* Walked folders come out in strcmp() order of the full paths, whatever
 * readdir() returns: a folder's files sort as if its name ended in '/'
 * ("a.txt" < "a/x" < "a0"). .prov and .git (folders or not) are left
 * out; symlinks and special files are counted as skipped, never
 * followed. */
static void walk_order_and_skips(void)
{
	static const char *const dirs[] = {
		"w", "w/a", "w/a/deep", "w/a/deep/er", "w/b-", "w/.git", "w/.prov",
		"w/sub", "w/sub/.git", "w/empty",
	};
	static const char *const files[] = {
		"w/a.txt", "w/a/x", "w/a/deep/er/f", "w/a0", "w/a-", "w/b-/1",
		"w/b", "w/B", "w/\xc3\xa9t\xc3\xa9", "w/.hidden", "w/.git/HEAD",
		"w/.prov/statcache", "w/sub/.prov", "w/sub/.git/x", "w/sub/z",
		"w/with space", "w/a/deep/er0",
	};
	/* in strcmp() order, as fileset_add must list them */
	static const char *const want[] = {
		"w/.hidden", "w/B", "w/a-", "w/a.txt", "w/a/deep/er/f",
		"w/a/deep/er0", "w/a/x", "w/a0", "w/b", "w/b-/1", "w/sub/z",
		"w/with space", "w/\xc3\xa9t\xc3\xa9",
	};
	struct fileset fs = { 0 };
	char *root = path("w"), *p, *args[1];
	size_t nwant = sizeof(want) / sizeof(*want);

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		p = path(dirs[i]);
		CHECK(mkdir(p, 0755) == 0);
		free(p);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		p = path(files[i]);
		write_text(p, files[i]);
		free(p);
	}
	p = path("w/link-to-file");
	CHECK(symlink("a.txt", p) == 0);
	free(p);
	p = path("w/a/link-to-dir");
	CHECK(symlink("..", p) == 0);
	free(p);
	p = path("w/sub/fifo");
	CHECK(mkfifo(p, 0644) == 0);
	free(p);

	args[0] = root;
	CHECK(fileset_add(&fs, args, 1, 1) == 0);
	CHECK(fs.skipped == 3);
	CHECK(fs.n == nwant);
	for (size_t i = 0; i < fs.n && i < nwant; i++) {
		char *w = path(want[i]);
		struct stat st;
		if (strcmp(fs.v[i].path, w)) {
			fprintf(stderr, "entry %zu: '%s', want '%s'\n", i,
				fs.v[i].path, w);
			CHECK(0);
		}
		/* each with its own stat, not followed, not to be followed */
		CHECK(lstat(w, &st) == 0);
		CHECK(fs.v[i].st.st_ino == st.st_ino && S_ISREG(fs.v[i].st.st_mode));
		CHECK(fs.v[i].st.st_size == (off_t)strlen(want[i]));
		CHECK(fs.v[i].follow == 0);
		free(w);
	}
	fileset_release(&fs);

	/* a folder and files named together, out of order: sorted as a whole;
	 * a trailing slash is kept as given */
	{
		char *b = path("w/b"), *a = path("w/a/"), *t = path("w/a.txt");
		char *three[3] = { b, a, t };
		CHECK(fileset_add(&fs, three, 3, 1) == 0);
		CHECK(fs.n == 5);
		for (size_t i = 1; i < fs.n; i++)
			CHECK(strcmp(fs.v[i - 1].path, fs.v[i].path) < 0);
		CHECK(fs.v[0].follow == 1 && strstr(fs.v[0].path, "w/a.txt"));
		CHECK(fs.v[1].follow == 0 && strstr(fs.v[1].path, "w/a//deep/er/f"));
		CHECK(fs.v[4].follow == 1 && strstr(fs.v[4].path, "w/b"));
		fileset_release(&fs);
		free(b), free(a), free(t);
	}
	free(root);
}

/* More folders than the walk holds open at once (their files are stat()ed
 * in batches), each file with its own stat; also when file descriptors
 * run out before that many are open. */
static void walk_many_folders(void)
{
	struct fileset fs = { 0 };
	char *root = path("many"), *args[1] = { root };
	char name[64];

	CHECK(mkdir(root, 0755) == 0);
	for (int i = 0; i < 700; i++) {
		snprintf(name, sizeof(name), "many/d%03d", i);
		char *d = path(name);
		CHECK(mkdir(d, 0755) == 0);
		free(d);
		for (int j = 0; j < (i % 3); j++) {
			snprintf(name, sizeof(name), "many/d%03d/f%d", i, j);
			char *f = path(name);
			write_text(f, name + (size_t)(i % 7));
			free(f);
		}
	}
	/* the second time with few file descriptors: the folders held open
	 * are given back early */
	for (int pass = 0; pass < 2; pass++) {
		struct rlimit was, low;
		CHECK(getrlimit(RLIMIT_NOFILE, &was) == 0);
		low = was;
		low.rlim_cur = 40;
		CHECK(pass == 0 || setrlimit(RLIMIT_NOFILE, &low) == 0);
		int rc = fileset_add(&fs, args, 1, 1);
		CHECK(setrlimit(RLIMIT_NOFILE, &was) == 0);
		CHECK(rc == 0);
		CHECK(fs.n == 699);
		CHECK(fs.skipped == 0);
		for (size_t i = 0; i < fs.n; i++) {
			struct stat st;
			CHECK(i == 0 || strcmp(fs.v[i - 1].path, fs.v[i].path) < 0);
			CHECK(lstat(fs.v[i].path, &st) == 0);
			CHECK(st.st_ino == fs.v[i].st.st_ino &&
			      st.st_size == fs.v[i].st.st_size &&
			      st.st_mtim.tv_nsec == fs.v[i].st.st_mtim.tv_nsec);
		}
		fileset_release(&fs);
	}
	free(root);
}

/* A folder that cannot be read is an error naming it (as root, every
 * folder can be read: nothing to check). */
static void walk_unreadable(void)
{
	char *root = path("locked"), *sub = path("locked/in"),
	     *f = path("locked/in/f"), *args[1] = { root };
	struct fileset fs = { 0 };
	char *want = xasprintf("'%s': %s", sub, errstr(EACCES));

	CHECK(mkdir(root, 0755) == 0 && mkdir(sub, 0755) == 0);
	write_text(f, "x");
	CHECK(chmod(sub, 0) == 0);
	if (geteuid() != 0) {
		CHECK(fileset_add(&fs, args, 1, 1) == PROV_EIO);
		CHECK_STR(prov_error_last(), want);
		CHECK(fs.n == 0);
		fileset_release(&fs);
	}
	CHECK(chmod(sub, 0755) == 0);
	free(root), free(sub), free(f), free(want);
}

int main(void)
{
	RUN(collects_and_hashes);
	RUN(changed_or_vanished);
	RUN(symlink_swapped_in);
	RUN(walk_order_and_skips);
	RUN(walk_many_folders);
	RUN(walk_unreadable);
	return unit_done();
}

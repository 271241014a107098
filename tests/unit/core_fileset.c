/* Sets of files: collection under folders, and hashing that notices files
 * that vanish or change, without following symlinks into loops. */
#include <stdlib.h>
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

int main(void)
{
	RUN(collects_and_hashes);
	RUN(changed_or_vanished);
	RUN(symlink_swapped_in);
	return unit_done();
}

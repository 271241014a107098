/* The stat cache: its file round trip, the "racy" rule (an entry is trusted
 * only when its mtime is older than the cache's write time), misses on any
 * change of size, times or inode, and cache files that are missing or
 * damaged. Cache files written by hand pin the format and the boundaries
 * exactly. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

static char *path_in_tmp(const char *name)
{
	return xasprintf("%s/%s", unit_tmpdir(), name);
}

static int write_bytes(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_text(const char *path, const char *s)
{
	return write_bytes(path, s, strlen(s));
}

static uint64_t ns_of(struct timespec ts)
{
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct timespec ts_of(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000u),
			      (long)(ns % 1000000000u)};
	return ts;
}

/* A stat result as the cache sees it; times in ns. */
static struct stat fake_stat(uint64_t size, uint64_t mtime, uint64_t ctime,
			     uint64_t ino)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_size = (off_t)size;
	st.st_mtim = ts_of(mtime);
	st.st_ctim = ts_of(ctime);
	st.st_ino = (ino_t)ino;
	return st;
}

static void digest_of(uint8_t d[32], unsigned seed)
{
	for (int i = 0; i < 32; i++)
		d[i] = (uint8_t)(seed * 31 + (unsigned)i);
}

/* One line of the cache file, as the format says. */
static void cache_line(struct buf *b, unsigned seed, const struct stat *st,
		       const char *path)
{
	uint8_t d[32];
	char hex[65];

	digest_of(d, seed);
	hex_encode(hex, d, 32);
	buf_printf(b, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n",
		   hex, (uint64_t)st->st_size, ns_of(st->st_mtim),
		   ns_of(st->st_ctim), (uint64_t)st->st_ino, path);
}

/* 1 when the cache holds path for st with the digest of seed. */
static int hit(struct statcache *c, const char *path, const struct stat *st,
	       unsigned seed)
{
	uint8_t got[32], want[32];

	memset(got, 0xee, sizeof(got));
	digest_of(want, seed);
	return statcache_get(c, path, st, got) == 1 && !memcmp(got, want, 32);
}

/* 0 and the digest untouched when the cache does not trust path. */
static int miss(struct statcache *c, const char *path, const struct stat *st)
{
	uint8_t got[32], was[32];

	memset(got, 0xee, sizeof(got));
	memcpy(was, got, sizeof(got));
	return statcache_get(c, path, st, got) == 0 && !memcmp(got, was, 32);
}

#define T2020 1600000000000000000ull /* 2020-09-13, in ns */

static const char NUL[] = "<NUL>";

static void round_trip(void)
{
	char *file = path_in_tmp("round.cache");
	struct statcache *c = NULL;
	struct stat a = fake_stat(10, T2020 + 1, T2020 + 2, 1001);
	struct stat b = fake_stat(0, T2020 + 5, T2020 + 5, 1002);
	struct stat many;
	struct buf text = BUF_INIT, want = BUF_INIT;
	struct timespec t0, t1;
	uint64_t written = 0;
	uint8_t d[32];
	char path[64];
	int off = 0;

	CHECK(statcache_open(&c, file) == 0);
	CHECK(c != NULL);
	CHECK(miss(c, "a", &a));
	digest_of(d, 1);
	statcache_set(c, "a", &a, d);
	clock_gettime(CLOCK_REALTIME, &t0);
	CHECK(statcache_save(c) == 0);
	clock_gettime(CLOCK_REALTIME, &t1);
	statcache_free(c);
	c = NULL;

	/* the file, byte for byte; the header holds the write time */
	CHECK(buf_read_file(&text, file, 0) == 0);
	CHECK(sscanf(text.ptr, "prov-statcache 1 %" SCNu64 "\n%n", &written,
		     &off) == 1);
	CHECK(written >= ns_of(t0) && written <= ns_of(t1));
	cache_line(&want, 1, &a, "a");
	CHECK_STR(text.ptr + off, want.ptr);

	CHECK(statcache_open(&c, file) == 0);
	CHECK(hit(c, "a", &a, 1));
	CHECK(miss(c, "b", &a));
	CHECK(miss(c, "", &a));
	CHECK(miss(c, "a/", &a));
	/* more entries than the first table holds; one replaced; paths
	 * with spaces */
	digest_of(d, 2);
	statcache_set(c, "b", &b, d);
	digest_of(d, 3);
	statcache_set(c, "a", &a, d);
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "dir %u/file %u.jpg", i % 7, i);
		many = fake_stat(i, T2020 + i, T2020 + 2 * i, 5000 + i);
		digest_of(d, 100 + i);
		statcache_set(c, path, &many, d);
	}
	CHECK(statcache_save(c) == 0);
	statcache_free(c);
	c = NULL;

	CHECK(statcache_open(&c, file) == 0);
	CHECK(hit(c, "a", &a, 3));
	CHECK(hit(c, "b", &b, 2));
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "dir %u/file %u.jpg", i % 7, i);
		many = fake_stat(i, T2020 + i, T2020 + 2 * i, 5000 + i);
		if (!hit(c, path, &many, 100 + i)) {
			fprintf(stderr, "lost '%s'\n", path);
			CHECK(0);
		}
	}
	/* saving with nothing changed keeps the file as it is */
	buf_clear(&text);
	CHECK(buf_read_file(&text, file, 0) == 0);
	CHECK(statcache_save(c) == 0);
	buf_clear(&want);
	CHECK(buf_read_file(&want, file, 0) == 0);
	CHECK(text.len == want.len && !memcmp(text.ptr, want.ptr, text.len));
	statcache_free(c);

	buf_release(&text);
	buf_release(&want);
	free(file);
}

/* The racy rule at its boundary, in a file written by hand. */
static void racy(void)
{
	char *file = path_in_tmp("racy.cache");
	const uint64_t w = T2020 + 123456789;
	struct stat before = fake_stat(1, w - 1, w - 1, 1);
	struct stat at = fake_stat(1, w, w - 1, 2);
	struct stat after = fake_stat(1, w + 1, w - 1, 3);
	struct stat long_before = fake_stat(1, 1, 1, 4);
	struct statcache *c = NULL;
	struct buf text = BUF_INIT;

	buf_printf(&text, "prov-statcache 1 %" PRIu64 "\n", w);
	cache_line(&text, 1, &before, "before");
	cache_line(&text, 2, &at, "at");
	cache_line(&text, 3, &after, "after");
	cache_line(&text, 4, &long_before, "long ago");
	CHECK(write_text(file, text.ptr) == 0);
	CHECK(statcache_open(&c, file) == 0);
	CHECK(hit(c, "before", &before, 1));
	CHECK(hit(c, "long ago", &long_before, 4));
	CHECK(miss(c, "at", &at));
	CHECK(miss(c, "after", &after));
	statcache_free(c);
	buf_release(&text);
	free(file);
}

/* The same with a real file, its mtime set in the past or the future. */
static void racy_real_files(void)
{
	char *file = path_in_tmp("real.cache");
	char *old = path_in_tmp("old.txt");
	char *future = path_in_tmp("future.txt");
	struct statcache *c = NULL;
	struct timespec now, times[2];
	struct stat so, sf;
	uint8_t d[32];

	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(write_text(old, "old bytes") == 0);
	CHECK(write_text(future, "future bytes") == 0);
	times[0] = times[1] = (struct timespec){now.tv_sec - 3600, 5};
	CHECK(utimensat(AT_FDCWD, old, times, 0) == 0);
	times[0] = times[1] = (struct timespec){now.tv_sec + 3600, 5};
	CHECK(utimensat(AT_FDCWD, future, times, 0) == 0);
	CHECK(stat(old, &so) == 0 && stat(future, &sf) == 0);

	CHECK(statcache_open(&c, file) == 0);
	digest_of(d, 1);
	statcache_set(c, old, &so, d);
	digest_of(d, 2);
	statcache_set(c, future, &sf, d);
	CHECK(statcache_save(c) == 0);
	statcache_free(c);
	c = NULL;
	CHECK(statcache_open(&c, file) == 0);
	CHECK(hit(c, old, &so, 1));
	CHECK(miss(c, future, &sf));
	statcache_free(c);
	free(file);
	free(old);
	free(future);
}

static void changes_miss(void)
{
	char *file = path_in_tmp("changes.cache");
	char *f = path_in_tmp("changes.txt");
	char *g = path_in_tmp("changes.new");
	struct statcache *c = NULL;
	struct timespec now, times[2];
	struct stat st, changed;
	uint8_t d[32];

	clock_gettime(CLOCK_REALTIME, &now);
	times[0] = times[1] = (struct timespec){now.tv_sec - 3600, 777};
	CHECK(write_text(f, "0123456789") == 0);
	CHECK(utimensat(AT_FDCWD, f, times, 0) == 0);
	CHECK(stat(f, &st) == 0);
	CHECK(statcache_open(&c, file) == 0);
	digest_of(d, 9);
	statcache_set(c, f, &st, d);
	CHECK(statcache_save(c) == 0);
	statcache_free(c);
	c = NULL;
	CHECK(statcache_open(&c, file) == 0);
	CHECK(hit(c, f, &st, 9));

	/* any one field changed is a miss */
	changed = st;
	changed.st_size++;
	CHECK(miss(c, f, &changed));
	changed = st;
	changed.st_mtim.tv_nsec++;
	CHECK(miss(c, f, &changed));
	changed = st;
	changed.st_mtim.tv_sec--;
	CHECK(miss(c, f, &changed));
	changed = st;
	changed.st_ctim.tv_nsec++;
	CHECK(miss(c, f, &changed));
	changed = st;
	changed.st_ino++;
	CHECK(miss(c, f, &changed));
	/* fields the cache does not key on do not matter */
	changed = st;
	changed.st_mode ^= 0111;
	changed.st_atim.tv_sec++;
	CHECK(hit(c, f, &changed, 9));

	/* real edits: same size and mtime put back (the ctime moves) ... */
	CHECK(write_text(f, "9876543210") == 0);
	CHECK(utimensat(AT_FDCWD, f, times, 0) == 0);
	CHECK(stat(f, &changed) == 0);
	CHECK(changed.st_size == st.st_size &&
	      ns_of(changed.st_mtim) == ns_of(st.st_mtim));
	CHECK(miss(c, f, &changed));
	/* ... and a new file renamed over it (the inode moves) */
	CHECK(write_text(g, "abcdefghij") == 0);
	CHECK(utimensat(AT_FDCWD, g, times, 0) == 0);
	CHECK(rename(g, f) == 0);
	CHECK(stat(f, &changed) == 0);
	CHECK(changed.st_ino != st.st_ino);
	CHECK(miss(c, f, &changed));
	statcache_free(c);
	free(file);
	free(f);
	free(g);
}

/* A cache file that does not parse is ignored whole: no entry of it is
 * trusted, not even the well-formed ones. */
static void corrupt(void)
{
	char *file = path_in_tmp("corrupt.cache");
	const uint64_t w = T2020 + 1000;
	struct stat a = fake_stat(10, T2020, T2020, 1);
	struct stat b = fake_stat(20, T2020, T2020, 2);
	struct buf la = BUF_INIT, lb = BUF_INIT, text = BUF_INIT,
		   header = BUF_INIT, badhex = BUF_INIT, bigsize = BUF_INIT,
		   twospaces = BUF_INIT, signed_ = BUF_INIT;
	struct statcache *c = NULL;
	uint8_t d[32];

	buf_printf(&header, "prov-statcache 1 %" PRIu64 "\n", w);
	cache_line(&la, 1, &a, "a");
	cache_line(&lb, 2, &b, "b");
	buf_puts(&badhex, lb.ptr);
	badhex.ptr[5] = 'g';
	buf_put(&bigsize, la.ptr, 65);
	buf_puts(&bigsize, "18446744073709551616 1 1 1 big\n");
	buf_put(&twospaces, la.ptr, 65);
	buf_puts(&twospaces, " 1 1 1 1 two\n");
	buf_put(&signed_, la.ptr, 65);
	buf_puts(&signed_, "+1 1 1 1 signed\n");
	/* parts of each file; NUL stands for a NUL byte */
	struct {
		const char *what;
		const char *parts[7];
	} cases[] = {
		{"well-formed", {header.ptr, la.ptr, lb.ptr, NULL}},
		{"another version",
		 {"prov-statcache 2 1600000000000001000\n", la.ptr, lb.ptr,
		  NULL}},
		{"no header", {la.ptr, lb.ptr, NULL}},
		{"a bad time", {"prov-statcache 1 x\n", la.ptr, lb.ptr, NULL}},
		{"a garbled line",
		 {header.ptr, la.ptr, "garbage\n", lb.ptr, NULL}},
		{"a bad digest", {header.ptr, la.ptr, badhex.ptr, NULL}},
		{"a short line",
		 {header.ptr, la.ptr, "abcd 1 2 3\n", lb.ptr, NULL}},
		{"an empty line", {header.ptr, la.ptr, "\n", lb.ptr, NULL}},
		{"a cut last line",
		 {header.ptr, la.ptr, lb.ptr, "0123abc", NULL}},
		{"a NUL", {header.ptr, la.ptr, lb.ptr, NUL, "junk\n", NULL}},
		{"a NUL in a path", {header.ptr, la.ptr, lb.ptr, "x", NUL, "y\n", NULL}},
		{"junk after the time",
		 {"prov-statcache 1 1600000000000001000 x\n", la.ptr, lb.ptr, NULL}},
		{"a time past 64 bits",
		 {"prov-statcache 1 18446744073709551616\n", la.ptr, lb.ptr, NULL}},
		{"a size past 64 bits",
		 {header.ptr, la.ptr, bigsize.ptr, lb.ptr, NULL}},
		{"two spaces", {header.ptr, la.ptr, twospaces.ptr, lb.ptr, NULL}},
		{"a signed number", {header.ptr, la.ptr, signed_.ptr, lb.ptr, NULL}},
		{"only newlines", {header.ptr, "\n\n\n\n\n\n\n\n", NULL}},
		{"a short digest", {header.ptr, la.ptr, la.ptr + 1, lb.ptr, NULL}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int good = i == 0;
		buf_clear(&text);
		for (size_t j = 0; cases[i].parts[j]; j++) {
			if (cases[i].parts[j] == NUL)
				buf_putc(&text, '\0');
			else
				buf_puts(&text, cases[i].parts[j]);
		}
		CHECK(write_bytes(file, text.ptr, text.len) == 0);
		CHECK(statcache_open(&c, file) == 0);
		CHECK(c != NULL);
		if (good != (hit(c, "a", &a, 1) && hit(c, "b", &b, 2)) ||
		    (!good && !(miss(c, "a", &a) && miss(c, "b", &b)))) {
			fprintf(stderr, "cache with %s: %s\n", cases[i].what,
				good ? "not trusted" : "trusted in part");
			CHECK(0);
		}
		statcache_free(c);
		c = NULL;
	}

	/* a directory where the file should be, and an empty file */
	CHECK(statcache_open(&c, unit_tmpdir()) == 0);
	CHECK(miss(c, "a", &a));
	statcache_free(c);
	CHECK(write_text(file, "") == 0);
	CHECK(statcache_open(&c, file) == 0);
	CHECK(miss(c, "a", &a));
	statcache_free(c);

	/* a damaged cache is replaced by the next save */
	CHECK(write_text(file, "garbage\n") == 0);
	CHECK(statcache_open(&c, file) == 0);
	digest_of(d, 7);
	statcache_set(c, "a", &a, d);
	CHECK(statcache_save(c) == 0);
	statcache_free(c);
	CHECK(statcache_open(&c, file) == 0);
	CHECK(hit(c, "a", &a, 7));
	statcache_free(c);

	buf_release(&la);
	buf_release(&lb);
	buf_release(&text);
	buf_release(&header);
	buf_release(&badhex);
	buf_release(&bigsize);
	buf_release(&twospaces);
	buf_release(&signed_);
	free(file);
}

/* A path with a newline cannot be written; it is left out, and the rest
 * of the file stays good. */
static void unwritable_path(void)
{
	char *file = path_in_tmp("newline.cache");
	struct stat a = fake_stat(10, T2020, T2020, 1);
	struct stat b = fake_stat(20, T2020, T2020, 2);
	struct statcache *c = NULL;
	uint8_t d[32];

	CHECK(statcache_open(&c, file) == 0);
	digest_of(d, 1);
	statcache_set(c, "line\nbreak", &a, d);
	digest_of(d, 2);
	statcache_set(c, "b", &b, d);
	CHECK(statcache_save(c) == 0);
	statcache_free(c);
	CHECK(statcache_open(&c, file) == 0);
	CHECK(miss(c, "line\nbreak", &a));
	CHECK(miss(c, "line", &a));
	CHECK(hit(c, "b", &b, 2));
	statcache_free(c);
	free(file);
}

static void missing(void)
{
	char *file = path_in_tmp("missing.cache");
	char *nodir = path_in_tmp("no/such/folder/cache");
	struct stat a = fake_stat(10, T2020, T2020, 1);
	struct statcache *c = NULL;
	struct stat st;
	uint8_t d[32];

	CHECK(statcache_open(&c, file) == 0);
	CHECK(c != NULL);
	CHECK(prov_error_code() == 0);
	CHECK(miss(c, "a", &a));
	/* nothing to save: no file appears */
	CHECK(statcache_save(c) == 0);
	CHECK(stat(file, &st) != 0);
	digest_of(d, 1);
	statcache_set(c, "a", &a, d);
	CHECK(statcache_save(c) == 0);
	CHECK(stat(file, &st) == 0);
	statcache_free(c);
	CHECK(statcache_open(&c, file) == 0);
	CHECK(hit(c, "a", &a, 1));
	statcache_free(c);

	/* a folder that does not exist: opening is fine, saving fails */
	CHECK(statcache_open(&c, nodir) == 0);
	CHECK(miss(c, "a", &a));
	statcache_set(c, "a", &a, d);
	CHECK(statcache_save(c) == PROV_EIO);
	statcache_free(c);
	statcache_free(NULL);
	free(file);
	free(nodir);
}


/* statcache_parse and statcache_format, the bytes of the file in memory:
 * the boundaries of each field, a path being the rest of its line, the
 * last of two entries for one path winning, and the format a fixed point
 * of parsing. */
static void parse_and_format(void)
{
	struct stat a = fake_stat(10, T2020, T2020 + 1, 7);
	struct stat max = fake_stat(0, T2020, T2020, UINT64_MAX);
	struct statcache *c = NULL, *again = NULL;
	struct buf text = BUF_INIT, out = BUF_INIT, again_out = BUF_INIT;
	char hex[65];
	uint8_t d[32];

	buf_printf(&text, "prov-statcache 1 %" PRIu64 "\n", (uint64_t)(T2020 + 1000));
	cache_line(&text, 1, &a, " lead and trail ");
	cache_line(&text, 2, &a, "dup");
	cache_line(&text, 3, &a, "dup");
	cache_line(&text, 4, &max, "max");
	cache_line(&text, 5, &a, "");
	/* upper-case hex is read, written back lower-case */
	digest_of(d, 6);
	hex_encode(hex, d, 32);
	for (char *h = hex; *h; h++)
		if (*h >= 'a' && *h <= 'f')
			*h = (char)(*h - 'a' + 'A');
	buf_printf(&text, "%s 10 %" PRIu64 " %" PRIu64 " 7 upper\n", hex,
		   (uint64_t)T2020, (uint64_t)(T2020 + 1));
	CHECK(statcache_parse(&c, text.ptr, text.len) == 0);
	CHECK(hit(c, " lead and trail ", &a, 1));
	CHECK(miss(c, "lead and trail", &a));
	CHECK(hit(c, "dup", &a, 3));
	CHECK(hit(c, "max", &max, 4));
	CHECK(hit(c, "", &a, 5));
	CHECK(hit(c, "upper", &a, 6));
	statcache_format(&out, c, T2020 + 1000);
	/* one line less (the first "dup"), the digest in lower case */
	CHECK(!strstr(out.ptr, hex) && strstr(out.ptr, " 7 upper\n"));
	CHECK(statcache_parse(&again, out.ptr, out.len) == 0);
	statcache_format(&again_out, again, T2020 + 1000);
	CHECK_STR(again_out.ptr, out.ptr);
	CHECK(hit(again, "dup", &a, 3));
	statcache_free(c);
	statcache_free(again);
	c = again = NULL;

	/* many entries: the table is sized from the lines, then grows with
	 * statcache_set */
	buf_clear(&text);
	buf_printf(&text, "prov-statcache 1 %" PRIu64 "\n", (uint64_t)(T2020 + 100000000));
	for (unsigned i = 0; i < 20000; i++) {
		char name[40];
		struct stat st = fake_stat(i, T2020 + i, T2020, i);
		snprintf(name, sizeof(name), "/data/d%04u/f%07u", i % 1000, i);
		cache_line(&text, i, &st, name);
	}
	CHECK(statcache_parse(&c, text.ptr, text.len) == 0);
	for (unsigned i = 0; i < 30000; i++) {
		char name[40];
		struct stat st = fake_stat(i, T2020 + i, T2020, i);
		snprintf(name, sizeof(name), "/data/d%04u/f%07u", i % 1000, i);
		if (i >= 20000) {
			digest_of(d, i);
			statcache_set(c, name, &st, d);
		}
		if (i < 20000 && !hit(c, name, &st, i)) {
			fprintf(stderr, "lost '%s'\n", name);
			CHECK(0);
		}
	}
	buf_clear(&out);
	statcache_format(&out, c, T2020 + 100000000);
	CHECK(out.len > text.len && !memcmp(out.ptr, text.ptr, text.len));
	statcache_free(c);
	c = NULL;

	/* rejected bytes give an empty cache, and say so */
	CHECK(statcache_parse(&c, "prov-statcache 1 5\nxyz\n", 23) == PROV_EINVALID);
	CHECK(c != NULL && miss(c, "xyz", &a));
	buf_clear(&out);
	statcache_format(&out, c, 9);
	CHECK_STR(out.ptr, "prov-statcache 1 9\n");
	statcache_free(c);
	buf_release(&text);
	buf_release(&out);
	buf_release(&again_out);
}

int main(void)
{
	RUN(round_trip);
	RUN(racy);
	RUN(racy_real_files);
	RUN(changes_miss);
	RUN(corrupt);
	RUN(parse_and_format);
	RUN(unwritable_path);
	RUN(missing);
	return unit_done();
}

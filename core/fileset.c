/* Sets of files: collected from the command line and folders, hashed on
 * many threads through the stat cache. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

static void add_entry(struct fileset *fs, const char *path,
		      const struct stat *st, int follow)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 256;
		fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
	}
	memset(&fs->v[fs->n], 0, sizeof(fs->v[fs->n]));
	fs->v[fs->n].path = xstrdup(path);
	fs->v[fs->n].st = *st;
	fs->v[fs->n].follow = follow;
	fs->n++;
}

/* lstat() and no following: a symlink to a folder cannot make a loop. */
static int walk_dir(struct fileset *fs, const char *dir)
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
			rc = walk_dir(fs, path);
		else if (S_ISREG(st.st_mode))
			add_entry(fs, path, &st, 0);
		else
			fs->skipped++;
		free(path);
	}
	if (!rc && errno)
		rc = prov_error_set(PROV_EIO, "'%s': %s", dir, errstr(errno));
	closedir(dp);
	return rc;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct file_entry *)a)->path,
		      ((const struct file_entry *)b)->path);
}

int fileset_add(struct fileset *fs, char *const *paths, size_t n, int recursive)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		const char *p = paths[i];
		struct stat st;
		if (stat(p, &st))
			rc = prov_error_set(errno == ENOENT ? PROV_ENOTFOUND : PROV_EIO,
					    "'%s': %s", p, errstr(errno));
		else if (S_ISDIR(st.st_mode) && !recursive)
			rc = prov_error_set(PROV_EINVALID,
					    "'%s' is a directory (use -r)", p);
		else if (S_ISDIR(st.st_mode))
			rc = walk_dir(fs, p);
		else if (S_ISREG(st.st_mode))
			add_entry(fs, p, &st, 1);
		else
			rc = prov_error_set(PROV_EINVALID,
					    "'%s' is not a regular file", p);
	}
	if (fs->n)
		qsort(fs->v, fs->n, sizeof(*fs->v), path_cmp);
	return rc;
}

struct hash_job {
	struct fileset *fs;
	struct statcache *cache;
	char cwd[PATH_MAX];
	atomic_size_t done;
	pthread_t main;
	progress_fn progress;
	void *payload;
};

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

static void hash_one(size_t i, void *payload)
{
	struct hash_job *j = payload;
	struct file_entry *e = &j->fs->v[i];
	char key[PATH_MAX];
	size_t done;

	cache_key(key, j->cwd, e->path);
	e->cached = j->cache && key[0] &&
		    statcache_get(j->cache, key, &e->st, e->sha256);
	if (!e->cached &&
	    sha256_file_checked(e->sha256, e->path, &e->st, e->follow)) {
		e->err = prov_error_code();
		e->errmsg = xstrdup(prov_error_last());
	}
	done = atomic_fetch_add(&j->done, 1) + 1;
	/* Only the calling thread reports, so the callback needs no lock. */
	if (j->progress && pthread_equal(pthread_self(), j->main))
		j->progress(done, j->fs->n, j->payload);
}

int fileset_hash(struct fileset *fs, struct statcache *cache, progress_fn progress,
		 void *payload)
{
	struct hash_job j = { .fs = fs, .cache = cache, .progress = progress,
			      .payload = payload };

	atomic_init(&j.done, 0);
	if (!getcwd(j.cwd, sizeof(j.cwd)))
		return prov_error_set(PROV_EIO, "cannot read the current folder");
	j.main = pthread_self();
	/* Small files are I/O bound: many reads in flight (parallel_for_io). */
	parallel_for_io(fs->n, hash_one, &j);
	if (progress)
		progress(fs->n, fs->n, payload);
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].err)
			return prov_error_set(fs->v[i].err, "%s", fs->v[i].errmsg);
	return 0;
}

void fileset_cache_update(struct fileset *fs, struct statcache *cache)
{
	char cwd[PATH_MAX], key[PATH_MAX];

	if (!cache || !getcwd(cwd, sizeof(cwd)))
		return;
	for (size_t i = 0; i < fs->n; i++) {
		struct file_entry *e = &fs->v[i];
		cache_key(key, cwd, e->path);
		if (!e->cached && !e->err && key[0])
			statcache_set(cache, key, &e->st, e->sha256);
	}
}

void fileset_release(struct fileset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		free(fs->v[i].errmsg);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

/* Sets of files: collected from the command line and folders, hashed on
 * many threads through the stat cache. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
	if (st)
		fs->v[fs->n].st = *st;
	fs->v[fs->n].follow = follow;
	fs->n++;
}

static void buf_cut(struct buf *b, size_t len)
{
	if (b->len > len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

/* One folder's entries. A folder's name sorts as if it ended in '/', so
 * walking the entries in this order lists full paths in strcmp() order
 * ("a.txt" < "a/b" < "a0"), and the whole set comes out sorted. */
struct dent {
	size_t off; /* in the folder's names, which move as they grow */
	const char *name;
	int dir;
};

static int dent_cmp(const void *a, const void *b)
{
	const struct dent *x = a, *y = b;
	const unsigned char *p = (const unsigned char *)x->name;
	const unsigned char *q = (const unsigned char *)y->name;
	int cp, cq;

	while (*p && *p == *q)
		p++, q++;
	cp = *p ? *p : x->dir ? '/' : 0;
	cq = *q ? *q : y->dir ? '/' : 0;
	return cp - cq;
}

/* What an entry is, from lstat() relative to its folder: 1 a folder, 0 a
 * regular file, -1 anything else (symlinks and special files, skipped). */
static int entry_kind(int *kind, struct stat *st, int dirfd, const char *name,
		      const char *path)
{
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW))
		return prov_error_set(PROV_EIO, "'%s': %s", path, errstr(errno));
	*kind = S_ISDIR(st->st_mode) ? 1 : S_ISREG(st->st_mode) ? 0 : -1;
	return 0;
}

/* A walk in progress. Regular files are added to fs without their stat;
 * from `first` on they wait for it, each with the fd of its folder in
 * dirfd[], and those folders stay open (fds[]) until stat_pending() has
 * stat()ed them all at once. */
#define WALK_OPEN_MAX 256 /* folders held open at once */
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

struct walk {
	struct fileset *fs;
	size_t first;
	int *dirfd;
	size_t dirfd_cap;
	int fds[WALK_OPEN_MAX];
	size_t nfds;
	int *err; /* per waiting entry: errno of its stat, -1 if not regular */
};

static void add_pending(struct walk *w, const char *path, int dirfd)
{
	size_t i = w->fs->n - w->first;

	if (i == w->dirfd_cap) {
		w->dirfd_cap = w->dirfd_cap ? 2 * w->dirfd_cap : 1024;
		w->dirfd = xrealloc(w->dirfd, w->dirfd_cap * sizeof(*w->dirfd));
	}
	w->dirfd[i] = dirfd;
	add_entry(w->fs, path, NULL, 0);
}

static void stat_one(size_t i, void *payload)
{
	struct walk *w = payload;
	struct file_entry *e = &w->fs->v[w->first + i];
	const char *name = strrchr(e->path, '/') + 1;

	w->err[i] = 0;
	if (fstatat(w->dirfd[i], name, &e->st, AT_SYMLINK_NOFOLLOW))
		w->err[i] = errno ? errno : EIO;
	else if (!S_ISREG(e->st.st_mode))
		w->err[i] = -1;
}

/* stat()s the waiting entries, many at once: on a cold cache each is a
 * read of an inode, which the disk serves faster in parallel
 * (parallel_for_io); relative to its folder's fd, so the kernel looks up
 * one name, not the whole path. The first failure in path order is
 * returned; an entry no longer a regular file is dropped and counted as
 * skipped. The folders are closed. */
static int stat_pending(struct walk *w)
{
	struct fileset *fs = w->fs;
	size_t n = fs->n - w->first, kept = w->first;
	int rc = 0;

	if (n) {
		w->err = xrealloc(w->err, n * sizeof(*w->err));
		parallel_for_io(n, stat_one, w);
	}
	for (size_t i = 0; i < n; i++) {
		struct file_entry *e = &fs->v[w->first + i];
		if (w->err[i] > 0 && !rc)
			rc = prov_error_set(PROV_EIO, "'%s': %s", e->path,
					    errstr(w->err[i]));
		if (w->err[i]) {
			fs->skipped += w->err[i] < 0;
			free(e->path);
		} else {
			fs->v[kept++] = *e;
		}
	}
	fs->n = w->first = kept;
	while (w->nfds)
		close(w->fds[--w->nfds]);
	return rc;
}

/* After a call failed for want of file descriptors (a low RLIMIT_NOFILE):
 * 1 when the folders held open were given back (stat_pending(); *rc says
 * how that went), so the call is worth one more try. Keeps errno. */
static int out_of_fds(struct walk *w, int *rc)
{
	int e = errno;

	if ((e != EMFILE && e != ENFILE) || !w->nfds)
		return 0;
	*rc = stat_pending(w);
	errno = e;
	return 1;
}

/* Lists the folder open as fd (which it closes) into w; path holds its
 * name. Names and types come from readdir() (d_type): only entries of
 * unknown type are stat()ed here, regular files wait for stat_pending().
 * Subfolders are opened with openat(O_NOFOLLOW), so a symlink to a folder
 * (a possible loop) is never followed. */
static int walk_dir(struct walk *w, int fd, struct buf *path)
{
	struct buf names = BUF_INIT;
	struct dent *v = NULL;
	size_t n = 0, cap = 0, base = path->len;
	struct dirent *d;
	struct stat st;
	DIR *dp = fdopendir(fd);
	int rc = 0, kind, held = -1;

	if (!dp) {
		rc = prov_error_set(PROV_EIO, "'%s': %s", path->ptr, errstr(errno));
		close(fd);
		return rc;
	}
	while (!rc && (errno = 0, d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
		    !strcmp(d->d_name, ".prov") || !strcmp(d->d_name, ".git"))
			continue;
		if (d->d_type == DT_DIR || d->d_type == DT_REG) {
			kind = d->d_type == DT_DIR;
		} else if (d->d_type != DT_UNKNOWN) {
			kind = -1;
		} else {
			buf_printf(path, "/%s", d->d_name);
			rc = entry_kind(&kind, &st, dirfd(dp), d->d_name, path->ptr);
			buf_cut(path, base);
			if (rc)
				break;
		}
		if (kind < 0) {
			w->fs->skipped++;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].off = names.len;
		v[n].dir = kind;
		n++;
		buf_put(&names, d->d_name, strlen(d->d_name) + 1);
	}
	if (!rc && errno)
		rc = prov_error_set(PROV_EIO, "'%s': %s", path->ptr, errstr(errno));
	for (size_t i = 0; i < n; i++)
		v[i].name = names.ptr + v[i].off;
	if (!rc && n)
		qsort(v, n, sizeof(*v), dent_cmp);
	for (size_t i = 0; i < n && !rc; i++) {
		const char *name = v[i].name;
		int sub;
		buf_cut(path, base);
		buf_putc(path, '/');
		buf_puts(path, name);
		if (!v[i].dir) {
			if (held < 0) {
				/* this folder's files are stat()ed later */
				if (w->nfds == WALK_OPEN_MAX &&
				    (rc = stat_pending(w)))
					break;
				held = fcntl(dirfd(dp), F_DUPFD_CLOEXEC, 0);
				if (held < 0 && out_of_fds(w, &rc))
					held = fcntl(dirfd(dp), F_DUPFD_CLOEXEC, 0);
				if (rc)
					break;
				if (held < 0) {
					rc = prov_error_set(
						PROV_EIO, "'%s': %s", path->ptr,
						errstr(errno));
					break;
				}
				w->fds[w->nfds++] = held;
			}
			add_pending(w, path->ptr, held);
			continue;
		}
		sub = openat(dirfd(dp), name, DIR_FLAGS);
		if (sub < 0 && out_of_fds(w, &rc)) {
			held = -1;
			sub = openat(dirfd(dp), name, DIR_FLAGS);
		}
		if (rc) {
			if (sub >= 0)
				close(sub);
			break;
		}
		if (sub >= 0) {
			rc = walk_dir(w, sub, path);
			held = -1; /* may have been closed by stat_pending() */
		} else if (errno != ENOTDIR && errno != ELOOP) {
			rc = prov_error_set(PROV_EIO, "'%s': %s", path->ptr,
					    errstr(errno));
		} else if (!(rc = entry_kind(&kind, &st, dirfd(dp), name,
					     path->ptr))) {
			/* no longer a folder since it was listed: as if it
			 * had been listed after the change. A file has its
			 * stat already, so it goes in after the waiting ones
			 * have theirs. */
			if (kind != 0) {
				w->fs->skipped++;
			} else if (!(rc = stat_pending(w))) {
				add_entry(w->fs, path->ptr, &st, 0);
				w->first = w->fs->n;
				held = -1;
			}
		}
	}
	buf_cut(path, base);
	closedir(dp);
	buf_release(&names);
	free(v);
	return rc;
}

/* Walks the folder p into fs. After a failure, the entries that were
 * still waiting for their stat are dropped. */
static int walk(struct fileset *fs, const char *p)
{
	struct walk w = { .fs = fs, .first = fs->n };
	struct buf path = BUF_INIT;
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return prov_error_set(PROV_EIO, "'%s': %s", p, errstr(errno));
	buf_puts(&path, p);
	if (!(rc = walk_dir(&w, fd, &path)))
		rc = stat_pending(&w);
	while (fs->n > w.first)
		free(fs->v[--fs->n].path);
	while (w.nfds)
		close(w.fds[--w.nfds]);
	buf_release(&path);
	free(w.dirfd);
	free(w.err);
	return rc;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct file_entry *)a)->path,
		      ((const struct file_entry *)b)->path);
}

static int sorted(const struct fileset *fs)
{
	for (size_t i = 1; i < fs->n; i++)
		if (strcmp(fs->v[i - 1].path, fs->v[i].path) > 0)
			return 0;
	return 1;
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
			rc = walk(fs, p);
		else if (S_ISREG(st.st_mode))
			add_entry(fs, p, &st, 1);
		else
			rc = prov_error_set(PROV_EINVALID,
					    "'%s' is not a regular file", p);
	}
	/* One folder's walk comes out in order already. */
	if (fs->n && !sorted(fs))
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
	size_t c = path[0] == '/' ? 0 : strlen(cwd), p = strlen(path);

	if (c + 1 + p >= PATH_MAX) {
		out[0] = '\0'; /* too long to cache: an empty key never matches */
		return;
	}
	memcpy(out, cwd, c);
	if (c)
		out[c++] = '/';
	memcpy(out + c, path, p + 1);
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
		if (e->cached || e->err)
			continue;
		cache_key(key, cwd, e->path);
		if (key[0])
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

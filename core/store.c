/* The registry store: a bare git repository (DIR/.prov) whose branch holds
 * every record as a file. A write transaction stages blobs and trees in
 * libgit2's in-memory object database; committing makes one SSH-signed
 * commit, writes every new object as one pack, and moves the branch with a
 * compare-and-swap. Until the pack is written nothing on disk has changed;
 * a pack whose branch move lost a race is deleted again; only if the move
 * fails for another reason may an unreferenced pack remain (harmless: git
 * gc removes it). A flock()ed lock file serialises writers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "core.h"
#include "pack.h"

#define BRANCH "refs/heads/main"
#define MARKER_KEY "prov.registry"

/* A folder of the tree being edited. Children are loaded from the existing
 * tree only when a path descends into them. */
struct tnode {
	char *name;
	unsigned mode;
	git_oid oid;
	int loaded; /* children read from oid (trees only) */
	int dirty;  /* must be rewritten */
	struct tnode **kids;
	size_t nkids, cap;
};

struct store {
	git_repository *repo;
	git_odb *odb;
	git_odb_backend *mempack;
	char *path;
	int lock_fd;
	/* the open transaction */
	int in_tx;
	int has_tip;
	git_oid tip;
	struct tnode *root;
	size_t staged;
	git_tree *snap;   /* the tip's tree, read once per snapshot */
	git_oid snap_id;  /* and its commit */
	int snap_empty;   /* the branch had no commit when read */
	git_oid *written; /* objects this transaction wrote, for the pack */
	size_t nwritten, capwritten;
};

static void note_written(struct store *s, const git_oid *oid)
{
	if (s->nwritten == s->capwritten) {
		s->capwritten = s->capwritten ? 2 * s->capwritten : 1024;
		s->written = xrealloc(s->written, s->capwritten * sizeof(*s->written));
	}
	git_oid_cpy(&s->written[s->nwritten++], oid);
}

/* libgit2's message for a failure, translated into ours once, here. */
static int git_fail(int code, const char *what)
{
	const git_error *e = git_error_last();

	return prov_error_set(code, "%s: %s", what,
			      e && e->message ? e->message : "libgit2 error");
}

/* ---- opening ------------------------------------------------------------ */

int store_init(const char *dir)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	struct buf path = BUF_INIT;
	struct stat st;
	int rc = 0;

	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	buf_printf(&path, "%s/.prov", dir);
	if (!stat(path.ptr, &st)) {
		rc = prov_error_set(PROV_EEXISTS, "'%s' already exists", path.ptr);
		goto done;
	}
	if ((rc = mkdir_p(dir, 0777)))
		goto done;
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKDIR |
		     GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "main";
	opts.description = "prov registry";
	if (git_repository_init_ext(&repo, path.ptr, &opts) ||
	    git_repository_config(&cfg, repo) ||
	    git_config_set_int32(cfg, MARKER_KEY, 1) ||
	    /* Our packs are written whole; git's auto-gc need not repack. */
	    git_config_set_int32(cfg, "gc.auto", 0)) {
		rc = git_fail(PROV_EIO, path.ptr);
		goto done;
	}
done:
	git_config_free(cfg);
	git_repository_free(repo);
	buf_release(&path);
	return rc;
}

static int is_registry(git_repository *repo)
{
	git_config *cfg = NULL;
	int32_t v = 0;

	if (!git_repository_is_bare(repo) || git_repository_config(&cfg, repo))
		return 0;
	if (git_config_get_int32(&v, cfg, MARKER_KEY))
		v = 0;
	git_config_free(cfg);
	return v == 1;
}

static int try_open(git_repository **out, const char *path)
{
	struct stat st;

	*out = NULL;
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -1;
	if (git_repository_open_ext(out, path, GIT_REPOSITORY_OPEN_NO_SEARCH |
						    GIT_REPOSITORY_OPEN_BARE,
				    NULL))
		return -1;
	if (!is_registry(*out)) {
		git_repository_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int store_open(struct store **out, const char *dir)
{
	struct buf path = BUF_INIT;
	git_repository *repo = NULL;
	struct store *s;
	int rc = 0;

	*out = NULL;
	buf_printf(&path, "%s/.prov", dir);
	if (try_open(&repo, path.ptr) && try_open(&repo, dir)) {
		rc = prov_error_set(PROV_ENOTFOUND,
				    "'%s' is not a prov registry (run 'prov init')",
				    dir);
		goto done;
	}
	s = xcalloc(1, sizeof(*s));
	s->repo = repo;
	s->lock_fd = -1;
	s->path = xstrdup(git_repository_path(repo));
	if (s->path[0] && s->path[strlen(s->path) - 1] == '/')
		s->path[strlen(s->path) - 1] = '\0';
	/* Every object this process writes goes to memory first. */
	if (git_repository_odb(&s->odb, repo) || git_mempack_new(&s->mempack) ||
	    git_odb_add_backend(s->odb, s->mempack, 999)) {
		rc = git_fail(PROV_EIO, s->path);
		store_free(s);
		goto done;
	}
	*out = s;
done:
	buf_release(&path);
	return rc;
}

static void snap_drop(struct store *s)
{
	git_tree_free(s->snap);
	s->snap = NULL;
	s->snap_empty = 0;
}

static void tnode_free(struct tnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		tnode_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n);
}

void store_abort(struct store *s)
{
	if (!s->in_tx)
		return;
	git_mempack_reset(s->mempack);
	s->nwritten = 0;
	tnode_free(s->root);
	s->root = NULL;
	s->in_tx = 0;
	s->staged = 0;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	store_abort(s);
	store_unlock(s);
	snap_drop(s);
	/* The odb owns the mempack backend once added. */
	git_odb_free(s->odb);
	git_repository_free(s->repo);
	free(s->written);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

void *store_repo(struct store *s)
{
	return s->repo;
}

/* ---- locking ------------------------------------------------------------ */

int store_lock(struct store *s, int timeout_ms)
{
	struct buf path = BUF_INIT;
	int waited = 0, rc = 0;

	if (s->lock_fd >= 0)
		return 0;
	buf_printf(&path, "%s/prov.lock", s->path);
	s->lock_fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lock_fd < 0) {
		rc = prov_error_set(PROV_EIO, "'%s': %s", path.ptr, errstr(errno));
		goto done;
	}
	/* flock() is released by the kernel if we die, so a crash never
	 * leaves a stale lock for the next writer. */
	while (flock(s->lock_fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK || waited >= timeout_ms) {
			rc = prov_error_set(PROV_ELOCKED,
					    "registry '%s' is locked by another "
					    "writer (waited %d ms)",
					    s->path, waited);
			close(s->lock_fd);
			s->lock_fd = -1;
			goto done;
		}
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
		waited += 50;
	}
done:
	buf_release(&path);
	return rc;
}

void store_unlock(struct store *s)
{
	if (s->lock_fd >= 0) {
		flock(s->lock_fd, LOCK_UN);
		close(s->lock_fd);
		s->lock_fd = -1;
	}
}

/* ---- the tip ------------------------------------------------------------ */

static int tip_commit(git_commit **out, struct store *s)
{
	git_oid oid;
	int err;

	*out = NULL;
	err = git_reference_name_to_id(&oid, s->repo, BRANCH);
	if (err == GIT_ENOTFOUND)
		return 1;
	if (err || git_commit_lookup(out, s->repo, &oid))
		return git_fail(PROV_EIO, "reading the registry's branch");
	return 0;
}

/* Reads see one snapshot of the tip, taken at the first read (or at
 * store_begin, under the lock), so a command sees a consistent registry
 * and does not re-read the branch for every lookup. The caller must not
 * free *out. */
static int tip_tree(git_tree **out, struct store *s)
{
	git_commit *c = NULL;
	int rc;

	*out = NULL;
	if (s->snap_empty)
		return 1;
	if (s->snap) {
		*out = s->snap;
		return 0;
	}
	if ((rc = tip_commit(&c, s))) {
		s->snap_empty = rc > 0;
		return rc;
	}
	git_oid_cpy(&s->snap_id, git_commit_id(c));
	if (git_commit_tree(&s->snap, c))
		rc = git_fail(PROV_EIO, "reading the registry's tree");
	*out = s->snap;
	git_commit_free(c);
	return rc;
}

int store_tip(struct store *s, char id[41])
{
	git_tree *tree;
	int rc = tip_tree(&tree, s);

	id[0] = '\0';
	if (!rc)
		git_oid_tostr(id, 41, &s->snap_id);
	return rc;
}

int store_entry_id(struct store *s, const char *path, char id[41])
{
	git_tree *tree;
	git_tree_entry *e = NULL;
	int rc = tip_tree(&tree, s);

	id[0] = '\0';
	if (rc)
		return rc;
	if (git_tree_entry_bypath(&e, tree, path)) {
		git_error_clear();
		return 1;
	}
	git_oid_tostr(id, 41, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return 0;
}

int store_has_commits(struct store *s)
{
	git_oid oid;

	return git_reference_name_to_id(&oid, s->repo, BRANCH) == 0;
}

/* ---- writing ------------------------------------------------------------ */

static struct tnode *tnode_new(const char *name, size_t len, unsigned mode)
{
	struct tnode *n = xcalloc(1, sizeof(*n));

	n->name = xstrndup(name, len);
	n->mode = mode;
	return n;
}

static void tnode_add(struct tnode *dir, struct tnode *kid)
{
	if (dir->nkids == dir->cap) {
		dir->cap = dir->cap ? dir->cap * 2 : 8;
		dir->kids = xrealloc(dir->kids, dir->cap * sizeof(*dir->kids));
	}
	dir->kids[dir->nkids++] = kid;
}

static int tnode_load(struct store *s, struct tnode *dir)
{
	git_tree *t = NULL;
	size_t n;

	if (dir->loaded)
		return 0;
	dir->loaded = 1;
	if (git_oid_is_zero(&dir->oid))
		return 0;
	if (git_tree_lookup(&t, s->repo, &dir->oid))
		return git_fail(PROV_EIO, "reading a registry tree");
	n = git_tree_entrycount(t);
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const char *name = git_tree_entry_name(e);
		struct tnode *kid = tnode_new(name, strlen(name),
					      (unsigned)git_tree_entry_filemode(e));
		git_oid_cpy(&kid->oid, git_tree_entry_id(e));
		tnode_add(dir, kid);
	}
	git_tree_free(t);
	return 0;
}

static struct tnode *tnode_find(struct tnode *dir, const char *name, size_t len)
{
	/* A scan: shard folders hold at most 256 entries, and record folders
	 * (records/<kind>/<aa>/) about n/256 for n records of a kind, a few
	 * thousand at a million; not worth an index yet. */
	for (size_t i = 0; i < dir->nkids; i++)
		if (!strncmp(dir->kids[i]->name, name, len) &&
		    !dir->kids[i]->name[len])
			return dir->kids[i];
	return NULL;
}

static int path_valid(const char *path)
{
	const char *p = path;

	if (!*p || *p == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!len || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!e)
			break;
		p = e + 1;
	}
	return path[strlen(path) - 1] != '/';
}

int store_begin(struct store *s)
{
	git_commit *c = NULL;
	int rc;

	if (s->in_tx)
		return prov_error_set(PROV_ERROR, "a transaction is already open");
	snap_drop(s); /* under the lock now: read the tip afresh */
	s->root = tnode_new("", 0, GIT_FILEMODE_TREE);
	s->has_tip = 0;
	rc = tip_commit(&c, s);
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		s->has_tip = 1;
		git_oid_cpy(&s->tip, git_commit_id(c));
		git_oid_cpy(&s->root->oid, git_commit_tree_id(c));
		git_commit_free(c);
	}
	s->in_tx = 1;
	s->staged = 0;
	return 0;
fail:
	tnode_free(s->root);
	s->root = NULL;
	return rc;
}

int store_put(struct store *s, const char *path, const void *data, size_t n)
{
	struct tnode *dir;
	const char *p = path;
	git_oid oid;
	int rc;

	if (!s->in_tx)
		return prov_error_set(PROV_ERROR, "store_put outside a transaction");
	if (!path_valid(path))
		return prov_error_set(PROV_EINVALID, "'%s' is not a valid store path",
				      path);
	if (git_blob_create_from_buffer(&oid, s->repo, data, n))
		return git_fail(PROV_EIO, path);
	dir = s->root;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		struct tnode *kid;

		if ((rc = tnode_load(s, dir)))
			return rc;
		kid = tnode_find(dir, p, len);
		if (!slash) {
			if (kid) {
				if (kid->mode == GIT_FILEMODE_BLOB &&
				    git_oid_equal(&kid->oid, &oid))
					return 1;
				return prov_error_set(PROV_ECONFLICT,
						      "'%s' already holds different "
						      "bytes",
						      path);
			}
			kid = tnode_new(p, len, GIT_FILEMODE_BLOB);
			git_oid_cpy(&kid->oid, &oid);
			tnode_add(dir, kid);
			/* Packed only when new here: bytes already at their
			 * path are in the registry's objects. */
			note_written(s, &oid);
			break;
		}
		if (kid && kid->mode != GIT_FILEMODE_TREE)
			return prov_error_set(PROV_ECONFLICT,
					      "'%.*s' is a file, not a folder",
					      (int)(slash - path), path);
		if (!kid) {
			kid = tnode_new(p, len, GIT_FILEMODE_TREE);
			kid->loaded = 1;
			tnode_add(dir, kid);
		}
		dir->dirty = 1;
		dir = kid;
		p = slash + 1;
	}
	dir->dirty = 1;
	s->staged++;
	return 0;
}

static int tnode_write(struct store *s, struct tnode *dir)
{
	git_treebuilder *tb = NULL;
	int rc = 0;

	if (!dir->dirty)
		return 0;
	if (git_treebuilder_new(&tb, s->repo, NULL)) {
		rc = git_fail(PROV_EIO, "building a tree");
		goto done;
	}
	for (size_t i = 0; i < dir->nkids; i++) {
		struct tnode *k = dir->kids[i];
		if (k->mode == GIT_FILEMODE_TREE && (rc = tnode_write(s, k)))
			goto done;
		if (git_treebuilder_insert(NULL, tb, k->name, &k->oid, k->mode)) {
			rc = git_fail(PROV_EIO, k->name);
			goto done;
		}
	}
	if (git_treebuilder_write(&dir->oid, tb))
		rc = git_fail(PROV_EIO, "writing a tree");
	else
		note_written(s, &dir->oid);
	dir->dirty = 0;
done:
	git_treebuilder_free(tb);
	return rc;
}

/* Writes every object this transaction made as one pack file, indexed;
 * name gets the pack's name for drop_pack. */
static int flush_pack(struct store *s, char name[41])
{
	struct buf dir = BUF_INIT;
	int rc;

	buf_printf(&dir, "%s/objects/pack", s->path);
	/* libgit2 finds the new pack by itself on its next miss. */
	rc = pack_write(name, dir.ptr, s->odb, s->written, s->nwritten);
	buf_release(&dir);
	return rc;
}

/* Removes the pack of a commit that lost the race for the branch: nothing
 * refers to its objects, and every other writer packs its own. The index
 * goes first, so git never sees an index without its pack. */
static void drop_pack(struct store *s, const char name[41])
{
	struct buf path = BUF_INIT;

	buf_printf(&path, "%s/objects/pack/pack-%s.idx", s->path, name);
	unlink(path.ptr);
	buf_clear(&path);
	buf_printf(&path, "%s/objects/pack/pack-%s.pack", s->path, name);
	unlink(path.ptr);
	buf_release(&path);
}

static int make_commit(git_oid *out, struct store *s, const struct key *k,
		       const char *message, const git_oid *tree_oid,
		       const git_commit **parents, size_t nparents)
{
	git_signature *who = NULL;
	git_tree *tree = NULL;
	git_buf content = GIT_BUF_INIT;
	struct buf sig = BUF_INIT;
	int rc = 0;

	if (git_signature_now(&who, k->name, k->did) ||
	    git_tree_lookup(&tree, s->repo, tree_oid) ||
	    git_commit_create_buffer(&content, s->repo, who, who, NULL, message,
				     tree, nparents, parents)) {
		rc = git_fail(PROV_EIO, "building the commit");
		goto done;
	}
	/* git's SSH signing: an SSHSIG over the commit, namespace "git",
	 * stored in the gpgsig header. */
	if ((rc = sshsig_sign(&sig, k, "git", content.ptr, content.size)))
		goto done;
	/* libgit2 writes each line of the header value, including an empty
	 * one after a final newline; git's own signed commits have none. */
	while (sig.len && sig.ptr[sig.len - 1] == '\n')
		sig.ptr[--sig.len] = '\0';
	if (git_commit_create_with_signature(out, s->repo, content.ptr, sig.ptr,
					     NULL))
		rc = git_fail(PROV_EIO, "writing the commit");
	else
		note_written(s, out);
done:
	buf_release(&sig);
	git_buf_dispose(&content);
	git_tree_free(tree);
	git_signature_free(who);
	return rc;
}

/* Moves the branch from the transaction's tip to oid, failing if another
 * writer moved it meanwhile. */
static int move_branch(struct store *s, const git_oid *oid, const char *msg)
{
	git_reference *ref = NULL;
	int err;

	if (s->has_tip)
		err = git_reference_create_matching(&ref, s->repo, BRANCH, oid, 1,
						    &s->tip, msg);
	else
		err = git_reference_create(&ref, s->repo, BRANCH, oid, 0, msg);
	git_reference_free(ref);
	snap_drop(s);
	if (err == GIT_EMODIFIED || err == GIT_EEXISTS)
		return prov_error_set(PROV_ELOCKED,
				      "the registry changed while this command "
				      "ran; nothing was written, run it again");
	if (err)
		return git_fail(PROV_EIO, "updating the registry's branch");
	return 0;
}

int store_commit(struct store *s, const struct key *k, const char *message,
		 char *commit_hex)
{
	git_commit *parent = NULL;
	const git_commit *parents[1];
	git_oid oid;
	char pack[41];
	int rc;

	commit_hex[0] = '\0';
	if (!s->in_tx)
		return prov_error_set(PROV_ERROR, "store_commit outside a transaction");
	if (!s->staged) {
		store_abort(s);
		return 0;
	}
	if ((rc = tnode_write(s, s->root)))
		goto done;
	if (s->has_tip && git_commit_lookup(&parent, s->repo, &s->tip)) {
		rc = git_fail(PROV_EIO, "reading the registry's tip");
		goto done;
	}
	parents[0] = parent;
	if ((rc = make_commit(&oid, s, k, message, &s->root->oid, parents,
			      parent ? 1 : 0)) ||
	    (rc = flush_pack(s, pack)))
		goto done;
	if ((rc = move_branch(s, &oid, message))) {
		if (rc == PROV_ELOCKED) /* the branch surely did not move */
			drop_pack(s, pack);
		goto done;
	}
	git_oid_tostr(commit_hex, 41, &oid);
done:
	git_commit_free(parent);
	store_abort(s);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

int store_read(struct buf *out, struct store *s, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int rc;

	if ((rc = tip_tree(&tree, s)) > 0)
		return prov_error_set(PROV_ENOTFOUND, "'%s': the registry is empty",
				      path);
	if (rc)
		return rc;
	if (git_tree_entry_bypath(&e, tree, path)) {
		rc = prov_error_set(PROV_ENOTFOUND, "'%s' is not in the registry",
				    path);
		goto done;
	}
	if (git_blob_lookup(&blob, s->repo, git_tree_entry_id(e))) {
		rc = git_fail(PROV_EIO, path);
		goto done;
	}
	rc = buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	return rc;
}

int store_read_blob(struct buf *out, struct store *s, const char *sha256_hex)
{
	struct buf path = BUF_INIT;
	git_tree *tree;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	uint8_t d[32];
	char got[65];
	int rc;

	if (strlen(sha256_hex) != 64 || hex_decode(d, 32, sha256_hex, 64))
		return prov_error_set(PROV_EINVALID, "'%.80s' is not a blob name",
				      sha256_hex);
	buf_printf(&path, "blobs/%.2s/%s", sha256_hex, sha256_hex);
	if ((rc = tip_tree(&tree, s)) > 0)
		rc = prov_error_set(PROV_ENOTFOUND, "the registry is empty");
	if (!rc && git_tree_entry_bypath(&e, tree, path.ptr))
		rc = prov_error_set(PROV_ENOTFOUND, "'%s' is not in the registry",
				    path.ptr);
	if (rc)
		goto done;
	/* The SHA-256 below checks every byte of the blob against the name a
	 * signed record gave it; libgit2's SHA-1 pass over the same bytes (a
	 * third of the read for a large item list) adds nothing, so it is off
	 * for this one object read. The trees above it were read with it on.
	 * A process-wide switch: never call this from more than one thread. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	rc = git_blob_lookup(&blob, s->repo, git_tree_entry_id(e));
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	if (rc) {
		rc = git_fail(PROV_EIO, path.ptr);
		goto done;
	}
	rc = buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	sha256_buf(d, out->ptr, out->len);
	hex_encode(got, d, 32);
	if (!rc && strcmp(got, sha256_hex))
		rc = prov_error_set(PROV_EVERIFY,
				    "'%s' has been altered: its sha256 is %s",
				    path.ptr, got);
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	buf_release(&path);
	return rc;
}

struct walk {
	struct store *s;
	const char *prefix;
	store_walk_fn read_fn;
	store_list_fn list_fn;
	void *payload;
	struct buf path;
	int rc;
};

static int walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;
	git_blob *blob = NULL;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	buf_clear(&w->path);
	if (*w->prefix)
		buf_printf(&w->path, "%s/", w->prefix);
	buf_printf(&w->path, "%s%s", root, git_tree_entry_name(e));
	if (w->list_fn) {
		w->rc = w->list_fn(w->path.ptr, w->payload);
		return w->rc ? -1 : 0;
	}
	if (git_blob_lookup(&blob, w->s->repo, git_tree_entry_id(e))) {
		w->rc = git_fail(PROV_EIO, w->path.ptr);
		return -1;
	}
	w->rc = w->read_fn(w->path.ptr, git_blob_rawcontent(blob),
			   (size_t)git_blob_rawsize(blob), w->payload);
	git_blob_free(blob);
	return w->rc ? -1 : 0;
}

static int walk(struct walk *w)
{
	git_tree *tree = NULL, *sub = NULL;
	git_tree_entry *e = NULL;
	int rc;

	if ((rc = tip_tree(&tree, w->s)) > 0)
		return 0;
	if (rc)
		return rc;
	if (*w->prefix) {
		if (git_tree_entry_bypath(&e, tree, w->prefix) ||
		    git_tree_entry_type(e) != GIT_OBJECT_TREE)
			goto done; /* nothing under prefix */
		if (git_tree_lookup(&sub, w->s->repo, git_tree_entry_id(e))) {
			rc = git_fail(PROV_EIO, w->prefix);
			goto done;
		}
	}
	buf_init(&w->path, 0);
	if (git_tree_walk(sub ? sub : tree, GIT_TREEWALK_PRE, walk_cb, w) && !w->rc)
		w->rc = git_fail(PROV_EIO, "walking the registry");
	rc = w->rc;
	buf_release(&w->path);
done:
	git_tree_entry_free(e);
	git_tree_free(sub);
	return rc;
}

int store_walk(struct store *s, const char *prefix, store_walk_fn fn,
	       void *payload)
{
	struct walk w = { .s = s, .prefix = prefix, .read_fn = fn,
			  .payload = payload };
	return walk(&w);
}

int store_list(struct store *s, const char *prefix, store_list_fn fn,
	       void *payload)
{
	struct walk w = { .s = s, .prefix = prefix, .list_fn = fn,
			  .payload = payload };
	return walk(&w);
}

/* ---- changes since a commit ----------------------------------------------- */

/* A file (not a folder or submodule) under prefix, as store_walk sees
 * them: a file named like the prefix itself is not under it. */
static int diff_file(const git_diff_file *f, const char *prefix)
{
	size_t n = strlen(prefix);

	return (f->mode == GIT_FILEMODE_BLOB ||
		f->mode == GIT_FILEMODE_BLOB_EXECUTABLE) &&
	       !strncmp(f->path, prefix, n) && f->path[n] == '/';
}

/* A changed file is reported as its old version gone and the new one
 * added, so callers that key on paths need one rule. */
static int diff_one(struct store *s, const git_diff_delta *d,
		    const char *prefix, store_diff_fn fn, void *payload)
{
	git_blob *blob = NULL;
	int rc = 0;

	if (diff_file(&d->old_file, prefix))
		rc = fn(STORE_DELETED, d->old_file.path, NULL, 0, payload);
	if (rc || !diff_file(&d->new_file, prefix))
		return rc;
	if (git_blob_lookup(&blob, s->repo, &d->new_file.id))
		return git_fail(PROV_EIO, d->new_file.path);
	rc = fn(STORE_ADDED, d->new_file.path, git_blob_rawcontent(blob),
		(size_t)git_blob_rawsize(blob), payload);
	git_blob_free(blob);
	return rc;
}

/* 1 if path names the same object in both trees (or in neither). */
static int same_entry(git_tree *a, git_tree *b, const char *path)
{
	git_tree_entry *x = NULL, *y = NULL;
	int same;

	if (!a || !b)
		return !a && !b;
	git_tree_entry_bypath(&x, a, path);
	git_tree_entry_bypath(&y, b, path);
	git_error_clear();
	same = x && y ? git_oid_equal(git_tree_entry_id(x), git_tree_entry_id(y)) :
			!x && !y;
	git_tree_entry_free(x);
	git_tree_entry_free(y);
	return same;
}

int store_diff(struct store *s, const char *from, const char *prefix,
	       store_diff_fn fn, void *payload)
{
	git_diff_options opts;
	char *spec = (char *)prefix;
	git_oid oid;
	git_commit *c = NULL;
	git_tree *old = NULL, *cur = NULL;
	git_diff *diff = NULL;
	int rc;

	if ((rc = tip_tree(&cur, s)) < 0)
		return rc;
	rc = 0;
	if (git_oid_fromstr(&oid, from) || git_commit_lookup(&c, s->repo, &oid) ||
	    git_commit_tree(&old, c)) {
		git_error_clear();
		rc = prov_error_set(PROV_ENOTFOUND,
				    "the commit to compare with is not in the registry");
		goto done;
	}
	/* The diff would read every tree under prefix, even unchanged ones. */
	if (same_entry(old, cur, prefix))
		goto done;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.pathspec.strings = &spec;
	opts.pathspec.count = 1;
	if (git_diff_tree_to_tree(&diff, s->repo, old, cur, &opts)) {
		rc = git_fail(PROV_EIO, "comparing the registry's trees");
		goto done;
	}
	for (size_t i = 0, n = git_diff_num_deltas(diff); i < n && !rc; i++)
		rc = diff_one(s, git_diff_get_delta(diff, i), prefix, fn, payload);
done:
	git_diff_free(diff);
	git_tree_free(old);
	git_commit_free(c);
	return rc;
}

/* ---- history ------------------------------------------------------------ */

static void commit_signature(struct store_commit_info *info, struct store *s,
			     const git_oid *oid)
{
	git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
	uint8_t pk[32];
	int err;

	info->signed_ok = 0;
	info->signer_did[0] = '\0';
	err = git_commit_extract_signature(&sig, &data, s->repo, (git_oid *)oid,
					   NULL);
	if (err == 0) {
		if (sshsig_verify(pk, sig.ptr, sig.size, "git", data.ptr,
				  data.size)) {
			info->signed_ok = -1;
		} else {
			info->signed_ok = 1;
			did_from_pk(info->signer_did, pk);
		}
	}
	git_error_clear();
	git_buf_dispose(&sig);
	git_buf_dispose(&data);
}

/* For a merge, a path its first parent lacks but another parent has with
 * the same bytes was introduced by that parent's own commits. */
static int from_other_parent(git_commit *c, const git_diff_delta *d)
{
	unsigned n = git_commit_parentcount(c);
	int found = 0;

	for (unsigned i = 1; i < n && !found; i++) {
		git_commit *p = NULL;
		git_tree *t = NULL;
		git_tree_entry *e = NULL;
		if (!git_commit_parent(&p, c, i) && !git_commit_tree(&t, p) &&
		    !git_tree_entry_bypath(&e, t, d->new_file.path))
			found = git_oid_equal(git_tree_entry_id(e), &d->new_file.id);
		git_tree_entry_free(e);
		git_tree_free(t);
		git_commit_free(p);
	}
	return found;
}

/* Paths in parent p's tree that the merge's tree lacks, and that the first
 * parent lacks too (those the first-parent diff has reported already). */
static int merge_deletions(struct store *s, git_commit *c, unsigned p,
			   git_tree *first, git_tree *cur,
			   const git_diff_options *opts,
			   const struct store_commit_info *info,
			   store_history_fn fn, void *payload)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	int rc = 0;

	if (git_commit_parent(&parent, c, p) || git_commit_tree(&tree, parent) ||
	    git_diff_tree_to_tree(&diff, s->repo, tree, cur, opts)) {
		rc = git_fail(PROV_EIO, info->id);
		goto done;
	}
	for (size_t i = 0, n = git_diff_num_deltas(diff); i < n && !rc; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		git_tree_entry *e = NULL;
		if (d->status != GIT_DELTA_DELETED)
			continue;
		if (!git_tree_entry_bypath(&e, first, d->old_file.path)) {
			git_tree_entry_free(e);
			continue;
		}
		git_error_clear();
		rc = fn(info, STORE_DELETED, d->old_file.path, payload);
	}
done:
	git_diff_free(diff);
	git_tree_free(tree);
	git_commit_free(parent);
	return rc;
}

static int history_commit(struct store *s, git_commit *c, const char *prefix,
			  store_history_fn fn, void *payload)
{
	git_diff_options opts;
	char *spec = (char *)prefix;
	struct store_commit_info info = { 0 };
	git_commit *parent = NULL;
	git_tree *old = NULL, *cur = NULL;
	git_diff *diff = NULL;
	const git_signature *a = git_commit_author(c);
	int rc = 0;

	git_oid_tostr(info.id, sizeof(info.id), git_commit_id(c));
	info.time = (int64_t)git_commit_time(c);
	info.summary = git_commit_summary(c);
	info.author = a ? a->name : "";
	info.nparents = git_commit_parentcount(c);
	commit_signature(&info, s, git_commit_id(c));
	if ((rc = fn(&info, STORE_ADDED, NULL, payload)))
		goto done;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (prefix && *prefix) {
		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
	}
	if ((info.nparents && (git_commit_parent(&parent, c, 0) ||
			       git_commit_tree(&old, parent))) ||
	    git_commit_tree(&cur, c) ||
	    git_diff_tree_to_tree(&diff, s->repo, old, cur, &opts)) {
		rc = git_fail(PROV_EIO, info.id);
		goto done;
	}
	for (size_t i = 0, n = git_diff_num_deltas(diff); i < n && !rc; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		enum store_change ch;
		if (info.nparents > 1 && d->status != GIT_DELTA_DELETED &&
		    from_other_parent(c, d))
			continue;
		switch (d->status) {
		case GIT_DELTA_ADDED: ch = STORE_ADDED; break;
		case GIT_DELTA_DELETED: ch = STORE_DELETED; break;
		default: ch = STORE_MODIFIED;
		}
		rc = fn(&info, ch,
			ch == STORE_DELETED ? d->old_file.path : d->new_file.path,
			payload);
	}
	/* A merge can also drop what only another parent had. */
	for (unsigned p = 1; p < info.nparents && !rc; p++)
		rc = merge_deletions(s, c, p, old, cur, &opts, &info, fn, payload);
done:
	git_diff_free(diff);
	git_tree_free(old);
	git_tree_free(cur);
	git_commit_free(parent);
	return rc;
}

int store_history(struct store *s, const char *prefix, store_history_fn fn,
		  void *payload)
{
	git_revwalk *walker = NULL;
	git_oid oid;
	int rc = 0, err;

	if (!store_has_commits(s))
		return 0;
	if (git_revwalk_new(&walker, s->repo) ||
	    git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME |
						GIT_SORT_REVERSE) ||
	    git_revwalk_push_ref(walker, BRANCH))
		return git_fail(PROV_EIO, "walking the registry's history");
	while (!rc && !(err = git_revwalk_next(&oid, walker))) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, s->repo, &oid)) {
			rc = git_fail(PROV_EIO, "reading a commit");
			break;
		}
		rc = history_commit(s, c, prefix, fn, payload);
		git_commit_free(c);
	}
	git_revwalk_free(walker);
	return rc;
}

/* ---- remotes ------------------------------------------------------------ */

int store_remote_add(struct store *s, const char *name, const char *url)
{
	git_remote *r = NULL;
	struct buf fixed = BUF_INIT;
	struct stat st;
	int rc = 0;

	/* A local path is stored absolute, so the remote works from any
	 * folder; a project folder stands for the registry inside it. */
	char abs[PATH_MAX];
	if (!strstr(url, "://") && realpath(url, abs)) {
		buf_printf(&fixed, "%s/.prov", abs);
		url = !stat(fixed.ptr, &st) && S_ISDIR(st.st_mode) ? fixed.ptr : abs;
	}
	if (key_name_check(name))
		rc = prov_error_wrap("remote name");
	else if (git_remote_create(&r, s->repo, name, url))
		rc = git_fail(PROV_EINVALID, name);
	git_remote_free(r);
	buf_release(&fixed);
	return rc;
}

int store_remote_list(struct store *s, store_remote_fn fn, void *payload)
{
	git_strarray names = { 0 };
	int rc = 0;

	if (git_remote_list(&names, s->repo))
		return git_fail(PROV_EIO, "listing remotes");
	for (size_t i = 0; i < names.count && !rc; i++) {
		git_remote *r = NULL;
		if (git_remote_lookup(&r, s->repo, names.strings[i]))
			continue;
		rc = fn(names.strings[i], git_remote_url(r), payload);
		git_remote_free(r);
	}
	git_strarray_dispose(&names);
	return rc;
}

static int remote_lookup(git_remote **out, struct store *s, const char *name)
{
	if (git_remote_lookup(out, s->repo, name))
		return prov_error_set(PROV_ENOTFOUND,
				      "no remote named '%s' (see 'prov remote add')",
				      name);
	return 0;
}

int store_push(struct store *s, const char *name)
{
	git_push_options opts;
	char *spec = BRANCH ":" BRANCH;
	git_strarray specs = { &spec, 1 };
	git_remote *r = NULL;
	int rc, err;

	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	if ((rc = remote_lookup(&r, s, name)))
		return rc;
	if (!store_has_commits(s)) {
		rc = prov_error_set(PROV_EINVALID, "the registry is empty");
		goto done;
	}
	err = git_remote_push(r, &specs, &opts);
	if (err == GIT_ENONFASTFORWARD ||
	    (err && git_error_last() &&
	     strstr(git_error_last()->message, "fast"))) {
		rc = prov_error_set(PROV_ECONFLICT,
				    "'%s' has records this registry lacks; "
				    "run 'prov pull %s' first",
				    name, name);
	} else if (err) {
		rc = git_fail(PROV_EIO, name);
	}
done:
	git_remote_free(r);
	return rc;
}

int store_fetch(struct store *s, const char *name, char theirs[41])
{
	git_fetch_options opts;
	struct buf spec = BUF_INIT, ref = BUF_INIT;
	git_remote *r = NULL;
	git_oid oid;
	char *specp;
	git_strarray specs = { &specp, 1 };
	int rc;

	theirs[0] = '\0';
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	if ((rc = remote_lookup(&r, s, name)))
		return rc;
	buf_printf(&spec, "+" BRANCH ":refs/remotes/%s/main", name);
	buf_printf(&ref, "refs/remotes/%s/main", name);
	specp = spec.ptr;
	opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (git_remote_fetch(r, &specs, &opts, "prov pull")) {
		rc = git_fail(PROV_EIO, name);
		goto done;
	}
	if (!git_reference_name_to_id(&oid, s->repo, ref.ptr))
		git_oid_tostr(theirs, 41, &oid);
done:
	git_remote_free(r);
	buf_release(&spec);
	buf_release(&ref);
	return rc;
}

struct merge {
	struct store *s;
	store_check_fn check;
	void *payload;
	size_t added;
	struct buf path;
};

/* Calls check on every blob of a tree that is new to us. */
static int check_new(struct merge *m, const git_tree_entry *e)
{
	size_t base = m->path.len;
	int rc = 0;

	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		git_blob *b = NULL;
		if (git_blob_lookup(&b, m->s->repo, git_tree_entry_id(e)))
			return git_fail(PROV_EIO, m->path.ptr);
		m->added++;
		if (m->check)
			rc = m->check(m->path.ptr, git_blob_rawcontent(b),
				      (size_t)git_blob_rawsize(b), m->payload);
		git_blob_free(b);
		return rc;
	}
	git_tree *t = NULL;
	if (git_tree_lookup(&t, m->s->repo, git_tree_entry_id(e)))
		return git_fail(PROV_EIO, m->path.ptr);
	for (size_t i = 0, n = git_tree_entrycount(t); i < n && !rc; i++) {
		const git_tree_entry *k = git_tree_entry_byindex(t, i);
		m->path.len = base;
		buf_printf(&m->path, "/%s", git_tree_entry_name(k));
		rc = check_new(m, k);
	}
	m->path.len = base;
	m->path.ptr[base] = '\0';
	git_tree_free(t);
	return rc;
}

/* out = the union of trees a and b (either may be NULL). */
static int tree_union(git_oid *out, struct merge *m, git_tree *a, git_tree *b)
{
	git_treebuilder *tb = NULL;
	size_t base = m->path.len;
	int rc = 0;

	if (git_treebuilder_new(&tb, m->s->repo, a))
		return git_fail(PROV_EIO, "merging trees");
	for (size_t i = 0, n = b ? git_tree_entrycount(b) : 0; i < n && !rc; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);
		const char *name = git_tree_entry_name(eb);
		const git_tree_entry *ea = git_treebuilder_get(tb, name);

		m->path.len = base;
		buf_printf(&m->path, "%s%s", base ? "/" : "", name);
		if (!ea) {
			if (!(rc = check_new(m, eb)) &&
			    git_treebuilder_insert(NULL, tb, name,
						   git_tree_entry_id(eb),
						   git_tree_entry_filemode(eb)))
				rc = git_fail(PROV_EIO, m->path.ptr);
		} else if (git_oid_equal(git_tree_entry_id(ea),
					 git_tree_entry_id(eb))) {
			continue;
		} else if (git_tree_entry_type(ea) == GIT_OBJECT_TREE &&
			   git_tree_entry_type(eb) == GIT_OBJECT_TREE) {
			git_tree *ta = NULL, *tbt = NULL;
			git_oid sub;
			if (git_tree_lookup(&ta, m->s->repo, git_tree_entry_id(ea)) ||
			    git_tree_lookup(&tbt, m->s->repo, git_tree_entry_id(eb)))
				rc = git_fail(PROV_EIO, m->path.ptr);
			else if (!(rc = tree_union(&sub, m, ta, tbt)) &&
				 git_treebuilder_insert(NULL, tb, name, &sub,
							GIT_FILEMODE_TREE))
				rc = git_fail(PROV_EIO, m->path.ptr);
			git_tree_free(ta);
			git_tree_free(tbt);
		} else {
			rc = prov_error_set(PROV_ECONFLICT,
					    "'%s' differs between the registries "
					    "(records are immutable: one side was "
					    "altered)",
					    m->path.ptr);
		}
	}
	m->path.len = base;
	m->path.ptr[base] = '\0';
	if (!rc && git_treebuilder_write(out, tb))
		rc = git_fail(PROV_EIO, "writing a merged tree");
	else if (!rc)
		note_written(m->s, out);
	git_treebuilder_free(tb);
	return rc;
}

int store_merge(struct store *s, const char *theirs_hex, const struct key *k,
		store_check_fn check, void *payload, size_t *added)
{
	struct merge m = { .s = s, .check = check, .payload = payload };
	git_commit *ours = NULL, *theirs = NULL;
	git_tree *ot = NULL, *tt = NULL;
	git_oid toid, tree, commit;
	const git_commit *parents[2];
	char pack[41];
	int rc;

	*added = 0;
	buf_init(&m.path, 0);
	if (git_oid_fromstr(&toid, theirs_hex) ||
	    git_commit_lookup(&theirs, s->repo, &toid) ||
	    git_commit_tree(&tt, theirs)) {
		rc = git_fail(PROV_EIO, theirs_hex);
		goto done;
	}
	if ((rc = store_begin(s)))
		goto done;
	if (s->has_tip && (git_commit_lookup(&ours, s->repo, &s->tip) ||
			   git_commit_tree(&ot, ours))) {
		rc = git_fail(PROV_EIO, "reading the registry's tip");
		goto done;
	}
	if (s->has_tip && (git_oid_equal(&s->tip, &toid) ||
			   git_graph_descendant_of(s->repo, &s->tip, &toid) == 1))
		goto done; /* we already have everything */
	if ((rc = tree_union(&tree, &m, ot, tt)))
		goto done;
	*added = m.added;
	if (!s->has_tip ||
	    (git_graph_descendant_of(s->repo, &toid, &s->tip) == 1 &&
	     git_oid_equal(&tree, git_tree_id(tt)))) {
		rc = move_branch(s, &toid, "prov pull: fast-forward");
		goto done;
	}
	if (!k) {
		rc = STORE_NEEDS_KEY; /* nothing written: the caller retries with one */
		goto done;
	}
	parents[0] = ours;
	parents[1] = theirs;
	if (!(rc = make_commit(&commit, s, k, "prov pull: merge", &tree, parents,
			       2)) &&
	    !(rc = flush_pack(s, pack)) &&
	    (rc = move_branch(s, &commit, "prov pull: merge")) == PROV_ELOCKED)
		drop_pack(s, pack);
done:
	store_abort(s);
	buf_release(&m.path);
	git_tree_free(ot);
	git_tree_free(tt);
	git_commit_free(ours);
	git_commit_free(theirs);
	return rc;
}

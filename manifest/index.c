/* The registry index: work claims and opt-outs by content hash, from
 * records that verify. A manifest build looks every file up here.
 *
 * Checking 200,000 work records takes seconds, so what the checks found is
 * kept in .prov/claimindex and brought up to date from the registry's
 * changes since the commit it describes. For one prov binary, a record's
 * verdict depends on its bytes only, and a path's bytes change only
 * through a commit, so entries are dropped and added by path, never
 * re-checked; another build (an upgrade, with other rules) starts afresh.
 * The file carries a MAC under a key from $PROV_HOME, outside the
 * registry: one written by someone else, or edited, is rebuilt, not
 * believed.
 *
 * The file (docs/store.md): "prov-claimindex 3\n", the commit (40 hex) and
 * "\n", the build id of the prov that checked the records (prov_build_id,
 * 64 hex) and "\n",
 * the entries, and the cache MAC (core.h, cache_read). An entry is
 * a type byte and the record's path (none when the record is where its id
 * puts it), then
 *   'w' (a work):        32 content bytes, id, creator, license, training
 *   'o' (an opt-out):    id, by, reason, created, u32 scope, u32 n, n x 32
 *                        content bytes
 *   'x' (did not check): nothing more
 * Strings are a u32 length (0xffffffff for none), the bytes and a NUL;
 * u32s are little-endian. The index's strings point into these bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

#define MAGIC "prov-claimindex 3\n"
#define HEADER_LEN (sizeof(MAGIC) - 1 + 41 + 65)
#define TAG "claimindex"
#define NONE 0xffffffffu

struct index {
	struct buf file; /* header, entries, MAC: the strings point in here */
	struct content_info *slots; /* open addressing on the hash */
	size_t cap, count;
	size_t rejected;
};

/* ---- entries ------------------------------------------------------------ */

static void put_u32(struct buf *b, uint32_t v)
{
	uint8_t le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	buf_put(b, le, 4);
}

static void put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!s || n >= NONE) {
		put_u32(b, NONE);
		return;
	}
	put_u32(b, (uint32_t)n);
	buf_put(b, s, n + 1);
}

static int content_hash(uint8_t out[32], const char *hex)
{
	return !hex || strlen(hex) != 64 || hex_decode(out, 32, hex, 64);
}

static int work_content(uint8_t sha[32], const struct record *r)
{
	return content_hash(sha, json_string_value(json_object_get(
					 json_object_get(r->payload, "content"),
					 "sha256")));
}

static void put_work(struct buf *b, const struct record *r,
		     const uint8_t sha[32])
{
	const json_t *p = r->payload, *t = json_object_get(p, "training");
	struct buf jcs = BUF_INIT;

	if (t)
		jcs_encode(&jcs, t);
	buf_put(b, sha, 32);
	put_str(b, r->id);
	put_str(b, json_string_value(json_object_get(p, "creator")));
	put_str(b, json_string_value(json_object_get(p, "license")));
	put_str(b, t ? jcs.ptr : NULL);
	buf_release(&jcs);
}

static void put_optout(struct buf *b, const struct record *r)
{
	const json_t *p = r->payload, *e;
	struct buf hashes = BUF_INIT;
	unsigned scope = 0;
	uint32_t n = 0;
	size_t i;

	json_array_foreach (json_object_get(p, "scope"), i, e) {
		int u = training_use_index(json_string_value(e) ?: "");
		if (u >= 0)
			scope |= USE_BIT(u);
	}
	json_array_foreach (json_object_get(p, "content"), i, e) {
		uint8_t sha[32];
		if (!content_hash(sha, json_string_value(e))) {
			buf_put(&hashes, sha, 32);
			n++;
		}
	}
	put_str(b, r->id);
	put_str(b, json_string_value(json_object_get(p, "by")));
	put_str(b, json_string_value(json_object_get(p, "reason")));
	put_str(b, json_string_value(json_object_get(p, "created")));
	put_u32(b, scope);
	put_u32(b, n);
	buf_put(b, hashes.ptr, hashes.len);
	buf_release(&hashes);
}

/* The entry for the record at path; r is NULL when it did not check. A
 * record counts only in its own folder: works under works/, opt-outs
 * under records/optout/. */
static void put_entry(struct buf *b, const char *path, const struct record *r)
{
	uint8_t sha[32];
	char type = 'x';

	if (r && !strcmp(r->kind, "work") && !strncmp(path, "works/", 6) &&
	    !work_content(sha, r))
		type = 'w';
	else if (r && !strcmp(r->kind, "optout") &&
		 !strncmp(path, "records/optout/", 15))
		type = 'o';
	buf_putc(b, type);
	/* A record where its id puts it needs no path: entry_path() makes it
	 * again, and the file is half the size (and reads twice as fast). */
	put_str(b, type == 'x' || record_path_check(r, path) ? path : NULL);
	prov_error_clear();
	if (type == 'w')
		put_work(b, r, sha);
	else if (type == 'o')
		put_optout(b, r);
}

/* Reading entries: every read is bounds-checked; the first bad one stops
 * the cursor. */
struct cursor {
	const uint8_t *p, *end;
	int bad;
};

struct entry {
	char type;
	const char *path;
	const uint8_t *content; /* 'w': one hash; 'o': n hashes */
	uint32_t n, scope;
	const char *id, *creator, *license, *training; /* 'w' */
	const char *by, *reason, *created;               /* 'o' (and id) */
};

static const uint8_t *get(struct cursor *c, size_t n)
{
	const uint8_t *at = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return NULL;
	}
	c->p += n;
	return at;
}

static uint32_t get_u32(struct cursor *c)
{
	const uint8_t *le = get(c, 4);

	return le ? (uint32_t)le[0] | (uint32_t)le[1] << 8 |
			    (uint32_t)le[2] << 16 | (uint32_t)le[3] << 24 :
		    0;
}

/* A string that ends in its NUL and holds no other. */
static const char *get_str(struct cursor *c)
{
	uint32_t n = get_u32(c);
	const uint8_t *s;

	if (c->bad || n == NONE)
		return NULL;
	s = get(c, (size_t)n + 1);
	if (s && (s[n] || memchr(s, 0, n)))
		c->bad = 1;
	return c->bad ? NULL : (const char *)s;
}

/* "sha256:" and 64 hex digits: what entry_path() may rely on. */
static int id_ok(const char *id)
{
	return id && strlen(id) == 71 && !strncmp(id, "sha256:", 7) &&
	       strspn(id + 7, "0123456789abcdef") == 64;
}

/* The next entry; 0 at the end, -1 for bytes that are not an entry. */
static int next_entry(struct entry *e, struct cursor *c)
{
	const uint8_t *type;

	if (c->p == c->end)
		return 0;
	memset(e, 0, sizeof(*e));
	type = get(c, 1);
	e->type = type ? (char)*type : 0;
	e->path = get_str(c);
	if (e->type == 'w') {
		e->content = get(c, 32);
		e->n = 1;
		e->id = get_str(c);
		e->creator = get_str(c);
		e->license = get_str(c);
		e->training = get_str(c);
	} else if (e->type == 'o') {
		e->id = get_str(c);
		e->by = get_str(c);
		e->reason = get_str(c);
		e->created = get_str(c);
		e->scope = get_u32(c);
		e->n = get_u32(c);
		if (e->n > (size_t)(c->end - c->p) / 32)
			c->bad = 1; /* and no product to overflow */
		else
			e->content = get(c, (size_t)e->n * 32);
	} else if (e->type != 'x') {
		c->bad = 1;
	}
	if (!c->bad && (e->type == 'x' ? !e->path : !id_ok(e->id)))
		c->bad = 1;
	return c->bad ? -1 : 1;
}

/* ---- the table ------------------------------------------------------------ */

static size_t hash_slot(const struct index *ix, const uint8_t sha[32])
{
	size_t h;

	memcpy(&h, sha, sizeof(h)); /* already uniformly distributed */
	h &= ix->cap - 1;
	while (ix->slots[h].claims || ix->slots[h].optouts) {
		if (!memcmp(ix->slots[h].sha256, sha, 32))
			break;
		h = (h + 1) & (ix->cap - 1);
	}
	return h;
}

static struct content_info *slot_for(struct index *ix, const uint8_t sha[32])
{
	struct content_info *ci = &ix->slots[hash_slot(ix, sha)];

	if (!ci->claims && !ci->optouts) {
		memcpy(ci->sha256, sha, 32);
		ix->count++;
	}
	return ci;
}

static void add(struct index *ix, const struct entry *e)
{
	for (uint32_t i = 0; i < e->n; i++) {
		struct content_info *ci = slot_for(ix, e->content + 32 * (size_t)i);
		if (e->type == 'w') {
			ci->claims = xrealloc(ci->claims, (ci->nclaims + 1) *
								  sizeof(*ci->claims));
			ci->claims[ci->nclaims++] = (struct claim){
				.id = e->id, .creator = e->creator,
				.license = e->license, .training = e->training
			};
		} else {
			ci->optouts = xrealloc(ci->optouts, (ci->noptouts + 1) *
								    sizeof(*ci->optouts));
			ci->optouts[ci->noptouts++] = (struct optout){
				.id = e->id, .by = e->by, .scope = e->scope,
				.reason = e->reason, .created = e->created
			};
		}
	}
}

static int claim_cmp(const void *a, const void *b)
{
	return strcmp(((const struct claim *)a)->id, ((const struct claim *)b)->id);
}

static int optout_cmp(const void *a, const void *b)
{
	return strcmp(((const struct optout *)a)->id,
		      ((const struct optout *)b)->id);
}

/* Fills the table from the entries (n bytes at p, inside ix->file). Claims
 * and opt-outs on a content are in record-id order, which is the registry's
 * tree order, however the entries were gathered. */
static int fill(struct index *ix, const uint8_t *p, size_t n)
{
	struct cursor c = { p, p + n, 0 };
	struct entry e;
	size_t need = 32;
	int r;

	while ((r = next_entry(&e, &c)) > 0)
		need += 2 * (size_t)e.n;
	if (r < 0)
		return prov_error_set(PROV_EINVALID, "a claim index entry is malformed");
	for (ix->cap = 64; ix->cap < need; ix->cap *= 2)
		;
	ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
	c = (struct cursor){ p, p + n, 0 };
	while (next_entry(&e, &c) > 0)
		if (e.type == 'x')
			ix->rejected++;
		else
			add(ix, &e);
	for (size_t i = 0; i < ix->cap; i++) {
		struct content_info *ci = &ix->slots[i];
		if (ci->nclaims > 1)
			qsort(ci->claims, ci->nclaims, sizeof(*ci->claims), claim_cmp);
		if (ci->noptouts > 1)
			qsort(ci->optouts, ci->noptouts, sizeof(*ci->optouts),
			      optout_cmp);
	}
	return 0;
}

/* ---- records, checked on every core -------------------------------------- */

struct raw {
	char *path;
	struct buf data;
	struct record *r; /* NULL when it did not check */
};

struct raws {
	struct raw *v;
	size_t n, cap;
	char **gone; /* paths deleted since the cached commit */
	size_t ngone, capgone;
};

static int collect(const char *path, const void *data, size_t n, void *p)
{
	struct raws *l = p;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].path = xstrdup(path);
	buf_init(&l->v[l->n].data, 0);
	buf_put(&l->v[l->n].data, data, n);
	l->v[l->n].r = NULL;
	l->n++;
	return 0;
}

static int collect_change(enum store_change ch, const char *path,
			  const void *data, size_t n, void *p)
{
	struct raws *l = p;

	if (ch != STORE_DELETED)
		return collect(path, data, n, p);
	if (l->ngone == l->capgone) {
		l->capgone = l->capgone ? 2 * l->capgone : 64;
		l->gone = xrealloc(l->gone, l->capgone * sizeof(*l->gone));
	}
	l->gone[l->ngone++] = xstrdup(path);
	return 0;
}

static void check(size_t i, void *payload)
{
	struct raw *w = &((struct raws *)payload)->v[i];

	if (record_parse(&w->r, w->data.ptr, w->data.len) || record_verify(w->r)) {
		record_free(w->r);
		w->r = NULL;
	}
	buf_release(&w->data);
}

/* Checks what was collected and appends its entries to b. */
static void put_checked(struct buf *b, struct raws *l)
{
	parallel_for(l->n, check, l);
	prov_error_clear();
	for (size_t i = 0; i < l->n; i++) {
		put_entry(b, l->v[i].path, l->v[i].r);
		record_free(l->v[i].r);
		l->v[i].r = NULL;
	}
}

static void raws_release(struct raws *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		buf_release(&l->v[i].data);
		record_free(l->v[i].r);
	}
	for (size_t i = 0; i < l->ngone; i++)
		free(l->gone[i]);
	free(l->v);
	free(l->gone);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Where the entry's record is stored: its own path, or where its id puts
 * it (record_store_path's layout, from the content hash and id). */
static const char *entry_path(struct buf *out, const struct entry *e)
{
	char hex[65];

	if (e->path)
		return e->path;
	buf_clear(out);
	if (e->type == 'w') {
		hex_encode(hex, e->content, 32);
		buf_printf(out, "works/%.2s/%.2s/%s/%s.json", hex, hex + 2, hex,
			   e->id + 7);
	} else {
		buf_printf(out, "records/optout/%.2s/%s.json", e->id + 7, e->id + 7);
	}
	return out->ptr;
}

/* The cached entries whose paths were not deleted since, copied to b; -1
 * when the cached bytes are not all entries. */
static int put_kept(struct buf *b, const uint8_t *p, size_t n,
		     struct raws *changes)
{
	struct cursor c = { p, p + n, 0 };
	const uint8_t *start = p;
	struct buf path = BUF_INIT;
	struct entry e;
	int r;

	if (changes->ngone)
		qsort(changes->gone, changes->ngone, sizeof(char *), str_cmp);
	while ((r = next_entry(&e, &c)) > 0) {
		const char *at = changes->ngone ? entry_path(&path, &e) : NULL;
		if (!at || !bsearch(&at, changes->gone, changes->ngone,
				    sizeof(char *), str_cmp))
			buf_put(b, start, (size_t)(c.p - start));
		start = c.p;
	}
	buf_release(&path);
	return r;
}

#define PREFIXES { "works", "records/optout" }

/* Entries for every record at the tip. */
static int entries_all(struct buf *b, struct store *s)
{
	static const char *const prefixes[] = PREFIXES;
	struct raws l = { 0 };
	int rc = 0;

	for (size_t i = 0; i < 2 && !rc; i++)
		rc = store_walk(s, prefixes[i], collect, &l);
	if (!rc)
		put_checked(b, &l);
	raws_release(&l);
	return rc;
}

/* The indexed paths deleted, added or changed since commit from. */
static int changes_since(struct raws *l, struct store *s, const char *from)
{
	static const char *const prefixes[] = PREFIXES;
	int rc = 0;

	for (size_t i = 0; i < 2 && !rc; i++)
		rc = store_diff(s, from, prefixes[i], collect_change, l);
	return rc;
}

/* ---- the cache file ---------------------------------------------------------- */

static void claimindex_path(struct buf *out, struct store *s)
{
	buf_printf(out, "%s/claimindex", store_path(s));
}

/* The cached entries (*p, *n, inside file) and their commit, or 0 when
 * there is no usable cache. */
/* This prov's build id in hex (65 bytes), or 0 when unknown. */
static int self_hex(char out[65])
{
	uint8_t d[32];

	if (prov_build_id(d))
		return 0;
	hex_encode(out, d, 32);
	return 1;
}

/* The cached entries (*p, *n, inside file) and their commit, when the
 * cache is there, authentic, and made by this very prov build. */
static int cached(struct buf *file, char commit[41], const uint8_t **p,
		  size_t *n, struct store *s, const uint8_t key[32])
{
	struct buf path = BUF_INIT;
	char self[65];
	int ok;

	claimindex_path(&path, s);
	ok = self_hex(self) && !cache_read(file, TAG, path.ptr, key) &&
	     file->len >= HEADER_LEN &&
	     !memcmp(file->ptr, MAGIC, sizeof(MAGIC) - 1) &&
	     file->ptr[sizeof(MAGIC) - 1 + 40] == '\n' &&
	     !memcmp(file->ptr + sizeof(MAGIC) - 1 + 41, self, 64) &&
	     file->ptr[HEADER_LEN - 1] == '\n';
	prov_error_clear();
	buf_release(&path);
	if (!ok)
		return 0;
	memcpy(commit, file->ptr + sizeof(MAGIC) - 1, 40);
	commit[40] = '\0';
	*p = (const uint8_t *)file->ptr + HEADER_LEN;
	*n = file->len - HEADER_LEN;
	return 1;
}

/* A cache that cannot be written only makes the next load slower. */
static void save(const struct buf *file, struct store *s, const uint8_t key[32])
{
	struct buf path = BUF_INIT;

	claimindex_path(&path, s);
	cache_write(TAG, path.ptr, file->ptr, file->len, key);
	prov_error_clear();
	buf_release(&path);
}

/* Starts ix->file afresh: the header for commit tip. */
static void start(struct index *ix, const char *tip)
{
	char self[65] = "0";

	self_hex(self);
	buf_release(&ix->file);
	buf_printf(&ix->file, "%s%s\n%s\n", MAGIC, tip, self);
}

static int fill_from_file(struct index *ix)
{
	return fill(ix, (const uint8_t *)ix->file.ptr + HEADER_LEN,
		    ix->file.len - HEADER_LEN);
}

/* The index from the cache, when it is current or can be brought up to
 * date; non-zero to build it from the records instead. */
static int from_cache(struct index *ix, struct store *s, const char *tip,
		      const uint8_t key[32])
{
	struct buf old = BUF_INIT;
	struct raws l = { 0 };
	const uint8_t *p;
	char from[41];
	size_t n;
	int rc = -1;

	if (!cached(&old, from, &p, &n, s, key) ||
	    (strcmp(from, tip) && changes_since(&l, s, from)))
		goto done;
	if (!l.n && !l.ngone) {
		/* Nothing indexed changed: used as it is, and compared with
		 * that older commit again next time. */
		ix->file = old;
		buf_init(&old, 0);
		rc = fill(ix, p, n);
		goto done;
	}
	start(ix, tip);
	if (put_kept(&ix->file, p, n, &l))
		goto done;
	put_checked(&ix->file, &l);
	save(&ix->file, s, key);
	rc = fill_from_file(ix);
done:
	raws_release(&l);
	buf_release(&old);
	prov_error_clear();
	return rc;
}

/* The index from every record at the tip (saved to the cache with key). */
static int from_records(struct index *ix, struct store *s, const char *tip,
			const uint8_t *key)
{
	int rc;

	start(ix, tip);
	if ((rc = entries_all(&ix->file, s)))
		return rc;
	if (key)
		save(&ix->file, s, key);
	return fill_from_file(ix);
}

static void clear(struct index *ix)
{
	for (size_t i = 0; i < ix->cap && ix->slots; i++) {
		free(ix->slots[i].claims);
		free(ix->slots[i].optouts);
	}
	free(ix->slots);
	buf_release(&ix->file);
	memset(ix, 0, sizeof(*ix));
}

int index_load(struct index **out, struct store *s, const uint8_t *key)
{
	static const uint8_t none[1];
	struct index *ix;
	char tip[41];
	int rc;

	*out = NULL;
	if ((rc = store_tip(s, tip)) < 0)
		return rc;
	ix = xcalloc(1, sizeof(*ix));
	if (rc > 0) { /* an empty registry */
		rc = fill(ix, none, 0);
	} else if (!key || from_cache(ix, s, tip, key)) {
		clear(ix);
		rc = from_records(ix, s, tip, key);
	}
	if (rc) {
		index_free(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

int index_parse(struct index **out, const void *entries, size_t n)
{
	struct index *ix = xcalloc(1, sizeof(*ix));
	int rc;

	if ((rc = fill(ix, entries ? entries : "", n))) {
		index_free(ix);
		ix = NULL;
	}
	*out = ix;
	return rc;
}

const struct content_info *index_get(const struct index *ix,
				     const uint8_t sha256[32])
{
	const struct content_info *ci = &ix->slots[hash_slot(ix, sha256)];

	return ci->claims || ci->optouts ? ci : NULL;
}

size_t index_rejected(const struct index *ix)
{
	return ix->rejected;
}

void index_free(struct index *ix)
{
	if (!ix)
		return;
	clear(ix);
	free(ix);
}

int content_claimed_by(const struct content_info *ci, const char *did)
{
	for (size_t i = 0; ci && did && i < ci->nclaims; i++)
		if (ci->claims[i].creator && !strcmp(ci->claims[i].creator, did))
			return 1;
	return 0;
}

unsigned content_optouts(const struct content_info *ci, unsigned uses,
			 const struct optout **first)
{
	unsigned refused = 0;

	*first = NULL;
	for (size_t i = 0; ci && i < ci->noptouts; i++) {
		const struct optout *o = &ci->optouts[i];
		if (!(o->scope & uses) || !content_claimed_by(ci, o->by))
			continue;
		refused |= o->scope & uses;
		if (!*first)
			*first = o;
	}
	return refused;
}

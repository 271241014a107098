/* The registry index: work claims and opt-outs by content hash, from
 * records that verify. A manifest build looks every file up here. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

struct raw {
	struct buf data;
	struct record *r; /* NULL when it did not verify */
};

struct raws {
	struct raw *v;
	size_t n, cap;
};

struct index {
	struct content_info *slots; /* open addressing on the hash */
	size_t cap, count;
	struct record **records; /* owned: the strings above point into them */
	size_t nrecords;
	size_t rejected;
};

static int collect(const char *path, const void *data, size_t n, void *p)
{
	struct raws *l = p;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	buf_init(&l->v[l->n].data, 0);
	buf_put(&l->v[l->n].data, data, n);
	l->v[l->n].r = NULL;
	l->n++;
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

static void add_claim(struct index *ix, const struct record *r)
{
	const json_t *p = r->payload;
	const char *hex = json_string_value(
		json_object_get(json_object_get(p, "content"), "sha256"));
	uint8_t sha[32];
	struct content_info *ci;
	struct claim *c;

	if (!hex || hex_decode(sha, 32, hex, strlen(hex))) {
		ix->rejected++;
		return;
	}
	ci = slot_for(ix, sha);
	ci->claims = xrealloc(ci->claims, (ci->nclaims + 1) * sizeof(*ci->claims));
	c = &ci->claims[ci->nclaims++];
	memcpy(c->id, r->id, sizeof(c->id));
	c->creator = json_string_value(json_object_get(p, "creator"));
	c->license = json_string_value(json_object_get(p, "license"));
	c->training = json_object_get(p, "training");
	c->payload = p;
}

static void add_optout(struct index *ix, const struct record *r)
{
	const json_t *p = r->payload, *e;
	struct optout o = { 0 };
	size_t i;

	memcpy(o.id, r->id, sizeof(o.id));
	o.by = json_string_value(json_object_get(p, "by"));
	o.reason = json_string_value(json_object_get(p, "reason"));
	o.created = json_string_value(json_object_get(p, "created"));
	json_array_foreach (json_object_get(p, "scope"), i, e) {
		int u = training_use_index(json_string_value(e) ?: "");
		if (u >= 0)
			o.scope |= USE_BIT(u);
	}
	json_array_foreach (json_object_get(p, "content"), i, e) {
		const char *hex = json_string_value(e);
		uint8_t sha[32];
		struct content_info *ci;
		if (!hex || strlen(hex) != 64 || hex_decode(sha, 32, hex, 64))
			continue;
		ci = slot_for(ix, sha);
		ci->optouts = xrealloc(ci->optouts,
				       (ci->noptouts + 1) * sizeof(*ci->optouts));
		ci->optouts[ci->noptouts++] = o;
	}
}

int index_load(struct index **out, struct store *s)
{
	struct raws works = { 0 }, optouts = { 0 };
	struct index *ix = xcalloc(1, sizeof(*ix));
	size_t need;
	int rc;

	*out = NULL;
	if ((rc = store_walk(s, "works", collect, &works)) ||
	    (rc = store_walk(s, "records/optout", collect, &optouts)))
		goto fail;
	parallel_for(works.n, check, &works);
	parallel_for(optouts.n, check, &optouts);
	prov_error_clear();
	/* at most one slot per work, plus the opt-outs' hashes; load <= 1/2 */
	need = 2 * (works.n + 16);
	for (size_t i = 0; i < optouts.n; i++)
		if (optouts.v[i].r)
			need += 2 * json_array_size(json_object_get(
				optouts.v[i].r->payload, "content"));
	for (ix->cap = 64; ix->cap < need; ix->cap *= 2)
		;
	ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
	ix->records = xcalloc(works.n + optouts.n + 1, sizeof(*ix->records));
	for (size_t i = 0; i < works.n; i++) {
		struct record *r = works.v[i].r;
		if (!r || strcmp(r->kind, "work")) {
			ix->rejected++;
			record_free(r);
			continue;
		}
		ix->records[ix->nrecords++] = r;
		add_claim(ix, r);
	}
	for (size_t i = 0; i < optouts.n; i++) {
		struct record *r = optouts.v[i].r;
		if (!r || strcmp(r->kind, "optout")) {
			ix->rejected++;
			record_free(r);
			continue;
		}
		ix->records[ix->nrecords++] = r;
		add_optout(ix, r);
	}
	free(works.v);
	free(optouts.v);
	*out = ix;
	return 0;
fail:
	for (size_t i = 0; i < works.n; i++)
		buf_release(&works.v[i].data);
	for (size_t i = 0; i < optouts.n; i++)
		buf_release(&optouts.v[i].data);
	free(works.v);
	free(optouts.v);
	index_free(ix);
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
	for (size_t i = 0; i < ix->cap && ix->slots; i++) {
		free(ix->slots[i].claims);
		free(ix->slots[i].optouts);
	}
	for (size_t i = 0; i < ix->nrecords; i++)
		record_free(ix->records[i]);
	free(ix->records);
	free(ix->slots);
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

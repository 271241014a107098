/* The registry's anchor records, read once for status, anchor and
 * verify --chain. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int problem(struct cli_anchor *a, const char *why)
{
	a->problem = xasprintf("%s", why);
	prov_error_clear();
	return 0;
}

struct load {
	struct cli_anchors *out;
	struct store *s;
};

static int cover(const uint8_t digest[32], const uint8_t (*proof)[32],
		 size_t n, void *payload)
{
	struct load *l = payload;
	char id[72];

	sha256_id(id, digest);
	if (!json_object_get(l->out->covered, id))
		json_object_set_new(l->out->covered, id,
				    json_integer((json_int_t)l->out->n - 1));
	return 0;
}

static int load_one(const char *path, const void *data, size_t n, void *p)
{
	struct load *l = p;
	struct cli_anchors *out = l->out;
	struct cli_anchor *a;
	struct record *r = NULL;

	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	a = &out->v[out->n++];
	memset(a, 0, sizeof(*a));
	buf_init(&a->proofs, 0);
	a->path = xstrdup(path);
	if (record_parse(&r, data, n) || record_path_check(r, path) ||
	    record_verify(r)) {
		problem(a, prov_error_last());
		goto done;
	}
	memcpy(a->id, r->id, sizeof(a->id));
	a->payload = json_incref(r->payload);
	if (anchor_info_parse(&a->info, a->payload) ||
	    store_read_blob(&a->proofs, l->s, a->info.blob_hex) ||
	    anchor_proofs_check(a->proofs.ptr, a->proofs.len, a->info.root,
				a->info.count)) {
		problem(a, prov_error_last());
		goto done;
	}
	anchor_proofs_each(a->proofs.ptr, a->proofs.len, cover, l);
done:
	record_free(r);
	return 0;
}

int cli_anchorable(char id[RECORD_ID_MAX], const char *path)
{
	const char *base = strrchr(path, '/');
	char kind[32];

	if (!cli_path_kind(path, kind) || !strcmp(kind, "anchor"))
		return 0;
	base = base ? base + 1 : path;
	/* Another name is not a record's: 'prov verify' reports it. */
	if (strlen(base) != 64 + 5 || strcmp(base + 64, ".json") ||
	    strspn(base, "0123456789abcdef") != 64)
		return 0;
	snprintf(id, RECORD_ID_MAX, "sha256:%.64s", base);
	return 1;
}

int cli_anchors_load(struct cli_anchors *out, struct store *s)
{
	struct load l = { out, s };

	memset(out, 0, sizeof(*out));
	out->covered = json_object();
	return store_walk(s, "records/anchor", load_one, &l);
}

void cli_anchors_release(struct cli_anchors *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].path);
		free(a->v[i].problem);
		json_decref(a->v[i].payload);
		buf_release(&a->v[i].proofs);
	}
	free(a->v);
	json_decref(a->covered);
	memset(a, 0, sizeof(*a));
}

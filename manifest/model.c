/* Model records: a name for weight files a run produced, and the model it
 * was tuned from. A lineage is the chain of those parents. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

#define MODEL_NAME_MAX 128

int model_name_check(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > MODEL_NAME_MAX || strchr(".-/", name[0]) ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-/+") != n)
		return prov_error_set(
			PROV_EINVALID,
			"'%.*s' is not a model name (1 to %d of "
			"A-Z a-z 0-9 . _ - / +, not starting with "
			". - or /)",
			SHOW_MAX, name, MODEL_NAME_MAX);
	return 0;
}

int model_payload(json_t **out, const struct model_claim *c, const char *owner,
		  int64_t created)
{
	char when[32];
	json_t *p;
	int rc;

	*out = NULL;
	if ((rc = model_name_check(c->name)))
		return rc;
	if (!c->nweights)
		return prov_error_set(PROV_EINVALID,
				      "a model needs weight files");
	/* Weights are named by base name, as run subjects are: one name, one
	 * file. */
	if ((rc = file_digests_unique(c->weights, c->nweights, "weight")))
		return rc;
	if (!record_id_full(c->run) ||
	    (c->parent && !record_id_full(c->parent)))
		return prov_error_set(PROV_EINVALID,
				      "a model's run and parent must be full "
				      "record ids");
	time_rfc3339(when, created);
	p = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "kind", "model", "name",
		      c->name, "owner", owner, "weights",
		      file_digests_json(c->weights, c->nweights), "run", c->run,
		      "created", when);
	if (c->parent)
		json_object_set_new(p, "parent", json_string(c->parent));
	if (c->license)
		json_object_set_new(p, "license", json_string(c->license));
	*out = p;
	return 0;
}

int lineage_has(const struct lineage *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].id, id))
			return 1;
	return 0;
}

void lineage_release(struct lineage *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Takes one step: appends id's record, and sets *next to its parent
 * (NULL at the root; borrowed from *p, which the caller frees). */
static int lineage_step(struct lineage *l, json_t **p, const char **next,
			const char *id, const char *child, model_get_fn get,
			void *arg)
{
	const char *kind, *name;
	json_t *parent;
	int rc;

	*next = NULL;
	if ((rc = get(p, id, arg))) {
		if (child)
			prov_error_wrap("parent of model %s", child);
		return rc;
	}
	kind = json_string_value(json_object_get(*p, "kind"));
	name = json_string_value(json_object_get(*p, "name"));
	if (!kind || strcmp(kind, "model") || !name)
		return prov_error_set(PROV_EINVALID,
				      "%s is a %s record, not a model", id,
				      kind ? kind : "malformed");
	parent = json_object_get(*p, "parent");
	if (parent && !(json_is_string(parent) &&
			record_id_full(json_string_value(parent))))
		return prov_error_set(PROV_EINVALID,
				      "model %s names a parent that is not a "
				      "record id",
				      id);
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memcpy(l->v[l->n].id, id, strlen(id) + 1);
	l->v[l->n++].name = xstrdup(name);
	*next = json_string_value(parent);
	return 0;
}

int model_lineage(struct lineage *out, const char *id, model_get_fn get,
		  void *arg, size_t max)
{
	char cur[RECORD_ID_MAX];
	const char *next;
	json_t *p = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!record_id_full(id))
		return prov_error_set(PROV_EINVALID,
				      "'%.*s' is not a record id", SHOW_MAX,
				      id);
	memcpy(cur, id, strlen(id) + 1);
	for (;;) {
		/* Content addressing makes a true cycle impossible to create;
		 * a repeated id means the lookup is lying, so stop anyway. */
		if (lineage_has(out, cur)) {
			rc = prov_error_set(PROV_EINVALID,
					    "model %s is its own ancestor",
					    cur);
			break;
		}
		if (out->n >= max) {
			rc = prov_error_set(
				PROV_EINVALID,
				"model %s has more than %zu ancestors", id,
				max ? max - 1 : 0);
			break;
		}
		rc = lineage_step(out, &p, &next, cur,
				  out->n ? out->v[out->n - 1].id : NULL, get,
				  arg);
		if (rc || !next)
			break;
		memcpy(cur, next, strlen(next) + 1);
		json_decref(p);
		p = NULL;
	}
	json_decref(p);
	return rc;
}

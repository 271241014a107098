/* prov status: what the registry holds. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

struct counts {
	json_t *by_kind;
	size_t total, other;
};

static int count_cb(const char *path, void *payload)
{
	struct counts *c = payload;
	char kind[32];

	if (!cli_path_kind(path, kind)) {
		c->other++;
		return 0;
	}
	json_int_t n = json_integer_value(json_object_get(c->by_kind, kind));
	json_object_set_new(c->by_kind, kind, json_integer(n + 1));
	c->total++;
	return 0;
}

/* Ids covered by anchor records ("records": [{"id": ...}]). */
static int anchored_cb(const char *path, const void *data, size_t n, void *p)
{
	json_t *ids = p, *e;
	struct record *r = NULL;
	size_t i;

	if (record_parse(&r, data, n)) {
		prov_error_clear();
		return 0; /* verify reports broken records */
	}
	json_array_foreach (json_object_get(r->payload, "records"), i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		if (id)
			json_object_set_new(ids, id, json_true());
	}
	record_free(r);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov status [--json]",
		"Shows the registry's path, its records counted by kind, and how "
		"many are not yet anchored on a chain.",
		0, 0, 1,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct counts c = { json_object(), 0, 0 };
	json_t *anchored = json_object(), *v;
	struct store *s = NULL;
	const char *kind;
	size_t unanchored;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (cli_open_store(&s) || store_list(s, "", count_cb, &c) ||
	    store_walk(s, "records/anchor", anchored_cb, anchored)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	/* Anchor records themselves are anchored by the chain transaction. */
	unanchored = c.total -
		     (size_t)json_integer_value(json_object_get(c.by_kind, "anchor")) -
		     json_object_size(anchored);
	if (json) {
		json_t *o = json_pack("{s:s, s:I, s:O, s:I}", "registry",
				      store_path(s), "records", (json_int_t)c.total,
				      "by_kind", c.by_kind, "unanchored",
				      (json_int_t)unanchored);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("registry    %s\n", store_path(s));
		printf("records     %zu\n", c.total);
		json_object_foreach (c.by_kind, kind, v)
			printf("  %-9s %" JSON_INTEGER_FORMAT "\n", kind,
			       json_integer_value(v));
		printf("unanchored  %zu\n", unanchored);
		if (c.other)
			printf("other files %zu (see 'prov verify')\n", c.other);
	}
done:
	json_decref(c.by_kind);
	json_decref(anchored);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

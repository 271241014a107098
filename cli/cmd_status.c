/* prov status: what the registry holds. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

struct counts {
	json_t *by_kind;
	json_t *present; /* record id -> true */
	size_t total, other;
};

static int count_cb(const char *path, void *payload)
{
	struct counts *c = payload;
	char kind[32];

	if (!strncmp(path, "blobs/", 6))
		return 0; /* data of records, not records */
	if (!cli_path_kind(path, kind)) {
		c->other++;
		return 0;
	}
	json_int_t n = json_integer_value(json_object_get(c->by_kind, kind));
	json_object_set_new(c->by_kind, kind, json_integer(n + 1));
	c->total++;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strlen(base) == 64 + 5) {
		char id[RECORD_ID_MAX];
		snprintf(id, sizeof(id), "sha256:%.64s", base);
		json_object_set_new(c->present, id, json_true());
	}
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
	struct counts c = { json_object(), json_object(), 0, 0 };
	struct cli_anchors a = { 0 };
	size_t anchored = 0;
	json_t *v;
	struct store *s = NULL;
	const char *kind;
	size_t unanchored;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (cli_open_store(&s) || store_list(s, "", count_cb, &c) ||
	    cli_anchors_load(&a, s)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	/* Anchor records themselves are anchored by the chain transaction. */
	unanchored = c.total -
		     (size_t)json_integer_value(json_object_get(c.by_kind, "anchor"));
	json_object_foreach (a.covered, kind, v)
		anchored += json_object_get(c.present, kind) != NULL;
	unanchored -= anchored;
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
	json_decref(c.present);
	cli_anchors_release(&a);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

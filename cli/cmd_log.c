/* prov log: records in the order they entered the registry. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

struct log {
	struct store *s;
	const char *kind;
	json_t *arr; /* with --json */
	const struct store_commit_info *commit;
	size_t shown;
};

static int log_cb(const struct store_commit_info *c, enum store_change ch,
		  const char *path, void *payload)
{
	struct log *l = payload;
	struct buf data = BUF_INIT;
	struct record *r = NULL;
	char kind[32], when[32];
	const json_t *p;

	if (!path || ch != STORE_ADDED || !cli_path_kind(path, kind) ||
	    (l->kind && strcmp(l->kind, kind)))
		return 0;
	time_rfc3339(when, c->time);
	if (store_read(&data, l->s, path) || record_parse(&r, data.ptr, data.len)) {
		/* Later commits removed or broke it: say so, verify explains. */
		if (l->arr)
			json_array_append_new(l->arr,
					      json_pack("{s:s, s:s, s:s, s:s}", "commit",
							c->id, "time", when, "path",
							cli_esc(path), "error",
							cli_esc(prov_error_last())));
		else
			printf("%.12s %s %-8s %s (unreadable: %s)\n", c->id, when, kind,
			       cli_esc(path), cli_esc(prov_error_last()));
		prov_error_clear();
		goto done;
	}
	p = r->payload;
	if (l->arr) {
		json_t *o = cli_record_json(r, path);
		json_object_set_new(o, "commit", json_string(c->id));
		json_object_set_new(o, "time", json_string(when));
		json_array_append_new(l->arr, o);
	} else if (!strcmp(kind, "work")) {
		printf("%.12s %s %-8s %s %s %s\n", c->id, when, kind, r->id,
		       cli_esc(json_string_value(json_object_get(
			       json_object_get(p, "content"), "name"))),
		       cli_esc(json_string_value(json_object_get(p, "license"))));
	} else {
		printf("%.12s %s %-8s %s\n", c->id, when, kind, r->id);
	}
	l->shown++;
done:
	record_free(r);
	buf_release(&data);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov log [--kind KIND] [--json]",
		"Lists records in the order they entered the registry: commit, "
		"time, kind, id and a summary.",
		0, 0, 1,
	};
	int json = 0, rc;
	const char *kind = NULL;
	const struct opt opts[] = {
		OPT_STR("kind", 0, &kind, "KIND", "only records of this kind"),
		OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 };
	struct log l = { 0 };

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (kind && !record_kind_valid(kind)) {
		rc = cli_usage_error("'%s' is not a record kind", kind);
		goto done;
	}
	l.kind = kind;
	l.arr = json ? json_array() : NULL;
	if (cli_open_store(&l.s) || store_history(l.s, NULL, log_cb, &l)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json)
		cli_print_json(l.arr);
done:
	json_decref(l.arr);
	store_free(l.s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

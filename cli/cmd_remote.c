/* prov remote add|list: other registries to share records with. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static int list_cb(const char *name, const char *url, void *payload)
{
	json_t *arr = payload;

	if (arr)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "name", name,
						     "url", url));
	else
		printf("%-16s %s\n", name, url);
	return 0;
}

int cmd_remote(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov remote add NAME URL | prov remote list [--json]",
		"Names another registry to push to and pull from: a path (a "
		"project folder or its .prov) or a file:// URL, or any URL git "
		"understands.",
		1, 3, 1,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct store *s = NULL;
	json_t *arr = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!strcmp(args.v[0], "add") && args.n == 3) {
		if (cli_open_store(&s) || store_remote_add(s, args.v[1], args.v[2]))
			rc = cli_fail(prov_error_code());
	} else if (!strcmp(args.v[0], "list") && args.n == 1) {
		arr = json ? json_array() : NULL;
		if (cli_open_store(&s) || store_remote_list(s, list_cb, arr))
			rc = cli_fail(prov_error_code());
		else if (arr)
			cli_print_json(arr);
	} else {
		rc = cli_usage_error("usage: %s", help.usage);
	}
done:
	json_decref(arr);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

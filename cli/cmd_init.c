#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"

int cmd_init(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov init [DIR] [--json]",
		"Creates a registry: DIR/.prov, a git repository holding signed "
		"records (DIR defaults to the current folder).",
		0, 1, 1,
	};
	struct strlist args = { 0 };
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct store *s = NULL;
	const char *dir;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	dir = args.n ? args.v[0] : cli_registry_opt ? cli_registry_opt :
		  getenv("PROV_REGISTRY") && *getenv("PROV_REGISTRY") ?
						     getenv("PROV_REGISTRY") :
						     ".";
	if (store_init(dir) || store_open(&s, dir)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s}", "registry", store_path(s));
		cli_print_json(o);
		json_decref(o);
	} else
		printf("initialised registry in %s\n", store_path(s));
done:
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

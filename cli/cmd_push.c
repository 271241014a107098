/* prov push: sends this registry's records to a remote registry. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"

int cmd_push(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov push NAME [--json]",
		"Pushes the registry's branch to the remote NAME. If the remote "
		"has records this registry lacks, pull first.",
		1, 1, 1,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct store *s = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (cli_open_store(&s) || store_push(s, args.v[0])) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:b}", "remote", args.v[0], "pushed", 1);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("pushed to %s\n", args.v[0]);
	}
done:
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

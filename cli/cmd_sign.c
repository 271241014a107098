/* prov sign: a detached minisign signature that stock minisign verifies. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"

int cmd_sign(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov sign FILE [--as NAME] [--comment TEXT] [--json]",
		"Signs FILE with an identity and writes FILE.minisig in minisign's "
		"format, so 'minisign -V -p KEY.pub -m FILE' verifies it (export "
		"the key with 'prov id export NAME --minisign').",
		1, 1, 0,
	};
	int json = 0, rc;
	const char *as = NULL, *comment = NULL;
	const struct opt opts[] = {
		OPT_AS(&as),
		OPT_STR("comment", 0, &comment, "TEXT",
			"the signed (trusted) comment; default: time and file name"),
		OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 };
	struct buf sig = BUF_INIT, out = BUF_INIT;
	struct key *k = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	buf_printf(&out, "%s.minisig", args.v[0]);
	if (cli_load_identity(&k, as) ||
	    minisign_sign_file(&sig, k, args.v[0], comment) ||
	    write_file_atomic(out.ptr, sig.ptr, sig.len, 0644, 0)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "file", args.v[0],
				      "signature", out.ptr, "signer", k->did);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s\n", out.ptr);
	}
done:
	key_free(k);
	buf_release(&sig);
	buf_release(&out);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

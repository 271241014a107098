/* prov verify-sig: checks a minisign signature. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

int cmd_verify_sig(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov verify-sig FILE [--sig SIGFILE] --key PUBFILE|DID [--json]",
		"Verifies a minisign signature (default FILE.minisig) over FILE "
		"with a minisign public key file or a did:key. Exit 1 if it does "
		"not verify.",
		1, 1, 0,
	};
	int json = 0, rc;
	const char *sigfile = NULL, *keyarg = NULL;
	const struct opt opts[] = {
		OPT_STR("sig", 0, &sigfile, "SIGFILE", "the signature file"),
		OPT_STR("key", 0, &keyarg, "PUBFILE|DID", "the signer's public key"),
		OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 };
	struct buf sig = BUF_INIT, pub = BUF_INIT, sigpath = BUF_INIT;
	uint8_t keyid[8], pk[32];
	char *comment = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!keyarg) {
		rc = cli_usage_error("verify-sig: --key is required");
		goto done;
	}
	if (sigfile)
		buf_puts(&sigpath, sigfile);
	else
		buf_printf(&sigpath, "%s.minisig", args.v[0]);
	if (!strncmp(keyarg, "did:key:", 8)) {
		struct key k;
		if ((rc = did_to_pk(pk, keyarg)))
			goto fail;
		key_public_init(&k, pk);
		memcpy(keyid, k.keyid, 8);
	} else if ((rc = buf_read_file(&pub, keyarg, 4096)) ||
		   (rc = minisign_pubkey_parse(keyid, pk, pub.ptr, pub.len))) {
		goto fail;
	}
	if ((rc = buf_read_file(&sig, sigpath.ptr, 65536)))
		goto fail;
	rc = minisign_verify_file(sig.ptr, sig.len, keyid, pk, args.v[0],
				  &comment);
	if (rc)
		goto fail;
	if (json) {
		char *text = utf8_sanitize(comment); /* JSON is UTF-8 */
		json_t *o = json_pack("{s:b, s:s}", "valid", 1, "trusted_comment",
				      text);
		cli_print_json(o);
		json_decref(o);
		free(text);
	} else {
		printf("signature valid\ntrusted comment: %s\n", cli_esc(comment));
	}
	goto done;
fail:
	rc = cli_fail(rc);
done:
	free(comment);
	buf_release(&sig);
	buf_release(&pub);
	buf_release(&sigpath);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* TEMPORARY (branch chainpay only): prov royalties distribute|claim, for
 * testing cli/royalties_chain.c until the real cli/cmd_royalties.c lands.
 * Drop this commit at merge. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "royalties/royalties.h"

/* TEMP: only batch files are read by royalties_chain.c itself; an id
 * needs the real command's registry walk. */
int royalties_doc_load(struct payout_doc *out, struct store *s, const char *arg)
{
	(void)out;
	(void)s;
	return prov_error_set(PROV_ENOTFOUND,
			      "no batch file '%s' (payout record ids are not "
			      "read yet)",
			      arg);
}

int cmd_royalties(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{"distribute", royalties_distribute},
		{"claim", royalties_claim},
	};

	return CLI_SUBCOMMAND(argc, argv, "royalties", subs,
			      "prov royalties distribute BATCH ...\n"
			      "prov royalties claim BATCH ...\n\n"
			      "pay a payout batch on chain");
}

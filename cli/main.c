/* prov: the command table. Global options come before the command. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "init", cmd_init, "create a registry (DIR/.prov)" },
	{ "id", cmd_id, "create, list, show and export identities" },
	{ "register", cmd_register, "register works: hash, sign, commit" },
	{ "license", cmd_license, "license table, checks, custom licenses" },
	{ "optout", cmd_optout, "refuse uses of your works (signed)" },
	{ "manifest", cmd_manifest, "build, show and prove dataset manifests" },
	{ "chain", cmd_chain, "secp256k1 keys for the chain records are anchored on" },
	{ "contracts", cmd_contracts, "deploy the registry contract" },
	{ "anchor", cmd_anchor, "anchor unanchored records on chain, one transaction" },
	{ "c2pa", cmd_c2pa, "sign, verify and show C2PA content credentials in JPEGs" },
	{ "run", cmd_run, "record and show training runs (in-toto)" },
	{ "model", cmd_model, "register and show models (weights of a run)" },
	{ "trace", cmd_trace, "a model's lineage, every link checked" },
	{ "usage", cmd_usage, "report what a model earned in a month (signed)" },
	{ "royalties", cmd_royalties, "usage to exact payout batches, paid on chain" },
	{ "challenge", cmd_challenge, "dispute a record (signed)" },
	{ "resolve", cmd_resolve, "sign a verdict on a challenge" },
	{ "export", cmd_export, "a model's lineage as OpenLineage, SPDX, PROV-O" },
	{ "show", cmd_show, "show a record, or every record about a file" },
	{ "log", cmd_log, "list records in commit order" },
	{ "verify", cmd_verify, "re-check ids, signatures and the store" },
	{ "sign", cmd_sign, "sign a file (minisign format)" },
	{ "verify-sig", cmd_verify_sig, "verify a minisign signature" },
	{ "fingerprint", cmd_fingerprint, "perceptual fingerprints of JPEG files" },
	{ "status", cmd_status, "counts by kind, unanchored records" },
	{ "remote", cmd_remote, "add or list remotes" },
	{ "push", cmd_push, "send records to a remote" },
	{ "pull", cmd_pull, "fetch and merge a remote's records" },
};

static void usage(FILE *f)
{
	fputs("usage: prov [--registry DIR] COMMAND [ARGS...]\n\n"
	      "Provenance and data-licensing registry.\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'prov COMMAND --help' for a command's options.\n"
	      "Environment: PROV_REGISTRY, PROV_HOME (keys), PROV_IDENTITY,\n"
	      "PROV_PASSPHRASE, PROV_LOCK_WAIT_MS, PROV_NO_PROGRESS.\n"
	      "Exit status: 0 ok, 1 a check failed, 2 the command could not run.\n",
	      f);
}

int main(int argc, char **argv)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--registry") && i + 1 < argc) {
			cli_registry_opt = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--registry=", 11)) {
			cli_registry_opt = argv[i++] + 11;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			puts("prov 0.1.0");
			return EXIT_OK;
		} else {
			return cli_usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (core_init())
		return cli_fail(PROV_ERROR);
	for (size_t c = 0; c < sizeof(commands) / sizeof(*commands); c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].fn(argc - i, argv + i);
	return cli_usage_error("'%s' is not a prov command (see 'prov --help')",
			       argv[i]);
}

/* prov chain key new|address: secp256k1 keys that send transactions. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "chain/chain.h"
#include "cli/cli.h"
#include "cli/commands.h"

/* $PROV_HOME/chain/NAME.key; PROV_EINVALID for a bad name. */
static int chain_key_path(struct buf *out, const char *name)
{
	if (key_name_check(name))
		return prov_error_code();
	return buf_printf(out, "%s/chain/%s.key", cli_home(), name);
}

/* $PROV_CHAIN_PASSPHRASE for a new key, else as for identities. */
static int new_passphrase(char *pass)
{
	const char *env = getenv("PROV_CHAIN_PASSPHRASE");

	if (!env)
		return cli_new_passphrase(pass);
	if (!*env || strlen(env) >= CLI_PASS_MAX)
		return prov_error_set(PROV_EINVALID,
				      "PROV_CHAIN_PASSPHRASE: 1 to %d bytes",
				      CLI_PASS_MAX - 1);
	memcpy(pass, env, strlen(env) + 1);
	return 0;
}

static int key_new(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov chain key new NAME [--no-passphrase] [--json]",
		"Creates a secp256k1 key for sending transactions, stores it "
		"encrypted (Argon2id, XChaCha20-Poly1305, as identities are) in "
		"$PROV_HOME/chain/NAME.key, and prints its address (EIP-55). The "
		"passphrase comes from PROV_CHAIN_PASSPHRASE, else "
		"PROV_PASSPHRASE, else the terminal.",
		1, 1, 0,
	};
	int json = 0, nopass = 0, rc;
	const struct opt opts[] = {
		OPT_FLAG_("no-passphrase", 0, &nopass,
			  "store the secret key unencrypted"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct strlist args = { 0 };
	struct buf path = BUF_INIT, dir = BUF_INIT;
	struct chain_key *k = NULL;
	char *pass = sodium_malloc(CLI_PASS_MAX);

	if (!pass)
		abort();
	pass[0] = '\0';
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	buf_printf(&dir, "%s/chain", cli_home());
	if (chain_key_path(&path, args.v[0]) || mkdir_p(dir.ptr, 0700) ||
	    (!nopass && new_passphrase(pass)) || chain_key_generate(&k) ||
	    chain_key_save(k, path.ptr, nopass ? NULL : pass)) {
		rc = cli_fail(prov_error_code());
		if (prov_error_code() == PROV_EEXISTS)
			fprintf(stderr, "prov: a chain key named '%s' exists\n",
				args.v[0]);
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:b}", "name", args.v[0],
				      "address", k->address, "encrypted",
				      !nopass);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s\n", k->address);
	}
done:
	sodium_free(pass);
	chain_key_free(k);
	buf_release(&path);
	buf_release(&dir);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static int key_address(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov chain key address NAME [--json]",
		"Prints the address (EIP-55) of chain key NAME. The key is "
		"decrypted to derive it, so a damaged or swapped key file is "
		"caught: the passphrase comes from PROV_CHAIN_PASSPHRASE, else "
		"PROV_PASSPHRASE, else the terminal.",
		1, 1, 0,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct buf path = BUF_INIT;
	struct chain_key *k = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (chain_key_path(&path, args.v[0]) ||
	    chain_key_load(&k, path.ptr, cli_chain_passphrase, NULL)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s}", "name", args.v[0],
				      "address", k->address);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s\n", k->address);
	}
done:
	chain_key_free(k);
	buf_release(&path);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static int chain_key_cmd(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "new", key_new },
		{ "address", key_address },
	};

	return CLI_SUBCOMMAND(argc, argv, "chain key", subs,
			      "usage: prov chain key new NAME [--no-passphrase] [--json]\n"
			      "       prov chain key address NAME [--json]\n\n"
			      "secp256k1 keys that send transactions "
			      "(docs/chain.md).");
}

int cmd_chain(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "key", chain_key_cmd },
	};

	return CLI_SUBCOMMAND(argc, argv, "chain", subs,
			      "usage: prov chain key new NAME [--no-passphrase] [--json]\n"
			      "       prov chain key address NAME [--json]\n\n"
			      "The EVM chain records are anchored on (docs/chain.md).");
}

/* ---- shared by anchor, contracts deploy and verify --chain ------------- */

int cli_chain_passphrase(char *buf, size_t cap, const char *prompt,
			 void *payload)
{
	const char *env = getenv("PROV_CHAIN_PASSPHRASE");

	if (env) {
		if (strlen(env) >= cap)
			return prov_error_set(PROV_EINVALID,
					      "passphrase too long");
		memcpy(buf, env, strlen(env) + 1);
		return 0;
	}
	return cli_passphrase(buf, cap, prompt, payload);
}

int cli_load_chain_key(struct chain_key **out, const char *name)
{
	struct buf path = BUF_INIT;
	int rc;

	*out = NULL;
	if (!name)
		return prov_error_set(PROV_EINVALID,
				      "no chain key: give --key NAME "
				      "('prov chain key new NAME' makes one)");
	if (!(rc = chain_key_path(&path, name)))
		rc = chain_key_load(out, path.ptr, cli_chain_passphrase, NULL);
	if (rc == PROV_ENOTFOUND)
		rc = prov_error_set(PROV_ENOTFOUND, "no chain key named '%s'",
				    name);
	buf_release(&path);
	return rc;
}


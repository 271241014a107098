/* prov contracts deploy: the registry contract, or the payout distributor,
 * from the bytecode built into prov (contracts/build.mjs keeps it equal to
 * the sources). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static void on_note(void *payload, const char *msg)
{
	const int *json = payload;

	if (!*json)
		fprintf(stderr, "prov contracts deploy: %s\n", msg);
}

static int deploy(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov contracts deploy --rpc URL... --key NAME [--distributor] "
		"[--confirmations N] [--chain eip155:N] [--json]",
		"Deploys the ProvenanceRegistry contract built into prov (or "
		"with --distributor the PayoutDistributor) with a transaction "
		"signed by the chain key NAME, waits for N confirmations "
		"(default 1), checks the code at the new address and prints the "
		"address for 'prov anchor --contract' (or 'prov royalties "
		"distribute --distributor').",
		0, 0, 0,
	};
	int json = 0, dist = 0, rc;
	const char *keyname = NULL, *conf = NULL, *chain = NULL;
	struct strlist args = { 0 }, rpcs = { 0 };
	const struct opt opts[] = {
		OPT_RPC(&rpcs),
		OPT_CHAIN_KEY(&keyname),
		OPT_FLAG_("distributor", 0, &dist,
			  "deploy the payout distributor instead"),
		OPT_STR("confirmations", 0, &conf, "N",
			"blocks to wait, the one holding it included (default "
			"1)"),
		OPT_STR("chain", 0, &chain, "eip155:N",
			"refuse an endpoint on another chain"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct chain_key *ck = NULL;
	struct rpc_client *rpc = NULL;
	struct rpc_receipt *rcpt = NULL;
	struct sender snd;
	struct tx tx;
	struct buf raw = BUF_INIT;
	uint8_t hash[32];
	char addr[43], txh[67];
	uint64_t chain_id;
	unsigned n = 1;

	tx_init(&tx);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)) ||
	    (rc = cli_parse_count(&n, conf, "confirmations", 1, 10000)))
		goto done;
	if (cli_load_chain_key(&ck, keyname) ||
	    cli_rpc_open(&rpc, &chain_id, &rpcs, chain)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	/* Not saved before sending: a deploy that is interrupted and run
	 * again deploys a second contract, which costs gas and nothing
	 * else. */
	snd = (struct sender){ .rpc = rpc,
			       .key = ck,
			       .chain_id = chain_id,
			       .confirmations = n,
			       .poll_ms = 1000,
			       .timeout_ms = 900000,
			       .note = on_note,
			       .payload = &json };
	if (send_prepare(&tx, &snd, NULL,
			 dist ? distributor_init_code : registry_init_code,
			 dist ? distributor_init_code_len
			      : registry_init_code_len) ||
	    send_submit(&raw, hash, &snd, &tx) ||
	    send_wait(&rcpt, &snd, &tx, &raw, hash)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (!rcpt->has_contract ||
	    (dist ? distributor_check_code : registry_check_code)(
		    rpc, rcpt->contract_address)) {
		if (!rcpt->has_contract)
			prov_error_set(PROV_EVERIFY,
				       "the receipt names no contract");
		rc = cli_fail(prov_error_code());
		goto done;
	}
	address_checksum(addr, rcpt->contract_address);
	chain_hex(txh, rcpt->tx_hash, 32);
	if (json) {
		char caip[32];
		json_t *o;

		snprintf(caip, sizeof(caip), "eip155:%" PRIu64, chain_id);
		o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "address", addr,
			      "chain", caip, "tx", txh, "block",
			      (json_int_t)rcpt->block_number, "gas_used",
			      (json_int_t)rcpt->gas_used, "deployer",
			      ck->address);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s\n", addr);
	}
done:
	rpc_receipt_free(rcpt);
	tx_release(&tx);
	buf_release(&raw);
	rpc_client_free(rpc);
	chain_key_free(ck);
	strlist_release(&args);
	strlist_release(&rpcs);
	return CLI_EXIT(rc);
}

int cmd_contracts(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "deploy", deploy },
	};

	return CLI_SUBCOMMAND(argc, argv, "contracts", subs,
			      "usage: prov contracts deploy --rpc URL... --key NAME "
			      "[--distributor] [--confirmations N] [--chain "
			      "eip155:N] [--json]\n\n"
			      "The registry contract records are anchored to, and "
			      "the distributor royalties are paid through "
			      "(docs/chain.md).");
}

/* prov usage: signed reports of what a model earned in a period, the
 * input of `prov royalties compute` (docs/royalties.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "royalties/royalties.h"

/* The usage payload (docs/records.md): revenue in base units of asset. */
static json_t *usage_payload(const char *operator, const char * model,
			     const char *name, const char *period,
			     const struct asset *asset, unsigned decimals,
			     const mpz_t revenue, const char *units)
{
	char created[32], *amount = amount_string(revenue);
	json_t *p;

	time_rfc3339(created, (int64_t)time(NULL));
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "kind",
		      "usage", "operator", operator, "model", model,
		      "model_name", name, "period", period, "asset",
		      asset->text, "revenue", amount, "decimals",
		      (json_int_t)decimals, "created", created);
	if (units)
		json_object_set_new(p, "units", json_string(units));
	free(amount);
	return p;
}

/* The model's name as its record gives it. */
static int model_name(char **out, struct store *s, const char *id)
{
	struct record *r = NULL;
	int rc = cli_find_record(&r, NULL, s, id);

	if (!rc)
		*out = xstrdup(
			json_string_value(json_object_get(r->payload, "name"))
				?: "");
	record_free(r);
	return rc;
}

/* Checks the options that describe the revenue; EXIT_USAGE after saying
 * what is wrong. */
static int revenue_args(mpz_t revenue, struct asset *asset, unsigned *decimals,
			const char *amount, const char *asset_s,
			const char *decimals_s, const char *period,
			const char *units)
{
	mpz_t n;
	int rc = 0;

	if (!amount || !asset_s || !decimals_s || !period)
		return cli_usage_error("usage record: --model, --period, "
				       "--revenue, --asset and --decimals are "
				       "required");
	if ((rc = cli_parse_count(decimals, decimals_s, "decimals", 0,
				  AMOUNT_DECIMALS_MAX)))
		return rc;
	if (period_check(period) || asset_parse(asset, asset_s) ||
	    amount_parse(revenue, amount, *decimals))
		return cli_fail(prov_error_code());
	if (units) {
		mpz_init(n);
		if (amount_parse_units(n, units))
			rc = cli_usage_error("--units: '%s' is not a whole "
					     "number of units",
					     units);
		mpz_clear(n);
	}
	return rc;
}

static int usage_record(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov usage record --model NAME --period YYYY-MM --revenue "
		"AMOUNT --asset CAIP-19 --decimals N [--units N] [--as "
		"OPERATOR] [--json]",
		"Signs a usage record: what the model (a name, a record id or "
		"a unique prefix) earned in a month, in an asset named by "
		"CAIP-19 (eip155:1/erc20:0x...). AMOUNT is written as people "
		"write it, with at most N decimals (the asset's), and is kept "
		"in base units. --units is what was served (tokens, calls), "
		"kept as reported. 'prov royalties compute' pays the usage of "
		"a period (docs/royalties.md).",
		0,
		0,
		1,
	};
	const char *model = NULL, *period = NULL, *amount = NULL,
		   *asset_s = NULL, *decimals_s = NULL, *units = NULL,
		   *as = NULL;
	int json = 0, rc;
	struct strlist args = {0};
	const struct opt opts[] = {
		OPT_STR("model", 0, &model, "NAME", "the model that earned it"),
		OPT_STR("period", 0, &period, "YYYY-MM", "the month"),
		OPT_STR("revenue", 0, &amount, "AMOUNT",
			"what it earned, e.g. 1250.50"),
		OPT_STR("asset", 0, &asset_s, "CAIP-19",
			"the token, eip155:CHAIN/erc20:0xADDRESS"),
		OPT_STR("decimals", 0, &decimals_s, "N",
			"the token's decimals (0 to 77)"),
		OPT_STR("units", 0, &units, "N", "what was served, as counted"),
		OPT_AS(&as),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct store *s = NULL;
	struct key *k = NULL;
	struct asset asset;
	unsigned decimals = 0;
	mpz_t revenue;
	char model_id[RECORD_ID_MAX], id[RECORD_ID_MAX], commit[41];
	char *name = NULL, *shown = NULL;
	struct buf env = BUF_INIT, path = BUF_INIT, msg = BUF_INIT;
	json_t *payload = NULL;

	mpz_init(revenue);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!model) {
		rc = cli_usage_error("usage record: --model is required");
		goto done;
	}
	if ((rc = revenue_args(revenue, &asset, &decimals, amount, asset_s,
			       decimals_s, period, units)))
		goto done;
	if (cli_open_store(&s) || cli_model_resolve(model_id, s, model, 0) ||
	    model_name(&name, s, model_id) || cli_load_identity(&k, as) ||
	    store_lock(s, cli_lock_wait_ms())) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	payload = usage_payload(k->did, model_id, name, period, &asset,
				decimals, revenue, units);
	shown = amount_display(revenue, decimals);
	buf_printf(&msg, "usage %s %s: %s of %s\n\nby %s\n", name, period,
		   shown, asset.text, k->did);
	if (record_create(&env, id, payload, k) ||
	    record_store_path(&path, "usage", id, payload) || store_begin(s) ||
	    store_put(s, path.ptr, env.ptr, env.len) < 0 ||
	    store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:O, s:s}", "id", id, "payload",
				      payload, "commit", commit);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s  usage of %s in %s: %s (%s base units of %s)\n", id,
		       cli_esc(name), period, shown,
		       json_string_value(json_object_get(payload, "revenue")),
		       asset.text);
	}
done:
	mpz_clear(revenue);
	json_decref(payload);
	free(name);
	free(shown);
	key_free(k);
	store_free(s);
	buf_release(&env);
	buf_release(&path);
	buf_release(&msg);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_usage(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{"record", usage_record},
	};

	return CLI_SUBCOMMAND(argc, argv, "usage", subs,
			      "usage: prov usage record --model NAME --period "
			      "YYYY-MM --revenue AMOUNT --asset CAIP-19 "
			      "--decimals N [--units N] [--as OPERATOR] "
			      "[--json]\n\n"
			      "Signed usage records: what a model earned in a "
			      "month (docs/royalties.md).");
}

/* prov resolve: a signed verdict on a challenge. Anyone may sign one;
 * whose verdicts count is the reader's decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"

#define REASON_MAX 4000

/* The challenge must be here, be a challenge, and verify: a verdict on a
 * forged dispute would lend it weight. */
static int find_challenge(struct record **out, struct store *s, const char *arg)
{
	int rc = cli_find_record(out, NULL, s, arg);

	if (rc)
		return rc;
	if (strcmp((*out)->kind, "challenge"))
		return prov_error_set(PROV_EINVALID,
				      "'%s' is a %s record, not a challenge",
				      arg, (*out)->kind);
	return record_verify(*out);
}

int cmd_resolve(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov resolve CHALLENGE-ID --upheld|--dismissed --reason TEXT "
		"[--as NAME] [--json]",
		"Signs a resolution record: a verdict (upheld or dismissed) on "
		"a "
		"challenge, with the reason. Anyone may sign one; which "
		"verdicts "
		"count is for the reader to decide.",
		1,
		1,
		1,
	};
	int json = 0, upheld = 0, dismissed = 0, rc;
	const char *reason = NULL, *as = NULL;
	struct strlist args = {0};
	const struct opt opts[] = {
		OPT_FLAG_("upheld", 0, &upheld, "the challenge stands"),
		OPT_FLAG_("dismissed", 0, &dismissed, "the challenge fails"),
		OPT_STR("reason", 0, &reason, "TEXT", "why"),
		OPT_AS(&as),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct store *s = NULL;
	struct key *k = NULL;
	struct record *ch = NULL;
	struct buf env = BUF_INIT, path = BUF_INIT, msg = BUF_INIT;
	char id[RECORD_ID_MAX], commit[41];
	json_t *payload = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (upheld == dismissed) {
		rc = cli_usage_error(
			"resolve: give exactly one of --upheld and "
			"--dismissed");
		goto done;
	}
	if ((rc = cli_text_arg("resolve", "reason", reason, REASON_MAX)))
		goto done;
	if (cli_open_store(&s) || find_challenge(&ch, s, args.v[0]) ||
	    cli_load_identity(&k, as) || store_lock(s, cli_lock_wait_ms())) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	payload = resolution_payload(k->did, ch->id, upheld, reason,
				     (int64_t)time(NULL));
	buf_printf(&msg, "resolve challenge %s: %s\n\nby %s\n", ch->id,
		   upheld ? "upheld" : "dismissed", k->did);
	if (record_create(&env, id, payload, k) ||
	    record_store_path(&path, "resolution", id, payload) ||
	    store_begin(s) || store_put(s, path.ptr, env.ptr, env.len) < 0 ||
	    store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", id,
				      "challenge", ch->id, "outcome",
				      upheld ? "upheld" : "dismissed", "commit",
				      commit);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s  %s challenge %s\n", id,
		       upheld ? "upheld" : "dismissed", ch->id);
	}
done:
	json_decref(payload);
	record_free(ch);
	key_free(k);
	store_free(s);
	buf_release(&env);
	buf_release(&path);
	buf_release(&msg);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

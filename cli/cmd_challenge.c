/* prov challenge: a signed dispute of any record in the registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"

#define REASON_MAX 4000

/* The target must be a record here, of any kind: a path under works/ or
 * records/<kind>/. It need not parse: a malformed record can be disputed
 * too. */
static int find_target(char id[RECORD_ID_MAX], char kind[32], struct store *s,
		       const char *arg)
{
	char *path = NULL;
	int rc;

	if ((rc = cli_find_path(&path, id, s, arg)))
		return rc;
	if (!cli_path_kind(path, kind))
		rc = prov_error_set(PROV_ENOTFOUND, "no record '%s'", arg);
	free(path);
	return rc;
}

static void print_result(const char *id, const char *target, const char *kind,
			 const json_t *payload, const char *commit, int json)
{
	if (json) {
		json_t *o = json_pack(
			"{s:s, s:s, s:s, s:O, s:s}", "id", id, "target", target,
			"target_kind", kind, "evidence",
			json_object_get(payload, "evidence"), "commit", commit);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s  challenges %s %s\n", id, kind, target);
	}
}

int cmd_challenge(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov challenge RECORD-ID --reason TEXT [--evidence FILE]... "
		"[--as NAME] [--json]",
		"Signs a challenge record disputing a record of any kind in "
		"the "
		"registry (a work, a dataset, a run, a model, ...). Evidence "
		"files "
		"are hashed, not stored: their names, sizes and SHA-256 "
		"digests go "
		"in the record, and the files stay with you. 'prov resolve' "
		"records "
		"a verdict; 'prov show RECORD-ID' lists challenges and "
		"verdicts.",
		1,
		1,
		1,
	};
	int json = 0, rc;
	const char *reason = NULL, *as = NULL;
	struct strlist args = {0}, evidence = {0};
	const struct opt opts[] = {
		OPT_STR("reason", 0, &reason, "TEXT",
			"what is wrong with the record"),
		OPT_LIST_("evidence", 0, &evidence, "FILE",
			  "a file backing the claim, hashed"),
		OPT_AS(&as),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct store *s = NULL;
	struct key *k = NULL;
	struct fileset fs = {0};
	struct file_digest *ev = NULL;
	struct buf env = BUF_INIT, path = BUF_INIT, msg = BUF_INIT;
	char target[RECORD_ID_MAX], kind[32], id[RECORD_ID_MAX], commit[41];
	json_t *payload = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)) ||
	    (rc = cli_text_arg("challenge", "reason", reason, REASON_MAX)))
		goto done;
	if (cli_open_store(&s) || find_target(target, kind, s, args.v[0]) ||
	    cli_load_identity(&k, as) || store_lock(s, cli_lock_wait_ms()) ||
	    (evidence.n && cli_hash_files(&ev, &fs, &evidence, s)) ||
	    file_digests_unique(ev, fs.n, "evidence")) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	payload = challenge_payload(k->did, target, reason, ev, fs.n,
				    (int64_t)time(NULL));
	buf_printf(&msg, "challenge %s %s\n\nby %s\n", kind, target, k->did);
	if (record_create(&env, id, payload, k) ||
	    record_store_path(&path, "challenge", id, payload) ||
	    store_begin(s) || store_put(s, path.ptr, env.ptr, env.len) < 0 ||
	    store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	print_result(id, target, kind, payload, commit, json);
done:
	json_decref(payload);
	free(ev);
	fileset_release(&fs);
	key_free(k);
	store_free(s);
	buf_release(&env);
	buf_release(&path);
	buf_release(&msg);
	strlist_release(&args);
	strlist_release(&evidence);
	return CLI_EXIT(rc);
}

/* prov pull: fetches a remote registry and merges it as a union of
 * immutable records, checking every incoming record before taking it. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"

static int check_incoming(const char *path, const void *data, size_t n,
			  void *payload)
{
	struct record *r = NULL;
	char kind[32];
	int rc;

	if (!cli_path_kind(path, kind))
		return prov_error_set(PROV_EVERIFY,
				      "'%s' from the remote is not a record", path);
	rc = record_parse(&r, data, n);
	if (!rc)
		rc = record_path_check(r, path);
	if (!rc)
		rc = record_verify(r);
	if (rc)
		prov_error_wrap("refusing '%s' from the remote", path);
	record_free(r);
	return rc;
}

int cmd_pull(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov pull NAME [--as NAME] [--json]",
		"Fetches the remote NAME and merges its records into this registry "
		"as a union: every incoming record must parse, sit at its path "
		"and carry valid signatures; the same path with different bytes "
		"is a conflict and nothing is merged. A merge that is not a "
		"fast-forward makes a merge commit signed with --as.",
		1, 1, 1,
	};
	int json = 0, rc;
	const char *as = NULL;
	const struct opt opts[] = { OPT_AS(&as), OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct store *s = NULL;
	struct key *k = NULL;
	char theirs[41];
	size_t added = 0;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (cli_open_store(&s) || store_lock(s, cli_lock_wait_ms()) ||
	    store_fetch(s, args.v[0], theirs)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (!theirs[0])
		goto report;
	/* Only a real merge needs a key; a fast-forward does not. */
	rc = store_merge(s, theirs, NULL, check_incoming, NULL, &added);
	if (rc == STORE_NEEDS_KEY && !(rc = cli_load_identity(&k, as)))
		rc = store_merge(s, theirs, k, check_incoming, NULL, &added);
	/* Two registries disagreeing about an immutable record is a failed
	 * check, like a forged one. */
	if (rc)
		rc = rc == PROV_ECONFLICT ? (cli_fail(rc), EXIT_CHECK) : cli_fail(rc);
	if (rc)
		goto done;
	rc = 0;
report:
	if (json) {
		json_t *o = json_pack("{s:s, s:I}", "remote", args.v[0], "added",
				      (json_int_t)added);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("pulled %zu new record%s from %s\n", added,
		       added == 1 ? "" : "s", args.v[0]);
	}
done:
	key_free(k);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

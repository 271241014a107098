/* prov show: one record by id, or every claim about a content hash or file,
 * in the order the registry received them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"

struct claims {
	struct strlist paths;
};

static int claims_cb(const struct store_commit_info *c, enum store_change ch,
		     const char *path, void *payload)
{
	struct claims *cl = payload;

	if (path && ch == STORE_ADDED)
		strlist_push(&cl->paths, path);
	return 0;
}

/* A failed check is an error exit (DESIGN.md), not just a word on screen. */
static int check_shown(const struct record *r, int *bad)
{
	if (record_verify(r)) {
		fprintf(stderr, "prov: %s\n", cli_esc(prov_error_last()));
		*bad = 1;
	}
	prov_error_clear();
	return 0;
}

struct naming {
	const char *hex;
	struct strlist paths;
};

/* Opt-outs naming the content (a record's "content" list holds it). */
static int optout_cb(const char *path, const void *data, size_t n, void *p)
{
	struct naming *nm = p;
	struct record *r = NULL;
	json_t *e;
	size_t i;

	if (record_parse(&r, data, n)) {
		prov_error_clear();
		return 0; /* prov verify reports it */
	}
	json_array_foreach (json_object_get(r->payload, "content"), i, e)
		if (!strcmp(json_string_value(e) ?: "", nm->hex)) {
			strlist_push(&nm->paths, path);
			break;
		}
	record_free(r);
	return 0;
}

static int show_content(struct store *s, const uint8_t digest[32], int json,
			int *bad)
{
	char hex[65], prefix[80];
	struct claims cl = { 0 };
	struct naming nm = { 0 };
	json_t *arr = json_array();
	size_t claims;
	int rc = 0;

	hex_encode(hex, digest, 32);
	snprintf(prefix, sizeof(prefix), "works/%.2s/%.2s/%s/", hex, hex + 2, hex);
	nm.hex = hex;
	if ((rc = store_history(s, prefix, claims_cb, &cl)) ||
	    (rc = store_walk(s, "records/optout", optout_cb, &nm)))
		goto done;
	if (!cl.paths.n && !nm.paths.n) {
		rc = prov_error_set(PROV_ENOTFOUND, "no record about sha256:%s", hex);
		goto done;
	}
	if (!json && cl.paths.n > 1)
		printf("%zu claims on sha256:%s, in the order received:\n\n",
		       cl.paths.n, hex);
	claims = cl.paths.n;
	for (size_t i = 0; i < nm.paths.n; i++)
		strlist_push(&cl.paths, nm.paths.v[i]);
	for (size_t i = 0; i < cl.paths.n && !rc; i++) {
		if (!json && i == claims)
			printf("%sopt-outs naming sha256:%s:\n\n", claims ? "\n" : "",
			       hex);
		struct buf data = BUF_INIT;
		struct record *r = NULL;
		if (!(rc = store_read(&data, s, cl.paths.v[i])) &&
		    !(rc = record_parse(&r, data.ptr, data.len))) {
			if (json)
				json_array_append_new(arr, cli_record_json(r, cl.paths.v[i]));
			else
				cli_print_record(r, cl.paths.v[i]);
			check_shown(r, bad);
			if (!json && i + 1 < cl.paths.n && i + 1 != claims)
				putchar('\n');
		} else {
			prov_error_wrap("'%s'", cl.paths.v[i]);
		}
		record_free(r);
		buf_release(&data);
	}
	if (!rc && json)
		cli_print_json(arr);
done:
	json_decref(arr);
	strlist_release(&cl.paths);
	strlist_release(&nm.paths);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov show ID|SHA256|PATH [--json]",
		"Shows a record by id (sha256:<hex>, or 8+ hex digits of it), or "
		"every record about a content hash or a file: its work claims, in "
		"the order the registry received them, then the opt-outs naming it. "
		"A record shown by id is followed by the challenges against it "
		"and their resolutions. Signatures are checked as shown; exit 1 "
		"if any does not verify.",
		1, 1, 1,
	};
	int json = 0, bad = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct store *s = NULL;
	struct record *r = NULL;
	json_t *challenges = NULL;
	char *path = NULL;
	const char *arg;
	uint8_t digest[32];
	struct stat st;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	arg = args.v[0];
	if ((rc = cli_open_store(&s)))
		goto fail;
	if (!stat(arg, &st) && S_ISREG(st.st_mode)) {
		if ((rc = sha256_file(digest, NULL, arg)) ||
		    (rc = show_content(s, digest, json, &bad)))
			goto fail;
		goto checked;
	}
	/* A full digest names content first; failing that, a record. */
	if ((strlen(arg) == 64 || strlen(arg) == 71) &&
	    !sha256_id_parse(digest, arg)) {
		rc = show_content(s, digest, json, &bad);
		if (rc != PROV_ENOTFOUND)
			goto check;
	}
	if (strchr(arg, '/') || strchr(arg, '.')) {
		rc = prov_error_set(PROV_ENOTFOUND, "'%s': no such file", arg);
		goto fail;
	}
	if ((rc = cli_find_record(&r, &path, s, arg))) {
		if (rc == PROV_ENOTFOUND && strlen(arg) >= 64)
			prov_error_set(PROV_ENOTFOUND,
				       "nothing in the registry about '%s' (no "
				       "work with that content hash, no record "
				       "with that id)",
				       arg);
		goto fail;
	}
	challenges = cli_challenges_json(s, r->id);
	if (json) {
		json_t *o = cli_record_json(r, path);
		json_object_set(o, "challenges", challenges);
		cli_print_json(o);
		json_decref(o);
	} else {
		cli_print_record(r, path);
		cli_print_challenges(challenges);
	}
	check_shown(r, &bad);
	goto checked;
check:
	if (!rc)
		goto checked;
fail:
	rc = cli_fail(rc);
	goto done;
checked:
	rc = bad ? EXIT_CHECK : EXIT_OK;
done:
	json_decref(challenges);
	free(path);
	record_free(r);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

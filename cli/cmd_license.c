/* prov license list|show|check|add: the license table, evaluating an SPDX
 * expression for a purpose, and custom licenses as signed records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "license/license.h"

#define LICENSE_FILE_MAX (1u << 20)

/* ---- custom licenses from the registry ----------------------------------- */

/* The registry's custom licenses. Without a registry there are none, unless
 * one was named (--registry, PROV_REGISTRY) or is required. */
static int load_defs(struct license_defs *d, struct store **out, int required)
{
	const char *env = getenv("PROV_REGISTRY");
	struct store *s = NULL;
	int rc;

	if (out)
		*out = NULL;
	rc = cli_open_store(&s);
	if (rc == PROV_ENOTFOUND && !required && !cli_registry_opt &&
	    !(env && *env)) {
		prov_error_clear();
		return 0;
	}
	if (rc)
		return rc;
	rc = store_walk(s, "records/license", license_defs_walk, d);
	for (size_t i = 0; !rc && i < d->skipped.n; i++)
		fprintf(stderr, "prov: warning: skipped a license record: %s\n",
			cli_esc(d->skipped.v[i]));
	if (!rc && out)
		*out = s;
	else
		store_free(s);
	return rc;
}

static void warn_ignored(const struct license_def *def)
{
	for (size_t i = 0; i < def->ignored.n; i++)
		fprintf(stderr,
			"prov: warning: %s is defined more than once: using "
			"%s, "
			"ignoring %s\n",
			cli_esc(def->info.id), cli_esc(def->source),
			cli_esc(def->ignored.v[i]));
}

/* license_defs_resolve, warning once per id defined more than once. */
struct resolver {
	struct license_defs *defs;
	struct strlist warned;
};

static int resolve(struct license_info *out, const char *id, void *payload)
{
	struct resolver *r = payload;
	const struct license_def *def = license_defs_find(r->defs, id);

	if (!def)
		return 0;
	if (def->ignored.n && !strlist_has(&r->warned, def->info.id)) {
		strlist_push(&r->warned, def->info.id);
		warn_ignored(def);
	}
	*out = def->info;
	return 1;
}

/* ---- showing licenses --------------------------------------------------- */

static json_t *info_json(const struct license_info *e,
			 const struct license_def *def)
{
	struct license_strings fams = {0};
	json_t *arr = json_array(), *o;
	unsigned f = e->flags;

	license_families(&fams, e->share_alike);
	for (size_t i = 0; i < fams.n; i++)
		json_array_append_new(arr, json_string(fams.v[i]));
	o = json_pack("{s:s, s:s, s:s?, s:s, s:{s:b, s:b, s:s?, s:o, s:b, s:b, "
		      "s:b, s:b}, s:s?}",
		      "id", e->id, "name", e->name, "url", e->url, "source",
		      def ? "registry" : "table", "attributes", "commercial",
		      !!(f & LICENSE_COMMERCIAL), "derivatives",
		      !!(f & LICENSE_DERIVATIVES), "share_alike",
		      fams.n ? fams.v[0] : NULL, "share_alike_compatible", arr,
		      "weak_copyleft", !!(f & LICENSE_WEAK_COPYLEFT),
		      "attribution", !!(f & LICENSE_ATTRIBUTION),
		      "use_restrictions", !!(f & LICENSE_USE_RESTRICTIONS),
		      "no_conditions", !!(f & LICENSE_NO_CONDITIONS), "note",
		      e->note);
	if (def) {
		const char *t = json_string_value(
			json_object_get(def->payload, "text_sha256"));
		json_object_set_new(o, "record", json_string(def->record_id));
		json_object_set_new(o, "by", json_string(def->by));
		if (t)
			json_object_set_new(o, "text_sha256", json_string(t));
	}
	license_strings_release(&fams);
	return o;
}

static const char *yes_no(unsigned flags, unsigned bit)
{
	return flags & bit ? "yes" : "no";
}

static void print_row(const struct license_info *e)
{
	struct license_strings fams = {0};
	char sa[80] = "-";

	license_families(&fams, e->share_alike);
	if (fams.n)
		snprintf(sa, sizeof(sa), "%s%s", fams.v[0],
			 e->flags & LICENSE_WEAK_COPYLEFT ? " (weak)" : "");
	printf("%-34s %-10s %-11s %-16s %-11s %s\n", cli_esc(e->id),
	       yes_no(e->flags, LICENSE_COMMERCIAL),
	       yes_no(e->flags, LICENSE_DERIVATIVES), cli_esc(sa),
	       yes_no(e->flags, LICENSE_ATTRIBUTION),
	       yes_no(e->flags, LICENSE_USE_RESTRICTIONS));
	license_strings_release(&fams);
}

static int license_list(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov license list [--json]",
		"Lists prov's license table with the attributes that decide AI "
		"use (commercial use, derivatives and distributing trained "
		"weights, share-alike family, attribution, use-based "
		"restrictions) and the SPDX License List version it follows, "
		"then the custom licenses the registry defines, if there is a "
		"registry. Other SPDX ids are known, but their attributes are "
		"not: evaluation treats them as not allowed.",
		0,
		0,
		1,
	};
	int json = 0, rc;
	const struct opt opts[] = {OPT_JSON(&json), OPT_END_};
	struct strlist args = {0};
	struct license_defs defs;
	json_t *arr = NULL, *o = NULL;

	license_defs_init(&defs);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (load_defs(&defs, NULL, 0)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		arr = json_array();
		for (size_t i = 0; i < license_table_count; i++)
			json_array_append_new(
				arr, info_json(&license_table[i], NULL));
		for (size_t i = 0; i < defs.n; i++)
			json_array_append_new(
				arr, info_json(&defs.v[i].info, &defs.v[i]));
		o = json_pack("{s:s, s:o}", "spdx_list_version",
			      license_spdx_list_version, "licenses", arr);
		cli_print_json(o);
		goto done;
	}
	printf("SPDX License List %s; %zu licenses in prov's table\n\n",
	       license_spdx_list_version, license_table_count);
	printf("%-34s %-10s %-11s %-16s %-11s %s\n", "id", "commercial",
	       "derivatives", "share-alike", "attribution", "use-restrictions");
	for (size_t i = 0; i < license_table_count; i++)
		print_row(&license_table[i]);
	if (defs.n) {
		printf("\ndefined in the registry:\n");
		for (size_t i = 0; i < defs.n; i++)
			print_row(&defs.v[i].info);
	}
done:
	json_decref(o);
	license_defs_release(&defs);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static void print_info(const struct license_info *e,
		       const struct license_def *def)
{
	struct license_strings fams = {0};
	unsigned f = e->flags;

	printf("id:               %s\n", cli_esc(e->id));
	printf("name:             %s\n", cli_esc(e->name));
	if (e->url)
		printf("url:              %s\n", cli_esc(e->url));
	if (def)
		printf("source:           %s\n", cli_esc(def->source));
	else
		printf("source:           prov's table (SPDX License List "
		       "%s)\n",
		       license_spdx_list_version);
	if (def && json_object_get(def->payload, "text_sha256"))
		printf("text sha256:      %s\n",
		       json_string_value(
			       json_object_get(def->payload, "text_sha256")));
	printf("commercial use:   %s\n",
	       f & LICENSE_COMMERCIAL ? "allowed" : "not allowed (NC)");
	printf("derivatives:      %s\n",
	       f & LICENSE_DERIVATIVES
		       ? "allowed, trained weights included"
		       : "not allowed (ND): trained weights may not be shared");
	license_families(&fams, e->share_alike);
	if (!fams.n)
		printf("share-alike:      none\n");
	else if (f & LICENSE_WEAK_COPYLEFT)
		printf("share-alike:      %s, weak copyleft (stays with the "
		       "covered files)\n",
		       cli_esc(fams.v[0]));
	else {
		printf("share-alike:      %s (combinable under",
		       cli_esc(fams.v[0]));
		for (size_t i = 0; i < fams.n; i++)
			printf("%s %s", i ? "," : "", cli_esc(fams.v[i]));
		printf(")\n");
	}
	printf("attribution:      %s\n",
	       f & LICENSE_ATTRIBUTION ? "required" : "not required");
	printf("use restrictions: %s\n",
	       f & LICENSE_USE_RESTRICTIONS ? "yes, passed on to derivatives"
					    : "none");
	if (f & LICENSE_NO_CONDITIONS)
		printf("conditions:       none (public domain / no "
		       "conditions)\n");
	if (e->note)
		printf("note:             %s\n", cli_esc(e->note));
	license_strings_release(&fams);
}

static int license_show(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov license show ID [--json]",
		"Shows one license: its name, URL and attributes, from prov's "
		"table or, for a LicenseRef- id, from the registry's license "
		"records. An SPDX id that is not in the table is shown as "
		"known, "
		"with unknown attributes.",
		1,
		1,
		1,
	};
	int json = 0, rc;
	const struct opt opts[] = {OPT_JSON(&json), OPT_END_};
	struct strlist args = {0};
	struct license_defs defs;
	const struct license_info *e;
	const struct license_def *def = NULL;
	const char *id, *canonical, *near;
	json_t *o = NULL;

	license_defs_init(&defs);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	id = args.v[0];
	if (!(e = license_table_find(id))) {
		if (load_defs(&defs, NULL, 0)) {
			rc = cli_fail(prov_error_code());
			goto done;
		}
		if ((def = license_defs_find(&defs, id))) {
			e = &def->info;
			warn_ignored(def);
		}
	}
	if (e) {
		o = info_json(e, def);
		if (json)
			cli_print_json(o);
		else
			print_info(e, def);
		goto done;
	}
	if (license_id_known(id, &canonical)) {
		if (json) {
			o = json_pack("{s:s, s:n, s:n, s:s, s:n, s:n}", "id",
				      canonical, "name", "url", "source",
				      "spdx", "attributes", "note");
			cli_print_json(o);
		} else {
			printf("id:               %s\n", canonical);
			printf("source:           SPDX License List %s\n",
			       license_spdx_list_version);
			printf("attributes:       not in prov's table: "
			       "evaluation "
			       "treats them as not allowed\n");
		}
		goto done;
	}
	near = license_suggest(id);
	if (!strncasecmp(id, "LicenseRef-", 11))
		rc = cli_usage_error(
			"'%s' is not in prov's table, and no license "
			"record in the registry defines it%s%s%s",
			cli_esc(id), near ? " (did you mean " : "",
			near ? near : "", near ? "?)" : "");
	else
		rc = cli_usage_error("unknown license id '%s'%s%s%s",
				     cli_esc(id), near ? " (did you mean " : "",
				     near ? near : "", near ? "?)" : "");
done:
	json_decref(o);
	license_defs_release(&defs);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* ---- check ------------------------------------------------------------------
 */

static void print_list(const char *title, const struct license_strings *l)
{
	if (!l->n)
		return;
	printf("%s:\n", title);
	for (size_t i = 0; i < l->n; i++)
		printf("  %s\n", cli_esc(l->v[i]));
}

static int license_check(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov license check SPDX-EXPR --purpose "
		"commercial|noncommercial|"
		"research [--use USE]... [--distribute-weights] [--json]",
		"Evaluates an SPDX license expression for a purpose and uses, "
		"and "
		"prints the verdict with its reasons and obligations. For OR "
		"any "
		"alternative may satisfy (the one chosen is named), for AND "
		"every "
		"term must; NC fails a commercial purpose (research counts as "
		"noncommercial), ND fails when trained weights are "
		"distributed, "
		"different share-alike licenses conflict, and ids whose "
		"attributes "
		"prov does not know are not allowed. LicenseRef- ids are "
		"looked "
		"up in the table, then in the registry's license records. USE "
		"is "
		"ai_training, ai_generative_training, data_mining or "
		"ai_inference. "
		"Exit status 1 when not allowed.",
		1,
		1,
		1,
	};
	int json = 0, distribute = 0, rc;
	const char *purpose = NULL;
	struct strlist args = {0}, uses = {0};
	const struct opt opts[] = {
		OPT_STR("purpose", 0, &purpose, "PURPOSE",
			"commercial, noncommercial or research"),
		OPT_LIST_("use", 0, &uses, "USE", "a use the data is for"),
		OPT_FLAG_("distribute-weights", 0, &distribute,
			  "trained weights will be shared"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct license_defs defs;
	struct resolver r = {&defs, {0}};
	struct license_query q = {0};
	struct license_verdict v = {0};
	json_t *o = NULL, *arr;

	license_defs_init(&defs);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!purpose) {
		rc = cli_usage_error("license check: --purpose is required "
				     "(commercial, noncommercial or research)");
		goto done;
	}
	if (license_purpose_parse(&q.purpose, purpose)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	for (size_t i = 0; i < uses.n; i++) {
		int u = training_use_index(uses.v[i]);
		if (u < 0) {
			rc = cli_usage_error(
				"'%s' is not a use (expected ai_training, "
				"ai_generative_training, data_mining or "
				"ai_inference)",
				cli_esc(uses.v[i]));
			goto done;
		}
		q.uses |= 1u << u;
	}
	q.distribute_weights = distribute;
	q.resolve = resolve;
	q.resolve_payload = &r;
	/* The expression first: a malformed one needs no registry. */
	if (license_expr_check(args.v[0], NULL) || load_defs(&defs, NULL, 0) ||
	    license_eval(&v, args.v[0], &q)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (v.undefined.n) {
		const char *near = license_suggest(v.undefined.v[0]);
		rc = cli_usage_error(
			"'%s' is not defined: not in prov's table, and "
			"no license record in the registry defines it%s%s%s",
			cli_esc(v.undefined.v[0]),
			near ? " (did you mean " : "", near ? near : "",
			near ? "?)" : "");
		goto done;
	}
	rc = v.allowed ? EXIT_OK : EXIT_CHECK;
	if (json) {
		o = license_verdict_json(&v);
		json_object_set_new(
			o, "purpose",
			json_string(license_purpose_name(q.purpose)));
		arr = json_array();
		for (int u = 0; u < TRAINING_USES; u++)
			if (q.uses & (1u << u))
				json_array_append_new(
					arr, json_string(training_uses[u]));
		json_object_set_new(o, "uses", arr);
		json_object_set_new(o, "distribute_weights",
				    json_boolean(distribute));
		cli_print_json(o);
		goto done;
	}
	printf("%s: %s\n", v.allowed ? "allowed" : "not allowed",
	       cli_esc(v.expression));
	printf("purpose: %s; uses:", license_purpose_name(q.purpose));
	if (!q.uses)
		printf(" none declared");
	for (int u = 0, first = 1; u < TRAINING_USES; u++)
		if (q.uses & (1u << u)) {
			printf("%s %s", first ? "" : ",", training_uses[u]);
			first = 0;
		}
	printf("; trained weights distributed: %s\n",
	       distribute ? "yes" : "no");
	if (v.chosen && strcmp(v.chosen, v.expression))
		printf("chosen: %s\n", cli_esc(v.chosen));
	print_list("reasons", &v.reasons);
	print_list("obligations", &v.obligations);
done:
	json_decref(o);
	license_verdict_release(&v);
	license_defs_release(&defs);
	strlist_release(&r.warned);
	strlist_release(&args);
	strlist_release(&uses);
	return CLI_EXIT(rc);
}

/* ---- add ----------------------------------------------------------------- */

static int license_add(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov license add FILE.json [--as NAME] [--json]",
		"Defines a custom license, for terms SPDX does not list: signs "
		"a "
		"license record and commits it. FILE.json holds id "
		"(LicenseRef-...), name, url (optional), text_sha256 "
		"(optional, "
		"of the license text), note (optional, one line) and "
		"attributes "
		"{commercial, derivatives, share_alike (a family name or "
		"null), "
		"attribution, use_restrictions}. An id already defined with "
		"other terms is refused: a new version needs a new id.",
		1,
		1,
		1,
	};
	int json = 0, rc;
	const char *as = NULL, *status = "added";
	const struct opt opts[] = {OPT_AS(&as), OPT_JSON(&json), OPT_END_};
	struct strlist args = {0};
	struct buf data = BUF_INIT, envelope = BUF_INIT, path = BUF_INIT,
		   msg = BUF_INIT;
	struct license_defs defs;
	const struct license_def *old;
	struct store *s = NULL;
	struct key *k = NULL;
	json_t *payload = NULL, *o = NULL;
	char id[RECORD_ID_MAX] = "", commit[41] = "";
	const char *lid;

	license_defs_init(&defs);
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	/* The file is checked before anything is unlocked or opened. */
	if (buf_read_file(&data, args.v[0], LICENSE_FILE_MAX) ||
	    license_payload_build(&payload, data.ptr, data.len, args.v[0], "",
				  (int64_t)time(NULL)) ||
	    cli_open_store(&s) || cli_load_identity(&k, as) ||
	    store_lock(s, cli_lock_wait_ms())) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	json_object_set_new(payload, "by", json_string(k->did));
	lid = json_string_value(json_object_get(payload, "id"));
	if ((rc = store_walk(s, "records/license", license_defs_walk, &defs))) {
		rc = cli_fail(rc);
		goto done;
	}
	for (size_t i = 0; i < defs.skipped.n; i++)
		fprintf(stderr, "prov: warning: skipped a license record: %s\n",
			cli_esc(defs.skipped.v[i]));
	if ((old = license_defs_find(&defs, lid))) {
		json_t *a = json_deep_copy(old->payload);
		json_t *b = json_deep_copy(payload);
		int same;
		json_object_del(a, "created");
		json_object_del(b, "created");
		same = json_equal(a, b);
		json_decref(a);
		json_decref(b);
		if (!same) {
			rc = cli_fail(prov_error_set(
				PROV_EEXISTS,
				"'%s' is already defined by %s (a new version "
				"needs a new id)",
				old->info.id, old->source));
			goto done;
		}
		status = "unchanged";
		memcpy(id, old->record_id, sizeof(id));
	} else {
		buf_printf(&msg, "license %s\n\nby %s\n", lid, k->did);
		if (record_create(&envelope, id, payload, k) ||
		    record_store_path(&path, "license", id, payload) ||
		    store_begin(s) ||
		    store_put(s, path.ptr, envelope.ptr, envelope.len) < 0 ||
		    store_commit(s, k, msg.ptr, commit)) {
			rc = cli_fail(prov_error_code());
			goto done;
		}
	}
	if (json) {
		o = json_pack("{s:s, s:s, s:s}", "id", lid, "record", id,
			      "status", status);
		if (*commit)
			json_object_set_new(o, "commit", json_string(commit));
		cli_print_json(o);
	} else {
		printf("%s %s %s\n", status, lid, id);
	}
done:
	json_decref(o);
	json_decref(payload);
	license_defs_release(&defs);
	key_free(k);
	store_free(s);
	buf_release(&data);
	buf_release(&envelope);
	buf_release(&path);
	buf_release(&msg);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_license(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "list", license_list },
		{ "show", license_show },
		{ "check", license_check },
		{ "add", license_add },
	};

	return CLI_SUBCOMMAND(argc, argv, "license", subs,
			      "usage: prov license list [--json]\n"
			      "       prov license show ID [--json]\n"
			      "       prov license check SPDX-EXPR --purpose "
			      "commercial|noncommercial|research\n"
			      "                          [--use USE]... "
			      "[--distribute-weights] [--json]\n"
			      "       prov license add FILE.json [--as NAME] "
			      "[--json]\n\n"
			      "The license table (SPDX ids and the attributes that "
			      "decide "
			      "AI use),\nevaluation of SPDX expressions for a purpose, "
			      "and "
			      "custom licenses.");
}

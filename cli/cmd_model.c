/* prov model: name the weight files a training run produced, with the model
 * they were tuned from, and show a model with its lineage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "license/license.h"
#include "manifest/manifest.h"

/* The run record with this id (or unique prefix) as its verified in-toto
 * Statement (record_parse knows the in-toto payloadType, record_verify
 * that the provider signed), and its full id. */
static int load_run(json_t **out, char id[RECORD_ID_MAX], struct store *s,
		    const char *arg)
{
	struct record *r = NULL;
	char *path = NULL;
	int rc;

	*out = NULL;
	if ((rc = cli_find_record(&r, &path, s, arg))) {
		if (rc == PROV_ENOTFOUND)
			prov_error_set(rc, "no run record '%s'", arg);
		goto done;
	}
	if (strcmp(r->kind, "run")) {
		rc = prov_error_set(PROV_EINVALID, "'%s' is a %s record, not a run",
				    arg, r->kind);
		goto done;
	}
	if ((rc = record_verify(r))) {
		prov_error_wrap("run %s", r->id);
		goto done;
	}
	snprintf(id, RECORD_ID_MAX, "%s", r->id);
	*out = json_incref(r->payload);
done:
	record_free(r);
	free(path);
	return rc;
}

/* Every weight file must be a checkpoint the run signed for. */
static int check_weights(const json_t *statement, const struct fileset *fs,
			 const char *run)
{
	const json_t *subj;
	size_t j;
	char hex[65];

	for (size_t i = 0; i < fs->n; i++) {
		int found = 0;
		hex_encode(hex, fs->v[i].sha256, 32);
		json_array_foreach(json_object_get(statement, "subject"), j,
				   subj) {
			const char *d = json_string_value(json_object_get(
				json_object_get(subj, "digest"), "sha256"));
			found |= d && !strcmp(d, hex);
		}
		if (!found)
			return prov_error_set(
				PROV_EINVALID,
				"'%s' is not a checkpoint of run %s",
				fs->v[i].path, run);
	}
	return 0;
}

/* ---- finding models ---------------------------------------------------- */

/* model_lineage's lookup: a verified model record, by its full id. */
static int model_get(json_t **payload, const char *id, void *arg)
{
	struct record *r = NULL;
	struct buf path = BUF_INIT, data = BUF_INIT;
	int rc;

	buf_printf(&path, "records/model/%.2s/%s.json", id + 7, id + 7);
	if ((rc = store_read(&data, arg, path.ptr))) {
		if (rc == PROV_ENOTFOUND)
			prov_error_set(rc, "no model record %s in the registry",
				       id);
	} else if (!(rc = record_parse(&r, data.ptr, data.len)) &&
		   !(rc = record_path_check(r, path.ptr)) &&
		   !(rc = record_verify(r))) {
		*payload = json_incref(r->payload);
	}
	record_free(r);
	buf_release(&path);
	buf_release(&data);
	return rc;
}

/* ---- prov model register ------------------------------------------------ */

struct reg {
	const char *name, *run_arg, *parent_arg, *license, *as;
	struct strlist weights;
	int json;
};

static void print_registered(const char *id, const json_t *p,
			     const char *commit, int json)
{
	const char *name = json_string_value(json_object_get(p, "name"));
	size_t n = json_array_size(json_object_get(p, "weights"));

	if (json) {
		json_t *o = json_pack(
			"{s:s, s:s, s:O, s:O, s:s}", "id", id, "name", name,
			"weights", json_object_get(p, "weights"), "run",
			json_object_get(p, "run"), "commit", commit);
		json_object_set(o, "parent",
				json_object_get(p, "parent") ?: json_null());
		json_object_set(o, "license",
				json_object_get(p, "license") ?: json_null());
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s  model %s  %zu weight file%s\n", id, name, n,
		       n == 1 ? "" : "s");
	}
}

static int model_register(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov model register NAME --weights FILE... --run RUN-ID "
		"[--parent MODEL] [--license EXPR] [--as NAME] [--json]",
		"Signs a model record naming weight files (hashed), the run "
		"record "
		"that produced them (each file must be one of its "
		"checkpoints), the "
		"model it was tuned from (--parent: a model name, meaning its "
		"latest "
		"record, or a model record id; its whole lineage must be in "
		"the "
		"registry), and its license (an SPDX expression).",
		1,
		1,
		1,
	};
	struct reg g = {0};
	const struct opt opts[] = {
		OPT_LIST_("weights", 0, &g.weights, "FILE", "a weight file"),
		OPT_STR("run", 0, &g.run_arg, "RUN-ID",
			"the run record that made them"),
		OPT_STR("parent", 0, &g.parent_arg, "MODEL", "the base model"),
		OPT_STR("license", 0, &g.license, "EXPR",
			"the model's license (SPDX)"),
		OPT_AS(&g.as),
		OPT_JSON(&g.json),
		OPT_END_,
	};
	struct strlist args = {0};
	struct store *s = NULL;
	struct key *k = NULL;
	struct fileset fs = {0};
	struct file_digest *w = NULL;
	struct lineage lin = {0};
	struct buf env = BUF_INIT, path = BUF_INIT, msg = BUF_INIT;
	char run[RECORD_ID_MAX], parent[RECORD_ID_MAX], id[RECORD_ID_MAX];
	char *norm = NULL, commit[41];
	json_t *statement = NULL, *payload = NULL;
	struct model_claim c = {0};
	int rc;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	g.name = args.v[0];
	if (!g.weights.n || !g.run_arg) {
		rc = cli_usage_error("model register: --weights and --run are "
				     "required");
		goto done;
	}
	if (model_name_check(g.name) ||
	    (g.license && license_expr_check(g.license, &norm)) ||
	    cli_open_store(&s) || cli_load_identity(&k, g.as) ||
	    store_lock(s, cli_lock_wait_ms()) ||
	    cli_hash_files(&w, &fs, &g.weights, s) ||
	    file_digests_unique(w, fs.n, "weight") ||
	    load_run(&statement, run, s, g.run_arg) ||
	    check_weights(statement, &fs, run))
		goto fail;
	if (g.parent_arg &&
	    (cli_model_resolve(parent, s, g.parent_arg, 0) ||
	     model_lineage(&lin, parent, model_get, s, MODEL_LINEAGE_MAX))) {
		prov_error_wrap("--parent '%s'", g.parent_arg);
		goto fail;
	}
	c = (struct model_claim){
		g.name, w, fs.n, run, g.parent_arg ? parent : NULL, norm};
	if (model_payload(&payload, &c, k->did, (int64_t)time(NULL)) ||
	    record_create(&env, id, payload, k))
		goto fail;
	/* Unreachable short of a SHA-256 collision, and cheap to rule out. */
	if (lineage_has(&lin, id)) {
		prov_error_set(PROV_EINVALID,
			       "model %s would be its own ancestor", id);
		goto fail;
	}
	buf_printf(&msg, "model %s\n\nrun %s\nby %s\n", g.name, run, k->did);
	if (record_store_path(&path, "model", id, payload) || store_begin(s) ||
	    store_put(s, path.ptr, env.ptr, env.len) < 0 ||
	    store_commit(s, k, msg.ptr, commit))
		goto fail;
	print_registered(id, payload, commit, g.json);
	goto done;
fail:
	rc = cli_fail(prov_error_code());
done:
	json_decref(statement);
	json_decref(payload);
	lineage_release(&lin);
	free(norm);
	free(w);
	fileset_release(&fs);
	key_free(k);
	store_free(s);
	buf_release(&env);
	buf_release(&path);
	buf_release(&msg);
	strlist_release(&args);
	strlist_release(&g.weights);
	return CLI_EXIT(rc);
}

/* ---- prov model show ---------------------------------------------------- */

struct shown {
	struct record *r;
	char *path;
	struct lineage lin;
	int lineage_rc;
	char *lineage_err;
	const char *run_status; /* verified, missing, invalid */
	char *run_err;
	json_t *challenges;
};

static void shown_release(struct shown *m)
{
	record_free(m->r);
	free(m->path);
	lineage_release(&m->lin);
	free(m->lineage_err);
	free(m->run_err);
	json_decref(m->challenges);
}

/* What show checks beyond the record's signature: that its run is here and
 * verifies, and that its lineage is whole. */
static void look_around(struct shown *m, struct store *s)
{
	const char *run =
		json_string_value(json_object_get(m->r->payload, "run"));
	char rid[RECORD_ID_MAX];
	json_t *st = NULL;
	int rc;

	rc = run ? load_run(&st, rid, s, run)
		 : prov_error_set(PROV_EINVALID, "no run");
	m->run_status = !rc		       ? "verified"
			: rc == PROV_ENOTFOUND ? "missing"
					       : "invalid";
	if (rc)
		m->run_err = xstrdup(prov_error_last());
	json_decref(st);
	m->lineage_rc = model_lineage(&m->lin, m->r->id, model_get, s,
				      MODEL_LINEAGE_MAX);
	if (m->lineage_rc)
		m->lineage_err = xstrdup(prov_error_last());
	m->challenges = cli_challenges_json(s, m->r->id);
	prov_error_clear();
}

static json_t *shown_json(const struct shown *m)
{
	json_t *o = cli_record_json(m->r, m->path), *lin = json_array();

	/* v[0] is the model itself */
	for (size_t i = 1; i < m->lin.n; i++)
		json_array_append_new(lin, json_pack("{s:s, s:s}", "id",
						     m->lin.v[i].id, "name",
						     m->lin.v[i].name));
	json_object_set_new(o, "lineage", lin);
	json_object_set_new(o, "lineage_complete",
			    json_boolean(!m->lineage_rc));
	if (m->lineage_err)
		json_object_set_new(o, "lineage_error",
				    json_string(m->lineage_err));
	json_object_set_new(o, "run_status", json_string(m->run_status));
	json_object_set(o, "challenges", m->challenges);
	return o;
}

static void print_shown(const struct shown *m)
{
	const json_t *p = m->r->payload, *w;
	json_t *j = cli_record_json(m->r, m->path), *sig;
	size_t i;

	printf("model %s\n", m->r->id);
	printf("  %-10s %s\n", "name",
	       cli_esc(json_string_value(json_object_get(p, "name"))));
	printf("  %-10s %s\n", "owner",
	       cli_esc(json_string_value(json_object_get(p, "owner"))));
	json_array_foreach(json_object_get(p, "weights"), i, w)
		printf("  %-10s %s  %" JSON_INTEGER_FORMAT " bytes  %s\n",
		       "weights",
		       cli_esc(json_string_value(json_object_get(w, "sha256"))),
		       json_integer_value(json_object_get(w, "size")),
		       cli_esc(json_string_value(json_object_get(w, "name"))));
	printf("  %-10s %s (%s)\n", "run",
	       cli_esc(json_string_value(json_object_get(p, "run"))),
	       !strcmp(m->run_status, "verified")  ? "verified"
	       : !strcmp(m->run_status, "missing") ? "not in this registry"
						   : "DOES NOT VERIFY");
	printf("  %-10s %s\n", "license",
	       cli_esc(json_string_value(json_object_get(p, "license"))
			       ?: "(not stated)"));
	printf("  %-10s %s\n", "created",
	       cli_esc(json_string_value(json_object_get(p, "created"))));
	if (m->lin.n < 2 && !m->lineage_rc)
		printf("  %-10s %s\n", "lineage", "(no parent)");
	for (i = 1; i < m->lin.n; i++)
		printf("  %-10s %zu  %s  %s\n", i == 1 ? "lineage" : "", i,
		       m->lin.v[i].id, cli_esc(m->lin.v[i].name));
	if (m->lineage_rc)
		printf("  %-10s BROKEN: %s\n", m->lin.n < 2 ? "lineage" : "",
		       cli_esc(m->lineage_err));
	json_array_foreach(json_object_get(j, "signatures"), i, sig)
		printf("  %-10s %s (%s)\n", "signed by",
		       cli_esc(json_string_value(
			       json_object_get(sig, "keyid"))),
		       json_is_true(json_object_get(sig, "valid"))
			       ? "signature valid"
			       : "SIGNATURE INVALID");
	printf("  %-10s %s\n", "stored at", cli_esc(m->path));
	cli_print_challenges(m->challenges);
	json_decref(j);
}

static int model_show(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov model show NAME|SHA256|ID [--json]",
		"Shows a model: by name (its latest record), by record id, or "
		"by "
		"the sha256 of one of its weight files. Lists its weights, its "
		"run "
		"(checked), its lineage of parent models (to a depth of 1000), "
		"its "
		"license, signatures and challenges. Exit 1 if its signature, "
		"its "
		"run or its lineage does not check.",
		1,
		1,
		1,
	};
	int json = 0, bad, rc;
	const struct opt opts[] = {OPT_JSON(&json), OPT_END_};
	struct strlist args = {0};
	struct store *s = NULL;
	struct shown m = {0};
	char id[RECORD_ID_MAX];

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (cli_open_store(&s) || cli_model_resolve(id, s, args.v[0], 1) ||
	    cli_find_record(&m.r, &m.path, s, id)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	bad = record_verify(m.r) != 0;
	if (bad)
		fprintf(stderr, "prov: %s\n", cli_esc(prov_error_last()));
	look_around(&m, s);
	if (json) {
		json_t *o = shown_json(&m);
		cli_print_json(o);
		json_decref(o);
	} else {
		print_shown(&m);
	}
	if (m.run_err && strcmp(m.run_status, "missing"))
		fprintf(stderr, "prov: %s\n", cli_esc(m.run_err));
	if (m.lineage_err)
		fprintf(stderr, "prov: lineage: %s\n", cli_esc(m.lineage_err));
	bad |= m.lineage_rc || !strcmp(m.run_status, "invalid");
	rc = bad ? EXIT_CHECK : EXIT_OK;
done:
	shown_release(&m);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_model(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "register", model_register },
		{ "show", model_show },
	};

	return CLI_SUBCOMMAND(argc, argv, "model", subs,
			      "usage: prov model register NAME --weights FILE... --run "
			      "RUN-ID "
			      "[--parent MODEL] [--license EXPR] [--as NAME] [--json]\n"
			      "       prov model show NAME|SHA256|ID [--json]\n\n"
			      "Signed model records: weight files, the run that made "
			      "them, "
			      "the model they were tuned from (docs/records.md).");
}

/* prov c2pa sign|verify|show: C2PA content credentials in JPEG files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "c2pa/c2pa.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "license/license.h"

/* Input files are read whole: a JPEG larger than this is refused. */
#define JPEG_MAX ((size_t)1 << 30)

/* The IPTC digital source types (the last part of their URLs). */
static const char *const sources[] = {
	"digitalCapture",
	"negativeFilm",
	"positiveFilm",
	"print",
	"minorHumanEdits",
	"humanEdits",
	"compositeCapture",
	"algorithmicallyEnhanced",
	"dataDrivenMedia",
	"digitalArt",
	"virtualRecording",
	"compositeSynthetic",
	"trainedAlgorithmicMedia",
	"compositeWithTrainedAlgorithmicMedia",
	"algorithmicMedia",
	"screenCapture",
	"composite",
	NULL,
};

/* The last error, prefixed with the file it is about. */
static int file_error(const char *path)
{
	int code = prov_error_code();
	char *msg = xstrdup(prov_error_last());

	prov_error_set(code, "'%s': %s", path, msg);
	free(msg);
	return code;
}

static int source_known(const char *s)
{
	for (size_t i = 0; sources[i]; i++)
		if (!strcmp(s, sources[i]))
			return 1;
	return 0;
}

/* A work record of this creator for the content, if the registry has one:
 * its id into id (empty when none). */
struct found {
	const char *creator;
	char *id;
};

static int find_mine(const char *path, const void *data, size_t n,
		     void *payload)
{
	struct found *f = payload;
	struct record *r = NULL;
	const char *creator;

	if (f->id || record_parse(&r, data, n) || record_verify(r)) {
		record_free(r);
		return 0;
	}
	creator = json_string_value(json_object_get(r->payload, "creator"));
	if (creator && !strcmp(creator, f->creator))
		f->id = xstrdup(r->id);
	record_free(r);
	return 0;
}

static char *existing_work(struct store *s, const uint8_t sha[32],
			   const char *creator)
{
	struct found f = { creator, NULL };
	char hex[65], prefix[80];

	hex_encode(hex, sha, 32);
	snprintf(prefix, sizeof(prefix), "works/%.2s/%.2s/%s", hex, hex + 2,
		 hex);
	store_walk(s, prefix, find_mine, &f);
	prov_error_clear();
	return f.id;
}

/* SHA-256 of a JPEG without its manifest store: what the hard binding of
 * a credential added to it will cover. */
static int content_hash(uint8_t out[32], const struct buf *in)
{
	struct buf bare = BUF_INIT;
	int rc = jpeg_c2pa_write(&bare, NULL, (const uint8_t *)in->ptr, in->len,
				 NULL, 0);

	if (!rc)
		rc = sha256_buf(out, bare.ptr, bare.len);
	buf_release(&bare);
	return rc;
}

/* The org.prov.work assertion: who claims the work, under what terms,
 * and the record of it when the registry has one. */
static cbor_item_t *link_assertion(const struct key *k, const uint8_t sha[32],
				   const char *record, const char *license,
				   const char *payout)
{
	cbor_item_t *m = cbor_new_indefinite_map();
	cbor_item_t *content = cbor_new_definite_map(1);
	char hex[65];

	hex_encode(hex, sha, 32);
	cb_put_text(m, "registry", "prov");
	cb_put_text(m, "creator", k->did);
	cb_put_text(content, "sha256", hex);
	cb_put(m, "content", content);
	if (record)
		cb_put_text(m, "record", record);
	if (license)
		cb_put_text(m, "license", license);
	if (payout)
		cb_put_text(m, "payout", payout);
	return m;
}

/* The manifest label of the file's active manifest, for the record. */
static char *active_label(const struct buf *out)
{
	struct c2pa_verify_opts o = { NULL, 0, (int64_t)time(NULL) };
	struct c2pa_result r;
	char *label = NULL;

	if (!c2pa_verify(&r, (const uint8_t *)out->ptr, out->len, &o) &&
	    r.has_store)
		label = xstrdup(r.store.m[r.active_index].label);
	c2pa_result_release(&r);
	return label;
}

/* --register: a work record for the signed file, naming its credential. */
static int register_work(struct store *s, const struct key *k,
			 const struct buf *out, const char *path,
			 const uint8_t binding[32], struct work_claim *claim,
			 char id[RECORD_ID_MAX])
{
	struct buf env = BUF_INIT, rpath = BUF_INIT, fp = BUF_INIT;
	struct fingerprint f;
	const char *slash = strrchr(path, '/');
	char *name = utf8_sanitize(slash ? slash + 1 : path);
	char *label = active_label(out), hex[65], commit[41];
	json_t *payload;
	int rc;

	sha256_buf(claim->sha256, out->ptr, out->len);
	claim->size = out->len;
	claim->name = name;
	claim->media_type = "image/jpeg";
	if (!fingerprint_jpeg(&f, (const uint8_t *)out->ptr, out->len) &&
	    !fingerprint_format(&fp, &f))
		claim->fingerprint = fp.ptr;
	payload = work_payload(claim, k->did, (int64_t)time(NULL));
	hex_encode(hex, binding, 32);
	json_object_set_new(payload, "c2pa",
			    json_pack("{s:s, s:s}", "manifest",
				      label ? label : "", "binding_sha256", hex));
	if ((rc = store_lock(s, cli_lock_wait_ms())) || (rc = store_begin(s)) ||
	    (rc = record_create(&env, id, payload, k)) ||
	    (rc = record_store_path(&rpath, "work", id, payload)))
		goto done;
	if ((rc = store_put(s, rpath.ptr, env.ptr, env.len)) < 0)
		goto done;
	if (rc == 0) {
		struct buf msg = BUF_INIT;

		buf_printf(&msg, "register 1 work (C2PA)\n\nby %s\n", k->did);
		rc = store_commit(s, k, msg.ptr, commit);
		buf_release(&msg);
	} else {
		rc = 0;
	}
done:
	json_decref(payload);
	buf_release(&env);
	buf_release(&rpath);
	buf_release(&fp);
	free(name);
	free(label);
	return rc;
}

static int c2pa_sign_cmd(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov c2pa sign IN.jpg -o OUT.jpg [--as NAME] [--title T] "
		"[--source TYPE] [--allow USE]... [--deny USE]... [--register "
		"--license EXPR [--payout ACCOUNT]] [--json]",
		"Adds a C2PA content credential to a JPEG: a claim v2 with "
		"c2pa.actions.v2 (c2pa.created and the digital source type, or "
		"c2pa.opened when the file already has a manifest, which is kept "
		"as the parent ingredient), cawg.training-mining from --allow and "
		"--deny, a claim thumbnail, the org.prov.work link to the "
		"registry and the c2pa.hash.data hard binding, signed (Ed25519, "
		"COSE_Sign1) with the identity's certificate from 'prov id "
		"cert'. Every byte of IN outside the inserted APP11 segments is "
		"kept. --register also records OUT as a work in the registry. "
		"TYPE is an IPTC digital source type (default digitalCapture).",
		1, 1, 0,
	};
	int json = 0, reg = 0, rc;
	const char *out_path = NULL, *as = NULL, *title = NULL;
	const char *source = "digitalCapture", *license = NULL, *payout = NULL;
	struct strlist args = { 0 }, allow = { 0 }, deny = { 0 };
	const struct opt opts[] = {
		OPT_STR("output", 'o', &out_path, "OUT.jpg", "where to write"),
		OPT_STR("title", 0, &title, "T", "the claim's dc:title"),
		OPT_STR("source", 0, &source, "TYPE", "the digital source type"),
		OPT_LIST_("allow", 0, &allow, "USE", "permit a use"),
		OPT_LIST_("deny", 0, &deny, "USE", "forbid a use"),
		OPT_FLAG_("register", 0, &reg, "record OUT as a work"),
		OPT_STR("license", 0, &license, "EXPR", "with --register"),
		OPT_STR("payout", 0, &payout, "ACCOUNT", "with --register"),
		OPT_AS(&as),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct key *k = NULL;
	struct buf *chain = NULL;
	size_t nchain = 0;
	struct buf in = BUF_INIT, out = BUF_INIT;
	struct store *s = NULL;
	struct work_claim claim = { 0 };
	struct c2pa_sign_opts o = { 0 };
	struct account acct;
	uint8_t sha[32], binding[32];
	char *norm = NULL, *record = NULL, id[RECORD_ID_MAX] = "";
	const char *slash;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!out_path) {
		rc = cli_usage_error("c2pa sign: -o OUT.jpg is required");
		goto done;
	}
	if (!source_known(source)) {
		rc = cli_usage_error("c2pa sign: '%s' is not an IPTC digital "
				     "source type (e.g. digitalCapture, "
				     "trainedAlgorithmicMedia)",
				     cli_esc(source));
		goto done;
	}
	if (!reg && (license || payout)) {
		rc = cli_usage_error("c2pa sign: --license and --payout go "
				     "with --register");
		goto done;
	}
	if (reg && !license) {
		rc = cli_usage_error("c2pa sign: --register needs --license");
		goto done;
	}
	if ((title && (rc = cli_text_arg("c2pa sign", "title", title, 1024))))
		goto done;
	if ((license && license_expr_check(license, &norm)) ||
	    (payout && account_parse(&acct, payout)) ||
	    cli_parse_uses(claim.training, &allow, &deny)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (buf_read_file(&in, args.v[0], JPEG_MAX)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (content_hash(sha, &in)) {
		rc = cli_fail(file_error(args.v[0]));
		goto done;
	}
	if (cli_load_identity(&k, as) || cli_cert_chain(&chain, &nchain, k)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	/* A registry is needed only to register or to name an earlier record. */
	if (cli_open_store(&s)) {
		if (reg) {
			rc = cli_fail(prov_error_code());
			goto done;
		}
		prov_error_clear();
	} else {
		record = existing_work(s, sha, k->did);
	}
	slash = strrchr(out_path, '/');
	o.key = k;
	o.chain = chain;
	o.nchain = nchain;
	o.title = title ? title : slash ? slash + 1 : out_path;
	o.source = source;
	memcpy(o.training, claim.training, sizeof(o.training));
	o.link = link_assertion(k, sha, record, norm, payout ? acct.text : NULL);
	o.now = (int64_t)time(NULL);
	if (c2pa_sign(&out, binding, (const uint8_t *)in.ptr, in.len, &o)) {
		rc = cli_fail(file_error(args.v[0]));
		goto done;
	}
	if (write_file_atomic(out_path, out.ptr, out.len, 0644, 0)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (reg) {
		claim.license = norm;
		claim.payout = payout ? acct.text : NULL;
		if (register_work(s, k, &out, out_path, binding, &claim, id)) {
			rc = cli_fail(prov_error_code());
			unlink(out_path); /* all or nothing */
			fprintf(stderr, "prov: '%s' was not written\n",
				cli_esc(out_path));
			goto done;
		}
	}
	if (json) {
		char hex[65];
		json_t *j;

		hex_encode(hex, binding, 32);
		j = json_pack("{s:s, s:s, s:s, s:I}", "file", out_path,
			      "signer", k->did, "binding_sha256", hex, "size",
			      (json_int_t)out.len);
		if (record || *id)
			json_object_set_new(j, "record",
					    json_string(*id ? id : record));
		cli_print_json(j);
		json_decref(j);
	} else {
		printf("signed %s (%zu bytes) as %s\n", cli_esc(out_path),
		       out.len, k->did);
		if (*id)
			printf("registered %s\n", id);
		else if (record)
			printf("linked to %s\n", record);
	}
	rc = 0;
done:
	if (o.link)
		cbor_decref(&o.link);
	for (size_t i = 0; i < nchain; i++)
		buf_release(&chain[i]);
	free(chain);
	free(norm);
	free(record);
	key_free(k);
	store_free(s);
	buf_release(&in);
	buf_release(&out);
	strlist_release(&args);
	strlist_release(&allow);
	strlist_release(&deny);
	return CLI_EXIT(rc);
}

/* What the active manifest says of training and data mining. */
static json_t *training_json(const struct c2pa_result *r)
{
	json_t *o = json_object();

	for (int u = 0; u < TRAINING_USES; u++)
		if (r->training[u])
			json_object_set_new(o, training_uses[u],
					    json_string(r->training[u]));
	return o;
}

/* --trust files, concatenated PEM. A file without a certificate is an
 * error: silently trusting nothing would report every signer untrusted
 * with no hint that --trust named the wrong file. */
static int read_anchors(struct buf *out, const struct strlist *files)
{
	for (size_t i = 0; i < files->n; i++) {
		struct buf one = BUF_INIT;
		int rc = buf_read_file(&one, files->v[i], 1 << 20);

		if (!rc && !strstr(one.ptr, "-----BEGIN CERTIFICATE-----"))
			rc = prov_error_set(PROV_EINVALID,
					    "'%s': --trust: no PEM certificate "
					    "in the file",
					    files->v[i]);
		if (!rc)
			rc = buf_put(out, one.ptr, one.len);
		buf_release(&one);
		if (rc)
			return rc;
	}
	return 0;
}

static int c2pa_verify_cmd(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov c2pa verify FILE.jpg... [--trust ROOT.pem]... "
		"[--require-trust] [--json]",
		"Verifies each file's C2PA manifest store: every hashed URI, the "
		"hard binding, the claim signature (Ed25519, ES256/384/512, "
		"PS256/384/512), the signer certificate's profile and its chain "
		"to the --trust roots, and the manifests named as ingredients. "
		"Prints each file's state (trusted, valid, invalid, or none "
		"without a manifest) and the specification's status codes. Exit "
		"0 when every file is valid or trusted (trusted with "
		"--require-trust), 1 otherwise.",
		1, -1, 0,
	};
	int json = 0, require = 0, rc, bad = 0;
	struct strlist args = { 0 }, trust = { 0 };
	const struct opt opts[] = {
		OPT_LIST_("trust", 0, &trust, "ROOT.pem", "a trusted root"),
		OPT_FLAG_("require-trust", 0, &require,
			  "an untrusted signer fails"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct buf anchors = BUF_INIT;
	json_t *all = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (read_anchors(&anchors, &trust)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	all = json_array();
	for (size_t i = 0; i < args.n; i++) {
		struct c2pa_verify_opts o = { anchors.ptr, anchors.len,
					      (int64_t)time(NULL) };
		struct c2pa_result r;
		struct buf in = BUF_INIT;
		int ok;

		/* buf_read_file's message names the file already */
		if (buf_read_file(&in, args.v[i], JPEG_MAX) ||
		    (c2pa_verify(&r, (const uint8_t *)in.ptr, in.len, &o) &&
		     file_error(args.v[i]))) {
			fprintf(stderr, "prov: %s\n",
				cli_esc(prov_error_last()));
			buf_release(&in);
			rc = EXIT_USAGE;
			continue;
		}
		buf_release(&in);
		ok = r.state == C2PA_TRUSTED ||
		     (r.state == C2PA_VALID && !require);
		bad |= !ok;
		if (json) {
			json_t *status = c2pa_report_json(&r.active);
			json_t *ing = c2pa_report_json(&r.ingredients);

			json_t *one = json_pack("{s:s, s:s, s:o, s:o}", "file",
						args.v[i], "state",
						c2pa_state_name(r.state),
						"status", status, "ingredients",
						ing);

			if (r.signer)
				json_object_set_new(one, "signer",
						    json_string(r.signer));
			json_object_set_new(one, "training", training_json(&r));
			json_array_append_new(all, one);
		} else {
			printf("%s  %s%s%s\n", c2pa_state_name(r.state),
			       cli_esc(args.v[i]), r.signer ? "  signed by " : "",
			       r.signer ? cli_esc(r.signer) : "");
			for (int u = 0; u < TRAINING_USES; u++)
				if (r.training[u])
					printf("  %s: %s\n", training_uses[u],
					       r.training[u]);
			for (size_t k = 0; k < r.active.n; k++)
				if (r.active.v[k].failure)
					printf("  %s: %s\n", r.active.v[k].code,
					       cli_esc(r.active.v[k].explanation));
			for (size_t k = 0; k < r.ingredients.n; k++)
				if (r.ingredients.v[k].failure)
					printf("  ingredient %s: %s\n",
					       r.ingredients.v[k].code,
					       cli_esc(r.ingredients.v[k]
							       .explanation));
		}
		c2pa_result_release(&r);
	}
	if (json)
		cli_print_json(all);
	if (!rc)
		rc = bad ? EXIT_CHECK : 0;
done:
	json_decref(all);
	buf_release(&anchors);
	strlist_release(&args);
	strlist_release(&trust);
	return CLI_EXIT(rc);
}

/* An assertion's label, and for the ones people read most what they say:
 * training permissions and the registry link. */
static void print_assertion(const json_t *a)
{
	const char *label = json_string_value(json_object_get(a, "label"));
	const json_t *data = json_object_get(a, "data"), *v;
	const char *key;

	printf("  assertion: %s\n", cli_esc(label ? label : "?"));
	if (label && strstr(label, "training-mining")) {
		json_object_foreach(json_object_get(data, "entries"), key, v)
			if (json_is_string(json_object_get(v, "use")))
				printf("    %s: %s\n", cli_esc(key),
				       cli_esc(json_string_value(
					       json_object_get(v, "use"))));
	} else if (label && !strcmp(label, C2PA_PROV_WORK)) {
		static const char *const fields[] = { "creator", "record",
						      "license", "payout" };

		for (size_t k = 0; k < 4; k++)
			if (json_is_string(json_object_get(data, fields[k])))
				printf("    %s: %s\n", fields[k],
				       cli_esc(json_string_value(json_object_get(
					       data, fields[k]))));
	}
}

static int c2pa_show_cmd(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov c2pa show FILE.jpg [--trust ROOT.pem]... [--json]",
		"Prints a JPEG's C2PA manifest store: each manifest's claim, "
		"assertions, ingredients and signer, and the validation results; "
		"--json lays it out close to the reference reader's JSON. Exit 1 "
		"when the file has no manifest.",
		1, 1, 0,
	};
	int json = 0, rc;
	struct strlist args = { 0 }, trust = { 0 };
	const struct opt opts[] = {
		OPT_LIST_("trust", 0, &trust, "ROOT.pem", "a trusted root"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct buf anchors = BUF_INIT, in = BUF_INIT;
	struct c2pa_result r = { 0 };
	json_t *j = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (read_anchors(&anchors, &trust) ||
	    buf_read_file(&in, args.v[0], JPEG_MAX)) {
		rc = cli_fail(prov_error_code());
		goto done;
	} else {
		struct c2pa_verify_opts o = { anchors.ptr, anchors.len,
					      (int64_t)time(NULL) };

		if (c2pa_verify(&r, (const uint8_t *)in.ptr, in.len, &o)) {
			rc = cli_fail(file_error(args.v[0]));
			goto done;
		}
	}
	j = c2pa_result_json(&r);
	if (json) {
		cli_print_json(j);
	} else if (!r.has_store) {
		printf("%s: no C2PA manifest\n", cli_esc(args.v[0]));
	} else {
		const char *label;
		json_t *m;

		printf("%s: %s, active manifest %s\n", cli_esc(args.v[0]),
		       c2pa_state_name(r.state),
		       cli_esc(r.store.m[r.active_index].label));
		json_object_foreach(json_object_get(j, "manifests"), label, m)
		{
			json_t *a, *sig = json_object_get(m, "signature_info");
			size_t i;

			printf("\nmanifest %s (claim v%lld)\n", cli_esc(label),
			       (long long)json_integer_value(
				       json_object_get(m, "claim_version")));
			if (json_object_get(m, "title"))
				printf("  title: %s\n",
				       cli_esc(json_string_value(
					       json_object_get(m, "title"))));
			if (json_object_get(sig, "common_name"))
				printf("  signed by: %s (%s)\n",
				       cli_esc(json_string_value(json_object_get(
					       sig, "common_name"))),
				       cli_esc(json_string_value(
					       json_object_get(sig, "alg"))));
			json_array_foreach(json_object_get(m, "assertions"), i,
					   a)
				print_assertion(a);
		}
		printf("\n");
		for (size_t k = 0; k < r.active.n; k++)
			printf("%s %s: %s\n",
			       r.active.v[k].failure ? "failure" : "ok     ",
			       r.active.v[k].code,
			       cli_esc(r.active.v[k].explanation));
	}
	rc = r.has_store ? 0 : EXIT_CHECK;
done:
	json_decref(j);
	c2pa_result_release(&r);
	buf_release(&anchors);
	buf_release(&in);
	strlist_release(&args);
	strlist_release(&trust);
	return CLI_EXIT(rc);
}

int cmd_c2pa(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "sign", c2pa_sign_cmd },
		{ "verify", c2pa_verify_cmd },
		{ "show", c2pa_show_cmd },
	};

	return CLI_SUBCOMMAND(
		argc, argv, "c2pa", subs,
		"usage: prov c2pa sign IN.jpg -o OUT.jpg [--as NAME] [options]\n"
		"       prov c2pa verify FILE.jpg... [--trust ROOT.pem]... [--json]\n"
		"       prov c2pa show FILE.jpg [--json]\n\n"
		"C2PA content credentials in JPEG files (docs/c2pa.md).");
}

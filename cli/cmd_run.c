/* prov run record|show: a compute provider's signed account of a training
 * run, as an in-toto Statement (docs/records.md, "The `run` record"):
 * dataset manifests in, checkpoints out, config, code, logs and times. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"

#define CONFIG_TEXT_MAX 4096 /* inline config text, docs/records.md */
#define URI_MAX 2048
#define PROGRESS_MIN (64u << 20) /* smaller runs hash in a blink */

/* ---- the files a run names ------------------------------------------------ */

enum role { CHECKPOINT, CONFIG, LOG };

struct run_file {
	const char *path;
	const char *name; /* base name, as the record names it */
	enum role role;
	struct stat st;
	uint8_t sha256[32];
	int safetensors; /* a .safetensors checkpoint: header checked */
	struct safetensors_info header;
	int rc;
	char *err; /* hashing runs on other threads, with their own error slot */
};

struct run_files {
	struct run_file *v;
	size_t n;
	uint64_t total, done; /* bytes, done counted while hashing */
	int finished;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Two checkpoints (or two logs) under one name could not be told apart. */
static int name_taken(const struct run_files *fs, const struct run_file *f)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].role == f->role && !strcmp(fs->v[i].name, f->name))
			return 1;
	return 0;
}

static int file_add(struct run_files *fs, const char *path, enum role role)
{
	struct run_file f = { .path = path, .role = role };
	const char *slash = strrchr(path, '/');

	f.name = slash ? slash + 1 : path;
	if (stat(path, &f.st))
		return prov_error_set(PROV_ENOTFOUND, "'%s': no such file", path);
	if (!S_ISREG(f.st.st_mode))
		return prov_error_set(PROV_EINVALID, "'%s' is not a regular file",
				      path);
	if (!*f.name || !utf8_valid(f.name))
		return prov_error_set(PROV_EINVALID,
				      "'%s': a file name must be UTF-8", path);
	if (name_taken(fs, &f))
		return prov_error_set(PROV_EINVALID,
				      "'%s': another %s is named '%s' already",
				      path, role == LOG ? "log" : "checkpoint",
				      f.name);
	if (role == CHECKPOINT && ends_with(f.name, ".safetensors")) {
		int rc = safetensors_file(&f.header, path, &f.st);
		if (rc)
			return rc;
		f.safetensors = 1;
	}
	fs->v = xrealloc(fs->v, (fs->n + 1) * sizeof(*fs->v));
	fs->v[fs->n++] = f;
	fs->total += (uint64_t)f.st.st_size;
	return 0;
}

static void files_release(struct run_files *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].err);
	free(fs->v);
}

static void hash_one(size_t i, void *payload)
{
	struct run_files *fs = payload;
	struct run_file *f = &fs->v[i];

	f->rc = sha256_file_counted(f->sha256, f->path, &f->st, 1, &fs->done);
	if (f->rc)
		f->err = xstrdup(prov_error_last());
}

static void *hash_all(void *payload)
{
	struct run_files *fs = payload;

	parallel_for(fs->n, hash_one, fs);
	__atomic_store_n(&fs->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Hashes every file, several at once; a large run shows its progress in
 * MiB while a thread of its own does the hashing. */
static int files_hash(struct run_files *fs)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	pthread_t t;

	if (!cli_progress_enabled() || fs->total < PROGRESS_MIN ||
	    pthread_create(&t, NULL, hash_all, fs)) {
		hash_all(fs);
	} else {
		while (!__atomic_load_n(&fs->finished, __ATOMIC_ACQUIRE)) {
			nanosleep(&tick, NULL);
			cli_progress("hashing (MiB)",
				     __atomic_load_n(&fs->done, __ATOMIC_RELAXED) >> 20,
				     fs->total >> 20);
		}
		pthread_join(t, NULL);
		cli_progress("hashing (MiB)", fs->total >> 20, fs->total >> 20);
		cli_progress_end();
	}
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].rc)
			return prov_error_set(fs->v[i].rc, "%s", fs->v[i].err);
	return 0;
}

/* ---- the statement ---------------------------------------------------- */

static json_t *digest_of(const uint8_t d[32])
{
	char hex[65];

	hex_encode(hex, d, 32);
	return json_pack("{s:s}", "sha256", hex);
}

static json_t *file_json(const struct run_file *f)
{
	char hex[65];

	hex_encode(hex, f->sha256, 32);
	return json_pack("{s:s, s:s, s:I}", "name", f->name, "sha256", hex,
			 "size", (json_int_t)f->st.st_size);
}

static json_t *subject_json(const struct run_file *f)
{
	json_t *ann = json_pack("{s:I}", "size", (json_int_t)f->st.st_size);
	char hex[65];

	if (f->safetensors) {
		hex_encode(hex, f->header.header_sha256, 32);
		json_object_set_new(ann, "safetensors",
				    json_pack("{s:s, s:I}", "header_sha256", hex,
					      "tensors",
					      (json_int_t)f->header.tensors));
	}
	return json_pack("{s:s, s:o, s:o}", "name", f->name, "digest",
			 digest_of(f->sha256), "annotations", ann);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
		      json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

static int by_id(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "id")),
		      json_string_value(json_object_get(*(json_t *const *)b, "id")));
}

/* The array's members, sorted (jansson arrays cannot be sorted in place). */
static json_t *sorted(json_t *a, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(a);
	json_t **v = xcalloc(n ? n : 1, sizeof(*v)), *out = json_array();

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(a, i);
	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(a);
	return out;
}

/* A config small enough to read is also kept inline, when it is text. */
static int config_json(json_t **out, const struct run_file *f)
{
	struct buf b = BUF_INIT;
	uint8_t d[32];
	int rc = 0;

	*out = file_json(f);
	if (f->st.st_size > CONFIG_TEXT_MAX)
		return 0;
	if ((rc = buf_read_file(&b, f->path, CONFIG_TEXT_MAX)))
		goto done;
	sha256_buf(d, b.ptr, b.len);
	if (memcmp(d, f->sha256, 32)) {
		rc = prov_error_set(PROV_EIO, "'%s' changed while it was read",
				    f->path);
		goto done;
	}
	/* JSON strings hold no NUL, and the text must be the file's bytes */
	if (strlen(b.ptr) == b.len && utf8_valid(b.ptr))
		json_object_set_new(*out, "text", json_stringn(b.ptr, b.len));
done:
	buf_release(&b);
	return rc;
}

/* One --dataset NAME@V: its record must verify and its item list be the
 * one it names. */
static int dataset_json(json_t *datasets, struct store *s, const char *spec)
{
	const char *at = strchr(spec, '@');
	struct cli_dataset f = { 0 };
	struct buf items = BUF_INIT;
	const json_t *p;
	int rc;

	if (!at || at == spec || !at[1])
		return prov_error_set(PROV_EINVALID,
				      "'%s': name a dataset version, NAME@V", spec);
	if ((rc = cli_find_dataset(&f, s, spec)) || (rc = record_verify(f.best)) ||
	    (rc = cli_read_blob(&items, s, f.best->payload, "items")))
		goto done;
	p = f.best->payload;
	if (!json_string_value(json_object_get(json_object_get(p, "merkle"), "root"))) {
		rc = prov_error_set(PROV_EINVALID, "dataset '%s' has no Merkle root",
				    spec);
		goto done;
	}
	for (size_t i = 0; i < json_array_size(datasets); i++)
		if (!strcmp(json_string_value(json_object_get(
				    json_array_get(datasets, i), "id")),
			    f.best->id)) {
			rc = prov_error_set(PROV_EINVALID, "dataset '%s' named twice",
					    spec);
			goto done;
		}
	json_array_append_new(
		datasets,
		json_pack("{s:s, s:O, s:O, s:O}", "id", f.best->id, "name",
			  json_object_get(p, "name"), "version",
			  json_object_get(p, "version"), "root",
			  json_object_get(json_object_get(p, "merkle"), "root")));
done:
	cli_dataset_release(&f);
	buf_release(&items);
	return rc;
}

/* Printable UTF-8 without control characters: a URL shown to people. */
static int text_ok(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return 0;
	return *s && utf8_valid(s);
}

/* --code URL@COMMIT: the last '@' splits, since URLs may hold one. */
static int code_json(json_t **out, const char *spec)
{
	const char *at = strrchr(spec, '@');
	size_t n = at ? strlen(at + 1) : 0;
	char *uri, *commit;

	*out = NULL;
	if (!at || at == spec || (size_t)(at - spec) > URI_MAX || n < 7 ||
	    n > 64 || strspn(at + 1, "0123456789abcdefABCDEF") != n)
		return prov_error_set(PROV_EINVALID,
				      "--code '%s': expected URL@COMMIT, a commit "
				      "of 7 to 64 hex digits",
				      spec);
	uri = xstrndup(spec, (size_t)(at - spec));
	commit = xstrdup(at + 1);
	/* One commit, one spelling. */
	for (char *c = commit; *c; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	if (text_ok(uri))
		*out = json_pack("{s:s, s:s}", "uri", uri, "commit", commit);
	free(uri);
	free(commit);
	if (!*out)
		return prov_error_set(PROV_EINVALID,
				      "--code: the URL must be UTF-8 text without "
				      "control characters");
	return 0;
}

/* --started and --finished: both or neither, in order, as UTC. */
static int times_json(json_t *pred, const char *started, const char *finished)
{
	int64_t a, b;
	char ta[32], tb[32];

	if (!started && !finished)
		return 0;
	if (!started || !finished)
		return prov_error_set(PROV_EINVALID,
				      "--started and --finished go together");
	if (time_parse_rfc3339(&a, started))
		return prov_error_wrap("--started");
	if (time_parse_rfc3339(&b, finished))
		return prov_error_wrap("--finished");
	if (a > b)
		return prov_error_set(PROV_EINVALID,
				      "--started %s is after --finished %s", started,
				      finished);
	time_rfc3339(ta, a);
	time_rfc3339(tb, b);
	json_object_set_new(pred, "started", json_string(ta));
	json_object_set_new(pred, "finished", json_string(tb));
	return 0;
}

struct run_args {
	struct strlist datasets, checkpoints, logs;
	const char *config, *code, *started, *finished, *as;
};

/* Everything that can be checked before hashing, so a mistake costs no
 * time: options, files, headers, datasets. */
static int run_prepare(json_t **pred, struct run_files *fs, struct store *s,
		       const struct run_args *a)
{
	json_t *datasets = json_array(), *code = NULL;
	int rc = 0;

	*pred = json_object();
	if (!a->datasets.n || !a->checkpoints.n)
		rc = prov_error_set(PROV_EINVALID,
				    "a run needs --dataset and --checkpoint");
	if (!rc && a->code && !(rc = code_json(&code, a->code)))
		json_object_set_new(*pred, "code", code);
	if (!rc)
		rc = times_json(*pred, a->started, a->finished);
	for (size_t i = 0; !rc && i < a->checkpoints.n; i++)
		rc = file_add(fs, a->checkpoints.v[i], CHECKPOINT);
	if (!rc && a->config)
		rc = file_add(fs, a->config, CONFIG);
	for (size_t i = 0; !rc && i < a->logs.n; i++)
		rc = file_add(fs, a->logs.v[i], LOG);
	for (size_t i = 0; !rc && i < a->datasets.n; i++)
		rc = dataset_json(datasets, s, a->datasets.v[i]);
	json_object_set_new(*pred, "datasets", sorted(datasets, by_id));
	return rc;
}

/* The statement, once the files are hashed. */
static int run_statement(json_t **out, json_t *pred, const struct run_files *fs,
			 const char *provider)
{
	json_t *subjects = json_array(), *logs = json_array(), *config;
	int rc = 0;

	json_object_set_new(pred, "provider", json_string(provider));
	for (size_t i = 0; i < fs->n && !rc; i++) {
		const struct run_file *f = &fs->v[i];
		if (f->role == CHECKPOINT)
			json_array_append_new(subjects, subject_json(f));
		else if (f->role == LOG)
			json_array_append_new(logs, file_json(f));
		else if (!(rc = config_json(&config, f)))
			json_object_set_new(pred, "config", config);
		else
			json_decref(config);
	}
	if (json_array_size(logs))
		json_object_set(pred, "logs", logs);
	*out = json_pack("{s:s, s:o, s:s, s:O}", "_type", INTOTO_STATEMENT_TYPE,
			 "subject", sorted(subjects, by_name), "predicateType",
			 RUN_PREDICATE_TYPE, "predicate", pred);
	json_decref(logs);
	return rc;
}

static void print_recorded(const char *id, const char *commit,
			   const char *path, const json_t *stmt, int json)
{
	const json_t *pred = json_object_get(stmt, "predicate"), *v;
	size_t i;

	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:O}", "id", id, "commit",
				      commit, "path", path, "statement", stmt);
		cli_print_json(o);
		json_decref(o);
		return;
	}
	printf("%s  run: %zu checkpoint%s from %zu dataset%s\n", id,
	       json_array_size(json_object_get(stmt, "subject")),
	       json_array_size(json_object_get(stmt, "subject")) == 1 ? "" : "s",
	       json_array_size(json_object_get(pred, "datasets")),
	       json_array_size(json_object_get(pred, "datasets")) == 1 ? "" : "s");
	json_array_foreach (json_object_get(stmt, "subject"), i, v)
		printf("  %-10s %s  %s\n", "checkpoint",
		       json_string_value(json_object_get(json_object_get(v, "digest"),
							 "sha256")),
		       cli_esc(json_string_value(json_object_get(v, "name"))));
	json_array_foreach (json_object_get(pred, "datasets"), i, v)
		printf("  %-10s %s  %s@%s\n", "dataset",
		       json_string_value(json_object_get(v, "id")),
		       cli_esc(json_string_value(json_object_get(v, "name"))),
		       cli_esc(json_string_value(json_object_get(v, "version"))));
}

static int run_record(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov run record --dataset NAME@V... --checkpoint FILE... "
		"[--config FILE] [--log FILE]... [--code URL@COMMIT] "
		"[--started T --finished T] [--as PROVIDER] [--json]",
		"Signs a training run as an in-toto Statement (docs/records.md): "
		"the checkpoints it produced as subjects (SHA-256 and size; a "
		".safetensors file's header is checked, hashed and its tensors "
		"counted), and the dataset manifests it read (each must verify), "
		"its config (inline when UTF-8 text of at most 4 KiB), code, logs "
		"and RFC 3339 times. The signer is the provider. Nothing is "
		"written when anything is wrong.",
		0, 0, 1,
	};
	struct run_args a = { 0 };
	int json = 0, rc;
	const struct opt opts[] = {
		OPT_LIST_("dataset", 0, &a.datasets, "NAME@V",
			  "a dataset manifest the run trained on"),
		OPT_LIST_("checkpoint", 0, &a.checkpoints, "FILE",
			  "a checkpoint the run produced"),
		OPT_STR("config", 0, &a.config, "FILE", "the run's configuration"),
		OPT_LIST_("log", 0, &a.logs, "FILE", "a log of the run"),
		OPT_STR("code", 0, &a.code, "URL@COMMIT",
			"the training code: repository and commit"),
		OPT_STR("started", 0, &a.started, "T", "when the run started (RFC 3339)"),
		OPT_STR("finished", 0, &a.finished, "T",
			"when the run finished (RFC 3339)"),
		OPT_AS(&a.as), OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 };
	struct run_files fs = { 0 };
	struct store *s = NULL;
	struct key *k = NULL;
	json_t *pred = NULL, *stmt = NULL;
	struct buf env = BUF_INIT, path = BUF_INIT, msg = BUF_INIT;
	char id[RECORD_ID_MAX], commit[41];

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (cli_open_store(&s) || run_prepare(&pred, &fs, s, &a) ||
	    cli_load_identity(&k, a.as) || files_hash(&fs) ||
	    run_statement(&stmt, pred, &fs, k->did) ||
	    record_create(&env, id, stmt, k) ||
	    record_store_path(&path, "run", id, stmt)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	buf_printf(&msg, "run: %zu checkpoint%s\n\nby %s\n",
		   json_array_size(json_object_get(stmt, "subject")),
		   json_array_size(json_object_get(stmt, "subject")) == 1 ? "" : "s",
		   k->did);
	if (store_lock(s, cli_lock_wait_ms()) || store_begin(s) ||
	    store_put(s, path.ptr, env.ptr, env.len) < 0 ||
	    store_commit(s, k, msg.ptr, commit)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	print_recorded(id, commit, path.ptr, stmt, json);
done:
	json_decref(pred);
	json_decref(stmt);
	files_release(&fs);
	key_free(k);
	store_free(s);
	buf_release(&env);
	buf_release(&path);
	buf_release(&msg);
	strlist_release(&args);
	strlist_release(&a.datasets);
	strlist_release(&a.checkpoints);
	strlist_release(&a.logs);
	return CLI_EXIT(rc);
}

/* ---- show ---------------------------------------------------------------- */

static const char *str(const json_t *o, const char *key)
{
	return cli_esc(json_string_value(json_object_get(o, key)));
}

static void print_file(const char *what, const json_t *f)
{
	printf("  %-10s %s  %" JSON_INTEGER_FORMAT " bytes  %s\n", what,
	       str(f, "sha256"), json_integer_value(json_object_get(f, "size")),
	       str(f, "name"));
}

static void print_run(const struct record *r, const char *path)
{
	const json_t *pred = json_object_get(r->payload, "predicate"), *v, *ann;
	const json_t *code = json_object_get(pred, "code");
	json_t *sigs = cli_record_json(r, path);
	size_t i;

	printf("run %s\n", r->id);
	printf("  %-10s %s\n", "provider", str(pred, "provider"));
	json_array_foreach (json_object_get(r->payload, "subject"), i, v) {
		ann = json_object_get(v, "annotations");
		printf("  %-10s %s  %" JSON_INTEGER_FORMAT " bytes  %s\n",
		       "checkpoint", str(json_object_get(v, "digest"), "sha256"),
		       json_integer_value(json_object_get(ann, "size")),
		       str(v, "name"));
		if ((ann = json_object_get(ann, "safetensors")))
			printf("  %-10s header %s  %" JSON_INTEGER_FORMAT
			       " tensors\n",
			       "", str(ann, "header_sha256"),
			       json_integer_value(json_object_get(ann, "tensors")));
	}
	json_array_foreach (json_object_get(pred, "datasets"), i, v)
		printf("  %-10s %s@%s  %s  root %s\n", "dataset", str(v, "name"),
		       str(v, "version"), str(v, "id"), str(v, "root"));
	if ((v = json_object_get(pred, "config")))
		print_file("config", v);
	if (code)
		printf("  %-10s %s @ %s\n", "code", str(code, "uri"),
		       str(code, "commit"));
	json_array_foreach (json_object_get(pred, "logs"), i, v)
		print_file("log", v);
	if (json_object_get(pred, "started"))
		printf("  %-10s %s\n  %-10s %s\n", "started", str(pred, "started"),
		       "finished", str(pred, "finished"));
	json_array_foreach (json_object_get(sigs, "signatures"), i, v)
		printf("  %-10s %s (%s)\n", "signed by", str(v, "keyid"),
		       json_is_true(json_object_get(v, "valid")) ?
			       "signature valid" :
			       "SIGNATURE INVALID");
	json_decref(sigs);
	printf("  %-10s %s\n", "stored at", cli_esc(path));
}

static int run_show(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov run show ID [--json]",
		"Shows a run record (ID: sha256:<hex>, or 8 or more hex digits of "
		"one): its checkpoints, datasets, config, code, logs and times, "
		"and whether its signatures verify and its provider signed it; "
		"exit 1 if not.",
		1, 1, 1,
	};
	int json = 0, rc, bad;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
	struct store *s = NULL;
	struct record *r = NULL;
	char *path = NULL, *why = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if ((rc = cli_open_store(&s)) ||
	    (rc = cli_find_record(&r, &path, s, args.v[0]))) {
		rc = cli_fail(rc);
		goto done;
	}
	if (strcmp(r->kind, "run")) {
		rc = cli_usage_error("%s is a %s record, not a run", r->id, r->kind);
		goto done;
	}
	if ((bad = record_verify(r)))
		why = xstrdup(prov_error_last());
	if (json) {
		json_t *o = cli_record_json(r, path);
		json_object_set_new(o, "verified", json_boolean(!bad));
		if (bad)
			json_object_set_new(o, "error", json_string(why));
		cli_print_json(o);
		json_decref(o);
	} else {
		print_run(r, path);
		printf("  %-10s %s\n", "status",
		       bad ? "NOT VERIFIED" : "signatures valid, signed by its provider");
	}
	if (bad) {
		prov_error_set(bad, "%s", why);
		rc = cli_fail(bad);
	}
done:
	free(why);
	free(path);
	record_free(r);
	store_free(s);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_run(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "record", run_record },
		{ "show", run_show },
	};

	return CLI_SUBCOMMAND(argc, argv, "run", subs,
			      "usage: prov run record --dataset NAME@V... --checkpoint FILE... [options]\n"
			      "       prov run show ID [--json]\n\n"
			      "Training runs, signed by their compute provider as in-toto "
			      "statements\n(docs/records.md).");
}

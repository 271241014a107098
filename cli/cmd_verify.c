/* prov verify: every record's id, path and signatures, every commit's
 * signature, and a history in which records were only ever added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

struct file {
	char *path;
	struct buf data;
	char *problem; /* NULL when the record checks out */
	char id[RECORD_ID_MAX];
};

struct check {
	struct file *v;
	size_t n, cap;
	/* history */
	struct strlist only; /* with ids: just these paths */
	char commit_problem[64]; /* the current commit's signature, if bad */
	int commit_reported;
	size_t commits;
	json_t *problems;
	int json;
};

static void problem(struct check *c, const char *path, const char *commit,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct check *c, const char *path, const char *commit,
		    const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	json_t *o = json_pack("{s:s}", "error", cli_esc(msg.ptr));
	if (path)
		json_object_set_new(o, "path", json_string(cli_esc(path)));
	if (commit)
		json_object_set_new(o, "commit", json_string(commit));
	json_array_append_new(c->problems, o);
	if (!c->json)
		printf("FAIL %s%s%s%s\n     %s\n", path ? cli_esc(path) : "",
		       path && commit ? " " : "", commit ? "commit " : "",
		       commit ? commit : "", cli_esc(msg.ptr));
	buf_release(&msg);
}

static void add_file(struct check *c, const char *path, const void *data, size_t n)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	struct file *f = &c->v[c->n++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	buf_init(&f->data, 0);
	buf_put(&f->data, data, n);
}

static int collect_cb(const char *path, const void *data, size_t n, void *p)
{
	add_file(p, path, data, n);
	return 0;
}

static void check_file(struct file *f)
{
	struct record *r = NULL;
	char kind[32];

	if (!strncmp(f->path, "blobs/", 6)) {
		/* Item lists and other large data, named by their SHA-256. */
		const char *base = strrchr(f->path, '/') + 1;
		uint8_t d[32];
		char hex[65];
		sha256_buf(d, f->data.ptr, f->data.len);
		hex_encode(hex, d, 32);
		if (strlen(base) != 64 || strcmp(base, hex) ||
		    strncmp(f->path + 6, base, 2) || f->path[8] != '/')
			f->problem = xasprintf("blob content has sha256 %s, not "
					       "what its name says",
					       hex);
		return;
	}
	if (!cli_path_kind(f->path, kind)) {
		f->problem = xstrdup("not a record location (works/, records/<kind>/ "
				     "or blobs/)");
		return;
	}
	if (record_parse(&r, f->data.ptr, f->data.len) ||
	    record_path_check(r, f->path) || record_verify(r))
		f->problem = xstrdup(prov_error_last());
	else
		memcpy(f->id, r->id, sizeof(f->id));
	record_free(r);
}

static void check_item(size_t i, void *payload)
{
	struct check *c = payload;

	check_file(&c->v[i]);
}

static int wanted(struct check *c, const char *path)
{
	if (!c->only.n)
		return 1;
	for (size_t i = 0; i < c->only.n; i++)
		if (!strcmp(c->only.v[i], path))
			return 1;
	return 0;
}

static int history_cb(const struct store_commit_info *ci, enum store_change ch,
		      const char *path, void *payload)
{
	struct check *c = payload;

	if (!path) {
		c->commits++;
		c->commit_reported = 0;
		snprintf(c->commit_problem, sizeof(c->commit_problem), "%s",
			 ci->signed_ok == 0 ? "commit is not signed" :
			 ci->signed_ok < 0  ? "commit signature does not verify" :
					      "");
		/* With ids given, a commit matters only if it touched them. */
		if (c->commit_problem[0] && !c->only.n) {
			problem(c, NULL, ci->id, "%s", c->commit_problem);
			c->commit_reported = 1;
		}
		return 0;
	}
	if (!wanted(c, path))
		return 0;
	if (c->commit_problem[0] && !c->commit_reported) {
		problem(c, NULL, ci->id, "%s", c->commit_problem);
		c->commit_reported = 1;
	}
	if (ch != STORE_ADDED)
		problem(c, path, ci->id, "record was %s after it was added "
			"(records are immutable)",
			ch == STORE_DELETED ? "removed" : "changed");
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov verify [ID...] [--json]\n"
		"       prov verify --chain --rpc URL... [--chain-id eip155:N] "
		"[ID...] [--json]",
		"Re-checks every record (or the given ones): its id is the SHA-256 "
		"of its canonical payload, it is stored where its id and content "
		"say, and every signature verifies; and the history: every commit "
		"carries a good SSH signature and no record was changed or removed "
		"once added. Exit 1 if anything fails. This proves who signed each "
		"claim and that it is unchanged, not that the claim is true; no "
		"signer is checked against a trust list. With --chain, each "
		"record's anchoring instead: its inclusion proof leads to its "
		"anchor record's root, and the chain has that root in the "
		"registry at the block, in the transaction, the record names "
		"(docs/anchor.md); exit 1 also for a record not anchored.",
		0, -1, 1,
	};
	int json = 0, onchain = 0, rc;
	const char *chain_id = NULL;
	struct strlist args = { 0 }, rpcs = { 0 };
	const struct opt opts[] = {
		OPT_FLAG_("chain", 0, &onchain,
			  "check anchoring on chain instead"),
		OPT_RPC(&rpcs),
		OPT_STR("chain-id", 0, &chain_id, "eip155:N",
			"refuse an endpoint on another chain"),
		OPT_JSON(&json),
		OPT_END_,
	};
	struct check c = { 0 };
	struct store *s = NULL;
	size_t bad = 0, blobs = 0;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	c.json = json;
	c.problems = json_array();
	if ((rc = cli_open_store(&s)))
		goto fail;
	if (onchain) {
		rc = cli_verify_chain(s, &args, &rpcs, chain_id, json);
		goto done;
	}
	if (rpcs.n) {
		rc = cli_usage_error("--rpc is for --chain");
		goto done;
	}
	if (args.n) {
		for (size_t i = 0; i < args.n; i++) {
			struct record *r = NULL;
			char *path = NULL;
			struct buf data = BUF_INIT;
			/* A record that does not parse is still found by its
			 * file name, and reported below. */
			rc = cli_find_record(&r, &path, s, args.v[i]);
			record_free(r);
			if (rc && !path)
				goto fail;
			if (path && !store_read(&data, s, path))
				add_file(&c, path, data.ptr, data.len);
			if (path)
				strlist_push(&c.only, path);
			buf_release(&data);
			free(path);
			rc = 0;
		}
	} else if ((rc = store_walk(s, "", collect_cb, &c))) {
		goto fail;
	}
	parallel_for(c.n, check_item, &c);
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].problem)
			problem(&c, c.v[i].path, NULL, "%s", c.v[i].problem);
	if ((rc = store_history(s, NULL, history_cb, &c)))
		goto fail;
	bad = json_array_size(c.problems);
	for (size_t i = 0; i < c.n; i++)
		blobs += !strncmp(c.v[i].path, "blobs/", 6);
	if (json) {
		json_t *o = json_pack("{s:b, s:I, s:I, s:O}", "ok", bad == 0,
				      "records", (json_int_t)(c.n - blobs), "commits",
				      (json_int_t)c.commits, "problems", c.problems);
		cli_print_json(o);
		json_decref(o);
	} else if (!bad) {
		printf("verified %zu record%s and %zu commit%s: ids, paths, record "
		       "and commit signatures all good",
		       c.n - blobs, c.n - blobs == 1 ? "" : "s", c.commits,
		       c.commits == 1 ? "" : "s");
		printf(blobs ? "; %zu blob%s match their hashes\n" : "\n", blobs,
		       blobs == 1 ? "" : "s");
	} else {
		printf("%zu problem%s in %zu record%s and %zu commit%s\n", bad,
		       bad == 1 ? "" : "s", c.n, c.n == 1 ? "" : "s", c.commits,
		       c.commits == 1 ? "" : "s");
	}
	rc = bad ? EXIT_CHECK : EXIT_OK;
	goto done;
fail:
	rc = cli_fail(rc);
done:
	for (size_t i = 0; i < c.n; i++) {
		free(c.v[i].path);
		free(c.v[i].problem);
		buf_release(&c.v[i].data);
	}
	free(c.v);
	json_decref(c.problems);
	strlist_release(&c.only);
	store_free(s);
	strlist_release(&args);
	strlist_release(&rpcs);
	return CLI_EXIT(rc);
}

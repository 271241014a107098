/* prov trace: a model's lineage, every link checked (docs/trace.md). The
 * report comes from manifest/trace.c; this file finds the model and prints
 * the report as a tree, JSON or Graphviz, and with --html also writes it as
 * a page (manifest/trace_html.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- printing ------------------------------------------------------------------ */

static int failed(const json_t *report)
{
	return json_integer_value(
		json_object_get(json_object_get(report, "summary"), "failed")) > 0;
}

static void print_failures_of(const json_t *report, const char *id,
			      const char *indent)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(report, "checks"), i, c)
		if (!json_is_true(json_object_get(c, "ok")) &&
		    !strcmp(str(c, "subject"), id))
			printf("%s! %s: %s\n", indent, str(c, "check"),
			       cli_esc(str(c, "detail")));
}

static const json_t *by_id(const json_t *list, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach (list, i, e)
		if (!strcmp(str(e, "id") ?: "", id ?: "-"))
			return e;
	return NULL;
}

static void print_dataset(const json_t *report, const json_t *named)
{
	const json_t *d = by_id(json_object_get(report, "datasets"), str(named, "id"));
	const json_t *f;
	size_t i;

	if (!d) {
		printf("   dataset %s  (not found)\n", cli_esc(str(named, "id")));
		print_failures_of(report, str(named, "id") ?: "", "     ");
		return;
	}
	printf("   dataset %s@%s  %s\n", cli_esc(str(d, "name")),
	       cli_esc(str(d, "version")), str(d, "id"));
	printf("     curator %s, purpose %s, %" JSON_INTEGER_FORMAT
	       " items, built %s\n",
	       cli_esc(str(d, "curator")), cli_esc(str(d, "purpose")),
	       json_integer_value(json_object_get(d, "included")),
	       cli_esc(str(d, "created")));
	print_failures_of(report, str(d, "id"), "     ");
	json_array_foreach (json_object_get(d, "failures"), i, f)
		printf("       %s %s: %s\n", str(f, "sha256"), cli_esc(str(f, "path")),
		       cli_esc(str(f, "why")));
}

static void print_model(const json_t *report, const json_t *m, int depth)
{
	const json_t *run = by_id(json_object_get(report, "runs"), str(m, "run"));
	const json_t *d;
	size_t i;

	printf("%smodel %s  %s\n", depth ? "parent " : "", cli_esc(str(m, "name")),
	       str(m, "id"));
	printf("  owner %s, license %s\n", cli_esc(str(m, "owner")),
	       str(m, "license") ? cli_esc(str(m, "license")) : "(none)");
	print_failures_of(report, str(m, "id"), "  ");
	if (!run) {
		printf("  run %s  (not found)\n", cli_esc(str(m, "run") ?: "(none)"));
		print_failures_of(report, str(m, "run") ?: "", "    ");
		return;
	}
	printf(" run %s\n", str(run, "id"));
	printf("   provider %s", cli_esc(str(run, "provider")));
	if (str(run, "started"))
		printf(", %s to %s", cli_esc(str(run, "started")),
		       cli_esc(str(run, "finished")));
	putchar('\n');
	print_failures_of(report, str(run, "id"), "   ");
	json_array_foreach (json_object_get(run, "datasets"), i, d)
		print_dataset(report, d);
}

/* Failed checks on records the tree does not show (a work, a record that
 * could not be loaded), so that every failure is named. */
static void print_other_failures(const json_t *report)
{
	static const char *const lists[] = { "models", "runs", "datasets" };
	const json_t *c;
	size_t i, n = 0;

	json_array_foreach (json_object_get(report, "checks"), i, c) {
		const char *subject = str(c, "subject");
		int shown = 0;
		if (json_is_true(json_object_get(c, "ok")))
			continue;
		for (size_t k = 0; k < 3 && !shown; k++)
			shown = by_id(json_object_get(report, lists[k]), subject) != NULL;
		if (shown)
			continue;
		if (!n++)
			printf("\nother failed checks:\n");
		printf("  ! %s %s: %s\n", str(c, "check"), cli_esc(subject),
		       cli_esc(str(c, "detail")));
	}
}

static void print_people(const json_t *report)
{
	const json_t *c;
	size_t i;

	printf("\ncreators: %zu\n", json_array_size(json_object_get(report, "creators")));
	json_array_foreach (json_object_get(report, "creators"), i, c)
		printf("  %s  works: %" JSON_INTEGER_FORMAT "\n",
		       cli_esc(str(c, "did")),
		       json_integer_value(json_object_get(c, "works")));
	if (!json_array_size(json_object_get(report, "credits")))
		return;
	printf("credits owed (attribution):\n");
	json_array_foreach (json_object_get(report, "credits"), i, c)
		printf("  %s  %s  items: %" JSON_INTEGER_FORMAT "\n",
		       cli_esc(str(c, "creator")), cli_esc(str(c, "license")),
		       json_integer_value(json_object_get(c, "items")));
}

static void print_tree(const json_t *report)
{
	const json_t *s = json_object_get(report, "summary"), *m, *line;
	size_t i;

	json_array_foreach (json_object_get(report, "models"), i, m)
		print_model(report, m, (int)i);
	print_other_failures(report);
	print_people(report);
	printf("\nchecks: %" JSON_INTEGER_FORMAT " passed, %" JSON_INTEGER_FORMAT
	       " failed\n",
	       json_integer_value(json_object_get(s, "passed")),
	       json_integer_value(json_object_get(s, "failed")));
	printf("verified:\n");
	json_array_foreach (json_object_get(report, "verified"), i, line)
		printf("  - %s\n", json_string_value(line));
	printf("not verified:\n");
	json_array_foreach (json_object_get(report, "not_verified"), i, line)
		printf("  - %s\n", json_string_value(line));
}

/* A DOT string's contents: quotes and backslashes escaped, after the
 * terminal-safe form (ids and names come from untrusted records). */
static void dot(const char *s)
{
	for (const char *p = cli_esc(s); *p; p++) {
		if (*p == '"' || *p == '\\')
			putchar('\\');
		putchar(*p);
	}
}

static void dot_edge(const char *from, const char *to, const char *label)
{
	if (!from || !to)
		return;
	printf("  \"");
	dot(from);
	printf("\" -> \"");
	dot(to);
	printf("\" [label=\"%s\"];\n", label);
}

/* Graphviz: models, runs and datasets, and what links them. */
static void print_dot(const json_t *report)
{
	const json_t *e, *d;
	size_t i, k;

	printf("digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n");
	json_array_foreach (json_object_get(report, "models"), i, e) {
		printf("  \"");
		dot(str(e, "id"));
		printf("\" [label=\"model\\n");
		dot(str(e, "name"));
		printf("\"];\n");
		dot_edge(str(e, "id"), str(e, "run"), "trained by");
		dot_edge(str(e, "id"), str(e, "parent"), "parent");
	}
	json_array_foreach (json_object_get(report, "runs"), i, e) {
		printf("  \"");
		dot(str(e, "id"));
		printf("\" [label=\"run\\n%.15s\"];\n", str(e, "id"));
		json_array_foreach (json_object_get(e, "datasets"), k, d)
			dot_edge(str(e, "id"), str(d, "id"), "used");
	}
	json_array_foreach (json_object_get(report, "datasets"), i, e) {
		printf("  \"");
		dot(str(e, "id"));
		printf("\" [label=\"dataset\\n");
		dot(str(e, "name"));
		putchar('@');
		dot(str(e, "version"));
		printf("\\n%" JSON_INTEGER_FORMAT " items\"];\n",
		       json_integer_value(json_object_get(e, "included")));
	}
	printf("}\n");
}

/* --html FILE: the whole page or, on any failure, no file at all. */
static int write_html(const char *path, const json_t *report)
{
	struct buf page = BUF_INIT;
	int rc;

	if (!(rc = trace_html(&page, report)))
		rc = write_file_atomic(path, page.ptr, page.len, 0644, 0);
	buf_release(&page);
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov trace MODEL|WEIGHTS-FILE|SHA256 [--trust FILE] [--json|--dot] [--html FILE]",
		"Walks a model's lineage (its parent models, the runs that trained "
		"them, their dataset manifests and every item, work, creator, "
		"license and opt-out behind them) and checks each link: record "
		"ids, signatures, Merkle roots recomputed from item lists, item "
		"licenses for each dataset's purpose, work records, opt-outs, "
		"challenges, and with --trust (a file of did:keys, one per line) "
		"the providers', curators' and resolvers' keys. Prints the tree and "
		"every failed check (or, with --json or --dot, the report as JSON or "
		"a Graphviz graph), and with --html also writes the report as one "
		"self-contained HTML page: the lineage as a graph, the checks and "
		"the people to credit. It verifies who signed what and that nothing "
		"changed since; not that the claims are true. Exit 0 when every "
		"check passes, 1 when any fails.",
		1, 1, 1,
	};
	const char *trust = NULL, *html = NULL;
	int json = 0, dot = 0, rc;
	const struct opt opts[] = {
		OPT_STR("trust", 0, &trust, "FILE", "did:keys to trust, one per line"),
		OPT_FLAG_("dot", 0, &dot, "print the lineage for Graphviz"),
		OPT_STR("html", 0, &html, "FILE", "also write the report as an HTML page"),
		OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 }, keys = { 0 };
	struct trace_options o = { 0 };
	struct store *s = NULL;
	json_t *report = NULL;
	char id[RECORD_ID_MAX];

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (json && dot) {
		rc = cli_usage_error("trace: --json and --dot are alternatives");
		goto done;
	}
	if (trust && (rc = cli_read_dids(&keys, trust))) {
		rc = cli_fail(rc);
		goto done;
	}
	o.trust = trust ? (const char *const *)keys.v : NULL;
	o.ntrust = keys.n;
	o.cache_key = cli_cache_key();
	if ((rc = cli_open_store(&s)) || (rc = cli_model_resolve(id, s, args.v[0], 1)) ||
	    (rc = trace_model(&report, s, id, &o))) {
		rc = cli_fail(rc);
		goto done;
	}
	if (html && (rc = write_html(html, report))) {
		rc = cli_fail(rc);
		goto done;
	}
	if (json)
		cli_print_json(report);
	else if (dot)
		print_dot(report);
	else
		print_tree(report);
	rc = failed(report) ? EXIT_CHECK : EXIT_OK;
done:
	sodium_free((void *)o.cache_key);
	json_decref(report);
	store_free(s);
	strlist_release(&keys);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

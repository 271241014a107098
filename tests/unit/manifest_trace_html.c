/* The trace report as HTML (manifest/trace_html.c): every report string
 * escaped, failed checks first, failed nodes outlined, same report same
 * bytes, and the page for a small hand-written report pinned by
 * tests/unit/golden/trace-report.html (UPDATE_GOLDEN=1 rewrites it).
 *
 * With "--write DIR" it runs no test but writes three reports and their
 * pages (small, hostile, large: NAME.json and NAME.html) for
 * tests/e2e/t0221-trace-html-pages.sh to open in Chromium. */
#include <stdlib.h>

#include "manifest/manifest.h"
#include "unit.h"

#define REPORT "tests/unit/golden/trace-report.json"
#define HOSTILE "<script>alert(1)</script>"

static json_t *small(void)
{
	return json_load_file(REPORT, 0, NULL);
}

static char *escaped(const char *s)
{
	struct buf b = BUF_INIT;

	html_escape(&b, s);
	return buf_detach(&b);
}

static char *page(const json_t *report)
{
	struct buf b = BUF_INIT;

	if (trace_html(&b, report)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

static json_t *check_json(const char *name, const char *subject, int ok,
			  const char *detail)
{
	return json_pack("{s:s, s:s, s:b, s:s}", "check", name, "subject",
			 subject, "ok", ok, "detail", detail);
}

/* The small report made hostile: a model name, a dataset name, a path, a
 * reason and a check's detail that try to break out of text, attributes
 * and SVG; two failed checks (one on a dataset the run names but the
 * registry lacks), appended after passing ones. */
static json_t *hostile(void)
{
	json_t *r = small(), *m, *d, *checks, *run;
	const char *missing =
		"sha256:5555555555555555555555555555555555555555555555555555555555555555";

	if (!r)
		return NULL;
	m = json_array_get(json_object_get(r, "models"), 0);
	json_object_set_new(m, "name", json_string(HOSTILE));
	d = json_array_get(json_object_get(r, "datasets"), 1);
	json_object_set_new(d, "name", json_string("po\"ems' & <b>bold</b>"));
	json_array_append_new(
		json_object_get(d, "failures"),
		json_pack("{s:s, s:s, s:s, s:s}", "check", "optout", "sha256",
			  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
			  "path", "a\"/><script>alert(2)</script>\x01\xe2\x80\xae.txt",
			  "why", "opt-out by <img src=x onerror=alert(3)> & co"));
	run = json_array_get(json_object_get(r, "runs"), 0);
	json_array_append_new(json_object_get(run, "datasets"),
			      json_pack("{s:s, s:s, s:s}", "id", missing, "name",
					"gone", "version", "1"));
	checks = json_object_get(r, "checks");
	json_array_append_new(checks, check_json("item-optouts", json_string_value(
				json_object_get(d, "id")), 0,
				"0 of 1 items free of their creators' opt-outs "
				"</td></tr></table><script>alert(4)</script>"));
	json_array_append_new(checks, check_json("record", missing, 0,
						 "no dataset record " HOSTILE));
	return r;
}

/* 3 models in a parent chain, their 3 runs, and 44 datasets: 50 nodes. */
static json_t *large(void)
{
	json_t *r = small(), *models = json_array(), *runs = json_array();
	json_t *datasets = json_array(), *checks = json_array();
	char id[80];

	for (int i = 0; i < 3; i++) {
		json_t *m, *run, *used = json_array();
		snprintf(id, sizeof(id), "sha256:%064d", 100 + i);
		m = json_pack("{s:s, s:s+, s:s, s:n, s:n}", "id", id, "name",
			      "model-", i ? "parent" : "child", "owner",
			      "did:key:z6MkOwner", "parent", "license");
		if (i < 2) {
			snprintf(id, sizeof(id), "sha256:%064d", 101 + i);
			json_object_set_new(m, "parent", json_string(id));
		}
		snprintf(id, sizeof(id), "sha256:%064d", 200 + i);
		json_object_set_new(m, "run", json_string(id));
		json_array_append_new(models, m);
		run = json_pack("{s:s, s:s, s:o}", "id", id, "provider",
				"did:key:z6MkProvider", "datasets", used);
		json_array_append_new(runs, run);
		json_array_append_new(checks, check_json("record", id, 1, "ok"));
		for (int k = 0; k < (i ? 10 : 24); k++) {
			char name[32];
			snprintf(id, sizeof(id), "sha256:%064d", 300 + 30 * i + k);
			snprintf(name, sizeof(name), "set-%d-%d", i, k);
			json_array_append_new(used, json_pack("{s:s, s:s, s:s}", "id",
							      id, "name", name,
							      "version", "1"));
			json_array_append_new(
				datasets,
				json_pack("{s:s, s:s, s:s, s:s, s:i, s:[]}", "id", id,
					  "name", name, "version", "1", "purpose",
					  "research", "included", k, "failures"));
			json_array_append_new(checks, check_json("merkle-root", id,
								 k != 7, "root"));
		}
	}
	json_object_set_new(r, "models", models);
	json_object_set_new(r, "runs", runs);
	json_object_set_new(r, "datasets", datasets);
	json_object_set_new(r, "checks", checks);
	return r;
}

/* ---- tests --------------------------------------------------------------------- */

static void escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ HOSTILE, "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a&b\"c'd", "a&amp;b&quot;c&#39;d" },
		{ "&amp;", "&amp;amp;" },
		{ "\x01\t\n\r\x1b\x7f", "\\x01\\x09\\x0a\\x0d\\x1b\\x7f" },
		{ "c1 \xc2\x85 \xc2\x9f", "c1 \\x85 \\x9f" },
		{ "bidi \xe2\x80\xae \xe2\x81\xa6", "bidi \\u202e \\u2066" },
		{ "bad \xff \xc0\xaf end", "bad \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd end" },
		{ "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80" },
		{ "", "" },
		{ NULL, "(none)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = escaped(cases[i].in);
		int same = !strcmp(got, cases[i].out);
		if (!same)
			fprintf(stderr, "escape %zu: got '%s'\n", i, got);
		free(got);
		CHECK(same);
	}
}

static void hostile_escaped(void)
{
	json_t *r = hostile();
	char *html = r ? page(r) : NULL;

	CHECK(html);
	/* No markup from the report survives as markup. */
	CHECK(count(html, "<script") == 0);
	CHECK(count(html, "<img") == 0);
	CHECK(count(html, "<b>") == 0);
	CHECK(count(html, "\x01") == 0 && count(html, "\xe2\x80\xae") == 0);
	/* It is all there as text: title, heading, table (the graph cuts it). */
	CHECK(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;") == 3);
	CHECK(strstr(html, "model &lt;script&gt;alert(1)&lt;/script\xe2\x80\xa6</text>"));
	CHECK(strstr(html, "a&quot;/&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
			   "\\x01\\u202e.txt"));
	CHECK(strstr(html, "opt-out by &lt;img src=x onerror=alert(3)&gt; &amp; co"));
	CHECK(strstr(html, "po&quot;ems&#39; &amp; &lt;b&gt;bold&lt;/b&gt;@1"));
	free(html);
	json_decref(r);
}

static void failed_first(void)
{
	json_t *r = hostile();
	char *html = r ? page(r) : NULL;
	const char *table, *fail1, *fail2, *pass;

	CHECK(html);
	CHECK(strstr(html, "<p id=\"verdict\" class=\"fail\">2 of 8 checks failed</p>"));
	CHECK((table = strstr(html, "<table id=\"checks\">")));
	fail1 = strstr(table, "<tr class=\"fail\"><td>item-optouts</td>");
	fail2 = strstr(table, "<tr class=\"fail\"><td>record</td>");
	pass = strstr(table, "<tr class=\"pass\">");
	CHECK(fail1 && fail2 && pass);
	CHECK(fail1 < fail2 && fail2 < pass); /* and in the report's order */
	CHECK(count(table, "<tr class=\"fail\">") == 2);
	CHECK(count(table, "<tr class=\"pass\">") == 6);
	free(html);
	json_decref(r);
}

/* The dataset that failed, and the one the registry lacks, are outlined;
 * the rest are not. */
static void failed_nodes(void)
{
	json_t *r = hostile();
	char *html = r ? page(r) : NULL;

	CHECK(html);
	CHECK(count(html, "<g class=\"node ") == 5);
	CHECK(count(html, "<g class=\"node dataset failed\">") == 2);
	CHECK(count(html, " failed\">") == 2);
	CHECK(strstr(html, ">not found</text>"));
	CHECK(count(html, "marker-end=\"url(#arrow)\"") == 4);
	free(html);
	json_decref(r);
}

static void passed(void)
{
	json_t *r = small();
	char *html = r ? page(r) : NULL;

	CHECK(html);
	CHECK(strstr(html, "<p id=\"verdict\" class=\"pass\">all 6 checks passed</p>"));
	CHECK(strstr(html, "<title>prov trace: tiny-llm (sha256:1111"));
	CHECK(count(html, " failed\">") == 0);
	CHECK(count(html, "<tr class=\"fail\">") == 0);
	/* licenses sorted, whatever the report's order */
	CHECK(strstr(html, "<td>CC-BY-4.0: 1, MIT: 1</td>"));
	free(html);
	json_decref(r);
}

static void deterministic(void)
{
	json_t *r = hostile(), *again;
	char *a = NULL, *b = NULL, *text;

	CHECK(r && (text = json_dumps(r, JSON_PRESERVE_ORDER)));
	again = json_loads(text, 0, NULL);
	free(text);
	a = page(r);
	b = page(again);
	json_decref(r);
	json_decref(again);
	CHECK(a && b && !strcmp(a, b));
	free(a);
	free(b);
}

/* Labels are cut to fit their boxes, never inside a character. */
static void long_labels(void)
{
	json_t *r = small();
	char *html;

	CHECK(r);
	json_object_set_new(json_array_get(json_object_get(r, "models"), 0), "name",
			    json_string("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					"&&&&&"));
	html = page(r);
	json_decref(r);
	CHECK(html);
	/* "model " and 24 é, cut to 30 characters in the box */
	CHECK(strstr(html, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
			   "\xe2\x80\xa6</text>"));
	CHECK(strstr(html, "&amp;&amp;&amp;&amp;&amp;</h1>"));
	CHECK(utf8_valid(html));
	free(html);
}

static void fifty_nodes(void)
{
	json_t *r = large();
	char *html = r ? page(r) : NULL;

	CHECK(html);
	CHECK(count(html, "<g class=\"node ") == 50);
	CHECK(count(html, "<g class=\"node dataset failed\">") == 3);
	CHECK(count(html, "class=\"edge-label parent\"") == 2);
	free(html);
	json_decref(r);
}

static void bad_input(void)
{
	struct buf b = BUF_INIT;
	json_t *a = json_array(), *o = json_object();

	CHECK(trace_html(&b, a) == PROV_EINVALID);
	CHECK(trace_html(&b, o) == PROV_EINVALID);
	CHECK(b.len == 0);
	json_decref(a);
	json_decref(o);
	prov_error_clear();
}

static void golden(void)
{
	json_t *r = small();
	char *html = r ? page(r) : NULL;
	int same;

	CHECK(html);
	same = unit_golden("trace-report.html", html, strlen(html));
	free(html);
	json_decref(r);
	CHECK(same);
}

/* ---- pages for the browser ------------------------------------------------------ */

static int write_pair(const char *dir, const char *name, json_t *r)
{
	struct buf path = BUF_INIT;
	char *html = r ? page(r) : NULL;
	int rc = -1;

	buf_printf(&path, "%s/%s.json", dir, name);
	if (html && !json_dump_file(r, path.ptr, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) {
		buf_clear(&path);
		buf_printf(&path, "%s/%s.html", dir, name);
		rc = write_file_atomic(path.ptr, html, strlen(html), 0644, 0);
	}
	if (!r)
		fprintf(stderr, "cannot read %s (run from the top folder)\n", REPORT);
	else if (rc)
		fprintf(stderr, "cannot write %s: %s\n", path.ptr, prov_error_last());
	buf_release(&path);
	free(html);
	json_decref(r);
	return rc;
}

static int write_pages(const char *dir)
{
	return write_pair(dir, "small", small()) || write_pair(dir, "hostile", hostile()) ||
	       write_pair(dir, "large", large());
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_pages(argv[2]) ? 1 : 0;
	RUN(escape);
	RUN(hostile_escaped);
	RUN(failed_first);
	RUN(failed_nodes);
	RUN(passed);
	RUN(deterministic);
	RUN(long_labels);
	RUN(fifty_nodes);
	RUN(bad_input);
	RUN(golden);
	return unit_done();
}

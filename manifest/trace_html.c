/* prov trace --html: the trace report (docs/trace.md) as one self-contained
 * HTML5 page: the verdict, the lineage drawn as inline SVG, the checks
 * (failed first), each dataset's failing items, the people to credit, and
 * what a trace does and does not establish. No script and no external URL,
 * so the page can be archived, mailed and opened offline as it is; its
 * Content-Security-Policy forbids scripts, should an escape ever be missed.
 *
 * Every string in a report comes from signed but untrusted records (names,
 * paths, reasons) and goes through html_escape. The page is a function of
 * the report alone, with no clock and no locale: same report, same bytes. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

/* ---- escaping ---------------------------------------------------------------- */

/* Code points drawn as "\u202e" rather than passed on: the bidi embedding,
 * override and isolate controls, with which a name could display as
 * another. */
static int bidi_control(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The code point of the valid UTF-8 sequence at p, n bytes long. */
static unsigned code_point(const unsigned char *p, size_t *n)
{
	static const unsigned char mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned cp;

	*n = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	cp = p[0] & mask[*n];
	for (size_t i = 1; i < *n; i++)
		cp = cp << 6 | (p[i] & 0x3fu);
	return cp;
}

static void escape_one(struct buf *b, const unsigned char *p, size_t n,
		       unsigned cp)
{
	switch (cp) {
	case '&': buf_puts(b, "&amp;"); return;
	case '<': buf_puts(b, "&lt;"); return;
	case '>': buf_puts(b, "&gt;"); return;
	case '"': buf_puts(b, "&quot;"); return;
	case '\'': buf_puts(b, "&#39;"); return;
	}
	/* Control characters are parse errors in HTML, and invisible: show
	 * them as the terminal output does (cli_esc). */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		buf_printf(b, "\\x%02x", cp);
	else if (bidi_control(cp))
		buf_printf(b, "\\u%04x", cp);
	else
		buf_put(b, p, n);
}

/* html_escape, keeping the first limit characters (0: all) and marking a
 * cut with an ellipsis: box labels in the graph have a fixed width. */
static int escape_cut(struct buf *out, const char *s, size_t limit)
{
	struct buf b = BUF_INIT;
	char *clean = utf8_sanitize(s ? s : "(none)"); /* bad bytes: U+FFFD */
	const unsigned char *p = (const unsigned char *)clean;
	size_t chars = 0, n;
	int rc;

	for (; *p; p += n, chars++) {
		unsigned cp = code_point(p, &n);
		if (limit && chars == limit) {
			buf_puts(&b, "\xe2\x80\xa6");
			break;
		}
		escape_one(&b, p, n, cp);
	}
	rc = buf_put(out, b.ptr, b.len);
	buf_release(&b);
	free(clean);
	return rc;
}

int html_escape(struct buf *out, const char *s)
{
	return escape_cut(out, s, 0);
}

/* ---- the page's helpers ---------------------------------------------------------
 * The page is built in a buffer without a maximum, where writes cannot
 * fail; trace_html copies it into the caller's at the end. */

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void esc(struct buf *b, const char *s)
{
	escape_cut(b, s, 0);
}

static void num(struct buf *b, const json_t *v)
{
	if (json_is_integer(v))
		buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		buf_puts(b, "?");
}

static int is_failed(const json_t *check)
{
	return !json_is_true(json_object_get(check, "ok"));
}

static size_t count_failed(const json_t *checks)
{
	const json_t *c;
	size_t i, n = 0;

	json_array_foreach (checks, i, c)
		n += is_failed(c);
	return n;
}

/* ---- the lineage graph ----------------------------------------------------------
 * Three columns: models, runs, datasets. Datasets take one row each in the
 * report's order (which is the walk's, so grouped by run); each run sits
 * level with its first dataset and each model with its run, or below the
 * one before when that place is taken. Arrows: model -> run
 * "trained by", run -> dataset "used", and model -> parent as a curve left
 * of the models column. A record the report names but could not load is
 * drawn too, marked "not found". A node that a failed check names is
 * outlined in FAIL_RED, a colour used nowhere else, so that a screenshot
 * can tell. */

enum kind { MODEL, RUN, DATASET, KINDS };
static const char *const kind_name[KINDS] = { "model", "run", "dataset" };
static const char *const column_name[KINDS] = { "models", "runs", "datasets" };

#define BOX_W	  250
#define BOX_H	  62
#define COL_GAP	  110
#define ROW_GAP	  22
#define MARGIN_L  90 /* room for the parent curves */
#define MARGIN_T  34 /* room for the column names */
#define PITCH	  (BOX_H + ROW_GAP)
#define LABEL_MAX 30 /* characters in a box's line */
#define FAIL_RED  "#e00000"

struct node {
	const char *id;
	enum kind kind;
	const json_t *e; /* the report's entry; NULL: not found */
	int failed;
	int x, y; /* y: -1 until placed */
};

struct graph {
	struct node *v;
	size_t n, cap;
	int bottom; /* below the lowest box */
};

static struct node *find_node(struct graph *g, const char *id, enum kind k)
{
	for (size_t i = 0; id && i < g->n; i++)
		if (g->v[i].kind == k && !strcmp(g->v[i].id, id))
			return &g->v[i];
	return NULL;
}

static void add_node(struct graph *g, const char *id, enum kind k,
		     const json_t *e, const json_t *failed_ids)
{
	struct node *nd;

	if (!id || find_node(g, id, k))
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->v = xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	nd = &g->v[g->n++];
	*nd = (struct node){ .id = id, .kind = k, .e = e };
	nd->failed = json_object_get(failed_ids, id) != NULL;
	nd->x = MARGIN_L + (int)k * (BOX_W + COL_GAP);
	nd->y = -1;
}

/* Every node: the report's entries, then what they name but the report
 * lacks (the trace could not load it). */
static void collect(struct graph *g, const json_t *r, const json_t *failed_ids)
{
	const json_t *models = json_object_get(r, "models");
	const json_t *runs = json_object_get(r, "runs"), *e, *d;
	size_t i, k;

	json_array_foreach (models, i, e)
		add_node(g, str(e, "id"), MODEL, e, failed_ids);
	if (!json_array_size(models))
		add_node(g, str(r, "model"), MODEL, NULL, failed_ids);
	json_array_foreach (models, i, e)
		add_node(g, str(e, "parent"), MODEL, NULL, failed_ids);
	json_array_foreach (runs, i, e)
		add_node(g, str(e, "id"), RUN, e, failed_ids);
	json_array_foreach (models, i, e)
		add_node(g, str(e, "run"), RUN, NULL, failed_ids);
	json_array_foreach (json_object_get(r, "datasets"), i, e)
		add_node(g, str(e, "id"), DATASET, e, failed_ids);
	json_array_foreach (runs, i, e)
		json_array_foreach (json_object_get(e, "datasets"), k, d)
			add_node(g, str(d, "id"), DATASET, NULL, failed_ids);
}

/* The top of the first box of a run's datasets; -1 without any. Level with
 * it rather than their middle, so the traced model opens the page. */
static int first_dataset_row(struct graph *g, const struct node *run)
{
	const json_t *d;
	size_t i;

	json_array_foreach (json_object_get(run->e, "datasets"), i, d) {
		const struct node *ds = find_node(g, str(d, "id"), DATASET);
		if (ds)
			return ds->y;
	}
	return -1;
}

static int run_row(struct graph *g, const struct node *m)
{
	const struct node *run = m->e ? find_node(g, str(m->e, "run"), RUN) : NULL;

	return run ? run->y : -1;
}

/* Places the column's nodes in order, each at its wish or, when that is
 * taken or it has none, just below the one before. */
static void place(struct graph *g, enum kind k)
{
	int next = MARGIN_T;

	for (size_t i = 0; i < g->n; i++) {
		struct node *nd = &g->v[i];
		int want = -1;
		if (nd->kind != k)
			continue;
		if (k == RUN)
			want = first_dataset_row(g, nd);
		else if (k == MODEL)
			want = run_row(g, nd);
		nd->y = want > next ? want : next;
		next = nd->y + PITCH;
		if (next > g->bottom)
			g->bottom = next;
	}
}

static void layout(struct graph *g)
{
	g->bottom = MARGIN_T + PITCH;
	place(g, DATASET);
	place(g, RUN);
	place(g, MODEL);
}

static void edge(struct buf *b, const struct node *from, const struct node *to,
		 const char *label)
{
	int x1 = from->x + BOX_W, y1 = from->y + BOX_H / 2;
	int x2 = to->x - 2, y2 = to->y + BOX_H / 2;

	buf_printf(b,
		   "<line class=\"edge\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		   "marker-end=\"url(#arrow)\"/>\n"
		   "<text class=\"edge-label\" x=\"%d\" y=\"%d\">%s</text>\n",
		   x1, y1, x2, y2, (x1 + x2) / 2, (y1 + y2) / 2 - 5, label);
}

/* A parent arrow stays in the models column: a curve out to the left. */
static void parent_edge(struct buf *b, const struct node *from,
			const struct node *to)
{
	int x = from->x - 2, y1 = from->y + BOX_H / 2, y2 = to->y + BOX_H / 2;

	buf_printf(b,
		   "<path class=\"edge\" d=\"M%d %d C%d %d %d %d %d %d\" "
		   "marker-end=\"url(#arrow)\"/>\n"
		   "<text class=\"edge-label parent\" x=\"%d\" y=\"%d\">parent</text>\n",
		   x, y1, x - 60, y1, x - 60, y2, x, y2, x - 48, (y1 + y2) / 2 + 4);
}

static void edges(struct buf *b, struct graph *g, const json_t *r)
{
	const json_t *e, *d;
	size_t i, k;

	json_array_foreach (json_object_get(r, "models"), i, e) {
		struct node *m = find_node(g, str(e, "id"), MODEL);
		struct node *run = find_node(g, str(e, "run"), RUN);
		struct node *parent = find_node(g, str(e, "parent"), MODEL);
		if (m && run)
			edge(b, m, run, "trained by");
		if (m && parent)
			parent_edge(b, m, parent);
	}
	json_array_foreach (json_object_get(r, "runs"), i, e) {
		struct node *run = find_node(g, str(e, "id"), RUN);
		json_array_foreach (json_object_get(e, "datasets"), k, d) {
			struct node *ds = find_node(g, str(d, "id"), DATASET);
			if (run && ds)
				edge(b, run, ds, "used");
		}
	}
}

/* One line of a box, cut to fit: the box clips what is still too wide. */
static void box_line(struct buf *b, const struct node *nd, int line,
		     const char *cls, const char *prefix, const char *s)
{
	size_t room = strlen(prefix) < LABEL_MAX - 8 ? LABEL_MAX - strlen(prefix) : 8;

	buf_printf(b, "<text class=\"%s\" x=\"%d\" y=\"%d\">%s", cls, nd->x + 10,
		   nd->y + 19 + 17 * line, prefix);
	escape_cut(b, s, room);
	buf_puts(b, "</text>\n");
}

static void box_text(struct buf *b, const struct node *nd)
{
	const json_t *e = nd->e, *n = json_object_get(e, "included");
	char items[64] = "? items, ";

	if (nd->kind == DATASET && e) {
		struct buf name = BUF_INIT;
		buf_printf(&name, "%s@%s", str(e, "name") ?: "?",
			   str(e, "version") ?: "?");
		box_line(b, nd, 0, "name", "dataset ", name.ptr);
		buf_release(&name);
	} else if (nd->kind == MODEL && e) {
		box_line(b, nd, 0, "name", "model ", str(e, "name"));
	} else {
		box_line(b, nd, 0, "name", kind_name[nd->kind], "");
	}
	box_line(b, nd, 1, "id", "", nd->id);
	if (!e) {
		box_line(b, nd, 2, "sub", "", "not found");
	} else if (nd->kind == MODEL) {
		box_line(b, nd, 2, "sub", "owner ", str(e, "owner"));
	} else if (nd->kind == RUN) {
		box_line(b, nd, 2, "sub", "provider ", str(e, "provider"));
	} else {
		if (json_is_integer(n))
			snprintf(items, sizeof(items),
				 "%" JSON_INTEGER_FORMAT " items, ",
				 json_integer_value(n));
		box_line(b, nd, 2, "sub", items, str(e, "purpose"));
	}
}

static void box(struct buf *b, const struct node *nd, size_t i)
{
	buf_printf(b, "<g class=\"node %s%s\">\n<title>%s ", kind_name[nd->kind],
		   nd->failed ? " failed" : "", kind_name[nd->kind]);
	esc(b, nd->id);
	buf_printf(b,
		   "%s</title>\n<rect class=\"box\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		   "rx=\"6\"/>\n<clipPath id=\"clip-%zu\"><rect x=\"%d\" y=\"%d\" "
		   "width=\"%d\" height=\"%d\"/></clipPath>\n"
		   "<g clip-path=\"url(#clip-%zu)\">\n",
		   nd->failed ? " (a check failed)" : "", nd->x, nd->y, BOX_W, BOX_H,
		   i, nd->x + 4, nd->y, BOX_W - 8, BOX_H, i);
	box_text(b, nd);
	buf_puts(b, "</g>\n</g>\n");
}

static void lineage(struct buf *b, const json_t *r, const json_t *failed_ids)
{
	struct graph g = { 0 };
	int width = MARGIN_L + KINDS * BOX_W + (KINDS - 1) * COL_GAP + 20;

	collect(&g, r, failed_ids);
	layout(&g);
	buf_printf(b,
		   "<svg id=\"lineage\" xmlns=\"http://www.w3.org/2000/svg\" "
		   "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		   "aria-label=\"the model's lineage\">\n"
		   "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
		   "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
		   "orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" "
		   "fill=\"#5f6368\"/></marker></defs>\n",
		   width, g.bottom, width, g.bottom);
	for (int k = 0; k < KINDS; k++)
		buf_printf(b, "<text class=\"column\" x=\"%d\" y=\"20\">%s</text>\n",
			   MARGIN_L + k * (BOX_W + COL_GAP) + BOX_W / 2,
			   column_name[k]);
	edges(b, &g, r);
	for (size_t i = 0; i < g.n; i++)
		box(b, &g.v[i], i);
	buf_puts(b, "</svg>\n");
	free(g.v);
}

/* ---- the tables ------------------------------------------------------------------ */

static void check_row(struct buf *b, const json_t *c)
{
	int bad = is_failed(c);

	buf_printf(b, "<tr class=\"%s\"><td>", bad ? "fail" : "pass");
	esc(b, str(c, "check"));
	buf_puts(b, "</td><td><code>");
	esc(b, str(c, "subject"));
	buf_printf(b, "</code></td><td>%s</td><td>", bad ? "FAILED" : "passed");
	esc(b, str(c, "detail"));
	buf_puts(b, "</td></tr>\n");
}

/* Failed checks first, each group in the report's order. */
static void checks_table(struct buf *b, const json_t *checks)
{
	const json_t *c;
	size_t i;

	buf_puts(b, "<h2>Checks</h2>\n<table id=\"checks\">\n<thead><tr><th>check"
		    "</th><th>subject</th><th>result</th><th>detail</th></tr>"
		    "</thead>\n<tbody>\n");
	for (int pass = 0; pass < 2; pass++)
		json_array_foreach (checks, i, c)
			if (is_failed(c) == !pass)
				check_row(b, c);
	buf_puts(b, "</tbody>\n</table>\n");
}

static void failures_table(struct buf *b, const json_t *failures)
{
	const json_t *f;
	size_t i;

	if (!json_array_size(failures)) {
		buf_puts(b, "<p>No item fails a check.</p>\n");
		return;
	}
	buf_printf(b, "<p>%zu failing item%s listed (at most 1,000):</p>\n"
		      "<table class=\"failures\">\n<thead><tr><th>check</th><th>"
		      "sha256</th><th>path</th><th>why</th></tr></thead>\n<tbody>\n",
		   json_array_size(failures), json_array_size(failures) == 1 ? "" : "s");
	json_array_foreach (failures, i, f) {
		buf_puts(b, "<tr><td>");
		esc(b, str(f, "check"));
		buf_puts(b, "</td><td><code>");
		esc(b, str(f, "sha256"));
		buf_puts(b, "</code></td><td>");
		esc(b, str(f, "path"));
		buf_puts(b, "</td><td>");
		esc(b, str(f, "why"));
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

static void field(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "<dt>%s</dt><dd>", name);
	esc(b, value);
	buf_puts(b, "</dd>\n");
}

static void dataset(struct buf *b, const json_t *d)
{
	const json_t *u;
	size_t i;

	buf_puts(b, "<section class=\"dataset\">\n<h3>");
	esc(b, str(d, "name"));
	buf_putc(b, '@');
	esc(b, str(d, "version"));
	buf_puts(b, "</h3>\n<dl>\n");
	field(b, "id", str(d, "id"));
	field(b, "curator", str(d, "curator"));
	field(b, "purpose", str(d, "purpose"));
	buf_puts(b, "<dt>uses</dt><dd>");
	json_array_foreach (json_object_get(d, "uses"), i, u) {
		buf_puts(b, i ? ", " : "");
		esc(b, json_string_value(u));
	}
	buf_puts(b, "</dd>\n<dt>items</dt><dd>");
	num(b, json_object_get(d, "included"));
	buf_puts(b, "</dd>\n");
	field(b, "built", str(d, "created"));
	buf_puts(b, "</dl>\n");
	failures_table(b, json_object_get(d, "failures"));
	buf_puts(b, "</section>\n");
}

static void datasets(struct buf *b, const json_t *list)
{
	const json_t *d;
	size_t i;

	buf_puts(b, "<h2>Datasets</h2>\n");
	if (!json_array_size(list))
		buf_puts(b, "<p>No dataset record could be read.</p>\n");
	json_array_foreach (list, i, d)
		dataset(b, d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "CC-BY-4.0: 10, MIT: 2", by license name. */
static void license_counts(struct buf *b, const json_t *licenses)
{
	size_t n = json_object_size(licenses), i = 0;
	const char **keys = xmalloc((n ? n : 1) * sizeof(*keys));
	const char *key;
	const json_t *v;

	json_object_foreach ((json_t *)licenses, key, v)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		buf_puts(b, i ? ", " : "");
		esc(b, *keys[i] ? keys[i] : "(no license)");
		buf_puts(b, ": ");
		num(b, json_object_get(licenses, keys[i]));
	}
	free(keys);
}

static void people(struct buf *b, const json_t *r)
{
	const json_t *credits = json_object_get(r, "credits");
	const json_t *creators = json_object_get(r, "creators"), *c;
	size_t i;

	buf_puts(b, "<h2>People to credit</h2>\n");
	if (!json_array_size(credits))
		buf_puts(b, "<p>No item's license asks for attribution.</p>\n");
	else
		buf_puts(b, "<p>Credits owed (attribution):</p>\n<table id=\"credits\">"
			    "\n<thead><tr><th>creator</th><th>license</th><th>items"
			    "</th></tr></thead>\n<tbody>\n");
	json_array_foreach (credits, i, c) {
		buf_puts(b, "<tr><td><code>");
		esc(b, str(c, "creator"));
		buf_puts(b, "</code></td><td>");
		esc(b, str(c, "license"));
		buf_puts(b, "</td><td>");
		num(b, json_object_get(c, "items"));
		buf_puts(b, "</td></tr>\n");
	}
	if (json_array_size(credits))
		buf_puts(b, "</tbody>\n</table>\n");
	buf_printf(b, "<p>Creators: %zu</p>\n<table id=\"creators\">\n<thead><tr>"
		      "<th>creator</th><th>works</th><th>licenses</th></tr></thead>"
		      "\n<tbody>\n", json_array_size(creators));
	json_array_foreach (creators, i, c) {
		buf_puts(b, "<tr><td><code>");
		esc(b, str(c, "did"));
		buf_puts(b, "</code></td><td>");
		num(b, json_object_get(c, "works"));
		buf_puts(b, "</td><td>");
		license_counts(b, json_object_get(c, "licenses"));
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

static void statements(struct buf *b, const char *title, const char *id,
		       const json_t *list)
{
	const json_t *s;
	size_t i;

	buf_printf(b, "<h2>%s</h2>\n<ul id=\"%s\">\n", title, id);
	json_array_foreach (list, i, s) {
		buf_puts(b, "<li>");
		esc(b, json_string_value(s));
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ul>\n");
}

/* ---- the page ------------------------------------------------------------------------ */

static const char style[] =
	"body{font-family:\"DejaVu Sans\",Arial,sans-serif;margin:24px;"
	"color:#202124;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 4px}\n"
	"h2{font-size:18px;margin:28px 0 8px}\n"
	"h3{font-size:15px;margin:16px 0 4px}\n"
	"code,.id{font-family:\"DejaVu Sans Mono\",monospace;font-size:12px}\n"
	"td code{word-break:break-all}\n"
	"#verdict{font-size:18px;font-weight:bold;padding:10px 14px;"
	"border-radius:6px;margin:12px 0}\n"
	"#verdict.pass{background:#e6f4ea;color:#137333}\n"
	"#verdict.fail{background:#fce8e6;color:#a50e0e}\n"
	"table{border-collapse:collapse;font-size:13px;margin:4px 0}\n"
	"th,td{border:1px solid #dadce0;padding:4px 8px;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f1f3f4}\n"
	"tr.fail td{color:#a50e0e;background:#fef7f6}\n"
	"dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;"
	"font-size:13px;margin:4px 0}\n"
	"dt{color:#5f6368}dd{margin:0;word-break:break-all}\n"
	"#lineage{display:block;margin:8px 0}\n"
	"#lineage text{font-family:\"DejaVu Sans\",Arial,sans-serif;"
	"font-size:12px;fill:#202124}\n"
	"#lineage text.name{font-weight:bold}\n"
	"#lineage text.id{font-family:\"DejaVu Sans Mono\",monospace;"
	"font-size:11px}\n"
	"#lineage text.sub{fill:#5f6368;font-size:11px}\n"
	"#lineage text.column{font-weight:bold;text-anchor:middle;fill:#5f6368}\n"
	"#lineage text.edge-label{font-size:11px;fill:#5f6368;"
	"text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px}\n"
	"#lineage text.edge-label.parent{text-anchor:end}\n"
	"#lineage .edge{stroke:#5f6368;stroke-width:1.5;fill:none}\n"
	"#lineage rect.box{stroke:#5f6368;stroke-width:1.5}\n"
	"#lineage .model rect.box{fill:#e8f0fe}\n"
	"#lineage .run rect.box{fill:#fef7e0}\n"
	"#lineage .dataset rect.box{fill:#e6f4ea}\n"
	"#lineage .failed rect.box{stroke:" FAIL_RED ";stroke-width:3}\n";

static void head(struct buf *b, const json_t *r, const char *name)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\""
		    "default-src 'none'; style-src 'unsafe-inline'\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width\">\n"
		    "<title>prov trace: ");
	esc(b, name);
	buf_puts(b, " (");
	esc(b, str(r, "model"));
	buf_printf(b, ")</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void verdict(struct buf *b, const json_t *checks)
{
	size_t n = json_array_size(checks), bad = count_failed(checks);

	if (!n)
		buf_puts(b, "<p id=\"verdict\" class=\"fail\">no check was made</p>\n");
	else if (!bad)
		buf_printf(b, "<p id=\"verdict\" class=\"pass\">all %zu check%s "
			      "passed</p>\n", n, n == 1 ? "" : "s");
	else
		buf_printf(b, "<p id=\"verdict\" class=\"fail\">%zu of %zu check%s "
			      "failed</p>\n", bad, n, n == 1 ? "" : "s");
}

/* subject -> true for every failed check: the nodes to outline. */
static json_t *failed_subjects(const json_t *checks)
{
	json_t *set = json_object();
	const json_t *c;
	size_t i;

	json_array_foreach (checks, i, c)
		if (is_failed(c) && str(c, "subject"))
			json_object_set_new(set, str(c, "subject"), json_true());
	return set;
}

int trace_html(struct buf *out, const json_t *report)
{
	const json_t *checks = json_object_get(report, "checks");
	const json_t *first = json_array_get(json_object_get(report, "models"), 0);
	const char *name = str(first, "name") ?: "(model not found)";
	struct buf b = BUF_INIT;
	json_t *failed_ids;
	int rc;

	if (!json_is_object(report) || !json_is_array(checks))
		return prov_error_set(PROV_EINVALID, "not a trace report");
	failed_ids = failed_subjects(checks);
	head(&b, report, name);
	buf_puts(&b, "<h1>Lineage of model ");
	esc(&b, name);
	buf_puts(&b, "</h1>\n<p class=\"id\">");
	esc(&b, str(report, "model"));
	buf_puts(&b, "</p>\n");
	verdict(&b, checks);
	buf_puts(&b, "<h2>Lineage</h2>\n");
	lineage(&b, report, failed_ids);
	checks_table(&b, checks);
	datasets(&b, json_object_get(report, "datasets"));
	people(&b, report);
	statements(&b, "Verified", "verified", json_object_get(report, "verified"));
	statements(&b, "Not verified", "not-verified",
		   json_object_get(report, "not_verified"));
	buf_puts(&b, "</body>\n</html>\n");
	rc = buf_put(out, b.ptr, b.len);
	json_decref(failed_ids);
	buf_release(&b);
	return rc;
}

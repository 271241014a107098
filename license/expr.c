/* SPDX license ids and license expressions (SPDX specification v2.3,
 * annex D):
 *
 *   idstring   = 1*(ALPHA / DIGIT / "-" / ".")
 *   license-ref = ["DocumentRef-" idstring ":"] "LicenseRef-" idstring
 *   simple     = license-id / license-id "+" / license-ref
 *   compound   = simple / simple "WITH" exception-id
 *              / compound "AND" compound / compound "OR" compound
 *              / "(" compound ")"
 *
 * with "+" binding tightest, then WITH, then AND, then OR (D.4). Operators
 * are matched case-sensitively and ids case-insensitively (D.2); the ABNF
 * literals "LicenseRef-" and "DocumentRef-" are case-insensitive as ABNF
 * strings are, and are written back in their canonical case.
 *
 * Expressions come from records and command lines, so they are untrusted:
 * the length and the nesting are capped, and messages show the input with
 * control bytes escaped. Positions in messages are 0-based byte offsets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "license.h"
#include "spdx_ids.h"
#include "tree.h"

#define EXPR_MAX 4096 /* bytes; real expressions are a few dozen */
#define DEPTH_MAX 64  /* parentheses; bounds the parser's recursion */

static int fold(char c)
{
	unsigned char u = (unsigned char)c;
	return u >= 'A' && u <= 'Z' ? u - 'A' + 'a' : u;
}

/* strcasecmp of the n bytes at s (no NUL among them) against id. */
static int slice_casecmp(const char *s, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		int d = fold(s[i]) - fold(id[i]);
		/* also stops at id's NUL, as s[i] is never NUL */
		if (d)
			return d;
	}
	return -fold(id[n]);
}

static const struct spdx_id *lookup(const struct spdx_id *tab, size_t count,
				    const char *s, size_t n)
{
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = slice_casecmp(s, n, tab[mid].id);
		if (d == 0)
			return &tab[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int license_id_known(const char *id, const char **canonical)
{
	const struct spdx_id *e =
		lookup(spdx_licenses, spdx_licenses_count, id, strlen(id));

	if (canonical)
		*canonical = e ? e->id : NULL;
	return e != NULL;
}

int license_exception_known(const char *id, const char **canonical)
{
	const struct spdx_id *e =
		lookup(spdx_exceptions, spdx_exceptions_count, id, strlen(id));

	if (canonical)
		*canonical = e ? e->id : NULL;
	return e != NULL;
}

/* The table's LicenseRef- entry named "LicenseRef-" + name[0..n). */
static const struct license_info *lookup_ref(const char *name, size_t n)
{
	for (size_t i = 0; i < license_table_count; i++) {
		const char *id = license_table[i].id;
		if (!strncmp(id, "LicenseRef-", 11) &&
		    slice_casecmp(name, n, id + 11) == 0)
			return &license_table[i];
	}
	return NULL;
}

/* ---- suggestions ------------------------------------------------------- */

#define SUGGEST_MAX 64 /* longer words get no suggestion: bounds the work */

/* Optimal string alignment distance (edits, and swaps of neighbours),
 * case-insensitive, or limit + 1 once it must exceed limit. */
static size_t distance(const char *a, size_t n, const char *b, size_t limit)
{
	size_t m = strlen(b), rows[3][SUGGEST_MAX + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];

	if (m > SUGGEST_MAX || (n > m ? n - m : m - n) > limit)
		return limit + 1;
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t best = cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = fold(a[i - 1]) != fold(b[j - 1]);
			size_t d = prev[j - 1] + cost;
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > limit)
			return limit + 1;
		size_t *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[m];
}

/* How far a guess may be from what was typed: a third of the longer of
 * the two, at least one edit and at most three, so "CC-BY-4" finds
 * CC-BY-4.0 but "Foo" finds nothing. */
static size_t near_enough(size_t n, const char *candidate)
{
	size_t m = strlen(candidate), k = (n > m ? n : m) / 3;

	return k < 1 ? 1 : k > 3 ? 3 : k;
}

static void consider(const char *w, size_t n, const char *candidate,
		     const char **best, size_t *best_d)
{
	size_t limit = near_enough(n, candidate), d;

	if (limit > *best_d)
		limit = *best_d; /* only a strictly closer one replaces */
	d = distance(w, n, candidate, limit);
	if (d <= limit && d < *best_d) {
		*best = candidate;
		*best_d = d;
	}
}

/* A version left off: candidate is w followed by up to five of "0-9.-"
 * ("Classpath-exception" for Classpath-exception-2.0). Of several, the
 * latest version wins: "CC-BY" is most likely CC-BY-4.0. */
static void complete(const char *w, size_t n, const char *candidate,
		     const char **best)
{
	const char *rest = candidate + n;
	size_t m = strlen(candidate);

	if (m <= n || m - n > 5 || strspn(rest, "0123456789.-") != m - n ||
	    strncasecmp(candidate, w, n))
		return;
	if (!*best || strcmp(rest, *best + n) > 0)
		*best = candidate;
}

/* The nearest id to w[0..n): the table's ids first (on a tie they win),
 * then the rest of the SPDX list (or its exceptions). One edit away beats
 * a completed version, which beats two or three edits. */
static const char *suggest(const char *w, size_t n, int exceptions)
{
	const char *best = NULL, *completed = NULL;
	size_t best_d = (size_t)-1;

	if (n == 0 || n > SUGGEST_MAX)
		return NULL;
	if (exceptions) {
		for (size_t i = 0; i < spdx_exceptions_count; i++) {
			consider(w, n, spdx_exceptions[i].id, &best, &best_d);
			complete(w, n, spdx_exceptions[i].id, &completed);
		}
		return best && best_d <= 1 ? best : completed ? completed : best;
	}
	for (size_t i = 0; i < license_table_count; i++) {
		const char *id = license_table[i].id;
		consider(w, n, id, &best, &best_d);
		/* "OpenRAIL-M" is a LicenseRef- id without its prefix */
		if (!strncmp(id, "LicenseRef-", 11)) {
			const char *before = best;
			consider(w, n, id + 11, &best, &best_d);
			if (best != before)
				best = id;
		}
	}
	for (size_t i = 0; i < spdx_licenses_count; i++) {
		consider(w, n, spdx_licenses[i].id, &best, &best_d);
		complete(w, n, spdx_licenses[i].id, &completed);
	}
	return best && best_d <= 1 ? best : completed ? completed : best;
}

const char *license_suggest(const char *id)
{
	return suggest(id, strlen(id), 0);
}

/* ---- tokens ------------------------------------------------------------ */

enum tok_kind { TOK_END, TOK_OPEN, TOK_CLOSE, TOK_AND, TOK_OR, TOK_WITH, TOK_WORD };

struct token {
	enum tok_kind kind;
	size_t pos, len; /* where it is in the expression */
};

struct parser {
	const char *s;
	size_t n;
	size_t at;        /* where the next token starts looking */
	struct token tok; /* the current token */
	int depth;        /* open parentheses */
	int after_simple; /* the last term was a simple expression: WITH may follow */
	struct buf out;   /* the normalised expression so far */
	struct license_expr *tree; /* owns every node made so far */
	char expr[SHOW_SIZE], what[SHOW_SIZE]; /* for messages */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_idchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int word_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

static int has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && slice_casecmp(s, k, prefix) == 0;
}

/* A word runs to the next space or parenthesis; so "MIT AND(BSD-3-Clause)"
 * splits as the spec allows, while "MITANDBSD" stays one (unknown) word. */
static void next(struct parser *p)
{
	struct token *t = &p->tok;

	while (p->at < p->n && is_space(p->s[p->at]))
		p->at++;
	t->pos = p->at;
	t->len = 0;
	if (p->at == p->n) {
		t->kind = TOK_END;
		return;
	}
	if (p->s[p->at] == '(' || p->s[p->at] == ')') {
		t->kind = p->s[p->at] == '(' ? TOK_OPEN : TOK_CLOSE;
		t->len = 1;
		p->at++;
		return;
	}
	while (p->at < p->n && !is_space(p->s[p->at]) && p->s[p->at] != '(' &&
	       p->s[p->at] != ')')
		p->at++;
	t->len = p->at - t->pos;
	if (word_is(p->s + t->pos, t->len, "AND"))
		t->kind = TOK_AND;
	else if (word_is(p->s + t->pos, t->len, "OR"))
		t->kind = TOK_OR;
	else if (word_is(p->s + t->pos, t->len, "WITH"))
		t->kind = TOK_WITH;
	else
		t->kind = TOK_WORD;
}

/* "expected <what> at position N in '<expr>'", naming the token found
 * there unless the input ended. */
static int expected(struct parser *p, const char *what)
{
	const struct token *t = &p->tok;

	if (t->kind == TOK_END)
		return prov_error_set(PROV_EINVALID,
				      "expected %s at position %zu in '%s'", what,
				      t->pos, prov_show(p->expr, p->s, p->n));
	return prov_error_set(PROV_EINVALID,
			      "expected %s at position %zu in '%s', got '%s'",
			      what, t->pos, prov_show(p->expr, p->s, p->n),
			      prov_show(p->what, p->s + t->pos, t->len));
}

static int bad_char(struct parser *p, size_t pos)
{
	return prov_error_set(PROV_EINVALID,
			      "unexpected character '%s' at position %zu in '%s'",
			      prov_show(p->what, p->s + pos, 1), pos,
			      prov_show(p->expr, p->s, p->n));
}

/* Checks that s[0..n) is an idstring; pos is where s starts. */
static int check_idstring(struct parser *p, size_t pos, size_t n,
			  const char *what)
{
	if (n == 0)
		return prov_error_set(PROV_EINVALID,
				      "expected %s at position %zu in '%s'",
				      what, pos, prov_show(p->expr, p->s, p->n));
	for (size_t i = 0; i < n; i++)
		if (!is_idchar(p->s[pos + i]))
			return bad_char(p, pos + i);
	return 0;
}

/* What stands after a complete term when it is neither AND nor OR (nor,
 * inside parentheses, ')'). */
static int after_term(struct parser *p, size_t open)
{
	const struct token *t = &p->tok;
	const char *want = p->depth && p->after_simple ? "AND, OR, WITH or ')'"
			   : p->depth			   ? "AND, OR or ')'"
			   : p->after_simple		   ? "AND, OR or WITH"
							   : "AND or OR";
	char hint[64] = "";

	if (t->kind == TOK_END)
		return prov_error_set(PROV_EINVALID,
				      "missing ')' for the '(' at position %zu in '%s'",
				      open, prov_show(p->expr, p->s, p->n));
	if (t->kind == TOK_CLOSE)
		return prov_error_set(PROV_EINVALID,
				      "unbalanced ')' at position %zu in '%s'",
				      t->pos, prov_show(p->expr, p->s, p->n));
	if (t->kind == TOK_WITH)
		return prov_error_set(PROV_EINVALID,
				      "unexpected WITH at position %zu in '%s': WITH goes between a license id and an exception",
				      t->pos, prov_show(p->expr, p->s, p->n));
	if (t->kind == TOK_WORD) {
		const char *w = p->s + t->pos;
		static const char *const ops[] = { "AND", "OR", "WITH" };
		for (size_t i = 0; i < 3; i++)
			if (t->len == strlen(ops[i]) &&
			    slice_casecmp(w, t->len, ops[i]) == 0)
				snprintf(hint, sizeof(hint),
					 " (operators are upper case: %s)", ops[i]);
		if (w[0] == '+')
			snprintf(hint, sizeof(hint), " ('+' follows a license id without a space)");
	}
	return prov_error_set(PROV_EINVALID,
			      "expected %s at position %zu in '%s', got '%s'%s",
			      want, t->pos, prov_show(p->expr, p->s, p->n),
			      prov_show(p->what, p->s + t->pos, t->len), hint);
}

/* ---- the tree ------------------------------------------------------------ */

static struct license_node *node_new(struct parser *p, enum license_node_kind k)
{
	struct license_expr *t = p->tree;
	struct license_node *nd = xcalloc(1, sizeof(*nd));

	nd->kind = k;
	t->nodes = xrealloc(t->nodes, (t->nnodes + 1) * sizeof(*t->nodes));
	t->nodes[t->nnodes++] = nd;
	return nd;
}

static void node_add(struct license_node *nd, struct license_node *kid)
{
	nd->kids = xrealloc(nd->kids, (nd->nkids + 1) * sizeof(*nd->kids));
	nd->kids[nd->nkids++] = kid;
}

void license_expr_free(struct license_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nnodes; i++) {
		free(e->nodes[i]->id);
		free(e->nodes[i]->exception);
		free(e->nodes[i]->kids);
		free(e->nodes[i]);
	}
	free(e->nodes);
	free(e->normalised);
	free(e);
}

/* ---- grammar ------------------------------------------------------------- */

/* ["DocumentRef-" idstring ":"] "LicenseRef-" idstring */
static int parse_license_ref(struct parser *p)
{
	size_t pos = p->tok.pos, end = p->tok.pos + p->tok.len;
	const char *s = p->s;
	const struct license_info *known;
	int err, document = 0;

	if (has_prefix_ci(s + pos, end - pos, "DocumentRef-")) {
		size_t start = pos + strlen("DocumentRef-"), colon = start;
		while (colon < end && s[colon] != ':')
			colon++;
		if (colon == end)
			return prov_error_set(PROV_EINVALID,
					      "'%s' at position %zu in '%s' needs ':LicenseRef-<name>' after the document name",
					      prov_show(p->what, s + p->tok.pos, p->tok.len),
					      p->tok.pos, prov_show(p->expr, s, p->n));
		err = check_idstring(p, start, colon - start,
				     "a document name after 'DocumentRef-'");
		if (err)
			return err;
		buf_puts(&p->out, "DocumentRef-");
		buf_put(&p->out, s + start, colon - start);
		buf_putc(&p->out, ':');
		pos = colon + 1;
		document = 1;
		if (!has_prefix_ci(s + pos, end - pos, "LicenseRef-"))
			return prov_error_set(PROV_EINVALID,
					      "expected 'LicenseRef-' at position %zu in '%s'",
					      pos, prov_show(p->expr, s, p->n));
	}
	pos += strlen("LicenseRef-");
	for (size_t i = pos; i < end; i++)
		if (s[i] == '+')
			return prov_error_set(PROV_EINVALID,
					      "unexpected '+' at position %zu in '%s': '+' only follows an SPDX license id",
					      i, prov_show(p->expr, s, p->n));
	err = check_idstring(p, pos, end - pos, "a name after 'LicenseRef-'");
	if (err)
		return err;
	/* The table's own LicenseRef- ids are written as the table spells
	 * them, as SPDX ids are; ids are matched without regard to case. */
	known = document ? NULL : lookup_ref(s + pos, end - pos);
	if (known) {
		buf_puts(&p->out, known->id);
		return 0;
	}
	buf_puts(&p->out, "LicenseRef-");
	buf_put(&p->out, s + pos, end - pos);
	return 0;
}

static int unknown_id(struct parser *p, const char *w, size_t n, int exception)
{
	const char *near = suggest(w, n, exception);
	const char *what = exception ? "license exception" : "license id";

	if (near)
		return prov_error_set(PROV_EINVALID,
				      "unknown SPDX %s '%s' (did you mean %s?)", what,
				      prov_show(p->what, w, n), near);
	return prov_error_set(PROV_EINVALID,
			      "unknown SPDX %s '%s' (SPDX License List %s)", what,
			      prov_show(p->what, w, n), license_spdx_list_version);
}

/* license-id ["+"] / license-ref */
static int parse_simple(struct parser *p, struct license_node **out)
{
	const struct spdx_id *e;
	const char *w = p->s + p->tok.pos;
	size_t n = p->tok.len, start = p->out.len;
	int plus = 0, err;

	if (p->tok.kind != TOK_WORD)
		return expected(p, "a license id");
	if (has_prefix_ci(w, n, "LicenseRef-") ||
	    has_prefix_ci(w, n, "DocumentRef-")) {
		err = parse_license_ref(p);
		if (err)
			return err;
	} else {
		plus = n > 1 && w[n - 1] == '+';
		err = check_idstring(p, p->tok.pos, n - (size_t)plus,
				     "a license id");
		if (err)
			return err;
		e = lookup(spdx_licenses, spdx_licenses_count, w, n - (size_t)plus);
		if (!e) {
			if (lookup(spdx_exceptions, spdx_exceptions_count, w,
				   n - (size_t)plus))
				return prov_error_set(PROV_EINVALID,
						      "'%s' at position %zu in '%s' is a license exception, not a license: it goes after WITH",
						      prov_show(p->what, w, n), p->tok.pos,
						      prov_show(p->expr, p->s, p->n));
			return unknown_id(p, w, n - (size_t)plus, 0);
		}
		buf_puts(&p->out, e->id);
	}
	*out = node_new(p, LNODE_ID);
	(*out)->id = xstrndup(p->out.ptr + start, p->out.len - start);
	(*out)->plus = plus;
	if (plus)
		buf_putc(&p->out, '+');
	next(p);
	return 0;
}

static int parse_exception(struct parser *p, struct license_node *nd)
{
	const struct spdx_id *e;
	const char *w = p->s + p->tok.pos;
	size_t n = p->tok.len;
	int err;

	if (p->tok.kind != TOK_WORD)
		return expected(p, "a license exception id after WITH");
	err = check_idstring(p, p->tok.pos, n, "a license exception id");
	if (err)
		return err;
	e = lookup(spdx_exceptions, spdx_exceptions_count, w, n);
	if (!e) {
		if (lookup(spdx_licenses, spdx_licenses_count, w, n))
			return prov_error_set(PROV_EINVALID,
					      "'%s' at position %zu in '%s' is a license, not a license exception",
					      prov_show(p->what, w, n), p->tok.pos,
					      prov_show(p->expr, p->s, p->n));
		return unknown_id(p, w, n, 1);
	}
	buf_puts(&p->out, " WITH ");
	buf_puts(&p->out, e->id);
	nd->exception = xstrdup(e->id);
	next(p);
	return 0;
}

static int parse_and(struct parser *p, struct license_node **out);
static int parse_or(struct parser *p, struct license_node **out);

/* "(" compound ")" / simple ["WITH" exception] */
static int parse_term(struct parser *p, struct license_node **out)
{
	size_t open = p->tok.pos;
	int err;

	if (p->tok.kind != TOK_OPEN) {
		err = parse_simple(p, out);
		if (err)
			return err;
		p->after_simple = 1;
		if (p->tok.kind != TOK_WITH)
			return 0;
		next(p);
		p->after_simple = 0;
		return parse_exception(p, *out);
	}

	if (p->depth == DEPTH_MAX)
		return prov_error_set(PROV_EINVALID,
				      "parentheses nested deeper than %d at position %zu in '%s'",
				      DEPTH_MAX, open, prov_show(p->expr, p->s, p->n));
	p->depth++;
	buf_putc(&p->out, '(');
	next(p);
	err = parse_or(p, out);
	if (err)
		return err;
	if (p->tok.kind != TOK_CLOSE)
		return after_term(p, open);
	buf_putc(&p->out, ')');
	p->depth--;
	p->after_simple = 0;
	next(p);
	return 0;
}

/* operand (op operand)*, as one node with every operand */
static int parse_list(struct parser *p, struct license_node **out,
		      enum tok_kind op)
{
	struct license_node *kid = NULL, *list = NULL;
	int err = op == TOK_OR ? parse_and(p, &kid) : parse_term(p, &kid);

	while (!err && p->tok.kind == op) {
		if (!list) {
			list = node_new(p, op == TOK_OR ? LNODE_OR : LNODE_AND);
			node_add(list, kid);
		}
		buf_puts(&p->out, op == TOK_OR ? " OR " : " AND ");
		next(p);
		err = op == TOK_OR ? parse_and(p, &kid) : parse_term(p, &kid);
		if (!err)
			node_add(list, kid);
	}
	*out = list ? list : kid;
	return err;
}

static int parse_and(struct parser *p, struct license_node **out)
{
	return parse_list(p, out, TOK_AND);
}

static int parse_or(struct parser *p, struct license_node **out)
{
	return parse_list(p, out, TOK_OR);
}

int license_expr_parse(struct license_expr **out, const char *expr)
{
	struct parser p = { .s = expr, .out = BUF_INIT };
	struct license_node *root = NULL;
	int err;

	*out = NULL;
	p.tree = xcalloc(1, sizeof(*p.tree));
	p.n = strnlen(expr, EXPR_MAX + 1);
	if (p.n > EXPR_MAX) {
		err = prov_error_set(PROV_EINVALID,
				     "license expression '%s' is longer than %d bytes",
				     prov_show(p.expr, expr, p.n), EXPR_MAX);
		goto done;
	}

	next(&p);
	if (p.tok.kind == TOK_END) {
		err = prov_error_set(PROV_EINVALID, "license expression is empty");
		goto done;
	}
	/* The output needs no bound of its own: it is at most the input with
	 * two spaces added around each operator, and the input is bounded. */
	err = parse_or(&p, &root);
	if (err)
		goto done;
	if (p.tok.kind != TOK_END) {
		err = after_term(&p, 0);
		goto done;
	}
	p.tree->root = root;
	p.tree->normalised = buf_detach(&p.out);
	*out = p.tree;
	p.tree = NULL;

done:
	license_expr_free(p.tree);
	buf_release(&p.out);
	return err;
}

int license_expr_check(const char *expr, char **normalised)
{
	struct license_expr *e = NULL;
	int err;

	if (normalised)
		*normalised = NULL;
	err = license_expr_parse(&e, expr);
	if (!err && normalised) {
		*normalised = e->normalised;
		e->normalised = NULL;
	}
	license_expr_free(e);
	return err;
}

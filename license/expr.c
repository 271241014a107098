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
#include <string.h>

#include "license.h"
#include "spdx_ids.h"

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

/* ---- messages ---------------------------------------------------------- */


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

/* ---- grammar ------------------------------------------------------------- */

/* ["DocumentRef-" idstring ":"] "LicenseRef-" idstring */
static int parse_license_ref(struct parser *p)
{
	size_t pos = p->tok.pos, end = p->tok.pos + p->tok.len;
	const char *s = p->s;
	int err;

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
	buf_puts(&p->out, "LicenseRef-");
	buf_put(&p->out, s + pos, end - pos);
	return 0;
}

/* license-id ["+"] / license-ref */
static int parse_simple(struct parser *p)
{
	const struct spdx_id *e;
	const char *w = p->s + p->tok.pos;
	size_t n = p->tok.len;
	int plus, err;

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
			return prov_error_set(PROV_EINVALID,
					      "unknown SPDX license id '%s' (SPDX License List %s)",
					      prov_show(p->what, w, n - (size_t)plus),
					      license_spdx_list_version);
		}
		buf_puts(&p->out, e->id);
		if (plus)
			buf_putc(&p->out, '+');
	}
	next(p);
	return 0;
}

static int parse_exception(struct parser *p)
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
		return prov_error_set(PROV_EINVALID,
				      "unknown SPDX license exception '%s' (SPDX License List %s)",
				      prov_show(p->what, w, n), license_spdx_list_version);
	}
	buf_puts(&p->out, " WITH ");
	buf_puts(&p->out, e->id);
	next(p);
	return 0;
}

static int parse_or(struct parser *p);

/* "(" compound ")" / simple ["WITH" exception] */
static int parse_term(struct parser *p)
{
	size_t open = p->tok.pos;
	int err;

	if (p->tok.kind != TOK_OPEN) {
		err = parse_simple(p);
		if (err)
			return err;
		p->after_simple = 1;
		if (p->tok.kind != TOK_WITH)
			return 0;
		next(p);
		p->after_simple = 0;
		return parse_exception(p);
	}

	if (p->depth == DEPTH_MAX)
		return prov_error_set(PROV_EINVALID,
				      "parentheses nested deeper than %d at position %zu in '%s'",
				      DEPTH_MAX, open, prov_show(p->expr, p->s, p->n));
	p->depth++;
	buf_putc(&p->out, '(');
	next(p);
	err = parse_or(p);
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

static int parse_and(struct parser *p)
{
	int err = parse_term(p);

	while (!err && p->tok.kind == TOK_AND) {
		buf_puts(&p->out, " AND ");
		next(p);
		err = parse_term(p);
	}
	return err;
}

static int parse_or(struct parser *p)
{
	int err = parse_and(p);

	while (!err && p->tok.kind == TOK_OR) {
		buf_puts(&p->out, " OR ");
		next(p);
		err = parse_and(p);
	}
	return err;
}

int license_expr_check(const char *expr, char **normalised)
{
	struct parser p = { .s = expr, .out = BUF_INIT };
	int err;

	if (normalised)
		*normalised = NULL;
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
	err = parse_or(&p);
	if (err)
		goto done;
	if (p.tok.kind != TOK_END) {
		err = after_term(&p, 0);
		goto done;
	}
	if (normalised)
		*normalised = buf_detach(&p.out);

done:
	buf_release(&p.out);
	return err;
}

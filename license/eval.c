/* License evaluation: does an SPDX expression permit a purpose and a set of
 * uses, and on what conditions?
 *
 * The expression is expanded into its alternatives (disjunctive normal
 * form: "(A OR B) AND C" is "A AND C" or "B AND C"), so a choice made for
 * one OR can never hide a conflict that another term brings in. Every term
 * of an alternative must allow the use (the most restrictive term wins);
 * any allowed alternative will do, and the one chosen is the one with no
 * share-alike terms and the fewest obligations, the first on a tie. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "license.h"
#include "tree.h"

#define ALTS_MAX  1024	/* alternatives one expression may expand into */
#define SLOTS_MAX 65536 /* terms over all of them: bounds the memory */

/* ---- string lists ------------------------------------------------------ */

void license_strings_push(struct license_strings *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

int license_strings_has(const struct license_strings *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void license_strings_add(struct license_strings *l, const char *s)
{
	if (!license_strings_has(l, s))
		license_strings_push(l, s);
}

void license_strings_release(struct license_strings *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

__attribute__((format(printf, 2, 3))) static void
addf(struct license_strings *l, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	license_strings_add(l, b.ptr);
	buf_release(&b);
}

static void add_all(struct license_strings *to,
		    const struct license_strings *from)
{
	for (size_t i = 0; i < from->n; i++)
		license_strings_add(to, from->v[i]);
}

/* "a, b, c" into b (appended). */
static void join(struct buf *b, const struct license_strings *l,
		 const char *sep)
{
	for (size_t i = 0; i < l->n; i++)
		buf_printf(b, "%s%s", i ? sep : "", l->v[i]);
}

/* Families in both a and b, into out (which starts empty). */
static void intersect(struct license_strings *out,
		      const struct license_strings *a,
		      const struct license_strings *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (license_strings_has(b, a->v[i]))
			license_strings_add(out, a->v[i]);
}

/* ---- purposes ----------------------------------------------------------- */

static const char *const purposes[] = {"commercial", "noncommercial",
				       "research"};

int license_purpose_parse(enum license_purpose *out, const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, purposes[i])) {
			*out = (enum license_purpose)i;
			return 0;
		}
	return prov_error_set(PROV_EINVALID,
			      "'%s' is not a purpose (expected commercial, "
			      "noncommercial or research)",
			      s);
}

const char *license_purpose_name(enum license_purpose p)
{
	return (unsigned)p < 3 ? purposes[p] : "unknown";
}

/* ---- terms ------------------------------------------------------------- */

/* One simple expression (id, '+', WITH) judged on its own. */
struct term {
	char *key;   /* as the normalised expression writes it */
	char *label; /* the id and '+', as reasons name it */
	int allowed, strong_sa, attribution, undefined;
	struct license_strings why_not, notes, obligations, families;
};

static void term_release(struct term *t)
{
	free(t->key);
	free(t->label);
	license_strings_release(&t->why_not);
	license_strings_release(&t->notes);
	license_strings_release(&t->obligations);
	license_strings_release(&t->families);
}

static int is_ref(const char *id)
{
	return !strncasecmp(id, "LicenseRef-", 11) ||
	       !strncasecmp(id, "DocumentRef-", 12);
}

static void judge_purpose(struct term *t, unsigned flags,
			  const struct license_query *q)
{
	const char *l = t->label;

	if (flags & LICENSE_COMMERCIAL) {
		addf(&t->notes, "%s: %s use allowed", l,
		     license_purpose_name(q->purpose));
		return;
	}
	switch (q->purpose) {
	case LICENSE_PURPOSE_COMMERCIAL:
		addf(&t->why_not,
		     "%s: noncommercial only (NC): the purpose is commercial",
		     l);
		return;
	case LICENSE_PURPOSE_RESEARCH:
		addf(&t->notes,
		     "%s: noncommercial only (NC): research counts as "
		     "noncommercial",
		     l);
		break;
	default:
		addf(&t->notes,
		     "%s: noncommercial only (NC): the purpose is "
		     "noncommercial",
		     l);
		break;
	}
	addf(&t->obligations, "%s: keep the use noncommercial (NC)", l);
}

static void judge_derivatives(struct term *t, unsigned flags,
			      const struct license_query *q)
{
	const char *l = t->label;

	if (flags & LICENSE_DERIVATIVES) {
		if (q->distribute_weights)
			addf(&t->notes,
			     "%s: derivatives allowed: trained weights may be "
			     "distributed",
			     l);
		return;
	}
	if (q->distribute_weights) {
		addf(&t->why_not,
		     "%s: no derivatives (ND): trained weights may not be "
		     "distributed",
		     l);
		return;
	}
	addf(&t->notes,
	     "%s: no derivatives (ND): allowed because trained weights are not "
	     "distributed",
	     l);
	addf(&t->obligations,
	     "%s: do not share trained weights or other adaptations (ND)", l);
}

static void judge_conditions(struct term *t, const struct license_info *e)
{
	const char *l = t->label;
	struct buf fams = BUF_INIT;

	if (e->flags & LICENSE_SHARE_ALIKE) {
		license_families(&t->families, e->share_alike);
		if (!t->families.n)
			license_strings_add(&t->families, e->id);
		join(&fams, &t->families, ", ");
		if (e->flags & LICENSE_WEAK_COPYLEFT) {
			addf(&t->obligations,
			     "%s: weak copyleft: changes to the covered files "
			     "stay under %s, with source",
			     l, l);
		} else {
			t->strong_sa = 1;
			addf(&t->notes, "%s: share-alike (%s)", l, fams.ptr);
			addf(&t->obligations,
			     "%s: share-alike: adaptations that are shared, "
			     "trained weights included, must be licensed under "
			     "%s%s",
			     l, t->families.n > 1 ? "one of " : "", fams.ptr);
		}
	}
	if (e->flags & LICENSE_ATTRIBUTION) {
		t->attribution = 1;
		addf(&t->obligations,
		     "%s: attribution: credit the creators and name the "
		     "license",
		     l);
	}
	if (e->flags & LICENSE_USE_RESTRICTIONS)
		addf(&t->obligations,
		     "%s: use-based restrictions: honour them and pass them on "
		     "to the model's users and derivatives; the terms: %s",
		     l, e->note ? e->note : "see the license");
	buf_release(&fams);
}

static int judge(struct term *t, const struct license_node *nd,
		 const struct license_query *q)
{
	const struct license_info *e = NULL;
	struct license_info custom = {0};
	int rc;

	if (nd->plus)
		e = license_table_find(t->label);
	if (!e)
		e = license_table_find(nd->id);
	if (!e && is_ref(nd->id) && q->resolve) {
		rc = q->resolve(&custom, nd->id, q->resolve_payload);
		if (rc < 0)
			return rc;
		if (rc == 1)
			e = &custom;
	}
	if (!e) {
		if (is_ref(nd->id)) {
			const char *near = license_suggest(nd->id);
			t->undefined = 1;
			addf(&t->why_not,
			     "%s: not in prov's table, and no license record "
			     "defines it%s%s%s",
			     t->label, near ? " (did you mean " : "",
			     near ? near : "", near ? "?)" : "");
		} else {
			addf(&t->why_not,
			     "attributes of %s are not in prov's table "
			     "(treated as not allowed)",
			     t->label);
		}
		return 0;
	}
	if (e->source)
		addf(&t->notes, "%s: terms from %s", t->label, e->source);
	if (nd->plus && strcasecmp(e->id, t->label))
		addf(&t->notes, "%s: evaluated by the terms of %s", t->label,
		     e->id);
	if (nd->exception)
		addf(&t->notes,
		     "%s WITH %s: the exception is not evaluated; the terms of "
		     "%s apply",
		     t->label, nd->exception, t->label);
	if (e->flags & LICENSE_NO_CONDITIONS)
		addf(&t->notes, "%s: public domain / no conditions", t->label);
	judge_purpose(t, e->flags, q);
	judge_derivatives(t, e->flags, q);
	judge_conditions(t, e);
	t->allowed = t->why_not.n == 0;
	return 0;
}

/* ---- alternatives -------------------------------------------------------- */

struct alt {
	size_t *terms; /* indexes into struct eval's terms */
	size_t n;
};

struct alts {
	struct alt *v;
	size_t n;
};

struct eval {
	const struct license_query *q;
	const char *expr; /* for messages */
	struct term *terms;
	size_t nterms;
	size_t slots; /* term slots over all alternatives built */
};

static void alts_release(struct alts *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].terms);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static int too_many(struct eval *ev)
{
	char show[SHOW_SIZE];

	return prov_error_set(PROV_EINVALID,
			      "license expression '%s' expands into more than "
			      "%d alternatives",
			      prov_show(show, ev->expr, strlen(ev->expr)),
			      ALTS_MAX);
}

static int alt_push(struct eval *ev, struct alts *a, const size_t *terms,
		    size_t n, const size_t *more, size_t m)
{
	struct alt *x;

	if (a->n == ALTS_MAX || ev->slots + n + m > SLOTS_MAX)
		return too_many(ev);
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	x = &a->v[a->n++];
	x->terms = xcalloc(n + m + 1, sizeof(*x->terms));
	x->n = 0;
	for (size_t i = 0; i < n + m; i++) {
		size_t t = i < n ? terms[i] : more[i - n], j;
		for (j = 0; j < x->n && x->terms[j] != t; j++)
			;
		if (j == x->n) /* "MIT AND MIT" is one term */
			x->terms[x->n++] = t;
	}
	ev->slots += x->n;
	return 0;
}

static int term_index(struct eval *ev, const struct license_node *nd,
		      size_t *out)
{
	struct buf key = BUF_INIT;
	struct term *t;
	int rc;

	buf_printf(&key, "%s%s", nd->id, nd->plus ? "+" : "");
	if (nd->exception)
		buf_printf(&key, " WITH %s", nd->exception);
	for (size_t i = 0; i < ev->nterms; i++)
		if (!strcmp(ev->terms[i].key, key.ptr)) {
			*out = i;
			buf_release(&key);
			return 0;
		}
	ev->terms = xrealloc(ev->terms, (ev->nterms + 1) * sizeof(*ev->terms));
	t = &ev->terms[ev->nterms++];
	memset(t, 0, sizeof(*t));
	t->key = buf_detach(&key);
	t->label = xasprintf("%s%s", nd->id, nd->plus ? "+" : "");
	*out = ev->nterms - 1;
	rc = judge(t, nd, ev->q);
	buf_release(&key);
	return rc;
}

/* The alternatives of a subtree, into out (empty on entry). */
static int expand(struct eval *ev, const struct license_node *nd,
		  struct alts *out)
{
	struct alts kid = {0}, acc = {0}, next = {0};
	size_t t;
	int rc = 0;

	if (nd->kind == LNODE_ID) {
		if (!(rc = term_index(ev, nd, &t)))
			rc = alt_push(ev, out, &t, 1, NULL, 0);
		return rc;
	}
	if (nd->kind == LNODE_OR) {
		for (size_t i = 0; !rc && i < nd->nkids; i++) {
			rc = expand(ev, nd->kids[i], &kid);
			for (size_t j = 0; !rc && j < kid.n; j++)
				rc = alt_push(ev, out, kid.v[j].terms,
					      kid.v[j].n, NULL, 0);
			alts_release(&kid);
		}
		return rc;
	}
	/* AND: every combination of one alternative from each operand */
	rc = alt_push(ev, &acc, NULL, 0, NULL, 0);
	for (size_t i = 0; !rc && i < nd->nkids; i++) {
		rc = expand(ev, nd->kids[i], &kid);
		for (size_t a = 0; !rc && a < acc.n; a++)
			for (size_t b = 0; !rc && b < kid.n; b++)
				rc = alt_push(ev, &next, acc.v[a].terms,
					      acc.v[a].n, kid.v[b].terms,
					      kid.v[b].n);
		alts_release(&kid);
		alts_release(&acc);
		acc = next;
		next = (struct alts){0};
	}
	if (!rc)
		*out = acc;
	else
		alts_release(&acc);
	return rc;
}

/* An alternative judged as a whole. */
struct judged {
	int allowed, strong_sa;
	char *text;
	struct license_strings why_not, notes, obligations, families, sa_ids,
		attribution;
};

static void judged_release(struct judged *j)
{
	free(j->text);
	license_strings_release(&j->why_not);
	license_strings_release(&j->notes);
	license_strings_release(&j->obligations);
	license_strings_release(&j->families);
	license_strings_release(&j->sa_ids);
	license_strings_release(&j->attribution);
}

/* The first earlier work whose families share none with fams, else the
 * first of them all: whom a conflict is reported against. */
static size_t conflicting_work(const struct license_sa_set *s,
			       const struct license_strings *fams)
{
	for (size_t i = 0; i < s->labels.n; i++) {
		struct license_strings own = {0}, both = {0};
		int disjoint;
		license_families(&own, s->own.v[i]);
		intersect(&both, &own, fams);
		disjoint = both.n == 0;
		license_strings_release(&own);
		license_strings_release(&both);
		if (disjoint)
			return i;
	}
	return 0;
}

static void judge_alt(struct eval *ev, const struct alt *a, struct judged *j)
{
	const struct license_sa_set *combined = ev->q->combined;
	struct buf text = BUF_INIT, fams = BUF_INIT, ids = BUF_INIT;

	for (size_t i = 0; i < a->n; i++) {
		struct term *t = &ev->terms[a->terms[i]];
		buf_printf(&text, "%s%s", i ? " AND " : "", t->key);
		add_all(&j->why_not, &t->why_not);
		add_all(&j->notes, &t->notes);
		add_all(&j->obligations, &t->obligations);
		if (t->attribution)
			license_strings_add(&j->attribution, t->label);
		if (!t->strong_sa)
			continue;
		if (!j->strong_sa) {
			j->strong_sa = 1;
			add_all(&j->families, &t->families);
		} else {
			struct license_strings both = {0};
			intersect(&both, &j->families, &t->families);
			if (!both.n) {
				buf_clear(&fams);
				buf_clear(&ids);
				join(&fams, &j->families, ", ");
				join(&ids, &j->sa_ids, " AND ");
				addf(&j->why_not,
				     "share-alike conflict: %s (share-alike "
				     "%s) cannot be combined with %s "
				     "(share-alike %s)",
				     t->label, t->families.v[0], ids.ptr,
				     fams.ptr);
				license_strings_release(&both);
				continue;
			}
			license_strings_release(&j->families);
			j->families = both;
		}
		license_strings_add(&j->sa_ids, t->label);
	}
	if (j->strong_sa && combined && combined->labels.n) {
		struct license_strings both = {0};
		intersect(&both, &j->families, &combined->families);
		if (!both.n) {
			size_t w = conflicting_work(combined, &j->families);
			buf_clear(&fams);
			buf_clear(&ids);
			join(&fams, &j->families, ", ");
			join(&ids, &j->sa_ids, " AND ");
			addf(&j->why_not,
			     "share-alike conflict: %s (share-alike %s) cannot "
			     "be combined with '%s' (%s, share-alike %s), "
			     "already included",
			     ids.ptr, fams.ptr, combined->labels.v[w],
			     combined->terms.v[w], combined->own.v[w]);
		}
		license_strings_release(&both);
	}
	j->allowed = j->why_not.n == 0;
	j->text = buf_detach(&text);
	buf_release(&fams);
	buf_release(&ids);
}

/* j is a better choice than best: no share-alike beats share-alike, then
 * fewer obligations. */
static int better(const struct judged *j, const struct judged *best)
{
	if (!best)
		return 1;
	if (j->strong_sa != best->strong_sa)
		return !j->strong_sa;
	return j->obligations.n < best->obligations.n;
}

static void verdict_init(struct license_verdict *v)
{
	memset(v, 0, sizeof(*v));
}

int license_eval(struct license_verdict *out, const char *expr,
		 const struct license_query *q)
{
	struct license_expr *e = NULL;
	struct eval ev = {.q = q, .expr = expr};
	struct alts alts = {0};
	struct judged *js = NULL, *best = NULL;
	size_t nallowed = 0;
	int rc;

	verdict_init(out);
	if ((rc = license_expr_parse(&e, expr)))
		goto done;
	out->expression = xstrdup(e->normalised);
	if ((rc = expand(&ev, e->root, &alts)))
		goto done;
	for (size_t i = 0; i < ev.nterms; i++)
		if (ev.terms[i].undefined)
			license_strings_add(&out->undefined, ev.terms[i].label);
	js = xcalloc(alts.n, sizeof(*js));
	for (size_t i = 0; i < alts.n; i++) {
		judge_alt(&ev, &alts.v[i], &js[i]);
		if (js[i].allowed) {
			nallowed++;
			if (better(&js[i], best))
				best = &js[i];
		}
	}
	if (!best) {
		if (alts.n > 1)
			addf(&out->reasons,
			     "OR: none of the %zu alternatives allows it",
			     alts.n);
		for (size_t i = 0; i < alts.n; i++)
			add_all(&out->reasons, &js[i].why_not);
		goto done;
	}
	out->allowed = 1;
	if (alts.n > 1) {
		out->chosen = xstrdup(best->text);
		if (nallowed == 1)
			addf(&out->reasons,
			     "OR: chose '%s', the only one of %zu alternatives "
			     "that allows it",
			     best->text, alts.n);
		else
			addf(&out->reasons,
			     "OR: chose '%s': %zu of %zu alternatives allow "
			     "it, and it has the fewest conditions",
			     best->text, nallowed, alts.n);
	} else {
		/* one alternative: the expression itself, as written */
		out->chosen = xstrdup(e->normalised);
	}
	add_all(&out->reasons, &best->notes);
	add_all(&out->obligations, &best->obligations);
	add_all(&out->share_alike, &best->families);
	add_all(&out->share_alike_ids, &best->sa_ids);
	add_all(&out->attribution, &best->attribution);
done:
	for (size_t i = 0; js && i < alts.n; i++)
		judged_release(&js[i]);
	free(js);
	alts_release(&alts);
	for (size_t i = 0; i < ev.nterms; i++)
		term_release(&ev.terms[i]);
	free(ev.terms);
	license_expr_free(e);
	return rc;
}

/* ---- a work's own training permissions ------------------------------ */

int license_eval_permissions(struct license_verdict *v, const json_t *training,
			     const struct license_query *q)
{
	struct license_strings fails = {0}, notes = {0}, obligations = {0};

	if (training && !json_is_null(training) && !json_is_object(training)) {
		addf(&fails, "training permissions are not a JSON object");
		goto apply;
	}
	for (int u = 0; u < TRAINING_USES; u++) {
		const char *use = training_uses[u], *value, *info = NULL;
		const json_t *entry;

		if (!(q->uses & (1u << u)))
			continue;
		entry = training ? json_object_get(training, use) : NULL;
		if (!entry || json_is_null(entry))
			continue; /* not stated: the license decides */
		if (json_is_object(entry)) {
			value = json_string_value(
				json_object_get(entry, "use"));
			info = json_string_value(
				json_object_get(entry, "constraint_info"));
		} else {
			value = json_string_value(entry);
		}
		if (!value)
			addf(&fails, "training permissions: %s has no value",
			     use);
		else if (!strcmp(value, "allowed"))
			addf(&notes, "training permissions: %s allowed", use);
		else if (!strcmp(value, "notAllowed"))
			addf(&fails, "training permissions: %s is notAllowed",
			     use);
		else if (strcmp(value, "constrained"))
			addf(&fails,
			     "training permissions: %s has an unknown value",
			     use);
		else if (!info || !*info)
			addf(&fails,
			     "training permissions: %s is constrained, without "
			     "terms",
			     use);
		else {
			char show[SHOW_SIZE];
			addf(&notes, "training permissions: %s is constrained",
			     use);
			addf(&obligations,
			     "training permissions: %s is constrained: %s", use,
			     prov_show(show, info, strlen(info)));
		}
	}
apply:
	if (fails.n) {
		/* The reasons explain the verdict: if the license allowed the
		 * use, its notes no longer do. */
		if (v->allowed) {
			license_strings_release(&v->reasons);
			license_strings_release(&v->obligations);
			free(v->chosen);
			v->chosen = NULL;
		}
		v->allowed = 0;
		add_all(&v->reasons, &fails);
	} else if (v->allowed) {
		add_all(&v->reasons, &notes);
		add_all(&v->obligations, &obligations);
	}
	license_strings_release(&fails);
	license_strings_release(&notes);
	license_strings_release(&obligations);
	return 0;
}

void license_verdict_release(struct license_verdict *v)
{
	free(v->expression);
	free(v->chosen);
	license_strings_release(&v->reasons);
	license_strings_release(&v->obligations);
	license_strings_release(&v->share_alike);
	license_strings_release(&v->share_alike_ids);
	license_strings_release(&v->attribution);
	license_strings_release(&v->undefined);
	verdict_init(v);
}

static json_t *strings_json(const struct license_strings *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

json_t *license_verdict_json(const struct license_verdict *v)
{
	return json_pack("{s:b, s:s?, s:s?, s:o, s:o, s:{s:o, s:o}, s:o, s:o}",
			 "allowed", v->allowed, "expression", v->expression,
			 "chosen", v->chosen, "reasons",
			 strings_json(&v->reasons), "obligations",
			 strings_json(&v->obligations), "share_alike",
			 "families", strings_json(&v->share_alike), "licenses",
			 strings_json(&v->share_alike_ids), "attribution",
			 strings_json(&v->attribution), "undefined",
			 strings_json(&v->undefined));
}

/* ---- share-alike across works ----------------------------------------- */

void license_sa_init(struct license_sa_set *s)
{
	memset(s, 0, sizeof(*s));
}

void license_sa_release(struct license_sa_set *s)
{
	license_strings_release(&s->families);
	license_strings_release(&s->labels);
	license_strings_release(&s->terms);
	license_strings_release(&s->own);
}

int license_sa_add(struct license_sa_set *s, const struct license_verdict *v,
		   const char *label)
{
	struct license_strings both = {0};
	struct buf terms = BUF_INIT, own = BUF_INIT;
	int rc = 0;

	if (!v->allowed)
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not allowed: its share-alike "
				      "terms do not count",
				      label);
	if (!v->share_alike.n)
		return 0;
	join(&terms, &v->share_alike_ids, " AND ");
	join(&own, &v->share_alike, " ");
	if (s->labels.n) {
		intersect(&both, &s->families, &v->share_alike);
		if (!both.n) {
			size_t w = conflicting_work(s, &v->share_alike);
			rc = prov_error_set(
				PROV_EVERIFY,
				"share-alike conflict: '%s' (%s, share-alike "
				"%s) cannot be combined with '%s' (%s, "
				"share-alike %s)",
				label, terms.ptr, v->share_alike.v[0],
				s->labels.v[w], s->terms.v[w], s->own.v[w]);
			goto done;
		}
		license_strings_release(&s->families);
		s->families = both;
		both = (struct license_strings){0};
	} else {
		add_all(&s->families, &v->share_alike);
	}
	license_strings_push(&s->labels, label);
	license_strings_push(&s->terms, terms.ptr);
	license_strings_push(&s->own, own.ptr);
done:
	license_strings_release(&both);
	buf_release(&terms);
	buf_release(&own);
	return rc;
}

/* License evaluation: the table, every rule of the evaluator (OR, AND, NC,
 * ND, share-alike families within an expression and across works,
 * attribution, use restrictions, unknown attributes, custom licenses), a
 * work's own training permissions, and suggestions for unknown ids. */
#include <stdlib.h>
#include <strings.h>

#include "license/license.h"
#include "unit.h"

#define USE(name) (1u << training_use_index(name))

static struct license_query query(enum license_purpose p, unsigned uses,
				  int distribute)
{
	struct license_query q = {0};

	q.purpose = p;
	q.uses = uses;
	q.distribute_weights = distribute;
	return q;
}

/* l holds a string containing needle. */
static int holds(const struct license_strings *l, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], needle))
			return 1;
	fprintf(stderr, "no line contains '%s' in:\n", needle);
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "  %s\n", l->v[i]);
	return 0;
}

static int lacks(const struct license_strings *l, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], needle)) {
			fprintf(stderr, "'%s' holds '%s'\n", l->v[i], needle);
			return 0;
		}
	return 1;
}

/* Evaluates expr for q; the verdict must be want, and one reason must
 * contain reason (if not NULL). v is left for more checks. */
static int verdict(struct license_verdict *v, const char *expr,
		   const struct license_query *q, int want, const char *reason)
{
	if (license_eval(v, expr, q)) {
		fprintf(stderr, "license_eval('%s'): %s\n", expr,
			prov_error_last());
		return 0;
	}
	if (v->allowed != want) {
		fprintf(stderr, "'%s': allowed %d, want %d; reasons:\n", expr,
			v->allowed, want);
		for (size_t i = 0; i < v->reasons.n; i++)
			fprintf(stderr, "  %s\n", v->reasons.v[i]);
		return 0;
	}
	return !reason || holds(&v->reasons, reason);
}

/* Evaluates and releases: for one-line checks. */
static int is(const char *expr, const struct license_query *q, int want,
	      const char *reason)
{
	struct license_verdict v;
	int ok = verdict(&v, expr, q, want, reason);

	license_verdict_release(&v);
	return ok;
}

/* ---- the table ------------------------------------------------------- */

static void test_table_entries(void)
{
	CHECK(license_table_count > 90);
	for (size_t i = 0; i < license_table_count; i++) {
		const struct license_info *e = &license_table[i];
		const char *canonical = NULL;
		unsigned f = e->flags;

		CHECK(e->id && e->name && e->url && e->note && !e->source);
		CHECK(!strchr(e->note, '\n') && strlen(e->note) < 160);
		/* ids are unique, case aside */
		for (size_t j = 0; j < i; j++)
			CHECK(strcasecmp(license_table[j].id, e->id) != 0);
		CHECK(license_table_find(e->id) == e);
		/* an SPDX id is the list's, spelt as the list does */
		if (strncmp(e->id, "LicenseRef-", 11)) {
			CHECK(license_id_known(e->id, &canonical) == 1);
			CHECK_STR(canonical, e->id);
		} else {
			CHECK(license_id_known(e->id, NULL) == 0);
			CHECK(f & LICENSE_USE_RESTRICTIONS);
		}
		/* share-alike has families, and only share-alike does */
		CHECK(!!(f & LICENSE_SHARE_ALIKE) == (e->share_alike != NULL));
		CHECK(!(f & LICENSE_WEAK_COPYLEFT) ||
		      (f & LICENSE_SHARE_ALIKE));
		/* no conditions means none */
		if (f & LICENSE_NO_CONDITIONS)
			CHECK((f &
			       (LICENSE_COMMERCIAL | LICENSE_DERIVATIVES)) ==
				      (LICENSE_COMMERCIAL |
				       LICENSE_DERIVATIVES) &&
			      !(f & (LICENSE_SHARE_ALIKE | LICENSE_ATTRIBUTION |
				     LICENSE_USE_RESTRICTIONS)));
	}
	CHECK(license_table_find("cc-by-sa-4.0") ==
	      license_table_find("CC-BY-SA-4.0"));
	CHECK(license_table_find("Zlib") == NULL);
}

/* Every Creative Commons id on the SPDX list (each version, each port)
 * is in the table, with the attributes its name says. */
static void test_table_creative_commons(void)
{
	static const char *const ids[] = {
		"CC-BY-1.0",
		"CC-BY-2.0",
		"CC-BY-2.5",
		"CC-BY-2.5-AU",
		"CC-BY-3.0",
		"CC-BY-3.0-AT",
		"CC-BY-3.0-AU",
		"CC-BY-3.0-DE",
		"CC-BY-3.0-IGO",
		"CC-BY-3.0-NL",
		"CC-BY-3.0-US",
		"CC-BY-4.0",
		"CC-BY-NC-1.0",
		"CC-BY-NC-2.0",
		"CC-BY-NC-2.5",
		"CC-BY-NC-3.0",
		"CC-BY-NC-3.0-DE",
		"CC-BY-NC-3.0-IGO",
		"CC-BY-NC-4.0",
		"CC-BY-NC-ND-1.0",
		"CC-BY-NC-ND-2.0",
		"CC-BY-NC-ND-2.5",
		"CC-BY-NC-ND-3.0",
		"CC-BY-NC-ND-3.0-DE",
		"CC-BY-NC-ND-3.0-IGO",
		"CC-BY-NC-ND-4.0",
		"CC-BY-NC-SA-1.0",
		"CC-BY-NC-SA-2.0",
		"CC-BY-NC-SA-2.0-DE",
		"CC-BY-NC-SA-2.0-FR",
		"CC-BY-NC-SA-2.0-UK",
		"CC-BY-NC-SA-2.5",
		"CC-BY-NC-SA-3.0",
		"CC-BY-NC-SA-3.0-DE",
		"CC-BY-NC-SA-3.0-IGO",
		"CC-BY-NC-SA-4.0",
		"CC-BY-ND-1.0",
		"CC-BY-ND-2.0",
		"CC-BY-ND-2.5",
		"CC-BY-ND-3.0",
		"CC-BY-ND-3.0-DE",
		"CC-BY-ND-4.0",
		"CC-BY-SA-1.0",
		"CC-BY-SA-2.0",
		"CC-BY-SA-2.0-UK",
		"CC-BY-SA-2.1-JP",
		"CC-BY-SA-2.5",
		"CC-BY-SA-3.0",
		"CC-BY-SA-3.0-AT",
		"CC-BY-SA-3.0-DE",
		"CC-BY-SA-3.0-IGO",
		"CC-BY-SA-4.0",
		"CC-PDDC",
		"CC-PDM-1.0",
		"CC-SA-1.0",
		"CC0-1.0",
	};
	size_t on_list = 0;

	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		const struct license_info *e = license_table_find(ids[i]);
		unsigned f;

		CHECK(license_id_known(ids[i], NULL));
		CHECK(e != NULL);
		f = e->flags;
		CHECK(!!strstr(ids[i], "-NC") == !(f & LICENSE_COMMERCIAL));
		CHECK(!!strstr(ids[i], "-ND") == !(f & LICENSE_DERIVATIVES));
		CHECK(!!strstr(ids[i], "SA-") == !!(f & LICENSE_SHARE_ALIKE));
		CHECK(!!strstr(ids[i], "BY") == !!(f & LICENSE_ATTRIBUTION));
		CHECK(!(f & LICENSE_USE_RESTRICTIONS));
		CHECK(!!(f & LICENSE_NO_CONDITIONS) ==
		      (!strcmp(ids[i], "CC0-1.0") ||
		       !strncmp(ids[i], "CC-PD", 5)));
	}
	/* ... and no CC id on the list is missing from the list above */
	for (size_t i = 0; i < license_table_count; i++)
		if (!strncmp(license_table[i].id, "CC", 2))
			on_list++;
	CHECK(on_list == sizeof(ids) / sizeof(*ids));
}

static void test_table_required(void)
{
	static const char *const ids[] = {
		"ODC-By-1.0",
		"ODbL-1.0",
		"PDDL-1.0",
		"CDLA-Permissive-1.0",
		"CDLA-Permissive-2.0",
		"CDLA-Sharing-1.0",
		"MIT",
		"BSD-2-Clause",
		"BSD-3-Clause",
		"Apache-2.0",
		"ISC",
		"Unlicense",
		"0BSD",
		"MPL-2.0",
		"LGPL-2.1-only",
		"LGPL-2.1-or-later",
		"LGPL-3.0-only",
		"LGPL-3.0-or-later",
		"GPL-2.0-only",
		"GPL-2.0-or-later",
		"GPL-3.0-only",
		"GPL-3.0-or-later",
		"AGPL-3.0-only",
		"AGPL-3.0-or-later",
		"LicenseRef-OpenRAIL-M",
		"LicenseRef-CreativeML-OpenRAIL-M",
		"LicenseRef-BigScience-RAIL-1.0",
		"LicenseRef-Llama-2",
		"LicenseRef-Llama-3-Community",
		"LicenseRef-Gemma",
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++)
		CHECK(license_table_find(ids[i]) != NULL);
	CHECK(strstr(license_table_find("LicenseRef-Llama-2")->note, "700M"));
	CHECK(license_table_find("ODbL-1.0")->flags & LICENSE_SHARE_ALIKE);
	CHECK(license_table_find("MPL-2.0")->flags & LICENSE_WEAK_COPYLEFT);
	CHECK(license_table_find("PDDL-1.0")->flags & LICENSE_NO_CONDITIONS);
	CHECK(*license_spdx_list_version);
}

static void test_families(void)
{
	struct license_strings f = {0};

	license_families(&f, "CC-BY-SA  GPL-3.0 CC-BY-SA");
	CHECK(f.n == 2);
	CHECK_STR(f.v[0], "CC-BY-SA");
	CHECK_STR(f.v[1], "GPL-3.0");
	license_families(&f, NULL);
	CHECK(f.n == 2);
	license_strings_release(&f);
	CHECK(f.n == 0 && f.v == NULL);
}

/* ---- OR and AND ------------------------------------------------------- */

static void test_or_any_branch(void)
{
	struct license_query q =
		query(LICENSE_PURPOSE_COMMERCIAL, USE("ai_training"), 1);
	struct license_verdict v;

	CHECK(verdict(&v, "CC-BY-NC-4.0 OR MIT", &q, 1,
		      "OR: chose 'MIT', the only one of 2 alternatives that "
		      "allows it"));
	CHECK_STR(v.chosen, "MIT");
	CHECK_STR(v.expression, "CC-BY-NC-4.0 OR MIT");
	/* the reasons are the chosen branch's, not the failing one's */
	CHECK(lacks(&v.reasons, "CC-BY-NC-4.0:"));
	license_verdict_release(&v);

	/* no share-alike beats share-alike; then fewer obligations; then first
	 */
	CHECK(verdict(&v, "GPL-3.0-only OR MIT", &q, 1,
		      "2 of 2 alternatives allow it"));
	CHECK_STR(v.chosen, "MIT");
	license_verdict_release(&v);
	CHECK(verdict(&v, "Apache-2.0 OR CC0-1.0", &q, 1, NULL));
	CHECK_STR(v.chosen, "CC0-1.0");
	CHECK(v.obligations.n == 0);
	license_verdict_release(&v);
	CHECK(verdict(&v, "MIT OR ISC", &q, 1, NULL));
	CHECK_STR(v.chosen, "MIT");
	license_verdict_release(&v);

	/* none satisfies: every branch's reason */
	CHECK(verdict(&v, "CC-BY-NC-4.0 OR CC-BY-ND-4.0", &q, 0,
		      "OR: none of the 2 alternatives allows it"));
	CHECK(holds(&v.reasons, "CC-BY-NC-4.0: noncommercial only (NC): the "
				"purpose is commercial"));
	CHECK(holds(&v.reasons, "CC-BY-ND-4.0: no derivatives (ND): trained "
				"weights may not be distributed"));
	CHECK(v.chosen == NULL && v.obligations.n == 0);
	license_verdict_release(&v);

	/* an alternative is a whole AND: (A OR B) AND C */
	CHECK(verdict(&v, "(CC-BY-NC-4.0 OR Apache-2.0) AND MIT", &q, 1, NULL));
	CHECK_STR(v.chosen, "Apache-2.0 AND MIT");
	license_verdict_release(&v);
}

static void test_and_every_term(void)
{
	struct license_query q = query(LICENSE_PURPOSE_COMMERCIAL, 0, 0);
	struct license_verdict v;

	/* the most restrictive term wins */
	CHECK(verdict(&v, "MIT AND CC-BY-NC-4.0 AND Apache-2.0", &q, 0,
		      "CC-BY-NC-4.0: noncommercial only (NC): the purpose is "
		      "commercial"));
	CHECK(v.reasons.n == 1);
	license_verdict_release(&v);
	CHECK(verdict(&v, "MIT AND Apache-2.0", &q, 1,
		      "MIT: commercial use allowed"));
	CHECK(holds(&v.reasons, "Apache-2.0: commercial use allowed"));
	CHECK_STR(v.chosen, "MIT AND Apache-2.0");
	license_verdict_release(&v);
	/* a term written twice is one term */
	CHECK(verdict(&v, "MIT AND (MIT OR MIT)", &q, 1, NULL));
	CHECK(v.obligations.n == 1);
	license_verdict_release(&v);
}

/* ---- NC and ND ---------------------------------------------------------- */

static void test_noncommercial(void)
{
	struct license_query c = query(LICENSE_PURPOSE_COMMERCIAL, 0, 0);
	struct license_query n = query(LICENSE_PURPOSE_NONCOMMERCIAL, 0, 0);
	struct license_query r = query(LICENSE_PURPOSE_RESEARCH, 0, 0);
	struct license_verdict v;

	CHECK(is("CC-BY-NC-4.0", &c, 0,
		 "CC-BY-NC-4.0: noncommercial only (NC): the purpose is "
		 "commercial"));
	CHECK(is("CC-BY-NC-SA-2.0-FR", &c, 0, "(NC)"));
	CHECK(is("CC-BY-NC-ND-3.0-IGO", &c, 0, "(NC)"));
	CHECK(verdict(&v, "CC-BY-NC-4.0", &r, 1,
		      "CC-BY-NC-4.0: noncommercial only (NC): research counts "
		      "as noncommercial"));
	CHECK(holds(&v.obligations,
		    "CC-BY-NC-4.0: keep the use noncommercial (NC)"));
	license_verdict_release(&v);
	CHECK(is("CC-BY-NC-4.0", &n, 1,
		 "CC-BY-NC-4.0: noncommercial only (NC): the purpose is "
		 "noncommercial"));
	CHECK(is("MIT", &r, 1, "MIT: research use allowed"));
	CHECK(is("LicenseRef-Llama-2", &c, 1,
		 "LicenseRef-Llama-2: commercial use allowed"));
}

static void test_no_derivatives(void)
{
	struct license_query keep =
		query(LICENSE_PURPOSE_COMMERCIAL, USE("ai_training"), 0);
	struct license_query share =
		query(LICENSE_PURPOSE_COMMERCIAL, USE("ai_training"), 1);
	struct license_verdict v;

	CHECK(is("CC-BY-ND-4.0", &share, 0,
		 "CC-BY-ND-4.0: no derivatives (ND): trained weights may not "
		 "be distributed"));
	CHECK(verdict(&v, "CC-BY-ND-4.0", &keep, 1,
		      "CC-BY-ND-4.0: no derivatives (ND): allowed because "
		      "trained weights are not distributed"));
	CHECK(holds(&v.obligations, "CC-BY-ND-4.0: do not share trained "
				    "weights or other adaptations (ND)"));
	license_verdict_release(&v);
	/* both rules, both reasons */
	CHECK(verdict(&v, "CC-BY-NC-ND-4.0", &share, 0, "(NC)"));
	CHECK(holds(&v.reasons, "(ND)"));
	license_verdict_release(&v);
	CHECK(is("CC-BY-4.0", &share, 1,
		 "CC-BY-4.0: derivatives allowed: trained weights may be "
		 "distributed"));
}

/* ---- share-alike ------------------------------------------------------------
 */

static void test_share_alike_families(void)
{
	struct license_query q = query(LICENSE_PURPOSE_RESEARCH, 0, 1);
	struct license_verdict v;

	/* different families conflict */
	CHECK(is("CC-BY-SA-4.0 AND ODbL-1.0", &q, 0,
		 "share-alike conflict: ODbL-1.0 (share-alike ODbL) cannot be "
		 "combined with CC-BY-SA-4.0 (share-alike CC-BY-SA, GPL-3.0)"));
	CHECK(is("ODbL-1.0 AND CDLA-Sharing-1.0", &q, 0,
		 "share-alike conflict"));
	CHECK(is("CC-BY-SA-4.0 AND CC-BY-NC-SA-4.0", &q, 0,
		 "share-alike conflict"));
	CHECK(is("GPL-2.0-only AND GPL-3.0-only", &q, 0,
		 "share-alike conflict"));
	CHECK(is("CC-BY-SA-3.0 AND GPL-3.0-only", &q, 0,
		 "share-alike conflict"));
	/* CC BY-SA 1.0 has no later-version clause */
	CHECK(is("CC-BY-SA-1.0 AND CC-BY-SA-4.0", &q, 0,
		 "share-alike conflict"));

	/* the same family is compatible, across versions and ports */
	CHECK(verdict(&v, "CC-BY-SA-3.0-DE AND CC-BY-SA-4.0 AND CC-BY-SA-2.0",
		      &q, 1, "CC-BY-SA-4.0: share-alike (CC-BY-SA, GPL-3.0)"));
	CHECK(v.share_alike.n == 1);
	CHECK_STR(v.share_alike.v[0], "CC-BY-SA");
	CHECK(v.share_alike_ids.n == 3);
	CHECK(holds(&v.obligations,
		    "CC-BY-SA-4.0: share-alike: adaptations that are shared"));
	license_verdict_release(&v);
	/* one-way compatibility: BY-SA 4.0 into GPLv3; GPLv2+ into GPLv3 */
	CHECK(verdict(&v, "CC-BY-SA-4.0 AND GPL-3.0-only", &q, 1, NULL));
	CHECK(v.share_alike.n == 1);
	CHECK_STR(v.share_alike.v[0], "GPL-3.0");
	license_verdict_release(&v);
	CHECK(is("GPL-2.0-or-later AND GPL-3.0-only", &q, 1, NULL));
	CHECK(is("GPL-2.0+ AND AGPL-3.0-only", &q, 1, NULL));
	/* weak copyleft stays with its files: no conflict */
	CHECK(verdict(&v, "LGPL-2.1-only AND CC-BY-SA-4.0 AND MPL-2.0", &q, 1,
		      NULL));
	CHECK(holds(&v.obligations, "LGPL-2.1-only: weak copyleft"));
	CHECK(v.share_alike_ids.n == 1);
	license_verdict_release(&v);
	/* an OR branch that avoids the conflict is found */
	CHECK(verdict(&v, "(CC-BY-SA-4.0 OR ODbL-1.0) AND ODbL-1.0", &q, 1,
		      NULL));
	CHECK_STR(v.chosen, "ODbL-1.0");
	license_verdict_release(&v);
	/* no share-alike: nothing to accumulate */
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	CHECK(v.share_alike.n == 0 && v.share_alike_ids.n == 0);
	license_verdict_release(&v);
}

static void test_share_alike_across_works(void)
{
	struct license_query q = query(LICENSE_PURPOSE_COMMERCIAL, 0, 1);
	struct license_verdict a, b, c, d, e;
	struct license_sa_set set;

	license_sa_init(&set);
	CHECK(verdict(&a, "CC-BY-SA-4.0", &q, 1, NULL));
	CHECK(verdict(&b, "CC-BY-SA-3.0 AND MIT", &q, 1, NULL));
	CHECK(verdict(&c, "ODbL-1.0", &q, 1, NULL));
	CHECK(verdict(&d, "MIT", &q, 1, NULL));
	CHECK(license_sa_add(&set, &d, "d.txt") == 0);
	CHECK(set.labels.n == 0);
	CHECK(license_sa_add(&set, &a, "a.txt") == 0);
	CHECK(set.families.n == 2);
	CHECK(license_sa_add(&set, &b, "b.txt") == 0);
	CHECK(set.families.n == 1);
	CHECK_STR(set.families.v[0], "CC-BY-SA");
	CHECK(license_sa_add(&set, &c, "c.txt") == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(),
		     "share-alike conflict: 'c.txt' (ODbL-1.0, share-alike "
		     "ODbL) cannot be combined with 'a.txt' (CC-BY-SA-4.0, "
		     "share-alike CC-BY-SA GPL-3.0)"));
	CHECK(set.labels.n == 2); /* unchanged */

	/* with the set as context, a conflicting work is not allowed, and an
	 * OR picks the branch that fits */
	q.combined = &set;
	CHECK(verdict(&e, "ODbL-1.0", &q, 0,
		      "share-alike conflict: ODbL-1.0 (share-alike ODbL) "
		      "cannot be combined with 'a.txt' (CC-BY-SA-4.0, "
		      "share-alike CC-BY-SA GPL-3.0), already included"));
	CHECK(license_sa_add(&set, &e, "e.txt") == PROV_EINVALID);
	license_verdict_release(&e);
	CHECK(verdict(&e, "ODbL-1.0 OR CC-BY-SA-2.5", &q, 1, NULL));
	CHECK_STR(e.chosen, "CC-BY-SA-2.5");
	CHECK(license_sa_add(&set, &e, "e.txt") == 0);
	CHECK(set.labels.n == 3);
	license_verdict_release(&e);

	license_verdict_release(&a);
	license_verdict_release(&b);
	license_verdict_release(&c);
	license_verdict_release(&d);
	license_sa_release(&set);
}

/* ---- attribution, use restrictions, no conditions -------------------------
 */

static void test_attribution(void)
{
	struct license_query q = query(LICENSE_PURPOSE_COMMERCIAL, 0, 1);
	struct license_verdict v;

	CHECK(verdict(&v, "CC-BY-4.0 AND MIT AND ODC-By-1.0 AND CC0-1.0", &q, 1,
		      "CC0-1.0: public domain / no conditions"));
	CHECK(v.attribution.n == 3);
	CHECK_STR(v.attribution.v[0], "CC-BY-4.0");
	CHECK_STR(v.attribution.v[1], "MIT");
	CHECK_STR(v.attribution.v[2], "ODC-By-1.0");
	CHECK(holds(&v.obligations, "CC-BY-4.0: attribution: credit the "
				    "creators and name the license"));
	CHECK(lacks(&v.obligations, "CC0-1.0"));
	license_verdict_release(&v);
	CHECK(verdict(&v, "PDDL-1.0", &q, 1,
		      "PDDL-1.0: public domain / no conditions"));
	CHECK(v.obligations.n == 0 && v.attribution.n == 0);
	license_verdict_release(&v);
}

static void test_use_restrictions(void)
{
	struct license_query q = query(LICENSE_PURPOSE_COMMERCIAL,
				       USE("ai_generative_training"), 1);
	struct license_verdict v;
	const char *rail[] = {"LicenseRef-OpenRAIL-M",
			      "LicenseRef-CreativeML-OpenRAIL-M",
			      "LicenseRef-BigScience-RAIL-1.0",
			      "LicenseRef-Llama-2",
			      "LicenseRef-Llama-3-Community",
			      "LicenseRef-Gemma"};

	for (size_t i = 0; i < 6; i++) {
		char want[192];
		snprintf(want, sizeof(want),
			 "%s: use-based restrictions: honour them and pass "
			 "them on to the model's users and derivatives",
			 rail[i]);
		CHECK(verdict(&v, rail[i], &q, 1, NULL));
		CHECK(holds(&v.obligations, want));
		license_verdict_release(&v);
	}
	/* LicenseRef- ids of the table are matched without case, and written
	 * as the table spells them */
	CHECK(verdict(&v, "licenseref-openrail-m", &q, 1, NULL));
	CHECK_STR(v.expression, "LicenseRef-OpenRAIL-M");
	CHECK(holds(&v.obligations, "Attachment A"));
	license_verdict_release(&v);
}

/* ---- what prov does not know --------------------------------------------- */

static void test_unknown_attributes(void)
{
	struct license_query q = query(LICENSE_PURPOSE_RESEARCH, 0, 0);
	struct license_verdict v;

	CHECK(is("Zlib", &q, 0,
		 "attributes of Zlib are not in prov's table (treated as not "
		 "allowed)"));
	CHECK(is("GPL-2.0-with-bison-exception", &q, 0,
		 "attributes of GPL-2.0-with-bison-exception are not in prov's "
		 "table"));
	/* an OR can still be satisfied by a known branch */
	CHECK(verdict(&v, "Zlib OR MIT", &q, 1, NULL));
	CHECK_STR(v.chosen, "MIT");
	license_verdict_release(&v);
	/* a LicenseRef- nobody defines */
	CHECK(verdict(
		&v, "MIT AND LicenseRef-OpenRAIL", &q, 0,
		"LicenseRef-OpenRAIL: not in prov's table, and no license "
		"record defines it (did you mean LicenseRef-OpenRAIL-M?)"));
	CHECK(v.undefined.n == 1);
	CHECK_STR(v.undefined.v[0], "LicenseRef-OpenRAIL");
	license_verdict_release(&v);
}

static void test_with_and_plus(void)
{
	struct license_query q = query(LICENSE_PURPOSE_COMMERCIAL, 0, 1);
	struct license_verdict v;

	CHECK(is("GPL-2.0-or-later WITH Classpath-exception-2.0", &q, 1,
		 "GPL-2.0-or-later WITH Classpath-exception-2.0: the exception "
		 "is not evaluated; the terms of GPL-2.0-or-later apply"));
	CHECK(is("Apache-2.0+", &q, 1,
		 "Apache-2.0+: evaluated by the terms of Apache-2.0"));
	/* GPL-2.0+ is an id of its own in the table */
	CHECK(verdict(&v, "GPL-2.0+", &q, 1, NULL));
	CHECK(lacks(&v.reasons, "evaluated by"));
	CHECK(v.share_alike.n == 3);
	license_verdict_release(&v);
}

/* A resolver that knows one custom license and fails on another. */
static int resolve(struct license_info *out, const char *id, void *payload)
{
	int *calls = payload;

	(*calls)++;
	if (!strcasecmp(id, "LicenseRef-Broken"))
		return prov_error_set(PROV_EIO, "resolver failed");
	if (strcasecmp(id, "LicenseRef-Acme-Data-1.0"))
		return 0;
	memset(out, 0, sizeof(*out));
	out->id = "LicenseRef-Acme-Data-1.0";
	out->name = "Acme Data License";
	out->flags =
		LICENSE_DERIVATIVES | LICENSE_ATTRIBUTION | LICENSE_SHARE_ALIKE;
	out->share_alike = "Acme";
	out->source = "record sha256:00 signed by did:key:z6Mk";
	return 1;
}

static void test_custom(void)
{
	struct license_query q = query(LICENSE_PURPOSE_RESEARCH, 0, 1);
	struct license_verdict v;
	int calls = 0;

	q.resolve = resolve;
	q.resolve_payload = &calls;
	CHECK(verdict(&v, "LicenseRef-Acme-Data-1.0", &q, 1,
		      "LicenseRef-Acme-Data-1.0: terms from record sha256:00 "
		      "signed by did:key:z6Mk"));
	CHECK(holds(&v.reasons, "LicenseRef-Acme-Data-1.0: noncommercial only "
				"(NC): research counts as noncommercial"));
	CHECK_STR(v.share_alike.v[0], "Acme");
	license_verdict_release(&v);
	CHECK(is("LicenseRef-Acme-Data-1.0 AND CC-BY-SA-4.0", &q, 0,
		 "share-alike conflict"));
	q.purpose = LICENSE_PURPOSE_COMMERCIAL;
	CHECK(is("LicenseRef-Acme-Data-1.0", &q, 0, "(NC)"));
	/* the table comes first: the resolver is not asked for its ids */
	calls = 0;
	CHECK(is("LicenseRef-Gemma", &q, 1, NULL));
	CHECK(calls == 0);
	CHECK(is("LicenseRef-Unknown", &q, 0, "no license record defines it"));
	CHECK(calls == 1);
	/* a failing resolver fails the evaluation */
	CHECK(license_eval(&v, "MIT OR LicenseRef-Broken", &q) == PROV_EIO);
	CHECK(strstr(prov_error_last(), "resolver failed"));
	license_verdict_release(&v);
}

/* ---- a work's own permissions ---------------------------------------------
 */

static void test_permissions(void)
{
	struct license_query q =
		query(LICENSE_PURPOSE_COMMERCIAL,
		      USE("ai_training") | USE("data_mining"), 0);
	struct license_verdict v;
	json_t *t;

	/* notAllowed for a declared use excludes, and says which */
	t = json_pack("{s:s, s:s}", "ai_training", "notAllowed", "ai_inference",
		      "notAllowed");
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	CHECK(license_eval_permissions(&v, t, &q) == 0);
	CHECK(!v.allowed && v.chosen == NULL && v.obligations.n == 0);
	CHECK(holds(&v.reasons,
		    "training permissions: ai_training is notAllowed"));
	CHECK(lacks(&v.reasons, "ai_inference")); /* not a declared use */
	CHECK(lacks(&v.reasons, "MIT:"));
	license_verdict_release(&v);
	json_decref(t);

	/* constrained without terms excludes; with terms it is an obligation */
	t = json_pack("{s:s}", "data_mining", "constrained");
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	license_eval_permissions(&v, t, &q);
	CHECK(!v.allowed);
	CHECK(holds(&v.reasons, "training permissions: data_mining is "
				"constrained, without terms"));
	license_verdict_release(&v);
	json_decref(t);
	t = json_pack("{s:{s:s, s:s}, s:s}", "data_mining", "use",
		      "constrained", "constraint_info",
		      "only for search indexing", "ai_training", "allowed");
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	license_eval_permissions(&v, t, &q);
	CHECK(v.allowed);
	CHECK(holds(&v.reasons, "training permissions: ai_training allowed"));
	CHECK(holds(&v.obligations, "training permissions: data_mining is "
				    "constrained: only for search indexing"));
	license_verdict_release(&v);
	json_decref(t);
	t = json_pack("{s:{s:s}}", "ai_training", "use", "constrained");
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	license_eval_permissions(&v, t, &q);
	CHECK(!v.allowed);
	CHECK(holds(&v.reasons, "ai_training is constrained, without terms"));
	license_verdict_release(&v);
	json_decref(t);

	/* a license that already fails keeps its reasons, and gains these */
	t = json_pack("{s:s}", "ai_training", "notAllowed");
	CHECK(verdict(&v, "CC-BY-NC-4.0", &q, 0, NULL));
	license_eval_permissions(&v, t, &q);
	CHECK(holds(&v.reasons, "(NC)"));
	CHECK(holds(&v.reasons, "ai_training is notAllowed"));
	license_verdict_release(&v);
	json_decref(t);

	/* unknown values and shapes exclude; none stated leaves it to the
	 * license */
	t = json_pack("{s:s}", "ai_training", "maybe");
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	license_eval_permissions(&v, t, &q);
	CHECK(!v.allowed &&
	      holds(&v.reasons, "ai_training has an unknown value"));
	license_verdict_release(&v);
	json_decref(t);
	t = json_string("allowed");
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	license_eval_permissions(&v, t, &q);
	CHECK(!v.allowed && holds(&v.reasons, "not a JSON object"));
	license_verdict_release(&v);
	json_decref(t);
	CHECK(verdict(&v, "MIT", &q, 1, NULL));
	license_eval_permissions(&v, NULL, &q);
	CHECK(v.allowed);
	license_verdict_release(&v);
}

/* ---- suggestions and bad input ----------------------------------------- */

static void test_suggestions(void)
{
	const char *s;

	CHECK((s = license_suggest("CC-BY-4")) && !strcmp(s, "CC-BY-4.0"));
	CHECK((s = license_suggest("cc-by-sa-4")) &&
	      !strcmp(s, "CC-BY-SA-4.0"));
	CHECK((s = license_suggest("Apache2.0")) && !strcmp(s, "Apache-2.0"));
	CHECK((s = license_suggest("GPL-3")) && !strcmp(s, "GPL-3.0"));
	CHECK((s = license_suggest("OpenRAIL-M")) &&
	      !strcmp(s, "LicenseRef-OpenRAIL-M"));
	CHECK((s = license_suggest("LicenseRef-Lama-2")) &&
	      !strcmp(s, "LicenseRef-Llama-2"));
	CHECK((s = license_suggest("MTI")) && !strcmp(s, "MIT"));
	/* a version left off: the latest */
	CHECK((s = license_suggest("CC-BY")) && !strcmp(s, "CC-BY-4.0"));
	CHECK((s = license_suggest("cc-by-nc-sa")) &&
	      !strcmp(s, "CC-BY-NC-SA-4.0"));
	CHECK((s = license_suggest("Apache")) && !strcmp(s, "Apache-2.0"));
	CHECK(license_suggest("Foo") == NULL);
	CHECK(license_suggest("") == NULL);
	CHECK(license_suggest("completely-different-thing-xyz") == NULL);

	CHECK(license_expr_check("MIT OR CC-BY-4", NULL) == PROV_EINVALID);
	CHECK_STR(
		prov_error_last(),
		"unknown SPDX license id 'CC-BY-4' (did you mean CC-BY-4.0?)");
	CHECK(license_expr_check("GPL-2.0-only WITH Classpath-exception",
				 NULL) == PROV_EINVALID);
	CHECK_STR(prov_error_last(),
		  "unknown SPDX license exception 'Classpath-exception' (did "
		  "you mean Classpath-exception-2.0?)");
	CHECK(license_expr_check("Foo", NULL) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(),
		     "unknown SPDX license id 'Foo' (SPDX License List "));
}

static void test_bad_input(void)
{
	struct license_query q = query(LICENSE_PURPOSE_COMMERCIAL, 0, 0);
	struct license_verdict v;
	struct buf big = BUF_INIT;
	enum license_purpose p;

	/* malformed: the checker's message, with the position */
	CHECK(license_eval(&v, "MIT AND (", &q) == PROV_EINVALID);
	CHECK_STR(prov_error_last(),
		  "expected a license id at position 9 in 'MIT AND ('");
	CHECK(v.allowed == 0 && v.expression == NULL);
	license_verdict_release(&v);
	CHECK(license_eval(&v, "CC-BY-4", &q) == PROV_EINVALID);
	license_verdict_release(&v);
	/* 2^11 alternatives is too many */
	for (int i = 0; i < 11; i++)
		buf_printf(&big, "%s(MIT OR ISC)", i ? " AND " : "");
	CHECK(license_eval(&v, big.ptr, &q) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(),
		     "expands into more than 1024 alternatives"));
	license_verdict_release(&v);
	buf_release(&big);
	for (int i = 0; i < 9; i++)
		buf_printf(&big, "%s(MIT OR ISC)", i ? " AND " : "");
	CHECK(license_eval(&v, big.ptr, &q) == 0 && v.allowed);
	license_verdict_release(&v);
	buf_release(&big);

	CHECK(license_purpose_parse(&p, "research") == 0 &&
	      p == LICENSE_PURPOSE_RESEARCH);
	CHECK(license_purpose_parse(&p, "Commercial") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(),
		     "expected commercial, noncommercial or research"));
	CHECK_STR(license_purpose_name(LICENSE_PURPOSE_NONCOMMERCIAL),
		  "noncommercial");
}

static void test_json(void)
{
	struct license_query q = query(LICENSE_PURPOSE_COMMERCIAL, 0, 0);
	struct license_verdict v;
	json_t *j;

	CHECK(verdict(&v, "CC-BY-SA-4.0 OR CC-BY-NC-4.0", &q, 1, NULL));
	j = license_verdict_json(&v);
	CHECK(json_is_true(json_object_get(j, "allowed")));
	CHECK_STR(json_string_value(json_object_get(j, "chosen")),
		  "CC-BY-SA-4.0");
	CHECK(json_array_size(json_object_get(j, "reasons")) == v.reasons.n);
	CHECK_STR(json_string_value(json_array_get(
			  json_object_get(json_object_get(j, "share_alike"),
					  "families"),
			  1)),
		  "GPL-3.0");
	CHECK_STR(json_string_value(
			  json_array_get(json_object_get(j, "attribution"), 0)),
		  "CC-BY-SA-4.0");
	json_decref(j);
	license_verdict_release(&v);
	CHECK(verdict(&v, "CC-BY-NC-4.0", &q, 0, NULL));
	j = license_verdict_json(&v);
	CHECK(json_is_null(json_object_get(j, "chosen")));
	json_decref(j);
	license_verdict_release(&v);
}

int main(void)
{
	RUN(test_table_entries);
	RUN(test_table_creative_commons);
	RUN(test_table_required);
	RUN(test_families);
	RUN(test_or_any_branch);
	RUN(test_and_every_term);
	RUN(test_noncommercial);
	RUN(test_no_derivatives);
	RUN(test_share_alike_families);
	RUN(test_share_alike_across_works);
	RUN(test_attribution);
	RUN(test_use_restrictions);
	RUN(test_unknown_attributes);
	RUN(test_with_and_plus);
	RUN(test_custom);
	RUN(test_permissions);
	RUN(test_suggestions);
	RUN(test_bad_input);
	RUN(test_json);
	return unit_done();
}

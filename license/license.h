/*
 * license: the license table (SPDX ids and the attributes that decide AI
 * use), SPDX expressions, and policy evaluation.
 *
 * Nothing here reads the registry: custom licenses (LicenseRef- ids defined
 * by signed `license` records) reach the evaluator through a callback the
 * caller supplies (struct license_query's resolve), for which
 * struct license_defs is a ready-made implementation.
 */
#ifndef PROV_LICENSE_H
#define PROV_LICENSE_H

#include "core/core.h"

/* The SPDX License List version the built-in id table follows. */
extern const char license_spdx_list_version[];

/* 1 if id is on the SPDX license list (case-insensitive match, as SPDX
 * specifies), 0 otherwise. *canonical (optional) gets the list's spelling. */
int license_id_known(const char *id, const char **canonical);
/* 1 if id is an SPDX license exception (for WITH). */
int license_exception_known(const char *id, const char **canonical);

/* Checks an SPDX license expression (SPDX spec annex D): ids from the list,
 * optional '+', LicenseRef-<idstring> (and DocumentRef-x:LicenseRef-y),
 * AND / OR / WITH (case-sensitive operators, AND binding tighter than OR),
 * parentheses. On success, *normalised (optional, malloc'd) gets the
 * expression with canonical id spellings (the table's for its LicenseRef-
 * ids) and single spaces. PROV_EINVALID names the unknown id, with the
 * nearest known one when there is one ("did you mean CC-BY-4.0?"), or the
 * position of a syntax error. */
int license_expr_check(const char *expr, char **normalised);

/* The known id nearest to id: SPDX license ids and the table's LicenseRef-
 * ids, by case-insensitive edit distance, or NULL when none is close. */
const char *license_suggest(const char *id);

/* ---- string lists ---------------------------------------------------- */

/* A list of malloc'd strings, for reasons and obligations. */
struct license_strings {
	char **v;
	size_t n;
};
void license_strings_push(struct license_strings *l, const char *s);
/* Pushes s unless the list holds it already. */
void license_strings_add(struct license_strings *l, const char *s);
int license_strings_has(const struct license_strings *l, const char *s);
void license_strings_release(struct license_strings *l);

/* ---- the license table (license/table.c) ----------------------------- */

/* The attributes that decide AI use. */
enum {
	/* use for commercial advantage is allowed (no NC) */
	LICENSE_COMMERCIAL = 1u << 0,
	/* adaptations may be shared, trained weights included (no ND) */
	LICENSE_DERIVATIVES = 1u << 1,
	/* shared adaptations must carry a license of the share_alike families */
	LICENSE_SHARE_ALIKE = 1u << 2,
	/* with SHARE_ALIKE: the obligation stays with the covered files or
	 * library (LGPL, MPL), so it does not conflict with other licenses */
	LICENSE_WEAK_COPYLEFT = 1u << 3,
	/* credit the creators (BY, notices) */
	LICENSE_ATTRIBUTION = 1u << 4,
	/* use-based restrictions that pass on to derivatives (RAIL) */
	LICENSE_USE_RESTRICTIONS = 1u << 5,
	/* public domain, or no conditions at all */
	LICENSE_NO_CONDITIONS = 1u << 6,
};

struct license_info {
	const char *id;   /* SPDX id, or LicenseRef-... */
	const char *name;
	const char *url;  /* may be NULL for a custom license */
	unsigned flags;   /* LICENSE_* */
	/* With LICENSE_SHARE_ALIKE: the share-alike families a combined work
	 * may be licensed under, space-separated, the license's own family
	 * first ("CC-BY-SA GPL-3.0": CC BY-SA 4.0 is one-way compatible with
	 * GPLv3). Otherwise NULL. */
	const char *share_alike;
	const char *note;   /* one line: what the terms restrict; may be NULL */
	const char *source; /* NULL for the table; for a custom license, the
			     * record that defines it */
};

extern const struct license_info license_table[];
extern const size_t license_table_count;
/* The table's entry for id (case-insensitive), or NULL. */
const struct license_info *license_table_find(const char *id);
/* Splits a share_alike string into families (appended to *out). */
void license_families(struct license_strings *out, const char *share_alike);

/* ---- evaluation (license/eval.c) ------------------------------------- */

enum license_purpose {
	LICENSE_PURPOSE_COMMERCIAL,
	LICENSE_PURPOSE_NONCOMMERCIAL,
	/* counts as noncommercial for NC licenses (and says so) */
	LICENSE_PURPOSE_RESEARCH,
};
/* PROV_EINVALID naming the accepted words. */
int license_purpose_parse(enum license_purpose *out, const char *s);
const char *license_purpose_name(enum license_purpose p);

/* Looks up a LicenseRef- id (as written, DocumentRef- prefix included)
 * that is not in the table. Returns 1 with *out filled (its strings must
 * stay valid until license_eval returns), 0 when nothing defines id, or a
 * negative PROV_E* code, which license_eval returns. */
typedef int (*license_resolve_fn)(struct license_info *out, const char *id,
				  void *payload);

/* Share-alike terms accumulated across many works (a dataset manifest):
 * families is what all of them can still be combined under. */
struct license_sa_set {
	struct license_strings families; /* meaningful once labels.n > 0 */
	struct license_strings labels;   /* each work that added share-alike */
	struct license_strings terms;    /* parallel: its ids, "A AND B" */
	struct license_strings own;      /* parallel: its families */
};

struct license_query {
	enum license_purpose purpose;
	unsigned uses;          /* bit i set: training_uses[i] is declared */
	int distribute_weights; /* trained weights will be shared */
	license_resolve_fn resolve; /* may be NULL: no custom licenses */
	void *resolve_payload;
	/* Optional: works already accepted. An alternative whose share-alike
	 * terms conflict with theirs is not allowed, so a choice among OR
	 * branches prefers one that fits. */
	const struct license_sa_set *combined;
};

struct license_verdict {
	int allowed;
	char *expression; /* normalised */
	/* The alternative relied on (for OR: the branch chosen), NULL when
	 * not allowed. */
	char *chosen;
	/* Why, each naming the license id and the rule: for an allowed
	 * verdict what the chosen terms allow, otherwise what forbids it. */
	struct license_strings reasons;
	/* What using the work under the chosen terms requires ("<id>: ...");
	 * empty when not allowed. */
	struct license_strings obligations;
	/* The chosen terms' share-alike families (what a combined work may be
	 * licensed under), and the ids that impose them; empty: none. */
	struct license_strings share_alike;
	struct license_strings share_alike_ids;
	/* The chosen terms' ids that require attribution. */
	struct license_strings attribution;
	/* LicenseRef- ids neither the table nor resolve defines. */
	struct license_strings undefined;
};

/* Evaluates an SPDX expression for q: for OR any alternative may satisfy
 * (the one chosen is the one with no share-alike and the fewest
 * obligations, else the first), for AND every term must; NC fails a
 * commercial purpose, ND fails when weights are distributed, two
 * share-alike families that cannot be combined fail; ids whose attributes
 * are unknown (on the SPDX list but not in the table, or undefined
 * LicenseRef- ids) fail. *out is always initialised (release it); returns
 * 0 with the verdict, or PROV_EINVALID for a malformed expression (the
 * license_expr_check message), or resolve's error. */
int license_eval(struct license_verdict *out, const char *expr,
		 const struct license_query *q);
/* Applies a work's own training permissions ({use: "allowed" |
 * "notAllowed" | "constrained"}, or {use: {"use": ..., "constraint_info":
 * TEXT}}; NULL: none stated) to v for q's uses: notAllowed for a declared
 * use excludes, constrained without terms excludes, constrained with terms
 * adds an obligation. Each reason names the use. Returns 0. */
int license_eval_permissions(struct license_verdict *v, const json_t *training,
			     const struct license_query *q);
void license_verdict_release(struct license_verdict *v);
/* The verdict as JSON (allowed, expression, chosen, reasons, obligations,
 * share_alike, attribution, undefined). */
json_t *license_verdict_json(const struct license_verdict *v);

void license_sa_init(struct license_sa_set *s);
/* Adds an allowed verdict's share-alike terms under label. PROV_EVERIFY,
 * naming label and an earlier work it cannot be combined with, leaves s
 * unchanged; PROV_EINVALID for a verdict that is not allowed. */
int license_sa_add(struct license_sa_set *s, const struct license_verdict *v,
		   const char *label);
void license_sa_release(struct license_sa_set *s);

/* ---- custom licenses (license/custom.c) ------------------------------- */

#define LICENSE_REF_MAX 128 /* bytes of a custom license id */

/* Builds a `license` record payload from a custom license file (a JSON
 * object: id "LicenseRef-...", name, url?, text_sha256?, note?, attributes
 * {commercial, derivatives, share_alike (a family name or null),
 * attribution, use_restrictions}), signed later by `by` (a did:key).
 * PROV_EINVALID names what is wrong, prefixed with what. */
int license_payload_build(json_t **out, const char *data, size_t n,
			  const char *what, const char *by, int64_t created);
/* Checks a stored `license` payload; *out gets its terms (strings point
 * into payload; source is left NULL). */
int license_payload_parse(struct license_info *out, const json_t *payload);

/* Custom licenses as a registry defines them. The first record for an id
 * (in the order added) wins; later records for the same id with other
 * terms or another signer are kept in `ignored` so callers can warn. */
struct license_def {
	struct license_info info; /* points into payload; source set */
	char record_id[RECORD_ID_MAX];
	const char *by;
	json_t *payload;
	char *source;                  /* "record sha256:... signed by did:..." */
	struct license_strings ignored; /* "record sha256:... signed by ..." */
};
struct license_defs {
	struct license_def *v;
	size_t n;
	struct license_strings skipped; /* records that did not parse or verify */
};
void license_defs_init(struct license_defs *d);
void license_defs_release(struct license_defs *d);
/* Adds a `license` record that verifies and is signed by its "by"; a record
 * that does not is skipped with a message in d->skipped (returns 0). */
int license_defs_add(struct license_defs *d, const struct record *r,
		     const char *path);
/* A store_walk_fn over "records/license": parses each file and adds it. */
int license_defs_walk(const char *path, const void *data, size_t n,
		      void *defs);
/* The definition of id (case-insensitive), or NULL. */
const struct license_def *license_defs_find(const struct license_defs *d,
					    const char *id);
/* A license_resolve_fn over a struct license_defs. */
int license_defs_resolve(struct license_info *out, const char *id, void *defs);

#endif

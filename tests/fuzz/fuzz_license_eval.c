/* Fuzzes license_eval and license_eval_permissions with a query, two
 * expressions and a work's training permissions decoded from the input:
 *
 *   byte 0   purpose (mod 3)
 *   byte 1   bits 0-3: declared uses; bit 4: weights are distributed;
 *            bit 5: evaluate the second expression against the first's
 *            accepted share-alike terms (license_sa_add, query.combined)
 *   then     EXPR1 '\n' EXPR2 '\n' TRAINING-JSON (each part optional)
 *
 * Custom ids resolve through a fixed table (LicenseRef-Fuzz-*), one of
 * which makes resolve fail. Invariants: a verdict that is not allowed has
 * no chosen terms, no obligations and at least one reason; an allowed one
 * has an expression and a chosen alternative, and that expression passes
 * license_expr_check; training permissions never turn a refusal into an
 * allowance; license_sa_add refuses verdicts that are not allowed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "license/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct license_info customs[] = {
	{"LicenseRef-Fuzz-Open", "open", NULL,
	 LICENSE_COMMERCIAL | LICENSE_DERIVATIVES, NULL, NULL, "fuzz"},
	{"LicenseRef-Fuzz-NC", "nc", NULL,
	 LICENSE_DERIVATIVES | LICENSE_ATTRIBUTION, NULL, "no commercial use",
	 "fuzz"},
	{"LicenseRef-Fuzz-SA", "sa", NULL,
	 LICENSE_COMMERCIAL | LICENSE_DERIVATIVES | LICENSE_SHARE_ALIKE |
		 LICENSE_ATTRIBUTION,
	 "Fuzz-SA GPL-3.0", NULL, "fuzz"},
	{"LicenseRef-Fuzz-Rail", "rail", NULL,
	 LICENSE_COMMERCIAL | LICENSE_DERIVATIVES | LICENSE_USE_RESTRICTIONS,
	 NULL, NULL, "fuzz"},
};

static int resolve(struct license_info *out, const char *id, void *payload)
{
	const char *ref = strstr(id, "LicenseRef-");

	(void)payload;
	if (!ref)
		return 0;
	if (!strcasecmp(ref, "LicenseRef-Fuzz-Error"))
		return prov_error_set(PROV_EIO, "resolve failed");
	for (size_t i = 0; i < sizeof(customs) / sizeof(customs[0]); i++)
		if (!strcasecmp(ref, customs[i].id)) {
			*out = customs[i];
			return 1;
		}
	return 0;
}

static void check(const struct license_verdict *v)
{
	if (v->allowed) {
		if (!v->expression || !v->chosen)
			abort();
		if (license_expr_check(v->expression, NULL) != 0)
			abort();
	} else if (v->chosen || v->obligations.n || !v->reasons.n) {
		abort();
	}
}

/* Evaluates expr (and the permissions) for q; 1 if allowed. */
static int eval(struct license_verdict *v, const char *expr,
		const json_t *training, const struct license_query *q)
{
	int rc = license_eval(v, expr, q), was;

	if (rc) {
		if (v->allowed)
			abort();
		prov_error_clear();
		return 0;
	}
	check(v);
	was = v->allowed;
	if (license_eval_permissions(v, training, q) != 0)
		abort();
	check(v);
	if (v->allowed && !was)
		abort();
	json_decref(license_verdict_json(v));
	return v->allowed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct license_query q;
	struct license_verdict v1, v2;
	struct license_sa_set sa;
	json_t *training = NULL;
	char *text, *expr2 = NULL, *rest = NULL, *nl;
	int combine;

	if (!initialised++ && core_init())
		abort();
	if (size < 2)
		return 0;
	memset(&q, 0, sizeof(q));
	q.purpose = (enum license_purpose)(data[0] % 3);
	q.uses = data[1] & 0xf;
	q.distribute_weights = !!(data[1] & 0x10);
	q.resolve = resolve;
	combine = !!(data[1] & 0x20);

	/* a C string: an embedded NUL ends it early */
	text = xmalloc(size - 1);
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	if ((nl = strchr(text, '\n'))) {
		*nl = '\0';
		expr2 = nl + 1;
		if ((nl = strchr(expr2, '\n'))) {
			*nl = '\0';
			rest = nl + 1;
		}
	}
	if (rest && json_parse(&training, rest, strlen(rest), "training"))
		prov_error_clear();

	license_sa_init(&sa);
	if (eval(&v1, text, training, &q)) {
		int rc = license_sa_add(&sa, &v1, "first");
		if (rc && rc != PROV_EVERIFY)
			abort();
		prov_error_clear();
	} else if (license_sa_add(&sa, &v1, "first") != PROV_EINVALID) {
		abort();
	}
	prov_error_clear();
	if (expr2) {
		if (combine)
			q.combined = &sa;
		if (eval(&v2, expr2, training, &q)) {
			int rc = license_sa_add(&sa, &v2, "second");
			if (rc && rc != PROV_EVERIFY)
				abort();
			prov_error_clear();
		}
		license_verdict_release(&v2);
	}
	license_verdict_release(&v1);
	license_sa_release(&sa);
	json_decref(training);
	free(text);
	return 0;
}

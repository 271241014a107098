/* SPDX ids and license expressions: the tables, the grammar of SPDX v2.3
 * annex D, normalisation, and that every rejection names what is wrong. */
#include <stdlib.h>
#include <strings.h>

#include "license/license.h"
#include "license/spdx_ids.h"
#include "unit.h"

static int has(const char *needle)
{
	if (!strstr(prov_error_last(), needle)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", prov_error_last(),
			needle);
		return 0;
	}
	return 1;
}

/* expr is valid and normalises to want. */
static int valid(const char *expr, const char *want)
{
	char *norm = NULL;
	int ok;

	prov_error_clear();
	if (license_expr_check(expr, &norm) != 0) {
		fprintf(stderr, "rejected '%s': %s\n", expr, prov_error_last());
		return 0;
	}
	ok = strcmp(norm, want) == 0;
	if (!ok)
		fprintf(stderr, "'%s' normalised to '%s', want '%s'\n", expr,
			norm, want);
	free(norm);
	return ok;
}

/* expr is invalid, and the message says why with each of the needles. */
static int invalid(const char *expr, const char *needle, const char *needle2)
{
	char *norm = (char *)"untouched";

	prov_error_clear();
	if (license_expr_check(expr, &norm) != PROV_EINVALID) {
		fprintf(stderr, "accepted '%s'\n", expr);
		return 0;
	}
	if (norm != NULL) {
		fprintf(stderr, "*normalised not NULL after an error\n");
		return 0;
	}
	return has(needle) && (!needle2 || has(needle2));
}

static void test_tables(void)
{
	CHECK(spdx_licenses_count > 600);
	CHECK(spdx_exceptions_count > 40);
	/* strictly increasing: the binary search depends on it */
	for (size_t i = 1; i < spdx_licenses_count; i++)
		CHECK(strcasecmp(spdx_licenses[i - 1].id, spdx_licenses[i].id) < 0);
	for (size_t i = 1; i < spdx_exceptions_count; i++)
		CHECK(strcasecmp(spdx_exceptions[i - 1].id, spdx_exceptions[i].id) < 0);
	/* every entry is found, by its own spelling and by another case */
	for (size_t i = 0; i < spdx_licenses_count; i++) {
		const char *canonical = NULL;
		char lower[128];
		size_t n = strlen(spdx_licenses[i].id);

		CHECK(n < sizeof(lower));
		for (size_t j = 0; j <= n; j++)
			lower[j] = (char)(spdx_licenses[i].id[j] >= 'A' &&
						  spdx_licenses[i].id[j] <= 'Z'
					  ? spdx_licenses[i].id[j] + 32
					  : spdx_licenses[i].id[j]);
		CHECK(license_id_known(lower, &canonical) == 1);
		CHECK(canonical == spdx_licenses[i].id);
	}
	for (size_t i = 0; i < spdx_exceptions_count; i++)
		CHECK(license_exception_known(spdx_exceptions[i].id, NULL) == 1);
	CHECK(strncmp(license_spdx_list_version, "3.", 2) == 0);
}

static void test_known(void)
{
	const char *c = NULL;

	CHECK(license_id_known("MIT", &c) == 1);
	CHECK_STR(c, "MIT");
	CHECK(license_id_known("apache-2.0", &c) == 1);
	CHECK_STR(c, "Apache-2.0");
	CHECK(license_id_known("CC-BY-NC-SA-4.0", NULL) == 1);
	/* deprecated ids are still SPDX ids */
	CHECK(license_id_known("GPL-2.0", &c) == 1);
	CHECK_STR(c, "GPL-2.0");
	CHECK(license_id_known("Foo", &c) == 0);
	CHECK(c == NULL);
	CHECK(license_id_known("", NULL) == 0);
	CHECK(license_id_known("MI", NULL) == 0);
	CHECK(license_id_known("MIT-", NULL) == 0);
	CHECK(license_id_known("Classpath-exception-2.0", NULL) == 0);
	CHECK(license_exception_known("classpath-EXCEPTION-2.0", &c) == 1);
	CHECK_STR(c, "Classpath-exception-2.0");
	CHECK(license_exception_known("MIT", &c) == 0);
	CHECK(c == NULL);
}

static void test_deprecated_marked(void)
{
	size_t deprecated = 0;
	int gpl2 = -1, gpl2_only = -1;

	for (size_t i = 0; i < spdx_licenses_count; i++) {
		if (spdx_licenses[i].flags & SPDX_DEPRECATED)
			deprecated++;
		if (!strcmp(spdx_licenses[i].id, "GPL-2.0"))
			gpl2 = !!(spdx_licenses[i].flags & SPDX_DEPRECATED);
		if (!strcmp(spdx_licenses[i].id, "GPL-2.0-only"))
			gpl2_only = !!(spdx_licenses[i].flags & SPDX_DEPRECATED);
	}
	CHECK(deprecated > 10 && deprecated < 100);
	CHECK(gpl2 == 1);
	CHECK(gpl2_only == 0);
}

static void test_valid(void)
{
	CHECK(valid("MIT", "MIT"));
	CHECK(valid("mit", "MIT"));
	CHECK(valid("Apache-2.0 OR MIT", "Apache-2.0 OR MIT"));
	CHECK(valid("(MIT OR Apache-2.0) AND CC-BY-4.0",
		    "(MIT OR Apache-2.0) AND CC-BY-4.0"));
	CHECK(valid("GPL-2.0-or-later WITH Classpath-exception-2.0",
		    "GPL-2.0-or-later WITH Classpath-exception-2.0"));
	CHECK(valid("gpl-2.0-or-later WITH classpath-exception-2.0",
		    "GPL-2.0-or-later WITH Classpath-exception-2.0"));
	CHECK(valid("LicenseRef-my-terms", "LicenseRef-my-terms"));
	CHECK(valid("licenseref-My.Terms-2", "LicenseRef-My.Terms-2"));
	CHECK(valid("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
		    "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"));
	CHECK(valid("CC-BY-NC-SA-4.0", "CC-BY-NC-SA-4.0"));
	CHECK(valid("GPL-2.0", "GPL-2.0"));
	CHECK(valid("GPL-2.0+", "GPL-2.0+"));
	CHECK(valid("lgpl-2.1+ OR mit", "LGPL-2.1+ OR MIT"));
	CHECK(valid("Apache-2.0+", "Apache-2.0+"));
	CHECK(valid("LicenseRef-x WITH Classpath-exception-2.0",
		    "LicenseRef-x WITH Classpath-exception-2.0"));
	CHECK(valid("  MIT \t AND\n(BSD-3-Clause OR  0BSD)  ",
		    "MIT AND (BSD-3-Clause OR 0BSD)"));
	CHECK(valid("(MIT)AND(Apache-2.0)", "(MIT) AND (Apache-2.0)"));
	CHECK(valid("((MIT))", "((MIT))"));
	CHECK(valid("MIT AND Apache-2.0 OR BSD-3-Clause AND 0BSD",
		    "MIT AND Apache-2.0 OR BSD-3-Clause AND 0BSD"));
	CHECK(valid("MIT OR Apache-2.0 WITH LLVM-exception AND Zlib",
		    "MIT OR Apache-2.0 WITH LLVM-exception AND Zlib"));
	/* normalised is optional */
	CHECK(license_expr_check("MIT OR Apache-2.0", NULL) == 0);
}

static void test_invalid(void)
{
	CHECK(invalid("", "license expression is empty", NULL));
	CHECK(invalid(" \t ", "license expression is empty", NULL));
	CHECK(invalid("Foo", "unknown SPDX license id 'Foo' (SPDX License List 3.", NULL));
	CHECK(invalid("MIT OR Foo+", "unknown SPDX license id 'Foo'", NULL));
	CHECK(invalid("MIT AND", "expected a license id at position 7 in 'MIT AND'", NULL));
	CHECK(invalid("AND", "expected a license id at position 0 in 'AND', got 'AND'", NULL));
	CHECK(invalid("(MIT", "missing ')' for the '(' at position 0 in '(MIT'", NULL));
	CHECK(invalid("((MIT) OR (MIT", "missing ')' for the '(' at position 10", NULL));
	CHECK(invalid("MIT)", "unbalanced ')' at position 3 in 'MIT)'", NULL));
	CHECK(invalid("()", "expected a license id at position 1 in '()', got ')'", NULL));
	CHECK(invalid("MIT WITH MIT", "'MIT' at position 9", "is a license, not a license exception"));
	CHECK(invalid("MIT WITH Foo-exception", "unknown SPDX license exception 'Foo-exception'", NULL));
	CHECK(invalid("MIT WITH", "expected a license exception id after WITH at position 8", NULL));
	CHECK(invalid("MIT WITH Classpath-exception-2.0 WITH LLVM-exception",
		      "unexpected WITH at position 33", NULL));
	CHECK(invalid("(MIT) WITH Classpath-exception-2.0", "unexpected WITH at position 6", NULL));
	CHECK(invalid("Classpath-exception-2.0", "'Classpath-exception-2.0' at position 0",
		      "is a license exception, not a license"));
	CHECK(invalid("MIT OR OR Apache-2.0", "expected a license id at position 7", "got 'OR'"));
	CHECK(invalid("MIT Apache-2.0", "expected AND, OR or WITH at position 4", "got 'Apache-2.0'"));
	CHECK(invalid("(MIT Apache-2.0)", "expected AND, OR, WITH or ')' at position 5", "got 'Apache-2.0'"));
	CHECK(invalid("MIT and Apache-2.0", "got 'and'", "operators are upper case: AND"));
	CHECK(invalid("MIT or Apache-2.0", "got 'or'", "operators are upper case: OR"));
	CHECK(invalid("GPL-2.0-only with Classpath-exception-2.0", "got 'with'",
		      "operators are upper case: WITH"));
	CHECK(invalid("MIT +", "got '+'", "'+' follows a license id without a space"));
	CHECK(invalid("MIT++", "unexpected character '+' at position 3", NULL));
	CHECK(invalid("MIT/Apache-2.0", "unexpected character '/' at position 3", NULL));
	CHECK(invalid("MIT, Apache-2.0", "unexpected character ',' at position 3", NULL));
	CHECK(invalid("MIT AND \x1b[31m", "unexpected character '\\x1b' at position 8 in 'MIT AND \\x1b[31m'", NULL));
	CHECK(invalid("MIT OR \xc3\xa9", "unexpected character '\\xc3' at position 7", NULL));
	CHECK(invalid("LicenseRef-", "expected a name after 'LicenseRef-' at position 11", NULL));
	CHECK(invalid("LicenseRef-a+", "unexpected '+' at position 12", NULL));
	CHECK(invalid("LicenseRef-a_b", "unexpected character '_' at position 12", NULL));
	CHECK(invalid("DocumentRef-x", "needs ':LicenseRef-<name>'", NULL));
	CHECK(invalid("DocumentRef-x:MIT", "expected 'LicenseRef-' at position 14", NULL));
	CHECK(invalid("DocumentRef-:LicenseRef-a", "expected a document name after 'DocumentRef-' at position 12", NULL));
	CHECK(invalid("MIT AND AND", "expected a license id at position 8", "got 'AND'"));
	CHECK(invalid("MIT OR (", "expected a license id at position 8", NULL));
}

static void test_limits(void)
{
	char *big = malloc(5000);
	char deep[300];
	size_t n = 0;

	/* 4096 bytes is allowed, 4097 is not */
	CHECK(big);
	memset(big, ' ', 4096);
	memcpy(big, "MIT", 3);
	big[4096] = '\0';
	CHECK(valid(big, "MIT"));
	big[4096] = ' ';
	big[4097] = '\0';
	CHECK(invalid(big, "longer than 4096 bytes", NULL));
	/* the message shows the start, not all of it */
	CHECK(strlen(prov_error_last()) < 300);
	free(big);

	for (int i = 0; i < 64; i++)
		deep[n++] = '(';
	memcpy(deep + n, "MIT", 3);
	n += 3;
	for (int i = 0; i < 64; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	CHECK(license_expr_check(deep, NULL) == 0);

	n = 0;
	for (int i = 0; i < 65; i++)
		deep[n++] = '(';
	memcpy(deep + n, "MIT", 3);
	n += 3;
	for (int i = 0; i < 65; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	CHECK(invalid(deep, "parentheses nested deeper than 64 at position 64", NULL));
}

/* The normalised form is itself valid and normalises to itself. */
static void test_roundtrip(void)
{
	static const char *const exprs[] = {
		"mit AND(apache-2.0)",
		"  (MIT OR Apache-2.0)AND CC-BY-4.0",
		"gpl-3.0+ WITH gcc-exception-3.1 OR licenseref-X",
		"documentref-a:licenseref-b AND ((0bsd))",
	};

	for (size_t i = 0; i < sizeof(exprs) / sizeof(*exprs); i++) {
		char *a = NULL, *b = NULL;
		int ok = license_expr_check(exprs[i], &a) == 0 &&
			 license_expr_check(a, &b) == 0 && strcmp(a, b) == 0;

		if (!ok)
			fprintf(stderr, "'%s' -> '%s' -> '%s'\n", exprs[i],
				a ? a : "(error)", b ? b : "(error)");
		free(a);
		free(b);
		CHECK(ok);
	}
}

int main(void)
{
	RUN(test_tables);
	RUN(test_known);
	RUN(test_deprecated_marked);
	RUN(test_valid);
	RUN(test_invalid);
	RUN(test_limits);
	RUN(test_roundtrip);
	return unit_done();
}

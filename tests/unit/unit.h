/* A minimal unit-test harness: each test is a function; CHECK stops the
 * test at the first failure; main() RUNs the tests, printing one TAP-style
 * "ok"/"not ok" line per test, which tests/run.sh counts. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

#include "core/core.h"

extern int unit_failed;
void unit_run(const char *file, const char *name, void (*fn)(void));
int unit_done(void);
/* A fresh empty folder for this test process; removed at exit. */
const char *unit_tmpdir(void);
/* 1 if got is byte for byte tests/unit/golden/NAME (UPDATE_GOLDEN=1
 * rewrites it instead); a difference is printed. */
int unit_golden(const char *name, const char *got, size_t n);

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", \
				__FILE__, __LINE__, #cond, prov_error_last());  \
			unit_failed = 1;                                     \
			return;                                              \
		}                                                            \
	} while (0)
#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)
#define RUN(fn) unit_run(__FILE__, #fn, fn)

#endif

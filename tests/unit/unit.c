#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

int unit_failed;
static int passed, failed;
static char tmpdir[256];

static void cleanup(void)
{
	char cmd[300];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd)) {
		}
	}
}

const char *unit_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/prov-unit-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(cleanup);
	}
	return tmpdir;
}

void unit_run(const char *file, const char *name, void (*fn)(void))
{
	static int inited;

	if (!inited++ && core_init()) {
		fprintf(stderr, "core_init: %s\n", prov_error_last());
		exit(2);
	}
	unit_failed = 0;
	prov_error_clear();
	fn();
	if (unit_failed)
		failed++;
	else
		passed++;
	printf("%s - %s: %s\n", unit_failed ? "not ok" : "ok", file, name);
	fflush(stdout);
}

int unit_done(void)
{
	return failed ? 1 : 0;
}

/* 1 if got is byte for byte tests/unit/golden/NAME; with UPDATE_GOLDEN
 * set, the golden file is rewritten instead. A difference is printed. */
int unit_golden(const char *name, const char *got, size_t n)
{
	struct buf want = BUF_INIT;
	char path[256];
	int same;

	snprintf(path, sizeof(path), "tests/unit/golden/%s", name);
	if (getenv("UPDATE_GOLDEN"))
		return !write_file_atomic(path, got, n, 0644, 0);
	same = !buf_read_file(&want, path, 0) && want.len == n &&
	       !memcmp(want.ptr, got, n);
	if (!same)
		fprintf(stderr, "%s differs from what was written:\n%.*s", path,
			(int)n, got);
	buf_release(&want);
	return same;
}

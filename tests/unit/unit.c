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

/* Runs a fuzz target's corpus through it without libFuzzer, so `make test`
 * replays every saved input and a crash found once stays fixed. The target
 * is named by the program: build/tests/replay/fuzz_X reads every file in
 * tests/fuzz/corpus/X/ (or in the folders and files given as arguments) and
 * prints one TAP line. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct list {
	char **v;
	size_t n, cap;
};

static void list_add(struct list *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds path, or the files in it when it is a folder. */
static int collect(struct list *l, const char *path)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (stat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		list_add(l, xstrdup(path));
		return 0;
	}
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			list_add(l, xasprintf("%s/%s", path, e->d_name));
	closedir(d);
	return 0;
}

/* Which input crashed, for a plain (not sanitized) build; a sanitizer
 * prints its own report, and the input can then be replayed alone. */
static const char *current;
static char label[256];

static void on_crash(int sig)
{
	static const char msg[] = "not ok - fuzz replay ";

	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0 ||
	    write(STDOUT_FILENO, label, strlen(label)) < 0 ||
	    write(STDOUT_FILENO, " (crashed on ", 13) < 0 ||
	    write(STDOUT_FILENO, current, strlen(current)) < 0 ||
	    write(STDOUT_FILENO, ")\n", 2) < 0) {
	}
	raise(sig);
}

int main(int argc, char **argv)
{
	const char *prog =
		strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *name = strncmp(prog, "fuzz_", 5) ? prog : prog + 5;
	const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
	struct sigaction sa;
	struct list files = {0};
	char *dflt = xasprintf("tests/fuzz/corpus/%s", name);

	snprintf(label, sizeof(label), "%s", name);
	for (int i = argc > 1 ? 1 : 0; i < argc; i++) {
		const char *path = argc > 1 ? argv[i] : dflt;
		if (collect(&files, path)) {
			printf("not ok - fuzz replay %s ('%s': %s)\n", name,
			       path, strerror(errno));
			return 1;
		}
	}
	if (!files.n) {
		printf("not ok - fuzz replay %s (no inputs in '%s')\n", name,
		       argc > 1 ? argv[1] : dflt);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
#ifndef __SANITIZE_ADDRESS__ /* AddressSanitizer's own handler says more */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
		sigaction(sigs[i], &sa, NULL);
#else
	(void)sigs;
#endif
	/* A fixed order, so a failure is reproducible. */
	qsort(files.v, files.n, sizeof(*files.v), by_name);
	for (size_t i = 0; i < files.n; i++) {
		struct buf b = BUF_INIT;
		if (buf_read_file(&b, files.v[i], 0)) {
			printf("not ok - fuzz replay %s (%s)\n", name,
			       prov_error_last());
			return 1;
		}
		current = files.v[i];
		LLVMFuzzerTestOneInput((const uint8_t *)b.ptr, b.len);
		buf_release(&b);
	}
	printf("ok - fuzz replay %s (%zu inputs)\n", name, files.n);
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	free(dflt);
	return 0;
}

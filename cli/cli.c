/* Option parsing, error reporting, and the registry and identity lookups
 * every command shares. */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include <sodium.h>

#include "cli/cli.h"

const char *cli_registry_opt;
const char *cli_program = "prov";

void strlist_push(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 2) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strlist_sort(struct strlist *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), str_cmp);
}

int strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_fail(int rc)
{
	fprintf(stderr, "%s: %s\n", cli_program, cli_esc(prov_error_last()));
	return rc == PROV_EVERIFY ? EXIT_CHECK : EXIT_USAGE;
}

static void print_help(const struct cmd_help *h, const struct opt *opts)
{
	printf("usage: %s\n\n%s\n\noptions:\n", h->usage, h->summary);
	for (const struct opt *o = opts; o->type != OPT_END; o++) {
		char left[64];
		/* "-r, --recursive" and "    --license EXPR" line up. */
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name,
				 o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-28s %s%s\n", left, o->help,
		       o->type == OPT_LIST ? " (repeatable)" : "");
	}
	if (h->registry)
		printf("  %-28s %s\n", "    --registry DIR",
		       "the registry (default: $PROV_REGISTRY, the nearest .prov)");
	printf("  %-28s %s\n", "-h, --help", "show this help");
}

static const struct opt *find_long(const struct opt *opts, const char *name,
				   size_t len)
{
	for (const struct opt *o = opts; o->type != OPT_END; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (const struct opt *o = opts; o->type != OPT_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

static void set_opt(const struct opt *o, const char *val)
{
	if (o->type == OPT_FLAG)
		*(int *)o->value = 1;
	else if (o->type == OPT_STRING)
		*(const char **)o->value = val;
	else
		strlist_push(o->value, val);
}

int cli_parse(int argc, char **argv, const struct cmd_help *h,
	      const struct opt *opts, struct strlist *args)
{
	int only_args = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct opt *o = NULL;

		if (only_args || a[0] != '-' || !a[1]) {
			strlist_push(args, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_help(h, opts);
			return CLI_HELP;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (len == 8 && !strncmp(a + 2, "registry", 8)) {
				if (!eq && i + 1 >= argc)
					return cli_usage_error("--registry needs a folder");
				cli_registry_opt = eq ? eq + 1 : argv[++i];
				continue;
			}
			o = find_long(opts, a + 2, len);
			if (!o)
				return cli_usage_error("unknown option '%.*s' (see '%s --help')",
						       (int)len + 2, a, argv[0]);
			val = eq ? eq + 1 : NULL;
			if (val && o->type == OPT_FLAG)
				return cli_usage_error("'--%s' takes no value", o->name);
		} else {
			o = find_short(opts, a[1]);
			if (!o || (a[2] && o->type == OPT_FLAG))
				return cli_usage_error("unknown option '%s' (see '%s --help')",
						       a, argv[0]);
			val = a[2] ? a + 2 : NULL;
		}
		if (o->type != OPT_FLAG && !val) {
			if (i + 1 >= argc)
				return cli_usage_error("'--%s' needs %s", o->name,
						       o->arg ? o->arg : "a value");
			val = argv[++i];
		}
		set_opt(o, val);
	}
	if ((int)args->n < h->min_args ||
	    (h->max_args >= 0 && (int)args->n > h->max_args))
		return cli_usage_error("%s: wrong number of arguments (usage: %s)",
				       argv[0], h->usage);
	return 0;
}

int cli_lock_wait_ms(void)
{
	const char *env = getenv("PROV_LOCK_WAIT_MS");
	char *end;
	long v;

	if (!env || !*env)
		return 10000;
	v = strtol(env, &end, 10);
	return *end || v < 0 || v > 3600000 ? 10000 : (int)v;
}

/* ---- where things are ------------------------------------------------- */

const char *cli_home(void)
{
	static char *home;
	const char *env = getenv("PROV_HOME");

	if (!home) {
		if (env && *env)
			home = xstrdup(env);
		else if ((env = getenv("XDG_CONFIG_HOME")) && *env)
			home = xasprintf("%s/prov", env);
		else
			home = xasprintf("%s/.config/prov",
					 getenv("HOME") ? getenv("HOME") : ".");
	}
	return home;
}

int cli_key_path(struct buf *out, const char *name)
{
	if (key_name_check(name))
		return PROV_EINVALID;
	return buf_printf(out, "%s/keys/%s.key", cli_home(), name);
}

/* 0 and the key; 1 when there is no key file; -1 for one that is not
 * exactly 32 bytes, or that others could read or write. */
static int read_cache_key(uint8_t key[32], const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	uint8_t extra;
	int ok;

	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	ok = !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	     !(st.st_mode & 077) && read(fd, key, 32) == 32 &&
	     read(fd, &extra, 1) == 0;
	close(fd);
	return ok ? 0 : -1;
}

uint8_t *cli_cache_key(void)
{
	uint8_t *key = sodium_malloc(CACHE_KEY_LEN);
	struct buf path = BUF_INIT;
	int rc;

	if (!key)
		return NULL;
	buf_printf(&path, "%s/cache.key", cli_home());
	if ((rc = read_cache_key(key, path.ptr)) > 0) {
		randombytes_buf(key, CACHE_KEY_LEN);
		rc = mkdir_p(cli_home(), 0700) ||
		     write_file_atomic(path.ptr, key, CACHE_KEY_LEN, 0600, 1);
		/* Another prov made it first: use theirs. */
		if (rc && prov_error_code() == PROV_EEXISTS)
			rc = read_cache_key(key, path.ptr);
	}
	prov_error_clear();
	if (rc < 0)
		fprintf(stderr, "prov: warning: '%s' is not a 32-byte file only "
				"you can read: caches are not used\n",
			cli_esc(path.ptr));
	buf_release(&path);
	if (rc) {
		sodium_free(key);
		return NULL;
	}
	return key;
}

int cli_read_dids(struct strlist *out, const char *file)
{
	struct buf text = BUF_INIT;
	char *line, *save = NULL;
	uint8_t pk[32];
	size_t n = 0;
	int rc;

	if ((rc = buf_read_file(&text, file, 16u << 20)))
		return rc;
	for (line = strtok_r(text.ptr, "\n", &save); line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		n++;
		line[strcspn(line, "\r")] = '\0';
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		for (size_t len = strlen(line);
		     len && (line[len - 1] == ' ' || line[len - 1] == '\t');)
			line[--len] = '\0';
		if (did_to_pk(pk, line))
			rc = prov_error_set(PROV_EINVALID,
					    "'%s', line %zu: '%s' is not a did:key",
					    file, n, cli_esc(line));
		else
			strlist_push(out, line);
	}
	buf_release(&text);
	return rc;
}

int cli_subcommand(int argc, char **argv, const char *command,
		   const struct subcommand *subs, size_t n, const char *help)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct buf names = BUF_INIT;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(sub, subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
		puts(help);
		return EXIT_OK;
	}
	for (size_t i = 0; i < n; i++)
		buf_printf(&names, "%s%s", i ? (i + 1 < n ? ", " : " or ") : "",
			   subs[i].name);
	rc = cli_usage_error("%s: expected %s (see 'prov %s --help')", command,
			     names.ptr, command);
	buf_release(&names);
	return rc;
}

int cli_open_store(struct store **out)
{
	const char *env = getenv("PROV_REGISTRY");
	char cwd[PATH_MAX], *p;
	struct buf path = BUF_INIT;
	struct stat st;
	int rc;

	if (cli_registry_opt)
		return store_open(out, cli_registry_opt);
	if (env && *env)
		return store_open(out, env);
	if (!getcwd(cwd, sizeof(cwd)))
		return prov_error_set(PROV_EIO, "cannot read the current folder");
	/* Like git, the nearest registry above the current folder. */
	for (p = cwd + strlen(cwd);;) {
		buf_clear(&path);
		buf_printf(&path, "%.*s/.prov", (int)(p - cwd), cwd);
		if (!stat(path.ptr, &st) && S_ISDIR(st.st_mode)) {
			rc = store_open(out, path.ptr);
			goto done;
		}
		while (p > cwd && *--p != '/')
			;
		if (p == cwd)
			break;
	}
	buf_clear(&path);
	buf_printf(&path, "%s/registry", cli_home());
	if (!stat(path.ptr, &st)) {
		rc = store_open(out, path.ptr);
		goto done;
	}
	rc = prov_error_set(PROV_ENOTFOUND,
			    "no registry here (run 'prov init', or use "
			    "--registry DIR or PROV_REGISTRY)");
done:
	buf_release(&path);
	return rc;
}

/* ---- identities -------------------------------------------------------- */

int cli_passphrase(char *buf, size_t cap, const char *prompt, void *payload)
{
	const char *env = getenv("PROV_PASSPHRASE");
	struct termios old, quiet;
	FILE *tty;
	size_t n;

	if (env) {
		if (strlen(env) >= cap)
			return prov_error_set(PROV_EINVALID, "passphrase too long");
		memcpy(buf, env, strlen(env) + 1);
		return 0;
	}
	tty = fopen("/dev/tty", "r+");
	if (!tty)
		return prov_error_set(PROV_EPASS,
				      "key '%s' needs a passphrase: set "
				      "PROV_PASSPHRASE or run on a terminal",
				      prompt);
	/* Unbuffered, so no copy of the passphrase stays in a stdio buffer. */
	setvbuf(tty, NULL, _IONBF, 0);
	fprintf(tty, "passphrase for %s: ", prompt);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	if (!fgets(buf, (int)cap, tty))
		buf[0] = '\0';
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static int only_key(char name[KEY_NAME_MAX + 1])
{
	struct buf dir = BUF_INIT;
	struct dirent *d;
	int found = 0;
	DIR *dp;

	buf_printf(&dir, "%s/keys", cli_home());
	dp = opendir(dir.ptr);
	buf_release(&dir);
	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		size_t n = strlen(d->d_name);
		if (n > 4 && n - 4 <= KEY_NAME_MAX &&
		    !strcmp(d->d_name + n - 4, ".key")) {
			if (found++ == 0)
				snprintf(name, KEY_NAME_MAX + 1, "%.*s",
					 (int)(n - 4), d->d_name);
		}
	}
	closedir(dp);
	return found;
}

int cli_load_identity(struct key **out, const char *name)
{
	char only[KEY_NAME_MAX + 1];
	struct buf path = BUF_INIT;
	int n, rc;

	*out = NULL;
	if (!name)
		name = getenv("PROV_IDENTITY");
	if (!name || !*name) {
		n = only_key(only);
		if (n == 0)
			return prov_error_set(PROV_ENOTFOUND,
					      "no identity yet (run 'prov id new NAME')");
		if (n > 1)
			return prov_error_set(PROV_EINVALID,
					      "%d identities: choose one with --as "
					      "NAME or PROV_IDENTITY",
					      n);
		name = only;
	}
	if ((rc = cli_key_path(&path, name)))
		goto done;
	rc = key_load(out, path.ptr, cli_passphrase, NULL);
	if (rc == PROV_ENOTFOUND)
		rc = prov_error_set(PROV_ENOTFOUND, "no identity named '%s'", name);
done:
	buf_release(&path);
	return rc;
}

/* ---- output ----------------------------------------------------------- */

const char *cli_esc(const char *s)
{
	static _Thread_local struct buf ring[8];
	static _Thread_local unsigned next;
	struct buf *b = &ring[next++ % 8];
	char *clean;

	if (!b->ptr)
		buf_init(b, 0);
	buf_clear(b);
	if (!s)
		return "(none)";
	clean = utf8_sanitize(s);
	for (const unsigned char *p = (const unsigned char *)clean; *p; p++) {
		/* C1 controls are U+0080-U+009F, encoded C2 80 - C2 9F. */
		int c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
		if (*p < 0x20 || *p == 0x7f || c1) {
			buf_printf(b, "\\x%02x", c1 ? p[1] : *p);
			p += c1;
		} else {
			buf_putc(b, (char)*p);
		}
	}
	free(clean);
	return b->ptr;
}

void cli_print_json(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
					JSON_ENCODE_ANY);
	puts(s ? s : "null");
	free(s);
}

int cli_progress_enabled(void)
{
	return isatty(2) && !getenv("PROV_NO_PROGRESS");
}

void cli_progress(const char *what, size_t done, size_t total)
{
	static struct timespec last;
	struct timespec now;
	int width = 30, fill;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done != total && now.tv_sec == last.tv_sec &&
	    now.tv_nsec - last.tv_nsec < 100000000L)
		return;
	last = now;
	fill = total ? (int)((double)done / (double)total * width) : width;
	fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu", what, fill,
		"##############################", width - fill, "", done, total);
}

void cli_progress_end(void)
{
	fputc('\n', stderr);
}

int cli_rpc_open(struct rpc_client **out, uint64_t *chain_id,
		 const struct strlist *urls, const char *want)
{
	char have[32];
	int rc;

	*out = NULL;
	*chain_id = 0;
	if (!urls->n)
		return prov_error_set(PROV_EINVALID,
				      "no JSON-RPC endpoint: give --rpc URL");
	if ((rc = rpc_client_new(out, (const char *const *)urls->v, urls->n)) ||
	    (rc = rpc_chain_id(chain_id, *out)))
		return rc;
	snprintf(have, sizeof(have), "eip155:%" PRIu64, *chain_id);
	if (want && strcmp(want, have))
		return prov_error_set(PROV_EINVALID,
				      "the endpoint is on chain %s, not %s",
				      have, want);
	return 0;
}

int cli_parse_count(unsigned *out, const char *s, const char *opt,
		       unsigned lo, unsigned hi)
{
	char *end;
	unsigned long v;

	if (!s)
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi || s[0] == '-')
		return cli_usage_error("--%s: '%s' is not a number from %u to "
				       "%u",
				       opt, s, lo, hi);
	*out = (unsigned)v;
	return 0;
}

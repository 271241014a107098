/* prov fingerprint: the perceptual fingerprint of JPEG files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"

/* Larger files are refused before reading (the decoder's pixel bound is
 * far below what a file this size could hold). */
#define FINGERPRINT_FILE_MAX (256u * 1024 * 1024)

int cmd_fingerprint(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov fingerprint FILE.jpg... [--json]",
		"Prints the perceptual fingerprint of each JPEG file and its "
		"name: dct48:<12 hex digits>, one bit for each of the 48 "
		"lowest "
		"frequencies of the decoded picture. Re-encodes, resizes and "
		"small crops of one picture are at most 12 bits apart "
		"(docs/fingerprint.md). A file that is not a readable JPEG is "
		"named on stderr and the others are still printed; the exit "
		"status is then 2.",
		1,
		-1,
		0,
	};
	int json = 0, rc, failed = 0;
	const struct opt opts[] = {OPT_JSON(&json), OPT_END_};
	struct strlist args = {0};
	struct buf data = BUF_INIT, text = BUF_INIT;
	json_t *arr = NULL;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	arr = json_array();
	for (size_t i = 0; i < args.n; i++) {
		struct fingerprint f;

		buf_clear(&data);
		buf_clear(&text);
		if ((rc = buf_read_file(&data, args.v[i],
					FINGERPRINT_FILE_MAX)) ||
		    (rc = fingerprint_jpeg(&f, (const uint8_t *)data.ptr,
					   data.len)) ||
		    (rc = fingerprint_format(&text, &f))) {
			fprintf(stderr, "prov: '%s': %s\n", cli_esc(args.v[i]),
				cli_esc(prov_error_last()));
			failed = 1;
			continue;
		}
		if (json) {
			char *name =
				utf8_sanitize(args.v[i]); /* JSON is UTF-8 */

			json_array_append_new(
				arr, json_pack("{s:s, s:s}", "file", name,
					       "fingerprint", text.ptr));
			free(name);
		} else
			printf("%s  %s\n", text.ptr, cli_esc(args.v[i]));
	}
	if (json)
		cli_print_json(arr);
	rc = failed ? EXIT_USAGE : EXIT_OK;
done:
	json_decref(arr);
	buf_release(&data);
	buf_release(&text);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

/* ---- near-duplicates of opted-out works, for manifest builds ------------- */

/* A picture someone opted out: a work record with a fingerprint on content
 * that an opt-out (one that counts, per content_optouts) refuses a use of. */
struct original {
	uint8_t sha256[32];
	char *work, *name, *creator, *by;
	struct fingerprint fp;
};

struct near_set {
	struct manifest_near near;
	struct original *v;
	size_t n;
	struct store *s;
	const struct index *ix;
	unsigned uses;
};

static int original_cmp(const void *a, const void *b)
{
	return strcmp(((const struct original *)a)->work,
		      ((const struct original *)b)->work);
}

/* The fingerprinted works on one opted-out content hash. */
static void add_originals(struct near_set *ns, const uint8_t sha[32])
{
	const struct content_info *ci = index_get(ns->ix, sha);
	const struct optout *first = NULL;
	char hex[65];

	if (!content_optouts(ci, ns->uses, &first) || !first)
		return;
	hex_encode(hex, sha, 32);
	for (size_t i = 0; i < ci->nclaims; i++) {
		const struct claim *c = &ci->claims[i];
		struct buf path = BUF_INIT, data = BUF_INIT;
		struct record *r = NULL;
		struct fingerprint fp;
		const char *text, *name;
		int seen = 0;

		for (size_t k = 0; k < ns->n; k++)
			seen |= !strcmp(ns->v[k].work, c->id);
		if (seen || strncmp(c->id, "sha256:", 7))
			continue;
		buf_printf(&path, "works/%.2s/%.2s/%s/%s.json", hex, hex + 2,
			   hex, c->id + 7);
		/* The index checked this record; its id is its payload's hash.
		 */
		if (!store_read(&data, ns->s, path.ptr) &&
		    !record_parse(&r, data.ptr, data.len) &&
		    !strcmp(r->id, c->id) &&
		    (text = json_string_value(
			     json_object_get(r->payload, "fingerprint"))) &&
		    !fingerprint_parse(&fp, text)) {
			struct original *o;

			ns->v = xrealloc(ns->v, (ns->n + 1) * sizeof(*ns->v));
			o = &ns->v[ns->n++];
			memcpy(o->sha256, sha, 32);
			o->work = xstrdup(c->id);
			name = json_string_value(json_object_get(
				json_object_get(r->payload, "content"),
				"name"));
			o->name = xstrdup(name ? name : "?");
			o->creator = xstrdup(c->creator ? c->creator : "?");
			o->by = xstrdup(first->by ? first->by : "?");
			o->fp = fp;
		}
		prov_error_clear();
		record_free(r);
		buf_release(&path);
		buf_release(&data);
	}
}

static int walk_optout(const char *path, const void *data, size_t n,
		       void *payload)
{
	struct near_set *ns = payload;
	struct record *r = NULL;
	const json_t *e;
	size_t i;

	if (!record_parse(&r, data, n) && !strcmp(r->kind, "optout"))
		json_array_foreach(json_object_get(r->payload, "content"), i,
				   e) {
			const char *h = json_string_value(e);
			uint8_t sha[32];

			if (h && strlen(h) == 64 && !hex_decode(sha, 32, h, 64))
				add_originals(ns, sha);
		}
	prov_error_clear();
	record_free(r);
	return 0;
}

/* Whether f (a .jpg or .jpeg) is a near-duplicate of an original: the
 * nearest, ties to the lowest work id. Files of the original's own content
 * are left to the opt-out itself. */
static int near_match(char **record, char **why, const struct file_entry *f,
		      void *arg)
{
	const struct near_set *ns = arg;
	const struct original *best = NULL;
	struct buf data = BUF_INIT;
	struct fingerprint fp;
	unsigned bestd = FINGERPRINT_BITS + 1;

	if (strcmp(media_type_guess(f->path), "image/jpeg") ||
	    buf_read_file(&data, f->path, FINGERPRINT_FILE_MAX) ||
	    fingerprint_jpeg(&fp, (const uint8_t *)data.ptr, data.len))
		goto done;
	for (size_t i = 0; i < ns->n; i++) {
		unsigned d = fingerprint_distance(&fp, &ns->v[i].fp);

		if (d < bestd && d <= FINGERPRINT_NEAR &&
		    memcmp(f->sha256, ns->v[i].sha256, 32)) {
			best = &ns->v[i];
			bestd = d;
		}
	}
	if (best) {
		*record = xstrdup(best->work);
		*why = xasprintf("looks like work %s ('%s' by %s; fingerprint "
				 "distance %u), opted out by %s",
				 best->work, best->name, best->creator, bestd,
				 best->by);
	}
done:
	prov_error_clear();
	buf_release(&data);
	return best != NULL;
}

int cli_near_optouts(struct manifest_near **out, struct store *s,
		     const struct index *ix, unsigned uses)
{
	struct near_set *ns = xcalloc(1, sizeof(*ns));
	int rc;

	*out = NULL;
	ns->s = s;
	ns->ix = ix;
	ns->uses = uses;
	rc = store_walk(s, "records/optout", walk_optout, ns);
	if (rc == PROV_ENOTFOUND) /* no opt-outs yet */
		rc = 0;
	if (rc || !ns->n) {
		cli_near_free(&ns->near);
		return rc;
	}
	qsort(ns->v, ns->n, sizeof(*ns->v), original_cmp);
	ns->near.match = near_match;
	ns->near.arg = ns;
	*out = &ns->near;
	return 0;
}

void cli_near_free(struct manifest_near *near)
{
	struct near_set *ns = (struct near_set *)near;

	if (!ns)
		return;
	for (size_t i = 0; i < ns->n; i++) {
		free(ns->v[i].work);
		free(ns->v[i].name);
		free(ns->v[i].creator);
		free(ns->v[i].by);
	}
	free(ns->v);
	free(ns);
}

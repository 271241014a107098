/* prov export: records as other standards' documents. `prov export lineage`
 * writes a model's lineage (docs/lineage.md) from the trace report
 * (manifest/trace.c) as OpenLineage, SPDX 3.0.1 or W3C PROV-O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"

/* The document to -o FILE, whole or not at all, or to standard output. */
static int write_out(const char *file, const struct buf *doc)
{
	if (file)
		return write_file_atomic(file, doc->ptr, doc->len, 0644, 0);
	if (fwrite(doc->ptr, 1, doc->len, stdout) != doc->len || fflush(stdout))
		return prov_error_set(PROV_EIO, "standard output: %s",
				      errstr(errno));
	return 0;
}

/* The failed checks are the trace's to explain; the export says what the
 * records claim, so it is still written, with a warning. */
static void warn_failed(const json_t *report, const char *arg)
{
	json_int_t n = json_integer_value(
		json_object_get(json_object_get(report, "summary"), "failed"));

	if (n > 0)
		fprintf(stderr,
			"prov: warning: %" JSON_INTEGER_FORMAT " check(s) of '%s' "
			"failed; exported as recorded (see prov trace)\n",
			n, cli_esc(arg));
}

static int export_lineage(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov export lineage MODEL|WEIGHTS-FILE|SHA256 --format "
		"openlineage|spdx|prov-o [-o FILE]",
		"Writes a model's lineage (the model and its parent models, the "
		"runs that trained them, their datasets with record ids, Merkle "
		"roots, curators and item counts, and the works' creators and "
		"licenses in aggregate) as OpenLineage RunEvents, an SPDX 3.0.1 "
		"document (AI and Dataset profiles) or W3C PROV-O JSON-LD "
		"(docs/lineage.md). The lineage is traced first (prov trace); "
		"failed checks are warned about, and the records exported as they "
		"are. The same lineage always gives the same bytes.",
		1, 1, 1,
	};
	const char *format = NULL, *file = NULL;
	const struct opt opts[] = {
		OPT_STR("format", 0, &format, "F",
			"openlineage, spdx or prov-o (required)"),
		OPT_STR("output", 'o', &file, "FILE",
			"write FILE (atomically) instead of stdout"),
		OPT_END_,
	};
	struct strlist args = { 0 };
	struct trace_options o = { 0 };
	struct store *s = NULL;
	struct buf doc = BUF_INIT;
	json_t *report = NULL;
	enum lineage_format fmt;
	char id[RECORD_ID_MAX];
	int rc;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (!format) {
		rc = cli_usage_error("export lineage: --format is required "
				     "(openlineage, spdx or prov-o)");
		goto done;
	}
	if (lineage_format_parse(&fmt, format)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	o.cache_key = cli_cache_key();
	if ((rc = cli_open_store(&s)) || (rc = cli_model_resolve(id, s, args.v[0], 1)) ||
	    (rc = trace_model(&report, s, id, &o))) {
		rc = cli_fail(rc);
		goto done;
	}
	if ((rc = lineage_export(&doc, fmt, report))) {
		prov_error_wrap("'%s'", args.v[0]);
		rc = cli_fail(rc);
		goto done;
	}
	warn_failed(report, args.v[0]);
	if ((rc = write_out(file, &doc))) {
		prov_error_wrap("could not write the export");
		rc = cli_fail(rc);
	}
done:
	sodium_free((void *)o.cache_key);
	json_decref(report);
	store_free(s);
	buf_release(&doc);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_export(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "lineage", export_lineage },
	};

	return CLI_SUBCOMMAND(argc, argv, "export", subs,
			      "usage: prov export lineage MODEL|WEIGHTS-FILE|SHA256 "
			      "--format openlineage|spdx|prov-o [-o FILE]\n\n"
			      "Records as other standards' documents: a model's lineage as "
			      "OpenLineage,\nSPDX 3.0.1 or W3C PROV-O (docs/lineage.md). "
			      "Dataset manifests are exported\nwith 'prov manifest export'.");
}

/* prov fingerprint: the perceptual fingerprint of JPEG files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"
#include "cli/cli.h"
#include "cli/commands.h"

/* Larger files are refused before reading (the decoder's pixel bound is
 * far below what a file this size could hold). */
#define FINGERPRINT_FILE_MAX (256u * 1024 * 1024)

int cmd_fingerprint(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov fingerprint FILE.jpg... [--json]",
		"Prints the perceptual fingerprint of each JPEG file and its "
		"name: dct48:<12 hex digits>, the signs of the 48 lowest "
		"frequencies of the decoded picture. Re-encodes, resizes and "
		"small crops of one picture are at most 12 bits apart "
		"(docs/fingerprint.md). A file that is not a readable JPEG is "
		"named on stderr and the others are still printed; the exit "
		"status is then 2.",
		1, -1, 0,
	};
	int json = 0, rc, failed = 0;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 };
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
		if (json)
			json_array_append_new(
				arr, json_pack("{s:s, s:s}", "file", args.v[i],
					       "fingerprint", text.ptr));
		else
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

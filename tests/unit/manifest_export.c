/* Exports of a dataset manifest: the key fields of each format, exactly,
 * the same bytes for the same manifest, and those bytes pinned by golden
 * files (tests/unit/golden/export-*.json; UPDATE_GOLDEN=1 rewrites them). */
#include <stdlib.h>

#include "manifest/manifest.h"
#include "unit.h"

#define ID "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define PARENT "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define H1 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define H2 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ROOT "0xcccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const char blob[] =
	"{\"license\":\"CC-BY-4.0\",\"path\":\"img/a.jpg\",\"sha256\":\"" H1
	"\",\"size\":10,\"weight\":1,\"works\":[\"sha256:w1\"]}\n"
	"{\"license\":\"LicenseRef-x OR MIT\",\"path\":\"b.csv\",\"sha256\":\"" H2
	"\",\"size\":20,\"weight\":1,\"works\":[\"sha256:w2\",\"sha256:w3\"]}\n";

/* What a layout could get wrong: escapes and non-ASCII in a path, a blank
 * line, no license, an empty one, NOASSERTION, no works, a works list with a
 * non-string, a size past 32 bits. */
static const char edge_blob[] =
	"{\"license\":\"NOASSERTION\",\"path\":\"dir/\u00fc \\\"q\\\" \\\\ /x.PNG\","
	"\"sha256\":\"" H1 "\",\"size\":0,\"works\":[]}\n"
	"\n"
	"{\"path\":\"no-license.bin\",\"sha256\":\"" H2 "\",\"size\":12345678901,"
	"\"works\":[5,\"sha256:w4\"]}\n"
	"{\"license\":\"\",\"path\":\"empty-license\",\"sha256\":\"" H1 "\",\"size\":1}\n"
	"{\"license\":\"MIT\",\"path\":\"tab\\tctl\\u0001.txt\",\"sha256\":\"" H2 "\","
	"\"size\":3,\"works\":[\"sha256:w1\"]}\n"
	"{\"license\":\"CC-BY-4.0\",\"path\":\"z.jpg\",\"sha256\":\"" H2 "\",\"size\":7}";

static json_t *payload(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:s}", "kind",
			 "dataset", "name", "faces", "version", "2", "parent",
			 PARENT, "curator", "did:key:z6Mkcurator", "merkle", "root",
			 ROOT, "created", "2026-11-22T19:00:00Z");
}

static int to_buf(const char *data, size_t n, void *arg)
{
	return buf_put(arg, data, n);
}

/* The document as written. */
static int text(struct buf *out, enum manifest_format f, const json_t *p,
		const char *items, size_t n)
{
	return manifest_export(to_buf, out, f, ID, p, items, n);
}

static json_t *export(enum manifest_format f)
{
	json_t *p = payload(), *out = NULL;
	struct buf b = BUF_INIT;

	if (!text(&b, f, p, blob, strlen(blob)))
		out = json_loads(b.ptr, 0, NULL);
	buf_release(&b);
	json_decref(p);
	return out;
}

static const char *s(const json_t *o, const char *path)
{
	/* "a.b.0.c": object keys and array indexes */
	char key[64];
	const char *dot;

	while (o && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", (int)(dot ? dot - path : (long)strlen(path)), path);
		o = (*key >= '0' && *key <= '9') ? json_array_get(o, (size_t)atoi(key)) :
						  json_object_get(o, key);
		path = dot ? dot + 1 : "";
	}
	return json_string_value(o);
}

static void croissant(void)
{
	json_t *d = export(MANIFEST_CROISSANT);

	CHECK(d);
	CHECK_STR(s(d, "@type"), "sc:Dataset");
	CHECK_STR(s(d, "dct:conformsTo"), "http://mlcommons.org/croissant/1.1");
	CHECK_STR(s(d, "@context.cr"), "http://mlcommons.org/croissant/");
	CHECK_STR(s(d, "name"), "faces");
	CHECK_STR(s(d, "version"), "2");
	CHECK_STR(s(d, "datePublished"), "2026-11-22T19:00:00Z");
	CHECK_STR(s(d, "url"), "urn:prov:dataset:" ID);
	CHECK_STR(s(d, "creator.@id"), "did:key:z6Mkcurator");
	CHECK_STR(s(d, "description"), "Dataset manifest faces@2 built by prov; 2 "
				       "items under Merkle root " ROOT);
	CHECK_STR(s(d, "license.0"), "https://spdx.org/licenses/CC-BY-4.0.html");
	CHECK_STR(s(d, "license.1"), "LicenseRef-x OR MIT");
	CHECK(json_array_size(json_object_get(d, "distribution")) == 2);
	CHECK_STR(s(d, "distribution.0.@type"), "cr:FileObject");
	CHECK_STR(s(d, "distribution.0.contentUrl"), "img/a.jpg");
	CHECK_STR(s(d, "distribution.0.encodingFormat"), "image/jpeg");
	CHECK_STR(s(d, "distribution.0.sha256"), H1);
	CHECK_STR(s(d, "distribution.0.contentSize"), "10 B");
	CHECK_STR(s(d, "distribution.1.encodingFormat"), "text/csv");
	CHECK_STR(s(d, "distribution.1.prov:wasDerivedFrom.1.@id"),
		  "urn:prov:work:sha256:w3");
	CHECK_STR(s(d, "prov:wasDerivedFrom.0.@id"), "urn:prov:dataset:" PARENT);
	json_decref(d);
}

static void spdx(void)
{
	json_t *d = export(MANIFEST_SPDX), *g, *e;
	size_t i, files = 0, lic = 0;
	const char *pkg = NULL;

	CHECK(d);
	CHECK_STR(s(d, "@context"), "https://spdx.org/rdf/3.0.1/spdx-context.jsonld");
	g = json_object_get(d, "@graph");
	CHECK_STR(s(g, "0.type"), "CreationInfo");
	CHECK_STR(s(g, "0.specVersion"), "3.0.1");
	json_array_foreach (g, i, e) {
		const char *t = s(e, "type");
		if (!strcmp(t, "dataset_DatasetPackage")) {
			pkg = s(e, "spdxId");
			CHECK_STR(s(e, "name"), "faces");
			CHECK_STR(s(e, "software_packageVersion"), "2");
			CHECK_STR(s(e, "verifiedUsing.0.algorithm"), "sha256");
		} else if (!strcmp(t, "software_File")) {
			CHECK_STR(s(e, "verifiedUsing.0.hashValue"), files ? H2 : H1);
			files++;
		} else if (!strcmp(t, "Relationship") &&
			   !strcmp(s(e, "relationshipType"), "hasDeclaredLicense")) {
			lic++;
		} else if (!strcmp(t, "Relationship")) {
			CHECK_STR(s(e, "relationshipType"), "contains");
			CHECK(json_array_size(json_object_get(e, "to")) == 2);
		}
	}
	CHECK(pkg && !strcmp(pkg, "urn:prov:dataset:" ID));
	CHECK(files == 2 && lic == 2);
	json_decref(d);
}

static void cyclonedx(void)
{
	json_t *d = export(MANIFEST_CYCLONEDX);

	CHECK(d);
	CHECK_STR(s(d, "bomFormat"), "CycloneDX");
	CHECK_STR(s(d, "specVersion"), "1.6");
	CHECK_STR(s(d, "serialNumber"), "urn:uuid:00112233-4455-5677-8899-aabbccddeeff");
	CHECK_STR(s(d, "metadata.timestamp"), "2026-11-22T19:00:00Z");
	CHECK_STR(s(d, "metadata.component.type"), "data");
	CHECK_STR(s(d, "metadata.component.name"), "faces");
	CHECK_STR(s(d, "metadata.component.version"), "2");
	CHECK_STR(s(d, "metadata.component.properties.0.value"), ID);
	CHECK_STR(s(d, "metadata.component.properties.1.value"), ROOT);
	CHECK_STR(s(d, "metadata.component.properties.2.value"), PARENT);
	CHECK_STR(s(d, "components.0.type"), "data");
	CHECK_STR(s(d, "components.0.name"), "img/a.jpg");
	CHECK_STR(s(d, "components.0.hashes.0.alg"), "SHA-256");
	CHECK_STR(s(d, "components.0.hashes.0.content"), H1);
	CHECK_STR(s(d, "components.1.licenses.0.expression"), "LicenseRef-x OR MIT");
	json_decref(d);
}

static void deterministic(void)
{
	for (int f = MANIFEST_CROISSANT; f <= MANIFEST_CYCLONEDX; f++) {
		json_t *a = export((enum manifest_format)f),
		       *b = export((enum manifest_format)f);
		char *x = json_dumps(a, JSON_SORT_KEYS), *y = json_dumps(b, JSON_SORT_KEYS);
		int same = x && y && !strcmp(x, y);
		free(x);
		free(y);
		json_decref(a);
		json_decref(b);
		CHECK(same);
	}
}

/* Every format, byte for byte as the whole-tree exports wrote them (the
 * goldens predate streaming): the edge cases with a parent, and an empty
 * item list without one. */
static void golden(void)
{
	static const char *const names[] = { "croissant", "spdx", "cyclonedx" };
	json_t *p = payload(), *orphan = payload();
	struct buf got = BUF_INIT;
	char name[64];

	json_object_del(orphan, "parent");
	for (int f = MANIFEST_CROISSANT; f <= MANIFEST_CYCLONEDX; f++) {
		buf_clear(&got);
		CHECK(!text(&got, (enum manifest_format)f, p, edge_blob,
			    strlen(edge_blob)));
		snprintf(name, sizeof(name), "export-%s.json", names[f]);
		CHECK(unit_golden(name, got.ptr, got.len));
		buf_clear(&got);
		CHECK(!text(&got, (enum manifest_format)f, orphan, "", 0));
		snprintf(name, sizeof(name), "export-%s-empty.json", names[f]);
		CHECK(unit_golden(name, got.ptr, got.len));
	}
	buf_release(&got);
	json_decref(p);
	json_decref(orphan);
}

/* Bad input is found before a byte is written. */
static void bad_input(void)
{
	json_t *p = payload();
	struct buf out = BUF_INIT;
	enum manifest_format f;

	CHECK(manifest_format_parse(&f, "rdf") == PROV_EINVALID);
	CHECK(!manifest_format_parse(&f, "spdx") && f == MANIFEST_SPDX);
	CHECK(text(&out, MANIFEST_SPDX, p, "{\"path\":\"x\"}\n", 13) ==
	      PROV_EINVALID);
	CHECK(text(&out, MANIFEST_SPDX, p, "not json\n", 9) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "line 1 of the item list"));
	CHECK(text(&out, MANIFEST_CYCLONEDX, p, blob, strlen(blob) - 2) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "line 2 of the item list"));
	json_object_del(p, "name");
	CHECK(text(&out, MANIFEST_SPDX, p, blob, strlen(blob)) == PROV_EINVALID);
	CHECK(out.len == 0);
	json_decref(p);
}

struct failing {
	size_t calls, bytes, fail_at;
};

static int fail_later(const char *data, size_t n, void *arg)
{
	struct failing *f = arg;

	if (++f->calls == f->fail_at)
		return prov_error_set(PROV_EIO, "'out.json': no space left on device");
	f->bytes += n;
	return 0;
}

/* A large list goes out in pieces, and a failed write stops the export
 * with the writer's error: the writer is not called again. */
static void write_failure(void)
{
	json_t *p = payload();
	struct buf items = BUF_INIT;
	struct failing ok = { 0 }, bad = { .fail_at = 2 };

	for (int i = 0; i < 5000; i++)
		buf_printf(&items, "{\"license\":\"MIT\",\"path\":\"f%d\",\"sha256\":\""
			   H1 "\",\"size\":%d}\n", i, i);
	for (int f = MANIFEST_CROISSANT; f <= MANIFEST_CYCLONEDX; f++) {
		memset(&ok, 0, sizeof(ok));
		bad = (struct failing){ .fail_at = 2 };
		CHECK(!manifest_export(fail_later, &ok, (enum manifest_format)f,
				       ID, p, items.ptr, items.len));
		CHECK(ok.calls > 2 && ok.bytes > items.len);
		CHECK(manifest_export(fail_later, &bad, (enum manifest_format)f,
				      ID, p, items.ptr, items.len) == PROV_EIO);
		CHECK(bad.calls == 2);
		CHECK(strstr(prov_error_last(), "no space left"));
	}
	buf_release(&items);
	json_decref(p);
}

int main(void)
{
	RUN(croissant);
	RUN(spdx);
	RUN(cyclonedx);
	RUN(deterministic);
	RUN(golden);
	RUN(bad_input);
	RUN(write_failure);
	return unit_done();
}

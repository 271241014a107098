/*
 * manifest: dataset manifests, and what they are built from: an index of
 * what the registry says about each content hash.
 */
#ifndef PROV_MANIFEST_H
#define PROV_MANIFEST_H

#include "core/core.h"
#include "license/license.h"

/* Bit u is training_uses[u]. */
#define USE_BIT(u) (1u << (u))
#define USES_ALL ((1u << TRAINING_USES) - 1)

/* A verified work record on some content. The strings belong to the
 * index; any but id may be NULL. */
struct claim {
	const char *id;
	const char *creator;
	const char *license;
	const char *training; /* JCS of {use: allowed|notAllowed|constrained} */
};

/* A verified opt-out naming some content. */
struct optout {
	const char *id;
	const char *by;
	unsigned scope; /* USE_BIT()s */
	const char *reason; /* NULL if none given */
	const char *created; /* RFC 3339, or NULL */
};

struct content_info {
	uint8_t sha256[32];
	struct claim *claims; /* in the registry's tree order */
	size_t nclaims;
	struct optout *optouts;
	size_t noptouts;
};

struct index;

/* Every work and opt-out record at the registry's tip, each checked (parse,
 * id, signatures, actor) on every core; records that fail are left out and
 * counted (prov verify names them). With key (32 bytes, secret, from
 * outside the registry), what was checked is kept in the registry's
 * claimindex file under a MAC, and later loads check only the records
 * committed since (docs/store.md); with key NULL every record is checked. */
int index_load(struct index **out, struct store *s, const uint8_t *key);
/* An index from claimindex entries alone (no header, no MAC), parsed in
 * place: the bytes must outlive the index. For tests and fuzzing;
 * PROV_EINVALID for bytes that are not entries. */
int index_parse(struct index **out, const void *entries, size_t n);
/* What the registry says about a content hash, or NULL for nothing. */
const struct content_info *index_get(const struct index *ix,
				     const uint8_t sha256[32]);
/* Records left out because they did not verify. */
size_t index_rejected(const struct index *ix);
void index_free(struct index *ix);

/* 1 if the identity has a claim on the content. */
int content_claimed_by(const struct content_info *ci, const char *did);
/* The opt-outs that count: made by a claimant of the content and refusing
 * a use in uses. Returns the union of their refused uses (within uses) and
 * sets *first to the earliest such opt-out (NULL if none). */
unsigned content_optouts(const struct content_info *ci, unsigned uses,
			 const struct optout **first);

/* ---- models (manifest/model.c) ------------------------------------------ */

/* How many ancestors a lineage walk follows before giving up, so a huge or
 * crafted chain of parents cannot hold a reader for long. */
#define MODEL_LINEAGE_MAX 1000

/* 1 to 128 bytes of A-Z a-z 0-9 . _ - / +, not starting with . - or /;
 * PROV_EINVALID otherwise. */
int model_name_check(const char *name);

/* What a model's owner claims. run and parent are full record ids; parent
 * and license (an SPDX expression already checked) may be NULL. */
struct model_claim {
	const char *name;
	const struct file_digest *weights;
	size_t nweights;
	const char *run;
	const char *parent;
	const char *license;
};
/* The model payload (docs/records.md); PROV_EINVALID for no weights, two
 * with one name, or an id that is not a full record id. */
int model_payload(json_t **out, const struct model_claim *c, const char *owner,
		  int64_t created);

/* Fetches the payload of the record with this (full) id: PROV_ENOTFOUND
 * when the registry has none, any other failure as it is. *payload is the
 * caller's to decref. */
typedef int (*model_get_fn)(json_t **payload, const char *id, void *arg);

/* A model's ancestors, nearest first. */
struct lineage_entry {
	char id[RECORD_ID_MAX];
	char *name;
};
struct lineage {
	struct lineage_entry *v;
	size_t n;
};
/* Follows "parent" from the model record id (included as v[0]) through at
 * most max records. A missing record (PROV_ENOTFOUND), one that is not a
 * model or names a malformed parent (PROV_EINVALID), an id met twice or a
 * chain longer than max (PROV_EINVALID) fail, naming where; *out then holds
 * the part walked. Release it either way. */
int model_lineage(struct lineage *out, const char *id, model_get_fn get,
		  void *arg, size_t max);
/* 1 if id is in the lineage. */
int lineage_has(const struct lineage *l, const char *id);
void lineage_release(struct lineage *l);

/* ---- building ------------------------------------------------------------ */

struct manifest_spec {
	const char *name, *version;
	const char *parent; /* the previous version's record id, or NULL */
	enum license_purpose purpose;
	unsigned uses;      /* USE_BIT()s declared */
	int distribute_weights;
	int include_unregistered;
	int skip_unreadable; /* files that failed to hash are excluded, not fatal */
	const char *base;   /* folder stripped from item paths, or NULL */
	const json_t *weights; /* item path -> integer weight, or NULL */
	int64_t created;
	const struct manifest_near *near; /* NULL: no near-duplicate check */
};

/* Near-duplicates of opted-out works (pictures whose work record has a
 * fingerprint): the caller tells, as manifest/ does not decode images.
 * match is called for every readable file, from several threads at once;
 * it returns 1 to exclude the file as "near-duplicate", with *record the
 * original work's id and *why the explanation (both malloc'd), else 0.
 * What it decides must follow from the files' bytes and the registry's
 * works/ and records/optout/ trees, which the build cache's key covers. */
struct manifest_near {
	int (*match)(char **record, char **why, const struct file_entry *f,
		     void *arg);
	void *arg;
};

struct manifest_build {
	json_t *payload;    /* the dataset record's payload, to be signed */
	json_t *outcome;    /* the payload's fields the files and registry
			     * decided: counts, bytes, Merkle root, blobs,
			     * licenses */
	struct buf items;   /* the included-items blob */
	struct buf excluded; /* the excluded-items blob */
	json_t *warnings;   /* strings for the curator */
	json_t *reasons;    /* exclusion reason -> number of items */
	int reused;         /* from the build cache: the blobs are in the
			     * registry already, items and excluded empty */
};

/* Decides every (hashed) file of fs against the registry index and the
 * custom license definitions (docs/manifest.md), and lays out the record
 * and its blobs. PROV_EINVALID when nothing can be included. */
int manifest_build(struct manifest_build *out, const struct fileset *fs,
		   const struct index *ix, struct license_defs *defs,
		   const struct manifest_spec *spec, const char *curator);
void manifest_build_release(struct manifest_build *b);
/* A build with an earlier build's outcome, warnings and reasons
 * (borrowed). */
void manifest_build_reuse(struct manifest_build *b, json_t *outcome,
			  json_t *warnings, json_t *reasons,
			  const struct manifest_spec *spec, const char *curator);

/* ---- the build cache (manifest/memo.c, docs/manifest.md) ---------------- */

/* The key of a build's outcome: a SHA-256 over everything it is decided
 * from: the prov build (prov_build_id), the spec's purpose, uses, flags, base
 * folder and weights, the registry's works/, records/optout/ and
 * records/license/ trees, and every file's path, hash and size.
 * PROV_EINVALID when a file could not be read (such builds are not
 * cached). */
int manifest_memo_key(uint8_t out[32], struct store *s,
		      const struct fileset *fs, const struct manifest_spec *spec);
/* The earlier build with this key, as manifest_build_reuse makes it, if the
 * registry's build cache (under mac_key) has it and its blobs are in the
 * registry; PROV_ENOTFOUND otherwise. */
int manifest_memo_get(struct manifest_build *b, struct store *s,
		      const uint8_t key[32], const uint8_t mac_key[32],
		      const struct manifest_spec *spec, const char *curator);
/* Remembers b's outcome under key (the newest MEMO_MAX builds are kept).
 * A cache that cannot be written is only slower next time. */
void manifest_memo_put(struct store *s, const uint8_t key[32],
		       const uint8_t mac_key[32], const struct manifest_build *b);

/* The spec a dataset record was built for (name, version, purpose, uses,
 * flags; strings borrowed from p). PROV_EINVALID for an unknown purpose or
 * use, or none declared. */
int manifest_spec_of(struct manifest_spec *spec, const json_t *p);

/* ---- deciding one item ---------------------------------------------------- */

/* What deciding items needs across items: verdicts cached per distinct
 * (license, permissions), and the share-alike terms of the items included
 * so far (in the order decided). */
struct manifest_judge {
	const struct manifest_spec *spec; /* borrowed */
	struct license_defs *defs;        /* borrowed; may be NULL */
	json_t *cache;
	json_t *last; /* the last verdict, on these terms (index strings) */
	const char *last_license, *last_training;
	struct license_sa_set sa;
	json_t *warnings; /* strings: opt-outs seen but not applied */
};
void manifest_judge_init(struct manifest_judge *j,
			 const struct manifest_spec *spec,
			 struct license_defs *defs);
void manifest_judge_release(struct manifest_judge *j);

struct manifest_decision {
	int included;
	struct buf license; /* included: the item's license string */
	json_t *works;      /* included: the work record ids relied on */
	json_t *exclusion;  /* excluded: {sha256, path, reason, record?, why} */
	const struct optout *optout; /* reason opted-out: the one applied
				      * (points into the index) */
};
/* Decides one item against the index for j's spec (docs/manifest.md, "What
 * a build decides"); an included item's share-alike terms join j's. Always
 * returns 0; release *out with manifest_decision_release. */
int manifest_decide(struct manifest_decision *out, struct manifest_judge *j,
		    const struct index *ix, const uint8_t sha256[32],
		    const char *path);
void manifest_decision_release(struct manifest_decision *d);

/* ---- the auditor's trace (manifest/trace.c, docs/trace.md) ---------------- */

struct trace_options {
	const char *const *trust; /* did:keys trusted as providers, curators and
				   * resolvers; NULL: trust is not checked */
	size_t ntrust;
	const uint8_t *cache_key; /* the claim index cache's key, or NULL */
};

/* The lineage of a model (a model record id) as a JSON report: the
 * models, runs, datasets, creators and credits met, and every check made,
 * each {check, subject, ok, detail} (docs/trace.md). Returns 0 when the
 * report could be made, whatever the checks found. */
int trace_model(json_t **out, struct store *s, const char *model_id,
		const struct trace_options *o);

/* The report as one self-contained HTML5 page (no script, no external
 * URL; docs/trace.md, "The HTML report"), appended to out. Same report,
 * same bytes. PROV_EINVALID when report is not a trace report. */
int trace_html(struct buf *out, const json_t *report);
/* Appends s escaped for HTML text and quoted attribute values, in HTML or
 * inline SVG: & < > " ' as character references; control characters as
 * \xNN and bidi controls as \uNNNN, visible; bytes that are not UTF-8 as
 * U+FFFD. NULL is "(none)". */
int html_escape(struct buf *out, const char *s);

/* ---- exports (docs/manifest.md, "Exports") ----------------------------- */

enum manifest_format { MANIFEST_CROISSANT, MANIFEST_SPDX, MANIFEST_CYCLONEDX };

/* "croissant", "spdx" or "cyclonedx"; PROV_EINVALID for anything else. */
int manifest_format_parse(enum manifest_format *out, const char *s);
/* Where an export goes: successive pieces of the document. A non-zero
 * return (a PROV_E* code, its message set) stops the export. */
typedef int (*manifest_write_fn)(const char *data, size_t n, void *arg);
/* Writes the dataset record (id, payload) and its included-items blob
 * (items, n bytes of JSONL) as a Croissant 1.1, SPDX 3.0.1 or CycloneDX 1.6
 * document, ending in a newline, to write(arg) as it is laid out: memory
 * grows with the distinct licenses, not with the items. Same input, same
 * bytes. PROV_EINVALID for a record or item list that lacks what an export
 * needs, found before anything is written; or write()'s failure. */
int manifest_export(manifest_write_fn write, void *arg,
		    enum manifest_format fmt, const char *id,
		    const json_t *payload, const char *items, size_t n);

/* ---- lineage exports (manifest/lineage.c, docs/lineage.md) -------------- */

enum lineage_format { LINEAGE_OPENLINEAGE, LINEAGE_SPDX, LINEAGE_PROV_O };

/* "openlineage", "spdx" or "prov-o"; PROV_EINVALID for anything else. */
int lineage_format_parse(enum lineage_format *out, const char *s);
/* Appends to out the lineage in a trace_model report (the traced model
 * first) as OpenLineage RunEvents (a JSON array), an SPDX 3.0.1 document
 * or W3C PROV-O JSON-LD, ending in a newline. Same report, same bytes.
 * PROV_EINVALID, with nothing appended, for a report without a model or
 * with a field of the wrong shape (ids, times, weight digests). */
int lineage_export(struct buf *out, enum lineage_format fmt,
		   const json_t *report);

/* ---- item lists (docs/manifest.md) ---------------------------------------- */

/* Calls fn for each line of an item list (untrusted bytes: pointer and
 * length), parsed and checked: an included item needs a path, a 64-hex
 * sha256 and a size; an excluded one a path and a reason. A non-zero
 * return from fn stops and is returned; PROV_EINVALID names a bad line. */
typedef int (*manifest_line_fn)(const json_t *item, size_t i, void *payload);
int manifest_lines_each(const char *blob, size_t n, int included,
			manifest_line_fn fn, void *payload);
/* Every line as an array of objects. */
int manifest_lines_parse(json_t **out, const char *blob, size_t n, int included);

/* ---- checkpoints (manifest/safetensors.c) ------------------------------ */

/* The JSON parser's own bound; safetensors allows up to 100 MB, but real
 * headers are far under 1 MiB. */
#define SAFETENSORS_HEADER_MAX (64u << 20)

struct safetensors_info {
	uint8_t header_sha256[32]; /* of the 8-byte length and the JSON */
	uint64_t header_len;       /* the JSON's length, N */
	size_t tensors;            /* members other than __metadata__ */
};
/* Checks the header at the start of data (n bytes, untrusted) of a file
 * of file_size bytes: the length within both, a JSON object of tensors
 * with a dtype string, a shape of non-negative integers and data_offsets
 * [begin, end] within the data area, and an optional __metadata__ object
 * of strings. PROV_EINVALID naming name and what is wrong. */
int safetensors_parse(struct safetensors_info *out, const void *data, size_t n,
		      uint64_t file_size, const char *name);
/* The same for the file at path, reading only its header; with expect
 * (may be NULL) it must still be that file (device, inode, size). */
int safetensors_file(struct safetensors_info *out, const char *path,
		     const struct stat *expect);

#endif

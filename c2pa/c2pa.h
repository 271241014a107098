/*
 * c2pa: C2PA content credentials in JPEG files.
 *
 * This part is the byte level: the marker segments of a JPEG, the APP11
 * segments (JPEG XT boxes) that carry a C2PA manifest store, and JUMBF
 * boxes (ISO 19566-5). Every parser takes a pointer and a length of
 * untrusted bytes, checks every length before reading, and fails with
 * PROV_EINVALID and a message naming the offset of the problem.
 */
#ifndef PROV_C2PA_H
#define PROV_C2PA_H

#include <cbor.h>

#include "core/core.h"

/* ---- JPEG marker segments ------------------------------------------------ */

#define JPEG_SOI   0xd8
#define JPEG_EOI   0xd9
#define JPEG_SOS   0xda
#define JPEG_APP0  0xe0
#define JPEG_APP11 0xeb
/* A segment's Lp counts itself: at most 65533 payload bytes. */
#define JPEG_PAYLOAD_MAX 65533
/* Real files have tens of segments; this bounds memory for hostile ones. */
#define JPEG_SEGMENTS_MAX 65536

/* One marker segment: FF, the marker, and for all but standalone markers
 * (SOI, EOI, RSTn, TEM) a 2-byte big-endian length Lp and Lp - 2 bytes. */
struct jpeg_segment {
	size_t offset; /* of the FF before the marker (fill bytes come before)
			*/
	size_t size;   /* 2 for a standalone marker, else 2 + Lp */
	uint8_t marker;
};

struct jpeg_segments {
	struct jpeg_segment *v; /* SOI first; SOS or EOI last */
	size_t n;
	size_t end; /* where the walk stopped: just after SOS's header or EOI */
};

/* Walks the segments of data from SOI up to and including the first SOS
 * or EOI (the entropy-coded data after SOS is not read). Release out with
 * jpeg_segments_release, also after a failure. */
int jpeg_segments_parse(struct jpeg_segments *out, const uint8_t *data,
			size_t n);
void jpeg_segments_release(struct jpeg_segments *s);

/* ---- the C2PA manifest store in APP11 segments -----------------------------
 */

/* An APP11 segment's payload: "JP", the box instance En (u16), the packet
 * sequence number Z (u32, from 1), then the JUMBF box's bytes; segments
 * after the first repeat the box's LBox and TBox (8 bytes) first. */
#define JPEG_XT_HEADER 8

/* A JPEG's manifest store: the JUMBF superbox labelled "c2pa" whose bytes
 * are split over APP11 segments of one box instance. */
struct jpeg_c2pa {
	struct buf jumbf; /* reassembled in sequence order */
	size_t *seg; /* indices into the jpeg_segments, in sequence order */
	size_t nseg;
	uint16_t instance; /* En */
};

/* Finds the manifest store among segs (parsed from data, n) and
 * reassembles it. PROV_ENOTFOUND if there is none; PROV_EINVALID for a gap,
 * a duplicate, a repeated header that differs, a length that disagrees
 * with the box, or a second store. Release out with jpeg_c2pa_release,
 * also after a failure. */
int jpeg_c2pa_read(struct jpeg_c2pa *out, const struct jpeg_segments *segs,
		   const uint8_t *data, size_t n);
void jpeg_c2pa_release(struct jpeg_c2pa *c);

/* The bytes a c2pa.hash.data assertion leaves out of the hash. */
struct c2pa_exclusion {
	size_t start;  /* the first inserted APP11 segment's FF */
	size_t length; /* every inserted byte */
};

/* Appends to out a copy of data (a JPEG) without its manifest store and,
 * unless jumbf is NULL, with jumbf (a JUMBF superbox, at least its 8-byte
 * header) inserted as APP11 segments of at most JPEG_PAYLOAD_MAX bytes
 * each: where the old store was, else after the last APP0, else right
 * after SOI. Every other byte is copied unchanged, so the inserted bytes
 * are exactly *excl (which may be NULL; length 0 when nothing is
 * inserted). PROV_EINVALID for a malformed JPEG or JUMBF header. */
int jpeg_c2pa_write(struct buf *out, struct c2pa_exclusion *excl,
		    const uint8_t *data, size_t n, const uint8_t *jumbf,
		    size_t jn);

/* ---- JUMBF boxes
 * ------------------------------------------------------------- */

/* Nesting and count bounds for untrusted stores: a C2PA store nests 4 or 5
 * deep and holds tens of boxes per manifest. */
#define JUMBF_DEPTH_MAX 16
#define JUMBF_BOXES_MAX 65536

/* jumd toggles (ISO 19566-5 B.3): which optional fields follow the type. */
#define JUMD_REQUESTABLE 0x01
#define JUMD_LABEL	 0x02
#define JUMD_ID		 0x04
#define JUMD_SIGNATURE	 0x08
#define JUMD_PRIVATE	 0x10

/* One box. Offsets are into the bytes given to jumbf_parse. A superbox
 * (type "jumb") has its description (jumd) folded in; its children are
 * the content boxes after the jumd. */
struct jumbf_box {
	char type[5];  /* TBox, NUL-terminated (may hold any bytes) */
	size_t offset; /* of LBox */
	size_t size;   /* the whole box, header included */
	size_t header; /* 8, or 16 with an extended length */
	size_t depth;  /* 0 for a top-level box */
	size_t first;  /* index of the first child, 0 if none */
	size_t next;   /* index of the next sibling, 0 if none */
	size_t nchild;
	int super;	  /* a jumb superbox: the fields below are set */
	uint8_t uuid[16]; /* the description's content type */
	uint8_t toggles;
	char *label;	       /* NUL-terminated UTF-8, NULL when absent */
	uint32_t id;	       /* when toggles has JUMD_ID */
	uint8_t signature[32]; /* when toggles has JUMD_SIGNATURE */
	size_t desc_offset, desc_size; /* the jumd box */
};

/* Boxes in document order (a box before its children); index 0 is the
 * first top-level box. */
struct jumbf {
	struct jumbf_box *v;
	size_t n;
};

/* Parses data as a sequence of boxes that fills it exactly. Release out
 * with jumbf_release, also after a failure. */
int jumbf_parse(struct jumbf *out, const uint8_t *data, size_t n);
void jumbf_release(struct jumbf *j);
/* The first child superbox of box i labelled label: its index, or 0. */
size_t jumbf_child(const struct jumbf *j, size_t i, const char *label);
/* The content of box i: its bytes after the header. */
static inline size_t jumbf_payload(const struct jumbf_box *b)
{
	return b->offset + b->header;
}

/* A C2PA type UUID: fourcc followed by 0011-0010-8000-00AA00389B71. */
void jumbf_uuid(uint8_t out[16], const char fourcc[4]);
/* Appends a plain box of type with payload. PROV_EINVALID over 4 GiB. */
int jumbf_put_box(struct buf *out, const char type[4], const void *payload,
		  size_t n);
/* Starts a superbox: its header and a jumd of uuid and label (toggles
 * 0x03, no id or signature, as C2PA readers re-serialise it); *mark keeps
 * where it starts. Content boxes appended after it belong to it until
 * jumbf_super_end(out, mark) writes its length. */
int jumbf_super_begin(struct buf *out, size_t *mark, const uint8_t uuid[16],
		      const char *label);
int jumbf_super_end(struct buf *out, size_t mark);
/* A whole superbox of a C2PA type (fourcc) holding one content box: an
 * assertion, a claim or a signature. */
int jumbf_put_super(struct buf *out, const char fourcc[4], const char *label,
		    const char type[4], const void *payload, size_t n);

/* ---- CBOR (cbor.c) ---------------------------------------------------------
 * Untrusted CBOR goes through cb_decode, never straight to cbor_load: it
 * checks every declared length against the bytes left and bounds the
 * nesting first (libcbor allocates by declared length and frees
 * recursively). */
#define CBOR_DEPTH_MAX 64

/* 0 when p, n is exactly one well-formed CBOR item nested at most
 * CBOR_DEPTH_MAX deep; PROV_EINVALID naming the offset otherwise. */
int cb_check(const uint8_t *p, size_t n);
/* cb_check, then cbor_load. *out (NULL on failure) is freed with
 * cbor_decref. */
int cb_decode(cbor_item_t **out, const uint8_t *p, size_t n);
/* The value under a text key / an integer label of a map; NULL when map
 * is not a map or has no such key. Borrowed, not increfed. */
cbor_item_t *cb_get(const cbor_item_t *map, const char *key);
cbor_item_t *cb_label(const cbor_item_t *map, int64_t key);
/* An integer item's value: 0, or PROV_EINVALID for another type or a
 * value outside int64_t. */
int cb_int(int64_t *out, const cbor_item_t *it);
/* A definite text string as a new C string (free), NULL for another type
 * or an embedded NUL. */
char *cb_text(const cbor_item_t *it);
/* A definite byte string's bytes (borrowed): 0 or PROV_EINVALID. */
int cb_bytes(const uint8_t **p, size_t *n, const cbor_item_t *it);
/* Adds key: value to a map built with cbor_new_definite_map (value is
 * moved); aborts when out of memory. */
void cb_put(cbor_item_t *map, const char *key, cbor_item_t *value);
void cb_put_text(cbor_item_t *map, const char *key, const char *value);
/* Appends it's encoding (libcbor keeps each integer's width, so a
 * cbor_build_uint64 always takes 9 bytes). */
int cb_encode(struct buf *out, const cbor_item_t *it);

/* ---- validation status (status.c) ------------------------------------------
 * What verifying found, as the C2PA specification's status codes
 * ("assertion.dataHash.mismatch", "claimSignature.validated", ...), each
 * with the hashed URI it is about and an explanation. */
struct c2pa_status {
	char *code;
	char *url; /* "self#jumbf=/c2pa/<manifest>/..." or NULL */
	char *explanation;
	int failure; /* 1 for a failure code, 0 for success or information */
};

struct c2pa_report {
	struct c2pa_status *v;
	size_t n;
};

void c2pa_report_add(struct c2pa_report *r, int failure, const char *code,
		     const char *url, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Whether r holds a failure with this code. */
int c2pa_report_has(const struct c2pa_report *r, const char *code);
void c2pa_report_release(struct c2pa_report *r);

/* ---- COSE_Sign1 (cose.c) -------------------------------------------------- */

/* COSE algorithm ids (RFC 9053) a C2PA claim signature may use. */
#define COSE_EDDSA -8
#define COSE_ES256 -7
#define COSE_ES384 -35
#define COSE_ES512 -36
#define COSE_PS256 -37
#define COSE_PS384 -38
#define COSE_PS512 -39

/* A parsed COSE_Sign1 (tag 18) with a detached payload: the claim. */
struct cose_sign1 {
	int alg;
	struct buf protected_hdr; /* the protected header bstr's contents */
	struct buf *x5chain;	  /* DER certificates, leaf first */
	size_t nx5;
	struct buf signature;
	struct buf tst; /* the first RFC 3161 token (sigTst/sigTst2), or empty */
	int tst_v2;	/* tst came from sigTst2 */
};

/* Parses data (untrusted). PROV_EINVALID naming what is wrong: not a
 * COSE_Sign1, an unknown alg, no x5chain, x5chain in both headers. Release
 * out with cose_sign1_release, also after a failure. */
int cose_sign1_parse(struct cose_sign1 *out, const uint8_t *data, size_t n);
void cose_sign1_release(struct cose_sign1 *c);
/* Checks the signature over payload (detached) with the public key of
 * x5chain[0]: 0, PROV_EVERIFY when it does not match, PROV_EINVALID when the
 * key does not suit the algorithm or cannot be read. */
int cose_sign1_verify(const struct cose_sign1 *c, const uint8_t *payload,
		      size_t n);
/* The time a valid timestamp token of c attests, in *at: 0; PROV_ENOTFOUND
 * without a token; PROV_EVERIFY when the token does not cover this
 * signature (payload is the claim's bytes). */
int cose_sign1_tst_time(int64_t *at, const struct cose_sign1 *c,
			const uint8_t *payload, size_t n);
/* Appends a COSE_Sign1 signed by k (EdDSA) over payload, detached, with
 * chain (DER, leaf first, no root) as x5chain in the protected header.
 * The size depends only on the chain, never on payload's bytes. */
int cose_sign1_ed25519(struct buf *out, const struct key *k,
		       const struct buf *chain, size_t nchain,
		       const uint8_t *payload, size_t n);

/* ---- signer certificates (x509.c) ------------------------------------------ */

/* Checks chain[0] (DER, untrusted) against the C2PA signer certificate
 * profile at time at (unix seconds): adds signingCredential.invalid or
 * signingCredential.expired to r with the reason, and returns
 * PROV_EVERIFY, or 0 when it holds. url names the signature box. */
int c2pa_cert_profile(struct c2pa_report *r, const char *url,
		      const struct buf *chain, size_t n, int64_t at);
/* Checks that chain (leaf first) leads to one of the PEM roots in anchors
 * at time at: adds signingCredential.trusted (0) or .untrusted
 * (PROV_EVERIFY) to r. anchors may be empty: untrusted. */
int c2pa_cert_trust(struct c2pa_report *r, const char *url,
		    const struct buf *chain, size_t n, const char *anchors,
		    size_t anchors_n, int64_t at);

/* ---- images (image.c, fingerprint.c) ------------------------------------- */

/* A JPEG claim thumbnail of data (a JPEG: baseline or progressive; gray,
 * YCbCr, RGB or CMYK), its longer side at most max_side, decoded at the
 * smallest libjpeg scale that keeps it so. PROV_EINVALID naming what
 * libjpeg refused. */
int image_thumbnail(struct buf *out, const uint8_t *data, size_t n,
		    unsigned max_side);

/* 48 bits: the 7x7 lowest DCT frequencies but the mean; FINGERPRINT_NEAR is
 * the largest Hamming distance that still means the same image
 * (docs/fingerprint.md has the measurements both come from). */
#define FINGERPRINT_BITS 48
#define FINGERPRINT_NEAR 12
/* A perceptual fingerprint of a decoded JPEG: near for re-encodes,
 * resizes and small crops of one image, far for distinct images. */
struct fingerprint {
	uint8_t v[FINGERPRINT_BITS / 8];
};
/* Decodes data (untrusted) and hashes its pixels, so metadata such as a
 * C2PA manifest store does not change it. PROV_EINVALID as for
 * image_thumbnail. */
int fingerprint_jpeg(struct fingerprint *out, const uint8_t *data, size_t n);
/* Hamming distance, and whether it makes a and b the same image. */
unsigned fingerprint_distance(const struct fingerprint *a,
			      const struct fingerprint *b);
int fingerprint_near(const struct fingerprint *a, const struct fingerprint *b);
/* Text form kept in work records: "<alg>:<hex>". */
int fingerprint_format(struct buf *out, const struct fingerprint *f);
int fingerprint_parse(struct fingerprint *out, const char *s);

/* ---- the manifest store (store.c) ----------------------------------------- */

/* A hashed URI {url, hash, ?alg}: what a claim says a box hashes to. */
struct c2pa_hashed_uri {
	char *url;
	char *alg; /* NULL: the claim's alg, else sha256 */
	const uint8_t *hash; /* borrowed from the decoded claim */
	size_t hash_n;
};

/* Reads a hashed URI map; *out's strings are freed by the caller.
 * PROV_EINVALID when it lacks a text url or a byte-string hash. */
int c2pa_hashed_uri_read(struct c2pa_hashed_uri *out, const cbor_item_t *it);

/* One manifest of a store. Indices are into the store's jumbf; 0 means
 * absent. A manifest that cannot be read keeps the status code that says
 * why in problem_code (with problem, the explanation). */
struct c2pa_manifest {
	char *label;
	size_t box, claim_box, sig_box, assertions_box;
	int claim_version; /* 1 (c2pa.claim) or 2 (c2pa.claim.v2) */
	const uint8_t *claim; /* the claim's CBOR bytes, in the store */
	size_t claim_n;
	cbor_item_t *claim_item;
	const uint8_t *sig; /* the COSE_Sign1 bytes, in the store */
	size_t sig_n;
	struct c2pa_hashed_uri *assertions; /* created first, then gathered */
	size_t nassertions, ncreated;
	char *alg, *title, *instance_id, *signature_url; /* NULL if absent */
	const char *problem_code;
	char *problem;
};

struct c2pa_store {
	struct buf bytes; /* the JUMBF, which the manifests point into */
	struct jumbf j;
	struct c2pa_manifest *m; /* in store order: the last is active */
	size_t n;
};

/* Parses a manifest store's JUMBF (untrusted; copied). PROV_EINVALID when
 * it is not a store of at least one manifest; a manifest's own problems
 * are kept in it. Release with c2pa_store_release, also after a failure. */
int c2pa_store_parse(struct c2pa_store *out, const uint8_t *p, size_t n);
void c2pa_store_release(struct c2pa_store *s);
/* The box a "self#jumbf=" URL names, relative to manifest i unless it is
 * absolute ("/c2pa/..."): its jumbf index, 0 when there is none. */
size_t c2pa_resolve(const struct c2pa_store *s, size_t manifest,
		    const char *url);

/* ---- verifying (verify.c) ------------------------------------------------- */

/* Ingredient manifests are followed at most this deep. */
#define C2PA_INGREDIENT_DEPTH_MAX 64

enum c2pa_state { C2PA_NONE, C2PA_INVALID, C2PA_VALID, C2PA_TRUSTED };

struct c2pa_verify_opts {
	const char *anchors; /* PEM roots, may be NULL */
	size_t anchors_n;
	int64_t now; /* unix seconds: when no timestamp says otherwise */
};

struct c2pa_result {
	enum c2pa_state state;
	struct c2pa_report active;	/* the active manifest */
	struct c2pa_report ingredients; /* the manifests it came from */
	struct c2pa_store store;	/* when has_store */
	int has_store;
	size_t active_index;
	char *signer; /* the active signer's subject, or NULL */
	/* The active manifest's cawg.training-mining (or the older
	 * c2pa.training-mining) entries, by training_uses index: "allowed",
	 * "notAllowed", "constrained", or NULL when not stated. */
	const char *training[TRAINING_USES];
};

/* Verifies data (a JPEG, untrusted). 0 with out->state set, none when it
 * has no manifest store; PROV_EINVALID only when data is not a JPEG.
 * Release out with c2pa_result_release. */
int c2pa_verify(struct c2pa_result *out, const uint8_t *data, size_t n,
		const struct c2pa_verify_opts *o);
void c2pa_result_release(struct c2pa_result *r);
const char *c2pa_state_name(enum c2pa_state s);
/* Whether r holds a success (not a failure) with this code. */
int c2pa_report_has_success(const struct c2pa_report *r, const char *code);

/* ---- signing (sign.c) ----------------------------------------------------- */

#define PROV_VERSION "0.1.0"
/* The claim thumbnail's longer side, as the reference SDK makes it. */
#define C2PA_THUMBNAIL_SIDE 1024
/* The vendor assertion that links a credential to the registry. */
#define C2PA_PROV_WORK "org.prov.work"

struct c2pa_sign_opts {
	const struct key *key; /* Ed25519, with its secret */
	const struct buf *chain; /* DER, leaf first, no root */
	size_t nchain;
	const char *title;
	const char *source; /* an IPTC digital source type: "digitalCapture" */
	const char *training[TRAINING_USES]; /* "allowed"/"notAllowed"/NULL */
	cbor_item_t *link; /* the org.prov.work assertion's content, or NULL */
	int64_t now;
};

/* Appends to out the JPEG in with a new active manifest signed as o says;
 * a manifest store it has is kept, its active manifest becoming the
 * parent ingredient. binding (may be NULL) gets the hard binding's hash:
 * SHA-256 of out without its store. PROV_EINVALID for input that is not a
 * JPEG or whose store cannot be read. */
int c2pa_sign(struct buf *out, uint8_t binding[32], const uint8_t *in,
	      size_t n, const struct c2pa_sign_opts *o);

/* ---- JSON (show.c) -------------------------------------------------------- */

/* The store and verdict as JSON close to the reference reader's. */
json_t *c2pa_result_json(const struct c2pa_result *r);
/* A report's statuses, failures first: [{code, explanation, url}]. */
json_t *c2pa_report_json(const struct c2pa_report *r);

#endif

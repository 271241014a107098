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

#endif

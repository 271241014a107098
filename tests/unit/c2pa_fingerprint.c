/* Fingerprints: the measurement behind FINGERPRINT_NEAR. The test makes
 * NIMG distinct synthetic pictures and, of each, an original (quality 90)
 * and variants: re-encodes at quality 50, 75 and 95, a 50% resize, and
 * two 5% crops (5% of the width and of the height removed at the
 * bottom-right corner; and 2.5% from each side, centered). It requires
 * that at least 99% of variants are near their original and that no two
 * originals are near, and prints the distances (docs/fingerprint.md). */
#include "images.h"
#include "unit.h"

#define NIMG 64
enum { V_Q50, V_Q75, V_Q95, V_HALF, V_CROP_CORNER, V_CROP_CENTER, NVAR };
static const char *const var_name[NVAR] = {
	"quality 50", "quality 75",	 "quality 95",
	"50% resize", "5% crop, corner", "5% crop, centered",
};

static int fp_of(struct fingerprint *f, const struct img *im, int quality)
{
	struct buf b = BUF_INIT;
	int rc;

	img_encode(&b, im, JCS_RGB, quality, 0);
	rc = fingerprint_jpeg(f, (const uint8_t *)b.ptr, b.len);
	buf_release(&b);
	return rc;
}

static void measure(void)
{
	static struct fingerprint orig[NIMG], var[NIMG][NVAR];
	unsigned hist_var[FINGERPRINT_BITS + 1] = {0};
	unsigned hist_dist[FINGERPRINT_BITS + 1] = {0};
	unsigned maxv[NVAR] = {0}, missv[NVAR] = {0};
	unsigned nvar = 0, matched = 0, ndist = 0, distinct_near = 0;
	unsigned mind = FINGERPRINT_BITS, maxall = 0;

	for (unsigned i = 0; i < NIMG; i++) {
		struct img im = {0}, t = {0};
		/* sizes from 240x180 to 478x358, landscape and portrait */
		unsigned w = 240 + (i * 37) % 240, h = 180 + (i * 53) % 180;
		unsigned cw = w - w / 20, ch = h - h / 20;

		if (i % 3 == 2) {
			unsigned x = w;

			w = h, h = x, cw = w - w / 20, ch = h - h / 20;
		}
		img_synth(&im, i + 1, w & ~1u, h & ~1u);
		CHECK(fp_of(&orig[i], &im, 90) == 0);
		CHECK(fp_of(&var[i][V_Q50], &im, 50) == 0);
		CHECK(fp_of(&var[i][V_Q75], &im, 75) == 0);
		CHECK(fp_of(&var[i][V_Q95], &im, 95) == 0);
		img_half(&t, &im);
		CHECK(fp_of(&var[i][V_HALF], &t, 90) == 0);
		img_free(&t);
		img_crop(&t, &im, 0, 0, cw, ch);
		CHECK(fp_of(&var[i][V_CROP_CORNER], &t, 90) == 0);
		img_free(&t);
		img_crop(&t, &im, (im.w - cw) / 2, (im.h - ch) / 2, cw, ch);
		CHECK(fp_of(&var[i][V_CROP_CENTER], &t, 90) == 0);
		img_free(&t);
		img_free(&im);
		for (int v = 0; v < NVAR; v++) {
			unsigned d = fingerprint_distance(&orig[i], &var[i][v]);

			hist_var[d]++, nvar++;
			maxv[v] = d > maxv[v] ? d : maxv[v];
			if (fingerprint_near(&orig[i], &var[i][v]))
				matched++;
			else
				missv[v]++;
		}
	}
	for (unsigned i = 0; i < NIMG; i++)
		for (unsigned j = i + 1; j < NIMG; j++) {
			unsigned d = fingerprint_distance(&orig[i], &orig[j]);

			hist_dist[d]++, ndist++;
			mind = d < mind ? d : mind;
			distinct_near +=
				(unsigned)fingerprint_near(&orig[i], &orig[j]);
		}
	printf("# fingerprint: %u images, %u variants, %u distinct pairs, near "
	       "<= %d bits\n",
	       NIMG, nvar, ndist, FINGERPRINT_NEAR);
	for (int v = 0; v < NVAR; v++) {
		printf("#   %-18s max distance %2u, %u of %u not near\n",
		       var_name[v], maxv[v], missv[v], NIMG);
		maxall = maxv[v] > maxall ? maxv[v] : maxall;
	}
	printf("# variants near their original: %u of %u (%.1f%%); max "
	       "distance %u\n",
	       matched, nvar, 100.0 * matched / nvar, maxall);
	printf("# distinct pairs near: %u of %u; min distance %u\n",
	       distinct_near, ndist, mind);
	printf("# distance: variants / distinct pairs\n");
	for (int d = 0; d <= FINGERPRINT_BITS; d++)
		if (hist_var[d] || hist_dist[d])
			printf("#   %2d %4u %4u\n", d, hist_var[d],
			       hist_dist[d]);
	CHECK(matched * 100 >= nvar * 99);
	CHECK(distinct_near == 0);
}

/* The fingerprint is of pixels: a manifest store inserted into the file
 * (APP11 segments) leaves it as it was; the fixtures with a store have the
 * same fingerprint with it removed. */
static void c2pa_store_invariant(void)
{
	struct img im = {0};
	struct buf j = BUF_INIT, store = BUF_INIT, with = BUF_INIT,
		   fix = BUF_INIT, without = BUF_INIT;
	struct fingerprint a, b;
	struct c2pa_exclusion excl;
	uint8_t uuid[16];
	size_t mark;

	img_synth(&im, 99, 300, 200);
	img_encode(&j, &im, JCS_RGB, 85, 0);
	jumbf_uuid(uuid, "c2pa");
	CHECK(jumbf_super_begin(&store, &mark, uuid, "c2pa") == 0);
	CHECK(jumbf_put_box(&store, "json", "{\"a\":1}", 7) == 0);
	CHECK(jumbf_super_end(&store, mark) == 0);
	CHECK(jpeg_c2pa_write(&with, &excl, (uint8_t *)j.ptr, j.len,
			      (uint8_t *)store.ptr, store.len) == 0);
	CHECK(excl.length > 0 && with.len == j.len + excl.length);
	CHECK(fingerprint_jpeg(&a, (uint8_t *)j.ptr, j.len) == 0);
	CHECK(fingerprint_jpeg(&b, (uint8_t *)with.ptr, with.len) == 0);
	CHECK(memcmp(&a, &b, sizeof a) == 0);
	CHECK(buf_read_file(&fix, "tests/fixtures/c2pa/CA.jpg", 0) == 0);
	CHECK(jpeg_c2pa_write(&without, NULL, (uint8_t *)fix.ptr, fix.len, NULL,
			      0) == 0);
	CHECK(without.len < fix.len);
	CHECK(fingerprint_jpeg(&a, (uint8_t *)fix.ptr, fix.len) == 0);
	CHECK(fingerprint_jpeg(&b, (uint8_t *)without.ptr, without.len) == 0);
	CHECK(memcmp(&a, &b, sizeof a) == 0);
	/* and its value, which work records keep: it must not drift */
	buf_clear(&j);
	CHECK(fingerprint_format(&j, &a) == 0);
	CHECK_STR(j.ptr, "dct48:2e738c72493c");
	img_free(&im);
	buf_release(&j);
	buf_release(&store);
	buf_release(&with);
	buf_release(&fix);
	buf_release(&without);
}

static void text_form(void)
{
	struct fingerprint f, g;
	struct buf t = BUF_INIT;

	for (size_t i = 0; i < sizeof f.v; i++)
		f.v[i] = (uint8_t)(0x11 * i + 0x0f);
	CHECK(fingerprint_format(&t, &f) == 0);
	CHECK_STR(t.ptr, "dct48:0f2031425364");
	CHECK(fingerprint_parse(&g, t.ptr) == 0);
	CHECK(memcmp(&f, &g, sizeof f) == 0 &&
	      fingerprint_distance(&f, &g) == 0);
	CHECK(fingerprint_parse(&g, "DCT48:0f2031425364") == PROV_EINVALID);
	CHECK(fingerprint_parse(&g, "dct48:0f203142536") == PROV_EINVALID);
	CHECK(fingerprint_parse(&g, "dct48:0f20314253640") == PROV_EINVALID);
	CHECK(fingerprint_parse(&g, "dct48:0f203142536g") == PROV_EINVALID);
	CHECK(fingerprint_parse(&g, "dct64:0f2031425364") == PROV_EINVALID);
	CHECK_STR(prov_error_last(), "fingerprint \"dct64:0f2031425364\": not "
				     "dct48:<12 hex digits>");
	g = f;
	g.v[0] ^= 0x81;
	g.v[5] ^= 0x01;
	CHECK(fingerprint_distance(&f, &g) == 3);
	CHECK(fingerprint_near(&f, &g));
	/* FINGERPRINT_NEAR bits apart is near; one more is not */
	memset(&f, 0, sizeof f);
	memset(&g, 0, sizeof g);
	g.v[0] = 0xff, g.v[1] = 0x0f;
	CHECK(fingerprint_distance(&f, &g) == 12 && fingerprint_near(&f, &g));
	g.v[2] = 0x01;
	CHECK(fingerprint_distance(&f, &g) == 13 && !fingerprint_near(&f, &g));
	memset(&g, 0, sizeof g);
	memset(&f, 0xff, sizeof f);
	f.v[0] = 0xf0; /* 44 bits apart */
	CHECK(fingerprint_distance(&f, &g) == 44 && !fingerprint_near(&f, &g));
	buf_release(&t);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(measure);
	RUN(c2pa_store_invariant);
	RUN(text_form);
	return unit_done();
}

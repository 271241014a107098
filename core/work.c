/* Work records: a creator's signed claim about one file's content. */
#include <string.h>

#include "core.h"

const char *const training_uses[TRAINING_USES] = {
	"ai_training", "ai_generative_training", "data_mining", "ai_inference",
};

int training_use_index(const char *use)
{
	for (int i = 0; i < TRAINING_USES; i++)
		if (!strcmp(use, training_uses[i]))
			return i;
	return -1;
}

json_t *work_payload(const struct work_claim *c, const char *creator,
		     int64_t created)
{
	char hex[65], when[32];
	json_t *p, *training = json_object();

	hex_encode(hex, c->sha256, 32);
	time_rfc3339(when, created);
	for (int i = 0; i < TRAINING_USES; i++)
		if (c->training[i])
			json_object_set_new(training, training_uses[i],
					    json_string(c->training[i]));
	p = json_pack("{s:s, s:{s:s, s:I, s:s, s:s}, s:s, s:s, s:o, s:s}",
		      "kind", "work", "content", "sha256", hex, "size",
		      (json_int_t)c->size, "media_type", c->media_type, "name",
		      c->name, "creator", creator, "license", c->license,
		      "training", training, "created", when);
	if (c->payout)
		json_object_set_new(p, "payout", json_string(c->payout));
	if (c->fingerprint)
		json_object_set_new(p, "fingerprint",
				    json_string(c->fingerprint));
	return p;
}

static int same_field(const json_t *a, const json_t *b, const char *name)
{
	const json_t *x = json_object_get(a, name), *y = json_object_get(b, name);

	return (!x && !y) || (x && y && json_equal((json_t *)x, (json_t *)y));
}

int work_same_claim(const json_t *a, const json_t *b)
{
	const json_t *ca = json_object_get(a, "content");
	const json_t *cb = json_object_get(b, "content");

	return same_field(ca, cb, "sha256") && same_field(ca, cb, "size") &&
	       same_field(a, b, "creator") && same_field(a, b, "license") &&
	       same_field(a, b, "payout") && same_field(a, b, "training");
}

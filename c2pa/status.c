/* The validation report: C2PA status codes in the order they were found. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

void c2pa_report_add(struct c2pa_report *r, int failure, const char *code,
		     const char *url, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	struct c2pa_status *s;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	s = &r->v[r->n++];
	s->code = xstrdup(code);
	s->url = url ? xstrdup(url) : NULL;
	s->explanation = xstrdup(msg.ptr);
	s->failure = failure;
	buf_release(&msg);
}

int c2pa_report_has(const struct c2pa_report *r, const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].failure && !strcmp(r->v[i].code, code))
			return 1;
	return 0;
}

int c2pa_report_has_success(const struct c2pa_report *r, const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (!r->v[i].failure && !strcmp(r->v[i].code, code))
			return 1;
	return 0;
}

void c2pa_report_release(struct c2pa_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].code);
		free(r->v[i].url);
		free(r->v[i].explanation);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

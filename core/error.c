/* The last-error slot: one message per thread, set where a failure is
 * understood, read once by the command that reports it. */
#include <stdio.h>
#include <string.h>

#include "core.h"

static _Thread_local char last_msg[1024];
static _Thread_local int last_code;

const char *errstr(int e)
{
	static _Thread_local char msg[128];
	const char *s = strerror(e);

	snprintf(msg, sizeof(msg), "%s", s);
	/* "No such file" -> "no such file"; keep acronyms like "I/O". */
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	return msg;
}

int prov_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

int prov_error_wrap(const char *fmt, ...)
{
	char prefix[512], old[sizeof(last_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last_msg, sizeof(old));
	/* Truncation is acceptable: the message is for people. */
	size_t n = strnlen(prefix, sizeof(prefix) - 1);
	memcpy(last_msg, prefix, n);
	memcpy(last_msg + n, ": ", 2);
	size_t room = sizeof(last_msg) - n - 3, m = strnlen(old, room);
	memcpy(last_msg + n + 2, old, m);
	last_msg[n + 2 + m] = '\0';
	return last_code ? last_code : PROV_ERROR;
}

const char *prov_error_last(void)
{
	return last_msg[0] ? last_msg : "unknown error";
}

int prov_error_code(void)
{
	return last_code;
}

void prov_error_clear(void)
{
	last_msg[0] = '\0';
	last_code = 0;
}

const char *prov_show(char out[SHOW_SIZE], const char *s, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < n && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = digits[c >> 4];
			out[o++] = digits[c & 15];
		}
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

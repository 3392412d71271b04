/* Small things every dialect module needs (plugutil.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plugutil.h"

char *pu_vasprintf(const retort_host *host, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *s;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !(s = host->malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *pu_asprintf(const retort_host *host, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = pu_vasprintf(host, fmt, ap);
	va_end(ap);
	return s;
}

void pu_scrub(char *msg, const char *password)
{
	size_t n;
	char *p;
	if (!msg || !password || !*password)
		return;
	n = strlen(password);
	while ((p = strstr(msg, password)) != NULL)
		memset(p, '*', n);
}

void *pu_state_new(const retort_host *host, retort_host_ctx *h, size_t size)
{
	void *st = host->malloc(size);
	if (!st) {
		host->set_error(h, "out of memory");
		return NULL;
	}
	memset(st, 0, size);
	return st;
}

/* The one way the library reports progress and warnings: a callback the program installs. */
#include "config.h"

#include <pthread.h>

#include "report.h"

static rt_report_fn report_fn;
static void *report_arg;
/* a fleet's workers report at once: one callback at a time, each thread with its target's name */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread const char *report_prefix;

void rt_report_prefix(const char *prefix)
{
	report_prefix = prefix;
}

void rt_report_set(rt_report_fn fn, void *arg)
{
	report_fn = fn;
	report_arg = arg;
}

void rt_vreport(rt_report_kind kind, const char *fmt, va_list ap)
{
	rt_buf b = RT_BUF_INIT;
	if (!report_fn)
		return;
	if (report_prefix && kind != RT_REPORT_PROGRESS)
		rt_buf_printf(&b, "%s: ", report_prefix);
	if (rt_buf_vprintf(&b, fmt, ap) == RETORT_OK) {
		pthread_mutex_lock(&report_lock);
		report_fn(report_arg, kind, rt_buf_cstr(&b));
		pthread_mutex_unlock(&report_lock);
	}
	rt_buf_free(&b);
}

void rt_report(rt_report_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_vreport(kind, fmt, ap);
	va_end(ap);
}

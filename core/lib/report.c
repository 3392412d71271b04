/* The one way the library reports progress and warnings: a callback the program installs. */
#include "config.h"

#include "report.h"

static rt_report_fn report_fn;
static void *report_arg;

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
	if (rt_buf_vprintf(&b, fmt, ap) == RETORT_OK)
		report_fn(report_arg, kind, rt_buf_cstr(&b));
	rt_buf_free(&b);
}

void rt_report(rt_report_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_vreport(kind, fmt, ap);
	va_end(ap);
}

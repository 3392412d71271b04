/*
 * `retort test`'s report (rtest.h): the results kept, and written as text
 * lines, one JSON document, or JUnit XML (one <testsuite>, a <testcase>
 * per check, <failure> or <skipped> inside).  Built in memory; the
 * command line writes it.
 */
#include "config.h"

#include <string.h>

#include "rtest.h"

int rt_test_report_add(rt_test_report *rep, const rt_test_result *r)
{
	rt_test_result *v, *c;
	size_t i;
	if (!(v = rt_grow(rep->results, &rep->cap, rep->n, sizeof *v, 8))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	rep->results = v;
	c = &v[rep->n];
	memset(c, 0, sizeof *c);
	c->check = r->check;
	c->outcome = r->outcome;
	c->ms = r->ms;
	c->revision = rt_strdup(r->revision);
	c->path = rt_strdup(r->path);
	c->reason = rt_strdup(r->reason);
	for (i = 0; i < r->details.n; i++)
		if (rt_strv_push(&c->details, r->details.v[i]) < 0)
			break;
	rep->n++;
	if ((r->revision && !c->revision) || (r->path && !c->path) || (r->reason && !c->reason) ||
	    c->details.n != r->details.n) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	return RETORT_OK;
}

void rt_test_report_free(rt_test_report *rep)
{
	size_t i;
	for (i = 0; i < rep->n; i++)
		rt_test_result_clear(&rep->results[i]);
	rt_free(rep->results);
	rt_free(rep->database);
	rt_free(rep->dialect);
	memset(rep, 0, sizeof *rep);
}

size_t rt_test_report_count(const rt_test_report *rep, rt_test_outcome outcome)
{
	size_t i, n = 0;
	for (i = 0; i < rep->n; i++)
		n += rep->results[i].outcome == outcome;
	return n;
}

static const char *outcome_name(rt_test_outcome o)
{
	return o == RT_TEST_PASSED ? "passed" : o == RT_TEST_FAILED ? "failed" : "skipped";
}

/* "revision ID (PATH): reason", or the parts there are */
static int put_why(rt_buf *b, const rt_test_result *r)
{
	int rc = RETORT_OK;
	if (r->revision)
		rc = rt_buf_printf(b, "revision %s%s%s%s", r->revision, r->path ? " (" : "", r->path ? r->path : "",
		                   r->path ? ")" : "");
	if (rc == RETORT_OK && r->reason)
		rc = rt_buf_printf(b, "%s%s", r->revision ? ": " : "", r->reason);
	return rc;
}

int rt_test_result_text(rt_buf *b, const rt_test_result *r)
{
	size_t i;
	int rc = rt_buf_printf(b, "%s: %s", rt_test_check_name(r->check), outcome_name(r->outcome));
	if (rc == RETORT_OK && (r->revision || r->reason))
		rc = rt_buf_puts(b, ": ");
	if (rc == RETORT_OK)
		rc = put_why(b, r);
	if (rc == RETORT_OK)
		rc = rt_buf_putc(b, '\n');
	for (i = 0; i < r->details.n && rc == RETORT_OK; i++)
		rc = rt_buf_printf(b, "    %s\n", r->details.v[i]);
	return rc;
}

int rt_test_report_times(rt_buf *b, const rt_test_report *rep)
{
	size_t i;
	int rc = rt_buf_puts(b, "time:");
	for (i = 0; i < rep->n && rc == RETORT_OK; i++)
		rc = rt_buf_printf(b, "%s %s %lld ms", i ? "," : "", rt_test_check_name(rep->results[i].check),
		                   rep->results[i].ms);
	if (rc == RETORT_OK)
		rc = rt_buf_printf(b, " (total %lld ms)\n", rep->ms);
	return rc;
}

/* ---- JSON ---- */

static int json_s(rt_buf *b, const char *s)
{
	int rc;
	if (!s)
		return rt_buf_puts(b, "null");
	rc = rt_buf_putc(b, '"');
	for (; *s && rc == RETORT_OK; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			rc = rt_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			rc = rt_buf_puts(b, "\\n");
		else if (c == '\t')
			rc = rt_buf_puts(b, "\\t");
		else if (c < 0x20)
			rc = rt_buf_printf(b, "\\u%04x", c);
		else
			rc = rt_buf_putc(b, (char)c);
	}
	return rc == RETORT_OK ? rt_buf_putc(b, '"') : rc;
}

int rt_test_report_json(rt_buf *b, const rt_test_report *rep)
{
	size_t i, j;
	int rc = rt_buf_puts(b, "{\"database\": ");
	if (rc == RETORT_OK)
		rc = json_s(b, rep->database);
	if (rc == RETORT_OK)
		rc = rt_buf_puts(b, ", \"dialect\": ");
	if (rc == RETORT_OK)
		rc = json_s(b, rep->dialect);
	if (rc == RETORT_OK)
		rc = rt_buf_printf(b, ", \"passed\": %s, \"failed\": %zu, \"skipped\": %zu, \"ms\": %lld, \"checks\": [",
		                   rt_test_report_count(rep, RT_TEST_FAILED) ? "false" : "true",
		                   rt_test_report_count(rep, RT_TEST_FAILED), rt_test_report_count(rep, RT_TEST_SKIPPED),
		                   rep->ms);
	for (i = 0; i < rep->n && rc == RETORT_OK; i++) {
		const rt_test_result *r = &rep->results[i];
		rc = rt_buf_printf(b, "%s{\"name\": \"%s\", \"outcome\": \"%s\", \"revision\": ", i ? ", " : "",
		                   rt_test_check_name(r->check), outcome_name(r->outcome));
		if (rc == RETORT_OK)
			rc = json_s(b, r->revision);
		if (rc == RETORT_OK)
			rc = rt_buf_puts(b, ", \"path\": ");
		if (rc == RETORT_OK)
			rc = json_s(b, r->path);
		if (rc == RETORT_OK)
			rc = rt_buf_puts(b, ", \"reason\": ");
		if (rc == RETORT_OK)
			rc = json_s(b, r->reason);
		if (rc == RETORT_OK)
			rc = rt_buf_puts(b, ", \"operations\": [");
		for (j = 0; j < r->details.n && rc == RETORT_OK; j++) {
			if (j)
				rc = rt_buf_puts(b, ", ");
			if (rc == RETORT_OK)
				rc = json_s(b, r->details.v[j]);
		}
		if (rc == RETORT_OK)
			rc = rt_buf_printf(b, "], \"ms\": %lld}", r->ms);
	}
	if (rc == RETORT_OK)
		rc = rt_buf_puts(b, "]}\n");
	return rc;
}

/* ---- JUnit XML ---- */

/* Text or attribute value: markup characters as entities, control characters XML 1.0 refuses dropped. */
static int xml_s(rt_buf *b, const char *s)
{
	int rc = RETORT_OK;
	for (; s && *s && rc == RETORT_OK; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&')
			rc = rt_buf_puts(b, "&amp;");
		else if (c == '<')
			rc = rt_buf_puts(b, "&lt;");
		else if (c == '>')
			rc = rt_buf_puts(b, "&gt;");
		else if (c == '"')
			rc = rt_buf_puts(b, "&quot;");
		else if (c == '\n')
			rc = rt_buf_puts(b, "&#10;");
		else if (c < 0x20 && c != '\t')
			continue;
		else
			rc = rt_buf_putc(b, (char)c);
	}
	return rc;
}

static int xml_text(rt_buf *b, const char *s)
{
	int rc = RETORT_OK;
	for (; s && *s && rc == RETORT_OK; s++) {
		if (*s == '\n')
			rc = rt_buf_putc(b, '\n');
		else
			rc = xml_s(b, (char[]){*s, '\0'});
	}
	return rc;
}

int rt_test_report_junit(rt_buf *b, const rt_test_report *rep)
{
	size_t i, j, nfail = rt_test_report_count(rep, RT_TEST_FAILED), nskip = rt_test_report_count(rep, RT_TEST_SKIPPED);
	int rc = rt_buf_printf(b,
	                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                       "<testsuites name=\"retort test\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	                       "skipped=\"%zu\" time=\"%.3f\">\n"
	                       "  <testsuite name=\"retort test",
	                       rep->n, nfail, nskip, rep->ms / 1000.0);
	if (rc == RETORT_OK && rep->dialect) {
		rc = rt_buf_putc(b, ' ');
		if (rc == RETORT_OK)
			rc = xml_s(b, rep->dialect);
	}
	if (rc == RETORT_OK)
		rc = rt_buf_printf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
		                   rep->n, nfail, nskip, rep->ms / 1000.0);
	if (rc == RETORT_OK && rep->database) {
		rc = rt_buf_puts(b, "    <properties><property name=\"database\" value=\"");
		if (rc == RETORT_OK)
			rc = xml_s(b, rep->database);
		if (rc == RETORT_OK)
			rc = rt_buf_puts(b, "\"/></properties>\n");
	}
	for (i = 0; i < rep->n && rc == RETORT_OK; i++) {
		const rt_test_result *r = &rep->results[i];
		rt_buf why = RT_BUF_INIT;
		rc = rt_buf_printf(b, "    <testcase classname=\"retort.test\" name=\"%s\" time=\"%.3f\"",
		                   rt_test_check_name(r->check), r->ms / 1000.0);
		if (rc == RETORT_OK)
			rc = put_why(&why, r);
		if (rc == RETORT_OK && r->outcome == RT_TEST_PASSED) {
			rc = rt_buf_puts(b, "/>\n");
		} else if (rc == RETORT_OK) {
			const char *tag = r->outcome == RT_TEST_FAILED ? "failure" : "skipped";
			rc = rt_buf_printf(b, ">\n      <%s message=\"", tag);
			if (rc == RETORT_OK)
				rc = xml_s(b, rt_buf_cstr(&why));
			if (rc == RETORT_OK)
				rc = rt_buf_puts(b, r->outcome == RT_TEST_FAILED ? "\" type=\"retort.test\">" : "\">");
			if (rc == RETORT_OK)
				rc = xml_text(b, rt_buf_cstr(&why));
			for (j = 0; j < r->details.n && rc == RETORT_OK; j++) {
				rc = rt_buf_puts(b, "\n    ");
				if (rc == RETORT_OK)
					rc = xml_text(b, r->details.v[j]);
			}
			if (rc == RETORT_OK)
				rc = rt_buf_printf(b, "</%s>\n    </testcase>\n", tag);
		}
		rt_buf_free(&why);
	}
	if (rc == RETORT_OK)
		rc = rt_buf_puts(b, "  </testsuite>\n</testsuites>\n");
	return rc;
}

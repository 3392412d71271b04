/* `retort test`'s report (core/lib/rtest_report.c): check names, text lines, JSON, JUnit XML. */
#include "config.h"

#include "cu.h"

#include <string.h>

#include "rtest.h"

static void test_rtest__check_names(void)
{
	int i;
	for (i = 0; i < RT_TEST_NCHECKS; i++)
		CU_ASSERT_EQUAL(rt_test_check_parse(rt_test_check_name(i)), i);
	CU_ASSERT_EQUAL(rt_test_check_parse("stairway"), RT_TEST_STAIRWAY);
	CU_ASSERT_EQUAL(rt_test_check_parse("nosuch"), -1);
	CU_ASSERT_PTR_NULL(rt_test_check_name(RT_TEST_NCHECKS));
}

/* A report with a passed, a failed (markup and a control character in it) and a skipped check. */
static void make_report(rt_test_report *rep)
{
	rt_test_result r;
	memset(rep, 0, sizeof *rep);
	rep->dialect = rt_strdup("sqlite");
	rep->database = rt_strdup("sqlite:///t&t.db");
	rep->ms = 1500;
	memset(&r, 0, sizeof r);
	r.check = RT_TEST_UPGRADE;
	r.ms = 12;
	CU_ASSERT_EQUAL(rt_test_report_add(rep, &r), RETORT_OK);
	r.check = RT_TEST_STAIRWAY;
	r.outcome = RT_TEST_FAILED;
	r.revision = "b2";
	r.path = "versions/b2.conf";
	r.reason = "its downgrade <keeps> \"x\" & y\x01";
	rt_strv_push(&r.details, "{ op = \"drop_index\"; name = \"ix\"; table = \"t\"; }");
	CU_ASSERT_EQUAL(rt_test_report_add(rep, &r), RETORT_OK);
	rt_strv_free(&r.details);
	memset(&r, 0, sizeof r);
	r.check = RT_TEST_DATA;
	r.outcome = RT_TEST_SKIPPED;
	r.reason = "no revision has test_data or test_check";
	CU_ASSERT_EQUAL(rt_test_report_add(rep, &r), RETORT_OK);
}

static void test_rtest__text(void)
{
	rt_test_report rep;
	rt_buf b = RT_BUF_INIT;
	make_report(&rep);
	CU_ASSERT_EQUAL(rt_test_result_text(&b, &rep.results[0]), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(rt_buf_cstr(&b), "upgrade: passed\n");
	rt_buf_clear(&b);
	CU_ASSERT_EQUAL(rt_test_result_text(&b, &rep.results[1]), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(rt_buf_cstr(&b), "stairway: failed: revision b2 (versions/b2.conf): its downgrade <keeps> "
	                                        "\"x\" & y\x01\n    { op = \"drop_index\"; name = \"ix\"; table = \"t\"; }\n");
	rt_buf_clear(&b);
	CU_ASSERT_EQUAL(rt_test_report_times(&b, &rep), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(rt_buf_cstr(&b), "time: upgrade 12 ms, stairway 12 ms, data 0 ms (total 1500 ms)\n");
	CU_ASSERT_EQUAL(rt_test_report_count(&rep, RT_TEST_FAILED), 1);
	CU_ASSERT_EQUAL(rt_test_report_count(&rep, RT_TEST_SKIPPED), 1);
	rt_buf_free(&b);
	rt_test_report_free(&rep);
}

static void test_rtest__json(void)
{
	rt_test_report rep;
	rt_buf b = RT_BUF_INIT;
	make_report(&rep);
	CU_ASSERT_EQUAL(rt_test_report_json(&b, &rep), RETORT_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_buf_cstr(&b), "\"passed\": false, \"failed\": 1, \"skipped\": 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_buf_cstr(&b), "\"reason\": \"its downgrade <keeps> \\\"x\\\" & y\\u0001\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_buf_cstr(&b), "\"operations\": [\"{ op = \\\"drop_index\\\";"));
	rt_buf_free(&b);
	rt_test_report_free(&rep);
}

static void test_rtest__junit(void)
{
	rt_test_report rep;
	rt_buf b = RT_BUF_INIT;
	const char *x;
	make_report(&rep);
	CU_ASSERT_EQUAL(rt_test_report_junit(&b, &rep), RETORT_OK);
	x = rt_buf_cstr(&b);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuite name=\"retort test sqlite\" tests=\"3\" failures=\"1\" errors=\"0\" "
	                                 "skipped=\"1\" time=\"1.500\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "value=\"sqlite:///t&amp;t.db\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testcase classname=\"retort.test\" name=\"upgrade\" time=\"0.012\"/>"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(x, "<failure message=\"revision b2 (versions/b2.conf): its downgrade &lt;keeps&gt; &quot;x&quot; &amp; y\""));
	CU_ASSERT_PTR_NULL(strchr(x, '\x01'));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<skipped message=\"no revision has test_data or test_check\">"));
	rt_buf_free(&b);
	rt_test_report_free(&rep);
}

static const rt_cu_test tests[] = {
	{"check_names", test_rtest__check_names},
	{"text", test_rtest__text},
	{"json", test_rtest__json},
	{"junit", test_rtest__junit},
	{NULL, NULL},
};
static const rt_cu_suite suites[] = {{"rtest", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)

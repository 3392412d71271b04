/* URL parsing: schemes, percent-decoding, sockets, masking. */
#include "cu.h"

#include "url.h"

static rt_url *parse_ok(const char *s)
{
	rt_url *u = NULL;
	CU_ASSERT_EQUAL_FATAL(rt_url_parse(&u, s), RETORT_OK);
	return u;
}

static void test_url__postgres_full(void)
{
	rt_url *u = parse_ok("postgresql://app:s%40cret%3Apw@db.example:5433/appdb?sslmode=disable&application_name=a+b");
	const retort_url *v = rt_url_view(u);
	CU_ASSERT_STRING_EQUAL(v->scheme, "postgresql");
	CU_ASSERT_STRING_EQUAL(v->user, "app");
	CU_ASSERT_STRING_EQUAL(v->password, "s@cret:pw");
	CU_ASSERT_STRING_EQUAL(v->host, "db.example");
	CU_ASSERT_STRING_EQUAL(v->port, "5433");
	CU_ASSERT_STRING_EQUAL(v->database, "appdb");
	CU_ASSERT_EQUAL(v->nquery, 2);
	CU_ASSERT_STRING_EQUAL(v->query_keys[0], "sslmode");
	CU_ASSERT_STRING_EQUAL(v->query_values[0], "disable");
	CU_ASSERT_STRING_EQUAL(v->query_values[1], "a b");
	CU_ASSERT_STRING_EQUAL(rt_url_masked(u), "postgresql://app:***@db.example:5433/appdb?sslmode=disable&application_name=a+b");
	CU_ASSERT_PTR_NULL(strstr(rt_url_masked(u), "cret"));
	rt_url_free(u);
}

static void test_url__sqlite_paths(void)
{
	rt_url *u = parse_ok("sqlite:///app.db");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->database, "app.db");
	CU_ASSERT_PTR_NULL(rt_url_view(u)->host);
	rt_url_free(u);
	u = parse_ok("sqlite:////var/lib/app.db");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->database, "/var/lib/app.db");
	rt_url_free(u);
	u = parse_ok("sqlite://");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->database, "");
	rt_url_free(u);
}

static void test_url__socket_and_aliases(void)
{
	rt_url *u = parse_ok("postgres://me@/db?host=/tmp/pgsock");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->scheme, "postgres");
	CU_ASSERT_PTR_NULL(rt_url_view(u)->host);
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->query_values[0], "/tmp/pgsock");
	CU_ASSERT_STRING_EQUAL(rt_url_masked(u), "postgres://me@/db?host=/tmp/pgsock");
	rt_url_free(u);
	u = parse_ok("MariaDB://root@127.0.0.1:3307/x?unix_socket=%2Frun%2Fm.sock");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->scheme, "mariadb");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->query_values[0], "/run/m.sock");
	rt_url_free(u);
	u = parse_ok("postgresql://u:p@[::1]:5432/d");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->host, "::1");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->port, "5432");
	rt_url_free(u);
}

static void test_url__errors_mask_password(void)
{
	rt_url *u = NULL;
	CU_ASSERT_EQUAL(rt_url_parse(&u, "postgresql://u:topsecret@h:notaport/d"), RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(strstr(rt_error_msg(), "topsecret"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "***"));
	CU_ASSERT_EQUAL(rt_url_parse(&u, "no scheme here"), RETORT_EINVAL);
	CU_ASSERT_EQUAL(rt_url_parse(&u, "mysql://u:bad%zzpw@h/d"), RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(strstr(rt_error_msg(), "bad%zz"));
	CU_ASSERT_PTR_NULL(u);
}

static void test_url__mask_string(void)
{
	char *m = rt_url_mask_string("mysql://a:b@c/d");
	CU_ASSERT_STRING_EQUAL(m, "mysql://a:***@c/d");
	rt_free(m);
	m = rt_url_mask_string("mysql://a@c/d");
	CU_ASSERT_STRING_EQUAL(m, "mysql://a@c/d");
	rt_free(m);
	m = rt_url_mask_string("postgresql://u:p@ss@h/d"); /* the last '@' ends the userinfo */
	CU_ASSERT_STRING_EQUAL(m, "postgresql://u:***@h/d");
	rt_free(m);
}

static const rt_cu_test tests[] = {{"postgres_full", test_url__postgres_full},
                                   {"sqlite_paths", test_url__sqlite_paths},
                                   {"socket_and_aliases", test_url__socket_and_aliases},
                                   {"errors_mask_password", test_url__errors_mask_password},
                                   {"mask_string", test_url__mask_string},
                                   {NULL, NULL}};
static const rt_cu_suite suites[] = {{"url", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)

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

/* every password form libpq and the MySQL clients accept is masked, wherever the URL is shown */
static void test_url__mask_every_password_form(void)
{
	static const struct {
		const char *raw, *masked;
	} cases[] = {
		{"postgresql://u@h/d?password=s3cr3t", "postgresql://u@h/d?password=***"},
		{"postgresql://h/d?sslmode=disable&password=s3cr3t&application_name=x",
		 "postgresql://h/d?sslmode=disable&password=***&application_name=x"},
		{"postgresql://h/d?PassWord=s3cr3t", "postgresql://h/d?PassWord=***"},
		{"postgresql://h/d?pass%77ord=s3cr3t", "postgresql://h/d?pass%77ord=***"},
		{"postgresql://h/d?sslpassword=s3cr3t", "postgresql://h/d?sslpassword=***"},
		{"mysql://u@h/d?passwd=s3cr3t&pwd=s3cr3t", "mysql://u@h/d?passwd=***&pwd=***"},
		{"postgresql://u:s3/cr3t@h/d", "postgresql://u:***@h/d"},           /* an unencoded '/' */
		{"postgresql://u:s3?cr3t@h/d", "postgresql://u:***@h/d"},           /* an unencoded '?' */
		{"postgresql://u:s3cr3t@h/d?x=a@b", "postgresql://u:***@h/d?x=a@b"}, /* an '@' in the query */
		{"postgresql://u:s3cr3t@h/d?password=s3cr3t", "postgresql://u:***@h/d?password=***"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *m = rt_url_mask_string(cases[i].raw);
		CU_ASSERT_STRING_EQUAL(m, cases[i].masked);
		CU_ASSERT_PTR_NULL(strstr(m, "s3"));
		rt_free(m);
	}
}

static void test_url__query_password_is_the_password(void)
{
	rt_url *u = parse_ok("postgresql://app@h/d?password=s3cr3t");
	CU_ASSERT_STRING_EQUAL(rt_url_view(u)->password, "s3cr3t");
	CU_ASSERT_PTR_NULL(strstr(rt_url_masked(u), "s3cr3t"));
	rt_url_free(u);
}

static void test_url__bad_urls_never_show_the_password(void)
{
	rt_url *u = NULL;
	CU_ASSERT_EQUAL(rt_url_parse(&u, "postgresql://u:s3/cr3t@h/d"), RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(strstr(rt_error_msg(), "cr3t"));
	CU_ASSERT_EQUAL(rt_url_parse(&u, "postgresql://u@h:x/d?password=s3cr3t"), RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(strstr(rt_error_msg(), "s3cr3t"));
	CU_ASSERT_PTR_NULL(u);
}

/* %00 would truncate the value where a C string ends: refused in every component */
static void test_url__nul_refused(void)
{
	static const char *const bad[] = {"postgresql://u@h/app%00other", "postgresql://u%00x@h/d",
	                                  "postgresql://u:p%00w@h/d", "postgresql://h%00x/d",
	                                  "postgresql://h/d?sslmode=dis%00able", "sqlite:///a%00.db"};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rt_url *u = NULL;
		CU_ASSERT_EQUAL(rt_url_parse(&u, bad[i]), RETORT_EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "NUL"));
		CU_ASSERT_PTR_NULL(u);
	}
}

static const rt_cu_test tests[] = {{"mask_every_password_form", test_url__mask_every_password_form},
                                   {"query_password_is_the_password", test_url__query_password_is_the_password},
                                   {"bad_urls_never_show_the_password", test_url__bad_urls_never_show_the_password},
                                   {"nul_refused", test_url__nul_refused},
                                   {"postgres_full", test_url__postgres_full},
                                   {"sqlite_paths", test_url__sqlite_paths},
                                   {"socket_and_aliases", test_url__socket_and_aliases},
                                   {"errors_mask_password", test_url__errors_mask_password},
                                   {"mask_string", test_url__mask_string},
                                   {NULL, NULL}};
static const rt_cu_suite suites[] = {{"url", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)

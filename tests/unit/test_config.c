/* retort.conf: keys, defaults, expansion, overlays, errors with file:line. */
#include "cu.h"

#include "rtconfig.h"

static char *sandbox;

static rt_config *load(const char *text, const char *name, const rt_strv *xs, int want)
{
	rt_config *c = NULL;
	char *path = rt_cu_write(sandbox, "retort.conf", text);
	int rc = rt_config_load(&c, path, name, xs, NULL);
	free(path);
	CU_ASSERT_EQUAL(rc, want);
	if (rc != want && rc < 0)
		fprintf(stderr, "\n  unexpected: %s\n", rt_error_msg());
	return c;
}

static void test_config__defaults(void)
{
	rt_config *c = load("", NULL, NULL, RETORT_OK);
	char expect[4096];
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->version_table, "retort_version");
	CU_ASSERT_STRING_EQUAL(c->history_table, "retort_history");
	CU_ASSERT_STRING_EQUAL(c->file_template, "%(rev)s_%(slug)s");
	CU_ASSERT_EQUAL(c->truncate_slug_length, 40);
	CU_ASSERT_EQUAL(c->lock_timeout, 60);
	CU_ASSERT_EQUAL(c->transaction_per_migration, 0);
	snprintf(expect, sizeof expect, "%s/migrations/versions", c->here);
	CU_ASSERT_EQUAL(c->version_locations.n, 1);
	CU_ASSERT_STRING_EQUAL(c->version_locations.v[0], expect);
	CU_ASSERT_PTR_NULL(c->url);
	rt_config_free(c);
}

static void test_config__every_key(void)
{
	rt_config *c = load("script_location = \"db\";\n"
	                    "version_locations = [ \"db/a\", \"/abs/b\" ];\n"
	                    "file_template = \"%(year)s_%(rev)s\";\n"
	                    "truncate_slug_length = 20;\n"
	                    "timezone = \"Europe/Paris\";\n"
	                    "version_table = \"alembic_version\";\n"
	                    "history_table = \"h\";\n"
	                    "transaction_per_migration = true;\n"
	                    "lock_timeout = 5;\n"
	                    "target_schema = \"db/schema.conf\";\n"
	                    "database = { url = \"sqlite:///x.db\"; };\n"
	                    "plugin_path = [ \"plugins\" ];\n"
	                    "plugins = ( { module = \"jsonlog\"; path = \"x.log\"; } );\n",
	                    NULL, NULL, RETORT_OK);
	char expect[4096];
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	snprintf(expect, sizeof expect, "%s/db", c->here);
	CU_ASSERT_STRING_EQUAL(c->script_location, expect);
	CU_ASSERT_EQUAL(c->version_locations.n, 2);
	CU_ASSERT_STRING_EQUAL(c->version_locations.v[1], "/abs/b");
	CU_ASSERT_EQUAL(c->truncate_slug_length, 20);
	CU_ASSERT_STRING_EQUAL(c->version_table, "alembic_version");
	CU_ASSERT_EQUAL(c->transaction_per_migration, 1);
	CU_ASSERT_EQUAL(c->lock_timeout, 5);
	CU_ASSERT_STRING_EQUAL(c->url, "sqlite:///x.db");
	CU_ASSERT_EQUAL(c->plugin_path.n, 1);
	CU_ASSERT_PTR_NOT_NULL(c->plugins);
	rt_config_free(c);
}

static void test_config__expansion(void)
{
	rt_strv xs = RT_STRV_INIT;
	rt_config *c;
	char expect[4096];
	setenv("RT_TEST_DB", "pg.example", 1);
	unsetenv("RT_TEST_UNSET");
	rt_strv_push(&xs, "tenant=acme");
	c = load("database = { url = \"postgresql://u@${RT_TEST_DB}/${x.tenant}_${RT_TEST_UNSET:-dflt}\"; };\n"
	         "history_table = \"${here}\";\n",
	         NULL, &xs, RETORT_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->url, "postgresql://u@pg.example/acme_dflt");
	snprintf(expect, sizeof expect, "%s", c->here);
	CU_ASSERT_STRING_EQUAL(c->history_table, expect);
	rt_config_free(c);
	rt_strv_free(&xs);
}

static void test_config__unset_variable_named(void)
{
	unsetenv("RT_TEST_NOPE");
	CU_ASSERT_PTR_NULL(load("version_table = \"t\";\n\ndatabase = { url = \"${RT_TEST_NOPE}\"; };\n", NULL, NULL,
	                        RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "RT_TEST_NOPE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:3"));
	CU_ASSERT_PTR_NULL(load("history_table = \"${x.missing}\";\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "-x missing=VALUE"));
}

static void test_config__unknown_keys_rejected(void)
{
	CU_ASSERT_PTR_NULL(load("version_table = \"t\";\nlock_timout = 3;\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "lock_timout"));
	CU_ASSERT_PTR_NULL(load("database = { url = \"x://\"; user = \"me\"; };\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "database.user"));
	CU_ASSERT_PTR_NULL(load("staging = { lock_timeout = 3; databse = { url = \"x\"; }; };\n", NULL, NULL,
	                        RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "databse"));
	/* plugin groups are validated by the plugins themselves */
	rt_config_free(load("plugins = ( { module = \"x\"; anything = 1; } );\n", NULL, NULL, RETORT_OK));
}

static void test_config__type_errors(void)
{
	CU_ASSERT_PTR_NULL(load("\nlock_timeout = \"60\";\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2: 'lock_timeout' must be an integer"));
	CU_ASSERT_PTR_NULL(load("transaction_per_migration = 1;\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NULL(load("plugins = ( { path = \"x\"; } );\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "module"));
	CU_ASSERT_PTR_NULL(load("version_table = \"a\";\nhistory_table = \"a\";\n", NULL, NULL, RETORT_EINVAL));
}

static void test_config__syntax_error_has_line(void)
{
	CU_ASSERT_PTR_NULL(load("version_table = \"t\";\n\n\nlock_timeout = = 5;\nhistory_table = \"h\";\n", NULL, NULL,
	                        RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:4"));
}

static void test_config__overlay(void)
{
	const char *text = "version_table = \"v\";\n"
	                   "database = { url = \"sqlite:///main.db\"; };\n"
	                   "analytics = { database = { url = \"sqlite:///an.db\"; }; version_table = \"av\"; };\n";
	rt_config *c = load(text, "analytics", NULL, RETORT_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->url, "sqlite:///an.db");
	CU_ASSERT_STRING_EQUAL(c->version_table, "av");
	CU_ASSERT_STRING_EQUAL(c->history_table, "retort_history");
	rt_config_free(c);
	c = load(text, NULL, NULL, RETORT_OK);
	CU_ASSERT_STRING_EQUAL(c->url, "sqlite:///main.db");
	rt_config_free(c);
	CU_ASSERT_PTR_NULL(load(text, "nope", NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "nope"));
}

static void test_config__missing_file(void)
{
	rt_config *c = NULL;
	CU_ASSERT_EQUAL(rt_config_load(&c, "/nonexistent/retort.conf", NULL, NULL, NULL), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "/nonexistent/retort.conf"));
	CU_ASSERT_PTR_NULL(c);
}

static int setup(void)
{
	sandbox = rt_cu_sandbox();
	return sandbox ? 0 : 1;
}

static const rt_cu_test tests[] = {{"defaults", test_config__defaults},
                                   {"every_key", test_config__every_key},
                                   {"expansion", test_config__expansion},
                                   {"unset_variable_named", test_config__unset_variable_named},
                                   {"unknown_keys_rejected", test_config__unknown_keys_rejected},
                                   {"type_errors", test_config__type_errors},
                                   {"syntax_error_has_line", test_config__syntax_error_has_line},
                                   {"overlay", test_config__overlay},
                                   {"missing_file", test_config__missing_file},
                                   {NULL, NULL}};
static const rt_cu_suite suites[] = {{"config", tests}, {NULL, NULL}};

int main(void)
{
	int rc;
	if (setup())
		return 1;
	rc = rt_cu_run(suites);
	{
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", sandbox);
		if (system(cmd) != 0)
			rc = rc ? rc : 0;
	}
	free(sandbox);
	return rc;
}

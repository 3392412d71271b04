/* retort.conf: keys, defaults, expansion, overlays, errors with file:line. */
#include "cu.h"

#include <sys/stat.h>
#include <unistd.h>

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

static void test_config__out_of_range_is_an_error(void)
{
	static const char *const bad[] = {"lock_timeout = -1;\n", "lock_timeout = 86401;\n",
	                                  "lock_timeout = 9223372036854775807;\n", "lock_timeout = 9223372036854775807L;\n",
	                                  "lock_timeout = 4294967297;\n", /* wrapped to 1 by 32-bit libconfig */
	                                  NULL};
	const char *const *t;
	for (t = bad; *t; t++) {
		CU_ASSERT_PTR_NULL(load(*t, NULL, NULL, RETORT_EINVAL)); /* an error status, never OK with no config */
		CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:1: lock_timeout must be between 0 and 86400"));
	}
	CU_ASSERT_PTR_NULL(load("\ntruncate_slug_length = 4294967336;\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2: truncate_slug_length must be between 1 and 255"));
	CU_ASSERT_PTR_NULL(load("lock_timeout = 5;\nlock_timeout = 18446744073709551616;\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2: the integer 18446744073709551616 does not fit"));
}

static void test_config__nul_refused(void)
{
	CU_ASSERT_PTR_NULL(load("version_table = \"v\";\ntimezone = \"UT\\x00C\";\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2: '\\x00' in a string"));
	/* the same text in a comment or as an escaped backslash is fine */
	rt_config_free(load("# \"\\x00\"\ntimezone = \"UT\\\\x00C\";\n", NULL, NULL, RETORT_OK));
}

static void test_config__plugin_host_key_types(void)
{
	static const char *const bad[] = {"events = 5;", "fatal = \"yes\";", "fatal = 1;", "kind = 3;",
	                                  "events = ( \"a\", 5 );", "module = 5;", NULL};
	const char *const *t;
	char text[256];
	rt_config *c;
	for (t = bad; *t; t++) {
		snprintf(text, sizeof text, "plugins = (\n  { module = \"x\";\n    %s }\n);\n", *t);
		if (strncmp(*t, "module", 6) == 0)
			snprintf(text, sizeof text, "plugins = (\n  {\n    %s }\n);\n", *t);
		CU_ASSERT_PTR_NULL(load(text, NULL, NULL, RETORT_EINVAL));
		CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:3: plugin key '"));
	}
	c = load("plugins = ( { module = \"x\"; kind = \"notify\"; events = \"a.*\"; fatal = true; },\n"
	         "            { module = \"y\"; events = [ \"a\", \"b\" ]; } );\n",
	         NULL, NULL, RETORT_OK);
	CU_ASSERT_PTR_NOT_NULL(c);
	rt_config_free(c);
}

static void test_config__lines_of_url_and_tables(void)
{
	rt_config *c = load("version_table = \"v\";\n\ndatabase = { url = \"nonsense\"; };\n", NULL, NULL, RETORT_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_PTR_NOT_NULL(c->url_where);
	CU_ASSERT_PTR_NOT_NULL(c->url_where && strstr(c->url_where, "retort.conf:3"));
	rt_config_free(c);
	CU_ASSERT_PTR_NULL(load("\nversion_table = \"\";\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2: version_table and history_table must be"));
	CU_ASSERT_PTR_NULL(load("version_table = \"a\";\nhistory_table = \"a\";\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2: version_table and history_table must be"));
	CU_ASSERT_PTR_NULL(load("\n\nversion_table = \"retort_history\";\n", NULL, NULL, RETORT_EINVAL));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:3: version_table and history_table must be"));
}

static void test_config__not_a_regular_file(void)
{
	rt_config *c = NULL;
	char *path = rt_asprintf("%s/fifo.conf", sandbox);
	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
	CU_ASSERT_EQUAL(rt_config_load(&c, path, NULL, NULL, NULL), RETORT_EINVAL); /* and does not block */
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "fifo.conf: not a regular file (a FIFO)"));
	CU_ASSERT_PTR_NULL(c);
	unlink(path);
	free(path);
}

static int setup(void)
{
	sandbox = rt_cu_sandbox();
	return sandbox ? 0 : 1;
}

/* A fleet database's group overlays -n's group, which overlays the top level. */
static void test_config__target_overlay(void)
{
	rt_config *c = load("lock_timeout = 1;\nversion_table = \"top_v\";\nhistory_table = \"top_h\";\n"
	                    "staging = { lock_timeout = 2; history_table = \"stg_h\";\n"
	                    "  databases = ( { name = \"a\"; url = \"sqlite:///a.db\"; lock_timeout = 3; } ); };\n",
	                    "staging", NULL, RETORT_OK);
	const config_setting_t *list, *g;
	rt_config *t = NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	list = rt_config_lookup(c, "databases");
	CU_ASSERT_PTR_NOT_NULL_FATAL(list);
	g = config_setting_get_elem(list, 0);
	CU_ASSERT_EQUAL_FATAL(rt_config_for_target(&t, c, "a", g, "sqlite:///a.db", NULL), RETORT_OK);
	CU_ASSERT_EQUAL(t->lock_timeout, 3);                   /* the database's own */
	CU_ASSERT_STRING_EQUAL(t->history_table, "stg_h");     /* -n's */
	CU_ASSERT_STRING_EQUAL(t->version_table, "top_v");     /* the top level's */
	CU_ASSERT_STRING_EQUAL(t->url, "sqlite:///a.db");
	CU_ASSERT_STRING_EQUAL(t->target_name, "a");
	CU_ASSERT_EQUAL(c->lock_timeout, 2); /* the base is untouched */
	rt_config_free(t);
	rt_config_free(c);
	/* what a database's group may not hold, with its line */
	c = load("databases = (\n { name = \"a\"; url = \"u://x\"; database = { url = \"v://y\"; }; }\n);\n", NULL,
	         NULL, RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "retort.conf:2: 'database' cannot be set for one database"));
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
                                   {"out_of_range_is_an_error", test_config__out_of_range_is_an_error},
                                   {"nul_refused", test_config__nul_refused},
                                   {"plugin_host_key_types", test_config__plugin_host_key_types},
                                   {"lines_of_url_and_tables", test_config__lines_of_url_and_tables},
                                   {"not_a_regular_file", test_config__not_a_regular_file},
                                   {"target_overlay", test_config__target_overlay},
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

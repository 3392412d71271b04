/* Writing revisions: slugs, file names from file_template, templates, whole scripts written and read back. */
#include "cu.h"

#include <dirent.h>
#include <time.h>

#include "revwrite.h"
#include "script.h"

/* ---- slugs ---- */

static void slug_is(const char *msg, int maxlen, const char *want)
{
	char *s = rt_slugify(msg, maxlen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, want);
	if (strcmp(s, want) != 0)
		fprintf(stderr, "slug of '%s': '%s', wanted '%s'\n", msg, s, want);
	rt_free(s);
}

static void test_revwrite__slug_words(void)
{
	slug_is("Add email to Account!", 40, "add_email_to_account");
	slug_is("  drop --- the old_table  ", 40, "drop_the_old_table");
	slug_is("", 40, "");
	slug_is("!!!", 40, "");
	slug_is(NULL, 40, "");
}

static void test_revwrite__slug_truncates_at_a_word(void)
{
	/* Alembic: cut at the limit, drop the partial word, end with '_' */
	slug_is("abc def ghi", 6, "abc_");
	slug_is("abc def ghi", 11, "abc_def_ghi");
	slug_is("abcdefgh", 4, "abcd");
}

static void test_revwrite__slug_transliterates_latin(void)
{
	slug_is("ünïcödé", 40, "unicode");
	slug_is("Straße Æon Œuvre Łódź", 40, "strasse_aeon_oeuvre_lodz");
	slug_is("ÅNGSTRÖM Øre þð Ĳssel", 40, "angstrom_ore_thd_ijssel");
	/* decomposed: u + COMBINING DIAERESIS (U+0308) stays one word */
	slug_is("u\xcc\x88" "ber", 40, "uber");
}

static void test_revwrite__slug_drops_other_characters(void)
{
	slug_is("a×b÷c", 40, "a_b_c");
	slug_is("日本 test", 40, "test"); /* letters of other scripts are dropped */
	slug_is("café—menu", 40, "cafe_menu");
	slug_is("bad\xff\xfe" "bytes\xc3", 40, "bad_bytes");   /* malformed UTF-8: separators */
}

/* ---- file names ---- */

/* 2026-03-04 05:06:07 UTC */
static time_t when(void)
{
	struct tm tm = {0};
	tm.tm_year = 126;
	tm.tm_mon = 2;
	tm.tm_mday = 4;
	tm.tm_hour = 5;
	tm.tm_min = 6;
	tm.tm_sec = 7;
	return timegm(&tm);
}

static void name_is(const char *tpl, const char *want)
{
	char *s = NULL;
	int rc = rt_file_name_render(&s, tpl, "r.conf:3", "ae1027a6acf0", "add_email", when());
	CU_ASSERT_EQUAL(rc, RETORT_OK);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", tpl, rt_error_msg());
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, want);
	if (strcmp(s, want) != 0)
		fprintf(stderr, "'%s' gave '%s', wanted '%s'\n", tpl, s, want);
	rt_free(s);
}

static void name_fails(const char *tpl, const char *rev, const char *message)
{
	char *s = (char *)"untouched";
	int rc = rt_file_name_render(&s, tpl, "r.conf:3", rev, "add_email", when());
	CU_ASSERT_EQUAL(rc, RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "r.conf:3: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), message));
	if (!strstr(rt_error_msg(), message))
		fprintf(stderr, "'%s': '%s', wanted '%s'\n", tpl, rt_error_msg(), message);
}

static void test_revwrite__name_default(void)
{
	name_is("%(rev)s_%(slug)s", "ae1027a6acf0_add_email");
}

static void test_revwrite__name_alembic_tokens(void)
{
	/* the form of Alembic's guides */
	name_is("%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s",
	        "20260304_0506_ae1027a6acf0_add_email");
	name_is("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d%(second).2d-%(rev)s",
	        "2026_03_04_050607-ae1027a6acf0");
	name_is("%(epoch)s_%(rev)s", "1772600767_ae1027a6acf0");
	name_is("%(epoch)d", "1772600767");
}

static void test_revwrite__name_python_conversions(void)
{
	name_is("%(month)d-%(day)i-%(hour)u", "3-4-5");        /* unpadded, as Python */
	name_is("%(month)02d %(day)3d %(minute)-3d|", "03   4 6  |");
	name_is("%(second).3d%(hour)+d", "007+5");
	name_is("%(hour).0d", "5");
	name_is("%(month)ld", "3");                              /* a length modifier is ignored */
	name_is("%(slug).3s_%(rev).4s", "add_ae10");
	name_is("[%(slug)12s][%(slug)-12s]", "[   add_email][add_email   ]");
	name_is("%(rev)05s", "ae1027a6acf0");                    /* 0 is ignored for text, as Python does */
	name_is("100%%_%(rev)s", "100%_ae1027a6acf0");
	/* retort's %(x)s for dates: two digits, four for the year */
	name_is("%(year)s%(month)s%(day)s_%(hour)s%(minute)s%(second)s", "20260304_050607");
}

static void test_revwrite__name_errors(void)
{
	name_fails("%(rev)s_%(nope)s", "ae1027a6acf0", "unknown token %(nope)");
	name_fails("%(rev)d", "ae1027a6acf0", "bad conversion '%(rev)d'");
	name_fails("%(slug)r", "ae1027a6acf0", "bad conversion '%(slug)r'");
	name_fails("%(year)x", "ae1027a6acf0", "bad conversion '%(year)x'");
	name_fails("%(month)", "ae1027a6acf0", "bad conversion '%(month)'");
	name_fails("%(month)*d", "ae1027a6acf0", "bad conversion");
	name_fails("%(rev)999s", "ae1027a6acf0", "bad conversion");
	name_fails("%(rev", "ae1027a6acf0", "a '%' must start a token");
	name_fails("50%", "ae1027a6acf0", "a '%' must start a token");
	name_fails("%d_%(rev)s", "ae1027a6acf0", "a '%' must start a token");
	/* alembic.ini's doubled % copied as is */
	name_fails("%%(year)d_%%(rev)s", "ae1027a6acf0", "alembic.ini doubles");
}

static void test_revwrite__name_stays_in_the_folder(void)
{
	name_fails("../../x_%(rev)s", "ae1027a6acf0", "cannot hold '/'");
	name_fails("sub/%(rev)s", "ae1027a6acf0", "cannot hold '/'");
	name_fails("", "ae1027a6acf0", "an empty file name");
	name_fails("%(slug).0s", "ae1027a6acf0", "an empty file name");
	name_fails(".%(rev)s", "ae1027a6acf0", "hidden file name '.ae1027a6acf0'");
	name_fails("%(rev)s", ".hidden", "hidden file name '.hidden'");
}

/* ---- templates ---- */

static void test_revwrite__template_fill(void)
{
	const char *keys[] = {"a", "b", "gone"};
	const char *vals[] = {"1", "two", NULL};
	char *s = rt_template_fill("x = {{a}};\ny = {{gone}};\n{{b}}{{b}} {{other}} {{a\nlast {{a}}", keys, vals, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "x = 1;\ntwotwo {{other}} {{a\nlast 1");
	rt_free(s);
}

static void test_revwrite__builtin_templates(void)
{
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_template_builtin(RETORT_FORMAT_CONF), "down_revision = {{down_revision}};"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_template_builtin(RETORT_FORMAT_SQL), "-- retort:revision {{revision}}"));
}

/* ---- whole scripts ---- */

static char *sandbox;

static void sandbox_remove(void)
{
	rt_cu_sandbox_free(sandbox);
	sandbox = NULL;
}

/* A fresh sandbox for each test (the last one is removed at exit). */
static void new_sandbox(void)
{
	if (!sandbox)
		atexit(sandbox_remove);
	sandbox_remove();
	sandbox = rt_cu_sandbox();
	CU_ASSERT_PTR_NOT_NULL_FATAL(sandbox);
}

/* A project whose retort.conf has file_template on line 2; *ctx opened (graph loaded). */
static rt_config *project(rt_ctx *ctx, const char *file_template)
{
	rt_config *cfg = NULL;
	char conf[512], *p, dir[600];
	snprintf(conf, sizeof conf, "script_location = \"m\";\nfile_template = \"%s\";\ntruncate_slug_length = 10;\n",
	         file_template);
	snprintf(dir, sizeof dir, "%s/m", sandbox);
	mkdir(dir, 0777);
	snprintf(dir, sizeof dir, "%s/m/versions", sandbox);
	mkdir(dir, 0777);
	p = rt_cu_write(sandbox, "retort.conf", conf);
	CU_ASSERT_EQUAL_FATAL(rt_config_load(&cfg, p, NULL, NULL, NULL), RETORT_OK);
	free(p);
	CU_ASSERT_EQUAL_FATAL(rt_ctx_open(ctx, cfg, "revision", 1), RETORT_OK);
	return cfg;
}

static void close_project(rt_ctx *ctx, rt_config *cfg)
{
	rt_ctx_close(ctx);
	rt_config_free(cfg);
}

static int count_scripts(void)
{
	char dir[600];
	DIR *d;
	struct dirent *e;
	int n = 0;
	snprintf(dir, sizeof dir, "%s/m/versions", sandbox);
	if (!(d = opendir(dir)))
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void written(void *arg, const char *path)
{
	(void)path;
	(*(int *)arg)++;
}

static void test_revwrite__writes_and_reads_back(void)
{
	rt_ctx ctx;
	rt_config *cfg;
	rt_revwrite w = {0};
	rt_revision *r = NULL;
	rt_strv labels = RT_STRV_INIT;
	char *rev = NULL, *path = NULL;
	int calls = 0;
	new_sandbox();
	cfg = project(&ctx, "%(rev)s_%(slug)s");
	rt_strv_push(&labels, "billing");
	w.rev_id = "base1";
	w.message = "Ünïcödé \"first\"\nline";
	w.branch_labels = &labels;
	w.format = RETORT_FORMAT_CONF;
	w.written = written;
	w.arg = &calls;
	CU_ASSERT_EQUAL_FATAL(rt_revwrite_run(&ctx, &w, &rev, &path), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(rev, "base1");
	CU_ASSERT_PTR_NOT_NULL(strstr(path, "/m/versions/base1_unicode_.conf"));
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_EQUAL_FATAL(rt_script_load(&r, path, 1), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(r->id, "base1");
	CU_ASSERT_EQUAL(r->parents.n, 0);
	CU_ASSERT_EQUAL(r->labels.n, 1);
	CU_ASSERT_STRING_EQUAL(r->message, "Ünïcödé \"first\"\nline");
	rt_revision_free(r);
	rt_free(rev);
	rt_free(path);
	close_project(&ctx, cfg);

	/* on top of it, as .sql, a prefix in depends_on written as the full id */
	cfg = project(&ctx, "%(rev)s_%(slug)s");
	memset(&w, 0, sizeof w);
	rt_strv_free(&labels);
	rt_strv_push(&labels, "bas");
	w.rev_id = "next2";
	w.message = "second";
	w.depends_on = &labels;
	w.format = RETORT_FORMAT_SQL;
	CU_ASSERT_EQUAL_FATAL(rt_revwrite_run(&ctx, &w, NULL, &path), RETORT_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(path, "/m/versions/next2_second.sql"));
	CU_ASSERT_EQUAL_FATAL(rt_script_load(&r, path, 1), RETORT_OK);
	CU_ASSERT_EQUAL_FATAL(r->parents.n, 1);
	CU_ASSERT_STRING_EQUAL(r->parents.v[0], "base1");
	CU_ASSERT_EQUAL_FATAL(r->depends_on.n, 1);
	CU_ASSERT_STRING_EQUAL(r->depends_on.v[0], "base1");
	rt_revision_free(r);
	rt_free(path);
	rt_strv_free(&labels);
	close_project(&ctx, cfg);
	CU_ASSERT_EQUAL(count_scripts(), 2);
}

static void refused(const char *file_template, const char *rev_id, const char *message)
{
	rt_ctx ctx;
	rt_config *cfg = project(&ctx, file_template);
	rt_revwrite w = {0};
	char *path = (char *)"untouched";
	int before = count_scripts();
	w.rev_id = rev_id;
	w.message = "some change";
	w.format = RETORT_FORMAT_CONF;
	CU_ASSERT_EQUAL(rt_revwrite_run(&ctx, &w, NULL, &path), RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(path);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), message));
	if (!strstr(rt_error_msg(), message))
		fprintf(stderr, "got '%s', wanted '%s'\n", rt_error_msg(), message);
	CU_ASSERT_EQUAL(count_scripts(), before);
	close_project(&ctx, cfg);
}

static void test_revwrite__refusals_write_nothing(void)
{
	char where[700];
	new_sandbox();
	snprintf(where, sizeof where, "%s/retort.conf:2: file_template", sandbox);
	refused("../../x_%(rev)s", NULL, where);
	refused("", NULL, "gives an empty file name");
	refused("%(rev)s_%(bogus)s", NULL, "unknown token %(bogus)");
	refused("%(rev)s", "a@b", "not allowed in revision identifier 'a@b'");
	{
		rt_ctx ctx;
		rt_config *cfg = project(&ctx, "%(rev)s");
		rt_revwrite w = {0};
		w.rev_id = "ok1";
		w.message = "m";
		CU_ASSERT_EQUAL(rt_revwrite_run(&ctx, &w, NULL, NULL), RETORT_OK);
		close_project(&ctx, cfg);
	}
	refused("%(rev)s", "ok1", "already exists");
}

static void test_revwrite__merge_needs_two_heads(void)
{
	rt_ctx ctx;
	rt_config *cfg;
	rt_revwrite w = {0};
	rt_strv args = RT_STRV_INIT;
	char *path = NULL;
	rt_revision *r = NULL;
	int i;
	new_sandbox();
	/* two bases */
	for (i = 0; i < 2; i++) {
		cfg = project(&ctx, "%(rev)s");
		memset(&w, 0, sizeof w);
		w.rev_id = i ? "b2" : "a1";
		w.message = "base";
		w.head = "base";
		CU_ASSERT_EQUAL_FATAL(rt_revwrite_run(&ctx, &w, NULL, NULL), RETORT_OK);
		close_project(&ctx, cfg);
	}
	/* a revision on "head" is refused: two heads */
	cfg = project(&ctx, "%(rev)s");
	memset(&w, 0, sizeof w);
	w.message = "x";
	CU_ASSERT_EQUAL(rt_revwrite_run(&ctx, &w, NULL, NULL), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "Multiple heads are present"));
	/* merge of one revision is refused, of both written */
	rt_strv_push(&args, "a1");
	w.merge = &args;
	w.rev_id = "m3";
	CU_ASSERT_EQUAL(rt_revwrite_run(&ctx, &w, NULL, NULL), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "merge needs at least two heads"));
	rt_strv_clear(&args);
	rt_strv_push(&args, "heads");
	CU_ASSERT_EQUAL_FATAL(rt_revwrite_run(&ctx, &w, NULL, &path), RETORT_OK);
	CU_ASSERT_EQUAL_FATAL(rt_script_load(&r, path, 1), RETORT_OK);
	CU_ASSERT_EQUAL(r->parents.n, 2);
	rt_revision_free(r);
	rt_free(path);
	rt_strv_free(&args);
	close_project(&ctx, cfg);
	CU_ASSERT_EQUAL(count_scripts(), 3);
}

static const rt_cu_test slug_tests[] = {
	{"test_revwrite__slug_words", test_revwrite__slug_words},
	{"test_revwrite__slug_truncates_at_a_word", test_revwrite__slug_truncates_at_a_word},
	{"test_revwrite__slug_transliterates_latin", test_revwrite__slug_transliterates_latin},
	{"test_revwrite__slug_drops_other_characters", test_revwrite__slug_drops_other_characters},
	{NULL, NULL},
};

static const rt_cu_test name_tests[] = {
	{"test_revwrite__name_default", test_revwrite__name_default},
	{"test_revwrite__name_alembic_tokens", test_revwrite__name_alembic_tokens},
	{"test_revwrite__name_python_conversions", test_revwrite__name_python_conversions},
	{"test_revwrite__name_errors", test_revwrite__name_errors},
	{"test_revwrite__name_stays_in_the_folder", test_revwrite__name_stays_in_the_folder},
	{NULL, NULL},
};

static const rt_cu_test write_tests[] = {
	{"test_revwrite__template_fill", test_revwrite__template_fill},
	{"test_revwrite__builtin_templates", test_revwrite__builtin_templates},
	{"test_revwrite__writes_and_reads_back", test_revwrite__writes_and_reads_back},
	{"test_revwrite__refusals_write_nothing", test_revwrite__refusals_write_nothing},
	{"test_revwrite__merge_needs_two_heads", test_revwrite__merge_needs_two_heads},
	{NULL, NULL},
};

static const rt_cu_suite suites[] = {
	{"slug", slug_tests},
	{"file_name", name_tests},
	{"write", write_tests},
	{NULL, NULL},
};

RT_CU_MAIN(suites)

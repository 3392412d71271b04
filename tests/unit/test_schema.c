/* The schema model: the builder, sorting, comparing and the .conf writer. */
#include "config.h"

#include "cu.h"
#include "schema.h"

/* The .conf text of s (caller frees). */
static char *written(rt_schema *s)
{
	rt_buf b = RT_BUF_INIT;
	CU_ASSERT_EQUAL(rt_schema_write_conf(&b, s), RETORT_OK);
	return rt_buf_detach(&b);
}

static char *conf_string(const char *s)
{
	rt_buf b = RT_BUF_INIT;
	CU_ASSERT_EQUAL(rt_conf_put_string(&b, s), RETORT_OK);
	return rt_buf_detach(&b);
}

static void test_schema__conf_string_escaping(void)
{
	char *g = conf_string("a\\b\"c\nd\te\rf\x01g\x1fh\x7fi caf\xc3\xa9");
	CU_ASSERT_STRING_EQUAL(g, "\"a\\\\b\\\"c\\nd\\te\\rf\\x01g\\x1fh\x7fi caf\xc3\xa9\"");
	rt_free(g);
	g = conf_string("");
	CU_ASSERT_STRING_EQUAL(g, "\"\"");
	rt_free(g);
}

static void refs_are(const char *table, const char *const *cols, size_t n, const char *want)
{
	rt_buf b = RT_BUF_INIT;
	char *t = NULL;
	rt_strv v = RT_STRV_INIT;
	size_t i;
	CU_ASSERT_EQUAL(rt_schema_references_format(&b, table, cols, n), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(rt_buf_cstr(&b), want);
	/* and it reads back */
	CU_ASSERT_EQUAL_FATAL(rt_schema_references_parse(rt_buf_cstr(&b), &t, &v), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(t, table);
	CU_ASSERT_EQUAL_FATAL(v.n, n);
	for (i = 0; i < n; i++)
		CU_ASSERT_STRING_EQUAL(v.v[i], cols[i]);
	rt_free(t);
	rt_strv_free(&v);
	rt_buf_free(&b);
}

static void test_schema__references_quoting(void)
{
	static const char *const one[] = {"id"}, *const two[] = {"a_1", "B$c"}, *const odd[] = {"a\"b"},
				  *const sp[] = {"x y", "1st", "select", "ü"};
	refs_are("org", one, 1, "org(id)");
	refs_are("Org_2", two, 2, "Org_2(a_1, B$c)");
	refs_are("my t", odd, 1, "\"my t\"(\"a\"\"b\")");
	refs_are("it's", sp, 4, "\"it's\"(\"x y\", \"1st\", select, \"\xc3\xbc\")");
	refs_are("a`b", one, 1, "\"a`b\"(id)");
}

static void test_schema__references_parse(void)
{
	char *t = NULL;
	rt_strv v = RT_STRV_INIT;
	CU_ASSERT_EQUAL_FATAL(rt_schema_references_parse("  org ( id ,  x ) ", &t, &v), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(t, "org");
	CU_ASSERT_EQUAL_FATAL(v.n, 2);
	CU_ASSERT_STRING_EQUAL(v.v[0], "id");
	CU_ASSERT_STRING_EQUAL(v.v[1], "x");
	rt_free(t);
	rt_strv_free(&v);
	CU_ASSERT_EQUAL(rt_schema_references_parse("org", &t, &v), RETORT_EINVAL);
	CU_ASSERT_EQUAL(rt_schema_references_parse("org()", &t, &v), RETORT_EINVAL);
	CU_ASSERT_EQUAL(rt_schema_references_parse("org(a,)", &t, &v), RETORT_EINVAL);
	CU_ASSERT_EQUAL(rt_schema_references_parse("org(a) x", &t, &v), RETORT_EINVAL);
	CU_ASSERT_EQUAL(rt_schema_references_parse("\"org(a)", &t, &v), RETORT_EINVAL);
	CU_ASSERT_EQUAL(rt_schema_references_parse("(a)", &t, &v), RETORT_EINVAL);
}

/* ---- a schema built through the builder, as a dialect would ---- */

static void col(const retort_schema_builder *b, const char *table, const char *name, int pos, const char *type,
                int nullable, const char *dflt, int autoinc, const char *comment)
{
	retort_reflect_column c = {sizeof c, table, name, pos, type, nullable, dflt, autoinc, comment};
	CU_ASSERT_EQUAL(b->column(b->arg, &c), RETORT_OK);
}

static void cons(const retort_schema_builder *b, retort_constraint_kind kind, const char *table, const char *name,
                 const char *const *cols, size_t n, const char *expr, const char *ref, const char *const *refcols,
                 const char *del, const char *upd)
{
	retort_reflect_constraint c = {sizeof c, kind, table, name, cols, n, expr, ref, refcols, refcols ? n : 0, del, upd};
	CU_ASSERT_EQUAL(b->constraint(b->arg, &c), RETORT_OK);
}

static void idx(const retort_schema_builder *b, const char *table, const char *name, const char *const *cols, size_t n,
                const char *expr, int unique, const char *where, retort_index_origin origin)
{
	retort_reflect_index x = {sizeof x, table, name, cols, n, expr, unique, where, origin};
	CU_ASSERT_EQUAL(b->index(b->arg, &x), RETORT_OK);
}

static void table(const retort_schema_builder *b, const char *name, const char *comment)
{
	retort_reflect_table t = {sizeof t, name, comment};
	CU_ASSERT_EQUAL(b->table(b->arg, &t), RETORT_OK);
}

/* The example of retort(1), reported in a scrambled order. */
static rt_schema *example(void)
{
	static const char *const id[] = {"id"}, *const email_org[] = {"email", "org_id"}, *const org[] = {"org_id"},
				  *const vals[] = {"sad", "ok", "happy"};
	rt_schema *s = rt_schema_new();
	retort_schema_builder b;
	retort_reflect_enum e = {sizeof e, "mood", vals, 3};
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	rt_strv_push(&s->skip, "retort_version");
	rt_schema_builder_init(&b, s);
	table(&b, "org", NULL);
	table(&b, "retort_version", NULL);
	table(&b, "account", "people who pay");
	col(&b, "retort_version", "version_num", 1, "varchar(255)", 0, NULL, 0, NULL);
	col(&b, "org", "id", 1, "integer", 0, NULL, 0, NULL);
	col(&b, "account", "org_id", 3, "bigint", 1, NULL, 0, NULL);
	col(&b, "account", "id", 1, "bigint", 0, NULL, 1, NULL);
	col(&b, "account", "email", 2, "varchar(255)", 0, "'x'", 0, "login");
	cons(&b, RETORT_CONSTRAINT_PRIMARY_KEY, "account", "account_pkey", id, 1, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_PRIMARY_KEY, "org", NULL, id, 1, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_PRIMARY_KEY, "retort_version", "pk", id, 1, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_CHECK, "account", "ck_account_email", NULL, 0, "length(email) > 3", NULL, NULL, NULL,
	     NULL);
	cons(&b, RETORT_CONSTRAINT_FOREIGN_KEY, "account", "fk_account_org", org, 1, NULL, "org", id, "cascade",
	     "set null");
	cons(&b, RETORT_CONSTRAINT_UNIQUE, "account", "uq_account_email", email_org, 2, NULL, NULL, NULL, NULL, NULL);
	idx(&b, "account", "ix_account_org", org, 1, NULL, 1, "(org_id IS NOT NULL)", RETORT_INDEX_USER);
	idx(&b, "account", "fk_account_org_idx", org, 1, NULL, 0, NULL, RETORT_INDEX_FOREIGN_KEY);
	idx(&b, "account", "ix_account_lower", NULL, 0, "lower((email)::text)", 0, NULL, RETORT_INDEX_USER);
	CU_ASSERT_EQUAL(b.enum_type(b.arg, &e), RETORT_OK);
	b.round_trip(b.arg);
	b.round_trip(b.arg);
	rt_schema_sort(s);
	return s;
}

static const char example_conf[] =
	"enums = (\n"
	"  { name = \"mood\"; values = [ \"sad\", \"ok\", \"happy\" ]; }\n"
	");\n"
	"tables = (\n"
	"  { name = \"account\";\n"
	"    comment = \"people who pay\";\n"
	"    columns = (\n"
	"      { name = \"id\"; type = \"bigint\"; nullable = false; autoincrement = true; },\n"
	"      { name = \"email\"; type = \"varchar(255)\"; nullable = false; server_default = \"'x'\"; comment = "
	"\"login\"; },\n"
	"      { name = \"org_id\"; type = \"bigint\"; }\n"
	"    );\n"
	"    primary_key = { name = \"account_pkey\"; columns = [ \"id\" ]; };\n"
	"    uniques = (\n"
	"      { name = \"uq_account_email\"; columns = [ \"email\", \"org_id\" ]; }\n"
	"    );\n"
	"    indexes = (\n"
	"      { name = \"ix_account_lower\"; expression = \"lower((email)::text)\"; },\n"
	"      { name = \"ix_account_org\"; columns = [ \"org_id\" ]; unique = true; where = \"(org_id IS NOT NULL)\"; "
	"}\n"
	"    );\n"
	"    foreign_keys = (\n"
	"      { name = \"fk_account_org\"; columns = [ \"org_id\" ]; references = \"org(id)\"; on_delete = "
	"\"cascade\"; on_update = \"set null\"; }\n"
	"    );\n"
	"    checks = (\n"
	"      { name = \"ck_account_email\"; expression = \"length(email) > 3\"; }\n"
	"    );\n"
	"  },\n"
	"  { name = \"org\";\n"
	"    columns = (\n"
	"      { name = \"id\"; type = \"integer\"; nullable = false; }\n"
	"    );\n"
	"    primary_key = { columns = [ \"id\" ]; };\n"
	"  }\n"
	");\n";

static void test_schema__conf_layout(void)
{
	rt_schema *s = example();
	char *g = written(s);
	CU_ASSERT_STRING_EQUAL(g, example_conf);
	if (strcmp(g, example_conf) != 0)
		fprintf(stderr, "\n%s", g);
	CU_ASSERT_EQUAL(s->round_trips, 2);
	CU_ASSERT_EQUAL(s->ntables, 2); /* the version table was dropped with its column and key */
	rt_free(g);
	rt_schema_free(s);
}

static void test_schema__empty(void)
{
	rt_schema *s = rt_schema_new();
	char *g = written(s);
	CU_ASSERT_STRING_EQUAL(g, "tables = ();\n");
	rt_free(g);
	rt_schema_free(s);
}

static void test_schema__unnamed_sort_after_named(void)
{
	static const char *const a[] = {"a"}, *const b_[] = {"b"}, *const ab[] = {"a", "b"}, *const a_b[] = {"a,b"};
	rt_schema *s = rt_schema_new();
	retort_schema_builder b;
	char *g;
	rt_schema_builder_init(&b, s);
	table(&b, "t", NULL);
	col(&b, "t", "a", 1, "integer", 1, NULL, 0, NULL);
	cons(&b, RETORT_CONSTRAINT_UNIQUE, "t", NULL, b_, 1, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_UNIQUE, "t", NULL, ab, 2, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_UNIQUE, "t", "z_named", b_, 1, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_UNIQUE, "t", NULL, a, 1, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_UNIQUE, "t", NULL, a_b, 1, NULL, NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_CHECK, "t", NULL, NULL, 0, "b > 0", NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_CHECK, "t", NULL, NULL, 0, "a > 0", NULL, NULL, NULL, NULL);
	cons(&b, RETORT_CONSTRAINT_FOREIGN_KEY, "t", NULL, a, 1, NULL, "t", a, "no action", "restrict");
	rt_schema_sort(s);
	g = written(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(g, "    uniques = (\n"
	                                 "      { name = \"z_named\"; columns = [ \"b\" ]; },\n"
	                                 "      { columns = [ \"a\" ]; },\n"
	                                 "      { columns = [ \"a\", \"b\" ]; },\n"
	                                 "      { columns = [ \"a,b\" ]; },\n"
	                                 "      { columns = [ \"b\" ]; }\n"
	                                 "    );\n"));
	/* "no action" is the default: not written */
	CU_ASSERT_PTR_NOT_NULL(strstr(g, "      { columns = [ \"a\" ]; references = \"t(a)\"; on_update = \"restrict\"; }\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g, "      { expression = \"a > 0\"; },\n      { expression = \"b > 0\"; }\n"));
	rt_free(g);
	rt_schema_free(s);
}

static void test_schema__builder_refuses(void)
{
	rt_schema *s = rt_schema_new();
	retort_schema_builder b;
	retort_reflect_column c = {sizeof c, "nope", "x", 1, "integer", 1, NULL, 0, NULL};
	retort_reflect_table t = {sizeof t, "a", NULL};
	rt_schema_builder_init(&b, s);
	CU_ASSERT_EQUAL(b.column(b.arg, &c), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "column 'x' on table 'nope', which was not reported before it"));
	CU_ASSERT_EQUAL(b.table(b.arg, &t), RETORT_OK);
	CU_ASSERT_EQUAL(b.table(b.arg, &t), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "table 'a' reported twice"));
	CU_ASSERT_EQUAL(b.unsupported(b.arg, "virtual table v", "a module's table"), RETORT_OK);
	CU_ASSERT_EQUAL(s->unsupported_what.n, 1);
	CU_ASSERT_STRING_EQUAL(s->unsupported_why.v[0], "a module's table");
	rt_schema_free(s);
}

/* many tables: the name index grows and still finds each one */
static void test_schema__many_tables(void)
{
	rt_schema *s = rt_schema_new();
	retort_schema_builder b;
	char name[32];
	int i;
	rt_schema_builder_init(&b, s);
	for (i = 999; i >= 0; i--) {
		snprintf(name, sizeof name, "t%04d", i);
		table(&b, name, NULL);
		col(&b, name, "id", 1, "integer", 0, NULL, 0, NULL);
	}
	rt_schema_sort(s);
	CU_ASSERT_EQUAL(s->ntables, 1000);
	CU_ASSERT_STRING_EQUAL(s->tables[0].name, "t0000");
	CU_ASSERT_PTR_EQUAL(rt_schema_find_table(s, "t0500"), &s->tables[500]);
	CU_ASSERT_PTR_NULL(rt_schema_find_table(s, "t1000"));
	rt_schema_free(s);
}

static void test_schema__compare(void)
{
	rt_schema *a = example(), *b = example();
	rt_strv d = RT_STRV_INIT;
	CU_ASSERT_EQUAL(rt_schema_compare(a, b, &d), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	rt_free(b->tables[0].columns[1].type);
	b->tables[0].columns[1].type = rt_strdup("text");
	b->tables[1].columns[0].nullable = 1;
	rt_free(b->tables[0].fks[0].on_delete);
	b->tables[0].fks[0].on_delete = NULL;
	CU_ASSERT_EQUAL(rt_schema_compare(a, b, &d), 3);
	CU_ASSERT_EQUAL_FATAL(d.n, 3);
	CU_ASSERT_STRING_EQUAL(d.v[0], "table account: column email: type varchar(255) / text");
	CU_ASSERT_STRING_EQUAL(d.v[1], "table account: foreign key fk_account_org: on_delete cascade / no action");
	CU_ASSERT_STRING_EQUAL(d.v[2], "table org: column id: nullable false / true");
	rt_strv_free(&d);
	rt_schema_free(b);
	b = rt_schema_new();
	CU_ASSERT_EQUAL(rt_schema_compare(a, b, &d), 3);
	CU_ASSERT_STRING_EQUAL(d.v[0], "enum mood: only in the first");
	CU_ASSERT_STRING_EQUAL(d.v[1], "table account: only in the first");
	rt_strv_free(&d);
	rt_schema_free(a);
	rt_schema_free(b);
}

static const rt_cu_test tests[] = {
	{"conf_string_escaping", test_schema__conf_string_escaping},
	{"references_quoting", test_schema__references_quoting},
	{"references_parse", test_schema__references_parse},
	{"conf_layout", test_schema__conf_layout},
	{"empty", test_schema__empty},
	{"unnamed_sort_after_named", test_schema__unnamed_sort_after_named},
	{"builder_refuses", test_schema__builder_refuses},
	{"many_tables", test_schema__many_tables},
	{"compare", test_schema__compare},
	{NULL, NULL}};

static const rt_cu_suite suites[] = {{"schema", tests}, {NULL, NULL}};

RT_CU_MAIN(suites)

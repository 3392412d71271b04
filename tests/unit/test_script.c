/*
 * test_script: reading revision scripts (core/lib/script.c): identity,
 * every .conf operation, .sql headers and sections, checksums, and every
 * error with its file and line.
 */
#include "config.h"

#include "cu.h"

#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"
#include "script.h"

/* ---- fixtures ---- */

static char *sandbox;

static void sandbox_remove(void)
{
	char cmd[256];
	if (sandbox && strncmp(sandbox, "/tmp/retort-unit-", 17) == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", sandbox);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", sandbox);
	}
	free(sandbox);
	sandbox = NULL;
}

/* Write versions/<name> in the sandbox; returns the path (free it). */
static char *fixture(const char *name, const char *text)
{
	char *dir, *path;
	size_t n;
	if (!sandbox) {
		sandbox = rt_cu_sandbox();
		atexit(sandbox_remove);
	}
	n = strlen(sandbox) + 10;
	dir = malloc(n);
	snprintf(dir, n, "%s/versions", sandbox);
	path = rt_cu_write(dir, name, text);
	free(dir);
	return path;
}

static rt_revision *load_ok(const char *name, const char *text, int with_ops)
{
	rt_revision *rev = NULL;
	char *path = fixture(name, text);
	int rc = rt_script_load(&rev, path, with_ops);
	if (rc != RETORT_OK)
		fprintf(stderr, "\n  unexpected error: %s\n", rt_error_msg());
	CU_ASSERT_EQUAL(rc, RETORT_OK);
	free(path);
	return rev;
}

/* Loading fails with RETORT_EINVAL and a message containing `msg`. */
static void load_fails_mode(const char *name, const char *text, const char *msg, int with_ops)
{
	rt_revision *rev = NULL;
	char *path = fixture(name, text);
	int rc;
	rt_error_clear();
	rc = rt_script_load(&rev, path, with_ops);
	CU_ASSERT_EQUAL(rc, RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(rev);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), msg));
	if (!strstr(rt_error_msg(), msg))
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", rt_error_msg(), msg);
	rt_revision_free(rev);
	free(path);
}

static void load_fails(const char *name, const char *text, const char *msg)
{
	load_fails_mode(name, text, msg, 1);
}

/* Identity errors: the same with and without the operations. */
static void load_fails_both(const char *name, const char *text, const char *msg)
{
	load_fails_mode(name, text, msg, 1);
	load_fails_mode(name, text, msg, 0);
}

/* ---- names ---- */

static void test_script__op_kind_names(void)
{
	static const char *const names[] = {"create_table", "drop_table", "rename_table", "add_column",
					    "drop_column", "alter_column", "create_index", "drop_index",
					    "create_unique_constraint", "create_foreign_key",
					    "create_check_constraint", "create_primary_key", "drop_constraint",
					    "bulk_insert", "execute", "create_enum", "drop_enum", "set_table_comment",
					    "add_enum_value", "alter_enum"};
	int k;
	for (k = 1; k <= 20; k++) {
		CU_ASSERT_STRING_EQUAL(rt_op_kind_name((retort_op_kind)k), names[k - 1]);
		CU_ASSERT_EQUAL(rt_op_kind_from_name(names[k - 1]), k);
	}
	CU_ASSERT_EQUAL(rt_op_kind_from_name("create_tables"), 0);
	CU_ASSERT_EQUAL(rt_op_kind_from_name(""), 0);
	CU_ASSERT_EQUAL(rt_op_kind_from_name(NULL), 0);
	CU_ASSERT_PTR_NULL(rt_op_kind_name((retort_op_kind)0));
	CU_ASSERT_PTR_NULL(rt_op_kind_name((retort_op_kind)21));
}

static void test_script__is_script_name(void)
{
	CU_ASSERT_EQUAL(rt_script_is_script_name("ae10_add.conf"), 1);
	CU_ASSERT_EQUAL(rt_script_is_script_name("ae10_add.sql"), 1);
	CU_ASSERT_EQUAL(rt_script_is_script_name("ae10_add.conf~"), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name("ae10_add.py"), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name(".hidden.conf"), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name("template.conf"), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name("template.sql"), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name("schema.conf"), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name("sql"), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name(""), 0);
	CU_ASSERT_EQUAL(rt_script_is_script_name(NULL), 0);
}

/* ---- .conf identity ---- */

static void test_script__conf_identity(void)
{
	rt_revision *rev = load_ok("ae10_add_email.conf",
				   "# a comment\n"
				   "revision      = \"ae1027a6acf0\";\n"
				   "down_revision = \"1975ea83b712\";\n"
				   "message       = \"add email to account\";\n"
				   "create_date   = \"2026-11-22 10:30:00\";\n"
				   "upgrade = ( { op = \"drop_table\"; table = \"x\"; } );\n",
				   0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_STRING_EQUAL(rev->id, "ae1027a6acf0");
	CU_ASSERT_EQUAL(rev->id_line, 2);
	CU_ASSERT_EQUAL_FATAL(rev->parents.n, 1);
	CU_ASSERT_STRING_EQUAL(rev->parents.v[0], "1975ea83b712");
	CU_ASSERT_EQUAL(rev->labels.n, 0);
	CU_ASSERT_EQUAL(rev->depends_on.n, 0);
	CU_ASSERT_STRING_EQUAL(rev->message, "add email to account");
	CU_ASSERT_STRING_EQUAL(rev->create_date, "2026-11-22 10:30:00");
	CU_ASSERT_STRING_EQUAL(rev->filename, "ae10_add_email.conf");
	CU_ASSERT_PTR_NOT_NULL(strstr(rev->path, "/versions/ae10_add_email.conf"));
	CU_ASSERT_EQUAL(rev->format, RETORT_FORMAT_CONF);
	CU_ASSERT_EQUAL(strlen(rev->checksum), 64);
	CU_ASSERT_EQUAL(rev->ops_loaded, 0);
	CU_ASSERT_PTR_NULL(rev->upgrade);

	/* ops on demand, once */
	CU_ASSERT_EQUAL_FATAL(rt_script_load_ops(rev), RETORT_OK);
	CU_ASSERT_EQUAL(rev->ops_loaded, 1);
	CU_ASSERT_EQUAL_FATAL(rev->nupgrade, 1);
	CU_ASSERT_EQUAL(rev->ndowngrade, 0);
	CU_ASSERT_EQUAL(rev->upgrade[0].kind, RETORT_OP_DROP_TABLE);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].table, "x");
	CU_ASSERT_EQUAL(rt_script_load_ops(rev), RETORT_OK);
	CU_ASSERT_EQUAL(rev->nupgrade, 1);
	rt_revision_free(rev);
}

static void test_script__conf_base_merge_labels_depends(void)
{
	rt_revision *rev = load_ok("base.conf", "revision = \"b1\";\nmessage = \"first\";\n", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->parents.n, 0);
	CU_ASSERT_PTR_NULL(rev->create_date);
	CU_ASSERT_EQUAL(rev->ops_loaded, 1);
	CU_ASSERT_EQUAL(rev->nupgrade, 0);
	CU_ASSERT_EQUAL(rev->ndowngrade, 0);
	rt_revision_free(rev);

	rev = load_ok("merge.conf",
		      "revision = \"m1\";\ndown_revision = [ \"a2\", \"b2\" ];\nbranch_labels = [ \"billing\", \"core\" ];\n"
		      "depends_on = \"x9\";\nupgrade = ();\ndowngrade = [];\n",
		      1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL_FATAL(rev->parents.n, 2);
	CU_ASSERT_STRING_EQUAL(rev->parents.v[0], "a2");
	CU_ASSERT_STRING_EQUAL(rev->parents.v[1], "b2");
	CU_ASSERT_EQUAL_FATAL(rev->labels.n, 2);
	CU_ASSERT_STRING_EQUAL(rev->labels.v[1], "core");
	CU_ASSERT_EQUAL_FATAL(rev->depends_on.n, 1);
	CU_ASSERT_STRING_EQUAL(rev->depends_on.v[0], "x9");
	CU_ASSERT_PTR_NULL(rev->message);
	rt_revision_free(rev);

	rev = load_ok("labels.conf", "revision = \"l1\";\nbranch_labels = \"solo\";\ndepends_on = [ \"a\", \"b\" ];\n", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL_FATAL(rev->labels.n, 1);
	CU_ASSERT_STRING_EQUAL(rev->labels.v[0], "solo");
	CU_ASSERT_EQUAL(rev->depends_on.n, 2);
	rt_revision_free(rev);
}

/* ---- .conf operations ---- */

static const char all_ops[] =
	"revision = \"r1\";\n"                                                                  /* 1 */
	"down_revision = \"r0\";\n"                                                             /* 2 */
	"upgrade = (\n"                                                                         /* 3 */
	"  { op = \"create_table\"; table = \"account\"; comment = \"people\";\n"              /* 4 */
	"    columns = (\n"                                                                     /* 5 */
	"      { name = \"id\"; type = \"bigint\"; primary_key = true; autoincrement = true; },\n" /* 6 */
	"      { name = \"email\"; type = \"varchar(255)\"; nullable = false; unique = true;\n"  /* 7 */
	"        server_default = \"''\"; comment = \"mail\"; },\n"                             /* 8 */
	"      { name = \"org_id\"; type = \"NUMERIC(12, 2)\"; },\n"                            /* 9 */
	"      { name = \"geo\"; type = \"geometry(Point, 4326)\"; }\n"                         /* 10 */
	"    );\n"                                                                              /* 11 */
	"    primary_key = { name = \"pk_account\"; columns = [ \"id\" ]; };\n"                 /* 12 */
	"    unique = ( { name = \"uq_a\"; columns = [ \"email\", \"org_id\" ]; }, { columns = [ \"geo\" ]; } );\n"
	"    foreign_keys = ( { name = \"fk_org\"; columns = [ \"org_id\" ]; references = \" org ( id ) \";\n"
	"                       on_delete = \"CASCADE\"; on_update = \"set null\"; },\n"       /* 15 */
	"                     { columns = [ \"a\", \"b\" ]; ref_table = \"t2\"; ref_columns = [ \"x\", \"y\" ]; } );\n"
	"    checks = ( { name = \"ck_pos\"; expression = \"id > 0\"; }, { expression = \"1 = 1\"; } ); },\n"
	"  { op = \"drop_table\"; table = \"old\"; dialect = \"postgresql\"; },\n"             /* 18 */
	"  { op = \"rename_table\"; table = \"a\"; new_name = \"b\"; },\n"                      /* 19 */
	"  { op = \"add_column\"; table = \"account\";\n"                                       /* 20 */
	"    column = { name = \"n\"; type = \"integer\"; nullable = true; }; },\n"             /* 21 */
	"  { op = \"drop_column\"; table = \"account\"; column = \"n\"; },\n"                   /* 22 */
	"  { op = \"alter_column\"; table = \"account\"; column = \"email\"; type = \"text\"; nullable = true;\n"
	"    server_default = \"'x'\"; new_name = \"mail\"; comment = \"\"; existing_type = \"varchar(255)\";\n"
	"    existing_nullable = false; existing_server_default = \"''\"; existing_comment = \"mail\"; },\n"
	"  { op = \"alter_column\"; table = \"t\"; column = \"c\"; drop_server_default = true; },\n" /* 26 */
	"  { op = \"create_index\"; name = \"ix_e\"; table = \"account\"; columns = [ \"email\" ]; unique = true;\n"
	"    where = \"email IS NOT NULL\"; concurrently = true; },\n"                          /* 28 */
	"  { op = \"drop_index\"; name = \"ix_old\"; },\n"                                      /* 29 */
	"  { op = \"create_unique_constraint\"; name = \"uq_x\"; table = \"t\"; columns = [ \"a\", \"b\" ]; },\n"
	"  { op = \"create_foreign_key\"; name = \"fk_x\"; table = \"t\"; columns = [ \"o\" ]; references = \"org(id)\";\n"
	"    on_delete = \"restrict\"; },\n"                                                    /* 32 */
	"  { op = \"create_check_constraint\"; name = \"ck_x\"; table = \"t\"; expression = \"a < b\"; },\n"
	"  { op = \"create_primary_key\"; name = \"pk_t\"; table = \"t\"; columns = [ \"id\" ]; },\n"
	"  { op = \"drop_constraint\"; name = \"fk_x\"; table = \"t\"; type = \"foreignkey\"; },\n"
	"  { op = \"bulk_insert\"; table = \"t\"; rows = (\n"                                   /* 36 */
	"      { id = 1; name = \"a\"; },\n"                                                    /* 37 */
	"      { id = 9000000000L; ratio = 0.1; active = false; },\n"                           /* 38 */
	"      { name = \"c\"; active = true; ratio = -2.5; }\n"                                 /* 39 */
	"  ); },\n"                                                                             /* 40 */
	"  { op = \"execute\"; sql = \"UPDATE t SET a = 1\"; }\n"                               /* 41 */
	");\n"                                                                                  /* 42 */
	"downgrade = (\n"                                                                       /* 43 */
	"  { op = \"drop_constraint\"; name = \"uq\"; table = \"t\"; }\n"                      /* 44 */
	");\n";

static void test_script__conf_every_op(void)
{
	const retort_op *op;
	rt_revision *rev = load_ok("r1_all.conf", all_ops, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->ops_loaded, 1);
	CU_ASSERT_EQUAL_FATAL(rev->nupgrade, 16);
	CU_ASSERT_EQUAL_FATAL(rev->ndowngrade, 1);

	/* create_table */
	op = &rev->upgrade[0];
	CU_ASSERT_EQUAL(op->size, sizeof(retort_op));
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_TABLE);
	CU_ASSERT_EQUAL(op->line, 4);
	CU_ASSERT_PTR_EQUAL(op->file, rev->path);
	CU_ASSERT_PTR_NULL(op->dialect);
	CU_ASSERT_STRING_EQUAL(op->table, "account");
	CU_ASSERT_STRING_EQUAL(op->comment, "people");
	CU_ASSERT_EQUAL_FATAL(op->ncolumns, 4);
	CU_ASSERT_EQUAL(op->columns[0].size, sizeof(retort_column));
	CU_ASSERT_STRING_EQUAL(op->columns[0].name, "id");
	CU_ASSERT_STRING_EQUAL(op->columns[0].type, "bigint");
	CU_ASSERT_EQUAL(op->columns[0].primary_key, 1);
	CU_ASSERT_EQUAL(op->columns[0].autoincrement, 1);
	CU_ASSERT_EQUAL(op->columns[0].nullable, RETORT_UNSET);
	CU_ASSERT_EQUAL(op->columns[0].unique, 0);
	CU_ASSERT_PTR_NULL(op->columns[0].server_default);
	CU_ASSERT_STRING_EQUAL(op->columns[1].type, "varchar(255)");
	CU_ASSERT_EQUAL(op->columns[1].nullable, 0);
	CU_ASSERT_EQUAL(op->columns[1].unique, 1);
	CU_ASSERT_EQUAL(op->columns[1].primary_key, 0);
	CU_ASSERT_STRING_EQUAL(op->columns[1].server_default, "''");
	CU_ASSERT_STRING_EQUAL(op->columns[1].comment, "mail");
	CU_ASSERT_STRING_EQUAL(op->columns[2].type, "NUMERIC(12, 2)");
	CU_ASSERT_STRING_EQUAL(op->columns[3].type, "geometry(Point, 4326)");
	CU_ASSERT_PTR_NOT_NULL_FATAL(op->primary_key);
	CU_ASSERT_STRING_EQUAL(op->primary_key->name, "pk_account");
	CU_ASSERT_EQUAL_FATAL(op->primary_key->ncolumns, 1);
	CU_ASSERT_STRING_EQUAL(op->primary_key->columns[0], "id");
	CU_ASSERT_EQUAL_FATAL(op->nuniques, 2);
	CU_ASSERT_STRING_EQUAL(op->uniques[0].name, "uq_a");
	CU_ASSERT_EQUAL_FATAL(op->uniques[0].ncolumns, 2);
	CU_ASSERT_STRING_EQUAL(op->uniques[0].columns[1], "org_id");
	CU_ASSERT_PTR_NULL(op->uniques[1].name);
	CU_ASSERT_EQUAL_FATAL(op->nforeign_keys, 2);
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].name, "fk_org");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].ref_table, "org");
	CU_ASSERT_EQUAL_FATAL(op->foreign_keys[0].nref_columns, 1);
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].ref_columns[0], "id");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].columns[0], "org_id");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].on_delete, "cascade");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].on_update, "set null");
	CU_ASSERT_PTR_NULL(op->foreign_keys[1].name);
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[1].ref_table, "t2");
	CU_ASSERT_EQUAL_FATAL(op->foreign_keys[1].nref_columns, 2);
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[1].ref_columns[1], "y");
	CU_ASSERT_PTR_NULL(op->foreign_keys[1].on_delete);
	CU_ASSERT_EQUAL_FATAL(op->nchecks, 2);
	CU_ASSERT_STRING_EQUAL(op->checks[0].name, "ck_pos");
	CU_ASSERT_STRING_EQUAL(op->checks[0].expression, "id > 0");
	CU_ASSERT_PTR_NULL(op->checks[1].name);

	op = &rev->upgrade[1];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_DROP_TABLE);
	CU_ASSERT_STRING_EQUAL(op->table, "old");
	CU_ASSERT_STRING_EQUAL(op->dialect, "postgresql");
	CU_ASSERT_EQUAL(op->line, 18);

	op = &rev->upgrade[2];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_RENAME_TABLE);
	CU_ASSERT_STRING_EQUAL(op->table, "a");
	CU_ASSERT_STRING_EQUAL(op->new_name, "b");

	op = &rev->upgrade[3];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_ADD_COLUMN);
	CU_ASSERT_STRING_EQUAL(op->table, "account");
	CU_ASSERT_EQUAL_FATAL(op->ncolumns, 1);
	CU_ASSERT_STRING_EQUAL(op->columns[0].name, "n");
	CU_ASSERT_STRING_EQUAL(op->columns[0].type, "integer");
	CU_ASSERT_EQUAL(op->columns[0].nullable, 1);
	CU_ASSERT_EQUAL(op->line, 20);

	op = &rev->upgrade[4];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_DROP_COLUMN);
	CU_ASSERT_STRING_EQUAL(op->column, "n");

	op = &rev->upgrade[5];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_ALTER_COLUMN);
	CU_ASSERT_STRING_EQUAL(op->table, "account");
	CU_ASSERT_STRING_EQUAL(op->column, "email");
	CU_ASSERT_STRING_EQUAL(op->type, "text");
	CU_ASSERT_EQUAL(op->nullable, 1);
	CU_ASSERT_EQUAL(op->set_server_default, 1);
	CU_ASSERT_STRING_EQUAL(op->server_default, "'x'");
	CU_ASSERT_STRING_EQUAL(op->new_name, "mail");
	CU_ASSERT_STRING_EQUAL(op->comment, "");
	CU_ASSERT_STRING_EQUAL(op->existing_type, "varchar(255)");
	CU_ASSERT_EQUAL(op->existing_nullable, 0);
	CU_ASSERT_STRING_EQUAL(op->existing_server_default, "''");
	CU_ASSERT_STRING_EQUAL(op->existing_comment, "mail");

	op = &rev->upgrade[6];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_ALTER_COLUMN);
	CU_ASSERT_EQUAL(op->set_server_default, 1);
	CU_ASSERT_PTR_NULL(op->server_default);
	CU_ASSERT_EQUAL(op->nullable, RETORT_UNSET);
	CU_ASSERT_EQUAL(op->existing_nullable, RETORT_UNSET);
	CU_ASSERT_PTR_NULL(op->type);
	CU_ASSERT_PTR_NULL(op->comment);

	op = &rev->upgrade[7];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_INDEX);
	CU_ASSERT_STRING_EQUAL(op->name, "ix_e");
	CU_ASSERT_STRING_EQUAL(op->table, "account");
	CU_ASSERT_EQUAL_FATAL(op->ncolumn_names, 1);
	CU_ASSERT_STRING_EQUAL(op->column_names[0], "email");
	CU_ASSERT_EQUAL(op->unique, 1);
	CU_ASSERT_EQUAL(op->concurrently, 1);
	CU_ASSERT_STRING_EQUAL(op->where, "email IS NOT NULL");

	op = &rev->upgrade[8];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_DROP_INDEX);
	CU_ASSERT_STRING_EQUAL(op->name, "ix_old");
	CU_ASSERT_PTR_NULL(op->table);

	op = &rev->upgrade[9];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
	CU_ASSERT_STRING_EQUAL(op->name, "uq_x");
	CU_ASSERT_EQUAL_FATAL(op->ncolumn_names, 2);
	CU_ASSERT_STRING_EQUAL(op->column_names[1], "b");

	op = &rev->upgrade[10];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_FOREIGN_KEY);
	CU_ASSERT_STRING_EQUAL(op->table, "t");
	CU_ASSERT_STRING_EQUAL(op->name, "fk_x");
	CU_ASSERT_EQUAL_FATAL(op->nforeign_keys, 1);
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].name, "fk_x");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].columns[0], "o");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].ref_table, "org");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].ref_columns[0], "id");
	CU_ASSERT_STRING_EQUAL(op->foreign_keys[0].on_delete, "restrict");
	CU_ASSERT_PTR_NULL(op->foreign_keys[0].on_update);

	op = &rev->upgrade[11];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_CHECK_CONSTRAINT);
	CU_ASSERT_STRING_EQUAL(op->name, "ck_x");
	CU_ASSERT_STRING_EQUAL(op->expression, "a < b");

	op = &rev->upgrade[12];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_PRIMARY_KEY);
	CU_ASSERT_STRING_EQUAL(op->name, "pk_t");
	CU_ASSERT_STRING_EQUAL(op->column_names[0], "id");

	op = &rev->upgrade[13];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_DROP_CONSTRAINT);
	CU_ASSERT_STRING_EQUAL(op->constraint_type, "foreignkey");

	op = &rev->upgrade[14];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_BULK_INSERT);
	CU_ASSERT_EQUAL(op->line, 36);
	CU_ASSERT_EQUAL_FATAL(op->ncolumn_names, 4);
	CU_ASSERT_STRING_EQUAL(op->column_names[0], "id");
	CU_ASSERT_STRING_EQUAL(op->column_names[1], "name");
	CU_ASSERT_STRING_EQUAL(op->column_names[2], "ratio");
	CU_ASSERT_STRING_EQUAL(op->column_names[3], "active");
	CU_ASSERT_EQUAL_FATAL(op->nrows, 3);
	/* row 0: id=1 name="a" ratio=NULL active=NULL */
	CU_ASSERT_EQUAL(op->rows[0].type, RETORT_VALUE_INT);
	CU_ASSERT_STRING_EQUAL(op->rows[0].text, "1");
	CU_ASSERT_EQUAL(op->rows[1].type, RETORT_VALUE_STRING);
	CU_ASSERT_STRING_EQUAL(op->rows[1].text, "a");
	CU_ASSERT_EQUAL(op->rows[2].type, RETORT_VALUE_NULL);
	CU_ASSERT_PTR_NULL(op->rows[2].text);
	CU_ASSERT_EQUAL(op->rows[3].type, RETORT_VALUE_NULL);
	/* row 1: id=9000000000 name=NULL ratio=0.1 active=false */
	CU_ASSERT_EQUAL(op->rows[4].type, RETORT_VALUE_INT);
	CU_ASSERT_STRING_EQUAL(op->rows[4].text, "9000000000");
	CU_ASSERT_EQUAL(op->rows[5].type, RETORT_VALUE_NULL);
	CU_ASSERT_EQUAL(op->rows[6].type, RETORT_VALUE_FLOAT);
	CU_ASSERT_STRING_EQUAL(op->rows[6].text, "0.1");
	CU_ASSERT_EQUAL(op->rows[7].type, RETORT_VALUE_BOOL);
	CU_ASSERT_STRING_EQUAL(op->rows[7].text, "0");
	/* row 2: id=NULL name="c" ratio=-2.5 active=true */
	CU_ASSERT_EQUAL(op->rows[8].type, RETORT_VALUE_NULL);
	CU_ASSERT_STRING_EQUAL(op->rows[9].text, "c");
	CU_ASSERT_STRING_EQUAL(op->rows[10].text, "-2.5");
	CU_ASSERT_STRING_EQUAL(op->rows[11].text, "1");

	op = &rev->upgrade[15];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_EXECUTE);
	CU_ASSERT_STRING_EQUAL(op->sql, "UPDATE t SET a = 1");
	CU_ASSERT_EQUAL(op->line, 41);

	op = &rev->downgrade[0];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_DROP_CONSTRAINT);
	CU_ASSERT_PTR_NULL(op->constraint_type);
	CU_ASSERT_EQUAL(op->line, 44);
	rt_revision_free(rev);
}

/* Every upgrade op is the one above; keep the count honest. */
static void test_script__conf_ops_match_header_only_then_load(void)
{
	rt_revision *rev = load_ok("r1_all2.conf", all_ops, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->ops_loaded, 0);
	CU_ASSERT_EQUAL_FATAL(rt_script_load_ops(rev), RETORT_OK);
	CU_ASSERT_EQUAL(rev->nupgrade, 16);
	CU_ASSERT_EQUAL(rev->upgrade[15].kind, RETORT_OP_EXECUTE);
	rt_revision_free(rev);
}

/*
 * Header-only loading reads the identity with its own scanner; it must
 * agree with libconfig (used when the ops are loaded) on every file.
 */
static void same_identity(const char *name, const char *text)
{
	rt_revision *a = load_ok(name, text, 0), *b = load_ok(name, text, 1);
	size_t i;
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_EQUAL(a->id, b->id);
	CU_ASSERT_EQUAL(a->id_line, b->id_line);
	CU_ASSERT_EQUAL(a->message == NULL, b->message == NULL);
	if (a->message && b->message)
		CU_ASSERT_STRING_EQUAL(a->message, b->message);
	CU_ASSERT_EQUAL(a->create_date == NULL, b->create_date == NULL);
	CU_ASSERT_EQUAL_FATAL(a->parents.n, b->parents.n);
	for (i = 0; i < a->parents.n; i++)
		CU_ASSERT_STRING_EQUAL(a->parents.v[i], b->parents.v[i]);
	CU_ASSERT_EQUAL_FATAL(a->labels.n, b->labels.n);
	for (i = 0; i < a->labels.n; i++)
		CU_ASSERT_STRING_EQUAL(a->labels.v[i], b->labels.v[i]);
	CU_ASSERT_EQUAL_FATAL(a->depends_on.n, b->depends_on.n);
	for (i = 0; i < a->depends_on.n; i++)
		CU_ASSERT_STRING_EQUAL(a->depends_on.v[i], b->depends_on.v[i]);
	rt_revision_free(a);
	rt_revision_free(b);
}

static void test_script__conf_header_scanner_agrees(void)
{
	rt_revision *rev;
	same_identity("f1.conf", all_ops);
	same_identity("f2.conf", "# c1\n// c2\n/* c3\n */ revision : \"a\" /* x */ \"b\" # y\n\n,\n"
				 "message = \"tab\\there \\\"q\\\" \\x41 back\\\\ \" \"more\";\n"
				 "down_revision = ( \"p1\" , \"p2\" )\n"
				 "upgrade = ( { op = \"execute\"; sql = \"SELECT ')' /* ( */, \\\"[\\\" -- (\"; },\n"
				 "  { op = \"execute\"; sql = \"x\"; # ) ] }\n } );\n"
				 "branch_labels = [];\ndepends_on = \"d\";\ncreate_date = \"2026\";\n"
				 "downgrade = [];\n");
	same_identity("f3.conf", "\n\nrevision = \"a\";\ndown_revision = [ \"x\", \"y\" ];\n");
	/* libconfig-only syntax: the scanner gives up, libconfig reads it */
	same_identity("f4.conf", "revision = \"a\";\nmessage = \"odd \\q escape\";\n");
	rev = load_ok("f3.conf", "\n\nrevision = \"a\";\ndown_revision = [ \"x\", \"y\" ];\n", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->id_line, 3);
	CU_ASSERT_STRING_EQUAL(rev->parents.v[1], "y");
	rt_revision_free(rev);
	rev = load_ok("f2.conf", "revision = \"a\" \"b\"; message = \"t\\tq\\x41\";", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_STRING_EQUAL(rev->id, "ab");
	CU_ASSERT_STRING_EQUAL(rev->message, "t\tqA");
	rt_revision_free(rev);
}

/* ---- .conf errors ---- */

#define HDR "revision = \"ab\";\n"

static void test_script__conf_identity_errors(void)
{
	load_fails_both("e1.conf", "message = \"no id\";\n", "e1.conf: no revision id");
	load_fails_both("e2.conf", HDR "down_revison = \"x\";\n", "e2.conf:2: unknown key 'down_revison'");
	load_fails_both("e3.conf", HDR "down_revision = 5;\n", "e3.conf:2: 'down_revision' must be a string or an array");
	load_fails_both("e4.conf", HDR "branch_labels = [ \"a b\" ];\n", "e4.conf:2: 'branch_labels' must not be empty");
	load_fails_both("e5.conf", "revision = \"\";\n", "e5.conf:1: 'revision' must not be empty");
	load_fails_both("e6.conf", HDR "message = true;\n", "e6.conf:2: 'message' must be a string");
	load_fails_both("e7.conf", HDR "\nupgrade = \"drop everything\";\n", "e7.conf:3: 'upgrade' must be a list");
	load_fails_both("e8.conf", HDR "message = ;\n", "e8.conf:2: syntax error");
	load_fails_both("e9.conf", HDR "  @include \"other.conf\"\n", "e9.conf:2: @include is not allowed");
	load_fails_both("e10.conf", HDR "revision = \"cd\";\n", "e10.conf:2: duplicate setting name");
}

static void test_script__conf_op_errors(void)
{
	load_fails("ab_x.conf",
		   HDR "upgrade = (\n"
		       "  { op = \"drop_table\"; table = \"a\"; },\n"
		       "  { op = \"drop_table\"; table = \"b\"; },\n"
		       "  { op = \"create_index\"; name = \"ix\";\n"
		       "    columns = [ \"a\" ]; }\n"
		       ");\n",
		   "ab_x.conf:5: upgrade[2] (create_index): missing required key 'table'");
	load_fails("o1.conf", HDR "upgrade = ( { op = \"drop_tabel\"; table = \"a\"; } );\n",
		   "o1.conf:2: upgrade[0]: unknown operation 'drop_tabel'");
	load_fails("o2.conf", HDR "upgrade = ( { table = \"a\"; } );\n", "o2.conf:2: upgrade[0]: missing required key 'op'");
	load_fails("o3.conf", HDR "downgrade = ( { op = \"drop_table\"; table = \"a\";\n  tabel = \"b\"; } );\n",
		   "o3.conf:3: downgrade[0] (drop_table): unknown key 'tabel'");
	load_fails("o4.conf", HDR "upgrade = ( { op = \"drop_table\"; table = 5; } );\n",
		   "o4.conf:2: upgrade[0] (drop_table): 'table' must be a string");
	load_fails("o5.conf", HDR "upgrade = ( { op = \"drop_table\"; table = \"\"; } );\n",
		   "o5.conf:2: upgrade[0] (drop_table): 'table' must not be empty");
	load_fails("o6.conf", HDR "upgrade = ( \"drop_table\" );\n", "o6.conf:2: upgrade[0]: an operation must be a group");
	load_fails("o7.conf",
		   HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"c\"; existing_type = \"text\"; } );\n",
		   "o7.conf:2: upgrade[0] (alter_column): nothing to change");
	load_fails("o8.conf",
		   HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"c\"; drop_server_default = false; } );\n",
		   "upgrade[0] (alter_column): nothing to change");
	load_fails("o9.conf", HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"c\"; server_default = \"\"; } );\n",
		   "o9.conf:2: upgrade[0] (alter_column): 'server_default' must not be empty");
	load_fails("o10.conf",
		   HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"c\"; server_default = \"1\";\n"
		       "  drop_server_default = true; } );\n",
		   "o10.conf:3: upgrade[0] (alter_column): 'server_default' and 'drop_server_default' cannot both");
	load_fails("o11.conf", HDR "upgrade = ( { op = \"create_index\"; name = \"i\"; table = \"t\"; columns = []; } );\n",
		   "o11.conf:2: upgrade[0] (create_index): 'columns' must not be empty");
	load_fails("o12.conf", HDR "upgrade = ( { op = \"create_index\"; name = \"i\"; table = \"t\"; columns = \"a\"; } );\n",
		   "upgrade[0] (create_index): 'columns' must be an array of strings");
	load_fails("o13.conf", HDR "upgrade = ( { op = \"create_index\"; name = \"i\"; table = \"t\"; columns = [\"a\"];\n"
				   "  unique = \"yes\"; } );\n",
		   "o13.conf:3: upgrade[0] (create_index): 'unique' must be true or false");
	load_fails("o14.conf", HDR "upgrade = ( { op = \"drop_constraint\"; name = \"c\"; table = \"t\"; type = \"fk\"; } );\n",
		   "o14.conf:2: upgrade[0] (drop_constraint): 'type' must be one of");
	load_fails("o15.conf", HDR "upgrade = ( { op = \"execute\"; } );\n",
		   "o15.conf:2: upgrade[0] (execute): missing required key 'sql'");
	load_fails("o16.conf", HDR "upgrade = ( { op = \"execute\"; sql = \"x\"; dialect = 1; } );\n",
		   "o16.conf:2: upgrade[0] (execute): 'dialect' must be a string");
}

/* create_enum, drop_enum and create_index on an expression */
static void test_script__conf_enums_and_expression_indexes(void)
{
	rt_revision *rev = load_ok("en_ok.conf",
				   HDR "upgrade = (\n"
				       "  { op = \"create_enum\"; name = \"mood\"; values = [ \"sad\", \"ok\", \"happy\" ]; },\n"
				       "  { op = \"create_index\"; name = \"ix_lower\"; table = \"t\"; expression = \"lower(email), id\";\n"
				       "    unique = true; where = \"id > 0\"; }\n"
				       ");\n"
				       "downgrade = ( { op = \"drop_index\"; name = \"ix_lower\"; }, { op = \"drop_enum\"; name = \"mood\"; } );\n",
				   1);
	const retort_op *op;
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL_FATAL(rev->nupgrade, 2);
	op = &rev->upgrade[0];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_ENUM);
	CU_ASSERT_STRING_EQUAL(op->name, "mood");
	CU_ASSERT_EQUAL_FATAL(op->ncolumn_names, 3);
	CU_ASSERT_STRING_EQUAL(op->column_names[0], "sad");
	CU_ASSERT_STRING_EQUAL(op->column_names[2], "happy");
	CU_ASSERT_EQUAL(op->line, 3);
	op = &rev->upgrade[1];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_CREATE_INDEX);
	CU_ASSERT_STRING_EQUAL(op->expression, "lower(email), id");
	CU_ASSERT_PTR_NULL(op->column_names);
	CU_ASSERT_EQUAL(op->ncolumn_names, 0);
	CU_ASSERT_EQUAL(op->unique, 1);
	CU_ASSERT_STRING_EQUAL(op->where, "id > 0");
	CU_ASSERT_EQUAL_FATAL(rev->ndowngrade, 2);
	CU_ASSERT_EQUAL(rev->downgrade[1].kind, RETORT_OP_DROP_ENUM);
	CU_ASSERT_STRING_EQUAL(rev->downgrade[1].name, "mood");
	rt_revision_free(rev);

	/* references with quoted names, as schema dump writes them */
	rev = load_ok("fkq.conf",
		      HDR "upgrade = ( { op = \"create_foreign_key\"; name = \"fk\"; table = \"t\"; columns = [ \"a\", \"b\" ];\n"
			  "  references = \"\\\"my t\\\"(\\\"a\\\"\\\"b\\\", c)\"; } );\n",
		      1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].foreign_keys[0].ref_table, "my t");
	CU_ASSERT_EQUAL_FATAL(rev->upgrade[0].foreign_keys[0].nref_columns, 2);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].foreign_keys[0].ref_columns[0], "a\"b");
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].foreign_keys[0].ref_columns[1], "c");
	rt_revision_free(rev);

	load_fails("en1.conf", HDR "upgrade = (\n  { op = \"create_enum\"; values = [ \"a\" ]; }\n);\n",
		   "en1.conf:3: upgrade[0] (create_enum): missing required key 'name'");
	load_fails("en2.conf", HDR "upgrade = (\n  { op = \"create_enum\"; name = \"m\"; }\n);\n",
		   "en2.conf:3: upgrade[0] (create_enum): missing required key 'values'");
	load_fails("en3.conf", HDR "upgrade = (\n  { op = \"create_enum\"; name = \"m\"; values = [ ]; }\n);\n",
		   "en3.conf:3: upgrade[0] (create_enum): 'values' must not be empty");
	load_fails("en4.conf", HDR "upgrade = (\n  { op = \"create_enum\"; name = \"m\";\n    values = [ \"a\",\n \"b\", \"a\" ]; }\n);\n",
		   "en4.conf:5: upgrade[0] (create_enum): 'values' has 'a' twice");
	load_fails("en5.conf", HDR "upgrade = (\n  { op = \"create_enum\"; name = \"m\"; values = [ 1 ]; }\n);\n",
		   "(create_enum): 'values' must be an array of strings");
	load_fails("en6.conf", HDR "upgrade = (\n  { op = \"drop_enum\"; name = \"m\"; values = [ \"a\" ]; }\n);\n",
		   "en6.conf:3: upgrade[0] (drop_enum): unknown key 'values'");
	load_fails("en7.conf", HDR "upgrade = (\n  { op = \"drop_enum\"; }\n);\n",
		   "en7.conf:3: upgrade[0] (drop_enum): missing required key 'name'");
	load_fails("ix1.conf",
		   HDR "upgrade = (\n  { op = \"create_index\"; name = \"i\"; table = \"t\"; columns = [ \"a\" ];\n"
		       "    expression = \"lower(a)\"; }\n);\n",
		   "ix1.conf:4: upgrade[0] (create_index): give either 'columns' or 'expression', not both");
	load_fails("ix2.conf", HDR "upgrade = (\n  { op = \"create_index\"; name = \"i\"; table = \"t\"; }\n);\n",
		   "ix2.conf:3: upgrade[0] (create_index): missing required key 'columns' (or 'expression'");
	load_fails("ix3.conf",
		   HDR "upgrade = (\n  { op = \"create_index\"; table = \"t\";\n expression = \"lower(a)\"; }\n);\n",
		   "ix3.conf:4: upgrade[0] (create_index): an index on an expression needs a name");
	load_fails("ix4.conf",
		   HDR "upgrade = (\n  { op = \"create_index\"; name = \"i\"; table = \"t\"; expression = \"\"; }\n);\n",
		   "ix4.conf:3: upgrade[0] (create_index): 'expression' must not be empty");
}

/* add_enum_value, alter_enum, and alter_column's autoincrement: what retort_op cannot carry is in upgrade_more */
static void test_script__conf_enum_values_and_autoincrement(void)
{
	rt_revision *rev = load_ok("ev_ok.conf",
				   HDR "upgrade = (\n"
				       "  { op = \"add_enum_value\"; name = \"mood\"; value = \"meh\"; after = \"sad\"; },\n"
				       "  { op = \"add_enum_value\"; name = \"mood\"; value = \"awful\"; before = \"sad\"; },\n"
				       "  { op = \"add_enum_value\"; name = \"mood\"; value = \"great\"; },\n"
				       "  { op = \"alter_column\"; table = \"t\"; column = \"id\"; autoincrement = true;\n"
				       "    existing_autoincrement = false; },\n"
				       "  { op = \"drop_table\"; table = \"u\"; }\n"
				       ");\n"
				       "downgrade = ( { op = \"alter_enum\"; name = \"mood\"; values = [ \"sad\", \"ok\" ]; } );\n",
				   1);
	const retort_op *op;
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL_FATAL(rev->nupgrade, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev->upgrade_more);
	op = &rev->upgrade[0];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_ADD_ENUM_VALUE);
	CU_ASSERT_STRING_EQUAL(op->name, "mood");
	CU_ASSERT_EQUAL_FATAL(op->ncolumn_names, 1);
	CU_ASSERT_STRING_EQUAL(op->column_names[0], "meh");
	CU_ASSERT_EQUAL(rev->upgrade_more[0].size, sizeof(retort_op_more));
	CU_ASSERT_STRING_EQUAL(rev->upgrade_more[0].after, "sad");
	CU_ASSERT_PTR_NULL(rev->upgrade_more[0].before);
	CU_ASSERT_STRING_EQUAL(rev->upgrade_more[1].before, "sad");
	CU_ASSERT_PTR_NULL(rev->upgrade_more[2].before);
	CU_ASSERT_PTR_NULL(rev->upgrade_more[2].after);
	op = &rev->upgrade[3];
	CU_ASSERT_EQUAL(op->kind, RETORT_OP_ALTER_COLUMN);
	CU_ASSERT_EQUAL(rev->upgrade_more[3].size, sizeof(retort_op_more));
	CU_ASSERT_EQUAL(rev->upgrade_more[3].autoincrement, 1);
	CU_ASSERT_EQUAL(rev->upgrade_more[3].existing_autoincrement, 0);
	CU_ASSERT_EQUAL(rev->upgrade_more[4].size, 0); /* drop_table carries nothing more */
	CU_ASSERT_EQUAL_FATAL(rev->ndowngrade, 1);
	CU_ASSERT_EQUAL(rev->downgrade[0].kind, RETORT_OP_ALTER_ENUM);
	CU_ASSERT_EQUAL_FATAL(rev->downgrade[0].ncolumn_names, 2);
	CU_ASSERT_STRING_EQUAL(rev->downgrade[0].column_names[1], "ok");
	CU_ASSERT_PTR_NULL(rev->downgrade_more); /* no op of the downgrade has any */
	rt_revision_free(rev);

	/* autoincrement alone is a change; off is one too */
	rev = load_ok("ai_off.conf", HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"id\"; autoincrement = false; } );\n", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev->upgrade_more);
	CU_ASSERT_EQUAL(rev->upgrade_more[0].autoincrement, 0);
	CU_ASSERT_EQUAL(rev->upgrade_more[0].existing_autoincrement, RETORT_UNSET);
	rt_revision_free(rev);

	load_fails("ai1.conf",
		   HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"id\";\n  autoincrement = \"yes\"; } );\n",
		   "ai1.conf:3: upgrade[0] (alter_column): 'autoincrement' must be true or false");
	load_fails("ai2.conf",
		   HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"id\"; type = \"bigint\";\n"
		       "  existing_autoincrement = 1; } );\n",
		   "ai2.conf:3: upgrade[0] (alter_column): 'existing_autoincrement' must be true or false");
	load_fails("ai3.conf",
		   HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"id\"; existing_autoincrement = true; } );\n",
		   "ai3.conf:2: upgrade[0] (alter_column): nothing to change");
	load_fails("ev1.conf", HDR "upgrade = (\n  { op = \"add_enum_value\"; name = \"m\"; }\n);\n",
		   "ev1.conf:3: upgrade[0] (add_enum_value): missing required key 'value'");
	load_fails("ev2.conf",
		   HDR "upgrade = (\n  { op = \"add_enum_value\"; name = \"m\"; value = \"a\"; before = \"b\";\n    after = \"c\"; }\n);\n",
		   "ev2.conf:4: upgrade[0] (add_enum_value): give either 'before' or 'after', not both");
	load_fails("ev3.conf", HDR "upgrade = (\n  { op = \"add_enum_value\"; name = \"m\"; value = \"a\"; after = \"a\"; }\n);\n",
		   "ev3.conf:3: upgrade[0] (add_enum_value): 'after' is the value added");
	load_fails("ev4.conf", HDR "upgrade = (\n  { op = \"add_enum_value\"; name = \"m\"; value = \"a\"; values = [ \"a\" ]; }\n);\n",
		   "ev4.conf:3: upgrade[0] (add_enum_value): unknown key 'values'");
	load_fails("ev5.conf", HDR "upgrade = (\n  { op = \"alter_enum\"; name = \"m\"; values = [ \"a\", \"a\" ]; }\n);\n",
		   "ev5.conf:3: upgrade[0] (alter_enum): 'values' has 'a' twice");
	load_fails("ev6.conf", HDR "upgrade = (\n  { op = \"alter_enum\"; name = \"m\"; }\n);\n",
		   "ev6.conf:3: upgrade[0] (alter_enum): missing required key 'values'");
}

static void test_script__conf_nested_errors(void)
{
	load_fails("n1.conf",
		   HDR "upgrade = ( { op = \"create_table\"; table = \"t\";\n"
		       "  columns = ( { name = \"a\"; type = \"integer\"; },\n"
		       "              { name = \"b\"; typ = \"integer\"; } ); } );\n",
		   "n1.conf:4: upgrade[0] (create_table): columns[1]: unknown key 'typ'");
	load_fails("n2.conf",
		   HDR "upgrade = ( { op = \"create_table\"; table = \"t\";\n"
		       "  columns = ( { name = \"a\"; } ); } );\n",
		   "n2.conf:3: upgrade[0] (create_table): columns[0]: missing required key 'type'");
	load_fails("n3.conf", HDR "upgrade = ( { op = \"create_table\"; table = \"t\"; } );\n",
		   "n3.conf:2: upgrade[0] (create_table): missing required key 'columns'");
	load_fails("n4.conf",
		   HDR "upgrade = ( { op = \"create_table\"; table = \"t\";\n"
		       "  columns = ( { name = \"a\"; type = \"text\"; }, { name = \"a\"; type = \"text\"; } ); } );\n",
		   "n4.conf:3: upgrade[0] (create_table): columns[1]: duplicate column 'a'");
	load_fails("n5.conf",
		   HDR "upgrade = ( { op = \"create_table\"; table = \"t\"; columns = ( { name = \"a\"; type = \"text\"; } );\n"
		       "  foreign_keys = ( { columns = [ \"a\" ]; references = \"org\"; } ); } );\n",
		   "n5.conf:3: upgrade[0] (create_table): foreign_keys[0]: 'references' must look like");
	load_fails("n6.conf",
		   HDR "upgrade = ( { op = \"create_foreign_key\"; name = \"fk\"; table = \"t\"; columns = [ \"a\", \"b\" ];\n"
		       "  references = \"org(id)\"; } );\n",
		   "n6.conf:3: upgrade[0] (create_foreign_key): foreign key has 2 column(s) but references 1");
	load_fails("n7.conf",
		   HDR "upgrade = ( { op = \"create_foreign_key\"; name = \"fk\"; table = \"t\"; columns = [ \"a\" ]; } );\n",
		   "n7.conf:2: upgrade[0] (create_foreign_key): missing required key 'references'");
	load_fails("n8.conf",
		   HDR "upgrade = ( { op = \"create_foreign_key\"; name = \"fk\"; table = \"t\"; columns = [ \"a\" ];\n"
		       "  references = \"o(id)\"; on_delete = \"explode\"; } );\n",
		   "n8.conf:3: upgrade[0] (create_foreign_key): 'on_delete' must be one of");
	load_fails("n9.conf",
		   HDR "upgrade = ( { op = \"create_foreign_key\"; name = \"fk\"; table = \"t\"; columns = [ \"a\" ];\n"
		       "  references = \"o(id)\"; ref_table = \"o\"; } );\n",
		   "n9.conf:3: upgrade[0] (create_foreign_key): give either 'references' or");
	load_fails("n10.conf",
		   HDR "upgrade = ( { op = \"add_column\"; table = \"t\"; column = \"c\"; } );\n",
		   "n10.conf:2: upgrade[0] (add_column): 'column' must be a group");
	load_fails("n11.conf",
		   HDR "upgrade = ( { op = \"bulk_insert\"; table = \"t\"; rows = ( { a = 1; },\n"
		       "  { a = [ 1, 2 ]; } ); } );\n",
		   "n11.conf:3: upgrade[0] (bulk_insert): rows[1]: value of 'a' must be a number");
	load_fails("n12.conf", HDR "upgrade = ( { op = \"bulk_insert\"; table = \"t\"; rows = (); } );\n",
		   "n12.conf:2: upgrade[0] (bulk_insert): 'rows' must not be empty");
	load_fails("n13.conf",
		   HDR "upgrade = ( { op = \"create_table\"; table = \"t\"; columns = ( { name = \"a\"; type = \"text\"; } );\n"
		       "  checks = ( { name = \"c\"; } ); } );\n",
		   "n13.conf:3: upgrade[0] (create_table): checks[0]: missing required key 'expression'");
	load_fails("n14.conf",
		   HDR "upgrade = ( { op = \"create_table\"; table = \"t\"; columns = ( { name = \"a\"; type = \"text\";\n"
		       "  nullable = 1; } ); } );\n",
		   "n14.conf:3: upgrade[0] (create_table): columns[0]: 'nullable' must be true or false");
}

static void type_fails(const char *type)
{
	char text[512], want[128];
	snprintf(text, sizeof text,
		 HDR "upgrade = (\n  { op = \"add_column\"; table = \"t\";\n    column = { name = \"c\"; type = \"%s\"; }; }\n);\n",
		 type);
	snprintf(want, sizeof want, "ty.conf:4: upgrade[0] (add_column): column: bad type '%s'", type);
	load_fails("ty.conf", text, want);
}

static void type_ok(const char *type)
{
	char text[512];
	rt_revision *rev;
	snprintf(text, sizeof text,
		 HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"c\"; type = \"%s\"; } );\n", type);
	rev = load_ok("tyok.conf", text, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].type, type);
	rt_revision_free(rev);
}

static void test_script__portable_types(void)
{
	type_ok("varchar(1)");
	type_ok("VARCHAR ( 64 )");
	type_ok("numeric");
	type_ok("numeric(10)");
	type_ok("numeric(12,2)");
	type_ok("timestamptz");
	type_ok("double precision");
	type_ok("character varying(x)"); /* not portable: verbatim */
	type_ok("jsonb");
	type_fails("varchar(x)");
	type_fails("varchar()");
	type_fails("varchar");
	type_fails("varchar(0)");
	type_fails("varchar(10) x");
	type_fails("varchar(1,2)");
	type_fails("numeric(a,b)");
	type_fails("numeric(2,5)");
	type_fails("numeric(0)");
	type_fails("integer(11)");
	type_fails("uuid()");
	load_fails("ty2.conf",
		   HDR "upgrade = ( { op = \"alter_column\"; table = \"t\"; column = \"c\";\n  existing_type = \"varchar(\"; "
		       "nullable = true; } );\n",
		   "ty2.conf:3: upgrade[0] (alter_column): bad type 'varchar('");
}

/* ---- checksum ---- */

static void test_script__checksum(void)
{
	char sum[65];
	rt_revision *a = load_ok("ck.conf", HDR "message = \"one\";\n", 0);
	rt_revision *b = load_ok("ck2.conf", HDR "message = \"one\";\n", 0);
	rt_revision *c = load_ok("ck3.conf", HDR "message = \"onf\";\n", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(a->checksum, b->checksum);
	CU_ASSERT_STRING_NOT_EQUAL(a->checksum, c->checksum);
	rt_sha256_hex(sum, HDR "message = \"one\";\n", strlen(HDR "message = \"one\";\n"));
	CU_ASSERT_STRING_EQUAL(a->checksum, sum);
	rt_revision_free(a);
	rt_revision_free(b);
	rt_revision_free(c);
}

static void test_script__load_ops_refuses_changed_file(void)
{
	rt_revision *rev = load_ok("chg.conf", HDR "upgrade = ( { op = \"drop_table\"; table = \"a\"; } );\n", 0);
	char *path;
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	path = fixture("chg.conf", HDR "upgrade = ( { op = \"drop_table\"; table = \"b\"; } );\n");
	CU_ASSERT_EQUAL(rt_script_load_ops(rev), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "chg.conf: the file changed"));
	CU_ASSERT_EQUAL(rev->ops_loaded, 0);
	free(path);
	rt_revision_free(rev);
}

static void test_script__load_errors(void)
{
	rt_revision *rev = NULL;
	char *path = fixture("nul.conf", "");
	FILE *f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(HDR "\0x", 1, sizeof(HDR) + 1, f);
	fclose(f);
	CU_ASSERT_EQUAL(rt_script_load(&rev, path, 0), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "nul.conf: contains a NUL byte"));
	CU_ASSERT_PTR_NULL(rev);
	free(path);

	CU_ASSERT_EQUAL(rt_script_load(&rev, "/nonexistent/x.conf", 0), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "/nonexistent/x.conf: cannot open"));
	CU_ASSERT_EQUAL(rt_script_load(&rev, "/nonexistent/x.py", 0), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "not a revision script"));
	CU_ASSERT_PTR_NULL(rev);
}

/* ---- hostile input: ids that cannot be stored, wide integers, NUL, FIFOs ---- */

static void test_script__revision_id_rule(void)
{
	char text[512], want[128], id[300];
	memset(id, 'x', 299);
	id[299] = '\0';
	CU_ASSERT_PTR_NULL(rt_revision_id_problem("ae1027a6acf0"));
	CU_ASSERT_PTR_NULL(rt_revision_id_problem("r_1.2"));
	CU_ASSERT_PTR_NOT_NULL(rt_revision_id_problem(""));
	CU_ASSERT_PTR_NOT_NULL(rt_revision_id_problem(id));
	id[255] = '\0';
	CU_ASSERT_PTR_NULL(rt_revision_id_problem(id)); /* exactly the column's 255 */
	id[255] = 'x';
	CU_ASSERT_STRING_EQUAL(rt_revision_id_problem("a/b"), "contains '/'");
	CU_ASSERT_STRING_EQUAL(rt_revision_id_problem("a'b"), "contains '''");
	CU_ASSERT_STRING_EQUAL(rt_revision_id_problem("a\"b"), "contains '\"'");
	CU_ASSERT_STRING_EQUAL(rt_revision_id_problem("a\\b"), "contains '\\'");
	CU_ASSERT_STRING_EQUAL(rt_revision_id_problem("a`b"), "contains '`'");
	CU_ASSERT_STRING_EQUAL(rt_revision_id_problem("a@b"), "contains '@'");
	CU_ASSERT_PTR_NOT_NULL(rt_revision_id_problem("a\tb"));

	/* at load, with file:line, in both formats and both reading paths */
	snprintf(text, sizeof text, "message = \"m\";\nrevision = \"%s\";\n", id);
	load_fails_both("long.conf", text, "long.conf:2: revision id 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is longer");
	load_fails_both("slash.conf", "\nrevision = \"a/b\";\n", "slash.conf:2: revision id 'a/b' contains '/'");
	load_fails_both("quote.conf", "revision = \"a\\\"b\";\n", "quote.conf:1: revision id 'a\"b' contains '\"'");
	load_fails_both("squote.conf", "revision = \"a'b\";\n", "squote.conf:1: revision id 'a'b' contains '''");
	snprintf(text, sizeof text, "-- retort:message m\n-- retort:revision %s\n-- retort:upgrade\n", id);
	load_fails_both("long.sql", text, "long.sql:2: revision id 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is longer");
	load_fails_both("q.sql", "-- retort:revision a'b\n", "q.sql:1: revision id 'a'b' contains '''");
	snprintf(want, sizeof want, "(%s)", RT_REVISION_ID_RULE);
	load_fails_both("at.sql", "-- retort:revision a@b\n", want);
}

static void test_script__wide_integers(void)
{
	rt_revision *rev = load_ok("wide.conf",
	                           HDR "upgrade = ( { op = \"bulk_insert\"; table = \"t\";\n"
	                               "  rows = ( { a = 9007199254740993; b = -4294967297; c = 0x1FFFFFFFF; d = 2147483647;\n"
	                               "             e = 5L; f = 1.5e10; g2 = -2147483648; } ); } );\n",
	                           1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL_FATAL(rev->nupgrade, 1);
	CU_ASSERT_EQUAL_FATAL(rev->upgrade[0].ncolumn_names, 7);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].rows[0].text, "9007199254740993");
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].rows[1].text, "-4294967297");
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].rows[2].text, "8589934591");
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].rows[3].text, "2147483647");
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].rows[4].text, "5");
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].rows[5].text, "1.5e+10") /* a float, untouched */;
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].rows[6].text, "-2147483648");
	rt_revision_free(rev);
	load_fails("huge.conf",
	           HDR "upgrade = ( { op = \"bulk_insert\"; table = \"t\";\n  rows = ( { a = 18446744073709551616; } ); } );\n",
	           "huge.conf:3: the integer 18446744073709551616 does not fit in 64 bits");
	load_fails("nul.conf", HDR "upgrade = ( { op = \"execute\";\n  sql = \"SELECT '\\x00'\"; } );\n",
	           "nul.conf:3: '\\x00' in a string");
}

static void test_script__not_a_regular_file(void)
{
	rt_revision *rev = NULL;
	char *path = fixture("fifo.conf", "");
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
	CU_ASSERT_EQUAL(rt_script_load(&rev, path, 0), RETORT_EINVAL); /* and does not block */
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), "fifo.conf: not a regular file (a FIFO)"));
	CU_ASSERT_PTR_NULL(rev);
	unlink(path);
	free(path);
}

/* ---- .sql ---- */

static const char sql_script[] = "-- retort:revision ae1027a6acf0\n"        /* 1 */
				 "-- retort:down_revision 1975ea83b712  x2\n" /* 2 */
				 "--retort:branch_labels billing\n"           /* 3 */
				 "-- retort:depends_on 5a4b3c2d1e0f\n"        /* 4 */
				 "-- retort:message add email; to account \r\n" /* 5 */
				 "-- retort:create_date 2026-11-22 10:30:00\n" /* 6 */
				 "-- an ordinary comment; with a 'quote\n"      /* 7 */
				 "\n"                                           /* 8 */
				 "-- retort:upgrade\n"                          /* 9 */
				 "ALTER TABLE account ADD COLUMN email varchar(255);\n" /* 10 */
				 "\n"                                                   /* 11 */
				 "CREATE UNIQUE INDEX ix_account_email\n"                /* 12 */
				 "  ON account (email);\n"                               /* 13 */
				 "CREATE TRIGGER t AFTER INSERT ON account BEGIN\n"      /* 14 */
				 "  UPDATE x SET n = n + 1; END;\n"                      /* 15 */
				 "-- retort:downgrade\n"                                 /* 16 */
				 "DROP INDEX ix_account_email;\n"                        /* 17 */
				 "ALTER TABLE account DROP COLUMN email";                /* 18 */

static void test_script__sql_headers_and_sections(void)
{
	rt_revision *rev = load_ok("ae10_add_email.sql", sql_script, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->format, RETORT_FORMAT_SQL);
	CU_ASSERT_STRING_EQUAL(rev->id, "ae1027a6acf0");
	CU_ASSERT_EQUAL(rev->id_line, 1);
	CU_ASSERT_EQUAL_FATAL(rev->parents.n, 2);
	CU_ASSERT_STRING_EQUAL(rev->parents.v[0], "1975ea83b712");
	CU_ASSERT_STRING_EQUAL(rev->parents.v[1], "x2");
	CU_ASSERT_EQUAL_FATAL(rev->labels.n, 1);
	CU_ASSERT_STRING_EQUAL(rev->labels.v[0], "billing");
	CU_ASSERT_EQUAL_FATAL(rev->depends_on.n, 1);
	CU_ASSERT_STRING_EQUAL(rev->message, "add email; to account");
	CU_ASSERT_STRING_EQUAL(rev->create_date, "2026-11-22 10:30:00");
	CU_ASSERT_EQUAL_FATAL(rev->nupgrade, 3);
	CU_ASSERT_EQUAL_FATAL(rev->ndowngrade, 2);
	CU_ASSERT_EQUAL(rev->upgrade[0].kind, RETORT_OP_EXECUTE);
	CU_ASSERT_EQUAL(rev->upgrade[0].size, sizeof(retort_op));
	CU_ASSERT_PTR_EQUAL(rev->upgrade[0].file, rev->path);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[0].sql, "ALTER TABLE account ADD COLUMN email varchar(255)");
	CU_ASSERT_EQUAL(rev->upgrade[0].line, 10);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[1].sql, "CREATE UNIQUE INDEX ix_account_email\n  ON account (email)");
	CU_ASSERT_EQUAL(rev->upgrade[1].line, 12);
	CU_ASSERT_STRING_EQUAL(rev->upgrade[2].sql,
			       "CREATE TRIGGER t AFTER INSERT ON account BEGIN\n  UPDATE x SET n = n + 1; END");
	CU_ASSERT_EQUAL(rev->upgrade[2].line, 14);
	CU_ASSERT_STRING_EQUAL(rev->downgrade[0].sql, "DROP INDEX ix_account_email");
	CU_ASSERT_EQUAL(rev->downgrade[0].line, 17);
	CU_ASSERT_STRING_EQUAL(rev->downgrade[1].sql, "ALTER TABLE account DROP COLUMN email");
	CU_ASSERT_EQUAL(rev->downgrade[1].line, 18);
	rt_revision_free(rev);
}

static void test_script__sql_header_only_then_ops(void)
{
	rt_revision *rev = load_ok("ae10_b.sql", sql_script, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->ops_loaded, 0);
	CU_ASSERT_PTR_NULL(rev->upgrade);
	CU_ASSERT_STRING_EQUAL(rev->message, "add email; to account");
	CU_ASSERT_EQUAL_FATAL(rt_script_load_ops(rev), RETORT_OK);
	CU_ASSERT_EQUAL(rev->ops_loaded, 1);
	CU_ASSERT_EQUAL(rev->nupgrade, 3);
	CU_ASSERT_EQUAL(rev->ndowngrade, 2);
	CU_ASSERT_EQUAL(rev->downgrade[0].line, 17);
	rt_revision_free(rev);

	/* base, no sections at all */
	rev = load_ok("base.sql", "-- retort:revision b0\n-- retort:down_revision\n", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->parents.n, 0);
	CU_ASSERT_PTR_NULL(rev->message);
	CU_ASSERT_EQUAL(rev->nupgrade, 0);
	CU_ASSERT_EQUAL(rev->ops_loaded, 1);
	rt_revision_free(rev);
}

static void test_script__sql_errors(void)
{
	load_fails("s1.sql", "-- retort:revision a\n-- retort:down_revison b\n",
		   "s1.sql:2: unknown directive '-- retort:down_revison'");
	load_fails("s2.sql", "-- retort:revision a\n\nCREATE TABLE t (id int);\n-- retort:upgrade\n",
		   "s2.sql:3: statement before '-- retort:upgrade'");
	load_fails("s3.sql", "-- retort:revision a\nSELECT 1;\n", "s3.sql:2: statement before");
	load_fails("s4.sql", "-- retort:message m\n-- retort:upgrade\nSELECT 1;\n", "s4.sql: no revision id");
	load_fails("s5.sql", "-- retort:revision a\n-- retort:upgrade\nSELECT 1;\n\nSELECT 'oops;\n",
		   "s5.sql:5: unterminated quoted string");
	load_fails("s6.sql", "-- retort:revision a\n-- retort:upgrade\n-- retort:downgrade\n-- retort:upgrade\n",
		   "s6.sql:4: '-- retort:upgrade' given twice");
	load_fails("s7.sql", "-- retort:revision a\n-- retort:upgrade\nSELECT 1;\n-- retort:message late\n",
		   "s7.sql:4: '-- retort:message' must come before");
	load_fails("s8.sql", "-- retort:revision a b\n", "s8.sql:1: '-- retort:revision' needs one revision id");
	load_fails("s9.sql", "-- retort:revision a\n-- retort:revision b\n", "s9.sql:2: '-- retort:revision' given twice");
	load_fails("s10.sql", "-- retort:revision a\n-- retort:upgrade now\n",
		   "s10.sql:2: unexpected text after '-- retort:upgrade'");
	load_fails("s11.sql", "-- retort:revision a\n-- retort:upgrade\n-- retort:frobnicate\n",
		   "s11.sql:3: unknown directive '-- retort:frobnicate'");
	load_fails("s12.sql", "-- retort:revision a\n/* open\n", "s12.sql:2: unterminated comment");
	load_fails("s13.sql", "-- retort:revision a\n-- retort:downgrade\nSELECT 1;\n-- retort:upgrade\nSELECT $$x;\n",
		   "s13.sql:5: unterminated dollar-quoted string");
}

/* `retort test`'s sections: .conf keys and .sql sections, read with the operations only */
static void test_script__test_sections(void)
{
	rt_revision *rev = load_ok("t1.conf",
				   "revision = \"t1\";\n"
				   "upgrade = ( { op = \"drop_table\"; table = \"x\"; } );\n"
				   "test_data = \"INSERT INTO x VALUES (1); INSERT INTO x VALUES ('a;b')\";\n"
				   "test_check = \"SELECT COUNT(*) = 2 FROM x\";\n",
				   0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_PTR_NULL(rev->test_check);
	CU_ASSERT_EQUAL_FATAL(rt_script_load_ops(rev), RETORT_OK);
	CU_ASSERT_EQUAL_FATAL(rev->ntest_data, 2);
	CU_ASSERT_STRING_EQUAL(rev->test_data[1].sql, "INSERT INTO x VALUES ('a;b')");
	CU_ASSERT_STRING_EQUAL(rev->test_check, "SELECT COUNT(*) = 2 FROM x");
	CU_ASSERT_EQUAL(rev->test_check_line, 4);
	CU_ASSERT_EQUAL(rev->nupgrade, 1);
	rt_revision_free(rev);

	rev = load_ok("t2.sql",
		      "-- retort:revision t2\n"
		      "-- retort:upgrade\n"
		      "UPDATE x SET a = a * 2;\n"
		      "-- retort:downgrade\n"
		      "UPDATE x SET a = a / 2;\n"
		      "-- retort:test_data\n"
		      "INSERT INTO x VALUES (1);\n"
		      "INSERT INTO x VALUES (2);\n"
		      "-- retort:test_check\n"
		      "SELECT COUNT(*) FROM x;\n",
		      1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_EQUAL(rev->nupgrade, 1);
	CU_ASSERT_EQUAL(rev->ndowngrade, 1);
	CU_ASSERT_EQUAL_FATAL(rev->ntest_data, 2);
	CU_ASSERT_EQUAL(rev->test_data[1].line, 8);
	CU_ASSERT_STRING_EQUAL(rev->test_check, "SELECT COUNT(*) FROM x");
	CU_ASSERT_EQUAL(rev->test_check_line, 10);
	rt_revision_free(rev);

	load_fails("t3.sql", "-- retort:revision a\n-- retort:upgrade\n-- retort:test_check\nSELECT 1;\nSELECT 2;\n",
		   "t3.sql:3: '-- retort:test_check' takes one query (it has 2 statements)");
	load_fails("t4.sql", "-- retort:revision a\n-- retort:test_data\n-- retort:test_data\n",
		   "t4.sql:3: '-- retort:test_data' given twice");
	load_fails("t5.conf", "revision = \"a\";\ntest_check = \"SELECT 1; SELECT 2\";\n",
		   "t5.conf:2: 'test_check' takes one query (it has 2 statements)");
	load_fails_both("t6.conf", "revision = \"a\";\ntest_data = [ \"x\" ];\n", "t6.conf:2: 'test_data' must be a string of SQL");
}

static const rt_cu_test tests[] = {
	{"op_kind_names", test_script__op_kind_names},
	{"is_script_name", test_script__is_script_name},
	{"conf_identity", test_script__conf_identity},
	{"conf_base_merge_labels_depends", test_script__conf_base_merge_labels_depends},
	{"conf_every_op", test_script__conf_every_op},
	{"conf_ops_match_header_only_then_load", test_script__conf_ops_match_header_only_then_load},
	{"conf_header_scanner_agrees", test_script__conf_header_scanner_agrees},
	{"conf_identity_errors", test_script__conf_identity_errors},
	{"conf_op_errors", test_script__conf_op_errors},
	{"conf_enums_and_expression_indexes", test_script__conf_enums_and_expression_indexes},
	{"conf_enum_values_and_autoincrement", test_script__conf_enum_values_and_autoincrement},
	{"conf_nested_errors", test_script__conf_nested_errors},
	{"portable_types", test_script__portable_types},
	{"checksum", test_script__checksum},
	{"load_ops_refuses_changed_file", test_script__load_ops_refuses_changed_file},
	{"load_errors", test_script__load_errors},
	{"sql_headers_and_sections", test_script__sql_headers_and_sections},
	{"sql_header_only_then_ops", test_script__sql_header_only_then_ops},
	{"sql_errors", test_script__sql_errors},
	{"revision_id_rule", test_script__revision_id_rule},
	{"wide_integers", test_script__wide_integers},
	{"not_a_regular_file", test_script__not_a_regular_file},
	{"test_sections", test_script__test_sections},
	{NULL, NULL},
};
static const rt_cu_suite suites[] = {{"script", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)

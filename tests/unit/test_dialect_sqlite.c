/*
 * The sqlite dialect, driven through its descriptor and the real host
 * services of libretort: rendering of every operation (exact SQL, which is
 * also run on SQLite), quoting, type mapping, settings, connections,
 * transactions, the migration lock between two connections, introspection
 * and reflection, and the error messages of failures.
 */
#include "config.h"

#include <libconfig.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <retort/dialect.h>

#include "cu.h"
#include "op_fixture.h"
#include "host.h"
#include "sqlite_int.h"

const retort_plugin_descriptor *retort_plugin_entry(void);

/* ---- fixture: one plugin instance per test ---- */

static const retort_host *host;
static const retort_plugin_descriptor *desc;
static const retort_dialect_vtable *vt;
static retort_host_ctx *hctx;
static void *state;

static void setup(void)
{
	host = rt_host_services();
	desc = retort_plugin_entry();
	CU_ASSERT_FATAL(desc != NULL);
	CU_ASSERT_FATAL(desc->impls[0].kind == RETORT_KIND_DIALECT);
	vt = desc->impls[0].vtable;
	hctx = rt_hctx_new("sqlite");
	CU_ASSERT_FATAL(hctx != NULL);
	state = NULL;
	CU_ASSERT_FATAL(desc->init(host, hctx, NULL, RETORT_KIND_DIALECT, &state) == RETORT_OK);
}

static void teardown(void)
{
	desc->fini(state);
	rt_hctx_free(hctx);
	state = NULL;
	hctx = NULL;
}

static const char *errmsg(void)
{
	return hctx->has_error ? rt_buf_cstr(&hctx->error) : "";
}

#define ASSERT_ERR_CONTAINS(sub)                                                                               \
	do {                                                                                                   \
		CU_ASSERT(strstr(errmsg(), (sub)) != NULL);                                                    \
		if (!strstr(errmsg(), (sub)))                                                                  \
			fprintf(stderr, "\n  message: [%s]\n  wanted:  [%s]\n", errmsg(), (sub));              \
	} while (0)

/* Render `op`; return the statements joined with ";\n" (static buffer) or NULL on error. */
static char rendered[8192];
static int render_status;

static const char *render(const retort_op *op)
{
	retort_sink s;
	size_t i;
	rt_sink_init(&s);
	rendered[0] = '\0';
	render_status = vt->render(state, hctx, op, &s);
	if (render_status == RETORT_OK)
		CU_ASSERT(rt_sink_flush(&s) == RETORT_OK);
	for (i = 0; i < s.n; i++) {
		if (i)
			strncat(rendered, ";\n", sizeof rendered - strlen(rendered) - 1);
		strncat(rendered, s.stmts[i].sql, sizeof rendered - strlen(rendered) - 1);
	}
	rt_sink_free(&s);
	return render_status == RETORT_OK ? rendered : NULL;
}

#define ASSERT_RENDERS(op, want)                                                                               \
	do {                                                                                                   \
		const char *got_ = render(op);                                                                 \
		CU_ASSERT_PTR_NOT_NULL(got_);                                                                  \
		if (got_) {                                                                                    \
			CU_ASSERT_STRING_EQUAL(got_, want);                                                    \
			if (strcmp(got_, want) != 0)                                                           \
				fprintf(stderr, "\n  got:  [%s]\n  want: [%s]\n", got_, want);                 \
		} else {                                                                                       \
			fprintf(stderr, "\n  render failed (%d): %s\n", render_status, errmsg());             \
		}                                                                                              \
	} while (0)

static retort_conn *connect_to(const char *database)
{
	retort_url url;
	retort_conn *c = NULL;
	memset(&url, 0, sizeof url);
	url.size = sizeof url;
	url.scheme = "sqlite";
	url.database = database;
	CU_ASSERT_FATAL(vt->connect(state, hctx, &url, &c) == RETORT_OK);
	CU_ASSERT_FATAL(c != NULL);
	return c;
}

/* Run every statement the sink of the last render() produced (re-rendered from `op`). */
static void run_rendered(retort_conn *c, const retort_op *op)
{
	retort_sink s;
	size_t i;
	rt_sink_init(&s);
	CU_ASSERT_FATAL(vt->render(state, hctx, op, &s) == RETORT_OK);
	rt_sink_flush(&s);
	for (i = 0; i < s.n; i++) {
		int rc = vt->execute(c, hctx, s.stmts[i].sql);
		CU_ASSERT(rc == RETORT_OK);
		if (rc != RETORT_OK)
			fprintf(stderr, "\n  %s\n  -> %s\n", s.stmts[i].sql, errmsg());
	}
	rt_sink_free(&s);
}

/* First column of the first row of a query, as text ("" for none, "NULL" for NULL). */
static char scalar_buf[256];

static int scalar_row(void *arg, size_t ncols, const char *const *values)
{
	(void)arg;
	snprintf(scalar_buf, sizeof scalar_buf, "%s", ncols && values[0] ? values[0] : "NULL");
	return 1; /* first row only */
}

static const char *scalar(retort_conn *c, const char *sql)
{
	int rc;
	scalar_buf[0] = '\0';
	rc = vt->query(c, hctx, sql, scalar_row, NULL);
	CU_ASSERT(rc == RETORT_OK || rc == 1);
	return scalar_buf;
}

/* ---- descriptor and settings ---- */

static void test_dialect_sqlite__descriptor(void)
{
	const retort_plugin_descriptor *d = retort_plugin_entry();
	const retort_dialect_vtable *v = d->impls[0].vtable;
	CU_ASSERT_EQUAL(d->abi_version, RETORT_PLUGIN_ABI_VERSION);
	CU_ASSERT_EQUAL(d->size, sizeof(retort_plugin_descriptor));
	CU_ASSERT_STRING_EQUAL(d->name, "sqlite");
	CU_ASSERT_EQUAL(d->impls[1].kind, RETORT_KIND_END);
	CU_ASSERT_EQUAL(v->size, sizeof(retort_dialect_vtable));
	CU_ASSERT(v->flags & RETORT_DIALECT_TRANSACTIONAL_DDL);
	CU_ASSERT_STRING_EQUAL(v->url_schemes[0], "sqlite");
	CU_ASSERT_PTR_NULL(v->url_schemes[1]);
	CU_ASSERT(v->connect && v->disconnect && v->execute && v->query && v->begin && v->commit && v->rollback &&
	          v->lock && v->unlock && v->table_exists && v->quote_ident && v->quote_literal && v->render &&
	          v->render_online);
	/* the slots of methods that left ABI 1 stay NULL */
	CU_ASSERT(!v->reserved_1 && !v->reserved_2 && !v->reserved_3);
}

static int init_with(const char *text, void **st)
{
	config_t cfg;
	retort_settings s;
	int rc;
	config_init(&cfg);
	CU_ASSERT_FATAL(config_read_string(&cfg, text) == CONFIG_TRUE);
	rt_settings_init(&s, config_lookup(&cfg, "g"));
	*st = NULL;
	rc = desc->init(host, hctx, &s, RETORT_KIND_DIALECT, st);
	rt_settings_free(&s);
	config_destroy(&cfg);
	return rc;
}

static void test_dialect_sqlite__settings_unknown_key(void)
{
	void *st;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(init_with("g = { module = \"sqlite\"; foriegn_keys = true; };", &st), RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("unknown setting 'foriegn_keys'");
	CU_ASSERT_PTR_NULL(st);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(init_with("g = { foreign_keys = \"yes\"; };", &st), RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("foreign_keys");
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(desc->init(host, hctx, NULL, RETORT_KIND_NOTIFY, &st), RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("dialect");
}

static void test_dialect_sqlite__settings_foreign_keys(void)
{
	void *st, *saved = state;
	retort_conn *c;
	CU_ASSERT_FATAL(init_with("g = { module = \"sqlite\"; foreign_keys = true; };", &st) == RETORT_OK);
	state = st;
	c = connect_to("");
	CU_ASSERT_STRING_EQUAL(scalar(c, "PRAGMA foreign_keys"), "1");
	vt->disconnect(c);
	desc->fini(st);
	state = saved;
	/* default: SQLite's own (off) */
	c = connect_to("");
	CU_ASSERT_STRING_EQUAL(scalar(c, "PRAGMA foreign_keys"), "0");
	vt->disconnect(c);
}

/* ---- quoting and types ---- */

static const char *text_of(int (*fn)(void *, const char *, retort_sink *), const char *in)
{
	static char buf[512];
	retort_sink s;
	rt_sink_init(&s);
	CU_ASSERT(fn(state, in, &s) == RETORT_OK);
	snprintf(buf, sizeof buf, "%s", rt_sink_text(&s));
	rt_sink_free(&s);
	return buf;
}

static void test_dialect_sqlite__quote_ident(void)
{
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "account"), "account");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "_x1"), "_x1");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "order"), "\"order\"");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "select"), "\"select\"");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "Account"), "\"Account\"");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "1abc"), "\"1abc\"");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "my col"), "\"my col\"");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "a\"b"), "\"a\"\"b\"");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, "\"\""), "\"\"\"\"\"\"");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_ident, ""), "\"\"");
}

static void test_dialect_sqlite__quote_literal(void)
{
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_literal, "abc"), "'abc'");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_literal, "it's"), "'it''s'");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_literal, "''"), "''''''");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_literal, ""), "''");
	CU_ASSERT_STRING_EQUAL(text_of(vt->quote_literal, "a\"b"), "'a\"b'");
}

static void test_dialect_sqlite__map_type(void)
{
	static const char *const cases[][2] = {
		{"integer", "INTEGER"},         {"bigint", "BIGINT"},
		{"smallint", "SMALLINT"},       {"boolean", "BOOLEAN"},
		{"varchar(255)", "VARCHAR(255)"}, {"VARCHAR( 32 )", "VARCHAR(32)"},
		{"varchar", "VARCHAR"},         {"text", "TEXT"},
		{"numeric(12, 2)", "NUMERIC(12,2)"}, {"numeric", "NUMERIC"},
		{"real", "REAL"},               {"double", "DOUBLE"},
		{"date", "DATE"},               {"time", "TIME"},
		{"timestamp", "TIMESTAMP"},     {"timestamptz", "TIMESTAMP"},
		{"blob", "BLOB"},               {"json", "JSON"},
		{"uuid", "VARCHAR(36)"},        {"Integer", "INTEGER"},
		{"geometry", "geometry"},       {"double precision", "double precision"},
		{"integer(11)", "integer(11)"}, {"varchar(10) collate nocase", "varchar(10) collate nocase"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = text_of(sqlite_map_type, cases[i][0]);
		CU_ASSERT_STRING_EQUAL(got, cases[i][1]);
		if (strcmp(got, cases[i][1]) != 0)
			fprintf(stderr, "\n  map_type(%s) = [%s], want [%s]\n", cases[i][0], got, cases[i][1]);
	}
}

/* ---- rendering ---- */

static void test_dialect_sqlite__render_create_table(void)
{
	retort_column cols[5];
	const char *uq_cols[] = {"name", "my col"};
	const char *fk_cols[] = {"org_id"}, *fk_ref[] = {"id"};
	retort_constraint uq = {sizeof uq, "uq_order_name", uq_cols, 2, NULL};
	retort_foreign_key fk = {sizeof fk, "fk_order_org", fk_cols, 1, "org", fk_ref, 1, "cascade", "set null"};
	retort_constraint ck = {sizeof ck, "ck_total", NULL, 0, "total >= 0"};
	retort_op op = mkop(RETORT_OP_CREATE_TABLE), org = mkop(RETORT_OP_CREATE_TABLE);
	retort_column org_id = mkcol("id", "integer");
	retort_conn *c;

	cols[0] = mkcol("id", "bigint");
	cols[0].primary_key = 1;
	cols[0].autoincrement = 1;
	cols[1] = mkcol("name", "varchar(32)");
	cols[1].nullable = 0;
	cols[1].server_default = "'it''s'";
	cols[2] = mkcol("my col", "text");
	cols[2].unique = 1;
	cols[2].comment = "SQLite has no comments";
	cols[3] = mkcol("total", "numeric(12,2)");
	cols[3].server_default = "0";
	cols[4] = mkcol("org_id", "integer");
	cols[4].server_default = "abs(-1)";
	op.table = "order";
	op.columns = cols;
	op.ncolumns = 5;
	op.uniques = &uq;
	op.nuniques = 1;
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	op.checks = &ck;
	op.nchecks = 1;
	op.comment = "orders";
	ASSERT_RENDERS(&op, "CREATE TABLE \"order\" (\n"
	                    "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	                    "    name VARCHAR(32) NOT NULL DEFAULT 'it''s',\n"
	                    "    \"my col\" TEXT UNIQUE,\n"
	                    "    total NUMERIC(12,2) DEFAULT 0,\n"
	                    "    org_id INTEGER DEFAULT (abs(-1)),\n"
	                    "    CONSTRAINT uq_order_name UNIQUE (name, \"my col\"),\n"
	                    "    CONSTRAINT fk_order_org FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE CASCADE "
	                    "ON UPDATE SET NULL,\n"
	                    "    CONSTRAINT ck_total CHECK (total >= 0)\n"
	                    ")");

	/* and SQLite accepts it */
	org_id.primary_key = 1;
	org.table = "org";
	org.columns = &org_id;
	org.ncolumns = 1;
	ASSERT_RENDERS(&org, "CREATE TABLE org (\n    id INTEGER NOT NULL PRIMARY KEY\n)");
	c = connect_to("");
	run_rendered(c, &org);
	run_rendered(c, &op);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO \"order\" (\"my col\") VALUES ('x')"), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(scalar(c, "SELECT id || '/' || name || '/' || total FROM \"order\""), "1/it's/0");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO \"order\" (total) VALUES (-1)"), RETORT_EDB);
	ASSERT_ERR_CONTAINS("CHECK constraint failed");
	vt->disconnect(c);
}

/* What reflection reads back renders: an index on expressions, defaults that are not one group. */
static void test_dialect_sqlite__render_reflected(void)
{
	retort_op ix = mkop(RETORT_OP_CREATE_INDEX), t = mkop(RETORT_OP_CREATE_TABLE);
	retort_column cols[3];
	retort_conn *c = connect_to("");

	cols[0] = mkcol("a", "integer");
	cols[0].server_default = "(1) + (2)";
	cols[1] = mkcol("b", "text");
	cols[1].server_default = "('x')";
	cols[2] = mkcol("c", "text");
	cols[2].server_default = "(')(')";
	t.table = "t";
	t.columns = cols;
	t.ncolumns = 3;
	ASSERT_RENDERS(&t, "CREATE TABLE t (\n    a INTEGER DEFAULT ((1) + (2)),\n    b TEXT DEFAULT ('x'),\n"
	                   "    c TEXT DEFAULT (')(')\n)");
	run_rendered(c, &t);
	ix.name = "ix_t";
	ix.table = "t";
	ix.expression = "lower(b), a DESC";
	ix.where = "a > 0";
	ix.unique = 1;
	ASSERT_RENDERS(&ix, "CREATE UNIQUE INDEX ix_t ON t (lower(b), a DESC) WHERE a > 0");
	run_rendered(c, &ix);
	CU_ASSERT_STRING_EQUAL(scalar(c, "SELECT group_concat(dflt_value, ' | ') FROM pragma_table_info('t')"),
	                       "(1) + (2) | 'x' | ')('");
	/* neither columns nor an expression */
	ix.expression = NULL;
	CU_ASSERT_PTR_NULL(render(&ix));
	ASSERT_ERR_CONTAINS("missing columns");
	vt->disconnect(c);
}

static void test_dialect_sqlite__render_create_table_composite_pk(void)
{
	retort_column cols[3];
	const char *pk_cols[] = {"a", "b"};
	retort_constraint pk = {sizeof pk, "pk_t", pk_cols, 2, NULL};
	retort_op op = mkop(RETORT_OP_CREATE_TABLE);
	retort_conn *c;

	cols[0] = mkcol("a", "integer");
	cols[1] = mkcol("b", "text");
	cols[2] = mkcol("c", "boolean");
	cols[2].nullable = 1;
	cols[2].server_default = "TRUE";
	op.table = "t";
	op.columns = cols;
	op.ncolumns = 3;
	op.primary_key = &pk;
	ASSERT_RENDERS(&op, "CREATE TABLE t (\n"
	                    "    a INTEGER NOT NULL,\n"
	                    "    b TEXT NOT NULL,\n"
	                    "    c BOOLEAN DEFAULT TRUE,\n"
	                    "    CONSTRAINT pk_t PRIMARY KEY (a, b)\n"
	                    ")");
	/* primary_key flags on two columns, no table-level constraint */
	cols[0].primary_key = 1;
	cols[1].primary_key = 1;
	op.primary_key = NULL;
	ASSERT_RENDERS(&op, "CREATE TABLE t (\n"
	                    "    a INTEGER NOT NULL,\n"
	                    "    b TEXT NOT NULL,\n"
	                    "    c BOOLEAN DEFAULT TRUE,\n"
	                    "    PRIMARY KEY (a, b)\n"
	                    ")");
	c = connect_to("");
	run_rendered(c, &op);
	vt->disconnect(c);
	/* a single named table-level key on an autoincrement integer stays inline */
	pk.ncolumns = 1;
	cols[0].autoincrement = 1;
	op.primary_key = &pk;
	op.ncolumns = 2;
	ASSERT_RENDERS(&op, "CREATE TABLE t (\n"
	                    "    a INTEGER CONSTRAINT pk_t PRIMARY KEY AUTOINCREMENT,\n"
	                    "    b TEXT\n"
	                    ")");
}

static void test_dialect_sqlite__render_simple_ops(void)
{
	retort_op op;
	retort_column c = mkcol("e mail", "varchar(255)");
	const char *ix_cols[] = {"email", "order"};

	op = mkop(RETORT_OP_DROP_TABLE);
	op.table = "order";
	ASSERT_RENDERS(&op, "DROP TABLE \"order\"");

	op = mkop(RETORT_OP_RENAME_TABLE);
	op.table = "account";
	op.new_name = "group";
	ASSERT_RENDERS(&op, "ALTER TABLE account RENAME TO \"group\"");

	op = mkop(RETORT_OP_ADD_COLUMN);
	op.table = "account";
	c.nullable = 0;
	c.server_default = "''";
	op.columns = &c;
	op.ncolumns = 1;
	ASSERT_RENDERS(&op, "ALTER TABLE account ADD COLUMN \"e mail\" VARCHAR(255) NOT NULL DEFAULT ''");

	op = mkop(RETORT_OP_DROP_COLUMN);
	op.table = "account";
	op.column = "e\"mail";
	ASSERT_RENDERS(&op, "ALTER TABLE account DROP COLUMN \"e\"\"mail\"");

	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "account";
	op.column = "name";
	op.new_name = "full_name";
	op.comment = "ignored on SQLite";
	ASSERT_RENDERS(&op, "ALTER TABLE account RENAME COLUMN name TO full_name");

	op = mkop(RETORT_OP_CREATE_INDEX);
	op.name = "ix_account_email";
	op.table = "account";
	op.column_names = ix_cols;
	op.ncolumn_names = 2;
	op.unique = 1;
	op.concurrently = 1;
	op.where = "email IS NOT NULL";
	ASSERT_RENDERS(&op, "CREATE UNIQUE INDEX ix_account_email ON account (email, \"order\") WHERE email IS NOT NULL");
	op.unique = 0;
	op.where = NULL;
	ASSERT_RENDERS(&op, "CREATE INDEX ix_account_email ON account (email, \"order\")");

	op = mkop(RETORT_OP_DROP_INDEX);
	op.name = "ix_account_email";
	op.table = "account";
	ASSERT_RENDERS(&op, "DROP INDEX ix_account_email");

	op = mkop(RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
	op.name = "uq_account_email";
	op.table = "account";
	op.column_names = ix_cols;
	op.ncolumn_names = 1;
	ASSERT_RENDERS(&op, "CREATE UNIQUE INDEX uq_account_email ON account (email)");

	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.name = "uq_account_email";
	op.table = "account";
	op.constraint_type = "unique";
	ASSERT_RENDERS(&op, "DROP INDEX uq_account_email");

	op = mkop(RETORT_OP_EXECUTE);
	op.sql = "UPDATE account SET email = name || '@example.com';";
	ASSERT_RENDERS(&op, "UPDATE account SET email = name || '@example.com'");

	/* an operation for another dialect renders nothing */
	op.dialect = "postgresql";
	ASSERT_RENDERS(&op, "");
	op.dialect = "sqlite";
	ASSERT_RENDERS(&op, "UPDATE account SET email = name || '@example.com'");
}

static void test_dialect_sqlite__render_bulk_insert(void)
{
	const char *cols[] = {"id", "name", "ratio", "active", "note"};
	retort_value rows[] = {
		{RETORT_VALUE_INT, "1"},   {RETORT_VALUE_STRING, "O'Brien"}, {RETORT_VALUE_FLOAT, "-1.5e3"},
		{RETORT_VALUE_BOOL, "1"},  {RETORT_VALUE_NULL, NULL},
		{RETORT_VALUE_INT, "2"},   {RETORT_VALUE_STRING, ""},        {RETORT_VALUE_FLOAT, "0.25"},
		{RETORT_VALUE_BOOL, "0"},  {RETORT_VALUE_STRING, "1; DROP TABLE x"},
		{RETORT_VALUE_INT, "3); DROP TABLE x; --"}, {RETORT_VALUE_STRING, NULL}, {RETORT_VALUE_NULL, NULL},
		{RETORT_VALUE_BOOL, "false"}, {RETORT_VALUE_STRING, "x"},
	};
	retort_op op = mkop(RETORT_OP_BULK_INSERT);
	op.table = "order";
	op.column_names = cols;
	op.ncolumn_names = 5;
	op.rows = rows;
	op.nrows = 3;
	ASSERT_RENDERS(&op, "INSERT INTO \"order\" (id, name, ratio, active, note) VALUES (1, 'O''Brien', -1.5e3, 1, NULL);\n"
	                    "INSERT INTO \"order\" (id, name, ratio, active, note) VALUES (2, '', 0.25, 0, '1; DROP "
	                    "TABLE x');\n"
	                    "INSERT INTO \"order\" (id, name, ratio, active, note) VALUES ('3); DROP TABLE x; --', "
	                    "NULL, NULL, 0, 'x')");
	op.nrows = 0;
	ASSERT_RENDERS(&op, "");
}

static void test_dialect_sqlite__render_needs_rebuild(void)
{
	static const retort_op_kind kinds[] = {RETORT_OP_CREATE_FOREIGN_KEY, RETORT_OP_CREATE_CHECK_CONSTRAINT,
	                                       RETORT_OP_CREATE_PRIMARY_KEY, RETORT_OP_DROP_CONSTRAINT};
	static const char *const names[] = {"create_foreign_key", "create_check_constraint", "create_primary_key",
	                                    "drop_constraint"};
	retort_op op;
	size_t i;
	char want[128];

	for (i = 0; i < 4; i++) {
		op = mkop(kinds[i]);
		op.table = "t";
		op.name = "c";
		op.constraint_type = "foreignkey";
		rt_hctx_clear_error(hctx);
		CU_ASSERT_PTR_NULL(render(&op));
		CU_ASSERT_EQUAL(render_status, RETORT_ENOTSUPPORTED);
		snprintf(want, sizeof want, "%s needs a table rebuild on SQLite, which reads the live database", names[i]);
		ASSERT_ERR_CONTAINS(want);
	}
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "c";
	op.nullable = 0;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_PTR_NULL(render(&op));
	CU_ASSERT_EQUAL(render_status, RETORT_ENOTSUPPORTED);
	ASSERT_ERR_CONTAINS("alter_column needs a table rebuild");
	ASSERT_ERR_CONTAINS("cannot be rendered offline (--sql)");
	op.nullable = RETORT_UNSET;
	op.type = "text";
	CU_ASSERT_PTR_NULL(render(&op));
	op.type = NULL;
	op.set_server_default = 1;
	CU_ASSERT_PTR_NULL(render(&op));
}

static void test_dialect_sqlite__render_errors(void)
{
	retort_op op = mkop(RETORT_OP_CREATE_INDEX);
	retort_column c = mkcol("id", "integer");
	const char *cols[] = {"a"}, *refs[] = {"id"};
	retort_foreign_key fk = {sizeof fk, NULL, cols, 1, "p", refs, 1, "explode", NULL};

	op.table = "t";
	op.file = "versions/abc.conf";
	op.line = 12;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_PTR_NULL(render(&op));
	CU_ASSERT_EQUAL(render_status, RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("versions/abc.conf:12: create_index: missing name");

	op = mkop(RETORT_OP_ADD_COLUMN);
	op.table = "t";
	c.unique = 1;
	op.columns = &c;
	op.ncolumns = 1;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_PTR_NULL(render(&op));
	CU_ASSERT_EQUAL(render_status, RETORT_ENOTSUPPORTED);
	ASSERT_ERR_CONTAINS("cannot add a PRIMARY KEY or UNIQUE column");

	op = mkop(RETORT_OP_CREATE_TABLE);
	c.unique = 0;
	op.table = "t";
	op.columns = &c;
	op.ncolumns = 1;
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_PTR_NULL(render(&op));
	CU_ASSERT_EQUAL(render_status, RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("unknown on_delete action 'explode'");

	op = mkop((retort_op_kind)99);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_PTR_NULL(render(&op));
	CU_ASSERT_EQUAL(render_status, RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("unknown operation kind 99");
}

/* ---- connections, transactions, the lock ---- */

static char *sandbox;

static char *db_path(const char *name)
{
	static char buf[512];
	if (!sandbox)
		sandbox = rt_cu_sandbox();
	CU_ASSERT_FATAL(sandbox != NULL);
	snprintf(buf, sizeof buf, "%s/%s", sandbox, name);
	return buf;
}

static int exists(retort_conn *c, const char *table)
{
	int e = -1;
	CU_ASSERT_EQUAL(vt->table_exists(c, hctx, table, &e), RETORT_OK);
	return e;
}

static void test_dialect_sqlite__connect_file_and_rollback(void)
{
	retort_conn *c = connect_to(db_path("a.db")), *c2;
	struct stat sb;

	CU_ASSERT_EQUAL(stat(db_path("a.db"), &sb), 0);
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE t (id INTEGER)"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE INDEX ix_t ON t (id)"), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "t"), 1);
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "t"), 0);
	CU_ASSERT_STRING_EQUAL(scalar(c, "SELECT count(*) FROM sqlite_master"), "0");
	/* rollback with nothing open is fine; commit with nothing open is an error */
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_ERROR);
	ASSERT_ERR_CONTAINS("no transaction is open");

	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE kept (id INTEGER); INSERT INTO kept VALUES (7)"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_OK);
	vt->disconnect(c);

	c2 = connect_to(db_path("a.db"));
	CU_ASSERT_EQUAL(exists(c2, "kept"), 1);
	CU_ASSERT_EQUAL(exists(c2, "KEPT"), 1);
	CU_ASSERT_EQUAL(exists(c2, "t"), 0);
	CU_ASSERT_STRING_EQUAL(scalar(c2, "SELECT id FROM kept"), "7");
	vt->disconnect(c2);
	vt->disconnect(NULL);
}

static void test_dialect_sqlite__connect_errors(void)
{
	retort_url url;
	retort_conn *c = NULL;
	memset(&url, 0, sizeof url);
	url.size = sizeof url;
	url.database = db_path("no/such/dir/x.db");
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, &url, &c), RETORT_ECONNECT);
	CU_ASSERT_PTR_NULL(c);
	ASSERT_ERR_CONTAINS("cannot open database file");
	ASSERT_ERR_CONTAINS("no/such/dir/x.db");

	url.database = rt_cu_write(sandbox, "junk.db", "this is not an SQLite database, not at all, no.\n");
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, &url, &c), RETORT_ECONNECT);
	CU_ASSERT_PTR_NULL(c);
	ASSERT_ERR_CONTAINS("not a database");
	free((char *)url.database);
}

static void test_dialect_sqlite__execute_and_query(void)
{
	retort_conn *c = connect_to("");
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO nowhere VALUES (1)"), RETORT_EDB);
	ASSERT_ERR_CONTAINS("no such table: nowhere");
	CU_ASSERT_EQUAL(hctx->native_code, SQLITE_ERROR);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->query(c, hctx, "SELEC 1", scalar_row, NULL), RETORT_EDB);
	ASSERT_ERR_CONTAINS("syntax error");

	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE v (a TEXT, b INTEGER); INSERT INTO v VALUES ('x', NULL)"),
	                RETORT_OK);
	CU_ASSERT_STRING_EQUAL(scalar(c, "SELECT b FROM v"), "NULL");
	CU_ASSERT_STRING_EQUAL(scalar(c, "SELECT a FROM v"), "x");
	/* a constraint error carries SQLite's extended code */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE u (a TEXT NOT NULL)"), RETORT_OK);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO u VALUES (NULL)"), RETORT_EDB);
	CU_ASSERT_EQUAL(hctx->native_code, SQLITE_CONSTRAINT_NOTNULL);
	ASSERT_ERR_CONTAINS("NOT NULL constraint failed: u.a");
	vt->disconnect(c);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_dialect_sqlite__lock_between_connections(void)
{
	retort_conn *a = connect_to(db_path("lock.db")), *b = connect_to(db_path("lock.db"));
	double t0, dt;
	char want[600];

	CU_ASSERT_EQUAL_FATAL(vt->lock(a, hctx, "retort_version", 1), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(a, hctx, "retort_version", 1), RETORT_OK); /* already held */
	CU_ASSERT_EQUAL(vt->begin(a, hctx), RETORT_OK);                     /* no-op: the lock is the transaction */
	CU_ASSERT_EQUAL(vt->execute(a, hctx, "CREATE TABLE retort_version (version_num VARCHAR(32) NOT NULL)"),
	                RETORT_OK);

	rt_hctx_clear_error(hctx);
	t0 = now_s();
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 1), RETORT_ELOCKED);
	dt = now_s() - t0;
	CU_ASSERT(dt >= 0.8 && dt < 3.0);
	snprintf(want, sizeof want,
	         "could not take the migration lock on %s within 1 s (another retort holds it)", db_path("lock.db"));
	ASSERT_ERR_CONTAINS(want);
	/* b sees nothing of a's uncommitted work */
	CU_ASSERT_EQUAL(exists(b, "retort_version"), 0);

	/* commit ends the transaction and the lock; unlock afterwards is a no-op */
	CU_ASSERT_EQUAL(vt->commit(a, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(a, hctx, "retort_version"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 1), RETORT_OK);
	CU_ASSERT_EQUAL(exists(b, "retort_version"), 1);
	CU_ASSERT_EQUAL(vt->execute(b, hctx, "INSERT INTO retort_version VALUES ('abc')"), RETORT_OK);
	/* unlock with the lock's transaction open rolls it back */
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, "retort_version"), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(scalar(b, "SELECT count(*) FROM retort_version"), "0");
	/* and the lock is free again */
	CU_ASSERT_EQUAL(vt->lock(a, hctx, "retort_version", 1), RETORT_OK);
	CU_ASSERT_EQUAL(vt->rollback(a, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 0), RETORT_OK);
	/* begin outside the lock while a plain transaction is open is SQLite's error, not silence */
	CU_ASSERT_EQUAL(vt->commit(b, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->begin(b, hctx), RETORT_OK);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 0), RETORT_ERROR);
	ASSERT_ERR_CONTAINS("a transaction is already open");
	CU_ASSERT_EQUAL(vt->rollback(b, hctx), RETORT_OK);
	vt->disconnect(a);
	vt->disconnect(b);
}

static void test_dialect_sqlite__table_exists(void)
{
	retort_conn *c = connect_to("");
	CU_ASSERT_EQUAL(exists(c, "alembic_version"), 0);
	CU_ASSERT_EQUAL(vt->execute(c, hctx,
	                            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, t TEXT, "
	                            "c character varying (255), n NUMERIC(10,2), \"odd col\" NCHAR(7))"),
	                RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "alembic_version"), 1);
	CU_ASSERT_EQUAL(exists(c, "alembic_versio"), 0);
	CU_ASSERT_EQUAL(exists(c, "sqlite_master"), 0);
	vt->disconnect(c);
}

/* ---- reflection ---- */

static char refl[65536];

static void refl_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void refl_add(const char *fmt, ...)
{
	size_t n = strlen(refl);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(refl + n, sizeof refl - n, fmt, ap);
	va_end(ap);
}

static int rt_count;

static void refl_list(const char *const *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		refl_add(i ? ",%s" : "(%s", v[i]);
	refl_add(")");
}

static int b_table(void *arg, const retort_reflect_table *t)
{
	(void)arg;
	refl_add("table %s\n", t->name);
	return 0;
}

static int b_column(void *arg, const retort_reflect_column *c)
{
	(void)arg;
	refl_add(" col %s.%s #%d %s %s%s default=%s\n", c->table, c->name, c->position, c->type,
	         c->nullable ? "null" : "notnull", c->autoincrement ? " autoinc" : "",
	         c->server_default ? c->server_default : "-");
	return 0;
}

static int b_index(void *arg, const retort_reflect_index *ix)
{
	(void)arg;
	refl_add(" index %s.%s%s", ix->table, ix->name, ix->unique ? " unique" : "");
	if (ix->expression)
		refl_add(" expr[%s]", ix->expression);
	else
		refl_list(ix->columns, ix->ncolumns);
	refl_add(" where=%s%s\n", ix->where ? ix->where : "-", ix->origin == RETORT_INDEX_USER ? "" : " fk-origin");
	return 0;
}

static int b_constraint(void *arg, const retort_reflect_constraint *c)
{
	static const char *const kinds[] = {"?", "pk", "unique", "fk", "check"};
	(void)arg;
	refl_add(" %s %s.%s", kinds[c->kind], c->table, c->name ? c->name : "-");
	if (c->kind == RETORT_CONSTRAINT_CHECK) {
		refl_add(" [%s]\n", c->expression);
		return 0;
	}
	refl_list(c->columns, c->ncolumns);
	if (c->kind == RETORT_CONSTRAINT_FOREIGN_KEY) {
		refl_add(" -> %s", c->ref_table);
		refl_list(c->ref_columns, c->nref_columns);
		refl_add(" delete=%s update=%s", c->on_delete ? c->on_delete : "-", c->on_update ? c->on_update : "-");
	}
	refl_add("\n");
	return 0;
}

static int b_unsupported(void *arg, const char *object, const char *reason)
{
	(void)arg;
	refl_add(" unsupported %s: %s\n", object, reason);
	return 0;
}

static void b_round_trip(void *arg)
{
	(void)arg;
	rt_count++;
}

static const retort_schema_builder refl_builder = {sizeof(retort_schema_builder), NULL, b_table, b_column, b_index,
                                                   b_constraint, NULL, b_unsupported, b_round_trip};

/* Reflect through the vtable into refl[]; the status. */
static int reflect(retort_conn *c)
{
	refl[0] = '\0';
	rt_count = 0;
	return vt->reflect(c, hctx, &refl_builder);
}

#define ASSERT_REFL(want)                                                                                      \
	do {                                                                                                   \
		CU_ASSERT_STRING_EQUAL(refl, want);                                                            \
		if (strcmp(refl, want) != 0)                                                                   \
			fprintf(stderr, "\n  got:\n%s  want:\n%s", refl, want);                                \
	} while (0)

static void test_dialect_sqlite__reflect(void)
{
	retort_conn *c = connect_to("");
	CU_ASSERT_EQUAL(vt->execute(c, hctx,
	                            "CREATE TABLE org (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR (50) NOT NULL "
	                            "DEFAULT 'x', UNIQUE (name));"
	                            "CREATE TABLE \"order\" (a INTEGER NOT NULL, b TEXT NOT NULL, org_id INTEGER "
	                            "REFERENCES org ON DELETE CASCADE, PRIMARY KEY (b, a));"
	                            "INSERT INTO org (name) VALUES ('a')"),
	                RETORT_OK);
	CU_ASSERT_EQUAL(reflect(c), RETORT_OK);
	ASSERT_REFL("table order\n"
	            "table org\n"
	            " col order.a #1 integer notnull default=-\n"
	            " col order.b #2 text notnull default=-\n"
	            " col order.org_id #3 integer null default=-\n"
	            " col org.id #1 integer notnull autoinc default=-\n"
	            " col org.name #2 varchar(50) notnull default='x'\n"
	            " pk order.-(b,a)\n"
	            " pk org.-(id)\n"
	            " unique org.-(name)\n"
	            " fk order.-(org_id) -> org(id) delete=cascade update=-\n");
	CU_ASSERT_EQUAL(rt_count, 4);
	vt->disconnect(c);
}


/* Constraint names and checks come from the CREATE TABLE text (rebuild_table.c's parser). */
static void test_dialect_sqlite__reflect_names_and_checks(void)
{
	retort_conn *c = connect_to("");
	CU_ASSERT_EQUAL_FATAL(
		vt->execute(c, hctx,
	                    "CREATE TABLE p (id INTEGER CONSTRAINT pk_p PRIMARY KEY AUTOINCREMENT, "
	                    "code TEXT CONSTRAINT \"uq \"\"code\"\"\" UNIQUE CHECK (code <> ''), other TEXT UNIQUE, "
	                    "CONSTRAINT ck_p CHECK ( length(code) < 9 ));"
	                    "CREATE TABLE c (a INT, b INT DEFAULT 0 CONSTRAINT fk_b REFERENCES P ON DELETE SET DEFAULT "
	                    "ON UPDATE CASCADE, d INT REFERENCES p (ID), [e f] INT, "
	                    "CONSTRAINT [Pk C] PRIMARY KEY (b, a), CONSTRAINT uq_c UNIQUE (A, [E F]), "
	                    "CONSTRAINT fk_d FOREIGN KEY (d) REFERENCES p (id) ON DELETE RESTRICT, "
	                    "FOREIGN KEY (a, b) REFERENCES c (b, a) ON DELETE SET NULL)"),
		RETORT_OK);
	CU_ASSERT_EQUAL(reflect(c), RETORT_OK);
	ASSERT_REFL("table c\n"
	            "table p\n"
	            " col c.a #1 int notnull default=-\n"
	            " col c.b #2 int notnull default=0\n"
	            " col c.d #3 int null default=-\n"
	            " col c.e f #4 int null default=-\n"
	            " col p.id #1 integer notnull autoinc default=-\n"
	            " col p.code #2 text null default=-\n"
	            " col p.other #3 text null default=-\n"
	            " pk c.Pk C(b,a)\n"
	            " pk p.pk_p(id)\n"
	            " check p.- [code <> '']\n"
	            " check p.ck_p [length(code) < 9]\n"
	            " unique c.uq_c(a,e f)\n"
	            " unique p.uq \"code\"(code)\n"
	            " unique p.-(other)\n"
	            " fk c.-(a,b) -> c(b,a) delete=set null update=-\n"
	            " fk c.fk_d(d) -> p(id) delete=restrict update=-\n"
	            " fk c.-(d) -> p(id) delete=- update=-\n"
	            " fk c.fk_b(b) -> p(id) delete=set default update=cascade\n");
	vt->disconnect(c);
}

/* Partial indexes, indexes on expressions, DESC and COLLATE keys (kept as their key list). */
static void test_dialect_sqlite__reflect_indexes(void)
{
	retort_conn *c = connect_to("");
	CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx,
	                                  "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT);"
	                                  "CREATE INDEX ix_a ON t (a) WHERE b > 0 ;"
	                                  "CREATE UNIQUE INDEX \"ux (b)\" ON t (b, a);"
	                                  "CREATE INDEX ix_expr ON t ( lower(a), b + 1 ) WHERE (a IS NOT NULL);"
	                                  "CREATE INDEX ix_desc ON t (b DESC);"
	                                  "CREATE INDEX ix_coll ON t (a COLLATE NOCASE);"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(reflect(c), RETORT_OK);
	ASSERT_REFL("table t\n"
	            " col t.id #1 integer notnull default=-\n"
	            " col t.a #2 text null default=-\n"
	            " col t.b #3 int null default=-\n"
	            " pk t.-(id)\n"
	            " index t.ix_a(a) where=b > 0\n"
	            " index t.ix_coll expr[a COLLATE NOCASE] where=-\n"
	            " index t.ix_desc expr[b DESC] where=-\n"
	            " index t.ix_expr expr[lower(a), b + 1] where=(a IS NOT NULL)\n"
	            " index t.ux (b) unique(b,a) where=-\n");
	vt->disconnect(c);
}

/* Types and defaults normalised (see docs/ARCHITECTURE.md, "Reflection: sqlite"). */
static void test_dialect_sqlite__reflect_types_and_defaults(void)
{
	retort_conn *c = connect_to("");
	CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx,
	                                  "CREATE TABLE t (a VARCHAR ( 20 ) DEFAULT 'x', b Double  Precision DEFAULT "
	                                  "current_timestamp, c NUMERIC(12, 2) DEFAULT -1.5, d BOOLEAN DEFAULT TRUE, "
	                                  "e BOOLEAN DEFAULT false, f TEXT DEFAULT NULL, g TEXT DEFAULT (lower('A')), h)"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(reflect(c), RETORT_OK);
	ASSERT_REFL("table t\n"
	            " col t.a #1 varchar(20) null default='x'\n"
	            " col t.b #2 double precision null default=CURRENT_TIMESTAMP\n"
	            " col t.c #3 numeric(12,2) null default=-1.5\n"
	            " col t.d #4 boolean null default=1\n"
	            " col t.e #5 boolean null default=0\n"
	            " col t.f #6 text null default=-\n"
	            " col t.g #7 text null default=lower('A')\n"
	            " col t.h #8  null default=-\n");
	vt->disconnect(c);
}

/* What the description cannot hold goes to builder->unsupported; the rest is reflected. */
static void test_dialect_sqlite__reflect_unsupported(void)
{
	retort_conn *c = connect_to("");
	int fts;
	CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx,
	                                  "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT, "
	                                  "len INT GENERATED ALWAYS AS (length(n)) STORED);"
	                                  "CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;"
	                                  "CREATE VIEW v AS SELECT id FROM t;"
	                                  "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;"),
	                      RETORT_OK);
	/* a virtual table and its shadow tables, where SQLite has FTS5 */
	fts = vt->execute(c, hctx, "CREATE VIRTUAL TABLE docs USING fts5(body)") == RETORT_OK;
	CU_ASSERT_EQUAL(reflect(c), RETORT_OK);
	ASSERT_REFL(fts ? " unsupported virtual table docs: the schema description has no virtual tables\n"
	                  " unsupported trigger tr: the schema description has tables with their keys and indexes only\n"
	                  " unsupported view v: the schema description has tables with their keys and indexes only\n"
	                  "table kv\n"
	                  " unsupported table option WITHOUT ROWID of table kv: the schema description has no table "
	                  "options: the dump makes an ordinary table\n"
	                  "table t\n"
	                  " col kv.k #1 text notnull default=-\n"
	                  " col kv.v #2 blob null default=-\n"
	                  " col t.id #1 integer notnull default=-\n"
	                  " col t.n #2 text null default=-\n"
	                  " unsupported generated column t.len: the schema description has no generated columns\n"
	                  " pk kv.-(k)\n"
	                  " pk t.-(id)\n"
	                : " unsupported trigger tr: the schema description has tables with their keys and indexes only\n"
	                  " unsupported view v: the schema description has tables with their keys and indexes only\n"
	                  "table kv\n"
	                  " unsupported table option WITHOUT ROWID of table kv: the schema description has no table "
	                  "options: the dump makes an ordinary table\n"
	                  "table t\n"
	                  " col kv.k #1 text notnull default=-\n"
	                  " col kv.v #2 blob null default=-\n"
	                  " col t.id #1 integer notnull default=-\n"
	                  " col t.n #2 text null default=-\n"
	                  " unsupported generated column t.len: the schema description has no generated columns\n"
	                  " pk kv.-(k)\n"
	                  " pk t.-(id)\n");
	vt->disconnect(c);
}

/* The number of queries does not grow with the number of tables. */
static void test_dialect_sqlite__reflect_round_trips(void)
{
	retort_conn *c = connect_to("");
	char sql[512];
	int i, one;
	CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx,
	                                  "CREATE TABLE t0 (id INTEGER PRIMARY KEY, p INT REFERENCES t0, "
	                                  "CHECK (p > 0)); CREATE INDEX ix0 ON t0 (p)"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(reflect(c), RETORT_OK);
	one = rt_count;
	CU_ASSERT_EQUAL(one, 4);
	for (i = 1; i < 60; i++) {
		snprintf(sql, sizeof sql,
		         "CREATE TABLE t%d (id INTEGER PRIMARY KEY, p INT REFERENCES t%d, u TEXT UNIQUE, CHECK (p > 0));"
		         "CREATE INDEX ix%d ON t%d (p) WHERE p > 1",
		         i, i - 1, i, i);
		CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx, sql), RETORT_OK);
	}
	CU_ASSERT_EQUAL(reflect(c), RETORT_OK);
	CU_ASSERT_EQUAL(rt_count, one);
	CU_ASSERT(strstr(refl, " fk t59.-(p) -> t58(id) delete=- update=-\n") != NULL);
	CU_ASSERT(strstr(refl, " index t42.ix42(p) where=p > 1\n") != NULL);
	vt->disconnect(c);
}

/* A builder callback's failure stops reflection with its status. */
static int b_table_fails(void *arg, const retort_reflect_table *t)
{
	(void)arg;
	(void)t;
	return RETORT_ERROR;
}

static void test_dialect_sqlite__reflect_builder_fails(void)
{
	retort_conn *c = connect_to("");
	retort_schema_builder b = refl_builder;
	CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx, "CREATE TABLE t (a INT)"), RETORT_OK);
	b.table = b_table_fails;
	refl[0] = '\0';
	CU_ASSERT_EQUAL(vt->reflect(c, hctx, &b), RETORT_ERROR);
	CU_ASSERT_STRING_EQUAL(refl, "");
	/* a builder of an older host, without unsupported and round_trip: not called */
	b = refl_builder;
	b.size = (uint32_t)offsetof(retort_schema_builder, unsupported);
	CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx, "CREATE VIEW v AS SELECT 1"), RETORT_OK);
	refl[0] = '\0';
	rt_count = 0;
	CU_ASSERT_EQUAL(vt->reflect(c, hctx, &b), RETORT_OK);
	CU_ASSERT_EQUAL(rt_count, 0);
	CU_ASSERT(strstr(refl, "unsupported") == NULL);
	vt->disconnect(c);
}


/* ---- table rebuilds (render_online) ---- */

/* render_online + execute every statement, as the host does; the first failing status. */
static char online_sql[16384];

static int online(retort_conn *c, const retort_op *op)
{
	retort_sink s;
	size_t i;
	int rc;
	rt_sink_init(&s);
	online_sql[0] = '\0';
	rc = vt->render_online(c, hctx, op, &s);
	if (rc == RETORT_OK)
		rc = rt_sink_flush(&s);
	for (i = 0; rc == RETORT_OK && i < s.n; i++) {
		if (i)
			strncat(online_sql, ";\n", sizeof online_sql - strlen(online_sql) - 1);
		strncat(online_sql, s.stmts[i].sql, sizeof online_sql - strlen(online_sql) - 1);
		rc = vt->execute(c, hctx, s.stmts[i].sql);
	}
	rt_sink_free(&s);
	return rc;
}

#define ASSERT_ONLINE_OK(c, op)                                                                                \
	do {                                                                                                   \
		int rc_ = online((c), (op));                                                                   \
		CU_ASSERT_EQUAL(rc_, RETORT_OK);                                                               \
		if (rc_ != RETORT_OK)                                                                          \
			fprintf(stderr, "\n  online failed (%d): %s\n  sql: %s\n", rc_, errmsg(), online_sql); \
	} while (0)

#define ASSERT_Q(c, sql, want)                                                                                 \
	do {                                                                                                   \
		const char *got_ = scalar((c), (sql));                                                         \
		CU_ASSERT_STRING_EQUAL(got_, (want));                                                          \
		if (strcmp(got_, (want)) != 0)                                                                 \
			fprintf(stderr, "\n  %s\n  got:  [%s]\n  want: [%s]\n", (sql), got_, (want));          \
	} while (0)

#define COLS(t)                                                                                                \
	"SELECT group_concat(name || ':' || type || ':' || \"notnull\" || ':' || ifnull(dflt_value, '-') || ':' " \
	"|| pk, ' ') FROM pragma_table_info('" t "')"
#define INDEXES(t) "SELECT ifnull(group_concat(name, ' '), '') FROM (SELECT name FROM pragma_index_list('" t "') ORDER BY name)"
#define FKS(t)                                                                                                 \
	"SELECT ifnull(group_concat(\"from\" || '>' || \"table\" || '.' || ifnull(\"to\", '?') || ':' || on_delete, ' '), '') " \
	"FROM pragma_foreign_key_list('" t "')"

static retort_conn *rebuild_fixture(void)
{
	retort_conn *c = connect_to("");
	CU_ASSERT_EQUAL_FATAL(
		vt->execute(c, hctx,
	                    "CREATE TABLE p (id INTEGER PRIMARY KEY, label TEXT);"
	                    "INSERT INTO p VALUES (1, 'one'), (2, 'two');"
	                    "CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    name VARCHAR(10) NOT NULL DEFAULT 'x',\n"
	                    "    n TEXT,\n    p_id INTEGER,\n    CONSTRAINT ck_name CHECK (length(name) < 20)\n);"
	                    "CREATE INDEX ix_t_n ON t (n);"
	                    "CREATE UNIQUE INDEX ux_t_name ON t (name, p_id);"
	                    "CREATE TABLE log (msg TEXT);"
	                    "CREATE TRIGGER trg_t AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.name); END;"
	                    "CREATE VIEW v_t AS SELECT id, name FROM t;"
	                    "INSERT INTO t (id, name, n, p_id) VALUES (1, 'a', '10', 1), (2, 'b', '20', 2), (3, 'c', NULL, 1);"
	                    "CREATE TABLE child (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id) ON DELETE CASCADE);"
	                    "INSERT INTO child VALUES (1, 1), (2, 2), (3, 3);"
	                    "DELETE FROM log"),
		RETORT_OK);
	CU_ASSERT_EQUAL_FATAL(vt->begin(c, hctx), RETORT_OK);
	return c;
}

/* What must survive every rebuild of t in the fixture. */
static void assert_survivors(retort_conn *c)
{
	ASSERT_Q(c, "SELECT group_concat(id || name, ',') FROM (SELECT * FROM t ORDER BY id)", "1a,2b,3c");
	ASSERT_Q(c, "SELECT count(*) FROM child", "3");
	ASSERT_Q(c, FKS("child"), "t_id>t.id:CASCADE");
	ASSERT_Q(c, "SELECT count(*) FROM pragma_foreign_key_check", "0");
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name = 'trg_t'", "1");
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort%'", "0");
	ASSERT_Q(c, "SELECT count(*) FROM v_t", "3");
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name = 't' AND sql LIKE '%CONSTRAINT ck_name CHECK (length(name) < 20)%'", "1");
}

/* ON DELETE SET DEFAULT inside a column's REFERENCES is not the column's DEFAULT. */
static void test_dialect_sqlite__rebuild_set_default_action(void)
{
	retort_conn *c = connect_to("");
	retort_op op = mkop(RETORT_OP_ALTER_COLUMN);
	CU_ASSERT_EQUAL_FATAL(vt->execute(c, hctx,
	                                  "CREATE TABLE p (id INTEGER PRIMARY KEY);"
	                                  "CREATE TABLE t (a INTEGER REFERENCES p ON DELETE SET DEFAULT DEFAULT 1, b TEXT)"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL_FATAL(vt->begin(c, hctx), RETORT_OK);
	op.table = "t";
	op.column = "a";
	op.set_server_default = 1;
	op.server_default = "2";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("t"), "a:INTEGER:0:2:0 b:TEXT:0:-:0");
	ASSERT_Q(c, FKS("t"), "a>p.?:SET DEFAULT");
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_OK);
	vt->disconnect(c);
}

static void test_dialect_sqlite__rebuild_alter_column(void)
{
	retort_conn *c = rebuild_fixture();
	retort_op op = mkop(RETORT_OP_ALTER_COLUMN);

	/* type and nullable: a rebuild, with CAST since the affinity changes */
	op.table = "t";
	op.column = "n";
	op.type = "integer";
	op.nullable = 1;
	ASSERT_ONLINE_OK(c, &op);
	CU_ASSERT(strstr(online_sql, "PRAGMA legacy_alter_table=ON;\nALTER TABLE t RENAME TO _retort_old_t;\nPRAGMA legacy_alter_table=OFF;\nCREATE TABLE t (") != NULL);
	CU_ASSERT(strstr(online_sql, "CAST(n AS INTEGER)") != NULL);
	CU_ASSERT(strstr(online_sql, "FROM _retort_old_t;\nDROP TABLE _retort_old_t") != NULL);
	ASSERT_Q(c, COLS("t"), "id:INTEGER:0:-:1 name:VARCHAR(10):1:'x':0 n:INTEGER:0:-:0 p_id:INTEGER:0:-:0");
	ASSERT_Q(c, "SELECT group_concat(typeof(n), ',') FROM (SELECT n FROM t ORDER BY id)", "integer,integer,null");
	ASSERT_Q(c, INDEXES("t"), "ix_t_n ux_t_name");
	assert_survivors(c);
	/* the trigger still fires */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO t (id, name) VALUES (4, 'd'); DELETE FROM t WHERE id = 4"),
	                RETORT_OK);
	ASSERT_Q(c, "SELECT group_concat(msg) FROM log", "d");

	/* NOT NULL on a column with a NULL: the copy fails */
	op.type = NULL;
	op.nullable = 0;
	CU_ASSERT_EQUAL(online(c, &op), RETORT_EDB);
	ASSERT_ERR_CONTAINS("NOT NULL constraint failed");
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	vt->disconnect(c);

	c = rebuild_fixture();
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "name";
	op.nullable = 1;
	op.set_server_default = 1;
	op.server_default = "'y'";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("t"), "id:INTEGER:0:-:1 name:VARCHAR(10):0:'y':0 n:TEXT:0:-:0 p_id:INTEGER:0:-:0");
	op.nullable = 0;
	op.server_default = NULL; /* drop the default */
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("t"), "id:INTEGER:0:-:1 name:VARCHAR(10):1:-:0 n:TEXT:0:-:0 p_id:INTEGER:0:-:0");
	op.set_server_default = 1;
	op.server_default = "lower('Z')";
	op.nullable = RETORT_UNSET;
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("t"), "id:INTEGER:0:-:1 name:VARCHAR(10):1:lower('Z'):0 n:TEXT:0:-:0 p_id:INTEGER:0:-:0");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO t (id) VALUES (9)"), RETORT_OK);
	ASSERT_Q(c, "SELECT name FROM t WHERE id = 9", "z");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DELETE FROM t WHERE id = 9; DELETE FROM log"), RETORT_OK);
	assert_survivors(c);

	/* a comment alone renders nothing; a rename alone stays RENAME COLUMN */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "n";
	op.comment = "ignored";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master", "8");
	CU_ASSERT_STRING_EQUAL(online_sql, "");
	op.comment = NULL;
	op.new_name = "num";
	ASSERT_ONLINE_OK(c, &op);
	CU_ASSERT_STRING_EQUAL(online_sql, "ALTER TABLE t RENAME COLUMN n TO num");
	/* a rename with a type change: rebuild, then rename */
	op.column = "num";
	op.new_name = "n2";
	op.type = "real";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("t"), "id:INTEGER:0:-:1 name:VARCHAR(10):1:lower('Z'):0 n2:REAL:0:-:0 p_id:INTEGER:0:-:0");
	ASSERT_Q(c, "SELECT sql FROM sqlite_master WHERE name = 'ix_t_n'", "CREATE INDEX ix_t_n ON t (n2)");
	assert_survivors(c);
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	vt->disconnect(c);
}

static void test_dialect_sqlite__rebuild_constraints(void)
{
	retort_conn *c = rebuild_fixture();
	retort_op op = mkop(RETORT_OP_CREATE_CHECK_CONSTRAINT);
	const char *fcols[] = {"p_id"}, *frefs[] = {"id"}, *pkcols[] = {"a", "b"};
	retort_foreign_key fk = {sizeof fk, "fk_t_p", fcols, 1, "p", frefs, 1, "set null", NULL};

	/* check constraint: added, enforced, dropped */
	op.table = "t";
	op.name = "ck_id";
	op.expression = "id > 0";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name = 't' AND sql LIKE '%CONSTRAINT ck_id CHECK (id > 0)%'", "1");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO t (id, name) VALUES (-1, 'z')"), RETORT_EDB);
	ASSERT_ERR_CONTAINS("CHECK constraint failed: ck_id");
	assert_survivors(c);
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.table = "t";
	op.name = "ck_id";
	op.constraint_type = "check";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%ck_id%'", "0");
	assert_survivors(c);

	/* foreign key: added (validated), dropped */
	op = mkop(RETORT_OP_CREATE_FOREIGN_KEY);
	op.table = "t";
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, FKS("t"), "p_id>p.id:SET NULL");
	ASSERT_Q(c, INDEXES("t"), "ix_t_n ux_t_name");
	assert_survivors(c);
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.table = "t";
	op.name = "fk_t_p";
	op.constraint_type = "foreignkey";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, FKS("t"), "");
	assert_survivors(c);
	/* an unknown name */
	op.name = "nope";
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(online(c, &op), RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("table t has no constraint named nope");

	/* a unique created as an index keeps DROP INDEX */
	op.name = "ux_t_name";
	op.constraint_type = "unique";
	ASSERT_ONLINE_OK(c, &op);
	CU_ASSERT_STRING_EQUAL(online_sql, "DROP INDEX ux_t_name");
	ASSERT_Q(c, INDEXES("t"), "ix_t_n");

	/* create_unique_constraint: a table constraint (rebuild), enforced, dropped by name */
	{
		const char *ucols[] = {"name"};
		op = mkop(RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
		op.table = "t";
		op.name = "uq_t_name";
		op.column_names = ucols;
		op.ncolumn_names = 1;
		ASSERT_ONLINE_OK(c, &op);
		ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name = 't' AND sql LIKE '%CONSTRAINT uq_t_name UNIQUE (name)%'",
		         "1");
		ASSERT_Q(c, "SELECT group_concat(origin) FROM pragma_index_list('t') WHERE \"unique\"", "u");
		ASSERT_Q(c, INDEXES("t"), "ix_t_n sqlite_autoindex_t_1");
		assert_survivors(c);
		CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO t (id, name) SELECT 100, name FROM t LIMIT 1"), RETORT_EDB);
		ASSERT_ERR_CONTAINS("UNIQUE constraint failed: t.name");
		op = mkop(RETORT_OP_DROP_CONSTRAINT);
		op.table = "t";
		op.name = "uq_t_name";
		op.constraint_type = "unique";
		ASSERT_ONLINE_OK(c, &op);
		ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%uq_t_name%'", "0");
		ASSERT_Q(c, "SELECT count(*) FROM pragma_index_list('t') WHERE \"unique\"", "0");
		assert_survivors(c);
	}

	/* primary key: table-level, named; and a unique constraint of the table */
	CU_ASSERT_EQUAL(vt->execute(c, hctx,
	                            "CREATE TABLE k (a INTEGER NOT NULL, b TEXT NOT NULL, CONSTRAINT uq_k_b UNIQUE (b));"
	                            "INSERT INTO k VALUES (1, 'x'), (2, 'y')"),
	                RETORT_OK);
	op = mkop(RETORT_OP_CREATE_PRIMARY_KEY);
	op.table = "k";
	op.name = "pk_k";
	op.column_names = pkcols;
	op.ncolumn_names = 2;
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("k"), "a:INTEGER:1:-:1 b:TEXT:1:-:2");
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(online(c, &op), RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("already has a primary key");
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.table = "k";
	op.name = "pk_k";
	op.constraint_type = "primary";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("k"), "a:INTEGER:1:-:0 b:TEXT:1:-:0");
	op.name = "uq_k_b";
	op.constraint_type = "unique";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, INDEXES("k"), "");
	ASSERT_Q(c, "SELECT count(*) FROM k", "2");
	/* an inline primary key (as create_table renders it) is dropped by its name */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE q (id INTEGER NOT NULL CONSTRAINT pk_q PRIMARY KEY, v TEXT)"),
	                RETORT_OK);
	op.table = "q";
	op.name = "pk_q";
	op.constraint_type = "primary";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("q"), "id:INTEGER:1:-:0 v:TEXT:0:-:0");
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	vt->disconnect(c);
}

static void test_dialect_sqlite__rebuild_failures(void)
{
	retort_conn *c = rebuild_fixture();
	retort_op op = mkop(RETORT_OP_CREATE_CHECK_CONSTRAINT);
	const char *fcols[] = {"p_id"}, *frefs[] = {"id"};
	retort_foreign_key fk = {sizeof fk, "fk_t_p", fcols, 1, "p", frefs, 1, NULL, NULL};

	/* a check the rows violate: the copy fails, the transaction rolls back whole */
	op.table = "t";
	op.name = "ck_bad";
	op.expression = "id > 1";
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(online(c, &op), RETORT_EDB);
	ASSERT_ERR_CONTAINS("CHECK constraint failed: ck_bad");
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort%' OR sql LIKE '%ck_bad%'", "0");
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	assert_survivors(c);

	/* a foreign key the rows violate: the check after the rebuild fails it */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "UPDATE t SET p_id = 99 WHERE id = 2"), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_FOREIGN_KEY);
	op.table = "t";
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(online(c, &op), RETORT_EDB);
	ASSERT_ERR_CONTAINS("table rebuild of t: 1 row(s) of t violate a foreign key (first: rowid 2 references a missing row of p)");
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	ASSERT_Q(c, FKS("t"), "");

	/* a unique constraint the rows violate: the copy fails, nothing is left behind */
	{
		const char *ucols[] = {"p_id"};
		CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
		CU_ASSERT_EQUAL(vt->execute(c, hctx, "UPDATE t SET p_id = 1"), RETORT_OK);
		op = mkop(RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
		op.table = "t";
		op.name = "uq_t_p";
		op.column_names = ucols;
		op.ncolumn_names = 1;
		rt_hctx_clear_error(hctx);
		CU_ASSERT_EQUAL(online(c, &op), RETORT_EDB);
		ASSERT_ERR_CONTAINS("UNIQUE constraint failed");
		CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
		ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort%' OR sql LIKE '%uq_t_p%'", "0");
	}

	/* no such table / column */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "nope";
	op.column = "x";
	op.nullable = 0;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(online(c, &op), RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("no table nope in the database");
	op.table = "t";
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(online(c, &op), RETORT_EINVAL);
	ASSERT_ERR_CONTAINS("table t has no column x");
	vt->disconnect(c);
}

static void test_dialect_sqlite__rebuild_drop_column(void)
{
	retort_conn *c = rebuild_fixture();
	retort_op op = mkop(RETORT_OP_DROP_COLUMN);

	/* not used by anything: the native DROP COLUMN */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "ALTER TABLE t ADD COLUMN spare TEXT"), RETORT_OK);
	op.table = "t";
	op.column = "spare";
	ASSERT_ONLINE_OK(c, &op);
	CU_ASSERT_STRING_EQUAL(online_sql, "ALTER TABLE t DROP COLUMN spare");

	/* indexed: a rebuild that drops the index on it and keeps the others */
	op.column = "n";
	ASSERT_ONLINE_OK(c, &op);
	CU_ASSERT(strstr(online_sql, "ALTER TABLE t RENAME TO _retort_old_t") != NULL);
	ASSERT_Q(c, COLS("t"), "id:INTEGER:0:-:1 name:VARCHAR(10):1:'x':0 p_id:INTEGER:0:-:0");
	ASSERT_Q(c, INDEXES("t"), "ux_t_name");
	assert_survivors(c);

	/* a foreign key that references a column of the same name in another table stays */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE h (id INTEGER, p_id INTEGER, "
	                                     "CONSTRAINT fk_h FOREIGN KEY (p_id) REFERENCES p (id)); CREATE INDEX ix_h ON h (id);"
	                                     "INSERT INTO h VALUES (5, 1)"),
	                RETORT_OK);
	op.table = "h";
	op.column = "id";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, FKS("h"), "p_id>p.id:NO ACTION");
	ASSERT_Q(c, INDEXES("h"), "");
	ASSERT_Q(c, "SELECT p_id FROM h", "1");

	/* used by a unique index and a foreign key: both go with it */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE g (a INTEGER, b INTEGER REFERENCES p (id), "
	                                     "c TEXT CHECK (c <> ''), CONSTRAINT ck_b CHECK (b > 0));"
	                                     "CREATE INDEX ix_g_a ON g (a); INSERT INTO g VALUES (1, 1, 'x')"),
	                RETORT_OK);
	op.table = "g";
	op.column = "b";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("g"), "a:INTEGER:0:-:0 c:TEXT:0:-:0");
	ASSERT_Q(c, FKS("g"), "");
	ASSERT_Q(c, INDEXES("g"), "ix_g_a");
	ASSERT_Q(c, "SELECT sql FROM sqlite_master WHERE name = 'g'", "CREATE TABLE g (\n    a INTEGER,\n    c TEXT CHECK (c <> '')\n)");
	ASSERT_Q(c, "SELECT a || c FROM g", "1x");
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	vt->disconnect(c);
}

static void test_dialect_sqlite__rebuild_autoincrement(void)
{
	retort_conn *c = connect_to("");
	retort_op op = mkop(RETORT_OP_ALTER_COLUMN);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT) WITHOUT ROWID"),
	                RETORT_EDB); /* (AUTOINCREMENT needs a rowid) */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
	                                     "INSERT INTO a (v) VALUES ('x'), ('y'), ('z'); DELETE FROM a WHERE id = 3;"
	                                     "CREATE TABLE w (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;"
	                                     "INSERT INTO w VALUES ('k', 'v')"),
	                RETORT_OK);
	op.table = "a";
	op.column = "v";
	op.nullable = 0;
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, "SELECT seq FROM sqlite_sequence WHERE name = 'a'", "3");
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_sequence", "1");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO a (v) VALUES ('n')"), RETORT_OK);
	ASSERT_Q(c, "SELECT max(id) FROM a", "4");
	ASSERT_Q(c, "SELECT count(*) FROM sqlite_master WHERE name = 'a' AND sql LIKE '%AUTOINCREMENT%'", "1");
	/* WITHOUT ROWID is kept */
	op.table = "w";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, "SELECT sql FROM sqlite_master WHERE name = 'w'",
	         "CREATE TABLE w (\n    k TEXT PRIMARY KEY,\n    v TEXT NOT NULL\n) WITHOUT ROWID");
	ASSERT_Q(c, "SELECT k || v FROM w", "kv");
	vt->disconnect(c);
}

static void test_dialect_sqlite__rebuild_foreign_keys_on(void)
{
	retort_conn *c;
	retort_op op = mkop(RETORT_OP_ALTER_COLUMN);
	void *st2;
	const retort_plugin_descriptor *d = retort_plugin_entry();
	retort_url url;

	/* with enforcement on, a referenced table is refused (its children would lose rows) */
	CU_ASSERT_EQUAL_FATAL(init_with("g = { foreign_keys = true; };", &st2), RETORT_OK);
	memset(&url, 0, sizeof url);
	url.size = sizeof url;
	url.scheme = "sqlite";
	url.database = "";
	CU_ASSERT_FATAL(vt->connect(st2, hctx, &url, &c) == RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT);"
	                                     "CREATE TABLE ch (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) "
	                                     "ON DELETE CASCADE); INSERT INTO p VALUES (1, 'a'); INSERT INTO ch VALUES (1, 1)"),
	                RETORT_OK);
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	op.table = "p";
	op.column = "v";
	op.nullable = 0;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(online(c, &op), RETORT_ENOTSUPPORTED);
	ASSERT_ERR_CONTAINS("set foreign_keys = false");
	/* a table nobody references is rebuilt, its own foreign keys checked */
	op.table = "ch";
	op.column = "p_id";
	ASSERT_ONLINE_OK(c, &op);
	ASSERT_Q(c, COLS("ch"), "id:INTEGER:0:-:1 p_id:INTEGER:1:-:0");
	ASSERT_Q(c, FKS("ch"), "p_id>p.id:CASCADE");
	ASSERT_Q(c, "SELECT count(*) FROM ch", "1");
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_OK);
	vt->disconnect(c);
	d->fini(st2);
}

static void test_dialect_sqlite__cleanup(void)
{
	char cmd[600];
	if (sandbox) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", sandbox);
		CU_ASSERT_EQUAL(system(cmd), 0);
		free(sandbox);
		sandbox = NULL;
	}
}

#define T(name)                                                                                                \
	static void name##_fx(void)                                                                            \
	{                                                                                                      \
		setup();                                                                                       \
		name();                                                                                        \
		teardown();                                                                                    \
	}
T(test_dialect_sqlite__descriptor)
T(test_dialect_sqlite__settings_unknown_key)
T(test_dialect_sqlite__settings_foreign_keys)
T(test_dialect_sqlite__quote_ident)
T(test_dialect_sqlite__quote_literal)
T(test_dialect_sqlite__map_type)
T(test_dialect_sqlite__render_create_table)
T(test_dialect_sqlite__render_reflected)
T(test_dialect_sqlite__render_create_table_composite_pk)
T(test_dialect_sqlite__render_simple_ops)
T(test_dialect_sqlite__render_bulk_insert)
T(test_dialect_sqlite__render_needs_rebuild)
T(test_dialect_sqlite__render_errors)
T(test_dialect_sqlite__connect_file_and_rollback)
T(test_dialect_sqlite__connect_errors)
T(test_dialect_sqlite__execute_and_query)
T(test_dialect_sqlite__lock_between_connections)
T(test_dialect_sqlite__table_exists)
T(test_dialect_sqlite__reflect)
T(test_dialect_sqlite__reflect_names_and_checks)
T(test_dialect_sqlite__reflect_indexes)
T(test_dialect_sqlite__reflect_types_and_defaults)
T(test_dialect_sqlite__reflect_unsupported)
T(test_dialect_sqlite__reflect_round_trips)
T(test_dialect_sqlite__reflect_builder_fails)
T(test_dialect_sqlite__rebuild_set_default_action)
T(test_dialect_sqlite__rebuild_alter_column)
T(test_dialect_sqlite__rebuild_constraints)
T(test_dialect_sqlite__rebuild_failures)
T(test_dialect_sqlite__rebuild_drop_column)
T(test_dialect_sqlite__rebuild_foreign_keys_on)
T(test_dialect_sqlite__rebuild_autoincrement)

static const rt_cu_test tests[] = {
	{"descriptor", test_dialect_sqlite__descriptor_fx},
	{"settings_unknown_key", test_dialect_sqlite__settings_unknown_key_fx},
	{"settings_foreign_keys", test_dialect_sqlite__settings_foreign_keys_fx},
	{"quote_ident", test_dialect_sqlite__quote_ident_fx},
	{"quote_literal", test_dialect_sqlite__quote_literal_fx},
	{"map_type", test_dialect_sqlite__map_type_fx},
	{"render_create_table", test_dialect_sqlite__render_create_table_fx},
	{"render_reflected", test_dialect_sqlite__render_reflected_fx},
	{"render_create_table_composite_pk", test_dialect_sqlite__render_create_table_composite_pk_fx},
	{"render_simple_ops", test_dialect_sqlite__render_simple_ops_fx},
	{"render_bulk_insert", test_dialect_sqlite__render_bulk_insert_fx},
	{"render_needs_rebuild", test_dialect_sqlite__render_needs_rebuild_fx},
	{"render_errors", test_dialect_sqlite__render_errors_fx},
	{"connect_file_and_rollback", test_dialect_sqlite__connect_file_and_rollback_fx},
	{"connect_errors", test_dialect_sqlite__connect_errors_fx},
	{"execute_and_query", test_dialect_sqlite__execute_and_query_fx},
	{"lock_between_connections", test_dialect_sqlite__lock_between_connections_fx},
	{"table_exists", test_dialect_sqlite__table_exists_fx},
	{"reflect", test_dialect_sqlite__reflect_fx},
	{"reflect_names_and_checks", test_dialect_sqlite__reflect_names_and_checks_fx},
	{"reflect_indexes", test_dialect_sqlite__reflect_indexes_fx},
	{"reflect_types_and_defaults", test_dialect_sqlite__reflect_types_and_defaults_fx},
	{"reflect_unsupported", test_dialect_sqlite__reflect_unsupported_fx},
	{"reflect_round_trips", test_dialect_sqlite__reflect_round_trips_fx},
	{"reflect_builder_fails", test_dialect_sqlite__reflect_builder_fails_fx},
	{"rebuild_set_default_action", test_dialect_sqlite__rebuild_set_default_action_fx},
	{"rebuild_alter_column", test_dialect_sqlite__rebuild_alter_column_fx},
	{"rebuild_constraints", test_dialect_sqlite__rebuild_constraints_fx},
	{"rebuild_failures", test_dialect_sqlite__rebuild_failures_fx},
	{"rebuild_drop_column", test_dialect_sqlite__rebuild_drop_column_fx},
	{"rebuild_foreign_keys_on", test_dialect_sqlite__rebuild_foreign_keys_on_fx},
	{"rebuild_autoincrement", test_dialect_sqlite__rebuild_autoincrement_fx},
	{"cleanup", test_dialect_sqlite__cleanup},
	{NULL, NULL},
};

static const rt_cu_suite suites[] = {
	{"dialect_sqlite", tests},
	{NULL, NULL},
};

RT_CU_MAIN(suites)

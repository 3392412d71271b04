/*
 * test_dialect_pg: the postgresql dialect through its public vtable and the
 * real host services.  Rendering needs no server; the live suite runs
 * against RETORT_TEST_PG_URL (tests/lib/servers.sh starts one) and prints
 * SKIPPED when it is unset (a failure under CI=true).
 */
#include "config.h"

#include <libconfig.h>
#include <time.h>

#include <retort/dialect.h>

#include "cu.h"
#include "host.h"
#include "url.h"
#include "pg.h"

#define DIALECT "postgresql"
#define URL_ENV "RETORT_TEST_PG_URL"

#include "dialect_fixture.h"

/* ---- descriptor ---- */

static void test_pg__descriptor(void)
{
	const retort_plugin_descriptor *d = retort_plugin_entry();
	CU_ASSERT_FATAL(setup());
	CU_ASSERT_STRING_EQUAL(d->name, "postgresql");
	CU_ASSERT_EQUAL(d->abi_version, RETORT_PLUGIN_ABI_VERSION);
	CU_ASSERT_EQUAL(vt->flags & RETORT_DIALECT_TRANSACTIONAL_DDL, RETORT_DIALECT_TRANSACTIONAL_DDL);
	CU_ASSERT_EQUAL(vt->max_identifier_length, 63);
	CU_ASSERT_STRING_EQUAL(vt->url_schemes[0], "postgresql");
	CU_ASSERT_STRING_EQUAL(vt->url_schemes[1], "postgres");
	CU_ASSERT_PTR_NULL(vt->url_schemes[2]);
	/* the slots of methods that left ABI 1 stay NULL */
	CU_ASSERT(!vt->reserved_1 && !vt->reserved_2 && !vt->reserved_3);
}

static void test_pg__rejects_unknown_setting(void)
{
	config_t cfg;
	retort_settings s;
	retort_host_ctx *h = rt_hctx_new(DIALECT);
	void *st = NULL;
	CU_ASSERT_FATAL(setup());
	config_init(&cfg);
	CU_ASSERT_FATAL(config_read_string(&cfg, "g = { module = \"postgresql\"; lock_mode = \"x\"; };") ==
	                CONFIG_TRUE);
	rt_settings_init(&s, config_lookup(&cfg, "g"));
	CU_ASSERT_EQUAL(retort_plugin_entry()->init(host, h, &s, RETORT_KIND_DIALECT, &st), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_buf_cstr(&h->error), "unknown setting 'lock_mode'"));
	CU_ASSERT_PTR_NULL(st);
	rt_settings_free(&s);
	/* a group with only host keys is fine */
	config_destroy(&cfg);
	config_init(&cfg);
	CU_ASSERT_FATAL(config_read_string(&cfg, "g = { module = \"postgresql\"; };") == CONFIG_TRUE);
	rt_settings_init(&s, config_lookup(&cfg, "g"));
	CU_ASSERT_EQUAL(retort_plugin_entry()->init(host, h, &s, RETORT_KIND_DIALECT, &st), RETORT_OK);
	retort_plugin_entry()->fini(st);
	rt_settings_free(&s);
	config_destroy(&cfg);
	rt_hctx_free(h);
}

/* ---- quoting and types ---- */

static void test_pg__quote_ident(void)
{
	CU_ASSERT_FATAL(setup());
	EXPECT_TEXT(vt->quote_ident, "account", "account");
	EXPECT_TEXT(vt->quote_ident, "_x$1", "_x$1");
	EXPECT_TEXT(vt->quote_ident, "order", "\"order\"");
	EXPECT_TEXT(vt->quote_ident, "user", "\"user\"");
	EXPECT_TEXT(vt->quote_ident, "table", "\"table\"");
	EXPECT_TEXT(vt->quote_ident, "select", "\"select\"");
	EXPECT_TEXT(vt->quote_ident, "concurrently", "\"concurrently\"");
	EXPECT_TEXT(vt->quote_ident, "name", "name"); /* non-reserved key word */
	EXPECT_TEXT(vt->quote_ident, "Account", "\"Account\"");
	EXPECT_TEXT(vt->quote_ident, "my col", "\"my col\"");
	EXPECT_TEXT(vt->quote_ident, "a\"b", "\"a\"\"b\"");
	EXPECT_TEXT(vt->quote_ident, "\"", "\"\"\"\"");
	EXPECT_TEXT(vt->quote_ident, "1abc", "\"1abc\"");
	EXPECT_TEXT(vt->quote_ident, "", "\"\"");
}

static void test_pg__quote_literal(void)
{
	CU_ASSERT_FATAL(setup());
	EXPECT_TEXT(vt->quote_literal, "abc", "'abc'");
	EXPECT_TEXT(vt->quote_literal, "it's", "'it''s'");
	EXPECT_TEXT(vt->quote_literal, "''", "''''''");
	EXPECT_TEXT(vt->quote_literal, "a\\b", "'a\\b'"); /* standard_conforming_strings */
	EXPECT_TEXT(vt->quote_literal, "", "''");
}

static void test_pg__map_type(void)
{
	CU_ASSERT_FATAL(setup());
	EXPECT_TEXT(pg_map_type, "integer", "INTEGER");
	EXPECT_TEXT(pg_map_type, "bigint", "BIGINT");
	EXPECT_TEXT(pg_map_type, "smallint", "SMALLINT");
	EXPECT_TEXT(pg_map_type, "boolean", "BOOLEAN");
	EXPECT_TEXT(pg_map_type, "varchar(255)", "VARCHAR(255)");
	EXPECT_TEXT(pg_map_type, "VARCHAR(20)", "VARCHAR(20)");
	EXPECT_TEXT(pg_map_type, "text", "TEXT");
	EXPECT_TEXT(pg_map_type, "numeric(12,2)", "NUMERIC(12,2)");
	EXPECT_TEXT(pg_map_type, "real", "REAL");
	EXPECT_TEXT(pg_map_type, "double", "DOUBLE PRECISION");
	EXPECT_TEXT(pg_map_type, "date", "DATE");
	EXPECT_TEXT(pg_map_type, "time", "TIME");
	EXPECT_TEXT(pg_map_type, "timestamp", "TIMESTAMP WITHOUT TIME ZONE");
	EXPECT_TEXT(pg_map_type, "timestamptz", "TIMESTAMP WITH TIME ZONE");
	EXPECT_TEXT(pg_map_type, "blob", "BYTEA");
	EXPECT_TEXT(pg_map_type, "json", "JSON");
	EXPECT_TEXT(pg_map_type, "uuid", "UUID");
	/* anything else verbatim */
	EXPECT_TEXT(pg_map_type, "citext", "citext");
	EXPECT_TEXT(pg_map_type, "integer[]", "integer[]");
	EXPECT_TEXT(pg_map_type, "double precision", "double precision");
	EXPECT_TEXT(pg_map_type, "integer(4)", "integer(4)");
}

/* ---- rendering ---- */

static void test_pg__render_create_table(void)
{
	retort_column cols[4];
	const char *uq_cols[] = {"user", "my col"};
	const char *fk_cols[] = {"user"};
	const char *fk_ref[] = {"id"};
	retort_constraint uq = {sizeof uq, "uq_order_user", uq_cols, 2, NULL};
	retort_constraint ck = {sizeof ck, "ck_total", NULL, 0, "total >= 0"};
	retort_foreign_key fk = {sizeof fk, "fk_order_user", fk_cols, 1, "user", fk_ref, 1, "cascade", "set null"};
	retort_op op = mkop(RETORT_OP_CREATE_TABLE);
	CU_ASSERT_FATAL(setup());
	cols[0] = mkcol("id", "integer");
	cols[0].primary_key = 1;
	cols[0].autoincrement = 1;
	cols[0].nullable = 0;
	cols[1] = mkcol("user", "varchar(255)");
	cols[1].nullable = 0;
	cols[1].server_default = "'nobody'";
	cols[2] = mkcol("my col", "text");
	cols[2].comment = "it's free text";
	cols[2].unique = 1;
	cols[3] = mkcol("total", "numeric(12,2)");
	cols[3].server_default = "0";
	op.table = "order";
	op.columns = cols;
	op.ncolumns = 4;
	op.uniques = &uq;
	op.nuniques = 1;
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	op.checks = &ck;
	op.nchecks = 1;
	op.comment = "customer orders";
	EXPECT_SQL(&op, "CREATE TABLE \"order\" (\n"
	                "    id SERIAL NOT NULL PRIMARY KEY,\n"
	                "    \"user\" VARCHAR(255) NOT NULL DEFAULT 'nobody',\n"
	                "    \"my col\" TEXT UNIQUE,\n"
	                "    total NUMERIC(12,2) DEFAULT 0,\n"
	                "    CONSTRAINT uq_order_user UNIQUE (\"user\", \"my col\"),\n"
	                "    CONSTRAINT fk_order_user FOREIGN KEY (\"user\") REFERENCES \"user\" (id) ON DELETE "
	                "CASCADE ON UPDATE SET NULL,\n"
	                "    CONSTRAINT ck_total CHECK (total >= 0)\n"
	                ");\n"
	                "COMMENT ON TABLE \"order\" IS 'customer orders';\n"
	                "COMMENT ON COLUMN \"order\".\"my col\" IS 'it''s free text';\n");
}

static void test_pg__render_primary_keys(void)
{
	retort_column cols[2];
	const char *pk_cols[] = {"a", "b"};
	retort_constraint pk = {sizeof pk, "pk_t", pk_cols, 2, NULL};
	retort_op op = mkop(RETORT_OP_CREATE_TABLE);
	CU_ASSERT_FATAL(setup());
	cols[0] = mkcol("a", "bigint");
	cols[0].primary_key = 1;
	cols[0].autoincrement = 1;
	cols[1] = mkcol("b", "smallint");
	cols[1].primary_key = 1;
	op.table = "t";
	op.columns = cols;
	op.ncolumns = 2;
	/* several primary_key columns: one table-level key */
	EXPECT_SQL(&op, "CREATE TABLE t (\n    a BIGSERIAL,\n    b SMALLINT,\n    PRIMARY KEY (a, b)\n);\n");
	/* a named table-level key wins over the column flags */
	op.primary_key = &pk;
	EXPECT_SQL(&op, "CREATE TABLE t (\n    a BIGSERIAL,\n    b SMALLINT,\n    CONSTRAINT pk_t PRIMARY KEY (a, b)\n);\n");
	/* no columns */
	op.ncolumns = 0;
	EXPECT_FAIL(&op, RETORT_EINVAL, "create_table of t needs at least one column");
}

static void test_pg__render_table_ops(void)
{
	retort_column col = mkcol("e mail", "varchar(320)");
	retort_op op = mkop(RETORT_OP_DROP_TABLE);
	CU_ASSERT_FATAL(setup());
	op.table = "user";
	EXPECT_SQL(&op, "DROP TABLE \"user\";\n");
	op = mkop(RETORT_OP_RENAME_TABLE);
	op.table = "user";
	op.new_name = "account";
	EXPECT_SQL(&op, "ALTER TABLE \"user\" RENAME TO account;\n");
	op = mkop(RETORT_OP_ADD_COLUMN);
	op.table = "account";
	col.nullable = 0;
	col.server_default = "''";
	col.comment = "where we write";
	op.columns = &col;
	op.ncolumns = 1;
	EXPECT_SQL(&op, "ALTER TABLE account ADD COLUMN \"e mail\" VARCHAR(320) NOT NULL DEFAULT '';\n"
	                "COMMENT ON COLUMN account.\"e mail\" IS 'where we write';\n");
	op = mkop(RETORT_OP_DROP_COLUMN);
	op.table = "account";
	op.column = "e mail";
	EXPECT_SQL(&op, "ALTER TABLE account DROP COLUMN \"e mail\";\n");
	op.table = NULL;
	EXPECT_FAIL(&op, RETORT_EINVAL, "drop_column needs table");
}

static void test_pg__render_alter_column(void)
{
	retort_op op = mkop(RETORT_OP_ALTER_COLUMN);
	CU_ASSERT_FATAL(setup());
	op.table = "order";
	op.column = "user";
	op.type = "bigint";
	op.nullable = 0;
	op.set_server_default = 1;
	op.server_default = "42";
	op.comment = "who";
	op.new_name = "customer";
	EXPECT_SQL(&op, "ALTER TABLE \"order\" ALTER COLUMN \"user\" SET NOT NULL;\n"
	                "ALTER TABLE \"order\" ALTER COLUMN \"user\" TYPE BIGINT;\n"
	                "ALTER TABLE \"order\" ALTER COLUMN \"user\" SET DEFAULT 42;\n"
	                "COMMENT ON COLUMN \"order\".\"user\" IS 'who';\n"
	                "ALTER TABLE \"order\" RENAME COLUMN \"user\" TO customer;\n");
	/* drop the default before the type change; nullable; empty comment removes it */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "c";
	op.type = "text";
	op.nullable = 1;
	op.set_server_default = 1;
	op.comment = "";
	EXPECT_SQL(&op, "ALTER TABLE t ALTER COLUMN c DROP NOT NULL;\n"
	                "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;\n"
	                "ALTER TABLE t ALTER COLUMN c TYPE TEXT;\n"
	                "COMMENT ON COLUMN t.c IS NULL;\n");
	/* nothing asked: nothing rendered */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "c";
	EXPECT_SQL(&op, "");
}

static void test_pg__render_indexes(void)
{
	const char *cols[] = {"email", "deleted at"};
	retort_op op = mkop(RETORT_OP_CREATE_INDEX);
	CU_ASSERT_FATAL(setup());
	op.name = "ix_user_email";
	op.table = "user";
	op.column_names = cols;
	op.ncolumn_names = 1;
	EXPECT_SQL(&op, "CREATE INDEX ix_user_email ON \"user\" (email);\n");
	op.unique = 1;
	op.ncolumn_names = 2;
	op.where = "\"deleted at\" IS NULL";
	EXPECT_SQL(&op, "CREATE UNIQUE INDEX ix_user_email ON \"user\" (email, \"deleted at\") WHERE \"deleted at\" IS "
	                "NULL;\n");
	op.unique = 0;
	op.where = NULL;
	op.ncolumn_names = 1;
	op.concurrently = 1;
	EXPECT_SQL(&op, "CREATE INDEX CONCURRENTLY ix_user_email ON \"user\" (email) /* no transaction */;\n");
	/* an index on expressions: the key list verbatim */
	op.concurrently = 0;
	op.column_names = NULL;
	op.ncolumn_names = 0;
	op.expression = "lower((email)::text), id DESC";
	op.where = "(id > 0)";
	EXPECT_SQL(&op, "CREATE INDEX ix_user_email ON \"user\" (lower((email)::text), id DESC) WHERE (id > 0);\n");
	op = mkop(RETORT_OP_DROP_INDEX);
	op.name = "ix_user_email";
	EXPECT_SQL(&op, "DROP INDEX ix_user_email;\n");
	op.name = NULL;
	EXPECT_FAIL(&op, RETORT_EINVAL, "drop_index needs name");
}

static void test_pg__render_enums(void)
{
	const char *values[] = {"sad", "it's ok", "happy"};
	retort_op op = mkop(RETORT_OP_CREATE_ENUM);
	CU_ASSERT_FATAL(setup());
	op.name = "Mood";
	op.column_names = values;
	op.ncolumn_names = 3;
	EXPECT_SQL(&op, "CREATE TYPE \"Mood\" AS ENUM ('sad', 'it''s ok', 'happy');\n");
	op.ncolumn_names = 0;
	EXPECT_SQL(&op, "CREATE TYPE \"Mood\" AS ENUM ();\n");
	op.name = NULL;
	EXPECT_FAIL(&op, RETORT_EINVAL, "needs name");
	op = mkop(RETORT_OP_DROP_ENUM);
	op.name = "mood";
	EXPECT_SQL(&op, "DROP TYPE mood;\n");
}

/* What the host hands through op_more while it renders `op` (as render_raw does). */
static void give_more(const retort_op *op, const retort_op_more *m)
{
	static const retort_op *ops[1];
	static const retort_op_more *mores[1];
	ops[0] = op;
	mores[0] = m;
	rt_hctx_rendering(hctx, ops, mores, 1);
}

static void test_pg__render_enum_values_and_autoincrement(void)
{
	const char *one[] = {"it's ok"}, *values[] = {"sad", "ok"};
	retort_op_more m;
	retort_op op = mkop(RETORT_OP_ADD_ENUM_VALUE);
	CU_ASSERT_FATAL(setup());
	memset(&m, 0, sizeof m);
	m.size = sizeof m;
	m.autoincrement = m.existing_autoincrement = RETORT_UNSET;
	op.name = "Mood";
	op.column_names = one;
	op.ncolumn_names = 1;
	give_more(&op, NULL);
	EXPECT_SQL(&op, "ALTER TYPE \"Mood\" ADD VALUE 'it''s ok' /* no transaction */;\n");
	m.after = "sad";
	give_more(&op, &m);
	EXPECT_SQL(&op, "ALTER TYPE \"Mood\" ADD VALUE 'it''s ok' AFTER 'sad' /* no transaction */;\n");
	CU_ASSERT_EQUAL(hctx->more_asked, 1);
	m.after = NULL;
	m.before = "happy";
	give_more(&op, &m);
	EXPECT_SQL(&op, "ALTER TYPE \"Mood\" ADD VALUE 'it''s ok' BEFORE 'happy' /* no transaction */;\n");
	op.ncolumn_names = 0;
	EXPECT_FAIL(&op, RETORT_EINVAL, "needs value");
	/* the rebuild: one DO block, its columns found in the catalog */
	op = mkop(RETORT_OP_ALTER_ENUM);
	op.name = "mood";
	op.column_names = values;
	op.ncolumn_names = 2;
	give_more(&op, NULL);
	{
		int rc;
		char *got = render(&op, &rc);
		CU_ASSERT_EQUAL(rc, RETORT_OK);
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "DO $retort$ "));
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "ALTER TYPE mood RENAME TO mood__retort_old; CREATE TYPE mood AS ENUM ('sad', 'ok');"));
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "USING %I::text::%I', t[i], c[i], 'mood', c[i], 'mood')"));
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "DROP TYPE mood__retort_old; END $retort$;\n"));
		CU_ASSERT_PTR_NULL(strstr(got, "no transaction"));
		rt_free(got);
	}
	/* autoincrement on: an identity, its sequence past the rows' values */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "id";
	m.before = NULL;
	m.autoincrement = 1;
	give_more(&op, &m);
	EXPECT_SQL(&op, "ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;\n"
	                "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I', 't'), 'id'), "
	                "COALESCE(MAX(id), 0) + 1, false) FROM t;\n");
	m.autoincrement = 0;
	give_more(&op, &m);
	EXPECT_SQL(&op, "DO $retort$ DECLARE s text := pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I', 't'), 'id'); "
	                "BEGIN ALTER TABLE t ALTER COLUMN id DROP IDENTITY IF EXISTS; ALTER TABLE t ALTER COLUMN id DROP DEFAULT; "
	                "IF s IS NOT NULL THEN EXECUTE 'DROP SEQUENCE IF EXISTS ' || s; END IF; END $retort$;\n");
	give_more(NULL, NULL);
}

static void test_pg__render_constraints(void)
{
	const char *cols[] = {"user id"};
	const char *ref[] = {"id"};
	retort_foreign_key fk = {sizeof fk, "fk_a_user", cols, 1, "user", ref, 1, NULL, "RESTRICT"};
	retort_op op = mkop(RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
	CU_ASSERT_FATAL(setup());
	op.name = "uq_a";
	op.table = "a";
	op.column_names = cols;
	op.ncolumn_names = 1;
	EXPECT_SQL(&op, "ALTER TABLE a ADD CONSTRAINT uq_a UNIQUE (\"user id\");\n");
	op.kind = RETORT_OP_CREATE_PRIMARY_KEY;
	op.name = "pk_a";
	EXPECT_SQL(&op, "ALTER TABLE a ADD CONSTRAINT pk_a PRIMARY KEY (\"user id\");\n");
	op = mkop(RETORT_OP_CREATE_FOREIGN_KEY);
	op.table = "a";
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	EXPECT_SQL(&op, "ALTER TABLE a ADD CONSTRAINT fk_a_user FOREIGN KEY (\"user id\") REFERENCES \"user\" (id) ON "
	                "UPDATE RESTRICT;\n");
	fk.on_delete = "explode";
	EXPECT_FAIL(&op, RETORT_EINVAL, "unknown foreign key action 'explode'");
	op = mkop(RETORT_OP_CREATE_CHECK_CONSTRAINT);
	op.name = "ck_a";
	op.table = "a";
	op.expression = "x > 0";
	EXPECT_SQL(&op, "ALTER TABLE a ADD CONSTRAINT ck_a CHECK (x > 0);\n");
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.name = "fk_a_user";
	op.table = "a";
	op.constraint_type = "foreignkey";
	EXPECT_SQL(&op, "ALTER TABLE a DROP CONSTRAINT fk_a_user;\n");
}

static void test_pg__render_bulk_insert(void)
{
	const char *cols[] = {"id", "name", "ok", "score", "note"};
	retort_value rows[] = {
		{RETORT_VALUE_INT, "1"},     {RETORT_VALUE_STRING, "O'Brien"}, {RETORT_VALUE_BOOL, "1"},
		{RETORT_VALUE_FLOAT, "1.5e3"}, {RETORT_VALUE_NULL, NULL},
		{RETORT_VALUE_INT, "-2"},    {RETORT_VALUE_STRING, "back\\slash"}, {RETORT_VALUE_BOOL, "false"},
		{RETORT_VALUE_FLOAT, ".5"},  {RETORT_VALUE_STRING, ""},
	};
	retort_op op = mkop(RETORT_OP_BULK_INSERT);
	CU_ASSERT_FATAL(setup());
	op.table = "user";
	op.column_names = cols;
	op.ncolumn_names = 5;
	op.rows = rows;
	op.nrows = 2;
	EXPECT_SQL(&op, "INSERT INTO \"user\" (id, name, ok, score, note) VALUES (1, 'O''Brien', TRUE, 1.5e3, NULL);\n"
	                "INSERT INTO \"user\" (id, name, ok, score, note) VALUES (-2, 'back\\slash', FALSE, .5, '');\n");
	rows[0].text = "1; DROP TABLE x";
	EXPECT_FAIL(&op, RETORT_EINVAL, "is not an integer");
	rows[0].text = "1";
	rows[3].text = "1e";
	EXPECT_FAIL(&op, RETORT_EINVAL, "is not a number");
}

static void test_pg__render_execute_and_dialect_filter(void)
{
	retort_op op = mkop(RETORT_OP_EXECUTE);
	CU_ASSERT_FATAL(setup());
	op.sql = "UPDATE account SET email = name || '@example.com'";
	EXPECT_SQL(&op, "UPDATE account SET email = name || '@example.com';\n");
	op.dialect = "mysql";
	EXPECT_SQL(&op, "");
	op.dialect = "postgresql";
	EXPECT_SQL(&op, "UPDATE account SET email = name || '@example.com';\n");
	op.kind = RETORT_OP_DROP_TABLE;
	op.dialect = "sqlite";
	op.table = "t";
	EXPECT_SQL(&op, "");
	op = mkop((retort_op_kind)99);
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "unknown operation kind 99");
}

/* ---- live: a real server ---- */

static rt_url *url_parsed;

static const retort_url *live_url(void)
{
	const char *raw = getenv(URL_ENV);
	if (!raw || !*raw)
		return NULL;
	if (!url_parsed && rt_url_parse(&url_parsed, raw) != RETORT_OK)
		return NULL;
	return rt_url_view(url_parsed);
}

static void free_url(void)
{
	rt_url_free(url_parsed);
	url_parsed = NULL;
}

static retort_conn *live_connect(void)
{
	retort_conn *c = NULL;
	const retort_url *u = live_url();
	if (!u || !setup())
		return NULL;
	if (vt->connect(state, hctx, u, &c) != RETORT_OK) {
		fprintf(stderr, "\nconnect failed: %s\n", errmsg());
		CU_FAIL("connect");
		return NULL;
	}
	return c;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exists(retort_conn *c, const char *table)
{
	int e = -1;
	CU_ASSERT_EQUAL(vt->table_exists(c, hctx, table, &e), RETORT_OK);
	return e;
}

static void test_pg__live_server(void)
{
	const char *ci = getenv("CI");
	if (live_url())
		return;
	printf("\nSKIPPED: postgresql tests: no server (" URL_ENV " unset)\n");
	fflush(stdout);
	if (ci && strcmp(ci, "true") == 0)
		CU_FAIL("CI=true and no PostgreSQL server: " URL_ENV " unset");
}

static int collect(void *arg, size_t ncols, const char *const *values)
{
	rt_buf *b = arg;
	size_t i;
	for (i = 0; i < ncols; i++)
		rt_buf_printf(b, "%s%s", i ? "|" : "", values[i] ? values[i] : "(null)");
	rt_buf_putc(b, '\n');
	return RETORT_OK;
}

static void test_pg__live_execute_query(void)
{
	retort_conn *c = live_connect();
	rt_buf b = RT_BUF_INIT;
	if (!c)
		return;
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SELECT 1"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT 1, NULL, 'x''y' UNION ALL SELECT 2, 'b', ''", collect, &b),
	                RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "1|(null)|x'y\n2|b|\n"));
	rt_buf_free(&b);
	/* a database error: message and SQLSTATE */
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SELEC 1"), RETORT_EDB);
	CU_ASSERT_STRING_EQUAL(hctx->sqlstate, "42601");
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "syntax error"));
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SELECT * FROM no_such_table_here"), RETORT_EDB);
	CU_ASSERT_STRING_EQUAL(hctx->sqlstate, "42P01");
	vt->disconnect(c);
}

static void test_pg__live_transactional_ddl(void)
{
	retort_conn *c = live_connect();
	if (!c)
		return;
	vt->execute(c, hctx, "DROP TABLE IF EXISTS rt_tx_probe");
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 0);
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE rt_tx_probe (id integer)"), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 1);
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	/* DDL rolled back with the transaction */
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 0);
	/* commit keeps it */
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE rt_tx_probe (id integer)"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 1);
	/* COMMIT of a failed transaction is an error, not a silent rollback */
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP TABLE rt_tx_probe"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SELECT 1/0"), RETORT_EDB);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_EDB);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "rolled back"));
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 1);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP TABLE rt_tx_probe"), RETORT_OK);
	vt->disconnect(c);
}

static void test_pg__live_lock(void)
{
	retort_conn *a = live_connect(), *b = live_connect();
	double t0, dt;
	if (!a || !b)
		goto done;
	CU_ASSERT_EQUAL(vt->lock(a, hctx, "retort_version", 5), RETORT_OK);
	rt_hctx_clear_error(hctx);
	t0 = now_s();
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 1), RETORT_ELOCKED);
	dt = now_s() - t0;
	CU_ASSERT(dt >= 0.9 && dt < 3.0);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "could not take the migration lock within 1 s"));
	/* another key is another lock */
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "other_version", 0), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, "other_version"), RETORT_OK);
	/* session-level: a rolled-back transaction does not release it */
	CU_ASSERT_EQUAL(vt->begin(a, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->rollback(a, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 0), RETORT_ELOCKED);
	CU_ASSERT_EQUAL(vt->unlock(a, hctx, "retort_version"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 1), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, "retort_version"), RETORT_OK);
	/* disconnecting releases it too */
	CU_ASSERT_EQUAL(vt->lock(a, hctx, "retort_version", 0), RETORT_OK);
	vt->disconnect(a);
	a = NULL;
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 2), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, "retort_version"), RETORT_OK);
done:
	vt->disconnect(a);
	vt->disconnect(b);
}

static void test_pg__live_lookups(void)
{
	retort_conn *c = live_connect();
	if (!c)
		return;
	vt->execute(c, hctx, "DROP TABLE IF EXISTS \"rt order\"");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE \"rt order\" (v varchar(32), t text, \"my col\" varchar(7))"),
	                RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "rt order"), 1);
	CU_ASSERT_EQUAL(exists(c, "rt_order"), 0);
	CU_ASSERT_EQUAL(exists(c, "x' OR '1'='1"), 0);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP TABLE \"rt order\""), RETORT_OK);
	vt->disconnect(c);
}

/* Rebuild the test URL with another password / an extra query parameter. */
static char *url_with(const retort_url *u, const char *password, const char *query)
{
	return rt_asprintf("%s://%s:%s@%s%s%s/%s%s", u->scheme, u->user ? u->user : "", password,
	                   u->host ? u->host : "", u->port ? ":" : "", u->port ? u->port : "", u->database,
	                   query ? query : "");
}

static void test_pg__live_connect_errors(void)
{
	const retort_url *u = live_url();
	rt_url *bad = NULL;
	retort_conn *c = NULL;
	char *raw;
	if (!u || !setup())
		return;
	raw = url_with(u, "Wr0ng-S3cret-pw", NULL);
	CU_ASSERT_FATAL(rt_url_parse(&bad, raw) == RETORT_OK);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, rt_url_view(bad), &c), RETORT_ECONNECT);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "could not connect to postgresql://"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "password authentication failed"));
	CU_ASSERT_PTR_NULL(strstr(errmsg(), "Wr0ng-S3cret-pw"));
	CU_ASSERT_PTR_NULL(strstr(errmsg(), "retort-pw"));
	rt_url_free(bad);
	rt_free(raw);
	/* libpq parameters pass through: a bad one is libpq's error */
	raw = url_with(u, u->password ? u->password : "", "?no_such_option=1");
	bad = NULL;
	CU_ASSERT_FATAL(rt_url_parse(&bad, raw) == RETORT_OK);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, rt_url_view(bad), &c), RETORT_ECONNECT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "no_such_option"));
	CU_ASSERT_PTR_NULL(strstr(errmsg(), "retort-pw"));
	rt_url_free(bad);
	rt_free(raw);
	/* and good ones work */
	raw = url_with(u, u->password ? u->password : "", "?sslmode=disable&application_name=rt-test");
	bad = NULL;
	CU_ASSERT_FATAL(rt_url_parse(&bad, raw) == RETORT_OK);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, rt_url_view(bad), &c), RETORT_OK);
	if (c) {
		rt_buf b = RT_BUF_INIT;
		CU_ASSERT_EQUAL(vt->query(c, hctx, "SHOW application_name", collect, &b), RETORT_OK);
		CU_ASSERT(same(rt_buf_cstr(&b), "rt-test\n"));
		rt_buf_free(&b);
		vt->disconnect(c);
	}
	rt_url_free(bad);
	rt_free(raw);
}

/* Render an operation and run every statement it gives. */
static int run_op(retort_conn *c, const retort_op *op)
{
	retort_sink s;
	size_t i;
	int rc;
	rt_sink_init(&s);
	rc = vt->render(state, hctx, op, &s);
	if (rc == RETORT_OK)
		rt_sink_flush(&s);
	for (i = 0; rc == RETORT_OK && i < s.n; i++) {
		rc = vt->execute(c, hctx, s.stmts[i].sql);
		if (rc != RETORT_OK)
			fprintf(stderr, "\n%s\n-> %s\n", s.stmts[i].sql, errmsg());
	}
	rt_sink_free(&s);
	return rc;
}

static long count_rows(retort_conn *c, const char *sql)
{
	rt_buf b = RT_BUF_INIT;
	long n = -1;
	if (vt->query(c, hctx, sql, collect, &b) == RETORT_OK)
		n = strtol(rt_buf_cstr(&b), NULL, 10);
	rt_buf_free(&b);
	return n;
}

/* Every operation the dialect renders, run against the server. */
static void test_pg__live_render_roundtrip(void)
{
	retort_conn *c = live_connect();
	retort_column ucols[2], ocols[3], extra;
	const char *fk_cols[] = {"user"}, *fk_ref[] = {"id"}, *ix_cols[] = {"my col"}, *ins_cols[] = {"id", "name"};
	retort_foreign_key fk = {sizeof fk, "fk_order_user", fk_cols, 1, "user", fk_ref, 1, "cascade", NULL};
	retort_constraint ck = {sizeof ck, "ck_qty", NULL, 0, "qty > 0"};
	retort_value rows[] = {{RETORT_VALUE_INT, "1"}, {RETORT_VALUE_STRING, "O'Brien \\ \"x\""}};
	retort_op op;
	if (!c)
		return;
	vt->execute(c, hctx, "DROP TABLE IF EXISTS \"order\", \"user\", customer CASCADE");
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_TABLE);
	ucols[0] = mkcol("id", "integer");
	ucols[0].primary_key = ucols[0].autoincrement = 1;
	ucols[1] = mkcol("name", "varchar(40)");
	ucols[1].comment = "it's a name";
	op.table = "user";
	op.columns = ucols;
	op.ncolumns = 2;
	op.comment = "people";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_TABLE);
	ocols[0] = mkcol("id", "bigint");
	ocols[0].primary_key = ocols[0].autoincrement = 1;
	ocols[1] = mkcol("user", "integer");
	ocols[1].nullable = 0;
	ocols[2] = mkcol("qty", "smallint");
	ocols[2].server_default = "1";
	op.table = "order";
	op.columns = ocols;
	op.ncolumns = 3;
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	op.checks = &ck;
	op.nchecks = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_ADD_COLUMN);
	extra = mkcol("my col", "varchar(10)");
	op.table = "order";
	op.columns = &extra;
	op.ncolumns = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "order";
	op.column = "my col";
	op.type = "text";
	op.nullable = 0;
	op.set_server_default = 1;
	op.server_default = "'-'";
	op.comment = "a comment";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_INDEX);
	op.name = "ix_order_my_col";
	op.table = "order";
	op.column_names = ix_cols;
	op.ncolumn_names = 1;
	op.unique = 1;
	op.where = "qty > 1";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
	op.name = "uq_order_user";
	op.table = "order";
	op.column_names = fk_cols;
	op.ncolumn_names = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op.kind = RETORT_OP_DROP_CONSTRAINT;
	op.constraint_type = "unique";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.name = "fk_order_user";
	op.table = "order";
	op.constraint_type = "foreignkey";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_FOREIGN_KEY);
	op.table = "order";
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_DROP_INDEX);
	op.name = "ix_order_my_col";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "order";
	op.column = "my col";
	op.new_name = "note";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_BULK_INSERT);
	op.table = "user";
	op.column_names = ins_cols;
	op.ncolumn_names = 2;
	op.rows = rows;
	op.nrows = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	CU_ASSERT_EQUAL(count_rows(c, "SELECT count(*) FROM \"user\" WHERE name = 'O''Brien \\ \"x\"'"), 1);
	op = mkop(RETORT_OP_RENAME_TABLE);
	op.table = "user";
	op.new_name = "customer";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "customer"), 1);
	/* CONCURRENTLY runs outside a transaction */
	op = mkop(RETORT_OP_CREATE_INDEX);
	op.name = "ix_customer_name";
	op.table = "customer";
	op.column_names = ins_cols + 1;
	op.ncolumn_names = 1;
	op.concurrently = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_DROP_TABLE);
	op.table = "order";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op.table = "customer";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "customer"), 0);
	vt->disconnect(c);
}

/* The same server through its Unix socket (servers.sh writes the URL). */
static void test_pg__live_unix_socket(void)
{
	const char *raw = getenv("RETORT_TEST_PG_SOCKET_URL");
	rt_url *u = NULL;
	retort_conn *c = NULL;
	rt_buf b = RT_BUF_INIT;
	if (!raw || !*raw || !setup())
		return;
	CU_ASSERT_FATAL(rt_url_parse(&u, raw) == RETORT_OK);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, rt_url_view(u), &c), RETORT_OK);
	if (!c)
		fprintf(stderr, "\nsocket connect: %s\n", errmsg());
	if (c) {
		CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT 6 * 7", collect, &b), RETORT_OK);
		CU_ASSERT(same(rt_buf_cstr(&b), "42\n"));
		vt->disconnect(c);
	}
	rt_buf_free(&b);
	rt_url_free(u);
}

/* ---- reflection ---- */

/* A builder that writes one line per call; the lines are sorted before comparing (the host sorts too). */
typedef struct rbuild {
	rt_buf lines;
	int round_trips;
} rbuild;

static void put_list(rt_buf *b, const char *const *v, size_t n)
{
	size_t i;
	rt_buf_putc(b, '[');
	for (i = 0; i < n; i++)
		rt_buf_printf(b, "%s%s", i ? "," : "", v[i]);
	rt_buf_putc(b, ']');
}

static const char *nz(const char *s)
{
	return s ? s : "-";
}

static int rb_table(void *arg, const retort_reflect_table *t)
{
	rt_buf_printf(&((rbuild *)arg)->lines, "table %s comment=%s\n", t->name, nz(t->comment));
	return RETORT_OK;
}

static int rb_column(void *arg, const retort_reflect_column *c)
{
	rt_buf_printf(&((rbuild *)arg)->lines, "column %s.%d %s %s%s%s default=%s comment=%s\n", c->table, c->position,
	              c->name, c->type, c->nullable ? "" : " not-null", c->autoincrement ? " auto" : "",
	              nz(c->server_default), nz(c->comment));
	return RETORT_OK;
}

static int rb_index(void *arg, const retort_reflect_index *ix)
{
	rt_buf *b = &((rbuild *)arg)->lines;
	rt_buf_printf(b, "index %s.%s ", ix->table, ix->name);
	put_list(b, ix->columns, ix->ncolumns);
	rt_buf_printf(b, " expr=%s%s where=%s\n", nz(ix->expression), ix->unique ? " unique" : "", nz(ix->where));
	return RETORT_OK;
}

static int rb_constraint(void *arg, const retort_reflect_constraint *k)
{
	static const char *const kinds[] = {"?", "pk", "unique", "fk", "check"};
	rt_buf *b = &((rbuild *)arg)->lines;
	rt_buf_printf(b, "%s %s.%s ", kinds[k->kind], k->table, nz(k->name));
	put_list(b, k->columns, k->ncolumns);
	if (k->kind == RETORT_CONSTRAINT_FOREIGN_KEY) {
		rt_buf_printf(b, " -> %s", k->ref_table);
		put_list(b, k->ref_columns, k->nref_columns);
		rt_buf_printf(b, " del=%s upd=%s", nz(k->on_delete), nz(k->on_update));
	}
	if (k->expression)
		rt_buf_printf(b, " expr=%s", k->expression);
	rt_buf_putc(b, '\n');
	return RETORT_OK;
}

static int rb_enum(void *arg, const retort_reflect_enum *e)
{
	rt_buf *b = &((rbuild *)arg)->lines;
	rt_buf_printf(b, "enum %s ", e->name);
	put_list(b, e->values, e->nvalues);
	rt_buf_putc(b, '\n');
	return RETORT_OK;
}

static int rb_unsupported(void *arg, const char *object, const char *reason)
{
	rt_buf_printf(&((rbuild *)arg)->lines, "unsupported %s: %s\n", object, reason);
	return RETORT_OK;
}

static void rb_round_trip(void *arg)
{
	((rbuild *)arg)->round_trips++;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reflect the connection's schema: the builder's lines, sorted. */
static char *reflect_lines(retort_conn *c, int *round_trips)
{
	rbuild rb = {RT_BUF_INIT, 0};
	retort_schema_builder b = {sizeof b, &rb, rb_table, rb_column, rb_index, rb_constraint, rb_enum,
	                           rb_unsupported, rb_round_trip};
	char *text, *p, **lines = NULL;
	size_t n = 0, i;
	rt_buf out = RT_BUF_INIT;
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->reflect(c, hctx, &b), RETORT_OK);
	if (*errmsg())
		fprintf(stderr, "\nreflect: %s\n", errmsg());
	*round_trips = rb.round_trips;
	text = rt_buf_detach(&rb.lines);
	for (p = text; p && *p; p = strchr(p, '\n') + 1)
		n++;
	lines = rt_calloc(n + 1, sizeof *lines);
	for (i = 0, p = text; i < n; i++) {
		lines[i] = p;
		p = strchr(p, '\n');
		*p++ = '\0';
	}
	qsort(lines, n, sizeof *lines, cmp_line);
	for (i = 0; i < n; i++)
		rt_buf_printf(&out, "%s\n", lines[i]);
	rt_free(lines);
	rt_free(text);
	return rt_buf_detach(&out);
}

static void test_pg__live_reflect(void)
{
	retort_conn *c = live_connect();
	char *got;
	int trips = 0, i;
	if (!c)
		return;
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP SCHEMA IF EXISTS rt_reflect CASCADE"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE SCHEMA rt_reflect"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SET search_path TO rt_reflect"), RETORT_OK);
	/* an empty schema: nothing, in one round trip */
	got = reflect_lines(c, &trips);
	CU_ASSERT(same(got, ""));
	CU_ASSERT_EQUAL(trips, 1);
	rt_free(got);
	CU_ASSERT_EQUAL(
		vt->execute(c, hctx,
	                    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
	                    "CREATE TABLE org (id serial PRIMARY KEY, name varchar(40) NOT NULL DEFAULT 'x',"
	                    " CONSTRAINT uq_org_name UNIQUE (name));"
	                    "COMMENT ON TABLE org IS 'orgs';"
	                    "CREATE TABLE \"Account\" (id bigint GENERATED ALWAYS AS IDENTITY,"
	                    " org_id integer REFERENCES org ON DELETE CASCADE ON UPDATE SET NULL,"
	                    " \"e\"\"mail\" text DEFAULT 'a''b', m mood DEFAULT 'ok', n numeric(12,2) DEFAULT '0'::numeric,"
	                    " at timestamptz DEFAULT now(), t timestamp(3), d double precision DEFAULT -1.5, b bytea,"
	                    " f boolean DEFAULT false, a integer[], v varchar, CONSTRAINT pk_account PRIMARY KEY (id),"
	                    " CONSTRAINT ck_n CHECK (n > 0));"
	                    "COMMENT ON COLUMN \"Account\".n IS 'amount';"
	                    "CREATE UNIQUE INDEX ix_lower ON \"Account\" (lower(\"e\"\"mail\"), id) WHERE org_id IS NOT NULL;"
	                    "CREATE INDEX ix_desc ON \"Account\" (org_id DESC);"
	                    "CREATE INDEX ix_org ON \"Account\" (org_id, id);"
	                    "CREATE INDEX ix_gin ON \"Account\" USING gin (a);"
	                    "CREATE VIEW v AS SELECT 1 AS one;"
	                    "CREATE SEQUENCE loose;"),
		RETORT_OK);
	got = reflect_lines(c, &trips);
	CU_ASSERT(same(got, "check Account.ck_n [] expr=n > 0::numeric\n"
	                    "column Account.1 id bigint not-null auto default=- comment=-\n"
	                    "column Account.10 f boolean default=false comment=-\n"
	                    "column Account.11 a integer[] default=- comment=-\n"
	                    "column Account.12 v varchar default=- comment=-\n"
	                    "column Account.2 org_id integer default=- comment=-\n"
	                    "column Account.3 e\"mail text default='a''b' comment=-\n"
	                    "column Account.4 m mood default='ok' comment=-\n"
	                    "column Account.5 n numeric(12,2) default=0 comment=amount\n"
	                    "column Account.6 at timestamptz default=CURRENT_TIMESTAMP comment=-\n"
	                    "column Account.7 t timestamp(3) default=- comment=-\n"
	                    "column Account.8 d double default=-1.5 comment=-\n"
	                    "column Account.9 b blob default=- comment=-\n"
	                    "column org.1 id integer not-null auto default=- comment=-\n"
	                    "column org.2 name varchar(40) not-null default='x' comment=-\n"
	                    "enum mood [sad,ok,happy]\n"
	                    "fk Account.Account_org_id_fkey [org_id] -> org[id] del=cascade upd=set null\n"
	                    "index Account.ix_desc [] expr=org_id DESC where=-\n"
	                    "index Account.ix_lower [] expr=lower(\"e\"\"mail\"), id unique where=(org_id IS NOT NULL)\n"
	                    "index Account.ix_org [org_id,id] expr=- where=-\n"
	                    "pk Account.pk_account [id]\n"
	                    "pk org.org_pkey [id]\n"
	                    "table Account comment=-\n"
	                    "table org comment=orgs\n"
	                    "unique org.uq_org_name [name]\n"
	                    "unsupported index ix_gin on Account (USING gin): only btree indexes are represented\n"
	                    "unsupported sequence loose: only the sequences of serial and identity columns are "
	                    "represented\n"
	                    "unsupported view v: views are not represented\n"));
	CU_ASSERT_EQUAL(trips, 1);
	rt_free(got);
	/* the number of round trips does not grow with the schema */
	for (i = 0; i < 20; i++) {
		char *sql = rt_asprintf("CREATE TABLE t%d (id int PRIMARY KEY, o int REFERENCES org, x text);"
		                        "CREATE INDEX ix_t%d ON t%d (x)", i, i, i);
		CU_ASSERT_EQUAL(vt->execute(c, hctx, sql), RETORT_OK);
		rt_free(sql);
	}
	got = reflect_lines(c, &trips);
	CU_ASSERT_EQUAL(trips, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "index t19.ix_t19 [x]"));
	rt_free(got);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP SCHEMA rt_reflect CASCADE"), RETORT_OK);
	vt->disconnect(c);
}

/* The `schema` setting: search_path at connect, so current_schema() (and reflection) is that schema. */
static void test_pg__live_schema_setting(void)
{
	config_t cfg;
	retort_settings s;
	retort_conn *c = live_connect(), *c2 = NULL;
	void *st = NULL;
	rt_buf b = RT_BUF_INIT;
	char *got;
	int trips;
	if (!c)
		return;
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP SCHEMA IF EXISTS \"rt Other\" CASCADE"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE SCHEMA \"rt Other\"; CREATE TABLE \"rt Other\".elsewhere (id int)"),
	                RETORT_OK);
	config_init(&cfg);
	/* an empty schema is refused */
	CU_ASSERT_FATAL(config_read_string(&cfg, "g = { module = \"postgresql\"; schema = \"\"; };") == CONFIG_TRUE);
	rt_settings_init(&s, config_lookup(&cfg, "g"));
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(retort_plugin_entry()->init(host, hctx, &s, RETORT_KIND_DIALECT, &st), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "schema must be a non-empty string"));
	rt_settings_free(&s);
	config_destroy(&cfg);
	config_init(&cfg);
	CU_ASSERT_FATAL(config_read_string(&cfg, "g = { module = \"postgresql\"; schema = \"rt Other\"; };") ==
	                CONFIG_TRUE);
	rt_settings_init(&s, config_lookup(&cfg, "g"));
	CU_ASSERT_FATAL(retort_plugin_entry()->init(host, hctx, &s, RETORT_KIND_DIALECT, &st) == RETORT_OK);
	CU_ASSERT_EQUAL(vt->connect(st, hctx, live_url(), &c2), RETORT_OK);
	if (c2) {
		CU_ASSERT_EQUAL(vt->query(c2, hctx, "SELECT current_schema()", collect, &b), RETORT_OK);
		CU_ASSERT(same(rt_buf_cstr(&b), "rt Other\n"));
		got = reflect_lines(c2, &trips);
		CU_ASSERT(same(got, "column elsewhere.1 id integer default=- comment=-\n"
		                    "table elsewhere comment=-\n"));
		rt_free(got);
		vt->disconnect(c2);
	}
	retort_plugin_entry()->fini(st);
	rt_settings_free(&s);
	config_destroy(&cfg);
	rt_buf_free(&b);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP SCHEMA \"rt Other\" CASCADE"), RETORT_OK);
	vt->disconnect(c);
}

static void test_pg__live_done(void)
{
	free_url();
	CU_PASS("cleanup");
}

static const rt_cu_test render_tests[] = {
	{"descriptor", test_pg__descriptor},
	{"rejects_unknown_setting", test_pg__rejects_unknown_setting},
	{"quote_ident", test_pg__quote_ident},
	{"quote_literal", test_pg__quote_literal},
	{"map_type", test_pg__map_type},
	{"render_create_table", test_pg__render_create_table},
	{"render_primary_keys", test_pg__render_primary_keys},
	{"render_table_ops", test_pg__render_table_ops},
	{"render_alter_column", test_pg__render_alter_column},
	{"render_indexes", test_pg__render_indexes},
	{"render_enums", test_pg__render_enums},
	{"render_enum_values_and_autoincrement", test_pg__render_enum_values_and_autoincrement},
	{"render_constraints", test_pg__render_constraints},
	{"render_bulk_insert", test_pg__render_bulk_insert},
	{"render_execute_and_dialect_filter", test_pg__render_execute_and_dialect_filter},
	{NULL, NULL}};

static const rt_cu_test live_tests[] = {
	{"live_server", test_pg__live_server},
	{"live_execute_query", test_pg__live_execute_query},
	{"live_transactional_ddl", test_pg__live_transactional_ddl},
	{"live_lock", test_pg__live_lock},
	{"live_lookups", test_pg__live_lookups},
	{"live_connect_errors", test_pg__live_connect_errors},
	{"live_render_roundtrip", test_pg__live_render_roundtrip},
	{"live_unix_socket", test_pg__live_unix_socket},
	{"live_reflect", test_pg__live_reflect},
	{"live_schema_setting", test_pg__live_schema_setting},
	{"live_done", test_pg__live_done},
	{NULL, NULL}};

static const rt_cu_suite suites[] = {{"dialect_pg", render_tests}, {"dialect_pg_live", live_tests}, {NULL, NULL}};

RT_CU_MAIN(suites)

/*
 * test_dialect_mysql: the mysql dialect through its public vtable and the
 * real host services.  Rendering needs no server; the live suite runs
 * against RETORT_TEST_MYSQL_URL (tests/lib/servers.sh starts one) and prints
 * SKIPPED when it is unset (a failure under CI=true).
 */
#include "config.h"

#include <libconfig.h>
#include <time.h>

#include <retort/dialect.h>

#include "cu.h"
#include "host.h"
#include "url.h"
#include "my.h"

#define DIALECT "mysql"
#define URL_ENV "RETORT_TEST_MYSQL_URL"

#include "dialect_fixture.h"

/* ---- descriptor ---- */

static void test_mysql__descriptor(void)
{
	const retort_plugin_descriptor *d = retort_plugin_entry();
	CU_ASSERT_FATAL(setup());
	CU_ASSERT_STRING_EQUAL(d->name, "mysql");
	CU_ASSERT_EQUAL(d->abi_version, RETORT_PLUGIN_ABI_VERSION);
	/* MySQL commits DDL implicitly */
	CU_ASSERT_EQUAL(vt->flags & RETORT_DIALECT_TRANSACTIONAL_DDL, 0);
	CU_ASSERT_EQUAL(vt->max_identifier_length, 64);
	CU_ASSERT_STRING_EQUAL(vt->url_schemes[0], "mysql");
	CU_ASSERT_STRING_EQUAL(vt->url_schemes[1], "mariadb");
	CU_ASSERT_PTR_NULL(vt->url_schemes[2]);
	/* the slots of methods that left ABI 1 stay NULL */
	CU_ASSERT(!vt->reserved_1 && !vt->reserved_2 && !vt->reserved_3);
}

static void test_mysql__rejects_unknown_setting(void)
{
	config_t cfg;
	retort_settings s;
	retort_host_ctx *h = rt_hctx_new(DIALECT);
	void *st = NULL;
	CU_ASSERT_FATAL(setup());
	config_init(&cfg);
	CU_ASSERT_FATAL(config_read_string(&cfg, "g = { module = \"mysql\"; engine = \"MyISAM\"; };") == CONFIG_TRUE);
	rt_settings_init(&s, config_lookup(&cfg, "g"));
	CU_ASSERT_EQUAL(retort_plugin_entry()->init(host, h, &s, RETORT_KIND_DIALECT, &st), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_buf_cstr(&h->error), "unknown setting 'engine'"));
	CU_ASSERT_PTR_NULL(st);
	rt_settings_free(&s);
	config_destroy(&cfg);
	rt_hctx_free(h);
}

/* ---- quoting and types ---- */

static void test_mysql__quote_ident(void)
{
	CU_ASSERT_FATAL(setup());
	EXPECT_TEXT(vt->quote_ident, "account", "account");
	EXPECT_TEXT(vt->quote_ident, "_x$1", "_x$1");
	EXPECT_TEXT(vt->quote_ident, "order", "`order`");
	EXPECT_TEXT(vt->quote_ident, "table", "`table`");
	EXPECT_TEXT(vt->quote_ident, "key", "`key`");
	EXPECT_TEXT(vt->quote_ident, "rank", "`rank`");       /* reserved in MySQL 8.0 only */
	EXPECT_TEXT(vt->quote_ident, "returning", "`returning`"); /* reserved in MariaDB only */
	/* USER is a key word but not reserved in MySQL or MariaDB */
	EXPECT_TEXT(vt->quote_ident, "user", "user");
	EXPECT_TEXT(vt->quote_ident, "Account", "`Account`");
	EXPECT_TEXT(vt->quote_ident, "my col", "`my col`");
	EXPECT_TEXT(vt->quote_ident, "a`b", "`a``b`");
	EXPECT_TEXT(vt->quote_ident, "a\"b", "`a\"b`");
	EXPECT_TEXT(vt->quote_ident, "1abc", "`1abc`");
}

static void test_mysql__quote_literal(void)
{
	CU_ASSERT_FATAL(setup());
	EXPECT_TEXT(vt->quote_literal, "abc", "'abc'");
	EXPECT_TEXT(vt->quote_literal, "it's", "'it''s'");
	EXPECT_TEXT(vt->quote_literal, "a\\b", "'a\\\\b'");
	EXPECT_TEXT(vt->quote_literal, "\\'", "'\\\\'''");
	EXPECT_TEXT(vt->quote_literal, "", "''");
}

static void test_mysql__map_type(void)
{
	retort_sink s;
	CU_ASSERT_FATAL(setup());
	EXPECT_TEXT(my_map_type, "integer", "INT");
	EXPECT_TEXT(my_map_type, "bigint", "BIGINT");
	EXPECT_TEXT(my_map_type, "smallint", "SMALLINT");
	EXPECT_TEXT(my_map_type, "boolean", "BOOL");
	EXPECT_TEXT(my_map_type, "varchar(255)", "VARCHAR(255)");
	EXPECT_TEXT(my_map_type, "text", "TEXT");
	EXPECT_TEXT(my_map_type, "numeric(12,2)", "DECIMAL(12,2)");
	EXPECT_TEXT(my_map_type, "numeric", "DECIMAL");
	EXPECT_TEXT(my_map_type, "real", "FLOAT");
	EXPECT_TEXT(my_map_type, "double", "DOUBLE");
	EXPECT_TEXT(my_map_type, "date", "DATE");
	EXPECT_TEXT(my_map_type, "time", "TIME");
	EXPECT_TEXT(my_map_type, "timestamp", "DATETIME");
	EXPECT_TEXT(my_map_type, "timestamptz", "DATETIME");
	EXPECT_TEXT(my_map_type, "blob", "LONGBLOB");
	EXPECT_TEXT(my_map_type, "json", "JSON");
	EXPECT_TEXT(my_map_type, "uuid", "CHAR(36)");
	EXPECT_TEXT(my_map_type, "mediumtext", "mediumtext");
	EXPECT_TEXT(my_map_type, "enum('a','b')", "enum('a','b')");
	/* MySQL has no unbounded VARCHAR */
	rt_sink_init(&s);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(my_map_type(state, "varchar", &s), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "needs a length"));
	rt_sink_free(&s);
}

/* ---- rendering ---- */

static void test_mysql__render_create_table(void)
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
	cols[2] = mkcol("my col", "varchar(20)");
	cols[2].comment = "it's free text";
	cols[2].unique = 1;
	cols[2].nullable = 1;
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
	EXPECT_SQL(&op, "CREATE TABLE `order` (\n"
	                "    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
	                "    user VARCHAR(255) NOT NULL DEFAULT 'nobody',\n"
	                "    `my col` VARCHAR(20) NULL UNIQUE COMMENT 'it''s free text',\n"
	                "    total DECIMAL(12,2) DEFAULT 0,\n"
	                "    CONSTRAINT uq_order_user UNIQUE (user, `my col`),\n"
	                "    CONSTRAINT fk_order_user FOREIGN KEY (user) REFERENCES user (id) ON DELETE CASCADE ON "
	                "UPDATE SET NULL,\n"
	                "    CONSTRAINT ck_total CHECK (total >= 0)\n"
	                ") COMMENT='customer orders';\n");
}

static void test_mysql__render_primary_keys(void)
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
	EXPECT_SQL(&op, "CREATE TABLE t (\n    a BIGINT AUTO_INCREMENT,\n    b SMALLINT,\n    PRIMARY KEY (a, b)\n);\n");
	/* MySQL primary keys are all named PRIMARY */
	op.primary_key = &pk;
	EXPECT_SQL(&op, "CREATE TABLE t (\n    a BIGINT AUTO_INCREMENT,\n    b SMALLINT,\n    PRIMARY KEY (a, b)\n);\n");
}

static void test_mysql__render_table_ops(void)
{
	retort_column col = mkcol("e mail", "varchar(320)");
	retort_op op = mkop(RETORT_OP_DROP_TABLE);
	CU_ASSERT_FATAL(setup());
	op.table = "order";
	EXPECT_SQL(&op, "DROP TABLE `order`;\n");
	op = mkop(RETORT_OP_RENAME_TABLE);
	op.table = "order";
	op.new_name = "purchase";
	EXPECT_SQL(&op, "RENAME TABLE `order` TO purchase;\n");
	op = mkop(RETORT_OP_ADD_COLUMN);
	op.table = "account";
	col.nullable = 0;
	col.server_default = "''";
	col.comment = "where we write";
	op.columns = &col;
	op.ncolumns = 1;
	EXPECT_SQL(&op, "ALTER TABLE account ADD COLUMN `e mail` VARCHAR(320) NOT NULL DEFAULT '' COMMENT 'where we "
	                "write';\n");
	op = mkop(RETORT_OP_DROP_COLUMN);
	op.table = "account";
	op.column = "e mail";
	EXPECT_SQL(&op, "ALTER TABLE account DROP COLUMN `e mail`;\n");
}

static void test_mysql__render_alter_column(void)
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
	EXPECT_SQL(&op, "ALTER TABLE `order` CHANGE COLUMN user customer BIGINT NOT NULL DEFAULT 42 COMMENT 'who';\n");
	/* what is not changed comes from the existing_* hints */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "c";
	op.nullable = 0;
	op.existing_type = "varchar(10)";
	op.existing_server_default = "'x'";
	op.existing_comment = "kept";
	EXPECT_SQL(&op, "ALTER TABLE t MODIFY COLUMN c VARCHAR(10) NOT NULL DEFAULT 'x' COMMENT 'kept';\n");
	op.nullable = RETORT_UNSET;
	op.existing_nullable = 0;
	op.type = "text";
	op.set_server_default = 1; /* drop it */
	EXPECT_SQL(&op, "ALTER TABLE t MODIFY COLUMN c TEXT NOT NULL COMMENT 'kept';\n");
	/* autoincrement (retort_op_more, through op_more): AUTO_INCREMENT restated, or kept by the hint */
	{
		retort_op_more m;
		retort_op ai = mkop(RETORT_OP_ALTER_COLUMN);
		memset(&m, 0, sizeof m);
		m.size = sizeof m;
		m.autoincrement = 1;
		m.existing_autoincrement = 0;
		ai.table = "t";
		ai.column = "id";
		ai.existing_type = "integer";
		ai.existing_nullable = 0;
		const retort_op *ops[1] = {&ai};
		const retort_op_more *mores[1] = {&m};
		rt_hctx_rendering(hctx, ops, mores, 1);
		EXPECT_SQL(&ai, "ALTER TABLE t MODIFY COLUMN id INT NOT NULL AUTO_INCREMENT;\n");
		m.autoincrement = 0;
		m.existing_autoincrement = 1;
		EXPECT_SQL(&ai, "ALTER TABLE t MODIFY COLUMN id INT NOT NULL;\n");
		m.autoincrement = RETORT_UNSET; /* a type change keeps AUTO_INCREMENT (the hint) */
		ai.type = "bigint";
		EXPECT_SQL(&ai, "ALTER TABLE t MODIFY COLUMN id BIGINT NOT NULL AUTO_INCREMENT;\n");
		rt_hctx_rendering(hctx, NULL, NULL, 0);
	}
	/* the type is needed and nothing gives it */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "t";
	op.column = "c";
	op.nullable = 1;
	EXPECT_FAIL(&op, RETORT_EINVAL, "alter_column of t.c needs existing_type");
	/* a default alone needs no hints */
	op.nullable = RETORT_UNSET;
	op.set_server_default = 1;
	op.server_default = "'y'";
	EXPECT_SQL(&op, "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'y';\n");
	op.server_default = NULL;
	EXPECT_SQL(&op, "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;\n");
	op.set_server_default = 0;
	EXPECT_SQL(&op, "");
	/* a rename alone keeps the column as it is, hints or not */
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "order";
	op.column = "user";
	op.new_name = "e mail";
	EXPECT_SQL(&op, "ALTER TABLE `order` RENAME COLUMN user TO `e mail`;\n");
	op.existing_type = "varchar(10)";
	op.existing_nullable = 0;
	EXPECT_SQL(&op, "ALTER TABLE `order` RENAME COLUMN user TO `e mail`;\n");
	/* a rename with a change restates the column */
	op.nullable = 1;
	EXPECT_SQL(&op, "ALTER TABLE `order` CHANGE COLUMN user `e mail` VARCHAR(10) NULL;\n");
}

static void test_mysql__render_indexes(void)
{
	const char *cols[] = {"email", "deleted at"};
	retort_op op = mkop(RETORT_OP_CREATE_INDEX);
	CU_ASSERT_FATAL(setup());
	op.name = "ix_user_email";
	op.table = "user";
	op.column_names = cols;
	op.ncolumn_names = 2;
	op.unique = 1;
	EXPECT_SQL(&op, "CREATE UNIQUE INDEX ix_user_email ON user (email, `deleted at`);\n");
	op.unique = 0;
	op.concurrently = 1; /* ignored: InnoDB builds online */
	EXPECT_SQL(&op, "CREATE INDEX ix_user_email ON user (email, `deleted at`);\n");
	op.where = "email IS NOT NULL";
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "partial indexes");
	op = mkop(RETORT_OP_DROP_INDEX);
	op.name = "ix_user_email";
	op.table = "order";
	EXPECT_SQL(&op, "DROP INDEX ix_user_email ON `order`;\n");
	op.table = NULL;
	EXPECT_FAIL(&op, RETORT_EINVAL, "drop_index of ix_user_email needs table");
}

/* An index with `expression`: key parts (prefix lengths, DESC) are written; an expression is refused. */
static void test_mysql__render_expression_indexes(void)
{
	retort_op op = mkop(RETORT_OP_CREATE_INDEX);
	CU_ASSERT_FATAL(setup());
	op.name = "ix_t";
	op.table = "t";
	op.expression = "`b`(10) DESC, `a``x`, c ASC, d(3)";
	EXPECT_SQL(&op, "CREATE INDEX ix_t ON t (`b`(10) DESC, `a``x`, c ASC, d(3));\n");
	op.unique = 1;
	op.expression = "`f`(10)";
	EXPECT_SQL(&op, "CREATE UNIQUE INDEX ix_t ON t (`f`(10));\n");
	op.expression = "lower(email)";
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "MySQL and MariaDB index columns, not expressions (lower(email))");
	op.expression = "a + 1";
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "not expressions");
	op.expression = "`a`(x)";
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "not expressions");
	op.expression = "a DESCENDING";
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "not expressions");
	op.expression = "`unclosed";
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "not expressions");
	op = mkop(RETORT_OP_CREATE_ENUM);
	op.name = "mood";
	EXPECT_FAIL(&op, RETORT_ENOTSUPPORTED, "create_enum mood: MySQL and MariaDB have no enum types");
}

static void test_mysql__render_constraints(void)
{
	const char *cols[] = {"user id"};
	const char *ref[] = {"id"};
	retort_foreign_key fk = {sizeof fk, "fk_a_user", cols, 1, "user", ref, 1, "set default", NULL};
	retort_op op = mkop(RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
	CU_ASSERT_FATAL(setup());
	op.name = "uq_a";
	op.table = "a";
	op.column_names = cols;
	op.ncolumn_names = 1;
	EXPECT_SQL(&op, "ALTER TABLE a ADD CONSTRAINT uq_a UNIQUE (`user id`);\n");
	op.kind = RETORT_OP_CREATE_PRIMARY_KEY;
	op.name = "pk_a";
	EXPECT_SQL(&op, "ALTER TABLE a ADD PRIMARY KEY (`user id`);\n");
	op = mkop(RETORT_OP_CREATE_FOREIGN_KEY);
	op.table = "a";
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	EXPECT_SQL(&op, "ALTER TABLE a ADD CONSTRAINT fk_a_user FOREIGN KEY (`user id`) REFERENCES user (id) ON DELETE "
	                "SET DEFAULT;\n");
	op = mkop(RETORT_OP_CREATE_CHECK_CONSTRAINT);
	op.name = "ck_a";
	op.table = "a";
	op.expression = "x > 0";
	EXPECT_SQL(&op, "ALTER TABLE a ADD CONSTRAINT ck_a CHECK (x > 0);\n");
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.name = "c1";
	op.table = "a";
	op.constraint_type = "foreignkey";
	EXPECT_SQL(&op, "ALTER TABLE a DROP FOREIGN KEY c1;\n");
	op.constraint_type = "unique";
	EXPECT_SQL(&op, "ALTER TABLE a DROP INDEX c1;\n");
	op.constraint_type = "primary";
	EXPECT_SQL(&op, "ALTER TABLE a DROP PRIMARY KEY;\n");
	op.constraint_type = "check";
	EXPECT_SQL(&op, "ALTER TABLE a DROP CONSTRAINT c1;\n");
	op.constraint_type = NULL;
	EXPECT_SQL(&op, "ALTER TABLE a DROP CONSTRAINT c1;\n");
	op.constraint_type = "exclusion";
	EXPECT_FAIL(&op, RETORT_EINVAL, "unknown constraint_type 'exclusion'");
}

static void test_mysql__render_bulk_insert(void)
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
	op.table = "order";
	op.column_names = cols;
	op.ncolumn_names = 5;
	op.rows = rows;
	op.nrows = 2;
	EXPECT_SQL(&op, "INSERT INTO `order` (id, name, ok, score, note) VALUES (1, 'O''Brien', 1, 1.5e3, NULL);\n"
	                "INSERT INTO `order` (id, name, ok, score, note) VALUES (-2, 'back\\\\slash', 0, .5, '');\n");
	rows[2].text = "maybe";
	EXPECT_FAIL(&op, RETORT_EINVAL, "is not a boolean");
}

static void test_mysql__render_execute_and_dialect_filter(void)
{
	retort_op op = mkop(RETORT_OP_EXECUTE);
	CU_ASSERT_FATAL(setup());
	op.sql = "UPDATE account SET email = CONCAT(name, '@example.com')";
	EXPECT_SQL(&op, "UPDATE account SET email = CONCAT(name, '@example.com');\n");
	op.dialect = "postgresql";
	EXPECT_SQL(&op, "");
	op.dialect = "mariadb";
	EXPECT_SQL(&op, "UPDATE account SET email = CONCAT(name, '@example.com');\n");
	op.dialect = "mysql";
	EXPECT_SQL(&op, "UPDATE account SET email = CONCAT(name, '@example.com');\n");
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

/* Rebuild the test URL with another password / an extra query parameter. */
static char *url_with(const retort_url *u, const char *password, const char *query)
{
	return rt_asprintf("%s://%s:%s@%s%s%s/%s%s", u->scheme, u->user ? u->user : "", password,
	                   u->host ? u->host : "", u->port ? ":" : "", u->port ? u->port : "", u->database,
	                   query ? query : "");
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


static int collect(void *arg, size_t ncols, const char *const *values)
{
	rt_buf *b = arg;
	size_t i;
	for (i = 0; i < ncols; i++)
		rt_buf_printf(b, "%s%s", i ? "|" : "", values[i] ? values[i] : "(null)");
	rt_buf_putc(b, '\n');
	return RETORT_OK;
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

static void test_mysql__live_server(void)
{
	const char *ci = getenv("CI");
	if (live_url())
		return;
	printf("\nSKIPPED: mysql tests: no server (" URL_ENV " unset)\n");
	fflush(stdout);
	if (ci && strcmp(ci, "true") == 0)
		CU_FAIL("CI=true and no MySQL/MariaDB server: " URL_ENV " unset");
}

static void test_mysql__live_execute_query(void)
{
	retort_conn *c = live_connect();
	rt_buf b = RT_BUF_INIT;
	retort_sink s;
	char *sql;
	if (!c)
		return;
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DO 1"), RETORT_OK);
	/* a statement that returns rows through execute(): the result is drained */
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SELECT 1"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT 1, NULL, 'x''y' UNION ALL SELECT 2, 'b', ''", collect, &b),
	                RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "1|(null)|x'y\n2|b|\n"));
	rt_buf_free(&b);
	/* quote_literal agrees with the server about backslashes and quotes */
	rt_sink_init(&s);
	vt->quote_literal(state, "a\\b'c\\'", &s);
	sql = rt_asprintf("SELECT %s", rt_sink_text(&s));
	CU_ASSERT_EQUAL(vt->query(c, hctx, sql, collect, &b), RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "a\\b'c\\'\n"));
	rt_free(sql);
	rt_sink_free(&s);
	rt_buf_free(&b);
	/* utf8mb4 */
	CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT @@character_set_client", collect, &b), RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "utf8mb4\n"));
	rt_buf_free(&b);
	/* a procedure's extra results are drained: the connection stays in sync */
	vt->execute(c, hctx, "DROP PROCEDURE IF EXISTS rt_proc");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE PROCEDURE rt_proc() BEGIN SELECT 1; SELECT 2; END"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CALL rt_proc()"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->query(c, hctx, "CALL rt_proc()", collect, &b), RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "1\n"));
	rt_buf_free(&b);
	CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT 3", collect, &b), RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "3\n"));
	rt_buf_free(&b);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP PROCEDURE rt_proc"), RETORT_OK);
	/* several statements in one call (an execute operation's sql): all run, the first error fails the call */
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DO 1; DO 2"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TEMPORARY TABLE rt_multi (a INT); INSERT INTO rt_multi VALUES (1), (2)"),
	                RETORT_OK);
	CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT count(*) FROM rt_multi", collect, &b), RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "2\n"));
	rt_buf_free(&b);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO rt_multi VALUES (3); SELEC 2; INSERT INTO rt_multi VALUES (4)"),
	                RETORT_EDB);
	CU_ASSERT_EQUAL(hctx->native_code, 1064);
	/* the statements before the error ran, none after it; the connection is still in sync */
	CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT group_concat(a ORDER BY a) FROM rt_multi", collect, &b), RETORT_OK);
	CU_ASSERT(same(rt_buf_cstr(&b), "1,2,3\n"));
	rt_buf_free(&b);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP TEMPORARY TABLE rt_multi"), RETORT_OK);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SELEC 1"), RETORT_EDB);
	CU_ASSERT_STRING_EQUAL(hctx->sqlstate, "42000");
	CU_ASSERT_EQUAL(hctx->native_code, 1064);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "SQL syntax"));
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "SELECT * FROM no_such_table_here"), RETORT_EDB);
	CU_ASSERT_STRING_EQUAL(hctx->sqlstate, "42S02");
	CU_ASSERT_EQUAL(hctx->native_code, 1146);
	vt->disconnect(c);
}

static void test_mysql__live_transactions(void)
{
	retort_conn *c = live_connect();
	if (!c)
		return;
	vt->execute(c, hctx, "DROP TABLE IF EXISTS rt_tx_probe");
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 0);
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE rt_tx_probe (id integer) ENGINE=InnoDB"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	/*
	 * MySQL and MariaDB commit DDL implicitly: CREATE TABLE ended the
	 * transaction, so the rollback has nothing to undo and the table IS
	 * there.  This is why the dialect does not claim transactional DDL.
	 */
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 1);
	/* rows, on the other hand, roll back */
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO rt_tx_probe VALUES (1)"), RETORT_OK);
	CU_ASSERT_EQUAL(count_rows(c, "SELECT count(*) FROM rt_tx_probe"), 1);
	CU_ASSERT_EQUAL(vt->rollback(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(count_rows(c, "SELECT count(*) FROM rt_tx_probe"), 0);
	CU_ASSERT_EQUAL(vt->begin(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "INSERT INTO rt_tx_probe VALUES (2)"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->commit(c, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(count_rows(c, "SELECT count(*) FROM rt_tx_probe"), 1);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP TABLE rt_tx_probe"), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "rt_tx_probe"), 0);
	vt->disconnect(c);
}

static void test_mysql__live_lock(void)
{
	retort_conn *a = live_connect(), *b = live_connect();
	char longkey[100];
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
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "other_version", 0), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, "other_version"), RETORT_OK);
	/* session-level: transactions do not release it */
	CU_ASSERT_EQUAL(vt->begin(a, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->rollback(a, hctx), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 0), RETORT_ELOCKED);
	CU_ASSERT_EQUAL(vt->unlock(a, hctx, "retort_version"), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, "retort_version", 1), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, "retort_version"), RETORT_OK);
	/* a key too long for GET_LOCK still locks (hashed), with quotes in it */
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	longkey[3] = '\'';
	CU_ASSERT_EQUAL(vt->lock(a, hctx, longkey, 0), RETORT_OK);
	CU_ASSERT_EQUAL(vt->lock(b, hctx, longkey, 0), RETORT_ELOCKED);
	longkey[50] = 'x'; /* differs after the first 40 characters */
	CU_ASSERT_EQUAL(vt->lock(b, hctx, longkey, 0), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, longkey), RETORT_OK);
	/* disconnecting releases it */
	vt->disconnect(a);
	a = NULL;
	longkey[50] = 'k';
	CU_ASSERT_EQUAL(vt->lock(b, hctx, longkey, 2), RETORT_OK);
	CU_ASSERT_EQUAL(vt->unlock(b, hctx, longkey), RETORT_OK);
done:
	vt->disconnect(a);
	vt->disconnect(b);
}

static void test_mysql__live_lookups(void)
{
	retort_conn *c = live_connect();
	if (!c)
		return;
	vt->execute(c, hctx, "DROP TABLE IF EXISTS `rt order`");
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "CREATE TABLE `rt order` (v varchar(32), t text, `my col` varchar(7))"),
	                RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "rt order"), 1);
	CU_ASSERT_EQUAL(exists(c, "rt_order"), 0);
	CU_ASSERT_EQUAL(exists(c, "x' OR '1'='1"), 0);
	CU_ASSERT_EQUAL(vt->execute(c, hctx, "DROP TABLE `rt order`"), RETORT_OK);
	vt->disconnect(c);
}

static void test_mysql__live_connect_errors(void)
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
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "could not connect to mysql://"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "Access denied"));
	CU_ASSERT_PTR_NULL(strstr(errmsg(), "Wr0ng-S3cret-pw"));
	rt_url_free(bad);
	rt_free(raw);
	/* unknown URL parameters are refused before connecting */
	raw = url_with(u, u->password ? u->password : "", "?sslmode=disable");
	bad = NULL;
	CU_ASSERT_FATAL(rt_url_parse(&bad, raw) == RETORT_OK);
	rt_hctx_clear_error(hctx);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, rt_url_view(bad), &c), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "unknown parameter 'sslmode'"));
	CU_ASSERT_PTR_NULL(strstr(errmsg(), "retort-pw"));
	rt_url_free(bad);
	rt_free(raw);
	/* known ones work */
	raw = url_with(u, u->password ? u->password : "", "?connect_timeout=5");
	bad = NULL;
	CU_ASSERT_FATAL(rt_url_parse(&bad, raw) == RETORT_OK);
	CU_ASSERT_EQUAL(vt->connect(state, hctx, rt_url_view(bad), &c), RETORT_OK);
	vt->disconnect(c);
	rt_url_free(bad);
	rt_free(raw);
}

/* Every operation the dialect renders, run against the server. */
static void test_mysql__live_render_roundtrip(void)
{
	retort_conn *c = live_connect();
	retort_column ucols[2], ocols[3], extra;
	const char *fk_cols[] = {"user"}, *fk_ref[] = {"id"}, *ix_cols[] = {"my col"}, *ins_cols[] = {"id", "name"};
	const char *pk_cols[] = {"id"};
	retort_foreign_key fk = {sizeof fk, "fk_order_user", fk_cols, 1, "user", fk_ref, 1, "cascade", NULL};
	retort_constraint ck = {sizeof ck, "ck_qty", NULL, 0, "qty > 0"};
	retort_value rows[] = {{RETORT_VALUE_INT, "1"}, {RETORT_VALUE_STRING, "O'Brien \\ \"x\""}};
	retort_op op;
	if (!c)
		return;
	vt->execute(c, hctx, "DROP TABLE IF EXISTS `order`, user, customer");
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
	op.type = "varchar(20)";
	op.nullable = 0;
	op.set_server_default = 1;
	op.server_default = "'-'";
	op.comment = "a comment";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	CU_ASSERT_EQUAL(count_rows(c, "SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE()"
	                              " AND table_name = 'order' AND column_name = 'my col' AND is_nullable = 'NO'"
	                              " AND column_comment = 'a comment' AND character_maximum_length = 20"),
	                1);
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "order";
	op.column = "my col";
	op.set_server_default = 1;
	op.server_default = "'+'";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_INDEX);
	op.name = "ix_order_my_col";
	op.table = "order";
	op.column_names = ix_cols;
	op.ncolumn_names = 1;
	op.unique = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_UNIQUE_CONSTRAINT);
	op.name = "uq_order_user";
	op.table = "order";
	op.column_names = fk_cols;
	op.ncolumn_names = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	/* InnoDB now backs the foreign key with that index: drop the key first */
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.name = "fk_order_user";
	op.table = "order";
	op.constraint_type = "foreignkey";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op.name = "uq_order_user";
	op.constraint_type = "unique";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op.name = "ck_qty";
	op.constraint_type = "check";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_CHECK_CONSTRAINT);
	op.name = "ck_qty2";
	op.table = "order";
	op.expression = "qty < 1000";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_CREATE_FOREIGN_KEY);
	op.table = "order";
	op.foreign_keys = &fk;
	op.nforeign_keys = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_DROP_INDEX);
	op.name = "ix_order_my_col";
	op.table = "order";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_ALTER_COLUMN);
	op.table = "order";
	op.column = "my col";
	op.new_name = "note";
	op.existing_type = "varchar(20)";
	op.existing_nullable = 0;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_BULK_INSERT);
	op.table = "user";
	op.column_names = ins_cols;
	op.ncolumn_names = 2;
	op.rows = rows;
	op.nrows = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	CU_ASSERT_EQUAL(count_rows(c, "SELECT count(*) FROM user WHERE name = 'O''Brien \\\\ \"x\"'"), 1);
	op = mkop(RETORT_OP_RENAME_TABLE);
	op.table = "user";
	op.new_name = "customer";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "customer"), 1);
	/* primary key: drop and re-add (the auto-increment column must stay a key: use another table) */
	vt->execute(c, hctx, "CREATE TABLE rt_pk (id int NOT NULL)");
	op = mkop(RETORT_OP_CREATE_PRIMARY_KEY);
	op.name = "pk_rt_pk";
	op.table = "rt_pk";
	op.column_names = pk_cols;
	op.ncolumn_names = 1;
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_DROP_CONSTRAINT);
	op.name = "pk_rt_pk";
	op.table = "rt_pk";
	op.constraint_type = "primary";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op = mkop(RETORT_OP_DROP_TABLE);
	op.table = "rt_pk";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op.table = "order";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	op.table = "customer";
	CU_ASSERT_EQUAL(run_op(c, &op), RETORT_OK);
	CU_ASSERT_EQUAL(exists(c, "customer"), 0);
	vt->disconnect(c);
}

/* A server whose sql_mode has NO_BACKSLASH_ESCAPES: the session turns it off, so quote_literal holds. */
static void test_mysql__live_no_backslash_escapes(void)
{
	retort_conn *admin = live_connect(), *c = NULL;
	rt_buf old = RT_BUF_INIT, b = RT_BUF_INIT;
	char *sql;
	if (!admin)
		return;
	CU_ASSERT_EQUAL_FATAL(vt->query(admin, hctx, "SELECT @@GLOBAL.sql_mode", collect, &old), RETORT_OK);
	CU_ASSERT_EQUAL(vt->execute(admin, hctx, "SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')"),
	                RETORT_OK);
	c = live_connect();
	if (c) {
		CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT @@SESSION.sql_mode LIKE '%NO_BACKSLASH_ESCAPES%'", collect, &b),
		                RETORT_OK);
		CU_ASSERT(same(rt_buf_cstr(&b), "0\n"));
		rt_buf_free(&b);
		CU_ASSERT_EQUAL(vt->query(c, hctx, "SELECT 'a\\\\b'", collect, &b), RETORT_OK);
		CU_ASSERT(same(rt_buf_cstr(&b), "a\\b\n"));
		rt_buf_free(&b);
		vt->disconnect(c);
	}
	/* put the server back as it was */
	rt_buf_clear(&b);
	if (old.len)
		old.ptr[--old.len] = '\0'; /* the newline collect() added */
	sql = rt_asprintf("SET GLOBAL sql_mode = '%s'", rt_buf_cstr(&old));
	CU_ASSERT_EQUAL(vt->execute(admin, hctx, sql), RETORT_OK);
	rt_free(sql);
	rt_buf_free(&old);
	rt_buf_free(&b);
	vt->disconnect(admin);
}

/* The same server through its Unix socket (servers.sh writes the URL). */
static void test_mysql__live_unix_socket(void)
{
	const char *raw = getenv("RETORT_TEST_MYSQL_SOCKET_URL");
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

/* A builder that writes one line per object it is given. */
typedef struct refl_out {
	rt_buf b;
	int round_trips;
} refl_out;

static void refl_list(rt_buf *b, const char *const *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		rt_buf_printf(b, "%s%s", i ? "," : "", v[i]);
}

static int refl_table(void *arg, const retort_reflect_table *t)
{
	refl_out *o = arg;
	rt_buf_printf(&o->b, "table %s%s%s\n", t->name, t->comment ? " comment=" : "", t->comment ? t->comment : "");
	return RETORT_OK;
}

static int refl_column(void *arg, const retort_reflect_column *c)
{
	refl_out *o = arg;
	rt_buf_printf(&o->b, "column %s.%s %d %s%s%s%s%s%s\n", c->table, c->name, c->position, c->type,
	              c->nullable ? "" : " not null", c->autoincrement ? " autoincrement" : "",
	              c->server_default ? " default=" : "", c->server_default ? c->server_default : "",
	              c->comment ? " comment" : "");
	return RETORT_OK;
}

static int refl_index(void *arg, const retort_reflect_index *ix)
{
	refl_out *o = arg;
	rt_buf_printf(&o->b, "index %s.%s ", ix->table, ix->name);
	refl_list(&o->b, ix->columns, ix->ncolumns);
	rt_buf_printf(&o->b, "%s%s%s%s\n", ix->expression ? ix->expression : "", ix->unique ? " unique" : "",
	              ix->origin == RETORT_INDEX_FOREIGN_KEY ? " fk" : "", ix->where ? " where" : "");
	return RETORT_OK;
}

static int refl_constraint(void *arg, const retort_reflect_constraint *k)
{
	static const char *const kinds[] = {"?", "pk", "unique", "fk", "check"};
	refl_out *o = arg;
	rt_buf_printf(&o->b, "%s %s.%s ", kinds[k->kind], k->table, k->name ? k->name : "-");
	refl_list(&o->b, k->columns, k->ncolumns);
	if (k->expression)
		rt_buf_printf(&o->b, "%s", k->expression);
	if (k->ref_table) {
		rt_buf_printf(&o->b, " -> %s(", k->ref_table);
		refl_list(&o->b, k->ref_columns, k->nref_columns);
		rt_buf_printf(&o->b, ") %s %s", k->on_delete ? k->on_delete : "-", k->on_update ? k->on_update : "-");
	}
	rt_buf_putc(&o->b, '\n');
	return RETORT_OK;
}

static int refl_unsupported(void *arg, const char *object, const char *why)
{
	refl_out *o = arg;
	rt_buf_printf(&o->b, "unsupported %s: %s\n", object, why);
	return RETORT_OK;
}

static void refl_round_trip(void *arg)
{
	((refl_out *)arg)->round_trips++;
}

/* Sort the lines of text (the dialect reports in catalog order; the host sorts). */
static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *sorted_lines(const char *text)
{
	char *copy = rt_strdup(text), *p, **lines = NULL;
	size_t n = 0, i;
	rt_buf b = RT_BUF_INIT;
	for (p = strtok(copy, "\n"); p; p = strtok(NULL, "\n")) {
		lines = rt_realloc(lines, (n + 1) * sizeof *lines);
		lines[n++] = p;
	}
	if (n)
		qsort(lines, n, sizeof *lines, cmp_line);
	for (i = 0; i < n; i++)
		rt_buf_printf(&b, "%s\n", lines[i]);
	rt_free(lines);
	rt_free(copy);
	return rt_buf_detach(&b);
}

/* Reflect the connection's database; the lines sorted; *round_trips counted. */
static char *reflect_text(retort_conn *c, int *round_trips)
{
	refl_out o;
	retort_schema_builder b;
	char *text;
	int rc;
	memset(&o, 0, sizeof o);
	memset(&b, 0, sizeof b);
	b.size = sizeof b;
	b.arg = &o;
	b.table = refl_table;
	b.column = refl_column;
	b.index = refl_index;
	b.constraint = refl_constraint;
	b.unsupported = refl_unsupported;
	b.round_trip = refl_round_trip;
	rc = vt->reflect(c, hctx, &b);
	CU_ASSERT_EQUAL(rc, RETORT_OK);
	if (rc != RETORT_OK)
		fprintf(stderr, "\nreflect failed: %s\n", errmsg());
	text = sorted_lines(rt_buf_cstr(&o.b));
	rt_buf_free(&o.b);
	if (round_trips)
		*round_trips = o.round_trips;
	return text;
}

/* Run sql (several statements) in a fresh database rt_reflect, which the connection then uses. */
static int fresh_db(retort_conn *c, const char *sql)
{
	int rc = vt->execute(c, hctx, "DROP DATABASE IF EXISTS rt_reflect; CREATE DATABASE rt_reflect; USE rt_reflect");
	if (rc == RETORT_OK && sql)
		rc = vt->execute(c, hctx, sql);
	if (rc != RETORT_OK)
		fprintf(stderr, "\n%s\n-> %s\n", sql ? sql : "", errmsg());
	return rc;
}

static void test_mysql__live_reflect(void)
{
	retort_conn *c = live_connect();
	char *got, *url_db;
	int rt1 = 0, rt2 = 0;
	if (!c)
		return;
	url_db = rt_strdup(live_url()->database);
	CU_ASSERT_EQUAL_FATAL(fresh_db(c, NULL), RETORT_OK);
	got = reflect_text(c, &rt1);
	CU_ASSERT(same(got, ""));
	rt_free(got);
	CU_ASSERT_EQUAL_FATAL(
		fresh_db(c, "CREATE TABLE p (id INT AUTO_INCREMENT PRIMARY KEY, k INT, UNIQUE KEY uk_p (k, id)) COMMENT='parent';"
		            "CREATE TABLE c (a BIGINT NOT NULL DEFAULT 0, b TINYINT(1) DEFAULT TRUE, s VARCHAR(20) DEFAULT 'it''s' "
		            "COMMENT 'x', d DECIMAL(12,2), f FLOAT, g DOUBLE, h DATETIME DEFAULT CURRENT_TIMESTAMP, "
		            "ts TIMESTAMP NULL, bl LONGBLOB, pb BLOB, j JSON, u CHAR(36), n INT UNSIGNED DEFAULT NULL, "
		            "pid INT, pk INT, t TEXT, "
		            "CONSTRAINT fk_c_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL, "
		            "FOREIGN KEY (pk, pid) REFERENCES p (k, id), KEY ix_c_s (s(5) DESC, a), "
		            "CONSTRAINT ck_c CHECK (a >= 0), CHECK (b IN (0, 1)), FULLTEXT KEY ft (t));"
		            "CREATE VIEW v AS SELECT 1 AS one"),
		RETORT_OK);
	got = reflect_text(c, &rt2);
	CU_ASSERT(same(got, "check c.CONSTRAINT_1 `b` in (0,1)\n"
	                    "check c.ck_c `a` >= 0\n"
	                    "column c.a 1 bigint not null default=0\n"
	                    "column c.b 2 boolean default=1\n"
	                    "column c.bl 9 blob\n"
	                    "column c.d 4 numeric(12,2)\n"
	                    "column c.f 5 real\n"
	                    "column c.g 6 double\n"
	                    "column c.h 7 timestamp default=CURRENT_TIMESTAMP\n"
	                    "column c.j 11 json\n"
	                    "column c.n 13 integer unsigned\n"
	                    "column c.pb 10 blob(65535)\n"
	                    "column c.pid 14 integer\n"
	                    "column c.pk 15 integer\n"
	                    "column c.s 3 varchar(20) default='it''s' comment\n"
	                    "column c.t 16 text\n"
	                    "column c.ts 8 timestamp(0)\n"
	                    "column c.u 12 char(36)\n"
	                    "column p.id 1 integer not null autoincrement\n"
	                    "column p.k 2 integer\n"
	                    "fk c.c_ibfk_1 pk,pid -> p(k,id) - -\n"
	                    "fk c.fk_c_p pid -> p(id) cascade set null\n"
	                    "index c.fk_c_p pid fk\n"
	                    "index c.ix_c_s `s`(5) DESC, `a`\n"
	                    "index c.pk pk,pid fk\n"
	                    "pk p.- id\n"
	                    "table c\n"
	                    "table p comment=parent\n"
	                    "unique p.uk_p k,id\n"
	                    "unsupported fulltext index ft on c: retort describes b-tree indexes only: not dumped\n"
	                    "unsupported view v: only base tables are described (views, sequences and temporary tables are "
	                    "not)\n"));
	rt_free(got);
	/* as many round trips for two tables as for none */
	CU_ASSERT_EQUAL(rt1, 7);
	CU_ASSERT_EQUAL(rt2, 7);
	/* no database selected */
	vt->execute(c, hctx, "DROP DATABASE rt_reflect");
	rt_hctx_clear_error(hctx);
	{
		retort_schema_builder b;
		refl_out o;
		memset(&o, 0, sizeof o);
		memset(&b, 0, sizeof b);
		b.size = sizeof b;
		b.arg = &o;
		b.round_trip = refl_round_trip;
		CU_ASSERT_EQUAL(vt->reflect(c, hctx, &b), RETORT_EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "no database selected"));
	}
	rt_free(url_db);
	vt->disconnect(c);
}

static void test_mysql__live_done(void)
{
	free_url();
	CU_PASS("cleanup");
}

static const rt_cu_test render_tests[] = {
	{"descriptor", test_mysql__descriptor},
	{"rejects_unknown_setting", test_mysql__rejects_unknown_setting},
	{"quote_ident", test_mysql__quote_ident},
	{"quote_literal", test_mysql__quote_literal},
	{"map_type", test_mysql__map_type},
	{"render_create_table", test_mysql__render_create_table},
	{"render_primary_keys", test_mysql__render_primary_keys},
	{"render_table_ops", test_mysql__render_table_ops},
	{"render_alter_column", test_mysql__render_alter_column},
	{"render_indexes", test_mysql__render_indexes},
	{"render_expression_indexes", test_mysql__render_expression_indexes},
	{"render_constraints", test_mysql__render_constraints},
	{"render_bulk_insert", test_mysql__render_bulk_insert},
	{"render_execute_and_dialect_filter", test_mysql__render_execute_and_dialect_filter},
	{NULL, NULL}};

static const rt_cu_test live_tests[] = {
	{"live_server", test_mysql__live_server},
	{"live_execute_query", test_mysql__live_execute_query},
	{"live_transactions", test_mysql__live_transactions},
	{"live_lock", test_mysql__live_lock},
	{"live_lookups", test_mysql__live_lookups},
	{"live_connect_errors", test_mysql__live_connect_errors},
	{"live_render_roundtrip", test_mysql__live_render_roundtrip},
	{"live_no_backslash_escapes", test_mysql__live_no_backslash_escapes},
	{"live_unix_socket", test_mysql__live_unix_socket},
	{"live_reflect", test_mysql__live_reflect},
	{"live_done", test_mysql__live_done},
	{NULL, NULL}};

static const rt_cu_suite suites[] = {{"dialect_mysql", render_tests}, {"dialect_mysql_live", live_tests},
                                     {NULL, NULL}};

RT_CU_MAIN(suites)

/* test_sqlsplit: splitting raw SQL into statements (core/lib/sqlsplit.c). */
#include "config.h"

#include "cu.h"

#include "rt.h"
#include "sqlsplit.h"

#define MAXSTMT 16

typedef struct got {
	int n;
	char *stmt[MAXSTMT];
	int line[MAXSTMT];
	int stop_after; /* return 7 after this many statements (0: never) */
} got;

static int collect(void *arg, const char *stmt, size_t len, int line)
{
	got *g = arg;
	if (g->n < MAXSTMT) {
		g->stmt[g->n] = rt_strndup(stmt, len);
		g->line[g->n] = line;
	}
	g->n++;
	if (g->stop_after && g->n == g->stop_after)
		return 7;
	return 0;
}

static void got_free(got *g)
{
	int i;
	for (i = 0; i < g->n && i < MAXSTMT; i++)
		rt_free(g->stmt[i]);
	memset(g, 0, sizeof *g);
}

static int split(got *g, const char *sql)
{
	memset(g, 0, sizeof *g);
	rt_error_clear();
	return rt_sql_split(sql, strlen(sql), 1, collect, g);
}

static void test_sqlsplit__simple(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n\n  DROP TABLE b  ;"), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 3);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "CREATE TABLE a (id int)");
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "INSERT INTO a VALUES (1)");
	CU_ASSERT_STRING_EQUAL(g.stmt[2], "DROP TABLE b");
	CU_ASSERT_EQUAL(g.line[0], 1);
	CU_ASSERT_EQUAL(g.line[1], 2);
	CU_ASSERT_EQUAL(g.line[2], 4);
	got_free(&g);
}

static void test_sqlsplit__last_without_semicolon_and_first_line(void)
{
	got g;
	memset(&g, 0, sizeof g);
	CU_ASSERT_EQUAL(rt_sql_split("\n\nSELECT 1;\nSELECT 2\n", 20, 10, collect, &g), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "SELECT 2");
	CU_ASSERT_EQUAL(g.line[0], 12);
	CU_ASSERT_EQUAL(g.line[1], 13);
	got_free(&g);
}

static void test_sqlsplit__respects_len(void)
{
	got g;
	const char *sql = "SELECT 1; SELECT 2;";
	memset(&g, 0, sizeof g);
	CU_ASSERT_EQUAL(rt_sql_split(sql, 8, 1, collect, &g), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 1);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "SELECT 1");
	got_free(&g);
}

static void test_sqlsplit__empty_statements_skipped(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, ";;  ;\n-- only a comment\n;/* and another */;\n\n"), 0);
	CU_ASSERT_EQUAL(g.n, 0);
	got_free(&g);
	CU_ASSERT_EQUAL(split(&g, ""), 0);
	CU_ASSERT_EQUAL(g.n, 0);
	got_free(&g);
}

static void test_sqlsplit__quotes(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "INSERT INTO t VALUES ('a;b', 'it''s;', \"we;ird\"\"id\", `my;col``x`);\n"
				  "SELECT 'line1\nline2;';\nSELECT 3;"),
			0);
	CU_ASSERT_EQUAL_FATAL(g.n, 3);
	CU_ASSERT_STRING_EQUAL(g.stmt[0],
			       "INSERT INTO t VALUES ('a;b', 'it''s;', \"we;ird\"\"id\", `my;col``x`)");
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "SELECT 'line1\nline2;'");
	CU_ASSERT_EQUAL(g.line[1], 2);
	CU_ASSERT_EQUAL(g.line[2], 4);
	got_free(&g);
}

static void test_sqlsplit__backslash_escapes(void)
{
	got g;
	/* MySQL-style \' and PostgreSQL E'...' escapes do not end the string */
	CU_ASSERT_EQUAL(split(&g, "INSERT INTO t VALUES ('it\\'s; fine');\nSELECT E'a\\'b;c', '\\\\';\nSELECT 2;"), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 3);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "INSERT INTO t VALUES ('it\\'s; fine')");
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "SELECT E'a\\'b;c', '\\\\'");
	CU_ASSERT_STRING_EQUAL(g.stmt[2], "SELECT 2");
	got_free(&g);
	/* no backslash escapes in identifiers */
	CU_ASSERT_EQUAL(split(&g, "SELECT \"a\\\";SELECT `b\\`;"), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "SELECT \"a\\\"");
	got_free(&g);
}

static void test_sqlsplit__comments(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "-- leading; comment\nSELECT 1 -- trailing; here\n;\n"
				  "/* block; /* nested; */ still; */ SELECT /* mid; */ 2;\n"
				  "SELECT 3 /* tail */ ;"),
			0);
	CU_ASSERT_EQUAL_FATAL(g.n, 3);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "SELECT 1");
	CU_ASSERT_EQUAL(g.line[0], 2);
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "SELECT /* mid; */ 2");
	CU_ASSERT_EQUAL(g.line[1], 4);
	CU_ASSERT_STRING_EQUAL(g.stmt[2], "SELECT 3");
	got_free(&g);
}

static void test_sqlsplit__mysql_executable_comment_kept(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "/*!40101 SET NAMES utf8 */;\nSELECT 1;"), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "/*!40101 SET NAMES utf8 */");
	got_free(&g);
}

static void test_sqlsplit__dollar_quotes(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  x := 1;\n  RETURN NEW;\nEND;\n$$ "
				  "LANGUAGE plpgsql;\n"
				  "DO $body$ BEGIN PERFORM 'a;$$'; END $body$;\n"
				  "SELECT $1, a$b FROM t;\n"
				  "SELECT $x$ has $y$; inside $x$;"),
			0);
	CU_ASSERT_EQUAL_FATAL(g.n, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.stmt[0], "RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql"));
	CU_ASSERT_EQUAL(g.line[1], 7);
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "DO $body$ BEGIN PERFORM 'a;$$'; END $body$");
	CU_ASSERT_STRING_EQUAL(g.stmt[2], "SELECT $1, a$b FROM t");
	CU_ASSERT_STRING_EQUAL(g.stmt[3], "SELECT $x$ has $y$; inside $x$");
	got_free(&g);
}

static void test_sqlsplit__sqlite_trigger(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "CREATE TRIGGER trg AFTER UPDATE ON a\nBEGIN\n  UPDATE b SET n = n + 1;\n"
				  "  INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 'pos' ELSE 'neg' END);\n"
				  "  SELECT new.end;\nEND;\nSELECT 2;"),
			0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.stmt[0], "SELECT new.end;\nEND"));
	CU_ASSERT_EQUAL(strcmp(g.stmt[0] + strlen(g.stmt[0]) - 3, "END"), 0);
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "SELECT 2");
	CU_ASSERT_EQUAL(g.line[1], 7);
	got_free(&g);
}

static void test_sqlsplit__trigger_case_end_does_not_close_body(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "create temp trigger t before insert on x begin\n"
				  "select case when 1 then 2 end; select 3;\nend; select 4;"),
			0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "create temp trigger t before insert on x begin\n"
					  "select case when 1 then 2 end; select 3;\nend");
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "select 4");
	got_free(&g);
}

static void test_sqlsplit__mysql_procedure(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "CREATE DEFINER=`root`@`%` PROCEDURE p(IN n INT)\nBEGIN\n"
				  "  IF n > 0 THEN SELECT 1; END IF;\n"
				  "  WHILE n > 0 DO SET n = n - 1; END WHILE;\n"
				  "  CASE n WHEN 0 THEN SELECT 0; ELSE SELECT 1; END CASE;\n"
				  "  lbl: BEGIN SELECT 2; END lbl;\n"
				  "END;\nCALL p(1);"),
			0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "CALL p(1)");
	CU_ASSERT_EQUAL(g.line[1], 8);
	got_free(&g);
}

static void test_sqlsplit__begin_transaction_is_its_own_statement(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "BEGIN;\nCREATE TABLE t (id int);\nBEGIN TRANSACTION;\nSELECT 1;\nEND;\nCOMMIT;"), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 6);
	CU_ASSERT_STRING_EQUAL(g.stmt[0], "BEGIN");
	CU_ASSERT_STRING_EQUAL(g.stmt[2], "BEGIN TRANSACTION");
	CU_ASSERT_STRING_EQUAL(g.stmt[4], "END");
	got_free(&g);
	/* a column called "function" does not make a CREATE TABLE a routine */
	CU_ASSERT_EQUAL(split(&g, "CREATE TABLE t (function text, begin_at int); SELECT 1;"), 0);
	CU_ASSERT_EQUAL(g.n, 2);
	got_free(&g);
}

static void test_sqlsplit__pg_trigger_without_body(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE FUNCTION f();\n"
				  "SELECT 1;"),
			0);
	CU_ASSERT_EQUAL(g.n, 2);
	got_free(&g);
}

static void test_sqlsplit__callback_stops(void)
{
	got g;
	memset(&g, 0, sizeof g);
	g.stop_after = 2;
	CU_ASSERT_EQUAL(rt_sql_split("SELECT 1; SELECT 2; SELECT 3;", 29, 1, collect, &g), 7);
	CU_ASSERT_EQUAL(g.n, 2);
	got_free(&g);
}

static void expect_error(const char *sql, const char *msg)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, sql), RETORT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(rt_error_msg(), msg));
	if (!strstr(rt_error_msg(), msg))
		fprintf(stderr, "\n  got: %s\n  want: %s\n", rt_error_msg(), msg);
	got_free(&g);
}

static void test_sqlsplit__unterminated(void)
{
	expect_error("SELECT 1;\nSELECT 'abc;\n\n", "line 2: unterminated quoted string");
	expect_error("SELECT 1;\n\nSELECT \"abc;", "line 3: unterminated quoted identifier");
	expect_error("SELECT `abc;", "line 1: unterminated quoted identifier");
	expect_error("SELECT 1;\n/* a /* b */\nSELECT 2;", "line 2: unterminated comment");
	expect_error("\n\nSELECT $f$ abc $g$;\n", "line 3: unterminated dollar-quoted string");
	expect_error("SELECT 'it\\';", "line 1: unterminated quoted string");
	expect_error("SELECT 0;\nCREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n SELECT 1;\n",
		     "line 3: unterminated BEGIN ... END block");
}

static void test_sqlsplit__crlf(void)
{
	got g;
	CU_ASSERT_EQUAL(split(&g, "SELECT 1;\r\n\r\nSELECT 2\r\n;\r\n"), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.stmt[1], "SELECT 2");
	CU_ASSERT_EQUAL(g.line[1], 3);
	got_free(&g);
}

static const rt_cu_test tests[] = {
	{"simple", test_sqlsplit__simple},
	{"last_without_semicolon_and_first_line", test_sqlsplit__last_without_semicolon_and_first_line},
	{"respects_len", test_sqlsplit__respects_len},
	{"empty_statements_skipped", test_sqlsplit__empty_statements_skipped},
	{"quotes", test_sqlsplit__quotes},
	{"backslash_escapes", test_sqlsplit__backslash_escapes},
	{"comments", test_sqlsplit__comments},
	{"mysql_executable_comment_kept", test_sqlsplit__mysql_executable_comment_kept},
	{"dollar_quotes", test_sqlsplit__dollar_quotes},
	{"sqlite_trigger", test_sqlsplit__sqlite_trigger},
	{"trigger_case_end_does_not_close_body", test_sqlsplit__trigger_case_end_does_not_close_body},
	{"mysql_procedure", test_sqlsplit__mysql_procedure},
	{"begin_transaction_is_its_own_statement", test_sqlsplit__begin_transaction_is_its_own_statement},
	{"pg_trigger_without_body", test_sqlsplit__pg_trigger_without_body},
	{"callback_stops", test_sqlsplit__callback_stops},
	{"unterminated", test_sqlsplit__unterminated},
	{"crlf", test_sqlsplit__crlf},
	{NULL, NULL},
};
static const rt_cu_suite suites[] = {{"sqlsplit", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)

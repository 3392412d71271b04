/*
 * The lint policy's reading of column type changes (plugins/lint/types.c):
 * which ones narrow (the destructive rule), which rewrite a PostgreSQL
 * table (pg_rewrite) and which MariaDB cannot do online (mysql_online_ddl).
 */
#include "cu.h"
#include "lint_int.h"

static void test_lint_types__narrowing(void)
{
	CU_ASSERT_TRUE(lint_type_narrows("varchar(50)", "varchar(10)"));
	CU_ASSERT_TRUE(lint_type_narrows("text", "varchar(255)"));
	CU_ASSERT_TRUE(lint_type_narrows("bigint", "integer"));
	CU_ASSERT_TRUE(lint_type_narrows("integer", "smallint"));
	CU_ASSERT_TRUE(lint_type_narrows("numeric(12,2)", "numeric(10,2)"));
	CU_ASSERT_TRUE(lint_type_narrows("numeric(12,4)", "numeric(12,2)"));
	CU_ASSERT_TRUE(lint_type_narrows("double", "real"));
	CU_ASSERT_TRUE(lint_type_narrows("text", "integer")); /* values may not convert */
	CU_ASSERT_FALSE(lint_type_narrows("varchar(10)", "varchar(50)"));
	CU_ASSERT_FALSE(lint_type_narrows("varchar(10)", "text"));
	CU_ASSERT_FALSE(lint_type_narrows("integer", "bigint"));
	CU_ASSERT_FALSE(lint_type_narrows("integer", "text"));
	CU_ASSERT_FALSE(lint_type_narrows("integer", "numeric"));
	CU_ASSERT_FALSE(lint_type_narrows("numeric(10,2)", "numeric(12,2)"));
	CU_ASSERT_FALSE(lint_type_narrows("VARCHAR (20)", "character varying(20)")); /* spellings of one type */
	CU_ASSERT_FALSE(lint_type_narrows(NULL, "integer"));                    /* unknown old type */
	CU_ASSERT_FALSE(lint_type_narrows("geometry", "point"));                /* unknown kinds */
}

static void test_lint_types__pg_rewrite(void)
{
	CU_ASSERT_FALSE(lint_pg_rewrites("varchar(10)", "varchar(50)"));
	CU_ASSERT_FALSE(lint_pg_rewrites("varchar(10)", "text"));
	CU_ASSERT_FALSE(lint_pg_rewrites("character varying(10)", "varchar"));
	CU_ASSERT_FALSE(lint_pg_rewrites("numeric(10,2)", "numeric(12,2)"));
	CU_ASSERT_FALSE(lint_pg_rewrites("numeric(10,2)", "numeric"));
	CU_ASSERT_FALSE(lint_pg_rewrites("integer", "int4"));
	CU_ASSERT_TRUE(lint_pg_rewrites("integer", "bigint"));
	CU_ASSERT_TRUE(lint_pg_rewrites("varchar(50)", "varchar(10)"));
	CU_ASSERT_TRUE(lint_pg_rewrites("numeric(10,2)", "numeric(12,3)"));
	CU_ASSERT_TRUE(lint_pg_rewrites("text", "integer"));
	CU_ASSERT_TRUE(lint_pg_rewrites(NULL, "text")); /* cannot tell: reported */
}

static void test_lint_types__mysql_copy(void)
{
	CU_ASSERT_FALSE(lint_my_copies("integer", "bigint"));
	CU_ASSERT_FALSE(lint_my_copies("varchar(20)", "varchar(40)"));
	CU_ASSERT_FALSE(lint_my_copies("varchar(100)", "varchar(200)"));
	CU_ASSERT_TRUE(lint_my_copies("varchar(40)", "varchar(100)")); /* length bytes 1 -> 2 */
	CU_ASSERT_TRUE(lint_my_copies("bigint", "integer"));
	CU_ASSERT_TRUE(lint_my_copies("integer", "varchar(20)"));
	CU_ASSERT_TRUE(lint_my_copies("varchar(40)", "varchar(20)"));
	CU_ASSERT_TRUE(lint_my_copies(NULL, "bigint"));
}

static const rt_cu_test tests[] = {
	{"narrowing", test_lint_types__narrowing},
	{"pg_rewrite", test_lint_types__pg_rewrite},
	{"mysql_copy", test_lint_types__mysql_copy},
	{NULL, NULL},
};

static const rt_cu_suite suites[] = {
	{"lint_types", tests},
	{NULL, NULL},
};

RT_CU_MAIN(suites)

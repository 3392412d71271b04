/*
 * Conformance scenario on reflection (selftest.c runs it): a schema with
 * keys, a unique constraint, a foreign key, a check, an index and defaults
 * created by a revision is compared with its declaration as `retort check`
 * compares them, then reflected, dumped as DDL (`schema dump --format
 * sql`), applied to the emptied database and reflected again: both
 * descriptions must be the same.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "autogen.h"
#include "diff.h"
#include "opwrite.h"
#include "schema.h"
#include "selftest_int.h"
#include "sqlsplit.h"

#define T_P ST_PREFIX "parent"
#define T_C ST_PREFIX "child"

/* ---- reflection round trip ---- */

#define R_COLS_P                                                                                                       \
	"      { name = \"id\"; type = \"integer\"; nullable = false; },\n"                                                 \
	"      { name = \"name\"; type = \"varchar(40)\"; nullable = false; server_default = \"'none'\"; },\n"             \
	"      { name = \"score\"; type = \"numeric(12,2)\"; server_default = \"0\"; }\n"
#define R_COLS_C                                                                                                       \
	"      { name = \"id\"; type = \"integer\"; nullable = false; },\n"                                                 \
	"      { name = \"parent_id\"; type = \"integer\"; },\n"                                                           \
	"      { name = \"qty\"; type = \"integer\"; nullable = false; server_default = \"0\"; },\n"                        \
	"      { name = \"note\"; type = \"text\"; }\n"
/* `unique` in a create_table operation, `uniques` in a target schema */
#define R_KEYS_C(unique)                                                                                               \
	"    primary_key = { columns = [ \"id\" ]; };\n"                                   \
	"    " unique " = ( { name = \"" ST_PREFIX "uq_child_note\"; columns = [ \"note\" ]; } );\n"                              \
	"    foreign_keys = ( { name = \"" ST_PREFIX "fk_child_parent\"; columns = [ \"parent_id\" ]; references = \"" T_P   \
	"(id)\"; on_delete = \"cascade\"; } );\n"                                                                           \
	"    checks = ( { name = \"" ST_PREFIX "ck_child_qty\"; expression = \"qty >= 0\"; } );\n"

static char *canon_cb(void *arg, rt_canon_kind kind, const char *type, const char *text)
{
	return rt_schema_canon(arg, kind, type, text);
}

/* The operations of a diff, one a line, for a failure's reason (rt_free). */
static char *diff_text(const rt_diff *d)
{
	rt_buf b = RT_BUF_INIT;
	if (rt_ops_write_conf(&b, d->up, d->nup, "  ") < 0)
		rt_buf_puts(&b, "(could not write the operations)");
	return rt_buf_detach(&b);
}

/* rt_sql_split's callback: run one statement of the dump */
typedef struct exec_arg {
	st_kit *k;
	char *err;
} exec_arg;

static int exec_split(void *arg, const char *stmt, size_t len, int line)
{
	exec_arg *a = arg;
	char *sql = rt_strndup(stmt, len), *err = NULL;
	int rc = sql ? st_exec(a->k, sql, &err) : RETORT_ENOMEM;
	(void)line;
	if (rc < 0)
		a->err = rt_asprintf("%s\n-> %s", sql ? sql : "", err ? err : "out of memory");
	rt_free(sql);
	rt_free(err);
	return rc < 0 ? rc : 0;
}

static int same_schema(st_kit *k, const rt_schema *a, const rt_schema *b, char **why)
{
	rt_diff d;
	rt_diff_opts o;
	int ok;
	memset(&d, 0, sizeof d);
	memset(&o, 0, sizeof o);
	o.canon = canon_cb;
	o.canon_arg = &k->ctx;
	o.comments = (k->flags & RETORT_DIALECT_COMMENTS) != 0;
	if (rt_diff_schemas(a, b, &o, &d) < 0) {
		*why = st_errdup();
		rt_diff_free(&d);
		return 0;
	}
	ok = d.nup == 0;
	*why = ok ? NULL : diff_text(&d);
	rt_diff_free(&d);
	return ok;
}

void st_scn_reflect(st_kit *k)
{
	static const char *const tables[] = {T_C, T_P};
	rt_schema *s1 = NULL, *s2 = NULL;
	rt_buf sql = RT_BUF_INIT;
	char *err = NULL, *why = NULL, *target = NULL, *extra = NULL, *ddl = NULL, *path = NULL;
	FILE *f;
	int rc;
	if (!k->has_reflect) {
		st_skip(k, "the dialect has no reflect method (schema dump, autogenerate and check refuse it)",
		        "reflect: round trip");
		return;
	}
	st_drop_leftovers(k, tables, 2, NULL);
	target = rt_asprintf("%s/target-%d.conf", k->root, k->nproj + 1);
	extra = rt_asprintf("target_schema = \"%s\";\n", target);
	if (!target || !extra || st_project(k, extra) < 0) {
		st_fail(k, rt_error_msg(), "reflect: temporary project");
		goto out;
	}
	if (st_write_file(target, "tables = (\n  { name = \"" T_P "\";\n    columns = (\n" R_COLS_P "    );\n"
	                          "    primary_key = { columns = [ \"id\" ]; };\n  },\n"
	                          "  { name = \"" T_C "\";\n    columns = (\n" R_COLS_C "    );\n" R_KEYS_C("uniques")
	                          "    indexes = ( { name = \"" ST_PREFIX "ix_child_qty\"; columns = [ \"qty\" ]; } );\n"
	                          "  }\n);\n") < 0) {
		st_fail(k, rt_error_msg(), "reflect: the declared target schema");
		goto out;
	}
	if (!st_rev(k,
	            "  { op = \"create_table\"; table = \"" T_P "\"; columns = (\n" R_COLS_P "    );\n"
	            "    primary_key = { columns = [ \"id\" ]; }; },\n"
	            "  { op = \"create_table\"; table = \"" T_C "\"; columns = (\n" R_COLS_C "    );\n" R_KEYS_C("unique") "  },\n"
	            "  { op = \"create_index\"; name = \"" ST_PREFIX "ix_child_qty\"; table = \"" T_C
	            "\"; columns = [ \"qty\" ]; }",
	            "  { op = \"drop_table\"; table = \"" T_C "\"; },\n  { op = \"drop_table\"; table = \"" T_P "\"; }") ||
	    !st_apply_last(k, "reflect: two tables with keys, unique, foreign key, check, index, defaults", 1))
		goto out;
	/* declared against reflected, as `retort check` compares them */
	if (st_open(k, "check", 0) == RETORT_OK) {
		rt_autogen ag;
		memset(&ag, 0, sizeof ag);
		rc = rt_autogen_compute(&k->ctx, &ag);
		if (rc < 0)
			why = st_errdup();
		else if (ag.diff.nup)
			why = diff_text(&ag.diff);
		st_check(k, rc == RETORT_OK && ag.diff.nup == 0, why,
		         "reflect: `check` finds no difference between the declared schema and the reflected one");
		rt_autogen_free(&ag);
		st_close(k);
		rt_free(why);
		why = NULL;
	}
	/* reflect, render as DDL (schema dump --format sql), apply to an empty database, reflect again */
	if (st_open(k, "selftest", 1) < 0 || rt_schema_reflect(&k->ctx, &s1) < 0) {
		st_fail(k, rt_error_msg(), "reflect: reflect the live schema");
		goto out;
	}
	path = rt_asprintf("%s/dump.sql", k->root);
	if (!path || !(f = fopen(path, "w")) || (rc = rt_schema_write_sql(&k->ctx, s1, f), fclose(f) != 0) || rc < 0) {
		st_fail(k, rt_error_msg(), "reflect: schema dump --format sql renders the reflected schema");
		goto out;
	}
	st_close(k);
	st_pass(k, "reflect: schema dump --format sql renders the reflected schema");
	if (!st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err, "reflect: downgrade base empties the database"))
		goto out;
	if (rt_file_read(&ddl, NULL, path) < 0 || st_open(k, "selftest", 1) < 0) {
		st_fail(k, rt_error_msg(), "reflect: apply the DDL");
		goto out;
	}
	{
		exec_arg a = {k, NULL};
		rc = rt_sql_split(ddl, strlen(ddl), 1, exec_split, &a);
		why = a.err ? a.err : rc < 0 ? st_errdup() : NULL;
	}
	st_check(k, rc == RETORT_OK, why, "reflect: the dumped DDL runs on the empty database");
	rt_free(why);
	why = NULL;
	if (rc == RETORT_OK) {
		if (rt_schema_reflect(&k->ctx, &s2) < 0)
			st_fail(k, rt_error_msg(), "reflect: reflect the rebuilt schema");
		else
			st_check(k, same_schema(k, s1, s2, &why), why,
			         "reflect: reflect, render, apply, reflect again gives the same description");
	}
	st_close(k);
out:
	rt_schema_free(s1);
	rt_schema_free(s2);
	rt_buf_free(&sql);
	rt_free(err);
	rt_free(why);
	rt_free(target);
	rt_free(extra);
	rt_free(ddl);
	rt_free(path);
	st_close(k);
	st_drop_leftovers(k, tables, 2, NULL);
}

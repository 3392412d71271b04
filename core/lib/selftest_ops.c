/*
 * Conformance scenarios on what a dialect renders (selftest.c runs them):
 * every portable type written and read back (and reflected), every
 * operation kind applied, checked by its effect and reverted, and the
 * quoting torture cases.  Each goes through revision scripts run by the
 * runner, as `retort upgrade` runs them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autogen.h"
#include "diff.h"
#include "schema.h"
#include "selftest_int.h"

/* ---- small helpers ---- */

/* `s` as a libconfig string literal, quotes included (rt_free). */
static char *conf_str(const char *s)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_putc(&b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			rt_buf_putc(&b, '\\');
		rt_buf_putc(&b, *s);
	}
	rt_buf_putc(&b, '"');
	return rt_buf_detach(&b);
}

/* ---- every portable type ---- */

static const struct {
	const char *type, *value, *pred;
} types[] = {
	{"integer", "42", "= 42"},
	{"bigint", "9007199254740993L", "= 9007199254740993"},
	{"smallint", "7", "= 7"},
	{"boolean", "true", "= TRUE"},
	{"varchar(20)", "\"v-20\"", "= 'v-20'"},
	{"text", "\"some text\"", "= 'some text'"},
	{"numeric(12,2)", "12.5", "= 12.5"},
	{"real", "1.5", "= 1.5"},
	{"double", "2.25", "= 2.25"},
	{"date", "\"2026-01-02\"", "= '2026-01-02'"},
	{"time", "\"03:04:05\"", "= '03:04:05'"},
	{"timestamp", "\"2026-01-02 03:04:05\"", "= '2026-01-02 03:04:05'"},
	{"timestamptz", "\"2026-01-02 03:04:05\"", "= '2026-01-02 03:04:05'"},
	{"blob", "\"abc\"", "IS NOT NULL"},
	{"json", "\"{\\\"a\\\": 1}\"", "IS NOT NULL"},
	{"uuid", "\"123e4567-e89b-12d3-a456-426614174000\"", "= '123e4567-e89b-12d3-a456-426614174000'"},
};
#define NTYPES (sizeof types / sizeof types[0])

/* c_varchar_20 for varchar(20) */
static void col_name(char *out, size_t n, const char *type)
{
	size_t i = 0;
	out[i++] = 'c';
	out[i++] = '_';
	for (; *type && i + 1 < n; type++)
		if ((*type >= 'a' && *type <= 'z') || (*type >= '0' && *type <= '9'))
			out[i++] = *type;
		else if (out[i - 1] != '_')
			out[i++] = '_';
	while (i > 2 && out[i - 1] == '_')
		i--;
	out[i] = '\0';
}

static const rt_schema_table *find_table(const rt_schema *s, const char *name)
{
	size_t i;
	for (i = 0; s && i < s->ntables; i++)
		if (strcmp(s->tables[i].name, name) == 0)
			return &s->tables[i];
	return NULL;
}

static const rt_schema_column *find_column(const rt_schema_table *t, const char *name)
{
	size_t i;
	for (i = 0; t && i < t->ncolumns; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	return NULL;
}

void st_scn_types(st_kit *k)
{
	static const char *const tables[] = {ST_PREFIX "types"};
	rt_buf cols = RT_BUF_INIT, row = RT_BUF_INIT, up = RT_BUF_INIT;
	rt_schema *s = NULL;
	char col[64], *err = NULL, *why = NULL, *sql;
	size_t i;
	st_drop_leftovers(k, tables, 1, NULL);
	if (st_project(k, NULL) < 0) {
		st_fail(k, rt_error_msg(), "types: temporary project");
		return;
	}
	for (i = 0; i < NTYPES; i++) {
		col_name(col, sizeof col, types[i].type);
		rt_buf_printf(&cols, ",\n      { name = \"%s\"; type = \"%s\"; }", col, types[i].type);
		rt_buf_printf(&row, " %s = %s;", col, types[i].value);
	}
	rt_buf_printf(&up,
	              "  { op = \"create_table\"; table = \"" ST_PREFIX "types\";\n"
	              "    columns = ( { name = \"id\"; type = \"integer\"; primary_key = true; }%s ); },\n"
	              "  { op = \"bulk_insert\"; table = \"" ST_PREFIX "types\"; rows = ( { id = 1;%s } ); }",
	              rt_buf_cstr(&cols), rt_buf_cstr(&row));
	if (!st_rev(k, rt_buf_cstr(&up), "  { op = \"drop_table\"; table = \"" ST_PREFIX "types\"; }") ||
	    !st_apply_last(k, "types: create_table with a column of each portable type, and bulk_insert a row", 1))
		goto out;
	if (!st_checks_open(k, "types"))
		goto out;
	for (i = 0; i < NTYPES; i++) {
		col_name(col, sizeof col, types[i].type);
		sql = rt_asprintf("SELECT count(*) FROM " ST_PREFIX "types WHERE %s %s", col, types[i].pred);
		st_check(k, sql && st_expect_scalar(k, sql, "1", &why), why, "type %s: written by bulk_insert, read back",
		         types[i].type);
		rt_free(sql);
		rt_free(why);
		why = NULL;
	}
	if (!k->has_reflect) {
		st_skip(k, "the dialect has no reflect method", "types: reflected types");
	} else if (rt_schema_reflect(&k->ctx, &s) < 0) {
		st_fail(k, rt_error_msg(), "types: reflect the live schema");
	} else {
		const rt_schema_table *t = find_table(s, ST_PREFIX "types");
		for (i = 0; i < NTYPES; i++) {
			const rt_schema_column *c;
			char *a, *b;
			col_name(col, sizeof col, types[i].type);
			if (!(c = find_column(t, col))) {
				st_fail(k, "the column is missing from the reflected table", "type %s: reflected",
				        types[i].type);
				continue;
			}
			a = rt_schema_canon(&k->ctx, RT_CANON_TYPE, NULL, types[i].type);
			b = rt_schema_canon(&k->ctx, RT_CANON_TYPE, NULL, c->type);
			why = rt_asprintf("declared %s (compared as %s), reflected %s (compared as %s): autogenerate "
			                  "and check would see a difference",
			                  types[i].type, a ? a : "?", c->type, b ? b : "?");
			st_check(k, a && b && strcmp(a, b) == 0, why, "type %s: reflected as %s, the same type",
			         types[i].type, c->type);
			rt_free(a);
			rt_free(b);
			rt_free(why);
			why = NULL;
		}
	}
	st_close(k);
	st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err, "types: downgrade base drops the table");
out:
	rt_schema_free(s);
	rt_free(err);
	rt_buf_free(&cols);
	rt_buf_free(&row);
	rt_buf_free(&up);
	st_drop_leftovers(k, tables, 1, NULL);
}

/* ---- every operation kind ---- */

typedef struct op_step {
	const char *kind;
	int required;   /* every dialect must do it */
	int needs;      /* 1-based index of the step it builds on, or 0 */
	const char *up, *down;
	const char *must_ok, *must_fail; /* statements that must run / must be refused after the upgrade */
	const char *expect_sql, *expect; /* a query and its first value */
	const char *absent, *present;    /* tables that must not / must exist */
	const char *cleanup;
	/* what reflect must then find on `table`, when the dialect reflects (see reflect_has) */
	char rkind;
	int rwant; /* 1: present, 0: absent */
} op_step;

#define T_P ST_PREFIX "parent"
#define T_C ST_PREFIX "child"
#define T_N ST_PREFIX "nopk"
#define T_R ST_PREFIX "renamed"
#define CREATE_NOPK(t, pk)                                                                                             \
	"  { op = \"create_table\"; table = \"" t "\"; columns = ( { name = \"id\"; type = \"integer\"; nullable = "  \
	"false; } )" pk "; }"

static const op_step steps[] = {
	{"create_table", 1, 0,
	 "  { op = \"create_table\"; table = \"" T_P "\"; columns = (\n"
	 "      { name = \"id\"; type = \"integer\"; primary_key = true; },\n"
	 "      { name = \"name\"; type = \"varchar(40)\"; nullable = false; server_default = \"'none'\"; } ); },\n"
	 "  { op = \"create_table\"; table = \"" T_C "\"; columns = (\n"
	 "      { name = \"id\"; type = \"integer\"; primary_key = true; },\n"
	 "      { name = \"parent_id\"; type = \"integer\"; },\n"
	 "      { name = \"qty\"; type = \"integer\"; } ); },\n" CREATE_NOPK(T_N, ""),
	 "  { op = \"drop_table\"; table = \"" T_N "\"; },\n"
	 "  { op = \"drop_table\"; table = \"" T_C "\"; },\n"
	 "  { op = \"drop_table\"; table = \"" T_P "\"; }",
	 "INSERT INTO " T_P " (id) VALUES (99)", NULL, "SELECT name FROM " T_P " WHERE id = 99", "none", NULL,
	 T_P, "DELETE FROM " T_P, 0, 0},
	{"bulk_insert", 1, 0,
	 "  { op = \"bulk_insert\"; table = \"" T_P "\"; rows = ( { id = 1; name = \"one\"; }, { id = 2; name = "
	 "\"two\"; } ); }",
	 "  { op = \"execute\"; sql = \"DELETE FROM " T_P "\"; }", NULL, NULL, "SELECT count(*) FROM " T_P, "2", NULL,
	 NULL, NULL, 0, 0},
	{"execute", 1, 0, "  { op = \"execute\"; sql = \"UPDATE " T_P " SET name = 'deux' WHERE id = 2\"; }",
	 "  { op = \"execute\"; sql = \"UPDATE " T_P " SET name = 'two' WHERE id = 2\"; }", NULL, NULL,
	 "SELECT name FROM " T_P " WHERE id = 2", "deux", NULL, NULL, NULL, 0, 0},
	{"add_column", 1, 0,
	 "  { op = \"add_column\"; table = \"" T_C "\"; column = { name = \"note\"; type = \"varchar(10)\"; }; }",
	 "  { op = \"drop_column\"; table = \"" T_C "\"; column = \"note\"; }", "SELECT note FROM " T_C, NULL, NULL,
	 NULL, NULL, NULL, NULL, 0, 0},
	{"alter_column (type)", 0, 0,
	 "  { op = \"alter_column\"; table = \"" T_C "\"; column = \"note\"; type = \"varchar(30)\"; existing_type = "
	 "\"varchar(10)\"; existing_nullable = true; }",
	 "  { op = \"alter_column\"; table = \"" T_C "\"; column = \"note\"; type = \"varchar(10)\"; existing_type = "
	 "\"varchar(30)\"; existing_nullable = true; }",
	 "INSERT INTO " T_C " (id, note) VALUES (90, 'twenty-five characters ok')", NULL, NULL, NULL, NULL, NULL,
	 "DELETE FROM " T_C, 0, 0},
	{"alter_column (nullable)", 0, 0,
	 "  { op = \"alter_column\"; table = \"" T_C "\"; column = \"qty\"; nullable = false; existing_type = "
	 "\"integer\"; }",
	 "  { op = \"alter_column\"; table = \"" T_C "\"; column = \"qty\"; nullable = true; existing_type = "
	 "\"integer\"; }",
	 NULL, "INSERT INTO " T_C " (id, qty) VALUES (91, NULL)", NULL, NULL, NULL, NULL, NULL, 0, 0},
	{"drop_column", 1, 0, "  { op = \"drop_column\"; table = \"" T_C "\"; column = \"note\"; }",
	 "  { op = \"add_column\"; table = \"" T_C "\"; column = { name = \"note\"; type = \"varchar(10)\"; }; }",
	 NULL, "SELECT note FROM " T_C, NULL, NULL, NULL, NULL, NULL, 0, 0},
	{"create_index", 1, 0,
	 "  { op = \"create_index\"; name = \"" ST_PREFIX "ix_child_qty\"; table = \"" T_C "\"; columns = [ \"qty\" ]; }",
	 "  { op = \"drop_index\"; name = \"" ST_PREFIX "ix_child_qty\"; table = \"" T_C "\"; }", NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, 'i', 1},
	{"create_unique_constraint", 0, 0,
	 "  { op = \"create_unique_constraint\"; name = \"" ST_PREFIX "uq_child_qty\"; table = \"" T_C
	 "\"; columns = [ \"qty\" ]; }",
	 "  { op = \"drop_constraint\"; name = \"" ST_PREFIX "uq_child_qty\"; table = \"" T_C "\"; type = \"unique\"; }",
	 "INSERT INTO " T_C " (id, qty) VALUES (1, 5)", "INSERT INTO " T_C " (id, qty) VALUES (2, 5)", NULL, NULL,
	 NULL, NULL, "DELETE FROM " T_C, 'u', 1},
	{"create_foreign_key", 0, 0,
	 "  { op = \"create_foreign_key\"; name = \"" ST_PREFIX "fk_child_parent\"; table = \"" T_C
	 "\"; columns = [ \"parent_id\" ]; references = \"" T_P "(id)\"; }",
	 "  { op = \"drop_constraint\"; name = \"" ST_PREFIX "fk_child_parent\"; table = \"" T_C
	 "\"; type = \"foreignkey\"; }",
	 "INSERT INTO " T_C " (id, qty, parent_id) VALUES (4, 7, 1)", NULL, NULL, NULL, NULL, NULL, "DELETE FROM " T_C, 'f', 1},
	{"create_check_constraint", 0, 0,
	 "  { op = \"create_check_constraint\"; name = \"" ST_PREFIX "ck_child_qty\"; table = \"" T_C
	 "\"; expression = \"qty >= 0\"; }",
	 "  { op = \"drop_constraint\"; name = \"" ST_PREFIX "ck_child_qty\"; table = \"" T_C "\"; type = \"check\"; }",
	 NULL, "INSERT INTO " T_C " (id, qty) VALUES (5, -1)", NULL, NULL, NULL, NULL, NULL, 'c', 1},
	{"drop_constraint", 0, 11,
	 "  { op = \"drop_constraint\"; name = \"" ST_PREFIX "ck_child_qty\"; table = \"" T_C "\"; type = \"check\"; }",
	 "  { op = \"create_check_constraint\"; name = \"" ST_PREFIX "ck_child_qty\"; table = \"" T_C
	 "\"; expression = \"qty >= 0\"; }",
	 "INSERT INTO " T_C " (id, qty) VALUES (6, -1)", NULL, NULL, NULL, NULL, NULL, "DELETE FROM " T_C, 'c', 0},
	{"create_primary_key", 0, 0,
	 "  { op = \"create_primary_key\"; name = \"" ST_PREFIX "pk_nopk\"; table = \"" T_N "\"; columns = [ \"id\" ]; }",
	 "  { op = \"drop_constraint\"; name = \"" ST_PREFIX "pk_nopk\"; table = \"" T_N "\"; type = \"primary\"; }",
	 "INSERT INTO " T_N " (id) VALUES (1)", "INSERT INTO " T_N " (id) VALUES (1)", NULL, NULL, NULL, NULL,
	 "DELETE FROM " T_N, 'p', 1},
	{"drop_index", 1, 8, "  { op = \"drop_index\"; name = \"" ST_PREFIX "ix_child_qty\"; table = \"" T_C "\"; }",
	 "  { op = \"create_index\"; name = \"" ST_PREFIX "ix_child_qty\"; table = \"" T_C "\"; columns = [ \"qty\" ]; }",
	 NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'i', 0},
	{"create_enum", 0, 0, "  { op = \"create_enum\"; name = \"" ST_PREFIX "mood\"; values = [ \"calm\", \"busy\" ]; }",
	 "  { op = \"drop_enum\"; name = \"" ST_PREFIX "mood\"; }", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'e', 1},
	{"drop_enum", 0, 15, "  { op = \"drop_enum\"; name = \"" ST_PREFIX "mood\"; }",
	 "  { op = \"create_enum\"; name = \"" ST_PREFIX "mood\"; values = [ \"calm\", \"busy\" ]; }", NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL, 'e', 0},
	{"set_table_comment", 0, 0, "  { op = \"set_table_comment\"; table = \"" T_P "\"; comment = \"the kit's table\"; }",
	 "  { op = \"set_table_comment\"; table = \"" T_P "\"; comment = \"\"; }", NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, 'm', 1},
	{"rename_table", 0, 0, "  { op = \"rename_table\"; table = \"" T_N "\"; new_name = \"" T_R "\"; }",
	 "  { op = \"rename_table\"; table = \"" T_R "\"; new_name = \"" T_N "\"; }", NULL, NULL, NULL, NULL, T_N, T_R,
	 NULL, 0, 0},
	{"drop_table", 1, 0, "  { op = \"drop_table\"; table = \"" ST_PREFIX "gone\"; }",
	 "  { op = \"create_table\"; table = \"" ST_PREFIX "gone\"; columns = ( { name = \"id\"; type = \"integer\"; "
	 "} ); }",
	 NULL, NULL, NULL, NULL, ST_PREFIX "gone", NULL, NULL, 0, 0},
};
#define NSTEPS (sizeof steps / sizeof steps[0])

static const char *const op_tables[] = {ST_PREFIX "gone", T_R, T_N, T_C, T_P};

/* What reflect finds for a step's rkind: 1 present, 0 absent. */
static int reflect_has(const rt_schema *s, char kind)
{
	const rt_schema_table *c = find_table(s, T_C), *p = find_table(s, T_P), *n = find_table(s, T_N);
	size_t i;
	switch (kind) {
	case 'i':
		for (i = 0; c && i < c->nindexes; i++)
			if (!strcmp(c->indexes[i].name, ST_PREFIX "ix_child_qty"))
				return 1;
		return 0;
	case 'u':
		for (i = 0; c && i < c->nuniques; i++)
			if (c->uniques[i].columns.n == 1 && !strcmp(c->uniques[i].columns.v[0], "qty"))
				return 1;
		for (i = 0; c && i < c->nindexes; i++)
			if (c->indexes[i].unique && c->indexes[i].columns.n == 1 && !strcmp(c->indexes[i].columns.v[0], "qty"))
				return 1;
		return 0;
	case 'f':
		for (i = 0; c && i < c->nfks; i++)
			if (!strcmp(c->fks[i].ref_table, T_P))
				return 1;
		return 0;
	case 'c':
		for (i = 0; c && i < c->nchecks; i++)
			if (strstr(c->checks[i].expression, "qty"))
				return 1;
		return 0;
	case 'p':
		return n && n->primary_key && n->primary_key->columns.n == 1 && !strcmp(n->primary_key->columns.v[0], "id");
	case 'e':
		for (i = 0; i < s->nenums; i++)
			if (!strcmp(s->enums[i].name, ST_PREFIX "mood"))
				return 1;
		return 0;
	case 'm':
		return p && p->comment && !strcmp(p->comment, "the kit's table");
	}
	return 0;
}

/* The checks of one step, on a fresh connection. */
static void step_checks(st_kit *k, const op_step *s)
{
	char *why = NULL, *err = NULL;
	if (!st_checks_open(k, s->kind))
		return;
	if (s->must_ok)
		st_check(k, st_exec(k, s->must_ok, &err) == RETORT_OK, err, "%s: then `%s` runs", s->kind, s->must_ok);
	rt_free(err);
	err = NULL;
	if (s->must_fail)
		st_check(k, st_exec(k, s->must_fail, &err) < 0, "the database accepted it", "%s: then `%s` is refused",
		         s->kind, s->must_fail);
	rt_free(err);
	if (s->expect_sql)
		st_check(k, st_expect_scalar(k, s->expect_sql, s->expect, &why), why, "%s: then `%s` gives %s", s->kind,
		         s->expect_sql, s->expect);
	rt_free(why);
	if (s->absent)
		st_check(k, st_exists(k, s->absent) == 0, "table_exists still finds it", "%s: then %s is gone",
		         s->kind, s->absent);
	if (s->present)
		st_check(k, st_exists(k, s->present) == 1, "table_exists does not find it", "%s: then %s exists",
		         s->kind, s->present);
	if (s->cleanup)
		st_exec(k, s->cleanup, NULL);
	if (s->rkind && k->has_reflect) {
		rt_schema *sc = NULL;
		if (rt_schema_reflect(&k->ctx, &sc) < 0)
			st_fail(k, rt_error_msg(), "%s: reflect the live schema", s->kind);
		else
			st_check(k, reflect_has(sc, s->rkind) == s->rwant,
			         s->rwant ? "reflect does not report it" : "reflect still reports it", "%s: then reflect %s",
			         s->kind, s->rwant ? "reports it" : "no longer reports it");
		rt_schema_free(sc);
	}
	st_close(k);
}

/* The history table: one `upgrade`/`ok` row per step applied, twice (the chain, then upgrade head again). */
static void history_checks(st_kit *k, size_t applied)
{
	char *why = NULL, want[32], *sql;
	if (!st_checks_open(k, "history"))
		return;
	sql = rt_asprintf("SELECT version_num FROM " ST_PREFIX "version");
	st_check(k, st_expect_scalar(k, sql, st_head(k), &why), why, "%s: the version table holds the head",
	         k->has_record ? "record_step" : "bookkeeping");
	rt_free(sql);
	rt_free(why);
	snprintf(want, sizeof want, "%zu", 2 * applied);
	st_check(k,
	         st_expect_scalar(k,
	                       "SELECT count(*) FROM " ST_PREFIX "history WHERE direction = 'upgrade' AND outcome = 'ok'",
	                       want, &why),
	         why, "%s: one history row per upgrade step (%s)", k->has_record ? "record_step" : "bookkeeping", want);
	rt_free(why);
	snprintf(want, sizeof want, "%zu", applied);
	st_check(k,
	         st_expect_scalar(k,
	                       "SELECT count(*) FROM " ST_PREFIX "history WHERE direction = 'downgrade' AND outcome = 'ok'",
	                       want, &why),
	         why, "%s: one history row per downgrade step (%s)", k->has_record ? "record_step" : "bookkeeping",
	         want);
	rt_free(why);
	st_close(k);
}

void st_scn_ops(st_kit *k)
{
	int done[NSTEPS + 1];
	size_t i, applied = 0;
	char *err = NULL;
	memset(done, 0, sizeof done);
	st_drop_leftovers(k, op_tables, sizeof op_tables / sizeof op_tables[0], ST_PREFIX "mood");
	if (st_project(k, NULL) < 0) {
		st_fail(k, rt_error_msg(), "ops: temporary project");
		return;
	}
	/* the table drop_table drops */
	if (!st_rev(k,
	            "  { op = \"create_table\"; table = \"" ST_PREFIX "gone\"; columns = ( { name = \"id\"; type = "
	            "\"integer\"; } ); }",
	            "  { op = \"drop_table\"; table = \"" ST_PREFIX "gone\"; }") ||
	    !st_apply_last(k, "ops: a first table", 1))
		return;
	applied++;
	for (i = 0; i < NSTEPS; i++) {
		const op_step *s = &steps[i];
		if (s->needs && !done[s->needs]) {
			st_skip(k, "the operation it builds on did not run", "%s", s->kind);
			continue;
		}
		if (!st_rev(k, s->up, s->down)) {
			st_fail(k, rt_error_msg(), "%s: write the revision", s->kind);
			break;
		}
		if (!st_apply_last(k, s->kind, s->required)) {
			if (!steps[0].kind || i == 0)
				break;
			continue;
		}
		done[i + 1] = 1;
		applied++;
		step_checks(k, s);
	}
	if (st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err,
	             "ops: downgrade base runs every downgrade operation")) {
		size_t n = 0;
		if (st_checks_open(k, "ops")) {
			for (i = 0; i < sizeof op_tables / sizeof op_tables[0]; i++)
				n += st_exists(k, op_tables[i]) != 0;
			st_close(k);
		}
		st_check(k, n == 0, "a table is left", "ops: no table left after downgrade base");
		rt_free(err);
		err = NULL;
		if (st_check(k, st_migrate(k, 1, "head", &err) == RETORT_OK, err,
		             "ops: upgrade head runs them all again, in one run"))
			history_checks(k, applied);
		rt_free(err);
		err = NULL;
		st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err, "ops: downgrade base again");
	}
	rt_free(err);
	st_drop_leftovers(k, op_tables, sizeof op_tables / sizeof op_tables[0], ST_PREFIX "mood");
}

/* ---- quoting torture ---- */

typedef struct torture {
	const char *what;
	const char *table, *column, *literal;
} torture;

static const torture tortures[] = {
	{"double quote", ST_PREFIX "q\"uote", "select", "it's"},
	{"backtick", ST_PREFIX "back`tick", "order", "back\\slash \\' and \\n"},
	{"single quote", ST_PREFIX "it's", "gr'oup", "dq \" and `bt`"},
	{"reserved words", ST_PREFIX "reserved", "from", "-- not a comment; /* nor this */"},
	{"mixed case and blanks", ST_PREFIX "Mixed Case", "Col Umn", "$$ dollar $$ ? :name %s"},
	{"unicode", ST_PREFIX "\xc3\xbcn\xc3\xaf\xc3\xa7\xc3\xb8" "d\xc3\xa9_\xe2\x98\x83", "\xc3\xa7ol\xe2\x9c\x93",
	 "uni \xe2\x9c\x93 \xc3\xbcn\xc3\xaf"},
	{"dot, semicolon, dash", ST_PREFIX "dot.semi;colon-dash", "a.b;c", "x'); DROP TABLE y; --"},
};
#define NTORTURES (sizeof tortures / sizeof tortures[0])

void st_scn_quoting(st_kit *k)
{
	unsigned max = k->max_ident ? k->max_ident : 100;
	char maxname[300], maxcol[300];
	const char *names[NTORTURES + 1];
	torture all[NTORTURES + 1];
	size_t i, n = 0;
	char *err = NULL;
	memset(maxname, 'q', sizeof maxname);
	memcpy(maxname, ST_PREFIX "max_", 8);
	maxname[max < sizeof maxname ? max : sizeof maxname - 1] = '\0';
	memset(maxcol, 'c', sizeof maxcol);
	maxcol[max < sizeof maxcol ? max : sizeof maxcol - 1] = '\0';
	memcpy(all, tortures, sizeof tortures);
	all[NTORTURES].what = "maximum identifier length";
	all[NTORTURES].table = maxname;
	all[NTORTURES].column = maxcol;
	all[NTORTURES].literal = "longest";
	for (i = 0; i <= NTORTURES; i++)
		names[i] = all[i].table;
	st_drop_leftovers(k, names, NTORTURES + 1, NULL);
	if (st_project(k, NULL) < 0) {
		st_fail(k, rt_error_msg(), "quoting: temporary project");
		return;
	}
	for (i = 0; i <= NTORTURES; i++) {
		const torture *t = &all[i];
		char *tq = conf_str(t->table), *cq = conf_str(t->column), *lq = conf_str(t->literal), *up, *down, *what;
		char *sql = NULL, *qt = NULL, *qc = NULL, *ql = NULL, *why = NULL, *got = NULL;
		up = rt_asprintf("  { op = \"create_table\"; table = %s; columns = (\n"
		                 "      { name = \"id\"; type = \"integer\"; primary_key = true; },\n"
		                 "      { name = \"val\"; type = \"text\"; },\n"
		                 "      { name = %s; type = \"integer\"; } ); },\n"
		                 "  { op = \"bulk_insert\"; table = %s; rows = ( { id = 1; val = %s; } ); }",
		                 tq, cq, tq, lq);
		down = rt_asprintf("  { op = \"drop_table\"; table = %s; }", tq);
		what = rt_asprintf("quoting: %s (table %s, column %s)", t->what, t->table, t->column);
		if (up && down && what && st_rev(k, up, down) && st_apply_last(k, what, 1)) {
			n++;
			if (st_checks_open(k, what)) {
				st_check(k, st_exists(k, t->table) == 1, "table_exists does not find it",
				         "quoting: %s: table_exists finds the table", t->what);
				qt = st_quote(k, 0, t->table);
				qc = st_quote(k, 0, t->column);
				ql = st_quote(k, 1, t->literal);
				if (qt && qc && ql) {
					sql = rt_asprintf("SELECT val FROM %s WHERE %s IS NULL", qt, qc);
					st_check(k, sql && st_expect_scalar(k, sql, t->literal, &why), why,
					         "quoting: %s: the literal reads back byte for byte", t->what);
					rt_free(sql);
					rt_free(why);
					why = NULL;
					sql = rt_asprintf("SELECT count(*) FROM %s WHERE val = %s", qt, ql);
					st_check(k, sql && st_expect_scalar(k, sql, "1", &why), why,
					         "quoting: %s: quote_literal finds the row", t->what);
				} else {
					st_fail(k, rt_error_msg(), "quoting: %s: quote_ident and quote_literal", t->what);
				}
				st_close(k);
			}
		}
		rt_free(tq);
		rt_free(cq);
		rt_free(lq);
		rt_free(up);
		rt_free(down);
		rt_free(what);
		rt_free(sql);
		rt_free(qt);
		rt_free(qc);
		rt_free(ql);
		rt_free(why);
		rt_free(got);
	}
	if (n) {
		size_t left = 0;
		st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err, "quoting: downgrade base drops them all");
		if (st_checks_open(k, "quoting")) {
			for (i = 0; i <= NTORTURES; i++)
				left += st_exists(k, all[i].table) != 0;
			st_close(k);
			st_check(k, left == 0, "a table is left", "quoting: no table left after downgrade base");
		}
	}
	rt_free(err);
	st_drop_leftovers(k, names, NTORTURES + 1, NULL);
}

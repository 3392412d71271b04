/* retort schema dump: the live schema as a target-schema file, as DDL, or as JSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schema.h"

/* ---- JSON: every key always there (null when absent), in the order of the .conf ---- */

static void json_key(FILE *f, int first, const char *key)
{
	fprintf(f, "%s\"%s\": ", first ? "" : ", ", key);
}

static void json_bool(FILE *f, int v)
{
	fputs(v ? "true" : "false", f);
}

static void json_named_columns(FILE *f, const char *name, const rt_strv *cols)
{
	json_key(f, 1, "name");
	json_str(f, name);
	json_key(f, 0, "columns");
	json_strv(f, cols);
}

static void json_table(FILE *f, const rt_schema_table *t)
{
	size_t i;
	fputc('{', f);
	json_key(f, 1, "name");
	json_str(f, t->name);
	json_key(f, 0, "comment");
	json_str(f, t->comment);
	json_key(f, 0, "columns");
	fputc('[', f);
	for (i = 0; i < t->ncolumns; i++) {
		const rt_schema_column *c = &t->columns[i];
		fputs(i ? ", {" : "{", f);
		json_key(f, 1, "name");
		json_str(f, c->name);
		json_key(f, 0, "type");
		json_str(f, c->type);
		json_key(f, 0, "nullable");
		json_bool(f, c->nullable);
		json_key(f, 0, "autoincrement");
		json_bool(f, c->autoincrement);
		json_key(f, 0, "server_default");
		json_str(f, c->server_default);
		json_key(f, 0, "comment");
		json_str(f, c->comment);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, 0, "primary_key");
	if (t->primary_key) {
		fputc('{', f);
		json_named_columns(f, t->primary_key->name, &t->primary_key->columns);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	json_key(f, 0, "uniques");
	fputc('[', f);
	for (i = 0; i < t->nuniques; i++) {
		fputs(i ? ", {" : "{", f);
		json_named_columns(f, t->uniques[i].name, &t->uniques[i].columns);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, 0, "indexes");
	fputc('[', f);
	for (i = 0; i < t->nindexes; i++) {
		const rt_schema_index *x = &t->indexes[i];
		fputs(i ? ", {" : "{", f);
		json_named_columns(f, x->name, &x->columns);
		json_key(f, 0, "expression");
		json_str(f, x->expression);
		json_key(f, 0, "unique");
		json_bool(f, x->unique);
		json_key(f, 0, "where");
		json_str(f, x->where);
		json_key(f, 0, "origin");
		json_str(f, x->origin == RETORT_INDEX_FOREIGN_KEY ? "foreign_key" : "user");
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, 0, "foreign_keys");
	fputc('[', f);
	for (i = 0; i < t->nfks; i++) {
		const rt_schema_fk *fk = &t->fks[i];
		fputs(i ? ", {" : "{", f);
		json_named_columns(f, fk->name, &fk->columns);
		json_key(f, 0, "ref_table");
		json_str(f, fk->ref_table);
		json_key(f, 0, "ref_columns");
		json_strv(f, &fk->ref_columns);
		json_key(f, 0, "on_delete");
		json_str(f, fk->on_delete);
		json_key(f, 0, "on_update");
		json_str(f, fk->on_update);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, 0, "checks");
	fputc('[', f);
	for (i = 0; i < t->nchecks; i++) {
		fputs(i ? ", {" : "{", f);
		json_key(f, 1, "name");
		json_str(f, t->checks[i].name);
		json_key(f, 0, "expression");
		json_str(f, t->checks[i].expression);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void json_schema(FILE *f, const rt_schema *s)
{
	size_t i;
	fputs("{\"enums\": [", f);
	for (i = 0; i < s->nenums; i++) {
		fputs(i ? ", {" : "{", f);
		json_key(f, 1, "name");
		json_str(f, s->enums[i].name);
		json_key(f, 0, "values");
		json_strv(f, &s->enums[i].values);
		fputc('}', f);
	}
	fputs("], \"tables\": [", f);
	for (i = 0; i < s->ntables; i++) {
		if (i)
			fputs(", ", f);
		json_table(f, &s->tables[i]);
	}
	fputs("]}\n", f);
}

/* ---- the command ---- */

int cmd_schema(rt_ctx *ctx, opts *o)
{
	enum { F_CONF, F_SQL, F_JSON } fmt = F_CONF;
	rt_schema *s = NULL;
	FILE *mem = NULL;
	char *buf = NULL;
	size_t len = 0, i;
	int rc;

	if (strcmp(o->args.v[0], "dump") != 0)
		return usage_err("schema: unknown subcommand '%s' (schema dump)", o->args.v[0]);
	if (o->format && strcmp(o->format, "conf") == 0)
		fmt = F_CONF;
	else if (o->format && strcmp(o->format, "sql") == 0)
		fmt = F_SQL;
	else if (o->format)
		return usage_err("schema dump: --format must be conf or sql, not '%s'", o->format);
	if (o->json) {
		if (o->format)
			return usage_err("schema dump: --json and --format %s do not go together", o->format);
		fmt = F_JSON;
	}
	if ((rc = rt_schema_reflect(ctx, &s)) < 0)
		return rc;
	for (i = 0; i < s->unsupported_what.n; i++)
		fprintf(stderr, "retort: warning: schema dump: cannot represent %s: %s\n", s->unsupported_what.v[i],
		        s->unsupported_why.v[i]);
	if (!(mem = open_memstream(&buf, &len))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if (fmt == F_CONF) {
		rt_buf b = RT_BUF_INIT;
		if ((rc = rt_schema_write_conf(&b, s)) >= 0)
			fwrite(rt_buf_cstr(&b), 1, b.len, mem);
		rt_buf_free(&b);
	} else if (fmt == F_SQL)
		rc = rt_schema_write_sql(ctx, s, mem);
	else
		json_schema(mem, s);
	if (fclose(mem) != 0 && rc >= 0) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
	}
	if (rc < 0)
		goto done;
	if (o->output)
		rc = rt_file_replace(o->output, buf, len);
	else if (len)
		fwrite(buf, 1, len, stdout); /* a failed write is reported when standard output is closed */
	if (rc >= 0 && o->verbose)
		fprintf(stderr, "schema dump: %zu tables, %lu round trips, %lld ms\n", s->ntables, s->round_trips,
		        s->reflect_ms);
done:
	free(buf); /* open_memstream's buffer comes from malloc */
	rt_schema_free(s);
	return rc;
}

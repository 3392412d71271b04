/*
 * The schema as a target-schema .conf file (retort(1), "schema dump"):
 * one fixed layout, byte for byte, so that a dump can be committed and
 * diffed and the corpus under tests/schema can be written by hand.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

int rt_buf_put_conf_string(rt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = rt_buf_putc(b, '"');
	for (; *p && rc == RETORT_OK; p++) {
		switch (*p) {
		case '\\': rc = rt_buf_puts(b, "\\\\"); break;
		case '"': rc = rt_buf_puts(b, "\\\""); break;
		case '\n': rc = rt_buf_puts(b, "\\n"); break;
		case '\t': rc = rt_buf_puts(b, "\\t"); break;
		case '\r': rc = rt_buf_puts(b, "\\r"); break;
		default:
			rc = *p < 0x20 ? rt_buf_printf(b, "\\x%02x", *p) : rt_buf_putc(b, (char)*p);
		}
	}
	return rc < 0 ? rc : rt_buf_putc(b, '"');
}

void rt_conf_put_string(FILE *f, const char *s)
{
	rt_buf b = RT_BUF_INIT;
	if (rt_buf_put_conf_string(&b, s) == RETORT_OK)
		fputs(rt_buf_cstr(&b), f);
	rt_buf_free(&b);
}

/* an identifier written bare in `references` */
static int plain_ident(const char *s)
{
	const char *p = s;
	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
		return 0;
	for (p++; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '$'))
			return 0;
	return 1;
}

static int put_ref_ident(rt_buf *b, const char *s)
{
	int rc = RETORT_OK;
	if (plain_ident(s))
		return rt_buf_puts(b, s);
	if ((rc = rt_buf_putc(b, '"')) < 0)
		return rc;
	for (; *s && rc == RETORT_OK; s++)
		rc = *s == '"' ? rt_buf_puts(b, "\"\"") : rt_buf_putc(b, *s);
	return rc < 0 ? rc : rt_buf_putc(b, '"');
}

int rt_schema_references_format(rt_buf *b, const char *table, const char *const *cols, size_t n)
{
	size_t i;
	int rc;
	if ((rc = put_ref_ident(b, table)) < 0 || (rc = rt_buf_putc(b, '(')) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((i && (rc = rt_buf_puts(b, ", ")) < 0) || (rc = put_ref_ident(b, cols[i])) < 0)
			return rc;
	return rt_buf_putc(b, ')');
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One name at *pp: "quoted" (with "" for ") or bare up to one of `stops` (trailing blanks trimmed). */
static int ref_name(const char **pp, const char *stops, char **out)
{
	const char *p = skip_blank(*pp), *e;
	rt_buf b = RT_BUF_INIT;
	if (*p == '"') {
		for (p++;; p++) {
			if (!*p) {
				rt_buf_free(&b);
				return RETORT_EINVAL;
			}
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			if (rt_buf_putc(&b, *p) < 0) {
				rt_buf_free(&b);
				return RETORT_ENOMEM;
			}
		}
		p = skip_blank(p + 1);
	} else {
		for (e = p; *e && !strchr(stops, *e); e++)
			;
		*pp = e;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == p || rt_buf_add(&b, p, (size_t)(e - p)) < 0) {
			rt_buf_free(&b);
			return RETORT_EINVAL;
		}
		p = *pp;
	}
	if (!b.len) {
		rt_buf_free(&b);
		return RETORT_EINVAL;
	}
	*out = rt_buf_detach(&b);
	*pp = p;
	return RETORT_OK;
}

int rt_schema_references_parse(const char *ref, char **table, rt_strv *cols)
{
	const char *p = ref;
	char *t = NULL, *c = NULL;
	rt_strv v = RT_STRV_INIT;
	if (ref_name(&p, "(", &t) < 0 || *p != '(')
		goto bad;
	for (p++;;) {
		if (ref_name(&p, ",)", &c) < 0 || rt_strv_push_owned(&v, c) < 0)
			goto bad;
		if (*p == ')')
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	if (*skip_blank(p + 1))
		goto bad;
	*table = t;
	*cols = v;
	return RETORT_OK;
bad:
	rt_free(t);
	rt_strv_free(&v);
	return RETORT_EINVAL;
}

/* [ "a", "b" ] */
static void put_names(FILE *f, const rt_strv *v)
{
	size_t i;
	fputs("[ ", f);
	for (i = 0; i < v->n; i++) {
		if (i)
			fputs(", ", f);
		rt_conf_put_string(f, v->v[i]);
	}
	fputs(v->n ? " ]" : "]", f);
}

static void put_key(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s = ", key);
	rt_conf_put_string(f, value);
	fputs("; ", f);
}

/* `name = "...";` when there is one, then `columns = [...];` */
static void put_named_columns(FILE *f, const char *name, const rt_strv *cols)
{
	if (name)
		put_key(f, "name", name);
	fputs("columns = ", f);
	put_names(f, cols);
	fputs("; ", f);
}

static void open_list(FILE *f, const char *key)
{
	fprintf(f, "    %s = (\n", key);
}

static void item(FILE *f, size_t i)
{
	fputs(i ? ",\n      { " : "      { ", f);
}

static void close_list(FILE *f)
{
	fputs("\n    );\n", f);
}

static void write_columns(FILE *f, const rt_schema_table *t)
{
	size_t i;
	if (!t->ncolumns)
		return;
	open_list(f, "columns");
	for (i = 0; i < t->ncolumns; i++) {
		const rt_schema_column *c = &t->columns[i];
		item(f, i);
		put_key(f, "name", c->name);
		put_key(f, "type", c->type);
		if (!c->nullable)
			fputs("nullable = false; ", f);
		if (c->autoincrement)
			fputs("autoincrement = true; ", f);
		if (c->server_default)
			put_key(f, "server_default", c->server_default);
		if (c->comment)
			put_key(f, "comment", c->comment);
		fputc('}', f);
	}
	close_list(f);
}

static void write_indexes(FILE *f, const rt_schema_table *t)
{
	size_t i, k = 0;
	for (i = 0; i < t->nindexes; i++) {
		const rt_schema_index *x = &t->indexes[i];
		if (x->origin == RETORT_INDEX_FOREIGN_KEY)
			continue; /* the database's, for a foreign key: not the user's */
		if (!k)
			open_list(f, "indexes");
		item(f, k++);
		put_key(f, "name", x->name);
		if (x->expression) {
			put_key(f, "expression", x->expression);
		} else {
			fputs("columns = ", f);
			put_names(f, &x->columns);
			fputs("; ", f);
		}
		if (x->unique)
			fputs("unique = true; ", f);
		if (x->where)
			put_key(f, "where", x->where);
		fputc('}', f);
	}
	if (k)
		close_list(f);
}

static void write_fks(FILE *f, const rt_schema_table *t)
{
	size_t i;
	rt_buf b = RT_BUF_INIT;
	if (!t->nfks)
		return;
	open_list(f, "foreign_keys");
	for (i = 0; i < t->nfks; i++) {
		const rt_schema_fk *fk = &t->fks[i];
		item(f, i);
		put_named_columns(f, fk->name, &fk->columns);
		rt_buf_clear(&b);
		rt_schema_references_format(&b, fk->ref_table, (const char *const *)fk->ref_columns.v, fk->ref_columns.n);
		put_key(f, "references", rt_buf_cstr(&b));
		if (fk->on_delete)
			put_key(f, "on_delete", fk->on_delete);
		if (fk->on_update)
			put_key(f, "on_update", fk->on_update);
		fputc('}', f);
	}
	close_list(f);
	rt_buf_free(&b);
}

static void write_table(FILE *f, const rt_schema_table *t)
{
	size_t i;
	fputs("  { name = ", f);
	rt_conf_put_string(f, t->name);
	fputs(";\n", f);
	if (t->comment) {
		fputs("    comment = ", f);
		rt_conf_put_string(f, t->comment);
		fputs(";\n", f);
	}
	write_columns(f, t);
	if (t->primary_key) {
		fputs("    primary_key = { ", f);
		put_named_columns(f, t->primary_key->name, &t->primary_key->columns);
		fputs("};\n", f);
	}
	if (t->nuniques) {
		open_list(f, "uniques");
		for (i = 0; i < t->nuniques; i++) {
			item(f, i);
			put_named_columns(f, t->uniques[i].name, &t->uniques[i].columns);
			fputc('}', f);
		}
		close_list(f);
	}
	write_indexes(f, t);
	write_fks(f, t);
	if (t->nchecks) {
		open_list(f, "checks");
		for (i = 0; i < t->nchecks; i++) {
			item(f, i);
			if (t->checks[i].name)
				put_key(f, "name", t->checks[i].name);
			put_key(f, "expression", t->checks[i].expression);
			fputc('}', f);
		}
		close_list(f);
	}
	fputs("  }", f);
}

int rt_schema_write_conf(FILE *f, const rt_schema *s)
{
	size_t i;
	if (s->nenums) {
		fputs("enums = (\n", f);
		for (i = 0; i < s->nenums; i++) {
			fputs(i ? ",\n  { " : "  { ", f);
			put_key(f, "name", s->enums[i].name);
			fputs("values = ", f);
			put_names(f, &s->enums[i].values);
			fputs("; }", f);
		}
		fputs("\n);\n", f);
	}
	if (!s->ntables) {
		fputs("tables = ();\n", f);
	} else {
		fputs("tables = (\n", f);
		for (i = 0; i < s->ntables; i++) {
			if (i)
				fputs(",\n", f);
			write_table(f, &s->tables[i]);
		}
		fputs("\n);\n", f);
	}
	if (ferror(f)) {
		rt_error_set("could not write the schema");
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

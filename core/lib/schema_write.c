/*
 * The schema as a target-schema .conf file (retort(1), "schema dump"):
 * one fixed layout, byte for byte, so that a dump can be committed and
 * diffed and the corpus under tests/schema can be written by hand.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

int rt_conf_put_string(rt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = rt_buf_putc(b, '"');
	for (; *p && rc >= 0; p++) {
		switch (*p) {
		case '\\': rc = rt_buf_puts(b, "\\\\"); break;
		case '"': rc = rt_buf_puts(b, "\\\""); break;
		case '\n': rc = rt_buf_puts(b, "\\n"); break;
		case '\t': rc = rt_buf_puts(b, "\\t"); break;
		case '\r': rc = rt_buf_puts(b, "\\r"); break;
		default:
			if (*p < 0x20)
				rc = rt_buf_printf(b, "\\x%02x", *p);
			else
				rc = rt_buf_putc(b, (char)*p);
		}
	}
	return rc < 0 ? rc : rt_buf_putc(b, '"');
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

/*
 * The writer: text into a buffer, the first failure (out of memory) kept
 * and every later write skipped.
 */
typedef struct cw {
	rt_buf *b;
	int rc;
} cw;

static void put(cw *w, const char *s)
{
	if (w->rc >= 0)
		w->rc = rt_buf_puts(w->b, s);
}

static void str(cw *w, const char *s)
{
	if (w->rc >= 0)
		w->rc = rt_conf_put_string(w->b, s);
}

/* [ "a", "b" ] */
static void put_names(cw *w, const rt_strv *v)
{
	size_t i;
	put(w, "[ ");
	for (i = 0; i < v->n; i++) {
		if (i)
			put(w, ", ");
		str(w, v->v[i]);
	}
	put(w, v->n ? " ]" : "]");
}

/* key = "value"; */
static void put_key(cw *w, const char *key, const char *value)
{
	put(w, key);
	put(w, " = ");
	str(w, value);
	put(w, "; ");
}

/* `name = "...";` when there is one, then `columns = [...];` */
static void put_named_columns(cw *w, const char *name, const rt_strv *cols)
{
	if (name)
		put_key(w, "name", name);
	put(w, "columns = ");
	put_names(w, cols);
	put(w, "; ");
}

static void open_list(cw *w, const char *key)
{
	put(w, "    ");
	put(w, key);
	put(w, " = (\n");
}

static void item(cw *w, size_t i)
{
	put(w, i ? ",\n      { " : "      { ");
}

static void close_list(cw *w)
{
	put(w, "\n    );\n");
}

static void write_columns(cw *w, const rt_schema_table *t)
{
	size_t i;
	if (!t->ncolumns)
		return;
	open_list(w, "columns");
	for (i = 0; i < t->ncolumns; i++) {
		const rt_schema_column *c = &t->columns[i];
		item(w, i);
		put_key(w, "name", c->name);
		put_key(w, "type", c->type);
		if (!c->nullable)
			put(w, "nullable = false; ");
		if (c->autoincrement)
			put(w, "autoincrement = true; ");
		if (c->server_default)
			put_key(w, "server_default", c->server_default);
		if (c->comment)
			put_key(w, "comment", c->comment);
		put(w, "}");
	}
	close_list(w);
}

static void write_indexes(cw *w, const rt_schema_table *t)
{
	size_t i, k = 0;
	for (i = 0; i < t->nindexes; i++) {
		const rt_schema_index *x = &t->indexes[i];
		if (x->origin == RETORT_INDEX_FOREIGN_KEY)
			continue; /* the database's, for a foreign key: not the user's */
		if (!k)
			open_list(w, "indexes");
		item(w, k++);
		put_key(w, "name", x->name);
		if (x->expression) {
			put_key(w, "expression", x->expression);
		} else {
			put(w, "columns = ");
			put_names(w, &x->columns);
			put(w, "; ");
		}
		if (x->unique)
			put(w, "unique = true; ");
		if (x->where)
			put_key(w, "where", x->where);
		put(w, "}");
	}
	if (k)
		close_list(w);
}

static void write_fks(cw *w, const rt_schema_table *t)
{
	size_t i;
	rt_buf r = RT_BUF_INIT;
	if (!t->nfks)
		return;
	open_list(w, "foreign_keys");
	for (i = 0; i < t->nfks && w->rc >= 0; i++) {
		const rt_schema_fk *fk = &t->fks[i];
		item(w, i);
		put_named_columns(w, fk->name, &fk->columns);
		rt_buf_clear(&r);
		w->rc = rt_schema_references_format(&r, fk->ref_table, (const char *const *)fk->ref_columns.v,
		                                    fk->ref_columns.n);
		put_key(w, "references", rt_buf_cstr(&r));
		if (fk->on_delete)
			put_key(w, "on_delete", fk->on_delete);
		if (fk->on_update)
			put_key(w, "on_update", fk->on_update);
		put(w, "}");
	}
	close_list(w);
	rt_buf_free(&r);
}

static void write_table(cw *w, const rt_schema_table *t)
{
	size_t i;
	put(w, "  { name = ");
	str(w, t->name);
	put(w, ";\n");
	if (t->comment) {
		put(w, "    comment = ");
		str(w, t->comment);
		put(w, ";\n");
	}
	write_columns(w, t);
	if (t->primary_key) {
		put(w, "    primary_key = { ");
		put_named_columns(w, t->primary_key->name, &t->primary_key->columns);
		put(w, "};\n");
	}
	if (t->nuniques) {
		open_list(w, "uniques");
		for (i = 0; i < t->nuniques; i++) {
			item(w, i);
			put_named_columns(w, t->uniques[i].name, &t->uniques[i].columns);
			put(w, "}");
		}
		close_list(w);
	}
	write_indexes(w, t);
	write_fks(w, t);
	if (t->nchecks) {
		open_list(w, "checks");
		for (i = 0; i < t->nchecks; i++) {
			item(w, i);
			if (t->checks[i].name)
				put_key(w, "name", t->checks[i].name);
			put_key(w, "expression", t->checks[i].expression);
			put(w, "}");
		}
		close_list(w);
	}
	put(w, "  }");
}

int rt_schema_write_conf(rt_buf *b, const rt_schema *s)
{
	cw w = {b, RETORT_OK};
	size_t i;
	if (s->nenums) {
		put(&w, "enums = (\n");
		for (i = 0; i < s->nenums; i++) {
			put(&w, i ? ",\n  { " : "  { ");
			put_key(&w, "name", s->enums[i].name);
			put(&w, "values = ");
			put_names(&w, &s->enums[i].values);
			put(&w, "; }");
		}
		put(&w, "\n);\n");
	}
	if (!s->ntables) {
		put(&w, "tables = ();\n");
	} else {
		put(&w, "tables = (\n");
		for (i = 0; i < s->ntables; i++) {
			if (i)
				put(&w, ",\n");
			write_table(&w, &s->tables[i]);
		}
		put(&w, "\n);\n");
	}
	if (w.rc < 0) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	return RETORT_OK;
}

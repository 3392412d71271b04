/*
 * Operations written back as .conf text (`revision --autogenerate`): one
 * group per operation, in the keys the script reader takes, so that the
 * written revision reads back as the same operations.
 */
#include "config.h"

#include <string.h>

#include "opwrite.h"
#include "script.h"

typedef struct ow {
	rt_buf *b;
	int rc;
} ow;

static void put(ow *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = rt_buf_puts(w->b, s);
}

static void str(ow *w, const char *key, const char *v)
{
	if (!v || w->rc != RETORT_OK)
		return;
	if ((w->rc = rt_buf_printf(w->b, " %s = ", key)) == RETORT_OK &&
	    (w->rc = rt_conf_put_string(w->b, v)) == RETORT_OK)
		w->rc = rt_buf_putc(w->b, ';');
}

static void boolean(ow *w, const char *key, int v)
{
	if (v == RETORT_UNSET || w->rc != RETORT_OK)
		return;
	w->rc = rt_buf_printf(w->b, " %s = %s;", key, v ? "true" : "false");
}

static void names(ow *w, const char *key, const char *const *v, size_t n)
{
	size_t i;
	if (w->rc != RETORT_OK)
		return;
	w->rc = rt_buf_printf(w->b, " %s = [ ", key);
	for (i = 0; i < n && w->rc == RETORT_OK; i++) {
		if (i)
			put(w, ", ");
		if (w->rc == RETORT_OK)
			w->rc = rt_conf_put_string(w->b, v[i]);
	}
	put(w, n ? " ];" : "];");
}

static void references(ow *w, const retort_foreign_key *fk)
{
	rt_buf r = RT_BUF_INIT;
	if (w->rc != RETORT_OK)
		return;
	if ((w->rc = rt_schema_references_format(&r, fk->ref_table, fk->ref_columns, fk->nref_columns)) == RETORT_OK)
		str(w, "references", rt_buf_cstr(&r));
	rt_buf_free(&r);
}

static void fk_body(ow *w, const retort_foreign_key *fk)
{
	names(w, "columns", fk->columns, fk->ncolumns);
	references(w, fk);
	str(w, "on_delete", fk->on_delete);
	str(w, "on_update", fk->on_update);
}

static void column(ow *w, const retort_column *c)
{
	put(w, "{");
	str(w, "name", c->name);
	str(w, "type", c->type);
	if (c->nullable == 0)
		boolean(w, "nullable", 0);
	if (c->primary_key)
		boolean(w, "primary_key", 1);
	if (c->autoincrement)
		boolean(w, "autoincrement", 1);
	if (c->unique)
		boolean(w, "unique", 1);
	str(w, "server_default", c->server_default);
	str(w, "comment", c->comment);
	put(w, " }");
}

static void create_table(ow *w, const retort_op *op, const char *ind)
{
	size_t i;
	str(w, "table", op->table);
	if (w->rc == RETORT_OK)
		w->rc = rt_buf_printf(w->b, "\n%s  columns = (\n", ind);
	for (i = 0; i < op->ncolumns; i++) {
		if (w->rc == RETORT_OK)
			w->rc = rt_buf_printf(w->b, "%s    ", ind);
		column(w, &op->columns[i]);
		put(w, i + 1 < op->ncolumns ? ",\n" : "\n");
	}
	if (w->rc == RETORT_OK)
		w->rc = rt_buf_printf(w->b, "%s  );", ind);
	if (op->primary_key) {
		if (w->rc == RETORT_OK)
			w->rc = rt_buf_printf(w->b, "\n%s  primary_key = {", ind);
		str(w, "name", op->primary_key->name);
		names(w, "columns", op->primary_key->columns, op->primary_key->ncolumns);
		put(w, " };");
	}
#define LIST(key, n, body)                                                                                             \
	if (n) {                                                                                                       \
		if (w->rc == RETORT_OK)                                                                                \
			w->rc = rt_buf_printf(w->b, "\n%s  " key " = (\n", ind);                                        \
		for (i = 0; i < (n); i++) {                                                                            \
			if (w->rc == RETORT_OK)                                                                        \
				w->rc = rt_buf_printf(w->b, "%s    {", ind);                                           \
			body;                                                                                          \
			put(w, i + 1 < (n) ? " },\n" : " }\n");                                                        \
		}                                                                                                      \
		if (w->rc == RETORT_OK)                                                                                \
			w->rc = rt_buf_printf(w->b, "%s  );", ind);                                                     \
	}
	LIST("unique", op->nuniques, (str(w, "name", op->uniques[i].name),
	                              names(w, "columns", op->uniques[i].columns, op->uniques[i].ncolumns)));
	LIST("foreign_keys", op->nforeign_keys, (str(w, "name", op->foreign_keys[i].name), fk_body(w, &op->foreign_keys[i])));
	LIST("checks", op->nchecks, (str(w, "name", op->checks[i].name), str(w, "expression", op->checks[i].expression)));
#undef LIST
	str(w, "comment", op->comment);
}

static void op_body(ow *w, const retort_op *op, const retort_op_more *m, const char *ind)
{
	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		create_table(w, op, ind);
		break;
	case RETORT_OP_DROP_TABLE:
		str(w, "table", op->table);
		break;
	case RETORT_OP_RENAME_TABLE:
		str(w, "table", op->table);
		str(w, "new_name", op->new_name);
		break;
	case RETORT_OP_ADD_COLUMN:
		str(w, "table", op->table);
		put(w, " column = ");
		column(w, &op->columns[0]);
		put(w, ";");
		break;
	case RETORT_OP_DROP_COLUMN:
		str(w, "table", op->table);
		str(w, "column", op->column);
		break;
	case RETORT_OP_ALTER_COLUMN:
		str(w, "table", op->table);
		str(w, "column", op->column);
		str(w, "new_name", op->new_name);
		str(w, "type", op->type);
		boolean(w, "nullable", op->nullable);
		if (op->set_server_default) {
			if (op->server_default)
				str(w, "server_default", op->server_default);
			else
				boolean(w, "drop_server_default", 1);
		}
		str(w, "comment", op->comment);
		str(w, "existing_type", op->existing_type);
		boolean(w, "existing_nullable", op->existing_nullable);
		str(w, "existing_server_default", op->existing_server_default);
		str(w, "existing_comment", op->existing_comment);
		if (m) {
			boolean(w, "autoincrement", m->autoincrement);
			boolean(w, "existing_autoincrement", m->existing_autoincrement);
		}
		break;
	case RETORT_OP_CREATE_INDEX:
		str(w, "name", op->name);
		str(w, "table", op->table);
		if (op->expression)
			str(w, "expression", op->expression);
		else
			names(w, "columns", op->column_names, op->ncolumn_names);
		if (op->unique)
			boolean(w, "unique", 1);
		str(w, "where", op->where);
		if (op->concurrently)
			boolean(w, "concurrently", 1);
		break;
	case RETORT_OP_DROP_INDEX:
		str(w, "name", op->name);
		str(w, "table", op->table);
		break;
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
	case RETORT_OP_CREATE_PRIMARY_KEY:
		str(w, "name", op->name);
		str(w, "table", op->table);
		names(w, "columns", op->column_names, op->ncolumn_names);
		break;
	case RETORT_OP_CREATE_FOREIGN_KEY:
		str(w, "name", op->name ? op->name : op->foreign_keys[0].name);
		str(w, "table", op->table);
		fk_body(w, &op->foreign_keys[0]);
		break;
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		str(w, "name", op->name);
		str(w, "table", op->table);
		str(w, "expression", op->expression);
		break;
	case RETORT_OP_DROP_CONSTRAINT:
		str(w, "name", op->name);
		str(w, "table", op->table);
		str(w, "type", op->constraint_type);
		break;
	case RETORT_OP_ADD_ENUM_VALUE:
		str(w, "name", op->name);
		str(w, "value", op->column_names[0]);
		if (m) {
			str(w, "before", m->before);
			str(w, "after", m->after);
		}
		break;
	case RETORT_OP_CREATE_ENUM:
	case RETORT_OP_ALTER_ENUM:
		str(w, "name", op->name);
		names(w, "values", op->column_names, op->ncolumn_names);
		break;
	case RETORT_OP_DROP_ENUM:
		str(w, "name", op->name);
		break;
	case RETORT_OP_SET_TABLE_COMMENT:
		str(w, "table", op->table);
		str(w, "comment", op->comment ? op->comment : "");
		break;
	case RETORT_OP_BULK_INSERT:
	case RETORT_OP_EXECUTE:
		str(w, "sql", op->sql); /* never produced by a diff */
		break;
	}
}

int rt_ops_write_conf(rt_buf *b, const rt_diff_op *ops, size_t n, const char *ind)
{
	ow w = {b, RETORT_OK};
	size_t i;
	for (i = 0; i < n && w.rc == RETORT_OK; i++) {
		if (ops[i].note && (w.rc = rt_buf_printf(b, "%s# %s\n", ind, ops[i].note)) < 0)
			break;
		if ((w.rc = rt_buf_printf(b, "%s{ op = \"%s\";", ind, rt_op_kind_name(ops[i].op.kind))) < 0)
			break;
		op_body(&w, &ops[i].op, ops[i].more.size ? &ops[i].more : NULL, ind);
		put(&w, i + 1 < n ? " },\n" : " }\n");
	}
	if (w.rc < 0)
		rt_error_set("out of memory");
	return w.rc;
}

char *rt_diff_op_line(const rt_diff_op *op)
{
	rt_diff_op one = *op;
	rt_buf b = RT_BUF_INIT;
	char *p;
	one.note = NULL;
	if (rt_ops_write_conf(&b, &one, 1, "") < 0) {
		rt_buf_free(&b);
		return NULL;
	}
	for (p = b.ptr; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
	while (b.len && b.ptr[b.len - 1] == ' ')
		b.ptr[--b.len] = '\0';
	return rt_buf_detach(&b);
}

/* The statement writer the dialects share: see sqlwriter.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sqlwriter.h"

/* ---- quoting and types ---- */

int sw_add_quoted(const retort_host *host, retort_sink *out, const char *s, char q, int esc)
{
	const char *p = s, *run = s;
	int rc = host->sink_add(out, &q, 1);
	for (; rc == RETORT_OK && *p; p++) {
		if (*p == q || (esc && *p == '\\')) {
			rc = host->sink_add(out, run, (size_t)(p - run + 1)); /* through the character */
			run = p;                                            /* ... and it again */
		}
	}
	if (rc == RETORT_OK)
		rc = host->sink_add(out, run, (size_t)(p - run));
	if (rc == RETORT_OK)
		rc = host->sink_add(out, &q, 1);
	return rc;
}

int sw_is_word(const char *const *words, size_t n, const char *s)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s, words[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

int sw_needs_quotes(const char *const *words, size_t n, const char *s)
{
	const char *p;
	if (!(*s >= 'a' && *s <= 'z') && *s != '_')
		return 1;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
			return 1;
	return sw_is_word(words, n, s);
}

int sw_quote_ident(const retort_host *host, retort_host_ctx *h, const char *const *words, size_t n, char q,
                   const char *ident, retort_sink *out)
{
	if (!ident) {
		host->set_error(h, "missing identifier");
		return RETORT_EINVAL;
	}
	if (!sw_needs_quotes(words, n, ident))
		return host->sink_add(out, ident, strlen(ident));
	return sw_add_quoted(host, out, ident, q, 0);
}

const sw_type *sw_find_type(const sw_type *map, const char *t, const char **args)
{
	size_t n = 0;
	const sw_type *m;
	while (t[n] && t[n] != '(' && t[n] != ' ')
		n++;
	*args = t + n;
	while (**args == ' ')
		(*args)++;
	if (**args && **args != '(')
		return NULL;
	for (m = map; m->portable; m++) {
		if (strlen(m->portable) == n && strncasecmp(t, m->portable, n) == 0) {
			if (**args && !m->takes_args)
				return NULL;
			return m;
		}
	}
	return NULL;
}

int sw_map_type(const retort_host *host, retort_host_ctx *h, const sw_type *map, const char *portable,
                retort_sink *out)
{
	const char *args;
	const sw_type *m;
	int rc;
	if (!portable || !*portable) {
		host->set_error(h, "missing type");
		return RETORT_EINVAL;
	}
	m = sw_find_type(map, portable, &args);
	if (!m)
		return host->sink_add(out, portable, strlen(portable));
	if (m->takes_args == 2 && !*args) {
		host->set_error(h, "type %s needs a length, as %s(255)", portable, m->portable);
		return RETORT_EINVAL;
	}
	rc = host->sink_add(out, m->sql, strlen(m->sql));
	if (rc == RETORT_OK && *args)
		rc = host->sink_add(out, args, strlen(args));
	return rc;
}

int sw_put_statements(const retort_host *host, const char *const *sql, retort_sink *out)
{
	int rc = RETORT_OK;
	for (; *sql && rc == RETORT_OK; sql++)
		if ((rc = host->sink_add(out, *sql, strlen(*sql))) == RETORT_OK)
			rc = host->sink_end(out, 0);
	return rc;
}

/* ---- names ---- */

const char *sw_fk_action_sql(const char *action)
{
	static const char *const actions[] = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION", NULL};
	size_t i;
	for (i = 0; actions[i]; i++)
		if (strcasecmp(action, actions[i]) == 0)
			return actions[i];
	return NULL;
}

/* ---- the writer ---- */

void sw_init(sw *w, const sw_dialect *d, void *state, const retort_host *host, retort_host_ctx *h,
             retort_sink *out)
{
	w->d = d;
	w->state = state;
	w->host = host;
	w->h = h;
	w->out = out;
	w->rc = RETORT_OK;
}

void sw_put(sw *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = w->host->sink_add(w->out, s, strlen(s));
}

void sw_ident(sw *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = w->d->quote_ident(w->state, s, w->out);
}

void sw_lit(sw *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = w->d->quote_literal(w->state, s, w->out);
}

void sw_type_of(sw *w, const char *t)
{
	if (w->rc == RETORT_OK)
		w->rc = w->d->map_type(w->state, t, w->out);
}

void sw_end(sw *w, unsigned flags)
{
	if (w->rc == RETORT_OK)
		w->rc = w->host->sink_end(w->out, flags);
}

void sw_fail(sw *w, int rc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (w->rc != RETORT_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	w->host->set_error(w->h, "%s", msg);
	w->rc = rc;
}

int sw_need(sw *w, const retort_op *op, const void *p, const char *member)
{
	if (w->rc != RETORT_OK)
		return 0;
	if (p)
		return 1;
	sw_fail(w, RETORT_EINVAL, "%s needs %s", retort_op_kind_name(op->kind), member);
	return 0;
}

void sw_ident_list(sw *w, const char *const *names, size_t n)
{
	sw_put(w, "(");
	if (w->rc == RETORT_OK)
		w->rc = retort_sink_ident_list(w->host, w->d->quote_ident, w->state, names, n, w->out);
	sw_put(w, ")");
}

static void fk_action(sw *w, const char *clause, const char *action)
{
	const char *sql;
	if (!action || w->rc != RETORT_OK)
		return;
	if ((sql = sw_fk_action_sql(action)) != NULL) {
		sw_put(w, clause);
		sw_put(w, sql);
		return;
	}
	sw_fail(w, RETORT_EINVAL, "unknown foreign key action '%s' (cascade, set null, set default, restrict or no action)",
	        action);
}

void sw_constraint_name(sw *w, const char *name)
{
	if (name) {
		sw_put(w, "CONSTRAINT ");
		sw_ident(w, name);
		sw_put(w, " ");
	}
}

void sw_foreign_key(sw *w, const retort_op *op, const retort_foreign_key *fk)
{
	if (!sw_need(w, op, fk->ref_table, "ref_table"))
		return;
	if (fk->ncolumns == 0 || fk->ncolumns != fk->nref_columns) {
		sw_fail(w, RETORT_EINVAL, "foreign key on %s needs as many referenced columns as columns",
		        op->table ? op->table : "?");
		return;
	}
	sw_constraint_name(w, fk->name);
	sw_put(w, "FOREIGN KEY ");
	sw_ident_list(w, fk->columns, fk->ncolumns);
	sw_put(w, " REFERENCES ");
	sw_ident(w, fk->ref_table);
	sw_put(w, " ");
	sw_ident_list(w, fk->ref_columns, fk->nref_columns);
	fk_action(w, " ON DELETE ", fk->on_delete);
	fk_action(w, " ON UPDATE ", fk->on_update);
}

void sw_alter_table(sw *w, const char *table)
{
	sw_put(w, "ALTER TABLE ");
	sw_ident(w, table);
	sw_put(w, " ");
}

void sw_rename_column(sw *w, const retort_op *op)
{
	sw_alter_table(w, op->table);
	sw_put(w, "RENAME COLUMN ");
	sw_ident(w, op->column);
	sw_put(w, " TO ");
	sw_ident(w, op->new_name);
	sw_end(w, 0);
}

int sw_add_column(sw *w, const retort_op *op, sw_column_fn column)
{
	if (!sw_need(w, op, op->table, "table") || !sw_need(w, op, op->ncolumns ? op->columns : NULL, "a column") ||
	    !sw_need(w, op, op->columns[0].name, "a column name") || !sw_need(w, op, op->columns[0].type, "a column type"))
		return 0;
	sw_alter_table(w, op->table);
	sw_put(w, "ADD COLUMN ");
	column(w, &op->columns[0], op->columns[0].primary_key);
	sw_end(w, 0);
	return w->rc == RETORT_OK;
}

void sw_create_index(sw *w, const retort_op *op, const char *modifier)
{
	sw_put(w, op->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	if (modifier)
		sw_put(w, modifier);
	if (op->name) {
		sw_ident(w, op->name);
		sw_put(w, " ");
	}
	sw_put(w, "ON ");
	sw_ident(w, op->table);
	sw_put(w, " ");
	if (op->expression) {
		sw_put(w, "(");
		sw_put(w, op->expression);
		sw_put(w, ")");
	} else {
		sw_ident_list(w, op->column_names, op->ncolumn_names);
	}
}

void sw_add_primary_key(sw *w, const retort_op *op, int named)
{
	if (!sw_need(w, op, op->table, "table") || !sw_need(w, op, op->column_names, "columns"))
		return;
	sw_alter_table(w, op->table);
	sw_put(w, "ADD ");
	if (named)
		sw_constraint_name(w, op->name);
	sw_put(w, "PRIMARY KEY ");
	sw_ident_list(w, op->column_names, op->ncolumn_names);
	sw_end(w, 0);
}

void sw_create_table(sw *w, const retort_op *op, sw_column_fn column, int pk_named)
{
	size_t i, npk = 0;
	int first = 1;
	if (!sw_need(w, op, op->table, "table"))
		return;
	if (op->ncolumns == 0) {
		sw_fail(w, RETORT_EINVAL, "create_table of %s needs at least one column", op->table);
		return;
	}
	for (i = 0; i < op->ncolumns; i++)
		npk += op->columns[i].primary_key ? 1 : 0;
	sw_put(w, "CREATE TABLE ");
	sw_ident(w, op->table);
	sw_put(w, " (");
	for (i = 0; i < op->ncolumns; i++) {
		sw_put(w, first ? "\n    " : ",\n    ");
		first = 0;
		if (!sw_need(w, op, op->columns[i].name, "column names") ||
		    !sw_need(w, op, op->columns[i].type, "column types"))
			return;
		column(w, &op->columns[i], npk == 1 && !op->primary_key && op->columns[i].primary_key);
	}
	if (op->primary_key) {
		sw_put(w, ",\n    ");
		if (pk_named)
			sw_constraint_name(w, op->primary_key->name);
		sw_put(w, "PRIMARY KEY ");
		sw_ident_list(w, op->primary_key->columns, op->primary_key->ncolumns);
	} else if (npk > 1) {
		sw_put(w, ",\n    PRIMARY KEY (");
		first = 1;
		for (i = 0; i < op->ncolumns; i++) {
			if (!op->columns[i].primary_key)
				continue;
			if (!first)
				sw_put(w, ", ");
			first = 0;
			sw_ident(w, op->columns[i].name);
		}
		sw_put(w, ")");
	}
	sw_table_constraints(w, op);
	sw_put(w, "\n)");
}

void sw_table_constraints(sw *w, const retort_op *op)
{
	size_t i;
	for (i = 0; i < op->nuniques; i++) {
		if (!sw_need(w, op, op->uniques[i].ncolumns ? op->uniques[i].columns : NULL, "unique constraint columns"))
			return;
		sw_put(w, ",\n    ");
		sw_constraint_name(w, op->uniques[i].name);
		sw_put(w, "UNIQUE ");
		sw_ident_list(w, op->uniques[i].columns, op->uniques[i].ncolumns);
	}
	for (i = 0; i < op->nforeign_keys; i++) {
		sw_put(w, ",\n    ");
		sw_foreign_key(w, op, &op->foreign_keys[i]);
	}
	for (i = 0; i < op->nchecks; i++) {
		if (!sw_need(w, op, op->checks[i].expression, "check expressions"))
			return;
		sw_put(w, ",\n    ");
		sw_constraint_name(w, op->checks[i].name);
		sw_put(w, "CHECK (");
		sw_put(w, op->checks[i].expression);
		sw_put(w, ")");
	}
}

/* ---- bulk_insert ---- */

static int is_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int is_float(const char *s)
{
	int digits = 0;
	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static void value(sw *w, const retort_op *op, const retort_value *v)
{
	const char *bad = NULL;
	if (w->rc != RETORT_OK)
		return;
	if (v->type == RETORT_VALUE_NULL || !v->text) {
		sw_put(w, "NULL");
		return;
	}
	switch (v->type) {
	case RETORT_VALUE_INT:
		if (is_int(v->text))
			sw_put(w, v->text);
		else
			bad = "an integer";
		break;
	case RETORT_VALUE_FLOAT:
		if (is_float(v->text))
			sw_put(w, v->text);
		else
			bad = "a number";
		break;
	case RETORT_VALUE_BOOL:
		if (strcmp(v->text, "1") == 0 || strcasecmp(v->text, "true") == 0)
			sw_put(w, w->d->bool_true);
		else if (strcmp(v->text, "0") == 0 || strcasecmp(v->text, "false") == 0)
			sw_put(w, w->d->bool_false);
		else
			bad = "a boolean";
		break;
	default:
		sw_lit(w, v->text);
		break;
	}
	if (bad)
		sw_fail(w, RETORT_EINVAL, "bulk_insert into %s: '%s' is not %s", op->table, v->text, bad);
}

void sw_bulk_insert(sw *w, const retort_op *op)
{
	size_t r, i;
	if (!sw_need(w, op, op->table, "table"))
		return;
	if (op->ncolumn_names == 0) {
		sw_fail(w, RETORT_EINVAL, "bulk_insert into %s needs columns", op->table);
		return;
	}
	for (r = 0; r < op->nrows && w->rc == RETORT_OK; r++) {
		sw_put(w, "INSERT INTO ");
		sw_ident(w, op->table);
		sw_put(w, " ");
		sw_ident_list(w, op->column_names, op->ncolumn_names);
		sw_put(w, " VALUES (");
		for (i = 0; i < op->ncolumn_names; i++) {
			if (i)
				sw_put(w, ", ");
			(w->d->value ? w->d->value : value)(w, op, &op->rows[r * op->ncolumn_names + i]);
		}
		sw_put(w, ")");
		sw_end(w, 0);
	}
}

/* ---- operations written alike ---- */

int sw_render_common(sw *w, const retort_op *op)
{
	switch (op->kind) {
	case RETORT_OP_DROP_TABLE:
		if (sw_need(w, op, op->table, "table")) {
			sw_put(w, "DROP TABLE ");
			sw_ident(w, op->table);
			sw_end(w, 0);
		}
		return 1;
	case RETORT_OP_DROP_COLUMN:
		if (sw_need(w, op, op->table, "table") && sw_need(w, op, op->column, "column")) {
			sw_alter_table(w, op->table);
			sw_put(w, "DROP COLUMN ");
			sw_ident(w, op->column);
			sw_end(w, 0);
		}
		return 1;
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
		if (sw_need(w, op, op->table, "table") && sw_need(w, op, op->column_names, "columns")) {
			sw_alter_table(w, op->table);
			sw_put(w, "ADD ");
			sw_constraint_name(w, op->name);
			sw_put(w, "UNIQUE ");
			sw_ident_list(w, op->column_names, op->ncolumn_names);
			sw_end(w, 0);
		}
		return 1;
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (sw_need(w, op, op->table, "table") &&
		    sw_need(w, op, op->nforeign_keys ? op->foreign_keys : NULL, "a foreign key")) {
			sw_alter_table(w, op->table);
			sw_put(w, "ADD ");
			sw_foreign_key(w, op, &op->foreign_keys[0]);
			sw_end(w, 0);
		}
		return 1;
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		if (sw_need(w, op, op->table, "table") && sw_need(w, op, op->expression, "expression")) {
			sw_alter_table(w, op->table);
			sw_put(w, "ADD ");
			sw_constraint_name(w, op->name);
			sw_put(w, "CHECK (");
			sw_put(w, op->expression);
			sw_put(w, ")");
			sw_end(w, 0);
		}
		return 1;
	case RETORT_OP_BULK_INSERT:
		sw_bulk_insert(w, op);
		return 1;
	case RETORT_OP_EXECUTE:
		if (sw_need(w, op, op->sql, "sql")) {
			sw_put(w, op->sql);
			sw_end(w, 0);
		}
		return 1;
	default:
		return 0;
	}
}

int sw_render(const sw_dialect *d, void *state, const retort_host *host, retort_host_ctx *h, const retort_op *op,
              retort_sink *out, const sw_op_fn ops[SW_NKINDS])
{
	const char *const *name = d->names;
	sw w;
	int rc;
	if (op->dialect) {
		while (*name && strcmp(*name, op->dialect) != 0)
			name++;
		if (!*name)
			return RETORT_OK; /* another dialect's */
	}
	sw_init(&w, d, state, host, h, out);
	if ((unsigned)op->kind < SW_NKINDS && ops[op->kind])
		ops[op->kind](&w, op);
	else if (!sw_render_common(&w, op)) {
		host->set_error(h, "unknown operation kind %d", (int)op->kind);
		return RETORT_ENOTSUPPORTED;
	}
	rc = w.rc;
	if (rc == RETORT_ENOMEM)
		host->set_error(h, "out of memory");
	return rc;
}

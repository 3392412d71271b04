/*
 * The sqlite dialect: table rebuilds, for what SQLite's ALTER TABLE cannot
 * do (render_online_batch, and render_online, its one-operation case).
 *
 * alter_column (type, nullable, server_default), drop_constraint (foreign
 * key, check, primary key, a unique constraint of the table),
 * create_unique_constraint, create_foreign_key, create_check_constraint,
 * create_primary_key, and a drop_column that the
 * native DROP COLUMN refuses (the column is indexed, in a key or a
 * constraint) read the live table and become the rebuild of SQLite's
 * "making other kinds of table schema changes" procedure, inside the
 * migration's transaction:
 *
 *   PRAGMA legacy_alter_table=ON    (so that the RENAME neither re-checks
 *   ALTER TABLE t RENAME TO _retort_old_t     nor rewrites the views,
 *   PRAGMA legacy_alter_table=OFF    triggers and references that name t,
 *                                    which exists again right after)
 *   CREATE TABLE t (...the edited definition...)
 *   INSERT INTO t (cols) SELECT cols FROM _retort_old_t   (CAST where the
 *                                                  type affinity changes)
 *   DROP TABLE _retort_old_t           (its indexes and triggers with it)
 *   CREATE INDEX ... / CREATE TRIGGER ...   (as they were, from sqlite_master)
 *   SELECT retort_raise(...) FROM pragma_foreign_key_check(t)  (and for each
 *                                  table referencing t: fails on any row)
 *
 * (plus, for an AUTOINCREMENT table, its sqlite_sequence value put back).
 * Consecutive operations of one table that each need a rebuild are one
 * rebuild (render_online_batch): the definition takes their edits in
 * order and the rows are copied once (see joins for what may follow).
 * The new table is created under its own name rather than renamed into
 * it, so sqlite_master keeps its SQL as written: RENAME TO stores the name
 * in quotes, which the sqlite3 shell's .schema shows as CREATE TABLE IF
 * NOT EXISTS.  The items are written one a line, their own blanks dropped,
 * so repeated rebuilds give the same text.
 * drop_column first tries the native DROP COLUMN in a savepoint (always
 * rolled back) and rebuilds only when SQLite refuses it; the rebuild drops
 * the column together with the indexes and table constraints that use it,
 * as PostgreSQL does.  create_unique_constraint adds a table constraint,
 * as a table created with it has (offline --sql, where no rebuild is
 * possible, it renders a unique index instead); drop_constraint of a
 * unique constraint that is an index stays DROP INDEX.
 *
 * The definition is edited as text: the CREATE TABLE statement of
 * sqlite_master is split into its column definitions and table
 * constraints, so that everything not touched (CHECK constraints,
 * constraint names, COLLATE, AUTOINCREMENT, WITHOUT ROWID...) is kept as
 * written.
 *
 * Foreign keys: the procedure wants enforcement off, but PRAGMA
 * foreign_keys is a no-op inside a transaction.  With enforcement off (the
 * default, see sqlite.c), DROP TABLE leaves the referencing tables alone
 * and their REFERENCES t name the new table once it is renamed.  With
 * enforcement on, dropping t would run ON DELETE actions on the tables that
 * reference it (and count violations that fail the commit), so a table that
 * other tables reference is refused with a message; otherwise
 * defer_foreign_keys is set for the rebuild so that the check statement,
 * not the INSERT, reports violations.
 *
 * Every other operation renders as render() does.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rebuild_int.h"

/* ---- retort_raise(msg): fail the statement with msg ---- */

static void raise_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *m = argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
	sqlite3_result_error(ctx, m ? m : "retort_raise", -1);
}

int sqlite_register_functions(sqlite3 *db)
{
	int flags = SQLITE_UTF8;
#ifdef SQLITE_DIRECTONLY
	flags |= SQLITE_DIRECTONLY;
#endif
	return sqlite3_create_function_v2(db, "retort_raise", 1, flags, NULL, raise_fn, NULL, NULL, NULL);
}

/* ---- emitting the statements ---- */

static int emit(rb *b, retort_sink *out, sqlite_buf *s)
{
	int rc;
	if (s->rc != RETORT_OK) {
		b->host->free(s->p);
		return rb_oom(b);
	}
	rc = b->host->sink_add(out, s->p ? s->p : "", s->n);
	if (rc == RETORT_OK)
		rc = b->host->sink_end(out, 0);
	b->host->free(s->p);
	s->p = NULL;
	s->n = s->cap = 0;
	return rc == RETORT_OK ? RETORT_OK : rb_oom(b);
}

static int emit_text(rb *b, retort_sink *out, const char *text)
{
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK};
	rb_buf_put(&s, text);
	return emit(b, out, &s);
}

/* SELECT retort_raise(...) when foreign_key_check(table) reports rows. */
static int emit_fk_check(rb *b, retort_sink *out, const char *table)
{
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK}, msg = {b->host, NULL, 0, 0, RETORT_OK};
	int rc;
	rb_buf_put(&msg, "table rebuild of ");
	rb_buf_put(&msg, b->table);
	rb_buf_put(&msg, ": %d row(s) of ");
	rb_buf_put(&msg, table);
	rb_buf_put(&msg, " violate a foreign key (first: rowid %s references a missing row of %s); "
	              "see PRAGMA foreign_key_check");
	if (msg.rc != RETORT_OK) {
		b->host->free(msg.p);
		return rb_oom(b);
	}
	for (char *p = msg.p; *p; p++)
		if (*p == '%' && p[1] != 'd' && p[1] != 's')
			*p = ' '; /* a '%' from a table name is not a conversion */
	rb_buf_put(&s, "SELECT retort_raise(printf(");
	rb_buf_literal(&s, msg.p);
	rb_buf_put(&s, ", count(*), rowid, parent)) FROM pragma_foreign_key_check(");
	rb_buf_literal(&s, table);
	rb_buf_put(&s, ") HAVING count(*) > 0");
	b->host->free(msg.p);
	rc = emit(b, out, &s);
	return rc;
}

static int index_mentions(rb *b, const char *sql, const char *col)
{
	const char *p = strchr(sql, '(');
	return p && rb_mentions(b, p, col);
}

static int emit_rebuild(rb *b, retort_sink *out, int fk_on, int legacy, int defer)
{
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK};
	sw w;
	size_t i, k;
	int rc, first;
	char old_name[512];

	snprintf(old_name, sizeof old_name, "_retort_old_%s", b->table);
	if (fk_on && !defer && (rc = emit_text(b, out, "PRAGMA defer_foreign_keys=ON")) != RETORT_OK)
		return rc;

	/*
	 * The old table steps aside and the new one is created under the
	 * table's own name, so that its stored SQL reads as written (a RENAME
	 * TO would store the name in quotes, whatever it needs).
	 */
	if (!legacy && (rc = emit_text(b, out, "PRAGMA legacy_alter_table=ON")) != RETORT_OK)
		return rc;
	rb_buf_put(&s, "ALTER TABLE ");
	sqlite_text_ident(&s, b->table);
	rb_buf_put(&s, " RENAME TO ");
	sqlite_text_ident(&s, old_name);
	if ((rc = emit(b, out, &s)) != RETORT_OK)
		return rc;
	if (!legacy && (rc = emit_text(b, out, "PRAGMA legacy_alter_table=OFF")) != RETORT_OK)
		return rc;

	/* the edited definition, written as render() writes a create_table */
	sqlite_writer(&w, &b->st, b->h, out);
	sqlite_create_table_head(&w, b->table);
	for (i = 0; i < b->nitems; i++) {
		sw_put(&w, i ? ",\n    " : "\n    ");
		sw_put(&w, b->items[i].text);
	}
	sw_put(&w, "\n)");
	if (b->tail && *b->tail) {
		sw_put(&w, " ");
		sw_put(&w, b->tail);
	}
	sw_end(&w, 0);
	if (w.rc != RETORT_OK)
		return rb_oom(b);

	/* the copy: the new table's stored columns, by name */
	rb_buf_put(&s, "INSERT INTO ");
	sqlite_text_ident(&s, b->table);
	rb_buf_put(&s, " (");
	for (i = 0, first = 1; i < b->nitems; i++) {
		if (!b->items[i].is_column || rb_is_generated(b, &b->items[i]))
			continue;
		if (!first)
			rb_buf_put(&s, ", ");
		first = 0;
		sqlite_text_ident(&s, b->items[i].name);
	}
	rb_buf_put(&s, ") SELECT ");
	for (i = 0, first = 1; i < b->nitems; i++) {
		const char *n = b->items[i].name;
		if (!b->items[i].is_column || rb_is_generated(b, &b->items[i]))
			continue;
		if (!first)
			rb_buf_put(&s, ", ");
		first = 0;
		for (k = 0; k < b->cast_cols.n && strcasecmp(n, b->cast_cols.v[k]) != 0; k++)
			;
		if (k < b->cast_cols.n && rb_affinity(b->old_types.v[k]) != rb_affinity(b->cast_types.v[k]) &&
		    rb_affinity(b->cast_types.v[k]) != 'B') {
			rb_buf_put(&s, "CAST(");
			sqlite_text_ident(&s, n);
			rb_buf_put(&s, " AS ");
			rb_buf_put(&s, b->cast_types.v[k]);
			rb_buf_put(&s, ")");
		} else {
			sqlite_text_ident(&s, n);
		}
	}
	rb_buf_put(&s, " FROM ");
	sqlite_text_ident(&s, old_name);
	if ((rc = emit(b, out, &s)) != RETORT_OK)
		return rc;

	/* its indexes and triggers go with it, and come back below */
	rb_buf_put(&s, "DROP TABLE ");
	sqlite_text_ident(&s, old_name);
	if ((rc = emit(b, out, &s)) != RETORT_OK)
		return rc;
	if (b->seq >= 0) {
		char num[32];
		snprintf(num, sizeof num, "%lld", b->seq);
		rb_buf_put(&s, "INSERT INTO sqlite_sequence (name, seq) SELECT ");
		rb_buf_literal(&s, b->table);
		rb_buf_put(&s, ", 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ");
		rb_buf_literal(&s, b->table);
		rb_buf_put(&s, ")");
		if ((rc = emit(b, out, &s)) != RETORT_OK)
			return rc;
		rb_buf_put(&s, "UPDATE sqlite_sequence SET seq = ");
		rb_buf_put(&s, num);
		rb_buf_put(&s, " WHERE name = ");
		rb_buf_literal(&s, b->table);
		rb_buf_put(&s, " AND seq < ");
		rb_buf_put(&s, num);
		if ((rc = emit(b, out, &s)) != RETORT_OK)
			return rc;
	}

	for (i = 0; i < b->idx_sqls.n; i++) {
		for (k = 0; k < b->dropped.n && !index_mentions(b, b->idx_sqls.v[i], b->dropped.v[k]); k++)
			;
		if (k < b->dropped.n)
			continue; /* dropping a column drops the indexes on it */
		if ((rc = emit_text(b, out, b->idx_sqls.v[i])) != RETORT_OK)
			return rc;
	}
	for (i = 0; i < b->trig_sqls.n; i++)
		if ((rc = emit_text(b, out, b->trig_sqls.v[i])) != RETORT_OK)
			return rc;

	if ((rc = emit_fk_check(b, out, b->table)) != RETORT_OK)
		return rc;
	for (k = 0; k < b->inbound.n; k++)
		if ((rc = emit_fk_check(b, out, b->inbound.v[k])) != RETORT_OK)
			return rc;
	if (fk_on && !defer && (rc = emit_text(b, out, "PRAGMA defer_foreign_keys=OFF")) != RETORT_OK)
		return rc;
	return RETORT_OK;
}

/* Would the native ALTER TABLE DROP COLUMN work?  Tried in a savepoint, always rolled back. */
static int native_drop_column_works(rb *b)
{
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK};
	int ok;
	rb_buf_put(&s, "SAVEPOINT _retort_probe; ALTER TABLE ");
	sqlite_text_ident(&s, b->op->table);
	rb_buf_put(&s, " DROP COLUMN ");
	sqlite_text_ident(&s, b->op->column);
	if (s.rc != RETORT_OK) {
		b->host->free(s.p);
		return 0;
	}
	ok = sqlite3_exec(b->c->db, s.p, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_exec(b->c->db, "ROLLBACK TO _retort_probe; RELEASE _retort_probe", NULL, NULL, NULL);
	b->host->free(s.p);
	return ok;
}

static int index_named(rb *b, const char *name, int *exists)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(b->c->db,
	                       "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1 COLLATE NOCASE "
	                       "AND sql IS NOT NULL",
	                       -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(b->c, b->h);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_db_error(b->c, b->h);
	*exists = rc == SQLITE_ROW;
	return RETORT_OK;
}

/* Does this op need a rebuild on the live database?  0: render() does it. */
static int wants_rebuild(rb *b, int *out)
{
	const retort_op *op = b->op;
	int rc, exists = 0;
	*out = 0;
	switch (op->kind) {
	case RETORT_OP_ALTER_COLUMN:
		*out = op->table && op->column && (op->type || op->nullable != RETORT_UNSET || op->set_server_default ||
		                                   sqlite_op_autoinc(b->host, b->h, op) != RETORT_UNSET);
		return RETORT_OK;
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
	case RETORT_OP_CREATE_FOREIGN_KEY:
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
	case RETORT_OP_CREATE_PRIMARY_KEY:
		*out = op->table != NULL;
		return RETORT_OK;
	case RETORT_OP_DROP_CONSTRAINT:
		if (!op->table || !op->name)
			return RETORT_OK;
		if (op->constraint_type && strcasecmp(op->constraint_type, "unique") != 0) {
			*out = 1;
			return RETORT_OK;
		}
		/* a unique constraint created as an index (or no type given): DROP INDEX */
		if ((rc = index_named(b, op->name, &exists)) != RETORT_OK)
			return rc;
		*out = !exists;
		return RETORT_OK;
	case RETORT_OP_DROP_COLUMN:
		*out = op->table && op->column && !native_drop_column_works(b);
		return RETORT_OK;
	default:
		return RETORT_OK;
	}
}

/*
 * Can op join the rebuild of b->table that the operations before it began?
 * Only an operation of this table that needs a rebuild itself; a
 * drop_column of it always can (the rebuild drops it, with what uses it,
 * as it drops one the native DROP COLUMN refuses).
 */
static int joins(rb *b, const retort_op *op, int *out)
{
	*out = 0;
	if ((op->dialect && strcasecmp(op->dialect, "sqlite") != 0) || !op->table ||
	    strcasecmp(op->table, b->table) != 0)
		return RETORT_OK;
	if (op->kind == RETORT_OP_DROP_COLUMN) {
		*out = op->column != NULL;
		return RETORT_OK;
	}
	b->op = op;
	return wants_rebuild(b, out);
}

/*
 * ops[0], and when it needs a rebuild, the operations after it that can
 * join that rebuild (joins): one rebuild edits the definition for each in
 * turn, copies the rows once and recreates the indexes once.  An
 * alter_column that also renames its column ends the run: the rename
 * follows the rebuild, and what comes after may use the new name.
 */
int sqlite_render_online_batch(retort_conn *c, retort_host_ctx *h, const retort_op *const *ops, size_t n,
                               size_t *used, retort_sink *out)
{
	const retort_op *op = ops[0];
	rb b;
	size_t k;
	int rc, rebuild = 0, fk_on = 0, legacy = 0, defer = 0;

	*used = 1;
	memset(&b, 0, sizeof b);
	b.c = c;
	b.h = h;
	b.host = c->host;
	b.op = op;
	b.st.host = c->host;
	b.st.h = h;
	b.st.foreign_keys = RETORT_UNSET;
	if (op->dialect && strcasecmp(op->dialect, "sqlite") != 0)
		return RETORT_OK; /* for another dialect */
	if ((rc = wants_rebuild(&b, &rebuild)) != RETORT_OK)
		return rc;
	if (!rebuild)
		return sqlite_render(&b.st, h, op, out);

	if ((rc = rb_load(&b)) != RETORT_OK)
		goto done;
	if ((rc = rb_pragma_int(&b, "PRAGMA foreign_keys", &fk_on)) != RETORT_OK ||
	    (rc = rb_pragma_int(&b, "PRAGMA legacy_alter_table", &legacy)) != RETORT_OK ||
	    (rc = rb_pragma_int(&b, "PRAGMA defer_foreign_keys", &defer)) != RETORT_OK)
		goto done;
	if (fk_on && b.inbound.n) {
		rc = rb_fail(&b, RETORT_ENOTSUPPORTED,
		          "rebuilding %s with foreign_keys on would run the ON DELETE actions of the tables that "
		          "reference it (%s...): SQLite cannot switch enforcement off inside the migration's "
		          "transaction; set foreign_keys = false in the sqlite dialect's settings",
		          b.table, b.inbound.v[0]);
		goto done;
	}
	for (k = 0;;) {
		int more = 0;
		b.op = ops[k++];
		if ((rc = rb_edit(&b)) != RETORT_OK)
			goto done;
		if (k == n || (b.op->kind == RETORT_OP_ALTER_COLUMN && b.op->new_name))
			break;
		if ((rc = joins(&b, ops[k], &more)) != RETORT_OK)
			goto done;
		if (!more)
			break;
	}
	op = b.op = ops[k - 1];
	*used = k;
	b.host->log(h, RETORT_LOG_DEBUG, "rebuilding table %s once for %zu operation%s", b.table, k, k > 1 ? "s" : "");
	if ((rc = emit_rebuild(&b, out, fk_on, legacy, defer)) != RETORT_OK)
		goto done;
	if (op->kind == RETORT_OP_ALTER_COLUMN && op->new_name) {
		/* a rename with other changes: after the rebuild */
		sqlite_buf s = {b.host, NULL, 0, 0, RETORT_OK};
		rb_buf_put(&s, "ALTER TABLE ");
		sqlite_text_ident(&s, b.table);
		rb_buf_put(&s, " RENAME COLUMN ");
		sqlite_text_ident(&s, op->column);
		rb_buf_put(&s, " TO ");
		sqlite_text_ident(&s, op->new_name);
		rc = emit(&b, out, &s);
	}
done:
	if (rc == RETORT_OK && b.rc != RETORT_OK)
		rc = rb_oom(&b);
	rb_free(&b);
	return rc;
}

/* The one-operation case of sqlite_render_online_batch, for hosts without it. */
int sqlite_render_online(retort_conn *c, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	size_t used;
	return sqlite_render_online_batch(c, h, &op, 1, &used, out);
}

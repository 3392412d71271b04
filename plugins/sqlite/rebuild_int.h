/*
 * The sqlite dialect's table rebuilds, what their two files share:
 * rebuild_table.c reads the live table and edits its definition as text,
 * rebuild.c emits the rebuild statements (render_online).
 */
#ifndef RETORT_SQLITE_REBUILD_INT_H
#define RETORT_SQLITE_REBUILD_INT_H

#include "sqlite_int.h"

typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

/* One part of the table definition: a column or a table constraint. */
typedef struct item {
	char *text;
	int is_column;
	char *name; /* column name, or the constraint's name (NULL when unnamed) */
	char kind;  /* constraint: 'P', 'U', 'C' (check), 'F' */
} item;

typedef struct rb {
	retort_conn *c;
	retort_host_ctx *h;
	const retort_host *host;
	const retort_op *op;
	sqlite_state st; /* for render.c's helpers */
	int rc;          /* sticky: RETORT_ENOMEM */
	char *table;     /* the name as stored */
	char *sql;       /* its CREATE TABLE */
	char *tail;      /* after the closing parenthesis: WITHOUT ROWID, STRICT */
	item *items;
	size_t nitems, cap;
	strv idx_names, idx_sqls, trig_sqls, inbound;
	char *cast_col;  /* column whose type changed (for CAST), and its new type */
	char *cast_type;
	char *old_type;
	char *dropped;   /* drop_column */
	long long seq;   /* its sqlite_sequence value (AUTOINCREMENT), or -1 */
} rb;

char rb_affinity(const char *type);
void rb_buf_literal(sqlite_buf *s, const char *text);
void rb_buf_put(sqlite_buf *s, const char *t);
int rb_edit(rb *b);
int rb_fail(rb *b, int rc, const char *fmt, ...) RETORT_PRINTF(3, 4);
int rb_is_generated(rb *b, item *it);
int rb_load(rb *b);
int rb_mentions(rb *b, const char *text, const char *name);
int rb_oom(rb *b);
int rb_pragma_int(rb *b, const char *sql, int *out);
void rb_free(rb *b);

#endif

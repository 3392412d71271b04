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
	int autoinc;     /* alter_column: AUTOINCREMENT turned on (1), off (0), or RETORT_UNSET */
} rb;

/* A constraint as a CREATE TABLE text states it (rb_constraints). */
typedef struct rb_cons {
	char kind;       /* 'P', 'U', 'C' (check), 'F', 'L' (a column's COLLATE) */
	int autoinc;     /* P: AUTOINCREMENT */
	int deferred;    /* F: INITIALLY DEFERRED */
	char *name;      /* CONSTRAINT name, or NULL */
	char *expr;      /* C: the text inside CHECK's parentheses, trimmed; L: the collation */
	char *ref_table; /* F: the referenced table as written (unquoted) */
	strv cols;       /* P, U, F: the columns as written (unquoted); a column constraint: its column */
} rb_cons;

char rb_affinity(const char *type);
void rb_buf_literal(sqlite_buf *s, const char *text);
void rb_buf_put(sqlite_buf *s, const char *t);
int rb_edit(rb *b);
int rb_fail(rb *b, int rc, const char *fmt, ...) RETORT_PRINTF(3, 4);
int rb_is_generated(rb *b, item *it);
int rb_load(rb *b);
/* Split b->sql (a CREATE TABLE) into b->items and b->tail (rb_load does it for the rebuilds). */
int rb_parse(rb *b);
/* The constraints of the parsed definition, table and column ones, in text order; free with rb_cons_free. */
int rb_constraints(rb *b, rb_cons **out, size_t *n);
void rb_cons_free(rb *b, rb_cons *v, size_t n);
/* The key list and the WHERE of a CREATE INDEX text (not NUL-terminated); -1 when it has no key list. */
int rb_index_parts(const char *sql, const char **keys, size_t *nkeys, const char **where, size_t *nwhere);
int rb_mentions(rb *b, const char *text, const char *name);
int rb_oom(rb *b);
int rb_pragma_int(rb *b, const char *sql, int *out);
void rb_free(rb *b);

#endif

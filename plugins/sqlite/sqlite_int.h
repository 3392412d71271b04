/*
 * Internals of the sqlite dialect shared by its source files.
 *
 *  sqlite.c   descriptor, settings, connection, transactions, the lock
 *  render.c   quoting, type mapping, rendering operations to SQL
 *  reflect.c  reflecting the live schema (reflect)
 *  rebuild.c  table rebuilds for what ALTER TABLE cannot do (render_online)
 *
 * Everything here is hidden (the module is built with -fvisibility=hidden
 * and exports only retort_plugin_entry).  No mutable globals: each plugin
 * instance has its own sqlite_state, each connection its own retort_conn.
 */
#ifndef RETORT_PLUGIN_SQLITE_INT_H
#define RETORT_PLUGIN_SQLITE_INT_H

#include <sqlite3.h>

#include <retort/dialect.h>
#include <retort/schema.h>

#include "sqlwriter.h"

/** One plugin instance (what init returns as `state`). */
typedef struct sqlite_state {
	const retort_host *host; /**< borrowed; valid until fini */
	retort_host_ctx *h;      /**< this instance's context; valid until fini */
	int foreign_keys;        /**< setting foreign_keys: 1 ON, 0 OFF, RETORT_UNSET keep SQLite's default */
} sqlite_state;

/** A live connection. */
struct retort_conn {
	const retort_host *host;
	sqlite3 *db;
	char *path;  /**< file name as opened (":memory:" for memory), host->malloc'd */
	int locked;  /**< the BEGIN IMMEDIATE transaction of lock() is open */
	/** record_step's statements (sqlite.c), prepared on first use for the tables named in rec_tables */
	sqlite3_stmt *rec_stmt[4];
	char *rec_tables; /**< "version_table\nhistory_table", host->malloc'd */
};

/** A growable text buffer (host->realloc'd); rc is sticky: the first failure wins. */
typedef struct sqlite_buf {
	const retort_host *host;
	char *p; /**< NUL-terminated once anything was added */
	size_t n, cap;
	int rc;
} sqlite_buf;

/* render.c */
void sqlite_buf_add(sqlite_buf *b, const char *s, size_t n);
/** The statement writer (plugins/common) as the dialect's render uses it, writing to a statement sink. */
void sqlite_writer(sw *w, sqlite_state *st, retort_host_ctx *h, retort_sink *out);
/** The same writer writing into a plain buffer: what sqlite_buf_writer lends it. */
typedef struct sqlite_text_writer {
	retort_host host; /**< the host's services, with a sink_add that appends to the buffer */
	sqlite_state st;  /**< the state, with that host */
	sw w;
} sqlite_text_writer;
/** Set tw up to write into b (st and h may be NULL when nothing can fail but memory); returns its writer. */
sw *sqlite_buf_writer(sqlite_text_writer *tw, sqlite_buf *b, const sqlite_state *st, retort_host_ctx *h);
/** "CREATE TABLE t (": the items follow, each after "\n    " (the first) or ",\n    ", then "\n)". */
void sqlite_create_table_head(sw *w, const char *table);
int sqlite_text_ident(sqlite_buf *b, const char *name);
int sqlite_text_type(sqlite_buf *b, const char *type);
/** A DEFAULT's expression: as is when plain, else parenthesised. */
int sqlite_text_default(sqlite_buf *b, const char *expr);
int sqlite_text_foreign_key(sqlite_state *st, retort_host_ctx *h, const retort_op *op, sqlite_buf *b,
                            const retort_foreign_key *fk);
const char *sqlite_op_name(const retort_op *op);
/** alter_column's autoincrement (asked of the host's op_more): 1 on, 0 off, RETORT_UNSET unchanged. */
int sqlite_op_autoinc(const retort_host *host, retort_host_ctx *h, const retort_op *op);
int sqlite_quote_ident(void *state, const char *ident, retort_sink *out);
int sqlite_quote_literal(void *state, const char *text, retort_sink *out);
int sqlite_map_type(void *state, const char *portable, retort_sink *out);
int sqlite_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out);
/** 1 when `ident` must be quoted ("..."), 0 when it can stand bare. */
int sqlite_ident_needs_quotes(const char *ident);

/* rebuild.c */
int sqlite_render_online(retort_conn *c, retort_host_ctx *h, const retort_op *op, retort_sink *out);
/** render_online_batch: consecutive rebuilds of one table as one rebuild. */
int sqlite_render_online_batch(retort_conn *c, retort_host_ctx *h, const retort_op *const *ops, size_t n,
                               size_t *used, retort_sink *out);
/** Register retort_raise(msg) on a new connection: fails the statement with msg. */
int sqlite_register_functions(sqlite3 *db);

/* reflect.c: the live schema to the host's builder (vtable.reflect) */
int sqlite_reflect(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b);

/* sqlite.c: report the connection's last error through set_db_error; returns RETORT_EDB. */
int sqlite_db_error(retort_conn *c, retort_host_ctx *h);

#endif

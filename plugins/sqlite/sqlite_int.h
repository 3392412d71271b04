/*
 * Internals of the sqlite dialect shared by its source files.
 *
 *  sqlite.c   descriptor, settings, connection, transactions, the lock
 *  render.c   quoting, type mapping, rendering operations to SQL
 *  reflect.c  reflecting the live schema
 *
 * Everything here is hidden (the module is built with -fvisibility=hidden
 * and exports only retort_plugin_entry).  No mutable globals: each plugin
 * instance has its own sqlite_state, each connection its own retort_conn.
 */
#ifndef RETORT_PLUGIN_SQLITE_INT_H
#define RETORT_PLUGIN_SQLITE_INT_H

#include <sqlite3.h>

#include <retort/dialect.h>

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
};

/* render.c */
int sqlite_quote_ident(void *state, const char *ident, retort_sink *out);
int sqlite_quote_literal(void *state, const char *text, retort_sink *out);
int sqlite_map_type(void *state, const char *portable, retort_sink *out);
int sqlite_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out);
/** 1 when `ident` must be quoted ("..."), 0 when it can stand bare. */
int sqlite_ident_needs_quotes(const char *ident);

/* reflect.c */
int sqlite_reflect(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b);

/* sqlite.c: report the connection's last error through set_db_error; returns RETORT_EDB. */
int sqlite_db_error(retort_conn *c, retort_host_ctx *h);

#endif

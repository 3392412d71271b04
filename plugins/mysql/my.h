/* mysql dialect: what mysql.c and render.c share (plugin-internal). */
#ifndef RETORT_MY_H
#define RETORT_MY_H

#include <retort/dialect.h>

/** One instance: the host services and the instance's context (both borrowed until fini). */
typedef struct my_state {
	const retort_host *host;
	retort_host_ctx *h;
} my_state;

int my_quote_ident(void *state, const char *ident, retort_sink *out);
int my_quote_literal(void *state, const char *text, retort_sink *out);
int my_map_type(void *state, const char *portable, retort_sink *out);
/* GET_LOCK names are limited to 64 characters (MySQL 5.7+). */
#define MY_LOCK_NAME_MAX 64
/** The GET_LOCK name of the migration lock `key`, as SQL: 'retort:<database>.<key>', hashed when too long (lockinfo.c). */
char *my_lock_name_sql(const retort_host *host, const char *key);
/** The query saying who holds the migration lock `key` (lockinfo.c). */
int my_lock_holder_sql(void *state, retort_host_ctx *h, const char *key, retort_sink *out);
/*
 * What rendering assumes of a session, NULL-terminated: text in UTF-8
 * (utf8mb4), and a backslash in '...' an escape, so quote_literal doubles
 * it (NO_BACKSLASH_ESCAPES, in a server's or a client's sql_mode, would
 * keep both).  connect() runs these; offline --sql output starts with them
 * (session_sql).
 */
extern const char *const my_session[];

int my_session_sql(void *state, retort_host_ctx *h, retort_sink *out);
int my_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out);

#endif

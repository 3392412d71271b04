/* postgresql dialect: what postgresql.c and render.c share (plugin-internal). */
#ifndef RETORT_PG_H
#define RETORT_PG_H

#include <retort/dialect.h>

/** One instance: the host services and the instance's context (both borrowed until fini). */
typedef struct pg_state {
	const retort_host *host;
	retort_host_ctx *h;
	const char *schema; /* the `schema` setting (search_path at connect), or NULL */
} pg_state;

int pg_quote_ident(void *state, const char *ident, retort_sink *out);
int pg_quote_literal(void *state, const char *text, retort_sink *out);
int pg_map_type(void *state, const char *portable, retort_sink *out);
/*
 * What rendering assumes of a session: a backslash in '...' is a plain
 * character (a role's, a database's or PGOPTIONS' setting may say
 * otherwise).  connect() runs it; offline --sql output starts with it
 * (session_sql).
 */
#define PG_SESSION_SQL "SET standard_conforming_strings = on"

int pg_session_sql(void *state, retort_host_ctx *h, retort_sink *out);
int pg_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out);

#endif

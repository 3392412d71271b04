/* postgresql dialect: the connection, shared by postgresql.c and reflect.c (plugin-internal). */
#ifndef RETORT_PGCONN_H
#define RETORT_PGCONN_H

#include <libpq-fe.h>

#include "pg.h"

struct retort_conn {
	const retort_host *host;
	retort_host_ctx *h; /* context of the call in progress, for the notice processor */
	PGconn *pg;
};

/* Report a failed result (r may be NULL: out of memory or a lost connection); returns RETORT_EDB. */
int pg_db_error(retort_conn *c, retort_host_ctx *h, const PGresult *r);

/* reflect.c: the dialect's reflect method. */
int pg_reflect(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b);

#endif

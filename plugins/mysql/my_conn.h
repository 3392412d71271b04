/*
 * mysql dialect: the connection, for the files that talk to the server
 * (mysql.c, reflect.c).  Plugin-internal; needs <mysql.h>.
 */
#ifndef RETORT_MY_CONN_H
#define RETORT_MY_CONN_H

#include <mysql.h>

#include "my.h"

struct retort_conn {
	const retort_host *host;
	MYSQL *my;
};

/* Run sql and hand back its stored result (NULL for a statement without rows). */
int my_run(retort_conn *c, retort_host_ctx *h, const char *sql, MYSQL_RES **res);

/* reflect.c: the dialect's reflect method. */
int my_reflect(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b);

#endif

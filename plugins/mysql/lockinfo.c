/*
 * mysql dialect: the migration lock's name, and who holds it
 * (lock_holder_sql).
 *
 * The lock is GET_LOCK(name) held by a session (mysql.c, my_lock);
 * IS_USED_LOCK(name) gives that session's connection id, and
 * information_schema.PROCESSLIST its user and client host (a user without
 * the PROCESS privilege sees only their own sessions: the id is still
 * given, the rest NULL).  retort's sessions announce themselves with the
 * connect attribute program_name = "retort" (at connect), readable in
 * performance_schema.session_connect_attrs when the server keeps the
 * performance schema (MariaDB's default is off: the column is then NULL).
 * MariaDB records no time for a lock or a connection's start: `since` is
 * NULL.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "my.h"

void my_lock_name(char *buf, size_t n, const char *key)
{
	if (strlen("retort:") + strlen(key) <= MY_LOCK_NAME_MAX) {
		snprintf(buf, n, "retort:%s", key);
	} else {
		uint64_t hash = 1469598103934665603ULL; /* FNV-1a */
		const unsigned char *p;
		for (p = (const unsigned char *)key; *p; p++) {
			hash ^= *p;
			hash *= 1099511628211ULL;
		}
		snprintf(buf, n, "retort:%.40s:%016llx", key, (unsigned long long)hash);
	}
}

int my_lock_holder_sql(void *state, retort_host_ctx *h, const char *key, retort_sink *out)
{
	static const char head[] = "SELECT l.id, p.USER, "
	                           "(SELECT a.ATTR_VALUE FROM performance_schema.session_connect_attrs a "
	                           "WHERE a.PROCESSLIST_ID = l.id AND a.ATTR_NAME = 'program_name' LIMIT 1), "
	                           "p.HOST, NULL "
	                           "FROM (SELECT IS_USED_LOCK(";
	static const char tail[] = ") AS id) l LEFT JOIN information_schema.PROCESSLIST p ON p.ID = l.id "
	                           "WHERE l.id IS NOT NULL AND l.id <> CONNECTION_ID()";
	my_state *st = state;
	char name[MY_LOCK_NAME_MAX + 1];
	int rc;
	(void)h;
	my_lock_name(name, sizeof name, key);
	if ((rc = st->host->sink_add(out, head, strlen(head))) < 0 || (rc = my_quote_literal(state, name, out)) < 0)
		return rc;
	return st->host->sink_add(out, tail, strlen(tail));
}

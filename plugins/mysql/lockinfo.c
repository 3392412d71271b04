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
#include <stdio.h>
#include <string.h>

#include "my.h"
#include "plugutil.h"

/*
 * The lock's name as an SQL expression the server works out:
 * 'retort:<database>.<key>', or when that is over the 64 characters
 * GET_LOCK takes, its first 40 and a hash of all of it.  GET_LOCK names are
 * server-wide: the database in the name keeps two projects on one server
 * (in two databases) from waiting for each other, as PostgreSQL's advisory
 * locks (per database) do.  NULL when out of memory.
 */
char *my_lock_name_sql(const retort_host *host, const char *key)
{
	size_t n = 0, i;
	const char *p;
	char *lit, *sql;
	for (p = key; *p; p++)
		n += (*p == '\'' || *p == '\\') ? 2 : 1;
	if (!(lit = host->malloc(n + 1)))
		return NULL;
	for (p = key, i = 0; *p; p++) {
		if (*p == '\'' || *p == '\\')
			lit[i++] = *p;
		lit[i++] = *p;
	}
	lit[i] = '\0';
	sql = pu_asprintf(host,
	                  "(SELECT IF(CHAR_LENGTH(n) <= %d, n, CONCAT(LEFT(n, 40), ':', LEFT(SHA2(n, 256), 16))) "
	                  "FROM (SELECT CONCAT('retort:', IFNULL(DATABASE(), ''), '.', '%s') AS n) AS k)",
	                  MY_LOCK_NAME_MAX, lit);
	host->free(lit);
	return sql;
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
	char *name = my_lock_name_sql(st->host, key);
	int rc;
	(void)h;
	if (!name)
		return RETORT_ENOMEM;
	if ((rc = st->host->sink_add(out, head, strlen(head))) >= 0 && (rc = st->host->sink_add(out, name, strlen(name))) >= 0)
		rc = st->host->sink_add(out, tail, strlen(tail));
	st->host->free(name);
	return rc;
}

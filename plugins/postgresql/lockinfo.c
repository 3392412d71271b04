/*
 * postgresql dialect: who holds the migration lock (lock_holder_sql).
 *
 * The lock is a session-level advisory lock on the bigint
 * hashtext('retort:' || key) (postgresql.c, pg_lock).  pg_locks shows a
 * one-key advisory lock with the key's high 32 bits in classid, the low
 * 32 bits in objid and objsubid = 1; pg_stat_activity names the session.
 * PostgreSQL records no time for a granted advisory lock, so `since` is
 * when the holding session started (retort takes the lock right after it
 * connects).  retort's sessions set application_name to "retort" unless
 * the URL names one (fallback_application_name, at connect).
 */
#include <string.h>

#include "pg.h"

int pg_lock_holder_sql(void *state, retort_host_ctx *h, const char *key, retort_sink *out)
{
	static const char head[] =
		"SELECT a.pid::text, a.usename::text, a.application_name::text, "
		"COALESCE(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local' END), "
		"to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
		"FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid, "
		"(SELECT hashtext('retort:' || ";
	static const char tail[] =
		")::bigint AS k) key "
		"WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
		"AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
		"AND l.classid::bigint = (key.k >> 32) & 4294967295 AND l.objid::bigint = key.k & 4294967295 "
		"AND l.pid <> pg_backend_pid() LIMIT 1";
	pg_state *st = state;
	int rc;
	(void)h;
	if ((rc = st->host->sink_add(out, head, strlen(head))) < 0 || (rc = pg_quote_literal(state, key, out)) < 0)
		return rc;
	return st->host->sink_add(out, tail, strlen(tail));
}

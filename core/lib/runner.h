/*
 * The runner: everything a command does against a database.  Opens the
 * connection through the dialect, takes the migration lock, keeps the
 * version and history tables, runs plans inside transactions as retort(1) says,
 * fires events, renders offline --sql.
 */
#ifndef RT_RUNNER_H
#define RT_RUNNER_H

#include <stdio.h>

#include "graph.h"
#include "plugin_loader.h"
#include "rtconfig.h"
#include "url.h"

/** A run id: this many random bytes, written as twice as many hex digits. */
#define RT_RUN_ID_BYTES 16

typedef struct rt_ctx {
	rt_config *cfg;
	rt_plugins *plugins;
	rt_graph *graph;
	rt_url *url;
	rt_plugin *dialect;
	retort_conn *conn;
	const char *command; /* "upgrade", ... */
	int quiet;
	int progress;        /* show a progress line (terminal) */
	FILE *sql_out;       /* offline output (stdout) */
	char run_id[2 * RT_RUN_ID_BYTES + 1];
	char user[128];
	char host[256];
	int in_tx;
	int locked;          /* this process holds the migration lock */
	char *mark_note;     /* what rt_db_read_heads found about a revision marked as not finished */
	char *mark_seen;     /* history rows up to this id read and clean: later reads look past it */
	int read_only;       /* the command only reads: connect read-only */
	rt_strv names;       /* names given by naming policies (the ops point into it) */
} rt_ctx;

/**
 * Names from the naming policies for what `op` (operation idx of rev)
 * leaves unnamed, and a check's name through the policy (naming.c).
 * Refuses a create_* operation that stays unnamed.
 */
int rt_name_op(rt_ctx *ctx, const rt_revision *rev, retort_op *op, size_t idx);

/** Fill the context: plugins declared, graph loaded (scripts' headers). */
int rt_ctx_open(rt_ctx *ctx, rt_config *cfg, const char *command, int need_graph);
void rt_ctx_close(rt_ctx *ctx);

/** Load the dialect for the configured URL (no connection). */
int rt_ctx_dialect(rt_ctx *ctx);
/** Load the dialect and connect. */
int rt_ctx_connect(rt_ctx *ctx);

/**
 * Read the version table (read-only: creates nothing).  *exists says
 * whether the table is there; rows go to *heads.  *failed (may be NULL)
 * is set to the revision marked as not finished (see history.c: a
 * `running` row whose run is gone, or an unrepaired failure on a dialect
 * without transactional DDL), or NULL; ctx->mark_note then says what
 * happened.
 */
int rt_db_read_heads(rt_ctx *ctx, rt_strv *heads, int *exists, char **failed);

/** upgrade/downgrade online. */
int rt_run_migrate(rt_ctx *ctx, int up, const char *target);
/** upgrade/downgrade --sql (target may be FROM:TO). */
int rt_run_offline(rt_ctx *ctx, int up, const char *target);
/** stamp online, or offline with sql != 0. */
int rt_run_stamp(rt_ctx *ctx, const char *const *targets, size_t n, int purge, int sql);
/** Clear the failure mark (repair). */
int rt_run_repair(rt_ctx *ctx);
/**
 * repair --checksums: record the new checksum of each applied revision whose
 * script was edited (all, or only those in `only`) as a `repaired` history
 * row; their ids go to *accepted.  Refused while a failure mark is recorded.
 */
int rt_run_repair_checksums(rt_ctx *ctx, const rt_strv *only, rt_strv *accepted);
/** An identifier (literal 0) or a literal quoted by the dialect (rt_free); NULL with the error set. */
char *rt_ctx_quote(rt_ctx *ctx, int literal, const char *s);
/** Applied revisions with their checksums from the history table: ids and sums (latest upgrade per revision). */
int rt_db_applied_checksums(rt_ctx *ctx, rt_strv *ids, rt_strv *sums);

/** Who holds the migration lock (lockinfo.c). */
typedef struct rt_lock_state {
	int held;                  /* another session holds the lock */
	int known;                 /* the dialect can tell who: `holder` is filled (fields may still be NULL) */
	retort_lock_holder holder; /* strings owned (rt_lock_state_free) */
} rt_lock_state;

/** Connect (as ctx says) and find out who holds the migration lock now. */
int rt_lock_read(rt_ctx *ctx, rt_lock_state *ls);
/** "session 123 of user app (application retort, client 10.0.0.5), connected since ...": the parts known (rt_free; NULL when out of memory). */
char *rt_lock_holder_text(const retort_lock_holder *hd);
/** Free the holder's strings; the state reads as free after it. */
void rt_lock_state_free(rt_lock_state *ls);

/** "YYYY-MM-DD HH:MM:SS" (UTC) as ISO 8601 with `Z`: "YYYY-MM-DDTHH:MM:SSZ"; other text is copied. */
void rt_iso8601_utc(char out[32], const char *utc);

/** Fire an event with the context's common fields filled. */
int rt_ctx_event(rt_ctx *ctx, const char *name, const rt_revision *rev, const char *direction, const char *outcome,
                 const char *started_at, long long duration_ms, const char *error, const char *path);
/** Fire a lock event (no revision) with who holds the lock (may be NULL). */
int rt_ctx_event_holder(rt_ctx *ctx, const char *name, const char *started_at, long long duration_ms,
                        const char *error, const retort_lock_holder *holder);

/** An event about no revision, with a message (fleet.before/after: the counts). */
int rt_ctx_event_message(rt_ctx *ctx, const char *name, const char *outcome, const char *started_at,
                         long long duration_ms, const char *message);

#endif

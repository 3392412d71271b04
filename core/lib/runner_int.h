/*
 * The runner's inside, shared by its three files: runner.c (connection,
 * lock, transactions, online plans), history.c (the version and history
 * tables: creation, the failure mark, step records, stamp rows, repair) and
 * offline.c (--sql).  Not part of libretort's interface.
 */
#ifndef RT_RUNNER_INT_H
#define RT_RUNNER_INT_H

#include "runner.h"

long long rn_now_ms(void);
/** The UTC time as "YYYY-MM-DD HH:MM:SS". */
void rn_iso_now(char out[32]);
int rn_dialect_is_transactional(const rt_ctx *ctx);
/** Take the dialect's error message (named `what`) as retort's; returns rc. */
int rn_plugin_fail(rt_ctx *ctx, int rc, const char *what);
/** The quoted literal (literal != 0) or identifier, as a new string; NULL with the error set. */
char *rn_quote(rt_ctx *ctx, int literal, const char *s);

int rn_exec_sql(rt_ctx *ctx, const char *sql);
/** Run n statements (one execute_batch when the dialect has it); *failed: the failing index. */
int rn_exec_batch(rt_ctx *ctx, const char *const *sqls, size_t n, size_t *failed);
int rn_has_execute_batch(const rt_ctx *ctx);
int rn_tx_begin(rt_ctx *ctx);
int rn_tx_commit(rt_ctx *ctx);
/** Roll back the transaction the runner opened, if one is open. */
void rn_tx_rollback(rt_ctx *ctx);
/** Render an op into sk; online uses render_online when the dialect has it. */
int rn_render_op(rt_ctx *ctx, const retort_op *op, const retort_op_more *more, retort_sink *sk, int online);
/**
 * Render ops[0] into sk; online, the dialect's render_online_batch may
 * render some of ops[1..n) with it: *used says how many were rendered.
 * mores[i] (mores may be NULL) is what ops[i] carries beyond retort_op.
 */
int rn_render_ops(rt_ctx *ctx, const retort_op *const *ops, const retort_op_more *const *mores, size_t n, size_t *used,
                  retort_sink *sk, int online);
/** What op i of rev's upgrade (up) or downgrade carries beyond retort_op, or NULL. */
const retort_op_more *rn_op_more(const rt_revision *rev, int up, size_t i);
int rn_take_lock(rt_ctx *ctx);
/* lockinfo.c */
/** The dialect has lock_holder_sql. */
int rn_has_lock_holder(const rt_ctx *ctx);
/** Run the dialect's lock_holder_sql (connected; ls is emptied first). */
int rn_lock_holder_query(rt_ctx *ctx, rt_lock_state *ls);
void rn_release_lock(rt_ctx *ctx);
/** Plan up/down from heads to target and load (and name) the operations of every step. */
int rn_make_plan(rt_ctx *ctx, int up, const rt_strv *heads, const char *target, rt_plan *plan);

/* history.c */
/** The version table's DDL (statement 0), then the history table's. */
int rn_render_tables(rt_ctx *ctx, retort_sink *sk);
/** Create whichever of the two tables is missing. */
int rn_ensure_tables(rt_ctx *ctx);
/** The revision marked as not finished, or NULL (see rt_db_read_heads; ctx->mark_note says what happened). */
int rn_read_mark(rt_ctx *ctx, char **failed);
/** Is the migration lock free?  Tried once, without waiting (released again at once). */
int rn_lock_is_free(rt_ctx *ctx, int *is_free);
/** Run a query and collect its first column. */
int rn_query_col(rt_ctx *ctx, const char *sql, rt_strv *out);
/** Print a statement of the offline script. */
void rn_out_stmt(rt_ctx *ctx, const char *sql);
/** Make one version-table change: run it, or print it when offline. */
int rn_vt_apply(rt_ctx *ctx, const rt_vt_change *c, int offline);
int rn_vt_apply_all(rt_ctx *ctx, const rt_vt_changes *ch, int offline);
/** Fill a step's bookkeeping record: version-table changes `ch` (may be NULL, vc has room for ch->n) and the history row. */
void rn_step_record(rt_ctx *ctx, retort_step_record *rec, retort_version_change *vc, const rt_vt_changes *ch,
                    const char *revision, const char *direction, const char *outcome, const char *error,
                    const char *checksum, const char *started_at, long long duration_ms);
/** Write a step's bookkeeping inside the open transaction (finish_running: update the step's `running` row). */
int rn_record(rt_ctx *ctx, const retort_step_record *rec, int finish_running);
/** Write one history row (no version-table change). */
int rn_history_row(rt_ctx *ctx, const char *revision, const char *direction, const char *outcome, const char *error,
                   const char *checksum, const char *started_at, long long duration_ms);
/** Move the version table from rows `from` to rows `to` (see history.c). */
int rn_stamp_rows(rt_ctx *ctx, const rt_strv *from, const rt_strv *to, int purge, int offline, const char *started);

/* offline.c */
/*
 * An offline script is written to memory and printed only once all of it
 * is rendered: rn_script_open points ctx->sql_out at memory,
 * rn_script_close puts it back and, when rc is a success, prints what
 * was written; it returns rc (or the write error).
 */
typedef struct rn_script_out {
	FILE *dest;
	char *buf;
	size_t len;
} rn_script_out;
int rn_script_open(rt_ctx *ctx, rn_script_out *so);
int rn_script_close(rt_ctx *ctx, rn_script_out *so, int rc);
/** The dialect's session set-up (session_sql), at the top of an offline script. */
int rn_out_session(rt_ctx *ctx, retort_sink *sk);
/** stamp --sql. */
int rn_stamp_offline(rt_ctx *ctx, const char *const *targets, size_t n, int purge);

#endif

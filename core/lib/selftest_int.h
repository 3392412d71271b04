/*
 * Private to the conformance kit (selftest*.c): the kit's state and the
 * helpers every scenario uses.
 */
#ifndef RT_SELFTEST_INT_H
#define RT_SELFTEST_INT_H

#include "runner.h"
#include "selftest.h"

/* Every object the kit creates is named with this prefix (the version and history tables too). */
#define ST_PREFIX "rst_"

typedef struct st_kit {
	const rt_selftest_opts *o;
	rt_selftest_fn fn;
	void *arg;
	const char *scenario; /* the scenario running */
	char *root;           /* the temporary folder */
	char *conf;           /* the current project's retort.conf */
	char *versions;       /* its versions folder */
	int nproj;
	rt_strv revs, paths;  /* the chain of revisions written, oldest first */
	int revseq;
	/* what the dialect declares (read once at the start) */
	char *name;
	unsigned flags, max_ident;
	int has_reflect, has_batch, has_record, has_online, has_holder;
	/* an open context (st_open) */
	rt_config *cfg;
	rt_ctx ctx;
	int open;
	int failures; /* checks failed so far */
	char *last_why; /* the reason a query helper gave last: a failed check without one reports it */
} st_kit;

/* ---- reporting ---- */
void st_pass(st_kit *k, const char *fmt, ...) RT_PRINTF(2, 3);
/* a failed check: `why` says what went wrong (may be NULL) */
void st_fail(st_kit *k, const char *why, const char *fmt, ...) RT_PRINTF(3, 4);
void st_skip(st_kit *k, const char *why, const char *fmt, ...) RT_PRINTF(3, 4);
/* pass when ok, else fail with `why`; returns ok */
int st_check(st_kit *k, int ok, const char *why, const char *fmt, ...) RT_PRINTF(4, 5);

/* ---- projects and revisions ---- */
/* Write a file (error set naming it). */
int st_write_file(const char *path, const char *text);
/* A new empty project (retort.conf, versions folder); the chain starts over. */
int st_project(st_kit *k, const char *extra_conf);
/* Write the next revision of the chain (upgrade and downgrade are the lists' contents); its id. */
const char *st_rev(st_kit *k, const char *up, const char *down);
/* Remove the last revision written. */
void st_unrev(st_kit *k);
/* The last revision of the chain, or "base". */
const char *st_head(const st_kit *k);

/* ---- contexts: the runner as the command line uses it ---- */
/* Open a context on the current project (graph loaded); connect when `connect`. */
int st_open(st_kit *k, const char *command, int connect);
void st_close(st_kit *k);
/* upgrade (up) or downgrade to target, in a context of its own; the error message in *err (rt_free). */
int st_migrate(st_kit *k, int up, const char *target, char **err);
/*
 * Render every upgrade operation of the last revision (render, then
 * render_online when render says not supported and the dialect has it).
 * RETORT_ENOTSUPPORTED with the dialect's message in *why when one is
 * refused.
 */
int st_supported(st_kit *k, char **why);

/*
 * Apply the last revision: refused as not supported -> a skip (a failure
 * when `required`) and the revision removed; else upgrade head.  1 when
 * applied.
 */
int st_apply_last(st_kit *k, const char *what, int required);

/* ---- the open connection ---- */
/* Run one statement; *err gets the database's message on failure (may be NULL). */
int st_exec(st_kit *k, const char *sql, char **err);
/* The first column of the first row (NULL for SQL NULL or no row) in *out; *nrows the rows. */
int st_scalar(st_kit *k, const char *sql, char **out, size_t *nrows, char **err);
/* A connection for checks; a failure is reported as a failed check named `what` (0). */
int st_checks_open(st_kit *k, const char *what);
/* 1 when sql's first value is want (want NULL: the statement only has to run); else *why says what came back. */
int st_expect_scalar(st_kit *k, const char *sql, const char *want, char **why);
/* Whether the table exists (-1 on error). */
int st_exists(st_kit *k, const char *table);
/* The identifier or literal quoted by the dialect (rt_free). */
char *st_quote(st_kit *k, int literal, const char *s);
/* Drop what an earlier run left behind: the tables, in this order, and an enum (or NULL). */
void st_drop_leftovers(st_kit *k, const char *const *tables, size_t n, const char *enum_name);
/* The current message as a new string. */
char *st_errdup(void);

/* ---- scenarios ---- */
void st_scn_types(st_kit *k);
void st_scn_ops(st_kit *k);
void st_scn_quoting(st_kit *k);
void st_scn_rollback(st_kit *k);
void st_scn_lock(st_kit *k);
void st_scn_offline(st_kit *k);
void st_scn_batch(st_kit *k);
void st_scn_reflect(st_kit *k);

#endif

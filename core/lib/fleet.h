/*
 * Fleets: one command over many databases.  The targets come from
 * retort.conf (`databases`, `databases_from`: fleet_targets.c); the runner
 * (fleet.c) gives each selected target its own config (its group as an
 * overlay), context, plugins, graph, connection, lock and transaction,
 * runs --jobs of them at once (rt_parfor_threads) and keeps one result per
 * target.  The library prints nothing: the command line reads the results
 * and the progress callback.
 */
#ifndef RT_FLEET_H
#define RT_FLEET_H

#include "runner.h"

/** One database of the fleet. */
typedef struct rt_target {
	char *name;
	char *url;   /* expanded; may hold a password: show it only through rt_url masking */
	char *where; /* "file:line" that names it */
	rt_strv tags;
	const config_setting_t *group; /* its group in `databases` (an overlay), NULL from databases_from */
} rt_target;

typedef struct rt_targets {
	rt_target *v;
	size_t n, cap;
} rt_targets;

/**
 * Every target of cfg: the `databases` list, then the lines of
 * `databases_from` (a file, relative to the config's folder, or
 * "exec:COMMAND" run by /bin/sh in that folder): `URL`, or `NAME URL
 * [TAG...]`; blank lines and `#` comments skipped; ${VAR} expanded.  A URL
 * alone is named after its database (SQLite: the file's name without its
 * extension).  A URL without a password takes one from the file named by
 * $RETORT_PASSFILE when a line matches (PostgreSQL's .pgpass format).
 * Errors (RETORT_EINVAL) name file and line; none lists no target.
 */
int rt_fleet_targets(const rt_config *cfg, rt_targets *out);
void rt_targets_free(rt_targets *t);

/**
 * The targets chosen: every one (all), or those named in `names` and
 * those with a tag in `tags`, in the order of the list, each once.  An
 * unknown name, a tag no target has, or an empty fleet is RETORT_EINVAL.
 * *sel (rt_free) gets their indexes.
 */
int rt_fleet_select(const rt_targets *t, int all, const rt_strv *names, const rt_strv *tags, size_t **sel,
                    size_t *n);

/** What happened on one target. */
typedef enum rt_fleet_outcome {
	RT_FLEET_PENDING = 0, /* not started (--fail-fast stopped the fleet first) */
	RT_FLEET_OK,
	RT_FLEET_FAILED
} rt_fleet_outcome;

typedef struct rt_fleet_result {
	const rt_target *target;
	rt_fleet_outcome outcome;
	int status;           /* the command's status (RETORT_OK or negative) */
	char *error;          /* its message when it failed (the URL in it masked) */
	char *masked_url;     /* the target's URL, password masked */
	rt_strv from, to;     /* the version table's rows before and after (when read) */
	int from_read, to_read;
	char *failed_mark;    /* a revision marked as not finished, read after the command */
	char *state;          /* a command's own word for the target (current: "head", "behind", ...) */
	long long ms;         /* how long it took */
} rt_fleet_result;

/**
 * The command run on each target, on a context opened for it (its
 * config, plugins and graph; not yet connected).  Its status decides the
 * outcome; it may fill res->state.  Called from any of the fleet's threads.
 */
typedef int (*rt_fleet_fn)(rt_ctx *ctx, void *arg, rt_fleet_result *res);

typedef struct rt_fleet_counts {
	size_t total, done, running, failed;
} rt_fleet_counts;

/**
 * Called once a target starts (res NULL) and once it finishes, one call
 * at a time, from the thread that ran it.
 */
typedef void (*rt_fleet_progress_fn)(void *arg, const rt_fleet_counts *c, const rt_fleet_result *res);

typedef struct rt_fleet {
	rt_ctx *main;      /* the command's own context (base config): fleet.before/after, run id */
	const char *command;
	int need_graph, read_only;
	int read_heads;    /* read the version table before and after fn (from -> to) */
	size_t jobs;       /* targets at once (each holds one connection) */
	int fail_fast;     /* after a failure, start no other target */
	rt_fleet_fn fn;
	void *arg;
	rt_fleet_progress_fn progress;
	void *progress_arg;
} rt_fleet;

/**
 * Run f->fn on the targets sel[0..n) of t, f->jobs at once; fire
 * fleet.before and fleet.after (outcome "ok" or "failed", message with
 * the counts) on f->main.  *results (n of them, in sel's order; free with
 * rt_fleet_results_free) is set even when targets failed.  Returns
 * RETORT_OK when every target succeeded, RETORT_ERROR when any failed or
 * was not started, or a negative status when the fleet could not start.
 */
int rt_fleet_run(const rt_fleet *f, const rt_targets *t, const size_t *sel, size_t n, rt_fleet_result **results);
void rt_fleet_results_free(rt_fleet_result *r, size_t n);

#endif

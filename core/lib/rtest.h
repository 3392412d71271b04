/*
 * `retort test`: the migrations proven on a database retort may empty
 * (rtest.c), and the report of it as text, JSON or JUnit XML
 * (rtest_report.c).
 *
 * The checks, in the order they run:
 *   single-head     the graph has expected_heads heads (retort.conf, default 1)
 *   upgrade         base to heads, one revision per transaction, each step succeeding
 *   target-matches  at head, the live schema against target_schema (the comparison `check` makes)
 *   roundtrip       heads to base leaves no table but retort's own
 *   stairway        each revision: up, reflect, down, reflect (== before it), up, reflect (== first time)
 *   data            test_data after a revision's upgrade, its test_check true after the next
 *                   revision's upgrade and after that one's downgrade back
 *
 * The library prints nothing: results and progress go to the caller's
 * sink (rt_test_sink), one database per rt_test_run, so a fleet can run
 * it per database with a sink of its own.
 */
#ifndef RT_RTEST_H
#define RT_RTEST_H

#include "runner.h"

typedef enum rt_test_check {
	RT_TEST_SINGLE_HEAD,
	RT_TEST_UPGRADE,
	RT_TEST_TARGET,
	RT_TEST_ROUNDTRIP,
	RT_TEST_STAIRWAY,
	RT_TEST_DATA,
	RT_TEST_NCHECKS
} rt_test_check;

/** "single-head", "upgrade", ... (NULL for a value out of range). */
const char *rt_test_check_name(int check);
/** The check called `name`, or -1. */
int rt_test_check_parse(const char *name);

typedef enum rt_test_outcome { RT_TEST_PASSED, RT_TEST_FAILED, RT_TEST_SKIPPED } rt_test_outcome;

/** One check's result.  Every pointer is owned by whoever holds the struct (rt_test_result_clear). */
typedef struct rt_test_result {
	rt_test_check check;
	rt_test_outcome outcome;
	char *revision; /* the revision the failure is about (id), or NULL */
	char *path;     /* its script, or NULL */
	char *reason;   /* one line: why it failed or was skipped (a note when it passed), or NULL */
	rt_strv details; /* the operations that differ, one .conf line each */
	long long ms;
} rt_test_result;

void rt_test_result_clear(rt_test_result *r);

/**
 * Where rt_test_run reports.  Both callbacks may be NULL.  The result is
 * borrowed for the call: copy what you keep (rt_test_report_add does).
 */
typedef struct rt_test_sink {
	/* a revision reached: `done` of `total` (a progress line) */
	void (*progress)(void *arg, rt_test_check check, size_t done, size_t total, const char *revision);
	void (*result)(void *arg, const rt_test_result *r);
	void *arg;
} rt_test_sink;

typedef struct rt_test_opts {
	unsigned checks; /* bits (1u << rt_test_check); 0: every check */
	int reset;       /* empty a database that is not empty instead of refusing it */
} rt_test_opts;

/**
 * Run the checks on the context's database (ctx open, graph loaded; it
 * connects if it is not connected), each result handed to sink->result
 * as it is known.  A database that is not empty (a table reflection sees,
 * or a row in the version or history table) is refused, untouched,
 * with RETORT_EINVAL unless opts->reset: then it is emptied first (what
 * reflection sees is dropped, and retort's two tables).  Every check runs
 * with one transaction per revision, quietly (ctx->quiet, the config's
 * transaction_per_migration are restored).  When every check passed the
 * database is left empty; after a failure it is left as the failing check
 * left it.  *nfailed: the checks that failed.  Returns RETORT_OK when the
 * checks ran (whatever their outcome), or a negative status (nothing
 * reported then, or only the results before it).
 */
int rt_test_run(rt_ctx *ctx, const rt_test_opts *opts, const rt_test_sink *sink, size_t *nfailed);

/* ---- the report (rtest_report.c) ---- */

typedef struct rt_test_report {
	rt_test_result *results;
	size_t n, cap;
	char *database; /* the URL, password masked, or NULL */
	char *dialect;  /* or NULL */
	long long ms;   /* the whole run */
} rt_test_report;

/** Append a copy of r.  RETORT_ENOMEM (message set) when out of memory. */
int rt_test_report_add(rt_test_report *rep, const rt_test_result *r);
void rt_test_report_free(rt_test_report *rep);
/** How many results have that outcome. */
size_t rt_test_report_count(const rt_test_report *rep, rt_test_outcome outcome);

/**
 * One result as text: "stairway: failed: revision ID (PATH): reason"
 * then each detail on its own line indented by four spaces; a newline
 * at the end of each line.
 */
int rt_test_result_text(rt_buf *b, const rt_test_result *r);
/** "time: single-head 0 ms, upgrade 12 ms, ... (total 60 ms)\n" */
int rt_test_report_times(rt_buf *b, const rt_test_report *rep);
/** The whole report as one JSON document (retort(1), test --json). */
int rt_test_report_json(rt_buf *b, const rt_test_report *rep);
/** The whole report as JUnit XML: one testsuite, one testcase per check. */
int rt_test_report_junit(rt_buf *b, const rt_test_report *rep);

#endif

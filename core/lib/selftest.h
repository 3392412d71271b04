/*
 * The dialect conformance kit (`retort selftest`): shared scenarios run
 * against any dialect plugin and database through the real machinery:
 * revision scripts written to a temporary project and run by the runner,
 * and the dialect's methods called through the host.  The library reports
 * each check through a callback; the command line prints them as TAP.
 */
#ifndef RT_SELFTEST_H
#define RT_SELFTEST_H

#include "rt.h"

typedef struct rt_selftest_opts {
	const char *dialect; /* module name or path of the dialect plugin */
	const char *url;     /* the database (a scratch one: objects named rst_* are dropped) */
	const char *client;  /* shell command the offline script is piped into, or NULL: the scheme's default */
	rt_strv only;        /* run only these scenarios (empty: all) */
	int keep;            /* keep the temporary project (its path is reported) */
} rt_selftest_opts;

typedef enum rt_selftest_status { RT_ST_PASS = 0, RT_ST_FAIL = 1, RT_ST_SKIP = 2, RT_ST_NOTE = 3 } rt_selftest_status;

/**
 * One check done (PASS, FAIL, SKIP with the reason in diag) or a note
 * (NOTE: a line of text about the run, e.g. the dialect found).  `diag`
 * may be NULL; it may hold several lines.
 */
typedef void (*rt_selftest_fn)(void *arg, rt_selftest_status st, const char *scenario, const char *name,
                               const char *diag);

/** The scenarios, in the order they run (NULL-terminated), for --only and --help. */
extern const char *const rt_selftest_scenarios[];

/**
 * Run the kit.  Returns RETORT_OK when every check ran (passed or failed:
 * the callback said which), or an error (message set) when the kit could
 * not start: the dialect does not load, or the database does not connect.
 */
int rt_selftest_run(const rt_selftest_opts *o, rt_selftest_fn fn, void *arg);

#endif

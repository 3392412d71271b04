/*
 * Running the policy plugins over revision scripts: `retort lint` and the
 * lint_on gate (before `revision` writes a script, before `upgrade` runs
 * pending revisions).  The library never prints: violations go to the
 * caller's callback (the command line prints them), and the gate hands
 * them to rt_report as text.
 */
#ifndef RT_LINT_H
#define RT_LINT_H

#include <retort/naming.h>

#include "revision.h"
#include "runner.h"

/** One violation as the host delivers it: the policy's finding, placed. Borrowed for the callback. */
typedef struct rt_violation {
	const rt_revision *rev;
	const char *policy; /* the plugin's name */
	const char *rule;   /* never NULL ("policy" when the plugin gave none) */
	retort_severity severity;
	const char *message; /* never NULL */
	int line;            /* in rev->path; 0 when unknown */
	retort_section section;
	size_t op_index;
} rt_violation;

typedef int (*rt_violation_cb)(void *arg, const rt_violation *v);

typedef struct rt_lint_counts {
	size_t errors, warnings, infos;
	size_t allowed;  /* violations an `allow` silenced */
	size_t policies; /* policies that checked (the last script's count) */
	size_t scripts;
} rt_lint_counts;

/**
 * The name of the dialect the configured URL selects ("postgresql"), for
 * retort_script.dialect; NULL without a URL.  Loads the dialect module,
 * never connects.  Errors only for a URL that does not parse or a dialect
 * that does not load.
 */
int rt_lint_dialect(rt_ctx *ctx, const char **out);

/**
 * Load rev's operations and hand it to every naming policy (check_script,
 * or check for older plugins).  A violation the script allows is dropped
 * (counted in n->allowed); the others go to cb and are counted by
 * severity.  An `allow` naming a rule no policy has is RETORT_EINVAL
 * with file:line (only when every checking policy lists its rules).
 * `when` 0: every policy (the lint command); RT_LINT_ON_*: the policies
 * that gate that command (all when lint_on has it, else those whose
 * `enforce` has it).
 */
int rt_lint_revision(rt_ctx *ctx, rt_revision *rev, const char *dialect, int when, rt_violation_cb cb, void *arg,
                     rt_lint_counts *n);

/** How many loaded policies check scripts. */
size_t rt_lint_policies(const rt_ctx *ctx);

/** "FILE:LINE: error: RULE: message (policy NAME)" into b (cleared first). */
int rt_violation_format(rt_buf *b, const rt_violation *v);

/** "error", "warning", "info". */
const char *rt_severity_name(retort_severity s);

/** Does command `when` (RT_LINT_ON_*) have a gate: lint_on, or a policy's `enforce`? */
int rt_lint_gated(const rt_ctx *ctx, int when);

/**
 * The gate: when `when` (RT_LINT_ON_*) is in the config's lint_on (or a
 * policy's `enforce`), lint
 * revs[0..n) (each violation reported through rt_report as a warning
 * line); any error-severity violation makes it RETORT_ERROR with a
 * message saying nothing was done (`what`: "the revision was not written").
 */
int rt_lint_gate(rt_ctx *ctx, int when, rt_revision *const *revs, size_t n, const char *what);

/** The gate before `upgrade` runs: the upgrade steps of plan (lint_on "upgrade"). */
int rt_lint_gate_plan(rt_ctx *ctx, const rt_plan *plan);

#endif

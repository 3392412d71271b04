/*
 * The revision graph, with Alembic's semantics: several bases, branch
 * points, merge points, branch labels (propagated along unbranched lines),
 * depends_on; target resolution (the whole TARGETS grammar of
 * retort(1)); upgrade/downgrade/stamp plans; head maintenance of the
 * version table; history order.
 *
 * "current" below is always the set of revision ids stored in the version
 * table (one per applied head), in any order.  Every error is
 * RETORT_EINVAL with a one-line message (the files named where a file is
 * the cause) unless said otherwise.
 */
#ifndef RT_GRAPH_H
#define RT_GRAPH_H

#include "revision.h"

typedef struct rt_graph rt_graph;

/* ---- building ---- */

int rt_graph_new(rt_graph **out);
/**
 * Add a revision (the graph takes ownership, also on error).  A duplicate
 * id is refused here, naming both files.  Revisions must be added in file
 * order: that order breaks ties (as Alembic's filename order does).
 */
int rt_graph_add(rt_graph *g, rt_revision *rev);

/**
 * The graph takes a reference to block m (revision.h), dropped when it is
 * freed: the revisions made in m hold theirs, but point into it, so
 * without this leak checkers see the block only through interior
 * pointers (valgrind's "possibly lost" at an exit that does not free).
 */
int rt_graph_keep(rt_graph *g, rt_revmem *m);

/** Room for n more revisions (an optimisation: rt_graph_add grows as needed). */
int rt_graph_reserve(rt_graph *g, size_t n);
/**
 * Link and check: a parent or dependency that does not exist, a cycle, a
 * self-loop, a branch label used twice; propagate labels.  Must be called
 * once after the last rt_graph_add and before any query.
 */
int rt_graph_finish(rt_graph *g);
/**
 * Scan the folders (in order; files of each folder by name), read each
 * script's identity (rt_script_load without ops), add, finish.
 */
int rt_graph_load(rt_graph **out, const char *const *dirs, size_t ndirs);
void rt_graph_free(rt_graph *g);

/* ---- structure ---- */

size_t rt_graph_count(const rt_graph *g);
/** i-th revision in load order. */
rt_revision *rt_graph_at(const rt_graph *g, size_t i);
/** Exact id lookup (not prefixes or labels); NULL when absent. */
rt_revision *rt_graph_get(const rt_graph *g, const char *id);

/** Children through down_revision (not dependents), in load order. Borrowed array. */
size_t rt_graph_children(const rt_graph *g, const rt_revision *rev, rt_revision *const **out);
/** Resolved depends_on (labels resolved to revisions). Borrowed array. */
size_t rt_graph_dependencies(const rt_graph *g, const rt_revision *rev, rt_revision *const **out);
/** Revisions whose depends_on names this one (and are not also its children). Borrowed array. */
size_t rt_graph_dependents(const rt_graph *g, const rt_revision *rev, rt_revision *const **out);
/** The revision that declares branch label `label` (as Alembic's `show label`); NULL when none. */
rt_revision *rt_graph_label_rev(const rt_graph *g, const char *label);
/**
 * Branch labels of a revision after propagation (declared plus inherited
 * along its unbranched line), as Alembic shows them.  Borrowed.
 */
const rt_strv *rt_graph_labels(const rt_graph *g, const rt_revision *rev);

int rt_graph_is_head(const rt_graph *g, const rt_revision *rev);           /* no child through down_revision */
int rt_graph_is_real_head(const rt_graph *g, const rt_revision *rev);      /* no child nor dependent */
int rt_graph_is_effective_head(const rt_graph *g, const rt_revision *rev); /* head, but depended on */
int rt_graph_is_base(const rt_graph *g, const rt_revision *rev);           /* no down_revision */
int rt_graph_is_branch_point(const rt_graph *g, const rt_revision *rev);   /* > 1 child */
int rt_graph_is_merge_point(const rt_graph *g, const rt_revision *rev);    /* > 1 parent */

/**
 * Heads (every revision without children, Alembic's `heads`) or, with
 * real_only, the heads nobody depends on (`heads --resolve-dependencies`,
 * and what `head`/`heads` targets use).  Load order.  Borrowed pointers
 * appended to *out (caller frees the array with rt_free).
 */
int rt_graph_heads(const rt_graph *g, int real_only, rt_revision ***out, size_t *n);
/** Branch points, newest first in graph order. */
int rt_graph_branch_points(const rt_graph *g, rt_revision ***out, size_t *n);

/* ---- current state ---- */

/**
 * Check that every id in `current` is a revision of the graph and that no
 * one is an ancestor of another; RETORT_EINVAL naming the row otherwise
 * ("the version table names revision 'x', which no script defines").
 */
int rt_graph_check_current(const rt_graph *g, const rt_strv *current);
/**
 * What `current` shows: each revision in `current`, then (like Alembic)
 * the heads implied through depends_on by them, which are shown as
 * `(effective head)`.  Borrowed pointers; caller frees the array.
 */
int rt_graph_current_display(const rt_graph *g, const rt_strv *current, rt_revision ***out, size_t *n);

/* ---- targets ---- */

/**
 * Resolve one target spec (no ranges) to a set of revisions: head, heads,
 * base (empty set), id or unique prefix, label, label@head/@base/@rev,
 * +N/-N (relative to current), rev+N, rev-N, label@+N, label@-N,
 * label@head-N, label@base+N, base+N, current.  `for_downgrade` selects
 * Alembic's downgrade reading of relative forms.  Ids appended to *out.
 * Errors say what was asked and why it cannot be: ambiguous prefix (names
 * the candidates), not a member of branch, no such revision or branch,
 * multiple heads (the exact Alembic message for 'head'), relative step
 * past base/head, +N from several heads.
 */
int rt_graph_resolve(const rt_graph *g, const char *spec, const rt_strv *current, int for_downgrade,
                     rt_strv *out);

/* ---- plans ---- */

typedef struct rt_step {
	rt_revision *rev; /* borrowed */
	int up;           /* 1 upgrade, 0 downgrade */
} rt_step;

typedef struct rt_plan {
	rt_step *steps;
	size_t n;
} rt_plan;

void rt_plan_free(rt_plan *p);

/**
 * Steps to bring `current` up to `target` (any spec; "heads" for all).
 * Every revision after all its parents and dependencies; ties as Alembic
 * (each branch to completion, siblings in Alembic's order).  An
 * already-applied target is an empty plan.  A target that is not
 * reachable upward is RETORT_EINVAL ("Destination X is not a valid
 * upgrade target from current head(s)").
 */
int rt_graph_plan_upgrade(const rt_graph *g, const rt_strv *current, const char *target, rt_plan *out);
/**
 * Steps to bring `current` down to `target` (children first; dependents
 * before what they depend on).  `-N` with several current heads and no
 * branch named is refused.  An invalid downgrade target is RETORT_EINVAL.
 */
int rt_graph_plan_downgrade(const rt_graph *g, const rt_strv *current, const char *target, rt_plan *out);

/**
 * Version-table maintenance for one step, as Alembic's HeadMaintainer:
 * `heads` (the table's rows) is updated in place and the changes to make
 * in the table are appended to *out.
 */
typedef enum rt_vt_kind { RT_VT_INSERT = 1, RT_VT_UPDATE = 2, RT_VT_DELETE = 3 } rt_vt_kind;

typedef struct rt_vt_change {
	rt_vt_kind kind;
	char *from; /* UPDATE, DELETE */
	char *to;   /* UPDATE, INSERT */
} rt_vt_change;

typedef struct rt_vt_changes {
	rt_vt_change *v;
	size_t n, cap;
} rt_vt_changes;

void rt_vt_changes_free(rt_vt_changes *c);
/**
 * The version-table changes that turn the rows `before` into `after` (for
 * stamp): a row that goes and a row that comes are paired as an UPDATE,
 * the rest are DELETEs and INSERTs.  Appended to *out.
 */
int rt_vt_changes_diff(rt_vt_changes *out, const rt_strv *before, const rt_strv *after);
int rt_graph_step_heads(const rt_graph *g, rt_strv *heads, const rt_step *step, rt_vt_changes *out);

/**
 * The rows the version table holds after `stamp targets...` from
 * `current` (purge: from empty).  Refuses targets where one is an ancestor
 * of another.  Result in *out (ids).
 */
int rt_graph_plan_stamp(const rt_graph *g, const rt_strv *current, const char *const *targets, size_t ntargets,
                        int purge, rt_strv *out);

/* ---- ranges and history ---- */

/**
 * Split "FROM:TO" (either side may be empty) into its parts (copies in
 * from and to, NULL for an empty side); RETORT_EINVAL when there is no ':'.
 */
int rt_range_split(const char *range, char **from, char **to);

/**
 * Revisions for `history [-r RANGE]`, newest first in graph order (a
 * revision always above its ancestors).  `range` NULL means all.  Ranges
 * FROM:TO, :TO, FROM:, -2:TO, FROM:+2, current: as Alembic.
 * Borrowed pointers; caller frees the array.
 */
int rt_graph_history(const rt_graph *g, const char *range, const rt_strv *current, rt_revision ***out, size_t *n);

/** 1 when a is an ancestor of b (through parents and dependencies), else 0. */
int rt_graph_is_ancestor(const rt_graph *g, const rt_revision *a, const rt_revision *b);

#endif

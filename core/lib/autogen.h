/*
 * Autogenerate and check (retort(1)): the target schema against the live
 * database at head.
 */
#ifndef RT_AUTOGEN_H
#define RT_AUTOGEN_H

#include "diff.h"
#include "runner.h"
#include "schema.h"

typedef struct rt_autogen {
	rt_schema *live, *target;
	rt_diff diff; /* live -> target */
} rt_autogen;

/**
 * Connect, refuse a database that is not at head (RETORT_ERROR, exit 1,
 * as Alembic does), read the target schema (a .conf file, or a .sql file
 * applied to the scratch database dev_url), reflect the live schema and
 * diff them.  Free *ag with rt_autogen_free even after an error.
 */
int rt_autogen_compute(rt_ctx *ctx, rt_autogen *ag);
void rt_autogen_free(rt_autogen *ag);
/** Render each operation (a diff's) through the context's dialect and run its statements in turn. */
int rt_diff_run(rt_ctx *ctx, const rt_diff_op *ops, size_t n);
/** Drop what reflection sees in the connected database: the diff from it to nothing, run (rt_diff_run). */
int rt_schema_empty(rt_ctx *ctx);
/** RETORT_OK when target_schema is set; else RETORT_EINVAL with the message saying so. */
int rt_autogen_need_target(const rt_ctx *ctx);

/** RETORT_OK when the version table holds exactly the heads of the scripts; RETORT_ERROR (message set) if not. */
int rt_autogen_at_head(rt_ctx *ctx);

/**
 * The canonical form of a type, default or expression for comparing (a
 * new string; NULL when out of memory): the dialect's normalisation where
 * it has one, then the core's (schema_norm.c): letter case and blanks
 * outside quotes, redundant parentheses and `::type` casts do not count.
 */
char *rt_schema_canon(rt_ctx *ctx, rt_canon_kind kind, const char *type, const char *text);

#endif

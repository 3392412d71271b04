/*
 * The schema diff (autogenerate, check): the operations that take a live
 * schema to a target schema, and their exact inverse.
 *
 * Both schemas are models of core/lib/schema.h, sorted.  The diff is
 * dialect-neutral: types, defaults and expressions are compared through
 * rt_diff_opts.canon (the dialect's normalisation, see schema_norm.c),
 * everything else exactly.  Objects are matched by name; an unnamed
 * object of the target matches a live one with the same definition.
 *
 * The operations point into the two schemas and into the diff's own
 * allocations: keep both schemas alive until rt_diff_free.
 */
#ifndef RT_DIFF_H
#define RT_DIFF_H

#include <retort/types.h>

#include "schema.h"

/** Which text a canonicaliser is given. */
typedef enum rt_canon_kind { RT_CANON_TYPE, RT_CANON_DEFAULT, RT_CANON_EXPRESSION } rt_canon_kind;

typedef struct rt_diff_opts {
	/* fnmatch(3) patterns on table names: a table is compared when it matches an include pattern (all when
	 * there is none) and no exclude pattern */
	const rt_strv *include_tables, *exclude_tables;
	/*
	 * The canonical form of a type, default or expression, for comparing
	 * (a new string, or NULL when out of memory); NULL: the texts are
	 * compared as they are.  `type` is the column's type for a default.
	 */
	char *(*canon)(void *arg, rt_canon_kind kind, const char *type, const char *text);
	int comments; /* the database keeps comments: table and column comments are compared */
	int fk_index; /* the database indexes a foreign key no key leads with, and keeps the index when the foreign
	               * key is dropped (RETORT_DIALECT_FK_INDEX): the downgrade of an added foreign key drops it */
	void *canon_arg;
	/*
	 * A name for an index or constraint the target leaves unnamed and the
	 * diff creates (the naming policy): type "ix", "uq", "fk", "ck" or
	 * "pk"; a new string, or NULL for "no rule" (the diff then makes one:
	 * TYPE_TABLE_COLUMN..., with the referred table for a foreign key, a
	 * number for a check).  NULL: always the diff's own.
	 */
	char *(*name)(void *arg, const char *type, const char *table, const rt_strv *columns, const char *referred);
	void *name_arg;
} rt_diff_opts;

/** One operation with a note for the written revision (data loss), or NULL. */
typedef struct rt_diff_op {
	retort_op op;
	const char *note;
	retort_op_more more; /* what op carries beyond retort_op; size 0: nothing */
} rt_diff_op;

typedef struct rt_diff {
	rt_diff_op *up;   /* live -> target, in the order to run */
	size_t nup, capup;
	rt_diff_op *down; /* target -> live: the inverse of up, in the order to run */
	size_t ndown, capdown;
	rt_strv owned;    /* allocations the operations point into */
	rt_schema *renamed; /* the live schema with the target's renames applied (operations point into it) */
} rt_diff;

/**
 * The operations taking `live` to `target` (and back).  *d must be zeroed
 * on entry; free it with rt_diff_free even after an error.
 */
int rt_diff_schemas(const rt_schema *live, const rt_schema *target, const rt_diff_opts *o, rt_diff *d);
void rt_diff_free(rt_diff *d);

/**
 * A copy of `live` as it is after the renames `target` declares (only those
 * whose source exists), sorted (diff_rename.c).  *out: a new schema.
 */
int rt_schema_renamed(const rt_schema *live, const rt_schema *target, rt_schema **out);

/** 1 when the table takes part in the diff (include/exclude patterns). */
int rt_diff_table_included(const rt_diff_opts *o, const char *table);

#endif

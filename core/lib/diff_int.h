/*
 * What the diff's files share (diff.c: the phases and their order;
 * diff_ops.c: memory, comparing texts, operations built from the model).
 * Private to the library.
 */
#ifndef RT_DIFF_INT_H
#define RT_DIFF_INT_H

#include "diff.h"

/* One diff under way. */
typedef struct dctx {
	const rt_schema *live; /* renames applied */
	const rt_schema *target;
	const rt_diff_opts *o;
	rt_diff *d;
	rt_diff_op *inv; /* inverses in upgrade order */
	size_t ninv, capinv;
} dctx;

void *dx_own(dctx *x, void *p);
const char **dx_own_names(dctx *x, const rt_strv *v);
const char *dx_obj_name(dctx *x, const char *given, const char *type, const char *table, const rt_strv *cols,
                        const char *referred, size_t n);
int dx_push(dctx *x, const retort_op *up, const char *up_note, const retort_op *down, const char *down_note);
/* dx_push with what each op carries beyond retort_op (NULL: nothing) */
int dx_push_more(dctx *x, const retort_op *up, const retort_op_more *up_more, const char *up_note, const retort_op *down,
                 const retort_op_more *down_more, const char *down_note);
/* an empty retort_op_more (size set: it counts as given) */
void dx_more_init(retort_op_more *m);
/* "data loss: enum type NAME loses ..." when `to` lacks a value of `from`, else NULL */
const char *dx_note_enum_values(dctx *x, const char *name, const rt_strv *from, const rt_strv *to);
void dx_op_init(retort_op *op, retort_op_kind kind, const char *table);
int dx_canon_eq(dctx *x, rt_canon_kind kind, const char *type, const char *a, const char *b);
int dx_same_names(const rt_strv *a, const rt_strv *b);
int dx_str_eq(const char *a, const char *b);
const char *dx_note_drop_table(dctx *x, const char *table);
const char *dx_note_drop_column(dctx *x, const char *table, const char *column);
void dx_column_of(retort_column *c, const rt_schema_column *m, int pk);
const retort_foreign_key *dx_fks_of(dctx *x, const rt_schema_fk *fks, size_t n);
int dx_create_table_op(dctx *x, const rt_schema_table *t, const unsigned char *later, retort_op *op, int name_it);
void dx_drop_table_op(retort_op *op, const char *table);
int dx_create_index_op(dctx *x, const char *table, const rt_schema_index *ix, retort_op *op, int name_it);
void dx_drop_index_op(retort_op *op, const char *table, const char *name);
int dx_create_fk_op(dctx *x, const char *table, const rt_schema_fk *fk, retort_op *op, int name_it);
void dx_drop_constraint_op(retort_op *op, const char *table, const char *name, const char *type);

#endif

/*
 * What the script readers share (private to script*.c):
 *   script.c       entry points, the store behind a revision's ops, names and ids
 *   script_conf.c  .conf scripts through libconfig: identity and operations
 *   script_scan.c  the fast .conf identity scanner (no libconfig)
 *   script_sql.c   .sql scripts: `-- retort:` headers and statements
 */
#ifndef RT_SCRIPT_PRIV_H
#define RT_SCRIPT_PRIV_H

#include <libconfig.h>

#include "script.h"

/*
 * The store behind one revision's ops (rev->ops_store, freed by
 * rt_store_free): an arena of chunks for the op arrays and the strings
 * retort builds, plus the parsed libconfig tree (.conf: op strings point
 * into it) or the file text (.sql: statements point into it).
 */
typedef struct rt_store_chunk rt_store_chunk;
typedef struct rt_store {
	rt_store_chunk *chunks; /* the first one is the one being filled */
	config_t *cfg;          /* .conf: the parsed tree */
	char *text;             /* .sql: the file */
} rt_store;

/** A new empty store (NULL when out of memory; no message set). */
rt_store *rt_store_new(void);
/** Free a store; NULL is a no-op.  Takes void * to serve as rev->ops_free. */
void rt_store_free(void *store);
/** Zeroed memory aligned for any op struct, owned by the store; NULL when out of memory. */
void *rt_store_alloc(rt_store *st, size_t n);
/** A NUL-terminated copy of s[0..n) in the store; NULL when out of memory. */
char *rt_store_strndup(rt_store *st, const char *s, size_t n);

/*
 * The annotations of one script while it is read (`allow` values): a
 * growing array (rt_realloc), moved into the store by rt_annots_finish.
 */
typedef struct rt_annots {
	retort_annotation *v;
	size_t n, cap;
} rt_annots;
/** Append one annotation; `value` must outlive the revision (store or libconfig tree). */
int rt_annots_add(rt_annots *a, const char *key, const char *value, int line, retort_section section, size_t op_index);
/** Move the annotations into the store and onto rev (frees a's array). */
int rt_annots_finish(rt_annots *a, rt_store *st, rt_revision *rev);
void rt_annots_free(rt_annots *a);

/** Sets "out of memory"; returns RETORT_ENOMEM. */
int rt_script_nomem(void);
/** 1 when s is empty or has white space or control characters (not an id, label or dependency). */
int rt_script_bad_word(const char *s);
/** The revision id `id` at `line` of rev->path: RETORT_EINVAL naming both when it cannot be stored. */
int rt_script_check_id(const rt_revision *rev, const char *id, int line);
/** Clear what a reader filled of rev's identity (a reader that gave up). */
void rt_script_ident_reset(rt_revision *rev);

/**
 * .conf: identity (when `ident`) and, with `with_ops`, the operations of
 * the script whose NUL-terminated text is `text`.
 */
int rt_script_conf_load(rt_revision *rev, const char *text, int ident, int with_ops);

/**
 * Split SQL text[from, to) (its first line is `line` of `path`) into
 * execute ops allocated in the store (*out; the statements point into
 * text, which must live as long as the store).
 */
int rt_script_sql_ops(retort_op **out, size_t *nout, rt_store *st, const char *path, char *text, size_t from,
                      size_t to, int line);

/* what rt_script_conf_scan returns when the file is beyond it */
#define RT_SCAN_GIVE_UP 1

/**
 * .conf identity without libconfig (for read-only commands on many
 * scripts): RETORT_OK, RT_SCAN_GIVE_UP (rev's identity left empty:
 * libconfig must read the file and report what is wrong) or an error.
 */
int rt_script_conf_scan(rt_revision *rev, const char *text);

/**
 * .sql: identity (when `ident`) and, with `with_ops`, the statements.
 * With `with_ops`, *textp passes to the revision's store (*textp = NULL).
 */
int rt_script_sql_load(rt_revision *rev, char **textp, size_t len, int ident, int with_ops);

#endif

/*
 * A revision: one script file's identity and, once loaded, its operations.
 *
 * Filled by the script module (script.c) or the header cache (cache.c);
 * the graph module owns the revisions it holds and frees them with
 * rt_revision_free.
 *
 * Ownership, one rule for every revision however it was made: the struct,
 * and each identity string (id, message, create_date, path), each list's
 * array and each string in it are separate heap blocks (rt_malloc) owned
 * by the revision; filename points into path.  rt_revision_free frees the
 * operations (ops_free) and every one of those blocks.
 */
#ifndef RT_REVISION_H
#define RT_REVISION_H

#include <retort/naming.h>
#include <retort/types.h>

#include "rt.h"

typedef struct rt_revision {
	char *id;
	rt_strv parents;    /* down_revision, in the order written (merge: several) */
	rt_strv labels;     /* branch_labels as written in the script */
	rt_strv depends_on; /* as written: ids, id prefixes or branch labels */
	char *message;      /* NULL when absent */
	char *create_date;  /* NULL when absent */
	char *path;         /* path of the file, as found */
	char *filename;     /* basename of path (points into path) */
	retort_script_format format;
	int id_line;        /* line of the revision declaration (for messages) */
	char checksum[65];  /* SHA-256 of the file's bytes, lowercase hex */

	/* operations; valid once ops_loaded (rt_script_load_ops) */
	int ops_loaded;
	retort_op *upgrade;
	size_t nupgrade;
	retort_op *downgrade;
	size_t ndowngrade;
	retort_annotation *annotations; /* `allow` annotations (in ops_store), valid once ops_loaded */
	size_t nannotations;
	int downgrade_line; /* line of `downgrade` / `-- retort:downgrade`, 0 when absent (once ops_loaded) */
	void *ops_store; /* private to script.c: memory behind the ops */
	void (*ops_free)(void *ops_store); /* set by script.c; called by rt_revision_free */

	/* private to graph.c */
	size_t index;     /* position in load (file) order */
	void *graph_data;
} rt_revision;

/** Free a revision and everything it owns; NULL is a no-op. */
void rt_revision_free(rt_revision *rev);

#endif

/*
 * A revision: one script file's identity and, once loaded, its operations.
 *
 * Filled by the script module (script.c) or the header cache (cache.c);
 * the graph module owns the revisions it holds and frees them with
 * rt_revision_free.
 *
 * Ownership, one rule for every revision however it was made: the struct,
 * its identity strings (id, message, create_date, checksum, path;
 * filename points into path), each list's array and the strings in it live in a
 * reference-counted block of memory, rev->mem (rt_revmem), of which the
 * revision holds one reference; none of them is freed on its own.
 * rt_revision_free frees the operations (ops_free) and drops that
 * reference.  A block serves one revision (rt_revision_pack: a script read
 * from its file) or many (the header cache: every revision of a folder
 * read from its cache file shares one block, which holds that file's text
 * and the strings point into it, so nothing is copied per revision).
 *
 * A draft (a struct from rt_calloc whose fields are separate rt_malloc'd
 * blocks, mem NULL) is what the script readers fill; rt_revision_pack
 * turns it into a revision.  Only revisions reach the graph.
 */
#ifndef RT_REVISION_H
#define RT_REVISION_H

#include <stdint.h>

#include <retort/naming.h>
#include <retort/types.h>

#include "rt.h"

typedef struct rt_revmem rt_revmem;

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
	char *checksum;     /* SHA-256 of the file's bytes, lowercase hex (64 characters) */

	/* operations; valid once ops_loaded (rt_script_load_ops) */
	retort_op *upgrade;
	size_t nupgrade;
	retort_op *downgrade;
	size_t ndowngrade;
	/* what op i carries beyond retort_op (parallel to upgrade/downgrade, `size` 0: nothing); NULL when none has any */
	retort_op_more *upgrade_more;
	retort_op_more *downgrade_more;
	retort_annotation *annotations; /* `allow` annotations (in ops_store), valid once ops_loaded */
	size_t nannotations;
	int downgrade_line; /* line of `downgrade` / `-- retort:downgrade`, 0 when absent (once ops_loaded) */
	/*
	 * `retort test`'s data check (once ops_loaded): test_data, statements
	 * (execute ops) run after this revision's upgrade; test_check, one
	 * query that must return true after the next revision's upgrade and
	 * after its downgrade back (NULL when absent), written at line
	 * test_check_line.
	 */
	retort_op *test_data;
	size_t ntest_data;
	const char *test_check;
	int test_check_line;
	void *ops_store; /* private to script.c: memory behind the ops */
	void (*ops_free)(void *ops_store); /* set by script.c; called by rt_revision_free */

	/* private to graph.c */
	uint32_t index;   /* position in load (file) order */
	int ops_loaded;

	rt_revmem *mem;   /* the block behind the struct and its identity (NULL: a draft) */
} rt_revision;

/** Free a revision's operations and drop its reference to its memory; NULL is a no-op. */
void rt_revision_free(rt_revision *rev);

/**
 * A draft (fields set, each its own block) made a revision: one block
 * holding the struct and a copy of every identity string and list, the
 * operations taken over (their file names pointed at the copy of the
 * path).  The draft is freed (also on failure: then NULL
 * and the error is set).
 */
rt_revision *rt_revision_pack(rt_revision *draft);

/** Free a draft: its operations, every field and the struct; NULL is a no-op. */
void rt_revision_draft_free(rt_revision *draft);

/*
 * Blocks shared by many revisions (the header cache's): a new one holds
 * one reference; rt_revmem_alloc carves memory that lives as long as the
 * block (8-byte aligned, zeroed: NULL when out of memory); rt_revmem_keep
 * hands it a mapping (munmap'ed with it).  Revisions made from it take a
 * reference each (rt_revmem_ref); rt_revmem_unref drops one.
 */
rt_revmem *rt_revmem_new(void);
void *rt_revmem_alloc(rt_revmem *m, size_t n);
void rt_revmem_keep(rt_revmem *m, void *map, size_t len);
void rt_revmem_ref(rt_revmem *m);
void rt_revmem_unref(rt_revmem *m);

#endif

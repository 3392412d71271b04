/*
 * Revision scripts: reading .conf (libconfig operations) and .sql (raw SQL
 * with `-- retort:` headers) files into rt_revision.
 */
#ifndef RT_SCRIPT_H
#define RT_SCRIPT_H

#include "revision.h"

/**
 * Read the script at `path`: its identity (revision, down_revision,
 * branch_labels, depends_on, message, create_date) and checksum; with
 * `with_ops` also its operations (as rt_script_load_ops).
 * The format comes from the extension (.conf or .sql).
 * Errors (RETORT_EINVAL) name the file and line: "versions/x.conf:3: ...".
 * On error *out is untouched.
 */
int rt_script_load(rt_revision **out, const char *path, int with_ops);

/**
 * The script a file at `path` would be with the NUL-terminated `text`
 * (identity and operations), without reading or writing the file: what
 * the lint_on gate checks before `revision` writes.
 */
int rt_script_load_text(rt_revision **out, const char *path, const char *text);

/**
 * Parse and check the operations of a revision loaded without them:
 * every op known, required keys present, portable type arguments valid,
 * alter_column with something to change.  .sql statements become
 * RETORT_OP_EXECUTE ops with their line.  No-op when already loaded.
 */
int rt_script_load_ops(rt_revision *rev);

/*
 * The one rule for revision ids, in scripts and for `--rev-id` (branch
 * labels follow it too): 1 to RT_REVISION_ID_MAX bytes (the version
 * table's column); none of @ - + : (targets use them), / \ (an id names a
 * file), " ' ` (quotes), white space or control characters.
 */
#define RT_REVISION_ID_MAX 255
#define RT_REVISION_ID_RULE "an id has 1 to 255 characters, none of @ - + : / \\ \" ' ` or white space"
/**
 * NULL when `id` follows the rule, else what is wrong with it ("contains
 * '/'"; valid until the next call on this thread).
 */
const char *rt_revision_id_problem(const char *id);

/** 1 when `name` has a script extension (.conf or .sql), else 0. Ignores dotfiles and template.* */
int rt_script_is_script_name(const char *name);

/**
 * The op kind for an op name ("create_table" -> RETORT_OP_CREATE_TABLE),
 * 0 when unknown; and the reverse.
 */
retort_op_kind rt_op_kind_from_name(const char *name);
const char *rt_op_kind_name(retort_op_kind kind);

#endif

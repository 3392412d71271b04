/*
 * Operations written as .conf revision text (revision --autogenerate).
 */
#ifndef RT_OPWRITE_H
#define RT_OPWRITE_H

#include "diff.h"

/**
 * Append ops[0..n) to b as elements of an `upgrade = ( ... );` list, each
 * line led by `ind`, each operation's note (data loss) as a `# ...` line
 * above it.  The text reads back (script_conf.c) as the same operations.
 */
int rt_ops_write_conf(rt_buf *b, const rt_diff_op *ops, size_t n, const char *ind);

/** One operation as .conf text on one line, without its note (a new string; NULL when out of memory). */
char *rt_diff_op_line(const rt_diff_op *op);

#endif

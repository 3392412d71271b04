/*
 * Splitting raw SQL into statements: quotes ('', "", ``), comments (--,
 * #-less, / * * /), PostgreSQL dollar quoting ($$, $tag$) and BEGIN ... END
 * bodies (CREATE TRIGGER / procedure bodies) are respected.
 */
#ifndef RT_SQLSPLIT_H
#define RT_SQLSPLIT_H

#include <stddef.h>

/**
 * Called once per statement: `stmt` (not NUL-terminated, `len` bytes, with
 * the terminating ';' and surrounding white space removed), and the line
 * (counting from first_line) where the statement starts.  Return non-zero
 * to stop; that value is returned by rt_sql_split.
 */
typedef int (*rt_sql_stmt_fn)(void *arg, const char *stmt, size_t len, int line);

/**
 * Split `text` (len bytes).  Empty statements (only white space or
 * comments) are skipped.  An unterminated quote, comment or dollar quote
 * is RETORT_EINVAL with the message "line N: unterminated ..." (N is the
 * line where it opened); the caller prefixes the file name.
 */
int rt_sql_split(const char *text, size_t len, int first_line, rt_sql_stmt_fn fn, void *arg);

#endif

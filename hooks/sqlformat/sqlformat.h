/* sqlformat: what its files share (plugin-internal). */
#ifndef RETORT_SQLFORMAT_H
#define RETORT_SQLFORMAT_H

#include <stddef.h>

#include "../exec/hookutil.h"

/**
 * Format .conf text (libconfig) into out.  On a syntax error return -1
 * with a message in err ("line N: ...").
 */
int sf_format_conf(retort_strbuf *out, const char *text, size_t len, char *err, size_t errlen);
/** Format .sql text into out.  On an unterminated quote or comment return -1 with a message in err. */
int sf_format_sql(retort_strbuf *out, const char *text, size_t len, char *err, size_t errlen);

#endif

/* Database URLs: parsing, percent-decoding, masking the password. */
#ifndef RT_URL_H
#define RT_URL_H

#include <retort/types.h>

#include "rt.h"

typedef struct rt_url rt_url;

/**
 * Parse scheme://[user[:password]@][host[:port]]/path[?k=v&...].
 * sqlite:///rel.db -> database "rel.db"; sqlite:////abs.db -> "/abs.db";
 * sqlite:// -> "" (memory).  Errors (RETORT_EINVAL) show the masked URL.
 */
int rt_url_parse(rt_url **out, const char *raw);
void rt_url_free(rt_url *u);
/** The view handed to plugins (valid while u lives). */
const retort_url *rt_url_view(const rt_url *u);
/** Mark the connection as read-only (see retort_url.read_only). */
void rt_url_set_read_only(rt_url *u, int read_only);
/** The URL with the password replaced by *** (valid while u lives). */
const char *rt_url_masked(const rt_url *u);
/** Mask the password in any URL-looking string; returns a new string. */
char *rt_url_mask_string(const char *raw);

#endif

/*
 * libconfig text, checked before libconfig reads it (retort.conf and .conf
 * scripts): what libconfig would change silently is refused or made exact.
 */
#ifndef RT_CONFTEXT_H
#define RT_CONFTEXT_H

#include <stddef.h>

/**
 * Check text[0..len) (read whole from `path`, for messages):
 *  - a NUL byte, or a `\x00` escape in a string (libconfig drops or cuts
 *    at it), is RETORT_EINVAL "path:line: ...";
 *  - an integer literal beyond 64 bits (libconfig saturates or wraps it) is
 *    RETORT_EINVAL "path:line: ...";
 *  - an integer without the `L` suffix that does not fit in 32 bits (some
 *    libconfig versions wrap it: 9007199254740993 reads as 1) is read as a
 *    64-bit integer: the text handed back has the `L` appended.
 * *fixed is NULL when `text` can be parsed as it is, else the text to parse
 * instead (same lines; rt_free).
 */
int rt_conftext_check(char **fixed, const char *text, size_t len, const char *path);

#endif

/*
 * Small things every dialect module needs (part of the dialects'
 * convenience library with the statement writer; nothing is exported).
 * Like the writer, it sees only the public headers.
 */
#ifndef RETORT_PLUGIN_PLUGUTIL_H
#define RETORT_PLUGIN_PLUGUTIL_H

#include <stdarg.h>

#include <retort/plugin.h>

/** A host->malloc'd printf; NULL when out of memory. */
char *pu_asprintf(const retort_host *host, const char *fmt, ...) RETORT_PRINTF(2, 3);
/** The same with a va_list, which it consumes (the caller still va_end's it). */
char *pu_vasprintf(const retort_host *host, const char *fmt, va_list ap) RETORT_PRINTF(2, 0);

/** Overwrite every occurrence of `password` in `msg` with '*' (defence in depth: clients never echo it). */
void pu_scrub(char *msg, const char *password);

/**
 * A zeroed instance state of `size` bytes from host->malloc; NULL after
 * saying "out of memory" on `h`.  The caller fills it and frees it with
 * host->free.
 */
void *pu_state_new(const retort_host *host, retort_host_ctx *h, size_t size);

#endif

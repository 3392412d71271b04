/*
 * Post-write formatters: run on each revision file retort writes.
 *
 * Stability of this header (the rule is in <retort/plugin.h>):
 * retort_formatter_vtable grows by appending.
 */
#ifndef RETORT_FORMATTER_H
#define RETORT_FORMATTER_H

#include <retort/plugin.h>
#include <retort/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct retort_formatter_vtable {
	uint32_t size;
	/** Format the file at `path` in place.  A negative status fails the command (the file is kept). */
	int (*format_file)(void *state, retort_host_ctx *h, const char *path, retort_script_format format);
} retort_formatter_vtable;

#ifdef __cplusplus
}
#endif
#endif

/* Notification hooks: receive lifecycle events. */
#ifndef RETORT_NOTIFY_H
#define RETORT_NOTIFY_H

#include <retort/plugin.h>
#include <retort/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct retort_notify_vtable {
	uint32_t size;
	/**
	 * Receive one event (already filtered by the instance's `events`
	 * globs by the host).  A negative status is reported; it stops the run
	 * only for a `.before` event of an instance declared `fatal = true`.
	 */
	int (*on_event)(void *state, retort_host_ctx *h, const retort_event *ev);
} retort_notify_vtable;

#ifdef __cplusplus
}
#endif
#endif

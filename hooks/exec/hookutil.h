/*
 * Helpers shared by the exec and jsonlog hooks (compiled into each module;
 * hidden, never exported): the event payload as JSON and as RETORT_*
 * environment variables.
 */
#ifndef RETORT_HOOKUTIL_H
#define RETORT_HOOKUTIL_H

#include <stddef.h>

#include <retort/notify.h>
#include <retort/plugin.h>
#include <retort/sdk.h>

/** A copy of s with host->malloc (NULL when s is NULL or out of memory). */
char *hk_strdup(const retort_host *host, const char *s);

/**
 * Copy *ev into *out, tolerating a smaller (older) struct: members the
 * caller's struct lacks read as NULL, duration_ms as -1.
 */
void hk_event_view(const retort_event *ev, retort_event *out);

/** The event's lock holder (lock.wait, lock.timeout), copied; out->size is 0 when the event has none. */
void hk_holder_view(const retort_event *ev, retort_lock_holder *out);
#define HK_HOLDER_FIELDS 5
/** The holder's fields in order (session, user, application, client, since) and their JSON keys. */
extern const char *const hk_holder_keys[HK_HOLDER_FIELDS];
void hk_holder_fields(const retort_lock_holder *hd, const char *out[HK_HOLDER_FIELDS]);

/** Append the event as one JSON object (no newline); "lock_holder" only when the event has one. */
int hk_event_json(retort_strbuf *b, const retort_event *ev);

/** Longest value of one RETORT_* variable (longer ones are cut; the JSON has them whole). */
#define HK_ENV_VALUE_MAX (64 * 1024)

/** Names of the RETORT_* variables the exec hook sets (NULL-terminated). */
extern const char *const hk_event_env_names[];

/**
 * Build the environment for a hook: `base` (e.g. environ) without any of
 * hk_event_env_names, plus the event's variables (unset for NULL fields).
 * The result and its strings are one host->malloc'd block list: free with
 * hk_env_free.  Returns NULL when out of memory.
 */
char **hk_event_env(const retort_host *host, char *const *base, const retort_event *ev);
void hk_env_free(const retort_host *host, char **env);

#endif

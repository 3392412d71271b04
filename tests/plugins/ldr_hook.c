/*
 * Test module for tests/integration/loader.sh, compiled by the test itself
 * (several copies, from one source): a notify hook named LDR_NAME whose
 * description is LDR_TAG (so `retort plugins` shows which copy loaded).
 * -DLDR_NEEDS_DEP: calls ldr_dep_value() from libldrdep.so (ldr_dep.c),
 * which the test then removes; -DLDR_UNDEFINED: calls a function defined
 * nowhere (built without -z defs, as a careless plugin would be).
 */
#include <retort/notify.h>
#include <retort/plugin.h>

#ifndef LDR_NAME
#define LDR_NAME "ldr_hook"
#endif
#ifndef LDR_TAG
#define LDR_TAG "untagged"
#endif

#if defined(LDR_NEEDS_DEP)
int ldr_dep_value(void);
#define LDR_CALL() ldr_dep_value()
#elif defined(LDR_UNDEFINED)
int ldr_defined_nowhere(void);
#define LDR_CALL() ldr_defined_nowhere()
#else
#define LDR_CALL() 0
#endif

static int ldr_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s, retort_plugin_kind kind,
                    void **state_out)
{
	(void)host;
	(void)h;
	(void)s;
	(void)kind;
	*state_out = NULL;
	return RETORT_OK;
}

static int ldr_on_event(void *state, retort_host_ctx *h, const retort_event *ev)
{
	(void)state;
	(void)h;
	(void)ev;
	return LDR_CALL() < 0 ? RETORT_ERROR : RETORT_OK;
}

static const retort_notify_vtable vt = {
	.size = sizeof(retort_notify_vtable),
	.on_event = ldr_on_event,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = LDR_NAME, .version = "1.0.0", .description = LDR_TAG, .impls = impls,
                     .init = ldr_init);

/*
 * Shared bits of the deliberately broken test modules: a notify vtable
 * whose methods must never run.  If the host calls one after refusing the
 * module (or after a failed init), the process aborts, so the negative
 * tests in tests/integration fail loudly.  Test modules only: real
 * plugins never abort.
 */
#ifndef RETORT_TEST_TRAP_H
#define RETORT_TEST_TRAP_H

#include <stdlib.h>

#include <retort/notify.h>
#include <retort/plugin.h>

__attribute__((unused)) static int trap_on_event(void *state, retort_host_ctx *h, const retort_event *ev)
{
	(void)state;
	(void)h;
	(void)ev;
	abort(); /* the host must not use a module it refused */
}

__attribute__((unused)) static void trap_fini(void *state)
{
	(void)state;
	abort(); /* fini is called only after a successful init */
}

/* init of a module the host should have refused before calling anything. */
__attribute__((unused)) static int trap_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                     retort_plugin_kind kind, void **state_out)
{
	(void)settings;
	(void)kind;
	(void)state_out;
	host->set_error(h, "test module: init must not be called for a refused module");
	return RETORT_EINVAL;
}

__attribute__((unused)) static const retort_notify_vtable trap_notify_vt = {
	.size = sizeof(retort_notify_vtable),
	.on_event = trap_on_event,
};

#endif

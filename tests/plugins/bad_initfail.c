/* Test module: init fails with a message. */
#include "trap.h"

static int initfail_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                         retort_plugin_kind kind, void **state_out)
{
	(void)settings;
	(void)kind;
	(void)state_out;
	host->set_error(h, "init failed on purpose");
	return RETORT_EINVAL;
}

static const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &trap_notify_vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "bad_initfail", .version = "0", .description = "test: init fails", .impls = impls,
                     .init = initfail_init, .fini = trap_fini);

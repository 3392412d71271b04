/* Test module: built for the next plugin ABI (descriptor written by hand, not with the macro). */
#include "trap.h"

static const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &trap_notify_vt}, {RETORT_KIND_END, NULL}};

RETORT_EXPORT const retort_plugin_descriptor *retort_plugin_entry(void);

const retort_plugin_descriptor *retort_plugin_entry(void)
{
	static const retort_plugin_descriptor d = {
		.abi_version = RETORT_PLUGIN_ABI_VERSION + 1,
		.size = sizeof(retort_plugin_descriptor),
		.name = "bad_abi",
		.version = "0",
		.description = "test: built for another plugin ABI",
		.impls = impls,
		.init = trap_init,
		.fini = trap_fini,
	};
	return &d;
}

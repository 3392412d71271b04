/* Test module: no retort_plugin_entry symbol (a typo'd entry instead). */
#include "trap.h"

static const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &trap_notify_vt}, {RETORT_KIND_END, NULL}};

RETORT_EXPORT const retort_plugin_descriptor *retort_plugin_entrypoint(void);

const retort_plugin_descriptor *retort_plugin_entrypoint(void)
{
	static const retort_plugin_descriptor d = {
		.abi_version = RETORT_PLUGIN_ABI_VERSION,
		.size = sizeof(retort_plugin_descriptor),
		.name = "bad_noentry",
		.version = "0",
		.description = "test: no entry symbol",
		.impls = impls,
		.init = trap_init,
		.fini = trap_fini,
	};
	return &d;
}

/* Test module: a descriptor whose size is smaller than RETORT_DESCRIPTOR_SIZE_V1 (no init/fini). */
#include <stddef.h>

#include "trap.h"

static const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &trap_notify_vt}, {RETORT_KIND_END, NULL}};

RETORT_EXPORT const retort_plugin_descriptor *retort_plugin_entry(void);

const retort_plugin_descriptor *retort_plugin_entry(void)
{
	static const retort_plugin_descriptor d = {
		.abi_version = RETORT_PLUGIN_ABI_VERSION,
		.size = (uint32_t)offsetof(retort_plugin_descriptor, init),
		.name = "bad_small",
		.version = "0",
		.description = "test: descriptor too small",
		.impls = impls,
		.init = trap_init, /* beyond `size`: the host must not read it */
		.fini = trap_fini,
	};
	return &d;
}

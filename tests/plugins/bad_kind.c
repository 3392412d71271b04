/* Test module: an unknown kind (99). */
#include "trap.h"

static const retort_plugin_impl impls[] = {{(retort_plugin_kind)99, &trap_notify_vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "bad_kind", .version = "0", .description = "test: unknown kind 99", .impls = impls,
                     .init = trap_init, .fini = trap_fini);

/*
 * Test module: init allocates with host->malloc, then fails.  It frees its
 * allocation itself (a leak checker run stays clean); the host must call
 * nothing else (fini and on_event abort).
 */
#include <string.h>

#include "trap.h"

static int initleak_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                         retort_plugin_kind kind, void **state_out)
{
	char *p = host->malloc(4096);
	(void)settings;
	(void)kind;
	(void)state_out;
	if (!p) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memset(p, 0xA5, 4096);
	host->free(p);
	host->set_error(h, "init failed after allocating, on purpose");
	return RETORT_ERROR;
}

static const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &trap_notify_vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "bad_initleak", .version = "0", .description = "test: init fails after allocating",
                     .impls = impls, .init = initleak_init, .fini = trap_fini);

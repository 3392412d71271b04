/*
 * fmtrun MODULE FILE...: run a formatter module (its path, e.g.
 * hooks/sqlformat.la) on each FILE, as retort runs it on a file it wrote,
 * through libretort's real host services.  A test tool
 * (tests/integration/sqlformat.sh): retort itself formats only the files
 * it writes.  The format is told by the file's extension.
 */
#include "config.h"

#include <ltdl.h>
#include <stdio.h>
#include <string.h>

#include <retort/formatter.h>
#include <retort/plugin.h>

#include "host.h"
#include "rt.h"

int main(int argc, char **argv)
{
	const retort_plugin_descriptor *d;
	const retort_plugin_impl *impl;
	const retort_formatter_vtable *vt = NULL;
	retort_plugin_entry_fn entry;
	retort_settings s;
	retort_host_ctx *h;
	lt_dlhandle lh;
	void *state = NULL;
	int i, rc = 0;
	if (argc < 2 || lt_dlinit() != 0) {
		fprintf(stderr, "usage: fmtrun MODULE FILE...\n");
		return 2;
	}
	if (!(lh = lt_dlopenext(argv[1])) || !(entry = (retort_plugin_entry_fn)lt_dlsym(lh, RETORT_PLUGIN_ENTRY_NAME))) {
		fprintf(stderr, "fmtrun: cannot load %s: %s\n", argv[1], lt_dlerror());
		return 2;
	}
	d = entry();
	for (impl = d->impls; impl->kind != RETORT_KIND_END; impl++)
		if (impl->kind == RETORT_KIND_FORMATTER)
			vt = impl->vtable;
	rt_settings_init(&s, NULL);
	h = rt_hctx_new(d->name);
	if (!vt || d->init(rt_host_services(), h, &s, RETORT_KIND_FORMATTER, &state) < 0) {
		fprintf(stderr, "fmtrun: %s: %s\n", argv[1], vt ? rt_buf_cstr(&h->error) : "not a formatter");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		size_t n = strlen(argv[i]);
		retort_script_format f = n > 4 && strcmp(argv[i] + n - 4, ".sql") == 0 ? RETORT_FORMAT_SQL : RETORT_FORMAT_CONF;
		if (vt->format_file(state, h, argv[i], f) < 0) {
			fprintf(stderr, "fmtrun: %s\n", rt_buf_cstr(&h->error));
			rt_hctx_clear_error(h);
			rc = 1;
		}
	}
	if (d->fini)
		d->fini(state);
	rt_hctx_free(h);
	rt_settings_free(&s);
	return rc;
}

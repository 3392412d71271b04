// Test module in C++ (built by tests/integration/abi.sh with g++ -std=c++11
// -pedantic -Werror): the plugin headers compile as C++ and
// RETORT_PLUGIN_DEFINE gives retort_plugin_entry C linkage, and the
// helpers of <retort/sdk.h> work from C++.  A notify hook that appends each
// event's name, one per line, to the file named by its `path` setting.
#include <cstdio>
#include <cstring>

#include <retort/notify.h>
#include <retort/plugin.h>
#include <retort/sdk.h>

namespace {

struct state {
	const retort_host *host;
	char path[1024];
};

int cx_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s, retort_plugin_kind, void **out)
{
	const char *path = NULL;
	if (host->setting_string(s, "path", &path) != RETORT_OK || std::strlen(path) >= sizeof(state().path)) {
		host->setting_error(h, s, "path", "setting 'path' (a string) is required");
		return RETORT_EINVAL;
	}
	state *st = static_cast<state *>(host->malloc(sizeof(state)));
	if (!st) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	std::strcpy(st->path, path);
	*out = st;
	return RETORT_OK;
}

void cx_fini(void *p)
{
	state *st = static_cast<state *>(p);
	if (st)
		st->host->free(st);
}

int cx_on_event(void *p, retort_host_ctx *h, const retort_event *ev)
{
	state *st = static_cast<state *>(p);
	std::FILE *f = std::fopen(st->path, "a");
	if (!f) {
		st->host->set_error(h, "cannot open %s", st->path);
		return RETORT_ERROR;
	}
	retort_strbuf line;
	retort_strbuf_init(&line, st->host);
	retort_strbuf_printf(&line, "%s\n", ev->name);
	if (line.status == RETORT_OK)
		std::fputs(retort_strbuf_cstr(&line), f);
	retort_strbuf_free(&line);
	return std::fclose(f) == 0 && line.status == RETORT_OK ? RETORT_OK : RETORT_ERROR;
}

const retort_notify_vtable vt = {sizeof(retort_notify_vtable), cx_on_event};
const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &vt}, {RETORT_KIND_END, NULL}};

} // namespace

RETORT_PLUGIN_DEFINE("cxx_notify", "1.0.0", "test: a notify hook written in C++", impls, cx_init, cx_fini);

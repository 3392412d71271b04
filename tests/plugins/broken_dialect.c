/*
 * Test module: a deliberately broken copy of the sqlite dialect, for the
 * conformance kit (tests/integration/selftest.sh) to catch.  The sqlite
 * plugin's own sources are compiled into this module with their entry
 * renamed (-Dretort_plugin_entry=sqlite_inner_entry); this file's entry
 * hands out the same dialect under another name and URL scheme, with one
 * method broken:
 *   BROKEN_QUOTING   quote_ident appends the name as it is (no quotes)
 *   BROKEN_ROLLBACK  rollback commits what the transaction did
 */
#include <string.h>

#include <retort/dialect.h>

#undef retort_plugin_entry

const retort_plugin_descriptor *sqlite_inner_entry(void);

static retort_plugin_descriptor desc;
static retort_plugin_impl impls[2];
static retort_dialect_vtable vt, inner;
static const retort_host *host;
static const char *const schemes[] = {BROKEN_NAME, NULL};

static int wrap_init(const retort_host *hs, retort_host_ctx *h, const retort_settings *settings, retort_plugin_kind kind,
                     void **state_out)
{
	host = hs;
	return sqlite_inner_entry()->init(hs, h, settings, kind, state_out);
}

#ifdef BROKEN_QUOTING
static int broken_quote_ident(void *state, const char *ident, retort_sink *out)
{
	(void)state;
	return host->sink_add(out, ident, strlen(ident));
}
#endif

#ifdef BROKEN_ROLLBACK
static int broken_rollback(retort_conn *c, retort_host_ctx *h)
{
	return inner.commit(c, h);
}
#endif

RETORT_EXPORT const retort_plugin_descriptor *retort_plugin_entry(void);
const retort_plugin_descriptor *retort_plugin_entry(void)
{
	if (!desc.size) {
		const retort_plugin_descriptor *in = sqlite_inner_entry();
		inner = *(const retort_dialect_vtable *)in->impls[0].vtable;
		vt = inner;
		vt.url_schemes = schemes;
#ifdef BROKEN_QUOTING
		vt.quote_ident = broken_quote_ident;
#endif
#ifdef BROKEN_ROLLBACK
		vt.rollback = broken_rollback;
#endif
		impls[0].kind = in->impls[0].kind;
		impls[0].vtable = &vt;
		impls[1].kind = RETORT_KIND_END;
		desc = *in;
		desc.name = BROKEN_NAME;
		desc.description = "a broken copy of the sqlite dialect (conformance kit test)";
		desc.impls = impls;
		desc.init = wrap_init;
	}
	return &desc;
}

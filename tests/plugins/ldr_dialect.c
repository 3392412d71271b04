/*
 * Test module for tests/integration/loader.sh, compiled by the test: a
 * dialect named LDR_NAME serving the URL scheme LDR_SCHEME ("ldr" by
 * default), whatever its file is called.  It connects nowhere: connect
 * fails with a message naming it, which tells the test which copy served
 * the URL.  Nothing else is ever called.
 */
#include <stdlib.h>

#include <retort/dialect.h>
#include <retort/plugin.h>

#ifndef LDR_NAME
#define LDR_NAME "ldr_dialect"
#endif
#ifndef LDR_SCHEME
#define LDR_SCHEME "ldr"
#endif

static int ldr_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s, retort_plugin_kind kind,
                    void **state_out)
{
	(void)host;
	(void)h;
	(void)s;
	(void)kind;
	*state_out = (void *)host;
	return RETORT_OK;
}

static int ldr_connect(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out)
{
	const retort_host *host = state;
	(void)url;
	(void)out;
	host->set_error(h, "dialect %s does not connect (test module)", LDR_NAME);
	return RETORT_ECONNECT;
}

static void ldr_disconnect(retort_conn *c)
{
	(void)c;
}

/* the methods a connection would need: never reached */
static int ldr_conn(retort_conn *c, retort_host_ctx *h)
{
	(void)c;
	(void)h;
	abort();
}

static int ldr_execute(retort_conn *c, retort_host_ctx *h, const char *sql)
{
	(void)sql;
	return ldr_conn(c, h);
}

static int ldr_query(retort_conn *c, retort_host_ctx *h, const char *sql, retort_row_fn row, void *arg)
{
	(void)sql;
	(void)row;
	(void)arg;
	return ldr_conn(c, h);
}

static int ldr_lock(retort_conn *c, retort_host_ctx *h, const char *key, unsigned timeout_s)
{
	(void)key;
	(void)timeout_s;
	return ldr_conn(c, h);
}

static int ldr_unlock(retort_conn *c, retort_host_ctx *h, const char *key)
{
	(void)key;
	return ldr_conn(c, h);
}

static int ldr_table_exists(retort_conn *c, retort_host_ctx *h, const char *table, int *exists)
{
	(void)table;
	(void)exists;
	return ldr_conn(c, h);
}

static int ldr_quote(void *state, const char *text, retort_sink *out)
{
	(void)state;
	(void)text;
	(void)out;
	abort();
}

static int ldr_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	(void)state;
	(void)h;
	(void)op;
	(void)out;
	abort();
}

static const char *const schemes[] = {LDR_SCHEME, NULL};

static const retort_dialect_vtable vt = {
	.size = sizeof(retort_dialect_vtable),
	.url_schemes = schemes,
	.connect = ldr_connect,
	.disconnect = ldr_disconnect,
	.execute = ldr_execute,
	.query = ldr_query,
	.begin = ldr_conn,
	.commit = ldr_conn,
	.rollback = ldr_conn,
	.lock = ldr_lock,
	.unlock = ldr_unlock,
	.table_exists = ldr_table_exists,
	.quote_ident = ldr_quote,
	.quote_literal = ldr_quote,
	.render = ldr_render,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_DIALECT, &vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = LDR_NAME, .version = "1.0.0", .description = "test: dialect " LDR_NAME,
                     .impls = impls, .init = ldr_init);

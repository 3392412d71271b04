/*
 * Test module: a dialect built before `reflect` was appended to the vtable
 * (its size ends where reflect begins).  It loads; `schema dump` must refuse
 * it before calling anything: every method aborts.
 */
#include <stddef.h>

#include <retort/dialect.h>

#include <stdlib.h>

static int stub_connect(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out)
{
	(void)state, (void)h, (void)url, (void)out;
	abort();
}

static void stub_disconnect(retort_conn *c)
{
	(void)c;
	abort();
}

static int stub_execute(retort_conn *c, retort_host_ctx *h, const char *sql)
{
	(void)c, (void)h, (void)sql;
	abort();
}

static int stub_query(retort_conn *c, retort_host_ctx *h, const char *sql, retort_row_fn row, void *arg)
{
	(void)c, (void)h, (void)sql, (void)row, (void)arg;
	abort();
}

static int stub_tx(retort_conn *c, retort_host_ctx *h)
{
	(void)c, (void)h;
	abort();
}

static int stub_lock(retort_conn *c, retort_host_ctx *h, const char *key, unsigned timeout_s)
{
	(void)c, (void)h, (void)key, (void)timeout_s;
	abort();
}

static int stub_unlock(retort_conn *c, retort_host_ctx *h, const char *key)
{
	(void)c, (void)h, (void)key;
	abort();
}

static int stub_table_exists(retort_conn *c, retort_host_ctx *h, const char *table, int *exists)
{
	(void)c, (void)h, (void)table, (void)exists;
	abort();
}

static int stub_quote(void *state, const char *text, retort_sink *out)
{
	(void)state, (void)text, (void)out;
	abort();
}

static int stub_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	(void)state, (void)h, (void)op, (void)out;
	abort();
}

static int ok_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings, retort_plugin_kind kind,
                   void **state_out)
{
	(void)host, (void)h, (void)settings, (void)kind;
	*state_out = NULL;
	return RETORT_OK;
}

static void ok_fini(void *state)
{
	(void)state;
}

static const char *const schemes[] = {"noreflect", NULL};

static const retort_dialect_vtable vt = {
	.size = offsetof(retort_dialect_vtable, reflect), /* the point of this module */
	.flags = RETORT_DIALECT_TRANSACTIONAL_DDL,
	.max_identifier_length = 0,
	.url_schemes = schemes,
	.connect = stub_connect,
	.disconnect = stub_disconnect,
	.execute = stub_execute,
	.query = stub_query,
	.begin = stub_tx,
	.commit = stub_tx,
	.rollback = stub_tx,
	.lock = stub_lock,
	.unlock = stub_unlock,
	.table_exists = stub_table_exists,
	.quote_ident = stub_quote,
	.quote_literal = stub_quote,
	.render = stub_render,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_DIALECT, &vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "noreflect", .version = "0", .description = "test: dialect from before reflect",
                     .impls = impls, .init = ok_init, .fini = ok_fini);

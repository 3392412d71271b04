/* Test module: a dialect whose required method `connect` is NULL; every other method is set. */
#include <retort/dialect.h>

#include "trap.h"

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

static const char *const schemes[] = {"badnomethod", NULL};

static const retort_dialect_vtable vt = {
	.size = sizeof(retort_dialect_vtable),
	.flags = RETORT_DIALECT_TRANSACTIONAL_DDL,
	.max_identifier_length = 0,
	.url_schemes = schemes,
	.connect = NULL, /* the point of this module */
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

RETORT_PLUGIN_DEFINE(.name = "bad_nomethod", .version = "0", .description = "test: dialect without connect",
                     .impls = impls, .init = trap_init, .fini = trap_fini);

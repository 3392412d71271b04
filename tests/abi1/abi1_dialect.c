/*
 * Test module: a dialect built from retort 0.1.0's headers (the frozen
 * copy in tests/abi1/include), before retort_op_more and host->op_more.
 * It renders offline (--sql) only: each operation becomes the comment
 * "-- abi1: KIND TABLE".  tests/integration/abi.sh checks that it loads
 * and renders what it knows, and that the host refuses, rather than half
 * renders, an operation that carries what this dialect cannot read (an
 * alter_column whose only change is its autoincrement).
 */
#include <stddef.h>
#include <stdlib.h>

#include <retort/dialect.h>

static int stub_connect(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out)
{
	const retort_host *host = state;
	(void)url, (void)out;
	host->set_error(h, "abi1dialect renders offline only");
	return RETORT_ENOTSUPPORTED;
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

static int quote(void *state, const char *text, retort_sink *out)
{
	const retort_host *host = state;
	return host->sink_addf(out, "\"%s\"", text);
}

static int render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	const retort_host *host = state;
	(void)h;
	if (host->sink_addf(out, "-- abi1: %d %s", (int)op->kind, op->table ? op->table : "-") < 0)
		return RETORT_ENOMEM;
	return host->sink_end(out, 0);
}

static int init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings, retort_plugin_kind kind,
                void **state_out)
{
	(void)h, (void)settings, (void)kind;
	*state_out = (void *)host; /* the state: the host's services (static, never freed) */
	return RETORT_OK;
}

static const char *const schemes[] = {"abi1dialect", NULL};

static const retort_dialect_vtable vt = {
	.size = sizeof(retort_dialect_vtable),
	.flags = RETORT_DIALECT_TRANSACTIONAL_DDL,
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
	.quote_ident = quote,
	.quote_literal = quote,
	.render = render,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_DIALECT, &vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "abi1dialect", .version = "0", .description = "test: a dialect of ABI 1 as of 0.1.0",
                     .impls = impls, .init = init);

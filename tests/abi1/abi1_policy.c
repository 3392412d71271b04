/*
 * Test module built ONLY against the frozen headers of retort 0.1.0
 * (tests/abi1/include): a naming policy that proves a plugin of plugin
 * ABI 1 still loads and runs.
 *
 * check() walks script->upgrade[] and downgrade[] with the sizeof(retort_op)
 * of those headers, and every column, constraint, foreign key and value
 * array inside with theirs, and reports one violation (rule "abi1") per
 * operation spelling out what it read.  If a struct that travels in arrays
 * ever grew, this module would read the wrong memory and the lines would
 * not match tests/integration/abi.sh's expectations.  name_object() names
 * every index or constraint "abi1_<type>_<table>_<columns...>".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <retort/naming.h>
#include <retort/plugin.h>

#if RETORT_PLUGIN_ABI_VERSION != 1u
#error "built against the wrong headers: this fixture needs the frozen ABI-1 copy"
#endif

typedef struct text {
	char s[4096];
	size_t n;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	int k;
	if (t->n >= sizeof t->s)
		return;
	va_start(ap, fmt);
	k = vsnprintf(t->s + t->n, sizeof t->s - t->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		t->n += (size_t)k < sizeof t->s - t->n ? (size_t)k : sizeof t->s - t->n - 1;
}

#define S(x) ((x) ? (x) : "-")

static void names(text *t, const char *const *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		add(t, "%s%s", i ? "," : "", S(v[i]));
}

static void constraint(text *t, const retort_constraint *c)
{
	add(t, "%s(", S(c->name));
	names(t, c->columns, c->ncolumns);
	add(t, ")%s%s", c->expression ? ":" : "", c->expression ? c->expression : "");
}

static void describe(text *t, const retort_op *op)
{
	size_t i;
	add(t, "kind=%d line=%d table=%s", (int)op->kind, op->line, S(op->table));
	if (op->name)
		add(t, " name=%s", op->name);
	if (op->column)
		add(t, " column=%s", op->column);
	if (op->new_name)
		add(t, " new_name=%s", op->new_name);
	for (i = 0; i < op->ncolumns; i++) {
		const retort_column *c = &op->columns[i];
		add(t, " col=%s:%s:%d%s%s%s%s%s", S(c->name), S(c->type), c->nullable, c->primary_key ? ":pk" : "",
		    c->autoincrement ? ":ai" : "", c->unique ? ":uq" : "", c->server_default ? ":default=" : "",
		    c->server_default ? c->server_default : "");
	}
	if (op->ncolumn_names) {
		add(t, " names=");
		names(t, op->column_names, op->ncolumn_names);
	}
	if (op->primary_key) {
		add(t, " pk=");
		constraint(t, op->primary_key);
	}
	for (i = 0; i < op->nuniques; i++) {
		add(t, " uq=");
		constraint(t, &op->uniques[i]);
	}
	for (i = 0; i < op->nchecks; i++) {
		add(t, " ck=");
		constraint(t, &op->checks[i]);
	}
	for (i = 0; i < op->nforeign_keys; i++) {
		const retort_foreign_key *fk = &op->foreign_keys[i];
		add(t, " fk=%s(", S(fk->name));
		names(t, fk->columns, fk->ncolumns);
		add(t, ")->%s(", S(fk->ref_table));
		names(t, fk->ref_columns, fk->nref_columns);
		add(t, ")%s%s", fk->on_delete ? ":" : "", fk->on_delete ? fk->on_delete : "");
	}
	if (op->kind == RETORT_OP_CREATE_INDEX)
		add(t, " unique=%d", op->unique);
	for (i = 0; i < op->nrows * op->ncolumn_names; i++) {
		const retort_value *v = &op->rows[i];
		add(t, "%s%d:%s", i % op->ncolumn_names ? "," : " row=", (int)v->type, S(v->text));
	}
	if (op->sql)
		add(t, " sql=%s", op->sql);
}

static int walk(const char *part, const retort_op *ops, size_t n, retort_violation_fn fn, void *arg)
{
	size_t i;
	for (i = 0; i < n; i++) {
		text t;
		char where[64];
		int rc;
		t.n = 0;
		t.s[0] = '\0';
		describe(&t, &ops[i]);
		snprintf(where, sizeof where, "%s[%zu]", part, i);
		if ((rc = fn(arg, "abi1", t.s, where)) != 0)
			return rc;
	}
	return RETORT_OK;
}

static int p_check(void *state, retort_host_ctx *h, const retort_script *script, retort_violation_fn fn, void *arg)
{
	int rc;
	(void)state;
	(void)h;
	if ((rc = walk("upgrade", script->upgrade, script->nupgrade, fn, arg)) != RETORT_OK)
		return rc;
	return walk("downgrade", script->downgrade, script->ndowngrade, fn, arg);
}

static int p_name(void *state, retort_host_ctx *h, const retort_name_request *req, retort_sink *out)
{
	const retort_host *host = state;
	size_t i;
	(void)h;
	if (host->sink_addf(out, "abi1_%s_%s", req->type, req->table) != RETORT_OK)
		return RETORT_ENOMEM;
	for (i = 0; i < req->ncolumns; i++)
		if (host->sink_addf(out, "_%s", req->columns[i]) != RETORT_OK)
			return RETORT_ENOMEM;
	return RETORT_OK;
}

static int p_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s, retort_plugin_kind kind,
                  void **state_out)
{
	(void)h;
	(void)s;
	(void)kind;
	*state_out = (void *)host; /* the host table outlives the instance */
	return RETORT_OK;
}

static const retort_naming_vtable vt = {
	.size = sizeof(retort_naming_vtable),
	.name_object = p_name,
	.check = p_check,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_NAMING, &vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "abi1_policy", .version = "0.1.0",
                     .description = "test: a naming policy built against retort 0.1.0's headers", .impls = impls,
                     .init = p_init, .fini = NULL);

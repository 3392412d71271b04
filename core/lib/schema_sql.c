/*
 * The schema and a dialect: reflecting a connection into the model, and
 * the model as the dialect's DDL (operations rendered by its render(),
 * printed as offline --sql prints statements).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "runner_int.h"
#include "schema.h"

/* ---- reflect ---- */

/* The builder's callbacks remember the host's own failure, so it is not taken for the dialect's. */
typedef struct reflect_arg {
	rt_schema *s;
	retort_schema_builder inner;
	int host_rc;
} reflect_arg;

#define WRAP(fn, type)                                                                                                 \
	static int w_##fn(void *arg, const type *x)                                                                    \
	{                                                                                                              \
		reflect_arg *ra = arg;                                                                                 \
		int rc = ra->inner.fn(ra->s, x);                                                                       \
		if (rc < 0 && !ra->host_rc)                                                                            \
			ra->host_rc = rc;                                                                              \
		return rc;                                                                                             \
	}
WRAP(table, retort_reflect_table)
WRAP(column, retort_reflect_column)
WRAP(index, retort_reflect_index)
WRAP(constraint, retort_reflect_constraint)
WRAP(enum_type, retort_reflect_enum)

static int w_unsupported(void *arg, const char *object, const char *reason)
{
	reflect_arg *ra = arg;
	int rc = ra->inner.unsupported(ra->s, object, reason);
	if (rc < 0 && !ra->host_rc)
		ra->host_rc = rc;
	return rc;
}

static void w_round_trip(void *arg)
{
	reflect_arg *ra = arg;
	ra->inner.round_trip(ra->s);
}

static int can_reflect(const rt_plugin *p)
{
	const retort_dialect_vtable *d = &p->vt.dialect;
	return RETORT_STRUCT_HAS(d, retort_dialect_vtable, reflect) && d->reflect;
}

int rt_schema_reflect(rt_ctx *ctx, rt_schema **out)
{
	rt_schema *s = NULL;
	reflect_arg ra;
	retort_schema_builder b;
	long long t0;
	int rc;

	if ((rc = rt_ctx_dialect(ctx)) < 0)
		return rc;
	if (!can_reflect(ctx->dialect)) {
		rt_error_set("the %s dialect (%s) cannot reflect a schema: its plugin has no reflect method", ctx->dialect->desc.name,
		             ctx->dialect->path);
		return RETORT_EINVAL;
	}
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if (!(s = rt_schema_new()))
		return RETORT_ENOMEM;
	if ((rc = rt_strv_push(&s->skip, ctx->cfg->version_table)) < 0 ||
	    (rc = rt_strv_push(&s->skip, ctx->cfg->history_table)) < 0)
		goto done;
	memset(&ra, 0, sizeof ra);
	ra.s = s;
	rt_schema_builder_init(&ra.inner, s);
	b = ra.inner;
	b.arg = &ra;
	b.table = w_table;
	b.column = w_column;
	b.index = w_index;
	b.constraint = w_constraint;
	b.enum_type = w_enum_type;
	b.unsupported = w_unsupported;
	b.round_trip = w_round_trip;
	t0 = rn_now_ms();
	rc = ctx->dialect->vt.dialect.reflect(ctx->conn, ctx->dialect->hctx, &b);
	s->reflect_ms = rn_now_ms() - t0;
	if (ra.host_rc < 0) {
		/* our message (set where the builder refused); the dialect's, if any, is dropped */
		rt_hctx_clear_error(ctx->dialect->hctx);
		rt_error_prefix("%s", ctx->dialect->desc.name);
		rc = ra.host_rc;
	} else if (rc < 0) {
		rc = rn_plugin_fail(ctx, rc, "reflect");
	}
	if (rc < 0)
		goto done;
	rt_schema_sort(s);
	*out = s;
	s = NULL;
done:
	rt_schema_free(s);
	return rc;
}

/* ---- DDL ---- */

/* The operations of one table, pointing into the model (freed by ops_free). */
typedef struct table_ops {
	retort_op op;
	retort_column *cols;
	retort_constraint pk;
	retort_constraint *uniques;
	retort_foreign_key *fks;
	retort_constraint *checks;
} table_ops;

static void ops_free(table_ops *t)
{
	rt_free(t->cols);
	rt_free(t->uniques);
	rt_free(t->fks);
	rt_free(t->checks);
}

static void fk_of(retort_foreign_key *out, const rt_schema_fk *fk)
{
	memset(out, 0, sizeof *out);
	out->size = sizeof *out;
	out->name = fk->name;
	out->columns = (const char *const *)fk->columns.v;
	out->ncolumns = fk->columns.n;
	out->ref_table = fk->ref_table;
	out->ref_columns = (const char *const *)fk->ref_columns.v;
	out->nref_columns = fk->ref_columns.n;
	out->on_delete = fk->on_delete;
	out->on_update = fk->on_update;
}

static void op_init(retort_op *op, retort_op_kind kind)
{
	memset(op, 0, sizeof *op);
	op->size = sizeof *op;
	op->kind = kind;
	op->nullable = RETORT_UNSET;
	op->existing_nullable = RETORT_UNSET;
}

/* create_table for t, with the foreign keys whose flag in `inline_fk` is set. */
static int table_op(table_ops *o, const rt_schema_table *t, const unsigned char *inline_fk)
{
	size_t i;
	memset(o, 0, sizeof *o);
	op_init(&o->op, RETORT_OP_CREATE_TABLE);
	o->op.table = t->name;
	o->op.comment = t->comment;
	if ((t->ncolumns && !(o->cols = rt_calloc(t->ncolumns, sizeof *o->cols))) ||
	    (t->nuniques && !(o->uniques = rt_calloc(t->nuniques, sizeof *o->uniques))) ||
	    (t->nfks && !(o->fks = rt_calloc(t->nfks, sizeof *o->fks))) ||
	    (t->nchecks && !(o->checks = rt_calloc(t->nchecks, sizeof *o->checks)))) {
		ops_free(o);
		RT_CHECK_ALLOC(NULL);
	}
	for (i = 0; i < t->ncolumns; i++) {
		const rt_schema_column *c = &t->columns[i];
		retort_column *r = &o->cols[i];
		r->size = sizeof *r;
		r->name = c->name;
		r->type = c->type;
		r->nullable = c->nullable;
		r->autoincrement = c->autoincrement;
		r->server_default = c->server_default;
		r->comment = c->comment;
	}
	o->op.columns = o->cols;
	o->op.ncolumns = t->ncolumns;
	if (t->primary_key) {
		o->pk.size = sizeof o->pk;
		o->pk.name = t->primary_key->name;
		o->pk.columns = (const char *const *)t->primary_key->columns.v;
		o->pk.ncolumns = t->primary_key->columns.n;
		o->op.primary_key = &o->pk;
	}
	for (i = 0; i < t->nuniques; i++) {
		o->uniques[i].size = sizeof o->uniques[i];
		o->uniques[i].name = t->uniques[i].name;
		o->uniques[i].columns = (const char *const *)t->uniques[i].columns.v;
		o->uniques[i].ncolumns = t->uniques[i].columns.n;
	}
	o->op.uniques = o->uniques;
	o->op.nuniques = t->nuniques;
	for (i = 0; i < t->nfks; i++)
		if (inline_fk[i])
			fk_of(&o->fks[o->op.nforeign_keys++], &t->fks[i]);
	o->op.foreign_keys = o->fks;
	for (i = 0; i < t->nchecks; i++) {
		o->checks[i].size = sizeof o->checks[i];
		o->checks[i].name = t->checks[i].name;
		o->checks[i].expression = t->checks[i].expression;
	}
	o->op.checks = o->checks;
	o->op.nchecks = t->nchecks;
	return RETORT_OK;
}

/* Render op and print its statements (as offline --sql does). */
static int emit(rt_ctx *ctx, const retort_op *op, retort_sink *sk)
{
	size_t j;
	int rc;
	rt_sink_reset(sk);
	if ((rc = rn_render_op(ctx, op, NULL, sk, 0)) < 0)
		return rc;
	for (j = 0; j < sk->n; j++)
		rn_out_stmt(ctx, sk->stmts[j].sql);
	rt_sink_reset(sk);
	return RETORT_OK;
}

/* 1 when the dialect renders create_foreign_key offline (SQLite does not: it keeps them in CREATE TABLE). */
static int can_add_fk(rt_ctx *ctx, const char *table, const rt_schema_fk *fk)
{
	retort_op op;
	retort_foreign_key k;
	retort_sink sk;
	int rc;
	op_init(&op, RETORT_OP_CREATE_FOREIGN_KEY);
	fk_of(&k, fk);
	op.table = table;
	op.name = fk->name;
	op.foreign_keys = &k;
	op.nforeign_keys = 1;
	rt_sink_init(&sk);
	rc = ctx->dialect->vt.dialect.render(ctx->dialect->state, ctx->dialect->hctx, &op, &sk);
	rt_sink_free(&sk);
	rt_hctx_clear_error(ctx->dialect->hctx);
	return rc != RETORT_ENOTSUPPORTED;
}

/*
 * The tables in creation order: a table after the tables its foreign
 * keys reference, ties by name; when only cycles are left, the first
 * remaining table by name goes next and its foreign keys to tables not
 * yet created are marked in deferred[t][k].
 */
static int table_order(const rt_schema *s, size_t *order, unsigned char **deferred)
{
	unsigned char *done = rt_calloc(s->ntables + 1, 1);
	size_t n = 0, i, k;
	RT_CHECK_ALLOC(done);
	while (n < s->ntables) {
		size_t pick = s->ntables;
		for (i = 0; i < s->ntables && pick == s->ntables; i++) {
			const rt_schema_table *t = &s->tables[i];
			int ready = !done[i];
			for (k = 0; k < t->nfks && ready; k++) {
				const rt_schema_table *r = rt_schema_find_table(s, t->fks[k].ref_table);
				if (r && r != t && !done[r - s->tables])
					ready = 0;
			}
			if (ready)
				pick = i;
		}
		if (pick == s->ntables) { /* a cycle: break it at the first table left */
			for (pick = 0; done[pick]; pick++)
				;
			for (k = 0; k < s->tables[pick].nfks; k++) {
				const rt_schema_table *r = rt_schema_find_table(s, s->tables[pick].fks[k].ref_table);
				if (r && r != &s->tables[pick] && !done[r - s->tables])
					deferred[pick][k] = 1;
			}
		}
		done[pick] = 1;
		order[n++] = pick;
	}
	rt_free(done);
	return RETORT_OK;
}

static int write_ddl(rt_ctx *ctx, const rt_schema *s, retort_sink *sk)
{
	size_t *order = NULL, i, k;
	unsigned char **deferred = NULL, *flags = NULL;
	size_t nfk = 0, ndeferred = 0;
	int rc = RETORT_OK, transactional = rn_dialect_is_transactional(ctx), add_fk = 1;

	for (i = 0; i < s->ntables; i++)
		nfk += s->tables[i].nfks;
	if (!(order = rt_calloc(s->ntables + 1, sizeof *order)) ||
	    !(deferred = rt_calloc(s->ntables + 1, sizeof *deferred)) || !(flags = rt_calloc(nfk + 1, 2))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (i = 0, k = 0; i < s->ntables; k += s->tables[i].nfks, i++)
		deferred[i] = flags + k;
	if ((rc = table_order(s, order, deferred)) < 0)
		goto done;
	for (i = 0; i < nfk; i++)
		ndeferred += flags[i];
	/* a dialect that cannot add a foreign key to an existing table takes forward references in CREATE TABLE */
	for (i = 0; i < s->ntables && ndeferred && add_fk; i++)
		for (k = 0; k < s->tables[i].nfks && add_fk; k++)
			if (deferred[i][k] && !can_add_fk(ctx, s->tables[i].name, &s->tables[i].fks[k]))
				add_fk = 0;
	if (!add_fk)
		memset(flags, 0, nfk);
	/* inline flags: the complement of deferred, in the second half of `flags` */
	for (i = 0; i < nfk; i++)
		flags[nfk + i] = !flags[i];

	if ((rc = rn_out_session(ctx, sk)) < 0)
		goto done;
	if (transactional)
		rn_out_stmt(ctx, "BEGIN");
	for (i = 0; i < s->nenums; i++) {
		retort_op op;
		op_init(&op, RETORT_OP_CREATE_ENUM);
		op.name = s->enums[i].name;
		op.column_names = (const char *const *)s->enums[i].values.v;
		op.ncolumn_names = s->enums[i].values.n;
		if ((rc = emit(ctx, &op, sk)) < 0)
			goto done;
	}
	for (i = 0; i < s->ntables; i++) {
		const rt_schema_table *t = &s->tables[order[i]];
		table_ops o;
		if ((rc = table_op(&o, t, flags + nfk + (deferred[order[i]] - flags))) < 0)
			goto done;
		rc = emit(ctx, &o.op, sk);
		ops_free(&o);
		if (rc < 0)
			goto done;
	}
	for (i = 0; i < s->ntables; i++) {
		const rt_schema_table *t = &s->tables[i];
		for (k = 0; k < t->nfks; k++) {
			retort_op op;
			retort_foreign_key fk;
			if (!deferred[i][k])
				continue;
			op_init(&op, RETORT_OP_CREATE_FOREIGN_KEY);
			fk_of(&fk, &t->fks[k]);
			op.table = t->name;
			op.name = fk.name;
			op.foreign_keys = &fk;
			op.nforeign_keys = 1;
			if ((rc = emit(ctx, &op, sk)) < 0)
				goto done;
		}
	}
	for (i = 0; i < s->ntables; i++) {
		const rt_schema_table *t = &s->tables[i];
		for (k = 0; k < t->nindexes; k++) {
			const rt_schema_index *x = &t->indexes[k];
			retort_op op;
			if (x->origin == RETORT_INDEX_FOREIGN_KEY)
				continue;
			op_init(&op, RETORT_OP_CREATE_INDEX);
			op.name = x->name;
			op.table = t->name;
			op.column_names = (const char *const *)x->columns.v;
			op.ncolumn_names = x->columns.n;
			op.expression = x->expression;
			op.unique = x->unique;
			op.where = x->where;
			if ((rc = emit(ctx, &op, sk)) < 0)
				goto done;
		}
	}
	if (transactional)
		rn_out_stmt(ctx, "COMMIT");
done:
	rt_free(order);
	rt_free(deferred);
	rt_free(flags);
	return rc;
}

int rt_schema_write_sql(rt_ctx *ctx, const rt_schema *s, FILE *f)
{
	FILE *saved;
	rn_script_out so;
	retort_sink sk;
	int rc;
	if ((rc = rt_ctx_dialect(ctx)) < 0)
		return rc;
	saved = ctx->sql_out;
	ctx->sql_out = f;
	if ((rc = rn_script_open(ctx, &so)) < 0) {
		ctx->sql_out = saved;
		return rc;
	}
	rt_sink_init(&sk);
	rc = write_ddl(ctx, s, &sk);
	rt_sink_free(&sk);
	rc = rn_script_close(ctx, &so, rc);
	ctx->sql_out = saved;
	return rc;
}

/*
 * Names from the naming policies (convention) for what an operation leaves
 * unnamed: the index or constraint of a create_* operation, and the primary
 * key, unique constraints (table-level and a column's unique = true),
 * foreign keys and checks declared inside create_table.  A check's own name
 * goes through the policy too, as SQLAlchemy's %(constraint_name)s does
 * (ck_<table>_<name>); the policy answers "no rule" when its template does
 * not use the token, and the name stands.
 *
 * The names, and the constraint arrays made for a create_table, live in
 * ctx->names until the context is closed (the operations point into it).
 */
#include "config.h"
#include <string.h>

#include "runner.h"
#include "script.h"

/* Keep `p` (one rt_malloc'd block) until the context closes. */
static int keep(rt_ctx *ctx, void *p)
{
	RT_CHECK_ALLOC(p);
	return rt_strv_push_owned(&ctx->names, p);
}

/* Ask the policies for a name of `type`; *out stays NULL when none answers. */
static int ask(rt_ctx *ctx, const rt_revision *rev, const retort_op *op, size_t idx, const char *type,
               const char *const *columns, size_t ncolumns, const char *referred, const char *given, char **out)
{
	retort_name_request req;
	int rc;
	memset(&req, 0, sizeof req);
	req.size = sizeof req;
	req.type = type;
	req.table = op->table;
	req.columns = columns;
	req.ncolumns = columns ? ncolumns : 0;
	req.referred_table = referred;
	req.constraint_name = given;
	*out = NULL;
	if ((rc = rt_plugins_name(ctx->plugins, &req, out)) < 0) {
		rt_error_prefix("%s:%d: operation %zu", rev->path, op->line, idx + 1);
		return RETORT_EINVAL;
	}
	return *out ? keep(ctx, *out) : RETORT_OK;
}

/* A check's name through the policy: *name replaced when the policy rewrites it. */
static int name_check(rt_ctx *ctx, const rt_revision *rev, const retort_op *op, size_t idx, const char **name)
{
	char *n = NULL;
	int rc = ask(ctx, rev, op, idx, "ck", NULL, 0, NULL, *name, &n);
	if (rc == RETORT_OK && n)
		*name = n;
	return rc;
}

/* The columns with primary_key = true as a table-level primary key named `name`. */
static int column_pk(rt_ctx *ctx, retort_op *op, const char *name)
{
	size_t i, n = 0;
	retort_constraint *pk;
	const char **cols;
	int rc;
	for (i = 0; i < op->ncolumns; i++)
		n += op->columns[i].primary_key ? 1 : 0;
	pk = rt_calloc(1, sizeof *pk + n * sizeof *cols);
	if ((rc = keep(ctx, pk)) < 0)
		return rc;
	cols = (const char **)(pk + 1);
	for (i = 0, n = 0; i < op->ncolumns; i++)
		if (op->columns[i].primary_key)
			cols[n++] = op->columns[i].name;
	pk->size = sizeof *pk;
	pk->name = name;
	pk->columns = cols;
	pk->ncolumns = n;
	op->primary_key = pk;
	return RETORT_OK;
}

/* A column's unique = true as a named unique constraint of the table, appended to op->uniques. */
static int column_unique(rt_ctx *ctx, retort_op *op, retort_column *c, const char *name)
{
	retort_constraint *u = rt_calloc(op->nuniques + 1, sizeof *u + sizeof(const char *));
	const char **col;
	int rc;
	if ((rc = keep(ctx, u)) < 0)
		return rc;
	col = (const char **)(u + op->nuniques + 1);
	if (op->nuniques)
		memcpy(u, op->uniques, op->nuniques * sizeof *u);
	*col = c->name;
	u[op->nuniques].size = sizeof *u;
	u[op->nuniques].name = name;
	u[op->nuniques].columns = col;
	u[op->nuniques].ncolumns = 1;
	op->uniques = u;
	op->nuniques++;
	c->unique = 0;
	return RETORT_OK;
}

static int name_table(rt_ctx *ctx, const rt_revision *rev, retort_op *op, size_t idx)
{
	size_t i, npk = 0;
	char *n;
	int rc;
	for (i = 0; i < op->ncolumns; i++)
		npk += op->columns[i].primary_key ? 1 : 0;
	if (op->primary_key && !op->primary_key->name) {
		if ((rc = ask(ctx, rev, op, idx, "pk", op->primary_key->columns, op->primary_key->ncolumns, NULL, NULL,
		              &n)) < 0)
			return rc;
		((retort_constraint *)op->primary_key)->name = n;
	} else if (!op->primary_key && npk) {
		const char **cols = rt_calloc(npk, sizeof *cols);
		size_t k = 0;
		if (!cols) {
			rt_error_set("out of memory");
			return RETORT_ENOMEM;
		}
		for (i = 0; i < op->ncolumns; i++)
			if (op->columns[i].primary_key)
				cols[k++] = op->columns[i].name;
		rc = ask(ctx, rev, op, idx, "pk", cols, npk, NULL, NULL, &n);
		rt_free(cols);
		if (rc < 0 || (n && (rc = column_pk(ctx, op, n)) < 0))
			return rc;
	}
	for (i = 0; i < op->nuniques; i++) {
		retort_constraint *u = (retort_constraint *)&op->uniques[i];
		if (u->name)
			continue;
		if ((rc = ask(ctx, rev, op, idx, "uq", u->columns, u->ncolumns, NULL, NULL, &n)) < 0)
			return rc;
		u->name = n;
	}
	for (i = 0; i < op->ncolumns; i++) {
		retort_column *c = (retort_column *)&op->columns[i];
		if (!c->unique || c->primary_key)
			continue;
		if ((rc = ask(ctx, rev, op, idx, "uq", &c->name, 1, NULL, NULL, &n)) < 0)
			return rc;
		if (n && (rc = column_unique(ctx, op, c, n)) < 0)
			return rc;
	}
	for (i = 0; i < op->nforeign_keys; i++) {
		retort_foreign_key *fk = (retort_foreign_key *)&op->foreign_keys[i];
		if (fk->name)
			continue;
		if ((rc = ask(ctx, rev, op, idx, "fk", fk->columns, fk->ncolumns, fk->ref_table, NULL, &n)) < 0)
			return rc;
		fk->name = n;
	}
	for (i = 0; i < op->nchecks; i++) {
		retort_constraint *ck = (retort_constraint *)&op->checks[i];
		if (!ck->name) {
			if ((rc = ask(ctx, rev, op, idx, "ck", NULL, 0, NULL, NULL, &n)) < 0)
				return rc;
			ck->name = n;
		} else if ((rc = name_check(ctx, rev, op, idx, &ck->name)) < 0) {
			return rc;
		}
	}
	return RETORT_OK;
}

int rt_name_op(rt_ctx *ctx, const rt_revision *rev, retort_op *op, size_t idx)
{
	const char *type, *const *cols = op->column_names, *referred = NULL;
	size_t ncols = op->ncolumn_names;
	char *name = NULL;
	int rc;
	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		return name_table(ctx, rev, op, idx);
	case RETORT_OP_CREATE_INDEX:
		type = "ix";
		break;
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
		type = "uq";
		break;
	case RETORT_OP_CREATE_PRIMARY_KEY:
		type = "pk";
		break;
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		if (op->name)
			return name_check(ctx, rev, op, idx, &op->name);
		type = "ck";
		cols = NULL;
		ncols = 0;
		break;
	case RETORT_OP_DROP_CONSTRAINT:
		/* the name a create_check_constraint of this name was given */
		if (op->name && op->constraint_type && strcmp(op->constraint_type, "check") == 0)
			return name_check(ctx, rev, op, idx, &op->name);
		return RETORT_OK;
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (!op->foreign_keys)
			return RETORT_OK;
		type = "fk";
		cols = op->foreign_keys->columns;
		ncols = op->foreign_keys->ncolumns;
		referred = op->foreign_keys->ref_table;
		break;
	default:
		return RETORT_OK;
	}
	if (op->name)
		return RETORT_OK;
	if ((rc = ask(ctx, rev, op, idx, type, cols, ncols, referred, NULL, &name)) < 0)
		return rc;
	if (!name) {
		rt_error_set("%s:%d: operation %zu (%s) has no name and no naming policy gives one: write name = \"...\" "
		             "or declare the convention plugin",
		             rev->path, op->line, idx + 1, rt_op_kind_name(op->kind));
		return RETORT_EINVAL;
	}
	op->name = name;
	if (op->kind == RETORT_OP_CREATE_FOREIGN_KEY)
		((retort_foreign_key *)op->foreign_keys)->name = name;
	return RETORT_OK;
}

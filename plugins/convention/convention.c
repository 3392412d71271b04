/*
 * convention: names indexes and constraints from Alembic/SQLAlchemy-style
 * naming conventions, and checks that scripts follow them.
 *
 * Settings, each optional: ix, uq, fk, pk, ck — one template per object
 * type, with SQLAlchemy's tokens:
 *   %(table_name)s            the table
 *   %(referred_table_name)s   fk: the referenced table
 *   %(constraint_name)s       the name given in the script (ck)
 *   %(column_0_name)s         the first column (column_1_name the second...)
 *   %(column_0_label)s        <table>_<column>
 *   %(column_0_key)s          the column's key: its name here
 *   %(column_0N_name)s        all columns, concatenated ("ab")
 *   %(column_0_N_name)s       all columns joined by "_" ("a_b")
 *   (and the N forms of _label and _key alike); "%%" is a literal '%'.
 * referred_column_* tokens are refused: a name request carries no
 * referred columns.
 *
 * As in SQLAlchemy, a template using %(constraint_name)s needs an explicit
 * name, and a name already of the convention's form is not wrapped again
 * when checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <retort/naming.h>
#include <retort/plugin.h>
#include <retort/sdk.h>
#include <retort/types.h>

#define NTYPES 5

static const char *const type_keys[NTYPES] = {"ix", "uq", "fk", "pk", "ck"};
static const char *const type_nouns[NTYPES] = {"index", "unique constraint", "foreign key", "primary key",
                                               "check constraint"};

/* Stands for %(constraint_name)s when matching names against a template. */
#define WILDCARD '\x01'

typedef struct conv_state {
	const retort_host *host;
	char *tmpl[NTYPES]; /* NULL: no convention for that type */
} conv_state;

static int type_index(const char *type)
{
	int i;
	if (!type)
		return -1;
	for (i = 0; i < NTYPES; i++)
		if (strcmp(type_keys[i], type) == 0)
			return i;
	return -1;
}

/*
 * One column token: column_<digits>[_N|N]_<name|label|key>.  Returns 1 and
 * fills the fields when `tok` (of length n) is one, else 0.
 */
static int parse_column_token(const char *tok, size_t n, unsigned long *idx, int *all, const char **sep,
                              int *label)
{
	const char *p = tok, *e = tok + n;
	char *end;
	if (n < 7 || strncmp(p, "column_", 7) != 0)
		return 0;
	p += 7;
	if (p >= e || *p < '0' || *p > '9')
		return 0;
	*idx = strtoul(p, &end, 10);
	p = end;
	*all = 0;
	*sep = "";
	if (e - p >= 2 && strncmp(p, "_N", 2) == 0 && (e - p == 2 || p[2] == '_')) {
		*all = 1;
		*sep = "_";
		p += 2;
	} else if (p < e && *p == 'N') {
		*all = 1;
		p += 1;
	}
	if ((size_t)(e - p) == 5 && strncmp(p, "_name", 5) == 0)
		*label = 0;
	else if ((size_t)(e - p) == 4 && strncmp(p, "_key", 4) == 0)
		*label = 0;
	else if ((size_t)(e - p) == 6 && strncmp(p, "_label", 6) == 0)
		*label = 1;
	else
		return 0;
	return 1;
}

/*
 * Expand template `t` for `req` into `out`.  With req == NULL only checks
 * the template.  `wildcard` renders %(constraint_name)s as WILDCARD.
 * On error writes the reason into why[] and returns RETORT_EINVAL.
 */
static int expand(const char *t, const retort_name_request *req, int wildcard, retort_strbuf *out, char *why, size_t nwhy)
{
	const char *p = t;
	while (*p) {
		const char *pct = strchr(p, '%'), *close;
		size_t n;
		unsigned long idx;
		int all, label;
		const char *sep;
		if (!pct) {
			retort_strbuf_puts(out, p);
			break;
		}
		retort_strbuf_add(out, p, (size_t)(pct - p));
		if (pct[1] == '%') {
			retort_strbuf_add(out, "%", 1);
			p = pct + 2;
			continue;
		}
		if (pct[1] != '(' || !(close = strchr(pct + 2, ')')) || close[1] != 's') {
			snprintf(why, nwhy, "bad '%%' at offset %d (use %%(token)s, or %%%% for a literal '%%')",
			         (int)(pct - t));
			return RETORT_EINVAL;
		}
		p = close + 2;
		n = (size_t)(close - (pct + 2));
		pct += 2; /* the token */
#define IS(lit) (n == sizeof(lit) - 1 && strncmp(pct, lit, n) == 0)
		if (IS("table_name")) {
			if (!req)
				continue;
			if (!req->table) {
				snprintf(why, nwhy, "%%(table_name)s needs a table name");
				return RETORT_EINVAL;
			}
			retort_strbuf_puts(out, req->table);
		} else if (IS("referred_table_name")) {
			if (!req)
				continue;
			if (!req->referred_table) {
				snprintf(why, nwhy, "%%(referred_table_name)s needs a referred table (foreign keys only)");
				return RETORT_EINVAL;
			}
			retort_strbuf_puts(out, req->referred_table);
		} else if (IS("constraint_name")) {
			if (!req)
				continue;
			if (wildcard) {
				char w = WILDCARD;
				retort_strbuf_add(out, &w, 1);
			} else if (!req->constraint_name || !*req->constraint_name) {
				snprintf(why, nwhy,
				         "a naming convention including %%(constraint_name)s needs the constraint to be "
				         "explicitly named");
				return RETORT_EINVAL;
			} else {
				retort_strbuf_puts(out, req->constraint_name);
			}
		} else if (parse_column_token(pct, n, &idx, &all, &sep, &label)) {
			size_t i, from, to;
			if (!req)
				continue;
			if (req->ncolumns == 0 || (!all && idx >= req->ncolumns)) {
				snprintf(why, nwhy, "%%(%.*s)s needs column %lu but there %s %zu", (int)n, pct, idx,
				         req->ncolumns == 1 ? "is" : "are", req->ncolumns);
				return RETORT_EINVAL;
			}
			from = all ? 0 : idx;
			to = all ? req->ncolumns : idx + 1;
			for (i = from; i < to; i++) {
				const char *col = req->columns[i] ? req->columns[i] : "";
				if (i > from)
					retort_strbuf_puts(out, sep);
				if (label) {
					if (!req->table) {
						snprintf(why, nwhy, "%%(%.*s)s needs a table name", (int)n, pct);
						return RETORT_EINVAL;
					}
					retort_strbuf_puts(out, req->table);
					retort_strbuf_puts(out, "_");
				}
				retort_strbuf_puts(out, col);
			}
		} else if (n > 9 && strncmp(pct, "referred_", 9) == 0 && parse_column_token(pct + 9, n - 9, &idx, &all,
		                                                                              &sep, &label)) {
			snprintf(why, nwhy, "token '%%(%.*s)s' is not supported (retort does not pass referred columns)",
			         (int)n, pct);
			return RETORT_EINVAL;
		} else {
			snprintf(why, nwhy, "unknown token '%%(%.*s)s'", (int)n, pct);
			return RETORT_EINVAL;
		}
#undef IS
	}
	return out->status;
}

/* ---- init ---- */

static void conv_fini(void *state)
{
	conv_state *st = state;
	int i;
	if (!st)
		return;
	for (i = 0; i < NTYPES; i++)
		st->host->free(st->tmpl[i]);
	st->host->free(st);
}

static int conv_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s,
                     retort_plugin_kind kind, void **state_out)
{
	conv_state *st;
	const char *key = NULL;
	char why[256];
	int i, rc;

	if (kind != RETORT_KIND_NAMING) {
		host->set_error(h, "convention provides the kind \"naming\" only (asked for kind %d)", (int)kind);
		return RETORT_EINVAL;
	}
	while ((key = host->setting_next_key(s, key)) != NULL) {
		if (type_index(key) < 0) {
			host->setting_error(h, s, key, "unknown setting '%s'", key);
			return RETORT_EINVAL;
		}
	}
	st = host->malloc(sizeof *st);
	if (!st) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memset(st, 0, sizeof *st);
	st->host = host;
	for (i = 0; i < NTYPES; i++) {
		const char *v = NULL;
		retort_strbuf check = {host, NULL, 0, 0, RETORT_OK};
		size_t n;
		rc = host->setting_string(s, type_keys[i], &v);
		if (rc == RETORT_ENOTSUPPORTED)
			continue;
		if (rc < 0 || !v) {
			host->setting_error(h, s, type_keys[i], "setting '%s' must be a string (a naming template)",
			                    type_keys[i]);
			goto fail;
		}
		if (!*v) {
			host->setting_error(h, s, type_keys[i], "setting '%s' must not be empty", type_keys[i]);
			goto fail;
		}
		rc = expand(v, NULL, 0, &check, why, sizeof why);
		retort_strbuf_free(&check);
		if (rc == RETORT_ENOMEM) {
			host->set_error(h, "out of memory");
			conv_fini(st);
			return RETORT_ENOMEM;
		}
		if (rc < 0) {
			host->setting_error(h, s, type_keys[i], "naming convention '%s' = \"%s\": %s", type_keys[i], v,
			                    why);
			goto fail;
		}
		n = strlen(v);
		st->tmpl[i] = host->malloc(n + 1);
		if (!st->tmpl[i]) {
			host->set_error(h, "out of memory");
			conv_fini(st);
			return RETORT_ENOMEM;
		}
		memcpy(st->tmpl[i], v, n + 1);
	}
	*state_out = st;
	return RETORT_OK;
fail:
	conv_fini(st);
	return RETORT_EINVAL;
}

/* ---- name_object ---- */

/* Does `name` match `pat`, where each WILDCARD stands for one or more characters? */
static int wild_match(const char *pat, const char *name)
{
	if (!*pat)
		return !*name;
	if (*pat == WILDCARD) {
		const char *s;
		if (!*name)
			return 0;
		for (s = name + 1;; s++) {
			if (wild_match(pat + 1, s))
				return 1;
			if (!*s)
				return 0;
		}
	}
	return *pat == *name && wild_match(pat + 1, name + 1);
}


static int conv_name_object(void *state, retort_host_ctx *h, const retort_name_request *req, retort_sink *out)
{
	conv_state *st = state;
	const retort_host *host = st->host;
	int t = type_index(req->type), rc;
	retort_strbuf b = {host, NULL, 0, 0, RETORT_OK};
	char why[256];

	if (t < 0 || !st->tmpl[t]) {
		host->set_error(h, "no naming convention for '%s'", req->type ? req->type : "(null)");
		return RETORT_ENOTSUPPORTED;
	}
	if (req->constraint_name && *req->constraint_name) {
		/*
		 * A name the script gave: the template applies only through
		 * %(constraint_name)s (as in SQLAlchemy), and a name already of
		 * the template's form stands (it is not wrapped twice).
		 */
		if (!strstr(st->tmpl[t], "%(constraint_name)s")) {
			host->set_error(h, "the convention for '%s' does not use the name given", req->type);
			return RETORT_ENOTSUPPORTED;
		}
		rc = expand(st->tmpl[t], req, 1, &b, why, sizeof why);
		if (rc == RETORT_OK && wild_match(retort_strbuf_cstr(&b), req->constraint_name)) {
			retort_strbuf_free(&b);
			return host->sink_add(out, req->constraint_name, strlen(req->constraint_name));
		}
		retort_strbuf_free(&b);
		memset(&b, 0, sizeof b);
		b.host = host;
	}
	rc = expand(st->tmpl[t], req, 0, &b, why, sizeof why);
	if (rc == RETORT_OK)
		rc = host->sink_add(out, retort_strbuf_cstr(&b), b.len);
	if (rc == RETORT_ENOMEM)
		host->set_error(h, "out of memory");
	else if (rc < 0)
		host->set_error(h, "cannot name %s on '%s' with convention '%s': %s", type_nouns[t],
		                req->table ? req->table : "?", st->tmpl[t], why);
	retort_strbuf_free(&b);
	return rc;
}

/* ---- check ---- */

typedef struct check_ctx {
	conv_state *st;
	retort_host_ctx *h;
	retort_violation_fn violation;
	void *arg;
	char where[48];
} check_ctx;

/* Check one named object; returns a negative status only when the host's callback asked to stop. */
static int check_one(check_ctx *c, int t, const char *name, const char *table, const char *const *columns,
                     size_t ncolumns, const char *referred_table)
{
	const retort_host *host = c->st->host;
	retort_name_request req;
	retort_strbuf expected, pattern, msg;
	char why[256];
	int rc, ok;

	if (!name || !c->st->tmpl[t])
		return RETORT_OK;
	retort_strbuf_init(&expected, host);
	retort_strbuf_init(&pattern, host);
	retort_strbuf_init(&msg, host);
	memset(&req, 0, sizeof req);
	req.size = sizeof req;
	req.type = type_keys[t];
	req.table = table;
	req.columns = columns;
	req.ncolumns = columns ? ncolumns : 0;
	req.referred_table = referred_table;
	req.constraint_name = name;

	rc = expand(c->st->tmpl[t], &req, 0, &expected, why, sizeof why);
	if (rc == RETORT_OK)
		rc = expand(c->st->tmpl[t], &req, 1, &pattern, why, sizeof why);
	if (rc == RETORT_ENOMEM) {
		ok = 0;
	} else if (rc < 0) {
		retort_strbuf_puts(&msg, type_nouns[t]);
		retort_strbuf_puts(&msg, " '");
		retort_strbuf_puts(&msg, name);
		retort_strbuf_puts(&msg, "': convention '");
		retort_strbuf_puts(&msg, c->st->tmpl[t]);
		retort_strbuf_puts(&msg, "' cannot be applied: ");
		retort_strbuf_puts(&msg, why);
		ok = 0;
	} else {
		ok = strcmp(name, retort_strbuf_cstr(&expected)) == 0 || wild_match(retort_strbuf_cstr(&pattern), name);
		if (!ok) {
			retort_strbuf_puts(&msg, type_nouns[t]);
			retort_strbuf_puts(&msg, " '");
			retort_strbuf_puts(&msg, name);
			retort_strbuf_puts(&msg, "' does not follow convention '");
			retort_strbuf_puts(&msg, c->st->tmpl[t]);
			retort_strbuf_puts(&msg, "' (expected '");
			retort_strbuf_puts(&msg, retort_strbuf_cstr(&expected));
			retort_strbuf_puts(&msg, "')");
		}
	}
	if (expected.status || pattern.status || msg.status) {
		host->set_error(c->h, "out of memory");
		rc = RETORT_ENOMEM;
	} else if (!ok) {
		rc = c->violation(c->arg, "naming", retort_strbuf_cstr(&msg), c->where);
		if (rc < 0)
			host->set_error(c->h, "stopped by the host while reporting a violation (status %d)", rc);
		else
			rc = RETORT_OK;
	} else {
		rc = RETORT_OK;
	}
	retort_strbuf_free(&expected);
	retort_strbuf_free(&pattern);
	retort_strbuf_free(&msg);
	return rc;
}

static int check_op(check_ctx *c, const retort_op *op)
{
	size_t i;
	int rc = RETORT_OK;
	switch (op->kind) {
	case RETORT_OP_CREATE_INDEX:
		return check_one(c, 0, op->name, op->table, op->column_names, op->ncolumn_names, NULL);
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
		return check_one(c, 1, op->name, op->table, op->column_names, op->ncolumn_names, NULL);
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (op->nforeign_keys < 1 || !op->foreign_keys)
			return RETORT_OK;
		return check_one(c, 2, op->foreign_keys[0].name ? op->foreign_keys[0].name : op->name, op->table,
		                 op->foreign_keys[0].columns, op->foreign_keys[0].ncolumns, op->foreign_keys[0].ref_table);
	case RETORT_OP_CREATE_PRIMARY_KEY:
		return check_one(c, 3, op->name, op->table, op->column_names, op->ncolumn_names, NULL);
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		return check_one(c, 4, op->name, op->table, NULL, 0, NULL);
	case RETORT_OP_CREATE_TABLE:
		/* named constraints declared inline */
		if (op->primary_key)
			rc = check_one(c, 3, op->primary_key->name, op->table, op->primary_key->columns,
			               op->primary_key->ncolumns, NULL);
		for (i = 0; rc == RETORT_OK && op->uniques && i < op->nuniques; i++)
			rc = check_one(c, 1, op->uniques[i].name, op->table, op->uniques[i].columns, op->uniques[i].ncolumns,
			               NULL);
		for (i = 0; rc == RETORT_OK && op->foreign_keys && i < op->nforeign_keys; i++)
			rc = check_one(c, 2, op->foreign_keys[i].name, op->table, op->foreign_keys[i].columns,
			               op->foreign_keys[i].ncolumns, op->foreign_keys[i].ref_table);
		for (i = 0; rc == RETORT_OK && op->checks && i < op->nchecks; i++)
			rc = check_one(c, 4, op->checks[i].name, op->table, NULL, 0, NULL);
		return rc;
	default:
		return RETORT_OK;
	}
}

/*
 * Only the upgrade side is checked: a downgrade recreates whatever existed
 * before, under its old name, convention or not.
 */
static int conv_check(void *state, retort_host_ctx *h, const retort_script *script, retort_violation_fn violation,
                      void *arg)
{
	check_ctx c;
	size_t i;
	int rc;
	memset(&c, 0, sizeof c);
	c.st = state;
	c.h = h;
	c.violation = violation;
	c.arg = arg;
	for (i = 0; script->upgrade && i < script->nupgrade; i++) {
		const retort_op *op = &script->upgrade[i];
		snprintf(c.where, sizeof c.where, "upgrade[%zu]", i);
		rc = check_op(&c, op);
		if (rc < 0)
			return rc;
	}
	return RETORT_OK;
}

static const retort_naming_vtable conv_vt = {
	.size = sizeof(retort_naming_vtable),
	.name_object = conv_name_object,
	.check = conv_check,
};

static const retort_plugin_impl conv_impls[] = {
	{RETORT_KIND_NAMING, &conv_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "convention", .version = "1.0.0",
                     .description = "name indexes and constraints from naming conventions (Alembic tokens)",
                     .impls = conv_impls, .init = conv_init, .fini = conv_fini);

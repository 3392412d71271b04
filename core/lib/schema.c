/* The schema model: building it (from a dialect's reflect), sorting, comparing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* ---- lifetime ---- */

rt_schema *rt_schema_new(void)
{
	rt_schema *s = rt_calloc(1, sizeof *s);
	if (!s)
		rt_error_set("out of memory");
	return s;
}

static void key_free(rt_schema_key *k)
{
	rt_free(k->name);
	rt_strv_free(&k->columns);
}

static void table_free(rt_schema_table *t)
{
	size_t i;
	rt_free(t->name);
	rt_free(t->comment);
	for (i = 0; i < t->ncolumns; i++) {
		rt_free(t->columns[i].name);
		rt_free(t->columns[i].type);
		rt_free(t->columns[i].server_default);
		rt_free(t->columns[i].comment);
		rt_free(t->columns[i].renamed_from);
	}
	rt_free(t->columns);
	rt_free(t->renamed_from);
	if (t->primary_key) {
		key_free(t->primary_key);
		rt_free(t->primary_key);
	}
	for (i = 0; i < t->nuniques; i++)
		key_free(&t->uniques[i]);
	rt_free(t->uniques);
	for (i = 0; i < t->nindexes; i++) {
		rt_free(t->indexes[i].name);
		rt_strv_free(&t->indexes[i].columns);
		rt_free(t->indexes[i].expression);
		rt_free(t->indexes[i].where);
	}
	rt_free(t->indexes);
	for (i = 0; i < t->nfks; i++) {
		rt_free(t->fks[i].name);
		rt_strv_free(&t->fks[i].columns);
		rt_free(t->fks[i].ref_table);
		rt_strv_free(&t->fks[i].ref_columns);
		rt_free(t->fks[i].on_delete);
		rt_free(t->fks[i].on_update);
	}
	rt_free(t->fks);
	for (i = 0; i < t->nchecks; i++) {
		rt_free(t->checks[i].name);
		rt_free(t->checks[i].expression);
	}
	rt_free(t->checks);
}

void rt_schema_free(rt_schema *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->ntables; i++)
		table_free(&s->tables[i]);
	rt_free(s->tables);
	for (i = 0; i < s->nenums; i++) {
		rt_free(s->enums[i].name);
		rt_strv_free(&s->enums[i].values);
	}
	rt_free(s->enums);
	rt_strv_free(&s->unsupported_what);
	rt_strv_free(&s->unsupported_why);
	rt_strv_free(&s->skip);
	rt_free(s->hash);
	rt_free(s);
}

/* ---- the table index: name -> position (open addressing, FNV-1a) ---- */

static size_t name_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

static void hash_put(size_t *hash, size_t cap, const rt_schema_table *tables, size_t idx)
{
	size_t i = name_hash(tables[idx].name) & (cap - 1);
	while (hash[i])
		i = (i + 1) & (cap - 1);
	hash[i] = idx + 1;
}

static int hash_grow(rt_schema *s)
{
	size_t cap = s->hashcap ? s->hashcap * 2 : 64, i;
	size_t *h = rt_calloc(cap, sizeof *h);
	RT_CHECK_ALLOC(h);
	for (i = 0; i < s->ntables; i++)
		hash_put(h, cap, s->tables, i);
	rt_free(s->hash);
	s->hash = h;
	s->hashcap = cap;
	return RETORT_OK;
}

rt_schema_table *rt_schema_find_table(const rt_schema *s, const char *name)
{
	size_t i;
	if (!s->hashcap || !name)
		return NULL;
	for (i = name_hash(name) & (s->hashcap - 1); s->hash[i]; i = (i + 1) & (s->hashcap - 1))
		if (strcmp(s->tables[s->hash[i] - 1].name, name) == 0)
			return &s->tables[s->hash[i] - 1];
	return NULL;
}

/* ---- adding ---- */

static int dup_opt(char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = rt_strdup(s))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	return RETORT_OK;
}

static int dup_names(rt_strv *out, const char *const *v, size_t n, const char *what)
{
	size_t i;
	int rc;
	for (i = 0; i < n; i++) {
		if (!v[i]) {
			rt_error_set("reflect: %s has a NULL column name", what);
			return RETORT_EINVAL;
		}
		if ((rc = rt_strv_push(out, v[i])) < 0)
			return rc;
	}
	return RETORT_OK;
}

static int skipped(const rt_schema *s, const char *table)
{
	return table && rt_strv_find(&s->skip, table) >= 0;
}

/* The table an object is on: RETORT_OK with *t NULL when the table is skipped. */
static int owner(rt_schema *s, const char *table, const char *what, const char *name, rt_schema_table **t)
{
	*t = NULL;
	if (skipped(s, table))
		return RETORT_OK;
	if (!table || !(*t = rt_schema_find_table(s, table))) {
		rt_error_set("reflect: %s %s%s%son table '%s', which was not reported before it", what, name ? "'" : "",
		             name ? name : "", name ? "' " : "", table ? table : "(null)");
		return RETORT_EINVAL;
	}
	return RETORT_OK;
}

int rt_schema_add_table(rt_schema *s, const char *name, const char *comment)
{
	rt_schema_table *t, *v;
	int rc;
	if (!name || !*name) {
		rt_error_set("reflect: a table without a name");
		return RETORT_EINVAL;
	}
	if (skipped(s, name))
		return RETORT_OK;
	if (rt_schema_find_table(s, name)) {
		rt_error_set("reflect: table '%s' reported twice", name);
		return RETORT_EINVAL;
	}
	if (!(v = rt_grow(s->tables, &s->captables, s->ntables, sizeof *v, 16)))
		RT_CHECK_ALLOC(NULL);
	s->tables = v;
	t = &s->tables[s->ntables];
	memset(t, 0, sizeof *t);
	if ((rc = dup_opt(&t->name, name)) < 0 || (rc = dup_opt(&t->comment, comment)) < 0) {
		table_free(t);
		return rc;
	}
	s->ntables++;
	if (s->ntables * 2 > s->hashcap)
		return hash_grow(s);
	hash_put(s->hash, s->hashcap, s->tables, s->ntables - 1);
	return RETORT_OK;
}

int rt_schema_add_column(rt_schema *s, const retort_reflect_column *c)
{
	rt_schema_table *t;
	rt_schema_column *col, *v;
	int rc;
	if ((rc = owner(s, c->table, "column", c->name, &t)) < 0 || !t)
		return rc;
	if (!c->name || !c->type) {
		rt_error_set("reflect: a column of table '%s' without a %s", t->name, c->name ? "type" : "name");
		return RETORT_EINVAL;
	}
	if (!(v = rt_grow(t->columns, &t->capcolumns, t->ncolumns, sizeof *v, 8)))
		RT_CHECK_ALLOC(NULL);
	t->columns = v;
	col = &t->columns[t->ncolumns++];
	memset(col, 0, sizeof *col);
	col->position = c->position;
	col->nullable = c->nullable != 0;
	col->autoincrement = c->autoincrement != 0;
	if ((rc = dup_opt(&col->name, c->name)) < 0 || (rc = dup_opt(&col->type, c->type)) < 0 ||
	    (rc = dup_opt(&col->server_default, c->server_default)) < 0 || (rc = dup_opt(&col->comment, c->comment)) < 0)
		return rc;
	return RETORT_OK;
}

int rt_schema_add_index(rt_schema *s, const retort_reflect_index *ix)
{
	rt_schema_table *t;
	rt_schema_index *x, *v;
	int rc;
	if ((rc = owner(s, ix->table, "index", ix->name, &t)) < 0 || !t)
		return rc;
	if (!ix->name || (!ix->expression && ix->ncolumns == 0)) {
		rt_error_set("reflect: an index of table '%s' without a %s", t->name, ix->name ? "key" : "name");
		return RETORT_EINVAL;
	}
	if (!(v = rt_grow(t->indexes, &t->capindexes, t->nindexes, sizeof *v, 4)))
		RT_CHECK_ALLOC(NULL);
	t->indexes = v;
	x = &t->indexes[t->nindexes++];
	memset(x, 0, sizeof *x);
	x->unique = ix->unique != 0;
	x->origin = ix->origin;
	if ((rc = dup_opt(&x->name, ix->name)) < 0 || (rc = dup_opt(&x->expression, ix->expression)) < 0 ||
	    (rc = dup_opt(&x->where, ix->where)) < 0)
		return rc;
	if (!ix->expression && (rc = dup_names(&x->columns, ix->columns, ix->ncolumns, "an index")) < 0)
		return rc;
	return RETORT_OK;
}

static int add_key(rt_schema_key *k, const retort_reflect_constraint *c)
{
	int rc;
	memset(k, 0, sizeof *k);
	if ((rc = dup_opt(&k->name, c->name)) < 0)
		return rc;
	return dup_names(&k->columns, c->columns, c->ncolumns, "a key");
}

int rt_schema_add_constraint(rt_schema *s, const retort_reflect_constraint *c)
{
	rt_schema_table *t;
	int rc;
	if ((rc = owner(s, c->table, "constraint", c->name, &t)) < 0 || !t)
		return rc;
	switch (c->kind) {
	case RETORT_CONSTRAINT_PRIMARY_KEY:
		if (t->primary_key) {
			rt_error_set("reflect: table '%s' has two primary keys", t->name);
			return RETORT_EINVAL;
		}
		if (c->ncolumns == 0)
			break;
		RT_CHECK_ALLOC(t->primary_key = rt_calloc(1, sizeof *t->primary_key));
		return add_key(t->primary_key, c);
	case RETORT_CONSTRAINT_UNIQUE: {
		rt_schema_key *v;
		if (c->ncolumns == 0)
			break;
		if (!(v = rt_grow(t->uniques, &t->capuniques, t->nuniques, sizeof *v, 4)))
			RT_CHECK_ALLOC(NULL);
		t->uniques = v;
		return add_key(&t->uniques[t->nuniques++], c);
	}
	case RETORT_CONSTRAINT_FOREIGN_KEY: {
		rt_schema_fk *v, *fk;
		if (c->ncolumns == 0 || !c->ref_table || c->nref_columns != c->ncolumns)
			break;
		if (!(v = rt_grow(t->fks, &t->capfks, t->nfks, sizeof *v, 4)))
			RT_CHECK_ALLOC(NULL);
		t->fks = v;
		fk = &t->fks[t->nfks++];
		memset(fk, 0, sizeof *fk);
		if ((rc = dup_opt(&fk->name, c->name)) < 0 || (rc = dup_opt(&fk->ref_table, c->ref_table)) < 0 ||
		    (rc = dup_names(&fk->columns, c->columns, c->ncolumns, "a foreign key")) < 0 ||
		    (rc = dup_names(&fk->ref_columns, c->ref_columns, c->nref_columns, "a foreign key")) < 0)
			return rc;
		if ((rc = dup_opt(&fk->on_delete, c->on_delete && strcmp(c->on_delete, "no action") ? c->on_delete : NULL)) <
		            0 ||
		    (rc = dup_opt(&fk->on_update, c->on_update && strcmp(c->on_update, "no action") ? c->on_update : NULL)) < 0)
			return rc;
		return RETORT_OK;
	}
	case RETORT_CONSTRAINT_CHECK: {
		rt_schema_check *v, *ck;
		if (!c->expression)
			break;
		if (!(v = rt_grow(t->checks, &t->capchecks, t->nchecks, sizeof *v, 4)))
			RT_CHECK_ALLOC(NULL);
		t->checks = v;
		ck = &t->checks[t->nchecks++];
		memset(ck, 0, sizeof *ck);
		if ((rc = dup_opt(&ck->name, c->name)) < 0 || (rc = dup_opt(&ck->expression, c->expression)) < 0)
			return rc;
		return RETORT_OK;
	}
	default:
		rt_error_set("reflect: constraint of unknown kind %d on table '%s'", (int)c->kind, t->name);
		return RETORT_EINVAL;
	}
	rt_error_set("reflect: constraint %s%s%son table '%s' is incomplete (no columns, expression or referenced "
	             "table)",
	             c->name ? "'" : "", c->name ? c->name : "", c->name ? "' " : "", t->name);
	return RETORT_EINVAL;
}

int rt_schema_add_enum(rt_schema *s, const retort_reflect_enum *e)
{
	rt_schema_enum *v, *en;
	size_t i;
	int rc;
	if (!e->name) {
		rt_error_set("reflect: an enum without a name");
		return RETORT_EINVAL;
	}
	if (!(v = rt_grow(s->enums, &s->capenums, s->nenums, sizeof *v, 4)))
		RT_CHECK_ALLOC(NULL);
	s->enums = v;
	en = &s->enums[s->nenums++];
	memset(en, 0, sizeof *en);
	if ((rc = dup_opt(&en->name, e->name)) < 0)
		return rc;
	for (i = 0; i < e->nvalues; i++)
		if ((rc = rt_strv_push(&en->values, e->values[i] ? e->values[i] : "")) < 0)
			return rc;
	return RETORT_OK;
}

int rt_schema_add_unsupported(rt_schema *s, const char *object, const char *reason)
{
	int rc;
	if ((rc = rt_strv_push(&s->unsupported_what, object ? object : "an object")) < 0)
		return rc;
	if ((rc = rt_strv_push(&s->unsupported_why, reason ? reason : "not supported")) < 0) {
		rt_strv_remove_at(&s->unsupported_what, s->unsupported_what.n - 1);
		return rc;
	}
	return RETORT_OK;
}

/* ---- the builder ---- */

static int b_table(void *arg, const retort_reflect_table *t)
{
	return rt_schema_add_table(arg, t->name, t->comment);
}

static int b_column(void *arg, const retort_reflect_column *c)
{
	return rt_schema_add_column(arg, c);
}

static int b_index(void *arg, const retort_reflect_index *ix)
{
	return rt_schema_add_index(arg, ix);
}

static int b_constraint(void *arg, const retort_reflect_constraint *c)
{
	return rt_schema_add_constraint(arg, c);
}

static int b_enum(void *arg, const retort_reflect_enum *e)
{
	return rt_schema_add_enum(arg, e);
}

static int b_unsupported(void *arg, const char *object, const char *reason)
{
	return rt_schema_add_unsupported(arg, object, reason);
}

static void b_round_trip(void *arg)
{
	((rt_schema *)arg)->round_trips++;
}

void rt_schema_builder_init(retort_schema_builder *b, rt_schema *s)
{
	memset(b, 0, sizeof *b);
	b->size = sizeof *b;
	b->arg = s;
	b->table = b_table;
	b->column = b_column;
	b->index = b_index;
	b->constraint = b_constraint;
	b->enum_type = b_enum;
	b->unsupported = b_unsupported;
	b->round_trip = b_round_trip;
}

/* ---- sorting ---- */

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return a ? -1 : b ? 1 : 0; /* present before absent */
	return strcmp(a, b);
}

/* as the lists joined with "," compare */
static int cmp_strv(const rt_strv *a, const rt_strv *b)
{
	char *x, *y;
	int c;
	if (a->n == 0 || b->n == 0)
		return a->n ? 1 : b->n ? -1 : 0;
	x = rt_strv_join(a, ",");
	y = rt_strv_join(b, ",");
	c = x && y ? strcmp(x, y) : 0;
	rt_free(x);
	rt_free(y);
	return c;
}

/* named first, by name; then the unnamed by their columns, then the rest */
static int cmp_named(const char *na, const char *nb)
{
	if (na && nb)
		return strcmp(na, nb);
	return na ? -1 : nb ? 1 : 0;
}

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const rt_schema_table *)a)->name, ((const rt_schema_table *)b)->name);
}

static int cmp_enum(const void *a, const void *b)
{
	return strcmp(((const rt_schema_enum *)a)->name, ((const rt_schema_enum *)b)->name);
}

static int cmp_column(const void *a, const void *b)
{
	const rt_schema_column *x = a, *y = b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_key(const void *a, const void *b)
{
	const rt_schema_key *x = a, *y = b;
	int c = cmp_named(x->name, y->name);
	return c ? c : cmp_strv(&x->columns, &y->columns);
}

static int cmp_index(const void *a, const void *b)
{
	const rt_schema_index *x = a, *y = b;
	int c = cmp_named(x->name, y->name);
	if (!c)
		c = cmp_strv(&x->columns, &y->columns);
	if (!c)
		c = cmp_str(x->expression, y->expression);
	return c ? c : cmp_str(x->where, y->where);
}

static int cmp_fk(const void *a, const void *b)
{
	const rt_schema_fk *x = a, *y = b;
	int c = cmp_named(x->name, y->name);
	if (!c)
		c = cmp_strv(&x->columns, &y->columns);
	if (!c)
		c = strcmp(x->ref_table, y->ref_table);
	return c ? c : cmp_strv(&x->ref_columns, &y->ref_columns);
}

static int cmp_check(const void *a, const void *b)
{
	const rt_schema_check *x = a, *y = b;
	int c = cmp_named(x->name, y->name);
	return c ? c : strcmp(x->expression, y->expression);
}

void rt_schema_sort(rt_schema *s)
{
	size_t i;
	if (s->ntables > 1) {
		qsort(s->tables, s->ntables, sizeof *s->tables, cmp_table);
		memset(s->hash, 0, s->hashcap * sizeof *s->hash);
		for (i = 0; i < s->ntables; i++)
			hash_put(s->hash, s->hashcap, s->tables, i);
	}
	if (s->nenums > 1)
		qsort(s->enums, s->nenums, sizeof *s->enums, cmp_enum);
	for (i = 0; i < s->ntables; i++) {
		rt_schema_table *t = &s->tables[i];
		if (t->ncolumns > 1)
			qsort(t->columns, t->ncolumns, sizeof *t->columns, cmp_column);
		if (t->nuniques > 1)
			qsort(t->uniques, t->nuniques, sizeof *t->uniques, cmp_key);
		if (t->nindexes > 1)
			qsort(t->indexes, t->nindexes, sizeof *t->indexes, cmp_index);
		if (t->nfks > 1)
			qsort(t->fks, t->nfks, sizeof *t->fks, cmp_fk);
		if (t->nchecks > 1)
			qsort(t->checks, t->nchecks, sizeof *t->checks, cmp_check);
	}
}

/* ---- comparing ---- */

typedef struct differ {
	rt_strv *out;
	size_t n;
	const char *table; /* current table, or NULL */
} differ;

static void diff(differ *d, const char *fmt, ...) RT_PRINTF(2, 3);
static void diff(differ *d, const char *fmt, ...)
{
	va_list ap;
	rt_buf b = RT_BUF_INIT;
	d->n++;
	if (!d->out)
		return;
	if (d->table)
		rt_buf_printf(&b, "table %s: ", d->table);
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.ptr)
		rt_strv_push_owned(d->out, rt_buf_detach(&b));
	rt_buf_free(&b);
}

#define NUL(s) ((s) ? (s) : "(none)")

static void diff_str(differ *d, const char *what, const char *a, const char *b)
{
	if (cmp_str(a, b) != 0)
		diff(d, "%s %s / %s", what, NUL(a), NUL(b));
}

static char *joined(const rt_strv *v)
{
	char *j = rt_strv_join(v, ", ");
	return j ? j : rt_strdup("");
}

static void diff_names(differ *d, const char *what, const rt_strv *a, const rt_strv *b)
{
	if (cmp_strv(a, b) != 0 || a->n != b->n) {
		char *x = joined(a), *y = joined(b);
		diff(d, "%s (%s) / (%s)", what, x ? x : "", y ? y : "");
		rt_free(x);
		rt_free(y);
	}
}

static void diff_columns(differ *d, const rt_schema_table *a, const rt_schema_table *b)
{
	size_t i, j;
	char what[512];
	for (i = 0; i < a->ncolumns; i++) {
		const rt_schema_column *x = &a->columns[i], *y = NULL;
		for (j = 0; j < b->ncolumns && !y; j++)
			if (strcmp(b->columns[j].name, x->name) == 0)
				y = &b->columns[j];
		if (!y) {
			diff(d, "column %s: only in the first", x->name);
			continue;
		}
		if (i != j - 1)
			diff(d, "column %s: position %zu / %zu", x->name, i + 1, j);
		snprintf(what, sizeof what, "column %s: type", x->name);
		diff_str(d, what, x->type, y->type);
		if (x->nullable != y->nullable)
			diff(d, "column %s: nullable %s / %s", x->name, x->nullable ? "true" : "false",
			     y->nullable ? "true" : "false");
		if (x->autoincrement != y->autoincrement)
			diff(d, "column %s: autoincrement %s / %s", x->name, x->autoincrement ? "true" : "false",
			     y->autoincrement ? "true" : "false");
		snprintf(what, sizeof what, "column %s: server_default", x->name);
		diff_str(d, what, x->server_default, y->server_default);
		snprintf(what, sizeof what, "column %s: comment", x->name);
		diff_str(d, what, x->comment, y->comment);
	}
	for (j = 0; j < b->ncolumns; j++) {
		for (i = 0; i < a->ncolumns && strcmp(a->columns[i].name, b->columns[j].name) != 0; i++)
			;
		if (i == a->ncolumns)
			diff(d, "column %s: only in the second", b->columns[j].name);
	}
}

/* Two sorted lists compared element by element; `cmp` pairs them, `one` compares a pair. */
typedef int (*cmp_fn)(const void *, const void *);
typedef void (*pair_fn)(differ *d, const void *a, const void *b);
typedef const char *(*label_fn)(const void *x, char *buf, size_t size);

static void diff_list(differ *d, const char *kind, const void *va, size_t na, const void *vb, size_t nb, size_t elem,
                      cmp_fn cmp, pair_fn one, label_fn label)
{
	const char *a = va, *b = vb;
	size_t i = 0, j = 0;
	char buf[512];
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp(a + i * elem, b + j * elem);
		if (c < 0) {
			diff(d, "%s %s: only in the first", kind, label(a + i * elem, buf, sizeof buf));
			i++;
		} else if (c > 0) {
			diff(d, "%s %s: only in the second", kind, label(b + j * elem, buf, sizeof buf));
			j++;
		} else {
			if (one)
				one(d, a + i * elem, b + j * elem);
			i++;
			j++;
		}
	}
}

static const char *label_names(const char *name, const rt_strv *cols, const char *expr, char *buf, size_t size)
{
	char *j;
	if (name)
		return name;
	j = joined(cols);
	snprintf(buf, size, "(%s)%s%s", j ? j : "", expr ? " " : "", expr ? expr : "");
	rt_free(j);
	return buf;
}

static const char *label_key(const void *x, char *buf, size_t size)
{
	const rt_schema_key *k = x;
	return label_names(k->name, &k->columns, NULL, buf, size);
}

static const char *label_index(const void *x, char *buf, size_t size)
{
	const rt_schema_index *k = x;
	return label_names(k->name, &k->columns, k->expression, buf, size);
}

static const char *label_fk(const void *x, char *buf, size_t size)
{
	const rt_schema_fk *k = x;
	return label_names(k->name, &k->columns, NULL, buf, size);
}

static const char *label_check(const void *x, char *buf, size_t size)
{
	const rt_schema_check *k = x;
	(void)buf;
	(void)size;
	return k->name ? k->name : k->expression;
}

/* pairs are matched by name (unnamed ones by their whole content) */
static int cmp_key_id(const void *a, const void *b)
{
	const rt_schema_key *x = a, *y = b;
	return x->name || y->name ? cmp_named(x->name, y->name) : cmp_key(a, b);
}

static void pair_key(differ *d, const void *a, const void *b)
{
	const rt_schema_key *x = a, *y = b;
	char what[512];
	snprintf(what, sizeof what, "unique %s: columns", x->name ? x->name : "");
	diff_names(d, what, &x->columns, &y->columns);
}

static int cmp_index_id(const void *a, const void *b)
{
	const rt_schema_index *x = a, *y = b;
	return x->name || y->name ? cmp_named(x->name, y->name) : cmp_index(a, b);
}

static void pair_index(differ *d, const void *a, const void *b)
{
	const rt_schema_index *x = a, *y = b;
	char what[512];
	snprintf(what, sizeof what, "index %s: columns", x->name);
	diff_names(d, what, &x->columns, &y->columns);
	snprintf(what, sizeof what, "index %s: expression", x->name);
	diff_str(d, what, x->expression, y->expression);
	snprintf(what, sizeof what, "index %s: where", x->name);
	diff_str(d, what, x->where, y->where);
	if (x->unique != y->unique)
		diff(d, "index %s: unique %s / %s", x->name, x->unique ? "true" : "false", y->unique ? "true" : "false");
	if (x->origin != y->origin)
		diff(d, "index %s: origin %s / %s", x->name, x->origin ? "foreign_key" : "user",
		     y->origin ? "foreign_key" : "user");
}

static int cmp_fk_id(const void *a, const void *b)
{
	const rt_schema_fk *x = a, *y = b;
	return x->name || y->name ? cmp_named(x->name, y->name) : cmp_fk(a, b);
}

static void pair_fk(differ *d, const void *a, const void *b)
{
	const rt_schema_fk *x = a, *y = b;
	const char *n = x->name ? x->name : "";
	char what[512];
	snprintf(what, sizeof what, "foreign key %s: columns", n);
	diff_names(d, what, &x->columns, &y->columns);
	snprintf(what, sizeof what, "foreign key %s: referenced table", n);
	diff_str(d, what, x->ref_table, y->ref_table);
	snprintf(what, sizeof what, "foreign key %s: referenced columns", n);
	diff_names(d, what, &x->ref_columns, &y->ref_columns);
	snprintf(what, sizeof what, "foreign key %s: on_delete", n);
	diff_str(d, what, x->on_delete ? x->on_delete : "no action", y->on_delete ? y->on_delete : "no action");
	snprintf(what, sizeof what, "foreign key %s: on_update", n);
	diff_str(d, what, x->on_update ? x->on_update : "no action", y->on_update ? y->on_update : "no action");
}

static int cmp_check_id(const void *a, const void *b)
{
	const rt_schema_check *x = a, *y = b;
	return x->name || y->name ? cmp_named(x->name, y->name) : cmp_check(a, b);
}

static void pair_check(differ *d, const void *a, const void *b)
{
	const rt_schema_check *x = a, *y = b;
	char what[512];
	snprintf(what, sizeof what, "check %s: expression", x->name ? x->name : "");
	diff_str(d, what, x->expression, y->expression);
}

static void diff_table(differ *d, const rt_schema_table *a, const rt_schema_table *b)
{
	d->table = a->name;
	diff_str(d, "comment", a->comment, b->comment);
	diff_columns(d, a, b);
	if (!a->primary_key != !b->primary_key) {
		diff(d, "primary key: only in the %s", a->primary_key ? "first" : "second");
	} else if (a->primary_key) {
		diff_str(d, "primary key: name", a->primary_key->name, b->primary_key->name);
		diff_names(d, "primary key: columns", &a->primary_key->columns, &b->primary_key->columns);
	}
	diff_list(d, "unique", a->uniques, a->nuniques, b->uniques, b->nuniques, sizeof *a->uniques, cmp_key_id, pair_key,
	          label_key);
	diff_list(d, "index", a->indexes, a->nindexes, b->indexes, b->nindexes, sizeof *a->indexes, cmp_index_id,
	          pair_index, label_index);
	diff_list(d, "foreign key", a->fks, a->nfks, b->fks, b->nfks, sizeof *a->fks, cmp_fk_id, pair_fk, label_fk);
	diff_list(d, "check", a->checks, a->nchecks, b->checks, b->nchecks, sizeof *a->checks, cmp_check_id, pair_check,
	          label_check);
	d->table = NULL;
}

static const char *label_table(const void *x, char *buf, size_t size)
{
	(void)buf;
	(void)size;
	return ((const rt_schema_table *)x)->name;
}

static const char *label_enum(const void *x, char *buf, size_t size)
{
	(void)buf;
	(void)size;
	return ((const rt_schema_enum *)x)->name;
}

static void pair_table(differ *d, const void *a, const void *b)
{
	diff_table(d, a, b);
}

static void pair_enum(differ *d, const void *a, const void *b)
{
	const rt_schema_enum *x = a, *y = b;
	char what[512];
	snprintf(what, sizeof what, "enum %s: values", x->name);
	diff_names(d, what, &x->values, &y->values);
}

size_t rt_schema_compare(const rt_schema *a, const rt_schema *b, rt_strv *diffs)
{
	differ d = {diffs, 0, NULL};
	diff_list(&d, "enum", a->enums, a->nenums, b->enums, b->nenums, sizeof *a->enums, cmp_enum, pair_enum, label_enum);
	diff_list(&d, "table", a->tables, a->ntables, b->tables, b->ntables, sizeof *a->tables, cmp_table, pair_table,
	          label_table);
	return d.n;
}

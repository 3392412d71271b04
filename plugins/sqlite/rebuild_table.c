/*
 * The sqlite dialect's table rebuilds (see rebuild.c): the live table read
 * from sqlite_master and its definition edited as text — tokens, the
 * column definitions and table constraints as items, the edit each
 * operation makes.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rebuild_int.h"

/* ---- tokens ---- */

enum { T_END = 0, T_WORD, T_QUOTED, T_STRING, T_PUNCT };

typedef struct tok {
	const char *s;
	size_t n;
	int kind;
} tok;

static int word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* The token at p (after blanks and comments); returns the position after it. */
static const char *next_tok(const char *p, tok *t)
{
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			break;
		}
	}
	t->s = p;
	if (!*p) {
		t->n = 0;
		t->kind = T_END;
		return p;
	}
	if (*p == '"' || *p == '`' || *p == '[' || *p == '\'') {
		char close = *p == '[' ? ']' : *p;
		const char *q = p + 1;
		for (; *q; q++) {
			if (*q == close) {
				if (close != ']' && q[1] == close)
					q++;
				else
					break;
			}
		}
		if (*q)
			q++;
		t->n = (size_t)(q - p);
		t->kind = *p == '\'' ? T_STRING : T_QUOTED;
		return q;
	}
	if (word_char((unsigned char)*p)) {
		const char *q = p;
		while (*q && word_char((unsigned char)*q))
			q++;
		t->n = (size_t)(q - p);
		t->kind = T_WORD;
		return q;
	}
	t->n = 1;
	t->kind = T_PUNCT;
	return p + 1;
}

static int is_kw(const tok *t, const char *kw)
{
	return t->kind == T_WORD && strlen(kw) == t->n && strncasecmp(t->s, kw, t->n) == 0;
}

static int is_punct(const tok *t, char c)
{
	return t->kind == T_PUNCT && t->s[0] == c;
}

static char *dupn(rb *b, const char *s, size_t n)
{
	char *p = b->host->malloc(n + 1);
	if (!p) {
		b->rc = RETORT_ENOMEM;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *dup(rb *b, const char *s)
{
	return s ? dupn(b, s, strlen(s)) : NULL;
}

static void strv_push(rb *b, strv *v, const char *s)
{
	char *d;
	if (b->rc != RETORT_OK)
		return;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		char **p = b->host->realloc(v->v, cap * sizeof *p);
		if (!p) {
			b->rc = RETORT_ENOMEM;
			return;
		}
		v->v = p;
		v->cap = cap;
	}
	if ((d = dup(b, s)) != NULL)
		v->v[v->n++] = d;
}

static void strv_free(rb *b, strv *v)
{
	size_t i;
	for (i = 0; i < v->n; i++)
		b->host->free(v->v[i]);
	b->host->free(v->v);
}

static void item_free(rb *b, item *it)
{
	b->host->free(it->text);
	b->host->free(it->name);
}

void rb_free(rb *b)
{
	size_t i;
	for (i = 0; i < b->nitems; i++)
		item_free(b, &b->items[i]);
	b->host->free(b->items);
	b->host->free(b->table);
	b->host->free(b->sql);
	b->host->free(b->tail);
	strv_free(b, &b->cast_cols);
	strv_free(b, &b->cast_types);
	strv_free(b, &b->old_types);
	strv_free(b, &b->dropped);
	strv_free(b, &b->idx_names);
	strv_free(b, &b->idx_sqls);
	strv_free(b, &b->trig_sqls);
	strv_free(b, &b->inbound);
}

void rb_buf_put(sqlite_buf *s, const char *t)
{
	sqlite_buf_add(s, t, strlen(t));
}

void rb_buf_literal(sqlite_buf *s, const char *text)
{
	const char *p, *q;
	rb_buf_put(s, "'");
	for (p = text; (q = strchr(p, '\'')) != NULL; p = q + 1) {
		sqlite_buf_add(s, p, (size_t)(q - p + 1));
		rb_buf_put(s, "'");
	}
	rb_buf_put(s, p);
	rb_buf_put(s, "'");
}


int rb_fail(rb *b, int rc, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!b->op)
		b->host->set_error(b->h, "%s", msg);
	else if (b->op->file && b->op->line)
		b->host->set_error(b->h, "%s:%d: %s: %s", b->op->file, b->op->line, sqlite_op_name(b->op), msg);
	else
		b->host->set_error(b->h, "%s: %s", sqlite_op_name(b->op), msg);
	return rc;
}

int rb_oom(rb *b)
{
	b->host->set_error(b->h, "out of memory");
	return RETORT_ENOMEM;
}

/* The unquoted text of an identifier token (malloc'd). */
static char *unquote(rb *b, const tok *t)
{
	char *out, *o;
	size_t i;
	if (t->kind != T_QUOTED && t->kind != T_STRING)
		return dupn(b, t->s, t->n);
	if (!(out = dupn(b, t->s, t->n)))
		return NULL;
	o = out;
	for (i = 1; i + 1 < t->n; i++) {
		*o++ = t->s[i];
		if (t->s[0] != '[' && t->s[i] == t->s[0] && i + 2 < t->n && t->s[i + 1] == t->s[0])
			i++;
	}
	*o = '\0';
	return out;
}

/* Does the identifier token name `name` (case-insensitive)? */
static int tok_names(rb *b, const tok *t, const char *name)
{
	char *u;
	int eq;
	if (t->kind != T_WORD && t->kind != T_QUOTED)
		return 0;
	if (t->kind == T_WORD)
		return strlen(name) == t->n && strncasecmp(t->s, name, t->n) == 0;
	if (!(u = unquote(b, t)))
		return 0;
	eq = strcasecmp(u, name) == 0;
	b->host->free(u);
	return eq;
}

/* Does `text` (from token `from` on) mention identifier `name`? */
int rb_mentions(rb *b, const char *text, const char *name)
{
	tok t;
	const char *p = text;
	for (p = next_tok(p, &t); t.kind != T_END; p = next_tok(p, &t))
		if (tok_names(b, &t, name))
			return 1;
	return 0;
}

/*
 * Does the table constraint `text` use column `name`?  Not its own
 * CONSTRAINT name, nor, in a FOREIGN KEY, the referenced table's columns.
 */
static int constraint_mentions(rb *b, const char *text, const char *name)
{
	tok t;
	const char *p = next_tok(text, &t);
	if (is_kw(&t, "CONSTRAINT")) {
		p = next_tok(p, &t); /* the name */
		p = next_tok(p, &t);
	}
	for (; t.kind != T_END; p = next_tok(p, &t)) {
		if (is_kw(&t, "REFERENCES"))
			return 0;
		if (tok_names(b, &t, name))
			return 1;
	}
	return 0;
}

/* ---- reading the live table ---- */

static int q_strings(rb *b, const char *sql, const char *arg, strv *v1, strv *v2)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(b->c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(b->c, b->h);
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		strv_push(b, v1, a ? a : "");
		if (v2) {
			const char *c2 = (const char *)sqlite3_column_text(st, 1);
			strv_push(b, v2, c2 ? c2 : "");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sqlite_db_error(b->c, b->h);
	return b->rc == RETORT_OK ? RETORT_OK : rb_oom(b);
}

int rb_pragma_int(rb *b, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	*out = 0;
	if (sqlite3_prepare_v2(b->c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(b->c, b->h);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return RETORT_OK;
}

static int add_item(rb *b, const char *s, size_t n)
{
	item *it;
	tok t;
	const char *p;
	/* blanks around an item are the writer's layout, which emit_rebuild writes anew */
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (b->nitems == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		item *q = b->host->realloc(b->items, cap * sizeof *q);
		if (!q)
			return rb_oom(b);
		b->items = q;
		b->cap = cap;
	}
	it = &b->items[b->nitems];
	memset(it, 0, sizeof *it);
	if (!(it->text = dupn(b, s, n)))
		return rb_oom(b);
	b->nitems++;
	p = next_tok(it->text, &t);
	if (is_kw(&t, "CONSTRAINT")) {
		p = next_tok(p, &t);
		if (!(it->name = unquote(b, &t)))
			return rb_oom(b);
		next_tok(p, &t);
	}
	if (is_kw(&t, "PRIMARY"))
		it->kind = 'P';
	else if (is_kw(&t, "UNIQUE"))
		it->kind = 'U';
	else if (is_kw(&t, "CHECK"))
		it->kind = 'C';
	else if (is_kw(&t, "FOREIGN"))
		it->kind = 'F';
	else {
		it->is_column = 1;
		b->host->free(it->name);
		if (!(it->name = unquote(b, &t)))
			return rb_oom(b);
	}
	return RETORT_OK;
}

/* Split b->sql, a CREATE TABLE text, into b->items (at the body's top-level commas) and b->tail. */
int rb_parse(rb *b)
{
	const char *p, *body = NULL;
	tok t;
	int rc, depth = 0;

	for (p = next_tok(b->sql, &t); t.kind != T_END; p = next_tok(p, &t)) {
		if (is_punct(&t, '(')) {
			if (depth++ == 0)
				body = p;
		} else if (is_punct(&t, ')')) {
			if (--depth == 0) {
				if ((rc = add_item(b, body, (size_t)(t.s - body))) != RETORT_OK)
					return rc;
				while (*p && isspace((unsigned char)*p))
					p++;
				if (!(b->tail = dup(b, p)))
					return rb_oom(b);
				break;
			}
		} else if (depth == 1 && is_punct(&t, ',')) {
			if ((rc = add_item(b, body, (size_t)(t.s - body))) != RETORT_OK)
				return rc;
			body = p;
		}
	}
	if (!b->tail || b->nitems == 0)
		return rb_fail(b, RETORT_ERROR, "cannot parse the definition of table %s", b->table);
	return RETORT_OK;
}

/* Read the table's definition, indexes, triggers, and the tables referencing it. */
int rb_load(rb *b)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(b->c->db,
	                       "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
	                       -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(b->c, b->h);
	sqlite3_bind_text(st, 1, b->op->table, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		b->table = dup(b, (const char *)sqlite3_column_text(st, 0));
		b->sql = dup(b, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_db_error(b->c, b->h);
	if (rc == SQLITE_DONE)
		return rb_fail(b, RETORT_EINVAL, "no table %s in the database", b->op->table);
	if (!b->table || !b->sql)
		return rb_oom(b);
	if (strncasecmp(b->sql, "CREATE TABLE", 12) != 0)
		return rb_fail(b, RETORT_ENOTSUPPORTED, "cannot rebuild %s: not an ordinary table", b->table);
	if ((rc = rb_parse(b)) != RETORT_OK)
		return rc;

	/* AUTOINCREMENT's high-water mark, which DROP TABLE forgets */
	b->seq = -1;
	if (sqlite3_prepare_v2(b->c->db, "SELECT seq FROM sqlite_sequence WHERE name = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, b->table, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			b->seq = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	} /* else: no AUTOINCREMENT table in the database */

	if ((rc = q_strings(b,
	                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 "
	                    "AND sql IS NOT NULL ORDER BY rowid",
	                    b->table, &b->idx_names, &b->idx_sqls)) != RETORT_OK)
		return rc;
	if ((rc = q_strings(b, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY rowid",
	                    b->table, &b->trig_sqls, NULL)) != RETORT_OK)
		return rc;
	return q_strings(b,
	                 "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
	                 "WHERE m.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE AND m.name <> ?1 ORDER BY m.name",
	                 b->table, &b->inbound, NULL);
}

/* ---- editing a column definition ---- */

enum { S_OTHER = 0, S_NOTNULL, S_NULL, S_DEFAULT, S_PRIMARY, S_GENERATED, S_NAMED, S_UNIQUE, S_CHECK, S_REFERENCES, S_COLLATE };

typedef struct seg {
	const char *s;
	size_t n;
	int kind;
	char *name; /* CONSTRAINT name */
} seg;

#define MAX_SEGS 32

static int seg_kind(const tok *t)
{
	if (is_kw(t, "NOT"))
		return S_NOTNULL;
	if (is_kw(t, "NULL"))
		return S_NULL;
	if (is_kw(t, "DEFAULT"))
		return S_DEFAULT;
	if (is_kw(t, "PRIMARY"))
		return S_PRIMARY;
	if (is_kw(t, "GENERATED") || is_kw(t, "AS"))
		return S_GENERATED;
	if (is_kw(t, "UNIQUE"))
		return S_UNIQUE;
	if (is_kw(t, "CHECK"))
		return S_CHECK;
	if (is_kw(t, "REFERENCES"))
		return S_REFERENCES;
	if (is_kw(t, "COLLATE"))
		return S_COLLATE;
	return S_OTHER;
}

typedef struct coldef {
	const char *name_s;
	size_t name_n;
	const char *type_s;
	size_t type_n;
	seg segs[MAX_SEGS];
	size_t nsegs;
} coldef;

static void coldef_free(rb *b, coldef *d)
{
	size_t i;
	for (i = 0; i < d->nsegs; i++)
		b->host->free(d->segs[i].name);
}

/* Split "name type constraint..." into its parts. */
static int parse_coldef(rb *b, const char *text, coldef *d)
{
	tok t, prev = {NULL, 0, T_END}, nx;
	const char *p, *type_end = NULL;
	int depth = 0, in_type = 1, cur_tokens = 0, cur_named = 0;

	memset(d, 0, sizeof *d);
	p = next_tok(text, &t);
	d->name_s = t.s;
	d->name_n = t.n;
	for (p = next_tok(p, &t); t.kind != T_END; prev = t, p = next_tok(p, &t)) {
		int starts = 0;
		if (depth == 0 && t.kind == T_WORD) {
			if (is_kw(&t, "CONSTRAINT") || is_kw(&t, "PRIMARY") || is_kw(&t, "UNIQUE") || is_kw(&t, "CHECK") ||
			    is_kw(&t, "COLLATE") || is_kw(&t, "REFERENCES") || is_kw(&t, "GENERATED"))
				starts = 1;
			else if (is_kw(&t, "DEFAULT"))
				starts = !is_kw(&prev, "SET"); /* ON DELETE SET DEFAULT stays in its REFERENCES */
			else if (is_kw(&t, "NOT")) {
				next_tok(p, &nx);
				starts = is_kw(&nx, "NULL");
			} else if (is_kw(&t, "NULL"))
				starts = !(is_kw(&prev, "NOT") || is_kw(&prev, "DEFAULT") || is_kw(&prev, "SET"));
			else if (is_kw(&t, "AS"))
				starts = !is_kw(&prev, "ALWAYS");
		}
		if (starts && !(cur_named && cur_tokens == 2)) {
			in_type = 0;
			if (d->nsegs == MAX_SEGS)
				return rb_fail(b, RETORT_ENOTSUPPORTED, "too many constraints on a column of %s", b->table);
			if (d->nsegs)
				d->segs[d->nsegs - 1].n = (size_t)(t.s - d->segs[d->nsegs - 1].s);
			d->segs[d->nsegs].s = t.s;
			d->segs[d->nsegs].kind = seg_kind(&t);
			d->segs[d->nsegs].name = NULL;
			d->nsegs++;
			cur_tokens = 0;
			cur_named = is_kw(&t, "CONSTRAINT");
		} else if (d->nsegs && cur_named && cur_tokens == 1) {
			/* the name of CONSTRAINT name */
			if (!(d->segs[d->nsegs - 1].name = unquote(b, &t)))
				return rb_oom(b);
		} else if (d->nsegs && cur_named && cur_tokens == 2) {
			d->segs[d->nsegs - 1].kind = seg_kind(&t);
		}
		if (in_type) {
			if (!d->type_s)
				d->type_s = t.s;
			type_end = t.s + t.n;
		}
		cur_tokens++;
		if (is_punct(&t, '('))
			depth++;
		else if (is_punct(&t, ')'))
			depth--;
	}
	if (d->type_s)
		d->type_n = (size_t)(type_end - d->type_s);
	if (d->nsegs)
		d->segs[d->nsegs - 1].n = (size_t)(t.s - d->segs[d->nsegs - 1].s);
	for (size_t i = 0; i < d->nsegs; i++)
		while (d->segs[i].n && isspace((unsigned char)d->segs[i].s[d->segs[i].n - 1]))
			d->segs[i].n--;
	return RETORT_OK;
}

/* SQLite's type affinity of a declared type (3.1 of datatype3.html). */
char rb_affinity(const char *type)
{
	char up[256];
	size_t i;
	if (!type)
		return 'B';
	for (i = 0; type[i] && i + 1 < sizeof up; i++)
		up[i] = (char)toupper((unsigned char)type[i]);
	up[i] = '\0';
	if (strstr(up, "INT"))
		return 'I';
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return 'T';
	if (strstr(up, "BLOB") || !up[0])
		return 'B';
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return 'R';
	return 'N';
}

/*
 * Column `col` (typed old[0..n) now) gets type `type`: the copy CASTs it
 * when the affinity changes.  Altered again in the same rebuild, it keeps
 * the type the live table has.
 */
static void note_cast(rb *b, const char *col, const char *old, size_t n, const char *type)
{
	size_t i;
	char *t, *o;
	for (i = 0; i < b->cast_cols.n; i++) {
		if (strcasecmp(b->cast_cols.v[i], col) == 0) {
			if ((t = dup(b, type)) != NULL) {
				b->host->free(b->cast_types.v[i]);
				b->cast_types.v[i] = t;
			}
			return;
		}
	}
	if (!(o = old ? dupn(b, old, n) : dup(b, "")))
		return;
	strv_push(b, &b->old_types, o);
	strv_push(b, &b->cast_types, type);
	strv_push(b, &b->cast_cols, col);
	b->host->free(o);
}

/*
 * A column's PRIMARY KEY constraint with AUTOINCREMENT added (on) or
 * taken out (off).  SQLite takes the word only on a column's own PRIMARY
 * KEY of type INTEGER (the rowid alias): a table-level key cannot have it.
 */
static void pk_autoinc(sqlite_buf *s, const seg *g, int on)
{
	const char *p = g->s, *end = g->s + g->n;
	tok t;
	if (on) {
		int has = 0;
		for (p = next_tok(p, &t); t.kind != T_END && t.s < end; p = next_tok(p, &t))
			has |= is_kw(&t, "AUTOINCREMENT");
		sqlite_buf_add(s, g->s, g->n);
		if (!has)
			rb_buf_put(s, " AUTOINCREMENT");
		return;
	}
	for (;;) {
		const char *q = next_tok(p, &t);
		if (t.kind == T_END || t.s >= end) {
			sqlite_buf_add(s, p, (size_t)(end - p));
			return;
		}
		if (is_kw(&t, "AUTOINCREMENT")) {
			sqlite_buf_add(s, p, (size_t)(t.s - p));
			p = q;
			continue;
		}
		q = q > end ? end : q;
		sqlite_buf_add(s, p, (size_t)(q - p));
		p = q;
	}
}

static int alter_column_def(rb *b, item *it)
{
	const retort_op *op = b->op;
	coldef d;
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK};
	size_t i;
	int rc, default_done = 0, has_pk = 0, autoinc = sqlite_op_autoinc(b->host, b->h, op);

	if ((rc = parse_coldef(b, it->text, &d)) != RETORT_OK) {
		coldef_free(b, &d);
		return rc;
	}
	for (i = 0; i < d.nsegs; i++)
		has_pk |= d.segs[i].kind == S_PRIMARY;
	if (autoinc == 1 && !has_pk) {
		coldef_free(b, &d);
		return rb_fail(b, RETORT_ENOTSUPPORTED,
		               "autoincrement on %s.%s: SQLite has AUTOINCREMENT only on a column declared INTEGER "
		               "PRIMARY KEY (the table's key is not the column's own)",
		               b->table, op->column);
	}
	if (autoinc == 0)
		b->seq = -1; /* no sqlite_sequence row for a table without AUTOINCREMENT */
	sqlite_buf_add(&s, d.name_s, d.name_n);
	if (op->type) {
		sqlite_buf ty = {b->host, NULL, 0, 0, RETORT_OK};
		sqlite_text_type(&ty, op->type);
		if (ty.rc == RETORT_OK) {
			rb_buf_put(&s, " ");
			rb_buf_put(&s, ty.p);
			note_cast(b, it->name, d.type_s, d.type_n, ty.p);
		}
		s.rc = s.rc ? s.rc : ty.rc;
		b->host->free(ty.p);
	} else if (d.type_s) {
		rb_buf_put(&s, " ");
		sqlite_buf_add(&s, d.type_s, d.type_n);
	}
	if (op->nullable == 0)
		rb_buf_put(&s, " NOT NULL");
	for (i = 0; i < d.nsegs; i++) {
		const seg *g = &d.segs[i];
		if (op->nullable != RETORT_UNSET && (g->kind == S_NOTNULL || g->kind == S_NULL))
			continue;
		if (op->set_server_default && g->kind == S_DEFAULT) {
			if (op->server_default && !default_done) {
				rb_buf_put(&s, " DEFAULT ");
				sqlite_text_default(&s, op->server_default);
			}
			default_done = 1;
			continue;
		}
		if (autoinc != RETORT_UNSET && g->kind == S_PRIMARY) {
			rb_buf_put(&s, " ");
			pk_autoinc(&s, g, autoinc);
			continue;
		}
		if (op->set_server_default && op->server_default && !default_done && g->kind != S_NOTNULL &&
		    g->kind != S_NULL && g->kind != S_PRIMARY) {
			rb_buf_put(&s, " DEFAULT ");
			sqlite_text_default(&s, op->server_default);
			default_done = 1;
		}
		rb_buf_put(&s, " ");
		sqlite_buf_add(&s, g->s, g->n);
	}
	if (op->set_server_default && op->server_default && !default_done) {
		rb_buf_put(&s, " DEFAULT ");
		sqlite_text_default(&s, op->server_default);
	}
	coldef_free(b, &d);
	if (s.rc != RETORT_OK || b->rc != RETORT_OK) {
		b->host->free(s.p);
		return rb_oom(b);
	}
	b->host->free(it->text);
	it->text = s.p;
	return RETORT_OK;
}

/* Remove the column-level constraint named `name` (or, name NULL, the unnamed PRIMARY KEY); 1 when found. */
static int drop_column_constraint(rb *b, item *it, const char *name, int want_kind, int *found)
{
	coldef d;
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK};
	size_t i, hit = (size_t)-1;
	int rc;

	*found = 0;
	if ((rc = parse_coldef(b, it->text, &d)) != RETORT_OK) {
		coldef_free(b, &d);
		return rc;
	}
	for (i = 0; i < d.nsegs; i++) {
		if (name ? (d.segs[i].name && strcasecmp(d.segs[i].name, name) == 0)
		         : (!d.segs[i].name && d.segs[i].kind == want_kind))
			hit = i;
	}
	if (hit != (size_t)-1) {
		sqlite_buf_add(&s, d.name_s, d.name_n);
		if (d.type_s) {
			rb_buf_put(&s, " ");
			sqlite_buf_add(&s, d.type_s, d.type_n);
		}
		for (i = 0; i < d.nsegs; i++) {
			if (i == hit)
				continue;
			rb_buf_put(&s, " ");
			sqlite_buf_add(&s, d.segs[i].s, d.segs[i].n);
		}
		if (s.rc != RETORT_OK) {
			coldef_free(b, &d);
			b->host->free(s.p);
			return rb_oom(b);
		}
		b->host->free(it->text);
		it->text = s.p;
		*found = 1;
	}
	coldef_free(b, &d);
	return RETORT_OK;
}

static int has_column_kind(rb *b, item *it, int kind)
{
	coldef d;
	size_t i;
	int has = 0;
	if (parse_coldef(b, it->text, &d) == RETORT_OK)
		for (i = 0; i < d.nsegs; i++)
			if (d.segs[i].kind == kind)
				has = 1;
	coldef_free(b, &d);
	return has;
}

int rb_is_generated(rb *b, item *it)
{
	return has_column_kind(b, it, S_GENERATED);
}

static void remove_item(rb *b, size_t i)
{
	item_free(b, &b->items[i]);
	memmove(&b->items[i], &b->items[i + 1], (b->nitems - i - 1) * sizeof b->items[0]);
	b->nitems--;
}

static int append_item(rb *b, sqlite_buf *s)
{
	int rc;
	if (s->rc != RETORT_OK) {
		b->host->free(s->p);
		return rb_oom(b);
	}
	rc = add_item(b, s->p, s->n);
	b->host->free(s->p);
	return rc;
}

static item *find_column(rb *b, const char *name)
{
	size_t i;
	for (i = 0; i < b->nitems; i++)
		if (b->items[i].is_column && strcasecmp(b->items[i].name, name) == 0)
			return &b->items[i];
	return NULL;
}

static int has_primary_key(rb *b)
{
	size_t i;
	for (i = 0; i < b->nitems; i++) {
		if (!b->items[i].is_column && b->items[i].kind == 'P')
			return 1;
		if (b->items[i].is_column && has_column_kind(b, &b->items[i], S_PRIMARY))
			return 1;
	}
	return 0;
}

static char constraint_kind(const char *type)
{
	if (!type)
		return 0;
	if (strcasecmp(type, "foreignkey") == 0 || strcasecmp(type, "foreign") == 0)
		return 'F';
	if (strcasecmp(type, "check") == 0)
		return 'C';
	if (strcasecmp(type, "primary") == 0)
		return 'P';
	if (strcasecmp(type, "unique") == 0)
		return 'U';
	return 0;
}

/* drop_constraint: 1 in *done when it became a DROP INDEX (no rebuild). */
static int edit_drop_constraint(rb *b)
{
	const retort_op *op = b->op;
	char kind = constraint_kind(op->constraint_type);
	size_t i;
	int rc, found = 0;

	if (!op->name)
		return rb_fail(b, RETORT_EINVAL, "missing name");
	for (i = 0; i < b->nitems; i++) {
		item *it = &b->items[i];
		if (!it->is_column && it->name && strcasecmp(it->name, op->name) == 0) {
			if (kind && kind != it->kind)
				return rb_fail(b, RETORT_EINVAL, "constraint %s of table %s is of another type", op->name,
				            b->table);
			remove_item(b, i);
			return RETORT_OK;
		}
	}
	for (i = 0; i < b->nitems; i++) {
		if (!b->items[i].is_column)
			continue;
		if ((rc = drop_column_constraint(b, &b->items[i], op->name, 0, &found)) != RETORT_OK)
			return rc;
		if (found)
			return RETORT_OK;
	}
	if (kind == 'P') {
		/* the table's only, unnamed primary key */
		for (i = 0; i < b->nitems; i++) {
			item *it = &b->items[i];
			if (!it->is_column && it->kind == 'P' && !it->name) {
				remove_item(b, i);
				return RETORT_OK;
			}
			if (it->is_column) {
				if ((rc = drop_column_constraint(b, it, NULL, S_PRIMARY, &found)) != RETORT_OK)
					return rc;
				if (found)
					return RETORT_OK;
			}
		}
	}
	return rb_fail(b, RETORT_EINVAL, "table %s has no constraint named %s", b->table, op->name);
}

/* "[CONSTRAINT name] KIND (op's columns)" appended as a table constraint */
static int append_key(rb *b, const char *kind)
{
	const retort_op *op = b->op;
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK};
	sqlite_text_writer tw;
	sw *w = sqlite_buf_writer(&tw, &s, &b->st, b->h);
	sw_constraint_name(w, op->name);
	sw_put(w, kind);
	sw_put(w, " ");
	sw_ident_list(w, op->column_names, op->ncolumn_names);
	return append_item(b, &s);
}

int rb_edit(rb *b)
{
	const retort_op *op = b->op;
	sqlite_buf s = {b->host, NULL, 0, 0, RETORT_OK};
	sqlite_text_writer tw;
	sw *w;
	size_t i;
	item *it;
	int rc;

	switch (op->kind) {
	case RETORT_OP_ALTER_COLUMN:
		if (!(it = find_column(b, op->column)))
			return rb_fail(b, RETORT_EINVAL, "table %s has no column %s", b->table, op->column);
		return alter_column_def(b, it);
	case RETORT_OP_DROP_CONSTRAINT:
		return edit_drop_constraint(b);
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		if (!op->name || !op->expression)
			return rb_fail(b, RETORT_EINVAL, "missing name or expression");
		w = sqlite_buf_writer(&tw, &s, &b->st, b->h);
		sw_constraint_name(w, op->name);
		sw_put(w, "CHECK (");
		sw_put(w, op->expression);
		sw_put(w, ")");
		return append_item(b, &s);
	case RETORT_OP_CREATE_PRIMARY_KEY:
		if (op->ncolumn_names == 0)
			return rb_fail(b, RETORT_EINVAL, "missing columns");
		if (has_primary_key(b))
			return rb_fail(b, RETORT_EINVAL, "table %s already has a primary key (drop it first)", b->table);
		return append_key(b, "PRIMARY KEY");
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
		if (op->ncolumn_names == 0)
			return rb_fail(b, RETORT_EINVAL, "missing columns");
		return append_key(b, "UNIQUE");
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (op->nforeign_keys < 1)
			return rb_fail(b, RETORT_EINVAL, "missing foreign key");
		if ((rc = sqlite_text_foreign_key(&b->st, b->h, op, &s, &op->foreign_keys[0])) != RETORT_OK) {
			b->host->free(s.p);
			return rc == RETORT_ENOMEM ? rb_oom(b) : rc;
		}
		return append_item(b, &s);
	case RETORT_OP_DROP_COLUMN:
		if (!find_column(b, op->column))
			return rb_fail(b, RETORT_EINVAL, "table %s has no column %s", b->table, op->column);
		strv_push(b, &b->dropped, op->column);
		if (b->rc != RETORT_OK)
			return rb_oom(b);
		for (i = b->nitems; i-- > 0;) {
			it = &b->items[i];
			if (it->is_column ? strcasecmp(it->name, op->column) == 0
			                  : constraint_mentions(b, it->text, op->column))
				remove_item(b, i);
		}
		for (i = 0; i < b->nitems && b->items[i].is_column; i++)
			;
		if (i == 0 || !b->items[0].is_column)
			return rb_fail(b, RETORT_EINVAL, "cannot drop %s, the last column of %s", op->column, b->table);
		return RETORT_OK;
	default:
		break;
	}
	return rb_fail(b, RETORT_EINVAL, "not a rebuild operation");
}


/* ---- the constraints and index keys a definition states (reflect.c) ---- */

/* The text inside the first parenthesised group from p on, trimmed; *after: past its ')'. NULL: none. */
static const char *paren_span(const char *p, size_t *n, const char **after)
{
	tok t;
	const char *start = NULL, *e;
	int depth = 0;
	for (p = next_tok(p, &t); t.kind != T_END; p = next_tok(p, &t)) {
		if (is_punct(&t, '(')) {
			if (depth++ == 0)
				start = p;
		} else if (is_punct(&t, ')') && depth > 0 && --depth == 0) {
			for (e = t.s; start < e && isspace((unsigned char)*start); start++)
				;
			while (e > start && isspace((unsigned char)e[-1]))
				e--;
			*n = (size_t)(e - start);
			if (after)
				*after = p;
			return start;
		}
	}
	return NULL;
}

/* The first token of each element of the key list s (n bytes), unquoted: its columns. */
static void key_columns(rb *b, const char *s, size_t n, strv *out)
{
	char *text = dupn(b, s, n), *u;
	const char *p;
	tok t;
	int depth = 0, first = 1;
	if (!text)
		return;
	for (p = next_tok(text, &t); t.kind != T_END; p = next_tok(p, &t)) {
		if (depth == 0 && is_punct(&t, ',')) {
			first = 1;
			continue;
		}
		if (first && (u = unquote(b, &t)) != NULL) {
			strv_push(b, out, u);
			b->host->free(u);
		}
		first = 0;
		if (is_punct(&t, '('))
			depth++;
		else if (is_punct(&t, ')'))
			depth--;
	}
	b->host->free(text);
}

/* One constraint from its text ("[CONSTRAINT name] KIND ..."); `column` for a column constraint. */
static void read_constraint(rb *b, const char *text, const char *column, rb_cons *c)
{
	tok t;
	const char *p = next_tok(text, &t), *span;
	size_t n;
	int refs;

	memset(c, 0, sizeof *c);
	if (is_kw(&t, "CONSTRAINT")) {
		p = next_tok(p, &t);
		if (!(c->name = unquote(b, &t)))
			return;
		p = next_tok(p, &t);
	}
	refs = is_kw(&t, "REFERENCES");
	c->kind = is_kw(&t, "PRIMARY") ? 'P' : is_kw(&t, "UNIQUE") ? 'U' : is_kw(&t, "CHECK") ? 'C'
	        : (refs || is_kw(&t, "FOREIGN")) ? 'F' : (column && is_kw(&t, "COLLATE")) ? 'L' : 0;
	if (column)
		strv_push(b, &c->cols, column);
	switch (c->kind) {
	case 'P':
		c->autoinc = rb_mentions(b, p, "AUTOINCREMENT");
		/* fall through */
	case 'U':
		if (!column && (span = paren_span(p, &n, NULL)) != NULL)
			key_columns(b, span, n, &c->cols);
		break;
	case 'C':
		if ((span = paren_span(p, &n, NULL)) != NULL)
			c->expr = dupn(b, span, n);
		break;
	case 'L':
		next_tok(p, &t);
		c->expr = unquote(b, &t);
		break;
	case 'F':
		c->deferred = rb_mentions(b, p, "DEFERRED");
		if (!column && (span = paren_span(p, &n, &p)) != NULL)
			key_columns(b, span, n, &c->cols);
		if (!refs)
			for (p = next_tok(p, &t); t.kind != T_END && !is_kw(&t, "REFERENCES"); p = next_tok(p, &t))
				;
		p = next_tok(p, &t);
		if (t.kind == T_WORD || t.kind == T_QUOTED)
			c->ref_table = unquote(b, &t);
		break;
	default:
		break;
	}
}

static void cons_clear(rb *b, rb_cons *c);

static void push_cons(rb *b, rb_cons **v, size_t *n, size_t *cap, rb_cons *c)
{
	if (b->rc == RETORT_OK && c->kind && *n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		rb_cons *p = b->host->realloc(*v, nc * sizeof *p);
		if (p) {
			*v = p;
			*cap = nc;
		} else {
			b->rc = RETORT_ENOMEM;
		}
	}
	if (b->rc == RETORT_OK && c->kind)
		(*v)[(*n)++] = *c;
	else
		cons_clear(b, c);
}

int rb_constraints(rb *b, rb_cons **out, size_t *nout)
{
	rb_cons *v = NULL, c;
	size_t i, k, n = 0, cap = 0;
	int rc;

	for (i = 0; i < b->nitems && b->rc == RETORT_OK; i++) {
		item *it = &b->items[i];
		coldef d;
		if (!it->is_column) {
			read_constraint(b, it->text, NULL, &c);
			push_cons(b, &v, &n, &cap, &c);
			continue;
		}
		if ((rc = parse_coldef(b, it->text, &d)) != RETORT_OK) {
			coldef_free(b, &d);
			rb_cons_free(b, v, n);
			return rc;
		}
		for (k = 0; k < d.nsegs && b->rc == RETORT_OK; k++) {
			char *text;
			if (d.segs[k].kind != S_PRIMARY && d.segs[k].kind != S_UNIQUE && d.segs[k].kind != S_CHECK &&
			    d.segs[k].kind != S_REFERENCES && d.segs[k].kind != S_COLLATE)
				continue;
			if (!(text = dupn(b, d.segs[k].s, d.segs[k].n)))
				break;
			read_constraint(b, text, it->name, &c);
			push_cons(b, &v, &n, &cap, &c);
			b->host->free(text);
		}
		coldef_free(b, &d);
	}
	if (b->rc != RETORT_OK) {
		rb_cons_free(b, v, n);
		return rb_oom(b);
	}
	*out = v;
	*nout = n;
	return RETORT_OK;
}

static void cons_clear(rb *b, rb_cons *c)
{
	b->host->free(c->name);
	b->host->free(c->expr);
	b->host->free(c->ref_table);
	strv_free(b, &c->cols);
}

void rb_cons_free(rb *b, rb_cons *v, size_t n)
{
	size_t i;
	for (i = 0; v && i < n; i++)
		cons_clear(b, &v[i]);
	b->host->free(v);
}

int rb_index_parts(const char *sql, const char **keys, size_t *nkeys, const char **where, size_t *nwhere)
{
	const char *p = NULL, *s;
	tok t;
	size_t n;
	*where = NULL;
	*nwhere = 0;
	if (!sql || !(*keys = paren_span(sql, nkeys, &p)))
		return -1;
	s = next_tok(p, &t);
	if (!is_kw(&t, "WHERE"))
		return 0;
	while (*s && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ';'))
		n--;
	*where = n ? s : NULL;
	*nwhere = n;
	return 0;
}

/*
 * The rules decided from SQL text: the statements of a .sql script and the
 * sql of an execute operation.  A small tokenizer (words, quoted
 * identifiers, string literals skipped, comments and dollar-quoted bodies
 * skipped) reads the statement shapes the rules need:
 *   CREATE [UNIQUE] INDEX [CONCURRENTLY] ... ON table      pg_concurrent_index
 *   CREATE TABLE name (...)  without PRIMARY KEY             primary_key (and name is new)
 *   DROP TABLE, TRUNCATE, ALTER TABLE t DROP [COLUMN] c      destructive
 *   ALTER TABLE t ADD [COLUMN] c ... NOT NULL without DEFAULT pg_not_null_default
 *   ALTER TABLE t ADD ... FOREIGN KEY without NOT VALID      pg_fk_not_valid
 *   ALTER TABLE t RENAME ..., RENAME TABLE                   rename
 * Whatever else a statement does is not looked at.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint_int.h"

typedef struct tok {
	const char *p;
	size_t n;
	char kind; /* 'w' word, 'q' quoted identifier, 's' string, 'p' punctuation */
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
} toks;

static int push(lint_ctx *c, toks *t, const char *p, size_t n, char kind)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		tok *v = c->st->host->realloc(t->v, cap * sizeof *v);
		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].p = p;
	t->v[t->n].n = n;
	t->v[t->n].kind = kind;
	t->n++;
	return 0;
}

static int tokenize(lint_ctx *c, toks *t, const char *s)
{
	const char *p = s;
	while (*p) {
		const char *q;
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			q = strstr(p + 2, "*/");
			p = q ? q + 2 : p + strlen(p);
		} else if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;
			for (q = p + 1; *q && !(*q == close && q[1] != close); q++)
				if (*q == close)
					q++; /* a doubled quote */
			if (push(c, t, p + 1, (size_t)(q - p - 1), *p == '\'' ? 's' : 'q') < 0)
				return -1;
			p = *q ? q + 1 : q;
		} else if (*p == '$' && (p[1] == '$' || isalpha((unsigned char)p[1]) || p[1] == '_')) {
			/* $tag$ ... $tag$: skipped whole */
			size_t tl;
			for (q = p + 1; *q && *q != '$' && (isalnum((unsigned char)*q) || *q == '_'); q++)
				;
			if (*q != '$') {
				p++;
				continue;
			}
			tl = (size_t)(q - p + 1);
			for (q++; *q && strncmp(q, p, tl) != 0; q++)
				;
			if (push(c, t, p, 0, 's') < 0)
				return -1;
			p = *q ? q + tl : q;
		} else if (isalnum((unsigned char)*p) || *p == '_') {
			for (q = p; isalnum((unsigned char)*q) || *q == '_' || *q == '$'; q++)
				;
			if (push(c, t, p, (size_t)(q - p), 'w') < 0)
				return -1;
			p = q;
		} else {
			if (push(c, t, p, 1, 'p') < 0)
				return -1;
			p++;
		}
	}
	return 0;
}

/* Is token i the keyword kw? */
static int kw(const toks *t, size_t i, const char *kw)
{
	return i < t->n && t->v[i].kind == 'w' && strlen(kw) == t->v[i].n && strncasecmp(t->v[i].p, kw, t->v[i].n) == 0;
}

static int punct(const toks *t, size_t i, char ch)
{
	return i < t->n && t->v[i].kind == 'p' && t->v[i].p[0] == ch;
}

/*
 * A possibly qualified name at *i (schema.table): its last part, copied
 * into buf; *i moves past it.  0 when there is no name.
 */
static int name_at(const toks *t, size_t *i, char *buf, size_t size)
{
	size_t k = *i, n;
	if (k >= t->n || (t->v[k].kind != 'w' && t->v[k].kind != 'q'))
		return 0;
	while (punct(t, k + 1, '.') && k + 2 < t->n && (t->v[k + 2].kind == 'w' || t->v[k + 2].kind == 'q'))
		k += 2;
	n = t->v[k].n < size - 1 ? t->v[k].n : size - 1;
	memcpy(buf, t->v[k].p, n);
	buf[n] = '\0';
	*i = k + 1;
	return 1;
}

/* Skip IF [NOT] EXISTS at *i. */
static void skip_if(const toks *t, size_t *i)
{
	if (kw(t, *i, "IF") && kw(t, *i + 1, "NOT") && kw(t, *i + 2, "EXISTS"))
		*i += 3;
	else if (kw(t, *i, "IF") && kw(t, *i + 1, "EXISTS"))
		*i += 2;
}

/* Is there the keyword pair a b (b NULL: a alone) in tokens [from, to)? */
static int has(const toks *t, size_t from, size_t to, const char *a, const char *b)
{
	size_t i;
	for (i = from; i < to; i++)
		if (kw(t, i, a) && (!b || kw(t, i + 1, b)))
			return 1;
	return 0;
}

static int create_index(lint_ctx *c, const toks *t, size_t i)
{
	char table[256];
	int concurrently = 0;
	if (kw(t, i, "CONCURRENTLY")) {
		concurrently = 1;
		i++;
	}
	while (i < t->n && !kw(t, i, "ON"))
		i++;
	i++;
	if (kw(t, i, "ONLY"))
		i++;
	if (!name_at(t, &i, table, sizeof table))
		return RETORT_OK;
	if (!concurrently && lint_on(c, R_PG_INDEX) && lint_existing(c, table))
		return lint_report(c, R_PG_INDEX,
		                   "CREATE INDEX on '%s', a table that existed before this revision, blocks its writes "
		                   "while the index builds: write CREATE INDEX CONCURRENTLY",
		                   table);
	return RETORT_OK;
}

static int create_table(lint_ctx *c, const toks *t, size_t i)
{
	char table[256];
	skip_if(t, &i);
	if (!name_at(t, &i, table, sizeof table))
		return RETORT_OK;
	lint_created(c, table, 1);
	if (lint_on(c, R_PRIMARY_KEY) && punct(t, i, '(') && !has(t, i, t->n, "PRIMARY", "KEY"))
		return lint_report(c, R_PRIMARY_KEY, "table '%s' has no primary key: declare one (PRIMARY KEY)", table);
	return RETORT_OK;
}

/* One clause of ALTER TABLE table: tokens [from, to). */
static int alter_clause(lint_ctx *c, const toks *t, const char *table, size_t from, size_t to)
{
	size_t i = from;
	char col[256];
	int existing = lint_existing(c, table);
	if (kw(t, i, "DROP")) {
		static const char *const not_column[] = {"INDEX", "KEY", "CONSTRAINT", "PRIMARY", "FOREIGN", "CHECK",
		                                         "DEFAULT", "NOT", "UNIQUE", "PARTITION", NULL};
		const char *const *w;
		i++;
		for (w = not_column; *w; w++)
			if (kw(t, i, *w))
				return RETORT_OK;
		if (kw(t, i, "COLUMN"))
			i++;
		skip_if(t, &i);
		if (name_at(t, &i, col, sizeof col) && lint_on(c, R_DESTRUCTIVE))
			return lint_report(c, R_DESTRUCTIVE,
			                   "dropping column '%s' of '%s' loses its data: stop using it first and drop it in a "
			                   "later release, or opt in with -- retort:allow destructive",
			                   col, table);
		return RETORT_OK;
	}
	if (kw(t, i, "RENAME")) {
		if (lint_on(c, R_RENAME))
			return lint_report(c, R_RENAME,
			                   "a rename on '%s' breaks code still using the old name: add the new name, move the "
			                   "code, drop the old one later",
			                   table);
		return RETORT_OK;
	}
	if (!kw(t, i, "ADD"))
		return RETORT_OK;
	i++;
	if (has(t, i, to, "FOREIGN", "KEY") || (kw(t, i, "CONSTRAINT") && has(t, i, to, "REFERENCES", NULL))) {
		if (existing && lint_on(c, R_PG_FK) && !has(t, i, to, "NOT", "VALID"))
			return lint_report(c, R_PG_FK,
			                   "a foreign key added to '%s', a table that existed before this revision, checks "
			                   "every row under a lock: add it NOT VALID, then VALIDATE CONSTRAINT in a later "
			                   "revision",
			                   table);
		return RETORT_OK;
	}
	if (kw(t, i, "CONSTRAINT") || kw(t, i, "PRIMARY") || kw(t, i, "UNIQUE") || kw(t, i, "CHECK") ||
	    kw(t, i, "INDEX") || kw(t, i, "KEY"))
		return RETORT_OK;
	if (kw(t, i, "COLUMN"))
		i++;
	skip_if(t, &i);
	if (!name_at(t, &i, col, sizeof col))
		return RETORT_OK;
	if (existing && lint_on(c, R_PG_NOT_NULL) && has(t, i, to, "NOT", "NULL") && !has(t, i, to, "DEFAULT", NULL))
		return lint_report(c, R_PG_NOT_NULL,
		                   "NOT NULL column '%s' added without a DEFAULT to '%s', a table that existed before "
		                   "this revision, fails on its rows: add it nullable, fill it, then set NOT NULL (or "
		                   "give it a DEFAULT)",
		                   col, table);
	return RETORT_OK;
}

static int alter_table(lint_ctx *c, const toks *t, size_t i)
{
	char table[256];
	size_t from;
	int depth = 0, rc;
	skip_if(t, &i);
	if (kw(t, i, "ONLY"))
		i++;
	if (!name_at(t, &i, table, sizeof table))
		return RETORT_OK;
	for (from = i; i <= t->n; i++) {
		if (i < t->n && punct(t, i, '('))
			depth++;
		else if (i < t->n && punct(t, i, ')'))
			depth--;
		else if (i == t->n || (depth == 0 && punct(t, i, ','))) {
			if ((rc = alter_clause(c, t, table, from, i)) < 0)
				return rc;
			from = i + 1;
		}
	}
	return RETORT_OK;
}

int lint_sql(lint_ctx *c, const char *sql)
{
	toks t = {NULL, 0, 0};
	size_t i = 0;
	int rc = RETORT_OK;
	char name[256];
	if (tokenize(c, &t, sql) < 0) {
		c->oom = 1;
		c->st->host->free(t.v);
		c->st->host->set_error(c->h, "out of memory");
		return RETORT_ENOMEM;
	}
	if (kw(&t, 0, "CREATE")) {
		i = 1;
		if (kw(&t, i, "OR") && kw(&t, i + 1, "REPLACE"))
			i += 2;
		if (kw(&t, i, "UNIQUE"))
			i++;
		if (kw(&t, i, "INDEX")) {
			rc = create_index(c, &t, i + 1);
		} else {
			while (kw(&t, i, "TEMP") || kw(&t, i, "TEMPORARY") || kw(&t, i, "UNLOGGED") || kw(&t, i, "GLOBAL") ||
			       kw(&t, i, "LOCAL"))
				i++;
			if (kw(&t, i, "TABLE"))
				rc = create_table(c, &t, i + 1);
		}
	} else if (kw(&t, 0, "DROP") && kw(&t, 1, "TABLE")) {
		i = 2;
		skip_if(&t, &i);
		if (name_at(&t, &i, name, sizeof name)) {
			lint_created(c, name, 0);
			if (lint_on(c, R_DESTRUCTIVE))
				rc = lint_report(c, R_DESTRUCTIVE,
				                 "dropping table '%s' loses its rows: stop using it first and drop it in a later "
				                 "release, or opt in with -- retort:allow destructive",
				                 name);
		}
	} else if (kw(&t, 0, "TRUNCATE")) {
		if (lint_on(c, R_DESTRUCTIVE))
			rc = lint_report(c, R_DESTRUCTIVE, "TRUNCATE loses every row: opt in with -- retort:allow destructive "
			                                   "if that is the point");
	} else if (kw(&t, 0, "ALTER") && kw(&t, 1, "TABLE")) {
		rc = alter_table(c, &t, 2);
	} else if (kw(&t, 0, "RENAME") && kw(&t, 1, "TABLE")) {
		if (lint_on(c, R_RENAME))
			rc = lint_report(c, R_RENAME, "RENAME TABLE breaks code still using the old name: add the new table "
			                              "(or a view), move the code, drop the old one later");
	}
	c->st->host->free(t.v);
	return rc;
}

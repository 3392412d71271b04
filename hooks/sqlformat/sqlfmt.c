#define _GNU_SOURCE 1
/*
 * sqlformat, .sql scripts: keywords upper case, one statement per
 * paragraph, literals and comments untouched.
 *
 * The text is cut into tokens with the rules retort's statement splitter
 * uses (docs/ARCHITECTURE.md, sqlsplit): '...' strings with '' and
 * backslash escapes, "..." and `...` identifiers with doubled quotes, --
 * and nested / * * / comments, $$ and $tag$ bodies, and BEGIN ... END
 * bodies in CREATE TRIGGER / FUNCTION / PROCEDURE / EVENT.  Only words
 * outside all of those change case; only white space between tokens
 * changes otherwise.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlformat.h"

enum { T_WS, T_LCOM, T_BCOM, T_STR, T_QID, T_DOLLAR, T_WORD, T_SEMI, T_OTHER };

typedef struct tok {
	int kind;
	size_t s, e; /* text[s..e) */
	int nl;      /* T_WS: newlines in it */
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
} toks;

/*
 * Reserved words of MySQL (a subset: the ones migrations write).  Only
 * these change case: a MySQL table name is case-sensitive, and a reserved
 * word can never be one unquoted; PostgreSQL and SQLite fold unquoted
 * names, so case never matters there.
 */
static const char *const keywords[] = {
	"ADD",       "ALL",        "ALTER",    "AND",        "AS",        "ASC",       "BETWEEN",   "BIGINT",
	"BINARY",    "BLOB",       "BOTH",     "BY",         "CASCADE",   "CASE",      "CHANGE",    "CHAR",
	"CHARACTER", "CHECK",      "COLLATE",  "COLUMN",     "CONSTRAINT", "CONVERT",  "CREATE",    "CROSS",
	"DATABASE",  "DECIMAL",    "DEFAULT",  "DELETE",     "DESC",      "DISTINCT",  "DOUBLE",    "DROP",
	"EACH",      "ELSE",       "EXISTS",   "FALSE",      "FLOAT",     "FOR",       "FOREIGN",   "FROM",
	"FULLTEXT",  "GRANT",      "GROUP",    "HAVING",     "IF",        "IGNORE",    "IN",        "INDEX",
	"INNER",     "INSERT",     "INT",      "INTEGER",    "INTERVAL",  "INTO",      "IS",        "JOIN",
	"KEY",       "KEYS",       "LEADING",  "LEFT",       "LIKE",      "LIMIT",     "LOCK",      "NOT",
	"NULL",      "NUMERIC",    "ON",       "OR",         "ORDER",     "OUTER",     "PRIMARY",   "REAL",
	"REFERENCES", "RENAME",    "REPLACE",  "RESTRICT",   "RIGHT",     "ROW",       "SELECT",    "SET",
	"SMALLINT",  "TABLE",      "THEN",     "TO",         "TRAILING",  "TRIGGER",   "TRUE",      "UNION",
	"UNIQUE",    "UPDATE",     "USING",    "VALUES",     "VARCHAR",   "WHEN",      "WHERE",     "WITH",
	NULL};

static int is_word_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static int word_is(const char *text, const tok *t, const char *w)
{
	size_t n = strlen(w);
	return t->kind == T_WORD && t->e - t->s == n && strncasecmp(text + t->s, w, n) == 0;
}

static int is_keyword(const char *text, const tok *t)
{
	size_t i;
	for (i = 0; keywords[i]; i++)
		if (word_is(text, t, keywords[i]))
			return 1;
	return 0;
}

static int line_of(const char *text, size_t at)
{
	int line = 1;
	size_t i;
	for (i = 0; i < at; i++)
		line += text[i] == '\n';
	return line;
}

static int push(toks *ts, int kind, size_t s, size_t e, int nl)
{
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? 2 * ts->cap : 256;
		tok *v = realloc(ts->v, cap * sizeof *v);
		if (!v)
			return -1;
		ts->v = v;
		ts->cap = cap;
	}
	ts->v[ts->n].kind = kind;
	ts->v[ts->n].s = s;
	ts->v[ts->n].e = e;
	ts->v[ts->n].nl = nl;
	ts->n++;
	return 0;
}

/* The end of a quoted run opened at text[i] by q; 0 when unterminated. */
static size_t quoted_end(const char *text, size_t len, size_t i, char q, int backslash)
{
	for (i++; i < len; i++) {
		if (backslash && text[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (text[i] == q) {
			if (i + 1 < len && text[i + 1] == q) {
				i++;
				continue;
			}
			return i + 1;
		}
	}
	return 0;
}

static int lex(toks *ts, const char *text, size_t len, char *err, size_t errlen)
{
	size_t i = 0, j, e;
	int nl, depth;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		if (isspace(c)) {
			for (j = i, nl = 0; j < len && isspace((unsigned char)text[j]); j++)
				nl += text[j] == '\n';
			if (push(ts, T_WS, i, j, nl) < 0)
				return -1;
			i = j;
		} else if (c == '-' && i + 1 < len && text[i + 1] == '-') {
			for (j = i; j < len && text[j] != '\n'; j++)
				;
			if (push(ts, T_LCOM, i, j, 0) < 0)
				return -1;
			i = j;
		} else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			for (j = i + 2, depth = 1; j < len && depth > 0; j++) {
				if (text[j] == '/' && j + 1 < len && text[j + 1] == '*')
					depth++, j++;
				else if (text[j] == '*' && j + 1 < len && text[j + 1] == '/')
					depth--, j++;
			}
			if (depth > 0) {
				snprintf(err, errlen, "%d: unterminated /* comment", line_of(text, i));
				return -1;
			}
			if (push(ts, T_BCOM, i, j, 0) < 0)
				return -1;
			i = j;
		} else if (c == '\'' || c == '"' || c == '`') {
			if (!(e = quoted_end(text, len, i, (char)c, c == '\''))) {
				snprintf(err, errlen, "%d: unterminated %s", line_of(text, i),
				         c == '\'' ? "string" : "quoted identifier");
				return -1;
			}
			if (push(ts, c == '\'' ? T_STR : T_QID, i, e, 0) < 0)
				return -1;
			i = e;
		} else if (c == '$' && (i == 0 || !is_word_char((unsigned char)text[i - 1])) &&
		           (j = i + 1, (j < len && text[j] == '$') || (j < len && is_word_start((unsigned char)text[j])))) {
			const char *close;
			size_t taglen;
			while (j < len && text[j] != '$' && (isalnum((unsigned char)text[j]) || text[j] == '_'))
				j++;
			if (j >= len || text[j] != '$') { /* $name without a closing $: not a dollar quote */
				if (push(ts, T_OTHER, i, i + 1, 0) < 0)
					return -1;
				i++;
				continue;
			}
			taglen = j + 1 - i;
			close = memmem(text + j + 1, len - (j + 1), text + i, taglen);
			if (!close) {
				snprintf(err, errlen, "%d: unterminated dollar quote %.*s", line_of(text, i), (int)taglen, text + i);
				return -1;
			}
			e = (size_t)(close - text) + taglen;
			if (push(ts, T_DOLLAR, i, e, 0) < 0)
				return -1;
			i = e;
		} else if (is_word_start(c)) {
			for (j = i; j < len && is_word_char((unsigned char)text[j]); j++)
				;
			if (push(ts, T_WORD, i, j, 0) < 0)
				return -1;
			i = j;
		} else if (isdigit(c)) {
			for (j = i; j < len && (isalnum((unsigned char)text[j]) || text[j] == '_' || text[j] == '.'); j++)
				;
			if (push(ts, T_OTHER, i, j, 0) < 0)
				return -1;
			i = j;
		} else {
			if (push(ts, c == ';' ? T_SEMI : T_OTHER, i, i + 1, 0) < 0)
				return -1;
			i++;
		}
	}
	return 0;
}

static int blank(const tok *t)
{
	return t->kind == T_WS || t->kind == T_LCOM || t->kind == T_BCOM;
}

/* The next token after i that is not white space or a comment, or n. */
static size_t next_solid(const toks *ts, size_t i)
{
	for (i++; i < ts->n && blank(&ts->v[i]); i++)
		;
	return i;
}

/* One past the end of the statement starting at token i (its ';' included, or the last solid token). */
static size_t stmt_end(const toks *ts, const char *text, size_t i)
{
	size_t k, last = i;
	int create = word_is(text, &ts->v[i], "CREATE"), body = 0, paren = 0, depth = 0;
	for (k = i; k < ts->n; k++) {
		const tok *t = &ts->v[k];
		if (blank(t))
			continue;
		last = k;
		if (t->kind == T_OTHER && text[t->s] == '(')
			paren = 1;
		if (create && !paren && (word_is(text, t, "TRIGGER") || word_is(text, t, "FUNCTION") ||
		                         word_is(text, t, "PROCEDURE") || word_is(text, t, "EVENT")))
			body = 1;
		if (body && word_is(text, t, "BEGIN"))
			depth++;
		else if (depth > 0 && word_is(text, t, "CASE"))
			depth++;
		else if (depth > 0 && word_is(text, t, "END")) {
			size_t nx = next_solid(ts, k);
			if (!(nx < ts->n && (word_is(text, &ts->v[nx], "IF") || word_is(text, &ts->v[nx], "LOOP") ||
			                     word_is(text, &ts->v[nx], "WHILE") || word_is(text, &ts->v[nx], "REPEAT"))))
				depth--;
		} else if (t->kind == T_SEMI && depth == 0)
			return k + 1;
	}
	return last + 1;
}

/* A statement's tokens: keywords upper case, trailing blanks of its lines dropped. */
static void emit_stmt(retort_strbuf *out, const toks *ts, const char *text, size_t a, size_t b)
{
	size_t k, p, run;
	for (k = a; k < b; k++) {
		const tok *t = &ts->v[k];
		if (t->kind == T_WORD && is_keyword(text, t)) {
			for (p = t->s; p < t->e; p++)
				retort_strbuf_putc(out, (char)toupper((unsigned char)text[p]));
		} else if (t->kind == T_WS && t->nl) {
			for (p = t->s, run = t->s; p < t->e; p++) {
				if (text[p] == '\n') {
					retort_strbuf_putc(out, '\n');
					run = p + 1;
				} else if (p + 1 == t->e) {
					retort_strbuf_add(out, text + run, p + 1 - run); /* the next line's indentation */
				}
			}
		} else {
			retort_strbuf_add(out, text + t->s, t->e - t->s);
		}
	}
}

/* The separator for `nl` newlines in the source: a space, a newline, or one blank line. */
static void separator(retort_strbuf *out, int nl)
{
	if (out->len == 0)
		return;
	retort_strbuf_puts(out, nl == 0 ? " " : nl == 1 ? "\n" : "\n\n");
}

int sf_format_sql(retort_strbuf *out, const char *text, size_t len, char *err, size_t errlen)
{
	toks ts = {NULL, 0, 0};
	size_t i = 0, end;
	int nl = 0, after_stmt = 0, forced = 0;
	if (lex(&ts, text, len, err, errlen) < 0) {
		if (!*err)
			snprintf(err, errlen, " out of memory");
		free(ts.v);
		return -1;
	}
	while (i < ts.n) {
		const tok *t = &ts.v[i];
		if (t->kind == T_WS) {
			nl += t->nl;
			i++;
			continue;
		}
		if (t->kind == T_LCOM || t->kind == T_BCOM) {
			if (after_stmt && nl == 0) {
				retort_strbuf_putc(out, ' '); /* a comment on the statement's last line stays there */
			} else {
				if (forced)
					retort_strbuf_puts(out, "\n\n");
				else
					separator(out, nl);
				forced = 0;
			}
			retort_strbuf_add(out, text + t->s, t->e - t->s);
			after_stmt = 0;
			nl = 0;
			i++;
			continue;
		}
		/* a statement: a blank line before it when a statement came before */
		if (forced || after_stmt)
			retort_strbuf_puts(out, "\n\n");
		else
			separator(out, nl);
		end = stmt_end(&ts, text, i);
		emit_stmt(out, &ts, text, i, end);
		i = end;
		nl = 0;
		after_stmt = 1;
		forced = 1;
	}
	if (out->len)
		retort_strbuf_putc(out, '\n');
	free(ts.v);
	return 0;
}

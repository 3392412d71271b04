/*
 * Splitting raw SQL into statements.
 *
 * A statement ends at a ';' outside every quote, comment and BEGIN ... END
 * body.  The rules, chosen to work for SQLite, PostgreSQL and MySQL text
 * without knowing which one it is:
 *
 *  - '...' strings: '' is a quote; a backslash escapes the next character
 *    (MySQL's default, PostgreSQL's E'...').  A PostgreSQL standard string
 *    whose last character is a backslash ('C:\') must therefore be written
 *    as E'C:\\' or with dollar quoting.
 *  - "..." and `...` identifiers: only the doubled quote ("" and ``).
 *  - -- comments run to the end of the line; / * ... * / comments nest (as
 *    PostgreSQL's do).  MySQL's executable comments (/ *! ... * /) count as
 *    statement text, so a statement made of one is not dropped.
 *  - $$ ... $$ and $tag$ ... $tag$ (tag: letters, digits, '_', not starting
 *    with a digit) when the '$' does not continue an identifier.
 *  - BEGIN ... END bodies: in a statement whose first word is CREATE and
 *    that names a TRIGGER, FUNCTION, PROCEDURE or EVENT before its first
 *    '(', BEGIN opens a body
 *    and ';' does not end the statement until the matching END.  Inside a
 *    body CASE ... END nests too, and END IF / END LOOP / END WHILE /
 *    END REPEAT close nothing that was counted.  A statement that does not
 *    start with CREATE (`BEGIN;`, `BEGIN TRANSACTION;`) never opens a body.
 *
 * The text handed to the callback starts at the statement's first token and
 * ends after its last one (leading comments, trailing comments and white
 * space are left out; comments between tokens are kept).
 */
#include "config.h"

#include <string.h>

#include "rt.h"
#include "sqlsplit.h"

typedef struct splitter {
	const char *s;
	size_t len;
	size_t i;
	int line;
} splitter;

static int ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int ident_char(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Case-insensitive compare of a word with an upper-case keyword. */
static int word_is(const char *w, size_t n, const char *kw)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (kw[i] == '\0' || c != (unsigned char)kw[i])
			return 0;
	}
	return kw[n] == '\0';
}

/* Skip a quoted run opened at sp->i by `q`; `backslash` enables \x escapes. */
static int skip_quoted(splitter *sp, char q, int backslash, const char *what)
{
	int open_line = sp->line;
	size_t i = sp->i + 1;
	while (i < sp->len) {
		char c = sp->s[i];
		if (c == '\n')
			sp->line++;
		if (backslash && c == '\\' && i + 1 < sp->len) {
			if (sp->s[i + 1] == '\n')
				sp->line++;
			i += 2;
			continue;
		}
		if (c == q) {
			if (i + 1 < sp->len && sp->s[i + 1] == q) {
				i += 2;
				continue;
			}
			sp->i = i + 1;
			return RETORT_OK;
		}
		i++;
	}
	rt_error_set("line %d: unterminated %s", open_line, what);
	return RETORT_EINVAL;
}

/* Skip a (nested) block comment opened at sp->i. */
static int skip_block_comment(splitter *sp)
{
	int open_line = sp->line, depth = 1;
	size_t i = sp->i + 2;
	while (i < sp->len) {
		char c = sp->s[i];
		if (c == '\n') {
			sp->line++;
			i++;
		} else if (c == '*' && i + 1 < sp->len && sp->s[i + 1] == '/') {
			i += 2;
			if (--depth == 0) {
				sp->i = i;
				return RETORT_OK;
			}
		} else if (c == '/' && i + 1 < sp->len && sp->s[i + 1] == '*') {
			depth++;
			i += 2;
		} else {
			i++;
		}
	}
	rt_error_set("line %d: unterminated comment", open_line);
	return RETORT_EINVAL;
}

/*
 * At a '$': a dollar quote opener ($$ or $tag$)?  Returns the delimiter's
 * length, 0 when it is not one ($1, a lone $).
 */
static size_t dollar_tag(const splitter *sp)
{
	size_t j = sp->i + 1;
	if (j < sp->len && sp->s[j] >= '0' && sp->s[j] <= '9')
		return 0;
	while (j < sp->len && ident_char((unsigned char)sp->s[j]) && sp->s[j] != '$')
		j++;
	if (j < sp->len && sp->s[j] == '$')
		return j + 1 - sp->i;
	return 0;
}

static int skip_dollar(splitter *sp, size_t taglen)
{
	const char *tag = sp->s + sp->i;
	int open_line = sp->line;
	size_t i = sp->i + taglen;
	while (i < sp->len) {
		const char *p = memchr(sp->s + i, '$', sp->len - i);
		const char *nl;
		size_t at;
		if (!p)
			break;
		at = (size_t)(p - sp->s);
		for (nl = sp->s + i; (nl = memchr(nl, '\n', (size_t)(p - nl))) != NULL; nl++)
			sp->line++;
		if (sp->len - at >= taglen && memcmp(p, tag, taglen) == 0) {
			sp->i = at + taglen;
			return RETORT_OK;
		}
		i = at + 1;
	}
	rt_error_set("line %d: unterminated dollar-quoted string", open_line);
	return RETORT_EINVAL;
}

/* Per-statement state of the BEGIN ... END tracking. */
typedef struct stmt_state {
	int nwords;    /* words seen in the statement */
	int create;    /* first word is CREATE */
	int routine;   /* a TRIGGER/FUNCTION/PROCEDURE/EVENT word followed */
	int paren;     /* a '(' was seen: too late to name a routine */
	int depth;     /* open BEGIN/CASE */
	int body_line; /* line of the outermost BEGIN */
	int after_end; /* the previous token was an END that closed something */
} stmt_state;

static void on_word(stmt_state *st, const char *w, size_t n, int qualified, int line)
{
	int first = st->nwords++ == 0;
	if (st->after_end) {
		st->after_end = 0;
		/* END IF and friends: their opener was never counted */
		if (word_is(w, n, "IF") || word_is(w, n, "LOOP") || word_is(w, n, "WHILE") || word_is(w, n, "REPEAT")) {
			st->depth++;
			return;
		}
		if (word_is(w, n, "CASE")) /* END CASE closes a CASE statement */
			return;
	}
	if (qualified)
		return;
	if (first) {
		st->create = word_is(w, n, "CREATE");
		return;
	}
	if (!st->create)
		return;
	if (!st->routine) {
		if (!st->paren && (word_is(w, n, "TRIGGER") || word_is(w, n, "FUNCTION") || word_is(w, n, "PROCEDURE") ||
		    word_is(w, n, "EVENT")))
			st->routine = 1;
		return;
	}
	if (word_is(w, n, "BEGIN")) {
		if (st->depth++ == 0)
			st->body_line = line;
	} else if (st->depth > 0 && word_is(w, n, "CASE")) {
		st->depth++;
	} else if (st->depth > 0 && word_is(w, n, "END")) {
		st->depth--;
		st->after_end = 1;
	}
}

int rt_sql_split(const char *text, size_t len, int first_line, rt_sql_stmt_fn fn, void *arg)
{
	splitter sp;
	stmt_state st;
	size_t start = 0, end = 0;
	int have = 0, start_line = 0, prev_dot = 0, rc;

	sp.s = text;
	sp.len = len;
	sp.i = 0;
	sp.line = first_line;
	memset(&st, 0, sizeof st);
	while (sp.i < sp.len) {
		unsigned char c = (unsigned char)text[sp.i];
		size_t tok = sp.i, n;
		int tok_line = sp.line;

		if (c == '\n') {
			sp.line++;
			sp.i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			sp.i++;
			continue;
		}
		if (c == '-' && sp.i + 1 < sp.len && text[sp.i + 1] == '-') {
			const char *nl = memchr(text + sp.i, '\n', sp.len - sp.i);
			sp.i = nl ? (size_t)(nl - text) : sp.len;
			continue;
		}
		if (c == '/' && sp.i + 1 < sp.len && text[sp.i + 1] == '*') {
			int exec = sp.i + 2 < sp.len && text[sp.i + 2] == '!';
			if ((rc = skip_block_comment(&sp)) < 0)
				return rc;
			if (!exec)
				continue;
		} else if (c == ';' && st.depth == 0) {
			sp.i++;
			if (have && (rc = fn(arg, text + start, end - start, start_line)) != 0)
				return rc;
			have = 0;
			prev_dot = 0;
			memset(&st, 0, sizeof st);
			continue;
		} else if (c == '\'') {
			if ((rc = skip_quoted(&sp, '\'', 1, "quoted string")) < 0)
				return rc;
		} else if (c == '"') {
			if ((rc = skip_quoted(&sp, '"', 0, "quoted identifier")) < 0)
				return rc;
		} else if (c == '`') {
			if ((rc = skip_quoted(&sp, '`', 0, "quoted identifier")) < 0)
				return rc;
		} else if (c == '$' && (n = dollar_tag(&sp)) > 0) {
			if ((rc = skip_dollar(&sp, n)) < 0)
				return rc;
		} else if (ident_start(c)) {
			while (sp.i < sp.len && ident_char((unsigned char)text[sp.i]))
				sp.i++;
			on_word(&st, text + tok, sp.i - tok, prev_dot, tok_line);
		} else {
			sp.i++;
		}
		/* a significant token spans [tok, sp.i) */
		if (!ident_start(c))
			st.after_end = 0;
		if (c == '(')
			st.paren = 1;
		prev_dot = c == '.';
		if (!have) {
			have = 1;
			start = tok;
			start_line = tok_line;
		}
		end = sp.i;
	}
	if (st.depth > 0) {
		rt_error_set("line %d: unterminated BEGIN ... END block", st.body_line);
		return RETORT_EINVAL;
	}
	if (have && (rc = fn(arg, text + start, end - start, start_line)) != 0)
		return rc;
	return RETORT_OK;
}

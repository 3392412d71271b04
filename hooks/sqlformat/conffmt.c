/*
 * sqlformat, .conf scripts: libconfig text in one layout, comments kept.
 *
 * A small reader of libconfig's grammar (settings `name = value;` or
 * `name : value,`, groups { }, lists ( ), arrays [ ], scalars, adjacent
 * strings, #, // and / * * / comments, @include lines) builds a tree that
 * keeps each comment where it was: on its own line, or at the end of the
 * line of the item before it.  The printer then writes:
 *  - each setting as `name = value;` on its own line, two spaces per level;
 *  - a list one element per line, commas after all but the last;
 *  - a group or an array on one line (`{ a = 1; b = "x"; }`, `[ "a", "b" ]`)
 *    when it holds no comment and no non-empty list and the line stays
 *    within 100 columns; otherwise one member per line;
 *  - one blank line where the source had one or more between two items;
 * scalars byte for byte.  The result depends only on the tokens, the
 * comments' places and the blank lines, all of which it keeps: formatting
 * it again changes nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlformat.h"

#define WIDTH 100

enum { N_SCALAR, N_GROUP, N_LIST, N_ARRAY, N_SETTING, N_COMMENT, N_INCLUDE };

typedef struct node node;
struct node {
	int kind;
	const char *text; /* scalar (may be several strings), comment, setting name, include line */
	size_t len;
	int trailing;     /* comment: at the end of the previous item's line */
	int blank_before; /* a blank line before this item */
	node *value;      /* setting */
	node **kids;      /* group, list, array */
	size_t nkids, cap;
};

typedef struct reader {
	const char *t;
	size_t len, i;
	int nl;     /* newlines skipped since the last item */
	int failed; /* out of memory */
	char *err;
	size_t errlen;
} reader;

static int line_at(const reader *r, size_t at)
{
	int line = 1;
	size_t i;
	for (i = 0; i < at && i < r->len; i++)
		line += r->t[i] == '\n';
	return line;
}

static int fail(reader *r, const char *what)
{
	if (!*r->err)
		snprintf(r->err, r->errlen, "%d: %s", line_at(r, r->i), what);
	return -1;
}

static node *new_node(reader *r, int kind, const char *text, size_t len)
{
	node *n = calloc(1, sizeof *n);
	if (!n) {
		r->failed = 1;
		return NULL;
	}
	n->kind = kind;
	n->text = text;
	n->len = len;
	return n;
}

static void free_node(node *n)
{
	size_t i;
	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		free_node(n->kids[i]);
	free(n->kids);
	free_node(n->value);
	free(n);
}

static int add_kid(reader *r, node *parent, node *kid)
{
	if (!kid)
		return -1;
	if (parent->nkids == parent->cap) {
		size_t cap = parent->cap ? 2 * parent->cap : 8;
		node **v = realloc(parent->kids, cap * sizeof *v);
		if (!v) {
			free_node(kid);
			r->failed = 1;
			return -1;
		}
		parent->kids = v;
		parent->cap = cap;
	}
	parent->kids[parent->nkids++] = kid;
	return 0;
}

/* (add_kid: on failure the kid is freed.) */

/* Skip white space, counting newlines into r->nl. */
static void skip_ws(reader *r)
{
	while (r->i < r->len && isspace((unsigned char)r->t[r->i])) {
		r->nl += r->t[r->i] == '\n';
		r->i++;
	}
}

/* A comment at r->i?  Its length, else 0. */
static size_t comment_len(reader *r)
{
	const char *p = r->t + r->i;
	size_t left = r->len - r->i, j;
	if (left >= 1 && (p[0] == '#' || (left >= 2 && p[0] == '/' && p[1] == '/'))) {
		for (j = 0; j < left && p[j] != '\n'; j++)
			;
		while (j > 0 && (p[j - 1] == ' ' || p[j - 1] == '\t' || p[j - 1] == '\r'))
			j--;
		return j;
	}
	if (left >= 2 && p[0] == '/' && p[1] == '*') {
		for (j = 2; j + 1 < left; j++)
			if (p[j] == '*' && p[j + 1] == '/')
				return j + 2;
		return (size_t)-1;
	}
	return 0;
}

/*
 * Skip white space and comments; each comment becomes a child of
 * `into`, trailing when it sits on the line of the item before it (has_prev).
 */
static int skip_blank(reader *r, node *into, int *has_prev)
{
	size_t n;
	for (;;) {
		skip_ws(r);
		n = comment_len(r);
		if (n == (size_t)-1)
			return fail(r, "unterminated /* comment");
		if (!n)
			return 0;
		{
			node *c = new_node(r, N_COMMENT, r->t + r->i, n);
			if (!c)
				return -1;
			c->trailing = r->nl == 0 && *has_prev;
			c->blank_before = r->nl >= 2;
			r->nl = 0;
			r->i += n;
			if (add_kid(r, into, c) < 0)
				return -1;
			*has_prev = 1;
		}
	}
}

static int peek(reader *r)
{
	return r->i < r->len ? (unsigned char)r->t[r->i] : -1;
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '*' || c == '.' || c == '+';
}

static node *parse_value(reader *r, node *comments);
static int parse_settings(reader *r, node *into, int close);

/* A string "..." at r->i: its end. */
static size_t string_end(reader *r, size_t i)
{
	for (i++; i < r->len; i++) {
		if (r->t[i] == '\\' && i + 1 < r->len)
			i++;
		else if (r->t[i] == '"')
			return i + 1;
	}
	return 0;
}

static node *parse_scalar(reader *r)
{
	size_t start = r->i, end, save;
	int c = peek(r), savenl;
	if (c == '"') {
		if (!(end = string_end(r, r->i)))
			return fail(r, "unterminated string"), NULL;
		r->i = end;
		/* adjacent strings are one value: "a" "b" */
		for (;;) {
			save = r->i;
			savenl = r->nl;
			skip_ws(r);
			if (peek(r) != '"') {
				r->i = save;
				r->nl = savenl;
				break;
			}
			if (!(end = string_end(r, r->i)))
				return fail(r, "unterminated string"), NULL;
			r->i = end;
		}
		r->nl = 0;
		return new_node(r, N_SCALAR, r->t + start, r->i - start);
	}
	while (r->i < r->len && is_name_char(peek(r)))
		r->i++;
	if (r->i == start)
		return fail(r, "a value was expected"), NULL;
	return new_node(r, N_SCALAR, r->t + start, r->i - start);
}

/* The elements of a list or an array, up to `close`. */
static int parse_elements(reader *r, node *into, int close)
{
	int has_prev = 0;
	node *v;
	for (;;) {
		int nl;
		if (skip_blank(r, into, &has_prev) < 0)
			return -1;
		if (peek(r) == close) {
			r->i++;
			return 0;
		}
		nl = r->nl;
		if (!(v = parse_value(r, into)))
			return -1;
		v->blank_before = nl >= 2;
		if (add_kid(r, into, v) < 0)
			return -1;
		has_prev = 1;
		r->nl = 0;
		if (skip_blank(r, into, &has_prev) < 0)
			return -1;
		if (peek(r) == ',') {
			r->i++;
			r->nl = 0;
		} else if (peek(r) != close) {
			return fail(r, close == ')' ? "',' or ')' expected in a list" : "',' or ']' expected in an array");
		}
	}
}

static node *parse_value(reader *r, node *comments)
{
	node *n;
	int has_prev = 0, c;
	if (skip_blank(r, comments, &has_prev) < 0)
		return NULL;
	c = peek(r);
	if (c == '{' || c == '(' || c == '[') {
		r->i++;
		r->nl = 0;
		if (!(n = new_node(r, c == '{' ? N_GROUP : c == '(' ? N_LIST : N_ARRAY, NULL, 0)))
			return NULL;
		if ((c == '{' ? parse_settings(r, n, '}') : parse_elements(r, n, c == '(' ? ')' : ']')) < 0) {
			free_node(n);
			return NULL;
		}
		return n;
	}
	return parse_scalar(r);
}

/* Settings up to `close` ('}' or -1 for the end of the text). */
static int parse_settings(reader *r, node *into, int close)
{
	int has_prev = 0;
	for (;;) {
		size_t start;
		int nl;
		node *s;
		if (skip_blank(r, into, &has_prev) < 0)
			return -1;
		if (peek(r) == close) {
			if (close != -1)
				r->i++;
			return 0;
		}
		nl = r->nl;
		if (peek(r) == '@') { /* @include "file" */
			start = r->i;
			while (r->i < r->len && r->t[r->i] != '\n')
				r->i++;
			if (!(s = new_node(r, N_INCLUDE, r->t + start, r->i - start)) || add_kid(r, into, s) < 0)
				return -1;
			s->blank_before = nl >= 2;
			r->nl = 0;
			has_prev = 1;
			continue;
		}
		start = r->i;
		while (r->i < r->len && is_name_char(peek(r)))
			r->i++;
		if (r->i == start)
			return fail(r, close == '}' ? "a setting name or '}' was expected" : "a setting name was expected");
		if (!(s = new_node(r, N_SETTING, r->t + start, r->i - start)))
			return -1;
		s->blank_before = nl >= 2;
		r->nl = 0;
		if (skip_blank(r, into, &has_prev) < 0 || (peek(r) != '=' && peek(r) != ':')) {
			free_node(s);
			return fail(r, "'=' expected after a setting name");
		}
		r->i++;
		if (!(s->value = parse_value(r, into))) {
			free_node(s);
			return -1;
		}
		if (add_kid(r, into, s) < 0) /* frees s */
			return -1;
		has_prev = 1;
		r->nl = 0;
		if (skip_blank(r, into, &has_prev) < 0)
			return -1;
		if (peek(r) == ';' || peek(r) == ',') {
			r->i++;
			r->nl = 0;
		}
	}
}

/* ---- printing ---- */

/* The length of n written on one line, or -1 when it cannot be. */
static long inline_len(const node *n)
{
	size_t i;
	long len, k;
	switch (n->kind) {
	case N_SCALAR:
		return (long)n->len;
	case N_SETTING:
		k = inline_len(n->value);
		return k < 0 ? -1 : (long)n->len + 3 + k + 1;
	case N_LIST:
		return n->nkids ? -1 : 2;
	case N_GROUP:
	case N_ARRAY:
		if (!n->nkids)
			return 2;
		len = 2;
		for (i = 0; i < n->nkids; i++) {
			if ((k = inline_len(n->kids[i])) < 0)
				return -1;
			len += k + (n->kind == N_ARRAY && i + 1 < n->nkids ? 2 : 1);
		}
		return len + 1;
	default:
		return -1; /* comments, includes */
	}
}

static void put_indent(retort_strbuf *out, int indent)
{
	int i;
	for (i = 0; i < indent; i++)
		retort_strbuf_putc(out, ' ');
}

static void print_value(retort_strbuf *out, const node *n, int indent, int col, int tail);

static void print_inline(retort_strbuf *out, const node *n)
{
	size_t i;
	switch (n->kind) {
	case N_SCALAR:
		retort_strbuf_add(out, n->text, n->len);
		break;
	case N_SETTING:
		retort_strbuf_add(out, n->text, n->len);
		retort_strbuf_puts(out, " = ");
		print_inline(out, n->value);
		retort_strbuf_putc(out, ';');
		break;
	default:
		if (!n->nkids) {
			retort_strbuf_puts(out, n->kind == N_GROUP ? "{}" : n->kind == N_LIST ? "()" : "[]");
			break;
		}
		retort_strbuf_puts(out, n->kind == N_GROUP ? "{ " : "[ ");
		for (i = 0; i < n->nkids; i++) {
			print_inline(out, n->kids[i]);
			if (i + 1 < n->nkids)
				retort_strbuf_puts(out, n->kind == N_ARRAY ? ", " : " ");
		}
		retort_strbuf_puts(out, n->kind == N_GROUP ? " }" : " ]");
	}
}

/* The items of a container (or the file), one a line at `indent`; commas between elements (sep). */
static void print_items(retort_strbuf *out, const node *n, int indent, int sep)
{
	size_t i, last = 0, k;
	int any = 0;
	for (i = 0; i < n->nkids; i++)
		if (n->kids[i]->kind != N_COMMENT)
			last = i;
	for (i = 0; i < n->nkids; i++) {
		const node *c = n->kids[i];
		if (c->kind == N_COMMENT && c->trailing && any) {
			retort_strbuf_putc(out, ' ');
			retort_strbuf_add(out, c->text, c->len);
			continue;
		}
		if (any || indent > 0 || out->len)
			retort_strbuf_putc(out, '\n');
		if (c->blank_before && any)
			retort_strbuf_putc(out, '\n');
		put_indent(out, indent);
		any = 1;
		switch (c->kind) {
		case N_COMMENT:
		case N_INCLUDE:
			retort_strbuf_add(out, c->text, c->len);
			break;
		case N_SETTING:
			retort_strbuf_add(out, c->text, c->len);
			retort_strbuf_puts(out, " = ");
			print_value(out, c->value, indent, indent + (int)c->len + 3, 1);
			retort_strbuf_putc(out, ';');
			break;
		default:
			k = sep && i < last ? 1 : 0;
			print_value(out, c, indent, indent, (int)k);
			if (k)
				retort_strbuf_putc(out, ',');
		}
	}
}

static void print_value(retort_strbuf *out, const node *n, int indent, int col, int tail)
{
	long k = inline_len(n);
	if (k >= 0 && (n->kind != N_LIST || !n->nkids) && col + k + tail <= WIDTH) {
		print_inline(out, n);
		return;
	}
	retort_strbuf_putc(out, n->kind == N_GROUP ? '{' : n->kind == N_LIST ? '(' : '[');
	print_items(out, n, indent + 2, n->kind != N_GROUP);
	retort_strbuf_putc(out, '\n');
	put_indent(out, indent);
	retort_strbuf_putc(out, n->kind == N_GROUP ? '}' : n->kind == N_LIST ? ')' : ']');
}

int sf_format_conf(retort_strbuf *out, const char *text, size_t len, char *err, size_t errlen)
{
	reader r = {text, len, 0, 0, 0, err, errlen};
	node *root;
	err[0] = '\0';
	if (!(root = new_node(&r, N_GROUP, NULL, 0))) {
		snprintf(err, errlen, " out of memory");
		return -1;
	}
	if (parse_settings(&r, root, -1) < 0 || r.failed) {
		if (r.failed && !*err)
			snprintf(err, errlen, " out of memory");
		free_node(root);
		return -1;
	}
	print_items(out, root, 0, 0);
	if (out->len)
		retort_strbuf_putc(out, '\n');
	free_node(root);
	return 0;
}

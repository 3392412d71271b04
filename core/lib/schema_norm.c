/*
 * Canonical texts for comparing a declared schema with a reflected one
 * (autogenerate, check): types, server defaults, check and index
 * expressions.
 *
 * The dialect normalises first when it can (its `normalize` method: what
 * reflect() would report for a column declared that way); then the core
 * drops what no database keeps as meaning: letter case and blanks outside
 * quotes, parentheses, `::type` casts, quotes (" and `) around identifiers,
 * now() vs CURRENT_TIMESTAMP, and the spelling of the portable type names
 * (int4 / int / integer).  Two texts are equal when their canonical forms
 * are.  It can take two different expressions for one only where they
 * differ in parentheses alone (`a - (b - c)` vs `a - b - c`), which a
 * declared schema does not do by accident; retort(1) says so.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "autogen.h"
#include "host.h"

static int word_char(int c)
{
	return isalnum(c) || c == '_' || c == '$';
}

/* [b, e) is a decimal number: -?digits[.digits] */
static int is_number(const char *b, const char *e)
{
	int digits = 0;
	if (b < e && *b == '-')
		b++;
	for (; b < e && isdigit((unsigned char)*b); b++)
		digits++;
	if (b < e && *b == '.')
		for (b++; b < e && isdigit((unsigned char)*b); b++)
			digits++;
	return digits && b == e;
}

/* Letter case, blanks, parentheses, casts and identifier quotes outside '...' literals. */
static char *loose(const char *s, int keep_parens)
{
	rt_buf b = RT_BUF_INIT;
	const char *p = s;
	int pending_space = 0;
	while (*p) {
		unsigned char c = (unsigned char)*p;
		if (c == '\'') { /* a literal, kept as it is ('' inside) */
			const char *q = p + 1;
			while (*q && !(*q == '\'' && q[1] != '\'')) {
				q += *q == '\'' ? 2 : 1;
			}
			if (pending_space && b.len && word_char((unsigned char)b.ptr[b.len - 1]))
				rt_buf_putc(&b, ' ');
			pending_space = 0;
			if (*q && is_number(p + 1, q)) /* '-100'::integer is -100 */
				rt_buf_add(&b, p + 1, (size_t)(q - p - 1));
			else
				rt_buf_add(&b, p, (size_t)(*q ? q + 1 - p : q - p));
			p = *q ? q + 1 : q;
			continue;
		}
		if (isspace(c)) {
			pending_space = 1;
			p++;
			continue;
		}
		if (c == ':' && p[1] == ':') { /* a cast: ::name [name...] [(n)] [[]] */
			p += 2;
			for (;;) {
				while (isspace((unsigned char)*p))
					p++;
				if (*p == '"') {
					for (p++; *p && *p != '"'; p++)
						;
					if (*p)
						p++;
				} else if (word_char((unsigned char)*p)) {
					while (word_char((unsigned char)*p))
						p++;
				} else {
					break;
				}
				/* "character varying", "time with time zone": another word follows a type word */
				{
					const char *q = p;
					while (*q == ' ')
						q++;
					if (!(isalpha((unsigned char)*q) &&
					      (strncmp(q, "varying", 7) == 0 || strncmp(q, "with", 4) == 0 ||
					       strncmp(q, "without", 7) == 0 || strncmp(q, "time", 4) == 0 ||
					       strncmp(q, "zone", 4) == 0 || strncmp(q, "precision", 9) == 0)))
						break;
					p = q;
				}
			}
			if (*p == '(') {
				while (*p && *p != ')')
					p++;
				if (*p)
					p++;
			}
			while (p[0] == '[' && p[1] == ']')
				p += 2;
			continue;
		}
		if (c == '"' || c == '`') { /* a quoted identifier: the name, quotes dropped */
			const char *q = p + 1;
			while (*q && *q != (char)c)
				q++;
			if (pending_space && b.len && word_char((unsigned char)b.ptr[b.len - 1]))
				rt_buf_putc(&b, ' ');
			pending_space = 0;
			rt_buf_add(&b, p + 1, (size_t)(q - p - 1));
			p = *q ? q + 1 : q;
			continue;
		}
		if (!keep_parens && (c == '(' || c == ')')) {
			/* a call keeps its parentheses: now() */
			if (c == '(' && b.len && word_char((unsigned char)b.ptr[b.len - 1]) && p[1] == ')') {
				rt_buf_puts(&b, "()");
				p += 2;
				pending_space = 0;
				continue;
			}
			p++;
			continue;
		}
		if (pending_space && b.len && word_char((unsigned char)b.ptr[b.len - 1]) && word_char(c))
			rt_buf_putc(&b, ' ');
		pending_space = 0;
		rt_buf_putc(&b, (char)tolower(c));
		p++;
	}
	return b.ptr ? rt_buf_detach(&b) : rt_strdup("");
}

/* The portable name of a type's common spellings. */
static char *type_synonym(char *t)
{
	static const char *const syn[][2] = {
		{"int", "integer"},          {"int4", "integer"},        {"int8", "bigint"},
		{"int2", "smallint"},        {"bool", "boolean"},        {"float8", "double"},
		{"double precision", "double"}, {"float4", "real"},      {"character varying", "varchar"},
		{"decimal", "numeric"},      {"timestamp without time zone", "timestamp"},
		{"timestamp with time zone", "timestamptz"}, {"time without time zone", "time"},
	};
	size_t i, n;
	for (i = 0; i < sizeof syn / sizeof syn[0]; i++) {
		n = strlen(syn[i][0]);
		if (strncmp(t, syn[i][0], n) == 0 && (t[n] == '\0' || t[n] == '(')) {
			char *r = rt_asprintf("%s%s", syn[i][1], t + n);
			rt_free(t);
			return r;
		}
	}
	return t;
}

/* now(), current_timestamp() and CURRENT_TIMESTAMP are one default; 0.00 and 0 one number. */
static char *default_synonym(char *d)
{
	size_t n = strlen(d);
	if (is_number(d, d + n) && strchr(d, '.')) {
		while (n && d[n - 1] == '0')
			d[--n] = '\0';
		if (n && d[n - 1] == '.')
			d[--n] = '\0';
		return d;
	}
	if (strcmp(d, "now()") == 0 || strcmp(d, "current_timestamp()") == 0) {
		rt_free(d);
		return rt_strdup("current_timestamp");
	}
	return d;
}

/* The dialect's normalisation, or NULL when it has none for this text. */
static char *dialect_normalize(rt_ctx *ctx, rt_canon_kind kind, const char *type, const char *text)
{
	const retort_dialect_vtable *vt;
	retort_sink sk;
	char *out = NULL;
	static const retort_normalize_kind kinds[] = {RETORT_NORMALIZE_TYPE, RETORT_NORMALIZE_DEFAULT,
	                                               RETORT_NORMALIZE_EXPRESSION};
	if (!ctx || !ctx->dialect)
		return NULL;
	vt = &ctx->dialect->vt.dialect;
	if (!RETORT_STRUCT_HAS(vt, retort_dialect_vtable, normalize) || !vt->normalize)
		return NULL;
	rt_sink_init(&sk);
	if (vt->normalize(ctx->dialect->state, ctx->dialect->hctx, kinds[kind], type, text, &sk) == RETORT_OK)
		out = rt_strdup(rt_sink_text(&sk));
	rt_hctx_clear_error(ctx->dialect->hctx);
	rt_sink_free(&sk);
	return out;
}

char *rt_schema_canon(rt_ctx *ctx, rt_canon_kind kind, const char *type, const char *text)
{
	char *d = dialect_normalize(ctx, kind, type, text), *c;
	c = loose(d ? d : text, kind == RT_CANON_TYPE);
	rt_free(d);
	if (!c)
		return NULL;
	if (kind == RT_CANON_TYPE)
		return type_synonym(c);
	if (kind == RT_CANON_DEFAULT)
		return default_synonym(c);
	return c;
}

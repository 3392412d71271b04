/*
 * Helpers for plugin authors: what every plugin otherwise writes again.
 *
 *  - retort_strbuf: a growable string on the host's allocator whose status
 *    is sticky (the first failure wins, later calls do nothing), so text is
 *    built as a plain sequence of calls and the status read once at the end;
 *  - retort_strbuf_json_string: a string as a JSON string literal;
 *  - retort_op_kind_name: "create_table", ... for an operation kind;
 *  - retort_sink_ident_list: "a, b" quoted by a dialect's quote_ident.
 *
 * The file rewrite a formatter needs (temporary file beside it, then
 * rename, mode kept) and the naming policy's answer for a dialect are host
 * services (retort_host.replace_file, retort_host.policy_name in
 * <retort/plugin.h>).
 *
 * Everything here is `static inline`: compiled into the plugin that uses
 * it, never exported, no library to link and no ABI of its own.  C99 and
 * C++ both compile it.
 */
#ifndef RETORT_SDK_H
#define RETORT_SDK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <retort/plugin.h>
#include <retort/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the string builder ---- */

/** A NUL-terminated growable string allocated with host->malloc; zero it or retort_strbuf_init it. */
typedef struct retort_strbuf {
	const retort_host *host;
	char *ptr;   /**< the text, NULL while empty (retort_strbuf_cstr gives "") */
	size_t len;  /**< bytes in ptr, without the NUL */
	size_t cap;
	int status;  /**< RETORT_OK, or the first failure: every later call is a no-op */
} retort_strbuf;

static inline void retort_strbuf_init(retort_strbuf *b, const retort_host *host)
{
	memset(b, 0, sizeof *b);
	b->host = host;
}

/** Free the text; the status stays. */
static inline void retort_strbuf_free(retort_strbuf *b)
{
	if (b->ptr)
		b->host->free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

/** Make the builder fail with `status` (negative) unless it failed already; returns the status kept. */
static inline int retort_strbuf_fail(retort_strbuf *b, int status)
{
	if (b->status == RETORT_OK)
		b->status = status;
	return b->status;
}

/** Room for `extra` more bytes and the NUL. */
static inline int retort_strbuf_reserve(retort_strbuf *b, size_t extra)
{
	size_t need, cap;
	char *p;
	if (b->status != RETORT_OK)
		return b->status;
	if (extra > (size_t)-1 - b->len - 1)
		return retort_strbuf_fail(b, RETORT_ENOMEM);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return RETORT_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = (char *)b->host->realloc(b->ptr, cap);
	if (!p)
		return retort_strbuf_fail(b, RETORT_ENOMEM);
	b->ptr = p;
	b->cap = cap;
	return RETORT_OK;
}

/** Append n bytes of s. */
static inline int retort_strbuf_add(retort_strbuf *b, const char *s, size_t n)
{
	if (retort_strbuf_reserve(b, n) != RETORT_OK)
		return b->status;
	if (n)
		memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return RETORT_OK;
}

static inline int retort_strbuf_puts(retort_strbuf *b, const char *s)
{
	return retort_strbuf_add(b, s, strlen(s));
}

static inline int retort_strbuf_putc(retort_strbuf *b, char c)
{
	return retort_strbuf_add(b, &c, 1);
}

static inline int retort_strbuf_vprintf(retort_strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	if (b->status != RETORT_OK)
		return b->status;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return retort_strbuf_fail(b, RETORT_EINVAL);
	if (retort_strbuf_reserve(b, (size_t)n) != RETORT_OK)
		return b->status;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return RETORT_OK;
}

static inline int retort_strbuf_printf(retort_strbuf *b, const char *fmt, ...) RETORT_PRINTF(2, 3);
static inline int retort_strbuf_printf(retort_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = retort_strbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/** The text ("" when empty). */
static inline const char *retort_strbuf_cstr(const retort_strbuf *b)
{
	return b->ptr ? b->ptr : "";
}

/** Empty the text, keep the memory; the status stays. */
static inline void retort_strbuf_clear(retort_strbuf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

/**
 * Hand the text over (free it with host->free) and reset the builder; NULL
 * when the builder failed (its memory is freed then).  An empty builder
 * gives an allocated "".
 */
static inline char *retort_strbuf_take(retort_strbuf *b)
{
	char *p;
	if (b->status == RETORT_OK && retort_strbuf_reserve(b, 0) == RETORT_OK)
		b->ptr[b->len] = '\0'; /* an empty builder's first block */
	if (b->status != RETORT_OK) {
		retort_strbuf_free(b);
		return NULL;
	}
	p = b->ptr;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

/* ---- JSON ---- */

/** Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static inline size_t retort_utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
			return 0; /* overlong, surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/**
 * Append `s` as a JSON string literal: quotes, backslash escapes, control
 * characters as \u00XX, each byte of invalid UTF-8 as \ufffd.  NULL is
 * written as null.
 */
static inline int retort_strbuf_json_string(retort_strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s)
		return retort_strbuf_puts(b, "null");
	retort_strbuf_putc(b, '"');
	while (*p && b->status == RETORT_OK) {
		unsigned c = *p;
		size_t n;
		const char *esc = NULL;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: break;
		}
		if (esc) {
			retort_strbuf_puts(b, esc);
			p++;
		} else if (c < 0x20 || c == 0x7F) {
			retort_strbuf_printf(b, "\\u%04x", c);
			p++;
		} else if ((n = retort_utf8_len(p)) == 0) {
			retort_strbuf_puts(b, "\\ufffd");
			p++;
		} else {
			retort_strbuf_add(b, (const char *)p, n);
			p += n;
		}
	}
	return retort_strbuf_putc(b, '"');
}

/* ---- operations ---- */

/** "create_table", "add_column", ... as scripts spell an operation kind; "operation" for one unknown. */
static inline const char *retort_op_kind_name(retort_op_kind kind)
{
	static const char *const names[] = {
		"operation", "create_table", "drop_table", "rename_table", "add_column", "drop_column", "alter_column",
		"create_index", "drop_index", "create_unique_constraint", "create_foreign_key",
		"create_check_constraint", "create_primary_key", "drop_constraint", "bulk_insert", "execute",
		"create_enum", "drop_enum", "set_table_comment", "add_enum_value", "alter_enum"};
	if ((int)kind >= 1 && (size_t)kind < sizeof names / sizeof names[0])
		return names[kind];
	return names[0];
}

/* ---- SQL ---- */

/** A dialect's quote_ident (the signature of retort_dialect_vtable.quote_ident). */
typedef int (*retort_quote_ident_fn)(void *state, const char *ident, retort_sink *out);

/**
 * Append names[0..n) to `out`, each quoted by `quote` (a dialect's own
 * quote_ident, with its `state`), separated by ", ": `"a", "b"`.  Returns
 * RETORT_OK or the first failure.
 */
static inline int retort_sink_ident_list(const retort_host *host, retort_quote_ident_fn quote, void *state,
                                         const char *const *names, size_t n, retort_sink *out)
{
	size_t i;
	int rc = RETORT_OK;
	for (i = 0; i < n && rc == RETORT_OK; i++) {
		if (i && (rc = host->sink_add(out, ", ", 2)) != RETORT_OK)
			break;
		rc = quote(state, names[i], out);
	}
	return rc;
}

#ifdef __cplusplus
}
#endif
#endif

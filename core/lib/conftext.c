/*
 * libconfig text checked before libconfig reads it.  A small scanner that
 * knows just enough of libconfig's lexical rules (comments `#`, `//`,
 * `/ * * /`; strings with backslash escapes; setting names; numbers) to
 * find string escapes and integer literals.
 */
#include "config.h"

#include <stdint.h>

#include "conftext.h"
#include "rt.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '*' || c == '-';
}

/*
 * The integer literal at text[i..): its end in *end, and how it fits:
 * 0 in 32 bits (or has its L), 1 needs an L, -1 beyond 64 bits.  A float
 * is 0 with *end past it.
 */
static int integer_at(const char *text, size_t len, size_t i, size_t *end)
{
	int neg = 0, hex = 0, fits64 = 1;
	uint64_t v = 0;
	size_t j = i;
	if (text[j] == '-' || text[j] == '+')
		neg = text[j++] == '-';
	if (text[j] == '0' && j + 1 < len && (text[j + 1] == 'x' || text[j + 1] == 'X')) {
		hex = 1;
		for (j += 2; j < len && rt_hex_digit(text[j]) >= 0; j++) {
			if (v >> 60)
				fits64 = 0;
			v = v * 16 + (uint64_t)rt_hex_digit(text[j]);
		}
	} else {
		for (; j < len && is_digit(text[j]); j++) {
			if (v > (UINT64_MAX - 9) / 10)
				fits64 = 0;
			v = v * 10 + (uint64_t)(text[j] - '0');
		}
		if (j < len && (text[j] == '.' || text[j] == 'e' || text[j] == 'E')) { /* a float */
			for (j++; j < len; j++)
				if (!is_digit(text[j]) && text[j] != '.' && text[j] != 'e' && text[j] != 'E' &&
				    !((text[j] == '-' || text[j] == '+') && (text[j - 1] == 'e' || text[j - 1] == 'E')))
					break;
			*end = j;
			return 0;
		}
	}
	*end = j;
	/* 64 bits: a signed value, or (hex) any bit pattern, as libconfig reads it */
	if (!fits64 || (!hex && v > (uint64_t)INT64_MAX + (uint64_t)neg))
		return -1;
	if (j < len && text[j] == 'L')
		return 0;
	if (hex ? v <= 0x7fffffffu : v <= (uint64_t)INT32_MAX + (uint64_t)neg)
		return 0;
	return 1;
}

int rt_conftext_check(char **fixed, const char *text, size_t len, const char *path)
{
	rt_buf out = RT_BUF_INIT;
	size_t i = 0, copied = 0, end;
	int line = 1, fit, rc = RETORT_EINVAL;
	*fixed = NULL;
	while (i < len) {
		char c = text[i];
		if (c == '\0') {
			rt_error_set("%s:%d: contains a NUL byte", path, line);
			goto bad;
		} else if (c == '\n') {
			line++;
			i++;
		} else if (c == '#' || (c == '/' && i + 1 < len && text[i + 1] == '/')) {
			while (i < len && text[i] != '\n' && text[i] != '\0')
				i++;
		} else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			for (i += 2; i < len && text[i] != '\0' && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/'); i++)
				if (text[i] == '\n')
					line++;
			if (i < len && text[i] == '*')
				i += 2;
		} else if (c == '"') {
			for (i++; i < len && text[i] != '"' && text[i] != '\0'; i++) {
				if (text[i] == '\n')
					line++;
				if (text[i] != '\\' || i + 1 >= len)
					continue;
				if (text[i + 1] == 'x' && i + 3 < len && text[i + 2] == '0' && text[i + 3] == '0') {
					rt_error_set("%s:%d: '\\x00' in a string (a string cannot hold a NUL byte)", path, line);
					goto bad;
				}
				if (text[i + 1] != '\0')
					i++;
				if (text[i] == '\n')
					line++;
			}
			if (i < len && text[i] == '"')
				i++;
		} else if (name_char(c) && !is_digit(c) && c != '-') {
			while (i < len && name_char(text[i]))
				i++;
		} else if (is_digit(c) || ((c == '-' || c == '+') && i + 1 < len && is_digit(text[i + 1]))) {
			fit = integer_at(text, len, i, &end);
			if (fit < 0) {
				rt_error_set("%s:%d: the integer %.*s does not fit in 64 bits", path, line,
				             (int)(end - i > 40 ? 40 : end - i), text + i);
				goto bad;
			}
			if (fit > 0) {
				if ((rc = rt_buf_add(&out, text + copied, end - copied)) < 0 || (rc = rt_buf_putc(&out, 'L')) < 0)
					goto bad;
				copied = end;
			}
			i = end;
		} else {
			i++;
		}
	}
	if (out.ptr) {
		if ((rc = rt_buf_add(&out, text + copied, len - copied)) < 0)
			goto bad;
		*fixed = rt_buf_detach(&out);
	}
	return RETORT_OK;
bad:
	rt_buf_free(&out);
	return rc;
}

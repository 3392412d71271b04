/*
 * .conf identity without libconfig: `retort heads` on thousands of scripts
 * reads only the top-level identity keys, so a small scanner reads them
 * and skips the upgrade/downgrade lists.  It understands a conservative
 * subset of libconfig (strings with the usual escapes, arrays or lists of
 * strings, comments); on anything else, or anything wrong, it gives up
 * (RT_SCAN_GIVE_UP) and libconfig parses the file and reports the error.
 * The operations themselves are always parsed by libconfig
 * (script_conf.c).
 */
#include "config.h"

#include <string.h>

#include "rt.h"
#include "script_priv.h"

typedef struct scanner {
	const char *p;
	int line;
} scanner;

static int scan_space(scanner *x)
{
	for (;;) {
		const char *p = x->p;
		if (*p == '\n') {
			x->line++;
			x->p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v') {
			x->p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*x->p && *x->p != '\n')
				x->p++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				if (*p == '\n')
					x->line++;
			if (!*p)
				return RT_SCAN_GIVE_UP;
			x->p = p + 2;
		} else {
			return RETORT_OK;
		}
	}
}

/* One string value (adjacent literals concatenated) into *out (rt_malloc'd). */
static int scan_string(char **out, scanner *x)
{
	rt_buf b = RT_BUF_INIT;
	int rc = RT_SCAN_GIVE_UP;
	while (*x->p == '"') {
		const char *p = x->p + 1, *run = p;
		for (;;) {
			char c = *p;
			if (c == '\0')
				goto done;
			if (c != '"' && c != '\\') {
				if (c == '\n')
					x->line++;
				p++;
				continue;
			}
			if (p > run && rt_buf_add(&b, run, (size_t)(p - run)) < 0)
				goto oom;
			if (c == '"')
				break;
			switch (p[1]) {
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'f': c = '\f'; break;
			case 'x':
				if (rt_hex_digit(p[2]) < 0 || rt_hex_digit(p[3]) < 0 || (rt_hex_digit(p[2]) | rt_hex_digit(p[3])) == 0)
					goto done;
				c = (char)(rt_hex_digit(p[2]) * 16 + rt_hex_digit(p[3]));
				p += 2;
				break;
			default:
				goto done;
			}
			if (rt_buf_putc(&b, c) < 0)
				goto oom;
			p += 2;
			run = p;
		}
		x->p = p + 1;
		if (scan_space(x) != RETORT_OK)
			goto done;
	}
	*out = rt_buf_detach(&b);
	if (!*out)
		goto oom;
	return RETORT_OK;
oom:
	rc = rt_script_nomem();
done:
	rt_buf_free(&b);
	return rc;
}

/* A string, or [ ... ] / ( ... ) of strings, as identity words. */
static int scan_words(rt_strv *sv, scanner *x)
{
	char close, *w = NULL;
	int rc;
	if (*x->p == '"') {
		if ((rc = scan_string(&w, x)) != RETORT_OK)
			return rc;
		if (rt_script_bad_word(w)) {
			rt_free(w);
			return RT_SCAN_GIVE_UP;
		}
		return rt_strv_push_owned(sv, w) < 0 ? rt_script_nomem() : RETORT_OK;
	}
	if (*x->p != '[' && *x->p != '(')
		return RT_SCAN_GIVE_UP;
	close = *x->p == '[' ? ']' : ')';
	x->p++;
	if ((rc = scan_space(x)) != RETORT_OK)
		return rc;
	while (*x->p != close) {
		if (*x->p != '"')
			return RT_SCAN_GIVE_UP;
		if ((rc = scan_string(&w, x)) != RETORT_OK)
			return rc;
		if (rt_script_bad_word(w)) {
			rt_free(w);
			return RT_SCAN_GIVE_UP;
		}
		if (rt_strv_push_owned(sv, w) < 0)
			return rt_script_nomem();
		if (*x->p == ',') {
			x->p++;
			if ((rc = scan_space(x)) != RETORT_OK || *x->p == close)
				return RT_SCAN_GIVE_UP;
		} else if (*x->p != close) {
			return RT_SCAN_GIVE_UP;
		}
	}
	x->p++;
	return RETORT_OK;
}

/* Skip a list or array value, balancing brackets, strings and comments. */
static int scan_skip(scanner *x)
{
	int depth = 0, rc;
	if (*x->p != '(' && *x->p != '[')
		return RT_SCAN_GIVE_UP;
	for (;;) {
		char c;
		if ((rc = scan_space(x)) != RETORT_OK)
			return rc;
		c = *x->p;
		if (c == '\0')
			return RT_SCAN_GIVE_UP;
		if (c == '"') {
			const char *p = x->p + 1;
			for (; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (*p == '\n')
					x->line++;
			}
			if (!*p)
				return RT_SCAN_GIVE_UP;
			x->p = p + 1;
			continue;
		}
		x->p++;
		if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (--depth == 0)
				return RETORT_OK;
		}
	}
}

/* RETORT_OK, RT_SCAN_GIVE_UP (rev's identity left empty) or a negative status. */
int rt_script_conf_scan(rt_revision *rev, const char *text)
{
	scanner x;
	unsigned seen = 0;
	int rc;
	x.p = text;
	x.line = 1;
	for (;;) {
		const char *name;
		size_t n;
		int line, bit;
		char **str = NULL;
		rt_strv *sv = NULL;
		if ((rc = scan_space(&x)) != RETORT_OK)
			goto give_up;
		if (!*x.p)
			break;
		name = x.p;
		line = x.line;
		while ((*x.p >= 'a' && *x.p <= 'z') || *x.p == '_')
			x.p++;
		n = (size_t)(x.p - name);
#define KEY(k) (n == sizeof(k) - 1 && memcmp(name, k, n) == 0)
		if (KEY("revision")) {
			bit = 1, str = &rev->id;
		} else if (KEY("down_revision")) {
			bit = 2, sv = &rev->parents;
		} else if (KEY("branch_labels")) {
			bit = 4, sv = &rev->labels;
		} else if (KEY("depends_on")) {
			bit = 8, sv = &rev->depends_on;
		} else if (KEY("message")) {
			bit = 16, str = &rev->message;
		} else if (KEY("create_date")) {
			bit = 32, str = &rev->create_date;
		} else if (KEY("upgrade")) {
			bit = 64;
		} else if (KEY("downgrade")) {
			bit = 128;
		} else if (KEY("allow")) {
			bit = 256; /* an annotation: read with the operations */
		} else if (KEY("test_data")) {
			bit = 512; /* `retort test`'s: read with the operations */
		} else if (KEY("test_check")) {
			bit = 1024;
		} else {
			goto give_up;
		}
#undef KEY
		if (seen & (unsigned)bit)
			goto give_up;
		seen |= (unsigned)bit;
		if ((rc = scan_space(&x)) != RETORT_OK || (*x.p != '=' && *x.p != ':'))
			goto give_up;
		x.p++;
		if ((rc = scan_space(&x)) != RETORT_OK)
			goto give_up;
		if (str) {
			if (*x.p != '"' || (rc = scan_string(str, &x)) != RETORT_OK)
				goto give_up;
		} else if (sv) {
			if ((rc = scan_words(sv, &x)) != RETORT_OK)
				goto give_up;
		} else if (bit >= 512) { /* a string read with the operations */
			char *skipped = NULL;
			rc = *x.p == '"' ? scan_string(&skipped, &x) : RT_SCAN_GIVE_UP;
			rt_free(skipped);
			if (rc != RETORT_OK)
				goto give_up;
		} else if ((rc = scan_skip(&x)) != RETORT_OK) {
			goto give_up;
		}
		if (bit == 1)
			rev->id_line = line;
		if ((rc = scan_space(&x)) != RETORT_OK)
			goto give_up;
		if (*x.p == ';' || *x.p == ',')
			x.p++;
	}
	if (!rev->id || rt_revision_id_problem(rev->id))
		goto give_up; /* libconfig's reading says what is wrong */
	return RETORT_OK;
give_up:
	rt_script_ident_reset(rev);
	return rc < 0 ? rc : RT_SCAN_GIVE_UP;
}


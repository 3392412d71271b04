/* Database URLs: scheme://user:password@host:port/path?k=v, percent-decoded. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "url.h"

struct rt_url {
	retort_url view;
	rt_strv parts; /* owns every string of the view */
	rt_strv keys, values;
	int nul; /* decode() met a %00 */
};

/* percent-decode s[0..n) into a new string (owned by u->parts); NULL on bad escape */
static const char *decode(rt_url *u, const char *s, size_t n, int plus_space)
{
	rt_buf b = RT_BUF_INIT;
	size_t i;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < n ? rt_hex_digit((unsigned char)s[i + 1]) : -1;
			int lo = i + 2 < n ? rt_hex_digit((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				rt_buf_free(&b);
				return NULL;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
			if (!c) { /* %00 would cut the value short where a C string ends */
				rt_buf_free(&b);
				u->nul = 1;
				return NULL;
			}
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (rt_buf_putc(&b, c) < 0) {
			rt_buf_free(&b);
			return NULL;
		}
	}
	if (rt_strv_push_owned(&u->parts, rt_buf_detach(&b)) < 0)
		return NULL;
	return u->parts.v[u->parts.n - 1];
}

static const char *keep(rt_url *u, const char *s)
{
	if (rt_strv_push(&u->parts, s) < 0)
		return NULL;
	return u->parts.v[u->parts.n - 1];
}

/*
 * Query keys whose value is a secret: libpq's password and sslpassword,
 * and the MySQL clients' password/passwd/pwd (compared without case, after
 * percent-decoding the key).
 */
static int secret_key(const char *k, size_t n)
{
	static const char *const keys[] = {"password", "passwd", "pwd", "sslpassword", NULL};
	char buf[32];
	size_t i, j = 0;
	for (i = 0; i < n && j + 1 < sizeof buf; i++) {
		int c = (unsigned char)k[i];
		if (c == '%' && i + 2 < n && rt_hex_digit((unsigned char)k[i + 1]) >= 0 && rt_hex_digit((unsigned char)k[i + 2]) >= 0) {
			c = rt_hex_digit((unsigned char)k[i + 1]) * 16 + rt_hex_digit((unsigned char)k[i + 2]);
			i += 2;
		}
		buf[j++] = (char)tolower(c);
	}
	if (i < n)
		return 0;
	buf[j] = '\0';
	for (i = 0; keys[i]; i++)
		if (strcmp(buf, keys[i]) == 0)
			return 1;
	return 0;
}

/*
 * The password's place, whatever the URL's shape: the userinfo ends at the
 * last '@' before the query (or, when a '?' inside the password hides it,
 * at the last '@' of all), and the password starts after the first ':' of
 * the userinfo.  An unencoded '/' or '?' in a password would end the
 * authority for a parser, so this does not look for those: masking too
 * much is harmless, printing a password is not.  Then every secret query
 * value (secret_key) is masked too.
 */
char *rt_url_mask_string(const char *raw)
{
	const char *scheme_end = strstr(raw, "://"), *auth, *at = NULL, *p, *q, *colon;
	const char *qmark;
	rt_buf b = RT_BUF_INIT;
	if (!scheme_end)
		return rt_strdup(raw);
	auth = scheme_end + 3;
	qmark = strchr(auth, '?');
	for (p = auth; *p && (!qmark || p < qmark); p++)
		if (*p == '@')
			at = p;
	if (!at)
		at = strrchr(auth, '@');
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon) {
		rt_buf_add(&b, raw, (size_t)(colon - raw) + 1);
		rt_buf_puts(&b, "***");
		p = at;
	} else {
		p = raw;
	}
	/* the query, from the first '?' after the userinfo */
	q = strchr(at ? at : auth, '?');
	if (!q) {
		rt_buf_puts(&b, p);
		return rt_buf_detach(&b);
	}
	rt_buf_add(&b, p, (size_t)(q - p) + 1);
	for (p = q + 1; *p;) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		if (eq && secret_key(p, (size_t)(eq - p))) {
			rt_buf_add(&b, p, (size_t)(eq - p) + 1);
			rt_buf_puts(&b, "***");
		} else {
			rt_buf_add(&b, p, len);
		}
		p += len;
		if (*p == '&') {
			rt_buf_putc(&b, '&');
			p++;
		}
	}
	return rt_buf_detach(&b);
}

int rt_url_parse(rt_url **out, const char *raw)
{
	rt_url *u;
	const char *p, *scheme_end, *auth, *auth_end, *path, *query, *at;
	char *masked;
	int rc = RETORT_EINVAL;

	u = rt_calloc(1, sizeof *u);
	RT_CHECK_ALLOC(u);
	u->view.size = sizeof u->view;
	masked = rt_url_mask_string(raw);
	if (!masked || rt_strv_push_owned(&u->parts, masked) < 0) {
		rc = RETORT_ENOMEM;
		goto fail;
	}
	u->view.masked = masked;
	u->view.raw = keep(u, raw);

	scheme_end = strstr(raw, "://");
	if (!scheme_end || scheme_end == raw) {
		rt_error_set("bad database URL '%s': expected scheme://...", masked);
		goto fail;
	}
	for (p = raw; p < scheme_end; p++) {
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.') {
			rt_error_set("bad database URL '%s': bad scheme", masked);
			goto fail;
		}
	}
	{
		char *sch = rt_strndup(raw, (size_t)(scheme_end - raw));
		size_t i;
		if (!sch || rt_strv_push_owned(&u->parts, sch) < 0) {
			rc = RETORT_ENOMEM;
			goto fail;
		}
		for (i = 0; sch[i]; i++)
			sch[i] = (char)tolower((unsigned char)sch[i]);
		/* "postgresql+psycopg2" style driver suffixes are not ours; keep the part before '+' */
		if (strchr(sch, '+'))
			*strchr(sch, '+') = '\0';
		u->view.scheme = sch;
	}
	auth = scheme_end + 3;
	auth_end = auth + strcspn(auth, "/?");
	path = *auth_end == '/' ? auth_end + 1 : auth_end;
	query = strchr(path, '?');

	/* userinfo: last '@' inside the authority */
	at = NULL;
	for (p = auth; p < auth_end; p++)
		if (*p == '@')
			at = p;
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));
		const char *uend = colon ? colon : at;
		if (uend > auth && !(u->view.user = decode(u, auth, (size_t)(uend - auth), 0)))
			goto bad_escape;
		if (colon && !(u->view.password = decode(u, colon + 1, (size_t)(at - colon - 1), 0)))
			goto bad_escape;
		auth = at + 1;
	}
	if (auth < auth_end) {
		const char *hs = auth, *he = auth_end, *colon;
		if (*hs == '[') { /* [::1]:5432 */
			const char *rb = memchr(hs, ']', (size_t)(he - hs));
			if (!rb) {
				rt_error_set("bad database URL '%s': unterminated '[' in host", masked);
				goto fail;
			}
			if (!(u->view.host = decode(u, hs + 1, (size_t)(rb - hs - 1), 0)))
				goto bad_escape;
			colon = rb + 1 < he && rb[1] == ':' ? rb + 1 : NULL;
		} else {
			colon = memchr(hs, ':', (size_t)(he - hs));
			if (!(u->view.host = decode(u, hs, (size_t)((colon ? colon : he) - hs), 0)))
				goto bad_escape;
			if (!*u->view.host)
				u->view.host = NULL;
		}
		if (colon) {
			const char *q;
			for (q = colon + 1; q < he; q++) {
				if (!isdigit((unsigned char)*q)) {
					rt_error_set("bad database URL '%s': port must be a number", masked);
					goto fail;
				}
			}
			if (he > colon + 1 && !(u->view.port = decode(u, colon + 1, (size_t)(he - colon - 1), 0)))
				goto bad_escape;
		}
	}
	if (!(u->view.database = decode(u, path, (size_t)((query ? query : path + strlen(path)) - path), 0)))
		goto bad_escape;
	if (query) {
		const char *q = query + 1;
		while (*q) {
			size_t len = strcspn(q, "&");
			const char *eq = memchr(q, '=', len);
			const char *k, *v;
			if (len) {
				k = decode(u, q, (size_t)((eq ? eq : q + len) - q), 1);
				v = eq ? decode(u, eq + 1, (size_t)(q + len - eq - 1), 1) : keep(u, "");
				if (!k || !v)
					goto bad_escape;
				if (rt_strv_push(&u->keys, k) < 0 || rt_strv_push(&u->values, v) < 0) {
					rc = RETORT_ENOMEM;
					goto fail;
				}
			}
			q += len;
			if (*q == '&')
				q++;
		}
		/* a password given as ?password= is the password (plugins scrub their messages of it) */
		for (size_t i = 0; !u->view.password && i < u->keys.n; i++)
			if (secret_key(u->keys.v[i], strlen(u->keys.v[i])) && strcmp(u->keys.v[i], "sslpassword") != 0)
				u->view.password = u->values.v[i];
		u->view.query_keys = (const char *const *)u->keys.v;
		u->view.query_values = (const char *const *)u->values.v;
		u->view.nquery = u->keys.n;
	}
	*out = u;
	return RETORT_OK;

bad_escape:
	if (u->nul)
		rt_error_set("bad database URL '%s': %%00 (a NUL byte) is not allowed in a URL", masked);
	else
		rt_error_set("bad database URL '%s': bad percent-escape", masked);
fail:
	if (rc == RETORT_ENOMEM)
		rt_error_set("out of memory");
	rt_url_free(u);
	return rc;
}

void rt_url_free(rt_url *u)
{
	if (!u)
		return;
	rt_strv_free(&u->parts);
	rt_strv_free(&u->keys);
	rt_strv_free(&u->values);
	rt_free(u);
}

const retort_url *rt_url_view(const rt_url *u)
{
	return &u->view;
}

const char *rt_url_masked(const rt_url *u)
{
	return u->view.masked;
}

void rt_url_set_read_only(rt_url *u, int read_only)
{
	u->view.read_only = read_only;
}

/* The retort_host services table: logging, errors, memory, settings, sinks. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "plugin_loader.h"
#include "report.h"

/* ---- sinks ---- */

void rt_sink_init(retort_sink *s)
{
	memset(s, 0, sizeof *s);
}

static int sink_close(retort_sink *s, unsigned flags)
{
	rt_stmt *v;
	char *sql;
	size_t b = 0, e = s->cur.len;
	const char *p = rt_buf_cstr(&s->cur);
	while (b < e && (p[b] == ' ' || p[b] == '\n' || p[b] == '\t' || p[b] == '\r'))
		b++;
	while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\n' || p[e - 1] == '\t' || p[e - 1] == '\r' || p[e - 1] == ';'))
		e--;
	if (e == b) {
		rt_buf_clear(&s->cur);
		return RETORT_OK;
	}
	v = rt_grow(s->stmts, &s->cap, s->n, sizeof *v, 4);
	RT_CHECK_ALLOC(v);
	s->stmts = v;
	sql = rt_strndup(p + b, e - b);
	RT_CHECK_ALLOC(sql);
	s->stmts[s->n].sql = sql;
	s->stmts[s->n].flags = flags;
	s->n++;
	rt_buf_clear(&s->cur);
	return RETORT_OK;
}

int rt_sink_flush(retort_sink *s)
{
	return sink_close(s, 0);
}

const char *rt_sink_text(const retort_sink *s)
{
	return rt_buf_cstr(&s->cur);
}

void rt_sink_reset(retort_sink *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		rt_free(s->stmts[i].sql);
	s->n = 0;
	rt_buf_clear(&s->cur);
}

void rt_sink_free(retort_sink *s)
{
	if (!s)
		return;
	rt_sink_reset(s);
	rt_free(s->stmts);
	rt_buf_free(&s->cur);
	memset(s, 0, sizeof *s);
}

static int h_sink_add(retort_sink *s, const char *text, size_t len)
{
	return rt_buf_add(&s->cur, text, len);
}

static int h_sink_addf(retort_sink *s, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = rt_buf_vprintf(&s->cur, fmt, ap);
	va_end(ap);
	return rc;
}

static int h_sink_end(retort_sink *s, unsigned flags)
{
	return sink_close(s, flags);
}

/* ---- contexts and errors ---- */

retort_host_ctx *rt_hctx_new(const char *name)
{
	retort_host_ctx *h = rt_calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->name = rt_strdup(name ? name : "plugin");
	h->verbose = RETORT_LOG_WARNING;
	if (!h->name) {
		rt_free(h);
		return NULL;
	}
	return h;
}

void rt_hctx_free(retort_host_ctx *h)
{
	if (!h)
		return;
	rt_free(h->name);
	rt_buf_free(&h->error);
	rt_free(h);
}

void rt_hctx_clear_error(retort_host_ctx *h)
{
	rt_buf_clear(&h->error);
	h->sqlstate[0] = '\0';
	h->native_code = 0;
	h->has_error = 0;
}

int rt_hctx_take_error(retort_host_ctx *h, int status, const char *what)
{
	if (h->has_error && h->error.len)
		rt_error_set("%s: %s", h->name, rt_buf_cstr(&h->error));
	else
		rt_error_set("%s: %s failed (status %d)", h->name, what ? what : "call", status);
	rt_hctx_clear_error(h);
	return status;
}

static void h_log(retort_host_ctx *h, retort_log_level lvl, const char *fmt, ...)
{
	va_list ap;
	static const char *names[] = {"error", "warning", "info", "debug"};
	rt_buf line = RT_BUF_INIT;
	if (!h || (int)lvl > h->verbose)
		return;
	rt_buf_printf(&line, "%s: %s: ", lvl <= RETORT_LOG_DEBUG ? names[lvl] : "log", h->name);
	va_start(ap, fmt);
	rt_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	rt_report(RT_REPORT_LOG, "%s", rt_buf_cstr(&line));
	rt_buf_free(&line);
}

static void h_set_error(retort_host_ctx *h, const char *fmt, ...)
{
	va_list ap;
	rt_buf_clear(&h->error);
	va_start(ap, fmt);
	rt_buf_vprintf(&h->error, fmt, ap);
	va_end(ap);
	h->has_error = 1;
}

static void h_set_db_error(retort_host_ctx *h, const char *sqlstate, long native_code, const char *message)
{
	size_t n;
	rt_buf_clear(&h->error);
	rt_buf_puts(&h->error, message ? message : "database error");
	/* drop trailing newlines that libpq leaves on messages */
	n = h->error.len;
	while (n && (h->error.ptr[n - 1] == '\n' || h->error.ptr[n - 1] == ' '))
		h->error.ptr[--n] = '\0';
	h->error.len = n;
	if (sqlstate && *sqlstate)
		rt_buf_printf(&h->error, " (SQLSTATE %.5s)", sqlstate);
	snprintf(h->sqlstate, sizeof h->sqlstate, "%s", sqlstate ? sqlstate : "");
	h->native_code = native_code;
	h->has_error = 1;
}

/* ---- settings ---- */

static const char *const reserved_keys[] = {"module", "kind", "events", "fatal", "enforce", NULL};

static int is_reserved(const char *key)
{
	size_t i;
	for (i = 0; reserved_keys[i]; i++)
		if (strcmp(reserved_keys[i], key) == 0)
			return 1;
	return 0;
}

void rt_settings_init(retort_settings *s, const config_setting_t *group)
{
	memset(s, 0, sizeof *s);
	s->group = group;
}

void rt_settings_free(retort_settings *s)
{
	if (s)
		rt_strv_free(&s->expanded);
}

static const config_setting_t *setting_get(const retort_settings *s, const char *key)
{
	if (!s || !s->group)
		return NULL;
	return config_setting_get_member(s->group, key);
}

static const char *expand_keep(const retort_settings *cs, const char *in)
{
	retort_settings *s = (retort_settings *)cs; /* the cache is logically const */
	char *out = NULL;
	if (!in || !s->expand)
		return in;
	if (s->expand(s->expand_arg, in, &out) < 0 || !out)
		return NULL;
	if (rt_strv_push_owned(&s->expanded, out) < 0)
		return NULL;
	return out;
}

static int h_setting_string(const retort_settings *s, const char *key, const char **out)
{
	const config_setting_t *st = setting_get(s, key);
	const char *v;
	if (!st)
		return RETORT_ENOTSUPPORTED;
	if (config_setting_type(st) != CONFIG_TYPE_STRING)
		return RETORT_EINVAL;
	v = expand_keep(s, config_setting_get_string(st));
	if (!v)
		return RETORT_EINVAL;
	*out = v;
	return RETORT_OK;
}

static int h_setting_int(const retort_settings *s, const char *key, long long *out)
{
	const config_setting_t *st = setting_get(s, key);
	if (!st)
		return RETORT_ENOTSUPPORTED;
	switch (config_setting_type(st)) {
	case CONFIG_TYPE_INT:
		*out = config_setting_get_int(st);
		return RETORT_OK;
	case CONFIG_TYPE_INT64:
		*out = config_setting_get_int64(st);
		return RETORT_OK;
	default:
		return RETORT_EINVAL;
	}
}

static int h_setting_bool(const retort_settings *s, const char *key, int *out)
{
	const config_setting_t *st = setting_get(s, key);
	if (!st)
		return RETORT_ENOTSUPPORTED;
	if (config_setting_type(st) != CONFIG_TYPE_BOOL)
		return RETORT_EINVAL;
	*out = config_setting_get_bool(st);
	return RETORT_OK;
}

static size_t h_setting_list_len(const retort_settings *s, const char *key)
{
	const config_setting_t *st = setting_get(s, key);
	if (!st)
		return 0;
	if (config_setting_type(st) == CONFIG_TYPE_STRING)
		return 1;
	if (config_setting_is_aggregate(st))
		return (size_t)config_setting_length(st);
	return 0;
}

static const char *h_setting_list_at(const retort_settings *s, const char *key, size_t i)
{
	const config_setting_t *st = setting_get(s, key), *el;
	if (!st)
		return NULL;
	if (config_setting_type(st) == CONFIG_TYPE_STRING)
		return i == 0 ? expand_keep(s, config_setting_get_string(st)) : NULL;
	if (!config_setting_is_aggregate(st) || i >= (size_t)config_setting_length(st))
		return NULL;
	el = config_setting_get_elem(st, (unsigned)i);
	if (!el || config_setting_type(el) != CONFIG_TYPE_STRING)
		return NULL;
	return expand_keep(s, config_setting_get_string(el));
}

static const char *h_setting_next_key(const retort_settings *s, const char *prev)
{
	int i, n, found = prev == NULL;
	if (!s || !s->group)
		return NULL;
	n = config_setting_length(s->group);
	for (i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(s->group, (unsigned)i);
		const char *name = el ? config_setting_name(el) : NULL;
		if (!name)
			continue;
		if (!found) {
			if (strcmp(name, prev) == 0)
				found = 1;
			continue;
		}
		if (!is_reserved(name))
			return name;
	}
	return NULL;
}

static void h_setting_error(retort_host_ctx *h, const retort_settings *s, const char *key, const char *fmt, ...)
{
	const config_setting_t *st = setting_get(s, key);
	const char *file = NULL;
	int line = 0;
	va_list ap;
	if (st) {
		file = config_setting_source_file(st);
		line = (int)config_setting_source_line(st);
	} else if (s && s->group) {
		file = config_setting_source_file(s->group);
		line = (int)config_setting_source_line(s->group);
	}
	rt_buf_clear(&h->error);
	if (file && line)
		rt_buf_printf(&h->error, "%s:%d: ", file, line);
	else if (h->config_file)
		rt_buf_printf(&h->error, "%s: ", h->config_file);
	va_start(ap, fmt);
	rt_buf_vprintf(&h->error, fmt, ap);
	va_end(ap);
	h->has_error = 1;
}

/* ---- files and names ---- */

static int h_replace_file(retort_host_ctx *h, const char *path, const void *data, size_t len)
{
	rt_error_saved saved;
	int rc;
	rt_error_save(&saved);
	rc = rt_file_replace(path, data, len);
	if (rc < 0)
		h_set_error(h, "%s", rt_error_msg());
	rt_error_restore(&saved);
	return rc;
}

static int h_policy_name(retort_host_ctx *h, const retort_name_request *req, char **name)
{
	rt_error_saved saved;
	int rc;
	*name = NULL;
	if (!h->plugins)
		return RETORT_ENOTSUPPORTED;
	rt_error_save(&saved);
	rc = rt_plugins_name(h->plugins, req, name); /* rt_malloc'd: what host->free frees */
	if (rc < 0)
		h_set_error(h, "%s", rt_error_msg());
	else if (!*name)
		rc = RETORT_ENOTSUPPORTED;
	rt_error_restore(&saved);
	return rc;
}

void rt_hctx_rendering(retort_host_ctx *h, const retort_op *const *ops, const retort_op_more *const *mores, size_t n)
{
	h->cur_ops = ops;
	h->cur_mores = mores;
	h->cur_n = ops ? (n > RT_HCTX_RENDERING_MAX ? RT_HCTX_RENDERING_MAX : n) : 0;
	h->more_asked = 0;
}

static const retort_op_more *h_op_more(retort_host_ctx *h, const retort_op *op)
{
	size_t i;
	for (i = 0; h->cur_mores && i < h->cur_n; i++)
		if (h->cur_ops[i] == op) {
			if (h->cur_mores[i])
				h->more_asked |= UINT64_C(1) << i;
			return h->cur_mores[i];
		}
	return NULL;
}

static const retort_host services = {
	.abi_version = RETORT_PLUGIN_ABI_VERSION,
	.size = sizeof(retort_host),
	.log = h_log,
	.set_error = h_set_error,
	.set_db_error = h_set_db_error,
	.malloc = rt_malloc,
	.realloc = rt_realloc,
	.free = rt_free,
	.setting_string = h_setting_string,
	.setting_int = h_setting_int,
	.setting_bool = h_setting_bool,
	.setting_list_len = h_setting_list_len,
	.setting_list_at = h_setting_list_at,
	.setting_next_key = h_setting_next_key,
	.setting_error = h_setting_error,
	.sink_add = h_sink_add,
	.sink_addf = h_sink_addf,
	.sink_end = h_sink_end,
	.replace_file = h_replace_file,
	.policy_name = h_policy_name,
	.op_more = h_op_more,
};

const retort_host *rt_host_services(void)
{
	return &services;
}

/* Event JSON and environment helpers shared by the exec and jsonlog hooks (the buffer: <retort/sdk.h>). */
#include <stdio.h>
#include <string.h>

#include "hookutil.h"

char *hk_strdup(const retort_host *host, const char *s)
{
	size_t n;
	char *p;
	if (!s)
		return NULL;
	n = strlen(s);
	p = host->malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

void hk_event_view(const retort_event *ev, retort_event *out)
{
	size_t n = ev->size < sizeof *out ? ev->size : sizeof *out;
	memset(out, 0, sizeof *out);
	out->duration_ms = -1;
	memcpy(out, ev, n);
	out->size = (uint32_t)sizeof *out;
	if (!out->parents)
		out->nparents = 0;
}

static void json_key(retort_strbuf *b, const char *key, int first)
{
	if (!first)
		retort_strbuf_putc(b, ',');
	retort_strbuf_json_string(b, key);
	retort_strbuf_putc(b, ':');
}

void hk_holder_view(const retort_event *ev, retort_lock_holder *out)
{
	const retort_lock_holder *hd = RETORT_STRUCT_HAS(ev, retort_event, lock_holder) ? ev->lock_holder : NULL;
	memset(out, 0, sizeof *out);
	if (hd)
		memcpy(out, hd, hd->size < sizeof *out ? hd->size : sizeof *out);
	out->size = hd ? (uint32_t)sizeof *out : 0;
}

const char *const hk_holder_keys[HK_HOLDER_FIELDS] = {"session", "user", "application", "client", "since"};

void hk_holder_fields(const retort_lock_holder *hd, const char *out[HK_HOLDER_FIELDS])
{
	out[0] = hd->session;
	out[1] = hd->user;
	out[2] = hd->application;
	out[3] = hd->client;
	out[4] = hd->since;
}

int hk_event_json(retort_strbuf *b, const retort_event *evin)
{
	retort_event ev;
	retort_lock_holder hd;
	size_t i;
	char num[32];
	hk_event_view(evin, &ev);
	retort_strbuf_putc(b, '{');
	json_key(b, "event", 1);
	retort_strbuf_json_string(b, ev.name);
	json_key(b, "run_id", 0);
	retort_strbuf_json_string(b, ev.run_id);
	json_key(b, "command", 0);
	retort_strbuf_json_string(b, ev.command);
	json_key(b, "dialect", 0);
	retort_strbuf_json_string(b, ev.dialect);
	json_key(b, "database_url", 0);
	retort_strbuf_json_string(b, ev.database_url);
	json_key(b, "revision", 0);
	retort_strbuf_json_string(b, ev.revision);
	json_key(b, "parents", 0);
	retort_strbuf_putc(b, '[');
	for (i = 0; i < ev.nparents; i++) {
		if (i)
			retort_strbuf_putc(b, ',');
		retort_strbuf_json_string(b, ev.parents[i]);
	}
	retort_strbuf_putc(b, ']');
	json_key(b, "direction", 0);
	retort_strbuf_json_string(b, ev.direction);
	json_key(b, "message", 0);
	retort_strbuf_json_string(b, ev.message);
	json_key(b, "outcome", 0);
	retort_strbuf_json_string(b, ev.outcome);
	json_key(b, "started_at", 0);
	retort_strbuf_json_string(b, ev.started_at);
	json_key(b, "duration_ms", 0);
	if (ev.duration_ms < 0) {
		retort_strbuf_puts(b, "null");
	} else {
		snprintf(num, sizeof num, "%lld", ev.duration_ms);
		retort_strbuf_puts(b, num);
	}
	json_key(b, "error", 0);
	retort_strbuf_json_string(b, ev.error);
	json_key(b, "user", 0);
	retort_strbuf_json_string(b, ev.user);
	json_key(b, "host", 0);
	retort_strbuf_json_string(b, ev.host);
	json_key(b, "retort_version", 0);
	retort_strbuf_json_string(b, ev.retort_version);
	json_key(b, "path", 0);
	retort_strbuf_json_string(b, ev.path);
	json_key(b, "target", 0);
	retort_strbuf_json_string(b, ev.target);
	hk_holder_view(evin, &hd);
	if (hd.size) { /* lock.wait, lock.timeout: who holds the lock */
		const char *f[HK_HOLDER_FIELDS];
		hk_holder_fields(&hd, f);
		json_key(b, "lock_holder", 0);
		for (i = 0; i < HK_HOLDER_FIELDS; i++) {
			retort_strbuf_putc(b, i ? ',' : '{');
			retort_strbuf_json_string(b, hk_holder_keys[i]);
			retort_strbuf_putc(b, ':');
			retort_strbuf_json_string(b, f[i]);
		}
		retort_strbuf_putc(b, '}');
	}
	return retort_strbuf_putc(b, '}');
}

/* ---- environment ---- */

const char *const hk_event_env_names[] = {
	"RETORT_EVENT", "RETORT_RUN_ID", "RETORT_COMMAND", "RETORT_DIALECT", "RETORT_DATABASE_URL",
	"RETORT_REVISION", "RETORT_PARENTS", "RETORT_DIRECTION", "RETORT_MESSAGE", "RETORT_OUTCOME",
	"RETORT_STARTED_AT", "RETORT_DURATION_MS", "RETORT_ERROR", "RETORT_USER", "RETORT_HOST",
	"RETORT_VERSION", "RETORT_PATH", "RETORT_TARGET", "RETORT_LOCK_SESSION", "RETORT_LOCK_USER",
	"RETORT_LOCK_APPLICATION", "RETORT_LOCK_CLIENT", "RETORT_LOCK_SINCE", NULL};

#define HK_NENV (sizeof hk_event_env_names / sizeof hk_event_env_names[0] - 1)

static int is_event_var(const char *entry)
{
	size_t i;
	for (i = 0; hk_event_env_names[i]; i++) {
		size_t n = strlen(hk_event_env_names[i]);
		if (strncmp(entry, hk_event_env_names[i], n) == 0 && entry[n] == '=')
			return 1;
	}
	return 0;
}

/*
 * "NAME=value" with host->malloc; value NULL -> NULL (nothing to add).
 * Linux refuses to exec with one environment string over 128 KiB
 * (MAX_ARG_STRLEN), so long values are cut at HK_ENV_VALUE_MAX bytes, on a
 * UTF-8 character boundary; the JSON on standard input keeps them whole.
 */
static char *env_entry(const retort_host *host, const char *name, const char *value, int *oom)
{
	size_t n, v;
	char *p;
	if (!value)
		return NULL;
	n = strlen(name);
	v = strlen(value);
	if (v > HK_ENV_VALUE_MAX) {
		v = HK_ENV_VALUE_MAX;
		while (v > 0 && ((unsigned char)value[v] & 0xC0) == 0x80)
			v--;
	}
	p = host->malloc(n + v + 2);
	if (!p) {
		*oom = 1;
		return NULL;
	}
	memcpy(p, name, n);
	p[n] = '=';
	memcpy(p + n + 1, value, v);
	p[n + 1 + v] = '\0';
	return p;
}

char **hk_event_env(const retort_host *host, char *const *base, const retort_event *evin)
{
	retort_event ev;
	retort_lock_holder hd;
	size_t nbase = 0, n = 0, i;
	char **env;
	const char *values[HK_NENV];
	char num[32];
	retort_strbuf parents;
	int oom = 0;

	hk_event_view(evin, &ev);
	retort_strbuf_init(&parents, host);
	for (i = 0; i < ev.nparents; i++) {
		if (i)
			retort_strbuf_putc(&parents, ' ');
		retort_strbuf_puts(&parents, ev.parents[i] ? ev.parents[i] : "");
	}
	if (parents.status)
		return NULL;
	snprintf(num, sizeof num, "%lld", ev.duration_ms);

	values[0] = ev.name;
	values[1] = ev.run_id;
	values[2] = ev.command;
	values[3] = ev.dialect;
	values[4] = ev.database_url;
	values[5] = ev.revision;
	values[6] = ev.nparents ? retort_strbuf_cstr(&parents) : NULL;
	values[7] = ev.direction;
	values[8] = ev.message;
	values[9] = ev.outcome;
	values[10] = ev.started_at;
	values[11] = ev.duration_ms >= 0 ? num : NULL;
	values[12] = ev.error;
	values[13] = ev.user;
	values[14] = ev.host;
	values[15] = ev.retort_version;
	values[16] = ev.path;
	values[17] = ev.target;
	hk_holder_view(evin, &hd);
	hk_holder_fields(&hd, values + 18);

	while (base && base[nbase])
		nbase++;
	env = host->malloc((nbase + HK_NENV + 1) * sizeof *env);
	if (!env) {
		retort_strbuf_free(&parents);
		return NULL;
	}
	for (i = 0; i < nbase && !oom; i++) {
		if (is_event_var(base[i]))
			continue;
		env[n] = hk_strdup(host, base[i]);
		if (!env[n])
			oom = 1;
		else
			n++;
	}
	for (i = 0; i < HK_NENV && !oom; i++) {
		char *e = env_entry(host, hk_event_env_names[i], values[i], &oom);
		if (e)
			env[n++] = e;
	}
	env[n] = NULL;
	retort_strbuf_free(&parents);
	if (oom) {
		hk_env_free(host, env);
		return NULL;
	}
	return env;
}

void hk_env_free(const retort_host *host, char **env)
{
	size_t i;
	if (!env)
		return;
	for (i = 0; env[i]; i++)
		host->free(env[i]);
	host->free(env);
}

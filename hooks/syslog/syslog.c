/*
 * syslog: one line per event to the system log.
 *
 *   ident     the program name in each line (default "retort")
 *   facility  user, daemon, local0 ... local7, auth, authpriv, cron, lpr,
 *             mail, news, syslog, uucp, ftp (default "user")
 *   socket    the log socket's path (default "/dev/log"), a datagram or
 *             stream Unix socket as syslogd, rsyslog or journald offer
 *
 * The line is key=value fields, the event first:
 *   event=lock.timeout run_id=... command=upgrade dialect=postgresql
 *   url=postgresql://app:***@db/app revision=... direction=upgrade
 *   outcome=failed duration_ms=1003 user=... host=... error="..."
 * Fields that are absent are left out; a value with a space, a quote or a
 * `=` is quoted ("..." with \" and \\), control characters become spaces,
 * so each event is one line.  The URL is the masked one, and a password
 * the host knows never reaches the hook.  Severity: err for *.error and
 * lock.timeout, warning for validate.mismatch and check.drift, info for
 * the rest.
 *
 * The message is written to the socket directly (RFC 3164 framing, as the
 * C library's syslog() writes it: "<PRI>Mmm dd hh:mm:ss ident[pid]: ..."),
 * not through openlog()/syslog(): those keep one ident and facility per
 * process, where each instance of this hook has its own, and their socket
 * is fixed.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <retort/notify.h>
#include <retort/plugin.h>

#include "../exec/hookutil.h"

#define ERROR_MAX 1000 /* bytes of the error text kept in the line */

typedef struct syslog_state {
	const retort_host *host;
	char *ident;
	int facility;
	struct sockaddr_un addr;
} syslog_state;

static const struct {
	const char *name;
	int code;
} facilities[] = {{"auth", LOG_AUTH},       {"authpriv", LOG_AUTHPRIV}, {"cron", LOG_CRON},     {"daemon", LOG_DAEMON},
                  {"ftp", LOG_FTP},         {"lpr", LOG_LPR},           {"mail", LOG_MAIL},     {"news", LOG_NEWS},
                  {"syslog", LOG_SYSLOG},   {"user", LOG_USER},         {"uucp", LOG_UUCP},     {"local0", LOG_LOCAL0},
                  {"local1", LOG_LOCAL1},   {"local2", LOG_LOCAL2},     {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
                  {"local5", LOG_LOCAL5},   {"local6", LOG_LOCAL6},     {"local7", LOG_LOCAL7}};

static void syslog_fini(void *state)
{
	syslog_state *st = state;
	if (!st)
		return;
	st->host->free(st->ident);
	st->host->free(st);
}

/* A string setting: *out stays `def` when absent; an error for another type or an empty string. */
static int str_setting(const retort_host *host, retort_host_ctx *h, const retort_settings *s, const char *key,
                       const char **out)
{
	const char *v = NULL;
	int rc = host->setting_string(s, key, &v);
	if (rc == RETORT_ENOTSUPPORTED)
		return RETORT_OK;
	if (rc < 0 || !v) {
		host->setting_error(h, s, key, "setting '%s' must be a string", key);
		return RETORT_EINVAL;
	}
	if (!*v) {
		host->setting_error(h, s, key, "setting '%s' must not be empty", key);
		return RETORT_EINVAL;
	}
	*out = v;
	return RETORT_OK;
}

static int syslog_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s,
                       retort_plugin_kind kind, void **state_out)
{
	const char *key = NULL, *ident = "retort", *facility = "user", *sock = "/dev/log";
	syslog_state *st;
	size_t i;
	int code = -1;

	if (kind != RETORT_KIND_NOTIFY) {
		host->set_error(h, "syslog provides the kind \"notify\" only (asked for kind %d)", (int)kind);
		return RETORT_EINVAL;
	}
	while ((key = host->setting_next_key(s, key)) != NULL) {
		if (strcmp(key, "ident") != 0 && strcmp(key, "facility") != 0 && strcmp(key, "socket") != 0) {
			host->setting_error(h, s, key, "unknown setting '%s' (syslog takes ident, facility, socket)", key);
			return RETORT_EINVAL;
		}
	}
	if (str_setting(host, h, s, "ident", &ident) < 0 || str_setting(host, h, s, "facility", &facility) < 0 ||
	    str_setting(host, h, s, "socket", &sock) < 0)
		return RETORT_EINVAL;
	for (i = 0; i < sizeof facilities / sizeof facilities[0]; i++)
		if (strcmp(facilities[i].name, facility) == 0)
			code = facilities[i].code;
	if (code < 0) {
		host->setting_error(h, s, "facility", "unknown facility '%s' (user, daemon, local0 ... local7, auth, ...)",
		                    facility);
		return RETORT_EINVAL;
	}
	if (strlen(sock) >= sizeof st->addr.sun_path) {
		host->setting_error(h, s, "socket", "the socket path is too long (at most %zu bytes)",
		                    sizeof st->addr.sun_path - 1);
		return RETORT_EINVAL;
	}
	st = host->malloc(sizeof *st);
	if (!st || !(st->ident = hk_strdup(host, ident))) {
		host->free(st);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	st->facility = code;
	memset(&st->addr, 0, sizeof st->addr);
	st->addr.sun_family = AF_UNIX;
	memcpy(st->addr.sun_path, sock, strlen(sock) + 1);
	*state_out = st;
	return RETORT_OK;
}

/* " key=value", quoted when needed; nothing for NULL.  At most max bytes of the value (0: all). */
static void field(retort_strbuf *b, const char *key, const char *v, size_t max)
{
	const char *p;
	size_t n;
	int quote;
	if (!v)
		return;
	n = strlen(v);
	if (max && n > max) {
		n = max;
		while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
			n--; /* cut on a UTF-8 boundary */
	}
	quote = n == 0 || strcspn(v, " \"=\\\t\r\n") < n;
	retort_strbuf_putc(b, ' ');
	retort_strbuf_puts(b, key);
	retort_strbuf_putc(b, '=');
	if (quote)
		retort_strbuf_putc(b, '"');
	for (p = v; p < v + n; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			retort_strbuf_putc(b, ' '); /* one event, one line */
			continue;
		}
		if (quote && (*p == '"' || *p == '\\'))
			retort_strbuf_putc(b, '\\');
		retort_strbuf_putc(b, *p);
	}
	if (quote)
		retort_strbuf_putc(b, '"');
	if (n < strlen(v))
		retort_strbuf_puts(b, "...");
}

static int severity(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (!name)
		return LOG_INFO;
	if ((n > 6 && strcmp(name + n - 6, ".error") == 0) || strcmp(name, "lock.timeout") == 0)
		return LOG_ERR;
	if (strcmp(name, "validate.mismatch") == 0 || strcmp(name, "check.drift") == 0)
		return LOG_WARNING;
	return LOG_INFO;
}

/* The event's line, without the syslog header. */
static void event_line(retort_strbuf *b, const retort_event *evin)
{
	retort_event ev;
	retort_lock_holder hd;
	char num[32];
	retort_strbuf parents;
	size_t i;
	hk_event_view(evin, &ev);
	retort_strbuf_puts(b, "event=");
	retort_strbuf_puts(b, ev.name ? ev.name : "?");
	field(b, "run_id", ev.run_id, 0);
	field(b, "command", ev.command, 0);
	field(b, "dialect", ev.dialect, 0);
	field(b, "url", ev.database_url, 0);
	field(b, "revision", ev.revision, 0);
	if (ev.nparents) {
		retort_strbuf_init(&parents, b->host);
		for (i = 0; i < ev.nparents; i++) {
			if (i)
				retort_strbuf_putc(&parents, ',');
			retort_strbuf_puts(&parents, ev.parents[i] ? ev.parents[i] : "");
		}
		field(b, "parents", retort_strbuf_cstr(&parents), 0);
		retort_strbuf_free(&parents);
	}
	field(b, "direction", ev.direction, 0);
	field(b, "outcome", ev.outcome, 0);
	field(b, "started_at", ev.started_at, 0);
	if (ev.duration_ms >= 0) {
		snprintf(num, sizeof num, "%lld", ev.duration_ms);
		field(b, "duration_ms", num, 0);
	}
	field(b, "path", ev.path, 0);
	hk_holder_view(evin, &hd);
	if (hd.size) {
		const char *f[HK_HOLDER_FIELDS];
		char key[32];
		hk_holder_fields(&hd, f);
		for (i = 0; i < HK_HOLDER_FIELDS; i++) {
			snprintf(key, sizeof key, "holder_%s", hk_holder_keys[i]);
			field(b, key, f[i], 0);
		}
	}
	field(b, "user", ev.user, 0);
	field(b, "host", ev.host, 0);
	field(b, "message", ev.message, 200);
	field(b, "error", ev.error, ERROR_MAX);
}

static int send_line(syslog_state *st, retort_host_ctx *h, const char *msg, size_t len)
{
	static const int types[2] = {SOCK_DGRAM, SOCK_STREAM};
	int i, fd = -1, err = 0;
	ssize_t n = -1;
	for (i = 0; i < 2 && n < 0; i++) {
		fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, (const struct sockaddr *)&st->addr, sizeof st->addr) == 0) {
			/* a stream socket takes the NUL as the message's end, as syslog() sends it */
			do
				n = send(fd, msg, types[i] == SOCK_STREAM ? len + 1 : len, MSG_NOSIGNAL);
			while (n < 0 && errno == EINTR);
		}
		if (n < 0)
			err = errno;
		close(fd);
		if (err != EPROTOTYPE)
			break; /* only a socket of the other type is worth a second try */
	}
	if (n < 0) {
		st->host->set_error(h, "cannot write to the log socket %s: %s", st->addr.sun_path, strerror(err));
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

static int syslog_on_event(void *state, retort_host_ctx *h, const retort_event *ev)
{
	syslog_state *st = state;
	retort_strbuf b;
	char head[64];
	time_t now = time(NULL);
	struct tm tm;
	int rc;
	localtime_r(&now, &tm);
	retort_strbuf_init(&b, st->host);
	snprintf(head, sizeof head, "<%d>", st->facility | severity(ev->name));
	retort_strbuf_puts(&b, head);
	strftime(head, sizeof head, "%b %e %H:%M:%S ", &tm);
	retort_strbuf_puts(&b, head);
	retort_strbuf_puts(&b, st->ident);
	snprintf(head, sizeof head, "[%ld]: ", (long)getpid());
	retort_strbuf_puts(&b, head);
	event_line(&b, ev);
	if (b.status) {
		retort_strbuf_free(&b);
		st->host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	rc = send_line(st, h, b.ptr, b.len);
	retort_strbuf_free(&b);
	return rc;
}

static const retort_notify_vtable syslog_vt = {
	.size = sizeof(retort_notify_vtable),
	.on_event = syslog_on_event,
};

static const retort_plugin_impl syslog_impls[] = {
	{RETORT_KIND_NOTIFY, &syslog_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "syslog", .version = "1.0.0", .description = "one line per event to the system log",
                     .impls = syslog_impls, .init = syslog_init, .fini = syslog_fini);

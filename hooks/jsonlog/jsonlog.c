/*
 * jsonlog: appends one JSON object per event, one per line, to a file.
 *
 *   path   the log file (required); a relative path is taken from the
 *          current directory at load time (the host expands ${here}).
 *
 * The file is opened for each event with O_APPEND and each line goes out
 * in a single write(), so several retort processes logging to the same
 * file never interleave their lines.  The file is created (mode 0666 less
 * the umask) at the first event, not at load time, so read-only commands
 * leave no trace.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <retort/notify.h>
#include <retort/plugin.h>

#include "../exec/hookutil.h"

typedef struct jsonlog_state {
	const retort_host *host;
	char *path; /* absolute */
} jsonlog_state;

static void jsonlog_fini(void *state)
{
	jsonlog_state *st = state;
	if (!st)
		return;
	st->host->free(st->path);
	st->host->free(st);
}

static int jsonlog_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s,
                        retort_plugin_kind kind, void **state_out)
{
	const char *key = NULL, *path = NULL;
	jsonlog_state *st;
	retort_strbuf b;
	int rc;

	if (kind != RETORT_KIND_NOTIFY) {
		host->set_error(h, "jsonlog provides the kind \"notify\" only (asked for kind %d)", (int)kind);
		return RETORT_EINVAL;
	}
	while ((key = host->setting_next_key(s, key)) != NULL) {
		if (strcmp(key, "path") != 0) {
			host->setting_error(h, s, key, "unknown setting '%s'", key);
			return RETORT_EINVAL;
		}
	}
	rc = host->setting_string(s, "path", &path);
	if (rc == RETORT_ENOTSUPPORTED) {
		host->setting_error(h, s, "path", "setting 'path' is required");
		return RETORT_EINVAL;
	}
	if (rc < 0 || !path) {
		host->setting_error(h, s, "path", "setting 'path' must be a string");
		return RETORT_EINVAL;
	}
	if (!*path) {
		host->setting_error(h, s, "path", "setting 'path' must not be empty");
		return RETORT_EINVAL;
	}

	retort_strbuf_init(&b, host);
	if (path[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd)) {
			host->set_error(h, "cannot get the current directory for '%s': %s", path, strerror(errno));
			return RETORT_ERROR;
		}
		retort_strbuf_puts(&b, cwd);
		if (b.len && cwd[b.len - 1] != '/')
			retort_strbuf_putc(&b, '/');
	}
	retort_strbuf_puts(&b, path);
	st = host->malloc(sizeof *st);
	if (b.status || !st) {
		retort_strbuf_free(&b);
		host->free(st);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	st->path = retort_strbuf_take(&b); /* the state's now */
	*state_out = st;
	return RETORT_OK;
}

static int jsonlog_on_event(void *state, retort_host_ctx *h, const retort_event *ev)
{
	jsonlog_state *st = state;
	const retort_host *host = st->host;
	retort_strbuf line;
	ssize_t n;
	int fd, rc = RETORT_OK;

	retort_strbuf_init(&line, host);
	hk_event_json(&line, ev);
	retort_strbuf_putc(&line, '\n');
	if (line.status) {
		retort_strbuf_free(&line);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	do
		fd = open(st->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		host->set_error(h, "cannot open '%s': %s", st->path, strerror(errno));
		retort_strbuf_free(&line);
		return RETORT_ERROR;
	}
	/* one write() per line: O_APPEND makes it land whole at the end */
	do
		n = write(fd, line.ptr, line.len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		host->set_error(h, "cannot write to '%s': %s", st->path, strerror(errno));
		rc = RETORT_ERROR;
	} else if ((size_t)n != line.len) {
		host->set_error(h, "short write to '%s' (%zd of %zu bytes; disk full?)", st->path, n, line.len);
		rc = RETORT_ERROR;
	}
	if (close(fd) < 0 && rc == RETORT_OK) {
		host->set_error(h, "cannot write to '%s': %s", st->path, strerror(errno));
		rc = RETORT_ERROR;
	}
	retort_strbuf_free(&line);
	return rc;
}

static const retort_notify_vtable jsonlog_vt = {
	.size = sizeof(retort_notify_vtable),
	.on_event = jsonlog_on_event,
};

static const retort_plugin_impl jsonlog_impls[] = {
	{RETORT_KIND_NOTIFY, &jsonlog_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "jsonlog", .version = "1.0.0",
                     .description = "append each event as one JSON line to a file", .impls = jsonlog_impls,
                     .init = jsonlog_init, .fini = jsonlog_fini);

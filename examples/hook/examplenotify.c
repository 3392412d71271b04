/*
 * examplenotify: an out-of-tree retort notification hook.  It appends one
 * JSON object per event it receives to a file, one a line:
 *
 *     plugins = ( { module = "examplenotify"; path = "events.jsonl";
 *                   events = [ "migrate.*", "revision.*" ]; } );
 *
 * (`events` is read by the host, which passes only the matching events.)
 *
 * What it shows a plugin author:
 *  - a required setting read through the host, its absence and unknown keys
 *    refused with setting_error (the host names the config file and line);
 *  - retort_strbuf from <retort/sdk.h>: text built call after call on the
 *    host's allocator, its status read once at the end;
 *  - retort_strbuf_json_string: every string of the event as JSON;
 *  - reading a member of retort_event that newer retorts have (`target`)
 *    only when RETORT_STRUCT_HAS says the host's struct holds it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <retort/notify.h>
#include <retort/sdk.h>

typedef struct exn_state {
	const retort_host *host; /* borrowed, valid until fini */
	char *path;              /* host->malloc'd */
} exn_state;

static void exn_fini(void *state)
{
	exn_state *st = state;
	if (!st)
		return;
	st->host->free(st->path);
	st->host->free(st);
}

static int exn_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                    retort_plugin_kind kind, void **state_out)
{
	retort_strbuf b;
	const char *key, *path = NULL;
	exn_state *st;

	if (kind != RETORT_KIND_NOTIFY) {
		host->set_error(h, "examplenotify is a notify hook, not plugin kind %d", (int)kind);
		return RETORT_EINVAL;
	}
	for (key = settings ? host->setting_next_key(settings, NULL) : NULL; key;
	     key = host->setting_next_key(settings, key)) {
		if (strcmp(key, "path") != 0 || host->setting_string(settings, key, &path) != RETORT_OK) {
			host->setting_error(h, settings, key, "examplenotify takes one setting, path (a string)");
			return RETORT_EINVAL;
		}
	}
	if (!path || !*path) {
		host->set_error(h, "examplenotify needs path = \"FILE\"; (where the events are appended)");
		return RETORT_EINVAL;
	}
	retort_strbuf_init(&b, host);
	retort_strbuf_puts(&b, path);
	st = (exn_state *)host->malloc(sizeof *st);
	if (!st || b.status != RETORT_OK) {
		host->free(st);
		retort_strbuf_free(&b);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	st->path = retort_strbuf_take(&b); /* the string passes to the state */
	*state_out = st;
	return RETORT_OK;
}

static void json_field(retort_strbuf *b, const char *key, const char *value)
{
	retort_strbuf_putc(b, ',');
	retort_strbuf_json_string(b, key);
	retort_strbuf_putc(b, ':');
	retort_strbuf_json_string(b, value);
}

static int exn_on_event(void *state, retort_host_ctx *h, const retort_event *ev)
{
	exn_state *st = state;
	const retort_host *host = st->host;
	retort_strbuf line;
	size_t i, off = 0;
	int fd, rc = RETORT_OK;

	retort_strbuf_init(&line, host);
	retort_strbuf_puts(&line, "{\"event\":");
	retort_strbuf_json_string(&line, ev->name);
	json_field(&line, "command", ev->command);
	json_field(&line, "revision", ev->revision);
	json_field(&line, "direction", ev->direction);
	json_field(&line, "outcome", ev->outcome);
	json_field(&line, "error", ev->error);
	retort_strbuf_puts(&line, ",\"parents\":[");
	for (i = 0; i < ev->nparents; i++) {
		if (i)
			retort_strbuf_putc(&line, ',');
		retort_strbuf_json_string(&line, ev->parents[i]);
	}
	retort_strbuf_putc(&line, ']');
	if (RETORT_STRUCT_HAS(ev, retort_event, target))
		json_field(&line, "target", ev->target);
	retort_strbuf_puts(&line, "}\n");
	if (line.status != RETORT_OK) {
		retort_strbuf_free(&line);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	if ((fd = open(st->path, O_WRONLY | O_CREAT | O_APPEND, 0666)) < 0) {
		host->set_error(h, "cannot open '%s': %s", st->path, strerror(errno));
		retort_strbuf_free(&line);
		return RETORT_ERROR;
	}
	while (off < line.len) { /* O_APPEND: one write per line, so lines never interleave */
		ssize_t n = write(fd, line.ptr + off, line.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			host->set_error(h, "cannot write '%s': %s", st->path, strerror(errno));
			rc = RETORT_ERROR;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0 && rc == RETORT_OK) {
		host->set_error(h, "cannot write '%s': %s", st->path, strerror(errno));
		rc = RETORT_ERROR;
	}
	retort_strbuf_free(&line);
	return rc;
}

static const retort_notify_vtable exn_vt = {
	sizeof(retort_notify_vtable),
	exn_on_event,
};

static const retort_plugin_impl exn_impls[] = {
	{RETORT_KIND_NOTIFY, &exn_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "examplenotify", .version = "1.0.0",
                     .description = "example notify hook: each event as one JSON line in a file",
                     .impls = exn_impls, .init = exn_init, .fini = exn_fini);

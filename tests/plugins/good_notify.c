/*
 * Test module: a well-behaved notification hook that appends the name of
 * every event it receives, one per line, to the file named by its `path`
 * setting (integration tests of the loader and of event delivery).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <retort/notify.h>
#include <retort/plugin.h>

typedef struct good_state {
	const retort_host *host;
	char *path;
} good_state;

static void good_fini(void *state)
{
	good_state *st = state;
	if (!st)
		return;
	st->host->free(st->path);
	st->host->free(st);
}

static int good_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s, retort_plugin_kind kind,
                     void **state_out)
{
	const char *key = NULL, *path = NULL;
	good_state *st;
	size_t n;
	(void)kind;
	while ((key = host->setting_next_key(s, key)) != NULL) {
		if (strcmp(key, "path") != 0) {
			host->setting_error(h, s, key, "unknown setting '%s'", key);
			return RETORT_EINVAL;
		}
	}
	if (host->setting_string(s, "path", &path) != RETORT_OK || !path || !*path) {
		host->setting_error(h, s, "path", "setting 'path' (a string) is required");
		return RETORT_EINVAL;
	}
	st = host->malloc(sizeof *st);
	n = strlen(path);
	if (st)
		st->path = host->malloc(n + 1);
	if (!st || !st->path) {
		host->free(st);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memcpy(st->path, path, n + 1);
	st->host = host;
	*state_out = st;
	return RETORT_OK;
}

static int good_on_event(void *state, retort_host_ctx *h, const retort_event *ev)
{
	good_state *st = state;
	const char *name = ev->name ? ev->name : "(null)";
	size_t n = strlen(name);
	char line[256];
	int fd;
	ssize_t w;
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	memcpy(line, name, n);
	line[n++] = '\n';
	fd = open(st->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		st->host->set_error(h, "cannot open '%s': %s", st->path, strerror(errno));
		return RETORT_ERROR;
	}
	w = write(fd, line, n);
	close(fd);
	if (w != (ssize_t)n) {
		st->host->set_error(h, "cannot write to '%s'", st->path);
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

static const retort_notify_vtable vt = {
	.size = sizeof(retort_notify_vtable),
	.on_event = good_on_event,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_NOTIFY, &vt}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "good_notify", .version = "1.0.0", .description = "test: records event names",
                     .impls = impls, .init = good_init, .fini = good_fini);

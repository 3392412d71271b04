/*
 * Unit tests of the exec, jsonlog and convention modules.
 *
 * Every plugin defines retort_plugin_entry, so they cannot be linked into
 * one program: this test loads the built modules (hooks/exec.la,
 * hooks/jsonlog.la, plugins/convention.la under RT_TEST_BUILDDIR) with
 * libltdl, as the real loader does, and drives them through the real host
 * services of libretort (rt_host_services, settings over libconfig groups,
 * sinks, contexts).
 */
#include "config.h"

#include <fcntl.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libconfig.h>

#include <retort/formatter.h>
#include <retort/naming.h>
#include <retort/notify.h>
#include <retort/plugin.h>

#include "cu.h"
#include "host.h"
#include "rt.h"

#ifndef RT_TEST_BUILDDIR
#define RT_TEST_BUILDDIR "."
#endif

/* ---- harness ---- */

typedef struct inst {
	config_t cfg;
	retort_settings s;
	retort_host_ctx *h;
	const retort_plugin_descriptor *d;
	const void *vt;
	void *state;
	int rc; /* of init */
} inst;

static const retort_plugin_descriptor *load(const char *rel)
{
	char path[4096];
	lt_dlhandle lh;
	retort_plugin_entry_fn entry;
	snprintf(path, sizeof path, "%s/%s", RT_TEST_BUILDDIR, rel);
	lh = lt_dlopenext(path); /* follows the .la into .libs/; kept open until exit */
	if (!lh) {
		fprintf(stderr, "cannot load %s: %s\n", path, lt_dlerror());
		return NULL;
	}
	entry = (retort_plugin_entry_fn)lt_dlsym(lh, RETORT_PLUGIN_ENTRY_NAME);
	return entry ? entry() : NULL;
}

/* Create an instance of module `rel` for `kind` with settings in libconfig syntax. */
static int inst_new(inst *in, const char *rel, retort_plugin_kind kind, const char *settings)
{
	const retort_plugin_impl *impl;
	memset(in, 0, sizeof *in);
	config_init(&in->cfg);
	if (config_read_string(&in->cfg, settings) != CONFIG_TRUE) {
		fprintf(stderr, "bad test settings: %s\n", config_error_text(&in->cfg));
		return in->rc = -100;
	}
	rt_settings_init(&in->s, config_root_setting(&in->cfg));
	in->h = rt_hctx_new(rel);
	in->d = load(rel);
	if (!in->d)
		return in->rc = -101;
	for (impl = in->d->impls; impl->kind != RETORT_KIND_END; impl++)
		if (impl->kind == kind)
			in->vt = impl->vtable;
	in->rc = in->d->init(rt_host_services(), in->h, &in->s, kind, &in->state);
	return in->rc;
}

static const char *inst_error(const inst *in)
{
	return rt_buf_cstr(&in->h->error);
}

static void inst_free(inst *in)
{
	if (in->rc == RETORT_OK && in->d && in->d->fini)
		in->d->fini(in->state);
	rt_settings_free(&in->s);
	config_destroy(&in->cfg);
	rt_hctx_free(in->h);
	memset(in, 0, sizeof *in);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;
	if (rt_file_read(&text, &len, path) < 0)
		return NULL;
	return text;
}

static int format(inst *in, const char *path)
{
	const retort_formatter_vtable *vt = in->vt;
	rt_hctx_clear_error(in->h);
	return vt->format_file(in->state, in->h, path, RETORT_FORMAT_CONF);
}

static int notify(inst *in, const retort_event *ev)
{
	const retort_notify_vtable *vt = in->vt;
	rt_hctx_clear_error(in->h);
	return vt->on_event(in->state, in->h, ev);
}

#define CHECK_CONTAINS(hay, needle)                                                                            \
	do {                                                                                                   \
		const char *hay_ = (hay);                                                                      \
		if (!hay_ || !strstr(hay_, needle))                                                            \
			fprintf(stderr, "\n  expected to find [%s] in [%s]\n", needle, hay_ ? hay_ : "(null)"); \
		CU_ASSERT_PTR_NOT_NULL(hay_ ? strstr(hay_, needle) : NULL);                                    \
	} while (0)

static char *sandbox;

static char *sb_path(const char *name)
{
	return rt_asprintf("%s/%s", sandbox, name);
}

/* ---- exec formatter ---- */

static void test_exec__formatter_runs_sed_in_place(void)
{
	inst in;
	char *f = rt_cu_write(sandbox, "rev1.conf", "message = \"a xyz a\";\n"), *text;
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                               "executable = \"sed\"; options = \"-i s/a/b/g REVISION_SCRIPT_FILENAME\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_OK);
	text = slurp(f);
	CU_ASSERT_STRING_EQUAL(text, "messbge = \"b xyz b\";\n");
	free(text);
	inst_free(&in);
	free(f);
}

static void test_exec__formatter_quotes_and_token_inside_words(void)
{
	inst in;
	char *f = rt_cu_write(sandbox, "rev2.conf", "hello world\n"), *copy, *text;
	CU_ASSERT_EQUAL_FATAL(
		inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
		         "executable = \"sed\"; options = \"-i 's/hello world/bye  \\\"now\\\"/' REVISION_SCRIPT_FILENAME\";"),
		RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_OK);
	text = slurp(f);
	CU_ASSERT_STRING_EQUAL(text, "bye  \"now\"\n");
	free(text);
	inst_free(&in);

	/* the token is replaced inside a word too */
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                               "executable = \"cp\"; options = \"REVISION_SCRIPT_FILENAME "
	                               "REVISION_SCRIPT_FILENAME.copy\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_OK);
	copy = rt_asprintf("%s.copy", f);
	text = slurp(copy);
	CU_ASSERT_STRING_EQUAL(text, "bye  \"now\"\n");
	free(text);
	free(copy);
	inst_free(&in);
	free(f);
}

static void test_exec__formatter_prepends_token_when_absent(void)
{
	/* Alembic: options without REVISION_SCRIPT_FILENAME get it prepended: cp FILE DEST */
	inst in;
	char *f = rt_cu_write(sandbox, "rev3.conf", "abc\n"), *dest = sb_path("rev3.dest"), *settings, *text;
	settings = rt_asprintf("executable = \"cp\"; options = \"%s\";", dest);
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER, settings), RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_OK);
	text = slurp(dest);
	CU_ASSERT_STRING_EQUAL(text, "abc\n");
	free(text);
	inst_free(&in);

	/* no options at all: just the file */
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER, "executable = \"test\";"), RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_OK); /* test FILE: true, non-empty string */
	inst_free(&in);
	free(settings);
	free(dest);
	free(f);
}

static void test_exec__formatter_failure_names_status_and_file(void)
{
	inst in;
	char *f = rt_cu_write(sandbox, "rev4.conf", "x\n");
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER, "executable = \"false\";"), RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_ERROR);
	CU_ASSERT_TRUE(in.h->has_error);
	CHECK_CONTAINS(inst_error(&in), "formatter 'false' exited with status 1 on ");
	CHECK_CONTAINS(inst_error(&in), f);
	inst_free(&in);

	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                               "executable = \"sh\"; options = \"-c 'echo out; echo oops >&2; echo more >&2; "
	                               "exit 3' REVISION_SCRIPT_FILENAME\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_ERROR);
	CHECK_CONTAINS(inst_error(&in), "exited with status 3 on ");
	CHECK_CONTAINS(inst_error(&in), ": oops");
	inst_free(&in);

	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                               "executable = \"sh\"; options = \"-c 'kill -9 $$' REVISION_SCRIPT_FILENAME\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_ERROR);
	CHECK_CONTAINS(inst_error(&in), "was killed by signal 9");
	inst_free(&in);

	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                               "executable = \"retort-no-such-formatter\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_ERROR);
	CHECK_CONTAINS(inst_error(&in), "cannot run formatter 'retort-no-such-formatter': No such file or directory");
	inst_free(&in);

	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                               "executable = \"true\"; cwd = \"/nonexistent-retort-dir\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, f), RETORT_ERROR);
	CHECK_CONTAINS(inst_error(&in), "cannot change to directory '/nonexistent-retort-dir'");
	inst_free(&in);
	free(f);
}

static void test_exec__formatter_cwd_keeps_relative_path(void)
{
	inst in;
	char *f = rt_cu_write(sandbox, "rev5.conf", "a\n"), *text, *settings, old[4096];
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(old, sizeof old));
	CU_ASSERT_EQUAL_FATAL(chdir(sandbox), 0);
	settings = rt_asprintf("executable = \"sed\"; options = \"-i s/a/b/\"; cwd = \"/\";");
	/* options lack the token: sed FILE -i s/a/b/ would be wrong, so give it explicitly */
	free(settings);
	settings = rt_asprintf("executable = \"sed\"; options = \"-i s/a/b/ REVISION_SCRIPT_FILENAME\"; cwd = \"/\";");
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER, settings), RETORT_OK);
	CU_ASSERT_EQUAL(format(&in, "rev5.conf"), RETORT_OK); /* relative to our cwd, not to "/" */
	CU_ASSERT_EQUAL(chdir(old), 0);
	text = slurp(f);
	CU_ASSERT_STRING_EQUAL(text, "b\n");
	free(text);
	inst_free(&in);
	free(settings);
	free(f);
}

static void test_exec__settings_are_checked(void)
{
	inst in;
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER, "options = \"x\";"), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "setting 'executable' is required");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER, "executable = \"sed\"; bogus = 1;"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "unknown setting 'bogus'");
	inst_free(&in);
	/* reserved keys are the host's: the plugin never sees them */
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                         "module = \"exec\"; kind = \"formatter\"; executable = \"sed\";"),
	                RETORT_OK);
	inst_free(&in);
	/* a notify setting on a formatter */
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER, "executable = \"sed\"; command = \"x\";"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "unknown setting 'command'");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_FORMATTER,
	                         "executable = \"sed\"; options = \"-e 's/a/b\";"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "unterminated single quote");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, "executable = \"sed\";"), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "unknown setting 'executable'");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, "cwd = \"/\";"), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "setting 'command' is required");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, "command = \"true\"; timeout = \"10\";"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "setting 'timeout' must be an integer");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, "command = \"true\"; timeout = -1;"),
	                RETORT_EINVAL);
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/exec", RETORT_KIND_NAMING, "command = \"true\";"), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "exec provides the kinds");
	inst_free(&in);
}

/* ---- events ---- */

static const char *const parents2[] = {"aaa111", "bbb222"};

static retort_event sample_event(const char *name)
{
	retort_event ev;
	memset(&ev, 0, sizeof ev);
	ev.size = sizeof ev;
	ev.name = name;
	ev.run_id = "run-42";
	ev.command = "upgrade";
	ev.dialect = "sqlite";
	ev.database_url = "postgresql://app:***@db/app";
	ev.revision = "ccc333";
	ev.parents = parents2;
	ev.nparents = 2;
	ev.direction = "upgrade";
	ev.message = "line1\nline2 \"q\"\t\x01 caf\xc3\xa9 \xff";
	ev.outcome = "ok";
	ev.started_at = "2026-01-02T03:04:05Z";
	ev.duration_ms = 42;
	ev.error = NULL;
	ev.user = "alice";
	ev.host = "box";
	ev.retort_version = "0.1.0";
	ev.path = NULL;
	ev.target = "tenant-a";
	return ev;
}

static const char sample_json[] =
	"{\"event\":\"migrate.before\",\"run_id\":\"run-42\",\"command\":\"upgrade\",\"dialect\":\"sqlite\","
	"\"database_url\":\"postgresql://app:***@db/app\",\"revision\":\"ccc333\",\"parents\":[\"aaa111\",\"bbb222\"],"
	"\"direction\":\"upgrade\",\"message\":\"line1\\nline2 \\\"q\\\"\\t\\u0001 caf\xc3\xa9 \\ufffd\","
	"\"outcome\":\"ok\",\"started_at\":\"2026-01-02T03:04:05Z\",\"duration_ms\":42,\"error\":null,"
	"\"user\":\"alice\",\"host\":\"box\",\"retort_version\":\"0.1.0\",\"path\":null,\"target\":\"tenant-a\"}";

/* ---- exec notify ---- */

static void test_exec__notify_gets_env_and_json(void)
{
	inst in;
	char *envf = sb_path("notify.env"), *jsonf = sb_path("notify.json"), *settings, *text;
	retort_event ev = sample_event("migrate.before");
	setenv("RETORT_ERROR", "stale value from the parent", 1); /* must be unset for a NULL field */
	settings = rt_asprintf("command = \"env > '%s'; cat > '%s'\";", envf, jsonf);
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, settings), RETORT_OK);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_OK);
	unsetenv("RETORT_ERROR");
	text = slurp(envf);
	CHECK_CONTAINS(text, "RETORT_EVENT=migrate.before\n");
	CHECK_CONTAINS(text, "RETORT_RUN_ID=run-42\n");
	CHECK_CONTAINS(text, "RETORT_COMMAND=upgrade\n");
	CHECK_CONTAINS(text, "RETORT_DIALECT=sqlite\n");
	CHECK_CONTAINS(text, "RETORT_DATABASE_URL=postgresql://app:***@db/app\n");
	CHECK_CONTAINS(text, "RETORT_REVISION=ccc333\n");
	CHECK_CONTAINS(text, "RETORT_PARENTS=aaa111 bbb222\n");
	CHECK_CONTAINS(text, "RETORT_DIRECTION=upgrade\n");
	CHECK_CONTAINS(text, "RETORT_MESSAGE=line1\nline2");
	CHECK_CONTAINS(text, "RETORT_OUTCOME=ok\n");
	CHECK_CONTAINS(text, "RETORT_STARTED_AT=2026-01-02T03:04:05Z\n");
	CHECK_CONTAINS(text, "RETORT_DURATION_MS=42\n");
	CHECK_CONTAINS(text, "RETORT_USER=alice\n");
	CHECK_CONTAINS(text, "RETORT_HOST=box\n");
	CHECK_CONTAINS(text, "RETORT_VERSION=0.1.0\n");
	CHECK_CONTAINS(text, "RETORT_TARGET=tenant-a\n");
	CU_ASSERT_PTR_NULL(text ? strstr(text, "RETORT_ERROR=") : "");
	CU_ASSERT_PTR_NULL(text ? strstr(text, "RETORT_PATH=") : "");
	CHECK_CONTAINS(text, "PATH="); /* the rest of the environment passes through */
	free(text);
	text = slurp(jsonf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, sample_json, sizeof sample_json - 1), 0);
	CU_ASSERT_STRING_EQUAL(text + sizeof sample_json - 1, "\n");
	free(text);
	inst_free(&in);
	free(settings);
	free(envf);
	free(jsonf);
}

static void test_exec__notify_failure_and_cwd(void)
{
	inst in;
	char *settings, *pwdf = sb_path("pwd.out"), *text;
	retort_event ev = sample_event("revision.after");
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY,
	                               "command = \"echo first >&2; echo second >&2; exit 4\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_ERROR);
	CHECK_CONTAINS(inst_error(&in), "exited with status 4 on event revision.after: first");
	inst_free(&in);

	settings = rt_asprintf("command = \"pwd > pwd.out\"; cwd = \"%s\";", sandbox);
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, settings), RETORT_OK);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_OK);
	text = slurp(pwdf);
	CHECK_CONTAINS(text, sandbox);
	free(text);
	inst_free(&in);
	free(settings);
	free(pwdf);
}

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_exec__notify_timeout_kills(void)
{
	inst in;
	struct timespec t0;
	retort_event ev = sample_event("migrate.before");
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY,
	                               "command = \"sleep 20; echo never\"; timeout = 1;"),
	                      RETORT_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_ERROR);
	CU_ASSERT_TRUE(elapsed_since(&t0) < 5.0);
	CHECK_CONTAINS(inst_error(&in), "timed out after 1 s on event migrate.before (killed)");
	inst_free(&in);
}

static void test_exec__notify_robust_children(void)
{
	inst in;
	struct timespec t0;
	retort_event ev = sample_event("migrate.after");
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	memset(big, 'm', n);
	big[n] = '\0';
	ev.message = big;
	/* a command that never reads its stdin: no SIGPIPE for us, success */
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, "command = \"exit 0\";"), RETORT_OK);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(inst_error(&in), "");
	inst_free(&in);
	/* a background grandchild holding the pipes does not keep us waiting */
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY, "command = \"sleep 3 & exit 0\";"),
	                      RETORT_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_OK);
	CU_ASSERT_TRUE(elapsed_since(&t0) < 2.0);
	inst_free(&in);
	ev.message = "short";
	free(big);

	/* the host's descriptors are not inherited */
	{
		int fd = open("/dev/null", O_RDONLY);
		CU_ASSERT_TRUE_FATAL(fd >= 0);
		CU_ASSERT_EQUAL_FATAL(dup2(fd, 37), 37);
		close(fd);
		CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/exec", RETORT_KIND_NOTIFY,
		                               "command = \"test ! -e /proc/self/fd/37 || { echo fd 37 leaked >&2; exit 1; }\";"),
		                      RETORT_OK);
		CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_OK);
		CU_ASSERT_STRING_EQUAL(inst_error(&in), "");
		inst_free(&in);
		close(37);
	}
}

/* ---- jsonlog ---- */

static void test_jsonlog__appends_one_line_per_event(void)
{
	inst in;
	char *settings, *logf = sb_path("events.log"), *text, *second, old[4096];
	retort_event ev = sample_event("migrate.before"), ev2;
	settings = rt_asprintf("path = \"%s\";", logf);
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/jsonlog", RETORT_KIND_NOTIFY, settings), RETORT_OK);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_OK);
	memset(&ev2, 0, sizeof ev2);
	ev2.size = sizeof ev2;
	ev2.name = "script.written";
	ev2.duration_ms = -1;
	ev2.path = "migrations/versions/x.conf";
	CU_ASSERT_EQUAL(notify(&in, &ev2), RETORT_OK);
	inst_free(&in);
	text = slurp(logf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, sample_json, sizeof sample_json - 1), 0);
	second = text + sizeof sample_json - 1;
	CU_ASSERT_STRING_EQUAL(second,
	                       "\n{\"event\":\"script.written\",\"run_id\":null,\"command\":null,\"dialect\":null,"
	                       "\"database_url\":null,\"revision\":null,\"parents\":[],\"direction\":null,"
	                       "\"message\":null,\"outcome\":null,\"started_at\":null,\"duration_ms\":null,"
	                       "\"error\":null,\"user\":null,\"host\":null,\"retort_version\":null,"
	                       "\"path\":\"migrations/versions/x.conf\",\"target\":null}\n");
	free(text);
	free(settings);

	/* a relative path is taken from the current directory at load time */
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(old, sizeof old));
	CU_ASSERT_EQUAL_FATAL(chdir(sandbox), 0);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/jsonlog", RETORT_KIND_NOTIFY, "path = \"rel.log\";"), RETORT_OK);
	CU_ASSERT_EQUAL(chdir(old), 0);
	CU_ASSERT_EQUAL(notify(&in, &ev2), RETORT_OK);
	inst_free(&in);
	free(logf);
	logf = sb_path("rel.log");
	text = slurp(logf);
	CHECK_CONTAINS(text, "{\"event\":\"script.written\"");
	free(text);
	free(logf);
}

static void test_jsonlog__settings_and_errors(void)
{
	inst in;
	retort_event ev = sample_event("migrate.error");
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/jsonlog", RETORT_KIND_NOTIFY, "events = [\"migrate.*\"];"), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "setting 'path' is required");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "hooks/jsonlog", RETORT_KIND_NOTIFY, "path = \"x.log\"; pth = \"y\";"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "unknown setting 'pth'");
	inst_free(&in);
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "hooks/jsonlog", RETORT_KIND_NOTIFY,
	                               "path = \"/nonexistent-retort-dir/x.log\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(notify(&in, &ev), RETORT_ERROR);
	CHECK_CONTAINS(inst_error(&in), "cannot open '/nonexistent-retort-dir/x.log'");
	inst_free(&in);
}

/* ---- convention ---- */

#define SAMPLE_CONVENTION                                                                                      \
	"ix = \"ix_%(column_0_label)s\"; uq = \"uq_%(table_name)s_%(column_0_name)s\";"                         \
	"fk = \"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\"; pk = \"pk_%(table_name)s\";"    \
	"ck = \"ck_%(table_name)s_%(constraint_name)s\";"

/* Name one object; returns the status, the name into out (static buffer). */
static int name_of(inst *in, const char *type, const char *table, const char *const *cols, size_t ncols,
                   const char *referred, const char *cname, char *out, size_t nout)
{
	const retort_naming_vtable *vt = in->vt;
	retort_name_request req;
	retort_sink sink;
	int rc;
	memset(&req, 0, sizeof req);
	req.size = sizeof req;
	req.type = type;
	req.table = table;
	req.columns = cols;
	req.ncolumns = ncols;
	req.referred_table = referred;
	req.constraint_name = cname;
	rt_sink_init(&sink);
	rt_hctx_clear_error(in->h);
	rc = vt->name_object(in->state, in->h, &req, &sink);
	snprintf(out, nout, "%s", rt_sink_text(&sink));
	rt_sink_free(&sink);
	return rc;
}

static void test_convention__names_each_type(void)
{
	inst in;
	char name[256];
	static const char *const email[] = {"email"};
	static const char *const org[] = {"org_id"};
	static const char *const two[] = {"a", "b"};
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, SAMPLE_CONVENTION), RETORT_OK);
	CU_ASSERT_EQUAL(name_of(&in, "ix", "account", email, 1, NULL, NULL, name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "ix_account_email");
	CU_ASSERT_EQUAL(name_of(&in, "uq", "account", email, 1, NULL, NULL, name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "uq_account_email");
	CU_ASSERT_EQUAL(name_of(&in, "fk", "account", org, 1, "org", NULL, name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "fk_account_org_id_org");
	CU_ASSERT_EQUAL(name_of(&in, "pk", "account", org, 1, NULL, NULL, name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "pk_account");
	CU_ASSERT_EQUAL(name_of(&in, "ck", "account", NULL, 0, NULL, "positive", name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "ck_account_positive");
	/* ck with %(constraint_name)s needs a name, as in SQLAlchemy */
	CU_ASSERT_EQUAL(name_of(&in, "ck", "account", NULL, 0, NULL, NULL, name, sizeof name), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "explicitly named");
	/* an unknown type */
	CU_ASSERT_EQUAL(name_of(&in, "xx", "account", two, 2, NULL, NULL, name, sizeof name), RETORT_ENOTSUPPORTED);
	CHECK_CONTAINS(inst_error(&in), "no naming convention for 'xx'");
	inst_free(&in);

	/* multi-column tokens, %% and column_1; types without a template are not supported */
	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING,
	                               "ix = \"ix_%(table_name)s_%(column_0_N_name)s\";"
	                               "uq = \"uq_%(column_0N_name)s_%(column_0_N_label)s\";"
	                               "pk = \"%%pk_%(column_1_name)s\";"),
	                      RETORT_OK);
	CU_ASSERT_EQUAL(name_of(&in, "ix", "t", two, 2, NULL, NULL, name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "ix_t_a_b");
	CU_ASSERT_EQUAL(name_of(&in, "uq", "t", two, 2, NULL, NULL, name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "uq_ab_t_a_t_b");
	CU_ASSERT_EQUAL(name_of(&in, "pk", "t", two, 2, NULL, NULL, name, sizeof name), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(name, "%pk_b");
	CU_ASSERT_EQUAL(name_of(&in, "pk", "t", email, 1, NULL, NULL, name, sizeof name), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "needs column 1 but there is 1");
	CU_ASSERT_EQUAL(name_of(&in, "fk", "t", two, 2, "u", NULL, name, sizeof name), RETORT_ENOTSUPPORTED);
	CU_ASSERT_TRUE(in.h->has_error);
	inst_free(&in);
}

static void test_convention__bad_templates_refused(void)
{
	inst in;
	CU_ASSERT_EQUAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, "ix = \"ix_%(colum_0_name)s\";"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "unknown token '%(colum_0_name)s'");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, "fk = \"fk_%(referred_column_0_name)s\";"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "not supported");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, "ix = \"ix_%s\";"), RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "bad '%'");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, "ix = \"ix_%(table_name)\";"),
	                RETORT_EINVAL);
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, "iy = \"ix_%(table_name)s\";"),
	                RETORT_EINVAL);
	CHECK_CONTAINS(inst_error(&in), "unknown setting 'iy'");
	inst_free(&in);
	CU_ASSERT_EQUAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, "ix = 3;"), RETORT_EINVAL);
	inst_free(&in);
}

typedef struct found {
	int n;
	char msg[8][256];
	char where[8][32];
} found;

static int on_violation(void *arg, const char *rule, const char *message, const char *where)
{
	found *f = arg;
	if (f->n < 8) {
		snprintf(f->msg[f->n], sizeof f->msg[0], "%s: %s", rule, message);
		snprintf(f->where[f->n], sizeof f->where[0], "%s", where ? where : "");
	}
	f->n++;
	return 0;
}

static void test_convention__check_reports_violations(void)
{
	inst in;
	found f;
	retort_script script;
	retort_op ops[7];
	retort_foreign_key fk;
	static const char *const email[] = {"email"};
	static const char *const org[] = {"org_id"};
	static const char *const id[] = {"id"};
	const retort_naming_vtable *vt;
	int i;

	memset(ops, 0, sizeof ops);
	for (i = 0; i < 7; i++) {
		ops[i].size = sizeof ops[i];
		ops[i].table = "account";
	}
	ops[0].kind = RETORT_OP_CREATE_INDEX; /* wrong */
	ops[0].name = "idx_email";
	ops[0].column_names = email;
	ops[0].ncolumn_names = 1;
	ops[1].kind = RETORT_OP_CREATE_INDEX; /* right */
	ops[1].name = "ix_account_email";
	ops[1].column_names = email;
	ops[1].ncolumn_names = 1;
	ops[2].kind = RETORT_OP_CREATE_INDEX; /* unnamed: the host names it */
	ops[2].column_names = email;
	ops[2].ncolumn_names = 1;
	ops[3].kind = RETORT_OP_CREATE_CHECK_CONSTRAINT; /* already of the convention's form */
	ops[3].name = "ck_account_positive";
	ops[3].expression = "balance >= 0";
	ops[4].kind = RETORT_OP_CREATE_CHECK_CONSTRAINT; /* wrong */
	ops[4].name = "positive";
	ops[4].expression = "balance >= 0";
	memset(&fk, 0, sizeof fk);
	fk.size = sizeof fk;
	fk.name = "account_org_fkey";
	fk.columns = org;
	fk.ncolumns = 1;
	fk.ref_table = "org";
	fk.ref_columns = id;
	fk.nref_columns = 1;
	ops[5].kind = RETORT_OP_CREATE_FOREIGN_KEY; /* wrong */
	ops[5].foreign_keys = &fk;
	ops[5].nforeign_keys = 1;
	ops[6].kind = RETORT_OP_CREATE_PRIMARY_KEY; /* right */
	ops[6].name = "pk_account";
	ops[6].column_names = id;
	ops[6].ncolumn_names = 1;

	memset(&script, 0, sizeof script);
	script.size = sizeof script;
	script.path = "versions/x.conf";
	script.format = RETORT_FORMAT_CONF;
	script.upgrade = ops;
	script.nupgrade = 7;
	script.downgrade = ops; /* never checked */
	script.ndowngrade = 1;

	CU_ASSERT_EQUAL_FATAL(inst_new(&in, "plugins/convention", RETORT_KIND_NAMING, SAMPLE_CONVENTION), RETORT_OK);
	vt = in.vt;
	memset(&f, 0, sizeof f);
	CU_ASSERT_EQUAL(vt->check(in.state, in.h, &script, on_violation, &f), RETORT_OK);
	CU_ASSERT_EQUAL_FATAL(f.n, 3);
	CU_ASSERT_STRING_EQUAL(f.msg[0], "naming: index 'idx_email' does not follow convention "
	                                 "'ix_%(column_0_label)s' (expected 'ix_account_email')");
	CU_ASSERT_STRING_EQUAL(f.where[0], "upgrade[0]");
	CU_ASSERT_STRING_EQUAL(f.msg[1], "naming: check constraint 'positive' does not follow convention "
	                                 "'ck_%(table_name)s_%(constraint_name)s' (expected 'ck_account_positive')");
	CU_ASSERT_STRING_EQUAL(f.where[1], "upgrade[4]");
	CU_ASSERT_STRING_EQUAL(f.msg[2], "naming: foreign key 'account_org_fkey' does not follow convention "
	                                 "'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s' "
	                                 "(expected 'fk_account_org_id_org')");
	CU_ASSERT_STRING_EQUAL(f.where[2], "upgrade[5]");
	inst_free(&in);
}

static const rt_cu_test exec_tests[] = {
	{"test_exec__formatter_runs_sed_in_place", test_exec__formatter_runs_sed_in_place},
	{"test_exec__formatter_quotes_and_token_inside_words", test_exec__formatter_quotes_and_token_inside_words},
	{"test_exec__formatter_prepends_token_when_absent", test_exec__formatter_prepends_token_when_absent},
	{"test_exec__formatter_failure_names_status_and_file", test_exec__formatter_failure_names_status_and_file},
	{"test_exec__formatter_cwd_keeps_relative_path", test_exec__formatter_cwd_keeps_relative_path},
	{"test_exec__settings_are_checked", test_exec__settings_are_checked},
	{"test_exec__notify_gets_env_and_json", test_exec__notify_gets_env_and_json},
	{"test_exec__notify_failure_and_cwd", test_exec__notify_failure_and_cwd},
	{"test_exec__notify_timeout_kills", test_exec__notify_timeout_kills},
	{"test_exec__notify_robust_children", test_exec__notify_robust_children},
	{NULL, NULL},
};

static const rt_cu_test jsonlog_tests[] = {
	{"test_jsonlog__appends_one_line_per_event", test_jsonlog__appends_one_line_per_event},
	{"test_jsonlog__settings_and_errors", test_jsonlog__settings_and_errors},
	{NULL, NULL},
};

static const rt_cu_test convention_tests[] = {
	{"test_convention__names_each_type", test_convention__names_each_type},
	{"test_convention__bad_templates_refused", test_convention__bad_templates_refused},
	{"test_convention__check_reports_violations", test_convention__check_reports_violations},
	{NULL, NULL},
};

static const rt_cu_suite suites[] = {
	{"exec", exec_tests},
	{"jsonlog", jsonlog_tests},
	{"convention", convention_tests},
	{NULL, NULL},
};

int main(void)
{
	int rc;
	char cmd[4200];
	if (lt_dlinit() != 0)
		return 1;
	sandbox = rt_cu_sandbox();
	if (!sandbox)
		return 1;
	rc = rt_cu_run(suites);
	if (rc == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", sandbox);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", sandbox);
	} else {
		fprintf(stderr, "sandbox kept: %s\n", sandbox);
	}
	free(sandbox);
	lt_dlexit();
	return rc;
}

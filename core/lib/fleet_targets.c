/* A fleet's targets: `databases` and `databases_from` of retort.conf, the selection, the password file. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fleet.h"
#include "url.h"

static void target_free(rt_target *t)
{
	rt_free(t->name);
	rt_free(t->url);
	rt_free(t->where);
	rt_strv_free(&t->tags);
}

void rt_targets_free(rt_targets *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		target_free(&t->v[i]);
	rt_free(t->v);
	memset(t, 0, sizeof *t);
}

static const char *src_file(const rt_config *c, const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);
	return f ? f : c->path;
}

/* ---- the password file ($RETORT_PASSFILE, .pgpass format) ---- */

/* One field of a .pgpass line (`\` escapes `:` and `\`) into out; the end of the field. */
static const char *pass_field(const char *p, char *out, size_t size)
{
	size_t n = 0;
	while (*p && *p != ':') {
		if (*p == '\\' && p[1])
			p++;
		if (n + 1 < size)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	return *p == ':' ? p + 1 : p;
}

static int pass_match(const char *pattern, const char *value)
{
	return strcmp(pattern, "*") == 0 || strcmp(pattern, value ? value : "") == 0;
}

/*
 * The password for u from the file $RETORT_PASSFILE: the first line
 * host:port:database:user:password whose fields match (`*` matches
 * anything; an absent host matches "localhost", an absent port the
 * field "*" only).  NULL when there is no file or no line.
 */
static char *passfile_lookup(const retort_url *u)
{
	const char *path = getenv("RETORT_PASSFILE");
	char *text = NULL, *line, *save = NULL, *found = NULL;
	char f[5][512];
	if (!path || !*path || !u->user || rt_file_read(&text, NULL, path) < 0) {
		rt_error_clear();
		rt_free(text);
		return NULL;
	}
	for (line = strtok_r(text, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
		const char *p = line;
		int i;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (*line == '#' || !*line)
			continue;
		for (i = 0; i < 5; i++)
			p = i < 4 ? pass_field(p, f[i], sizeof f[i]) : (snprintf(f[i], sizeof f[i], "%s", p), p);
		if (pass_match(f[0], u->host && *u->host ? u->host : "localhost") && pass_match(f[1], u->port) &&
		    pass_match(f[2], u->database) && pass_match(f[3], u->user)) {
			/* the password field itself, unescaped */
			pass_field(f[4], f[4], sizeof f[4]);
			found = rt_strdup(f[4]);
		}
	}
	rt_free(text);
	return found;
}

/* u's raw URL with `password` percent-encoded after its user (a new string). */
static char *url_with_password(const char *raw, const char *password)
{
	const char *at, *auth = strstr(raw, "://");
	rt_buf b = RT_BUF_INIT;
	const char *p;
	size_t userlen;
	if (!auth)
		return NULL;
	auth += 3;
	at = auth + strcspn(auth, "@/?");
	if (*at != '@')
		return NULL;
	userlen = (size_t)(at - auth);
	if (memchr(auth, ':', userlen))
		return NULL; /* has one already */
	rt_buf_add(&b, raw, (size_t)(at - raw));
	rt_buf_putc(&b, ':');
	for (p = password; *p; p++) {
		if (isalnum((unsigned char)*p) || strchr("-._~", *p))
			rt_buf_putc(&b, *p);
		else
			rt_buf_printf(&b, "%%%02X", (unsigned char)*p);
	}
	rt_buf_puts(&b, at);
	return rt_buf_detach(&b);
}

/* Fill a missing password of *url from the password file. */
static int fill_password(char **url)
{
	rt_url *u = NULL;
	char *pw, *with;
	if (rt_url_parse(&u, *url) < 0) {
		rt_error_clear(); /* a bad URL is reported when the target connects */
		return RETORT_OK;
	}
	if (rt_url_view(u)->password || !(pw = passfile_lookup(rt_url_view(u)))) {
		rt_url_free(u);
		return RETORT_OK;
	}
	rt_url_free(u);
	with = url_with_password(*url, pw);
	memset(pw, 0, strlen(pw));
	rt_free(pw);
	if (with) {
		rt_free(*url);
		*url = with;
	}
	return RETORT_OK;
}

/* ---- the list ---- */

static int find_name(const rt_targets *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Append a target (takes name, url, where); refuses a name given twice. */
static int add_target(rt_targets *t, char *name, char *url, char *where, const config_setting_t *group,
                      rt_strv *tags)
{
	rt_target *v;
	int dup;
	if (!name || !url || !where) {
		rt_free(name);
		rt_free(url);
		rt_free(where);
		rt_strv_free(tags);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	if ((dup = find_name(t, name)) >= 0) {
		rt_error_set("%s: database name '%s' given twice (first at %s)%s", where, name, t->v[dup].where,
		             group ? "" : "; write 'NAME URL' to name it");
		rt_free(name);
		rt_free(url);
		rt_free(where);
		rt_strv_free(tags);
		return RETORT_EINVAL;
	}
	fill_password(&url);
	if (!(v = rt_grow(t->v, &t->cap, t->n, sizeof *t->v, 16))) {
		rt_free(name);
		rt_free(url);
		rt_free(where);
		rt_strv_free(tags);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	t->v = v;
	memset(&v[t->n], 0, sizeof v[t->n]);
	v[t->n].name = name;
	v[t->n].url = url;
	v[t->n].where = where;
	v[t->n].group = group;
	v[t->n].tags = *tags;
	memset(tags, 0, sizeof *tags);
	t->n++;
	return RETORT_OK;
}

static int from_databases(const rt_config *cfg, const config_setting_t *list, rt_targets *t)
{
	int i, j, n = config_setting_length(list), rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i), *s, *tg;
		const char *name = NULL;
		char *url = NULL, *where;
		rt_strv tags = RT_STRV_INIT;
		config_setting_lookup_string(g, "name", &name); /* checked when the file was loaded */
		s = config_setting_get_member(g, "url");
		where = rt_asprintf("%s:%u", src_file(cfg, s), config_setting_source_line(s));
		if (!where)
			return RETORT_ENOMEM;
		if ((rc = rt_config_expand(cfg, config_setting_get_string(s), where, &url)) < 0) {
			rt_free(where);
			return rc;
		}
		if ((tg = config_setting_get_member(g, "tags")) != NULL) {
			if (config_setting_type(tg) == CONFIG_TYPE_STRING)
				rc = rt_strv_push(&tags, config_setting_get_string(tg));
			for (j = 0; config_setting_type(tg) != CONFIG_TYPE_STRING && j < config_setting_length(tg); j++)
				if (rt_strv_push(&tags, config_setting_get_string(config_setting_get_elem(tg, (unsigned)j))) < 0)
					rc = RETORT_ENOMEM;
			if (rc < 0) {
				rt_free(url);
				rt_free(where);
				rt_strv_free(&tags);
				return rc;
			}
		}
		if ((rc = add_target(t, rt_strdup(name), url, where, g, &tags)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* The name of a target given by its URL alone: its database, for SQLite the file's name without extension. */
static char *name_from_url(const char *url, const char *where)
{
	rt_url *u = NULL;
	const char *db, *slash, *dot;
	char *name;
	if (rt_url_parse(&u, url) < 0) {
		rt_error_prefix("%s", where);
		return NULL;
	}
	db = rt_url_view(u)->database ? rt_url_view(u)->database : "";
	slash = strrchr(db, '/');
	if (slash)
		db = slash + 1;
	dot = strcmp(rt_url_view(u)->scheme, "sqlite") == 0 ? strrchr(db, '.') : NULL;
	name = dot && dot != db ? rt_strndup(db, (size_t)(dot - db)) : rt_strdup(db);
	rt_url_free(u);
	if (name && !*name) {
		rt_error_set("%s: cannot name a database after this URL (no database in it): write 'NAME URL'", where);
		rt_free(name);
		return NULL;
	}
	if (!name)
		rt_error_set("out of memory");
	return name;
}

/* One line of databases_from: `URL` or `NAME URL [TAG...]`. */
static int from_line(const rt_config *cfg, char *line, const char *where, rt_targets *t)
{
	char *words[2] = {NULL, NULL}, *w, *save = NULL, *url = NULL, *name = NULL;
	rt_strv tags = RT_STRV_INIT;
	int n = 0, rc;
	for (w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n < 2) {
			words[n++] = w;
		} else if (rt_strv_push(&tags, w) < 0) {
			rt_strv_free(&tags);
			return RETORT_ENOMEM;
		}
	}
	if (n == 0)
		return RETORT_OK;
	if ((rc = rt_config_expand(cfg, n == 1 ? words[0] : words[1], where, &url)) < 0) {
		rt_strv_free(&tags);
		return rc;
	}
	if (!strstr(url, "://")) {
		rt_error_set("%s: '%s' is not a database URL (a line is URL, or NAME URL [TAG...])", where,
		             n == 1 ? words[0] : words[1]);
		rt_free(url);
		rt_strv_free(&tags);
		return RETORT_EINVAL;
	}
	name = n == 1 ? name_from_url(url, where) : rt_strdup(words[0]);
	if (!name) {
		rt_free(url);
		rt_strv_free(&tags);
		return n == 1 ? RETORT_EINVAL : RETORT_ENOMEM;
	}
	return add_target(t, name, url, rt_strdup(where), NULL, &tags);
}

/* Standard output of `sh -c cmd` run in folder dir, into *out; its exit status checked. */
static int run_command(const char *cmd, const char *dir, const char *where, char **out)
{
	int fds[2], status;
	pid_t pid;
	rt_buf b = RT_BUF_INIT;
	char chunk[4096];
	ssize_t r;
	if (pipe(fds) != 0) {
		rt_error_set("%s: cannot run '%s': %s", where, cmd, strerror(errno));
		return RETORT_ERROR;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		rt_error_set("%s: cannot run '%s': %s", where, cmd, strerror(errno));
		return RETORT_ERROR;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		if (chdir(dir) != 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		r = read(fds[0], chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (rt_buf_add(&b, chunk, (size_t)r) < 0)
			break;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rt_error_set("%s: databases_from: '%s' %s %d", where, cmd,
		             WIFEXITED(status) ? "exited with status" : "was killed by signal",
		             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		rt_buf_free(&b);
		return RETORT_EINVAL;
	}
	*out = rt_buf_detach(&b);
	return RETORT_OK;
}

static int from_file(const rt_config *cfg, const config_setting_t *s, rt_targets *t)
{
	char *spec = NULL, *text = NULL, *src = NULL, *where0, *line, *next;
	int rc, lineno = 0;
	where0 = rt_asprintf("%s:%u", src_file(cfg, s), config_setting_source_line(s));
	if (!where0)
		return RETORT_ENOMEM;
	if ((rc = rt_config_expand(cfg, config_setting_get_string(s), where0, &spec)) < 0)
		goto done;
	if (strncmp(spec, "exec:", 5) == 0) {
		if ((rc = run_command(spec + 5, cfg->here, where0, &text)) < 0)
			goto done;
		src = rt_asprintf("%s (output of '%s'), line", where0, spec + 5);
	} else {
		char *path = rt_config_path(cfg, spec);
		if (!path) {
			rc = RETORT_ENOMEM;
			goto done;
		}
		rc = rt_file_read(&text, NULL, path);
		if (rc < 0) {
			rt_error_prefix("%s: databases_from", where0);
			rt_free(path);
			if (rc != RETORT_ENOMEM)
				rc = RETORT_EINVAL;
			goto done;
		}
		src = path;
	}
	if (!src) {
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (line = text; line && *line && rc == RETORT_OK; line = next) {
		char where[PATH_MAX + 512];
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (*line && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		snprintf(where, sizeof where, "%s%s%d", src, strncmp(spec, "exec:", 5) == 0 ? " " : ":", lineno);
		rc = from_line(cfg, line, where, t);
	}
done:
	rt_free(where0);
	rt_free(spec);
	rt_free(text);
	rt_free(src);
	return rc;
}

int rt_fleet_targets(const rt_config *cfg, rt_targets *out)
{
	const config_setting_t *s;
	int rc = RETORT_OK;
	memset(out, 0, sizeof *out);
	if ((s = rt_config_lookup(cfg, "databases")) != NULL)
		rc = from_databases(cfg, s, out);
	if (rc == RETORT_OK && (s = rt_config_lookup(cfg, "databases_from")) != NULL)
		rc = from_file(cfg, s, out);
	if (rc < 0)
		rt_targets_free(out);
	return rc;
}

int rt_fleet_select(const rt_targets *t, int all, const rt_strv *names, const rt_strv *tags, size_t **sel,
                    size_t *n)
{
	unsigned char *pick;
	size_t i, j, k = 0;
	*sel = NULL;
	*n = 0;
	if (t->n == 0) {
		rt_error_set("no databases to run on: set databases = ( { name = \"...\"; url = \"...\"; }, ... ) or "
		             "databases_from in the config file");
		return RETORT_EINVAL;
	}
	if (!(pick = rt_calloc(t->n, 1)) || !(*sel = rt_malloc(t->n * sizeof **sel))) {
		rt_free(pick);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	for (i = 0; all && i < t->n; i++)
		pick[i] = 1;
	for (j = 0; names && j < names->n; j++) {
		int at = find_name(t, names->v[j]);
		if (at < 0) {
			rt_error_set("no database named '%s' in the fleet (%zu databases)", names->v[j], t->n);
			goto bad;
		}
		pick[at] = 1;
	}
	for (j = 0; tags && j < tags->n; j++) {
		int any = 0;
		for (i = 0; i < t->n; i++)
			if (rt_strv_find(&t->v[i].tags, tags->v[j]) >= 0)
				pick[i] = 1, any = 1;
		if (!any) {
			rt_error_set("no database of the fleet has the tag '%s'", tags->v[j]);
			goto bad;
		}
	}
	for (i = 0; i < t->n; i++)
		if (pick[i])
			(*sel)[k++] = i;
	rt_free(pick);
	*n = k;
	return RETORT_OK;
bad:
	rt_free(pick);
	rt_free(*sel);
	*sel = NULL;
	return RETORT_EINVAL;
}

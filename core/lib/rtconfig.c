/* retort.conf loading, overlays and ${...} expansion. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conftext.h"
#include "rtconfig.h"

typedef enum { K_STRING, K_INT, K_BOOL, K_STRLIST, K_GROUP_DB, K_PLUGINS, K_DATABASES } key_type;

static const struct {
	const char *name;
	key_type type;
} known_keys[] = {
	{"script_location", K_STRING},
	{"version_locations", K_STRLIST},
	{"file_template", K_STRING},
	{"truncate_slug_length", K_INT},
	{"timezone", K_STRING},
	{"version_table", K_STRING},
	{"history_table", K_STRING},
	{"transaction_per_migration", K_BOOL},
	{"lock_timeout", K_INT},
	{"target_schema", K_STRING},
	{"database", K_GROUP_DB},
	{"plugin_path", K_STRLIST},
	{"plugins", K_PLUGINS},
	{"include_tables", K_STRLIST},
	{"exclude_tables", K_STRLIST},
	{"lint_on", K_STRLIST},
	{"databases", K_DATABASES},
	{"databases_from", K_STRING},
	{"dev_url", K_STRING},
	{"expected_heads", K_INT},
	{NULL, K_STRING},
};

static const char *const type_names[] = {"a string", "an integer", "a boolean (true/false)", "a list of strings",
                                         "a group", "a list of groups", "a list of groups"};

static int key_index(const char *name)
{
	int i;
	for (i = 0; known_keys[i].name; i++)
		if (strcmp(known_keys[i].name, name) == 0)
			return i;
	return -1;
}

static const char *src_file(const rt_config *c, const config_setting_t *s)
{
	const char *f = s ? config_setting_source_file(s) : NULL;
	return f ? f : c->path;
}

static int bad_at(const rt_config *c, const config_setting_t *s, const char *fmt, ...) RT_PRINTF(3, 4);
/* "file:line: message" for the setting s; returns RETORT_EINVAL */
static int bad_at(const rt_config *c, const config_setting_t *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_error_set("%s:%u: %s", src_file(c, s), s ? config_setting_source_line(s) : 0, msg);
	return RETORT_EINVAL;
}

static long long int_value(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_INT64 ? config_setting_get_int64(s) : config_setting_get_int(s);
}

/* The keys the host reads in a plugin's group (module, kind, events, fatal, enforce): their types. */
static int check_host_keys(const rt_config *c, const config_setting_t *g)
{
	static const struct {
		const char *key;
		int type; /* CONFIG_TYPE_*, or -1: a string or a list of strings */
		const char *what;
	} keys[] = {
		{"module", CONFIG_TYPE_STRING, "a string (a module name or a path)"},
		{"kind", CONFIG_TYPE_STRING, "a string (dialect, naming, formatter or notify)"},
		{"events", -1, "a string or a list of strings (event names or globs)"},
		{"fatal", CONFIG_TYPE_BOOL, "a boolean (true/false)"},
		{"enforce", -1, "a string or a list of strings (revision, upgrade)"},
	};
	size_t i;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const config_setting_t *s = config_setting_get_member(g, keys[i].key);
		int t = s ? config_setting_type(s) : 0, ok = 1, j;
		if (!s)
			continue;
		if (keys[i].type >= 0) {
			ok = t == keys[i].type;
		} else if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST) {
			for (j = 0; j < config_setting_length(s); j++)
				if (config_setting_type(config_setting_get_elem(s, (unsigned)j)) != CONFIG_TYPE_STRING)
					ok = 0;
		} else {
			ok = t == CONFIG_TYPE_STRING;
		}
		if (!ok)
			return bad_at(c, s, "plugin key '%s' must be %s", keys[i].key, keys[i].what);
	}
	return RETORT_OK;
}

static int check_type(const rt_config *c, const config_setting_t *s, key_type t);

/* The keys a fleet target's group may not set: they say where the targets are. */
static int fleet_key(const char *name)
{
	return strcmp(name, "database") == 0 || strcmp(name, "databases") == 0 || strcmp(name, "databases_from") == 0;
}

/*
 * `databases`: a list of groups, each a fleet target: name (unique, no
 * blank), url (both strings, both required), tags (a string or a list of
 * strings), and any other key of the top level but the fleet's own, which
 * then overrides it for that target (the group is an overlay, as -n's).
 */
static int check_databases(const rt_config *c, const config_setting_t *list)
{
	int i, j, n = config_setting_length(list), rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i), *nm, *url;
		const char *name;
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return bad_at(c, g, "each entry of 'databases' must be a group { name = \"...\"; url = \"...\"; }");
		for (j = 0; j < config_setting_length(g); j++) {
			const config_setting_t *el = config_setting_get_elem(g, (unsigned)j);
			const char *k = config_setting_name(el);
			int ki = key_index(k);
			if (strcmp(k, "name") == 0 || strcmp(k, "url") == 0) {
				if (config_setting_type(el) != CONFIG_TYPE_STRING)
					return bad_at(c, el, "'%s' of a database must be a string", k);
			} else if (strcmp(k, "tags") == 0) {
				if ((rc = check_type(c, el, K_STRLIST)) < 0)
					return rc;
			} else if (ki < 0) {
				return bad_at(c, el, "unknown key '%s' in a database of 'databases'", k);
			} else if (fleet_key(k)) {
				return bad_at(c, el, "'%s' cannot be set for one database of 'databases'", k);
			} else if ((rc = check_type(c, el, known_keys[ki].type)) < 0) {
				return rc;
			}
		}
		if (!(nm = config_setting_get_member(g, "name")) || !*(name = config_setting_get_string(nm)))
			return bad_at(c, g, "a database of 'databases' without a name = \"...\"");
		if (name[strcspn(name, " \t\r\n")])
			return bad_at(c, nm, "database name '%s' has a blank in it", name);
		if (!(url = config_setting_get_member(g, "url")))
			return bad_at(c, g, "database '%s' has no url = \"...\"", name);
		for (j = 0; j < i; j++) {
			const char *other = NULL;
			config_setting_lookup_string(config_setting_get_elem(list, (unsigned)j), "name", &other);
			if (other && strcmp(other, name) == 0)
				return bad_at(c, nm, "database name '%s' given twice in 'databases'", name);
		}
	}
	return RETORT_OK;
}

static int check_type(const rt_config *c, const config_setting_t *s, key_type t)
{
	int st = config_setting_type(s);
	int ok = 0;
	switch (t) {
	case K_STRING:
		ok = st == CONFIG_TYPE_STRING;
		break;
	case K_INT:
		ok = st == CONFIG_TYPE_INT || st == CONFIG_TYPE_INT64;
		break;
	case K_BOOL:
		ok = st == CONFIG_TYPE_BOOL;
		break;
	case K_STRLIST:
		ok = st == CONFIG_TYPE_STRING;
		if (st == CONFIG_TYPE_ARRAY || st == CONFIG_TYPE_LIST) {
			int i, n = config_setting_length(s);
			ok = 1;
			for (i = 0; i < n; i++)
				if (config_setting_type(config_setting_get_elem(s, (unsigned)i)) != CONFIG_TYPE_STRING)
					ok = 0;
		}
		break;
	case K_GROUP_DB:
		ok = st == CONFIG_TYPE_GROUP;
		break;
	case K_DATABASES:
		if (st != CONFIG_TYPE_LIST)
			break;
		return check_databases(c, s);
	case K_PLUGINS:
		ok = st == CONFIG_TYPE_LIST;
		if (ok) {
			int i, n = config_setting_length(s);
			for (i = 0; i < n; i++) {
				config_setting_t *el = config_setting_get_elem(s, (unsigned)i);
				const char *m;
				int rc;
				if (config_setting_type(el) != CONFIG_TYPE_GROUP)
					return bad_at(c, el, "each plugin must be a group { module = \"...\"; ... }");
				if ((rc = check_host_keys(c, el)) < 0)
					return rc;
				if (!config_setting_lookup_string(el, "module", &m))
					return bad_at(c, el, "plugin declaration without a module = \"name\" (or a path)");
			}
		}
		break;
	}
	if (!ok)
		return bad_at(c, s, "'%s' must be %s", config_setting_name(s), type_names[t]);
	if (t == K_GROUP_DB) {
		int i, n = config_setting_length(s);
		for (i = 0; i < n; i++) {
			config_setting_t *el = config_setting_get_elem(s, (unsigned)i);
			if (strcmp(config_setting_name(el), "url") != 0)
				return bad_at(c, el, "unknown key 'database.%s'", config_setting_name(el));
			if (config_setting_type(el) != CONFIG_TYPE_STRING)
				return bad_at(c, el, "'database.url' must be a string");
		}
	}
	return RETORT_OK;
}

/* Overlay groups: any top-level group that is not a known key; its members must be known keys. */
static int check_group(const rt_config *c, const config_setting_t *grp, int top)
{
	int i, n = config_setting_length(grp), rc;
	for (i = 0; i < n; i++) {
		config_setting_t *el = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(el);
		int k = key_index(name);
		if (k < 0) {
			if (top && config_setting_type(el) == CONFIG_TYPE_GROUP) {
				if ((rc = check_group(c, el, 0)) < 0)
					return rc;
				continue;
			}
			if (top)
				return bad_at(c, el, "unknown key '%s'", name);
			return bad_at(c, el, "unknown key '%s' in group '%s'", name, config_setting_name(grp));
		}
		if ((rc = check_type(c, el, known_keys[k].type)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* ---- expansion ---- */

static int x_lookup(const rt_config *c, const char *key, const char **out)
{
	long i = rt_strv_find(&c->x_keys, key);
	if (i < 0)
		return 0;
	*out = c->x_values.v[i];
	return 1;
}

int rt_config_expand(const rt_config *c, const char *in, const char *where, char **out)
{
	rt_buf b = RT_BUF_INIT;
	const char *p = in;
	while (*p) {
		const char *close;
		char *name = NULL, *def = NULL;
		const char *val = NULL;
		int has_def = 0;
		if (p[0] != '$' || p[1] != '{') {
			if (p[0] == '$' && p[1] == '$') { /* $$ -> $ */
				rt_buf_putc(&b, '$');
				p += 2;
				continue;
			}
			rt_buf_putc(&b, *p++);
			continue;
		}
		close = strchr(p + 2, '}');
		if (!close) {
			rt_error_set("%s%sunterminated '${' in \"%s\"", where ? where : "", where ? ": " : "", in);
			rt_buf_free(&b);
			return RETORT_EINVAL;
		}
		name = rt_strndup(p + 2, (size_t)(close - p - 2));
		if (!name) {
			rt_buf_free(&b);
			return RETORT_ENOMEM;
		}
		{
			char *sep = strstr(name, ":-");
			if (sep) {
				*sep = '\0';
				def = sep + 2;
				has_def = 1;
			}
		}
		if (strcmp(name, "here") == 0) {
			val = c->here;
		} else if (strncmp(name, "x.", 2) == 0) {
			if (!x_lookup(c, name + 2, &val))
				val = NULL;
		} else {
			val = getenv(name);
			if (val && !*val && has_def) /* ${VAR:-d}: empty counts as unset, as in the shell */
				val = NULL;
		}
		if (!val && has_def)
			val = def;
		if (!val) {
			if (strncmp(name, "x.", 2) == 0)
				rt_error_set("%s%s${%s} is not set (pass -x %s=VALUE or write ${%s:-default})",
				             where ? where : "", where ? ": " : "", name, name + 2, name);
			else
				rt_error_set("%s%senvironment variable %s is not set (referenced as ${%s}; write ${%s:-default} "
				             "for a default)",
				             where ? where : "", where ? ": " : "", name, name, name);
			rt_free(name);
			rt_buf_free(&b);
			return RETORT_EINVAL;
		}
		rt_buf_puts(&b, val);
		rt_free(name);
		p = close + 1;
	}
	*out = rt_buf_detach(&b);
	return *out ? RETORT_OK : RETORT_ENOMEM;
}

char *rt_config_path(const rt_config *c, const char *p)
{
	if (!p)
		return NULL;
	if (p[0] == '/')
		return rt_strdup(p);
	return rt_asprintf("%s/%s", c->here, p);
}

/* ---- loading ---- */

/* The parsed file: a fleet target's config reads its base's. */
static const config_t *root(const rt_config *c)
{
	return c->base ? &c->base->cfg : &c->cfg;
}

/* A key: the fleet target's group first, then the -n overlay, then the top level. */
static const config_setting_t *lookup(const rt_config *c, const config_setting_t *overlay, const char *key)
{
	const config_setting_t *s = NULL;
	if (c->target)
		s = config_setting_get_member(c->target, key);
	if (!s && overlay)
		s = config_setting_get_member(overlay, key);
	if (!s)
		s = config_lookup(root(c), key);
	return s;
}

static const config_setting_t *overlay_of(const rt_config *c)
{
	return c->name ? config_lookup(root(c), c->name) : NULL;
}

const config_setting_t *rt_config_lookup(const rt_config *c, const char *key)
{
	return lookup(c, overlay_of(c), key);
}

static int get_string(rt_config *c, const config_setting_t *ov, const char *key, const char *def, char **out)
{
	const config_setting_t *s = lookup(c, ov, key);
	char where[PATH_MAX + 32];
	if (!s) {
		*out = def ? rt_strdup(def) : NULL;
		if (def && !*out)
			return RETORT_ENOMEM;
		return RETORT_OK;
	}
	snprintf(where, sizeof where, "%s:%u", src_file(c, s), config_setting_source_line(s));
	return rt_config_expand(c, config_setting_get_string(s), where, out);
}

/* lint_on = [ "revision", "upgrade" ]: the commands the policies gate (lint.h) */
static int get_lint_on(rt_config *c, const config_setting_t *s)
{
	int i, n = config_setting_type(s) == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_type(s) == CONFIG_TYPE_STRING ? s
		                                                                         : config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);
		if (strcmp(v, "revision") == 0)
			c->lint_on |= RT_LINT_ON_REVISION;
		else if (strcmp(v, "upgrade") == 0)
			c->lint_on |= RT_LINT_ON_UPGRADE;
		else
			return bad_at(c, e, "lint_on: unknown command '%s' (revision, upgrade)", v);
	}
	return RETORT_OK;
}

/* A list of strings (or one string), each expanded; with `paths`, resolved against the config's folder. */
static int get_list(rt_config *c, const config_setting_t *s, int paths, rt_strv *out)
{
	int i, n, rc;
	char where[PATH_MAX + 32];
	snprintf(where, sizeof where, "%s:%u", src_file(c, s), config_setting_source_line(s));
	n = config_setting_type(s) == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);
	for (i = 0; i < n; i++) {
		const char *v = config_setting_type(s) == CONFIG_TYPE_STRING
		                    ? config_setting_get_string(s)
		                    : config_setting_get_string(config_setting_get_elem(s, (unsigned)i));
		char *e = NULL;
		if ((rc = rt_config_expand(c, v, where, &e)) < 0)
			return rc;
		if (paths) {
			char *p = rt_config_path(c, e);
			rt_free(e);
			e = p;
		}
		if ((rc = rt_strv_push_owned(out, e)) < 0)
			return rc;
	}
	return RETORT_OK;
}

static int get_paths(rt_config *c, const config_setting_t *s, rt_strv *out)
{
	return get_list(c, s, 1, out);
}

/* include_tables, exclude_tables: patterns, expanded */
static int get_words(rt_config *c, const config_setting_t *ov, const char *key, rt_strv *out)
{
	const config_setting_t *s = lookup(c, ov, key);
	return s ? get_list(c, s, 0, out) : RETORT_OK;
}

/*
 * Every setting of c from the file: the fleet target's group (c->target),
 * then the -n overlay `ov`, then the top level; `url_override` (--url)
 * replaces the database's URL.
 */
static int fill(rt_config *c, const config_setting_t *ov, const char *url_override)
{
	const config_setting_t *s;
	int rc;
	if ((rc = get_string(c, ov, "script_location", "migrations", &c->script_location)) < 0)
		return rc;
	{
		char *abs = rt_config_path(c, c->script_location);
		if (!abs)
			goto oom;
		rt_free(c->script_location);
		c->script_location = abs;
	}
	if ((s = lookup(c, ov, "version_locations")) != NULL) {
		if ((rc = get_paths(c, s, &c->version_locations)) < 0)
			return rc;
	}
	if (c->version_locations.n == 0 &&
	    rt_strv_push_owned(&c->version_locations, rt_asprintf("%s/versions", c->script_location)) < 0)
		goto oom;
	if ((rc = get_string(c, ov, "file_template", "%(rev)s_%(slug)s", &c->file_template)) < 0 ||
	    (rc = get_string(c, ov, "timezone", "UTC", &c->timezone)) < 0 ||
	    (rc = get_string(c, ov, "version_table", "retort_version", &c->version_table)) < 0 ||
	    (rc = get_string(c, ov, "history_table", "retort_history", &c->history_table)) < 0 ||
	    (rc = get_string(c, ov, "target_schema", NULL, &c->target_schema)) < 0 ||
	    (rc = get_string(c, ov, "dev_url", NULL, &c->dev_url)) < 0 ||
	    (rc = get_words(c, ov, "include_tables", &c->include_tables)) < 0 ||
	    (rc = get_words(c, ov, "exclude_tables", &c->exclude_tables)) < 0)
		return rc;
	if (c->target_schema) {
		char *abs = rt_config_path(c, c->target_schema);
		if (!abs)
			goto oom;
		rt_free(c->target_schema);
		c->target_schema = abs;
	}
	c->truncate_slug_length = 40;
	if ((s = lookup(c, ov, "truncate_slug_length")) != NULL)
	{
		long long v = int_value(s);
		if (v < 1 || v > 255) {
			rc = bad_at(c, s, "truncate_slug_length must be between 1 and 255");
			return rc;
		}
		c->truncate_slug_length = (int)v;
	}
	c->lock_timeout = 60;
	if ((s = lookup(c, ov, "lock_timeout")) != NULL) {
		long long v = int_value(s);
		if (v < 0 || v > 86400) {
			rc = bad_at(c, s, "lock_timeout must be between 0 and 86400 seconds");
			return rc;
		}
		c->lock_timeout = (int)v;
	}
	if ((s = lookup(c, ov, "transaction_per_migration")) != NULL)
		c->transaction_per_migration = config_setting_get_bool(s);
	c->expected_heads = 1;
	if ((s = lookup(c, ov, "expected_heads")) != NULL) {
		long long v = int_value(s);
		if (v < 1 || v > 10000) {
			rc = bad_at(c, s, "expected_heads must be between 1 and 10000");
			return rc;
		}
		c->expected_heads = (int)v;
	}
	if ((s = lookup(c, ov, "plugin_path")) != NULL && (rc = get_paths(c, s, &c->plugin_path)) < 0)
		return rc;
	c->plugins = lookup(c, ov, "plugins");
	if ((s = lookup(c, ov, "lint_on")) != NULL && (rc = get_lint_on(c, s)) < 0)
		return rc;

	if (url_override) {
		if (!(c->url = rt_strdup(url_override)))
			goto oom;
	} else if (!c->base) { /* a fleet target's URL is its own (rt_config_for_target) */
		const config_setting_t *db = ov ? config_setting_get_member(ov, "database") : NULL;
		if (!db || !config_setting_get_member(db, "url"))
			db = config_lookup(root(c), "database");
		if (db && (s = config_setting_get_member(db, "url")) != NULL) {
			if (!(c->url_where = rt_asprintf("%s:%u", src_file(c, s), config_setting_source_line(s))))
				goto oom;
			if ((rc = rt_config_expand(c, config_setting_get_string(s), c->url_where, &c->url)) < 0)
				return rc;
		}
	}
	{
		/* the two table names: non-empty, distinct, at most 63 characters; the line that sets the bad one */
		const char *vt = c->version_table, *ht = c->history_table;
		int vt_bad = !*vt || strlen(vt) > 63, ht_bad = !*ht || strlen(ht) > 63 || strcmp(vt, ht) == 0;
		if (vt_bad || ht_bad) {
			if (vt_bad || !(s = lookup(c, ov, "history_table")))
				s = lookup(c, ov, "version_table"); /* (equal to the default history_table) */
			rc = bad_at(c, s, "version_table and history_table must be non-empty, distinct, at most 63 characters");
			return rc;
		}
	}
	return RETORT_OK;
oom:
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

int rt_config_load(rt_config **out, const char *path, const char *name, const rt_strv *xs, const char *url_override)
{
	rt_config *c;
	const config_setting_t *ov = NULL;
	char *dir, absbuf[PATH_MAX];
	int rc = RETORT_EINVAL;
	size_t i, len = 0;
	char *text = NULL, *fixed = NULL;

	c = rt_calloc(1, sizeof *c);
	RT_CHECK_ALLOC(c);
	config_init(&c->cfg);
	c->path = rt_strdup(path);
	c->name = name;
	if (!c->path)
		goto oom;
	for (i = 0; xs && i < xs->n; i++) {
		const char *eq = strchr(xs->v[i], '=');
		if (!eq) {
			rt_error_set("-x %s: expected KEY=VALUE", xs->v[i]);
			goto fail;
		}
		if (rt_strv_push_owned(&c->x_keys, rt_strndup(xs->v[i], (size_t)(eq - xs->v[i]))) < 0 ||
		    rt_strv_push(&c->x_values, eq + 1) < 0)
			goto oom;
	}

	/* read whole first: only a regular file (a FIFO would block), checked for what libconfig changes silently */
	if ((rc = rt_file_read(&text, &len, path)) < 0) {
		if (access(path, F_OK) != 0)
			rt_error_set("%s: cannot open config file: %s%s", path, strerror(errno),
			             errno == ENOENT ? " (run 'retort init DIR' to create one, or pass -c FILE)" : "");
		if (rc != RETORT_ENOMEM)
			rc = RETORT_EINVAL;
		goto fail;
	}
	if ((rc = rt_conftext_check(&fixed, text, len, path)) < 0)
		goto fail;
	rc = RETORT_EINVAL;
	if (!config_read_string(&c->cfg, fixed ? fixed : text)) {
		rt_error_set("%s:%d: %s", config_error_file(&c->cfg) ? config_error_file(&c->cfg) : path,
		             config_error_line(&c->cfg), config_error_text(&c->cfg));
		goto fail;
	}
	rt_free(text);
	rt_free(fixed);
	text = fixed = NULL;
	/* here = absolute folder of the config file */
	dir = rt_strdup(path);
	if (!dir)
		goto oom;
	{
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		else
			strcpy(dir, ".");
	}
	if (!realpath(dir, absbuf)) {
		rt_error_set("%s: cannot resolve folder: %s", dir, strerror(errno));
		rt_free(dir);
		goto fail;
	}
	rt_free(dir);
	c->here = rt_strdup(absbuf);
	if (!c->here)
		goto oom;

	if ((rc = check_group(c, config_root_setting(&c->cfg), 1)) < 0)
		goto fail;
	rc = RETORT_EINVAL;
	if (name) {
		ov = config_lookup(&c->cfg, name);
		if (!ov || config_setting_type(ov) != CONFIG_TYPE_GROUP || key_index(name) >= 0) {
			rt_error_set("%s: no group '%s' to use with -n %s", path, name, name);
			goto fail;
		}
	}

	if ((rc = fill(c, ov, url_override)) < 0)
		goto fail;
	*out = c;
	return RETORT_OK;
oom:
	rt_error_set("out of memory");
	rc = RETORT_ENOMEM;
fail:
	rt_free(text);
	rt_free(fixed);
	rt_config_free(c);
	return rc;
}

void rt_config_free(rt_config *c)
{
	if (!c)
		return;
	config_destroy(&c->cfg);
	rt_free(c->path);
	rt_free(c->here);
	rt_free(c->script_location);
	rt_strv_free(&c->version_locations);
	rt_free(c->file_template);
	rt_free(c->timezone);
	rt_free(c->version_table);
	rt_free(c->history_table);
	rt_free(c->target_schema);
	rt_free(c->dev_url);
	rt_strv_free(&c->include_tables);
	rt_strv_free(&c->exclude_tables);
	rt_free(c->url);
	rt_free(c->url_where);
	rt_strv_free(&c->plugin_path);
	rt_strv_free(&c->x_keys);
	rt_strv_free(&c->x_values);
	rt_free(c->target_name);
	rt_free(c);
}

int rt_config_for_target(rt_config **out, const rt_config *base, const char *name, const config_setting_t *group,
                         const char *url, const char *url_where)
{
	rt_config *c = rt_calloc(1, sizeof *c);
	size_t i;
	int rc;
	*out = NULL;
	RT_CHECK_ALLOC(c);
	config_init(&c->cfg); /* unused: the base's is read */
	c->base = base;
	c->target = group;
	c->name = base->name;
	if (!(c->path = rt_strdup(base->path)) || !(c->here = rt_strdup(base->here)) ||
	    !(c->target_name = rt_strdup(name)) || !(c->url = rt_strdup(url)) ||
	    (url_where && !(c->url_where = rt_strdup(url_where))))
		goto oom;
	for (i = 0; i < base->x_keys.n; i++)
		if (rt_strv_push(&c->x_keys, base->x_keys.v[i]) < 0 || rt_strv_push(&c->x_values, base->x_values.v[i]) < 0)
			goto oom;
	if ((rc = fill(c, overlay_of(base), NULL)) < 0) {
		rt_config_free(c);
		return rc;
	}
	*out = c;
	return RETORT_OK;
oom:
	rt_config_free(c);
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

char *rt_config_where(const rt_config *c, const char *key)
{
	const config_setting_t *s = lookup(c, overlay_of(c), key);
	char *where = s ? rt_asprintf("%s:%u", src_file(c, s), config_setting_source_line(s)) : rt_strdup(c->path);
	if (!where)
		rt_error_set("out of memory");
	return where;
}

/*
 * retort.conf: libconfig syntax, every key of retort.conf(5),
 * ${VAR} ${VAR:-default} ${here} ${x.KEY} expansion, -n NAME overlays,
 * unknown keys rejected with file and line.
 */
#ifndef RT_RTCONFIG_H
#define RT_RTCONFIG_H

#include <libconfig.h>

#include "rt.h"

/* lint_on bits: the commands the policies gate (lint.c) */
#define RT_LINT_ON_REVISION 0x1
#define RT_LINT_ON_UPGRADE 0x2

typedef struct rt_config {
	config_t cfg;       /* kept alive: plugin settings point into it */
	char *path;         /* the config file as given */
	char *here;         /* absolute folder of the config file */
	char *script_location;     /* resolved against here */
	rt_strv version_locations; /* resolved; default script_location/versions */
	char *file_template;
	int truncate_slug_length;
	char *timezone;
	char *version_table;
	char *history_table;
	int transaction_per_migration;
	int lock_timeout;
	int expected_heads;  /* `retort test`'s single-head check: how many heads the graph should have (default 1) */
	char *target_schema; /* resolved, or NULL */
	char *dev_url;       /* scratch database a .sql target is applied to (expanded), or NULL */
	rt_strv include_tables, exclude_tables; /* fnmatch patterns narrowing autogenerate and check */
	char *url;           /* expanded database.url (or --url), or NULL */
	char *url_where;     /* "file:line" of database.url, NULL for --url or none (prefix of URL errors) */
	rt_strv plugin_path; /* resolved folders from plugin_path */
	const config_setting_t *plugins; /* the `plugins` list (overlay's if it has one), or NULL */
	rt_strv x_keys, x_values;        /* -x KEY=VALUE */
	const char *name;                /* -n overlay name or NULL (borrowed) */
	int lint_on;                     /* lint_on: RT_LINT_ON_* bits */
	/* a fleet target's config (rt_config_for_target): the file is its base's */
	const struct rt_config *base;    /* the config it was made from, or NULL */
	const config_setting_t *target;  /* its group in `databases` (read before -n's and the top level), or NULL */
	char *target_name;               /* its name, or NULL */
} rt_config;

/**
 * Load `path`.  `name` selects an overlay group (NULL: none); `xs` are
 * "KEY=VALUE" strings from -x; `url_override` replaces database.url.
 * Errors are RETORT_EINVAL naming file and line.
 */
int rt_config_load(rt_config **out, const char *path, const char *name, const rt_strv *xs, const char *url_override);
void rt_config_free(rt_config *c);

/**
 * Expand ${VAR}, ${VAR:-default}, ${here}, ${x.KEY} in `in` (new string in
 * *out).  `where` ("file:line") prefixes errors; may be NULL.
 */
int rt_config_expand(const rt_config *c, const char *in, const char *where, char **out);

/**
 * Where `key` is set, as "file:line" (the -n overlay's setting first), or
 * the config file's path when it is not set (a default).  A new string
 * (rt_free); NULL when out of memory (error set).
 */
char *rt_config_where(const rt_config *c, const char *key);

/** A key's setting as the config reads it (fleet target's group, -n overlay, top level), or NULL. */
const config_setting_t *rt_config_lookup(const rt_config *c, const char *key);

/**
 * The config of one fleet target: `base`'s settings with `group` (its
 * entry in `databases`, or NULL for one from databases_from) as an
 * overlay read before -n's, and `url` (expanded) as its database URL
 * (`url_where`: "file:line" for errors, or NULL).  It reads base's parsed
 * file: free it before base.
 */
int rt_config_for_target(rt_config **out, const rt_config *base, const char *name, const config_setting_t *group,
                         const char *url, const char *url_where);

/** Resolve a path relative to the config file's folder (new string). */
char *rt_config_path(const rt_config *c, const char *p);

#endif

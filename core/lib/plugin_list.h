/*
 * What `retort plugins` lists: every module declared in the configuration
 * (in order) and every module found on the plugin search path, each once,
 * with why it does not load when it does not.
 */
#ifndef RT_PLUGIN_LIST_H
#define RT_PLUGIN_LIST_H

#include "plugin_loader.h"

typedef struct rt_plugin_entry {
	char *name;        /* the descriptor's name; the module as declared or found when it did not load */
	char *kinds;       /* "dialect", or the kinds a found module offers: "formatter,notify" */
	char *version;     /* NULL when unknown */
	unsigned abi;      /* the plugin ABI it was built for (0 when it did not load) */
	int declared;      /* 1: declared in the configuration; 0: found on the search path */
	char *path;        /* the file loaded, NULL when it did not load */
	char *description; /* may be NULL */
	char *error;       /* why it does not load, or NULL */
} rt_plugin_entry;

typedef struct rt_plugin_list {
	rt_plugin_entry *v;
	size_t n, cap;
	size_t failed; /* entries with an error */
} rt_plugin_list;

/** Fill *out (cfg may be NULL: outside a project only the search path is listed). */
int rt_plugins_list(const rt_config *cfg, rt_plugin_list *out);
void rt_plugin_list_free(rt_plugin_list *l);

#endif

/*
 * Loading plugins with libltdl: search path, descriptor checks (ABI,
 * size, kinds, required methods) before any plugin code beyond the entry
 * function runs, instance init, and the host's tables.  Nothing is
 * registered until every step has succeeded.
 */
#ifndef RT_PLUGIN_LOADER_H
#define RT_PLUGIN_LOADER_H

#include <retort/dialect.h>
#include <retort/formatter.h>
#include <retort/naming.h>
#include <retort/notify.h>

#include "host.h"
#include "rtconfig.h"

typedef struct rt_plugin {
	char *path;                     /* file that was loaded (the .la or the .so found) */
	char *where;                    /* the declaration: "retort.conf:12"; NULL when found by URL scheme */
	void *handle;                   /* lt_dlhandle */
	retort_plugin_descriptor desc;  /* copy (unknown trailing fields dropped) */
	const void *desc_addr;          /* the module's own descriptor: one address per loaded module */
	retort_plugin_kind kind;        /* the kind this instance serves */
	union {
		uint32_t size;
		retort_dialect_vtable dialect;
		retort_naming_vtable naming;
		retort_formatter_vtable formatter;
		retort_notify_vtable notify;
	} vt;                           /* copy of the vtable, zero-filled past its size */
	void *state;
	retort_host_ctx *hctx;
	retort_settings settings;
	rt_strv events;                 /* notify: globs (empty: every event) */
	int fatal;                      /* notify: a failing .before event stops the run */
	int enforce;                    /* naming: RT_LINT_ON_* bits of its `enforce` key (a gate of its own) */
	int initialized;
} rt_plugin;

typedef struct rt_plugins {
	rt_plugin **v;
	size_t n, cap;
	rt_strv search; /* search folders in order */
	const rt_config *cfg;
	size_t next_declared; /* the declaration rt_plugins_load_declared goes on with */
	rt_strv warned;       /* what was warned about (each warning once) */
} rt_plugins;

/**
 * Set up libltdl and the search path: the folders of the config's
 * plugin_path, then $RETORT_PLUGIN_PATH's, then the installed folder,
 * searched one folder at a time (plugin_search.h).
 */
int rt_plugins_new(rt_plugins **out, const rt_config *cfg);
void rt_plugins_free(rt_plugins *ps);

/**
 * Load and init every plugin declared in the config's `plugins` list, in
 * order.  After a failure, calling it again goes on with the next
 * declaration (`retort plugins` lists them all).
 */
int rt_plugins_load_declared(rt_plugins *ps);

/**
 * The dialect for a URL scheme: a declared dialect listing the scheme in
 * its url_schemes, else the first module on the search path whose dialect
 * lists it (two such modules: a warning).  Declarations that clash (two
 * modules of one name, two dialects for one scheme) were refused by
 * rt_plugins_load_declared.
 */
int rt_plugins_dialect(rt_plugins *ps, const char *scheme, rt_plugin **out);

/**
 * For `init --dialect NAME`: the URL scheme of the dialect NAME (a module
 * of that name that is a dialect, else a module serving scheme NAME), found
 * on $RETORT_PLUGIN_PATH and the installed folder.  *scheme: rt_free.
 */
int rt_plugins_find_dialect(const char *name, char **scheme);

/**
 * Open a module (name or path) and check its descriptor without
 * initialising it (for `retort plugins`).  On success *out is a plugin
 * with no instance; free it with rt_plugin_free.
 */
int rt_plugin_probe(rt_plugins *ps, const char *module, rt_plugin **out);
void rt_plugin_free(rt_plugin *p);

/**
 * Every module found in the search folders: names[i] (the file name
 * without extension) and paths[i], each name once, in search order; every
 * name found again in a later folder is warned about (for `retort plugins`:
 * the dialect search warns only about the modules it opens).
 */
int rt_plugins_scan(rt_plugins *ps, rt_strv *names, rt_strv *paths);

/** Warn (once) that module `name` is found twice: `used` is loaded, `other` is not. */
void rt_plugins_warn_shadowed(rt_plugins *ps, const char *name, const char *used, const char *other);

/**
 * Send an event to every notify instance whose globs match.  Failures are
 * reported on stderr as warnings; for a `.before` event a failing instance
 * declared `fatal = true` makes this return its error (the run must stop).
 */
int rt_plugins_emit(rt_plugins *ps, const retort_event *ev);

/**
 * Run every formatter over a written file, in declaration order; the first
 * failure is returned, naming the formatter (its declaration and file).
 * `check` (may be NULL) is called after each formatter: a formatter that
 * leaves a file `check` refuses is blamed for it.
 */
int rt_plugins_format(rt_plugins *ps, const char *path, retort_script_format fmt,
                      int (*check)(void *arg, const char *path), void *arg);

/** Ask the naming policies for a name (first that answers); *out NULL when none does. */
int rt_plugins_name(rt_plugins *ps, const retort_name_request *req, char **out);

const char *rt_plugin_kind_name(retort_plugin_kind k);

#endif

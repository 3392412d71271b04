/* Plugin loading with libltdl: check first, initialise second, register last. */
#include "config.h"

#include <dirent.h>
#include <fnmatch.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_loader.h"
#include "plugin_search.h"
#include "report.h"

#ifndef RETORT_PKGLIBDIR
#define RETORT_PKGLIBDIR "/usr/local/lib/retort"
#endif

const char *rt_plugin_kind_name(retort_plugin_kind k)
{
	switch (k) {
	case RETORT_KIND_DIALECT:
		return "dialect";
	case RETORT_KIND_NAMING:
		return "naming";
	case RETORT_KIND_FORMATTER:
		return "formatter";
	case RETORT_KIND_NOTIFY:
		return "notify";
	default:
		return "unknown";
	}
}

static int kind_from_name(const char *s, retort_plugin_kind *out)
{
	static const struct {
		const char *name;
		retort_plugin_kind kind;
	} names[] = {{"dialect", RETORT_KIND_DIALECT},     {"naming", RETORT_KIND_NAMING},
	             {"policy", RETORT_KIND_NAMING},       {"formatter", RETORT_KIND_FORMATTER},
	             {"notify", RETORT_KIND_NOTIFY},       {"hook", RETORT_KIND_NOTIFY},
	             {NULL, RETORT_KIND_END}};
	size_t i;
	for (i = 0; names[i].name; i++) {
		if (strcmp(names[i].name, s) == 0) {
			*out = names[i].kind;
			return 1;
		}
	}
	return 0;
}

/* Minimum vtable sizes for ABI 1 and the required methods, per kind. */
#define END_OF(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

static uint32_t min_vtable_size(retort_plugin_kind k)
{
	switch (k) {
	case RETORT_KIND_DIALECT:
		return (uint32_t)END_OF(retort_dialect_vtable, render);
	case RETORT_KIND_NAMING:
		return (uint32_t)END_OF(retort_naming_vtable, check);
	case RETORT_KIND_FORMATTER:
		return (uint32_t)END_OF(retort_formatter_vtable, format_file);
	case RETORT_KIND_NOTIFY:
		return (uint32_t)END_OF(retort_notify_vtable, on_event);
	default:
		return 0;
	}
}

static size_t full_vtable_size(retort_plugin_kind k)
{
	switch (k) {
	case RETORT_KIND_DIALECT:
		return sizeof(retort_dialect_vtable);
	case RETORT_KIND_NAMING:
		return sizeof(retort_naming_vtable);
	case RETORT_KIND_FORMATTER:
		return sizeof(retort_formatter_vtable);
	case RETORT_KIND_NOTIFY:
		return sizeof(retort_notify_vtable);
	default:
		return 0;
	}
}

/*
 * The name of the first required method left NULL, or NULL.  The dialect's
 * reserved_N slots (methods that left ABI 1) are neither required nor ever
 * read: a plugin built against 0.1.0's headers still sets them.
 */
static const char *missing_method(const rt_plugin *p)
{
	switch (p->kind) {
	case RETORT_KIND_DIALECT: {
		const retort_dialect_vtable *d = &p->vt.dialect;
#define REQ(m)                                                                                                         \
	if (!d->m)                                                                                                     \
		return #m;
		REQ(connect) REQ(disconnect) REQ(execute) REQ(query) REQ(begin) REQ(commit) REQ(rollback) REQ(lock)
		REQ(unlock) REQ(table_exists) REQ(quote_ident) REQ(quote_literal) REQ(render)
#undef REQ
		if (!d->url_schemes || !d->url_schemes[0])
			return "url_schemes";
		return NULL;
	}
	case RETORT_KIND_NAMING:
		if (p->vt.naming.name_object || p->vt.naming.check || p->vt.naming.check_script)
			return NULL;
		return "name_object, check or check_script";
	case RETORT_KIND_FORMATTER:
		return p->vt.formatter.format_file ? NULL : "format_file";
	case RETORT_KIND_NOTIFY:
		return p->vt.notify.on_event ? NULL : "on_event";
	default:
		return "?";
	}
}

void rt_plugin_free(rt_plugin *p)
{
	if (!p)
		return;
	if (p->initialized && p->desc.fini)
		p->desc.fini(p->state);
	/* Dialects stay loaded until exit (client libraries keep threads and
	 * atexit handlers); other kinds are closed. */
	if (p->handle && p->kind != RETORT_KIND_DIALECT)
		lt_dlclose((lt_dlhandle)p->handle);
	rt_hctx_free(p->hctx);
	rt_settings_free(&p->settings);
	rt_strv_free(&p->events);
	rt_free(p->path);
	rt_free(p->where);
	rt_free(p);
}

static int add_search(rt_plugins *ps, const char *list)
{
	const char *p = list;
	while (p && *p) {
		size_t n = strcspn(p, ":");
		if (n && rt_strv_push_owned(&ps->search, rt_strndup(p, n)) < 0)
			return RETORT_ENOMEM;
		p += n;
		if (*p == ':')
			p++;
	}
	return RETORT_OK;
}

int rt_plugins_new(rt_plugins **out, const rt_config *cfg)
{
	rt_plugins *ps;
	size_t i;
	int rc;
	if ((rc = rt_psearch_init()) < 0)
		return rc;
	ps = rt_calloc(1, sizeof *ps);
	RT_CHECK_ALLOC(ps);
	ps->cfg = cfg;
	for (i = 0; cfg && i < cfg->plugin_path.n; i++)
		if (rt_strv_push(&ps->search, cfg->plugin_path.v[i]) < 0)
			goto oom;
	if (add_search(ps, getenv("RETORT_PLUGIN_PATH")) < 0 || rt_strv_push(&ps->search, RETORT_PKGLIBDIR) < 0)
		goto oom;
	*out = ps;
	return RETORT_OK;
oom:
	rt_plugins_free(ps);
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

void rt_plugins_free(rt_plugins *ps)
{
	size_t i;
	if (!ps)
		return;
	for (i = ps->n; i-- > 0;)
		rt_plugin_free(ps->v[i]);
	rt_free(ps->v);
	rt_strv_free(&ps->search);
	rt_strv_free(&ps->warned);
	rt_free(ps);
	/* No lt_dlexit(): it would unload the dialects too, which stay loaded
	 * until the process ends (client libraries keep library-wide state). */
}

static int push_plugin(rt_plugins *ps, rt_plugin *p)
{
	rt_plugin **v = rt_grow(ps->v, &ps->cap, ps->n, sizeof *v, 8);
	RT_CHECK_ALLOC(v);
	ps->v = v;
	ps->v[ps->n++] = p;
	return RETORT_OK;
}

/* a warning said once per rt_plugins (`key`: what it is about) */
static void warn_once(rt_plugins *ps, const char *key, const char *text)
{
	if (rt_strv_find(&ps->warned, key) >= 0)
		return;
	rt_strv_push(&ps->warned, key);
	rt_report(RT_REPORT_WARNING, "%s", text);
}

void rt_plugins_warn_shadowed(rt_plugins *ps, const char *name, const char *used, const char *other)
{
	char key[512], text[3072];
	snprintf(key, sizeof key, "module\t%s", name);
	snprintf(text, sizeof text, "plugin '%s' is found twice on the plugin path: %s is used, not %s", name, used,
	         other);
	warn_once(ps, key, text);
}

/*
 * The file of module `module`: a path as it is, else the first NAME.la or
 * NAME.so on the search path (folder by folder).  An error when there is
 * none.
 */
static int resolve(rt_plugins *ps, const char *module, const char *pre, const char *sep, char **path)
{
	rt_strv others = RT_STRV_INIT;
	int rc;
	*path = NULL;
	if (strchr(module, '/')) {
		*path = rt_strdup(module);
		RT_CHECK_ALLOC(*path);
		return RETORT_OK;
	}
	if ((rc = rt_psearch_find(&ps->search, module, path, &others)) < 0)
		return rc;
	if (*path && others.n)
		rt_plugins_warn_shadowed(ps, module, *path, others.v[0]);
	rt_strv_free(&others);
	if (!*path) {
		char *dirs = rt_strv_join(&ps->search, ":");
		rt_error_set("%s%splugin '%s' not found: no %s.la or %s.so in %s", pre, sep, module, module, module,
		             dirs ? dirs : "");
		rt_free(dirs);
		return RETORT_EINVAL;
	}
	return RETORT_OK;
}

/*
 * Open `module` (a name searched on the path, or a path) and check the
 * descriptor.  `kind_wanted` RETORT_KIND_END: take the only kind offered
 * (or any, when probing).  `where` prefixes errors ("retort.conf:12").
 */
static int open_checked(rt_plugins *ps, const char *module, retort_plugin_kind kind_wanted, int probing,
                        const char *where, rt_plugin **out)
{
	rt_plugin *p;
	void *h = NULL;
	retort_plugin_entry_fn entry;
	const retort_plugin_descriptor *d;
	const retort_plugin_impl *impl, *chosen = NULL;
	char *file = NULL;
	int nimpls = 0, rc;
	const char *pre = where ? where : "", *sep = where ? ": " : "";

	if ((rc = resolve(ps, module, pre, sep, &file)) < 0)
		return rc;
	rc = RETORT_EINVAL;
	p = rt_calloc(1, sizeof *p);
	if (!p) {
		rt_free(file);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	p->path = file;
	if (where && !(p->where = rt_strdup(where))) {
		rc = RETORT_ENOMEM;
		goto fail;
	}
	if (rt_psearch_open(file, &h) < 0) {
		if (where)
			rt_error_prefix("%s", where);
		goto fail;
	}
	p->handle = h;
	{ /* the shared object a .la named */
		const lt_dlinfo *info = lt_dlgetinfo((lt_dlhandle)h);
		char *so = info && info->filename ? rt_strdup(info->filename) : NULL;
		if (so) {
			rt_free(p->path);
			p->path = so;
		}
	}
	entry = (retort_plugin_entry_fn)(uintptr_t)lt_dlsym((lt_dlhandle)h, RETORT_PLUGIN_ENTRY_NAME);
	if (!entry) {
		rt_error_set("%s%s%s: not a retort plugin (no symbol %s)", pre, sep, p->path, RETORT_PLUGIN_ENTRY_NAME);
		goto fail;
	}
	d = entry();
	p->desc_addr = d;
	if (!d) {
		rt_error_set("%s%s%s: %s returned no descriptor", pre, sep, p->path, RETORT_PLUGIN_ENTRY_NAME);
		goto fail;
	}
	if (d->abi_version != RETORT_PLUGIN_ABI_VERSION) {
		rt_error_set("%s%s%s: incompatible plugin: built for plugin ABI %u, this retort loads ABI %u; rebuild it "
		             "against the installed headers",
		             pre, sep, p->path, (unsigned)d->abi_version, (unsigned)RETORT_PLUGIN_ABI_VERSION);
		goto fail;
	}
	if (d->size < RETORT_DESCRIPTOR_SIZE_V1) {
		rt_error_set("%s%s%s: descriptor too small (%u bytes, ABI %u needs at least %u)", pre, sep, p->path,
		             (unsigned)d->size, (unsigned)RETORT_PLUGIN_ABI_VERSION, (unsigned)RETORT_DESCRIPTOR_SIZE_V1);
		goto fail;
	}
	memcpy(&p->desc, d, d->size < sizeof p->desc ? d->size : sizeof p->desc);
	if (!p->desc.name || !*p->desc.name) {
		rt_error_set("%s%s%s: descriptor has no name", pre, sep, p->path);
		goto fail;
	}
	if (!p->desc.impls || p->desc.impls[0].kind == RETORT_KIND_END) {
		rt_error_set("%s%s%s: plugin '%s' provides no kind", pre, sep, p->path, p->desc.name);
		goto fail;
	}
	if (!p->desc.init) {
		rt_error_set("%s%s%s: plugin '%s' has no init method", pre, sep, p->path, p->desc.name);
		goto fail;
	}
	for (impl = p->desc.impls; impl->kind != RETORT_KIND_END; impl++) {
		const retort_plugin_impl *other;
		nimpls++;
		if (min_vtable_size(impl->kind) == 0) {
			rt_error_set("%s%s%s: plugin '%s' declares unknown kind %d", pre, sep, p->path, p->desc.name,
			             (int)impl->kind);
			goto fail;
		}
		for (other = p->desc.impls; other != impl; other++) {
			if (other->kind == impl->kind) {
				rt_error_set("%s%s%s: plugin '%s' declares kind '%s' twice", pre, sep, p->path, p->desc.name,
				             rt_plugin_kind_name(impl->kind));
				goto fail;
			}
		}
		if (!impl->vtable || *(const uint32_t *)impl->vtable < min_vtable_size(impl->kind)) {
			rt_error_set("%s%s%s: plugin '%s': %s method table too small for ABI %u", pre, sep, p->path,
			             p->desc.name, rt_plugin_kind_name(impl->kind), (unsigned)RETORT_PLUGIN_ABI_VERSION);
			goto fail;
		}
		if (kind_wanted == impl->kind)
			chosen = impl;
	}
	if (kind_wanted == RETORT_KIND_END) {
		if (nimpls > 1 && !probing) {
			rt_buf kinds = RT_BUF_INIT;
			for (impl = p->desc.impls; impl->kind != RETORT_KIND_END; impl++)
				rt_buf_printf(&kinds, "%s%s", kinds.len ? ", " : "", rt_plugin_kind_name(impl->kind));
			rt_error_set("%s%splugin '%s' provides several kinds (%s): say which with kind = \"...\"", pre, sep,
			             p->desc.name, rt_buf_cstr(&kinds));
			rt_buf_free(&kinds);
			goto fail;
		}
		chosen = p->desc.impls;
	}
	if (!chosen) {
		rt_error_set("%s%splugin '%s' (%s) is not a %s plugin", pre, sep, p->desc.name, p->path,
		             rt_plugin_kind_name(kind_wanted));
		goto fail;
	}
	p->kind = chosen->kind;
	{
		uint32_t vsize = *(const uint32_t *)chosen->vtable;
		size_t full = full_vtable_size(p->kind);
		memcpy(&p->vt, chosen->vtable, vsize < full ? vsize : full);
	}
	{
		const char *m = missing_method(p);
		if (m) {
			rt_error_set("%s%s%s: plugin '%s': required %s method '%s' is missing", pre, sep, p->path,
			             p->desc.name, rt_plugin_kind_name(p->kind), m);
			goto fail;
		}
	}
	*out = p;
	return RETORT_OK;
fail:
	if (rc == RETORT_ENOMEM)
		rt_error_set("out of memory");
	rt_plugin_free(p);
	return rc;
}

int rt_plugin_probe(rt_plugins *ps, const char *module, rt_plugin **out)
{
	return open_checked(ps, module, RETORT_KIND_END, 1, NULL, out);
}

static int expand_cb(void *arg, const char *in, char **out)
{
	return rt_config_expand((const rt_config *)arg, in, NULL, out);
}

static int instantiate(rt_plugins *ps, rt_plugin *p, const config_setting_t *group, const char *where)
{
	int rc;
	void *state = NULL;
	p->hctx = rt_hctx_new(p->desc.name);
	RT_CHECK_ALLOC(p->hctx);
	p->hctx->config_file = ps->cfg ? ps->cfg->path : NULL;
	p->hctx->plugins = p->kind == RETORT_KIND_NAMING ? NULL : ps; /* policy_name; never a policy asking itself */
	if (getenv("RETORT_DEBUG"))
		p->hctx->verbose = RETORT_LOG_DEBUG;
	rt_settings_init(&p->settings, group);
	p->settings.expand = expand_cb;
	p->settings.expand_arg = (void *)ps->cfg;
	rc = p->desc.init(rt_host_services(), p->hctx, group ? &p->settings : NULL, p->kind, &state);
	if (rc < 0) {
		rt_hctx_take_error(p->hctx, rc, "init");
		rt_error_prefix("%s%s%s: init failed", where ? where : "", where ? ": " : "", p->path);
		return RETORT_EINVAL; /* a plugin that will not start is bad input */
	}
	p->state = state;
	p->initialized = 1;
	return RETORT_OK;
}

static const char *dialect_alias(const char *scheme)
{
	if (strcmp(scheme, "postgres") == 0 || strcmp(scheme, "postgresql") == 0)
		return "postgresql";
	if (strcmp(scheme, "mariadb") == 0 || strcmp(scheme, "mysql") == 0)
		return "mysql";
	return scheme;
}

/* p's dialect impl claims URL scheme `scheme` */
static int claims(const rt_plugin *p, const char *scheme)
{
	const retort_plugin_impl *impl;
	for (impl = p->desc.impls; impl->kind != RETORT_KIND_END; impl++) {
		const char *const *s;
		if (impl->kind != RETORT_KIND_DIALECT)
			continue; /* another kind's vtable is not a dialect's: not even its schemes are read */
		s = ((const retort_dialect_vtable *)impl->vtable)->url_schemes;
		for (; s && *s; s++)
			if (strcmp(*s, scheme) == 0)
				return 1;
	}
	return 0;
}

/*
 * A declaration `p` that clashes with one before it: another module of
 * the same name (a different file), or a second dialect for one URL
 * scheme.  Either would leave the first silently winning: an error.
 */
static int declared_clash(const rt_plugins *ps, const rt_plugin *p)
{
	size_t i;
	const char *const *s;
	for (i = 0; i < ps->n; i++) {
		const rt_plugin *q = ps->v[i];
		if (!q->where)
			continue;
		if (strcmp(q->desc.name, p->desc.name) == 0 && q->desc_addr != p->desc_addr) {
			rt_error_set("%s: two modules named '%s' are declared: %s, and %s (%s)", p->where, p->desc.name,
			             p->path, q->path, q->where);
			return RETORT_EINVAL;
		}
		if (p->kind != RETORT_KIND_DIALECT || q->kind != RETORT_KIND_DIALECT)
			continue;
		for (s = p->vt.dialect.url_schemes; *s; s++) {
			if (claims(q, *s)) {
				rt_error_set("%s: dialect '%s' (%s) claims URL scheme '%s', as does dialect '%s' (%s, %s): "
				             "declare one",
				             p->where, p->desc.name, p->path, *s, q->desc.name, q->path, q->where);
				return RETORT_EINVAL;
			}
		}
	}
	return RETORT_OK;
}

/* enforce = "upgrade" or [ "revision", "upgrade" ]: this policy gates those commands (lint.c) */
static int read_enforce(rt_plugin *p, const config_setting_t *s, const char *where)
{
	int j, m = config_setting_type(s) == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);
	if (p->kind != RETORT_KIND_NAMING) {
		rt_error_set("%s: 'enforce' only applies to naming policies ('%s' is a %s plugin)", where, p->desc.name,
		             rt_plugin_kind_name(p->kind));
		return RETORT_EINVAL;
	}
	for (j = 0; j < m; j++) {
		const config_setting_t *e =
			config_setting_type(s) == CONFIG_TYPE_STRING ? s : config_setting_get_elem(s, (unsigned)j);
		const char *v = e ? config_setting_get_string(e) : NULL;
		if (v && strcmp(v, "revision") == 0)
			p->enforce |= RT_LINT_ON_REVISION;
		else if (v && strcmp(v, "upgrade") == 0)
			p->enforce |= RT_LINT_ON_UPGRADE;
		else {
			rt_error_set("%s: enforce: unknown command '%s' (revision, upgrade)", where, v ? v : "?");
			return RETORT_EINVAL;
		}
	}
	return RETORT_OK;
}

int rt_plugins_load_declared(rt_plugins *ps)
{
	const config_setting_t *list = ps->cfg ? ps->cfg->plugins : NULL;
	int i, n, rc;
	if (!list)
		return RETORT_OK;
	n = config_setting_length(list);
	for (i = (int)ps->next_declared; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i), *ev;
		const char *module = NULL, *kind_s = NULL;
		retort_plugin_kind kind = RETORT_KIND_END;
		rt_plugin *p = NULL;
		char where[1024], *mod = NULL;
		int fatal = 0;
		ps->next_declared = (size_t)i + 1;
		snprintf(where, sizeof where, "%s:%u", config_setting_source_file(g) ? config_setting_source_file(g)
		                                                                      : ps->cfg->path,
		         config_setting_source_line(g));
		config_setting_lookup_string(g, "module", &module);
		if (config_setting_lookup_string(g, "kind", &kind_s) && !kind_from_name(kind_s, &kind)) {
			rt_error_set("%s: unknown plugin kind '%s' (dialect, naming, formatter, notify)", where, kind_s);
			return RETORT_EINVAL;
		}
		if ((rc = rt_config_expand(ps->cfg, module, where, &mod)) < 0)
			return rc;
		/* a relative path is relative to the config file's folder */
		if (strchr(mod, '/') && mod[0] != '/') {
			char *abs = rt_config_path(ps->cfg, mod);
			rt_free(mod);
			mod = abs;
			RT_CHECK_ALLOC(mod);
		}
		rc = open_checked(ps, mod, kind, 0, where, &p);
		rt_free(mod);
		if (rc < 0)
			return rc;
		if ((ev = config_setting_get_member(g, "events")) != NULL) {
			int j, m = config_setting_type(ev) == CONFIG_TYPE_STRING ? 1 : config_setting_length(ev);
			for (j = 0; j < m; j++) {
				const config_setting_t *e = config_setting_type(ev) == CONFIG_TYPE_STRING
				                                ? ev
				                                : config_setting_get_elem(ev, (unsigned)j);
				if (!e || config_setting_type(e) != CONFIG_TYPE_STRING) {
					rt_error_set("%s:%u: events must be a list of strings", ps->cfg->path,
					             config_setting_source_line(ev));
					rt_plugin_free(p);
					return RETORT_EINVAL;
				}
				if (rt_strv_push(&p->events, config_setting_get_string(e)) < 0) {
					rt_plugin_free(p);
					return RETORT_ENOMEM;
				}
			}
			if (p->kind != RETORT_KIND_NOTIFY) {
				rt_error_set("%s: 'events' only applies to notify plugins ('%s' is a %s plugin)", where,
				             p->desc.name, rt_plugin_kind_name(p->kind));
				rt_plugin_free(p);
				return RETORT_EINVAL;
			}
		}
		if (config_setting_lookup_bool(g, "fatal", &fatal))
			p->fatal = fatal;
		if ((ev = config_setting_get_member(g, "enforce")) != NULL && (rc = read_enforce(p, ev, where)) < 0) {
			rt_plugin_free(p);
			return rc;
		}
		if ((rc = declared_clash(ps, p)) < 0 || (rc = instantiate(ps, p, g, where)) < 0 ||
		    (rc = push_plugin(ps, p)) < 0) {
			rt_plugin_free(p);
			return rc;
		}
	}
	return RETORT_OK;
}

/* module `name` (at `path`) was found again later on the path ("NAME\tPATH" in `shadowed`): said once */
static void warn_if_shadowed(rt_plugins *ps, const rt_strv *shadowed, const char *name, const char *path)
{
	size_t i, n = strlen(name);
	for (i = 0; i < shadowed->n; i++) {
		if (strncmp(shadowed->v[i], name, n) == 0 && shadowed->v[i][n] == '\t') {
			rt_plugins_warn_shadowed(ps, name, path, shadowed->v[i] + n + 1);
			return;
		}
	}
}

int rt_plugins_scan(rt_plugins *ps, rt_strv *names, rt_strv *paths)
{
	rt_strv shadowed = RT_STRV_INIT;
	size_t i;
	int rc = rt_psearch_all(&ps->search, names, paths, &shadowed);
	for (i = 0; rc == RETORT_OK && i < names->n; i++)
		warn_if_shadowed(ps, &shadowed, names->v[i], paths->v[i]);
	rt_strv_free(&shadowed);
	return rc;
}

/* the folder part of path p has length n (entries of one folder share it) */
static size_t dir_len(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash ? (size_t)(slash - p) : 0;
}

/*
 * Put the module named `alias` first among the modules of its folder
 * (names and paths of rt_plugins_scan: one folder's entries are
 * contiguous).
 */
static void alias_first(rt_strv *names, rt_strv *paths, const char *alias)
{
	long k = rt_strv_find(names, alias);
	size_t i, n;
	char *name, *path;
	if (k <= 0)
		return;
	n = dir_len(paths->v[k]);
	for (i = (size_t)k; i > 0 && dir_len(paths->v[i - 1]) == n && strncmp(paths->v[i - 1], paths->v[k], n) == 0;)
		i--;
	name = names->v[k];
	path = paths->v[k];
	memmove(names->v + i + 1, names->v + i, ((size_t)k - i) * sizeof *names->v);
	memmove(paths->v + i + 1, paths->v + i, ((size_t)k - i) * sizeof *paths->v);
	names->v[i] = name;
	paths->v[i] = path;
}

/*
 * The module on the search path whose dialect serves URL `scheme` (its
 * descriptor's url_schemes decide, whatever its file is called): the
 * modules are asked in search order, the one named after the scheme
 * (postgres -> postgresql, mariadb -> mysql) first within its folder, and
 * the first that lists the scheme serves it.  When that is the module
 * named after the scheme, nothing more is opened (the usual case: opening
 * every module would load every client library, libpq's dozens, on each
 * run); otherwise the rest are asked too, and another that lists the
 * scheme is warned about.  The module named after the scheme that does
 * not load, before any other served it, is an error (it is most likely the
 * one meant); other modules that do not load are passed over.  *path NULL and an error when none
 * serves it.
 */
static int find_dialect(rt_plugins *ps, const char *scheme, char **path)
{
	rt_strv names = RT_STRV_INIT, paths = RT_STRV_INIT, failed = RT_STRV_INIT, shadowed = RT_STRV_INIT;
	const char *alias = dialect_alias(scheme);
	const void *used = NULL;
	size_t i;
	int rc;
	*path = NULL;
	/* only the modules opened here are warned about when found twice: the others play no part */
	if ((rc = rt_psearch_all(&ps->search, &names, &paths, &shadowed)) < 0)
		goto done;
	alias_first(&names, &paths, alias);
	for (i = 0; i < names.n; i++) {
		rt_plugin *p = NULL;
		int named = strcmp(names.v[i], alias) == 0;
		warn_if_shadowed(ps, &shadowed, names.v[i], paths.v[i]);
		if ((rc = open_checked(ps, paths.v[i], RETORT_KIND_END, 1, NULL, &p)) < 0) {
			if (rc == RETORT_ENOMEM)
				goto done;
			if (named && !used) {
				rt_error_prefix("URL scheme '%s'", scheme);
				rc = RETORT_EINVAL;
				goto done;
			}
			rt_error_clear();
			rc = RETORT_OK;
			if (rt_strv_push(&failed, names.v[i]) < 0) {
				rc = RETORT_ENOMEM;
				goto done;
			}
			continue;
		}
		if (claims(p, scheme)) {
			if (!used) {
				used = p->desc_addr;
				*path = rt_strdup(paths.v[i]);
			} else if (p->desc_addr != used) {
				char key[512], text[3072];
				snprintf(key, sizeof key, "scheme\t%s", scheme);
				snprintf(text, sizeof text,
				         "URL scheme '%s' is claimed by two dialects on the plugin path: %s is used, not %s "
				         "(declare the one to use in the plugins list)",
				         scheme, *path, paths.v[i]);
				warn_once(ps, key, text);
			}
		}
		rt_plugin_free(p);
		if (used && !*path) {
			rc = RETORT_ENOMEM;
			goto done;
		}
		if (named && *path && strcmp(*path, paths.v[i]) == 0)
			break; /* the module named after the scheme serves it: nothing more to open */
	}
	if (!*path) {
		char *dirs = rt_strv_join(&ps->search, ":"), *bad = rt_strv_join(&failed, ", ");
		rt_error_set("no dialect for URL scheme '%s': no module in %s serves it%s%s%s", scheme, dirs ? dirs : "",
		             failed.n ? " (these did not load: " : "", failed.n && bad ? bad : "",
		             failed.n ? "; `retort plugins` says why)" : "");
		rt_free(dirs);
		rt_free(bad);
		rc = RETORT_EINVAL;
	}
done:
	if (rc == RETORT_ENOMEM)
		rt_error_set("out of memory");
	rt_strv_free(&names);
	rt_strv_free(&paths);
	rt_strv_free(&failed);
	rt_strv_free(&shadowed);
	return rc;
}

int rt_plugins_dialect(rt_plugins *ps, const char *scheme, rt_plugin **out)
{
	size_t i;
	int rc;
	rt_plugin *p = NULL;
	char *path = NULL;
	for (i = 0; i < ps->n; i++) {
		if (ps->v[i]->kind == RETORT_KIND_DIALECT && claims(ps->v[i], scheme)) {
			*out = ps->v[i];
			return RETORT_OK;
		}
	}
	if ((rc = find_dialect(ps, scheme, &path)) < 0)
		return rc;
	rc = open_checked(ps, path, RETORT_KIND_DIALECT, 0, NULL, &p);
	rt_free(path);
	if (rc < 0)
		return rc;
	if ((rc = instantiate(ps, p, NULL, NULL)) < 0 || (rc = push_plugin(ps, p)) < 0) {
		rt_plugin_free(p);
		return rc;
	}
	*out = p;
	return RETORT_OK;
}

int rt_plugins_find_dialect(const char *name, char **scheme)
{
	rt_plugins *ps = NULL;
	rt_plugin *p = NULL;
	char *path = NULL;
	int rc;
	*scheme = NULL;
	if ((rc = rt_plugins_new(&ps, NULL)) < 0)
		return rc;
	/* a module of that name that is a dialect, else the dialect serving that scheme */
	if (open_checked(ps, name, RETORT_KIND_DIALECT, 1, NULL, &p) == 0) {
		*scheme = rt_strdup(p->vt.dialect.url_schemes[0]);
	} else {
		rt_error_clear();
		if ((rc = find_dialect(ps, name, &path)) == 0)
			*scheme = rt_strdup(name);
	}
	rt_plugin_free(p);
	rt_free(path);
	rt_plugins_free(ps);
	if (rc == 0 && !*scheme) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
	}
	return rc;
}

static int event_matches(const rt_plugin *p, const char *name)
{
	size_t i;
	if (p->events.n == 0)
		return 1;
	for (i = 0; i < p->events.n; i++)
		if (fnmatch(p->events.v[i], name, 0) == 0)
			return 1;
	return 0;
}

int rt_plugins_emit(rt_plugins *ps, const retort_event *ev)
{
	size_t i, n;
	int result = RETORT_OK;
	const char *dot;
	if (!ps)
		return RETORT_OK;
	n = strlen(ev->name);
	dot = strrchr(ev->name, '.');
	for (i = 0; i < ps->n; i++) {
		rt_plugin *p = ps->v[i];
		int rc;
		if (p->kind != RETORT_KIND_NOTIFY || !event_matches(p, ev->name))
			continue;
		rc = p->vt.notify.on_event(p->state, p->hctx, ev);
		if (rc < 0) {
			int stop = p->fatal && dot && strcmp(dot, ".before") == 0 && n > 7;
			rt_hctx_take_error(p->hctx, rc, "on_event");
			if (stop) {
				rt_error_prefix("hook failed on %s (fatal = true): run stopped before any change", ev->name);
				return RETORT_ERROR;
			}
			rt_report(RT_REPORT_WARNING, "hook on %s: %s", ev->name, rt_error_msg());
			rt_error_clear();
		}
	}
	return result;
}

/* "formatter 'exec' (retort.conf:12, /usr/lib/retort/exec.so)" */
static void blame_formatter(const rt_plugin *p, const char *what, const char *path)
{
	rt_error_prefix("formatter '%s' (%s%s%s) %s %s", p->desc.name, p->where ? p->where : "", p->where ? ", " : "",
	                p->path, what, path);
}

int rt_plugins_format(rt_plugins *ps, const char *path, retort_script_format fmt,
                      int (*check)(void *arg, const char *path), void *arg)
{
	size_t i;
	for (i = 0; ps && i < ps->n; i++) {
		rt_plugin *p = ps->v[i];
		int rc;
		if (p->kind != RETORT_KIND_FORMATTER)
			continue;
		rc = p->vt.formatter.format_file(p->state, p->hctx, path, fmt);
		if (rc < 0) {
			rt_hctx_take_error(p->hctx, rc, "format_file");
			blame_formatter(p, "failed on", path);
			return RETORT_ERROR;
		}
		if (check && check(arg, path) < 0) {
			blame_formatter(p, "left a file that does not read:", path);
			return RETORT_ERROR;
		}
	}
	return RETORT_OK;
}

int rt_plugins_name(rt_plugins *ps, const retort_name_request *req, char **out)
{
	size_t i;
	*out = NULL;
	for (i = 0; ps && i < ps->n; i++) {
		rt_plugin *p = ps->v[i];
		retort_sink s;
		int rc;
		if (p->kind != RETORT_KIND_NAMING || !p->vt.naming.name_object)
			continue;
		rt_sink_init(&s);
		rc = p->vt.naming.name_object(p->state, p->hctx, req, &s);
		if (rc == RETORT_ENOTSUPPORTED) {
			rt_sink_free(&s);
			rt_hctx_clear_error(p->hctx);
			continue;
		}
		if (rc < 0) {
			rt_sink_free(&s);
			return rt_hctx_take_error(p->hctx, rc, "name_object");
		}
		*out = rt_strdup(rt_sink_text(&s));
		rt_sink_free(&s);
		RT_CHECK_ALLOC(*out);
		return RETORT_OK;
	}
	return RETORT_OK;
}

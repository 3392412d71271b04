/* Plugin loading with libltdl: check first, initialise second, register last. */
#include "config.h"

#include <dirent.h>
#include <fnmatch.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_loader.h"
#include "report.h"

#ifndef RETORT_PKGLIBDIR
#define RETORT_PKGLIBDIR "/usr/local/lib/retort"
#endif

static int ltdl_users;

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
	rt_plugins *ps = rt_calloc(1, sizeof *ps);
	size_t i;
	char *joined;
	RT_CHECK_ALLOC(ps);
	ps->cfg = cfg;
	if (ltdl_users++ == 0 && lt_dlinit() != 0) { /* lt_dlinit counts its own calls */
		rt_error_set("cannot initialise libltdl: %s", lt_dlerror());
		ltdl_users--;
		rt_free(ps);
		return RETORT_ERROR;
	}
	for (i = 0; cfg && i < cfg->plugin_path.n; i++)
		if (rt_strv_push(&ps->search, cfg->plugin_path.v[i]) < 0)
			goto oom;
	if (add_search(ps, getenv("RETORT_PLUGIN_PATH")) < 0 || rt_strv_push(&ps->search, RETORT_PKGLIBDIR) < 0)
		goto oom;
	joined = rt_strv_join(&ps->search, ":");
	if (!joined)
		goto oom;
	lt_dlsetsearchpath(joined);
	rt_free(joined);
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
	rt_free(ps);
	/* No lt_dlexit(): it would unload the dialects too, which stay loaded
	 * until the process ends (client libraries keep library-wide state). */
	--ltdl_users;
}

static int push_plugin(rt_plugins *ps, rt_plugin *p)
{
	rt_plugin **v = rt_grow(ps->v, &ps->cap, ps->n, sizeof *v, 8);
	RT_CHECK_ALLOC(v);
	ps->v = v;
	ps->v[ps->n++] = p;
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
	lt_dladvise adv;
	lt_dlhandle h = NULL;
	retort_plugin_entry_fn entry;
	const retort_plugin_descriptor *d;
	const retort_plugin_impl *impl, *chosen = NULL;
	const lt_dlinfo *info;
	int nimpls = 0, rc = RETORT_EINVAL;
	const char *pre = where ? where : "", *sep = where ? ": " : "";
	(void)ps;

	p = rt_calloc(1, sizeof *p);
	RT_CHECK_ALLOC(p);
	if (lt_dladvise_init(&adv) == 0) {
		lt_dladvise_ext(&adv);
		lt_dladvise_local(&adv);
		h = lt_dlopenadvise(module, adv);
		lt_dladvise_destroy(&adv);
	}
	if (!h) {
		const char *e = lt_dlerror();
		if (strchr(module, '/'))
			rt_error_set("%s%s%s: cannot load plugin: %s", pre, sep, module, e ? e : "unknown error");
		else {
			char *path = rt_strv_join(&ps->search, ":");
			rt_error_set("%s%splugin '%s' not found or not loadable (%s); searched %s", pre, sep, module,
			             e ? e : "unknown error", path ? path : "");
			rt_free(path);
		}
		goto fail;
	}
	p->handle = h;
	info = lt_dlgetinfo(h);
	p->path = rt_strdup(info && info->filename ? info->filename : module);
	if (!p->path) {
		rc = RETORT_ENOMEM;
		goto fail;
	}
	entry = (retort_plugin_entry_fn)(uintptr_t)lt_dlsym(h, RETORT_PLUGIN_ENTRY_NAME);
	if (!entry) {
		rt_error_set("%s%s%s: not a retort plugin (no symbol %s)", pre, sep, p->path, RETORT_PLUGIN_ENTRY_NAME);
		goto fail;
	}
	d = entry();
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
		if (where && !strstr(rt_error_msg(), where))
			rt_error_prefix("%s", where);
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
		if ((rc = instantiate(ps, p, g, where)) < 0 || (rc = push_plugin(ps, p)) < 0) {
			rt_plugin_free(p);
			return rc;
		}
	}
	return RETORT_OK;
}

int rt_plugins_dialect(rt_plugins *ps, const char *scheme, rt_plugin **out)
{
	size_t i;
	int rc;
	rt_plugin *p = NULL;
	for (i = 0; i < ps->n; i++) {
		rt_plugin *q = ps->v[i];
		const char *const *s;
		if (q->kind != RETORT_KIND_DIALECT)
			continue;
		for (s = q->vt.dialect.url_schemes; *s; s++) {
			if (strcmp(*s, scheme) == 0) {
				*out = q;
				return RETORT_OK;
			}
		}
	}
	if ((rc = open_checked(ps, dialect_alias(scheme), RETORT_KIND_DIALECT, 0, NULL, &p)) < 0) {
		if (!strstr(rt_error_msg(), "incompatible") && !strstr(rt_error_msg(), "descriptor"))
			rt_error_prefix("no dialect for URL scheme '%s'", scheme);
		return rc;
	}
	if ((rc = instantiate(ps, p, NULL, NULL)) < 0 || (rc = push_plugin(ps, p)) < 0) {
		rt_plugin_free(p);
		return rc;
	}
	*out = p;
	return RETORT_OK;
}

int rt_plugins_scan(rt_plugins *ps, rt_strv *names)
{
	size_t i;
	for (i = 0; i < ps->search.n; i++) {
		DIR *d = opendir(ps->search.v[i]);
		struct dirent *e;
		if (!d)
			continue;
		while ((e = readdir(d)) != NULL) {
			size_t n = strlen(e->d_name);
			char *base;
			if (n > 3 && (strcmp(e->d_name + n - 3, ".la") == 0 || strcmp(e->d_name + n - 3, ".so") == 0))
				base = rt_strndup(e->d_name, n - 3);
			else
				continue;
			if (!base)
				continue;
			if (rt_strv_find(names, base) >= 0) {
				rt_free(base);
				continue;
			}
			if (rt_strv_push_owned(names, base) < 0) {
				closedir(d);
				return RETORT_ENOMEM;
			}
		}
		closedir(d);
	}
	return RETORT_OK;
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

int rt_plugins_format(rt_plugins *ps, const char *path, retort_script_format fmt)
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
			rt_error_prefix("post-write formatter failed; the file %s is kept as written before it", path);
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

/* `retort plugins`: the declared and the found modules, each once, failures included. */
#include "config.h"

#include <string.h>

#include "plugin_list.h"

static int add(rt_plugin_list *l, const rt_plugin *p, const char *kinds, int declared, const char *module,
               const char *error)
{
	rt_plugin_entry *v = rt_grow(l->v, &l->cap, l->n, sizeof *v, 16), *e;
	RT_CHECK_ALLOC(v);
	l->v = v;
	e = &v[l->n];
	memset(e, 0, sizeof *e);
	e->declared = declared;
	if (p) {
		e->name = rt_strdup(p->desc.name);
		e->kinds = rt_strdup(kinds);
		e->version = rt_strdup(p->desc.version);
		e->abi = p->desc.abi_version;
		e->path = rt_strdup(p->path);
		e->description = rt_strdup(p->desc.description);
		if (!e->name || !e->kinds || !e->path || (p->desc.version && !e->version) ||
		    (p->desc.description && !e->description))
			goto oom;
	} else {
		e->name = rt_strdup(module);
		e->error = rt_strdup(error);
		if (!e->name || !e->error)
			goto oom;
		l->failed++;
	}
	l->n++;
	return RETORT_OK;
oom:
	l->n++;
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

/* the `module` of declaration i, as written */
static const char *declared_module(const rt_config *cfg, size_t i)
{
	const config_setting_t *g = config_setting_get_elem(cfg->plugins, (unsigned)i);
	const char *m = NULL;
	if (g)
		config_setting_lookup_string(g, "module", &m);
	return m ? m : "?";
}

/* the declared module (a name or a path) names the found module `found` (a file name without extension) */
static int same_module(const char *declared, const char *found)
{
	const char *base = strrchr(declared, '/');
	size_t n = strlen(found);
	base = base ? base + 1 : declared;
	return strncmp(base, found, n) == 0 && (base[n] == '\0' || base[n] == '.');
}

/* a found module (file `module`, descriptor name `name` or NULL) that a declaration already lists */
static int listed(const rt_plugin_list *l, const char *module, const char *name)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		const rt_plugin_entry *e = &l->v[i];
		if (e->declared && ((!e->error && name && strcmp(e->name, name) == 0) ||
		                    (e->error && same_module(e->name, module))))
			return 1;
	}
	return 0;
}

/* the declared plugins loaded since the last call, in order */
static int add_loaded(rt_plugin_list *l, const rt_plugins *ps, size_t *shown)
{
	int rc = RETORT_OK;
	for (; *shown < ps->n && rc == RETORT_OK; ++*shown)
		rc = add(l, ps->v[*shown], rt_plugin_kind_name(ps->v[*shown]->kind), 1, NULL, NULL);
	return rc;
}

int rt_plugins_list(const rt_config *cfg, rt_plugin_list *out)
{
	rt_plugins *ps = NULL;
	rt_strv names = RT_STRV_INIT, paths = RT_STRV_INIT;
	size_t i, shown = 0;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = rt_plugins_new(&ps, cfg)) < 0)
		return rc;
	/* declared: a failing declaration is listed with its error, and loading goes on with the next */
	while ((rc = rt_plugins_load_declared(ps)) < 0 && rc != RETORT_ENOMEM) {
		if ((rc = add_loaded(out, ps, &shown)) < 0 ||
		    (rc = add(out, NULL, NULL, 1, declared_module(cfg, ps->next_declared - 1), rt_error_msg())) < 0)
			goto done;
		rt_error_clear();
	}
	if (rc < 0 || (rc = add_loaded(out, ps, &shown)) < 0)
		goto done;
	/* found on the search path */
	if ((rc = rt_plugins_scan(ps, &names, &paths)) < 0)
		goto done;
	for (i = 0; i < names.n; i++) {
		rt_plugin *p = NULL;
		const retort_plugin_impl *impl;
		rt_buf kinds = RT_BUF_INIT;
		if (rt_plugin_probe(ps, paths.v[i], &p) < 0) {
			if (!listed(out, names.v[i], NULL))
				rc = add(out, NULL, NULL, 0, names.v[i], rt_error_msg());
			rt_error_clear();
			if (rc < 0)
				goto done;
			continue;
		}
		for (impl = p->desc.impls; impl->kind != RETORT_KIND_END; impl++)
			rt_buf_printf(&kinds, "%s%s", kinds.len ? "," : "", rt_plugin_kind_name(impl->kind));
		if (!listed(out, names.v[i], p->desc.name))
			rc = add(out, p, rt_buf_cstr(&kinds), 0, NULL, NULL);
		rt_buf_free(&kinds);
		rt_plugin_free(p);
		if (rc < 0)
			goto done;
	}
done:
	rt_strv_free(&names);
	rt_strv_free(&paths);
	rt_plugins_free(ps);
	return rc;
}

void rt_plugin_list_free(rt_plugin_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		rt_plugin_entry *e = &l->v[i];
		rt_free(e->name);
		rt_free(e->kinds);
		rt_free(e->version);
		rt_free(e->path);
		rt_free(e->description);
		rt_free(e->error);
	}
	rt_free(l->v);
	memset(l, 0, sizeof *l);
}

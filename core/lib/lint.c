/*
 * The policies over scripts (lint.h): build the retort_script a policy
 * sees, call each naming policy's check_script (or the ABI-1 check through
 * a shim), place each violation (file, line, section, operation), drop
 * the ones the script allows, and refuse an `allow` naming no known rule.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lint.h"
#include "report.h"
#include "rt.h"
#include "script.h"

const char *rt_severity_name(retort_severity s)
{
	switch (s) {
	case RETORT_SEVERITY_WARNING:
		return "warning";
	case RETORT_SEVERITY_INFO:
		return "info";
	default:
		return "error";
	}
}

int rt_lint_dialect(rt_ctx *ctx, const char **out)
{
	int rc;
	*out = NULL;
	if (!ctx->cfg->url)
		return RETORT_OK;
	if ((rc = rt_ctx_dialect(ctx)) < 0)
		return rc;
	*out = ctx->dialect->desc.name;
	return RETORT_OK;
}

/* ---- one script through the policies ---- */

typedef struct lint_run {
	rt_revision *rev;
	const rt_plugin *p;
	rt_violation_cb cb;
	void *arg;
	rt_lint_counts *n;
	int rc; /* the callback's stop status, if it asked to stop */
} lint_run;

/* Does the script allow `rule` for (section, op)? */
static int is_allowed(const rt_revision *rev, const char *rule, retort_section section, size_t op_index)
{
	size_t i;
	for (i = 0; i < rev->nannotations; i++) {
		const retort_annotation *a = &rev->annotations[i];
		if (strcmp(a->key, "allow") != 0 || strcmp(a->value, rule) != 0)
			continue;
		if (a->section == RETORT_SECTION_SCRIPT || (a->section == section && a->op_index == op_index))
			return 1;
	}
	return 0;
}

static int deliver(lint_run *r, const retort_violation *pv)
{
	retort_violation in;
	rt_violation v;
	const retort_op *ops = NULL;
	size_t nops = 0;
	int rc;
	memset(&in, 0, sizeof in);
	memcpy(&in, pv, pv->size < sizeof in ? pv->size : sizeof in);
	memset(&v, 0, sizeof v);
	v.rev = r->rev;
	v.policy = r->p->desc.name;
	v.rule = in.rule && *in.rule ? in.rule : "policy";
	v.message = in.message ? in.message : "";
	v.severity = in.severity >= RETORT_SEVERITY_ERROR && in.severity <= RETORT_SEVERITY_INFO ? in.severity
	                                                                                       : RETORT_SEVERITY_ERROR;
	if (in.section == RETORT_SECTION_UPGRADE) {
		ops = r->rev->upgrade;
		nops = r->rev->nupgrade;
	} else if (in.section == RETORT_SECTION_DOWNGRADE) {
		ops = r->rev->downgrade;
		nops = r->rev->ndowngrade;
	}
	if (ops && in.op_index < nops) {
		v.section = in.section;
		v.op_index = in.op_index;
		v.line = ops[in.op_index].line;
	} else {
		v.section = RETORT_SECTION_SCRIPT;
		v.line = r->rev->id_line;
	}
	if (in.line > 0)
		v.line = in.line;
	if (is_allowed(r->rev, v.rule, v.section, v.op_index)) {
		r->n->allowed++;
		return RETORT_OK;
	}
	if (v.severity == RETORT_SEVERITY_ERROR)
		r->n->errors++;
	else if (v.severity == RETORT_SEVERITY_WARNING)
		r->n->warnings++;
	else
		r->n->infos++;
	if ((rc = r->cb(r->arg, &v)) < 0)
		r->rc = rc;
	return rc < 0 ? rc : RETORT_OK;
}

static int on_report(void *arg, const retort_violation *v)
{
	return v ? deliver(arg, v) : RETORT_OK;
}

/* The ABI-1 check's callback: `where` ("upgrade[2]") places it; severity error. */
static int on_old(void *arg, const char *rule, const char *message, const char *where)
{
	retort_violation v;
	size_t idx = 0;
	int used = 0;
	memset(&v, 0, sizeof v);
	v.size = sizeof v;
	v.rule = rule;
	v.message = message;
	v.severity = RETORT_SEVERITY_ERROR;
	if (where && sscanf(where, "upgrade[%zu]%n", &idx, &used) == 1 && used && !where[used])
		v.section = RETORT_SECTION_UPGRADE;
	else if (where && sscanf(where, "downgrade[%zu]%n", &idx, &used) == 1 && used && !where[used])
		v.section = RETORT_SECTION_DOWNGRADE;
	v.op_index = idx;
	return deliver(arg, &v);
}

static int checks(const rt_plugin *p)
{
	return p->kind == RETORT_KIND_NAMING && (p->vt.naming.check_script || p->vt.naming.check);
}

size_t rt_lint_policies(const rt_ctx *ctx)
{
	size_t i, n = 0;
	for (i = 0; ctx->plugins && i < ctx->plugins->n; i++)
		n += (size_t)checks(ctx->plugins->v[i]);
	return n;
}

/*
 * Every `allow` must name a rule of some policy, when the policies say
 * which rules they have (each checking policy lists them); else the host
 * cannot tell a typo and lets it be.
 */
static int check_allows(const rt_ctx *ctx, const rt_revision *rev)
{
	const rt_plugins *ps = ctx->plugins;
	rt_buf known = RT_BUF_INIT;
	size_t i, j, k, ncheck = 0;
	int rc = RETORT_OK;
	for (j = 0; ps && j < ps->n; j++) {
		if (!checks(ps->v[j]))
			continue;
		ncheck++;
		if (!ps->v[j]->vt.naming.rules)
			return RETORT_OK;
	}
	if (ncheck == 0)
		return RETORT_OK;
	for (i = 0; i < rev->nannotations && rc == RETORT_OK; i++) {
		const retort_annotation *a = &rev->annotations[i];
		int found = 0;
		if (strcmp(a->key, "allow") != 0)
			continue;
		for (j = 0; j < ps->n && !found; j++) {
			const char *const *rules = ps->v[j]->vt.naming.rules;
			if (!checks(ps->v[j]))
				continue;
			for (k = 0; rules[k] && !found; k++)
				found = strcmp(rules[k], a->value) == 0;
		}
		if (found)
			continue;
		for (j = 0; j < ps->n; j++) {
			const char *const *rules = ps->v[j]->vt.naming.rules;
			if (!checks(ps->v[j]))
				continue;
			for (k = 0; rules[k]; k++)
				rt_buf_printf(&known, "%s%s", known.len ? ", " : "", rules[k]);
		}
		rt_error_set("%s:%d: allow: no policy has a rule '%s' (the rules: %s)", rev->path, a->line, a->value,
		             known.len ? rt_buf_cstr(&known) : "none");
		rc = RETORT_EINVAL;
	}
	rt_buf_free(&known);
	return rc;
}

/* Does policy p run for gate `when` (0: the lint command, every policy)? */
static int gates(const rt_ctx *ctx, const rt_plugin *p, int when)
{
	return !when || (ctx->cfg->lint_on & when) || (p->enforce & when);
}

int rt_lint_revision(rt_ctx *ctx, rt_revision *rev, const char *dialect, int when, rt_violation_cb cb, void *arg,
                     rt_lint_counts *n)
{
	retort_script sc;
	lint_run r;
	size_t i;
	int rc;
	if ((rc = rt_script_load_ops(rev)) < 0 || (rc = check_allows(ctx, rev)) < 0)
		return rc;
	memset(&sc, 0, sizeof sc);
	sc.size = sizeof sc;
	sc.path = rev->path;
	sc.revision = rev->id;
	sc.message = rev->message;
	sc.format = rev->format;
	sc.upgrade = rev->upgrade;
	sc.nupgrade = rev->nupgrade;
	sc.downgrade = rev->downgrade;
	sc.ndowngrade = rev->ndowngrade;
	sc.dialect = dialect;
	sc.annotations = rev->annotations;
	sc.nannotations = rev->nannotations;
	sc.line = rev->id_line;
	sc.downgrade_line = rev->downgrade_line;
	memset(&r, 0, sizeof r);
	r.rev = rev;
	r.cb = cb;
	r.arg = arg;
	r.n = n;
	n->scripts++;
	n->policies = 0;
	for (i = 0; ctx->plugins && i < ctx->plugins->n; i++) {
		rt_plugin *p = ctx->plugins->v[i];
		if (!checks(p) || !gates(ctx, p, when))
			continue;
		n->policies++;
		r.p = p;
		if (p->vt.naming.check_script)
			rc = p->vt.naming.check_script(p->state, p->hctx, &sc, on_report, &r);
		else
			rc = p->vt.naming.check(p->state, p->hctx, &sc, on_old, &r);
		if (r.rc < 0)
			return r.rc; /* our callback stopped it: its message stands */
		if (rc < 0)
			return rt_hctx_take_error(p->hctx, rc, p->vt.naming.check_script ? "check_script" : "check");
	}
	return RETORT_OK;
}

/* a path under the current folder as a compiler shows it: relative */
static const char *shown_path(const char *path)
{
	char cwd[4096];
	size_t n;
	if (path[0] != '/' || !getcwd(cwd, sizeof cwd))
		return path;
	n = strlen(cwd);
	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return path;
}

int rt_violation_format(rt_buf *b, const rt_violation *v)
{
	const char *path = shown_path(v->rev->path);
	rt_buf_clear(b);
	if (v->line > 0)
		rt_buf_printf(b, "%s:%d: ", path, v->line);
	else
		rt_buf_printf(b, "%s: ", path);
	return rt_buf_printf(b, "%s: %s: %s (policy %s)", rt_severity_name(v->severity), v->rule, v->message,
	                     v->policy);
}

/* ---- the gate ---- */

int rt_lint_gated(const rt_ctx *ctx, int when)
{
	size_t i;
	if (ctx->cfg->lint_on & when)
		return 1;
	for (i = 0; ctx->plugins && i < ctx->plugins->n; i++)
		if (checks(ctx->plugins->v[i]) && (ctx->plugins->v[i]->enforce & when))
			return 1;
	return 0;
}

typedef struct gate_state {
	rt_ctx *ctx;
	rt_buf line;
} gate_state;

static int gate_cb(void *arg, const rt_violation *v)
{
	gate_state *g = arg;
	if (g->ctx->quiet && v->severity != RETORT_SEVERITY_ERROR)
		return RETORT_OK;
	if (rt_violation_format(&g->line, v) < 0)
		return RETORT_ENOMEM;
	rt_report(RT_REPORT_PROGRESS, "%s\n", rt_buf_cstr(&g->line));
	return RETORT_OK;
}

int rt_lint_gate(rt_ctx *ctx, int when, rt_revision *const *revs, size_t n, const char *what)
{
	gate_state g;
	rt_lint_counts c;
	const char *dialect = NULL;
	size_t i;
	int rc;
	if (n == 0 || !rt_lint_gated(ctx, when))
		return RETORT_OK;
	if ((rc = rt_lint_dialect(ctx, &dialect)) < 0)
		return rc;
	memset(&c, 0, sizeof c);
	g.ctx = ctx;
	memset(&g.line, 0, sizeof g.line);
	for (i = 0; i < n && rc == RETORT_OK; i++)
		rc = rt_lint_revision(ctx, revs[i], dialect, when, gate_cb, &g, &c);
	rt_buf_free(&g.line);
	if (rc < 0)
		return rc;
	if (c.errors) {
		rt_error_set("lint_on: %zu error%s in %s: %s (see `retort lint`; an `allow` annotation opts a revision in)",
		             c.errors, c.errors == 1 ? "" : "s", n == 1 ? "the revision" : "the revisions", what);
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

int rt_lint_gate_plan(rt_ctx *ctx, const rt_plan *plan)
{
	rt_revision **revs;
	size_t k, n = 0;
	int rc;
	if (plan->n == 0)
		return RETORT_OK;
	if (!(revs = rt_calloc(plan->n, sizeof *revs))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	for (k = 0; k < plan->n; k++)
		if (plan->steps[k].up)
			revs[n++] = plan->steps[k].rev;
	rc = rt_lint_gate(ctx, RT_LINT_ON_UPGRADE, revs, n, "nothing was run");
	rt_free(revs);
	return rc;
}

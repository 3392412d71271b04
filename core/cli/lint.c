/*
 * retort lint [REV...]: the policy plugins over scripts (core/lib/lint.c
 * runs them), printed like a compiler's diagnostics,
 *   FILE:LINE: error: RULE: message (policy NAME)
 * or with --json as one document: {"violations": [ {...}, ... ], ...}.
 * Exit 1 when any violation has the severity error; warnings and infos
 * are printed and do not fail.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lint.h"

typedef struct lint_out {
	const opts *o;
	size_t shown;
	rt_buf line;
} lint_out;

static const char *section_name(retort_section s)
{
	return s == RETORT_SECTION_UPGRADE ? "upgrade" : s == RETORT_SECTION_DOWNGRADE ? "downgrade" : NULL;
}

static int print_violation(void *arg, const rt_violation *v)
{
	lint_out *lo = arg;
	if (lo->o->json) {
		printf("%s{\"path\": ", lo->shown ? ", " : "");
		json_str(stdout, v->rev->path);
		printf(", \"line\": %d, \"revision\": ", v->line);
		json_str(stdout, v->rev->id);
		printf(", \"severity\": \"%s\", \"rule\": ", rt_severity_name(v->severity));
		json_str(stdout, v->rule);
		printf(", \"message\": ");
		json_str(stdout, v->message);
		printf(", \"policy\": ");
		json_str(stdout, v->policy);
		if (section_name(v->section))
			printf(", \"section\": \"%s\", \"operation\": %zu", section_name(v->section), v->op_index);
		printf("}");
	} else {
		if (lo->o->quiet && v->severity != RETORT_SEVERITY_ERROR)
			return RETORT_OK;
		if (rt_violation_format(&lo->line, v) < 0)
			return RETORT_ENOMEM;
		puts(rt_buf_cstr(&lo->line));
	}
	lo->shown++;
	return RETORT_OK;
}

/* lint [REV...]: the policy plugins' checks over the scripts (all when none named). */
int cmd_lint(rt_ctx *ctx, opts *o)
{
	rt_strv ids = RT_STRV_INIT, cur = RT_STRV_INIT;
	lint_out lo;
	rt_lint_counts n;
	const char *dialect = NULL;
	size_t i;
	int rc = RETORT_OK;
	memset(&lo, 0, sizeof lo);
	memset(&n, 0, sizeof n);
	lo.o = o;
	if (o->args.n == 0) {
		for (i = 0; i < rt_graph_count(ctx->graph) && rc == RETORT_OK; i++)
			rc = rt_strv_push(&ids, rt_graph_at(ctx->graph, i)->id);
	}
	for (i = 0; i < o->args.n && rc == RETORT_OK; i++)
		rc = rt_graph_resolve(ctx->graph, o->args.v[i], &cur, 0, &ids);
	if (rc < 0 || (rc = rt_lint_dialect(ctx, &dialect)) < 0)
		goto done;
	if (o->json)
		printf("{\"violations\": [");
	for (i = 0; i < ids.n; i++) {
		rt_revision *r = rt_graph_get(ctx->graph, ids.v[i]);
		if (r && (rc = rt_lint_revision(ctx, r, dialect, 0, print_violation, &lo, &n)) < 0)
			break;
	}
	if (o->json) {
		printf("], \"scripts\": %zu, \"policies\": %zu, \"errors\": %zu, \"warnings\": %zu, \"infos\": %zu, "
		       "\"allowed\": %zu, \"dialect\": ",
		       n.scripts, rt_lint_policies(ctx), n.errors, n.warnings, n.infos, n.allowed);
		json_str(stdout, dialect);
		printf("}\n");
	}
	if (rc < 0)
		goto done;
	if (rt_lint_policies(ctx) == 0 && !o->quiet)
		fprintf(stderr, "retort: warning: no policy plugin is declared: nothing was checked\n");
	if (n.errors) {
		rt_error_set("%zu error%s, %zu warning%s in %zu script%s", n.errors, n.errors == 1 ? "" : "s", n.warnings,
		             n.warnings == 1 ? "" : "s", n.scripts, n.scripts == 1 ? "" : "s");
		rc = RETORT_ERROR;
	}
done:
	rt_buf_free(&lo.line);
	rt_strv_free(&ids);
	rt_strv_free(&cur);
	return rc;
}

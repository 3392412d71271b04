/*
 * The commands that read and print: heads, branches, current, history,
 * show, edit, validate, lint, plugins, log; and the output helpers (text
 * and --json) they share with the rest of the command line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "histread.h"
#include "plugin_list.h"
#include "script.h"

/* ---- JSON ---- */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong form, no surrogate), 0 when there is none. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned long cp, min;
	size_t n, i;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* a NUL stops here too */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
}

void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0) {
			fputs("\\ufffd", f); /* one U+FFFD per byte that is not UTF-8 */
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
		p++;
	}
	fputc('"', f);
}

void json_strv(FILE *f, const rt_strv *sv)
{
	size_t i;
	fputc('[', f);
	for (i = 0; i < sv->n; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, sv->v[i]);
	}
	fputc(']', f);
}

/* ---- revision formatting (Alembic's markers) ---- */


static void deps_list(rt_graph *g, const rt_revision *r, rt_strv *out)
{
	rt_revision *const *deps;
	size_t n = rt_graph_dependencies(g, r, &deps), i;
	(void)deps;
	(void)n;
	for (i = 0; i < r->depends_on.n; i++)
		rt_strv_push(out, r->depends_on.v[i]);
	(void)i;
}

static void markers(rt_buf *b, const fmt_state *fs, const rt_revision *r, int labels, int tree)
{
	const rt_strv *lb = rt_graph_labels(fs->g, r);
	if (labels && lb && lb->n) {
		rt_buf_puts(b, " (");
		rt_buf_put_joined(b, lb, ", ");
		rt_buf_putc(b, ')');
	}
	if (rt_graph_is_real_head(fs->g, r))
		rt_buf_puts(b, " (head)");
	else if (rt_graph_is_head(fs->g, r))
		rt_buf_puts(b, " (effective head)");
	if (tree) {
		if (rt_graph_is_branch_point(fs->g, r))
			rt_buf_puts(b, " (branchpoint)");
		if (rt_graph_is_merge_point(fs->g, r))
			rt_buf_puts(b, " (mergepoint)");
	}
	if (fs->current && rt_strv_find(fs->current, r->id) >= 0)
		rt_buf_puts(b, " (current)");
	if (fs->failed && strcmp(fs->failed, r->id) == 0)
		rt_buf_puts(b, " (failed)");
}

/* One line of `history` / `branches` into b (cleared first: callers reuse one buffer). */
static const char *one_line(rt_buf *b, const fmt_state *fs, const rt_revision *r, int parents, int doc)
{
	rt_buf_clear(b);
	if (parents) {
		if (r->parents.n)
			rt_buf_put_joined(b, &r->parents, ", ");
		else
			rt_buf_puts(b, "<base>");
		if (r->depends_on.n) {
			rt_strv d = RT_STRV_INIT;
			deps_list(fs->g, r, &d);
			rt_buf_puts(b, " (");
			rt_buf_put_joined(b, &d, ", ");
			rt_buf_putc(b, ')');
			rt_strv_free(&d);
		}
		rt_buf_puts(b, " -> ");
	}
	rt_buf_puts(b, r->id);
	markers(b, fs, r, 1, 1);
	if (doc) {
		rt_buf_puts(b, ", ");
		rt_buf_puts(b, r->message ? r->message : "");
	}
	return rt_buf_cstr(b);
}

void verbose_entry(FILE *f, const fmt_state *fs, const rt_revision *r)
{
	rt_buf b = RT_BUF_INIT;
	rt_revision *const *kids;
	size_t nk = rt_graph_children(fs->g, r, &kids), i;
	const rt_strv *lb = rt_graph_labels(fs->g, r);
	rt_buf_puts(&b, r->id);
	markers(&b, fs, r, 0, 1);
	fprintf(f, "Rev: %s\n", rt_buf_cstr(&b));
	rt_buf_free(&b);
	if (r->parents.n > 1) {
		char *p = rt_strv_join(&r->parents, ", ");
		fprintf(f, "Merges: %s\n", p);
		rt_free(p);
	} else {
		fprintf(f, "Parent: %s\n", r->parents.n ? r->parents.v[0] : "<base>");
	}
	if (r->depends_on.n) {
		char *p = rt_strv_join(&r->depends_on, ", ");
		fprintf(f, "Also depends on: %s\n", p);
		rt_free(p);
	}
	if (nk > 1) {
		fputs("Branches into: ", f);
		for (i = 0; i < nk; i++)
			fprintf(f, "%s%s", i ? ", " : "", kids[i]->id);
		fputc('\n', f);
	}
	if (lb && lb->n) {
		char *p = rt_strv_join(lb, ", ");
		fprintf(f, "Branch names: %s\n", p);
		rt_free(p);
	}
	{
		char abs[4096];
		fprintf(f, "Path: %s\n", realpath(r->path, abs) ? abs : r->path);
	}
	fprintf(f, "\n    %s\n\n", r->message ? r->message : "");
	fprintf(f, "    Revision ID: %s\n", r->id);
	{
		char *p = rt_strv_join(&r->parents, ", ");
		fprintf(f, "    Revises: %s\n", p ? p : "");
		rt_free(p);
	}
	fprintf(f, "    Create Date: %s\n\n", r->create_date ? r->create_date : "");
}

void json_rev(FILE *f, const fmt_state *fs, const rt_revision *r)
{
	rt_revision *const *kids;
	size_t nk = rt_graph_children(fs->g, r, &kids), i;
	const rt_strv *lb = rt_graph_labels(fs->g, r);
	fputs("{\"revision\": ", f);
	json_str(f, r->id);
	fputs(", \"down_revision\": ", f);
	json_strv(f, &r->parents);
	fputs(", \"depends_on\": ", f);
	json_strv(f, &r->depends_on);
	fputs(", \"branch_labels\": ", f);
	if (lb)
		json_strv(f, lb);
	else
		fputs("[]", f);
	fputs(", \"children\": [", f);
	for (i = 0; i < nk; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, kids[i]->id);
	}
	fprintf(f, "], \"is_head\": %s, \"is_effective_head\": %s, \"is_branch_point\": %s, \"is_merge_point\": %s",
	        rt_graph_is_real_head(fs->g, r) ? "true" : "false",
	        !rt_graph_is_real_head(fs->g, r) && rt_graph_is_head(fs->g, r) ? "true" : "false",
	        rt_graph_is_branch_point(fs->g, r) ? "true" : "false", rt_graph_is_merge_point(fs->g, r) ? "true" : "false");
	if (fs->current)
		fprintf(f, ", \"is_current\": %s", rt_strv_find(fs->current, r->id) >= 0 ? "true" : "false");
	fputs(", \"message\": ", f);
	json_str(f, r->message);
	fputs(", \"create_date\": ", f);
	json_str(f, r->create_date);
	fputs(", \"path\": ", f);
	json_str(f, r->path);
	fputs(", \"checksum\": ", f);
	json_str(f, r->checksum);
	fputc('}', f);
}



int cmd_heads(rt_ctx *ctx, opts *o)
{
	rt_revision **hs = NULL;
	size_t n = 0, i;
	fmt_state fs = {ctx->graph, NULL, NULL};
	int rc = rt_graph_heads(ctx->graph, o->resolve_deps, &hs, &n);
	if (rc < 0)
		return rc;
	if (o->json)
		printf("{\"heads\": [");
	for (i = 0; i < n; i++) {
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, hs[i]);
		} else if (o->verbose) {
			verbose_entry(stdout, &fs, hs[i]);
		} else {
			rt_buf b = RT_BUF_INIT;
			rt_buf_puts(&b, hs[i]->id);
			markers(&b, &fs, hs[i], 1, 0);
			printf("%s\n", rt_buf_cstr(&b));
			rt_buf_free(&b);
		}
	}
	if (o->json)
		printf("]}\n");
	rt_free(hs);
	return RETORT_OK;
}

int cmd_branches(rt_ctx *ctx, opts *o)
{
	rt_revision **bs = NULL;
	rt_buf line = RT_BUF_INIT;
	size_t n = 0, i, k;
	fmt_state fs = {ctx->graph, NULL, NULL};
	int rc = rt_graph_branch_points(ctx->graph, &bs, &n);
	if (rc < 0)
		return rc;
	if (o->json)
		printf("{\"branch_points\": [");
	for (i = 0; i < n; i++) {
		rt_revision *const *kids;
		size_t nk = rt_graph_children(ctx->graph, bs[i], &kids);
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, bs[i]);
			continue;
		}
		if (o->verbose)
			verbose_entry(stdout, &fs, bs[i]);
		else
			printf("%s\n", one_line(&line, &fs, bs[i], 0, 0));
		for (k = 0; k < nk; k++)
			printf("%*s -> %s\n", (int)strlen(bs[i]->id), "", one_line(&line, &fs, kids[k], 0, 1));
		printf("\n");
	}
	if (o->json)
		printf("]}\n");
	rt_buf_free(&line);
	rt_free(bs);
	return RETORT_OK;
}

/* the database's rows, read-only; *connected 0 when no URL is configured */
int read_current(rt_ctx *ctx, rt_strv *cur, char **failed)
{
	int rc, exists = 0;
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if ((rc = rt_db_read_heads(ctx, cur, &exists, failed)) < 0)
		return rc;
	return RETORT_OK;
}

int cmd_current(rt_ctx *ctx, opts *o)
{
	rt_strv cur = RT_STRV_INIT;
	char *failed = NULL;
	rt_revision **shown = NULL;
	size_t n = 0, i;
	int rc;
	fmt_state fs = {ctx->graph, NULL, NULL};
	if ((rc = read_current(ctx, &cur, &failed)) < 0)
		goto done;
	fs.failed = failed;
	if ((rc = rt_graph_check_current(ctx->graph, &cur)) < 0)
		goto done;
	if ((rc = rt_graph_current_display(ctx->graph, &cur, &shown, &n)) < 0)
		goto done;
	if (o->json) {
		printf("{\"database_url\": ");
		json_str(stdout, rt_url_masked(ctx->url));
		printf(", \"failed\": ");
		json_str(stdout, failed);
		printf(", \"failed_note\": ");
		json_str(stdout, failed ? ctx->mark_note : NULL);
		printf(", \"current\": [");
		for (i = 0; i < n; i++) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, shown[i]);
		}
		printf("]}\n");
	} else {
		if (o->verbose)
			printf("Current revision(s) for %s:\n", rt_url_masked(ctx->url));
		if (failed) {
			/* a revision that failed part-way is not in the version table: show it anyway */
			int listed = 0;
			for (i = 0; i < n; i++)
				listed |= strcmp(shown[i]->id, failed) == 0;
			if (!listed)
				printf("%s (failed)\n", failed);
			/* what happened and what to do, as upgrade says it when it refuses */
			if (ctx->mark_note)
				fprintf(stderr, "retort: warning: %s; once the database is repaired, run 'retort repair'\n",
				        ctx->mark_note);
		}
		for (i = 0; i < n; i++) {
			if (o->verbose) {
				verbose_entry(stdout, &fs, shown[i]);
			} else {
				rt_buf b = RT_BUF_INIT;
				rt_buf_puts(&b, shown[i]->id);
				markers(&b, &fs, shown[i], 0, 1);
				printf("%s\n", rt_buf_cstr(&b));
				rt_buf_free(&b);
			}
		}
	}
	if (o->check_heads) {
		rt_revision **hs = NULL;
		size_t nh = 0;
		if ((rc = rt_graph_heads(ctx->graph, 1, &hs, &nh)) < 0)
			goto done;
		for (i = 0; i < nh; i++) {
			size_t j;
			int found = 0;
			for (j = 0; j < n; j++)
				if (shown[j] == hs[i])
					found = 1;
			if (!found) {
				rt_error_set("Database is not on all head revisions");
				rc = RETORT_ERROR;
			}
		}
		rt_free(hs);
	}
done:
	rt_free(shown);
	rt_free(failed);
	rt_strv_free(&cur);
	return rc;
}

static int needs_db_for_range(const char *range)
{
	return range && strstr(range, "current") != NULL;
}

int cmd_history(rt_ctx *ctx, opts *o)
{
	rt_strv cur = RT_STRV_INIT;
	rt_buf line = RT_BUF_INIT;
	rt_revision **revs = NULL;
	size_t n = 0, i;
	int rc;
	fmt_state fs = {ctx->graph, NULL, NULL};
	if (o->range && !strchr(o->range, ':')) {
		rt_error_set("History range requires [start]:[end], [start]:, or :[end]");
		return RETORT_EINVAL;
	}
	if (o->indicate_current || needs_db_for_range(o->range)) {
		if ((rc = read_current(ctx, &cur, NULL)) < 0)
			goto done;
		if ((rc = rt_graph_check_current(ctx->graph, &cur)) < 0)
			goto done;
		if (o->indicate_current)
			fs.current = &cur;
	}
	if ((rc = rt_graph_history(ctx->graph, o->range, &cur, &revs, &n)) < 0)
		goto done;
	if (o->json)
		printf("{\"history\": [");
	for (i = 0; i < n; i++) {
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, revs[i]);
		} else if (o->verbose) {
			verbose_entry(stdout, &fs, revs[i]);
		} else {
			fputs(one_line(&line, &fs, revs[i], 1, 1), stdout);
			putchar('\n');
		}
	}
	if (o->json)
		printf("]}\n");
done:
	rt_buf_free(&line);
	rt_free(revs);
	rt_strv_free(&cur);
	return rc;
}

static int resolve_for_show(rt_ctx *ctx, const char *spec, rt_strv *ids)
{
	rt_strv cur = RT_STRV_INIT;
	int rc;
	if (strcmp(spec, "current") == 0 || strncmp(spec, "current", 7) == 0) {
		if ((rc = read_current(ctx, &cur, NULL)) < 0) {
			rt_strv_free(&cur);
			return rc;
		}
	}
	rc = rt_graph_resolve(ctx->graph, spec, &cur, 0, ids);
	rt_strv_free(&cur);
	return rc;
}

int cmd_show(rt_ctx *ctx, opts *o)
{
	rt_strv ids = RT_STRV_INIT;
	size_t i;
	int rc;
	fmt_state fs = {ctx->graph, NULL, NULL};
	if ((rc = resolve_for_show(ctx, o->args.v[0], &ids)) < 0)
		goto done;
	if (o->json)
		printf("{\"revisions\": [");
	for (i = 0; i < ids.n; i++) {
		rt_revision *r = rt_graph_get(ctx->graph, ids.v[i]);
		if (!r)
			continue;
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, r);
		} else {
			verbose_entry(stdout, &fs, r);
		}
	}
	if (o->json)
		printf("]}\n");
done:
	rt_strv_free(&ids);
	return rc;
}

/*
 * The editor, as git picks it: $VISUAL, then $EDITOR, then `editor` (the
 * Debian alternative) when it is on the PATH, then `vi`.
 */
static const char *pick_editor(void)
{
	const char *e = getenv("VISUAL");
	if (!e || !*e)
		e = getenv("EDITOR");
	return e && *e ? e : NULL;
}

int cmd_edit(rt_ctx *ctx, opts *o)
{
	rt_strv ids = RT_STRV_INIT;
	const char *editor = pick_editor();
	int rc;
	size_t i;
	if ((rc = resolve_for_show(ctx, o->args.v[0], &ids)) < 0)
		goto done;
	if (ids.n == 0) {
		rt_error_set("No revision files indicated by symbol '%s'", o->args.v[0]);
		rc = RETORT_EINVAL;
		goto done;
	}
	for (i = 0; i < ids.n; i++) {
		rt_revision *r = rt_graph_get(ctx->graph, ids.v[i]);
		pid_t pid = fork();
		int st = 0;
		if (pid == 0) {
			if (editor)
				execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, r->path, (char *)NULL);
			else
				execl("/bin/sh", "sh", "-c",
				      "if command -v editor >/dev/null 2>&1; then exec editor \"$0\"; else exec vi \"$0\"; fi",
				      r->path, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			rt_error_set("editor '%s' failed on %s%s", editor ? editor : "editor (or vi)", r->path,
			             WIFEXITED(st) && WEXITSTATUS(st) == 127 ? " (not found: set $VISUAL or $EDITOR)" : "");
			rc = RETORT_ERROR;
			goto done;
		}
	}
done:
	rt_strv_free(&ids);
	return rc;
}

/*
 * validate: every revision the database is at (the version table's rows
 * and their ancestors) must still have the checksum it was applied with
 * (or accepted with by repair --checksums).
 */
int cmd_validate(rt_ctx *ctx, opts *o)
{
	rt_strv cur = RT_STRV_INIT;
	rt_checksum_report rep;
	size_t i;
	int rc, first = 1;
	memset(&rep, 0, sizeof rep);
	if ((rc = read_current(ctx, &cur, NULL)) < 0 || (rc = rt_graph_check_current(ctx->graph, &cur)) < 0 ||
	    (rc = rt_db_check_checksums(ctx, &cur, &rep)) < 0)
		goto done;
	if (o->json)
		printf("{\"mismatches\": [");
	for (i = 0; i < rep.n; i++) {
		const rt_revision *r = rep.v[i].rev;
		if (!rep.v[i].applied) {
			if (!o->json && !o->quiet)
				fprintf(stderr, "retort: warning: %s: no checksum recorded (applied by another tool?)\n", r->id);
			continue;
		}
		if (o->json) {
			printf("%s{\"revision\": ", first ? "" : ", ");
			json_str(stdout, r->id);
			printf(", \"applied_checksum\": ");
			json_str(stdout, rep.v[i].applied);
			printf(", \"script_checksum\": ");
			json_str(stdout, r->checksum);
			printf(", \"path\": ");
			json_str(stdout, r->path);
			printf("}");
			first = 0;
		} else {
			printf("%s: edited since it was applied (applied %.12s, now %.12s): %s\n", r->id, rep.v[i].applied,
			       r->checksum, r->path);
		}
		rt_ctx_event(ctx, "validate.mismatch", r, NULL, "failed", NULL, -1, "checksum mismatch", NULL);
	}
	if (o->json)
		printf("], \"applied\": %zu, \"unchecked\": %zu}\n", rep.applied, rep.unknown);
	else if (!rep.edited && !o->quiet)
		fprintf(stderr, "All %zu applied revisions match their scripts%s.\n", rep.applied - rep.unknown,
		        rep.unknown ? " (some have no recorded checksum)" : "");
	if (rep.edited) {
		rt_error_set("%zu applied revision%s edited since %s applied (after a review, `retort repair --checksums` "
		             "accepts the edits)",
		             rep.edited, rep.edited == 1 ? " was" : "s were", rep.edited == 1 ? "it was" : "they were");
		rc = RETORT_ERROR;
	}
done:
	rt_strv_free(&cur);
	rt_checksum_report_free(&rep);
	return rc;
}

/* plugins: every module declared or found, each once, aligned; one that does not load shows why (exit 1) */
int cmd_plugins(rt_ctx *ctx, opts *o)
{
	rt_plugin_list l;
	size_t i, w[3] = {1, 1, 1};
	int rc = rt_plugins_list(ctx->cfg, &l);
	if (rc < 0)
		goto done;
	for (i = 0; i < l.n; i++) {
		const rt_plugin_entry *e = &l.v[i];
		size_t len[3] = {strlen(e->name), e->kinds ? strlen(e->kinds) : 1, e->version ? strlen(e->version) : 1};
		size_t k;
		for (k = 0; k < 3; k++)
			if (len[k] > w[k])
				w[k] = len[k];
	}
	if (o->json)
		printf("{\"plugins\": [");
	for (i = 0; i < l.n; i++) {
		const rt_plugin_entry *e = &l.v[i];
		if (o->json) {
			printf("%s{\"name\": ", i ? ", " : "");
			json_str(stdout, e->name);
			printf(", \"kind\": ");
			json_str(stdout, e->kinds);
			printf(", \"version\": ");
			json_str(stdout, e->version);
			printf(", \"abi\": %u, \"declared\": %s, \"path\": ", e->abi, e->declared ? "true" : "false");
			json_str(stdout, e->path);
			printf(", \"description\": ");
			json_str(stdout, e->description);
			printf(", \"error\": ");
			json_str(stdout, e->error);
			printf("}");
		} else if (e->error) {
			printf("%-*s  %-*s  %-*s  %-6s  %-8s  error: %s\n", (int)w[0], e->name, (int)w[1], "-", (int)w[2], "-",
			       "-", e->declared ? "declared" : "found", e->error);
		} else {
			printf("%-*s  %-*s  %-*s  ABI %-2u  %-8s  %s\n", (int)w[0], e->name, (int)w[1], e->kinds, (int)w[2],
			       e->version ? e->version : "?", e->abi, e->declared ? "declared" : "found", e->path);
		}
	}
	if (o->json)
		printf("]}\n");
	if (l.failed) {
		rt_error_set("%zu plugin%s did not load", l.failed, l.failed == 1 ? "" : "s");
		rc = RETORT_ERROR;
	}
done:
	rt_plugin_list_free(&l);
	return rc;
}

/* the first line of s (the error's), into b */
static const char *first_line(rt_buf *b, const char *s)
{
	rt_buf_clear(b);
	if (s)
		rt_buf_add(b, s, strcspn(s, "\n"));
	return rt_buf_cstr(b);
}

/* log: the history table's rows, newest first */
int cmd_log(rt_ctx *ctx, opts *o)
{
	rt_history_filter f = {o->rev, o->outcome, o->limit};
	rt_history_rows rows;
	rt_buf line = RT_BUF_INIT;
	size_t i;
	int rc;
	memset(&rows, 0, sizeof rows);
	if (o->outcome && strcmp(o->outcome, "ok") && strcmp(o->outcome, "failed") && strcmp(o->outcome, "repaired"))
		return usage_err("--outcome must be ok, failed or repaired, not '%s'", o->outcome);
	if ((rc = rt_db_history(ctx, &f, &rows)) < 0)
		goto done;
	if (o->json)
		printf("{\"log\": [");
	for (i = 0; i < rows.n; i++) {
		const rt_history_row *r = &rows.v[i];
		if (o->json) {
			printf("%s{\"started_at\": ", i ? ", " : "");
			json_str(stdout, r->started_at);
			printf(", \"user\": ");
			json_str(stdout, r->user);
			printf(", \"host\": ");
			json_str(stdout, r->host);
			printf(", \"direction\": ");
			json_str(stdout, r->direction);
			printf(", \"revision\": ");
			json_str(stdout, r->revision);
			printf(", \"outcome\": ");
			json_str(stdout, r->outcome);
			printf(", \"duration_ms\": %s, \"error\": ", r->duration_ms ? r->duration_ms : "null");
			json_str(stdout, r->error);
			printf("}");
		} else {
			printf("%s  %s@%s  %-9s %s  %s", r->started_at ? r->started_at : "?", r->user ? r->user : "?",
			       r->host ? r->host : "?", r->direction ? r->direction : "?", r->revision ? r->revision : "?",
			       r->outcome ? r->outcome : "?");
			if (r->duration_ms)
				printf(" (%s ms)", r->duration_ms);
			if (r->error)
				printf(": %s", first_line(&line, r->error));
			putchar('\n');
		}
	}
	if (o->json)
		printf("]}\n");
done:
	rt_buf_free(&line);
	rt_history_rows_free(&rows);
	return rc;
}

/*
 * `check` and `revision --autogenerate`: the library compares (autogen.c);
 * this prints and hands the operations' text to the revision writer.
 */
#include "config.h"

#include <string.h>

#include "autogen.h"
#include "cli.h"
#include "opwrite.h"
#include "script.h"

static void json_ops(FILE *f, const rt_diff_op *ops, size_t n)
{
	size_t i;
	fputc('[', f);
	for (i = 0; i < n; i++) {
		const retort_op *op = &ops[i].op;
		char *line = rt_diff_op_line(&ops[i]);
		fprintf(f, "%s{\"op\": ", i ? ", " : "");
		json_str(f, rt_op_kind_name(op->kind));
		fprintf(f, ", \"table\": ");
		if (op->table)
			json_str(f, op->table);
		else
			fputs("null", f);
		fprintf(f, ", \"name\": ");
		if (op->name || op->column)
			json_str(f, op->name ? op->name : op->column);
		else
			fputs("null", f);
		fprintf(f, ", \"data_loss\": %s, \"conf\": ", ops[i].note ? "true" : "false");
		json_str(f, line ? line : "");
		fputc('}', f);
		rt_free(line);
	}
	fputc(']', f);
}

int check_one(rt_ctx *ctx, rt_autogen *ag, size_t *nops)
{
	int rc = rt_autogen_compute(ctx, ag);
	char note[64];
	*nops = rc == RETORT_OK ? ag->diff.nup : 0;
	if (rc < 0 || !*nops)
		return rc;
	snprintf(note, sizeof note, "%zu operation%s", *nops, *nops == 1 ? "" : "s");
	rt_ctx_event(ctx, "check.drift", NULL, NULL, "failed", NULL, -1, note, ctx->cfg->target_schema);
	rt_error_set("the database differs from the target schema (%s): %s to write; `retort revision "
	             "--autogenerate -m MESSAGE` writes them",
	             ctx->cfg->target_schema, note);
	return RETORT_ERROR;
}

int cmd_check(rt_ctx *ctx, opts *o)
{
	rt_autogen ag;
	size_t n;
	int rc = check_one(ctx, &ag, &n);
	if (n) {
		if (o->json) {
			printf("{\"differences\": %zu, \"operations\": ", n);
			json_ops(stdout, ag.diff.up, n);
			printf("}\n");
		} else {
			rt_buf b = RT_BUF_INIT;
			printf("New upgrade operations detected:\n");
			if (rt_ops_write_conf(&b, ag.diff.up, n, "  ") == RETORT_OK && b.ptr)
				fputs(b.ptr, stdout);
			rt_buf_free(&b);
		}
	} else if (rc == RETORT_OK) {
		if (o->json)
			printf("{\"differences\": 0, \"operations\": []}\n");
		else if (!o->quiet)
			printf("No new upgrade operations detected.\n");
	}
	rt_autogen_free(&ag);
	return rc;
}

int autogen_revision_text(rt_ctx *ctx, opts *o, char **up, char **down, int *empty)
{
	rt_autogen ag;
	rt_buf bu = RT_BUF_INIT, bd = RT_BUF_INIT;
	int rc;
	*up = *down = NULL;
	*empty = 0;
	if (o->format && strcmp(o->format, "conf") != 0)
		return usage_err("revision --autogenerate writes .conf scripts (--format %s is not possible)", o->format);
	ctx->read_only = 1; /* comparing reads only: nothing is created in the database */
	if ((rc = rt_autogen_compute(ctx, &ag)) == RETORT_OK) {
		*empty = ag.diff.nup == 0;
		if ((rc = rt_ops_write_conf(&bu, ag.diff.up, ag.diff.nup, "  ")) == RETORT_OK &&
		    (rc = rt_ops_write_conf(&bd, ag.diff.down, ag.diff.ndown, "  ")) == RETORT_OK) {
			*up = bu.ptr ? rt_buf_detach(&bu) : rt_strdup("");
			*down = bd.ptr ? rt_buf_detach(&bd) : rt_strdup("");
			if (!*up || !*down) {
				rt_error_set("out of memory");
				rc = RETORT_ENOMEM;
			}
		}
		if (!o->quiet && rc == RETORT_OK) {
			size_t i;
			for (i = 0; i < ag.diff.nup; i++) {
				const retort_op *op = &ag.diff.up[i].op;
				const char *what = op->column ? op->column : op->name ? op->name : op->new_name;
				if (op->kind == RETORT_OP_ADD_COLUMN)
					what = op->columns[0].name;
				fprintf(stderr, "Detected %s%s%s%s%s%s\n", rt_op_kind_name(op->kind), op->table ? " " : "",
				        op->table ? op->table : "", what ? (op->table ? "." : " ") : "", what ? what : "",
				        ag.diff.up[i].note ? " (data loss)" : "");
			}
		}
	}
	rt_buf_free(&bu);
	rt_buf_free(&bd);
	rt_autogen_free(&ag);
	ctx->read_only = 0;
	if (ctx->conn && ctx->dialect) { /* the revision writer does not need the connection */
		ctx->dialect->vt.dialect.disconnect(ctx->conn);
		ctx->conn = NULL;
	}
	return rc;
}

/*
 * The command line's shared pieces: the parsed options, the output helpers
 * (text and --json) and the commands that read and print (core/cli/show.c).
 * Only the command line prints.
 */
#ifndef RT_CLI_H
#define RT_CLI_H

#include <stdio.h>

#include "graph.h"
#include "runner.h"

typedef struct opts {
	const char *config;
	const char *name;
	const char *url;
	rt_strv xs;
	int quiet, json, verbose;
	/* command options */
	const char *message, *rev_id, *head, *version_path, *format, *range, *dialect;
	rt_strv branch_labels, depends_on;
	int autogenerate, splice, sql, purge, resolve_deps, indicate_current, check_heads;
	const char *rev, *outcome; /* log: filters */
	size_t limit;              /* log -n (0: every row) */
	int checksums;             /* repair --checksums */
	rt_strv args;              /* positionals */
	const char *output;        /* schema dump -o */
	/* fleet options (fleet.c) */
	int fleet_all, fail_fast;
	rt_strv fleet_targets, fleet_tags;
	size_t jobs;               /* 0: the default */
} opts;

/* Set a usage error as the current message ("... (see retort --help)"); returns RETORT_EINVAL (exit 2). */
int usage_err(const char *fmt, ...) RT_PRINTF(1, 2);

/* ---- JSON: strings are escaped, and a byte that is not UTF-8 becomes U+FFFD ---- */
void json_str(FILE *f, const char *s);
void json_strv(FILE *f, const rt_strv *sv);

/* ---- revisions, as Alembic prints them ---- */
typedef struct fmt_state {
	rt_graph *g;
	const rt_strv *current; /* for (current), or NULL */
	const char *failed;     /* revision marked (failed), or NULL */
} fmt_state;

void json_rev(FILE *f, const fmt_state *fs, const rt_revision *r);
void verbose_entry(FILE *f, const fmt_state *fs, const rt_revision *r);

/* the database's rows, read-only */
int read_current(rt_ctx *ctx, rt_strv *cur, char **failed);

/* ---- the commands that read and print (show.c) ---- */
int cmd_heads(rt_ctx *ctx, opts *o);
int cmd_branches(rt_ctx *ctx, opts *o);
int cmd_current(rt_ctx *ctx, opts *o);
int cmd_history(rt_ctx *ctx, opts *o);
int cmd_show(rt_ctx *ctx, opts *o);
int cmd_edit(rt_ctx *ctx, opts *o);
int cmd_validate(rt_ctx *ctx, opts *o);
int cmd_lint(rt_ctx *ctx, opts *o);
int cmd_plugins(rt_ctx *ctx, opts *o);
int cmd_log(rt_ctx *ctx, opts *o);
/* lock.c */
int cmd_lock(rt_ctx *ctx, opts *o);

/* ---- schema dump (schema.c) ---- */
int cmd_schema(rt_ctx *ctx, opts *o);
/* ---- fleets (fleet.c) ---- */
/** Whether the options select a fleet (--all, --target, --tag). */
int fleet_selected(const opts *o);
/** Run `command` on the fleet the options select; prints a line per database and a summary. */
int fleet_cmd(rt_ctx *ctx, opts *o, const char *command);

#endif

/*
 * Reading the history table: `retort log` (the applied-history rows) and
 * the checksum comparison behind `validate` and `repair --checksums`.
 * SQL is composed only of dialect-neutral SELECTs, identifiers and
 * literals quoted by the dialect.
 */
#ifndef RT_HISTREAD_H
#define RT_HISTREAD_H

#include "runner.h"

/** One history-table row, newest first; every field owned (rt_free), NULL when the column is NULL. */
typedef struct rt_history_row {
	char *started_at, *user, *host, *direction, *revision, *outcome, *error;
	char *duration_ms; /* as the database printed it (digits), or NULL */
	char *run_id;      /* the run that wrote the row */
} rt_history_row;

typedef struct rt_history_rows {
	rt_history_row *v;
	size_t n, cap;
} rt_history_rows;

/** Which rows `retort log` reads: NULL/0 fields do not filter. */
typedef struct rt_history_filter {
	const char *revision; /* the revision id exactly */
	const char *outcome;  /* ok, failed, repaired */
	size_t limit;         /* at most this many rows (0: all) */
} rt_history_filter;

/**
 * The history table's rows matching f, newest first, into *rows (connects;
 * read-only; no table yet: no rows).  Free with rt_history_rows_free.
 */
int rt_db_history(rt_ctx *ctx, const rt_history_filter *f, rt_history_rows *rows);
void rt_history_rows_free(rt_history_rows *rows);

/** One applied revision whose checksum cannot be confirmed. */
typedef struct rt_checksum_issue {
	rt_revision *rev;
	char *applied; /* the checksum it was applied with (owned), NULL when none is recorded */
} rt_checksum_issue;

typedef struct rt_checksum_report {
	rt_checksum_issue *v; /* graph order; edited scripts and those with no recorded checksum */
	size_t n, cap;
	size_t applied;  /* how many revisions the database is at (rows and their ancestors) */
	size_t unknown;  /* of them, with no recorded checksum */
	size_t edited;   /* of them, whose script changed since */
} rt_checksum_report;

/**
 * Compare the scripts of the revisions the database is at (`cur`: the
 * version table's rows, already checked against the graph) with the
 * checksums recorded in the history table.  Connected context.
 */
int rt_db_check_checksums(rt_ctx *ctx, const rt_strv *cur, rt_checksum_report *rep);
void rt_checksum_report_free(rt_checksum_report *rep);

#endif

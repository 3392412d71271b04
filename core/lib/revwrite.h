/*
 * Writing a new revision script (`revision`, `merge`): the parents, the id,
 * the slug, the file name from file_template, the template filled, the file
 * created, the formatters run and the file read back.  The command line
 * parses the options and prints; everything else is here, where the unit
 * tests reach it (tests/unit/test_revwrite.c).
 */
#ifndef RT_REVWRITE_H
#define RT_REVWRITE_H

#include <time.h>

#include "runner.h"

/** A fresh random revision id: 12 lowercase hex digits, Alembic's form. */
void rt_rev_id_new(char out[13]);

/**
 * The slug of a message, as Alembic makes it: the runs of letters, digits
 * and `_` in lower case, joined by `_`; longer than `maxlen`, it is cut at
 * the last `_` before maxlen (ending with `_`).  Latin letters with marks
 * are written without them (`ü` -> `u`, `ß` -> `ss`, `æ` -> `ae`), combining
 * marks are dropped, and every other non-ASCII character separates words,
 * so file names stay ASCII.  A new string (rt_free; "" for a message
 * without a word), or NULL when out of memory (error set).
 */
char *rt_slugify(const char *message, int maxlen);

/**
 * The file name (without extension) that file_template `tpl` gives:
 * Alembic's tokens rev, slug (strings) and epoch, year, month, day, hour,
 * minute, second (integers, of `when` in UTC) with Python's %-format
 * conversions: `%(month).2d`, `%(day)02d`, `%(year)d`, `%(rev)s`,
 * `%(slug).20s`, `%(x)-8s` ...; `%%` is a `%`.  `%(month)s` and the other
 * date tokens with `s` are two digits (four for the year) as retort always
 * wrote them.  An unknown token, a conversion other than s (text) or
 * d/i/u/s (numbers), a lone `%`, or a name that is empty, hidden (leading
 * `.`) or holds a `/` is an error prefixed with `where` (the file:line of
 * file_template).  *out: a new string (rt_free).
 */
int rt_file_name_render(char **out, const char *tpl, const char *where, const char *rev, const char *slug,
                        time_t when);

/**
 * Fill a template: each `{{key}}` of keys[0..n) becomes vals[i]; a line
 * holding a key whose value is NULL is dropped (a base's down_revision);
 * any other `{{...}}` stays as written.  A new string (rt_free), NULL when
 * out of memory.
 */
char *rt_template_fill(const char *tpl, const char *const *keys, const char *const *vals, size_t n);

/** The built-in template of a format (`init` writes the .conf one as DIR/template.conf). */
const char *rt_template_builtin(retort_script_format fmt);

/** Create the file `path` holding `text`; an existing file is refused (error naming it). */
int rt_file_create(const char *path, const char *text);

/** What to write: a revision (`merge` NULL) or a merge. */
typedef struct rt_revwrite {
	const char *rev_id;           /* --rev-id, or NULL for a fresh one */
	const char *message;          /* written as given (the CLI supplies its default) */
	const char *head;             /* revision: --head (NULL: "head"; "base": a new root) */
	int splice;                   /* revision: the parent need not be a head */
	const rt_strv *merge;         /* merge: the revisions to merge as given (`heads` allowed) */
	const rt_strv *branch_labels; /* may be NULL */
	const rt_strv *depends_on;    /* may be NULL; prefixes are written as full ids, labels as given */
	retort_script_format format;  /* RETORT_FORMAT_CONF or RETORT_FORMAT_SQL */
	const char *version_path;     /* --version-path, or NULL */
	/* the operations' text for {{upgrade}} and {{downgrade}} (autogenerate), or NULL for none */
	const char *upgrade_text, *downgrade_text;
	/* called once the file exists, before the formatters run (the CLI's progress line); may be NULL */
	void (*written)(void *arg, const char *path);
	void *arg;
} rt_revwrite;

/**
 * Write the new revision script into a folder of version_locations (the
 * one there is, --version-path, or the parent's); nothing is written when
 * the id, a label, the parents or the file name are refused.  *rev and
 * *path (rt_free; may be NULL pointers) receive the id and the file written;
 * *path is also set when the file was written and a formatter then failed.
 * Fires script.written.
 */
int rt_revwrite_run(rt_ctx *ctx, const rt_revwrite *w, char **rev, char **path);

#endif

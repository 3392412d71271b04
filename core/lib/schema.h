/*
 * The schema model: a live database's schema as dialect-neutral data
 * (tables, columns, primary key, uniques, indexes, foreign keys, checks,
 * comments, enums), filled by a dialect's reflect method through the
 * builder made here, sorted deterministically, compared, and written as
 * a target-schema .conf file or as SQL DDL (schema_write.c,
 * schema_sql.c).  `retort schema dump` prints it; autogenerate, check and
 * `retort test` compare two of them.
 *
 * Ownership: an rt_schema owns every string and array in it; nothing
 * points outside.  Inputs (the retort_reflect_* structs) are copied.
 */
#ifndef RT_SCHEMA_H
#define RT_SCHEMA_H

#include <stdio.h>

#include <retort/schema.h>

#include "rt.h"

typedef struct rt_schema_column {
	char *name;
	int position; /* 1-based, as reported */
	char *type;
	int nullable;      /* 0/1 */
	int autoincrement; /* 0/1 */
	char *server_default; /* or NULL */
	char *comment;        /* or NULL */
	char *renamed_from;   /* a target schema's declaration, or NULL */
} rt_schema_column;

/* A primary key or a unique constraint. */
typedef struct rt_schema_key {
	char *name; /* or NULL: the database keeps none */
	rt_strv columns;
} rt_schema_key;

typedef struct rt_schema_index {
	char *name;
	rt_strv columns;  /* empty when `expression` is set */
	char *expression; /* the whole key list as SQL, or NULL */
	int unique;
	char *where; /* or NULL */
	retort_index_origin origin;
} rt_schema_index;

typedef struct rt_schema_fk {
	char *name; /* or NULL */
	rt_strv columns;
	char *ref_table;
	rt_strv ref_columns;
	char *on_delete; /* "cascade", "set null", "set default", "restrict", or NULL (no action) */
	char *on_update;
} rt_schema_fk;

typedef struct rt_schema_check {
	char *name; /* or NULL */
	char *expression;
} rt_schema_check;

typedef struct rt_schema_table {
	char *name;
	char *comment; /* or NULL */
	rt_schema_column *columns;
	size_t ncolumns, capcolumns;
	rt_schema_key *primary_key; /* or NULL */
	rt_schema_key *uniques;
	size_t nuniques, capuniques;
	rt_schema_index *indexes;
	size_t nindexes, capindexes;
	rt_schema_fk *fks;
	size_t nfks, capfks;
	rt_schema_check *checks;
	size_t nchecks, capchecks;
	char *renamed_from; /* a target schema's declaration, or NULL */
} rt_schema_table;

typedef struct rt_schema_enum {
	char *name;
	rt_strv values; /* in the type's order */
} rt_schema_enum;

typedef struct rt_schema {
	rt_schema_table *tables;
	size_t ntables, captables;
	rt_schema_enum *enums;
	size_t nenums, capenums;
	/* what the dialect found and could not describe: pairs (object, reason) */
	rt_strv unsupported_what, unsupported_why;
	/* tables never kept (retort's version and history tables), nor anything on them */
	rt_strv skip;
	unsigned long round_trips; /* counted by the dialect through the builder */
	long long reflect_ms;      /* time rt_schema_reflect spent in the dialect's reflect */
	/* name -> index + 1 into tables (open addressing; 0 = empty slot) */
	size_t *hash;
	size_t hashcap;
} rt_schema;

/** A new empty schema (NULL with "out of memory" set). */
rt_schema *rt_schema_new(void);
/** Free a schema; NULL is a no-op. */
void rt_schema_free(rt_schema *s);

/**
 * Add objects, copying them (the builder's callbacks and a target-schema
 * reader call these).  A table's name must be new; a column, index or
 * constraint names a table added before (RETORT_EINVAL otherwise, unless
 * that table is in s->skip: then it is dropped silently).
 */
int rt_schema_add_table(rt_schema *s, const char *name, const char *comment);
int rt_schema_add_column(rt_schema *s, const retort_reflect_column *c);
int rt_schema_add_index(rt_schema *s, const retort_reflect_index *ix);
int rt_schema_add_constraint(rt_schema *s, const retort_reflect_constraint *c);
int rt_schema_add_enum(rt_schema *s, const retort_reflect_enum *e);
int rt_schema_add_unsupported(rt_schema *s, const char *object, const char *reason);
/** The table called `name`, or NULL. */
rt_schema_table *rt_schema_find_table(const rt_schema *s, const char *name);

/**
 * The builder handed to a dialect's reflect: every callback adds to `s`
 * (the tables named in s->skip and what is on them are dropped) and
 * round_trip counts into s->round_trips.
 */
void rt_schema_builder_init(retort_schema_builder *b, rt_schema *s);

/**
 * Sort into the order every writer uses: tables and enums by name
 * (strcmp), columns by position, uniques/indexes/foreign keys/checks by
 * name with the unnamed ones after, among themselves by their columns
 * joined with "," then their expression.  Idempotent.
 */
void rt_schema_sort(rt_schema *s);

/**
 * Compare two sorted schemas.  Returns the number of differences (0:
 * equal); with `diffs` non-NULL, one line per difference is appended
 * ("table account: column email: type varchar(255) / text", first
 * schema's value then the second's; "table x: only in the first").
 * Indexes of origin foreign_key are compared too.  Round trips, timing
 * and the unsupported list are not part of the comparison.
 */
size_t rt_schema_compare(const rt_schema *a, const rt_schema *b, rt_strv *diffs);

/* ---- writers (schema_write.c) ---- */

/**
 * The .conf target-schema text (retort(1), "schema dump"), appended to b:
 * the schema must be sorted.  Indexes of origin foreign_key are left out.
 * Returns RETORT_OK or RETORT_ENOMEM.
 */
int rt_schema_write_conf(rt_buf *b, const rt_schema *s);
/** A libconfig string literal: quotes, and \\ \" \n \t \r \xNN escapes (bytes >= 0x80 as they are). */
int rt_conf_put_string(rt_buf *b, const char *s);
/**
 * "table(col, col)" for a foreign key's `references`, each name in double
 * quotes (with " doubled) unless it matches ^[A-Za-z_][A-Za-z0-9_$]*$.
 */
int rt_schema_references_format(rt_buf *b, const char *table, const char *const *cols, size_t n);
/**
 * The reverse: split `ref` into a table and its columns (new strings,
 * unquoted).  RETORT_EINVAL (no message set) when it is not of that form.
 */
int rt_schema_references_parse(const char *ref, char **table, rt_strv *cols);

/* ---- the target schema (schema_read.c) ---- */

/**
 * Read a target-schema .conf file (retort.conf(5), target_schema): the
 * layout `schema dump` writes, plus renamed_from on tables and columns,
 * primary_key = true and unique = true on columns, and unnamed indexes
 * (name NULL in the model).  Every mistake is RETORT_EINVAL with
 * "path:line: ..." set.  *out: a new sorted schema.
 */
int rt_schema_read_conf(const char *path, rt_schema **out);

/* ---- with a dialect (schema_sql.c) ---- */

struct rt_ctx;

/**
 * Connect (read-only as the context says) and reflect the live schema
 * into a new, sorted *out: the dialect's reflect method through the
 * builder, retort's version and history tables (the configured names)
 * left out.  A dialect without reflect is refused (RETORT_EINVAL, naming
 * it).  On error *out is untouched.
 */
int rt_schema_reflect(struct rt_ctx *ctx, rt_schema **out);

/**
 * The schema as SQL DDL for the context's dialect, rendered by its
 * render() as offline --sql prints statements: the dialect's session_sql,
 * BEGIN when its DDL is transactional, create_enum ops, create_table ops
 * in foreign-key order (a foreign key closing a cycle added afterwards by
 * create_foreign_key, or kept inline in CREATE TABLE when the dialect
 * cannot add one offline), create_index ops, COMMIT.  Nothing is written
 * to f unless all of it rendered.
 */
int rt_schema_write_sql(struct rt_ctx *ctx, const rt_schema *s, FILE *f);

#endif

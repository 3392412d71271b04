/*
 * Reflection: a dialect describes the live schema to a host-owned
 * builder, one object at a time (retort_dialect_vtable.reflect).
 *
 * The dialect reads its catalogs in a few batched queries (one per kind
 * of object for the whole schema, never one per table) and calls the
 * builder once per object.  Everything passed to the builder is borrowed
 * for the call: the host copies what it keeps.  The host sorts, so the
 * dialect may report objects in any order, but a table is reported
 * before anything that belongs to it.  The host drops retort's own
 * version and history tables and everything on them.
 *
 * Normalisation is the dialect's: a type reads back as the portable name
 * when it is one (`integer`, `varchar(20)`, `numeric(12,2)`, `boolean`,
 * `timestamptz`...), else as the database spells it, in lower case; a
 * server default reads back as the SQL expression the dialect's render()
 * would accept for it, without the database's decorations (casts added
 * by the catalog, redundant quoting, `now()` vs `CURRENT_TIMESTAMP`).
 * Reflecting a schema, rendering it and reflecting the result gives the
 * same description.
 *
 * Stability of this header (the rule is in <retort/plugin.h>): every
 * struct here is handed over alone, by pointer, and grows by appending;
 * test RETORT_STRUCT_HAS before reading a member newer than your headers.
 */
#ifndef RETORT_SCHEMA_H
#define RETORT_SCHEMA_H

#include <retort/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a dialect's normalize method is given (retort_dialect_vtable.normalize). */
typedef enum retort_normalize_kind {
	RETORT_NORMALIZE_TYPE = 1,      /**< a declared column type */
	RETORT_NORMALIZE_DEFAULT = 2,   /**< a server default (the column's declared type is given too) */
	RETORT_NORMALIZE_EXPRESSION = 3 /**< a check, an index expression or a partial index's predicate */
} retort_normalize_kind;

/** A table of the schema.  May grow. */
typedef struct retort_reflect_table {
	uint32_t size;
	const char *name;
	const char *comment; /**< or NULL */
} retort_reflect_table;

/** A column.  May grow. */
typedef struct retort_reflect_column {
	uint32_t size;
	const char *table;
	const char *name;
	int position;               /**< 1-based order in the table */
	const char *type;           /**< normalised (see above); a PostgreSQL enum column: the enum's name */
	int nullable;               /**< 0/1 */
	const char *server_default; /**< normalised SQL expression, or NULL */
	int autoincrement;          /**< 1: autoincrement, identity or serial (its default is then NULL) */
	const char *comment;        /**< or NULL */
} retort_reflect_column;

/** Where an index comes from. */
typedef enum retort_index_origin {
	RETORT_INDEX_USER = 0,       /**< created by CREATE INDEX (or a KEY clause) */
	RETORT_INDEX_FOREIGN_KEY = 1 /**< created by the database for a foreign key (MariaDB) */
} retort_index_origin;

/**
 * An index.  Indexes that back a primary key or a unique constraint are
 * not reported as indexes (the constraint is).  May grow.
 */
typedef struct retort_reflect_index {
	uint32_t size;
	const char *table;
	const char *name;
	const char *const *columns; /**< key columns in order; ncolumns 0 when `expression` is set */
	size_t ncolumns;
	/**
	 * When any key of the index is an expression: the whole key list as
	 * SQL, as it would stand between the parentheses of CREATE INDEX
	 * ("lower(email), id").  NULL for an index on plain columns.
	 */
	const char *expression;
	int unique;                 /**< 0/1 */
	const char *where;          /**< a partial index's predicate, or NULL */
	retort_index_origin origin;
} retort_reflect_index;

/** Constraint kinds.  Numbers are never reused. */
typedef enum retort_constraint_kind {
	RETORT_CONSTRAINT_PRIMARY_KEY = 1,
	RETORT_CONSTRAINT_UNIQUE = 2,
	RETORT_CONSTRAINT_FOREIGN_KEY = 3,
	RETORT_CONSTRAINT_CHECK = 4
} retort_constraint_kind;

/** A table constraint.  May grow. */
typedef struct retort_reflect_constraint {
	uint32_t size;
	retort_constraint_kind kind;
	const char *table;
	const char *name;           /**< NULL when the database keeps none */
	const char *const *columns; /**< primary key, unique, foreign key: in key order */
	size_t ncolumns;
	const char *expression;     /**< check: the condition, without CHECK and its outer parentheses */
	/* foreign key */
	const char *ref_table;
	const char *const *ref_columns;
	size_t nref_columns;
	const char *on_delete;      /**< "cascade", "set null", "set default", "restrict", or NULL for no action */
	const char *on_update;
} retort_reflect_constraint;

/** A named enumerated type (PostgreSQL's CREATE TYPE ... AS ENUM).  May grow. */
typedef struct retort_reflect_enum {
	uint32_t size;
	const char *name;
	const char *const *values; /**< in the type's sort order */
	size_t nvalues;
} retort_reflect_enum;

/**
 * The host's receiver.  Each callback returns RETORT_OK, or a negative
 * status that the dialect returns at once (it stops reflecting).  May
 * grow: a dialect calls a callback only when `size` covers it.
 */
typedef struct retort_schema_builder {
	uint32_t size;
	void *arg;
	int (*table)(void *arg, const retort_reflect_table *t);
	int (*column)(void *arg, const retort_reflect_column *c);
	int (*index)(void *arg, const retort_reflect_index *ix);
	int (*constraint)(void *arg, const retort_reflect_constraint *c);
	int (*enum_type)(void *arg, const retort_reflect_enum *e);
	/**
	 * An object the dialect found and cannot describe ("index ix_geo on
	 * places", "exclusion constraint ex_room on booking"): the host lists
	 * it on standard error and goes on with the rest.
	 */
	int (*unsupported)(void *arg, const char *object, const char *reason);
	/** Count one round trip to the database (reported by `schema dump` with -v and in bench/). */
	void (*round_trip)(void *arg);
} retort_schema_builder;

#ifdef __cplusplus
}
#endif
#endif

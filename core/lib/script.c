/*
 * Revision scripts: .conf (libconfig operations) and .sql (raw SQL with
 * `-- retort:` headers) read into rt_revision.
 *
 * Memory: the identity strings of a revision are rt_malloc'd and freed by
 * rt_revision_free.  Everything behind its operations lives in one store
 * (rev->ops_store, freed by rev->ops_free): an arena of chunks for the op
 * arrays and the strings retort builds, plus the parsed libconfig tree
 * (.conf: op strings point into it) or the file text (.sql: statements
 * point into it, NUL-terminated in place).  Nothing is copied twice.
 *
 * Rules the script format leaves open, as chosen here:
 *  - alter_column: `server_default = "expr"` sets a default ("" is an
 *    error), `drop_server_default = true` drops it; giving both is an error.
 *  - portable types are matched case-insensitively; a portable name must be
 *    well formed: varchar(n) with n >= 1; numeric, numeric(p) or
 *    numeric(p,s) with 1 <= p and 0 <= s <= p; the other portable names take
 *    no arguments.  Any other type is passed through verbatim.
 *  - op positions in messages count from 0: upgrade[0] is the first op.
 *  - `@include` is refused in .conf scripts: the checksum would not cover
 *    the included file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "rt.h"
#include "script.h"
#include "sqlsplit.h"

/* ---- op names and the keys each op takes ---- */

static const char *const K_CREATE_TABLE[] = {"table", "columns", "primary_key", "unique", "foreign_keys",
					     "checks", "comment", NULL};
static const char *const K_TABLE[] = {"table", NULL};
static const char *const K_RENAME_TABLE[] = {"table", "new_name", NULL};
static const char *const K_ADD_COLUMN[] = {"table", "column", NULL};
static const char *const K_ALTER_COLUMN[] = {"table", "column", "type", "nullable", "server_default",
					     "drop_server_default", "new_name", "comment", "existing_type",
					     "existing_nullable", "existing_server_default", "existing_comment",
					     NULL};
static const char *const K_CREATE_INDEX[] = {"name", "table", "columns", "unique", "where", "concurrently", NULL};
static const char *const K_DROP_INDEX[] = {"name", "table", "concurrently", NULL};
static const char *const K_NAMED_COLUMNS[] = {"name", "table", "columns", NULL};
static const char *const K_CREATE_FK[] = {"name", "table", "columns", "references", "ref_table", "ref_columns",
					  "on_delete", "on_update", NULL};
static const char *const K_CREATE_CHECK[] = {"name", "table", "expression", NULL};
static const char *const K_DROP_CONSTRAINT[] = {"name", "table", "type", NULL};
static const char *const K_BULK_INSERT[] = {"table", "rows", NULL};
static const char *const K_EXECUTE[] = {"sql", NULL};

static const char *const K_COLUMN[] = {"name", "type", "nullable", "primary_key", "autoincrement", "unique",
				       "server_default", "comment", NULL};
static const char *const K_CONSTRAINT[] = {"name", "columns", NULL};
static const char *const K_CHECK[] = {"name", "expression", NULL};
static const char *const K_FK[] = {"name", "columns", "references", "ref_table", "ref_columns", "on_delete",
				   "on_update", NULL};

/* Indexed by kind - 1. */
static const struct opdef {
	const char *name;
	retort_op_kind kind;
	const char *const *keys;
} opdefs[] = {
	{"create_table", RETORT_OP_CREATE_TABLE, K_CREATE_TABLE},
	{"drop_table", RETORT_OP_DROP_TABLE, K_TABLE},
	{"rename_table", RETORT_OP_RENAME_TABLE, K_RENAME_TABLE},
	{"add_column", RETORT_OP_ADD_COLUMN, K_ADD_COLUMN},
	{"drop_column", RETORT_OP_DROP_COLUMN, K_ADD_COLUMN},
	{"alter_column", RETORT_OP_ALTER_COLUMN, K_ALTER_COLUMN},
	{"create_index", RETORT_OP_CREATE_INDEX, K_CREATE_INDEX},
	{"drop_index", RETORT_OP_DROP_INDEX, K_DROP_INDEX},
	{"create_unique_constraint", RETORT_OP_CREATE_UNIQUE_CONSTRAINT, K_NAMED_COLUMNS},
	{"create_foreign_key", RETORT_OP_CREATE_FOREIGN_KEY, K_CREATE_FK},
	{"create_check_constraint", RETORT_OP_CREATE_CHECK_CONSTRAINT, K_CREATE_CHECK},
	{"create_primary_key", RETORT_OP_CREATE_PRIMARY_KEY, K_NAMED_COLUMNS},
	{"drop_constraint", RETORT_OP_DROP_CONSTRAINT, K_DROP_CONSTRAINT},
	{"bulk_insert", RETORT_OP_BULK_INSERT, K_BULK_INSERT},
	{"execute", RETORT_OP_EXECUTE, K_EXECUTE},
};
#define NOPDEFS (sizeof opdefs / sizeof opdefs[0])

retort_op_kind rt_op_kind_from_name(const char *name)
{
	size_t i;
	if (!name)
		return (retort_op_kind)0;
	for (i = 0; i < NOPDEFS; i++)
		if (strcmp(opdefs[i].name, name) == 0)
			return opdefs[i].kind;
	return (retort_op_kind)0;
}

const char *rt_op_kind_name(retort_op_kind kind)
{
	if ((int)kind < 1 || (size_t)kind > NOPDEFS)
		return NULL;
	return opdefs[kind - 1].name;
}

static int has_suffix(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

int rt_script_is_script_name(const char *name)
{
	size_t n;
	if (!name || name[0] == '.' || name[0] == '\0')
		return 0;
	if (strcmp(name, "template.conf") == 0 || strcmp(name, "template.sql") == 0 ||
	    strcmp(name, "schema.conf") == 0)
		return 0;
	n = strlen(name);
	return has_suffix(name, n, ".conf") || has_suffix(name, n, ".sql");
}

/* ---- the store behind one revision's ops ---- */

#define ARENA_ALIGN ((size_t)16)
#define ARENA_CHUNK ((size_t)4096)

typedef struct chunk {
	struct chunk *next;
	size_t used;
	size_t cap;
} chunk;

#define CHUNK_HDR ((sizeof(chunk) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1))

typedef struct store {
	chunk *chunks; /* the first one is the one being filled */
	config_t *cfg; /* .conf: the parsed tree (op strings point into it) */
	char *text;    /* .sql: the file (statements point into it) */
} store;

static void store_free(void *p)
{
	store *st = p;
	chunk *c, *next;
	if (!st)
		return;
	for (c = st->chunks; c; c = next) {
		next = c->next;
		rt_free(c);
	}
	if (st->cfg) {
		config_destroy(st->cfg);
		rt_free(st->cfg);
	}
	rt_free(st->text);
	rt_free(st);
}

/* Zeroed, aligned memory owned by the store; NULL when out of memory. */
static void *store_alloc(store *st, size_t n)
{
	chunk *c = st->chunks;
	char *p;
	n = n ? (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1) : ARENA_ALIGN;
	if (!c || c->cap - c->used < n) {
		int big = n > ARENA_CHUNK / 2;
		size_t cap = big ? n : ARENA_CHUNK;
		chunk *nc = rt_malloc(CHUNK_HDR + cap);
		if (!nc)
			return NULL;
		nc->used = 0;
		nc->cap = cap;
		if (big && c) { /* keep filling the current chunk */
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			st->chunks = nc;
		}
		c = nc;
	}
	p = (char *)c + CHUNK_HDR + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static char *store_strndup(store *st, const char *s, size_t n)
{
	char *d = store_alloc(st, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* ---- files ---- */

/* The whole file, NUL-terminated; like rt_file_read without the copies. */
static int read_file(char **out, size_t *len, const char *path)
{
	struct stat sb;
	size_t cap, n = 0;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd, rc = RETORT_OK;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		rt_error_set("%s: cannot open: %s", path, strerror(errno));
		return errno == ENOENT ? RETORT_EINVAL : RETORT_ERROR;
	}
	if (fstat(fd, &sb) != 0)
		memset(&sb, 0, sizeof sb);
	cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096;
	buf = rt_malloc(cap);
	if (!buf) {
		rc = RETORT_ENOMEM;
		rt_error_set("out of memory");
		goto done;
	}
	for (;;) {
		/* a regular file of the size fstat gave: no need to read its EOF */
		if (S_ISREG(sb.st_mode) && sb.st_size > 0 && n == (size_t)sb.st_size)
			break;
		if (n + 1 >= cap) {
			nb = rt_realloc(buf, cap * 2);
			if (!nb) {
				rc = RETORT_ENOMEM;
				rt_error_set("out of memory");
				goto done;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rt_error_set("%s: read error: %s", path, strerror(errno));
			rc = RETORT_ERROR;
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
done:
	rt_free(buf);
	close(fd);
	return rc;
}

static retort_script_format format_of(const char *path)
{
	size_t n = strlen(path);
	if (has_suffix(path, n, ".conf"))
		return RETORT_FORMAT_CONF;
	if (has_suffix(path, n, ".sql"))
		return RETORT_FORMAT_SQL;
	return (retort_script_format)0;
}

/* An id, label or dependency: non-empty, no white space or control characters. */
static int bad_word(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 1;
	return 0;
}

/* ---- .conf: identity ---- */

static int fail_at(const char *path, const config_setting_t *s, const char *fmt, ...) RT_PRINTF(3, 4);
static int fail_at(const char *path, const config_setting_t *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_error_set("%s:%d: %s", path, s ? config_setting_source_line(s) : 0, msg);
	return RETORT_EINVAL;
}

/* A string or an array/list of strings, appended to sv. */
static int conf_words(rt_strv *sv, const char *path, const config_setting_t *s, const char *key)
{
	int i, n, type = config_setting_type(s);
	if (type == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);
		if (bad_word(v))
			return fail_at(path, s, "'%s' must not be empty or contain white space", key);
		RT_CHECK_ALLOC(rt_strv_push(sv, v) == 0 ? sv : NULL);
		return RETORT_OK;
	}
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return fail_at(path, s, "'%s' must be a string or an array of strings", key);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v;
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail_at(path, e, "'%s' must be a string or an array of strings", key);
		v = config_setting_get_string(e);
		if (bad_word(v))
			return fail_at(path, e, "'%s' must not be empty or contain white space", key);
		RT_CHECK_ALLOC(rt_strv_push(sv, v) == 0 ? sv : NULL);
	}
	return RETORT_OK;
}

static int conf_string(char **out, const char *path, const config_setting_t *s, const char *key)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail_at(path, s, "'%s' must be a string", key);
	if (*out)
		return fail_at(path, s, "'%s' given twice", key);
	*out = rt_strdup(config_setting_get_string(s));
	RT_CHECK_ALLOC(*out);
	return RETORT_OK;
}

static int conf_ident(rt_revision *rev, const config_t *cfg)
{
	const config_setting_t *root = config_root_setting(cfg);
	int i, n = config_setting_length(root), rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *key = config_setting_name(s);
		rc = RETORT_OK;
		if (strcmp(key, "revision") == 0) {
			if ((rc = conf_string(&rev->id, rev->path, s, key)) < 0)
				return rc;
			if (bad_word(rev->id))
				return fail_at(rev->path, s, "'revision' must not be empty or contain white space");
			rev->id_line = config_setting_source_line(s);
		} else if (strcmp(key, "down_revision") == 0) {
			rc = conf_words(&rev->parents, rev->path, s, key);
		} else if (strcmp(key, "branch_labels") == 0) {
			rc = conf_words(&rev->labels, rev->path, s, key);
		} else if (strcmp(key, "depends_on") == 0) {
			rc = conf_words(&rev->depends_on, rev->path, s, key);
		} else if (strcmp(key, "message") == 0) {
			rc = conf_string(&rev->message, rev->path, s, key);
		} else if (strcmp(key, "create_date") == 0) {
			rc = conf_string(&rev->create_date, rev->path, s, key);
		} else if (strcmp(key, "upgrade") == 0 || strcmp(key, "downgrade") == 0) {
			int type = config_setting_type(s);
			if (type != CONFIG_TYPE_LIST && !(type == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0))
				return fail_at(rev->path, s, "'%s' must be a list of operations: %s = ( { op = \"...\"; ... } );",
					       key, key);
		} else {
			return fail_at(rev->path, s, "unknown key '%s'", key);
		}
		if (rc < 0)
			return rc;
	}
	if (!rev->id) {
		rt_error_set("%s: no revision id (revision = \"...\";)", rev->path);
		return RETORT_EINVAL;
	}
	return RETORT_OK;
}

/* ---- .conf: operations ---- */

typedef struct opctx {
	const char *path;
	store *st;
	const char *section; /* "upgrade" or "downgrade" */
	unsigned index;
	const char *opname; /* NULL until known */
	int line;           /* the op group's line */
} opctx;

static int op_fail(const opctx *c, const config_setting_t *at, const char *fmt, ...) RT_PRINTF(3, 4);
static int op_fail(const opctx *c, const config_setting_t *at, const char *fmt, ...)
{
	char msg[1024];
	int line = at ? config_setting_source_line(at) : 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line <= 0)
		line = c->line;
	if (c->opname)
		rt_error_set("%s:%d: %s[%u] (%s): %s", c->path, line, c->section, c->index, c->opname, msg);
	else
		rt_error_set("%s:%d: %s[%u]: %s", c->path, line, c->section, c->index, msg);
	return RETORT_EINVAL;
}

static int nomem(void)
{
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

#define F_REQ 1      /* required */
#define F_EMPTY_OK 2 /* "" allowed */

static config_setting_t *member(const config_setting_t *g, const char *key)
{
	return config_setting_get_member(g, key);
}

static int check_keys(const opctx *c, const config_setting_t *g, const char *where, const char *const *keys, int op)
{
	int i, n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		const char *const *k;
		if (op && (strcmp(name, "op") == 0 || strcmp(name, "dialect") == 0))
			continue;
		for (k = keys; *k; k++)
			if (strcmp(*k, name) == 0)
				break;
		if (!*k)
			return op_fail(c, s, "%sunknown key '%s'", where, name);
	}
	return RETORT_OK;
}

static int get_str(const char **out, const opctx *c, const config_setting_t *g, const char *where, const char *key,
		   int flags)
{
	const config_setting_t *s = member(g, key);
	const char *v;
	if (!s) {
		if (flags & F_REQ)
			return op_fail(c, g, "%smissing required key '%s'", where, key);
		return RETORT_OK;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return op_fail(c, s, "%s'%s' must be a string", where, key);
	v = config_setting_get_string(s);
	if (!*v && !(flags & F_EMPTY_OK))
		return op_fail(c, s, "%s'%s' must not be empty", where, key);
	*out = v;
	return RETORT_OK;
}

/* A boolean; *out = dflt when absent. */
static int get_bool(int *out, const opctx *c, const config_setting_t *g, const char *where, const char *key, int dflt)
{
	const config_setting_t *s = member(g, key);
	if (!s) {
		*out = dflt;
		return RETORT_OK;
	}
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return op_fail(c, s, "%s'%s' must be true or false", where, key);
	*out = config_setting_get_bool(s) ? 1 : 0;
	return RETORT_OK;
}

/* A non-empty array (or list) of non-empty strings. */
static int get_names(const char *const **out, size_t *nout, const opctx *c, const config_setting_t *g,
		     const char *where, const char *key, int flags)
{
	const config_setting_t *s = member(g, key);
	const char **v;
	int i, n, type;
	if (!s) {
		if (flags & F_REQ)
			return op_fail(c, g, "%smissing required key '%s'", where, key);
		return RETORT_OK;
	}
	type = config_setting_type(s);
	n = config_setting_length(s);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return op_fail(c, s, "%s'%s' must be an array of strings: %s = [ \"a\", \"b\" ]", where, key, key);
	if (n == 0)
		return op_fail(c, s, "%s'%s' must not be empty", where, key);
	v = store_alloc(c->st, (size_t)n * sizeof *v);
	if (!v)
		return nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return op_fail(c, e, "%s'%s' must be an array of strings: %s = [ \"a\", \"b\" ]", where, key,
				       key);
		v[i] = config_setting_get_string(e);
		if (!*v[i])
			return op_fail(c, e, "%s'%s' must not contain an empty name", where, key);
	}
	*out = v;
	*nout = (size_t)n;
	return RETORT_OK;
}

/* A list of groups (possibly empty when optional); *n = 0 when absent. */
static int get_groups(const config_setting_t **out, int *n, const opctx *c, const config_setting_t *g,
		      const char *where, const char *key, int flags)
{
	const config_setting_t *s = member(g, key);
	int i, type;
	*out = NULL;
	*n = 0;
	if (!s) {
		if (flags & F_REQ)
			return op_fail(c, g, "%smissing required key '%s'", where, key);
		return RETORT_OK;
	}
	type = config_setting_type(s);
	if (type == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)
		type = CONFIG_TYPE_LIST;
	if (type != CONFIG_TYPE_LIST)
		return op_fail(c, s, "%s'%s' must be a list of groups: %s = ( { ... }, ... )", where, key, key);
	*n = config_setting_length(s);
	if (*n == 0 && (flags & F_REQ))
		return op_fail(c, s, "%s'%s' must not be empty", where, key);
	for (i = 0; i < *n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			return op_fail(c, e, "%s'%s' must be a list of groups: %s = ( { ... }, ... )", where, key,
				       key);
	}
	*out = s;
	return RETORT_OK;
}

/* ---- portable types ---- */

static const char *const portable_types[] = {"integer", "bigint", "smallint", "boolean", "varchar", "text",
					     "numeric", "real", "double", "date", "time", "timestamp",
					     "timestamptz", "blob", "json", "uuid", NULL};

static const char *skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Reads up to 3 unsigned ints of "(a, b)"; returns the count or -1 when malformed. */
static int type_args(long *args, const char *p)
{
	int n = 0;
	p = skip_sp(p);
	if (*p != '(')
		return -1;
	p = skip_sp(p + 1);
	for (;;) {
		long v = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			if (v < 100000)
				v = v * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (!digits || n == 3)
			return -1;
		args[n++] = v;
		p = skip_sp(p);
		if (*p == ',') {
			p = skip_sp(p + 1);
			continue;
		}
		if (*p != ')')
			return -1;
		p = skip_sp(p + 1);
		return *p ? -1 : n;
	}
}

/* NULL when `t` is acceptable, else what is wrong with it. */
static const char *type_problem(const char *t)
{
	size_t n = strcspn(t, "("), k;
	const char *const *pt;
	long args[3];
	int nargs;
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	for (pt = portable_types; *pt; pt++)
		if (strlen(*pt) == n && strncasecmp(*pt, t, n) == 0)
			break;
	if (!*pt)
		return NULL; /* verbatim */
	k = strcspn(t, "(");
	if (strcmp(*pt, "varchar") == 0) {
		nargs = t[k] ? type_args(args, t + k) : 0;
		if (nargs != 1 || args[0] < 1)
			return "varchar needs a length: varchar(n) with n >= 1";
		return NULL;
	}
	if (strcmp(*pt, "numeric") == 0) {
		if (!t[k])
			return NULL;
		nargs = type_args(args, t + k);
		if (nargs == 1 && args[0] >= 1)
			return NULL;
		if (nargs == 2 && args[0] >= 1 && args[1] <= args[0])
			return NULL;
		return "numeric takes numeric(p) or numeric(p,s) with 1 <= p and 0 <= s <= p";
	}
	if (t[k])
		return "this portable type takes no arguments";
	return NULL;
}

static int get_type(const char **out, const opctx *c, const config_setting_t *g, const char *where, const char *key,
		    int flags)
{
	const char *why;
	int rc = get_str(out, c, g, where, key, flags);
	if (rc < 0 || !*out)
		return rc;
	if ((why = type_problem(*out)) != NULL)
		return op_fail(c, member(g, key), "%sbad type '%s': %s", where, *out, why);
	return RETORT_OK;
}

/* ---- pieces of ops ---- */

static int parse_column(retort_column *col, const opctx *c, const config_setting_t *g, const char *where)
{
	int rc;
	col->size = sizeof *col;
	if ((rc = check_keys(c, g, where, K_COLUMN, 0)) < 0 || (rc = get_str(&col->name, c, g, where, "name", F_REQ)) < 0 ||
	    (rc = get_type(&col->type, c, g, where, "type", F_REQ)) < 0 ||
	    (rc = get_bool(&col->nullable, c, g, where, "nullable", RETORT_UNSET)) < 0 ||
	    (rc = get_bool(&col->primary_key, c, g, where, "primary_key", 0)) < 0 ||
	    (rc = get_bool(&col->autoincrement, c, g, where, "autoincrement", 0)) < 0 ||
	    (rc = get_bool(&col->unique, c, g, where, "unique", 0)) < 0 ||
	    (rc = get_str(&col->server_default, c, g, where, "server_default", 0)) < 0 ||
	    (rc = get_str(&col->comment, c, g, where, "comment", F_EMPTY_OK)) < 0)
		return rc;
	return RETORT_OK;
}

/* "cascade", "set null", ...: the canonical spelling. */
static int get_action(const char **out, const opctx *c, const config_setting_t *g, const char *where, const char *key)
{
	static const char *const actions[] = {"cascade", "set null", "set default", "restrict", "no action", NULL};
	const char *const *a;
	const char *v = NULL;
	int rc = get_str(&v, c, g, where, key, 0);
	if (rc < 0 || !v)
		return rc;
	for (a = actions; *a; a++)
		if (strcasecmp(*a, v) == 0) {
			*out = *a;
			return RETORT_OK;
		}
	return op_fail(c, member(g, key), "%s'%s' must be one of cascade, set null, set default, restrict, no action",
		       where, key);
}

/* "table(c1, c2)" into ref_table and ref_columns. */
static int parse_references(retort_foreign_key *fk, const opctx *c, const config_setting_t *s, const char *where)
{
	const char *r = config_setting_get_string(s), *lp, *rp, *p;
	const char **cols;
	size_t n = 1, i = 0, tl;
	if (!(lp = strchr(r, '(')) || !(rp = strrchr(r, ')')) || rp < lp || *skip_sp(rp + 1))
		goto bad;
	for (tl = (size_t)(lp - r); tl > 0 && (r[tl - 1] == ' ' || r[tl - 1] == '\t'); tl--)
		;
	p = skip_sp(r);
	if (p >= r + tl)
		goto bad;
	if (!(fk->ref_table = store_strndup(c->st, p, (size_t)(r + tl - p))))
		return nomem();
	for (p = lp + 1; p < rp; p++)
		n += *p == ',';
	if (!(cols = store_alloc(c->st, n * sizeof *cols)))
		return nomem();
	for (p = lp + 1; i < n; i++) {
		const char *e = p, *b;
		while (e < rp && *e != ',')
			e++;
		b = skip_sp(p);
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == b)
			goto bad;
		if (!(cols[i] = store_strndup(c->st, b, (size_t)(e - b))))
			return nomem();
		p = strchr(p, ',');
		p = p && p < rp ? p + 1 : rp;
	}
	fk->ref_columns = cols;
	fk->nref_columns = n;
	return RETORT_OK;
bad:
	return op_fail(c, s, "%s'references' must look like \"table(column, ...)\"", where);
}

static int parse_fk(retort_foreign_key *fk, const opctx *c, const config_setting_t *g, const char *where,
		    int name_flags)
{
	const config_setting_t *refs = member(g, "references");
	int rc;
	fk->size = sizeof *fk;
	if ((rc = get_str(&fk->name, c, g, where, "name", name_flags)) < 0 ||
	    (rc = get_names(&fk->columns, &fk->ncolumns, c, g, where, "columns", F_REQ)) < 0 ||
	    (rc = get_action(&fk->on_delete, c, g, where, "on_delete")) < 0 ||
	    (rc = get_action(&fk->on_update, c, g, where, "on_update")) < 0)
		return rc;
	if (refs) {
		if (member(g, "ref_table") || member(g, "ref_columns"))
			return op_fail(c, refs, "%sgive either 'references' or 'ref_table' and 'ref_columns'", where);
		if (config_setting_type(refs) != CONFIG_TYPE_STRING)
			return op_fail(c, refs, "%s'references' must be a string", where);
		if ((rc = parse_references(fk, c, refs, where)) < 0)
			return rc;
	} else {
		if (!member(g, "ref_table"))
			return op_fail(c, g, "%smissing required key 'references' (or 'ref_table' and 'ref_columns')",
				       where);
		if ((rc = get_str(&fk->ref_table, c, g, where, "ref_table", F_REQ)) < 0 ||
		    (rc = get_names(&fk->ref_columns, &fk->nref_columns, c, g, where, "ref_columns", F_REQ)) < 0)
			return rc;
	}
	if (fk->ncolumns != fk->nref_columns)
		return op_fail(c, refs ? refs : g, "%sforeign key has %zu column(s) but references %zu", where,
			       fk->ncolumns, fk->nref_columns);
	return RETORT_OK;
}

static int parse_create_table(retort_op *op, const opctx *c, const config_setting_t *g)
{
	const config_setting_t *list;
	char where[64];
	int i, j, n, rc;
	retort_column *cols;
	retort_constraint *ks;
	retort_foreign_key *fks;

	if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
	    (rc = get_str(&op->comment, c, g, "", "comment", F_EMPTY_OK)) < 0 ||
	    (rc = get_groups(&list, &n, c, g, "", "columns", F_REQ)) < 0)
		return rc;
	if (!(cols = store_alloc(c->st, (size_t)n * sizeof *cols)))
		return nomem();
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof where, "columns[%d]: ", i);
		if ((rc = parse_column(&cols[i], c, config_setting_get_elem(list, (unsigned)i), where)) < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(cols[j].name, cols[i].name) == 0)
				return op_fail(c, config_setting_get_elem(list, (unsigned)i),
					       "%sduplicate column '%s'", where, cols[i].name);
	}
	op->columns = cols;
	op->ncolumns = (size_t)n;

	if ((list = member(g, "primary_key")) != NULL) {
		if (config_setting_type(list) != CONFIG_TYPE_GROUP)
			return op_fail(c, list, "'primary_key' must be a group: primary_key = { columns = [ ... ]; }");
		if (!(ks = store_alloc(c->st, sizeof *ks)))
			return nomem();
		ks->size = sizeof *ks;
		if ((rc = check_keys(c, list, "primary_key: ", K_CONSTRAINT, 0)) < 0 ||
		    (rc = get_str(&ks->name, c, list, "primary_key: ", "name", 0)) < 0 ||
		    (rc = get_names(&ks->columns, &ks->ncolumns, c, list, "primary_key: ", "columns", F_REQ)) < 0)
			return rc;
		op->primary_key = ks;
	}

	if ((rc = get_groups(&list, &n, c, g, "", "unique", 0)) < 0)
		return rc;
	if (n > 0) {
		if (!(ks = store_alloc(c->st, (size_t)n * sizeof *ks)))
			return nomem();
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
			snprintf(where, sizeof where, "unique[%d]: ", i);
			ks[i].size = sizeof ks[i];
			if ((rc = check_keys(c, e, where, K_CONSTRAINT, 0)) < 0 ||
			    (rc = get_str(&ks[i].name, c, e, where, "name", 0)) < 0 ||
			    (rc = get_names(&ks[i].columns, &ks[i].ncolumns, c, e, where, "columns", F_REQ)) < 0)
				return rc;
		}
		op->uniques = ks;
		op->nuniques = (size_t)n;
	}

	if ((rc = get_groups(&list, &n, c, g, "", "foreign_keys", 0)) < 0)
		return rc;
	if (n > 0) {
		if (!(fks = store_alloc(c->st, (size_t)n * sizeof *fks)))
			return nomem();
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
			snprintf(where, sizeof where, "foreign_keys[%d]: ", i);
			if ((rc = check_keys(c, e, where, K_FK, 0)) < 0 || (rc = parse_fk(&fks[i], c, e, where, 0)) < 0)
				return rc;
		}
		op->foreign_keys = fks;
		op->nforeign_keys = (size_t)n;
	}

	if ((rc = get_groups(&list, &n, c, g, "", "checks", 0)) < 0)
		return rc;
	if (n > 0) {
		if (!(ks = store_alloc(c->st, (size_t)n * sizeof *ks)))
			return nomem();
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
			snprintf(where, sizeof where, "checks[%d]: ", i);
			ks[i].size = sizeof ks[i];
			if ((rc = check_keys(c, e, where, K_CHECK, 0)) < 0 ||
			    (rc = get_str(&ks[i].name, c, e, where, "name", 0)) < 0 ||
			    (rc = get_str(&ks[i].expression, c, e, where, "expression", F_REQ)) < 0)
				return rc;
		}
		op->checks = ks;
		op->nchecks = (size_t)n;
	}
	return RETORT_OK;
}

static int parse_alter_column(retort_op *op, const opctx *c, const config_setting_t *g)
{
	int drop = 0, rc;
	if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
	    (rc = get_str(&op->column, c, g, "", "column", F_REQ)) < 0 ||
	    (rc = get_type(&op->type, c, g, "", "type", 0)) < 0 ||
	    (rc = get_bool(&op->nullable, c, g, "", "nullable", RETORT_UNSET)) < 0 ||
	    (rc = get_str(&op->server_default, c, g, "", "server_default", 0)) < 0 ||
	    (rc = get_bool(&drop, c, g, "", "drop_server_default", 0)) < 0 ||
	    (rc = get_str(&op->new_name, c, g, "", "new_name", 0)) < 0 ||
	    (rc = get_str(&op->comment, c, g, "", "comment", F_EMPTY_OK)) < 0 ||
	    (rc = get_type(&op->existing_type, c, g, "", "existing_type", 0)) < 0 ||
	    (rc = get_bool(&op->existing_nullable, c, g, "", "existing_nullable", RETORT_UNSET)) < 0 ||
	    (rc = get_str(&op->existing_server_default, c, g, "", "existing_server_default", 0)) < 0 ||
	    (rc = get_str(&op->existing_comment, c, g, "", "existing_comment", F_EMPTY_OK)) < 0)
		return rc;
	if (drop && op->server_default)
		return op_fail(c, member(g, "drop_server_default"),
			       "'server_default' and 'drop_server_default' cannot both be given");
	op->set_server_default = op->server_default || drop;
	if (!op->type && op->nullable == RETORT_UNSET && !op->set_server_default && !op->new_name && !op->comment)
		return op_fail(c, g,
			       "nothing to change: give type, nullable, server_default, drop_server_default, new_name "
			       "or comment");
	return RETORT_OK;
}

static int format_value(retort_value *v, const opctx *c, const config_setting_t *s, const char *where)
{
	char buf[64];
	int prec;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		v->type = RETORT_VALUE_STRING;
		v->text = config_setting_get_string(s);
		return RETORT_OK;
	case CONFIG_TYPE_BOOL:
		v->type = RETORT_VALUE_BOOL;
		v->text = config_setting_get_bool(s) ? "1" : "0";
		return RETORT_OK;
	case CONFIG_TYPE_INT:
		v->type = RETORT_VALUE_INT;
		snprintf(buf, sizeof buf, "%d", config_setting_get_int(s));
		break;
	case CONFIG_TYPE_INT64:
		v->type = RETORT_VALUE_INT;
		snprintf(buf, sizeof buf, "%lld", config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_FLOAT: {
		double d = config_setting_get_float(s);
		v->type = RETORT_VALUE_FLOAT;
		/* the shortest text that reads back as the same double */
		for (prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof buf, "%.*g", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
		break;
	}
	default:
		return op_fail(c, s, "%svalue of '%s' must be a number, a string or a boolean", where,
			       config_setting_name(s));
	}
	if (!(v->text = store_strndup(c->st, buf, strlen(buf))))
		return nomem();
	return RETORT_OK;
}

static int parse_bulk_insert(retort_op *op, const opctx *c, const config_setting_t *g)
{
	const config_setting_t *rows;
	const char **names;
	retort_value *vals;
	char where[64];
	size_t total = 0, ncols = 0, k;
	int i, j, n, m, rc;

	if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
	    (rc = get_groups(&rows, &n, c, g, "", "rows", F_REQ)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		total += (size_t)config_setting_length(config_setting_get_elem(rows, (unsigned)i));
	if (total == 0)
		return op_fail(c, rows, "'rows' has no values");
	if (!(names = store_alloc(c->st, total * sizeof *names)))
		return nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *row = config_setting_get_elem(rows, (unsigned)i);
		m = config_setting_length(row);
		for (j = 0; j < m; j++) {
			const char *name = config_setting_name(config_setting_get_elem(row, (unsigned)j));
			for (k = 0; k < ncols && strcmp(names[k], name) != 0; k++)
				;
			if (k == ncols)
				names[ncols++] = name;
		}
	}
	if (!(vals = store_alloc(c->st, (size_t)n * ncols * sizeof *vals)))
		return nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *row = config_setting_get_elem(rows, (unsigned)i);
		snprintf(where, sizeof where, "rows[%d]: ", i);
		m = config_setting_length(row);
		for (j = 0; j < m; j++) {
			const config_setting_t *s = config_setting_get_elem(row, (unsigned)j);
			const char *name = config_setting_name(s);
			for (k = 0; strcmp(names[k], name) != 0; k++)
				;
			if ((rc = format_value(&vals[(size_t)i * ncols + k], c, s, where)) < 0)
				return rc;
		}
	}
	op->column_names = names;
	op->ncolumn_names = ncols;
	op->rows = vals;
	op->nrows = (size_t)n;
	return RETORT_OK;
}

static int parse_op_body(retort_op *op, const opctx *c, const config_setting_t *g)
{
	const config_setting_t *s;
	retort_column *col;
	retort_foreign_key *fk;
	const char *type = NULL;
	int rc = RETORT_OK;

	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		return parse_create_table(op, c, g);
	case RETORT_OP_DROP_TABLE:
		return get_str(&op->table, c, g, "", "table", F_REQ);
	case RETORT_OP_RENAME_TABLE:
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_str(&op->new_name, c, g, "", "new_name", F_REQ);
	case RETORT_OP_ADD_COLUMN:
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		if (!(s = member(g, "column")))
			return op_fail(c, g, "missing required key 'column'");
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return op_fail(c, s, "'column' must be a group: column = { name = \"...\"; type = \"...\"; }");
		if (!(col = store_alloc(c->st, sizeof *col)))
			return nomem();
		if ((rc = parse_column(col, c, s, "column: ")) < 0)
			return rc;
		op->columns = col;
		op->ncolumns = 1;
		return RETORT_OK;
	case RETORT_OP_DROP_COLUMN:
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_str(&op->column, c, g, "", "column", F_REQ);
	case RETORT_OP_ALTER_COLUMN:
		return parse_alter_column(op, c, g);
	case RETORT_OP_CREATE_INDEX:
		if ((rc = get_str(&op->name, c, g, "", "name", 0)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
		    (rc = get_names(&op->column_names, &op->ncolumn_names, c, g, "", "columns", F_REQ)) < 0 ||
		    (rc = get_bool(&op->unique, c, g, "", "unique", 0)) < 0 ||
		    (rc = get_str(&op->where, c, g, "", "where", 0)) < 0 ||
		    (rc = get_bool(&op->concurrently, c, g, "", "concurrently", 0)) < 0)
			return rc;
		return RETORT_OK;
	case RETORT_OP_DROP_INDEX:
		if ((rc = get_str(&op->name, c, g, "", "name", F_REQ)) < 0 ||
		    (rc = get_bool(&op->concurrently, c, g, "", "concurrently", 0)) < 0)
			return rc;
		return get_str(&op->table, c, g, "", "table", 0);
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
	case RETORT_OP_CREATE_PRIMARY_KEY:
		if ((rc = get_str(&op->name, c, g, "", "name", 0)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_names(&op->column_names, &op->ncolumn_names, c, g, "", "columns", F_REQ);
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (!(fk = store_alloc(c->st, sizeof *fk)))
			return nomem();
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
		    (rc = parse_fk(fk, c, g, "", 0)) < 0)
			return rc;
		op->name = fk->name;
		op->foreign_keys = fk;
		op->nforeign_keys = 1;
		return RETORT_OK;
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		if ((rc = get_str(&op->name, c, g, "", "name", 0)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_str(&op->expression, c, g, "", "expression", F_REQ);
	case RETORT_OP_DROP_CONSTRAINT:
		if ((rc = get_str(&op->name, c, g, "", "name", F_REQ)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
		    (rc = get_str(&type, c, g, "", "type", 0)) < 0)
			return rc;
		if (type) {
			static const char *const types[] = {"unique", "foreignkey", "check", "primary", NULL};
			const char *const *t;
			for (t = types; *t && strcmp(*t, type) != 0; t++)
				;
			if (!*t)
				return op_fail(c, member(g, "type"),
					       "'type' must be one of unique, foreignkey, check, primary");
			op->constraint_type = *t;
		}
		return RETORT_OK;
	case RETORT_OP_BULK_INSERT:
		return parse_bulk_insert(op, c, g);
	case RETORT_OP_EXECUTE:
		return get_str(&op->sql, c, g, "", "sql", F_REQ);
	}
	return RETORT_OK;
}

static int parse_conf_ops(retort_op **out, size_t *nout, opctx *c, const config_setting_t *list, const char *path)
{
	retort_op *ops = NULL;
	int i, n = list ? config_setting_length(list) : 0, rc;
	if (n > 0 && !(ops = store_alloc(c->st, (size_t)n * sizeof *ops)))
		return nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		const config_setting_t *os;
		retort_op *op = &ops[i];
		const char *name = NULL;
		retort_op_kind kind;

		c->index = (unsigned)i;
		c->opname = NULL;
		c->line = config_setting_source_line(g);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return op_fail(c, g, "an operation must be a group: { op = \"...\"; ... }");
		if ((rc = get_str(&name, c, g, "", "op", F_REQ)) < 0)
			return rc;
		os = member(g, "op");
		if (!(kind = rt_op_kind_from_name(name)))
			return op_fail(c, os, "unknown operation '%s'", name);
		c->opname = opdefs[kind - 1].name;
		op->size = sizeof *op;
		op->kind = kind;
		op->file = path;
		op->line = c->line;
		op->nullable = RETORT_UNSET;
		op->existing_nullable = RETORT_UNSET;
		if ((rc = check_keys(c, g, "", opdefs[kind - 1].keys, 1)) < 0 ||
		    (rc = get_str(&op->dialect, c, g, "", "dialect", 0)) < 0 || (rc = parse_op_body(op, c, g)) < 0)
			return rc;
	}
	*out = ops;
	*nout = (size_t)n;
	return RETORT_OK;
}

/*
 * .conf identity without libconfig: `retort heads` on thousands of scripts
 * reads only the top-level identity keys, so a small scanner reads them
 * and skips the upgrade/downgrade lists.  It understands a conservative
 * subset of libconfig (strings with the usual escapes, arrays or lists of
 * strings, comments); on anything else, or anything wrong, it gives up
 * (FAST_GIVE_UP) and libconfig parses the file and reports the error.  The
 * operations themselves are always parsed by libconfig (rt_script_load_ops).
 */
#define FAST_GIVE_UP 1

typedef struct scanner {
	const char *p;
	int line;
} scanner;

static int scan_space(scanner *x)
{
	for (;;) {
		const char *p = x->p;
		if (*p == '\n') {
			x->line++;
			x->p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v') {
			x->p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*x->p && *x->p != '\n')
				x->p++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				if (*p == '\n')
					x->line++;
			if (!*p)
				return FAST_GIVE_UP;
			x->p = p + 2;
		} else {
			return RETORT_OK;
		}
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One string value (adjacent literals concatenated) into *out (rt_malloc'd). */
static int scan_string(char **out, scanner *x)
{
	rt_buf b = RT_BUF_INIT;
	int rc = FAST_GIVE_UP;
	while (*x->p == '"') {
		const char *p = x->p + 1, *run = p;
		for (;;) {
			char c = *p;
			if (c == '\0')
				goto done;
			if (c != '"' && c != '\\') {
				if (c == '\n')
					x->line++;
				p++;
				continue;
			}
			if (p > run && rt_buf_add(&b, run, (size_t)(p - run)) < 0)
				goto oom;
			if (c == '"')
				break;
			switch (p[1]) {
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'f': c = '\f'; break;
			case 'x':
				if (hexval(p[2]) < 0 || hexval(p[3]) < 0 || (hexval(p[2]) | hexval(p[3])) == 0)
					goto done;
				c = (char)(hexval(p[2]) * 16 + hexval(p[3]));
				p += 2;
				break;
			default:
				goto done;
			}
			if (rt_buf_putc(&b, c) < 0)
				goto oom;
			p += 2;
			run = p;
		}
		x->p = p + 1;
		if (scan_space(x) != RETORT_OK)
			goto done;
	}
	*out = rt_buf_detach(&b);
	if (!*out)
		goto oom;
	return RETORT_OK;
oom:
	rc = nomem();
done:
	rt_buf_free(&b);
	return rc;
}

/* A string, or [ ... ] / ( ... ) of strings, as identity words. */
static int scan_words(rt_strv *sv, scanner *x)
{
	char close, *w = NULL;
	int rc;
	if (*x->p == '"') {
		if ((rc = scan_string(&w, x)) != RETORT_OK)
			return rc;
		if (bad_word(w)) {
			rt_free(w);
			return FAST_GIVE_UP;
		}
		return rt_strv_push_owned(sv, w) < 0 ? nomem() : RETORT_OK;
	}
	if (*x->p != '[' && *x->p != '(')
		return FAST_GIVE_UP;
	close = *x->p == '[' ? ']' : ')';
	x->p++;
	if ((rc = scan_space(x)) != RETORT_OK)
		return rc;
	while (*x->p != close) {
		if (*x->p != '"')
			return FAST_GIVE_UP;
		if ((rc = scan_string(&w, x)) != RETORT_OK)
			return rc;
		if (bad_word(w)) {
			rt_free(w);
			return FAST_GIVE_UP;
		}
		if (rt_strv_push_owned(sv, w) < 0)
			return nomem();
		if (*x->p == ',') {
			x->p++;
			if ((rc = scan_space(x)) != RETORT_OK || *x->p == close)
				return FAST_GIVE_UP;
		} else if (*x->p != close) {
			return FAST_GIVE_UP;
		}
	}
	x->p++;
	return RETORT_OK;
}

/* Skip a list or array value, balancing brackets, strings and comments. */
static int scan_skip(scanner *x)
{
	int depth = 0, rc;
	if (*x->p != '(' && *x->p != '[')
		return FAST_GIVE_UP;
	for (;;) {
		char c;
		if ((rc = scan_space(x)) != RETORT_OK)
			return rc;
		c = *x->p;
		if (c == '\0')
			return FAST_GIVE_UP;
		if (c == '"') {
			const char *p = x->p + 1;
			for (; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (*p == '\n')
					x->line++;
			}
			if (!*p)
				return FAST_GIVE_UP;
			x->p = p + 1;
			continue;
		}
		x->p++;
		if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (--depth == 0)
				return RETORT_OK;
		}
	}
}

static void ident_reset(rt_revision *rev)
{
	rt_free(rev->id);
	rt_free(rev->message);
	rt_free(rev->create_date);
	rev->id = rev->message = rev->create_date = NULL;
	rev->id_line = 0;
	rt_strv_free(&rev->parents);
	rt_strv_free(&rev->labels);
	rt_strv_free(&rev->depends_on);
}

/* RETORT_OK, FAST_GIVE_UP (rev's identity left empty) or a negative status. */
static int conf_ident_fast(rt_revision *rev, const char *text)
{
	scanner x;
	unsigned seen = 0;
	int rc;
	x.p = text;
	x.line = 1;
	for (;;) {
		const char *name;
		size_t n;
		int line, bit;
		char **str = NULL;
		rt_strv *sv = NULL;
		if ((rc = scan_space(&x)) != RETORT_OK)
			goto give_up;
		if (!*x.p)
			break;
		name = x.p;
		line = x.line;
		while ((*x.p >= 'a' && *x.p <= 'z') || *x.p == '_')
			x.p++;
		n = (size_t)(x.p - name);
#define KEY(k) (n == sizeof(k) - 1 && memcmp(name, k, n) == 0)
		if (KEY("revision")) {
			bit = 1, str = &rev->id;
		} else if (KEY("down_revision")) {
			bit = 2, sv = &rev->parents;
		} else if (KEY("branch_labels")) {
			bit = 4, sv = &rev->labels;
		} else if (KEY("depends_on")) {
			bit = 8, sv = &rev->depends_on;
		} else if (KEY("message")) {
			bit = 16, str = &rev->message;
		} else if (KEY("create_date")) {
			bit = 32, str = &rev->create_date;
		} else if (KEY("upgrade")) {
			bit = 64;
		} else if (KEY("downgrade")) {
			bit = 128;
		} else {
			goto give_up;
		}
#undef KEY
		if (seen & (unsigned)bit)
			goto give_up;
		seen |= (unsigned)bit;
		if ((rc = scan_space(&x)) != RETORT_OK || (*x.p != '=' && *x.p != ':'))
			goto give_up;
		x.p++;
		if ((rc = scan_space(&x)) != RETORT_OK)
			goto give_up;
		if (str) {
			if (*x.p != '"' || (rc = scan_string(str, &x)) != RETORT_OK)
				goto give_up;
		} else if (sv) {
			if ((rc = scan_words(sv, &x)) != RETORT_OK)
				goto give_up;
		} else if ((rc = scan_skip(&x)) != RETORT_OK) {
			goto give_up;
		}
		if (bit == 1)
			rev->id_line = line;
		if ((rc = scan_space(&x)) != RETORT_OK)
			goto give_up;
		if (*x.p == ';' || *x.p == ',')
			x.p++;
	}
	if (!rev->id || bad_word(rev->id))
		goto give_up;
	return RETORT_OK;
give_up:
	ident_reset(rev);
	return rc < 0 ? rc : FAST_GIVE_UP;
}

/* libconfig would read an @include'd file that the checksum does not cover. */
static int find_include(const char *text)
{
	const char *p = text;
	int line = 1;
	for (;;) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "@include", 8) == 0)
			return line;
		if (!(p = strchr(p, '\n')))
			return 0;
		p++;
		line++;
	}
}

/* Parse a .conf script: identity (when `ident`) and, with `with_ops`, its ops. */
static int load_conf(rt_revision *rev, const char *text, int ident, int with_ops)
{
	config_t *cfg = NULL;
	store *st = NULL;
	opctx c;
	int rc = RETORT_OK, line;

	if (strstr(text, "@include") && (line = find_include(text)) > 0) {
		rt_error_set("%s:%d: @include is not allowed in a revision script", rev->path, line);
		return RETORT_EINVAL;
	}
	if (ident && !with_ops) {
		rc = conf_ident_fast(rev, text);
		if (rc != FAST_GIVE_UP)
			return rc;
		rc = RETORT_OK;
	}
	cfg = rt_malloc(sizeof *cfg);
	RT_CHECK_ALLOC(cfg);
	config_init(cfg);
	if (!config_read_string(cfg, text)) {
		rt_error_set("%s:%d: %s", rev->path, config_error_line(cfg), config_error_text(cfg));
		rc = RETORT_EINVAL;
		goto done;
	}
	if (ident && (rc = conf_ident(rev, cfg)) < 0)
		goto done;
	if (!with_ops)
		goto done;
	if (!(st = rt_calloc(1, sizeof *st))) {
		rc = nomem();
		goto done;
	}
	st->cfg = cfg;
	cfg = NULL;
	memset(&c, 0, sizeof c);
	c.path = rev->path;
	c.st = st;
	c.section = "upgrade";
	if ((rc = parse_conf_ops(&rev->upgrade, &rev->nupgrade, &c, config_lookup(st->cfg, "upgrade"), rev->path)) <
	    0)
		goto done;
	c.section = "downgrade";
	if ((rc = parse_conf_ops(&rev->downgrade, &rev->ndowngrade, &c, config_lookup(st->cfg, "downgrade"),
				 rev->path)) < 0)
		goto done;
	rev->ops_store = st;
	rev->ops_free = store_free;
	rev->ops_loaded = 1;
	st = NULL;
done:
	if (rc < 0) {
		rev->upgrade = rev->downgrade = NULL;
		rev->nupgrade = rev->ndowngrade = 0;
	}
	store_free(st);
	if (cfg) {
		config_destroy(cfg);
		rt_free(cfg);
	}
	return rc;
}

/* ---- .sql ---- */

/* Turn the splitter's "line N: what" into "PATH:N: what". */
static int split_error(const char *path, int rc)
{
	char msg[1024];
	const char *m = rt_error_msg();
	int line;
	char *end;
	if (rc != RETORT_EINVAL || strncmp(m, "line ", 5) != 0)
		return rc;
	line = (int)strtol(m + 5, &end, 10);
	if (end[0] != ':')
		return rc;
	snprintf(msg, sizeof msg, "%s", end + 1);
	rt_error_set("%s:%d:%s", path, line, msg);
	return rc;
}

typedef struct sql_section {
	const char *path;
	retort_op *ops; /* rt_realloc'd while splitting */
	size_t n, cap;
	int header; /* splitting the header: a statement is an error */
} sql_section;

static int on_statement(void *arg, const char *stmt, size_t len, int line)
{
	sql_section *sec = arg;
	retort_op *op, *ops;
	if (sec->header) {
		rt_error_set("%s:%d: statement before '-- retort:upgrade' (put statements in the upgrade or downgrade "
			     "section)",
			     sec->path, line);
		return RETORT_EINVAL;
	}
	if (!(ops = rt_grow(sec->ops, &sec->cap, sec->n, sizeof *ops, 16)))
		return nomem();
	sec->ops = ops;
	/*
	 * The text belongs to the store and the splitter never looks back:
	 * the byte after the statement (';', white space or the final NUL)
	 * becomes its terminator.
	 */
	((char *)stmt)[len] = '\0';
	op = &sec->ops[sec->n++];
	memset(op, 0, sizeof *op);
	op->size = sizeof *op;
	op->kind = RETORT_OP_EXECUTE;
	op->file = sec->path;
	op->line = line;
	op->nullable = RETORT_UNSET;
	op->existing_nullable = RETORT_UNSET;
	op->sql = stmt;
	return 0;
}

/* Split text[from, to) (starting at `line`) into the store's ops. */
static int sql_section_ops(retort_op **out, size_t *nout, store *st, const char *path, char *text, size_t from,
			   size_t to, int line)
{
	sql_section sec;
	int rc;
	memset(&sec, 0, sizeof sec);
	sec.path = path;
	rc = rt_sql_split(text + from, to - from, line, on_statement, &sec);
	if (rc < 0) {
		rc = split_error(path, rc);
		goto done;
	}
	*out = NULL;
	*nout = sec.n;
	if (sec.n) {
		if (!(*out = store_alloc(st, sec.n * sizeof **out))) {
			rc = nomem();
			goto done;
		}
		memcpy(*out, sec.ops, sec.n * sizeof **out);
	}
done:
	rt_free(sec.ops);
	return rc;
}

enum { D_UNKNOWN, D_REVISION, D_DOWN, D_LABELS, D_DEPENDS, D_MESSAGE, D_DATE, D_UPGRADE, D_DOWNGRADE };

static const struct directive {
	const char *name;
	int id;
} directives[] = {
	{"revision", D_REVISION},     {"down_revision", D_DOWN},   {"branch_labels", D_LABELS},
	{"depends_on", D_DEPENDS},     {"message", D_MESSAGE},      {"create_date", D_DATE},
	{"upgrade", D_UPGRADE},       {"downgrade", D_DOWNGRADE},
};

/*
 * Is the line [p, end) a `-- retort:NAME value` directive?  Returns its id
 * (D_UNKNOWN for an unknown name) and the trimmed value, or -1.
 */
static int directive_of(const char *p, const char *end, const char **name, size_t *namelen, const char **val,
			size_t *vallen)
{
	const char *q;
	size_t i;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || p[0] != '-' || p[1] != '-')
		return -1;
	p += 2;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 7 || memcmp(p, "retort:", 7) != 0)
		return -1;
	p += 7;
	for (q = p; q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_'); q++)
		;
	*name = p;
	*namelen = (size_t)(q - p);
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	while (end > q && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*val = q;
	*vallen = (size_t)(end - q);
	for (i = 0; i < sizeof directives / sizeof directives[0]; i++)
		if (strlen(directives[i].name) == *namelen && memcmp(directives[i].name, p, *namelen) == 0)
			return directives[i].id;
	return D_UNKNOWN;
}

static int sql_words(rt_strv *sv, const char *v, size_t n)
{
	size_t i = 0, j;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		for (j = i; j < n && v[j] != ' ' && v[j] != '\t'; j++)
			;
		if (j > i) {
			char *w = rt_strndup(v + i, j - i);
			RT_CHECK_ALLOC(w);
			if (rt_strv_push_owned(sv, w) < 0)
				return nomem();
		}
		i = j;
	}
	return RETORT_OK;
}

static int sql_header(rt_revision *rev, int id, const char *v, size_t n, int line, const char *name, size_t namelen)
{
	char **str = NULL;
	rt_strv *sv = NULL;
	switch (id) {
	case D_REVISION:
		if (rev->id)
			break;
		if (n == 0 || memchr(v, ' ', n) || memchr(v, '\t', n)) {
			rt_error_set("%s:%d: '-- retort:revision' needs one revision id", rev->path, line);
			return RETORT_EINVAL;
		}
		rev->id = rt_strndup(v, n);
		RT_CHECK_ALLOC(rev->id);
		rev->id_line = line;
		return RETORT_OK;
	case D_DOWN:
		sv = &rev->parents;
		break;
	case D_LABELS:
		sv = &rev->labels;
		break;
	case D_DEPENDS:
		sv = &rev->depends_on;
		break;
	case D_MESSAGE:
		str = &rev->message;
		break;
	case D_DATE:
		str = &rev->create_date;
		break;
	}
	if (id == D_REVISION || (str && *str) || (sv && sv->n)) {
		rt_error_set("%s:%d: '-- retort:%.*s' given twice", rev->path, line, (int)namelen, name);
		return RETORT_EINVAL;
	}
	if (sv)
		return sql_words(sv, v, n);
	if (n) {
		*str = rt_strndup(v, n);
		RT_CHECK_ALLOC(*str);
	}
	return RETORT_OK;
}

/*
 * Parse a .sql script.  With `with_ops`, *textp passes to the revision's
 * store (*textp = NULL then).
 */
static int load_sql(rt_revision *rev, char **textp, size_t len, int ident, int with_ops)
{
	char *text = *textp;
	store *st = NULL;
	size_t pos = 0, sec_from = 0;
	int line = 1, sec_line = 0, sec = 0, seen_up = 0, seen_down = 0, rc = RETORT_OK;
	int in_header = 1;
	sql_section hdr;

	if (with_ops) {
		if (!(st = rt_calloc(1, sizeof *st)))
			return nomem();
	}
	for (;;) {
		const char *nl = pos < len ? memchr(text + pos, '\n', len - pos) : NULL;
		size_t end = nl ? (size_t)(nl - text) : len, namelen = 0, vallen = 0;
		const char *name = NULL, *val = NULL;
		int id = pos < len ? directive_of(text + pos, text + end, &name, &namelen, &val, &vallen) : -1;
		int marker = id == D_UPGRADE || id == D_DOWNGRADE;

		if (marker || pos >= len) {
			if (in_header) {
				/* nothing but comments may come before the first section */
				memset(&hdr, 0, sizeof hdr);
				hdr.path = rev->path;
				hdr.header = 1;
				if ((rc = rt_sql_split(text, pos, 1, on_statement, &hdr)) < 0) {
					rc = split_error(rev->path, rc);
					goto done;
				}
				in_header = 0;
				if (ident && !rev->id) {
					rt_error_set("%s: no revision id (-- retort:revision ID)", rev->path);
					rc = RETORT_EINVAL;
					goto done;
				}
				if (!with_ops)
					goto done;
			} else if (sec) {
				retort_op **ops = sec == D_UPGRADE ? &rev->upgrade : &rev->downgrade;
				size_t *nops = sec == D_UPGRADE ? &rev->nupgrade : &rev->ndowngrade;
				if ((rc = sql_section_ops(ops, nops, st, rev->path, text, sec_from, pos, sec_line)) < 0)
					goto done;
			}
			if (pos >= len)
				break;
			if (vallen) {
				rt_error_set("%s:%d: unexpected text after '-- retort:%.*s'", rev->path, line,
					     (int)namelen, name);
				rc = RETORT_EINVAL;
				goto done;
			}
			if ((id == D_UPGRADE && seen_up++) || (id == D_DOWNGRADE && seen_down++)) {
				rt_error_set("%s:%d: '-- retort:%.*s' given twice", rev->path, line, (int)namelen, name);
				rc = RETORT_EINVAL;
				goto done;
			}
			sec = id;
			sec_from = nl ? end + 1 : len;
			sec_line = line + 1;
		} else if (id == D_UNKNOWN) {
			rt_error_set("%s:%d: unknown directive '-- retort:%.*s'", rev->path, line, (int)namelen, name);
			rc = RETORT_EINVAL;
			goto done;
		} else if (id >= 0 && !in_header) {
			rt_error_set("%s:%d: '-- retort:%.*s' must come before '-- retort:upgrade'", rev->path, line,
				     (int)namelen, name);
			rc = RETORT_EINVAL;
			goto done;
		} else if (id >= 0 && ident) {
			if ((rc = sql_header(rev, id, val, vallen, line, name, namelen)) < 0)
				goto done;
		}
		if (!nl)
			pos = len;
		else
			pos = end + 1;
		line++;
	}
	st->text = text;
	*textp = NULL;
	rev->ops_store = st;
	rev->ops_free = store_free;
	rev->ops_loaded = 1;
	st = NULL;
done:
	if (rc < 0) {
		rev->upgrade = rev->downgrade = NULL;
		rev->nupgrade = rev->ndowngrade = 0;
	}
	store_free(st);
	return rc;
}

/* ---- entry points ---- */

int rt_script_load(rt_revision **out, const char *path, int with_ops)
{
	rt_revision *rev = NULL;
	retort_script_format fmt = format_of(path);
	char *text = NULL, *slash;
	size_t len = 0;
	int rc;

	if (!fmt) {
		rt_error_set("%s: not a revision script (.conf or .sql)", path);
		return RETORT_EINVAL;
	}
	if ((rc = read_file(&text, &len, path)) < 0)
		return rc;
	if (!(rev = rt_calloc(1, sizeof *rev)) || !(rev->path = rt_strdup(path))) {
		rc = nomem();
		goto done;
	}
	slash = strrchr(rev->path, '/');
	rev->filename = slash ? slash + 1 : rev->path;
	rev->format = fmt;
	if ((rc = rt_sha256_hex(rev->checksum, text, len)) < 0)
		goto done;
	if (memchr(text, '\0', len)) {
		rt_error_set("%s: contains a NUL byte: not a revision script", path);
		rc = RETORT_EINVAL;
		goto done;
	}
	if (fmt == RETORT_FORMAT_CONF)
		rc = load_conf(rev, text, 1, with_ops);
	else
		rc = load_sql(rev, &text, len, 1, with_ops);
	if (rc < 0)
		goto done;
	*out = rev;
	rev = NULL;
done:
	rt_free(text);
	rt_revision_free(rev);
	return rc;
}

int rt_script_load_ops(rt_revision *rev)
{
	char *text = NULL;
	char sum[65];
	size_t len = 0;
	int rc;

	if (rev->ops_loaded)
		return RETORT_OK;
	if ((rc = read_file(&text, &len, rev->path)) < 0)
		return rc;
	if ((rc = rt_sha256_hex(sum, text, len)) < 0)
		goto done;
	if (strcmp(sum, rev->checksum) != 0) {
		rt_error_set("%s: the file changed while retort was running", rev->path);
		rc = RETORT_EINVAL;
		goto done;
	}
	if (rev->format == RETORT_FORMAT_CONF)
		rc = load_conf(rev, text, 0, 1);
	else
		rc = load_sql(rev, &text, len, 0, 1);
done:
	rt_free(text);
	return rc;
}

/*
 * Revision scripts: .conf (libconfig operations) and .sql (raw SQL with
 * `-- retort:` headers) read into rt_revision.  This file: the entry
 * points, the store behind a revision's operations, script names and the
 * revision id rule.  The readers: script_conf.c, script_scan.c,
 * script_sql.c (script_priv.h says what each does).
 *
 * Memory: the readers fill a draft (revision.h: each identity string its
 * own block), which rt_script_load packs into a revision.  Everything behind its operations lives in one store
 * (rev->ops_store, freed by rev->ops_free): an arena of chunks for the op
 * arrays and the strings retort builds, plus the parsed libconfig tree
 * (.conf: op strings point into it) or the file text (.sql: statements
 * point into it, NUL-terminated in place).  Nothing is copied twice.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rt.h"
#include "script_priv.h"

/* ---- the store behind one revision's ops ---- */

#define ARENA_ALIGN ((size_t)16)
#define ARENA_CHUNK ((size_t)4096)

struct rt_store_chunk {
	struct rt_store_chunk *next;
	size_t used;
	size_t cap;
};

#define CHUNK_HDR ((sizeof(rt_store_chunk) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1))

rt_store *rt_store_new(void)
{
	return rt_calloc(1, sizeof(rt_store));
}

void rt_store_free(void *p)
{
	rt_store *st = p;
	rt_store_chunk *c, *next;
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

void *rt_store_alloc(rt_store *st, size_t n)
{
	rt_store_chunk *c = st->chunks;
	char *p;
	n = n ? (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1) : ARENA_ALIGN;
	if (!c || c->cap - c->used < n) {
		int big = n > ARENA_CHUNK / 2;
		size_t cap = big ? n : ARENA_CHUNK;
		rt_store_chunk *nc = rt_malloc(CHUNK_HDR + cap);
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

char *rt_store_strndup(rt_store *st, const char *s, size_t n)
{
	char *d = rt_store_alloc(st, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* ---- small shared pieces ---- */

int rt_script_nomem(void)
{
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

int rt_script_bad_word(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 1;
	return 0;
}

int rt_annots_add(rt_annots *a, const char *key, const char *value, int line, retort_section section, size_t op_index)
{
	retort_annotation *v = rt_grow(a->v, &a->cap, a->n, sizeof *v, 8), *an;
	if (!v)
		return rt_script_nomem();
	a->v = v;
	an = &a->v[a->n++];
	memset(an, 0, sizeof *an);
	an->size = sizeof *an;
	an->key = key;
	an->value = value;
	an->line = line;
	an->section = section;
	an->op_index = op_index;
	return RETORT_OK;
}

int rt_annots_finish(rt_annots *a, rt_store *st, rt_revision *rev)
{
	rev->annotations = NULL;
	rev->nannotations = 0;
	if (a->n) {
		if (!(rev->annotations = rt_store_alloc(st, a->n * sizeof *rev->annotations)))
			return rt_script_nomem();
		memcpy(rev->annotations, a->v, a->n * sizeof *rev->annotations);
		rev->nannotations = a->n;
	}
	rt_annots_free(a);
	return RETORT_OK;
}

void rt_annots_free(rt_annots *a)
{
	rt_free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

void rt_script_ident_reset(rt_revision *rev)
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

static retort_script_format format_of(const char *path)
{
	size_t n = strlen(path);
	if (has_suffix(path, n, ".conf"))
		return RETORT_FORMAT_CONF;
	if (has_suffix(path, n, ".sql"))
		return RETORT_FORMAT_SQL;
	return (retort_script_format)0;
}

/* ---- revision ids ---- */

const char *rt_revision_id_problem(const char *id)
{
	static __thread char why[48];
	const unsigned char *p;
	if (!*id)
		return "must not be empty";
	if (strlen(id) > RT_REVISION_ID_MAX)
		return "is longer than 255 characters (the version table's column)";
	for (p = (const unsigned char *)id; *p; p++) {
		if (*p <= ' ' || *p == 0x7f)
			return "contains white space or a control character";
		if (strchr("@-+:/\\\"'`", *p)) {
			snprintf(why, sizeof why, "contains '%c'", *p);
			return why;
		}
	}
	return NULL;
}

int rt_script_check_id(const rt_revision *rev, const char *id, int line)
{
	const char *why = rt_revision_id_problem(id);
	if (!why)
		return RETORT_OK;
	if (!*id)
		rt_error_set("%s:%d: 'revision' must not be empty", rev->path, line);
	else
		rt_error_set("%s:%d: revision id '%.40s%s' %s (%s)", rev->path, line, id, strlen(id) > 40 ? "..." : "", why,
		             RT_REVISION_ID_RULE);
	return RETORT_EINVAL;
}

/* ---- entry points ---- */

/* The script whose whole text is text[0..len): a NUL byte makes it something else. */
static int check_text(const char *path, const char *text, size_t len)
{
	int line = rt_text_nul_line(text, len);
	if (!line)
		return RETORT_OK;
	rt_error_set("%s: contains a NUL byte (line %d): not a revision script", path, line);
	return RETORT_EINVAL;
}

/* Read a script from its text (*textp: rt_malloc'd, len bytes; may pass to the revision's store). */
static int load_text(rt_revision **out, const char *path, char **textp, size_t len, int with_ops)
{
	rt_revision *rev = NULL;
	retort_script_format fmt = format_of(path);
	char *slash, sum[65];
	int rc;

	if (!fmt) {
		rt_error_set("%s: not a revision script (.conf or .sql)", path);
		return RETORT_EINVAL;
	}
	if (!(rev = rt_calloc(1, sizeof *rev)) || !(rev->path = rt_strdup(path))) {
		rc = rt_script_nomem();
		goto done;
	}
	slash = strrchr(rev->path, '/');
	rev->filename = slash ? slash + 1 : rev->path;
	rev->format = fmt;
	if ((rc = rt_sha256_hex(sum, *textp, len)) < 0 || (rc = check_text(path, *textp, len)) < 0)
		goto done;
	if (!(rev->checksum = rt_strdup(sum))) {
		rc = rt_script_nomem();
		goto done;
	}
	if (fmt == RETORT_FORMAT_CONF)
		rc = rt_script_conf_load(rev, *textp, 1, with_ops);
	else
		rc = rt_script_sql_load(rev, textp, len, 1, with_ops);
	if (rc < 0)
		goto done;
	if (!(*out = rt_revision_pack(rev)))
		rc = RETORT_ENOMEM;
	rev = NULL;
done:
	rt_revision_draft_free(rev);
	return rc;
}

int rt_script_load(rt_revision **out, const char *path, int with_ops)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!format_of(path)) {
		rt_error_set("%s: not a revision script (.conf or .sql)", path);
		return RETORT_EINVAL;
	}
	if ((rc = rt_file_read(&text, &len, path)) < 0)
		return rc;
	rc = load_text(out, path, &text, len, with_ops);
	rt_free(text);
	return rc;
}

int rt_script_load_text(rt_revision **out, const char *path, const char *text)
{
	size_t len = strlen(text);
	char *copy = rt_strndup(text, len);
	int rc;
	if (!copy)
		return rt_script_nomem();
	rc = load_text(out, path, &copy, len, 1);
	rt_free(copy);
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
	if ((rc = rt_file_read(&text, &len, rev->path)) < 0)
		return rc;
	if ((rc = rt_sha256_hex(sum, text, len)) < 0)
		goto done;
	if (strcmp(sum, rev->checksum) != 0) {
		rt_error_set("%s: the file changed while retort was running", rev->path);
		rc = RETORT_EINVAL;
		goto done;
	}
	if (rev->format == RETORT_FORMAT_CONF)
		rc = rt_script_conf_load(rev, text, 0, 1);
	else
		rc = rt_script_sql_load(rev, &text, len, 0, 1);
done:
	rt_free(text);
	return rc;
}

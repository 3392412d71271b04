/*
 * .sql revision scripts: `-- retort:NAME value` header lines, then
 * `-- retort:upgrade` and `-- retort:downgrade` sections of statements
 * (split by sqlsplit.c; each statement an execute op with the line where
 * it starts).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "script_priv.h"
#include "sqlsplit.h"

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
		return rt_script_nomem();
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
int rt_script_sql_ops(retort_op **out, size_t *nout, rt_store *st, const char *path, char *text, size_t from,
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
		if (!(*out = rt_store_alloc(st, sec.n * sizeof **out))) {
			rc = rt_script_nomem();
			goto done;
		}
		memcpy(*out, sec.ops, sec.n * sizeof **out);
	}
done:
	rt_free(sec.ops);
	return rc;
}

enum {
	D_UNKNOWN, D_REVISION, D_DOWN, D_LABELS, D_DEPENDS, D_MESSAGE, D_DATE, D_UPGRADE, D_DOWNGRADE, D_ALLOW,
	D_TEST_DATA, D_TEST_CHECK
};

static const struct directive {
	const char *name;
	int id;
} directives[] = {
	{"revision", D_REVISION},     {"down_revision", D_DOWN},   {"branch_labels", D_LABELS},
	{"depends_on", D_DEPENDS},     {"message", D_MESSAGE},      {"create_date", D_DATE},
	{"upgrade", D_UPGRADE},       {"downgrade", D_DOWNGRADE},  {"allow", D_ALLOW},
	{"test_data", D_TEST_DATA},   {"test_check", D_TEST_CHECK},
};

/* an annotation written inside a section, waiting for the statement after it */
#define ALLOW_PENDING ((size_t)-1)

/*
 * `-- retort:allow RULE...`: in the header it annotates the revision, in a
 * section the statement after it (op_index resolved by allow_resolve).
 */
static int sql_allow(rt_annots *a, rt_store *st, const char *path, const char *v, size_t n, int line, int sec)
{
	size_t i = 0, j;
	int rc;
	if (n == 0) {
		rt_error_set("%s:%d: '-- retort:allow' needs a rule id (-- retort:allow RULE)", path, line);
		return RETORT_EINVAL;
	}
	while (i < n) {
		char *w;
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		for (j = i; j < n && v[j] != ' ' && v[j] != '\t'; j++)
			;
		if (j == i)
			break;
		if (!(w = rt_store_strndup(st, v + i, j - i)))
			return rt_script_nomem();
		if ((rc = rt_annots_add(a, "allow", w, line,
		                        sec == D_UPGRADE     ? RETORT_SECTION_UPGRADE
		                        : sec == D_DOWNGRADE ? RETORT_SECTION_DOWNGRADE
		                                             : RETORT_SECTION_SCRIPT,
		                        sec ? ALLOW_PENDING : 0)) < 0)
			return rc;
		i = j;
	}
	return RETORT_OK;
}

/* The statement after each pending annotation of section `section` (ops[0..n)). */
static int allow_resolve(rt_annots *a, retort_section section, const retort_op *ops, size_t n, const char *path)
{
	size_t i, k;
	for (i = 0; i < a->n; i++) {
		retort_annotation *an = &a->v[i];
		if (an->section != section || an->op_index != ALLOW_PENDING)
			continue;
		for (k = 0; k < n && ops[k].line <= an->line; k++)
			;
		if (k == n) {
			rt_error_set("%s:%d: '-- retort:allow' inside a section annotates the statement after it: there is none",
			             path, an->line);
			return RETORT_EINVAL;
		}
		an->op_index = k;
	}
	return RETORT_OK;
}

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
				return rt_script_nomem();
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
		return rt_script_check_id(rev, rev->id, line);
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
int rt_script_sql_load(rt_revision *rev, char **textp, size_t len, int ident, int with_ops)
{
	char *text = *textp;
	rt_store *st = NULL;
	size_t pos = 0, sec_from = 0;
	int line = 1, sec_line = 0, sec = 0, seen_up = 0, seen_down = 0, seen_data = 0, seen_check = 0, rc = RETORT_OK;
	int in_header = 1;
	sql_section hdr;
	rt_annots annots = {NULL, 0, 0};

	if (with_ops) {
		if (!(st = rt_store_new()))
			return rt_script_nomem();
	}
	for (;;) {
		const char *nl = pos < len ? memchr(text + pos, '\n', len - pos) : NULL;
		size_t end = nl ? (size_t)(nl - text) : len, namelen = 0, vallen = 0;
		const char *name = NULL, *val = NULL;
		int id = pos < len ? directive_of(text + pos, text + end, &name, &namelen, &val, &vallen) : -1;
		int marker = id == D_UPGRADE || id == D_DOWNGRADE || id == D_TEST_DATA || id == D_TEST_CHECK;

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
			} else if (sec == D_TEST_DATA) {
				if ((rc = rt_script_sql_ops(&rev->test_data, &rev->ntest_data, st, rev->path, text, sec_from, pos,
				                            sec_line)) < 0)
					goto done;
			} else if (sec == D_TEST_CHECK) {
				retort_op *q = NULL;
				size_t nq = 0;
				if ((rc = rt_script_sql_ops(&q, &nq, st, rev->path, text, sec_from, pos, sec_line)) < 0)
					goto done;
				if (nq != 1) {
					rt_error_set("%s:%d: '-- retort:test_check' takes one query (it has %zu statements)",
					             rev->path, sec_line - 1, nq);
					rc = RETORT_EINVAL;
					goto done;
				}
				rev->test_check = q[0].sql;
				rev->test_check_line = q[0].line;
			} else if (sec) {
				retort_op **ops = sec == D_UPGRADE ? &rev->upgrade : &rev->downgrade;
				size_t *nops = sec == D_UPGRADE ? &rev->nupgrade : &rev->ndowngrade;
				if ((rc = rt_script_sql_ops(ops, nops, st, rev->path, text, sec_from, pos, sec_line)) < 0 ||
				    (rc = allow_resolve(&annots, sec == D_UPGRADE ? RETORT_SECTION_UPGRADE : RETORT_SECTION_DOWNGRADE,
				                        *ops, *nops, rev->path)) < 0)
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
			if ((id == D_UPGRADE && seen_up++) || (id == D_DOWNGRADE && seen_down++) ||
			    (id == D_TEST_DATA && seen_data++) || (id == D_TEST_CHECK && seen_check++)) {
				rt_error_set("%s:%d: '-- retort:%.*s' given twice", rev->path, line, (int)namelen, name);
				rc = RETORT_EINVAL;
				goto done;
			}
			sec = id;
			sec_from = nl ? end + 1 : len;
			sec_line = line + 1;
			if (id == D_DOWNGRADE)
				rev->downgrade_line = line;
		} else if (id == D_UNKNOWN) {
			rt_error_set("%s:%d: unknown directive '-- retort:%.*s'", rev->path, line, (int)namelen, name);
			rc = RETORT_EINVAL;
			goto done;
		} else if (id == D_ALLOW) {
			if (with_ops && (rc = sql_allow(&annots, st, rev->path, val, vallen, line,
			                                in_header || sec == D_TEST_DATA || sec == D_TEST_CHECK ? 0 : sec)) < 0)
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
	if ((rc = rt_annots_finish(&annots, st, rev)) < 0)
		goto done;
	st->text = text;
	*textp = NULL;
	rev->ops_store = st;
	rev->ops_free = rt_store_free;
	rev->ops_loaded = 1;
	st = NULL;
done:
	if (rc < 0) {
		rev->upgrade = rev->downgrade = rev->test_data = NULL;
		rev->nupgrade = rev->ndowngrade = rev->ntest_data = 0;
		rev->test_check = NULL;
		rev->annotations = NULL;
		rev->nannotations = 0;
	}
	rt_annots_free(&annots);
	rt_store_free(st);
	return rc;
}

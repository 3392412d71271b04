/* Writing new revision scripts: parents, id, slug, file name, template, formatters. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revwrite.h"
#include "lint.h"
#include "script.h"

/* ---- ids ---- */

/* The rule every revision id follows, scripts and --rev-id alike (script.h). */
static int rev_id_ok(const char *id)
{
	return rt_revision_id_problem(id) == NULL;
}

void rt_rev_id_new(char out[13])
{
	rt_random_hex(out, 6);
}

static int check_new_id(const rt_graph *g, const char *rev)
{
	const rt_revision *old;
	if (!rev_id_ok(rev)) {
		/* Alembic's wording for the characters it names; ours for the rest */
		if (strpbrk(rev, "@-+:/\"") && strlen(rev) <= RT_REVISION_ID_MAX)
			rt_error_set("Character(s) '@', '-', '+', ':', '/', '\"' or white space are not allowed in revision "
			             "identifier '%s' (it %s)",
			             rev, rt_revision_id_problem(rev));
		else
			rt_error_set("revision identifier '%.40s%s' %s (%s)", rev, strlen(rev) > 40 ? "..." : "",
			             rt_revision_id_problem(rev), RT_REVISION_ID_RULE);
		return RETORT_EINVAL;
	}
	if ((old = rt_graph_get(g, rev)) != NULL) {
		rt_error_set("revision id '%s' already exists (%s); nothing was written", rev, old->path);
		return RETORT_EINVAL;
	}
	return RETORT_OK;
}

static int check_labels(const rt_graph *g, const rt_strv *labels)
{
	size_t i;
	for (i = 0; labels && i < labels->n; i++) {
		if (!rev_id_ok(labels->v[i]) || rt_graph_get(g, labels->v[i])) {
			rt_error_set("branch label '%s' is not usable (a revision id, or has one of @ - + : or space)",
			             labels->v[i]);
			return RETORT_EINVAL;
		}
	}
	return RETORT_OK;
}

/* ---- slug ---- */

/*
 * U+00C0..U+017F as the lower-case ASCII letter written for it; '.' is not
 * a letter (x and ÷), '*' is one of the two-letter ones in `latin_pairs`.
 */
static const char latin[] = "aaaaaa*ceeeeiiii" "dnooooo.ouuuuy**" "aaaaaa*ceeeeiiii" "dnooooo.ouuuuy*y"
                            "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "ii**jjkkklllllll"
                            "lllnnnnnnnnnoooo" "oo**rrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";

static const char *latin_pair(unsigned cp)
{
	switch (cp) {
	case 0xC6: case 0xE6: return "ae";
	case 0xDE: case 0xFE: return "th";
	case 0xDF: return "ss";
	case 0x132: case 0x133: return "ij";
	default: return "oe"; /* U+0152, U+0153 */
	}
}

/*
 * One character of s: its length in bytes, and what the slug keeps of it:
 * *word 1 for a word character, whose letters (maybe none) go to *keep.
 */
static size_t slug_char(const unsigned char *s, int *word, const char **keep, char ascii[2])
{
	unsigned cp;
	size_t n, i;
	*word = 0;
	*keep = "";
	if (s[0] < 0x80) {
		if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9') || s[0] == '_') {
			ascii[0] = (char)s[0];
		} else if (s[0] >= 'A' && s[0] <= 'Z') {
			ascii[0] = (char)(s[0] - 'A' + 'a');
		} else {
			return 1;
		}
		ascii[1] = '\0';
		*word = 1;
		*keep = ascii;
		return 1;
	}
	/* UTF-8: the sequence's length; a malformed byte is one separator */
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return i;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if (cp >= 0xC0 && cp <= 0x17F && latin[cp - 0xC0] != '.') {
		*word = 1;
		if (latin[cp - 0xC0] == '*') {
			*keep = latin_pair(cp);
		} else {
			ascii[0] = latin[cp - 0xC0];
			ascii[1] = '\0';
			*keep = ascii;
		}
	} else if (cp >= 0x300 && cp <= 0x36F) {
		*word = 1; /* a combining mark (a decomposed é): part of the word, not written */
	}
	return n;
}

char *rt_slugify(const char *message, int maxlen)
{
	rt_buf b = RT_BUF_INIT;
	const unsigned char *p = (const unsigned char *)(message ? message : "");
	int in_word = 0, word;
	const char *keep;
	char ascii[2], *s;
	while (*p) {
		p += slug_char(p, &word, &keep, ascii);
		if (word && *keep) {
			if (!in_word && b.len)
				rt_buf_putc(&b, '_');
			rt_buf_puts(&b, keep);
		}
		in_word = word && (in_word || *keep);
	}
	if (!(s = rt_buf_detach(&b))) {
		rt_error_set("out of memory");
		return NULL;
	}
	if ((int)strlen(s) > maxlen) {
		/* Alembic: cut, then drop the partial last word and end with '_' */
		char *u;
		s[maxlen] = '\0';
		u = strrchr(s, '_');
		if (u)
			u[1] = '\0';
	}
	return s;
}

/* ---- file names ---- */

static const char *const name_tokens[] = {"rev", "slug", "epoch", "year", "month", "day", "hour", "minute", "second"};
enum { TOK_REV, TOK_SLUG, TOK_EPOCH, TOK_YEAR, TOK_MONTH, TOK_DAY, TOK_HOUR, TOK_MINUTE, TOK_SECOND, NTOK };

/*
 * The conversion after `%(name)` at p, as Python reads it: flags, width,
 * precision, a length modifier (ignored), the type.  The C format for it
 * goes to fmt without the type (flags C and Python agree on), the type to
 * *type; returns the bytes read, 0 when it is not one retort writes.
 */
static size_t parse_spec(const char *p, char fmt[32], char *type, int numeric)
{
	const char *q = p;
	char flags[8];
	size_t nf = 0;
	long width = -1, prec = -1;
	for (; *q && strchr("-0+ #", *q); q++)
		if ((*q == '-' || (numeric && *q != '#')) && nf < sizeof flags - 1)
			flags[nf++] = *q; /* Python ignores 0, + and space for text and # for numbers */
	flags[nf] = '\0';
	if (*q >= '0' && *q <= '9')
		for (width = 0; *q >= '0' && *q <= '9'; q++)
			if ((width = width * 10 + (*q - '0')) > 255)
				return 0;
	if (*q == '.')
		for (prec = 0, q++; *q >= '0' && *q <= '9'; q++)
			if ((prec = prec * 10 + (*q - '0')) > 255)
				return 0;
	if (*q == 'h' || *q == 'l' || *q == 'L')
		q++;
	if (!*q || !strchr("sdiu", *q))
		return 0;
	*type = *q;
	if (*type != 's' && prec == 0)
		prec = -1; /* Python writes 0 for %.0d of 0; C would write nothing */
	snprintf(fmt, 32, "%%%s", flags);
	if (width >= 0)
		snprintf(fmt + strlen(fmt), 32 - strlen(fmt), "%ld", width);
	if (prec >= 0)
		snprintf(fmt + strlen(fmt), 32 - strlen(fmt), ".%ld", prec);
	return (size_t)(q + 1 - p);
}

static int render_token(rt_buf *b, int tok, const char *spec, const char *where, const char *rev, const char *slug,
                        time_t when, size_t *used)
{
	char fmt[32], type = 0, text[32];
	const char *name = name_tokens[tok];
	long long num = 0;
	struct tm tm;
	int numeric = tok >= TOK_EPOCH;
	*used = parse_spec(spec, fmt, &type, numeric);
	if (!*used || (!numeric && type != 's')) {
		int shown = (int)strcspn(spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%");
		shown += spec[shown] != '\0';
		if (numeric)
			rt_error_set("%s: file_template: bad conversion '%%(%s)%.*s': %s is a number: write %%(%s)d, "
			             "%%(%s).2d or %%(%s)s",
			             where, name, shown, spec, name, name, name, name);
		else
			rt_error_set("%s: file_template: bad conversion '%%(%s)%.*s': %s is text: write %%(%s)s (or "
			             "%%(%s).Ns to cut it)",
			             where, name, shown, spec, name, name, name);
		return RETORT_EINVAL;
	}
	gmtime_r(&when, &tm);
	switch (tok) {
	case TOK_EPOCH: num = (long long)when; break;
	case TOK_YEAR: num = tm.tm_year + 1900LL; break;
	case TOK_MONTH: num = tm.tm_mon + 1; break;
	case TOK_DAY: num = tm.tm_mday; break;
	case TOK_HOUR: num = tm.tm_hour; break;
	case TOK_MINUTE: num = tm.tm_min; break;
	case TOK_SECOND: num = tm.tm_sec; break;
	default: break;
	}
	strcat(fmt, type == 's' ? "s" : "lld"); /* fmt: '%', flags, width, precision (parse_spec) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (type != 's')
		return rt_buf_printf(b, fmt, num);
	if (!numeric)
		return rt_buf_printf(b, fmt, tok == TOK_REV ? rev : slug);
	/* retort's %(x)s for a date: two digits, four for the year */
	snprintf(text, sizeof text, tok == TOK_EPOCH ? "%lld" : tok == TOK_YEAR ? "%04lld" : "%02lld", num);
	return rt_buf_printf(b, fmt, text);
#pragma GCC diagnostic pop
}

/* The name a template gave must be one plain, visible file in the versions folder. */
static int check_file_name(const char *name, const char *where)
{
	if (!*name)
		rt_error_set("%s: file_template gives an empty file name", where);
	else if (strchr(name, '/'))
		rt_error_set("%s: file_template gives '%s', a path: the name of a file in the versions folder "
		             "cannot hold '/'",
		             where, name);
	else if (*name == '.')
		rt_error_set("%s: file_template gives the hidden file name '%s' (a name must not start with '.')",
		             where, name);
	else
		return RETORT_OK;
	return RETORT_EINVAL;
}

int rt_file_name_render(char **out, const char *tpl, const char *where, const char *rev, const char *slug,
                        time_t when)
{
	rt_buf b = RT_BUF_INIT;
	const char *p = tpl;
	int rc = RETORT_OK;
	*out = NULL;
	while (*p && rc >= 0) {
		const char *close;
		size_t used, len;
		int tok;
		if (p[0] != '%') {
			rc = rt_buf_putc(&b, *p++);
			continue;
		}
		if (p[1] == '%' && p[2] == '(') {
			rt_error_set("%s: file_template: '%%%%(' is a literal '%%(': alembic.ini doubles %% for its parser, "
			             "retort.conf does not (write %%(year)d, not %%%%(year)d)",
			             where);
			rc = RETORT_EINVAL;
			break;
		}
		if (p[1] == '%') {
			rc = rt_buf_putc(&b, '%');
			p += 2;
			continue;
		}
		if (p[1] != '(' || !(close = strchr(p + 2, ')'))) {
			rt_error_set("%s: file_template: a '%%' must start a token such as %%(rev)s, or be written %%%%",
			             where);
			rc = RETORT_EINVAL;
			break;
		}
		len = (size_t)(close - p - 2);
		for (tok = 0; tok < NTOK; tok++)
			if (strlen(name_tokens[tok]) == len && strncmp(name_tokens[tok], p + 2, len) == 0)
				break;
		if (tok == NTOK) {
			rt_error_set("%s: file_template: unknown token %%(%.*s) (rev slug epoch year month day hour minute "
			             "second)",
			             where, (int)len, p + 2);
			rc = RETORT_EINVAL;
			break;
		}
		if ((rc = render_token(&b, tok, close + 1, where, rev, slug, when, &used)) >= 0)
			p = close + 1 + used;
	}
	if (rc >= 0 && !(*out = rt_buf_detach(&b))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
	}
	if (rc >= 0 && (rc = check_file_name(*out, where)) < 0) {
		rt_free(*out);
		*out = NULL;
	}
	rt_buf_free(&b);
	return rc < 0 ? rc : RETORT_OK;
}

/* ---- templates ---- */

static const char template_conf[] = "# retort revision: {{message}}\n"
                                    "revision = {{revision}};\n"
                                    "down_revision = {{down_revision}};\n"
                                    "branch_labels = {{branch_labels}};\n"
                                    "depends_on = {{depends_on}};\n"
                                    "message = {{message_q}};\n"
                                    "create_date = {{create_date}};\n"
                                    "\n"
                                    "upgrade = (\n"
                                    "{{upgrade}}"
                                    ");\n"
                                    "\n"
                                    "downgrade = (\n"
                                    "{{downgrade}}"
                                    ");\n";

static const char template_sql[] = "-- retort:revision {{revision}}\n"
                                   "-- retort:down_revision {{down_revision}}\n"
                                   "-- retort:branch_labels {{branch_labels}}\n"
                                   "-- retort:depends_on {{depends_on}}\n"
                                   "-- retort:message {{message}}\n"
                                   "-- retort:create_date {{create_date}}\n"
                                   "\n"
                                   "-- retort:upgrade\n"
                                   "{{upgrade}}"
                                   "\n"
                                   "-- retort:downgrade\n"
                                   "{{downgrade}}";

const char *rt_template_builtin(retort_script_format fmt)
{
	return fmt == RETORT_FORMAT_SQL ? template_sql : template_conf;
}

static void conf_quote(rt_buf *b, const char *s)
{
	rt_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			rt_buf_putc(b, '\\');
		if (*s == '\n') {
			rt_buf_puts(b, "\\n");
			continue;
		}
		rt_buf_putc(b, *s);
	}
	rt_buf_putc(b, '"');
}

static char *conf_list(const rt_strv *sv, int single_as_string)
{
	rt_buf b = RT_BUF_INIT;
	size_t i;
	if (sv->n == 1 && single_as_string) {
		conf_quote(&b, sv->v[0]);
		return rt_buf_detach(&b);
	}
	rt_buf_puts(&b, "[ ");
	for (i = 0; i < sv->n; i++) {
		if (i)
			rt_buf_puts(&b, ", ");
		conf_quote(&b, sv->v[i]);
	}
	rt_buf_puts(&b, sv->n ? " ]" : "]");
	return rt_buf_detach(&b);
}

char *rt_template_fill(const char *tpl, const char *const *keys, const char *const *vals, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	const char *line = tpl;
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line + 1) : strlen(line);
		rt_buf lb = RT_BUF_INIT;
		const char *p = line, *end = line + len;
		int drop = 0;
		while (p < end) {
			if (p[0] == '{' && p[1] == '{') {
				const char *close = strstr(p, "}}");
				size_t i, kl;
				if (close && close < end) {
					kl = (size_t)(close - p - 2);
					for (i = 0; i < n; i++) {
						if (strlen(keys[i]) == kl && strncmp(keys[i], p + 2, kl) == 0) {
							if (!vals[i])
								drop = 1;
							else
								rt_buf_puts(&lb, vals[i]);
							break;
						}
					}
					if (i < n) {
						p = close + 2;
						continue;
					}
				}
			}
			rt_buf_putc(&lb, *p++);
		}
		if (!drop)
			rt_buf_add(&b, rt_buf_cstr(&lb), lb.len);
		rt_buf_free(&lb);
		line += len;
	}
	return rt_buf_detach(&b);
}

int rt_file_create(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	size_t n = strlen(text);
	if (fd < 0) {
		rt_error_set("%s: cannot create: %s", path, strerror(errno));
		return RETORT_ERROR;
	}
	if (write(fd, text, n) != (ssize_t)n) {
		rt_error_set("%s: write failed: %s", path, strerror(errno));
		close(fd);
		return RETORT_ERROR;
	}
	if (close(fd) != 0) {
		rt_error_set("%s: write failed: %s", path, strerror(errno));
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

/* The template's values: conf quotes them, .sql writes them bare; NULL drops the line. */
enum { V_REV, V_DOWN, V_LABELS, V_DEPS, V_MSG, V_MSGQ, V_DATE, V_UP, V_DOWNGRADE, NVALS };
static const char *const template_keys[NVALS] = {"revision",  "down_revision", "branch_labels",
                                                 "depends_on", "message",       "message_q",
                                                 "create_date", "upgrade",      "downgrade"};

static char *quoted(const char *s)
{
	rt_buf b = RT_BUF_INIT;
	conf_quote(&b, s);
	return rt_buf_detach(&b);
}

static char *fill(const char *tpl, int sql, const char *rev, const rt_strv *parents, const rt_strv *labels,
                  const rt_strv *deps, const char *message, const char *date, const char *up, const char *down)
{
	char *vals[NVALS] = {NULL}, *m, *q, *text = NULL;
	size_t i;
	if (!sql) {
		vals[V_REV] = quoted(rev);
		vals[V_DOWN] = parents->n ? conf_list(parents, 1) : NULL;
		vals[V_LABELS] = labels && labels->n ? conf_list(labels, 0) : NULL;
		vals[V_DEPS] = deps && deps->n ? conf_list(deps, 0) : NULL;
		vals[V_MSGQ] = quoted(message);
		vals[V_DATE] = quoted(date);
	} else {
		vals[V_REV] = rt_strdup(rev);
		vals[V_DOWN] = parents->n ? rt_strv_join(parents, " ") : NULL;
		vals[V_LABELS] = labels && labels->n ? rt_strv_join(labels, " ") : NULL;
		vals[V_DEPS] = deps && deps->n ? rt_strv_join(deps, " ") : NULL;
		vals[V_MSGQ] = rt_strdup(message);
		vals[V_DATE] = rt_strdup(date);
	}
	/* {{message}} goes on one line */
	for (q = m = rt_strdup(message); q && *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	vals[V_MSG] = m;
	vals[V_UP] = rt_strdup(up ? up : "");
	vals[V_DOWNGRADE] = rt_strdup(down ? down : "");
	if (vals[V_REV] && vals[V_MSG] && vals[V_MSGQ] && vals[V_DATE] && vals[V_UP] && vals[V_DOWNGRADE])
		text = rt_template_fill(tpl, template_keys, (const char *const *)vals, NVALS);
	for (i = 0; i < NVALS; i++)
		rt_free(vals[i]);
	return text;
}

/* ---- parents ---- */

/* revision: the parent from --head ("head": the one head; "base": none). */
static int revision_parents(const rt_graph *g, const char *head, int splice, rt_strv *parents)
{
	rt_strv cur = RT_STRV_INIT;
	int rc = RETORT_OK;
	size_t i;
	if (strcmp(head, "base") == 0)
		return RETORT_OK;
	if (strcmp(head, "head") == 0) {
		rt_revision **hs = NULL;
		size_t nh = 0;
		if ((rc = rt_graph_heads(g, 1, &hs, &nh)) < 0)
			return rc;
		if (nh > 1)
			rt_error_set("Multiple heads are present; please specify the head revision on which the new "
			             "revision should be based, or perform a merge.");
		rc = nh > 1 ? RETORT_EINVAL : nh == 1 ? rt_strv_push(parents, hs[0]->id) : RETORT_OK;
		rt_free(hs);
		return rc;
	}
	if ((rc = rt_graph_resolve(g, head, &cur, 0, parents)) < 0)
		return rc;
	for (i = 0; i < parents->n; i++) {
		const rt_revision *r = rt_graph_get(g, parents->v[i]);
		if (r && !rt_graph_is_head(g, r) && !splice) {
			rt_error_set("Revision %s is not a head revision; please specify --splice to create a new branch "
			             "from this revision",
			             r->id);
			return RETORT_EINVAL;
		}
	}
	return RETORT_OK;
}

/* merge: every revision named, at least two, none an ancestor of another. */
static int merge_parents(const rt_graph *g, const rt_strv *args, rt_strv *parents)
{
	rt_strv cur = RT_STRV_INIT;
	int rc = RETORT_OK;
	size_t i, j;
	for (i = 0; i < args->n && rc >= 0; i++) {
		rt_strv one = RT_STRV_INIT;
		if ((rc = rt_graph_resolve(g, args->v[i], &cur, 0, &one)) >= 0) {
			for (j = 0; j < one.n && rc >= 0; j++) {
				if (rt_strv_find(parents, one.v[j]) >= 0) {
					rt_error_set("Duplicate head revisions specified");
					rc = RETORT_EINVAL;
				} else {
					rc = rt_strv_push(parents, one.v[j]);
				}
			}
		}
		rt_strv_free(&one);
	}
	if (rc < 0)
		return rc;
	if (parents->n < 2) {
		rt_error_set("merge needs at least two heads to merge, and %s resolve%s to %zu; nothing was written",
		             args->n == 1 ? args->v[0] : "the arguments", args->n == 1 ? "s" : "", parents->n);
		return RETORT_EINVAL;
	}
	for (i = 0; i < parents->n; i++) {
		const rt_revision *a = rt_graph_get(g, parents->v[i]);
		for (j = 0; j < parents->n; j++) {
			const rt_revision *b = rt_graph_get(g, parents->v[j]);
			if (i != j && a && b && rt_graph_is_ancestor(g, a, b)) {
				rt_error_set("cannot merge %s with its descendant %s", a->id, b->id);
				return RETORT_EINVAL;
			}
		}
	}
	return RETORT_OK;
}

/* depends_on: each must exist; a prefix is written as the full id, a branch label as given. */
static int resolve_depends(const rt_graph *g, const rt_strv *given, rt_strv *out)
{
	rt_strv cur = RT_STRV_INIT;
	size_t i, k;
	int rc = RETORT_OK;
	for (i = 0; given && i < given->n && rc >= 0; i++) {
		rt_strv one = RT_STRV_INIT;
		int is_label = 0;
		for (k = 0; k < rt_graph_count(g) && !is_label; k++)
			is_label = rt_strv_find(&rt_graph_at(g, k)->labels, given->v[i]) >= 0;
		if (!is_label && (rc = rt_graph_resolve(g, given->v[i], &cur, 0, &one)) < 0) {
			rt_strv_free(&one);
			break;
		}
		rc = rt_strv_push(out, one.n == 1 ? one.v[0] : given->v[i]);
		rt_strv_free(&one);
	}
	return rc;
}

/* ---- writing ---- */

/* The folder the new script goes to (a new string). */
static int target_dir(const rt_ctx *ctx, const rt_revwrite *w, const rt_strv *parents, char **dir)
{
	const rt_config *cfg = ctx->cfg;
	if (w->version_path) {
		char want[PATH_MAX], have[PATH_MAX];
		size_t i;
		if (!realpath(w->version_path, want)) {
			rt_error_set("--version-path %s: %s", w->version_path, strerror(errno));
			return RETORT_EINVAL;
		}
		for (i = 0; i < cfg->version_locations.n; i++)
			if (realpath(cfg->version_locations.v[i], have) && strcmp(have, want) == 0)
				break;
		if (i == cfg->version_locations.n) {
			rt_error_set("Path %s is not represented in current version locations", w->version_path);
			return RETORT_EINVAL;
		}
		*dir = rt_strdup(w->version_path);
	} else if (cfg->version_locations.n == 1) {
		*dir = rt_strdup(cfg->version_locations.v[0]);
	} else {
		/* the parent's folder, as Alembic does */
		const rt_revision *pr = parents->n ? rt_graph_get(ctx->graph, parents->v[0]) : NULL;
		const char *slash;
		if (!pr) {
			rt_error_set("Multiple version locations present, please specify --version-path");
			return RETORT_EINVAL;
		}
		slash = strrchr(pr->path, '/');
		*dir = slash ? rt_strndup(pr->path, (size_t)(slash - pr->path)) : rt_strdup(".");
	}
	RT_CHECK_ALLOC(*dir);
	return RETORT_OK;
}

/* The script's text: DIR/template.<ext> when the project has one, else the built-in template. */
static int script_text(const rt_ctx *ctx, const rt_revwrite *w, const char *rev, const rt_strv *parents,
                       const rt_strv *deps, const char *date, char **tpl_path, char **text)
{
	int sql = w->format == RETORT_FORMAT_SQL, rc;
	char *tpl = NULL;
	*tpl_path = rt_asprintf("%s/template.%s", ctx->cfg->script_location, sql ? "sql" : "conf");
	RT_CHECK_ALLOC(*tpl_path);
	if (access(*tpl_path, R_OK) == 0) {
		if ((rc = rt_file_read(&tpl, NULL, *tpl_path)) < 0)
			return rc;
	} else {
		tpl = rt_strdup(rt_template_builtin(w->format));
	}
	*text = tpl ? fill(tpl, sql, rev, parents, w->branch_labels, deps, w->message, date, w->upgrade_text,
	                        w->downgrade_text) : NULL;
	rt_free(tpl);
	RT_CHECK_ALLOC(*text);
	return RETORT_OK;
}

/* lint_on = [ "revision" ] (or a policy's enforce): the policies over the script before it is written (not written on errors) */
static int lint_text(rt_ctx *ctx, const char *path, const char *text)
{
	rt_revision *rev = NULL;
	int rc;
	if (!rt_lint_gated(ctx, RT_LINT_ON_REVISION))
		return RETORT_OK;
	rc = rt_script_load_text(&rev, path, text);
	if (rc < 0) {
		rt_error_prefix("the new revision does not read (check the template)");
		return rc;
	}
	rc = rt_lint_gate(ctx, RT_LINT_ON_REVISION, &rev, 1, "the revision was not written");
	rt_revision_free(rev);
	return rc;
}

/* the file at path reads as a revision (the error says why not) */
static int reads_back(void *arg, const char *path)
{
	rt_revision *rev = NULL;
	int rc = rt_script_load(&rev, path, 1);
	(void)arg;
	rt_revision_free(rev);
	return rc;
}

int rt_revwrite_run(rt_ctx *ctx, const rt_revwrite *w, char **rev_out, char **path_out)
{
	rt_strv parents = RT_STRV_INIT, deps = RT_STRV_INIT;
	char idbuf[13], date[32], *where = NULL, *dir = NULL, *slug = NULL, *base = NULL, *path = NULL;
	char *tpl_path = NULL, *text = NULL;
	const char *rev = w->rev_id;
	time_t now = time(NULL);
	struct tm tm;
	rt_revision *loaded = NULL;
	int rc;
	if (rev_out)
		*rev_out = NULL;
	if (path_out)
		*path_out = NULL;
	/* what Alembic checks, in its order: a merge's parents first, a revision's id first */
	if (w->merge && (rc = merge_parents(ctx->graph, w->merge, &parents)) < 0)
		goto done;
	if (!rev) {
		do
			rt_rev_id_new(idbuf);
		while (rt_graph_get(ctx->graph, idbuf));
		rev = idbuf;
	}
	if ((rc = check_new_id(ctx->graph, rev)) < 0 || (rc = check_labels(ctx->graph, w->branch_labels)) < 0)
		goto done;
	if (!w->merge && (rc = revision_parents(ctx->graph, w->head ? w->head : "head", w->splice, &parents)) < 0)
		goto done;
	if ((rc = resolve_depends(ctx->graph, w->depends_on, &deps)) < 0 ||
	    (rc = target_dir(ctx, w, &parents, &dir)) < 0)
		goto done;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
	rc = RETORT_ENOMEM;
	if (!(where = rt_config_where(ctx->cfg, "file_template")) ||
	    !(slug = rt_slugify(w->message, ctx->cfg->truncate_slug_length)))
		goto done;
	if ((rc = rt_file_name_render(&base, ctx->cfg->file_template, where, rev, slug, now)) < 0 ||
	    (rc = script_text(ctx, w, rev, &parents, &deps, date, &tpl_path, &text)) < 0)
		goto done;
	if (!(path = rt_asprintf("%s/%s.%s", dir, base, w->format == RETORT_FORMAT_SQL ? "sql" : "conf"))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = lint_text(ctx, path, text)) < 0)
		goto done;
	if ((rc = rt_file_create(path, text)) < 0)
		goto done;
	if (path_out && !(*path_out = rt_strdup(path))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if (w->written)
		w->written(w->arg, path);
	/* the file must read back as a revision: as the template wrote it, then after each formatter
	 * (the one that breaks it is named) */
	if ((rc = reads_back(NULL, path)) < 0) {
		rt_error_prefix("the revision written does not read back (check the template %s)", tpl_path);
		rc = RETORT_ERROR;
		goto done;
	}
	if ((rc = rt_plugins_format(ctx->plugins, path, w->format, reads_back, NULL)) < 0 ||
	    (rc = rt_script_load(&loaded, path, 1)) < 0)
		goto done;
	rt_ctx_event(ctx, "script.written", loaded, NULL, "ok", date, -1, NULL, path);
	if (rev_out && !(*rev_out = rt_strdup(rev))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
	}
done:
	rt_revision_free(loaded);
	rt_strv_free(&parents);
	rt_strv_free(&deps);
	rt_free(where);
	rt_free(dir);
	rt_free(slug);
	rt_free(base);
	rt_free(path);
	rt_free(tpl_path);
	rt_free(text);
	return rc;
}

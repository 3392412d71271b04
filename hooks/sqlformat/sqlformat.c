/*
 * sqlformat: a post-write formatter giving every revision retort writes
 * one canonical layout.  No settings.
 *
 *  - .conf scripts (conffmt.c): a libconfig reader of its own that keeps
 *    every comment, re-emitting the settings as `name = value;`, one a
 *    line, two spaces per level; a list `( ... )` one element a line; a
 *    group or an array on one line when it holds no comment and no list
 *    and fits in 100 columns, else one member a line.  Scalars (strings,
 *    numbers) are copied byte for byte.  libconfig's own writer is not
 *    used: it drops comments and rewrites numbers and strings.
 *  - .sql scripts (sqlfmt.c): SQL keywords that are reserved words of
 *    MySQL in upper case (only those: a MySQL table name is
 *    case-sensitive, and a reserved word cannot be one unquoted), one
 *    statement per paragraph (a blank line between statements; the
 *    comments right before a statement stay with it), no trailing white
 *    space, one newline at the end.  String literals, quoted identifiers,
 *    comments and dollar-quoted bodies are copied untouched, with the
 *    splitting rules retort itself uses for .sql scripts.
 *
 * Formatting a formatted file changes nothing.  The file is rewritten
 * only when the text changes, through the host's replace_file (a
 * temporary file in the same folder, the original's mode, renamed over
 * it: a reader sees the old file or the new one, never half of one).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <retort/formatter.h>
#include <retort/plugin.h>
#include <retort/sdk.h>

#include "sqlformat.h"

typedef struct sf_state {
	const retort_host *host;
} sf_state;

static void sf_fini(void *state)
{
	sf_state *st = state;
	if (st)
		st->host->free(st);
}

static int sf_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s, retort_plugin_kind kind,
                   void **state_out)
{
	const char *key;
	sf_state *st;
	if (kind != RETORT_KIND_FORMATTER) {
		host->set_error(h, "sqlformat provides the kind \"formatter\" only (asked for kind %d)", (int)kind);
		return RETORT_EINVAL;
	}
	if (!RETORT_HOST_HAS(host, replace_file)) {
		host->set_error(h, "sqlformat needs a newer retort (one whose host has replace_file)");
		return RETORT_EINVAL;
	}
	if ((key = host->setting_next_key(s, NULL)) != NULL) {
		host->setting_error(h, s, key, "unknown setting '%s' (sqlformat takes none)", key);
		return RETORT_EINVAL;
	}
	if (!(st = host->malloc(sizeof *st))) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	*state_out = st;
	return RETORT_OK;
}

static int read_all(const retort_host *host, retort_host_ctx *h, int fd, const char *path, retort_strbuf *b)
{
	char chunk[8192];
	ssize_t n;
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			host->set_error(h, "cannot read '%s': %s", path, strerror(errno));
			return RETORT_ERROR;
		}
		if (n == 0)
			break;
		retort_strbuf_add(b, chunk, (size_t)n);
	}
	if (b->status) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	return RETORT_OK;
}

static int sf_format_file(void *state, retort_host_ctx *h, const char *path, retort_script_format format)
{
	sf_state *st = state;
	const retort_host *host = st->host;
	retort_strbuf in, out;
	struct stat sb;
	char err[256] = "";
	int fd, rc;

	if (format != RETORT_FORMAT_CONF && format != RETORT_FORMAT_SQL) {
		host->set_error(h, "'%s': unknown script format %d", path, (int)format);
		return RETORT_EINVAL;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		host->set_error(h, "cannot open '%s': %s", path, strerror(errno));
		return RETORT_ERROR;
	}
	retort_strbuf_init(&in, host);
	retort_strbuf_init(&out, host);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		host->set_error(h, "'%s' is not a regular file", path);
		close(fd);
		return RETORT_ERROR;
	}
	rc = read_all(host, h, fd, path, &in);
	close(fd);
	if (rc < 0)
		goto done;
	if ((format == RETORT_FORMAT_CONF ? sf_format_conf(&out, retort_strbuf_cstr(&in), in.len, err, sizeof err)
	                                  : sf_format_sql(&out, retort_strbuf_cstr(&in), in.len, err, sizeof err)) < 0) {
		host->set_error(h, "%s:%s", path, err);
		rc = RETORT_EINVAL;
		goto done;
	}
	if (out.status) {
		host->set_error(h, "out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if (out.len != in.len || memcmp(retort_strbuf_cstr(&out), retort_strbuf_cstr(&in), in.len) != 0)
		rc = host->replace_file(h, path, retort_strbuf_cstr(&out), out.len);
done:
	retort_strbuf_free(&in);
	retort_strbuf_free(&out);
	return rc;
}

static const retort_formatter_vtable sf_vt = {
	.size = sizeof(retort_formatter_vtable),
	.format_file = sf_format_file,
};

static const retort_plugin_impl sf_impls[] = {
	{RETORT_KIND_FORMATTER, &sf_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "sqlformat", .version = "1.0.0",
                     .description = "canonical layout of written revisions (.conf and .sql), comments kept",
                     .impls = sf_impls, .init = sf_init, .fini = sf_fini);

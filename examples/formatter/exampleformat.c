/*
 * exampleformat: an out-of-tree retort post-write formatter.  retort runs
 * it on each revision file it writes (`retort revision`, autogenerate):
 * it strips trailing blanks from every line, ends the file with exactly
 * one newline, and signs it with a last comment line
 * (`# formatted by exampleformat` in a .conf script, `-- ...` in .sql).
 *
 *     plugins = ( { module = "exampleformat"; } );
 *
 * What it shows a plugin author:
 *  - reading the file, building the new text with retort_strbuf
 *    (<retort/sdk.h>), and writing it back with the host's replace_file:
 *    a new file beside it renamed over it, its mode kept, so an editor or
 *    a reader never sees half a file;
 *  - the file is rewritten only when the text changes (formatting twice
 *    changes nothing);
 *  - refusing to start on a host too old to have replace_file
 *    (RETORT_HOST_HAS), instead of crashing later.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <retort/formatter.h>
#include <retort/sdk.h>

typedef struct exf_state {
	const retort_host *host; /* borrowed, valid until fini */
} exf_state;

static void exf_fini(void *state)
{
	exf_state *st = state;
	if (st)
		st->host->free(st);
}

static int exf_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                    retort_plugin_kind kind, void **state_out)
{
	exf_state *st;
	const char *key;
	if (kind != RETORT_KIND_FORMATTER) {
		host->set_error(h, "exampleformat is a formatter, not plugin kind %d", (int)kind);
		return RETORT_EINVAL;
	}
	if (!RETORT_HOST_HAS(host, replace_file)) {
		host->set_error(h, "exampleformat needs a newer retort (one whose host has replace_file)");
		return RETORT_EINVAL;
	}
	if (settings && (key = host->setting_next_key(settings, NULL)) != NULL) {
		host->setting_error(h, settings, key, "exampleformat takes no settings");
		return RETORT_EINVAL;
	}
	if (!(st = (exf_state *)host->malloc(sizeof *st))) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	*state_out = st;
	return RETORT_OK;
}

static int read_file(retort_host_ctx *h, const retort_host *host, const char *path, retort_strbuf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f) {
		host->set_error(h, "cannot open '%s': %s", path, strerror(errno));
		return RETORT_ERROR;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		retort_strbuf_add(b, chunk, n);
	if (ferror(f)) {
		host->set_error(h, "cannot read '%s'", path);
		fclose(f);
		return RETORT_ERROR;
	}
	fclose(f);
	if (b->status != RETORT_OK)
		host->set_error(h, "out of memory");
	return b->status;
}

static int exf_format_file(void *state, retort_host_ctx *h, const char *path, retort_script_format format)
{
	exf_state *st = state;
	const retort_host *host = st->host;
	const char *sign = format == RETORT_FORMAT_SQL ? "-- formatted by exampleformat" : "# formatted by exampleformat";
	retort_strbuf in, out;
	const char *p, *end, *eol;
	size_t n, last;
	int rc;

	retort_strbuf_init(&in, host);
	retort_strbuf_init(&out, host);
	if ((rc = read_file(h, host, path, &in)) != RETORT_OK)
		goto done;
	p = retort_strbuf_cstr(&in);
	end = p + in.len;
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((eol ? eol : end) - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		retort_strbuf_add(&out, p, n);
		retort_strbuf_putc(&out, '\n');
		p = eol ? eol + 1 : end;
	}
	/* no blank lines at the end, then the signature once */
	while (out.len >= 2 && out.ptr[out.len - 1] == '\n' && out.ptr[out.len - 2] == '\n')
		out.ptr[--out.len] = '\0';
	for (last = out.len ? out.len - 1 : 0; last > 0 && out.ptr[last - 1] != '\n'; last--)
		;
	if (out.status == RETORT_OK && !(out.len - last == strlen(sign) + 1 && memcmp(out.ptr + last, sign, strlen(sign)) == 0)) {
		retort_strbuf_puts(&out, sign);
		retort_strbuf_putc(&out, '\n');
	}
	if (out.status != RETORT_OK) {
		host->set_error(h, "out of memory");
		rc = out.status;
		goto done;
	}
	if (out.len != in.len || memcmp(out.ptr, retort_strbuf_cstr(&in), in.len) != 0)
		rc = host->replace_file(h, path, out.ptr, out.len);
done:
	retort_strbuf_free(&in);
	retort_strbuf_free(&out);
	return rc;
}

static const retort_formatter_vtable exf_vt = {
	sizeof(retort_formatter_vtable),
	exf_format_file,
};

static const retort_plugin_impl exf_impls[] = {
	{RETORT_KIND_FORMATTER, &exf_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "exampleformat", .version = "1.0.0",
                     .description = "example formatter: no trailing blanks, one final newline, signed",
                     .impls = exf_impls, .init = exf_init, .fini = exf_fini);

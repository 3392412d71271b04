/*
 * examplepolicy: an out-of-tree retort naming policy.  Two house rules,
 * checked by `retort lint` (and by the lint_on gate before a run):
 *
 *   no_drop_table   an upgrade never drops a table (error): rename it
 *                   away first, drop it a release later;
 *   message         a revision says what it does (warning when its
 *                   message is shorter than `min_message` characters,
 *                   10 unless set).
 *
 *     plugins = ( { module = "examplepolicy"; min_message = 12; } );
 *
 * A script that means it writes `allow = [ "no_drop_table" ];` on the
 * operation (a .conf script) or `-- retort:allow no_drop_table` before the
 * statement (a .sql script); the host drops the findings it allows, so
 * the policy never reads annotations.
 *
 * It also names indexes the scripts leave unnamed, ix_<table>_<columns>
 * (name_object): what retort's own `convention` module does with a
 * template, in a dozen lines.
 *
 * What it shows a plugin author: check_script with a severity and a place
 * for each finding, the `rules` list (so `allow` naming a rule nobody has
 * is refused), RETORT_ENOTSUPPORTED for "no rule of mine", and the
 * helpers of <retort/sdk.h> (retort_strbuf, retort_op_kind_name).
 */
#include <string.h>

#include <retort/naming.h>
#include <retort/sdk.h>

typedef struct exp_state {
	const retort_host *host; /* borrowed, valid until fini */
	long long min_message;
} exp_state;

static void exp_fini(void *state)
{
	exp_state *st = state;
	if (st)
		st->host->free(st);
}

static int exp_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                    retort_plugin_kind kind, void **state_out)
{
	exp_state *st;
	const char *key;
	long long min = 10;

	if (kind != RETORT_KIND_NAMING) {
		host->set_error(h, "examplepolicy is a naming policy, not plugin kind %d", (int)kind);
		return RETORT_EINVAL;
	}
	for (key = settings ? host->setting_next_key(settings, NULL) : NULL; key;
	     key = host->setting_next_key(settings, key)) {
		if (strcmp(key, "min_message") != 0 || host->setting_int(settings, key, &min) != RETORT_OK || min < 0) {
			host->setting_error(h, settings, key, "examplepolicy takes one setting, min_message (a count >= 0)");
			return RETORT_EINVAL;
		}
	}
	if (!(st = (exp_state *)host->malloc(sizeof *st))) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	st->min_message = min;
	*state_out = st;
	return RETORT_OK;
}

/* ix_<table>_<col1>_<col2>; RETORT_ENOTSUPPORTED for anything but an index */
static int exp_name_object(void *state, retort_host_ctx *h, const retort_name_request *req, retort_sink *out)
{
	exp_state *st = state;
	retort_strbuf b;
	size_t i;
	int rc;
	if (!req->type || strcmp(req->type, "ix") != 0 || !req->table)
		return RETORT_ENOTSUPPORTED;
	retort_strbuf_init(&b, st->host);
	retort_strbuf_printf(&b, "ix_%s", req->table);
	for (i = 0; i < req->ncolumns; i++)
		retort_strbuf_printf(&b, "_%s", req->columns[i]);
	if ((rc = b.status) == RETORT_OK)
		rc = st->host->sink_add(out, b.ptr, b.len);
	else
		st->host->set_error(h, "out of memory");
	retort_strbuf_free(&b);
	return rc;
}

static int report(exp_state *st, retort_host_ctx *h, retort_violation_report_fn fn, void *arg, const char *rule,
                  retort_severity sev, retort_section section, size_t op_index, const char *message)
{
	retort_violation v;
	int rc;
	memset(&v, 0, sizeof v);
	v.size = sizeof v;
	v.rule = rule;
	v.severity = sev;
	v.message = message;
	v.section = section;
	v.op_index = op_index;
	rc = fn(arg, &v);
	if (rc < 0) /* the host wants the check to stop: say why, return its status */
		st->host->set_error(h, "stopped while reporting a violation (status %d)", rc);
	return rc;
}

static int exp_check_script(void *state, retort_host_ctx *h, const retort_script *script,
                            retort_violation_report_fn fn, void *arg)
{
	exp_state *st = state;
	retort_strbuf msg;
	size_t i;
	int rc = RETORT_OK;

	retort_strbuf_init(&msg, st->host);
	for (i = 0; rc == RETORT_OK && i < script->nupgrade; i++) {
		const retort_op *op = &script->upgrade[i];
		if (op->kind != RETORT_OP_DROP_TABLE)
			continue;
		retort_strbuf_clear(&msg);
		retort_strbuf_printf(&msg, "%s of '%s' in an upgrade: rename the table away now, drop it a release later",
		                     retort_op_kind_name(op->kind), op->table ? op->table : "?");
		rc = msg.status != RETORT_OK ? msg.status
		                             : report(st, h, fn, arg, "no_drop_table", RETORT_SEVERITY_ERROR,
		                                      RETORT_SECTION_UPGRADE, i, retort_strbuf_cstr(&msg));
	}
	if (rc == RETORT_OK && (long long)strlen(script->message ? script->message : "") < st->min_message) {
		retort_strbuf_clear(&msg);
		retort_strbuf_printf(&msg, "the message '%s' is shorter than %lld characters: say what the revision does",
		                     script->message ? script->message : "", st->min_message);
		rc = msg.status != RETORT_OK ? msg.status
		                             : report(st, h, fn, arg, "message", RETORT_SEVERITY_WARNING,
		                                      RETORT_SECTION_SCRIPT, 0, retort_strbuf_cstr(&msg));
	}
	if (rc == RETORT_ENOMEM)
		st->host->set_error(h, "out of memory");
	retort_strbuf_free(&msg);
	return rc;
}

static const char *const exp_rules[] = {"no_drop_table", "message", NULL};

static const retort_naming_vtable exp_vt = {
	sizeof(retort_naming_vtable),
	exp_name_object,
	NULL, /* check: the old interface, superseded by check_script */
	exp_check_script,
	exp_rules,
};

static const retort_plugin_impl exp_impls[] = {
	{RETORT_KIND_NAMING, &exp_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "examplepolicy", .version = "1.0.0",
                     .description = "example policy: no drop_table in an upgrade, a real message, ix_ names",
                     .impls = exp_impls, .init = exp_init, .fini = exp_fini);

/*
 * The host side of the plugin ABI: the retort_host services table, sinks,
 * per-instance contexts, settings views over a libconfig group.
 */
#ifndef RT_HOST_H
#define RT_HOST_H

#include <libconfig.h>

#include <retort/plugin.h>
#include <retort/types.h>

#include "rt.h"

/** The services table handed to every plugin (static, never freed). */
const retort_host *rt_host_services(void);

/* ---- sinks ---- */

/** A statement sink collects statements (each closed by sink_end); a text sink one string. */
typedef struct rt_stmt {
	char *sql;
	unsigned flags; /* RETORT_STMT_* */
} rt_stmt;

struct retort_sink {
	rt_buf cur;      /* text being appended */
	rt_stmt *stmts;  /* closed statements */
	size_t n, cap;
};

void rt_sink_init(retort_sink *s);
/** Close a trailing unterminated statement, if any text is pending (used after render). */
int rt_sink_flush(retort_sink *s);
/** Text of a text sink ("" when empty). */
const char *rt_sink_text(const retort_sink *s);
void rt_sink_reset(retort_sink *s);
void rt_sink_free(retort_sink *s);

/* ---- instance contexts ---- */

/**
 * A context names the plugin instance for messages and holds the error a
 * plugin set.  `name` is copied.
 */
struct retort_host_ctx {
	char *name;
	rt_buf error;
	char sqlstate[6];
	long native_code;
	int has_error;
	int verbose;     /* log level shown: RETORT_LOG_WARNING by default */
	const char *config_file; /* for setting_error messages; borrowed */
	struct rt_plugins *plugins; /* policy_name asks these; NULL: it answers "no rule" */
	/*
	 * op_more: the ops being rendered (one, or a batch of at most 64) and
	 * what each carries beyond retort_op (cur_mores NULL, or an entry NULL:
	 * nothing); bit i of more_asked: the plugin asked for cur_mores[i]
	 */
	const retort_op *const *cur_ops;
	const retort_op_more *const *cur_mores;
	size_t cur_n;
	uint64_t more_asked;
};

retort_host_ctx *rt_hctx_new(const char *name);
/*
 * While the plugin of h renders ops[0..n) (n at most 64): op_more answers
 * mores[i] (mores may be NULL: nothing) for ops[i], and more_asked starts
 * empty.  rt_hctx_rendering(h, NULL, NULL, 0) when it is done.
 */
void rt_hctx_rendering(retort_host_ctx *h, const retort_op *const *ops, const retort_op_more *const *mores, size_t n);
/** The most ops rt_hctx_rendering follows at once: the bits of more_asked. */
#define RT_HCTX_RENDERING_MAX 64
void rt_hctx_free(retort_host_ctx *h);
void rt_hctx_clear_error(retort_host_ctx *h);
/**
 * Move the plugin's message into the core error, as "<name>: <message>"
 * (or "<name>: <what> failed (status N)" when the plugin set none).
 * Returns `status` unchanged for chaining.
 */
int rt_hctx_take_error(retort_host_ctx *h, int status, const char *what);

/* ---- settings ---- */

/**
 * A settings view over a libconfig group (NULL: an empty group).  Keys
 * reserved by the host (module, kind, events, fatal) are hidden from
 * setting_next_key.  String values are expanded with `expand`
 * (may be NULL) when read.
 */
struct retort_settings {
	const config_setting_t *group;
	int (*expand)(void *arg, const char *in, char **out); /* ${VAR} expansion */
	void *expand_arg;
	rt_strv expanded; /* keeps expanded strings alive */
};

void rt_settings_init(retort_settings *s, const config_setting_t *group);
void rt_settings_free(retort_settings *s);

#endif

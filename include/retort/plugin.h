/*
 * retort plugin ABI: the entry point, the descriptor, host services.
 *
 * A retort plugin is one libtool module that exports exactly one symbol,
 * `retort_plugin_entry`, a function returning a pointer to a static const
 * descriptor (use RETORT_PLUGIN_DEFINE).  The host checks the descriptor's
 * ABI version and size before it calls anything else in the module.
 *
 * Ownership rules (see retort-plugin(7)):
 *  - every `const char *` and const struct handed to a plugin is borrowed
 *    for the duration of the call; copy what you keep;
 *  - text a plugin produces (SQL, names) goes into a host-owned
 *    retort_sink through the host's sink functions;
 *  - plugin state (`state`, connections) is freed by the plugin's own
 *    `fini`/`disconnect`, each called exactly once by the host;
 *  - plugins never print and never exit: they log and report errors
 *    through the host;
 *  - the one string the host hands over for good is the name
 *    policy_name returns (free it with host->free).
 *
 * Threads: every call into one instance (init, methods, connections,
 * fini) comes from one thread, one at a time; other instances of the same
 * module may run at the same time on other threads (a fleet run, --jobs),
 * so keep no mutable globals.  malloc/realloc/free may be called from any
 * thread; the other services only from inside a call the host made, with
 * its `h`.
 *
 * Helpers every plugin would write again (a string builder, a JSON
 * escaper, ...) are in <retort/sdk.h>.
 *
 * The ABI rule (see retort-plugin(7), ABI POLICY): inside one plugin ABI
 * a struct either GROWS or is FROZEN.
 *  - Structs that may grow are only ever handed over one at a time, by
 *    pointer, and start with `uint32_t size`: the descriptor, every
 *    vtable, retort_host, and the single-pointer value structs
 *    (retort_url, retort_event, retort_name_request, retort_script,
 *    retort_step_record).  New members are appended; the reader tests
 *    RETORT_STRUCT_HAS before touching a member newer than its headers.
 *  - Structs that travel in arrays are stepped through with the reader's
 *    own sizeof, so they are FROZEN for the whole ABI: never a member
 *    added, removed or retyped.  Each says so in its comment.  New fields
 *    come in a new struct reached through a member appended to a struct
 *    that may grow, or through a new method.
 *  - A member that leaves the ABI keeps its slot as a `reserved_N`
 *    placeholder, so every later member keeps its offset.
 *
 * Stability of this header: frozen for ABI 1 are retort_plugin_impl
 * (it travels in the impls[] array) and the meaning of every enum value
 * (numbers are never reused); retort_host and retort_plugin_descriptor
 * grow by appending.
 */
#ifndef RETORT_PLUGIN_H
#define RETORT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include <retort/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RETORT_PLUGIN_ENTRY_NAME "retort_plugin_entry"

#if defined(__GNUC__)
#define RETORT_EXPORT __attribute__((visibility("default")))
#define RETORT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RETORT_EXPORT
#define RETORT_PRINTF(f, a)
#endif

/** Status codes: every plugin method returns RETORT_OK or a negative one. */
typedef enum retort_status {
	RETORT_OK = 0,
	RETORT_ERROR = -1,          /**< generic; message set with set_error */
	RETORT_ENOMEM = -2,         /**< out of memory */
	RETORT_EINVAL = -3,         /**< bad settings, bad operation, bad input */
	RETORT_ENOTSUPPORTED = -4,  /**< optional capability or operation absent */
	RETORT_EDB = -5,            /**< the database reported an error */
	RETORT_ELOCKED = -6,        /**< the migration lock was not obtained in time */
	RETORT_ECONNECT = -7,       /**< could not connect / authenticate */
	RETORT_EUSER = -30          /**< never produced by retort itself */
} retort_status;

typedef enum retort_log_level {
	RETORT_LOG_ERROR = 0,
	RETORT_LOG_WARNING = 1,
	RETORT_LOG_INFO = 2,
	RETORT_LOG_DEBUG = 3
} retort_log_level;

/** Plugin kinds.  Numbers are never reused. */
typedef enum retort_plugin_kind {
	RETORT_KIND_END = 0, /**< terminates retort_plugin_impl[] */
	RETORT_KIND_DIALECT = 1,
	RETORT_KIND_NAMING = 2,
	RETORT_KIND_FORMATTER = 3,
	RETORT_KIND_NOTIFY = 4
} retort_plugin_kind;

/** Opaque, one per plugin instance: pass it back to host services. */
typedef struct retort_host_ctx retort_host_ctx;
/** Opaque view of this plugin instance's config group. */
typedef struct retort_settings retort_settings;
/**
 * Opaque host-owned output buffer.  A statement sink collects a list of
 * SQL statements (close each with sink_end); a text sink collects one
 * string (sink_end is optional there).
 */
typedef struct retort_sink retort_sink;

/** What a naming policy is asked to name (defined in <retort/naming.h>). */
struct retort_name_request;
/** An operation and its extension (defined in <retort/types.h>). */
struct retort_op;
struct retort_op_more;

/** Flags for sink_end. */
#define RETORT_STMT_NO_TRANSACTION 0x1u /**< must run outside a transaction */

/**
 * Services the host hands to each plugin.  New members are only ever
 * appended; test RETORT_HOST_HAS(host, member) before using one that is
 * newer than the ABI you built against.
 */
typedef struct retort_host {
	uint32_t abi_version; /**< RETORT_PLUGIN_ABI_VERSION of the host */
	uint32_t size;        /**< sizeof(retort_host) in the running host */

	/** Log a message (shown with -v/debug, never on stdout). */
	void (*log)(retort_host_ctx *h, retort_log_level lvl, const char *fmt, ...) RETORT_PRINTF(3, 4);
	/** Set the error message the host prints as `retort: error: <plugin>: <msg>`. */
	void (*set_error)(retort_host_ctx *h, const char *fmt, ...) RETORT_PRINTF(2, 3);
	/** Set a database error: SQLSTATE (may be NULL), native code, message. */
	void (*set_db_error)(retort_host_ctx *h, const char *sqlstate, long native_code, const char *message);

	void *(*malloc)(size_t n);
	void *(*realloc)(void *p, size_t n);
	void (*free)(void *p);

	/**
	 * Settings of this plugin's config group, already expanded (${VAR},
	 * ${here}, ${x.KEY}).  Each returns RETORT_OK, or RETORT_ENOTSUPPORTED
	 * when the key is absent, or RETORT_EINVAL when it has another type.
	 * Returned strings live as long as the plugin instance.
	 */
	int (*setting_string)(const retort_settings *s, const char *key, const char **out);
	int (*setting_int)(const retort_settings *s, const char *key, long long *out);
	int (*setting_bool)(const retort_settings *s, const char *key, int *out);
	/** Length of a list/array setting (a single string counts as 1); 0 when absent. */
	size_t (*setting_list_len)(const retort_settings *s, const char *key);
	/** Element i of a list setting of strings; NULL when out of range or not a string. */
	const char *(*setting_list_at)(const retort_settings *s, const char *key, size_t i);
	/** Iterate the keys of the group: pass NULL first; NULL at the end. */
	const char *(*setting_next_key)(const retort_settings *s, const char *prev);
	/** Set an error that names the config file and the setting's line. */
	void (*setting_error)(retort_host_ctx *h, const retort_settings *s, const char *key, const char *fmt, ...)
		RETORT_PRINTF(4, 5);

	/** Append text to a sink; returns RETORT_OK or RETORT_ENOMEM. */
	int (*sink_add)(retort_sink *s, const char *text, size_t len);
	/** Append formatted text to a sink. */
	int (*sink_addf)(retort_sink *s, const char *fmt, ...) RETORT_PRINTF(2, 3);
	/** Close the current statement of a statement sink (flags: RETORT_STMT_*). */
	int (*sink_end)(retort_sink *s, unsigned flags);

	/* appended after 0.1.0: test RETORT_HOST_HAS(host, member) */

	/**
	 * Replace the file at `path` with data[0..len), atomically: the text is
	 * written to a new file beside it, which is renamed over `path`, so a
	 * reader sees the old file or the new one, never half of one.  A file
	 * that exists keeps its permission bits; a new one gets 0666 less the
	 * umask.  For formatters (format_file).  On failure `path` is
	 * untouched, the error (naming the file) is set on `h`, and a negative
	 * status is returned.
	 */
	int (*replace_file)(retort_host_ctx *h, const char *path, const void *data, size_t len);
	/**
	 * Ask the naming policies (the loaded plugins of kind naming, in the
	 * order declared; the first with a rule answers) for the name of what
	 * `req` describes, as the host names what a script leaves unnamed.
	 * RETORT_OK: *name is the name, allocated with host->malloc (the
	 * plugin frees it with host->free); RETORT_ENOTSUPPORTED: no policy
	 * has a rule for req->type (*name NULL, no error set); another
	 * negative status: the policy failed, with its message set on `h`.
	 * For dialects that create an object the operation does not name
	 * (e.g. an index for a foreign key's columns); a naming policy's own
	 * calls get RETORT_ENOTSUPPORTED.  Call it only from inside a call
	 * the host made into the plugin.
	 */
	int (*policy_name)(retort_host_ctx *h, const struct retort_name_request *req, char **name);
	/**
	 * What the op being rendered carries beyond retort_op (frozen for ABI
	 * 1): autoincrement on alter_column, the position of add_enum_value
	 * (see retort_op_more in <retort/types.h>).  NULL when `op` has
	 * nothing more, or is not an op the host asked this plugin to render
	 * in the current call (render, render_online, or any of the ops
	 * handed to render_online_batch).  A dialect that renders
	 * alter_column or add_enum_value must ask: the host fails an op it
	 * rendered whose more the dialect did not ask for.
	 */
	const struct retort_op_more *(*op_more)(retort_host_ctx *h, const struct retort_op *op);
	/* New services are APPENDED here. */
} retort_host;

#define RETORT_STRUCT_HAS(ptr, type, member) ((ptr)->size >= offsetof(type, member) + sizeof((ptr)->member))
#define RETORT_HOST_HAS(h, member) RETORT_STRUCT_HAS(h, retort_host, member)

/**
 * One kind a module provides, with its vtable (first member: uint32_t size).
 * This struct is frozen for ABI 1: it travels in the impls[] array.
 */
typedef struct retort_plugin_impl {
	retort_plugin_kind kind;
	const void *vtable;
} retort_plugin_impl;

/**
 * The descriptor retort_plugin_entry() returns.  Static and const; the host
 * copies it.  Fill it with RETORT_PLUGIN_DEFINE, which sets abi_version and
 * size.
 */
typedef struct retort_plugin_descriptor {
	uint32_t abi_version;            /**< RETORT_PLUGIN_ABI_VERSION at build time */
	uint32_t size;                   /**< sizeof(retort_plugin_descriptor) at build time */
	const char *name;                /**< "sqlite" */
	const char *version;             /**< "1.0.0" */
	const char *description;         /**< one line, for `retort plugins` */
	const retort_plugin_impl *impls; /**< RETORT_KIND_END-terminated */
	/**
	 * Create one instance.  `host` and `h` stay valid until fini.  `kind` is
	 * the kind this instance serves.  On success store the instance state
	 * in *state_out (may be NULL).  On failure call host->set_error (or
	 * setting_error) and return a negative status; fini is then not called.
	 */
	int (*init)(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
	            retort_plugin_kind kind, void **state_out);
	/** Free the instance state; may be NULL.  Called once per successful init. */
	void (*fini)(void *state);
} retort_plugin_descriptor;

/** Size of the ABI-1 descriptor: a descriptor smaller than this is refused. */
#define RETORT_DESCRIPTOR_SIZE_V1 ((uint32_t)(offsetof(retort_plugin_descriptor, fini) + sizeof(void (*)(void *))))

typedef const retort_plugin_descriptor *(*retort_plugin_entry_fn)(void);

/*
 * RETORT_PLUGIN_DEFINE(...) defines retort_plugin_entry(), exported with C
 * linkage, returning a static descriptor with abi_version and size filled
 * in.  The arguments initialise the remaining members.  In C, name them
 * (`.name = "mydb", .version = "1.0", .description = "...", .impls = impls,
 * .init = my_init, .fini = my_fini`); C++ before C++20 has no designated
 * initialisers, so there give them in that order without names
 * (`"mydb", "1.0", "...", impls, my_init, my_fini`), which C accepts too.
 */
#ifdef __cplusplus
#define RETORT_EXTERN_C extern "C"
#define RETORT_DESCRIPTOR_INIT(...) {RETORT_PLUGIN_ABI_VERSION, (uint32_t)sizeof(retort_plugin_descriptor), __VA_ARGS__}
#else
#define RETORT_EXTERN_C
#define RETORT_DESCRIPTOR_INIT(...)                                                                                \
	{.abi_version = RETORT_PLUGIN_ABI_VERSION, .size = (uint32_t)sizeof(retort_plugin_descriptor), __VA_ARGS__}
#endif

#define RETORT_PLUGIN_DEFINE(...)                                                                                  \
	RETORT_EXTERN_C RETORT_EXPORT const retort_plugin_descriptor *retort_plugin_entry(void);                        \
	RETORT_EXTERN_C const retort_plugin_descriptor *retort_plugin_entry(void)                                       \
	{                                                                                                               \
		static const retort_plugin_descriptor d = RETORT_DESCRIPTOR_INIT(__VA_ARGS__);                            \
		return &d;                                                                                              \
	}                                                                                                               \
	extern int retort_plugin_no_such_variable_

#ifdef __cplusplus
}
#endif
#endif

/*
 * Naming-policy plugins: name indexes and constraints from conventions,
 * and check revision scripts against house rules.
 */
#ifndef RETORT_NAMING_H
#define RETORT_NAMING_H

#include <retort/plugin.h>
#include <retort/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What needs a name. */
typedef struct retort_name_request {
	uint32_t size;
	const char *type; /**< "ix", "uq", "fk", "pk", "ck" */
	const char *table;
	const char *const *columns;
	size_t ncolumns;
	const char *referred_table;  /**< fk */
	const char *constraint_name; /**< ck: the name given in the script, or NULL */
} retort_name_request;

/** A revision script as a policy sees it. */
typedef struct retort_script {
	uint32_t size;
	const char *path;
	const char *revision;
	const char *message;
	retort_script_format format;
	const retort_op *upgrade;
	size_t nupgrade;
	const retort_op *downgrade;
	size_t ndowngrade;
} retort_script;

/** Called for each violation; `where` is e.g. "upgrade[2]" or NULL. */
typedef int (*retort_violation_fn)(void *arg, const char *rule, const char *message, const char *where);

typedef struct retort_naming_vtable {
	uint32_t size;
	/** Append a name to a text sink; RETORT_ENOTSUPPORTED when the policy has no rule for req->type. Optional. */
	int (*name_object)(void *state, retort_host_ctx *h, const retort_name_request *req, retort_sink *out);
	/** Check one script, calling violation() for each finding. Optional. */
	int (*check)(void *state, retort_host_ctx *h, const retort_script *script, retort_violation_fn violation,
	             void *arg);
} retort_naming_vtable;

#ifdef __cplusplus
}
#endif
#endif

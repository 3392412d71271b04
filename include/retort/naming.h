/*
 * Naming-policy plugins: name indexes and constraints from conventions,
 * and check revision scripts against house rules.
 *
 * Stability of this header (the rule is in <retort/plugin.h>):
 * retort_name_request, retort_script, retort_violation and
 * retort_naming_vtable grow by appending (each is handed over alone, by
 * pointer); the operations of a script are retort_op arrays, and
 * retort_op is frozen for ABI 1, as is retort_annotation (an array too).
 */
#ifndef RETORT_NAMING_H
#define RETORT_NAMING_H

#include <retort/plugin.h>
#include <retort/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What needs a name.  May grow: new members are appended. */
typedef struct retort_name_request {
	uint32_t size;
	const char *type; /**< "ix", "uq", "fk", "pk", "ck" */
	const char *table;
	const char *const *columns;
	size_t ncolumns;
	const char *referred_table;  /**< fk */
	const char *constraint_name; /**< ck: the name given in the script, or NULL */
} retort_name_request;

/** How much a violation matters.  Numbers are never reused. */
typedef enum retort_severity {
	RETORT_SEVERITY_ERROR = 1,   /**< fails `retort lint` (exit 1) and the lint_on gate */
	RETORT_SEVERITY_WARNING = 2, /**< shown; does not fail */
	RETORT_SEVERITY_INFO = 3     /**< shown; e.g. a rule that could not be checked */
} retort_severity;

/** Where in a script an annotation or a violation sits.  Numbers are never reused. */
typedef enum retort_section {
	RETORT_SECTION_SCRIPT = 0,   /**< the revision as a whole */
	RETORT_SECTION_UPGRADE = 1,  /**< op_index is an index into upgrade[] */
	RETORT_SECTION_DOWNGRADE = 2 /**< op_index is an index into downgrade[] */
} retort_section;

/**
 * One annotation written in a script: `allow = [ "rule" ];` on an
 * operation or at the top of a .conf script, `-- retort:allow rule` in a
 * .sql script (in its header: the revision; inside a section: the next
 * statement).  One element per value: `allow = [ "a", "b" ]` is two.
 *
 * This struct is frozen for ABI 1 (it travels in retort_script's
 * annotations[] array): no member is ever added, removed or retyped.
 */
typedef struct retort_annotation {
	uint32_t size;
	const char *key;   /**< "allow" */
	const char *value; /**< the rule id as written */
	int line;          /**< where it is written */
	retort_section section;
	size_t op_index; /**< the operation it is written on (section != SCRIPT) */
} retort_annotation;

/**
 * A revision script as a policy sees it.  May grow: new members are
 * appended.  upgrade[] and downgrade[] are arrays of the frozen retort_op.
 */
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
	/* appended after 0.1.0: test RETORT_STRUCT_HAS(script, retort_script, member) */
	/**
	 * The dialect the script is checked for: the name of the dialect plugin
	 * the database URL selects ("sqlite", "postgresql", "mysql"), or NULL
	 * when no URL is configured.
	 */
	const char *dialect;
	const retort_annotation *annotations; /**< every annotation, in the order written */
	size_t nannotations;
	int line;           /**< line of the revision id */
	int downgrade_line; /**< line of `downgrade` / `-- retort:downgrade`; 0 when absent */
} retort_script;

/**
 * Called by check() for each violation; `where` is e.g. "upgrade[2]" or
 * NULL.  Returns RETORT_OK to go on, or a negative status (the host wants
 * the check to stop, e.g. out of memory): the policy must then stop and
 * return that status.
 */
typedef int (*retort_violation_fn)(void *arg, const char *rule, const char *message, const char *where);

/**
 * A finding of check_script.  Borrowed by the host for the call.  May
 * grow: new members are appended (the host reads up to `size`).
 */
typedef struct retort_violation {
	uint32_t size;
	const char *rule;         /**< the rule's id, e.g. "destructive" (what `allow` names) */
	retort_severity severity; /**< 0 counts as RETORT_SEVERITY_ERROR */
	const char *message;      /**< what is wrong and what to do instead */
	retort_section section;   /**< SCRIPT: the revision as a whole */
	size_t op_index;          /**< the operation (section != SCRIPT) */
	int line;                 /**< 0: the operation's line (or the revision id's line for SCRIPT) */
} retort_violation;

/**
 * Called by check_script for each violation.  Returns RETORT_OK to go on,
 * or a negative status: the policy must then stop and return it.
 */
typedef int (*retort_violation_report_fn)(void *arg, const retort_violation *v);

/** A policy's methods.  May grow: new methods are appended. */
typedef struct retort_naming_vtable {
	uint32_t size;
	/** Append a name to a text sink; RETORT_ENOTSUPPORTED when the policy has no rule for req->type. Optional. */
	int (*name_object)(void *state, retort_host_ctx *h, const retort_name_request *req, retort_sink *out);
	/** Check one script, calling violation() for each finding. Optional. */
	int (*check)(void *state, retort_host_ctx *h, const retort_script *script, retort_violation_fn violation,
	             void *arg);
	/* appended after 0.1.0 (NULL in older plugins) */
	/**
	 * Check one script, calling report() for each finding, with its
	 * severity and place.  When a policy has it, the host calls it instead
	 * of check.  The host drops a violation the script allows (an `allow`
	 * annotation naming the rule on the revision or on that operation), so
	 * a policy need not read annotations for that.  Optional.
	 */
	int (*check_script)(void *state, retort_host_ctx *h, const retort_script *script,
	                    retort_violation_report_fn report, void *arg);
	/**
	 * The rule ids this policy reports (NULL-terminated), or NULL.  When
	 * every policy that checks lists its rules, the host refuses an `allow`
	 * naming a rule none of them has (file:line, exit 2).
	 */
	const char *const *rules;
} retort_naming_vtable;

#ifdef __cplusplus
}
#endif
#endif

/*
 * The layout of every struct of plugin ABI 1, as the headers this file is
 * compiled against see it.  Compiled twice: against the frozen copy of
 * retort 0.1.0's headers (tests/abi1/include, with -DLAYOUT_OLD) and
 * against include/; test_layout.c compares the two tables.
 *
 * List every member of ABI 1 here, in order.  A member that left the ABI
 * keeps its slot under a new name: R(type, old, new).
 */
#include <stddef.h>

#include <retort/dialect.h>
#include <retort/formatter.h>
#include <retort/naming.h>
#include <retort/notify.h>

#include "layout.h"

#ifdef LAYOUT_OLD
#define LAYOUT_TABLE abi1_layout_old
#define R(type, old, new) {#type, #old, offsetof(type, old), sizeof(((type *)0)->old), 0}
#else
#define LAYOUT_TABLE abi1_layout_new
#define R(type, old, new) {#type, #old, offsetof(type, new), sizeof(((type *)0)->new), 0}
#endif
#define M(type, member) {#type, #member, offsetof(type, member), sizeof(((type *)0)->member), 0}
/* a struct's size: FROZEN must stay equal, GROWS may only get larger */
#define FROZEN(type) {#type, NULL, sizeof(type), 0, LAYOUT_FROZEN}
#define GROWS(type) {#type, NULL, sizeof(type), 0, LAYOUT_GROWS}

const layout_entry LAYOUT_TABLE[] = {
	/* plugin.h */
	GROWS(retort_host), M(retort_host, abi_version), M(retort_host, size), M(retort_host, log),
	M(retort_host, set_error), M(retort_host, set_db_error), M(retort_host, malloc), M(retort_host, realloc),
	M(retort_host, free), M(retort_host, setting_string), M(retort_host, setting_int),
	M(retort_host, setting_bool), M(retort_host, setting_list_len), M(retort_host, setting_list_at),
	M(retort_host, setting_next_key), M(retort_host, setting_error), M(retort_host, sink_add),
	M(retort_host, sink_addf), M(retort_host, sink_end),

	FROZEN(retort_plugin_impl), M(retort_plugin_impl, kind), M(retort_plugin_impl, vtable),

	GROWS(retort_plugin_descriptor), M(retort_plugin_descriptor, abi_version), M(retort_plugin_descriptor, size),
	M(retort_plugin_descriptor, name), M(retort_plugin_descriptor, version),
	M(retort_plugin_descriptor, description), M(retort_plugin_descriptor, impls), M(retort_plugin_descriptor, init),
	M(retort_plugin_descriptor, fini),

	/* types.h: the structs that travel in arrays are frozen */
	FROZEN(retort_column), M(retort_column, size), M(retort_column, name), M(retort_column, type),
	M(retort_column, nullable), M(retort_column, primary_key), M(retort_column, autoincrement),
	M(retort_column, unique), M(retort_column, server_default), M(retort_column, comment),

	FROZEN(retort_foreign_key), M(retort_foreign_key, size), M(retort_foreign_key, name),
	M(retort_foreign_key, columns), M(retort_foreign_key, ncolumns), M(retort_foreign_key, ref_table),
	M(retort_foreign_key, ref_columns), M(retort_foreign_key, nref_columns), M(retort_foreign_key, on_delete),
	M(retort_foreign_key, on_update),

	FROZEN(retort_constraint), M(retort_constraint, size), M(retort_constraint, name), M(retort_constraint, columns),
	M(retort_constraint, ncolumns), M(retort_constraint, expression),

	FROZEN(retort_value), M(retort_value, type), M(retort_value, text),

	FROZEN(retort_op), M(retort_op, size), M(retort_op, kind), M(retort_op, file), M(retort_op, line),
	M(retort_op, dialect), M(retort_op, table), M(retort_op, name), M(retort_op, new_name), M(retort_op, column),
	M(retort_op, comment), M(retort_op, columns), M(retort_op, ncolumns), M(retort_op, column_names),
	M(retort_op, ncolumn_names), M(retort_op, primary_key), M(retort_op, uniques), M(retort_op, nuniques),
	M(retort_op, foreign_keys), M(retort_op, nforeign_keys), M(retort_op, checks), M(retort_op, nchecks),
	M(retort_op, type), M(retort_op, nullable), M(retort_op, set_server_default), M(retort_op, server_default),
	M(retort_op, existing_type), M(retort_op, existing_nullable), M(retort_op, existing_server_default),
	M(retort_op, existing_comment), M(retort_op, unique), M(retort_op, concurrently), M(retort_op, where),
	M(retort_op, expression), M(retort_op, constraint_type), M(retort_op, rows), M(retort_op, nrows),
	M(retort_op, sql),

	GROWS(retort_url), M(retort_url, size), M(retort_url, raw), M(retort_url, masked), M(retort_url, scheme),
	M(retort_url, user), M(retort_url, password), M(retort_url, host), M(retort_url, port), M(retort_url, database),
	M(retort_url, query_keys), M(retort_url, query_values), M(retort_url, nquery), M(retort_url, read_only),

	GROWS(retort_event), M(retort_event, size), M(retort_event, name), M(retort_event, run_id),
	M(retort_event, command), M(retort_event, dialect), M(retort_event, database_url), M(retort_event, revision),
	M(retort_event, parents), M(retort_event, nparents), M(retort_event, direction), M(retort_event, message),
	M(retort_event, outcome), M(retort_event, started_at), M(retort_event, duration_ms), M(retort_event, error),
	M(retort_event, user), M(retort_event, host), M(retort_event, retort_version), M(retort_event, path),

	/* dialect.h */
	FROZEN(retort_version_change), M(retort_version_change, size), M(retort_version_change, kind),
	M(retort_version_change, from), M(retort_version_change, to),

	GROWS(retort_step_record), M(retort_step_record, size), M(retort_step_record, version_table),
	M(retort_step_record, history_table), M(retort_step_record, changes), M(retort_step_record, nchanges),
	M(retort_step_record, run_id), M(retort_step_record, revision), M(retort_step_record, direction),
	M(retort_step_record, outcome), M(retort_step_record, error), M(retort_step_record, checksum),
	M(retort_step_record, started_at), M(retort_step_record, duration_ms), M(retort_step_record, run_user),
	M(retort_step_record, run_host),

	GROWS(retort_dialect_vtable), M(retort_dialect_vtable, size), M(retort_dialect_vtable, flags),
	M(retort_dialect_vtable, max_identifier_length), M(retort_dialect_vtable, url_schemes),
	M(retort_dialect_vtable, connect), M(retort_dialect_vtable, disconnect), M(retort_dialect_vtable, execute),
	M(retort_dialect_vtable, query), M(retort_dialect_vtable, begin), M(retort_dialect_vtable, commit),
	M(retort_dialect_vtable, rollback), M(retort_dialect_vtable, lock), M(retort_dialect_vtable, unlock),
	M(retort_dialect_vtable, table_exists), M(retort_dialect_vtable, quote_ident),
	M(retort_dialect_vtable, quote_literal), R(retort_dialect_vtable, map_type, reserved_1),
	M(retort_dialect_vtable, render), R(retort_dialect_vtable, reflect, reserved_2),
	R(retort_dialect_vtable, column_max_length, reserved_3), M(retort_dialect_vtable, render_online),
	M(retort_dialect_vtable, execute_batch), M(retort_dialect_vtable, record_step),

	/* naming.h, formatter.h, notify.h */
	GROWS(retort_name_request), M(retort_name_request, size), M(retort_name_request, type),
	M(retort_name_request, table), M(retort_name_request, columns), M(retort_name_request, ncolumns),
	M(retort_name_request, referred_table), M(retort_name_request, constraint_name),

	GROWS(retort_script), M(retort_script, size), M(retort_script, path), M(retort_script, revision),
	M(retort_script, message), M(retort_script, format), M(retort_script, upgrade), M(retort_script, nupgrade),
	M(retort_script, downgrade), M(retort_script, ndowngrade),

	GROWS(retort_naming_vtable), M(retort_naming_vtable, size), M(retort_naming_vtable, name_object),
	M(retort_naming_vtable, check),

	GROWS(retort_formatter_vtable), M(retort_formatter_vtable, size), M(retort_formatter_vtable, format_file),

	GROWS(retort_notify_vtable), M(retort_notify_vtable, size), M(retort_notify_vtable, on_event),

	{NULL, NULL, 0, 0, 0}};

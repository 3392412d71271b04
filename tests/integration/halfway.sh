#!/usr/bin/env bash
# A revision that cannot run whole is never silent, and a bad script writes
# nothing:
#   - PostgreSQL: a revision with CREATE INDEX CONCURRENTLY (which runs
#     outside any transaction) that fails commits a `running` history row
#     with what ran before it, drops the INVALID index the failure left, and
#     `current`/`upgrade` report the revision until `retort repair`;
#     DROP INDEX CONCURRENTLY runs too.
#   - MariaDB: an operation the dialect refuses (alter_column without
#     existing_type) fails the run before its first statement: exit 2,
#     nothing written, no failure mark.
#   - SQLite: `upgrade --sql` with an operation that needs the live schema
#     prints nothing and exits 2.
. "$top_srcdir/tests/lib/common.sh"

indexes() { dbq "SELECT c.relname || ':' || i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'items' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//'; }

concurrent_revs() {
	rev a "" "items" \
		'{ op = "create_table"; table = "items"; columns = ( { name = "id"; type = "integer"; primary_key = true; }, { name = "sku"; type = "varchar(20)"; } ); },
		 { op = "execute"; sql = "INSERT INTO items (id, sku) VALUES (1, '"'"'x'"'"'), (2, '"'"'x'"'"')"; }' \
		'{ op = "drop_table"; table = "items"; }'
	rev b a "unique sku" \
		'{ op = "add_column"; table = "items"; column = { name = "note"; type = "text"; }; },
		 { op = "create_index"; name = "ix_items_sku"; table = "items"; columns = [ "sku" ]; unique = true; concurrently = true; }' \
		'{ op = "drop_index"; name = "ix_items_sku"; table = "items"; concurrently = true; },
		 { op = "drop_column"; table = "items"; column = "note"; }'
}

scenario_concurrently() {
	if [ "$D" != postgresql ]; then
		pass "PostgreSQL only (concurrently)"
		return
	fi
	new_project || { failed "database"; return; }
	concurrent_revs
	expect_rc 1 "a failing CREATE INDEX CONCURRENTLY fails the run (tpm=${TPM:-false})" upgrade head
	expect_in "$ERR" "operation 2" "the error names the operation"
	expect_in "$ERR" "retort repair" "the error says what to do"
	expect_eq "$(versions)" "a" "the version table stays at the last revision fully applied"
	expect_eq "$(indexes)" "items_pkey:true" "no INVALID index is left behind"
	expect_eq "$(dbq "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'")" "1" \
		"what ran before the concurrent statement is committed"
	expect_eq "$(dbq "SELECT outcome FROM retort_history WHERE revision = 'b' ORDER BY id" | tr '\n' ' ')" "running failed " \
		"history: the step's running row, then its failure"
	expect_rc 0 "current" current
	expect_in "$OUT" "b (failed)" "current marks the revision (failed)"
	expect_in "$ERR" "failed part-way" "current says what happened"
	expect_in "$ERR" "retort repair" "current says what to do"
	run_rt --json current
	expect_in "$OUT" '"failed_note": "revision b' "current --json carries the note"
	expect_rc 1 "upgrade refuses while the revision is marked" upgrade head
	expect_in "$ERR" "b.conf" "the refusal names the script"
	expect_in "$ERR" "failed part-way" "the refusal says what happened"
	expect_in "$ERR" "could not create unique index" "the refusal carries the database's message"
	expect_in "$ERR" "retort repair" "the refusal says what to do"
	# the hand repair: undo what ran, fix the data; then clear the mark and run again
	dbq "ALTER TABLE items DROP COLUMN note; UPDATE items SET sku = 'y' WHERE id = 2" >/dev/null
	expect_rc 0 "repair" repair
	expect_rc 0 "upgrade after repair" upgrade head
	expect_eq "$(versions)" "b" "at head"
	expect_eq "$(indexes)" "items_pkey:true ix_items_sku:true" "the index is valid"
	expect_rc 0 "current after repair" current
	expect_not_in "$OUT" "(failed)" "no mark any more"
	expect_rc 0 "downgrade runs DROP INDEX CONCURRENTLY" downgrade a
	expect_eq "$(indexes)" "items_pkey:true" "the index is gone"
	expect_eq "$(dbq "SELECT outcome FROM retort_history WHERE revision = 'b' AND direction = 'downgrade'")" "ok" \
		"the downgrade's running row became ok"
}

scenario_concurrently_tpm() { TPM=true scenario_concurrently; }

# one transaction for the run: a revision that ran in parts is committed alone, with its ok row
scenario_concurrently_then_fail() {
	if [ "$D" != postgresql ]; then
		pass "PostgreSQL only (concurrently)"
		return
	fi
	new_project || { failed "database"; return; }
	concurrent_revs
	rev a "" "items" \
		'{ op = "create_table"; table = "items"; columns = ( { name = "id"; type = "integer"; primary_key = true; }, { name = "sku"; type = "varchar(20)"; } ); }' \
		'{ op = "drop_table"; table = "items"; }'
	rev c b "breaks" '{ op = "execute"; sql = "THIS IS NOT SQL"; }' ''
	expect_rc 1 "the run fails at c" upgrade head
	expect_eq "$(versions)" "b" "b, which ran in parts, is committed with its version row"
	expect_eq "$(dbq "SELECT outcome FROM retort_history WHERE revision = 'b'")" "ok" "and its ok row"
	expect_eq "$(indexes)" "items_pkey:true ix_items_sku:true" "its index is valid"
	expect_rc 0 "current" current
	expect_not_in "$OUT" "(failed)" "nothing is marked: c rolled back whole"
}

scenario_render_first() {
	new_project || { failed "database"; return; }
	table_rev a ""
	rev b a "not null" \
		'{ op = "create_table"; table = "t_b"; columns = ( { name = "id"; type = "integer"; } ); },
		 { op = "alter_column"; table = "t_a"; column = "id"; nullable = false; }' \
		'{ op = "drop_table"; table = "t_b"; }'
	if [ "$D" != mysql ]; then
		expect_rc 0 "alter_column without existing_type runs here" upgrade head
		return
	fi
	expect_rc 2 "a script the dialect refuses is bad input" upgrade head
	expect_in "$ERR" "b.conf:" "the error names the script and line"
	expect_in "$ERR" "existing_type" "the error says what is missing"
	expect_eq "$(tables | tr '\n' ' ')" "" "nothing written: no table at all"
	expect_rc 0 "current" current
	expect_not_in "$OUT$ERR" "(failed)" "no failure mark"
	# with the tables already there, still nothing runs
	expect_rc 0 "upgrade a" upgrade a
	expect_rc 2 "refused again" upgrade head
	expect_eq "$(versions)" "a" "version unchanged"
	expect_not_in "$(tables | tr '\n' ' ')" "t_b" "the revision's first operation did not run"
	expect_eq "$(dbq "SELECT count(*) FROM retort_history WHERE outcome <> 'ok'")" "0" "no failed or running row"
}

scenario_offline_all_or_nothing() {
	if [ "$D" != sqlite ]; then
		pass "SQLite only (rebuilds need the live schema)"
		return
	fi
	new_project || { failed "database"; return; }
	table_rev a ""
	rev b a "rebuild" \
		'{ op = "add_column"; table = "t_a"; column = { name = "x"; type = "integer"; }; },
		 { op = "alter_column"; table = "t_a"; column = "x"; nullable = false; existing_type = "integer"; }' \
		'{ op = "drop_column"; table = "t_a"; column = "x"; }'
	expect_rc 2 "--sql refuses an operation that needs the live schema" upgrade head --sql
	expect_eq "$OUT" "" "nothing on standard output"
	expect_in "$ERR" "b.conf" "the error names the script"
	expect_rc 0 "--sql up to the revision before works" upgrade a --sql
	expect_in "$OUT" "COMMIT" "the whole script, COMMIT included"
}

for_each_dialect scenario_concurrently
for_each_dialect scenario_concurrently_tpm
for_each_dialect scenario_concurrently_then_fail
for_each_dialect scenario_render_first
for_each_dialect scenario_offline_all_or_nothing
finish

#!/usr/bin/env bash
# Upgrade/downgrade round trips, stamp, merge, offline --sql, failures,
# bad input leaving the database untouched: one description, every dialect.
. "$top_srcdir/tests/lib/common.sh"

# a: t_a; b: t_b (with an index); c: t_c; all chained
chain3() {
	table_rev a ""
	rev b a "add b" \
		'{ op = "create_table"; table = "t_b"; columns = ( { name = "id"; type = "integer"; primary_key = true; }, { name = "name"; type = "varchar(50)"; nullable = false; } ); },
		 { op = "create_index"; name = "ix_t_b_name"; table = "t_b"; columns = [ "name" ]; },
		 { op = "bulk_insert"; table = "t_b"; rows = ( { id = 1; name = "o'\''x"; }, { id = 2; name = "plain"; } ); }' \
		'{ op = "drop_index"; name = "ix_t_b_name"; table = "t_b"; }, { op = "drop_table"; table = "t_b"; }'
	table_rev c b
}

scenario_roundtrip() {
	new_project || { failed "database"; return; }
	chain3
	expect_rc 0 "upgrade head" upgrade head
	expect_in "$ERR" "Running upgrade  -> a, create t_a" "progress line for the base revision"
	expect_in "$ERR" "Running upgrade a -> b, add b" "progress line names parent, revision, message"
	expect_eq "$(versions)" "c" "version table at head"
	expect_eq "$(tables | tr '\n' ' ')" "retort_history retort_version t_a t_b t_c " "tables created"
	expect_eq "$(dbq "SELECT name FROM t_b ORDER BY id" | tr '\n' ' ')" "o'x plain " "bulk_insert rows with a quote"
	expect_eq "$(dbq "SELECT count(*) FROM retort_history WHERE direction = 'upgrade' AND outcome = 'ok'")" "3" \
		"history has one ok row per upgrade"
	expect_eq "$(dbq "SELECT length(checksum) FROM retort_history WHERE revision = 'b'")" "64" "SHA-256 checksum recorded"
	expect_rc 0 "current" current
	expect_eq "$OUT" "c (head)" "current prints the head"
	expect_rc 0 "downgrade -1" downgrade -1
	expect_eq "$(versions)" "b" "downgrade -1 goes to the parent"
	expect_in "$ERR" "Running downgrade c -> b, create t_c" "downgrade progress line"
	expect_rc 0 "downgrade base" downgrade base
	expect_eq "$(versions)" "" "downgrade base empties the version table"
	expect_eq "$(tables | tr '\n' ' ')" "retort_history retort_version " "only retort's tables are left"
	expect_rc 0 "upgrade +2" upgrade +2
	expect_eq "$(versions)" "b" "+2 from base"
	expect_rc 0 "upgrade b+1" upgrade b+1
	expect_eq "$(versions)" "c" "rev+N"
	expect_rc 0 "downgrade c-2" downgrade c-2
	expect_eq "$(versions)" "a" "rev-N"
	expect_rc 0 "upgrade by prefix" upgrade c
	expect_rc 0 "downgrade base+1" downgrade base+1
	expect_eq "$(versions)" "a" "base+N"
	expect_rc 0 "upgrade heads" upgrade heads
	expect_eq "$(versions)" "c" "heads"
	expect_rc 0 "upgrade head again is a no-op" upgrade head
	expect_eq "$(versions)" "c" "still at head"
	expect_rc 2 "downgrade to a descendant is refused" downgrade base+5
	expect_rc 2 "unknown target" upgrade zzzz
	expect_in "$ERR" "zzzz" "unknown target is named"
	expect_rc 0 "validate: scripts unchanged" validate
	echo "# edited after it was applied" >>migrations/versions/b.conf
	expect_rc 1 "validate finds an edited script" validate
	expect_in "$OUT" "b: edited since it was applied" "validate names the revision"
	expect_not_in "$OUT" "a: edited" "unedited revisions are not listed"
	expect_rc 1 "validate --json" --json validate
	expect_in "$OUT" '"revision": "b"' "JSON lists the mismatch"
}

scenario_stamp() {
	new_project || { failed "database"; return; }
	chain3
	expect_rc 0 "stamp b" stamp b
	expect_eq "$(versions)" "b" "stamp writes the version table"
	expect_eq "$(tables | tr '\n' ' ')" "retort_history retort_version " "stamp runs no script"
	expect_rc 0 "upgrade head after stamp" upgrade head
	expect_eq "$(tables | tr '\n' ' ')" "retort_history retort_version t_c " "only c ran"
	expect_rc 0 "stamp base" stamp base
	expect_eq "$(versions)" "" "stamp base"
	expect_rc 0 "stamp --purge c" stamp --purge c
	expect_eq "$(versions)" "c" "stamp --purge"
	expect_rc 2 "stamp --purge --sql refused" stamp --purge --sql c
}

scenario_merge() {
	new_project || { failed "database"; return; }
	table_rev a ""
	table_rev b1 a
	table_rev b2 a
	expect_rc 2 "upgrade head with two heads" upgrade head
	expect_in "$ERR" "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads" "Alembic's message"
	expect_rc 0 "merge heads" merge -m "join" --rev-id m1 heads
	expect_in "$(cat migrations/versions/m1_join.conf)" 'down_revision = [ "b1", "b2" ]' "merge file lists both parents"
	expect_rc 0 "upgrade through the merge" upgrade head
	expect_eq "$(versions)" "m1" "one row at the merge"
	expect_rc 0 "downgrade below the merge" downgrade b1
	expect_eq "$(versions)" "b1 b2" "downgrading the merge leaves both heads"
	expect_rc 2 "downgrade -1 with two heads is refused" downgrade -1
	expect_rc 0 "heads" heads
	expect_eq "$OUT" "m1 (head)" "heads output (no tree markers, as Alembic)"
	expect_rc 0 "history" history
	expect_eq "$(echo "$OUT" | head -1)" "b1, b2 -> m1 (head) (mergepoint), join" "history shows the merge"
	expect_in "$OUT" "<base> -> a (branchpoint), create t_a" "history shows the base and branch point"
	expect_rc 2 "merge over one head refused" merge -m x --rev-id m2 heads
	check "no file written for the refused merge" test ! -e migrations/versions/m2_x.conf
}

scenario_offline() {
	new_project || { failed "database"; return; }
	chain3
	expect_rc 0 "upgrade --sql" upgrade head --sql
	local sql=$OUT
	expect_in "$sql" "-- Running upgrade a -> b" "offline step comment"
	expect_in "$sql" "INSERT INTO retort_version" "offline version insert"
	expect_in "$sql" "UPDATE retort_version SET version_num = 'c' WHERE version_num = 'b'" "offline version update"
	expect_eq "$(tables | tr '\n' ' ')" "" "offline touches no database"
	echo "$sql" >"$T_ROOT/up.sql"
	check "offline SQL runs in the database's own client" dbfile "$T_ROOT/up.sql"
	expect_eq "$(versions)" "c" "the client leaves the database at head"
	expect_rc 2 "downgrade --sql needs a range" downgrade base --sql
	expect_rc 0 "downgrade --sql c:a" downgrade c:a --sql
	expect_in "$OUT" "UPDATE retort_version SET version_num = 'a' WHERE version_num = 'b'" "offline downgrade updates"
	expect_rc 2 "range without --sql refused" upgrade a:c
}

scenario_failure() {
	new_project || { failed "database"; return; }
	table_rev a ""
	rev b a "breaks" \
		'{ op = "create_table"; table = "t_b"; columns = ( { name = "id"; type = "integer"; } ); },
		 { op = "execute"; sql = "THIS IS NOT SQL"; }' \
		'{ op = "drop_table"; table = "t_b"; }'
	table_rev c b
	expect_rc 1 "a failing statement fails the run" upgrade head
	expect_in "$ERR" "operation 2" "the error names the operation"
	expect_in "$ERR" "THIS IS NOT SQL" "the error shows the SQL"
	expect_in "$ERR" "b.conf" "the error names the script"
	expect_not_in "$ERR" "no transaction in progress" "one ROLLBACK, not two"
	if [ "$D" = mysql ]; then
		expect_eq "$(versions)" "a" "MySQL: version table at the last revision fully applied"
		expect_in "$(tables | tr '\n' ' ')" "t_b" "MySQL: DDL of the failed revision was committed by the server"
		expect_rc 0 "current shows the failure" current
		expect_in "$OUT" "(failed)" "current marks (failed)"
		expect_rc 1 "upgrade refuses until repair" upgrade head
		expect_in "$ERR" "retort repair" "the refusal says what to do"
		dbq "DROP TABLE t_b" >/dev/null
		expect_rc 0 "repair" repair
	else
		if [ "${TPM:-false}" = true ]; then
			expect_eq "$(versions)" "a" "version table at the last revision fully applied"
		else
			expect_eq "$(versions)" "" "one transaction for the run: nothing applied"
		fi
		expect_not_in "$(tables | tr '\n' ' ')" "t_b" "no table of the failed revision exists"
	fi
	expect_eq "$(dbq "SELECT count(*) FROM retort_history WHERE outcome = 'failed' AND revision = 'b'")" "1" \
		"the failure is in the history table"
}

scenario_failure_tpm() { TPM=true scenario_failure; }

scenario_bad_input() {
	new_project || { failed "database"; return; }
	table_rev a ""
	expect_rc 0 "upgrade head" upgrade head
	local before
	before=$(tables | tr '\n' ' ')
	# malformed script: missing semicolon and an unknown op
	printf 'revision = "b";\ndown_revision = "a";\nupgrade = ( { op = "create_tabel"; table = "x"; } );\ndowngrade = ();\n' \
		>migrations/versions/b.conf
	expect_rc 2 "unknown op is refused" upgrade head
	expect_in "$ERR" "b.conf:3" "file and line of the bad op"
	printf 'revision = "b";\ndown_revision = = "a";\n' >migrations/versions/b.conf
	expect_rc 2 "syntax error is refused" upgrade head
	expect_in "$ERR" "b.conf:2" "file and line of the syntax error"
	rm migrations/versions/b.conf
	cp retort.conf retort.conf.good
	echo 'lock_timout = 5;' >>retort.conf
	expect_rc 2 "unknown config key is refused" upgrade head
	expect_in "$ERR" "retort.conf:7" "config file and line"
	expect_in "$ERR" "lock_timout" "the typo is named"
	cp retort.conf.good retort.conf
	echo 'target_schema = "${NO_SUCH_VAR_RT}";' >>retort.conf
	expect_rc 2 "unset variable is refused" upgrade head
	expect_in "$ERR" "NO_SUCH_VAR_RT" "the variable is named"
	cp retort.conf.good retort.conf
	expect_eq "$(tables | tr '\n' ' ')" "$before" "bad input left the database untouched"
	expect_eq "$(versions)" "a" "version table untouched"
	if [ "$D" != sqlite ]; then
		local bad=${URL/:retort-pw@/:wrong-pw@}
		expect_rc 1 "a wrong password fails" --url "$bad" current
		expect_not_in "$ERR" "wrong-pw" "the password is never printed"
		expect_in "$ERR" "***" "the URL is shown masked"
	fi
}

scenario_readonly() {
	new_project || { failed "database"; return; }
	table_rev a ""
	for c in current heads "history -i" "show a" branches validate; do
		# shellcheck disable=SC2086
		expect_rc 0 "$c on an empty database" $c
	done
	expect_eq "$(tables | tr '\n' ' ')" "" "read-only commands created no table"
}

for_each_dialect scenario_roundtrip
for_each_dialect scenario_stamp
for_each_dialect scenario_merge
for_each_dialect scenario_offline
for_each_dialect scenario_failure
for_each_dialect scenario_failure_tpm
for_each_dialect scenario_bad_input
for_each_dialect scenario_readonly
finish

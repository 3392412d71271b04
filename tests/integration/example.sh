#!/usr/bin/env bash
# examples/project: migrated up to head and down to base on every database,
# with the schema read back from the catalog at each end.  On SQLite the last
# revision (0004) is all table rebuilds.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/catalog.sh"

scenario_example() {
	local rebuild=1 top=0004
	new_db || { failed "database"; return; }
	cp -r "$top_srcdir/examples/project" "$T_ROOT/project_$D"
	cd "$T_ROOT/project_$D" || return
	export DATABASE_URL=$URL
	expect_rc 0 "heads" heads
	expect_eq "$OUT" "0004 (head)" "the example has one head"
	expect_rc 0 "upgrade $top" upgrade $top
	expect_eq "$(versions)" "$top" "version table at $top"
	expect_eq "$(user_tables)" "account account_tag audit org" "tables at $top"
	expect_eq "$(dbq "SELECT id, name FROM org ORDER BY id" | tr '\n' ';')" "1|Acme;2|O'Hara & Sons;" "seed rows (bulk_insert)"
	expect_eq "$(dbq "SELECT id, org_id, email, status, note FROM account ORDER BY id" | tr '\n' ';')" \
		"1|1|ann@acme.example|active|seeded;2|2|bo@ohara.example|closed|left;" "seed rows, defaults and the execute'd UPDATE"
	expect_eq "$(col account phone_number)" "$(pick 'VARCHAR(32)|YES|' 'character varying(32)|YES|' 'varchar(32)|YES|NULL')" \
		"added column, renamed"
	expect_eq "$(col audit legacy_flag)" "" "dropped column"
	expect_eq "$(indexes account)" "$(pick 'ix_account_active ix_account_org ix_account_status_email' \
		'ix_account_active ix_account_org ix_account_status_email' 'ix_account_org ix_account_status_email')" "account's indexes"
	expect_eq "$(indexes org)" "" "ix_org_created dropped"
	expect_eq "$(indexes audit)" "ix_audit_at" "index built concurrently (PostgreSQL) or plainly"
	if [ "$D" = postgresql ]; then
		expect_eq "$(dbq "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_audit_at'::regclass")" "t" "concurrent index is valid"
		expect_eq "$(dbq "SELECT nextval('org_id_seq')")" "3" "the dialect = \"postgresql\" execute moved the sequence"
	fi
	if [ "$rebuild" = 1 ]; then
		expect_eq "$(col account email)" "$(pick 'VARCHAR(320)|NO|' 'character varying(320)|NO|' 'varchar(320)|NO|')" \
			"0004: email widened, still not null"
		expect_eq "$(col account status)" "$(pick "VARCHAR(16)|NO|'new'" "character varying(16)|NO|'new'::character varying" \
			"varchar(16)|NO|'new'")" "0004: new default"
		expect_eq "$(col audit at)" "$(pick 'TIMESTAMP|NO|CURRENT_TIMESTAMP' 'timestamp without time zone|NO|CURRENT_TIMESTAMP' \
			'datetime|NO|current_timestamp()')" "0004: audit.at not null with a default"
		expect_eq "$(constraints audit)" "$(pick 'ck_audit_action:c fk_audit_account:f uq_audit_account_action:u' 'audit_log_pkey:p ck_audit_action:c fk_audit_account:f uq_audit_account_action:u' \
				'ck_audit_action:c fk_audit_account:f PRIMARY:p uq_audit_account_action:u')" "0004: audit's constraints"
		expect_eq "$(constraints account_tag)" "$(pick 'pk_account_tag:p' 'pk_account_tag:p' 'PRIMARY:p')" "0004: primary key added"
		expect_eq "$(constraints account)" "$(pick 'fk_account_org:f uq_account_email:u' 'account_pkey:p fk_account_org:f uq_account_email:u' \
			'fk_account_org:f PRIMARY:p uq_account_email:u')" "0004: check constraint dropped"
	fi
	expect_rc 0 "history" history
	expect_eq "$(echo "$OUT" | head -1)" "0003 -> 0004 (head), tighten constraints" "history lists the revisions"
	expect_rc 0 "downgrade base" downgrade base
	expect_eq "$(versions)" "" "back at base"
	expect_eq "$(user_tables)" "" "every table of the example is gone"
	expect_rc 0 "upgrade $top again" upgrade $top
	expect_eq "$(versions)" "$top" "the round trip can be repeated"
	expect_rc 0 "downgrade base again" downgrade base
	expect_eq "$(user_tables)" "" "and undone"
}

for_each_dialect scenario_example
finish

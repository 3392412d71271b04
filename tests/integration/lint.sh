#!/usr/bin/env bash
# The lint policy, rule by rule: a revision that breaks the rule is caught
# at the operation's line, one that does not is clean, on every dialect
# the rule applies to (the dialect comes from the URL: lint never
# connects); `allow` silences exactly the rule named; severities and
# patterns come from the plugin's settings; .sql scripts get the rules
# their text decides and "not checked" for the rest.
. "$top_srcdir/tests/lib/common.sh"

SQLITE_URL="sqlite:///lint.db"
PG_URL="postgresql://u@127.0.0.1:9/nodb"
MY_URL="mysql://u@127.0.0.1:9/nodb"

# lint_project [PLUGIN-SETTINGS]: a fresh project with the lint policy; cd into it
lint_project() {
	PREV=${P:-}
	P=$(mktemp -d "$T_ROOT/lint_XXXXXX")
	mkdir -p "$P/migrations/versions"
	cd "$P" || return 1
	cat >retort.conf <<EOF
script_location = "migrations";
database = { url = "$SQLITE_URL"; };
plugins = ( { module = "lint"; ${1:-} } );
EOF
}

# script NAME: writes migrations/versions/NAME from standard input
script() { cat >"migrations/versions/$1"; }

# caught URL FILE:LINE RULE DESC: lint exits 1 and names RULE at FILE:LINE as an error
caught() {
	expect_rc 1 "$4: caught" --url "$1" lint
	expect_in "$OUT" "migrations/versions/$2: error: $3: " "$4: at $2"
}
# clean URL RULE DESC: lint does not report RULE
clean() {
	run_rt --url "$1" lint
	expect_not_in "$OUT" ": $2: " "$3: clean"
}

scenario_rules() {
	# ---- primary_key (every dialect) ----
	lint_project
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "create_table"; table = "t"; columns = ( { name = "x"; type = "integer"; } ); }
);
downgrade = ( { op = "drop_table"; table = "t"; } );
EOF
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do caught "$u" a.conf:3 primary_key "primary_key on ${u%%:*}"; done
	expect_in "$OUT" "(policy lint)" "the policy is named"
	expect_in "$OUT" "primary_key = true" "the message says what to do"
	sed -i 's/type = "integer"; }/type = "integer"; primary_key = true; }/' migrations/versions/a.conf
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do clean "$u" primary_key "primary_key on ${u%%:*}"; done
	expect_rc 0 "a clean revision: exit 0" lint

	# ---- destructive: drop_table, drop_column, narrowing type change ----
	lint_project
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "add_column"; table = "t"; column = { name = "n"; type = "text"; }; },
  { op = "drop_column"; table = "t"; column = "old"; },
  { op = "alter_column"; table = "t"; column = "v"; type = "varchar(10)"; existing_type = "varchar(50)"; },
  { op = "drop_table"; table = "gone"; }
);
downgrade = ( { op = "drop_column"; table = "t"; column = "n"; } );
EOF
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do
		caught "$u" a.conf:4 destructive "drop_column on ${u%%:*}"
		expect_in "$OUT" "a.conf:5: error: destructive: " "narrowing varchar(50) -> varchar(10) on ${u%%:*}"
		expect_in "$OUT" "a.conf:6: error: destructive: " "drop_table on ${u%%:*}"
		expect_not_in "$OUT" "a.conf:3: error: destructive" "add_column is not destructive on ${u%%:*}"
	done
	sed -i 's/varchar(10)"; existing_type = "varchar(50)"/varchar(80)"; existing_type = "varchar(50)"/; /drop_column"; table = "t"; column = "old"/d; /drop_table"; table = "gone"/d' migrations/versions/a.conf
	sed -i 's/existing_type = "varchar(50)"; },/existing_type = "varchar(50)"; }/' migrations/versions/a.conf
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do clean "$u" destructive "widening only on ${u%%:*}"; done

	# ---- downgrade ----
	lint_project
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "create_table"; table = "t"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); }
);
downgrade = ( );
EOF
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do caught "$u" a.conf:5 downgrade "empty downgrade on ${u%%:*}"; done
	sed -i 's/^downgrade = ( );/downgrade = ( { op = "drop_table"; table = "t"; } );/' migrations/versions/a.conf
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do clean "$u" downgrade "a downgrade on ${u%%:*}"; done

	# ---- rename (warning: exit 0) ----
	lint_project
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "alter_column"; table = "t"; column = "a"; new_name = "b"; },
  { op = "rename_table"; table = "t"; new_name = "u"; }
);
downgrade = ( { op = "rename_table"; table = "u"; new_name = "t"; }, { op = "alter_column"; table = "t"; column = "b"; new_name = "a"; } );
EOF
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do
		expect_rc 0 "rename is a warning: exit 0 on ${u%%:*}" --url "$u" lint
		expect_in "$OUT" "a.conf:3: warning: rename: " "column rename at its line on ${u%%:*}"
		expect_in "$OUT" "a.conf:4: warning: rename: " "table rename at its line on ${u%%:*}"
	done
	script b.conf <<'EOF'
revision = "b";
down_revision = "a";
upgrade = (
  { op = "create_table"; table = "n"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); },
  { op = "rename_table"; table = "n"; new_name = "n2"; }
);
downgrade = ( { op = "drop_table"; table = "n2"; } );
EOF
	run_rt lint b
	expect_not_in "$OUT" "rename" "renaming a table this revision created: clean"

	# ---- name patterns ----
	lint_project 'table_pattern = "^[a-z_]+$"; column_pattern = "^[a-z_]+$"; index_pattern = "^ix_"; constraint_pattern = "^(pk|uq|fk|ck)_";'
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "create_table"; table = "Account"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); },
  { op = "add_column"; table = "account"; column = { name = "eMail"; type = "text"; }; },
  { op = "create_index"; name = "email_idx"; table = "account"; columns = [ "id" ]; },
  { op = "create_check_constraint"; name = "positive"; table = "account"; expression = "id > 0"; }
);
downgrade = ( { op = "drop_table"; table = "Account"; } );
EOF
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do
		caught "$u" a.conf:3 table_name "table_pattern on ${u%%:*}"
		expect_in "$OUT" "a.conf:4: error: column_name: " "column_pattern on ${u%%:*}"
		expect_in "$OUT" "a.conf:5: error: index_name: " "index_pattern on ${u%%:*}"
		expect_in "$OUT" "a.conf:6: error: constraint_name: " "constraint_pattern on ${u%%:*}"
	done
	sed -i 's/"Account"/"account"/g; s/eMail/email/; s/email_idx/ix_account_id/; s/"positive"/"ck_positive"/' migrations/versions/a.conf
	for u in "$SQLITE_URL" "$PG_URL" "$MY_URL"; do
		for r in table_name column_name index_name constraint_name; do clean "$u" $r "$r on ${u%%:*}"; done
	done
}

scenario_production() {
	# ---- PostgreSQL ----
	lint_project
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "create_table"; table = "fresh"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); },
  { op = "create_index"; table = "fresh"; name = "ix_fresh"; columns = [ "id" ]; },
  { op = "create_index"; table = "old"; name = "ix_old"; columns = [ "a" ]; },
  { op = "add_column"; table = "old"; column = { name = "b"; type = "integer"; nullable = false; }; },
  { op = "alter_column"; table = "old"; column = "c"; type = "bigint"; existing_type = "integer"; },
  { op = "create_foreign_key"; table = "old"; columns = [ "d" ]; references = "fresh(id)"; },
  { op = "add_column"; table = "fresh"; column = { name = "e"; type = "integer"; nullable = false; }; }
);
downgrade = ( { op = "drop_table"; table = "fresh"; } );
EOF
	caught "$PG_URL" a.conf:5 pg_concurrent_index "pg: index on an existing table"
	expect_not_in "$OUT" "a.conf:4: error: pg_concurrent_index" "pg: index on a table this revision created: clean"
	expect_in "$OUT" "a.conf:6: error: pg_not_null_default: " "pg: NOT NULL column without default on an existing table"
	expect_not_in "$OUT" "a.conf:9: error: pg_not_null_default" "pg: NOT NULL column on a new table: clean"
	expect_in "$OUT" "a.conf:7: error: pg_rewrite: " "pg: integer -> bigint rewrites the table"
	expect_in "$OUT" "a.conf:8: error: pg_fk_not_valid: " "pg: foreign key on an existing table"
	expect_in "$OUT" "NOT VALID" "pg: the message says NOT VALID"
	for u in "$SQLITE_URL" "$MY_URL"; do
		run_rt --url "$u" lint
		expect_not_in "$OUT" ": pg_" "the PostgreSQL rules stay off on ${u%%:*}"
	done
	script b.conf <<'EOF'
revision = "b";
down_revision = "a";
upgrade = (
  { op = "create_index"; table = "old"; name = "ix_old2"; columns = [ "a" ]; concurrently = true; },
  { op = "add_column"; table = "old"; column = { name = "f"; type = "integer"; nullable = false; server_default = "0"; }; },
  { op = "alter_column"; table = "old"; column = "g"; type = "varchar(100)"; existing_type = "varchar(20)"; },
  { op = "execute"; dialect = "postgresql"; sql = "ALTER TABLE old ADD CONSTRAINT fk_old_h FOREIGN KEY (h) REFERENCES fresh (id) NOT VALID"; }
);
downgrade = ( { op = "drop_index"; name = "ix_old2"; } );
EOF
	run_rt --url "$PG_URL" lint b
	expect_eq "$RC" 0 "pg: the safe forms are clean (exit 0)"
	expect_not_in "$OUT" "error" "pg: no error for b"

	# ---- MariaDB ----
	lint_project
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "alter_column"; table = "old"; column = "c"; type = "varchar(20)"; existing_type = "integer"; },
  { op = "create_foreign_key"; table = "old"; columns = [ "d" ]; references = "other(id)"; },
  { op = "create_primary_key"; table = "nopk"; name = "pk_nopk"; columns = [ "id" ]; },
  { op = "drop_constraint"; table = "old"; name = "PRIMARY"; type = "primary"; },
  { op = "add_column"; table = "old"; column = { name = "seq"; type = "integer"; autoincrement = true; }; }
);
downgrade = ( { op = "drop_column"; table = "old"; column = "seq"; } );
EOF
	caught "$MY_URL" a.conf:3 mysql_online_ddl "mysql: a type change copies the table"
	local l
	for l in 4 5 6 7; do expect_in "$OUT" "a.conf:$l: error: mysql_online_ddl: " "mysql: line $l not online"; done
	for u in "$SQLITE_URL" "$PG_URL"; do
		run_rt --url "$u" lint
		expect_not_in "$OUT" "mysql_online_ddl" "the MariaDB rule stays off on ${u%%:*}"
	done
	script b.conf <<'EOF'
revision = "b";
down_revision = "a";
upgrade = (
  { op = "alter_column"; table = "old"; column = "c"; type = "bigint"; existing_type = "integer"; },
  { op = "alter_column"; table = "old"; column = "v"; type = "varchar(40)"; existing_type = "varchar(20)"; },
  { op = "create_index"; table = "old"; name = "ix_old_a"; columns = [ "a" ]; },
  { op = "add_column"; table = "old"; column = { name = "w"; type = "integer"; }; }
);
downgrade = ( { op = "drop_column"; table = "old"; column = "w"; } );
EOF
	run_rt --url "$MY_URL" lint b
	expect_eq "$RC" 0 "mysql: online changes are clean (exit 0)"
	expect_not_in "$OUT" "mysql_online_ddl" "mysql: no finding for b"
}

scenario_allow() {
	lint_project
	# one operation breaks two rules: the allow on it silences exactly the one named
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "alter_column"; table = "t"; column = "v"; type = "varchar(10)"; existing_type = "text"; allow = [ "destructive" ]; },
  { op = "drop_table"; table = "gone"; }
);
downgrade = ( { op = "drop_index"; name = "x"; } );
EOF
	caught "$PG_URL" a.conf:3 pg_rewrite "allow on an op: the other rule still reported"
	expect_not_in "$OUT" "a.conf:3: error: destructive" "allow on an op silences its rule there"
	expect_in "$OUT" "a.conf:4: error: destructive" "and nowhere else"
	run_rt --json --url "$PG_URL" lint
	expect_in "$OUT" '"allowed": 1' "--json counts what was allowed"
	# on the revision: every operation
	sed -i '1a allow = "destructive";' migrations/versions/a.conf
	run_rt --url "$PG_URL" lint
	expect_not_in "$OUT" "destructive" "allow on the revision silences the rule everywhere"
	expect_in "$OUT" "pg_rewrite" "but only that rule"
	# an allow naming no rule: file:line, exit 2
	sed -i 's/allow = "destructive";/allow = [ "destructiv" ];/' migrations/versions/a.conf
	expect_rc 2 "an allow naming an unknown rule is refused" lint
	expect_in "$ERR" "a.conf:2: allow: no policy has a rule 'destructiv'" "with its file and line"
	# an unknown key is still refused
	sed -i 's/allow = \[ "destructiv" \];/alow = [ "destructive" ];/' migrations/versions/a.conf
	expect_rc 2 "an unknown key is still refused" lint
	expect_in "$ERR" "a.conf:2: unknown key 'alow'" "with its file and line"
	sed -i '/^alow/d; s/allow = \[ "destructive" \];/alow = "destructive";/' migrations/versions/a.conf
	expect_rc 2 "an unknown op key is still refused" lint
	expect_in "$ERR" "a.conf:3: upgrade[0] (alter_column): unknown key 'alow'" "with its file and line"

	# .sql: the header allows for the revision, a line inside a section for the next statement
	lint_project
	script b.sql <<'EOF'
-- retort:revision b
-- retort:allow downgrade
-- retort:upgrade
DROP TABLE one;
-- retort:allow destructive
DROP TABLE two;
ALTER TABLE three DROP COLUMN c;
ALTER TABLE three RENAME TO four;
EOF
	caught "$SQLITE_URL" b.sql:4 destructive ".sql: DROP TABLE"
	expect_not_in "$OUT" "b.sql:6:" ".sql: -- retort:allow silences the statement after it"
	expect_in "$OUT" "b.sql:7: error: destructive: " ".sql: DROP COLUMN"
	expect_in "$OUT" "b.sql:8: warning: rename: " ".sql: RENAME"
	expect_not_in "$OUT" "downgrade:" ".sql: the header's allow covers the revision"
	printf -- '-- retort:revision c\n-- retort:alow x\n-- retort:upgrade\nSELECT 1;\n' >migrations/versions/c.sql
	expect_rc 2 ".sql: an unknown directive is still refused" lint
	expect_in "$ERR" "c.sql:2: unknown directive '-- retort:alow'" "with its file and line"
	rm migrations/versions/c.sql
}

scenario_sql() {
	lint_project 'table_pattern = "^[a-z]+$";'
	script a.sql <<'EOF'
-- retort:revision a
-- retort:upgrade
CREATE TABLE fresh (id int);
CREATE INDEX ix_fresh ON fresh (id);
CREATE INDEX ix_old ON old (a);
CREATE INDEX CONCURRENTLY ix_old2 ON old (b);
ALTER TABLE old ADD COLUMN n int NOT NULL;
ALTER TABLE old ADD COLUMN m int NOT NULL DEFAULT 0;
ALTER TABLE old ADD CONSTRAINT fk1 FOREIGN KEY (n) REFERENCES fresh (id);
ALTER TABLE old ADD CONSTRAINT fk2 FOREIGN KEY (m) REFERENCES fresh (id) NOT VALID;
CREATE TABLE keyed (id int PRIMARY KEY);
-- retort:downgrade
DROP TABLE keyed;
EOF
	caught "$PG_URL" a.sql:3 primary_key ".sql: CREATE TABLE without a primary key"
	expect_not_in "$OUT" "a.sql:11:" ".sql: CREATE TABLE with a primary key: clean"
	expect_in "$OUT" "a.sql:5: error: pg_concurrent_index: " ".sql: CREATE INDEX on an existing table"
	expect_not_in "$OUT" "a.sql:4:" ".sql: CREATE INDEX on a table created before it: clean"
	expect_not_in "$OUT" "a.sql:6:" ".sql: CREATE INDEX CONCURRENTLY: clean"
	expect_in "$OUT" "a.sql:7: error: pg_not_null_default: " ".sql: NOT NULL without DEFAULT"
	expect_not_in "$OUT" "a.sql:8:" ".sql: NOT NULL DEFAULT 0: clean"
	expect_in "$OUT" "a.sql:9: error: pg_fk_not_valid: " ".sql: FOREIGN KEY without NOT VALID"
	expect_not_in "$OUT" "a.sql:10:" ".sql: NOT VALID: clean"
	expect_not_in "$OUT" "downgrade:" ".sql: the downgrade section counts"
	expect_in "$OUT" "a.sql:1: info: table_name: not checked" ".sql: a rule its text cannot decide is not checked (info)"
	expect_in "$OUT" "a.sql:1: info: pg_rewrite: not checked" ".sql: pg_rewrite is not checked"
	run_rt -q --url "$PG_URL" lint
	expect_not_in "$OUT" "info:" "-q hides infos"
	run_rt --url "$SQLITE_URL" lint
	expect_not_in "$OUT" "pg_" ".sql on sqlite: the PostgreSQL rules stay off"
}

scenario_settings() {
	lint_project 'destructive = "warning"; primary_key = "off";'
	script a.conf <<'EOF'
revision = "a";
upgrade = (
  { op = "create_table"; table = "t"; columns = ( { name = "x"; type = "integer"; } ); },
  { op = "drop_table"; table = "gone"; }
);
downgrade = ( { op = "drop_table"; table = "t"; } );
EOF
	expect_rc 0 "a rule set to warning does not fail lint" lint
	expect_in "$OUT" "a.conf:4: warning: destructive: " "it is shown as a warning"
	expect_not_in "$OUT" "primary_key" "a rule set to off is silent"
	run_rt --json lint
	expect_in "$OUT" '"severity": "warning", "rule": "destructive"' "--json: severity and rule"
	expect_in "$OUT" '"line": 4' "--json: the line"
	expect_in "$OUT" '"policy": "lint"' "--json: the policy"
	expect_in "$OUT" '"section": "upgrade", "operation": 1' "--json: the operation"
	lint_project 'forbid_destructive = false;'
	cp "$PREV/migrations/versions/a.conf" migrations/versions/
	run_rt lint
	expect_not_in "$OUT" "destructive" "forbid_destructive = false turns the rule off"
	lint_project 'destructive = "fatal";'
	expect_rc 2 "a bad severity is refused" lint
	expect_in "$ERR" "retort.conf:3" "naming the config line"
	lint_project 'table_pattern = "([";'
	expect_rc 2 "a bad pattern is refused" lint
	expect_in "$ERR" "table_pattern" "naming the setting"
	lint_project 'no_such_rule = "error";'
	expect_rc 2 "an unknown setting is refused" lint
	expect_in "$ERR" "unknown setting 'no_such_rule'" "naming it"
}

RETORT_TEST_DIALECTS=${RETORT_TEST_DIALECTS:-sqlite}
for_each_dialect scenario_rules
for_each_dialect scenario_production
for_each_dialect scenario_allow
for_each_dialect scenario_sql
for_each_dialect scenario_settings
finish

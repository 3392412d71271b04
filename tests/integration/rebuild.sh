#!/usr/bin/env bash
# SQLite table rebuilds: the operations ALTER TABLE cannot do (alter a
# column, add or drop a check or foreign key) rebuild the table inside the
# migration's transaction, keeping every row, index, foreign key (in and
# out) and constraint; downgrade restores the schema exactly; a rebuild that
# fails leaves the database as it was.
. "$top_srcdir/tests/lib/common.sh"

# sqlite_master with the rebuild's spelling differences folded away (the
# quotes RENAME adds around the table name, blanks)
schema_dump() {
	dbq "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || ifnull(sql, '-') FROM sqlite_master
	     WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name" |
		tr -d '"' | tr -s ' \t\n' ' ' | sed -e 's/( /(/g; s/ )/)/g; s/ (/(/g'
}

CTE="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<10000)"

scenario_rebuild() {
	new_project || { failed "database"; return; }
	rev a "" "tables" \
		"{ op = \"execute\"; sql = \"CREATE TABLE org (id INTEGER PRIMARY KEY, name TEXT NOT NULL)\"; },
		 { op = \"execute\"; sql = \"INSERT INTO org (id, name) VALUES (1, 'one'), (2, 'two'), (3, 'three')\"; },
		 { op = \"execute\"; sql = \"CREATE TABLE item (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES org (id), parent_org INTEGER, code VARCHAR(20), qty TEXT, CONSTRAINT ck_item_code CHECK (code <> ''))\"; },
		 { op = \"execute\"; sql = \"CREATE INDEX ix_item_org ON item (org_id)\"; },
		 { op = \"execute\"; sql = \"CREATE UNIQUE INDEX ux_item_code ON item (code)\"; },
		 { op = \"execute\"; sql = \"$CTE INSERT INTO item (id, org_id, parent_org, code, qty) SELECT x, 1 + x % 2, 3, 'c' || x, x FROM c\"; },
		 { op = \"execute\"; sql = \"CREATE TABLE line (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item (id) ON DELETE CASCADE)\"; },
		 { op = \"execute\"; sql = \"$CTE INSERT INTO line (id, item_id) SELECT x, 10001 - x FROM c WHERE x <= 500\"; }" \
		'{ op = "drop_table"; table = "line"; },
		 { op = "drop_table"; table = "item"; },
		 { op = "drop_table"; table = "org"; }'
	rev b a "rebuilds" \
		'{ op = "alter_column"; table = "item"; column = "qty"; type = "integer"; nullable = false; },
		 { op = "create_check_constraint"; name = "ck_item_qty"; table = "item"; expression = "qty > 0"; },
		 { op = "drop_constraint"; name = "ck_item_code"; table = "item"; type = "check"; },
		 { op = "create_foreign_key"; name = "fk_item_parent_org"; table = "item"; columns = [ "parent_org" ]; references = "org(id)"; on_delete = "set null"; }' \
		'{ op = "drop_constraint"; name = "fk_item_parent_org"; table = "item"; type = "foreignkey"; },
		 { op = "create_check_constraint"; name = "ck_item_code"; table = "item"; expression = "code <> '"''"'"; },
		 { op = "drop_constraint"; name = "ck_item_qty"; table = "item"; type = "check"; },
		 { op = "alter_column"; table = "item"; column = "qty"; type = "TEXT"; nullable = true; }'

	expect_rc 0 "upgrade to a" upgrade a
	local before_b after_b
	before_b=$(schema_dump)
	expect_rc 0 "upgrade head: one revision, four rebuilding operations" upgrade head
	expect_eq "$(versions)" "b" "at b"
	expect_eq "$(dbq 'SELECT count(*) FROM item')" "10000" "all 10,000 rows survived"
	expect_eq "$(dbq "SELECT count(*) FROM item WHERE typeof(qty) = 'integer' AND qty = id AND code = 'c' || id AND org_id = 1 + id % 2")" \
		"10000" "every value survived, qty converted to integer"
	expect_eq "$(dbq "SELECT type || ':' || \"notnull\" FROM pragma_table_info('item') WHERE name = 'qty'")" "INTEGER:1" \
		"qty is INTEGER NOT NULL"
	expect_eq "$(dbq "SELECT group_concat(name, ' ') FROM (SELECT name FROM pragma_index_list('item') ORDER BY name)")" \
		"ix_item_org ux_item_code" "both indexes are still there"
	expect_eq "$(dbq "SELECT group_concat(\"from\" || '>' || \"table\" || ':' || on_delete, ' ') FROM (SELECT * FROM pragma_foreign_key_list('item') ORDER BY \"from\")")" \
		"org_id>org:NO ACTION parent_org>org:SET NULL" "the outbound foreign key kept, the new one added"
	expect_eq "$(dbq "SELECT \"table\" || '.' || \"to\" || ':' || on_delete FROM pragma_foreign_key_list('line')")" \
		"item.id:CASCADE" "the inbound foreign key still points at item"
	expect_eq "$(dbq 'SELECT count(*) FROM line')" "500" "the referencing rows survived"
	expect_eq "$(dbq 'PRAGMA foreign_key_check')" "" "foreign_key_check is clean"
	expect_eq "$(dbq 'PRAGMA integrity_check')" "ok" "integrity_check is ok"
	local sql
	sql=$(dbq "SELECT sql FROM sqlite_master WHERE name = 'item'")
	expect_in "$sql" "CONSTRAINT ck_item_qty CHECK (qty > 0)" "the new check is in the table"
	expect_not_in "$sql" "ck_item_code" "the dropped check is gone"
	expect_eq "$(dbq "SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort_%'")" "0" "no rebuild leftovers"
	if dbq "INSERT INTO item (id, org_id, code, qty) VALUES (20000, 1, 'z', 0)" 2>/dev/null; then
		failed "the new check is enforced"
	else pass "the new check is enforced"; fi
	if dbq "PRAGMA foreign_keys=ON; DELETE FROM item WHERE id = 10000; SELECT count(*) FROM line" | grep -qx 499; then
		pass "ON DELETE CASCADE of the inbound foreign key still works"
	else failed "ON DELETE CASCADE of the inbound foreign key still works"; fi
	dbq "PRAGMA foreign_keys=OFF; INSERT INTO item (id, org_id, parent_org, code, qty) VALUES (10000, 1, 3, 'c10000', 10000); INSERT INTO line (id, item_id) VALUES (1, 10000)"

	# a failing rebuild: a check the rows violate, after another rebuild in the same revision
	local after_b_rows
	after_b=$(schema_dump)
	after_b_rows=$(dbq "SELECT count(*), sum(qty) FROM item")
	rev c b "bad check" \
		'{ op = "alter_column"; table = "item"; column = "code"; type = "text"; },
		 { op = "create_check_constraint"; name = "ck_item_small"; table = "item"; expression = "qty < 5000"; }' \
		'{ op = "drop_constraint"; name = "ck_item_small"; table = "item"; type = "check"; }'
	expect_rc 1 "a rebuild the rows violate fails the migration" upgrade head
	expect_in "$ERR" "CHECK constraint failed: ck_item_small" "the message names the check"
	expect_eq "$(versions)" "b" "still at b"
	expect_eq "$(schema_dump)" "$after_b" "the schema is exactly as before (rolled back)"
	expect_eq "$(dbq "SELECT count(*), sum(qty) FROM item")" "$after_b_rows" "the rows are as before"
	rm -f migrations/versions/c.conf

	expect_rc 0 "downgrade -1" downgrade -1
	expect_eq "$(versions)" "a" "at a"
	expect_eq "$(schema_dump)" "$before_b" "the schema is restored exactly"
	expect_eq "$(dbq "SELECT count(*) FROM item WHERE typeof(qty) = 'text'")" "10000" "qty is text again"
	expect_eq "$(dbq 'PRAGMA foreign_key_check')" "" "foreign_key_check is clean after downgrade"
	expect_eq "$(dbq 'PRAGMA integrity_check')" "ok" "integrity_check is ok after downgrade"
	expect_rc 0 "downgrade base" downgrade base
	expect_eq "$(tables | grep -v '^retort_' | tr '\n' ' ')" "" "no table left"
	expect_rc 0 "upgrade head again" upgrade head
	expect_rc 0 "downgrade base again" downgrade base
}

scenario_offline() {
	new_project || { failed "database"; return; }
	rev a "" "t" \
		'{ op = "create_table"; table = "t"; columns = ( { name = "id"; type = "integer"; primary_key = true; }, { name = "v"; type = "text"; } ); },
		 { op = "alter_column"; table = "t"; column = "v"; nullable = false; }' \
		'{ op = "drop_table"; table = "t"; }'
	expect_rc 2 "offline SQL of a rebuild is refused" upgrade head --sql
	expect_in "$ERR" "needs a table rebuild on SQLite, which reads the live database" "with a clear message"
	expect_rc 0 "online it runs" upgrade head
	expect_eq "$(dbq "SELECT \"notnull\" FROM pragma_table_info('t') WHERE name = 'v'")" "1" "v is NOT NULL"
}

# A rebuilt table's stored SQL reads as written by hand (its name as it
# needs quoting, one item a line, no blank lines), and stays the same over
# repeated rebuilds; the sqlite3 shell's .schema shows no IF NOT EXISTS.
scenario_rebuilt_sql() {
	new_project || { failed "database"; return; }
	rev a "" "users" \
		'{ op = "create_table"; table = "users"; columns = ( { name = "id"; type = "integer"; primary_key = true; },
		   { name = "name"; type = "varchar(50)"; } );
		   checks = ( { name = "ck_len"; expression = "length(name) > 0"; } ); }' \
		'{ op = "drop_table"; table = "users"; }'
	rev b a "rebuilds" \
		'{ op = "create_unique_constraint"; table = "users"; name = "uq_users_name"; columns = ( "name" ); },
		 { op = "alter_column"; table = "users"; column = "name"; nullable = false; existing_type = "varchar(50)"; }' \
		'{ op = "alter_column"; table = "users"; column = "name"; nullable = true; existing_type = "varchar(50)"; },
		 { op = "drop_constraint"; table = "users"; name = "uq_users_name"; type = "unique"; }'
	local want first i
	want=$(printf 'CREATE TABLE users (\n    id INTEGER NOT NULL PRIMARY KEY,\n    name VARCHAR(50) NOT NULL,\n    CONSTRAINT ck_len CHECK (length(name) > 0),\n    CONSTRAINT uq_users_name UNIQUE (name)\n)')
	expect_rc 0 "upgrade (two rebuilds)" upgrade head
	first=$(dbq "SELECT sql FROM sqlite_master WHERE name = 'users'")
	expect_eq "$first" "$want" "the rebuilt table's SQL reads as written by hand"
	for i in 1 2 3; do
		rt downgrade a >/dev/null 2>&1 && rt upgrade head >/dev/null 2>&1 || failed "round trip $i"
	done
	expect_eq "$(dbq "SELECT sql FROM sqlite_master WHERE name = 'users'")" "$want" "the same after three more round trips"
	expect_not_in "$(sqlite3 "$DBFILE" .schema)" "IF NOT EXISTS" ".schema shows no IF NOT EXISTS"
	expect_eq "$(sqlite3 "$DBFILE" .schema | grep -c '^ *$')" 0 ".schema has no blank lines"
	expect_eq "$(dbq "SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort_%'")" 0 "no rebuild leftovers"
}

RETORT_TEST_DIALECTS=${RETORT_TEST_DIALECTS:-sqlite}
for_each_dialect scenario_rebuild
for_each_dialect scenario_offline
for_each_dialect scenario_rebuilt_sql
finish

#!/usr/bin/env bash
# SQLite: consecutive operations of one revision that each need a rebuild
# of the same table (render_online_batch) rebuild it ONCE, keeping every
# row, value, index and foreign key (in and out); the downgrade does the
# same; operations on two tables interleaved (a, b, a) stay in order.
#
# How many rebuilds ran is read from the database itself: PRAGMA
# schema_version counts every change SQLite makes to its schema, so a
# revision of five rebuilding operations must move it exactly as much as
# one of a single rebuilding operation on the same table.  The dialect's
# debug line (RETORT_DEBUG) says which operations went together.
. "$top_srcdir/tests/lib/common.sh"

# sqlite_master with blanks and the quotes RENAME adds folded away (ADD COLUMN writes "\n, c")
schema_dump() {
	dbq "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || ifnull(sql, '-') FROM sqlite_master
	     WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name" |
		tr -d '"' | tr -s ' \t\n' ' ' | sed -e 's/( /(/g; s/ )/)/g; s/ (/(/g; s/ ,/,/g'
}

cookie() { dbq 'PRAGMA schema_version'; }

# rt_moves DESC ARGS...: runs retort ARGS (exit 0 wanted) and sets MOVED to how far schema_version moved
rt_moves() {
	local desc=$1 c0
	shift
	c0=$(cookie)
	RETORT_DEBUG=1 expect_rc 0 "$desc" "$@"
	MOVED=$(($(cookie) - c0))
}

CTE="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<3000)"

scenario_one_rebuild() {
	new_project || { failed "database"; return; }
	rev a "" "tables" \
		"{ op = \"execute\"; sql = \"CREATE TABLE org (id INTEGER PRIMARY KEY, name TEXT NOT NULL)\"; },
		 { op = \"execute\"; sql = \"INSERT INTO org (id, name) VALUES (1, 'one'), (2, 'two'), (3, 'three')\"; },
		 { op = \"execute\"; sql = \"CREATE TABLE item (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES org (id), parent_org INTEGER, code VARCHAR(20) CHECK (code <> ''), qty TEXT, price TEXT, note TEXT)\"; },
		 { op = \"execute\"; sql = \"CREATE INDEX ix_item_org ON item (org_id)\"; },
		 { op = \"execute\"; sql = \"CREATE UNIQUE INDEX ux_item_code ON item (code)\"; },
		 { op = \"execute\"; sql = \"$CTE INSERT INTO item (id, org_id, parent_org, code, qty, price, note) SELECT x, 1 + x % 2, 3, 'c' || x, x, x || '.5', 'n' || x FROM c\"; },
		 { op = \"execute\"; sql = \"CREATE TABLE line (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item (id) ON DELETE CASCADE)\"; },
		 { op = \"execute\"; sql = \"$CTE INSERT INTO line (id, item_id) SELECT x, 3001 - x FROM c WHERE x <= 300\"; }" \
		'{ op = "drop_table"; table = "line"; }, { op = "drop_table"; table = "item"; }, { op = "drop_table"; table = "org"; }'
	# one rebuilding operation: what one rebuild of item moves the schema by
	rev b a "one rebuild" \
		'{ op = "alter_column"; table = "item"; column = "code"; nullable = false; }' \
		'{ op = "alter_column"; table = "item"; column = "code"; nullable = true; }'
	# five, as autogenerate writes them (the drop_column alone would be a native DROP COLUMN)
	rev c b "five rebuilding operations" \
		'{ op = "alter_column"; table = "item"; column = "qty"; type = "integer"; nullable = false; },
		 { op = "alter_column"; table = "item"; column = "price"; type = "real"; },
		 { op = "create_check_constraint"; name = "ck_item_qty"; table = "item"; expression = "qty > 0"; },
		 { op = "create_foreign_key"; name = "fk_item_parent_org"; table = "item"; columns = [ "parent_org" ]; references = "org(id)"; on_delete = "set null"; },
		 { op = "drop_column"; table = "item"; column = "note"; }' \
		'{ op = "drop_constraint"; name = "fk_item_parent_org"; table = "item"; type = "foreignkey"; },
		 { op = "drop_constraint"; name = "ck_item_qty"; table = "item"; type = "check"; },
		 { op = "alter_column"; table = "item"; column = "price"; type = "TEXT"; },
		 { op = "alter_column"; table = "item"; column = "qty"; type = "TEXT"; nullable = true; },
		 { op = "add_column"; table = "item"; column = { name = "note"; type = "TEXT"; }; }'

	expect_rc 0 "upgrade to a" upgrade a
	local one five down at_b
	rt_moves "upgrade to b (one rebuilding operation)" upgrade b
	one=$MOVED
	check "one rebuild moves schema_version ($one)" test "$one" -gt 0
	at_b=$(schema_dump)
	rt_moves "upgrade to c (five rebuilding operations on item)" upgrade c
	five=$MOVED
	expect_eq "$five" "$one" "five rebuilding operations moved schema_version as one rebuild does: item was rebuilt once"
	expect_eq "$(grep -c 'rebuilding table' <<<"$ERR")" "1" "the dialect says one rebuild"
	expect_in "$ERR" "rebuilding table item once for 5 operations" "... for the five operations"

	expect_eq "$(versions)" "c" "at c"
	expect_eq "$(dbq 'SELECT count(*) FROM item')" "3000" "all 3,000 rows survived"
	expect_eq "$(dbq "SELECT count(*) FROM item WHERE typeof(qty) = 'integer' AND qty = id AND typeof(price) = 'real' AND price = id + 0.5 AND code = 'c' || id AND org_id = 1 + id % 2 AND parent_org = 3")" \
		"3000" "every value survived, qty converted to integer and price to real"
	expect_eq "$(dbq "SELECT group_concat(name || ':' || type || ':' || \"notnull\", ' ') FROM pragma_table_info('item')")" \
		"id:INTEGER:0 org_id:INTEGER:1 parent_org:INTEGER:0 code:VARCHAR(20):1 qty:INTEGER:1 price:REAL:0" \
		"the columns: note dropped, qty INTEGER NOT NULL, price REAL"
	expect_eq "$(dbq "SELECT group_concat(name, ' ') FROM (SELECT name FROM pragma_index_list('item') ORDER BY name)")" \
		"ix_item_org ux_item_code" "both indexes are back"
	expect_eq "$(dbq "SELECT group_concat(\"from\" || '>' || \"table\" || ':' || on_delete, ' ') FROM (SELECT * FROM pragma_foreign_key_list('item') ORDER BY \"from\")")" \
		"org_id>org:NO ACTION parent_org>org:SET NULL" "the outbound foreign key kept, the new one added"
	expect_eq "$(dbq "SELECT \"table\" || '.' || \"to\" || ':' || on_delete FROM pragma_foreign_key_list('line')")" \
		"item.id:CASCADE" "the inbound foreign key still points at item"
	expect_eq "$(dbq 'SELECT count(*) FROM line')" "300" "the referencing rows survived"
	expect_eq "$(dbq 'PRAGMA foreign_key_check')" "" "foreign_key_check is clean"
	expect_eq "$(dbq 'PRAGMA integrity_check')" "ok" "integrity_check is ok"
	expect_in "$(dbq "SELECT sql FROM sqlite_master WHERE name = 'item'")" "CONSTRAINT ck_item_qty CHECK (qty > 0)" \
		"the new check is in the table"
	expect_eq "$(dbq "SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort_%'")" "0" "no rebuild leftovers"
	if dbq "INSERT INTO item (id, org_id, code, qty) VALUES (9000, 1, 'z', 0)" 2>/dev/null; then
		failed "the new check is enforced"
	else pass "the new check is enforced"; fi

	rt_moves "downgrade to b" downgrade b
	down=$MOVED
	expect_eq "$(grep -c 'rebuilding table item once for 4 operations' <<<"$ERR")" "1" \
		"the downgrade's four rebuilding operations are one rebuild (then a native ADD COLUMN)"
	check "the downgrade moved schema_version by one rebuild and an ADD COLUMN ($down, one rebuild: $one)" \
		test "$down" -gt "$one" -a "$down" -lt $((2 * one))
	expect_eq "$(versions)" "b" "at b"
	expect_eq "$(schema_dump)" "$at_b" "the schema is as it was at b"
	expect_eq "$(dbq "SELECT count(*) FROM item WHERE typeof(qty) = 'text' AND qty = CAST(id AS TEXT) AND typeof(price) = 'text' AND price = id || '.5' AND note IS NULL")" \
		"3000" "every row back, qty and price text again (the dropped note is empty)"
	expect_eq "$(dbq 'SELECT count(*) FROM line')" "300" "the referencing rows are still there"
	expect_eq "$(dbq 'PRAGMA foreign_key_check')" "" "foreign_key_check is clean after the downgrade"
	expect_eq "$(dbq 'PRAGMA integrity_check')" "ok" "integrity_check is ok after the downgrade"
	expect_rc 0 "downgrade base" downgrade base
	expect_eq "$(tables | grep -v '^retort_' | tr '\n' ' ')" "" "no table left"
}

# Operations on a, b, a: three rebuilds, in order; a rename ends a run (what
# follows uses the new name).
scenario_interleaved() {
	new_project || { failed "database"; return; }
	rev a "" "two tables" \
		"{ op = \"execute\"; sql = \"CREATE TABLE ta (id INTEGER PRIMARY KEY, x TEXT, y TEXT)\"; },
		 { op = \"execute\"; sql = \"CREATE TABLE tb (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES ta (id), z TEXT)\"; },
		 { op = \"execute\"; sql = \"$CTE INSERT INTO ta (id, x, y) SELECT x, x, 'y' || x FROM c\"; },
		 { op = \"execute\"; sql = \"$CTE INSERT INTO tb (id, a_id, z) SELECT x, x, x * 2 FROM c\"; }" \
		'{ op = "drop_table"; table = "tb"; }, { op = "drop_table"; table = "ta"; }'
	rev b a "a, b, a" \
		'{ op = "alter_column"; table = "ta"; column = "x"; type = "integer"; },
		 { op = "alter_column"; table = "ta"; column = "y"; nullable = false; },
		 { op = "alter_column"; table = "tb"; column = "z"; type = "integer"; },
		 { op = "create_check_constraint"; name = "ck_ta_x"; table = "ta"; expression = "x = id"; },
		 { op = "alter_column"; table = "ta"; column = "x"; new_name = "xx"; type = "real"; },
		 { op = "create_check_constraint"; name = "ck_ta_xx"; table = "ta"; expression = "xx > 0"; }' \
		'{ op = "drop_constraint"; name = "ck_ta_xx"; table = "ta"; type = "check"; },
		 { op = "drop_constraint"; name = "ck_ta_x"; table = "ta"; type = "check"; },
		 { op = "alter_column"; table = "ta"; column = "xx"; new_name = "x"; type = "TEXT"; },
		 { op = "alter_column"; table = "tb"; column = "z"; type = "TEXT"; },
		 { op = "alter_column"; table = "ta"; column = "y"; nullable = true; }'
	expect_rc 0 "upgrade to a" upgrade a
	local at_a
	at_a=$(schema_dump)
	RETORT_DEBUG=1 expect_rc 0 "upgrade head (ta, ta, tb, ta, ta renamed, ta)" upgrade head
	expect_eq "$(grep -o 'rebuilding table .*' <<<"$ERR" | tr '\n' ';')" \
		"rebuilding table ta once for 2 operations;rebuilding table tb once for 1 operation;rebuilding table ta once for 2 operations;rebuilding table ta once for 1 operation;" \
		"runs of one table go together, in order; a rename ends its run"
	expect_eq "$(dbq "SELECT count(*) FROM ta WHERE typeof(xx) = 'real' AND xx = id AND y = 'y' || id")" "3000" \
		"every row of ta, x real and renamed xx"
	expect_eq "$(dbq "SELECT count(*) FROM tb WHERE typeof(z) = 'integer' AND z = 2 * id AND a_id = id")" "3000" \
		"every row of tb, z integer"
	expect_eq "$(dbq "SELECT name || ':' || \"notnull\" FROM pragma_table_info('ta') WHERE name = 'y'")" "y:1" "y is NOT NULL"
	local sql
	sql=$(dbq "SELECT sql FROM sqlite_master WHERE name = 'ta'")
	expect_in "$sql" "CONSTRAINT ck_ta_x CHECK (xx = id)" "the first check follows the rename"
	expect_in "$sql" "CONSTRAINT ck_ta_xx CHECK (xx > 0)" "the check after the rename is there"
	expect_eq "$(dbq 'PRAGMA foreign_key_check')" "" "foreign_key_check is clean"
	expect_rc 0 "downgrade to a" downgrade a
	expect_eq "$(schema_dump)" "$at_a" "the schema is as it was at a"
	expect_eq "$(dbq "SELECT count(*) FROM ta WHERE typeof(x) = 'text' AND CAST(x AS REAL) = id")" "3000" "x is text again"
	expect_eq "$(dbq "SELECT count(*) FROM tb WHERE typeof(z) = 'text'")" "3000" "z is text again"
}

# An autoincrement change (carried beyond retort_op, through op_more) in a
# run: each operation of the run is read with its own, not the first's.
scenario_autoincrement() {
	new_project || { failed "database"; return; }
	rev a "" "a table" \
		"{ op = \"execute\"; sql = \"CREATE TABLE tc (id INTEGER PRIMARY KEY, name TEXT, qty TEXT)\"; },
		 { op = \"execute\"; sql = \"$CTE INSERT INTO tc (id, name, qty) SELECT x, 'n' || x, x FROM c\"; }" \
		'{ op = "drop_table"; table = "tc"; }'
	rev b a "autoincrement on, then a type change" \
		'{ op = "alter_column"; table = "tc"; column = "id"; autoincrement = true; existing_autoincrement = false; },
		 { op = "alter_column"; table = "tc"; column = "qty"; type = "integer"; }' \
		'{ op = "alter_column"; table = "tc"; column = "qty"; type = "TEXT"; },
		 { op = "alter_column"; table = "tc"; column = "id"; autoincrement = false; existing_autoincrement = true; }'
	expect_rc 0 "upgrade to a" upgrade a
	RETORT_DEBUG=1 expect_rc 0 "upgrade to b (autoincrement on id, then qty's type)" upgrade b
	expect_in "$ERR" "rebuilding table tc once for 2 operations" "one rebuild for both"
	local sql
	sql=$(dbq "SELECT sql FROM sqlite_master WHERE name = 'tc'")
	expect_in "$sql" "AUTOINCREMENT" "id is AUTOINCREMENT"
	expect_eq "$(grep -o AUTOINCREMENT <<<"$sql" | wc -l)" "1" "... and nothing else is"
	expect_eq "$(dbq "SELECT count(*) FROM tc WHERE typeof(qty) = 'integer' AND qty = id AND name = 'n' || id")" "3000" \
		"every row, qty integer"
	RETORT_DEBUG=1 expect_rc 0 "downgrade to a" downgrade a
	expect_in "$ERR" "rebuilding table tc once for 2 operations" "one rebuild for both on the way down"
	expect_not_in "$(dbq "SELECT sql FROM sqlite_master WHERE name = 'tc'")" "AUTOINCREMENT" "AUTOINCREMENT gone"
	expect_eq "$(dbq "SELECT count(*) FROM tc WHERE typeof(qty) = 'text'")" "3000" "qty text again"
}

RETORT_TEST_DIALECTS=sqlite # the rebuilds are SQLite's
for_each_dialect scenario_one_rebuild
for_each_dialect scenario_interleaved
for_each_dialect scenario_autoincrement
finish

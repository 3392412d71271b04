#!/usr/bin/env bash
# Every operation of a .conf revision script, applied to a real database and
# read back from that database's own catalog; then `downgrade -1` and a
# normalized dump of the whole schema compared with the dump taken before
# the upgrade.  Bad operations are refused at load time, before anything runs.
#
# On SQLite the operations its ALTER TABLE cannot do (alter_column other
# than a rename, drop_constraint, create_unique_constraint,
# create_foreign_key, create_check_constraint, create_primary_key) run as
# the sqlite dialect's table rebuild (plugins/sqlite/rebuild.c).
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/catalog.sh"


# ---- catalog readers ----


# cols TABLE: column names in table order, space separated
cols() {
	case $D in
	sqlite) dbq "SELECT name FROM pragma_table_info('$1') ORDER BY cid" ;;
	postgresql) dbq "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = '$1'
		AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum" ;;
	mysql) dbq "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE()
		AND table_name = '$1' ORDER BY ordinal_position" ;;
	esac | tr '\n' ' ' | sed 's/ $//'
}

# idx TABLE INDEX: "unique(1/0)|col,col|predicate" ("" if no such index)
idx() {
	case $D in
	sqlite) dbq "SELECT l.\"unique\" || '|' || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info('$2') ORDER BY seqno))
		|| '|' || CASE WHEN l.partial THEN substr(m.sql, instr(upper(m.sql), ' WHERE ') + 7) ELSE '' END
		FROM pragma_index_list('$1') l JOIN sqlite_master m ON m.name = l.name WHERE l.name = '$2'" ;;
	postgresql) dbq "SELECT CASE WHEN i.indisunique THEN 1 ELSE 0 END || '|' ||
		(SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
		 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n) || '|' ||
		coalesce(pg_get_expr(i.indpred, i.indrelid), '')
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname = '$1' AND ic.relname = '$2'" ;;
	mysql) dbq "SELECT concat(1 - max(non_unique), '|', group_concat(column_name ORDER BY seq_in_index SEPARATOR ','), '|')
		FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = '$1' AND index_name = '$2'
		GROUP BY index_name" ;;
	esac
}

# fks TABLE: "cols|ref_table|ref_cols|on_delete|on_update" per foreign key, sorted (actions upper case, NO ACTION when none)
fks() {
	case $D in
	sqlite) dbq "SELECT group_concat(\"from\", ',') || '|' || \"table\" || '|' || group_concat(\"to\", ',') || '|' || on_delete || '|' || on_update
		FROM (SELECT * FROM pragma_foreign_key_list('$1') ORDER BY id, seq) GROUP BY id ORDER BY 1" ;;
	postgresql) dbq "SELECT (SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
		 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) || '|' || r.relname || '|' ||
		(SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
		 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) || '|' ||
		CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END || '|' ||
		CASE c.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname = '$1' AND c.contype = 'f' ORDER BY 1" ;;
	mysql) dbq "SELECT concat(group_concat(k.column_name ORDER BY k.ordinal_position SEPARATOR ','), '|', r.referenced_table_name, '|',
		group_concat(k.referenced_column_name ORDER BY k.ordinal_position SEPARATOR ','), '|', r.delete_rule, '|', r.update_rule)
		FROM information_schema.referential_constraints r JOIN information_schema.key_column_usage k
		ON k.constraint_schema = r.constraint_schema AND k.constraint_name = r.constraint_name AND k.table_name = r.table_name
		WHERE r.constraint_schema = DATABASE() AND r.table_name = '$1' GROUP BY r.constraint_name ORDER BY 1" ;;
	esac
}

# fk_names TABLE: names of the foreign keys (not on SQLite, which keeps no name)
fk_names() {
	case $D in
	postgresql) dbq "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND t.relname = '$1'
		AND c.contype = 'f' ORDER BY 1" ;;
	mysql) dbq "SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = DATABASE()
		AND table_name = '$1' AND constraint_type = 'FOREIGN KEY' ORDER BY 1" ;;
	esac | tr '\n' ' ' | sed 's/ $//'
}

# checks TABLE: "name|clause" per check constraint (SQLite: the CREATE TABLE text)
checks() {
	case $D in
	sqlite) dbq "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '$1'" ;;
	postgresql) dbq "SELECT c.conname || '|' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND t.relname = '$1'
		AND c.contype = 'c' ORDER BY 1" ;;
	mysql) dbq "SELECT concat(constraint_name, '|', check_clause) FROM information_schema.check_constraints
		WHERE constraint_schema = DATABASE() AND table_name = '$1' ORDER BY 1" ;;
	esac
}

# pk TABLE: "name|col,col" (SQLite: "|col,col"; MySQL's name is always PRIMARY)
pk() {
	case $D in
	sqlite) dbq "SELECT '|' || group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('$1') WHERE pk > 0 ORDER BY pk)" ;;
	postgresql) dbq "SELECT c.conname || '|' || (SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
		 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n)
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname = '$1' AND c.contype = 'p'" ;;
	mysql) dbq "SELECT concat(constraint_name, '|', group_concat(column_name ORDER BY ordinal_position SEPARATOR ','))
		FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND table_name = '$1'
		AND constraint_name = 'PRIMARY' GROUP BY constraint_name" ;;
	esac
}

# sqlite_uniques TABLE: "NAME" of each named UNIQUE table constraint, or
# with COLS, "NAME|col,col" (SQLite keeps constraint names only in the SQL)
sqlite_uniques() {
	sqlite_def "$1" | sqlite_items |
		sed -n -E 's/^constraint\|[^|]*\|CONSTRAINT ([^ ]+) UNIQUE\(([^)]*)\).*/\1|\2/Ip' |
		if [ "${2:-}" = cols ]; then cat; else cut -d'|' -f1; fi
}

# uniques TABLE: names of the unique constraints (unique indexes included)
uniques() {
	case $D in
	sqlite)
		# named: from the definition (SQLite keeps constraint names nowhere
		# else); unnamed ones (an autoindex each): "(unnamed)"; unique
		# indexes: their names
		local named n
		named=$(sqlite_uniques "$1")
		n=$(( $(dbq "SELECT count(*) FROM pragma_index_list('$1') WHERE origin = 'u'") - $(printf '%s' "$named" | grep -c .) ))
		{ [ -z "$named" ] || echo "$named"; while [ "$n" -gt 0 ]; do echo "(unnamed)"; n=$((n - 1)); done
		  dbq "SELECT name FROM pragma_index_list('$1') WHERE \"unique\" AND origin = 'c'"; } | sort ;;
	postgresql) dbq "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND t.relname = '$1'
		AND c.contype = 'u' ORDER BY 1" ;;
	mysql) dbq "SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = DATABASE()
		AND table_name = '$1' AND constraint_type = 'UNIQUE' ORDER BY 1" ;;
	esac | tr '\n' ' ' | sed 's/ $//'
}

# table_comment TABLE / col_comment TABLE COLUMN ("" on SQLite, which has none)
table_comment() {
	case $D in
	postgresql) dbq "SELECT coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = '$1'" ;;
	mysql) dbq "SELECT table_comment FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '$1'" ;;
	esac
}
col_comment() {
	case $D in
	postgresql) dbq "SELECT coalesce(col_description(c.oid, a.attnum), '') FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE n.nspname = current_schema() AND c.relname = '$1' AND a.attname = '$2'" ;;
	mysql) dbq "SELECT column_comment FROM information_schema.columns WHERE table_schema = DATABASE()
		AND table_name = '$1' AND column_name = '$2'" ;;
	esac
}

# rejects SQL: the database refuses SQL (the exit status of the client, not of dbq's pipe)
rejects() { ! (set -o pipefail; dbq "$1") >/dev/null 2>&1; }


# schema_dump: a normalized, sorted description of every user table except
# retort's own: columns (type, nullability, default, comment), indexes,
# constraints, table comments.  One query a database (every client run
# costs a process and a connection).
schema_dump() {
	local not="NOT IN ('retort_version', 'retort_history')"
	case $D in
	sqlite)
		# the definitions (sqlite_items), then the catalog of every table
		sqlite_def | sqlite_items
		dbq "WITH t(name) AS (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name $not)
			SELECT line FROM (
			SELECT 'column|' || t.name || '|' || c.name || '|' || c.type || '|' || c.\"notnull\" || '|' ||
				coalesce(c.dflt_value, '') || '|' || c.pk AS line FROM t, pragma_table_info(t.name) c
			UNION ALL
			SELECT 'index|' || t.name || '|' || CASE WHEN l.origin = 'c' THEN l.name ELSE '(auto)' END || '|' ||
				l.\"unique\" || '|' || l.origin || '|' || l.partial || '|' ||
				(SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno))
				FROM t, pragma_index_list(t.name) l
			UNION ALL
			SELECT 'fk|' || t.name || '|' || f.id || '|' || f.seq || '|' || f.\"table\" || '|' || f.\"from\" || '|' ||
				f.\"to\" || '|' || f.on_update || '|' || f.on_delete FROM t, pragma_foreign_key_list(t.name) f
			UNION ALL
			SELECT 'indexsql|' || name || '|' || replace(sql, '\"', '') FROM sqlite_master
				WHERE type = 'index' AND sql IS NOT NULL) ORDER BY line"
		;;
	postgresql)
		dbq "SELECT line FROM (
			SELECT 'table|' || c.relname || '|' || coalesce(obj_description(c.oid, 'pg_class'), '') AS line
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname $not
			UNION ALL
			SELECT 'column|' || c.relname || '|' || a.attname || '|' || format_type(a.atttypid, a.atttypmod) || '|' ||
			a.attnotnull || '|' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || '|' || coalesce(col_description(c.oid, a.attnum), '')
			FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname $not
			AND a.attnum > 0 AND NOT a.attisdropped
			UNION ALL
			SELECT 'index|' || tablename || '|' || indexname || '|' || indexdef FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename $not
			UNION ALL
			SELECT 'constraint|' || t.relname || '|' || c.conname || '|' || c.contype::text || '|' || pg_get_constraintdef(c.oid)
			FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND t.relname $not
			UNION ALL
			SELECT 'sequence|' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind = 'S') x ORDER BY line COLLATE \"C\""
		;;
	mysql)
		dbq "SELECT line FROM (
			SELECT concat('table|', table_name, '|', table_comment) AS line FROM information_schema.tables
			WHERE table_schema = DATABASE() AND table_name $not
			UNION ALL
			SELECT concat('column|', table_name, '|', column_name, '|', column_type, '|', is_nullable, '|',
			coalesce(column_default, '<none>'), '|', extra, '|', column_comment) FROM information_schema.columns
			WHERE table_schema = DATABASE() AND table_name $not
			UNION ALL
			SELECT concat('index|', table_name, '|', index_name, '|', non_unique, '|',
			group_concat(column_name ORDER BY seq_in_index SEPARATOR ',')) FROM information_schema.statistics
			WHERE table_schema = DATABASE() AND table_name $not GROUP BY table_name, index_name, non_unique
			UNION ALL
			SELECT concat('constraint|', table_name, '|', constraint_name, '|', constraint_type) FROM information_schema.table_constraints
			WHERE table_schema = DATABASE() AND table_name $not
			UNION ALL
			SELECT concat('fk|', r.table_name, '|', r.constraint_name, '|', r.referenced_table_name, '|', r.update_rule, '|', r.delete_rule, '|',
			group_concat(concat(k.column_name, '>', k.referenced_column_name) ORDER BY k.ordinal_position SEPARATOR ','))
			FROM information_schema.referential_constraints r JOIN information_schema.key_column_usage k
			ON k.constraint_schema = r.constraint_schema AND k.constraint_name = r.constraint_name AND k.table_name = r.table_name
			WHERE r.constraint_schema = DATABASE() GROUP BY r.table_name, r.constraint_name
			UNION ALL
			SELECT concat('check|', table_name, '|', constraint_name, '|', check_clause) FROM information_schema.check_constraints
			WHERE constraint_schema = DATABASE()) x ORDER BY CAST(line AS BINARY)"
		;;
	esac
}

# ---- the base schema every operation works on ----

# b0: parent, child (+ ix_child_parent), account (named unique, foreign key, check), nopk (no primary key)
base_rev() {
	rev b0 "" "base tables" \
		'{ op = "create_table"; table = "parent"; columns = (
			{ name = "id"; type = "integer"; primary_key = true; },
			{ name = "code"; type = "varchar(20)"; nullable = false; },
			{ name = "active"; type = "boolean"; },
			{ name = "ratio"; type = "double"; } ); },
		 { op = "create_table"; table = "child"; columns = (
			{ name = "id"; type = "integer"; primary_key = true; },
			{ name = "parent_id"; type = "integer"; },
			{ name = "name"; type = "varchar(50)"; nullable = false; },
			{ name = "qty"; type = "integer"; } ); },
		 { op = "create_index"; name = "ix_child_parent"; table = "child"; columns = [ "parent_id" ]; },
		 { op = "create_table"; table = "account"; columns = (
			{ name = "id"; type = "integer"; primary_key = true; },
			{ name = "parent_id"; type = "integer"; },
			{ name = "email"; type = "varchar(100)"; nullable = false; },
			{ name = "bal"; type = "integer"; nullable = false; server_default = "0"; } );
		   unique = ( { name = "uq_account_email"; columns = [ "email" ]; } );
		   foreign_keys = ( { name = "fk_account_parent"; columns = [ "parent_id" ]; references = "parent(id)"; on_delete = "cascade"; } );
		   checks = ( { name = "ck_account_bal"; expression = "bal >= 0"; } ); },
		 { op = "create_table"; table = "nopk"; columns = (
			{ name = "a"; type = "integer"; nullable = false; },
			{ name = "b"; type = "integer"; nullable = false; } ); }' \
		'{ op = "drop_table"; table = "nopk"; }, { op = "drop_table"; table = "account"; },
		 { op = "drop_table"; table = "child"; }, { op = "drop_table"; table = "parent"; }'
}

# op_case NAME REBUILD UPGRADE DOWNGRADE CHECK-FUNCTION:
# base b0, revision r1 (UPGRADE/DOWNGRADE) on top; upgrade, CHECK-FUNCTION
# reads the catalog, downgrade -1 must give back the schema of b0 exactly.
op_case() {
	local name=$1 rebuild=$2 up=$3 down=$4 fn=$5 before after
	new_project || { failed "$name: database"; return; }
	base_rev
	rev r1 b0 "$name" "$up" "$down"
	expect_rc 0 "$name: upgrade to the base revision" upgrade b0
	before=$(set -o pipefail; schema_dump) || failed "$name: schema read back (before)"
	# the dump must describe the base tables, or the comparison below proves nothing
	contains "$before" "column|account|email|" || failed "$name: the schema read back names account.email"
	[ "$D" != sqlite ] || contains "$before" "coldef|account|email " || failed "$name: the definitions read back name account.email"
	expect_rc 0 "$name: upgrade" upgrade head
	[ "$RC" = 0 ] || return 0
	expect_eq "$(versions)" "r1" "$name: version table at r1"
	"$fn"
	expect_rc 0 "$name: downgrade -1" downgrade -1
	expect_eq "$(versions)" "b0" "$name: version table back at b0"
	after=$(set -o pipefail; schema_dump) || failed "$name: schema read back (after)"
	if [ "$after" = "$before" ]; then pass "$name: downgrade gives back the schema exactly"; else
		failed "$name: downgrade gives back the schema exactly"
		diff <(echo "$before") <(echo "$after") | sed 's/^/#   /' | head -30
	fi
}

# ---- portable types: each mapped per dialect, anything else verbatim ----

TYPES_UP='{ op = "create_table"; table = "typed"; columns = (
		{ name = "c_integer"; type = "integer"; }, { name = "c_bigint"; type = "bigint"; },
		{ name = "c_smallint"; type = "smallint"; }, { name = "c_boolean"; type = "boolean"; },
		{ name = "c_varchar"; type = "varchar(20)"; }, { name = "c_text"; type = "text"; },
		{ name = "c_numeric"; type = "numeric(8,3)"; }, { name = "c_real"; type = "real"; },
		{ name = "c_double"; type = "double"; }, { name = "c_date"; type = "date"; },
		{ name = "c_time"; type = "time"; }, { name = "c_timestamp"; type = "timestamp"; },
		{ name = "c_timestamptz"; type = "timestamptz"; }, { name = "c_blob"; type = "blob"; },
		{ name = "c_json"; type = "json"; }, { name = "c_uuid"; type = "uuid"; },
		{ name = "c_verbatim"; type = "char(3)"; } ); }'
# type TABLE COLUMN: the type as the catalog has it
coltype() { col "$1" "$2" | cut -d'|' -f1; }
check_types() {
	local c got="" want
	for c in integer bigint smallint boolean varchar text numeric real double date time timestamp timestamptz blob json uuid verbatim; do
		got="$got$c=$(coltype typed "c_$c");"
	done
	want=$(pick \
		'integer=INTEGER;bigint=BIGINT;smallint=SMALLINT;boolean=BOOLEAN;varchar=VARCHAR(20);text=TEXT;numeric=NUMERIC(8,3);real=REAL;double=DOUBLE;date=DATE;time=TIME;timestamp=TIMESTAMP;timestamptz=TIMESTAMP;blob=BLOB;json=JSON;uuid=VARCHAR(36);verbatim=char(3);' \
		'integer=integer;bigint=bigint;smallint=smallint;boolean=boolean;varchar=character varying(20);text=text;numeric=numeric(8,3);real=real;double=double precision;date=date;time=time without time zone;timestamp=timestamp without time zone;timestamptz=timestamp with time zone;blob=bytea;json=json;uuid=uuid;verbatim=character(3);' \
		'integer=int(11);bigint=bigint(20);smallint=smallint(6);boolean=tinyint(1);varchar=varchar(20);text=text;numeric=decimal(8,3);real=float;double=double;date=date;time=time;timestamp=datetime;timestamptz=datetime;blob=longblob;json=longtext;uuid=char(36);verbatim=char(3);')
	# (MariaDB: json is an alias of longtext with a json_valid check)
	expect_eq "$got" "$want" "portable types mapped, anything else verbatim"
}
scenario_types() { op_case types 0 "$TYPES_UP" '{ op = "drop_table"; table = "typed"; }' check_types; }

# ---- create_table ----

CT_UP='{ op = "create_table"; table = "item"; comment = "items on order"; columns = (
		{ name = "id"; type = "integer"; primary_key = true; },
		{ name = "parent_id"; type = "integer"; },
		{ name = "code"; type = "varchar(30)"; nullable = false; server_default = "'"'x'"'"; },
		{ name = "qty"; type = "integer"; nullable = false; server_default = "0"; },
		{ name = "price"; type = "numeric(10,2)"; },
		{ name = "note"; type = "text"; comment = "free text"; } );
	unique = ( { name = "uq_item_code"; columns = [ "code" ]; } );
	foreign_keys = ( { name = "fk_item_parent"; columns = [ "parent_id" ]; references = "parent(id)";
		on_delete = "cascade"; on_update = "set null"; } );
	checks = ( { name = "ck_item_qty"; expression = "qty >= 0"; } ); }'
check_create_table() {
	expect_eq "$(user_tables)" "account child item nopk parent" "create_table: table exists"
	expect_eq "$(cols item)" "id parent_id code qty price note" "create_table: columns in order"
	expect_eq "$(col item id)" "$(pick 'INTEGER|NO|' 'integer|NO|' 'int(11)|NO|')" "create_table: id integer (primary key)"
	expect_eq "$(col item code)" "$(pick "VARCHAR(30)|NO|'x'" "character varying(30)|NO|'x'::character varying" "varchar(30)|NO|'x'")" \
		"create_table: code varchar(30) not null default 'x'"
	expect_eq "$(col item qty)" "$(pick 'INTEGER|NO|0' 'integer|NO|0' 'int(11)|NO|0')" "create_table: qty not null default 0"
	expect_eq "$(col item price)" "$(pick 'NUMERIC(10,2)|YES|' 'numeric(10,2)|YES|' 'decimal(10,2)|YES|NULL')" "create_table: price numeric(10,2)"
	expect_eq "$(col item note)" "$(pick 'TEXT|YES|' 'text|YES|' 'text|YES|NULL')" "create_table: note text"
	expect_eq "$(pk item)" "$(pick '|id' 'item_pkey|id' 'PRIMARY|id')" "create_table: primary key"
	expect_eq "$(uniques item)" "uq_item_code" "create_table: unique constraint"
	expect_eq "$(idx item "$(pick sqlite_autoindex_item_1 uq_item_code uq_item_code)")" "1|code|" "create_table: unique on code"
	expect_eq "$(fks item)" "parent_id|parent|id|CASCADE|SET NULL" "create_table: foreign key target and actions"
	[ "$D" = sqlite ] || expect_eq "$(fk_names item)" "fk_item_parent" "create_table: foreign key name"
	case $D in
	sqlite) expect_in "$(checks item)" "CONSTRAINT ck_item_qty CHECK (qty >= 0)" "create_table: check constraint" ;;
	postgresql) expect_eq "$(checks item)" "ck_item_qty|CHECK ((qty >= 0))" "create_table: check constraint" ;;
	mysql) expect_eq "$(checks item)" 'ck_item_qty|`qty` >= 0' "create_table: check constraint" ;;
	esac
	if [ "$D" != sqlite ]; then
		expect_eq "$(table_comment item)" "items on order" "create_table: table comment"
		expect_eq "$(col_comment item note)" "free text" "create_table: column comment"
	fi
	# the constraints are enforced, not just recorded
	dbq "INSERT INTO parent (id, code) VALUES (1, 'p')" >/dev/null
	check "create_table: a row that passes the check is accepted" dbq "INSERT INTO item (id, parent_id, qty) VALUES (1, 1, 2)"
	check "create_table: the check rejects qty < 0" rejects "INSERT INTO item (id, qty) VALUES (2, -1)"
	check "create_table: the unique constraint rejects a duplicate" rejects "INSERT INTO item (id) VALUES (3)"
	[ "$D" = sqlite ] || check "create_table: the foreign key rejects a missing parent" \
		rejects "INSERT INTO item (id, code, parent_id) VALUES (4, 'y', 99)"
	dbq "DELETE FROM item" >/dev/null
	dbq "DELETE FROM parent" >/dev/null
}
scenario_create_table() { op_case create_table 0 "$CT_UP" '{ op = "drop_table"; table = "item"; }' check_create_table; }

# create_table with an autoincrement key and a named composite primary key
CT2_UP='{ op = "create_table"; table = "seq_t"; columns = (
		{ name = "id"; type = "bigint"; primary_key = true; autoincrement = true; },
		{ name = "label"; type = "varchar(10)"; unique = true; } ); },
	{ op = "create_table"; table = "pair"; columns = (
		{ name = "a"; type = "integer"; nullable = false; },
		{ name = "b"; type = "varchar(5)"; nullable = false; } );
	  primary_key = { name = "pk_pair"; columns = [ "a", "b" ]; }; }'
check_create_table_keys() {
	expect_eq "$(pk pair)" "$(pick '|a,b' 'pk_pair|a,b' 'PRIMARY|a,b')" "create_table: composite primary key"
	expect_eq "$(pk seq_t)" "$(pick '|id' 'seq_t_pkey|id' 'PRIMARY|id')" "create_table: autoincrement primary key"
	expect_eq "$(col seq_t id)" "$(pick 'INTEGER|YES|' "bigint|NO|nextval('seq_t_id_seq'::regclass)" 'bigint(20)|NO|')" \
		"create_table: autoincrement column"
	dbq "INSERT INTO seq_t (label) VALUES ('a')" >/dev/null
	dbq "INSERT INTO seq_t (label) VALUES ('b')" >/dev/null
	expect_eq "$(dbq "SELECT id FROM seq_t ORDER BY id" | tr '\n' ' ')" "1 2 " "create_table: autoincrement numbers rows"
	expect_eq "$(uniques seq_t | wc -w)" "1" "create_table: column-level unique"
	dbq "DELETE FROM seq_t" >/dev/null
}
scenario_create_table_keys() {
	op_case create_table_keys 0 "$CT2_UP" '{ op = "drop_table"; table = "pair"; }, { op = "drop_table"; table = "seq_t"; }' \
		check_create_table_keys
}

# ---- drop_table / rename_table ----

CHILD_DEF='{ op = "create_table"; table = "child"; columns = (
		{ name = "id"; type = "integer"; primary_key = true; },
		{ name = "parent_id"; type = "integer"; },
		{ name = "name"; type = "varchar(50)"; nullable = false; },
		{ name = "qty"; type = "integer"; } ); },
	{ op = "create_index"; name = "ix_child_parent"; table = "child"; columns = [ "parent_id" ]; }'
check_drop_table() { expect_eq "$(user_tables)" "account nopk parent" "drop_table: child is gone"; }
scenario_drop_table() { op_case drop_table 0 '{ op = "drop_table"; table = "child"; }' "$CHILD_DEF" check_drop_table; }

check_rename_table() {
	expect_eq "$(user_tables)" "account kid nopk parent" "rename_table: child is now kid"
	expect_eq "$(cols kid)" "id parent_id name qty" "rename_table: columns kept"
	expect_eq "$(idx kid ix_child_parent)" "0|parent_id|" "rename_table: index kept"
}
scenario_rename_table() {
	op_case rename_table 0 '{ op = "rename_table"; table = "child"; new_name = "kid"; }' \
		'{ op = "rename_table"; table = "kid"; new_name = "child"; }' check_rename_table
}

# ---- add_column / drop_column ----

AC_UP='{ op = "add_column"; table = "child"; column = { name = "status"; type = "varchar(10)"; nullable = false;
		server_default = "'"'new'"'"; comment = "state of the child"; }; },
	{ op = "add_column"; table = "child"; column = { name = "flag"; type = "boolean"; nullable = false; server_default = "false"; }; },
	{ op = "add_column"; table = "child"; column = { name = "seen"; type = "timestamp"; }; }'
check_add_column() {
	expect_eq "$(cols child)" "id parent_id name qty status flag seen" "add_column: columns appended"
	expect_eq "$(col child status)" "$(pick "VARCHAR(10)|NO|'new'" "character varying(10)|NO|'new'::character varying" "varchar(10)|NO|'new'")" \
		"add_column: varchar(10) not null default 'new'"
	expect_eq "$(col child flag)" "$(pick 'BOOLEAN|NO|false' 'boolean|NO|false' 'tinyint(1)|NO|0')" "add_column: boolean default false"
	expect_eq "$(col child seen)" "$(pick 'TIMESTAMP|YES|' 'timestamp without time zone|YES|' 'datetime|YES|NULL')" "add_column: timestamp"
	[ "$D" = sqlite ] || expect_eq "$(col_comment child status)" "state of the child" "add_column: comment"
}
scenario_add_column() {
	op_case add_column 0 "$AC_UP" '{ op = "drop_column"; table = "child"; column = "seen"; },
		{ op = "drop_column"; table = "child"; column = "flag"; }, { op = "drop_column"; table = "child"; column = "status"; }' \
		check_add_column
}

check_drop_column() {
	expect_eq "$(cols child)" "id parent_id name" "drop_column: qty is gone"
	expect_eq "$(col child qty)" "" "drop_column: not in the catalog"
}
scenario_drop_column() {
	op_case drop_column 0 '{ op = "drop_column"; table = "child"; column = "qty"; }' \
		'{ op = "add_column"; table = "child"; column = { name = "qty"; type = "integer"; }; }' check_drop_column
}

# ---- alter_column ----

check_alter_type() {
	expect_eq "$(col child name)" "$(pick 'VARCHAR(200)|NO|' 'character varying(200)|NO|' 'varchar(200)|NO|')" \
		"alter_column type: varchar(200), still not null"
	expect_eq "$(col child qty)" "$(pick 'BIGINT|YES|' 'bigint|YES|' 'bigint(20)|YES|NULL')" "alter_column type: integer to bigint"
}
scenario_alter_type() {
	op_case alter_column_type 1 \
		'{ op = "alter_column"; table = "child"; column = "name"; type = "varchar(200)"; existing_type = "varchar(50)"; existing_nullable = false; },
		 { op = "alter_column"; table = "child"; column = "qty"; type = "bigint"; existing_type = "integer"; existing_nullable = true; }' \
		'{ op = "alter_column"; table = "child"; column = "qty"; type = "integer"; existing_type = "bigint"; existing_nullable = true; },
		 { op = "alter_column"; table = "child"; column = "name"; type = "varchar(50)"; existing_type = "varchar(200)"; existing_nullable = false; }' \
		check_alter_type
}

check_alter_nullable() {
	expect_eq "$(col child qty)" "$(pick 'INTEGER|NO|' 'integer|NO|' 'int(11)|NO|')" "alter_column nullable: qty not null"
	expect_eq "$(col child name)" "$(pick 'VARCHAR(50)|YES|' 'character varying(50)|YES|' 'varchar(50)|YES|NULL')" \
		"alter_column nullable: name nullable"
	check "alter_column nullable: NULL refused in qty" rejects "INSERT INTO child (id, name) VALUES (1, 'n')"
}
scenario_alter_nullable() {
	op_case alter_column_nullable 1 \
		'{ op = "alter_column"; table = "child"; column = "qty"; nullable = false; existing_type = "integer"; },
		 { op = "alter_column"; table = "child"; column = "name"; nullable = true; existing_type = "varchar(50)"; }' \
		'{ op = "alter_column"; table = "child"; column = "name"; nullable = false; existing_type = "varchar(50)"; },
		 { op = "alter_column"; table = "child"; column = "qty"; nullable = true; existing_type = "integer"; }' \
		check_alter_nullable
}

check_alter_default() {
	expect_eq "$(col child qty)" "$(pick 'INTEGER|YES|5' 'integer|YES|5' 'int(11)|YES|5')" "alter_column server_default: qty default 5"
	expect_eq "$(col account bal)" "$(pick 'INTEGER|NO|' 'integer|NO|' 'int(11)|NO|')" "alter_column drop_server_default: bal has none"
	expect_eq "$(col child name)" "$(pick "VARCHAR(50)|NO|'?'" "character varying(50)|NO|'?'::character varying" "varchar(50)|NO|'?'")" \
		"alter_column server_default: a string default"
}
scenario_alter_default() {
	op_case alter_column_default 1 \
		'{ op = "alter_column"; table = "child"; column = "qty"; server_default = "5"; existing_type = "integer"; existing_nullable = true; },
		 { op = "alter_column"; table = "child"; column = "name"; server_default = "'"'?'"'"; },
		 { op = "alter_column"; table = "account"; column = "bal"; drop_server_default = true; existing_type = "integer"; existing_nullable = false; }' \
		'{ op = "alter_column"; table = "account"; column = "bal"; server_default = "0"; existing_type = "integer"; existing_nullable = false; },
		 { op = "alter_column"; table = "child"; column = "name"; drop_server_default = true; },
		 { op = "alter_column"; table = "child"; column = "qty"; drop_server_default = true; existing_type = "integer"; existing_nullable = true; }' \
		check_alter_default
}

# several changes in one alter_column (MySQL restates the column once)
check_alter_all() {
	expect_eq "$(col child qty)" "$(pick 'BIGINT|NO|7' 'bigint|NO|7' 'bigint(20)|NO|7')" "alter_column: type, nullable and default at once"
}
scenario_alter_all() {
	op_case alter_column_combined 1 \
		'{ op = "alter_column"; table = "child"; column = "qty"; type = "bigint"; nullable = false; server_default = "7"; existing_type = "integer"; existing_nullable = true; }' \
		'{ op = "alter_column"; table = "child"; column = "qty"; type = "integer"; nullable = true; drop_server_default = true; existing_type = "bigint"; existing_nullable = false; existing_server_default = "7"; }' \
		check_alter_all
}

check_alter_rename() {
	expect_eq "$(cols child)" "id parent_ref name qty" "alter_column new_name: parent_id renamed in place"
	expect_eq "$(col child parent_ref)" "$(pick 'INTEGER|YES|' 'integer|YES|' 'int(11)|YES|NULL')" "alter_column new_name: type and nullability kept"
	expect_eq "$(idx child ix_child_parent)" "0|parent_ref|" "alter_column new_name: the index follows"
	expect_eq "$(col account email)" "$(pick 'VARCHAR(100)|NO|' 'character varying(100)|NO|' 'varchar(100)|NO|')" \
		"alter_column new_name: email kept"
}
scenario_alter_rename() {
	op_case alter_column_rename 0 \
		'{ op = "alter_column"; table = "child"; column = "parent_id"; new_name = "parent_ref"; existing_type = "integer"; existing_nullable = true; }' \
		'{ op = "alter_column"; table = "child"; column = "parent_ref"; new_name = "parent_id"; existing_type = "integer"; existing_nullable = true; }' \
		check_alter_rename
}

# a rename alone keeps NOT NULL, the default and the comment, whatever hints are given
check_alter_rename_keeps() {
	expect_eq "$(cols account)" "id parent_id email balance" "alter_column new_name: bal renamed"
	expect_eq "$(col account balance)" "$(pick 'INTEGER|NO|0' 'integer|NO|0' 'int(11)|NO|0')" \
		"alter_column new_name: NOT NULL and the default kept (only existing_type given)"
	[ "$D" = sqlite ] || expect_eq "$(col_comment account balance)" "" "alter_column new_name: no comment appears"
	expect_eq "$(col parent ident)" "$(pick "INTEGER|NO|" "integer|NO|" "int(11)|NO|")" "alter_column new_name: no hints at all"
	expect_eq "$(cols parent)" "ident code active ratio" "alter_column new_name: the key column renamed"
	expect_eq "$(pk parent)" "$(pick '|ident' 'parent_pkey|ident' 'PRIMARY|ident')" "alter_column new_name: still the primary key"
}
scenario_alter_rename_keeps() {
	op_case alter_column_rename_keeps 0 \
		'{ op = "alter_column"; table = "account"; column = "bal"; new_name = "balance"; existing_type = "integer"; },
		 { op = "alter_column"; table = "parent"; column = "id"; new_name = "ident"; }' \
		'{ op = "alter_column"; table = "parent"; column = "ident"; new_name = "id"; },
		 { op = "alter_column"; table = "account"; column = "balance"; new_name = "bal"; existing_type = "integer"; }' \
		check_alter_rename_keeps
}

check_alter_comment() {
	expect_eq "$(col_comment child name)" "the name" "alter_column comment: set"
	expect_eq "$(col child name)" "$(pick x 'character varying(50)|NO|' 'varchar(50)|NO|')" "alter_column comment: column unchanged"
}
scenario_alter_comment() {
	[ "$D" = sqlite ] && return 0 # SQLite keeps no comments
	op_case alter_column_comment 0 \
		'{ op = "alter_column"; table = "child"; column = "name"; comment = "the name"; existing_type = "varchar(50)"; existing_nullable = false; }' \
		'{ op = "alter_column"; table = "child"; column = "name"; comment = ""; existing_type = "varchar(50)"; existing_nullable = false; existing_comment = "the name"; }' \
		check_alter_comment
}

# ---- indexes ----

CI_UP='{ op = "create_index"; name = "ix_child_name_qty"; table = "child"; columns = [ "name", "qty" ]; },
	{ op = "create_index"; name = "ux_child_name"; table = "child"; columns = [ "name" ]; unique = true; },
	{ op = "create_index"; name = "ix_child_qty_pos"; table = "child"; columns = [ "qty" ]; where = "qty > 0"; dialect = "postgresql"; },
	{ op = "create_index"; name = "ix_child_qty_pos"; table = "child"; columns = [ "qty" ]; where = "qty > 0"; dialect = "sqlite"; }'
CI_DOWN='{ op = "drop_index"; name = "ix_child_qty_pos"; table = "child"; dialect = "postgresql"; },
	{ op = "drop_index"; name = "ix_child_qty_pos"; table = "child"; dialect = "sqlite"; },
	{ op = "drop_index"; name = "ux_child_name"; table = "child"; },
	{ op = "drop_index"; name = "ix_child_name_qty"; table = "child"; }'
check_create_index() {
	expect_eq "$(idx child ix_child_name_qty)" "0|name,qty|" "create_index: two columns, in order, not unique"
	expect_eq "$(idx child ux_child_name)" "1|name|" "create_index: unique"
	expect_eq "$(idx child ix_child_qty_pos)" "$(pick '0|qty|qty > 0' '0|qty|(qty > 0)' '')" "create_index: partial (where) on PostgreSQL/SQLite"
}
scenario_create_index() { op_case create_index 0 "$CI_UP" "$CI_DOWN" check_create_index; }

check_concurrently() {
	expect_eq "$(idx child ix_child_name_c)" "0|name|" "create_index concurrently: index built"
	expect_eq "$(dbq "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_child_name_c'::regclass")" "t" \
		"create_index concurrently: index valid"
	expect_eq "$(idx child ix_child_other)" "1|qty|" "create_index concurrently: the transactional op after it ran too"
}
scenario_create_index_concurrently() {
	[ "$D" = postgresql ] || return 0
	op_case create_index_concurrently 0 \
		'{ op = "create_index"; name = "ix_child_name_c"; table = "child"; columns = [ "name" ]; concurrently = true; },
		 { op = "create_index"; name = "ix_child_other"; table = "child"; columns = [ "qty" ]; unique = true; }' \
		'{ op = "drop_index"; name = "ix_child_other"; table = "child"; }, { op = "drop_index"; name = "ix_child_name_c"; table = "child"; }' \
		check_concurrently
}

check_drop_index() { expect_eq "$(idx child ix_child_parent)" "" "drop_index: index gone"; }
scenario_drop_index() {
	op_case drop_index 0 '{ op = "drop_index"; name = "ix_child_parent"; table = "child"; }' \
		'{ op = "create_index"; name = "ix_child_parent"; table = "child"; columns = [ "parent_id" ]; }' check_drop_index
}

# ---- constraints ----

check_unique() {
	expect_eq "$(uniques child)" "uq_child_name_qty" "create_unique_constraint: present"
	if [ "$D" = sqlite ]; then
		expect_eq "$(sqlite_uniques child cols)" "uq_child_name_qty|name,qty" "create_unique_constraint: a table constraint over (name, qty)"
		expect_eq "$(dbq "SELECT count(*) FROM pragma_index_list('child') WHERE origin = 'u'")" "1" \
			"create_unique_constraint: enforced by its autoindex"
	else
		expect_eq "$(idx child uq_child_name_qty)" "1|name,qty|" "create_unique_constraint: unique over (name, qty)"
	fi
	dbq "INSERT INTO child (id, name, qty) VALUES (1, 'a', 1)" >/dev/null
	check "create_unique_constraint: enforced" rejects "INSERT INTO child (id, name, qty) VALUES (2, 'a', 1)"
	dbq "DELETE FROM child" >/dev/null
}
scenario_unique() {
	op_case create_unique_constraint 0 \
		'{ op = "create_unique_constraint"; name = "uq_child_name_qty"; table = "child"; columns = [ "name", "qty" ]; }' \
		'{ op = "drop_constraint"; name = "uq_child_name_qty"; table = "child"; type = "unique"; }' check_unique
}

check_fk() {
	expect_eq "$(fks child)" "parent_id|parent|id|SET NULL|CASCADE" "create_foreign_key: target and actions"
	[ "$D" = sqlite ] || expect_eq "$(fk_names child)" "fk_child_parent" "create_foreign_key: name"
}
scenario_fk() {
	op_case create_foreign_key 1 \
		'{ op = "create_foreign_key"; name = "fk_child_parent"; table = "child"; columns = [ "parent_id" ];
		   ref_table = "parent"; ref_columns = [ "id" ]; on_delete = "set null"; on_update = "cascade"; }' \
		'{ op = "drop_constraint"; name = "fk_child_parent"; table = "child"; type = "foreignkey"; }' check_fk
}

check_check() {
	case $D in
	sqlite) expect_in "$(checks child)" "CHECK (qty >= 0)" "create_check_constraint: in the table" ;;
	postgresql) expect_eq "$(checks child)" "ck_child_qty|CHECK ((qty >= 0))" "create_check_constraint: present" ;;
	mysql) expect_eq "$(checks child)" 'ck_child_qty|`qty` >= 0' "create_check_constraint: present" ;;
	esac
	check "create_check_constraint: enforced" rejects "INSERT INTO child (id, name, qty) VALUES (1, 'a', -1)"
}
scenario_check() {
	op_case create_check_constraint 1 \
		'{ op = "create_check_constraint"; name = "ck_child_qty"; table = "child"; expression = "qty >= 0"; }' \
		'{ op = "drop_constraint"; name = "ck_child_qty"; table = "child"; type = "check"; }' check_check
}

check_pk() {
	expect_eq "$(pk nopk)" "$(pick '|a,b' 'pk_nopk|a,b' 'PRIMARY|a,b')" "create_primary_key: (a, b)"
}
scenario_pk() {
	op_case create_primary_key 1 \
		'{ op = "create_primary_key"; name = "pk_nopk"; table = "nopk"; columns = [ "a", "b" ]; }' \
		'{ op = "drop_constraint"; name = "pk_nopk"; table = "nopk"; type = "primary"; }' check_pk
}

check_drop_constraint() {
	expect_eq "$(fks account)" "" "drop_constraint: foreign key gone"
	expect_eq "$(uniques account)" "" "drop_constraint: unique gone"
	case $D in
	sqlite) expect_not_in "$(checks account)" "CHECK" "drop_constraint: check gone" ;;
	*) expect_eq "$(checks account)" "" "drop_constraint: check gone" ;;
	esac
	expect_eq "$(pk account)" "$(pick '' '' '')" "drop_constraint: primary key gone"
	expect_eq "$(col account id)" "$(pick 'INTEGER|NO|' 'integer|NO|' 'int(11)|NO|')" "drop_constraint: the key column stays"
}
scenario_drop_constraint() {
	op_case drop_constraint 1 \
		'{ op = "drop_constraint"; name = "fk_account_parent"; table = "account"; type = "foreignkey"; },
		 { op = "drop_constraint"; name = "uq_account_email"; table = "account"; type = "unique"; },
		 { op = "drop_constraint"; name = "ck_account_bal"; table = "account"; type = "check"; },
		 { op = "drop_constraint"; name = "account_pkey"; table = "account"; type = "primary"; }' \
		'{ op = "create_primary_key"; name = "account_pkey"; table = "account"; columns = [ "id" ]; },
		 { op = "create_check_constraint"; name = "ck_account_bal"; table = "account"; expression = "bal >= 0"; },
		 { op = "create_unique_constraint"; name = "uq_account_email"; table = "account"; columns = [ "email" ]; },
		 { op = "create_foreign_key"; name = "fk_account_parent"; table = "account"; columns = [ "parent_id" ]; references = "parent(id)"; on_delete = "cascade"; }' \
		check_drop_constraint
}

# ---- data ----

BI_UP='{ op = "bulk_insert"; table = "parent"; rows = (
		{ id = 1; code = "it'"'"'s"; active = true; ratio = 1.5; },
		{ id = 2; code = "back\\slash"; active = false; },
		{ id = 3; code = "x"; ratio = -2.25; } ); },
	{ op = "bulk_insert"; table = "child"; rows = ( { id = 10; parent_id = 1; name = "n1"; qty = 4; }, { id = 11; name = "n2"; } ); }'
check_bulk_insert() {
	# (length and LIKE: the mariadb client escapes a backslash in its output)
	expect_eq "$(dbq "SELECT id, code, length(code) FROM parent WHERE id <> 2 ORDER BY id" | tr '\n' ' ')" "1|it's|4 3|x|1 " \
		"bulk_insert: a string with a quote"
	expect_eq "$(dbq "SELECT length(code) FROM parent WHERE id = 2 AND code LIKE 'back_slash' AND code NOT LIKE 'back__slash'")" "10" \
		"bulk_insert: a string with a backslash, stored as one character"
	expect_eq "$(dbq "SELECT id, CASE WHEN active IS NULL THEN 'null' WHEN active THEN 'yes' ELSE 'no' END FROM parent ORDER BY id" | tr '\n' ' ')" \
		"1|yes 2|no 3|null " "bulk_insert: booleans, and NULL for a column missing from a row"
	expect_eq "$(dbq "SELECT id FROM parent WHERE ratio = 1.5 OR ratio = -2.25 ORDER BY id" | tr '\n' ' ')" "1 3 " "bulk_insert: floats"
	expect_eq "$(dbq "SELECT id, coalesce(parent_id, -1), name, coalesce(qty, -1) FROM child ORDER BY id" | tr '\n' ' ')" \
		"10|1|n1|4 11|-1|n2|-1 " "bulk_insert: second table, NULLs"
}
scenario_bulk_insert() {
	op_case bulk_insert 0 "$BI_UP" '{ op = "execute"; sql = "DELETE FROM child"; }, { op = "execute"; sql = "DELETE FROM parent"; }' \
		check_bulk_insert
}

check_execute() {
	expect_eq "$(user_tables)" "account child ex_t nopk parent" "execute: raw SQL ran"
	expect_eq "$(dbq "SELECT v FROM ex_t ORDER BY v" | tr '\n' ' ')" "42 43 " "execute: one op holding two statements"
}
scenario_execute() {
	op_case execute 0 '{ op = "execute"; sql = "CREATE TABLE ex_t (v integer)"; }, { op = "execute"; sql = "INSERT INTO ex_t (v) VALUES (42); INSERT INTO ex_t (v) VALUES (43)"; }' \
		'{ op = "execute"; sql = "DROP TABLE ex_t"; }' check_execute
}

# an error in the second statement of an execute fails the run
scenario_execute_error() {
	new_project || { failed "database"; return; }
	base_rev
	rev r1 b0 "bad second statement" '{ op = "execute"; sql = "INSERT INTO nopk (a, b) VALUES (1, 1); INSERT INTO no_such_table VALUES (1)"; }' ''
	expect_rc 1 "execute: an error in a later statement fails the run" upgrade head
	expect_in "$ERR" "no_such_table" "execute: the error names the statement"
	if [ "$D" = mysql ]; then
		expect_eq "$(versions)" "b0" "execute: MySQL records the revisions before"
	else
		expect_eq "$(versions)" "" "execute: nothing applied (one transaction)"
	fi
}

check_dialect() {
	expect_eq "$(user_tables)" "account child nopk only_$D parent" "dialect: only this dialect's operations ran"
	expect_eq "$(col child qty)" "$(pick 'INTEGER|YES|' 'integer|YES|' 'int(11)|YES|NULL')" "dialect: other dialects' alter_column skipped"
}
scenario_dialect() {
	op_case dialect 0 \
		'{ op = "create_table"; table = "only_sqlite"; columns = ( { name = "id"; type = "integer"; } ); dialect = "sqlite"; },
		 { op = "execute"; sql = "CREATE TABLE only_postgresql (id integer)"; dialect = "postgresql"; },
		 { op = "execute"; sql = "CREATE TABLE only_mysql (id integer)"; dialect = "mysql"; },
		 { op = "alter_column"; table = "child"; column = "qty"; type = "bigint"; dialect = "oracle"; },
		 { op = "execute"; sql = "THIS IS NOT SQL"; dialect = "oracle"; }' \
		'{ op = "drop_table"; table = "only_sqlite"; dialect = "sqlite"; },
		 { op = "drop_table"; table = "only_postgresql"; dialect = "postgresql"; },
		 { op = "drop_table"; table = "only_mysql"; dialect = "mysql"; }' \
		check_dialect
}

# ---- names that need quoting ----

RW_UP='{ op = "create_table"; table = "order"; columns = (
		{ name = "id"; type = "integer"; primary_key = true; },
		{ name = "user"; type = "varchar(20)"; nullable = false; comment = "it'"'"'s the user"; },
		{ name = "key"; type = "integer"; },
		{ name = "Select"; type = "varchar(20)"; } );
	unique = ( { name = "uq_order_user"; columns = [ "user" ]; } );
	foreign_keys = ( { name = "fk_order_key"; columns = [ "key" ]; references = "parent(id)"; } );
	checks = ( { name = "ck_order_key"; expression = "1 = 1"; } ); },
	{ op = "create_index"; name = "ix order key"; table = "order"; columns = [ "key", "Select" ]; },
	{ op = "add_column"; table = "order"; column = { name = "group"; type = "integer"; }; },
	{ op = "alter_column"; table = "order"; column = "group"; new_name = "table"; existing_type = "integer"; existing_nullable = true; },
	{ op = "bulk_insert"; table = "order"; rows = ( { id = 1; user = "u"; Select = "s"; table = 3; } ); }'
RW_DOWN='{ op = "drop_table"; table = "order"; }'
check_reserved() {
	expect_eq "$(cols order)" "id user key Select table" "reserved words: columns created and renamed"
	expect_eq "$(idx order "ix order key")" "0|key,Select|" "reserved words: index with a space in its name"
	[ "$D" = mysql ] || expect_eq "$(fks order)" "key|parent|id|NO ACTION|NO ACTION" "reserved words: foreign key"
	[ "$D" = mysql ] && expect_eq "$(fks order)" "key|parent|id|RESTRICT|RESTRICT" "reserved words: foreign key (MariaDB default actions)"
	[ "$D" = sqlite ] || expect_eq "$(col_comment order user)" "it's the user" "reserved words: comment with a quote"
	case $D in
	mysql) expect_eq "$(dbq 'SELECT `user`, `Select`, `table` FROM `order`')" "u|s|3" "reserved words: bulk_insert" ;;
	*) expect_eq "$(dbq 'SELECT "user", "Select", "table" FROM "order"')" "u|s|3" "reserved words: bulk_insert" ;;
	esac
	dbq "DELETE FROM $(pick '"order"' '"order"' '`order`')" >/dev/null
}
scenario_reserved() { op_case reserved_words 0 "$RW_UP" "$RW_DOWN" check_reserved; }

# ---- bad operations: refused at load time, with file and line, before anything runs ----

# bad_case DESC LINE-TEXT NEEDLE: revision r2 (bad op on line 6) on top of a good r1
bad_case() {
	local desc=$1 op=$2 needle=$3
	new_project || { failed "$desc: database"; return; }
	rev r1 "" "good" '{ op = "create_table"; table = "t_one"; columns = ( { name = "id"; type = "integer"; } ); }' \
		'{ op = "drop_table"; table = "t_one"; }'
	printf '%s\n' 'revision = "r2";' 'down_revision = "r1";' 'message = "bad";' 'upgrade = (' \
		'  { op = "add_column"; table = "t_one"; column = { name = "ok"; type = "integer"; }; },' \
		"  $op" ');' 'downgrade = ( );' >migrations/versions/r2.conf
	expect_rc 2 "$desc: refused (exit 2)" upgrade head
	expect_in "$ERR" "r2.conf:6" "$desc: the message names file and line"
	[ -n "$needle" ] && expect_in "$ERR" "$needle" "$desc: the message says what is wrong"
	expect_eq "$(tables | tr '\n' ' ')" "" "$desc: nothing ran (not even the first revision)"
	expect_rc 2 "$desc: refused offline too" upgrade head --sql
}
scenario_bad_ops() {
	bad_case "unknown op" '{ op = "create_tabel"; table = "x"; }' "create_tabel"
	bad_case "missing table name" '{ op = "drop_table"; }' "table"
	bad_case "varchar(x)" '{ op = "add_column"; table = "t_one"; column = { name = "c"; type = "varchar(x)"; }; }' "varchar(x)"
	bad_case "alter_column with nothing to change" '{ op = "alter_column"; table = "t_one"; column = "id"; }' "nothing to change"
}

# OPS_ONLY="scenario_x scenario_y" runs only those
run() { if [ -z "${OPS_ONLY:-}" ] || [[ " $OPS_ONLY " == *" $1 "* ]]; then for_each_dialect "$1"; fi; }

run scenario_create_table
run scenario_create_table_keys
run scenario_drop_table
run scenario_rename_table
run scenario_add_column
run scenario_drop_column
run scenario_alter_type
run scenario_alter_nullable
run scenario_alter_default
run scenario_alter_all
run scenario_alter_rename
run scenario_alter_rename_keeps
run scenario_alter_comment
run scenario_create_index
run scenario_create_index_concurrently
run scenario_drop_index
run scenario_types
run scenario_unique
run scenario_fk
run scenario_check
run scenario_pk
run scenario_drop_constraint
run scenario_bulk_insert
run scenario_execute
run scenario_execute_error
run scenario_dialect
run scenario_reserved
run scenario_bad_ops
finish

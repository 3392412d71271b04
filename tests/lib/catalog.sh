# Catalog readers shared by the integration scripts that check a schema
# (ops.sh, example.sh): each reads the current dialect's own catalog
# (sqlite_master/PRAGMA, pg_catalog, information_schema) through dbq.
# Sourced after common.sh.

# pick SQLITE PG MYSQL: the value for the current dialect
pick() {
	case $D in
	sqlite) printf '%s' "$1" ;;
	postgresql) printf '%s' "$2" ;;
	mysql) printf '%s' "$3" ;;
	esac
}

user_tables() { tables | grep -v -x -e retort_version -e retort_history | tr '\n' ' ' | sed 's/ $//'; }

# col TABLE COLUMN: "type|nullable(YES/NO)|default" ("" if no such column)
col() {
	case $D in
	sqlite) dbq "SELECT type || '|' || CASE WHEN \"notnull\" THEN 'NO' ELSE 'YES' END || '|' || coalesce(dflt_value, '')
		FROM pragma_table_info('$1') WHERE name = '$2'" ;;
	postgresql) dbq "SELECT format_type(a.atttypid, a.atttypmod) || '|' || CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END
		|| '|' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE n.nspname = current_schema() AND c.relname = '$1' AND a.attname = '$2' AND a.attnum > 0 AND NOT a.attisdropped" ;;
	mysql) dbq "SELECT concat(column_type, '|', is_nullable, '|', coalesce(column_default, ''))
		FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '$1' AND column_name = '$2'" ;;
	esac
}

# sqlite_def [TABLE]: "TABLE<tab>definition" a line, as sqlite_items reads
# them: TABLE's, or every user table's but retort's own, sorted by name
sqlite_def() {
	local which="name = '${1:-}'"
	[ -n "${1:-}" ] || which="name NOT LIKE 'sqlite_%' AND name NOT IN ('retort_version', 'retort_history')"
	dbq "SELECT name || char(9) || replace(replace(replace(sql, '\"', ''), char(10), ' '), char(9), ' ')
		FROM sqlite_master WHERE type = 'table' AND $which ORDER BY name"
}

# sqlite_items [all] < "TABLE<tab>CREATE-TABLE-SQL" lines: each definition
# as SQLite stores it, one item a line: "coldef|T|..." in order, then
# "constraint|T|..." sorted, whitespace normalized.  The primary key is left
# out of both (the pk column of pragma_table_info says which columns form
# it, inline or as a table constraint, and SQLite keeps no name for it);
# everything else (constraint names, CHECK expressions, REFERENCES, COLLATE)
# is kept as written ("all": primary key table constraints kept too).  Table
# constraints have no order that SQLite gives a meaning to.
sqlite_items() {
	awk -F '\t' -v all="${1:-}" '
	function emit(t, item,   u) {
		gsub(/^ +| +$/, "", item)
		gsub(/ ?\( ?/, "(", item); gsub(/ ?\) ?/, ")", item); gsub(/ ?, ?/, ",", item)
		u = toupper(item)
		if (u ~ /^(CONSTRAINT [^ ]+ )?(PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)/) {
			if (u ~ /^(CONSTRAINT [^ ]+ )?PRIMARY KEY/ && all != "all") return
			cons[ncons++] = "constraint|" t "|" item
		} else {
			sub(/ PRIMARY KEY( ASC| DESC)?/, "", item)
			print "coldef|" t "|" item
		}
	}
	{
		t = $1; s = $2; gsub(/ +/, " ", s)
		i = index(s, "("); s = substr(s, i + 1); sub(/\)[^)]*$/, "", s)
		depth = 0; cur = ""; ncons = 0
		for (k = 1; k <= length(s); k++) {
			c = substr(s, k, 1)
			if (c == "(") depth++
			else if (c == ")") depth--
			if (c == "," && depth == 0) { emit(t, cur); cur = "" } else cur = cur c
		}
		emit(t, cur)
		# insertion sort: a handful of constraints a table
		for (a = 1; a < ncons; a++) for (b = a; b > 0 && cons[b - 1] > cons[b]; b--) { x = cons[b]; cons[b] = cons[b - 1]; cons[b - 1] = x }
		for (a = 0; a < ncons; a++) print cons[a]
	}'
}

# indexes TABLE: index names (primary keys and SQLite's autoindexes left out)
indexes() {
	case $D in
	sqlite) dbq "SELECT name FROM pragma_index_list('$1') WHERE origin = 'c' ORDER BY 1" ;;
	postgresql) dbq "SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = '$1'
		AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u')) ORDER BY 1" ;;
	mysql) dbq "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE()
		AND table_name = '$1' AND index_name <> 'PRIMARY' AND index_name NOT IN (SELECT constraint_name
		FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND table_name = '$1') ORDER BY 1" ;;
	esac | tr '\n' ' ' | sed 's/ $//'
}

# constraints TABLE: "name:type" of named constraints (SQLite: the named
# table constraints of the definition, where alone it keeps their names)
constraints() {
	case $D in
	sqlite) sqlite_def "$1" | sqlite_items all | sed -n -E 's/^constraint\|[^|]*\|CONSTRAINT ([^ ]+) ([A-Za-z]).*/\1:\2/p' | tr 'PUCF' 'pucf' | sort ;;
	postgresql) dbq "SELECT c.conname || ':' || c.contype::text FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND t.relname = '$1' ORDER BY 1" ;;
	mysql) dbq "SELECT concat(constraint_name, ':', lower(left(constraint_type, 1))) FROM information_schema.table_constraints
		WHERE table_schema = DATABASE() AND table_name = '$1' ORDER BY 1" ;;
	esac | tr '\n' ' ' | sed 's/ $//'
}

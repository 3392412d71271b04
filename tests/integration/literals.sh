#!/usr/bin/env bash
# String literals the dialects write (bulk_insert values, table and column
# comments) store exactly the bytes given and never end early, whatever the
# session says about backslashes: PostgreSQL with standard_conforming_strings
# on and off, MariaDB with NO_BACKSLASH_ESCAPES off and on; online and
# through `upgrade --sql` piped into the database's own client.
. "$top_srcdir/tests/lib/common.sh"

# The values, one a row (ids 1..N); \n in the printf formats is a newline.
VALUES=(
	"it's"
	'back\slash'
	"\\'); DROP TABLE victim; --"
	"\\'"
	"end\\"
	'two \\ backslashes'
	'say "hi"'
	"$(printf 'line one\nline two')"
	"ünïcödé € 😀"
	"\\\\'); DROP TABLE victim; --"
)
COMMENT="c\\'); DROP TABLE victim; -- \"é\""

# conf_str S: S as a libconfig string literal (backslash, quote, newline escaped)
conf_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	printf '"%s"' "$s"
}

hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }

write_revs() {
	table_rev a ""
	rev a_victim a "victim" \
		'{ op = "create_table"; table = "victim"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); }' \
		'{ op = "drop_table"; table = "victim"; }'
	local rows="" i
	for i in "${!VALUES[@]}"; do
		rows+="${rows:+, }{ id = $((i + 1)); v = $(conf_str "${VALUES[$i]}"); }"
	done
	rev b a_victim "values" \
		"{ op = \"create_table\"; table = \"lit\"; comment = $(conf_str "$COMMENT");
		   columns = ( { name = \"id\"; type = \"integer\"; primary_key = true; },
		               { name = \"v\"; type = \"text\"; comment = $(conf_str "$COMMENT"); } ); },
		 { op = \"bulk_insert\"; table = \"lit\"; rows = ( $rows ); }" \
		'{ op = "drop_table"; table = "lit"; }'
}

stored_hex() {
	case $D in
	sqlite) dbq "SELECT lower(hex(v)) FROM lit WHERE id = $1" ;;
	postgresql) dbq "SELECT encode(convert_to(v, 'UTF8'), 'hex') FROM lit WHERE id = $1" ;;
	mysql) dbq "SELECT lower(hex(v)) FROM lit WHERE id = $1" ;;
	esac
}

comment_hex() {
	case $D in
	postgresql)
		dbq "SELECT encode(convert_to(obj_description('lit'::regclass, 'pg_class'), 'UTF8'), 'hex')"
		dbq "SELECT encode(convert_to(col_description('lit'::regclass, 2), 'UTF8'), 'hex')"
		;;
	mysql)
		dbq "SELECT lower(hex(table_comment)) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'lit'"
		dbq "SELECT lower(hex(column_comment)) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'lit' AND column_name = 'v'"
		;;
	esac
}

# check_stored HOW: every value and comment byte for byte; victim still there
check_stored() {
	local how=$1 i
	for i in "${!VALUES[@]}"; do
		expect_eq "$(stored_hex $((i + 1)))" "$(hex "${VALUES[$i]}")" "$how: value $((i + 1)) stored byte for byte"
	done
	if [ "$D" != sqlite ]; then
		local want
		want=$(hex "$COMMENT")
		expect_eq "$(comment_hex | tr '\n' ' ')" "$want $want " "$how: table and column comments stored byte for byte"
	fi
	expect_eq "$(tables | grep -c -x victim)" 1 "$how: no table was dropped"
	expect_eq "$(versions)" "b" "$how: at head"
}

# mode_on: turn the risky setting on for new sessions of $URL's database
# (PostgreSQL: standard_conforming_strings off; MariaDB: NO_BACKSLASH_ESCAPES).
mode_on() {
	case $D in
	postgresql)
		dbq "ALTER DATABASE $U_DB SET standard_conforming_strings = off" >/dev/null
		expect_eq "$(dbq 'SHOW standard_conforming_strings')" "off" "the database's sessions start with standard_conforming_strings off"
		;;
	mysql)
		MY_OLD_MODE=$(dbq "SELECT @@GLOBAL.sql_mode")
		dbq "SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')"
		expect_in "$(dbq 'SELECT @@SESSION.sql_mode')" NO_BACKSLASH_ESCAPES "new sessions start with NO_BACKSLASH_ESCAPES"
		;;
	esac
}
mode_off() {
	[ "$D" = mysql ] && [ -n "${MY_OLD_MODE+x}" ] && dbq "SET GLOBAL sql_mode = '$MY_OLD_MODE'"
	unset MY_OLD_MODE
}

one_run() {
	local risky=$1 how=$2 label=$3
	new_project || { failed "database"; return; }
	write_revs
	[ "$risky" = 1 ] && mode_on
	if [ "$how" = online ]; then
		expect_rc 0 "$label: upgrade" upgrade head
	else
		expect_rc 0 "$label: upgrade --sql" upgrade head --sql
		printf '%s\n' "$OUT" >"$T_ROOT/up.sql"
		check "$label: the script runs in the database's own client" dbfile "$T_ROOT/up.sql"
	fi
	mode_off
	check_stored "$label"
	if [ "$risky" = 1 ] && [ "$D" = postgresql ]; then
		dbq "ALTER DATABASE $U_DB RESET standard_conforming_strings" >/dev/null
	fi
}

scenario_literals() {
	local risky how label
	for risky in 0 1; do
		[ "$D" = sqlite ] && [ "$risky" = 1 ] && continue
		for how in online offline; do
			label=$how
			[ "$risky" = 1 ] && label="$how, $(pick "" "standard_conforming_strings off" "NO_BACKSLASH_ESCAPES on")"
			(one_run "$risky" "$how" "$label"; mode_off)
		done
	done
}

. "$top_srcdir/tests/lib/catalog.sh"
for_each_dialect scenario_literals
finish

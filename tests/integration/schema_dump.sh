#!/bin/bash
# retort schema dump: the corpus under tests/schema/<dialect>/ (each NN-name.sql
# applied with the database's own client must dump as NN-name.conf, byte for
# byte, and survive the round trip through --format sql), the round trips a
# reflection costs (the same for 1 table as for 60), and the command's
# behaviour (-o, --json, --format sql, errors, warnings).
. "$top_srcdir/tests/lib/common.sh"

# dump_to FILE [ARGS...]: retort schema dump of $TEST_URL into FILE; the exit status in RC
dump_to() {
	local out=$1
	shift
	rt schema dump "$@" >"$out" 2>"$T_ROOT/dump.err"
	RC=$?
	ERR=$(cat "$T_ROOT/dump.err")
}

# same_file GOT WANT DESC: byte for byte, with a diff when not
same_file() {
	if cmp -s "$1" "$2"; then pass "$3"; else
		failed "$3"
		diff -u "$2" "$1" | head -40 | sed 's/^/#   /'
	fi
}

corpus() {
	local dir="$top_srcdir/tests/schema/$D" sql name conf first url1
	local n=0
	for sql in "$dir"/*.sql; do
		[ -e "$sql" ] || break
		name=$(basename "$sql" .sql)
		conf="$dir/$name.conf"
		if [ ! -e "$conf" ]; then
			failed "corpus $name: no $name.conf beside $name.sql"
			continue
		fi
		n=$((n + 1))
		new_project || { failed "corpus $name: a fresh database"; continue; }
		if ! dbfile "$sql" >"$T_ROOT/apply.out" 2>&1; then
			failed "corpus $name: the DDL applies with the $D client"
			sed 's/^/#   /' "$T_ROOT/apply.out" | head -10
			continue
		fi
		first="$T_ROOT/$D-$name.conf"
		dump_to "$first"
		if [ "$RC" != 0 ]; then
			failed "corpus $name: schema dump (exit $RC)"
			echo "$ERR" | sed 's/^/#   /' | head -10
			continue
		fi
		same_file "$first" "$conf" "corpus $name: schema dump is $name.conf"
		# the round trip: DDL from the dump, applied to an empty database, dumps the same
		dump_to "$T_ROOT/$D-$name.sql" --format sql
		if [ "$RC" != 0 ]; then
			failed "corpus $name: schema dump --format sql (exit $RC)"
			echo "$ERR" | sed 's/^/#   /' | head -10
			continue
		fi
		url1=$URL
		new_db || { failed "corpus $name: a second database"; continue; }
		if ! dbfile "$T_ROOT/$D-$name.sql" >"$T_ROOT/apply.out" 2>&1; then
			failed "corpus $name: the dumped DDL applies with the $D client"
			sed 's/^/#   /' "$T_ROOT/apply.out" | head -10
			continue
		fi
		TEST_URL=$URL dump_to "$T_ROOT/$D-$name.again.conf"
		same_file "$T_ROOT/$D-$name.again.conf" "$first" "corpus $name: round trip through --format sql dumps the same"
		URL=$url1
	done
	if [ "$n" = 0 ]; then
		echo "# note: no corpus for $D yet (tests/schema/$D/*.sql): corpus not checked on $D"
	fi
}

# DDL for N tables t001..tN, each with an index and a foreign key to the one before
many_tables_sql() {
	local n=$1 i p
	for i in $(seq 1 "$n"); do
		i=$(printf '%03d' "$i")
		if [ "$i" = 001 ]; then
			echo "CREATE TABLE t$i (id integer NOT NULL, v varchar(20), p integer, PRIMARY KEY (id));"
		else
			p=$(printf '%03d' $((10#$i - 1)))
			echo "CREATE TABLE t$i (id integer NOT NULL, v varchar(20), p integer, PRIMARY KEY (id)," \
				"CONSTRAINT fk_t$i FOREIGN KEY (p) REFERENCES t$p (id));"
		fi
		echo "CREATE INDEX ix_t$i ON t$i (v);"
	done
}

round_trips() {
	local one sixty
	new_project || return
	many_tables_sql 1 >"$T_ROOT/one.sql"
	dbfile "$T_ROOT/one.sql"
	dump_to "$T_ROOT/one.conf" -v
	expect_eq "$RC" 0 "schema dump -v of 1 table"
	one=$(echo "$ERR" | sed -n 's/^schema dump: 1 tables, \([0-9]*\) round trips, [0-9]* ms$/\1/p')
	expect_in "$ERR" "schema dump: 1 tables, " "-v reports tables, round trips and time"
	new_project || return
	many_tables_sql 60 >"$T_ROOT/sixty.sql"
	dbfile "$T_ROOT/sixty.sql"
	dump_to "$T_ROOT/sixty.conf" -v
	sixty=$(echo "$ERR" | sed -n 's/^schema dump: 60 tables, \([0-9]*\) round trips, [0-9]* ms$/\1/p')
	if [ -n "$one" ] && [ "$one" -gt 0 ] && [ "$one" = "$sixty" ]; then
		pass "round trips do not grow with the tables: $one for 1 table and for 60"
	else
		failed "round trips do not grow with the tables (1 table: '${one}', 60 tables: '${sixty}')"
		echo "$ERR" | sed 's/^/#   /'
	fi
	expect_eq "$(grep -c '^  { name = "t' "$T_ROOT/sixty.conf")" 60 "60 tables dumped"
}

behaviour() {
	new_project || return
	rev a1 "" "t" '{ op = "create_table"; table = "thing"; columns = ( { name = "id"; type = "integer"; primary_key = true; }, { name = "label"; type = "varchar(40)"; nullable = false; } ); }' \
		'{ op = "drop_table"; table = "thing"; }'
	expect_rc 0 "upgrade head" upgrade head
	expect_rc 0 "schema dump" schema dump
	expect_in "$OUT" '{ name = "thing";' "the table is dumped"
	expect_in "$OUT" '{ name = "label"; type = "varchar(40)"; nullable = false; }' "its column, normalised"
	expect_not_in "$OUT" "retort_version" "the version table is never reported"
	expect_not_in "$OUT" "retort_history" "the history table is never reported"
	local stdout=$OUT
	# -o: the same text, written atomically (over an existing file, which keeps its mode)
	echo old >dump.conf
	chmod 640 dump.conf
	expect_rc 0 "schema dump -o FILE" schema dump -o dump.conf
	expect_eq "$OUT" "" "-o prints nothing on standard output"
	expect_eq "$(cat dump.conf)" "$stdout" "-o FILE holds what standard output gets"
	expect_eq "$(stat -c %a dump.conf)" 640 "-o keeps the mode of the file it replaces"
	expect_eq "$(ls -a | grep -c '^\.dump\.conf\.')" 0 "-o leaves no temporary file"
	expect_rc 1 "-o into a missing folder fails" schema dump -o nowhere/dump.conf
	expect_in "$ERR" "retort: error: nowhere/dump.conf" "... naming the file"
	# --json
	expect_rc 0 "--json schema dump" --json schema dump
	echo "$OUT" >dump.json
	if python3 - dump.json <<'EOF'; then pass "--json: valid JSON with every key"; else failed "--json: valid JSON with every key"; fi
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"enums", "tables"}, d.keys()
t = [t for t in d["tables"] if t["name"] == "thing"][0]
assert set(t) == {"name", "comment", "columns", "primary_key", "uniques", "indexes", "foreign_keys", "checks"}, t.keys()
c = t["columns"][1]
assert c == {"name": "label", "type": "varchar(40)", "nullable": False, "autoincrement": False,
             "server_default": None, "comment": None}, c
assert t["primary_key"]["columns"] == ["id"], t["primary_key"]
assert not [x for x in d["tables"] if x["name"].startswith("retort_")]
EOF
	# --format sql: the dialect's DDL, as upgrade --sql prints statements
	expect_rc 0 "schema dump --format sql" schema dump --format sql
	expect_in "$OUT" "CREATE TABLE" "--format sql: CREATE TABLE"
	expect_in "$OUT" "thing" "--format sql: the table"
	expect_not_in "$OUT" "retort_version" "--format sql: not the version table"
	# usage errors
	expect_rc 2 "--format xml is refused" schema dump --format xml
	expect_in "$ERR" "retort: error: schema dump: --format must be conf or sql, not 'xml'" "... saying which"
	expect_rc 2 "--json with --format is refused" --json schema dump --format sql
	expect_rc 2 "an unknown subcommand is refused" schema load
	expect_in "$ERR" "retort: error: schema: unknown subcommand 'load'" "... saying which"
	expect_rc 2 "schema needs its subcommand" schema
	expect_rc 0 "schema dump --help" schema dump --help
	expect_in "$OUT" "usage: retort schema" "--help prints the usage"
}

unreachable() {
	[ "$D" = sqlite ] && return 0
	new_project || return
	local url
	case $D in
	postgresql) url="postgresql://alice:S3cretPw@127.0.0.1:1/nodb" ;;
	mysql) url="mysql://alice:S3cretPw@127.0.0.1:1/nodb" ;;
	esac
	TEST_URL=$url expect_rc 1 "an unreachable server: exit 1" schema dump
	expect_in "$ERR" "retort: error:" "... with an error"
	expect_not_in "$ERR$OUT" "S3cretPw" "... that never shows the password"
}

unsupported() {
	[ "$D" = sqlite ] || return 0
	new_project || return
	dbq "CREATE TABLE plain (id integer PRIMARY KEY); CREATE VIRTUAL TABLE places USING rtree(id, minx, maxx);" || {
		echo "# note: this sqlite3 has no rtree module: the unsupported-object warning is not checked"
		return 0
	}
	expect_rc 0 "a virtual table does not stop the dump" schema dump
	expect_in "$ERR" "retort: warning: schema dump: cannot represent" "a virtual table is listed as a warning"
	expect_in "$ERR" "places" "... naming it"
	expect_in "$OUT" '{ name = "plain";' "the rest is dumped"
	expect_not_in "$OUT" '"places' "the virtual table is not"
}

all() {
	corpus
	round_trips
	behaviour
	unreachable
	unsupported
}

for_each_dialect all
finish

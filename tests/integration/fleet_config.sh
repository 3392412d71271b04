#!/usr/bin/env bash
# Fleets: the configuration (databases, databases_from, a database's own
# settings), the choice of databases and its refusals, events with the
# database's name, passwords (never printed; from $RETORT_PASSFILE or
# libpq's PGPASSFILE).
. "$top_srcdir/tests/lib/common.sh"

project() {
	P="$T_ROOT/p_$1"
	mkdir -p "$P/migrations/versions"
	cd "$P" || return 1
	table_rev r1 ""
	table_rev r2 r1
}

sqlite_scenario() {
	local out
	project sqlite
	# validation: file:line
	printf 'databases = (\n  { name = "a"; url = "sqlite:///a.db"; },\n  { name = "b"; }\n);\n' >retort.conf
	expect_rc 2 "a database without url" upgrade --all head
	expect_in "$ERR" "retort.conf:3: database 'b' has no url" "... names file:line"
	printf 'databases = (\n  { name = "a"; url = "sqlite:///a.db"; colour = 1; }\n);\n' >retort.conf
	expect_rc 2 "an unknown key in a database" current --all
	expect_in "$ERR" "retort.conf:2: unknown key 'colour' in a database of 'databases'" "... names it"
	printf 'databases = (\n  { name = "a"; url = "sqlite:///a.db"; },\n  { name = "a"; url = "sqlite:///b.db"; }\n);\n' >retort.conf
	expect_rc 2 "a name given twice" current --all
	expect_in "$ERR" "retort.conf:3: database name 'a' given twice" "... names the second"
	printf 'databases = (\n  { name = "a"; url = "sqlite:///a.db"; databases_from = "x"; }\n);\n' >retort.conf
	expect_rc 2 "databases_from inside a database" current --all
	printf 'databases = (\n  { name = "a"; url = "sqlite:///a.db"; lock_timeout = "x"; }\n);\n' >retort.conf
	expect_rc 2 "a database's setting is type-checked" current --all
	expect_in "$ERR" "retort.conf:2: 'lock_timeout' must be an integer" "... with file:line"
	printf 'databases_from = "missing.txt";\n' >retort.conf
	expect_rc 2 "databases_from: a missing file" current --all
	expect_in "$ERR" "retort.conf:1: databases_from" "... names the setting's line"
	printf 'sqlite:///ok.db\nnot-a-url\n' >list.txt
	printf 'databases_from = "list.txt";\n' >retort.conf
	expect_rc 2 "databases_from: a bad line" current --all
	expect_in "$ERR" "list.txt:2: 'not-a-url' is not a database URL" "... names file:line"
	printf 'databases_from = "exec:exit 3";\n' >retort.conf
	expect_rc 2 "databases_from: a failing command" current --all
	expect_in "$ERR" "exited with status 3" "... says how it failed"
	printf 'databases_from = "exec:echo sqlite:///x/one.db; echo sqlite:///y/one.db";\n' >retort.conf
	expect_rc 2 "a URL alone is named after its database: two the same" current --all
	expect_in "$ERR" "database name 'one' given twice" "... says which"
	printf 'database = { url = "sqlite:///solo.db"; };\n' >retort.conf
	expect_rc 2 "no databases" current --all
	expect_in "$ERR" "no databases to run on" "... says what to set"

	# a working fleet: a list, a file, a command; a database's own settings overlay the top level
	mkdir -p sub
	cat >retort.conf <<'EOF'
script_location = "migrations";
version_table = "retort_version";
databases = (
  { name = "alpha"; url = "sqlite:///alpha.db"; tags = [ "eu", "big" ]; },
  { name = "beta"; url = "sqlite:///beta.db"; tags = "us"; version_table = "beta_version"; }
);
databases_from = "exec:cat tenants.txt; echo sqlite:///sub/gamma.db";
plugins = ( { module = "jsonlog"; path = "${here}/events.log"; events = [ "migrate.*", "fleet.*" ]; } );
EOF
	printf '# tenants\n\ndelta sqlite:///delta.db eu\n  epsilon   sqlite:///epsilon.db   us  big\n' >tenants.txt
	expect_rc 0 "upgrade --all: five databases" upgrade --all head
	for t in alpha beta gamma delta epsilon; do
		expect_in "$OUT" "$t" "upgrade --all: $t has a line"
	done
	expect_eq "$(sqlite3 beta.db 'SELECT version_num FROM beta_version')" r2 "beta's own version_table"
	expect_eq "$(sqlite3 sub/gamma.db 'SELECT version_num FROM retort_version')" r2 "gamma (a URL alone) migrated"
	out=$(cat events.log)
	expect_eq "$(grep -c '"event":"fleet.before"' events.log)" 1 "fleet.before once"
	expect_eq "$(grep -c '"event":"fleet.after"' events.log)" 1 "fleet.after once"
	expect_in "$(grep '"event":"fleet.after"' events.log)" '"message":"5 databases: 5 ok, 0 failed, 0 not started"' \
		"fleet.after carries the counts"
	expect_eq "$(grep -c '"event":"migrate.after"' events.log)" 5 "migrate.after per database"
	expect_in "$(grep '"event":"migrate.before"' events.log | grep '"target":"epsilon"')" '"database_url":"sqlite:///epsilon.db"' \
		"migrate.before carries the database's name and URL"
	expect_in "$(grep '"event":"fleet.before"' events.log)" '"target":null' "fleet.before: no target"

	# choosing
	expect_rc 0 "--tag eu" current --tag eu
	expect_eq "$(echo "$OUT" | awk 'NF == 3 && $1 !~ /^[0-9]+$/ {print $1}' | tr '\n' ' ')" "alpha delta " "--tag eu: alpha, delta in list order"
	expect_rc 0 "--tag big --target beta" current --tag big --target beta
	expect_eq "$(echo "$OUT" | awk 'NF == 3 && $1 !~ /^[0-9]+$/ {print $1}' | tr '\n' ' ')" "alpha beta epsilon " "--tag and --target: the union"
	expect_rc 2 "--target unknown" current --target nobody
	expect_in "$ERR" "no database named 'nobody'" "... says so"
	expect_rc 2 "--tag nobody has" current --tag xx
	expect_in "$ERR" "no database of the fleet has the tag 'xx'" "... says so"
	expect_rc 2 "--jobs 0" current --all --jobs 0
	expect_rc 2 "--jobs without a fleet" upgrade --jobs 2 head
	expect_rc 2 "--url with --all" --url sqlite:///x.db current --all
	expect_rc 2 "--sql with --all" upgrade --all --sql head
	expect_rc 2 "check --all without target_schema: refused once, before any database" check --all
	expect_in "$ERR" "target_schema is not set" "... says so"
	expect_eq "$(grep -c 'target_schema is not set' <<<"$ERR")" 1 "... once"
	expect_rc 2 "heads takes no --all" heads --all
	expect_rc 0 "validate --all" validate --all
	expect_rc 0 "stamp --all base" stamp --all base
	expect_eq "$(sqlite3 delta.db 'SELECT count(*) FROM retort_version')" 0 "stamp --all base emptied delta's version table"
	expect_rc 0 "upgrade --help lists the fleet options" upgrade --help
	expect_in "$OUT" "--fail-fast" "upgrade --help: --fail-fast"

	# test across a fleet: each database proven on its own; one not empty is refused, untouched
	printf 'databases = (\n  { name = "t1"; url = "sqlite:///t1.db"; },\n  { name = "t2"; url = "sqlite:///t2.db"; },\n  { name = "t3"; url = "sqlite:///t3.db"; }\n);\n' >retort.conf
	sqlite3 t3.db "CREATE TABLE keep (x integer); INSERT INTO keep VALUES (42)"
	expect_rc 1 "test --all: exit 1 when one database is not empty" test --all --jobs 2
	expect_in "$(grep '^t1 ' <<<"$OUT")" "ok (" "test --all: t1 passed"
	expect_in "$(grep '^t1 ' <<<"$OUT")" "passed" "... with its count of checks"
	expect_in "$(grep '^t3 ' <<<"$OUT")" "failed: " "test --all: t3 refused"
	expect_in "$ERR" "1 of 3 databases failed: t3" "... the summary names it"
	expect_eq "$(sqlite3 t3.db 'SELECT x FROM keep')" 42 "... and t3 is untouched"
	expect_eq "$(sqlite3 t1.db "SELECT count(*) FROM sqlite_master WHERE name LIKE 't_%'")" 0 "t1 is left empty after passing"
	expect_rc 0 "test --all --reset: every database passes" test --all --reset --only upgrade --only stairway
	expect_eq "$(grep -c ' ok (2 passed, 0 skipped)$' <<<"$OUT")" 3 "... each ran the two checks asked for"
	expect_rc 2 "test --all --junit: refused (one report is one database's)" test --all --junit x.xml
}

postgresql_scenario() {
	local port pw
	project postgresql
	new_db
	url_split "$URL"
	pw=$U_PASS
	port=$U_PORT
	# a URL without its password: $RETORT_PASSFILE gives it, and no output ever shows it
	cat >retort.conf <<EOF
databases = (
  { name = "nopw"; url = "postgresql://$U_USER@$U_HOST:$port/$U_DB"; },
  { name = "wrongpw"; url = "postgresql://$U_USER:wrong-secret-pw@$U_HOST:$port/$U_DB"; }
);
EOF
	printf '# host:port:database:user:password\n%s:%s:*:%s:%s\n' "$U_HOST" "$port" "$U_USER" "$pw" >passfile
	PGPASSFILE=/dev/null PGPASSWORD='' expect_rc 1 "without a password file: nopw fails" current --target nopw
	RETORT_PASSFILE=$PWD/passfile PGPASSFILE=/dev/null expect_rc 0 "RETORT_PASSFILE gives the password" upgrade --target nopw head
	expect_not_in "$OUT$ERR" "$pw" "... never printed"
	printf '%s:%s:*:%s:%s\n' "$U_HOST" "$port" "$U_USER" "$pw" >pgpass
	chmod 600 pgpass
	PGPASSFILE=$PWD/pgpass expect_rc 0 "libpq's PGPASSFILE works too" current --target nopw
	expect_in "$OUT" "r2  head" "... and shows the database at head"
	run_rt --json current --all
	expect_eq "$RC" 1 "a wrong password fails its database"
	expect_not_in "$OUT$ERR" "wrong-secret-pw" "the wrong password is never printed"
	expect_in "$OUT" "$U_USER:***@" "the URL is shown masked"
}

RETORT_TEST_DIALECTS=sqlite for_each_dialect sqlite_scenario
RETORT_TEST_DIALECTS=postgresql for_each_dialect postgresql_scenario
finish

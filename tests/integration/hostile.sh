#!/usr/bin/env bash
# Hostile input: config files, scripts and command lines an attacker or a
# careless operator writes.  Every case: the documented exit status (2 bad
# input, 1 work failed), `retort: error:` with file:line where a file is at
# fault, no crash and no sanitizer report (run it on the --enable-asan
# build too), the database unchanged.
. "$top_srcdir/tests/lib/common.sh"

# hostile WANT-RC DESC NEEDLE ARGS...: retort ARGS (at most 20 s) exits WANT-RC, says
# `retort: error:` and NEEDLE, and leaves no sanitizer report
hostile() {
	local want=$1 desc=$2 needle=$3
	shift 3
	timeout 20 "$RETORT" "$@" >"$T_ROOT/out" 2>"$T_ROOT/err"
	RC=$?
	OUT=$(cat "$T_ROOT/out")
	ERR=$(tr -d '\0' <"$T_ROOT/err")
	if [ "$RC" = "$want" ]; then pass "$desc: exit $want"; else
		failed "$desc: exit $RC, wanted $want$([ "$RC" = 124 ] && echo ' (it hung)')"
		echo "$ERR" | sed 's/^/#   err: /' | head -20
	fi
	expect_in "$ERR" "retort: error: " "$desc: an error"
	expect_in "$ERR" "$needle" "$desc: says what is wrong"
	expect_not_in "$ERR" "Sanitizer" "$desc: no sanitizer report"
	expect_not_in "$ERR" "runtime error:" "$desc: no undefined behaviour"
}

# conf FILE-TEXT: a project whose retort.conf is FILE-TEXT (printf format, %s is the URL)
conf() {
	# shellcheck disable=SC2059
	printf "$1" "$URL" >retort.conf
}

CONF_HEAD='script_location = "migrations";\ndatabase = { url = "%s"; };\n'

# ---- retort.conf ----

scenario_config() {
	[ "$D" = sqlite ] || return 0 # nothing here reaches a database
	new_project || { failed "database"; return; }
	table_rev a ""
	local v
	for v in -1 86401 9223372036854775807 4294967297; do
		conf "${CONF_HEAD}lock_timeout = $v;\n"
		hostile 2 "lock_timeout = $v" "retort.conf:3: lock_timeout must be between 0 and 86400" current
	done
	conf "${CONF_HEAD}truncate_slug_length = 4294967336;\n"
	hostile 2 "truncate_slug_length beyond 32 bits (it wrapped to 40)" \
		"retort.conf:3: truncate_slug_length must be between 1 and 255" heads
	conf "${CONF_HEAD}lock_timeout = 99999999999999999999;\n"
	hostile 2 "an integer beyond 64 bits" "retort.conf:3: the integer 99999999999999999999 does not fit in 64 bits" heads

	rm retort.conf
	mkfifo retort.conf
	hostile 2 "retort.conf is a FIFO" "retort.conf: not a regular file (a FIFO)" heads
	rm retort.conf
	mkdir retort.conf
	hostile 2 "retort.conf is a folder" "retort.conf: not a regular file (a folder)" heads
	rmdir retort.conf

	printf 'script_location = "migr\0ations";\n' >retort.conf
	hostile 2 "a NUL byte in a string" "retort.conf:1: contains a NUL byte" heads
	printf 'script_location = "migrations";\ntimezone = "UT\\x00C";\n' >retort.conf
	hostile 2 "\\x00 in a string" "retort.conf:2: '\\x00' in a string" heads

	local k
	for k in 'events = 5;' 'fatal = "yes";' 'kind = 3;' 'events = ( "migrate.*", 5 );' 'fatal = 1;'; do
		conf "${CONF_HEAD}plugins = (\n  { module = \"jsonlog\"; path = \"x.log\";\n    $k }\n);\n"
		hostile 2 "plugin host key $k" "retort.conf:5: plugin key '${k%% *}' must be" heads
	done

	conf 'script_location = "migrations";\n\ndatabase = { url = "nonsense"; };\n'
	hostile 2 "a bad URL" "retort.conf:3: bad database URL 'nonsense'" current
	conf 'script_location = "migrations";\ndatabase = {\n  url = "postgresql://u:pw@h:port/db"; };\n'
	hostile 2 "a bad port" "retort.conf:3: bad database URL" current

	conf "${CONF_HEAD}version_table = \"\";\n"
	hostile 2 "an empty version_table" "retort.conf:3: version_table and history_table must be" heads
	conf "${CONF_HEAD}\nhistory_table = \"retort_version\";\n"
	hostile 2 "history_table equal to version_table" "retort.conf:4: version_table and history_table must be" heads
	conf "${CONF_HEAD}version_table = \"retort_history\";\n"
	hostile 2 "version_table equal to the default history_table" \
		"retort.conf:3: version_table and history_table must be" heads
	conf "${CONF_HEAD}history_table = \"$(printf 'h%.0s' $(seq 64))\";\n"
	hostile 2 "a 64-character history_table" "retort.conf:3: version_table and history_table must be" heads
}

# ---- scripts ----

scenario_scripts() {
	new_project || { failed "database"; return; }
	table_rev a ""
	expect_rc 0 "upgrade a" upgrade a
	local long before
	before=$(tables | tr '\n' ' ')
	long=$(printf 'x%.0s' $(seq 300))
	printf 'revision = "%s";\ndown_revision = "a";\nupgrade = ( { op = "create_table"; table = "t_long"; columns = ( { name = "id"; type = "integer"; } ); } );\ndowngrade = ( );\n' \
		"$long" >migrations/versions/long.conf
	hostile 2 "a 300-character revision id" "long.conf:1: revision id '$(printf 'x%.0s' $(seq 40))...' is longer than 255" \
		upgrade head
	expect_eq "$(tables | tr '\n' ' ')" "$before" "a 300-character id: no DDL ran"
	hostile 2 "a 300-character revision id (heads)" "is longer than 255 characters" heads
	rm migrations/versions/long.conf

	local id
	for id in "a/b" 'q\"x' "q'x" 'b\\c' 'tab\tx' 'q`x'; do
		printf 'message = "m";\n\nrevision = "%s";\ndown_revision = "a";\nupgrade = ( );\ndowngrade = ( );\n' "$id" \
			>migrations/versions/bad.conf
		hostile 2 "revision id $id" "bad.conf:3: revision id" upgrade head
		expect_eq "$(tables | tr '\n' ' ')" "$before" "revision id $id: no DDL ran"
		hostile 2 "revision id $id (history)" "bad.conf:3: revision id" history
	done
	rm migrations/versions/bad.conf
	printf -- '-- retort:message m\n-- retort:revision a/b\n-- retort:down_revision a\n-- retort:upgrade\nSELECT 1;\n' \
		>migrations/versions/bad.sql
	hostile 2 "a .sql revision id with /" "bad.sql:2: revision id 'a/b' contains '/'" upgrade head
	rm migrations/versions/bad.sql

	mkfifo migrations/versions/fifo.conf
	hostile 2 "a FIFO among the scripts" "fifo.conf: not a regular file (a FIFO)" heads
	hostile 2 "a FIFO among the scripts (upgrade)" "fifo.conf: not a regular file (a FIFO)" upgrade head
	rm migrations/versions/fifo.conf
	mkfifo migrations/versions/.retort-cache
	timeout 20 "$RETORT" heads >/dev/null 2>&1
	expect_eq "$?" 0 "heads with a FIFO as the header cache exits 0 (124: it hung)"
	rm migrations/versions/.retort-cache
	expect_eq "$(tables | tr '\n' ' ')" "$before" "nothing ran"

	hostile 2 "--rev-id of 300 characters" "is longer than 255 characters" revision -m x --rev-id "$long"
	hostile 2 "--rev-id with a quote" "revision identifier 'q'x' contains '''" revision -m x --rev-id "q'x"
	hostile 2 "--rev-id with a slash" "contains '/'" revision -m x --rev-id "a/b"
	expect_eq "$(ls migrations/versions | tr '\n' ' ')" "a.conf " "no script was written"

	# an integer beyond 32 bits is read exactly, one beyond 64 bits refused
	rm -f migrations/versions/*.sql
	rev b a "wide" '{ op = "create_table"; table = "t_b"; columns = ( { name = "v"; type = "bigint"; } ); },
		{ op = "bulk_insert"; table = "t_b"; rows = ( { v = 9007199254740993; }, { v = -4294967297; }, { v = 2147483647; } ); }' \
		'{ op = "drop_table"; table = "t_b"; }'
	expect_rc 0 "wide integers" upgrade head
	expect_eq "$(dbq "SELECT v FROM t_b ORDER BY v" | tr '\n' ' ')" "-4294967297 2147483647 9007199254740993 " \
		"bulk_insert values beyond 32 bits stored exactly"
	rev c b "too wide" '{ op = "bulk_insert"; table = "t_b"; rows = ( { v = 18446744073709551616; } ); }' \
		'{ op = "execute"; sql = "DELETE FROM t_b"; }'
	hostile 2 "an integer beyond 64 bits in a script" "c.conf:4: the integer 18446744073709551616 does not fit in 64 bits" \
		upgrade head
	expect_eq "$(versions)" "b" "nothing more ran"
	rev c b "nul" '{ op = "bulk_insert"; table = "t_b"; rows = ( { v = "a\x00b"; } ); }' \
		'{ op = "execute"; sql = "DELETE FROM t_b"; }'
	hostile 2 "\\x00 in a script string" "c.conf:4: '\\x00' in a string" upgrade head
	expect_eq "$(dbq "SELECT count(*) FROM t_b")" "3" "nothing inserted"
}

# ---- a failing .sql statement is named by file and line ----

scenario_sql_line() {
	new_project || { failed "database"; return; }
	table_rev a ""
	printf -- '-- retort:revision b\n-- retort:down_revision a\n\n-- retort:upgrade\nCREATE TABLE t_b (id integer);\n\n-- the next one fails\nINSERT INTO\n  no_such_table VALUES (1);\n-- retort:downgrade\nDROP TABLE t_b;\n' \
		>migrations/versions/b.sql
	expect_rc 0 "upgrade a" upgrade a
	hostile 1 "a failing .sql statement" "upgrade b (" upgrade head
	expect_in "$ERR" "b.sql:8), operation 2" "the error names file and line of the statement"
	expect_eq "$(versions)" "a" "the version table stays at a"
	if [ "$D" != mysql ]; then
		expect_eq "$(tables | tr '\n' ' ')" "retort_history retort_version t_a " "the failing revision rolled back"
	fi
}

for_each_dialect scenario_config
for_each_dialect scenario_scripts
for_each_dialect scenario_sql_line
finish
